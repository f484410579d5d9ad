import type { FallbackProps } from "react-error-boundary";
import { Button } from "./Button";

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Where it failed, folded away: for a bug report, not for reading. */
function TechnicalDetails({ error }: { error: unknown }) {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return null;
  return (
    <details className="error-details">
      <summary>Technical details</summary>
      <pre>{stack}</pre>
    </details>
  );
}

/**
 * What the window shows if rendering fails anywhere: the error in words and a way back, instead of React
 * unmounting everything and leaving an empty window.
 */
export function AppCrashed({ error, resetErrorBoundary }: FallbackProps) {
  return (
    <main className="app-crashed" role="alert">
      <h1>ModelOps hit an error it could not recover from</h1>
      <p>Nothing was changed by it. The registry is untouched; reloading the window starts the page again.</p>
      <pre>{messageOf(error)}</pre>
      <TechnicalDetails error={error} />
      <Button onClick={resetErrorBoundary}>Try again</Button>{" "}
      <Button onClick={() => window.location.reload()}>Reload the window</Button>
    </main>
  );
}

/** A section of a view that failed to render: the rest of the view stays usable. */
export function SectionFailed({ error, resetErrorBoundary }: FallbackProps) {
  return (
    <div className="inline-error" role="alert">
      <span>This section couldn&apos;t be shown: {messageOf(error)}</span>
      <Button size="sm" onClick={resetErrorBoundary}>
        Retry
      </Button>
      <TechnicalDetails error={error} />
    </div>
  );
}
