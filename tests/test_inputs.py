"""One schema per input: a fleet group, a workload, a supply or a demand given as a Python dict is
read by the same reader as the scenario file's table, so a dict and its TOML text accept and reject
the same things with the same message (a property test over generated dicts); days are written
one way, and Python dates are days."""

from __future__ import annotations

import datetime
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chipmodel
from chipmodel.inputs import GroupDict

HEAD = '[scenario]\nid = "p"\ntitle = "P"\n'
GROUP: GroupDict = {"chip": "h200", "count": 8}


def toml_string(s: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = "".join(
        "\\" + c if c in '"\\' else f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in s
    )
    return f'"{out}"'


def toml_value(v: Any) -> str:
    """A Python value as TOML text (inline tables and arrays)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_string(k)} = {toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


def table(header: str, d: Mapping[str, Any]) -> str:
    return f"{header}\n" + "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in d.items() if v is not None)


def scenario_outcome(text: str) -> str | None:
    """None if the scenario loads, else the message after the field ("...field 'x': MESSAGE")."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.toml"
        path.write_text(text, encoding="utf-8")
        try:
            chipmodel.load_scenario(path)
        except chipmodel.ChipModelError as e:
            return str(e).split("': ", 1)[1] if "': " in str(e) else str(e)
    return None


def python_outcome(call: Any) -> str | None:
    try:
        call()
    except chipmodel.ChipModelError as e:
        return str(e.args[0])  # a KeyError's str() adds quotes
    return None


def assert_same(toml_error: str | None, python_error: str | None, what: Any) -> None:
    assert (toml_error is None) == (python_error is None), (what, toml_error, python_error)
    if toml_error is not None and python_error is not None:
        assert python_error.endswith(toml_error), (what, toml_error, python_error)


def values(*extra: Any) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(list(extra)),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=6),
        st.booleans(),
        st.lists(st.integers(min_value=0, max_value=9), max_size=2),
    )


groups = st.fixed_dictionaries(
    {"chip": values("h200", "b200", "ascend-910c", "h2000")},
    optional={
        "count": values(8, 1000, 0, -5, 1e10),
        "site": values("cn", "us", "mars"),
        "owner": values("a cloud"),
        "date": values("2026-02-01", "2026-02", "2024-02-29", "2025-02-29"),
        "deliveries": st.sampled_from([{"2026-Q1": 4, "2026-Q2": 4}, {"2026-Q5": 8}, {"2026-Q1": -1}]),
        "colour": st.just(1),
    },
)


@settings(max_examples=80, deadline=None)
@given(groups)
def test_a_group_dict_and_its_toml_accept_and_reject_the_same(g: Any) -> None:
    toml_error = scenario_outcome(HEAD + table("[[group]]", g))
    python_error = python_outcome(lambda: chipmodel.Fleet([g]))
    assert_same(toml_error, python_error, g)


workloads = st.fixed_dictionaries(
    {"model": values("llama-3.1-70b", "deepseek-v3", "llama-9")},
    optional={
        "input_tokens": values(1024, 0, -1, 2**33),
        "output_tokens": values(256, 1),
        "weight_dtype": values("fp8", "bf16", "fp9"),
        "ttft_slo_s": values(2.0, 0.0, -1.0),
        "tpot_slo_s": values(0.05),
        "max_batch": values(8, 0),
        "engine": values("vllm", "trtllm", "tgi"),
        "batch": st.just(4),
    },
)


@settings(max_examples=40, deadline=None)
@given(workloads)
def test_a_workload_dict_and_its_toml_accept_and_reject_the_same(w: Any) -> None:
    toml_error = scenario_outcome(HEAD + table("[[group]]", GROUP) + table("[workload]", w))
    python_error = python_outcome(lambda: chipmodel.Fleet([GROUP]).tco(workload=w))
    assert_same(toml_error, python_error, w)


supplies = st.fixed_dictionaries(
    {"chip": values("h200", "ascend-910c", "h2000")},
    optional={"site": values("cn", "us", "mars"), "max_count": values(1000, 0, -3), "cap": st.just(1)},
)
demands = st.fixed_dictionaries(
    {"model": st.sampled_from(["llama-3.1-70b", "llama-9"])},
    optional={
        "tokens_per_day": values(1e12, 0, -1),
        "input_tokens": values(1024, 0),
        "allowed_chips": st.sampled_from([["h200"], ["h2000"], "h200"]),
        "colour": st.just(1),
    },
)


@settings(max_examples=40, deadline=None)
@given(supplies, demands)
def test_supply_and_demand_dicts_and_their_toml_reject_the_same(s: Any, d: Any) -> None:
    text = HEAD + table("[[group]]", GROUP) + table("[[hybrid.supply]]", s) + table("[[hybrid.demand]]", d)
    toml_error = scenario_outcome(text)
    python_error = python_outcome(lambda: chipmodel.plan_hybrid([s], [d]))
    if toml_error is None:
        # The file is only read here; plan_hybrid also solves, and may find no plan.
        assert python_error is None or "infeasible" in python_error or "cannot serve" in python_error, (s, d, python_error)
    else:
        assert python_error is not None and python_error.endswith(toml_error), (s, d, toml_error, python_error)


def test_a_month_is_not_a_day_anywhere() -> None:
    with pytest.raises(chipmodel.ConfigError, match=r"groups\[0\]\.date '2026-02': .*not a day: expected YYYY-MM-DD"):
        chipmodel.Fleet([{"chip": "h200", "count": 8, "date": "2026-02"}])
    with pytest.raises(chipmodel.ConfigError, match="not a day: expected YYYY-MM-DD"):
        chipmodel.classify("h200", "CN", "2026-02")
    fleet = chipmodel.Fleet([GROUP])
    with pytest.raises(chipmodel.ConfigError, match="not a day"):
        chipmodel.export_shock(fleet, "2026-07", ["h200"])


def test_python_dates_are_days() -> None:
    day = datetime.date(2024, 6, 1)
    as_text = chipmodel.classify("h200", "CN", "2024-06-01").to_dict()
    for d in (day, datetime.datetime(2024, 6, 1, 15, 30), pd.Timestamp("2024-06-01")):
        assert chipmodel.classify("h200", "CN", d).to_dict() == as_text
        g = chipmodel.Fleet([{"chip": "h200", "count": 8, "date": d}])
        assert g.tco().groups[0]["group"]["date"] == "2024-06-01"
    assert chipmodel.classify("h200").date == chipmodel.DEFAULT_DATE == "2026-02-01"
    frame = chipmodel.compliance_frame(["h200"], date=day)
    assert list(frame["rules"]) == [chipmodel.classify("h200", "CN", "2024-06-01").rules]
    with pytest.raises(chipmodel.ArgumentTypeError, match="date"):
        chipmodel.classify("h200", "CN", 20240601)  # type: ignore[arg-type]
