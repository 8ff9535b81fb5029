//! The hybrid planner: textbook LPs solved by hand (optimum and shadow prices), infeasible and bad
//! inputs, and the seed story (400,000 approved H200s in China, Ascend 910C for the rest).

use chipmodel_fleet::{
    AllocationProblem, Assumptions, Demand, FleetError, PlanInput, Supply, SupplyOption, Workload,
    WorkloadDemand, plan_hybrid, solve_allocation,
};

mod common;
use common::catalogs;

fn close(a: f64, b: f64, rel: f64) -> bool {
    if b == 0.0 {
        a.abs() < rel
    } else {
        ((a - b) / b).abs() < rel
    }
}

#[track_caller]
fn assert_close(a: f64, b: f64, rel: f64) {
    assert!(
        close(a, b, rel),
        "{a} is not within {rel} (relative) of {b}"
    );
}

/// Two options, two workloads; W2 may run only on A (say, a model that must run on imported
/// chips), and A is capped at 10 chips.
///
/// | option | USD/year | capex USD | MW    | cap | tokens/day on W1 | on W2 |
/// |--------|----------|-----------|-------|-----|------------------|-------|
/// | A      | 100      | 1,000     | 0.001 | 10  | 4                | 2     |
/// | B      | 300      | 2,000     | 0.002 | —   | 6                | —     |
///
/// Demands: W1 48 tokens/day, W2 10 tokens/day.
///
/// Primal: A is the cheaper way to make W1 tokens (100/4 = 25 vs 300/6 = 50 USD/year per
/// token/day), so all 10 A chips are bought. W2 needs 10/2 = 5 of them; the other 5 make
/// 5 × 4 = 20 W1 tokens; B makes the remaining 28: 28/6 = 14/3 chips.
/// TCO = 10 × 100 + 14/3 × 300 = 1,000 + 1,400 = 2,400 USD/year;
/// capex = 10,000 + 14/3 × 2,000 = 19,333.33 USD; power = 0.010 + 14/3 × 0.002 = 0.019333 MW.
///
/// Dual (π_j: USD/year per token/day of W_j; u_A: USD/year saved per extra A chip): every
/// variable in the basis has zero reduced cost, `cost_i = rate_ij π_j − u_i`:
/// - B on W1: 300 = 6 π₁ → π₁ = 50;
/// - A on W1: 100 = 4 π₁ − u_A → u_A = 100;
/// - A on W2: 100 = 2 π₂ − u_A → π₂ = 100.
///
/// Check by hand: one more W2 token/day takes half an A chip from W1, whose 2 tokens B replaces
/// with 1/3 chip = 100 USD/year. One more A chip makes 4 W1 tokens, saving 2/3 of a B chip (200)
/// at a cost of 100: saves 100 USD/year.
fn textbook() -> AllocationProblem {
    AllocationProblem::new(
        vec![
            SupplyOption::new("A", 100.0, 1000.0, 0.001).with_max_count(10.0),
            SupplyOption::new("B", 300.0, 2000.0, 0.002),
        ],
        vec![Demand::new("W1", 48.0), Demand::new("W2", 10.0)],
        vec![vec![Some(4.0), Some(2.0)], vec![Some(6.0), None]],
    )
}

const REL: f64 = 1e-6;

