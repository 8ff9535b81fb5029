//! The performance model's error type.

use chipmodel_catalog::CatalogError;

/// Everything that can go wrong building or running an estimate.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::{estimate_inference, InferenceConfig, PerfError};
///
/// let model = chipmodel_perf::ModelCatalog::embedded().unwrap().get("llama-2-70b").unwrap();
/// let chip = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let cfg = InferenceConfig { n_chips: 8, tp: Some(3), ..InferenceConfig::default() };
/// let err = estimate_inference(model, chip, &cfg).unwrap_err();
/// assert!(matches!(err, PerfError::InvalidConfig { .. }));
/// assert_eq!(err.to_string(), "invalid configuration: tp = 3: must divide n_chips = 8");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PerfError {
    /// A model name matched nothing.
    #[error("unknown model '{name}'{}", chipmodel_catalog::did_you_mean(.suggestions))]
    UnknownModel {
        /// The name looked up.
        name: String,
        /// Closest ids, best first.
        suggestions: Vec<String>,
    },
    /// A configuration value out of range or inconsistent with another.
    #[error("invalid configuration: {field} = {value}: {message}")]
    InvalidConfig {
        /// The argument.
        field: String,
        /// Its value as given.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// A precision the chip cannot compute in.
    #[error("{chip} has no {precision} rate in the catalog ({field}); supported: {supported}")]
    UnsupportedPrecision {
        /// Chip id.
        chip: String,
        /// The precision asked for.
        precision: String,
        /// Which argument asked for it.
        field: String,
        /// What the chip supports.
        supported: String,
    },
    /// A Hugging Face config lacks a key or has a bad value.
    #[error("hugging face config: '{key}': {message}")]
    HfConfig {
        /// The config key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// Measurements given to `calibrate` cannot determine the parameters.
    #[error("calibration: {0}")]
    Calibration(String),
    /// From the chip catalog or a data file.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// A configuration error for `field`.
pub(crate) fn invalid(
    field: &str,
    value: impl std::fmt::Display,
    message: impl Into<String>,
) -> PerfError {
    PerfError::InvalidConfig {
        field: field.to_string(),
        value: value.to_string(),
        message: message.into(),
    }
}
