"""The export-control classifier from Python: its contract with real outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

import chipmodel
from conftest import some


def test_h200_on_2026_02_01_is_case_by_case_with_the_tariff() -> None:
    c = chipmodel.classify("h200", destination="CN", date="2026-02-01")
    assert c.rules == "us-2026-01" and c.eccn == "3A090.a"
    assert c.controlled and c.license_required and c.review_policy == "case-by-case"
    assert c.tariff is not None and c.tariff["rate"] == 0.25 and c.tariff["band"] == "band-1"
    texts = [r["text"] for r in c.reasons]
    assert any(t.startswith("TPP 15,832 ≥ 4,800 by 11,032 — 3A090.a.1, 88 FR 73458") for t in texts)
    assert any("DRAM bandwidth (GB/s) 4,800 < 6,500 by 1,700" in t for t in texts)
    assert c.conditions and c.uncertain
    assert c.disclaimer.startswith("Not legal advice")
    assert "Not legal advice" in repr(c)


def test_known_outcomes() -> None:
    def policy(chip: str, date: str, dest: str = "CN") -> tuple[str | None, bool, str]:
        c = chipmodel.classify(chip, destination=dest, date=date)
        return c.eccn, c.license_required, c.review_policy

    assert policy("a800", "2023-06-01") == (None, False, "none")
    assert policy("a800", "2023-12-01") == ("3A090.a", True, "presumption-of-denial")
    assert policy("h20", "2024-06-01") == (None, False, "none")
    assert policy("rtx-4090d", "2024-06-01") == (None, False, "none")
    assert policy("b200", "2026-02-01") == ("3A090.a", True, "presumption-of-denial")
    assert policy("h100", "2024-06-01", "SA") == ("3A090.a", True, "presumption-of-approval")
    assert policy("h100", "2024-06-01", "DE") == ("3A090.a", False, "none")


def test_undetermined_is_explicit() -> None:
    c = chipmodel.classify("ascend-910b", date="2024-06-01")
    assert not c.determined and c.eccn is None
    assert any("undetermined" in d for d in c.decision)


def test_timeline_is_a_step_function() -> None:
    t = chipmodel.timeline("h200", destination="CN")
    dates = [e["date"] for e in t]
    assert dates == sorted(dates) and dates[0] == "2022-10-07"
    assert t[-1]["review_policy"] == "case-by-case" and t[-1]["tariff_rate"] == 0.25
    h20 = {e["date"]: e["license_required"] for e in chipmodel.timeline("h20")}
    assert h20["2023-11-17"] is False and h20["2025-04-09"] is True
    assert all(e["disclaimer"].startswith("Not legal advice") for e in t)


def test_frame_what_if_headroom_and_caps(tmp_path: Path) -> None:
    df = chipmodel.compliance_frame(date="2024-06-01")
    assert len(df) == len(chipmodel.chips())
    assert df.attrs["disclaimer"].startswith("Not legal advice")
    assert bool(df["eccn"].isna().loc["h20"]) and df.loc["h100-sxm", "eccn"] == "3A090.a"
    base = chipmodel.rule_set("us-2023-10")
    variant = base.with_line("tpp", 4800, 3000)
    flipped = {f["chip"] for f in chipmodel.flips(base, variant)}
    assert {"tpu-v5e", "rtx-4090d"} <= flipped and "h100-sxm" not in flipped
    path = tmp_path / "what-if.toml"
    path.write_text('id = "strict"\nextends = "us-2026-01"\n[case_by_case]\ncodes = []\n', encoding="utf-8")
    strict = chipmodel.load_rules(path)
    assert chipmodel.classify("h200", rules=strict).review_policy == "presumption-of-denial"
    h = chipmodel.headroom("rtx-4090", rules="us-2023-10")
    assert some(h["scale_to_leave_3a090"]) * 5284.8 == pytest.approx(4800, abs=1)
    caps = chipmodel.diffusion_caps({"h100": 1699})
    assert caps["lpp_fraction"] == pytest.approx(1.0, abs=0.01)
    assert caps["disclaimer"].startswith("Not legal advice")


def test_bad_input() -> None:
    with pytest.raises(chipmodel.ConfigError, match="unknown destination 'Mars'"):
        chipmodel.classify("h100", destination="Mars")
    with pytest.raises(chipmodel.ConfigError, match="YYYY-MM-DD"):
        chipmodel.classify("h100", date="yesterday")
    with pytest.raises(chipmodel.UnknownRulesError, match="did you mean 'us-2023-10'") as info:
        chipmodel.classify("h100", rules="us-2023-11")
    assert isinstance(info.value, KeyError)
    with pytest.raises(chipmodel.UnknownChipError):
        chipmodel.classify("h1000")
    with pytest.raises(chipmodel.CatalogError, match="rules"):
        chipmodel.load_rules({"id": "x", "extends": "us-2023-10", "paragraph": [{"eccn": "3A090.a", "clause": [{"id": "a", "citation": "c", "criteria": [{"metric": "tpp", "op": "=>", "value": 1}]}]}]})
    with pytest.raises(chipmodel.ConfigError, match="metric"):
        chipmodel.rule_set("us-2023-10").with_line("flops", 4800, 3000)
