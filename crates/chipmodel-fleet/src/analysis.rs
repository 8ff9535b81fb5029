//! Comparisons and uncertainty: the equivalent fleet of another chip, Monte Carlo over the
//! assumption ranges, and one-at-a-time sensitivity.

use std::ops::Range;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Triangular};
use serde::{Deserialize, Serialize};

use chipmodel_perf::Catalogs;

use crate::FleetError;
use crate::Site;
use crate::assumptions::Assumptions;
use crate::error::invalid;
use crate::fleet::{Fleet, FleetReport, Group, Workload};

/// How many of `chip` deliver the same tokens per day as `fleet`, at `site`, and what they cost.
///
/// The other chip's throughput comes from the performance model times its vendor's software
/// efficiency (an explicit, sourced assumption: `software_efficiency.<vendor>`).
///
/// # Examples
///
/// ```no_run
/// use chipmodel_fleet::{equivalent_fleet, Assumptions, Fleet, Group, Workload};
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let h200 = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)]);
/// let (n, report) = equivalent_fleet(&data, &h200, "ascend-910c", chipmodel_fleet::Site::Cn, &Workload::new("llama-3.1-70b"), &Assumptions::defaults()?)?;
/// assert!(n > 1000.0);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn equivalent_fleet(
    data: &Catalogs,
    fleet: &Fleet,
    chip: &str,
    site: Site,
    workload: &Workload,
    a: &Assumptions,
) -> Result<(f64, FleetReport), FleetError> {
    let base = fleet.report(data, a, Some(workload))?;
    let target = base.total.tokens_per_day.unwrap_or(0.0);
    let probe = Fleet {
        groups: vec![Group {
            date: fleet.groups[0].date.clone(),
            ..Group::new(chip, 1.0, site)
        }],
        horizon_years: fleet.horizon_years,
    };
    let one = probe.report(data, a, Some(workload))?;
    let per_chip = one.total.tokens_per_day.unwrap_or(0.0);
    if per_chip.is_nan() || per_chip <= 0.0 {
        return Err(invalid(
            "chip",
            chip,
            "delivers no tokens for this workload",
        ));
    }
    let n = (target / per_chip).ceil();
    let alt = Fleet {
        groups: vec![Group {
            count: n,
            ..probe.groups[0].clone()
        }],
        horizon_years: fleet.horizon_years,
    };
    Ok((n, alt.report(data, a, Some(workload))?))
}

/// P10, P50 and P90 of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Output name.
    pub name: String,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean.
    pub mean: f64,
}

/// A Monte Carlo run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarlo {
    /// Samples drawn.
    pub samples: usize,
    /// Seed (same seed, same numbers).
    pub seed: u64,
    /// Percentiles per output.
    pub outputs: Vec<Percentiles>,
    /// The samples of each output, in draw order (serialized as a map from output name to its
    /// samples, in output order, as `chipmodel.monte_carlo` returns them in Python).
    #[serde(with = "ordered_map")]
    pub draws: Vec<(String, Vec<f64>)>,
}

/// A `Vec<(String, T)>` as a map that keeps its order.
mod ordered_map {
    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &[(String, T)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(v.len()))?;
        for (k, x) in v {
            m.serialize_entry(k, x)?;
        }
        m.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<(String, T)>, D::Error> {
        struct Ordered<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Ordered<T> {
            type Value = Vec<(String, T)>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map from output name to samples")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry()? {
                    out.push((k, v));
                }
                Ok(out)
            }
        }
        d.deserialize_map(Ordered(std::marker::PhantomData))
    }
}

/// One draw's outputs, by name.
type Outputs = Vec<(&'static str, f64)>;

fn outputs(r: &FleetReport) -> Outputs {
    let t = &r.total;
    let mut v = vec![
        ("capex_total_usd", t.capex.total()),
        ("facility_mw", t.facility_mw),
        ("annual_gwh", t.annual_gwh),
        ("tco_usd_per_year", t.tco_usd_per_year),
        ("usd_per_gpu_hour", t.usd_per_gpu_hour),
        ("usd_per_gpu_hour_utilized", t.usd_per_gpu_hour_utilized),
    ];
    if let (Some(d), Some(m)) = (t.tokens_per_day, t.usd_per_million_tokens) {
        v.push(("tokens_per_day", d));
        v.push(("usd_per_million_tokens", m));
    }
    v
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos - pos.floor());
    if i + 1 < sorted.len() {
        sorted[i] * (1.0 - frac) + sorted[i + 1] * frac
    } else {
        sorted[i]
    }
}

