#!/usr/bin/env bash
# Benchmarks, release builds, one command: Rust (divan: one estimate, best_inference, sweeps and
# reduced sweeps on 1 and 2 threads, chunked sweeps, fleet reports, Monte Carlo on 1 and 2
# threads), Python (pytest-benchmark: the same from Python), and the 10^8-configuration reduced
# sweep from Rust and from Python with its time and peak memory. Figures: docs/performance.md.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
.venv/bin/python -m pip install --quiet "pytest-benchmark>=4"
echo "==> cargo bench (divan)"
cargo bench --locked -p chipmodel-perf -p chipmodel-fleet
echo "==> 10^8 configurations, reduced in Rust (Pareto, best per model and chip, top 100)"
cargo run --quiet --release --locked -p chipmodel-perf --example sweep_1e8 -- 0 all
echo "==> building the Python extension (release)"
maturin develop --release --quiet
echo "==> pytest-benchmark"
python -m pytest benchmarks -q -p no:cacheprovider --benchmark-columns=min,median,mean,ops --benchmark-sort=name -o addopts="" "$@"
echo "==> 10^8 configurations reduced from Python (targets: under 2 minutes, under 1 GB)"
python benchmarks/scale_1e8.py
