//! Steps 3 and 4: products named in is-informed letters, and guidance naming chips.

use super::{Classification, Cx};
use crate::rules::Targets;

/// A product named in an is-informed letter (or meeting its reported criteria) needs a licence.
pub(super) fn named_products(cx: &Cx<'_>, out: &mut Classification) {
    let Cx {
        chip,
        rs,
        g,
        dest,
        hq,
        date,
    } = *cx;
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
        let to = g.matches(dest, &t, date) || hq.as_ref().is_some_and(|h| g.matches(h, &t, date));
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
}

/// Guidance that names the chip.
pub(super) fn guidance(cx: &Cx<'_>, out: &mut Classification) {
    let Cx { chip, rs, .. } = *cx;
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
}
