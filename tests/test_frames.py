"""Every frame view exists for pandas and polars, with the same rows and columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import chipmodel
from chipmodel import _frames

pytest.importorskip("pandas")
pytest.importorskip("polars")

VIEWS: dict[str, Callable[[str], Any]] = {
    "catalog": lambda lib: _frames.catalog_frame(library=lib),  # type: ignore[arg-type]
    "comparison": lambda lib: _frames.comparison_frame(chipmodel.compare("h200", "h100"), library=lib),  # type: ignore[arg-type]
    "breakdown": lambda lib: _frames.breakdown_frame(chipmodel.estimate_inference("llama-2-7b", "h100"), library=lib),  # type: ignore[arg-type]
    "sweep": lambda lib: _frames.sweep_frame(chipmodel.sweep_inference("llama-3.1-8b", ["h100", "h200"], batch=[1, 8]), library=lib),  # type: ignore[arg-type]
    "assumptions": lambda lib: chipmodel.Assumptions().to_frame(lib),
    "fleet": lambda lib: chipmodel.Fleet([("h200", 1000, "cn"), ("h20", 10, "cn")]).tco().to_frame(lib),
    "compliance": lambda lib: chipmodel.compliance_frame(["h200", "h20", "b200"], library=lib),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_pandas_and_polars_views_agree(name: str) -> None:
    import polars as pl

    pd_frame = VIEWS[name]("pandas")
    pl_frame = VIEWS[name]("polars")
    assert isinstance(pl_frame, pl.DataFrame)
    assert pl_frame.height == len(pd_frame)
    index = [pd_frame.index.name] if pd_frame.index.name else []
    assert pl_frame.columns == index + [str(c) for c in pd_frame.columns]


def test_unknown_library_is_refused() -> None:
    with pytest.raises(ValueError, match="library"):
        _frames.catalog_frame(library="arrow")  # type: ignore[arg-type]
