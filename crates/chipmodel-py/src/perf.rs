//! Python surface of the performance model: `Model`, `InferenceEstimate`, `TrainingEstimate`,
//! `estimate_inference`, `best_inference`, `sweep_inference`, `estimate_training`, `calibrate`.

use std::sync::Arc;

use chipmodel::perf::{CalibrationFit, Measurement, Params};
use chipmodel::{
    BestConfig, InferenceConfig, InferenceEstimate, Mode, Model, PerfError, TrainingConfig,
    TrainingEstimate,
};
use chipmodel::{Chip, Precision};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::catalog::{CatalogData, PyCatalog, catalog_arg};
use crate::errors::PyChipModelError;
use crate::{PyChip, json_to_py};

type PyRes<T> = Result<T, PyChipModelError>;

fn config_err(field: &str, value: impl std::fmt::Display, message: &str) -> PyChipModelError {
    PerfError::InvalidConfig {
        field: field.into(),
        value: value.to_string(),
        message: message.into(),
    }
    .into()
}

pub(crate) fn precision(field: &str, s: &str) -> PyRes<Precision> {
    s.parse::<Precision>()
        .map_err(|e| config_err(field, format!("'{s}'"), &e.to_string()))
}

fn opt_precision(field: &str, s: Option<&str>) -> PyRes<Option<Precision>> {
    s.map(|x| precision(field, x)).transpose()
}

pub(crate) fn mode(s: &str) -> PyRes<Mode> {
    Ok(s.parse::<Mode>()?)
}

/// The first key (dotted path) of `d` holding a float that is NaN or infinite, at any depth.
fn non_finite(d: &Bound<'_, PyDict>, prefix: &str) -> PyResult<Option<String>> {
    for (k, v) in d.iter() {
        let key = format!("{prefix}{}", k.str()?);
        if let Ok(x) = v.cast::<pyo3::types::PyFloat>()
            && !x.value().is_finite()
        {
            return Ok(Some(key));
        }
        if let Ok(sub) = v.cast::<PyDict>()
            && let Some(found) = non_finite(sub, &format!("{key}."))?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// A model argument: a name (looked up in `data`), or a `Model` object (for Hugging Face configs).
pub(crate) fn model_arg(x: &Bound<'_, PyAny>, data: &CatalogData) -> PyResult<Arc<Model>> {
    if let Ok(m) = x.cast::<PyModel>() {
        return Ok(m.get().model.clone());
    }
    let name: String = x.extract().map_err(|_| {
        crate::errors::type_err(
            "model",
            format!("expected a model name or a Model, got {}", x.get_type()),
        )
    })?;
    Ok(data.model(&name)?)
}

/// A chip argument: a name (looked up in `data`) or a `Chip` object (from any catalog).
pub(crate) fn chip_arg(x: &Bound<'_, PyAny>, data: &CatalogData) -> PyResult<Arc<Chip>> {
    if let Ok(c) = x.cast::<PyChip>() {
        return Ok(c.get().chip.clone());
    }
    let name: String = x.extract().map_err(|_| {
        crate::errors::type_err(
            "chip",
            format!("expected a chip name or a Chip, got {}", x.get_type()),
        )
    })?;
    Ok(data.chip(&name)?)
}

/// Parameters from a dict of overrides over the chip's calibrated defaults.
fn params_arg(chip: &Chip, d: Option<&Bound<'_, PyDict>>) -> PyResult<Option<Params>> {
    let Some(d) = d else { return Ok(None) };
    let mut p = Params::for_chip(chip, Mode::Calibrated).map_err(PyChipModelError::from)?;
    for (k, v) in d.iter() {
        let key: String = k.extract()?;
        let x: f64 = v
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("params['{key}'] must be a number")))?;
        match key.as_str() {
            "compute_efficiency" => p.compute_efficiency = x,
            "low_precision_compute_efficiency" => p.low_precision_compute_efficiency = x,
            "memory_efficiency" => p.memory_efficiency = x,
            "attention_memory_efficiency" => p.attention_memory_efficiency = x,
            "prefill_compute_efficiency" => p.prefill_compute_efficiency = x,
            "prefill_low_precision_compute_efficiency" => {
                p.prefill_low_precision_compute_efficiency = x
            }
            "step_overhead_s" => p.step_overhead_s = x,
            "comm_efficiency" => p.comm_efficiency = x,
            "collective_latency_s" => p.collective_latency_s = x,
            "kernel_overhead_s" => p.kernel_overhead_s = x,
            "eager_kernel_overhead_s" => p.eager_kernel_overhead_s = x,
            "runtime_reserve_bytes" => p.runtime_reserve_bytes = x,
            "scale_up_domain" => {
                if !(x >= 1.0 && x.fract() == 0.0 && x < 1e9) {
                    return Err(config_err(
                        "params['scale_up_domain']",
                        x,
                        "must be a whole number of chips",
                    )
                    .into());
                }
                p.scale_up_domain = x as u32
            }
            _ => {
                return Err(
                    config_err(&format!("params['{key}']"), "?", "unknown parameter").into(),
                );
            }
        }
    }
    p.validate().map_err(PyChipModelError::from)?;
    Ok(Some(p))
}

