/**
 * The colour theme: an explicit choice stored in localStorage and set as `data-theme` on <html>, or none, in which
 * case the stylesheet follows the system's preference (see the token blocks at the top of styles/app.css).
 */
export type Theme = "light" | "dark";

export const THEME_STORAGE_KEY = "modelops.theme";

const isTheme = (v: unknown): v is Theme => v === "light" || v === "dark";

function storedTheme(): Theme | null {
  try {
    const v = localStorage.getItem(THEME_STORAGE_KEY);
    return isTheme(v) ? v : null;
  } catch {
    // Storage can be unavailable (disabled, or a locked profile): the system's preference still applies.
    return null;
  }
}

function systemTheme(): Theme {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Sets the stored choice on <html>, before the first render so the page never paints in the other theme. */
export function applyStoredTheme(): void {
  const theme = storedTheme();
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** The theme on screen: the explicit one, or the system's. */
export function currentTheme(): Theme {
  const explicit = document.documentElement.dataset.theme;
  return isTheme(explicit) ? explicit : systemTheme();
}

/** Switches to the other theme than the one on screen, remembers it, and returns it. */
export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === "dark" ? "light" : "dark";
  try {
    localStorage.setItem(THEME_STORAGE_KEY, next);
  } catch {
    // Not remembered across restarts, but this session still switches.
  }
  document.documentElement.dataset.theme = next;
  return next;
}

/**
 * Calls `onChange` whenever the theme on screen may have changed: a toggle from anywhere (the header button, the
 * native menu) or the system's preference. For useSyncExternalStore.
 */
export function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  const media = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  media?.addEventListener?.("change", onChange);
  return () => {
    observer.disconnect();
    media?.removeEventListener?.("change", onChange);
  };
}
