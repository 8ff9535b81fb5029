//! Any bytes as a Hugging Face config.json: a model or an error, never a panic; a model that
//! loads is estimated on one H100 and on eight.
#![no_main]

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_perf::{Engine, Mode, Model, Params};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(model) = Model::from_hf_config("fuzz", &value) else {
        return;
    };
    let _ = (
        model.total_params(),
        model.active_params(),
        model.kv_cache_bytes_per_token(2.0),
    );
    let chip = Catalog::embedded().get("h100").expect("embedded chip");
    let engine = Engine::new(
        &model,
        chip,
        Params::for_chip(chip, Mode::Calibrated).expect("params"),
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
            let _ = engine.summary(&s);
        }
    }
});
