//! Grids of configurations evaluated in parallel, as columns.

use chipmodel_catalog::{Catalog, Chip, Precision};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::error::invalid;
use crate::inference::{Bound, Engine};
use crate::model::Model;

/// Lists of values for every argument; the sweep is their cartesian product, in this order
/// (the last list varies fastest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// Model ids.
    pub models: Vec<String>,
    /// Chip ids.
    pub chips: Vec<String>,
    /// Chip counts.
    pub n_chips: Vec<u32>,
    /// Tensor parallelism (0 = automatic).
    pub tp: Vec<u32>,
    /// Pipeline stages.
    pub pp: Vec<u32>,
    /// Expert parallelism.
    pub ep: Vec<u32>,
    /// Batches.
    pub batch: Vec<u32>,
    /// Prompt lengths.
    pub input_tokens: Vec<u32>,
    /// Output lengths.
    pub output_tokens: Vec<u32>,
    /// Weight precisions.
    pub weight_dtype: Vec<Precision>,
    /// KV cache precisions (`None` = 16-bit).
    pub kv_dtype: Vec<Option<Precision>>,
    /// Modes.
    pub mode: Vec<Mode>,
}

/// Sweep results, one entry per configuration in grid order. Invalid configurations (a tp that
/// does not divide, a precision the chip lacks) have `valid = false` and NaN outputs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SweepColumns {
    pub model: Vec<u32>,
    pub chip: Vec<u32>,
    pub n_chips: Vec<u32>,
    pub tp: Vec<u32>,
    pub pp: Vec<u32>,
    pub ep: Vec<u32>,
    pub batch: Vec<u32>,
    pub input_tokens: Vec<u32>,
    pub output_tokens: Vec<u32>,
    pub weight_dtype: Vec<u32>,
    pub kv_dtype: Vec<u32>,
    pub mode: Vec<u32>,
    pub valid: Vec<bool>,
    pub fits: Vec<bool>,
    pub memory_per_chip_bytes: Vec<f64>,
    pub ttft_s: Vec<f64>,
    pub tpot_s: Vec<f64>,
    pub e2e_latency_s: Vec<f64>,
    pub throughput_tokens_per_s: Vec<f64>,
    pub energy_per_token_j: Vec<f64>,
    /// 0 compute, 1 memory, 2 communication, 3 overhead, 255 invalid.
    pub bound: Vec<u8>,
}

impl SweepSpec {
    /// Number of configurations.
    pub fn len(&self) -> usize {
        [
            self.models.len(),
            self.chips.len(),
            self.n_chips.len(),
            self.tp.len(),
            self.pp.len(),
            self.ep.len(),
            self.batch.len(),
            self.input_tokens.len(),
            self.output_tokens.len(),
            self.weight_dtype.len(),
            self.kv_dtype.len(),
            self.mode.len(),
        ]
        .iter()
        .product()
    }

