//! Human-readable output of the CLI, formatted like the app's page (`ui/src/lib/format.ts`): accuracy, AI
//! confidence and error rate as percents, uptime in percent, latency in ms, throughput in req/s, times in
//! UTC. `--json` bypasses all of this and prints the core's types.

use std::io::{self, Write};

use modelops_core::gates::Outcome;
use modelops_core::import::{ImportAction, ImportPlan};
use modelops_core::types::{
    AbTest, AbTestStatus, AuditReport, CheckResult, ClearDemoResult, Comparator, Event,
    EventAction, ExportResult, Metric, Model, ModelDetails, ModelPage, ProductionAt,
    RegisterResult, RollbackResult, Status, TestRun, TimelinePage, TransitionResult, VersionInfo,
};

use super::table::{clip, Align, Table};

const DASH: &str = "—";

/// "2024-03-05 14:07:09 UTC". A macro rather than a function so that this crate need not name the core's
/// timestamp type (chrono), which it does not depend on.
macro_rules! utc {
    ($t:expr) => {
        $t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    };
}

/// `utc!` of an `Option`, or a dash.
macro_rules! opt_utc {
    ($t:expr) => {
        match &$t {
            Some(t) => utc!(t),
            None => DASH.to_owned(),
        }
    };
}

// ----- numbers -----

/// A 0–1 fraction as a percent: 0.943 → "94.3%".
pub fn fraction_pct(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return DASH.to_owned();
    }
    format!("{:.digits$}%", value * 100.0)
}

/// A value already in percent: 99.95 → "99.95%".
pub fn pct(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return DASH.to_owned();
    }
    format!("{value:.digits$}%")
}

pub fn ms(value: f64) -> String {
    format!("{} ms", grouped(value, if value < 10.0 { 1 } else { 0 }))
}

pub fn req_per_sec(value: f64) -> String {
    format!("{} req/s", grouped(value, 0))
}

/// `value` with `digits` decimals and thousands separators, like `toLocaleString("en-US")`.
pub fn grouped(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return DASH.to_owned();
    }
    let text = format!("{:.digits$}", value.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if value < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

fn metric_label(m: Metric) -> &'static str {
    match m {
        Metric::Accuracy => "Accuracy",
        Metric::Latency => "Latency",
        Metric::ErrorRate => "Error rate",
        Metric::Uptime => "Uptime",
        Metric::AiConfidence => "AI confidence",
    }
}

/// A metric's value in its display unit.
fn metric_value(m: Metric, v: f64) -> String {
    match m {
        Metric::Accuracy | Metric::AiConfidence => fraction_pct(v, 1),
        Metric::ErrorRate => fraction_pct(v, 2),
        Metric::Uptime => pct(v, 2),
        Metric::Latency => ms(v),
    }
}

fn comparator(c: Comparator) -> &'static str {
    match c {
        Comparator::AtLeast => "≥",
        Comparator::AtMost => "≤",
    }
}

fn check_sentence(c: &CheckResult) -> String {
    let mut s = match (c.metric, c.observed, c.comparator, c.threshold) {
        (Some(m), Some(v), Some(cmp), Some(t)) => format!(
            "{} {} {} {}",
            metric_label(m),
            metric_value(m, v),
            comparator(cmp),
            metric_value(m, t)
        ),
        (Some(m), ..) => metric_label(m).to_owned(),
        (None, ..) => "Artifact".to_owned(),
    };
    if let Some(d) = &c.detail {
        s.push_str(&format!(" ({d})"));
    }
    s
}

fn status_or_q(s: Option<Status>) -> &'static str {
    s.map_or("?", Status::as_str)
}