#[test]
fn textbook_optimum_and_shadow_prices() {
    let a = solve_allocation(&textbook()).unwrap();
    // Counts per (option, workload) and per option.
    assert_close(a.chips[0][0], 5.0, REL);
    assert_close(a.chips[0][1], 5.0, REL);
    assert_close(a.chips[1][0], 14.0 / 3.0, REL);
    assert_eq!(a.chips[1][1], 0.0);
    assert_close(a.supplies[0].chips, 10.0, REL);
    assert_close(a.supplies[1].chips, 14.0 / 3.0, REL);
    assert_close(a.total_chips, 10.0 + 14.0 / 3.0, REL);
    // Totals.
    assert_close(a.tco_usd_per_year, 2400.0, REL);
    assert_close(a.capex_usd, 10_000.0 + 14.0 / 3.0 * 2000.0, REL);
    assert_close(a.facility_mw, 0.01 + 14.0 / 3.0 * 0.002, REL);
    // Shadow prices.
    assert_close(a.demands[0].usd_per_year_per_token_per_day, 50.0, REL);
    assert_close(a.demands[1].usd_per_year_per_token_per_day, 100.0, REL);
    assert_close(
        a.demands[0].usd_per_year_per_million_tokens_per_day,
        50.0e6,
        REL,
    );
    assert_close(
        a.demands[0].marginal_usd_per_million_tokens,
        50.0e6 / 365.0,
        REL,
    );
    assert_close(a.supplies[0].usd_per_year_saved_per_extra_chip, 100.0, REL);
    assert_eq!(a.supplies[1].usd_per_year_saved_per_extra_chip, 0.0);
    // What binds.
    assert!(a.supplies[0].cap_binding && !a.supplies[1].cap_binding);
    assert!(a.demands.iter().all(|d| d.binding));
    assert_eq!(a.binding, vec!["demand W1", "demand W2", "supply A"]);
    assert!(a.power.is_none() && a.budget.is_none());
    // The named entries.
    assert_eq!(a.assignments.len(), 3);
    assert_eq!(
        (
            a.assignments[2].option.as_str(),
            a.assignments[2].workload.as_str()
        ),
        ("B", "W1")
    );
    assert_close(a.assignments[2].tokens_per_day, 28.0, REL);
    // Strong duality: TCO = Σ π_j d_j − Σ u_i cap_i = 50·48 + 100·10 − 100·10 = 2,400.
    let dual_objective = a
        .demands
        .iter()
        .map(|d| d.usd_per_year_per_token_per_day * d.tokens_per_day)
        .sum::<f64>()
        - a.supplies[0].usd_per_year_saved_per_extra_chip * 10.0;
    assert_close(dual_objective, a.tco_usd_per_year, REL);
}

#[test]
fn shadow_prices_match_finite_differences() {
    let base = solve_allocation(&textbook()).unwrap().tco_usd_per_year;
    let mut more_w2 = textbook();
    more_w2.demands[1].tokens_per_day += 1.0;
    assert_close(
        solve_allocation(&more_w2).unwrap().tco_usd_per_year - base,
        100.0,
        1e-5,
    );
    let mut more_a = textbook();
    more_a.options[0].max_count = Some(11.0);
    assert_close(
        base - solve_allocation(&more_a).unwrap().tco_usd_per_year,
        100.0,
        1e-5,
    );
}

/// One workload, 10 tokens/day; A: 100 USD/year, 1 MW (and 1 USD capex), B: 150 USD/year,
/// 0.5 MW (0.5 USD); both make 1 token/day. A cap of 7 (MW, or USD) forces a mix:
/// a + b = 10, a + 0.5 b = 7 → b = 6, a = 4; TCO = 400 + 900 = 1,300.
/// Duals (μ: USD/year saved per unit of the cap): A: 100 = π − μ, B: 150 = π − 0.5 μ
/// → μ = 100, π = 200.
fn capped(power: bool) -> AllocationProblem {
    let (a_mw, b_mw, a_capex, b_capex) = if power {
        (1.0, 0.5, 0.0, 0.0)
    } else {
        (0.0, 0.0, 1.0, 0.5)
    };
    let mut p = AllocationProblem::new(
        vec![
            SupplyOption::new("A", 100.0, a_capex, a_mw),
            SupplyOption::new("B", 150.0, b_capex, b_mw),
        ],
        vec![Demand::new("W", 10.0)],
        vec![vec![Some(1.0)], vec![Some(1.0)]],
    );
    if power {
        p.power_cap_mw = Some(7.0);
    } else {
        p.budget_usd = Some(7.0);
    }
    p
}

#[test]
fn power_cap_and_budget_shadow_prices() {
    for power in [true, false] {
        let a = solve_allocation(&capped(power)).unwrap();
        assert_close(a.supplies[0].chips, 4.0, REL);
        assert_close(a.supplies[1].chips, 6.0, REL);
        assert_close(a.tco_usd_per_year, 1300.0, REL);
        assert_close(a.demands[0].usd_per_year_per_token_per_day, 200.0, REL);
        let (cap, other) = if power {
            (a.power.as_ref().unwrap(), &a.budget)
        } else {
            (a.budget.as_ref().unwrap(), &a.power)
        };
        assert!(other.is_none());
        assert!(cap.binding);
        assert_close(cap.used, 7.0, REL);
        assert_close(cap.usd_per_year_saved_per_unit, 100.0, REL);
        assert!(
            a.binding
                .contains(&(if power { "power" } else { "budget" }).to_string())
        );
    }
    // A cap that does not bind has no price.
    let mut loose = capped(true);
    loose.power_cap_mw = Some(100.0);
    let a = solve_allocation(&loose).unwrap();
    let power = a.power.unwrap();
    assert!(!power.binding && power.usd_per_year_saved_per_unit == 0.0);
    assert_close(a.tco_usd_per_year, 1000.0, REL);
    assert_eq!(a.chips[1][0], 0.0);
}

