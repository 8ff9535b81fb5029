"""Speed of fleet economics from Python (pytest-benchmark; `bash scripts/bench.sh`).

No target is set by an issue; the figures are reported in the issue note. A scenario run is
interactive when it takes well under a second.
"""

from __future__ import annotations

from typing import Any

import pytest

import chipmodel

SEED = chipmodel.Fleet([("h200-sxm", 400_000, "cn")])


def test_fleet_tco_with_workload(benchmark: Any) -> None:
    r = benchmark(SEED.tco, None, "llama-3.1-70b")
    assert round(r.total["facility_mw"]) == 700


def test_monte_carlo_1000(benchmark: Any) -> None:
    mc = benchmark(chipmodel.monte_carlo, SEED, None, None, 1000, 0)
    assert mc["samples"] == 1000


@pytest.mark.parametrize("threads", [1, 2])
def test_monte_carlo_10000_draws_streamed(benchmark: Any, threads: int) -> None:
    def run() -> int:
        return sum(len(c["usd_per_gpu_hour"]) for c in chipmodel.monte_carlo_chunks(SEED, 10_000, chunk_size=2_500, threads=threads))

    assert benchmark.pedantic(run, rounds=3) == 10_000
    benchmark.extra_info["samples_per_s"] = 10_000 / benchmark.stats.stats.median


def test_run_seed_scenario(benchmark: Any) -> None:
    s = chipmodel.load_scenario()
    r = benchmark(chipmodel.run_scenario, s)
    assert r["hybrid"] is not None


def test_plan_hybrid(benchmark: Any) -> None:
    supplies = [{"chip": "h200-sxm", "max_count": 400_000}, {"chip": "ascend-910c", "max_count": 600_000}]
    demands = [
        {"model": "deepseek-v3", "tokens_per_day": 1e13, "allowed_chips": ["h200-sxm"]},
        {"model": "llama-3.1-70b", "tokens_per_day": 3.5e13},
    ]
    p = benchmark(chipmodel.plan_hybrid, supplies, demands)
    assert p["allocation"]["binding"]
