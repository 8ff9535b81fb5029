//! Speed of estimates: one estimate (target ≤ 2 µs), one name-resolved call, best_inference, and
//! a sweep (configurations per second). Run: `cargo bench -p chipmodel-perf`.

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_perf::{
    BestConfig, Engine, InferenceConfig, Mode, Model, Params, SweepSpec, best_inference,
    estimate_inference, sweep,
};

fn main() {
    divan::main();
}

fn engine() -> (Engine<'static>, chipmodel_perf::Setup) {
    let chip = Catalog::embedded().get("h100").unwrap();
    let e = Engine::new(
        Model::get("llama-2-70b").unwrap(),
        chip,
        Params::for_chip(chip, Mode::Calibrated).unwrap(),
    );
    let s = e
        .setup(
            8,
            Some(8),
            1,
            1,
            64,
            1024,
            128,
            Precision::Bf16,
            None,
            None,
            Mode::Calibrated,
        )
        .unwrap();
    (e, s)
}

/// The allocation-free core: prefill, decode and steady-state passes plus memory.
#[divan::bench]
fn one_estimate_resolved(b: divan::Bencher) {
    let (e, s) = engine();
    b.bench(|| divan::black_box(e.summary(divan::black_box(&s))));
}

/// Checking a configuration and running it (what each sweep point does).
#[divan::bench]
fn one_setup_and_estimate(b: divan::Bencher) {
    let (e, _) = engine();
    b.bench(|| {
        let s = e
            .setup(
                8,
                None,
                1,
                1,
                divan::black_box(64),
                1024,
                128,
                Precision::Bf16,
                None,
                None,
                Mode::Calibrated,
            )
            .unwrap();
        divan::black_box(e.summary(&s))
    });
}

/// By names, through the catalogs, with the full result struct.
#[divan::bench]
fn one_estimate_by_name(b: divan::Bencher) {
    let cfg = InferenceConfig {
        n_chips: 8,
        batch: 64,
        ..InferenceConfig::new("llama-2-70b", "h100")
    };
    b.bench(|| divan::black_box(estimate_inference(divan::black_box(&cfg)).unwrap()));
}

#[divan::bench(sample_count = 20)]
fn best_inference_8_chips(b: divan::Bencher) {
    let cfg = BestConfig::new("llama-2-70b", "h200", 8);
    b.bench(|| divan::black_box(best_inference(&cfg).unwrap()));
}

/// 2 models × 4 chips × 1,024 batches × 4 prompt lengths × 2 precisions = 65,536 configurations.
#[divan::bench(sample_count = 10, args = [1, 2])]
fn sweep_65536(b: divan::Bencher, threads: usize) {
    let spec = SweepSpec {
        models: vec!["llama-3.1-8b".into(), "llama-2-70b".into()],
        chips: vec!["h100".into(), "h200".into(), "mi300x".into(), "b200".into()],
        n_chips: vec![8],
        tp: vec![0],
        pp: vec![1],
        ep: vec![1],
        batch: (1..=1024).collect(),
        input_tokens: vec![128, 1024, 2048, 4096],
        output_tokens: vec![256],
        weight_dtype: vec![Precision::Bf16, Precision::Fp8],
        kv_dtype: vec![None],
        mode: vec![Mode::Calibrated],
    };
    b.counter(divan::counter::ItemsCount::new(spec.len()))
        .bench(|| divan::black_box(sweep(&spec, threads).unwrap()));
}
