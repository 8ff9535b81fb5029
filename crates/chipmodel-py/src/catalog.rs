//! The catalog classes: `Chip`, `Comparison` and `Catalog` (chips and models), and the catalog a
//! call resolves names in (`catalog=`, by default the embedded one).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chipmodel::{Catalog, Catalogs, Chip, Comparison, Model, ModelCatalog, Precision};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::{json_to_py, records_to_columns, repr_html, save_text};
use crate::errors::PyChipModelError;
use crate::perf::PyModel;
use crate::{PyRes, errors, pickle};

/// Chips and models, with shared handles on each entry so a call by name copies nothing.
pub(crate) struct CatalogData {
    pub(crate) data: Catalogs,
    handles: OnceLock<Handles>,
}

/// Models and chips by id.
type Handles = (HashMap<String, Arc<Model>>, HashMap<String, Arc<Chip>>);

impl CatalogData {
    pub(crate) fn new(data: Catalogs) -> Arc<CatalogData> {
        Arc::new(CatalogData {
            data,
            handles: OnceLock::new(),
        })
    }

    fn handles(&self) -> &Handles {
        self.handles.get_or_init(|| {
            (
                self.data
                    .models()
                    .models()
                    .iter()
                    .map(|m| (m.id.clone(), Arc::new(m.clone())))
                    .collect(),
                self.data
                    .chips()
                    .chips()
                    .iter()
                    .map(|c| (c.id.clone(), Arc::new(c.clone())))
                    .collect(),
            )
        })
    }

    /// A model by id, alias or name.
    pub(crate) fn model(&self, name: &str) -> PyRes<Arc<Model>> {
        let id = &self.data.model(name)?.id;
        Ok(self.handles().0[id].clone())
    }

    /// Every model, in catalog order, as shared handles.
    pub(crate) fn models(&self) -> Vec<PyModel> {
        let handles = &self.handles().0;
        self.data
            .models()
            .models()
            .iter()
            .map(|m| PyModel {
                model: handles[&m.id].clone(),
            })
            .collect()
    }

    /// A chip by id, alias or name.
    pub(crate) fn chip(&self, name: &str) -> PyRes<Arc<Chip>> {
        let id = &self.data.chip(name)?.id;
        Ok(self.handles().1[id].clone())
    }
}

/// The embedded chips and models, shared.
pub(crate) fn embedded() -> PyRes<Arc<CatalogData>> {
    static CELL: OnceLock<Result<Arc<CatalogData>, chipmodel::Error>> = OnceLock::new();
    CELL.get_or_init(|| chipmodel::embedded().map(CatalogData::new))
        .clone()
        .map_err(PyChipModelError)
}

/// The catalog a call resolves names in: the one given, else the embedded one.
pub(crate) fn catalog_arg(catalog: Option<&Bound<'_, PyCatalog>>) -> PyRes<Arc<CatalogData>> {
    match catalog {
        Some(c) => Ok(c.get().inner.clone()),
        None => embedded(),
    }
}

