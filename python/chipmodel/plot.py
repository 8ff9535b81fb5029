"""Plots that answer chipmodel's questions at a glance (matplotlib, an optional dependency).

Each function draws on ``ax`` (a new figure when ``None``) and returns the matplotlib ``Axes`` so
it can be restyled. Install the extra with ``pip install chipmodel[plot]``.

>>> import matplotlib; matplotlib.use("Agg")
>>> import chipmodel, chipmodel.plot
>>> ax = chipmodel.plot.export_control_map(date="2024-06-01")
>>> ax.get_xscale()
'log'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import chipmodel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "data_uri",
    "to_html",
    "compliance_timeline",
    "fleets",
    "cost_breakdown",
    "export_control_map",
    "fleet_comparison",
    "monte_carlo",
    "roofline",
    "throughput_latency",
    "tornado",
]

POLICY_COLOURS = {
    "none": "#4caf50",
    "presumption-of-approval": "#9ccc65",
    "case-by-case": "#ffb300",
    "presumption-of-denial": "#e53935",
}


def data_uri(figure: Any, dpi: int = 110) -> str:
    """A figure (or an ``Axes``) as a ``data:image/png;base64,...`` URI, to embed in a
    self-contained page; the figure is closed afterwards."""
    import base64
    import io

    import matplotlib.pyplot as plt

    fig = getattr(figure, "figure", figure)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def to_html(figure: Any, alt: str, dpi: int = 110) -> str:
    """An ``<img>`` element holding the figure (or ``Axes``) as an embedded PNG: for HTML
    reports, notebooks' ``IPython.display.HTML`` and docs pages built with markdown-exec.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import chipmodel.plot
    >>> chipmodel.plot.to_html(chipmodel.plot.export_control_map(), "map")[:44]
    '<img alt="map" src="data:image/png;base64,iV'
    """
    import html

    return f'<img alt="{html.escape(alt)}" src="{data_uri(figure, dpi)}">'


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise ImportError("chipmodel.plot needs matplotlib: pip install 'chipmodel[plot]'") from e
    _, new = plt.subplots(figsize=figsize)
    return new


def fleets(source: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(name, totals) pairs from a ``FleetReport``, a ``run_scenario`` result (the fleet, then each
    equivalent fleet as ``"= chip"``) or such pairs; shared by the plots and the report's tables."""
    if isinstance(source, chipmodel.FleetReport):
        return [("fleet", source.total)]
    if isinstance(source, Mapping) and "report" in source:
        out = [("this fleet", source["report"]["total"])]
        out += [(f"= {e['chip']}", e["report"]["total"]) for e in source.get("equivalents", [])]
        return out
    return [(str(n), dict(t.total if isinstance(t, chipmodel.FleetReport) else t)) for n, t in source]


def cost_breakdown(source: Any, ax: Axes | None = None) -> Axes:
    """Annual cost of ownership by item (capital charge and each opex item), stacked per fleet.

    ``source``: a ``FleetReport``, a ``run_scenario`` result, or ``[(name, report_or_totals)]``.
    """
    rows = fleets(source)
    ax = _axes(ax, (7, 3.6))
    names = [n for n, _ in rows]
    items: list[tuple[str, list[float]]] = [
        ("capital charge", [t["capital_charge_usd_per_year"] / 1e9 for _, t in rows])
    ]
    items += [(f"opex: {k}", [t["opex"][k] / 1e9 for _, t in rows]) for k in rows[0][1]["opex"]]
    bottom = [0.0] * len(rows)
    for label, vals in items:
        ax.bar(names, vals, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_ylabel("USD billion per year")
    ax.set_title("Annual cost of ownership by item")
    ax.legend(fontsize=8)
    return ax


def fleet_comparison(source: Any, metric: str = "facility_mw", ax: Axes | None = None) -> Axes:
    """One figure of each fleet side by side (``facility_mw``, ``usd_per_million_tokens``, ``count``, …)."""
    rows = fleets(source)
    ax = _axes(ax, (6, 3.2))
    ax.bar([n for n, _ in rows], [t.get(metric) or 0.0 for _, t in rows], color="tab:blue")
    ax.set_title(metric.replace("_", " "))
    ax.tick_params(axis="x", labelrotation=15, labelsize=8)
    return ax


def tornado(rows: Sequence[Mapping[str, Any]], output: str = "usd_per_gpu_hour", top: int = 10,
            ax: Axes | None = None) -> Axes:  # fmt: skip
    """The sensitivity table as a tornado: each assumption's output at its low and high ends."""
    shown = list(rows[:top])[::-1]
    ax = _axes(ax, (7, 0.35 * len(shown) + 1.2))
    for i, r in enumerate(shown):
        lo, hi = sorted((r["at_low"], r["at_high"]))
        ax.barh(i, hi - lo, left=lo, color="tab:blue")
    if shown:
        ax.axvline(shown[0]["base"], color="black", linewidth=1)
    ax.set_yticks(range(len(shown)), [r["name"] for r in shown], fontsize=8)
    ax.set_title(f"Sensitivity of {output}")
    return ax


def monte_carlo(result: Mapping[str, Any], output: str = "usd_per_gpu_hour", ax: Axes | None = None) -> Axes:
    """Histogram of one Monte Carlo output with its P10, P50 and P90 dashed."""
    draws = result["draws"]
    ax = _axes(ax, (7, 3.2))
    ax.hist(draws[output], bins=40, color="tab:blue")
    p = {o["name"]: o for o in result["outputs"]}[output]
    for q in ("p10", "p50", "p90"):
        ax.axvline(p[q], color="black", linestyle="--", linewidth=1)
    ax.set_xlabel(output.replace("_", " "))
    ax.set_title(f"Monte Carlo: {result['samples']} draws, seed {result['seed']} (P10/P50/P90 dashed)")
    return ax


def export_control_map(date: str = "2024-06-01", destination: str = "CN", ax: Axes | None = None) -> Axes:
    """TPP against performance density, the October 2023 regions of 3A090, and the catalog's chips
    coloured by their classification for ``destination`` on ``date``."""
    rows = chipmodel.compliance_frame(date=date, destination=destination)
    known = rows.dropna(subset=["performance_density"])
    ax = _axes(ax, (8, 5.5))
    ax.axvspan(4800, 70000, color="tab:red", alpha=0.12, label="3A090.a.1: TPP ≥ 4,800")
    ax.fill_between([1600, 4800], 5.92, 60, color="tab:red", alpha=0.25, label="3A090.a.2: PD ≥ 5.92")
    ax.fill_between([1600, 4800], 3.2, 5.92, color="tab:orange", alpha=0.25, label="3A090.b.2: 3.2 ≤ PD < 5.92")
    ax.fill_between([2400, 4800], 1.6, 3.2, color="tab:orange", alpha=0.12, label="3A090.b.1")
    colours = [POLICY_COLOURS.get(p, "grey") for p in known["review_policy"]]
    ax.scatter(known["tpp"], known["performance_density"], c=colours, zorder=3, s=18)
    for chip, row in known.iterrows():
        ax.annotate(str(chip), (row["tpp"], row["performance_density"]), fontsize=7, xytext=(3, 2),
                    textcoords="offset points")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="TPP", ylabel="performance density (TPP / mm²)",
           xlim=(1000, 70000), ylim=(1, 60), title=f"3A090 regions and the catalog's chips ({destination}, {date})")  # fmt: skip
    ax.legend(loc="lower right", fontsize=7)
    return ax


