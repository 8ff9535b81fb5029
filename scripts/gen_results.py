"""Generates ``python/chipmodel/results.py``: the result dicts chipmodel returns, as ``TypedDict``
classes read from the Rust structs they serialize (their fields, types and serde attributes), so
the types Python code indexes by cannot drift from the core.

    python scripts/gen_results.py           # (re)write python/chipmodel/results.py
    python scripts/gen_results.py --check   # fail if it differs from what the structs give
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "python" / "chipmodel" / "results.py"
SOURCES = [
    "crates/chipmodel-fleet/src/fleet.rs",
    "crates/chipmodel-fleet/src/analysis.rs",
    "crates/chipmodel-fleet/src/plan.rs",
    "crates/chipmodel-fleet/src/schedule.rs",
    "crates/chipmodel-fleet/src/scenario/mod.rs",
    "crates/chipmodel-fleet/src/scenario/run.rs",
    "crates/chipmodel-compliance/src/classify/mod.rs",
    "crates/chipmodel-compliance/src/classify/criteria.rs",
    "crates/chipmodel-compliance/src/analysis.rs",
]
# The result roots Python code indexes, and every struct they contain (found by walking fields).
ROOTS = [
    "FleetReport", "HybridPlan", "ScenarioResult", "Scenario", "QuarterRow", "ShockResult",
    "MonteCarlo", "Sensitivity", "Classification", "TimelineEntry", "Flip", "Headroom", "DiffusionCaps",
]  # fmt: skip
# Serialized as a string (serde unit enums) or as a plain value.
STRINGS = {"String", "Precision", "Site", "ReviewPolicy", "Bound", "Figure", "Mode", "Metric", "Op", "Recompute"}
NUMBERS = {"f64": "float", "f32": "float", "u8": "int", "u32": "int", "u64": "int", "usize": "int", "i64": "int", "i32": "int"}
# Fields whose serde form is not their Rust type.
SPECIAL = {("MonteCarlo", "draws"): "dict[str, list[float]]"}

STRUCT = re.compile(r"((?:\s*///[^\n]*\n)*)(?:#\[[^\n]*\]\n)*pub struct (\w+) \{\n(.*?)\n\}", re.S)
FIELD = re.compile(r"((?:\s*///[^\n]*\n)*)((?:\s*#\[[^\]]*(?:\][^\n]*)?\]\s*\n)*)\s*pub (\w+): ([^\n]+),\n")


def split_args(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def py_type(t: str, structs: dict[str, object], need: set[str]) -> str:
    t = t.strip()
    t = re.sub(r"^(crate|chipmodel_\w+)::(\w+::)*", "", t)
    if t in NUMBERS:
        return NUMBERS[t]
    if t == "bool":
        return "bool"
    if t in STRINGS:
        return "str"
    m = re.fullmatch(r"Option<(.*)>", t)
    if m:
        return f"{py_type(m.group(1), structs, need)} | None"
    m = re.fullmatch(r"Vec<(.*)>", t)
    if m:
        return f"list[{py_type(m.group(1), structs, need)}]"
    m = re.fullmatch(r"BTreeMap<String, (.*)>", t)
    if m:
        return f"dict[str, {py_type(m.group(1), structs, need)}]"
    m = re.fullmatch(r"\((.*)\)", t)
    if m:
        # A Rust tuple serializes as a JSON array: a list in Python.
        parts = sorted({py_type(x, structs, need) for x in split_args(m.group(1))})
        return "list[" + " | ".join(parts) + "]"
    m = re.fullmatch(r"Result<(.*)>", t)
    if m:
        return "dict[str, Any]"
    if t in structs:
        need.add(t)
        return f"{t}Dict"
    return "Any"


def read_structs() -> dict[str, tuple[str, list[tuple[str, str, str, str]]]]:
    structs: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {}
    for rel in SOURCES:
        text = (ROOT / rel).read_text(encoding="utf-8")
        for doc, name, body in STRUCT.findall(text):
            fields = [(fdoc, attrs, fname, ftype) for fdoc, attrs, fname, ftype in FIELD.findall(body + "\n")]
            structs[name] = (doc, fields)
    return structs


def first_line(doc: str) -> str:
    lines = [ln.strip().removeprefix("///").strip() for ln in doc.strip().splitlines()]
    text = " ".join(x for x in lines if x).split(". ")[0].rstrip(".")
    return text.replace('"""', "'")


def render() -> str:
    structs = read_structs()
    need = set(ROOTS)
    done: list[str] = []
    classes: dict[str, str] = {}
    while need - set(done):
        name = sorted(need - set(done))[0]
        done.append(name)
        doc, fields = structs[name]
        lines = [f"class {name}Dict(TypedDict):", f'    """{first_line(doc) or name}."""', ""]
        for fdoc, attrs, fname, ftype in fields:
            if re.search(r"serde\([^)]*\bskip\b(?!_)", attrs) or "skip_serializing," in attrs or "skip_serializing)" in attrs:
                continue
            t = SPECIAL.get((name, fname)) or py_type(ftype, structs, need)
            if "skip_serializing_if" in attrs:
                t = f"NotRequired[{t}]"
            lines.append(f"    {fname}: {t}")
        classes[name] = "\n".join(lines)
    head = '''"""The result dicts chipmodel returns (``FleetReport.to_dict()``, ``plan_hybrid``,
``run_scenario``, ``Classification.to_dict()``, …), as ``TypedDict`` classes for type checkers
and editors: ``results.ScenarioResultDict`` says that ``r["report"]["total"]["capex"]["chips"]``
is a float.

Generated from the Rust structs they serialize by ``scripts/gen_results.py``; do not edit (the
test run fails when this file and the structs differ).
"""

from typing import Any, NotRequired, TypedDict

'''
    # Dependencies first (no postponed annotations: TypedDict reads NotRequired at class creation).
    names: list[str] = []
    def visit(n: str) -> None:
        if n in names:
            return
        for dep in sorted(set(re.findall(r"\b(\w+)Dict\b", classes[n].split("\n", 2)[2])) & classes.keys()):
            if dep != n:
                visit(dep)
        names.append(n)
    for n in sorted(classes):
        visit(n)
    all_ = "__all__ = [\n" + "".join(f'    "{n}Dict",\n' for n in sorted(names)) + "]\n"
    return head + all_ + "\n\n" + "\n\n\n".join(classes[n] for n in names) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("python/chipmodel/results.py differs from the Rust structs: run python scripts/gen_results.py")
            return 1
        print("results.py: every result type matches its Rust struct")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
