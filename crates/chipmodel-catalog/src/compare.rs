//! Side-by-side comparison of two chips.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::units::sig;
use crate::{Chip, Precision};

/// One compared metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// Machine name of the metric, in SI with its unit (`"memory_bandwidth_bytes_per_s"`).
    pub metric: String,
    /// Human label.
    pub label: String,
    /// Display unit of `a_display`/`b_display` (`"TB/s"`).
    pub display_unit: String,
    /// First chip's value in SI, if it has one.
    pub a: Option<f64>,
    /// Second chip's value in SI, if it has one.
    pub b: Option<f64>,
    /// `a / b` where both exist.
    pub ratio: Option<f64>,
    /// Factor from SI to the display unit.
    pub display_factor: f64,
    /// Whether either value is flagged as an estimate.
    pub estimate: bool,
}

/// Two chips side by side: each metric for both, and the ratio first ÷ second.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::{compare, Catalog};
///
/// let c = Catalog::embedded();
/// let cmp = compare(c.get("h200").unwrap(), c.get("h100").unwrap());
/// // The seed article's "1.75x increase in memory bandwidth" is the capacity ratio:
/// let bw = cmp.ratio("memory_bandwidth_bytes_per_s").unwrap();
/// let cap = cmp.ratio("memory_capacity_bytes").unwrap();
/// assert!((bw - 1.433).abs() < 0.001);
/// assert!((cap - 1.7625).abs() < 0.0001);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// First chip id.
    pub a: String,
    /// Second chip id.
    pub b: String,
    /// The metrics compared.
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// The ratio first ÷ second for a metric by machine name.
    pub fn ratio(&self, metric: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.metric == metric)
            .and_then(|r| r.ratio)
    }

    /// A metric's row by machine name.
    pub fn row(&self, metric: &str) -> Option<&ComparisonRow> {
        self.rows.iter().find(|r| r.metric == metric)
    }
}

/// Machine name, label, display unit, display factor, getter, catalog field.
type OptionalMetric = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    fn(&Chip) -> Option<f64>,
    &'static str,
);

