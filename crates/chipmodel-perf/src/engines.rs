//! Serving-engine profiles (`data/engines.toml`): what an engine decides that the chip does not
//! — how it admits sequences to the KV cache and how many it runs at once — each field sourced to
//! the engine's code. `best_inference` with a profile searches only what that engine would run and
//! names it in the result; without one it is the `ideal` bound.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema::{self, FieldError};
use chipmodel_catalog::{CatalogError, Chip, Source};
use serde::{Deserialize, Serialize};

use crate::PerfError;
use crate::inference::KvPolicy;

/// A value with the source it was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineField<T> {
    /// The value.
    pub value: T,
    /// Source key.
    pub source: String,
    /// What the source says, in a line.
    #[serde(default)]
    pub note: Option<String>,
}

/// A per-replica engine limit (sequences at once, tokens per step): `value`, or `small_value` on
/// devices under `large_memory_gib` or whose id contains one of `small_chips`; with a
/// `heuristic`, the engine's own rule computes it and `value` is the rule's ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineLimit {
    /// The limit (with a heuristic: its ceiling).
    pub value: u32,
    /// The engine's own rule for the limit, if it has one.
    #[serde(default)]
    pub heuristic: Option<Heuristic>,
    /// The cap on smaller devices, if the engine has one.
    #[serde(default)]
    pub small_value: Option<u32>,
    /// Devices with at least this much memory (GiB, as the device reports it) get `value`.
    #[serde(default)]
    pub large_memory_gib: Option<f64>,
    /// Chip ids (substrings) that get `small_value` whatever their memory.
    #[serde(default)]
    pub small_chips: Vec<String>,
    /// Memory tiers, smallest first: a device under `below_gib` gets that tier's value (before
    /// `small_value` and `value` apply).
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Source key.
    pub source: String,
    /// What the source says.
    #[serde(default)]
    pub note: Option<String>,
}

/// One memory tier of an [`EngineLimit`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Devices with less memory than this (GiB, as the device reports it) get `value`.
    pub below_gib: f64,
    /// The limit on those devices.
    pub value: u32,
}

/// An engine's own rule for a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Heuristic {
    /// `trtllm-bench`'s `finetune_setting`: tokens per step = min(sequences per micro-batch ×
    /// (1 + input/output), ceiling), rounded up (to 256 below 4,096, 512 below 8,192, else
    /// 1,024), at least 2,048.
    TrtllmBench,
    /// vLLM V0 without chunked prefill: the budget is the model's context length, at least
    /// `value`.
    ModelContext,
}

impl EngineLimit {
    /// The limit for one replica on `chip`.
    pub fn for_chip(&self, chip: &Chip) -> u32 {
        let gib = chip.device_memory_bytes() / f64::from(1u32 << 30);
        if let Some(t) = self.tiers.iter().find(|t| gib < t.below_gib) {
            return t.value;
        }
        let small = self.small_value.filter(|_| {
            self.large_memory_gib.is_some_and(|min| gib < min)
                || self
                    .small_chips
                    .iter()
                    .any(|c| chip.id.contains(c.as_str()))
        });
        small.unwrap_or(self.value)
    }
}

/// The source key of fields a caller set ([`EngineProfile::with_setting`]).
pub const CALLER: &str = "caller";

const SET_BY_CALLER: &str = "set by the caller";

/// A field set by the caller, citing [`CALLER`].
fn by_caller<T>(value: T) -> EngineField<T> {
    EngineField {
        value,
        source: CALLER.to_string(),
        note: Some(SET_BY_CALLER.to_string()),
    }
}

/// A value for [`EngineProfile::with_setting`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setting {
    /// A count (`max_sequences`, `max_num_tokens`).
    Count(u32),
    /// A flag (`chunked_prefill`, `overlap_scheduler`, `pipeline_parallel`).
    Flag(bool),
    /// A KV admission policy (`kv_admission`).
    Admission(KvPolicy),
}

