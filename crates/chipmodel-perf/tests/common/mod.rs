//! Helpers shared by the performance model's tests and benchmarks.
// Each test binary uses some of these helpers, not all.
#![allow(dead_code)]

use std::sync::OnceLock;

use chipmodel_catalog::{Catalog, Chip};
use chipmodel_perf::{Catalogs, Model, ModelCatalog};

/// The embedded chips and models, loaded once and shared by the tests.
pub fn data() -> &'static Catalogs {
    static DATA: OnceLock<Catalogs> = OnceLock::new();
    DATA.get_or_init(|| {
        Catalogs::new(
            Catalog::embedded().clone(),
            ModelCatalog::embedded().unwrap().clone(),
        )
    })
}

/// An embedded model by name.
pub fn get_model(name: &str) -> &'static Model {
    data().model(name).unwrap()
}

/// An embedded chip by name.
pub fn get_chip(name: &str) -> &'static Chip {
    data().chip(name).unwrap()
}
