import { useSyncExternalStore } from "react";
import { Moon, Sun } from "lucide-react";
import { currentTheme, subscribeTheme, toggleTheme } from "../lib/theme";

/** The header's switch between the light and the dark theme; the icon shows the theme it switches to. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribeTheme, currentTheme);
  const next = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      className="icon-btn theme-toggle"
      aria-label="Toggle theme"
      title={`Switch to ${next} theme`}
      onClick={() => toggleTheme()}
    >
      {next === "dark" ? <Moon size={18} aria-hidden="true" /> : <Sun size={18} aria-hidden="true" />}
    </button>
  );
}
