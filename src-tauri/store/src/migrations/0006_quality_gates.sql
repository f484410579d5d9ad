-- Schema 6: quality gates. Each model's five threshold columns become the first checks of an editable test
-- suite (absolute thresholds, regression against the production version, the artifact's integrity), and a
-- test run records the suite it ran and every check's outcome, including skipped ones.

CREATE TABLE suite_checks (
    model_id   TEXT NOT NULL REFERENCES models (id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('absolute', 'regression', 'artifact')),
    -- NULL only for artifact checks.
    metric     TEXT CHECK (metric IN ('accuracy', 'latency', 'errorRate', 'uptime', 'aiConfidence')),
    -- Absolute checks: the limit. Regression checks: one of the margins (relative as a fraction, 0.05 = 5%).
    threshold  REAL,
    margin_abs REAL CHECK (margin_abs >= 0),
    margin_rel REAL CHECK (margin_rel >= 0),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    PRIMARY KEY (model_id, position),
    CHECK ((kind = 'artifact') = (metric IS NULL))
) STRICT;

-- Behaviour is preserved: every existing model's suite is its five thresholds, in the order checks.rs ran them.
INSERT INTO suite_checks (model_id, position, kind, metric, threshold)
SELECT id, 0, 'absolute', 'accuracy', min_accuracy FROM models
UNION ALL SELECT id, 1, 'absolute', 'latency', max_latency_ms FROM models
UNION ALL SELECT id, 2, 'absolute', 'errorRate', max_error_rate FROM models
UNION ALL SELECT id, 3, 'absolute', 'uptime', min_uptime_pct FROM models
UNION ALL SELECT id, 4, 'absolute', 'aiConfidence', min_ai_confidence FROM models;

-- A new model (registration, import, seed, generator) starts with the same five checks, from whatever
-- thresholds its row was inserted with; so none of those writers needs to know about suites.
CREATE TRIGGER models_default_suite AFTER INSERT ON models
BEGIN
    INSERT INTO suite_checks (model_id, position, kind, metric, threshold) VALUES
        (NEW.id, 0, 'absolute', 'accuracy', NEW.min_accuracy),
        (NEW.id, 1, 'absolute', 'latency', NEW.max_latency_ms),
        (NEW.id, 2, 'absolute', 'errorRate', NEW.max_error_rate),
        (NEW.id, 3, 'absolute', 'uptime', NEW.min_uptime_pct),
        (NEW.id, 4, 'absolute', 'aiConfidence', NEW.min_ai_confidence);
END;

-- passed/total keep meaning "N/M passed", counted over the checks that were not skipped.
ALTER TABLE test_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0);
-- The suite as it was when the run started (JSON); NULL for runs recorded before schema 6.
ALTER TABLE test_runs ADD COLUMN suite_json TEXT;
-- The version regression checks compared against, if there was one.
ALTER TABLE test_runs ADD COLUMN baseline_version TEXT;
CREATE INDEX test_runs_by_model_version ON test_runs (model_id, version_id, id);

-- Artifact checks have no number to show for a hash, so observed and threshold become nullable: SQLite
-- cannot relax NOT NULL in place, hence the copy. Nothing references test_checks.
CREATE TABLE test_checks_v4 (
    run_id     INTEGER NOT NULL REFERENCES test_runs (id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'absolute' CHECK (kind IN ('absolute', 'regression', 'artifact')),
    -- A metric key, or for artifact checks what was checked: 'present', 'size' or 'sha256'.
    metric     TEXT NOT NULL,
    comparator TEXT CHECK (comparator IN ('>=', '<=')),
    observed   REAL,
    threshold  REAL,
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    -- NULL (older rows and writers that predate gates) means passed or failed, from `passed`.
    outcome    TEXT CHECK (outcome IN ('passed', 'failed', 'skipped')),
    detail     TEXT,
    PRIMARY KEY (run_id, position)
) STRICT;
INSERT INTO test_checks_v4 (run_id, position, kind, metric, comparator, observed, threshold, passed, outcome)
SELECT run_id, position, 'absolute', metric, comparator, observed, threshold, passed,
       CASE passed WHEN 1 THEN 'passed' ELSE 'failed' END
FROM test_checks;
DROP TABLE test_checks;
ALTER TABLE test_checks_v4 RENAME TO test_checks;
