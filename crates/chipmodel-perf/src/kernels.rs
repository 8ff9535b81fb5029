//! Kernel curves by shape (`data/kernels.toml`): how much of the datasheet roofline a GEMM
//! reaches as a function of its M (tokens) and its weight's size N·K, and what an all-reduce
//! costs by message size and GPU count — per chip and dtype, derived from kernel measurements
//! only (`scripts/derive_kernel_curves.py`: NVIDIA's AIConfigurator silicon kernel database,
//! TensorRT-LLM kernels). Chips without curves keep the flat calibrated efficiencies of
//! `data/calibration.toml`, and their estimates say so.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema::{self, FieldError};
use chipmodel_catalog::{CatalogError, Precision, Source};
use serde::Deserialize;

use crate::PerfError;

/// A GEMM curve: the fraction of the roofline reached on a grid of (weight size, M).
#[derive(Debug, Clone, PartialEq)]
pub struct GemmCurve {
    /// `ln` of the grid's M values.
    ln_m: Vec<f64>,
    /// `ln` of the grid's weight sizes (N·K elements).
    ln_nk: Vec<f64>,
    /// Fraction of the roofline, `[weight size][M]`.
    fraction: Vec<Vec<f64>>,
    /// Source key.
    pub source: String,
}

/// Position of `x` on a sorted grid: the lower index and the weight of the upper one, clamped
/// at the ends.
fn locate(grid: &[f64], x: f64) -> (usize, f64) {
    let last = grid.len() - 1;
    if x <= grid[0] {
        return (0, 0.0);
    }
    if x >= grid[last] {
        return (last.saturating_sub(1), if last == 0 { 0.0 } else { 1.0 });
    }
    let i = grid.partition_point(|g| *g <= x) - 1;
    (i, (x - grid[i]) / (grid[i + 1] - grid[i]))
}

impl GemmCurve {
    /// The fraction of the roofline a GEMM of `m` tokens by an `nk`-element weight reaches:
    /// bilinear in `ln m` and `ln nk`, clamped to the measured range.
    #[inline]
    pub fn fraction(&self, m: f64, nk: f64) -> f64 {
        let (i, wi) = locate(&self.ln_nk, nk.max(1.0).ln());
        let (j, wj) = locate(&self.ln_m, m.max(1.0).ln());
        let at = |a: usize, b: usize| {
            let row = &self.fraction[a.min(self.fraction.len() - 1)];
            row[b.min(row.len() - 1)]
        };
        let lo = at(i, j) * (1.0 - wj) + at(i, j + 1) * wj;
        let hi = at(i + 1, j) * (1.0 - wj) + at(i + 1, j + 1) * wj;
        lo * (1.0 - wi) + hi * wi
    }
}

/// An all-reduce curve: latency by message size for one GPU count.
#[derive(Debug, Clone, PartialEq)]
pub struct AllReduceCurve {
    /// GPUs in the group.
    pub gpus: u32,
    ln_bytes: Vec<f64>,
    ln_latency: Vec<f64>,
    /// Source key.
    pub source: String,
}

impl AllReduceCurve {
    /// Latency of an all-reduce of `bytes`, s: log-log interpolation, extrapolated past the
    /// largest measured message at its bandwidth.
    #[inline]
    pub fn latency_s(&self, bytes: f64) -> f64 {
        let last = self.ln_bytes.len() - 1;
        let x = bytes.max(1.0).ln();
        if x >= self.ln_bytes[last] {
            return self.ln_latency[last].exp() * (x - self.ln_bytes[last]).exp();
        }
        let (i, w) = locate(&self.ln_bytes, x);
        (self.ln_latency[i] * (1.0 - w) + self.ln_latency[i + 1] * w).exp()
    }
}

/// The kernel curves of one chip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChipKernels {
    /// GEMM curves by the precision they compute in (`fp8-block` for block-scaled FP8).
    pub gemm: Vec<(String, GemmCurve)>,
    /// Fused-MoE layer curves by precision and routing distribution (M: tokens per expert;
    /// weight: the rank's local expert weight).
    pub moe: Vec<(String, String, GemmCurve)>,
    /// Decode attention by KV-cache precision: the fraction of the datasheet bandwidth reached,
    /// on a grid of (sequences in the batch, context length) — read as
    /// `fraction(context, sequences)`.
    pub decode_attention: Vec<(String, GemmCurve)>,
    /// Causal context (prefill) attention by precision: the fraction of the matrix peak
    /// reached, on a grid of (query heads per GPU, prompt length) — `fraction(tokens, heads)`.
    pub context_attention: Vec<(String, GemmCurve)>,
    /// All-reduce curves by GPU count.
    pub all_reduce: Vec<AllReduceCurve>,
}

