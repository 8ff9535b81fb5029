//! Property tests of fleet economics (proptest): TCO is linear in the count at a fixed per-chip
//! cost, a higher price or cost never lowers the total, scenarios round-trip through their files.

use chipmodel_fleet::{Assumptions, Fleet, Group, SCENARIOS, Scenario};
use proptest::prelude::*;

mod common;
use common::catalogs;

const CHIPS: [&str; 5] = ["h200", "h100", "h20", "ascend-910c", "b200"];
const SITES: [chipmodel_fleet::Site; 2] = chipmodel_fleet::Site::ALL;

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn tco_is_linear_in_the_count(
        c in 0..CHIPS.len(),
        s in 0..SITES.len(),
        count in 1.0f64..1e6,
        k in 1.0f64..1000.0,
    ) {
        let a = Assumptions::defaults().unwrap();
        let one = Fleet::new(vec![Group::new(CHIPS[c], count, SITES[s])]).report(catalogs(), &a, None).unwrap().total;
        let many = Fleet::new(vec![Group::new(CHIPS[c], count * k, SITES[s])]).report(catalogs(), &a, None).unwrap().total;
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * y.abs().max(1.0);
        prop_assert!(close(many.tco_usd_per_year, k * one.tco_usd_per_year));
        prop_assert!(close(many.capex_total_usd, k * one.capex_total_usd));
        prop_assert!(close(many.facility_mw, k * one.facility_mw));
        prop_assert!(close(many.usd_per_gpu_hour, one.usd_per_gpu_hour));
    }

    #[test]
    fn a_higher_price_or_cost_never_lowers_the_total(
        c in 0..CHIPS.len(),
        s in 0..SITES.len(),
        name in prop::sample::select(vec![
            "wacc", "pue.cn", "pue.us", "electricity.cn", "electricity.us", "maintenance_fraction",
            "network_per_chip", "storage_per_chip", "server_other_per_chip", "dc_capex_per_mw.cn",
            "dc_capex_per_mw.us", "facility_om_fraction", "it_power_factor", "price.ascend-910c", "price.h20",
            "price.h200-sxm", "price.default",
        ]),
        rise in 0.0f64..2.0,
    ) {
        let base = Assumptions::defaults().unwrap();
        let v = base.get(name).unwrap();
        let dear = base.with(name, v * (1.0 + rise) + rise).unwrap();
        let fleet = Fleet::new(vec![Group::new(CHIPS[c], 1000.0, SITES[s])]);
        let (x, y) = (fleet.report(catalogs(), &base, None).unwrap().total, fleet.report(catalogs(), &dear, None).unwrap().total);
        prop_assert!(y.tco_usd_per_year >= x.tco_usd_per_year * (1.0 - 1e-12), "{} up: {} < {}", name, y.tco_usd_per_year, x.tco_usd_per_year);
        prop_assert!(y.capex_total_usd >= x.capex_total_usd * (1.0 - 1e-12));
    }
}

#[test]
fn scenarios_round_trip_through_their_files() {
    for (file, text) in SCENARIOS {
        let s = Scenario::parse(catalogs(), file, text).unwrap();
        let saved = s.to_toml();
        let again = Scenario::parse(catalogs(), file, &saved).unwrap();
        assert_eq!(again, s, "{file}");
        assert_eq!(again.to_toml(), saved, "{file}");
    }
}
