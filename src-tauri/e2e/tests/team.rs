//! Issue 16 in the real window: a team's MLflow server configured in the Team registry dialog, a model an
//! MLflow client created pulled in with its badge, promoted here, and its alias seen on the server; then a
//! model an MLflow client makes while the app runs shows up through the background sync alone.

#[path = "../../sync/tests/common/mod.rs"]
#[allow(dead_code)]
mod common;

use modelops_e2e::*;

const DETAILS: &str = "//dialog[@open and contains(@class, 'modal-details')]";
const TEAM: &str = "//dialog[@open and .//*[@data-testid='team-url']]";

#[tokio::test]
#[ignore = "end-to-end: needs the release app and a display; run by scripts/e2e.sh"]
async fn a_model_from_an_mlflow_client_is_pulled_promoted_and_pushed_back() {
    let server = common::Server::start();
    server.create_with_client(
        "iris-classifier",
        1,
        Some(
            "{'accuracy': 0.97, 'latency_ms': 12.0, 'throughput_rps': 900.0, 'uptime_pct': 99.95, \
             'ai_confidence': 0.93, 'error_rate': 0.002}",
        ),
    );
    let dir = tempfile::tempdir().expect("data dir");
    // The background sync every 2 s instead of every 5 minutes, for its part at the end. Syncs never overlap
    // (the clicks on Sync now wait for a background one), so the steps before it hold either way.
    let app = App::launch_with(dir.path(), &["--sync-every", "2"]).await;
    app.el("//table[contains(@class, 'models-table')]/tbody/tr")
        .await;

    // Configure the server and test the connection before saving.
    app.click("//*[@data-testid='team-registry-button']").await;
    app.fill(&format!("{TEAM}//*[@data-testid='team-url']"), &server.url)
        .await;
    app.click(&format!("{TEAM}//*[@data-testid='team-test']"))
        .await;
    let found = app
        .text(&format!(
            "{TEAM}//*[@data-testid='team-test-result'][contains(., 'MLflow')]"
        ))
        .await;
    assert!(found.contains("3.17.2"), "{found}");
    app.screenshot("team-registry-dialog").await;
    app.click(&format!("{TEAM}//*[@data-testid='team-save']"))
        .await;
    app.gone(TEAM).await;

    // Sync: the model the MLflow client made shows, with its badge.
    app.click("//*[@data-testid='sync-now']").await;
    let iris = "//table[contains(@class, 'models-table')]/tbody/tr[.//*[@data-testid='mlflow-badge']][contains(., 'iris-classifier')]";
    app.el(iris).await;
    let id = app
        .registry()
        .list_models()
        .expect("list")
        .models
        .into_iter()
        .find(|m| m.name == "iris-classifier")
        .expect("pulled")
        .id;

    // Its details say where it comes from; promote it to staging. The search brings its row into view.
    app.fill("//input[@id='model-search']", "iris").await;
    app.el("//*[contains(@class, 'models-count') and normalize-space(.)='1 of 5 models']")
        .await;
    app.click("//button[@aria-label='View details of iris-classifier']")
        .await;
    let section = app
        .text(&format!("{DETAILS}//*[@data-testid='remote-section']"))
        .await;
    assert!(section.contains(&server.url), "{section}");
    app.screenshot("team-model-details").await;
    app.click(&button(DETAILS, "Promote to Staging")).await;
    app.toast("promoted to staging").await;
    app.click(&format!("{DETAILS}//button[@aria-label='Close details']"))
        .await;
    app.gone(DETAILS).await;
    app.dismiss_toasts().await;

    // Sync again: the staging alias is on the server.
    app.click("//*[@data-testid='sync-now']").await;
    app.el("//*[@data-testid='sync-status'][not(contains(., 'waiting'))]")
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let alias = server.py(
            "try:\n    print(c.get_model_version_by_alias('iris-classifier', 'staging').version)\n\
             except Exception:\n    print('none')",
        );
        if alias == "1" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the staging alias never reached the server: {alias}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(
        app.registry().remote_status().expect("status").waiting,
        0,
        "{id}: nothing left to push"
    );
    app.screenshot("team-synced").await;

    // The background sync, no click: a model an MLflow client registers now comes into the registry, and
    // the table shows it once the page's status poll (every 30 s) sees the new sync.
    app.fill("//input[@id='model-search']", "").await;
    server.create_with_client("nightly-ranker", 1, None);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !app
        .registry()
        .list_models()
        .expect("list")
        .models
        .iter()
        .any(|m| m.name == "nightly-ranker")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the background sync never pulled nightly-ranker"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let nightly = "//table[contains(@class, 'models-table')]/tbody/tr[.//*[@data-testid='mlflow-badge']][contains(., 'nightly-ranker')]";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while app
        .wd
        .find_all(By::XPath(nightly))
        .await
        .map_or(true, |f| f.is_empty())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the table never showed nightly-ranker, pulled by the background sync"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    app.quit().await;
}
