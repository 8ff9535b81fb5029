//! Property tests of the performance model (proptest): scaling laws that must hold for any
//! configuration, not just the validated ones.

use chipmodel_catalog::{Catalog, Chip, Precision};
use chipmodel_perf::{Engine, Mode, Model, Params};
use proptest::prelude::*;

mod common;
use common::get_model;

const MODELS: [&str; 5] = [
    "llama-3.1-8b",
    "llama-2-13b",
    "mixtral-8x7b",
    "llama-3.1-70b",
    "qwen2.5-72b",
];
const CHIPS: [&str; 6] = ["h100", "h200", "a100", "mi300x", "b200", "gaudi3"];

/// A configuration: model, chip, chip count (power of two), batch, prompt and output lengths.
fn config() -> impl Strategy<Value = (usize, usize, u32, u32, u32, u32)> {
    (
        0..MODELS.len(),
        0..CHIPS.len(),
        0u32..4,
        1u32..512,
        1u32..8192,
        1u32..2048,
    )
        .prop_map(|(m, c, k, b, i, o)| (m, c, 1 << k, b, i, o))
}

#[allow(clippy::too_many_arguments)]
/// (tpot, ttft, throughput) of a configuration on `chip` in `mode`, or None when it is invalid
/// (a layout that does not divide) or does not fit.
fn run(
    model: &Model,
    chip: &Chip,
    mode: Mode,
    n: u32,
    tp: Option<u32>,
    batch: u32,
    input: u32,
    output: u32,
) -> Option<(f64, f64, f64)> {
    let params = Params::for_chip(chip, mode).ok()?;
    let e = Engine::new(model, chip, params);
    let s = e
        .setup(
            n,
            tp,
            1,
            1,
            batch,
            input,
            output,
            Precision::Bf16,
            None,
            None,
            mode,
        )
        .ok()?;
    let c = e.summary(&s);
    c.fits
        .then_some((c.tpot_s, c.ttft_s, c.throughput_tokens_per_s))
}

fn scaled(chip: &Chip, bandwidth: f64, compute: f64) -> Chip {
    let mut c = chip.clone();
    c.memory_bandwidth.value *= bandwidth;
    for rate in c.dense.values_mut() {
        rate.value.flops_per_s *= compute;
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// More memory bandwidth or more compute never makes anything slower.
    #[test]
    fn more_bandwidth_or_compute_is_never_slower(
        (m, c, n, batch, input, output) in config(),
        bw in 1.0f64..4.0,
        flops in 1.0f64..4.0,
        roofline in any::<bool>(),
    ) {
        let model = get_model(MODELS[m]);
        let chip = Catalog::embedded().get(CHIPS[c]).unwrap();
        let mode = if roofline { Mode::Roofline } else { Mode::Calibrated };
        let Some(base) = run(model, chip, mode, n, None, batch, input, output) else { return Ok(()); };
        for faster in [scaled(chip, bw, 1.0), scaled(chip, 1.0, flops), scaled(chip, bw, flops)] {
            let (tpot, ttft, tput) = run(model, &faster, mode, n, None, batch, input, output).unwrap();
            prop_assert!(tpot <= base.0 * (1.0 + 1e-12), "tpot {} > {}", tpot, base.0);
            prop_assert!(ttft <= base.1 * (1.0 + 1e-12), "ttft {} > {}", ttft, base.1);
            prop_assert!(tput >= base.2 * (1.0 - 1e-12), "throughput {} < {}", tput, base.2);
        }
    }

    /// n chips in tensor parallel never deliver more than n times one chip's throughput.
    #[test]
    fn n_chips_never_beat_n_times_one((m, c, n, batch, input, output) in config()) {
        let model = get_model(MODELS[m]);
        let chip = Catalog::embedded().get(CHIPS[c]).unwrap();
        let Some(one) = run(model, chip, Mode::Calibrated, 1, None, batch, input, output) else { return Ok(()); };
        if let Some(many) = run(model, chip, Mode::Calibrated, n, Some(n), batch, input, output) {
            prop_assert!(many.2 <= f64::from(n) * one.2 * (1.0 + 1e-9), "{} chips: {} > {} x {}", n, many.2, n, one.2);
        }
    }

    /// The roofline bound is never slower than the calibrated estimate.
    #[test]
    fn roofline_is_never_slower_than_calibrated((m, c, n, batch, input, output) in config()) {
        let model = get_model(MODELS[m]);
        let chip = Catalog::embedded().get(CHIPS[c]).unwrap();
        let (Some(cal), Some(roof)) = (
            run(model, chip, Mode::Calibrated, n, None, batch, input, output),
            run(model, chip, Mode::Roofline, n, None, batch, input, output),
        ) else { return Ok(()); };
        prop_assert!(roof.0 <= cal.0 * (1.0 + 1e-12), "tpot roofline {} > calibrated {}", roof.0, cal.0);
        prop_assert!(roof.1 <= cal.1 * (1.0 + 1e-12), "ttft roofline {} > calibrated {}", roof.1, cal.1);
        prop_assert!(roof.2 >= cal.2 * (1.0 - 1e-12), "throughput roofline {} < calibrated {}", roof.2, cal.2);
    }

    /// Every output of a valid configuration is finite and positive.
    #[test]
    fn outputs_are_finite_and_positive((m, c, n, batch, input, output) in config()) {
        let model = get_model(MODELS[m]);
        let chip = Catalog::embedded().get(CHIPS[c]).unwrap();
        if let Some((tpot, ttft, tput)) = run(model, chip, Mode::Calibrated, n, None, batch, input, output) {
            for x in [tpot, ttft, tput] {
                prop_assert!(x.is_finite() && x > 0.0, "{}", x);
            }
        }
    }
}
