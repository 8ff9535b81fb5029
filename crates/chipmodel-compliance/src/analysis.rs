//! Questions built on the classifier: a chip's timeline, what-if flips, headroom, and the
//! Diffusion rule's caps for a fleet.

use chipmodel_catalog::Chip;
use serde::{Deserialize, Serialize};

use crate::classify::{ChipMetrics, Classification, classify_metrics};
use crate::error::invalid;
use crate::rules::{Metric, RuleSet};
use crate::{ComplianceError, NOT_LEGAL_ADVICE};

/// A chip's status from one rule change to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// From this date.
    pub date: String,
    /// The classification on that date.
    pub classification: Classification,
}

/// Dates at which the outcome can change: each rule set's effective date, the dates its
/// destinations change (Macau, 2023-01-17) and the dates a rule stops being enforced.
fn change_dates() -> Result<Vec<String>, ComplianceError> {
    let mut d: Vec<String> = Vec::new();
    for r in RuleSet::all()? {
        d.push(r.effective.clone());
        d.extend(r.destination.iter().filter_map(|x| x.since.clone()));
        d.extend(r.not_enforced_from.clone());
        d.extend(r.tariff.iter().map(|t| t.effective.clone()));
    }
    d.sort();
    d.dedup();
    Ok(d)
}

/// The chip's status at every rule change from October 2022 on, for one destination: a step
/// function (each entry holds until the next).
///
/// # Examples
///
/// ```
/// let a800 = chipmodel_catalog::Catalog::embedded().get("a800").unwrap();
/// let t = chipmodel_compliance::timeline(a800, "CN", None).unwrap();
/// let at = |date: &str| t.iter().rev().find(|e| e.date.as_str() <= date).unwrap();
/// assert!(!at("2023-01-01").classification.license_required);   // outside the 2022 I/O test
/// assert!(at("2024-01-01").classification.license_required);    // inside the 2023 rule
/// ```
pub fn timeline(
    chip: &Chip,
    destination: &str,
    end_user_hq: Option<&str>,
) -> Result<Vec<TimelineEntry>, ComplianceError> {
    let m = ChipMetrics::of(chip);
    change_dates()?
        .into_iter()
        .map(|date| {
            let rs = RuleSet::on(&date)?;
            Ok(TimelineEntry {
                classification: classify_metrics(&m, destination, &date, rs.as_ref(), end_user_hq)?,
                date,
            })
        })
        .collect()
}

/// A chip whose status differs between two rule sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flip {
    /// Chip id.
    pub chip: String,
    /// Under the base rules.
    pub base: Classification,
    /// Under the variant.
    pub variant: Classification,
}

/// The chips whose ECCN, licence requirement or review policy changes from `base` to `variant`
/// (for one destination and date).
///
/// # Examples
///
/// ```
/// use chipmodel_compliance::{flips, Metric, RuleSet};
/// let base = RuleSet::get("us-2023-10").unwrap();
/// let variant = base.with_line(Metric::Tpp, 4800.0, 3000.0).unwrap();
/// let chips = chipmodel_catalog::Catalog::embedded();
/// let changed = flips(&base, &variant, chips.chips(), "CN", "2024-01-01").unwrap();
/// assert!(changed.iter().any(|f| f.chip == "tpu-v5e")); // TPP 3,152: under 4,800, over 3,000
/// ```
pub fn flips(
    base: &RuleSet,
    variant: &RuleSet,
    chips: &[Chip],
    destination: &str,
    date: &str,
) -> Result<Vec<Flip>, ComplianceError> {
    let mut out = Vec::new();
    for c in chips {
        let m = ChipMetrics::of(c);
        let a = classify_metrics(&m, destination, date, Some(base), None)?;
        let b = classify_metrics(&m, destination, date, Some(variant), None)?;
        if (&a.eccn, a.license_required, a.review_policy)
            != (&b.eccn, b.license_required, b.review_policy)
        {
            out.push(Flip {
                chip: c.id.clone(),
                base: a,
                variant: b,
            });
        }
    }
    Ok(out)
}

