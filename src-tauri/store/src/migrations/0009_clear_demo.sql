-- Schema 9: the demo data can be cleared (Registry::clear_demo_data).
--
-- A model is demo data while every version of it is: registering your own version on a demo model makes it
-- yours. Removing the demo models needs three things the schema refused until now: deleting their versions
-- and metric history, deleting A/B results that involve them, and an audit log that outlives the models it
-- mentions. The triggers that keep the user's data append-only are unchanged for non-demo rows.

-- events.model_id referenced models (id), so a model with events could never be deleted, and the event that
-- records the clearing has no model. The audit log is history: it keeps naming models that no longer exist.
-- The hash covers each event's id and content, not the table's definition, so copying the rows as they are
-- keeps the chain and meta's audit_head valid. DROP TABLE's implicit delete fires no triggers, and nothing
-- references events.
CREATE TABLE events_v9 (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    -- A model id, possibly of a removed model; '' for an event about the whole registry.
    model_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    from_version TEXT,
    to_version   TEXT,
    detail       TEXT,
    actor        TEXT NOT NULL DEFAULT '',
    reason       TEXT,
    before_json  TEXT,
    after_json   TEXT,
    prev_hash    TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO events_v9 (id, at, model_id, action, from_status, to_status, from_version, to_version, detail,
                       actor, reason, before_json, after_json, prev_hash, hash)
SELECT id, at, model_id, action, from_status, to_status, from_version, to_version, detail,
       actor, reason, before_json, after_json, prev_hash, hash
FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_v9 RENAME TO events;
CREATE INDEX events_by_model ON events (model_id, id);
CREATE INDEX events_by_at ON events (at);
CREATE INDEX events_by_action ON events (action, at);

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- As in schema 4: the same actions as DEPLOYING_ACTIONS in registry.rs.
CREATE TRIGGER events_deployment
AFTER INSERT ON events
FOR EACH ROW WHEN NEW.action IN ('promoted', 'deployed', 'rolled_back')
    AND NEW.to_status IS NOT NULL AND NEW.to_version IS NOT NULL
BEGIN
    INSERT INTO deployments (model_id, status, version, last_event_id)
    VALUES (NEW.model_id, NEW.to_status, NEW.to_version, NEW.id)
    ON CONFLICT (model_id, status, version) DO UPDATE SET last_event_id = excluded.last_event_id;
END;

-- Demo versions, their metric history, and the frozen results of A/B tests with a demo model can go; the
-- user's stay immutable.
DROP TRIGGER model_versions_kept;
CREATE TRIGGER model_versions_kept BEFORE DELETE ON model_versions
WHEN OLD.is_demo = 0
BEGIN SELECT RAISE(ABORT, 'model versions are immutable once registered'); END;

DROP TRIGGER metric_points_kept;
CREATE TRIGGER metric_points_kept BEFORE DELETE ON metric_points
WHEN NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.id = OLD.version_id AND v.is_demo = 1)
BEGIN SELECT RAISE(ABORT, 'metric history is append-only'); END;

DROP TRIGGER ab_results_frozen_delete;
CREATE TRIGGER ab_results_frozen_delete BEFORE DELETE ON ab_results
WHEN (SELECT status FROM ab_tests WHERE id = OLD.test_id) <> 'running'
    AND NOT EXISTS (SELECT 1 FROM ab_tests t JOIN models m ON m.id IN (t.model_a, t.model_b)
                    WHERE t.id = OLD.test_id AND m.is_demo = 1)
BEGIN SELECT RAISE(ABORT, 'results of a concluded or aborted A/B test are frozen'); END;

-- Registering a non-demo version (registration, import, any other writer) adopts the model: it is no longer
-- demo data, so clearing the demo keeps it with all its versions. Its sample versions stay marked Demo.
CREATE TRIGGER model_versions_adopt AFTER INSERT ON model_versions
WHEN NEW.is_demo = 0
BEGIN
    UPDATE models SET is_demo = 0 WHERE id = NEW.model_id AND is_demo = 1;
END;
UPDATE models SET is_demo = 0
WHERE is_demo = 1 AND EXISTS (SELECT 1 FROM model_versions v WHERE v.model_id = models.id AND v.is_demo = 0);

-- The summary counts demo models on every refresh; in a registry of the user's own models this index is
-- empty, so the count costs nothing.
CREATE INDEX models_demo ON models (id) WHERE is_demo = 1;
