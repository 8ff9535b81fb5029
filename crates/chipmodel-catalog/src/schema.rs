//! One way to read a config-like input: a serde struct with unknown fields rejected, fed a TOML
//! value (from a file, or converted from a Python dict by the binding), then a `validate` pass on
//! the typed value. Errors name the field by its path (`group[0].count`), quote the value as
//! written and say what is wrong, whichever way the input came in.
//!
//! Also here: the one merge used by every `extends` and override ([`merge`]).

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use crate::CatalogError;
use crate::datafile::{Ctx, show};

/// A field that failed: where, its value as written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path with indices: `group[0].count`.
    pub field: String,
    /// The value as written (`nothing` when missing).
    pub value: String,
    /// What is wrong.
    pub message: String,
}

impl FieldError {
    /// An error at `field`, quoting `value`.
    pub fn new(field: &str, value: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            value: value.into(),
            message: message.into(),
        }
    }

    /// The same error under `prefix` (`group[0]` + `count` → `group[0].count`).
    pub fn under(mut self, prefix: &str) -> FieldError {
        self.field = join(prefix, &self.field);
        self
    }

    /// As a data-file error of entry `ctx` (file, kind of entry, id).
    pub fn in_file(self, ctx: Ctx) -> CatalogError {
        ctx.err(&self.field, self.message)
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// `prefix.field`, or whichever is not empty; an index (`[0]`) joins without a dot.
pub fn join(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (_, true) => prefix.to_string(),
        _ if field.starts_with('[') => format!("{prefix}{field}"),
        _ => format!("{prefix}.{field}"),
    }
}

/// Deserializes `T` from `value`, the error naming the field's path and quoting its value.
///
/// # Examples
///
/// ```
/// #[derive(serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Group { chip: String, count: u32 }
/// let v: toml::Value = toml::from_str("chip = 'h200'\ncount = -8").unwrap();
/// let e = chipmodel_catalog::schema::from_value::<Group>(v).err().unwrap();
/// assert_eq!((e.field.as_str(), e.value.as_str()), ("count", "-8"));
/// let v: toml::Value = toml::from_str("chip = 'h200'\ncont = 8").unwrap();
/// let e = chipmodel_catalog::schema::from_value::<Group>(v).err().unwrap();
/// assert_eq!(e.field, "cont");
/// assert_eq!(e.message, "unknown field 'cont' (expected one of: chip, count)");
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    let shown = value.clone();
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut segments: Vec<String> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(format!("[{index}]")),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let message = e.inner().to_string();
        let mut message = message
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            segments.push(missing.to_string());
            message = "missing required field".to_string();
        } else if let Some(rest) = message.strip_prefix("unknown field `") {
            message = unknown_name("field", rest);
        } else if let Some(rest) = message.strip_prefix("unknown variant `") {
            message = unknown_name("value", rest);
        }
        let field = segments.iter().fold(String::new(), |p, s| join(&p, s));
        let value = lookup(&shown, &segments).map_or_else(|| "nothing".to_string(), show);
        FieldError {
            field,
            value,
            message,
        }
    })
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant") in the words of
/// every chipmodel reader: "unknown field 'x' (expected one of: a, b)".
fn unknown_name(what: &str, rest: &str) -> String {
    let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if names.is_empty() {
        format!("unknown {what} '{name}' (this table takes no fields)")
    } else {
        format!(
            "unknown {what} '{name}' (expected one of: {})",
            names.join(", ")
        )
    }
}

/// The value at `path` (keys and `[i]` indices) in `v`.
fn lookup<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter()
        .try_fold(v, |v, seg| match seg.strip_prefix('[') {
            Some(i) => v
                .as_array()?
                .get(i.strip_suffix(']')?.parse::<usize>().ok()?),
            None => v.as_table()?.get(seg),
        })
}

