//! A generator of realistic, synthetic registries for benchmarks and manual testing: N models with several
//! versions each, lifecycle events, test runs with their checks, and a few A/B tests. Deterministic for a
//! given seed. Everything it writes is flagged `is_demo` (illustrative, not measured) and the file's `meta`
//! records that it was generated. This is a tool, not demo data: the app never runs it.
//!
//! `modelops-gen` (src-tauri/tools) is its command line; benches and tests call [`generate_file`] or
//! [`Registry::open_generated_in_memory`].

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Transaction};

use crate::checks::{self, Observed};
use crate::error::{RegistryError, Result};
use crate::registry::Registry;
use crate::rows::{insert_event, NewEvent};
use crate::types::{EventAction, Status, Thresholds};

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenerateStats {
    pub models: u64,
    pub versions: u64,
    pub events: u64,
    pub test_runs: u64,
    pub ab_tests: u64,
}

const PURPOSES: &[&str] = &[
    "Fraud Detection",
    "Churn Prediction",
    "Demand Forecast",
    "Anomaly Detection",
    "Image Classification",
    "Sentiment Analysis",
    "Recommendation Ranking",
    "Speech Recognition",
    "Object Detection",
    "Credit Scoring",
    "Threat Detection",
    "Text Summarization",
    "Entity Extraction",
    "Price Optimization",
    "Query Intent",
    "Attack Surface",
];

/// Architecture and the framework it usually ships in.
const ARCHS: &[(&str, &str)] = &[
    ("XGBoost", "XGBoost"),
    ("LightGBM", "LightGBM"),
    ("Random Forest", "Scikit-learn"),
    ("Logistic Regression", "Scikit-learn"),
    ("ResNet-50", "PyTorch"),
    ("ViT-B/16", "PyTorch"),
    ("BERT-base", "PyTorch"),
    ("T5-small", "JAX"),
    ("LSTM", "TensorFlow"),
    ("Transformer", "TensorFlow"),
    ("GNN", "MindSpore"),
    ("Wav2Vec2", "PyTorch"),
    ("YOLOv8", "ONNX"),
    ("CNN", "Keras"),
];

const TEAMS: &[&str] = &[
    "Payments",
    "Retail",
    "Search",
    "Security",
    "Mobile",
    "Ads",
    "Risk",
    "Support",
    "Logistics",
    "Media",
];

/// Creates `path` (which must not exist) as a registry of `models` generated models.
pub fn generate_file(path: &Path, models: u32, seed: u64) -> Result<GenerateStats> {
    if path.exists() {
        return Err(RegistryError::InvalidInput(format!(
            "{} exists; the generator only writes new files.",
            path.display()
        )));
    }
    let mut conn = crate::db::open_file(path)?;
    // One transaction, a rollback journal (a fresh file's journal stays tiny, where WAL would hold a second
    // copy of everything), no fsync until the end and a large page cache for the index inserts. A generated
    // file that fails half-way is thrown away.
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;",
    )?;
    let tx = conn.transaction()?;
    let stats = populate(&tx, models, seed, Utc::now())?;
    tx.commit()?;
    conn.execute_batch("ANALYZE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
    Ok(stats)
}

impl Registry {
    /// An in-memory registry of `models` generated models, for tests and benchmarks.
    pub fn open_generated_in_memory(models: u32, seed: u64) -> Result<Registry> {
        let reg = Registry::open_in_memory_empty()?;
        reg.write(|tx| populate(tx, models, seed, Utc::now()))?;
        Ok(reg)
    }
}

