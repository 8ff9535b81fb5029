"""A chip and a model defined only in a user's file run through every entry point that takes
names, given ``catalog=``; without it the same names are unknown (no hidden global catalog)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import chipmodel
from conftest import some
from conftest import GOOD_CHIP

MODEL = """
[[model]]
id = "acme-lm-8b"
name = "Acme LM 8B"
family = "llama"
source = "lab"
hidden_size = 4096
num_layers = 32
num_heads = 32
num_kv_heads = 8
head_dim = 128
intermediate_size = 14336
vocab_size = 128256
max_position_embeddings = 131072
"""


@pytest.fixture
def mine(write_catalog: Callable[[str], Path]) -> chipmodel.Catalog:
    return chipmodel.load_catalog(write_catalog(GOOD_CHIP + MODEL))


def test_the_file_adds_a_chip_and_a_model(mine: chipmodel.Catalog) -> None:
    assert mine.chip("acme-a1").memory_capacity_bytes == 96e9
    assert mine.model("acme-lm-8b").num_layers == 32
    assert len(mine) == len(chipmodel.catalog()) + 1
    assert len(mine.models()) == len(chipmodel.models()) + 1
    with pytest.raises(chipmodel.UnknownChipError):
        chipmodel.catalog().chip("acme-a1")


def test_estimate_inference(mine: chipmodel.Catalog) -> None:
    e = chipmodel.estimate_inference("acme-lm-8b", "acme-a1", batch=8, catalog=mine)
    assert (e.model, e.chip) == ("acme-lm-8b", "acme-a1")
    assert e.fits and 0 < e.tpot_s < 0.1
    with pytest.raises(chipmodel.UnknownChipError):
        chipmodel.estimate_inference("llama-3.1-8b", "acme-a1")
    with pytest.raises(chipmodel.UnknownModelError):
        chipmodel.estimate_inference("acme-lm-8b", "h100")


def test_best_inference(mine: chipmodel.Catalog) -> None:
    e = chipmodel.best_inference("acme-lm-8b", "acme-a1", n_chips=2, tpot_slo_s=0.05, catalog=mine)
    assert e.fits and e.tpot_s <= 0.05 and e.chip == "acme-a1"


def test_sweep(mine: chipmodel.Catalog) -> None:
    cols = chipmodel.sweep_inference("acme-lm-8b", ["acme-a1", "h100"], batch=[1, 8], catalog=mine)
    assert [str(c) for c in cols["chip"]] == ["acme-a1", "acme-a1", "h100-sxm", "h100-sxm"]
    assert [str(m) for m in cols["model"]] == ["acme-lm-8b"] * 4
    assert bool(cols["valid"].all())


def test_training(mine: chipmodel.Catalog) -> None:
    t = chipmodel.estimate_training("acme-lm-8b", "acme-a1", n_chips=64, tokens=1e12, mfu=0.4, catalog=mine)
    assert t.chip == "acme-a1" and t.model == "acme-lm-8b" and t.time_s > 0


def test_classify(mine: chipmodel.Catalog) -> None:
    c = chipmodel.classify("acme-a1", "CN", "2026-02-01", catalog=mine)
    assert c.chip == "acme-a1"
    # 1,000 dense TFLOP/s at fp8 (TPP 16,000) on 600 mm²: 3A090.a, as the H200 is.
    assert c.eccn == "3A090.a" and c.license_required


def test_fleet_tco(mine: chipmodel.Catalog) -> None:
    fleet = chipmodel.Fleet([("acme-a1", 1000, "cn")], catalog=mine)
    r = fleet.tco(workload="acme-lm-8b")
    assert r.groups[0]["chip"] == "acme-a1"
    assert some(r.total["tokens_per_day"]) > 0
    with pytest.raises(chipmodel.UnknownChipError):
        chipmodel.Fleet([("acme-a1", 1000, "cn")])


def test_equivalent_fleet(mine: chipmodel.Catalog) -> None:
    h200 = chipmodel.Fleet([("h200", 1000, "cn")], catalog=mine)
    n, report = chipmodel.equivalent_fleet(h200, "acme-a1", "cn", workload="acme-lm-8b")
    assert n > 0 and report.groups[0]["chip"] == "acme-a1"


def test_plan_hybrid(mine: chipmodel.Catalog) -> None:
    plan = chipmodel.plan_hybrid(
        [{"chip": "acme-a1", "site": "cn"}, {"chip": "h200", "site": "cn", "max_count": 100}],
        [{"model": "acme-lm-8b", "tokens_per_day": 1e11}],
        catalog=mine,
    )
    assert plan["options"][0]["chip"] == "acme-a1"
    assert plan["allocation"]["tco_usd_per_year"] > 0


def test_run_scenario(mine: chipmodel.Catalog, tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(
        '[scenario]\nid = "acme"\ntitle = "Acme in China"\n'
        '[[group]]\nchip = "acme-a1"\ncount = 1000\nsite = "cn"\n'
        '[workload]\nmodel = "acme-lm-8b"\n'
        '[compare]\nequivalent = ["ascend-910c"]\n',
        encoding="utf-8",
    )
    with pytest.raises(chipmodel.CatalogError):
        chipmodel.load_scenario(path)
    scenario = chipmodel.load_scenario(path, catalog=mine)
    result = chipmodel.run_scenario(scenario)
    assert result["report"]["groups"][0]["chip"] == "acme-a1"
    assert result["compliance"][0]["chip"] == "acme-a1"
    assert result["equivalents"][0]["count"] > 0
    # The scenario keeps its catalog through a pickle, as a fleet does.
    import pickle

    again = pickle.loads(pickle.dumps(scenario))
    assert chipmodel.run_scenario(again)["report"] == result["report"]
    fleet = pickle.loads(pickle.dumps(scenario.fleet))
    assert fleet.tco().total == scenario.fleet.tco().total


def test_a_hugging_face_model_joins_a_catalog() -> None:
    m = chipmodel.Model.from_hf_config(
        {
            "model_type": "llama",
            "hidden_size": 2048,
            "num_hidden_layers": 16,
            "num_attention_heads": 32,
            "num_key_value_heads": 8,
            "intermediate_size": 8192,
            "vocab_size": 128256,
            "max_position_embeddings": 8192,
        },
        id="tiny-1b",
    )
    cat = chipmodel.catalog().with_model(m)
    r = chipmodel.Fleet([("h100", 8, "us")], catalog=cat).tco(workload="tiny-1b")
    assert some(r.total["tokens_per_day"]) > 0
    with pytest.raises(chipmodel.CatalogError):
        cat.with_model(m)
