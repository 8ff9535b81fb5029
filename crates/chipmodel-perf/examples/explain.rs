//! Prints an estimate and its per-operator breakdown.
//!
//! `cargo run -p chipmodel-perf --example explain -- llama-2-70b h100 8 64 1024 128 bf16`

use chipmodel_catalog::Catalog;
use chipmodel_perf::{InferenceConfig, ModelCatalog, estimate_inference_breakdown};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let get = |i: usize, d: &str| a.get(i).cloned().unwrap_or_else(|| d.to_string());
    let model = ModelCatalog::embedded()?.get(&get(0, "llama-2-70b"))?;
    let chip = Catalog::embedded().get(&get(1, "h100"))?;
    let mut cfg = InferenceConfig {
        n_chips: get(2, "8").parse()?,
        batch: get(3, "64").parse()?,
        input_tokens: get(4, "1024").parse()?,
        output_tokens: get(5, "128").parse()?,
        weight_dtype: get(6, "bf16").parse()?,
        ..InferenceConfig::default()
    };
    if let Some(tp) = a.get(7) {
        cfg.tp = Some(tp.parse()?);
    }
    if get(8, "calibrated") == "roofline" {
        cfg.mode = chipmodel_perf::Mode::Roofline;
    }
    let (e, ops) = estimate_inference_breakdown(model, chip, &cfg)?;
    println!(
        "{} on {} × {}: {:?}",
        e.model, e.setup.n_chips, e.chip, e.setup
    );
    println!(
        "fits {} mem/chip {:.1} GB (w {:.1} kv {:.1} act {:.1} res {:.1}) ttft {:.4} s tpot {:.5} s e2e {:.3} s thr {:.0} tok/s static {:.0} bound {:?}",
        e.fits,
        e.memory.total_bytes / 1e9,
        e.memory.weights_bytes / 1e9,
        e.memory.kv_cache_bytes / 1e9,
        e.memory.activation_bytes / 1e9,
        e.memory.reserve_bytes / 1e9,
        e.ttft_s,
        e.tpot_s,
        e.e2e_latency_s,
        e.throughput_tokens_per_s,
        e.static_throughput_tokens_per_s,
        e.bound
    );
    for phase in ["prefill", "decode", "steady"] {
        let total: f64 = ops
            .iter()
            .filter(|o| o.phase == phase)
            .map(|o| o.time_s)
            .sum();
        println!("-- {phase}: {total:.5} s");
        for o in ops.iter().filter(|o| o.phase == phase) {
            println!(
                "   {:<24} x{:<4} {:>10.3} GFLOP {:>9.3} GB {:>8.3} GB link {:>9.3} ms {:>5.1}% {:?}",
                o.op,
                o.count,
                o.flops / 1e9,
                o.bytes / 1e9,
                o.comm_bytes / 1e9,
                o.time_s * 1e3,
                o.time_s / total * 100.0,
                o.bound
            );
        }
    }
    Ok(())
}
