-- Schema 12: a model's row of the table is one read of `models`.
--
-- Every row of a page or of `modelops list --all` also looked up its previous version (in model_versions or
-- deployments), its current version's latest test run, whether that version is demo data, the team server
-- the model belongs to and whether its version's metrics are known. Those five lookups were half of the
-- time `list --all` took at 100 000 models (BENCHMARKS.md, "List every model"). models now carries them,
-- kept equal by the triggers below, as it already carries the current version's metrics (schema 2) and the
-- latest test outcome (schema 4). Registry::copies_check compares every copy with the lookup it replaces.

-- The latest run of the current version: how many of its checks passed, of how many. NULL: no run yet.
ALTER TABLE models ADD COLUMN cur_checks_passed INTEGER;
ALTER TABLE models ADD COLUMN cur_checks_total INTEGER;
-- The current version is demo data (the model itself may not be: models.is_demo).
ALTER TABLE models ADD COLUMN cur_is_demo INTEGER NOT NULL DEFAULT 0 CHECK (cur_is_demo IN (0, 1));
-- 0 when the current version came from a team server without our metrics (remote_versions.metrics_known).
ALTER TABLE models ADD COLUMN cur_metrics_known INTEGER NOT NULL DEFAULT 1 CHECK (cur_metrics_known IN (0, 1));
-- remote_models.server: the tracking URI the model belongs to, NULL for a local model.
ALTER TABLE models ADD COLUMN remote_server TEXT;
-- What a rollback goes back to: in development the version registered before the current one; in staging or
-- production the latest other version deployed there; none once archived (the view below).
ALTER TABLE models ADD COLUMN prev_version TEXT;

-- Re-pointing the current version (registration, rollback, a pull, late metrics) copies everything that
-- belongs to the version.
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
                              WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1),
        cur_checks_passed  = (SELECT t.passed FROM test_runs t
                              WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1),
        cur_checks_total   = (SELECT t.total FROM test_runs t
                              WHERE t.version_id = v.id ORDER BY t.id DESC LIMIT 1),
        cur_is_demo        = v.is_demo,
        cur_metrics_known  = coalesce((SELECT r.metrics_known FROM remote_versions r WHERE r.version_id = v.id), 1)
    FROM (SELECT * FROM model_versions WHERE id = NEW.current_version_id) AS v
    WHERE models.id = NEW.id;
END;

-- A new run of a model's current version becomes its latest; runs of other versions leave it alone.
DROP TRIGGER test_runs_latest_outcome;
CREATE TRIGGER test_runs_latest_outcome
AFTER INSERT ON test_runs
FOR EACH ROW
BEGIN
    UPDATE models SET
        cur_test_passed   = (NEW.passed = NEW.total),
        cur_checks_passed = NEW.passed,
        cur_checks_total  = NEW.total
    WHERE id = NEW.model_id AND current_version_id = NEW.version_id;
END;

-- What a rollback goes back to, looked up; models.prev_version keeps it. One definition for every trigger
-- below and the backfill (SQLite has no stored functions).
CREATE VIEW model_previous_version AS
SELECT m.id AS model_id,
       CASE m.status
         WHEN 'development' THEN
           (SELECT pv.version FROM model_versions pv
             WHERE pv.model_id = m.id AND pv.seq < v.seq ORDER BY pv.seq DESC LIMIT 1)
         WHEN 'archived' THEN NULL
         ELSE
           (SELECT d.version FROM deployments d
             WHERE d.model_id = m.id AND d.status = m.status AND d.version <> v.version
             ORDER BY d.last_event_id DESC LIMIT 1)
       END AS version
FROM models m JOIN model_versions v ON v.id = m.current_version_id;

-- The triggers set only the copies, which no index covers: setting a column to itself to re-run another
-- trigger would rewrite the row's entries in all 13 sort indexes (a backfill done that way took 24 s at
-- 100 000 models).
CREATE TRIGGER models_previous_version
AFTER UPDATE OF status, current_version_id ON models
FOR EACH ROW
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = NEW.id)
    WHERE id = NEW.id;
