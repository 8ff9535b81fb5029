#!/usr/bin/env bash
# The main job: build chipmodel into .venv, then show the catalog and the H200-vs-H100 comparison.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
echo "==> building chipmodel (release)"
maturin develop --release --quiet
echo
echo "==> chipmodel chips"
chipmodel chips
echo
echo "==> chipmodel compare h200 h100"
chipmodel compare h200 h100
echo
echo "==> chipmodel best llama-2-70b h100 / h200 --n-chips 8 --weight-dtype fp8 --input-tokens 1024 --output-tokens 1024"
chipmodel best llama-2-70b h100 --n-chips 8 --weight-dtype fp8 --input-tokens 1024 --output-tokens 1024
chipmodel best llama-2-70b h200 --n-chips 8 --weight-dtype fp8 --input-tokens 1024 --output-tokens 1024
echo
echo "The seed article's \"1.75x increase in memory bandwidth\" is the capacity ratio (141/80 GB);"
echo "the bandwidth ratio is 4.8/3.35 TB/s = 1.43x; on a real model it buys what the estimates above show."
echo "Try: .venv/bin/chipmodel chip h200, .venv/bin/chipmodel estimate llama-2-70b h100 --n-chips 8 --batch 64"
