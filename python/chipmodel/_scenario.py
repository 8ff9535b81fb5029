"""Scenario output: readable tables, a results JSON and a self-contained HTML report with plots.

The numbers all come from :func:`chipmodel.run_scenario` (Rust); this module only lays them out.
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["format_text", "headline", "headline_markdown", "write_html", "write_outputs"]


def _money(x: float) -> str:
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"${x / div:,.2f}{unit}"
    return f"${x:,.2f}"


def _big(x: float) -> str:
    for div, unit in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(x) >= div:
            return f"{x / div:,.2f}{unit}"
    return f"{x:,.0f}"


def _short(x: float | None) -> str:
    if x is None:
        return "-"
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:,.2f}{unit}"
    return f"{x:,.0f}"


_POLICY = {"presumption-of-denial": "denial", "presumption-of-approval": "approval"}


def headline(result: Mapping[str, Any]) -> dict[str, str]:
    """The figures the README quotes, formatted as printed.

    >>> import chipmodel
    >>> h = chipmodel._scenario.headline(chipmodel.run_scenario("h800-china-2023"))
    >>> h["chips"]
    '50,000 × h800-sxm'
    """
    t = result["report"]["total"]
    groups = result["report"]["groups"]
    out = {
        "chips": " + ".join(f"{g['group']['count']:,.0f} × {g['chip']}" for g in groups),
        "capex": _money(t["capex"]["chips"] + sum(v for k, v in t["capex"].items() if k != "chips")),
        "facility_mw": f"{t['facility_mw']:,.0f} MW",
        "annual_gwh": f"{t['annual_gwh']:,.0f} GWh",
        "tco_per_year": _money(t["tco_usd_per_year"]),
        "usd_per_gpu_hour": f"${t['usd_per_gpu_hour']:.2f}",
        "usd_per_gpu_hour_utilized": f"${t['usd_per_gpu_hour_utilized']:.2f}",
        "us_tariff": _money(t["us_tariff_usd"]),
    }
    if t.get("tokens_per_day") is not None:
        out["tokens_per_day"] = _big(t["tokens_per_day"])
        out["usd_per_million_tokens"] = f"${t['usd_per_million_tokens']:.3f}"
        out["joules_per_token"] = f"{t['joules_per_token']:.2f} J"
    hybrid = result.get("hybrid")
    if hybrid:
        a = hybrid["allocation"]
        out["hybrid"] = f"{a['total_chips']:,.0f} chips, {a['facility_mw']:,.0f} MW, TCO {_money(a['tco_usd_per_year'])}/yr"
        for sres in a["supplies"]:
            if sres["cap_binding"]:
                out[f"extra.{sres['name']}"] = f"{_money(sres['usd_per_year_saved_per_extra_chip'])}/yr"
    for e in result["equivalents"]:
        et = e["report"]["total"]
        out[f"equivalent.{e['chip']}"] = (
            f"{e['count']:,.0f} chips, {et['facility_mw']:,.0f} MW, ${et['usd_per_million_tokens']:.3f}/Mtok"
        )
    return out


_LABELS = {
    "chips": "fleet",
    "capex": "capital cost, all in",
    "facility_mw": "facility power at peak",
    "annual_gwh": "energy per year",
    "tco_per_year": "total cost of ownership per year",
    "usd_per_gpu_hour": "cost per GPU-hour installed",
    "usd_per_gpu_hour_utilized": "cost per GPU-hour used",
    "us_tariff": "US tariff on the chips",
    "tokens_per_day": "output tokens per day",
    "usd_per_million_tokens": "cost per million output tokens",
    "joules_per_token": "facility energy per output token",
}


def headline_markdown(result: Mapping[str, Any]) -> str:
    """The headline as a Markdown table (the README's copy is checked against it by a test)."""
    rows = ["| figure | value |", "|---|---|"]
    rows += [f"| {label} | {v} |" for label, v in _headline_rows(result)]
    return "\n".join(rows)


def _headline_rows(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for k, v in headline(result).items():
        if k.startswith("extra."):
            label = f"one more {k.split('.', 1)[1].split('@')[0]} is worth"
        elif k == "hybrid":
            label = "hybrid plan (LP)"
        else:
            label = _LABELS.get(k) or f"same tokens on {k.split('.', 1)[1]}"
        out.append((label, v))
    return out


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return "\n".join(out)


def _compliance_cells(c: dict[str, Any], short: bool = False) -> list[str]:
    """One compliance row as table cells (``short``: policies abbreviated for the terminal)."""
    policy = _POLICY.get(c["review_policy"], c["review_policy"]) if short else c["review_policy"]
    return [
        c["chip"],
        c["destination"],
        c["date"],
        c["rules"] or "-",
        c["eccn"] or ("-" if c["determined"] else "undetermined"),
        "yes" if c["license_required"] else "no",
        policy,
        "-" if c["tariff_rate"] is None else f"{c['tariff_rate']:.0%}",
    ]


def _plan_table(plan: dict[str, Any]) -> str:
    a = plan["allocation"]
    rows = [
        [x["option"], x["workload"], f"{x['chips']:,.0f}", _big(x["tokens_per_day"])]
        for x in a["assignments"]
    ]
    lines = [_table(["chips", "workload", "count", "tokens/day"], rows)]
    lines.append(
        f"total {a['total_chips']:,.0f} chips · capex {_money(a['capex_usd'])} · {a['facility_mw']:,.0f} MW · "
        f"TCO {_money(a['tco_usd_per_year'])}/yr · binding: {', '.join(a['binding']) or 'none'}"
    )
    for sres in a["supplies"]:
        if sres["cap_binding"]:
            lines.append(
                f"one more {sres['name']} is worth {_money(sres['usd_per_year_saved_per_extra_chip'])}/yr to the buyer"
            )
    for d in a["demands"]:
        lines.append(f"marginal cost of {d['name']}: ${d['marginal_usd_per_million_tokens']:.3f} per million tokens")
    return "\n".join(lines)


def format_text(result: Mapping[str, Any]) -> str:
    """The scenario's results as plain-text tables.

    >>> import chipmodel
    >>> text = chipmodel._scenario.format_text(chipmodel.run_scenario("h800-china-2023"))
    >>> "Not legal advice" in text and "Fleet comparison" in text
    True
    """
    s = result["scenario"]
    t = result["report"]["total"]
    parts = [f"{s['title']}  [{s['id']}, {s['file']}]"]
    if s.get("description"):
        parts.append(s["description"])
    w = s.get("workload")
    if w:
        parts.append(
            f"Workload: {w['model']}, {w['input_tokens']} in / {w['output_tokens']} out, "
            f"{w['weight_dtype']} weights; horizon {s['fleet']['horizon_years']:g} years."
        )
    parts.append("\nHeadline")
    parts.append(_table(["figure", "value"], [[k, v] for k, v in _headline_rows(result)]))

    parts.append("\nCapex by item (USD)")
    parts.append(_table(["item", "USD"], [[k, _money(v)] for k, v in t["capex"].items()]))
    parts.append("\nAnnual cost (USD/year)")
    annual = [["capital charge", _money(t["capital_charge_usd_per_year"])]]
    annual += [[f"opex: {k}", _money(v)] for k, v in t["opex"].items()]
    annual.append(["TCO per year", _money(t["tco_usd_per_year"])])
    parts.append(_table(["item", "USD/year"], annual))

    rows = []
    from chipmodel.plot import fleets

    for name, f in fleets(result):
        n = f["count"]
        rows.append(
            [
                name,
                f"{n:,.0f}",
                _money(f["capex"]["chips"] + sum(v for k, v in f["capex"].items() if k != "chips")),
                f"{f['facility_mw']:,.0f}",
                _money(f["tco_usd_per_year"]),
                f"{f['usd_per_gpu_hour']:.2f}",
                _short(f.get("tokens_per_day")),
                "-" if f.get("usd_per_million_tokens") is None else f"{f['usd_per_million_tokens']:.3f}",
            ]
        )
    parts.append("\nFleet comparison")
    parts.append(
        _table(["fleet", "chips", "capex", "MW", "TCO/yr", "$/GPU-h", "tokens/day", "$/Mtok"], rows)
    )

    sched = result.get("schedule") or []
    if len(sched) > 2:
        parts.append("\nDeployment (chips delivered in a quarter serve from the next)")
        parts.append(
            _table(
                ["quarter", "delivered", "serving", "capex", "cumulative", "MW", "cost", "tokens/day"],
                [
                    [
                        r["quarter"],
                        f"{r['delivered']:,.0f}",
                        f"{r['in_service']:,.0f}",
                        _money(r["capex_usd"]),
                        _money(r["cumulative_capex_usd"]),
                        f"{r['facility_mw']:,.0f}",
                        _money(r["cost_usd"]),
                        _short(r.get("tokens_per_day")),
                    ]
                    for r in sched
                ],
            )
        )
    shock = result.get("shock")
    if shock:
        cut = ", ".join(f"{n:,.0f} × {c}" for c, n in shock["cut"]) or "nothing"
        st = shock["report"]["total"]
        parts.append(f"\nExport shock on {shock['date']}: {cut} not delivered")
        rows = [
            ["chips delivered", f"{st['count']:,.0f}"],
            ["facility MW", f"{st['facility_mw']:,.0f}"],
            ["TCO per year", _money(st["tco_usd_per_year"])],
        ]
        if shock.get("tokens_per_day_lost") is not None:
            rows.append(["tokens per day lost", _big(shock["tokens_per_day_lost"])])
        if shock.get("replacement"):
            chip, n, rep = shock["replacement"]
            rt = rep["total"]
            rows.append([f"{chip} to make them up", f"{n:,.0f} chips, {rt['facility_mw']:,.0f} MW, {_money(rt['capex']['chips'])} of chips"])
        parts.append(_table(["after the cut", "value"], rows))

    hybrid = result.get("hybrid")
    if hybrid:
        parts.append("\nHybrid plan (lowest TCO that meets every demand within the caps; LP)")
        parts.append(_plan_table(hybrid))
        after = result.get("hybrid_after_shock")
        if after:
            parts.append(f"\nThe same plan after the export shock on {shock['date'] if shock else '?'}")
            if after["plan"]:
                parts.append(_plan_table(after["plan"]))
            else:
                parts.append(f"no plan meets the demands: {after['infeasible']}")

    mc = result.get("monte_carlo")
    if mc:
        parts.append(f"\nUncertainty: {mc['samples']} draws, seed {mc['seed']} (triangular over each range)")
        parts.append(
            _table(
                ["output", "P10", "P50", "P90"],
                [[o["name"], f"{o['p10']:.4g}", f"{o['p50']:.4g}", f"{o['p90']:.4g}"] for o in mc["outputs"]],
            )
        )
    sens = result.get("sensitivity")
    if sens:
        out_name = s.get("sensitivity") or "usd_per_gpu_hour"
        parts.append(f"\nSensitivity of {out_name} (one at a time, low → high end of each range)")
        parts.append(
            _table(
                ["assumption", "at low", "at high", "swing"],
                [[r["name"], f"{r['at_low']:.4g}", f"{r['at_high']:.4g}", f"{r['swing']:.4g}"] for r in sens[:10]],
            )
        )
    if result["compliance"]:
        parts.append("\nCompliance (US export controls)")
        parts.append(
            _table(
                ["chip", "to", "date", "rules", "ECCN", "licence", "policy", "tariff"],
                [_compliance_cells(c, short=True) for c in result["compliance"]],
            )
        )
    unsourced = result["report"]["unsourced_assumptions"]
    if unsourced:
        parts.append("\nAssumptions without a source behind the number [A]: " + ", ".join(unsourced))
    parts.append("\n" + result["disclaimer"])
    return "\n".join(_wrap(line) for line in "\n".join(parts).split("\n"))


def _wrap(line: str, width: int = 80) -> str:
    """Prose lines wrap at ``width``; table lines are sized to fit already."""
    if len(line) <= width:
        return line
    return textwrap.fill(line, width=width, subsequent_indent="  ")


def _plots(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from chipmodel import plot

    out = []
    out.append(("Cost breakdown", plot.data_uri(plot.cost_breakdown(result).figure)))
    if result["equivalents"]:
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
        for ax, metric in zip(axes, ("count", "facility_mw", "usd_per_million_tokens"), strict=True):
            plot.fleet_comparison(result, metric, ax=ax)
        fig.suptitle("Fleet comparison (same tokens per day)")
        fig.tight_layout()
        out.append(("Fleet comparison", plot.data_uri(fig)))
    if result.get("sensitivity"):
        output = result["scenario"].get("sensitivity") or "usd_per_gpu_hour"
        out.append(("Sensitivity tornado", plot.data_uri(plot.tornado(result["sensitivity"], output).figure)))
    mc = result.get("monte_carlo")
    if mc and mc.get("draws"):
        out.append(("Monte Carlo distribution", plot.data_uri(plot.monte_carlo(mc).figure)))
    return out


def write_html(result: Mapping[str, Any], path: str | Path) -> Path:
    """A self-contained HTML report (plots embedded as PNG data) at ``path``."""
    path = Path(path)
    text = html.escape(format_text(result))
    figures = "\n".join(f'<h2>{html.escape(t)}</h2>\n<img alt="{html.escape(t)}" src="{src}">' for t, src in _plots(result))
    colours = {
        "none": "#e6f4ea",
        "presumption-of-approval": "#eef6e0",
        "case-by-case": "#fff4d6",
        "presumption-of-denial": "#fbe3e3",
    }
    rows = "".join(
        f'<tr style="background:{colours.get(c["review_policy"], "#fff")}">'
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (*_compliance_cells(c), "; ".join(c["uncertain"]) or "-")
        )
        + "</tr>"
        for c in result["compliance"]
    )
    title = html.escape(result["scenario"]["title"])
    doc = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — chipmodel</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}}
pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}}img{{max-width:100%}}
table{{border-collapse:collapse;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px 6px}}</style>
</head><body>
<h1>{title}</h1>
{"".join(f"<p>{html.escape(result['scenario']['description'])}</p>" for _ in [0] if result['scenario'].get('description'))}
{figures}
<h2>Compliance status on the scenario's dates</h2>
<table><tr><th>chip</th><th>to</th><th>date</th><th>rules</th><th>ECCN</th><th>licence</th><th>policy</th><th>tariff</th><th>uncertain</th></tr>{rows}</table>
<p><strong>{html.escape(result["disclaimer"])}</strong></p>
<h2>Tables</h2>
<pre>{text}</pre>
<p>Made by chipmodel. Every input has a source or is marked [A]; see docs/fleet.md.</p>
</body></html>
"""
    write_atomic(path, doc)
    return path


def write_atomic(path: Path, text: str) -> None:
    """Writes ``text`` to ``path`` so that a reader, or an interrupted run, sees either the old file
    or the whole new one: a temporary file in the same folder, flushed to disk, then renamed over
    ``path`` (an atomic rename on POSIX and Windows)."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(result: Mapping[str, Any], out_dir: str | Path, html_report: bool = True) -> list[Path]:
    """Writes ``results.json`` (and ``report.html``) under ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json"]
    write_atomic(paths[0], json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    if html_report:
        paths.append(write_html(result, out / "report.html"))
    return paths
