//! Every threshold at, just below and just above its boundary; the known outcomes of the
//! reference; and a snapshot of every catalog chip under every rule version.

use std::fmt::Write as _;

use chipmodel_catalog::{Catalog, Chip};
use chipmodel_compliance::{
    ChipMetrics, Metric, Op, ReviewPolicy, RuleSet, classify, classify_metrics, flips, headroom,
    timeline,
};

fn catalog_chip(name: &str) -> &'static Chip {
    Catalog::embedded().get(name).unwrap()
}

fn chip(tpp: f64, pd: Option<f64>, io: Option<f64>, dram: f64, datacenter: bool) -> ChipMetrics {
    ChipMetrics {
        id: "test".into(),
        tpp,
        performance_density: pd,
        io_bandwidth_gbps: io,
        dram_bandwidth_gbps: dram,
        datacenter,
    }
}

fn eccn(rules: &str, c: &ChipMetrics) -> Option<String> {
    let rs = RuleSet::get(rules).unwrap();
    classify_metrics(c, "CN", &rs.effective, Some(&rs), None)
        .unwrap()
        .eccn
}

/// Just below and just above a threshold.
fn around(x: f64) -> (f64, f64) {
    (x * (1.0 - 1e-9), x * (1.0 + 1e-9))
}

#[test]
fn every_boundary_of_every_rule_is_tested_at_below_and_above() {
    // Walk every criterion of every rule version and check the classifier applies its operator
    // exactly at the boundary, where ≥ and > (or < and ≤) differ.
    for rs in RuleSet::all().unwrap() {
        for c in rs.criteria() {
            let (below, above) = around(c.value);
            let expect = |x: f64| match c.op {
                Op::Ge => x >= c.value,
                Op::Gt => x > c.value,
                Op::Le => x <= c.value,
                Op::Lt => x < c.value,
            };
            for x in [below, c.value, above] {
                assert_eq!(
                    c.op.holds(x, c.value),
                    expect(x),
                    "{} {:?} {:?} {} at {x}",
                    rs.id,
                    c.metric,
                    c.op,
                    c.value
                );
            }
        }
    }
}

#[test]
fn oct_2022_needs_both_io_and_tpp_inclusive() {
    let r = "us-2022-10";
    assert_eq!(
        eccn(r, &chip(4800.0, None, Some(600.0), 2000.0, true)).as_deref(),
        Some("3A090.a")
    ); // both at the line
    assert_eq!(
        eccn(r, &chip(4799.99, None, Some(600.0), 2000.0, true)),
        None
    );
    assert_eq!(
        eccn(r, &chip(4800.0, None, Some(599.99), 2000.0, true)),
        None
    );
    assert_eq!(
        eccn(r, &chip(4800.01, None, Some(600.01), 2000.0, true)).as_deref(),
        Some("3A090.a")
    );
    // Missing I/O cannot pass silently.
    let c = classify_metrics(
        &chip(20000.0, None, None, 2000.0, true),
        "CN",
        "2023-01-01",
        Some(&RuleSet::get(r).unwrap()),
        None,
    )
    .unwrap();
    assert!(!c.determined && c.eccn.is_none());
}

