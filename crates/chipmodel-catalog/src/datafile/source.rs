//! A `[sources.<key>]` table: the document a value cites.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{Ctx, check_slug, parse_date, show, take_string};
use crate::Result;
use crate::source::{SOURCE_KINDS, Source};

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