/// A decoder-only LLM architecture.
#[pyclass(module = "chipmodel", name = "Model", frozen)]
pub struct PyModel {
    pub(crate) model: Arc<Model>,
}

#[pymethods]
impl PyModel {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(py, "Model", &*self.model)
    }
    /// Bytes of weights at ``dtype``.
    #[pyo3(signature = (dtype="bf16"))]
    fn weight_bytes(&self, dtype: &str) -> PyRes<f64> {
        Ok(self.model.total_params() * precision("dtype", dtype)?.bytes())
    }
    /// KV cache bytes per token (all layers) at ``dtype``.
    #[pyo3(signature = (dtype="bf16"))]
    fn kv_cache_bytes_per_token(&self, dtype: &str) -> PyRes<f64> {
        Ok(self
            .model
            .kv_cache_bytes_per_token(precision("dtype", dtype)?.bytes()))
    }
    /// Sources cited.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.model.sources)
    }
    /// Every field, plus computed parameter counts.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut v = crate::convert::to_json(&*self.model)?;
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("total_params".into(), self.model.total_params().into());
            m.insert("active_params".into(), self.model.active_params().into());
            m.insert(
                "param_counts".into(),
                crate::convert::to_json(self.model.param_counts())?,
            );
        }
        json_to_py(py, &v)
    }
    /// A model from a Hugging Face ``config.json`` dictionary.
    #[staticmethod]
    #[pyo3(signature = (config, id=None))]
    fn from_hf_config(
        py: Python<'_>,
        config: &Bound<'_, PyDict>,
        id: Option<&str>,
    ) -> PyResult<PyModel> {
        if let Some(key) = non_finite(config, "")? {
            return Err(PyChipModelError::from(PerfError::HfConfig {
                key,
                message: "must be a finite number".into(),
            })
            .into());
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("allow_nan", false)?;
        let text: String = match py
            .import("json")?
            .call_method("dumps", (config,), Some(&kwargs))
        {
            Ok(t) => t.extract()?,
            Err(e) => {
                return Err(crate::errors::argument_type_error(
                    py,
                    "config",
                    format!("config: not JSON data (a Hugging Face config.json is): {e}"),
                ));
            }
        };
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            crate::errors::argument_type_error(py, "config", format!("config: {e}"))
        })?;
        let id = id
            .map(String::from)
            .or_else(|| {
                value
                    .get("_name_or_path")
                    .and_then(|v| v.as_str())
                    .map(|s| s.to_lowercase().replace('/', "-"))
            })
            .unwrap_or_else(|| "custom-model".into());
        let model = Model::from_hf_config(&id, &value).map_err(PyChipModelError::from)?;
        Ok(PyModel {
            model: Arc::new(model),
        })
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        let m = &self.model;
        format!(
            "Model('{}': {} · {:.2} B params{} · {} layers · {} KiB KV/token at bf16)",
            m.id,
            m.name,
            m.total_params() / 1e9,
            if m.moe.is_some() {
                format!(", {:.1} B active", m.active_params() / 1e9)
            } else {
                String::new()
            },
            m.num_layers,
            (m.kv_cache_bytes_per_token(2.0) / 1024.0).round()
        )
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyModel>()
            .is_ok_and(|o| *o.get().model == *self.model)
    }
}

getters!(PyModel, |s| {
    /// Lowercase slug, e.g. ``"llama-2-70b"``.
    id -> &str = &s.model.id;
    /// Display name.
    name -> &str = &s.model.name;
    /// Family (``"llama"``, ``"qwen"``, …).
    family -> &str = &s.model.family;
    /// Other names it is looked up by.
    aliases -> Vec<String> = s.model.aliases.clone();
    /// Width of the residual stream.
    hidden_size -> u64 = s.model.hidden_size;
    /// Decoder layers.
    num_layers -> u64 = s.model.num_layers;
    /// Query heads.
    num_heads -> u64 = s.model.num_heads;
    /// Key/value heads.
    num_kv_heads -> u64 = s.model.num_kv_heads;
    /// Per-head dimension.
    head_dim -> u64 = s.model.head_dim;
    /// Dense MLP intermediate size.
    intermediate_size -> u64 = s.model.intermediate_size;
    /// Vocabulary size.
    vocab_size -> u64 = s.model.vocab_size;
    /// Longest supported context.
    max_position_embeddings -> u64 = s.model.max_position_embeddings;
    /// Whether it is a mixture of experts.
    is_moe -> bool = s.model.moe.is_some();
    /// Whether it uses multi-head latent attention.
    is_mla -> bool = s.model.mla.is_some();
    /// Routed experts (0 for dense models).
    num_experts -> u64 = s.model.moe.as_ref().map_or(0, |m| m.num_experts);
    /// Experts per token (0 for dense models).
    top_k -> u64 = s.model.moe.as_ref().map_or(0, |m| m.top_k);
    /// Total parameters computed from the architecture.
    total_params -> f64 = s.model.total_params();
    /// Parameters one token uses.
    active_params -> f64 = s.model.active_params();
    /// Published total, or None.
    published_params -> Option<f64> = s.model.published_params.as_ref().map(|p| p.value);
});