/// One serving engine's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineProfile {
    /// Short id (`trtllm`, `vllm`, `ideal`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The engine version the fields describe.
    pub version: String,
    /// How it admits sequences to the KV cache.
    pub kv_admission: EngineField<KvPolicy>,
    /// The most sequences it runs at once per replica (`None`: as many as fit).
    #[serde(default)]
    pub max_sequences: Option<EngineLimit>,
    /// Tokens one step carries at most, prefill and decode together (`max_num_tokens`,
    /// `max_num_batched_tokens`); `None`: no budget (the ideal bound has no schedule).
    #[serde(default)]
    pub max_num_tokens: Option<EngineLimit>,
    /// Whether a prompt may be split over several steps (chunked prefill / chunked context).
    #[serde(default)]
    pub chunked_prefill: Option<EngineField<bool>>,
    /// Whether the host schedules step n+1 while the device runs step n, hiding the host time
    /// behind the device's (`max` of the two instead of their sum).
    #[serde(default)]
    pub overlap_scheduler: Option<EngineField<bool>>,
    /// Whether the engine's layout search includes pipeline parallelism.
    #[serde(default)]
    pub pipeline_parallel: Option<EngineField<bool>>,
    /// The sources the fields cite (attached from the file's `[sources]` when read from it; a
    /// saved profile carries its own, so it round-trips).
    #[serde(default)]
    pub sources: BTreeMap<String, Source>,
}

