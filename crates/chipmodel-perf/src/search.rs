//! The best configuration: maximum throughput that fits and meets latency targets.

use chipmodel_catalog::{Chip, Precision};
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::engines::EngineProfile;
use crate::error::invalid;
use crate::inference::{Alternative, Core, Engine, InferenceEstimate, KvPolicy, Setup};
use crate::model::Model;
use crate::schedule::{Arrivals, EngineLimits};

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
    /// How the KV cache is held, overriding the engine's admission (`None`: the engine's).
    pub kv_policy: Option<KvPolicy>,
    /// Roofline or calibrated.
    pub mode: Mode,
    /// Parameters instead of the calibrated defaults.
    pub params: Option<Params>,
    /// The serving engine whose limits and schedule the search obeys (its KV admission, its
    /// cap on sequences, its token budget per step, the layouts it runs); `None`: the chip
    /// vendor's reference engine ([`crate::EngineProfile::vendor_default`]). The `ideal`
    /// profile is the upper bound with no engine limit.
    pub engine: Option<EngineProfile>,
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
            kv_policy: None,
            mode: Mode::Calibrated,
            params: None,
            engine: None,
        }
    }
}

fn divisors(n: u32) -> impl Iterator<Item = u32> {
    (1..=n).filter(move |d| n % d == 0)
}

/// The admission a batch is sized by. KV on demand holds the mean context only where sequences
/// are at every stage of their lives (a steady load). In an offline wave they grow together and
/// all reach their full length by its end, so the engine keeps no more of them than fit at full
/// length (the rest it preempts and recomputes). The ideal bound, with no schedule, keeps the
/// mean: a scheduler could stagger them.
fn sized_by(declared: KvPolicy, arrivals: Arrivals, profile: &EngineProfile) -> KvPolicy {
    match (declared, arrivals) {
        (KvPolicy::OnDemand, Arrivals::Waves) if profile.max_num_tokens.is_some() => {
            KvPolicy::Reserved
        }
        (p, _) => p,
    }
}

/// A setup as `profile` runs it — its admission, sized for an offline wave, and the schedule
/// limits of its layout — or, when the batch exceeds the engine's cap on sequences, the cap.
pub(crate) fn as_engine_runs(
    engine: &Engine<'_>,
    profile: &EngineProfile,
    setup: Setup,
) -> Result<(Setup, Option<EngineLimits>), u32> {
    if let Some(cap) = profile.max_batch(engine.chip, setup.dp)
        && setup.batch > cap
    {
        return Err(cap);
    }
    let setup = Setup {
        kv_policy: sized_by(profile.kv_admission.value, Arrivals::Waves, profile),
        ..setup
    };
    let kv_fit = f64::from(engine.max_batch(&setup)) / f64::from(setup.dp);
    let limits = profile.limits(
        engine.chip,
        setup.pp,
        kv_fit,
        engine.model.max_position_embeddings,
        setup.input_tokens,
        setup.output_tokens,
    );
    Ok((setup, limits))
}

/// As [`crate::estimate_inference`] at the caller's layout and batch, as `profile` runs it: the
/// engine's KV admission (sized as in [`best_inference`]) and its schedule of an offline wave
/// ([`crate::Schedule`]). The result names the engine.
///
/// # Errors
///
/// As `estimate_inference`, and when the batch exceeds the engine's cap on sequences.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{estimate_inference_as, EngineProfile, InferenceConfig};
///
/// let model = chipmodel_perf::ModelCatalog::embedded()?.get("llama-3.1-8b")?;
/// let chip = chipmodel_catalog::Catalog::embedded().get("h200").unwrap();
/// let cfg = InferenceConfig { batch: 256, ..InferenceConfig::default() };
/// let e = estimate_inference_as(model, chip, &cfg, EngineProfile::get("vllm")?)?;
/// assert_eq!(e.engine.as_deref(), Some("vllm"));
/// assert!(e.schedule.is_some());
/// let too_many = InferenceConfig { batch: 2048, ..cfg };
/// assert!(estimate_inference_as(model, chip, &too_many, EngineProfile::get("vllm")?).is_err());
/// # Ok::<(), chipmodel_perf::PerfError>(())
/// ```
pub fn estimate_inference_as(
    model: &Model,
    chip: &Chip,
    cfg: &crate::InferenceConfig,
    profile: &EngineProfile,
) -> Result<InferenceEstimate, PerfError> {
    let (engine, setup) = crate::resolve(model, chip, cfg)?;
    let (setup, limits) = as_engine_runs(&engine, profile, setup).map_err(|cap| {
        invalid(
            "batch",
            setup.batch.to_string(),
            format!(
                "engine {} runs at most {cap} sequences on {} replica(s) of {}",
                profile.id, setup.dp, chip.id
            ),
        )
    })?;
    let mut e = engine.estimate_with(&setup, limits.as_ref());
    e.engine = Some(profile.id.clone());
    e.notes.push(format!(
        "engine {} {}: KV {}, an offline wave of the given batch",
        profile.id,
        profile.version,
        profile.kv_admission.value.as_str()
    ));
    Ok(e)
}

