//! The validation table in docs/validation.md is reproduced from data/validation.toml.

use chipmodel_perf::Mode;
use chipmodel_perf::validation::{
    Basis, Prediction, engine_family, markdown_table, median_error, medians, medians_on,
    predictions, regime,
};

mod common;
use common::data;

const BEGIN: &str = "<!-- validation-table:begin -->";
const END: &str = "<!-- validation-table:end -->";

/// A way of grouping rows: its name and the group of a row.
type GroupBy<'a> = (&'static str, Box<dyn Fn(&Prediction) -> String + 'a>);

/// Medians per engine, per chip vendor and per regime, with the signed median (where the model
/// leans: + is optimistic).
fn breakdown(preds: &[Prediction]) -> String {
    let data = data();
    let vendor = |p: &Prediction| {
        data.chip(&p.row.chip)
            .map_or("?".to_string(), |c| c.vendor.clone())
    };
    let mut s = String::from(
        "| by | group | scored | median, roofline | median, calibrated | lean, calibrated | median, `ideal` engine | lean, `ideal` |\n|---|---|---|---|---|---|---|---|\n",
    );
    let class = |p: &Prediction| {
        let moe = data.model(&p.row.model).is_ok_and(|m| m.moe.is_some());
        if moe { "mixture of experts" } else { "dense" }.to_string()
    };
    let context = |p: &Prediction| {
        let tokens = p.row.input_tokens.unwrap_or(0) + p.row.output_tokens.unwrap_or(0);
        if tokens >= 32_768 {
            "long (≥ 32k tokens)"
        } else {
            "under 32k tokens"
        }
        .to_string()
    };
    let kinds: [GroupBy; 5] = [
        ("engine", Box::new(|p| engine_family(&p.row).to_string())),
        ("vendor", Box::new(vendor)),
        ("regime", Box::new(|p| regime(&p.row))),
        ("model", Box::new(class)),
        ("context", Box::new(context)),
    ];
    for (by, key) in kinds {
        let mut groups: Vec<String> = preds.iter().map(&key).collect();
        groups.sort();
        groups.dedup();
        for g in groups {
            let of = || preds.iter().filter(|p| key(p) == g);
            let (Some(r), Some(c), Some(i)) = (
                medians(of(), Mode::Roofline),
                medians(of(), Mode::Calibrated),
                medians_on(of(), Basis::Ideal),
            ) else {
                continue;
            };
            s.push_str(&format!(
                "| {by} | {g} | {} | {:.1}% | {:.1}% | {:+.1}% | {:.1}% | {:+.1}% |\n",
                c.scored,
                r.abs * 100.0,
                c.abs * 100.0,
                c.signed * 100.0,
                i.abs * 100.0,
                i.signed * 100.0
            ));
        }
    }
    s
}

fn summary(preds: &[Prediction]) -> String {
    let mut s = String::new();
    for (label, metrics) in [
        ("throughput", &["throughput_tokens_per_s"][..]),
        ("time to first token", &["ttft_s"][..]),
        (
            "all scored rows",
            &[
                "throughput_tokens_per_s",
                "ttft_s",
                "tpot_s",
                "e2e_latency_s",
            ][..],
        ),
    ] {
        let n = preds
            .iter()
            .filter(|p| metrics.contains(&p.row.metric.as_str()) && p.calibrated.is_ok())
            .count();
        let f = |m| {
            median_error(preds, m, metrics)
                .map_or("–".to_string(), |e| format!("{:.1}%", e * 100.0))
        };
        let of = || {
            preds
                .iter()
                .filter(|p| metrics.contains(&p.row.metric.as_str()))
        };
        let ideal = medians_on(of(), Basis::Ideal).map_or("–".to_string(), |m| {
            format!("{:.1}% ({:+.1}%)", m.abs * 100.0, m.signed * 100.0)
        });
        s.push_str(&format!(
            "| {label} | {n} | {} | {} | {ideal} |\n",
            f(Mode::Roofline),
            f(Mode::Calibrated)
        ));
    }
    format!(
        "| rows | scored | median error, roofline | median error, calibrated | calibrated, `ideal` engine (lean) |\n|---|---|---|---|---|\n{s}"
    )
}

#[test]
fn validation_doc_reproduces_the_table() {
    let preds = predictions(data()).unwrap();
    let generated = format!(
        "{BEGIN}\n\n{}\n{}\n{}\n{END}",
        summary(&preds),
        breakdown(&preds),
        markdown_table(&preds)
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/validation.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var_os("CHIPMODEL_UPDATE_VALIDATION").is_some() {
        let updated = match (doc.find(BEGIN), doc.find(END)) {
            (Some(a), Some(b)) => format!("{}{}{}", &doc[..a], generated, &doc[b + END.len()..]),
            _ => format!("{doc}\n{generated}\n"),
        };
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert!(
        doc.contains(&generated),
        "docs/validation.md is stale: run CHIPMODEL_UPDATE_VALIDATION=1 cargo test -p chipmodel-perf --test validation"
    );
}

/// The validation contract, as regression guards at today's figures (the target, 10% on
/// every vendor, is not met; `docs/validation.md` says where the model leans): at least 20 scored
/// rows over several chips; a median calibrated error of at most 15% on TensorRT-LLM rows and on
/// time to first token, and of at most 19% on throughput over every engine (the open-engine
/// rows of early-2025 DeepSeek-R1 and Llama 3.1 405B runs on vLLM and SGLang are +30% to +370%);
/// calibrated must also beat roofline widely.
#[test]
fn at_least_twenty_rows_are_scored_and_calibrated_errors_hold() {
    let preds = predictions(data()).unwrap();
    let scored = preds.iter().filter(|p| p.calibrated.is_ok()).count();
    assert!(scored >= 20, "{scored}");
    let chips: std::collections::BTreeSet<&str> = preds
        .iter()
        .filter(|p| p.calibrated.is_ok())
        .map(|p| p.row.chip.as_str())
        .collect();
    for chip in ["h100-sxm", "h200-sxm", "b200", "a100-sxm", "mi300x"] {
        assert!(chips.contains(chip), "no scored row on {chip}");
    }
    let thr = median_error(&preds, Mode::Calibrated, &["throughput_tokens_per_s"]).unwrap();
    let ttft = median_error(&preds, Mode::Calibrated, &["ttft_s"]).unwrap();
    assert!(thr <= 0.19, "median calibrated throughput error {thr}");
    assert!(ttft <= 0.15, "median calibrated TTFT error {ttft}");
    let trt: Vec<Prediction> = preds
        .iter()
        .filter(|p| engine_family(&p.row) == "TensorRT-LLM")
        .cloned()
        .collect();
    let trt = medians(trt.iter(), Mode::Calibrated).unwrap();
    assert!(trt.scored >= 150 && trt.abs <= 0.15, "TensorRT-LLM {trt:?}");
    let thr_roof = median_error(&preds, Mode::Roofline, &["throughput_tokens_per_s"]).unwrap();
    let ttft_roof = median_error(&preds, Mode::Roofline, &["ttft_s"]).unwrap();
    assert!(
        thr < thr_roof / 2.0 && ttft < ttft_roof / 2.0,
        "{thr} {thr_roof} {ttft} {ttft_roof}"
    );
}
