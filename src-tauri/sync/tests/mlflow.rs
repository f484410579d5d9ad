//! Syncing against a real MLflow tracking server, checked from the other side with MLflow's own client.

#[allow(dead_code)]
mod common;

use common::*;
use modelops_core::remote::{AuthKind, ConflictChoice, RemoteSettings};
use modelops_core::task::CancelToken;
use modelops_core::types::{
    DeployTarget, EventAction, Metrics, RegisterModelRequest, RegisterVersionRequest,
    RollbackRequest, Status,
};
use modelops_core::{ErrorCode, Registry};
use modelops_sync::{sync, Progress, SyncOptions};

const GOOD: Metrics = Metrics {
    accuracy: 0.95,
    latency: 20.0,
    throughput: 500.0,
    uptime: 99.9,
    ai_confidence: 0.9,
    error_rate: 0.001,
};

const RUN_METRICS: &str =
    "{'accuracy': 0.93, 'latency_ms': 31.0, 'throughput_rps': 250.0, 'uptime_pct': 99.7, \
                           'ai_confidence': 0.88, 'error_rate': 0.004}";

fn register(reg: &Registry, name: &str, version: &str) -> String {
    reg.register_model(&RegisterModelRequest {
        name: name.into(),
        framework: "PyTorch".into(),
        version: version.into(),
        metrics: GOOD,
        size_bytes: Some(1000),
        artifact_path: None,
        notes: Some("first cut".into()),
        tags: vec![],
    })
    .expect("register")
    .model
    .id
}

fn add_version(reg: &Registry, id: &str, version: &str) {
    reg.register_version(&RegisterVersionRequest {
        model_id: id.into(),
        version: version.into(),
        framework: None,
        metrics: GOOD,
        size_bytes: Some(1000),
        artifact_path: None,
        notes: None,
        tags: vec![],
    })
    .expect("register version");
}

/// Into production through the gate: the tests pass on GOOD metrics.
fn to_production(reg: &Registry, id: &str) {
    reg.promote(id).expect("promote");
    reg.run_tests(id).expect("tests");
    reg.deploy(id, DeployTarget::Production).expect("deploy");
}

fn model_named(reg: &Registry, name: &str) -> modelops_core::types::Model {
    reg.list_models()
        .expect("list")
        .models
        .into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no local model {name}"))
}

fn small_pages() -> SyncOptions {
    SyncOptions {
        models_page: 2,
        versions_page: 3,
        ..quick()
    }
}

