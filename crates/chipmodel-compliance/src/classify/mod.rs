//! The classifier: a chip, a destination and a date (or a named rule set) → ECCN, licence,
//! review policy, exceptions, tariff, and every criterion tested with its margin and citation.

//!
//! The steps, each in its own file, run in this order: the ECCN ([`eccn`]), the licence
//! requirement and review policy by destination, end user, exceptions, the Diffusion framework
//! and the case-by-case window ([`licence`]), products named in is-informed letters and guidance
//! ([`named`]), and tariffs ([`tariff`]). The reasons each criterion gives are built in
//! [`criteria`].

mod criteria;
mod eccn;
mod licence;
mod named;
mod tariff;

use chipmodel_catalog::Chip;
use serde::{Deserialize, Serialize};

use crate::groups::{Groups, groups};
use crate::rules::{Metric, ReviewPolicy, RuleSet};
use crate::{ComplianceError, NOT_LEGAL_ADVICE};

pub use criteria::Reason;

/// What the rules read of a chip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChipMetrics {
    /// Chip id.
    pub id: String,
    /// TPP.
    pub tpp: f64,
    /// Performance density, if the die area is known.
    pub performance_density: Option<f64>,
    /// Aggregate bidirectional I/O, GB/s, if known.
    pub io_bandwidth_gbps: Option<f64>,
    /// DRAM bandwidth, GB/s.
    pub dram_bandwidth_gbps: f64,
    /// Designed or marketed for datacenters.
    pub datacenter: bool,
}

impl ChipMetrics {
    /// The metrics of a catalog chip.
    pub fn of(chip: &Chip) -> ChipMetrics {
        ChipMetrics {
            id: chip.id.clone(),
            tpp: chip.tpp(),
            performance_density: chip.performance_density(),
            io_bandwidth_gbps: chip.io_bandwidth_bytes_per_s().map(|b| b / 1e9),
            dram_bandwidth_gbps: chip.memory_bandwidth_bytes_per_s() / 1e9,
            datacenter: chip.is_datacenter(),
        }
    }

    /// The value of a metric, if known.
    pub fn get(&self, m: Metric) -> Option<f64> {
        match m {
            Metric::Tpp => Some(self.tpp),
            Metric::PerformanceDensity => self.performance_density,
            Metric::IoBandwidthGbps => self.io_bandwidth_gbps,
            Metric::DramBandwidthGbps => Some(self.dram_bandwidth_gbps),
        }
    }

    /// The same chip with its chip-to-chip I/O scaled by `s`.
    pub fn scaled_io(&self, s: f64) -> ChipMetrics {
        ChipMetrics {
            io_bandwidth_gbps: self.io_bandwidth_gbps.map(|x| x * s),
            ..self.clone()
        }
    }

    /// The same chip with its DRAM bandwidth scaled by `s`.
    pub fn scaled_dram(&self, s: f64) -> ChipMetrics {
        ChipMetrics {
            dram_bandwidth_gbps: self.dram_bandwidth_gbps * s,
            ..self.clone()
        }
    }

    /// The same chip with compute scaled by `s` (TPP and performance density scale together).
    pub fn scaled_compute(&self, s: f64) -> ChipMetrics {
        ChipMetrics {
            tpp: self.tpp * s,
            performance_density: self.performance_density.map(|p| p * s),
            ..self.clone()
        }
    }
}

/// An eligible licence exception.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExceptionResult {
    /// `NAC`, `ACA`, `AIA`, `LPP`.
    pub id: String,
    /// What it means here.
    pub note: String,
    /// Where it is written.
    pub citation: String,
}

/// A tariff that applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TariffResult {
    /// Tariff id.
    pub id: String,
    /// The band the chip falls in.
    pub band: String,
    /// Ad valorem rate.
    pub rate: f64,
    /// Citation.
    pub citation: String,
    /// Applicability.
    pub note: String,
}

/// The classification of a chip for a destination on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// Chip id.
    pub chip: String,
    /// Destination as given, normalized (`HK` → `CN`).
    pub destination: String,
    /// Country groups of the destination.
    pub destination_groups: Vec<String>,
    /// Date classified at.
    pub date: String,
    /// Rule set applied (`None` before the first rule).
    pub rules: Option<String>,
    /// Its citation.
    pub rules_citation: Option<String>,
    /// `3A090.a`, `3A090.b` or `None`.
    pub eccn: Option<String>,
    /// `false` when an input the rule needs is missing and the outcome depends on it.
    pub determined: bool,
    /// Whether the chip is controlled (an ECCN applies, or it is a named product).
    pub controlled: bool,
    /// Whether a licence is required for this destination (and end user).
    pub license_required: bool,
    /// Review policy.
    pub review_policy: ReviewPolicy,
    /// Eligible licence exceptions.
    pub exceptions: Vec<ExceptionResult>,
    /// Tariff, if any.
    pub tariff: Option<TariffResult>,
    /// Every criterion tested.
    pub reasons: Vec<Reason>,
    /// Plain-language steps of the decision.
    pub decision: Vec<String>,
    /// Conditions attached to the policy.
    pub conditions: Vec<String>,
    /// Uncertain rule details that bear on this result.
    pub uncertain: Vec<String>,
    /// Not legal advice.
    pub disclaimer: String,
}

