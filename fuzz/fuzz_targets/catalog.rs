//! Any bytes as a catalog file, over the embedded catalog and on its own: an error or a catalog,
//! never a panic; a catalog that loads also saves and loads again.
#![no_main]

use chipmodel_catalog::Catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Catalog::embedded().with_toml("fuzz.toml", text) {
        for chip in c.chips() {
            let _ = (
                chip.tpp(),
                chip.performance_density(),
                chip.memory_bandwidth_bytes_per_s(),
            );
        }
    }
    if let Ok(c) = Catalog::default().with_toml("fuzz.toml", text) {
        let again = Catalog::default()
            .with_toml("saved.toml", &c.to_toml())
            .expect("a loaded catalog saves to a file that loads");
        assert_eq!(again.chips(), c.chips());
    }
});
