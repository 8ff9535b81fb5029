//! Property tests of the catalog (proptest): load -> save -> load is identical, for the embedded
//! catalog and for catalogs changed by arbitrary overrides.

use chipmodel_catalog::Catalog;
use proptest::prelude::*;

fn round_trip(c: &Catalog) -> Catalog {
    Catalog::default()
        .with_toml("saved.toml", &c.to_toml())
        .unwrap()
}

#[test]
fn the_embedded_catalog_round_trips() {
    let c = Catalog::embedded();
    let again = round_trip(c);
    assert_eq!(again.chips(), c.chips());
    assert_eq!(again.sources(), c.sources());
    assert_eq!(again.to_toml(), c.to_toml());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn overridden_catalogs_round_trip(
        chip in 0usize..31,
        tdp in 1.0f64..5000.0,
        bandwidth in 0.1f64..20.0,
        estimate in any::<bool>(),
    ) {
        let base = Catalog::embedded();
        let id = &base.chips()[chip % base.len()].id;
        let text = format!(
            "[[override]]\nid = \"{id}\"\ntdp = {{ value = {tdp}, unit = \"W\", source = \"epoch-ml-hardware\", estimate = {estimate} }}\n\
             memory_bandwidth = {{ value = {bandwidth}, unit = \"TB/s\", source = \"epoch-ml-hardware\" }}\n"
        );
        let changed = base.with_toml("over.toml", &text).unwrap();
        let again = round_trip(&changed);
        prop_assert_eq!(again.chips(), changed.chips());
        prop_assert_eq!(again.get(id).unwrap().tdp_w(), tdp);
    }
}
