//! Step 2, for a controlled chip: the licence requirement and review policy by destination, the
//! end user's headquarters, licence exceptions, the Diffusion framework while enforced, and the
//! January 2026 case-by-case window.

use super::criteria::{all, fmt_num};
use super::{Classification, Cx, ExceptionResult};
use crate::rules::{ReviewPolicy, Targets};

/// The destination rule that covers `dest` for `eccn`, if any, and its uncertain inputs.
pub(super) fn destination(cx: &Cx<'_>, out: &mut Classification, eccn: &String) {
    let Cx {
        rs, g, dest, date, ..
    } = *cx;
    let d = rs.destination.iter().find(|d| {
        d.since.as_ref().is_none_or(|s| s.as_str() <= date.as_str())
            && g.matches(dest, &d.targets(), date)
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
            if !d.codes.contains(dest) {
                if let Some(grp) = d
                    .groups
                    .iter()
                    .filter_map(|id| g.groups.get(id))
                    .find(|grp| grp.contains_on(dest, date))
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
}

/// Entities headquartered in D:5 or Macau need a licence anywhere.
pub(super) fn end_user_hq(cx: &Cx<'_>, out: &mut Classification) {
    let Cx {
        rs, g, hq, date, ..
    } = *cx;
    if let (Some(hq), Some(rule)) = (&hq, &rs.end_user_hq) {
        if g.matches(hq, &rule.targets(), date) {
            out.license_required = true;
            out.review_policy = out.review_policy.max(rule.review_policy);
            out.decision.push(format!(
                "end user headquartered in {hq}: licence required worldwide, {} ({})",
                rule.review_policy.as_str(),
                rule.citation
            ));
        }
    }
}

/// The licence exceptions the destination is eligible for.
pub(super) fn exceptions(cx: &Cx<'_>, out: &mut Classification, eccn: &String) {
    let Cx {
        chip,
        rs,
        g,
        dest,
        hq,
        date,
    } = *cx;
    for e in &rs.exception {
        if e.eccns.contains(eccn)
            && e.datacenter.is_none_or(|dc| dc == chip.datacenter)
            && g.matches(dest, &e.targets(), date)
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
}

/// The AI Diffusion framework's tiers, while it was enforced.
pub(super) fn diffusion(cx: &Cx<'_>, out: &mut Classification, eccn: &String) {
    let Cx {
        rs, g, dest, date, ..
    } = *cx;
    if let Some(df) = rs
        .diffusion
        .as_ref()
        .filter(|d| d.enforced && rs.enforced_on(date))
    {
        if df.eccns.contains(eccn) {
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
            } else if g.matches(dest, &tier1, date) {
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
            } else if g.matches(dest, &tier3, date) {
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
}

/// The January 2026 case-by-case window for China and Macau.
pub(super) fn case_by_case(cx: &Cx<'_>, out: &mut Classification) {
    let Cx {
        chip,
        rs,
        g,
        dest,
        hq,
        date,
    } = *cx;
    if let Some(cbc) = &rs.case_by_case {
        if cbc.codes.contains(dest) && out.review_policy == ReviewPolicy::PresumptionOfDenial {
            let r = all(
                chip,
                &cbc.criteria,
                "case-by-case window",
                &cbc.citation,
                &mut out.reasons,
            );
            let hq_blocks = hq.as_ref().is_some_and(|h| {
                h != dest
                    && rs
                        .end_user_hq
                        .as_ref()
                        .is_some_and(|rule| g.matches(h, &rule.targets(), date))
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