/// One event as a sentence, as the app shows it: "Deployed staging → production", "Rolled back 2.1.0 → 2.0.9".
fn event_sentence(e: &Event) -> String {
    let detail = e.detail.as_deref().filter(|d| !d.is_empty());
    match e.action {
        EventAction::Registered => match &e.to_version {
            Some(v) => format!("Registered version {v}"),
            None => "Registered".to_owned(),
        },
        EventAction::Synced => match detail {
            Some(d) => format!("Seen on the team server: {d}"),
            None => "Seen on the team server".to_owned(),
        },
        EventAction::Promoted => format!(
            "Promoted {} → {}",
            status_or_q(e.from_status),
            status_or_q(e.to_status)
        ),
        EventAction::Deployed => format!(
            "Deployed {} → {}",
            status_or_q(e.from_status),
            status_or_q(e.to_status)
        ),
        EventAction::RolledBack => format!(
            "Rolled back {} → {}",
            e.from_version.as_deref().unwrap_or("?"),
            e.to_version.as_deref().unwrap_or("?")
        ),
        EventAction::Tested => match detail {
            Some(d) => format!("Tested {d}"),
            None => format!(
                "Tested version {}",
                e.to_version
                    .as_deref()
                    .or(e.from_version.as_deref())
                    .unwrap_or("")
            )
            .trim_end()
            .to_owned(),
        },
        EventAction::AbTestStarted => match detail {
            Some(d) => format!("Started A/B test: {d}"),
            None => "Started A/B test".to_owned(),
        },
        EventAction::AbTestStopped => match detail {
            Some(d) => format!("Stopped A/B test: {d}"),
            None => "Stopped A/B test".to_owned(),
        },
        EventAction::AbResultsImported => match detail {
            Some(d) => format!("Imported A/B results: {d}"),
            None => "Imported A/B results".to_owned(),
        },
        EventAction::AbTestConcluded => match detail {
            Some(d) => format!("Concluded A/B test: {d}"),
            None => "Concluded A/B test".to_owned(),
        },
        EventAction::AbTestAborted => match detail {
            Some(d) => format!("Aborted A/B test: {d}"),
            None => "Aborted A/B test".to_owned(),
        },
        EventAction::DemoDataCleared => match detail {
            Some(d) => format!("Cleared the demo data: {d}"),
            None => "Cleared the demo data".to_owned(),
        },
        EventAction::Archived => match e.from_status {
            Some(s) => format!("Archived (was {})", s.as_str()),
            None => "Archived".to_owned(),
        },
    }
}

