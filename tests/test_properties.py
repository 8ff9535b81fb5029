"""Property tests (hypothesis) of the Python surface: arbitrary numbers give a result or a
ChipModelError and nothing else; economics and compliance invariants; sweeps and reductions do
not depend on how they are split; load -> save -> load is identical."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chipmodel

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(0),
    st.just(-1),
)
MODELS = ["llama-3.1-8b", "llama-2-13b", "mixtral-8x7b", "llama-3.1-70b"]
CHIPS = ["h100", "h200", "a100", "mi300x", "h20", "ascend-910c"]


@SETTINGS
@given(
    model=st.sampled_from(MODELS),
    chip=st.sampled_from(CHIPS),
    field=st.sampled_from(["n_chips", "batch", "input_tokens", "output_tokens", "tp", "pp", "ep"]),
    value=numbers,
)
def test_any_number_gives_an_estimate_or_a_chipmodel_error(model: str, chip: str, field: str, value: Any) -> None:
    try:
        e = chipmodel.estimate_inference(model, chip, **{field: value})
    except chipmodel.ChipModelError as err:
        assert field in str(err) or getattr(err, "field", None) is not None
        return
    for x in (e.ttft_s, e.tpot_s, e.throughput_tokens_per_s, e.memory_per_chip_bytes):
        assert math.isfinite(x) and x > 0


ASSUMPTIONS = sorted(chipmodel.Assumptions().to_dict()["values"])


@settings(max_examples=200, deadline=None)
@given(count=numbers, name=st.sampled_from(ASSUMPTIONS), value=numbers, wacc=numbers,
       workload=st.sampled_from([None, "llama-3.1-8b"]))  # fmt: skip
def test_any_fleet_numbers_give_a_report_or_a_chipmodel_error(count: Any, name: str, value: Any, wacc: Any, workload: str | None) -> None:
    try:
        a = chipmodel.Assumptions({name: value, "wacc": wacc})
        r = chipmodel.Fleet([("h200", count, "cn")]).tco(a, workload)
    except chipmodel.ChipModelError:
        return
    t = r.total
    assert math.isfinite(t["tco_usd_per_year"]) and t["tco_usd_per_year"] >= 0
    token_keys = {"tokens_per_s", "tokens_per_day", "usd_per_million_tokens", "joules_per_token"}
    for key, v in t.items():
        if isinstance(v, dict):
            continue
        if v is None:  # JSON turns inf and NaN into null: only the token figures may be absent
            assert key in token_keys and workload is None, key
        else:
            assert math.isfinite(cast(float, v)), key
    if workload is not None:
        assert t["tokens_per_day"] is None or math.isfinite(t["tokens_per_day"])


@SETTINGS
@given(count=st.floats(min_value=1, max_value=1e6), k=st.floats(min_value=1.0, max_value=1000.0))
def test_tco_is_linear_in_the_count(count: float, k: float) -> None:
    one = chipmodel.Fleet([("h200", count, "cn")]).tco().total
    many = chipmodel.Fleet([("h200", count * k, "cn")]).tco().total
    for key in ("tco_usd_per_year", "capex_total_usd", "opex_usd_per_year", "facility_mw"):
        assert many[key] == pytest.approx(k * one[key], rel=1e-9), key
    assert many["usd_per_gpu_hour"] == pytest.approx(one["usd_per_gpu_hour"], rel=1e-9)


@SETTINGS
@given(p1=st.floats(min_value=0, max_value=200_000), extra=st.floats(min_value=0, max_value=200_000),
       name=st.sampled_from(["price.h200-sxm", "electricity.cn", "wacc", "pue.cn", "maintenance_fraction"]))  # fmt: skip
def test_a_higher_price_never_lowers_the_cost(p1: float, extra: float, name: str) -> None:
    base = chipmodel.Assumptions()
    lo, hi = (p1, p1 + extra) if name.startswith("price") else (base.to_dict()["values"][name]["value"],) * 2
    if not name.startswith("price"):
        hi = lo * (1 + extra / 200_000)
    fleet = chipmodel.Fleet([("h200", 1000, "cn")])
    cheap = fleet.tco(chipmodel.Assumptions({name: lo})).total["tco_usd_per_year"]
    dear = fleet.tco(chipmodel.Assumptions({name: hi})).total["tco_usd_per_year"]
    assert dear >= cheap * (1 - 1e-12)


CONTROLLED_DATES = ["2023-11-17", "2024-06-01", "2026-02-01"]


@settings(max_examples=25, deadline=None)
@given(date=st.sampled_from(CONTROLLED_DATES), factor=st.floats(min_value=1.0, max_value=3.0),
       dest=st.sampled_from(["CN", "AE", "IN"]))  # fmt: skip
def test_raising_a_threshold_never_controls_more_chips(date: str, factor: float, dest: str) -> None:
    base = chipmodel.rule_set(str(chipmodel.classify("h100", destination="CN", date=date).rules))
    lines = [v for v in (4800.0, 1600.0, 2400.0) if v in _tpp_lines(base)]
    for old in lines:
        variant = base.with_line("tpp", old, old * factor)
        for c in chipmodel.catalog().chips():
            a = chipmodel.classify(c, destination=dest, date=date, rules=base)
            b = chipmodel.classify(c, destination=dest, date=date, rules=variant)
            if a.determined and b.determined:
                assert not (b.controlled and not a.controlled), (c.id, old, old * factor)
                assert not (b.license_required and not a.license_required), (c.id, old, old * factor)


def _tpp_lines(rules: chipmodel.RuleSet) -> set[float]:
    values = set()
    for p in rules.to_dict()["paragraph"]:
        for cl in p["clause"]:
            values |= {c["value"] for c in cl["criteria"] if c["metric"] == "tpp"}
    return values


@settings(max_examples=30, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=500), reduce=st.sampled_from(["pareto", "best", "top"]),
       batches=st.lists(st.integers(min_value=1, max_value=512), min_size=1, max_size=12, unique=True))  # fmt: skip
def test_sweeps_do_not_depend_on_how_they_are_split(chunk: int, reduce: str, batches: list[int]) -> None:
    args: dict[str, Any] = dict(n_chips=[1, 2, 4, 8], batch=batches, usd_per_chip_hour=[2.0, 2.5])
    grid = chipmodel.SweepGrid(["llama-3.1-8b", "llama-3.1-70b"], ["h100", "h200"], **args)
    whole = chipmodel.sweep_inference(["llama-3.1-8b", "llama-3.1-70b"], ["h100", "h200"], **args)
    parts = list(chipmodel.sweep_chunks(grid, chunk_size=chunk))
    joined = np.concatenate([p["tpot_s"] for p in parts])
    assert np.array_equal(joined, whole["tpot_s"], equal_nan=True)
    r = chipmodel._sweep.reduction(reduce)
    assert r is not None
    n = len(grid)
    found = np.concatenate([grid.reduce(r, lo, min(lo + chunk, n)) for lo in range(0, n, chunk)])
    assert np.array_equal(grid.reduce_indices(found, r), grid.reduce(r))


@SETTINGS
@given(groups=st.lists(st.tuples(st.sampled_from(["h200", "h100", "ascend-910c", "h20"]), st.integers(1, 10**6),
                                 st.sampled_from(["cn", "us"])), min_size=1, max_size=4),
       overrides=st.dictionaries(st.sampled_from(["wacc", "pue.cn", "it_life_years"]), st.floats(0.05, 10), max_size=3))  # fmt: skip
def test_fleets_and_assumptions_pickle_to_equal_objects(groups: list[tuple[str, int, str]], overrides: dict[str, float]) -> None:
    fleet, a = chipmodel.Fleet(groups), chipmodel.Assumptions(overrides)
    assert repr(pickle.loads(pickle.dumps(fleet))) == repr(fleet)
    assert pickle.loads(pickle.dumps(a)).to_dict() == a.to_dict()
    assert pickle.loads(pickle.dumps(fleet.tco(a))).to_dict() == fleet.tco(a).to_dict()


def test_load_save_load_is_identical(tmp_path: Path) -> None:
    cat = chipmodel.catalog()
    path = tmp_path / "catalog.toml"
    cat.save(path)
    # loading the saved file on its own gives the same chips: every chip, every value, every source
    again = chipmodel.load_catalog(path, embedded=False)
    assert [c.to_dict() for c in again.chips()] == [c.to_dict() for c in cat.chips()]
    assert again.sources() == cat.sources()
    for rid in [r.id for r in chipmodel.rule_sets()]:
        rules = chipmodel.rule_set(rid)
        rules.save(tmp_path / f"{rid}.toml")
        back = chipmodel.load_rules(tmp_path / f"{rid}.toml")
        assert back.to_dict() == rules.to_dict(), rid
        back.save(tmp_path / "again.toml")
        assert (tmp_path / "again.toml").read_text() == (tmp_path / f"{rid}.toml").read_text()
    for sid in chipmodel.scenarios():
        s = chipmodel.load_scenario(sid)
        s.save(tmp_path / f"{sid}.toml")
        back_s = chipmodel.load_scenario(tmp_path / f"{sid}.toml")
        assert back_s.to_dict() | {"file": ""} == s.to_dict() | {"file": ""}, sid
        assert back_s.to_toml() == s.to_toml()
