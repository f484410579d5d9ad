import { useId } from "react";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { Spinner } from "../../components/Spinner";
import { useAbout } from "../../queries";

/** Help → About ModelOps: which build this is and which registry file it works on. */
export function AboutDialog({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  const about = useAbout();
  const a = about.data;
  return (
    <Modal labelledBy={titleId} onClose={onClose} className="modal-about" testId="about-dialog">
      <div className="modal-header">
        <h2 id={titleId} className="modal-title">
          About ModelOps
        </h2>
      </div>
      <div className="modal-body">
        <p>An offline registry for machine-learning models. Everything stays in one SQLite file on this computer.</p>
        {a ? (
          <dl className="about-facts">
            <dt>Version</dt>
            <dd data-testid="about-version">{a.version}</dd>
            <dt>Registry file</dt>
            <dd className="mono selectable" data-testid="about-registry-path">
              {a.registryPath}
            </dd>
            <dt>Schema version</dt>
            <dd data-testid="about-schema">
              {a.schemaVersion === undefined
                ? `not open (this build knows up to ${a.latestSchemaVersion})`
                : a.schemaVersion === a.latestSchemaVersion
                  ? `${a.schemaVersion} (the latest)`
                  : `${a.schemaVersion} (this build knows up to ${a.latestSchemaVersion})`}
            </dd>
            <dt>Logs folder</dt>
            <dd className="mono selectable">{a.logDir || "none"}</dd>
          </dl>
        ) : about.isError ? (
          <p className="inline-error" role="alert">
            Couldn&apos;t read the app&apos;s details: {about.error.message}
          </p>
        ) : (
          <Spinner label="Loading…" />
        )}
      </div>
      <div className="modal-footer">
        <Button variant="primary" onClick={onClose} data-autofocus>
          Close
        </Button>
      </div>
    </Modal>
  );
}
