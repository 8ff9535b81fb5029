//! The scale benchmark of issue 7: a 10⁸-configuration design-space sweep reduced in place to a
//! Pareto front (throughput per chip ↑, time per output token ↓, USD per million tokens ↓), the
//! best configuration per model and chip, and the top 100 by cost; prints configurations per
//! second and the process's peak memory.
//!
//! Run: `cargo run --release -p chipmodel-perf --example sweep_1e8 -- [threads] [which]`
//! (`which`: pareto, best, top or all; default pareto).

use std::time::Instant;

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_perf::{
    Catalogs, Dim, Grid, Limits, Mode, ModelCatalog, Objective, Reduction, SweepSpec,
};

/// The embedded chips and models, shared by the tests.
fn data() -> &'static Catalogs {
    static DATA: std::sync::OnceLock<Catalogs> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        Catalogs::new(
            Catalog::embedded().clone(),
            ModelCatalog::embedded().unwrap().clone(),
        )
    })
}

/// 10 models × 10 chips × 10 chip counts × 2 pipeline depths × 25 batches × 20 prompt lengths ×
/// 25 output lengths × 2 weight precisions × 2 KV precisions = 100,000,000 configurations.
fn spec() -> SweepSpec {
    SweepSpec {
        models: [
            "llama-3.1-8b",
            "llama-3.1-70b",
            "llama-3.1-405b",
            "llama-2-7b",
            "llama-2-70b",
            "qwen2.5-72b",
            "mixtral-8x7b",
            "mixtral-8x22b",
            "qwen3-235b-a22b",
            "deepseek-v3",
        ]
        .map(String::from)
        .to_vec(),
        chips: [
            "h100",
            "h200",
            "h20",
            "b200",
            "a100",
            "mi300x",
            "mi325x",
            "gaudi3",
            "ascend-910c",
            "tpu-v5p",
        ]
        .map(String::from)
        .to_vec(),
        n_chips: vec![1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
        tp: vec![0],
        pp: vec![1, 2],
        ep: vec![1],
        batch: (0..25).map(|i| 1 << (i % 10) << (i / 10)).collect(),
        input_tokens: (1..=20).map(|i| 256 * i).collect(),
        output_tokens: (1..=25).map(|i| 64 * i).collect(),
        weight_dtype: vec![Precision::Bf16, Precision::Fp8],
        kv_dtype: vec![None, Some(Precision::Fp8)],
        mode: vec![Mode::Calibrated],
    }
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().map_or(Ok(0), |s| s.parse())?;
    let which = args.next().unwrap_or_else(|| "pareto".into());
    let grid = Grid::from_spec(data(), spec())?;
    let mut parts = grid.parts();
    // illustrative USD per chip-hour (not sourced: a benchmark input, not a result)
    parts.usd_per_chip_hour = vec![2.2, 2.8, 1.2, 4.0, 1.3, 2.0, 2.4, 1.5, 1.6, 2.6];
    let grid = Grid::new(parts)?;
    let n = grid.len();
    assert_eq!(n, 100_000_000);
    let limits = Limits {
        max_tpot_s: Some(0.1),
        ..Limits::default()
    };
    let reductions = [
        (
            "pareto",
            Reduction::Pareto(vec![
                Objective::ThroughputPerChipTokensPerS,
                Objective::TpotS,
                Objective::UsdPerMillionTokens,
            ]),
        ),
        (
            "best",
            Reduction::Best {
                metric: Objective::ThroughputPerChipTokensPerS,
                by: vec![Dim::Model, Dim::Chip],
            },
        ),
        (
            "top",
            Reduction::Top {
                metric: Objective::UsdPerMillionTokens,
                k: 100,
            },
        ),
    ];
    for (name, r) in &reductions {
        if which != "all" && which != *name {
            continue;
        }
        let t = Instant::now();
        let picked = grid.reduce(0..n, r, &limits, threads)?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: {n} configurations in {s:.1} s ({:.2} M/s, {} threads), {} selected, peak RSS {:.0} MiB",
            n as f64 / s / 1e6,
            if threads == 0 {
                rayon_threads()
            } else {
                threads
            },
            picked.len(),
            peak_rss_mib()
        );
    }
    Ok(())
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