#[test]
fn a_first_pull_crosses_pages_and_maps_aliases_tags_and_metrics() {
    let server = Server::start();
    let url = server.url.clone();
    let py = |code: &str| server.py(code);
    // One Python process for all of it (each start imports MLflow anew).
    py(&[
        create_script("churn", 2, Some(RUN_METRICS)),
        create_script("fraud", 3, Some(RUN_METRICS)),
        create_script("ranker", 1, None),
        create_script("old-model", 1, Some(RUN_METRICS)),
        create_script("empty", 0, None),
        "c.set_registered_model_alias('churn', 'production', '1')\n\
         c.set_registered_model_alias('fraud', 'staging', '3')\n\
         c.set_registered_model_alias('fraud', 'production', '2')\n\
         c.set_registered_model_alias('ranker', 'staging', '1')\n\
         c.set_registered_model_tag('old-model', 'modelops.archived', 'true')\n"
            .to_owned(),
    ]
    .concat());
    let report = within(120, move || {
        let (dir, reg) = registry(&url);
        // Cancelled once the runs' metrics are being read: the models taken in by then are whole, the sync
        // is not recorded as done, and the next one goes on from there.
        let cancel = CancelToken::new();
        let c = cancel.clone();
        let cancelled = SyncOptions {
            cancel: cancel.clone(),
            progress: Some(Box::new(move |p| {
                if matches!(p, Progress::Runs { .. }) {
                    c.cancel();
                }
            })),
            ..small_pages()
        };
        let err = sync(&reg, &cancelled).expect_err("cancelled");
        assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
        assert!(reg.remote_status().expect("status").last_sync.is_none());
        let server_versions = [("churn", 2), ("fraud", 3), ("ranker", 1), ("old-model", 1)];
        let mut taken_versions = 0;
        let taken = reg.list_models().expect("list").models;
        for m in &taken {
            let n = reg.model_details(&m.id).expect("details").versions.len();
            assert!(
                server_versions.contains(&(m.name.as_str(), n)),
                "{} with {n} versions",
                m.name
            );
            taken_versions += n as u32;
        }
        assert!(taken.len() < 4, "cancelled before every model was whole");
        copies_kept(&reg);

        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let s = seen.clone();
        let opts = SyncOptions {
            progress: Some(Box::new(move |p| s.lock().expect("lock").push(p))),
            ..small_pages()
        };
        let report = sync(&reg, &opts).expect("sync");
        // Five models in pages of two: three pages; seven versions in pages of three: three pages.
        let seen = seen.lock().expect("lock").clone();
        assert!(seen.contains(&Progress::Models(5)), "{seen:?}");
        assert!(seen.contains(&Progress::Versions(7)), "{seen:?}");

        let churn = model_named(&reg, "churn");
        assert_eq!(
            (churn.status, churn.version.as_str()),
            (Status::Production, "1.0.0")
        );
        assert_eq!(churn.accuracy, 0.93);
        let fraud = model_named(&reg, "fraud");
        assert_eq!(
            (fraud.status, fraud.version.as_str()),
            (Status::Production, "2.0.0"),
            "production wins over staging"
        );
        let ranker = model_named(&reg, "ranker");
        assert_eq!(ranker.status, Status::Staging);
        // Another client's model: MLflow records neither a framework nor a size.
        assert_eq!(
            (ranker.framework.as_str(), ranker.size.as_str()),
            ("unknown", "—")
        );
        assert_eq!(model_named(&reg, "old-model").status, Status::Archived);
        assert!(
            report.skipped.iter().any(|s| s.starts_with("empty")),
            "{:?}",
            report.skipped
        );

        let link = reg.remote_link(&ranker.id).expect("link").expect("linked");
        assert_eq!(link.mlflow_name, "ranker");
        assert!(!link.versions[0].metrics_known, "no metrics in its run");
        assert!(
            link.web_url.ends_with("/#/models/ranker"),
            "{}",
            link.web_url
        );
        let err = reg
            .run_tests(&ranker.id)
            .expect_err("unknown metrics can't be tested");
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("metrics are unknown"), "{err}");

        let details = reg.model_details(&fraud.id).expect("details");
        assert_eq!(details.versions.len(), 3);
        assert!(details
            .events
            .iter()
            .all(|e| e.action == EventAction::Synced
                && e.detail.as_deref().unwrap_or("").contains("127.0.0.1")));
        assert!(reg.verify_audit().expect("audit").ok);
        copies_kept(&reg);
        assert_eq!(report.new_models + taken.len() as u32, 4);
        assert_eq!(report.new_versions + taken_versions, 7);

        // Nothing new: a handful of requests (the pages of models and versions), and one search for the
        // run whose metrics are still unknown.
        let again = sync(&reg, &small_pages()).expect("second sync");
        assert_eq!(
            (again.new_models, again.new_versions, again.changes_applied),
            (0, 0, 0)
        );
        assert!(again.requests <= 8, "{} requests", again.requests);
        (report, dir, reg, ranker.id)
    });
    assert_eq!(report.0.remote_models, 5);

    // The run of ranker's version logs ModelOps' metrics later: the next pull fills them in, once.
    let (_, dir, reg, ranker) = report;
    server.py(&format!(
        "r = c.get_model_version('ranker', '1').run_id\n\
         mlflow.MlflowClient().log_batch(r, metrics=[mlflow.entities.Metric(k, v, 0, 0) \
         for k, v in {RUN_METRICS}.items()])"
    ));
    within(120, move || {
        let r = sync(&reg, &small_pages()).expect("third sync");
        assert_eq!(r.changes_applied, 1, "{r:?}");
        let m = model_named(&reg, "ranker");
        assert_eq!((m.id.as_str(), m.accuracy), (ranker.as_str(), 0.93));
        let link = reg.remote_link(&ranker).expect("link").expect("linked");
        assert!(link.versions[0].metrics_known);
        reg.run_tests(&ranker).expect("its tests run now");
        assert!(reg
            .model_details(&ranker)
            .expect("details")
            .events
            .iter()
            .any(|e| e
                .detail
                .as_deref()
                .unwrap_or("")
                .contains("now has ModelOps' metrics")));
        assert!(reg.verify_audit().expect("audit").ok);
        copies_kept(&reg);
        let fourth = sync(&reg, &small_pages()).expect("fourth sync");
        assert_eq!(fourth.changes_applied, 0, "filled in once: {fourth:?}");
        drop(dir);
    });
}

