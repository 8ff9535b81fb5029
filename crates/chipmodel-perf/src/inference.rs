//! Inference: prefill and decode per layer and per operator, on one chip or a cluster.
//!
//! Every formula here is stated with its source in `docs/performance-model.md`. In short: each
//! operator has FLOPs and bytes moved per chip; its time is the larger of FLOPs ÷ (peak ×
//! compute efficiency) and bytes ÷ (bandwidth × memory efficiency), plus a kernel overhead;
//! collectives take latency plus size ÷ link bandwidth. Roofline mode sets the efficiencies to 1
//! and the overheads to 0.

use chipmodel_catalog::{Chip, Precision};
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::error::invalid;
use crate::kernels::{AllReduceCurve, ChipKernels, GemmCurve};
use crate::model::{Mlp, Model};
use crate::schedule::{Arrivals, EngineLimits, Schedule, Steady, Wave};

/// Share of the memory left after weights, activations and reserve that a serving engine gives
/// to the KV cache: TensorRT-LLM's `kv_cache_free_gpu_mem_fraction` and vLLM's
/// `gpu_memory_utilization` both default to 0.9.
pub const KV_MEMORY_FRACTION: f64 = 0.9;

/// Tokens a serving engine prefills in one chunk; bounds activation memory
/// (chipmodel assumption, typical of vLLM/SGLang chunked-prefill settings: 2,048–16,384).
pub const PREFILL_CHUNK_TOKENS: f64 = 8192.0;

/// An inference configuration by names, as the Python API takes it.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::Catalog;
/// use chipmodel_perf::{estimate_inference, InferenceConfig, ModelCatalog};
///
/// // The shared case: Llama-2-70B bf16 on 8×H100, TP 8, prompt 1024, 128 output tokens.
/// let model = ModelCatalog::embedded().unwrap().get("llama-2-70b").unwrap();
/// let chip = Catalog::embedded().get("h100").unwrap();
/// let cfg = InferenceConfig { n_chips: 8, tp: Some(8), ..InferenceConfig::default() };
/// let e = estimate_inference(model, chip, &cfg).unwrap();
/// assert!(e.fits);
/// assert!(e.tpot_s > 0.005 && e.tpot_s < 0.05, "{}", e.tpot_s);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceConfig {
    /// Chips in the system.
    pub n_chips: u32,
    /// Tensor parallelism; `None` chooses the largest power of two that divides the chips per
    /// pipeline stage and fits in one scale-up domain.
    pub tp: Option<u32>,
    /// Pipeline stages.
    pub pp: u32,
    /// Expert parallelism across data-parallel replicas (MoE only); divides `n_chips / (tp × pp)`.
    pub ep: u32,
    /// Concurrent sequences in the whole system.
    pub batch: u32,
    /// Prompt tokens per sequence.
    pub input_tokens: u32,
    /// Generated tokens per sequence.
    pub output_tokens: u32,
    /// Weight storage precision.
    pub weight_dtype: Precision,
    /// Matrix-multiply precision; `None` = the weight precision where the chip computes in it
    /// (fp8, int8, fp4: W8A8/W4A4), else bf16 (fp16 on chips without bf16).
    pub act_dtype: Option<Precision>,
    /// KV cache precision; `None` = 16-bit.
    pub kv_dtype: Option<Precision>,
    /// Roofline or calibrated.
    pub mode: Mode,
    /// Parameters to use instead of the chip's calibrated defaults (e.g. from `calibrate`).
    pub params: Option<Params>,
    /// How the KV cache is held in memory (default: a static batch).
    pub kv_policy: KvPolicy,
}

impl Default for InferenceConfig {
    /// One chip, batch 1, 1,024 in, 128 out, bf16 weights, calibrated.
    fn default() -> InferenceConfig {
        InferenceConfig {
            n_chips: 1,
            tp: None,
            pp: 1,
            ep: 1,
            batch: 1,
            input_tokens: 1024,
            output_tokens: 128,
            weight_dtype: Precision::Bf16,
            act_dtype: None,
            kv_dtype: None,
            mode: Mode::Calibrated,
            params: None,
            kv_policy: KvPolicy::Static,
        }
    }
}

/// A configuration with everything resolved: what the estimate ran.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    /// Chips.
    pub n_chips: u32,
    /// Tensor parallelism.
    pub tp: u32,
    /// Pipeline stages.
    pub pp: u32,
    /// Data-parallel replicas (`n_chips / (tp × pp)`).
    pub dp: u32,
    /// Expert parallelism.
    pub ep: u32,
    /// Concurrent sequences, whole system.
    pub batch: u32,
    /// Prompt tokens.
    pub input_tokens: u32,
    /// Generated tokens.
    pub output_tokens: u32,
    /// Weight precision.
    pub weight_dtype: Precision,
    /// Matrix-multiply precision.
    pub act_dtype: Precision,
    /// KV cache precision.
    pub kv_dtype: Precision,
    /// Mode.
    pub mode: Mode,
    /// How the KV cache is held in memory.
    pub kv_policy: KvPolicy,
}

/// How a serving engine holds the KV cache in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KvPolicy {
    /// A fixed batch run start to end: every sequence at full length, all memory usable.
    Static,
    /// Each admitted sequence reserves its full length (TensorRT-LLM's default
    /// `GUARANTEED_NO_EVICT` scheduler); the engine gives the KV cache [`KV_MEMORY_FRACTION`]
    /// of the memory left.
    Reserved,
    /// Paged KV allocated on demand with preemption (vLLM, Kwon et al. 2023): sequences hold the
    /// mean context `input + output/2`; the engine gives the KV cache [`KV_MEMORY_FRACTION`].
    OnDemand,
}

impl KvPolicy {
    /// `"static"`, `"reserved"` or `"on-demand"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KvPolicy::Static => "static",
            KvPolicy::Reserved => "reserved",
            KvPolicy::OnDemand => "on-demand",
        }
    }

    /// Share of the free memory the KV cache may use.
    pub fn kv_fraction(self) -> f64 {
        match self {
            KvPolicy::Static => 1.0,
            _ => KV_MEMORY_FRACTION,
        }
    }
}

impl std::str::FromStr for KvPolicy {
    type Err = PerfError;
    fn from_str(s: &str) -> Result<Self, PerfError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "static" => Ok(KvPolicy::Static),
            "reserved" => Ok(KvPolicy::Reserved),
            "on-demand" | "on_demand" | "ondemand" => Ok(KvPolicy::OnDemand),
            _ => Err(invalid(
                "kv_policy",
                format!("'{s}'"),
                "expected 'static', 'reserved' or 'on-demand'",
            )),
        }
    }
}

/// What limits a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    /// Matrix and vector units.
    Compute,
    /// Memory bandwidth.
    Memory,
    /// Chip-to-chip links.
    Communication,
    /// Kernel launch and synchronisation overheads.
    Overhead,
}

impl Bound {
    /// Every bound, in the order of its code in a sweep's `bound` column ([`Bound::code`]).
    pub const ALL: [Bound; 4] = [
        Bound::Compute,
        Bound::Memory,
        Bound::Communication,
        Bound::Overhead,
    ];
    /// A sweep row whose configuration is invalid has this code in its `bound` column.
    pub const INVALID_CODE: u8 = 255;

    /// The code of this bound in a sweep's `bound` column: its index in [`Bound::ALL`].
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Compute => "compute",
            Bound::Memory => "memory",
            Bound::Communication => "communication",
            Bound::Overhead => "overhead",
        }
    }
}