/// What the sentence leaves out: the detail (unless the sentence shows it) and the reason.
fn event_note(e: &Event) -> String {
    let shows_detail = matches!(
        e.action,
        EventAction::Tested
            | EventAction::AbTestStarted
            | EventAction::AbTestStopped
            | EventAction::AbResultsImported
            | EventAction::AbTestConcluded
            | EventAction::AbTestAborted
    );
    let mut parts = Vec::new();
    if let Some(d) = e
        .detail
        .as_deref()
        .filter(|d| !d.is_empty() && !shows_detail)
    {
        parts.push(d.to_owned());
    }
    if let Some(r) = e.reason.as_deref().filter(|r| !r.is_empty()) {
        parts.push(format!("reason: {r}"));
    }
    parts.join("; ")
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Showing 1–50 of 120 models."
fn showing(w: &mut dyn Write, offset: u32, shown: usize, total: u32, what: &str) -> io::Result<()> {
    if shown == 0 {
        if total == 0 {
            writeln!(w, "No {what} match.")
        } else {
            writeln!(w, "No {what} past row {offset}; {total} match in all.")
        }
    } else {
        let first = u64::from(offset) + 1;
        let last = u64::from(offset) + shown as u64;
        writeln!(w, "Showing {first}–{last} of {total} {what}.")
    }
}

fn model_name(m: &Model, max: usize) -> String {
    if m.is_demo {
        format!("{} [demo]", clip(&m.name, max))
    } else {
        clip(&m.name, max)
    }
}

// ----- commands -----

pub fn models_page(w: &mut dyn Write, page: &ModelPage) -> io::Result<()> {
    use Align::{Left as L, Right as R};
    let mut t = Table::new(&[
        ("ID", L),
        ("NAME", L),
        ("VERSION", L),
        ("STATUS", L),
        ("ACCURACY", R),
        ("LATENCY", R),
        ("THROUGHPUT", R),
        ("UPTIME", R),
        ("AI CONF.", R),
        ("ERROR RATE", R),
        ("FRAMEWORK", L),
        ("SIZE", R),
        ("LAST TEST", L),
    ]);
    for m in &page.models {
        t.row(vec![
            m.id.clone(),
            model_name(m, 40),
            m.version.clone(),
            m.status.as_str().to_owned(),
            fraction_pct(m.accuracy, 1),
            ms(m.latency),
            req_per_sec(m.throughput),
            pct(m.uptime, 2),
            fraction_pct(m.ai_confidence, 1),
            fraction_pct(m.error_rate, 2),
            m.framework.clone(),
            m.size.clone(),
            m.last_test
                .as_ref()
                .map_or(DASH.to_owned(), |s| format!("{}/{}", s.passed, s.total)),
        ]);
    }
    if !t.is_empty() {
        t.write(w)?;
    }
    showing(w, page.offset, page.models.len(), page.total, "models")
}

pub fn details(w: &mut dyn Write, d: &ModelDetails) -> io::Result<()> {
    use Align::{Left as L, Right as R};
    let m = &d.model;
    write!(w, "{} ({})", m.name, m.id)?;
    if m.is_demo {
        write!(w, "  [demo: illustrative metrics, not measured]")?;
    }
    writeln!(w)?;
    let since = match (m.status, &m.deployed_at) {
        (Status::Staging | Status::Production, Some(t)) => format!(", deployed {}", utc!(t)),
        _ => String::new(),
    };
    writeln!(w, "  Status      {}{since}", m.status.as_str())?;
    match &m.previous_version {
        Some(p) => writeln!(w, "  Version     {} (rollback goes to {p})", m.version)?,
        None => writeln!(w, "  Version     {}", m.version)?,
    }
    writeln!(w, "  Framework   {}", m.framework)?;
    writeln!(w, "  Size        {}", m.size)?;
    match (&m.last_test, &m.last_tested_at) {
        (Some(s), at) => writeln!(
            w,
            "  Last test   {}/{} passed on {}, {}",
            s.passed,
            s.total,
            s.version,
            opt_utc!(at)
        )?,
        (None, _) => writeln!(w, "  Last test   never (this version)")?,
    }

    writeln!(w, "\nMetrics of {}", m.version)?;
    let th = &d.thresholds;
    let mut t = Table::new(&[("METRIC", L), ("VALUE", R), ("THRESHOLD", L)]).indent(2);
    let with = |metric: Metric, value: f64, c: Comparator, limit: f64| {
        vec![
            metric_label(metric).to_owned(),
            metric_value(metric, value),
            format!("{} {}", comparator(c), metric_value(metric, limit)),
        ]
    };
    t.row(with(
        Metric::Accuracy,
        m.accuracy,
        Comparator::AtLeast,
        th.min_accuracy,
    ));
    t.row(with(
        Metric::Latency,
        m.latency,
        Comparator::AtMost,
        th.max_latency,
    ));
    t.row(vec![
        "Throughput".into(),
        req_per_sec(m.throughput),
        String::new(),
    ]);
    t.row(with(
        Metric::Uptime,
        m.uptime,
        Comparator::AtLeast,
        th.min_uptime,
    ));
    t.row(with(
        Metric::AiConfidence,
        m.ai_confidence,
        Comparator::AtLeast,
        th.min_ai_confidence,
    ));
    t.row(with(
        Metric::ErrorRate,
        m.error_rate,
        Comparator::AtMost,
        th.max_error_rate,
    ));
    t.write(w)?;

    writeln!(w, "\nVersions (newest first; * = current)")?;
    let mut t = Table::new(&[
        ("VERSION", L),
        ("FRAMEWORK", L),
        ("ACCURACY", R),
        ("LATENCY", R),
        ("THROUGHPUT", R),
        ("UPTIME", R),
        ("AI CONF.", R),
        ("ERROR RATE", R),
        ("SIZE", R),
        ("REGISTERED", L),
    ])
    .indent(2);
    for v in &d.versions {
        t.row(vec![
            format!("{}{}", if v.is_current { "* " } else { "  " }, v.version),
            v.framework.clone(),
            fraction_pct(v.accuracy, 1),
            ms(v.latency),
            req_per_sec(v.throughput),
            pct(v.uptime, 2),
            fraction_pct(v.ai_confidence, 1),
            fraction_pct(v.error_rate, 2),
            v.size.clone(),
            utc!(v.created_at),
        ]);
    }
    t.write(w)?;
    for v in &d.versions {
        version_extras(w, v)?;
    }

    writeln!(w, "\nDeployments (by version, oldest first)")?;
    let mut t = Table::new(&[("VERSION", L), ("ENVIRONMENT", L), ("HOW", L), ("AT", L)]).indent(2);
    for v in &d.versions {
        for dep in &v.deployments {
            t.row(vec![
                v.version.clone(),
                dep.environment.as_str().to_owned(),
                dep.action.as_str().replace('_', " "),
                utc!(dep.at),
            ]);
        }
    }
    if t.is_empty() {
        writeln!(w, "  none")?;
    } else {
        t.write(w)?;
    }

    writeln!(w, "\nRecent events (newest first)")?;
    if d.events.is_empty() {
        writeln!(w, "  none")?;
    } else {
        events_table(w, d.events.iter().map(|e| (e, None)), 2)?;
    }

    writeln!(w, "\nTest runs (newest first)")?;
    if d.test_runs.is_empty() {
        writeln!(w, "  none")?;
    } else {
        let mut t = Table::new(&[
            ("AT", L),
            ("VERSION", L),
            ("RESULT", L),
            ("FAILED CHECKS", L),
        ])
        .indent(2);
        for r in &d.test_runs {
            let failed: Vec<String> = r
                .checks
                .iter()
                .filter(|c| c.outcome == Outcome::Failed)
                .map(check_sentence)
                .collect();
            t.row(vec![
                utc!(r.run_at),
                r.version.clone(),
                format!("{}/{} passed", r.passed, r.total),
                failed.join("; "),
            ]);
        }
        t.write(w)?;
    }

    writeln!(w, "\nA/B tests")?;
    if d.ab_tests.is_empty() {
        writeln!(w, "  none")
    } else {
        ab_tests_table(w, &d.ab_tests, 2)
    }
}

/// Notes, tags and artifact of a version, when it has any.
fn version_extras(w: &mut dyn Write, v: &VersionInfo) -> io::Result<()> {
    let mut parts = Vec::new();
    if let Some(a) = &v.artifact {
        parts.push(format!(
            "artifact {} ({} bytes, sha256 {})",
            a.path, a.size_bytes, a.sha256
        ));
    }
    if !v.tags.is_empty() {
        let tags: Vec<String> = v
            .tags
            .iter()
            .map(|t| format!("{}={}", t.key, t.value))
            .collect();
        parts.push(format!("tags {}", tags.join(", ")));
    }
    if let Some(n) = v.notes.as_deref().filter(|n| !n.is_empty()) {
        parts.push(format!("notes: {n}"));
    }
    for p in parts {
        writeln!(w, "    {}: {p}", v.version)?;
    }
    Ok(())
}

fn events_table<'a>(
    w: &mut dyn Write,
    events: impl Iterator<Item = (&'a Event, Option<&'a str>)>,
    indent: usize,
) -> io::Result<()> {
    use Align::Left as L;
    let mut t = Table::new(&[
        ("AT", L),
        ("MODEL", L),
        ("EVENT", L),
        ("ACTOR", L),
        ("NOTE", L),
    ])
    .indent(indent);
    for (e, name) in events {
        let model = match name {
            Some(n) => format!("{} ({})", e.model_id, clip(n, 30)),
            None => e.model_id.clone(),
        };
        t.row(vec![
            utc!(e.at),
            model,
            event_sentence(e),
            e.actor.clone(),
            event_note(e),
        ]);
    }
    t.write(w)
}

