import { useEffect, useRef } from "react";
import { onMenuAction } from "../api";
import type { MenuAction } from "../bindings/MenuAction";
import { modalIsOpen } from "./shortcuts";

/**
 * What a menu item may do while a modal is open: nothing that opens another dialog or moves the page behind
 * the modal, the same rule as the keyboard shortcuts (lib/shortcuts.ts).
 */
const WHILE_MODAL: ReadonlySet<MenuAction> = new Set<MenuAction>(["refresh", "toggle-theme", "back-up"]);

/** Runs `handlers` for the native menu's items: each is the same function its button calls. */
export function useMenuActions(handlers: Record<MenuAction, () => void>) {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(
    () =>
      onMenuAction((action) => {
        if (modalIsOpen() && !WHILE_MODAL.has(action)) return;
        latest.current[action]?.();
      }),
    [],
  );
}
