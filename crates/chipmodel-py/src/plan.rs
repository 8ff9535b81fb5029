//! Python surface of the hybrid fleet planner.

use chipmodel::{PlanInput, Supply, WorkloadDemand};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::fleet::{PyAssumptions, assumptions_of};

fn supply_of(x: &Bound<'_, PyAny>, k: usize) -> PyResult<Supply> {
    let field = format!("supplies[{k}]");
    dict_of(x, &field)?;
    crate::input::read(x, &field, Supply::from_value)
}

fn demand_of(x: &Bound<'_, PyAny>, k: usize) -> PyResult<WorkloadDemand> {
    let field = format!("demands[{k}]");
    dict_of(x, &field)?;
    crate::input::read(x, &field, WorkloadDemand::from_value)
}

fn dict_of<'a, 'py>(x: &'a Bound<'py, PyAny>, what: &str) -> PyResult<&'a Bound<'py, PyDict>> {
    x.cast::<PyDict>()
        .map_err(|_| crate::errors::type_err(what, format!("{what} must be a dict")))
}

/// The cheapest mix of chips (TCO per year) that serves every demand within the caps: a linear
/// program over the fleet model's per-chip figures, with shadow prices.
///
/// ``supplies``: dicts ``{"chip", "site", "max_count"}`` (site ``"cn"`` or ``"us"``, default
/// ``"cn"``; ``max_count`` chips, None: no cap). ``demands``: dicts ``{"model", "tokens_per_day",
/// "input_tokens", "output_tokens", "weight_dtype", "ttft_slo_s", "tpot_slo_s", "allowed_chips"}``.
/// Returns a dict with ``options`` (per-chip TCO USD/year, capex USD, facility MW, tokens/day per
/// demand), ``workloads`` and ``allocation`` (``chips[option][workload]``, ``assignments``,
/// ``supplies`` with ``usd_per_year_saved_per_extra_chip``, ``demands`` with
/// ``usd_per_year_per_token_per_day`` and ``marginal_usd_per_million_tokens``, ``power`` and
/// ``budget`` with ``usd_per_year_saved_per_unit``, totals and ``binding``).
///
/// ```text
/// >>> import chipmodel
/// >>> plan = chipmodel.plan_hybrid(
/// ...     [{"chip": "h200", "site": "cn", "max_count": 400_000}, {"chip": "ascend-910c", "site": "cn"}],
/// ...     [{"model": "llama-3.1-70b", "tokens_per_day": 6e13}],
/// ... )
/// >>> plan["allocation"]["binding"]
/// ['demand llama-3.1-70b', 'supply h200-sxm@cn']
/// >>> plan["allocation"]["supplies"][0]["usd_per_year_saved_per_extra_chip"] > 0
/// True
///
/// ```
#[pyfunction]
#[pyo3(signature = (supplies, demands, power_cap_mw=None, budget_usd=None, assumptions=None, horizon_years=4.0, *, catalog=None))]
#[allow(clippy::too_many_arguments)]
pub fn plan_hybrid<'py>(
    py: Python<'py>,
    supplies: &Bound<'py, PyAny>,
    demands: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = crate::args::number_arg::opt::power_cap_mw)] power_cap_mw: Option<f64>,
    #[pyo3(from_py_with = crate::args::number_arg::opt::budget_usd)] budget_usd: Option<f64>,
    assumptions: Option<&Bound<'py, PyAssumptions>>,
    #[pyo3(from_py_with = crate::args::number_arg::horizon_years)] horizon_years: f64,
    catalog: Option<&Bound<'py, crate::catalog::PyCatalog>>,
) -> PyResult<Bound<'py, PyAny>> {
    let data = crate::catalog::catalog_arg(catalog)?;
    let a = assumptions_of(assumptions)?;
    let supplies: Vec<Supply> = supplies
        .try_iter()?
        .enumerate()
        .map(|(k, s)| supply_of(&s?, k))
        .collect::<PyResult<_>>()?;
    let demands: Vec<WorkloadDemand> = demands
        .try_iter()?
        .enumerate()
        .map(|(k, d)| demand_of(&d?, k))
        .collect::<PyResult<_>>()?;
    let input = PlanInput {
        supplies,
        demands,
        power_cap_mw,
        budget_usd,
        horizon_years,
    };
    let plan = crate::convert::run(py, || chipmodel::plan_hybrid(&data.data, &input, &a))?;
    crate::convert::to_py(py, &plan)
}