fn ab_tests_table(w: &mut dyn Write, tests: &[AbTest], indent: usize) -> io::Result<()> {
    use Align::{Left as L, Right as R};
    let mut t = Table::new(&[
        ("ID", L),
        ("STATUS", L),
        ("MODEL A", L),
        ("MODEL B", L),
        ("SPLIT A/B", R),
        ("STARTED", L),
        ("ENDED", L),
        ("OUTCOME", L),
    ])
    .indent(indent);
    for a in tests {
        t.row(vec![
            a.id.clone(),
            ab_status(a.status).to_owned(),
            format!("{} {}", a.model_a, a.version_a),
            format!("{} {}", a.model_b, a.version_b),
            format!(
                "{}/{}",
                100u32.saturating_sub(a.traffic_split),
                a.traffic_split
            ),
            utc!(a.started_at),
            opt_utc!(a.ended_at),
            ab_outcome(a),
        ]);
    }
    t.write(w)
}

fn ab_status(s: AbTestStatus) -> &'static str {
    match s {
        AbTestStatus::Running => "running",
        AbTestStatus::Concluded => "concluded",
        AbTestStatus::Aborted => "aborted",
    }
}

fn ab_outcome(a: &AbTest) -> String {
    use modelops_core::ab::AbOutcome;
    match a.outcome {
        Some(AbOutcome::AWins) => "A wins".to_owned(),
        Some(AbOutcome::BWins) => "B wins".to_owned(),
        Some(AbOutcome::Inconclusive) => "inconclusive".to_owned(),
        None if a.status == AbTestStatus::Running && !a.results.is_empty() => {
            "results imported".to_owned()
        }
        None => String::new(),
    }
}

