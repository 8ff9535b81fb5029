"""The ``chipmodel`` console command.

``chipmodel chips`` prints the catalog; ``chipmodel chip NAME`` prints one chip with every value's
source; ``chipmodel compare A B`` puts two chips side by side; ``chipmodel models`` lists the
models; ``chipmodel estimate MODEL CHIP`` estimates inference for one configuration and
``chipmodel best MODEL CHIP`` finds the highest-throughput one; ``chipmodel sweep MODELS CHIPS``
sweeps a grid (reduced to a Pareto front, the best per model and chip or the top k, or every row
to Parquet). ``--json`` gives machine-readable
output, ``--catalog FILE`` loads a custom catalog over the embedded one.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, TextIO
from pathlib import Path

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

    sp = sub.add_parser(
        "run",
        help="run a scenario (default: the seed scenario, 400,000 H200 in China): tables, results JSON, HTML report",
    )
    sp.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="a scenario TOML file or the id of a shipped one (see --list); default: the seed scenario",
    )
    sp.add_argument("--out", metavar="DIR", default=None, help="where to write results.json and report.html "
                    "(default: chipmodel-out/<scenario id>)")  # fmt: skip
    sp.add_argument("--no-html", action="store_true", help="write results.json only")
    sp.add_argument("--list", action="store_true", help="list the shipped scenarios and exit")
    sp.add_argument("--json", action="store_true", help="print the results JSON instead of tables")
    sp = sub.add_parser("chips", help="table of every chip and its derived metrics")
    common(sp)
    sp = sub.add_parser("chip", help="one chip: every value with its source")
    sp.add_argument("name", help="chip id, alias or name (any case), e.g. h200")
    common(sp)
    sp = sub.add_parser("compare", help="two chips side by side, with ratios")
    sp.add_argument("a", help="first chip")
    sp.add_argument("b", help="second chip (the ratio is first / second)")
    common(sp)
    sp = sub.add_parser("models", help="the LLM architectures the performance model knows")
    sp.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def workload(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("model", help="model id or alias, e.g. llama-2-70b")
        sp.add_argument("chip", help="chip id or alias, e.g. h200")
        sp.add_argument("--n-chips", type=int, default=1, help="chips in the system (default 1)")
        sp.add_argument("--input-tokens", type=int, default=1024, help="prompt tokens (default 1024)")
        sp.add_argument("--output-tokens", type=int, default=128, help="generated tokens (default 128)")
        sp.add_argument("--weight-dtype", default="bf16", help="bf16, fp16, fp8, int8, fp4, int4 (default bf16)")
        sp.add_argument("--kv-dtype", default=None, help="KV cache precision (default 16-bit)")
        sp.add_argument("--mode", default="calibrated", choices=["calibrated", "roofline"],
                        help="calibrated (measured efficiencies, default) or roofline (peak rates)")
        common(sp)

    sp = sub.add_parser("estimate", help="inference estimate for one configuration")
    workload(sp)
    sp.add_argument("--tp", type=int, default=None, help="tensor parallelism (default: automatic)")
    sp.add_argument("--pp", type=int, default=1, help="pipeline stages (default 1)")
    sp.add_argument("--ep", type=int, default=1, help="expert parallelism (default 1)")
    sp.add_argument("--batch", type=int, default=1, help="concurrent sequences (default 1)")
    sp = sub.add_parser("classify", help="US export-control classification of a chip (not legal advice)")
    sp.add_argument("name", help="chip id or alias, e.g. h200")
    sp.add_argument("--destination", default="CN", help="ISO country code (default CN)")
    sp.add_argument("--date", default=chipmodel.DEFAULT_DATE, help=f"YYYY-MM-DD (default {chipmodel.DEFAULT_DATE})")
    sp.add_argument("--rules", default=None, help="rule-set id (default: the one in force on the date)")
    sp.add_argument("--end-user-hq", default=None, help="ISO code of the end user's headquarters")
    sp.add_argument("--timeline", action="store_true", help="the status at every rule change instead")
    common(sp)
    sp = sub.add_parser("best", help="highest-throughput configuration that fits and meets targets")
    workload(sp)
    sp.add_argument("--ttft-slo-s", type=float, default=None, help="largest time to first token, s")
    sp.add_argument("--tpot-slo-s", type=float, default=None, help="largest time per output token, s")
    sp = sub.add_parser(
        "sweep",
        help="sweep a grid of configurations (lists: a,b,c or lo-hi), reduced to a Pareto front, "
        "the best per model and chip, or the top k; or every row to Parquet",
    )
    sp.add_argument("models", help="model ids, comma-separated, e.g. llama-3.1-70b,deepseek-v3")
    sp.add_argument("chips", help="chip ids, comma-separated, e.g. h100,h200,h20")
    for flag, default, what in (
        ("--n-chips", "1", "chips per serving system"),
        ("--pp", "1", "pipeline stages"),
        ("--batch", "1-256", "concurrent sequences"),
        ("--input-tokens", "1024", "prompt tokens"),
        ("--output-tokens", "128", "generated tokens"),
    ):
        sp.add_argument(flag, default=default, help=f"{what} (default {default})")
    sp.add_argument("--weight-dtype", default="bf16", help="weight precisions, e.g. bf16,fp8 (default bf16)")
    sp.add_argument("--kv-dtype", default=None, help="KV cache precisions (default 16-bit)")
    sp.add_argument("--usd-per-chip-hour", default=None, metavar="PRICES",
                    help="one price, one per chip in order, or chip=price pairs; fills USD per million tokens")  # fmt: skip
    sp.add_argument("--reduce", default="pareto", choices=["pareto", "best", "top", "none"],
                    help="pareto (default), best per --by group, top --k, or none (every row; needs --parquet)")  # fmt: skip
    sp.add_argument("--objectives", default="throughput_per_chip_tokens_per_s,tpot_s",
                    help="Pareto objectives (default throughput_per_chip_tokens_per_s,tpot_s)")  # fmt: skip
    sp.add_argument("--metric", default="throughput_per_chip_tokens_per_s", help="best/top ranking metric")
    sp.add_argument("--by", default="model,chip", help="best: group by these dimensions (default model,chip)")
    sp.add_argument("--k", type=int, default=10, help="top: how many (default 10)")
    sp.add_argument("--max-ttft-s", type=float, default=None, help="only configurations with TTFT at most this")
    sp.add_argument("--max-tpot-s", type=float, default=None, help="only configurations with TPOT at most this")
    sp.add_argument("--parquet", metavar="FILE", default=None, help="write every row to a Parquet file (pyarrow)")
    sp.add_argument("--threads", type=int, default=0, help="threads (default: all cores)")
    sp.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    return p


def _ints(flag: str, text: str) -> list[int]:
    """``1,2,8`` or ``1-256`` (inclusive) or a mix, as integers."""
    out: list[int] = []
    for part in text.split(","):
        lo, sep, hi = part.partition("-")
        try:
            out += list(range(int(lo), int(hi) + 1)) if sep else [int(part)]
        except ValueError:
            raise SystemExit(f"chipmodel sweep: error: {flag} takes integers like 1,2,8 or 1-256, not {text!r}") from None
    return out


def _prices(text: str | None, chips: list[str]) -> float | list[float] | dict[str, float] | None:
    if text is None:
        return None
    try:
        if "=" in text:
            return {k: float(v) for k, v in (p.split("=", 1) for p in text.split(","))}
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise SystemExit(f"chipmodel sweep: error: --usd-per-chip-hour takes 2.5, 2.2,2.8 or h100=2.2, not {text!r}") from None
    return values[0] if len(values) == 1 else values


def _sweep_table(cols: dict[str, Any]) -> str:
    """Reduced sweep rows as an 80-column table (tput/chip: output tokens/s per chip)."""
    head = f"{'model':<13} {'chip':<9} {'n':>3} {'tp':>2} {'pp':>2} {'bs':>4} {'in':>5} {'out':>5} {'wt':<4} " \
           f"{'tput/chip':>9} {'TPOT ms':>7} {'$/Mtok':>6}"  # fmt: skip
    rows = [head]
    for i in range(len(cols["index"])):
        usd = cols["usd_per_million_tokens"][i]
        rows.append(
            f"{str(cols['model'][i])[:13]:<13} {str(cols['chip'][i])[:9]:<9} {cols['n_chips'][i]:>3} {cols['tp'][i]:>2} "
            f"{cols['pp'][i]:>2} {cols['batch'][i]:>4} {cols['input_tokens'][i]:>5} {cols['output_tokens'][i]:>5} "
            f"{str(cols['weight_dtype'][i])[:4]:<4} {cols['throughput_per_chip_tokens_per_s'][i]:>9,.0f} "
            f"{cols['tpot_s'][i] * 1e3:>7.2f} {'' if usd != usd else f'{usd:.3f}':>6}".rstrip()
        )  # fmt: skip
    return "\n".join(rows)


def _sweep(args: argparse.Namespace) -> int:
    chips = args.chips.split(",")
    grid = chipmodel.SweepGrid(
        args.models.split(","), chips,
        n_chips=_ints("--n-chips", args.n_chips), pp=_ints("--pp", args.pp), batch=_ints("--batch", args.batch),
        input_tokens=_ints("--input-tokens", args.input_tokens), output_tokens=_ints("--output-tokens", args.output_tokens),
        weight_dtype=args.weight_dtype.split(","), kv_dtype=args.kv_dtype.split(",") if args.kv_dtype else None,
        usd_per_chip_hour=_prices(args.usd_per_chip_hour, chips),
    )  # fmt: skip
    label = f"sweeping {len(grid):,} configurations"
    if args.parquet:
        with _Progress(label) as progress:
            rows = chipmodel.sweep_to_parquet(grid, args.parquet, threads=args.threads, progress=progress)
        _say(f"wrote {rows:,} rows to {args.parquet}")
        return 0
    limits = dict(max_ttft_s=args.max_ttft_s, max_tpot_s=args.max_tpot_s)
    if args.reduce == "none":
        raise SystemExit("chipmodel sweep: error: --reduce none needs --parquet FILE (every row goes to the file)")
    if args.reduce == "pareto":
        r = chipmodel.Reduction.pareto(args.objectives.split(","), **limits)
    elif args.reduce == "best":
        r = chipmodel.Reduction.best(args.metric, args.by.split(","), **limits)
    else:
        r = chipmodel.Reduction.top(args.k, args.metric, **limits)
    from chipmodel._sweep import run_grid

    with _Progress(label) as progress:
        cols = run_grid(grid, reduce=r, threads=args.threads, progress=progress)
    if args.json:
        keys = [k for k in cols if k not in ("valid",)]
        rows_json = [{k: cols[k][i].item() for k in keys} for i in range(len(cols["index"]))]
        print(json.dumps(rows_json, indent=1))
    else:
        print(_sweep_table(cols))
        _say(f"{len(cols['index'])} of {len(grid):,} configurations ({r!r})")
    return 0


def _estimate_text(e: chipmodel.InferenceEstimate) -> str:
    mem = e.memory
    lines = [
        f"{e.model} on {e.n_chips} x {e.chip} ({e.mode})",
        f"  layout       tp {e.tp} · pp {e.pp} · dp {e.dp} · ep {e.ep} · batch {e.batch} · "
        f"{e.input_tokens} in / {e.output_tokens} out",
        f"  precision    weights {e.weight_dtype} · matmul {e.act_dtype} · KV cache {e.kv_dtype}",
        f"  memory/chip  {e.memory_per_chip_bytes / 1e9:.1f} GB of {mem['capacity_bytes'] / 1e9:.0f} GB "
        f"(weights {mem['weights_bytes'] / 1e9:.1f}, KV {mem['kv_cache_bytes'] / 1e9:.1f}) · "
        + ("fits" if e.fits else f"DOES NOT FIT by {e.memory_shortfall_bytes / 1e9:.1f} GB"),
        f"  latency      TTFT {e.ttft_s:.3f} s · TPOT {e.tpot_s * 1e3:.2f} ms · end to end {e.e2e_latency_s:.2f} s",
        f"  throughput   {e.throughput_tokens_per_s:,.0f} output tokens/s (steady state) · "
        f"{e.energy_per_token_j:.3f} J/token at TDP",
        f"  bound        decode is {e.bound}-bound",
    ]
    if e.chosen_by != "given":
        lines.append(f"  chosen       {e.chosen_by}")
    return "\n".join(lines) + "\n"


def _fit(text: str, width: int = 80) -> str:
    """Wraps lines longer than ``width``, continuing at their indent plus two spaces."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out.append(textwrap.fill(line, width=width, subsequent_indent=indent, break_long_words=False))
    return "\n".join(out)


