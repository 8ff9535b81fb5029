//! LLM architectures: the dimensions that decide parameter counts, FLOPs, bytes and KV cache.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema::{self, FieldError};
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

/// A `[[model]]` of a model file, as written: the serde shape, checked by [`ModelEntry::check`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelEntry {
    id: String,
    name: String,
    family: String,
    #[serde(default)]
    aliases: Vec<String>,
    source: String,
    hidden_size: u64,
    num_layers: u64,
    num_heads: u64,
    num_kv_heads: Option<u64>,
    head_dim: Option<u64>,
    intermediate_size: u64,
    vocab_size: u64,
    max_position_embeddings: u64,
    #[serde(default = "gated")]
    mlp: Mlp,
    #[serde(default)]
    activation: Activation,
    #[serde(default)]
    norm: Norm,
    #[serde(default)]
    position: Position,
    #[serde(default = "no_bias")]
    bias: Bias,
    #[serde(default)]
    tie_word_embeddings: bool,
    #[serde(default)]
    parallel_attention: bool,
    #[serde(default)]
    qk_norm: bool,
    moe: Option<MoeEntry>,
    mla: Option<MlaEntry>,
    published_params: Option<Value>,
    published_active_params: Option<Value>,
    #[allow(dead_code)]
    note: Option<String>,
}

fn gated() -> Mlp {
    Mlp::Gated
}

fn no_bias() -> Bias {
    Bias::None
}

/// The names a model file may give an activation, a norm and a position encoding (informational
/// except `learned`, which adds a position table).
macro_rules! names {
    ($($t:ident { $($v:ident = $s:literal),+ }),+ $(,)?) => {$(
        #[derive(Deserialize, Default, Clone, Copy)]
        #[serde(rename_all = "lowercase")]
        enum $t { #[default] $($v),+ }
        impl $t {
            fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),+ }
            }
        }
    )+};
}
names!(
    Activation { Silu = "silu", Gelu = "gelu", Relu = "relu" },
    Norm { Rmsnorm = "rmsnorm", Layernorm = "layernorm" },
    Position { Rope = "rope", Learned = "learned" },
);

/// `[model.moe]` as written (the shared experts' width defaults to the routed experts').
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoeEntry {
    num_experts: u64,
    top_k: u64,
    expert_intermediate_size: u64,
    #[serde(default)]
    num_shared_experts: u64,
    shared_expert_intermediate_size: Option<u64>,
    #[serde(default)]
    first_dense_layers: u64,
}

/// `[model.mla]` as written (no query compression unless `q_lora_rank` says so).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MlaEntry {
    #[serde(default)]
    q_lora_rank: u64,
    kv_lora_rank: u64,
    qk_nope_head_dim: u64,
    qk_rope_head_dim: u64,
    v_head_dim: u64,
}

/// A positive count, or an error at `field`.
fn positive(field: &str, n: u64) -> Result<u64, FieldError> {
    if n == 0 {
        Err(FieldError::new(
            field,
            "0",
            "expected a positive integer, got 0",
        ))
    } else {
        Ok(n)
    }
}

impl ModelEntry {
    /// The shape checks: counts positive, heads divisible, names given; the KV heads and head
    /// width with their defaults.
    fn check(&self) -> Result<(u64, u64), FieldError> {
        for (field, n) in [
            ("hidden_size", self.hidden_size),
            ("num_layers", self.num_layers),
            ("num_heads", self.num_heads),
            ("intermediate_size", self.intermediate_size),
            ("vocab_size", self.vocab_size),
            ("max_position_embeddings", self.max_position_embeddings),
        ] {
            positive(field, n)?;
        }
        let num_heads = self.num_heads;
        let num_kv_heads = positive("num_kv_heads", self.num_kv_heads.unwrap_or(num_heads))?;
        let head_dim = positive(
            "head_dim",
            self.head_dim.unwrap_or(self.hidden_size / num_heads),
        )?;
        if num_kv_heads > num_heads || num_heads % num_kv_heads != 0 {
            return Err(FieldError::new(
                "num_kv_heads",
                num_kv_heads.to_string(),
                format!("{num_kv_heads} must divide num_heads {num_heads}"),
            ));
        }
        if self.aliases.iter().any(|a| a.trim().is_empty()) {
            return Err(FieldError::new("aliases", "''", "expected strings, got ''"));
        }
        for (field, v) in [("name", &self.name), ("family", &self.family)] {
            if v.trim().is_empty() {
                return Err(FieldError::new(field, "''", "must not be empty"));
            }
        }
        Ok((num_kv_heads, head_dim))
    }
}

