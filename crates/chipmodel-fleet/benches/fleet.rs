//! Speed of fleet economics: one report without and with a workload, a 1,000-draw Monte Carlo,
//! the sensitivity table, the seed scenario end to end, and the hybrid planner.
//! Run: `cargo bench -p chipmodel-fleet`.

use chipmodel_fleet::{
    Assumptions, Fleet, Group, Scenario, Workload, monte_carlo, monte_carlo_draws, run_scenario,
    sensitivity,
};

#[path = "../tests/common/mod.rs"]
mod common;
use common::catalogs;

fn main() {
    divan::main();
}

fn seed() -> Fleet {
    Fleet::new(vec![Group::new(
        "h200",
        400_000.0,
        chipmodel_fleet::Site::Cn,
    )])
}

#[divan::bench]
fn report_no_workload(b: divan::Bencher) {
    let (f, a) = (seed(), Assumptions::defaults().unwrap());
    b.bench(|| f.report(catalogs(), divan::black_box(&a), None).unwrap());
}

#[divan::bench]
fn report_with_workload(b: divan::Bencher) {
    let (f, a, w) = (
        seed(),
        Assumptions::defaults().unwrap(),
        Workload::new("llama-3.1-70b"),
    );
    b.bench(|| {
        f.report(catalogs(), divan::black_box(&a), Some(&w))
            .unwrap()
    });
}

/// 1,000 draws (each a full fleet report with the workload) on 1 and 2 threads.
#[divan::bench(sample_count = 10, args = [1, 2])]
fn monte_carlo_1000_draws(b: divan::Bencher, threads: usize) {
    let (f, a, w) = (
        seed(),
        Assumptions::defaults().unwrap(),
        Workload::new("llama-3.1-70b"),
    );
    b.counter(divan::counter::ItemsCount::new(1000usize))
        .bench(|| monte_carlo_draws(catalogs(), &f, &a, Some(&w), 0, 0..1000, threads).unwrap());
}

/// The whole Monte Carlo (draws and percentiles) on all cores.
#[divan::bench(sample_count = 10)]
fn monte_carlo_1000_with_percentiles(b: divan::Bencher) {
    let (f, a, w) = (
        seed(),
        Assumptions::defaults().unwrap(),
        Workload::new("llama-3.1-70b"),
    );
    b.bench(|| monte_carlo(catalogs(), &f, &a, Some(&w), 1000, 0).unwrap());
}

#[divan::bench(sample_count = 10)]
fn sensitivity_table(b: divan::Bencher) {
    let (f, a) = (seed(), Assumptions::defaults().unwrap());
    b.bench(|| sensitivity(catalogs(), &f, &a, None, "usd_per_gpu_hour").unwrap());
}

#[divan::bench(sample_count = 10)]
fn seed_scenario_end_to_end(b: divan::Bencher) {
    let s = Scenario::seed(catalogs()).unwrap();
    b.bench(|| run_scenario(catalogs(), divan::black_box(&s)).unwrap());
}