def _say(text: str, end: str = "\n") -> None:
    print(_fit(text), end=end)


class _Progress:
    """A one-line progress display on a terminal (stderr), rewritten in place as a long run
    reports ``(stage, done, total)``; silent when stderr is not a terminal (piped, redirected)."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.shown = self.stream.isatty()
        self.width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.shown:
            return
        part = f" {done:,}/{total:,}" if total > 1 else ""
        line = f"{self.label}: {stage}{part}"[:79]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown and self.width:
            self.stream.write("\r" + " " * self.width + "\r")  # leave the terminal clean
            self.stream.flush()


def _run(args: argparse.Namespace) -> int:
    from chipmodel import _scenario

    if args.list:
        for sid in chipmodel.scenarios():
            s = chipmodel.load_scenario(sid)
            _say(f"{sid:<24} {s.title}")
        return 0
    scenario = chipmodel.load_scenario(args.scenario)
    with _Progress(f"running {scenario.id}") as progress:
        result = chipmodel.run_scenario(scenario, progress=progress)
    out = Path(args.out) if args.out else Path("chipmodel-out") / scenario.id
    paths = _scenario.write_outputs(result, out, html_report=not args.no_html)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(_scenario.format_text(result))
        print("\nwrote:")
        for p in paths:
            print(f"  {p}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 chipmodel error, 2 usage)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "sweep":
            return _sweep(args)
        path = getattr(args, "catalog", None)
        cat = chipmodel.load_catalog(path) if path else chipmodel.catalog()
        if args.command == "chips":
            if args.json:
                print(json.dumps([c.to_dict() for c in cat.chips()], indent=2))
            else:
                print(cat.table(), end="")
        elif args.command == "chip":
            c = cat.chip(args.name)
            if args.json:
                print(json.dumps(c.to_dict(), indent=2))
            else:
                _say(c.report(), end="")
        elif args.command == "compare":
            cmp = cat.compare(args.a, args.b)
            print(json.dumps(cmp.to_dict(), indent=2) if args.json else str(cmp), end="\n" if args.json else "")
        elif args.command == "models":
            ms = chipmodel.models()
            if args.json:
                print(json.dumps([m.to_dict() for m in ms], indent=2))
            else:
                print(f"{'id':<18} {'params':>9} {'active':>8} {'layers':>6} {'KV KiB/tok':>10}  kind")
                for m in ms:
                    kind = ("MoE " if m.is_moe else "dense ") + ("MLA" if m.is_mla else "GQA" if m.num_kv_heads < m.num_heads else "MHA")
                    print(f"{m.id:<18} {m.total_params / 1e9:>8.1f}B {m.active_params / 1e9:>7.1f}B {m.num_layers:>6} "
                          f"{m.kv_cache_bytes_per_token('bf16') / 1024:>10.0f}  {kind}")
        elif args.command == "classify":
            chip = cat.chip(args.name)
            if args.timeline:
                steps = chipmodel.timeline(chip, destination=args.destination, end_user_hq=args.end_user_hq)
                if args.json:
                    print(json.dumps(steps, indent=2))
                else:
                    lines = [f"{step['date']}  {step['summary'].split(': ', 1)[-1]}  [{step['rules']}]" for step in steps]
                    _say("\n".join([*lines, chipmodel.NOT_LEGAL_ADVICE]))
            else:
                result = chipmodel.classify(chip, destination=args.destination, date=args.date, rules=args.rules,
                                       end_user_hq=args.end_user_hq)  # fmt: skip
                if args.json:
                    print(json.dumps(result.to_dict(), indent=2))
                else:
                    lines = [result.summary()]
                    lines += [f"  - {line}" for line in result.decision]
                    lines.append("  tested:")
                    lines += [f"    {r['text']}" for r in result.reasons]
                    lines += [f"  uncertain: {u}" for u in result.uncertain]
                    lines.append(result.disclaimer)
                    _say("\n".join(lines))
        elif args.command in ("estimate", "best"):
            chip = cat.chip(args.chip)
            common_kw = dict(
                n_chips=args.n_chips, input_tokens=args.input_tokens, output_tokens=args.output_tokens,
                weight_dtype=args.weight_dtype, kv_dtype=args.kv_dtype, mode=args.mode,
            )  # fmt: skip
            if args.command == "estimate":
                e = chipmodel.estimate_inference(args.model, chip, tp=args.tp, pp=args.pp, ep=args.ep, batch=args.batch, **common_kw)
            else:
                e = chipmodel.best_inference(args.model, chip, ttft_slo_s=args.ttft_slo_s, tpot_slo_s=args.tpot_slo_s, **common_kw)
            if args.json:
                print(json.dumps(e.to_dict(), indent=2))
            else:
                _say(_estimate_text(e), end="")
    except chipmodel.ChipModelError as exc:
        # KeyError subclasses wrap their message in quotes; print the plain message.
        print(f"chipmodel: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `chipmodel chips | head`
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
