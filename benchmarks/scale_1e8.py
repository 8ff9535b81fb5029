"""The scale benchmark of issue 7, from Python: a 10^8-configuration design-space sweep reduced
in Rust to a Pareto front (throughput per chip up, time per output token down, USD per million
tokens down), with progress, on this machine's cores. Prints configurations per second and the
process's peak memory, and exits 1 if the targets (under 2 minutes, under 1 GB) are missed.

Run: .venv/bin/python benchmarks/scale_1e8.py [threads]   (scripts/bench.sh runs it)
"""

from __future__ import annotations

import resource
import sys
import time

import chipmodel

MODELS = ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-2-7b", "llama-2-70b",
          "qwen2.5-72b", "mixtral-8x7b", "mixtral-8x22b", "qwen3-235b-a22b", "deepseek-v3"]  # fmt: skip
CHIPS = ["h100", "h200", "h20", "b200", "a100", "mi300x", "mi325x", "gaudi3", "ascend-910c", "tpu-v5p"]
# Illustrative USD per chip-hour: benchmark inputs, not results.
PRICES = [2.2, 2.8, 1.2, 4.0, 1.3, 2.0, 2.4, 1.5, 1.6, 2.6]


def grid() -> chipmodel.SweepGrid:
    """The same 10 × 10 × 10 × 2 × 25 × 20 × 25 × 2 × 2 = 10^8 grid as the Rust example
    (crates/chipmodel-perf/examples/sweep_1e8.rs)."""
    return chipmodel.SweepGrid(
        MODELS,
        CHIPS,
        n_chips=[1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
        pp=[1, 2],
        batch=[(1 << (i % 10)) << (i // 10) for i in range(25)],
        input_tokens=[256 * i for i in range(1, 21)],
        output_tokens=[64 * i for i in range(1, 26)],
        weight_dtype=["bf16", "fp8"],
        kv_dtype=[None, "fp8"],
        usd_per_chip_hour=PRICES,
    )


def main() -> int:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    g = grid()
    assert len(g) == 100_000_000
    r = chipmodel.Reduction.pareto(
        ["throughput_per_chip_tokens_per_s", "tpot_s", "usd_per_million_tokens"], max_tpot_s=0.1
    )
    show = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if show:
            print(f"\r{stage} {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    t = time.perf_counter()
    front = chipmodel._sweep.run_grid(g, reduce=r, threads=threads, progress=progress)
    seconds = time.perf_counter() - t
    if show:
        print(file=sys.stderr)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"10^8 configurations reduced to a Pareto front of {len(front['index'])} in {seconds:.1f} s "
        f"({len(g) / seconds / 1e6:.2f} M configurations/s, threads={threads or 'all'}), "
        f"peak memory {peak_mib:.0f} MiB"
    )
    best = front["index"][front["throughput_per_chip_tokens_per_s"].argmax()]
    print(f"highest throughput per chip on the front: grid index {best}")
    ok = seconds < 120 and peak_mib < 1024
    print("targets (under 120 s, under 1,024 MiB):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