pub fn registered(w: &mut dyn Write, r: &RegisterResult) -> io::Result<()> {
    writeln!(w, "{}", r.message)?;
    writeln!(
        w,
        "  model {}  version {}  status {}",
        r.model.id,
        r.version.version,
        r.model.status.as_str()
    )?;
    version_extras(w, &r.version)
}

pub fn transition(w: &mut dyn Write, r: &TransitionResult) -> io::Result<()> {
    writeln!(w, "{}", r.message)?;
    writeln!(
        w,
        "  {}: {} → {}",
        r.model.id,
        r.from.as_str(),
        r.to.as_str()
    )
}

pub fn rolled_back(w: &mut dyn Write, r: &RollbackResult) -> io::Result<()> {
    writeln!(w, "{}", r.message)?;
    writeln!(
        w,
        "  {}: {} → {} ({})",
        r.model.id,
        r.rolled_back_from,
        r.rolled_back_to,
        r.model.status.as_str()
    )
}

pub fn test_run(w: &mut dyn Write, r: &TestRun) -> io::Result<()> {
    writeln!(
        w,
        "{} {}: {}/{} checks passed ({})",
        r.model_id,
        r.version,
        r.passed,
        r.total,
        fraction_pct(r.success_rate, 0)
    )?;
    for c in &r.checks {
        writeln!(
            w,
            "  {} {}",
            match c.outcome {
                Outcome::Passed => "✓",
                Outcome::Failed => "✗",
                Outcome::Skipped => "–",
            },
            check_sentence(c)
        )?;
    }
    Ok(())
}

pub fn ab_test_started(w: &mut dyn Write, a: &AbTest) -> io::Result<()> {
    writeln!(
        w,
        "Started A/B test {}: {} {} ({}) gets {}%, {} {} ({}) gets {}%.",
        a.id,
        a.model_a_name,
        a.version_a,
        a.model_a,
        100u32.saturating_sub(a.traffic_split),
        a.model_b_name,
        a.version_b,
        a.model_b,
        a.traffic_split
    )
}

/// A test after import, conclude or abort: its state, results and outcome.
pub fn ab_test_ended(w: &mut dyn Write, a: &AbTest) -> io::Result<()> {
    writeln!(
        w,
        "A/B test {} ({} vs {}): {}.",
        a.id,
        a.model_a,
        a.model_b,
        ab_status(a.status)
    )?;
    for r in &a.results {
        writeln!(
            w,
            "  {:?}: {} assignments, {}/{} successful requests, {} latency samples, from {}{}",
            r.variant,
            r.assignments,
            r.successes,
            r.requests,
            r.latency_samples,
            r.source_file,
            if r.simulated { " (simulated)" } else { "" }
        )?;
    }
    if let Some(c) = &a.conclusion {
        writeln!(w, "  {c}")?;
    }
    if let Some(reason) = &a.abort_reason {
        writeln!(w, "  Aborted: {reason}")?;
    }
    if let Some(winner) = &a.winner {
        writeln!(
            w,
            "  Winner: {} {} ({}); deploy it with `modelops deploy {}`.",
            winner.model_name, winner.version, winner.model_id, winner.model_id
        )?;
    }
    Ok(())
}