#[test]
fn each_kind_of_local_change_is_pushed_and_read_back_with_mlflows_client() {
    let server = Server::start();
    let url = server.url.clone();
    let (_dir, reg) = registry(&url);
    let id = register(&reg, "credit-risk", "1.0.0");
    reg.share(&id).expect("share");
    let reg = within(120, move || {
        let r = sync(&reg, &quick()).expect("share sync");
        assert_eq!(r.pushed, 1);
        reg
    });
    let v1 = server.py("v = c.get_model_version('credit-risk', '1')\n\
         run = c.get_run(v.run_id)\n\
         print(json.dumps([v.tags.get('modelops.version'), run.data.metrics.get('accuracy'), \
         c.get_registered_model('credit-risk').tags.get('modelops.origin')]))");
    assert_eq!(v1, format!("[\"1.0.0\", 0.95, \"{id}\"]"));

    // A new version, promoted to staging.
    add_version(&reg, &id, "1.1.0");
    reg.promote(&id).expect("promote");
    assert_eq!(reg.remote_status().expect("status").waiting, 2);
    let reg = within(120, move || {
        assert_eq!(sync(&reg, &quick()).expect("sync").pushed, 2);
        reg
    });
    assert_eq!(
        server.py("print(c.get_model_version_by_alias('credit-risk', 'staging').version)"),
        "2"
    );

    // Through the gate to production, then back to the previous production version... which needs one.
    reg.run_tests(&id).expect("tests");
    reg.deploy(&id, DeployTarget::Production).expect("deploy");
    add_version(&reg, &id, "1.2.0");
    to_production(&reg, &id);
    reg.rollback_with(&RollbackRequest {
        model_id: id.clone(),
        to_version: Some("1.1.0".into()),
        reason: Some("1.2.0 regressed".into()),
        expected: None,
    })
    .expect("rollback");
    reg.archive(&id).expect("archive");
    let reg = within(120, move || {
        let r = sync(&reg, &quick()).expect("sync");
        assert_eq!(r.waiting, 0, "{r:?}");
        assert!(r.conflicts.is_empty(), "{r:?}");
        reg
    });
    let state = server.py("m = c.get_registered_model('credit-risk')\n\
         vs = sorted(int(v.version) for v in c.search_model_versions(\"name='credit-risk'\"))\n\
         print(json.dumps([m.aliases, m.tags.get('modelops.archived'), vs], sort_keys=True))");
    assert_eq!(
        state,
        r#"[{"production": "2", "staging": "3"}, "true", [1, 2, 3]]"#
    );
    assert_eq!(reg.remote_status().expect("status").waiting, 0);
    copies_kept(&reg);
}

