//! Calibrated parameters per chip family: achievable fractions of peak, overheads, links.
//!
//! Each value comes from microbenchmark-style facts (GEMM and bandwidth tests, collective
//! benchmarks), with a source, never from fitting an end-to-end LLM benchmark; see
//! `docs/performance-model.md`. [`Mode::Roofline`] replaces them with the ideal (1.0, no overhead).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema;
use chipmodel_catalog::units::Dimension;
use chipmodel_catalog::{CatalogError, Chip, Source, Sourced};
use serde::{Deserialize, Serialize};
use toml::Table;

use crate::PerfError;
use crate::error::invalid;

/// Peak numbers, or achievable ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Peak compute, bandwidth and links, no overheads: the theoretical bound.
    Roofline,
    /// Achievable fractions of peak, kernel and collective overheads (the default).
    Calibrated,
}

impl Mode {
    /// `"roofline"` or `"calibrated"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Roofline => "roofline",
            Mode::Calibrated => "calibrated",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = PerfError;
    fn from_str(s: &str) -> Result<Self, PerfError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "roofline" => Ok(Mode::Roofline),
            "calibrated" => Ok(Mode::Calibrated),
            _ => Err(invalid(
                "mode",
                format!("'{s}'"),
                "expected 'roofline' or 'calibrated'",
            )),
        }
    }
}

/// The numbers an estimate uses, in SI. Build one with [`Params::for_chip`] or by hand (for
/// example from [`crate::calibrate`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Achieved ÷ peak dense matrix throughput (16-bit).
    pub compute_efficiency: f64,
    /// Achieved ÷ peak for 8-bit and narrower matrix throughput.
    pub low_precision_compute_efficiency: f64,
    /// Achieved ÷ peak memory bandwidth (streaming kernels: weights, norms, activations).
    pub memory_efficiency: f64,
    /// Achieved ÷ peak memory bandwidth of decode attention over a paged KV cache.
    pub attention_memory_efficiency: f64,
    /// Achieved ÷ peak 16-bit matrix throughput for prefill-shaped GEMMs.
    pub prefill_compute_efficiency: f64,
    /// Achieved ÷ peak 8-bit-and-narrower matrix throughput for prefill-shaped GEMMs.
    pub prefill_low_precision_compute_efficiency: f64,
    /// Host time per engine iteration (scheduling, sampling, input preparation) not hidden
    /// behind the GPU, s.
    pub step_overhead_s: f64,
    /// Achieved collective bus bandwidth ÷ peak link bandwidth.
    pub comm_efficiency: f64,
    /// Fixed latency per collective step, s.
    pub collective_latency_s: f64,
    /// Fixed time per kernel replayed from a CUDA graph (decode), s.
    pub kernel_overhead_s: f64,
    /// Fixed time per kernel launched without a graph (prefill and mixed batches), s.
    pub eager_kernel_overhead_s: f64,
    /// Memory a serving engine keeps per chip outside weights, KV cache and activations, bytes.
    pub runtime_reserve_bytes: f64,
    /// Chips in one scale-up (NVLink/IF/ICI) domain.
    pub scale_up_domain: u32,
}

impl Params {
    /// The ideal: every efficiency 1, no overheads (reserve and domain kept: they are physical).
    pub fn roofline(self) -> Params {
        Params {
            compute_efficiency: 1.0,
            low_precision_compute_efficiency: 1.0,
            memory_efficiency: 1.0,
            attention_memory_efficiency: 1.0,
            prefill_compute_efficiency: 1.0,
            prefill_low_precision_compute_efficiency: 1.0,
            step_overhead_s: 0.0,
            comm_efficiency: 1.0,
            collective_latency_s: 0.0,
            kernel_overhead_s: 0.0,
            eager_kernel_overhead_s: 0.0,
            ..self
        }
    }

    /// The parameters of `chip` in `mode`, from the embedded calibration data.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_perf::{Mode, Params};
    /// let h100 = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
    /// let cal = Params::for_chip(h100, Mode::Calibrated).unwrap();
    /// assert!(cal.memory_efficiency > 0.5 && cal.memory_efficiency < 1.0);
    /// let roof = Params::for_chip(h100, Mode::Roofline).unwrap();
    /// assert_eq!(roof.memory_efficiency, 1.0);
    /// ```
    pub fn for_chip(chip: &Chip, mode: Mode) -> Result<Params, PerfError> {
        let p = cached_params(&chip.id)?;
        Ok(match mode {
            Mode::Calibrated => p,
            Mode::Roofline => p.roofline(),
        })
    }

