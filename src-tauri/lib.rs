//! The ModelOps desktop shell: a Tauri window over the registry core (`modelops-core`). This crate only
//! resolves the data directory, opens the registry and exposes it as commands; see `commands/`. Its binary
//! is `modelops-app`; the command line (`modelops list`, `modelops deploy ID`, ...) is the `modelops-cli`
//! crate, which links no Tauri and starts this binary when given no command
//! (docs/adr/0020-cli-without-gtk.md).

pub mod commands;
pub mod error;
pub mod menu;
pub mod state;
mod webview_env;

use std::path::PathBuf;

use clap::Parser;
use tauri::Manager;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
use tauri_plugin_window_state::StateFlags;

use crate::state::AppState;

/// Command-line options of the desktop app. Commands are the `modelops` binary's; that one runs this one,
/// passing `--data-dir` on, when given none.
#[derive(Debug, Parser)]
#[command(
    name = "modelops-app",
    version,
    about = "ModelOps: the desktop app of the offline model registry",
    after_help = "Commands (list, show, deploy, ...) are run by `modelops`, the command line."
)]
pub struct Args {
    /// Folder holding the registry (registry.sqlite3). Defaults to the OS app-data folder.
    #[arg(long, env = "MODELOPS_DATA_DIR", value_name = "PATH")]
    pub data_dir: Option<PathBuf>,
    /// Seconds between two background syncs with the team registry, while one is set (1 to 86 400).
    #[arg(
        long,
        env = "MODELOPS_SYNC_EVERY",
        value_name = "SECONDS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    pub sync_every: u64,
}

/// Registers the plugins and commands on a builder; shared by the real app and the IPC tests.
pub fn register<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(commands::handler())
}

/// The most a log file grows before it is rotated, and how many rotated files are kept: at most ~6 MB of
/// logs, however long the app runs.
const LOG_FILE_BYTES: u128 = 1_000_000;
const LOG_FILES_KEPT: usize = 5;

/// Structured logs: one JSON object a line (time, level, target, message), into the OS log folder (Help →
/// Open Logs Folder) and to stderr. What is logged: the app's own steps and every error that reached the
/// page, with its cause chain (`error.rs`); never request payloads, so nothing personal beyond what a file
/// path says (the OS user name in the home folder).
fn logger<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::LogDir { file_name: None }),
            Target::new(TargetKind::Stderr),
        ])
        .level(log::LevelFilter::Info)
        .max_file_size(LOG_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(LOG_FILES_KEPT))
        .format(|out, message, record| {
            let line = serde_json::json!({
                "ts": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                "level": record.level().as_str(),
                "target": record.target(),
                "msg": message.to_string(),
            });
            out.finish(format_args!("{line}"))
        })
        .build()
}

/// Brings the running window to the front (a second launch of the app ends up here).
fn focus_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Takes the daily backup when one is due: a minute after start (not competing with the first paint) and
/// then every hour while the app runs (ADR 0013). On its own thread and its own connection: a backup of a
/// large registry takes a while, and nothing waits for it.
fn start_daily_backups(state: AppState) {
    let spawned = std::thread::Builder::new()
        .name("daily-backup".into())
        .spawn(move || loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
            if let Ok(registry) = state.registry() {
                match registry.backup_if_due(chrono::Utc::now()) {
                    Ok(Some(b)) => log::info!("Daily backup written: {}", b.path),
                    Ok(None) => {}
                    Err(e) => log::error!("The daily backup failed: {}", error::cause_chain(&e)),
                }
            }
            std::thread::sleep(std::time::Duration::from_secs(59 * 60));
        });
    if let Err(e) = spawned {
        log::error!("Daily backups are off: {e}");
    }
}

pub fn run() {
    let Args {
        data_dir,
        sync_every,
    } = Args::parse();
    webview_env::prepare();
    // First, so a second launch hands over to the running app before it builds anything of its own.
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            focus_main_window(app)
        }));
    let result = register(builder)
        .plugin(logger())
        .plugin(
            tauri_plugin_window_state::Builder::new()
                // Not VISIBLE: a window saved while hidden must not come back hidden.
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .menu(menu::build)
        .on_menu_event(|app, event| menu::handle(app, event.id().as_ref()))
        .setup(move |app| {
            log::info!(
                "ModelOps {} starting (schema {})",
                app.package_info().version,
                modelops_core::db::LATEST_SCHEMA
            );
            let data_dir = match data_dir.clone() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            let state = AppState::open(&data_dir);
            match state.registry() {
                Ok(_) => log::info!("Registry open in {}", data_dir.display()),
                Err(e) => log::error!(
                    "The registry in {} could not be opened: {:?}: {}",
                    data_dir.display(),
                    e.code,
                    e.message
                ),
            }
            start_daily_backups(state.clone());
            commands::start_background_sync(
                state.clone(),
                std::time::Duration::from_secs(sync_every),
            );
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        log::error!("The app stopped: {e}");
        eprintln!("modelops-app: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::Parser;
    use std::path::Path;

    #[test]
    fn sync_every_defaults_to_five_minutes_and_refuses_zero() {
        let args = Args::try_parse_from(["modelops-app"]).unwrap();
        assert_eq!(args.sync_every, 300);
        let args = Args::try_parse_from(["modelops-app", "--sync-every", "2"]).unwrap();
        assert_eq!(args.sync_every, 2);
        assert!(Args::try_parse_from(["modelops-app", "--sync-every", "0"]).is_err());
        assert!(Args::try_parse_from(["modelops-app", "--sync-every", "86401"]).is_err());
    }

    #[test]
    fn data_dir_comes_from_the_flag_or_the_environment() {
        let args = Args::try_parse_from(["modelops-app", "--data-dir", "/tmp/reg"]).unwrap();
        assert_eq!(args.data_dir.as_deref(), Some(Path::new("/tmp/reg")));
        let args = Args::try_parse_from(["modelops-app", "--data-dir=/tmp/other"]).unwrap();
        assert_eq!(args.data_dir.as_deref(), Some(Path::new("/tmp/other")));
        // The only test in this binary that touches the variable, so no other test races it.
        std::env::set_var("MODELOPS_DATA_DIR", "/tmp/from-env");
        let from_env = Args::try_parse_from(["modelops-app"]).unwrap();
        let flag_wins = Args::try_parse_from(["modelops-app", "--data-dir", "/tmp/flag"]).unwrap();
        std::env::remove_var("MODELOPS_DATA_DIR");
        assert_eq!(
            from_env.data_dir.as_deref(),
            Some(Path::new("/tmp/from-env"))
        );
        assert_eq!(flag_wins.data_dir.as_deref(), Some(Path::new("/tmp/flag")));
        assert!(Args::try_parse_from(["modelops-app", "--bogus"]).is_err());
        // Commands are the CLI's: the app refuses them rather than opening a window that ignores them.
        assert!(Args::try_parse_from(["modelops-app", "list"]).is_err());
    }
}
