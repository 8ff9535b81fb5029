//! Fitting calibrated parameters to a user's measurements by least squares.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::Figure;
use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::catalogs::Catalogs;
use crate::error::invalid;
use crate::inference::{Bound, InferenceConfig, resolve};

/// One measured point: a configuration, which figure was measured, and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Model id, alias or name.
    pub model: String,
    /// Chip id, alias or name.
    pub chip: String,
    /// What ran.
    pub config: InferenceConfig,
    /// What was measured.
    pub metric: Figure,
    /// The measured value in the metric's unit.
    pub value: f64,
}

/// A measurement as written (a Python dict, a TOML table): flat, the configuration's keys beside
/// the model, chip, metric and value; anything not given takes [`InferenceConfig::default`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasurementFields {
    model: String,
    chip: String,
    metric: Figure,
    value: f64,
    n_chips: Option<u32>,
    tp: Option<u32>,
    pp: Option<u32>,
    ep: Option<u32>,
    batch: Option<u32>,
    input_tokens: Option<u32>,
    output_tokens: Option<u32>,
    weight_dtype: Option<chipmodel_catalog::Precision>,
    kv_dtype: Option<chipmodel_catalog::Precision>,
    act_dtype: Option<chipmodel_catalog::Precision>,
}

impl Measurement {
    /// Reads a measurement from its flat form (`{model, chip, metric, value, n_chips, tp, pp, ep,
    /// batch, input_tokens, output_tokens, weight_dtype, kv_dtype, act_dtype}`); the values are
    /// checked by [`calibrate`].
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_perf::Measurement;
    /// let m = Measurement::from_value(toml::from_str("model = 'llama-3.1-8b'\nchip = 'h100'\nmetric = 'tpot_s'\nvalue = 0.01\nbatch = 8")?).unwrap();
    /// assert_eq!(m.config.batch, 8);
    /// let e = Measurement::from_value(toml::from_str("model = 'x'\nchip = 'h100'\nmetric = 'tpot_s'\nvalue = 1\nbatchh = 8")?).unwrap_err();
    /// assert_eq!(e.field, "batchh");
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    pub fn from_value(
        v: toml::Value,
    ) -> Result<Measurement, chipmodel_catalog::schema::FieldError> {
        let f: MeasurementFields = chipmodel_catalog::schema::from_value(v)?;
        let d = InferenceConfig::default();
        let config = InferenceConfig {
            n_chips: f.n_chips.unwrap_or(d.n_chips),
            tp: f.tp,
            pp: f.pp.unwrap_or(d.pp),
            ep: f.ep.unwrap_or(d.ep),
            batch: f.batch.unwrap_or(d.batch),
            input_tokens: f.input_tokens.unwrap_or(d.input_tokens),
            output_tokens: f.output_tokens.unwrap_or(d.output_tokens),
            weight_dtype: f.weight_dtype.unwrap_or(d.weight_dtype),
            kv_dtype: f.kv_dtype,
            act_dtype: f.act_dtype,
            ..d
        };
        Ok(Measurement {
            model: f.model,
            chip: f.chip,
            config,
            metric: f.metric,
            value: f.value,
        })
    }
}

/// The fitted parameters and how well they reproduce each point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationFit {
    /// Parameters to pass as `params` to estimates (reserve and domain from the defaults).
    pub params: Params,
    /// Which parameters were fitted; the others kept their defaults because the points do not
    /// determine them (for example no point is compute bound).
    pub fitted: Vec<String>,
    /// Predicted ÷ measured − 1 for each point, with the fitted parameters.
    pub residuals: Vec<f64>,
    /// Root mean square of the residuals.
    pub rms_relative_error: f64,
}

const NAMES: [&str; 5] = [
    "compute_efficiency",
    "memory_efficiency",
    "comm_efficiency",
    "kernel_overhead_s",
    "collective_latency_s",
];

