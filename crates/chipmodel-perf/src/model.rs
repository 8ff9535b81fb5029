//! LLM architectures: the dimensions that decide parameter counts, FLOPs, bytes and KV cache.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::{CatalogError, Source, Sourced};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::PerfError;

/// Feed-forward block shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mlp {
    /// Gated (SwiGLU/GeGLU): gate, up and down matrices.
    Gated,
    /// Two matrices (up, down) with an activation between.
    Standard,
}

/// Which linear layers carry biases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bias {
    /// No biases (Llama, Mixtral).
    None,
    /// Biases on the q, k, v projections only (Qwen2/2.5).
    Qkv,
    /// Biases on the MLP only (GPT-J).
    Mlp,
    /// Biases on every linear layer (GPT-3).
    All,
}

/// Mixture-of-experts layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moe {
    /// Routed experts per MoE layer.
    pub num_experts: u64,
    /// Always-active shared experts per MoE layer.
    pub num_shared_experts: u64,
    /// Routed experts each token uses.
    pub top_k: u64,
    /// Intermediate size of one routed expert.
    pub expert_intermediate_size: u64,
    /// Intermediate size of one shared expert.
    pub shared_expert_intermediate_size: u64,
    /// Leading layers with a dense MLP (`intermediate_size`) instead of experts.
    pub first_dense_layers: u64,
}

/// Multi-head latent attention (DeepSeek-V2/V3): low-rank compressed KV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mla {
    /// Rank of the query compression (0 = no compression).
    pub q_lora_rank: u64,
    /// Rank of the joint KV compression: the cached latent's width.
    pub kv_lora_rank: u64,
    /// Per-head query/key dimension without rotary embedding.
    pub qk_nope_head_dim: u64,
    /// Per-head rotary dimension (its key part is shared across heads and cached).
    pub qk_rope_head_dim: u64,
    /// Per-head value dimension.
    pub v_head_dim: u64,
}

/// A decoder-only transformer.
///
/// # Examples
///
/// ```
/// let m = chipmodel_perf::ModelCatalog::embedded().unwrap().get("llama-2-70b").unwrap();
/// assert_eq!(m.num_kv_heads, 8); // grouped-query attention
/// // 68.98 B parameters, as the HF safetensors index says
/// assert!((m.total_params() / 68.98e9 - 1.0).abs() < 0.001);
/// // 320 KiB of KV cache per token at 16 bits
/// assert_eq!(m.kv_cache_bytes_per_token(2.0), 320.0 * 1024.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Lowercase slug (`"llama-2-70b"`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Family (`"llama"`, `"qwen"`, …).
    pub family: String,
    /// Other names it is looked up by.
    pub aliases: Vec<String>,
    /// Source key of the architecture.
    pub source: String,
    /// Width of the residual stream.
    pub hidden_size: u64,
    /// Decoder layers.
    pub num_layers: u64,
    /// Attention (query) heads.
    pub num_heads: u64,
    /// Key/value heads (`num_heads` = MHA, fewer = GQA).
    pub num_kv_heads: u64,
    /// Per-head dimension.
    pub head_dim: u64,
    /// Dense MLP intermediate size.
    pub intermediate_size: u64,
    /// Vocabulary size.
    pub vocab_size: u64,
    /// Longest context the model supports.
    pub max_position_embeddings: u64,
    /// MLP shape.
    pub mlp: Mlp,
    /// Activation function (informational: `"silu"`, `"gelu"`).
    pub activation: String,
    /// `"rmsnorm"` or `"layernorm"`.
    pub norm: String,
    /// `"rope"` or `"learned"` (learned adds a position-embedding table).
    pub position: String,
    /// Which layers carry biases.
    pub bias: Bias,
    /// Output head shares the embedding matrix.
    pub tie_word_embeddings: bool,
    /// Attention and MLP run in parallel from one norm (GPT-J): one all-reduce per layer.
    pub parallel_attention: bool,
    /// Per-head RMSNorm on q and k (Qwen3).
    pub qk_norm: bool,
    /// Mixture of experts, if any.
    pub moe: Option<Moe>,
    /// Multi-head latent attention, if any.
    pub mla: Option<Mla>,
    /// Published total parameters, with source.
    pub published_params: Option<Sourced<f64>>,
    /// Published active parameters per token (MoE), with source.
    pub published_active_params: Option<Sourced<f64>>,
    /// The sources cited, by key.
    pub sources: BTreeMap<String, Source>,
}

