-- Schema 13: a model taken in from a team server is written once, in its final state.
--
-- A pull inserted a new model's row, then its versions, then pointed the row at its current version, and the
-- copy trigger wrote the version into the row: the row's 17 index entries were written three times. The pull
-- now inserts the versions first (foreign keys deferred until the row follows) and the row with everything
-- in it. While a deferred violation is pending, SQLite looks up every new version among the rows that point
-- at it, so current_version_id needs an index (without it, a scan of models per version: 2.1 s → 4.3 s for
-- 10 000 models, BENCHMARKS.md).
CREATE INDEX models_by_current_version ON models (current_version_id);

-- What a model's row copies from its current version: one definition for the trigger below and for a row
-- inserted already pointing at its version. `framework` is the version's own ('' when it has none; the
-- model keeps its framework then).
CREATE VIEW version_copy AS
SELECT v.id              AS version_id,
       v.version         AS cur_version,
       v.version_key     AS cur_version_key,
       v.accuracy        AS cur_accuracy,
       v.latency_ms      AS cur_latency_ms,
       v.throughput_rps  AS cur_throughput_rps,
       v.uptime_pct      AS cur_uptime_pct,
       v.ai_confidence   AS cur_ai_confidence,
       v.error_rate      AS cur_error_rate,
       v.size_bytes      AS cur_size_bytes,
       v.framework       AS framework,
       (SELECT t.passed = t.total FROM test_runs t
         WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1) AS cur_test_passed,
       (SELECT t.passed FROM test_runs t
         WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1) AS cur_checks_passed,
       (SELECT t.total FROM test_runs t
         WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1) AS cur_checks_total,
       v.is_demo         AS cur_is_demo,
       coalesce((SELECT r.metrics_known FROM remote_versions r WHERE r.version_id = v.id), 1) AS cur_metrics_known
FROM model_versions v;

DROP TRIGGER models_current_version_copy;
CREATE TRIGGER models_current_version_copy
AFTER UPDATE OF current_version_id ON models
FOR EACH ROW WHEN NEW.current_version_id IS NOT NULL
BEGIN
    UPDATE models SET
        cur_version        = c.cur_version,
        cur_version_key    = c.cur_version_key,
        cur_accuracy       = c.cur_accuracy,
        cur_latency_ms     = c.cur_latency_ms,
        cur_throughput_rps = c.cur_throughput_rps,
        cur_uptime_pct     = c.cur_uptime_pct,
        cur_ai_confidence  = c.cur_ai_confidence,
        cur_error_rate     = c.cur_error_rate,
        cur_size_bytes     = c.cur_size_bytes,
        framework          = CASE WHEN c.framework <> '' THEN c.framework ELSE models.framework END,
        cur_test_passed    = c.cur_test_passed,
        cur_checks_passed  = c.cur_checks_passed,
        cur_checks_total   = c.cur_checks_total,
        cur_is_demo        = c.cur_is_demo,
        cur_metrics_known  = c.cur_metrics_known
    FROM (SELECT * FROM version_copy WHERE version_id = NEW.current_version_id) AS c
    WHERE models.id = NEW.id;
END;

-- A row inserted already pointing at a version gets what a rollback would go back to, as a re-pointed one
-- does (models_previous_version, schema 12). Only prev_version is set: no index covers it.
CREATE TRIGGER models_previous_version_insert
AFTER INSERT ON models
FOR EACH ROW WHEN NEW.current_version_id IS NOT NULL
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = NEW.id)
    WHERE id = NEW.id;
END;