/// Totals of one phase (one forward pass), per chip.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PhaseSummary {
    /// Wall time of the pass, s.
    pub time_s: f64,
    /// FLOPs per chip.
    pub flops: f64,
    /// Bytes moved to or from memory per chip.
    pub bytes: f64,
    /// Bytes sent over links per chip.
    pub comm_bytes: f64,
    /// Time of operators bound by compute, s.
    pub compute_s: f64,
    /// Time of operators bound by memory, s.
    pub memory_s: f64,
    /// Time in collectives, s.
    pub comm_s: f64,
    /// Kernel overheads, s.
    pub overhead_s: f64,
    /// Of `comm_s`, the pipeline sends between stages (hidden in steady state), s.
    pub pp_send_s: f64,
}

impl PhaseSummary {
    /// The largest share of the time.
    pub fn bound(&self) -> Bound {
        let parts = [
            (self.compute_s, Bound::Compute),
            (self.memory_s, Bound::Memory),
            (self.comm_s, Bound::Communication),
            (self.overhead_s, Bound::Overhead),
        ];
        parts
            .into_iter()
            .fold(
                (f64::MIN, Bound::Memory),
                |a, b| if b.0 > a.0 { b } else { a },
            )
            .1
    }
}

/// One operator's contribution, summed over the layers it appears in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpRecord {
    /// `prefill`, `decode` or `steady`.
    pub phase: &'static str,
    /// Operator name (`qkv_proj`, `attention`, `tp_all_reduce`, …).
    pub op: &'static str,
    /// How many times it runs per pass (layers).
    pub count: f64,
    /// FLOPs per chip.
    pub flops: f64,
    /// Memory bytes per chip.
    pub bytes: f64,
    /// Link bytes per chip.
    pub comm_bytes: f64,
    /// Time, s.
    pub time_s: f64,
    /// What bounds it.
    pub bound: Bound,
}

/// Memory per chip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MemoryUse {
    /// Weights on the most loaded chip, bytes.
    pub weights_bytes: f64,
    /// KV cache, bytes: every sequence at full length, or at the mean context for continuous batching.
    pub kv_cache_bytes: f64,
    /// Peak activations of a prefill chunk, bytes.
    pub activation_bytes: f64,
    /// Runtime reserve, bytes.
    pub reserve_bytes: f64,
    /// Sum, bytes.
    pub total_bytes: f64,
    /// The chip's memory, bytes.
    pub capacity_bytes: f64,
    /// Share of the free memory the engine gives the KV cache.
    pub kv_fraction: f64,
}

impl MemoryUse {
    /// What the configuration needs of the chip's memory: weights, activations and reserve, plus
    /// the KV cache ÷ the engine's KV share ([`KvPolicy::kv_fraction`]).
    pub fn required_bytes(&self) -> f64 {
        self.weights_bytes
            + self.activation_bytes
            + self.reserve_bytes
            + self.kv_cache_bytes / self.kv_fraction
    }

    /// Whether it fits.
    pub fn fits(&self) -> bool {
        self.required_bytes() <= self.capacity_bytes
    }

    /// Bytes over capacity (0 when it fits).
    pub fn shortfall_bytes(&self) -> f64 {
        (self.required_bytes() - self.capacity_bytes).max(0.0)
    }
}

/// The longest context an estimate runs: 10 million tokens, the longest any published model
/// supports (Llama 4 Scout). A run beyond its model's trained context but within this is
/// computed and flagged ([`InferenceEstimate::beyond_trained_context`]); past it, refused.
pub const MAX_CONTEXT_TOKENS: u64 = 10_000_000;

/// The result of an inference estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceEstimate {
    /// Model id.
    pub model: String,
    /// Chip id.
    pub chip: String,
    /// What ran.
    pub setup: Setup,
    /// The parameters used (all 1/0 in roofline mode).
    pub params: Params,
    /// Whether weights, activations, reserve and the KV cache (within the engine's share of what
    /// is left, [`KV_MEMORY_FRACTION`]) fit in each chip's memory.
    pub fits: bool,
    /// Memory per chip.
    pub memory: MemoryUse,
    /// Time to first token: prefill of the batch's prompts, s.
    pub ttft_s: f64,
    /// Time per output token at the average context, s.
    pub tpot_s: f64,
    /// TTFT + (output − 1) × TPOT, s.
    pub e2e_latency_s: f64,
    /// Output tokens per second for the whole system in continuous-batching steady state.
    pub throughput_tokens_per_s: f64,
    /// Output tokens per second for the whole system running the batch start to end.
    pub static_throughput_tokens_per_s: f64,
    /// Chip energy per output token at TDP in steady state, J (excludes host and cooling).
    pub energy_per_token_j: f64,
    /// The decode bound.
    pub bound: Bound,
    /// Prefill of the batch's prompts.
    pub prefill: PhaseSummary,
    /// One decode step at the average context.
    pub decode: PhaseSummary,
    /// One continuous-batching step: every sequence decodes and new prompts are prefilled in chunks.
    pub steady: PhaseSummary,
    /// The serving engine's in-flight-batching schedule behind the figures, where an engine ran
    /// the batch (`None`: no engine — a fixed batch, or the `ideal` bound's steady state). With a
    /// schedule, `ttft_s`, `tpot_s`, `e2e_latency_s` and `throughput_tokens_per_s` are the
    /// schedule's; `prefill` and `decode` stay the fixed batch's passes.
    pub schedule: Option<Schedule>,
    /// The next best layouts the search costed, best first (empty for a configuration given
    /// as is).
    pub alternatives: Vec<Alternative>,
    /// How the configuration was chosen (`"given"` or `"best_inference: …"`).
    pub chosen_by: String,
    /// The run is longer than the context the model was trained for (`input + output >
    /// max_position_embeddings`): computed, as engines run it, and flagged.
    pub beyond_trained_context: bool,
    /// Every substitution and assumption behind the figures that the inputs did not state: a
    /// weight-only mapping (weights stored in one precision, multiplied in another), a run beyond
    /// the trained context, an offline maximum-throughput choice without latency targets.
    pub notes: Vec<String>,
    /// The serving engine whose limits the layout search obeyed (`"ideal"`: none); `None` for
    /// a configuration given as is.
    pub engine: Option<String>,
    /// The source of the kernel curves (GEMM by shape, all-reduce by size) behind the figures,
    /// `None` where the chip has none (or the parameters were given or are the roofline's): then
    /// every GEMM runs at the flat calibrated efficiency of `data/calibration.toml`.
    pub kernel_curves: Option<String>,
    /// How many of the calibration values behind the figures are estimates (analogies or
    /// inferred values, marked so in `data/calibration.toml`) rather than measurements, and of
    /// how many: `(11, 12)` for the Ascend family, `(1, 14)` for Hopper; `(0, 0)` when the caller
    /// gave the parameters or in roofline mode.
    pub calibration_estimates: (u32, u32),
}

/// A layout the search costed but did not choose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// Tensor parallelism.
    pub tp: u32,
    /// Pipeline stages.
    pub pp: u32,
    /// Expert parallelism.
    pub ep: u32,
    /// Data-parallel replicas.
    pub dp: u32,
    /// Concurrent sequences, whole system.
    pub batch: u32,
    /// Output tokens per second, whole system.
    pub throughput_tokens_per_s: f64,
    /// Time to first token, s.
    pub ttft_s: f64,
    /// Time per output token, s.
    pub tpot_s: f64,
    /// Pipeline bubble: share of the schedule's cycle no stage computes (0 without a schedule).
    pub bubble_fraction: f64,
}

impl InferenceEstimate {
    /// `" [note; note]"` to follow a one-line description of the estimate, or nothing: where a
    /// figure is shown, its substitutions show with it.
    pub fn notes_suffix(&self) -> String {
        if self.notes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", self.notes.join("; "))
        }
    }
}

/// The numbers of an estimate, without names (see [`InferenceEstimate`] for each field).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Core {
    pub fits: bool,
    pub memory: MemoryUse,
    pub ttft_s: f64,
    pub tpot_s: f64,
    pub e2e_latency_s: f64,
    pub throughput_tokens_per_s: f64,
    pub static_throughput_tokens_per_s: f64,
    pub energy_per_token_j: f64,
    pub prefill: PhaseSummary,
    pub decode: PhaseSummary,
    pub steady: PhaseSummary,
    pub schedule: Option<Schedule>,
}

