//! The hybrid fleet planner: a linear program that buys the cheapest mix of chips (TCO per year)
//! serving every workload's tokens per day within supply caps, a facility power cap and a capex
//! budget, with the shadow price of each constraint.
//!
//! [`solve_allocation`] is the bare LP on per-chip coefficients; [`plan_hybrid`] takes the
//! coefficients from the fleet model. The solver is Clarabel (an interior-point method, through
//! `good_lp`), so results are accurate to about 1e-6 relative: counts within that tolerance of
//! zero are reported as zero, and a constraint is reported as binding when its slack is within
//! that tolerance of its bound.

use chipmodel_perf::Catalogs;
use good_lp::{
    Constraint, DualValues, Expression, ProblemVariables, ResolutionError, Solution,
    SolutionWithDual, SolverModel, Variable, clarabel, constraint::ConstraintReference, variable,
};
use serde::{Deserialize, Serialize};

use crate::FleetError;
use crate::Site;
use crate::assumptions::Assumptions;
use crate::error::invalid;
use crate::fleet::{Fleet, Group, Workload};

/// Relative tolerance of the interior-point solution: counts below it (relative to the problem's
/// scale) are zero, constraints with a relative slack below it bind.
const TOL: f64 = 1e-6;

/// Clarabel's duality-gap tolerance (absolute and relative, on the scaled problem).
const GAP_TOL: f64 = 1e-12;

/// One kind of chip that can be bought, with its per-chip coefficients.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::SupplyOption;
/// let a = SupplyOption::new("h200@cn", 16_000.0, 54_000.0, 0.00175).with_max_count(400_000.0);
/// assert_eq!(a.max_count, Some(400_000.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyOption {
    /// Name (unique within a problem), e.g. `"h200-sxm@cn"`.
    pub name: String,
    /// TCO of one chip (capital charge + opex), USD per year.
    pub cost_usd_per_year_per_chip: f64,
    /// Capex of one chip with its share of servers, network, storage and building, USD.
    pub capex_usd_per_chip: f64,
    /// Facility power of one chip at peak (IT × PUE), MW.
    pub facility_mw_per_chip: f64,
    /// Most chips of this option that can be had (an export licence, a fab's output); `None`:
    /// no cap.
    pub max_count: Option<f64>,
}

impl SupplyOption {
    /// An uncapped option.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::SupplyOption;
    /// assert_eq!(SupplyOption::new("a", 1.0, 2.0, 3.0).max_count, None);
    /// ```
    pub fn new(
        name: &str,
        cost_usd_per_year_per_chip: f64,
        capex_usd_per_chip: f64,
        facility_mw_per_chip: f64,
    ) -> SupplyOption {
        SupplyOption {
            name: name.to_string(),
            cost_usd_per_year_per_chip,
            capex_usd_per_chip,
            facility_mw_per_chip,
            max_count: None,
        }
    }

    /// The same option capped at `max_count` chips.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::SupplyOption;
    /// assert_eq!(SupplyOption::new("a", 1.0, 2.0, 3.0).with_max_count(10.0).max_count, Some(10.0));
    /// ```
    pub fn with_max_count(mut self, max_count: f64) -> SupplyOption {
        self.max_count = Some(max_count);
        self
    }
}

/// Tokens per day a workload needs.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::Demand;
/// let d = Demand::new("llama-3.1-70b", 6e13);
/// assert_eq!(d.tokens_per_day, 6e13);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// Workload name (unique within a problem).
    pub name: String,
    /// Output tokens per day required.
    pub tokens_per_day: f64,
}

impl Demand {
    /// `tokens_per_day` of workload `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::Demand;
    /// assert_eq!(Demand::new("w", 1.0).name, "w");
    /// ```
    pub fn new(name: &str, tokens_per_day: f64) -> Demand {
        Demand {
            name: name.to_string(),
            tokens_per_day,
        }
    }
}

/// A linear program: choose chips `x[i][j] ≥ 0` of option `i` serving workload `j` to minimize
/// `Σ cost_i · x[i][j]` (USD per year) subject to
///
/// - demand: `Σ_i rate[i][j] · x[i][j] ≥ tokens_per_day_j` for every workload `j`;
/// - supply: `Σ_j x[i][j] ≤ max_count_i` for every capped option `i`;
/// - power: `Σ facility_mw_i · x[i][j] ≤ power_cap_mw`, if given;
/// - budget: `Σ capex_i · x[i][j] ≤ budget_usd`, if given.
///
/// Counts are continuous (a fleet of 10⁵ chips does not care about the fraction).
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{AllocationProblem, Demand, SupplyOption};
/// let p = AllocationProblem::new(
///     vec![SupplyOption::new("a", 100.0, 1000.0, 0.001)],
///     vec![Demand::new("w", 40.0)],
///     vec![vec![Some(4.0)]],
/// );
/// assert!(p.power_cap_mw.is_none() && p.budget_usd.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationProblem {
    /// What can be bought.
    pub options: Vec<SupplyOption>,
    /// What must be served.
    pub demands: Vec<Demand>,
    /// `[option][workload]`: output tokens per day one chip of the option makes on the workload;
    /// `None` or `0`: the option may not serve it (e.g. a frontier model that must run on imported
    /// chips). One row per option, one column per demand.
    pub tokens_per_day_per_chip: Vec<Vec<Option<f64>>>,
    /// Cap on total facility power, MW.
    pub power_cap_mw: Option<f64>,
    /// Cap on total capex, USD.
    pub budget_usd: Option<f64>,
}

