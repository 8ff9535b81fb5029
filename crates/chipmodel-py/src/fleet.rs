//! Python surface of fleet economics.

use chipmodel::{Assumptions, Fleet, FleetReport, Group, Workload};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use std::sync::Arc;

use crate::catalog::{CatalogData, PyCatalog, catalog_arg};
use crate::errors::PyChipModelError;

type PyRes<T> = Result<T, PyChipModelError>;

/// Economic assumptions: each with a default, a range, a unit and a source.
#[pyclass(module = "chipmodel", name = "Assumptions", frozen)]
pub struct PyAssumptions {
    pub(crate) a: Assumptions,
}

#[pymethods]
impl PyAssumptions {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        crate::pickle::reduce(py, "Assumptions", &self.a)
    }
    /// The defaults, with any ``overrides`` (name → value) applied.
    #[new]
    #[pyo3(signature = (overrides=None))]
    fn new(overrides: Option<&Bound<'_, PyDict>>) -> PyResult<PyAssumptions> {
        let mut a = Assumptions::defaults().map_err(PyChipModelError::from)?;
        if let Some(o) = overrides {
            for (k, v) in o.iter() {
                let name: String = k.extract()?;
                let value: f64 = v.extract().map_err(|_| {
                    crate::errors::type_err(&name, format!("override '{name}' must be a number"))
                })?;
                a = a.with(&name, value).map_err(PyChipModelError::from)?;
            }
        }
        Ok(PyAssumptions { a })
    }
    /// A copy with ``name`` set to ``value``.
    fn replace(&self, name: &str, value: f64) -> PyRes<PyAssumptions> {
        Ok(PyAssumptions {
            a: self.a.with(name, value)?,
        })
    }
    /// A value by name.
    fn get(&self, name: &str) -> PyRes<f64> {
        Ok(self.a.get(name)?)
    }
    /// ``{name: {"value", "low", "high", "unit", "source", "date", "assumption", "note", "overridden"}}``
    /// and the sources.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.a)
    }
    /// Column arrays, one entry per assumption (by name): ``name``, ``value``, ``low``, ``high``
    /// (numpy arrays), ``unit``, ``source``, ``date``, ``assumption``, ``note``, ``overridden``.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let values: Vec<_> = self.a.values.values().collect();
        crate::records_to_columns(py, &crate::records(&values))
    }
    /// A frame, one row per assumption (value, low, high, unit, source, date, flags): pandas, or
    /// polars with ``library="polars"``.
    #[pyo3(signature = (library="pandas"))]
    fn to_frame<'py>(slf: &Bound<'py, Self>, library: &str) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("chipmodel._frames")?
            .call_method1("assumptions_frame", (slf, library))
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!(
            "Assumptions({} values, {} overridden, {} without a source)",
            self.a.values.len(),
            self.a.values.values().filter(|x| x.overridden).count(),
            self.a.unsourced().len()
        )
    }
}

getters!(PyAssumptions, |s| {
    /// Every assumption name.
    names -> Vec<String> = s.a.values.keys().cloned().collect();
    /// Names with no source behind the number.
    unsourced -> Vec<String> = s.a.unsourced();
});

/// Groups of chips at sites, with the catalog their chips are looked up in.
#[pyclass(module = "chipmodel", name = "Fleet", frozen)]
pub struct PyFleet {
    pub(crate) fleet: Fleet,
    pub(crate) catalog: Arc<CatalogData>,
}

/// Group `k`: a dict read as a scenario's `[[group]]` (same schema, same checks), or a tuple
/// `(chip, count[, site])`, the same as the dict with those keys.
fn group_of(x: &Bound<'_, PyAny>, k: usize) -> PyResult<Group> {
    let field = format!("groups[{k}]");
    if let Ok(t) = x.cast::<PyTuple>() {
        let d = PyDict::new(x.py());
        for (key, v) in ["chip", "count", "site"].iter().zip(t.iter()) {
            d.set_item(key, v)?;
        }
        if t.len() < 2 || t.len() > 3 {
            return Err(crate::errors::type_err(
                &field,
                "a group tuple is (chip, count) or (chip, count, site)",
            ));
        }
        return crate::input::read(d.as_any(), &field, Group::from_value);
    }
    if x.cast::<PyDict>().is_err() {
        return Err(crate::errors::type_err(
            &field,
            "a group is a dict {chip, count, site, owner, date, deliveries} or a tuple (chip, count, site)",
        ));
    }
    crate::input::read(x, &field, Group::from_value)
}