pub fn ab_analysis(w: &mut dyn Write, a: &modelops_core::ab::AbTestAnalysis) -> io::Result<()> {
    match &a.analysis {
        None => writeln!(w, "A/B test {}: no results imported yet.", a.test_id),
        Some(an) => writeln!(
            w,
            "A/B test {}{}: {}",
            a.test_id,
            if a.simulated { " (simulated data)" } else { "" },
            an.summary
        ),
    }
}

pub fn ab_tests(w: &mut dyn Write, tests: &[AbTest]) -> io::Result<()> {
    if tests.is_empty() {
        return writeln!(w, "No A/B tests.");
    }
    ab_tests_table(w, tests, 0)
}

pub fn exported(w: &mut dyn Write, r: &ExportResult, audit: bool) -> io::Result<()> {
    let what = if audit {
        plural(r.rows, "audit event", "audit events")
    } else {
        plural(r.rows, "model", "models")
    };
    writeln!(w, "Wrote {what} to {}.", r.path)
}

pub fn demo_cleared(w: &mut dyn Write, r: &ClearDemoResult) -> io::Result<()> {
    if r.models_removed == 0 {
        return writeln!(w, "No demo data to clear; nothing was changed.");
    }
    writeln!(
        w,
        "Removed {} with {}, {} and {}. The audit log keeps their events.",
        plural(r.models_removed, "demo model", "demo models"),
        plural(r.versions_removed, "version", "versions"),
        plural(r.test_runs_removed, "test run", "test runs"),
        plural(r.ab_tests_removed, "A/B test", "A/B tests")
    )
}

pub fn audit(w: &mut dyn Write, r: &AuditReport) -> io::Result<()> {
    match &r.first_broken {
        None if r.ok => writeln!(
            w,
            "Audit log intact: {}, head {}.",
            plural(r.events, "event", "events"),
            r.head.as_deref().unwrap_or("none")
        ),
        broken => {
            writeln!(
                w,
                "Audit log BROKEN after checking {}.",
                plural(r.events, "event", "events")
            )?;
            match broken {
                Some(b) => writeln!(
                    w,
                    "  first broken link: event {}: {}",
                    b.event_id, b.problem
                ),
                None => Ok(()),
            }
        }
    }
}

pub fn import_plan(w: &mut dyn Write, p: &ImportPlan, dry_run: bool) -> io::Result<()> {
    use Align::Left as L;
    if !p.items.is_empty() {
        let mut t = Table::new(&[
            ("KIND", L),
            ("ID", L),
            ("NAME", L),
            ("ACTION", L),
            ("CHANGES", L),
        ]);
        for i in &p.items {
            t.row(vec![
                if i.kind == "abTest" {
                    "A/B test".to_owned()
                } else {
                    i.kind.clone()
                },
                i.id.clone(),
                clip(&i.name, 40),
                match i.action {
                    ImportAction::Create => "create",
                    ImportAction::Update => "update",
                    ImportAction::Unchanged => "unchanged",
                }
                .to_owned(),
                i.changes.join("; "),
            ]);
        }
        t.write(w)?;
    }
    if dry_run {
        writeln!(
            w,
            "Dry run: would create {}, update {}, leave {} unchanged. Nothing was written.",
            p.creates, p.updates, p.unchanged
        )
    } else {
        writeln!(
            w,
            "Imported: created {}, updated {}, {} unchanged.",
            p.creates, p.updates, p.unchanged
        )
    }
}

pub fn timeline(w: &mut dyn Write, p: &TimelinePage) -> io::Result<()> {
    if !p.events.is_empty() {
        events_table(
            w,
            p.events
                .iter()
                .map(|e| (&e.event, Some(e.model_name.as_str()))),
            0,
        )?;
    }
    showing(w, p.offset, p.events.len(), p.total, "events")
}

pub fn production_at(w: &mut dyn Write, r: &ProductionAt) -> io::Result<()> {
    match &r.version {
        Some(v) => {
            let until = match &r.until {
                Some(u) => format!("until {}", utc!(u)),
                None => "still there".to_owned(),
            };
            writeln!(
                w,
                "{} had {v} in production at {} (since {}, {until}).",
                r.model_id,
                utc!(r.at),
                opt_utc!(r.since)
            )
        }
        None => writeln!(
            w,
            "{} had nothing in production at {}.",
            r.model_id,
            utc!(r.at)
        ),
    }
}

