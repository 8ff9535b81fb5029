"""Every frame view exists for pandas and polars, with the same rows and columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

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
    with pytest.raises(chipmodel.ConfigError, match="library = .arrow."):
        _frames.catalog_frame(library="arrow")  # type: ignore[arg-type]


COLUMNS: dict[str, Callable[[], dict[str, Any]]] = {
    "catalog": lambda: chipmodel.catalog().columns(),
    "comparison": lambda: chipmodel.compare("h200", "h100").columns(),
    "breakdown": lambda: chipmodel.estimate_inference("llama-2-7b", "h100").breakdown_columns(),
    "assumptions": lambda: chipmodel.Assumptions().columns(),
    "fleet": lambda: chipmodel.Fleet([("h200", 1000, "cn"), ("h20", 10, "cn")]).tco().columns(),
    "compliance": lambda: chipmodel._chipmodel._compliance_columns(["h200", "h20"]),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_frames_come_from_numpy_columns_built_in_rust(name: str) -> None:
    """Numbers arrive as numpy arrays of one length (no per-row Python loop builds a frame)."""
    import numpy as np

    cols = COLUMNS[name]()
    lengths = {len(v) for v in cols.values()}
    assert len(lengths) == 1
    numeric = [k for k, v in cols.items() if isinstance(v, np.ndarray) and v.dtype == np.float64]
    assert numeric, f"{name}: no float64 numpy column"
    # every column that holds only numbers is a float64 array, not a list
    for k, v in cols.items():
        if isinstance(v, list):
            assert not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v), k


def test_fleet_columns_match_the_report_and_the_scenario_totals() -> None:
    import numpy as np

    report = chipmodel.Fleet([("h200", 1000, "cn"), ("h20", 10, "cn")]).tco()
    cols = report.columns()
    assert cols["group"] == ["0: 1000 x h200-sxm @ cn", "1: 10 x h20 @ cn", "total"]
    t = report.total
    assert cols["capex_total_usd"][-1] == pytest.approx(t["capex_total_usd"], rel=1e-12)
    assert cols["capex_chips_usd"][-1] == pytest.approx(t["capex"]["chips"], rel=1e-12)
    assert cols["opex_electricity_usd_per_year"][-1] == pytest.approx(t["opex"]["electricity"], rel=1e-12)
    assert np.isnan(cols["tokens_per_day"]).all()  # no workload
    # run_scenario totals carry the same derived keys as FleetReport.total (one struct in Rust)
    seed = chipmodel.run_scenario(chipmodel.load_scenario("seed-h200-china-2026"))["report"]["total"]
    assert seed["capex_total_usd"] == pytest.approx(21.59e9, rel=1e-3)
    assert seed["capex_total_usd"] == pytest.approx(sum(cast(dict[str, float], seed["capex"]).values()), rel=1e-12)
