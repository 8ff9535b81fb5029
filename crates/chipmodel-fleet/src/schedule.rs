//! Deployment schedules (chips delivered per quarter, so capacity and cost ramp instead of
//! appearing at once) and export shocks (an import channel cut at a date).

use chipmodel_perf::Catalogs;
use serde::{Deserialize, Serialize};

use crate::analysis::equivalent_fleet;
use crate::error::invalid;
use crate::{Assumptions, Fleet, FleetError, FleetReport, Group, Workload};

/// Chips delivered in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// `YYYY-Qn`.
    pub quarter: String,
    /// Chips delivered.
    pub count: f64,
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Quarter {
    year: i32,
    q: u8,
}

impl Quarter {
    /// Parses `YYYY-Qn`.
    pub(crate) fn parse(s: &str) -> Option<Quarter> {
        let (y, q) = s.split_once("-Q")?;
        let year: i32 = y.parse().ok().filter(|y| (1900..=2100).contains(y))?;
        let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        (y.len() == 4).then_some(Quarter { year, q })
    }
    /// The quarter a `YYYY[-MM[-DD]]` date falls in.
    pub(crate) fn of_date(d: &str) -> Option<Quarter> {
        let year: i32 = d.get(..4)?.parse().ok()?;
        let month: u8 = d.get(5..7).map_or(Some(1), |m| m.parse().ok())?;
        (1..=12).contains(&month).then_some(Quarter {
            year,
            q: (month - 1) / 3 + 1,
        })
    }
    /// First day, `YYYY-MM-01`.
    fn start(self) -> String {
        format!("{}-{:02}-01", self.year, (self.q - 1) * 3 + 1)
    }
    fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }
    fn label(self) -> String {
        format!("{}-Q{}", self.year, self.q)
    }
}

/// A group's deliveries: its own list, or everything in the quarter of its date.
pub(crate) fn deliveries_of(g: &Group) -> Result<Vec<(Quarter, f64)>, FleetError> {
    if g.deliveries.is_empty() {
        let q = Quarter::of_date(&g.date)
            .ok_or_else(|| invalid("date", format!("'{}'", g.date), "expected YYYY-MM-DD"))?;
        return Ok(vec![(q, g.count)]);
    }
    let mut out = Vec::new();
    let mut sum = 0.0;
    for d in &g.deliveries {
        let q = Quarter::parse(&d.quarter).ok_or_else(|| {
            invalid(
                "deliveries.quarter",
                format!("'{}'", d.quarter),
                "expected YYYY-Qn, e.g. 2026-Q1",
            )
        })?;
        if !(d.count.is_finite() && d.count >= 0.0) {
            return Err(invalid(
                &format!("deliveries.{}", d.quarter),
                d.count,
                "must be a number of chips ≥ 0",
            ));
        }
        sum += d.count;
        out.push((q, d.count));
    }
    if (sum - g.count).abs() > 1e-6 * g.count.max(1.0) {
        return Err(invalid(
            "deliveries",
            sum,
            format!("must add up to the group's count {} ({})", g.count, g.chip),
        ));
    }
    out.sort_by_key(|d| d.0);
    Ok(out)
}

/// One quarter of a deployment. Chips delivered in a quarter serve from the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterRow {
    /// `YYYY-Qn`.
    pub quarter: String,
    /// Chips delivered in the quarter.
    pub delivered: f64,
    /// Chips installed at the quarter's end.
    pub installed: f64,
    /// Chips in service during the quarter (installed at its start).
    pub in_service: f64,
    /// Capex spent on the quarter's deliveries, USD.
    pub capex_usd: f64,
    /// Capex spent so far, USD.
    pub cumulative_capex_usd: f64,
    /// Critical IT power in service, MW.
    pub it_mw: f64,
    /// Facility power in service at peak, MW.
    pub facility_mw: f64,
    /// Capital charge and opex of the chips in service over the quarter, USD.
    pub cost_usd: f64,
    /// Output tokens per day of the chips in service, with a workload.
    pub tokens_per_day: Option<f64>,
}

