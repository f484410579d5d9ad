//! The command line, end to end: the real `modelops` binary on a temporary data folder, with no display (so
//! anything that started Tauri or GTK would fail). Each test has its own registry and runs in parallel.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use modelops_core::import::ImportPlan;
use modelops_core::types::*;
use serde::de::DeserializeOwned;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_modelops");

/// A registry in a temporary folder, driven through the binary.
struct Cli {
    dir: TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    fn db_path(&self) -> PathBuf {
        self.data_dir().join("registry.sqlite3")
    }

    /// The binary, headless, with `--data-dir` set and nothing inherited that could change where it looks.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = bare_command();
        cmd.arg("--data-dir").arg(self.data_dir()).args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run modelops")
    }

    /// Runs `args`, expects exit 0, returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        expect_ok(self.run(args), args)
    }

    /// Runs `--json args`, expects exit 0, parses stdout as one JSON document of type T.
    fn json<T: DeserializeOwned>(&self, args: &[&str]) -> T {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not the expected JSON ({e}):\n{out}"))
    }

    /// Runs `args`, expects exit `code`, returns stderr.
    fn fails(&self, args: &[&str], code: i32) -> String {
        expect_code(self.run(args), args, code)
    }

    fn details(&self, model_id: &str) -> ModelDetails {
        self.json(&["show", model_id])
    }

    /// Registers a new model "Fraud scorer" 1.0.0 and returns its id.
    fn register_model(&self) -> String {
        let r: RegisterResult = self.json(&[
            "register",
            "--name",
            "Fraud scorer",
            "--framework",
            "ONNX",
            "--version",
            "1.0.0",
            "--accuracy",
            "0.95",
            "--latency",
            "20",
            "--throughput",
            "800",
            "--uptime",
            "99.9",
            "--ai-confidence",
            "0.9",
            "--error-rate",
            "0.002",
        ]);
        r.model.id
    }

    fn register_version(&self, model_id: &str, version: &str) -> Output {
        self.run(&[
            "register",
            "--model",
            model_id,
            "--version",
            version,
            "--accuracy",
            "93%",
            "--latency",
            "25",
            "--throughput",
            "900",
            "--uptime",
            "99.95%",
            "--ai-confidence",
            "0.91",
            "--error-rate",
            "0.003",
        ])
    }
}

