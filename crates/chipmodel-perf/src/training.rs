//! Training: FLOPs per token, time and chip-hours, memory per chip under parallelism and
//! optimizer-state sharding.

use chipmodel_catalog::{Chip, Precision};
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::error::invalid;
use crate::model::Model;

/// Activation recomputation in the backward pass (Korthikanti et al. 2022).
///
/// # Examples
///
/// ```
/// use chipmodel_perf::Recompute;
/// assert_eq!("full".parse::<Recompute>()?, Recompute::Full);
/// assert!("some".parse::<Recompute>().is_err());
/// # Ok::<(), chipmodel_perf::PerfError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recompute {
    /// Keep every activation.
    None,
    /// Recompute the attention core only (the memory-heavy, cheap part).
    Selective,
    /// Keep each layer's input only and recompute the layer.
    Full,
}

impl Recompute {
    /// Every choice.
    pub const ALL: [Recompute; 3] = [Recompute::None, Recompute::Selective, Recompute::Full];

    /// The name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Recompute::None => "none",
            Recompute::Selective => "selective",
            Recompute::Full => "full",
        }
    }
}

impl std::str::FromStr for Recompute {
    type Err = PerfError;
    fn from_str(s: &str) -> Result<Recompute, PerfError> {
        Recompute::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                invalid(
                    "recompute",
                    format!("'{s}'"),
                    "expected 'none', 'selective' or 'full'",
                )
            })
    }
}

/// A training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingConfig {
    /// Chips.
    pub n_chips: u32,
    /// Training tokens.
    pub tokens: f64,
    /// Sequence length.
    pub seq_len: u32,
    /// Global batch in sequences.
    pub global_batch: u32,
    /// Sequences per micro-batch.
    pub micro_batch: u32,
    /// Tensor parallelism.
    pub tp: u32,
    /// Pipeline stages.
    pub pp: u32,
    /// Expert parallelism (MoE; divides the data-parallel degree).
    pub ep: u32,
    /// ZeRO stage: 0 none, 1 optimizer states, 2 + gradients, 3 + weights sharded over data parallelism.
    pub zero_stage: u8,
    /// Activation recomputation.
    pub recompute: Recompute,
    /// Matrix precision (bf16 or fp8).
    pub compute_dtype: Precision,
    /// Model-FLOPs utilization to assume; `None` estimates it.
    pub mfu: Option<f64>,
    /// Roofline (MFU 1 unless given) or calibrated.
    pub mode: Mode,
}

impl TrainingConfig {
    /// Sequence 4,096, global batch 1,024, micro-batch 1, tp 8, pp 1, ZeRO-1, selective
    /// recomputation, bf16, calibrated.
    pub fn new(n_chips: u32, tokens: f64) -> TrainingConfig {
        TrainingConfig {
            n_chips,
            tokens,
            seq_len: 4096,
            global_batch: 1024,
            micro_batch: 1,
            tp: 8.min(n_chips),
            pp: 1,
            ep: 1,
            zero_stage: 1,
            recompute: Recompute::Selective,
            compute_dtype: Precision::Bf16,
            mfu: None,
            mode: Mode::Calibrated,
        }
    }
}

/// The result of a training estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingEstimate {
    /// Model id.
    pub model: String,
    /// Chip id.
    pub chip: String,
    /// Data-parallel degree.
    pub dp: u32,
    /// FLOPs per token, forward and backward: 6 × active parameters + attention.
    pub flops_per_token: f64,
    /// Of which attention (12 × layers × heads × head dim × sequence / 2, causal).
    pub attention_flops_per_token: f64,
    /// Total FLOPs for the run.
    pub total_flops: f64,
    /// Model-FLOPs utilization used.
    pub mfu: f64,
    /// How the MFU was obtained.
    pub mfu_source: String,
    /// Wall time, s.
    pub time_s: f64,
    /// Chip-hours.
    pub chip_hours: f64,
    /// Energy at TDP, J.
    pub energy_j: f64,
    /// Weights per chip, bytes.
    pub weights_bytes: f64,
    /// Gradients per chip, bytes.
    pub gradients_bytes: f64,
    /// Optimizer states (fp32 master weights, Adam moments) per chip, bytes.
    pub optimizer_bytes: f64,
    /// Activations per chip, bytes.
    pub activation_bytes: f64,
    /// Sum, bytes.
    pub memory_per_chip_bytes: f64,
    /// The chip's memory, bytes.
    pub capacity_bytes: f64,
    /// Whether it fits.
    pub fits: bool,
}

