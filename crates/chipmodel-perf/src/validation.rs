//! Published measurements and chipmodel's predictions of them (`docs/validation.md`).
//!
//! The rows live in `data/validation.toml`, each with its source. How a row is predicted is
//! decided by its scenario, never by its error:
//! - `static-batch` and `single-request`: [`crate::estimate_inference`] at the stated batch and
//!   lengths (throughput = batch × output ÷ end-to-end latency);
//! - `offline`: [`crate::best_inference`] under the engine the row ran ([`engine_for`]: its cap on
//!   sequences, token budget, chunked prefill, KV admission and schedule), keeping the stated
//!   tensor and pipeline parallelism and any stated concurrency cap;
//! - where a source leaves the KV cache precision unstated, [`kv_dtype`] decides it;
//! - not scored: `server` rows (latency under a request load: queueing is not modelled) and rows
//!   whose input or output length the source does not give.

use std::collections::BTreeMap;

use chipmodel_catalog::datafile::{self, Ctx};
use chipmodel_catalog::schema::{self, FieldError};
use chipmodel_catalog::{CatalogError, Precision, Source};
use serde::{Deserialize, Serialize};

use crate::calibration::Mode;
use crate::catalogs::Catalogs;
use crate::inference::{InferenceConfig, estimate_inference};
use crate::search::{BestConfig, best_inference};
use crate::{Figure, PerfError};

/// The KV cache precision a row ran with: as stated, else FP8 for TensorRT-LLM runs with 8-bit
/// or 4-bit weights (its FP8 recipes quantize the KV cache too), else 16-bit.
pub fn kv_dtype(row: &Row) -> Option<Precision> {
    row.kv_dtype.or_else(|| {
        let trt = row.software.to_ascii_lowercase().contains("tensorrt");
        (trt && matches!(row.weight_dtype, Precision::Fp8 | Precision::Fp4))
            .then_some(Precision::Fp8)
    })
}

/// The engine profile an offline row is predicted with, read from its `software`:
/// TensorRT-LLM → `trtllm`; vLLM 0.2–0.5 → `vllm-v0`, later vLLM → `vllm`; SGLang →
/// `sglang`; anything else → the chip vendor's reference engine
/// ([`crate::EngineProfile::vendor_default`]).
pub fn engine_for(
    row: &Row,
    chip: &chipmodel_catalog::Chip,
) -> Result<&'static crate::EngineProfile, PerfError> {
    let s = row.software.to_ascii_lowercase();
    let id = if s.contains("tensorrt") {
        "trtllm"
    } else if s.contains("vllm") {
        // vLLM's V1 engine became the default in 0.8.0; earlier releases ran V0.
        if vllm_minor(&s).is_some_and(|minor| minor < 8) {
            "vllm-v0"
        } else {
            "vllm"
        }
    } else if s.contains("sglang") {
        "sglang"
    } else {
        return crate::EngineProfile::vendor_default(chip);
    };
    crate::EngineProfile::get(id)
}

/// The minor version of the first `vllm 0.N` / `vllm v0.N` in a lower-case software string.
fn vllm_minor(software: &str) -> Option<u32> {
    let at = software.find("vllm")?;
    let rest = software[at + 4..].trim_start();
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let rest = rest.strip_prefix("0.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// One published measurement (a `[[measurement]]` of `data/validation.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Prompts issued at once in a finite offline run (`--num-prompts`); its throughput is over
    /// the whole run, the waves it takes included. Without it the run is taken as long enough
    /// for its steady waves to dominate.
    #[serde(default)]
    pub requests: Option<u32>,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
    pub scenario: String,
    pub metric: Figure,
    pub value: f64,
    #[serde(default)]
    pub software: String,
    #[serde(default)]
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
    /// Calibrated, with offline rows run under the `ideal` engine (no engine limit: the upper
    /// bound); the same as `calibrated` for rows at a fixed batch.
    #[serde(default = "no_ideal")]
    pub ideal: Result<f64, String>,
}

fn no_ideal() -> Result<f64, String> {
    Err("not computed".into())
}

/// What a prediction is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Datasheet roofline, the row's engine.
    Roofline,
    /// Calibrated parameters and kernel curves, the row's engine.
    Calibrated,
    /// Calibrated, the `ideal` engine for offline rows (no engine limit).
    Ideal,
}

