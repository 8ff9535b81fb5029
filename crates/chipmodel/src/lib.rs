#![doc = include_str!("../README.md")]

pub use chipmodel_catalog as catalog;
pub use chipmodel_catalog::{
    Catalog, CatalogError, Chip, Comparison, Precision, Provenance, Source, catalog_table,
    chip_report, compare, units,
};
pub use chipmodel_compliance as compliance;
pub use chipmodel_compliance::{Classification, ComplianceError, RuleSet, classify};
pub use chipmodel_fleet as fleet;
pub use chipmodel_fleet::FleetError;
pub use chipmodel_perf as perf;
pub use chipmodel_perf::{
    BestConfig, InferenceConfig, InferenceEstimate, Mode, Model, PerfError, TrainingConfig,
    TrainingEstimate, best_inference, calibrate, estimate_inference, estimate_training,
};

/// Any error chipmodel's crates return.
///
/// # Examples
///
/// ```
/// fn lookup(name: &str) -> Result<f64, chipmodel::Error> {
///     Ok(chipmodel::Catalog::embedded().get(name)?.tpp())
/// }
/// assert!(lookup("a100").unwrap() > 4_900.0);
/// let err = lookup("a1000").unwrap_err();
/// assert!(matches!(err, chipmodel::Error::Catalog(_)));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From the chip catalog.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// From the performance model.
    #[error(transparent)]
    Perf(#[from] PerfError),
    /// From the export-control classifier.
    #[error(transparent)]
    Compliance(#[from] ComplianceError),
    /// From fleet economics.
    #[error(transparent)]
    Fleet(#[from] FleetError),
}

/// Shorthand for results with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The Rust examples of the top-level README, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// The Rust examples of `docs/catalog.md`, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/catalog.md")]
pub struct CatalogGuideDoctests;

/// The Rust examples of `docs/compliance.md`, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/compliance.md")]
pub struct ComplianceGuideDoctests;

/// The Rust guide's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/rust.md")]
pub struct RustGuideDoctests;
