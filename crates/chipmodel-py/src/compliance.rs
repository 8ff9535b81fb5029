//! Python surface of the export-control classifier.

use std::sync::Arc;

use chipmodel::Chip;
use chipmodel::compliance::{ChipMetrics, Metric};
use chipmodel::{Classification, RuleSet};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::catalog::{PyCatalog, catalog_arg};
use crate::errors::PyChipModelError;
use crate::json_to_py;
use crate::perf::chip_arg;

type PyRes<T> = Result<T, PyChipModelError>;

fn rules_of(x: Option<&Bound<'_, PyAny>>) -> PyResult<Option<RuleSet>> {
    match x {
        None => Ok(None),
        Some(r) if r.is_none() => Ok(None),
        Some(r) => {
            if let Ok(rs) = r.cast::<PyRuleSet>() {
                return Ok(Some(rs.get().rules.clone()));
            }
            let id: String = r.extract().map_err(|_| {
                crate::errors::type_err("rules", "rules must be a rule-set id or a RuleSet")
            })?;
            Ok(Some(RuleSet::get(&id).map_err(PyChipModelError::from)?))
        }
    }
}

fn metric(name: &str) -> PyRes<Metric> {
    Ok(match name {
        "tpp" => Metric::Tpp,
        "performance_density" => Metric::PerformanceDensity,
        "io_bandwidth_gbps" => Metric::IoBandwidthGbps,
        "dram_bandwidth_gbps" => Metric::DramBandwidthGbps,
        other => {
            return Err(chipmodel::compliance::ComplianceError::Invalid {
                field: "metric".into(),
                value: format!("'{other}'"),
                message:
                    "expected tpp, performance_density, io_bandwidth_gbps or dram_bandwidth_gbps"
                        .into(),
            }
            .into());
        }
    })
}

/// One US export-control rule version (or a what-if variant of one).
#[pyclass(module = "chipmodel", name = "RuleSet", frozen)]
pub struct PyRuleSet {
    pub(crate) rules: RuleSet,
}

#[pymethods]
impl PyRuleSet {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(py, "RuleSet", &crate::pickle::rules_state(&self.rules)?)
    }
    /// This rule set as one self-contained rule file; ``load_rules`` reads it back identical.
    fn to_toml(&self) -> String {
        self.rules.to_toml()
    }
    /// Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename).
    fn save(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        crate::save_text(py, &path, &self.rules.to_toml())
    }
    /// A variant with every threshold on ``metric`` equal to ``old`` moved to ``new``.
    fn with_line(&self, metric: &str, old: f64, new: f64) -> PyRes<PyRuleSet> {
        Ok(PyRuleSet {
            rules: self
                .rules
                .with_line(crate::compliance::metric(metric)?, old, new)?,
        })
    }
    /// Everything as plain data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.rules)
    }
    fn __repr__(&self) -> String {
        format!(
            "RuleSet('{}': {}, {}, effective {}, {})",
            self.rules.id,
            self.rules.name,
            self.rules.citation,
            self.rules.effective,
            self.rules.status
        )
    }
}

getters!(PyRuleSet, |s| {
    /// Id, e.g. ``"us-2023-10"``.
    id -> &str = &s.rules.id;
    /// Name.
    name -> &str = &s.rules.name;
    /// Federal Register (or other) citation.
    citation -> &str = &s.rules.citation;
    /// Effective date.
    effective -> &str = &s.rules.effective;
    /// ``in-force``, ``superseded`` or ``not-enforced``.
    status -> &str = &s.rules.status;
    /// Uncertain details of this version.
    uncertain -> Vec<String> = s.rules.uncertain.clone();
});

/// How a chip is classified for a destination on a date. Not legal advice.
#[pyclass(module = "chipmodel", name = "Classification", frozen)]
pub struct PyClassification {
    pub(crate) c: Classification,
}

#[pymethods]
impl PyClassification {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(py, "Classification", &self.c)
    }
    /// Eligible licence exceptions: ``[{"id", "note", "citation"}]``.
    #[getter]
    fn exceptions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.c.exceptions)
    }
    /// Tariff ``{"id", "band", "rate", "citation", "note"}`` or None.
    #[getter]
    fn tariff<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.c.tariff)
    }
    /// Every criterion tested: value, threshold, margin, citation and a line of text.
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.c.reasons)
    }
    /// One line.
    fn summary(&self) -> String {
        self.c.summary()
    }
    /// Everything as plain data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.c)
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        let mut s = format!("Classification({})\n", self.c.summary());
        for d in &self.c.decision {
            s.push_str(&format!("  - {d}\n"));
        }
        if !self.c.uncertain.is_empty() {
            s.push_str(&format!(
                "  ⚠ {} uncertain rule detail(s): see .uncertain\n",
                self.c.uncertain.len()
            ));
        }
        s.push_str(&format!("  {}", self.c.disclaimer));
        s
    }
}