/// The result of an inference estimate. Times in s, memory in bytes, throughput in output
/// tokens per second for the whole system, energy in J per output token.
#[pyclass(module = "chipmodel", name = "InferenceEstimate", frozen)]
pub struct PyInferenceEstimate {
    pub(crate) est: InferenceEstimate,
    pub(crate) model: Arc<Model>,
    pub(crate) chip: Arc<Chip>,
}

impl PyInferenceEstimate {
    /// The engine that computed this estimate: its parameters, and the chip's kernel curves
    /// where the estimate used them.
    fn computing_engine(&self) -> chipmodel::perf::Engine<'_> {
        let curves = self
            .est
            .kernel_curves
            .as_ref()
            .and_then(|_| chipmodel::perf::kernels::for_chip(&self.chip.id));
        chipmodel::perf::Engine::with_kernels(&self.model, &self.chip, self.est.params, curves)
    }
}

#[pymethods]
impl PyInferenceEstimate {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(
            py,
            "InferenceEstimate",
            &(&self.est, &*self.model, &*self.chip),
        )
    }
    /// Memory per chip by part, bytes.
    #[getter]
    fn memory<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, self.est.memory)
    }
    /// Per-phase totals: ``{"prefill": {...}, "decode": {...}, "steady": {...}}``.
    #[getter]
    fn phases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::json!({
            "prefill": self.est.prefill, "decode": self.est.decode, "steady": self.est.steady,
            "bounds": {"prefill": self.est.prefill.bound().as_str(), "decode": self.est.decode.bound().as_str(), "steady": self.est.steady.bound().as_str()},
        });
        json_to_py(py, &v)
    }
    /// The serving engine's schedule of the batch, where an engine ran it: sequences and
    /// micro-batches per replica, the token budget, prompt and decode tokens per step, steps
    /// that carry prefill and that decode only, their times, host time, pipeline sends and
    /// bubble, the cycle, TTFT and TPOT. None for an estimate without an engine (or ``ideal``).
    #[getter]
    fn schedule<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, self.est.schedule)
    }
    /// The next best layouts of a ``best_inference`` search (up to three): ``tp``, ``pp``,
    /// ``ep``, ``dp``, ``batch``, throughput, TTFT, TPOT and the pipeline bubble's share of the
    /// cycle; empty for a configuration given as is.
    #[getter]
    fn alternatives<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.est.alternatives)
    }
    /// The source of the measured kernel curves the estimate priced with (``"aic-h200-sxm"``:
    /// NVIDIA's AIConfigurator database); None where the chip has none and the flat calibrated
    /// efficiencies apply.
    #[getter]
    fn kernel_curves(&self) -> Option<String> {
        self.est.kernel_curves.clone()
    }
    /// The parameters used (efficiencies, overheads).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, self.est.params)
    }
    /// Per-phase, per-operator breakdown: a list of dicts (phase, op, count, flops, bytes,
    /// comm_bytes, time_s, bound), per chip, summed over layers.
    fn breakdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let engine = self.computing_engine();
        let (_, ops) = engine.estimate_with_breakdown(&self.est.setup);
        crate::convert::to_py(py, &ops)
    }
    /// The breakdown as column arrays (numbers as numpy arrays): ``phase``, ``op``, ``count``,
    /// ``flops``, ``bytes``, ``comm_bytes``, ``time_s``, ``bound``.
    fn breakdown_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let engine = self.computing_engine();
        let (_, ops) = engine.estimate_with_breakdown(&self.est.setup);
        let mut rows = Vec::with_capacity(ops.len());
        for r in &ops {
            if let serde_json::Value::Object(m) = crate::convert::to_json(r)? {
                rows.push(m);
            }
        }
        crate::records_to_columns(py, &rows)
    }
    /// The largest batch whose memory fits with this layout.
    fn max_batch(&self) -> u32 {
        self.computing_engine().max_batch(&self.est.setup)
    }
    /// Everything as plain Python data, the breakdown included.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let engine = self.computing_engine();
        let (_, ops) = engine.estimate_with_breakdown(&self.est.setup);
        let mut v = crate::convert::to_json(&self.est)?;
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("breakdown".into(), crate::convert::to_json(&ops)?);
            m.insert(
                "memory_per_chip_bytes".into(),
                self.est.memory.total_bytes.into(),
            );
            m.insert("bound".into(), self.est.bound.as_str().into());
        }
        json_to_py(py, &v)
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        let e = &self.est;
        let s = &e.setup;
        format!(
            "InferenceEstimate({} on {}×{} tp{} pp{} ep{} batch {} {}→{} {}: {} · {:.1} GB/chip · TTFT {:.3} s · TPOT {:.2} ms · {:.0} tok/s · {}-bound · {})",
            e.model,
            s.n_chips,
            e.chip,
            s.tp,
            s.pp,
            s.ep,
            s.batch,
            s.input_tokens,
            s.output_tokens,
            s.weight_dtype,
            if e.fits { "fits" } else { "DOES NOT FIT" },
            e.memory.total_bytes / 1e9,
            e.ttft_s,
            e.tpot_s * 1e3,
            e.throughput_tokens_per_s,
            e.bound.as_str(),
            s.mode.as_str()
        ) + &e.notes_suffix()
    }
}

