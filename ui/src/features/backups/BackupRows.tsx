import { useId } from "react";
import { RotateCcw } from "lucide-react";
import type { BackupInfo } from "../../bindings/BackupInfo";
import { Button } from "../../components/Button";
import { formatBytes, localDateTime, relative, utc } from "../../lib/format";
import { REASON_LABEL } from "./backups";

interface Props {
  backups: readonly BackupInfo[];
  onRestore: (backup: BackupInfo) => void;
  disabled?: boolean;
  /** The backup being restored, whose button shows the spinner. */
  restoringPath?: string;
  label: string;
}

/** The backups, newest first, each with its own Restore button (which asks before anything happens). */
export function BackupRows({ backups, onRestore, disabled, restoringPath, label }: Props) {
  return (
    <ul className="backup-list" aria-label={label}>
      {backups.map((b) => (
        <BackupRow key={b.path} backup={b} onRestore={onRestore} disabled={disabled} busy={restoringPath === b.path} />
      ))}
    </ul>
  );
}

function BackupRow({
  backup,
  onRestore,
  disabled,
  busy,
}: {
  backup: BackupInfo;
  onRestore: (backup: BackupInfo) => void;
  disabled?: boolean;
  busy: boolean;
}) {
  const id = useId();
  return (
    <li className="backup-row" data-testid="backup-row" data-backup-reason={backup.reason}>
      <div className="backup-when">
        <time id={`${id}-when`} dateTime={backup.createdAt} title={utc(backup.createdAt)}>
          {localDateTime(backup.createdAt)}
        </time>
        <span className="muted small">
          {relative(backup.createdAt)} · <span className="mono">{backup.fileName}</span>
        </span>
      </div>
      <span id={`${id}-reason`} className={`backup-reason backup-reason-${backup.reason}`}>
        {REASON_LABEL[backup.reason]}
      </span>
      {/* The size on disk; "compressed" tells a new backup from an older build's plain one. */}
      <span className="backup-size">
        {formatBytes(backup.sizeBytes)}
        {backup.compressed ? <span className="muted small"> compressed</span> : null}
      </span>
      {/* Every row's button reads "Restore"; the description says which backup it restores. */}
      <Button
        size="sm"
        icon={<RotateCcw size={14} aria-hidden="true" />}
        aria-describedby={`${id}-when ${id}-reason`}
        busy={busy}
        disabled={disabled}
        onClick={() => onRestore(backup)}
      >
        Restore
      </Button>
    </li>
  );
}
