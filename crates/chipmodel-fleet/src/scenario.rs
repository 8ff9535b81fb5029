//! Scenario files: a fleet, a workload, assumption overrides, the compliance dates to check and
//! the comparisons to run, in one TOML file; [`run_scenario`] runs them all.
//!
//! The format (every table but `[scenario]` and `[[group]]` is optional):
//!
//! ```toml
//! [scenario]
//! id = "my-fleet"
//! title = "10,000 H200 in China"
//! horizon_years = 4
//!
//! [assumptions]
//! wacc = 0.06                                                 # a value
//! "price.h200-sxm" = { value = 25000, low = 20000, high = 30000 } # a value and its range
//!
//! [[group]]
//! chip = "h200-sxm"
//! count = 10000
//! site = "cn"
//! owner = "a cloud"
//! date = "2026-02-01"
//!
//! [workload]
//! model = "llama-3.1-70b"
//! input_tokens = 1024
//! output_tokens = 256
//! weight_dtype = "fp8"
//!
//! [compliance]
//! destinations = ["CN"]
//! dates = ["2024-06-01", "2026-02-01"]
//!
//! [compare]
//! equivalent = ["ascend-910c"]
//!
//! [monte_carlo]
//! samples = 500
//! seed = 0
//!
//! [sensitivity]
//! output = "usd_per_gpu_hour"
//! ```

use chipmodel_catalog::Precision;
use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_perf::Catalogs;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::analysis::{
    MonteCarlo, Progress, Sensitivity, equivalent_fleet, monte_carlo_with_progress,
    report_progress, sensitivity,
};
use crate::schedule::{QuarterRow, ShockResult, export_shock, schedule};
use crate::{Assumptions, Fleet, FleetError, FleetReport, Group, Workload};

/// The seed scenario: 400,000 H200 for ByteDance, Alibaba and Tencent, sited in China, 2026.
pub const SEED_SCENARIO: &str = include_str!("../data/scenarios/seed-h200-china-2026.toml");

/// Scenarios shipped with chipmodel: (file name, text).
pub const SCENARIOS: [(&str, &str); 3] = [
    ("seed-h200-china-2026.toml", SEED_SCENARIO),
    (
        "us-b200-buildout-2025.toml",
        include_str!("../data/scenarios/us-b200-buildout-2025.toml"),
    ),
    (
        "h800-china-2023.toml",
        include_str!("../data/scenarios/h800-china-2023.toml"),
    ),
];

/// An import channel cut at a date (`[shock]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shock {
    /// Deliveries in quarters starting on or after this date are cancelled.
    pub date: String,
    /// Chips whose deliveries are cut.
    pub chips: Vec<String>,
    /// The chip that makes up the lost tokens, if any.
    pub replacement: Option<String>,
}

/// A parsed, checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The file it came from.
    pub file: String,
    /// Short id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Longer description.
    pub description: Option<String>,
    /// The fleet.
    pub fleet: Fleet,
    /// Assumptions with the scenario's overrides (not serialized: `overrides` names them; a
    /// deserialized scenario starts from the defaults; the Python pickle carries them too).
    #[serde(skip_serializing, default = "default_assumptions")]
    pub assumptions: Assumptions,
    /// Names overridden by the scenario.
    pub overrides: Vec<String>,
    /// The workload for tokens and $/million tokens.
    pub workload: Option<Workload>,
    /// Destinations to classify the fleet's chips for (default: the sites' countries).
    pub destinations: Vec<String>,
    /// Dates to classify on (default: each group's date).
    pub dates: Vec<String>,
    /// Extra chips to classify besides the fleet's and the comparison chips.
    pub compliance_chips: Vec<String>,
    /// Chips to size an equivalent fleet of.
    pub equivalent: Vec<String>,
    /// Site of the equivalent fleets.
    pub equivalent_site: String,
    /// Monte Carlo (samples, seed).
    pub monte_carlo: Option<(usize, u64)>,
    /// Sensitivity output.
    pub sensitivity: Option<String>,
    /// Export shock: the cut date, the chips cut, the replacement chip.
    pub shock: Option<Shock>,
    /// Hybrid plan: supplies with caps, demands per workload, power cap, budget.
    pub hybrid: Option<crate::PlanInput>,
    /// The document it was read from, with any `extends` resolved (for [`Scenario::to_toml`]).
    #[serde(skip)]
    pub document: Table,
}

fn read(path: &std::path::Path) -> Result<String, FleetError> {
    datafile::read_file(path).map_err(|e| match e {
        chipmodel_catalog::CatalogError::Io { path, message } => FleetError::Io { path, message },
        other => FleetError::Catalog(other),
    })
}

