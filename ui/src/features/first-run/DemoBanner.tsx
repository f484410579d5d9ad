import { useState } from "react";
import { Info, Trash2 } from "lucide-react";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toast";
import { formatNumber, plural } from "../../lib/format";
import { useClearDemoData } from "../../queries";
import "./first-run.css";

/** Set once the user chose "Keep for now": the banner is an explanation, not a nag. */
export const DEMO_BANNER_DISMISSED_KEY = "modelops.demoBannerDismissed";

// Storage can be unavailable (a locked-down webview): then the banner simply comes back next start.
function readDismissed(): boolean {
  try {
    return localStorage.getItem(DEMO_BANNER_DISMISSED_KEY) === "true";
  } catch {
    return false;
  }
}

function rememberDismissed() {
  try {
    localStorage.setItem(DEMO_BANNER_DISMISSED_KEY, "true");
  } catch {
    // Hidden for this session only.
  }
}

const WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const countWord = (n: number) => WORDS[n] ?? formatNumber(n);

/**
 * Explains the demo models while the registry still has some (`demoModels`, from the summary), and offers to
 * remove them. Clearing ends the banner by itself: the refetched summary counts no demo models.
 */
export function DemoBanner({ demoModels }: { demoModels: number | undefined }) {
  const [dismissed, setDismissed] = useState(readDismissed);
  const [confirming, setConfirming] = useState(false);
  const clear = useClearDemoData();
  const toast = useToast();

  if (!demoModels || dismissed) return null;

  const keep = () => {
    rememberDismissed();
    setDismissed(true);
  };

  const confirm = () => {
    setConfirming(false);
    clear.mutate(undefined, {
      onSuccess: (r) =>
        toast.success(
          "Demo data cleared",
          r.modelsRemoved === 0
            ? "There was no demo data left."
            : `Removed ${plural(r.modelsRemoved, "demo model")} with ${plural(r.versionsRemoved, "version")}.`,
        ),
      onError: (e) => toast.error("Couldn't clear the demo data", e.message),
    });
  };

  return (
    <section className="demo-banner" role="region" aria-label="About the demo data" data-testid="demo-banner">
      <Info size={20} aria-hidden="true" className="demo-banner-icon" />
      <div className="demo-banner-text">
        <h2>About the demo data</h2>
        <p>
          {demoModels === 1 ? "The model" : `The ${countWord(demoModels)} models`} marked &ldquo;Demo&rdquo;{" "}
          {demoModels === 1 ? "is" : "are"} sample data, not measurements: ModelOps adds the demo models on a first start so
          that you can try every action. {demoModels === 1 ? "It lives" : "They live"} in your local registry file like your own
          models.
        </p>
        <p className="muted small">
          &ldquo;Clear demo data&rdquo; removes them with their versions, test runs and A/B tests; your own models stay.
        </p>
      </div>
      <div className="demo-banner-actions">
        <Button
          variant="danger"
          size="sm"
          icon={<Trash2 size={14} aria-hidden="true" />}
          aria-haspopup="dialog"
          busy={clear.isPending}
          onClick={() => setConfirming(true)}
        >
          Clear demo data
        </Button>
        <Button size="sm" onClick={keep} disabled={clear.isPending}>
          Keep for now
        </Button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Clear the demo data?"
          confirmLabel="Clear demo data"
          tone="danger"
          onConfirm={confirm}
          onCancel={() => setConfirming(false)}
        >
          <p>
            This removes {plural(demoModels, "demo model")} from the registry, with their versions, test runs and A/B
            tests. Your own models are kept, and the audit log keeps a record of everything, including this.
          </p>
          <p>It cannot be undone, except by restoring a backup (Backups in the header).</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