/// The curve measured for precision `p` in a list by precision name.
fn by_precision(curves: &[(String, GemmCurve)], p: Precision) -> Option<&GemmCurve> {
    let name = p.as_str();
    curves.iter().find(|(d, _)| d == name).map(|(_, c)| c)
}

impl ChipKernels {
    /// The GEMM curve for matrix products computed in `p`, if measured.
    pub fn gemm_for(&self, p: Precision) -> Option<&GemmCurve> {
        by_precision(&self.gemm, p)
    }

    /// The fused-MoE curve for experts computed in `p` under `routing`, if measured.
    pub fn moe_for(&self, p: Precision, routing: &str) -> Option<&GemmCurve> {
        let name = p.as_str();
        self.moe
            .iter()
            .find(|(d, r, _)| d == name && r == routing)
            .map(|(_, _, c)| c)
    }

    /// The decode-attention curve for a KV cache held in `p`, if measured.
    pub fn decode_attention_for(&self, p: Precision) -> Option<&GemmCurve> {
        by_precision(&self.decode_attention, p)
    }

    /// The context-attention curve for attention computed in `p`, if measured.
    pub fn context_attention_for(&self, p: Precision) -> Option<&GemmCurve> {
        by_precision(&self.context_attention, p)
    }

    /// The all-reduce curve for `gpus`, if measured.
    pub fn all_reduce_for(&self, gpus: u32) -> Option<&AllReduceCurve> {
        self.all_reduce.iter().find(|c| c.gpus == gpus)
    }
}

/// Every chip's curves and their sources.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kernels {
    /// By chip id.
    pub chips: BTreeMap<String, ChipKernels>,
    /// Sources cited.
    pub sources: BTreeMap<String, Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GemmEntry {
    chip: String,
    dtype: String,
    source: String,
    roofline_fraction: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoeEntry {
    chip: String,
    dtype: String,
    routing: String,
    source: String,
    roofline_fraction: Vec<Vec<f64>>,
}

/// The routing distribution of a model's experts that the fused-MoE curves are read at:
/// AIConfigurator's defaults, a power law over the experts with exponent 1.01 for
/// DeepSeek-style models (MLA; `sdk/models/deepseek.py`) and 1.2 for the others
/// (`sdk/models/moe.py`), aiconfigurator-core 0.12.0.
pub fn moe_routing(model: &crate::Model) -> &'static str {
    if model.mla.is_some() {
        "power-law-1.01"
    } else {
        "power-law-1.2"
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecodeAttentionEntry {
    chip: String,
    kv_dtype: String,
    source: String,
    batch: Vec<f64>,
    context: Vec<f64>,
    bandwidth_fraction: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextAttentionEntry {
    chip: String,
    dtype: String,
    source: String,
    heads: Vec<f64>,
    tokens: Vec<f64>,
    peak_fraction: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllReduceEntry {
    chip: String,
    gpus: u32,
    source: String,
    message_bytes: Vec<f64>,
    latency_s: Vec<f64>,
}

/// The embedded curves (`data/kernels.toml`).
pub fn kernels() -> Result<&'static Kernels, PerfError> {
    static CELL: OnceLock<Result<Kernels, CatalogError>> = OnceLock::new();
    CELL.get_or_init(|| parse("kernels.toml", include_str!("../data/kernels.toml")))
        .as_ref()
        .map_err(|e| PerfError::Catalog(e.clone()))
}

/// The curves of `chip_id` (`None`: no kernel measurements for it).
pub fn for_chip(chip_id: &str) -> Option<&'static ChipKernels> {
    kernels().ok()?.chips.get(chip_id)
}

fn positive_increasing(field: &str, v: &[f64]) -> Result<Vec<f64>, FieldError> {
    if v.is_empty() || v.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
        return Err(FieldError::new(
            field,
            format!("{v:?}"),
            "expected positive numbers",
        ));
    }
    if v.windows(2).any(|w| w[1] <= w[0]) {
        return Err(FieldError::new(field, format!("{v:?}"), "must increase"));
    }
    Ok(v.iter().map(|x| x.ln()).collect())
}

fn parse(file: &str, text: &str) -> Result<Kernels, CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    schema::no_other_keys(
        file,
        &doc,
        &[
            "sources",
            "m_bins",
            "weight_elements",
            "gemm",
            "moe",
            "decode_attention",
            "context_attention",
            "all_reduce",
        ],
    )?;
    let sources = schema::take_sources(file, &mut doc)?;
    let whole = Ctx {
        file,
        item: "file",
        id: file,
    };
    let grid = |doc: &mut toml::Table, key: &str| -> Result<Vec<f64>, CatalogError> {
        let v: Vec<f64> = schema::from_value(doc.remove(key).unwrap_or(toml::Value::Array(vec![])))
            .map_err(|e| e.in_file(whole))?;
        positive_increasing(key, &v).map_err(|e| e.in_file(whole))
    };
    let ln_m = grid(&mut doc, "m_bins")?;
    let ln_nk = grid(&mut doc, "weight_elements")?;
    let gemms: Vec<GemmEntry> = schema::entries(file, "gemm", "chip", &mut doc, "gemm")?;
    let moes: Vec<MoeEntry> = schema::entries(file, "moe", "chip", &mut doc, "moe")?;
    let decode: Vec<DecodeAttentionEntry> = schema::entries(
        file,
        "decode_attention",
        "chip",
        &mut doc,
        "decode_attention",
    )?;
    let context: Vec<ContextAttentionEntry> = schema::entries(
        file,
        "context_attention",
        "chip",
        &mut doc,
        "context_attention",
    )?;
    let ars: Vec<AllReduceEntry> =
        schema::entries(file, "all_reduce", "chip", &mut doc, "all_reduce")?;
    let mut out = Kernels {
        chips: BTreeMap::new(),
        sources: BTreeMap::new(),
    };
    read_grid(file, gemms, moes, (&ln_m, &ln_nk), &sources, &mut out)?;
    read_attention(file, decode, context, &sources, &mut out)?;
    for a in ars {
        read_all_reduce(file, a, &sources, &mut out)?;
    }
    Ok(out)
}