fn canonical(path: &std::path::Path) -> Result<std::path::PathBuf, FleetError> {
    path.canonicalize().map_err(|e| FleetError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// How many `extends` a scenario may chain.
const MAX_EXTENDS: usize = 8;

/// `base` with `over` laid on it: tables merge key by key, anything else (values, arrays such as
/// `[[group]]`) is replaced by `over`'s.
fn overlay(mut base: Table, over: Table) -> Table {
    for (k, v) in over {
        match (base.remove(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => {
                base.insert(k, Value::Table(overlay(b, o)));
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
    base
}

/// Resolves `[scenario] extends`: a shipped scenario's id, or (for a scenario loaded from a file)
/// a file in the same folder or below it. The result is the base laid under this scenario; a
/// path outside the folder, a chain longer than 8 or a cycle is an error naming the file.
fn resolve_extends(
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
    let fail = |message: String| err(file, &id, "scenario.extends", message);
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
    let base = if let Some((name, text)) = SCENARIOS
        .iter()
        .find(|(f, _)| f.trim_end_matches(".toml") == target)
    {
        let key = std::path::PathBuf::from(format!("<shipped>/{name}"));
        if seen.contains(&key) {
            return Err(fail(format!("'{target}' extends itself (a cycle)")));
        }
        seen.push(key);
        let base = datafile::parse_document(name, text)?;
        resolve_extends(name, base, None, seen)?
    } else {
        let Some(path) = path else {
            return Err(fail(format!(
                "'{target}' is not a shipped scenario ({}); a file can be extended only by a scenario loaded from a file",
                SCENARIOS
                    .iter()
                    .map(|(f, _)| f.trim_end_matches(".toml"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let rel = std::path::Path::new(&target);
        if rel.is_absolute() {
            return Err(fail(format!(
                "'{target}' is an absolute path: name a file in the scenario's folder"
            )));
        }
        let folder = canonical(path.parent().unwrap_or(std::path::Path::new(".")))?;
        let full = canonical(&folder.join(rel)).map_err(|e| match e {
            FleetError::Io { message, .. } => fail(format!("'{target}': {message}")),
            other => other,
        })?;
        if !full.starts_with(&folder) {
            return Err(fail(format!(
                "'{target}' is outside the scenario's folder '{}'",
                folder.display()
            )));
        }
        if seen.contains(&full) {
            return Err(fail(format!("'{target}' extends itself (a cycle)")));
        }
        seen.push(full.clone());
        let name = full.display().to_string();
        let base = datafile::parse_document(&name, &read(&full)?)?;
        resolve_extends(&name, base, Some(&full), seen)?
    };
    Ok(overlay(base, doc))
}

fn default_assumptions() -> Assumptions {
    Assumptions::defaults().unwrap_or_else(|_| Assumptions {
        values: Default::default(),
        sources: Default::default(),
    })
}

fn err(file: &str, id: &str, field: &str, message: impl Into<String>) -> FleetError {
    FleetError::Catalog(
        Ctx {
            file,
            item: "scenario",
            id,
        }
        .err(field, message),
    )
}

fn table(v: Value, file: &str, id: &str, field: &str) -> Result<Table, FleetError> {
    match v {
        Value::Table(t) => Ok(t),
        other => Err(err(
            file,
            id,
            field,
            format!("expected a table, got {}", datafile::show(&other)),
        )),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) if f.is_finite() => Some(*f),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn strings(v: Value, file: &str, id: &str, field: &str) -> Result<Vec<String>, FleetError> {
    match v {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, x)| match x {
                Value::String(s) if !s.trim().is_empty() => Ok(s),
                other => Err(err(
                    file,
                    id,
                    &format!("{field}[{i}]"),
                    format!("expected a string, got {}", datafile::show(&other)),
                )),
            })
            .collect(),
        other => Err(err(
            file,
            id,
            field,
            format!(
                "expected an array of strings, got {}",
                datafile::show(&other)
            ),
        )),
    }
}

fn no_more(
    t: &Table,
    file: &str,
    id: &str,
    prefix: &str,
    expected: &[&str],
) -> Result<(), FleetError> {
    match t.keys().next() {
        None => Ok(()),
        Some(k) => Err(err(
            file,
            id,
            &format!("{prefix}{k}"),
            format!(
                "unknown key '{k}' (expected one of: {})",
                expected.join(", ")
            ),
        )),
    }
}

/// A positive finite number at `field`, as f64.
fn positive(v: Value, file: &str, id: &str, field: &str) -> Result<f64, FleetError> {
    match number(&v) {
        Some(x) if x > 0.0 => Ok(x),
        _ => Err(err(
            file,
            id,
            field,
            format!("must be a positive number, got {}", datafile::show(&v)),
        )),
    }
}

fn count(v: Value, file: &str, id: &str, field: &str) -> Result<u32, FleetError> {
    match v {
        Value::Integer(i) if i > 0 && i <= i64::from(u32::MAX) => Ok(i as u32),
        other => Err(err(
            file,
            id,
            field,
            format!(
                "must be a positive whole number, got {}",
                datafile::show(&other)
            ),
        )),
    }
}

const WORKLOAD_KEYS: [&str; 6] = [
    "model",
    "input_tokens",
    "output_tokens",
    "weight_dtype",
    "ttft_slo_s",
    "tpot_slo_s",
];

/// Reads a workload from `t` (keys at `prefix`), leaving the keys in `extra` for the caller.
fn workload_from(
    data: &Catalogs,
    mut t: Table,
    file: &str,
    id_s: &str,
    prefix: &str,
    extra: &[&str],
) -> Result<(Workload, Table), FleetError> {
    let at = |k: &str| format!("{prefix}{k}");
    let model = match t.remove("model") {
        Some(Value::String(m)) => m,
        other => {
            return Err(err(
                file,
                id_s,
                &at("model"),
                format!(
                    "expected a model id, got {}",
                    other.map_or("nothing".into(), |v| datafile::show(&v))
                ),
            ));
        }
    };
    let m = data
        .model(&model)
        .map_err(|e| err(file, id_s, &at("model"), e.to_string()))?;
    let mut w = Workload::new(&m.id);
    if let Some(v) = t.remove("input_tokens") {
        w.input_tokens = count(v, file, id_s, &at("input_tokens"))?;
    }
    if let Some(v) = t.remove("output_tokens") {
        w.output_tokens = count(v, file, id_s, &at("output_tokens"))?;
    }
    if let Some(v) = t.remove("weight_dtype") {
        let s = v.as_str().unwrap_or_default().to_string();
        w.weight_dtype = s
            .parse::<Precision>()
            .map_err(|e| err(file, id_s, &at("weight_dtype"), e.to_string()))?;
    }
    if let Some(v) = t.remove("ttft_slo_s") {
        w.ttft_slo_s = Some(positive(v, file, id_s, &at("ttft_slo_s"))?);
    }
    if let Some(v) = t.remove("tpot_slo_s") {
        w.tpot_slo_s = Some(positive(v, file, id_s, &at("tpot_slo_s"))?);
    }
    let mut rest = Table::new();
    for k in extra {
        if let Some(v) = t.remove(*k) {
            rest.insert((*k).to_string(), v);
        }
    }
    let expected: Vec<&str> = WORKLOAD_KEYS.iter().chain(extra).copied().collect();
    no_more(&t, file, id_s, prefix, &expected)?;
    Ok((w, rest))
}

impl Scenario {
    /// Parses and checks a scenario file's text; every problem names the file and the key.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::Scenario;
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
    /// );
    /// let s = Scenario::parse(&data, "mine.toml", "[scenario]\nid = \"x\"\ntitle = \"X\"\n[[group]]\nchip = \"h200\"\ncount = 8\n")?;
    /// assert_eq!(s.fleet.groups[0].count, 8.0);
    /// let e = Scenario::parse(&data, "mine.toml", "[scenario]\nid = \"x\"\ntitle = \"X\"\n[[group]]\nchip = \"h200\"\ncount = -8\n").unwrap_err();
    /// assert!(e.to_string().contains("mine.toml") && e.to_string().contains("group[0].count"), "{e}");
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn parse(data: &Catalogs, file: &str, text: &str) -> Result<Scenario, FleetError> {
        let doc = datafile::parse_document(file, text)?;
        let doc = resolve_extends(file, doc, None, &mut Vec::new())?;
        Scenario::from_table(data, file, doc)
    }

    fn from_table(data: &Catalogs, file: &str, doc: Table) -> Result<Scenario, FleetError> {
        let mut s = Scenario::from_document(data, file, doc.clone())?;
        s.document = doc;
        Ok(s)
    }

    /// The scenario as one self-contained scenario file (any `extends` written out): loading it
    /// gives this scenario again.
    ///
    /// ```
    /// use chipmodel_fleet::Scenario;
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
    /// );
    /// let seed = Scenario::seed(&data)?;
    /// let again = Scenario::parse(&data, "saved.toml", &seed.to_toml())?;
    /// assert_eq!(again.fleet, seed.fleet);
    /// assert_eq!(again.assumptions, seed.assumptions);
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.document).unwrap_or_default()
    }

    fn from_document(data: &Catalogs, file: &str, mut doc: Table) -> Result<Scenario, FleetError> {
        let mut head = table(
            doc.remove("scenario").ok_or_else(|| {
                err(
                    file,
                    "?",
                    "scenario",
                    "missing the [scenario] table (id, title)",
                )
            })?,
            file,
            "?",
            "scenario",
        )?;
        let id = match head.remove("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s,
            other => {
                return Err(err(
                    file,
                    "?",
                    "scenario.id",
                    format!(
                        "expected a non-empty string, got {}",
                        other.map_or("nothing".into(), |v| datafile::show(&v))
                    ),
                ));
            }
        };
        let ctx = Ctx {
            file,
            item: "scenario",
            id: &id,
        };
        let id_s = id.as_str();
        let title = datafile::take_string(ctx, &mut head, "title", true)?.unwrap_or_default();
        let description = datafile::take_string(ctx, &mut head, "description", false)?;
        let horizon_years = match head.remove("horizon_years") {
            None => 4.0,
            Some(v) => positive(v, file, id_s, "scenario.horizon_years")?,
        };
        no_more(
            &head,
            file,
            id_s,
            "scenario.",
            &["id", "title", "description", "horizon_years"],
        )?;

        // Assumption overrides.
        let mut assumptions = Assumptions::defaults()?;
        let mut overrides = Vec::new();
        if let Some(v) = doc.remove("assumptions") {
            for (name, v) in table(v, file, id_s, "assumptions")? {
                let key = format!("assumptions.{name}");
                let known = assumptions.values.contains_key(&name);
                if !known {
                    let hint = datafile::suggest_from(
                        &name,
                        assumptions.values.keys().map(|k| (k.as_str(), k.as_str())),
                    );
                    return Err(err(
                        file,
                        id_s,
                        &key,
                        format!(
                            "unknown assumption '{name}'{}",
                            chipmodel_catalog::did_you_mean(&hint)
                        ),
                    ));
                }
                let at = |e: FleetError| err(file, id_s, &key, e.to_string());
                assumptions = match v {
                    Value::Table(mut t) => {
                        let mut get = |k: &str| -> Result<Option<f64>, FleetError> {
                            match t.remove(k) {
                                None => Ok(None),
                                Some(x) => number(&x).map(Some).ok_or_else(|| {
                                    err(
                                        file,
                                        id_s,
                                        &format!("{key}.{k}"),
                                        format!("expected a number, got {}", datafile::show(&x)),
                                    )
                                }),
                            }
                        };
                        let value = get("value")?;
                        let (low, high) = (get("low")?, get("high")?);
                        no_more(
                            &t,
                            file,
                            id_s,
                            &format!("{key}."),
                            &["value", "low", "high"],
                        )?;
                        let cur = &assumptions.values[&name];
                        let value = value.unwrap_or(cur.value);
                        let (low, high) = (low.unwrap_or(cur.low), high.unwrap_or(cur.high));
                        assumptions
                            .with_range(&name, value, low, high)
                            .map_err(at)?
                    }
                    other => match number(&other) {
                        Some(x) => assumptions.with(&name, x).map_err(at)?,
                        None => {
                            return Err(err(
                                file,
                                id_s,
                                &key,
                                format!(
                                    "expected a number or {{ value, low, high }}, got {}",
                                    datafile::show(&other)
                                ),
                            ));
                        }
                    },
                };
                overrides.push(name);
            }
        }

        // The fleet.
        let chip_id = |name: &str, field: &str| -> Result<String, FleetError> {
            data.chip(name)
                .map(|c| c.id.clone())
                .map_err(|e| err(file, id_s, field, e.to_string()))
        };
        let groups_v = match doc.remove("group") {
            Some(Value::Array(a)) if !a.is_empty() => a,
            Some(other) => {
                return Err(err(
                    file,
                    id_s,
                    "group",
                    format!("expected [[group]] tables, got {}", datafile::show(&other)),
                ));
            }
            None => {
                return Err(err(
                    file,
                    id_s,
                    "group",
                    "a scenario needs at least one [[group]]",
                ));
            }
        };
        let mut groups = Vec::new();
        for (i, g) in groups_v.into_iter().enumerate() {
            let p = format!("group[{i}]");
            let mut t = table(g, file, id_s, &p)?;
            let chip = datafile::take_string(ctx, &mut t, "chip", true)
                .map_err(|_| err(file, id_s, &format!("{p}.chip"), "missing or not a string"))?
                .unwrap_or_default();
            let chip = chip_id(&chip, &format!("{p}.chip"))?;
            let n = positive(
                t.remove("count").unwrap_or(Value::Integer(0)),
                file,
                id_s,
                &format!("{p}.count"),
            )?;
            let mut group = Group::new(&chip, n, "cn");
            if let Some(v) = t.remove("site") {
                match v {
                    Value::String(s) if s == "cn" || s == "us" => group.site = s,
                    other => {
                        return Err(err(
                            file,
                            id_s,
                            &format!("{p}.site"),
                            format!("expected 'cn' or 'us', got {}", datafile::show(&other)),
                        ));
                    }
                }
            }
            if let Some(o) = datafile::take_string(ctx, &mut t, "owner", false)
                .map_err(|_| err(file, id_s, &format!("{p}.owner"), "expected a string"))?
            {
                group.owner = o;
            }
            if let Some(v) = t.remove("date") {
                group.date = datafile::parse_date(ctx, &format!("{p}.date"), &v)?;
            }
            if let Some(v) = t.remove("deliveries") {
                let key = format!("{p}.deliveries");
                for (q, n) in table(v, file, id_s, &key)? {
                    let at = format!("{key}.{q}");
                    if crate::schedule::Quarter::parse(&q).is_none() {
                        return Err(err(
                            file,
                            id_s,
                            &at,
                            "expected a quarter key YYYY-Qn, e.g. 2026-Q1",
                        ));
                    }
                    match number(&n) {
                        Some(x) if x >= 0.0 => group.deliveries.push(crate::Delivery {
                            quarter: q,
                            count: x,
                        }),
                        _ => {
                            return Err(err(
                                file,
                                id_s,
                                &at,
                                format!(
                                    "must be a number of chips ≥ 0, got {}",
                                    datafile::show(&n)
                                ),
                            ));
                        }
                    }
                }
                crate::schedule::deliveries_of(&group)
                    .map_err(|e| err(file, id_s, &key, e.to_string()))?;
            }
            no_more(
                &t,
                file,
                id_s,
                &format!("{p}."),
                &["chip", "count", "site", "owner", "date", "deliveries"],
            )?;
            groups.push(group);
        }
        let fleet = Fleet {
            groups,
            horizon_years,
        };

        // The workload.
        let workload = match doc.remove("workload") {
            None => None,
            Some(v) => {
                let t = table(v, file, id_s, "workload")?;
                Some(workload_from(data, t, file, id_s, "workload.", &[])?.0)
            }
        };

        // Compliance checks.
        let (mut destinations, mut dates, mut compliance_chips) =
            (Vec::new(), Vec::new(), Vec::new());
        if let Some(v) = doc.remove("compliance") {
            let mut t = table(v, file, id_s, "compliance")?;
            if let Some(v) = t.remove("destinations") {
                destinations = strings(v, file, id_s, "compliance.destinations")?;
            }
            if let Some(v) = t.remove("dates") {
                let Value::Array(items) = v else {
                    return Err(err(
                        file,
                        id_s,
                        "compliance.dates",
                        "expected an array of dates",
                    ));
                };
                for (i, d) in items.iter().enumerate() {
                    dates.push(datafile::parse_date(
                        ctx,
                        &format!("compliance.dates[{i}]"),
                        d,
                    )?);
                }
            }
            if let Some(v) = t.remove("chips") {
                for (i, c) in strings(v, file, id_s, "compliance.chips")?
                    .iter()
                    .enumerate()
                {
                    compliance_chips.push(chip_id(c, &format!("compliance.chips[{i}]"))?);
                }
            }
            no_more(
                &t,
                file,
                id_s,
                "compliance.",
                &["destinations", "dates", "chips"],
            )?;
        }
        for (i, d) in destinations.iter().enumerate() {
            chipmodel_compliance::groups()?.normalize(d).map_err(|e| {
                err(
                    file,
                    id_s,
                    &format!("compliance.destinations[{i}]"),
                    e.to_string(),
                )
            })?;
        }
        if destinations.is_empty() {
            for g in &fleet.groups {
                let d = g.site.to_ascii_uppercase();
                if !destinations.contains(&d) {
                    destinations.push(d);
                }
            }
        }
        if dates.is_empty() {
            for g in &fleet.groups {
                if !dates.contains(&g.date) {
                    dates.push(g.date.clone());
                }
            }
        }

        // Comparisons.
        let (mut equivalent, mut equivalent_site) = (Vec::new(), "cn".to_string());
        if let Some(v) = doc.remove("compare") {
            let mut t = table(v, file, id_s, "compare")?;
            if let Some(v) = t.remove("equivalent") {
                for (i, c) in strings(v, file, id_s, "compare.equivalent")?
                    .iter()
                    .enumerate()
                {
                    equivalent.push(chip_id(c, &format!("compare.equivalent[{i}]"))?);
                }
            }
            if let Some(v) = t.remove("equivalent_site") {
                match v {
                    Value::String(s) if s == "cn" || s == "us" => equivalent_site = s,
                    other => {
                        return Err(err(
                            file,
                            id_s,
                            "compare.equivalent_site",
                            format!("expected 'cn' or 'us', got {}", datafile::show(&other)),
                        ));
                    }
                }
            }
            no_more(
                &t,
                file,
                id_s,
                "compare.",
                &["equivalent", "equivalent_site"],
            )?;
        }
        if !equivalent.is_empty() && workload.is_none() {
            return Err(err(
                file,
                id_s,
                "compare.equivalent",
                "an equivalent fleet makes the same tokens per day: add a [workload]",
            ));
        }
        let monte_carlo = match doc.remove("monte_carlo") {
            None => None,
            Some(v) => {
                let mut t = table(v, file, id_s, "monte_carlo")?;
                let samples = match t.remove("samples") {
                    None => 1000,
                    Some(v) => count(v, file, id_s, "monte_carlo.samples")? as usize,
                };
                let seed = match t.remove("seed") {
                    None => 0,
                    Some(Value::Integer(i)) if i >= 0 => i as u64,
                    Some(other) => {
                        return Err(err(
                            file,
                            id_s,
                            "monte_carlo.seed",
                            format!("must be a whole number ≥ 0, got {}", datafile::show(&other)),
                        ));
                    }
                };
                no_more(&t, file, id_s, "monte_carlo.", &["samples", "seed"])?;
                Some((samples, seed))
            }
        };
        let sensitivity = match doc.remove("sensitivity") {
            None => None,
            Some(v) => {
                let mut t = table(v, file, id_s, "sensitivity")?;
                let o = datafile::take_string(ctx, &mut t, "output", false)?
                    .unwrap_or_else(|| "usd_per_gpu_hour".into());
                no_more(&t, file, id_s, "sensitivity.", &["output"])?;
                Some(o)
            }
        };
        let hybrid = match doc.remove("hybrid") {
            None => None,
            Some(v) => {
                let mut t = table(v, file, id_s, "hybrid")?;
                let mut supplies = Vec::new();
                let Some(Value::Array(items)) = t.remove("supply") else {
                    return Err(err(
                        file,
                        id_s,
                        "hybrid.supply",
                        "expected [[hybrid.supply]] tables",
                    ));
                };
                for (i, x) in items.into_iter().enumerate() {
                    let p = format!("hybrid.supply[{i}]");
                    let mut st = table(x, file, id_s, &p)?;
                    let chip = match st.remove("chip") {
                        Some(Value::String(c)) => chip_id(&c, &format!("{p}.chip"))?,
                        _ => {
                            return Err(err(
                                file,
                                id_s,
                                &format!("{p}.chip"),
                                "missing or not a string",
                            ));
                        }
                    };
                    let site = match st.remove("site") {
                        None => "cn".to_string(),
                        Some(Value::String(s)) if s == "cn" || s == "us" => s,
                        Some(other) => {
                            return Err(err(
                                file,
                                id_s,
                                &format!("{p}.site"),
                                format!("expected 'cn' or 'us', got {}", datafile::show(&other)),
                            ));
                        }
                    };
                    let max_count = match st.remove("max_count") {
                        None => None,
                        Some(v) => Some(positive(v, file, id_s, &format!("{p}.max_count"))?),
                    };
                    no_more(
                        &st,
                        file,
                        id_s,
                        &format!("{p}."),
                        &["chip", "site", "max_count"],
                    )?;
                    supplies.push(crate::Supply::new(&chip, &site, max_count));
                }
                let mut demands = Vec::new();
                let Some(Value::Array(items)) = t.remove("demand") else {
                    return Err(err(
                        file,
                        id_s,
                        "hybrid.demand",
                        "expected [[hybrid.demand]] tables",
                    ));
                };
                for (i, x) in items.into_iter().enumerate() {
                    let p = format!("hybrid.demand[{i}]");
                    let dt = table(x, file, id_s, &p)?;
                    let (w, mut rest) = workload_from(
                        data,
                        dt,
                        file,
                        id_s,
                        &format!("{p}."),
                        &["tokens_per_day", "allowed_chips"],
                    )?;
                    let tpd = positive(
                        rest.remove("tokens_per_day").unwrap_or(Value::Integer(0)),
                        file,
                        id_s,
                        &format!("{p}.tokens_per_day"),
                    )?;
                    let mut d = crate::WorkloadDemand::new(w, tpd);
                    if let Some(v) = rest.remove("allowed_chips") {
                        let mut ids = Vec::new();
                        for (j, c) in strings(v, file, id_s, &format!("{p}.allowed_chips"))?
                            .iter()
                            .enumerate()
                        {
                            ids.push(chip_id(c, &format!("{p}.allowed_chips[{j}]"))?);
                        }
                        d.allowed_chips = Some(ids);
                    }
                    demands.push(d);
                }
                let mut input = crate::PlanInput::new(supplies, demands);
                input.horizon_years = horizon_years;
                if let Some(v) = t.remove("power_cap_mw") {
                    input.power_cap_mw = Some(positive(v, file, id_s, "hybrid.power_cap_mw")?);
                }
                if let Some(v) = t.remove("budget_usd") {
                    input.budget_usd = Some(positive(v, file, id_s, "hybrid.budget_usd")?);
                }
                no_more(
                    &t,
                    file,
                    id_s,
                    "hybrid.",
                    &["supply", "demand", "power_cap_mw", "budget_usd"],
                )?;
                Some(input)
            }
        };
        let shock = match doc.remove("shock") {
            None => None,
            Some(v) => {
                let mut t = table(v, file, id_s, "shock")?;
                let date = match t.remove("date") {
                    Some(v) => datafile::parse_date(ctx, "shock.date", &v)?,
                    None => return Err(err(file, id_s, "shock.date", "missing required field")),
                };
                let mut chips = Vec::new();
                match t.remove("chips") {
                    Some(v) => {
                        for (i, c) in strings(v, file, id_s, "shock.chips")?.iter().enumerate() {
                            chips.push(chip_id(c, &format!("shock.chips[{i}]"))?);
                        }
                    }
                    None => return Err(err(file, id_s, "shock.chips", "missing required field")),
                }
                let replacement = match datafile::take_string(ctx, &mut t, "replacement", false)? {
                    Some(c) => Some(chip_id(&c, "shock.replacement")?),
                    None => None,
                };
                no_more(&t, file, id_s, "shock.", &["date", "chips", "replacement"])?;
                Some(Shock {
                    date,
                    chips,
                    replacement,
                })
            }
        };
        no_more(
            &doc,
            file,
            id_s,
            "",
            &[
                "scenario",
                "assumptions",
                "group",
                "workload",
                "compliance",
                "compare",
                "monte_carlo",
                "sensitivity",
                "shock",
                "hybrid",
            ],
        )?;
        let s = Scenario {
            document: Table::new(),
            file: file.to_string(),
            id: id.clone(),
            title,
            description,
            fleet,
            assumptions,
            overrides,
            workload,
            destinations,
            dates,
            compliance_chips,
            equivalent,
            equivalent_site,
            monte_carlo,
            sensitivity,
            shock,
            hybrid,
        };
        s.fleet
            .validate(data)
            .map_err(|e| err(file, &s.id, "group", e.to_string()))?;
        Ok(s)
    }

    /// Reads and checks a scenario file.
    pub fn load(data: &Catalogs, path: &std::path::Path) -> Result<Scenario, FleetError> {
        let file = path.display().to_string();
        let text = read(path)?;
        let doc = datafile::parse_document(&file, &text)?;
        let mut seen = vec![canonical(path)?];
        let doc = resolve_extends(&file, doc, Some(path), &mut seen)?;
        Scenario::from_table(data, &file, doc)
    }

    /// The seed scenario, embedded.
    ///
    /// # Examples
    ///
    /// ```
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
    /// );
    /// let s = chipmodel_fleet::Scenario::seed(&data)?;
    /// assert_eq!(s.fleet.groups[0].count, 400_000.0);
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn seed(data: &Catalogs) -> Result<Scenario, FleetError> {
        Scenario::parse(data, SCENARIOS[0].0, SEED_SCENARIO)
    }
}

/// One chip on one date for one destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceRow {
    /// Chip id.
    pub chip: String,
    /// Destination.
    pub destination: String,
    /// Date.
    pub date: String,
    /// Rule version in force.
    pub rules: Option<String>,
    /// ECCN, if controlled.
    pub eccn: Option<String>,
    /// Whether the rules decide the case with the data we have.
    pub determined: bool,
    /// Licence required.
    pub license_required: bool,
    /// Review policy.
    pub review_policy: String,
    /// Tariff rate, if any.
    pub tariff_rate: Option<f64>,
    /// Rule details flagged uncertain.
    pub uncertain: Vec<String>,
}

/// An equivalent fleet of another chip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equivalent {
    /// The chip.
    pub chip: String,
    /// How many.
    pub count: f64,
    /// Its report.
    pub report: FleetReport,
}

/// A plan, or why none exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOutcome {
    /// The plan, when one meets every demand within the caps.
    pub plan: Option<crate::HybridPlan>,
    /// Why there is none.
    pub infeasible: Option<String>,
}

/// Everything a scenario run produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// The scenario as read.
    pub scenario: Scenario,
    /// The fleet's report.
    pub report: FleetReport,
    /// Equivalent fleets.
    pub equivalents: Vec<Equivalent>,
    /// Monte Carlo percentiles and draws.
    pub monte_carlo: Option<MonteCarlo>,
    /// Sensitivity (tornado) rows.
    pub sensitivity: Option<Vec<Sensitivity>>,
    /// The deployment quarter by quarter.
    pub schedule: Vec<QuarterRow>,
    /// The export shock, if the scenario has one.
    pub shock: Option<ShockResult>,
    /// The lowest-cost hybrid plan, if the scenario has one.
    pub hybrid: Option<crate::HybridPlan>,
    /// The same plan with the shock's chips capped at what is delivered before the cut.
    pub hybrid_after_shock: Option<PlanOutcome>,
    /// Compliance status of each chip on each date for each destination.
    pub compliance: Vec<ComplianceRow>,
    /// Not legal advice.
    pub disclaimer: String,
}

/// Runs every part of a scenario.
///
/// # Examples
///
/// ```no_run
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let r = chipmodel_fleet::run_scenario(&data, &chipmodel_fleet::Scenario::seed(&data)?)?;
/// assert!((r.report.total.facility_mw - 700.0).abs() < 1e-6);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn run_scenario(data: &Catalogs, s: &Scenario) -> Result<ScenarioResult, FleetError> {
    run_scenario_with_progress(data, s, &mut |_, _, _| true)
}

/// [`run_scenario`], telling `progress` each stage as it starts (`"fleet"`, `"equivalents"`,
/// `"monte carlo"` draw by draw, `"sensitivity"`, `"compliance"`, `"export shock"`, `"hybrid
/// plan"`); the callback returning `false` stops the run with [`FleetError::Interrupted`].
/// The results do not depend on the callback.
pub fn run_scenario_with_progress(
    data: &Catalogs,
    s: &Scenario,
    progress: Progress<'_>,
) -> Result<ScenarioResult, FleetError> {
    let a = &s.assumptions;
    let w = s.workload.as_ref();
    report_progress(progress, "fleet", 0, 1)?;
    let report = s.fleet.report(data, a, w)?;
    let mut equivalents = Vec::new();
    if let Some(w) = w {
        report_progress(progress, "equivalents", 0, 1)?;
        for chip in &s.equivalent {
            let (count, report) = equivalent_fleet(data, &s.fleet, chip, &s.equivalent_site, w, a)?;
            equivalents.push(Equivalent {
                chip: chip.clone(),
                count,
                report,
            });
        }
    }
    let mc = match s.monte_carlo {
        Some((n, seed)) => Some(monte_carlo_with_progress(
            data, &s.fleet, a, w, n, seed, 0, progress,
        )?),
        None => None,
    };
    report_progress(progress, "sensitivity", 0, 1)?;
    let sens = match &s.sensitivity {
        Some(o) => Some(sensitivity(data, &s.fleet, a, w, o)?),
        None => None,
    };
    let mut chips: Vec<String> = Vec::new();
    for c in s
        .fleet
        .groups
        .iter()
        .map(|g| &g.chip)
        .chain(&s.compliance_chips)
    {
        if !chips.contains(c) {
            chips.push(c.clone());
        }
    }
    report_progress(progress, "compliance", 0, 1)?;
    let mut compliance = Vec::new();
    for chip in &chips {
        for dest in &s.destinations {
            for date in &s.dates {
                let c = chipmodel_compliance::classify(data.chip(chip)?, dest, date, None, None)?;
                compliance.push(ComplianceRow {
                    chip: chip.clone(),
                    destination: dest.clone(),
                    date: date.clone(),
                    rules: c.rules,
                    eccn: c.eccn,
                    determined: c.determined,
                    license_required: c.license_required,
                    review_policy: c.review_policy.as_str().to_string(),
                    tariff_rate: c.tariff.map(|t| t.rate),
                    uncertain: c.uncertain,
                });
            }
        }
    }
    report_progress(progress, "export shock", 0, 1)?;
    let shock = match &s.shock {
        None => None,
        Some(k) => Some(export_shock(
            data,
            &s.fleet,
            a,
            w,
            &k.date,
            &k.chips,
            k.replacement
                .as_deref()
                .map(|c| (c, s.equivalent_site.as_str())),
        )?),
    };
    report_progress(progress, "hybrid plan", 0, 1)?;
    let hybrid = match &s.hybrid {
        Some(input) => Some(crate::plan_hybrid(data, input, a)?),
        None => None,
    };
    let hybrid_after_shock = match (&s.hybrid, &shock) {
        (Some(input), Some(k)) => {
            let mut cut = input.clone();
            for sup in &mut cut.supplies {
                if k.cut.iter().any(|(c, _)| *c == sup.chip) {
                    let kept: f64 = k
                        .fleet
                        .groups
                        .iter()
                        .filter(|g| g.chip == sup.chip)
                        .map(|g| g.count)
                        .sum();
                    sup.max_count = Some(sup.max_count.map_or(kept, |m| m.min(kept)));
                }
            }
            Some(match crate::plan_hybrid(data, &cut, a) {
                Ok(p) => PlanOutcome {
                    plan: Some(p),
                    infeasible: None,
                },
                Err(FleetError::Infeasible { message, .. }) => PlanOutcome {
                    plan: None,
                    infeasible: Some(message),
                },
                Err(e) => return Err(e),
            })
        }
        _ => None,
    };
    Ok(ScenarioResult {
        scenario: s.clone(),
        report,
        equivalents,
        monte_carlo: mc,
        sensitivity: sens,
        schedule: schedule(data, &s.fleet, a, w)?,
        hybrid,
        hybrid_after_shock,
        shock,
        compliance,
        disclaimer: chipmodel_compliance::NOT_LEGAL_ADVICE.to_string(),
    })
}
