"""Scenarios from Python and the `chipmodel run` command: outputs, README headline, bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import chipmodel
from conftest import some
import chipmodel.cli
from chipmodel import _scenario

ROOT = Path(__file__).resolve().parent.parent


def test_readme_headline_is_the_code_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- headline:start -->\n(.*?)\n<!-- headline:end -->", readme, re.S)
    assert m, "README.md lost its headline markers"
    expected = _scenario.headline_markdown(chipmodel.run_scenario())
    assert m.group(1) == expected, "README headline is stale; paste:\n" + expected


def test_seed_headline_values() -> None:
    r = chipmodel.run_scenario()
    h = _scenario.headline(r)
    assert h["chips"] == "400,000 × h200-sxm"
    assert h["facility_mw"] == "700 MW" and h["capex"] == "$21.59B"
    assert h["usd_per_gpu_hour"] == "$1.84" and h["usd_per_million_tokens"] == "$0.814"
    assert h["tokens_per_day"] == "21.70 trillion"
    assert h["equivalent.ascend-910c"].startswith("871,475 chips")
    assert r["disclaimer"].startswith("Not legal advice")


def test_shipped_scenarios_load_and_run() -> None:
    ids = chipmodel.scenarios()
    assert ids[0] == "seed-h200-china-2026" and len(ids) >= 3
    assert {p.stem for p in (ROOT / "scenarios").glob("*.toml")} == set(ids)
    for sid in ids:
        s = chipmodel.load_scenario(sid)
        assert s.id == sid and s.title
    b200 = chipmodel.run_scenario("us-b200-buildout-2025")
    assert b200["report"]["total"]["us_tariff_usd"] == 0.0
    assert b200["report"]["groups"][0]["group"]["site"] == "us"
    h800 = chipmodel.run_scenario(ROOT / "scenarios" / "h800-china-2023.toml")
    policies = {(c["chip"], c["date"]): c["review_policy"] for c in h800["compliance"]}
    assert policies[("h800-sxm", "2023-06-01")] == "none"  # the 2022 rule left the H800 out
    assert policies[("h800-sxm", "2023-11-17")] == "presumption-of-denial"


def test_scenario_object() -> None:
    s = chipmodel.load_scenario()
    assert s.fleet.count == 400_000
    assert s.assumptions.get("wacc") == 0.07
    d = s.to_dict()
    assert some(d["workload"])["model"] == "llama-3.1-70b" and d["equivalent"] == ["ascend-910c", "ascend-910b"]
    assert "seed-h200-china-2026" in repr(s)


def test_cli_run_writes_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert chipmodel.cli.main(["run", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "400,000 × h200-sxm" in out and "Fleet comparison" in out and "Not legal advice" in out
    # Fits an 80-column terminal (the paths written are the user's, and may be longer).
    assert max(len(ln) for ln in out.splitlines() if str(tmp_path) not in ln) <= 80
    # The README's headline figures are what the first Quick start command prints.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- headline:start -->")[1].split("<!-- headline:end -->")[0]
    rows = [ln.strip("|").split("|") for ln in table.strip().splitlines()[2:]]
    assert len(rows) >= 10
    for label, value in rows:
        assert any(label.strip() in ln and value.strip() in ln for ln in out.splitlines()), (label, value)
    data = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert data["report"]["total"]["facility_mw"] == 700.0
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4  # cost, comparison, tornado, Monte Carlo
    assert "Compliance status" in html and "http" not in html.split("<body>")[1].split("Made by")[0]


def test_cli_run_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert chipmodel.cli.main(["run", "--list"]) == 0
    assert "us-b200-buildout-2025" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[[group]]\nchip = "h200"\ncount = 8\ncolour = "red"\n', "group[0].colour"),
        ('[[group]]\nchip = "h2000"\ncount = 8\n', "group[0].chip"),
        ('[[group]]\nchip = "h200"\ncount = -8\n', "group[0].count"),
        ('[[group]]\nchip = "h200"\ncount = 8\n[workload]\nmodel = "llama-9"\n', "workload.model"),
        ('[assumptions]\n"price.h200-sxm" = -1\n[[group]]\nchip = "h200"\ncount = 8\n', "price.h200-sxm"),
        ('[assumptions]\nwacc = { value = 0.05, low = 0.08, high = 0.03 }\n[[group]]\nchip = "h200"\ncount = 8\n', "assumptions.wacc"),
    ],
)
def test_bad_scenario_files_name_file_and_key_and_write_nothing(
    body: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('[scenario]\nid = "bad"\ntitle = "Bad"\n' + body, encoding="utf-8")
    with pytest.raises(chipmodel.CatalogError, match=re.escape(needle)) as e:
        chipmodel.load_scenario(f)
    assert str(f) in str(e.value)
    out = tmp_path / "out"
    assert chipmodel.cli.main(["run", str(f), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert needle in err and "bad.toml" in err
    assert not out.exists()


def test_missing_scenario_file() -> None:
    with pytest.raises(chipmodel.CatalogFileError, match="nope.toml"):
        chipmodel.load_scenario("nope.toml")


def test_seed_hybrid_plan_before_and_after_the_shock() -> None:
    r = chipmodel.run_scenario()
    a = some(r["hybrid"])["allocation"]
    h200 = {x["name"]: x for x in a["supplies"]}["h200-sxm@cn"]
    assert h200["cap_binding"] and h200["chips"] == pytest.approx(400_000)
    # One more approved H200 saves the buyer ~$19,431 a year: the TCO of the Ascend 910Cs it
    # replaces on the 70B model, less its own.
    assert h200["usd_per_year_saved_per_extra_chip"] == pytest.approx(19_431.3, rel=1e-3)
    frontier = [x for x in a["assignments"] if x["workload"] == "deepseek-v3"]
    assert [x["option"] for x in frontier] == ["h200-sxm@cn"]  # imports only
    after = some(some(r["hybrid_after_shock"])["plan"])["allocation"]
    cut_h200 = {x["name"]: x for x in after["supplies"]}["h200-sxm@cn"]
    assert cut_h200["chips"] == pytest.approx(200_000)
    assert after["tco_usd_per_year"] > a["tco_usd_per_year"]
    assert after["facility_mw"] > a["facility_mw"]


def test_bad_hybrid_tables_name_the_key(tmp_path: Path) -> None:
    f = tmp_path / "h.toml"
    f.write_text(
        '[scenario]\nid = "h"\ntitle = "H"\n[[group]]\nchip = "h200"\ncount = 8\n'
        '[hybrid]\n[[hybrid.supply]]\nchip = "h200"\nmax_count = -1\n'
        '[[hybrid.demand]]\nmodel = "llama-3.1-70b"\ntokens_per_day = 1e9\n',
        encoding="utf-8",
    )
    with pytest.raises(chipmodel.CatalogError, match=re.escape("hybrid.supply[0].max_count")):
        chipmodel.load_scenario(f)


def test_progress_callback_sees_every_stage_and_can_stop_the_run() -> None:
    seen: list[tuple[str, int, int]] = []
    r = chipmodel.run_scenario(progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert r["report"]["total"]["facility_mw"] == 700.0
    stages = list(dict.fromkeys(s for s, _, _ in seen))
    assert stages == ["fleet", "equivalents", "monte carlo", "sensitivity", "compliance", "export shock", "hybrid plan"]
    assert seen[-1][0] == "hybrid plan" and ("monte carlo", 1000, 1000) in seen

    class Stop(Exception):
        pass

    def stop(stage: str, done: int, total: int) -> None:
        if stage == "monte carlo" and done >= 300:
            raise Stop(f"{done}/{total}")

    with pytest.raises(Stop, match="320/1000"):  # blocks of 64 draws
        chipmodel.run_scenario(progress=stop)
    # the fleet Monte Carlo reports draw by draw too; the draws do not depend on the callback
    fleet = chipmodel.Fleet([("h200", 1000, "cn")])
    ticks: list[int] = []
    a = chipmodel.monte_carlo(fleet, samples=200, seed=3, progress=lambda s, d, t: ticks.append(d))
    b = chipmodel.monte_carlo(fleet, samples=200, seed=3)
    assert ticks == [0, 64, 128, 192, 200]
    assert a["outputs"] == b["outputs"]


def _run_cli_with_stderr_on_a_terminal(tmp_path: Path) -> tuple[bytes, bytes]:
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chipmodel.cli", "run", "--no-html", "--out", str(tmp_path / "tty")],
        stdout=subprocess.PIPE, stderr=slave,
    )  # fmt: skip
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        err += chunk
    out = proc.communicate(timeout=120)[0]
    os.close(master)
    return out, err


def test_cli_shows_progress_on_a_terminal_and_nothing_when_piped(tmp_path: Path) -> None:
    import subprocess
    import sys

    out, err = _run_cli_with_stderr_on_a_terminal(tmp_path)
    text = err.decode()
    assert "running seed-h200-china-2026: monte carlo 512/1,000" in text
    assert "hybrid plan" in text and text.endswith("\r")  # the line is cleared at the end
    assert all(len(part) <= 80 for part in text.split("\r"))
    assert b"400,000" in out
    piped = subprocess.run(
        [sys.executable, "-m", "chipmodel.cli", "run", "--no-html", "--out", str(tmp_path / "pipe")],
        capture_output=True, check=True,
    )  # fmt: skip
    assert piped.stderr == b""