/// A workload: a model name, or a dict read as a scenario's `[workload]` (same schema).
pub(crate) fn workload_of(x: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Workload>> {
    let Some(x) = x.filter(|x| !x.is_none()) else {
        return Ok(None);
    };
    if let Ok(name) = x.extract::<String>() {
        return Ok(Some(Workload::new(&name)));
    }
    if x.cast::<PyDict>().is_err() {
        return Err(crate::errors::type_err(
            "workload",
            "workload must be a model name or a dict",
        ));
    }
    crate::input::read(x, "workload", Workload::from_value).map(Some)
}

/// The fleet, assumptions, workload and catalog of a call, converted once for every fleet
/// function.
fn inputs(
    fleet: &Bound<'_, PyFleet>,
    assumptions: Option<&Bound<'_, PyAssumptions>>,
    workload: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Fleet, Assumptions, Option<Workload>, Arc<CatalogData>)> {
    Ok((
        fleet.get().fleet.clone(),
        assumptions_of(assumptions)?,
        workload_of(workload)?,
        fleet.get().catalog.clone(),
    ))
}

pub(crate) fn assumptions_of(a: Option<&Bound<'_, PyAssumptions>>) -> PyResult<Assumptions> {
    match a {
        Some(a) => Ok(a.get().a.clone()),
        None => Ok(Assumptions::defaults().map_err(PyChipModelError::from)?),
    }
}

#[pymethods]
impl PyFleet {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        crate::pickle::reduce(
            py,
            "Fleet",
            &(
                &self.fleet,
                crate::pickle::catalog_state(&self.catalog.data)?,
            ),
        )
    }
    /// A fleet from groups: dicts ``{"chip", "count", "site", "owner", "date"}`` or tuples
    /// ``(chip, count, site)``; TCO over ``horizon_years``; chips and models are looked up in
    /// ``catalog`` (default: the embedded one).
    #[new]
    #[pyo3(signature = (groups, horizon_years=4.0, *, catalog=None))]
    fn new(
        groups: &Bound<'_, PyAny>,
        horizon_years: f64,
        catalog: Option<&Bound<'_, PyCatalog>>,
    ) -> PyResult<PyFleet> {
        let catalog = catalog_arg(catalog)?;
        let gs: Vec<Group> = groups
            .try_iter()?
            .enumerate()
            .map(|(k, g)| group_of(&g?, k))
            .collect::<PyResult<_>>()?;
        let fleet = Fleet {
            groups: gs,
            horizon_years,
        };
        fleet
            .validate(&catalog.data)
            .map_err(PyChipModelError::from)?;
        Ok(PyFleet { fleet, catalog })
    }
    /// The fleet's report at ``assumptions`` (default: the defaults), with a ``workload`` (a model
    /// name or a dict with ``model``, ``input_tokens``, ``output_tokens``, ``weight_dtype``,
    /// ``ttft_slo_s``, ``tpot_slo_s``) for tokens per day and $/million tokens.
    #[pyo3(signature = (assumptions=None, workload=None))]
    fn tco(
        &self,
        py: Python<'_>,
        assumptions: Option<&Bound<'_, PyAssumptions>>,
        workload: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyFleetReport> {
        let a = assumptions_of(assumptions)?;
        let w = workload_of(workload)?;
        let r = crate::convert::run(py, || self.fleet.report(&self.catalog.data, &a, w.as_ref()))?;
        Ok(PyFleetReport { r })
    }
    fn __repr__(&self) -> String {
        let parts: Vec<String> = self
            .fleet
            .groups
            .iter()
            .map(|g| format!("{:.0} × {} @ {}", g.count, g.chip, g.site))
            .collect();
        format!(
            "Fleet({}; {} years)",
            parts.join(", "),
            self.fleet.horizon_years
        )
    }
}

getters!(PyFleet, |s| {
    /// Chips in the fleet.
    count -> f64 = s.fleet.groups.iter().map(|g| g.count).sum();
});

/// A fleet's costs and output. USD, MW, GWh, tokens.
#[pyclass(module = "chipmodel", name = "FleetReport", frozen)]
pub struct PyFleetReport {
    pub(crate) r: FleetReport,
}

#[pymethods]
impl PyFleetReport {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        crate::pickle::reduce(py, "FleetReport", &self.r)
    }
    /// The whole fleet's figures as a dict (capex and opex by item).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.r.total)
    }
    /// Per group: chip, price, IT kW per chip, tariff rate, software efficiency, serving choice
    /// and figures.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.r.groups)
    }
    /// A frame, one row per group and a ``total`` row (USD, MW, GWh, tokens): pandas, or polars
    /// with ``library="polars"``.
    #[pyo3(signature = (library="pandas"))]
    fn to_frame<'py>(slf: &Bound<'py, Self>, library: &str) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("chipmodel._frames")?
            .call_method1("fleet_frame", (slf, library))
    }
    /// Everything as plain data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.r)
    }
    /// Column arrays, one entry per group and a last ``total`` entry: ``group`` (a label), every
    /// figure (numbers as numpy arrays, NaN where none), ``capex_<item>_usd`` and
    /// ``opex_<item>_usd_per_year``.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let flat = |label: String, f: &chipmodel::fleet::Figures| {
            let mut row = serde_json::Map::new();
            row.insert("group".into(), label.into());
            let nested = |key: &str, unit: &str, row: &mut serde_json::Map<String, _>, v| {
                if let serde_json::Value::Object(m) = v {
                    for (k, x) in m {
                        row.insert(format!("{key}_{k}_{unit}"), x);
                    }
                }
            };
            if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(f) {
                for (k, v) in m {
                    match k.as_str() {
                        "capex" => nested("capex", "usd", &mut row, v),
                        "opex" => nested("opex", "usd_per_year", &mut row, v),
                        _ => {
                            row.insert(k, v);
                        }
                    }
                }
            }
            row
        };
        let mut rows: Vec<_> = self
            .r
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let label = format!("{i}: {:.0} x {} @ {}", g.group.count, g.chip, g.group.site);
                flat(label, &g.figures)
            })
            .collect();
        rows.push(flat("total".into(), &self.r.total));
        crate::records_to_columns(py, &rows)
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        let t = &self.r.total;
        let mut s = format!(
            "FleetReport({:.0} chips · capex ${:.2}B · {:.0} MW facility · {:.0} GWh/yr · TCO ${:.2}B/yr · ${:.2}/GPU-h (${:.2} utilized)",
            t.count,
            t.capex.total() / 1e9,
            t.facility_mw,
            t.annual_gwh,
            t.tco_usd_per_year / 1e9,
            t.usd_per_gpu_hour,
            t.usd_per_gpu_hour_utilized
        );
        if let (Some(d), Some(m)) = (t.tokens_per_day, t.usd_per_million_tokens) {
            s.push_str(&format!(" · {:.3e} tokens/day · ${m:.3}/Mtok", d));
        }
        s.push(')');
        s
    }
}

