//! Assumptions: each with a default, a range, a unit and a source; overridable and sampleable.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema;
use chipmodel_catalog::{CatalogError, Source};
use serde::{Deserialize, Serialize};

use crate::FleetError;
use crate::error::invalid;

/// One assumption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// Name (`wacc`, `price.h200-sxm`, `pue.cn`).
    pub name: String,
    /// Value used.
    pub value: f64,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
    /// Unit.
    pub unit: String,
    /// Source key.
    pub source: String,
    /// Date of the source or data.
    pub date: String,
    /// No source behind the number.
    pub assumption: bool,
    /// Note.
    pub note: Option<String>,
    /// Whether the user changed it.
    pub overridden: bool,
}

/// How far above the top of its range an override may go: 10⁶ times.
const MAX_FACTOR: f64 = 1e6;

/// A set of assumptions, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    /// By name.
    pub values: BTreeMap<String, Assumption>,
    /// Sources.
    pub sources: BTreeMap<String, Source>,
}

/// An `[[assumption]]` of the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    value: f64,
    low: f64,
    high: f64,
    unit: String,
    source: String,
    date: String,
    #[serde(default)]
    assumption: bool,
    note: Option<String>,
}

fn parse(file: &str, text: &str) -> Result<Assumptions, CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    schema::no_other_keys(file, &doc, &["sources", "assumption"])?;
    let sources = schema::take_sources(file, &mut doc)?;
    let entries: Vec<Entry> = schema::entries(file, "assumption", "name", &mut doc, "assumption")?;
    let mut values = BTreeMap::new();
    for e in entries {
        let ctx = Ctx {
            file,
            item: "assumption",
            id: &e.name,
        };
        for (field, x) in [("value", e.value), ("low", e.low), ("high", e.high)] {
            if !x.is_finite() {
                return Err(ctx.err(field, format!("expected a finite number, got {x}")));
            }
        }
        if !(e.low <= e.value && e.value <= e.high) {
            return Err(ctx.err(
                "value",
                format!("{} is outside its range [{}, {}]", e.value, e.low, e.high),
            ));
        }
        for (field, v) in [("unit", &e.unit), ("source", &e.source), ("date", &e.date)] {
            if v.trim().is_empty() {
                return Err(ctx.err(field, "must not be empty"));
            }
        }
        if !sources.contains_key(&e.source) {
            return Err(ctx.err("source", format!("unknown source key '{}'", e.source)));
        }
        if values.contains_key(&e.name) {
            return Err(CatalogError::Duplicate {
                file: file.to_string(),
                what: "assumption name",
                id: e.name,
                first: file.to_string(),
            });
        }
        let a = Assumption {
            name: e.name.clone(),
            value: e.value,
            low: e.low,
            high: e.high,
            unit: e.unit,
            source: e.source,
            date: e.date,
            assumption: e.assumption,
            note: e.note,
            overridden: false,
        };
        values.insert(e.name, a);
    }
    Ok(Assumptions { values, sources })
}

impl Assumptions {
    /// The defaults shipped with chipmodel (`data/assumptions.toml`).
    ///
    /// # Examples
    ///
    /// ```
    /// let a = chipmodel_fleet::Assumptions::defaults().unwrap();
    /// assert_eq!(a.get("wacc").unwrap(), 0.07);
    /// assert!(a.values["wacc"].assumption); // no source behind the number: marked
    /// ```
    pub fn defaults() -> Result<Assumptions, FleetError> {
        static CELL: OnceLock<Result<Assumptions, CatalogError>> = OnceLock::new();
        CELL.get_or_init(|| parse("assumptions.toml", include_str!("../data/assumptions.toml")))
            .clone()
            .map_err(FleetError::Catalog)
    }

    /// A value by name.
    pub fn get(&self, name: &str) -> Result<f64, FleetError> {
        self.values
            .get(name)
            .map(|a| a.value)
            .ok_or_else(|| FleetError::UnknownAssumption {
                name: name.to_string(),
                suggestions: datafile::suggest_from(
                    name,
                    self.values.keys().map(|k| (k.as_str(), k.as_str())),
                ),
            })
    }

    /// A value by name, or a fallback name's.
    pub fn get_or(&self, name: &str, fallback: &str) -> Result<f64, FleetError> {
        match self.values.get(name) {
            Some(a) => Ok(a.value),
            None => self.get(fallback),
        }
    }

