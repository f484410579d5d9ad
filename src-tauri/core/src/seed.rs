//! The four demo models of the app this one replaces (model-1 … model-4, with the seed's names, versions and
//! statuses). model-1's current metrics are the seed's own; every other number is illustrative. All of it is
//! flagged `is_demo`, and the UI labels it "Demo".

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Transaction};

use crate::error::Result;
use crate::metrics::{record_version_metrics, Recorded};
use crate::registry::Registry;
use crate::rows::{insert_event, NewEvent};
use crate::types::{ClearDemoResult, EventAction, Status};

struct DemoVersion {
    version: &'static str,
    accuracy: f64,
    latency_ms: f64,
    throughput_rps: f64,
    uptime_pct: f64,
    ai_confidence: f64,
    error_rate: f64,
    size_bytes: i64,
    age_days: i64,
}

struct DemoModel {
    id: &'static str,
    name: &'static str,
    framework: &'static str,
    status: Status,
    deployed_days_ago: Option<i64>,
    /// Oldest first; the last one is current.
    versions: &'static [DemoVersion],
}

const GB: i64 = 1_000_000_000;
const MB: i64 = 1_000_000;

const DEMO: &[DemoModel] = &[
    DemoModel {
        id: "model-1",
        name: "TGNN - Attack Surface Model",
        framework: "MindSpore",
        status: Status::Production,
        deployed_days_ago: Some(3),
        versions: &[
            DemoVersion {
                version: "2.0.9",
                accuracy: 0.93,
                latency_ms: 48.0,
                throughput_rps: 1420.0,
                uptime_pct: 99.81,
                ai_confidence: 0.91,
                error_rate: 0.0015,
                size_bytes: 2_400 * MB,
                age_days: 41,
            },
            DemoVersion {
                version: "2.1.0",
                accuracy: 0.94,
                latency_ms: 45.0,
                throughput_rps: 1500.0,
                uptime_pct: 99.85,
                ai_confidence: 0.92,
                error_rate: 0.001,
                size_bytes: 2_500 * MB,
                age_days: 9,
            },
        ],
    },
    DemoModel {
        id: "model-2",
        name: "Graph Neural Network - Threat Detection",
        framework: "PyTorch",
        status: Status::Staging,
        deployed_days_ago: Some(1),
        versions: &[
            DemoVersion {
                version: "1.8.4",
                accuracy: 0.90,
                latency_ms: 64.0,
                throughput_rps: 960.0,
                uptime_pct: 99.62,
                ai_confidence: 0.87,
                error_rate: 0.0042,
                size_bytes: 1_150 * MB,
                age_days: 30,
            },
            DemoVersion {
                version: "1.8.5",
                accuracy: 0.91,
                latency_ms: 58.0,
                throughput_rps: 1040.0,
                uptime_pct: 99.71,
                ai_confidence: 0.89,
                error_rate: 0.0031,
                size_bytes: GB + 200 * MB,
                age_days: 2,
            },
        ],
    },
    DemoModel {
        id: "model-3",
        name: "Anomaly Detection - Behavioral",
        framework: "TensorFlow",
        status: Status::Development,
        deployed_days_ago: None,
        versions: &[DemoVersion {
            version: "3.0.0",
            accuracy: 0.87,
            latency_ms: 120.0,
            throughput_rps: 640.0,
            uptime_pct: 99.6,
            ai_confidence: 0.84,
            error_rate: 0.008,
            size_bytes: 850 * MB,
            age_days: 1,
        }],
    },
    DemoModel {
        id: "model-4",
        name: "Ensemble - Multi-Model Predictor",
        framework: "XGBoost",
        status: Status::Production,
        deployed_days_ago: Some(12),
        versions: &[
            DemoVersion {
                version: "1.5.1",
                accuracy: 0.95,
                latency_ms: 34.0,
                throughput_rps: 2100.0,
                uptime_pct: 99.9,
                ai_confidence: 0.93,
                error_rate: 0.0008,
                size_bytes: 480 * MB,
                age_days: 60,
            },
            DemoVersion {
                version: "1.5.2",
                accuracy: 0.96,
                latency_ms: 32.0,
                throughput_rps: 2250.0,
                uptime_pct: 99.93,
                ai_confidence: 0.94,
                error_rate: 0.0006,
                size_bytes: 512 * MB,
                age_days: 14,
            },
        ],
    },
];