fn invalid_parts(e: &FleetError) -> (&str, &str, &str) {
    match e {
        FleetError::Invalid {
            field,
            value,
            message,
        } => (field, value, message),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn infeasible_parts(e: &FleetError) -> (&str, &str, &str) {
    match e {
        FleetError::Infeasible {
            field,
            value,
            message,
        } => (field, value, message),
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

#[test]
fn infeasible_names_the_workload() {
    // W2 needs 15 A chips alone; only 10 are allowed.
    let mut p = textbook();
    p.demands[1].tokens_per_day = 30.0;
    let e = solve_allocation(&p).unwrap_err();
    let (field, value, message) = infeasible_parts(&e);
    assert_eq!(field, "plan");
    assert_eq!(value, "'W2'");
    assert!(message.contains("demand for workload 'W2'"), "{message}");
    assert!(message.contains("2.000000e1"), "{message}"); // at most 10 × 2 tokens/day
}

#[test]
fn infeasible_together_says_so() {
    // Each workload alone fits in A's 10 chips (5 and 6); together they need 11.
    let p = AllocationProblem::new(
        vec![SupplyOption::new("A", 100.0, 1000.0, 0.001).with_max_count(10.0)],
        vec![Demand::new("W1", 20.0), Demand::new("W2", 12.0)],
        vec![vec![Some(4.0), Some(2.0)]],
    );
    let e = solve_allocation(&p).unwrap_err();
    let (field, _, message) = infeasible_parts(&e);
    assert_eq!(field, "plan");
    assert!(message.contains("together"), "{message}");
    // A power cap can make it infeasible too.
    let mut p = capped(true);
    p.power_cap_mw = Some(4.0); // 10 tokens need at least 5 MW (all B)
    let e = solve_allocation(&p).unwrap_err();
    assert!(e.to_string().contains("demand for workload 'W'"), "{e}");
}

#[test]
fn bad_inputs_name_the_field_and_value() {
    type Edit = Box<dyn Fn(&mut AllocationProblem)>;
    let cases: Vec<(Edit, &str, &str)> = vec![
        (
            Box::new(|p| p.options[0].cost_usd_per_year_per_chip = -1.0),
            "options.cost_usd_per_year_per_chip",
            "-1",
        ),
        (
            Box::new(|p| p.options[1].capex_usd_per_chip = f64::NAN),
            "options.capex_usd_per_chip",
            "NaN",
        ),
        (
            Box::new(|p| p.options[0].max_count = Some(-3.0)),
            "options.max_count",
            "-3",
        ),
        (
            Box::new(|p| p.demands[0].tokens_per_day = f64::INFINITY),
            "demands.tokens_per_day",
            "inf",
        ),
        (
            Box::new(|p| p.tokens_per_day_per_chip[1][0] = Some(-6.0)),
            "tokens_per_day_per_chip",
            "-6",
        ),
        (
            Box::new(|p| {
                p.tokens_per_day_per_chip.pop();
            }),
            "tokens_per_day_per_chip",
            "1 rows",
        ),
        (
            Box::new(|p| {
                p.tokens_per_day_per_chip[0].pop();
            }),
            "tokens_per_day_per_chip",
            "1 columns",
        ),
        (
            // No option may serve W2.
            Box::new(|p| p.tokens_per_day_per_chip[0][1] = Some(0.0)),
            "demands",
            "'W2'",
        ),
        (
            Box::new(|p| p.options[1].name = "A".into()),
            "options.name",
            "'A'",
        ),
        (
            Box::new(|p| p.power_cap_mw = Some(-1.0)),
            "power_cap_mw",
            "-1",
        ),
        (
            Box::new(|p| p.budget_usd = Some(f64::NAN)),
            "budget_usd",
            "NaN",
        ),
        (Box::new(|p| p.demands.clear()), "demands", "[]"),
    ];
    for (edit, field, value) in cases {
        let mut p = textbook();
        edit(&mut p);
        let e = solve_allocation(&p).unwrap_err();
        let (f, v, _) = invalid_parts(&e);
        assert_eq!((f, v), (field, value), "{e}");
    }
}

#[test]
fn zero_demand_and_zero_cap() {
    let mut p = textbook();
    p.demands[0].tokens_per_day = 0.0;
    p.options[0].max_count = Some(5.0);
    let a = solve_allocation(&p).unwrap();
    // W2 takes exactly the 5 A chips; nothing else is bought.
    assert_close(a.supplies[0].chips, 5.0, REL);
    assert_eq!(a.supplies[1].chips, 0.0);
    assert_close(a.tco_usd_per_year, 500.0, REL);
}

fn seed_input() -> PlanInput {
    PlanInput::new(
        vec![
            Supply::new("h200", chipmodel_fleet::Site::Cn, Some(400_000.0)),
            Supply::new("ascend-910c", chipmodel_fleet::Site::Cn, None),
        ],
        // 400,000 H200s make about 4.03e13 tokens/day of Llama 3.1 70B; ask for 6e13.
        vec![WorkloadDemand::new(Workload::new("llama-3.1-70b"), 6e13)],
    )
}

#[test]
fn seed_story_h200_cap_binds() {
    let a = Assumptions::defaults().unwrap();
    let plan = plan_hybrid(catalogs(), &seed_input(), &a).unwrap();
    let (h, s) = (&plan.options[0], &plan.allocation.supplies[0]);
    let (asc, s_asc) = (&plan.options[1], &plan.allocation.supplies[1]);
    let d = &plan.allocation.demands[0];
    println!("options: {:#?}", plan.options);
    println!("supplies: {:#?}", plan.allocation.supplies);
    println!("demand: {d:#?}");
    println!(
        "total: chips {} tco {} capex {} mw {} binding {:?}",
        plan.allocation.total_chips,
        plan.allocation.tco_usd_per_year,
        plan.allocation.capex_usd,
        plan.allocation.facility_mw,
        plan.allocation.binding
    );
    assert_eq!(
        (h.name.as_str(), asc.name.as_str()),
        ("h200-sxm@cn", "ascend-910c@cn")
    );
    assert_eq!(plan.workloads, vec!["llama-3.1-70b"]);
    // H200 makes tokens cheaper: all 400,000 are bought and the cap binds.
    assert!(
        h.tco_usd_per_year_per_chip / h.tokens_per_day_per_chip[0].unwrap()
            < asc.tco_usd_per_year_per_chip / asc.tokens_per_day_per_chip[0].unwrap()
    );
    assert!(s.cap_binding && !s_asc.cap_binding);
    assert_close(s.chips, 400_000.0, 1e-6);
    assert!(s.usd_per_year_saved_per_extra_chip > 0.0);
    assert_eq!(
        plan.allocation.binding,
        vec!["demand llama-3.1-70b", "supply h200-sxm@cn"]
    );
    // The Ascends make the rest.
    let rest = 6e13 - 400_000.0 * h.tokens_per_day_per_chip[0].unwrap();
    assert_close(
        s_asc.chips,
        rest / asc.tokens_per_day_per_chip[0].unwrap(),
        1e-6,
    );
    // Shadow prices by hand: the Ascend is the marginal chip, so a token/day costs its TCO per
    // token/day; an extra H200 saves the Ascends it replaces less its own TCO.
    let pi = asc.tco_usd_per_year_per_chip / asc.tokens_per_day_per_chip[0].unwrap();
    assert_close(d.usd_per_year_per_token_per_day, pi, 1e-6);
    assert_close(
        s.usd_per_year_saved_per_extra_chip,
        pi * h.tokens_per_day_per_chip[0].unwrap() - h.tco_usd_per_year_per_chip,
        1e-6,
    );
    assert_close(
        h.extra_chip_value_usd_over_horizon,
        4.0 * s.usd_per_year_saved_per_extra_chip,
        1e-12,
    );
    assert_close(
        plan.tco_horizon_usd,
        4.0 * plan.allocation.tco_usd_per_year,
        1e-12,
    );
    // The H200 group's per-chip figures match the fleet model (tests/fleet.rs, seed scenario):
    // 400,000 chips: TCO $6.4488B/year, 700 MW, 3.7383e13 tokens/day (TensorRT-LLM's offline
    // schedule, no latency target; 141 GiB as the device sees it).
    assert_close(s.tco_usd_per_year, 6.4488e9, 1e-3);
    assert_close(s.facility_mw, 700.0, 1e-6);
    assert_close(
        400_000.0 * h.tokens_per_day_per_chip[0].unwrap(),
        3.7383e13,
        1e-3,
    );
    // Measured at the default assumptions (printed above).
    assert_close(s.usd_per_year_saved_per_extra_chip, 26_168.8, 1e-3);
    assert_close(h.extra_chip_value_usd_over_horizon, 104_675.3, 1e-3);
    assert_close(s_asc.chips, 627_169.6, 1e-3);
    assert_close(plan.allocation.tco_usd_per_year, 1.66833e10, 1e-3);
    assert_close(plan.allocation.facility_mw, 1844.58, 1e-3);
    assert_close(d.marginal_usd_per_million_tokens, 1.23977, 1e-3);
    assert_eq!(
        asc.extra_chip_value_usd_over_horizon.to_bits(),
        0.0f64.to_bits()
    );
}

#[test]
fn plan_hybrid_bad_inputs() {
    let a = Assumptions::defaults().unwrap();
    // A bad site is refused where it is read (a Supply's site is a Site).
    let e =
        Supply::from_value(toml::from_str("chip = 'h200'\nsite = 'mars'").unwrap()).unwrap_err();
    assert_eq!(e.field, "site");
    assert!(e.message.contains("unknown value 'mars'"), "{}", e.message);

    let mut dup = seed_input();
    dup.supplies[1] = Supply::new("H200", chipmodel_fleet::Site::Cn, None);
    let e = plan_hybrid(catalogs(), &dup, &a).unwrap_err();
    assert!(e.to_string().contains("h200-sxm@cn"), "{e}");

    let mut not_supplied = seed_input();
    not_supplied.demands[0] = not_supplied.demands[0].clone().only_on(&["h20"]);
    let e = plan_hybrid(catalogs(), &not_supplied, &a).unwrap_err();
    assert!(e.to_string().contains("demands.allowed_chips 'h20'"), "{e}");

    let mut unknown = seed_input();
    unknown.supplies[0].chip = "h2000".into();
    assert!(plan_hybrid(catalogs(), &unknown, &a).is_err());

    let mut horizon = seed_input();
    horizon.horizon_years = 0.0;
    let e = plan_hybrid(catalogs(), &horizon, &a).unwrap_err();
    assert!(e.to_string().contains("horizon_years"), "{e}");
}

#[test]
fn plan_hybrid_restricted_workload_is_infeasible_past_the_cap() {
    // The frontier model must run on imported chips: on the H200 alone, 6e13 tokens/day need more
    // than 400,000 of them.
    let mut input = seed_input();
    input.demands[0] = input.demands[0].clone().only_on(&["h200"]);
    let e = plan_hybrid(catalogs(), &input, &Assumptions::defaults().unwrap()).unwrap_err();
    assert!(
        e.to_string()
            .contains("demand for workload 'llama-3.1-70b'"),
        "{e}"
    );
}

#[test]
fn a_small_workload_beside_a_large_one_keeps_its_precision() {
    // 1e14 tokens/day on W1 (1e6 chips of A) beside 3 tokens/day on W2 (1.5 chips of A).
    let p = AllocationProblem::new(
        vec![SupplyOption::new("A", 16_000.0, 54_000.0, 0.00175)],
        vec![Demand::new("W1", 1e14), Demand::new("W2", 3.0)],
        vec![vec![Some(1e8), Some(2.0)]],
    );
    let a = solve_allocation(&p).unwrap();
    assert_close(a.chips[0][0], 1e6, REL);
    assert_close(a.chips[0][1], 1.5, REL);
    assert_close(a.demands[1].usd_per_year_per_token_per_day, 8_000.0, REL);
    assert_close(a.demands[0].usd_per_year_per_token_per_day, 1.6e-4, REL);
}
