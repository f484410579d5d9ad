import { FileInput, PackagePlus } from "lucide-react";
import { Button } from "../../components/Button";
import "./first-run.css";

interface EmptyRegistryProps {
  onRegister: () => void;
  onImport: () => void;
}

/** What the page shows instead of the table while the registry holds no model at all (not a filter's empty result). */
export function EmptyRegistry({ onRegister, onImport }: EmptyRegistryProps) {
  return (
    <div className="empty-registry" data-testid="empty-registry">
      <h3>No models yet</h3>
      <p>Register your first model with its metrics, or bring in the models.json of the app ModelOps replaces.</p>
      <div className="empty-registry-actions">
        <Button variant="primary" icon={<PackagePlus size={16} aria-hidden="true" />} aria-haspopup="dialog" onClick={onRegister}>
          Register a model
        </Button>
        <Button icon={<FileInput size={16} aria-hidden="true" />} aria-haspopup="dialog" onClick={onImport}>
          Import legacy data
        </Button>
      </div>
    </div>
  );
}
