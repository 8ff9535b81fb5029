//! Python bindings of chipmodel: the native module `chipmodel._chipmodel`.
//!
//! Rust types are `PyX`, exposed under clean Python names (`Chip`, `Catalog`). Every fallible
//! call returns a `ChipModelError` subclass (see [`errors`]); all values are SI with the unit in
//! the attribute name.

mod args;
mod compliance;
mod errors;
mod fleet;
mod perf;
mod pickle;
mod plan;
mod scenario;
mod sweep;

use std::sync::{Arc, OnceLock};

use chipmodel::{Catalog, CatalogError, Chip, Comparison, Precision};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::PyChipModelError;

type PyRes<T> = Result<T, PyChipModelError>;

fn embedded() -> PyRes<Arc<Catalog>> {
    static CELL: OnceLock<Result<Arc<Catalog>, CatalogError>> = OnceLock::new();
    CELL.get_or_init(|| Catalog::try_embedded().map(|c| Arc::new(c.clone())))
        .clone()
        .map_err(Into::into)
}

fn precision(name: &str) -> PyRes<Precision> {
    Ok(name.parse::<Precision>()?)
}

/// The ``_repr_html_`` of every class: laid out in Python, in one place (``chipmodel._display``).
pub(crate) fn repr_html(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    obj.py()
        .import("chipmodel._display")?
        .call_method1("html", (obj,))?
        .extract()
}

pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(v)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Runs `f` with the interpreter released, handing it a progress callback that calls `callback`
/// (when given) with ``(stage, done, total)`` and checks for Ctrl-C; an exception from either
/// stops the run and is raised as it is.
pub(crate) fn with_progress<T: Send>(
    py: Python<'_>,
    callback: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(chipmodel_fleet::Progress<'_>) -> Result<T, chipmodel_fleet::FleetError> + Send,
) -> PyResult<T> {
    let cb: Option<Py<PyAny>> = callback
        .filter(|c| !c.is_none())
        .map(|c| c.clone().unbind());
    let mut failed: Option<PyErr> = None;
    let result = py.detach(|| {
        let mut tick = |stage: &str, done: usize, total: usize| -> bool {
            Python::attach(|py| {
                let went = py.check_signals().and_then(|()| match &cb {
                    Some(c) => c.call1(py, (stage, done, total)).map(drop),
                    None => Ok(()),
                });
                went.map_err(|e| failed = Some(e)).is_ok()
            })
        };
        f(&mut tick)
    });
    if let Some(e) = failed {
        return Err(e);
    }
    result.map_err(|e| PyChipModelError::from(e).into())
}

/// Writes `text` to `path` so that a reader (or an interrupted run) sees the old file or the whole
/// new one: a temporary file beside it, flushed, then renamed over it.
pub(crate) fn save_text(py: Python<'_>, path: &std::path::Path, text: &str) -> PyResult<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().to_string());
    let tmp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    py.detach(write).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        PyErr::from(PyChipModelError(chipmodel::Error::Catalog(
            CatalogError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            },
        )))
    })
}

/// Columns from row records (JSON objects with scalar values): a key whose values are all numbers
/// (or null) becomes a float64 numpy array with NaN for null, all booleans a bool array, anything
/// else a list. Keys keep the order they first appear in; a row without a key gives NaN / None.
pub(crate) fn records_to_columns<'py>(
    py: Python<'py>,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> PyResult<Bound<'py, PyDict>> {
    use serde_json::Value;
    let mut keys: Vec<&String> = Vec::new();
    for r in rows {
        for k in r.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let out = PyDict::new(py);
    for k in keys {
        let col: Vec<&Value> = rows
            .iter()
            .map(|r| r.get(k).unwrap_or(&Value::Null))
            .collect();
        if col.iter().all(|v| v.is_number() || v.is_null()) {
            let xs: Vec<f64> = col.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
            out.set_item(k, xs.into_pyarray(py))?;
        } else if col.iter().all(|v| v.is_boolean()) {
            let xs: Vec<bool> = col.iter().map(|v| v.as_bool().unwrap_or(false)).collect();
            out.set_item(k, xs.into_pyarray(py))?;
        } else {
            let items = col
                .iter()
                .map(|v| json_to_py(py, v))
                .collect::<PyResult<Vec<_>>>()?;
            out.set_item(k, PyList::new(py, items)?)?;
        }
    }
    Ok(out)
}

/// Row records of any serializable list (each element a JSON object).
pub(crate) fn records<T: serde::Serialize>(
    items: &[T],
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    items
        .iter()
        .filter_map(|x| match serde_json::to_value(x) {
            Ok(serde_json::Value::Object(m)) => Some(m),
            _ => None,
        })
        .collect()
}

/// An accelerator from the catalog. Every number is SI with its unit in the name.
#[pyclass(module = "chipmodel", name = "Chip", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyChip {
    pub(crate) chip: Arc<Chip>,
}