/// The linear features of one point under the default parameters `d`:
/// time ≈ s_c·T_compute + s_m·T_memory + s_n·T_comm + o·kernels + α·collectives + fixed,
/// where T_* are the default-efficiency times of the operators each resource bounds, the
/// unknowns s_* scale every efficiency of that resource (keeping their measured ratios), and
/// `fixed` is the engine-step overhead, kept at its default.
fn features(
    data: &Catalogs,
    m: &Measurement,
    d: &Params,
) -> Result<([f64; 5], f64, f64), PerfError> {
    let quiet = Params {
        kernel_overhead_s: 0.0,
        eager_kernel_overhead_s: 0.0,
        collective_latency_s: 0.0,
        step_overhead_s: 0.0,
        ..*d
    };
    let cfg = InferenceConfig {
        mode: Mode::Calibrated,
        params: Some(quiet),
        ..m.config.clone()
    };
    let (engine, setup) = resolve(data.model(&m.model)?, data.chip(&m.chip)?, &cfg)?;
    let (e, ops) = engine.estimate_with_breakdown(&setup);
    let phase_weights: Vec<(&str, f64)> = match m.metric {
        Figure::TtftS => vec![("prefill", 1.0)],
        Figure::TpotS => vec![("decode", 1.0)],
        Figure::E2eLatencyS => vec![
            ("prefill", 1.0),
            ("decode", f64::from(setup.output_tokens) - 1.0),
        ],
        Figure::ThroughputTokensPerS => vec![("steady", 1.0)],
    };
    if !(m.value.is_finite() && m.value > 0.0) {
        return Err(invalid("value", m.value, "must be a positive measurement"));
    }
    // Throughput converts to the time of one steady-state step (see Engine::core).
    let target = if m.metric == Figure::ThroughputTokensPerS {
        e.throughput_tokens_per_s / m.value * (e.steady.time_s - e.steady.pp_send_s)
    } else {
        m.value
    };
    let mut x = [0.0; 5];
    let mut fixed = 0.0;
    for (phase, w) in &phase_weights {
        fixed += w * d.step_overhead_s;
        for op in ops.iter().filter(|o| o.phase == *phase) {
            if m.metric == Figure::ThroughputTokensPerS && op.op == "pp_send" {
                continue;
            }
            let eager = *phase != "decode";
            match op.bound {
                Bound::Compute => x[0] += w * op.time_s,
                Bound::Memory => x[1] += w * op.time_s,
                Bound::Communication => x[2] += w * op.time_s,
                Bound::Overhead => {}
            }
            match op.bound {
                Bound::Communication => x[4] += w * op.count,
                Bound::Overhead => {}
                // Kernel overhead: graph-replayed in decode, eager elsewhere (kept in ratio).
                _ => {
                    x[3] += w
                        * op.count
                        * if eager && d.kernel_overhead_s > 0.0 {
                            d.eager_kernel_overhead_s / d.kernel_overhead_s
                        } else {
                            1.0
                        }
                }
            }
        }
    }
    Ok((x, target, fixed))
}

