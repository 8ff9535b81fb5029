//! Grids of configurations evaluated in parallel: as columns, by ranges of the grid (streaming,
//! bounded memory), or reduced in place to a small answer (a Pareto front, the best
//! configuration per group, the top k) without materializing the rows.
//!
//! Every result is defined by the grid alone, never by how it was split: ties are broken by the
//! configuration's grid index, so any thread count, chunking or partitioning over machines gives
//! bit-identical output.

use chipmodel_catalog::{Chip, Precision};
use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::calibration::{Mode, Params};
use crate::catalogs::Catalogs;
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
    /// Grid index of the configuration (its position in the full cartesian product).
    pub index: Vec<u64>,
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
    /// Throughput ÷ chips, output tokens per second per chip.
    pub throughput_per_chip_tokens_per_s: Vec<f64>,
    /// Chips × USD per chip-hour ÷ tokens per hour × 10⁶ (NaN without a price).
    pub usd_per_million_tokens: Vec<f64>,
    /// [`Bound::code`] of the decode phase ([`Bound::INVALID_CODE`] for an invalid row).
    pub bound: Vec<u8>,
}

impl SweepSpec {
    /// Number of configurations.
    pub fn len(&self) -> usize {
        self.dims().iter().fold(1usize, |n, d| n.saturating_mul(*d))
    }

    /// Whether the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn dims(&self) -> [usize; 12] {
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
    }
}

/// A grid dimension, for grouping (`Best { by }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    /// Model.
    Model,
    /// Chip.
    Chip,
    /// Chip count.
    NChips,
    /// Tensor parallelism (as given in the grid).
    Tp,
    /// Pipeline stages.
    Pp,
    /// Expert parallelism.
    Ep,
    /// Batch.
    Batch,
    /// Prompt length.
    InputTokens,
    /// Output length.
    OutputTokens,
    /// Weight precision.
    WeightDtype,
    /// KV cache precision.
    KvDtype,
    /// Mode.
    Mode,
}

impl Dim {
    /// Every dimension, in grid order.
    pub const ALL: [Dim; 12] = [
        Dim::Model,
        Dim::Chip,
        Dim::NChips,
        Dim::Tp,
        Dim::Pp,
        Dim::Ep,
        Dim::Batch,
        Dim::InputTokens,
        Dim::OutputTokens,
        Dim::WeightDtype,
        Dim::KvDtype,
        Dim::Mode,
    ];

    /// The column name (`"n_chips"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Model => "model",
            Dim::Chip => "chip",
            Dim::NChips => "n_chips",
            Dim::Tp => "tp",
            Dim::Pp => "pp",
            Dim::Ep => "ep",
            Dim::Batch => "batch",
            Dim::InputTokens => "input_tokens",
            Dim::OutputTokens => "output_tokens",
            Dim::WeightDtype => "weight_dtype",
            Dim::KvDtype => "kv_dtype",
            Dim::Mode => "mode",
        }
    }
}

/// The item of `all` named `s`, or an error naming `field` and listing every name.
fn by_name<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    field: &str,
    s: &str,
) -> Result<T, PerfError> {
    all.iter().copied().find(|x| name(*x) == s).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        invalid(
            field,
            format!("'{s}'"),
            format!("expected one of {}", names.join(", ")),
        )
    })
}

impl std::str::FromStr for Dim {
    type Err = PerfError;
    fn from_str(s: &str) -> Result<Dim, PerfError> {
        by_name(&Dim::ALL, Dim::as_str, "by", s)
    }
}

/// An output a reduction ranks by; each is either maximized or minimized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Steady-state output tokens per second (maximized).
    ThroughputTokensPerS,
    /// Output tokens per second per chip (maximized).
    ThroughputPerChipTokensPerS,
    /// Time to first token, s (minimized).
    TtftS,
    /// Time per output token, s (minimized).
    TpotS,
    /// Request latency, s (minimized).
    E2eLatencyS,
    /// Energy per output token, J (minimized).
    EnergyPerTokenJ,
    /// USD per million output tokens (minimized; needs prices).
    UsdPerMillionTokens,
    /// Memory per chip, bytes (minimized).
    MemoryPerChipBytes,
}

