// Declaring the app's commands makes tauri-build generate an `allow-<command>` permission for each, and makes
// every command unreachable unless a capability grants it (tauri.conf.json grants them to the main window).
// The list lives in commands/names.rs, shared with the crate.
include!("commands/names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