/// A model, a chip and parameters, resolved once; estimates on it allocate nothing.
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    /// The model.
    pub model: &'a Model,
    /// The chip.
    pub chip: &'a Chip,
    /// Calibrated or roofline parameters.
    pub params: Params,
    /// How many of the calibration values behind `params` the calibration file marks as
    /// estimates (analogies, inferred figures), of how many: set when they come from the file,
    /// `(0, 0)` for parameters given by the caller or roofline mode.
    pub calibration_estimates: (u32, u32),
    /// The chip's kernel curves (GEMM by shape, all-reduce by size) where it has them and the
    /// parameters are not the roofline's (see [`crate::kernels`]).
    pub kernels: Option<&'static ChipKernels>,
}

/// One operator's numbers per pass (per chip, for one occurrence).
#[derive(Debug, Clone, Copy)]
struct Op {
    name: &'static str,
    count: f64,
    flops: f64,
    bytes: f64,
    comm: f64,
    time: f64,
    bound: Bound,
    overhead: f64,
}

/// Where the per-operator numbers go: summed (fast path) or recorded (breakdown).
trait Sink {
    fn add(&mut self, op: &Op);
}

impl Sink for PhaseSummary {
    #[inline]
    fn add(&mut self, op: &Op) {
        let c = op.count;
        if op.name == "pp_send" {
            self.pp_send_s += c * op.time;
        }
        self.flops += c * op.flops;
        self.bytes += c * op.bytes;
        self.comm_bytes += c * op.comm;
        let busy = c * (op.time - op.overhead);
        match op.bound {
            Bound::Compute => self.compute_s += busy,
            Bound::Memory => self.memory_s += busy,
            Bound::Communication => self.comm_s += busy,
            Bound::Overhead => {}
        }
        self.overhead_s += c * op.overhead;
        self.time_s += c * op.time;
    }
}

struct Recorder<'a> {
    phase: &'static str,
    out: &'a mut Vec<OpRecord>,
    summary: PhaseSummary,
}

impl Sink for Recorder<'_> {
    fn add(&mut self, op: &Op) {
        self.summary.add(op);
        if op.count > 0.0 {
            self.out.push(OpRecord {
                phase: self.phase,
                op: op.name,
                count: op.count,
                flops: op.count * op.flops,
                bytes: op.count * op.bytes,
                comm_bytes: op.count * op.comm,
                time_s: op.count * op.time,
                bound: op.bound,
            });
        }
    }
}

/// Times operators on one chip and sends them to a sink.
struct Timer<'a, S: Sink> {
    hw: &'a Hw,
    overhead: f64,
    sink: &'a mut S,
}

impl<S: Sink> Timer<'_, S> {
    /// A kernel: the larger of compute and memory time, plus its launch overhead.
    fn kernel(
        &mut self,
        name: &'static str,
        count: f64,
        flops: f64,
        bytes: f64,
        rate: f64,
        bw: f64,
    ) {
        let tc = flops / rate;
        let tm = bytes / bw;
        let (t, bound) = if tc >= tm {
            (tc, Bound::Compute)
        } else {
            (tm, Bound::Memory)
        };
        let o = self.overhead;
        self.sink.add(&Op {
            name,
            count,
            flops,
            bytes,
            comm: 0.0,
            time: t + o,
            bound,
            overhead: o,
        });
    }

    /// A vector or streaming kernel at the streaming bandwidth.
    fn vector(&mut self, name: &'static str, count: f64, flops: f64, bytes: f64) {
        let (rate, bw) = (self.hw.vec_flops, self.hw.bw);
        self.kernel(name, count, flops, bytes, rate, bw);
    }

    /// A matrix product of `tokens` by a `d_in × d_out` weight split `shard` ways.
    fn linear(
        &mut self,
        name: &'static str,
        count: f64,
        tokens: f64,
        d_in: f64,
        d_out: f64,
        shard: f64,
    ) {
        let hw = self.hw;
        let flops = 2.0 * tokens * d_in * d_out / shard;
        let bytes = d_in * d_out * hw.w_b / shard
            + tokens * (d_in * (hw.a_b + hw.quant_b) + d_out * hw.a_b) / shard;
        match hw.gemm {
            Some(curve) => {
                let f = curve.fraction(tokens, d_in * d_out / shard);
                self.measured(name, count, flops, bytes, f);
            }
            None => self.kernel(name, count, flops, bytes, hw.mm_flops, hw.bw),
        }
    }

    /// A GEMM priced by its kernel curve: the datasheet roofline divided by the fraction of it
    /// that measured kernels of its shape reach, plus the launch overhead.
    fn measured(&mut self, name: &'static str, count: f64, flops: f64, bytes: f64, fraction: f64) {
        let peak = self.hw.mm_peak;
        self.measured_at(name, count, flops, bytes, fraction, peak);
    }

    /// As [`Timer::measured`], against the matrix rate `peak` (attention: the 16-bit one).
    fn measured_at(
        &mut self,
        name: &'static str,
        count: f64,
        flops: f64,
        bytes: f64,
        fraction: f64,
        peak: f64,
    ) {
        let hw = self.hw;
        let (tc, tm) = (flops / peak, bytes / hw.bw_peak);
        let (roof, bound) = if tc >= tm {
            (tc, Bound::Compute)
        } else {
            (tm, Bound::Memory)
        };
        let o = self.overhead;
        self.sink.add(&Op {
            name,
            count,
            flops,
            bytes,
            comm: 0.0,
            time: roof / fraction + o,
            bound,
            overhead: o,
        });
    }

    /// A collective or transfer: bytes on the wire and its time.
    fn comm(&mut self, name: &'static str, count: f64, wire: f64, time: f64) {
        self.sink.add(&Op {
            name,
            count,
            flops: 0.0,
            bytes: 0.0,
            comm: wire,
            time,
            bound: Bound::Communication,
            overhead: 0.0,
        });
    }

    /// Fixed host time that does no work on the chip.
    fn idle(&mut self, name: &'static str, time: f64) {
        self.sink.add(&Op {
            name,
            count: 1.0,
            flops: 0.0,
            bytes: 0.0,
            comm: 0.0,
            time,
            bound: Bound::Overhead,
            overhead: time,
        });
    }
}

/// The shape of one forward pass on one data-parallel replica.
#[derive(Debug, Clone, Copy)]
struct Pass {
    /// Sequences decoding one token each.
    decode_seqs: f64,
    /// Their average context (tokens in the KV cache).
    decode_ctx: f64,
    /// Prompt tokens prefilled in this pass.
    prefill_tokens: f64,
    /// Average number of earlier tokens each prefilled token attends to.
    prefill_ctx: f64,
    /// Sequences whose logits are computed.
    logit_seqs: f64,
    /// Kernels launched without CUDA graphs (prefill and mixed batches).
    eager: bool,
}

impl Pass {
    fn tokens(&self) -> f64 {
        self.decode_seqs + self.prefill_tokens
    }
}

