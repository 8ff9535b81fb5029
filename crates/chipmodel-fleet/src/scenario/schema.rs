//! The scenario file's shape, as serde structs (unknown keys rejected), and the one pass that
//! checks it against the catalogs and builds the [`Scenario`]. Groups, the workload, supplies,
//! demands and assumption overrides are read by the fleet's input readers
//! ([`crate::input`]), the same ones the Python dicts go through.

use chipmodel_catalog::datafile::Ctx;
use chipmodel_catalog::schema::{self, FieldError};
use chipmodel_perf::Catalogs;
use serde::Deserialize;
use toml::{Table, Value};

use super::{Scenario, Shock};
use crate::input::each;
use crate::{
    Assumptions, Fleet, FleetError, Group, PlanInput, Site, Supply, Workload, WorkloadDemand,
};

/// A scenario file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scenario: Head,
    #[serde(default)]
    assumptions: Table,
    #[serde(default)]
    group: Vec<Value>,
    workload: Option<Value>,
    #[serde(default)]
    compliance: ComplianceChecks,
    #[serde(default)]
    compare: Compare,
    monte_carlo: Option<MonteCarloRuns>,
    sensitivity: Option<SensitivityOutput>,
    hybrid: Option<Hybrid>,
    shock: Option<ShockCut>,
}

/// `[scenario]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    id: String,
    title: String,
    description: Option<String>,
    #[serde(default = "four_years")]
    horizon_years: f64,
}

fn four_years() -> f64 {
    4.0
}

/// `[compliance]`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ComplianceChecks {
    #[serde(default)]
    destinations: Vec<String>,
    #[serde(
        default,
        deserialize_with = "chipmodel_catalog::date::deserialize_days"
    )]
    dates: Vec<String>,
    #[serde(default)]
    chips: Vec<String>,
}

/// `[compare]`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Compare {
    #[serde(default)]
    equivalent: Vec<String>,
    equivalent_site: Option<Site>,
}

/// `[monte_carlo]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonteCarloRuns {
    #[serde(default = "thousand")]
    samples: u32,
    #[serde(default)]
    seed: u64,
}

fn thousand() -> u32 {
    1000
}

/// `[sensitivity]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SensitivityOutput {
    #[serde(default = "gpu_hour")]
    output: String,
}

fn gpu_hour() -> String {
    "usd_per_gpu_hour".to_string()
}

/// `[hybrid]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hybrid {
    supply: Vec<Value>,
    demand: Vec<Value>,
    power_cap_mw: Option<f64>,
    budget_usd: Option<f64>,
}

/// `[shock]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShockCut {
    #[serde(deserialize_with = "chipmodel_catalog::date::deserialize_day")]
    date: String,
    chips: Vec<String>,
    replacement: Option<String>,
}

/// The scenario's id as written, for errors raised before the file is read (`?` if none).
fn id_of(doc: &Table) -> String {
    match doc.get("scenario").and_then(|h| h.get("id")) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => "?".to_string(),
    }
}

/// Reads a scenario document (its `extends` resolved) and checks it against `data`.
pub(super) fn read(data: &Catalogs, file: &str, doc: Table) -> Result<Scenario, FleetError> {
    let id = id_of(&doc);
    let ctx = Ctx {
        file,
        item: "scenario",
        id: &id,
    };
    let at = |e: FieldError| FleetError::Catalog(e.in_file(ctx));
    if !doc.contains_key("scenario") {
        return Err(at(FieldError::new(
            "scenario",
            "nothing",
            "missing the [scenario] table (id, title)",
        )));
    }
    let f: File = schema::from_value(Value::Table(doc)).map_err(at)?;
    let mut s = build(data, f).map_err(at)?;
    s.file = file.to_string();
    Ok(s)
}

/// Canonical chip ids for `names`, each error at `field[i]`.
fn chip_ids(data: &Catalogs, field: &str, names: &[String]) -> Result<Vec<String>, FieldError> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| chip_id(data, &format!("{field}[{i}]"), n))
        .collect()
}