pub fn backups(w: &mut dyn Write, l: &modelops_core::backup::BackupList) -> io::Result<()> {
    use modelops_core::backup::BackupReason;
    writeln!(
        w,
        "{} in {} (the newest {} automatic ones are kept; manual ones always):",
        plural(l.backups.len() as u32, "backup", "backups"),
        l.dir,
        l.keep
    )?;
    for b in &l.backups {
        let reason = match b.reason {
            BackupReason::Manual => "manual",
            BackupReason::Daily => "daily",
            BackupReason::PreMigration => "before migration",
            BackupReason::PreRestore => "before restore",
        };
        writeln!(
            w,
            "  {}  {:<16}  {:>10}  {}",
            b.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            reason,
            modelops_core::types::format_size(i64::try_from(b.size_bytes).unwrap_or(i64::MAX)),
            b.file_name
        )?;
    }
    Ok(())
}

pub fn restored(w: &mut dyn Write, r: &modelops_core::backup::RestoreResult) -> io::Result<()> {
    writeln!(
        w,
        "Restored {} from {}.",
        plural(r.check.models as u32, "model", "models"),
        r.restored_from
    )?;
    if let Some(safety) = &r.safety_backup {
        writeln!(w, "The registry as it was is in {}.", safety.path)?;
    }
    if let Some(moved) = &r.moved_aside {
        writeln!(w, "The damaged registry was moved to {moved}.")?;
    }
    Ok(())
}

pub fn remote_status(
    w: &mut dyn Write,
    s: &modelops_core::remote::RemoteStatus,
    secret: Option<&str>,
) -> io::Result<()> {
    let Some(settings) = &s.settings else {
        return writeln!(w, "No team server is set (modelops remote set URL).");
    };
    writeln!(w, "Team server: {}", settings.url)?;
    writeln!(
        w,
        "Authentication: {}{}",
        settings.auth.as_str(),
        settings
            .username
            .as_ref()
            .map(|u| format!(" as {u}"))
            .unwrap_or_default()
    )?;
    if let Some(secret) = secret {
        writeln!(w, "Credentials from: {secret}")?;
    }
    writeln!(
        w,
        "Aliases: production = {}, staging = {}",
        settings.production_alias, settings.staging_alias
    )?;
    writeln!(w, "Shared models: {}", s.shared_models)?;
    writeln!(
        w,
        "Last sync: {}",
        s.last_sync
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "never".to_owned())
    )?;
    writeln!(
        w,
        "{} change{} waiting",
        s.waiting,
        if s.waiting == 1 { "" } else { "s" }
    )?;
    if let Some(e) = &s.last_error {
        writeln!(w, "Last push failed: {e}")?;
    }
    for c in &s.conflicts {
        writeln!(w, "Conflict: {}", c.line())?;
    }
    Ok(())
}

pub fn sync_report(w: &mut dyn Write, r: &modelops_core::remote::SyncReport) -> io::Result<()> {
    writeln!(
        w,
        "Synced with {}: {} registered models there; {} new model{}, {} new version{}, {} change{} taken in; \
         {} change{} pushed, {} waiting ({} requests).",
        r.server,
        r.remote_models,
        r.new_models,
        if r.new_models == 1 { "" } else { "s" },
        r.new_versions,
        if r.new_versions == 1 { "" } else { "s" },
        r.changes_applied,
        if r.changes_applied == 1 { "" } else { "s" },
        r.pushed,
        if r.pushed == 1 { "" } else { "s" },
        r.waiting,
        r.requests
    )?;
    for s in &r.skipped {
        writeln!(w, "Not taken in: {s}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_look_like_the_apps() {
        assert_eq!(fraction_pct(0.943, 1), "94.3%");
        assert_eq!(fraction_pct(0.001, 2), "0.10%");
        assert_eq!(pct(99.85, 2), "99.85%");
        assert_eq!(ms(45.0), "45 ms");
        assert_eq!(ms(4.24), "4.2 ms");
        assert_eq!(ms(1234.0), "1,234 ms");
        assert_eq!(req_per_sec(1500.0), "1,500 req/s");
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-1234.0, 0), "-1,234");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(fraction_pct(f64::NAN, 1), DASH);
    }
}