/// Lays `over` on `base`: the merge of every `extends` (scenarios, rule sets) and every catalog
/// `[[override]]`.
///
/// - Tables merge key by key, at any depth (`[override.dense]` changes one precision; a
///   scenario's `[compare]` changes one key of its base's).
/// - A table with a `value` key is one sourced value (`{ value, unit, source, note, estimate }`,
///   an assumption's `{ value, low, high }`) and is replaced whole, so no flag or range of the
///   old value survives beside the new one.
/// - Arrays (`[[group]]`, a rule's clauses) and plain values are replaced.
///
/// # Examples
///
/// ```
/// let mut base: toml::Table = toml::from_str("a = { x = 1, y = 2 }\np = { value = 1, estimate = true }\nl = [1, 2]").unwrap();
/// let over: toml::Table = toml::from_str("a = { y = 3 }\np = { value = 2 }\nl = [3]").unwrap();
/// chipmodel_catalog::schema::merge(&mut base, over);
/// let want: toml::Table = toml::from_str("a = { x = 1, y = 3 }\np = { value = 2 }\nl = [3]").unwrap();
/// assert_eq!(base, want);
/// ```
pub fn merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o))
                if !b.contains_key("value") && !o.contains_key("value") =>
            {
                merge(b, o)
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// The `[[key]]` entries of a data file, each read as `T` (unknown fields rejected) and named in
/// errors by its `id_key` (`id`, `name`), absent `[[key]]` being none. Nothing is skipped: an
/// entry that is not a table, or does not read, is an error naming the file, the entry and the
/// field.
///
/// # Examples
///
/// ```
/// #[derive(serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Row { id: String, value: f64 }
/// let mut doc: toml::Table = toml::from_str("[[row]]\nid = 'a'\nvalue = 1\n[[row]]\nid = 'b'\nvalu = 2").unwrap();
/// let e = chipmodel_catalog::schema::entries::<Row>("f.toml", "row", "id", &mut doc, "row").err().unwrap();
/// assert!(e.to_string().contains("f.toml: row 'b', field 'valu': unknown field 'valu'"), "{e}");
/// ```
pub fn entries<T: DeserializeOwned>(
    file: &str,
    item: &'static str,
    id_key: &str,
    doc: &mut Table,
    key: &str,
) -> Result<Vec<T>, CatalogError> {
    tables(file, item, id_key, doc, key)?
        .into_iter()
        .map(|t| {
            let id = match t.get(id_key) {
                Some(Value::String(s)) => s.clone(),
                _ => "?".to_string(),
            };
            let ctx = Ctx {
                file,
                item,
                id: &id,
            };
            from_value(Value::Table(t)).map_err(|e| e.in_file(ctx))
        })
        .collect()
}

/// Removes the `[[key]]` tables of a data file (none when absent); anything else under `key`, or
/// an item that is not a table, is an error, never skipped.
pub fn tables(
    file: &str,
    item: &'static str,
    id_key: &str,
    doc: &mut Table,
    key: &str,
) -> Result<Vec<Table>, CatalogError> {
    let ctx = Ctx {
        file,
        item,
        id: "?",
    };
    let items = match doc.remove(key) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(ctx.err(
                key,
                format!("expected [[{key}]] tables, got {}", show(&other)),
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Table(t) => Ok(t),
            other => Err(ctx.err(
                &format!("{key}[{i}]"),
                format!("expected a table with '{id_key}', got {}", show(&other)),
            )),
        })
        .collect()
}

/// Fails on a top-level key of `doc` not in `expected` (after the reader has removed what it read
/// or before, naming what the file may hold).
pub fn no_other_keys(file: &str, doc: &Table, expected: &[&str]) -> Result<(), CatalogError> {
    match doc.keys().find(|k| !expected.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(Ctx {
            file,
            item: "file",
            id: file,
        }
        .err(
            k,
            format!(
                "unknown field '{k}' (expected one of: {})",
                expected.join(", ")
            ),
        )),
    }
}

/// Removes and reads the `[sources.<key>]` tables of a data file.
pub fn take_sources(
    file: &str,
    doc: &mut Table,
) -> Result<std::collections::BTreeMap<String, crate::Source>, CatalogError> {
    let mut out = std::collections::BTreeMap::new();
    match doc.remove("sources") {
        None => {}
        Some(Value::Table(t)) => {
            for (k, v) in t {
                let s = crate::datafile::parse_source(file, &k, v)?;
                out.insert(k, s);
            }
        }
        Some(other) => {
            return Err(Ctx {
                file,
                item: "file",
                id: file,
            }
            .err(
                "sources",
                format!("expected [sources.<key>] tables, got {}", show(&other)),
            ));
        }
    }
    Ok(out)
}