/// Parameter counts split by what reads them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ParamCounts {
    /// Token (and position) embeddings.
    pub embedding: f64,
    /// Output head (0 when tied to the embedding).
    pub lm_head: f64,
    /// Attention projections and their norms, all layers.
    pub attention: f64,
    /// Dense MLPs (dense models, DeepSeek's first layers) and shared experts, all layers.
    pub dense_mlp: f64,
    /// Routed experts, all layers (0 for dense models).
    pub experts: f64,
    /// Routers, all layers.
    pub router: f64,
    /// Layer norms and the final norm.
    pub norms: f64,
}

impl ParamCounts {
    /// Everything.
    pub fn total(&self) -> f64 {
        self.embedding
            + self.lm_head
            + self.attention
            + self.dense_mlp
            + self.experts
            + self.router
            + self.norms
    }
}

impl Model {
    /// Query projection width (`num_heads × head_dim`, or heads × (nope + rope) for MLA).
    pub fn q_dim(&self) -> u64 {
        match &self.mla {
            Some(m) => self.num_heads * (m.qk_nope_head_dim + m.qk_rope_head_dim),
            None => self.num_heads * self.head_dim,
        }
    }

    /// Attention output width feeding the output projection.
    pub fn attn_out_dim(&self) -> u64 {
        match &self.mla {
            Some(m) => self.num_heads * m.v_head_dim,
            None => self.num_heads * self.head_dim,
        }
    }

    /// Layers with routed experts.
    pub fn moe_layers(&self) -> u64 {
        self.moe
            .as_ref()
            .map_or(0, |m| self.num_layers.saturating_sub(m.first_dense_layers))
    }

    /// Layers with a dense MLP.
    pub fn dense_layers(&self) -> u64 {
        self.num_layers - self.moe_layers()
    }

    /// Parameters of one attention block (projections, biases, q/k norms).
    pub fn attention_params_per_layer(&self) -> f64 {
        let h = self.hidden_size as f64;
        match &self.mla {
            Some(m) => {
                let nh = self.num_heads as f64;
                let (ql, kl) = (m.q_lora_rank as f64, m.kv_lora_rank as f64);
                let (nope, rope, v) = (
                    m.qk_nope_head_dim as f64,
                    m.qk_rope_head_dim as f64,
                    m.v_head_dim as f64,
                );
                let q = if m.q_lora_rank > 0 {
                    h * ql + ql + ql * nh * (nope + rope)
                } else {
                    h * nh * (nope + rope)
                };
                let kv = h * (kl + rope) + kl + kl * nh * (nope + v);
                q + kv + nh * v * h
            }
            None => {
                let (q, kv) = (
                    self.q_dim() as f64,
                    (self.num_kv_heads * self.head_dim) as f64,
                );
                let mut p = h * q + 2.0 * h * kv + q * h;
                if matches!(self.bias, Bias::Qkv | Bias::All) {
                    p += q + 2.0 * kv;
                }
                if self.bias == Bias::All {
                    p += h;
                }
                if self.qk_norm {
                    p += 2.0 * self.head_dim as f64;
                }
                p
            }
        }
    }

