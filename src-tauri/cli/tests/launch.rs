//! `modelops` with no command hands over to the desktop app beside it. The real app needs a display, so a
//! stand-in script takes its place: a copy of the CLI in a folder of its own, with or without a
//! `modelops-app` beside it.
//!
//! One test in its own binary on purpose: it writes executables and runs them at once, and a process forked
//! meanwhile by a parallel test could hold the file open for writing (exec fails with "Text file busy").
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_modelops");

fn cli_in(dir: &Path) -> std::path::PathBuf {
    let cli = dir.join("modelops");
    std::fs::copy(BIN, &cli).expect("copy the CLI");
    cli
}

#[test]
fn without_a_command_the_app_beside_it_takes_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = cli_in(dir.path());

    // No app installed: a failure that names the file it looked for, not a hang or a panic.
    let out = Command::new(&cli)
        .env_remove("MODELOPS_DATA_DIR")
        .output()
        .expect("run modelops");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let missing = dir.path().join("modelops-app");
    assert!(
        err.contains("not installed") && err.contains(&*missing.to_string_lossy()),
        "{err}"
    );

    // The stand-in prints its arguments and its process id, and exits with its own code.
    std::fs::write(
        &missing,
        "#!/bin/sh\nprintf '%s\\n' \"$@\"\necho \"pid $$\"\nexit 7\n",
    )
    .expect("write the stand-in");
    std::fs::set_permissions(&missing, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let child = Command::new(&cli)
        .env_remove("MODELOPS_DATA_DIR")
        .args(["--data-dir", "/tmp/some registry"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run modelops");
    let pid = child.id();
    let out = child.wait_with_output().expect("wait for modelops");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(7),
        "the app's exit code is the command's: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The app replaced the CLI (same process), with --data-dir passed on as one argument.
    assert_eq!(
        stdout,
        format!("--data-dir\n/tmp/some registry\npid {pid}\n")
    );

    // The variable reaches the app too (as the flag, which the app reads like the variable).
    let out = Command::new(&cli)
        .env("MODELOPS_DATA_DIR", "/tmp/from-env")
        .output()
        .expect("run modelops");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("--data-dir\n/tmp/from-env\n"),
        "{out:?}"
    );

    // --json without a command stays a usage error: no window for a script that forgot its command.
    let out = Command::new(&cli)
        .env_remove("MODELOPS_DATA_DIR")
        .arg("--json")
        .output()
        .expect("run modelops");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "the app was started: {out:?}");
}
