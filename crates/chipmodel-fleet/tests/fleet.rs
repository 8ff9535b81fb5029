//! The arithmetic of each output, by hand, on a small fleet; uncertainty reproducibility; errors.

use chipmodel_fleet::{
    Assumptions, Fleet, Group, Workload, crf, equivalent_fleet, monte_carlo, sensitivity,
    serving_throughput,
};

mod common;
use common::catalogs;

fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() < 1e-9
}

#[test]
fn small_h200_fleet_by_hand() {
    let a = Assumptions::defaults().unwrap();
    let r = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)])
        .report(catalogs(), &a, None)
        .unwrap();
    let t = &r.total;
    // Capex: 1,000 × ($27,000 chip + $8,000 server + $6,500 network + $1,000 storage) = $42.5 M IT.
    assert!(close(t.capex.it(), 42.5e6));
    assert_eq!(t.capex.tariff, 0.0); // passthrough 0: in the price
    // Power: 0.7 kW TDP × 2.0 = 1.4 kW IT per chip → 1.4 MW IT, × PUE 1.25 = 1.75 MW.
    assert!(close(t.it_mw, 1.4) && close(t.facility_mw, 1.75));
    // Datacenter: 1.4 MW × $8.2 M/MW = $11.48 M.
    assert!(close(t.capex.datacenter, 11.48e6));
    // Energy: 1.75 MW × 0.75 load × 8,760 h = 11,497.5 MWh.
    assert!(close(t.annual_gwh, 11.4975));
    // Electricity: 11,497,500 kWh × ¥0.50 ÷ 7.1 ¥/$ (no subsidy for Nvidia chips).
    assert!(close(t.opex.electricity, 11_497_500.0 * 0.5 / 7.1));
    // Maintenance 3% of IT capex; facility upkeep 2% of datacenter capex.
    assert!(close(t.opex.maintenance, 0.03 * 42.5e6) && close(t.opex.facility, 0.02 * 11.48e6));
    // Capital charge: annuities at 7% over 4 and 15 years.
    let cc = 42.5e6 * crf(0.07, 4.0) + 11.48e6 * crf(0.07, 15.0);
    assert!(close(t.capital_charge_usd_per_year, cc));
    let tco = cc + t.opex.electricity + t.opex.maintenance + t.opex.facility;
    assert!(close(t.tco_usd_per_year, tco));
    assert!(close(t.tco_horizon_usd, 4.0 * tco));
    // $/GPU-hour: TCO ÷ (1,000 × 8,760); utilized ÷ 0.8.
    assert!(close(t.usd_per_gpu_hour, tco / 8.76e6));
    assert!(close(t.usd_per_gpu_hour_utilized, tco / 8.76e6 / 0.8));
    // Money flows: vendor revenue and the 25% Section 232 tariff on China-bound H200s (2026-02-01).
    assert!(close(t.vendor_revenue_usd, 0.75 * 27e6) && close(t.us_tariff_usd, 0.25 * 27e6));
    // With the tariff passed through to the buyer, the chips cost 25% more and the vendor keeps
    // the full price.
    let passed = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)])
        .report(
            catalogs(),
            &a.with("tariff_passthrough", 1.0).unwrap(),
            None,
        )
        .unwrap();
    assert!(close(passed.total.capex.tariff, 0.25 * 27e6));
    assert!(close(passed.total.vendor_revenue_usd, 27e6));
    assert!(close(t.total_tpp, 1000.0 * 15_832.0));
    assert!(
        close(t.peak_flops_per_s, 1000.0 * 989.4e12)
            && close(t.effective_flops_per_s, 0.8 * 1000.0 * 989.4e12)
    );
    assert!(r.unsourced_assumptions.contains(&"wacc".to_string()));
}

#[test]
fn domestic_chips_get_the_power_subsidy_and_a_software_factor() {
    let a = Assumptions::defaults().unwrap();
    let r = Fleet::new(vec![Group::new(
        "ascend-910c",
        100.0,
        chipmodel_fleet::Site::Cn,
    )])
    .report(catalogs(), &a, None)
    .unwrap();
    let g = &r.groups[0];
    assert!(close(g.it_kw_per_chip, 1.46)); // CloudMatrix 384: 559 kW / 384
    assert_eq!(g.software_efficiency, 0.75);
    assert_eq!(g.tariff_rate, 0.0);
    let kwh = r.total.annual_gwh * 1e6;
    assert!(close(r.total.opex.electricity, kwh * 0.5 / 7.1 * 0.5));
    // In the US: no subsidy, US PUE and prices.
    let us = Fleet::new(vec![Group::new(
        "ascend-910c",
        100.0,
        chipmodel_fleet::Site::Us,
    )])
    .report(catalogs(), &a, None)
    .unwrap();
    assert!(close(
        us.total.opex.electricity,
        us.total.annual_gwh * 1e6 * 0.0826
    ));
}

