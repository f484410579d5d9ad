//! The statistics of an A/B test: from the counts imported for each variant to a verdict the user can act on.
//!
//! [`analyze`] is a pure function (no database, no clock), so the same counts always give the same answer and
//! the figures can be checked against SciPy's (`tests/fixtures/stats/reference.json`, written by
//! `tests/fixtures/stats/generate.py`). The distributions come from `statrs`; what is computed here is only the
//! test statistics built on them.
//!
//! To add a figure: compute it in `analyze`, add the field to the result type (ts-rs exports it), add the same
//! figure to `generate.py`, regenerate `reference.json`, and compare it in `tests/stats.rs`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Discrete, Hypergeometric, Normal};
use ts_rs::TS;

use crate::error::{DomainError, Result};

/// A sample-ratio mismatch is flagged below this p-value. Far stricter than α on purpose: the check runs on
/// every analysis, and with tens of thousands of assignments a real assignment bug gives p-values many orders
/// of magnitude below it, while 0.05 would cry wolf on one healthy test in twenty.
pub const SRM_P_THRESHOLD: f64 = 0.001;

/// Below this expected count in any cell of the 2×2 table the normal approximation of the z-test is not
/// trusted (the usual rule of thumb, as for Pearson's chi-square), so Fisher's exact test is used instead.
pub const MIN_EXPECTED_CELL: f64 = 5.0;

/// Two hypergeometric probabilities within this relative distance count as equal in Fisher's two-sided sum.
/// Tables that are mirror images have mathematically equal probabilities, but the log-gamma arithmetic gives
/// them different last digits (more so in large populations); without a tolerance one of them would be left
/// out of the sum. R's `fisher.test` uses the same 1e-7; SciPy uses 1e-14 on its own arithmetic.
const FISHER_RELATIVE_TOLERANCE: f64 = 1e-7;

/// Counts are carried as `f64` in the formulas, which holds integers exactly up to 2^53; larger ones are
/// refused rather than silently rounded (and their sums could overflow `u64`).
const MAX_COUNT: u64 = 1 << 53;

/// What was observed for one variant, as imported from the user's results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VariantResults {
    /// Units (users, sessions) the router assigned to this variant; compared with the configured split.
    #[ts(type = "number")]
    pub assignments: u64,
    /// Requests served by this variant; the denominator of the success rate.
    #[ts(type = "number")]
    pub requests: u64,
    /// Requests that succeeded; at most `requests`.
    #[ts(type = "number")]
    pub successes: u64,
    /// Optional per-request latencies in milliseconds (finite, not negative).
    #[serde(default)]
    #[ts(optional)]
    pub latency_ms: Option<Vec<f64>>,
}

/// How to judge the test. `alpha` and `power` may be left out and default to 0.05 and 0.8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbAnalysisConfig {
    /// Share of traffic configured for B, strictly between 0 and 1 (0.5 for a 50/50 split).
    pub traffic_split_b: f64,
    /// Significance level, two-sided; in (0, 0.5].
    #[serde(default = "default_alpha")]
    #[ts(optional = nullable)]
    pub alpha: f64,
    /// The smallest absolute difference in success rate worth detecting, e.g. 0.01 for one point.
    pub min_detectable_effect: f64,
    /// Probability of detecting an effect of `minDetectableEffect` if it exists; in (0, 1).
    #[serde(default = "default_power")]
    #[ts(optional = nullable)]
    pub power: f64,
}

fn default_alpha() -> f64 {
    0.05
}

fn default_power() -> f64 {
    0.8
}

impl AbAnalysisConfig {
    /// A configuration with the default α = 0.05 and power = 0.8.
    pub fn new(traffic_split_b: f64, min_detectable_effect: f64) -> Self {
        AbAnalysisConfig {
            traffic_split_b,
            alpha: default_alpha(),
            min_detectable_effect,
            power: default_power(),
        }
    }
}

