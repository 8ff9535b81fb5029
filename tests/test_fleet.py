"""Fleet economics from Python: the seed scenario (400,000 H200s in China) with real figures."""

from __future__ import annotations

import math
from typing import Any, cast

import pytest

import chipmodel
from conftest import some
from chipmodel.inputs import GroupDict, WorkloadDict

SEED: list[GroupDict] = [{"chip": "h200-sxm", "count": 400_000, "site": "cn"}]


def test_seed_scenario_figures() -> None:
    r = chipmodel.Fleet(SEED).tco(workload="llama-3.1-70b")
    t = r.total
    # 400k × 1.4 kW IT (0.7 kW chip + server share) = 560 MW; × PUE 1.25 = 700 MW.
    assert t["it_mw"] == pytest.approx(560.0)
    assert t["facility_mw"] == pytest.approx(700.0)
    # 700 MW × 0.75 load × 8,760 h = 4,599 GWh.
    assert t["annual_gwh"] == pytest.approx(4599.0)
    # Chips 400k × $27,000; the tariff is borne by the seller in the default scenario.
    assert t["capex"]["chips"] == pytest.approx(10.8e9)
    assert t["us_tariff_usd"] == pytest.approx(0.25 * 27_000 * 400_000)
    assert t["capex_total_usd"] == pytest.approx(21.592e9)
    assert t["tco_usd_per_year"] == pytest.approx(6.4488e9, rel=1e-4)
    assert t["usd_per_gpu_hour"] == pytest.approx(1.8404, rel=1e-4)
    assert t["usd_per_gpu_hour_utilized"] == pytest.approx(2.3005, rel=1e-4)
    assert t["tokens_per_day"] == pytest.approx(3.7383e13, rel=1e-3)
    assert t["usd_per_million_tokens"] == pytest.approx(0.4726, rel=1e-3)
    # The identity behind $/Mtok: TCO per year over tokens per year.
    assert t["usd_per_million_tokens"] == pytest.approx(t["tco_usd_per_year"] / (some(t["tokens_per_day"]) * 365 / 1e6))
    assert "FleetReport(400000 chips" in repr(r)


def test_report_frame_has_a_row_per_group_and_a_total() -> None:
    pytest.importorskip("pandas")
    f = chipmodel.Fleet([("h200-sxm", 1000, "cn"), ("h20", 1000, "cn")])
    df = f.tco().to_frame()
    assert list(df.index)[-1] == "total" and len(df) == 3
    assert df.loc["total", "count"] == 2000
    assert df.loc["total", "it_mw"] == pytest.approx(df["it_mw"].iloc[:2].sum())
    assert df.loc["total", "capex_chips_usd"] == pytest.approx(df["capex_chips_usd"].iloc[:2].sum())


def test_assumptions_are_sourced_and_overridable() -> None:
    a = chipmodel.Assumptions()
    assert a.get("wacc") == 0.07 and "pue.cn" in a.names
    d = a.to_dict()["values"]
    assert d["pue.cn"]["value"] == 1.25 and d["pue.cn"]["source"] == "china-pue-policy"
    # Every value names a source; values that are our judgement (flagged ``assumption``: our own
    # calls, or a figure stretched beyond what its source says) are listed as unsourced so that
    # reports can say which numbers rest on them.
    assert all(v["source"] for v in d.values())
    assert set(a.unsourced) == {n for n, v in d.items() if v["assumption"]}
    assert {n for n, v in d.items() if v["source"] == "chipmodel-assumption"} <= set(a.unsourced)
    assert "wacc" in a.unsourced and "pue.cn" not in a.unsourced
    cheap = a.replace("electricity.cn", 0.3)  # CNY/kWh
    base = chipmodel.Fleet(SEED).tco(a).total["opex"]["electricity"]
    low = chipmodel.Fleet(SEED).tco(cheap).total["opex"]["electricity"]
    assert low < base
    assert chipmodel.Assumptions({"wacc": 0.1}).get("wacc") == 0.1


def test_domestic_equivalent_needs_more_chips_and_power() -> None:
    f = chipmodel.Fleet(SEED)
    n, rep = chipmodel.equivalent_fleet(f, "ascend-910c", workload="llama-3.1-70b")
    assert n == pytest.approx(1_036_624, rel=1e-3)
    assert rep.total["facility_mw"] == pytest.approx(1891.8, rel=1e-3)
    base = f.tco(workload="llama-3.1-70b").total
    assert some(rep.total["tokens_per_day"]) >= some(base["tokens_per_day"])
    assert some(rep.total["usd_per_million_tokens"]) > some(base["usd_per_million_tokens"])


def test_monte_carlo_is_reproducible_and_brackets_the_base() -> None:
    f = chipmodel.Fleet(SEED)
    a = chipmodel.monte_carlo(f, samples=300, seed=7)
    b = chipmodel.monte_carlo(f, samples=300, seed=7)
    assert a["outputs"] == b["outputs"]
    out = {o["name"]: o for o in a["outputs"]}
    mw = out["facility_mw"]
    assert mw["p10"] < 700.0 < mw["p90"]
    assert len(a["draws"]["facility_mw"]) == 300
    assert all(math.isfinite(x) for x in a["draws"]["usd_per_gpu_hour"])


