-- Schema 5: A/B tests end in a verdict. A test is running, then concluded (with the verdict of its imported
-- results) or aborted (with a reason). STRICT tables can't change a CHECK in place, so ab_tests is rebuilt.
-- Nothing references ab_tests, so it can be dropped and renamed with foreign keys on.

CREATE TABLE ab_tests_v4 (
    id                    TEXT PRIMARY KEY,
    model_a               TEXT NOT NULL REFERENCES models (id),
    version_a_id          INTEGER NOT NULL REFERENCES model_versions (id),
    model_b               TEXT NOT NULL REFERENCES models (id),
    version_b_id          INTEGER NOT NULL REFERENCES model_versions (id),
    traffic_split         INTEGER NOT NULL CHECK (traffic_split BETWEEN 1 AND 99),
    -- How the test is judged; the ranges are stats::analyze's.
    alpha                 REAL NOT NULL DEFAULT 0.05 CHECK (alpha > 0 AND alpha <= 0.5),
    min_detectable_effect REAL NOT NULL DEFAULT 0.01 CHECK (min_detectable_effect > 0 AND min_detectable_effect < 1),
    power                 REAL NOT NULL DEFAULT 0.8 CHECK (power > 0 AND power < 1),
    status                TEXT NOT NULL CHECK (status IN ('running', 'concluded', 'aborted')),
    started_at            TEXT NOT NULL,
    -- When it was concluded or aborted.
    ended_at              TEXT,
    verdict               TEXT CHECK (verdict IN ('a_wins', 'b_wins', 'inconclusive')),
    -- The analysis in words at the time of concluding, kept as it was shown.
    conclusion            TEXT,
    abort_reason          TEXT,
    CHECK (model_a <> model_b),
    CHECK ((status = 'running') = (ended_at IS NULL)),
    CHECK ((status = 'concluded') = (verdict IS NOT NULL)),
    CHECK ((status = 'aborted') = (abort_reason IS NOT NULL))
) STRICT;

-- A stopped test had no verdict: it becomes aborted, and the reason says so.
INSERT INTO ab_tests_v4 (id, model_a, version_a_id, model_b, version_b_id, traffic_split, status, started_at,
                         ended_at, abort_reason)
SELECT id, model_a, version_a_id, model_b, version_b_id, traffic_split,
       CASE status WHEN 'stopped' THEN 'aborted' ELSE status END,
       started_at,
       CASE status WHEN 'stopped' THEN coalesce(stopped_at, started_at) END,
       CASE status WHEN 'stopped' THEN 'Stopped before ModelOps recorded A/B verdicts; no results were recorded.' END
FROM ab_tests ORDER BY rowid;

DROP TABLE ab_tests;
ALTER TABLE ab_tests_v4 RENAME TO ab_tests;
CREATE INDEX ab_tests_by_status ON ab_tests (status);
CREATE INDEX ab_tests_by_model_a ON ab_tests (model_a, status);
CREATE INDEX ab_tests_by_model_b ON ab_tests (model_b, status);

-- At most one running test per model. The core checks first and says which test is in the way; these
-- triggers keep the rule when another writer (an old build, a script) does not. A model can be on either
-- side, so a unique index cannot express it. Rows already violating it in an old file are left alone.
CREATE TRIGGER ab_tests_one_running_insert BEFORE INSERT ON ab_tests
WHEN NEW.status = 'running' AND EXISTS (
    SELECT 1 FROM ab_tests t WHERE t.status = 'running'
       AND (t.model_a IN (NEW.model_a, NEW.model_b) OR t.model_b IN (NEW.model_a, NEW.model_b)))
BEGIN SELECT RAISE(ABORT, 'a model can be in at most one running A/B test'); END;

CREATE TRIGGER ab_tests_one_running_update BEFORE UPDATE OF status, model_a, model_b ON ab_tests
WHEN NEW.status = 'running' AND EXISTS (
    SELECT 1 FROM ab_tests t WHERE t.status = 'running' AND t.id <> NEW.id
       AND (t.model_a IN (NEW.model_a, NEW.model_b) OR t.model_b IN (NEW.model_a, NEW.model_b)))
BEGIN SELECT RAISE(ABORT, 'a model can be in at most one running A/B test'); END;

-- A concluded or aborted test is history: it does not run again or change its outcome.
CREATE TRIGGER ab_tests_final BEFORE UPDATE ON ab_tests
WHEN OLD.status <> 'running'
BEGIN SELECT RAISE(ABORT, 'a concluded or aborted A/B test can no longer change'); END;

-- The counts imported for each variant. Re-importing while the test runs replaces both rows; after it ends
-- they are what the verdict was computed from, so they are frozen.
CREATE TABLE ab_results (
    test_id         TEXT NOT NULL REFERENCES ab_tests (id),
    variant         TEXT NOT NULL CHECK (variant IN ('A', 'B')),
    assignments     INTEGER NOT NULL CHECK (assignments >= 0),
    requests        INTEGER NOT NULL CHECK (requests >= 0),
    successes       INTEGER NOT NULL CHECK (successes >= 0 AND successes <= requests),
    -- A JSON array of milliseconds, or NULL when the file had none.
    latency_ms_json TEXT,
    -- The file said its numbers are simulated; the panel labels them so.
    simulated       INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
    source_file     TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    PRIMARY KEY (test_id, variant)
) STRICT;

CREATE TRIGGER ab_results_frozen_insert BEFORE INSERT ON ab_results
WHEN (SELECT status FROM ab_tests WHERE id = NEW.test_id) <> 'running'
BEGIN SELECT RAISE(ABORT, 'results of a concluded or aborted A/B test are frozen'); END;
CREATE TRIGGER ab_results_frozen_update BEFORE UPDATE ON ab_results
WHEN (SELECT status FROM ab_tests WHERE id = OLD.test_id) <> 'running'
BEGIN SELECT RAISE(ABORT, 'results of a concluded or aborted A/B test are frozen'); END;
CREATE TRIGGER ab_results_frozen_delete BEFORE DELETE ON ab_results
WHEN (SELECT status FROM ab_tests WHERE id = OLD.test_id) <> 'running'
BEGIN SELECT RAISE(ABORT, 'results of a concluded or aborted A/B test are frozen'); END;
