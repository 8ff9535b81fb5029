//! A sourced value as a data file writes it: `{ value, unit, source, estimate, note, conflicts }`,
//! its unit converted to SI, its source checked.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{Ctx, parse_date, show, take_string, type_name};
use crate::chip::{Conflict, Provenance, Sourced};
use crate::source::Source;
use crate::units::Dimension;
use crate::{CatalogError, Result};

/// Reads a positive, finite number.
pub(crate) fn positive(ctx: Ctx, field: &str, v: &Value) -> Result<(f64, String)> {
    let (x, written) = match v {
        Value::Integer(i) => (*i as f64, i.to_string()),
        Value::Float(f) => (*f, f.to_string()),
        other => {
            return Err(ctx.err(
                field,
                format!(
                    "expected a number, got {} {}",
                    type_name(other),
                    show(other)
                ),
            ));
        }
    };
    if !x.is_finite() {
        return Err(ctx.err(field, format!("must be a finite number, got {written}")));
    }
    if x <= 0.0 {
        return Err(ctx.err(field, format!("must be positive, got {written}")));
    }
    Ok((x, written))
}

fn unit_factor(ctx: Ctx, field: &str, t: &mut Table, dim: Dimension) -> Result<(f64, String)> {
    let unit = match t.remove("unit") {
        None => {
            return Err(ctx.err(
                &format!("{field}.unit"),
                format!(
                    "missing unit: {field} is {} (one of: {})",
                    dim.describe(),
                    dim.unit_list()
                ),
            ));
        }
        Some(Value::String(u)) => u,
        Some(v) => {
            return Err(ctx.err(
                &format!("{field}.unit"),
                format!("expected a string, got {}", show(&v)),
            ));
        }
    };
    match dim.factor(&unit) {
        Some(f) => Ok((f, unit)),
        None => Err(ctx.err(
            &format!("{field}.unit"),
            format!(
                "'{unit}' is not {} unit (expected one of: {})",
                dim.describe(),
                dim.unit_list()
            ),
        )),
    }
}

/// What kind of value a field holds.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Quantity(Dimension),
    Number,
    Text,
    Bool,
    Date,
}

/// A parsed value before it is given its Rust type.
pub(crate) enum Parsed {
    Number(f64),
    Text(String),
    Bool(bool),
}

const VALUE_KEYS: [&str; 6] = ["value", "unit", "source", "estimate", "note", "conflicts"];

/// A value table's other keys and its `value` (required); `shape` words the table expected.
fn value_table(ctx: Ctx, field: &str, v: Value, shape: &str) -> Result<(Table, Value)> {
    let mut t = match v {
        Value::Table(t) => t,
        other => {
            return Err(ctx.err(
                field,
                format!("expected a table {shape}, got {}", show(&other)),
            ));
        }
    };
    let raw = t
        .remove("value")
        .ok_or_else(|| ctx.err(&format!("{field}.value"), "missing required field"))?;
    Ok((t, raw))
}

/// Reads a value table `{ value, unit, source, estimate, note, conflicts, <extra…> }`.
/// Returns the value, its provenance, the unit factor and the leftover extra keys.
pub(crate) fn read_value(
    ctx: Ctx,
    field: &str,
    v: Value,
    kind: Kind,
    extra: &[&str],
    sources: &BTreeMap<String, Source>,
) -> Result<(Parsed, Provenance, f64, Table)> {
    let (mut t, raw) = value_table(ctx, field, v, "like { value = …, source = … }")?;
    let (parsed, factor, as_written) =
        read_scalar(ctx, &format!("{field}.value"), &raw, kind, &mut t, field)?;
    let source = take_string(ctx, &mut t, "source", false)
        .map_err(|_| ctx.err(&format!("{field}.source"), "expected a source key string"))?
        .ok_or_else(|| {
            ctx.err(
                &format!("{field}.source"),
                "missing source: every value needs a source key",
            )
        })?;
    check_source(ctx, &format!("{field}.source"), &source, sources)?;
    let estimate = match t.remove("estimate") {
        None => false,
        Some(Value::Boolean(b)) => b,
        Some(v) => {
            return Err(ctx.err(
                &format!("{field}.estimate"),
                format!("expected true or false, got {}", show(&v)),
            ));
        }
    };
    let note = take_string(ctx, &mut t, "note", false).map_err(|e| rename(e, field, "note"))?;
    let conflicts = match t.remove("conflicts") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, c)| read_conflict(ctx, &format!("{field}.conflicts[{i}]"), c, kind, sources))
            .collect::<Result<_>>()?,
        Some(v) => {
            return Err(ctx.err(
                &format!("{field}.conflicts"),
                format!("expected an array, got {}", show(&v)),
            ));
        }
    };
    let mut extras = Table::new();
    for key in extra {
        if let Some(x) = t.remove(*key) {
            extras.insert((*key).to_string(), x);
        }
    }
    let mut expected: Vec<&str> = VALUE_KEYS.to_vec();
    if !matches!(kind, Kind::Quantity(_)) {
        expected.retain(|k| *k != "unit");
        if let Some(u) = t.get("unit") {
            return Err(ctx.err(
                &format!("{field}.unit"),
                format!("this value takes no unit, got {}", show(u)),
            ));
        }
    }
    expected.extend_from_slice(extra);
    ctx.unknown_fields(&format!("{field}."), &t, &expected)?;
    Ok((
        parsed,
        Provenance {
            source,
            estimate,
            as_written,
            note,
            conflicts,
        },
        factor,
        extras,
    ))
}

