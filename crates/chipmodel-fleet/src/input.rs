//! The fleet's inputs, one schema each: a group, a workload, a supply, a demand and assumption
//! overrides are serde structs (unknown fields rejected) checked by one `validate` pass. A
//! scenario file's `[[group]]`, `[workload]`, `[[hybrid.supply]]`, `[[hybrid.demand]]` and
//! `[assumptions]` and the Python dicts given to `Fleet`, `plan_hybrid` and `Assumptions` are
//! read by these same functions, so both accept and reject exactly the same things, with the
//! same message.
//!
//! Adding a workload field: add it to [`Workload`] (with its `#[serde(default)]`), check it in
//! [`Workload::validate`], and name it in the Python stub's `Workload` dict; nothing else reads
//! workloads field by field.

use std::collections::BTreeMap;

use chipmodel_catalog::datafile::show;
use chipmodel_catalog::schema::{self, FieldError};
use serde::Deserialize;
use toml::{Table, Value};

use crate::fleet::MAX_CHIPS;
use crate::{Assumptions, Group, Supply, Workload, WorkloadDemand};

/// A positive finite number, or an error at `field`.
fn positive(field: &str, x: f64, what: &str) -> Result<(), FieldError> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            x.to_string(),
            format!("must be a positive {what}, got {x}"),
        ))
    }
}

impl Group {
    /// Reads a group (`{chip, count, site, owner, date, deliveries}`) and checks it.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::Group;
    /// let g = Group::from_value(toml::from_str("chip = 'h200'\ncount = 8\ndate = 2026-03-01")?).unwrap();
    /// assert_eq!((g.count, g.site.as_str(), g.date.as_str()), (8.0, "cn", "2026-03-01"));
    /// let e = Group::from_value(toml::from_str("chip = 'h200'\ncount = 8\ndate = '2026-03'")?).unwrap_err();
    /// assert_eq!(e.field, "date");
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    pub fn from_value(v: Value) -> Result<Group, FieldError> {
        let g: Group = schema::from_value(v)?;
        g.validate()?;
        Ok(g)
    }

    /// Checks the values (the chip is looked up by [`crate::Fleet::validate`], against a catalog).
    pub fn validate(&self) -> Result<(), FieldError> {
        positive("count", self.count, "number of chips")?;
        if self.count > MAX_CHIPS {
            return Err(FieldError::new(
                "count",
                self.count.to_string(),
                "more than 10^9 chips (the world makes millions a year): check the units",
            ));
        }
        chipmodel_catalog::date::parse_day(&self.date)
            .map_err(|m| FieldError::new("date", format!("'{}'", self.date), m))?;
        for d in &self.deliveries {
            let at = format!("deliveries.{}", d.quarter);
            if crate::schedule::Quarter::parse(&d.quarter).is_none() {
                return Err(FieldError::new(
                    &at,
                    format!("'{}'", d.quarter),
                    "expected a quarter key YYYY-Qn, e.g. 2026-Q1",
                ));
            }
            if !(d.count.is_finite() && d.count >= 0.0) {
                return Err(FieldError::new(
                    &at,
                    d.count.to_string(),
                    format!("must be a number of chips ≥ 0, got {}", d.count),
                ));
            }
        }
        crate::schedule::deliveries_of(self)
            .map_err(|e| FieldError::new("deliveries", "a table", e.to_string()))?;
        Ok(())
    }
}

impl Workload {
    /// Reads a workload (`{model, input_tokens, output_tokens, weight_dtype, ttft_slo_s,
    /// tpot_slo_s}`) and checks it (the model is looked up by the caller, against a catalog).
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::Workload;
    /// let w = Workload::from_value(toml::from_str("model = 'llama-3.1-70b'\noutput_tokens = 512")?).unwrap();
    /// assert_eq!((w.input_tokens, w.output_tokens), (1024, 512));
    /// let e = Workload::from_value(toml::from_str("model = 'llama-3.1-70b'\nttft_slo_s = -1")?).unwrap_err();
    /// assert_eq!(e.field, "ttft_slo_s");
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    pub fn from_value(v: Value) -> Result<Workload, FieldError> {
        let w: Workload = schema::from_value(v)?;
        w.validate()?;
        Ok(w)
    }

    /// Checks the values: whole positive token counts, positive finite latency targets, a positive
    /// batch cap.
    pub fn validate(&self) -> Result<(), FieldError> {
        for (field, n) in [
            ("input_tokens", self.input_tokens),
            ("output_tokens", self.output_tokens),
        ] {
            if n == 0 {
                return Err(FieldError::new(
                    field,
                    "0",
                    "must be a positive whole number, got 0",
                ));
            }
        }
        for (field, x) in [
            ("ttft_slo_s", self.ttft_slo_s),
            ("tpot_slo_s", self.tpot_slo_s),
        ] {
            if let Some(x) = x {
                positive(field, x, "number of seconds")?;
            }
        }
        if self.max_batch == Some(0) {
            return Err(FieldError::new(
                "max_batch",
                "0",
                "must be a positive whole number, got 0",
            ));
        }
        for e in self.engine.iter().flat_map(crate::EngineChoice::ids) {
            chipmodel_perf::EngineProfile::get(e)
                .map_err(|err| FieldError::new("engine", format!("'{e}'"), err.to_string()))?;
        }
        Ok(())
    }
}

