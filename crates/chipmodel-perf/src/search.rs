//! The best configuration: maximum throughput that fits and meets latency targets.

use chipmodel_catalog::{Chip, Precision};
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::error::invalid;
use crate::inference::{Engine, InferenceEstimate, KvPolicy, Setup};
use crate::model::Model;

/// What to optimise: the fixed parts of a configuration and the latency targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestConfig {
    /// Chips available.
    pub n_chips: u32,
    /// Prompt tokens.
    pub input_tokens: u32,
    /// Generated tokens.
    pub output_tokens: u32,
    /// Weight precision.
    pub weight_dtype: Precision,
    /// Matrix-multiply precision (`None` as in [`crate::InferenceConfig`]).
    pub act_dtype: Option<Precision>,
    /// KV cache precision.
    pub kv_dtype: Option<Precision>,
    /// Largest acceptable time to first token, s.
    pub ttft_slo_s: Option<f64>,
    /// Largest acceptable time per output token, s.
    pub tpot_slo_s: Option<f64>,
    /// Largest batch to consider (a serving engine's `max_num_seqs`); `None` = memory decides.
    pub max_batch: Option<u32>,
    /// Tensor parallelism to keep fixed; `None` searches it.
    pub tp: Option<u32>,
    /// Pipeline stages to keep fixed; `None` searches them.
    pub pp: Option<u32>,
    /// How the serving engine holds the KV cache (default on demand, as vLLM does).
    pub kv_policy: KvPolicy,
    /// Roofline or calibrated.
    pub mode: Mode,
    /// Parameters instead of the calibrated defaults.
    pub params: Option<Params>,
    /// The serving engine whose limits the search obeys (its KV admission replaces `kv_policy`;
    /// its cap on sequences per replica bounds the batch); `None`: the `ideal` bound, no engine
    /// limit.
    pub engine: Option<crate::EngineProfile>,
}

impl BestConfig {
    /// 1,024 in, 128 out, bf16, no targets, calibrated.
    pub fn new(n_chips: u32) -> BestConfig {
        BestConfig {
            n_chips,
            input_tokens: 1024,
            output_tokens: 128,
            weight_dtype: Precision::Bf16,
            act_dtype: None,
            kv_dtype: None,
            ttft_slo_s: None,
            tpot_slo_s: None,
            max_batch: None,
            tp: None,
            pp: None,
            kv_policy: KvPolicy::OnDemand,
            mode: Mode::Calibrated,
            params: None,
            engine: None,
        }
    }
}

fn divisors(n: u32) -> impl Iterator<Item = u32> {
    (1..=n).filter(move |d| n % d == 0)
}