getters!(PyClassification, |s| {
    /// Chip id.
    chip -> &str = &s.c.chip;
    /// Destination (ISO code, Hong Kong as CN).
    destination -> &str = &s.c.destination;
    /// Country groups of the destination on the date.
    destination_groups -> Vec<String> = s.c.destination_groups.clone();
    /// Date.
    date -> &str = &s.c.date;
    /// Rule set applied, or None before October 2022.
    rules -> Option<&str> = s.c.rules.as_deref();
    /// ``"3A090.a"``, ``"3A090.b"`` or None.
    eccn -> Option<&str> = s.c.eccn.as_deref();
    /// False when an input the rule needs is missing and decides the outcome.
    determined -> bool = s.c.determined;
    /// Whether the chip is controlled.
    controlled -> bool = s.c.controlled;
    /// Whether a licence is required.
    license_required -> bool = s.c.license_required;
    /// ``"presumption-of-denial"``, ``"case-by-case"``, ``"presumption-of-approval"`` or ``"none"``.
    review_policy -> &'static str = s.c.review_policy.as_str();
    /// The steps of the decision, in words.
    decision -> Vec<String> = s.c.decision.clone();
    /// Conditions attached to the review policy.
    conditions -> Vec<String> = s.c.conditions.clone();
    /// Uncertain rule details bearing on this result.
    uncertain -> Vec<String> = s.c.uncertain.clone();
    /// Not legal advice.
    disclaimer -> &str = &s.c.disclaimer;
});