impl AllocationProblem {
    /// A problem without a power cap or a budget.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::{AllocationProblem, Demand, SupplyOption};
    /// let p = AllocationProblem::new(
    ///     vec![SupplyOption::new("a", 1.0, 1.0, 1.0)],
    ///     vec![Demand::new("w", 1.0)],
    ///     vec![vec![Some(1.0)]],
    /// );
    /// assert_eq!(p.options.len(), 1);
    /// ```
    pub fn new(
        options: Vec<SupplyOption>,
        demands: Vec<Demand>,
        tokens_per_day_per_chip: Vec<Vec<Option<f64>>>,
    ) -> AllocationProblem {
        AllocationProblem {
            options,
            demands,
            tokens_per_day_per_chip,
            power_cap_mw: None,
            budget_usd: None,
        }
    }

    fn rate(&self, i: usize, j: usize) -> Option<f64> {
        self.tokens_per_day_per_chip[i][j].filter(|r| *r > 0.0)
    }
}

/// Chips of one option serving one workload.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::Assignment;
/// let a = Assignment { option: "a".into(), workload: "w".into(), chips: 2.0, tokens_per_day: 8.0 };
/// assert_eq!(a.tokens_per_day / a.chips, 4.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Option name.
    pub option: String,
    /// Workload name.
    pub workload: String,
    /// Chips.
    pub chips: f64,
    /// Output tokens per day they make.
    pub tokens_per_day: f64,
}

/// One option in the solution.
///
/// # Examples
///
/// ```
/// # use chipmodel_fleet::{AllocationProblem, Demand, SupplyOption, solve_allocation};
/// # let p = AllocationProblem::new(vec![SupplyOption::new("a", 100.0, 1000.0, 0.001).with_max_count(5.0)],
/// #     vec![Demand::new("w", 20.0)], vec![vec![Some(4.0)]]);
/// let s = &solve_allocation(&p)?.supplies[0];
/// assert!((s.chips - 5.0).abs() < 1e-5 && s.cap_binding);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyResult {
    /// Option name.
    pub name: String,
    /// Chips bought, over all workloads.
    pub chips: f64,
    /// Their TCO, USD per year.
    pub tco_usd_per_year: f64,
    /// Their capex, USD.
    pub capex_usd: f64,
    /// Their facility power, MW.
    pub facility_mw: f64,
    /// The cap, chips (`None`: uncapped).
    pub max_count: Option<f64>,
    /// Whether the cap binds (all the chips allowed are bought).
    pub cap_binding: bool,
    /// Shadow price of the cap: the TCO saved by one more chip allowed, USD per year (≥ 0; 0 when
    /// the cap does not bind or there is none) — what one more approved chip is worth to the
    /// buyer each year.
    pub usd_per_year_saved_per_extra_chip: f64,
}

/// One workload in the solution.
///
/// # Examples
///
/// ```
/// # use chipmodel_fleet::{AllocationProblem, Demand, SupplyOption, solve_allocation};
/// # let p = AllocationProblem::new(vec![SupplyOption::new("a", 100.0, 1000.0, 0.001)],
/// #     vec![Demand::new("w", 20.0)], vec![vec![Some(4.0)]]);
/// // One more token per day costs a quarter of a $100/year chip.
/// let d = &solve_allocation(&p)?.demands[0];
/// assert!((d.usd_per_year_per_token_per_day - 25.0).abs() < 1e-5);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandResult {
    /// Workload name.
    pub name: String,
    /// Output tokens per day required.
    pub tokens_per_day: f64,
    /// Output tokens per day the chips bought make for it (≥ required).
    pub served_tokens_per_day: f64,
    /// Whether the demand binds (nothing served beyond it).
    pub binding: bool,
    /// Shadow price of the demand: the TCO added by one more output token per day, USD per year
    /// (≥ 0).
    pub usd_per_year_per_token_per_day: f64,
    /// The same per million output tokens per day, USD per year.
    pub usd_per_year_per_million_tokens_per_day: f64,
    /// The same as a marginal cost per million output tokens served, USD (÷ 365 days).
    pub marginal_usd_per_million_tokens: f64,
}

/// The power cap or the budget in the solution.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::CapResult;
/// let c = CapResult { cap: 10.0, used: 10.0, binding: true, usd_per_year_saved_per_unit: 3.0 };
/// assert!(c.binding);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapResult {
    /// The cap: MW for power, USD for the budget.
    pub cap: f64,
    /// How much of it the plan uses, same unit.
    pub used: f64,
    /// Whether it binds.
    pub binding: bool,
    /// Shadow price: the TCO saved by one more unit of the cap, USD per year per MW (power) or
    /// per USD of budget (≥ 0; 0 when it does not bind).
    pub usd_per_year_saved_per_unit: f64,
}

/// The cheapest allocation and its shadow prices.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{AllocationProblem, Demand, SupplyOption, solve_allocation};
/// let p = AllocationProblem::new(
///     vec![SupplyOption::new("a", 100.0, 1000.0, 0.001)],
///     vec![Demand::new("w", 40.0)],
///     vec![vec![Some(4.0)]],
/// );
/// let a = solve_allocation(&p)?;
/// assert!((a.chips[0][0] - 10.0).abs() < 1e-5);
/// assert!((a.tco_usd_per_year - 1000.0).abs() < 1e-3);
/// assert_eq!(a.binding, vec!["demand w"]);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// `[option][workload]`: chips of each option serving each workload.
    pub chips: Vec<Vec<f64>>,
    /// The non-zero entries of `chips`, named.
    pub assignments: Vec<Assignment>,
    /// Per option.
    pub supplies: Vec<SupplyResult>,
    /// Per workload.
    pub demands: Vec<DemandResult>,
    /// The power cap, MW, if given.
    pub power: Option<CapResult>,
    /// The capex budget, USD, if given.
    pub budget: Option<CapResult>,
    /// Chips bought.
    pub total_chips: f64,
    /// The objective: total TCO, USD per year.
    pub tco_usd_per_year: f64,
    /// Total capex, USD.
    pub capex_usd: f64,
    /// Total facility power, MW.
    pub facility_mw: f64,
    /// The constraints that bind: `"demand <workload>"`, `"supply <option>"`, `"power"`,
    /// `"budget"`.
    pub binding: Vec<String>,
}