/// Samples every assumption from a triangular distribution over its range (mode = its value),
/// `samples` times with a seeded ChaCha8 generator, and reports P10/P50/P90 of every output.
/// Draw `i` uses its own stream `i` of the generator seeded with `seed`, so the draws are the
/// same whatever the thread count or however they are split ([`monte_carlo_draws`]).
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{monte_carlo, Assumptions, Fleet, Group};
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let f = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)]);
/// let a = monte_carlo(&data, &f, &Assumptions::defaults()?, None, 200, 7)?;
/// let b = monte_carlo(&data, &f, &Assumptions::defaults()?, None, 200, 7)?;
/// assert_eq!(a, b); // reproducible for a seed
/// let cost = a.outputs.iter().find(|o| o.name == "usd_per_gpu_hour").unwrap();
/// assert!(cost.p10 < cost.p50 && cost.p50 < cost.p90);
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn monte_carlo(
    data: &Catalogs,
    fleet: &Fleet,
    a: &Assumptions,
    workload: Option<&Workload>,
    samples: usize,
    seed: u64,
) -> Result<MonteCarlo, FleetError> {
    monte_carlo_with_progress(
        data,
        fleet,
        a,
        workload,
        samples,
        seed,
        0,
        &mut |_, _, _| true,
    )
}

/// A progress callback: called with (stage, steps done, steps in the stage) about a hundred times
/// per stage at most; returning `false` stops the computation with [`FleetError::Interrupted`].
pub type Progress<'a> = &'a mut dyn FnMut(&str, usize, usize) -> bool;

/// Asks `progress` whether to go on; `Err(Interrupted)` when it says stop.
pub(crate) fn report_progress(
    progress: &mut dyn FnMut(&str, usize, usize) -> bool,
    stage: &str,
    done: usize,
    total: usize,
) -> Result<(), FleetError> {
    if progress(stage, done, total) {
        Ok(())
    } else {
        Err(FleetError::Interrupted {
            stage: stage.to_string(),
        })
    }
}

/// The outputs of draws `range` (draw `i` from stream `i` of the generator seeded with `seed`),
/// by output name, each a column in draw order; evaluated on `threads` threads (0: all cores).
/// Any split of `0..n` into ranges gives the columns of `0..n`, so draws can stream by chunks
/// in bounded memory or run on several machines.
pub fn monte_carlo_draws(
    data: &Catalogs,
    fleet: &Fleet,
    a: &Assumptions,
    workload: Option<&Workload>,
    seed: u64,
    range: Range<u64>,
    threads: usize,
) -> Result<Vec<(String, Vec<f64>)>, FleetError> {
    use rayon::prelude::*;
    if range.start > range.end {
        return Err(invalid(
            "range",
            format!("{}..{}", range.start, range.end),
            "start must not be after stop",
        ));
    }
    fleet.validate(data)?;
    // Each assumption's distribution, checked once.
    let mut dists = Vec::new();
    for (k, x) in a.values.iter().enumerate() {
        let x = x.1;
        if x.high > x.low && !x.overridden {
            let d = Triangular::new(x.low, x.high, x.value)
                .map_err(|e| invalid(&x.name, x.value, e.to_string()))?;
            dists.push((k, d));
        }
    }
    let names: Vec<String> = a.values.keys().cloned().collect();
    // Serving throughput per chip depends on the chip and workload only: computed once, shared.
    let mut base_cache = Vec::new();
    fleet.evaluate(data, a, workload, &mut base_cache)?;
    let draw = |i: u64,
                cache: &mut Vec<(String, f64, String)>|
     -> Result<Vec<(&'static str, f64)>, FleetError> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(i);
        let mut s = a.clone();
        for (k, d) in &dists {
            if let Some(x) = s.values.get_mut(&names[*k]) {
                x.value = d.sample(&mut rng);
            }
        }
        Ok(outputs(&fleet.evaluate(data, &s, workload, cache)?))
    };
    let len = (range.end - range.start) as usize;
    let chunk = 16usize;
    let run = || -> Result<Vec<Vec<Outputs>>, FleetError> {
        (0..len.div_ceil(chunk))
            .into_par_iter()
            .map(|c| {
                let mut cache = base_cache.clone();
                let lo = range.start + (c * chunk) as u64;
                let hi = (lo + chunk as u64).min(range.end);
                (lo..hi).map(|i| draw(i, &mut cache)).collect()
            })
            .collect()
    };
    let rows = if threads == 0 {
        run()?
    } else {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| invalid("threads", threads, e.to_string()))?
            .install(run)?
    };
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    for row in rows.iter().flatten() {
        for (k, (name, v)) in row.iter().enumerate() {
            if columns.len() <= k {
                columns.push((name.to_string(), Vec::with_capacity(len)));
            }
            columns[k].1.push(*v);
        }
    }
    Ok(columns)
}

