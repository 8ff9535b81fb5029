//! Models from Hugging Face `config.json` dictionaries.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::PerfError;
use crate::model::{Bias, Mla, Mlp, Model, Moe};

fn err(key: &str, message: impl Into<String>) -> PerfError {
    PerfError::HfConfig {
        key: key.to_string(),
        message: message.into(),
    }
}

/// The largest dimension a config may give (2²⁴ = 16,777,216: above the longest published context
/// of about 10 million tokens); anything larger is a mistake, and would overflow the arithmetic.
pub const MAX_DIM: u64 = 1 << 24;

/// The first of `keys` present (and not null), as a positive integer.
fn int(cfg: &Value, keys: &[&str]) -> Result<Option<u64>, PerfError> {
    for k in keys {
        match cfg.get(*k) {
            None | Some(Value::Null) => continue,
            Some(v) => {
                return match v.as_u64() {
                    Some(n) if n > MAX_DIM => Err(err(
                        k,
                        format!(
                            "{n} is more than {MAX_DIM}, larger than any published model's: check the config"
                        ),
                    )),
                    Some(n) => Ok(Some(n)),
                    _ => Err(err(k, format!("expected a non-negative integer, got {v}"))),
                };
            }
        }
    }
    Ok(None)
}

fn required(cfg: &Value, keys: &[&str]) -> Result<u64, PerfError> {
    match int(cfg, keys)? {
        Some(n) if n > 0 => Ok(n),
        Some(_) => Err(err(keys[0], "must be positive")),
        None => Err(err(
            keys[0],
            format!("missing (looked for {})", keys.join(", ")),
        )),
    }
}

fn text<'a>(cfg: &'a Value, key: &str) -> Option<&'a str> {
    cfg.get(key).and_then(Value::as_str)
}

// Stays whole: one architecture field per line, each with the key aliases Hugging Face configs use across model families.
pub(crate) fn from_hf_config(id: &str, cfg: &Value) -> Result<Model, PerfError> {
    if !cfg.is_object() {
        return Err(err("", format!("expected a JSON object, got {cfg}")));
    }
    let model_type = text(cfg, "model_type").unwrap_or("llama").to_string();
    let gptj = model_type == "gptj";
    let gpt2 = model_type == "gpt2";
    let hidden_size = required(cfg, &["hidden_size", "n_embd", "d_model"])?;
    let num_layers = required(cfg, &["num_hidden_layers", "n_layer", "num_layers"])?;
    let num_heads = required(cfg, &["num_attention_heads", "n_head"])?;
    let num_kv_heads = int(cfg, &["num_key_value_heads"])?
        .filter(|n| *n > 0)
        .unwrap_or(num_heads);
    if num_heads % num_kv_heads != 0 {
        return Err(err(
            "num_key_value_heads",
            format!("{num_kv_heads} must divide num_attention_heads {num_heads}"),
        ));
    }
    let head_dim = int(cfg, &["head_dim"])?
        .filter(|n| *n > 0)
        .unwrap_or(hidden_size / num_heads);
    let intermediate_size = int(cfg, &["intermediate_size", "n_inner", "ffn_dim"])?
        .filter(|n| *n > 0)
        .unwrap_or(4 * hidden_size);
    let vocab_size = required(cfg, &["vocab_size"])?;
    let max_position_embeddings = required(
        cfg,
        &["max_position_embeddings", "n_positions", "max_seq_len"],
    )?;
    let act = text(cfg, "hidden_act")
        .or_else(|| text(cfg, "activation_function"))
        .unwrap_or(if gptj || gpt2 { "gelu" } else { "silu" });
    let activation = if act.contains("gelu") {
        "gelu"
    } else if act.contains("relu") {
        "relu"
    } else {
        "silu"
    }
    .to_string();
    let mlp = if gptj || gpt2 {
        Mlp::Standard
    } else {
        Mlp::Gated
    };
    let bias = if gpt2 {
        Bias::All
    } else if gptj {
        Bias::Mlp
    } else if model_type.starts_with("qwen2")
        || cfg.get("attention_bias").and_then(Value::as_bool) == Some(true)
    {
        Bias::Qkv
    } else {
        Bias::None
    };
    // Hugging Face's PretrainedConfig defaults tie_word_embeddings to true.
    let tie_word_embeddings = cfg
        .get("tie_word_embeddings")
        .and_then(Value::as_bool)
        .unwrap_or(true);

    let num_experts = int(
        cfg,
        &["num_local_experts", "n_routed_experts", "num_experts"],
    )?
    .unwrap_or(0);
    let moe = if num_experts > 1 {
        let top_k = required(cfg, &["num_experts_per_tok", "moe_top_k"])?;
        if top_k > num_experts {
            return Err(err(
                "num_experts_per_tok",
                format!("{top_k} is more than the {num_experts} experts"),
            ));
        }
        let expert = int(cfg, &["moe_intermediate_size"])?
            .filter(|n| *n > 0)
            .unwrap_or(intermediate_size);
        let shared = int(cfg, &["n_shared_experts"])?.unwrap_or(0);
        let shared_size = int(cfg, &["shared_expert_intermediate_size"])?;
        // Qwen2-MoE gives one shared expert by its size.
        let (num_shared_experts, shared_expert_intermediate_size) = match shared_size {
            Some(s) if s > 0 && shared == 0 => (1, s),
            _ => (shared, expert),
        };
        let first_dense_layers = int(cfg, &["first_k_dense_replace"])?.unwrap_or(0);
        if first_dense_layers >= num_layers {
            return Err(err(
                "first_k_dense_replace",
                format!("{first_dense_layers} leaves no MoE layer of {num_layers}"),
            ));
        }
        Some(Moe {
            num_experts,
            num_shared_experts,
            top_k,
            expert_intermediate_size: expert,
            shared_expert_intermediate_size,
            first_dense_layers,
        })
    } else {
        None
    };
    let mla = match int(cfg, &["kv_lora_rank"])? {
        Some(kv) if kv > 0 => Some(Mla {
            q_lora_rank: int(cfg, &["q_lora_rank"])?.unwrap_or(0),
            kv_lora_rank: kv,
            qk_nope_head_dim: required(cfg, &["qk_nope_head_dim"])?,
            qk_rope_head_dim: required(cfg, &["qk_rope_head_dim"])?,
            v_head_dim: required(cfg, &["v_head_dim"])?,
        }),
        _ => None,
    };
    let name = text(cfg, "_name_or_path").unwrap_or(id).to_string();
    Ok(Model {
        id: id.to_string(),
        name,
        family: model_type.clone(),
        aliases: Vec::new(),
        source: "hf-config".to_string(),
        hidden_size,
        num_layers,
        num_heads,
        num_kv_heads,
        head_dim,
        intermediate_size,
        vocab_size,
        max_position_embeddings,
        mlp,
        activation,
        norm: if gptj || gpt2 { "layernorm" } else { "rmsnorm" }.to_string(),
        position: if gpt2 { "learned" } else { "rope" }.to_string(),
        bias,
        tie_word_embeddings,
        parallel_attention: gptj,
        qk_norm: model_type.starts_with("qwen3"),
        moe,
        mla,
        published_params: None,
        published_active_params: None,
        sources: BTreeMap::new(),
    })
}
