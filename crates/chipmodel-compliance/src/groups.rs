//! EAR country groups (Supplement No. 1 to part 740) and the Diffusion tiers, by ISO code.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::{CatalogError, Source};
use serde::{Deserialize, Serialize};
use toml::Value;

use crate::ComplianceError;
use crate::rules::Targets;

/// One country group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// `D:5`.
    pub id: String,
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2 codes.
    pub members: BTreeSet<String>,
    /// Source key.
    pub source: String,
    /// When the membership was read.
    pub as_of: String,
    /// Not verified against primary text.
    pub uncertain: bool,
    /// Note.
    pub note: Option<String>,
    /// Dated changes: (date, added, removed), so membership can be read as of any date.
    pub changes: Vec<(String, Vec<String>, Vec<String>)>,
}

impl Group {
    /// Whether `code` was a member on `date` (`YYYY-MM-DD`): the current list with every later
    /// change undone.
    pub fn contains_on(&self, code: &str, date: &str) -> bool {
        let mut member = self.members.contains(code);
        // Undo changes after `date`, newest first.
        let mut later: Vec<&(String, Vec<String>, Vec<String>)> = self
            .changes
            .iter()
            .filter(|(d, _, _)| d.as_str() > date)
            .collect();
        later.sort_by(|a, b| b.0.cmp(&a.0));
        for (_, added, removed) in later {
            if added.iter().any(|c| c == code) {
                member = false;
            }
            if removed.iter().any(|c| c == code) {
                member = true;
            }
        }
        member
    }
}

/// Country groups and code aliases (Hong Kong is treated as China).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Groups {
    /// Groups by id.
    pub groups: BTreeMap<String, Group>,
    /// Alias code → treated as.
    pub aliases: BTreeMap<String, String>,
    /// Sources.
    pub sources: BTreeMap<String, Source>,
    /// ISO 3166-1 alpha-2 codes accepted as destinations.
    pub iso_codes: BTreeSet<String>,
}

fn parse(file: &str, text: &str) -> Result<Groups, CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    let mut g = Groups::default();
    if let Some(Value::Table(t)) = doc.remove("sources") {
        for (k, v) in t {
            g.sources
                .insert(k.clone(), datafile::parse_source(file, &k, v)?);
        }
    }
    let arr = |v: Option<Value>| -> Vec<toml::Table> {
        match v {
            Some(Value::Array(a)) => a
                .into_iter()
                .filter_map(|x| {
                    if let Value::Table(t) = x {
                        Some(t)
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    for t in arr(doc.remove("group")) {
        let id = t
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let ctx = Ctx {
            file,
            item: "group",
            id: &id,
        };
        let members: BTreeSet<String> = match t.get("members") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.to_ascii_uppercase())
                .collect(),
            _ => return Err(ctx.err("members", "missing array of ISO codes")),
        };
        if members
            .iter()
            .any(|m| m.len() != 2 || !m.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(ctx.err("members", "every member must be an ISO 3166-1 alpha-2 code"));
        }
        let source = t
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if !g.sources.contains_key(&source) {
            return Err(ctx.err("source", format!("unknown source key '{source}'")));
        }
        g.groups.insert(
            id.clone(),
            Group {
                id,
                name: t
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                members,
                source,
                as_of: t
                    .get("as_of")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                uncertain: t.get("uncertain").and_then(Value::as_bool).unwrap_or(false),
                note: t.get("note").and_then(Value::as_str).map(String::from),
                changes: match t.get("changes") {
                    Some(Value::Array(a)) => a
                        .iter()
                        .filter_map(|c| {
                            let list = |k: &str| -> Vec<String> {
                                c.get(k)
                                    .and_then(Value::as_array)
                                    .map(|v| {
                                        v.iter()
                                            .filter_map(Value::as_str)
                                            .map(|s| s.to_ascii_uppercase())
                                            .collect()
                                    })
                                    .unwrap_or_default()
                            };
                            Some((
                                c.get("date")?.as_str()?.to_string(),
                                list("add"),
                                list("remove"),
                            ))
                        })
                        .collect(),
                    _ => Vec::new(),
                },
            },
        );
    }
    for t in arr(doc.remove("alias")) {
        if let (Some(code), Some(to)) = (
            t.get("code").and_then(Value::as_str),
            t.get("treated_as").and_then(Value::as_str),
        ) {
            g.aliases
                .insert(code.to_ascii_uppercase(), to.to_ascii_uppercase());
        }
    }
    let iso = Ctx {
        file,
        item: "iso3166",
        id: "iso3166",
    };
    match doc.remove("iso3166") {
        Some(Value::Table(t)) => {
            if let Some(Value::Array(a)) = t.get("codes") {
                g.iso_codes = a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect();
            }
            let source = t.get("source").and_then(Value::as_str).unwrap_or_default();
            if !g.sources.contains_key(source) {
                return Err(iso.err("source", format!("unknown source key '{source}'")));
            }
        }
        _ => return Err(iso.err("codes", "missing the [iso3166] table of codes")),
    }
    for grp in g.groups.values() {
        let listed = grp.changes.iter().flat_map(|(_, a, r)| a.iter().chain(r));
        if let Some(bad) = grp
            .members
            .iter()
            .chain(listed)
            .find(|c| !g.iso_codes.contains(*c))
        {
            return Err(Ctx {
                file,
                item: "group",
                id: &grp.id,
            }
            .err(
                "members",
                format!("'{bad}' is not an ISO 3166-1 alpha-2 code"),
            ));
        }
    }
    for id in ["D:1", "D:4", "D:5", "A:5", "A:6", "diffusion-tier-1"] {
        if !g.groups.contains_key(id) {
            return Err(Ctx {
                file,
                item: "file",
                id: file,
            }
            .err("group", format!("country group '{id}' is missing")));
        }
    }
    Ok(g)
}

/// The embedded country groups.
pub fn groups() -> Result<&'static Groups, ComplianceError> {
    static CELL: OnceLock<Result<Groups, CatalogError>> = OnceLock::new();
    CELL.get_or_init(|| {
        parse(
            "country_groups.toml",
            include_str!("../data/country_groups.toml"),
        )
    })
    .as_ref()
    .map_err(|e| ComplianceError::Catalog(e.clone()))
}

impl Groups {
    /// The code a destination is treated as (`HK` → `CN`), checked against the known codes.
    pub fn normalize(&self, code: &str) -> Result<String, ComplianceError> {
        let c = code.trim().to_ascii_uppercase();
        let c = self.aliases.get(&c).cloned().unwrap_or(c);
        let known = self.iso_codes.contains(&c);
        if !known {
            return Err(ComplianceError::UnknownDestination {
                code: code.to_string(),
            });
        }
        Ok(c)
    }

    /// The groups a (normalized) code belonged to on `date`.
    pub fn of(&self, code: &str, date: &str) -> Vec<&str> {
        self.groups
            .values()
            .filter(|g| g.contains_on(code, date))
            .map(|g| g.id.as_str())
            .collect()
    }

    /// Whether `code` was in `targets` on `date`.
    pub fn matches(&self, code: &str, t: &Targets, date: &str) -> bool {
        let in_group = |ids: &[String]| {
            ids.iter().any(|g| {
                self.groups
                    .get(g)
                    .is_some_and(|g| g.contains_on(code, date))
            })
        };
        let hit = t.codes.iter().any(|c| c == code) || in_group(&t.groups);
        let out = t.except_codes.iter().any(|c| c == code) || in_group(&t.except_groups);
        hit && !out
    }
}
