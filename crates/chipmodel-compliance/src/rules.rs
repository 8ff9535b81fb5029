//! Rule sets: each US rule version as a data file, layered with `extends`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::{CatalogError, Source};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::ComplianceError;

/// What a criterion measures on a chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Total Processing Performance (88 FR 73458).
    Tpp,
    /// TPP per mm² of non-planar logic die.
    PerformanceDensity,
    /// Aggregate bidirectional chip-to-chip I/O other than memory, GB/s.
    IoBandwidthGbps,
    /// Total DRAM bandwidth, GB/s.
    DramBandwidthGbps,
}

impl Metric {
    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Tpp => "TPP",
            Metric::PerformanceDensity => "performance density",
            Metric::IoBandwidthGbps => "chip-to-chip I/O (GB/s)",
            Metric::DramBandwidthGbps => "DRAM bandwidth (GB/s)",
        }
    }
}

/// A comparison, as the rule text words it (≥ "or more", > "greater than", < "less than").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// At least.
    #[serde(rename = ">=")]
    Ge,
    /// More than.
    #[serde(rename = ">")]
    Gt,
    /// At most.
    #[serde(rename = "<=")]
    Le,
    /// Less than.
    #[serde(rename = "<")]
    Lt,
}

impl Op {
    /// The symbol (`≥`).
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
        }
    }

    /// Whether `x op threshold` holds.
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Op::Ge => x >= threshold,
            Op::Gt => x > threshold,
            Op::Le => x <= threshold,
            Op::Lt => x < threshold,
        }
    }
}

/// One threshold test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// What is measured.
    pub metric: Metric,
    /// How it is compared.
    pub op: Op,
    /// The threshold.
    pub value: f64,
}

/// Criteria that must all hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// Paragraph id (`3A090.a.1`).
    pub id: String,
    /// Where it is written.
    pub citation: String,
    /// All must hold.
    pub criteria: Vec<Criterion>,
}

/// An ECCN paragraph: controlled when any clause holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paragraph {
    /// `3A090.a`.
    pub eccn: String,
    /// Any may hold.
    pub clause: Vec<Clause>,
}

/// A set of destinations: countries in any of `groups` or `codes`, minus the exceptions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Country groups (`D:5`).
    #[serde(default)]
    pub groups: Vec<String>,
    /// ISO codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Groups excluded.
    #[serde(default)]
    pub except_groups: Vec<String>,
    /// Codes excluded.
    #[serde(default)]
    pub except_codes: Vec<String>,
}

/// Who needs a licence and under which review policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationRule {
    /// Country groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// ISO codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Excluded groups.
    #[serde(default)]
    pub except_groups: Vec<String>,
    /// Excluded codes.
    #[serde(default)]
    pub except_codes: Vec<String>,
    /// From this date only.
    pub since: Option<String>,
    /// Whether a licence is required.
    pub license_required: bool,
    /// Review policy.
    pub review_policy: ReviewPolicy,
    /// Where it is written.
    pub citation: String,
    /// Flagged uncertain.
    #[serde(default)]
    pub uncertain: bool,
}

impl HqRule {
    /// The headquarters the rule covers.
    pub(crate) fn targets(&self) -> Targets {
        Targets {
            groups: self.groups.clone(),
            codes: self.codes.clone(),
            ..Targets::default()
        }
    }
}

impl ExceptionRule {
    /// The destinations the exception covers.
    pub(crate) fn targets(&self) -> Targets {
        Targets {
            groups: self.groups.clone(),
            codes: self.codes.clone(),
            except_groups: self.except_groups.clone(),
            except_codes: self.except_codes.clone(),
        }
    }
}

impl DestinationRule {
    pub(crate) fn targets(&self) -> Targets {
        Targets {
            groups: self.groups.clone(),
            codes: self.codes.clone(),
            except_groups: self.except_groups.clone(),
            except_codes: self.except_codes.clone(),
        }
    }
}

/// Licence review policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewPolicy {
    /// No licence required.
    None,
    /// Licences generally granted.
    PresumptionOfApproval,
    /// Reviewed case by case.
    CaseByCase,
    /// Licences generally denied.
    PresumptionOfDenial,
}

