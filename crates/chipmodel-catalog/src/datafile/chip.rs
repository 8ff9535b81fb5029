//! A `[[chip]]` table (or an override merged over its base): identity, the sourced values with
//! their units, and the dense rates per precision.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{
    Ctx, Kind, Parsed, check_slug, number, parse_date, positive, read_value, show, take_string,
    text,
};
use crate::chip::{Chip, DenseRate, FormFactor, Price, Process, Provenance, Sourced};
use crate::source::Source;
use crate::units::Dimension;
use crate::{CatalogError, Precision, Result};

/// The fields a `[[chip]]` table may have.
pub(crate) const CHIP_FIELDS: [&str; 20] = [
    "id",
    "name",
    "vendor",
    "aliases",
    "form_factor",
    "datacenter",
    "release_date",
    "process",
    "die_area",
    "transistors",
    "memory_type",
    "memory_capacity",
    "device_memory",
    "memory_bandwidth",
    "scale_up_bandwidth",
    "io_bandwidth",
    "scale_out",
    "tdp",
    "price",
    "dense",
];

/// Reads and validates one chip table (a `[[chip]]`, or an override already merged over its base).
// Stays whole: one field per line, each read by the same closure over the table; the parts with their own rules (identity, process, price, dense rates, sources) are split out.
pub(crate) fn parse_chip(
    file: &str,
    item: &'static str,
    raw: &Table,
    sources: &BTreeMap<String, Source>,
) -> Result<Chip> {
    let mut t = raw.clone();
    let id = match t.remove("id") {
        Some(Value::String(s)) => s,
        Some(v) => {
            return Err(CatalogError::Invalid {
                file: file.into(),
                item,
                id: "?".into(),
                field: "id".into(),
                message: format!("expected a string, got {}", show(&v)),
            });
        }
        None => {
            return Err(CatalogError::Invalid {
                file: file.into(),
                item,
                id: "?".into(),
                field: "id".into(),
                message: "missing required field".into(),
            });
        }
    };
    let ctx = Ctx {
        file,
        item,
        id: &id,
    };
    check_slug(ctx, "id", &id)?;
    let (name, vendor, aliases, form_factor) = identity(ctx, &mut t)?;

    let mut get = |field: &str,
                   kind: Kind,
                   required: bool,
                   extra: &[&str]|
     -> Result<Option<(Parsed, Provenance, f64, Table)>> {
        match t.remove(field) {
            None if required => Err(ctx.err(field, "missing required field")),
            None => Ok(None),
            Some(v) => read_value(ctx, field, v, kind, extra, sources).map(Some),
        }
    };
    let q = Kind::Quantity;
    let num = |x: Option<(Parsed, Provenance, f64, Table)>| {
        x.map(|(p, provenance, _, _)| Sourced {
            value: number(p),
            provenance,
        })
    };

    let datacenter =
        get("datacenter", Kind::Bool, true, &[])?.map(|(p, provenance, _, _)| Sourced {
            value: matches!(p, Parsed::Bool(true)),
            provenance,
        });
    let release_date =
        get("release_date", Kind::Date, true, &[])?.map(|(p, provenance, _, _)| Sourced {
            value: text(p),
            provenance,
        });
    let process = get("process", Kind::Text, false, &["non_planar"])?
        .map(|x| process(ctx, x))
        .transpose()?;
    let die_area = num(get("die_area", q(Dimension::Area), false, &[])?);
    let transistors = num(get("transistors", q(Dimension::Count), false, &[])?);
    let memory_type =
        get("memory_type", Kind::Text, true, &[])?.map(|(p, provenance, _, _)| Sourced {
            value: text(p),
            provenance,
        });
    let memory_capacity = num(get("memory_capacity", q(Dimension::Bytes), true, &[])?);
    let device_memory = num(get("device_memory", q(Dimension::Bytes), false, &[])?);
    let memory_bandwidth = num(get("memory_bandwidth", q(Dimension::Bandwidth), true, &[])?);
    let scale_up = num(get(
        "scale_up_bandwidth",
        q(Dimension::Bandwidth),
        false,
        &[],
    )?);
    let io = num(get("io_bandwidth", q(Dimension::Bandwidth), false, &[])?);
    let scale_out = num(get("scale_out", q(Dimension::Bandwidth), false, &[])?);
    let tdp = num(get("tdp", q(Dimension::Power), true, &[])?);
    let price = get("price", q(Dimension::Money), false, &["date"])?
        .map(|x| price(ctx, x))
        .transpose()?;

    let dense = dense(ctx, t.remove("dense"), sources)?;
    if die_area.is_some() && process.is_none() {
        return Err(ctx.err(
            "process",
            "missing: required when die_area is given (performance density needs it)",
        ));
    }
    ctx.unknown_fields("", &t, &CHIP_FIELDS)?;

    let mut chip = Chip {
        id: id.clone(),
        name,
        vendor,
        aliases,
        form_factor,
        datacenter: datacenter.ok_or_else(|| ctx.err("datacenter", "missing"))?,
        release_date: release_date.ok_or_else(|| ctx.err("release_date", "missing"))?,
        process,
        die_area_mm2: die_area,
        transistors,
        memory_type: memory_type.ok_or_else(|| ctx.err("memory_type", "missing"))?,
        memory_capacity: memory_capacity.ok_or_else(|| ctx.err("memory_capacity", "missing"))?,
        device_memory,
        memory_bandwidth: memory_bandwidth.ok_or_else(|| ctx.err("memory_bandwidth", "missing"))?,
        scale_up_bandwidth: scale_up,
        io_bandwidth: io,
        scale_out_bandwidth: scale_out,
        tdp: tdp.ok_or_else(|| ctx.err("tdp", "missing"))?,
        price,
        dense,
        sources: BTreeMap::new(),
    };
    chip.sources = cited(&chip, sources);
    Ok(chip)
}