/// Searches tensor, pipeline and expert parallelism and the batch for the highest steady-state
/// throughput that fits in memory and meets the latency targets.
///
/// For each parallel layout it takes the largest batch that fits, then, if targets are set,
/// the largest batch meeting them (TTFT and TPOT grow with the batch).
///
/// # Errors
///
/// When no layout fits or meets the targets, an [`PerfError::InvalidConfig`] saying how close the
/// best attempt came.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{best_inference, BestConfig};
///
/// let model = chipmodel_perf::ModelCatalog::embedded().unwrap().get("llama-2-70b").unwrap();
/// let chip = chipmodel_catalog::Catalog::embedded().get("h200").unwrap();
/// let mut cfg = BestConfig::new(8);
/// cfg.tpot_slo_s = Some(0.05);
/// let best = best_inference(model, chip, &cfg).unwrap();
/// assert!(best.fits && best.tpot_s <= 0.05);
/// assert!(best.chosen_by.starts_with("best_inference"));
/// ```
pub fn best_inference(
    model: &Model,
    chip: &Chip,
    cfg: &BestConfig,
) -> Result<InferenceEstimate, PerfError> {
    let params = match cfg.params {
        Some(p) => {
            p.validate()?;
            if cfg.mode == Mode::Roofline {
                p.roofline()
            } else {
                p
            }
        }
        None => Params::for_chip(chip, cfg.mode)?,
    };
    for (name, v) in [
        ("ttft_slo_s", cfg.ttft_slo_s),
        ("tpot_slo_s", cfg.tpot_slo_s),
    ] {
        if let Some(x) = v {
            if !(x.is_finite() && x > 0.0) {
                return Err(invalid(name, x, "must be a positive number of seconds"));
            }
        }
    }
    let engine = Engine::for_params(model, chip, params, cfg.params.is_some(), cfg.mode);
    let meets = |e: &crate::inference::Core| {
        cfg.ttft_slo_s.is_none_or(|t| e.ttft_s <= t) && cfg.tpot_slo_s.is_none_or(|t| e.tpot_s <= t)
    };
    let mut best: Option<(f64, Setup)> = None;
    let mut candidates = 0u32;
    let mut closest_shortfall = f64::INFINITY;
    let mut first_error: Option<PerfError> = None;
    let ep_options = |dp: u32| -> Vec<u32> {
        if model.moe.is_some() {
            divisors(dp).collect()
        } else {
            vec![1]
        }
    };
    for pp in divisors(cfg.n_chips)
        .filter(|p| u64::from(*p) <= model.num_layers && cfg.pp.is_none_or(|f| f == *p))
    {
        for tp in divisors(cfg.n_chips / pp)
            .filter(|t| model.num_heads % u64::from(*t) == 0 && cfg.tp.is_none_or(|f| f == *t))
        {
            let dp = cfg.n_chips / pp / tp;
            for ep in ep_options(dp) {
                let setup = match engine.setup(
                    cfg.n_chips,
                    Some(tp),
                    pp,
                    ep,
                    dp,
                    cfg.input_tokens,
                    cfg.output_tokens,
                    cfg.weight_dtype,
                    cfg.act_dtype,
                    cfg.kv_dtype,
                    cfg.mode,
                ) {
                    Ok(s) => Setup {
                        kv_policy: cfg
                            .engine
                            .as_ref()
                            .map_or(cfg.kv_policy, |e| e.kv_admission.value),
                        ..s
                    },
                    Err(e) => {
                        first_error.get_or_insert(e);
                        continue;
                    }
                };
                candidates += 1;
                let mem = engine.memory(&setup);
                if !mem.fits() {
                    closest_shortfall = closest_shortfall.min(mem.shortfall_bytes());
                    continue;
                }
                let mut hi = engine.max_batch(&setup);
                if let Some(cap) = cfg.max_batch {
                    hi = hi.min(cap.max(dp));
                }
                if let Some(cap) = cfg.engine.as_ref().and_then(|p| p.max_batch(chip, dp)) {
                    hi = hi.min(cap.max(dp));
                }
                let at = |b: u32| engine.summary(&Setup { batch: b, ..setup });
                if !meets(&at(dp)) {
                    continue;
                }
                // Largest batch in [dp, hi] that meets the targets (they grow with the batch).
                let mut lo = dp;
                if meets(&at(hi)) {
                    lo = hi;
                } else {
                    while hi - lo > 1 {
                        let mid = lo + (hi - lo) / 2;
                        if meets(&at(mid)) { lo = mid } else { hi = mid }
                    }
                }
                let s = Setup { batch: lo, ..setup };
                let t = engine.summary(&s).throughput_tokens_per_s;
                if best.as_ref().is_none_or(|(bt, _)| t > *bt) {
                    best = Some((t, s));
                }
            }
        }
    }
    match best {
        Some((_, s)) => {
            let mut e = engine.estimate(&s);
            let mut targets = Vec::new();
            if let Some(t) = cfg.ttft_slo_s {
                targets.push(format!("ttft <= {t} s"));
            }
            if let Some(t) = cfg.tpot_slo_s {
                targets.push(format!("tpot <= {t} s"));
            }
            e.chosen_by = format!(
                "best_inference: tp={} pp={} ep={} dp={} batch={} gives the highest steady-state throughput of {} layouts that fit ({}){}",
                s.tp,
                s.pp,
                s.ep,
                s.dp,
                s.batch,
                candidates,
                match cfg.kv_policy {
                    KvPolicy::OnDemand => "KV cache on demand, at the mean context",
                    KvPolicy::Reserved => "KV cache reserved at full length",
                    KvPolicy::Static => "KV cache at full length, static batch",
                },
                if targets.is_empty() {
                    String::new()
                } else {
                    format!(" and meet {}", targets.join(" and "))
                }
            );
            e.engine = Some(
                cfg.engine
                    .as_ref()
                    .map_or("ideal".to_string(), |p| p.id.clone()),
            );
            if let Some(p) = &cfg.engine {
                e.notes.push(match p.max_batch(chip, s.dp) {
                    Some(cap) => format!(
                        "engine {} {}: at most {} sequences ({} per replica), KV {}",
                        p.id,
                        p.version,
                        cap,
                        cap / s.dp.max(1),
                        p.kv_admission.value.as_str()
                    ),
                    None => format!("engine {} {}: no cap on sequences", p.id, p.version),
                });
            }
            if targets.is_empty() {
                e.notes.push(format!(
                    "offline maximum throughput: no latency target, so the batch runs at TTFT {:.3} s and TPOT {:.1} ms",
                    e.ttft_s,
                    e.tpot_s * 1e3
                ));
            }
            Ok(e)
        }
        None if candidates == 0 => Err(first_error
            .unwrap_or_else(|| invalid("n_chips", cfg.n_chips, "no parallel layout is possible"))),
        None if closest_shortfall.is_finite()
            && closest_shortfall > 0.0
            && !best_any_fit(&engine, cfg) =>
        {
            Err(invalid(
                "n_chips",
                cfg.n_chips,
                format!(
                    "{} does not fit on {} × {} in any layout: the closest is {:.1} GB over per chip",
                    model.id,
                    cfg.n_chips,
                    chip.id,
                    closest_shortfall / 1e9
                ),
            ))
        }
        None => Err(invalid(
            "ttft_slo_s/tpot_slo_s",
            format!("{:?}/{:?}", cfg.ttft_slo_s, cfg.tpot_slo_s),
            format!(
                "no layout of {} × {} meets the latency targets even at the smallest batch",
                cfg.n_chips, chip.id
            ),
        )),
    }
}

/// Whether any layout fits in memory (to tell "does not fit" from "misses the targets").
fn best_any_fit(engine: &Engine<'_>, cfg: &BestConfig) -> bool {
    divisors(cfg.n_chips).any(|pp| {
        divisors(cfg.n_chips / pp).any(|tp| {
            let dp = cfg.n_chips / pp / tp;
            engine
                .setup(
                    cfg.n_chips,
                    Some(tp),
                    pp,
                    1,
                    dp,
                    cfg.input_tokens,
                    cfg.output_tokens,
                    cfg.weight_dtype,
                    cfg.act_dtype,
                    cfg.kv_dtype,
                    cfg.mode,
                )
                .is_ok_and(|s| {
                    engine
                        .memory(&Setup {
                            kv_policy: cfg.kv_policy,
                            ..s
                        })
                        .fits()
                })
        })
    })
}