fn chip_id(data: &Catalogs, field: &str, name: &str) -> Result<String, FieldError> {
    data.chip(name)
        .map(|c| c.id.clone())
        .map_err(|e| FieldError::new(field, format!("'{name}'"), e.to_string()))
}

/// A workload whose model is in `data`, under `field`.
fn workload(data: &Catalogs, field: &str, v: Value) -> Result<Workload, FieldError> {
    let mut w = Workload::from_value(v).map_err(|e| e.under(field))?;
    w.model = model_id(data, &format!("{field}.model"), &w.model)?;
    Ok(w)
}

/// The canonical id of model `name`, the error at `field`.
fn model_id(data: &Catalogs, field: &str, name: &str) -> Result<String, FieldError> {
    data.model(name)
        .map(|m| m.id.clone())
        .map_err(|e| FieldError::new(field, format!("'{name}'"), e.to_string()))
}

/// The checked scenario from the file's sections.
fn build(data: &Catalogs, f: File) -> Result<Scenario, FieldError> {
    let head = f.scenario;
    for (field, s) in [("scenario.id", &head.id), ("scenario.title", &head.title)] {
        if s.trim().is_empty() {
            return Err(FieldError::new(field, "''", "must not be empty"));
        }
    }
    if !(head.horizon_years.is_finite() && head.horizon_years > 0.0) {
        return Err(FieldError::new(
            "scenario.horizon_years",
            head.horizon_years.to_string(),
            format!("must be a positive number, got {}", head.horizon_years),
        ));
    }
    let (assumptions, overrides) = Assumptions::defaults()
        .map_err(|e| FieldError::new("assumptions", "", e.to_string()))?
        .with_overrides(f.assumptions)
        .map_err(|e| e.under("assumptions"))?;
    let fleet = fleet(data, f.group, head.horizon_years)?;
    let workload = f
        .workload
        .map(|v| workload(data, "workload", v))
        .transpose()?;
    let checks = compliance(data, f.compliance, &fleet)?;
    let equivalent = chip_ids(data, "compare.equivalent", &f.compare.equivalent)?;
    let equivalent_site = f.compare.equivalent_site.unwrap_or_default();
    if !equivalent.is_empty() && workload.is_none() {
        return Err(FieldError::new(
            "compare.equivalent",
            "",
            "an equivalent fleet makes the same tokens per day: add a [workload]",
        ));
    }
    let monte_carlo = match f.monte_carlo {
        Some(m) if m.samples == 0 => {
            return Err(FieldError::new(
                "monte_carlo.samples",
                "0",
                "must be a positive whole number, got 0",
            ));
        }
        Some(m) => Some((m.samples as usize, m.seed)),
        None => None,
    };
    let hybrid = f
        .hybrid
        .map(|h| hybrid(data, h, head.horizon_years))
        .transpose()?;
    let shock = f.shock.map(|k| shock(data, k)).transpose()?;
    Ok(Scenario {
        document: Table::new(),
        file: String::new(),
        id: head.id,
        title: head.title,
        description: head.description,
        fleet,
        assumptions,
        overrides,
        workload,
        destinations: checks.destinations,
        dates: checks.dates,
        compliance_chips: checks.chips,
        equivalent,
        equivalent_site,
        monte_carlo,
        sensitivity: f.sensitivity.map(|s| s.output),
        shock,
        hybrid,
    })
}

/// The `[[group]]`s as a fleet, chips by canonical id, checked against `data`.
fn fleet(data: &Catalogs, groups: Vec<Value>, horizon_years: f64) -> Result<Fleet, FieldError> {
    if groups.is_empty() {
        return Err(FieldError::new(
            "group",
            "nothing",
            "a scenario needs at least one [[group]]",
        ));
    }
    let mut groups = each("group", groups, Group::from_value)?;
    for (i, g) in groups.iter_mut().enumerate() {
        g.chip = chip_id(data, &format!("group[{i}].chip"), &g.chip)?;
    }
    let fleet = Fleet {
        groups,
        horizon_years,
    };
    fleet
        .validate(data)
        .map_err(|e| FieldError::new("group", "", e.to_string()))?;
    Ok(fleet)
}

