//! Published measurements and chipmodel's predictions of them (`docs/validation.md`).
//!
//! The rows live in `data/validation.toml`, each with its source. How a row is predicted is
//! decided by its scenario, never by its error:
//! - `static-batch` and `single-request`: [`crate::estimate_inference`] at the stated batch and
//!   lengths (throughput = batch × output ÷ end-to-end latency);
//! - `offline`: [`crate::best_inference`] (maximum steady-state throughput that fits, batch capped by
//!   [`offline_cap`]), keeping the stated tensor parallelism;
//! - where a source leaves the KV cache precision unstated, [`kv_dtype`] decides it;
//! - TensorRT-LLM runs reserve each sequence's KV cache at full length (its default
//!   `GUARANTEED_NO_EVICT` scheduler); others allocate on demand;
//! - not scored: `server` rows (latency under a request load: queueing is not modelled) and rows
//!   whose input or output length the source does not give.

use std::collections::BTreeMap;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::{CatalogError, Precision, Source};
use serde::{Deserialize, Serialize};
use toml::Value;

use crate::PerfError;
use crate::calibration::Mode;
use crate::catalogs::Catalogs;
use crate::inference::{InferenceConfig, KvPolicy, estimate_inference};
use crate::search::{BestConfig, best_inference};

/// Concurrency cap for offline rows run with TensorRT-LLM or SGLang when the source states none
/// (their maximum batch defaults are in the low thousands; chipmodel assumption, not fitted).
pub const OFFLINE_MAX_BATCH: u32 = 2048;

/// vLLM's default `max_num_seqs` (V0 engine): the concurrency cap of its offline benchmark.
pub const VLLM_MAX_NUM_SEQS: u32 = 256;

/// The KV cache precision a row ran with: as stated, else FP8 for TensorRT-LLM runs with 8-bit
/// or 4-bit weights (its FP8 recipes quantize the KV cache too), else 16-bit.
pub fn kv_dtype(row: &Row) -> Option<Precision> {
    row.kv_dtype.or_else(|| {
        let trt = row.software.to_ascii_lowercase().contains("tensorrt");
        (trt && matches!(row.weight_dtype, Precision::Fp8 | Precision::Fp4))
            .then_some(Precision::Fp8)
    })
}

/// The concurrency cap of an offline row.
pub fn offline_cap(row: &Row) -> u32 {
    row.batch
        .unwrap_or(if row.software.to_ascii_lowercase().contains("vllm") {
            VLLM_MAX_NUM_SEQS
        } else {
            OFFLINE_MAX_BATCH
        })
}

/// One published measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Row {
    pub id: String,
    pub source: String,
    pub chip: String,
    pub n_chips: u32,
    pub model: String,
    pub weight_dtype: Precision,
    pub kv_dtype: Option<Precision>,
    pub tp: Option<u32>,
    pub pp: Option<u32>,
    pub ep: Option<u32>,
    pub batch: Option<u32>,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
    pub scenario: String,
    pub metric: String,
    pub value: f64,
    pub software: String,
    pub note: String,
}

/// A row with both predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The measurement.
    pub row: Row,
    /// Roofline prediction, or why there is none.
    pub roofline: Result<f64, String>,
    /// Calibrated prediction, or why there is none.
    pub calibrated: Result<f64, String>,
}

impl Prediction {
    /// Relative error predicted ÷ measured − 1 in a mode.
    pub fn error(&self, mode: Mode) -> Option<f64> {
        let p = match mode {
            Mode::Roofline => &self.roofline,
            Mode::Calibrated => &self.calibrated,
        };
        p.as_ref().ok().map(|v| v / self.row.value - 1.0)
    }
}

/// The rows and sources of `data/validation.toml`.
pub fn rows() -> Result<(Vec<Row>, BTreeMap<String, Source>), PerfError> {
    parse("validation.toml", include_str!("../data/validation.toml")).map_err(PerfError::Catalog)
}