getters!(PyInferenceEstimate, |s| {
    /// Model id.
    model -> &str = &s.est.model;
    /// The serving engine whose limits the layout search obeyed (``"ideal"``: none); None for a
    /// configuration given as is.
    engine -> Option<String> = s.est.engine.clone();
    /// ``(estimated, total)``: how many of the calibration values behind the figures are
    /// estimates (analogies, inferred) rather than measurements, e.g. ``(11, 12)`` on Ascend,
    /// ``(1, 14)`` on Hopper; ``(0, 0)`` in roofline mode or with ``params`` given.
    calibration_estimates -> (u32, u32) = s.est.calibration_estimates;
    /// The precision matrices are multiplied in (lower than ``weight_dtype``'s when the chip runs
    /// the weights weight-only; ``notes`` says so).
    compute_dtype -> &'static str = s.est.setup.act_dtype.as_str();
    /// Every substitution and assumption the inputs did not state: a weight-only mapping, a run
    /// beyond the trained context, an offline maximum-throughput choice without latency targets.
    notes -> Vec<String> = s.est.notes.clone();
    /// Whether ``input_tokens + output_tokens`` is beyond the model's trained context (computed,
    /// as engines run it, and flagged).
    beyond_trained_context -> bool = s.est.beyond_trained_context;
    /// Chip id.
    chip -> &str = &s.est.chip;
    /// ``"roofline"`` or ``"calibrated"``.
    mode -> &'static str = s.est.setup.mode.as_str();
    /// Chips.
    n_chips -> u32 = s.est.setup.n_chips;
    /// Tensor parallelism.
    tp -> u32 = s.est.setup.tp;
    /// Pipeline stages.
    pp -> u32 = s.est.setup.pp;
    /// Data-parallel replicas.
    dp -> u32 = s.est.setup.dp;
    /// Expert parallelism.
    ep -> u32 = s.est.setup.ep;
    /// Concurrent sequences, whole system.
    batch -> u32 = s.est.setup.batch;
    /// Prompt tokens.
    input_tokens -> u32 = s.est.setup.input_tokens;
    /// Generated tokens.
    output_tokens -> u32 = s.est.setup.output_tokens;
    /// Weight precision.
    weight_dtype -> &'static str = s.est.setup.weight_dtype.as_str();
    /// Matrix-multiply precision.
    act_dtype -> &'static str = s.est.setup.act_dtype.as_str();
    /// KV cache precision.
    kv_dtype -> &'static str = s.est.setup.kv_dtype.as_str();
    /// Whether everything fits in each chip's memory.
    fits -> bool = s.est.fits;
    /// Memory per chip in bytes (weights + KV cache + activations + reserve).
    memory_per_chip_bytes -> f64 = s.est.memory.total_bytes;
    /// Bytes per chip over capacity (0 when it fits).
    memory_shortfall_bytes -> f64 = s.est.memory.shortfall_bytes();
    /// How the KV cache is held: ``"static"``, ``"reserved"`` or ``"on-demand"``.
    kv_policy -> &'static str = s.est.setup.kv_policy.as_str();
    /// Time to first token, s.
    ttft_s -> f64 = s.est.ttft_s;
    /// Time per output token, s.
    tpot_s -> f64 = s.est.tpot_s;
    /// End-to-end latency of one request, s.
    e2e_latency_s -> f64 = s.est.e2e_latency_s;
    /// Output tokens per second, whole system, continuous-batching steady state.
    throughput_tokens_per_s -> f64 = s.est.throughput_tokens_per_s;
    /// Output tokens per second running the batch start to end.
    static_throughput_tokens_per_s -> f64 = s.est.static_throughput_tokens_per_s;
    /// Chip energy per output token at TDP, J.
    energy_per_token_j -> f64 = s.est.energy_per_token_j;
    /// What bounds decode: ``"compute"``, ``"memory"``, ``"communication"`` or ``"overhead"``.
    bound -> &'static str = s.est.bound.as_str();
    /// How the configuration was chosen.
    chosen_by -> &str = &s.est.chosen_by;
});

/// The result of a training estimate (times in s, memory in bytes, energy in J).
#[pyclass(module = "chipmodel", name = "TrainingEstimate", frozen)]
pub struct PyTrainingEstimate {
    pub(crate) est: TrainingEstimate,
}

