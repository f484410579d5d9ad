import { StrictMode } from "react";
import { ErrorBoundary } from "react-error-boundary";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App } from "./App";
import { logShownError } from "./api";
import { AppCrashed } from "./components/ErrorFallbacks";
import { ToastProvider } from "./components/Toast";
import { applyStoredTheme } from "./lib/theme";
import "./styles/app.css";

// IPC to a local process: retrying a refused call would only repeat Rust's answer.
const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 },
    mutations: { retry: false },
  },
});

// Before the first render, so the page never paints in the other theme.
applyStoredTheme();

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary
      FallbackComponent={AppCrashed}
      onError={(error, info) => logShownError("The page crashed", info.componentStack ?? undefined, error)}
    >
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <App />
        </ToastProvider>
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
);