impl ReviewPolicy {
    /// `"presumption-of-denial"`, … .
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewPolicy::None => "none",
            ReviewPolicy::PresumptionOfApproval => "presumption-of-approval",
            ReviewPolicy::CaseByCase => "case-by-case",
            ReviewPolicy::PresumptionOfDenial => "presumption-of-denial",
        }
    }
}

/// The worldwide licence requirement for entities headquartered in some countries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HqRule {
    /// Groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Policy.
    pub review_policy: ReviewPolicy,
    /// Citation.
    pub citation: String,
}

/// A licence exception.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionRule {
    /// `NAC`, `ACA`.
    pub id: String,
    /// Citation.
    pub citation: String,
    /// ECCNs it covers.
    pub eccns: Vec<String>,
    /// Only for chips whose datacenter flag is this, if set.
    pub datacenter: Option<bool>,
    /// Groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Excluded groups.
    #[serde(default)]
    pub except_groups: Vec<String>,
    /// Excluded codes.
    #[serde(default)]
    pub except_codes: Vec<String>,
    /// What it means.
    pub note: String,
}

/// Note 2 to 3A090: non-datacenter chips below a line are outside the ECCN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonDatacenter {
    /// Citation.
    pub citation: String,
    /// All must hold for the exemption.
    pub exempt_if: Vec<Criterion>,
}

/// The AI Diffusion framework's tiers and caps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diffusion {
    /// Citation.
    pub citation: String,
    /// ECCNs it licenses worldwide.
    pub eccns: Vec<String>,
    /// The Tier-1 country group.
    pub tier1_group: String,
    /// Tier-3 groups.
    pub tier3_groups: Vec<String>,
    /// Tier-3 codes.
    pub tier3_codes: Vec<String>,
    /// Exception for Tier 1.
    pub tier1_exception: String,
    /// Tier-2 review policy.
    pub tier2_review_policy: ReviewPolicy,
    /// Tier-2 exception.
    pub tier2_exception: String,
    /// LPP cap, TPP per consignee per calendar year.
    pub lpp_tpp_per_consignee_per_year: f64,
    /// Tier-2 country allocation 2025-2027, TPP.
    pub tier2_country_allocation_tpp: f64,
    /// Flagged uncertain.
    #[serde(default)]
    pub uncertain: bool,
    /// `false` once not enforced.
    #[serde(default = "yes")]
    pub enforced: bool,
}

fn yes() -> bool {
    true
}

/// Products named in is-informed letters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedProducts {
    /// Chip ids.
    pub chips: Vec<String>,
    /// Groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Policy.
    pub review_policy: ReviewPolicy,
    /// Citation.
    pub citation: String,
    /// Expected revenue share.
    pub revenue_share: Option<f64>,
    /// From.
    pub revenue_share_from: Option<String>,
    /// Note.
    pub revenue_share_note: Option<String>,
    /// Whether the reported (unverified) criteria also name chips.
    #[serde(default)]
    pub reported_criteria_enabled: bool,
    /// The reported criteria: any one holding names the chip.
    #[serde(default)]
    pub reported_criteria: Vec<Criterion>,
}

/// Guidance naming chips (General Prohibition 10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guidance {
    /// Chip ids.
    pub chips: Vec<String>,
    /// Citation.
    pub citation: String,
    /// What it says.
    pub note: String,
    /// Flagged uncertain.
    #[serde(default)]
    pub uncertain: bool,
}

/// The January 2026 case-by-case window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseByCase {
    /// Destinations.
    pub codes: Vec<String>,
    /// Citation.
    pub citation: String,
    /// Exports from.
    pub exports_from: String,
    /// All must hold.
    pub criteria: Vec<Criterion>,
    /// Conditions a chip's specifications cannot show.
    pub conditions: Vec<String>,
    /// Who stays under presumption of denial.
    pub not_for: String,
}

/// A tariff band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffBand {
    /// Label.
    pub id: String,
    /// All must hold.
    pub criteria: Vec<Criterion>,
}

/// A tariff on chips in bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// Label.
    pub id: String,
    /// Ad valorem rate.
    pub rate: f64,
    /// From.
    pub effective: String,
    /// Citation.
    pub citation: String,
    /// Destinations it is reported for.
    pub codes: Vec<String>,
    /// Applicability.
    pub note: String,
    /// Bands.
    pub band: Vec<TariffBand>,
}

