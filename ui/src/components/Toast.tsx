import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from "react";
import { createPortal } from "react-dom";
import { logShownError } from "../api/log";
import { CheckCircle2, AlertTriangle, Info, X } from "lucide-react";

export type ToastTone = "success" | "error" | "info";

interface ToastItem {
  id: number;
  tone: ToastTone;
  title: string;
  message?: string;
}

interface ToastApi {
  success: (title: string, message?: string) => void;
  error: (title: string, message?: string) => void;
  info: (title: string, message?: string) => void;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

interface HostApi {
  push: (el: HTMLElement) => void;
  remove: (el: HTMLElement) => void;
}

/**
 * Where the toasts live. Everything outside an open modal <dialog> is inert and hidden from screen readers, and
 * sits under the dialog's top layer, so while a modal is open the toasts are portalled into the topmost one.
 */
const ToastHostContext = createContext<HostApi | null>(null);

/** Makes this element (a modal dialog, while it is open) the home of the toasts. */
export function useToastHost(ref: RefObject<HTMLElement | null>) {
  const host = useContext(ToastHostContext);
  useEffect(() => {
    const el = ref.current;
    if (!host || !el) return;
    host.push(el);
    return () => host.remove(el);
  }, [host, ref]);
}

const DURATION: Record<ToastTone, number> = { success: 5000, info: 5000, error: 10000 };
const MAX_VISIBLE = 4;
const TONE_LABEL: Record<ToastTone, string> = { success: "Done", error: "Error", info: "Note" };

/**
 * Toasts in two always-present live regions (polite for success/info, assertive for errors), so screen readers
 * announce them. No style injection: everything is in the CSS file.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);
  const [hosts, setHosts] = useState<HTMLElement[]>([]);
  const hostApi = useMemo<HostApi>(
    () => ({
      push: (el) => setHosts((hs) => [...hs.filter((h) => h !== el), el]),
      remove: (el) => setHosts((hs) => hs.filter((h) => h !== el)),
    }),
    [],
  );
  const host = hosts[hosts.length - 1] ?? null;

  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const push = useCallback((tone: ToastTone, title: string, message?: string) => {
    const id = nextId.current++;
    setToasts((ts) => [...ts, { id, tone, title, message }].slice(-MAX_VISIBLE));
  }, []);

  const api = useMemo<ToastApi>(
    () => ({
      success: (t, m) => push("success", t, m),
      error: (t, m) => {
        logShownError(t, m);
        push("error", t, m);
      },
      info: (t, m) => push("info", t, m),
      dismiss,
    }),
    [push, dismiss],
  );

  const polite = toasts.filter((t) => t.tone !== "error");
  const assertive = toasts.filter((t) => t.tone === "error");

  const toaster = (
    <section className="toaster" aria-label="Notifications">
      <ol className="toast-list" aria-live="assertive" aria-relevant="additions">
        {assertive.map((t) => (
          <Toast key={t.id} item={t} onDismiss={dismiss} />
        ))}
      </ol>
      <ol className="toast-list" aria-live="polite" aria-relevant="additions">
        {polite.map((t) => (
          <Toast key={t.id} item={t} onDismiss={dismiss} />
        ))}
      </ol>
    </section>
  );

  return (
    <ToastContext.Provider value={api}>
      <ToastHostContext.Provider value={hostApi}>
        {children}
        {host ? createPortal(toaster, host) : toaster}
      </ToastHostContext.Provider>
    </ToastContext.Provider>
  );
}

function Toast({ item, onDismiss }: { item: ToastItem; onDismiss: (id: number) => void }) {
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    const timer = window.setTimeout(() => onDismiss(item.id), DURATION[item.tone]);
    return () => window.clearTimeout(timer);
  }, [item, onDismiss, paused]);

  return (
    <li
      className={`toast toast-${item.tone}`}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      {/* Named, so a screen reader hears whether it went wrong before what happened. */}
      <span className="toast-icon" role="img" aria-label={TONE_LABEL[item.tone]}>
        {item.tone === "error" ? <AlertTriangle size={18} aria-hidden="true" /> : item.tone === "info" ? <Info size={18} aria-hidden="true" /> : <CheckCircle2 size={18} aria-hidden="true" />}
      </span>
      <div className="toast-text">
        <p className="toast-title">{item.title}</p>
        {item.message ? <p className="toast-message">{item.message}</p> : null}
      </div>
      <button type="button" className="icon-btn toast-close" aria-label="Dismiss notification" onClick={() => onDismiss(item.id)}>
        <X size={16} aria-hidden="true" />
      </button>
    </li>
  );
}

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error("useToast must be used inside <ToastProvider>");
  return ctx;
}
