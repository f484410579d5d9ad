//! An empty Tauri window: the memory baseline the app benchmark compares ModelOps with (issue 4: all app
//! processes together within 1.3× the PSS of an empty Tauri window). Same Tauri, same WebKitGTK, a blank
//! page, no plugins, no commands.
//!
//!     cargo build --release --example empty-window

fn main() {
    let result = tauri::Builder::default().run(tauri::generate_context!(
        "src-tauri/examples/empty-window/tauri.conf.json"
    ));
    if let Err(e) = result {
        eprintln!("empty-window: {e}");
        std::process::exit(1);
    }
}