#[pymethods]
impl PyTrainingEstimate {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(py, "TrainingEstimate", &self.est)
    }
    /// Everything as plain data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.est)
    }
    /// Rich display in Jupyter: the key numbers with units, the provenance one click away.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::repr_html(slf.as_any())
    }
    fn __repr__(&self) -> String {
        let e = &self.est;
        format!(
            "TrainingEstimate({} on {}: {:.3e} FLOP · MFU {:.2} · {:.1} days · {:.3e} chip-hours · {:.1} GB/chip {})",
            e.model,
            e.chip,
            e.total_flops,
            e.mfu,
            e.time_s / 86400.0,
            e.chip_hours,
            e.memory_per_chip_bytes / 1e9,
            if e.fits { "fits" } else { "DOES NOT FIT" }
        )
    }
}

getters!(PyTrainingEstimate, |s| {
    /// Model id.
    model -> &str = &s.est.model;
    /// Chip id.
    chip -> &str = &s.est.chip;
    /// FLOPs per training token (6N + attention).
    flops_per_token -> f64 = s.est.flops_per_token;
    /// FLOPs for the run.
    total_flops -> f64 = s.est.total_flops;
    /// Model-FLOPs utilization used.
    mfu -> f64 = s.est.mfu;
    /// How the MFU was obtained.
    mfu_source -> &str = &s.est.mfu_source;
    /// Wall time, s.
    time_s -> f64 = s.est.time_s;
    /// Chip-hours.
    chip_hours -> f64 = s.est.chip_hours;
    /// Chip energy at TDP, J.
    energy_j -> f64 = s.est.energy_j;
    /// Memory per chip, bytes.
    memory_per_chip_bytes -> f64 = s.est.memory_per_chip_bytes;
    /// Whether it fits.
    fits -> bool = s.est.fits;
});

/// Fitted parameters and residuals.
#[pyclass(module = "chipmodel", name = "CalibrationFit", frozen)]
pub struct PyCalibrationFit {
    pub(crate) fit: CalibrationFit,
}

#[pymethods]
impl PyCalibrationFit {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(py, "CalibrationFit", &self.fit)
    }
    /// Parameters: pass as ``params=`` to ``estimate_inference``.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, self.fit.params)
    }
    fn __repr__(&self) -> String {
        format!(
            "CalibrationFit(fitted {:?}, rms error {:.1}%)",
            self.fit.fitted,
            self.fit.rms_relative_error * 100.0
        )
    }
}

getters!(PyCalibrationFit, |s| {
    /// Names of the parameters the points determined.
    fitted -> Vec<String> = s.fit.fitted.clone();
    /// Predicted / measured − 1 per point.
    residuals -> Vec<f64> = s.fit.residuals.clone();
    /// Root mean square of the residuals.
    rms_relative_error -> f64 = s.fit.rms_relative_error;
});

/// The calibrated parameters of a chip (name or ``Chip``) with their provenance:
/// ``{"family", "params", "values": {field: {"value", "source", "estimate", "note", ...}}, "sources"}``.
#[pyfunction]
#[pyo3(signature = (chip, *, catalog=None))]
pub fn calibration<'py>(
    py: Python<'py>,
    chip: &Bound<'py, PyAny>,
    catalog: Option<&Bound<'py, PyCatalog>>,
) -> PyResult<Bound<'py, PyAny>> {
    let c = chip_arg(chip, &*catalog_arg(catalog)?)?;
    let cal = chipmodel::perf::Calibration::for_chip(&c.id).map_err(PyChipModelError::from)?;
    let v = serde_json::json!({
        "chip": c.id,
        "family": cal.family,
        "params": cal.params(),
        "values": cal.values,
        "sources": cal.sources,
    });
    json_to_py(py, &v)
}

/// Every model of ``catalog`` (default: the embedded one).
#[pyfunction]
#[pyo3(signature = (*, catalog=None))]
pub fn models(catalog: Option<&Bound<'_, PyCatalog>>) -> PyRes<Vec<PyModel>> {
    Ok(catalog_arg(catalog)?.models())
}

/// A model by id, alias or name (any case), in ``catalog`` (default: the embedded one). Raises
/// ``UnknownModelError``.
#[pyfunction]
#[pyo3(signature = (name, *, catalog=None))]
pub fn model(name: &str, catalog: Option<&Bound<'_, PyCatalog>>) -> PyRes<PyModel> {
    Ok(PyModel {
        model: catalog_arg(catalog)?.model(name)?,
    })
}

/// Estimates inference of ``model`` on ``chip`` (names or objects) at the given layout and batch.
/// With ``engine`` (an id or an ``EngineProfile``), as that engine runs the batch: its KV
/// admission (replacing ``kv_policy``) and its schedule of an offline wave; a batch over the
/// engine's cap raises ``ConfigError``. Without one, the engine-free model (a static batch, and
/// the continuous-batching steady state as ``throughput_tokens_per_s``).
#[pyfunction]
#[pyo3(signature = (model, chip, *, n_chips=1, tp=None, pp=1, ep=1, batch=1, input_tokens=1024, output_tokens=128,
    weight_dtype="bf16", kv_dtype=None, act_dtype=None, mode="calibrated", kv_policy="static", params=None, engine=None, catalog=None))]