/// Resolved rates and sizes used in the hot loop.
#[derive(Debug, Clone, Copy)]
struct Hw {
    mm_flops: f64,
    mm_flops_eager: f64,
    attn_flops: f64,
    attn_flops_eager: f64,
    attn_bw: f64,
    vec_flops: f64,
    bw: f64,
    link_tp: f64,
    link_ep: f64,
    link_pp: f64,
    w_b: f64,
    kv_b: f64,
    a_b: f64,
    /// Extra bytes per GEMM input element to quantize activations (W8A8/W4A4: read 2, write 1).
    quant_b: f64,
    /// The datasheet matrix rate and bandwidth the GEMM curve's fractions are of.
    mm_peak: f64,
    bw_peak: f64,
    /// The GEMM curve for the matrix precision, where measured.
    gemm: Option<&'static GemmCurve>,
    /// The fused-MoE curve for the matrix precision under the model's routing, where measured.
    moe: Option<&'static GemmCurve>,
    /// Measured decode and context attention (head size 128, no MLA), where measured.
    decode_attn: Option<&'static GemmCurve>,
    context_attn: Option<&'static GemmCurve>,
    /// The datasheet 16-bit matrix rate the context-attention curve's fractions are of.
    attn_peak: f64,
    /// The all-reduce curve for the tensor-parallel group, where measured.
    all_reduce: Option<&'static AllReduceCurve>,
}

fn bytes_of(p: Precision) -> f64 {
    p.bytes()
}