impl From<Mode> for Basis {
    /// The row's engine in that mode.
    fn from(mode: Mode) -> Basis {
        match mode {
            Mode::Roofline => Basis::Roofline,
            Mode::Calibrated => Basis::Calibrated,
        }
    }
}

impl Prediction {
    /// Relative error predicted ÷ measured − 1 in a mode.
    pub fn error(&self, mode: Mode) -> Option<f64> {
        self.error_on(mode.into())
    }

    /// Relative error predicted ÷ measured − 1 on a basis.
    pub fn error_on(&self, basis: Basis) -> Option<f64> {
        let p = match basis {
            Basis::Roofline => &self.roofline,
            Basis::Calibrated => &self.calibrated,
            Basis::Ideal => &self.ideal,
        };
        p.as_ref().ok().map(|v| v / self.row.value - 1.0)
    }
}

/// The validation files: `data/validation.toml` and one file per collection under
/// `data/validation/`, each with its own sources.
const FILES: [(&str, &str); 4] = [
    ("validation.toml", include_str!("../data/validation.toml")),
    (
        "validation/trtllm.toml",
        include_str!("../data/validation/trtllm.toml"),
    ),
    (
        "validation/other-vendors.toml",
        include_str!("../data/validation/other-vendors.toml"),
    ),
    (
        "validation/open-engines.toml",
        include_str!("../data/validation/open-engines.toml"),
    ),
];

/// The rows and sources of every validation file; a source key or row id defined twice across
/// the files is an error.
pub fn rows() -> Result<(Vec<Row>, BTreeMap<String, Source>), PerfError> {
    let mut all_rows: Vec<Row> = Vec::new();
    let mut all_sources = BTreeMap::new();
    let mut ids = std::collections::BTreeSet::new();
    for (file, text) in FILES {
        let (rows, sources) = parse(file, text).map_err(PerfError::Catalog)?;
        for (k, v) in sources {
            if all_sources.insert(k.clone(), v).is_some() {
                return Err(crate::error::invalid(
                    "sources",
                    format!("'{k}'"),
                    format!("{file}: source key defined in another validation file too"),
                ));
            }
        }
        for r in rows {
            if !ids.insert(r.id.clone()) {
                return Err(crate::error::invalid(
                    "id",
                    format!("'{}'", r.id),
                    format!("{file}: measurement id used in another validation file too"),
                ));
            }
            all_rows.push(r);
        }
    }
    Ok((all_rows, all_sources))
}

fn parse(file: &str, text: &str) -> Result<(Vec<Row>, BTreeMap<String, Source>), CatalogError> {
    let mut doc = datafile::parse_document(file, text)?;
    schema::no_other_keys(file, &doc, &["sources", "measurement"])?;
    let sources = schema::take_sources(file, &mut doc)?;
    let rows: Vec<Row> = schema::entries(file, "measurement", "id", &mut doc, "measurement")?;
    for row in &rows {
        let ctx = Ctx {
            file,
            item: "measurement",
            id: &row.id,
        };
        row.validate(&sources).map_err(|e| e.in_file(ctx))?;
    }
    Ok((rows, sources))
}

impl Row {
    /// Checks a row read from the file: required text not empty, its source cited in the file,
    /// counts and the value positive.
    fn validate(&self, sources: &BTreeMap<String, Source>) -> Result<(), FieldError> {
        for (field, v) in [
            ("id", &self.id),
            ("source", &self.source),
            ("chip", &self.chip),
            ("model", &self.model),
            ("scenario", &self.scenario),
        ] {
            if v.trim().is_empty() {
                return Err(FieldError::new(field, "''", "must not be empty"));
            }
        }
        if !sources.contains_key(&self.source) {
            return Err(FieldError::new(
                "source",
                format!("'{}'", self.source),
                format!("unknown source key '{}'", self.source),
            ));
        }
        for (field, n) in [
            ("n_chips", Some(self.n_chips)),
            ("tp", self.tp),
            ("pp", self.pp),
            ("ep", self.ep),
            ("batch", self.batch),
            ("requests", self.requests),
            ("input_tokens", self.input_tokens),
            ("output_tokens", self.output_tokens),
        ] {
            if n == Some(0) {
                return Err(FieldError::new(
                    field,
                    "0",
                    "expected a positive integer, got 0",
                ));
            }
        }
        if !(self.value.is_finite() && self.value > 0.0) {
            return Err(FieldError::new(
                "value",
                self.value.to_string(),
                format!("expected a positive number, got {}", self.value),
            ));
        }
        Ok(())
    }
}

