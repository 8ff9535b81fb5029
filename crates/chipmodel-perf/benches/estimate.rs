//! Speed of estimates: one estimate (target ≤ 2 µs), one name-resolved call, best_inference, and
//! a sweep (configurations per second), reduced sweeps (Pareto, best, top k) and chunked sweeps on 1
//! and 2 threads. Run: `cargo bench -p chipmodel-perf`.

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_perf::{
    BestConfig, Dim, Engine, Grid, InferenceConfig, Limits, Mode, Objective, Params, Reduction,
    SweepSpec, best_inference, estimate_inference, sweep,
};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{data, get_chip, get_model};

fn main() {
    divan::main();
}

fn engine() -> (Engine<'static>, chipmodel_perf::Setup) {
    let chip = Catalog::embedded().get("h100").unwrap();
    let e = Engine::new(
        get_model("llama-2-70b"),
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

/// By names, looked up in the catalogs, with the full result struct.
#[divan::bench]
fn one_estimate_by_name(b: divan::Bencher) {
    let cfg = InferenceConfig {
        n_chips: 8,
        batch: 64,
        ..InferenceConfig::default()
    };
    b.bench(|| {
        let data = divan::black_box(data());
        let (m, c) = (
            data.model("llama-2-70b").unwrap(),
            data.chip("h100").unwrap(),
        );
        divan::black_box(estimate_inference(m, c, divan::black_box(&cfg)).unwrap())
    });
}

#[divan::bench(sample_count = 20)]
fn best_inference_8_chips(b: divan::Bencher) {
    let cfg = BestConfig::new(8);
    let (m, c) = (get_model("llama-2-70b"), get_chip("h200"));
    b.bench(|| divan::black_box(best_inference(m, c, &cfg).unwrap()));
}

/// The same under a 2 s / 50 ms latency target (a steady load): a binary search over the batch
/// on every layout.
#[divan::bench]
fn best_inference_8_chips_slo(b: divan::Bencher) {
    let mut cfg = BestConfig::new(8);
    (cfg.ttft_slo_s, cfg.tpot_slo_s) = (Some(2.0), Some(0.05));
    let (m, c) = (get_model("llama-2-70b"), get_chip("h200"));
    b.bench(|| divan::black_box(best_inference(m, c, &cfg).unwrap()));
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
        .bench(|| divan::black_box(sweep(data(), &spec, threads).unwrap()));
}

/// 2 models × 4 chips × 4 chip counts × 1,024 batches × 4 prompt lengths × 4 output lengths ×
/// 2 precisions = 1,048,576 configurations, reduced in place (no rows kept).
fn grid_1m() -> Grid {
    let spec = SweepSpec {
        models: vec!["llama-3.1-8b".into(), "llama-2-70b".into()],
        chips: vec!["h100".into(), "h200".into(), "mi300x".into(), "b200".into()],
        n_chips: vec![1, 2, 4, 8],
        tp: vec![0],
        pp: vec![1],
        ep: vec![1],
        batch: (1..=1024).collect(),
        input_tokens: vec![128, 1024, 2048, 4096],
        output_tokens: vec![128, 256, 512, 1024],
        weight_dtype: vec![Precision::Bf16, Precision::Fp8],
        kv_dtype: vec![None],
        mode: vec![Mode::Calibrated],
    };
    let mut parts = Grid::from_spec(data(), spec).unwrap().parts();
    parts.usd_per_chip_hour = vec![2.2, 2.8, 2.0, 4.0]; // illustrative benchmark inputs
    Grid::new(parts).unwrap()
}

fn reduction(name: &str) -> Reduction {
    match name {
        "pareto" => Reduction::Pareto(vec![
            Objective::ThroughputPerChipTokensPerS,
            Objective::TpotS,
            Objective::UsdPerMillionTokens,
        ]),
        "best" => Reduction::Best {
            metric: Objective::ThroughputPerChipTokensPerS,
            by: vec![Dim::Model, Dim::Chip],
        },
        _ => Reduction::Top {
            metric: Objective::UsdPerMillionTokens,
            k: 100,
        },
    }
}

/// A reduced sweep of 1,048,576 configurations on 1 and 2 threads, for each reduction.
#[divan::bench(sample_count = 5, args = ["pareto-1", "pareto-2", "best-1", "best-2", "top-1", "top-2"])]
fn reduced_sweep_1m(b: divan::Bencher, which: &str) {
    let grid = grid_1m();
    let (name, threads) = which.split_once('-').unwrap();
    let (r, threads) = (reduction(name), threads.parse::<usize>().unwrap());
    let limits = Limits::default();
    b.counter(divan::counter::ItemsCount::new(grid.len() as usize))
        .bench(|| divan::black_box(grid.reduce(0..grid.len(), &r, &limits, threads).unwrap()));
}

/// The same grid evaluated into columns, 65,536 configurations at a time (streaming).
#[divan::bench(sample_count = 5, args = [1, 2])]
fn chunked_sweep_1m(b: divan::Bencher, threads: usize) {
    let grid = grid_1m();
    b.counter(divan::counter::ItemsCount::new(grid.len() as usize))
        .bench(|| {
            let mut rows = 0;
            for lo in (0..grid.len()).step_by(65_536) {
                rows += grid
                    .evaluate(lo..(lo + 65_536).min(grid.len()), threads)
                    .unwrap()
                    .index
                    .len();
            }
            divan::black_box(rows)
        });
}