#[allow(clippy::too_many_arguments)]
pub fn estimate_inference(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    chip: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::n_chips)] n_chips: u32,
    #[pyo3(from_py_with = crate::args::opt::tp)] tp: Option<u32>,
    #[pyo3(from_py_with = crate::args::pp)] pp: u32,
    #[pyo3(from_py_with = crate::args::ep)] ep: u32,
    #[pyo3(from_py_with = crate::args::batch)] batch: u32,
    #[pyo3(from_py_with = crate::args::input_tokens)] input_tokens: u32,
    #[pyo3(from_py_with = crate::args::output_tokens)] output_tokens: u32,
    weight_dtype: &str,
    kv_dtype: Option<&str>,
    act_dtype: Option<&str>,
    mode: &str,
    kv_policy: &str,
    params: Option<&Bound<'_, PyDict>>,
    engine: Option<&Bound<'_, PyAny>>,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyInferenceEstimate> {
    let profile = engine_arg(engine)?;
    let data = catalog_arg(catalog)?;
    let (m, c) = (model_arg(model, &data)?, chip_arg(chip, &data)?);
    let cfg = InferenceConfig {
        n_chips,
        tp,
        pp,
        ep,
        batch,
        input_tokens,
        output_tokens,
        weight_dtype: precision("weight_dtype", weight_dtype)?,
        act_dtype: opt_precision("act_dtype", act_dtype)?,
        kv_dtype: opt_precision("kv_dtype", kv_dtype)?,
        mode: crate::perf::mode(mode)?,
        params: params_arg(&c, params)?,
        kv_policy: kv_policy
            .parse::<chipmodel::perf::KvPolicy>()
            .map_err(PyChipModelError::from)?,
    };
    let est = crate::convert::run(py, || match &profile {
        Some(p) => chipmodel::perf::estimate_inference_as(&m, &c, &cfg, p),
        None => {
            let (engine, setup) = chipmodel::perf::resolve(&m, &c, &cfg)?;
            Ok::<_, PerfError>(engine.estimate(&setup))
        }
    })?;
    Ok(PyInferenceEstimate {
        est,
        model: m,
        chip: c,
    })
}

/// The highest-throughput configuration that fits and meets the latency targets, as a serving
/// engine runs it. ``engine`` (``"trtllm"``, ``"vllm"``, ``"sglang"``, ``"ideal"``; see
/// ``engines()``) sets the cap on sequences, the token budget per step, chunked prefill, host
/// overlap, the layouts searched and the KV admission (``kv_policy`` overrides the admission);
/// without one, the chip vendor's reference engine (TensorRT-LLM for NVIDIA, vLLM otherwise).
/// ``"ideal"`` is the upper bound with no engine limit. The result's ``engine``, ``schedule``,
/// ``chosen_by`` and ``alternatives`` say what was assumed and what came next.
#[pyfunction]
#[pyo3(signature = (model, chip, *, n_chips, input_tokens=1024, output_tokens=128, weight_dtype="bf16", kv_dtype=None,
    act_dtype=None, ttft_slo_s=None, tpot_slo_s=None, max_batch=None, tp=None, pp=None, kv_policy=None, mode="calibrated", params=None, engine=None, catalog=None))]
#[allow(clippy::too_many_arguments)]
pub fn best_inference(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    chip: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::n_chips)] n_chips: u32,
    #[pyo3(from_py_with = crate::args::input_tokens)] input_tokens: u32,
    #[pyo3(from_py_with = crate::args::output_tokens)] output_tokens: u32,
    weight_dtype: &str,
    kv_dtype: Option<&str>,
    act_dtype: Option<&str>,
    #[pyo3(from_py_with = crate::args::number_arg::opt::ttft_slo_s)] ttft_slo_s: Option<f64>,
    #[pyo3(from_py_with = crate::args::number_arg::opt::tpot_slo_s)] tpot_slo_s: Option<f64>,
    #[pyo3(from_py_with = crate::args::opt::max_batch)] max_batch: Option<u32>,
    #[pyo3(from_py_with = crate::args::opt::tp)] tp: Option<u32>,
    #[pyo3(from_py_with = crate::args::opt::pp)] pp: Option<u32>,
    kv_policy: Option<&str>,
    mode: &str,
    params: Option<&Bound<'_, PyDict>>,
    engine: Option<&Bound<'_, PyAny>>,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyInferenceEstimate> {
    let data = catalog_arg(catalog)?;
    let (m, c) = (model_arg(model, &data)?, chip_arg(chip, &data)?);
    let engine = engine_arg(engine)?;
    let cfg = BestConfig {
        kv_policy: kv_policy
            .map(str::parse::<chipmodel::perf::KvPolicy>)
            .transpose()
            .map_err(PyChipModelError::from)?,
        n_chips,
        input_tokens,
        output_tokens,
        weight_dtype: precision("weight_dtype", weight_dtype)?,
        act_dtype: opt_precision("act_dtype", act_dtype)?,
        kv_dtype: opt_precision("kv_dtype", kv_dtype)?,
        ttft_slo_s,
        tpot_slo_s,
        max_batch,
        tp,
        pp,
        mode: crate::perf::mode(mode)?,
        params: params_arg(&c, params)?,
        engine,
    };
    let est = crate::convert::run(py, || chipmodel::best_inference(&m, &c, &cfg))?;
    Ok(PyInferenceEstimate {
        est,
        model: m,
        chip: c,
    })
}

