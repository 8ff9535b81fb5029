"""The hybrid fleet planner from Python: the seed story and bad input."""

from __future__ import annotations

from typing import Any, cast

import pytest

import chipmodel
from conftest import some
from chipmodel.inputs import DemandDict, SupplyDict

SUPPLIES: list[SupplyDict] = [
    {"chip": "h200", "site": "cn", "max_count": 400_000},
    {"chip": "ascend-910c", "site": "cn"},
]
# 400,000 H200s make about 3.74e13 tokens/day of Llama 3.1 70B (TensorRT-LLM, offline); ask for 5e13.
DEMANDS: list[DemandDict] = [{"model": "llama-3.1-70b", "tokens_per_day": 5e13}]


def test_seed_story_h200_cap_binds() -> None:
    plan = chipmodel.plan_hybrid(SUPPLIES, DEMANDS)
    alloc = plan["allocation"]
    h200, ascend = alloc["supplies"]
    assert [o["name"] for o in plan["options"]] == ["h200-sxm@cn", "ascend-910c@cn"]
    assert alloc["binding"] == ["demand llama-3.1-70b", "supply h200-sxm@cn"]
    assert h200["cap_binding"] and not ascend["cap_binding"]
    assert h200["chips"] == pytest.approx(400_000)
    assert h200["usd_per_year_saved_per_extra_chip"] == pytest.approx(26_168.8, rel=1e-3)
    assert plan["options"][0]["extra_chip_value_usd_over_horizon"] == pytest.approx(104_675, rel=1e-3)
    assert ascend["usd_per_year_saved_per_extra_chip"] == 0.0
    assert ascend["chips"] == pytest.approx(349_871, rel=1e-3)
    assert alloc["tco_usd_per_year"] == pytest.approx(1.21582e10, rel=1e-3)
    assert plan["tco_horizon_usd"] == pytest.approx(4 * alloc["tco_usd_per_year"])
    demand = alloc["demands"][0]
    assert demand["served_tokens_per_day"] == pytest.approx(5e13, rel=1e-6)
    assert demand["marginal_usd_per_million_tokens"] == pytest.approx(1.2398, rel=1e-3)
    # Shadow price of the demand = the marginal chip's (Ascend's) TCO per token/day.
    opt = plan["options"][1]
    assert demand["usd_per_year_per_token_per_day"] == pytest.approx(
        opt["tco_usd_per_year_per_chip"] / some(opt["tokens_per_day_per_chip"][0]), rel=1e-6
    )


def test_power_cap_budget_and_assumptions() -> None:
    # The plan needs 1,339 MW: a 1,600 MW cap does not bind and has no price; 1,000 MW is too little.
    plan = chipmodel.plan_hybrid(
        SUPPLIES, DEMANDS, power_cap_mw=1_600, assumptions=chipmodel.Assumptions(), horizon_years=5
    )
    assert some(plan["allocation"]["power"])["binding"] is False
    assert some(plan["allocation"]["power"])["usd_per_year_saved_per_unit"] == 0.0
    assert plan["tco_horizon_usd"] == pytest.approx(5 * plan["allocation"]["tco_usd_per_year"])
    with pytest.raises(chipmodel.InfeasibleError, match="cannot be met") as info:
        chipmodel.plan_hybrid(SUPPLIES, DEMANDS, power_cap_mw=1_000)
    assert isinstance(info.value, chipmodel.ConfigError) and info.value.field == "plan"
    plan = chipmodel.plan_hybrid(SUPPLIES, DEMANDS, budget_usd=1e12)
    assert some(plan["allocation"]["budget"])["cap"] == 1e12


def test_restricted_workload_and_workload_keys() -> None:
    demands: list[DemandDict] = [
        {
            "model": "llama-3.1-70b",
            "tokens_per_day": 2e13,
            "input_tokens": 2048,
            "output_tokens": 512,
            "weight_dtype": "fp8",
            "allowed_chips": ["h200"],
        },
        {"model": "llama-3.1-8b", "tokens_per_day": 1e13},
    ]
    plan = chipmodel.plan_hybrid(SUPPLIES, demands)
    assert plan["workloads"] == ["llama-3.1-70b", "llama-3.1-8b"]
    assert plan["options"][1]["tokens_per_day_per_chip"][0] is None
    assert plan["allocation"]["chips"][1][0] == 0.0
    assert plan["input"]["demands"][0]["workload"]["input_tokens"] == 2048


@pytest.mark.parametrize(
    ("supplies", "demands", "needle"),
    [
        ([{"chip": "h200", "colour": "red"}], DEMANDS, r"supplies\[0\]\.colour"),
        (SUPPLIES, [{"model": "llama-3.1-70b", "tokens_per_day": 1e12, "tokens": 3}], r"demands\[0\]\.tokens"),
        (SUPPLIES, [{"model": "llama-3.1-70b"}], "tokens_per_day"),
        (SUPPLIES, [{"tokens_per_day": 1e12}], "model"),
        ([{"chip": "h200", "site": "mars"}], DEMANDS, "mars"),
        ([{"chip": "h200", "max_count": -5}], DEMANDS, "max_count"),
        (SUPPLIES, [{"model": "llama-3.1-70b", "tokens_per_day": -1}], "tokens_per_day"),
        (SUPPLIES, [{**DEMANDS[0], "allowed_chips": ["h20"]}], "allowed_chips"),
        (SUPPLIES, [{**DEMANDS[0], "allowed_chips": ["h200"]}], "cannot be met"),
        ([], DEMANDS, "supplies"),
    ],
)
def test_bad_input_names_the_key(supplies: Any, demands: Any, needle: str) -> None:
    with pytest.raises(chipmodel.ConfigError, match=needle):
        chipmodel.plan_hybrid(supplies, demands)


def test_type_errors() -> None:
    not_dicts: Any = ["h200"]
    with pytest.raises(TypeError, match="dict"):
        chipmodel.plan_hybrid(not_dicts, DEMANDS)
    with pytest.raises(TypeError, match=r"demands\[0\]\.allowed_chips: invalid type: string \"h200\", expected a sequence"):
        chipmodel.plan_hybrid(SUPPLIES, [cast(DemandDict, {**DEMANDS[0], "allowed_chips": "h200"})])
    with pytest.raises(chipmodel.UnknownChipError):
        chipmodel.plan_hybrid([{"chip": "h2000"}], DEMANDS)
