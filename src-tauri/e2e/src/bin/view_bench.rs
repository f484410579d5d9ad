//! View changes over the real window (issue 17): how long from a user's input (a click on a column header,
//! a status chip, a search typed) to the frame that paints the new view's rows, at 100 000 generated models.
//!
//!     scripts/bench-app.sh          (builds what it needs, starts Xvfb, runs this after app-bench)
//!
//! Each round loads the page afresh and makes every change twice: a new view, then one seen before (see ROUNDS).
//! Measured inside the page: the input is dispatched by a script (the same event a mouse or keyboard gives
//! the page, through the same React handlers), and the clock stops in the first task after the animation
//! frame that follows the new rows reaching the DOM, i.e. after that frame's paint. The commands the view
//! change invoked are timed by wrapping `window.fetch` (Tauri's IPC on Linux), which splits each figure into
//! Rust + IPC and the page.
//! Prints a Markdown table and writes test-output/bench/view.json.

use std::time::Duration;

use modelops_e2e::*;
use serde_json::{json, Value};

/// One view change. `arguments[0]`: `{ kind: "sort" | "chip" | "search", label }` (a column header's text, a
/// status chip's text, or the text to type). Resolves `{ total_ms, ipc: [[cmd, start_ms, end_ms]...] }`.
const CHANGE_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const { kind, label } = arguments[0];
const table = document.querySelector('.models-table');
if (!table) { done({ error: 'no .models-table' }); return; }
const oldBody = table.tBodies[0];
const oldView = oldBody && oldBody.dataset.view;
const ipc = [];
let t0 = 0;
// Tauri's IPC on Linux is a fetch of ipc://localhost/<command>: each call's span, from the page's side.
const fetch0 = window.fetch;
window.fetch = (input, init) => {
  const start = performance.now() - t0;
  const p = fetch0(input, init);
  const name = String(input).replace(/^ipc:\/\/localhost\//, '');
  p.then(() => ipc.push([name, Math.round(start), Math.round(performance.now() - t0)]), () => {});
  return p;
};
const restore = () => { window.fetch = fetch0; };
// The new view is painted when the body is the new view's (its data-view; pages before that attribute
// remounted the <tbody> per view) and holds loaded rows, and the table is no longer dimmed as stale.
const settled = () => {
  const body = table.tBodies[0];
  return body && (body !== oldBody || body.dataset.view !== oldView) && !table.classList.contains('is-stale')
    && (body.querySelector('button[data-row-view]') || body.querySelector('.row-empty'));
};
const marks = {};
const finish = () => {
  marks.rows = performance.now() - t0;
  marks.frames = [];
  let total_ms;
  const more = () => {
    marks.frames.push(Math.round(performance.now() - t0));
    if (marks.frames.length < 8) { requestAnimationFrame(more); return; }
    restore();
    marks.origin = performance.timeOrigin + t0;
    done({ total_ms: total_ms ?? marks.frames[0], ipc, marks });
  };
  requestAnimationFrame(() => {
    marks.frame = performance.now() - t0;
    setTimeout(() => { total_ms = performance.now() - t0; }, 0);
    requestAnimationFrame(more);
  });
};
const observer = new MutationObserver(() => {
  if (marks.stale === undefined && table.classList.contains('is-stale')) marks.stale = performance.now() - t0;
  if (settled()) { observer.disconnect(); finish(); }
});
observer.observe(table, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'data-view'] });
setTimeout(() => { observer.disconnect(); restore(); done({ error: 'the view did not change within 10 s' }); }, 10000);
if (kind === 'sort') {
  const btn = [...table.querySelectorAll('thead .sort-btn')].find((b) => b.textContent.trim() === label);
  if (!btn) { done({ error: 'no header ' + label }); return; }
  t0 = performance.now();
  btn.click();
} else if (kind === 'chip') {
  const btn = [...document.querySelectorAll('.chips .chip')].find((b) => b.textContent.trim() === label);
  if (!btn) { done({ error: 'no chip ' + label }); return; }
  t0 = performance.now();
  btn.click();
} else {
  const input = document.getElementById('model-search');
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  t0 = performance.now();
  set.call(input, label);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
"#;

/// Round trips of single commands from the page, one after another: `arguments[0]` names the command,
/// `arguments[1]` its arguments. Resolves the milliseconds of each.
const ROUND_TRIP_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const [cmd, args] = arguments;
const times = [];
(async () => {
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await window.__TAURI_INTERNALS__.invoke(cmd, args);
    times.push(Math.round((performance.now() - t) * 10) / 10);
  }
  done(times);
})().catch((e) => done({ error: String(e) }));
"#;

/// The page's search debounce (ui/src/features/models/view.ts): the search figures are reported without it.
const SEARCH_DEBOUNCE_MS: f64 = 100.0;

struct Change {
    what: &'static str,
    kind: &'static str,
    label: &'static str,
}

const CHANGES: &[Change] = &[
    Change {
        what: "sort by Accuracy",
        kind: "sort",
        label: "Accuracy",
    },
    Change {
        what: "sort by Accuracy again (descending)",
        kind: "sort",
        label: "Accuracy",
    },
    Change {
        what: "sort by Latency",
        kind: "sort",
        label: "Latency",
    },
    Change {
        what: "sort by Model (the default)",
        kind: "sort",
        label: "Model",
    },
    Change {
        what: "status chip Production on",
        kind: "chip",
        label: "Production",
    },
    Change {
        what: "status chip Production off",
        kind: "chip",
        label: "Production",
    },
    Change {
        what: "search \"BERT\"",
        kind: "search",
        label: "BERT",
    },
    Change {
        what: "search cleared",
        kind: "search",
        label: "",
    },
];