#[test]
fn two_folders_moving_production_offline_get_a_conflict_not_an_overwrite() {
    let server = Server::start();
    let url = server.url.clone();
    let done = within(180, move || {
        let (_a_dir, a) = registry(&url);
        let id_a = register(&a, "search-ranker", "1.0.0");
        to_production(&a, &id_a);
        a.share(&id_a).expect("share");
        sync(&a, &quick()).expect("a shares");

        let (_b_dir, b) = registry(&url);
        sync(&b, &quick()).expect("b pulls");
        let pulled = model_named(&b, "search-ranker");
        let id_b = pulled.id;
        assert_eq!(pulled.status, Status::Production);
        // What MLflow has no field for rides in version tags: another folder sees A's framework and size.
        assert_eq!(
            (pulled.framework.as_str(), pulled.size.as_str()),
            ("PyTorch", "1KB")
        );

        // Both move production while offline: A to 2.0.0, B to 3.0.0.
        add_version(&a, &id_a, "2.0.0");
        to_production(&a, &id_a);
        add_version(&b, &id_b, "3.0.0");
        to_production(&b, &id_b);

        let ra = sync(&a, &quick()).expect("a syncs first");
        assert!(ra.conflicts.is_empty(), "{ra:?}");
        let rb = sync(&b, &quick()).expect("b syncs second");
        assert_eq!(rb.conflicts.len(), 1, "{rb:?}");
        let c = &rb.conflicts[0];
        assert_eq!(
            (c.alias.as_str(), c.base.as_deref()),
            ("production", Some("1"))
        );
        assert_eq!(
            c.server.as_deref(),
            Some("2"),
            "A's version 2.0.0 is MLflow version 2"
        );
        assert!(c.local.contains("3.0.0"), "{c:?}");
        assert!(c.line().contains("search-ranker"));
        (url, b, id_b)
    });
    let (url, b, id_b) = done;
    // Nothing was overwritten: the server still has A's production.
    let prod = |s: &Server| {
        s.py("print(c.get_model_version_by_alias('search-ranker', 'production').tags.get('modelops.version'))")
    };
    assert_eq!(prod(&server), "2.0.0");
    assert_eq!(b.remote_status().expect("status").conflicts.len(), 1);

    // B keeps its side: the next sync moves production to B's version.
    b.resolve_conflict(&id_b, ConflictChoice::KeepMine)
        .expect("keep mine");
    let b = within(120, move || {
        let r = sync(&b, &quick()).expect("b pushes");
        assert!(r.conflicts.is_empty(), "{r:?}");
        let _ = url;
        b
    });
    assert_eq!(prod(&server), "3.0.0");
    assert_eq!(b.remote_status().expect("status").waiting, 0);
    copies_kept(&b);
}

/// The case the read before each move exists for: the server moves the alias after this sync's pull. The
/// push reads the model right before moving (a hundred models a search, 31aa000), sees it, and records a
/// conflict instead of overwriting.
#[test]
fn an_alias_the_server_moves_between_the_pull_and_the_push_is_not_overwritten() {
    let server = std::sync::Arc::new(Server::start());
    let url = server.url.clone();
    let (_dir, reg) = registry(&url);
    let id = register(&reg, "churn-alarm", "1.0.0");
    reg.share(&id).expect("share");
    add_version(&reg, &id, "1.1.0");
    let reg = within(120, move || {
        sync(&reg, &quick()).expect("share sync");
        reg
    });
    assert_eq!(
        server.py("print(len(c.search_model_versions(\"name='churn-alarm'\")))"),
        "2"
    );

    // Here 1.1.0 (MLflow version 2) goes to staging; between the pull and the push another client points
    // staging at version 1.
    reg.promote(&id).expect("promote");
    let moved = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (s, m) = (server.clone(), moved.clone());
    let opts = SyncOptions {
        progress: Some(Box::new(move |p| {
            if p == Progress::Applied && !m.swap(true, std::sync::atomic::Ordering::SeqCst) {
                s.py("c.set_registered_model_alias('churn-alarm', 'staging', '1')");
            }
        })),
        ..quick()
    };
    let (reg, r) = within(120, move || {
        let r = sync(&reg, &opts).expect("sync");
        (reg, r)
    });
    assert!(
        moved.load(std::sync::atomic::Ordering::SeqCst),
        "the hook ran"
    );
    assert_eq!(r.conflicts.len(), 1, "{r:?}");
    let c = &r.conflicts[0];
    assert_eq!(
        (c.alias.as_str(), c.base.as_deref(), c.server.as_deref()),
        ("staging", None, Some("1"))
    );
    assert!(c.local.contains("1.1.0"), "{c:?}");
    // Nothing was overwritten, and the promotion waits for the user's choice.
    assert_eq!(
        server.py("print(c.get_model_version_by_alias('churn-alarm', 'staging').version)"),
        "1"
    );
    assert_eq!(reg.remote_status().expect("status").waiting, 1);
    copies_kept(&reg);
}