fn parse(file: &str, text: &str) -> Result<(Vec<Row>, BTreeMap<String, Source>), CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    let mut sources = BTreeMap::new();
    if let Some(Value::Table(t)) = doc.remove("sources") {
        for (k, v) in t {
            sources.insert(k.clone(), datafile::parse_source(file, &k, v)?);
        }
    }
    let mut out = Vec::new();
    let Some(Value::Array(items)) = doc.remove("measurement") else {
        return Ok((out, sources));
    };
    for item in items {
        let Value::Table(mut t) = item else { continue };
        let id = t
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let ctx = Ctx {
            file,
            item: "measurement",
            id: &id,
        };
        let s = |t: &mut toml::Table, k: &str| -> Result<String, CatalogError> {
            Ok(datafile::take_string(ctx, t, k, true)?.unwrap_or_default())
        };
        let opt_u = |t: &mut toml::Table, k: &str| -> Result<Option<u32>, CatalogError> {
            match t.remove(k) {
                None => Ok(None),
                Some(Value::Integer(i)) if i > 0 && i <= i64::from(u32::MAX) => Ok(Some(i as u32)),
                Some(v) => Err(ctx.err(
                    k,
                    format!("expected a positive integer, got {}", datafile::show(&v)),
                )),
            }
        };
        let prec = |x: String, k: &str| -> Result<Precision, CatalogError> {
            x.parse()
                .map_err(|e: CatalogError| ctx.err(k, e.to_string()))
        };
        let _ = t.remove("id");
        let source = s(&mut t, "source")?;
        if !sources.contains_key(&source) {
            return Err(ctx.err("source", format!("unknown source key '{source}'")));
        }
        let weight_dtype = prec(s(&mut t, "weight_dtype")?, "weight_dtype")?;
        let kv_dtype = match datafile::take_string(ctx, &mut t, "kv_dtype", false)? {
            Some(k) => Some(prec(k, "kv_dtype")?),
            None => None,
        };
        let value = match t.remove("value") {
            Some(Value::Float(f)) if f > 0.0 && f.is_finite() => f,
            Some(Value::Integer(i)) if i > 0 => i as f64,
            other => {
                return Err(ctx.err(
                    "value",
                    format!("expected a positive number, got {other:?}"),
                ));
            }
        };
        let row = Row {
            id: id.clone(),
            source,
            chip: s(&mut t, "chip")?,
            n_chips: opt_u(&mut t, "n_chips")?
                .ok_or_else(|| ctx.err("n_chips", "missing required field"))?,
            model: s(&mut t, "model")?,
            weight_dtype,
            kv_dtype,
            tp: opt_u(&mut t, "tp")?,
            pp: opt_u(&mut t, "pp")?,
            ep: opt_u(&mut t, "ep")?,
            batch: opt_u(&mut t, "batch")?,
            input_tokens: opt_u(&mut t, "input_tokens")?,
            output_tokens: opt_u(&mut t, "output_tokens")?,
            scenario: s(&mut t, "scenario")?,
            metric: s(&mut t, "metric")?,
            value,
            software: datafile::take_string(ctx, &mut t, "software", false)?.unwrap_or_default(),
            note: datafile::take_string(ctx, &mut t, "note", false)?.unwrap_or_default(),
        };
        ctx.unknown_fields("", &t, &[])?;
        out.push(row);
    }
    Ok((out, sources))
}