/// One rule version, with what it inherited resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// `us-2023-10`.
    pub id: String,
    /// Name.
    pub name: String,
    /// The instrument's title.
    pub instrument: String,
    /// Federal Register (or other) citation.
    pub citation: String,
    /// FR document number.
    pub fr_doc: Option<String>,
    /// Publication date.
    pub published: String,
    /// Effective date.
    pub effective: String,
    /// Compliance date, if later.
    pub compliance: Option<String>,
    /// Not enforced from.
    pub not_enforced_from: Option<String>,
    /// `in-force`, `superseded`, `not-enforced`.
    pub status: String,
    /// Source keys cited.
    #[serde(default)]
    pub cites: Vec<String>,
    /// Uncertain details, carried into every result.
    #[serde(default)]
    pub uncertain: Vec<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Sources by key (parsed separately, with the catalog's source validation).
    #[serde(default, skip_deserializing)]
    pub sources: BTreeMap<String, Source>,
    /// ECCN paragraphs in order (a before b).
    #[serde(default)]
    pub paragraph: Vec<Paragraph>,
    /// Note 2.
    pub non_datacenter: Option<NonDatacenter>,
    /// Destination rules, first match wins.
    #[serde(default)]
    pub destination: Vec<DestinationRule>,
    /// Headquarters rule.
    pub end_user_hq: Option<HqRule>,
    /// Licence exceptions.
    #[serde(default)]
    pub exception: Vec<ExceptionRule>,
    /// Diffusion framework.
    pub diffusion: Option<Diffusion>,
    /// Named products.
    pub named_products: Option<NamedProducts>,
    /// Guidance.
    pub guidance: Option<Guidance>,
    /// Case-by-case window.
    pub case_by_case: Option<CaseByCase>,
    /// Tariffs.
    #[serde(default)]
    pub tariff: Vec<Tariff>,
}

const EMBEDDED: [(&str, &str); 8] = [
    (
        "us-2022-10.toml",
        include_str!("../data/rules/us-2022-10.toml"),
    ),
    (
        "us-2023-10.toml",
        include_str!("../data/rules/us-2023-10.toml"),
    ),
    (
        "us-2024-04.toml",
        include_str!("../data/rules/us-2024-04.toml"),
    ),
    (
        "us-2024-12.toml",
        include_str!("../data/rules/us-2024-12.toml"),
    ),
    (
        "us-2025-01.toml",
        include_str!("../data/rules/us-2025-01.toml"),
    ),
    (
        "us-2025-04.toml",
        include_str!("../data/rules/us-2025-04.toml"),
    ),
    (
        "us-2025-05.toml",
        include_str!("../data/rules/us-2025-05.toml"),
    ),
    (
        "us-2026-01.toml",
        include_str!("../data/rules/us-2026-01.toml"),
    ),
];

/// Fields that describe one version and are not inherited through `extends`.
const METADATA: [&str; 13] = [
    "id",
    "name",
    "instrument",
    "citation",
    "fr_doc",
    "published",
    "effective",
    "compliance",
    "not_enforced_from",
    "status",
    "cites",
    "uncertain",
    "notes",
];

/// Parses rule-set texts (with `extends` resolved against `known` and each other) into rule sets.
pub(crate) fn parse_rule_sets(
    files: &[(&str, &str)],
    known: &BTreeMap<String, Table>,
    inherit_metadata: bool,
) -> Result<Vec<(RuleSet, Table)>, CatalogError> {
    let mut raw: BTreeMap<String, Table> = known.clone();
    let mut order = Vec::new();
    for (file, text) in files {
        let doc = datafile::parse_document(file, text)?;
        let id = match doc.get("id") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(Ctx {
                    file,
                    item: "rules",
                    id: "?",
                }
                .err("id", "missing required string field"));
            }
        };
        let ctx = Ctx {
            file,
            item: "rules",
            id: &id,
        };
        datafile::check_slug(ctx, "id", &id)?;
        let resolved = match doc.get("extends") {
            None => doc.clone(),
            Some(Value::String(parent)) => {
                let p = raw.get(parent).ok_or_else(|| {
                    ctx.err(
                        "extends",
                        format!("no rule set '{parent}' is loaded before this one"),
                    )
                })?;
                let mut child = doc.clone();
                child.remove("extends");
                // A rule version's own metadata is never inherited, only its rules and sources; a
                // user's what-if variant keeps its parent's dates and citation unless it restates them.
                let mut parent = p.clone();
                if !inherit_metadata {
                    for key in METADATA {
                        parent.remove(key);
                    }
                }
                chipmodel_catalog::schema::merge(&mut parent, child);
                parent
            }
            Some(v) => {
                return Err(ctx.err(
                    "extends",
                    format!("expected a rule-set id, got {}", datafile::show(v)),
                ));
            }
        };
        let mut resolved = resolved;
        resolved.remove("extends");
        raw.insert(id.clone(), resolved.clone());
        order.push((file.to_string(), id));
    }
    order
        .into_iter()
        .map(|(file, id)| read_rule_set(&file, &id, raw[&id].clone()))
        .collect()
}

