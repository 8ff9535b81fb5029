//! Prints a classification: `cargo run -p chipmodel-compliance --example classify -- h200 CN 2026-02-01`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let get = |i: usize, d: &str| a.get(i).cloned().unwrap_or_else(|| d.to_string());
    let c = chipmodel_compliance::classify(
        chipmodel_catalog::Catalog::embedded().get(&get(0, "h200"))?,
        &get(1, "CN"),
        &get(2, "2026-02-01"),
        a.get(3).map(String::as_str).filter(|s| !s.is_empty()),
        None,
    )?;
    println!("{}", c.summary());
    for d in &c.decision {
        println!("  - {d}");
    }
    for r in &c.reasons {
        println!("    · {}", r.text);
    }
    for u in &c.uncertain {
        println!("  ⚠ {u}");
    }
    println!("  {}", c.disclaimer);
    Ok(())
}
