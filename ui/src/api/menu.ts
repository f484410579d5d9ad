// The native menu bar (src-tauri/menu.rs) sends the page what to do as a "menu" event.
import { listen } from "@tauri-apps/api/event";
import type { MenuAction } from "../bindings/MenuAction";

export const MENU_EVENT = "menu";

/** Calls `handler` for each menu action until the returned function is called. */
export function onMenuAction(handler: (action: MenuAction) => void): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  listen<MenuAction>(MENU_EVENT, (e) => handler(e.payload)).then(
    (unlisten) => {
      // Unmounted before the listener was registered: unregister it at once.
      if (stopped) unlisten();
      else stop = unlisten;
    },
    (err: unknown) => console.error("The menu's events can't be received:", err),
  );
  return () => {
    stopped = true;
    stop?.();
  };
}
