"""Shared fixtures: a valid custom chip file that tests break one field at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from pathlib import Path

import pytest

SOURCES = """
[sources.lab]
title = "Our lab"
url = "https://example.com/lab"
date = "2026-11"
kind = "estimate"
"""

GOOD_CHIP = """
[[chip]]
id = "acme-a1"
name = "Acme A1"
vendor = "Acme"
form_factor = "pcie"
datacenter = { value = true, source = "lab" }
release_date = { value = "2026-06", source = "lab" }
process = { value = "N3", non_planar = true, source = "lab" }
die_area = { value = 600, unit = "mm2", source = "lab" }
memory_type = { value = "HBM3e", source = "lab" }
memory_capacity = { value = 96, unit = "GB", source = "lab" }
memory_bandwidth = { value = 4, unit = "TB/s", source = "lab" }
tdp = { value = 500, unit = "W", source = "lab" }
[chip.dense]
bf16 = { value = 500, unit = "TFLOP/s", sparse = 1000, source = "lab" }
fp8 = { value = 1000, unit = "TFLOP/s", source = "lab" }
"""


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[[str], Path]:
    """Write ``SOURCES + body`` to ``mine.toml`` in a temporary folder and return its path."""

    def write(body: str) -> Path:
        path = tmp_path / "mine.toml"
        path.write_text(SOURCES + body, encoding="utf-8")
        return path

    return write


T = TypeVar("T")


def some(x: T | None) -> T:
    """``x``, asserted present: for the optional fields of typed results (``tokens_per_day`` of a
    report with a workload, a scenario's hybrid plan)."""
    assert x is not None
    return x
