"""Every public class pickles and comes back equal in every number (for Dask and multiprocessing)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import chipmodel
from chipmodel.inputs import MeasurementDict
from conftest import GOOD_CHIP, SOURCES


def _custom_catalog(tmp: Path) -> Any:
    path = tmp / "acme.toml"
    path.write_text(SOURCES + GOOD_CHIP, encoding="utf-8")
    return chipmodel.load_catalog(path)


def _fit() -> Any:
    points: list[MeasurementDict] = [
        {"model": "llama-3.1-8b", "chip": "h200", "batch": b, "metric": "tpot_s",
         "value": chipmodel.estimate_inference("llama-3.1-8b", "h200", batch=b).tpot_s}
        for b in (1, 8, 64)
    ]  # fmt: skip
    return chipmodel.calibrate(points)


OBJECTS: dict[str, Callable[[Path], Any]] = {
    "Chip": lambda _: chipmodel.chip("h200"),
    "Catalog": lambda _: chipmodel.catalog(),
    "Catalog (custom)": _custom_catalog,
    "Chip (custom)": lambda tmp: _custom_catalog(tmp).chip("acme-a1"),
    "Comparison": lambda _: chipmodel.compare("h200", "h100"),
    "Model": lambda _: chipmodel.model("deepseek-v3"),
    "EngineProfile": lambda _: chipmodel.engine("vllm").replace(max_sequences=512),
    "InferenceEstimate": lambda _: chipmodel.estimate_inference("llama-3.1-70b", "h200", n_chips=8, batch=32),
    "TrainingEstimate": lambda _: chipmodel.estimate_training("llama-3.1-8b", "h100", n_chips=64, tokens=1e12),
    "CalibrationFit": lambda _: _fit(),
    "RuleSet": lambda _: chipmodel.rule_set("us-2026-01"),
    "RuleSet (what-if)": lambda _: chipmodel.rule_set("us-2023-10").with_line("tpp", 4800, 6000),
    "Classification": lambda _: chipmodel.classify("h200", destination="CN", date="2026-02-01"),
    "Assumptions": lambda _: chipmodel.Assumptions({"wacc": 0.09}),
    "Fleet": lambda _: chipmodel.Fleet([("h200", 1000, "cn"), ("ascend-910c", 500, "cn")]),
    "FleetReport": lambda _: chipmodel.Fleet([("h200", 1000, "cn")]).tco(workload="llama-3.1-70b"),
    "Scenario": lambda _: chipmodel.load_scenario("seed-h200-china-2026"),
}


def _state(obj: Any) -> str:
    if hasattr(obj, "to_dict"):
        return json.dumps(obj.to_dict(), sort_keys=True, default=str)
    if hasattr(obj, "columns"):
        return repr({k: list(v) for k, v in obj.columns().items()})
    return repr(obj)


@pytest.mark.parametrize("name", list(OBJECTS))
def test_pickle_round_trip(name: str, tmp_path: Path) -> None:
    obj = OBJECTS[name](tmp_path)
    back = pickle.loads(pickle.dumps(obj))
    assert type(back) is type(obj)
    assert _state(back) == _state(obj)
    assert repr(back) == repr(obj)


def test_unpickled_objects_still_work(tmp_path: Path) -> None:
    chip = pickle.loads(pickle.dumps(_custom_catalog(tmp_path).chip("acme-a1")))
    assert chip.id == "acme-a1" and chip.tpp > 0
    est = pickle.loads(pickle.dumps(chipmodel.estimate_inference("llama-3.1-8b", "h100")))
    assert est.breakdown_columns()["time_s"].sum() > 0
    scenario = pickle.loads(pickle.dumps(chipmodel.load_scenario("seed-h200-china-2026")))
    total = chipmodel.run_scenario(scenario)["report"]["total"]
    assert total["facility_mw"] == 700.0
    what_if = chipmodel.rule_set("us-2023-10").with_line("tpp", 4800, 20000)
    back = pickle.loads(pickle.dumps(what_if))
    for chip in ("h100", "h20", "a100", "rtx-4090"):
        a = chipmodel.classify(chip, destination="CN", date="2024-01-01", rules=what_if)
        b = chipmodel.classify(chip, destination="CN", date="2024-01-01", rules=back)
        assert a.to_dict() == b.to_dict()


def test_bad_pickle_state_is_a_clear_error() -> None:
    from chipmodel._chipmodel import _unpickle

    with pytest.raises(ValueError, match="cannot unpickle a Chip"):
        _unpickle("Chip", b"\x00garbage")
    with pytest.raises(ValueError, match="cannot unpickle a 'Teapot'"):
        _unpickle("Teapot", b"")
