//! Step 1, the ECCN: Note 2 (not designed or marketed for datacenters) first, then each
//! paragraph of 3A090 in order; undetermined where a criterion needs a value the catalog lacks.

use super::criteria::all;
use super::{Classification, Cx};

/// Sets `out.eccn` (or `determined = false`) and says why.
pub(super) fn eccn(cx: &Cx<'_>, out: &mut Classification) {
    let Cx { chip, rs, .. } = *cx;
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
}
