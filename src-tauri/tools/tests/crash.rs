//! Crash safety and concurrent writers, proven against the real binary (`modelops-crash-writer`).
//!
//! - `acknowledged_actions_survive_sigkill`: the writer runs on one registry file and is killed with SIGKILL
//!   at a random moment, round after round on the same file. After every kill the file must pass
//!   `PRAGMA integrity_check`, its audit chain must verify, every acknowledged action must be in the audit
//!   log in order (at most one more, committed but killed before its acknowledgement), and each model must be
//!   in the state its last action left. `MODELOPS_CRASH_ROUNDS` (default 20) and `MODELOPS_CRASH_SEED` set
//!   the run; `scripts/crash-test.sh` runs the big one.
//! - `concurrent_writers_lose_nothing`: 8 writers open one new file at once and act with expectations. No
//!   busy error may reach them, every success must be in the audit log and nothing else of theirs, and the
//!   conflicts that must happen change nothing. `MODELOPS_WRITERS`, `MODELOPS_CONCURRENT_ACTIONS` scale it.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use modelops_core::types::{Event, EventAction, Status};
use modelops_core::{ErrorCode, Registry};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

const WRITER: &str = env!("CARGO_BIN_EXE_modelops-crash-writer");

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}")),
        Err(_) => default,
    }
}

#[derive(Debug)]
struct Ack {
    seq: u64,
    model: String,
    action: String,
    status: Status,
    version: String,
    saw_status: Status,
    saw_version: String,
}

#[derive(Default)]
struct Output {
    acks: Vec<Ack>,
    refused: Vec<Value>,
    fatal: Vec<Value>,
}

/// The writer's lines. Only complete lines count: a line cut off by the kill was never acknowledged.
fn parse(stdout: &[u8]) -> Output {
    let text = String::from_utf8_lossy(stdout);
    let mut complete: Vec<&str> = text.split('\n').collect();
    complete.pop(); // the text after the last newline: empty, or a line the kill cut short
    let mut out = Output::default();
    for line in complete {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("bad line {line:?}: {e}"));
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let st = |k: &str| -> Status {
            serde_json::from_value(v[k].clone()).unwrap_or(Status::Development)
        };
        match v["kind"].as_str() {
            Some("ack") => out.acks.push(Ack {
                seq: v["seq"].as_u64().unwrap_or(0),
                model: s("model"),
                action: s("action"),
                status: st("status"),
                version: s("version"),
                saw_status: st("sawStatus"),
                saw_version: s("sawVersion"),
            }),
            Some("refused") => out.refused.push(v),
            _ => out.fatal.push(v),
        }
    }
    out
}

fn event_action(action: &str) -> EventAction {
    match action {
        "promote" => EventAction::Promoted,
        "deploy_staging" | "deploy_production" => EventAction::Deployed,
        "archive" => EventAction::Archived,
        "rollback" => EventAction::RolledBack,
        "run_tests" => EventAction::Tested,
        "register_model" | "register_version" => EventAction::Registered,
        other => panic!("unknown action {other:?}"),
    }
}

/// Whether `ev` records the acknowledged action `ack`.
fn records(ev: &Event, ack: &Ack) -> bool {
    ev.model_id == ack.model
        && ev.action == event_action(&ack.action)
        && ev.to_version.as_deref() == Some(ack.version.as_str())
        && (ev.action == EventAction::Tested || ev.to_status == Some(ack.status))
}

/// The file is sound and its audit chain verifies.
fn assert_sound(reg: &Registry, when: &str) {
    assert_eq!(
        reg.integrity_check().expect("integrity_check"),
        vec!["ok".to_owned()],
        "integrity_check failed {when}"
    );
    let audit = reg.verify_audit().expect("verify_audit");
    assert!(
        audit.ok,
        "audit chain broken {when}: {:?}",
        audit.first_broken
    );
}

