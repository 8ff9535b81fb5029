//! The estimate entry points with arbitrary numbers: inference (any layout, batch, lengths,
//! precisions, parameters), the best configuration, training, and a fleet report with any count
//! and assumption values. An estimate or an error, never a panic; an estimate that fits has
//! finite, positive times and throughput.
#![no_main]

use arbitrary::Arbitrary;
use std::sync::OnceLock;

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_fleet::{Assumptions, Fleet, Group};
use chipmodel_perf::{
    BestConfig, Catalogs, InferenceConfig, Mode, ModelCatalog, TrainingConfig, best_inference,
    estimate_inference, estimate_training,
};
use libfuzzer_sys::fuzz_target;

const MODELS: [&str; 5] = [
    "llama-3.1-8b",
    "llama-3.1-70b",
    "mixtral-8x7b",
    "deepseek-v3",
    "gpt-j-6b",
];
const CHIPS: [&str; 6] = ["h100", "h200", "h20", "mi300x", "ascend-910c", "tpu-v5p"];
const PRECISIONS: [Precision; 5] = [
    Precision::Bf16,
    Precision::Fp8,
    Precision::Int8,
    Precision::Fp4,
    Precision::Fp32,
];

#[derive(Debug, Arbitrary)]
struct Input {
    model: u8,
    chip: u8,
    n_chips: u32,
    tp: Option<u32>,
    pp: u32,
    ep: u32,
    batch: u32,
    input_tokens: u32,
    output_tokens: u32,
    weight: u8,
    kv: Option<u8>,
    roofline: bool,
    tokens: f64,
    slo: Option<f64>,
    count: f64,
    price: f64,
    wacc: f64,
}

/// The embedded chips and models, loaded once.
fn data() -> &'static Catalogs {
    static DATA: OnceLock<Catalogs> = OnceLock::new();
    DATA.get_or_init(|| {
        Catalogs::new(
            Catalog::embedded().clone(),
            ModelCatalog::embedded().expect("embedded models").clone(),
        )
    })
}

fuzz_target!(|x: Input| {
    let data = data();
    let model = data
        .model(MODELS[x.model as usize % MODELS.len()])
        .expect("embedded model");
    let chip = data
        .chip(CHIPS[x.chip as usize % CHIPS.len()])
        .expect("embedded chip");
    let mut cfg = InferenceConfig::default();
    cfg.n_chips = x.n_chips;
    cfg.tp = x.tp;
    cfg.pp = x.pp;
    cfg.ep = x.ep;
    cfg.batch = x.batch;
    cfg.input_tokens = x.input_tokens;
    cfg.output_tokens = x.output_tokens;
    cfg.weight_dtype = PRECISIONS[x.weight as usize % PRECISIONS.len()];
    cfg.kv_dtype = x.kv.map(|k| PRECISIONS[k as usize % PRECISIONS.len()]);
    cfg.mode = if x.roofline {
        Mode::Roofline
    } else {
        Mode::Calibrated
    };
    if let Ok(e) = estimate_inference(model, chip, &cfg) {
        if e.fits {
            for v in [e.ttft_s, e.tpot_s, e.throughput_tokens_per_s] {
                assert!(v.is_finite() && v > 0.0, "{cfg:?}: {v}");
            }
        }
    }
    let mut best = BestConfig::new(x.n_chips.min(4096));
    best.input_tokens = x.input_tokens;
    best.output_tokens = x.output_tokens;
    best.tpot_slo_s = x.slo;
    let _ = best_inference(model, chip, &best);
    let mut t = TrainingConfig::new(x.n_chips, x.tokens);
    t.global_batch = x.batch;
    t.seq_len = x.input_tokens;
    let _ = estimate_training(model, chip, &t);
    let a = Assumptions::defaults()
        .and_then(|a| a.with("price.h200-sxm", x.price))
        .and_then(|a| a.with("wacc", x.wacc));
    if let Ok(a) = a {
        let _ = Fleet::new(vec![Group::new(&chip.id, x.count, chipmodel_fleet::Site::Cn)]).report(data, &a, None);
    }
});
