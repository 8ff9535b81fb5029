//! Any bytes as a scenario file: a scenario or an error, never a panic; a scenario that loads
//! gets its fleet report and saves to a file that loads to the same scenario.
#![no_main]

use std::sync::OnceLock;

use chipmodel_catalog::Catalog;
use chipmodel_fleet::Scenario;
use chipmodel_perf::{Catalogs, ModelCatalog};
use libfuzzer_sys::fuzz_target;

/// The embedded chips and models, loaded once.
fn catalogs() -> &'static Catalogs {
    static DATA: OnceLock<Catalogs> = OnceLock::new();
    DATA.get_or_init(|| {
        Catalogs::new(
            Catalog::embedded().clone(),
            ModelCatalog::embedded().expect("embedded models").clone(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Scenario::parse(catalogs(), "fuzz.toml", text) else {
        return;
    };
    let _ = s.fleet.report(catalogs(), &s.assumptions, None);
    let again = Scenario::parse(catalogs(), "fuzz.toml", &s.to_toml()).expect("a saved scenario loads");
    assert_eq!(again, s);
});