impl<'a> Engine<'a> {
    /// Resolves names against the embedded catalogs.
    pub fn new(model: &'a Model, chip: &'a Chip, params: Params) -> Engine<'a> {
        Engine::with_kernels(model, chip, params, Engine::kernels_for(chip, params))
    }

    /// The kernel curves an engine on `chip` with `params` prices with: the chip's, unless the
    /// parameters are the roofline's.
    pub fn kernels_for(chip: &Chip, params: Params) -> Option<&'static ChipKernels> {
        if params == params.roofline() {
            None
        } else {
            crate::kernels::for_chip(&chip.id)
        }
    }

    /// As [`Engine::new`], with the kernel curves already looked up (sweeps resolve them once
    /// per chip).
    pub fn with_kernels(
        model: &'a Model,
        chip: &'a Chip,
        params: Params,
        kernels: Option<&'static ChipKernels>,
    ) -> Engine<'a> {
        Engine {
            model,
            chip,
            params,
            calibration_estimates: (0, 0),
            kernels,
        }
    }

    /// An engine for `params`, counting the estimated calibration values behind them when they
    /// come from the calibration file (`given` false, calibrated mode); given parameters are
    /// used for every kernel, without the chip's kernel curves.
    pub fn for_params(
        model: &'a Model,
        chip: &'a Chip,
        params: Params,
        given: bool,
        mode: Mode,
    ) -> Engine<'a> {
        let base = Engine::new(model, chip, params);
        Engine {
            calibration_estimates: if !given && mode == Mode::Calibrated {
                crate::calibration::estimated_values(&chip.id)
            } else {
                (0, 0)
            },
            // Parameters the caller gives (`calibrate`'s, their own) replace the curves too.
            kernels: if given { None } else { base.kernels },
            ..base
        }
    }

    /// Checks and completes a configuration.
    #[allow(clippy::too_many_arguments)]
    pub fn setup(
        &self,
        n_chips: u32,
        tp: Option<u32>,
        pp: u32,
        ep: u32,
        batch: u32,
        input_tokens: u32,
        output_tokens: u32,
        weight_dtype: Precision,
        act_dtype: Option<Precision>,
        kv_dtype: Option<Precision>,
        mode: Mode,
    ) -> Result<Setup, PerfError> {
        let m = self.model;
        if n_chips == 0 {
            return Err(invalid("n_chips", n_chips, "must be at least 1"));
        }
        if pp == 0 || n_chips % pp != 0 {
            return Err(invalid(
                "pp",
                pp,
                format!("must divide n_chips = {n_chips}"),
            ));
        }
        if u64::from(pp) > m.num_layers {
            return Err(invalid(
                "pp",
                pp,
                format!("more stages than the model's {} layers", m.num_layers),
            ));
        }
        let per_stage = n_chips / pp;
        let tp = match tp {
            Some(t) => t,
            None => {
                let mut t = 1;
                while t * 2 <= per_stage
                    && per_stage % (t * 2) == 0
                    && t * 2 <= self.params.scale_up_domain
                    && u64::from(t * 2) <= m.num_heads
                {
                    t *= 2;
                }
                t
            }
        };
        if tp == 0 || n_chips % tp != 0 || per_stage % tp != 0 {
            return Err(invalid(
                "tp",
                tp,
                format!("must divide n_chips = {n_chips}"),
            ));
        }
        if u64::from(tp) > m.num_heads || m.num_heads % u64::from(tp) != 0 {
            return Err(invalid(
                "tp",
                tp,
                format!("must divide the model's {} attention heads", m.num_heads),
            ));
        }
        let dp = per_stage / tp;
        if ep == 0 || dp % ep != 0 {
            return Err(invalid(
                "ep",
                ep,
                format!("must divide the data-parallel degree n_chips / (tp × pp) = {dp}"),
            ));
        }
        if ep > 1 && m.moe.is_none() {
            return Err(invalid("ep", ep, format!("{} has no experts", m.id)));
        }
        if let Some(moe) = &m.moe {
            if u64::from(ep) > moe.num_experts {
                return Err(invalid(
                    "ep",
                    ep,
                    format!("more than the model's {} experts", moe.num_experts),
                ));
            }
        }
        if batch == 0 {
            return Err(invalid("batch", batch, "must be at least 1"));
        }
        if batch < dp {
            return Err(invalid(
                "batch",
                batch,
                format!("fewer sequences than the {dp} data-parallel replicas"),
            ));
        }
        if input_tokens == 0 {
            return Err(invalid("input_tokens", input_tokens, "must be at least 1"));
        }
        if output_tokens == 0 {
            return Err(invalid(
                "output_tokens",
                output_tokens,
                "must be at least 1",
            ));
        }
        let ctx = u64::from(input_tokens) + u64::from(output_tokens);
        if ctx > MAX_CONTEXT_TOKENS {
            return Err(invalid(
                "input_tokens + output_tokens",
                ctx,
                format!(
                    "longer than any model's context ({MAX_CONTEXT_TOKENS} tokens; {} was trained for {})",
                    m.id, m.max_position_embeddings
                ),
            ));
        }
        let chip = self.chip;
        let sixteen = if chip.dense.contains_key(&Precision::Bf16) {
            Precision::Bf16
        } else {
            Precision::Fp16
        };
        let act = match act_dtype {
            Some(a) => a,
            None => match weight_dtype {
                Precision::Fp8 | Precision::Int8 | Precision::Fp4
                    if chip.dense.contains_key(&weight_dtype) =>
                {
                    weight_dtype
                }
                Precision::Fp32 => Precision::Fp32,
                _ => sixteen,
            },
        };
        let supported = || {
            chip.precisions()
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let unsupported = |p: Precision, field: &str| PerfError::UnsupportedPrecision {
            chip: chip.id.clone(),
            precision: p.to_string(),
            field: field.to_string(),
            supported: supported(),
        };
        let compute_rate = |p: Precision| {
            chip.dense_flops_per_s(p).or(if p == Precision::Fp32 {
                chip.dense_flops_per_s(Precision::Tf32)
            } else {
                None
            })
        };
        if compute_rate(act).is_none() {
            return Err(unsupported(
                act,
                if act_dtype.is_some() {
                    "act_dtype"
                } else {
                    "weight_dtype"
                },
            ));
        }
        if !chip.dense.contains_key(&sixteen) && compute_rate(act).is_none() {
            return Err(unsupported(sixteen, "attention"));
        }
        if matches!(weight_dtype, Precision::Tf32) {
            return Err(invalid(
                "weight_dtype",
                "tf32",
                "tf32 is a compute format, not a storage format",
            ));
        }
        let kv = kv_dtype.unwrap_or(Precision::Bf16);
        if matches!(kv, Precision::Tf32 | Precision::Fp64) {
            return Err(invalid("kv_dtype", kv, "not a KV cache format"));
        }
        if matches!(weight_dtype, Precision::Fp64) {
            return Err(invalid(
                "weight_dtype",
                "fp64",
                "not an inference weight format",
            ));
        }
        Ok(Setup {
            n_chips,
            tp,
            pp,
            dp,
            ep,
            batch,
            input_tokens,
            output_tokens,
            weight_dtype,
            act_dtype: act,
            kv_dtype: kv,
            mode,
            kv_policy: KvPolicy::Static,
        })
    }

    fn hw(&self, s: &Setup) -> Hw {
        let chip = self.chip;
        let p = &self.params;
        let sixteen = chip
            .dense_flops_per_s(Precision::Bf16)
            .or(chip.dense_flops_per_s(Precision::Fp16));
        let act_rate = chip
            .dense_flops_per_s(s.act_dtype)
            .or(chip.dense_flops_per_s(Precision::Tf32))
            .unwrap_or(1.0);
        let low = s.act_dtype.bits() <= 8;
        let eff = if low {
            p.low_precision_compute_efficiency
        } else {
            p.compute_efficiency
        };
        let eff_eager = if low {
            p.prefill_low_precision_compute_efficiency
        } else {
            p.prefill_compute_efficiency
        };
        let attn = sixteen.unwrap_or(act_rate) * p.compute_efficiency;
        // Vector units: norms and activations are memory-bound at any plausible rate; use a
        // sixteenth of the 16-bit matrix rate (the CUDA-core share on recent GPUs, conservative).
        let vec = sixteen.unwrap_or(act_rate) / 16.0;
        let up = chip
            .scale_up_bandwidth_bytes_per_s()
            .or(chip.io_bandwidth_bytes_per_s())
            .unwrap_or(32e9)
            / 2.0;
        let out = chip
            .scale_out_bandwidth_bytes_per_s()
            .unwrap_or(up.min(25e9));
        let link = |group: u32| if group <= p.scale_up_domain { up } else { out.min(up) } * p.comm_efficiency;
        // The attention curves were measured with head size 128 and without MLA.
        let attention = self
            .kernels
            .filter(|_| self.model.mla.is_none() && self.model.head_dim == 128);
        Hw {
            mm_flops: act_rate * eff,
            mm_flops_eager: act_rate * eff_eager,
            attn_flops: attn,
            attn_flops_eager: sixteen.unwrap_or(act_rate) * p.prefill_compute_efficiency,
            attn_bw: chip.memory_bandwidth_bytes_per_s() * p.attention_memory_efficiency,
            vec_flops: vec,
            bw: chip.memory_bandwidth_bytes_per_s() * p.memory_efficiency,
            link_tp: link(s.tp),
            link_ep: link(s.tp * s.ep),
            link_pp: link(s.n_chips),
            w_b: bytes_of(s.weight_dtype),
            kv_b: bytes_of(s.kv_dtype),
            mm_peak: act_rate,
            bw_peak: chip.memory_bandwidth_bytes_per_s(),
            gemm: self.kernels.and_then(|k| k.gemm_for(s.act_dtype)),
            decode_attn: attention.and_then(|k| k.decode_attention_for(s.kv_dtype)),
            context_attn: attention.and_then(|k| k.context_attention_for(Precision::Bf16)),
            attn_peak: sixteen.unwrap_or(act_rate),
            moe: self.moe_curve(s),
            all_reduce: self
                .kernels
                .filter(|_| s.tp <= p.scale_up_domain)
                .and_then(|k| k.all_reduce_for(s.tp)),
            quant_b: if s.act_dtype.bits() <= 8 { 3.0 } else { 0.0 },
            a_b: if s.act_dtype == Precision::Fp32 {
                4.0
            } else {
                2.0
            },
        }
    }

    /// Runs one forward pass (all layers) into `sink`.
    fn pass(&self, s: &Setup, hw: &Hw, pass: &Pass, sink: &mut impl Sink) {
        let m = self.model;
        let p = &self.params;
        // Prefill and mixed batches run prefill-shaped GEMMs, launched without CUDA graphs.
        let hw = &Hw {
            mm_flops: if pass.eager {
                hw.mm_flops_eager
            } else {
                hw.mm_flops
            },
            attn_flops: if pass.eager {
                hw.attn_flops_eager
            } else {
                hw.attn_flops
            },
            ..*hw
        };
        let overhead = if pass.eager {
            p.eager_kernel_overhead_s
        } else {
            p.kernel_overhead_s
        };
        let mut t = Timer { hw, overhead, sink };
        let tp = f64::from(s.tp);
        let n = pass.tokens();
        let h = m.hidden_size as f64;
        let layers = m.num_layers as f64;

        // --- attention block
        let norms = if m.parallel_attention { 1.0 } else { 2.0 };
        // Fused residual add + RMSNorm: reads the input and the residual, writes both.
        t.vector("norm", layers * norms, 5.0 * n * h, 4.0 * n * h * hw.a_b);
        match &m.mla {
            None => {
                let qkv = (m.q_dim() + 2 * m.num_kv_heads * m.head_dim) as f64;
                t.linear("qkv_proj", layers, n, h, qkv, tp);
                t.linear("o_proj", layers, n, m.attn_out_dim() as f64, h, tp);
            }
            Some(mla) => {
                let nh = m.num_heads as f64;
                let (ql, kl) = (mla.q_lora_rank as f64, mla.kv_lora_rank as f64);
                let (nope, rope, v) = (
                    mla.qk_nope_head_dim as f64,
                    mla.qk_rope_head_dim as f64,
                    mla.v_head_dim as f64,
                );
                if mla.q_lora_rank > 0 {
                    // Down-projections are replicated across TP ranks in vLLM and SGLang.
                    t.linear("q_down_proj", layers, n, h, ql, 1.0);
                    t.linear("q_up_proj", layers, n, ql, nh * (nope + rope), tp);
                } else {
                    t.linear("q_proj", layers, n, h, nh * (nope + rope), tp);
                }
                t.linear("kv_down_proj", layers, n, h, kl + rope, 1.0);
                // Prefill expands the latent into per-head k and v; decode absorbs the same
                // weights into the query and output (same FLOPs per token, same weight bytes).
                t.linear("kv_up_proj", layers, n, kl, nh * (nope + v), tp);
                t.linear("o_proj", layers, n, nh * v, h, tp);
            }
        }
        // Rotary embedding reads and writes the rotated part of q and k.
        let rope_width = match &m.mla {
            Some(mla) => ((m.num_heads + 1) * mla.qk_rope_head_dim) as f64,
            None => (m.q_dim() + m.num_kv_heads * m.head_dim) as f64,
        };
        t.vector(
            "rope",
            layers,
            6.0 * n * rope_width / tp,
            2.0 * n * rope_width / tp * hw.a_b,
        );
        // Attention over the KV cache: FLOPs per (query, key) pair = 2 × heads × (d_qk + d_v).
        let nh_chip = m.num_heads as f64 / tp;
        let (d_prefill, d_decode, kv_elems_chip) = match &m.mla {
            None => {
                let d = 2.0 * m.head_dim as f64;
                let kv_heads_chip = (m.num_kv_heads as f64 / tp).max(1.0);
                (d, d, 2.0 * kv_heads_chip * m.head_dim as f64)
            }
            Some(mla) => {
                let latent = (mla.kv_lora_rank + mla.qk_rope_head_dim) as f64;
                (
                    (mla.qk_nope_head_dim + mla.qk_rope_head_dim + mla.v_head_dim) as f64,
                    latent + mla.kv_lora_rank as f64,
                    latent, // the latent is replicated on every TP rank
                )
            }
        };
        let q_bytes = 2.0 * m.q_dim() as f64 / tp * hw.a_b;
        match (hw.context_attn, hw.decode_attn) {
            // Measured kernels: prefill attention by query heads per GPU and prompt length
            // (of the matrix peak), decode attention by sequences in the step and their context
            // (of the bandwidth), each its own kernel.
            (Some(ctx), Some(dec)) => {
                if pass.prefill_tokens > 0.0 {
                    let flops = 2.0 * nh_chip * d_prefill * pass.prefill_tokens * pass.prefill_ctx;
                    let bytes = hw.kv_b * kv_elems_chip * 2.0 * pass.prefill_tokens
                        + pass.prefill_tokens * q_bytes;
                    let f = ctx.fraction(2.0 * pass.prefill_ctx, nh_chip);
                    t.measured_at("context_attention", layers, flops, bytes, f, hw.attn_peak);
                }
                if pass.decode_seqs > 0.0 {
                    let flops = 2.0 * nh_chip * d_decode * pass.decode_seqs * pass.decode_ctx;
                    let bytes =
                        hw.kv_b * kv_elems_chip * pass.decode_seqs * (pass.decode_ctx + 1.0)
                            + pass.decode_seqs * q_bytes;
                    let f = dec.fraction(pass.decode_ctx, pass.decode_seqs);
                    t.measured_at("attention", layers, flops, bytes, f, hw.attn_peak);
                }
            }
            _ => {
                let attn_flops = 2.0
                    * nh_chip
                    * (d_prefill * pass.prefill_tokens * pass.prefill_ctx
                        + d_decode * pass.decode_seqs * pass.decode_ctx);
                let attn_bytes = hw.kv_b
                    * kv_elems_chip
                    * (pass.decode_seqs * (pass.decode_ctx + 1.0) + 2.0 * pass.prefill_tokens)
                    + n * q_bytes;
                // Attention streams the paged KV cache at its own measured bandwidth.
                t.kernel(
                    "attention",
                    layers,
                    attn_flops,
                    attn_bytes,
                    hw.attn_flops,
                    hw.attn_bw,
                );
            }
        }
        // Ring all-reduce: 2(tp−1)/tp of the message crosses each link; the fixed cost is the
        // measured small-message latency of one collective.
        let ar_size = n * h * hw.a_b;
        let ar_wire = 2.0 * (tp - 1.0) / tp * ar_size;
        let ar_time = match hw.all_reduce {
            Some(curve) => curve.latency_s(ar_size),
            None => ar_wire / hw.link_tp + p.collective_latency_s,
        };
        if s.tp > 1 && !m.parallel_attention {
            t.comm("tp_all_reduce", layers, ar_wire, ar_time);
        }

        // --- MLP block
        let mats = match m.mlp {
            Mlp::Gated => 3.0,
            Mlp::Standard => 2.0,
        };
        let dense_layers = m.dense_layers() as f64;
        if dense_layers > 0.0 {
            let f = m.intermediate_size as f64;
            t.linear("mlp_up_proj", dense_layers, n, h, (mats - 1.0) * f, tp);
            t.vector(
                "activation",
                dense_layers,
                4.0 * n * f / tp,
                3.0 * n * f / tp * hw.a_b,
            );
            t.linear("mlp_down_proj", dense_layers, n, f, h, tp);
        }
        if let Some(moe) = &m.moe {
            let ml = m.moe_layers() as f64;
            let e = moe.num_experts as f64;
            let k = moe.top_k as f64;
            let fe = moe.expert_intermediate_size as f64;
            t.kernel(
                "router",
                ml,
                2.0 * n * h * e,
                h * e * hw.w_b + n * (h + e) * hw.a_b,
                hw.mm_flops,
                hw.bw,
            );
            if moe.num_shared_experts > 0 {
                let fs = (moe.num_shared_experts * moe.shared_expert_intermediate_size) as f64;
                t.linear("shared_expert_up_proj", ml, n, h, (mats - 1.0) * fs, tp);
                t.vector(
                    "activation",
                    ml,
                    4.0 * n * fs / tp,
                    3.0 * n * fs / tp * hw.a_b,
                );
                t.linear("shared_expert_down_proj", ml, n, fs, h, tp);
            }
            // Tokens pooled over the EP group pick experts; the expected number of distinct
            // experts hit by N tokens choosing k of E each is E(1 − (1 − k/E)^N).
            let pooled = n * f64::from(s.ep);
            let distinct = e * (1.0 - (1.0 - k / e).powf(pooled));
            let shard = tp * f64::from(s.ep);
            let flops = 2.0 * n * k * mats * h * fe / tp;
            let bytes = distinct * mats * h * fe * hw.w_b / shard
                + n * k * (2.0 * h + mats * fe) * hw.a_b / tp;
            let (per_expert, local) = (pooled * k / e, e / f64::from(s.ep) * h * fe / tp);
            // TensorRT-LLM's fused MoE layer as measured (`hw.moe`): M tokens per expert over
            // the rank's local expert weight, under the model's routing distribution, its
            // imbalance included. Without it, a grouped GEMM priced as one GEMM of that M over
            // every local expert's weights (balanced routing: the tiles of all experts fill the
            // chip together).
            match hw.moe.or(hw.gemm) {
                Some(curve) => {
                    let f = curve.fraction(per_expert, local);
                    t.measured("experts", ml, flops, bytes, f);
                }
                None => t.kernel("experts", ml, flops, bytes, hw.mm_flops, hw.bw),
            }
            if s.ep > 1 {
                let ep = f64::from(s.ep);
                let wire = n * k * h * hw.a_b / tp * (ep - 1.0) / ep;
                t.comm(
                    "ep_all_to_all",
                    ml,
                    2.0 * wire,
                    2.0 * (wire / hw.link_ep + p.collective_latency_s),
                );
            }
        }
        if s.tp > 1 {
            t.comm("tp_all_reduce", layers, ar_wire, ar_time);
        }

        // --- outside the layers
        t.vector("embedding", 1.0, 0.0, 2.0 * n * h * hw.a_b);
        let v = m.vocab_size as f64;
        // The output head stays 16-bit in quantized checkpoints; logits are fp32.
        let head_flops = 2.0 * pass.logit_seqs * h * v / tp;
        let head_bytes = h * v * 2.0 / tp + pass.logit_seqs * (h * hw.a_b + v * 4.0 / tp);
        t.kernel("lm_head", 1.0, head_flops, head_bytes, hw.attn_flops, hw.bw);
        if p.step_overhead_s > 0.0 {
            t.idle("engine_step", p.step_overhead_s);
        }
        if s.pp > 1 {
            let size = n * h * hw.a_b;
            t.comm(
                "pp_send",
                f64::from(s.pp - 1),
                size,
                size / hw.link_pp + p.collective_latency_s,
            );
        }
    }

    /// Memory per chip for a configuration.
    pub fn memory(&self, s: &Setup) -> MemoryUse {
        let m = self.model;
        let c = m.param_counts();
        let tp = f64::from(s.tp);
        let pp = f64::from(s.pp);
        let w_b = bytes_of(s.weight_dtype);
        let layer_params = c.attention + c.dense_mlp + c.router + c.norms;
        let embed = if s.pp == 1 {
            c.embedding + c.lm_head
        } else {
            c.embedding.max(c.lm_head)
        };
        let weights = layer_params * w_b / (tp * pp)
            + c.experts * w_b / (tp * f64::from(s.ep) * pp)
            + embed * 2.0 / tp;
        let seqs = (f64::from(s.batch) / f64::from(s.dp)).ceil();
        let kv_chip = match &m.mla {
            Some(_) => m.kv_elements_per_token_per_layer(),
            None => 2.0 * (m.num_kv_heads as f64 / tp).max(1.0) * m.head_dim as f64,
        };
        let layers_per_stage = (m.num_layers as f64 / pp).ceil();
        let ctx = f64::from(s.input_tokens)
            + f64::from(s.output_tokens)
                / if s.kv_policy == KvPolicy::OnDemand {
                    2.0
                } else {
                    1.0
                };
        let kv = seqs * ctx * kv_chip * layers_per_stage * bytes_of(s.kv_dtype);
        let chunk = (seqs * f64::from(s.input_tokens)).min(PREFILL_CHUNK_TOKENS);
        let width = m.intermediate_size.max(
            m.moe
                .as_ref()
                .map_or(0, |e| e.top_k * e.expert_intermediate_size),
        ) as f64;
        let a_b = if s.act_dtype == Precision::Fp32 {
            4.0
        } else {
            2.0
        };
        let activations = chunk * (4.0 * m.hidden_size as f64 + 2.0 * width / tp) * a_b
            + seqs * m.vocab_size as f64 * 4.0 / tp;
        let reserve = self.params.runtime_reserve_bytes;
        let total = weights + kv + activations + reserve;
        MemoryUse {
            weights_bytes: weights,
            kv_cache_bytes: kv,
            activation_bytes: activations,
            reserve_bytes: reserve,
            total_bytes: total,
            capacity_bytes: self.chip.device_memory_bytes(),
            kv_fraction: s.kv_policy.kv_fraction(),
        }
    }

    fn passes(s: &Setup) -> (Pass, Pass, Pass) {
        let seqs = (f64::from(s.batch) / f64::from(s.dp)).ceil();
        let pp = f64::from(s.pp);
        let input = f64::from(s.input_tokens);
        let output = f64::from(s.output_tokens);
        let prefill = Pass {
            decode_seqs: 0.0,
            decode_ctx: 0.0,
            prefill_tokens: seqs * input,
            prefill_ctx: (input + 1.0) / 2.0,
            logit_seqs: seqs,
            eager: true,
        };
        // Microbatches: with pp stages the replica's sequences are split into pp groups in flight.
        let micro = (seqs / pp).max(1.0);
        let ctx = input + output / 2.0;
        let decode = Pass {
            decode_seqs: micro,
            decode_ctx: ctx,
            prefill_tokens: 0.0,
            prefill_ctx: 0.0,
            logit_seqs: micro,
            eager: false,
        };
        // Steady state: each step decodes every running sequence and prefills, in chunks, the
        // prompts of the sequences that replace those finishing (input/output per sequence).
        let steady = Pass {
            decode_seqs: micro,
            decode_ctx: ctx,
            prefill_tokens: micro * input / output,
            prefill_ctx: input / 2.0,
            logit_seqs: micro * (1.0 + 1.0 / output),
            eager: true,
        };
        (prefill, decode, steady)
    }

    /// Runs the estimate for a resolved setup (a fixed batch, no engine schedule).
    pub fn estimate(&self, s: &Setup) -> InferenceEstimate {
        self.run(s, None, None)
    }

    /// Runs the estimate under an engine's schedule (`None`: a fixed batch).
    pub fn estimate_with(&self, s: &Setup, limits: Option<&EngineLimits>) -> InferenceEstimate {
        self.run(s, limits, None)
    }

    /// Runs the estimate and records every operator.
    pub fn estimate_with_breakdown(&self, s: &Setup) -> (InferenceEstimate, Vec<OpRecord>) {
        let mut ops = Vec::with_capacity(64);
        let e = self.run(s, None, Some(&mut ops));
        (e, ops)
    }

    /// What a setup substitutes or assumes beyond its inputs, in words (see
    /// [`InferenceEstimate::notes`]); empty for a plain run.
    pub fn notes(&self, s: &Setup) -> Vec<String> {
        let mut notes = Vec::new();
        if s.weight_dtype.bits() < s.act_dtype.bits() && s.weight_dtype != s.act_dtype {
            let why = if self.chip.dense_flops_per_s(s.weight_dtype).is_none() {
                format!(" ({} has no {} rate)", self.chip.id, s.weight_dtype)
            } else {
                String::new()
            };
            notes.push(format!(
                "weight-only {}: {} weights, {} compute{why}",
                s.weight_dtype, s.weight_dtype, s.act_dtype
            ));
        }
        if self.beyond_trained_context(s) {
            notes.push(format!(
                "{} + {} tokens is beyond {}'s trained context of {} tokens: computed as engines run it",
                s.input_tokens, s.output_tokens, self.model.id, self.model.max_position_embeddings
            ));
        }
        if self.moe_curve(s).is_some() {
            notes.push(format!(
                "MoE experts: TensorRT-LLM's measured fused-MoE kernel, {} routing \
                 (AIConfigurator's default for this model family)",
                crate::kernels::moe_routing(self.model)
            ));
        }
        notes
    }

    /// The fused-MoE curve the experts of `s` are priced by: the chip's, for the matrix
    /// precision, under the model's routing; `None` for a dense model or where unmeasured.
    fn moe_curve(&self, s: &Setup) -> Option<&'static GemmCurve> {
        self.kernels
            .filter(|_| self.model.moe.is_some())
            .and_then(|k| k.moe_for(s.act_dtype, crate::kernels::moe_routing(self.model)))
    }

    /// Whether the run is longer than the model's trained context.
    pub fn beyond_trained_context(&self, s: &Setup) -> bool {
        u64::from(s.input_tokens) + u64::from(s.output_tokens) > self.model.max_position_embeddings
    }

    fn run(
        &self,
        s: &Setup,
        limits: Option<&EngineLimits>,
        record: Option<&mut Vec<OpRecord>>,
    ) -> InferenceEstimate {
        let core = self.core(s, limits, record);
        let mut notes = self.notes(s);
        if let Some(sc) = &core.schedule {
            if sc.chunked_prefill && limits.is_some_and(|l| !l.chunked_prefill) {
                notes.push(format!(
                    "a {}-token prompt is longer than the engine's {:.0}-token step budget: run with chunked prefill",
                    s.input_tokens, sc.token_budget
                ));
            }
        }
        InferenceEstimate {
            model: self.model.id.clone(),
            chip: self.chip.id.clone(),
            setup: *s,
            params: self.params,
            fits: core.fits,
            memory: core.memory,
            ttft_s: core.ttft_s,
            tpot_s: core.tpot_s,
            e2e_latency_s: core.e2e_latency_s,
            throughput_tokens_per_s: core.throughput_tokens_per_s,
            static_throughput_tokens_per_s: core.static_throughput_tokens_per_s,
            energy_per_token_j: core.energy_per_token_j,
            bound: core.decode.bound(),
            prefill: core.prefill,
            decode: core.decode,
            steady: core.steady,
            schedule: core.schedule,
            alternatives: Vec::new(),
            chosen_by: "given".to_string(),
            beyond_trained_context: self.beyond_trained_context(s),
            notes,
            engine: None,
            kernel_curves: self.kernel_source().map(str::to_string),
            calibration_estimates: self.calibration_estimates,
        }
    }

    /// The source key of the GEMM curves this engine prices with, if any.
    pub fn kernel_source(&self) -> Option<&'static str> {
        self.kernels
            .and_then(|k| k.gemm.first())
            .map(|(_, c)| c.source.as_str())
    }

    /// The numbers of an estimate without names or records: what sweeps keep. Allocates nothing.
    pub fn summary(&self, s: &Setup) -> Core {
        self.core(s, None, None)
    }

    /// As [`Engine::summary`], under an engine's schedule.
    pub fn summary_with(&self, s: &Setup, limits: Option<&EngineLimits>) -> Core {
        self.core(s, limits, None)
    }

    /// The engine's in-flight-batching schedule of `s` (see [`crate::Schedule`]).
    pub fn schedule(&self, s: &Setup, limits: &EngineLimits) -> Schedule {
        let hw = self.hw(s);
        let seqs = (f64::from(s.batch) / f64::from(s.dp)).ceil();
        let (input, output) = (f64::from(s.input_tokens), f64::from(s.output_tokens));
        let host = self.params.step_overhead_s;
        let hops = f64::from(s.pp.saturating_sub(1)).max(1.0);
        let ctx = input + output / 2.0;
        let decode_only = |seqs: f64| Pass {
            decode_seqs: seqs,
            decode_ctx: ctx,
            prefill_tokens: 0.0,
            prefill_ctx: 0.0,
            logit_seqs: seqs,
            eager: false,
        };
        let device = |p: &PhaseSummary| (p.time_s - p.pp_send_s - host).max(0.0);
        if limits.arrivals == Arrivals::Steady {
            let st = Steady::new(seqs, s.pp, input, output, limits);
            let with_prompt = Pass {
                decode_seqs: st.decode,
                decode_ctx: ctx,
                prefill_tokens: st.chunk,
                prefill_ctx: input / 2.0,
                logit_seqs: st.decode + st.chunk / input,
                eager: true,
            };
            let (mut a, mut b) = (PhaseSummary::default(), PhaseSummary::default());
            self.pass(s, &hw, &with_prompt, &mut a);
            self.pass(s, &hw, &decode_only(st.decode), &mut b);
            let send = (st.prefill_fraction() * a.pp_send_s
                + (1.0 - st.prefill_fraction()) * b.pp_send_s)
                / hops;
            return st.schedule(s.pp, limits, device(&a), device(&b), host, send, output);
        }
        let wave = Wave::new(seqs, s.pp, input, output, limits);
        let mixed = Pass {
            decode_seqs: wave.decode_in_mixed,
            decode_ctx: ctx,
            prefill_tokens: wave.prefill_tokens,
            prefill_ctx: input / 2.0,
            logit_seqs: wave.decode_in_mixed + wave.prefill_tokens / input,
            eager: true,
        };
        let (mut a, mut b) = (PhaseSummary::default(), PhaseSummary::default());
        self.pass(s, &hw, &mixed, &mut a);
        self.pass(s, &hw, &decode_only(wave.micro), &mut b);
        wave.schedule(
            s.pp,
            limits,
            device(&a),
            device(&b),
            host,
            (a.pp_send_s / hops, b.pp_send_s / hops),
            output,
        )
    }

    fn core(
        &self,
        s: &Setup,
        limits: Option<&EngineLimits>,
        record: Option<&mut Vec<OpRecord>>,
    ) -> Core {
        let hw = self.hw(s);
        let (pf, dc, st) = Self::passes(s);
        let (prefill, decode, steady) = match record {
            None => {
                let (mut a, mut b, mut c) = (
                    PhaseSummary::default(),
                    PhaseSummary::default(),
                    PhaseSummary::default(),
                );
                self.pass(s, &hw, &pf, &mut a);
                self.pass(s, &hw, &dc, &mut b);
                self.pass(s, &hw, &st, &mut c);
                (a, b, c)
            }
            Some(out) => {
                let mut run = |phase, pass: &Pass| {
                    let mut r = Recorder {
                        phase,
                        out: &mut *out,
                        summary: PhaseSummary::default(),
                    };
                    self.pass(s, &hw, pass, &mut r);
                    r.summary
                };
                let a = run("prefill", &pf);
                let b = run("decode", &dc);
                let c = run("steady", &st);
                (a, b, c)
            }
        };
        let memory = self.memory(s);
        let seqs = (f64::from(s.batch) / f64::from(s.dp)).ceil();
        let dp = f64::from(s.dp);
        let pp = f64::from(s.pp);
        let out_tokens = f64::from(s.output_tokens);
        let e2e_static = prefill.time_s + (out_tokens - 1.0) * decode.time_s;
        let static_throughput = f64::from(s.batch) * out_tokens / e2e_static;
        let schedule = limits.map(|l| self.schedule(s, l));
        let (ttft, tpot, throughput) = match &schedule {
            Some(sc) => (
                sc.ttft_s,
                sc.tpot_s,
                dp * sc.replica_throughput_tokens_per_s,
            ),
            None => {
                // The ideal bound: with pp stages, each replica keeps pp microbatches of
                // seqs/pp in flight and, once the pipeline is full, finishes one microbatch step
                // every (step time / pp) — no bubble, sends hidden, no host cost per stage.
                let micro = (seqs / pp).max(1.0);
                let step = (steady.time_s - steady.pp_send_s).max(f64::MIN_POSITIVE);
                (prefill.time_s, decode.time_s, dp * micro * pp / step)
            }
        };
        Core {
            fits: memory.fits(),
            memory,
            ttft_s: ttft,
            tpot_s: tpot,
            e2e_latency_s: ttft + (out_tokens - 1.0) * tpot,
            throughput_tokens_per_s: throughput,
            static_throughput_tokens_per_s: static_throughput,
            energy_per_token_j: f64::from(s.n_chips) * self.chip.tdp_w() / throughput,
            prefill,
            decode,
            steady,
            schedule,
        }
    }

    /// The largest batch (a multiple of the data-parallel degree) whose memory fits, or 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_perf::{Engine, Mode, ModelCatalog, Params};
    /// use chipmodel_catalog::{Catalog, Precision};
    /// let chip = Catalog::embedded().get("h200").unwrap();
    /// let e = Engine::new(ModelCatalog::embedded().unwrap().get("llama-3.1-8b").unwrap(), chip, Params::for_chip(chip, Mode::Calibrated).unwrap());
    /// let s = e.setup(1, None, 1, 1, 1, 1024, 1024, Precision::Bf16, None, None, Mode::Calibrated).unwrap();
    /// let b = e.max_batch(&s);
    /// assert!(b > 100);
    /// assert!(e.memory(&chipmodel_perf::Setup { batch: b, ..s }).fits());
    /// assert!(!e.memory(&chipmodel_perf::Setup { batch: b + 1, ..s }).fits());
    /// ```
    pub fn max_batch(&self, s: &Setup) -> u32 {
        let fits = |b: u32| self.memory(&Setup { batch: b, ..*s }).fits();
        let dp = s.dp;
        if !fits(dp) {
            return 0;
        }
        let (mut lo, mut hi) = (dp, dp);
        while hi < (1 << 24) && fits(hi) {
            lo = hi;
            hi = hi.saturating_mul(2);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) { lo = mid } else { hi = mid }
        }
        lo
    }
}

