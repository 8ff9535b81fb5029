"""Bad input gets a named ChipModelError within bounded time and memory; docs/reliability.md lists
every case; interrupted runs leave whole files; results are bit-identical across runs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import chipmodel
from reliability_cases import CASES

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize(("cid", "cls", "example", "call", "expected", "needle"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_named_error(cid: str, cls: str, example: str, call: Any, expected: str | None, needle: str, tmp_path: Path) -> None:
    try:
        call(tmp_path)
    except BaseException as err:  # noqa: BLE001 - the point is to see exactly what arrives
        assert expected is not None, f"{cid}: {example} should be accepted, got {err!r}"
        assert type(err).__name__ == expected, f"{cid}: {type(err).__name__}: {err}"
        assert needle in str(err), f"{cid}: {needle!r} not in {err}"
        assert len(str(err)) < 2_000, f"{cid}: a {len(str(err))}-character message"
        if expected != "PanicException":
            assert isinstance(err, chipmodel.ChipModelError)
        return
    assert expected is None, f"{cid}: {example} was accepted; expected {expected}"


def test_the_docs_table_lists_every_case() -> None:
    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+) \| `(.+?)` \| (.+) \|$", text, re.M)
    documented = {cid: (cls.strip(), result.strip()) for cid, cls, _, result in rows}
    assert list(documented) == [c[0] for c in CASES], "docs/reliability.md and tests/reliability_cases.py disagree"
    for cid, cls, _, _, expected, _ in CASES:
        doc_cls, result = documented[cid]
        assert doc_cls == cls, cid
        assert (result == "accepted") if expected is None else result.startswith(f"`{expected}`"), cid


CHILD = """
import json, resource, sys, tempfile, pathlib
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
sys.path.insert(0, sys.argv[1])
from reliability_cases import CASES
results = {}
for cid, cls, example, call, expected, needle in CASES:
    try:
        call(pathlib.Path(tempfile.mkdtemp()))
        results[cid] = None
    except BaseException as err:
        results[cid] = type(err).__name__
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"results": results, "peak_kib": peak}))
"""


def test_every_case_finishes_in_bounded_time_and_memory() -> None:
    """All the cases in one child process with 4 GiB of address space and two minutes."""
    run = subprocess.run([sys.executable, "-c", CHILD, str(TESTS)], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["results"] == {c[0]: c[4] for c in CASES}
    assert out["peak_kib"] < 2 << 20  # under 2 GiB resident at the worst


def test_an_interrupted_run_leaves_the_old_results_or_the_new(tmp_path: Path) -> None:
    """``chipmodel run`` killed at random moments: results.json always parses, and is the old
    file or the new one."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text('{"old": true}\n', encoding="utf-8")
    cmd = [sys.executable, "-m", "chipmodel.cli", "run", "h800-china-2023", "--out", str(out)]
    seen = set()
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = json.loads((out / "results.json").read_text(encoding="utf-8"))
        seen.add("old" if data.get("old") else "new")
        html = out / "report.html"
        if html.exists():
            assert html.read_text(encoding="utf-8").rstrip().endswith("</html>")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    assert "scenario" in json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert seen <= {"old", "new"}


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipmodel import _scenario

    path = tmp_path / "results.json"
    path.write_text("old", encoding="utf-8")

    def fail(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(KeyboardInterrupt):
        _scenario.write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary left behind


DETERMINISM = """
import json, sys
import numpy as np
import chipmodel
r = chipmodel.run_scenario()
r["monte_carlo"]["draws"] = {k: np.asarray(v).tobytes().hex() for k, v in r["monte_carlo"]["draws"].items()}
grid = chipmodel.SweepGrid(["llama-3.1-70b", "mixtral-8x7b"], ["h100", "h200"], n_chips=[1, 2, 4, 8],
                           batch=list(range(1, 65)), usd_per_chip_hour=[2.0, 2.5])
threads = int(sys.argv[1])
cols = grid.evaluate(threads=threads)
front = grid.reduce(chipmodel.Reduction.pareto(["throughput_per_chip_tokens_per_s", "tpot_s", "usd_per_million_tokens"]), threads=threads)
mc = chipmodel.monte_carlo(chipmodel.Fleet([("h200", 1000, "cn")]), samples=300, seed=5, threads=threads)
print(json.dumps({
    "scenario": r,
    "sweep": {k: np.asarray(v).tobytes().hex() for k, v in cols.items() if not k.startswith("_")},
    "front": front.tobytes().hex(),
    "mc": {k: v.tobytes().hex() for k, v in mc["draws"].items()},
}, sort_keys=True, default=str))
"""


def test_outputs_are_bit_identical_across_processes_and_thread_counts() -> None:
    outs = [
        subprocess.run([sys.executable, "-c", DETERMINISM, str(t)], capture_output=True, text=True, check=True).stdout
        for t in (1, 2, 1)
    ]
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0]) > 100_000