    /// Parameters of one MLP of intermediate size `f`.
    fn mlp_params(&self, f: u64) -> f64 {
        let (h, f) = (self.hidden_size as f64, f as f64);
        let mats = match self.mlp {
            Mlp::Gated => 3.0,
            Mlp::Standard => 2.0,
        };
        let bias = if matches!(self.bias, Bias::Mlp | Bias::All) {
            f + h
        } else {
            0.0
        };
        mats * h * f + bias
    }

    /// Parameters by component.
    pub fn param_counts(&self) -> ParamCounts {
        let h = self.hidden_size as f64;
        let v = self.vocab_size as f64;
        let l = self.num_layers as f64;
        let norm_width = if self.norm == "layernorm" { 2.0 * h } else { h };
        let norms_per_layer = if self.parallel_attention { 1.0 } else { 2.0 };
        let mut c = ParamCounts {
            embedding: v * h
                + if self.position == "learned" {
                    self.max_position_embeddings as f64 * h
                } else {
                    0.0
                },
            lm_head: if self.tie_word_embeddings { 0.0 } else { v * h },
            attention: l * self.attention_params_per_layer(),
            norms: l * norms_per_layer * norm_width + norm_width,
            ..ParamCounts::default()
        };
        c.dense_mlp = self.dense_layers() as f64 * self.mlp_params(self.intermediate_size);
        if let Some(m) = &self.moe {
            let layers = self.moe_layers() as f64;
            c.experts = layers * m.num_experts as f64 * self.mlp_params(m.expert_intermediate_size);
            c.dense_mlp += layers
                * m.num_shared_experts as f64
                * self.mlp_params(m.shared_expert_intermediate_size);
            c.router = layers * h * m.num_experts as f64;
        }
        c
    }

    /// Total parameters computed from the architecture.
    pub fn total_params(&self) -> f64 {
        self.param_counts().total()
    }

    /// Parameters one token uses: everything but the routed experts it is not sent to.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = chipmodel_perf::ModelCatalog::embedded().unwrap().get("mixtral-8x7b").unwrap();
    /// assert!((m.active_params() / 12.9e9 - 1.0).abs() < 0.01);
    /// ```
    pub fn active_params(&self) -> f64 {
        let c = self.param_counts();
        match &self.moe {
            Some(m) => c.total() - c.experts * (1.0 - m.top_k as f64 / m.num_experts as f64),
            None => c.total(),
        }
    }

    /// KV cache per token per layer, in elements: `2 × kv_heads × head_dim`, or the MLA latent
    /// plus its shared rotary key (`kv_lora_rank + qk_rope_head_dim`).
    pub fn kv_elements_per_token_per_layer(&self) -> f64 {
        match &self.mla {
            Some(m) => (m.kv_lora_rank + m.qk_rope_head_dim) as f64,
            None => 2.0 * (self.num_kv_heads * self.head_dim) as f64,
        }
    }

    /// KV cache per token over all layers at `bytes_per_element`.
    ///
    /// # Examples
    ///
    /// ```
    /// // DeepSeek-V3's MLA latent: (512 + 64) × 61 layers × 2 bytes = 68.6 KiB per token.
    /// let m = chipmodel_perf::ModelCatalog::embedded().unwrap().get("deepseek-v3").unwrap();
    /// assert_eq!(m.kv_cache_bytes_per_token(2.0), 576.0 * 61.0 * 2.0);
    /// ```
    pub fn kv_cache_bytes_per_token(&self, bytes_per_element: f64) -> f64 {
        self.kv_elements_per_token_per_layer() * self.num_layers as f64 * bytes_per_element
    }

