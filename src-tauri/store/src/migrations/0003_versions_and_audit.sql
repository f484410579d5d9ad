-- Schema 3: registered versions carry what a registration records and can no longer change; events become
-- a hash-chained, append-only audit log.

ALTER TABLE model_versions ADD COLUMN framework TEXT NOT NULL DEFAULT '';
ALTER TABLE model_versions ADD COLUMN artifact_path TEXT;
ALTER TABLE model_versions ADD COLUMN artifact_size INTEGER;
ALTER TABLE model_versions ADD COLUMN artifact_sha256 TEXT;
ALTER TABLE model_versions ADD COLUMN notes TEXT;
ALTER TABLE model_versions ADD COLUMN tags_json TEXT NOT NULL DEFAULT '{}';
UPDATE model_versions SET framework = (SELECT m.framework FROM models m WHERE m.id = model_versions.model_id);

CREATE TRIGGER model_versions_immutable BEFORE UPDATE ON model_versions
BEGIN SELECT RAISE(ABORT, 'model versions are immutable once registered'); END;
CREATE TRIGGER model_versions_kept BEFORE DELETE ON model_versions
BEGIN SELECT RAISE(ABORT, 'model versions are immutable once registered'); END;

-- The framework shown for a model is its current version's, like the other cur_* fields.
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
        framework          = CASE WHEN v.framework <> '' THEN v.framework ELSE models.framework END
    FROM (SELECT * FROM model_versions WHERE id = NEW.current_version_id) AS v
    WHERE models.id = NEW.id;
END;

ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN reason TEXT;
ALTER TABLE events ADD COLUMN before_json TEXT;
ALTER TABLE events ADD COLUMN after_json TEXT;
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX events_by_at ON events (at);
CREATE INDEX events_by_action ON events (action, at);

-- The hook (db.rs) then chains the existing events and creates the append-only triggers.