/// A server that can't search registered models by a list of names (older MLflow servers answer `name IN`
/// with INVALID_PARAMETER_VALUE): the push reads each model alone before moving its alias, the moves arrive,
/// and an alias moved on the server in the meantime is still a conflict, not an overwrite.
#[test]
fn a_server_that_refuses_a_search_by_names_gets_one_read_per_move() {
    let server = std::sync::Arc::new(Server::start());
    let proxy = RefusesIn::start(server.port);
    let (_dir, reg) = registry(&proxy.url);
    let ids: Vec<String> = (0..3)
        .map(|i| {
            let id = register(&reg, &format!("refuses-in-{i}"), "1.0.0");
            reg.share(&id).expect("share");
            add_version(&reg, &id, "1.1.0");
            id
        })
        .collect();
    let reg = within(120, move || {
        sync(&reg, &quick()).expect("share sync");
        reg
    });
    // Each model's 1.1.0 (MLflow version 2) goes to staging here; between the pull and the push another
    // client points the first model's staging alias at version 1.
    for id in &ids {
        reg.promote(id).expect("promote");
    }
    let s = server.clone();
    let opts = SyncOptions {
        progress: Some(Box::new(move |p| {
            if p == Progress::Applied {
                s.py("c.set_registered_model_alias('refuses-in-0', 'staging', '1')");
            }
        })),
        ..quick()
    };
    let (reg, r) = within(120, move || {
        let r = sync(&reg, &opts).expect("sync");
        (reg, r)
    });
    assert!(
        proxy.refused.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the push asked for the models by names first"
    );
    assert_eq!(r.conflicts.len(), 1, "{r:?}");
    assert_eq!(r.conflicts[0].name, "refuses-in-0");
    for (name, version) in [
        ("refuses-in-0", "1"),
        ("refuses-in-1", "2"),
        ("refuses-in-2", "2"),
    ] {
        assert_eq!(
            server.py(&format!(
                "print(c.get_model_version_by_alias('{name}', 'staging').version)"
            )),
            version,
            "{name}"
        );
    }
    assert_eq!(reg.remote_status().expect("status").waiting, 1);
    copies_kept(&reg);
}

#[test]
fn taking_the_servers_side_drops_the_local_change_and_applies_the_server() {
    let server = Server::start();
    let url = server.url.clone();
    within(180, move || {
        let (_a_dir, a) = registry(&url);
        let id_a = register(&a, "pricing", "1.0.0");
        to_production(&a, &id_a);
        a.share(&id_a).expect("share");
        sync(&a, &quick()).expect("a shares");
        let (_b_dir, b) = registry(&url);
        sync(&b, &quick()).expect("b pulls");
        let id_b = model_named(&b, "pricing").id;
        add_version(&a, &id_a, "2.0.0");
        to_production(&a, &id_a);
        add_version(&b, &id_b, "3.0.0");
        to_production(&b, &id_b);
        sync(&a, &quick()).expect("a");
        assert_eq!(sync(&b, &quick()).expect("b").conflicts.len(), 1);
        b.resolve_conflict(&id_b, ConflictChoice::TakeServer)
            .expect("take server");
        let r = sync(&b, &quick()).expect("b takes the server's");
        assert!(r.conflicts.is_empty(), "{r:?}");
        let m = model_named(&b, "pricing");
        assert_eq!(
            (m.status, m.version.as_str()),
            (Status::Production, "2.0.0")
        );
        assert_eq!(b.remote_status().expect("status").waiting, 0);
        copies_kept(&b);
    });
    assert_eq!(
        server.py("print(c.get_model_version_by_alias('pricing', 'production').version)"),
        "2"
    );
}