#[pymethods]
impl PyChip {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        pickle::reduce(py, "Chip", &*self.chip)
    }
    /// Lowercase slug, e.g. ``"h200-sxm"``.
    #[getter]
    fn id(&self) -> &str {
        &self.chip.id
    }
    /// Display name.
    #[getter]
    fn name(&self) -> &str {
        &self.chip.name
    }
    /// Designer, e.g. ``"NVIDIA"``.
    #[getter]
    fn vendor(&self) -> &str {
        &self.chip.vendor
    }
    /// Other names the chip is looked up by.
    #[getter]
    fn aliases(&self) -> Vec<String> {
        self.chip.aliases.clone()
    }
    /// ``"sxm"``, ``"pcie"``, ``"oam"``, ``"superchip"`` or ``"module"``.
    #[getter]
    fn form_factor(&self) -> &str {
        self.chip.form_factor.as_str()
    }
    /// Designed or marketed for datacenters (export-control Note 2 to 3A090).
    #[getter]
    fn datacenter(&self) -> bool {
        self.chip.is_datacenter()
    }
    /// Announcement or first availability, ``YYYY[-MM[-DD]]``.
    #[getter]
    fn release_date(&self) -> &str {
        &self.chip.release_date.value
    }
    /// Process node name, or None.
    #[getter]
    fn process_node(&self) -> Option<&str> {
        self.chip.process.as_ref().map(|p| p.value.name.as_str())
    }
    /// Whether the process is non-planar (FinFET/GAA), or None if unknown.
    #[getter]
    fn non_planar(&self) -> Option<bool> {
        self.chip.process.as_ref().map(|p| p.value.non_planar)
    }
    /// Sum of logic die areas in mm² (HBM excluded), or None if not disclosed.
    #[getter]
    fn die_area_mm2(&self) -> Option<f64> {
        self.chip.die_area_mm2()
    }
    /// Transistor count, or None.
    #[getter]
    fn transistors(&self) -> Option<f64> {
        self.chip.transistors.as_ref().map(|t| t.value)
    }
    /// Memory technology, e.g. ``"HBM3e"``.
    #[getter]
    fn memory_type(&self) -> &str {
        &self.chip.memory_type.value
    }
    /// Memory capacity in bytes.
    #[getter]
    fn memory_capacity_bytes(&self) -> f64 {
        self.chip.memory_capacity_bytes()
    }
    /// Memory bandwidth in bytes per second.
    #[getter]
    fn memory_bandwidth_bytes_per_s(&self) -> f64 {
        self.chip.memory_bandwidth_bytes_per_s()
    }
    /// Scale-up interconnect bandwidth, both directions, bytes/s, or None.
    #[getter]
    fn scale_up_bandwidth_bytes_per_s(&self) -> Option<f64> {
        self.chip.scale_up_bandwidth_bytes_per_s()
    }
    /// Aggregate bidirectional chip-to-chip I/O (not memory), bytes/s, or None.
    #[getter]
    fn io_bandwidth_bytes_per_s(&self) -> Option<f64> {
        self.chip.io_bandwidth_bytes_per_s()
    }
    /// Scale-out network bandwidth per chip, bytes/s, or None.
    #[getter]
    fn scale_out_bandwidth_bytes_per_s(&self) -> Option<f64> {
        self.chip.scale_out_bandwidth_bytes_per_s()
    }
    /// Thermal design power in watts.
    #[getter]
    fn tdp_w(&self) -> f64 {
        self.chip.tdp_w()
    }
    /// Price as ``{"amount", "currency", "date"}``, or None.
    #[getter]
    fn price<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(p) = &self.chip.price else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("amount", p.value.amount)?;
        d.set_item("currency", &p.value.currency)?;
        d.set_item("date", &p.value.date)?;
        d.set_item("estimate", p.provenance.estimate)?;
        Ok(Some(d))
    }
    /// Price in US dollars where the catalog gives one in USD, else None.
    #[getter]
    fn price_usd(&self) -> Option<f64> {
        self.chip.price_usd()
    }
    /// Precisions with a dense rate, widest first.
    #[getter]
    fn precisions(&self) -> Vec<&'static str> {
        self.chip
            .precisions()
            .into_iter()
            .map(Precision::as_str)
            .collect()
    }
    /// Dense peak rate at ``precision`` in FLOP/s (OP/s for integers); None if unsupported.
    fn dense_flops_per_s(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.dense_flops_per_s(crate::precision(precision)?))
    }
    /// The vendor's sparse figure at ``precision`` in FLOP/s, where published.
    fn sparse_flops_per_s(&self, precision: &str) -> PyRes<Option<f64>> {
        let p = crate::precision(precision)?;
        Ok(self
            .chip
            .dense
            .get(&p)
            .and_then(|d| d.value.sparse_flops_per_s))
    }
    /// Total Processing Performance (88 FR 73458): max over precisions of dense TOPS × bits.
    #[getter]
    fn tpp(&self) -> f64 {
        self.chip.tpp()
    }
    /// The precision that sets the TPP.
    #[getter]
    fn tpp_precision(&self) -> Option<&'static str> {
        self.chip.tpp_precision().map(Precision::as_str)
    }
    /// TPP per mm² of non-planar logic die, or None when the die area is unknown.
    #[getter]
    fn performance_density(&self) -> Option<f64> {
        self.chip.performance_density()
    }
    /// Whether any value is an estimate.
    #[getter]
    fn has_estimates(&self) -> bool {
        self.chip.has_estimates()
    }
    /// Roofline ridge point at ``precision`` in FLOP per byte, or None if unsupported.
    fn ridge_point_flop_per_byte(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self
            .chip
            .ridge_point_flop_per_byte(crate::precision(precision)?))
    }
    /// Memory bandwidth per FLOP at ``precision`` (bytes per FLOP).
    fn bytes_per_flop(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.bytes_per_flop(crate::precision(precision)?))
    }
    /// Dense FLOP/s per watt of TDP at ``precision``.
    fn flops_per_w(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.flops_per_w(crate::precision(precision)?))
    }
    /// Dense FLOP/s per US dollar at ``precision``; None without a USD price.
    fn flops_per_usd(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.flops_per_usd(crate::precision(precision)?))
    }
    /// Sources cited by this chip: ``{key: {"title", "url", "date", "kind", ...}}``.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(
            py,
            &serde_json::to_value(&self.chip.sources).unwrap_or_default(),
        )
    }
    /// Provenance of a field by its catalog-file name (``"memory_bandwidth"``, ``"dense.bf16"``):
    /// ``{"source", "estimate", "as_written", "note", "conflicts"}``.
    fn provenance<'py>(&self, py: Python<'py>, field: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.chip.provenance(field) {
            Some(p) => json_to_py(py, &serde_json::to_value(p).unwrap_or_default()),
            None => {
                let fields: Vec<String> = self
                    .chip
                    .all_provenance()
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
                Err(pyo3::exceptions::PyKeyError::new_err(format!(
                    "chip '{}' has no field '{field}' (it has: {})",
                    self.chip.id,
                    fields.join(", ")
                )))
            }
        }
    }
    /// Every value with its provenance, and the derived metrics, as plain Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.chip.to_json())
    }
    /// Every value with its source, notes and conflicts, then derived metrics, as text.
    fn report(&self) -> String {
        chipmodel::chip_report(&self.chip)
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        let c = &self.chip;
        format!(
            "Chip('{}': {} · {:.0} GB @ {:.3} TB/s · TPP {:.0} · {:.0} W)",
            c.id,
            c.name,
            c.memory_capacity_bytes() / 1e9,
            c.memory_bandwidth_bytes_per_s() / 1e12,
            c.tpp(),
            c.tdp_w()
        )
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyChip>()
            .is_ok_and(|o| *o.get().chip == *self.chip)
    }
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.chip.id.hash(&mut h);
        h.finish()
    }
}

