"""The ``chipmodel`` console command.

``chipmodel chips`` prints the catalog; ``chipmodel chip NAME`` prints one chip with every value's
source; ``chipmodel compare A B`` puts two chips side by side. ``--json`` gives machine-readable
output, ``--catalog FILE`` loads a custom catalog over the embedded one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import chipmodel


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chipmodel",
        description="Reason about AI accelerators with numbers: a sourced chip catalog "
        "with derived metrics (TPP, performance density, ridge point).",
    )
    p.add_argument("--version", action="version", version=f"chipmodel {chipmodel.__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", action="store_true", help="print JSON instead of a table")
        sp.add_argument(
            "--catalog",
            metavar="FILE",
            help="a catalog TOML file loaded over the embedded catalog",
        )

    sp = sub.add_parser("chips", help="table of every chip and its derived metrics")
    common(sp)
    sp = sub.add_parser("chip", help="one chip: every value with its source")
    sp.add_argument("name", help="chip id, alias or name (any case), e.g. h200")
    common(sp)
    sp = sub.add_parser("compare", help="two chips side by side, with ratios")
    sp.add_argument("a", help="first chip")
    sp.add_argument("b", help="second chip (the ratio is first / second)")
    common(sp)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 chipmodel error, 2 usage)."""
    args = _parser().parse_args(argv)
    try:
        cat = chipmodel.load_catalog(args.catalog) if args.catalog else chipmodel.catalog()
        if args.command == "chips":
            if args.json:
                print(json.dumps([c.to_dict() for c in cat.chips()], indent=2))
            else:
                print(cat.table(), end="")
        elif args.command == "chip":
            c = cat.chip(args.name)
            print(json.dumps(c.to_dict(), indent=2) if args.json else c.report(), end="\n" if args.json else "")
        elif args.command == "compare":
            cmp = cat.compare(args.a, args.b)
            print(json.dumps(cmp.to_dict(), indent=2) if args.json else str(cmp), end="\n" if args.json else "")
    except chipmodel.ChipModelError as exc:
        # KeyError subclasses wrap their message in quotes; print the plain message.
        print(f"chipmodel: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `chipmodel chips | head`
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