/// One resolved rule-set table as a checked rule set (with the table, for `to_toml`).
fn read_rule_set(file: &str, id: &str, table: Table) -> Result<(RuleSet, Table), CatalogError> {
    let ctx = Ctx {
        file,
        item: "rules",
        id,
    };
    let mut t = table.clone();
    let mut sources = BTreeMap::new();
    if let Some(Value::Table(s)) = t.remove("sources") {
        for (k, v) in s {
            sources.insert(k.clone(), datafile::parse_source(file, &k, v)?);
        }
    }
    let mut rs: RuleSet =
        chipmodel_catalog::schema::from_value(Value::Table(t)).map_err(|e| e.in_file(ctx))?;
    rs.sources = sources;
    validate(ctx, &rs)?;
    Ok((rs, table))
}

fn validate(ctx: Ctx, rs: &RuleSet) -> Result<(), CatalogError> {
    for (field, d) in [
        ("published", Some(&rs.published)),
        ("effective", Some(&rs.effective)),
        ("compliance", rs.compliance.as_ref()),
        ("not_enforced_from", rs.not_enforced_from.as_ref()),
    ] {
        if let Some(d) = d {
            datafile::parse_date(ctx, field, &Value::String(d.clone()))?;
        }
    }
    if !["in-force", "superseded", "not-enforced"].contains(&rs.status.as_str()) {
        return Err(ctx.err(
            "status",
            format!(
                "unknown status '{}' (expected in-force, superseded or not-enforced)",
                rs.status
            ),
        ));
    }
    for key in &rs.cites {
        if !rs.sources.contains_key(key) {
            return Err(ctx.err(
                "cites",
                format!("unknown source key '{key}' (define it under [sources.{key}])"),
            ));
        }
    }
    for c in rs.criteria() {
        if !c.value.is_finite() || c.value < 0.0 {
            return Err(ctx.err(
                "criteria.value",
                format!(
                    "thresholds must be finite and not negative, got {}",
                    c.value
                ),
            ));
        }
    }
    Ok(())
}

/// The embedded rule sets, in chronological order, parsed once.
pub(crate) fn embedded() -> Result<&'static [(RuleSet, Table)], ComplianceError> {
    static CELL: OnceLock<Result<Vec<(RuleSet, Table)>, CatalogError>> = OnceLock::new();
    CELL.get_or_init(|| parse_rule_sets(&EMBEDDED, &BTreeMap::new(), false))
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(|e| ComplianceError::Catalog(e.clone()))
}

impl RuleSet {
    /// Every embedded rule set, oldest first.
    ///
    /// # Examples
    ///
    /// ```
    /// let ids: Vec<String> = chipmodel_compliance::RuleSet::all().unwrap().into_iter().map(|r| r.id).collect();
    /// assert_eq!(ids.first().map(String::as_str), Some("us-2022-10"));
    /// assert_eq!(ids.last().map(String::as_str), Some("us-2026-01"));
    /// ```
    pub fn all() -> Result<Vec<RuleSet>, ComplianceError> {
        Ok(embedded()?.iter().map(|(r, _)| r.clone()).collect())
    }

    /// An embedded rule set by id.
    pub fn get(id: &str) -> Result<RuleSet, ComplianceError> {
        let all = embedded()?;
        all.iter()
            .find(|(r, _)| r.id == id.trim().to_ascii_lowercase())
            .map(|(r, _)| r.clone())
            .ok_or_else(|| ComplianceError::UnknownRules {
                name: id.to_string(),
                suggestions: datafile::suggest_from(
                    id,
                    all.iter().map(|(r, _)| (r.id.as_str(), r.id.as_str())),
                ),
            })
    }

