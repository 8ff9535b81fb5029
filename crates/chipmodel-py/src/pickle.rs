//! Pickling for every class: `__reduce__` gives `(_unpickle, (kind, state))` where the state is
//! the Rust value in CBOR (self-describing, keeps NaN and infinities), so objects travel to
//! worker processes (Dask, multiprocessing) and back unchanged.

use std::sync::Arc;

use chipmodel::{Catalog, Chip};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::compliance::{PyClassification, PyRuleSet};
use crate::errors::PyChipModelError;
use crate::fleet::{PyAssumptions, PyFleet, PyFleetReport};
use crate::perf::{
    PyCalibrationFit, PyEngineProfile, PyInferenceEstimate, PyModel, PyTrainingEstimate,
};
use crate::scenario::PyScenario;
use crate::sweep::{PyReduction, PySweepGrid};
use crate::{PyCatalog, PyChip, PyComparison};

/// `(chipmodel._chipmodel._unpickle, (kind, state))` for `__reduce__`.
pub(crate) fn reduce<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    kind: &str,
    value: &T,
) -> PyResult<Bound<'py, PyTuple>> {
    let mut state = Vec::new();
    ciborium::into_writer(value, &mut state)
        .map_err(|e| PyValueError::new_err(format!("cannot pickle a {kind}: {e}")))?;
    let f = py.import("chipmodel._chipmodel")?.getattr("_unpickle")?;
    let args = (kind, PyBytes::new(py, &state)).into_pyobject(py)?;
    PyTuple::new(py, [f, args.into_any()])
}

fn load<T: DeserializeOwned>(kind: &str, state: &[u8]) -> PyResult<T> {
    ciborium::from_reader(state)
        .map_err(|e| PyValueError::new_err(format!("cannot unpickle a {kind}: {e}")))
}

/// A catalog's state: whether it was built on the embedded one, the chip files loaded over that
/// base, and the models added to it (each model carries its sources).
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct CatalogState {
    embedded: bool,
    files: Vec<(String, String)>,
    models: Vec<chipmodel::Model>,
}

pub(crate) fn catalog_state(c: &chipmodel::Catalogs) -> PyResult<CatalogState> {
    let chips = c.chips();
    let n = chips.embedded_file_count();
    let base = if n > 0 {
        crate::catalog::embedded()?.data.models().models().len()
    } else {
        0
    };
    Ok(CatalogState {
        embedded: n > 0,
        files: chips.files()[n..].to_vec(),
        models: c.models().models().get(base..).unwrap_or_default().to_vec(),
    })
}

/// Rebuilds a catalog from its state.
pub(crate) fn catalog_from_state(
    state: CatalogState,
) -> PyResult<Arc<crate::catalog::CatalogData>> {
    let base = if state.embedded {
        crate::catalog::embedded()?.data.clone()
    } else {
        chipmodel::Catalogs::new(Catalog::default(), chipmodel::ModelCatalog::default())
    };
    let texts: Vec<(&str, &str)> = state
        .files
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let chips = base
        .chips()
        .with_texts(&texts)
        .map_err(PyChipModelError::from)?;
    let mut models = base.models().clone();
    for m in state.models {
        models = models.with_model(m).map_err(PyChipModelError::from)?;
    }
    Ok(crate::catalog::CatalogData::new(chipmodel::Catalogs::new(
        chips, models,
    )))
}

/// A rule set's state: the rules without their sources (which the rule reader does not take
/// back), and the sources. (Rules hold finite numbers only, so JSON values carry them.)
pub(crate) fn rules_state(
    r: &chipmodel::RuleSet,
) -> PyResult<(
    serde_json::Value,
    &std::collections::BTreeMap<String, chipmodel::Source>,
)> {
    let mut v = serde_json::to_value(r)
        .map_err(|e| PyValueError::new_err(format!("cannot pickle a RuleSet: {e}")))?;
    if let serde_json::Value::Object(m) = &mut v {
        m.remove("sources");
    }
    Ok((v, &r.sources))
}

fn new<T: pyo3::PyClass + Into<PyClassInitializer<T>>>(
    py: Python<'_>,
    value: T,
) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, value)?.into_any())
}

/// Rebuilds a pickled object (the other half of `__reduce__`).
#[pyfunction]
// Stays whole: one match arm per pickled class.
pub fn _unpickle(py: Python<'_>, kind: &str, state: &[u8]) -> PyResult<Py<PyAny>> {
    let obj = match kind {
        "Chip" => new(
            py,
            PyChip {
                chip: Arc::new(load::<Chip>(kind, state)?),
            },
        )?,
        "Catalog" => new(
            py,
            PyCatalog {
                inner: catalog_from_state(load(kind, state)?)?,
            },
        )?,
        "Comparison" => new(
            py,
            PyComparison {
                cmp: load(kind, state)?,
            },
        )?,
        "EngineProfile" => new(
            py,
            PyEngineProfile {
                p: Arc::new(load(kind, state)?),
            },
        )?,
        "Model" => new(
            py,
            PyModel {
                model: Arc::new(load(kind, state)?),
            },
        )?,
        "InferenceEstimate" => {
            let (est, model, chip) = load(kind, state)?;
            new(
                py,
                PyInferenceEstimate {
                    est,
                    model: Arc::new(model),
                    chip: Arc::new(chip),
                },
            )?
        }
        "TrainingEstimate" => new(
            py,
            PyTrainingEstimate {
                est: load(kind, state)?,
            },
        )?,
        "CalibrationFit" => new(
            py,
            PyCalibrationFit {
                fit: load(kind, state)?,
            },
        )?,
        "RuleSet" => {
            let (rules, sources): (serde_json::Value, _) = load(kind, state)?;
            let mut rules: chipmodel::RuleSet = serde_json::from_value(rules)
                .map_err(|e| PyValueError::new_err(format!("cannot unpickle a {kind}: {e}")))?;
            rules.sources = sources;
            new(py, PyRuleSet { rules })?
        }
        "Classification" => new(
            py,
            PyClassification {
                c: load(kind, state)?,
            },
        )?,
        "Assumptions" => new(
            py,
            PyAssumptions {
                a: load(kind, state)?,
            },
        )?,
        "Fleet" => {
            let (fleet, catalog) = load(kind, state)?;
            new(
                py,
                PyFleet {
                    fleet,
                    catalog: catalog_from_state(catalog)?,
                },
            )?
        }
        "FleetReport" => new(
            py,
            PyFleetReport {
                r: load(kind, state)?,
            },
        )?,
        "Scenario" => {
            let (mut s, a, doc, catalog): (chipmodel::Scenario, _, _, _) = load(kind, state)?;
            s.assumptions = a;
            s.document = doc;
            new(
                py,
                PyScenario {
                    s,
                    catalog: catalog_from_state(catalog)?,
                },
            )?
        }
        "SweepGrid" => {
            let parts: chipmodel::perf::GridParts = load(kind, state)?;
            let grid = chipmodel::perf::Grid::new(parts).map_err(PyChipModelError::from)?;
            new(
                py,
                PySweepGrid {
                    grid: Arc::new(grid),
                },
            )?
        }
        "Reduction" => {
            let (reduction, limits) = load(kind, state)?;
            new(py, PyReduction { reduction, limits })?
        }
        other => {
            return Err(PyValueError::new_err(format!(
                "cannot unpickle a '{other}'"
            )));
        }
    };
    Ok(obj)
}