/// Searches tensor, pipeline and expert parallelism and the batch for the highest throughput
/// that fits in memory and meets the latency targets, as the serving engine runs it.
///
/// For each layout the engine runs, it takes the largest batch the engine admits (its KV
/// admission, its cap on sequences), then, if targets are set, the largest batch meeting them
/// (TTFT and TPOT grow with the batch), and prices it with the engine's in-flight-batching
/// schedule ([`crate::Schedule`]: mixed and decode-only steps, pipeline bubble, host time). The
/// result names the engine, the layout and why it won (`chosen_by`), and the next best layouts
/// (`alternatives`).
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
/// assert_eq!(best.engine.as_deref(), Some("trtllm"));
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
    let profile = match &cfg.engine {
        Some(p) => p,
        None => EngineProfile::vendor_default(chip)?,
    };
    let declared = cfg.kv_policy.unwrap_or(profile.kv_admission.value);
    // With latency targets the engine serves a steady load; without, an offline batch runs in
    // waves.
    let arrivals = if cfg.ttft_slo_s.is_some() || cfg.tpot_slo_s.is_some() {
        Arrivals::Steady
    } else {
        Arrivals::Waves
    };
    let policy = sized_by(declared, arrivals, profile);
    let engine = Engine::for_params(model, chip, params, cfg.params.is_some(), cfg.mode);
    let search = Search {
        model,
        chip,
        cfg,
        profile,
        declared,
        policy,
        arrivals,
        engine: &engine,
    };
    let found = search.layouts();
    let Some(best) = found.costed.first() else {
        return Err(search.why_none(&found));
    };
    Ok(search.result(best, &found))
}

/// One costed layout: its setup, its schedule limits and the numbers the search ranks and
/// reports it by (the chosen one is estimated in full at the end).
struct Costed {
    setup: Setup,
    limits: Option<EngineLimits>,
    figures: Figures,
}

/// Throughput, latencies and the pipeline bubble's share of the cycle of a costed batch.
#[derive(Clone, Copy)]
struct Figures {
    throughput_tokens_per_s: f64,
    ttft_s: f64,
    tpot_s: f64,
    bubble_fraction: f64,
}

impl Figures {
    fn of_core(c: &Core) -> Figures {
        Figures {
            throughput_tokens_per_s: c.throughput_tokens_per_s,
            ttft_s: c.ttft_s,
            tpot_s: c.tpot_s,
            bubble_fraction: c.schedule.map_or(0.0, |sc| sc.bubble_s / sc.cycle_s),
        }
    }

    /// As the estimate would give them under an engine: the schedule's (two passes, not five).
    fn of_schedule(sc: &crate::Schedule, dp: u32) -> Figures {
        Figures {
            throughput_tokens_per_s: f64::from(dp) * sc.replica_throughput_tokens_per_s,
            ttft_s: sc.ttft_s,
            tpot_s: sc.tpot_s,
            bubble_fraction: sc.bubble_s / sc.cycle_s,
        }
    }
}

/// A layout at its largest admitted batch, before the targets are applied.
struct Bounded {
    setup: Setup,
    hi: u32,
    limits: Option<EngineLimits>,
    /// The figures at `hi`: no batch the targets allow makes more throughput.
    top: Figures,
}

