//! Python surface of sweeps: `SweepGrid` (a resolved grid that evaluates ranges and index lists,
//! or reduces them in place) and `Reduction` (a Pareto front, the best per group, the top k).

use std::sync::Arc;

use chipmodel::perf::{Dim, Grid, GridParts, Limits, Objective, Reduction, SweepColumns};
use chipmodel::{Chip, Precision};
use chipmodel::{Mode, Model, SweepSpec};
use numpy::{IntoPyArray, PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::catalog::{PyCatalog, catalog_arg};
use crate::errors::PyChipModelError;
use crate::perf::{chip_arg, list_of, model_arg, precision};

type PyRes<T> = Result<T, PyChipModelError>;

/// A design-space grid: every combination of the list-valued arguments (the last varying
/// fastest), resolved once. ``len(grid)`` configurations; ``evaluate`` a range of them into
/// columns, ``reduce`` a range to the grid indices a ``Reduction`` selects without keeping rows.
/// Results never depend on the thread count or on how the grid is split. Pickles (for Dask).
#[pyclass(module = "chipmodel", name = "SweepGrid", frozen)]
pub struct PySweepGrid {
    pub(crate) grid: Arc<Grid>,
}

/// A reduction of a sweep and the limits a configuration must meet to be considered (it must
/// always be valid and fit in memory).
#[pyclass(module = "chipmodel", name = "Reduction", frozen)]
#[derive(Clone)]
pub struct PyReduction {
    pub(crate) reduction: Reduction,
    pub(crate) limits: Limits,
}

fn objective(s: &str) -> PyRes<Objective> {
    Ok(s.parse::<Objective>()?)
}

fn limits(
    max_ttft_s: Option<f64>,
    max_tpot_s: Option<f64>,
    max_e2e_latency_s: Option<f64>,
) -> PyRes<Limits> {
    for (name, v) in [
        ("max_ttft_s", max_ttft_s),
        ("max_tpot_s", max_tpot_s),
        ("max_e2e_latency_s", max_e2e_latency_s),
    ] {
        if let Some(x) = v
            && !(x.is_finite() && x > 0.0)
        {
            return Err(PyChipModelError::from(
                chipmodel::perf::PerfError::InvalidConfig {
                    field: name.into(),
                    value: x.to_string(),
                    message: "must be a positive number of seconds".into(),
                },
            ));
        }
    }
    Ok(Limits {
        max_ttft_s,
        max_tpot_s,
        max_e2e_latency_s,
    })
}

fn checked(reduction: Reduction, limits: Limits) -> PyRes<PyReduction> {
    reduction.check()?;
    Ok(PyReduction { reduction, limits })
}

#[pymethods]
impl PyReduction {
    /// The Pareto front over ``objectives`` (1 to 4 names: ``throughput_tokens_per_s``,
    /// ``throughput_per_chip_tokens_per_s`` (maximized), ``ttft_s``, ``tpot_s``,
    /// ``e2e_latency_s``, ``energy_per_token_j``, ``usd_per_million_tokens``,
    /// ``memory_per_chip_bytes`` (minimized)): the configurations no other one matches or beats
    /// on all of them, in grid order.
    #[staticmethod]
    #[pyo3(signature = (objectives=vec!["throughput_per_chip_tokens_per_s".to_string(), "tpot_s".to_string()], *, max_ttft_s=None, max_tpot_s=None, max_e2e_latency_s=None))]
    fn pareto(
        objectives: Vec<String>,
        #[pyo3(from_py_with = crate::args::number_arg::opt::max_ttft_s)] max_ttft_s: Option<f64>,
        #[pyo3(from_py_with = crate::args::number_arg::opt::max_tpot_s)] max_tpot_s: Option<f64>,
        max_e2e_latency_s: Option<f64>,
    ) -> PyRes<PyReduction> {
        let o = objectives
            .iter()
            .map(|s| objective(s))
            .collect::<PyRes<Vec<_>>>()?;
        checked(
            Reduction::Pareto(o),
            limits(max_ttft_s, max_tpot_s, max_e2e_latency_s)?,
        )
    }
    /// The best configuration by ``metric`` in each group of equal ``by`` dimensions (``model``,
    /// ``chip``, ``n_chips``, ``tp``, ``pp``, ``ep``, ``batch``, ``input_tokens``,
    /// ``output_tokens``, ``weight_dtype``, ``kv_dtype``, ``mode``), groups in grid order.
    #[staticmethod]
    #[pyo3(signature = (metric="throughput_per_chip_tokens_per_s", by=vec!["model".to_string(), "chip".to_string()], *, max_ttft_s=None, max_tpot_s=None, max_e2e_latency_s=None))]
    fn best(
        metric: &str,
        by: Vec<String>,
        #[pyo3(from_py_with = crate::args::number_arg::opt::max_ttft_s)] max_ttft_s: Option<f64>,
        #[pyo3(from_py_with = crate::args::number_arg::opt::max_tpot_s)] max_tpot_s: Option<f64>,
        max_e2e_latency_s: Option<f64>,
    ) -> PyRes<PyReduction> {
        let by = by
            .iter()
            .map(|s| s.parse::<Dim>())
            .collect::<Result<Vec<_>, _>>()?;
        checked(
            Reduction::Best {
                metric: objective(metric)?,
                by,
            },
            limits(max_ttft_s, max_tpot_s, max_e2e_latency_s)?,
        )
    }
    /// The ``k`` best configurations by ``metric``, best first (ties: first in the grid).
    #[staticmethod]
    #[pyo3(signature = (k=10, metric="throughput_per_chip_tokens_per_s", *, max_ttft_s=None, max_tpot_s=None, max_e2e_latency_s=None))]
    fn top(
        #[pyo3(from_py_with = crate::args::k)] k: usize,
        metric: &str,
        #[pyo3(from_py_with = crate::args::number_arg::opt::max_ttft_s)] max_ttft_s: Option<f64>,
        #[pyo3(from_py_with = crate::args::number_arg::opt::max_tpot_s)] max_tpot_s: Option<f64>,
        max_e2e_latency_s: Option<f64>,
    ) -> PyRes<PyReduction> {
        checked(
            Reduction::Top {
                metric: objective(metric)?,
                k,
            },
            limits(max_ttft_s, max_tpot_s, max_e2e_latency_s)?,
        )
    }
    /// Pickle support.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        crate::pickle::reduce(py, "Reduction", &(&self.reduction, &self.limits))
    }
    fn __repr__(&self) -> String {
        let lim = &self.limits;
        let mut extra = String::new();
        for (name, v) in [
            ("max_ttft_s", lim.max_ttft_s),
            ("max_tpot_s", lim.max_tpot_s),
            ("max_e2e_latency_s", lim.max_e2e_latency_s),
        ] {
            if let Some(x) = v {
                extra.push_str(&format!(", {name}={x:?}"));
            }
        }
        match &self.reduction {
            Reduction::Pareto(o) => format!(
                "Reduction.pareto({}{extra})",
                py_list(o.iter().map(|x| x.as_str()))
            ),
            Reduction::Best { metric, by } => format!(
                "Reduction.best('{}', by={}{extra})",
                metric.as_str(),
                py_list(by.iter().map(|x| x.as_str()))
            ),
            Reduction::Top { metric, k } => {
                format!("Reduction.top({k}, '{}'{extra})", metric.as_str())
            }
        }
    }
}

