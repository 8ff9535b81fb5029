"""The typed stub of the native module documents every public entry (editors show these)."""

from __future__ import annotations

import ast
import importlib.util
import sys
import types
from pathlib import Path

STUB = Path(__file__).resolve().parent.parent / "python" / "chipmodel" / "_chipmodel.pyi"


def test_every_stub_entry_has_a_docstring() -> None:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    missing = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and not ast.get_docstring(node):
            missing.append(node.name)
        if isinstance(node, ast.ClassDef):
            if not ast.get_docstring(node):
                missing.append(node.name)
            for m in node.body:
                if isinstance(m, ast.FunctionDef) and not m.name.startswith("_") and not ast.get_docstring(m):
                    missing.append(f"{node.name}.{m.name}")
    assert not missing, f"run scripts/sync_stub_docs.py (or write them): {missing}"


def _sync_stub_docs() -> types.ModuleType:
    """scripts/sync_stub_docs.py, imported in-process."""
    path = STUB.parents[2] / "scripts" / "sync_stub_docs.py"
    spec = importlib.util.spec_from_file_location("sync_stub_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve the module's annotations through it
    spec.loader.exec_module(module)
    return module


def test_stub_docstrings_are_the_native_modules() -> None:
    problems = _sync_stub_docs().check()
    assert not problems, "run python scripts/sync_stub_docs.py:\n" + "\n".join(problems)


def test_sync_rewrites_every_stale_stub_docstring() -> None:
    script = _sync_stub_docs()
    text = STUB.read_text(encoding="utf-8")
    stale = text.replace('"""Lowercase slug, e.g. ``"h200-sxm"``."""', '"""A stale docstring."""', 1)
    stale = stale.replace('    def table(self) -> str:\n        """The catalog as an 80-column text table."""',
                          "    def table(self) -> str: ...", 1)  # fmt: skip
    assert stale != text and len(script.check(stale)) == 2
    synced, fixed = script.sync(stale)
    assert [d.qualname for d in fixed] == ["Chip.id", "Catalog.table"]
    assert script.check(synced) == [] and synced == text


def test_result_types_are_generated_from_the_rust_structs() -> None:
    path = STUB.parents[2] / "scripts" / "gen_results.py"
    spec = importlib.util.spec_from_file_location("gen_results", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (STUB.parent / "results.py").read_text(encoding="utf-8") == module.render(), (
        "run python scripts/gen_results.py"
    )


def _check_shape(value: object, hint: object, where: str) -> None:
    """``value`` has exactly the keys of ``hint`` where ``hint`` is a TypedDict (NotRequired keys
    may be absent), recursively through lists, dicts and optionals."""
    import typing

    origin = typing.get_origin(hint)
    if isinstance(hint, type) and typing.is_typeddict(hint):
        assert isinstance(value, dict), where
        hints = typing.get_type_hints(hint)
        required = hint.__required_keys__  # type: ignore[attr-defined]
        assert required <= value.keys() <= hints.keys(), (where, sorted(value.keys() ^ hints.keys()))
        for k, v in value.items():
            _check_shape(v, hints[k], f"{where}.{k}")
    elif origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is not None and len(args) == 1:
            _check_shape(value, args[0], where)
    elif origin is list and isinstance(value, list):
        (inner,) = typing.get_args(hint) or (object,)
        for i, v in enumerate(value):
            _check_shape(v, inner, f"{where}[{i}]")
    elif origin is dict and isinstance(value, dict):
        _, inner = typing.get_args(hint)
        for k, v in value.items():
            _check_shape(v, inner, f"{where}.{k}")
    elif origin is typing.NotRequired:
        _check_shape(value, typing.get_args(hint)[0], where)


def test_results_have_the_shape_their_types_say() -> None:
    import chipmodel
    from chipmodel import results

    r = chipmodel.run_scenario()  # the seed: fleet, equivalents, Monte Carlo, hybrid plan, shock
    _check_shape(r, results.ScenarioResultDict, "run_scenario")
    c = chipmodel.classify("h200", "CN", "2026-02-01")
    _check_shape(c.to_dict(), results.ClassificationDict, "classify")
    _check_shape(chipmodel.headroom("h100"), results.HeadroomDict, "headroom")
    _check_shape(chipmodel.diffusion_caps({"h100": 1000}), results.DiffusionCapsDict, "diffusion_caps")
