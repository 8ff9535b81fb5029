//! Fitting calibrated parameters to a user's measurements by least squares.

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::error::invalid;
use crate::inference::{Bound, InferenceConfig, resolve};

/// One measured point: a configuration, which figure was measured, and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// What ran.
    pub config: InferenceConfig,
    /// `ttft_s`, `tpot_s`, `e2e_latency_s` or `throughput_tokens_per_s`.
    pub metric: String,
    /// The measured value in the metric's unit.
    pub value: f64,
}

/// The fitted parameters and how well they reproduce each point.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

const NAMES: [&str; 5] = ["compute_efficiency", "memory_efficiency", "comm_efficiency", "kernel_overhead_s", "collective_latency_s"];

/// The linear features of one point: time ≈ Σ featureᵢ × unknownᵢ, unknowns
/// [1/compute_eff, 1/memory_eff, 1/comm_eff, kernel_overhead, collective_latency].
fn features(m: &Measurement) -> Result<([f64; 5], f64), PerfError> {
    let mut cfg = m.config.clone();
    cfg.mode = Mode::Roofline;
    let (engine, setup) = resolve(&cfg)?;
    let (e, ops) = engine.estimate_with_breakdown(&setup);
    let phase_weights: Vec<(&str, f64)> = match m.metric.as_str() {
        "ttft_s" => vec![("prefill", 1.0)],
        "tpot_s" => vec![("decode", 1.0)],
        "e2e_latency_s" => vec![("prefill", 1.0), ("decode", f64::from(setup.output_tokens) - 1.0)],
        "throughput_tokens_per_s" => vec![("steady", 1.0)],
        other => {
            return Err(invalid(
                "metric",
                format!("'{other}'"),
                "expected ttft_s, tpot_s, e2e_latency_s or throughput_tokens_per_s",
            ));
        }
    };
    if !(m.value.is_finite() && m.value > 0.0) {
        return Err(invalid("value", m.value, "must be a positive measurement"));
    }
    // Throughput converts to the time of one steady-state step (see Engine::core).
    let target = if m.metric == "throughput_tokens_per_s" {
        e.throughput_tokens_per_s / m.value * (e.steady.time_s - e.steady.pp_send_s)
    } else {
        m.value
    };
    let mut x = [0.0; 5];
    for op in &ops {
        let Some((_, w)) = phase_weights.iter().find(|(p, _)| *p == op.phase) else { continue };
        if m.metric == "throughput_tokens_per_s" && op.op == "pp_send" {
            continue;
        }
        match op.bound {
            Bound::Compute => {
                x[0] += w * op.time_s;
                x[3] += w * op.count;
            }
            Bound::Memory | Bound::Overhead => {
                x[1] += w * op.time_s;
                x[3] += w * op.count;
            }
            Bound::Communication => {
                x[2] += w * op.time_s;
                x[4] += w * op.count;
            }
        }
    }
    Ok((x, target))
}

/// Fits compute, memory and communication efficiency, kernel overhead and collective latency
/// to measured points by least squares on relative error (nalgebra SVD), keeping every value
/// physical (efficiencies in (0, 1], overheads ≥ 0). Parameters the points cannot determine
/// keep the calibrated defaults of the first point's chip.
///
/// The operator classification (compute- or memory-bound) is taken from the roofline, which
/// makes the problem linear in the reciprocal efficiencies.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{calibrate, estimate_inference, InferenceConfig, Measurement, Params, Mode};
///
/// // Points generated with known parameters are recovered.
/// let truth = Params { memory_efficiency: 0.7, ..Params::for_chip(
///     chipmodel_catalog::Catalog::embedded().get("h100").unwrap(), Mode::Calibrated).unwrap() };
/// let points: Vec<Measurement> = [1u32, 8, 32, 128].iter().map(|&batch| {
///     let config = InferenceConfig { batch, params: Some(truth), ..InferenceConfig::new("llama-3.1-8b", "h100") };
///     let tpot = estimate_inference(&config).unwrap().tpot_s;
///     Measurement { config: InferenceConfig { params: None, ..config }, metric: "tpot_s".into(), value: tpot }
/// }).collect();
/// let fit = calibrate(&points).unwrap();
/// assert!((fit.params.memory_efficiency - 0.7).abs() < 0.02, "{:?}", fit.params);
/// assert!(fit.rms_relative_error < 0.02);
/// ```
pub fn calibrate(points: &[Measurement]) -> Result<CalibrationFit, PerfError> {
    if points.is_empty() {
        return Err(PerfError::Calibration("no measurements".into()));
    }
    let defaults = {
        let (engine, _) = resolve(&InferenceConfig { mode: Mode::Calibrated, ..points[0].config.clone() })?;
        engine.params
    };
    let mut rows = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let (x, t) = features(p).map_err(|e| PerfError::Calibration(format!("measurement {i}: {e}")))?;
        rows.push((x, t));
    }
    let default_u = [
        1.0 / defaults.compute_efficiency,
        1.0 / defaults.memory_efficiency,
        1.0 / defaults.comm_efficiency,
        defaults.kernel_overhead_s,
        defaults.collective_latency_s,
    ];
    // Active set: start with every unknown whose feature is non-zero somewhere; drop those that
    // leave the physical range and refit with them fixed at the default (at most 5 rounds).
    let mut free: Vec<usize> = (0..5).filter(|&j| rows.iter().any(|(x, _)| x[j] > 0.0)).collect();
    let mut u = default_u;
    for _ in 0..6 {
        if free.is_empty() {
            break;
        }
        let n = rows.len();
        let a = DMatrix::from_fn(n, free.len(), |i, k| rows[i].0[free[k]] / rows[i].1);
        let b = DVector::from_fn(n, |i, _| {
            let fixed: f64 = (0..5).filter(|j| !free.contains(j)).map(|j| rows[i].0[j] * default_u[j]).sum();
            (rows[i].1 - fixed) / rows[i].1
        });
        let svd = a.svd(true, true);
        let sol = svd.solve(&b, 1e-10).map_err(|e| PerfError::Calibration(e.to_string()))?;
        let mut bad = None;
        for (k, &j) in free.iter().enumerate() {
            let v = sol[k];
            let ok = if j < 3 { v >= 1.0 && v.is_finite() } else { v >= 0.0 && v.is_finite() };
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
        compute_efficiency: 1.0 / u[0],
        low_precision_compute_efficiency: (defaults.low_precision_compute_efficiency / defaults.compute_efficiency / u[0]).min(1.0),
        memory_efficiency: 1.0 / u[1],
        comm_efficiency: 1.0 / u[2],
        kernel_overhead_s: u[3],
        collective_latency_s: u[4],
        ..defaults
    };
    let residuals: Vec<f64> = points
        .iter()
        .map(|p| {
            let cfg = InferenceConfig { params: Some(params), mode: Mode::Calibrated, ..p.config.clone() };
            let e = crate::estimate_inference(&cfg)?;
            let predicted = match p.metric.as_str() {
                "ttft_s" => e.ttft_s,
                "tpot_s" => e.tpot_s,
                "e2e_latency_s" => e.e2e_latency_s,
                _ => e.throughput_tokens_per_s,
            };
            Ok(predicted / p.value - 1.0)
        })
        .collect::<Result<_, PerfError>>()?;
    let rms = (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt();
    Ok(CalibrationFit { params, fitted: free.iter().map(|&j| NAMES[j].to_string()).collect(), residuals, rms_relative_error: rms })
}
