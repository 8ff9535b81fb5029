//! Property tests of the classifier (proptest): raising a line never controls more chips; a
//! classification depends only on the fields the rules read; rule files round-trip.

use chipmodel_catalog::Catalog;
use chipmodel_compliance::{ChipMetrics, Metric, RuleSet, classify_metrics};
use proptest::prelude::*;

const RULES: [&str; 5] = [
    "us-2022-10",
    "us-2023-10",
    "us-2024-12",
    "us-2025-01",
    "us-2026-01",
];
const DESTINATIONS: [&str; 5] = ["CN", "AE", "IN", "DE", "SA"];

fn metrics() -> impl Strategy<Value = ChipMetrics> {
    (
        0.0f64..40_000.0,
        prop::option::of(0.0f64..40.0),
        prop::option::of(0.0f64..2_000.0),
        0.0f64..10_000.0,
        any::<bool>(),
    )
        .prop_map(|(tpp, pd, io, dram, dc)| ChipMetrics {
            id: "synthetic".into(),
            tpp,
            performance_density: pd,
            io_bandwidth_gbps: io,
            dram_bandwidth_gbps: dram,
            datacenter: dc,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Moving any TPP line up (both sides of it, as the rule text does) never brings a chip under
    /// control or under a licence requirement.
    #[test]
    fn raising_a_threshold_never_controls_more(
        m in metrics(),
        r in 0..RULES.len(),
        d in 0..DESTINATIONS.len(),
        pick in any::<prop::sample::Index>(),
        factor in 1.0f64..3.0,
    ) {
        let base = RuleSet::get(RULES[r]).unwrap();
        let lines = base.thresholds(Metric::Tpp);
        prop_assume!(!lines.is_empty());
        let old = lines[pick.index(lines.len())];
        let variant = base.with_line(Metric::Tpp, old, old * factor).unwrap();
        let date = base.effective.clone();
        let a = classify_metrics(&m, DESTINATIONS[d], &date, Some(&base), None).unwrap();
        let b = classify_metrics(&m, DESTINATIONS[d], &date, Some(&variant), None).unwrap();
        if a.determined && b.determined {
            prop_assert!(a.controlled || !b.controlled, "{:?}: {} -> {} controls it", m, old, old * factor);
            prop_assert!(a.license_required || !b.license_required, "{:?}: {} -> {} needs a licence", m, old, old * factor);
        }
    }

    /// A chip's classification depends only on what the rules read (TPP, performance density,
    /// I/O and DRAM bandwidth, datacenter): changing its name, memory size, power, price or date
    /// changes nothing.
    #[test]
    fn only_the_fields_the_rules_read_matter(
        c in 0usize..31,
        d in 0..DESTINATIONS.len(),
        r in 0..RULES.len(),
        capacity in 1e9f64..1e12,
        tdp in 10.0f64..3000.0,
        name in "[a-z]{1,12}",
    ) {
        let chips = Catalog::embedded().chips();
        let chip = &chips[c % chips.len()];
        let mut other = chip.clone();
        other.name = name;
        other.memory_capacity.value = capacity;
        other.tdp.value = tdp;
        other.release_date.value = "1999-01".into();
        other.price = None;
        other.scale_out_bandwidth = None;
        other.transistors = None;
        let rules = RuleSet::get(RULES[r]).unwrap();
        let (a, b) = (ChipMetrics::of(chip), ChipMetrics::of(&other));
        prop_assert_eq!(&a, &b);
        let x = classify_metrics(&a, DESTINATIONS[d], &rules.effective, Some(&rules), None).unwrap();
        let y = classify_metrics(&b, DESTINATIONS[d], &rules.effective, Some(&rules), None).unwrap();
        prop_assert_eq!(x, y);
    }
}

#[test]
fn every_rule_set_round_trips_through_its_file_format() {
    for r in RULES
        .iter()
        .chain(["us-2024-04", "us-2025-04", "us-2025-05"].iter())
    {
        let rules = RuleSet::get(r).unwrap();
        let text = rules.to_toml();
        let back = RuleSet::from_toml("saved.toml", &text).unwrap();
        assert_eq!(back, rules, "{r}");
        assert_eq!(back.to_toml(), text, "{r}");
    }
}