/// Two chips side by side; ``ratio(metric)`` is first ÷ second.
#[pyclass(module = "chipmodel", name = "Comparison", frozen)]
pub struct PyComparison {
    pub(crate) cmp: Comparison,
}

#[pymethods]
impl PyComparison {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        pickle::reduce(py, "Comparison", &self.cmp)
    }
    /// First chip id.
    #[getter]
    fn a(&self) -> &str {
        &self.cmp.a
    }
    /// Second chip id.
    #[getter]
    fn b(&self) -> &str {
        &self.cmp.b
    }
    /// Metric names (SI, unit in the name).
    #[getter]
    fn metrics(&self) -> Vec<String> {
        self.cmp.rows.iter().map(|r| r.metric.clone()).collect()
    }
    /// Rows as dicts: metric, label, display_unit, a, b, ratio, display_factor, estimate.
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(
            py,
            &serde_json::to_value(&self.cmp.rows).unwrap_or_default(),
        )
    }
    /// Column arrays, one entry per metric: ``metric``, ``label``, the two chip ids (SI values,
    /// NaN where unknown), ``ratio`` and ``estimate``.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = self
            .cmp
            .rows
            .iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                m.insert("metric".into(), r.metric.clone().into());
                m.insert("label".into(), r.label.clone().into());
                m.insert(self.cmp.a.clone(), serde_json::json!(r.a));
                m.insert(self.cmp.b.clone(), serde_json::json!(r.b));
                m.insert("ratio".into(), serde_json::json!(r.ratio));
                m.insert("estimate".into(), r.estimate.into());
                m
            })
            .collect();
        records_to_columns(py, &rows)
    }
    /// First ÷ second for ``metric``; None when either value is missing.
    fn ratio(&self, metric: &str) -> PyResult<Option<f64>> {
        match self.cmp.row(metric) {
            Some(r) => Ok(r.ratio),
            None => Err(pyo3::exceptions::PyKeyError::new_err(format!(
                "no metric '{metric}' in this comparison (it has: {})",
                self.metrics().join(", ")
            ))),
        }
    }
    /// The comparison as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &serde_json::to_value(&self.cmp).unwrap_or_default())
    }
    fn __str__(&self) -> String {
        self.cmp.to_string()
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!(
            "Comparison('{}' vs '{}')\n{}",
            self.cmp.a, self.cmp.b, self.cmp
        )
    }
}

