//! `modelops remote`, `share`, `sync` and `resolve` from the real binary against a real `mlflow server`: the
//! exit codes scripts rely on (0 synced, 3 a conflict, 1 the server can't be reached), and that no secret is
//! ever printed or stored in the registry.

#[path = "../../sync/tests/common/mod.rs"]
#[allow(dead_code)]
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::bus::{secret_tool_lookup, SecretService};
use common::{within, Server, ADMIN};

const BIN: &str = env!("CARGO_BIN_EXE_modelops");

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("MODELOPS_DATA_DIR")
        .env("MODELOPS_TEST_SECRET", "s3cret-never-shown")
        // No test reaches the developer's own keyring: only code_with_keyring gives the CLI a session bus.
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .arg("--data-dir")
        .arg(dir)
        .args(args);
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run modelops")
}

fn check(out: Output, args: &[&str], want: i32) -> (String, String) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(
        out.status.code(),
        Some(want),
        "{args:?}\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

fn code(dir: &Path, args: &[&str], want: i32) -> (String, String) {
    check(run(dir, args), args, want)
}

/// `code`, with the session bus at `bus` (the CLI's keyring talks to the Secret Service there) and `stdin` as
/// standard input.
fn code_with_keyring(
    bus: &str,
    dir: &Path,
    args: &[&str],
    stdin: &str,
    want: i32,
) -> (String, String) {
    use std::io::Write;
    let mut child = command(dir, args)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run modelops");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    check(
        child.wait_with_output().expect("modelops output"),
        args,
        want,
    )
}

fn register(dir: &Path, name: &str) -> String {
    let (out, _) = code(
        dir,
        &[
            "--json",
            "register",
            "--name",
            name,
            "--framework",
            "ONNX",
            "--version",
            "1.0.0",
            "--accuracy",
            "0.95",
            "--latency",
            "20",
            "--throughput",
            "300",
            "--uptime",
            "99.9",
            "--ai-confidence",
            "0.9",
            "--error-rate",
            "0.001",
        ],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["model"]["id"].as_str().expect("id").to_owned()
}

fn to_production(dir: &Path, id: &str) {
    code(dir, &["promote", id], 0);
    code(dir, &["test", id], 0);
    code(dir, &["deploy", id], 0);
}

#[test]
fn remote_set_show_and_clear_never_print_or_store_the_secret() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    code(d, &["clear-demo"], 0);
    let (_, err) = code(d, &["share", "model-x"], 1);
    assert!(err.contains("error[REMOTE_NOT_CONFIGURED]"), "{err}");
    code(
        d,
        &[
            "remote",
            "set",
            "http://mlflow.example:5000/",
            "--username",
            "ana",
            "--password-env",
            "MODELOPS_TEST_SECRET",
            "--production-alias",
            "champion",
            "--staging-alias",
            "challenger",
        ],
        0,
    );
    let (show, _) = code(d, &["remote", "show"], 0);
    assert!(
        show.contains("Team server: http://mlflow.example:5000\n"),
        "{show}"
    );
    assert!(
        show.contains("environment variable MODELOPS_TEST_SECRET (set)"),
        "{show}"
    );
    assert!(
        show.contains("production = champion, staging = challenger"),
        "{show}"
    );
    assert!(show.contains("0 changes waiting"), "{show}");
    assert!(!show.contains("s3cret"), "{show}");
    let file = std::fs::read(d.join("registry.sqlite3")).expect("registry");
    assert!(
        !file.windows(6).any(|w| w == b"s3cret"),
        "the secret must not be in the registry file"
    );
    let (_, err) = code(d, &["remote", "set", "ftp://x", "--token-env", "T"], 3);
    assert!(err.contains("error[INVALID_INPUT]"), "{err}");
    let (_, err) = code(d, &["remote", "set", "http://ana:pw@x"], 3);
    assert!(err.contains("not in the address"), "{err}");
    code(d, &["remote", "clear"], 0);
    let (show, _) = code(d, &["remote", "show"], 0);
    assert!(show.contains("No team server is set"), "{show}");
}

