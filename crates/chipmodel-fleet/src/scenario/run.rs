//! Running a scenario: every part it asks for, in one result.

use chipmodel_perf::Catalogs;
use serde::{Deserialize, Serialize};

use super::Scenario;
use crate::analysis::{
    MonteCarlo, Progress, Sensitivity, equivalent_fleet, monte_carlo_with_progress,
    report_progress, sensitivity,
};
use crate::schedule::{QuarterRow, ShockResult, export_shock, schedule};
use crate::{FleetError, FleetReport};

/// One chip on one date for one destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceRow {
    /// Chip id.
    pub chip: String,
    /// Destination.
    pub destination: String,
    /// Date.
    pub date: String,
    /// Rule version in force.
    pub rules: Option<String>,
    /// ECCN, if controlled.
    pub eccn: Option<String>,
    /// Whether the rules decide the case with the data we have.
    pub determined: bool,
    /// Licence required.
    pub license_required: bool,
    /// Review policy.
    pub review_policy: String,
    /// Tariff rate, if any.
    pub tariff_rate: Option<f64>,
    /// Rule details flagged uncertain.
    pub uncertain: Vec<String>,
}

/// An equivalent fleet of another chip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equivalent {
    /// The chip.
    pub chip: String,
    /// How many.
    pub count: f64,
    /// Its report.
    pub report: FleetReport,
}

/// A plan, or why none exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOutcome {
    /// The plan, when one meets every demand within the caps.
    pub plan: Option<crate::HybridPlan>,
    /// Why there is none.
    pub infeasible: Option<String>,
}

/// Everything a scenario run produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// The scenario as read.
    pub scenario: Scenario,
    /// The fleet's report.
    pub report: FleetReport,
    /// Equivalent fleets.
    pub equivalents: Vec<Equivalent>,
    /// Monte Carlo percentiles and draws.
    pub monte_carlo: Option<MonteCarlo>,
    /// Sensitivity (tornado) rows.
    pub sensitivity: Option<Vec<Sensitivity>>,
    /// The deployment quarter by quarter.
    pub schedule: Vec<QuarterRow>,
    /// The export shock, if the scenario has one.
    pub shock: Option<ShockResult>,
    /// The lowest-cost hybrid plan, if the scenario has one.
    pub hybrid: Option<crate::HybridPlan>,
    /// The same plan with the shock's chips capped at what is delivered before the cut.
    pub hybrid_after_shock: Option<PlanOutcome>,
    /// Compliance status of each chip on each date for each destination.
    pub compliance: Vec<ComplianceRow>,
    /// Not legal advice.
    pub disclaimer: String,
}

/// Runs every part of a scenario.
///
/// # Examples
///
/// ```no_run
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let r = chipmodel_fleet::run_scenario(&data, &chipmodel_fleet::Scenario::seed(&data)?)?;
/// assert!((r.report.total.facility_mw - 700.0).abs() < 1e-6);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn run_scenario(data: &Catalogs, s: &Scenario) -> Result<ScenarioResult, FleetError> {
    run_scenario_with_progress(data, s, &mut |_, _, _| true)
}

