-- Schema 10: a model can belong to a team's MLflow tracking server (docs/adr/0019-mlflow-sync.md).
--
-- The local registry stays the working copy. These tables link it to the server: which models are shared
-- and under which registered-model name, which MLflow version number each local version has, what the
-- server showed at the last sync (the base a conflict is judged against), and the changes waiting to be
-- pushed. Credentials are never stored here: they live in the OS keyring or an environment variable.

-- A model that belongs to a server. Models without a row are local only.
CREATE TABLE remote_models (
    model_id        TEXT PRIMARY KEY REFERENCES models (id),
    -- The tracking URI the model belongs to, as configured when it was linked.
    server          TEXT NOT NULL,
    mlflow_name     TEXT NOT NULL,
    -- What the server showed at the last pull or push: the MLflow version numbers the production and staging
    -- aliases pointed at, and whether the archived mark was set. MLflow has no compare-and-set, so a push
    -- reads the alias first and moves it only while it still points where this says.
    base_production TEXT,
    base_staging    TEXT,
    base_archived   INTEGER NOT NULL DEFAULT 0 CHECK (base_archived IN (0, 1)),
    -- NULL, or what clashes as JSON ({alias, base, server, local}): the model's changes wait until the user
    -- takes the server's side or keeps theirs.
    conflict        TEXT,
    -- What the server showed at the last read, whether or not it was taken in: keeping one's own side of a
    -- conflict makes this the new base.
    seen_production TEXT,
    seen_staging    TEXT,
    seen_archived   INTEGER NOT NULL DEFAULT 0 CHECK (seen_archived IN (0, 1)),
    -- 1 after the user took the server's side of a conflict: the next pull applies the server's state.
    take_server     INTEGER NOT NULL DEFAULT 0 CHECK (take_server IN (0, 1)),
    synced_at       TEXT,
    UNIQUE (server, mlflow_name)
) STRICT;

-- The MLflow side of a local version. A version registered locally has no row until it is pushed.
CREATE TABLE remote_versions (
    version_id     INTEGER PRIMARY KEY REFERENCES model_versions (id),
    mlflow_version TEXT NOT NULL,
    -- The run that holds the version's metrics (MLflow's compare views read them there).
    run_id         TEXT,
    -- 0: the version came from a server whose run had none of our metric names, so the version's metric
    -- columns are placeholders that are never shown (the UI shows "—") and its tests cannot pass.
    metrics_known  INTEGER NOT NULL DEFAULT 1 CHECK (metrics_known IN (0, 1))
) STRICT;

-- Changes to shared models waiting to be pushed, in order. An entry is the audit event that made the change
-- (the push reads what to do from it), or a whole model the user chose to share.
CREATE TABLE outbox (
    id       INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL REFERENCES models (id),
    kind     TEXT NOT NULL CHECK (kind IN ('event', 'share')),
    event_id INTEGER REFERENCES events (id),
    -- How many pushes of this entry failed, and why the last one did: shown, never used to skip it.
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    CHECK ((kind = 'event') = (event_id IS NOT NULL))
) STRICT;
CREATE INDEX outbox_by_model ON outbox (model_id, id);

-- Every local change to a shared model goes to the outbox in the transaction that makes it, whichever code
-- made it: an operation can't forget to. What a pull brings in is recorded as 'synced' and is not sent back.
CREATE TRIGGER events_outbox
AFTER INSERT ON events
FOR EACH ROW WHEN NEW.action IN ('registered', 'promoted', 'deployed', 'rolled_back', 'archived')
    AND EXISTS (SELECT 1 FROM remote_models r WHERE r.model_id = NEW.model_id)
BEGIN
    INSERT INTO outbox (model_id, kind, event_id) VALUES (NEW.model_id, 'event', NEW.id);
END;

-- A production or staging move seen on the server is a deployment too: rollback can go back to it.
DROP TRIGGER events_deployment;
CREATE TRIGGER events_deployment
AFTER INSERT ON events
FOR EACH ROW WHEN NEW.action IN ('promoted', 'deployed', 'rolled_back', 'synced')
    AND NEW.to_status IS NOT NULL AND NEW.to_version IS NOT NULL
BEGIN
    INSERT INTO deployments (model_id, status, version, last_event_id)
    VALUES (NEW.model_id, NEW.to_status, NEW.to_version, NEW.id)
    ON CONFLICT (model_id, status, version) DO UPDATE SET last_event_id = excluded.last_event_id;
END;
