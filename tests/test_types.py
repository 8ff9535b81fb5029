"""The typed stub of the native module documents every public entry (editors show these)."""

from __future__ import annotations

import ast
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