/// The GEMM and MoE entries, on the file's grid (`m_bins` × `weight_elements`).
fn read_grid(
    file: &str,
    gemms: Vec<GemmEntry>,
    moes: Vec<MoeEntry>,
    (ln_m, ln_nk): (&[f64], &[f64]),
    sources: &BTreeMap<String, Source>,
    out: &mut Kernels,
) -> Result<(), CatalogError> {
    let on_grid = |ctx: Ctx<'_>, fraction, source| {
        curve(ctx, "roofline_fraction", fraction, ln_m, ln_nk, source)
    };
    for g in gemms {
        let ctx = Ctx {
            file,
            item: "gemm",
            id: &g.chip,
        };
        cite(sources, &g.source, ctx, out)?;
        let c = on_grid(ctx, g.roofline_fraction, g.source)?;
        out.chips.entry(g.chip).or_default().gemm.push((g.dtype, c));
    }
    for g in moes {
        let ctx = Ctx {
            file,
            item: "moe",
            id: &g.chip,
        };
        cite(sources, &g.source, ctx, out)?;
        let c = on_grid(ctx, g.roofline_fraction, g.source)?;
        let chip = out.chips.entry(g.chip).or_default();
        chip.moe.push((g.dtype, g.routing, c));
    }
    Ok(())
}

/// A curve on a grid (`ln_m` columns, `ln_nk` rows), its fractions (the entry's `field`)
/// checked.
fn curve(
    ctx: Ctx<'_>,
    field: &str,
    fraction: Vec<Vec<f64>>,
    ln_m: &[f64],
    ln_nk: &[f64],
    source: String,
) -> Result<GemmCurve, CatalogError> {
    let shape_ok = fraction.len() == ln_nk.len() && fraction.iter().all(|r| r.len() == ln_m.len());
    if !shape_ok {
        return Err(ctx.err(
            field,
            format!(
                "expected {} rows of {} values (one row per row-axis value, one value per column)",
                ln_nk.len(),
                ln_m.len()
            ),
        ));
    }
    if let Some(bad) = fraction
        .iter()
        .flatten()
        .find(|f| !(**f > 0.0 && **f <= 1.0))
    {
        return Err(ctx.err(field, format!("{bad} is not a fraction in (0, 1]")));
    }
    Ok(GemmCurve {
        ln_m: ln_m.to_vec(),
        ln_nk: ln_nk.to_vec(),
        fraction,
        source,
    })
}

/// Cites `key` from `ctx`: an unknown key is an error.
fn cite(
    sources: &BTreeMap<String, Source>,
    key: &str,
    ctx: Ctx<'_>,
    out: &mut Kernels,
) -> Result<(), CatalogError> {
    let s = sources
        .get(key)
        .ok_or_else(|| ctx.err("source", format!("unknown source key '{key}'")))?;
    out.sources.insert(key.to_string(), s.clone());
    Ok(())
}

/// A curve with its own axes (an attention entry): the row and column axes and the fractions,
/// each named by its field.
fn axis_curve(
    ctx: Ctx<'_>,
    (rows_field, rows): (&str, &[f64]),
    (cols_field, cols): (&str, &[f64]),
    (field, fraction): (&str, Vec<Vec<f64>>),
    source: String,
) -> Result<GemmCurve, CatalogError> {
    let rows = positive_increasing(rows_field, rows).map_err(|e| e.in_file(ctx))?;
    let cols = positive_increasing(cols_field, cols).map_err(|e| e.in_file(ctx))?;
    curve(ctx, field, fraction, &cols, &rows, source)
}