/// The most output tokens a day a demand may ask for: 10¹⁸, far beyond any fleet in the world; a
/// larger demand is taken for a unit mistake.
pub const MAX_TOKENS_PER_DAY: f64 = 1e18;

fn check(field: &str, v: f64, what: &str) -> Result<(), FleetError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(invalid(
            field,
            v,
            format!("must be a finite number ≥ 0 ({what})"),
        ))
    }
}

// Stays whole: one check per input of the allocation problem, in the order the LP reads them.
fn validate(p: &AllocationProblem) -> Result<(), FleetError> {
    if p.options.is_empty() {
        return Err(invalid("options", "[]", "a plan needs at least one option"));
    }
    if p.demands.is_empty() {
        return Err(invalid("demands", "[]", "a plan needs at least one demand"));
    }
    for (k, o) in p.options.iter().enumerate() {
        if o.name.trim().is_empty() || p.options[..k].iter().any(|x| x.name == o.name) {
            return Err(invalid(
                "options.name",
                format!("'{}'", o.name),
                "option names must be non-empty and unique",
            ));
        }
        check(
            "options.cost_usd_per_year_per_chip",
            o.cost_usd_per_year_per_chip,
            &o.name,
        )?;
        check("options.capex_usd_per_chip", o.capex_usd_per_chip, &o.name)?;
        check(
            "options.facility_mw_per_chip",
            o.facility_mw_per_chip,
            &o.name,
        )?;
        if let Some(m) = o.max_count {
            check("options.max_count", m, &o.name)?;
        }
    }
    for (k, d) in p.demands.iter().enumerate() {
        if d.name.trim().is_empty() || p.demands[..k].iter().any(|x| x.name == d.name) {
            return Err(invalid(
                "demands.name",
                format!("'{}'", d.name),
                "workload names must be non-empty and unique",
            ));
        }
        check("demands.tokens_per_day", d.tokens_per_day, &d.name)?;
        if d.tokens_per_day > MAX_TOKENS_PER_DAY {
            return Err(invalid(
                "demands.tokens_per_day",
                d.tokens_per_day,
                format!(
                    "more than 10^18 tokens a day for {} (thousands of times today's world output): check the units",
                    d.name
                ),
            ));
        }
    }
    let m = &p.tokens_per_day_per_chip;
    if m.len() != p.options.len() {
        return Err(invalid(
            "tokens_per_day_per_chip",
            format!("{} rows", m.len()),
            format!("needs one row per option ({})", p.options.len()),
        ));
    }
    for (o, row) in p.options.iter().zip(m) {
        if row.len() != p.demands.len() {
            return Err(invalid(
                "tokens_per_day_per_chip",
                format!("{} columns", row.len()),
                format!(
                    "needs one column per demand ({}) in the row of option '{}'",
                    p.demands.len(),
                    o.name
                ),
            ));
        }
        for (d, r) in p.demands.iter().zip(row) {
            if let Some(r) = r {
                check(
                    "tokens_per_day_per_chip",
                    *r,
                    &format!("{} on {}", o.name, d.name),
                )?;
            }
        }
    }
    for (j, d) in p.demands.iter().enumerate() {
        if d.tokens_per_day > 0.0 && (0..p.options.len()).all(|i| p.rate(i, j).is_none()) {
            return Err(invalid(
                "demands",
                format!("'{}'", d.name),
                "no option can serve this workload (no positive tokens_per_day_per_chip)",
            ));
        }
    }
    if let Some(c) = p.power_cap_mw {
        check("power_cap_mw", c, "MW")?;
    }
    if let Some(b) = p.budget_usd {
        check("budget_usd", b, "USD")?;
    }
    Ok(())
}

/// The problem in scaled form: variables `y_k = x_k / chips_scale_k`, where the scale of a chip
/// serving workload `j` is the chips that meet its demand on the best option (so that a small
/// workload beside a large one keeps its precision), objective `Σ cost_k chips_scale_k /
/// cost_scale · y_k`, every row divided by its bound (1 when the bound is 0), so the
/// interior-point tolerances are relative. `df/db = cost_scale · dual / row_scale`.
struct Scaled {
    cost_scale: f64,
    /// `(i, j)` of each variable.
    vars: Vec<(usize, usize)>,
    /// Chips per unit of each variable.
    chips_scale: Vec<f64>,
}

impl Scaled {
    fn new(p: &AllocationProblem) -> Scaled {
        let per_workload: Vec<f64> = (0..p.demands.len())
            .map(|j| {
                let best = (0..p.options.len())
                    .filter_map(|i| p.rate(i, j))
                    .fold(0.0, f64::max);
                let n = p.demands[j].tokens_per_day / best;
                if n.is_finite() && n > 0.0 { n } else { 1.0 }
            })
            .collect();
        let mut vars = Vec::new();
        for i in 0..p.options.len() {
            for j in 0..p.demands.len() {
                if p.rate(i, j).is_some() {
                    vars.push((i, j));
                }
            }
        }
        let chips_scale: Vec<f64> = vars.iter().map(|&(_, j)| per_workload[j]).collect();
        let cost_scale = vars
            .iter()
            .zip(&chips_scale)
            .map(|(&(i, _), n)| p.options[i].cost_usd_per_year_per_chip * n)
            .fold(0.0, f64::max);
        Scaled {
            cost_scale: if cost_scale > 0.0 { cost_scale } else { 1.0 },
            vars,
            chips_scale,
        }
    }
}