getters!(PyFleetReport, |s| {
    /// Names of assumptions with no source behind the number that this report used.
    unsourced_assumptions -> Vec<String> = s.r.unsourced_assumptions.clone();
});

/// How many of another chip deliver the fleet's tokens per day: ``(count, FleetReport)``.
#[pyfunction]
#[pyo3(signature = (fleet, chip="ascend-910c", site="cn", workload=None, assumptions=None))]
pub fn equivalent_fleet(
    py: Python<'_>,
    fleet: &Bound<'_, PyFleet>,
    chip: &str,
    site: &str,
    workload: Option<&Bound<'_, PyAny>>,
    assumptions: Option<&Bound<'_, PyAssumptions>>,
) -> PyResult<(f64, PyFleetReport)> {
    let site: chipmodel::fleet::Site = site.parse().map_err(PyChipModelError::from)?;
    let a = assumptions_of(assumptions)?;
    // Default workload: a 70B-class model (Llama 3.1 70B), 1,024 in / 256 out, fp8.
    let w = workload_of(workload)?.unwrap_or_else(|| Workload::new("llama-3.1-70b"));
    let (f, data) = (&fleet.get().fleet, &fleet.get().catalog.data);
    let (n, r) = crate::convert::run(py, || {
        chipmodel::equivalent_fleet(data, f, chip, site, &w, &a)
    })?;
    Ok((n, PyFleetReport { r }))
}

/// Monte Carlo over the assumption ranges (triangular, seeded): ``{"samples", "seed",
/// "outputs": [{"name", "p10", "p50", "p90", "mean"}], "draws": {name: numpy array}}``.
/// ``progress``, if given, is called with ``("monte carlo", draws done, samples)`` about a hundred
/// times; an exception it raises (or Ctrl-C) stops the run. Draws run on ``threads`` threads
/// (0: all cores); they depend on neither. Up to 1,000,000 samples; ``monte_carlo_chunks``
/// streams more.
#[pyfunction]
#[pyo3(signature = (fleet, assumptions=None, workload=None, samples=1000, seed=0, progress=None, threads=0))]
#[allow(clippy::too_many_arguments)]
pub fn monte_carlo<'py>(
    py: Python<'py>,
    fleet: &Bound<'py, PyFleet>,
    assumptions: Option<&Bound<'py, PyAssumptions>>,
    workload: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = crate::args::samples)] samples: usize,
    #[pyo3(from_py_with = crate::args::seed)] seed: u64,
    progress: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = crate::args::threads)] threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let (f, a, w, data) = inputs(fleet, assumptions, workload)?;
    let data = &data.data;
    let mc = crate::with_progress(py, progress, |p| {
        chipmodel::fleet::monte_carlo_with_progress(
            data,
            &f,
            &a,
            w.as_ref(),
            samples,
            seed,
            threads,
            p,
        )
    })?;
    let d = PyDict::new(py);
    d.set_item("samples", mc.samples)?;
    d.set_item("seed", mc.seed)?;
    d.set_item("outputs", crate::convert::to_py(py, &mc.outputs)?)?;
    let draws = PyDict::new(py);
    for (name, v) in mc.draws {
        draws.set_item(name, v.into_pyarray(py))?;
    }
    d.set_item("draws", draws)?;
    Ok(d)
}