/// [`run_scenario`], telling `progress` each stage as it starts (`"fleet"`, `"equivalents"`,
/// `"monte carlo"` draw by draw, `"sensitivity"`, `"compliance"`, `"export shock"`, `"hybrid
/// plan"`); the callback returning `false` stops the run with [`FleetError::Interrupted`].
/// The results do not depend on the callback.
pub fn run_scenario_with_progress(
    data: &Catalogs,
    s: &Scenario,
    progress: Progress<'_>,
) -> Result<ScenarioResult, FleetError> {
    let a = &s.assumptions;
    let w = s.workload.as_ref();
    report_progress(progress, "fleet", 0, 1)?;
    let report = s.fleet.report(data, a, w)?;
    let mut equivalents = Vec::new();
    if let Some(w) = w {
        report_progress(progress, "equivalents", 0, 1)?;
        for chip in &s.equivalent {
            let (count, report) = equivalent_fleet(data, &s.fleet, chip, s.equivalent_site, w, a)?;
            equivalents.push(Equivalent {
                chip: chip.clone(),
                count,
                report,
            });
        }
    }
    let mc = match s.monte_carlo {
        Some((n, seed)) => Some(monte_carlo_with_progress(
            data, &s.fleet, a, w, n, seed, 0, progress,
        )?),
        None => None,
    };
    report_progress(progress, "sensitivity", 0, 1)?;
    let sens = match &s.sensitivity {
        Some(o) => Some(sensitivity(data, &s.fleet, a, w, o)?),
        None => None,
    };
    report_progress(progress, "compliance", 0, 1)?;
    let compliance = compliance_rows(data, s)?;
    report_progress(progress, "export shock", 0, 1)?;
    let shock = match &s.shock {
        None => None,
        Some(k) => Some(export_shock(
            data,
            &s.fleet,
            a,
            w,
            &k.date,
            &k.chips,
            k.replacement.as_deref().map(|c| (c, s.equivalent_site)),
        )?),
    };
    report_progress(progress, "hybrid plan", 0, 1)?;
    let hybrid = match &s.hybrid {
        Some(input) => Some(crate::plan_hybrid(data, input, a)?),
        None => None,
    };
    let hybrid_after_shock = match (&s.hybrid, &shock) {
        (Some(input), Some(k)) => Some(plan_after_shock(data, input, k, a)?),
        _ => None,
    };
    Ok(ScenarioResult {
        scenario: s.clone(),
        report,
        equivalents,
        monte_carlo: mc,
        sensitivity: sens,
        schedule: schedule(data, &s.fleet, a, w)?,
        hybrid,
        hybrid_after_shock,
        shock,
        compliance,
        disclaimer: chipmodel_compliance::NOT_LEGAL_ADVICE.to_string(),
    })
}

/// Each chip of the fleet (and the extra chips) classified for each destination on each date.
fn compliance_rows(data: &Catalogs, s: &Scenario) -> Result<Vec<ComplianceRow>, FleetError> {
    let mut chips: Vec<String> = Vec::new();
    for c in s
        .fleet
        .groups
        .iter()
        .map(|g| &g.chip)
        .chain(&s.compliance_chips)
    {
        if !chips.contains(c) {
            chips.push(c.clone());
        }
    }
    let mut compliance = Vec::new();
    for chip in &chips {
        for dest in &s.destinations {
            for date in &s.dates {
                let c = chipmodel_compliance::classify(data.chip(chip)?, dest, date, None, None)?;
                compliance.push(ComplianceRow {
                    chip: chip.clone(),
                    destination: dest.clone(),
                    date: date.clone(),
                    rules: c.rules,
                    eccn: c.eccn,
                    determined: c.determined,
                    license_required: c.license_required,
                    review_policy: c.review_policy.as_str().to_string(),
                    tariff_rate: c.tariff.map(|t| t.rate),
                    uncertain: c.uncertain,
                });
            }
        }
    }
    Ok(compliance)
}

/// The hybrid plan with the shock's chips capped at what is delivered before the cut, or why no
/// plan meets the demands then.
fn plan_after_shock(
    data: &Catalogs,
    input: &crate::PlanInput,
    k: &ShockResult,
    a: &crate::Assumptions,
) -> Result<PlanOutcome, FleetError> {
    let mut cut = input.clone();
    for sup in &mut cut.supplies {
        if k.cut.iter().any(|(c, _)| *c == sup.chip) {
            let kept: f64 = k
                .fleet
                .groups
                .iter()
                .filter(|g| g.chip == sup.chip)
                .map(|g| g.count)
                .sum();
            sup.max_count = Some(sup.max_count.map_or(kept, |m| m.min(kept)));
        }
    }
    match crate::plan_hybrid(data, &cut, a) {
        Ok(p) => Ok(PlanOutcome {
            plan: Some(p),
            infeasible: None,
        }),
        Err(FleetError::Infeasible { message, .. }) => Ok(PlanOutcome {
            plan: None,
            infeasible: Some(message),
        }),
        Err(e) => Err(e),
    }
}
