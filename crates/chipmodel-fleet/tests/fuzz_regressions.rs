//! Replays every input under `fuzz/regressions/<target>/` through the checks of the matching
//! fuzz target (`fuzz/fuzz_targets/<target>.rs`): a file that once crashed a target stays a test.
//! Put a crashing input there (from `fuzz/artifacts/<target>/`) before fixing the crash.

use std::path::Path;

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_compliance::{ChipMetrics, RuleSet, classify_metrics};
use chipmodel_fleet::Scenario;
use chipmodel_perf::{Engine, Mode, Model, Params};

mod common;
use common::catalogs;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no regression inputs for {target}");
    out
}

#[test]
fn catalog_inputs() {
    for (name, data) in inputs("catalog") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let _ = Catalog::embedded().with_toml(&name, text);
        if let Ok(c) = Catalog::default().with_toml(&name, text) {
            let again = Catalog::default()
                .with_toml("saved.toml", &c.to_toml())
                .unwrap();
            assert_eq!(again.chips(), c.chips(), "{name}");
        }
    }
}

#[test]
fn model_inputs() {
    let chip = Catalog::embedded().get("h100").unwrap();
    for (name, data) in inputs("model") {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&data) else {
            continue;
        };
        let Ok(model) = Model::from_hf_config("fuzz", &value) else {
            continue;
        };
        let engine = Engine::new(
            &model,
            chip,
            Params::for_chip(chip, Mode::Calibrated).unwrap(),
        );
        for n in [1, 8] {
            if let Ok(s) = engine.setup(
                n,
                None,
                1,
                1,
                4,
                512,
                64,
                Precision::Bf16,
                None,
                None,
                Mode::Calibrated,
            ) {
                let c = engine.summary(&s);
                assert!(!c.fits || c.tpot_s.is_finite(), "{name}");
            }
        }
    }
}

#[test]
fn rules_inputs() {
    for (name, data) in inputs("rules") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(rules) = RuleSet::from_toml(&name, text) else {
            continue;
        };
        for chip in Catalog::embedded().chips().iter().take(8) {
            let _ = classify_metrics(
                &ChipMetrics::of(chip),
                "CN",
                "2026-02-01",
                Some(&rules),
                None,
            );
        }
        assert_eq!(
            RuleSet::from_toml("saved.toml", &rules.to_toml()).unwrap(),
            rules,
            "{name}"
        );
    }
}

#[test]
fn scenario_inputs() {
    for (name, data) in inputs("scenario") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(s) = Scenario::parse(catalogs(), &name, text) else {
            continue;
        };
        let _ = s.fleet.report(catalogs(), &s.assumptions, None);
        assert_eq!(
            Scenario::parse(catalogs(), &name, &s.to_toml()).unwrap(),
            s,
            "{name}"
        );
    }
}
