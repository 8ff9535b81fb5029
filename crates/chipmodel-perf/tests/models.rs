//! The model catalog: parameter counts from the architecture match the published totals.

use chipmodel_perf::Model;

mod common;
use common::{data, get_model};

#[test]
fn parameter_counts_match_published_totals_within_one_percent() {
    let models = data().models().models();
    assert!(models.len() >= 13);
    for m in models {
        let published = m
            .published_params
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no published total", m.id));
        let err = m.total_params() / published.value - 1.0;
        assert!(
            err.abs() < 0.01,
            "{}: computed {:.4e} vs published {:.4e} ({:+.2}%)",
            m.id,
            m.total_params(),
            published.value,
            err * 100.0
        );
        if let Some(active) = &m.published_active_params {
            // Active counts are published in whole billions ("37B activated"): allow the
            // rounding (±0.5 B) on top of 1%. DeepSeek-V3 computes to 37.55 B with embeddings.
            let tolerance = if active.value % 1e9 == 0.0 {
                0.01 * active.value + 0.5e9
            } else {
                0.01 * active.value
            };
            let diff = m.active_params() - active.value;
            assert!(
                diff.abs() <= tolerance,
                "{}: active {:.4e} vs {:.4e}",
                m.id,
                m.active_params(),
                active.value
            );
        }
    }
}

#[test]
fn every_promised_model_is_present() {
    for id in [
        "llama-2-7b",
        "llama-2-13b",
        "llama-2-70b",
        "llama-3.1-8b",
        "llama-3.1-70b",
        "llama-3.1-405b",
        "qwen2.5-72b",
        "gpt-j-6b",
        "gpt-3-175b",
        "mixtral-8x7b",
        "mixtral-8x22b",
        "qwen3-235b-a22b",
        "deepseek-v3",
    ] {
        assert!(data().model(id).is_ok(), "{id}");
    }
}

#[test]
fn kv_cache_per_token_matches_reference() {
    let kib = |id: &str| get_model(id).kv_cache_bytes_per_token(2.0) / 1024.0;
    assert_eq!(kib("llama-2-7b"), 512.0);
    assert_eq!(kib("llama-2-13b"), 800.0);
    assert_eq!(kib("llama-2-70b"), 320.0);
    assert_eq!(kib("llama-3.1-8b"), 128.0);
    assert_eq!(kib("llama-3.1-405b"), 504.0);
    assert_eq!(kib("mixtral-8x22b"), 224.0);
    assert_eq!(kib("qwen3-235b-a22b"), 188.0);
    assert_eq!(kib("gpt-j-6b"), 448.0);
    assert_eq!(kib("gpt-3-175b"), 4608.0);
    // MLA: DeepSeek-V3 caches a 576-wide latent, 68.6 KiB per token at 16 bits, where standard
    // attention with its 128 heads of 128+128 would cache 61 × 2 × 128 × 128 × 2 B = 3.9 MiB.
    let ds = get_model("deepseek-v3");
    assert!((kib("deepseek-v3") - 68.625).abs() < 1e-9);
    let mha = 61.0 * 2.0 * 128.0 * 128.0 * 2.0;
    assert!(mha / ds.kv_cache_bytes_per_token(2.0) > 50.0);
}

#[test]
fn from_hf_config_reproduces_the_catalog() {
    let deepseek = serde_json::json!({
        "model_type": "deepseek_v3", "hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128,
        "num_key_value_heads": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048,
        "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
        "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128,
        "vocab_size": 129280, "max_position_embeddings": 163840, "tie_word_embeddings": false, "hidden_act": "silu"
    });
    let m = Model::from_hf_config("ds", &deepseek).unwrap();
    let reference = get_model("deepseek-v3");
    assert_eq!(m.total_params(), reference.total_params());
    assert_eq!(m.active_params(), reference.active_params());
    assert_eq!(
        m.kv_cache_bytes_per_token(1.0),
        reference.kv_cache_bytes_per_token(1.0)
    );

    let gptj = serde_json::json!({
        "model_type": "gptj", "n_embd": 4096, "n_layer": 28, "n_head": 16, "n_inner": null, "rotary_dim": 64,
        "vocab_size": 50400, "n_positions": 2048, "activation_function": "gelu_new", "tie_word_embeddings": false
    });
    let m = Model::from_hf_config("gptj", &gptj).unwrap();
    assert_eq!(m.total_params(), get_model("gpt-j-6b").total_params());

    let mixtral = serde_json::json!({
        "model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
        "num_key_value_heads": 8, "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2,
        "vocab_size": 32000, "max_position_embeddings": 32768, "tie_word_embeddings": false
    });
    let m = Model::from_hf_config("mx", &mixtral).unwrap();
    assert_eq!(m.total_params(), get_model("mixtral-8x7b").total_params());
}

#[test]
fn from_hf_config_errors_name_the_key() {
    let err = Model::from_hf_config("x", &serde_json::json!({"hidden_size": 4096}))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("hugging face config: 'num_hidden_layers': missing"),
        "{err}"
    );
    let err = Model::from_hf_config("x", &serde_json::json!([1, 2]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("expected a JSON object"), "{err}");
    let bad = serde_json::json!({"hidden_size": -1, "num_hidden_layers": 2, "num_attention_heads": 2, "vocab_size": 10, "max_position_embeddings": 10});
    let err = Model::from_hf_config("x", &bad).unwrap_err().to_string();
    assert!(err.contains("'hidden_size'"), "{err}");
    let gqa = serde_json::json!({"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 3, "intermediate_size": 128, "vocab_size": 10, "max_position_embeddings": 10});
    let err = Model::from_hf_config("x", &gqa).unwrap_err().to_string();
    assert!(
        err.contains("'num_key_value_heads': 3 must divide"),
        "{err}"
    );
}
