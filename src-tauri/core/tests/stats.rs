//! The A/B statistics against SciPy's figures and published worked examples
//! (`fixtures/stats/reference.json`, written by `fixtures/stats/generate.py`), then the verdict rules, the
//! sample-ratio check, the sample-size gate and every validation error.
//!
//! Tolerances: figures with a closed form (rates, differences, intervals, z, chi-square, U, medians, sample
//! sizes) agree to 1e-9 relative; p-values, which go through special functions (erfc, incomplete gamma,
//! log-gamma) implemented differently in statrs and SciPy, to 1e-6 relative. Near zero, where a relative
//! bound means nothing, an absolute floor of 1e-15 (closed forms) or 1e-300 (p-values) applies.

use std::path::Path;

use modelops_core::stats::{
    analyze, required_sample_per_variant, AbAnalysis, AbAnalysisConfig, SuccessTest,
    VariantResults, Verdict,
};
use modelops_core::ErrorCode;
use serde_json::Value;

const CLOSED_FORM_REL: f64 = 1e-9;
const CLOSED_FORM_ABS: f64 = 1e-15;
const P_VALUE_REL: f64 = 1e-6;
const P_VALUE_ABS: f64 = 1e-300;

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats/reference.json");
    let text = std::fs::read_to_string(&path).expect("read reference.json");
    serde_json::from_str(&text).expect("parse reference.json")
}

fn close(actual: f64, expected: f64, rel: f64, abs: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs() + abs
}

/// Compares every figure of `expected` with the same path in `actual`; returns the mismatches.
fn compare(path: &str, actual: &Value, expected: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(exp), Value::Object(act)) => {
            for (key, e) in exp {
                let p = format!("{path}.{key}");
                match act.get(key) {
                    Some(a) => compare(&p, a, e, out),
                    None => out.push(format!("{p}: missing in the analysis")),
                }
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            let is_p = path.ends_with("pValue");
            let (rel, abs) = if is_p {
                (P_VALUE_REL, P_VALUE_ABS)
            } else {
                (CLOSED_FORM_REL, CLOSED_FORM_ABS)
            };
            if !close(a, e, rel, abs) {
                out.push(format!(
                    "{path}: got {a:e}, SciPy {e:e} (relative error {:e})",
                    ((a - e) / e).abs()
                ));
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: got {a}, SciPy {e}")),
    }
}

fn lookup<'a>(v: &'a Value, dotted: &str) -> &'a Value {
    dotted.split('.').fold(v, |v, k| &v[k])
}

#[test]
fn reference_figures_match_scipy_and_published_examples() {
    let doc = reference();
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 12, "the fixture covers at least 12 cases");
    let mut failures = Vec::new();
    let mut published = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let a: VariantResults = serde_json::from_value(case["a"].clone()).unwrap();
        let b: VariantResults = serde_json::from_value(case["b"].clone()).unwrap();
        let cfg: AbAnalysisConfig = serde_json::from_value(case["config"].clone()).unwrap();
        let analysis = analyze(&a, &b, &cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual = serde_json::to_value(&analysis).unwrap();

        let mut expected = case["expected"].clone();
        let exact_size = expected
            .as_object_mut()
            .unwrap()
            .remove("requiredSampleExact")
            .and_then(|v| v.as_f64())
            .unwrap();
        compare(name, &actual, &expected, &mut failures);
        let size = required_sample_per_variant(
            analysis.success.rate_a,
            cfg.min_detectable_effect,
            cfg.alpha,
            cfg.power,
        );
        if !close(size, exact_size, CLOSED_FORM_REL, CLOSED_FORM_ABS) {
            failures.push(format!(
                "{name}.requiredSampleExact: got {size}, SciPy {exact_size}"
            ));
        }

        if let Some(p) = case.get("published") {
            published += 1;
            for (field, fig) in p["figures"].as_object().unwrap() {
                let got = lookup(&actual, field).as_f64().unwrap();
                let want = fig["value"].as_f64().unwrap();
                let tol = fig["tolerance"].as_f64().unwrap();
                if (got - want).abs() > tol {
                    failures.push(format!(
                        "{name}.{field}: got {got}, published {want} ± {tol} ({})",
                        p["source"].as_str().unwrap()
                    ));
                }
            }
        }
    }
    assert!(published >= 3, "the fixture carries published examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fixture_spans_the_cases_the_issue_asks_for() {
    let doc = reference();
    let cases = doc["cases"].as_array().unwrap();
    let verdicts: Vec<&str> = cases
        .iter()
        .map(|c| c["expected"]["verdict"].as_str().unwrap())
        .collect();
    for v in ["aWins", "bWins", "inconclusive", "notDecisionGrade"] {
        assert!(verdicts.contains(&v), "some case ends in {v}");
    }
    let any = |f: &dyn Fn(&Value) -> bool| cases.iter().any(|c| f(&c["expected"]));
    assert!(any(&|e| e["success"]["test"] == "fisherExact"));
    assert!(any(&|e| e["success"]["test"] == "zTest"));
    assert!(any(&|e| e["srm"]["mismatch"] == true));
    assert!(any(&|e| e["success"]["relativeLift"].is_null()));
    assert!(any(&|e| !e["latency"].is_null()));
}