END;

-- A deployment to the environment a model is in, or a version registered below its current one, changes
-- its previous version.
CREATE TRIGGER deployments_previous_version_insert AFTER INSERT ON deployments
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = models.id)
    WHERE id = NEW.model_id AND status = NEW.status;
END;
CREATE TRIGGER deployments_previous_version_update AFTER UPDATE ON deployments
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = models.id)
    WHERE (id = NEW.model_id AND status = NEW.status) OR (id = OLD.model_id AND status = OLD.status);
END;
CREATE TRIGGER deployments_previous_version_delete AFTER DELETE ON deployments
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = models.id)
    WHERE id = OLD.model_id AND status = OLD.status;
END;
CREATE TRIGGER model_versions_previous_version_insert AFTER INSERT ON model_versions
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = models.id)
    WHERE id = NEW.model_id AND status = 'development';
END;
CREATE TRIGGER model_versions_previous_version_delete AFTER DELETE ON model_versions
BEGIN
    UPDATE models SET prev_version = (SELECT p.version FROM model_previous_version p WHERE p.model_id = models.id)
    WHERE id = OLD.model_id AND status = 'development';
END;

-- Whether the current version's metrics are known.
CREATE TRIGGER remote_versions_copy_insert AFTER INSERT ON remote_versions
BEGIN
    UPDATE models SET cur_metrics_known = NEW.metrics_known
    WHERE id = (SELECT model_id FROM model_versions WHERE id = NEW.version_id)
      AND current_version_id = NEW.version_id;
END;
CREATE TRIGGER remote_versions_copy_update AFTER UPDATE ON remote_versions
BEGIN
    UPDATE models SET cur_metrics_known =
        coalesce((SELECT r.metrics_known FROM remote_versions r WHERE r.version_id = models.current_version_id), 1)
    WHERE id IN (SELECT model_id FROM model_versions WHERE id IN (NEW.version_id, OLD.version_id))
      AND current_version_id IN (NEW.version_id, OLD.version_id);
END;
CREATE TRIGGER remote_versions_copy_delete AFTER DELETE ON remote_versions
BEGIN
    UPDATE models SET cur_metrics_known = 1
    WHERE id = (SELECT model_id FROM model_versions WHERE id = OLD.version_id)
      AND current_version_id = OLD.version_id;
END;

-- The team server a model belongs to.
CREATE TRIGGER remote_models_server_insert AFTER INSERT ON remote_models
BEGIN
    UPDATE models SET remote_server = NEW.server WHERE id = NEW.model_id;
END;
CREATE TRIGGER remote_models_server_update AFTER UPDATE OF model_id, server ON remote_models
BEGIN
    UPDATE models SET remote_server = NULL WHERE id = OLD.model_id;
    UPDATE models SET remote_server = NEW.server WHERE id = NEW.model_id;
END;
CREATE TRIGGER remote_models_server_delete AFTER DELETE ON remote_models
BEGIN
    UPDATE models SET remote_server = NULL WHERE id = OLD.model_id;
END;

-- Existing rows, in one pass that touches no indexed column (so no trigger runs and no index is rewritten).
UPDATE models SET
    cur_checks_passed = (SELECT t.passed FROM test_runs t
                         WHERE t.version_id = models.current_version_id ORDER BY t.id DESC LIMIT 1),
    cur_checks_total  = (SELECT t.total FROM test_runs t
                         WHERE t.version_id = models.current_version_id ORDER BY t.id DESC LIMIT 1),
    cur_is_demo       = coalesce((SELECT v.is_demo FROM model_versions v WHERE v.id = models.current_version_id), 0),
    cur_metrics_known = coalesce((SELECT r.metrics_known FROM remote_versions r
                                  WHERE r.version_id = models.current_version_id), 1),
    remote_server     = (SELECT r.server FROM remote_models r WHERE r.model_id = models.id),
    prev_version      = (SELECT p.version FROM model_previous_version p WHERE p.model_id = models.id);