/// The fleet's deployment quarter by quarter, from the first delivery to the quarter after the
/// last (when everything is in service). Per-chip figures come from the fleet's report.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{schedule, Assumptions, Delivery, Fleet, Group};
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let mut g = Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn);
/// g.deliveries = vec![
///     Delivery { quarter: "2026-Q1".into(), count: 400.0 },
///     Delivery { quarter: "2026-Q2".into(), count: 600.0 },
/// ];
/// let rows = schedule(&data, &Fleet::new(vec![g]), &Assumptions::defaults()?, None)?;
/// assert_eq!(rows.len(), 3);                       // Q1, Q2 and Q3 (all in service)
/// assert_eq!((rows[1].in_service, rows[1].installed), (400.0, 1000.0));
/// assert!((rows[2].facility_mw - 1.75).abs() < 1e-9); // 1,000 × 1.4 kW × PUE 1.25
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn schedule(
    data: &Catalogs,
    fleet: &Fleet,
    a: &Assumptions,
    workload: Option<&Workload>,
) -> Result<Vec<QuarterRow>, FleetError> {
    let report = fleet.report(data, a, workload)?;
    schedule_of(fleet, &report)
}

fn schedule_of(fleet: &Fleet, report: &FleetReport) -> Result<Vec<QuarterRow>, FleetError> {
    struct Per {
        deliveries: Vec<(Quarter, f64)>,
        capex: f64,
        it_mw: f64,
        facility_mw: f64,
        cost_per_year: f64,
        tokens_per_day: Option<f64>,
    }
    let mut per = Vec::new();
    for (g, r) in fleet.groups.iter().zip(&report.groups) {
        let f = &r.figures;
        let n = f.count;
        per.push(Per {
            deliveries: deliveries_of(g)?,
            capex: f.capex.total() / n,
            it_mw: f.it_mw / n,
            facility_mw: f.facility_mw / n,
            cost_per_year: f.tco_usd_per_year / n,
            tokens_per_day: f.tokens_per_day.map(|t| t / n),
        });
    }
    let first = per
        .iter()
        .flat_map(|p| p.deliveries.iter().map(|d| d.0))
        .min()
        .ok_or_else(|| invalid("groups", "[]", "a fleet needs at least one group"))?;
    let last = per
        .iter()
        .flat_map(|p| p.deliveries.iter().map(|d| d.0))
        .max()
        .unwrap_or(first)
        .next();
    let mut rows = Vec::new();
    let mut installed = vec![0.0; per.len()];
    let mut cumulative = 0.0;
    let mut q = first;
    while q <= last {
        let mut row = QuarterRow {
            quarter: q.label(),
            delivered: 0.0,
            installed: 0.0,
            in_service: 0.0,
            capex_usd: 0.0,
            cumulative_capex_usd: 0.0,
            it_mw: 0.0,
            facility_mw: 0.0,
            cost_usd: 0.0,
            tokens_per_day: None,
        };
        for (i, p) in per.iter().enumerate() {
            let serving = installed[i];
            let delivered: f64 = p.deliveries.iter().filter(|d| d.0 == q).map(|d| d.1).sum();
            installed[i] += delivered;
            row.delivered += delivered;
            row.in_service += serving;
            row.installed += installed[i];
            row.capex_usd += delivered * p.capex;
            row.it_mw += serving * p.it_mw;
            row.facility_mw += serving * p.facility_mw;
            row.cost_usd += serving * p.cost_per_year / 4.0;
            if let Some(t) = p.tokens_per_day {
                *row.tokens_per_day.get_or_insert(0.0) += serving * t;
            }
        }
        cumulative += row.capex_usd;
        row.cumulative_capex_usd = cumulative;
        rows.push(row);
        q = q.next();
    }
    Ok(rows)
}

/// A fleet after an import channel is cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockResult {
    /// The cut date.
    pub date: String,
    /// Chips cut, by chip id: deliveries in quarters starting on or after the date.
    pub cut: Vec<(String, f64)>,
    /// The fleet that is delivered.
    pub fleet: Fleet,
    /// Its report.
    pub report: FleetReport,
    /// Its deployment schedule.
    pub schedule: Vec<QuarterRow>,
    /// Output tokens per day lost at full deployment, with a workload.
    pub tokens_per_day_lost: Option<f64>,
    /// The replacement chip, how many make up the lost tokens, and their report.
    pub replacement: Option<(String, f64, FleetReport)>,
}

