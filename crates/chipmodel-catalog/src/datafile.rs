//! Reading and validating chipmodel's data files (chips here; models, calibration and rule sets
//! in the other crates). Nothing here panics on any input: every problem is a [`CatalogError`]
//! naming the file, the entry and the field.

use std::collections::{BTreeMap, HashMap};

use toml::{Table, Value};

use crate::chip::{Chip, Conflict, DenseRate, FormFactor, Price, Process, Provenance, Sourced};
use crate::source::{SOURCE_KINDS, Source};
use crate::units::Dimension;
use crate::{CatalogError, Precision, Result};

/// Parses one file's text into a TOML table.
pub fn parse_document(file: &str, text: &str) -> Result<Table> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, text.len() as u64));
    }
    text.parse::<Table>().map_err(|e| CatalogError::Syntax {
        file: file.to_string(),
        message: short_lines(&e.to_string()),
    })
}

/// Sources as the `[sources.<key>]` tables of a data file (the inverse of [`parse_source`]).
pub fn sources_table(sources: &BTreeMap<String, Source>) -> Table {
    let mut out = Table::new();
    for (key, s) in sources {
        let mut t = Table::new();
        t.insert("title".into(), Value::String(s.title.clone()));
        if let Some(p) = &s.publisher {
            t.insert("publisher".into(), Value::String(p.clone()));
        }
        t.insert("url".into(), Value::String(s.url.clone()));
        t.insert("date".into(), Value::String(s.date.clone()));
        t.insert("kind".into(), Value::String(s.kind.clone()));
        if let Some(n) = &s.note {
            t.insert("note".into(), Value::String(n.clone()));
        }
        out.insert(key.clone(), Value::Table(t));
    }
    out
}

/// The largest data file (catalog, model, rules, scenario) chipmodel reads: 8 MiB. The embedded
/// catalog's largest file is about 60 KB; a file past this is a mistake (or an attack), and is
/// refused before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

fn too_large(file: &str, bytes: u64) -> CatalogError {
    CatalogError::Io {
        path: file.to_string(),
        message: format!(
            "{:.1} MiB, more than the {} MiB a chipmodel data file may have",
            bytes as f64 / 1048576.0,
            MAX_FILE_BYTES / 1048576
        ),
    }
}