    /// Whether the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One row of outputs.
#[derive(Clone, Copy)]
struct Row {
    idx: [u32; 12],
    valid: bool,
    fits: bool,
    mem: f64,
    ttft: f64,
    tpot: f64,
    e2e: f64,
    thr: f64,
    energy: f64,
    bound: u8,
}

/// Evaluates every configuration of `spec` on `threads` threads (0 = rayon's default).
/// The result does not depend on the thread count.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{sweep, Mode, SweepSpec};
/// use chipmodel_catalog::Precision;
///
/// let spec = SweepSpec {
///     models: vec!["llama-3.1-8b".into()],
///     chips: vec!["h100".into(), "h200".into()],
///     n_chips: vec![1],
///     tp: vec![0],
///     pp: vec![1],
///     ep: vec![1],
///     batch: vec![1, 8, 64],
///     input_tokens: vec![1024],
///     output_tokens: vec![128],
///     weight_dtype: vec![Precision::Bf16, Precision::Fp8],
///     kv_dtype: vec![None],
///     mode: vec![Mode::Calibrated],
/// };
/// let cols = sweep(&spec, 1).unwrap();
/// assert_eq!(cols.tpot_s.len(), 12);
/// assert!(cols.valid.iter().all(|v| *v));
/// ```
pub fn sweep(spec: &SweepSpec, threads: usize) -> Result<SweepColumns, PerfError> {
    let models: Vec<&Model> = spec
        .models
        .iter()
        .map(|m| Model::get(m))
        .collect::<Result<_, _>>()?;
    let catalog = Catalog::try_embedded()?;
    let chips: Vec<&Chip> = spec
        .chips
        .iter()
        .map(|c| catalog.get(c))
        .collect::<Result<_, _>>()?;
    sweep_with(&models, &chips, spec, threads)
}

/// As [`sweep`] with models and chips already resolved (custom catalogs).
pub fn sweep_with(
    models: &[&Model],
    chips: &[&Chip],
    spec: &SweepSpec,
    threads: usize,
) -> Result<SweepColumns, PerfError> {
    let n = spec.len();
    if n == 0 {
        return Ok(SweepColumns::default());
    }
    if n > 500_000_000 {
        return Err(invalid(
            "grid",
            n,
            "more than 500,000,000 configurations: use chipmodel's streaming sweeps",
        ));
    }
    // Parameters per (chip, mode), computed once.
    let mut params: Vec<Params> = Vec::with_capacity(chips.len() * spec.mode.len());
    for chip in chips {
        for mode in &spec.mode {
            params.push(Params::for_chip(chip, *mode)?);
        }
    }
    let dims = [
        spec.models.len(),
        spec.chips.len(),
        spec.n_chips.len(),
        spec.tp.len(),
        spec.pp.len(),
        spec.ep.len(),
        spec.batch.len(),
        spec.input_tokens.len(),
        spec.output_tokens.len(),
        spec.weight_dtype.len(),
        spec.kv_dtype.len(),
        spec.mode.len(),
    ];
    let eval = |i: usize| -> Row {
        let mut idx = [0u32; 12];
        let mut rest = i;
        for d in (0..12).rev() {
            idx[d] = (rest % dims[d]) as u32;
            rest /= dims[d];
        }
        let g = |d: usize| idx[d] as usize;
        let (model, chip) = (models[g(0)], chips[g(1)]);
        let mode = spec.mode[g(11)];
        let engine = Engine::new(model, chip, params[g(1) * spec.mode.len() + g(11)]);
        let tp = spec.tp[g(3)];
        let setup = engine.setup(
            spec.n_chips[g(2)],
            if tp == 0 { None } else { Some(tp) },
            spec.pp[g(4)],
            spec.ep[g(5)],
            spec.batch[g(6)],
            spec.input_tokens[g(7)],
            spec.output_tokens[g(8)],
            spec.weight_dtype[g(9)],
            None,
            spec.kv_dtype[g(10)],
            mode,
        );
        match setup {
            Err(_) => Row {
                idx,
                valid: false,
                fits: false,
                mem: f64::NAN,
                ttft: f64::NAN,
                tpot: f64::NAN,
                e2e: f64::NAN,
                thr: f64::NAN,
                energy: f64::NAN,
                bound: 255,
            },
            Ok(s) => {
                let c = engine.summary(&s);
                idx[3] = s.tp;
                Row {
                    idx,
                    valid: true,
                    fits: c.fits,
                    mem: c.memory.total_bytes,
                    ttft: c.ttft_s,
                    tpot: c.tpot_s,
                    e2e: c.e2e_latency_s,
                    thr: c.throughput_tokens_per_s,
                    energy: c.energy_per_token_j,
                    bound: match c.decode.bound() {
                        Bound::Compute => 0,
                        Bound::Memory => 1,
                        Bound::Communication => 2,
                        Bound::Overhead => 3,
                    },
                }
            }
        }
    };
    let rows: Vec<Row> = if threads == 1 {
        (0..n).map(eval).collect()
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| invalid("threads", threads, e.to_string()))?;
        pool.install(|| {
            (0..n)
                .into_par_iter()
                .with_min_len(4096)
                .map(eval)
                .collect()
        })
    };
    let mut c = SweepColumns::default();
    let value = |r: &Row, d: usize| -> u32 {
        let i = r.idx[d] as usize;
        match d {
            2 => spec.n_chips[i],
            3 => r.idx[3],
            4 => spec.pp[i],
            5 => spec.ep[i],
            6 => spec.batch[i],
            7 => spec.input_tokens[i],
            8 => spec.output_tokens[i],
            _ => r.idx[d],
        }
    };
    c.model = rows.iter().map(|r| r.idx[0]).collect();
    c.chip = rows.iter().map(|r| r.idx[1]).collect();
    c.n_chips = rows.iter().map(|r| value(r, 2)).collect();
    c.tp = rows
        .iter()
        .map(|r| {
            if r.valid {
                r.idx[3]
            } else {
                spec.tp[r.idx[3] as usize]
            }
        })
        .collect();
    c.pp = rows.iter().map(|r| value(r, 4)).collect();
    c.ep = rows.iter().map(|r| value(r, 5)).collect();
    c.batch = rows.iter().map(|r| value(r, 6)).collect();
    c.input_tokens = rows.iter().map(|r| value(r, 7)).collect();
    c.output_tokens = rows.iter().map(|r| value(r, 8)).collect();
    c.weight_dtype = rows.iter().map(|r| r.idx[9]).collect();
    c.kv_dtype = rows.iter().map(|r| r.idx[10]).collect();
    c.mode = rows.iter().map(|r| r.idx[11]).collect();
    c.valid = rows.iter().map(|r| r.valid).collect();
    c.fits = rows.iter().map(|r| r.fits).collect();
    c.memory_per_chip_bytes = rows.iter().map(|r| r.mem).collect();
    c.ttft_s = rows.iter().map(|r| r.ttft).collect();
    c.tpot_s = rows.iter().map(|r| r.tpot).collect();
    c.e2e_latency_s = rows.iter().map(|r| r.e2e).collect();
    c.throughput_tokens_per_s = rows.iter().map(|r| r.thr).collect();
    c.energy_per_token_j = rows.iter().map(|r| r.energy).collect();
    c.bound = rows.iter().map(|r| r.bound).collect();
    Ok(c)
}
