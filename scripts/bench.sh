#!/usr/bin/env bash
# Benchmarks: Rust (divan: one estimate, one call by name, best_inference, sweeps on 1 and 2 threads)
# and Python (pytest-benchmark: estimate_inference, best_inference, sweep_inference), release builds.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
.venv/bin/python -m pip install --quiet "pytest-benchmark>=4"
echo "==> cargo bench (divan)"
cargo bench --locked -p chipmodel-perf -p chipmodel-fleet
echo "==> building the Python extension (release)"
maturin develop --release --quiet
echo "==> pytest-benchmark"
python -m pytest benchmarks -q -p no:cacheprovider --benchmark-columns=min,median,mean,ops --benchmark-sort=name -o addopts="" "$@"