fn bare_command() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("MODELOPS_DATA_DIR");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn expect_ok(out: Output, args: &[&str]) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?} failed.\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn expect_code(out: Output, args: &[&str], code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: expected exit {code}.\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

fn ids(page: &ModelPage) -> Vec<&str> {
    page.models.iter().map(|m| m.id.as_str()).collect()
}

#[test]
fn list_shows_the_table_as_text_and_as_json() {
    let cli = Cli::new();
    let out = cli.ok(&["list"]);
    let header = out.lines().next().unwrap_or_default();
    for col in [
        "ID", "NAME", "VERSION", "STATUS", "ACCURACY", "LATENCY", "UPTIME",
    ] {
        assert!(header.contains(col), "header lacks {col}: {header}");
    }
    let tgnn = out
        .lines()
        .find(|l| l.starts_with("model-1 "))
        .unwrap_or_else(|| panic!("no model-1 row:\n{out}"));
    // Formatted like the app: accuracy as a percent, latency in ms, throughput grouped.
    for cell in [
        "TGNN - Attack Surface Model",
        "2.1.0",
        "production",
        "94.0%",
        "45 ms",
        "1,500 req/s",
        "99.85%",
    ] {
        assert!(tgnn.contains(cell), "model-1 row lacks {cell}: {tgnn}");
    }
    assert!(out.contains("Showing 1–4 of 4 models."), "{out}");

    let page: ModelPage = cli.json(&["list"]);
    assert_eq!(page.total, 4);
    // Sorted by name by default.
    assert_eq!(ids(&page), ["model-3", "model-4", "model-2", "model-1"]);

    let prod: ModelPage = cli.json(&["list", "--status", "production"]);
    assert_eq!(prod.total, 2);
    assert!(prod.models.iter().all(|m| m.status == Status::Production));

    let best: ModelPage = cli.json(&["list", "--sort", "accuracy", "--desc", "--limit", "2"]);
    assert_eq!(ids(&best), ["model-4", "model-1"]);
    assert_eq!(best.total, 4);

    let second: ModelPage = cli.json(&[
        "list", "--sort", "accuracy", "--desc", "--limit", "2", "--offset", "1",
    ]);
    assert_eq!(ids(&second), ["model-1", "model-2"]);

    let search: ModelPage = cli.json(&["list", "--search", "tgnn"]);
    assert_eq!(ids(&search), ["model-1"]);
    let fw: ModelPage = cli.json(&[
        "list",
        "--framework",
        "PyTorch",
        "--status",
        "staging,production",
    ]);
    assert_eq!(ids(&fw), ["model-2"]);

    let none = cli.ok(&["list", "--search", "no such model"]);
    assert!(none.contains("No models match."), "{none}");
}

#[test]
fn show_gives_versions_deployments_events_and_tests() {
    let cli = Cli::new();
    let out = cli.ok(&["show", "model-1"]);
    for part in [
        "TGNN - Attack Surface Model (model-1)",
        "Metrics of 2.1.0",
        "≥ 90.0%",
        "Versions",
        "* 2.1.0",
        "2.0.9",
        "Deployments",
        "Recent events",
        "Deployed staging → production",
        "Test runs",
    ] {
        assert!(out.contains(part), "show lacks {part:?}:\n{out}");
    }
    let d = cli.details("model-1");
    assert_eq!(d.model.id, "model-1");
    assert_eq!(d.versions.len(), 2);
    assert!(d.versions.iter().all(|v| !v.deployments.is_empty()));
    assert!(!d.events.is_empty());
}

#[test]
fn register_a_model_and_a_version_and_refuse_a_lower_one() {
    let cli = Cli::new();
    // A relative artifact path is taken from the current directory.
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("weights.bin"), b"0123456789").unwrap();
    let out = cli
        .command(&[
            "--json",
            "register",
            "--name",
            "Churn model",
            "--framework",
            "scikit-learn",
            "--version",
            "0.1.0",
            "--accuracy",
            "0.88",
            "--latency",
            "3.5",
            "--throughput",
            "4000",
            "--uptime",
            "99.5",
            "--ai-confidence",
            "0.8",
            "--error-rate",
            "0.01",
            "--artifact",
            "weights.bin",
            "--notes",
            "first cut",
            "--tag",
            "team=growth",
            "--tag",
            "data=2024-q1",
        ])
        .current_dir(work.path())
        .output()
        .unwrap();
    let r: RegisterResult = serde_json::from_str(&expect_ok(out, &["register"])).unwrap();
    let id = r.model.id.clone();
    assert_eq!(r.model.status, Status::Development);
    assert_eq!(r.version.version, "0.1.0");
    let artifact = r.version.artifact.expect("artifact recorded");
    // (The child's working directory is the canonical path, as getcwd reports it.)
    let expected = std::fs::canonicalize(work.path())
        .unwrap()
        .join("weights.bin");
    assert_eq!(Path::new(&artifact.path), expected.as_path());
    assert_eq!(artifact.size_bytes, 10);
    assert_eq!(r.version.notes.as_deref(), Some("first cut"));
    assert_eq!(r.version.tags.len(), 2);

    // A new version: framework defaults to the model's, percents are accepted.
    let out = expect_ok(cli.register_version(&id, "0.2.0"), &["register --model"]);
    assert!(out.contains("Registered Churn model 0.2.0"), "{out}");
    let d = cli.details(&id);
    assert_eq!(d.model.version, "0.2.0");
    assert_eq!(d.versions[0].framework, "scikit-learn");
    assert!((d.versions[0].accuracy - 0.93).abs() < 1e-9);
    assert!((d.versions[0].uptime - 99.95).abs() < 1e-9);

    // A version not greater than the latest is refused, and nothing changes.
    let err = expect_code(cli.register_version(&id, "0.1.5"), &["register 0.1.5"], 3);
    assert!(
        err.contains("error[INVALID_INPUT]: 0.1.5 is not greater than") && err.contains("0.2.0"),
        "{err}"
    );
    assert_eq!(cli.details(&id).versions.len(), 2);

    // The same name twice is a conflict; --name without --framework is a usage error.
    let err = cli.fails(
        &[
            "register",
            "--name",
            "Churn model",
            "--framework",
            "x",
            "--version",
            "1.0.0",
            "--accuracy",
            "0.9",
            "--latency",
            "1",
            "--throughput",
            "1",
            "--uptime",
            "99",
            "--ai-confidence",
            "0.9",
            "--error-rate",
            "0",
        ],
        3,
    );
    assert!(err.starts_with("error[CONFLICT]:"), "{err}");
    cli.fails(
        &[
            "register",
            "--name",
            "Other",
            "--version",
            "1.0.0",
            "--accuracy",
            "0.9",
            "--latency",
            "1",
            "--throughput",
            "1",
            "--uptime",
            "99",
            "--ai-confidence",
            "0.9",
            "--error-rate",
            "0",
        ],
        2,
    );
    // Out-of-range metrics are the registry's to refuse.
    let err = cli.fails(
        &[
            "register",
            "--model",
            &id,
            "--version",
            "9.0.0",
            "--accuracy",
            "1.5",
            "--latency",
            "1",
            "--throughput",
            "1",
            "--uptime",
            "99",
            "--ai-confidence",
            "0.9",
            "--error-rate",
            "0",
        ],
        3,
    );
    assert!(err.contains("Accuracy must be between 0 and 1"), "{err}");
}

