//! Plain-text renderings of the catalog, for terminals and logs (80 columns).

use std::fmt::Write as _;

use crate::units::sig;
use crate::{Catalog, Chip, Precision};

/// One line per chip: headline specs and derived export-control metrics, 80 columns wide.
///
/// Columns: id, vendor, dense bf16 (fp16 where no bf16) TFLOP/s, memory GB, TB/s, TDP W, TPP,
/// performance density; `*` marks a row with an estimated value.
///
/// # Examples
///
/// ```
/// let table = chipmodel_catalog::catalog_table(chipmodel_catalog::Catalog::embedded());
/// assert!(table.lines().all(|l| l.chars().count() <= 80));
/// assert!(table.contains("h200-sxm"));
/// ```
pub fn catalog_table(catalog: &Catalog) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:<9} {:>9} {:>6} {:>6} {:>6} {:>7} {:>6}  est",
        "id", "vendor", "16b TF/s", "mem GB", "TB/s", "TDP W", "TPP", "PD"
    );
    for c in catalog.chips() {
        let hp = c.headline_precision();
        let tf = c
            .dense_flops_per_s(hp)
            .map_or("–".into(), |x| sig(x / 1e12, 4));
        let pd = c.performance_density().map_or("–".into(), |x| sig(x, 3));
        let _ = writeln!(
            out,
            "{:<14} {:<9} {:>9} {:>6} {:>6} {:>6} {:>7} {:>6}  {}",
            truncate(&c.id, 14),
            truncate(&c.vendor, 9),
            tf,
            sig(c.memory_capacity_bytes() / 1e9, 4),
            sig(c.memory_bandwidth_bytes_per_s() / 1e12, 3),
            sig(c.tdp_w(), 4),
            format!("{:.0}", c.tpp()),
            pd,
            if c.has_estimates() { "*" } else { "" }
        );
    }
    let _ = writeln!(
        out,
        "16b = dense bf16 (fp16 where no bf16). PD = TPP per mm² of logic die."
    );
    let _ = writeln!(
        out,
        "* = some value is an estimate: `chipmodel chip ID` shows which, with sources."
    );
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// Every value of one chip with its source, estimate flag, notes and conflicts, then the
/// derived metrics and the sources cited.
///
/// # Examples
///
/// ```
/// let h100 = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let report = chipmodel_catalog::chip_report(h100);
/// assert!(report.contains("3.35 TB/s"));
/// assert!(report.contains("conflict: 3.072 TB/s"));
/// assert!(report.contains("TPP"));
/// ```
// Stays whole: a text report, one block per section of the chip, in reading order.
pub fn chip_report(c: &Chip) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", c.name, c.id);
    let _ = writeln!(
        out,
        "vendor {} · form factor {} · {}",
        c.vendor,
        c.form_factor.as_str(),
        if c.is_datacenter() {
            "datacenter"
        } else {
            "not datacenter"
        }
    );
    if !c.aliases.is_empty() {
        let _ = writeln!(out, "aliases: {}", c.aliases.join(", "));
    }
    let _ = writeln!(out, "\n{:<20} {:<22} source", "field", "value");
    let mut fields = c.all_provenance();
    // Dense rates read best right after the memory fields, widest first; keep file order otherwise.
    fields.sort_by_key(|(name, _)| name.starts_with("dense."));
    for (name, p) in fields {
        let mut value = p.as_written.clone();
        if let Some(prec) = name
            .strip_prefix("dense.")
            .and_then(|x| x.parse::<Precision>().ok())
        {
            if let Some(s) = c.dense.get(&prec).and_then(|d| d.value.sparse_flops_per_s) {
                let unit = p.as_written.rsplit(' ').next().unwrap_or("");
                let factor = crate::units::Dimension::Rate.factor(unit).unwrap_or(1.0);
                value = format!("{value} (sparse {})", sig(s / factor, 5));
            }
        }
        if name == "process" {
            if let Some(pr) = &c.process {
                value = format!(
                    "{}{}",
                    value,
                    if pr.value.non_planar {
                        " (non-planar)"
                    } else {
                        " (planar)"
                    }
                );
            }
        }
        if name == "price" {
            if let Some(pr) = &c.price {
                value = format!("{value} ({})", pr.value.date);
            }
        }
        let est = if p.estimate { " [estimate]" } else { "" };
        let _ = writeln!(out, "{:<20} {:<22} {}{}", name, value, p.source, est);
        if let Some(n) = &p.note {
            let _ = writeln!(out, "{:<20}   note: {}", "", n);
        }
        for k in &p.conflicts {
            let note = k
                .note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{:<20}   conflict: {} ({}){}",
                "", k.as_written, k.source, note
            );
        }
    }
    let _ = writeln!(out, "\nderived");
    let tpp_p = c.tpp_precision().map(|p| p.to_string()).unwrap_or_default();
    let _ = writeln!(
        out,
        "  TPP {:.0} (set by {tpp_p}: dense TOP/s × bit length)",
        c.tpp()
    );
    match (c.performance_density(), c.applicable_die_area_mm2()) {
        (Some(pd), Some(a)) => {
            let _ = writeln!(
                out,
                "  performance density {} (TPP / {} mm² non-planar logic die)",
                sig(pd, 4),
                sig(a, 4)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  performance density unknown (no non-planar die area in the catalog)"
            );
        }
    }
    for p in c.precisions() {
        let ridge = c
            .ridge_point_flop_per_byte(p)
            .map_or("–".into(), |x| sig(x, 4));
        let per_w = c.flops_per_w(p).map_or("–".into(), |x| sig(x / 1e9, 4));
        let per_usd = c.flops_per_usd(p).map_or("–".into(), |x| sig(x / 1e9, 4));
        let _ = writeln!(
            out,
            "  {p:<5} ridge {ridge} FLOP/B · {per_w} GFLOP/s per W · {per_usd} GFLOP/s per USD"
        );
    }
    let _ = writeln!(out, "\nsources");
    for s in c.sources.values() {
        let _ = writeln!(
            out,
            "  {}: {} ({}, {}) {}",
            s.key, s.title, s.kind, s.date, s.url
        );
    }
    out
}