fn read_attention(
    file: &str,
    decode: Vec<DecodeAttentionEntry>,
    context: Vec<ContextAttentionEntry>,
    sources: &BTreeMap<String, Source>,
    out: &mut Kernels,
) -> Result<(), CatalogError> {
    for a in decode {
        let ctx = Ctx {
            file,
            item: "decode_attention",
            id: &a.chip,
        };
        cite(sources, &a.source, ctx, out)?;
        let c = axis_curve(
            ctx,
            ("batch", &a.batch),
            ("context", &a.context),
            ("bandwidth_fraction", a.bandwidth_fraction),
            a.source,
        )?;
        let chip = out.chips.entry(a.chip).or_default();
        chip.decode_attention.push((a.kv_dtype, c));
    }
    for a in context {
        let ctx = Ctx {
            file,
            item: "context_attention",
            id: &a.chip,
        };
        cite(sources, &a.source, ctx, out)?;
        let c = axis_curve(
            ctx,
            ("heads", &a.heads),
            ("tokens", &a.tokens),
            ("peak_fraction", a.peak_fraction),
            a.source,
        )?;
        let chip = out.chips.entry(a.chip).or_default();
        chip.context_attention.push((a.dtype, c));
    }
    Ok(())
}

fn read_all_reduce(
    file: &str,
    a: AllReduceEntry,
    sources: &BTreeMap<String, Source>,
    out: &mut Kernels,
) -> Result<(), CatalogError> {
    let ctx = Ctx {
        file,
        item: "all_reduce",
        id: &a.chip,
    };
    let s = sources
        .get(&a.source)
        .ok_or_else(|| ctx.err("source", format!("unknown source key '{}'", a.source)))?;
    out.sources.insert(a.source.clone(), s.clone());
    let ln_bytes =
        positive_increasing("message_bytes", &a.message_bytes).map_err(|e| e.in_file(ctx))?;
    if a.latency_s.len() != a.message_bytes.len()
        || a.latency_s.iter().any(|x| !(x.is_finite() && *x > 0.0))
    {
        return Err(ctx.err(
            "latency_s",
            "expected one positive latency per message size".to_string(),
        ));
    }
    out.chips
        .entry(a.chip.clone())
        .or_default()
        .all_reduce
        .push(AllReduceCurve {
            gpus: a.gpus,
            ln_bytes,
            ln_latency: a.latency_s.iter().map(|x| x.ln()).collect(),
            source: a.source,
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{kernels, parse};
    use chipmodel_catalog::Precision;

    #[test]
    fn the_embedded_curves_read_and_follow_the_measurements() {
        let k = kernels().unwrap();
        let h200 = &k.chips["h200-sxm"];
        let fp8 = h200.gemm_for(Precision::Fp8).unwrap();
        // Narrow tensor-parallel slices reach less of the roofline than wide ones at large M.
        assert!(fp8.fraction(4096.0, 2048.0 * 16384.0) < fp8.fraction(4096.0, 12288.0 * 16384.0));
        // Small all-reduces take microseconds, not the 16 µs of a ring's latency.
        let ar = h200.all_reduce_for(8).unwrap();
        let small = ar.latency_s(2048.0);
        assert!(small > 1e-6 && small < 8e-6, "{small}");
        assert!(ar.latency_s(64e6) > ar.latency_s(8e6));
        assert!(k.chips["b200"].gemm_for(Precision::Fp4).is_some());
    }

    #[test]
    fn a_malformed_curve_is_an_error() {
        let head = "m_bins = [1, 4]\nweight_elements = [10, 100]\n[sources.s]\ntitle = \"T\"\nurl = \"https://example.org\"\ndate = \"2026\"\nkind = \"vendor-benchmark\"\n";
        let ok = format!(
            "{head}[[gemm]]\nchip = \"c\"\ndtype = \"fp8\"\nsource = \"s\"\nroofline_fraction = [[0.1, 0.2], [0.3, 0.4]]\n"
        );
        assert!(parse("k.toml", &ok).is_ok());
        for (bad, what) in [
            (ok.replace("[0.3, 0.4]", "[0.3]"), "roofline_fraction"),
            (ok.replace("0.4", "1.4"), "roofline_fraction"),
            (ok.replace("source = \"s\"", "source = \"t\""), "source"),
            (head.replace("[10, 100]", "[100, 10]"), "weight_elements"),
        ] {
            let e = parse("k.toml", &bad).unwrap_err().to_string();
            assert!(e.contains(what) && e.contains("k.toml"), "{e}");
        }
    }
}