impl MoeEntry {
    /// The MoE layout, checked against the model's layer count.
    fn check(self, num_layers: u64) -> Result<Moe, FieldError> {
        for (field, n) in [
            ("moe.num_experts", self.num_experts),
            ("moe.top_k", self.top_k),
            (
                "moe.expert_intermediate_size",
                self.expert_intermediate_size,
            ),
        ] {
            positive(field, n)?;
        }
        let shared = self
            .shared_expert_intermediate_size
            .unwrap_or(self.expert_intermediate_size);
        positive("moe.shared_expert_intermediate_size", shared)?;
        if self.top_k > self.num_experts {
            return Err(FieldError::new(
                "moe.top_k",
                self.top_k.to_string(),
                format!(
                    "{} is more than num_experts {}",
                    self.top_k, self.num_experts
                ),
            ));
        }
        if self.first_dense_layers >= num_layers {
            return Err(FieldError::new(
                "moe.first_dense_layers",
                self.first_dense_layers.to_string(),
                format!(
                    "{} leaves no MoE layer of {num_layers}",
                    self.first_dense_layers
                ),
            ));
        }
        Ok(Moe {
            num_experts: self.num_experts,
            top_k: self.top_k,
            expert_intermediate_size: self.expert_intermediate_size,
            num_shared_experts: self.num_shared_experts,
            shared_expert_intermediate_size: shared,
            first_dense_layers: self.first_dense_layers,
        })
    }
}

impl MlaEntry {
    /// The latent-attention layout, its widths positive.
    fn check(self) -> Result<Mla, FieldError> {
        for (field, n) in [
            ("mla.kv_lora_rank", self.kv_lora_rank),
            ("mla.qk_nope_head_dim", self.qk_nope_head_dim),
            ("mla.qk_rope_head_dim", self.qk_rope_head_dim),
            ("mla.v_head_dim", self.v_head_dim),
        ] {
            positive(field, n)?;
        }
        Ok(Mla {
            q_lora_rank: self.q_lora_rank,
            kv_lora_rank: self.kv_lora_rank,
            qk_nope_head_dim: self.qk_nope_head_dim,
            qk_rope_head_dim: self.qk_rope_head_dim,
            v_head_dim: self.v_head_dim,
        })
    }
}

/// Reads one `[[model]]` table: the serde shape, the shape checks, the sources it cites.
fn parse_model(
    file: &str,
    t: Table,
    sources: &BTreeMap<String, Source>,
) -> Result<Model, CatalogError> {
    let id = match t.get("id") {
        Some(Value::String(s)) => s.clone(),
        _ => "?".to_string(),
    };
    let ctx = Ctx {
        file,
        item: "model",
        id: &id,
    };
    let e: ModelEntry = schema::from_value(Value::Table(t)).map_err(|e| e.in_file(ctx))?;
    datafile::check_slug(ctx, "id", &e.id)?;
    let (num_kv_heads, head_dim) = e.check().map_err(|x| x.in_file(ctx))?;
    if !sources.contains_key(&e.source) {
        return Err(ctx.err(
            "source",
            format!(
                "unknown source key '{0}' (define it under [sources.{0}])",
                e.source
            ),
        ));
    }
    let moe = e.moe.map(|m| m.check(e.num_layers)).transpose();
    let mla = e.mla.map(MlaEntry::check).transpose();
    let (moe, mla) = (
        moe.map_err(|x| x.in_file(ctx))?,
        mla.map_err(|x| x.in_file(ctx))?,
    );
    let published = |field: &str, v: Option<Value>| {
        v.map(|v| datafile::read_number(ctx, field, v, None, sources))
            .transpose()
    };
    let published_params = published("published_params", e.published_params)?;
    let published_active_params = published("published_active_params", e.published_active_params)?;
    let mut cited = BTreeMap::new();
    for key in std::iter::once(&e.source)
        .chain(published_params.iter().map(|p| &p.provenance.source))
        .chain(published_active_params.iter().map(|p| &p.provenance.source))
    {
        if let Some(s) = sources.get(key) {
            cited.insert(key.clone(), s.clone());
        }
    }
    Ok(Model {
        id: e.id,
        name: e.name,
        family: e.family,
        aliases: e.aliases,
        source: e.source,
        hidden_size: e.hidden_size,
        num_layers: e.num_layers,
        num_heads: e.num_heads,
        num_kv_heads,
        head_dim,
        intermediate_size: e.intermediate_size,
        vocab_size: e.vocab_size,
        max_position_embeddings: e.max_position_embeddings,
        mlp: e.mlp,
        activation: e.activation.as_str().to_string(),
        norm: e.norm.as_str().to_string(),
        position: e.position.as_str().to_string(),
        bias: e.bias,
        tie_word_embeddings: e.tie_word_embeddings,
        parallel_attention: e.parallel_attention,
        qk_norm: e.qk_norm,
        moe,
        mla,
        published_params,
        published_active_params,
        sources: cited,
    })
}