impl Objective {
    /// Every objective.
    pub const ALL: [Objective; 8] = [
        Objective::ThroughputTokensPerS,
        Objective::ThroughputPerChipTokensPerS,
        Objective::TtftS,
        Objective::TpotS,
        Objective::E2eLatencyS,
        Objective::EnergyPerTokenJ,
        Objective::UsdPerMillionTokens,
        Objective::MemoryPerChipBytes,
    ];

    /// The column name (`"tpot_s"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Objective::ThroughputTokensPerS => "throughput_tokens_per_s",
            Objective::ThroughputPerChipTokensPerS => "throughput_per_chip_tokens_per_s",
            Objective::TtftS => "ttft_s",
            Objective::TpotS => "tpot_s",
            Objective::E2eLatencyS => "e2e_latency_s",
            Objective::EnergyPerTokenJ => "energy_per_token_j",
            Objective::UsdPerMillionTokens => "usd_per_million_tokens",
            Objective::MemoryPerChipBytes => "memory_per_chip_bytes",
        }
    }

    /// Whether larger is better.
    pub fn maximize(self) -> bool {
        matches!(
            self,
            Objective::ThroughputTokensPerS | Objective::ThroughputPerChipTokensPerS
        )
    }

    fn of(self, r: &Row) -> f64 {
        match self {
            Objective::ThroughputTokensPerS => r.thr,
            Objective::ThroughputPerChipTokensPerS => r.thr_per_chip,
            Objective::TtftS => r.ttft,
            Objective::TpotS => r.tpot,
            Objective::E2eLatencyS => r.e2e,
            Objective::EnergyPerTokenJ => r.energy,
            Objective::UsdPerMillionTokens => r.usd_per_mtok,
            Objective::MemoryPerChipBytes => r.mem,
        }
    }

    /// The value as a cost: smaller is better.
    fn cost(self, r: &Row) -> f64 {
        if self.maximize() {
            -self.of(r)
        } else {
            self.of(r)
        }
    }
}

impl std::str::FromStr for Objective {
    type Err = PerfError;
    fn from_str(s: &str) -> Result<Objective, PerfError> {
        by_name(&Objective::ALL, Objective::as_str, "objective", s)
    }
}

/// Which configurations a reduction considers: always only valid ones whose memory fits, and
/// within any latency limits given here.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Limits {
    /// Largest time to first token, s.
    pub max_ttft_s: Option<f64>,
    /// Largest time per output token, s.
    pub max_tpot_s: Option<f64>,
    /// Largest request latency, s.
    pub max_e2e_latency_s: Option<f64>,
}

impl Limits {
    fn admit(&self, r: &Row) -> bool {
        let under = |limit: Option<f64>, x: f64| limit.is_none_or(|l| x <= l);
        r.valid
            && r.fits
            && r.thr.is_finite()
            && r.thr > 0.0
            && under(self.max_ttft_s, r.ttft)
            && under(self.max_tpot_s, r.tpot)
            && under(self.max_e2e_latency_s, r.e2e)
    }
}

/// A reduction of a sweep to a small answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// The Pareto front over the objectives (2 or 3): configurations no other admitted
    /// configuration matches or beats on every objective; of identical points, the first in the
    /// grid. Returned in grid order.
    Pareto(Vec<Objective>),
    /// The best configuration by `metric` in each group of equal `by` dimensions; ties go to
    /// the first in the grid. Returned in group order (grid order of the groups).
    Best {
        /// Ranked by.
        metric: Objective,
        /// Grouped by.
        by: Vec<Dim>,
    },
    /// The `k` best by `metric`, best first; ties go to the first in the grid.
    Top {
        /// Ranked by.
        metric: Objective,
        /// How many.
        k: usize,
    },
}

impl Reduction {
    /// Checks the reduction's own arguments.
    pub fn check(&self) -> Result<(), PerfError> {
        match self {
            Reduction::Pareto(o) if !(1..=4).contains(&o.len()) => Err(invalid(
                "objectives",
                o.len(),
                "a Pareto front needs 1 to 4 objectives",
            )),
            Reduction::Pareto(o) if (1..o.len()).any(|i| o[..i].contains(&o[i])) => Err(invalid(
                "objectives",
                format!("{:?}", o.iter().map(|x| x.as_str()).collect::<Vec<_>>()),
                "each objective at most once",
            )),
            Reduction::Top { k, .. } if *k == 0 || *k > 1_000_000 => {
                Err(invalid("k", k, "must be between 1 and 1,000,000"))
            }
            _ => Ok(()),
        }
    }
}