fn parse_precision(name: &str) -> PyRes<Precision> {
    Ok(name.parse::<Precision>()?)
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
        Ok(self.chip.dense_flops_per_s(parse_precision(precision)?))
    }
    /// The vendor's sparse figure at ``precision`` in FLOP/s, where published.
    fn sparse_flops_per_s(&self, precision: &str) -> PyRes<Option<f64>> {
        let p = parse_precision(precision)?;
        Ok(self
            .chip
            .dense
            .get(&p)
            .and_then(|d| d.value.sparse_flops_per_s))
    }
    /// Roofline ridge point at ``precision`` in FLOP per byte, or None if unsupported.
    fn ridge_point_flop_per_byte(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self
            .chip
            .ridge_point_flop_per_byte(parse_precision(precision)?))
    }
    /// Memory bandwidth per FLOP at ``precision`` (bytes per FLOP).
    fn bytes_per_flop(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.bytes_per_flop(parse_precision(precision)?))
    }
    /// Dense FLOP/s per watt of TDP at ``precision``.
    fn flops_per_w(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.flops_per_w(parse_precision(precision)?))
    }
    /// Dense FLOP/s per US dollar at ``precision``; None without a USD price.
    fn flops_per_usd(&self, precision: &str) -> PyRes<Option<f64>> {
        Ok(self.chip.flops_per_usd(parse_precision(precision)?))
    }
    /// Sources cited by this chip: ``{key: {"title", "url", "date", "kind", ...}}``.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.chip.sources)
    }
    /// Provenance of a field by its catalog-file name (``"memory_bandwidth"``, ``"dense.bf16"``):
    /// ``{"source", "estimate", "as_written", "note", "conflicts"}``.
    fn provenance<'py>(&self, py: Python<'py>, field: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.chip.provenance(field) {
            Some(p) => crate::convert::to_py(py, p),
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

getters!(PyChip, |s| {
    /// Lowercase slug, e.g. ``"h200-sxm"``.
    id -> &str = &s.chip.id;
    /// Display name.
    name -> &str = &s.chip.name;
    /// Designer, e.g. ``"NVIDIA"``.
    vendor -> &str = &s.chip.vendor;
    /// Other names the chip is looked up by.
    aliases -> Vec<String> = s.chip.aliases.clone();
    /// ``"sxm"``, ``"pcie"``, ``"oam"``, ``"superchip"`` or ``"module"``.
    form_factor -> &str = s.chip.form_factor.as_str();
    /// Designed or marketed for datacenters (export-control Note 2 to 3A090).
    datacenter -> bool = s.chip.is_datacenter();
    /// Announcement or first availability, ``YYYY[-MM[-DD]]``.
    release_date -> &str = &s.chip.release_date.value;
    /// Process node name, or None.
    process_node -> Option<&str> = s.chip.process.as_ref().map(|p| p.value.name.as_str());
    /// Whether the process is non-planar (FinFET/GAA), or None if unknown.
    non_planar -> Option<bool> = s.chip.process.as_ref().map(|p| p.value.non_planar);
    /// Sum of logic die areas in mm² (HBM excluded), or None if not disclosed.
    die_area_mm2 -> Option<f64> = s.chip.die_area_mm2();
    /// Transistor count, or None.
    transistors -> Option<f64> = s.chip.transistors.as_ref().map(|t| t.value);
    /// Memory technology, e.g. ``"HBM3e"``.
    memory_type -> &str = &s.chip.memory_type.value;
    /// Memory capacity in bytes.
    memory_capacity_bytes -> f64 = s.chip.memory_capacity_bytes();
    /// Memory as the device and the serving engines see it, bytes (binary: an H200 reports 141
    /// GiB ≈ 151.4e9 bytes against the datasheet's 141 GB); the datasheet figure where no source
    /// gives it (``device_memory_is_datasheet``). The performance model sizes the KV cache from it.
    device_memory_bytes -> f64 = s.chip.device_memory_bytes();
    /// Whether ``device_memory_bytes`` falls back to the datasheet figure.
    device_memory_is_datasheet -> bool = s.chip.device_memory_is_datasheet();
    /// Memory bandwidth in bytes per second.
    memory_bandwidth_bytes_per_s -> f64 = s.chip.memory_bandwidth_bytes_per_s();
    /// Scale-up interconnect bandwidth, both directions, bytes/s, or None.
    scale_up_bandwidth_bytes_per_s -> Option<f64> = s.chip.scale_up_bandwidth_bytes_per_s();
    /// Aggregate bidirectional chip-to-chip I/O (not memory), bytes/s, or None.
    io_bandwidth_bytes_per_s -> Option<f64> = s.chip.io_bandwidth_bytes_per_s();
    /// Scale-out network bandwidth per chip, bytes/s, or None.
    scale_out_bandwidth_bytes_per_s -> Option<f64> = s.chip.scale_out_bandwidth_bytes_per_s();
    /// Thermal design power in watts.
    tdp_w -> f64 = s.chip.tdp_w();
    /// Price in US dollars where the catalog gives one in USD, else None.
    price_usd -> Option<f64> = s.chip.price_usd();
    /// Total Processing Performance (88 FR 73458): max over precisions of dense TOPS × bits.
    tpp -> f64 = s.chip.tpp();
    /// The precision that sets the TPP.
    tpp_precision -> Option<&'static str> = s.chip.tpp_precision().map(Precision::as_str);
    /// TPP per mm² of non-planar logic die, or None when the die area is unknown.
    performance_density -> Option<f64> = s.chip.performance_density();
    /// Whether any value is an estimate.
    has_estimates -> bool = s.chip.has_estimates();
});

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
    /// Rows as dicts: metric, label, display_unit, a, b, ratio, display_factor, estimate.
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.cmp.rows)
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
        crate::convert::to_py(py, &self.cmp)
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

getters!(PyComparison, |s| {
    /// First chip id.
    a -> &str = &s.cmp.a;
    /// Second chip id.
    b -> &str = &s.cmp.b;
    /// Metric names (SI, unit in the name).
    metrics -> Vec<String> = s.cmp.rows.iter().map(|r| r.metric.clone()).collect();
});

/// Chips and models with their sources: the embedded catalog, or it with a user's file loaded
/// over it. Every function that takes names looks them up in the ``catalog=`` it is given (by
/// default this embedded one).
#[pyclass(module = "chipmodel", name = "Catalog", frozen)]
pub struct PyCatalog {
    pub(crate) inner: Arc<CatalogData>,
}