fn rename(e: CatalogError, field: &str, key: &str) -> CatalogError {
    e.map_field(|_| format!("{field}.{key}"))
}

fn check_source(
    ctx: Ctx,
    field: &str,
    key: &str,
    sources: &BTreeMap<String, Source>,
) -> Result<()> {
    if sources.contains_key(key) {
        Ok(())
    } else {
        Err(ctx.err(
            field,
            format!("unknown source key '{key}' (define it under [sources.{key}])"),
        ))
    }
}

fn read_scalar(
    ctx: Ctx,
    value_field: &str,
    raw: &Value,
    kind: Kind,
    t: &mut Table,
    field: &str,
) -> Result<(Parsed, f64, String)> {
    Ok(match kind {
        Kind::Quantity(dim) => {
            let (x, written) = positive(ctx, value_field, raw)?;
            let (factor, unit) = unit_factor(ctx, field, t, dim)?;
            (
                Parsed::Number(x * factor),
                factor,
                format!("{written} {unit}"),
            )
        }
        Kind::Number => {
            let (x, written) = positive(ctx, value_field, raw)?;
            (Parsed::Number(x), 1.0, written)
        }
        Kind::Text => match raw {
            Value::String(s) if !s.trim().is_empty() => (Parsed::Text(s.clone()), 1.0, s.clone()),
            other => {
                return Err(ctx.err(
                    value_field,
                    format!("expected a non-empty string, got {}", show(other)),
                ));
            }
        },
        Kind::Bool => match raw {
            Value::Boolean(b) => (Parsed::Bool(*b), 1.0, b.to_string()),
            other => {
                return Err(ctx.err(
                    value_field,
                    format!("expected true or false, got {}", show(other)),
                ));
            }
        },
        Kind::Date => {
            let d = parse_date(ctx, value_field, raw)?;
            (Parsed::Text(d.clone()), 1.0, d)
        }
    })
}

fn read_conflict(
    ctx: Ctx,
    field: &str,
    v: Value,
    kind: Kind,
    sources: &BTreeMap<String, Source>,
) -> Result<Conflict> {
    let (mut t, raw) = value_table(ctx, field, v, "{ value, unit, source, note }")?;
    let (parsed, _, as_written) =
        read_scalar(ctx, &format!("{field}.value"), &raw, kind, &mut t, field)?;
    let source = take_string(ctx, &mut t, "source", false)
        .map_err(|e| rename(e, field, "source"))?
        .ok_or_else(|| {
            ctx.err(
                &format!("{field}.source"),
                "missing source: every value needs a source key",
            )
        })?;
    check_source(ctx, &format!("{field}.source"), &source, sources)?;
    let note = take_string(ctx, &mut t, "note", false).map_err(|e| rename(e, field, "note"))?;
    ctx.unknown_fields(
        &format!("{field}."),
        &t,
        &["value", "unit", "source", "note"],
    )?;
    let value_si = match parsed {
        Parsed::Number(x) => Some(x),
        _ => None,
    };
    Ok(Conflict {
        as_written,
        value_si,
        source,
        note,
    })
}

pub(crate) fn number(p: Parsed) -> f64 {
    match p {
        Parsed::Number(x) => x,
        _ => f64::NAN,
    }
}

pub(crate) fn text(p: Parsed) -> String {
    match p {
        Parsed::Text(s) => s,
        _ => String::new(),
    }
}

/// Reads a sourced value table `{ value, source, estimate, note, conflicts[, unit] }` holding a
/// positive, finite number: in SI when `dim` is given (the table must carry a unit of that
/// dimension), as written otherwise (the table must carry no unit).
pub fn read_number(
    ctx: Ctx,
    field: &str,
    v: Value,
    dim: Option<Dimension>,
    sources: &BTreeMap<String, Source>,
) -> Result<Sourced<f64>> {
    let kind = dim.map_or(Kind::Number, Kind::Quantity);
    let (p, provenance, _, _) = read_value(ctx, field, v, kind, &[], sources)?;
    Ok(Sourced {
        value: number(p),
        provenance,
    })
}