/// The sample-ratio-mismatch check: are the assignments what the configured split would give?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SrmCheck {
    /// Pearson's chi-square of the observed assignments against the expected ones (1 degree of freedom).
    pub chi_square: f64,
    pub p_value: f64,
    /// `pValue < 0.001` (`SRM_P_THRESHOLD`): the assignment itself is suspect, so no comparison of the variants is
    /// trustworthy until it is explained.
    pub mismatch: bool,
    /// Assignments expected for A and B from the total and the configured split.
    pub expected_a: f64,
    pub expected_b: f64,
}

/// Which test produced the success-rate p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SuccessTest {
    /// The pooled two-proportion z-test.
    ZTest,
    /// Fisher's exact test, two-sided; used when an expected cell count is below 5.
    FisherExact,
}

/// The comparison of success rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuccessComparison {
    pub rate_a: f64,
    pub rate_b: f64,
    /// `rateB - rateA`, absolute (0.014 is 1.4 points).
    pub diff: f64,
    /// `rateB / rateA - 1`; null when A never succeeded, as a lift over zero has no meaning.
    pub relative_lift: Option<f64>,
    /// The unpooled Wald interval for `diff` at level 1 − α, cut to [−1, 1] (with a handful of requests it
    /// can reach past what a difference of rates can be). It has zero width when both rates are 0 or 1: the
    /// data then show no variation to estimate from.
    pub ci_low: f64,
    pub ci_high: f64,
    pub test: SuccessTest,
    /// The z statistic (positive when B is better); null for Fisher's exact test.
    pub z_score: Option<f64>,
    /// Two-sided.
    pub p_value: f64,
    /// `pValue < alpha`.
    pub significant: bool,
}

/// The comparison of latencies by the Mann–Whitney U test.
///
/// The p-value is two-sided and uses the normal approximation with the tie correction of the variance and a
/// continuity correction of 0.5 (SciPy's `mannwhitneyu(method="asymptotic", use_continuity=True)`). The
/// exact distribution is not used: imported latencies are many and rounded, so ties are the rule and the
/// exact test does not apply to them. When every sample is equal there is no variance to test and p is 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LatencyComparison {
    /// U of A: the number of (A, B) pairs where A's latency is the larger, ties counting one half.
    pub u_statistic: f64,
    pub p_value: f64,
    pub median_a: f64,
    pub median_b: f64,
    /// `pValue < alpha`.
    pub significant: bool,
}

/// What the analysis concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Verdict {
    AWins,
    BWins,
    Inconclusive,
    NotDecisionGrade,
}

/// The full analysis of an A/B test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbAnalysis {
    pub srm: SrmCheck,
    pub success: SuccessComparison,
    /// Present when both variants have at least one latency sample.
    pub latency: Option<LatencyComparison>,
    /// Requests each variant needs to detect `minDetectableEffect` at α (two-sided) with the configured
    /// power, from A's success rate as the baseline.
    #[ts(type = "number")]
    pub required_sample_per_variant: u64,
    /// Both variants have at least `requiredSamplePerVariant` requests and there is no sample-ratio
    /// mismatch.
    pub decision_grade: bool,
    pub verdict: Verdict,
    /// The result in plain words, e.g. "B's success rate 12.4% vs A's 11.0%: +1.4 points (95% CI +0.8 to
    /// +2.0), p < 0.0001. B wins."
    pub summary: String,
}

