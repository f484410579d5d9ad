import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { toggleTheme } from "../lib/theme";
import { ThemeToggle } from "./ThemeToggle";

describe("ThemeToggle", () => {
  afterEach(() => {
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });

  it("switches the theme and says which one it switches to, also after a toggle from elsewhere", async () => {
    document.documentElement.dataset.theme = "light";
    const user = userEvent.setup();
    render(<ThemeToggle />);
    const button = screen.getByRole("button", { name: "Toggle theme" });
    expect(button).toHaveAttribute("title", "Switch to dark theme");

    await user.click(button);
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(button).toHaveAttribute("title", "Switch to light theme");

    // The native menu calls toggleTheme() directly: the button follows.
    await act(async () => {
      toggleTheme();
      await Promise.resolve();
    });
    expect(button).toHaveAttribute("title", "Switch to dark theme");
  });
});
