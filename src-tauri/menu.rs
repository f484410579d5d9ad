//! The native menu bar. Items that act on the page (open a dialog, refresh, scroll to a panel) are sent to
//! the page as a `menu` event carrying a `MenuAction`, and the page runs the same handler as the matching
//! button (ui/src/lib/menu.ts); the menu holds no logic of its own. Quit and "Open logs folder" need nothing
//! of the page and are handled here. See docs/adr/0015-native-menu.md.

use serde::Serialize;
use tauri::menu::{Menu, MenuBuilder, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use ts_rs::TS;

/// The event the page listens to.
pub const MENU_EVENT: &str = "menu";

/// What a menu item asks the page to do. The serialized name is also the menu item's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum MenuAction {
    Register,
    Import,
    Export,
    BackUp,
    Backups,
    Refresh,
    Search,
    Timeline,
    AbTests,
    ToggleTheme,
    About,
}

impl MenuAction {
    pub const ALL: [MenuAction; 11] = [
        MenuAction::Register,
        MenuAction::Import,
        MenuAction::Export,
        MenuAction::BackUp,
        MenuAction::Backups,
        MenuAction::Refresh,
        MenuAction::Search,
        MenuAction::Timeline,
        MenuAction::AbTests,
        MenuAction::ToggleTheme,
        MenuAction::About,
    ];

    /// The menu item id, equal to the serialized name so that one string names the action everywhere.
    pub fn id(self) -> &'static str {
        match self {
            MenuAction::Register => "register",
            MenuAction::Import => "import",
            MenuAction::Export => "export",
            MenuAction::BackUp => "back-up",
            MenuAction::Backups => "backups",
            MenuAction::Refresh => "refresh",
            MenuAction::Search => "search",
            MenuAction::Timeline => "timeline",
            MenuAction::AbTests => "ab-tests",
            MenuAction::ToggleTheme => "toggle-theme",
            MenuAction::About => "about",
        }
    }

    pub fn from_id(id: &str) -> Option<MenuAction> {
        MenuAction::ALL.into_iter().find(|a| a.id() == id)
    }
}

const QUIT: &str = "quit";
const OPEN_LOGS: &str = "open-logs";

/// File, View and Help (and Edit on macOS, where copy and paste only work through the menu). The shortcuts
/// the page also handles (Ctrl/Cmd+R, E, F, N) are accelerators here, so the menu shows them; whichever of
/// the two sees the key press first runs the action, and each action is idempotent (opening an open dialog,
/// refreshing twice), so a key press that reached both would do no harm.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |action: MenuAction, text: &str, accelerator: Option<&str>| {
        let mut b = MenuItemBuilder::with_id(action.id(), text);
        if let Some(acc) = accelerator {
            b = b.accelerator(acc);
        }
        b.build(app)
    };
    let file = SubmenuBuilder::new(app, "&File")
        .item(&item(
            MenuAction::Register,
            "&Register Model…",
            Some("CmdOrCtrl+N"),
        )?)
        .item(&item(MenuAction::Import, "&Import Legacy Data…", None)?)
        .item(&item(
            MenuAction::Export,
            "&Export CSV…",
            Some("CmdOrCtrl+E"),
        )?)
        .separator()
        .item(&item(MenuAction::BackUp, "&Back Up Now", None)?)
        .item(&item(MenuAction::Backups, "Backups and Re&store…", None)?)
        .separator()
        .item(
            &MenuItemBuilder::with_id(QUIT, "&Quit")
                .accelerator("CmdOrCtrl+Q")
                .build(app)?,
        )
        .build()?;
    let view = SubmenuBuilder::new(app, "&View")
        .item(&item(MenuAction::Refresh, "&Refresh", Some("CmdOrCtrl+R"))?)
        .item(&item(
            MenuAction::Search,
            "&Search Models",
            Some("CmdOrCtrl+F"),
        )?)
        .separator()
        .item(&item(MenuAction::Timeline, "&Timeline", None)?)
        .item(&item(MenuAction::AbTests, "&A/B Tests", None)?)
        .separator()
        .item(&item(MenuAction::ToggleTheme, "Toggle T&heme", None)?)
        .build()?;
    let help = SubmenuBuilder::new(app, "&Help")
        .item(&MenuItemBuilder::with_id(OPEN_LOGS, "Open &Logs Folder").build(app)?)
        .separator()
        .item(&item(MenuAction::About, "&About ModelOps", None)?)
        .build()?;
    let mut menu = MenuBuilder::new(app).item(&file);
    #[cfg(target_os = "macos")]
    {
        let edit = SubmenuBuilder::new(app, "Edit")
            .undo()
            .redo()
            .separator()
            .cut()
            .copy()
            .paste()
            .select_all()
            .build()?;
        menu = menu.item(&edit);
    }
    menu = menu.item(&view).item(&help);
    menu.build()
}

/// Runs a clicked menu item (or its accelerator).
pub fn handle<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        // Exits through the run loop, so the window state is saved (tauri-plugin-window-state saves on exit).
        QUIT => app.exit(0),
        OPEN_LOGS => open_logs_folder(app),
        other => match MenuAction::from_id(other) {
            Some(action) => {
                log::debug!("menu: {}", action.id());
                if let Err(e) = app.emit_to("main", MENU_EVENT, action) {
                    log::error!(
                        "The menu action {} did not reach the page: {e}",
                        action.id()
                    );
                }
            }
            None => log::warn!("Unknown menu item {other:?}"),
        },
    }
}

fn open_logs_folder<R: Runtime>(app: &AppHandle<R>) {
    use tauri_plugin_opener::OpenerExt;
    let dir = match app.path().app_log_dir() {
        Ok(dir) => dir,
        Err(e) => {
            log::error!("The logs folder is unknown: {e}");
            return;
        }
    };
    // The log plugin creates it on start; a user may have deleted it since.
    if let Err(e) = std::fs::create_dir_all(&dir) {
        log::error!("Creating the logs folder {} failed: {e}", dir.display());
        return;
    }
    if let Err(e) = app
        .opener()
        .open_path(dir.to_string_lossy().into_owned(), None::<&str>)
    {
        log::error!("Opening the logs folder {} failed: {e}", dir.display());
    }
}

#[cfg(test)]
mod tests {
    use super::MenuAction;

    #[test]
    fn each_action_id_is_its_serialized_name_and_maps_back() {
        for action in MenuAction::ALL {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.id()));
            assert_eq!(MenuAction::from_id(action.id()), Some(action));
        }
        assert_eq!(MenuAction::from_id("quit"), None);
        assert_eq!(MenuAction::from_id("nope"), None);
    }
}