/// A chip's name, vendor, aliases and form factor.
fn identity(ctx: Ctx, t: &mut Table) -> Result<(String, String, Vec<String>, FormFactor)> {
    let name = take_string(ctx, t, "name", true)?.unwrap_or_default();
    let vendor = take_string(ctx, t, "vendor", true)?.unwrap_or_default();
    let aliases = match t.remove("aliases") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .into_iter()
            .map(|x| match x {
                Value::String(s) if !s.trim().is_empty() => Ok(s),
                other => Err(ctx.err(
                    "aliases",
                    format!("expected non-empty strings, got {}", show(&other)),
                )),
            })
            .collect::<Result<_>>()?,
        Some(v) => {
            return Err(ctx.err(
                "aliases",
                format!("expected an array of strings, got {}", show(&v)),
            ));
        }
    };
    let ff = take_string(ctx, t, "form_factor", true)?.unwrap_or_default();
    let form_factor = FormFactor::ALL
        .into_iter()
        .find(|f| f.as_str() == ff)
        .ok_or_else(|| {
            ctx.err(
                "form_factor",
                format!(
                    "unknown form factor '{ff}' (expected one of: {})",
                    FormFactor::ALL.map(FormFactor::as_str).join(", ")
                ),
            )
        })?;

    Ok((name, vendor, aliases, form_factor))
}

/// The process node with whether it is FinFET/GAA (`non_planar`, required).
fn process(
    ctx: Ctx,
    (p, provenance, _, mut extra): (Parsed, Provenance, f64, Table),
) -> Result<Sourced<Process>> {
    let non_planar = match extra.remove("non_planar") {
        Some(Value::Boolean(b)) => b,
        None => {
            return Err(ctx.err(
                "process.non_planar",
                "missing required field (true for FinFET/GAA nodes)",
            ));
        }
        Some(v) => {
            return Err(ctx.err(
                "process.non_planar",
                format!("expected true or false, got {}", show(&v)),
            ));
        }
    };
    Ok(Sourced {
        value: Process {
            name: text(p),
            non_planar,
        },
        provenance,
    })
}

/// The price with the date it applied (required) and its currency.
fn price(
    ctx: Ctx,
    (p, provenance, _, mut extra): (Parsed, Provenance, f64, Table),
) -> Result<Sourced<Price>> {
    let date = match extra.remove("date") {
        None => {
            return Err(ctx.err(
                "price.date",
                "missing required field (when the price applied)",
            ));
        }
        Some(d) => parse_date(ctx, "price.date", &d)?,
    };
    let currency = provenance
        .as_written
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    Ok(Sourced {
        value: Price {
            amount: number(p),
            currency,
            date,
        },
        provenance,
    })
}

/// The dense peak rates per precision (at least one), with any sparse figure.
fn dense(
    ctx: Ctx,
    v: Option<Value>,
    sources: &BTreeMap<String, Source>,
) -> Result<BTreeMap<Precision, Sourced<DenseRate>>> {
    let dense_table = match v {
        None => {
            return Err(ctx.err(
                "dense",
                "missing required field (dense peak rates per precision)",
            ));
        }
        Some(Value::Table(d)) => d,
        Some(v) => {
            return Err(ctx.err(
                "dense",
                format!("expected a table of precisions, got {}", show(&v)),
            ));
        }
    };
    if dense_table.is_empty() {
        return Err(ctx.err("dense", "needs at least one precision"));
    }
    let mut dense = BTreeMap::new();
    for (key, v) in dense_table {
        let field = format!("dense.{key}");
        let precision: Precision = key
            .parse()
            .map_err(|e: CatalogError| ctx.err(&field, e.to_string()))?;
        let (p, provenance, factor, mut extra) = read_value(
            ctx,
            &field,
            v,
            Kind::Quantity(Dimension::Rate),
            &["sparse"],
            sources,
        )?;
        let flops_per_s = number(p);
        let sparse_flops_per_s = match extra.remove("sparse") {
            None => None,
            Some(s) => {
                let sfield = format!("{field}.sparse");
                let (x, written) = positive(ctx, &sfield, &s)?;
                let sparse = x * factor;
                if sparse < flops_per_s {
                    return Err(ctx.err(
                        &sfield,
                        format!(
                            "sparse figure {written} is smaller than the dense value {}",
                            provenance.as_written
                        ),
                    ));
                }
                Some(sparse)
            }
        };
        dense.insert(
            precision,
            Sourced {
                value: DenseRate {
                    flops_per_s,
                    sparse_flops_per_s,
                },
                provenance,
            },
        );
    }
    Ok(dense)
}

/// The sources a chip's values (and their conflicts) cite.
fn cited(chip: &Chip, sources: &BTreeMap<String, Source>) -> BTreeMap<String, Source> {
    let mut cited = BTreeMap::new();
    for (_, p) in chip.all_provenance() {
        for key in std::iter::once(&p.source).chain(p.conflicts.iter().map(|c| &c.source)) {
            if let Some(s) = sources.get(key) {
                cited.insert(key.clone(), s.clone());
            }
        }
    }
    cited
}