/// Cuts the deliveries of `chips` in quarters starting on or after `date` (a quarter already
/// under way delivers in full), reports the fleet that remains, the tokens lost and — with a
/// workload and a `replacement` chip — how many of it at `site` make up the loss.
///
/// # Examples
///
/// ```no_run
/// use chipmodel_fleet::{export_shock, Assumptions, Delivery, Fleet, Group, Workload};
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let mut g = Group::new("h200", 400_000.0, chipmodel_fleet::Site::Cn);
/// g.deliveries = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
///     .iter()
///     .map(|q| Delivery { quarter: q.to_string(), count: 100_000.0 })
///     .collect();
/// let w = Workload::new("llama-3.1-70b");
/// let s = export_shock(&data, &Fleet::new(vec![g]), &Assumptions::defaults()?, Some(&w), "2026-07-01",
///                      &["h200".to_string()], Some(("ascend-910c", chipmodel_fleet::Site::Cn)))?;
/// assert_eq!(s.cut, vec![("h200-sxm".to_string(), 200_000.0)]);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
// Stays whole: one pass over the quarters: the cut, the fleet kept, the tokens lost and the replacement.
pub fn export_shock(
    data: &Catalogs,
    fleet: &Fleet,
    a: &Assumptions,
    workload: Option<&Workload>,
    date: &str,
    chips: &[String],
    replacement: Option<(&str, crate::Site)>,
) -> Result<ShockResult, FleetError> {
    fleet.validate(data)?;
    let date = chipmodel_catalog::date::parse_day(date)
        .map_err(|m| invalid("date", format!("'{date}'"), m))?;
    let date = date.as_str();
    let cut_from = Quarter::of_date(date)
        .ok_or_else(|| invalid("date", format!("'{date}'"), "expected YYYY-MM-DD"))?;
    // The first quarter starting on or after the date.
    let cut_from = if cut_from.start().as_str() < date {
        cut_from.next()
    } else {
        cut_from
    };
    let ids = chips
        .iter()
        .map(|c| data.chip(c).map(|x| x.id.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut after = fleet.clone();
    let mut cut_groups = Vec::new();
    let mut cut: Vec<(String, f64)> = Vec::new();
    for g in &mut after.groups {
        let id = data.chip(&g.chip)?.id.clone();
        if !ids.contains(&id) {
            continue;
        }
        let ds = deliveries_of(g)?;
        let lost: f64 = ds.iter().filter(|d| d.0 >= cut_from).map(|d| d.1).sum();
        if lost <= 0.0 {
            continue;
        }
        cut_groups.push(Group {
            count: lost,
            deliveries: Vec::new(),
            ..g.clone()
        });
        match cut.iter_mut().find(|(c, _)| *c == id) {
            Some(x) => x.1 += lost,
            None => cut.push((id, lost)),
        }
        g.count -= lost;
        g.deliveries = ds
            .iter()
            .filter(|d| d.0 < cut_from && d.1 > 0.0)
            .map(|d| Delivery {
                quarter: d.0.label(),
                count: d.1,
            })
            .collect();
    }
    after.groups.retain(|g| g.count > 0.0);
    if after.groups.is_empty() {
        return Err(invalid(
            "date",
            date,
            "the cut removes every chip: nothing would be delivered",
        ));
    }
    let report = after.report(data, a, workload)?;
    let schedule = schedule_of(&after, &report)?;
    let (mut lost_tokens, mut repl) = (None, None);
    if let Some(w) = workload
        && !cut_groups.is_empty()
    {
        let cut_fleet = Fleet {
            groups: cut_groups,
            horizon_years: fleet.horizon_years,
        };
        let lost = cut_fleet.report(data, a, Some(w))?;
        lost_tokens = lost.total.tokens_per_day;
        if let Some((chip, site)) = replacement {
            let (n, r) = equivalent_fleet(data, &cut_fleet, chip, site, w, a)?;
            repl = Some((data.chip(chip)?.id.clone(), n, r));
        }
    } else if workload.is_some() {
        lost_tokens = Some(0.0);
    }
    Ok(ShockResult {
        date: date.to_string(),
        cut,
        fleet: after,
        report,
        schedule,
        tokens_per_day_lost: lost_tokens,
        replacement: repl,
    })
}