/// A serving engine's profile (``engine("trtllm")``): its KV admission, caps on sequences and
/// tokens per step, chunked prefill, host overlap and pipeline stages, each field with its
/// source. ``replace(max_sequences=256)`` gives a copy with fields set by the caller (the id
/// gains a ``+``); ``best_inference`` and ``estimate_inference`` take it as ``engine=``.
#[pyclass(module = "chipmodel", name = "EngineProfile", frozen)]
pub struct PyEngineProfile {
    pub(crate) p: Arc<chipmodel::perf::EngineProfile>,
}

#[pymethods]
impl PyEngineProfile {
    /// Pickle support: the state is the Rust value itself (see ``chipmodel._chipmodel._unpickle``).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        crate::pickle::reduce(py, "EngineProfile", &*self.p)
    }
    /// Short id (``"trtllm"``; ``"vllm+"`` once a field is replaced).
    #[getter]
    fn id(&self) -> String {
        self.p.id.clone()
    }
    /// Display name.
    #[getter]
    fn name(&self) -> String {
        self.p.name.clone()
    }
    /// The engine version the fields describe.
    #[getter]
    fn version(&self) -> String {
        self.p.version.clone()
    }
    /// Every field with its value, source key and note, and the sources.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &*self.p)
    }
    /// A copy with fields set: ``max_sequences`` and ``max_num_tokens`` (positive ints),
    /// ``chunked_prefill``, ``overlap_scheduler`` and ``pipeline_parallel`` (bools),
    /// ``kv_admission`` (``"reserved"``, ``"on-demand"``, ``"static"``). Each cites the source
    /// ``caller``. Raises ``ConfigError`` naming a field it does not know or a bad value.
    #[pyo3(signature = (**fields))]
    fn replace(&self, fields: Option<&Bound<'_, PyDict>>) -> PyResult<PyEngineProfile> {
        use chipmodel::perf::Setting;
        let mut p = (*self.p).clone();
        for (k, v) in fields.into_iter().flatten() {
            let name: String = k.extract()?;
            let setting = if v.is_instance_of::<pyo3::types::PyBool>() {
                Setting::Flag(v.extract()?)
            } else if let Ok(text) = v.extract::<String>() {
                Setting::Admission(text.parse().map_err(PyChipModelError::from)?)
            } else if v.is_instance_of::<pyo3::types::PyInt>() {
                let n: i64 = v.extract()?;
                let n = u32::try_from(n).map_err(|_| {
                    PyChipModelError::from(PerfError::InvalidConfig {
                        field: name.clone(),
                        value: n.to_string(),
                        message: "must be a positive whole number below 2**32".into(),
                    })
                })?;
                Setting::Count(n)
            } else {
                return Err(PyChipModelError::from(PerfError::InvalidConfig {
                    field: name,
                    value: v.repr()?.to_string(),
                    message: "expected an int, a bool or a policy name".into(),
                })
                .into());
            };
            p = p
                .with_setting(&name, setting)
                .map_err(PyChipModelError::from)?;
        }
        Ok(PyEngineProfile { p: Arc::new(p) })
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyEngineProfile>()
            .is_ok_and(|o| *o.get().p == *self.p)
    }
    fn __repr__(&self) -> String {
        let p = &*self.p;
        let limit = |l: &Option<chipmodel::perf::EngineLimit>, what: &str| {
            l.as_ref().map_or(format!("no cap on {what}"), |l| {
                format!("{} {what}", l.value)
            })
        };
        let flag = |f: &Option<chipmodel::perf::EngineField<bool>>, yes: &str, no: &str| {
            if f.as_ref().is_some_and(|f| f.value) {
                yes.to_string()
            } else {
                no.to_string()
            }
        };
        format!(
            "EngineProfile({} {}: {}, {} a step, {}, {}, KV {})",
            p.id,
            p.version,
            limit(&p.max_sequences, "sequences"),
            limit(&p.max_num_tokens, "tokens"),
            flag(&p.chunked_prefill, "chunked prefill", "whole prompts"),
            flag(
                &p.overlap_scheduler,
                "host overlapped",
                "host not overlapped"
            ),
            p.kv_admission.value.as_str()
        )
    }
}

/// A serving-engine profile by id (``"trtllm"``, ``"vllm"``, ``"sglang"``, ``"vllm-v0"``,
/// ``"ideal"``). Raises ``ConfigError`` for an unknown id.
#[pyfunction]
pub fn engine(id: &str) -> PyRes<PyEngineProfile> {
    Ok(PyEngineProfile {
        p: Arc::new(chipmodel::perf::EngineProfile::get(id)?.clone()),
    })
}