/// Runs a configuration of `model` on `chip`.
///
/// # Errors
///
/// A configuration that does not divide, or a precision the chip lacks.
pub fn estimate_inference(
    model: &Model,
    chip: &Chip,
    cfg: &InferenceConfig,
) -> Result<InferenceEstimate, PerfError> {
    let (engine, setup) = resolve(model, chip, cfg)?;
    Ok(engine.estimate(&setup))
}

/// As [`estimate_inference`], with the per-operator breakdown.
pub fn estimate_inference_breakdown(
    model: &Model,
    chip: &Chip,
    cfg: &InferenceConfig,
) -> Result<(InferenceEstimate, Vec<OpRecord>), PerfError> {
    let (engine, setup) = resolve(model, chip, cfg)?;
    Ok(engine.estimate_with_breakdown(&setup))
}

/// Checks a configuration of `model` on `chip` and builds the engine that runs it.
pub fn resolve<'a>(
    model: &'a Model,
    chip: &'a Chip,
    cfg: &InferenceConfig,
) -> Result<(Engine<'a>, Setup), PerfError> {
    let params = match cfg.params {
        Some(p) => {
            p.validate()?;
            match cfg.mode {
                Mode::Calibrated => p,
                Mode::Roofline => p.roofline(),
            }
        }
        None => Params::for_chip(chip, cfg.mode)?,
    };
    let engine = Engine::for_params(model, chip, params, cfg.params.is_some(), cfg.mode);
    let setup = engine.setup(
        cfg.n_chips,
        cfg.tp,
        cfg.pp,
        cfg.ep,
        cfg.batch,
        cfg.input_tokens,
        cfg.output_tokens,
        cfg.weight_dtype,
        cfg.act_dtype,
        cfg.kv_dtype,
        cfg.mode,
    )?;
    Ok((
        engine,
        Setup {
            kv_policy: cfg.kv_policy,
            ..setup
        },
    ))
}