const SEEDED_KEY: &str = "demo_seeded_at";
const DEMO_NOTE: &str = "Demo data seeded on first start; metrics are illustrative";
const SEED_ACTOR: &str = "modelops (demo data)";

/// Seeds the demo models once per registry file. The marker in `meta` means a registry the user emptied
/// later is not re-seeded.
pub(crate) fn seed_if_new(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<bool> {
    let seeded: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
        [SEEDED_KEY],
        |r| r.get(0),
    )?;
    if seeded {
        return Ok(false);
    }
    // Events are appended in time order once every model exists: the audit log is a chain in that order.
    struct Pending {
        at: DateTime<Utc>,
        model_id: &'static str,
        action: EventAction,
        from_status: Option<Status>,
        to_status: Option<Status>,
        from_version: Option<&'static str>,
        to_version: &'static str,
    }
    let mut events = Vec::new();
    for m in DEMO {
        let created = now - Duration::days(m.versions[0].age_days);
        let deployed = m.deployed_days_ago.map(|d| now - Duration::days(d));
        tx.execute(
            "INSERT INTO models (id, name, framework, status, deployed_at, created_at, is_demo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
            params![
                m.id,
                m.name,
                m.framework,
                m.status.as_str(),
                deployed,
                created
            ],
        )?;
        let mut current = 0;
        let mut previous_deployed: Option<&'static str> = None;
        for (seq, v) in m.versions.iter().enumerate() {
            let at = now - Duration::days(v.age_days);
            tx.execute(
                "INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps,
                     uptime_pct, ai_confidence, error_rate, size_bytes, is_demo, created_at, version_key,
                     framework)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13)",
                params![
                    m.id,
                    v.version,
                    seq as i64 + 1,
                    v.accuracy,
                    v.latency_ms,
                    v.throughput_rps,
                    v.uptime_pct,
                    v.ai_confidence,
                    v.error_rate,
                    v.size_bytes,
                    at,
                    crate::version::sort_key(v.version),
                    m.framework
                ],
            )?;
            current = tx.last_insert_rowid();
            // The demo's history starts at each version's registration, like a registry that used the app.
            record_version_metrics(tx, current, Recorded::Registration, at)?;
            events.push(Pending {
                at,
                model_id: m.id,
                action: EventAction::Registered,
                from_status: None,
                to_status: Some(Status::Development),
                from_version: None,
                to_version: v.version,
            });
            // Every demo version of a deployed model went through its environment in turn, so the
            // deployment history (and rollback) has something to show.
            if let Some(last_deploy) = deployed {
                let is_last = seq + 1 == m.versions.len();
                let when = if is_last {
                    last_deploy
                } else {
                    at + Duration::days(1)
                };
                let (action, from) = match m.status {
                    Status::Staging => (EventAction::Promoted, Status::Development),
                    _ => (EventAction::Deployed, Status::Staging),
                };
                events.push(Pending {
                    at: when,
                    model_id: m.id,
                    action,
                    from_status: Some(from),
                    to_status: Some(m.status),
                    from_version: previous_deployed,
                    to_version: v.version,
                });
                previous_deployed = Some(v.version);
            }
        }
        tx.execute(
            "UPDATE models SET current_version_id = ?1 WHERE id = ?2",
            params![current, m.id],
        )?;
    }
    events.sort_by_key(|e| e.at);
    for e in events {
        insert_event(
            tx,
            SEED_ACTOR,
            &NewEvent {
                from_status: e.from_status,
                to_status: e.to_status,
                from_version: e.from_version,
                to_version: Some(e.to_version),
                detail: Some(DEMO_NOTE),
                ..NewEvent::new(e.at, e.model_id, e.action)
            },
        )?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        params![SEEDED_KEY, now.to_rfc3339()],
    )?;
    Ok(true)
}

