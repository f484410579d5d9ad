import { FileDown, ShieldCheck } from "lucide-react";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { plural } from "../../lib/format";
import { useExportAuditCsv, useVerifyAudit } from "../../queries";
import { AuditResult, brokenText } from "./AuditResult";

/** The Verify and Export buttons of the audit log, and what the last verification found. */
export function AuditTools() {
  const toast = useToast();
  const verify = useVerifyAudit();
  const exportCsv = useExportAuditCsv();

  const runVerify = () =>
    verify.mutate(undefined, {
      onSuccess: (r) => {
        if (r.ok) toast.success("Audit log intact", `${plural(r.events, "event")} checked.`);
        else toast.error("Audit log broken", brokenText(r));
      },
      onError: (err) => toast.error("Couldn't verify the audit log", err.message),
    });
  const runExport = () =>
    exportCsv.mutate(undefined, {
      onSuccess: (r) => {
        if (r) toast.success(`Exported ${plural(r.rows, "event")} to ${r.path}`);
      },
      onError: (err) => toast.error("Audit export failed", err.message),
    });

  const report = verify.data;
  return (
    <div className="audit-tools">
      <div className="audit-buttons">
        <Button icon={<ShieldCheck size={16} aria-hidden="true" />} busy={verify.isPending} onClick={runVerify}>
          Verify audit log
        </Button>
        <Button icon={<FileDown size={16} aria-hidden="true" />} busy={exportCsv.isPending} onClick={runExport}>
          Export audit log
        </Button>
      </div>
      {/* Always present, so that screen readers announce the result. */}
      <div className="audit-result" role="status">
        {report && !verify.isPending ? <AuditResult report={report} /> : null}
      </div>
    </div>
  );
}