/// `x` if positive, else `+0.0` (no `-0.0` in reports).
fn nonneg(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

fn row_scale(bound: f64) -> f64 {
    if bound > 0.0 { bound } else { 1.0 }
}

/// A scaled row `Σ coef · y (≥ or ≤) bound`, from `(variable index, coefficient in chips)`.
/// `ns[k]`: chips per unit of variable `k`.
fn row(ys: &[Variable], terms: &[(usize, f64)], ns: &[f64], bound: f64, geq: bool) -> Constraint {
    let s = row_scale(bound);
    let e: Expression = terms.iter().map(|&(k, c)| c * ns[k] / s * ys[k]).sum();
    if geq {
        e.geq(bound / s)
    } else {
        e.leq(bound / s)
    }
}

fn solver_error(e: &ResolutionError) -> FleetError {
    invalid("plan", "?", format!("the LP solver (Clarabel) failed: {e}"))
}

/// The scaled LP's solution: variable values and, per row present, the price of its bound,
/// d(TCO)/d(bound) in USD per year per unit of the bound (good_lp's sign: ≥ 0 for demands,
/// ≤ 0 for caps).
struct Solved {
    y: Vec<f64>,
    demand: Vec<Option<f64>>,
    supply: Vec<Option<f64>>,
    power: Option<f64>,
    budget: Option<f64>,
}

/// Builds and solves the scaled LP, with Clarabel's duality-gap tolerance set to `gap` if given.
// Stays whole: builds and solves one LP; its variables and rows are indices shared by every part.
fn solve_scaled(
    p: &AllocationProblem,
    sc: &Scaled,
    gap: Option<f64>,
) -> Result<Solved, ResolutionError> {
    let n = &sc.chips_scale;
    let (no, nd) = (p.options.len(), p.demands.len());
    let mut vars = ProblemVariables::new();
    let ys: Vec<Variable> = sc
        .vars
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    let objective: Expression = sc
        .vars
        .iter()
        .zip(&ys)
        .zip(n)
        .map(|((&(i, _), &y), nk)| p.options[i].cost_usd_per_year_per_chip * nk / sc.cost_scale * y)
        .sum();
    let mut model = vars.minimise(objective).using(clarabel);
    if let Some(gap) = gap {
        model.settings().tol_gap_abs(gap).tol_gap_rel(gap);
    }

    let terms_where = |keep: &dyn Fn(usize, usize) -> Option<f64>| -> Vec<(usize, f64)> {
        sc.vars
            .iter()
            .enumerate()
            .filter_map(|(k, &(i, j))| keep(i, j).map(|c| (k, c)))
            .collect()
    };
    let demand_terms: Vec<Vec<(usize, f64)>> = (0..nd)
        .map(|jj| terms_where(&|i, j| if j == jj { p.rate(i, j) } else { None }))
        .collect();
    let supply_terms: Vec<Vec<(usize, f64)>> = (0..no)
        .map(|ii| terms_where(&|i, _| (i == ii).then_some(1.0)))
        .collect();
    let power_terms = terms_where(&|i, _| Some(p.options[i].facility_mw_per_chip));
    let budget_terms = terms_where(&|i, _| Some(p.options[i].capex_usd_per_chip));

    // Each constraint: its reference (None when the row would be empty), its bound.
    let demand_refs: Vec<Option<ConstraintReference>> = (0..nd)
        .map(|j| {
            let t = &demand_terms[j];
            (!t.is_empty())
                .then(|| model.add_constraint(row(&ys, t, n, p.demands[j].tokens_per_day, true)))
        })
        .collect();
    let supply_refs: Vec<Option<ConstraintReference>> = (0..no)
        .map(|i| {
            let t = &supply_terms[i];
            match p.options[i].max_count {
                Some(m) if !t.is_empty() => Some(model.add_constraint(row(&ys, t, n, m, false))),
                _ => None,
            }
        })
        .collect();
    let nonzero = |t: &[(usize, f64)]| t.iter().any(|&(_, c)| c > 0.0);
    let power_ref = p
        .power_cap_mw
        .filter(|_| nonzero(&power_terms))
        .map(|c| model.add_constraint(row(&ys, &power_terms, n, c, false)));
    let budget_ref = p
        .budget_usd
        .filter(|_| nonzero(&budget_terms))
        .map(|b| model.add_constraint(row(&ys, &budget_terms, n, b, false)));

    let mut solution = model.solve()?;
    // good_lp passes Clarabel's "dual infeasible" (unbounded) through as a solution. Costs are
    // ≥ 0 and chips ≥ 0, so this cannot happen short of a numerical failure.
    if format!("{:?}", solution.inner().status).contains("DualInfeasible") {
        return Err(ResolutionError::Unbounded);
    }
    let y = ys.iter().map(|&v| solution.value(v)).collect();
    let dual = solution.compute_dual();
    // d(TCO)/d(bound) in USD per year per unit of the bound.
    let price = |r: Option<ConstraintReference>, bound: f64| {
        r.map(|r| sc.cost_scale * dual.dual(r) / row_scale(bound))
    };
    Ok(Solved {
        y,
        demand: demand_refs
            .into_iter()
            .zip(&p.demands)
            .map(|(r, d)| price(r, d.tokens_per_day))
            .collect(),
        supply: supply_refs
            .into_iter()
            .zip(&p.options)
            .map(|(r, o)| price(r, o.max_count.unwrap_or(0.0)))
            .collect(),
        power: price(power_ref, p.power_cap_mw.unwrap_or(0.0)),
        budget: price(budget_ref, p.budget_usd.unwrap_or(0.0)),
    })
}

/// The cheapest allocation of chips to workloads (see [`AllocationProblem`]) with the shadow
/// price of every constraint.
///
/// Shadow prices are derivatives of the optimal TCO per year, signed so that they are ≥ 0: what
/// one more token per day of demand costs, what one more chip of a capped option, one more MW of
/// power or one more USD of budget saves. A constraint that does not bind has a shadow price of 0.
///
/// # Errors
///
/// [`FleetError::Invalid`] naming the field for a negative or non-finite value, a matrix of the
/// wrong shape, duplicate names, or a demand no option may serve; with field `plan` when the
/// demands cannot be met within the caps (naming the workload when it cannot be met even alone).
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{AllocationProblem, Demand, SupplyOption, solve_allocation};
/// // Cheap chips capped at 5; dear chips uncapped.
/// let p = AllocationProblem::new(
///     vec![
///         SupplyOption::new("cheap", 100.0, 1000.0, 0.001).with_max_count(5.0),
///         SupplyOption::new("dear", 300.0, 2000.0, 0.002),
///     ],
///     vec![Demand::new("w", 50.0)],
///     vec![vec![Some(4.0)], vec![Some(6.0)]],
/// );
/// let a = solve_allocation(&p)?;
/// // 5 cheap chips make 20 tokens/day, 5 dear ones the other 30: 500 + 1500 USD/year.
/// assert!((a.tco_usd_per_year - 2000.0).abs() < 1e-3);
/// // One more cheap chip replaces 4/6 of a dear one: saves 200 − 100 USD/year.
/// assert!((a.supplies[0].usd_per_year_saved_per_extra_chip - 100.0).abs() < 1e-3);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
// Stays whole: reads one LP solution (allocation, duals, binding rows) through the same row indices.
pub fn solve_allocation(problem: &AllocationProblem) -> Result<Allocation, FleetError> {
    validate(problem)?;
    let p = problem;
    let sc = Scaled::new(p);
    let n = &sc.chips_scale;
    let (no, nd) = (p.options.len(), p.demands.len());

    // A small workload beside a large one is a tiny part of the objective: a tighter gap than
    // Clarabel's default 1e-8 keeps it accurate too; should the solver stall there, the default.
    let solved = match solve_scaled(p, &sc, Some(GAP_TOL)) {
        Err(ResolutionError::Infeasible) => return Err(infeasible(p)),
        Err(_) => match solve_scaled(p, &sc, None) {
            Ok(s) => s,
            Err(ResolutionError::Infeasible) => return Err(infeasible(p)),
            Err(e) => return Err(solver_error(&e)),
        },
        Ok(s) => s,
    };
    // Counts, with interior-point noise below the tolerance set to zero.
    let mut chips = vec![vec![0.0; nd]; no];
    for ((&(i, j), &v), nk) in sc.vars.iter().zip(&solved.y).zip(n) {
        chips[i][j] = if v > TOL { v * nk } else { 0.0 };
    }
    let binds = |used: f64, bound: f64| (bound - used).abs() <= TOL * row_scale(bound);
    // A cap met within the tolerance is met exactly: no "400,000.00001 of 400,000 chips".
    for (i, o) in p.options.iter().enumerate() {
        let count: f64 = chips[i].iter().sum();
        if let Some(m) = o.max_count
            && count > m
            && binds(count, m)
        {
            chips[i].iter_mut().for_each(|x| *x *= m / count);
        }
    }
    // 0 unless the row binds.
    let price = |d: Option<f64>, binding: bool| if binding { d.unwrap_or(0.0) } else { 0.0 };

    let mut binding = Vec::new();
    let mut demands = Vec::with_capacity(nd);
    for (j, d) in p.demands.iter().enumerate() {
        let served: f64 = (0..no)
            .map(|i| chips[i][j] * p.rate(i, j).unwrap_or(0.0))
            .sum();
        let b = solved.demand[j].is_some() && binds(served, d.tokens_per_day);
        if b {
            binding.push(format!("demand {}", d.name));
        }
        let pi = nonneg(price(solved.demand[j], b));
        demands.push(DemandResult {
            name: d.name.clone(),
            tokens_per_day: d.tokens_per_day,
            served_tokens_per_day: served,
            binding: b,
            usd_per_year_per_token_per_day: pi,
            usd_per_year_per_million_tokens_per_day: crate::units::per_million(pi),
            marginal_usd_per_million_tokens: crate::units::per_million(pi)
                / crate::units::DAYS_PER_YEAR,
        });
    }
    let mut supplies = Vec::with_capacity(no);
    for (i, o) in p.options.iter().enumerate() {
        let count: f64 = chips[i].iter().sum();
        let b = match o.max_count {
            Some(m) => solved.supply[i].is_some() && binds(count, m),
            None => false,
        };
        if b {
            binding.push(format!("supply {}", o.name));
        }
        let saved = -price(solved.supply[i], b);
        supplies.push(SupplyResult {
            name: o.name.clone(),
            chips: count,
            tco_usd_per_year: count * o.cost_usd_per_year_per_chip,
            capex_usd: count * o.capex_usd_per_chip,
            facility_mw: count * o.facility_mw_per_chip,
            max_count: o.max_count,
            cap_binding: b,
            usd_per_year_saved_per_extra_chip: nonneg(saved),
        });
    }
    let total_chips = supplies.iter().map(|s| s.chips).sum();
    let tco_usd_per_year = supplies.iter().map(|s| s.tco_usd_per_year).sum();
    let capex_usd: f64 = supplies.iter().map(|s| s.capex_usd).sum();
    let facility_mw: f64 = supplies.iter().map(|s| s.facility_mw).sum();
    let mut cap = |name: &str, cap: Option<f64>, used: f64, r: Option<f64>| {
        cap.map(|c| {
            let b = r.is_some() && binds(used, c);
            if b {
                binding.push(name.to_string());
            }
            CapResult {
                cap: c,
                used,
                binding: b,
                usd_per_year_saved_per_unit: nonneg(-price(r, b)),
            }
        })
    };
    let power = cap("power", p.power_cap_mw, facility_mw, solved.power);
    let budget = cap("budget", p.budget_usd, capex_usd, solved.budget);

    let assignments = sc
        .vars
        .iter()
        .filter(|&&(i, j)| chips[i][j] > 0.0)
        .map(|&(i, j)| Assignment {
            option: p.options[i].name.clone(),
            workload: p.demands[j].name.clone(),
            chips: chips[i][j],
            tokens_per_day: chips[i][j] * p.rate(i, j).unwrap_or(0.0),
        })
        .collect();
    Ok(Allocation {
        chips,
        assignments,
        supplies,
        demands,
        power,
        budget,
        total_chips,
        tco_usd_per_year,
        capex_usd,
        facility_mw,
        binding,
    })
}

/// Most tokens per day workload `j` could get alone within the caps (up to its demand), or
/// `None` when the solver fails.
fn most_alone(p: &AllocationProblem, j: usize) -> Option<f64> {
    let d = p.demands[j].tokens_per_day;
    let opts: Vec<usize> = (0..p.options.len())
        .filter(|&i| p.rate(i, j).is_some() && p.options[i].max_count != Some(0.0))
        .collect();
    if opts.is_empty() || d <= 0.0 {
        return Some(0.0);
    }
    let best = opts
        .iter()
        .filter_map(|&i| p.rate(i, j))
        .fold(0.0, f64::max);
    let n = d / best;
    let ns = vec![n; opts.len()];
    let mut vars = ProblemVariables::new();
    let ys: Vec<Variable> = opts.iter().map(|_| vars.add(variable().min(0.0))).collect();
    let served: Vec<(usize, f64)> = opts
        .iter()
        .enumerate()
        .map(|(k, &i)| (k, p.rate(i, j).unwrap_or(0.0)))
        .collect();
    let objective: Expression = served.iter().map(|&(k, r)| r * n / d * ys[k]).sum();
    let mut model = vars.maximise(objective).using(clarabel);
    model.add_constraint(row(&ys, &served, &ns, d, false));
    for (k, &i) in opts.iter().enumerate() {
        if let Some(m) = p.options[i].max_count {
            model.add_constraint(row(&ys, &[(k, 1.0)], &ns, m, false));
        }
    }
    let per = |f: fn(&SupplyOption) -> f64| -> Vec<(usize, f64)> {
        opts.iter()
            .enumerate()
            .map(|(k, &i)| (k, f(&p.options[i])))
            .collect()
    };
    if let Some(c) = p.power_cap_mw {
        model.add_constraint(row(&ys, &per(|o| o.facility_mw_per_chip), &ns, c, false));
    }
    if let Some(b) = p.budget_usd {
        model.add_constraint(row(&ys, &per(|o| o.capex_usd_per_chip), &ns, b, false));
    }
    let s = model.solve().ok()?;
    Some(served.iter().map(|&(k, r)| r * n * s.value(ys[k])).sum())
}

fn infeasible(p: &AllocationProblem) -> FleetError {
    let caps = "the supply caps, the power cap and the budget";
    for (j, d) in p.demands.iter().enumerate() {
        if let Some(most) = most_alone(p, j)
            && most < d.tokens_per_day * (1.0 - 1e-4)
        {
            return FleetError::Infeasible {
                field: "plan".into(),
                value: format!("'{}'", d.name),
                message: format!(
                    "demand for workload '{}' ({:.6e} tokens/day) cannot be met within {caps}: \
                     at most {:.6e} tokens/day even with every allowed chip on it",
                    d.name, d.tokens_per_day, most
                ),
            };
        }
    }
    let names: Vec<&str> = p.demands.iter().map(|d| d.name.as_str()).collect();
    FleetError::Infeasible {
        field: "plan".into(),
        value: format!("'{}'", names.join("', '")),
        message: format!("the demands together cannot be met within {caps}, though each alone can"),
    }
}

/// Chips of one kind at one site that can be bought, up to `max_count`.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::Supply;
/// let s = Supply::new("h200", chipmodel_fleet::Site::Cn, Some(400_000.0));
/// assert_eq!(s.site.as_str(), "cn");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supply {
    /// Chip id, alias or name.
    pub chip: String,
    /// Site: `"cn"` or `"us"` (default `"cn"`).
    #[serde(default)]
    pub site: Site,
    /// Most chips available (`None`: no cap).
    #[serde(default)]
    pub max_count: Option<f64>,
}

