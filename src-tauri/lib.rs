//! The ModelOps desktop shell: a Tauri window over the registry core (`modelops-core`). This crate only
//! resolves the data directory, opens the registry and exposes it as commands; see `commands/`.

pub mod commands;
pub mod error;
pub mod state;

use std::path::PathBuf;

use clap::Parser;
use tauri::Manager;

use crate::state::AppState;

/// Command-line options of the app.
#[derive(Debug, Parser)]
#[command(
    name = "modelops",
    version,
    about = "ModelOps: an offline registry for machine-learning models"
)]
pub struct Args {
    /// Folder holding the registry (registry.sqlite3). Defaults to the OS app-data folder.
    #[arg(long, env = "MODELOPS_DATA_DIR", value_name = "PATH")]
    pub data_dir: Option<PathBuf>,
}

/// Registers the plugins and commands on a builder; shared by the real app and the IPC tests.
pub fn register<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(commands::handler())
}

pub fn run() {
    let args = Args::parse();
    let result = register(tauri::Builder::default())
        .setup(move |app| {
            let data_dir = match args.data_dir.clone() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            let state = AppState::open(&data_dir);
            if let Err(e) = state.registry() {
                eprintln!(
                    "modelops: the registry in {} could not be opened: {}",
                    data_dir.display(),
                    e.message
                );
            }
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("modelops: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::Parser;
    use std::path::Path;

    #[test]
    fn data_dir_comes_from_the_flag_or_the_environment() {
        let args = Args::try_parse_from(["modelops", "--data-dir", "/tmp/reg"]).unwrap();
        assert_eq!(args.data_dir.as_deref(), Some(Path::new("/tmp/reg")));
        let args = Args::try_parse_from(["modelops", "--data-dir=/tmp/other"]).unwrap();
        assert_eq!(args.data_dir.as_deref(), Some(Path::new("/tmp/other")));
        // The only test in this binary that touches the variable, so no other test races it.
        std::env::set_var("MODELOPS_DATA_DIR", "/tmp/from-env");
        let from_env = Args::try_parse_from(["modelops"]).unwrap();
        let flag_wins = Args::try_parse_from(["modelops", "--data-dir", "/tmp/flag"]).unwrap();
        std::env::remove_var("MODELOPS_DATA_DIR");
        assert_eq!(
            from_env.data_dir.as_deref(),
            Some(Path::new("/tmp/from-env"))
        );
        assert_eq!(flag_wins.data_dir.as_deref(), Some(Path::new("/tmp/flag")));
        assert!(Args::try_parse_from(["modelops", "--bogus"]).is_err());
    }
}