fn variant(requests: u64, successes: u64) -> VariantResults {
    VariantResults {
        assignments: requests,
        requests,
        successes,
        latency_ms: None,
    }
}

fn cfg() -> AbAnalysisConfig {
    AbAnalysisConfig::new(0.5, 0.01)
}

fn run(a: &VariantResults, b: &VariantResults) -> AbAnalysis {
    analyze(a, b, &cfg()).unwrap()
}

#[test]
fn the_better_variant_wins_when_significant_and_decision_grade() {
    let b_wins = run(&variant(20_000, 2_200), &variant(20_000, 2_480));
    assert!(b_wins.decision_grade);
    assert_eq!(b_wins.verdict, Verdict::BWins);
    assert_eq!(
        b_wins.summary,
        "B's success rate 12.4% vs A's 11.0%: +1.4 points (95% CI +0.8 to +2.0), p < 0.0001. B wins."
    );

    // The same counts with the variants swapped.
    let a_wins = run(&variant(20_000, 2_480), &variant(20_000, 2_200));
    assert_eq!(a_wins.verdict, Verdict::AWins);
    assert!(a_wins.success.z_score.unwrap() < 0.0);
    assert!(a_wins
        .summary
        .ends_with("-1.4 points (95% CI -2.0 to -0.8), p < 0.0001. A wins."));
}

#[test]
fn no_significant_difference_is_inconclusive_not_a_win() {
    let r = run(&variant(50_000, 5_000), &variant(50_000, 5_040));
    assert!(r.decision_grade);
    assert!(!r.success.significant);
    assert!(r.success.diff > 0.0, "B is ahead, but not significantly");
    assert_eq!(r.verdict, Verdict::Inconclusive);
    assert!(
        r.summary
            .ends_with("No significant difference at α = 0.05: inconclusive."),
        "{}",
        r.summary
    );
}

#[test]
fn a_stricter_alpha_turns_the_same_counts_inconclusive() {
    let (a, b) = (variant(40_000, 4_000), variant(40_000, 4_190));
    let loose = analyze(&a, &b, &AbAnalysisConfig::new(0.5, 0.01)).unwrap();
    assert_eq!(loose.verdict, Verdict::BWins);
    let strict = AbAnalysisConfig {
        alpha: 0.01,
        ..AbAnalysisConfig::new(0.5, 0.01)
    };
    let strict = analyze(&a, &b, &strict).unwrap();
    assert_eq!(strict.success.p_value, loose.success.p_value);
    assert_eq!(strict.verdict, Verdict::Inconclusive);
    assert!(strict.summary.contains("(99% CI "), "{}", strict.summary);
}

#[test]
fn not_decision_grade_until_the_sample_size_is_reached() {
    // A's rate is fixed at 10%, so the required size is fixed too. Equal assignments: no mismatch.
    let assigned = |v: VariantResults| VariantResults {
        assignments: 50_000,
        ..v
    };
    let a = assigned(variant(100_000, 10_000));
    let need = required_sample_per_variant(0.1, 0.01, 0.05, 0.8).ceil() as u64;
    assert_eq!(
        need, 14_751,
        "the Fleiss formula at 10% ± 1 point, α 0.05, power 0.8"
    );

    let b_at = |n: u64| assigned(variant(n, (n as f64 * 0.125).round() as u64));
    let short = run(&a, &b_at(need - 1));
    assert_eq!(short.required_sample_per_variant, need);
    assert!(
        short.success.significant,
        "significant already, but too early to call"
    );
    assert!(!short.decision_grade);
    assert_eq!(short.verdict, Verdict::NotDecisionGrade);
    assert!(
        short.summary.contains(
            "Not decision-grade yet: each variant needs 14,751 requests to detect a 1-point \
             difference (A has 100,000, B has 14,750)."
        ),
        "{}",
        short.summary
    );

    let enough = run(&a, &b_at(need));
    assert!(enough.decision_grade);
    assert_eq!(enough.verdict, Verdict::BWins);
}

#[test]
fn a_smaller_effect_or_more_power_needs_more_samples() {
    let base = required_sample_per_variant(0.1, 0.01, 0.05, 0.8);
    assert!(required_sample_per_variant(0.1, 0.005, 0.05, 0.8) > 3.5 * base);
    assert!(required_sample_per_variant(0.1, 0.01, 0.05, 0.9) > base);
    assert!(required_sample_per_variant(0.1, 0.01, 0.01, 0.8) > base);
    // At a baseline near 100% the alternative goes down instead of past 100%.
    let high = required_sample_per_variant(0.995, 0.01, 0.05, 0.8);
    assert!(high.is_finite() && high > 0.0);
    assert_eq!(high, required_sample_per_variant(0.995, 0.01, 0.05, 0.8));
}

