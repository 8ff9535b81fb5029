#!/usr/bin/env bash
# Builds everything from scratch (a fresh .venv, maturin, the Rust and Python test dependencies)
# and runs every test: formatting, clippy, Rust unit/integration tests, Rust doctests (crate docs,
# README and docs/ Rust blocks), the Python build, pytest (API, bad input, CLI, every Python and
# TOML example in README.md and docs/, docstrings, notebooks, plots), mypy --strict, stubtest, the
# stub's docstrings against the Rust ones (scripts/sync_stub_docs.py --check), the kernel curves
# against their database (scripts/derive_kernel_curves.py --check), the docs site
# (mkdocs --strict), property tests (proptest, hypothesis) and a bounded fuzz run.
export CHIPMODEL_BROWSER="${CHIPMODEL_BROWSER:-1}"  # the browser tests must run (set 0 to skip them)
. "$(dirname "${BASH_SOURCE[0]}")/env.sh" fresh
export CI="${CI:-true}"   # insta: never write snapshots during the test run; a mismatch fails

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test (unit and integration)"
cargo test --workspace --locked --all-targets
echo "==> cargo test --doc"
cargo test --workspace --locked --doc
echo "==> Rust examples"
cargo run --quiet --locked -p chipmodel-catalog --example catalog_check > /dev/null
echo "==> building the Python extension"
maturin develop --quiet --features test-hooks
echo "==> mypy --strict, stubtest and the stub's docstrings"
mypy --strict python/chipmodel tests examples
python -m mypy.stubtest chipmodel._chipmodel
python scripts/gen_results.py --check
python scripts/sync_stub_docs.py --check   # stub docstrings = the Rust /// comments
python scripts/derive_kernel_curves.py --check   # kernels.toml = NVIDIA's kernel database, derived
echo "==> docs site (mkdocs --strict: warnings are errors)"
export CHIPMODEL_SITE_DIR="$(mktemp -d)"   # pytest checks the seed story's plots in this build
NO_MKDOCS_2_WARNING=1 mkdocs build --strict --quiet --site-dir "$CHIPMODEL_SITE_DIR"
echo "==> pytest"
python -m pytest
echo "==> fuzzing every file format and the estimate entry points (30 s a target; scripts/fuzz.sh)"
bash "$(dirname "${BASH_SOURCE[0]}")/fuzz.sh" "${CHIPMODEL_FUZZ_SECONDS:-30}"