#[test]
fn lifecycle_deploy_promote_rollback_test_archive_timeline() {
    let cli = Cli::new();
    let id = cli.register_model();

    // deploy defaults to production, which development cannot reach directly.
    let err = cli.fails(&["deploy", &id], 3);
    assert!(
        err.starts_with("error[ILLEGAL_TRANSITION]: Can't deploy to production"),
        "{err}"
    );

    let out = cli.ok(&["promote", &id]);
    assert!(out.contains("promoted to staging"), "{out}");
    // Production is gated on a passing test run of the version; an override needs a reason.
    let err = cli.fails(&["deploy", &id], 3);
    assert!(
        err.starts_with("error[GATE_BLOCKED]:") && err.contains("never been tested"),
        "{err}"
    );
    let t: TransitionResult = cli.json(&["deploy", &id, "--override-gate", "first release"]);
    assert_eq!((t.from, t.to), (Status::Staging, Status::Production));

    // 1.1.0 goes through staging to production too.
    expect_ok(cli.register_version(&id, "1.1.0"), &["register 1.1.0"]);
    let t: TransitionResult = cli.json(&["deploy", &id, "--to", "staging"]);
    assert_eq!(t.to, Status::Staging);
    let out = cli.ok(&[
        "deploy",
        &id,
        "--to",
        "production",
        "--override-gate",
        "tested elsewhere",
    ]);
    assert!(out.contains("1.1.0 deployed to production"), "{out}");
    let deployed_110 = cli
        .details(&id)
        .events
        .iter()
        .find(|e| e.action == EventAction::Deployed && e.to_status == Some(Status::Production))
        .map(|e| e.at)
        .expect("the deployment of 1.1.0");

    // Roll back to the older deployed version, with a reason.
    let out = cli.ok(&[
        "rollback",
        &id,
        "--to",
        "1.0.0",
        "--reason",
        "latency regression",
    ]);
    assert!(out.contains("rolled back from 1.1.0 to 1.0.0"), "{out}");
    let d = cli.details(&id);
    assert_eq!(d.model.version, "1.0.0");
    assert_eq!(d.model.status, Status::Production);
    let last = &d.events[0];
    assert_eq!(last.action, EventAction::RolledBack);
    assert_eq!(last.reason.as_deref(), Some("latency regression"));
    let v100 = d.versions.iter().find(|v| v.version == "1.0.0").unwrap();
    assert_eq!(
        v100.deployments.last().map(|x| x.action),
        Some(EventAction::RolledBack)
    );
    // A version that never ran is refused.
    let err = cli.fails(&["rollback", &id, "--to", "7.0.0"], 3);
    assert!(err.starts_with("error[NOT_FOUND]:"), "{err}");

    // Run the checks.
    let run: TestRun = cli.json(&["test", &id]);
    assert_eq!((run.version.as_str(), run.total), ("1.0.0", 5));
    let out = cli.ok(&["test", &id]);
    assert!(
        out.contains("checks passed") && out.contains("Accuracy 95.0% ≥ 90.0%"),
        "{out}"
    );

    // Timeline and production-at read the audit log.
    let page: TimelinePage = cli.json(&["timeline", "--model", &id, "--action", "rolled-back"]);
    assert_eq!(page.total, 1);
    assert_eq!(
        page.events[0].event.reason.as_deref(),
        Some("latency regression")
    );
    assert_eq!(page.events[0].model_name, "Fraud scorer");
    let all: TimelinePage = cli.json(&["timeline", "--model", &id]);
    assert_eq!(all.total, 9, "{:#?}", all.events);
    let two: TimelinePage = cli.json(&[
        "timeline",
        "--model",
        &id,
        "--action",
        "deployed,tested",
        "--limit",
        "2",
    ]);
    assert_eq!((two.total, two.events.len()), (5, 2));
    let future: TimelinePage = cli.json(&["timeline", "--from", "2999-01-01T00:00:00Z"]);
    assert_eq!(future.total, 0);
    let out = cli.ok(&["timeline", "--model", &id]);
    assert!(
        out.contains("Rolled back 1.1.0 → 1.0.0") && out.contains("reason: latency regression"),
        "{out}"
    );
    assert!(out.contains("Showing 1–9 of 9 events."), "{out}");

    let at_deploy = deployed_110.to_rfc3339();
    let p: ProductionAt = cli.json(&["production-at", &id, &at_deploy]);
    assert_eq!(p.version.as_deref(), Some("1.1.0"));
    assert!(p.until.is_some(), "1.1.0 left production at the rollback");
    let p: ProductionAt = cli.json(&["production-at", &id, "2999-01-01T00:00:00Z"]);
    assert_eq!(p.version.as_deref(), Some("1.0.0"));
    let p: ProductionAt = cli.json(&["production-at", &id, "2000-01-01T00:00:00+02:00"]);
    assert_eq!(p.version, None);
    let out = cli.ok(&["production-at", &id, &at_deploy]);
    assert!(out.contains("had 1.1.0 in production"), "{out}");

    // Archive; an archived model is read-only.
    let t: TransitionResult = cli.json(&["archive", &id]);
    assert_eq!(t.to, Status::Archived);
    let err = cli.fails(&["test", &id], 3);
    assert!(err.starts_with("error[ILLEGAL_TRANSITION]:"), "{err}");
    let err = cli.fails(&["promote", &id], 3);
    assert!(err.contains("archived"), "{err}");
}

