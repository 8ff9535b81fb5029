#!/usr/bin/env bash
# The main job: build chipmodel into .venv, then run the seed scenario (400,000 H200 in China):
# tables on the terminal, results.json and report.html under chipmodel-out/seed-h200-china-2026/.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
echo "==> building chipmodel (release)"
maturin develop --release --quiet
echo
echo "==> chipmodel run   (the seed scenario: scenarios/seed-h200-china-2026.toml)"
chipmodel run
echo
echo "==> chipmodel compare h200 h100"
chipmodel compare h200 h100
echo
echo "The seed article's \"1.75x increase in memory bandwidth\" is the capacity ratio (141/80 GB);"
echo "the bandwidth ratio is 4.8/3.35 TB/s = 1.43x."
echo "Try: .venv/bin/chipmodel run --list, .venv/bin/chipmodel chips, .venv/bin/chipmodel classify h20 --timeline"
