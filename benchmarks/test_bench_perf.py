"""Speed of the Python surface (pytest-benchmark). Run with ``bash scripts/bench.sh``, which
builds the extension in release mode first; the timings of a debug build mean nothing.

Targets (issue 3): one estimate_inference call ≤ 20 µs; sweep_inference ≥ 1,000,000
configurations per second on two cores.
"""

from __future__ import annotations

from typing import Any

import chipmodel

GRID: dict[str, Any] = dict(
    batch=list(range(1, 1025)),
    input_tokens=[128, 512, 1024, 2048, 4096],
    output_tokens=[128, 256, 512, 1024],
    weight_dtype=["bf16", "fp8"],
)
MODELS = ["llama-3.1-8b", "llama-2-70b"]
CHIPS = ["h100", "h200", "mi300x", "b200"]
N_CONFIGS = 2 * 4 * 1024 * 5 * 4 * 2  # 327,680


def test_estimate_inference_by_name(benchmark: Any) -> None:
    e = benchmark(chipmodel.estimate_inference, "llama-2-70b", "h100", n_chips=8, batch=64)
    assert e.fits


def test_estimate_inference_with_objects(benchmark: Any) -> None:
    m, c = chipmodel.model("llama-2-70b"), chipmodel.chip("h100")
    e = benchmark(chipmodel.estimate_inference, m, c, n_chips=8, batch=64)
    assert e.fits


def test_best_inference(benchmark: Any) -> None:
    e = benchmark(chipmodel.best_inference, "llama-2-70b", "h200", n_chips=8, tpot_slo_s=0.05)
    assert e.fits


def test_sweep_327680_configurations(benchmark: Any) -> None:
    cols = benchmark.pedantic(chipmodel.sweep_inference, args=(MODELS, CHIPS), kwargs=dict(threads=2, **GRID), rounds=5)
    assert len(cols["tpot_s"]) == N_CONFIGS
    seconds = benchmark.stats.stats.median
    benchmark.extra_info["configurations_per_s"] = N_CONFIGS / seconds


# Issue 7: 1,048,576 configurations (the Rust bench's grid), reduced in Rust or streamed by chunks.
GRID_1M: dict[str, Any] = dict(
    n_chips=[1, 2, 4, 8],
    batch=list(range(1, 1025)),
    input_tokens=[128, 1024, 2048, 4096],
    output_tokens=[128, 256, 512, 1024],
    weight_dtype=["bf16", "fp8"],
    usd_per_chip_hour=[2.2, 2.8, 2.0, 4.0],  # illustrative benchmark inputs
)
N_1M = 2 * 4 * 4 * 1024 * 4 * 4 * 2


def test_sweep_1m_reduced_to_a_pareto_front(benchmark: Any) -> None:
    r = chipmodel.Reduction.pareto(["throughput_per_chip_tokens_per_s", "tpot_s", "usd_per_million_tokens"])
    front = benchmark.pedantic(chipmodel.sweep_inference, args=(MODELS, CHIPS), kwargs=dict(threads=2, reduce=r, **GRID_1M), rounds=3)
    assert 0 < len(front["index"]) < 10_000
    benchmark.extra_info["configurations_per_s"] = N_1M / benchmark.stats.stats.median


def test_sweep_1m_streamed_in_chunks(benchmark: Any) -> None:
    grid = chipmodel.SweepGrid(MODELS, CHIPS, **GRID_1M)

    def run() -> int:
        return sum(len(c["index"]) for c in chipmodel.sweep_chunks(grid, chunk_size=262_144, threads=2))

    assert benchmark.pedantic(run, rounds=3) == N_1M
    benchmark.extra_info["configurations_per_s"] = N_1M / benchmark.stats.stats.median