impl Supply {
    /// Reads a supply (`{chip, site, max_count}`) and checks it.
    pub fn from_value(v: Value) -> Result<Supply, FieldError> {
        let s: Supply = schema::from_value(v)?;
        if let Some(m) = s.max_count {
            positive("max_count", m, "number of chips")?;
        }
        Ok(s)
    }
}

/// A demand's own keys; the rest of its table is its workload.
#[derive(Deserialize)]
struct DemandKeys {
    tokens_per_day: f64,
    #[serde(default)]
    allowed_chips: Option<Vec<String>>,
    #[serde(flatten)]
    workload: Table,
}

impl WorkloadDemand {
    /// Reads a demand: a workload's keys and `tokens_per_day`, `allowed_chips`, flat in one table.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::WorkloadDemand;
    /// let d = WorkloadDemand::from_value(toml::from_str("model = 'deepseek-v3'\ntokens_per_day = 1e13")?).unwrap();
    /// assert_eq!(d.workload.model, "deepseek-v3");
    /// let e = WorkloadDemand::from_value(toml::from_str("model = 'deepseek-v3'")?).unwrap_err();
    /// assert_eq!(e.field, "tokens_per_day");
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    pub fn from_value(v: Value) -> Result<WorkloadDemand, FieldError> {
        let k: DemandKeys = schema::from_value(v)?;
        positive(
            "tokens_per_day",
            k.tokens_per_day,
            "number of tokens per day",
        )?;
        let workload = Workload::from_value(Value::Table(k.workload)).map_err(|mut e| {
            if e.message.starts_with("unknown field") && e.message.ends_with(')') {
                e.message.pop();
                e.message.push_str(", tokens_per_day, allowed_chips)");
            }
            e
        })?;
        Ok(WorkloadDemand {
            workload,
            tokens_per_day: k.tokens_per_day,
            allowed_chips: k.allowed_chips,
        })
    }
}

/// One assumption override: a value, or a value and its range (each part optional).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged, expecting = "a number or a table { value, low, high }")]
enum Override {
    Value(f64),
    Range(Range),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Range {
    value: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
}

impl Assumptions {
    /// These assumptions with `overrides` applied (`name = value` or `name = { value, low, high
    /// }`, missing parts kept), and the names overridden, in order. An unknown name, a wrong shape
    /// or a value out of range is an error at the name.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = chipmodel_fleet::Assumptions::defaults()?;
    /// let (b, names) = a.with_overrides(toml::from_str("wacc = 0.1\n'pue.cn' = { value = 1.3 }")?).unwrap();
    /// assert_eq!((b.get("wacc")?, names.len()), (0.1, 2));
    /// assert_eq!(a.with_overrides(toml::from_str("wac = 0.1")?).unwrap_err().field, "wac");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_overrides(
        &self,
        overrides: Table,
    ) -> Result<(Assumptions, Vec<String>), FieldError> {
        let mut out = self.clone();
        let mut names = Vec::new();
        for (name, v) in overrides {
            let Some(cur) = out.values.get(&name) else {
                let hint = chipmodel_catalog::datafile::suggest_from(
                    &name,
                    out.values.keys().map(|k| (k.as_str(), k.as_str())),
                );
                return Err(FieldError::new(
                    &name,
                    show(&v),
                    format!(
                        "unknown assumption '{name}'{}",
                        chipmodel_catalog::did_you_mean(&hint)
                    ),
                ));
            };
            let shown = show(&v);
            let parsed: Override = schema::from_value(v).map_err(|e| e.under(&name))?;
            let at = |e: crate::FleetError| FieldError::new(&name, shown.clone(), e.to_string());
            out = match parsed {
                Override::Value(x) => out.with(&name, x).map_err(at)?,
                Override::Range(r) => {
                    let (value, low, high) = (
                        r.value.unwrap_or(cur.value),
                        r.low.unwrap_or(cur.low),
                        r.high.unwrap_or(cur.high),
                    );
                    out.with_range(&name, value, low, high).map_err(at)?
                }
            };
            names.push(name);
        }
        Ok((out, names))
    }
}

/// `items` read one by one by `read`, each error under `field[i]`.
pub(crate) fn each<T>(
    field: &str,
    items: Vec<Value>,
    read: impl Fn(Value) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| read(v).map_err(|e| e.under(&format!("{field}[{i}]"))))
        .collect()
}

/// Deliveries as written in a file (`{ "2026-Q1" = 100000, … }`) or as serialized (a list of
/// `{quarter, count}`): `#[serde(deserialize_with)]` for [`Group::deliveries`].
pub(crate) fn deserialize_deliveries<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<crate::Delivery>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a table of quarters { \"2026-Q1\" = chips, … }")]
    enum Form {
        Table(BTreeMap<String, f64>),
        List(Vec<crate::Delivery>),
    }
    Ok(match Form::deserialize(d)? {
        Form::Table(t) => t
            .into_iter()
            .map(|(quarter, count)| crate::Delivery { quarter, count })
            .collect(),
        Form::List(l) => l,
    })
}