/// A set of chips and their sources: the embedded catalog, or it with a user's file loaded over it.
#[pyclass(module = "chipmodel", name = "Catalog", frozen)]
pub struct PyCatalog {
    pub(crate) catalog: Arc<Catalog>,
}

impl PyCatalog {
    fn wrap(&self, c: &Chip) -> PyChip {
        PyChip {
            chip: Arc::new(c.clone()),
        }
    }

    fn resolve(&self, x: &Bound<'_, PyAny>) -> PyResult<PyChip> {
        if let Ok(c) = x.cast::<PyChip>() {
            return Ok(c.get().clone());
        }
        let name: String = x.extract().map_err(|_| {
            errors::type_err(
                "chip",
                format!("expected a chip name or a Chip, got {}", x.get_type()),
            )
        })?;
        Ok(self.wrap(self.catalog.get(&name).map_err(PyChipModelError::from)?))
    }
}

#[pymethods]
impl PyCatalog {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        pickle::reduce(py, "Catalog", &pickle::catalog_state(&self.catalog))
    }
    /// Every chip, in catalog order.
    fn chips(&self) -> Vec<PyChip> {
        self.catalog.chips().iter().map(|c| self.wrap(c)).collect()
    }
    /// The chip with this id, alias or name (any case). Raises ``UnknownChipError``.
    fn chip(&self, name: &str) -> PyRes<PyChip> {
        Ok(self.wrap(self.catalog.get(name)?))
    }
    /// Every chip id.
    fn ids(&self) -> Vec<String> {
        self.catalog.ids().into_iter().map(String::from).collect()
    }
    /// Every source: ``{key: {"title", "url", "date", "kind", ...}}``.
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(
            py,
            &serde_json::to_value(self.catalog.sources()).unwrap_or_default(),
        )
    }
    /// Loads ``path`` over this catalog (new chips and ``[[override]]`` entries), all or nothing.
    fn load(&self, py: Python<'_>, path: std::path::PathBuf) -> PyRes<PyCatalog> {
        let catalog = py.detach(|| self.catalog.with_file(&path))?;
        Ok(PyCatalog {
            catalog: Arc::new(catalog),
        })
    }
    /// Side-by-side comparison of two chips (names or ``Chip`` objects).
    fn compare(&self, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<PyComparison> {
        let (a, b) = (self.resolve(a)?, self.resolve(b)?);
        Ok(PyComparison {
            cmp: chipmodel::compare(&a.chip, &b.chip),
        })
    }
    /// The whole catalog as one catalog file (sources and chips, overrides applied): loading it
    /// into an empty catalog gives the same chips and sources.
    fn to_toml(&self) -> String {
        self.catalog.to_toml()
    }
    /// Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename).
    fn save(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        save_text(py, &path, &self.catalog.to_toml())
    }
    /// The catalog as an 80-column text table.
    fn table(&self) -> String {
        chipmodel::catalog_table(&self.catalog)
    }
    /// Column arrays of every chip and its derived metrics: numbers as ``numpy.ndarray``
    /// (NaN where unknown), text as lists. Units are in the column names.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let chips = self.catalog.chips();
        let out = PyDict::new(py);
        let text = |f: &dyn Fn(&Chip) -> String| chips.iter().map(f).collect::<Vec<_>>();
        out.set_item("id", PyList::new(py, text(&|c| c.id.clone()))?)?;
        out.set_item("name", PyList::new(py, text(&|c| c.name.clone()))?)?;
        out.set_item("vendor", PyList::new(py, text(&|c| c.vendor.clone()))?)?;
        out.set_item(
            "form_factor",
            PyList::new(py, text(&|c| c.form_factor.as_str().to_string()))?,
        )?;
        out.set_item(
            "release_date",
            PyList::new(py, text(&|c| c.release_date.value.clone()))?,
        )?;
        out.set_item(
            "memory_type",
            PyList::new(py, text(&|c| c.memory_type.value.clone()))?,
        )?;
        out.set_item(
            "datacenter",
            chips
                .iter()
                .map(Chip::is_datacenter)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )?;
        out.set_item(
            "has_estimates",
            chips
                .iter()
                .map(Chip::has_estimates)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )?;
        let nan = f64::NAN;
        let num = |name: String, f: &dyn Fn(&Chip) -> Option<f64>| -> PyResult<()> {
            out.set_item(
                name,
                chips
                    .iter()
                    .map(|c| f(c).unwrap_or(nan))
                    .collect::<Vec<_>>()
                    .into_pyarray(py),
            )
        };
        num("memory_capacity_bytes".into(), &|c| {
            Some(c.memory_capacity_bytes())
        })?;
        num("memory_bandwidth_bytes_per_s".into(), &|c| {
            Some(c.memory_bandwidth_bytes_per_s())
        })?;
        num("tdp_w".into(), &|c| Some(c.tdp_w()))?;
        num("die_area_mm2".into(), &Chip::die_area_mm2)?;
        num("transistors".into(), &|c| {
            c.transistors.as_ref().map(|t| t.value)
        })?;
        num(
            "scale_up_bandwidth_bytes_per_s".into(),
            &Chip::scale_up_bandwidth_bytes_per_s,
        )?;
        num(
            "io_bandwidth_bytes_per_s".into(),
            &Chip::io_bandwidth_bytes_per_s,
        )?;
        num(
            "scale_out_bandwidth_bytes_per_s".into(),
            &Chip::scale_out_bandwidth_bytes_per_s,
        )?;
        num("price_usd".into(), &Chip::price_usd)?;
        for p in Precision::ALL {
            num(format!("dense_{p}_flops_per_s"), &|c| {
                c.dense_flops_per_s(p)
            })?;
        }
        num("tpp".into(), &|c| Some(c.tpp()))?;
        num("performance_density".into(), &Chip::performance_density)?;
        for p in [Precision::Bf16, Precision::Fp8] {
            num(format!("ridge_point_{p}_flop_per_byte"), &|c| {
                c.ridge_point_flop_per_byte(p)
            })?;
            num(format!("bytes_per_flop_{p}"), &|c| c.bytes_per_flop(p))?;
            num(format!("flops_per_w_{p}"), &|c| c.flops_per_w(p))?;
            num(format!("flops_per_usd_{p}"), &|c| c.flops_per_usd(p))?;
        }
        Ok(out)
    }
    fn __len__(&self) -> usize {
        self.catalog.len()
    }
    fn __contains__(&self, name: &str) -> bool {
        self.catalog.contains(name)
    }
    fn __getitem__(&self, name: &str) -> PyRes<PyChip> {
        self.chip(name)
    }
    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = PyList::new(py, self.chips())?;
        Ok(list.call_method0("__iter__")?.unbind())
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!(
            "Catalog({} chips, {} sources)",
            self.catalog.len(),
            self.catalog.sources().len()
        )
    }
}