#[test]
fn rollback_without_a_previous_version_is_refused() {
    let cli = Cli::new();
    let id = cli.register_model();
    let err = cli.fails(&["rollback", &id], 3);
    assert!(err.starts_with("error[NO_PREVIOUS_VERSION]:"), "{err}");
}

#[test]
fn ab_tests_start_list_stop() {
    let cli = Cli::new();
    let t: AbTest = cli.json(&["ab-test", "start", "model-1", "model-4", "--split", "30"]);
    assert_eq!(t.status, AbTestStatus::Running);
    assert_eq!(
        (t.model_a.as_str(), t.model_b.as_str(), t.traffic_split),
        ("model-1", "model-4", 30)
    );

    let list: Vec<AbTest> = cli.json(&["ab-test", "list"]);
    assert_eq!(list.len(), 1);
    let out = cli.ok(&["ab-test", "list"]);
    let row = out
        .lines()
        .find(|l| l.starts_with(&t.id))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(row.contains("running") && row.contains("70/30"), "{row}");

    // A model in a running test can't join another or be archived.
    let err = cli.fails(
        &["ab-test", "start", "model-1", "model-2", "--split", "50"],
        3,
    );
    assert!(err.starts_with("error[CONFLICT]:"), "{err}");
    let err = cli.fails(&["archive", "model-1"], 3);
    assert!(err.starts_with("error[CONFLICT]:"), "{err}");
    let err = cli.fails(
        &["ab-test", "start", "model-2", "model-3", "--split", "0"],
        3,
    );
    assert!(err.starts_with("error[INVALID_INPUT]:"), "{err}");

    let out = cli.ok(&["ab-test", "abort", &t.id, "--reason", "wrong split"]);
    assert!(
        out.contains(&format!("A/B test {}", t.id)) && out.contains("aborted"),
        "{out}"
    );
    let list: Vec<AbTest> = cli.json(&["ab-test", "list"]);
    assert_eq!(list[0].status, AbTestStatus::Aborted);
    assert!(list[0].ended_at.is_some());
    let err = cli.fails(&["ab-test", "stop", &t.id, "--reason", "again"], 3);
    assert!(err.starts_with("error[CONFLICT]:"), "{err}");
    let err = cli.fails(&["ab-test", "abort", "ab-test-nope", "--reason", "x"], 3);
    assert!(err.starts_with("error[NOT_FOUND]:"), "{err}");
    cli.ok(&["archive", "model-1"]);
}