#[test]
fn sync_exits_1_when_the_server_is_down_and_3_on_a_conflict_naming_both_sides() {
    let server = Server::start();
    let url = server.url.clone();
    let (a, b) = within(240, move || {
        let a = tempfile::tempdir().expect("a");
        let b = tempfile::tempdir().expect("b");
        for d in [a.path(), b.path()] {
            code(d, &["clear-demo"], 0);
            code(d, &["remote", "set", &url], 0);
        }
        let id = register(a.path(), "Churn model");
        to_production(a.path(), &id);
        code(a.path(), &["share", &id], 0);
        let (out, _) = code(a.path(), &["sync"], 0);
        assert!(out.contains("1 change pushed, 0 waiting"), "{out}");
        code(b.path(), &["sync"], 0);
        let (list, _) = code(b.path(), &["--json", "list"], 0);
        let page: serde_json::Value = serde_json::from_str(&list).expect("json");
        let id_b = page["models"][0]["id"].as_str().expect("id").to_owned();
        assert_eq!(page["models"][0]["status"], "production");

        // Both register a version and deploy it while the other does too.
        for (d, id, v) in [(a.path(), &id, "2.0.0"), (b.path(), &id_b, "3.0.0")] {
            code(
                d,
                &[
                    "register",
                    "--model",
                    id,
                    "--version",
                    v,
                    "--accuracy",
                    "0.96",
                    "--latency",
                    "18",
                    "--throughput",
                    "320",
                    "--uptime",
                    "99.9",
                    "--ai-confidence",
                    "0.9",
                    "--error-rate",
                    "0.001",
                ],
                0,
            );
            to_production(d, id);
        }
        code(a.path(), &["sync"], 0);
        let (_, err) = code(b.path(), &["sync"], 3);
        let line = err
            .lines()
            .find(|l| l.starts_with("conflict:"))
            .expect("a conflict line");
        assert!(
            line.contains("Churn model") && line.contains("server has production → version 2"),
            "{line}"
        );
        assert!(line.contains("local has production at 3.0.0"), "{line}");
        let (show, _) = code(b.path(), &["remote", "show"], 0);
        assert!(show.contains("Conflict: Churn model"), "{show}");
        code(b.path(), &["resolve", &id_b, "--keep-mine"], 0);
        (a, b)
    });
    // The server goes away: exit 1, the server named, the change kept.
    drop(server);
    let (_, err) = code(a.path(), &["sync"], 1);
    assert!(
        err.contains("error[REMOTE_UNREACHABLE]") && err.contains("127.0.0.1"),
        "{err}"
    );
    let (show, _) = code(b.path(), &["remote", "show"], 0);
    assert!(
        show.contains("changes waiting") && !show.contains("0 changes waiting"),
        "{show}"
    );
}

/// The password goes to a real Secret Service (gnome-keyring on a private session bus), never to the
/// registry; `sync` signs in to MLflow's basic-auth server with what it reads back from there; `remote clear`
/// takes it out again. The keyring is checked from the other side with libsecret's `secret-tool`, and the
/// push with MLflow's own client.
#[test]
fn a_password_kept_in_a_real_secret_service_signs_in_to_the_server() {
    let server = Server::start_with_auth();
    let url = server.url.clone();
    let keyring = SecretService::start();
    let bus = keyring.bus.address.clone();
    within(240, move || {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        code(d, &["clear-demo"], 0);
        let set = [
            "remote",
            "set",
            &url,
            "--username",
            ADMIN.0,
            "--password-stdin",
        ];
        code_with_keyring(&bus, d, &set, ADMIN.1, 0);
        let service = [("service", "ModelOps team registry")];
        assert_eq!(
            secret_tool_lookup(&bus, &service).as_deref(),
            Some(ADMIN.1),
            "the password is in the Secret Service"
        );
        let (show, _) = code_with_keyring(&bus, d, &["remote", "show"], "", 0);
        assert!(show.contains("Credentials from: OS keyring\n"), "{show}");
        assert!(!show.contains(ADMIN.1), "{show}");
        let file = std::fs::read(d.join("registry.sqlite3")).expect("registry");
        assert!(
            !file.windows(ADMIN.1.len()).any(|w| w == ADMIN.1.as_bytes()),
            "the password must not be in the registry file"
        );

        // Without the keyring's bus the password is nowhere: sync says so and sends nothing.
        let id = register(d, "Keyring model");
        code(d, &["share", &id], 0);
        let (_, err) = code(d, &["sync"], 1);
        assert!(err.contains("error[KEYRING_UNAVAILABLE]"), "{err}");
        // With it, sync signs in and pushes.
        let (out, _) = code_with_keyring(&bus, d, &["sync"], "", 0);
        assert!(out.contains("1 change pushed, 0 waiting"), "{out}");

        code_with_keyring(&bus, d, &["remote", "clear"], "", 0);
        assert_eq!(
            secret_tool_lookup(&bus, &service),
            None,
            "remote clear removed it"
        );
    });
    let names = server.py("print([m.name for m in c.search_registered_models()])");
    assert!(names.contains("Keyring model"), "{names}");
    drop(keyring);
}