/// `['a', 'b']`, as Python writes a list of strings.
fn py_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.map(|s| format!("'{s}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Prices per chip: None (no prices: cost is NaN), one number for every chip, a list in chip
/// order, or a dict by chip name.
fn prices(
    x: Option<&Bound<'_, PyAny>>,
    chips: &[Arc<Chip>],
    data: &crate::catalog::CatalogData,
) -> PyResult<Vec<f64>> {
    let Some(x) = x.filter(|x| !x.is_none()) else {
        return Ok(vec![f64::NAN; chips.len()]);
    };
    if let Ok(v) = x.extract::<f64>() {
        return Ok(vec![v; chips.len()]);
    }
    if let Ok(d) = x.cast::<PyDict>() {
        let mut out = vec![f64::NAN; chips.len()];
        for (k, v) in d.iter() {
            let chip = chip_arg(&k, data)?;
            let Some(i) = chips.iter().position(|c| c.id == chip.id) else {
                return Err(
                    PyChipModelError::from(chipmodel::perf::PerfError::InvalidConfig {
                        field: "usd_per_chip_hour".into(),
                        value: format!("'{}'", chip.id),
                        message: "is not one of the grid's chips".into(),
                    })
                    .into(),
                );
            };
            out[i] = v.extract()?;
        }
        return Ok(out);
    }
    list_of(x, |v| v.extract::<f64>())
}

fn columns<'py>(py: Python<'py>, grid: &Grid, c: SweepColumns) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("index", c.index.into_pyarray(py))?;
    d.set_item("model_index", c.model.into_pyarray(py))?;
    d.set_item("chip_index", c.chip.into_pyarray(py))?;
    d.set_item("n_chips", c.n_chips.into_pyarray(py))?;
    d.set_item("tp", c.tp.into_pyarray(py))?;
    d.set_item("pp", c.pp.into_pyarray(py))?;
    d.set_item("ep", c.ep.into_pyarray(py))?;
    d.set_item("batch", c.batch.into_pyarray(py))?;
    d.set_item("input_tokens", c.input_tokens.into_pyarray(py))?;
    d.set_item("output_tokens", c.output_tokens.into_pyarray(py))?;
    d.set_item("weight_dtype_index", c.weight_dtype.into_pyarray(py))?;
    d.set_item("kv_dtype_index", c.kv_dtype.into_pyarray(py))?;
    d.set_item("mode_index", c.mode.into_pyarray(py))?;
    d.set_item("valid", c.valid.into_pyarray(py))?;
    d.set_item("fits", c.fits.into_pyarray(py))?;
    d.set_item(
        "memory_per_chip_bytes",
        c.memory_per_chip_bytes.into_pyarray(py),
    )?;
    d.set_item("ttft_s", c.ttft_s.into_pyarray(py))?;
    d.set_item("tpot_s", c.tpot_s.into_pyarray(py))?;
    d.set_item("e2e_latency_s", c.e2e_latency_s.into_pyarray(py))?;
    d.set_item(
        "throughput_tokens_per_s",
        c.throughput_tokens_per_s.into_pyarray(py),
    )?;
    d.set_item(
        "throughput_per_chip_tokens_per_s",
        c.throughput_per_chip_tokens_per_s.into_pyarray(py),
    )?;
    d.set_item(
        "usd_per_million_tokens",
        c.usd_per_million_tokens.into_pyarray(py),
    )?;
    d.set_item("energy_per_token_j", c.energy_per_token_j.into_pyarray(py))?;
    // The bound as an index into `_bounds` (the core's names in code order; "" for invalid rows),
    // decoded in Python like every other coded column.
    let invalid = chipmodel::perf::Bound::ALL.len() as u8;
    let index: Vec<u8> = c.bound.iter().map(|&b| b.min(invalid)).collect();
    d.set_item("bound_index", index.into_pyarray(py))?;
    let names: Vec<&str> = chipmodel::perf::Bound::ALL
        .iter()
        .map(|b| b.as_str())
        .chain([""])
        .collect();
    d.set_item("_bounds", names)?;
    let spec = grid.spec();
    d.set_item("_models", spec.models.clone())?;
    d.set_item("_chips", spec.chips.clone())?;
    d.set_item(
        "_weight_dtypes",
        spec.weight_dtype
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "_kv_dtypes",
        spec.kv_dtype
            .iter()
            .map(|p| p.map_or("bf16", |x| x.as_str()))
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "_modes",
        spec.mode.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
    )?;
    Ok(d)
}

