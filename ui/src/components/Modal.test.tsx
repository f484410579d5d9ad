import { useState } from "react";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Modal } from "./Modal";
import { ToastProvider } from "./Toast";

function Opener({ onClose }: { onClose: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open ? (
        <Modal
          labelledBy="t"
          onClose={() => {
            onClose();
            setOpen(false);
          }}
        >
          <h2 id="t">Settings</h2>
          <button type="button" data-autofocus>
            Inside
          </button>
        </Modal>
      ) : null}
    </>
  );
}

describe("Modal", () => {
  it("closes on Esc and gives the focus back to the button that opened it", async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(
      <ToastProvider>
        <Opener onClose={onClose} />
      </ToastProvider>,
    );
    await user.click(screen.getByRole("button", { name: "Open" }));
    const dialog = screen.getByRole("dialog", { name: "Settings" });
    expect(dialog).toHaveAttribute("open");
    expect(screen.getByRole("button", { name: "Inside" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open" })).toHaveFocus();
  });

  it("stays open when the cancel is refused, as a browser does", async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(
      <ToastProvider>
        <Opener onClose={onClose} />
      </ToastProvider>,
    );
    await user.click(screen.getByRole("button", { name: "Open" }));
    const dialog = screen.getByRole("dialog", { name: "Settings" });
    dialog.addEventListener("cancel", (e) => e.preventDefault());
    await user.keyboard("{Escape}");
    expect(onClose).not.toHaveBeenCalled();
    expect(dialog).toHaveAttribute("open");
  });
});