impl Supply {
    /// `chip` at `site`, up to `max_count`.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::Supply;
    /// assert_eq!(Supply::new("ascend-910c", chipmodel_fleet::Site::Cn, None).max_count, None);
    /// ```
    pub fn new(chip: &str, site: Site, max_count: Option<f64>) -> Supply {
        Supply {
            chip: chip.to_string(),
            site,
            max_count,
        }
    }
}

/// A workload and the output tokens per day it needs, optionally restricted to some chips.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{Workload, WorkloadDemand};
/// let d = WorkloadDemand::new(Workload::new("llama-3.1-70b"), 6e13).only_on(&["h200"]);
/// assert_eq!(d.allowed_chips.as_deref(), Some(&["h200".to_string()][..]));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadDemand {
    /// What is served.
    pub workload: Workload,
    /// Output tokens per day required.
    pub tokens_per_day: f64,
    /// Chips allowed to serve it (ids, aliases or names; `None`: any supply that can).
    pub allowed_chips: Option<Vec<String>>,
}

impl WorkloadDemand {
    /// `tokens_per_day` of `workload` on any chip.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::{Workload, WorkloadDemand};
    /// assert!(WorkloadDemand::new(Workload::new("llama-3.1-8b"), 1e9).allowed_chips.is_none());
    /// ```
    pub fn new(workload: Workload, tokens_per_day: f64) -> WorkloadDemand {
        WorkloadDemand {
            workload,
            tokens_per_day,
            allowed_chips: None,
        }
    }