fn writer(db: &Path, actor: &str, seed: u64) -> Command {
    let mut cmd = Command::new(WRITER);
    cmd.arg("--db")
        .arg(db)
        .args(["--actor", actor, "--seed", &seed.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Drains the child's stdout on a thread so the writer never blocks on a full pipe.
fn drain(child: &mut Child) -> std::thread::JoinHandle<Vec<u8>> {
    let mut stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        // A read error only shortens what we saw, i.e. counts fewer acknowledgements: never a false pass.
        let _ = stdout.read_to_end(&mut buf);
        buf
    })
}

#[test]
fn acknowledged_actions_survive_sigkill() {
    let rounds = env_num("MODELOPS_CRASH_ROUNDS", 20);
    let seed = env_num("MODELOPS_CRASH_SEED", 20261127);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.sqlite3");
    // Create and seed the file first, so every event after this is the writer's.
    let mut last_event = {
        let reg = Registry::open(&db).expect("create registry");
        reg.audit_events_after(0)
            .expect("events")
            .last()
            .map_or(0, |e| e.id)
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut state: HashMap<String, (Status, String)> = HashMap::new();
    let (mut acked, mut unacked, mut lost, mut inconsistent, mut stray) = (0usize, 0, 0, 0, 0);
    let started = Instant::now();
    for round in 1..=rounds {
        let actor = format!("crash-r{round}");
        let mut child = writer(&db, &actor, rng.random())
            .spawn()
            .expect("spawn writer");
        let out = drain(&mut child);
        // From before the writer has opened the file to well into its run: kills land in open, recovery,
        // mid-transaction, mid-commit and between an action and its acknowledgement.
        std::thread::sleep(Duration::from_millis(rng.random_range(5..400)));
        child.kill().expect("SIGKILL the writer");
        child.wait().expect("reap the writer");
        let out = parse(&out.join().expect("reader thread"));
        assert!(
            out.refused.is_empty() && out.fatal.is_empty(),
            "round {round}: the lone writer was refused: {:?} {:?}",
            out.refused,
            out.fatal
        );

        let reg = Registry::open(&db).unwrap_or_else(|e| panic!("round {round}: reopen: {e}"));
        assert_sound(&reg, &format!("after the kill in round {round}"));
        let events = reg.audit_events_after(last_event).expect("events");
        for (i, ack) in out.acks.iter().enumerate() {
            match events.get(i) {
                Some(ev) if ev.actor == actor && records(ev, ack) => {}
                other => {
                    lost += 1;
                    eprintln!("round {round}: acknowledged {ack:?} but the log has {other:?}");
                }
            }
        }
        // At most one action committed after the last acknowledgement (killed before printing it).
        let tail = &events[out.acks.len().min(events.len())..];
        if tail.len() > 1 || tail.iter().any(|e| e.actor != actor) {
            stray += tail.len();
            eprintln!("round {round}: unexpected events after the acknowledged ones: {tail:?}");
        }
        unacked += tail.len();
        acked += out.acks.len();
        for ack in &out.acks {
            state.insert(ack.model.clone(), (ack.status, ack.version.clone()));
        }
        for ev in tail {
            if let (Some(st), Some(v)) = (ev.to_status, &ev.to_version) {
                state.insert(ev.model_id.clone(), (st, v.clone()));
            }
        }
        for (model, (status, version)) in &state {
            let m = reg.get_model(model).expect("acknowledged model exists");
            if (m.status, &m.version) != (*status, version) {
                inconsistent += 1;
                eprintln!(
                    "round {round}: {model} is {:?} {} but its last action left {status:?} {version}",
                    m.status, m.version
                );
            }
        }
        last_event = events.last().map_or(last_event, |e| e.id);
    }
    println!(
        "crash-safety: rounds={rounds} acknowledged={acked} committed_unacknowledged={unacked} lost={lost} \
         inconsistent_models={inconsistent} stray_events={stray} seed={seed} elapsed={:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        acked > rounds as usize,
        "too few actions to prove anything: {acked} acknowledged in {rounds} rounds"
    );
    assert_eq!(
        (lost, inconsistent, stray),
        (0, 0, 0),
        "acknowledged work was lost"
    );
}

#[test]
fn concurrent_writers_lose_nothing() {
    let writers = env_num("MODELOPS_WRITERS", 8);
    let actions = env_num("MODELOPS_CONCURRENT_ACTIONS", 40);
    let dir = tempfile::tempdir().expect("temp dir");
    // A new file: the writers also race to create, migrate and seed it.
    let db = dir.path().join("registry.sqlite3");
    let children: Vec<(String, Child)> = (1..=writers)
        .map(|w| {
            let actor = format!("writer-{w}");
            let child = writer(&db, &actor, w)
                .args([
                    "--expect",
                    "--think-ms",
                    "3",
                    "--actions",
                    &actions.to_string(),
                ])
                .spawn()
                .expect("spawn writer");
            (actor, child)
        })
        .collect();
    let mut outputs = Vec::new();
    for (actor, child) in children {
        let done = child.wait_with_output().expect("writer output");
        let stderr = String::from_utf8_lossy(&done.stderr).into_owned();
        // A fatal error is reported as the writer's last stdout line, so show both.
        let stdout = String::from_utf8_lossy(&done.stdout);
        let last = stdout.lines().last().unwrap_or_default();
        assert!(
            done.status.success(),
            "{actor} failed ({}): {stderr} last line: {last}",
            done.status
        );
        outputs.push((actor, parse(&done.stdout)));
    }

    let reg = Registry::open(&db).expect("open after the writers");
    assert_sound(&reg, "after the concurrent writers");
    let events = reg.audit_events_after(0).expect("events");
    let (mut acked, mut conflicts, mut other_refusals) = (0, 0, 0);
    for (actor, out) in &outputs {
        assert!(out.fatal.is_empty(), "{actor}: {:?}", out.fatal);
        for r in &out.refused {
            let message = r["message"].as_str().unwrap_or_default().to_lowercase();
            assert!(
                !message.contains("locked") && !message.contains("busy"),
                "{actor}: a busy error reached the caller: {r}"
            );
            let code: ErrorCode = serde_json::from_value(r["code"].clone()).expect("error code");
            match code {
                ErrorCode::Conflict => conflicts += 1,
                // A version another writer registered and then rolled back from (the state looks as seen,
                // but the version number is taken): refused by validation, as it must be.
                ErrorCode::InvalidInput => other_refusals += 1,
                _ => panic!("{actor}: unexpected refusal {r}"),
            }
        }
        assert_eq!(
            out.acks.len() + out.refused.len(),
            actions as usize,
            "{actor} did not finish its actions"
        );
        // Exactly its successes, in order: refused actions (conflicts included) appended nothing.
        let mine: Vec<&Event> = events.iter().filter(|e| &e.actor == actor).collect();
        assert_eq!(
            mine.len(),
            out.acks.len(),
            "{actor}: {} events for {} successes",
            mine.len(),
            out.acks.len()
        );
        for (ev, ack) in mine.iter().zip(&out.acks) {
            assert!(records(ev, ack), "{actor}: ack {ack:?} vs event {ev:?}");
            // Applied to the state the writer decided on, never over a change it had not seen.
            if ev.from_status.is_some() && ack.action != "register_model" {
                assert_eq!(
                    (ev.from_status, ev.from_version.as_deref()),
                    (Some(ack.saw_status), Some(ack.saw_version.as_str())),
                    "{actor} #{}: applied to a state it had not seen",
                    ack.seq
                );
            }
        }
        acked += out.acks.len();
    }
    // The history of each model is one unbroken chain of states, and ends in the state the model is in.
    let mut last: HashMap<&str, (Status, &str)> = HashMap::new();
    for ev in events.iter().filter(|e| e.actor.starts_with("writer-")) {
        if let (Some(from), Some(prev)) = (ev.from_status, last.get(ev.model_id.as_str())) {
            assert_eq!(
                (from, ev.from_version.as_deref().unwrap_or_default()),
                *prev,
                "event {} does not start where the last one ended",
                ev.id
            );
        }
        if let (Some(to), Some(v)) = (ev.to_status, ev.to_version.as_deref()) {
            last.insert(ev.model_id.as_str(), (to, v));
        }
    }
    for (model, (status, version)) in &last {
        let m = reg.get_model(model).expect("model");
        assert_eq!(
            (m.status, m.version.as_str()),
            (*status, *version),
            "{model}"
        );
    }
    println!(
        "concurrent: writers={writers} actions={} acknowledged={acked} conflicts={conflicts} \
         other_refusals={other_refusals}",
        writers * actions
    );
    assert!(conflicts > 0, "no conflicts: the writers did not contend");
}