/// The catalog shipped with chipmodel.
#[pyfunction]
fn embedded_catalog() -> PyRes<PyCatalog> {
    Ok(PyCatalog {
        catalog: embedded()?,
    })
}

/// Loads a catalog file over the embedded catalog (or, with ``embedded=False``, on its own),
/// all or nothing.
#[pyfunction]
#[pyo3(signature = (path, embedded=true))]
fn load_catalog(py: Python<'_>, path: std::path::PathBuf, embedded: bool) -> PyRes<PyCatalog> {
    let empty = Arc::new(Catalog::default());
    let base = if embedded { self::embedded()? } else { empty };
    let catalog = py.detach(|| base.with_file(&path))?;
    Ok(PyCatalog {
        catalog: Arc::new(catalog),
    })
}

/// The text of a data file (rules, configs), read with chipmodel's limits: at most 8 MiB, UTF-8;
/// a missing or unreadable file is a ``CatalogFileError`` naming it.
#[pyfunction]
fn _read_data_file(py: Python<'_>, path: std::path::PathBuf) -> PyRes<String> {
    Ok(py.detach(|| chipmodel_catalog::datafile::read_file(&path))?)
}

/// Panics in Rust on purpose, for the reliability test that checks a panic reaches Python as an
/// exception (``pyo3_runtime.PanicException``) and the interpreter carries on.
#[pyfunction]
fn _panic_for_tests(message: &str) {
    panic!("{message}");
}

