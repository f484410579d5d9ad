import { DatabaseZap, RotateCw } from "lucide-react";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";

/** Codes for which retrying can't help: the registry file itself is the problem. */
export const FATAL_CODES = new Set(["SCHEMA_TOO_NEW", "CORRUPT_DATABASE"]);

export function StartupError({ error, onRetry, retrying }: { error: ApiError; onRetry: () => void; retrying: boolean }) {
  const fatal = FATAL_CODES.has(error.code);
  return (
    <main className="fullpage-error" aria-labelledby="startup-error-title">
      <div className="fullpage-card" role="alert">
        <DatabaseZap size={40} aria-hidden="true" className="fullpage-icon" />
        <h1 id="startup-error-title">{fatal ? "The registry couldn't be opened" : "Couldn't load the models"}</h1>
        {fatal ? (
          <p className="lead">ModelOps stopped before changing anything: the registry file was left untouched.</p>
        ) : null}
        <p className="error-message">{error.message}</p>
        {fatal ? (
          error.code === "SCHEMA_TOO_NEW" ? (
            <p className="muted">Install the newer version of ModelOps that wrote this registry to open it.</p>
          ) : (
            <p className="muted">Restore the file from a backup, or move it aside to start a new registry.</p>
          )
        ) : (
          <Button variant="primary" icon={<RotateCw size={16} aria-hidden="true" />} busy={retrying} onClick={onRetry}>
            Retry
          </Button>
        )}
        <p className="muted small mono">Error code: {error.code}</p>
      </div>
    </main>
  );
}
