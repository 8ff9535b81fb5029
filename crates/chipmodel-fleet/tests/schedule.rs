//! Deployment schedules and export shocks, by hand.

use chipmodel_fleet::{Assumptions, Delivery, Fleet, Group, Workload, export_shock, schedule};

mod common;
use common::catalogs;

fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() < 1e-9
}

fn ramp(chip: &str, per_quarter: &[(&str, f64)]) -> Group {
    let mut g = Group::new(
        chip,
        per_quarter.iter().map(|d| d.1).sum(),
        chipmodel_fleet::Site::Cn,
    );
    g.deliveries = per_quarter
        .iter()
        .map(|(q, n)| Delivery {
            quarter: q.to_string(),
            count: *n,
        })
        .collect();
    g
}

#[test]
fn schedule_by_hand() {
    let a = Assumptions::defaults().unwrap();
    let f = Fleet::new(vec![ramp(
        "h200",
        &[("2026-Q1", 400.0), ("2026-Q2", 600.0)],
    )]);
    let full = f.report(catalogs(), &a, None).unwrap().total;
    let rows = schedule(catalogs(), &f, &a, None).unwrap();
    let q: Vec<&str> = rows.iter().map(|r| r.quarter.as_str()).collect();
    assert_eq!(q, ["2026-Q1", "2026-Q2", "2026-Q3"]);
    // Capex per chip: $42,500 IT + 1.4 kW × $8.2 M/MW data centre = $53,980.
    assert!(close(rows[0].capex_usd, 400.0 * 53_980.0));
    assert!(close(rows[1].capex_usd, 600.0 * 53_980.0));
    assert!(close(rows[2].cumulative_capex_usd, full.capex.total()));
    assert_eq!(rows[2].capex_usd, 0.0);
    // Delivered chips serve from the next quarter.
    assert_eq!(
        (rows[0].in_service, rows[1].in_service, rows[2].in_service),
        (0.0, 400.0, 1000.0)
    );
    assert!(close(rows[1].facility_mw, 400.0 * 1.4e-3 * 1.25));
    assert!(close(rows[1].cost_usd, full.tco_usd_per_year * 0.4 / 4.0));
    assert!(close(rows[2].cost_usd, full.tco_usd_per_year / 4.0));
    assert!(rows[0].tokens_per_day.is_none());
}

#[test]
fn schedule_with_a_workload_ramps_tokens() {
    let a = Assumptions::defaults().unwrap();
    let w = Workload::new("llama-3.1-70b");
    let f = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)]); // all in 2026-Q1
    let full = f.report(catalogs(), &a, Some(&w)).unwrap().total;
    let rows = schedule(catalogs(), &f, &a, Some(&w)).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].tokens_per_day, Some(0.0));
    assert!(close(
        rows[1].tokens_per_day.unwrap(),
        full.tokens_per_day.unwrap()
    ));
}

#[test]
fn deliveries_must_add_up() {
    let mut g = ramp("h200", &[("2026-Q1", 400.0)]);
    g.count = 500.0;
    let e = Fleet::new(vec![g])
        .validate(catalogs())
        .unwrap_err()
        .to_string();
    assert!(e.contains("deliveries") && e.contains("500"), "{e}");
    let e = Fleet::new(vec![ramp("h200", &[("2026-Q5", 4.0)])])
        .validate(catalogs())
        .unwrap_err()
        .to_string();
    assert!(e.contains("2026-Q5"), "{e}");
}

#[test]
fn export_shock_by_hand() {
    let a = Assumptions::defaults().unwrap();
    let w = Workload::new("llama-3.1-70b");
    let quarters = [
        ("2026-Q1", 100_000.0),
        ("2026-Q2", 100_000.0),
        ("2026-Q3", 100_000.0),
        ("2026-Q4", 100_000.0),
    ];
    let f = Fleet::new(vec![ramp("h200", &quarters)]);
    let h200 = ["h200".to_string()];
    // Cut on 2026-07-01: Q3 and Q4 deliveries are cancelled.
    let s = export_shock(
        catalogs(),
        &f,
        &a,
        Some(&w),
        "2026-07-01",
        &h200,
        Some(("ascend-910c", chipmodel_fleet::Site::Cn)),
    )
    .unwrap();
    assert_eq!(s.cut, vec![("h200-sxm".to_string(), 200_000.0)]);
    assert_eq!(s.fleet.groups[0].count, 200_000.0);
    let full = f
        .report(catalogs(), &a, Some(&w))
        .unwrap()
        .total
        .tokens_per_day
        .unwrap();
    let kept = s.report.total.tokens_per_day.unwrap();
    assert!(close(s.tokens_per_day_lost.unwrap(), full - kept));
    assert!(close(kept, full / 2.0));
    let (chip, n, r) = s.replacement.as_ref().unwrap();
    assert_eq!(chip, "ascend-910c");
    // The Ascend 910Cs that make the lost half of the seed fleet's tokens at this test's
    // offline workload (no latency targets): each engine's offline schedule.
    assert!((*n - 518_312.0).abs() <= 1.0, "{n}");
    assert!(r.total.tokens_per_day.unwrap() >= s.tokens_per_day_lost.unwrap());
    assert_eq!(s.schedule.last().unwrap().installed, 200_000.0);
    // A cut in mid-quarter lets that quarter deliver: 2026-05-15 also cuts Q3 and Q4.
    let mid = export_shock(catalogs(), &f, &a, None, "2026-05-15", &h200, None).unwrap();
    assert_eq!(mid.cut[0].1, 200_000.0);
    // A cut on a quarter's first day cancels that quarter too.
    let apr = export_shock(catalogs(), &f, &a, None, "2026-04-01", &h200, None).unwrap();
    assert_eq!(apr.cut[0].1, 300_000.0);
    // Other chips are untouched; a cut before everything is refused.
    let other = export_shock(
        catalogs(),
        &f,
        &a,
        None,
        "2026-04-01",
        &["b200".to_string()],
        None,
    )
    .unwrap();
    assert!(other.cut.is_empty() && other.fleet == f);
    let e = export_shock(catalogs(), &f, &a, None, "2025-01-01", &h200, None).unwrap_err();
    assert!(e.to_string().contains("every chip"), "{e}");
    let e = export_shock(catalogs(), &f, &a, None, "2026-13-01", &h200, None).unwrap_err();
    assert!(e.to_string().contains("2026-13-01"), "{e}");
}