/// Predicts one row in one mode, or says why it is not scored.
pub fn predict(data: &Catalogs, row: &Row, mode: Mode) -> Result<f64, String> {
    predict_on(data, row, mode, false)
}

/// An offline (maximum-throughput) row: `best_inference` under the row's engine (or `ideal`).
fn predict_offline(
    model: &crate::Model,
    chip: &chipmodel_catalog::Chip,
    row: &Row,
    (input, output): (u32, u32),
    mode: Mode,
    ideal: bool,
) -> Result<f64, String> {
    let mut cfg = BestConfig::new(row.n_chips);
    cfg.input_tokens = input;
    cfg.output_tokens = output;
    cfg.weight_dtype = row.weight_dtype;
    cfg.kv_dtype = kv_dtype(row);
    cfg.tp = row.tp;
    cfg.pp = row.pp;
    cfg.max_batch = row.batch;
    let mut profile = if ideal {
        crate::EngineProfile::get("ideal").map_err(|e| e.to_string())?
    } else {
        engine_for(row, chip).map_err(|e| e.to_string())?
    }
    .clone();
    // A row's batch is the engine's own setting (`--max_batch_size`,
    // `--max-num-seqs`): it replaces the engine's default cap.
    if let (Some(b), Some(_)) = (row.batch, &profile.max_sequences) {
        profile = profile
            .with_setting("max_sequences", crate::Setting::Count(b))
            .map_err(|e| e.to_string())?;
    }
    cfg.engine = Some(profile);
    cfg.mode = mode;
    let e = best_inference(model, chip, &cfg).map_err(|e| e.to_string())?;
    if let (Some(n), Figure::ThroughputTokensPerS) = (row.requests, row.metric) {
        return finite_run(model, chip, &cfg, &e, n);
    }
    Ok(match row.metric {
        Figure::TtftS => e.ttft_s,
        Figure::TpotS => e.tpot_s,
        Figure::E2eLatencyS => e.e2e_latency_s,
        Figure::ThroughputTokensPerS => e.throughput_tokens_per_s,
    })
}

/// As [`predict`], offline rows under the `ideal` engine when `ideal` is set.
fn predict_on(data: &Catalogs, row: &Row, mode: Mode, ideal: bool) -> Result<f64, String> {
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
            Ok(match row.metric {
                Figure::TtftS => e.ttft_s,
                Figure::TpotS => e.tpot_s,
                Figure::E2eLatencyS => e.e2e_latency_s,
                Figure::ThroughputTokensPerS => e.static_throughput_tokens_per_s,
            })
        }
        "offline" => predict_offline(model, chip, row, (input, output), mode, ideal),
        other => Err(format!("not scored: unknown scenario '{other}'")),
    }
}

/// Output tokens per second of `n` prompts issued at once: as many full waves of the batch the
/// engine admits as they fill, then one wave of the rest (same layout), over their total time.
fn finite_run(
    model: &crate::Model,
    chip: &chipmodel_catalog::Chip,
    cfg: &BestConfig,
    full: &crate::InferenceEstimate,
    n: u32,
) -> Result<f64, String> {
    let out = f64::from(cfg.output_tokens);
    let wave_s =
        |e: &crate::InferenceEstimate| f64::from(e.setup.batch) * out / e.throughput_tokens_per_s;
    let (waves, rest) = (n / full.setup.batch, n % full.setup.batch);
    let mut total = f64::from(waves) * wave_s(full);
    if rest > 0 {
        let tail = BestConfig {
            max_batch: Some(rest),
            tp: Some(full.setup.tp),
            pp: Some(full.setup.pp),
            ..cfg.clone()
        };
        total += wave_s(&best_inference(model, chip, &tail).map_err(|e| e.to_string())?);
    }
    Ok(f64::from(n) * out / total)
}

/// Every row with both predictions.
pub fn predictions(data: &Catalogs) -> Result<Vec<Prediction>, PerfError> {
    let (rows, _) = rows()?;
    Ok(rows
        .into_iter()
        .map(|row| Prediction {
            roofline: predict(data, &row, Mode::Roofline),
            calibrated: predict(data, &row, Mode::Calibrated),
            ideal: predict_on(data, &row, Mode::Calibrated, true),
            row,
        })
        .collect())
}