    /// The rule set in force on `date` (`YYYY-MM-DD`): the latest effective on or before it,
    /// skipping a rule from the day it stopped being enforced. `None` before October 2022.
    pub fn on(date: &str) -> Result<Option<RuleSet>, ComplianceError> {
        let d = crate::check_date(date)?;
        Ok(embedded()?
            .iter()
            .filter(|(r, _)| {
                r.effective.as_str() <= d.as_str()
                    && r.not_enforced_from
                        .as_ref()
                        .is_none_or(|n| d.as_str() < n.as_str())
            })
            .map(|(r, _)| r.clone())
            .next_back())
    }

    /// A custom rule set from TOML text: a complete rule set, or one that `extends` an embedded
    /// one and replaces what it lists (arrays such as `[[paragraph]]` are replaced whole; tables
    /// merge key by key; dates and citation are inherited unless restated). To move one line,
    /// [`RuleSet::with_line`] is simpler.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_compliance::RuleSet;
    /// let what_if = RuleSet::from_toml("what-if.toml", r#"
    /// id = "what-if-tpp-3000"
    /// extends = "us-2023-10"
    /// name = "2023 rule with the 4,800 line at 3,000"
    /// [[paragraph]]
    /// eccn = "3A090.a"
    /// [[paragraph.clause]]
    /// id = "3A090.a.1"
    /// citation = "what-if"
    /// criteria = [{ metric = "tpp", op = ">=", value = 3000 }]
    /// "#).unwrap();
    /// assert_eq!(what_if.paragraph[0].clause[0].criteria[0].value, 3000.0);
    /// ```
    pub fn from_toml(file: &str, text: &str) -> Result<RuleSet, ComplianceError> {
        let known: BTreeMap<String, Table> = embedded()?
            .iter()
            .map(|(r, t)| (r.id.clone(), t.clone()))
            .collect();
        let mut parsed = parse_rule_sets(&[(file, text)], &known, true)?;
        Ok(parsed.remove(0).0)
    }

    /// This rule set as one self-contained rule file (what it inherited written out, its sources as
    /// `[sources.*]`): [`RuleSet::from_toml`] reads it back to an identical rule set.
    ///
    /// ```
    /// use chipmodel_compliance::RuleSet;
    /// let r = RuleSet::get("us-2026-01").unwrap();
    /// assert_eq!(RuleSet::from_toml("saved.toml", &r.to_toml()).unwrap(), r);
    /// ```
    pub fn to_toml(&self) -> String {
        let mut doc = match Table::try_from(self) {
            Ok(t) => t,
            Err(_) => return String::new(),
        };
        doc.insert(
            "sources".into(),
            Value::Table(datafile::sources_table(&self.sources)),
        );
        toml::to_string(&doc).unwrap_or_default()
    }

    /// Every threshold test of this rule set: the ECCN paragraphs' clauses, Note 2's exemption,
    /// the case-by-case window and the tariff bands.
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.paragraph
            .iter()
            .flat_map(|p| p.clause.iter().flat_map(|c| c.criteria.iter()))
            .chain(self.non_datacenter.iter().flat_map(|n| n.exempt_if.iter()))
            .chain(self.case_by_case.iter().flat_map(|c| c.criteria.iter()))
            .chain(
                self.tariff
                    .iter()
                    .flat_map(|t| t.band.iter().flat_map(|b| b.criteria.iter())),
            )
    }

    /// [`RuleSet::criteria`], to change them.
    pub fn criteria_mut(&mut self) -> impl Iterator<Item = &mut Criterion> {
        self.paragraph
            .iter_mut()
            .flat_map(|p| p.clause.iter_mut().flat_map(|c| c.criteria.iter_mut()))
            .chain(
                self.non_datacenter
                    .iter_mut()
                    .flat_map(|n| n.exempt_if.iter_mut()),
            )
            .chain(
                self.case_by_case
                    .iter_mut()
                    .flat_map(|c| c.criteria.iter_mut()),
            )
            .chain(
                self.tariff
                    .iter_mut()
                    .flat_map(|t| t.band.iter_mut().flat_map(|b| b.criteria.iter_mut())),
            )
    }

    /// Whether this rule set is enforced on `date`.
    pub fn enforced_on(&self, date: &str) -> bool {
        self.effective.as_str() <= date
            && self
                .not_enforced_from
                .as_ref()
                .is_none_or(|n| date < n.as_str())
    }
}