    /// Checks every value is in range, naming the first that is not.
    pub fn validate(&self) -> Result<(), PerfError> {
        let frac = [
            ("compute_efficiency", self.compute_efficiency),
            (
                "low_precision_compute_efficiency",
                self.low_precision_compute_efficiency,
            ),
            ("memory_efficiency", self.memory_efficiency),
            (
                "attention_memory_efficiency",
                self.attention_memory_efficiency,
            ),
            (
                "prefill_compute_efficiency",
                self.prefill_compute_efficiency,
            ),
            (
                "prefill_low_precision_compute_efficiency",
                self.prefill_low_precision_compute_efficiency,
            ),
            ("comm_efficiency", self.comm_efficiency),
        ];
        for (name, v) in frac {
            if !(v > 0.0 && v <= 1.0) {
                return Err(invalid(name, v, "must be in (0, 1]"));
            }
        }
        for (name, v) in [
            ("collective_latency_s", self.collective_latency_s),
            ("kernel_overhead_s", self.kernel_overhead_s),
            ("eager_kernel_overhead_s", self.eager_kernel_overhead_s),
            ("step_overhead_s", self.step_overhead_s),
            ("runtime_reserve_bytes", self.runtime_reserve_bytes),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(invalid(name, v, "must be finite and not negative"));
            }
        }
        if self.scale_up_domain == 0 {
            return Err(invalid("scale_up_domain", 0, "must be at least 1"));
        }
        Ok(())
    }
}

/// What an estimate reads of a chip's calibration: the parameters, and how many of the values
/// behind them are marked `estimate` of how many.
#[derive(Clone, Copy)]
struct Resolved {
    params: Params,
    estimates: (u32, u32),
}

impl Resolved {
    fn of(cal: &Calibration) -> Resolved {
        let count =
            |f: &dyn Fn(&Sourced<f64>) -> bool| cal.values.values().filter(|x| f(x)).count() as u32;
        Resolved {
            params: cal.params(),
            estimates: (count(&|x| x.provenance.estimate), count(&|_| true)),
        }
    }
}

/// The calibration of every embedded chip, resolved once (a lookup costs one hash); a chip no
/// family lists is resolved on each call (the `generic` family).
fn cached(chip_id: &str) -> Result<Resolved, PerfError> {
    static CELL: OnceLock<std::collections::HashMap<String, Resolved>> = OnceLock::new();
    let d = data()?;
    let map = CELL.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for (chips, _) in d.families.values() {
            for c in chips {
                if let Ok(cal) = Calibration::for_chip(c) {
                    m.insert(c.clone(), Resolved::of(&cal));
                }
            }
        }
        m
    });
    match map.get(chip_id) {
        Some(r) => Ok(*r),
        None => Ok(Resolved::of(&Calibration::for_chip(chip_id)?)),
    }
}

/// Calibrated parameters of a chip.
fn cached_params(chip_id: &str) -> Result<Params, PerfError> {
    cached(chip_id).map(|r| r.params)
}

/// How many of the calibration values a chip's estimates use are marked `estimate` (analogies,
/// inferred figures), and how many there are (a chip no family lists uses the `generic` family).
pub(crate) fn estimated_values(chip_id: &str) -> (u32, u32) {
    cached(chip_id).map_or((0, 0), |r| r.estimates)
}

/// A chip's calibrated parameters with their provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The family the values come from (`"nvidia-hopper"`).
    pub family: String,
    /// Fields by name (`compute_efficiency`, …), each with its source.
    pub values: BTreeMap<String, Sourced<f64>>,
    /// The sources cited.
    pub sources: BTreeMap<String, Source>,
}

const FIELDS: [&str; 14] = [
    "compute_efficiency",
    "eager_kernel_overhead_s",
    "attention_memory_efficiency",
    "prefill_compute_efficiency",
    "prefill_fp8_compute_efficiency",
    "step_overhead_s",
    "sustained_clock_fraction",
    "fp8_compute_efficiency",
    "memory_efficiency",
    "comm_efficiency",
    "collective_latency_s",
    "kernel_overhead_s",
    "runtime_reserve_bytes",
    "scale_up_domain",
];

/// Fields a family may leave out: they default to a related field (see [`Calibration::params`]).
const OPTIONAL: [&str; 7] = [
    "fp8_compute_efficiency",
    "eager_kernel_overhead_s",
    "attention_memory_efficiency",
    "prefill_compute_efficiency",
    "prefill_fp8_compute_efficiency",
    "step_overhead_s",
    "sustained_clock_fraction",
];

/// Sourced values by field name.
type Fields = BTreeMap<String, Sourced<f64>>;

#[derive(Debug, Default)]
struct Data {
    families: BTreeMap<String, (Vec<String>, Fields)>,
    chips: BTreeMap<String, BTreeMap<String, Sourced<f64>>>,
    sources: BTreeMap<String, Source>,
}

fn data() -> Result<&'static Data, PerfError> {
    static CELL: OnceLock<Result<Data, CatalogError>> = OnceLock::new();
    CELL.get_or_init(|| parse("calibration.toml", include_str!("../data/calibration.toml")))
        .as_ref()
        .map_err(|e| PerfError::Catalog(e.clone()))
}

fn read_fields(
    ctx: Ctx,
    t: &mut Table,
    sources: &BTreeMap<String, Source>,
) -> Result<BTreeMap<String, Sourced<f64>>, CatalogError> {
    let mut out = BTreeMap::new();
    for f in FIELDS {
        if let Some(v) = t.remove(f) {
            let s = datafile::read_number(ctx, f, v, None::<Dimension>, sources)?;
            if (f.ends_with("efficiency") || f.ends_with("fraction")) && s.value > 1.0 {
                return Err(ctx.err(
                    f,
                    format!("an efficiency must be at most 1, got {}", s.value),
                ));
            }
            out.insert(f.to_string(), s);
        }
    }
    Ok(out)
}