#[test]
fn a_server_killed_in_the_middle_of_a_push_resumes_without_duplicates() {
    let mut server = Server::start();
    let url = server.url.clone();
    let (_dir, reg) = registry(&url);
    let mut ids = Vec::new();
    for i in 0..8 {
        let id = register(&reg, &format!("model-{i}"), "1.0.0");
        add_version(&reg, &id, "1.1.0");
        reg.share(&id).expect("share");
        ids.push(id);
    }
    // Kill the server once three models are through.
    let port = server.port;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let reg = std::sync::Arc::new(reg);
    let r2 = reg.clone();
    let pushing = std::thread::spawn(move || {
        let opts = SyncOptions {
            parallel: 1,
            progress: Some(Box::new(move |p| {
                if let Progress::Pushed { done: 3, .. } = p {
                    let _ = tx.send(());
                    // Wait until the server is gone before sending more.
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                        assert!(std::time::Instant::now() < deadline, "server still up");
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                }
            })),
            ..quick()
        };
        sync(&r2, &opts)
    });
    rx.recv_timeout(std::time::Duration::from_secs(120))
        .expect("three pushed");
    server.stop();
    let err = pushing
        .join()
        .expect("thread")
        .expect_err("the server died");
    assert_eq!(err.code(), ErrorCode::RemoteUnreachable, "{err}");
    let status = reg.remote_status().expect("status");
    assert_eq!(status.waiting, 5, "three models went through, five wait");
    // The header shows why the sync stopped, not the time of the last one that worked.
    assert_eq!(status.last_error.as_deref(), Some(err.to_string().as_str()));

    server.restart();
    let r = sync(&reg, &quick()).expect("resume");
    assert_eq!((r.pushed, r.waiting), (5, 0), "{r:?}");
    let status = reg.remote_status().expect("status");
    assert_eq!(
        status.last_error, None,
        "a sync that works clears the failure"
    );
    let counts = server.py("import collections\n\
         vs = c.search_model_versions(max_results=1000)\n\
         keys = collections.Counter(v.tags.get('modelops.key') for v in vs)\n\
         runs = mlflow.search_runs(experiment_names=['modelops-registry'], output_format='list')\n\
         rkeys = collections.Counter(r.data.tags.get('modelops.key') for r in runs)\n\
         print(len(vs), max(keys.values()), len(runs), max(rkeys.values()))");
    assert_eq!(counts, "16 1 16 1", "16 versions and 16 runs, none twice");
    copies_kept(&reg);
}

/// A failure keeps every waiting change and leaves the registry's content exactly as it was; the status
/// names it as the last error.
/// What a pull or push changed left every row's copies (schema 12) equal to what they copy.
fn copies_kept(reg: &Registry) {
    let wrong = reg.copies_check().expect("copies check");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn fails_with(reg: &Registry, code: ErrorCode, says: &str) {
    fails_with_opts(reg, &quick(), code, says)
}

fn fails_with_opts(reg: &Registry, opts: &SyncOptions, code: ErrorCode, says: &str) {
    let before = reg.content_fingerprint().expect("fp");
    let status = reg.remote_status().expect("status");
    let err = sync(reg, opts).expect_err("sync must fail");
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains(says), "{err}");
    let after = reg.remote_status().expect("status");
    assert_eq!(after.waiting, status.waiting);
    assert_eq!(reg.content_fingerprint().expect("fp"), before, "{err}");
    assert_eq!(
        after.last_error,
        Some(err.to_string()),
        "the status says why the last sync failed"
    );
}

