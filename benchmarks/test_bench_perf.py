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
