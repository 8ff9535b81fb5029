//! Any bytes as a rule file: a rule set or an error, never a panic; a rule set that loads
//! classifies every catalog chip and saves to a file that loads to the same rule set.
#![no_main]

use chipmodel_catalog::Catalog;
use chipmodel_compliance::{ChipMetrics, RuleSet, classify_metrics};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = RuleSet::from_toml("fuzz.toml", text) else {
        return;
    };
    for chip in Catalog::embedded().chips().iter().take(8) {
        let m = ChipMetrics::of(chip);
        for dest in ["CN", "AE", "DE"] {
            let _ = classify_metrics(&m, dest, "2026-02-01", Some(&rules), None);
        }
    }
    let again = RuleSet::from_toml("saved.toml", &rules.to_toml()).expect("a saved rule set loads");
    assert_eq!(again, rules);
});