#[test]
fn tokens_per_day_and_cost_per_token() {
    let a = Assumptions::defaults().unwrap();
    let w = Workload::new("llama-3.1-8b");
    let r = Fleet::new(vec![Group::new("h100", 64.0, chipmodel_fleet::Site::Us)])
        .report(catalogs(), &a, Some(&w))
        .unwrap();
    let g = &r.groups[0];
    let per_chip = g.tokens_per_s_per_chip.unwrap();
    let tps = r.total.tokens_per_s.unwrap();
    assert!(close(tps, per_chip * 64.0 * 0.8));
    assert!(close(r.total.tokens_per_day.unwrap(), tps * 86_400.0));
    assert!(close(
        r.total.usd_per_million_tokens.unwrap(),
        r.total.tco_usd_per_year / (tps * 3600.0 * 8760.0 / 1e6)
    ));
    assert!(close(
        r.total.joules_per_token.unwrap(),
        r.total.facility_mw_avg * 1e6 / tps
    ));
    assert!(g.serving.as_deref().unwrap().contains("best_inference"));
}

#[test]
fn scaling_the_count_scales_the_cost() {
    let a = Assumptions::defaults().unwrap();
    let one = Fleet::new(vec![Group::new("b200", 100.0, chipmodel_fleet::Site::Us)])
        .report(catalogs(), &a, None)
        .unwrap();
    let ten = Fleet::new(vec![Group::new("b200", 1000.0, chipmodel_fleet::Site::Us)])
        .report(catalogs(), &a, None)
        .unwrap();
    assert!(close(
        ten.total.tco_usd_per_year,
        10.0 * one.total.tco_usd_per_year
    ));
    assert!(close(
        ten.total.usd_per_gpu_hour,
        one.total.usd_per_gpu_hour
    ));
}

#[test]
fn equivalent_fleet_matches_tokens() {
    let a = Assumptions::defaults().unwrap();
    let w = Workload::new("llama-3.1-8b");
    let base = Fleet::new(vec![Group::new("h200", 100.0, chipmodel_fleet::Site::Cn)]);
    let (n, alt) = equivalent_fleet(
        catalogs(),
        &base,
        "ascend-910c",
        chipmodel_fleet::Site::Cn,
        &w,
        &a,
    )
    .unwrap();
    let target = base
        .report(catalogs(), &a, Some(&w))
        .unwrap()
        .total
        .tokens_per_day
        .unwrap();
    let got = alt.total.tokens_per_day.unwrap();
    assert!(
        got >= target && got < target * (1.0 + 1.5 / n),
        "{got} vs {target}"
    );
}

#[test]
fn uncertainty_is_reproducible_and_ordered() {
    let a = Assumptions::defaults().unwrap();
    let f = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)]);
    let x = monte_carlo(catalogs(), &f, &a, None, 300, 42).unwrap();
    assert_eq!(x, monte_carlo(catalogs(), &f, &a, None, 300, 42).unwrap());
    assert_ne!(x, monte_carlo(catalogs(), &f, &a, None, 300, 43).unwrap());
    for o in &x.outputs {
        assert!(o.p10 <= o.p50 && o.p50 <= o.p90, "{o:?}");
    }
    let s = sensitivity(catalogs(), &f, &a, None, "usd_per_gpu_hour").unwrap();
    assert!(s.windows(2).all(|w| w[0].swing >= w[1].swing));
    assert!(s.iter().all(|x| x.name != "electricity.us")); // a US price cannot move a Chinese fleet
}

#[test]
fn bad_input_names_the_field() {
    let a = Assumptions::defaults().unwrap();
    let err = |f: Fleet| f.report(catalogs(), &a, None).unwrap_err().to_string();
    assert!(err(Fleet::new(vec![])).contains("at least one group"));
    assert!(
        err(Fleet::new(vec![Group::new(
            "h200",
            f64::NAN,
            chipmodel_fleet::Site::Cn
        )]))
        .contains("invalid count")
    );
    // A site is a Site: "mars" fails where it is read.
    assert!(
        "mars"
            .parse::<chipmodel_fleet::Site>()
            .unwrap_err()
            .to_string()
            .contains("invalid site 'mars'")
    );
    assert!(
        err(Fleet::new(vec![Group::new(
            "h2000",
            10.0,
            chipmodel_fleet::Site::Cn
        )]))
        .contains("unknown chip")
    );
    assert!(
        a.with("wac", 0.05)
            .unwrap_err()
            .to_string()
            .contains("did you mean 'wacc'")
    );
    assert!(
        a.with("wacc", -0.1)
            .unwrap_err()
            .to_string()
            .contains("not negative")
    );
    assert!(
        monte_carlo(
            catalogs(),
            &Fleet::new(vec![Group::new("h200", 1.0, chipmodel_fleet::Site::Cn)]),
            &a,
            None,
            0,
            1
        )
        .is_err()
    );
}

