"""Every plot renders to a PNG that is not blank and returns its Axes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import chipmodel  # noqa: E402
from chipmodel import plot  # noqa: E402
from conftest import some  # noqa: E402

SEED = chipmodel.Fleet([("h200-sxm", 1000, "cn")])


def _result() -> Any:
    return chipmodel.run_scenario("h800-china-2023")


CASES: dict[str, Callable[[], Any]] = {
    "cost_breakdown": lambda: plot.cost_breakdown(_result()),
    "cost_breakdown_report": lambda: plot.cost_breakdown(SEED.tco()),
    "fleet_comparison": lambda: plot.fleet_comparison(_result(), "usd_per_million_tokens"),
    "tornado": lambda: plot.tornado(chipmodel.sensitivity(SEED)),
    "monte_carlo": lambda: plot.monte_carlo(chipmodel.monte_carlo(SEED, samples=200, seed=1)),
    "monte_carlo_scenario": lambda: plot.monte_carlo(some(chipmodel.run_scenario("us-b200-buildout-2025")["monte_carlo"])),
    "export_control_map": lambda: plot.export_control_map(date="2024-06-01"),
    "compliance_timeline": lambda: plot.compliance_timeline(["a800", "h800", "h20", "h200"]),
    "roofline": lambda: plot.roofline(
        ["h100", "h200", "mi300x"], chipmodel.estimate_inference("llama-2-70b", "h100", n_chips=8, batch=64)
    ),
    "throughput_latency": lambda: plot.throughput_latency(
        chipmodel.sweep_inference(["llama-3.1-8b"], ["h100", "h200"], batch=[1, 4, 16, 64, 256], n_chips=[1])
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_plot_renders(name: str) -> None:
    ax = CASES[name]()
    assert ax.has_data() and ax.get_title()
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=60)
    plt.close(ax.figure)
    img = plt.imread(io.BytesIO(buf.getvalue()))
    # Not blank: many distinct colours and a real spread of intensity.
    assert img.shape[0] > 100 and img.shape[1] > 100
    assert img[..., :3].std() > 0.05
    assert len({tuple(px) for px in img[::7, ::7, :3].reshape(-1, 3).round(2).tolist()}) > 5


def test_plot_draws_on_given_axes() -> None:
    fig, ax = plt.subplots()
    assert plot.tornado(chipmodel.sensitivity(SEED), ax=ax) is ax
    plt.close(fig)