/// Compares two chips on memory, compute, export-control metrics, power and price.
// Stays whole: one comparison row per line, in the order the table shows them.
pub fn compare(a: &Chip, b: &Chip) -> Comparison {
    type Getter = Box<dyn Fn(&Chip) -> (Option<f64>, bool)>;
    let prov = |c: &Chip, field: &str| c.provenance(field).is_some_and(|p| p.estimate);
    let mut metrics: Vec<(String, String, &str, f64, Getter)> = vec![
        (
            "memory_capacity_bytes".into(),
            "memory capacity".into(),
            "GB",
            1e9,
            Box::new(move |c: &Chip| (Some(c.memory_capacity_bytes()), prov(c, "memory_capacity"))),
        ),
        (
            "memory_bandwidth_bytes_per_s".into(),
            "memory bandwidth".into(),
            "TB/s",
            1e12,
            Box::new(move |c: &Chip| {
                (
                    Some(c.memory_bandwidth_bytes_per_s()),
                    prov(c, "memory_bandwidth"),
                )
            }),
        ),
    ];
    for p in Precision::ALL {
        if a.dense.contains_key(&p) || b.dense.contains_key(&p) {
            let unit = if p.is_integer() { "TOP/s" } else { "TFLOP/s" };
            let field = format!("dense.{p}");
            metrics.push((
                format!("dense_{p}_flops_per_s"),
                format!("dense {p}"),
                unit,
                1e12,
                Box::new(move |c: &Chip| (c.dense_flops_per_s(p), prov(c, &field))),
            ));
        }
    }
    let any_estimate = |c: &Chip| c.dense.values().any(|v| v.provenance.estimate);
    metrics.push((
        "tpp".into(),
        "TPP".into(),
        "",
        1.0,
        Box::new(move |c: &Chip| (Some(c.tpp()), any_estimate(c))),
    ));
    metrics.push((
        "performance_density".into(),
        "performance density".into(),
        "/mm²",
        1.0,
        Box::new(move |c: &Chip| {
            (
                c.performance_density(),
                any_estimate(c) || prov(c, "die_area"),
            )
        }),
    ));
    let hp = a.headline_precision();
    metrics.push((
        format!("ridge_point_{hp}_flop_per_byte"),
        format!("ridge point {hp}"),
        "FLOP/B",
        1.0,
        Box::new(move |c: &Chip| {
            (
                c.ridge_point_flop_per_byte(hp),
                prov(c, &format!("dense.{hp}")),
            )
        }),
    ));
    let optional: [OptionalMetric; 5] = [
        (
            "scale_up_bandwidth_bytes_per_s",
            "scale-up bandwidth",
            "GB/s",
            1e9,
            Chip::scale_up_bandwidth_bytes_per_s,
            "scale_up_bandwidth",
        ),
        (
            "io_bandwidth_bytes_per_s",
            "chip-to-chip I/O",
            "GB/s",
            1e9,
            Chip::io_bandwidth_bytes_per_s,
            "io_bandwidth",
        ),
        ("tdp_w", "TDP", "W", 1.0, |c| Some(c.tdp_w()), "tdp"),
        (
            "die_area_mm2",
            "logic die area",
            "mm²",
            1.0,
            Chip::die_area_mm2,
            "die_area",
        ),
        ("price_usd", "price", "USD", 1.0, Chip::price_usd, "price"),
    ];
    for (metric, label, unit, factor, get, field) in optional {
        metrics.push((
            metric.into(),
            label.into(),
            unit,
            factor,
            Box::new(move |c: &Chip| (get(c), prov(c, field))),
        ));
    }
    metrics.push((
        format!("flops_per_w_{hp}"),
        format!("{hp} per watt"),
        "GFLOP/s/W",
        1e9,
        Box::new(move |c: &Chip| (c.flops_per_w(hp), prov(c, "tdp"))),
    ));
    let rows = metrics
        .into_iter()
        .map(|(metric, label, unit, factor, get)| {
            let (va, ea) = get(a);
            let (vb, eb) = get(b);
            let ratio = match (va, vb) {
                (Some(x), Some(y)) if y > 0.0 => Some(x / y),
                _ => None,
            };
            ComparisonRow {
                metric,
                label,
                display_unit: unit.to_string(),
                a: va,
                b: vb,
                ratio,
                display_factor: factor,
                estimate: ea || eb,
            }
        })
        .collect();
    Comparison {
        a: a.id.clone(),
        b: b.id.clone(),
        rows,
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Four significant digits, but never round away integer digits (TPP 15832, not 15830).
        let cell = |v: Option<f64>, factor: f64| {
            v.map_or("–".to_string(), |x| {
                if x / factor >= 1000.0 {
                    format!("{:.0}", x / factor)
                } else {
                    sig(x / factor, 4)
                }
            })
        };
        writeln!(
            f,
            "{:<26} {:>12} {:>12} {:>8}",
            "metric", self.a, self.b, "ratio"
        )?;
        for r in &self.rows {
            let label = if r.display_unit.is_empty() {
                r.label.clone()
            } else {
                format!("{} ({})", r.label, r.display_unit)
            };
            let star = if r.estimate { "*" } else { "" };
            let ratio = r.ratio.map_or("–".to_string(), |x| format!("{:.2}x", x));
            writeln!(
                f,
                "{:<26} {:>12} {:>12} {:>8}",
                format!("{label}{star}"),
                cell(r.a, r.display_factor),
                cell(r.b, r.display_factor),
                ratio
            )?;
        }
        if self.rows.iter().any(|r| r.estimate) {
            writeln!(
                f,
                "* includes an estimated value; see each chip's provenance"
            )?;
        }
        Ok(())
    }
}