#[test]
fn oct_2023_a_and_b_at_their_boundaries() {
    let r = "us-2023-10";
    // a.1: TPP ≥ 4,800
    assert_eq!(
        eccn(r, &chip(4800.0, Some(1.0), None, 1.0, true)).as_deref(),
        Some("3A090.a")
    );
    assert_eq!(eccn(r, &chip(4799.9, Some(1.0), None, 1.0, true)), None);
    // a.2: TPP ≥ 1,600 and PD ≥ 5.92
    assert_eq!(
        eccn(r, &chip(1600.0, Some(5.92), None, 1.0, true)).as_deref(),
        Some("3A090.a")
    );
    assert_eq!(eccn(r, &chip(1599.9, Some(5.92), None, 1.0, true)), None);
    assert_eq!(
        eccn(r, &chip(1600.0, Some(5.9199), None, 1.0, true)).as_deref(),
        Some("3A090.b")
    ); // b.2
    // b.1: 2,400 ≤ TPP < 4,800 and 1.6 ≤ PD < 5.92
    assert_eq!(
        eccn(r, &chip(2400.0, Some(1.6), None, 1.0, true)).as_deref(),
        Some("3A090.b")
    );
    assert_eq!(eccn(r, &chip(2399.9, Some(1.6), None, 1.0, true)), None);
    assert_eq!(eccn(r, &chip(2400.0, Some(1.5999), None, 1.0, true)), None);
    // b.2: TPP ≥ 1,600 and 3.2 ≤ PD < 5.92
    assert_eq!(
        eccn(r, &chip(1600.0, Some(3.2), None, 1.0, true)).as_deref(),
        Some("3A090.b")
    );
    assert_eq!(eccn(r, &chip(1600.0, Some(3.1999), None, 1.0, true)), None);
    // Note 2: not datacenter and TPP < 4,800 → outside; at 4,800 → 3A090.a
    assert_eq!(eccn(r, &chip(4799.9, Some(9.0), None, 1.0, false)), None);
    assert_eq!(
        eccn(r, &chip(4800.0, Some(9.0), None, 1.0, false)).as_deref(),
        Some("3A090.a")
    );
    // PD unknown where it decides: undetermined, never a silent pass.
    let rs = RuleSet::get(r).unwrap();
    let c = classify_metrics(
        &chip(3000.0, None, None, 1.0, true),
        "CN",
        "2024-01-01",
        Some(&rs),
        None,
    )
    .unwrap();
    assert!(!c.determined);
    // PD unknown where it does not decide: TPP alone settles it.
    assert_eq!(
        eccn(r, &chip(5000.0, None, None, 1.0, true)).as_deref(),
        Some("3A090.a")
    );
}

#[test]
fn jan_2026_window_and_tariff_bands_are_strict() {
    let rs = RuleSet::get("us-2026-01").unwrap();
    let policy = |tpp: f64, dram: f64| {
        classify_metrics(
            &chip(tpp, Some(20.0), None, dram, true),
            "CN",
            "2026-02-01",
            Some(&rs),
            None,
        )
        .unwrap()
    };
    assert_eq!(
        policy(20999.9, 6499.9).review_policy,
        ReviewPolicy::CaseByCase
    );
    assert_eq!(
        policy(21000.0, 6000.0).review_policy,
        ReviewPolicy::PresumptionOfDenial
    ); // "less than"
    assert_eq!(
        policy(15000.0, 6500.0).review_policy,
        ReviewPolicy::PresumptionOfDenial
    );
    // Band 1: 14,000 < TPP < 17,500 and 4,500 < DRAM < 5,000, all strict.
    assert!(policy(14000.1, 4500.1).tariff.is_some());
    assert!(policy(14000.0, 4800.0).tariff.is_none());
    assert!(policy(17500.0, 4800.0).tariff.is_none());
    assert!(policy(15000.0, 4500.0).tariff.is_none());
    assert!(policy(15000.0, 5000.0).tariff.is_none());
    // Band 2: 20,800 < TPP < 21,100 and 5,800 < DRAM < 6,200.
    assert!(policy(20800.1, 5800.1).tariff.is_some());
    assert!(policy(20800.0, 6000.0).tariff.is_none());
    assert!(policy(21100.0, 6000.0).tariff.is_none());
    // Before the effective date, no tariff and no window.
    let before = classify_metrics(
        &chip(15832.0, Some(19.4), None, 4800.0, true),
        "CN",
        "2026-01-14",
        Some(&rs),
        None,
    )
    .unwrap();
    assert!(before.tariff.is_none());
}