/// `[compliance]` completed: destinations (default: the sites' countries), dates (default: the
/// groups' dates) and extra chips by canonical id.
fn compliance(
    data: &Catalogs,
    c: ComplianceChecks,
    fleet: &Fleet,
) -> Result<ComplianceChecks, FieldError> {
    let groups = chipmodel_compliance::groups()
        .map_err(|e| FieldError::new("compliance.destinations", "", e.to_string()))?;
    for (i, d) in c.destinations.iter().enumerate() {
        groups.normalize(d).map_err(|e| {
            FieldError::new(
                &format!("compliance.destinations[{i}]"),
                format!("'{d}'"),
                e.to_string(),
            )
        })?;
    }
    let mut destinations = c.destinations;
    if destinations.is_empty() {
        for g in &fleet.groups {
            let d = g.site.country().to_string();
            if !destinations.contains(&d) {
                destinations.push(d);
            }
        }
    }
    let mut dates = c.dates;
    if dates.is_empty() {
        for g in &fleet.groups {
            if !dates.contains(&g.date) {
                dates.push(g.date.clone());
            }
        }
    }
    let chips = chip_ids(data, "compliance.chips", &c.chips)?;
    Ok(ComplianceChecks {
        destinations,
        dates,
        chips,
    })
}

/// `[hybrid]`: supplies and demands, chips by canonical id, models checked.
fn hybrid(data: &Catalogs, h: Hybrid, horizon_years: f64) -> Result<PlanInput, FieldError> {
    // Every table is read before any name is looked up, and names are looked up in plan_hybrid's
    // order (models, supply chips, allowed chips), so a file and Python dicts fail alike.
    let mut supplies = each("hybrid.supply", h.supply, Supply::from_value)?;
    let mut demands = each("hybrid.demand", h.demand, WorkloadDemand::from_value)?;
    for (i, d) in demands.iter_mut().enumerate() {
        d.workload.model = model_id(
            data,
            &format!("hybrid.demand[{i}].model"),
            &d.workload.model,
        )?;
    }
    for (i, s) in supplies.iter_mut().enumerate() {
        s.chip = chip_id(data, &format!("hybrid.supply[{i}].chip"), &s.chip)?;
    }
    for (i, d) in demands.iter_mut().enumerate() {
        let at = format!("hybrid.demand[{i}].allowed_chips");
        if let Some(names) = &d.allowed_chips {
            let ids = chip_ids(data, &at, names)?;
            if let Some((j, _)) = ids
                .iter()
                .enumerate()
                .find(|(_, id)| !supplies.iter().any(|s| &s.chip == *id))
            {
                return Err(FieldError::new(
                    &format!("{at}[{j}]"),
                    format!("'{}'", names[j]),
                    format!("not among the supplies (workload {})", d.workload.model),
                ));
            }
            d.allowed_chips = Some(ids);
        }
    }
    for (field, x) in [
        ("hybrid.power_cap_mw", h.power_cap_mw),
        ("hybrid.budget_usd", h.budget_usd),
    ] {
        if let Some(x) = x.filter(|x| !(x.is_finite() && *x > 0.0)) {
            return Err(FieldError::new(
                field,
                x.to_string(),
                format!("must be a positive number, got {x}"),
            ));
        }
    }
    let mut input = PlanInput::new(supplies, demands);
    input.horizon_years = horizon_years;
    input.power_cap_mw = h.power_cap_mw;
    input.budget_usd = h.budget_usd;
    Ok(input)
}

/// `[shock]`: the cut date, the chips cut and the replacement, by canonical id.
fn shock(data: &Catalogs, k: ShockCut) -> Result<Shock, FieldError> {
    Ok(Shock {
        date: k.date,
        chips: chip_ids(data, "shock.chips", &k.chips)?,
        replacement: k
            .replacement
            .map(|c| chip_id(data, "shock.replacement", &c))
            .transpose()?,
    })
}