    /// The same set with `name` set to `value` (marked overridden). The value may leave the
    /// documented range — it is the user's — but must be finite, not negative, and no more than a
    /// million times the top of the range (a larger one is taken for a unit mistake).
    pub fn with(&self, name: &str, value: f64) -> Result<Assumptions, FleetError> {
        if !value.is_finite() || value < 0.0 {
            return Err(invalid(name, value, "must be finite and not negative"));
        }
        let mut out = self.clone();
        match out.values.get_mut(name) {
            Some(a) if value > MAX_FACTOR * a.high.max(a.value).max(1.0) => Err(invalid(
                name,
                value,
                format!(
                    "more than a million times the top of its range ({} {}): check the units",
                    a.high, a.unit
                ),
            )),
            Some(a) => {
                a.value = value;
                a.overridden = true;
                Ok(out)
            }
            None => Err(FleetError::UnknownAssumption {
                name: name.to_string(),
                suggestions: datafile::suggest_from(
                    name,
                    self.values.keys().map(|k| (k.as_str(), k.as_str())),
                ),
            }),
        }
    }

    /// The same set with `name` set to `value` and its range to `low..=high` (marked overridden),
    /// for Monte Carlo and sensitivity runs over a range of the user's.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = chipmodel_fleet::Assumptions::defaults()?.with_range("wacc", 0.05, 0.03, 0.08)?;
    /// assert_eq!((a.values["wacc"].low, a.values["wacc"].high), (0.03, 0.08));
    /// assert!(chipmodel_fleet::Assumptions::defaults()?.with_range("wacc", 0.05, 0.08, 0.03).is_err());
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn with_range(
        &self,
        name: &str,
        value: f64,
        low: f64,
        high: f64,
    ) -> Result<Assumptions, FleetError> {
        for (what, x) in [("low", low), ("high", high)] {
            if !x.is_finite() || x < 0.0 {
                return Err(invalid(
                    &format!("{name}.{what}"),
                    x,
                    "must be finite and not negative",
                ));
            }
        }
        if low > high {
            return Err(invalid(
                &format!("{name}.low"),
                low,
                format!("is above high {high}"),
            ));
        }
        if !(low <= value && value <= high) {
            return Err(invalid(
                name,
                value,
                format!("is outside its range [{low}, {high}]"),
            ));
        }
        let mut out = self.with(name, value)?;
        if let Some(a) = out.values.get_mut(name) {
            a.low = low;
            a.high = high;
        }
        Ok(out)
    }

    /// Names of the values the user changed.
    pub fn overridden(&self) -> Vec<String> {
        self.values
            .values()
            .filter(|a| a.overridden)
            .map(|a| a.name.clone())
            .collect()
    }

    /// Names of the values flagged `assumption`: our own judgement, or a figure stretched beyond
    /// what its source states. Reports list them so readers know which numbers rest on them.
    pub fn unsourced(&self) -> Vec<String> {
        self.values
            .values()
            .filter(|a| a.assumption)
            .map(|a| a.name.clone())
            .collect()
    }
}

#[cfg(test)]
mod file_tests {
    use super::parse;

    const FILE: &str = include_str!("../data/assumptions.toml");

    #[test]
    fn a_malformed_assumption_is_an_error_not_skipped() {
        assert!(parse("a.toml", FILE).is_ok());
        let first = FILE.find("[[assumption]]").unwrap();
        let block = &FILE[first..];
        let name_line = block.lines().find(|l| l.starts_with("name")).unwrap();
        for (to, needle) in [
            (format!("{name_line}\ncolour = 1"), "field 'colour'"),
            (
                format!("{name_line}\nassumption = \"yes\""),
                "field 'assumption'",
            ),
        ] {
            let e = parse("a.toml", &FILE.replacen(name_line, &to, 1))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("a.toml: assumption '") && e.contains(needle),
                "{e}"
            );
        }
        let twice = format!(
            "{FILE}\n{}",
            &block[..block[1..].find("[[").map_or(block.len(), |i| i + 1)]
        );
        assert!(
            parse("a.toml", &twice)
                .unwrap_err()
                .to_string()
                .contains("duplicate assumption name")
        );
    }
}