#[test]
fn known_outcomes_of_the_reference() {
    let status = |c: &str, date: &str| {
        let x = classify(catalog_chip(c), "CN", date, None, None).unwrap();
        (x.eccn.clone(), x.license_required, x.review_policy)
    };
    // A800 and H800: NVLink cut to 400 GB/s kept them outside the 2022 rule; inside the 2023 rule.
    for c in ["a800", "h800"] {
        assert_eq!(status(c, "2023-06-01").0, None, "{c}");
        assert_eq!(status(c, "2023-12-01").0.as_deref(), Some("3A090.a"), "{c}");
    }
    // A100 and H100: controlled from October 2022.
    assert_eq!(status("a100", "2022-11-01").0.as_deref(), Some("3A090.a"));
    // H20 (TPP 2,368 < 2,400; PD 2.91 < 3.2) and RTX 4090D (TPP 4,707 < 4,800, not datacenter):
    // designed to fall outside the 2023 rule.
    assert_eq!(
        status("h20", "2024-01-01"),
        (None, false, ReviewPolicy::None)
    );
    assert_eq!(
        status("rtx-4090d", "2024-01-01"),
        (None, false, ReviewPolicy::None)
    );
    assert_eq!(
        status("rtx-4090", "2024-01-01").0.as_deref(),
        Some("3A090.a")
    );
    // …until the April 2025 letters named the H20.
    assert!(status("h20", "2025-06-01").1);
    // H200 on 2026-02-01: case-by-case with the 25% tariff.
    let h200 = classify(catalog_chip("h200"), "CN", "2026-02-01", None, None).unwrap();
    assert_eq!(h200.review_policy, ReviewPolicy::CaseByCase);
    assert_eq!(
        h200.tariff.as_ref().map(|t| (t.rate, t.band.as_str())),
        Some((0.25, "band-1"))
    );
    assert!(h200.reasons.iter().any(|r| {
        r.text
            .starts_with("TPP 15,832 ≥ 4,800 by 11,032 — 3A090.a.1, 88 FR 73458")
    }));
    // B200: above both lines, still presumption of denial.
    assert_eq!(
        status("b200", "2026-02-01").2,
        ReviewPolicy::PresumptionOfDenial
    );
    // MI325X: the second tariff band.
    assert_eq!(
        classify(catalog_chip("mi325x"), "CN", "2026-02-01", None, None)
            .unwrap()
            .tariff
            .map(|t| t.band),
        Some("band-2".into())
    );
    // Hong Kong is China; Macau only from 2023-01-17 under the 2022 rule.
    assert_eq!(
        classify(catalog_chip("h100"), "HK", "2023-01-01", None, None)
            .unwrap()
            .destination,
        "CN"
    );
    assert!(
        !classify(catalog_chip("h100"), "MO", "2023-01-10", None, None)
            .unwrap()
            .license_required
    );
    assert!(
        classify(catalog_chip("h100"), "MO", "2023-02-01", None, None)
            .unwrap()
            .license_required
    );
    // A D:5-headquartered buyer in Germany still needs a licence (2023 rule).
    let hq = classify(catalog_chip("h100"), "DE", "2024-06-01", None, Some("CN")).unwrap();
    assert!(hq.license_required && hq.review_policy == ReviewPolicy::PresumptionOfDenial);
    assert!(
        !classify(catalog_chip("h100"), "DE", "2024-06-01", None, None)
            .unwrap()
            .license_required
    );
    // Every result says it is not legal advice.
    assert!(h200.disclaimer.starts_with("Not legal advice"));
}

