-- Schema 1. Migrations are forward-only: never edit a shipped file, add the next number instead.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE models (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    framework          TEXT NOT NULL,
    status             TEXT NOT NULL
                       CHECK (status IN ('development', 'staging', 'production', 'archived')),
    -- NULL only between inserting a model and inserting its first version, inside one transaction.
    current_version_id INTEGER REFERENCES model_versions (id),
    deployed_at        TEXT,
    last_tested_at     TEXT,
    created_at         TEXT NOT NULL,
    is_demo            INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    min_accuracy       REAL NOT NULL DEFAULT 0.90,
    max_latency_ms     REAL NOT NULL DEFAULT 100,
    max_error_rate     REAL NOT NULL DEFAULT 0.01,
    min_uptime_pct     REAL NOT NULL DEFAULT 99.5,
    min_ai_confidence  REAL NOT NULL DEFAULT 0.85
) STRICT;

CREATE TABLE model_versions (
    id             INTEGER PRIMARY KEY,
    model_id       TEXT NOT NULL REFERENCES models (id),
    version        TEXT NOT NULL,
    -- Registration order within the model; "previous version" means the next lower seq.
    seq            INTEGER NOT NULL,
    accuracy       REAL NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
    latency_ms     REAL NOT NULL CHECK (latency_ms >= 0),
    throughput_rps REAL NOT NULL CHECK (throughput_rps >= 0),
    uptime_pct     REAL NOT NULL CHECK (uptime_pct BETWEEN 0 AND 100),
    ai_confidence  REAL NOT NULL CHECK (ai_confidence BETWEEN 0 AND 1),
    error_rate     REAL NOT NULL CHECK (error_rate BETWEEN 0 AND 1),
    size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
    is_demo        INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at     TEXT NOT NULL,
    UNIQUE (model_id, version),
    UNIQUE (model_id, seq)
) STRICT;

CREATE TABLE test_runs (
    id         INTEGER PRIMARY KEY,
    model_id   TEXT NOT NULL REFERENCES models (id),
    version_id INTEGER NOT NULL REFERENCES model_versions (id),
    run_at     TEXT NOT NULL,
    passed     INTEGER NOT NULL CHECK (passed >= 0),
    total      INTEGER NOT NULL CHECK (total >= passed)
) STRICT;
CREATE INDEX test_runs_by_model ON test_runs (model_id, id);
CREATE INDEX test_runs_by_version ON test_runs (version_id, id);

CREATE TABLE test_checks (
    run_id     INTEGER NOT NULL REFERENCES test_runs (id),
    position   INTEGER NOT NULL,
    metric     TEXT NOT NULL,
    comparator TEXT NOT NULL CHECK (comparator IN ('>=', '<=')),
    observed   REAL NOT NULL,
    threshold  REAL NOT NULL,
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    PRIMARY KEY (run_id, position)
) STRICT;

CREATE TABLE ab_tests (
    id            TEXT PRIMARY KEY,
    model_a       TEXT NOT NULL REFERENCES models (id),
    version_a_id  INTEGER NOT NULL REFERENCES model_versions (id),
    model_b       TEXT NOT NULL REFERENCES models (id),
    version_b_id  INTEGER NOT NULL REFERENCES model_versions (id),
    traffic_split INTEGER NOT NULL CHECK (traffic_split BETWEEN 1 AND 99),
    status        TEXT NOT NULL CHECK (status IN ('running', 'stopped')),
    started_at    TEXT NOT NULL,
    stopped_at    TEXT,
    CHECK (model_a <> model_b)
) STRICT;
CREATE INDEX ab_tests_by_status ON ab_tests (status);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    model_id     TEXT NOT NULL REFERENCES models (id),
    action       TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    from_version TEXT,
    to_version   TEXT,
    detail       TEXT
) STRICT;
CREATE INDEX events_by_model ON events (model_id, id);