def test_sensitivity_ranks_by_swing() -> None:
    s = chipmodel.sensitivity(chipmodel.Fleet(SEED))
    swings = [r["swing"] for r in s]
    assert swings == sorted(swings, reverse=True)
    assert [r["name"] for r in s[:3]] == ["it_life_years", "price.h200-sxm", "wacc"]
    assert all(r["at_low"] != r["at_high"] for r in s)


@pytest.mark.parametrize(
    ("groups", "exc", "needle"),
    [
        ([{"chip": "h2000", "count": 8}], chipmodel.UnknownChipError, "h200"),
        ([{"chip": "h200", "count": -1}], chipmodel.ConfigError, "count"),
        ([{"chip": "h200", "count": 8, "site": "mars"}], chipmodel.ConfigError, "site"),
        ([{"chip": "h200", "count": 8, "colour": "red"}], chipmodel.ConfigError, "colour"),
        ([], chipmodel.ConfigError, "groups"),
    ],
)
def test_bad_fleets_are_refused_at_construction(groups: Any, exc: type, needle: str) -> None:
    with pytest.raises(exc, match=needle):
        chipmodel.Fleet(groups)


def test_bad_assumptions_name_the_field() -> None:
    with pytest.raises(chipmodel.ConfigError, match="did you mean 'wacc'"):
        chipmodel.Assumptions({"wac": 0.1})
    with pytest.raises(chipmodel.ConfigError, match="wacc"):
        chipmodel.Assumptions().replace("wacc", -1)
    with pytest.raises(chipmodel.ChipModelError, match="model"):
        chipmodel.Fleet(SEED).tco(workload="llama-9")


def test_workload_engines_by_vendor() -> None:
    f = chipmodel.Fleet([("h200-sxm", 8, "cn"), ("ascend-910c", 8, "cn")])
    w: WorkloadDict = {"model": "llama-3.1-8b", "weight_dtype": "fp8", "engine": {"NVIDIA": "vllm"}}
    groups = f.tco(workload=w).to_dict()["groups"]
    serving = [some(g["serving"]) for g in groups]
    # The H200 runs the engine named for NVIDIA; the Ascend, unnamed, its vendor's reference one.
    assert "best_inference (vllm V1)" in serving[0] and "(the NVIDIA vendor's" not in serving[0]
    assert "(the Huawei vendor's reference engine)" in serving[1]
    with pytest.raises(chipmodel.ConfigError, match="unknown engine") as info:
        f.tco(workload={"model": "llama-3.1-8b", "engine": {"NVIDIA": "tgi"}})
    assert info.value.field == "workload.engine"


def test_docs_table_matches_the_data() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "fleet.md").read_text(encoding="utf-8")
    d = chipmodel.Assumptions().to_dict()
    for n, v in d["values"].items():
        row = (
            f"| `{n}` | {v['value']:g} | {v['low']:g} – {v['high']:g} | {v['unit']} | "
            f"`{v['source']}` ({v['date']}) | {'[A]' if v['assumption'] else ''} |"
        )
        assert row in text, f"docs/fleet.md is out of date for {n}: expected\n{row}"
    for key in d["sources"]:
        assert f"- `{key}`: " in text, key


def test_schedule_and_export_shock() -> None:
    ramp: dict[str, float] = {"2026-Q1": 100_000, "2026-Q2": 100_000, "2026-Q3": 100_000, "2026-Q4": 100_000}
    f = chipmodel.Fleet([{"chip": "h200-sxm", "count": 400_000, "site": "cn", "deliveries": ramp}])
    rows = chipmodel.schedule(f, workload="llama-3.1-70b")
    assert [r["quarter"] for r in rows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert [r["in_service"] for r in rows] == [0, 100_000, 200_000, 300_000, 400_000]
    assert rows[-1]["cumulative_capex_usd"] == pytest.approx(21.592e9)
    assert rows[-1]["facility_mw"] == pytest.approx(700.0)
    s = chipmodel.export_shock(f, "2026-07-01", ["h200"], replacement="ascend-910c", workload="llama-3.1-70b")
    assert s["cut"] == [["h200-sxm", 200_000.0]]
    assert s["report"]["total"]["count"] == 200_000
    chip, n, rep = cast(Any, some(s["replacement"]))
    assert chip == "ascend-910c" and n == pytest.approx(518_312, abs=1)
    assert rep["total"]["tokens_per_day"] >= s["tokens_per_day_lost"]
    with pytest.raises(chipmodel.ConfigError, match="deliveries"):
        chipmodel.Fleet([{"chip": "h200", "count": 10, "deliveries": {"2026-Q1": 5}}])
    with pytest.raises(chipmodel.ConfigError, match="2026-Q9"):
        chipmodel.Fleet([{"chip": "h200", "count": 10, "deliveries": {"2026-Q9": 10}}])