/// One configuration's outputs.
#[derive(Clone, Copy)]
struct Row {
    index: u64,
    idx: [u32; 12],
    valid: bool,
    fits: bool,
    mem: f64,
    ttft: f64,
    tpot: f64,
    e2e: f64,
    thr: f64,
    thr_per_chip: f64,
    usd_per_mtok: f64,
    energy: f64,
    bound: u8,
}

/// A candidate of a reduction: its costs (smaller is better) and grid index.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cand {
    cost: [f64; 4],
    index: u64,
    group: u64,
}

impl Cand {
    /// Strictly better: no worse on every objective and better on one, or identical and first.
    fn beats(&self, other: &Cand, n: usize) -> bool {
        let (a, b) = (&self.cost[..n], &other.cost[..n]);
        if a.iter().zip(b).any(|(x, y)| x > y) {
            return false;
        }
        a.iter().zip(b).any(|(x, y)| x < y) || self.index < other.index
    }
    /// Better on the first cost, ties to the first in the grid.
    fn before(&self, other: &Cand) -> bool {
        (self.cost[0], self.index) < (other.cost[0], other.index)
    }
}

/// A reduction's running state; merging two states gives the state of the union.
enum State {
    Pareto(usize, Vec<Cand>),
    Best(BTreeMap<u64, Cand>),
    Top(usize, Vec<Cand>),
}

impl State {
    fn new(r: &Reduction) -> State {
        match r {
            Reduction::Pareto(o) => State::Pareto(o.len(), Vec::new()),
            Reduction::Best { .. } => State::Best(BTreeMap::new()),
            Reduction::Top { k, .. } => State::Top(*k, Vec::new()),
        }
    }

    fn push(&mut self, c: Cand) {
        match self {
            State::Pareto(n, front) => {
                if let Some(j) = front.iter().position(|f| f.beats(&c, *n)) {
                    front.swap(0, j); // the point that won is likely to win again
                    return;
                }
                front.retain(|f| !c.beats(f, *n));
                front.push(c);
            }
            State::Best(map) => {
                let slot = map.entry(c.group).or_insert(c);
                if c.before(slot) {
                    *slot = c;
                }
            }
            State::Top(k, best) => {
                if best.len() == *k && !c.before(&best[*k - 1]) {
                    return;
                }
                let at = best.partition_point(|b| b.before(&c));
                best.insert(at, c);
                best.truncate(*k);
            }
        }
    }

    fn merge(mut self, other: State) -> State {
        let items: Vec<Cand> = match other {
            State::Pareto(_, v) | State::Top(_, v) => v,
            State::Best(m) => m.into_values().collect(),
        };
        for c in items {
            self.push(c);
        }
        self
    }

    fn into_indices(self) -> Vec<u64> {
        match self {
            State::Pareto(_, mut front) => {
                front.sort_by_key(|c| c.index);
                front.into_iter().map(|c| c.index).collect()
            }
            State::Best(map) => map.into_values().map(|c| c.index).collect(),
            State::Top(_, best) => best.into_iter().map(|c| c.index).collect(),
        }
    }
}

/// The most configurations a grid may have: 10¹⁵ (at six million a second, about five years on
/// two cores; beyond it the index arithmetic would also overflow).
pub const MAX_GRID: u64 = 1_000_000_000_000_000;

/// A resolved sweep grid: models, chips, the spec, per-(chip, mode) parameters and optional
/// prices. Evaluates any range or list of grid indices, materialized or reduced.
#[derive(Debug, Clone)]
pub struct Grid {
    spec: SweepSpec,
    models: Vec<Model>,
    chips: Vec<Chip>,
    params: Vec<Params>,
    /// Each (chip, mode)'s kernel curves, looked up once (as `Engine::new` would per row).
    kernels: Vec<Option<&'static crate::kernels::ChipKernels>>,
    usd_per_chip_hour: Vec<f64>,
    engine: Option<crate::EngineProfile>,
    dims: [usize; 12],
}