/// Writes the generated models into an empty registry inside `tx`, and marks the registry as seeded so the
/// app does not add the demo models to it.
pub fn populate(
    tx: &Transaction<'_>,
    models: u32,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<GenerateStats> {
    let existing: i64 = tx.query_row("SELECT count(*) FROM models", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(RegistryError::InvalidInput(
            "The generator fills empty registries only.".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut stats = GenerateStats::default();
    let thresholds = Thresholds::default();
    let mut insert_model = tx.prepare(
        "INSERT INTO models (id, name, framework, status, deployed_at, last_tested_at, created_at, is_demo,
             min_accuracy, max_latency_ms, max_error_rate, min_uptime_pct, min_ai_confidence)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, 1, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut insert_version = tx.prepare(
        "INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct,
             ai_confidence, error_rate, size_bytes, is_demo, created_at, version_key, framework)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13)",
    )?;
    let mut set_current =
        tx.prepare("UPDATE models SET current_version_id = ?1, last_tested_at = ?2 WHERE id = ?3")?;
    let mut insert_run = tx.prepare(
        "INSERT INTO test_runs (model_id, version_id, run_at, passed, total) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut insert_check = tx.prepare(
        "INSERT INTO test_checks (run_id, position, metric, comparator, observed, threshold, passed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;

    for i in 0..models {
        let id = format!("model-{}", i + 1);
        let purpose = PURPOSES[rng.random_range(0..PURPOSES.len())];
        let (arch, framework) = ARCHS[rng.random_range(0..ARCHS.len())];
        let team = TEAMS[rng.random_range(0..TEAMS.len())];
        let name = format!("{purpose} - {arch} ({team}) #{}", i + 1);
        let status = match rng.random_range(0..100) {
            0..35 => Status::Development,
            35..55 => Status::Staging,
            55..80 => Status::Production,
            _ => Status::Archived,
        };
        let n_versions: u32 = match rng.random_range(0..100) {
            0..20 => 1,
            20..45 => 2,
            45..70 => 3,
            70..85 => 4,
            85..95 => 5,
            _ => 6,
        };
        let created = now - Duration::minutes(rng.random_range(60 * 24 * 30..60 * 24 * 730));
        let span = (now - created).num_minutes().max(n_versions as i64 + 1);

        // A model has a quality level; its versions wander around it.
        let quality: f64 = rng.random_range(0.0..1.0);
        let base_latency: f64 = 5.0 * (80.0f64).powf(rng.random_range(0.0..1.0)); // 5–400 ms
        let size_bytes_base: f64 = 5e6 * (2000.0f64).powf(rng.random_range(0.0..1.0)); // 5 MB–10 GB

        let deployed_at = matches!(status, Status::Staging | Status::Production)
            .then(|| now - Duration::minutes(rng.random_range(10..span.max(11))));
        insert_model.execute(params![
            id,
            name,
            framework,
            status.as_str(),
            deployed_at,
            created,
            thresholds.min_accuracy,
            thresholds.max_latency,
            thresholds.max_error_rate,
            thresholds.min_uptime,
            thresholds.min_ai_confidence
        ])?;
        stats.models += 1;

        let (mut major, mut minor, mut patch) = (
            rng.random_range(0..4u64),
            rng.random_range(0..10u64),
            rng.random_range(0..10u64),
        );
        let mut version_ids = Vec::new();
        let mut observed = Vec::new();
        let mut names = Vec::new();
        for seq in 0..n_versions {
            if seq > 0 {
                match rng.random_range(0..100) {
                    0..70 => patch += 1,
                    70..95 => {
                        minor += 1;
                        patch = 0;
                    }
                    _ => {
                        major += 1;
                        minor = 0;
                        patch = 0;
                    }
                }
            }
            let version = format!("{major}.{minor}.{patch}");
            let at = created + Duration::minutes(span * seq as i64 / n_versions as i64);
            let q = (quality + rng.random_range(-0.08..0.08) + 0.02 * seq as f64).clamp(0.0, 1.0);
            let obs = Observed {
                accuracy: round(0.70 + 0.29 * q, 4),
                latency: round(base_latency * rng.random_range(0.85..1.15), 1),
                error_rate: round(0.05 * (1.0 - q).powi(2) + 0.0001, 4),
                uptime: round(97.0 + 2.99 * q.sqrt(), 2),
                ai_confidence: round(
                    (0.65 + 0.33 * q + rng.random_range(-0.03..0.03)).clamp(0.0, 1.0),
                    3,
                ),
            };
            let throughput = round(
                60_000.0 / obs.latency.max(1.0) * rng.random_range(0.7..1.3),
                0,
            );
            let size = (size_bytes_base * rng.random_range(0.95..1.1)) as i64;
            insert_version.execute(params![
                id,
                version,
                seq as i64 + 1,
                obs.accuracy,
                obs.latency,
                throughput,
                obs.uptime,
                obs.ai_confidence,
                obs.error_rate,
                size,
                at,
                crate::version::sort_key(&version),
                framework
            ])?;
            version_ids.push((tx.last_insert_rowid(), at));
            observed.push(obs);
            stats.versions += 1;
            event(
                tx,
                &mut stats,
                at,
                &id,
                EventAction::Registered,
                None,
                None,
                Some(&version),
            )?;
            names.push(version);
        }

        // Usually the newest version is current; now and then a rollback left the one before it current.
        let last = version_ids.len() - 1;
        let current = if last > 0 && status != Status::Development && rng.random_range(0..100) < 5 {
            last - 1
        } else {
            last
        };

        let mut last_tested: Option<DateTime<Utc>> = None;
        if rng.random_range(0..100) < 60 {
            for _ in 0..rng.random_range(1..=3) {
                let v = rng.random_range(0..=current);
                let (vid, vat) = version_ids[v];
                let run_at = vat + Duration::minutes(rng.random_range(1..60 * 24 * 7));
                let run_at = run_at.min(now);
                let results = checks::evaluate(&observed[v], &thresholds);
                let passed = results.iter().filter(|c| c.passed).count() as i64;
                insert_run.execute(params![id, vid, run_at, passed, results.len() as i64])?;
                let run_id = tx.last_insert_rowid();
                for (pos, c) in results.iter().enumerate() {
                    insert_check.execute(params![
                        run_id,
                        pos as i64,
                        checks::metric_key(c.metric),
                        checks::comparator_key(c.comparator),
                        c.observed,
                        c.threshold,
                        c.passed
                    ])?;
                }
                stats.test_runs += 1;
                let detail = format!("{passed}/{} checks passed", results.len());
                insert_event(
                    tx,
                    GENERATOR_ACTOR,
                    &NewEvent {
                        at: run_at,
                        model_id: &id,
                        action: EventAction::Tested,
                        from_status: None,
                        to_status: None,
                        from_version: None,
                        to_version: Some(&names[v]),
                        detail: Some(&detail),
                        reason: None,
                        before: None,
                        after: None,
                    },
                )?;
                stats.events += 1;
                last_tested = Some(last_tested.map_or(run_at, |t| t.max(run_at)));
            }
        }
        set_current.execute(params![version_ids[current].0, last_tested, id])?;

        let latest = &names[last];
        let t = deployed_at.unwrap_or(now);
        // Each version of a deployed model went through its environments in turn (oldest first), so the
        // deployment history and rollback have something to show; the newest at `deployed_at`.
        if status != Status::Development {
            for (k, name) in names.iter().enumerate() {
                let version_at = version_ids[k].1;
                let next_at = version_ids.get(k + 1).map_or(t, |v| v.1);
                let span_min = (next_at - version_at).num_minutes().max(4);
                let promoted =
                    version_at + Duration::minutes(rng.random_range(1..span_min / 2 + 2));
                let deployed = if k == last {
                    t
                } else {
                    promoted + Duration::minutes(span_min / 4 + 1)
                };
                let s = (Some(Status::Development), Some(Status::Staging));
                let promoted = if k == last && status == Status::Staging {
                    t
                } else {
                    promoted.min(t)
                };
                event(
                    tx,
                    &mut stats,
                    promoted,
                    &id,
                    EventAction::Promoted,
                    s.0,
                    s.1,
                    Some(name),
                )?;
                if status != Status::Staging {
                    let s = (Some(Status::Staging), Some(Status::Production));
                    event(
                        tx,
                        &mut stats,
                        deployed.max(promoted),
                        &id,
                        EventAction::Deployed,
                        s.0,
                        s.1,
                        Some(name),
                    )?;
                }
            }
            if status == Status::Archived {
                let s = (Some(Status::Production), Some(Status::Archived));
                event(
                    tx,
                    &mut stats,
                    now,
                    &id,
                    EventAction::Archived,
                    s.0,
                    s.1,
                    Some(latest),
                )?;
            }
        }
        if current != last {
            insert_event(
                tx,
                GENERATOR_ACTOR,
                &NewEvent {
                    at: now,
                    model_id: &id,
                    action: EventAction::RolledBack,
                    from_status: Some(status),
                    to_status: Some(status),
                    from_version: Some(latest),
                    to_version: Some(&names[current]),
                    detail: Some(GENERATED_NOTE),
                    reason: None,
                    before: None,
                    after: None,
                },
            )?;
            stats.events += 1;
        }
    }

    // A few aborted A/B tests between neighbouring active models, so the panel has history. Aborted, not
    // concluded: a generated registry has no measured results to conclude from.
    let pairs = (models / 1000).clamp(u32::from(models >= 2), 50);
    for k in 0..pairs {
        let a = format!("model-{}", 2 * k + 1);
        let b = format!("model-{}", 2 * k + 2);
        tx.execute(
            "INSERT INTO ab_tests (id, model_a, version_a_id, model_b, version_b_id, traffic_split, status,
                 started_at, ended_at, abort_reason)
             SELECT ?1, a.id, a.current_version_id, b.id, b.current_version_id, ?2, 'aborted', ?3, ?4,
                    'Generated test history (illustrative, no results).'
             FROM models a, models b WHERE a.id = ?5 AND b.id = ?6",
            params![
                format!("ab-test-{:08x}", rng.random::<u32>()),
                rng.random_range(5..=50),
                now - Duration::days(20),
                now - Duration::days(6),
                a,
                b
            ],
        )?;
        stats.ab_tests += 1;
    }

    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('demo_seeded_at', ?1), ('generated', ?2)",
        params![
            now.to_rfc3339(),
            format!(
                "{models} synthetic models by modelops-gen, seed {seed}, at {}",
                now.to_rfc3339()
            )
        ],
    )?;
    Ok(stats)
}

const GENERATED_NOTE: &str = "Generated by modelops-gen (synthetic)";
const GENERATOR_ACTOR: &str = "modelops-gen";

#[allow(clippy::too_many_arguments)]
fn event(
    tx: &Transaction<'_>,
    stats: &mut GenerateStats,
    at: DateTime<Utc>,
    model_id: &str,
    action: EventAction,
    from_status: Option<Status>,
    to_status: Option<Status>,
    version: Option<&str>,
) -> Result<()> {
    insert_event(
        tx,
        GENERATOR_ACTOR,
        &NewEvent {
            at,
            model_id,
            action,
            from_status,
            to_status,
            from_version: None,
            to_version: version,
            detail: Some(GENERATED_NOTE),
            reason: None,
            before: None,
            after: None,
        },
    )?;
    stats.events += 1;
    Ok(())
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