    /// The same demand, allowed only on these chips.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::{Workload, WorkloadDemand};
    /// let d = WorkloadDemand::new(Workload::new("llama-3.1-8b"), 1e9).only_on(&["h20"]);
    /// assert_eq!(d.allowed_chips.unwrap().len(), 1);
    /// ```
    pub fn only_on(mut self, chips: &[&str]) -> WorkloadDemand {
        self.allowed_chips = Some(chips.iter().map(|c| c.to_string()).collect());
        self
    }
}

/// What [`plan_hybrid`] plans for.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{PlanInput, Supply, Workload, WorkloadDemand};
/// let input = PlanInput::new(
///     vec![Supply::new("h200", chipmodel_fleet::Site::Cn, Some(400_000.0)), Supply::new("ascend-910c", chipmodel_fleet::Site::Cn, None)],
///     vec![WorkloadDemand::new(Workload::new("llama-3.1-70b"), 6e13)],
/// );
/// assert_eq!(input.horizon_years, 4.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInput {
    /// What can be bought.
    pub supplies: Vec<Supply>,
    /// What must be served.
    pub demands: Vec<WorkloadDemand>,
    /// Cap on total facility power, MW.
    pub power_cap_mw: Option<f64>,
    /// Cap on total capex, USD.
    pub budget_usd: Option<f64>,
    /// TCO horizon, years.
    pub horizon_years: f64,
}