/// What a [`Grid`] is made of, for saving and rebuilding it (pickling from Python).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridParts {
    /// The grid's lists.
    pub spec: SweepSpec,
    /// Models, in `spec.models` order.
    pub models: Vec<Model>,
    /// Chips, in `spec.chips` order.
    pub chips: Vec<Chip>,
    /// USD per chip-hour for each chip (NaN: no price).
    pub usd_per_chip_hour: Vec<f64>,
    /// The serving engine every configuration runs under (`None`: the engine-free model).
    #[serde(default)]
    pub engine: Option<crate::EngineProfile>,
}

impl Grid {
    /// A grid over the models and chips `spec` names, looked up in `data`.
    pub fn from_spec(data: &Catalogs, spec: SweepSpec) -> Result<Grid, PerfError> {
        let models = spec
            .models
            .iter()
            .map(|m| data.model(m).cloned())
            .collect::<Result<Vec<_>, _>>()?;
        let chips = spec
            .chips
            .iter()
            .map(|c| data.chip(c).cloned())
            .collect::<Result<Vec<_>, _>>()?;
        Grid::new(GridParts {
            usd_per_chip_hour: vec![f64::NAN; chips.len()],
            spec,
            models,
            chips,
            engine: None,
        })
    }

    /// A grid from resolved models and chips (custom catalogs, Hugging Face configs); the spec's
    /// model and chip names are replaced by their ids.
    pub fn new(parts: GridParts) -> Result<Grid, PerfError> {
        let GridParts {
            mut spec,
            models,
            chips,
            usd_per_chip_hour,
            engine,
        } = parts;
        spec.models = models.iter().map(|m| m.id.clone()).collect();
        spec.chips = chips.iter().map(|c| c.id.clone()).collect();
        if usd_per_chip_hour.len() != chips.len() {
            return Err(invalid(
                "usd_per_chip_hour",
                usd_per_chip_hour.len(),
                format!("needs one price per chip ({})", chips.len()),
            ));
        }
        if let Some((c, p)) = chips
            .iter()
            .zip(&usd_per_chip_hour)
            .find(|(_, p)| !(p.is_nan() || (p.is_finite() && **p >= 0.0)))
        {
            return Err(invalid(
                &format!("usd_per_chip_hour[{}]", c.id),
                p,
                "must be a finite price of 0 or more",
            ));
        }
        let mut params = Vec::with_capacity(chips.len() * spec.mode.len());
        let mut kernels = Vec::with_capacity(params.capacity());
        for chip in &chips {
            for mode in &spec.mode {
                let p = Params::for_chip(chip, *mode)?;
                kernels.push(Engine::kernels_for(chip, p));
                params.push(p);
            }
        }
        let dims = spec.dims();
        let size = dims
            .iter()
            .try_fold(1u64, |n, d| n.checked_mul(*d as u64))
            .filter(|n| *n <= MAX_GRID);
        if size.is_none() {
            let shown: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
            return Err(invalid(
                "grid",
                shown.join(" x "),
                format!("more than {MAX_GRID} configurations (10^15): split it into several grids"),
            ));
        }
        Ok(Grid {
            spec,
            models,
            chips,
            params,
            kernels,
            usd_per_chip_hour,
            engine,
            dims,
        })
    }

    /// The parts it was built from.
    pub fn parts(&self) -> GridParts {
        GridParts {
            spec: self.spec.clone(),
            models: self.models.clone(),
            chips: self.chips.clone(),
            usd_per_chip_hour: self.usd_per_chip_hour.clone(),
            engine: self.engine.clone(),
        }
    }

    /// The grid's lists.
    pub fn spec(&self) -> &SweepSpec {
        &self.spec
    }

    /// Number of configurations.
    pub fn len(&self) -> u64 {
        self.dims.iter().map(|d| *d as u64).product()
    }