/// Classifies ``chip`` (name or ``Chip``) for ``destination`` (ISO code) on ``date`` (``YYYY-MM-DD``
/// or a ``datetime.date``; default ``DEFAULT_DATE``, 2026-02-01).
#[pyfunction]
#[pyo3(signature = (chip, destination="CN", date=None, rules=None, end_user_hq=None, *, catalog=None))]
pub fn classify(
    chip: &Bound<'_, PyAny>,
    destination: &str,
    date: Option<crate::args::Day>,
    rules: Option<&Bound<'_, PyAny>>,
    end_user_hq: Option<&str>,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyClassification> {
    let c = chip_arg(chip, &*catalog_arg(catalog)?)?;
    let date = crate::args::Day::or_default(date);
    let date = date.as_str();
    let rs = match rules_of(rules)? {
        Some(r) => Some(r),
        None => RuleSet::on(date).map_err(PyChipModelError::from)?,
    };
    let out = chipmodel::classify_metrics(
        &ChipMetrics::of(&c),
        destination,
        date,
        rs.as_ref(),
        end_user_hq,
    )
    .map_err(PyChipModelError::from)?;
    Ok(PyClassification { c: out })
}

/// The chip's status at every rule change: ``[{"date", "rules", "eccn", "license_required",
/// "review_policy", "tariff_rate", "summary"}]``.
#[pyfunction]
#[pyo3(signature = (chip, destination="CN", end_user_hq=None, *, catalog=None))]
pub fn timeline<'py>(
    py: Python<'py>,
    chip: &Bound<'py, PyAny>,
    destination: &str,
    end_user_hq: Option<&str>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyList>> {
    let c = chip_arg(chip, &*catalog_arg(catalog)?)?;
    let t = chipmodel::timeline(&c, destination, end_user_hq).map_err(PyChipModelError::from)?;
    let out = PyList::empty(py);
    for e in t {
        let d = PyDict::new(py);
        d.set_item("date", &e.date)?;
        d.set_item("rules", e.classification.rules.clone())?;
        d.set_item("eccn", e.classification.eccn.clone())?;
        d.set_item("determined", e.classification.determined)?;
        d.set_item("license_required", e.classification.license_required)?;
        d.set_item("review_policy", e.classification.review_policy.as_str())?;
        d.set_item(
            "tariff_rate",
            e.classification.tariff.as_ref().map(|t| t.rate),
        )?;
        d.set_item("summary", e.classification.summary())?;
        d.set_item("disclaimer", &e.classification.disclaimer)?;
        out.append(d)?;
    }
    Ok(out)
}

/// Every embedded rule set, oldest first.
#[pyfunction]
pub fn rule_sets() -> PyRes<Vec<PyRuleSet>> {
    Ok(RuleSet::all()?
        .into_iter()
        .map(|rules| PyRuleSet { rules })
        .collect())
}

/// A rule set by id; ``load_rules`` reads a custom one.
#[pyfunction]
pub fn rule_set(id: &str) -> PyRes<PyRuleSet> {
    Ok(PyRuleSet {
        rules: RuleSet::get(id)?,
    })
}

/// A custom rule set from TOML text (a file's content; it may ``extends`` an embedded version).
#[pyfunction]
#[pyo3(signature = (text, name="rules.toml"))]
pub fn _rules_from_toml(text: &str, name: &str) -> PyRes<PyRuleSet> {
    Ok(PyRuleSet {
        rules: RuleSet::from_toml(name, text)?,
    })
}

/// A custom rule set from a JSON object (a Python dict serialized by the caller), same keys as a
/// rule file.
#[pyfunction]
#[pyo3(signature = (text, name="rules.json"))]
pub fn _rules_from_json(text: &str, name: &str) -> PyRes<PyRuleSet> {
    let bad = |m: String| chipmodel::compliance::ComplianceError::Invalid {
        field: "rules".into(),
        value: name.into(),
        message: m,
    };
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let value = toml::Value::try_from(json).map_err(|e| bad(e.to_string()))?;
    let toml_text = toml::to_string(&value).map_err(|e| bad(e.to_string()))?;
    Ok(PyRuleSet {
        rules: RuleSet::from_toml(name, &toml_text)?,
    })
}

/// Chips whose ECCN, licence or policy differs between two rule sets.
#[pyfunction]
#[pyo3(signature = (base, variant, chips=None, destination="CN", date=None, *, catalog=None))]
#[allow(clippy::too_many_arguments)]
pub fn flips<'py>(
    py: Python<'py>,
    base: &Bound<'py, PyAny>,
    variant: &Bound<'py, PyAny>,
    chips: Option<&Bound<'py, PyAny>>,
    destination: &str,
    date: Option<crate::args::Day>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyAny>> {
    let data = catalog_arg(catalog)?;
    let missing = || {
        crate::errors::type_err(
            "rules",
            "base and variant must be rule-set ids or RuleSet objects",
        )
    };
    let (b, v) = (
        rules_of(Some(base))?.ok_or_else(missing)?,
        rules_of(Some(variant))?.ok_or_else(missing)?,
    );
    let list: Vec<Chip> = match chips {
        None => data.data.chips().chips().to_vec(),
        Some(x) => x
            .try_iter()?
            .map(|i| chip_arg(&i?, &data).map(|c| (*c).clone()))
            .collect::<PyResult<_>>()?,
    };
    let date = date
        .map(|d| d.0)
        .unwrap_or_else(|| b.effective.clone().max(v.effective.clone()));
    let f = chipmodel::flips(&b, &v, &list, destination, &date).map_err(PyChipModelError::from)?;
    let rows: Vec<serde_json::Value> = f
        .iter()
        .map(|x| {
            serde_json::json!({
                "chip": x.chip,
                "base": {"eccn": x.base.eccn, "license_required": x.base.license_required, "review_policy": x.base.review_policy.as_str()},
                "variant": {"eccn": x.variant.eccn, "license_required": x.variant.license_required, "review_policy": x.variant.review_policy.as_str()},
                "disclaimer": chipmodel::compliance::NOT_LEGAL_ADVICE,
            })
        })
        .collect();
    json_to_py(py, &serde_json::Value::Array(rows))
}

/// How far a chip's compute must be cut to leave 3A090.a and 3A090 under ``rules``.
#[pyfunction]
#[pyo3(signature = (chip, rules=None, *, catalog=None))]
pub fn headroom<'py>(
    py: Python<'py>,
    chip: &Bound<'py, PyAny>,
    rules: Option<&Bound<'py, PyAny>>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyAny>> {
    let c = chip_arg(chip, &*catalog_arg(catalog)?)?;
    let rs = match rules_of(rules)? {
        Some(r) => r,
        None => RuleSet::get("us-2023-10").map_err(PyChipModelError::from)?,
    };
    let h = chipmodel::headroom(&c, &rs).map_err(PyChipModelError::from)?;
    crate::convert::to_py(py, &h)
}

