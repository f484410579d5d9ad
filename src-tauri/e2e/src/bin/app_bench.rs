//! App benchmark over the real window: for registries of 1 000, 10 000 and 100 000 generated models,
//! launch the release app, time launch → table painted (the page's performance mark), scroll through every
//! row measuring frame intervals in the page, and sum the PSS of all the app's processes.
//!
//!     scripts/bench-app.sh          (builds what it needs, starts Xvfb, runs this)
//!
//! Prints a Markdown table and writes test-output/bench/app.json.

use std::time::Duration;

use modelops_e2e::*;
use serde_json::{json, Value};

const SIZES: [u32; 3] = [1_000, 10_000, 100_000];
/// Scroll positions visited from top to bottom, one per animation frame.
const SCROLL_STEPS: u32 = 300;

const SCROLL_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const steps = arguments[0];
const el = document.querySelector('.table-wrap');
if (!el) { done({ error: 'no .table-wrap' }); return; }
const max = el.scrollHeight - el.clientHeight;
const frames = [];
let i = 0;
let last = 0;
function tick(now) {
  if (last) frames.push(now - last);
  last = now;
  if (i > steps) { done({ frames, scrollHeight: el.scrollHeight, max }); return; }
  el.scrollTop = Math.round(max * i / steps);
  i += 1;
  requestAnimationFrame(tick);
}
// WebKitWebDriver slows the first ~2.3 s of frames after a script starts (11 frames of ~210 ms, even for an
// empty page change): wait that out, since a user's window has no WebDriver attached.
setTimeout(() => requestAnimationFrame(tick), 3000);
"#;

/// Reading speed: from the middle of the table, 40 px further down every frame (a brisk wheel scroll, about
/// 2 400 px/s at 60 Hz) for `arguments[0]` frames. Rows come from pages that load as the window reaches them,
/// so these frames include receiving pages and rendering rows, where the drag's mostly show placeholders.
const STEADY_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const count = arguments[0];
const el = document.querySelector('.table-wrap');
if (!el) { done({ error: 'no .table-wrap' }); return; }
el.scrollTop = Math.round((el.scrollHeight - el.clientHeight) / 2);
const frames = [];
let last = 0;
function tick(now) {
  if (last) frames.push(now - last);
  last = now;
  if (frames.length >= count) { done({ frames }); return; }
  el.scrollTop += 40;
  requestAnimationFrame(tick);
}
// As above; the wait also lets the jump to the middle load and settle.
setTimeout(() => requestAnimationFrame(tick), 3000);
"#;

/// Frames of the steady scroll.
const STEADY_FRAMES: u32 = 240;

/// The same frame clock with nothing changing on the page: the floor the scroll frames compare against.
const IDLE_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const count = arguments[0];
const frames = [];
let last = 0;
function tick(now) {
  if (last) frames.push(now - last);
  last = now;
  if (frames.length >= count) { done({ frames }); return; }
  requestAnimationFrame(tick);
}
// WebKitWebDriver slows the first ~2.3 s of frames after a script starts (11 frames of ~210 ms, even for an
// empty page change): wait that out, since a user's window has no WebDriver attached.
setTimeout(() => requestAnimationFrame(tick), 3000);
"#;