/// Analyzes the results of variants A and B.
///
/// The verdict follows three rules, in this order:
///
/// 1. **Not decision-grade** while there is a sample-ratio mismatch or either variant has fewer requests
///    than the sample size for the minimum detectable effect. A mismatch means the variants did not receive
///    comparable traffic, so any difference may come from the assignment rather than the model. Stopping
///    before the planned sample size and declaring a winner the first time p dips below α ("peeking")
///    inflates the false-positive rate well beyond α; waiting for the planned size keeps α honest.
/// 2. Otherwise, **A wins** or **B wins** when the success-rate test is significant at α, for the variant
///    with the higher rate. Only the success rate decides: it is the metric the test was sized for, and
///    deciding on any of several metrics would multiply the chances of a false winner.
/// 3. Otherwise **inconclusive**: at the planned size an effect as large as the minimum detectable one
///    would have shown with the configured power, and none did. That is a result (neither variant is
///    clearly better), not a reason to keep the test running until one appears by chance.
///
/// Latency is reported alongside, for the user to weigh, but does not change the verdict.
///
/// # Errors
///
/// [`DomainError::InvalidInput`] naming the field when a count, a setting or a latency sample is out of
/// range.
pub fn analyze(
    a: &VariantResults,
    b: &VariantResults,
    cfg: &AbAnalysisConfig,
) -> Result<AbAnalysis> {
    validate_config(cfg)?;
    validate_variant("A", a)?;
    validate_variant("B", b)?;
    if a.assignments == 0 && b.assignments == 0 {
        return Err(DomainError::InvalidInput(
            "Neither variant has any assignments; the sample-ratio check needs the assignment counts."
                .to_owned(),
        ));
    }

    let srm = srm_check(a.assignments, b.assignments, cfg.traffic_split_b);
    let success = compare_success(a, b, cfg.alpha);
    let latency = match (a.latency_ms.as_deref(), b.latency_ms.as_deref()) {
        (Some(la), Some(lb)) if !la.is_empty() && !lb.is_empty() => {
            Some(compare_latency(la, lb, cfg.alpha))
        }
        _ => None,
    };
    let required = required_sample_per_variant(
        success.rate_a,
        cfg.min_detectable_effect,
        cfg.alpha,
        cfg.power,
    )
    .ceil() as u64;
    let enough = a.requests >= required && b.requests >= required;
    let decision_grade = enough && !srm.mismatch;
    let verdict = if !decision_grade {
        Verdict::NotDecisionGrade
    } else if success.significant && success.diff > 0.0 {
        Verdict::BWins
    } else if success.significant && success.diff < 0.0 {
        Verdict::AWins
    } else {
        Verdict::Inconclusive
    };

    let mut analysis = AbAnalysis {
        srm,
        success,
        latency,
        required_sample_per_variant: required,
        decision_grade,
        verdict,
        summary: String::new(),
    };
    analysis.summary = summary(&analysis, a, b, cfg);
    Ok(analysis)
}

pub fn validate_config(cfg: &AbAnalysisConfig) -> Result<()> {
    // Each condition says "inside the range"; comparisons with NaN are false, so NaN is refused too.
    let checks = [
        (
            "trafficSplitB",
            cfg.traffic_split_b,
            cfg.traffic_split_b > 0.0 && cfg.traffic_split_b < 1.0,
            "between 0 and 1 (exclusive), the share of traffic to B",
        ),
        (
            "alpha",
            cfg.alpha,
            cfg.alpha > 0.0 && cfg.alpha <= 0.5,
            "greater than 0 and at most 0.5",
        ),
        (
            "minDetectableEffect",
            cfg.min_detectable_effect,
            cfg.min_detectable_effect > 0.0 && cfg.min_detectable_effect < 1.0,
            "between 0 and 1 (exclusive), an absolute difference in success rate",
        ),
        (
            "power",
            cfg.power,
            cfg.power > 0.0 && cfg.power < 1.0,
            "between 0 and 1 (exclusive)",
        ),
    ];
    for (name, value, ok, range) in checks {
        if !ok {
            return Err(DomainError::InvalidInput(format!(
                "{name} must be {range}; got {value}."
            )));
        }
    }
    Ok(())
}