/// A parser's message on one line, each of its lines cut to 160 characters (a syntax error in a
/// 50 MB line must not become a 50 MB message).
fn short_lines(message: &str) -> String {
    message
        .trim()
        .lines()
        .map(|l| {
            if l.chars().count() > 160 {
                format!("{}…", l.chars().take(160).collect::<String>())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a data file as UTF-8 text, refusing more than [`MAX_FILE_BYTES`] without reading further
/// (so `/dev/zero` or a multi-gigabyte file cannot exhaust memory).
///
/// ```
/// let err = chipmodel_catalog::datafile::read_file(std::path::Path::new("/dev/zero")).unwrap_err();
/// assert!(err.to_string().contains("more than the 8 MiB"));
/// ```
pub fn read_file(path: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let name = path.display().to_string();
    let io = |e: std::io::Error| CatalogError::Io {
        path: name.clone(),
        message: e.to_string(),
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(&name, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| CatalogError::Io {
        path: name.clone(),
        message: format!(
            "not UTF-8 text (byte {} is invalid)",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// Where an error is: the file, the kind of entry and its id.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The file name.
    pub file: &'a str,
    /// The kind of entry: `chip`, `model`, `family`, …
    pub item: &'static str,
    /// The entry's id.
    pub id: &'a str,
}

impl Ctx<'_> {
    /// A [`CatalogError::Invalid`] at `field` of this entry.
    pub fn err(&self, field: &str, message: impl Into<String>) -> CatalogError {
        CatalogError::Invalid {
            file: self.file.to_string(),
            item: self.item,
            id: self.id.to_string(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Fails on the first key left in `t` (the reader removes each key it reads).
    pub fn unknown_fields(&self, prefix: &str, t: &Table, expected: &[&str]) -> Result<()> {
        match t.keys().next() {
            None => Ok(()),
            Some(k) => Err(self.err(
                &format!("{prefix}{k}"),
                format!(
                    "unknown field '{k}' (expected one of: {})",
                    expected.join(", ")
                ),
            )),
        }
    }
}

/// A short rendering of a TOML value for messages.
pub fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("'{s}'"),
        Value::Table(_) => "a table".to_string(),
        Value::Array(_) => "an array".to_string(),
        other => other.to_string(),
    };
    if s.len() > 60 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(57).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a datetime",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// Removes an entry's `id` from `t`: the string every `[[item]]` table is keyed by.
///
/// ```
/// use chipmodel_catalog::datafile::take_id;
/// let mut t: toml::Table = "name = 'x'".parse().unwrap();
/// let e = take_id("m.toml", "model", &mut t).unwrap_err().to_string();
/// assert!(e.contains("m.toml") && e.contains("id"), "{e}");
/// ```
pub fn take_id(file: &str, item: &'static str, t: &mut Table) -> Result<String> {
    match t.remove("id") {
        Some(Value::String(s)) => Ok(s),
        _ => Err(Ctx {
            file,
            item,
            id: "?",
        }
        .err("id", "missing required string field")),
    }
}

/// Removes `field` from `t` as a non-empty string (`None` when absent and not `required`).
pub fn take_string(ctx: Ctx, t: &mut Table, field: &str, required: bool) -> Result<Option<String>> {
    match t.remove(field) {
        None if required => Err(ctx.err(field, "missing required field")),
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s)),
        Some(Value::String(_)) => Err(ctx.err(field, "must not be empty")),
        Some(v) => Err(ctx.err(
            field,
            format!("expected a string, got {} {}", type_name(&v), show(&v)),
        )),
    }
}

/// Checks a date written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a TOML date is accepted too).
pub fn parse_date(ctx: Ctx, field: &str, v: &Value) -> Result<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Datetime(d) if d.time.is_none() && d.date.is_some() => d.to_string(),
        other => {
            return Err(ctx.err(
                field,
                format!("expected a date 'YYYY-MM-DD', got {}", show(other)),
            ));
        }
    };
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, lo: u32, hi: u32| {
        p.len() == len
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    let ok = match parts.as_slice() {
        [y] => num(y, 4, 1900, 2100),
        [y, m] => num(y, 4, 1900, 2100) && num(m, 2, 1, 12),
        [y, m, d] => num(y, 4, 1900, 2100) && num(m, 2, 1, 12) && num(d, 2, 1, 31),
        _ => false,
    };
    if ok {
        Ok(s)
    } else {
        Err(ctx.err(
            field,
            format!("'{s}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
        ))
    }
}

/// Checks a slug: lowercase ASCII letters, digits, '-' and '.', starting with a letter or digit.
pub fn check_slug(ctx: Ctx, field: &str, s: &str) -> Result<()> {
    let ok = s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(ctx.err(
            field,
            format!("'{s}' is not a valid id (lowercase letters, digits, '-' and '.' only)"),
        ))
    }
}

/// Reads a positive, finite number.
fn positive(ctx: Ctx, field: &str, v: &Value) -> Result<(f64, String)> {
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
enum Kind {
    Quantity(Dimension),
    Number,
    Text,
    Bool,
    Date,
}

/// A parsed value before it is given its Rust type.
enum Parsed {
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
fn read_value(
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

fn number(p: Parsed) -> f64 {
    match p {
        Parsed::Number(x) => x,
        _ => f64::NAN,
    }
}

fn text(p: Parsed) -> String {
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

/// Reads a source definition `[sources.<key>]`.
pub fn parse_source(file: &str, key: &str, v: Value) -> Result<Source> {
    let ctx = Ctx {
        file,
        item: "source",
        id: key,
    };
    check_slug(ctx, "key", key)?;
    let mut t = match v {
        Value::Table(t) => t,
        other => return Err(ctx.err("", format!("expected a table, got {}", show(&other)))),
    };
    let title = take_string(ctx, &mut t, "title", true)?.unwrap_or_default();
    let publisher = take_string(ctx, &mut t, "publisher", false)?;
    let url = take_string(ctx, &mut t, "url", true)?.unwrap_or_default();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ctx.err("url", format!("'{url}' is not an http(s) URL")));
    }
    let date = match t.remove("date") {
        None => return Err(ctx.err("date", "missing required field")),
        Some(d) => parse_date(ctx, "date", &d)?,
    };
    let kind = take_string(ctx, &mut t, "kind", true)?.unwrap_or_default();
    if !SOURCE_KINDS.contains(&kind.as_str()) {
        return Err(ctx.err(
            "kind",
            format!(
                "unknown kind '{kind}' (expected one of: {})",
                SOURCE_KINDS.join(", ")
            ),
        ));
    }
    let note = take_string(ctx, &mut t, "note", false)?;
    ctx.unknown_fields(
        "",
        &t,
        &["title", "publisher", "url", "date", "kind", "note"],
    )?;
    Ok(Source {
        key: key.to_string(),
        title,
        publisher,
        url,
        date,
        kind,
        note,
    })
}

/// The fields a `[[chip]]` table may have.
pub(crate) const CHIP_FIELDS: [&str; 19] = [
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
    "memory_bandwidth",
    "scale_up_bandwidth",
    "io_bandwidth",
    "scale_out",
    "tdp",
    "price",
    "dense",
];

/// Reads and validates one chip table (a `[[chip]]`, or an override already merged over its base).
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
    let name = take_string(ctx, &mut t, "name", true)?.unwrap_or_default();
    let vendor = take_string(ctx, &mut t, "vendor", true)?.unwrap_or_default();
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
    let ff = take_string(ctx, &mut t, "form_factor", true)?.unwrap_or_default();
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
    let process = match get("process", Kind::Text, false, &["non_planar"])? {
        None => None,
        Some((p, provenance, _, mut extra)) => {
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
            Some(Sourced {
                value: Process {
                    name: text(p),
                    non_planar,
                },
                provenance,
            })
        }
    };
    let die_area = num(get("die_area", q(Dimension::Area), false, &[])?);
    let transistors = num(get("transistors", q(Dimension::Count), false, &[])?);
    let memory_type =
        get("memory_type", Kind::Text, true, &[])?.map(|(p, provenance, _, _)| Sourced {
            value: text(p),
            provenance,
        });
    let memory_capacity = num(get("memory_capacity", q(Dimension::Bytes), true, &[])?);
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
    let price = match get("price", q(Dimension::Money), false, &["date"])? {
        None => None,
        Some((p, provenance, _, mut extra)) => {
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
            Some(Sourced {
                value: Price {
                    amount: number(p),
                    currency,
                    date,
                },
                provenance,
            })
        }
    };

    let dense_table = match t.remove("dense") {
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
    if die_area.is_some() && process.is_none() {
        return Err(ctx.err(
            "process",
            "missing: required when die_area is given (performance density needs it)",
        ));
    }
    ctx.unknown_fields("", &t, &CHIP_FIELDS)?;

    let mut cited: BTreeMap<String, Source> = BTreeMap::new();
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
        memory_bandwidth: memory_bandwidth.ok_or_else(|| ctx.err("memory_bandwidth", "missing"))?,
        scale_up_bandwidth: scale_up,
        io_bandwidth: io,
        scale_out_bandwidth: scale_out,
        tdp: tdp.ok_or_else(|| ctx.err("tdp", "missing"))?,
        price,
        dense,
        sources: BTreeMap::new(),
    };
    for (_, p) in chip.all_provenance() {
        for key in std::iter::once(&p.source).chain(p.conflicts.iter().map(|c| &c.source)) {
            if let Some(s) = sources.get(key) {
                cited.insert(key.clone(), s.clone());
            }
        }
    }
    chip.sources = cited;
    Ok(chip)
}

/// Normalizes a name for lookup: trimmed, lowercase, spaces and underscores as '-'.
pub fn normalize(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Lookup keys for a chip: its id, aliases and normalized name.
pub(crate) fn keys(chip: &Chip) -> Vec<(String, &'static str)> {
    let mut k = vec![(normalize(&chip.id), "chip id")];
    k.extend(chip.aliases.iter().map(|a| (normalize(a), "alias")));
    k
}

/// The closest ids to `query`, best first: ids or aliases containing it, then by edit distance.
pub(crate) fn suggest(query: &str, index: &HashMap<String, usize>, chips: &[Chip]) -> Vec<String> {
    suggest_from(
        query,
        index
            .iter()
            .map(|(k, &i)| (k.as_str(), chips[i].id.as_str())),
    )
}

/// The closest ids to `query` among `(lookup key, id)` pairs, best first: keys containing the
/// query (or contained in it), then by Damerau–Levenshtein similarity; at most three.
pub fn suggest_from<'a>(
    query: &str,
    keys: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    let q = normalize(query);
    let mut scored: Vec<(f64, &str)> = keys
        .map(|(key, id)| {
            let contains = !q.is_empty() && (key.contains(&q) || q.contains(key));
            let score =
                strsim::normalized_damerau_levenshtein(&q, key) + if contains { 1.0 } else { 0.0 };
            (score, id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (score, id) in scored {
        if score < 0.4 || out.len() == 3 {
            break;
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out
}
