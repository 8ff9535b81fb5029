"""The Python catalog API: its public contract, with real values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import chipmodel
from conftest import GOOD_CHIP

PROMISED = [
    "h100-sxm", "h100-pcie", "h200-sxm", "h200-nvl", "h800-sxm", "h20", "a100-sxm", "a800-sxm",
    "l20", "l40", "l40s", "b200", "b300", "gb200", "rtx-4090", "rtx-4090d", "rtx-5090", "mi250x",
    "mi300x", "mi325x", "mi355x", "gaudi2", "gaudi3", "tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu-v7",
    "ascend-910b", "ascend-910c", "mlu590", "trainium2",
]  # fmt: skip


def test_catalog_holds_every_promised_chip() -> None:
    chips = chipmodel.chips()
    assert len(chips) >= 30
    ids = {c.id for c in chips}
    assert set(PROMISED) <= ids
    assert {c.vendor for c in chips} == {"NVIDIA", "AMD", "Intel", "Google", "AWS", "Huawei", "Cambricon"}


@pytest.mark.parametrize("name", ["H200", "h200", "h200-sxm", "H200 SXM", "h200_sxm", " H200-SXM "])
def test_lookup_by_id_alias_name_any_case(name: str) -> None:
    assert chipmodel.chip(name).id == "h200-sxm"


def test_lookup_by_display_name() -> None:
    for c in chipmodel.chips():
        assert chipmodel.chip(c.name.upper()).id == c.id


def test_ids_and_aliases_resolve() -> None:
    assert chipmodel.chip("H200").id == "h200-sxm"
    assert chipmodel.chip("h200 sxm").id == "h200-sxm"
    assert chipmodel.chip("A100").id == "a100-sxm"
    assert chipmodel.chip("Ironwood").id == "tpu-v7"


def test_anchor_values_within_one_percent() -> None:
    for name in ("h100-sxm", "h200-sxm"):
        c = chipmodel.chip(name)
        assert c.tpp == pytest.approx(15_832, rel=0.01)
        assert c.die_area_mm2 == 814
        assert c.performance_density == pytest.approx(19.4, rel=0.01)
    assert chipmodel.chip("h20").tpp == pytest.approx(2_368, rel=0.01)
    assert chipmodel.chip("a100").tpp == pytest.approx(4_992, rel=0.01)
    h200 = chipmodel.chip("h200")
    assert h200.memory_capacity_bytes == pytest.approx(141e9, rel=0.01)
    assert h200.memory_bandwidth_bytes_per_s == pytest.approx(4.8e12, rel=0.01)


def test_units_are_si_and_in_the_name() -> None:
    h100 = chipmodel.chip("h100")
    assert h100.memory_capacity_bytes == 80e9
    assert h100.memory_bandwidth_bytes_per_s == 3.35e12
    assert h100.tdp_w == 700
    assert h100.dense_flops_per_s("bf16") == 989.4e12
    assert h100.dense_flops_per_s("BF16") == 989.4e12
    assert h100.sparse_flops_per_s("bf16") == pytest.approx(1978.9e12, rel=1e-3)
    assert h100.dense_flops_per_s("fp4") is None  # Hopper has no FP4
    assert chipmodel.chip("tpu-v5p").memory_capacity_bytes == 95 * 2**30  # written in GiB


def test_derived_metrics() -> None:
    h100 = chipmodel.chip("h100")
    assert h100.ridge_point_flop_per_byte("bf16") == pytest.approx(989.4 / 3.35)
    assert h100.bytes_per_flop("bf16") == pytest.approx(3.35 / 989.4)
    assert h100.flops_per_w("bf16") == pytest.approx(989.4e12 / 700)
    assert h100.tpp_precision in {"int8", "fp8"}
    usd = h100.price_usd
    assert usd is not None and h100.flops_per_usd("bf16") == pytest.approx(989.4e12 / usd)
    # No die area published for TPUs: performance density is unknown, not zero.
    assert chipmodel.chip("tpu-v6e").performance_density is None


def test_every_value_has_a_source() -> None:
    for chip in chipmodel.chips():
        d = chip.to_dict()
        sources = chip.sources
        for field in ("datacenter", "release_date", "memory_type", "memory_capacity", "memory_bandwidth", "tdp"):
            assert d[field]["source"] in sources, (chip.id, field)
            assert isinstance(d[field]["estimate"], bool)
        for prec, rate in d["dense"].items():
            assert rate["source"] in sources, (chip.id, prec)
        for key, src in sources.items():
            assert src["url"].startswith("http"), key


def test_provenance_keeps_conflicts_visible() -> None:
    p = chipmodel.chip("h800").provenance("dense.fp64")
    assert p["conflicts"], "NVIDIA's 1 TF vs Epoch's 29.65 must stay visible"
    assert {c["source"] for c in p["conflicts"]} & {"epoch-ml-hardware", "techpowerup"}
    with pytest.raises(KeyError, match="has no field 'colour'"):
        chipmodel.chip("h100").provenance("colour")


def test_to_dict_is_plain_data_with_derived_metrics() -> None:
    d = chipmodel.chip("mi325x").to_dict()
    assert d["id"] == "mi325x"
    assert d["derived"]["tpp"] == pytest.approx(20_919, rel=1e-4)
    assert d["memory_bandwidth"]["value"] == 6e12
    assert d["memory_bandwidth"]["as_written"] == "6 TB/s" or d["memory_bandwidth"]["as_written"] == "6.0 TB/s"


def test_compare_h200_h100_is_143_not_175() -> None:
    cmp = chipmodel.compare("h200", "h100")
    assert cmp.a == "h200-sxm" and cmp.b == "h100-sxm"
    assert cmp.ratio("memory_bandwidth_bytes_per_s") == pytest.approx(1.4328, abs=1e-4)
    assert cmp.ratio("memory_capacity_bytes") == pytest.approx(1.7625)
    assert cmp.ratio("tpp") == 1.0
    text = str(cmp)
    assert "memory bandwidth (TB/s)" in text and "1.43x" in text and "1.76x" in text
    with pytest.raises(KeyError, match="no metric 'speed'"):
        cmp.ratio("speed")
    # Chip objects work as well as names.
    assert chipmodel.compare(chipmodel.chip("h20"), "h100").ratio("tpp") == pytest.approx(2368 / 15832, rel=1e-3)


def test_comparison_frame() -> None:
    df = chipmodel.comparison_frame(chipmodel.compare("h200", "h100"))
    assert df.loc["memory_bandwidth_bytes_per_s", "ratio"] == pytest.approx(1.4328, abs=1e-4)
    assert df.loc["memory_capacity_bytes", "h200-sxm"] == 141e9


def test_catalog_frame_has_every_chip_and_units_in_column_names() -> None:
    df = chipmodel.catalog_frame()
    assert len(df) == len(chipmodel.chips())
    assert df.loc["h20", "tpp"] == pytest.approx(2368, rel=0.01)
    for col in ("memory_capacity_bytes", "memory_bandwidth_bytes_per_s", "tdp_w", "die_area_mm2",
                "dense_bf16_flops_per_s", "performance_density", "ridge_point_bf16_flop_per_byte"):  # fmt: skip
        assert col in df.columns
    assert df["tpp"].dtype == "float64"
    assert bool(df["die_area_mm2"].isna().loc["tpu-v6e"])


def test_catalog_frame_without_pandas_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install 'chipmodel\[pandas\]'"):
        chipmodel.catalog_frame()
    monkeypatch.setitem(sys.modules, "distributed", None)
    from chipmodel import dask as cm_dask

    with pytest.raises(ImportError, match=r"pip install 'chipmodel\[dask\]'"):
        cm_dask.sweep(chipmodel.SweepGrid("llama-3.1-8b", "h100"))


def test_catalog_object_protocols() -> None:
    cat = chipmodel.catalog()
    assert len(cat) == len(cat.ids()) >= 30
    assert "h100" in cat and "h300" not in cat
    assert cat["h20"].id == "h20"
    assert [c.id for c in cat][:1] == cat.ids()[:1]
    assert repr(cat).startswith(f"Catalog({len(cat)} chips")
    assert "epoch-ml-hardware" in cat.sources()
    assert chipmodel.chip("h100") == chipmodel.chip("H100")
    assert hash(chipmodel.chip("h100")) == hash(chipmodel.chip("h100-sxm"))
    assert "TPP 15832" in repr(chipmodel.chip("h100"))


def test_load_catalog_adds_and_overrides(write_catalog: Callable[[str], Path]) -> None:
    path = write_catalog(
        GOOD_CHIP
        + """
[[override]]
id = "h100"
tdp = { value = 650, unit = "W", source = "lab", note = "power-capped" }
"""
    )
    cat = chipmodel.load_catalog(path)
    assert len(cat) == len(chipmodel.catalog()) + 1
    a1 = cat.chip("acme-a1")
    assert a1.tpp == 8000 and a1.performance_density == pytest.approx(8000 / 600)
    assert cat.chip("h100").tdp_w == 650
    assert chipmodel.chip("h100").tdp_w == 700  # the embedded catalog is untouched
    # load() chains over `cat`: loading the same file again redefines its source: all or nothing.
    with pytest.raises(chipmodel.CatalogError, match="duplicate source key 'lab'"):
        cat.load(path)
