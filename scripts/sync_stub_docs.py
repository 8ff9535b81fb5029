"""Copies the native module's docstrings (written once, in Rust) into the typed stub
``python/chipmodel/_chipmodel.pyi`` wherever a stub entry has none, so editors show them.

Run after changing a binding: .venv/bin/python scripts/sync_stub_docs.py
tests/test_types.py fails while an entry of the stub has no docstring.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import chipmodel._chipmodel as native

STUB = Path(__file__).resolve().parent.parent / "python" / "chipmodel" / "_chipmodel.pyi"


def _doc(obj: object) -> str | None:
    doc = inspect.getdoc(obj)
    if not doc or '"""' in doc:
        return None
    return doc


def main() -> None:
    lines = STUB.read_text(encoding="utf-8").split("\n")
    tree = ast.parse("\n".join(lines))
    edits: list[tuple[int, int, str, str]] = []  # (first line, last line, indent, docstring)

    def visit(defs: list[ast.stmt], owner: object, indent: str) -> None:
        for node in defs:
            if isinstance(node, ast.ClassDef):
                visit(node.body, getattr(owner, node.name, None), indent + "    ")
            elif isinstance(node, ast.FunctionDef) and not ast.get_docstring(node):
                if node.name.startswith("_") and node.name != "__new__":
                    continue
                target = getattr(owner, node.name, None) if owner is not None else None
                if node.name == "__new__" or target is None:
                    continue
                doc = _doc(target)
                body = node.body[0]
                if doc and isinstance(body, ast.Expr) and body.lineno == node.end_lineno:
                    edits.append((node.lineno, node.end_lineno or node.lineno, indent, doc))

    visit(tree.body, native, "")
    for _, last, indent, doc in sorted(edits, reverse=True):
        line = lines[last - 1]
        assert line.rstrip().endswith(": ..."), line
        head = line.rstrip()[: -len(" ...")]
        inner = indent + "    "
        text = doc.replace("\\", "\\\\")
        body = [f'{inner}"""{text.splitlines()[0]}'] + [f"{inner}{t}" if t else "" for t in text.splitlines()[1:]]
        if len(body) == 1:
            body[0] += '"""'
        else:
            body.append(f'{inner}"""')
        lines[last - 1 : last] = [head, *body]
    STUB.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(edits)} docstrings copied into {STUB.name}")


if __name__ == "__main__":
    main()