/// Rounds. Each starts from a freshly loaded page (the query cache empty) and makes every change twice: first
/// every view but the default one is new to the page and its first page is fetched; then the page's cache
/// still holds each view's first page, which shows at once (and is fetched again in the background when
/// older than 30 s): a view the user has seen before.
const ROUNDS: usize = 3;

/// The table is on screen with rows.
const TABLE_ROWS: &str = "//table[contains(@class, 'models-table')]/tbody/tr[.//button]";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let n: u32 = std::env::var("MODELOPS_BENCH_VIEW_MODELS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("data dir");
    generated_registry(n, dir.path());
    // A backup taken now: the app's daily one, due a minute after start on a registry without any, would
    // share the two cores with the page while it is measured.
    modelops_core::Registry::open(&dir.path().join("registry.sqlite3"))
        .and_then(|r| r.backup_now(chrono::Utc::now()))
        .expect("backup before the bench");
    let app = App::launch(dir.path()).await;
    app.el(TABLE_ROWS).await;
    app.wd
        .set_script_timeout(Duration::from_secs(30))
        .await
        .expect("script timeout");
    // WebKitWebDriver slows the first seconds of frames after it attaches (BENCHMARKS.md, issue 4).
    tokio::time::sleep(Duration::from_secs(3)).await;

    for (cmd, args) in [
        ("get_summary", json!({})),
        (
            "query_models",
            json!({ "request": { "view": { "filter": {}, "sort": "accuracy", "dir": "asc" }, "offset": 0, "limit": 50 } }),
        ),
    ] {
        let ret = app
            .wd
            .execute_async(ROUND_TRIP_SCRIPT, vec![json!(cmd), args])
            .await
            .expect("round trip script");
        eprintln!("round trips of {cmd}: {}", ret.json());
    }

    // new[i] / seen[i]: change i's figures, one per round; ipc_new[i]: when its last command answered.
    let mut new: Vec<Vec<f64>> = vec![Vec::new(); CHANGES.len()];
    let mut seen: Vec<Vec<f64>> = vec![Vec::new(); CHANGES.len()];
    let mut ipc_new: Vec<Vec<f64>> = vec![Vec::new(); CHANGES.len()];
    let mut raw = Vec::new();
    for round in 0..ROUNDS {
        if round > 0 {
            app.wd.refresh().await.expect("reload the page");
            app.el(TABLE_ROWS).await;
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        for pass in ["new", "seen before"] {
            for (i, c) in CHANGES.iter().enumerate() {
                let ret = app
                    .wd
                    .execute_async(
                        CHANGE_SCRIPT,
                        vec![json!({ "kind": c.kind, "label": c.label })],
                    )
                    .await
                    .expect("view change script");
                let v = ret.json().clone();
                assert!(v.get("error").is_none(), "{}: {v}", c.what);
                let total = v["total_ms"].as_f64().unwrap_or(f64::NAN);
                // Rust's share: from the first command's start to the last one's answer.
                let calls = v["ipc"].as_array().cloned().unwrap_or_default();
                let ipc_end = calls
                    .iter()
                    .filter_map(|c| c[2].as_f64())
                    .fold(0.0, f64::max);
                if pass == "new" {
                    new[i].push(total);
                    ipc_new[i].push(ipc_end);
                } else {
                    seen[i].push(total);
                }
                eprintln!(
                    "round {round}, {pass}: {} {total:.1} ms, marks {}, commands {calls:?}",
                    c.what, v["marks"]
                );
                raw.push(json!({ "round": round, "pass": pass, "change": c.what, "result": v }));
                // Let the frame settle before the next input, as a user's next click would.
                tokio::time::sleep(Duration::from_millis(400)).await;
            }
        }
    }
    app.quit().await;

    println!(
        "| at {n} models, median of {ROUNDS} (min / max) | a new view: input → painted | its last command answered at | a view seen before |"
    );
    println!("|---|---|---|---|");
    let stats = |v: &[f64]| {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        (median(v.to_vec()), min, max)
    };
    let mut rows = Vec::new();
    for (i, c) in CHANGES.iter().enumerate() {
        let (nm, nmin, nmax) = stats(&new[i]);
        let (sm, smin, smax) = stats(&seen[i]);
        let (im, _, _) = stats(&ipc_new[i]);
        let after = |t: f64| {
            if c.kind == "search" {
                format!(", {:.0} after the debounce", t - SEARCH_DEBOUNCE_MS)
            } else {
                String::new()
            }
        };
        println!(
            "| {} | {nm:.0} ms{} ({nmin:.0} / {nmax:.0}) | {im:.0} ms | {sm:.0} ms{} ({smin:.0} / {smax:.0}) |",
            c.what,
            after(nm),
            after(sm)
        );
        rows.push(json!({ "change": c.what, "new_view_ms": new[i], "new_view_last_command_answered_ms": ipc_new[i],
            "seen_before_ms": seen[i] }));
    }
    let out = output_dir().join("../bench");
    std::fs::create_dir_all(&out).expect("bench dir");
    let doc: Value = json!({ "models": n, "search_debounce_ms": SEARCH_DEBOUNCE_MS, "summary": rows, "raw": raw });
    std::fs::write(
        out.join("view.json"),
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    )
    .expect("write view.json");
}