fn indices(x: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    if let Ok(a) = x.cast::<PyArray1<u64>>() {
        return Ok(a.readonly().as_slice()?.to_vec());
    }
    x.extract::<Vec<u64>>()
}

impl PySweepGrid {
    fn range(&self, start: u64, stop: Option<u64>) -> std::ops::Range<u64> {
        start..stop.unwrap_or_else(|| self.grid.len())
    }
}

/// ``kv_dtype=``: a precision, ``None`` (16-bit) or a list of them.
fn kv_dtypes(x: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Option<Precision>>> {
    match x {
        None => Ok(vec![None]),
        Some(x) => list_of(x, |v| {
            if v.is_none() {
                Ok(None)
            } else {
                Ok(Some(precision("kv_dtype", &v.extract::<String>()?)?))
            }
        }),
    }
}

#[pymethods]
impl PySweepGrid {
    #[new]
    #[pyo3(signature = (models, chips, *, n_chips=None, tp=None, pp=None, ep=None, batch=None, input_tokens=None, output_tokens=None, weight_dtype=None, kv_dtype=None, mode=None, usd_per_chip_hour=None, engine=None, catalog=None))]
    #[allow(clippy::too_many_arguments)]
    fn new<'py>(
        models: &Bound<'py, PyAny>,
        chips: &Bound<'py, PyAny>,
        n_chips: Option<&Bound<'py, PyAny>>,
        tp: Option<&Bound<'py, PyAny>>,
        pp: Option<&Bound<'py, PyAny>>,
        ep: Option<&Bound<'py, PyAny>>,
        batch: Option<&Bound<'py, PyAny>>,
        input_tokens: Option<&Bound<'py, PyAny>>,
        output_tokens: Option<&Bound<'py, PyAny>>,
        weight_dtype: Option<&Bound<'py, PyAny>>,
        kv_dtype: Option<&Bound<'py, PyAny>>,
        mode: Option<&Bound<'py, PyAny>>,
        usd_per_chip_hour: Option<&Bound<'py, PyAny>>,
        engine: Option<&Bound<'py, PyAny>>,
        catalog: Option<&Bound<'py, PyCatalog>>,
    ) -> PyResult<PySweepGrid> {
        let engine = crate::perf::engine_arg(engine)?;
        let data = catalog_arg(catalog)?;
        let ms: Vec<Arc<Model>> = list_of(models, |m| model_arg(m, &data))?;
        let cs: Vec<Arc<Chip>> = list_of(chips, |c| chip_arg(c, &data))?;
        use crate::args;
        type Check = fn(&Bound<'_, PyAny>) -> PyResult<u32>;
        let ints =
            |x: Option<&Bound<'py, PyAny>>, default: u32, check: Check| -> PyResult<Vec<u32>> {
                match x {
                    None => Ok(vec![default]),
                    Some(x) => list_of(x, |v| check(v)),
                }
            };
        let tp = match tp {
            None => vec![0],
            Some(x) => list_of(x, |v| Ok(args::opt::tp(v)?.unwrap_or(0)))?,
        };
        let weight_dtype: Vec<Precision> = match weight_dtype {
            None => vec![Precision::Bf16],
            Some(x) => list_of(x, |v| {
                Ok(precision("weight_dtype", &v.extract::<String>()?)?)
            })?,
        };
        let kv_dtype = kv_dtypes(kv_dtype)?;
        let modes: Vec<Mode> = match mode {
            None => vec![Mode::Calibrated],
            Some(x) => list_of(x, |v| Ok(crate::perf::mode(&v.extract::<String>()?)?))?,
        };
        let spec = SweepSpec {
            models: ms.iter().map(|m| m.id.clone()).collect(),
            chips: cs.iter().map(|c| c.id.clone()).collect(),
            n_chips: ints(n_chips, 1, args::n_chips)?,
            tp,
            pp: ints(pp, 1, args::pp)?,
            ep: ints(ep, 1, args::ep)?,
            batch: ints(batch, 1, args::batch)?,
            input_tokens: ints(input_tokens, 1024, args::input_tokens)?,
            output_tokens: ints(output_tokens, 128, args::output_tokens)?,
            weight_dtype,
            kv_dtype,
            mode: modes,
        };
        let usd = prices(usd_per_chip_hour, &cs, &data)?;
        let grid = Grid::new(GridParts {
            spec,
            models: ms.iter().map(|m| (**m).clone()).collect(),
            chips: cs.iter().map(|c| (**c).clone()).collect(),
            usd_per_chip_hour: usd,
            engine,
        })
        .map_err(PyChipModelError::from)?;
        Ok(PySweepGrid {
            grid: Arc::new(grid),
        })
    }
    fn __len__(&self) -> usize {
        self.grid.len() as usize
    }
    /// Raw columns of configurations ``start`` to ``stop`` (default: all): numpy arrays, with
    /// code columns and the name lists that decode them (``chipmodel.sweep_chunks`` decodes).
    #[pyo3(signature = (start=0, stop=None, threads=0))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::start)] start: u64,
        #[pyo3(from_py_with = crate::args::opt::stop)] stop: Option<u64>,
        #[pyo3(from_py_with = crate::args::threads)] threads: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let range = self.range(start, stop);
        let grid = self.grid.clone();
        let c = crate::convert::run(py, || grid.evaluate(range, threads))?;
        columns(py, &self.grid, c)
    }
    /// Raw columns of the configurations at ``indices`` (grid indices), in that order.
    #[pyo3(signature = (indices, threads=0))]
    fn evaluate_indices<'py>(
        &self,
        py: Python<'py>,
        indices: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = crate::args::threads)] threads: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let idx = self::indices(indices)?;
        let grid = self.grid.clone();
        let c = crate::convert::run(py, || grid.evaluate_indices(&idx, threads))?;
        columns(py, &self.grid, c)
    }
    /// Grid indices that ``reduction`` selects among configurations ``start`` to ``stop``,
    /// computed in Rust with the interpreter released and no rows kept (a numpy ``uint64``
    /// array). Reductions of parts merge with ``reduce_indices``.
    #[pyo3(signature = (reduction, start=0, stop=None, threads=0))]
    fn reduce<'py>(
        &self,
        py: Python<'py>,
        reduction: &PyReduction,
        #[pyo3(from_py_with = crate::args::start)] start: u64,
        #[pyo3(from_py_with = crate::args::opt::stop)] stop: Option<u64>,
        #[pyo3(from_py_with = crate::args::threads)] threads: usize,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        let range = self.range(start, stop);
        let grid = self.grid.clone();
        let r = reduction.clone();
        let idx = crate::convert::run(py, || grid.reduce(range, &r.reduction, &r.limits, threads))?;
        Ok(idx.into_pyarray(py))
    }
    /// ``reduce`` over the configurations at ``indices`` (e.g. the answers of several parts).
    fn reduce_indices<'py>(
        &self,
        py: Python<'py>,
        indices: &Bound<'py, PyAny>,
        reduction: &PyReduction,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        let idx = self::indices(indices)?;
        let grid = self.grid.clone();
        let r = reduction.clone();
        let out = crate::convert::run(py, || grid.reduce_indices(&idx, &r.reduction, &r.limits))?;
        Ok(out.into_pyarray(py))
    }
    /// Pickle support: the grid's parts (spec, models, chips, prices).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        crate::pickle::reduce(py, "SweepGrid", &self.grid.parts())
    }
    fn __repr__(&self) -> String {
        let s = self.grid.spec();
        format!(
            "SweepGrid({} configurations: {} models × {} chips × ...)",
            self.grid.len(),
            s.models.len(),
            s.chips.len()
        )
    }
}

getters!(PySweepGrid, |s| {
    /// Number of configurations (also ``len(grid)``).
    size -> u64 = s.grid.len();
    /// Model ids, in grid order.
    models -> Vec<String> = s.grid.spec().models.clone();
    /// Chip ids, in grid order.
    chips -> Vec<String> = s.grid.spec().chips.clone();
    /// USD per chip-hour for each chip (NaN: none given).
    usd_per_chip_hour -> Vec<f64> = s.grid.parts().usd_per_chip_hour;
});
