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

/// The most sequences an engine runs at once per model replica: `value`, or `small_value` on
/// devices under `large_memory_gib` or whose id contains one of `small_chips`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxSequences {
    /// The cap.
    pub value: u32,
    /// The cap on smaller devices, if the engine has one.
    #[serde(default)]
    pub small_value: Option<u32>,
    /// Devices with at least this much memory (GiB, as the device reports it) get `value`.
    #[serde(default)]
    pub large_memory_gib: Option<f64>,
    /// Chip ids (substrings) that get `small_value` whatever their memory.
    #[serde(default)]
    pub small_chips: Vec<String>,
    /// Source key.
    pub source: String,
    /// What the source says.
    #[serde(default)]
    pub note: Option<String>,
}

impl MaxSequences {
    /// The cap for one replica on `chip`.
    pub fn for_chip(&self, chip: &Chip) -> u32 {
        let small = self.small_value.filter(|_| {
            let gib = chip.device_memory_bytes() / f64::from(1u32 << 30);
            self.large_memory_gib.is_some_and(|min| gib < min)
                || self
                    .small_chips
                    .iter()
                    .any(|c| chip.id.contains(c.as_str()))
        });
        small.unwrap_or(self.value)
    }
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
    pub max_sequences: Option<MaxSequences>,
    /// The sources the fields cite.
    #[serde(default, skip_deserializing)]
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
        let mut cited = vec![("kv_admission", e.kv_admission.source.clone())];
        if let Some(m) = &e.max_sequences {
            cited.push(("max_sequences", m.source.clone()));
            if m.value == 0 || m.small_value == Some(0) {
                return Err(
                    FieldError::new("max_sequences", "0", "must be at least 1").in_file(ctx)
                );
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