    /// Whether the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn digits(&self, i: u64) -> [u32; 12] {
        let mut idx = [0u32; 12];
        let mut rest = i;
        for d in (0..12).rev() {
            let n = self.dims[d] as u64;
            idx[d] = (rest % n) as u32;
            rest /= n;
        }
        idx
    }

    /// A configuration that cannot run (a tp that does not divide, a precision the chip lacks,
    /// a batch over the engine's cap).
    fn invalid(&self, index: u64, idx: [u32; 12]) -> Row {
        let nan = f64::NAN;
        Row {
            index,
            idx,
            valid: false,
            fits: false,
            mem: nan,
            ttft: nan,
            tpot: nan,
            e2e: nan,
            thr: nan,
            thr_per_chip: nan,
            usd_per_mtok: nan,
            energy: nan,
            bound: Bound::INVALID_CODE,
        }
    }

    fn row(&self, i: u64) -> Row {
        let spec = &self.spec;
        let digits = self.digits(i);
        let mut idx = digits;
        let g = |d: usize| digits[d] as usize;
        let (model, chip) = (&self.models[g(0)], &self.chips[g(1)]);
        let mode = spec.mode[g(11)];
        let at = g(1) * spec.mode.len() + g(11);
        let engine = Engine::with_kernels(model, chip, self.params[at], self.kernels[at]);
        let tp = spec.tp[g(3)];
        let n_chips = spec.n_chips[g(2)];
        let setup = engine.setup(
            n_chips,
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
            Err(_) => self.invalid(i, idx),
            Ok(s) => {
                let c = match &self.engine {
                    None => engine.summary(&s),
                    Some(p) => match crate::search::as_engine_runs(&engine, p, s) {
                        Ok((s, limits)) => engine.summary_with(&s, limits.as_ref()),
                        Err(_) => return self.invalid(i, idx),
                    },
                };
                idx[3] = s.tp;
                let n = f64::from(n_chips);
                let price = self.usd_per_chip_hour[g(1)];
                Row {
                    index: i,
                    idx,
                    valid: true,
                    fits: c.fits,
                    mem: c.memory.total_bytes,
                    ttft: c.ttft_s,
                    tpot: c.tpot_s,
                    e2e: c.e2e_latency_s,
                    thr: c.throughput_tokens_per_s,
                    thr_per_chip: c.throughput_tokens_per_s / n,
                    usd_per_mtok: n * price / (c.throughput_tokens_per_s * 3600.0) * 1e6,
                    energy: c.energy_per_token_j,
                    bound: c.decode.bound().code(),
                }
            }
        }
    }

    fn check_range(&self, range: &Range<u64>) -> Result<(), PerfError> {
        if range.start > range.end || range.end > self.len() {
            return Err(invalid(
                "range",
                format!("{}..{}", range.start, range.end),
                format!("must lie within the grid's {} configurations", self.len()),
            ));
        }
        Ok(())
    }

    fn check_indices(&self, indices: &[u64]) -> Result<(), PerfError> {
        match indices.iter().find(|i| **i >= self.len()) {
            Some(i) => Err(invalid(
                "indices",
                i,
                format!("must be below the grid's {} configurations", self.len()),
            )),
            None => Ok(()),
        }
    }

    /// Evaluates configurations `range` of the grid into columns, on `threads` threads
    /// (0 = all cores). At most 100,000,000 at once: evaluate larger grids by ranges (chunks)
    /// or reduce them.
    pub fn evaluate(&self, range: Range<u64>, threads: usize) -> Result<SweepColumns, PerfError> {
        self.check_range(&range)?;
        let n = range.end - range.start;
        if n > 100_000_000 {
            return Err(invalid(
                "range",
                n,
                "more than 100,000,000 configurations at once: evaluate by chunks, or reduce",
            ));
        }
        let rows = with_threads(threads, || {
            (range.start as usize..range.end as usize)
                .into_par_iter()
                .with_min_len(4096)
                .map(|i| self.row(i as u64))
                .collect::<Vec<Row>>()
        })?;
        Ok(self.columns(&rows))
    }

    /// Evaluates the configurations at `indices`, in that order.
    pub fn evaluate_indices(
        &self,
        indices: &[u64],
        threads: usize,
    ) -> Result<SweepColumns, PerfError> {
        self.check_indices(indices)?;
        let rows = with_threads(threads, || {
            indices
                .par_iter()
                .with_min_len(4096)
                .map(|i| self.row(*i))
                .collect::<Vec<Row>>()
        })?;
        Ok(self.columns(&rows))
    }

    fn candidate(&self, r: &Row, reduction: &Reduction, limits: &Limits) -> Option<Cand> {
        if !limits.admit(r) {
            return None;
        }
        let mut cost = [0.0; 4];
        let mut group = 0u64;
        match reduction {
            Reduction::Pareto(objs) => {
                for (k, o) in objs.iter().enumerate() {
                    cost[k] = o.cost(r);
                }
            }
            Reduction::Best { metric, by } => {
                cost[0] = metric.cost(r);
                for d in Dim::ALL {
                    if by.contains(&d) {
                        let i = d as usize;
                        // grid digits (tp as given, not as resolved), so groups follow the grid
                        let digit = if i == 3 {
                            self.digits(r.index)[3]
                        } else {
                            r.idx[i]
                        };
                        group = group * self.dims[i] as u64 + u64::from(digit);
                    }
                }
            }
            Reduction::Top { metric, .. } => cost[0] = metric.cost(r),
        }
        if cost.iter().any(|c| c.is_nan()) {
            return None; // e.g. a cost objective without prices
        }
        Some(Cand {
            cost,
            index: r.index,
            group,
        })
    }

    /// Reduces configurations `range` of the grid without keeping their rows: returns the grid
    /// indices `reduction` selects among those `limits` admit (see [`Reduction`] for the order).
    /// The answer for a union of ranges is the reduction of the union of their answers
    /// ([`Grid::reduce_indices`]), so ranges can be reduced apart (chunks, machines).
    pub fn reduce(
        &self,
        range: Range<u64>,
        reduction: &Reduction,
        limits: &Limits,
        threads: usize,
    ) -> Result<Vec<u64>, PerfError> {
        self.check_range(&range)?;
        reduction.check()?;
        const CHUNK: u64 = 1 << 14;
        let chunks = (range.end - range.start).div_ceil(CHUNK);
        let state = with_threads(threads, || {
            (0..chunks)
                .into_par_iter()
                .map(|c| {
                    let lo = range.start + c * CHUNK;
                    let hi = (lo + CHUNK).min(range.end);
                    let mut st = State::new(reduction);
                    for i in lo..hi {
                        if let Some(c) = self.candidate(&self.row(i), reduction, limits) {
                            st.push(c);
                        }
                    }
                    st
                })
                .reduce(|| State::new(reduction), State::merge)
        })?;
        Ok(state.into_indices())
    }

    /// [`Grid::reduce`] over the configurations at `indices` (e.g. the answers of several
    /// ranges, to merge them).
    pub fn reduce_indices(
        &self,
        indices: &[u64],
        reduction: &Reduction,
        limits: &Limits,
    ) -> Result<Vec<u64>, PerfError> {
        self.check_indices(indices)?;
        reduction.check()?;
        let mut st = State::new(reduction);
        for i in indices {
            if let Some(c) = self.candidate(&self.row(*i), reduction, limits) {
                st.push(c);
            }
        }
        Ok(st.into_indices())
    }

    fn columns(&self, rows: &[Row]) -> SweepColumns {
        let spec = &self.spec;
        let mut c = SweepColumns::default();
        let value = |r: &Row, d: usize| -> u32 {
            let i = r.idx[d] as usize;
            match d {
                2 => spec.n_chips[i],
                4 => spec.pp[i],
                5 => spec.ep[i],
                6 => spec.batch[i],
                7 => spec.input_tokens[i],
                8 => spec.output_tokens[i],
                _ => r.idx[d],
            }
        };
        c.index = rows.iter().map(|r| r.index).collect();
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
        c.throughput_per_chip_tokens_per_s = rows.iter().map(|r| r.thr_per_chip).collect();
        c.usd_per_million_tokens = rows.iter().map(|r| r.usd_per_mtok).collect();
        c.bound = rows.iter().map(|r| r.bound).collect();
        c
    }
}

/// Runs `f` on a pool of `threads` threads (0: rayon's global pool, all cores).
fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T, PerfError> {
    if threads == 0 {
        return Ok(f());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| invalid("threads", threads, e.to_string()))?;
    Ok(pool.install(f))
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
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded().unwrap().clone(),
/// );
/// let cols = sweep(&data, &spec, 1).unwrap();
/// assert_eq!(cols.tpot_s.len(), 12);
/// assert!(cols.valid.iter().all(|v| *v));
/// ```
pub fn sweep(data: &Catalogs, spec: &SweepSpec, threads: usize) -> Result<SweepColumns, PerfError> {
    let grid = Grid::from_spec(data, spec.clone())?;
    grid.evaluate(0..grid.len(), threads)
}
