import { Download } from "lucide-react";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { plural } from "../../lib/format";
import { useExportCsv } from "../../queries";

export function ExportButton() {
  const toast = useToast();
  const exportCsv = useExportCsv();
  return (
    <Button
      icon={<Download size={16} aria-hidden="true" />}
      busy={exportCsv.isPending}
      onClick={() =>
        exportCsv.mutate(undefined, {
          onSuccess: (result) => {
            // null: the user cancelled the save dialog. Nothing to say.
            if (result) toast.success(`Exported ${plural(result.rows, "model")} to ${result.path}`);
          },
          onError: (err) => toast.error("Export failed", err.message),
        })
      }
    >
      Export CSV
    </Button>
  );
}
