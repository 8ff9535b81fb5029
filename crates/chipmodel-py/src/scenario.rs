//! Python surface of scenario files.

use std::path::PathBuf;
use std::sync::Arc;

use chipmodel::Scenario;
use chipmodel::fleet::{SCENARIOS, run_scenario_with_progress as run};
use pyo3::prelude::*;

use crate::catalog::{CatalogData, PyCatalog, catalog_arg};
use crate::errors::PyChipModelError;
use crate::fleet::{PyAssumptions, PyFleet};

/// A checked scenario: a fleet, a workload, assumption overrides, compliance dates, comparisons;
/// with the catalog its chips and models were checked against.
#[pyclass(module = "chipmodel", name = "Scenario", frozen)]
pub struct PyScenario {
    pub(crate) s: Scenario,
    pub(crate) catalog: Arc<CatalogData>,
}

#[pymethods]
impl PyScenario {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(
            py,
            "Scenario",
            &(
                &self.s,
                &self.s.assumptions,
                &self.s.document,
                crate::pickle::catalog_state(&self.catalog.data)?,
            ),
        )
    }
    /// The scenario as one self-contained TOML file (any ``extends`` written out).
    fn to_toml(&self) -> String {
        self.s.to_toml()
    }
    /// Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        crate::save_text(py, &path, &self.s.to_toml())
    }
    /// The fleet.
    #[getter]
    fn fleet(&self) -> PyFleet {
        PyFleet {
            fleet: self.s.fleet.clone(),
            catalog: self.catalog.clone(),
        }
    }
    /// The assumptions with the scenario's overrides applied.
    #[getter]
    fn assumptions(&self) -> PyAssumptions {
        PyAssumptions {
            a: self.s.assumptions.clone(),
        }
    }
    /// Everything the file says, checked, as plain data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.s)
    }
    fn __repr__(&self) -> String {
        format!("Scenario('{}': {})", self.s.id, self.s.title)
    }
}

getters!(PyScenario, |s| {
    /// Short id, e.g. ``"seed-h200-china-2026"``.
    id -> &str = &s.s.id;
    /// Title.
    title -> &str = &s.s.title;
    /// The file it came from (a shipped name for embedded scenarios).
    file -> &str = &s.s.file;
});

fn shipped(name: &str) -> Option<&'static str> {
    SCENARIOS
        .iter()
        .find(|(f, _)| *f == name || f.strip_suffix(".toml") == Some(name))
        .map(|(_, t)| *t)
}

/// The scenario a call names (a `Scenario`, a path, a shipped id, `None` for the seed) and the
/// catalog to resolve it in: `catalog` when given, else the scenario's own, else the embedded one.
fn scenario_of(
    x: Option<&Bound<'_, PyAny>>,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<(Scenario, Arc<CatalogData>)> {
    if let Some(s) = x.and_then(|x| x.cast::<PyScenario>().ok()) {
        let s = s.get();
        let data = match catalog {
            Some(c) => c.get().inner.clone(),
            None => s.catalog.clone(),
        };
        return Ok((s.s.clone(), data));
    }
    let data = catalog_arg(catalog)?;
    let s = parse(x, &data.data)?;
    Ok((s, data))
}

fn parse(x: Option<&Bound<'_, PyAny>>, data: &chipmodel::Catalogs) -> PyResult<Scenario> {
    let Some(x) = x else {
        return Ok(Scenario::seed(data).map_err(PyChipModelError::from)?);
    };
    let path: PathBuf = x.extract()?;
    let name = path.to_string_lossy().to_string();
    if let Some(text) = shipped(&name) {
        let file = if name.ends_with(".toml") {
            name.clone()
        } else {
            format!("{name}.toml")
        };
        return Ok(Scenario::parse(data, &file, text).map_err(PyChipModelError::from)?);
    }
    Ok(Scenario::load(data, &path).map_err(PyChipModelError::from)?)
}

/// Ids of the scenarios shipped with chipmodel (the first is the seed scenario).
#[pyfunction]
pub fn scenarios() -> Vec<String> {
    SCENARIOS
        .iter()
        .map(|(f, _)| f.trim_end_matches(".toml").to_string())
        .collect()
}

/// Reads and checks a scenario: a path to a TOML file, the id of a shipped scenario, or ``None``
/// for the seed scenario; its chips and models are looked up in ``catalog`` (default: the
/// embedded one). Errors name the file and the key.
#[pyfunction]
#[pyo3(signature = (path=None, *, catalog=None))]
pub fn load_scenario(
    path: Option<&Bound<'_, PyAny>>,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyScenario> {
    let (s, catalog) = scenario_of(path, catalog)?;
    Ok(PyScenario { s, catalog })
}

/// Runs a scenario (a ``Scenario``, a path, a shipped id, or ``None`` for the seed scenario) and
/// returns every result as plain data: ``scenario``, ``report``, ``equivalents``,
/// ``monte_carlo``, ``sensitivity``, ``compliance`` and ``disclaimer``. ``progress``, if given,
/// is called with ``(stage, done, total)`` as the run goes (Monte Carlo draw by draw, about a
/// hundred times); an exception it raises (or Ctrl-C) stops the run. Names resolve in
/// ``catalog`` (default: the scenario's own, else the embedded one).
#[pyfunction]
#[pyo3(signature = (scenario=None, progress=None, *, catalog=None))]
pub fn run_scenario<'py>(
    py: Python<'py>,
    scenario: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (s, data) = scenario_of(scenario, catalog)?;
    let r = crate::with_progress(py, progress, |p| run(&data.data, &s, p))?;
    crate::convert::to_py(py, r)
}
