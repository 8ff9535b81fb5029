//! The inference model: a worked example checked by hand, monotonicity, roofline ≤ calibrated,
//! MoE and MLA behaviour, and a snapshot of a grid of estimates.

use std::fmt::Write as _;

use chipmodel_catalog::{Catalog, Precision};
use chipmodel_perf::{
    BestConfig, Engine, InferenceConfig, Mode, Params, PerfError, best_inference,
    estimate_inference, estimate_inference_breakdown, resolve,
};

mod common;
use common::{data, get_chip, get_model};

#[test]
fn worked_example_llama_2_70b_bf16() {
    // 68.98 B parameters × 2 bytes = 137.95 GB of weights.
    let m = get_model("llama-2-70b");
    let weights = m.total_params() * 2.0;
    assert!((weights / 1e9 - 137.95).abs() < 0.1, "{}", weights / 1e9);
    // One H100 (80 GiB = 85.9e9 bytes, as the device reports them): weights, activations and
    // the runtime reserve are 57.8 GB too many.
    let one = estimate_inference(
        get_model("llama-2-70b"),
        get_chip("h100"),
        &InferenceConfig::default(),
    )
    .unwrap();
    assert!(!one.fits);
    assert!(one.memory.weights_bytes > 137e9);
    assert!(
        (one.memory.shortfall_bytes() - 57.8e9).abs() < 0.1e9,
        "{}",
        one.memory.shortfall_bytes()
    );
    // Two H200s (141 GB each), TP 2: 69 GB of weights per chip, room for the KV cache.
    let two = estimate_inference(
        get_model("llama-2-70b"),
        get_chip("h200"),
        &InferenceConfig {
            n_chips: 2,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    assert!(two.fits, "{:?}", two.memory);
    assert_eq!(two.setup.tp, 2);
    assert!(
        (two.memory.weights_bytes / 1e9 - 69.0).abs() < 0.5,
        "{}",
        two.memory.weights_bytes / 1e9
    );
    // Two H100s (80 GB each) hold the weights but leave 80 − 69 − reserve for everything else.
    let h100s = estimate_inference(
        get_model("llama-2-70b"),
        get_chip("h100"),
        &InferenceConfig {
            n_chips: 2,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    assert!(h100s.fits);
    assert!(h100s.setup.tp == 2 && two.memory.capacity_bytes > h100s.memory.capacity_bytes);
}

#[test]
fn decode_time_by_hand_on_one_h200() {
    // Llama-3.1-8B bf16, batch 1, one H200, roofline: decode reads every weight but the
    // embedding table (16.06 − 1.05 GB; a lookup reads one row) and the KV cache (1,088 tokens ×
    // 128 KiB) once per token at 4.8 TB/s.
    let e = estimate_inference(
        get_model("llama-3.1-8b"),
        get_chip("h200"),
        &InferenceConfig {
            mode: Mode::Roofline,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    let m = get_model("llama-3.1-8b");
    let weights = (m.total_params() - m.param_counts().embedding) * 2.0;
    let kv = (1024.0 + 64.0) * m.kv_cache_bytes_per_token(2.0);
    let expected = (weights + kv) / 4.8e12;
    let err = e.tpot_s / expected - 1.0;
    // Activations and norms add a little; nothing else should.
    assert!(
        (0.0..0.03).contains(&err),
        "tpot {} vs {expected} ({:+.2}%)",
        e.tpot_s,
        err * 100.0
    );
    assert_eq!(e.bound, chipmodel_perf::Bound::Memory);
}

#[test]
fn more_bandwidth_never_slows_decode() {
    let base = Catalog::embedded();
    let chip = base.get("h100").unwrap();
    let model = get_model("llama-3.1-70b");
    let mut last = f64::INFINITY;
    for tbs in [2.0, 3.35, 4.8, 8.0, 16.0] {
        let cat = base
            .with_toml(
                "bw.toml",
                &format!("[[override]]\nid = \"h100\"\nmemory_bandwidth = {{ value = {tbs}, unit = \"TB/s\", source = \"chipmodel-estimate\", estimate = true, note = \"test\" }}\n"),
            )
            .unwrap();
        let c = cat.get("h100").unwrap();
        for batch in [1, 16, 256] {
            let config = InferenceConfig {
                n_chips: 8,
                batch,
                ..InferenceConfig::default()
            };
            let (engine, setup) = resolve(model, c, &config).unwrap();
            let e = engine.estimate(&setup);
            if batch == 16 {
                assert!(e.tpot_s <= last, "{tbs} TB/s: {} > {last}", e.tpot_s);
                last = e.tpot_s;
            }
        }
    }
    assert!(chip.memory_bandwidth_bytes_per_s() > 0.0);
}

#[test]
fn more_chips_never_lower_peak_throughput() {
    for (model, chip) in [
        ("llama-2-70b", "h100"),
        ("mixtral-8x7b", "h200"),
        ("llama-3.1-8b", "a100"),
    ] {
        let mut last = 0.0;
        for n in [2, 4, 8, 16] {
            let e = best_inference(get_model(model), get_chip(chip), &BestConfig::new(n)).unwrap();
            assert!(
                e.throughput_tokens_per_s >= last,
                "{model} on {n} {chip}: {} < {last}",
                e.throughput_tokens_per_s
            );
            last = e.throughput_tokens_per_s;
        }
    }
}

#[test]
fn longer_context_never_shrinks_the_kv_cache() {
    let mut last = 0.0;
    for input in [128, 512, 1024, 4096, 16384, 65536] {
        let e = estimate_inference(
            get_model("llama-3.1-70b"),
            get_chip("h200"),
            &InferenceConfig {
                input_tokens: input,
                n_chips: 8,
                batch: 8,
                ..InferenceConfig::default()
            },
        )
        .unwrap();
        assert!(e.memory.kv_cache_bytes > last);
        last = e.memory.kv_cache_bytes;
    }
}

#[test]
fn roofline_is_never_slower_than_calibrated() {
    for model in [
        "llama-2-7b",
        "llama-2-70b",
        "mixtral-8x7b",
        "deepseek-v3",
        "gpt-j-6b",
        "qwen3-235b-a22b",
    ] {
        for chip in [
            "h100",
            "h200",
            "a100",
            "mi300x",
            "b200",
            "gaudi3",
            "tpu-v6e",
            "ascend-910b",
            "l40s",
        ] {
            for n in [1u32, 8] {
                for batch in [1u32, 32, 512] {
                    for w in [Precision::Bf16, Precision::Fp8] {
                        let base = InferenceConfig {
                            n_chips: n,
                            batch: batch.max(n),
                            weight_dtype: w,
                            ..InferenceConfig::default()
                        };
                        let (m, c) = (get_model(model), get_chip(chip));
                        let cal = match estimate_inference(m, c, &base) {
                            Ok(e) => e,
                            Err(PerfError::UnsupportedPrecision { .. })
                            | Err(PerfError::InvalidConfig { .. }) => continue,
                            Err(e) => panic!("{e}"),
                        };
                        let roof = estimate_inference(
                            m,
                            c,
                            &InferenceConfig {
                                mode: Mode::Roofline,
                                ..base
                            },
                        )
                        .unwrap();
                        for (name, r, c) in [
                            ("ttft", roof.ttft_s, cal.ttft_s),
                            ("tpot", roof.tpot_s, cal.tpot_s),
                            ("e2e", roof.e2e_latency_s, cal.e2e_latency_s),
                        ] {
                            assert!(
                                r <= c,
                                "{model} {chip} n{n} b{batch} {w}: roofline {name} {r} > calibrated {c}"
                            );
                        }
                        assert!(roof.throughput_tokens_per_s >= cal.throughput_tokens_per_s);
                    }
                }
            }
        }
    }
}

#[test]
fn moe_decode_reads_active_not_total_parameters() {
    // Batch 1: one token uses 2 of Mixtral's 8 experts, so decode reads ≈ active parameters.
    let m = get_model("mixtral-8x7b");
    let (e, ops) = estimate_inference_breakdown(
        get_model("mixtral-8x7b"),
        get_chip("h100"),
        &InferenceConfig {
            mode: Mode::Roofline,
            n_chips: 2,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    let decode_bytes: f64 = ops
        .iter()
        .filter(|o| o.phase == "decode")
        .map(|o| o.bytes)
        .sum::<f64>()
        * f64::from(e.setup.tp);
    let kv = m.kv_cache_bytes_per_token(2.0) * (1024.0 + 64.0);
    let weight_bytes = decode_bytes - kv;
    let active = m.active_params() * 2.0;
    assert!(
        (weight_bytes / active - 1.0).abs() < 0.05,
        "read {:.2} GB vs active {:.2} GB",
        weight_bytes / 1e9,
        active / 1e9
    );
    assert!(weight_bytes < 0.4 * m.total_params() * 2.0);
    // A large batch touches every expert: bytes approach the total.
    let (e, ops) = estimate_inference_breakdown(
        get_model("mixtral-8x7b"),
        get_chip("h100"),
        &InferenceConfig {
            mode: Mode::Roofline,
            n_chips: 2,
            batch: 256,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    let experts: f64 = ops
        .iter()
        .filter(|o| o.phase == "decode" && o.op == "experts")
        .map(|o| o.bytes)
        .sum::<f64>()
        * f64::from(e.setup.tp);
    assert!(experts > 0.95 * m.param_counts().experts * 2.0);
}

#[test]
fn mla_shrinks_the_kv_cache_as_published() {
    let ds = get_model("deepseek-v3");
    // (512 + 64) × 61 × 2 B = 70,272 B per token (68.6 KiB), DeepSeek-V2 paper's latent width.
    assert_eq!(ds.kv_cache_bytes_per_token(2.0), 70_272.0);
    let e = estimate_inference(
        get_model("deepseek-v3"),
        get_chip("h200"),
        &InferenceConfig {
            n_chips: 8,
            tp: Some(1),
            ep: 8,
            batch: 64,
            weight_dtype: Precision::Fp8,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    let per_seq = e.memory.kv_cache_bytes / 8.0; // dp 8: 8 sequences per chip
    assert!(
        (per_seq / (1152.0 * 70_272.0) - 1.0).abs() < 1e-9,
        "{per_seq}"
    );
}

#[test]
fn unsupported_precisions_and_bad_configs_are_clear_errors() {
    let err = estimate_inference(
        get_model("llama-2-7b"),
        get_chip("a100"),
        &InferenceConfig {
            weight_dtype: Precision::Fp8,
            ..InferenceConfig::default()
        },
    );
    // A100 has no FP8 rate: weights stored in fp8 compute in bf16 (weight-only), which is allowed…
    let e = err.unwrap();
    assert_eq!(e.setup.act_dtype, Precision::Bf16);
    // …but asking it to compute in fp8 is not.
    let err = estimate_inference(
        get_model("llama-2-7b"),
        get_chip("a100"),
        &InferenceConfig {
            act_dtype: Some(Precision::Fp8),
            ..InferenceConfig::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("a100-sxm has no fp8 rate in the catalog (act_dtype)"),
        "{err}"
    );
    let err = estimate_inference(
        get_model("llama-2-7b"),
        get_chip("h100"),
        &InferenceConfig {
            n_chips: 8,
            pp: 3,
            ..InferenceConfig::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration: pp = 3: must divide n_chips = 8"
    );
    // Beyond the trained context: computed, as engines run it, and flagged (not refused).
    let long = estimate_inference(
        get_model("llama-2-7b"),
        get_chip("h100"),
        &InferenceConfig {
            input_tokens: 5000,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    assert!(long.beyond_trained_context);
    assert!(
        long.notes[0].contains("beyond llama-2-7b's trained context of 4096 tokens"),
        "{:?}",
        long.notes
    );
    let err = estimate_inference(
        get_model("llama-2-7b"),
        get_chip("h100"),
        &InferenceConfig {
            batch: 0,
            ..InferenceConfig::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("batch = 0"), "{err}");
    let err = estimate_inference(
        get_model("llama-2-7b"),
        get_chip("h100"),
        &InferenceConfig {
            ep: 2,
            n_chips: 2,
            tp: Some(1),
            batch: 2,
            ..InferenceConfig::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("has no experts"), "{err}");
    let err = data().chip("h1000").unwrap_err();
    assert!(err.to_string().contains("did you mean"), "{err}");
}

#[test]
fn every_catalog_chip_gets_an_estimate() {
    for chip in Catalog::embedded().chips() {
        let e = estimate_inference(
            get_model("llama-3.1-8b"),
            get_chip(&chip.id),
            &InferenceConfig {
                n_chips: 8,
                batch: 8,
                ..InferenceConfig::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", chip.id));
        assert!(e.tpot_s > 0.0 && e.tpot_s.is_finite(), "{}", chip.id);
    }
}

#[test]
fn max_batch_is_the_memory_limit() {
    let chip = Catalog::embedded().get("h100").unwrap();
    let engine = Engine::new(
        get_model("llama-2-70b"),
        chip,
        Params::for_chip(chip, Mode::Calibrated).unwrap(),
    );
    let s = engine
        .setup(
            8,
            None,
            1,
            1,
            1,
            2048,
            512,
            Precision::Fp8,
            None,
            None,
            Mode::Calibrated,
        )
        .unwrap();
    let b = engine.max_batch(&s);
    assert!(b > 64 && b < 2000, "{b}");
}

fn round(x: f64) -> String {
    chipmodel_catalog::units::sig(x, 4)
}

/// Estimates for a grid of models × chips × parallelism × precisions, rounded to four
/// significant digits; a change is a model decision explained in its commit.
#[test]
fn estimate_grid_snapshot() {
    let mut out = String::new();
    writeln!(out, "model | chip | n | tp | w | batch | fits | GB/chip | ttft_ms | tpot_ms | tok/s | J/tok | bound").unwrap();
    for model in [
        "llama-3.1-8b",
        "llama-2-70b",
        "llama-3.1-405b",
        "mixtral-8x7b",
        "deepseek-v3",
    ] {
        for chip in ["h100", "h200", "h20", "b200", "mi300x", "ascend-910c"] {
            for (n, tp) in [(1u32, 1u32), (8, 8), (8, 2)] {
                for w in [Precision::Bf16, Precision::Fp8] {
                    let c = InferenceConfig {
                        n_chips: n,
                        tp: Some(tp),
                        batch: 32,
                        weight_dtype: w,
                        ..InferenceConfig::default()
                    };
                    match estimate_inference(get_model(model), get_chip(chip), &c) {
                        Ok(e) => writeln!(
                            out,
                            "{model} | {chip} | {n} | {tp} | {w} | 32 | {} | {} | {} | {} | {} | {} | {}",
                            e.fits,
                            round(e.memory.total_bytes / 1e9),
                            round(e.ttft_s * 1e3),
                            round(e.tpot_s * 1e3),
                            round(e.throughput_tokens_per_s),
                            round(e.energy_per_token_j),
                            e.bound.as_str()
                        )
                        .unwrap(),
                        Err(err) => writeln!(out, "{model} | {chip} | {n} | {tp} | {w} | error: {err}").unwrap(),
                    }
                }
            }
        }
    }
    insta::assert_snapshot!("estimate_grid", out);
}

#[test]
fn every_precision_substitution_is_named_in_the_result() {
    // fp8 weights on a chip with no fp8 rate run weight-only, and the result says so.
    let e = estimate_inference(
        get_model("llama-3.1-8b"),
        get_chip("ascend-910c"),
        &InferenceConfig {
            weight_dtype: Precision::Fp8,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    assert_eq!(e.setup.act_dtype, Precision::Bf16);
    assert_eq!(
        e.notes,
        ["weight-only fp8: fp8 weights, bf16 compute (ascend-910c has no fp8 rate)"]
    );
    // fp4 on H100 (no fp4 rate): weight-only too.
    let e = estimate_inference(
        get_model("llama-3.1-8b"),
        get_chip("h100"),
        &InferenceConfig {
            weight_dtype: Precision::Fp4,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    assert!(
        e.notes[0].starts_with("weight-only fp4: fp4 weights, "),
        "{:?}",
        e.notes
    );
    // A plain run has no notes; fp8 on H100 computes in fp8.
    let e = estimate_inference(
        get_model("llama-3.1-8b"),
        get_chip("h100"),
        &InferenceConfig {
            weight_dtype: Precision::Fp8,
            ..InferenceConfig::default()
        },
    )
    .unwrap();
    assert!(
        e.notes.is_empty() && !e.beyond_trained_context,
        "{:?}",
        e.notes
    );
    // best_inference without targets says it is offline maximum throughput, with its latency.
    let b = best_inference(
        get_model("llama-3.1-8b"),
        get_chip("h100"),
        &BestConfig::new(1),
    )
    .unwrap();
    assert!(
        b.notes
            .iter()
            .any(|n| n.starts_with("offline maximum throughput: no latency target")),
        "{:?}",
        b.notes
    );
}

#[test]
fn reserved_admission_never_admits_more_than_on_demand() {
    use chipmodel_perf::KvPolicy;
    for model in ["llama-3.1-8b", "llama-3.1-70b"] {
        for chip in ["h100", "h200"] {
            for (input, output) in [(1024, 1024), (128, 2048), (2048, 128)] {
                let batch = |kv_policy| {
                    let mut cfg = BestConfig::new(8);
                    cfg.input_tokens = input;
                    cfg.output_tokens = output;
                    cfg.weight_dtype = Precision::Fp8;
                    cfg.kv_policy = kv_policy;
                    // The same layout: admission is per replica.
                    (cfg.tp, cfg.pp) = (Some(1), Some(1));
                    best_inference(get_model(model), get_chip(chip), &cfg)
                        .unwrap()
                        .setup
                        .batch
                };
                let (reserved, on_demand) = (
                    batch(Some(KvPolicy::Reserved)),
                    batch(Some(KvPolicy::OnDemand)),
                );
                assert!(
                    reserved <= on_demand,
                    "{model} on {chip} {input}/{output}: reserved {reserved} > on-demand {on_demand}"
                );
            }
        }
    }
}

#[test]
fn fp4_gemms_take_at_least_half_the_fp8_time() {
    // B200 doubles its peak from FP8 to FP4; the matrix time may at best halve.
    for model in ["llama-3.1-8b", "llama-3.1-70b"] {
        let run = |weight_dtype| {
            estimate_inference(
                get_model(model),
                get_chip("b200"),
                &InferenceConfig {
                    n_chips: 8,
                    batch: 64,
                    input_tokens: 2048,
                    weight_dtype,
                    ..InferenceConfig::default()
                },
            )
            .unwrap()
        };
        let (fp8, fp4) = (run(Precision::Fp8), run(Precision::Fp4));
        assert_eq!(fp4.setup.act_dtype, Precision::Fp4, "B200 computes in fp4");
        assert!(
            fp4.prefill.compute_s >= fp8.prefill.compute_s / 2.0 * (1.0 - 1e-12),
            "{model}: fp4 {} vs fp8 {}",
            fp4.prefill.compute_s,
            fp8.prefill.compute_s
        );
    }
}

#[test]
fn an_engine_profile_caps_the_batch_and_sets_the_admission() {
    // Llama-3.1-8B fp8 at 128/128 on one H200: the ideal bound runs far more sequences than any
    // engine does.
    let run = |engine: Option<&str>| {
        let mut cfg = BestConfig::new(1);
        cfg.input_tokens = 128;
        cfg.output_tokens = 128;
        cfg.weight_dtype = Precision::Fp8;
        cfg.engine = engine.map(|e| chipmodel_perf::EngineProfile::get(e).unwrap().clone());
        best_inference(get_model("llama-3.1-8b"), get_chip("h200"), &cfg).unwrap()
    };
    let ideal = run(Some("ideal"));
    assert_eq!(ideal.engine.as_deref(), Some("ideal"));
    assert!(ideal.schedule.is_none(), "the ideal bound has no schedule");
    // No engine named: the vendor's reference engine, said so.
    let default = run(None);
    assert_eq!(default.engine.as_deref(), Some("trtllm"));
    assert!(
        default
            .notes
            .iter()
            .any(|n| n.contains("the NVIDIA vendor's reference engine")),
        "{:?}",
        default.notes
    );
    assert!(ideal.setup.batch > 4096, "{}", ideal.setup.batch);
    let trt = run(Some("trtllm"));
    assert!(trt.setup.batch <= 4096 && trt.setup.kv_policy == chipmodel_perf::KvPolicy::Reserved);
    let vllm = run(Some("vllm"));
    // vLLM allocates KV on demand; in an offline wave its sequences all reach full length
    // together, so the batch is sized at full length, and the result says so.
    assert!(vllm.setup.batch <= 1024 && vllm.setup.kv_policy == chipmodel_perf::KvPolicy::Reserved);
    assert!(
        vllm.chosen_by
            .contains("KV cache on demand, a wave's sequences at full length by its end"),
        "{}",
        vllm.chosen_by
    );
    assert!(vllm.notes[0].ends_with("KV on-demand"), "{:?}", vllm.notes);
    assert!(vllm.throughput_tokens_per_s < ideal.throughput_tokens_per_s);
    assert_eq!(vllm.engine.as_deref(), Some("vllm"));
    assert!(
        vllm.notes
            .iter()
            .any(|n| n.starts_with("engine vllm V1: at most 1024 sequences")),
        "{:?}",
        vllm.notes
    );
}

#[test]
fn the_embedded_engine_profiles_read_and_cap_by_device() {
    let all = chipmodel_perf::engines().unwrap();
    assert_eq!(
        all.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["ideal", "trtllm", "vllm", "sglang", "vllm-v0"]
    );
    let vllm = chipmodel_perf::EngineProfile::get("vllm").unwrap();
    // A 141 GiB H200: the large default; an A100 (80 GiB, excluded by name) and a 24 GB card:
    // the small one.
    assert_eq!(vllm.max_batch(get_chip("h200"), 1), Some(1024));
    assert_eq!(vllm.max_batch(get_chip("a100"), 2), Some(512));
    assert_eq!(vllm.max_batch(get_chip("rtx-4090"), 1), Some(256));
    let ideal = chipmodel_perf::EngineProfile::get("ideal").unwrap();
    assert_eq!(ideal.max_batch(get_chip("h200"), 8), None);
    assert!(vllm.sources.contains_key("vllm-arg-utils"));
}

#[test]
fn estimates_say_how_much_of_their_calibration_is_estimated() {
    let cfg = InferenceConfig::default();
    let on = |chip| {
        estimate_inference(get_model("llama-3.1-8b"), get_chip(chip), &cfg)
            .unwrap()
            .calibration_estimates
    };
    // Hopper rests on measurements but for one value; the Ascend family on analogies.
    assert_eq!(on("h100"), (1, 14));
    assert_eq!(on("ascend-910c"), (11, 12));
    let roofline = InferenceConfig {
        mode: Mode::Roofline,
        ..InferenceConfig::default()
    };
    let e = estimate_inference(get_model("llama-3.1-8b"), get_chip("h100"), &roofline).unwrap();
    assert_eq!(e.calibration_estimates, (0, 0));
    let b = best_inference(
        get_model("llama-3.1-8b"),
        get_chip("ascend-910c"),
        &BestConfig::new(1),
    )
    .unwrap();
    assert_eq!(b.calibration_estimates, (11, 12));
}

#[test]
fn grouped_moe_layers_take_at_least_the_dense_equivalent_time() {
    // A fused MoE layer (measured, TensorRT-LLM) against one dense GEMM of the same FLOPs: every
    // token's k expert rows in one M = tokens × k over a single expert's h × fe / tp weight,
    // at that GEMM's measured efficiency. Grouping, routing imbalance and the split of the work
    // over experts cost: in prefill the experts take longer, except where each expert's share
    // is itself a large GEMM.
    use chipmodel_perf::kernels;
    let cases = [
        ("mixtral-8x7b", 2, Precision::Bf16),
        ("mixtral-8x7b", 2, Precision::Fp8),
        ("qwen3-30b-a3b", 1, Precision::Bf16),
        ("qwen3-30b-a3b", 1, Precision::Fp8),
        ("deepseek-v3", 8, Precision::Fp8),
    ];
    let mut ratios = Vec::new();
    for (model_id, tp, dtype) in cases {
        let model = get_model(model_id);
        let moe = model.moe.as_ref().unwrap();
        for chip_id in ["h100", "h200", "b200"] {
            let chip = get_chip(chip_id);
            let Some(curve) = kernels::for_chip(&chip.id).and_then(|k| k.gemm_for(dtype)) else {
                continue;
            };
            for batch in [1, 4, 16] {
                let cfg = InferenceConfig {
                    n_chips: tp,
                    tp: Some(tp),
                    batch,
                    input_tokens: 1024,
                    output_tokens: 16,
                    weight_dtype: dtype,
                    ..InferenceConfig::default()
                };
                let Ok((e, ops)) = estimate_inference_breakdown(model, chip, &cfg) else {
                    continue;
                };
                if !e.fits {
                    continue;
                }
                // The assumption is in the result.
                let routing = if model.mla.is_some() {
                    "power-law-1.01"
                } else {
                    "power-law-1.2"
                };
                assert!(
                    e.notes
                        .iter()
                        .any(|n| n.contains("measured fused-MoE kernel") && n.contains(routing)),
                    "{:?}",
                    e.notes
                );
                let experts = ops
                    .iter()
                    .find(|o| o.phase == "prefill" && o.op == "experts")
                    .unwrap();
                let tokens = f64::from(batch) * 1024.0;
                let (h, fe, k) = (
                    model.hidden_size as f64,
                    moe.expert_intermediate_size as f64,
                    moe.top_k as f64,
                );
                let f = curve.fraction(tokens * k, h * fe / f64::from(tp));
                let peak = chip.dense_flops_per_s(e.setup.act_dtype).unwrap();
                let dense = experts.flops / (peak * f);
                let ratio = experts.time_s / dense;
                // Where every expert gets thousands of tokens (Mixtral, 16k-token prefill: 4,096
                // per expert) the fused kernel is as efficient as a dense GEMM, within the
                // spread of the measured bins (B200 fp8: 0.88).
                assert!(
                    ratio >= 0.85,
                    "{model_id} {dtype} tp{tp} on {chip_id} batch {batch}: experts {} s, {ratio:.3} of the dense-equivalent {dense} s",
                    experts.time_s
                );
                ratios.push(ratio);
            }
        }
    }
    assert!(ratios.len() >= 20, "{}", ratios.len());
    ratios.sort_by(f64::total_cmp);
    // Across the cases the grouped layers take 0.9–7.8× the dense time, 2.5× at the median.
    let median = ratios[ratios.len() / 2];
    assert!(median >= 2.0, "median {median}: {ratios:?}");
}

#[test]
fn pipeline_stages_cost_their_bubble_sends_and_host_time_llama_405b() {
    // Llama-3.1-405B fp8 on 8×H200 at 1024/1024, TensorRT-LLM. Pipeline parallelism used to be
    // free (the search chose tp1 pp8 at 5,546 tok/s); now each stage pays its share of the
    // imbalance between mixed and decode-only micro-batches, the sends on the critical path and
    // the host time per micro-batch.
    let mut cfg = BestConfig::new(8);
    (cfg.input_tokens, cfg.output_tokens) = (1024, 1024);
    cfg.weight_dtype = Precision::Fp8;
    let (model, chip) = (get_model("llama-3.1-405b"), get_chip("h200"));
    let best = best_inference(model, chip, &cfg).unwrap();
    let pp8 = best_inference(
        model,
        chip,
        &BestConfig {
            tp: Some(1),
            pp: Some(8),
            ..cfg.clone()
        },
    )
    .unwrap();
    let sc = pp8.schedule.unwrap();
    assert_eq!(sc.microbatches, 8);
    assert!(sc.bubble_s > 0.3 * sc.cycle_s, "{sc:?}");
    assert!(sc.pp_send_s > 0.0 && sc.host_s > 0.0, "{sc:?}");
    assert!(
        pp8.chosen_by.contains("pipeline bubble") && pp8.chosen_by.contains("host 2.00 ms"),
        "{}",
        pp8.chosen_by
    );
    // The search's choice, and the terms that decide it: no pipeline stages, and it beats
    // both tensor parallelism over all eight and the eight-stage pipeline.
    assert_eq!((best.setup.tp, best.setup.pp, best.setup.dp), (4, 1, 2));
    assert!(best.throughput_tokens_per_s > 1.05 * best.alternatives[0].throughput_tokens_per_s);
    assert_eq!(
        (best.alternatives[0].tp, best.alternatives[0].pp),
        (8, 1),
        "{:?}",
        best.alternatives
    );
    assert!(best.throughput_tokens_per_s > 2.0 * pp8.throughput_tokens_per_s);
    assert!(
        best.alternatives
            .iter()
            .filter(|a| a.pp > 1)
            .all(|a| a.bubble_fraction > 0.1),
        "{:?}",
        best.alternatives
    );
    assert!(
        best.chosen_by.contains("next best tp=8 pp=1"),
        "{}",
        best.chosen_by
    );
    // Against TensorRT-LLM's published 3,330 tok/s for TP8 at 1000/1000 (docs/validation.md).
    assert!(
        (2_000.0..4_000.0).contains(&best.throughput_tokens_per_s),
        "{}",
        best.throughput_tokens_per_s
    );
}

#[test]
fn the_batch_never_exceeds_the_engine_cap() {
    let profiles = chipmodel_perf::engines().unwrap();
    let mut checked = 0;
    for profile in profiles.iter().filter(|p| p.max_sequences.is_some()) {
        for (model, chip, n) in [
            ("llama-3.1-8b", "h200", 1),
            ("llama-3.1-8b", "a100", 1),
            ("llama-3.1-70b", "h100", 8),
            ("mixtral-8x7b", "mi300x", 8),
            ("qwen3-30b-a3b", "b200", 2),
        ] {
            for (input, output) in [(128, 128), (128, 2048), (2048, 128)] {
                let mut cfg = BestConfig::new(n);
                (cfg.input_tokens, cfg.output_tokens) = (input, output);
                cfg.weight_dtype = Precision::Fp8;
                cfg.engine = Some(profile.clone());
                let chip = get_chip(chip);
                let Ok(e) = best_inference(get_model(model), chip, &cfg) else {
                    continue;
                };
                let cap = profile.max_batch(chip, e.setup.dp).unwrap();
                assert!(
                    e.setup.batch <= cap,
                    "{} {model} on {n}×{}: batch {} > cap {cap}",
                    profile.id,
                    chip.id,
                    e.setup.batch
                );
                if let Some(sc) = e.schedule {
                    let per = profile.max_batch(chip, 1).unwrap();
                    assert!(sc.sequences_per_replica <= f64::from(per), "{sc:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked}");
}