impl PyCatalog {
    fn chips(&self) -> &Catalog {
        self.inner.data.chips()
    }

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
        Ok(self.wrap(self.chips().get(&name).map_err(PyChipModelError::from)?))
    }
}

#[pymethods]
impl PyCatalog {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        pickle::reduce(py, "Catalog", &pickle::catalog_state(&self.inner.data)?)
    }
    /// Every chip, in catalog order.
    #[pyo3(name = "chips")]
    fn py_chips(&self) -> Vec<PyChip> {
        self.chips().chips().iter().map(|c| self.wrap(c)).collect()
    }
    /// The chip with this id, alias or name (any case). Raises ``UnknownChipError``.
    fn chip(&self, name: &str) -> PyRes<PyChip> {
        Ok(self.wrap(self.chips().get(name)?))
    }
    /// Every model, in catalog order.
    fn models(&self) -> Vec<PyModel> {
        self.inner.models()
    }
    /// The model with this id, alias or name (any case). Raises ``UnknownModelError``.
    fn model(&self, name: &str) -> PyRes<PyModel> {
        Ok(PyModel {
            model: self.inner.model(name)?,
        })
    }
    /// This catalog with ``model`` added (a ``Model.from_hf_config`` result, say), so that fleets,
    /// plans and scenarios can name it. Raises ``CatalogError`` when its id or an alias is taken.
    fn with_model(&self, model: PyRef<'_, PyModel>) -> PyRes<PyCatalog> {
        let data = self.inner.data.with_model((*model.model).clone())?;
        Ok(PyCatalog {
            inner: CatalogData::new(data),
        })
    }
    /// Every chip id.
    fn ids(&self) -> Vec<String> {
        self.chips().ids().into_iter().map(String::from).collect()
    }
    /// Every source: ``{key: {"title", "url", "date", "kind", ...}}``.
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, self.chips().sources())
    }
    /// Loads ``path`` over this catalog (new chips, ``[[override]]`` entries and ``[[model]]``
    /// entries), all or nothing.
    fn load(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyCatalog> {
        let data = crate::convert::run(py, || self.inner.data.with_file(&path))?;
        Ok(PyCatalog {
            inner: CatalogData::new(data),
        })
    }
    /// Side-by-side comparison of two chips (names or ``Chip`` objects).
    fn compare(&self, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<PyComparison> {
        let (a, b) = (self.resolve(a)?, self.resolve(b)?);
        Ok(PyComparison {
            cmp: chipmodel::compare(&a.chip, &b.chip),
        })
    }
    /// The chips as one catalog file (sources and chips, overrides applied): loading it into an
    /// empty catalog gives the same chips and sources. (Models are not written.)
    fn to_toml(&self) -> String {
        self.chips().to_toml()
    }
    /// Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename).
    fn save(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        save_text(py, &path, &self.chips().to_toml())
    }
    /// The catalog as an 80-column text table.
    fn table(&self) -> String {
        chipmodel::catalog_table(self.chips())
    }
    /// Column arrays of every chip and its derived metrics: numbers as ``numpy.ndarray``
    /// (NaN where unknown), text as lists. Units are in the column names.
    // Stays whole: one column per line of the catalog frame.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let chips = self.chips().chips();
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
        self.chips().len()
    }
    fn __contains__(&self, name: &str) -> bool {
        self.chips().contains(name)
    }
    fn __getitem__(&self, name: &str) -> PyRes<PyChip> {
        self.chip(name)
    }
    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = PyList::new(py, self.py_chips())?;
        Ok(list.call_method0("__iter__")?.unbind())
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!(
            "Catalog({} chips, {} models, {} sources)",
            self.chips().len(),
            self.inner.data.models().models().len(),
            self.chips().sources().len()
        )
    }
}

/// The catalog shipped with chipmodel.
#[pyfunction]
pub(crate) fn embedded_catalog() -> PyRes<PyCatalog> {
    Ok(PyCatalog { inner: embedded()? })
}

/// Loads a catalog file (chips, overrides, models) over the embedded catalog (or, with
/// ``embedded=False``, on its own), all or nothing.
#[pyfunction]
#[pyo3(signature = (path, embedded=true))]
pub(crate) fn load_catalog(
    py: Python<'_>,
    path: std::path::PathBuf,
    embedded: bool,
) -> PyResult<PyCatalog> {
    let base = if embedded {
        self::embedded()?.data.clone()
    } else {
        Catalogs::new(Catalog::default(), ModelCatalog::default())
    };
    let data = crate::convert::run(py, || base.with_file(&path))?;
    Ok(PyCatalog {
        inner: CatalogData::new(data),
    })
}
