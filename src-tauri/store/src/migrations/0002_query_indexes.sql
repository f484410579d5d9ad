-- Schema 2: fast listing of large registries.
--
-- The table sorts and filters on the *current* version's metrics. They live on model_versions, so a sorted
-- page would join and sort every model. Instead models carries a copy of its current version's sortable
-- fields (cur_*), kept equal by the trigger below whenever current_version_id changes, and every sortable
-- column has an index: a page of 100 is an index walk, not a sort.

ALTER TABLE model_versions ADD COLUMN version_key TEXT NOT NULL DEFAULT '';

ALTER TABLE models ADD COLUMN cur_version TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN cur_version_key TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN cur_accuracy REAL NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN cur_latency_ms REAL NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN cur_throughput_rps REAL NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN cur_uptime_pct REAL NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN cur_ai_confidence REAL NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN cur_error_rate REAL NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN cur_size_bytes INTEGER NOT NULL DEFAULT 0;
-- Lifecycle order (development, staging, production, archived) rather than alphabetical.
ALTER TABLE models ADD COLUMN status_rank INTEGER GENERATED ALWAYS AS (
    CASE status WHEN 'development' THEN 0 WHEN 'staging' THEN 1 WHEN 'production' THEN 2 ELSE 3 END
) VIRTUAL;

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
        cur_size_bytes     = v.size_bytes
    FROM (SELECT * FROM model_versions WHERE id = NEW.current_version_id) AS v
    WHERE models.id = NEW.id;
END;

-- Existing rows are backfilled by this migration's Rust hook (db.rs: backfill_sort_copies), which computes
-- version_key and re-points every model at its current version so the trigger fills the copy.

-- Each sort index ends with name (unique, the tie-break) and the filter columns, so that a page of any
-- sorted, filtered, searched view is read from the index alone, however deep the offset.
CREATE INDEX models_by_version ON models (cur_version_key, name, status_rank, framework);
CREATE INDEX models_by_status ON models (status_rank, name, framework);
CREATE INDEX models_by_accuracy ON models (cur_accuracy, name, status_rank, framework);
CREATE INDEX models_by_latency ON models (cur_latency_ms, name, status_rank, framework);
CREATE INDEX models_by_throughput ON models (cur_throughput_rps, name, status_rank, framework);
CREATE INDEX models_by_uptime ON models (cur_uptime_pct, name, status_rank, framework);
CREATE INDEX models_by_framework ON models (framework, name, status_rank);
CREATE INDEX models_by_size ON models (cur_size_bytes, name, status_rank, framework);
CREATE INDEX models_by_ai_confidence ON models (cur_ai_confidence, name, status_rank, framework);
CREATE INDEX models_by_error_rate ON models (cur_error_rate, name, status_rank, framework);
CREATE INDEX models_by_deployed_at ON models (deployed_at, name, status_rank, framework);
CREATE INDEX models_by_last_tested_at ON models (last_tested_at, name, status_rank, framework);
CREATE INDEX models_by_name ON models (name, status_rank, framework);
