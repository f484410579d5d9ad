import type { Model } from "../../bindings/Model";
import { Button } from "../../components/Button";
import { Spinner } from "../../components/Spinner";
import { useTestSuite } from "../../queries";
import { SuiteEditor } from "./SuiteEditor";
import { TestRunsList } from "./TestRunsList";
import "./gates.css";

/** The model's test suite (editable) and its test runs. Production takes a version whose latest run passed. */
export function QualityGatesSection({ model, idPrefix }: { model: Model; idPrefix: string }) {
  const suite = useTestSuite(model.id);
  return (
    <section className="detail-section quality-gates" aria-labelledby={`${idPrefix}-gates`}>
      <h3 id={`${idPrefix}-gates`}>Quality gates</h3>
      <p className="muted">
        Deploying to production needs a passing latest test run of the version being deployed. Skipped checks (no
        production version to compare with, no artifact) count neither way.
      </p>
      <h4 id={`${idPrefix}-suite`}>Test suite</h4>
      {suite.isPending ? (
        <p className="muted loading-line">
          <Spinner /> Loading the suite…
        </p>
      ) : suite.isError ? (
        <div className="inline-error" role="alert">
          <p>Couldn&apos;t load the test suite: {suite.error.message}</p>
          <Button size="sm" onClick={() => void suite.refetch()}>
            Retry
          </Button>
        </div>
      ) : (
        <SuiteEditor
          key={JSON.stringify(suite.data.checks)}
          modelId={model.id}
          checks={suite.data.checks}
          readOnly={model.status === "archived"}
        />
      )}
      <h4 id={`${idPrefix}-runs`}>Test runs</h4>
      <TestRunsList modelId={model.id} />
    </section>
  );
}
