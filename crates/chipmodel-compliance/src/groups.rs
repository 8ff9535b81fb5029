//! EAR country groups (Supplement No. 1 to part 740) and the Diffusion tiers, by ISO code.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema;
use chipmodel_catalog::{CatalogError, Source};
use serde::{Deserialize, Serialize};

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

/// A `[[group]]` of the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    id: String,
    name: String,
    members: Vec<String>,
    source: String,
    as_of: String,
    #[serde(default)]
    uncertain: bool,
    note: Option<String>,
    #[serde(default)]
    changes: Vec<Change>,
}

/// A dated change of a group's membership.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    #[serde(deserialize_with = "chipmodel_catalog::date::deserialize_day")]
    date: String,
    add: Vec<String>,
    remove: Vec<String>,
    source: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

/// A `[[special]]` destination: read and checked (an ISO code, its source cited); its `groups`
/// may name EAR groups the file does not model (D:3), and the memberships of the modelled groups
/// already carry its effect.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Special {
    code: String,
    name: String,
    groups: Vec<String>,
    in_d5: bool,
    source: String,
    as_of: String,
    note: Option<String>,
}

/// An `[[alias]]`: a code treated as another (`HK` as `CN`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Alias {
    code: String,
    treated_as: String,
    since: Option<String>,
    source: String,
    note: Option<String>,
}

/// `[iso3166]`: the codes accepted as destinations.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Iso {
    source: String,
    codes: Vec<String>,
}

fn upper(codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| c.to_ascii_uppercase()).collect()
}

fn parse(file: &str, text: &str) -> Result<Groups, CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    schema::no_other_keys(
        file,
        &doc,
        &["sources", "group", "special", "alias", "iso3166"],
    )?;
    let sources = schema::take_sources(file, &mut doc)?;
    let entries: Vec<GroupEntry> = schema::entries(file, "group", "id", &mut doc, "group")?;
    let specials: Vec<Special> = schema::entries(file, "special", "code", &mut doc, "special")?;
    let aliases: Vec<Alias> = schema::entries(file, "alias", "code", &mut doc, "alias")?;
    let iso_ctx = Ctx {
        file,
        item: "iso3166",
        id: "iso3166",
    };
    let iso: Iso = match doc.remove("iso3166") {
        Some(v) => schema::from_value(v).map_err(|e| e.in_file(iso_ctx))?,
        None => return Err(iso_ctx.err("codes", "missing the [iso3166] table of codes")),
    };
    let cited = |ctx: Ctx, field: &str, key: &str| -> Result<(), CatalogError> {
        if sources.contains_key(key) {
            Ok(())
        } else {
            Err(ctx.err(field, format!("unknown source key '{key}'")))
        }
    };
    cited(iso_ctx, "source", &iso.source)?;
    let mut g = Groups {
        iso_codes: iso.codes.into_iter().collect(),
        ..Groups::default()
    };
    for e in entries {
        let group = group_of(file, e, &g.iso_codes, &cited)?;
        g.groups.insert(group.id.clone(), group);
    }
    for s in &specials {
        let ctx = Ctx {
            file,
            item: "special",
            id: &s.code,
        };
        cited(ctx, "source", &s.source)?;
        if !g.iso_codes.contains(&s.code.to_ascii_uppercase()) {
            return Err(ctx.err(
                "code",
                format!("'{}' is not an ISO 3166-1 alpha-2 code", s.code),
            ));
        }
    }
    for a in aliases {
        let ctx = Ctx {
            file,
            item: "alias",
            id: &a.code,
        };
        cited(ctx, "source", &a.source)?;
        g.aliases.insert(
            a.code.to_ascii_uppercase(),
            a.treated_as.to_ascii_uppercase(),
        );
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
    g.sources = sources.clone();
    Ok(g)
}

/// A checked group: members and changes ISO codes, sources cited.
fn group_of(
    file: &str,
    e: GroupEntry,
    iso: &BTreeSet<String>,
    cited: &dyn Fn(Ctx, &str, &str) -> Result<(), CatalogError>,
) -> Result<Group, CatalogError> {
    let ctx = Ctx {
        file,
        item: "group",
        id: &e.id,
    };
    let members: BTreeSet<String> = upper(&e.members).into_iter().collect();
    if members
        .iter()
        .any(|m| m.len() != 2 || !m.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(ctx.err("members", "every member must be an ISO 3166-1 alpha-2 code"));
    }
    cited(ctx, "source", &e.source)?;
    let mut changes = Vec::new();
    for (i, c) in e.changes.iter().enumerate() {
        if let Some(s) = &c.source {
            cited(ctx, &format!("changes[{i}].source"), s)?;
        }
        changes.push((c.date.clone(), upper(&c.add), upper(&c.remove)));
    }
    let listed = changes.iter().flat_map(|(_, a, r)| a.iter().chain(r));
    if let Some(bad) = members.iter().chain(listed).find(|c| !iso.contains(*c)) {
        return Err(ctx.err(
            "members",
            format!("'{bad}' is not an ISO 3166-1 alpha-2 code"),
        ));
    }
    Ok(Group {
        id: e.id,
        name: e.name,
        members,
        source: e.source,
        as_of: e.as_of,
        uncertain: e.uncertain,
        note: e.note,
        changes,
    })
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

#[cfg(test)]
mod tests {
    use super::parse;

    const FILE: &str = include_str!("../data/country_groups.toml");

    #[test]
    fn a_malformed_entry_is_an_error_not_skipped() {
        assert!(parse("g.toml", FILE).is_ok());
        for (from, to, needle) in [
            (
                "uncertain = false\n",
                "uncertain = false\ncolour = 1\n",
                "field 'colour'",
            ),
            (
                "{ date = \"2020-02-24\", add = [\"YE\"], remove = []",
                "{ date = \"2020-02\", add = [\"YE\"], remove = []",
                "changes[0].date",
            ),
            (
                "treated_as = \"CN\"",
                "treated_as = 1",
                "alias 'HK', field 'treated_as'",
            ),
            (
                "[[alias]]\ncode = \"HK\"",
                "[[alias]]\ncode = \"HK\"\nsource2 = \"x\"",
                "alias 'HK', field 'source2'",
            ),
            (
                "[[special]]\ncode = \"MO\"",
                "[[special]]\ncode = \"QQ\"",
                "special 'QQ', field 'code'",
            ),
        ] {
            assert!(FILE.contains(from), "{from}");
            let e = parse("g.toml", &FILE.replacen(from, to, 1))
                .unwrap_err()
                .to_string();
            assert!(e.contains("g.toml") && e.contains(needle), "{e}");
        }
    }
}