#[test]
fn sample_ratio_mismatch_is_flagged_below_p_0_001_and_blocks_the_verdict() {
    let a = variant(10_000, 1_000);
    let b = VariantResults {
        assignments: 10_600,
        ..variant(10_600, 1_200)
    };
    let r = analyze(&a, &b, &AbAnalysisConfig::new(0.5, 0.03)).unwrap();
    assert!(r.srm.mismatch);
    assert!(r.srm.p_value < 0.001);
    assert_eq!((r.srm.expected_a, r.srm.expected_b), (10_300.0, 10_300.0));
    assert!(
        r.success.significant,
        "B looks better, but the split is off"
    );
    assert!(!r.decision_grade);
    assert_eq!(r.verdict, Verdict::NotDecisionGrade);
    assert!(
        r.summary.contains(
            "Not decision-grade yet: the assignments (10,000 A, 10,600 B) do not match the \
             configured 50/50 split (p < 0.0001)"
        ),
        "{}",
        r.summary
    );

    // The same assignments are no mismatch for a split that predicts them.
    let fitting = AbAnalysisConfig::new(10_600.0 / 20_600.0, 0.03);
    let r = analyze(&a, &b, &fitting).unwrap();
    assert!(!r.srm.mismatch);
    assert!(r.srm.chi_square < 1e-9);
    assert_eq!(r.verdict, Verdict::BWins);
}

#[test]
fn the_srm_threshold_sits_at_p_0_001() {
    // At 50/50 over 20,000 assignments, p = 0.001 falls between a gap of 464 and one of 466.
    let with = |a: u64, b: u64| {
        let va = VariantResults {
            assignments: a,
            ..variant(20_000, 2_000)
        };
        let vb = VariantResults {
            assignments: b,
            ..variant(20_000, 2_000)
        };
        run(&va, &vb).srm
    };
    let inside = with(9_768, 10_232);
    assert!(inside.p_value > 0.001 && !inside.mismatch, "{inside:?}");
    let outside = with(9_767, 10_233);
    assert!(outside.p_value < 0.001 && outside.mismatch, "{outside:?}");
}

#[test]
fn small_counts_take_fishers_exact_test() {
    let r = run(&variant(12, 1), &variant(11, 6));
    assert_eq!(r.success.test, SuccessTest::FisherExact);
    assert_eq!(r.success.z_score, None);
    assert!(r.summary.contains("(Fisher's exact test)"), "{}", r.summary);
    // An expected count of exactly 5 in every cell keeps the z-test: 10 of 20 per variant.
    let r = run(&variant(10, 5), &variant(10, 5));
    assert_eq!(r.success.test, SuccessTest::ZTest);
    let r = run(&variant(10, 5), &variant(10, 4));
    assert_eq!(r.success.test, SuccessTest::FisherExact);
}

#[test]
fn rates_of_zero_and_one_give_defined_figures() {
    let none = run(&variant(500, 0), &variant(400, 0));
    assert_eq!(none.success.relative_lift, None);
    assert_eq!(none.success.p_value, 1.0);
    assert_eq!((none.success.ci_low, none.success.ci_high), (0.0, 0.0));
    assert!(!none.summary.contains("NaN"), "{}", none.summary);

    let all = run(&variant(500, 500), &variant(400, 400));
    assert_eq!(all.success.relative_lift, Some(0.0));
    assert_eq!(all.success.p_value, 1.0);
    assert_eq!(all.verdict, Verdict::NotDecisionGrade);
    assert!(all.required_sample_per_variant > 0);
}

#[test]
fn latency_is_compared_only_when_both_variants_have_samples() {
    let with = |samples: Option<Vec<f64>>| VariantResults {
        latency_ms: samples,
        ..variant(1_000, 100)
    };
    let r = run(&with(Some(vec![10.0, 12.0])), &with(None));
    assert_eq!(r.latency, None);
    let r = run(&with(Some(vec![10.0, 12.0])), &with(Some(vec![])));
    assert_eq!(r.latency, None);
    let r = run(
        &with(Some(vec![10.0, 12.0, 11.0])),
        &with(Some(vec![20.0, 21.0])),
    );
    let l = r.latency.unwrap();
    assert_eq!((l.u_statistic, l.median_a, l.median_b), (0.0, 11.0, 20.5));
    // SciPy: mannwhitneyu([10, 12, 11], [20, 21], method="asymptotic") gives U = 0, p = 0.1489.
    assert!(
        (l.p_value - 0.14891467317876572).abs() < 1e-7,
        "{}",
        l.p_value
    );
    assert!(
        r.summary
            .ends_with("Median latency 20.5 ms for B vs 11 ms for A (Mann–Whitney p = 0.15)."),
        "{}",
        r.summary
    );
    assert_eq!(
        r.verdict,
        Verdict::NotDecisionGrade,
        "latency never decides"
    );
}

