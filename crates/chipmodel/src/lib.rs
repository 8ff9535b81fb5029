#![doc = include_str!("../README.md")]

use std::sync::{Arc, OnceLock};

pub use chipmodel_catalog as catalog;
pub use chipmodel_catalog::date::DEFAULT_DATE;
pub use chipmodel_catalog::{
    Catalog, CatalogError, Chip, Comparison, Precision, Provenance, Source, catalog_table,
    chip_report, compare, units,
};
pub use chipmodel_compliance as compliance;
pub use chipmodel_compliance::{
    Classification, ComplianceError, RuleSet, classify, classify_metrics, diffusion_caps, flips,
    headroom, timeline,
};
pub use chipmodel_fleet as fleet;
pub use chipmodel_fleet::{
    Assumptions, Fleet, FleetError, FleetReport, Group, HybridPlan, PlanInput, Scenario,
    ScenarioResult, Supply, Workload, WorkloadDemand, equivalent_fleet, export_shock, monte_carlo,
    plan_hybrid, run_scenario, schedule, sensitivity,
};
pub use chipmodel_perf as perf;
pub use chipmodel_perf::{
    BestConfig, Catalogs, InferenceConfig, InferenceEstimate, Mode, Model, ModelCatalog, PerfError,
    SweepSpec, TrainingConfig, TrainingEstimate, best_inference, calibrate, estimate_inference,
    estimate_training, sweep,
};

/// The chips and models shipped with chipmodel, parsed once and shared: the default every
/// function that resolves names is given when the caller has no catalog of its own.
///
/// # Errors
///
/// Never in a released build (the embedded files are checked by the test suite); a broken
/// embedded file is reported rather than panicking.
///
/// # Examples
///
/// ```
/// let data = chipmodel::embedded()?;
/// let (model, chip) = (data.model("llama-3.1-8b")?, data.chip("h100")?);
/// let e = chipmodel::estimate_inference(model, chip, &chipmodel::InferenceConfig::default())?;
/// assert!(e.fits);
/// # Ok::<(), chipmodel::Error>(())
/// ```
pub fn embedded() -> Result<Catalogs> {
    static CELL: OnceLock<Result<Catalogs>> = OnceLock::new();
    CELL.get_or_init(|| {
        let chips = Catalog::try_embedded()?.clone();
        let models = ModelCatalog::embedded()?.clone();
        Ok(Catalogs::from_shared(Arc::new(chips), Arc::new(models)))
    })
    .clone()
}

/// Any error chipmodel's crates return, flattened: a catalog or data-file failure is
/// [`Error::Catalog`] whichever crate reported it, a performance-model failure [`Error::Perf`]
/// even when the fleet model met it, and so on; the variant says what kind of failure it is, not
/// which crate's code path it came through.
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
///
/// // An unknown chip met by the fleet model is a catalog error too.
/// let data = chipmodel::embedded()?;
/// let fleet = chipmodel::Fleet::new(vec![chipmodel::Group::new("a1000", 8.0, chipmodel::fleet::Site::Cn)]);
/// let err: chipmodel::Error = fleet.validate(&data).unwrap_err().into();
/// assert!(matches!(err, chipmodel::Error::Catalog(chipmodel::CatalogError::UnknownChip { .. })));
/// # Ok::<(), chipmodel::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A chip or data file: unknown names, bad values, unreadable files.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The performance model.
    #[error(transparent)]
    Perf(PerfError),
    /// The export-control classifier.
    #[error(transparent)]
    Compliance(ComplianceError),
    /// Fleet economics, scenarios and plans.
    #[error(transparent)]
    Fleet(FleetError),
}

impl From<PerfError> for Error {
    fn from(e: PerfError) -> Error {
        match e {
            PerfError::Catalog(c) => Error::Catalog(c),
            other => Error::Perf(other),
        }
    }
}

impl From<ComplianceError> for Error {
    fn from(e: ComplianceError) -> Error {
        match e {
            ComplianceError::Catalog(c) => Error::Catalog(c),
            other => Error::Compliance(other),
        }
    }
}

impl From<FleetError> for Error {
    fn from(e: FleetError) -> Error {
        match e {
            FleetError::Catalog(c) => Error::Catalog(c),
            FleetError::Perf(p) => p.into(),
            FleetError::Compliance(c) => c.into(),
            other => Error::Fleet(other),
        }
    }
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
