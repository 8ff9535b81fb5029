"""Keeps the docstrings of the typed stub ``python/chipmodel/_chipmodel.pyi`` equal to the native
module's, which are the one source of truth: the Rust ``///`` comments of ``crates/chipmodel-py``,
as the built extension reports them (``__doc__``). Editors read the stub; ``help()`` and the docs
site read the same text.

    python scripts/sync_stub_docs.py          # rewrite every stub docstring to the runtime one
    python scripts/sync_stub_docs.py --check  # list every difference; exit status 1 if any

Run it (with the extension built: ``maturin develop``) after changing a docstring or a binding.
``--check`` runs in scripts/test.sh after stubtest, and tests/test_types.py runs ``check()``. It
reports a stub docstring that is missing or differs, a public class, function, method or property
present at runtime but missing in the stub (or the reverse), and a stub entry whose runtime object
has no docstring (write the ``///`` comment; that one the script cannot fix). Signatures are
stubtest's business; names starting with ``_`` (dunders included) are not compared.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

STUB = Path(__file__).resolve().parent.parent / "python" / "chipmodel" / "_chipmodel.pyi"
_MISSING = object()


@dataclass
class Difference:
    """One way the stub and the runtime disagree; ``node`` is set where the script can fix it."""

    qualname: str
    problem: str
    runtime_doc: str | None = None
    stub_doc: str | None = None
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None = None

    def describe(self) -> str:
        text = f"{self.qualname}: {self.problem}"
        if self.problem == "docstring differs" and self.runtime_doc is not None and self.stub_doc is not None:
            diff = difflib.unified_diff(
                self.stub_doc.splitlines(), self.runtime_doc.splitlines(), "stub", "runtime", n=0, lineterm=""
            )
            text += "".join(f"\n    {line}" for line in list(diff)[2:])
        return text


def runtime_doc(obj: object) -> str | None:
    """``obj``'s own docstring, cleaned as the stub's are (``ast.get_docstring``); never inherited."""
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or not doc.strip():
        return None
    return inspect.cleandoc(doc)


def _public(name: str) -> bool:
    return not name.startswith("_")


def _stub_names(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    names: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.setdefault(node.name, node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id, node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, node)
    return names


def _runtime_names(owner: object) -> list[str]:
    if isinstance(owner, ModuleType):
        return [n for n in dir(owner) if _public(n) and not isinstance(getattr(owner, n), ModuleType)]
    return [n for n in vars(owner) if _public(n)]


def differences(stub_text: str | None = None, native: ModuleType | None = None) -> list[Difference]:
    """Every disagreement between the stub's docstrings and the runtime's, scope by scope."""
    if native is None:
        import chipmodel._chipmodel

        native = chipmodel._chipmodel
    tree = ast.parse(STUB.read_text(encoding="utf-8") if stub_text is None else stub_text)
    found: list[Difference] = []

    def visit(body: list[ast.stmt], owner: object, prefix: str) -> None:
        stub = _stub_names(body)
        for name in _runtime_names(owner):
            if name not in stub:
                found.append(Difference(prefix + name, "at runtime but missing in the stub"))
        for name, node in stub.items():
            if not _public(name):
                continue
            is_def = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            in_module = isinstance(owner, ModuleType)
            if not is_def and not in_module:
                continue  # an instance attribute (``name: str`` of an error class): not on the class
            target = getattr(owner, name, _MISSING) if in_module else vars(owner).get(name, _MISSING)
            if target is _MISSING:
                found.append(Difference(prefix + name, "in the stub but missing at runtime"))
                continue
            if not is_def:
                continue  # a constant (``NOT_LEGAL_ADVICE: str``): no docstring of its own
            if isinstance(target, (staticmethod, classmethod)):
                target = target.__func__
            want, have = runtime_doc(target), ast.get_docstring(node)
            if want is None:
                found.append(Difference(prefix + name, "no docstring at runtime (write the Rust /// comment)"))
            elif have is None:
                found.append(Difference(prefix + name, "no docstring in the stub", want, have, node))
            elif have != want:
                found.append(Difference(prefix + name, "docstring differs", want, have, node))
            if isinstance(node, ast.ClassDef) and isinstance(target, type):
                visit(node.body, target, f"{prefix}{name}.")

    visit(tree.body, native, "")
    return found


def check(stub_text: str | None = None) -> list[str]:
    """The differences, one message each (empty when the stub is in sync)."""
    return [d.describe() for d in differences(stub_text)]


def _render(doc: str, indent: str) -> list[str]:
    text = doc.replace("\\", "\\\\").replace('"""', '\\"""')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    first, *rest = text.split("\n")
    if not rest:
        return [f'{indent}"""{first}"""']
    return [f'{indent}"""{first}', *(f"{indent}{line}" if line.strip() else "" for line in rest), f'{indent}"""']


def sync(stub_text: str) -> tuple[str, list[Difference]]:
    """The stub with every docstring set to the runtime one, and the differences it fixed."""
    fixable = [d for d in differences(stub_text) if d.node is not None and d.runtime_doc is not None]
    lines = stub_text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line exclusive, 0-based; new lines)
    for d in fixable:
        node, doc = d.node, d.runtime_doc
        assert node is not None and doc is not None
        first = node.body[0]
        header_end = first.lineno - 1  # 0-based line of the body's first statement
        on_header = lines[header_end][: first.col_offset].strip() != ""  # ``def f(self) -> int: ...``
        after = lines[(first.end_lineno or first.lineno) - 1][first.end_col_offset or 0 :].strip()
        if d.stub_doc is not None:  # replace the docstring statement
            if on_header or after:
                raise SystemExit(f"{STUB.name}:{first.lineno}: put the docstring of {d.qualname} on lines of its own")
            edits.append((header_end, first.end_lineno or first.lineno, _render(doc, " " * first.col_offset)))
        elif on_header:  # ``def f(self) -> int: ...``: the docstring replaces the ``...``
            head = lines[header_end][: first.col_offset].rstrip()
            if after or not (isinstance(first, ast.Expr) and len(node.body) == 1):
                raise SystemExit(f"{STUB.name}:{first.lineno}: cannot place the docstring of {d.qualname}")
            edits.append((header_end, header_end + 1, [head, *_render(doc, " " * (node.col_offset + 4))]))
        else:  # a body on lines of its own: the docstring goes first (above any decorator)
            decorators = getattr(first, "decorator_list", [])
            start = min([header_end, *(dec.lineno - 1 for dec in decorators)])
            edits.append((start, start, _render(doc, " " * first.col_offset)))
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:end] = new
    return "\n".join(lines), fixable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="list the differences and fail if any; change nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} differences between {STUB.name} and the native module: "
                  "run python scripts/sync_stub_docs.py", file=sys.stderr)  # fmt: skip
            return 1
        print(f"{STUB.name}: every docstring matches the native module")
        return 0
    text, fixed = sync(STUB.read_text(encoding="utf-8"))
    STUB.write_text(text, encoding="utf-8")
    for d in fixed:
        print(f"{d.qualname}: {'updated' if d.stub_doc is not None else 'added'}")
    left = check(text)
    for problem in left:
        print(problem, file=sys.stderr)
    print(f"{len(fixed)} docstrings written into {STUB.name}; {len(left)} differences need a hand")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