/// The most training tokens an estimate accepts: 10¹⁸, four orders of magnitude beyond the
/// largest published runs; anything above is taken for a unit mistake, not extrapolated.
pub const MAX_TRAINING_TOKENS: f64 = 1e18;

/// Estimates a training run of `model` on `chip`.
///
/// FLOPs per token follow Kaplan et al. (2020) and PaLM (Chowdhery et al. 2022, App. B):
/// `6 N + 12 L H Q T` with `N` the active parameters and the attention term halved for causal
/// masking. Memory follows ZeRO (Rajbhandari et al. 2020: 2 + 2 + 12 bytes per parameter in
/// mixed precision) and Korthikanti et al. (2022) for activations.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{estimate_training, TrainingConfig};
///
/// // Llama-3.1-70B on 15 T tokens and 1,024 H100s.
/// let model = chipmodel_perf::ModelCatalog::embedded().unwrap().get("llama-3.1-70b").unwrap();
/// let chip = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let mut cfg = TrainingConfig::new(1024, 15e12);
/// cfg.mfu = Some(0.40);
/// let e = estimate_training(model, chip, &cfg).unwrap();
/// // 6 × 70.6 B × 15 T ≈ 6.4e24 FLOP plus attention
/// assert!(e.total_flops > 6.3e24 && e.total_flops < 7.5e24);
/// let days = e.time_s / 86_400.0;
/// assert!(days > 150.0 && days < 200.0, "{days}");
/// assert!(e.fits);
/// ```
// Stays whole: the training model is rebuilt as its own module tree (layout, schedule, kernels, communication, memory) by the training issue; splitting this version first would be thrown away.
pub fn estimate_training(
    model: &Model,
    chip: &Chip,
    cfg: &TrainingConfig,
) -> Result<TrainingEstimate, PerfError> {
    if cfg.n_chips == 0 {
        return Err(invalid("n_chips", 0, "must be at least 1"));
    }
    if !(cfg.tokens.is_finite() && cfg.tokens > 0.0) {
        return Err(invalid("tokens", cfg.tokens, "must be a positive number"));
    }
    if cfg.tokens > MAX_TRAINING_TOKENS {
        return Err(invalid(
            "tokens",
            cfg.tokens,
            "more than 10^18 training tokens (frontier runs use about 10^13 to 10^14): check the units",
        ));
    }
    for (name, v) in [
        ("tp", cfg.tp),
        ("pp", cfg.pp),
        ("ep", cfg.ep),
        ("seq_len", cfg.seq_len),
        ("micro_batch", cfg.micro_batch),
        ("global_batch", cfg.global_batch),
    ] {
        if v == 0 {
            return Err(invalid(name, v, "must be at least 1"));
        }
    }
    if cfg.n_chips % (cfg.tp * cfg.pp) != 0 {
        return Err(invalid(
            "tp × pp",
            cfg.tp * cfg.pp,
            format!("must divide n_chips = {}", cfg.n_chips),
        ));
    }
    if model.num_heads % u64::from(cfg.tp) != 0 {
        return Err(invalid(
            "tp",
            cfg.tp,
            format!("must divide the model's {} heads", model.num_heads),
        ));
    }
    let dp = cfg.n_chips / (cfg.tp * cfg.pp);
    if dp % cfg.ep != 0 || (cfg.ep > 1 && model.moe.is_none()) {
        return Err(invalid(
            "ep",
            cfg.ep,
            format!("must divide the data-parallel degree {dp} (and needs experts)"),
        ));
    }
    if cfg.global_batch % (dp * cfg.micro_batch) != 0 {
        return Err(invalid(
            "global_batch",
            cfg.global_batch,
            format!(
                "must be a multiple of dp × micro_batch = {}",
                dp * cfg.micro_batch
            ),
        ));
    }
    if u64::from(cfg.seq_len) > model.max_position_embeddings {
        return Err(invalid(
            "seq_len",
            cfg.seq_len,
            format!(
                "longer than the model's {} positions",
                model.max_position_embeddings
            ),
        ));
    }
    if cfg.zero_stage > 3 {
        return Err(invalid(
            "zero_stage",
            cfg.zero_stage,
            "must be 0, 1, 2 or 3",
        ));
    }
    let peak = chip.dense_flops_per_s(cfg.compute_dtype).ok_or_else(|| {
        PerfError::UnsupportedPrecision {
            chip: chip.id.clone(),
            precision: cfg.compute_dtype.to_string(),
            field: "compute_dtype".into(),
            supported: chip
                .precisions()
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    })?;
    let params = Params::for_chip(chip, cfg.mode)?;

    let l = model.num_layers as f64;
    let s = f64::from(cfg.seq_len);
    let attn_width = match &model.mla {
        Some(m) => {
            model.num_heads as f64 * (m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim) as f64
                / 2.0
        }
        None => model.q_dim() as f64,
    };
    let attention = 12.0 * l * attn_width * s / 2.0;
    let flops_per_token = 6.0 * model.active_params() + attention;
    let total = flops_per_token * cfg.tokens;

    // MFU: calibrated GEMM efficiency, less the pipeline bubble ((pp−1)/(m+pp−1) with m
    // micro-batches per step, Narayanan et al. 2021) and exposed TP all-reduce time.
    let (mfu, mfu_source) = match cfg.mfu {
        Some(m) if m > 0.0 && m <= 1.0 => (m, "given".to_string()),
        Some(m) => return Err(invalid("mfu", m, "must be in (0, 1]")),
        None => {
            let eff = if cfg.compute_dtype.bits() <= 8 {
                params.low_precision_compute_efficiency
            } else {
                params.compute_efficiency
            };
            let m = f64::from(cfg.global_batch / (dp * cfg.micro_batch));
            let pp = f64::from(cfg.pp);
            let bubble = (pp - 1.0) / (m + pp - 1.0);
            let tp = f64::from(cfg.tp);
            let tokens = f64::from(cfg.micro_batch) * s;
            let h = model.hidden_size as f64;
            // Per layer: 4 all-reduces (2 forward, 2 backward) of tokens × h × 2 bytes; compute
            // of 6 × layer parameters × tokens / tp.
            let layer_params = (model.active_params()
                - model.param_counts().embedding
                - model.param_counts().lm_head)
                / l;
            let compute_t = 6.0 * layer_params * tokens / tp / (peak * eff);
            let link = chip
                .scale_up_bandwidth_bytes_per_s()
                .or(chip.io_bandwidth_bytes_per_s())
                .unwrap_or(32e9)
                / 2.0
                * params.comm_efficiency;
            let comm_t = if cfg.tp > 1 {
                4.0 * (2.0 * (tp - 1.0) / tp * tokens * h * 2.0 / link
                    + params.collective_latency_s)
            } else {
                0.0
            };
            let mfu = eff * (1.0 - bubble) * compute_t / (compute_t + comm_t);
            (
                mfu,
                format!(
                    "estimated: {eff:.2} GEMM efficiency × {:.3} pipeline × {:.3} TP communication",
                    1.0 - bubble,
                    compute_t / (compute_t + comm_t)
                ),
            )
        }
    };
    let time = total / (f64::from(cfg.n_chips) * peak * mfu);

    // Memory per chip.
    let c = model.param_counts();
    let shard_dense = f64::from(cfg.tp * cfg.pp);
    let per_chip_params =
        (c.total() - c.experts) / shard_dense + c.experts / (shard_dense * f64::from(cfg.ep));
    let dpf = f64::from(dp);
    let weights = per_chip_params * 2.0 / if cfg.zero_stage >= 3 { dpf } else { 1.0 };
    let grads = per_chip_params * 2.0 / if cfg.zero_stage >= 2 { dpf } else { 1.0 };
    let optimizer = per_chip_params * 12.0 / if cfg.zero_stage >= 1 { dpf } else { 1.0 };
    let b = f64::from(cfg.micro_batch);
    let h = model.hidden_size as f64;
    let a = model.num_heads as f64;
    let tp = f64::from(cfg.tp);
    // Korthikanti et al. 2022, Table 2 (tensor + sequence parallel): bytes per layer.
    let per_layer = match cfg.recompute {
        Recompute::None => s * b * h * (34.0 + 5.0 * a * s / h) / tp,
        Recompute::Selective => s * b * h * 34.0 / tp,
        Recompute::Full => 2.0 * s * b * h,
    };
    // 1F1B keeps up to pp micro-batches in flight on the first stage: L/pp layers × pp.
    let activations = per_layer * l;
    let total_mem = weights + grads + optimizer + activations + params.runtime_reserve_bytes;
    Ok(TrainingEstimate {
        model: model.id.clone(),
        chip: chip.id.clone(),
        dp,
        flops_per_token,
        attention_flops_per_token: attention,
        total_flops: total,
        mfu,
        mfu_source,
        time_s: time,
        chip_hours: time * f64::from(cfg.n_chips) / 3600.0,
        energy_j: time * f64::from(cfg.n_chips) * chip.tdp_w(),
        weights_bytes: weights,
        gradients_bytes: grads,
        optimizer_bytes: optimizer,
        activation_bytes: activations,
        memory_per_chip_bytes: total_mem,
        capacity_bytes: chip.device_memory_bytes(),
        fits: total_mem <= chip.device_memory_bytes(),
    })
}