impl RuleSet {
    /// A variant with every threshold on `metric` equal to `old` moved to `new` (both sides of a
    /// line move together: 3A090.a.1's TPP ≥ 4,800, 3A090.b.1's TPP < 4,800 and Note 2's
    /// TPP < 4,800).
    ///
    /// # Errors
    ///
    /// `new` not a finite number of 0 or more, or no threshold on `metric` equal to `old` (a
    /// what-if that would change nothing is refused rather than reported as a result).
    pub fn with_line(
        &self,
        metric: Metric,
        old: f64,
        new: f64,
    ) -> Result<RuleSet, ComplianceError> {
        if !(new.is_finite() && new >= 0.0) {
            return Err(invalid(
                "new",
                new,
                "must be a finite threshold of 0 or more",
            ));
        }
        let lines = self.thresholds(metric);
        if !lines.contains(&old) {
            let shown: Vec<String> = lines.iter().map(|x| x.to_string()).collect();
            return Err(invalid(
                "old",
                old,
                format!(
                    "no {} threshold of {} equals it (its {} thresholds: {})",
                    metric.label(),
                    self.id,
                    metric.label(),
                    if shown.is_empty() {
                        "none".to_string()
                    } else {
                        shown.join(", ")
                    }
                ),
            ));
        }
        let mut r = self.clone();
        r.id = format!("{}-what-if", self.id);
        r.name = format!(
            "{} with the {} line {} moved to {}",
            self.name,
            metric.label(),
            old,
            new
        );
        for c in r
            .criteria_mut()
            .filter(|c| c.metric == metric && c.value == old)
        {
            c.value = new;
        }
        r.uncertain.push(format!(
            "what-if: {} {} → {} (not a rule)",
            metric.label(),
            old,
            new
        ));
        Ok(r)
    }

    /// Every distinct threshold on `metric` in this rule set (paragraphs, Note 2, the
    /// case-by-case window, tariff bands), ascending.
    pub fn thresholds(&self, metric: Metric) -> Vec<f64> {
        let mut out: Vec<f64> = Vec::new();
        for c in self.criteria().filter(|c| c.metric == metric) {
            if !out.contains(&c.value) {
                out.push(c.value);
            }
        }
        out.sort_by(f64::total_cmp);
        out
    }
}

/// How far a chip's compute must be cut to leave a control (the question behind the H20 and the
/// RTX 4090D).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headroom {
    /// Chip id.
    pub chip: String,
    /// Rule set.
    pub rules: String,
    /// The chip's current classification (destination China).
    pub eccn: Option<String>,
    /// Largest compute scale that leaves 3A090.a (≤ 1; 1 when already outside).
    pub scale_to_leave_3a090a: Option<f64>,
    /// Largest compute scale that leaves 3A090 entirely.
    pub scale_to_leave_3a090: Option<f64>,
    /// The TPP at that scale.
    pub tpp_to_leave_3a090: Option<f64>,
    /// Largest compute scale that keeps the case-by-case window (January 2026), if the rule has one.
    pub scale_within_case_by_case: Option<f64>,
    /// Largest chip-to-chip I/O scale that leaves 3A090, where the rule tests I/O (October 2022).
    pub io_scale_to_leave_3a090: Option<f64>,
    /// Largest DRAM-bandwidth scale that keeps the case-by-case window (January 2026).
    pub dram_scale_within_case_by_case: Option<f64>,
    /// Plain-language lines.
    pub lines: Vec<String>,
    /// Not legal advice.
    pub disclaimer: String,
}

/// The largest s in (0, hi] with `pred(s)` true, given `pred` holds below some point and fails above.
fn largest(pred: impl Fn(f64) -> bool, hi: f64) -> Option<f64> {
    if pred(hi) {
        return Some(hi);
    }
    let (mut lo, mut up) = (0.0, hi);
    if !pred(1e-9) {
        return None;
    }
    for _ in 0..60 {
        let mid = (lo + up) / 2.0;
        if pred(mid) { lo = mid } else { up = mid }
    }
    Some(lo)
}