#[test]
fn export_models_and_audit_log_to_csv() {
    let cli = Cli::new();
    let work = tempfile::tempdir().unwrap();
    // A relative path is resolved against the current directory.
    let out = cli
        .command(&["export", "models.csv"])
        .current_dir(work.path())
        .output()
        .unwrap();
    let said = expect_ok(out, &["export models.csv"]);
    assert!(said.starts_with("Wrote 4 models to /"), "{said}");
    let csv = std::fs::read_to_string(work.path().join("models.csv")).expect("models.csv written");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,version,status,accuracy,latency_ms,throughput_rps,uptime_pct,framework,size,size_bytes,ai_confidence,error_rate,deployed_at,last_tested_at,previous_version,last_test,demo")
    );
    assert_eq!(lines.count(), 4);

    let target = work.path().join("audit.csv");
    let r: ExportResult = cli.json(&["export", target.to_str().unwrap(), "--audit"]);
    assert!(r.rows > 4, "{r:?}");
    let audit = std::fs::read_to_string(&target).expect("audit.csv written");
    assert!(
        audit.starts_with("id,at,actor,model_id,model_name,action,"),
        "{audit}"
    );
    assert_eq!(audit.lines().count() as u32, r.rows + 1);

    // A folder is no file name: refused.
    let err = cli.fails(&["export", work.path().to_str().unwrap()], 3);
    assert!(err.starts_with("error[INVALID_INPUT]:"), "{err}");
    // An unwritable place is a failure, not a refusal.
    let err = cli.fails(&["export", "/nonexistent-dir/models.csv"], 1);
    assert!(err.starts_with("error[IO]:"), "{err}");
}

#[test]
fn clear_demo_removes_the_demo_models_once_and_keeps_yours() {
    let cli = Cli::new();
    let mine = cli.register_model();
    let out = cli.ok(&["clear-demo"]);
    assert!(out.starts_with("Removed 4 demo models with "), "{out}");
    let page: ModelPage = cli.json(&["list"]);
    assert_eq!(ids(&page), vec![mine.as_str()]);
    let again: ClearDemoResult = cli.json(&["clear-demo"]);
    assert_eq!(again, ClearDemoResult::default());
    assert!(cli.ok(&["clear-demo"]).contains("No demo data to clear"));
    let timeline = cli.ok(&["timeline", "--action", "demo-data-cleared"]);
    assert!(
        timeline.contains("Cleared the demo data: Removed 4 demo models"),
        "{timeline}"
    );
    assert!(cli.ok(&["verify-audit"]).starts_with("Audit log intact"));
}

#[test]
fn verify_audit_passes_then_finds_the_tampered_event() {
    let cli = Cli::new();
    let out = cli.ok(&["verify-audit"]);
    assert!(out.starts_with("Audit log intact:"), "{out}");
    let report: AuditReport = cli.json(&["verify-audit"]);
    assert!(report.ok && report.events > 0 && report.head.is_some());

    // Someone with write access drops the append-only trigger and edits an event.
    {
        let conn = modelops_core::db::open_file(&cli.db_path()).expect("open the registry file");
        conn.execute_batch(
            "DROP TRIGGER events_append_only_update;
             UPDATE events SET reason = 'nothing to see here' WHERE id = 2;",
        )
        .expect("tamper");
    }
    let out = cli.run(&["verify-audit"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("BROKEN") && stdout.contains("event 2 was altered"),
        "{stdout}"
    );
    let out = cli.run(&["--json", "verify-audit"]);
    assert_eq!(out.status.code(), Some(4));
    let report: AuditReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_broken.map(|b| b.event_id), Some(2));
}

#[test]
fn usage_errors_exit_2_and_unknown_models_exit_3() {
    let cli = Cli::new();
    cli.fails(&["frobnicate"], 2);
    cli.fails(&["list", "--limit", "0"], 2);
    cli.fails(&["list", "--sort", "colour"], 2);
    cli.fails(&["deploy", "model-1", "--to", "moon"], 2);
    cli.fails(&["show"], 2);
    cli.fails(&["ab-test", "start", "model-1", "model-2"], 2);
    let err = cli.fails(&["production-at", "model-1", "yesterday"], 2);
    assert!(err.contains("RFC 3339"), "{err}");
    // --json without a command must not start the app.
    cli.fails(&["--json"], 2);

    for args in [
        &["show", "no-such-model"][..],
        &["deploy", "no-such-model"],
        &["rollback", "no-such-model"],
        &["test", "no-such-model"],
        &["timeline", "--model", "no-such-model"],
        &["production-at", "no-such-model", "2024-01-01T00:00:00Z"],
    ] {
        let err = cli.fails(args, 3);
        assert_eq!(
            err.trim_end(),
            "error[NOT_FOUND]: No model with id \"no-such-model\".",
            "{args:?}"
        );
    }
    // Help documents the exit codes.
    let help = cli.ok(&["--help"]);
    assert!(
        help.contains("Exit codes:") && help.contains("4  verify-audit"),
        "{help}"
    );
}

