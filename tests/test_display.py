"""Rich display: every main object shows its key numbers with units in Jupyter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import chipmodel

CASES: dict[str, tuple[Callable[[], Any], list[str]]] = {
    "chip": (lambda: chipmodel.chip("h100"), ["3.35 TB/s", "conflict: 3.072 TB/s", "15,832", "989 TFLOP/s", "1,979 TFLOP/s"]),
    "model": (lambda: chipmodel.model("llama-2-70b"), ["69", "B", "80"]),
    "estimate": (
        lambda: chipmodel.estimate_inference("llama-2-70b", "h100", n_chips=8, batch=64),
        ["8 × h100-sxm", "tokens/s", "ms"],
    ),
    "training": (lambda: chipmodel.estimate_training("llama-3.1-8b", "h100", n_chips=8, tokens=1e9), ["MFU", "days"]),
    "classification": (
        lambda: chipmodel.classify("h200", destination="CN", date="2026-02-01"),
        ["case-by-case", "25%", "Not legal advice", "3A090.a"],
    ),
    "fleet": (lambda: chipmodel.Fleet([("h200", 1000, "cn")]).tco(workload="llama-3.1-70b"), ["1.75 MW", "[A]"]),
    "catalog": (lambda: chipmodel.catalog(), ["h200-sxm", "ascend-910c"]),
    "comparison": (lambda: chipmodel.compare("h200", "h100"), ["memory_bandwidth"]),
    "assumptions": (lambda: chipmodel.Assumptions(), ["china-pue-policy"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_repr_html(name: str) -> None:
    make, needles = CASES[name]
    obj = make()
    h = obj._repr_html_()
    assert h.strip() and "<" in h
    for n in needles:
        assert n in h, (name, n)
    assert repr(obj)
