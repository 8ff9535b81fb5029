//! The classifier: a chip, a destination and a date (or a named rule set) → ECCN, licence,
//! review policy, exceptions, tariff, and every criterion tested with its margin and citation.

use chipmodel_catalog::Chip;
use serde::{Deserialize, Serialize};

use crate::groups::groups;
use crate::rules::{Criterion, Metric, Op, ReviewPolicy, RuleSet, Targets};
use crate::{ComplianceError, NOT_LEGAL_ADVICE};

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

/// One criterion as tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// What was tested (`3A090.a.1`, `case-by-case`, `tariff band-1`).
    pub test: String,
    /// The metric.
    pub metric: Metric,
    /// The chip's value, or `None` when the catalog lacks it.
    pub value: Option<f64>,
    /// The comparison.
    pub op: Op,
    /// The threshold.
    pub threshold: f64,
    /// value − threshold.
    pub margin: Option<f64>,
    /// Whether it holds (`None`: undetermined).
    pub holds: Option<bool>,
    /// Where it is written.
    pub citation: String,
    /// One line for a reader.
    pub text: String,
}

fn fmt_num(x: f64) -> String {
    if x.abs() >= 100.0 {
        let s = format!("{:.0}", x.abs());
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn test(chip: &ChipMetrics, c: &Criterion, name: &str, citation: &str) -> Reason {
    let cite = if citation.starts_with(name) {
        citation.to_string()
    } else {
        format!("{name}, {citation}")
    };
    let value = chip.get(c.metric);
    let holds = value.map(|v| c.op.holds(v, c.value));
    let margin = value.map(|v| v - c.value);
    let label = c.metric.label();
    let text = match (value, holds) {
        (None, _) => format!(
            "{label} unknown for {}: cannot test {label} {} {} — {cite}",
            chip.id,
            c.op.symbol(),
            fmt_num(c.value)
        ),
        (Some(v), Some(true)) => format!(
            "{label} {} {} {} by {} — {cite}",
            fmt_num(v),
            c.op.symbol(),
            fmt_num(c.value),
            fmt_num((v - c.value).abs())
        ),
        (Some(v), _) => format!(
            "{label} {} is not {} {} (by {}) — {cite}",
            fmt_num(v),
            c.op.symbol(),
            fmt_num(c.value),
            fmt_num((v - c.value).abs())
        ),
    };
    Reason {
        test: name.to_string(),
        metric: c.metric,
        value,
        op: c.op,
        threshold: c.value,
        margin,
        holds,
        citation: citation.to_string(),
        text,
    }
}

/// All criteria hold (`None` if some are unknown and none fails).
fn all(
    chip: &ChipMetrics,
    cs: &[Criterion],
    name: &str,
    citation: &str,
    reasons: &mut Vec<Reason>,
) -> Option<bool> {
    let mut result = Some(true);
    for c in cs {
        let r = test(chip, c, name, citation);
        match r.holds {
            Some(false) => result = Some(false),
            None if result == Some(true) => result = None,
            _ => {}
        }
        reasons.push(r);
    }
    result
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

    // 1. The ECCN: Note 2 first, then each paragraph in order.
    let mut exempt = false;
    if let Some(nd) = &rs.non_datacenter {
        if !chip.datacenter {
            let r = all(
                chip,
                &nd.exempt_if,
                "Note 2 (not designed or marketed for datacenters)",
                &nd.citation,
                &mut out.reasons,
            );
            if r == Some(true) {
                exempt = true;
                out.decision.push(format!("{} is not designed or marketed for datacenters and below the Note 2 line: outside 3A090 ({})", chip.id, nd.citation));
            }
        }
    }
    if !exempt {
        let mut undetermined = false;
        'paragraphs: for p in &rs.paragraph {
            for clause in &p.clause {
                match all(
                    chip,
                    &clause.criteria,
                    &clause.id,
                    &clause.citation,
                    &mut out.reasons,
                ) {
                    Some(true) => {
                        out.eccn = Some(p.eccn.clone());
                        out.decision.push(format!(
                            "meets {} ({}): ECCN {}",
                            clause.id, clause.citation, p.eccn
                        ));
                        break 'paragraphs;
                    }
                    None => undetermined = true,
                    Some(false) => {}
                }
            }
        }
        if out.eccn.is_none() {
            if undetermined {
                out.determined = false;
                out.decision.push(format!(
                    "undetermined: a criterion needs a value the catalog lacks for {} (performance density needs the logic die area; the 2022 test needs chip-to-chip I/O)",
                    chip.id
                ));
            } else {
                out.decision.push(format!(
                    "below every 3A090 threshold of {}: not 3A090",
                    rs.id
                ));
            }
        }
    }
    out.controlled = out.eccn.is_some();

    // 2. Licence requirement and policy by destination.
    if let Some(eccn) = out.eccn.clone() {
        let d = rs.destination.iter().find(|d| {
            d.since.as_ref().is_none_or(|s| s.as_str() <= date.as_str())
                && g.matches(&dest, &d.targets(), &date)
        });
        match d {
            Some(d) => {
                out.license_required = d.license_required;
                out.review_policy = if d.license_required {
                    d.review_policy
                } else {
                    ReviewPolicy::None
                };
                out.decision.push(format!(
                    "{dest} is covered for {eccn}: licence required, {} ({})",
                    d.review_policy.as_str(),
                    d.citation
                ));
                if d.uncertain {
                    out.uncertain.push(format!(
                        "the {} policy for {dest} comes from secondary sources ({})",
                        d.review_policy.as_str(),
                        d.citation
                    ));
                }
                // Flag the group membership that decided it, if that membership is uncertain.
                if !d.codes.contains(&dest) {
                    if let Some(grp) = d
                        .groups
                        .iter()
                        .filter_map(|id| g.groups.get(id))
                        .find(|grp| grp.contains_on(&dest, &date))
                    {
                        if grp.uncertain {
                            out.uncertain.push(format!(
                                "{dest}'s membership of {} is not verified against the eCFR",
                                grp.id
                            ));
                        }
                    }
                }
            }
            None => out.decision.push(format!(
                "{dest} is not a destination {} licenses for {eccn}",
                rs.id
            )),
        }
        // Entities headquartered in D:5 or Macau, anywhere.
        if let (Some(hq), Some(rule)) = (&hq, &rs.end_user_hq) {
            let t = Targets {
                groups: rule.groups.clone(),
                codes: rule.codes.clone(),
                ..Targets::default()
            };
            if g.matches(hq, &t, &date) {
                out.license_required = true;
                out.review_policy = out.review_policy.max(rule.review_policy);
                out.decision.push(format!(
                    "end user headquartered in {hq}: licence required worldwide, {} ({})",
                    rule.review_policy.as_str(),
                    rule.citation
                ));
            }
        }
        // Licence exceptions.
        for e in &rs.exception {
            let t = Targets {
                groups: e.groups.clone(),
                codes: e.codes.clone(),
                except_groups: e.except_groups.clone(),
                except_codes: e.except_codes.clone(),
            };
            if e.eccns.contains(&eccn)
                && e.datacenter.is_none_or(|dc| dc == chip.datacenter)
                && g.matches(&dest, &t, &date)
                && out.license_required
                && hq.is_none()
            {
                out.exceptions.push(ExceptionResult {
                    id: e.id.clone(),
                    note: e.note.clone(),
                    citation: e.citation.clone(),
                });
            }
        }
        // The Diffusion framework, while enforced.
        if let Some(df) = rs
            .diffusion
            .as_ref()
            .filter(|d| d.enforced && rs.enforced_on(&date))
        {
            if df.eccns.contains(&eccn) {
                let tier1 = Targets {
                    groups: vec![df.tier1_group.clone()],
                    ..Targets::default()
                };
                let tier3 = Targets {
                    groups: df.tier3_groups.clone(),
                    codes: df.tier3_codes.clone(),
                    ..Targets::default()
                };
                if dest == "US" {
                    out.decision
                        .push("the United States: no export".to_string());
                } else if g.matches(&dest, &tier1, &date) {
                    out.license_required = true;
                    out.review_policy = out.review_policy.max(ReviewPolicy::PresumptionOfApproval);
                    out.exceptions.push(ExceptionResult {
                        id: df.tier1_exception.clone(),
                        note: "Tier 1 destination under the Diffusion framework".into(),
                        citation: df.citation.clone(),
                    });
                    out.decision.push(format!(
                        "Diffusion: {dest} is Tier 1, licence exception {} ({})",
                        df.tier1_exception, df.citation
                    ));
                } else if g.matches(&dest, &tier3, &date) {
                    out.license_required = true;
                    out.review_policy = ReviewPolicy::PresumptionOfDenial;
                    out.decision.push(format!(
                        "Diffusion: {dest} is Tier 3, presumption of denial ({})",
                        df.citation
                    ));
                } else {
                    out.license_required = true;
                    out.review_policy = out.review_policy.max(df.tier2_review_policy);
                    out.exceptions.push(ExceptionResult {
                        id: df.tier2_exception.clone(),
                        note: format!("Low Processing Performance: up to {} TPP per consignee per year without a licence", fmt_num(df.lpp_tpp_per_consignee_per_year)),
                        citation: df.citation.clone(),
                    });
                    out.decision.push(format!(
                        "Diffusion: {dest} is Tier 2, licence within a country allocation of {} TPP (2025-2027) ({})",
                        fmt_num(df.tier2_country_allocation_tpp),
                        df.citation
                    ));
                }
                if let Some(c) = &rs.compliance {
                    if date.as_str() < c.as_str() {
                        out.uncertain.push(format!(
                            "compliance with {} was not required until {c}",
                            rs.id
                        ));
                    }
                }
            }
        }
        // The January 2026 case-by-case window for China and Macau.
        if let Some(cbc) = &rs.case_by_case {
            if cbc.codes.contains(&dest) && out.review_policy == ReviewPolicy::PresumptionOfDenial {
                let r = all(
                    chip,
                    &cbc.criteria,
                    "case-by-case window",
                    &cbc.citation,
                    &mut out.reasons,
                );
                let hq_blocks = hq.as_ref().is_some_and(|h| {
                    h != &dest
                        && rs.end_user_hq.as_ref().is_some_and(|rule| {
                            g.matches(
                                h,
                                &Targets {
                                    groups: rule.groups.clone(),
                                    codes: rule.codes.clone(),
                                    ..Targets::default()
                                },
                                &date,
                            )
                        })
                });
                if r == Some(true) && !hq_blocks {
                    out.review_policy = ReviewPolicy::CaseByCase;
                    out.conditions = cbc.conditions.clone();
                    out.decision.push(format!("below the case-by-case lines for exports from the {} to {dest}: case-by-case review under conditions ({})", cbc.exports_from, cbc.citation));
                    out.decision
                        .push(format!("still presumption of denial for {}", cbc.not_for));
                } else if r == Some(false) {
                    out.decision.push(format!(
                        "at or above a case-by-case line: presumption of denial stays ({})",
                        cbc.citation
                    ));
                }
            }
        }
    }
    // 3. Products named in is-informed letters.
    if let Some(np) = &rs.named_products {
        let named = np.chips.iter().any(|c| c == &chip.id);
        let by_criteria = np.reported_criteria_enabled
            && np
                .reported_criteria
                .iter()
                .any(|c| chip.get(c.metric).is_some_and(|v| c.op.holds(v, c.value)));
        let t = Targets {
            groups: np.groups.clone(),
            codes: np.codes.clone(),
            ..Targets::default()
        };
        let to =
            g.matches(&dest, &t, &date) || hq.as_ref().is_some_and(|h| g.matches(h, &t, &date));
        if (named || by_criteria) && to && !out.license_required {
            out.controlled = true;
            out.license_required = true;
            out.review_policy = np.review_policy;
            out.decision.push(format!(
                "{} {}: licence required for {dest}, {} ({})",
                chip.id,
                if named {
                    "is a named product"
                } else {
                    "meets the reported (unverified) bandwidth criteria"
                },
                np.review_policy.as_str(),
                np.citation
            ));
            if let (Some(share), Some(from)) = (np.revenue_share, &np.revenue_share_from) {
                if date.as_str() >= from.as_str() {
                    out.conditions.push(format!(
                        "expected revenue share of {:.0}% to the US Government: {}",
                        share * 100.0,
                        np.revenue_share_note.clone().unwrap_or_default()
                    ));
                }
            }
        }
    }
    // 4. Guidance naming chips.
    if let Some(gd) = &rs.guidance {
        if gd.chips.iter().any(|c| c == &chip.id) {
            out.decision
                .push(format!("{}: {} ({})", chip.id, gd.note, gd.citation));
            if gd.uncertain {
                out.uncertain
                    .push(format!("{} guidance text not read verbatim", gd.citation));
            }
        }
    }
    // 5. Tariffs.
    for t in &rs.tariff {
        if date.as_str() >= t.effective.as_str() && t.codes.contains(&dest) {
            for band in &t.band {
                if all(
                    chip,
                    &band.criteria,
                    &format!("{} {}", t.id, band.id),
                    &t.citation,
                    &mut out.reasons,
                ) == Some(true)
                {
                    out.tariff = Some(TariffResult {
                        id: t.id.clone(),
                        band: band.id.clone(),
                        rate: t.rate,
                        citation: t.citation.clone(),
                        note: t.note.clone(),
                    });
                    out.decision.push(format!(
                        "in tariff {}: {:.0}% ({})",
                        band.id,
                        t.rate * 100.0,
                        t.citation
                    ));
                }
            }
        }
    }
    Ok(out)
}
