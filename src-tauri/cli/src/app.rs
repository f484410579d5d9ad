//! `modelops` without a command opens the desktop window. The window is another binary, `modelops-app`:
//! linking Tauri here would make every command pay ~60 ms to load GTK and WebKit. Users keep one name, so
//! this binary hands over to that one, installed beside it (both are in /usr/bin from the .deb; both are in
//! the same target folder after a build).

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The desktop app's file name (the root package's binary, `mainBinaryName` in tauri.conf.json).
pub const APP_BINARY: &str = "modelops-app";

/// Why the desktop app could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(
        "Can't find where this modelops is installed, so can't find the desktop app beside it: {0}"
    )]
    OwnPath(#[source] io::Error),
    #[error(
        "The desktop app is not installed: {} is missing (modelops with a command works without it)",
        .0.display()
    )]
    Missing(PathBuf),
    #[error("Can't start the desktop app {}: {source}", .path.display())]
    Start {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Where the desktop app is for the `modelops` binary at `exe`: in the same folder.
pub fn app_beside(exe: &Path) -> PathBuf {
    let name = format!("{APP_BINARY}{}", std::env::consts::EXE_SUFFIX);
    exe.with_file_name(name)
}

/// Starts the desktop app on `data_dir` (or its default folder). On Unix the app replaces this process, so
/// the launcher, a WebDriver or a shell waiting on it sees one process and the app's own exit code; this
/// returns only on failure. Elsewhere the app runs as a child and its exit code is returned.
pub fn launch(data_dir: Option<&Path>) -> Result<i32, LaunchError> {
    // The real path (symlinks resolved on Linux), so a link to modelops elsewhere still finds its sibling.
    let exe = std::env::current_exe().map_err(LaunchError::OwnPath)?;
    let path = app_beside(&exe);
    if !path.is_file() {
        return Err(LaunchError::Missing(path));
    }
    let mut command = Command::new(&path);
    // The environment goes along anyway; the flag is passed so that `--data-dir` given here wins there.
    if let Some(dir) = data_dir {
        command.arg("--data-dir").arg(dir);
    }
    run(command, path)
}

#[cfg(unix)]
fn run(mut command: Command, path: PathBuf) -> Result<i32, LaunchError> {
    use std::os::unix::process::CommandExt;
    let source = command.exec();
    Err(LaunchError::Start { path, source })
}

#[cfg(not(unix))]
fn run(mut command: Command, path: PathBuf) -> Result<i32, LaunchError> {
    match command.status() {
        // Killed without a code (not possible on Windows, kept for other platforms): a failure.
        Ok(status) => Ok(status.code().unwrap_or(crate::EXIT_FAILURE)),
        Err(source) => Err(LaunchError::Start { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_is_looked_for_beside_the_cli() {
        let exe = Path::new("/usr/bin").join(format!("modelops{}", std::env::consts::EXE_SUFFIX));
        assert_eq!(
            app_beside(&exe),
            Path::new("/usr/bin").join(format!("modelops-app{}", std::env::consts::EXE_SUFFIX))
        );
    }

    #[test]
    fn the_name_is_the_apps() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json"))
                .expect("tauri.conf.json");
        assert_eq!(conf["mainBinaryName"].as_str(), Some(APP_BINARY));
    }
}
