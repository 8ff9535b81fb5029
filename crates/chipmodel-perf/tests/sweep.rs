//! Sweeps: ranges, index lists and reductions agree with the full sweep, whatever the thread
//! count or the split; reductions match brute force on a small grid.

use chipmodel_catalog::Precision;
use chipmodel_perf::{
    Dim, Grid, GridParts, Limits, Mode, Objective, Reduction, SweepColumns, SweepSpec,
};

mod common;
use common::data;

fn spec() -> SweepSpec {
    SweepSpec {
        models: vec![
            "llama-3.1-8b".into(),
            "llama-3.1-70b".into(),
            "mixtral-8x7b".into(),
        ],
        chips: vec!["h100".into(), "h200".into(), "mi300x".into(), "a100".into()],
        n_chips: vec![1, 2, 4, 8],
        tp: vec![0],
        pp: vec![1, 2],
        ep: vec![1],
        batch: vec![1, 4, 16, 64, 256],
        input_tokens: vec![512, 4096],
        output_tokens: vec![128, 1024],
        weight_dtype: vec![Precision::Bf16, Precision::Fp8],
        kv_dtype: vec![None],
        mode: vec![Mode::Calibrated],
    }
}

fn grid() -> Grid {
    let g = Grid::from_spec(data(), spec()).unwrap();
    // prices so that the cost objective means something: USD per chip-hour
    let mut parts = g.parts();
    parts.usd_per_chip_hour = vec![2.0, 2.5, 1.8, 1.1];
    Grid::new(parts).unwrap()
}

fn same(a: &SweepColumns, b: &SweepColumns) {
    // NaN-aware equality through the bit patterns
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(a.index, b.index);
    assert_eq!(a.tp, b.tp);
    assert_eq!(a.valid, b.valid);
    assert_eq!(bits(&a.tpot_s), bits(&b.tpot_s));
    assert_eq!(
        bits(&a.throughput_tokens_per_s),
        bits(&b.throughput_tokens_per_s)
    );
    assert_eq!(
        bits(&a.usd_per_million_tokens),
        bits(&b.usd_per_million_tokens)
    );
}

#[test]
fn ranges_and_indices_give_the_full_sweep_whatever_the_threads() {
    let g = grid();
    let n = g.len();
    assert_eq!(n, 3 * 4 * 4 * 2 * 5 * 2 * 2 * 2);
    let full = g.evaluate(0..n, 1).unwrap();
    same(&full, &g.evaluate(0..n, 2).unwrap());
    same(&full, &g.evaluate(0..n, 0).unwrap());
    // by chunks
    let mut joined = SweepColumns::default();
    for lo in (0..n).step_by(1000) {
        let c = g.evaluate(lo..(lo + 1000).min(n), 2).unwrap();
        joined.index.extend(c.index);
        joined.tp.extend(c.tp);
        joined.valid.extend(c.valid);
        joined.tpot_s.extend(c.tpot_s);
        joined
            .throughput_tokens_per_s
            .extend(c.throughput_tokens_per_s);
        joined
            .usd_per_million_tokens
            .extend(c.usd_per_million_tokens);
    }
    same(&full, &joined);
    let picked: Vec<u64> = vec![7, 3, 3000, 0];
    let some = g.evaluate_indices(&picked, 2).unwrap();
    assert_eq!(some.index, picked);
    assert_eq!(some.tpot_s[2].to_bits(), full.tpot_s[3000].to_bits());
    // derived columns
    let i = full.valid.iter().position(|v| *v).unwrap();
    let per_chip = full.throughput_tokens_per_s[i] / f64::from(full.n_chips[i]);
    assert_eq!(full.throughput_per_chip_tokens_per_s[i], per_chip);
    let price = [2.0, 2.5, 1.8, 1.1][full.chip[i] as usize];
    let usd = f64::from(full.n_chips[i]) * price / (full.throughput_tokens_per_s[i] * 3600.0) * 1e6;
    assert_eq!(full.usd_per_million_tokens[i], usd);
}

/// Admitted rows of the full sweep with their objective costs (smaller is better).
fn admitted(full: &SweepColumns, limits: &Limits) -> Vec<usize> {
    (0..full.index.len())
        .filter(|&i| {
            full.valid[i]
                && full.fits[i]
                && full.throughput_tokens_per_s[i] > 0.0
                && limits.max_tpot_s.is_none_or(|l| full.tpot_s[i] <= l)
                && limits.max_ttft_s.is_none_or(|l| full.ttft_s[i] <= l)
        })
        .collect()
}