#[test]
fn config_defaults_and_wire_names() {
    let cfg: AbAnalysisConfig =
        serde_json::from_str(r#"{"trafficSplitB": 0.3, "minDetectableEffect": 0.02}"#).unwrap();
    assert_eq!(cfg, AbAnalysisConfig::new(0.3, 0.02));
    assert_eq!((cfg.alpha, cfg.power), (0.05, 0.8));
    let v: VariantResults =
        serde_json::from_str(r#"{"assignments": 3, "requests": 5, "successes": 2}"#).unwrap();
    assert_eq!(v.latency_ms, None);
    let json = serde_json::to_value(run(&variant(20_000, 2_480), &variant(20_000, 2_200))).unwrap();
    assert_eq!(json["verdict"], "aWins");
    assert_eq!(json["success"]["test"], "zTest");
    assert!(json["requiredSamplePerVariant"].is_u64());
}

fn invalid(a: &VariantResults, b: &VariantResults, cfg: &AbAnalysisConfig) -> String {
    let err = analyze(a, b, cfg).expect_err("invalid input is refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    err.to_string()
}

#[test]
fn invalid_counts_are_refused_naming_the_field() {
    let ok = variant(100, 10);
    let msg = invalid(&variant(100, 101), &ok, &cfg());
    assert!(
        msg.contains("Variant A") && msg.contains("successes (101) exceed requests (100)"),
        "{msg}"
    );
    let msg = invalid(&ok, &variant(0, 0), &cfg());
    assert!(
        msg.contains("Variant B") && msg.contains("requests = 0"),
        "{msg}"
    );
    let none = |v: &VariantResults| VariantResults {
        assignments: 0,
        ..v.clone()
    };
    let msg = invalid(&none(&ok), &none(&ok), &cfg());
    assert!(msg.contains("assignments"), "{msg}");
    let huge = VariantResults {
        requests: (1 << 53) + 1,
        ..ok.clone()
    };
    let msg = invalid(&ok, &huge, &cfg());
    assert!(
        msg.starts_with("Variant B: requests (9007199254740993)"),
        "{msg}"
    );
    // One empty side is a (severe) mismatch, not an error.
    assert!(run(&none(&ok), &ok).srm.mismatch);
}

#[test]
fn invalid_settings_are_refused_naming_the_field() {
    let (a, b) = (variant(100, 10), variant(100, 12));
    let with = |f: &dyn Fn(&mut AbAnalysisConfig)| {
        let mut c = cfg();
        f(&mut c);
        c
    };
    let cases: Vec<(&str, AbAnalysisConfig)> = vec![
        ("trafficSplitB", with(&|c| c.traffic_split_b = 0.0)),
        ("trafficSplitB", with(&|c| c.traffic_split_b = 1.0)),
        ("trafficSplitB", with(&|c| c.traffic_split_b = f64::NAN)),
        ("alpha", with(&|c| c.alpha = 0.0)),
        ("alpha", with(&|c| c.alpha = 0.51)),
        ("alpha", with(&|c| c.alpha = f64::NAN)),
        (
            "minDetectableEffect",
            with(&|c| c.min_detectable_effect = 0.0),
        ),
        (
            "minDetectableEffect",
            with(&|c| c.min_detectable_effect = -0.01),
        ),
        (
            "minDetectableEffect",
            with(&|c| c.min_detectable_effect = 1.0),
        ),
        ("power", with(&|c| c.power = 0.0)),
        ("power", with(&|c| c.power = 1.0)),
        ("power", with(&|c| c.power = f64::INFINITY)),
    ];
    for (field, c) in cases {
        let msg = invalid(&a, &b, &c);
        assert!(
            msg.starts_with(&format!("{field} must be")),
            "{field}: {msg}"
        );
    }
    // The edges that are allowed.
    assert!(analyze(&a, &b, &with(&|c| c.alpha = 0.5)).is_ok());
}

#[test]
fn invalid_latency_samples_are_refused_naming_the_sample() {
    let ok = variant(100, 10);
    for (bad, shown) in [
        (f64::NAN, "NaN"),
        (-1.0, "-1"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let v = VariantResults {
            latency_ms: Some(vec![12.0, 0.0, bad]),
            ..ok.clone()
        };
        let msg = invalid(&ok, &v, &cfg());
        assert!(
            msg.starts_with(&format!("Variant B: latencyMs[2] is {shown};")),
            "{msg}"
        );
    }
}
