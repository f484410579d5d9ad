// The page's side of the app's log (tauri-plugin-log, src-tauri/lib.rs). Rust logs every error of our
// commands where it crosses IPC, with its cause chain; this records what the page showed the user as an
// error (a toast, a crashed view), including the failures no command of ours returned (a dialog that didn't
// open, a rendering bug), so a bug report has both what failed and what the user saw.
import { error as writeError } from "@tauri-apps/plugin-log";

/** `err`'s message and those of its `cause`s, outermost first. */
export function causeChain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth += 1) {
    if (e instanceof Error) {
      parts.push(e.message);
      e = e.cause;
    } else if (typeof e === "object" && "message" in e && typeof e.message === "string") {
      parts.push(e.message);
      break;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.filter(Boolean).join(": ");
}

/** Logs an error the user was shown. Never throws: logging must not become a second failure. */
export function logShownError(title: string, message?: string, cause?: unknown): void {
  const chain = cause === undefined ? "" : causeChain(cause);
  const text = [title, message, chain && chain !== message ? chain : undefined].filter(Boolean).join(": ");
  writeError(`shown to the user: ${text}`).catch(() => undefined);
}