/// A fleet's TPP against the Diffusion rule's caps: ``fleet`` maps chip names to counts.
#[pyfunction]
#[pyo3(signature = (fleet, *, catalog=None))]
pub fn diffusion_caps<'py>(
    py: Python<'py>,
    fleet: &Bound<'py, PyDict>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyAny>> {
    let data = catalog_arg(catalog)?;
    let mut items: Vec<(Arc<Chip>, f64)> = Vec::new();
    for (k, v) in fleet.iter() {
        items.push((chip_arg(&k, &data)?, v.extract()?));
    }
    let refs: Vec<(&Chip, f64)> = items.iter().map(|(k, v)| (&**k, *v)).collect();
    let caps = chipmodel::diffusion_caps(&refs).map_err(PyChipModelError::from)?;
    crate::convert::to_py(py, &caps)
}

/// Columns of the compliance frame, classified in Rust with the interpreter released: ``chip``,
/// ``tpp``, ``performance_density`` (NaN when unknown), ``dram_bandwidth_gbps``, ``datacenter``,
/// ``rules``, ``eccn``, ``determined``, ``controlled``, ``license_required``, ``review_policy``,
/// ``tariff_rate`` and ``summary``; numbers as numpy arrays.
#[pyfunction]
#[pyo3(signature = (chips=None, destination="CN", date=None, rules=None, *, catalog=None))]
// Stays whole: one column per line of the compliance frame.
pub fn _compliance_columns<'py>(
    py: Python<'py>,
    chips: Option<&Bound<'py, PyAny>>,
    destination: &str,
    date: Option<crate::args::Day>,
    rules: Option<&Bound<'py, PyAny>>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyDict>> {
    use numpy::IntoPyArray;

    let data = catalog_arg(catalog)?;
    let date = crate::args::Day::or_default(date);
    let date = date.as_str();
    let list: Vec<Arc<Chip>> = match chips {
        Some(c) if !c.is_none() => c
            .try_iter()?
            .map(|x| chip_arg(&x?, &data))
            .collect::<PyResult<_>>()?,
        _ => data
            .data
            .chips()
            .chips()
            .iter()
            .map(|c| data.chip(&c.id))
            .collect::<PyRes<_>>()?,
    };
    let rs = match rules_of(rules)? {
        Some(r) => Some(r),
        None => RuleSet::on(date).map_err(PyChipModelError::from)?,
    };
    let out: Vec<Classification> = crate::convert::run(py, || {
        list.iter()
            .map(|c| {
                chipmodel::classify_metrics(
                    &ChipMetrics::of(c),
                    destination,
                    date,
                    rs.as_ref(),
                    None,
                )
            })
            .collect::<Result<_, _>>()
    })?;
    let d = PyDict::new(py);
    let f64s = |f: &dyn Fn(usize) -> f64| (0..list.len()).map(f).collect::<Vec<f64>>();
    d.set_item(
        "chip",
        list.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item("tpp", f64s(&|i| list[i].tpp()).into_pyarray(py))?;
    d.set_item(
        "performance_density",
        f64s(&|i| list[i].performance_density().unwrap_or(f64::NAN)).into_pyarray(py),
    )?;
    d.set_item(
        "dram_bandwidth_gbps",
        f64s(&|i| list[i].memory_bandwidth_bytes_per_s() / 1e9).into_pyarray(py),
    )?;
    d.set_item(
        "datacenter",
        list.iter().map(|c| c.is_datacenter()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "rules",
        out.iter().map(|c| c.rules.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "eccn",
        out.iter().map(|c| c.eccn.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "determined",
        out.iter().map(|c| c.determined).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "controlled",
        out.iter().map(|c| c.controlled).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "license_required",
        out.iter().map(|c| c.license_required).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "review_policy",
        out.iter()
            .map(|c| c.review_policy.as_str())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "tariff_rate",
        f64s(&|i| out[i].tariff.as_ref().map_or(0.0, |t| t.rate)).into_pyarray(py),
    )?;
    d.set_item(
        "summary",
        out.iter().map(|c| c.summary()).collect::<Vec<_>>(),
    )?;
    Ok(d)
}
