//! Helpers shared by the fleet crate's tests and benchmarks.

use std::sync::OnceLock;

use chipmodel_catalog::Catalog;
use chipmodel_perf::{Catalogs, ModelCatalog};

/// The embedded chips and models, loaded once and shared by the tests.
pub fn catalogs() -> &'static Catalogs {
    static DATA: OnceLock<Catalogs> = OnceLock::new();
    DATA.get_or_init(|| {
        Catalogs::new(
            Catalog::embedded().clone(),
            ModelCatalog::embedded().unwrap().clone(),
        )
    })
}
