//! The compliance crate's error type.

use chipmodel_catalog::CatalogError;

/// Everything that can go wrong loading rule sets or classifying.
///
/// # Examples
///
/// ```
/// let h100 = chipmodel_catalog::Catalog::embedded().get("h100").unwrap();
/// let err = chipmodel_compliance::classify(h100, "CN", "2026-13-01", None, None).unwrap_err();
/// assert!(err.to_string().contains("'2026-13-01'"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ComplianceError {
    /// A rule set name matched nothing.
    #[error("unknown rule set '{name}'{}", chipmodel_catalog::did_you_mean(.suggestions))]
    UnknownRules {
        /// The name given.
        name: String,
        /// Closest ids.
        suggestions: Vec<String>,
    },
    /// A destination that is not an ISO 3166-1 alpha-2 code chipmodel knows.
    #[error(
        "unknown destination '{code}': expected an ISO 3166-1 alpha-2 code such as 'CN', 'AE' or 'DE'"
    )]
    UnknownDestination {
        /// The code given.
        code: String,
    },
    /// A bad argument (date, scale, count).
    #[error("invalid {field} {value}: {message}")]
    Invalid {
        /// The argument.
        field: String,
        /// Its value as given.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// A rule-set or country-group file is invalid, or a chip lookup failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

pub(crate) fn invalid(
    field: &str,
    value: impl std::fmt::Display,
    message: impl Into<String>,
) -> ComplianceError {
    ComplianceError::Invalid {
        field: field.into(),
        value: value.to_string(),
        message: message.into(),
    }
}