impl Classification {
    /// A one-line summary.
    pub fn summary(&self) -> String {
        let policy = if self.license_required {
            format!("licence required, {}", self.review_policy.as_str())
        } else {
            "no licence required".to_string()
        };
        let tariff = self
            .tariff
            .as_ref()
            .map(|t| format!(", {:.0}% tariff", t.rate * 100.0))
            .unwrap_or_default();
        format!(
            "{} → {} on {} under {}: {}; {}{}",
            self.chip,
            self.destination,
            self.date,
            self.rules.as_deref().unwrap_or("no rule"),
            self.eccn.as_deref().unwrap_or(if self.determined {
                "not 3A090"
            } else {
                "undetermined"
            }),
            policy,
            tariff
        )
    }
}

/// Classifies a chip.
///
/// `rules` names a rule set (else the one in force on `date`); `end_user_hq` is the ISO code of
/// the end user's headquarters (or ultimate parent), for the worldwide requirement on entities
/// headquartered in D:5 or Macau.
///
/// # Examples
///
/// ```
/// use chipmodel_compliance::classify;
/// let h100 = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let c = classify(h100, "CN", "2024-06-01", None, None).unwrap();
/// assert_eq!(c.eccn.as_deref(), Some("3A090.a"));
/// assert!(c.license_required);
/// assert_eq!(c.review_policy.as_str(), "presumption-of-denial");
/// assert!(c.reasons.iter().any(|r| r.text.starts_with("TPP 15,832 ≥ 4,800 by 11,032 — 3A090.a.1, 88 FR 73458")));
/// ```
pub fn classify(
    chip: &Chip,
    destination: &str,
    date: &str,
    rules: Option<&str>,
    end_user_hq: Option<&str>,
) -> Result<Classification, ComplianceError> {
    let rs = match rules {
        Some(r) => Some(RuleSet::get(r)?),
        None => RuleSet::on(date)?,
    };
    classify_metrics(
        &ChipMetrics::of(chip),
        destination,
        date,
        rs.as_ref(),
        end_user_hq,
    )
}

/// What every step reads: the chip, the rule set, the country groups, the destination, the end
/// user's headquarters and the date.
#[derive(Clone, Copy)]
pub(super) struct Cx<'a> {
    chip: &'a ChipMetrics,
    rs: &'a RuleSet,
    g: &'a Groups,
    dest: &'a String,
    hq: &'a Option<String>,
    date: &'a String,
}

/// Classifies chip metrics under a given rule set (or none).
pub fn classify_metrics(
    chip: &ChipMetrics,
    destination: &str,
    date: &str,
    rules: Option<&RuleSet>,
    end_user_hq: Option<&str>,
) -> Result<Classification, ComplianceError> {
    let date = crate::check_date(date)?;
    let g = groups()?;
    let dest = g.normalize(destination)?;
    let hq = end_user_hq.map(|h| g.normalize(h)).transpose()?;
    let dest_groups: Vec<String> = g.of(&dest, &date).into_iter().map(String::from).collect();
    let mut out = Classification {
        chip: chip.id.clone(),
        destination: dest.clone(),
        destination_groups: dest_groups,
        date: date.clone(),
        rules: rules.map(|r| r.id.clone()),
        rules_citation: rules.map(|r| r.citation.clone()),
        eccn: None,
        determined: true,
        controlled: false,
        license_required: false,
        review_policy: ReviewPolicy::None,
        exceptions: Vec::new(),
        tariff: None,
        reasons: Vec::new(),
        decision: Vec::new(),
        conditions: Vec::new(),
        uncertain: Vec::new(),
        disclaimer: NOT_LEGAL_ADVICE.to_string(),
    };
    let Some(rs) = rules else {
        out.decision.push(format!("no US advanced-computing rule was in force on {date} (the first took effect on 2022-10-07)"));
        return Ok(out);
    };
    out.uncertain.extend(rs.uncertain.iter().cloned());
    let cx = Cx {
        chip,
        rs,
        g,
        dest: &dest,
        hq: &hq,
        date: &date,
    };
    eccn::eccn(&cx, &mut out);
    out.controlled = out.eccn.is_some();
    if let Some(eccn) = out.eccn.clone() {
        licence::destination(&cx, &mut out, &eccn);
        licence::end_user_hq(&cx, &mut out);
        licence::exceptions(&cx, &mut out, &eccn);
        licence::diffusion(&cx, &mut out, &eccn);
        licence::case_by_case(&cx, &mut out);
    }
    named::named_products(&cx, &mut out);
    named::guidance(&cx, &mut out);
    tariff::tariffs(&cx, &mut out);
    Ok(out)
}
