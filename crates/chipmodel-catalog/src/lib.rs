//! Sourced specifications of AI accelerators, and the metrics derived from them.
//!
//! `chipmodel-catalog` is the first room of [chipmodel](https://github.com/chipmodel/chipmodel):
//! a catalog of accelerators (NVIDIA, AMD, Intel, Google, AWS, Huawei, Cambricon) in which every
//! value carries a unit, a source and an estimate flag, and where conflicting published values stay
//! visible. Derived metrics — TPP and performance density as the US export-control rules define
//! them, roofline ridge points, FLOP/s per watt and per dollar — are computed, never typed in.
//!
//! The data are TOML files compiled into the binary (`data/*.toml`, format in
//! `docs/catalog-format.md`); users load their own files over them with [`Catalog::with_file`].
//!
//! # Examples
//!
//! ```
//! use chipmodel_catalog::{Catalog, Precision};
//!
//! let catalog = Catalog::embedded();
//! let h200 = catalog.get("h200")?;
//! let h100 = catalog.get("h100")?;
//!
//! // Same die, same compute, same TPP…
//! assert_eq!(h200.tpp(), h100.tpp());
//! assert!((h200.tpp() - 15_832.0).abs() < 1.0);
//! // …but 1.43x the memory bandwidth, not the 1.75x of capacity.
//! let ratio = h200.memory_bandwidth_bytes_per_s() / h100.memory_bandwidth_bytes_per_s();
//! assert!((ratio - 1.43).abs() < 0.01);
//! // The ridge point falls: decode (memory-bound) speeds up, prefill does not.
//! assert!(h200.ridge_point_flop_per_byte(Precision::Bf16) < h100.ridge_point_flop_per_byte(Precision::Bf16));
//! # Ok::<(), chipmodel_catalog::CatalogError>(())
//! ```

mod catalog;

mod chip;
mod compare;
pub mod datafile;
pub mod date;
mod error;
mod precision;
mod report;
pub mod schema;
mod source;
pub mod units;

pub use catalog::{Catalog, EMBEDDED_FILES};
pub use chip::{Chip, Conflict, DenseRate, FormFactor, Price, Process, Provenance, Sourced};
pub use compare::{Comparison, ComparisonRow, compare};
pub use error::{CatalogError, Result, did_you_mean};
pub use precision::Precision;
pub use report::{catalog_table, chip_report};
pub use source::{SOURCE_KINDS, Source};

/// The crate README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
