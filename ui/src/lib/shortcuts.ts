import { useEffect, useRef } from "react";

/** The app-wide keyboard shortcuts (issue 8). Each reaches the same code as its button. */
export type Shortcut = "refresh" | "export" | "search" | "register";

const KEYS: Readonly<Record<string, Shortcut>> = { r: "refresh", e: "export", f: "search", n: "register" };

/** For `aria-keyshortcuts` and titles: Ctrl on Linux and Windows, Cmd (Meta) on macOS. */
export const KEYSHORTCUT: Readonly<Record<Shortcut, string>> = {
  refresh: "Control+R Meta+R",
  export: "Control+E Meta+E",
  search: "Control+F Meta+F",
  register: "Control+N Meta+N",
};

/** The shortcut a key press asks for: Ctrl or Cmd with the letter, no other modifier. */
export function shortcutOf(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): Shortcut | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return null;
  return KEYS[e.key.toLowerCase()] ?? null;
}

/** Whether a modal is open: then only the modal reacts to app-wide shortcuts and most menu items. */
export const modalIsOpen = () => document.querySelector("dialog[open]") !== null;

/**
 * Runs `handlers` for the shortcuts pressed anywhere in the window. The webview's own meaning of these keys
 * (Ctrl+R reloads the page, Ctrl+F opens its find bar, Ctrl+N a window) is always suppressed; while a modal is
 * open the shortcut does nothing, so the modal the user is in stays the only thing that reacts.
 */
export function useShortcuts(handlers: Record<Shortcut, () => void>) {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const shortcut = shortcutOf(e);
      if (!shortcut) return;
      e.preventDefault();
      if (modalIsOpen()) return;
      latest.current[shortcut]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