/// [`monte_carlo`] on `threads` threads (0: all cores), telling `progress` how many draws are
/// done (stage `"monte carlo"`) about a hundred times in all. The draws depend on neither.
// Eight arguments: the four of every fleet function (catalogs, fleet, assumptions, workload),
// the run's size and seed, its threads and its callback; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn monte_carlo_with_progress(
    data: &Catalogs,
    fleet: &Fleet,
    a: &Assumptions,
    workload: Option<&Workload>,
    samples: usize,
    seed: u64,
    threads: usize,
    progress: Progress<'_>,
) -> Result<MonteCarlo, FleetError> {
    if samples == 0 || samples > 1_000_000 {
        return Err(invalid(
            "samples",
            samples,
            "must be between 1 and 1,000,000 (stream more with monte_carlo_draws)",
        ));
    }
    let every = samples.div_ceil(100).max(64);
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    let mut done = 0usize;
    report_progress(progress, "monte carlo", 0, samples)?;
    while done < samples {
        let hi = (done + every).min(samples);
        let part = monte_carlo_draws(
            data,
            fleet,
            a,
            workload,
            seed,
            done as u64..hi as u64,
            threads,
        )?;
        if columns.is_empty() {
            columns = part;
        } else {
            for (c, (_, v)) in columns.iter_mut().zip(part) {
                c.1.extend(v);
            }
        }
        done = hi;
        report_progress(progress, "monte carlo", done, samples)?;
    }
    let outputs = columns
        .iter()
        .map(|(name, v)| {
            let mut s = v.clone();
            s.sort_by(f64::total_cmp);
            Percentiles {
                name: name.clone(),
                p10: quantile(&s, 0.1),
                p50: quantile(&s, 0.5),
                p90: quantile(&s, 0.9),
                mean: v.iter().sum::<f64>() / v.len() as f64,
            }
        })
        .collect();
    Ok(MonteCarlo {
        samples,
        seed,
        outputs,
        draws: columns,
    })
}

/// One bar of a tornado.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// Assumption.
    pub name: String,
    /// The output at the assumption's low end.
    pub at_low: f64,
    /// The output at its high end.
    pub at_high: f64,
    /// The output at the defaults.
    pub base: f64,
    /// |at_high − at_low|.
    pub swing: f64,
}

/// One-at-a-time sensitivity of `output` (a name from the Monte Carlo outputs, e.g.
/// `usd_per_gpu_hour`) to each assumption, largest swing first; assumptions that do not move it
/// are left out.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::{sensitivity, Assumptions, Fleet, Group};
/// let data = chipmodel_perf::Catalogs::new(
///     chipmodel_catalog::Catalog::embedded().clone(),
///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
/// );
/// let f = Fleet::new(vec![Group::new("h200", 1000.0, chipmodel_fleet::Site::Cn)]);
/// let s = sensitivity(&data, &f, &Assumptions::defaults()?, None, "usd_per_gpu_hour")?;
/// // Economic life moves $/GPU-hour most, then the chip price and the cost of capital.
/// assert_eq!(s[0].name, "it_life_years");
/// assert!(s[..3].iter().any(|x| x.name == "price.h200-sxm"));
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
pub fn sensitivity(
    data: &Catalogs,
    fleet: &Fleet,
    a: &Assumptions,
    workload: Option<&Workload>,
    output: &str,
) -> Result<Vec<Sensitivity>, FleetError> {
    let mut cache = Vec::new();
    let pick = |r: &FleetReport| {
        outputs(r)
            .into_iter()
            .find(|(n, _)| *n == output)
            .map(|(_, v)| v)
    };
    let base_report = fleet.evaluate(data, a, workload, &mut cache)?;
    let base = pick(&base_report).ok_or_else(|| {
        invalid(
            "output",
            format!("'{output}'"),
            "not an output of this report",
        )
    })?;
    let mut out = Vec::new();
    for (name, x) in &a.values {
        if x.high <= x.low {
            continue;
        }
        let lo = pick(&fleet.evaluate(data, &a.with(name, x.low)?, workload, &mut cache)?)
            .unwrap_or(base);
        let hi = pick(&fleet.evaluate(data, &a.with(name, x.high)?, workload, &mut cache)?)
            .unwrap_or(base);
        let swing = (hi - lo).abs();
        if swing > base.abs() * 1e-12 {
            out.push(Sensitivity {
                name: name.clone(),
                at_low: lo,
                at_high: hi,
                base,
                swing,
            });
        }
    }
    out.sort_by(|x, y| y.swing.total_cmp(&x.swing).then(x.name.cmp(&y.name)));
    Ok(out)
}