fn validate_variant(name: &str, v: &VariantResults) -> Result<()> {
    for (field, value) in [("assignments", v.assignments), ("requests", v.requests)] {
        if value > MAX_COUNT {
            return Err(DomainError::InvalidInput(format!(
                "Variant {name}: {field} ({value}) is above the largest count the analysis takes \
                 ({MAX_COUNT})."
            )));
        }
    }
    if v.requests == 0 {
        return Err(DomainError::InvalidInput(format!(
            "Variant {name} has no requests (requests = 0); a success rate needs at least one."
        )));
    }
    if v.successes > v.requests {
        return Err(DomainError::InvalidInput(format!(
            "Variant {name}: successes ({}) exceed requests ({}).",
            v.successes, v.requests
        )));
    }
    if let Some(samples) = &v.latency_ms {
        if let Some((i, x)) = samples
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            return Err(DomainError::InvalidInput(format!(
                "Variant {name}: latencyMs[{i}] is {x}; latency samples must be finite and not negative."
            )));
        }
    }
    Ok(())
}

fn standard_normal() -> Normal {
    Normal::standard()
}

fn srm_check(assigned_a: u64, assigned_b: u64, split_b: f64) -> SrmCheck {
    let total = (assigned_a + assigned_b) as f64;
    let expected_a = total * (1.0 - split_b);
    let expected_b = total * split_b;
    let chi_square = (assigned_a as f64 - expected_a).powi(2) / expected_a
        + (assigned_b as f64 - expected_b).powi(2) / expected_b;
    let p_value = ChiSquared::new(1.0)
        .expect("one degree of freedom is valid")
        .sf(chi_square);
    SrmCheck {
        chi_square,
        p_value,
        mismatch: p_value < SRM_P_THRESHOLD,
        expected_a,
        expected_b,
    }
}