    /// Builds a model from a Hugging Face `config.json` (as JSON text or parsed value).
    ///
    /// Reads the keys of the Llama, Mistral/Mixtral, Qwen2/Qwen3(-MoE), DeepSeek-V2/V3, GPT-J and
    /// GPT-2-style configs; a key it needs and cannot find is an error naming the key.
    ///
    /// # Examples
    ///
    /// ```
    /// let cfg = serde_json::json!({
    ///     "model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
    ///     "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
    ///     "vocab_size": 128256, "max_position_embeddings": 131072, "tie_word_embeddings": false
    /// });
    /// let m = chipmodel_perf::Model::from_hf_config("my-llama", &cfg).unwrap();
    /// let reference = chipmodel_perf::ModelCatalog::embedded().unwrap().get("llama-3.1-8b").unwrap();
    /// assert_eq!(m.total_params(), reference.total_params());
    /// ```
    pub fn from_hf_config(id: &str, cfg: &serde_json::Value) -> Result<Model, PerfError> {
        crate::hf::from_hf_config(id, cfg)
    }
}

/// Models loaded from TOML files (the embedded `data/models.toml`, or a user's file over it).
#[derive(Debug, Clone, Default)]
pub struct ModelCatalog {
    models: Vec<Model>,
    sources: BTreeMap<String, Source>,
    index: HashMap<String, usize>,
}

const EMBEDDED: (&str, &str) = ("models.toml", include_str!("../data/models.toml"));

impl ModelCatalog {
    /// The embedded model catalog, parsed once.
    pub fn embedded() -> Result<&'static ModelCatalog, PerfError> {
        static CELL: OnceLock<Result<ModelCatalog, CatalogError>> = OnceLock::new();
        CELL.get_or_init(|| ModelCatalog::default().with_toml(EMBEDDED.0, EMBEDDED.1))
            .as_ref()
            .map_err(|e| PerfError::Catalog(e.clone()))
    }

    /// Every model.
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    /// A model by id, alias or name (any case).
    ///
    /// # Errors
    ///
    /// [`PerfError::UnknownModel`] with the closest ids.
    ///
    /// # Examples
    ///
    /// ```
    /// let models = chipmodel_perf::ModelCatalog::embedded().unwrap();
    /// assert_eq!(models.get("DeepSeek-R1").unwrap().id, "deepseek-v3");
    /// let err = models.get("llama-2-71b").unwrap_err();
    /// assert!(err.to_string().contains("did you mean 'llama-2-70b'"), "{err}");
    /// ```
    pub fn get(&self, name: &str) -> Result<&Model, PerfError> {
        match self.index.get(&datafile::normalize(name)) {
            Some(&i) => Ok(&self.models[i]),
            None => Err(PerfError::UnknownModel {
                name: name.to_string(),
                suggestions: datafile::suggest_from(
                    name,
                    self.index
                        .iter()
                        .map(|(k, &i)| (k.as_str(), self.models[i].id.as_str())),
                ),
            }),
        }
    }

    /// Loads model definitions over this catalog, all or nothing.
    pub fn with_toml(&self, file: &str, text: &str) -> Result<ModelCatalog, CatalogError> {
        let mut cat = self.clone();
        let mut doc = datafile::parse_document(file, text)?;
        if let Some(Value::Table(t)) = doc.remove("sources") {
            for (key, v) in t {
                let src = datafile::parse_source(file, &key, v)?;
                if cat.sources.contains_key(&key) {
                    return Err(CatalogError::Duplicate {
                        file: file.into(),
                        what: "source key",
                        id: key,
                        first: "an earlier file".into(),
                    });
                }
                cat.sources.insert(key, src);
            }
        }
        let entries = match doc.remove("model") {
            None => Vec::new(),
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(Ctx {
                    file,
                    item: "file",
                    id: file,
                }
                .err("model", "expected an array of tables [[model]]"));
            }
        };
        if let Some(k) = doc.keys().next() {
            return Err(Ctx {
                file,
                item: "file",
                id: file,
            }
            .err(
                k,
                format!("unknown top-level key '{k}' (expected [sources.*] or [[model]])"),
            ));
        }
        for (i, e) in entries.into_iter().enumerate() {
            let Value::Table(t) = e else {
                return Err(Ctx {
                    file,
                    item: "file",
                    id: file,
                }
                .err(&format!("model[{i}]"), "expected a table [[model]]"));
            };
            let model = parse_model(file, t, &cat.sources)?;
            cat.push(file, model)?;
        }
        Ok(cat)
    }

    /// This catalog with `model` added (a Hugging Face config, say).
    ///
    /// # Errors
    ///
    /// Its id or an alias is already taken.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_perf::{Model, ModelCatalog};
    /// let models = ModelCatalog::embedded().unwrap();
    /// let tiny = Model { id: "tiny".into(), aliases: vec![], ..models.get("llama-3.1-8b").unwrap().clone() };
    /// assert_eq!(models.with_model(tiny).unwrap().get("TINY").unwrap().id, "tiny");
    /// let again = models.get("llama-3.1-8b").unwrap().clone();
    /// assert!(models.with_model(again).is_err());
    /// ```
    pub fn with_model(&self, model: Model) -> Result<ModelCatalog, PerfError> {
        let mut cat = self.clone();
        cat.push("(added model)", model)?;
        Ok(cat)
    }

    /// Adds a model; its id and aliases must be new (its name is looked up too, never shadowing).
    fn push(&mut self, file: &str, model: Model) -> Result<(), CatalogError> {
        for key in std::iter::once(&model.id)
            .chain(&model.aliases)
            .map(|k| datafile::normalize(k))
        {
            if let Some(&j) = self.index.get(&key) {
                return Err(CatalogError::Duplicate {
                    file: file.into(),
                    what: "model id or alias",
                    id: key,
                    first: format!("model '{}'", self.models[j].id),
                });
            }
            self.index.insert(key, self.models.len());
        }
        self.index
            .entry(datafile::normalize(&model.name))
            .or_insert(self.models.len());
        self.models.push(model);
        Ok(())
    }
}