/// How far compute (TPP and, with it, performance density) must be cut for `chip` to leave
/// 3A090.a and 3A090 under `rules`; where the rule tests them, how far chip-to-chip I/O must be
/// cut (October 2022) and how far compute and DRAM bandwidth may grow within the January 2026
/// case-by-case window.
///
/// # Examples
///
/// ```
/// let h100 = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let rules = chipmodel_compliance::RuleSet::get("us-2023-10").unwrap();
/// let h = chipmodel_compliance::headroom(h100, &rules).unwrap();
/// // To leave 3A090 the H100 must fall below 3A090.b.1's TPP floor of 2,400 (its performance
/// // density, 2.95 by then, is already under b.2's 3.2): 15.2% of its compute.
/// let s = h.scale_to_leave_3a090.unwrap();
/// assert!((s * 15_832.0 - 2_400.0).abs() < 1.0, "{s}");
/// ```
// Stays whole: one bisection per lever (compute, I/O, DRAM bandwidth) over the same classification, reported together.
pub fn headroom(chip: &Chip, rules: &RuleSet) -> Result<Headroom, ComplianceError> {
    let m = ChipMetrics::of(chip);
    let date = rules.effective.clone();
    let eccn_at = |s: f64| {
        classify_metrics(&m.scaled_compute(s), "CN", &date, Some(rules), None)
            .map(|c| (c.eccn, c.determined, c.review_policy))
    };
    let (eccn, determined, _) = eccn_at(1.0)?;
    if !determined {
        return Err(invalid(
            "chip",
            &chip.id,
            "its classification is undetermined (a value the rule needs is missing), so its headroom is too",
        ));
    }
    let leave_a = largest(
        |s| {
            eccn_at(s)
                .map(|(e, _, _)| e.as_deref() != Some("3A090.a"))
                .unwrap_or(false)
        },
        1.0,
    );
    let leave = largest(
        |s| eccn_at(s).map(|(e, _, _)| e.is_none()).unwrap_or(false),
        1.0,
    );
    let mut lines = Vec::new();
    if let Some(s) = leave_a.filter(|s| *s < 1.0) {
        lines.push(format!(
            "cut compute to {:.1}% (TPP {:.0}) to leave 3A090.a under {}",
            s * 100.0,
            m.tpp * s,
            rules.id
        ));
    }
    if let Some(s) = leave.filter(|s| *s < 1.0) {
        lines.push(format!(
            "cut compute to {:.1}% (TPP {:.0}) to leave 3A090 under {}",
            s * 100.0,
            m.tpp * s,
            rules.id
        ));
    } else if eccn.is_none() {
        lines.push(format!("already outside 3A090 under {}", rules.id));
    }
    let within = rules.case_by_case.as_ref().and_then(|cbc| {
        let ok = |s: f64| {
            let x = m.scaled_compute(s);
            cbc.criteria
                .iter()
                .all(|c| x.get(c.metric).is_some_and(|v| c.op.holds(v, c.value)))
        };
        largest(ok, 100.0)
    });
    let uses = |metric: Metric| {
        rules
            .paragraph
            .iter()
            .flat_map(|p| p.clause.iter().flat_map(|c| c.criteria.iter()))
            .any(|c| c.metric == metric)
    };
    let io_leave = if uses(Metric::IoBandwidthGbps) && m.io_bandwidth_gbps.is_some() {
        let io_out = |s: f64| {
            classify_metrics(&m.scaled_io(s), "CN", &date, Some(rules), None)
                .map(|c| c.eccn.is_none())
                .unwrap_or(false)
        };
        largest(io_out, 1.0)
    } else {
        None
    };
    if let (Some(s), Some(io)) = (io_leave.filter(|s| *s < 1.0), m.io_bandwidth_gbps) {
        lines.push(format!(
            "or cut chip-to-chip I/O to {:.1}% ({:.0} GB/s) to leave 3A090 under {}",
            s * 100.0,
            io * s,
            rules.id
        ));
    }
    let dram_within = rules.case_by_case.as_ref().and_then(|cbc| {
        let ok = |s: f64| {
            let x = m.scaled_dram(s);
            cbc.criteria
                .iter()
                .all(|c| x.get(c.metric).is_some_and(|v| c.op.holds(v, c.value)))
        };
        largest(ok, 100.0)
    });
    if let Some(s) = dram_within {
        lines.push(format!(
            "the window holds up to {:.0}% of today's DRAM bandwidth ({:.0} GB/s, below 6,500)",
            s * 100.0,
            m.dram_bandwidth_gbps * s
        ));
    }
    if let Some(s) = within {
        lines.push(format!(
            "the case-by-case window holds up to {:.0}% of today's compute (TPP below 21,000 at today's {:.0} GB/s of DRAM bandwidth)",
            s * 100.0,
            m.dram_bandwidth_gbps
        ));
    }
    Ok(Headroom {
        chip: chip.id.clone(),
        rules: rules.id.clone(),
        eccn,
        scale_to_leave_3a090a: leave_a,
        scale_to_leave_3a090: leave,
        tpp_to_leave_3a090: leave.map(|s| m.tpp * s),
        scale_within_case_by_case: within,
        io_scale_to_leave_3a090: io_leave,
        dram_scale_within_case_by_case: dram_within,
        lines,
        disclaimer: NOT_LEGAL_ADVICE.to_string(),
    })
}