fn with_waiting_change(url: &str) -> (tempfile::TempDir, Registry) {
    let (dir, reg) = registry(url);
    let id = register(&reg, "waiting-model", "1.0.0");
    reg.share(&id).expect("share");
    (dir, reg)
}

#[test]
fn refused_timeout_and_not_mlflow_are_typed_errors_with_the_outbox_kept() {
    within(120, || {
        // Nothing listens on this port.
        let closed = format!("http://127.0.0.1:{}", free_port());
        let (_d, reg) = with_waiting_change(&closed);
        fails_with(&reg, ErrorCode::RemoteUnreachable, "connection refused");

        // Accepts the connection, never answers.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", silent.local_addr().expect("addr"));
        let (_d, reg) = with_waiting_change(&url);
        fails_with_opts(
            &reg,
            &with_timeout(2),
            ErrorCode::RemoteTimeout,
            "did not answer within 2 s",
        );

        // An HTTP server that is not MLflow.
        let other = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", other.local_addr().expect("addr"));
        std::thread::spawn(move || {
            for stream in other.incoming().flatten() {
                let mut s = stream;
                let mut buf = [0u8; 4096];
                let _ = std::io::Read::read(&mut s, &mut buf);
                let body = "<html><body>It works!</body></html>";
                let _ = std::io::Write::write_all(
                    &mut s,
                    format!(
                        "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        let (_d, reg) = with_waiting_change(&url);
        fails_with(
            &reg,
            ErrorCode::RemoteNotMlflow,
            "not an MLflow tracking server",
        );
        drop(silent);
    });
}

#[test]
fn basic_auth_401_and_403_are_typed_errors_with_the_outbox_kept() {
    let server = Server::start_with_auth();
    server.py(
        "import requests\n\
         r = requests.post(mlflow.get_tracking_uri() + '/api/2.0/mlflow/users/create', \
         json={'username': 'reader', 'password': 'reader-pass-1'}, auth=('admin', 'Adm1n-test-pass'))\n\
         assert r.ok, r.text\n\
         c.create_registered_model('shared-model')\n\
         with mlflow.start_run() as run: pass\n\
         c.create_model_version('shared-model', run.info.artifact_uri + '/model', run.info.run_id)",
    );
    let url = server.url.clone();
    within(120, move || {
        let with_user = |user: &str, var: &str| RemoteSettings {
            auth: AuthKind::Basic,
            username: Some(user.into()),
            secret_env: Some(var.into()),
            ..settings(&url)
        };
        // A wrong password: 401.
        std::env::set_var("MODELOPS_TEST_WRONG", "not-the-password");
        let (_d, reg) = with_waiting_change(&url);
        reg.set_remote_settings(&with_user("reader", "MODELOPS_TEST_WRONG"))
            .expect("settings");
        fails_with(&reg, ErrorCode::RemoteUnauthorized, "HTTP 401");

        // The reader may read: the pull works; moving an alias is refused with 403 and the change waits.
        std::env::set_var("MODELOPS_TEST_READER", "reader-pass-1");
        let (_d, reg) = registry(&url);
        reg.set_remote_settings(&with_user("reader", "MODELOPS_TEST_READER"))
            .expect("settings");
        sync(&reg, &quick()).expect("reader pulls");
        let id = model_named(&reg, "shared-model").id;
        reg.promote(&id).expect("promote locally");
        fails_with(&reg, ErrorCode::RemoteForbidden, "HTTP 403");
        let status = reg.remote_status().expect("status");
        assert_eq!(status.waiting, 1);

        // No variable: told which one, nothing sent.
        std::env::remove_var("MODELOPS_TEST_UNSET");
        reg.set_remote_settings(&with_user("reader", "MODELOPS_TEST_UNSET"))
            .expect("settings");
        fails_with(
            &reg,
            ErrorCode::RemoteUnauthorized,
            "MODELOPS_TEST_UNSET is not set",
        );
    });
}