fn cost(full: &SweepColumns, o: Objective, i: usize) -> f64 {
    let v = match o {
        Objective::ThroughputTokensPerS => full.throughput_tokens_per_s[i],
        Objective::ThroughputPerChipTokensPerS => full.throughput_per_chip_tokens_per_s[i],
        Objective::TtftS => full.ttft_s[i],
        Objective::TpotS => full.tpot_s[i],
        Objective::E2eLatencyS => full.e2e_latency_s[i],
        Objective::EnergyPerTokenJ => full.energy_per_token_j[i],
        Objective::UsdPerMillionTokens => full.usd_per_million_tokens[i],
        Objective::MemoryPerChipBytes => full.memory_per_chip_bytes[i],
    };
    if o.maximize() { -v } else { v }
}

#[test]
fn reductions_match_brute_force_and_do_not_depend_on_the_split() {
    let g = grid();
    let n = g.len();
    let full = g.evaluate(0..n, 2).unwrap();
    let limits = Limits {
        max_tpot_s: Some(0.05),
        ..Limits::default()
    };
    let ok = admitted(&full, &limits);
    assert!(ok.len() > 1000, "{}", ok.len());

    // Pareto: throughput per chip up, time per token down, cost down.
    let objs = vec![
        Objective::ThroughputPerChipTokensPerS,
        Objective::TpotS,
        Objective::UsdPerMillionTokens,
    ];
    let c = |i: usize| objs.iter().map(|o| cost(&full, *o, i)).collect::<Vec<_>>();
    let beats = |a: usize, b: usize| {
        let (x, y) = (c(a), c(b));
        x.iter().zip(&y).all(|(p, q)| p <= q) && (x.iter().zip(&y).any(|(p, q)| p < q) || a < b)
    };
    let brute: Vec<u64> = ok
        .iter()
        .filter(|&&b| !ok.iter().any(|&a| a != b && beats(a, b)))
        .map(|&i| full.index[i])
        .collect();
    let pareto = Reduction::Pareto(objs.clone());
    let got = g.reduce(0..n, &pareto, &limits, 1).unwrap();
    assert_eq!(got, brute);
    assert!(got.len() >= 5, "{got:?}");
    assert_eq!(got, g.reduce(0..n, &pareto, &limits, 2).unwrap());
    // in three ranges, then merged
    let mut parts = Vec::new();
    for r in [0..1000, 1000..2500, 2500..n] {
        parts.extend(g.reduce(r, &pareto, &limits, 2).unwrap());
    }
    assert_eq!(g.reduce_indices(&parts, &pareto, &limits).unwrap(), got);

    // Best per (model, chip) by throughput per chip.
    let best = Reduction::Best {
        metric: Objective::ThroughputPerChipTokensPerS,
        by: vec![Dim::Model, Dim::Chip],
    };
    let got = g.reduce(0..n, &best, &limits, 2).unwrap();
    let mut brute = Vec::new();
    for m in 0..3u32 {
        for ch in 0..4u32 {
            let pick = ok
                .iter()
                .filter(|&&i| full.model[i] == m && full.chip[i] == ch)
                .min_by(|&&a, &&b| {
                    let ka = (cost(&full, Objective::ThroughputPerChipTokensPerS, a), a);
                    let kb = (cost(&full, Objective::ThroughputPerChipTokensPerS, b), b);
                    ka.partial_cmp(&kb).unwrap()
                });
            if let Some(&i) = pick {
                brute.push(full.index[i]);
            }
        }
    }
    assert_eq!(got, brute);
    assert_eq!(got, g.reduce(0..n, &best, &limits, 1).unwrap());

    // Top 25 by cost per token.
    let top = Reduction::Top {
        metric: Objective::UsdPerMillionTokens,
        k: 25,
    };
    let got = g.reduce(0..n, &top, &limits, 2).unwrap();
    let mut sorted = ok.clone();
    sorted.sort_by(|&a, &b| {
        (cost(&full, Objective::UsdPerMillionTokens, a), a)
            .partial_cmp(&(cost(&full, Objective::UsdPerMillionTokens, b), b))
            .unwrap()
    });
    let brute: Vec<u64> = sorted[..25].iter().map(|&i| full.index[i]).collect();
    assert_eq!(got, brute);
    let mut parts = Vec::new();
    for r in [0..777, 777..n] {
        parts.extend(g.reduce(r, &top, &limits, 1).unwrap());
    }
    assert_eq!(g.reduce_indices(&parts, &top, &limits).unwrap(), got);
}

