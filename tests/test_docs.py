"""Every example in README.md and docs/*.md runs here, and every docstring example of the public
Python API. (Rust blocks in the same files run as rustdoc tests of the `chipmodel` crate.)

- ```python blocks run top to bottom, each in a fresh namespace;
- ```console lines starting with ``$ chipmodel`` run through the CLI and must exit 0;
- ```toml blocks are catalog files and must load over the embedded catalog, or scenario files
  (those with a `[scenario]` table) and must load and run;
- ```sh blocks are the Quick start: exactly two commands, the second the one .ci/run runs.
"""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

import chipmodel
import chipmodel._compliance
import chipmodel._display
import chipmodel._frames
import chipmodel._scenario
import chipmodel._sweep
import chipmodel.dask
import chipmodel.exceptions
import chipmodel.inputs
import chipmodel.results
import chipmodel.plot
import chipmodel.cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)


def blocks(lang: str) -> list[tuple[str, str]]:
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1) == lang:
                line = text[: m.start()].count("\n") + 1
                out.append((f"{path.relative_to(ROOT)}:{line}", m.group(2)))
    return out


def test_every_fenced_block_has_a_language() -> None:
    for path in DOCS:
        for m in FENCE.finditer(path.read_text(encoding="utf-8")):
            assert m.group(1), f"{path.name}: a code block without a language would run as Rust"


@pytest.mark.parametrize(("where", "code"), blocks("python"), ids=[w for w, _ in blocks("python")])
def test_python_blocks_run(where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize(("where", "code"), blocks("console"), ids=[w for w, _ in blocks("console")])
def test_console_blocks_run(
    where: str, code: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # `chipmodel run` writes its outputs under the working directory
    commands = [line[2:] for line in code.splitlines() if line.startswith("$ ")]
    assert commands, where
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "chipmodel", f"{where}: only chipmodel commands run here"
        assert chipmodel.cli.main(argv[1:]) == 0, f"{where}: {command}"
        assert capsys.readouterr().out.strip(), f"{where}: {command} printed nothing"


@pytest.mark.parametrize(("where", "code"), blocks("toml"), ids=[w for w, _ in blocks("toml")])
def test_toml_blocks_are_loadable_catalog_files(where: str, code: str, tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(code, encoding="utf-8")
    if code.lstrip().startswith("[scenario]"):
        chipmodel.run_scenario(chipmodel.load_scenario(path))
    else:
        chipmodel.load_catalog(path)


def test_quick_start_is_exactly_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    first = FENCE.search(section)
    assert first is not None and first.group(1) == "sh"
    commands = [ln.split("#")[0].strip() for ln in first.group(2).splitlines() if ln.split("#")[0].strip()]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci, f".ci/run must run {commands[1]!r}"


PUBLIC = [chipmodel, chipmodel._sweep, chipmodel.dask, chipmodel.exceptions, chipmodel.inputs, chipmodel.results, chipmodel._frames, chipmodel._scenario, chipmodel._display, chipmodel.plot, chipmodel._compliance, chipmodel.cli, chipmodel._chipmodel]


@pytest.mark.parametrize("module", PUBLIC, ids=[m.__name__ for m in PUBLIC])
def test_docstring_examples(module: object) -> None:
    # Docstrings of the native module are invisible to --doctest-modules; find them explicitly.
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, globs={**vars(module), "chipmodel": chipmodel})
    for obj in vars(module).values():
        if getattr(obj, "__module__", None) in {"chipmodel", "chipmodel._chipmodel"} and isinstance(obj, type):
            tests += finder.find(obj, globs={**vars(module), "chipmodel": chipmodel})
    for t in tests:
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    if module is chipmodel:
        assert result.attempted >= 5


def test_docs_site_embeds_the_seed_story_plots(tmp_path: Path) -> None:
    """The built site (mkdocs --strict; scripts/test.sh passes its build in CHIPMODEL_SITE_DIR)
    shows the seed story's plots, drawn at build time by markdown-exec, as non-blank images."""
    import base64
    import io
    import os
    import subprocess
    import sys

    plt = pytest.importorskip("matplotlib.pyplot")
    pytest.importorskip("markdown_exec")
    site = Path(os.environ.get("CHIPMODEL_SITE_DIR") or tmp_path / "site")
    if not (site / "seed-story" / "index.html").exists():
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
            cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip
    page = (site / "seed-story" / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', page)
    assert [alt.split(":")[0].split(",")[0] for alt, _ in images] == [
        "Compliance timeline", "Export-control map", "Cost breakdown", "Monte Carlo", "Sensitivity tornado",
        "Facility power",
    ]  # fmt: skip
    for alt, data in images:
        img = plt.imread(io.BytesIO(base64.b64decode(data)))
        assert img.shape[0] > 200 and img[..., :3].std() > 0.05, alt


def test_no_citation_points_outside_the_repository() -> None:
    """A user has the repository, not the team's shared folder beside it: data files, docs and
    scenario comments cite primary documents (title, publisher, date, URL or FR citation)."""
    import subprocess

    needles = ("shared" + "/reference", ".." + "/shared")
    suffixes = {".toml", ".md", ".py", ".pyi", ".ipynb", ".rs", ".yml"}
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    offenders = []
    for name in filter(None, tracked.split("\0")):
        path = ROOT / name
        if path.suffix not in suffixes or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            offenders += [f"{name}:{number}: {needle}" for needle in needles if needle in line]
    assert not offenders, "citations pointing outside the repository:\n" + "\n".join(offenders)
