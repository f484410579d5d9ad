//! `modelops-crash-writer`: drives a registry file through thousands of lifecycle actions and acknowledges
//! each one on stdout only after the core returned Ok, so a harness can kill it at any moment and check that
//! every acknowledged action survived (tools/tests/crash.rs, scripts/crash-test.sh, RELIABILITY.md).
//!
//!     modelops-crash-writer --db /tmp/r/registry.sqlite3 --actor w1 --seed 1 [--actions 500] [--expect]
//!
//! One JSON line per action, flushed before the next one starts:
//!   {"kind":"ack","seq":7,"model":"model-2","action":"promote","status":"staging","version":"1.8.5",
//!    "sawStatus":"development","sawVersion":"1.8.5"}
//!   {"kind":"refused","seq":8,"model":"model-2","action":"deploy_production","code":"CONFLICT","message":"…"}
//! and {"kind":"fatal",...} (exit 1) when the registry cannot be opened or read.
//!
//! Actions are chosen among those legal in the state just read, so nearly all succeed when the writer is
//! alone. With `--expect` every action carries that state as an `Expected`: run several writers on one file
//! and a decision made on stale state comes back as CONFLICT instead of being applied.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use modelops_core::types::*;
use modelops_core::{Registry, RegistryError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "modelops-crash-writer",
    about = "Run lifecycle actions on a registry, acknowledging each on stdout"
)]
struct Args {
    /// The registry file (created if absent).
    #[arg(long)]
    db: PathBuf,
    /// Recorded as the actor of this writer's events, so its actions can be told apart in the audit log.
    #[arg(long)]
    actor: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many actions before exiting (the crash harness kills it long before).
    #[arg(long, default_value_t = 1_000_000)]
    actions: u64,
    /// Send the state each action was decided on as an expectation (optimistic concurrency).
    #[arg(long)]
    expect: bool,
    /// Register a new model whenever fewer than this many are not archived.
    #[arg(long, default_value_t = 3)]
    min_active: usize,
    /// Chance, in percent, that an action is an archive.
    #[arg(long, default_value_t = 2)]
    archive_percent: u32,
    /// Pause between reading a model and acting on it, like a user looking at the screen: widens the window
    /// in which another writer changes the model first.
    #[arg(long, default_value_t = 0)]
    think_ms: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            emit(&json!({"kind": "fatal", "code": e.code(), "message": e.to_string()}));
            ExitCode::FAILURE
        }
    }
}

/// Writes one line and flushes it before the next action starts: a line on stdout is the acknowledgement.
fn emit(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    // A closed pipe means the harness is gone; nothing useful is left to do with the error.
    let _ = writeln!(out, "{v}");
    let _ = out.flush();
}