#[test]
fn a_damaged_registry_is_a_failure_not_a_refusal() {
    let cli = Cli::new();
    std::fs::write(cli.db_path(), vec![b'x'; 4096]).unwrap();
    let err = cli.fails(&["list"], 1);
    assert!(err.starts_with("error[CORRUPT_DATABASE]:"), "{err}");
}

#[test]
fn the_data_dir_comes_from_the_flag_the_environment_or_the_os() {
    let home = tempfile::tempdir().unwrap();
    let from_env = home.path().join("from-env");
    let out = bare_command()
        .env("MODELOPS_DATA_DIR", &from_env)
        .args(["list"])
        .output()
        .unwrap();
    expect_ok(out, &["list (env)"]);
    assert!(from_env.join("registry.sqlite3").is_file());

    // Neither: the app's own folder, <data dir>/dev.modelops.desktop (XDG_DATA_HOME on Linux).
    if cfg!(target_os = "linux") {
        let xdg = home.path().join("xdg");
        let out = bare_command()
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", &xdg)
            .args(["list"])
            .output()
            .unwrap();
        expect_ok(out, &["list (default)"]);
        assert!(xdg.join("dev.modelops.desktop/registry.sqlite3").is_file());
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/legacy")
        .join(name)
}

#[test]
fn import_previews_then_applies_the_legacy_files() {
    let cli = Cli::new();
    let models = fixture("models.json");
    let ab = fixture("ab_tests.json");
    let (models, ab) = (models.to_str().unwrap(), ab.to_str().unwrap());

    let out = cli.ok(&["import", models, "--ab-tests", ab, "--dry-run"]);
    assert!(
        out.contains("Dry run: would create 2, update 0, leave 1 unchanged."),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("model-7") && l.contains("create")),
        "{out}"
    );
    let page: ModelPage = cli.json(&["list"]);
    assert_eq!(page.total, 4, "a dry run writes nothing");

    // Relative paths are taken from the current directory.
    let dir = fixture("");
    let out = cli
        .command(&[
            "--json",
            "import",
            "models.json",
            "--ab-tests",
            "ab_tests.json",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let plan: ImportPlan = serde_json::from_str(&expect_ok(out, &["import"])).unwrap();
    assert_eq!((plan.creates, plan.updates, plan.unchanged), (2, 0, 1));
    let m7 = cli.details("model-7");
    assert_eq!(
        (m7.model.version.as_str(), m7.model.status),
        ("0.4.2", Status::Staging)
    );
    let tests: Vec<AbTest> = cli.json(&["ab-test", "list"]);
    assert!(tests.iter().any(|t| t.id == "ab-test-fe9f6c7f"));

    // Twice changes nothing.
    let out = cli.ok(&["import", models, "--ab-tests", ab]);
    assert!(
        out.contains("Imported: created 0, updated 0, 3 unchanged."),
        "{out}"
    );

    // A missing or malformed file is refused.
    let err = cli.fails(&["import", "/nonexistent/models.json"], 3);
    assert!(err.starts_with("error[INVALID_INPUT]: Can't read"), "{err}");
    let bad = cli.data_dir().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let err = cli.fails(&["import", bad.to_str().unwrap()], 3);
    assert!(err.contains("is not valid JSON"), "{err}");
}

// ----- read-only folders and full disks, for real -----

/// Runs `script` (sh) in a new user and mount namespace, where it may mount without touching the machine:
/// a read-only bind mount or a small tmpfs is then real to SQLite. `$BIN` is the modelops binary. Needs
/// `unshare` and unprivileged user namespaces (Debian's default; CI runs as root).
fn in_namespace(script: &str) -> Output {
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-eu",
            "-c",
            script,
        ])
        .env("BIN", BIN)
        .env_remove("MODELOPS_DATA_DIR")
        .output()
        .expect("run unshare");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("unshare failed"),
        "this machine cannot create a user namespace: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_read_only_data_folder_is_reported_as_read_only_and_left_alone() {
    // An empty read-only folder: no registry can be created.
    let empty = Cli::new();
    // A folder holding a registry, then made read-only.
    let filled = Cli::new();
    filled.ok(&["list"]);
    let before = std::fs::read(filled.db_path()).unwrap();
    let script = format!(
        "for d in '{e}' '{f}'; do mount --bind \"$d\" \"$d\"; mount -o remount,bind,ro \"$d\"; done
         \"$BIN\" --data-dir '{e}' list && exit 90 || echo \"empty=$?\"
         \"$BIN\" --data-dir '{f}' register --name 'Blocked' --framework ONNX --version 1.0.0 --accuracy 0.9 --latency 10 --throughput 100 --uptime 99 --ai-confidence 0.9 --error-rate 0.01 && exit 91 || echo \"filled=$?\"",
        e = empty.data_dir().display(),
        f = filled.data_dir().display(),
    );
    let out = in_namespace(&script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("empty=1") && stdout.contains("filled=1"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(stderr.matches("error[READ_ONLY]").count(), 2, "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert!(!empty.db_path().exists());
    assert_eq!(std::fs::read(filled.db_path()).unwrap(), before);
}

#[test]
fn a_full_disk_refuses_the_change_and_the_registry_stays_whole() {
    // Too small for a new registry at all.
    let tiny = Cli::new();
    // Room for the registry and a few models, not for a hundred.
    let small = Cli::new();
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs '{t}'
         \"$BIN\" --data-dir '{t}' list && exit 90 || echo \"tiny=$?\"
         mount -t tmpfs -o size=832k tmpfs '{s}'
         \"$BIN\" --data-dir '{s}' list > /dev/null
         n=0
         while [ $n -lt 300 ]; do
           \"$BIN\" --data-dir '{s}' register --name \"Filler $n\" --framework ONNX --version 1.0.0 --accuracy 0.9 --latency 10 --throughput 100 --uptime 99 --ai-confidence 0.9 --error-rate 0.01 --notes \"$(head -c 900 /dev/zero | tr '\\0' n)\" > /dev/null 2> '{s}.err' || break
           n=$((n + 1))
         done
         echo \"stored=$n\"
         cat '{s}.err' >&2
         \"$BIN\" --json --data-dir '{s}' list --limit 500 > '{s}.json'
         \"$BIN\" --data-dir '{s}' verify-audit > /dev/null && echo audit=ok",
        t = tiny.data_dir().display(),
        s = small.data_dir().display(),
    );
    let out = in_namespace(&script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("tiny=1"), "{stdout}\n{stderr}");
    assert_eq!(stderr.matches("error[DISK_FULL]").count(), 2, "{stderr}");
    assert!(
        stderr.contains("disk holding the registry is full"),
        "{stderr}"
    );
    let stored: usize = stdout
        .lines()
        .find_map(|l| l.strip_prefix("stored="))
        .and_then(|n| n.parse().ok())
        .expect("stored=N");
    assert!(
        (1..300).contains(&stored),
        "the disk never filled up: {stored}"
    );
    assert!(stdout.contains("audit=ok"), "{stdout}\n{stderr}");
    let listed: ModelPage = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.json", small.data_dir().display())).unwrap(),
    )
    .expect("list JSON");
    assert_eq!(
        listed.total as usize,
        4 + stored,
        "every acknowledged model, and no other"
    );
}

#[test]
fn backup_list_and_restore_from_the_command_line() {
    let cli = Cli::new();
    let out = cli.ok(&["backup"]);
    assert!(out.starts_with("Backed up to "), "{out}");
    let list: modelops_core::backup::BackupList = cli.json(&["backups"]);
    assert_eq!(list.backups.len(), 1);
    let backup = list.backups[0].path.clone();
    cli.ok(&["promote", "model-3"]);
    let out = cli.ok(&["restore", &backup]);
    assert!(out.contains("Restored 4 models"), "{out}");
    assert!(out.contains("The registry as it was is in"), "{out}");
    let shown: ModelDetails = cli.json(&["show", "model-3"]);
    assert_eq!(
        shown.model.status,
        Status::Development,
        "the promotion was undone"
    );

    // A file that is not a backup is refused, and nothing changes.
    let bogus = cli.data_dir().join("notes.txt");
    std::fs::write(&bogus, "hello").unwrap();
    let before = std::fs::read(cli.db_path()).unwrap();
    let err = cli.fails(&["restore", bogus.to_str().unwrap()], 1);
    assert!(err.contains("error[CORRUPT_DATABASE]"), "{err}");
    assert_eq!(std::fs::read(cli.db_path()).unwrap(), before);

    // A damaged registry is moved aside and replaced by the backup.
    std::fs::write(cli.db_path(), b"garbage").unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", cli.db_path().display()));
    }
    cli.fails(&["list"], 1);
    let out = cli.ok(&["restore", &backup]);
    assert!(out.contains("The damaged registry was moved to"), "{out}");
    let listed: ModelPage = cli.json(&["list"]);
    assert_eq!(listed.total, 4);
}