/// ``engine=``: an id or an ``EngineProfile``.
pub(crate) fn engine_arg(
    x: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<chipmodel::perf::EngineProfile>> {
    let Some(x) = x else { return Ok(None) };
    if let Ok(p) = x.cast::<PyEngineProfile>() {
        return Ok(Some((*p.get().p).clone()));
    }
    let id: String = x.extract().map_err(|_| {
        PyChipModelError::from(PerfError::InvalidConfig {
            field: "engine".into(),
            value: x.repr().map_or_else(|_| "?".into(), |r| r.to_string()),
            message: "expected an engine id or an EngineProfile".into(),
        })
    })?;
    Ok(Some(
        chipmodel::perf::EngineProfile::get(&id)
            .map_err(PyChipModelError::from)?
            .clone(),
    ))
}

/// The serving-engine profiles: ``[{"id", "name", "version", "kv_admission", "max_sequences",
/// "sources"}]``, each field with its source (``best_inference(engine=...)`` takes the ids).
#[pyfunction]
pub fn engines(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let all = chipmodel::perf::engines().map_err(PyChipModelError::from)?;
    crate::convert::to_py(py, all)
}

pub(crate) fn list_of<'py, T>(
    x: &Bound<'py, PyAny>,
    f: impl Fn(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    if x.is_instance_of::<pyo3::types::PyString>()
        || !(x.is_instance_of::<PyList>() || x.hasattr("__len__")? && x.hasattr("__iter__")?)
    {
        return Ok(vec![f(x)?]);
    }
    x.try_iter()?.map(|i| f(&i?)).collect()
}

/// Estimates a training run.
#[pyfunction]
#[pyo3(signature = (model, chip, *, n_chips, tokens, seq_len=4096, global_batch=1024, micro_batch=1, tp=None, pp=1, ep=1,
    zero_stage=1, recompute="selective", compute_dtype="bf16", mfu=None, mode="calibrated", catalog=None))]
#[allow(clippy::too_many_arguments)]
pub fn estimate_training(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    chip: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::n_chips)] n_chips: u32,
    #[pyo3(from_py_with = crate::args::number_arg::tokens)] tokens: f64,
    #[pyo3(from_py_with = crate::args::seq_len)] seq_len: u32,
    #[pyo3(from_py_with = crate::args::global_batch)] global_batch: u32,
    #[pyo3(from_py_with = crate::args::micro_batch)] micro_batch: u32,
    #[pyo3(from_py_with = crate::args::opt::tp)] tp: Option<u32>,
    #[pyo3(from_py_with = crate::args::pp)] pp: u32,
    #[pyo3(from_py_with = crate::args::ep)] ep: u32,
    #[pyo3(from_py_with = crate::args::zero_stage)] zero_stage: u8,
    recompute: &str,
    compute_dtype: &str,
    #[pyo3(from_py_with = crate::args::number_arg::opt::mfu)] mfu: Option<f64>,
    mode: &str,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyTrainingEstimate> {
    let data = catalog_arg(catalog)?;
    let (m, c) = (model_arg(model, &data)?, chip_arg(chip, &data)?);
    let mut cfg = TrainingConfig::new(n_chips, tokens);
    cfg.seq_len = seq_len;
    cfg.global_batch = global_batch;
    cfg.micro_batch = micro_batch;
    if let Some(t) = tp {
        cfg.tp = t;
    }
    cfg.pp = pp;
    cfg.ep = ep;
    cfg.zero_stage = zero_stage;
    cfg.recompute = recompute.parse().map_err(PyChipModelError::from)?;
    cfg.compute_dtype = precision("compute_dtype", compute_dtype)?;
    cfg.mfu = mfu;
    cfg.mode = crate::perf::mode(mode)?;
    let est = crate::convert::run(py, || chipmodel::estimate_training(&m, &c, &cfg))?;
    Ok(PyTrainingEstimate { est })
}

/// Fits calibrated parameters to measurements: a list of dicts with ``model``, ``chip``,
/// ``metric`` (``ttft_s``, ``tpot_s``, ``e2e_latency_s`` or ``throughput_tokens_per_s``),
/// ``value`` and any ``estimate_inference`` keyword (``n_chips``, ``batch``, …).
#[pyfunction]
#[pyo3(signature = (measurements, *, catalog=None))]
pub fn calibrate(
    py: Python<'_>,
    measurements: &Bound<'_, PyAny>,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyCalibrationFit> {
    let data = catalog_arg(catalog)?;
    let points = measurements
        .try_iter()?
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            let field = format!("measurements[{i}]");
            if item.cast::<PyDict>().is_err() {
                return Err(PyTypeError::new_err(format!(
                    "measurement {i} must be a dict"
                )));
            }
            crate::input::read(&item, &field, Measurement::from_value)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let fit = crate::convert::run(py, || chipmodel::calibrate(&data.data, &points))?;
    Ok(PyCalibrationFit { fit })
}