#[test]
fn monte_carlo_progress_threads_and_ranges_do_not_change_the_draws() {
    use chipmodel_fleet::{monte_carlo_draws, monte_carlo_with_progress};
    let a = Assumptions::defaults().unwrap();
    let f = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)]);
    let mut ticks = Vec::new();
    let x = monte_carlo_with_progress(
        catalogs(),
        &f,
        &a,
        None,
        250,
        7,
        1,
        &mut |_, done, total| {
            ticks.push((done, total));
            true
        },
    )
    .unwrap();
    assert_eq!(x, monte_carlo(catalogs(), &f, &a, None, 250, 7).unwrap());
    assert_eq!(
        x,
        monte_carlo_with_progress(catalogs(), &f, &a, None, 250, 7, 2, &mut |_, _, _| true)
            .unwrap()
    );
    // blocks of 64 draws (at least 64 so that each block keeps the threads busy)
    assert_eq!(
        ticks,
        [(0, 250), (64, 250), (128, 250), (192, 250), (250, 250)]
    );
    // any split of the draws gives the same columns
    let whole = monte_carlo_draws(catalogs(), &f, &a, None, 7, 0..250, 2).unwrap();
    assert_eq!(whole, x.draws);
    let (p, q) = (
        monte_carlo_draws(catalogs(), &f, &a, None, 7, 0..99, 1).unwrap(),
        monte_carlo_draws(catalogs(), &f, &a, None, 7, 99..250, 2).unwrap(),
    );
    for ((name, w), ((_, a1), (_, a2))) in whole.iter().zip(p.iter().zip(&q)) {
        let joined: Vec<f64> = a1.iter().chain(a2).copied().collect();
        assert_eq!(&joined, w, "{name}");
    }
    let (start, stop) = (5, 4);
    assert!(monte_carlo_draws(catalogs(), &f, &a, None, 7, start..stop, 1).is_err());
}

#[test]
fn a_workload_batch_cap_reads_from_toml_and_caps_the_serving_batch() {
    let w = Workload::from_value(toml::from_str("model = 'llama-3.1-8b'\nmax_batch = 8").unwrap())
        .unwrap();
    assert_eq!(w.max_batch, Some(8));
    let e = Workload::from_value(toml::from_str("model = 'llama-3.1-8b'\nmax_batch = 0").unwrap())
        .unwrap_err();
    assert_eq!(e.field, "max_batch");
    let data = catalogs();
    let model = data.model("llama-3.1-8b").unwrap();
    let chip = data.chip("h200").unwrap();
    let (free, _) = serving_throughput(model, chip, &Workload::new("llama-3.1-8b")).unwrap();
    let (capped, how) = serving_throughput(model, chip, &w).unwrap();
    assert!(capped < free, "{capped} vs {free}");
    assert!(
        how.contains("batch 8") || how.contains("b8") || how.contains("8"),
        "{how}"
    );
}

#[test]
fn a_workload_names_its_serving_engine() {
    let w =
        Workload::from_value(toml::from_str("model = 'llama-3.1-8b'\nengine = 'vllm'").unwrap())
            .unwrap();
    let e = Workload::from_value(toml::from_str("model = 'llama-3.1-8b'\nengine = 'tgi'").unwrap())
        .unwrap_err();
    assert_eq!(e.field, "engine");
    assert!(e.message.contains("unknown engine"), "{}", e.message);
    let data = catalogs();
    let (model, chip) = (
        data.model("llama-3.1-8b").unwrap(),
        data.chip("h200").unwrap(),
    );
    let (ideal, _) = serving_throughput(model, chip, &Workload::new("llama-3.1-8b")).unwrap();
    let (vllm, how) = serving_throughput(model, chip, &w).unwrap();
    assert!(vllm <= ideal, "{vllm} vs {ideal}");
    assert!(how.contains("engine vllm V1"), "{how}");
}