#[test]
fn bad_grids_and_reductions_are_clear_errors() {
    let g = grid();
    let n = g.len();
    let e = g.evaluate(0..n + 1, 1).unwrap_err().to_string();
    assert!(e.contains("range") && e.contains(&n.to_string()), "{e}");
    let e = g.evaluate_indices(&[n], 1).unwrap_err().to_string();
    assert!(e.contains("indices"), "{e}");
    let top0 = Reduction::Top {
        metric: Objective::TpotS,
        k: 0,
    };
    assert!(
        g.reduce(0..n, &top0, &Limits::default(), 1)
            .unwrap_err()
            .to_string()
            .contains("k")
    );
    let twice = Reduction::Pareto(vec![Objective::TpotS, Objective::TpotS]);
    let e = g
        .reduce(0..n, &twice, &Limits::default(), 1)
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most once"), "{e}");
    assert!(
        "tpot"
            .parse::<Objective>()
            .unwrap_err()
            .to_string()
            .contains("tpot_s")
    );
    assert!(
        "chips"
            .parse::<Dim>()
            .unwrap_err()
            .to_string()
            .contains("n_chips")
    );
    let mut parts: GridParts = g.parts();
    parts.usd_per_chip_hour = vec![1.0];
    assert!(
        Grid::new(parts)
            .unwrap_err()
            .to_string()
            .contains("one price per chip")
    );
    let mut parts: GridParts = g.parts();
    parts.usd_per_chip_hour[2] = -1.0;
    let e = Grid::new(parts).unwrap_err().to_string();
    assert!(e.contains("usd_per_chip_hour[mi300x]"), "{e}");
    // without prices a cost objective admits nothing
    let free = Grid::from_spec(data(), spec()).unwrap();
    let cheap = Reduction::Top {
        metric: Objective::UsdPerMillionTokens,
        k: 3,
    };
    assert!(
        free.reduce(0..free.len(), &cheap, &Limits::default(), 1)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_sweep_under_an_engine_runs_each_row_as_estimate_inference_as_does() {
    let spec = SweepSpec {
        models: vec!["llama-3.1-8b".into()],
        chips: vec!["h200".into(), "mi300x".into()],
        n_chips: vec![1],
        tp: vec![0],
        pp: vec![1],
        ep: vec![1],
        batch: vec![64, 512, 2048],
        input_tokens: vec![128],
        output_tokens: vec![128],
        weight_dtype: vec![Precision::Fp8],
        kv_dtype: vec![None],
        mode: vec![Mode::Calibrated],
    };
    let vllm = chipmodel_perf::EngineProfile::get("vllm").unwrap();
    let mut parts = Grid::from_spec(data(), spec).unwrap().parts();
    parts.engine = Some(vllm.clone());
    let grid = Grid::new(parts).unwrap();
    let cols = grid.evaluate(0..grid.len(), 1).unwrap();
    let model = data().model("llama-3.1-8b").unwrap();
    for (i, (&chip, &batch)) in cols.chip.iter().zip(&cols.batch).enumerate() {
        let chip = data().chip(["h200", "mi300x"][chip as usize]).unwrap();
        let cfg = chipmodel_perf::InferenceConfig {
            batch,
            input_tokens: 128,
            output_tokens: 128,
            weight_dtype: Precision::Fp8,
            ..chipmodel_perf::InferenceConfig::default()
        };
        match chipmodel_perf::estimate_inference_as(model, chip, &cfg, vllm) {
            // vLLM runs at most 1,024 sequences on either chip: batch 2,048 is an invalid row.
            Err(_) => assert!(!cols.valid[i] && batch == 2048, "row {i}"),
            Ok(e) => {
                assert!(cols.valid[i]);
                assert_eq!(
                    cols.throughput_tokens_per_s[i].to_bits(),
                    e.throughput_tokens_per_s.to_bits(),
                    "row {i}"
                );
            }
        }
    }
}