fn take_u64(
    ctx: Ctx,
    t: &mut Table,
    field: &str,
    default: Option<u64>,
) -> Result<u64, CatalogError> {
    match t.remove(field) {
        None => default.ok_or_else(|| ctx.err(field, "missing required field")),
        Some(Value::Integer(i)) if i > 0 => Ok(i as u64),
        Some(Value::Integer(0)) if default == Some(0) => Ok(0),
        Some(v) => Err(ctx.err(
            field,
            format!("expected a positive integer, got {}", datafile::show(&v)),
        )),
    }
}

fn take_bool(ctx: Ctx, t: &mut Table, field: &str) -> Result<bool, CatalogError> {
    match t.remove(field) {
        None => Ok(false),
        Some(Value::Boolean(b)) => Ok(b),
        Some(v) => Err(ctx.err(
            field,
            format!("expected true or false, got {}", datafile::show(&v)),
        )),
    }
}

fn take_choice(
    ctx: Ctx,
    t: &mut Table,
    field: &str,
    choices: &[&str],
    default: &str,
) -> Result<String, CatalogError> {
    let s = datafile::take_string(ctx, t, field, false)?.unwrap_or_else(|| default.to_string());
    if choices.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(ctx.err(
            field,
            format!(
                "unknown value '{s}' (expected one of: {})",
                choices.join(", ")
            ),
        ))
    }
}

fn sub_table(ctx: Ctx, t: &mut Table, field: &str) -> Result<Option<Table>, CatalogError> {
    match t.remove(field) {
        None => Ok(None),
        Some(Value::Table(s)) => Ok(Some(s)),
        Some(v) => Err(ctx.err(
            field,
            format!("expected a table, got {}", datafile::show(&v)),
        )),
    }
}

const MODEL_FIELDS: [&str; 26] = [
    "id",
    "name",
    "family",
    "aliases",
    "source",
    "hidden_size",
    "num_layers",
    "num_heads",
    "num_kv_heads",
    "head_dim",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
    "mlp",
    "activation",
    "norm",
    "position",
    "bias",
    "tie_word_embeddings",
    "parallel_attention",
    "qk_norm",
    "moe",
    "mla",
    "published_params",
    "published_active_params",
    "note",
];

