//! How fast a chip or a cluster runs a large language model: prefill and decode, per layer and
//! per operator, in roofline and calibrated modes; training time and memory; and fits of the
//! calibrated parameters to a user's own measurements.
//!
//! Every chip in [`chipmodel_catalog`] is covered. One estimate costs about a microsecond and
//! allocates nothing ([`Engine::estimate`]); [`sweep`] evaluates grids in parallel.
//!
//! # Examples
//!
//! ```
//! use chipmodel_catalog::Catalog;
//! use chipmodel_perf::{estimate_inference, InferenceConfig, ModelCatalog};
//!
//! // What does 141 GB at 4.8 TB/s buy over 80 GB at 3.35 TB/s?
//! let model = ModelCatalog::embedded()?.get("llama-2-70b")?;
//! let cfg = InferenceConfig { n_chips: 8, batch: 64, ..InferenceConfig::default() };
//! let on = |chip: &str| estimate_inference(model, Catalog::embedded().get(chip)?, &cfg);
//! let h100 = on("h100")?;
//! let h200 = on("h200")?;
//! assert!(h100.fits && h200.fits);
//! // Decode reads weights and KV cache every step: it is memory bound, and the H200's 1.43x
//! // bandwidth speeds those reads up; the all-reduces between the 8 chips do not change.
//! assert_eq!(h100.bound, chipmodel_perf::Bound::Memory);
//! let speedup = h100.tpot_s / h200.tpot_s;
//! assert!(speedup > 1.1 && speedup < 1.43, "{speedup}");
//! # Ok::<(), chipmodel_perf::PerfError>(())
//! ```

mod calibrate;
mod calibration;
mod catalogs;
mod engines;
mod error;
mod figure;
mod hf;
mod inference;
pub mod kernels;
mod model;
mod schedule;
mod search;
mod sweep;
mod training;
pub mod validation;

pub use calibrate::{CalibrationFit, Measurement, calibrate};
pub use calibration::{Calibration, Mode, Params};
pub use catalogs::Catalogs;
pub use engines::{EngineField, EngineLimit, EngineProfile, Heuristic, Setting, engines};
pub use error::PerfError;
pub use figure::Figure;
pub use inference::{
    Alternative, Bound, Core, Engine, InferenceConfig, InferenceEstimate, KV_MEMORY_FRACTION,
    KvPolicy, MAX_CONTEXT_TOKENS, MemoryUse, OpRecord, PREFILL_CHUNK_TOKENS, PhaseSummary, Setup,
    estimate_inference, estimate_inference_breakdown, resolve,
};
pub use model::{Bias, Mla, Mlp, Model, ModelCatalog, Moe, ParamCounts};
pub use schedule::{Arrivals, EngineLimits, Schedule};
pub use search::{BestConfig, best_inference, estimate_inference_as};
pub use sweep::{
    Dim, Grid, GridParts, Limits, MAX_GRID, Objective, Reduction, SweepColumns, SweepSpec, sweep,
};
pub use training::{
    MAX_TRAINING_TOKENS, Recompute, TrainingConfig, TrainingEstimate, estimate_training,
};
