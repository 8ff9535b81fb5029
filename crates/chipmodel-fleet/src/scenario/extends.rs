//! `[scenario] extends`: a scenario laid over a shipped one or a file beside it, merged by the
//! one merge of every `extends` ([`chipmodel_catalog::schema::merge`]).

use chipmodel_catalog::datafile;
use toml::{Table, Value};

use super::{SCENARIOS, canonical, read};
use crate::FleetError;

/// How many `extends` a scenario may chain.
const MAX_EXTENDS: usize = 8;

/// Resolves `[scenario] extends`: a shipped scenario's id, or (for a scenario loaded from a file)
/// a file in the same folder or below it. The result is the base laid under this scenario; a
/// path outside the folder, a chain longer than 8 or a cycle is an error naming the file.
pub(super) fn resolve(
    file: &str,
    mut doc: Table,
    path: Option<&std::path::Path>,
    seen: &mut Vec<std::path::PathBuf>,
) -> Result<Table, FleetError> {
    let target = match doc.get_mut("scenario") {
        Some(Value::Table(head)) => head.remove("extends"),
        _ => None,
    };
    let Some(target) = target else {
        return Ok(doc);
    };
    let id = match doc.get("scenario").and_then(|h| h.get("id")) {
        Some(Value::String(s)) => s.clone(),
        _ => "?".to_string(),
    };
    let fail = |message: String| {
        FleetError::Catalog(
            datafile::Ctx {
                file,
                item: "scenario",
                id: &id,
            }
            .err("scenario.extends", message),
        )
    };
    let Value::String(target) = target else {
        return Err(fail(format!(
            "expected a scenario id or a file name, got {}",
            datafile::show(&target)
        )));
    };
    if seen.len() > MAX_EXTENDS {
        return Err(fail(format!(
            "more than {MAX_EXTENDS} scenarios extend one another"
        )));
    }
    let base = match SCENARIOS
        .iter()
        .find(|(f, _)| f.trim_end_matches(".toml") == target)
    {
        Some((name, text)) => {
            let key = std::path::PathBuf::from(format!("<shipped>/{name}"));
            if seen.contains(&key) {
                return Err(fail(format!("'{target}' extends itself (a cycle)")));
            }
            seen.push(key);
            let base = datafile::parse_document(name, text)?;
            resolve(name, base, None, seen)?
        }
        None => {
            let full = beside(&target, path, seen).map_err(fail)?;
            let name = full.display().to_string();
            let base = datafile::parse_document(&name, &read(&full)?)?;
            resolve(&name, base, Some(&full), seen)?
        }
    };
    let mut base = base;
    chipmodel_catalog::schema::merge(&mut base, doc);
    Ok(base)
}

/// The file `target` names, beside (or below) the scenario at `path`, not seen before in the chain;
/// the error is the message for `scenario.extends`.
fn beside(
    target: &str,
    path: Option<&std::path::Path>,
    seen: &mut Vec<std::path::PathBuf>,
) -> Result<std::path::PathBuf, String> {
    let Some(path) = path else {
        return Err(format!(
            "'{target}' is not a shipped scenario ({}); a file can be extended only by a scenario loaded from a file",
            SCENARIOS
                .iter()
                .map(|(f, _)| f.trim_end_matches(".toml"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    let rel = std::path::Path::new(target);
    if rel.is_absolute() {
        return Err(format!(
            "'{target}' is an absolute path: name a file in the scenario's folder"
        ));
    }
    let io = |e: FleetError| match e {
        FleetError::Io { message, .. } => format!("'{target}': {message}"),
        other => other.to_string(),
    };
    let folder = canonical(path.parent().unwrap_or(std::path::Path::new("."))).map_err(io)?;
    let full = canonical(&folder.join(rel)).map_err(io)?;
    if !full.starts_with(&folder) {
        return Err(format!(
            "'{target}' is outside the scenario's folder '{}'",
            folder.display()
        ));
    }
    if seen.contains(&full) {
        return Err(format!("'{target}' extends itself (a cycle)"));
    }
    seen.push(full.clone());
    Ok(full)
}