fn parse(file: &str, text: &str) -> Result<Data, CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    schema::no_other_keys(file, &doc, &["sources", "family", "chip"])?;
    let mut d = Data {
        sources: schema::take_sources(file, &mut doc)?,
        ..Data::default()
    };
    for mut t in schema::tables(file, "family", "id", &mut doc, "family")? {
        let id = datafile::take_id(file, "family", &mut t)?;
        let ctx = Ctx {
            file,
            item: "family",
            id: &id,
        };
        let chips: Vec<String> = match t.remove("chips") {
            Some(v) => schema::from_value(v).map_err(|e| e.under("chips").in_file(ctx))?,
            None => Vec::new(),
        };
        let fields = read_fields(ctx, &mut t, &d.sources)?;
        let _ = t.remove("note");
        let mut expected: Vec<&str> = vec!["id", "chips", "note"];
        expected.extend(FIELDS);
        ctx.unknown_fields("", &t, &expected)?;
        for f in FIELDS.iter().filter(|f| !OPTIONAL.contains(*f)) {
            if !fields.contains_key(*f) {
                return Err(ctx.err(f, "missing required field"));
            }
        }
        d.families.insert(id, (chips, fields));
    }
    for mut t in schema::tables(file, "chip", "id", &mut doc, "chip")? {
        let id = datafile::take_id(file, "chip", &mut t)?;
        let ctx = Ctx {
            file,
            item: "chip",
            id: &id,
        };
        let fields = read_fields(ctx, &mut t, &d.sources)?;
        let _ = t.remove("note");
        let mut expected: Vec<&str> = vec!["id", "note"];
        expected.extend(FIELDS);
        ctx.unknown_fields("", &t, &expected)?;
        d.chips.insert(id, fields);
    }
    Ok(d)
}

impl Calibration {
    /// The calibration of a chip by id: its own overrides over its family's values, or the
    /// `generic` family's for a chip no family lists.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = chipmodel_perf::Calibration::for_chip("h200-sxm").unwrap();
    /// assert_eq!(c.family, "nvidia-hopper");
    /// assert!(c.values["memory_efficiency"].provenance.source.len() > 0);
    /// ```
    pub fn for_chip(chip_id: &str) -> Result<Calibration, PerfError> {
        let d = data()?;
        let (family, (_, fields)) = d
            .families
            .iter()
            .find(|(_, (chips, _))| chips.iter().any(|c| c == chip_id))
            .or_else(|| d.families.get_key_value("generic"))
            .ok_or_else(|| {
                invalid(
                    "chip",
                    chip_id,
                    "no calibration family lists this chip and there is no 'generic' family",
                )
            })?;
        let mut values = fields.clone();
        if let Some(over) = d.chips.get(chip_id) {
            values.extend(over.clone());
        }
        let mut sources = BTreeMap::new();
        for v in values.values() {
            if let Some(s) = d.sources.get(&v.provenance.source) {
                sources.insert(s.key.clone(), s.clone());
            }
        }
        Ok(Calibration {
            family: family.clone(),
            values,
            sources,
        })
    }

    /// The plain numbers.
    pub fn params(&self) -> Params {
        let get = |k: &str| self.values.get(k).map_or(f64::NAN, |v| v.value);
        let or = |k: &str, default: f64| self.values.get(k).map_or(default, |v| v.value);
        let compute = get("compute_efficiency");
        let low = or("fp8_compute_efficiency", compute);
        let memory = get("memory_efficiency");
        let prefill = or("prefill_compute_efficiency", compute);
        Params {
            compute_efficiency: compute,
            low_precision_compute_efficiency: low,
            memory_efficiency: memory,
            attention_memory_efficiency: or("attention_memory_efficiency", memory),
            prefill_compute_efficiency: prefill,
            // Without a prefill fp8 figure, keep the family's fp8 : bf16 ratio.
            prefill_low_precision_compute_efficiency: or(
                "prefill_fp8_compute_efficiency",
                (prefill * low / compute).min(1.0),
            ),
            step_overhead_s: or("step_overhead_s", 0.0),
            comm_efficiency: get("comm_efficiency"),
            collective_latency_s: get("collective_latency_s"),
            kernel_overhead_s: get("kernel_overhead_s"),
            eager_kernel_overhead_s: self
                .values
                .get("eager_kernel_overhead_s")
                .map_or(get("kernel_overhead_s"), |v| v.value),
            runtime_reserve_bytes: get("runtime_reserve_bytes"),
            scale_up_domain: get("scale_up_domain").max(1.0) as u32,
        }
    }

    /// Families and the chips they list, for documentation and tests.
    pub fn families() -> Result<Vec<(String, Vec<String>)>, PerfError> {
        Ok(data()?
            .families
            .iter()
            .map(|(k, (chips, _))| (k.clone(), chips.clone()))
            .collect())
    }
}
