"""Rich display for Jupyter: ``_repr_html_`` of chipmodel's objects lands here (one place).

Each object shows its key numbers with units; values from the catalog carry their source and any
conflicting published values in a collapsed ``<details>`` element.

>>> import chipmodel
>>> "3.35 TB/s" in chipmodel.chip("h100")._repr_html_()
True
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable
from typing import Any

__all__ = ["html"]

_STYLE = (
    "<style>.cm table{border-collapse:collapse;font-size:12px}.cm td,.cm th{border:1px solid #ddd;"
    "padding:2px 6px;text-align:left}.cm details{display:inline}.cm summary{cursor:pointer;color:#555}"
    ".cm .note{color:#777;font-size:11px}</style>"
)


def _e(x: object) -> str:
    return _html.escape(str(x))


def _table(rows: Iterable[tuple[str, str]], title: str, note: str = "") -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    extra = f"<div class='note'>{_e(note)}</div>" if note else ""
    return f"{_STYLE}<div class='cm'><strong>{_e(title)}</strong><table>{body}</table>{extra}</div>"


def _num(x: float | None, scale: float = 1.0, unit: str = "", digits: int = 3) -> str:
    if x is None:
        return "–"
    v = x / scale
    text = f"{v:,.0f}" if abs(v) >= 10**digits else f"{v:,.{digits}g}"
    return _e(f"{text} {unit}".strip())


def _sourced(chip: Any, field: str, shown: str) -> str:
    try:
        p = chip.provenance(field)
    except Exception:  # a derived value, or a field without provenance
        return shown
    lines = [f"source: {_e(p['source'])}" + (" (estimate)" if p.get("estimate") else "")]
    if p.get("as_written"):
        lines.append(f"as written: {_e(p['as_written'])}")
    if p.get("note"):
        lines.append(_e(p["note"]))
    for c in p.get("conflicts") or []:
        lines.append(f"conflict: {_e(c['as_written'])} ({_e(c['source'])})")
    return f"{shown} <details><summary>source</summary>{'<br>'.join(lines)}</details>"


def _chip(c: Any) -> str:
    bf16 = c.dense_flops_per_s("bf16")
    fp8 = c.dense_flops_per_s("fp8")
    rows = [
        ("vendor", _e(c.vendor)),
        ("memory", _sourced(c, "memory_capacity", _num(c.memory_capacity_bytes, 1e9, "GB"))),
        ("memory bandwidth", _sourced(c, "memory_bandwidth", _num(c.memory_bandwidth_bytes_per_s, 1e12, "TB/s"))),
        ("dense bf16", _num(bf16, 1e12, "TFLOP/s")),
        ("dense fp8", _num(fp8, 1e12, "TFLOP/s")),
        ("TDP", _sourced(c, "tdp", _num(c.tdp_w, 1, "W"))),
        ("TPP", _num(c.tpp, 1, "", 5)),
        ("performance density", _num(c.performance_density, 1, "TPP/mm²")),
        ("ridge point (bf16)", _num(c.ridge_point_flop_per_byte("bf16") if bf16 else None, 1, "FLOP/byte")),
    ]
    return _table(rows, f"{c.name} ({c.id})", "SI values; the unit is in every attribute name.")


def _model(m: Any) -> str:
    rows = [
        ("parameters", _num(m.total_params, 1e9, "B")),
        ("active per token", _num(m.active_params, 1e9, "B")),
        ("layers", _e(m.num_layers)),
        ("attention heads / KV heads", _e(f"{m.num_heads} / {m.num_kv_heads}")),
        ("KV cache per token (bf16)", _num(m.kv_cache_bytes_per_token("bf16"), 1024, "KiB")),
        ("mixture of experts", _e(m.is_moe)),
    ]
    return _table(rows, m.id)


def _estimate(e: Any) -> str:
    rows = [
        ("layout", _e(f"{e.n_chips} × {e.chip}, tp {e.tp} · pp {e.pp} · ep {e.ep} · batch {e.batch}")),
        ("fits", _e("yes" if e.fits else f"no, short by {e.memory_shortfall_bytes / 1e9:.1f} GB")),
        ("memory per chip", _num(e.memory_per_chip_bytes, 1e9, "GB")),
        ("time to first token", _num(e.ttft_s, 1, "s")),
        ("time per output token", _num(e.tpot_s, 1e-3, "ms")),
        ("throughput", _num(e.throughput_tokens_per_s, 1, "tokens/s", 4)),
        ("energy per token", _num(e.energy_per_token_j, 1, "J")),
        ("decode bound", _e(e.bound)),
    ]
    return _table(rows, f"{e.model} on {e.chip} ({e.mode})")


def _training(t: Any) -> str:
    d = t.to_dict()
    rows = [
        ("time", _num(d["time_s"], 86400, "days")),
        ("chip-hours", _num(d["chip_hours"], 1, "h", 4)),
        ("total compute", _num(d["total_flops"], 1, "FLOP")),
        ("MFU", _e(f"{d['mfu']:.0%} ({d['mfu_source']})")),
        ("memory per chip", _num(d["memory_per_chip_bytes"], 1e9, "GB")),
        ("fits", _e(d["fits"])),
        ("energy", _num(d["energy_j"], 3.6e9, "MWh")),
    ]
    return _table(rows, f"training {d['model']} on {d['chip']}")


def _classification(c: Any) -> str:
    rows = [
        ("rules", _e(c.rules)),
        ("ECCN", _e(c.eccn or "–")),
        ("licence required", _e(c.license_required)),
        ("review policy", _e(c.review_policy)),
        ("tariff", _e(f"{c.tariff['rate']:.0%}" if c.tariff else "–")),
        ("decision", "<br>".join(_e(x) for x in c.decision)),
        ("tested", "<details><summary>criteria</summary>" + "<br>".join(_e(r["text"]) for r in c.reasons) + "</details>"),
        ("uncertain", "<br>".join(_e(u) for u in c.uncertain) or "–"),
    ]
    return _table(rows, c.summary(), c.disclaimer)


def _fleet_report(r: Any) -> str:
    t = r.total
    rows = [
        ("chips", _num(t["count"], 1, "", 6)),
        ("capex", _num(t["capex_total_usd"], 1e9, "USD billion")),
        ("facility power", _num(t["facility_mw"], 1, "MW")),
        ("energy", _num(t["annual_gwh"], 1, "GWh/yr", 4)),
        ("TCO", _num(t["tco_usd_per_year"], 1e9, "USD billion/yr")),
        ("$/GPU-hour (installed / used)", _e(f"{t['usd_per_gpu_hour']:.2f} / {t['usd_per_gpu_hour_utilized']:.2f}")),
        ("tokens per day", _num(t.get("tokens_per_day"), 1e12, "trillion")),
        ("$/million tokens", _num(t.get("usd_per_million_tokens"), 1, "USD")),
        ("US tariff", _num(t["us_tariff_usd"], 1e9, "USD billion")),
    ]
    note = "Assumptions without a source [A]: " + ", ".join(r.unsourced_assumptions)
    return _table(rows, "Fleet report", note)


def _frame_repr(frame: Any) -> Any:
    return frame._repr_html_()


def _frame_html(obj: Any) -> str:
    try:
        from chipmodel._frames import comparison_frame

        frame = comparison_frame(obj) if type(obj).__name__ == "Comparison" else obj.to_frame()
        return str(_frame_repr(frame))
    except ImportError:
        return f"<pre>{_e(repr(obj))}</pre>"


def html(obj: Any) -> str:
    """HTML for any chipmodel object (the ``_repr_html_`` of each)."""
    kind = type(obj).__name__
    if kind == "Chip":
        return _chip(obj)
    if kind == "Model":
        return _model(obj)
    if kind == "InferenceEstimate":
        return _estimate(obj)
    if kind == "TrainingEstimate":
        return _training(obj)
    if kind == "Classification":
        return _classification(obj)
    if kind == "FleetReport":
        return _fleet_report(obj)
    if kind in ("Catalog", "Comparison", "Assumptions"):
        return _frame_html(obj) if kind != "Catalog" else _catalog(obj)
    return f"<pre>{_e(repr(obj))}</pre>"


def _catalog(cat: Any) -> str:
    try:
        from chipmodel._frames import catalog_frame

        return str(_frame_repr(catalog_frame(cat)))
    except ImportError:
        return f"<pre>{_e(cat.table())}</pre>"
