//! The take-in half of a first pull (issue 16), without a server: N registered models with one version
//! each and all six metrics, as `modelops sync` hands them to `Registry::apply_pull`, taken into an empty
//! registry file (WAL, durable). The HTTP half is measured against a real server by scripts/bench-sync.sh.
//!
//!     take_in_bench DIR N [BATCH]   BATCH models per call (default: all N in one call)
//!
//! Prints one line `key=value ...`; run it a few times, the first run after a build is colder.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use chrono::Utc;
use modelops_core::remote::{RemoteModel, RemoteSettings, RemoteVersion};
use modelops_core::types::Metrics;
use modelops_core::Registry;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = match args.as_slice() {
        [dir, n] => take_in(Path::new(dir), n, None),
        [dir, n, batch] => take_in(Path::new(dir), n, Some(batch)),
        _ => Err("usage: take_in_bench DIR N [BATCH]".into()),
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("take_in_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

type Run = Result<(), Box<dyn std::error::Error>>;

fn take_in(dir: &Path, n: &str, batch: Option<&String>) -> Run {
    let n: usize = n.parse()?;
    let batch: usize = batch.map(|b| b.parse()).transpose()?.unwrap_or(n).max(1);
    std::fs::create_dir_all(dir)?;
    let path = dir.join("registry.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let reg = Registry::open(&path)?;
    reg.clear_demo_data()?;
    let url = "http://127.0.0.1:5000".to_owned();
    let settings = reg.set_remote_settings(&RemoteSettings {
        url,
        auth: modelops_core::remote::AuthKind::None,
        username: None,
        secret_env: None,
        production_alias: "production".into(),
        staging_alias: "staging".into(),
    })?;
    let now = Utc::now();
    let models: Vec<RemoteModel> = (0..n)
        .map(|i| RemoteModel {
            name: format!("bench-model-{i:05}"),
            versions: vec![RemoteVersion {
                mlflow_version: "1".into(),
                tagged_version: None,
                key: None,
                run_id: Some(format!("{i:032x}")),
                metrics: Some(Metrics {
                    accuracy: 0.93,
                    latency: 31.0,
                    throughput: 250.0,
                    uptime: 99.7,
                    ai_confidence: 0.88,
                    error_rate: 0.004,
                }),
                created_at: now,
                source: Some(format!("file:///artifacts/{i}/model")),
                framework: None,
                size_bytes: None,
            }],
            // A model in four has its production alias set, as a team's registry would.
            production: (i % 4 == 0).then(|| "1".into()),
            staging: None,
            archived: false,
            origin: None,
            description: None,
        })
        .collect();
    let started = Instant::now();
    let mut new_models = 0;
    for chunk in models.chunks(batch) {
        new_models += reg.apply_pull(&settings, chunk, now)?.new_models;
    }
    let took = started.elapsed();
    println!(
        "models={n} batch={batch} new_models={new_models} take_in_ms={} per_model_us={:.0}",
        took.as_millis(),
        took.as_secs_f64() * 1e6 / n.max(1) as f64
    );
    Ok(())
}