/// The native module.
#[pymodule]
mod _chipmodel {
    use super::*;

    #[pymodule_export]
    use super::{
        _panic_for_tests, _read_data_file, PyCatalog, PyChip, PyComparison, embedded_catalog,
        load_catalog,
    };
    #[pymodule_export]
    use crate::compliance::{
        _compliance_columns, _rules_from_json, _rules_from_toml, PyClassification, PyRuleSet,
        classify, diffusion_caps, flips, headroom, rule_set, rule_sets, timeline,
    };
    #[pymodule_export]
    use crate::fleet::{
        _monte_carlo_draws, PyAssumptions, PyFleet, PyFleetReport, equivalent_fleet, export_shock,
        monte_carlo, schedule, sensitivity,
    };
    #[pymodule_export]
    use crate::perf::{
        PyCalibrationFit, PyInferenceEstimate, PyModel, PyTrainingEstimate, best_inference,
        calibrate, calibration, estimate_inference, estimate_training, model, models,
    };
    #[pymodule_export]
    use crate::pickle::_unpickle;
    #[pymodule_export]
    use crate::plan::plan_hybrid;
    #[pymodule_export]
    use crate::scenario::{PyScenario, load_scenario, run_scenario, scenarios};
    #[pymodule_export]
    use crate::sweep::{PyReduction, PySweepGrid};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        errors::register(m)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("NOT_LEGAL_ADVICE", chipmodel_compliance::NOT_LEGAL_ADVICE)?;
        Ok(())
    }
}
