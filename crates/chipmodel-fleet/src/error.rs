//! The fleet crate's error type.

use chipmodel_catalog::CatalogError;
use chipmodel_compliance::ComplianceError;
use chipmodel_perf::PerfError;

/// Everything that can go wrong building or evaluating a fleet.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{Assumptions, Fleet, Group};
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded().unwrap().clone(),
/// );
/// let err = Fleet::new(vec![Group::new("h200", -1.0, chipmodel_fleet::Site::Cn)]).report(&data, &Assumptions::defaults().unwrap(), None).unwrap_err();
/// assert!(err.to_string().contains("count"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// An assumption name matched nothing.
    #[error("unknown assumption '{name}'{}", chipmodel_catalog::did_you_mean(.suggestions))]
    UnknownAssumption {
        /// The name given.
        name: String,
        /// Closest names.
        suggestions: Vec<String>,
    },
    /// A bad value.
    #[error("invalid {field} {value}: {message}")]
    Invalid {
        /// The field.
        field: String,
        /// Its value as given.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// No plan meets every demand within the caps: a property of the inputs, not a bad value.
    #[error("infeasible {field} {value}: {message}")]
    Infeasible {
        /// What could not be planned (`plan`).
        field: String,
        /// Which demands.
        value: String,
        /// Why: the demand that cannot be met, and how far short it falls.
        message: String,
    },
    /// A scenario file could not be read.
    #[error("cannot read scenario file '{path}': {message}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// The progress callback asked to stop.
    #[error("interrupted during {stage}")]
    Interrupted {
        /// The stage that was running.
        stage: String,
    },
    /// From the catalog or a data file.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// From the performance model.
    #[error(transparent)]
    Perf(#[from] PerfError),
    /// From the compliance classifier.
    #[error(transparent)]
    Compliance(#[from] ComplianceError),
}

pub(crate) fn invalid(
    field: &str,
    value: impl std::fmt::Display,
    message: impl Into<String>,
) -> FleetError {
    FleetError::Invalid {
        field: field.into(),
        value: value.to_string(),
        message: message.into(),
    }
}
