//! Step 5: the tariff band the chip falls in, where a tariff applies to the destination.

use super::criteria::all;
use super::{Classification, Cx, TariffResult};

/// The tariff and band that apply, if any.
pub(super) fn tariffs(cx: &Cx<'_>, out: &mut Classification) {
    let Cx {
        chip,
        rs,
        dest,
        date,
        ..
    } = *cx;
    for t in &rs.tariff {
        if date.as_str() >= t.effective.as_str() && t.codes.contains(dest) {
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
}