/// The demo models, as one set: a model is demo data while every version of it is (migration 9 clears the
/// flag when the user registers a version on it).
const DEMO_IDS: &str = "SELECT id FROM models WHERE is_demo = 1";

impl Registry {
    /// Removes the demo models and everything that belongs only to them: versions, metric history, test
    /// runs, quality-gate suites, deployments, and A/B tests with a demo model on either side. The user's
    /// models and versions are never touched.
    ///
    /// The audit log keeps the removed models' events (it is append-only and hash-chained) and gains one
    /// event saying what was removed. The seed marker in `meta` stays, so the demo does not come back when
    /// the file is reopened. With no demo data, nothing is written and every count is zero.
    pub fn clear_demo_data(&self) -> Result<ClearDemoResult> {
        self.write(|tx| {
            let models: u32 =
                tx.query_row(&format!("SELECT count(*) FROM ({DEMO_IDS})"), [], |r| {
                    r.get(0)
                })?;
            if models == 0 {
                return Ok(ClearDemoResult::default());
            }
            let count = |sql: String| -> Result<u32> {
                let n = tx.execute(&sql, [])?;
                Ok(u32::try_from(n).unwrap_or(u32::MAX))
            };
            // Children before parents: foreign keys are checked at each statement.
            let tests = format!("SELECT id FROM ab_tests WHERE model_a IN ({DEMO_IDS}) OR model_b IN ({DEMO_IDS})");
            count(format!("DELETE FROM ab_results WHERE test_id IN ({tests})"))?;
            let ab_tests_removed = count(format!(
                "DELETE FROM ab_tests WHERE model_a IN ({DEMO_IDS}) OR model_b IN ({DEMO_IDS})"
            ))?;
            count(format!("DELETE FROM metric_points WHERE model_id IN ({DEMO_IDS})"))?;
            count(format!(
                "DELETE FROM test_checks WHERE run_id IN (SELECT id FROM test_runs WHERE model_id IN ({DEMO_IDS}))"
            ))?;
            let test_runs_removed =
                count(format!("DELETE FROM test_runs WHERE model_id IN ({DEMO_IDS})"))?;
            count(format!("DELETE FROM suite_checks WHERE model_id IN ({DEMO_IDS})"))?;
            count(format!("DELETE FROM deployments WHERE model_id IN ({DEMO_IDS})"))?;
            // Models and versions reference each other; unpointing the current version breaks the cycle.
            count("UPDATE models SET current_version_id = NULL WHERE is_demo = 1".to_owned())?;
            let versions_removed =
                count(format!("DELETE FROM model_versions WHERE model_id IN ({DEMO_IDS})"))?;
            let models_removed = count("DELETE FROM models WHERE is_demo = 1".to_owned())?;
            let plural = |n: u32, one: &str, many: &str| {
                format!("{n} {}", if n == 1 { one } else { many })
            };
            let detail = format!(
                "Removed {} seeded on first start, with {}, {} and {}",
                plural(models_removed, "demo model", "demo models"),
                plural(versions_removed, "version", "versions"),
                plural(test_runs_removed, "test run", "test runs"),
                plural(ab_tests_removed, "A/B test", "A/B tests"),
            );
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    detail: Some(&detail),
                    ..NewEvent::new(Utc::now(), "", EventAction::DemoDataCleared)
                },
            )?;
            Ok(ClearDemoResult {
                models_removed,
                versions_removed,
                test_runs_removed,
                ab_tests_removed,
            })
        })
    }
}