/// Fits compute, memory and communication efficiency, kernel overhead and collective latency
/// to measured points by least squares on relative error (nalgebra SVD), keeping every value
/// physical (efficiencies in (0, 1], overheads ≥ 0). Parameters the points cannot determine
/// keep the calibrated defaults of the first point's chip.
///
/// Each resource's efficiencies are scaled by one factor (keeping the ratios the calibration
/// data measured, e.g. prefill to decode GEMMs), and the operator classification (compute- or
/// memory-bound) is taken at the default parameters, which makes the problem linear.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{calibrate, estimate_inference, InferenceConfig, Measurement, Params, Mode};
///
/// // Points generated with known parameters are recovered.
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded().unwrap().clone(),
/// );
/// let (model, chip) = (data.model("llama-3.1-8b").unwrap(), data.chip("h100").unwrap());
/// let defaults = Params::for_chip(chip, Mode::Calibrated).unwrap();
/// let truth = Params {
///     memory_efficiency: 0.7,
///     attention_memory_efficiency: 0.7 * defaults.attention_memory_efficiency / defaults.memory_efficiency,
///     ..defaults
/// };
/// let points: Vec<Measurement> = [1u32, 8, 32, 128].iter().map(|&batch| {
///     let config = InferenceConfig { batch, params: Some(truth), ..InferenceConfig::default() };
///     let tpot = estimate_inference(model, chip, &config).unwrap().tpot_s;
///     Measurement {
///         model: model.id.clone(),
///         chip: chip.id.clone(),
///         config: InferenceConfig { params: None, ..config },
///         metric: chipmodel_perf::Figure::TpotS,
///         value: tpot,
///     }
/// }).collect();
/// let fit = calibrate(&data, &points).unwrap();
/// assert!((fit.params.memory_efficiency - 0.7).abs() < 0.02, "{:?}", fit.params);
/// assert!(fit.rms_relative_error < 0.02);
/// ```
// Stays whole: one least-squares fit: the design rows, the solve and the residuals share their parameter indices.
pub fn calibrate(data: &Catalogs, points: &[Measurement]) -> Result<CalibrationFit, PerfError> {
    if points.is_empty() {
        return Err(PerfError::Calibration("no measurements".into()));
    }
    let defaults = {
        let first = &points[0];
        let (engine, _) = resolve(
            data.model(&first.model)?,
            data.chip(&first.chip)?,
            &InferenceConfig {
                mode: Mode::Calibrated,
                ..first.config.clone()
            },
        )?;
        engine.params
    };
    let mut rows = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let (x, t, fixed) = features(data, p, &defaults)
            .map_err(|e| PerfError::Calibration(format!("measurement {i}: {e}")))?;
        if t <= fixed {
            return Err(PerfError::Calibration(format!(
                "measurement {i}: faster than the engine-step overhead alone"
            )));
        }
        rows.push((x, t - fixed));
    }
    let default_u = [
        1.0,
        1.0,
        1.0,
        defaults.kernel_overhead_s,
        defaults.collective_latency_s,
    ];
    // Scale factors below 1/(max efficiency) would push an efficiency above 1.
    let max_eff = [
        defaults
            .compute_efficiency
            .max(defaults.low_precision_compute_efficiency)
            .max(defaults.prefill_compute_efficiency)
            .max(defaults.prefill_low_precision_compute_efficiency),
        defaults
            .memory_efficiency
            .max(defaults.attention_memory_efficiency),
        defaults.comm_efficiency,
    ];
    // Active set: start with every unknown whose feature is non-zero somewhere; drop those that
    // leave the physical range and refit with them fixed at the default (at most 5 rounds).
    let mut free: Vec<usize> = (0..5)
        .filter(|&j| rows.iter().any(|(x, _)| x[j] > 0.0))
        .collect();
    let mut u = default_u;
    for _ in 0..6 {
        if free.is_empty() {
            break;
        }
        let n = rows.len();
        let a = DMatrix::from_fn(n, free.len(), |i, k| rows[i].0[free[k]] / rows[i].1);
        let b = DVector::from_fn(n, |i, _| {
            let fixed: f64 = (0..5)
                .filter(|j| !free.contains(j))
                .map(|j| rows[i].0[j] * default_u[j])
                .sum();
            (rows[i].1 - fixed) / rows[i].1
        });
        let svd = a.svd(true, true);
        let sol = svd
            .solve(&b, 1e-10)
            .map_err(|e| PerfError::Calibration(e.to_string()))?;
        let mut bad = None;
        for (k, &j) in free.iter().enumerate() {
            let v = sol[k];
            let ok = if j < 3 {
                v >= max_eff[j] && v.is_finite()
            } else {
                v >= 0.0 && v.is_finite()
            };
            if !ok && bad.is_none() {
                bad = Some(j);
            }
            u[j] = v;
        }
        match bad {
            None => break,
            Some(j) => {
                free.retain(|&x| x != j);
                u = default_u;
            }
        }
    }
    for j in 0..5 {
        if !free.contains(&j) {
            u[j] = default_u[j];
        }
    }
    let params = Params {
        compute_efficiency: defaults.compute_efficiency / u[0],
        low_precision_compute_efficiency: defaults.low_precision_compute_efficiency / u[0],
        prefill_compute_efficiency: defaults.prefill_compute_efficiency / u[0],
        prefill_low_precision_compute_efficiency: defaults.prefill_low_precision_compute_efficiency
            / u[0],
        memory_efficiency: defaults.memory_efficiency / u[1],
        attention_memory_efficiency: defaults.attention_memory_efficiency / u[1],
        comm_efficiency: defaults.comm_efficiency / u[2],
        eager_kernel_overhead_s: if defaults.kernel_overhead_s > 0.0 {
            u[3] * defaults.eager_kernel_overhead_s / defaults.kernel_overhead_s
        } else {
            defaults.eager_kernel_overhead_s
        },
        kernel_overhead_s: u[3],
        collective_latency_s: u[4],
        ..defaults
    };
    let residuals: Vec<f64> = points
        .iter()
        .map(|p| {
            let cfg = InferenceConfig {
                params: Some(params),
                mode: Mode::Calibrated,
                ..p.config.clone()
            };
            let e = crate::estimate_inference(data.model(&p.model)?, data.chip(&p.chip)?, &cfg)?;
            let predicted = match p.metric {
                Figure::TtftS => e.ttft_s,
                Figure::TpotS => e.tpot_s,
                Figure::E2eLatencyS => e.e2e_latency_s,
                Figure::ThroughputTokensPerS => e.throughput_tokens_per_s,
            };
            Ok(predicted / p.value - 1.0)
        })
        .collect::<Result<_, PerfError>>()?;
    let rms = (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt();
    Ok(CalibrationFit {
        params,
        fitted: free.iter().map(|&j| NAMES[j].to_string()).collect(),
        residuals,
        rms_relative_error: rms,
    })
}