impl PlanInput {
    /// No power cap, no budget, a 4-year horizon.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::PlanInput;
    /// assert!(PlanInput::new(vec![], vec![]).budget_usd.is_none());
    /// ```
    pub fn new(supplies: Vec<Supply>, demands: Vec<WorkloadDemand>) -> PlanInput {
        PlanInput {
            supplies,
            demands,
            power_cap_mw: None,
            budget_usd: None,
            horizon_years: 4.0,
        }
    }
}

/// One supply's per-chip coefficients from the fleet model, and its value at the margin.
///
/// # Examples
///
/// ```
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// # use chipmodel_fleet::*;
/// # let input = PlanInput::new(vec![Supply::new("h200", chipmodel_fleet::Site::Cn, None)],
/// #     vec![WorkloadDemand::new(Workload::new("llama-3.1-70b"), 1e12)]);
/// let o = &plan_hybrid(&data, &input, &Assumptions::defaults()?)?.options[0];
/// assert_eq!(o.name, "h200-sxm@cn");
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedOption {
    /// `"<chip id>@<site>"`, the option's name in the allocation.
    pub name: String,
    /// Catalog chip id.
    pub chip: String,
    /// Site.
    pub site: Site,
    /// TCO of one chip, USD per year.
    pub tco_usd_per_year_per_chip: f64,
    /// Capex of one chip with its share of the rest, USD.
    pub capex_usd_per_chip: f64,
    /// Facility power of one chip at peak, MW.
    pub facility_mw_per_chip: f64,
    /// Per demand: output tokens per day one chip makes (`None`: not allowed or cannot serve).
    pub tokens_per_day_per_chip: Vec<Option<f64>>,
    /// Shadow price of the supply cap over the horizon, undiscounted: USD per year saved per
    /// extra chip × horizon years.
    pub extra_chip_value_usd_over_horizon: f64,
}

/// A hybrid fleet plan: per-chip coefficients and the cheapest allocation.
///
/// # Examples
///
/// ```
/// # use chipmodel_fleet::*;
/// # let input = PlanInput::new(vec![Supply::new("h200", chipmodel_fleet::Site::Cn, None)],
/// #     vec![WorkloadDemand::new(Workload::new("llama-3.1-70b"), 1e12)]);
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let plan = plan_hybrid(&data, &input, &Assumptions::defaults()?)?;
/// assert!((plan.tco_horizon_usd - 4.0 * plan.allocation.tco_usd_per_year).abs() < 1.0);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HybridPlan {
    /// The input.
    pub input: PlanInput,
    /// Per supply, in input order.
    pub options: Vec<PlannedOption>,
    /// Workload names in the allocation, per demand in input order (the model id, with `#k` added
    /// when a model appears more than once).
    pub workloads: Vec<String>,
    /// The LP's solution.
    pub allocation: Allocation,
    /// TCO over the horizon, USD.
    pub tco_horizon_usd: f64,
    /// Names of the assumptions with no source behind the number.
    pub unsourced_assumptions: Vec<String>,
}

