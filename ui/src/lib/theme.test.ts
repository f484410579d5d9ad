import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyStoredTheme, currentTheme, THEME_STORAGE_KEY, toggleTheme } from "./theme";

function systemPrefers(theme: "light" | "dark") {
  vi.stubGlobal(
    "matchMedia",
    vi.fn((query: string) => ({
      matches: query === "(prefers-color-scheme: dark)" && theme === "dark",
      media: query,
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
    })),
  );
}

describe("theme", () => {
  beforeEach(() => {
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });

  it("follows the system when nothing is stored", () => {
    systemPrefers("dark");
    applyStoredTheme();
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(currentTheme()).toBe("dark");
    systemPrefers("light");
    expect(currentTheme()).toBe("light");
  });

  it("applies the stored choice over the system's", () => {
    systemPrefers("dark");
    localStorage.setItem(THEME_STORAGE_KEY, "light");
    applyStoredTheme();
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(currentTheme()).toBe("light");
  });

  it("ignores a stored value that is not a theme", () => {
    systemPrefers("light");
    localStorage.setItem(THEME_STORAGE_KEY, "sepia");
    document.documentElement.dataset.theme = "dark";
    applyStoredTheme();
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(currentTheme()).toBe("light");
  });

  it("toggles to the opposite of the theme on screen, and remembers it", () => {
    systemPrefers("dark");
    expect(toggleTheme()).toBe("light");
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("light");

    expect(toggleTheme()).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");

    // A restart reads it back.
    delete document.documentElement.dataset.theme;
    applyStoredTheme();
    expect(currentTheme()).toBe("dark");
  });

  it("works without matchMedia (light) and without storage", () => {
    vi.stubGlobal("matchMedia", undefined);
    expect(currentTheme()).toBe("light");
    const setItem = vi.spyOn(Storage.prototype, "setItem").mockImplementation(() => {
      throw new Error("denied");
    });
    expect(toggleTheme()).toBe("dark");
    expect(currentTheme()).toBe("dark");
    setItem.mockRestore();
  });
});
