-- A version pulled from a team server whose run had not logged ModelOps' metrics holds placeholders
-- (remote_versions.metrics_known = 0) and can't pass the tests. When a later pull finds the metrics in its
-- run, they are filled in, once: the update is allowed only while they are unknown, and it names the same
-- version. Every other version stays immutable, as before.
DROP TRIGGER model_versions_immutable;
CREATE TRIGGER model_versions_immutable BEFORE UPDATE ON model_versions
WHEN NOT (
    NEW.id = OLD.id AND NEW.model_id = OLD.model_id AND NEW.version = OLD.version AND NEW.seq = OLD.seq
    AND EXISTS (SELECT 1 FROM remote_versions r WHERE r.version_id = OLD.id AND r.metrics_known = 0)
)
BEGIN SELECT RAISE(ABORT, 'model versions are immutable once registered'); END;