/// `backups` must not need an open registry: it is what a user asks for when the registry won't open.
#[test]
fn backups_are_listed_while_the_registry_cannot_be_opened() {
    let cli = Cli::new();
    cli.ok(&["backup"]);
    std::fs::write(cli.db_path(), b"garbage").unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", cli.db_path().display()));
    }
    cli.fails(&["list"], 1);
    let list: modelops_core::backup::BackupList = cli.json(&["backups"]);
    assert_eq!(list.backups.len(), 1, "{list:?}");
    assert_eq!(list.keep, modelops_core::backup::DEFAULT_KEEP);
    assert_eq!(
        std::fs::read(cli.db_path()).unwrap(),
        b"garbage",
        "listing backups leaves the damaged file as it was"
    );
}

/// A registry written by a newer ModelOps can't be opened; restoring a backup moves it aside (never
/// overwriting it) and puts the backup in its place.
#[test]
fn restore_replaces_a_registry_that_cannot_be_opened_and_keeps_it_aside() {
    let cli = Cli::new();
    cli.ok(&["backup"]);
    let list: modelops_core::backup::BackupList = cli.json(&["backups"]);
    let backup = list.backups[0].path.clone();
    cli.ok(&["promote", "model-3"]);
    let mut bytes = std::fs::read(cli.db_path()).unwrap();
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(cli.db_path(), &bytes).unwrap();
    let err = cli.fails(&["list"], 1);
    assert!(err.contains("error[SCHEMA_TOO_NEW]"), "{err}");

    let out = cli.ok(&["restore", &backup]);
    assert!(out.contains("The damaged registry was moved to"), "{out}");
    let moved: Vec<_> = std::fs::read_dir(cli.data_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert!(
        moved
            .iter()
            .any(|e| std::fs::read(e.path()).unwrap() == bytes),
        "the newer registry is kept aside byte for byte"
    );
    let shown: ModelDetails = cli.json(&["show", "model-3"]);
    assert_eq!(
        shown.model.status,
        Status::Development,
        "the backup's state"
    );
}

/// `list --all` streams every matching model past the 500-row cap of a page: JSON Lines one model a line,
/// `--json` one array, in the view's order, with the filters of a page.
#[test]
fn list_all_streams_the_whole_registry_as_json_lines_or_one_array() {
    let cli = Cli::new();
    modelops_core::generate::generate_file(&cli.db_path(), 1200, 5).expect("generate");

    let out = cli.ok(&["list", "--all", "--jsonl"]);
    let models: Vec<modelops_core::types::Model> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(models.len(), 1200, "every model, past the 500-row page cap");
    let mut ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1200, "each model once");
    let first_page: ModelPage = cli.json(&["list", "--limit", "500"]);
    assert_eq!(
        first_page.models,
        models[..500],
        "the same order and content as the table's pages"
    );

    let production: Vec<modelops_core::types::Model> = cli.json(&[
        "list",
        "--all",
        "--status",
        "production",
        "--sort",
        "accuracy",
        "--desc",
    ]);
    let page: ModelPage = cli.json(&[
        "list",
        "--status",
        "production",
        "--sort",
        "accuracy",
        "--desc",
        "--limit",
        "500",
    ]);
    assert_eq!(production.len(), page.total as usize);
    assert!(production.iter().all(|m| m.status == Status::Production));
    assert!(production
        .windows(2)
        .all(|w| w[0].accuracy >= w[1].accuracy));

    let none: Vec<modelops_core::types::Model> =
        cli.json(&["list", "--all", "--search", "no model is called this"]);
    assert!(none.is_empty());
}

#[test]
fn list_all_refuses_paging_options() {
    let cli = Cli::new();
    let err = cli.fails(&["list", "--all", "--limit", "5"], 2);
    assert!(err.contains("--limit"), "{err}");
    let err = cli.fails(&["list", "--jsonl"], 2);
    assert!(err.contains("--all"), "{err}");
}
