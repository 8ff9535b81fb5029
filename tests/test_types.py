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