fn run(args: &Args) -> Result<(), RegistryError> {
    let reg = Registry::open(&args.db)?.with_actor(args.actor.clone());
    let mut rng = StdRng::seed_from_u64(args.seed);
    for seq in 1..=args.actions {
        let models = reg.list_models()?.models;
        let active: Vec<&Model> = models
            .iter()
            .filter(|m| m.status != Status::Archived)
            .collect();
        if active.len() < args.min_active {
            let name = format!("{} model {seq}-{:08x}", args.actor, rng.random::<u32>());
            let req = RegisterModelRequest {
                name,
                framework: "PyTorch".into(),
                version: "1.0.0".into(),
                metrics: metrics(&mut rng),
                size_bytes: Some(rng.random_range(1_000..1_000_000_000)),
                artifact_path: None,
                notes: None,
                tags: Vec::new(),
            };
            let (id, status) = ("(new)", Status::Development);
            report(
                seq,
                id,
                "register_model",
                &Expected::new(status, ""),
                reg.register_model(&req).map(|r| r.model),
            );
            continue;
        }
        let m = active[rng.random_range(0..active.len())];
        let saw = Expected::of(m);
        let expected = args.expect.then_some(&saw);
        let action = choose(&mut rng, m, args.archive_percent);
        if args.think_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(args.think_ms));
        }
        let id = m.id.as_str();
        let result: Result<Model, RegistryError> = match action {
            "promote" => match expected {
                Some(e) => reg.promote_expecting(id, e),
                None => reg.promote(id),
            }
            .map(|r| r.model),
            "deploy_staging" | "deploy_production" => {
                let target = if action == "deploy_staging" {
                    DeployTarget::Staging
                } else {
                    DeployTarget::Production
                };
                match expected {
                    Some(e) => reg.deploy_expecting(id, target, e),
                    None => reg.deploy(id, target),
                }
                .map(|r| r.model)
            }
            "archive" => match expected {
                Some(e) => reg.archive_expecting(id, e),
                None => reg.archive(id),
            }
            .map(|r| r.model),
            "rollback" => {
                let req = RollbackRequest {
                    model_id: id.to_owned(),
                    to_version: None,
                    reason: Some(format!("{} #{seq}", args.actor)),
                    expected: None,
                };
                match expected {
                    Some(e) => reg.rollback_expecting(&req, e),
                    None => reg.rollback_with(&req),
                }
                .map(|r| r.model)
            }
            "run_tests" => match expected {
                Some(e) => reg.run_tests_expecting(id, e),
                None => reg.run_tests(id),
            }
            // A test run changes no state; the model is as it was seen (checked inside the transaction
            // when an expectation is sent).
            .map(|_| Model {
                last_test: None,
                ..m.clone()
            }),
            _ => {
                let versions = reg.model_details(id)?.versions;
                let req = RegisterVersionRequest {
                    model_id: id.to_owned(),
                    version: next_version(versions.iter().map(|v| v.version.as_str())),
                    framework: None,
                    metrics: metrics(&mut rng),
                    size_bytes: Some(rng.random_range(1_000..1_000_000_000)),
                    artifact_path: None,
                    notes: None,
                    tags: Vec::new(),
                };
                match expected {
                    Some(e) => reg.register_version_expecting(&req, e),
                    None => reg.register_version(&req),
                }
                .map(|r| r.model)
            }
        };
        report(seq, id, action, &saw, result);
    }
    Ok(())
}

fn report(seq: u64, id: &str, action: &str, saw: &Expected, result: Result<Model, RegistryError>) {
    match result {
        Ok(m) => emit(&json!({
            "kind": "ack", "seq": seq, "model": m.id, "action": action,
            "status": m.status, "version": m.version,
            "sawStatus": saw.status, "sawVersion": saw.version,
        })),
        Err(e) => emit(&json!({
            "kind": "refused", "seq": seq, "model": id, "action": action,
            "code": e.code(), "message": e.to_string(),
        })),
    }
}

/// An action the lifecycle allows from `m`'s state (rollback only when there is a version to go back to; into
/// production only when the quality gate is open: the current version's latest run passed every check, which
/// no other writer can change, since a version's metrics are fixed and the suites are not edited here).
fn choose(rng: &mut StdRng, m: &Model, archive_percent: u32) -> &'static str {
    if rng.random_range(0..100) < archive_percent {
        return "archive";
    }
    let mut legal: Vec<&'static str> = match m.status {
        Status::Development => vec!["promote", "deploy_staging"],
        Status::Staging
            if m.last_test
                .as_ref()
                .is_some_and(|t| t.total > 0 && t.passed == t.total) =>
        {
            vec!["deploy_production"]
        }
        _ => vec![],
    };
    legal.extend(["run_tests", "register_version"]);
    if m.previous_version.is_some() {
        legal.push("rollback");
    }
    legal[rng.random_range(0..legal.len())]
}

/// A version greater than every one given: the latest's patch plus one.
fn next_version<'a>(versions: impl Iterator<Item = &'a str>) -> String {
    let latest = versions
        .max_by_key(|v| modelops_core::version::sort_key(v))
        .unwrap_or("0.0.0");
    let core = latest.split(['-', '+']).next().unwrap_or(latest);
    let mut parts = core.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    format!("{major}.{minor}.{}", patch + 1)
}

fn metrics(rng: &mut StdRng) -> Metrics {
    Metrics {
        accuracy: rng.random_range(0.80..0.99),
        latency: rng.random_range(10.0..200.0),
        throughput: rng.random_range(100.0..2000.0),
        uptime: rng.random_range(99.0..100.0),
        ai_confidence: rng.random_range(0.70..0.99),
        error_rate: rng.random_range(0.0..0.05),
    }
}
