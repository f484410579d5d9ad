-- Schema 7: metric history. A version's metrics are fixed once registered, but *when* they were recorded
-- (registration, each test run, an import) is history the details view charts. One row per metric and
-- recording; src/metrics.rs is the only writer.

CREATE TABLE metric_points (
    id          INTEGER PRIMARY KEY,
    model_id    TEXT NOT NULL REFERENCES models (id),
    version_id  INTEGER NOT NULL REFERENCES model_versions (id),
    -- The keys of checks.rs::metric_key, plus throughput (recorded, not checked).
    metric      TEXT NOT NULL
                CHECK (metric IN ('accuracy', 'latency', 'throughput', 'uptime', 'aiConfidence', 'errorRate')),
    value       REAL NOT NULL,
    recorded_at TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('registration', 'test_run', 'import', 'backfill')),
    -- The run that recorded the point; a test run always has one, nothing else does.
    test_run_id INTEGER REFERENCES test_runs (id),
    CHECK ((source = 'test_run') = (test_run_id IS NOT NULL))
) STRICT;

-- "Every point of a model, by time": the history query walks this backwards from the newest (the rowid at
-- the end of each entry breaks ties in insertion order).
CREATE INDEX metric_points_by_model ON metric_points (model_id, recorded_at);
-- "The latest value of each metric of a version": one lookup per version and metric.
CREATE INDEX metric_points_by_version ON metric_points (version_id, metric, recorded_at);

-- History, like the audit log, is appended to and never rewritten.
CREATE TRIGGER metric_points_immutable BEFORE UPDATE ON metric_points
BEGIN SELECT RAISE(ABORT, 'metric history is append-only'); END;
CREATE TRIGGER metric_points_kept BEFORE DELETE ON metric_points
BEGIN SELECT RAISE(ABORT, 'metric history is append-only'); END;

-- Registries from before this schema get one point per metric per version, at the version's registration,
-- so their history does not start empty. Test runs before now are not replayed: they checked the same
-- (immutable) version values, so they would add points without adding information.
-- VALUES names its columns column1 (order) and column2 (metric key).
INSERT INTO metric_points (model_id, version_id, metric, value, recorded_at, source)
SELECT v.model_id, v.id, k.column2,
       CASE k.column2
           WHEN 'accuracy'     THEN v.accuracy
           WHEN 'latency'      THEN v.latency_ms
           WHEN 'throughput'   THEN v.throughput_rps
           WHEN 'uptime'       THEN v.uptime_pct
           WHEN 'aiConfidence' THEN v.ai_confidence
           WHEN 'errorRate'    THEN v.error_rate
       END,
       v.created_at, 'backfill'
FROM model_versions v
CROSS JOIN (VALUES (1, 'accuracy'), (2, 'latency'), (3, 'throughput'), (4, 'uptime'), (5, 'aiConfidence'),
                   (6, 'errorRate')) AS k
ORDER BY v.id, k.column1;