/// What the search found.
struct Found {
    /// Every layout that fits and meets the targets, best first.
    costed: Vec<Costed>,
    candidates: u32,
    closest_shortfall: f64,
    first_error: Option<PerfError>,
}

struct Search<'a> {
    model: &'a Model,
    chip: &'a Chip,
    cfg: &'a BestConfig,
    profile: &'a EngineProfile,
    /// The admission the engine (or the caller) declares.
    declared: KvPolicy,
    /// The admission the batch is sized by (see `best_inference`).
    policy: KvPolicy,
    arrivals: Arrivals,
    engine: &'a Engine<'a>,
}

impl Search<'_> {
    fn setup(&self, tp: u32, pp: u32, ep: u32) -> Result<Setup, PerfError> {
        let c = self.cfg;
        let dp = c.n_chips / pp / tp;
        self.engine
            .setup(
                c.n_chips,
                Some(tp),
                pp,
                ep,
                dp,
                c.input_tokens,
                c.output_tokens,
                c.weight_dtype,
                c.act_dtype,
                c.kv_dtype,
                c.mode,
            )
            .map(|s| Setup {
                kv_policy: self.policy,
                ..s
            })
    }

    /// The layouts the engine runs: pipeline stages (where it runs them) × tensor parallelism
    /// × expert parallelism over the replicas.
    fn layouts(&self) -> Found {
        let (model, cfg) = (self.model, self.cfg);
        let mut found = Found {
            costed: Vec::new(),
            candidates: 0,
            closest_shortfall: f64::INFINITY,
            first_error: None,
        };
        let mut bounded: Vec<Bounded> = Vec::new();
        let pps: Vec<u32> = divisors(cfg.n_chips)
            .filter(|p| {
                u64::from(*p) <= model.num_layers
                    && cfg.pp.is_none_or(|f| f == *p)
                    && (*p == 1 || cfg.pp.is_some() || self.profile.runs_pipeline_parallel())
            })
            .collect();
        for pp in pps {
            for tp in divisors(cfg.n_chips / pp)
                .filter(|t| model.num_heads % u64::from(*t) == 0 && cfg.tp.is_none_or(|f| f == *t))
            {
                let dp = cfg.n_chips / pp / tp;
                let eps: Vec<u32> = if model.moe.is_some() {
                    divisors(dp).collect()
                } else {
                    vec![1]
                };
                for ep in eps {
                    match self.setup(tp, pp, ep) {
                        Ok(s) => {
                            found.candidates += 1;
                            bounded.extend(self.bound(s, &mut found.closest_shortfall));
                        }
                        Err(e) => {
                            found.first_error.get_or_insert(e);
                        }
                    }
                }
            }
        }
        // Best bound first; a layout whose bound is below the fourth best found cannot be the
        // result or one of its three alternatives, so it is not searched.
        bounded.sort_by(|a, b| {
            b.top
                .throughput_tokens_per_s
                .total_cmp(&a.top.throughput_tokens_per_s)
        });
        let mut fourth = f64::NEG_INFINITY;
        for b in bounded {
            if b.top.throughput_tokens_per_s < fourth {
                break;
            }
            if let Some(c) = self.settle(b) {
                found.costed.push(c);
                if found.costed.len() >= 4 {
                    let mut t: Vec<f64> = found
                        .costed
                        .iter()
                        .map(|c| c.figures.throughput_tokens_per_s)
                        .collect();
                    t.sort_by(|a, b| b.total_cmp(a));
                    fourth = t[3];
                }
            }
        }
        found.costed.sort_by(|a, b| {
            b.figures
                .throughput_tokens_per_s
                .total_cmp(&a.figures.throughput_tokens_per_s)
        });
        found
    }

    /// A layout at the largest batch the engine admits, costed: the bound on what the targets
    /// allow it (throughput grows with the batch). `None` when it does not fit.
    fn bound(&self, setup: Setup, closest_shortfall: &mut f64) -> Option<Bounded> {
        let (cfg, engine) = (self.cfg, self.engine);
        let mem = engine.memory(&setup);
        if !mem.fits() {
            *closest_shortfall = closest_shortfall.min(mem.shortfall_bytes());
            return None;
        }
        let dp = setup.dp;
        let kv_fit = engine.max_batch(&setup);
        let mut hi = kv_fit;
        if let Some(cap) = cfg.max_batch {
            hi = hi.min(cap.max(dp));
        }
        if let Some(cap) = self.profile.max_batch(self.chip, dp) {
            hi = hi.min(cap.max(dp));
        }
        let arrivals = self.arrivals;
        let limits = self
            .profile
            .limits(
                self.chip,
                setup.pp,
                f64::from(kv_fit) / f64::from(dp),
                self.model.max_position_embeddings,
                cfg.input_tokens,
                cfg.output_tokens,
            )
            .map(|l| EngineLimits { arrivals, ..l });
        let top = self.figures_at(&Setup { batch: hi, ..setup }, limits.as_ref());
        Some(Bounded {
            setup,
            hi,
            limits,
            top,
        })
    }

    /// What the search ranks a batch by. Under an engine its schedule alone gives them (two
    /// passes instead of the estimate's five), as the estimate would; the ideal bound, with no
    /// schedule, needs the estimate.
    fn figures_at(&self, s: &Setup, limits: Option<&EngineLimits>) -> Figures {
        match limits {
            Some(l) => Figures::of_schedule(&self.engine.schedule(s, l), s.dp),
            None => Figures::of_core(&self.engine.summary_with(s, None)),
        }
    }

    /// The largest batch of a bounded layout the targets allow, costed; `None` when it misses
    /// them at its smallest batch.
    fn settle(&self, b: Bounded) -> Option<Costed> {
        let cfg = self.cfg;
        let Bounded {
            setup,
            mut hi,
            limits,
            top,
        } = b;
        let at = |batch: u32| self.figures_at(&Setup { batch, ..setup }, limits.as_ref());
        // How far a batch is from the targets: the larger of TTFT/target and TPOT/target, less
        // one (≤ 0: met).
        let over = |f: &Figures| {
            let r = |x: f64, t: Option<f64>| t.map_or(f64::NEG_INFINITY, |t| x / t);
            r(f.ttft_s, cfg.ttft_slo_s).max(r(f.tpot_s, cfg.tpot_slo_s)) - 1.0
        };
        // The largest batch in [dp, hi] that meets the targets (they grow with the batch): false
        // position on the slack, with a bisection step whenever it does not halve the bracket.
        let mut s_hi = over(&top);
        let (batch, figures) = if s_hi <= 0.0 {
            (hi, top)
        } else {
            let mut lo = (setup.dp, at(setup.dp));
            let mut s_lo = over(&lo.1);
            if s_lo > 0.0 {
                return None;
            }
            let mut bisect = false;
            while hi - lo.0 > 1 {
                let width = hi - lo.0;
                let mid = if bisect || !(s_hi - s_lo).is_finite() {
                    lo.0 + width / 2
                } else {
                    let f = (-s_lo / (s_hi - s_lo)).clamp(0.0, 1.0);
                    (lo.0 + (f * f64::from(width)).round() as u32).clamp(lo.0 + 1, hi - 1)
                };
                let f = at(mid);
                let s = over(&f);
                if s <= 0.0 {
                    (lo, s_lo) = ((mid, f), s);
                } else {
                    (hi, s_hi) = (mid, s);
                }
                bisect = !bisect && hi - lo.0 > width / 2;
            }
            lo
        };
        Some(Costed {
            setup: Setup { batch, ..setup },
            limits,
            figures,
        })
    }

    fn result(&self, best: &Costed, found: &Found) -> InferenceEstimate {
        let (cfg, profile) = (self.cfg, self.profile);
        let s = best.setup;
        let mut e = self.engine.estimate_with(&s, best.limits.as_ref());
        e.alternatives = found
            .costed
            .iter()
            .skip(1)
            .take(3)
            .map(|c| Alternative {
                tp: c.setup.tp,
                pp: c.setup.pp,
                ep: c.setup.ep,
                dp: c.setup.dp,
                batch: c.setup.batch,
                throughput_tokens_per_s: c.figures.throughput_tokens_per_s,
                ttft_s: c.figures.ttft_s,
                tpot_s: c.figures.tpot_s,
                bubble_fraction: c.figures.bubble_fraction,
            })
            .collect();
        let mut targets = Vec::new();
        if let Some(t) = cfg.ttft_slo_s {
            targets.push(format!("ttft <= {t} s"));
        }
        if let Some(t) = cfg.tpot_slo_s {
            targets.push(format!("tpot <= {t} s"));
        }
        let runner_up = e.alternatives.first().map_or(String::new(), |a| {
            format!(
                "; next best tp={} pp={} ep={} dp={} at {:.0} tok/s{}",
                a.tp,
                a.pp,
                a.ep,
                a.dp,
                a.throughput_tokens_per_s,
                if a.pp > 1 {
                    format!(
                        " (pipeline bubble {:.0}% of its cycle)",
                        a.bubble_fraction * 100.0
                    )
                } else {
                    String::new()
                }
            )
        });
        let bubble = e.schedule.filter(|_| s.pp > 1).map_or(String::new(), |sc| {
            format!(
                ", pipeline bubble {:.0}% of the cycle, host {:.2} ms per micro-batch per stage",
                sc.bubble_s / sc.cycle_s * 100.0,
                sc.host_s * 1e3
            )
        });
        e.chosen_by = format!(
            "best_inference ({} {}): tp={} pp={} ep={} dp={} batch={} gives the highest throughput of {} layouts ({}{}){}{}",
            profile.id,
            profile.version,
            s.tp,
            s.pp,
            s.ep,
            s.dp,
            s.batch,
            found.candidates,
            match (self.declared, self.policy) {
                (KvPolicy::OnDemand, KvPolicy::Reserved) =>
                    "KV cache on demand, a wave's sequences at full length by its end",
                (KvPolicy::OnDemand, _) => "KV cache on demand, at the mean context",
                (KvPolicy::Reserved, _) => "KV cache reserved at full length",
                (KvPolicy::Static, _) => "KV cache at full length, static batch",
            },
            bubble,
            if targets.is_empty() {
                String::new()
            } else {
                format!(" and meet {}", targets.join(" and "))
            },
            runner_up
        );
        e.engine = Some(profile.id.clone());
        let default = if cfg.engine.is_none() {
            format!(" (the {} vendor's reference engine)", self.chip.vendor)
        } else {
            String::new()
        };
        e.notes.push(match profile.max_batch(self.chip, s.dp) {
            Some(cap) => format!(
                "engine {} {}{default}: at most {} sequences ({} per replica), KV {}",
                profile.id,
                profile.version,
                cap,
                cap / s.dp.max(1),
                self.declared.as_str()
            ),
            None => format!(
                "engine {} {}{default}: no cap on sequences, KV {}",
                profile.id,
                profile.version,
                self.declared.as_str()
            ),
        });
        if targets.is_empty() {
            e.notes.push(format!(
                "offline maximum throughput: no latency target, so the batch runs at TTFT {:.3} s and TPOT {:.1} ms",
                e.ttft_s,
                e.tpot_s * 1e3
            ));
        }
        e
    }

    fn why_none(&self, found: &Found) -> PerfError {
        let cfg = self.cfg;
        if found.candidates == 0 {
            return found.first_error.clone().unwrap_or_else(|| {
                invalid("n_chips", cfg.n_chips, "no parallel layout is possible")
            });
        }
        if found.closest_shortfall.is_finite() && found.closest_shortfall > 0.0 && !self.any_fit() {
            return invalid(
                "n_chips",
                cfg.n_chips,
                format!(
                    "{} does not fit on {} × {} in any layout: the closest is {:.1} GB over per chip",
                    self.model.id,
                    cfg.n_chips,
                    self.chip.id,
                    found.closest_shortfall / 1e9
                ),
            );
        }
        invalid(
            "ttft_slo_s/tpot_slo_s",
            format!("{:?}/{:?}", cfg.ttft_slo_s, cfg.tpot_slo_s),
            format!(
                "no layout of {} × {} meets the latency targets even at the smallest batch",
                cfg.n_chips, self.chip.id
            ),
        )
    }

    /// Whether any layout fits in memory (to tell "does not fit" from "misses the targets").
    fn any_fit(&self) -> bool {
        let n = self.cfg.n_chips;
        divisors(n).any(|pp| {
            divisors(n / pp).any(|tp| {
                self.setup(tp, pp, 1)
                    .is_ok_and(|s| self.engine.memory(&s).fits())
            })
        })
    }
}