#[test]
fn timeline_what_if_and_headroom() {
    let t = timeline(catalog_chip("h200"), "CN", None).unwrap();
    assert_eq!(t.first().unwrap().date, "2022-10-07");
    assert_eq!(
        t.last().unwrap().classification.review_policy,
        ReviewPolicy::CaseByCase
    );
    let base = RuleSet::get("us-2023-10").unwrap();
    let variant = base.with_line(Metric::Tpp, 4800.0, 3000.0).unwrap();
    let f = flips(
        &base,
        &variant,
        Catalog::embedded().chips(),
        "CN",
        "2024-01-01",
    )
    .unwrap();
    let ids: Vec<&str> = f.iter().map(|x| x.chip.as_str()).collect();
    assert!(
        ids.contains(&"tpu-v5e") && ids.contains(&"rtx-4090d"),
        "{ids:?}"
    );
    assert!(!ids.contains(&"h100-sxm"));
    // The RTX 4090D is 2% under the non-datacenter line; the H20 about 1% under 3A090.b.1.
    let h = headroom(
        catalog_chip("rtx-4090"),
        &RuleSet::get("us-2023-10").unwrap(),
    )
    .unwrap();
    let s = h.scale_to_leave_3a090.unwrap();
    assert!((s * 5284.8 - 4800.0).abs() < 1.0, "{s}");
    let h200 = headroom(catalog_chip("h200"), &RuleSet::get("us-2026-01").unwrap()).unwrap();
    assert!((h200.scale_within_case_by_case.unwrap() * 15832.0 - 21000.0).abs() < 1.0);
    assert!((h200.dram_scale_within_case_by_case.unwrap() * 4800.0 - 6500.0).abs() < 1.0);
    // 2022: the A100's NVLink + PCIe (664 GB/s) must fall under 600 GB/s — the A800's route.
    let a100 = headroom(catalog_chip("a100"), &RuleSet::get("us-2022-10").unwrap()).unwrap();
    assert!((a100.io_scale_to_leave_3a090.unwrap() * 664.0 - 600.0).abs() < 0.01);
}

#[test]
fn errors_are_clear() {
    assert!(
        classify(catalog_chip("h100"), "XX1", "2024-01-01", None, None)
            .unwrap_err()
            .to_string()
            .contains("unknown destination 'XX1'")
    );
    assert!(
        classify(catalog_chip("h100"), "CN", "2024-02-30x", None, None)
            .unwrap_err()
            .to_string()
            .contains("expected YYYY-MM-DD")
    );
    assert!(
        classify(
            catalog_chip("h100"),
            "CN",
            "2024-01-01",
            Some("us-2023-11"),
            None
        )
        .unwrap_err()
        .to_string()
        .contains("did you mean 'us-2023-10'")
    );
    assert!(Catalog::embedded().get("h1000").is_err());
    let before = classify(catalog_chip("h100"), "CN", "2021-01-01", None, None).unwrap();
    assert!(before.rules.is_none() && !before.license_required);
    let bad = RuleSet::from_toml(
        "bad.toml",
        "id = \"x\"\nextends = \"us-2023-10\"\n[[paragraph]]\neccn = \"3A090.a\"\n[[paragraph.clause]]\nid = \"a\"\ncitation = \"c\"\ncriteria = [{ metric = \"tpp\", op = \"=>\", value = 1 }]\n",
    );
    assert!(bad.unwrap_err().to_string().contains("bad.toml"));
}

/// Every catalog chip under every rule version, for China and for Saudi Arabia (D:4, not A:5):
/// ECCN, licence, policy and tariff. A change is a rule-data or logic decision.
#[test]
fn classification_matrix_snapshot() {
    let mut out = String::new();
    writeln!(
        out,
        "rules | dest | chip | eccn | licence | policy | tariff"
    )
    .unwrap();
    for rs in RuleSet::all().unwrap() {
        // The day the version takes effect (Diffusion: while it was enforced).
        let date = rs.effective.clone();
        for dest in ["CN", "SA"] {
            for c in Catalog::embedded().chips() {
                let x =
                    classify_metrics(&ChipMetrics::of(c), dest, &date, Some(&rs), None).unwrap();
                writeln!(
                    out,
                    "{} | {dest} | {} | {} | {} | {} | {}",
                    rs.id,
                    c.id,
                    x.eccn
                        .as_deref()
                        .unwrap_or(if x.determined { "-" } else { "undetermined" }),
                    if x.license_required { "yes" } else { "no" },
                    x.review_policy.as_str(),
                    x.tariff.as_ref().map_or("-".to_string(), |t| format!(
                        "{:.0}% {}",
                        t.rate * 100.0,
                        t.band
                    ))
                )
                .unwrap();
            }
        }
    }
    insta::assert_snapshot!("classification_matrix", out);
}