impl EngineProfile {
    /// A profile by id.
    ///
    /// # Examples
    ///
    /// ```
    /// let trt = chipmodel_perf::EngineProfile::get("trtllm")?;
    /// assert_eq!(trt.kv_admission.value, chipmodel_perf::KvPolicy::Reserved);
    /// assert!(chipmodel_perf::EngineProfile::get("tgi").is_err());
    /// # Ok::<(), chipmodel_perf::PerfError>(())
    /// ```
    pub fn get(id: &str) -> Result<&'static EngineProfile, PerfError> {
        let all = engines()?;
        all.iter().find(|e| e.id == id).ok_or_else(|| {
            crate::error::invalid(
                "engine",
                format!("'{id}'"),
                format!(
                    "unknown engine (expected one of: {})",
                    all.iter()
                        .map(|e| e.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }

    /// The reference engine of a chip's vendor, the default where a caller names none:
    /// TensorRT-LLM for NVIDIA, vLLM (its vendor build: ROCm, Ascend, TPU, Gaudi, Neuron) for
    /// every other vendor.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::Catalog;
    /// let c = Catalog::embedded();
    /// assert_eq!(chipmodel_perf::EngineProfile::vendor_default(c.get("h200").unwrap())?.id, "trtllm");
    /// assert_eq!(chipmodel_perf::EngineProfile::vendor_default(c.get("mi300x").unwrap())?.id, "vllm");
    /// # Ok::<(), chipmodel_perf::PerfError>(())
    /// ```
    pub fn vendor_default(chip: &Chip) -> Result<&'static EngineProfile, PerfError> {
        EngineProfile::get(if chip.vendor.eq_ignore_ascii_case("nvidia") {
            "trtllm"
        } else {
            "vllm"
        })
    }

    /// The schedule limits of this engine for `pp` stages on `chip` at these lengths, where at
    /// most `kv_fit` sequences per replica fit in the KV cache, for a model trained to
    /// `context_tokens` (`None`: no schedule — the `ideal` bound).
    pub fn limits(
        &self,
        chip: &Chip,
        pp: u32,
        kv_fit: f64,
        context_tokens: u64,
        input_tokens: u32,
        output_tokens: u32,
    ) -> Option<crate::EngineLimits> {
        crate::EngineLimits::of(
            self,
            chip,
            pp,
            kv_fit,
            context_tokens as f64,
            f64::from(input_tokens),
            f64::from(output_tokens),
        )
    }

    /// A copy with one field set by the caller (`max_sequences`, `max_num_tokens`: a count;
    /// `chunked_prefill`, `overlap_scheduler`, `pipeline_parallel`: a flag; `kv_admission`: a
    /// policy). The field then cites the source `caller` and the id gains a `+` (`vllm+`), so a
    /// result never passes a modified profile off as the engine's own.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_perf::{EngineProfile, Setting};
    /// let vllm = EngineProfile::get("vllm")?.with_setting("max_sequences", Setting::Count(256))?;
    /// assert_eq!((vllm.id.as_str(), vllm.max_sequences.as_ref().unwrap().value), ("vllm+", 256));
    /// assert!(EngineProfile::get("vllm")?.with_setting("max_seqs", Setting::Count(256)).is_err());
    /// # Ok::<(), chipmodel_perf::PerfError>(())
    /// ```
    pub fn with_setting(&self, field: &str, value: Setting) -> Result<EngineProfile, PerfError> {
        let bad = |why: &str| crate::error::invalid(field, format!("{value:?}"), why.to_string());
        let mut p = self.clone();
        let count = |n: u32| -> Result<EngineLimit, PerfError> {
            if n == 0 {
                return Err(bad("must be at least 1"));
            }
            Ok(EngineLimit {
                value: n,
                heuristic: None,
                small_value: None,
                large_memory_gib: None,
                small_chips: Vec::new(),
                tiers: Vec::new(),
                source: CALLER.to_string(),
                note: Some(SET_BY_CALLER.to_string()),
            })
        };
        match (field, value) {
            ("max_sequences", Setting::Count(n)) => p.max_sequences = Some(count(n)?),
            ("max_num_tokens", Setting::Count(n)) => p.max_num_tokens = Some(count(n)?),
            ("chunked_prefill", Setting::Flag(b)) => p.chunked_prefill = Some(by_caller(b)),
            ("overlap_scheduler", Setting::Flag(b)) => p.overlap_scheduler = Some(by_caller(b)),
            ("pipeline_parallel", Setting::Flag(b)) => p.pipeline_parallel = Some(by_caller(b)),
            ("kv_admission", Setting::Admission(k)) => p.kv_admission = by_caller(k),
            (
                "max_sequences" | "max_num_tokens" | "chunked_prefill" | "overlap_scheduler"
                | "pipeline_parallel" | "kv_admission",
                _,
            ) => {
                return Err(bad(
                    "wrong kind of value (counts for max_sequences and max_num_tokens, true/false \
                     for chunked_prefill, overlap_scheduler and pipeline_parallel, a policy for \
                     kv_admission)",
                ));
            }
            _ => {
                return Err(crate::error::invalid(
                    "field",
                    format!("'{field}'"),
                    "not a settable engine field (expected one of: max_sequences, \
                     max_num_tokens, chunked_prefill, overlap_scheduler, pipeline_parallel, \
                     kv_admission)"
                        .to_string(),
                ));
            }
        }
        if !p.id.ends_with('+') {
            p.id.push('+');
        }
        p.sources.insert(
            CALLER.to_string(),
            Source {
                key: CALLER.to_string(),
                title: "Set by the caller (EngineProfile::with_setting)".to_string(),
                publisher: None,
                url: String::new(),
                date: String::new(),
                kind: "estimate".to_string(),
                note: None,
            },
        );
        Ok(p)
    }

    /// Whether the engine's layouts include pipeline parallelism.
    pub fn runs_pipeline_parallel(&self) -> bool {
        self.pipeline_parallel.as_ref().is_none_or(|f| f.value)
    }

    /// The cap on concurrent sequences for a layout of `dp` replicas on `chip` (`None`: no cap).
    pub fn max_batch(&self, chip: &Chip, dp: u32) -> Option<u32> {
        self.max_sequences
            .as_ref()
            .map(|m| m.for_chip(chip).saturating_mul(dp))
    }
}

/// Every embedded profile (`data/engines.toml`).
pub fn engines() -> Result<&'static [EngineProfile], PerfError> {
    static CELL: OnceLock<Result<Vec<EngineProfile>, CatalogError>> = OnceLock::new();
    CELL.get_or_init(|| parse("engines.toml", include_str!("../data/engines.toml")))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| PerfError::Catalog(e.clone()))
}

fn parse(file: &str, text: &str) -> Result<Vec<EngineProfile>, CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    schema::no_other_keys(file, &doc, &["sources", "engine"])?;
    let sources = schema::take_sources(file, &mut doc)?;
    let mut out: Vec<EngineProfile> = schema::entries(file, "engine", "id", &mut doc, "engine")?;
    for e in &mut out {
        let ctx = Ctx {
            file,
            item: "engine",
            id: &e.id,
        };
        if !e.sources.is_empty() {
            return Err(ctx.err(
                "sources",
                "sources belong in the file's [sources] tables, cited by key".to_string(),
            ));
        }
        let mut cited = vec![("kv_admission", e.kv_admission.source.clone())];
        for (field, limit) in [
            ("max_sequences", &e.max_sequences),
            ("max_num_tokens", &e.max_num_tokens),
        ] {
            if let Some(m) = limit {
                cited.push((field, m.source.clone()));
                if m.value == 0 || m.small_value == Some(0) {
                    return Err(FieldError::new(field, "0", "must be at least 1").in_file(ctx));
                }
            }
        }
        for (field, flag) in [
            ("chunked_prefill", &e.chunked_prefill),
            ("overlap_scheduler", &e.overlap_scheduler),
            ("pipeline_parallel", &e.pipeline_parallel),
        ] {
            if let Some(f) = flag {
                cited.push((field, f.source.clone()));
            }
        }
        for (field, key) in cited {
            let s = sources.get(&key).ok_or_else(|| {
                ctx.err(
                    &format!("{field}.source"),
                    format!("unknown source key '{key}'"),
                )
            })?;
            e.sources.insert(key.clone(), s.clone());
        }
    }
    Ok(out)
}
