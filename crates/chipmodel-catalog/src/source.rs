//! Where catalog values come from.

use serde::{Deserialize, Serialize};

/// A document, dataset or page that catalog values cite by key.
///
/// # Examples
///
/// ```
/// let c = chipmodel_catalog::Catalog::embedded();
/// let epoch = c.source("epoch-ml-hardware").unwrap();
/// assert!(epoch.url.starts_with("https://epoch.ai/"));
/// assert_eq!(epoch.kind, "dataset");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The key values cite (`"nvidia-h100-datasheet"`).
    pub key: String,
    /// Title of the document.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// Where to read it.
    pub url: String,
    /// Publication (or access) date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// One of [`SOURCE_KINDS`].
    pub kind: String,
    /// Free text.
    pub note: Option<String>,
}

/// The kinds a source may be, most authoritative first.
pub const SOURCE_KINDS: [&str; 15] = [
    "datasheet",
    "whitepaper",
    "vendor-page",
    "model-config",
    "paper",
    "model-card",
    "mlperf",
    "vendor-benchmark",
    "framework-docs",
    "dataset",
    "blog",
    "press",
    "secondary",
    "reseller",
    "estimate",
];
