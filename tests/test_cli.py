"""The ``chipmodel`` console command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from chipmodel.cli import main
from conftest import GOOD_CHIP


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_chips_table_fits_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "chips")
    assert code == 0
    assert "h200-sxm" in out and "15832" in out and "ascend-910c" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_chip_shows_every_value_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "chip", "H200")
    assert code == 0
    assert "4.8 TB/s" in out and "141 GB" in out
    assert "TPP 15832" in out
    assert "sources" in out and "https://" in out


def test_compare_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "h200", "h100", "--json")
    assert code == 0
    data = json.loads(out)
    bw = next(r for r in data["rows"] if r["metric"] == "memory_bandwidth_bytes_per_s")
    assert bw["ratio"] == pytest.approx(1.4328, abs=1e-4)
    code, out, _ = run(capsys, "chip", "h20", "--json")
    assert json.loads(out)["derived"]["tpp"] == pytest.approx(2368, rel=0.01)
    code, out, _ = run(capsys, "chips", "--json")
    assert len(json.loads(out)) >= 30


def test_unknown_chip_exits_1_with_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "chip", "h2000")
    assert code == 1 and out == ""
    assert err.startswith("chipmodel: error: unknown chip 'h2000'; did you mean")


def test_custom_catalog_option(capsys: pytest.CaptureFixture[str], write_catalog: Callable[[str], Path]) -> None:
    path = write_catalog(GOOD_CHIP)
    code, out, _ = run(capsys, "chip", "acme-a1", "--catalog", str(path))
    assert code == 0 and "Acme A1" in out
    bad = write_catalog(GOOD_CHIP.replace('unit = "W", ', ""))
    code, _, err = run(capsys, "chips", "--catalog", str(bad))
    assert code == 1 and "field 'tdp.unit'" in err


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "chipmodel"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "chips" in result.stdout and "compare" in result.stdout


def test_models_estimate_and_best(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models")
    assert code == 0 and "deepseek-v3" in out and "MoE MLA" in out
    code, out, _ = run(capsys, "estimate", "llama-2-70b", "h100", "--n-chips", "8", "--batch", "64")
    assert code == 0 and "tp 8" in out and "fits" in out and "memory-bound" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    code, out, _ = run(capsys, "estimate", "llama-2-70b", "h100")
    assert code == 0 and "DOES NOT FIT by" in out
    code, out, _ = run(capsys, "best", "llama-2-70b", "h200", "--n-chips", "8", "--tpot-slo-s", "0.05", "--json")
    data = json.loads(out)
    assert data["fits"] and data["tpot_s"] <= 0.05 and data["chosen_by"].startswith("best_inference")
    code, _, err = run(capsys, "estimate", "llama-2-71b", "h100")
    assert code == 1 and "did you mean 'llama-2-70b'" in err


def test_classify_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "classify", "h200", "--date", "2026-02-01")
    assert code == 0 and "case-by-case" in out and "TPP 15,832 ≥ 4,800 by 11,032" in out
    assert out.rstrip().endswith("counsel before acting.")
    code, out, _ = run(capsys, "classify", "a800", "--timeline")
    assert code == 0 and out.splitlines()[0].startswith("2022-10-07") and "Not legal advice" in out
    code, _, err = run(capsys, "classify", "h200", "--destination", "Mars")
    assert code == 1 and "unknown destination" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["chips"],
        ["chip", "h100"],
        ["compare", "h200", "h100"],
        ["models"],
        ["estimate", "llama-2-70b", "h100", "--n-chips", "8"],
        ["best", "llama-2-70b", "h200", "--n-chips", "8"],
        ["classify", "h20"],
        ["classify", "h20", "--timeline"],
        ["run", "--list"],
    ],
)
def test_every_text_output_fits_80_columns(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip()
    assert max(len(line) for line in out.splitlines()) <= 80, argv


@pytest.mark.parametrize(
    "argv",
    [["chips"], ["chip", "h100"], ["compare", "h200", "h100"], ["models"], ["classify", "h20"],
     ["estimate", "llama-2-70b", "h100", "--n-chips", "8"]],
)  # fmt: skip
def test_json_on_the_subcommands(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--json"]) == 0
    json.loads(capsys.readouterr().out)


def test_sweep_reduces_a_grid_and_fits_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sweep", "llama-3.1-70b", "h100,h200", "--n-chips", "4,8", "--batch", "1-64",
                         "--usd-per-chip-hour", "h100=2.2,h200=2.8",
                         "--objectives", "throughput_per_chip_tokens_per_s,usd_per_million_tokens")  # fmt: skip
    assert code == 0 and err == ""  # no progress when not on a terminal
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["model", "chip", "n"]
    assert max(len(line) for line in lines) <= 80
    assert "of 256 configurations (Reduction.pareto(" in out
    code, out, _ = run(capsys, "sweep", "llama-3.1-70b", "h100,h200", "--n-chips", "8", "--reduce", "best", "--by", "chip", "--json")
    rows = json.loads(out)
    assert [r["chip"] for r in rows] == ["h100-sxm", "h200-sxm"]
    assert rows[1]["throughput_per_chip_tokens_per_s"] > rows[0]["throughput_per_chip_tokens_per_s"]


def test_sweep_writes_every_row_to_parquet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "grid.parquet"
    code, out, _ = run(capsys, "sweep", "llama-3.1-8b", "h100", "--batch", "1-100", "--reduce", "none", "--parquet", str(path))
    assert code == 0 and "wrote 100 rows" in out
    assert pq.read_table(path).num_rows == 100


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--batch", "1-x"], "--batch takes integers"),
        (["--usd-per-chip-hour", "cheap"], "--usd-per-chip-hour takes"),
        (["--reduce", "none"], "needs --parquet"),
    ],
)
def test_sweep_bad_arguments(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match=needle):
        main(["sweep", "llama-3.1-8b", "h100", *args])


def test_sweep_unknown_objective_is_a_chipmodel_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sweep", "llama-3.1-8b", "h100", "--objectives", "speed")
    assert code == 1 and "objective = 'speed'" in err


def test_every_subcommand_and_option_has_help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from chipmodel.cli import _parser

    monkeypatch.setenv("COLUMNS", "80")
    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert set(helps) == set(sub.choices) and all(helps.values())
    for name, sp in sub.choices.items():
        for action in sp._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
        with pytest.raises(SystemExit):
            main([name, "--help"])
        out = capsys.readouterr().out
        assert max(len(line) for line in out.splitlines()) <= 80, name