fn parse_model(
    file: &str,
    mut t: Table,
    sources: &BTreeMap<String, Source>,
) -> Result<Model, CatalogError> {
    let id = datafile::take_id(file, "model", &mut t)?;
    let ctx = Ctx {
        file,
        item: "model",
        id: &id,
    };
    datafile::check_slug(ctx, "id", &id)?;
    let name = datafile::take_string(ctx, &mut t, "name", true)?.unwrap_or_default();
    let family = datafile::take_string(ctx, &mut t, "family", true)?.unwrap_or_default();
    let aliases = match t.remove("aliases") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .into_iter()
            .map(|x| match x {
                Value::String(s) if !s.trim().is_empty() => Ok(s),
                other => Err(ctx.err(
                    "aliases",
                    format!("expected strings, got {}", datafile::show(&other)),
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(v) => {
            return Err(ctx.err(
                "aliases",
                format!("expected an array of strings, got {}", datafile::show(&v)),
            ));
        }
    };
    let source = datafile::take_string(ctx, &mut t, "source", true)?.unwrap_or_default();
    if !sources.contains_key(&source) {
        return Err(ctx.err(
            "source",
            format!("unknown source key '{source}' (define it under [sources.{source}])"),
        ));
    }
    let hidden_size = take_u64(ctx, &mut t, "hidden_size", None)?;
    let num_layers = take_u64(ctx, &mut t, "num_layers", None)?;
    let num_heads = take_u64(ctx, &mut t, "num_heads", None)?;
    let num_kv_heads = take_u64(ctx, &mut t, "num_kv_heads", Some(num_heads))?;
    let head_dim = take_u64(ctx, &mut t, "head_dim", Some(hidden_size / num_heads))?;
    let intermediate_size = take_u64(ctx, &mut t, "intermediate_size", None)?;
    let vocab_size = take_u64(ctx, &mut t, "vocab_size", None)?;
    let max_position_embeddings = take_u64(ctx, &mut t, "max_position_embeddings", None)?;
    if num_kv_heads > num_heads || num_heads % num_kv_heads != 0 {
        return Err(ctx.err(
            "num_kv_heads",
            format!("{num_kv_heads} must divide num_heads {num_heads}"),
        ));
    }
    let mlp = match take_choice(ctx, &mut t, "mlp", &["gated", "standard"], "gated")?.as_str() {
        "standard" => Mlp::Standard,
        _ => Mlp::Gated,
    };
    let activation = take_choice(ctx, &mut t, "activation", &["silu", "gelu", "relu"], "silu")?;
    let norm = take_choice(ctx, &mut t, "norm", &["rmsnorm", "layernorm"], "rmsnorm")?;
    let position = take_choice(ctx, &mut t, "position", &["rope", "learned"], "rope")?;
    let bias =
        match take_choice(ctx, &mut t, "bias", &["none", "qkv", "mlp", "all"], "none")?.as_str() {
            "qkv" => Bias::Qkv,
            "mlp" => Bias::Mlp,
            "all" => Bias::All,
            _ => Bias::None,
        };
    let tie_word_embeddings = take_bool(ctx, &mut t, "tie_word_embeddings")?;
    let parallel_attention = take_bool(ctx, &mut t, "parallel_attention")?;
    let qk_norm = take_bool(ctx, &mut t, "qk_norm")?;
    let moe = match sub_table(ctx, &mut t, "moe")? {
        None => None,
        Some(mut m) => {
            let c = Ctx {
                file,
                item: "model",
                id: &id,
            };
            let num_experts =
                take_u64(c, &mut m, "num_experts", None).map_err(|e| prefix(e, "moe."))?;
            let top_k = take_u64(c, &mut m, "top_k", None).map_err(|e| prefix(e, "moe."))?;
            let expert = take_u64(c, &mut m, "expert_intermediate_size", None)
                .map_err(|e| prefix(e, "moe."))?;
            let moe = Moe {
                num_experts,
                top_k,
                expert_intermediate_size: expert,
                num_shared_experts: take_u64(c, &mut m, "num_shared_experts", Some(0))
                    .map_err(|e| prefix(e, "moe."))?,
                shared_expert_intermediate_size: take_u64(
                    c,
                    &mut m,
                    "shared_expert_intermediate_size",
                    Some(expert),
                )
                .map_err(|e| prefix(e, "moe."))?,
                first_dense_layers: take_u64(c, &mut m, "first_dense_layers", Some(0))
                    .map_err(|e| prefix(e, "moe."))?,
            };
            c.unknown_fields(
                "moe.",
                &m,
                &[
                    "num_experts",
                    "top_k",
                    "expert_intermediate_size",
                    "num_shared_experts",
                    "shared_expert_intermediate_size",
                    "first_dense_layers",
                ],
            )?;
            if top_k > num_experts {
                return Err(c.err(
                    "moe.top_k",
                    format!("{top_k} is more than num_experts {num_experts}"),
                ));
            }
            if moe.first_dense_layers >= num_layers {
                return Err(c.err(
                    "moe.first_dense_layers",
                    format!(
                        "{} leaves no MoE layer of {num_layers}",
                        moe.first_dense_layers
                    ),
                ));
            }
            Some(moe)
        }
    };
    let mla = match sub_table(ctx, &mut t, "mla")? {
        None => None,
        Some(mut m) => {
            let c = Ctx {
                file,
                item: "model",
                id: &id,
            };
            let mla = Mla {
                q_lora_rank: take_u64(c, &mut m, "q_lora_rank", Some(0))
                    .map_err(|e| prefix(e, "mla."))?,
                kv_lora_rank: take_u64(c, &mut m, "kv_lora_rank", None)
                    .map_err(|e| prefix(e, "mla."))?,
                qk_nope_head_dim: take_u64(c, &mut m, "qk_nope_head_dim", None)
                    .map_err(|e| prefix(e, "mla."))?,
                qk_rope_head_dim: take_u64(c, &mut m, "qk_rope_head_dim", None)
                    .map_err(|e| prefix(e, "mla."))?,
                v_head_dim: take_u64(c, &mut m, "v_head_dim", None)
                    .map_err(|e| prefix(e, "mla."))?,
            };
            c.unknown_fields(
                "mla.",
                &m,
                &[
                    "q_lora_rank",
                    "kv_lora_rank",
                    "qk_nope_head_dim",
                    "qk_rope_head_dim",
                    "v_head_dim",
                ],
            )?;
            Some(mla)
        }
    };
    let mut published = |field: &str| -> Result<Option<Sourced<f64>>, CatalogError> {
        t.remove(field)
            .map(|v| datafile::read_number(ctx, field, v, None, sources))
            .transpose()
    };
    let published_params = published("published_params")?;
    let published_active_params = published("published_active_params")?;
    let _note = datafile::take_string(ctx, &mut t, "note", false)?;
    ctx.unknown_fields("", &t, &MODEL_FIELDS)?;
    let mut cited = BTreeMap::new();
    for key in std::iter::once(&source)
        .chain(published_params.iter().map(|p| &p.provenance.source))
        .chain(published_active_params.iter().map(|p| &p.provenance.source))
    {
        if let Some(s) = sources.get(key) {
            cited.insert(key.clone(), s.clone());
        }
    }
    Ok(Model {
        id: id.clone(),
        name,
        family,
        aliases,
        source,
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
        norm,
        position,
        bias,
        tie_word_embeddings,
        parallel_attention,
        qk_norm,
        moe,
        mla,
        published_params,
        published_active_params,
        sources: cited,
    })
}

fn prefix(e: CatalogError, p: &str) -> CatalogError {
    e.map_field(|field| format!("{p}{field}"))
}