fn compare_success(a: &VariantResults, b: &VariantResults, alpha: f64) -> SuccessComparison {
    let (na, nb) = (a.requests as f64, b.requests as f64);
    let (sa, sb) = (a.successes as f64, b.successes as f64);
    let (rate_a, rate_b) = (sa / na, sb / nb);
    let diff = rate_b - rate_a;

    let z_crit = standard_normal().inverse_cdf(1.0 - alpha / 2.0);
    let se = (rate_a * (1.0 - rate_a) / na + rate_b * (1.0 - rate_b) / nb).sqrt();

    // The 2×2 table: rows A and B, columns successes and failures.
    let total = na + nb;
    let (succ, fail) = (sa + sb, total - sa - sb);
    let min_expected = [na * succ, na * fail, nb * succ, nb * fail]
        .into_iter()
        .map(|x| x / total)
        .fold(f64::INFINITY, f64::min);

    let (test, z_score, p_value) = if min_expected < MIN_EXPECTED_CELL {
        let p = fisher_exact_two_sided(
            [a.successes, a.requests - a.successes],
            [b.successes, b.requests - b.successes],
        );
        (SuccessTest::FisherExact, None, p)
    } else {
        // Every expected cell is at least 5, so the pooled rate is strictly between 0 and 1.
        let pooled = succ / total;
        let z = diff / (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
        let p = (2.0 * standard_normal().sf(z.abs())).min(1.0);
        (SuccessTest::ZTest, Some(z), p)
    };

    SuccessComparison {
        rate_a,
        rate_b,
        diff,
        relative_lift: (rate_a > 0.0).then(|| rate_b / rate_a - 1.0),
        ci_low: (diff - z_crit * se).max(-1.0),
        ci_high: (diff + z_crit * se).min(1.0),
        test,
        z_score,
        p_value,
        significant: p_value < alpha,
    }
}

/// Fisher's exact test on the table `[row_a, row_b]`, two-sided: the sum of the probabilities of every table
/// with the same margins that is no more likely than the observed one (the definition SciPy's `fisher_exact`
/// and R's `fisher.test` use). A row or column of zeros leaves one possible table, so p = 1.
fn fisher_exact_two_sided(row_a: [u64; 2], row_b: [u64; 2]) -> f64 {
    let n_a = row_a[0] + row_a[1];
    let n_b = row_b[0] + row_b[1];
    let col_0 = row_a[0] + row_b[0];
    let population = n_a + n_b;
    if n_a == 0 || n_b == 0 || col_0 == 0 || col_0 == population {
        return 1.0;
    }
    // Drawing the col_0 first-column cells from the population, how many fall in row A.
    let dist = Hypergeometric::new(population, n_a, col_0).expect("margins fit the population");
    let low = col_0.saturating_sub(n_b);
    let high = col_0.min(n_a);
    // Log probabilities: the probabilities themselves overflow statrs' binomial coefficients past ~1,000.
    let observed = dist.ln_pmf(row_a[0]);
    let cutoff = observed + FISHER_RELATIVE_TOLERANCE.ln_1p();
    let p: f64 = (low..=high)
        .map(|x| dist.ln_pmf(x))
        .filter(|&lp| lp <= cutoff)
        .map(f64::exp)
        .sum();
    p.min(1.0)
}

fn compare_latency(a: &[f64], b: &[f64], alpha: f64) -> LatencyComparison {
    let (u_statistic, p_value) = mann_whitney_u(a, b);
    LatencyComparison {
        u_statistic,
        p_value,
        median_a: median(a),
        median_b: median(b),
        significant: p_value < alpha,
    }
}

/// U of `a` and the two-sided asymptotic p-value (tie and continuity corrected). Both samples non-empty and
/// finite.
fn mann_whitney_u(a: &[f64], b: &[f64]) -> (f64, f64) {
    let (n_a, n_b) = (a.len() as f64, b.len() as f64);
    let mut pooled: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&x| (x, false)))
        .collect();
    pooled.sort_by(|x, y| x.0.total_cmp(&y.0));

    // Mid-ranks over runs of equal values; the run lengths feed the tie correction.
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut start = 0;
    while start < pooled.len() {
        let mut end = start + 1;
        while end < pooled.len() && pooled[end].0 == pooled[start].0 {
            end += 1;
        }
        let run = (end - start) as f64;
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        let in_a = pooled[start..end].iter().filter(|(_, is_a)| *is_a).count() as f64;
        rank_sum_a += mid_rank * in_a;
        tie_term += run * run * run - run;
        start = end;
    }

    let u_a = rank_sum_a - n_a * (n_a + 1.0) / 2.0;
    let n = n_a + n_b;
    let mean = n_a * n_b / 2.0;
    let sd = (n_a * n_b / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
    if sd.is_nan() || sd <= 0.0 {
        return (u_a, 1.0);
    }
    let u = u_a.max(n_a * n_b - u_a);
    let z = (u - mean - 0.5) / sd;
    let p = (2.0 * standard_normal().sf(z)).clamp(0.0, 1.0);
    (u_a, p)
}

