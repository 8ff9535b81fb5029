//! The seed fleet: `cargo run -p chipmodel-fleet --example seed`

use chipmodel_fleet::{Assumptions, Fleet, Group, Workload, equivalent_fleet, sensitivity};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = chipmodel_perf::Catalogs::new(
        chipmodel_catalog::Catalog::embedded().clone(),
        chipmodel_perf::ModelCatalog::embedded()?.clone(),
    );
    let a = Assumptions::defaults()?;
    let fleet = Fleet::new(vec![Group::new(
        "h200",
        400_000.0,
        chipmodel_fleet::Site::Cn,
    )]);
    let w = Workload::new("llama-3.1-70b");
    let r = fleet.report(&data, &a, Some(&w))?;
    println!("{}", serde_json::to_string_pretty(&r.total)?);
    println!("{:?}", r.groups[0].serving);
    for s in sensitivity(&data, &fleet, &a, None, "usd_per_gpu_hour")?
        .iter()
        .take(8)
    {
        println!(
            "{:<28} {:.3} .. {:.3} (base {:.3})",
            s.name, s.at_low, s.at_high, s.base
        );
    }
    let (n, alt) = equivalent_fleet(
        &data,
        &fleet,
        "ascend-910c",
        chipmodel_fleet::Site::Cn,
        &w,
        &a,
    )?;
    println!(
        "ascend-910c equivalent: {n} chips, {:.0} MW, capex {:.2e}, $/Mtok {:?}",
        alt.total.facility_mw,
        alt.total.capex.total(),
        alt.total.usd_per_million_tokens
    );
    Ok(())
}