/// A fleet's total TPP against the Diffusion rule's caps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffusionCaps {
    /// Sum of TPP × count.
    pub total_tpp: f64,
    /// In H100 equivalents (TPP 15,832).
    pub h100_equivalents: f64,
    /// LPP cap per consignee per year.
    pub lpp_cap_tpp: f64,
    /// total ÷ LPP cap.
    pub lpp_fraction: f64,
    /// Tier-2 country allocation 2025-2027.
    pub tier2_allocation_tpp: f64,
    /// total ÷ allocation.
    pub tier2_fraction: f64,
    /// Caveats.
    pub uncertain: Vec<String>,
    /// Not legal advice.
    pub disclaimer: String,
}

/// Totals a fleet's TPP (chips by name with counts) against the us-2025-01 caps.
///
/// # Examples
///
/// ```
/// let h100 = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let caps = chipmodel_compliance::diffusion_caps(&[(h100, 1_699.0)]).unwrap();
/// assert!((caps.lpp_fraction - 1.0).abs() < 0.01); // 1,699 H100s ≈ the LPP cap
/// ```
pub fn diffusion_caps(fleet: &[(&Chip, f64)]) -> Result<DiffusionCaps, ComplianceError> {
    let rs = RuleSet::get("us-2025-01")?;
    let d = rs
        .diffusion
        .clone()
        .ok_or_else(|| invalid("rules", "us-2025-01", "has no diffusion section"))?;
    let mut total = 0.0;
    for (chip, count) in fleet {
        if !(count.is_finite() && *count >= 0.0) {
            return Err(invalid(
                "count",
                count,
                format!("chip counts must be finite and not negative ({})", chip.id),
            ));
        }
        total += chip.tpp() * count;
    }
    Ok(DiffusionCaps {
        total_tpp: total,
        h100_equivalents: total / 15_832.0,
        lpp_cap_tpp: d.lpp_tpp_per_consignee_per_year,
        lpp_fraction: total / d.lpp_tpp_per_consignee_per_year,
        tier2_allocation_tpp: d.tier2_country_allocation_tpp,
        tier2_fraction: total / d.tier2_country_allocation_tpp,
        uncertain: rs.uncertain.clone(),
        disclaimer: NOT_LEGAL_ADVICE.to_string(),
    })
}