fn median(samples: &[f64]) -> f64 {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Requests per variant (not rounded) for a two-sided test at `alpha` to detect an absolute difference of
/// `mde` from the baseline rate with probability `power`.
///
/// The usual formula for two proportions without continuity correction (Fleiss, *Statistical Methods for
/// Rates and Proportions*): the variance under the null hypothesis from the mean of the two rates, under the
/// alternative from each rate. The alternative rate is `baseline + mde`, or `baseline - mde` when that would
/// pass 100%; if both leave [0, 1], it is clamped, which shrinks the effect and so errs towards more samples.
pub fn required_sample_per_variant(baseline: f64, mde: f64, alpha: f64, power: f64) -> f64 {
    let p1 = baseline;
    let p2 = if p1 + mde <= 1.0 { p1 + mde } else { p1 - mde }.clamp(0.0, 1.0);
    let d = (p2 - p1).abs();
    let mean = (p1 + p2) / 2.0;
    let normal = standard_normal();
    let z_alpha = normal.inverse_cdf(1.0 - alpha / 2.0);
    let z_power = normal.inverse_cdf(power);
    let root = z_alpha * (2.0 * mean * (1.0 - mean)).sqrt()
        + z_power * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
    root * root / (d * d)
}

fn summary(
    an: &AbAnalysis,
    a: &VariantResults,
    b: &VariantResults,
    cfg: &AbAnalysisConfig,
) -> String {
    let s = &an.success;
    // Two decimals when rates are small, where one would round the differences away.
    let dec = if s.rate_a.max(s.rate_b) < 0.05 { 2 } else { 1 };
    let level = trim_number(format!("{:.1}", (1.0 - cfg.alpha) * 100.0));
    let test = match s.test {
        SuccessTest::ZTest => "",
        SuccessTest::FisherExact => " (Fisher's exact test)",
    };
    let mut out = format!(
        "B's success rate {} vs A's {}: {} points ({level}% CI {} to {}), {}{test}.",
        percent(s.rate_b, dec),
        percent(s.rate_a, dec),
        signed_points(s.diff, dec),
        signed_points(s.ci_low, dec),
        signed_points(s.ci_high, dec),
        p_text(s.p_value),
    );
    out.push(' ');
    match an.verdict {
        Verdict::BWins => out.push_str("B wins."),
        Verdict::AWins => out.push_str("A wins."),
        Verdict::Inconclusive => out.push_str(&format!(
            "No significant difference at α = {}: inconclusive.",
            cfg.alpha
        )),
        Verdict::NotDecisionGrade => {
            let mut reasons = Vec::new();
            if an.srm.mismatch {
                reasons.push(format!(
                    "the assignments ({} A, {} B) do not match the configured {} split ({}), so check \
                     the assignment first",
                    thousands(a.assignments),
                    thousands(b.assignments),
                    split_text(cfg.traffic_split_b),
                    p_text(an.srm.p_value),
                ));
            }
            if a.requests < an.required_sample_per_variant
                || b.requests < an.required_sample_per_variant
            {
                reasons.push(format!(
                    "each variant needs {} requests to detect a {}-point difference (A has {}, B has {})",
                    thousands(an.required_sample_per_variant),
                    trim_number(format!("{:.2}", cfg.min_detectable_effect * 100.0)),
                    thousands(a.requests),
                    thousands(b.requests),
                ));
            }
            out.push_str(&format!(
                "Not decision-grade yet: {}.",
                reasons.join("; and ")
            ));
        }
    }
    if let Some(l) = &an.latency {
        out.push_str(&format!(
            " Median latency {} ms for B vs {} ms for A (Mann–Whitney {}).",
            trim_number(format!("{:.1}", l.median_b)),
            trim_number(format!("{:.1}", l.median_a)),
            p_text(l.p_value),
        ));
    }
    out
}

fn percent(rate: f64, dec: usize) -> String {
    format!("{:.*}%", dec, rate * 100.0)
}

/// Percentage points with a sign, and no sign on a figure that rounds to zero (never "-0.0").
fn signed_points(x: f64, dec: usize) -> String {
    let text = format!("{:.*}", dec, (x * 100.0).abs());
    if text.bytes().all(|c| c == b'0' || c == b'.') {
        text
    } else if x < 0.0 {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

/// "p = 0.012", two significant digits, or "p < 0.0001", or "p = 1".
fn p_text(p: f64) -> String {
    if p < 1e-4 {
        return "p < 0.0001".to_owned();
    }
    if p >= 0.995 {
        return "p = 1".to_owned();
    }
    let digits = (1 - p.log10().floor() as i32).max(2) as usize;
    format!("p = {:.*}", digits, p)
}

fn split_text(split_b: f64) -> String {
    let b = trim_number(format!("{:.1}", split_b * 100.0));
    let a = trim_number(format!("{:.1}", (1.0 - split_b) * 100.0));
    format!("{a}/{b}")
}

/// Drops trailing zeros of a fixed-point number: "95.0" → "95", "1.50" → "1.5".
fn trim_number(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
