//! One criterion tested against a chip: the value, the margin, whether it holds, and a line
//! for a reader with its citation.

use serde::{Deserialize, Serialize};

use super::ChipMetrics;
use crate::rules::{Criterion, Metric, Op};

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

pub(crate) fn fmt_num(x: f64) -> String {
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

pub(super) fn test(chip: &ChipMetrics, c: &Criterion, name: &str, citation: &str) -> Reason {
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
pub(super) fn all(
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