fn frames_of(v: &Value) -> Vec<f64> {
    v["frames"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

fn stats(frames: &[f64]) -> Value {
    let mut s = frames.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let pct = |p: f64| {
        s.get(((s.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    json!({
        "frames": s.len(),
        "median_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": s.last().copied().unwrap_or(0.0),
        "over_50ms": s.iter().filter(|f| **f > 50.0).count(),
    })
}

fn pss_mb(binary: &std::path::Path, label: &str) -> (f64, Vec<(String, f64)>) {
    let Some(pid) = app_pid(binary) else {
        return (0.0, Vec::new());
    };
    let tree = pss_tree_kb(pid);
    // MODELOPS_BENCH_SMAPS=DIR keeps every process's /proc/PID/smaps at each measurement, to see which
    // mappings the PSS is in (scripts/smaps-summary.py groups them).
    if let Some(dir) = std::env::var_os("MODELOPS_BENCH_SMAPS") {
        let dir = std::path::Path::new(&dir);
        let _ = std::fs::create_dir_all(dir);
        for (p, name, _) in &tree {
            if let Ok(s) = std::fs::read_to_string(format!("/proc/{p}/smaps")) {
                let _ = std::fs::write(dir.join(format!("{label}.{name}.{p}.smaps")), s);
            }
        }
    }
    let parts = tree
        .iter()
        .map(|(_, name, kb)| (name.clone(), *kb as f64 / 1024.0))
        .collect();
    (
        tree.iter().map(|(_, _, kb)| *kb as f64).sum::<f64>() / 1024.0,
        parts,
    )
}

/// PSS of an empty Tauri window (same Tauri and WebKitGTK, blank page), launched the same way.
async fn empty_window_pss() -> Option<(f64, Vec<(String, f64)>)> {
    // Built with the app, in the same target folder (CARGO_TARGET_DIR when the caller set one).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let bin = target.join("release/examples/empty-window");
    if !bin.is_file() {
        eprintln!(
            "no {} (cargo build --release --example empty-window): no baseline",
            bin.display()
        );
        return None;
    }
    let dir = tempfile::tempdir().expect("dir");
    let app = App::launch_binary(&bin, dir.path()).await;
    app.el("//body").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pss = pss_mb(&bin, "empty");
    app.quit().await;
    Some(pss)
}

#[tokio::main]
async fn main() {
    // The scroll script runs for minutes in one WebDriver call.
    set_request_timeout(Duration::from_secs(600));
    let binary = app_binary();
    // The app paints without GL compositing when there is no GPU render node (docs/adr/0009). The empty
    // window must be measured in the same mode, so the variable is set here for every process launched.
    let no_gpu = !std::fs::read_dir("/dev/dri")
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    if no_gpu && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    eprintln!(
        "painting: {}",
        if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some() {
            "without GL compositing (WEBKIT_DISABLE_COMPOSITING_MODE=1)"
        } else {
            "WebKit's default (GL compositing)"
        }
    );
    // MODELOPS_BENCH_BASELINE=0 skips the empty window (quicker while iterating on the page).
    let baseline = if std::env::var("MODELOPS_BENCH_BASELINE").as_deref() == Ok("0") {
        None
    } else {
        empty_window_pss().await
    };
    if let Some((mb, parts)) = &baseline {
        eprintln!("empty window: {mb:.1} MB PSS {parts:?}");
    }
    // MODELOPS_BENCH_SIZES=1000,10000 picks other sizes (for a quick check of the bench itself).
    let sizes: Vec<u32> = std::env::var("MODELOPS_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| SIZES.to_vec());
    let mut results = Vec::new();
    for n in sizes {
        let dir = tempfile::tempdir().expect("data dir");
        generated_registry(n, dir.path());
        let app = App::launch(dir.path()).await;
        app.el("//table[contains(@class, 'models-table')]/tbody/tr[.//button]")
            .await;
        let painted = app
            .mark_epoch_ms("modelops:table-painted")
            .await
            .expect("painted mark");
        let launch_ms = painted - app.launched_at_ms;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (pss_idle, parts) = pss_mb(&binary, &format!("{n}-painted"));

        app.wd
            .set_script_timeout(Duration::from_secs(300))
            .await
            .expect("script timeout");
        let idle = app
            .wd
            .execute_async(IDLE_SCRIPT, vec![json!(60)])
            .await
            .expect("idle script");
        let idle_frames = frames_of(idle.json());
        let ret = app
            .wd
            .execute_async(SCROLL_SCRIPT, vec![json!(SCROLL_STEPS)])
            .await
            .expect("scroll script");
        let v = ret.json().clone();
        assert!(v.get("error").is_none(), "{v}");
        let frames = frames_of(&v);
        let steady = app
            .wd
            .execute_async(STEADY_SCRIPT, vec![json!(STEADY_FRAMES)])
            .await
            .expect("steady scroll script");
        assert!(steady.json().get("error").is_none(), "{}", steady.json());
        let steady_frames = frames_of(steady.json());
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (pss_scrolled, _) = pss_mb(&binary, &format!("{n}-scrolled"));
        app.screenshot(&format!("bench-{n}-scrolled")).await;
        // The timeline's events load when their section comes near the window: the page scrolled down to
        // them, what the app holds with everything shown.
        let timeline_top = app
            .wd
            .execute(
                "const t = document.getElementById('timeline'); const top = t.getBoundingClientRect().top; \
                 t.scrollIntoView(); return top;",
                Vec::new(),
            )
            .await
            .expect("scroll to the timeline");
        app.el("//table[@aria-label='Events']").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (pss_timeline, _) = pss_mb(&binary, &format!("{n}-timeline"));
        app.screenshot(&format!("bench-{n}-timeline")).await;
        app.quit().await;

        let r = json!({
            "models": n,
            "launch_to_table_painted_ms": launch_ms.round(),
            "scroll": stats(&frames),
            "steady_scroll": stats(&steady_frames),
            "idle": stats(&idle_frames),
            "scroll_height_px": v["scrollHeight"],
            "pss_mb_after_paint": (pss_idle * 10.0).round() / 10.0,
            "pss_mb_after_scroll": (pss_scrolled * 10.0).round() / 10.0,
            "timeline_top_px": timeline_top.json(),
            "pss_mb_timeline_shown": (pss_timeline * 10.0).round() / 10.0,
            "empty_window_pss_mb": baseline.as_ref().map(|(mb, _)| (mb * 10.0).round() / 10.0),
            "pss_parts_after_paint": parts.iter().map(|(n, mb)| json!({"process": n, "mb": (mb * 10.0).round() / 10.0})).collect::<Vec<_>>(),
        });
        eprintln!("{r}");
        results.push(r);
    }

    println!("| models | launch → table painted | drag: frames, median / p95 / p99 / max, > 50 ms | steady: frames, median / p95 / p99 / max, > 50 ms | idle: median / max | PSS after paint | PSS after scrolling | PSS with the timeline shown |");
    println!("|---:|---:|---|---|---|---:|---:|---:|");
    let cell = |s: &Value| {
        format!(
            "{}: {:.1} / {:.1} / {:.1} / {:.1} ms, {}",
            s["frames"],
            s["median_ms"].as_f64().unwrap_or(0.0),
            s["p95_ms"].as_f64().unwrap_or(0.0),
            s["p99_ms"].as_f64().unwrap_or(0.0),
            s["max_ms"].as_f64().unwrap_or(0.0),
            s["over_50ms"]
        )
    };
    for r in &results {
        println!(
            "| {} | {} ms | {} | {} | {:.1} / {:.1} ms | {} MB | {} MB | {} MB |",
            r["models"],
            r["launch_to_table_painted_ms"],
            cell(&r["scroll"]),
            cell(&r["steady_scroll"]),
            r["idle"]["median_ms"].as_f64().unwrap_or(0.0),
            r["idle"]["max_ms"].as_f64().unwrap_or(0.0),
            r["pss_mb_after_paint"],
            r["pss_mb_after_scroll"],
            r["pss_mb_timeline_shown"]
        );
    }
    if let Some((base, parts)) = &baseline {
        println!();
        println!(
            "Empty Tauri window (baseline): {base:.1} MB PSS ({})",
            parts
                .iter()
                .map(|(n, mb)| format!("{n} {mb:.1}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for r in &results {
            let scrolled = r["pss_mb_after_scroll"].as_f64().unwrap_or(0.0);
            let shown = r["pss_mb_timeline_shown"].as_f64().unwrap_or(0.0);
            println!(
                "{} models: {:.2}× the empty window after scrolling (target ≤ 1.3×), {:.2}× with the timeline shown",
                r["models"],
                scrolled / base,
                shown / base
            );
        }
    }
    let out = output_dir().join("../bench");
    std::fs::create_dir_all(&out).expect("bench dir");
    std::fs::write(
        out.join("app.json"),
        serde_json::to_string_pretty(&results).unwrap_or_default(),
    )
    .expect("write app.json");
}
