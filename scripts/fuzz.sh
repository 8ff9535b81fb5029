#!/usr/bin/env bash
# Fuzzes every file format chipmodel parses (catalog, model config, rules, scenario) and the
# estimate entry points with libFuzzer (cargo-fuzz), SECONDS seconds per target (default 60).
#   bash scripts/fuzz.sh 30      # the bounded run CI does
#   bash scripts/fuzz.sh 3600    # the longer run (an hour per target)
# Each corpus starts from the shipped files (fuzz/seeds holds the rest). A crash stops the run
# with its input under fuzz/artifacts/<target>/; turn it into a regression test
# (crates/*/tests/fuzz_regressions.rs) before fixing it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_PER_TARGET="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || timeout 900 cargo install --locked cargo-fuzz
# cargo-fuzz passes nightly-only flags to rustc; the one toolchain here is stable.
export RUSTC_BOOTSTRAP=1
seed() {  # seed <target> <files...>
  mkdir -p "fuzz/corpus/$1"
  for f in "${@:2}"; do cp -f "$f" "fuzz/corpus/$1/$(basename "$f")"; done
}
seed catalog crates/chipmodel-catalog/data/*.toml
seed rules crates/chipmodel-compliance/data/rules/*.toml
seed scenario crates/chipmodel-fleet/data/scenarios/*.toml
seed model fuzz/seeds/model/*
seed estimate fuzz/seeds/estimate/*
mkdir -p fuzz/logs
for target in catalog model rules scenario estimate; do
  echo "==> fuzzing $target for ${SECONDS_PER_TARGET}s"
  status=0
  cargo fuzz run --fuzz-dir fuzz --sanitizer none "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
    -print_final_stats=1 > "fuzz/logs/$target.log" 2>&1 || status=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)|panicked|Test unit written" \
    "fuzz/logs/$target.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "fuzz/logs/$target.log"
    echo "fuzz target $target failed (exit $status): the input is under fuzz/artifacts/$target/"
    exit 1
  fi
done