def compliance_timeline(chips: Iterable[str], destination: str = "CN", end: str = "2026-12-31",
                        ax: Axes | None = None) -> Axes:  # fmt: skip
    """Each chip's licence policy for ``destination`` from October 2022 on, one row per chip."""
    import datetime as dt

    import matplotlib.dates as mdates

    date2num: Any = mdates.date2num  # untyped in matplotlib's stubs

    def num(d: str) -> float:
        return float(date2num(dt.date.fromisoformat(d)))

    names = list(chips)
    ax = _axes(ax, (8, 0.5 * len(names) + 1.5))
    for i, chip in enumerate(names):
        steps = chipmodel.timeline(chip, destination=destination)
        starts = [num(s["date"]) for s in steps] + [num(end)]
        for s, a, b in zip(steps, starts, starts[1:], strict=False):
            ax.barh(i, b - a, left=a, color=POLICY_COLOURS.get(s["review_policy"], "grey"))
    ax.set_yticks(range(len(names)), names)
    ax.xaxis_date()
    from matplotlib.patches import Patch

    handles = [Patch(color=colour, label=policy) for policy, colour in POLICY_COLOURS.items()]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title(f"US licence policy for exports to {destination}")
    return ax


def roofline(chips: Iterable[str], estimate: Any = None, precision: str = "bf16", ax: Axes | None = None) -> Axes:
    """Each chip's roofline (dense ``precision`` peak and memory bandwidth) with, given an
    ``InferenceEstimate``, its prefill and decode points (FLOP per byte, achieved FLOP/s per chip)."""
    import numpy as np

    ax = _axes(ax, (7, 4.5))
    x = np.logspace(-1, 4, 200)
    for name in chips:
        c = chipmodel.chip(name)
        peak = c.dense_flops_per_s(precision)
        if peak is None:
            continue
        ax.plot(x, np.minimum(peak, x * c.memory_bandwidth_bytes_per_s), label=c.id)
    if estimate is not None:
        d = estimate.to_dict()
        n = d["setup"]["n_chips"]
        for phase, marker in (("prefill", "o"), ("decode", "s")):
            p = d[phase]
            if p["bytes"] > 0 and p["time_s"] > 0:
                ax.scatter([p["flops"] / p["bytes"]], [p["flops"] / p["time_s"] / n], marker=marker, zorder=3,
                           color="black", label=f"{estimate.model} {phase}")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="arithmetic intensity (FLOP/byte)", ylabel="FLOP/s per chip",
           title=f"Roofline ({precision} dense peak)")  # fmt: skip
    ax.legend(fontsize=7)
    return ax


def throughput_latency(frame: Any, ax: Axes | None = None) -> Axes:
    """Throughput against time per output token from a sweep frame (``sweep_inference``), one
    curve per (model, chip)."""
    if isinstance(frame, Mapping):
        frame = chipmodel.sweep_frame(dict(frame))
    ax = _axes(ax, (7, 4.5))
    ok = frame[frame["fits"] & frame["valid"]] if "fits" in frame else frame
    for (model, chip), g in ok.groupby(["model", "chip"]):
        g = g.sort_values("tpot_s")
        ax.plot(g["tpot_s"] * 1e3, g["throughput_tokens_per_s"], marker=".", label=f"{model} on {chip}")
    ax.set(xlabel="time per output token (ms)", ylabel="output tokens/s", title="Throughput against latency")
    ax.legend(fontsize=7)
    return ax
