-- Schema 4: the summary counts and every row's "previous version" without per-model scans.
--
-- "Failing" and "untested" depend on the latest test run of each model's current version. Computing that
-- per model took two correlated lookups over every model (~150 ms at 100 000 models, BENCHMARKS.md), on the
-- one connection the table's pages also wait for. models now carries the outcome of that run, kept equal by
-- triggers, and one covering index answers every figure of the summary.

-- NULL: the current version has no test run yet; 1: its latest run passed every check; 0: it did not.
ALTER TABLE models ADD COLUMN cur_test_passed INTEGER CHECK (cur_test_passed IN (0, 1));

-- A new run of a model's current version becomes its latest; runs of other versions leave it alone.
CREATE TRIGGER test_runs_latest_outcome
AFTER INSERT ON test_runs
FOR EACH ROW
BEGIN
    UPDATE models SET cur_test_passed = (NEW.passed = NEW.total)
    WHERE id = NEW.model_id AND current_version_id = NEW.version_id;
END;

-- Re-pointing the current version (registration, rollback) brings that version's latest outcome along.
DROP TRIGGER models_current_version_copy;
CREATE TRIGGER models_current_version_copy
AFTER UPDATE OF current_version_id ON models
FOR EACH ROW WHEN NEW.current_version_id IS NOT NULL
BEGIN
    UPDATE models SET
        cur_version        = v.version,
        cur_version_key    = v.version_key,
        cur_accuracy       = v.accuracy,
        cur_latency_ms     = v.latency_ms,
        cur_throughput_rps = v.throughput_rps,
        cur_uptime_pct     = v.uptime_pct,
        cur_ai_confidence  = v.ai_confidence,
        cur_error_rate     = v.error_rate,
        cur_size_bytes     = v.size_bytes,
        framework          = CASE WHEN v.framework <> '' THEN v.framework ELSE models.framework END,
        cur_test_passed    = (SELECT t.passed = t.total FROM test_runs t
                              WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1)
    FROM (SELECT * FROM model_versions WHERE id = NEW.current_version_id) AS v
    WHERE models.id = NEW.id;
END;

UPDATE models SET cur_test_passed = (
    SELECT t.passed = t.total FROM test_runs t
    WHERE t.version_id = models.current_version_id ORDER BY t.id DESC LIMIT 1
);

CREATE INDEX models_summary ON models (status, cur_test_passed, cur_accuracy);

-- The "previous version" of a model in staging or production is the latest other version deployed to that
-- environment. Looking it up in the events walked every deploy event of the model (a model redeployed a
-- thousand times made each page that shows it read a thousand events). deployments keeps, per model,
-- environment and version, the id of the latest event that put that version there: the lookup walks at most
-- one entry per version.
CREATE TABLE deployments (
    model_id      TEXT NOT NULL REFERENCES models (id),
    status        TEXT NOT NULL,
    version       TEXT NOT NULL,
    last_event_id INTEGER NOT NULL,
    PRIMARY KEY (model_id, status, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX deployments_latest ON deployments (model_id, status, last_event_id);

-- The same actions as DEPLOYING_ACTIONS in registry.rs.
CREATE TRIGGER events_deployment
AFTER INSERT ON events
FOR EACH ROW WHEN NEW.action IN ('promoted', 'deployed', 'rolled_back')
    AND NEW.to_status IS NOT NULL AND NEW.to_version IS NOT NULL
BEGIN
    INSERT INTO deployments (model_id, status, version, last_event_id)
    VALUES (NEW.model_id, NEW.to_status, NEW.to_version, NEW.id)
    ON CONFLICT (model_id, status, version) DO UPDATE SET last_event_id = excluded.last_event_id;
END;

INSERT INTO deployments (model_id, status, version, last_event_id)
SELECT model_id, to_status, to_version, max(id) FROM events
WHERE action IN ('promoted', 'deployed', 'rolled_back') AND to_status IS NOT NULL AND to_version IS NOT NULL
GROUP BY model_id, to_status, to_version;
