//! Fleet economics for AI accelerators: what a fleet costs and delivers.
//!
//! A [`Fleet`] is groups of chips at sites; [`Assumptions`] hold every economic input with a
//! default, a range and a source (`data/assumptions.toml`; unsourced values are marked and listed
//! in every report). [`Fleet::report`] gives capex by item, IT and facility megawatts, energy,
//! opex, annualized capital charge, TCO, $/GPU-hour, peak and effective FLOP/s, total TPP and the
//! money flows (vendor revenue, the US tariff from the compliance rules in force); with a
//! [`Workload`], tokens per second and per day, $/million tokens and joules per token from the
//! performance model. [`equivalent_fleet`], [`monte_carlo`] and [`sensitivity`] answer the
//! comparison and uncertainty questions. Formulas: `docs/fleet.md`.
//!
//! # Examples
//!
//! ```
//! use chipmodel_fleet::{Assumptions, Fleet, Group};
//! let data = chipmodel_perf::Catalogs::new(
//!     chipmodel_catalog::Catalog::embedded().clone(),
//!     chipmodel_perf::ModelCatalog::embedded()?.clone(),
//! );
//!
//! // The approved H200s: 400,000 chips sited in China.
//! let fleet = Fleet::new(vec![Group::new("h200", 400_000.0, chipmodel_fleet::Site::Cn)]);
//! let r = fleet.report(&data, &Assumptions::defaults()?, None)?;
//! // 400,000 × 1.4 kW = 560 MW of IT, × PUE 1.25 = 700 MW of facility.
//! assert!((r.total.it_mw - 560.0).abs() < 1e-6);
//! assert!((r.total.facility_mw - 700.0).abs() < 1e-6);
//! // The 25% Section 232 tariff on 400,000 × $27,000.
//! assert!((r.total.us_tariff_usd - 0.25 * 27_000.0 * 400_000.0).abs() < 1.0);
//! # Ok::<(), chipmodel_fleet::FleetError>(())
//! ```

mod analysis;
mod assumptions;
mod error;
mod fleet;
mod input;
mod plan;
mod scenario;
mod schedule;
mod site;
mod units;

pub use analysis::{
    MonteCarlo, Percentiles, Progress, Sensitivity, equivalent_fleet, monte_carlo,
    monte_carlo_draws, monte_carlo_with_progress, sensitivity,
};
pub use assumptions::{Assumption, Assumptions};
pub use error::FleetError;
pub use fleet::{
    Capex, EngineChoice, Figures, Fleet, FleetReport, Group, GroupReport, Opex, Workload, crf,
    serving_throughput,
};
pub use plan::{
    Allocation, AllocationProblem, Assignment, CapResult, Demand, DemandResult, HybridPlan,
    PlanInput, PlannedOption, Supply, SupplyOption, SupplyResult, WorkloadDemand, plan_hybrid,
    solve_allocation,
};
pub use scenario::{
    ComplianceRow, Equivalent, PlanOutcome, SCENARIOS, SEED_SCENARIO, Scenario, ScenarioResult,
    Shock, run_scenario, run_scenario_with_progress,
};
pub use schedule::{Delivery, QuarterRow, ShockResult, export_shock, schedule};
pub use site::Site;
pub use units::HOURS_PER_YEAR;