/// Draws ``start`` to ``stop`` of the Monte Carlo for ``seed`` (draw ``i`` from its own stream
/// ``i``), as ``{output name: numpy array}``: any split of a run gives the same draws.
#[pyfunction]
#[pyo3(signature = (fleet, assumptions=None, workload=None, seed=0, start=0, stop=1000, threads=0))]
#[allow(clippy::too_many_arguments)]
pub fn _monte_carlo_draws<'py>(
    py: Python<'py>,
    fleet: &Bound<'py, PyFleet>,
    assumptions: Option<&Bound<'py, PyAssumptions>>,
    workload: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = crate::args::seed)] seed: u64,
    #[pyo3(from_py_with = crate::args::start)] start: u64,
    #[pyo3(from_py_with = crate::args::stop)] stop: u64,
    #[pyo3(from_py_with = crate::args::threads)] threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let (f, a, w, data) = inputs(fleet, assumptions, workload)?;
    let data = &data.data;
    let cols = crate::convert::run(py, || {
        chipmodel::fleet::monte_carlo_draws(data, &f, &a, w.as_ref(), seed, start..stop, threads)
    })?;
    let d = PyDict::new(py);
    for (name, v) in cols {
        d.set_item(name, v.into_pyarray(py))?;
    }
    Ok(d)
}

/// One-at-a-time sensitivity of ``output`` to each assumption, largest swing first:
/// ``[{"name", "at_low", "at_high", "base", "swing"}]``.
#[pyfunction]
#[pyo3(signature = (fleet, output="usd_per_gpu_hour", assumptions=None, workload=None))]
pub fn sensitivity<'py>(
    py: Python<'py>,
    fleet: &Bound<'py, PyFleet>,
    output: &str,
    assumptions: Option<&Bound<'py, PyAssumptions>>,
    workload: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (f, a, w, data) = inputs(fleet, assumptions, workload)?;
    let data = &data.data;
    let s = crate::convert::run(py, || {
        chipmodel::sensitivity(data, &f, &a, w.as_ref(), output)
    })?;
    crate::convert::to_py(py, &s)
}

/// The deployment quarter by quarter (chips delivered in a quarter serve from the next):
/// ``[{"quarter", "delivered", "installed", "in_service", "capex_usd", "cumulative_capex_usd",
/// "it_mw", "facility_mw", "cost_usd", "tokens_per_day"}]``.
#[pyfunction]
#[pyo3(signature = (fleet, assumptions=None, workload=None))]
pub fn schedule<'py>(
    py: Python<'py>,
    fleet: &Bound<'py, PyFleet>,
    assumptions: Option<&Bound<'py, PyAssumptions>>,
    workload: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (f, a, w, data) = inputs(fleet, assumptions, workload)?;
    let data = &data.data;
    let rows = crate::convert::run(py, || chipmodel::schedule(data, &f, &a, w.as_ref()))?;
    crate::convert::to_py(py, &rows)
}

/// Cuts the deliveries of ``chips`` in quarters starting on or after ``date``: the fleet that
/// remains, its report and schedule, the tokens per day lost and, with a workload, how many
/// ``replacement`` chips at ``site`` make them up.
#[pyfunction]
#[pyo3(signature = (fleet, date, chips, replacement=None, site="cn", assumptions=None, workload=None))]
#[allow(clippy::too_many_arguments)]
pub fn export_shock<'py>(
    py: Python<'py>,
    fleet: &Bound<'py, PyFleet>,
    date: crate::args::Day,
    chips: Vec<String>,
    replacement: Option<&str>,
    site: &str,
    assumptions: Option<&Bound<'py, PyAssumptions>>,
    workload: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let site: chipmodel::fleet::Site = site.parse().map_err(PyChipModelError::from)?;
    let (f, a, w, data) = inputs(fleet, assumptions, workload)?;
    let data = &data.data;
    let r = crate::convert::run(py, || {
        chipmodel::export_shock(
            data,
            &f,
            &a,
            w.as_ref(),
            &date.0,
            &chips,
            replacement.map(|c| (c, site)),
        )
    })?;
    crate::convert::to_py(py, &r)
}