/// Median absolute relative error of scored rows whose metric is in `metrics`.
pub fn median_error(preds: &[Prediction], mode: Mode, metrics: &[&str]) -> Option<f64> {
    let of = preds
        .iter()
        .filter(|p| metrics.contains(&p.row.metric.as_str()));
    medians(of, mode).map(|m| m.abs)
}

/// The medians of a group of predictions in one mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Medians {
    /// Rows scored in this mode.
    pub scored: usize,
    /// Median absolute relative error.
    pub abs: f64,
    /// Median signed relative error: where the model leans (> 0: too optimistic).
    pub signed: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The medians of the scored rows among `preds` (`None` when none is scored).
pub fn medians<'a>(preds: impl IntoIterator<Item = &'a Prediction>, mode: Mode) -> Option<Medians> {
    medians_on(preds, mode.into())
}

/// The medians of a group of predictions on a basis.
pub fn medians_on<'a>(
    preds: impl IntoIterator<Item = &'a Prediction>,
    basis: Basis,
) -> Option<Medians> {
    let errs: Vec<f64> = preds
        .into_iter()
        .filter_map(|p| p.error_on(basis))
        .collect();
    if errs.is_empty() {
        return None;
    }
    Some(Medians {
        scored: errs.len(),
        abs: median(errs.iter().map(|e| e.abs()).collect()),
        signed: median(errs),
    })
}

/// The serving-engine family a row ran on, read from its `software` string.
pub fn engine_family(row: &Row) -> &'static str {
    let s = row.software.to_ascii_lowercase();
    if s.contains("tensorrt") {
        "TensorRT-LLM"
    } else if s.contains("vllm") {
        "vLLM"
    } else if s.contains("sglang") {
        "SGLang"
    } else if s.contains("tgi") {
        "TGI"
    } else {
        "other"
    }
}

/// The regime a row measures: its scenario and what it measured.
pub fn regime(row: &Row) -> String {
    format!("{} {}", row.scenario, row.metric.as_str())
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
            fmt(r.metric.as_str(), r.value),
            cell(r.metric.as_str(), &p.roofline, r.value),
            cell(r.metric.as_str(), &p.calibrated, r.value),
            r.source
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn vllm_releases_before_0_8_ran_the_v0_engine() {
        assert_eq!(super::vllm_minor("vllm 0.6.3.post2.dev308"), Some(6));
        assert_eq!(super::vllm_minor("vllm v0.4.0"), Some(4));
        assert_eq!(super::vllm_minor("vllm 0.10.1 (rocm)"), Some(10));
        assert_eq!(super::vllm_minor("vllm (main)"), None);
    }

    use super::parse;

    const SOURCE: &str = "[sources.s]\ntitle = \"T\"\nurl = \"https://example.org\"\ndate = \"2025\"\nkind = \"mlperf\"\n";
    const ROW: &str = "[[measurement]]\nid = \"r\"\nsource = \"s\"\nchip = \"h100\"\nn_chips = 1\nmodel = \"llama-3.1-8b\"\nweight_dtype = \"bf16\"\nscenario = \"offline\"\nmetric = \"throughput_tokens_per_s\"\nvalue = 10\n";

    #[test]
    fn a_malformed_row_is_an_error_not_skipped() {
        let (rows, _) = parse("v.toml", &format!("{SOURCE}{ROW}")).unwrap();
        assert_eq!(rows.len(), 1);
        for (bad, field) in [
            (format!("{ROW}colour = 1\n"), "colour"),
            (ROW.replace("value = 10", "value = -1"), "value"),
            (ROW.replace("n_chips = 1", "n_chips = 0"), "n_chips"),
            (ROW.replace("source = \"s\"", "source = \"t\""), "source"),
            ("[[measurement]]\nid = \"r\"\n".to_string(), "source"),
            ("measurement = [1]\n".to_string(), "measurement"),
        ] {
            let e = parse("v.toml", &format!("{SOURCE}{bad}"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("v.toml") && e.contains(&format!("field '{field}'")),
                "{e}"
            );
        }
        let e = parse("v.toml", &format!("{SOURCE}{ROW}[extra]\n")).unwrap_err();
        assert!(e.to_string().contains("unknown field 'extra'"), "{e}");
    }
}
