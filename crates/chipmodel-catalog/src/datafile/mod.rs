//! Reading and validating chipmodel's data files (chips here; models, calibration and rule sets
//! in the other crates). Nothing here panics on any input: every problem is a [`CatalogError`]
//! naming the file, the entry and the field.

//!
//! By concern: this file reads a document and holds the helpers every reader shares (the error
//! context, the value display, ids, strings, dates); `value.rs` reads a sourced value with its
//! unit; `source.rs` a `[sources.<key>]` table; `chip.rs` a `[[chip]]`; `names.rs` normalizes
//! names and suggests the closest ones. Config-like inputs read through serde go through
//! [`crate::schema`] instead.

mod chip;
mod names;
mod source;
mod value;

use toml::{Table, Value};

use crate::{CatalogError, Result};

pub(crate) use chip::parse_chip;
pub(crate) use names::{keys, suggest};
pub use names::{normalize, suggest_from};
pub use source::{parse_source, sources_table};
pub use value::read_number;
pub(crate) use value::{Kind, Parsed, number, positive, read_value, text};

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

pub(super) fn type_name(v: &Value) -> &'static str {
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
