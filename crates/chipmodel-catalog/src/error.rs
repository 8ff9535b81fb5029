//! The catalog's error type.

/// Everything that can go wrong while loading or querying a catalog.
///
/// Messages are lowercase, name the file, the chip and the field, and quote the bad value.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::{Catalog, CatalogError};
///
/// let err = Catalog::embedded().get("h300").unwrap_err();
/// assert!(matches!(err, CatalogError::UnknownChip { .. }));
/// assert!(err.to_string().contains("unknown chip 'h300'"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// A catalog file could not be read.
    #[error("cannot read data file '{path}': {message}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A catalog file is not valid TOML.
    #[error("{file}: invalid TOML: {message}")]
    Syntax {
        /// The file name.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value is missing, malformed or out of range.
    #[error("{file}: {item} '{id}', field '{field}': {message}")]
    Invalid {
        /// The file name.
        file: String,
        /// What the entry is: `chip`, `override` or `source`.
        item: &'static str,
        /// The entry's id (or `?` when it has none yet).
        id: String,
        /// The field, dotted for nested fields (`dense.bf16.sparse`).
        field: String,
        /// What is wrong, quoting the value.
        message: String,
    },
    /// Two entries share an id, alias or source key.
    #[error("{file}: duplicate {what} '{id}' (already defined in {first})")]
    Duplicate {
        /// The file where the second definition was found.
        file: String,
        /// `chip id`, `alias` or `source key`.
        what: &'static str,
        /// The duplicated id.
        id: String,
        /// Where it was first defined.
        first: String,
    },
    /// A lookup named no chip in the catalog.
    #[error("unknown chip '{name}'{}", did_you_mean(.suggestions))]
    UnknownChip {
        /// The name looked up.
        name: String,
        /// The closest ids, best first.
        suggestions: Vec<String>,
    },
    /// A precision name that chipmodel does not know.
    #[error("unknown precision '{name}' (expected one of: {expected})")]
    UnknownPrecision {
        /// The name given.
        name: String,
        /// The accepted names, comma-separated.
        expected: String,
    },
}

/// `"; did you mean 'a', 'b'?"` for a list of suggestions, or nothing for none (shared by the
/// unknown-name errors of every chipmodel crate).
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::did_you_mean;
/// assert_eq!(did_you_mean(&["h100-sxm".to_string()]), "; did you mean 'h100-sxm'?");
/// assert_eq!(did_you_mean(&[]), "");
/// ```
pub fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            s.iter()
                .map(|x| format!("'{x}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl CatalogError {
    /// The same error with its field renamed by `f` (for readers nested in other readers, which
    /// prefix the field with where they are: `moe.top_k`, `tdp.note`). Other variants pass through.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::CatalogError;
    /// let e = CatalogError::Invalid { file: "f".into(), item: "model", id: "m".into(), field: "top_k".into(), message: "x".into() };
    /// assert!(e.map_field(|f| format!("moe.{f}")).to_string().contains("field 'moe.top_k'"));
    /// ```
    pub fn map_field(self, f: impl FnOnce(String) -> String) -> CatalogError {
        match self {
            CatalogError::Invalid {
                file,
                item,
                id,
                field,
                message,
            } => CatalogError::Invalid {
                file,
                item,
                id,
                field: f(field),
                message,
            },
            other => other,
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = CatalogError> = std::result::Result<T, E>;