/// Predicts one row in one mode, or says why it is not scored.
pub fn predict(data: &Catalogs, row: &Row, mode: Mode) -> Result<f64, String> {
    let (Some(input), Some(output)) = (row.input_tokens, row.output_tokens) else {
        return Err("not scored: the source gives no input or output length".into());
    };
    let model = data.model(&row.model).map_err(|e| e.to_string())?;
    let chip = data.chip(&row.chip).map_err(|e| e.to_string())?;
    match row.scenario.as_str() {
        "server" => {
            Err("not scored: latency under a request load (queueing is not modelled)".into())
        }
        "static-batch" | "single-request" => {
            let cfg = InferenceConfig {
                n_chips: row.n_chips,
                tp: row.tp,
                pp: row.pp.unwrap_or(1),
                ep: row.ep.unwrap_or(1),
                batch: row.batch.unwrap_or(1),
                input_tokens: input,
                output_tokens: output,
                weight_dtype: row.weight_dtype,
                kv_dtype: kv_dtype(row),
                mode,
                ..InferenceConfig::default()
            };
            let e = estimate_inference(model, chip, &cfg).map_err(|e| e.to_string())?;
            if !e.fits {
                return Err(format!(
                    "does not fit: {:.1} GB per chip over",
                    e.memory.shortfall_bytes() / 1e9
                ));
            }
            Ok(match row.metric.as_str() {
                "ttft_s" => e.ttft_s,
                "tpot_s" => e.tpot_s,
                "e2e_latency_s" => e.e2e_latency_s,
                _ => e.static_throughput_tokens_per_s,
            })
        }
        "offline" => {
            let mut cfg = BestConfig::new(row.n_chips);
            cfg.input_tokens = input;
            cfg.output_tokens = output;
            cfg.weight_dtype = row.weight_dtype;
            cfg.kv_dtype = kv_dtype(row);
            cfg.tp = row.tp;
            cfg.pp = row.pp;
            cfg.max_batch = Some(offline_cap(row));
            if row.software.to_ascii_lowercase().contains("tensorrt") {
                cfg.kv_policy = KvPolicy::Reserved;
            }
            cfg.mode = mode;
            let e = best_inference(model, chip, &cfg).map_err(|e| e.to_string())?;
            Ok(match row.metric.as_str() {
                "ttft_s" => e.ttft_s,
                "tpot_s" => e.tpot_s,
                "e2e_latency_s" => e.e2e_latency_s,
                _ => e.throughput_tokens_per_s,
            })
        }
        other => Err(format!("not scored: unknown scenario '{other}'")),
    }
}

/// Every row with both predictions.
pub fn predictions(data: &Catalogs) -> Result<Vec<Prediction>, PerfError> {
    let (rows, _) = rows()?;
    Ok(rows
        .into_iter()
        .map(|row| Prediction {
            roofline: predict(data, &row, Mode::Roofline),
            calibrated: predict(data, &row, Mode::Calibrated),
            row,
        })
        .collect())
}

/// Median absolute relative error of scored rows whose metric is in `metrics`.
pub fn median_error(preds: &[Prediction], mode: Mode, metrics: &[&str]) -> Option<f64> {
    let mut errs: Vec<f64> = preds
        .iter()
        .filter(|p| metrics.contains(&p.row.metric.as_str()))
        .filter_map(|p| p.error(mode))
        .map(f64::abs)
        .collect();
    if errs.is_empty() {
        return None;
    }
    errs.sort_by(f64::total_cmp);
    let n = errs.len();
    Some(if n % 2 == 1 {
        errs[n / 2]
    } else {
        (errs[n / 2 - 1] + errs[n / 2]) / 2.0
    })
}

/// The markdown table of `docs/validation.md`, rounded so that it is stable across platforms.
pub fn markdown_table(preds: &[Prediction]) -> String {
    let fmt = |metric: &str, v: f64| match metric {
        "throughput_tokens_per_s" => format!("{v:.0} tok/s"),
        _ => format!("{:.1} ms", v * 1e3),
    };
    let cell = |metric: &str, r: &Result<f64, String>, measured: f64| match r {
        Ok(v) => format!(
            "{} ({:+.0}%)",
            fmt(metric, *v),
            (v / measured - 1.0) * 100.0
        ),
        Err(why) => why.replace('|', "/"),
    };
    let mut out = String::from(
        "| id | chip × n | model | dtype | batch | in/out | scenario | metric | measured | roofline | calibrated | source |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for p in preds {
        let r = &p.row;
        let lens = format!(
            "{}/{}",
            r.input_tokens.map_or("?".into(), |x| x.to_string()),
            r.output_tokens.map_or("?".into(), |x| x.to_string())
        );
        out.push_str(&format!(
            "| {} | {} × {}{} | {} | {}{} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            r.chip,
            r.n_chips,
            r.tp.map_or(String::new(), |t| format!(" (tp {t})")),
            r.model,
            r.weight_dtype,
            r.kv_dtype.map_or(String::new(), |k| format!("/kv {k}")),
            r.batch.map_or("–".into(), |b| b.to_string()),
            lens,
            r.scenario,
            r.metric,
            fmt(&r.metric, r.value),
            cell(&r.metric, &p.roofline, r.value),
            cell(&r.metric, &p.calibrated, r.value),
            r.source
        ));
    }
    out
}
