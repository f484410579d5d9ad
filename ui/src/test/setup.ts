import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

// jsdom has <dialog> but not its methods: enough of them for our Modal, including what a browser does on Esc (a
// cancelable `cancel` event at the topmost modal dialog, then close() unless it was cancelled).
if (typeof HTMLDialogElement !== "undefined" && !HTMLDialogElement.prototype.showModal) {
  const modals: HTMLDialogElement[] = [];
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
    modals.push(this);
  };
  HTMLDialogElement.prototype.show = function show(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement, returnValue?: string) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    if (modals.includes(this)) modals.splice(modals.indexOf(this), 1);
    if (returnValue !== undefined) this.returnValue = returnValue;
    this.dispatchEvent(new Event("close"));
  };
  document.addEventListener("keydown", (e) => {
    // A dialog removed from the page without close() (an unmount) no longer counts.
    while (modals.length > 0 && !modals[modals.length - 1]!.isConnected) modals.pop();
    const top = modals[modals.length - 1];
    if (e.key !== "Escape" || !top) return;
    if (top.dispatchEvent(new Event("cancel", { cancelable: true }))) top.close();
  });
}

// jsdom lays nothing out: give the table's scroll box a size, so the virtualizer renders a window of rows
// (560 px: about 10 rows of 52 px, plus the overscan).
const TABLE_BOX = { height: 560, width: 1200 };
const isTableBox = (el: HTMLElement) => el.classList.contains("table-wrap");
for (const [prop, size] of [
  ["offsetHeight", TABLE_BOX.height],
  ["offsetWidth", TABLE_BOX.width],
  ["clientHeight", TABLE_BOX.height],
  ["clientWidth", TABLE_BOX.width],
] as const) {
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, prop) ?? Object.getOwnPropertyDescriptor(Element.prototype, prop);
  Object.defineProperty(HTMLElement.prototype, prop, {
    configurable: true,
    get(this: HTMLElement) {
      return isTableBox(this) ? size : ((original?.get?.call(this) as number | undefined) ?? 0);
    },
  });
}

afterEach(() => {
  cleanup();
  clearMocks();
  // Remembered choices (the demo banner's "Keep for now") must not leak from one test into the next.
  localStorage.clear();
});