/// Plans a hybrid fleet: the per-chip TCO, capex, facility power and tokens per day of each
/// supply come from the fleet model ([`Fleet::report`] on one chip at its site), then
/// [`solve_allocation`] picks the cheapest mix.
///
/// A supply that cannot serve a model (it does not fit) is left out of that workload unless the
/// demand names it in `allowed_chips`, where the error is returned.
///
/// # Errors
///
/// Unknown chips or models, bad sites, a duplicate supply, an allowed chip not among the supplies,
/// bad numbers, and everything [`solve_allocation`] rejects.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::*;
/// let input = PlanInput::new(
///     vec![Supply::new("h200", chipmodel_fleet::Site::Cn, Some(400_000.0)), Supply::new("ascend-910c", chipmodel_fleet::Site::Cn, None)],
///     vec![WorkloadDemand::new(Workload::new("llama-3.1-70b"), 6e13)],
/// );
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let plan = plan_hybrid(&data, &input, &Assumptions::defaults()?)?;
/// assert!(plan.allocation.supplies[0].cap_binding);
/// assert!(plan.allocation.supplies[0].usd_per_year_saved_per_extra_chip > 0.0);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn plan_hybrid(
    data: &Catalogs,
    input: &PlanInput,
    a: &Assumptions,
) -> Result<HybridPlan, FleetError> {
    if !(input.horizon_years.is_finite() && input.horizon_years > 0.0) {
        return Err(invalid(
            "horizon_years",
            input.horizon_years,
            "must be a positive number of years",
        ));
    }
    if input.supplies.is_empty() {
        return Err(invalid(
            "supplies",
            "[]",
            "a plan needs at least one supply",
        ));
    }
    if input.demands.is_empty() {
        return Err(invalid("demands", "[]", "a plan needs at least one demand"));
    }
    for d in &input.demands {
        data.model(&d.workload.model)?;
    }

    let (mut options, fleets) = supply_options(data, input, a)?;
    let workloads = demand_rates(data, input, a, &mut options, &fleets)?;
    let problem = AllocationProblem {
        options: options
            .iter()
            .zip(&input.supplies)
            .map(|(o, s)| SupplyOption {
                name: o.name.clone(),
                cost_usd_per_year_per_chip: o.tco_usd_per_year_per_chip,
                capex_usd_per_chip: o.capex_usd_per_chip,
                facility_mw_per_chip: o.facility_mw_per_chip,
                max_count: s.max_count,
            })
            .collect(),
        demands: workloads
            .iter()
            .zip(&input.demands)
            .map(|(w, d)| Demand::new(w, d.tokens_per_day))
            .collect(),
        tokens_per_day_per_chip: options
            .iter()
            .map(|o| o.tokens_per_day_per_chip.clone())
            .collect(),
        power_cap_mw: input.power_cap_mw,
        budget_usd: input.budget_usd,
    };
    let allocation = solve_allocation(&problem)?;
    for (o, s) in options.iter_mut().zip(&allocation.supplies) {
        o.extra_chip_value_usd_over_horizon =
            s.usd_per_year_saved_per_extra_chip * input.horizon_years;
    }
    Ok(HybridPlan {
        input: input.clone(),
        options,
        workloads,
        tco_horizon_usd: allocation.tco_usd_per_year * input.horizon_years,
        allocation,
        unsourced_assumptions: a.unsourced(),
    })
}

/// Per (chip, site): the figures of one chip that do not depend on the workload, and the
/// one-chip fleet each is evaluated on.
fn supply_options(
    data: &Catalogs,
    input: &PlanInput,
    a: &Assumptions,
) -> Result<(Vec<PlannedOption>, Vec<Fleet>), FleetError> {
    let mut options = Vec::with_capacity(input.supplies.len());
    let mut fleets = Vec::with_capacity(input.supplies.len());
    for s in &input.supplies {
        let chip = data.chip(&s.chip)?.id.clone();
        let site = s.site;
        let name = format!("{chip}@{site}");
        if options.iter().any(|o: &PlannedOption| o.name == name) {
            return Err(invalid(
                "supplies",
                format!("'{name}'"),
                "the same chip at the same site is given twice; merge the two caps",
            ));
        }
        let fleet = Fleet {
            groups: vec![Group::new(&chip, 1.0, site)],
            horizon_years: input.horizon_years,
        };
        let t = fleet.report(data, a, None)?.total;
        options.push(PlannedOption {
            name,
            chip,
            site,
            tco_usd_per_year_per_chip: t.tco_usd_per_year,
            capex_usd_per_chip: t.capex.total(),
            facility_mw_per_chip: t.facility_mw,
            tokens_per_day_per_chip: Vec::with_capacity(input.demands.len()),
            extra_chip_value_usd_over_horizon: 0.0,
        });
        fleets.push(fleet);
    }

    Ok((options, fleets))
}

/// Per (supply, demand): tokens per day per chip, pushed onto each option; the workloads' names
/// (a model served twice gets `#n`).
fn demand_rates(
    data: &Catalogs,
    input: &PlanInput,
    a: &Assumptions,
    options: &mut [PlannedOption],
    fleets: &[Fleet],
) -> Result<Vec<String>, FleetError> {
    let mut workloads: Vec<String> = Vec::with_capacity(input.demands.len());
    for (j, d) in input.demands.iter().enumerate() {
        let allowed: Option<Vec<String>> = match &d.allowed_chips {
            None => None,
            Some(list) => {
                let mut ids = Vec::with_capacity(list.len());
                for c in list {
                    let id = data.chip(c)?.id.clone();
                    if !options.iter().any(|o| o.chip == id) {
                        return Err(invalid(
                            "demands.allowed_chips",
                            format!("'{c}'"),
                            format!("not among the supplies (workload {})", d.workload.model),
                        ));
                    }
                    ids.push(id);
                }
                Some(ids)
            }
        };
        let model = data.model(&d.workload.model)?.id.clone();
        workloads.push(if workloads.contains(&model) {
            format!("{model}#{}", j + 1)
        } else {
            model
        });
        for (o, fleet) in options.iter_mut().zip(fleets) {
            let explicit = allowed.as_ref().map(|ids| ids.contains(&o.chip));
            let rate = match explicit {
                Some(false) => None,
                _ => match fleet.report(data, a, Some(&d.workload)) {
                    Ok(r) => r.total.tokens_per_day,
                    Err(e @ (FleetError::Perf(_) | FleetError::Invalid { .. })) => {
                        if explicit == Some(true) {
                            return Err(e);
                        }
                        None
                    }
                    Err(e) => return Err(e),
                },
            };
            o.tokens_per_day_per_chip.push(rate.filter(|r| *r > 0.0));
        }
    }

    Ok(workloads)
}
