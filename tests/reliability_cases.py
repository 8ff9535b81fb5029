"""Every class of bad input chipmodel is tried with, and the error it must give: the rows of the
table in docs/reliability.md (tests/test_reliability.py checks that the two agree, runs each row,
and runs them all in a child process with limited memory and time).

Each case is ``(id, class, example, call, expected, needle)``: ``call(tmp)`` gets a scratch
folder; ``expected`` is the exception class name (None: the input is accepted) and ``needle`` a
piece of its message (the field it names).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import chipmodel

Case = tuple[str, str, str, Callable[[Path], Any], "str | None", str]

NAN, INF = math.nan, math.inf
SMALL_FLEET = [("h200", 100, "cn")]


def _file(tmp: Path, name: str, text: str | bytes) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _scenario(tmp: Path, name: str, extends: str) -> Path:
    return _file(tmp, name, f'[scenario]\nid = "x"\ntitle = "X"\nextends = "{extends}"\n')


def _outside(tmp: Path) -> str:
    _file(tmp, "outside.toml", '[scenario]\nid = "o"\ntitle = "O"\n[[group]]\nchip = "h100"\ncount = 1\n')
    (tmp / "inner").mkdir(exist_ok=True)
    return "../outside.toml"


def _cycle(tmp: Path) -> Any:
    _scenario(tmp, "a.toml", "b.toml")
    _scenario(tmp, "b.toml", "a.toml")
    return chipmodel.load_scenario(tmp / "a.toml")


CASES: list[Case] = [
    # --- numbers: NaN, infinities, negatives, zeros, absurd magnitudes
    ("nan-tokens", "NaN", "estimate_training(tokens=nan)",
     lambda t: chipmodel.estimate_training("llama-2-7b", "h100", n_chips=8, tokens=NAN), "ConfigError", "tokens = NaN"),
    ("nan-assumption", "NaN", "Assumptions({'wacc': nan})",
     lambda t: chipmodel.Assumptions({"wacc": NAN}), "ConfigError", "wacc NaN"),
    ("nan-parameter", "NaN", "estimate_inference(params={'memory_efficiency': nan})",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", params={"memory_efficiency": NAN}), "ConfigError", "memory_efficiency = NaN"),
    ("nan-slo", "NaN", "best_inference(tpot_slo_s=nan)",
     lambda t: chipmodel.best_inference("llama-2-7b", "h100", n_chips=1, tpot_slo_s=NAN), "ConfigError", "tpot_slo_s = NaN"),
    ("nan-threshold", "NaN", "rule_set(...).with_line('tpp', 4800, nan)",
     lambda t: chipmodel.rule_set("us-2023-10").with_line("tpp", 4800, NAN), "ConfigError", "new NaN"),
    ("nan-hf-config", "NaN", "Model.from_hf_config({'hidden_size': nan, ...})",
     lambda t: chipmodel.Model.from_hf_config({"hidden_size": NAN, "num_hidden_layers": 2}), "ConfigError", "'hidden_size'"),
    ("inf-count", "infinity", "Fleet([('h200', inf, 'cn')])",
     lambda t: chipmodel.Fleet([("h200", INF, "cn")]).tco(), "ConfigError", "count inf"),
    ("inf-price", "infinity", "Assumptions({'price.h200-sxm': inf})",
     lambda t: chipmodel.Assumptions({"price.h200-sxm": INF}), "ConfigError", "price.h200-sxm inf"),
    ("negative-batch", "negative", "estimate_inference(batch=-1)",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", batch=-1), "ConfigError", "batch = -1"),
    ("negative-count", "negative", "Fleet([('h200', -5, 'cn')])",
     lambda t: chipmodel.Fleet([("h200", -5, "cn")]).tco(), "ConfigError", "count -5"),
    ("negative-price", "negative", "Assumptions({'price.h200-sxm': -1})",
     lambda t: chipmodel.Assumptions({"price.h200-sxm": -1}), "ConfigError", "price.h200-sxm -1"),
    ("negative-chip-hour", "negative", "SweepGrid(..., usd_per_chip_hour=-1)",
     lambda t: chipmodel.SweepGrid("llama-2-7b", "h100", usd_per_chip_hour=-1.0), "ConfigError", "usd_per_chip_hour[h100-sxm]"),
    ("negative-limit", "negative", "Reduction.top(max_tpot_s=-1)",
     lambda t: chipmodel.Reduction.top(3, max_tpot_s=-1), "ConfigError", "max_tpot_s"),
    ("zero-chips", "zero", "estimate_inference(n_chips=0)",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", n_chips=0), "ConfigError", "n_chips = 0"),
    ("zero-count", "zero", "Fleet([('h200', 0, 'cn')])",
     lambda t: chipmodel.Fleet([("h200", 0, "cn")]).tco(), "ConfigError", "count 0"),
    ("zero-samples", "zero", "monte_carlo(samples=0)",
     lambda t: chipmodel.monte_carlo(chipmodel.Fleet(SMALL_FLEET), samples=0), "ConfigError", "samples 0"),
    ("zero-k", "zero", "Reduction.top(0)",
     lambda t: chipmodel.Reduction.top(0), "ConfigError", "k = 0"),
    ("zero-chunk", "zero", "sweep_chunks(grid, chunk_size=0)",
     lambda t: next(chipmodel.sweep_chunks(chipmodel.SweepGrid("llama-2-7b", "h100"), chunk_size=0)), "ConfigError", "chunk_size = 0"),
    ("absurd-chips", "absurd magnitude", "Fleet([('h200', 1e300, 'cn')])",
     lambda t: chipmodel.Fleet([("h200", 1e300, "cn")]).tco(), "ConfigError", "more than 10^9 chips"),
    ("absurd-context", "absurd magnitude", "estimate_inference(input_tokens=10**12)",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", input_tokens=10**12), "ConfigError", "input_tokens = 1000000000000"),
    ("context-over-model", "absurd magnitude", "estimate_inference(input_tokens=10**9)",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", input_tokens=10**9), "ConfigError", "longer than any model's context"),
    ("absurd-int", "absurd magnitude", "estimate_inference(batch=2**64)",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", batch=2**64), "ConfigError", "batch = 18446744073709551616"),
    ("absurd-training", "absurd magnitude", "estimate_training(tokens=1e300)",
     lambda t: chipmodel.estimate_training("llama-2-7b", "h100", n_chips=8, tokens=1e300), "ConfigError", "more than 10^18 training tokens"),
    ("absurd-samples", "absurd magnitude", "monte_carlo(samples=10**9)",
     lambda t: chipmodel.monte_carlo(chipmodel.Fleet(SMALL_FLEET), samples=10**9), "ConfigError", "samples 1000000000"),
    ("absurd-grid", "absurd magnitude", "SweepGrid(10^15 configurations).evaluate()",
     lambda t: chipmodel.SweepGrid("llama-2-7b", "h100", batch=list(range(1, 100_001)), input_tokens=list(range(1, 100_001)),
                                   output_tokens=list(range(1, 100_001))).evaluate(), "ConfigError", "more than 100,000,000 configurations at once"),
    ("absurd-grid-size", "absurd magnitude", "SweepGrid with 10^18 configurations",
     lambda t: chipmodel.SweepGrid("llama-2-7b", "h100", n_chips=range(1, 1001), pp=range(1, 1001), ep=range(1, 1001),
                                   batch=range(1, 1001), input_tokens=range(1, 1001), output_tokens=range(1, 1001)),
     "ConfigError", "more than 1000000000000000 configurations"),
    ("absurd-demand", "absurd magnitude", "plan_hybrid(demands=[{..., 'tokens_per_day': 1e300}])",
     lambda t: chipmodel.plan_hybrid([{"chip": "h200", "site": "cn"}], [{"model": "llama-3.1-70b", "tokens_per_day": 1e300}]),
     "ConfigError", "more than 10^18 tokens a day"),
    ("absurd-assumption", "absurd magnitude", "Assumptions({'wacc': 1.8e19})",
     lambda t: chipmodel.Assumptions({"wacc": 1.8e19}), "ConfigError", "more than a million times the top of its range"),
    # --- wrong Python types
    ("float-for-int", "wrong type", "estimate_inference(batch=1.5)",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", batch=1.5), "ArgumentTypeError", "batch: expected a whole number"),  # type: ignore[arg-type]
    ("str-for-int", "wrong type", "estimate_inference(n_chips='8')",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", n_chips="8"), "ArgumentTypeError", "n_chips: expected a whole number"),  # type: ignore[arg-type]
    ("bool-for-int", "wrong type", "sweep_inference(batch=[True])",
     lambda t: chipmodel.sweep_inference("llama-2-7b", "h100", batch=[True]), "ArgumentTypeError", "batch: expected a whole number"),
    ("text-for-number", "wrong type", "estimate_training(tokens='many')",
     lambda t: chipmodel.estimate_training("llama-2-7b", "h100", n_chips=8, tokens="many"), "ArgumentTypeError", "tokens: expected a number"),  # type: ignore[arg-type]
    ("number-for-model", "wrong type", "estimate_inference(42, 'h100')",
     lambda t: chipmodel.estimate_inference(42, "h100"), "ArgumentTypeError", "expected a model name or a Model"),  # type: ignore[arg-type]
    ("number-for-chip", "wrong type", "classify(3.5)",
     lambda t: chipmodel.classify(3.5), "ArgumentTypeError", "expected a chip name or a Chip"),  # type: ignore[arg-type]
    ("wrong-group", "wrong type", "Fleet([42])",
     lambda t: chipmodel.Fleet([42]), "ArgumentTypeError", "a group is a dict"),  # type: ignore[list-item]
    ("text-override", "wrong type", "Assumptions({'wacc': 'high'})",
     lambda t: chipmodel.Assumptions({"wacc": "high"}), "ArgumentTypeError", "override 'wacc' must be a number"),  # type: ignore[dict-item]
    ("wrong-workload", "wrong type", "Fleet(...).tco(workload=3)",
     lambda t: chipmodel.Fleet(SMALL_FLEET).tco(workload=3), "ArgumentTypeError", "workload must be a model name or a dict"),  # type: ignore[arg-type]
    ("non-json-config", "wrong type", "Model.from_hf_config({'x': {1, 2}})",
     lambda t: chipmodel.Model.from_hf_config({"x": {1, 2}}), "ArgumentTypeError", "config: not JSON data"),
    # --- unknown names and enum strings
    ("unknown-chip", "unknown name", "estimate_inference('llama-2-7b', 'h900')",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h900"), "UnknownChipError", "h900"),
    ("unknown-model", "unknown name", "estimate_inference('llama-9', 'h100')",
     lambda t: chipmodel.estimate_inference("llama-9", "h100"), "UnknownModelError", "llama-9"),
    ("unknown-precision", "unknown enum string", "estimate_inference(weight_dtype='fp12')",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", weight_dtype="fp12"), "ConfigError", "weight_dtype"),
    ("unknown-mode", "unknown enum string", "estimate_inference(mode='turbo')",
     lambda t: chipmodel.estimate_inference("llama-2-7b", "h100", mode="turbo"), "ConfigError", "mode = 'turbo'"),
    ("unknown-objective", "unknown enum string", "Reduction.pareto(['speed'])",
     lambda t: chipmodel.Reduction.pareto(["speed"]), "ConfigError", "objective = 'speed'"),
    ("unknown-reduce", "unknown enum string", "sweep_inference(reduce='fastest')",
     lambda t: chipmodel.sweep_inference("llama-2-7b", "h100", reduce="fastest"), "ConfigError", "reduce = 'fastest'"),
    ("unknown-library", "unknown enum string", "catalog_frame(library='arrow')",
     lambda t: chipmodel.catalog_frame(library="arrow"), "ConfigError", "library = 'arrow'"),  # type: ignore[arg-type]
    ("unknown-site", "unknown enum string", "Fleet([('h200', 5, 'mars')])",
     lambda t: chipmodel.Fleet([("h200", 5, "mars")]).tco(), "ConfigError", "site 'mars'"),
    ("unknown-destination", "unknown enum string", "classify('h200', destination='XX')",
     lambda t: chipmodel.classify("h200", destination="XX"), "ConfigError", "unknown destination 'XX'"),
    ("unknown-rules", "unknown name", "classify('h200', rules='us-1999')",
     lambda t: chipmodel.classify("h200", destination="CN", rules="us-1999"), "UnknownRulesError", "us-1999"),
    ("unknown-assumption", "unknown name", "Assumptions({'wac': 0.1})",
     lambda t: chipmodel.Assumptions({"wac": 0.1}), "ConfigError", "did you mean 'wacc'"),
    ("bad-date", "malformed value", "classify('h200', date='2026-13-45')",
     lambda t: chipmodel.classify("h200", destination="CN", date="2026-13-45"), "ConfigError", "date '2026-13-45'"),
    ("what-if-no-line", "malformed value", "with_line('tpp', 4801, 6000)",
     lambda t: chipmodel.rule_set("us-2023-10").with_line("tpp", 4801, 6000), "ConfigError", "no TPP threshold of us-2023-10 equals it"),
    # --- files: empty, huge, binary, nested, malicious, missing, escaping
    ("empty-catalog", "empty file", "load_catalog(empty file)",
     lambda t: chipmodel.load_catalog(_file(t, "empty.toml", "")), None, ""),
    ("empty-scenario", "empty file", "load_scenario(empty file)",
     lambda t: chipmodel.load_scenario(_file(t, "empty.toml", "")), "CatalogError", "missing the [scenario] table"),
    ("empty-rules", "empty file", "load_rules(empty file)",
     lambda t: chipmodel.load_rules(_file(t, "empty.toml", "")), "CatalogError", "empty.toml"),
    ("huge-file", "huge file", "load_catalog(a 9 MiB file)",
     lambda t: chipmodel.load_catalog(_file(t, "huge.toml", "# " + "x" * (9 << 20))), "CatalogFileError", "more than the 8 MiB"),
    ("endless-file", "huge file", "load_scenario('/dev/zero')",
     lambda t: chipmodel.load_scenario("/dev/zero"), "CatalogFileError", "more than the 8 MiB"),
    ("binary-file", "malformed file", "load_catalog(bytes that are not UTF-8)",
     lambda t: chipmodel.load_catalog(_file(t, "bin.toml", b"\xff\xfe\x00 garbage")), "CatalogFileError", "not UTF-8 text"),
    ("syntax-error", "malformed file", "load_catalog('[[chip]\\nid = ')",
     lambda t: chipmodel.load_catalog(_file(t, "bad.toml", "[[chip]\nid = ")), "CatalogError", "invalid TOML"),
    ("deep-nesting", "deeply nested TOML", "x = [[[[…]]]] a million deep",
     lambda t: chipmodel.load_catalog(_file(t, "deep.toml", "x = " + "[" * 1_000_000 + "]" * 1_000_000)), "CatalogError", "invalid TOML"),
    ("deep-tables", "deeply nested TOML", "x = {a = {a = …}} 100,000 deep",
     lambda t: chipmodel.load_rules(_file(t, "deep.toml", "x = " + "{a = " * 100_000 + "1" + "}" * 100_000)), "CatalogError", "invalid TOML"),
    ("long-line", "malicious TOML", "an unterminated 5 MB string",
     lambda t: chipmodel.load_catalog(_file(t, "long.toml", "x = '" + "a" * 5_000_000)), "CatalogError", "invalid TOML"),
    ("unknown-key", "malformed file", "a scenario with colour = 'red' in a group",
     lambda t: chipmodel.load_scenario(_file(t, "s.toml", '[scenario]\nid = "x"\ntitle = "X"\n[[group]]\nchip = "h200"\ncount = 8\ncolour = "red"\n')),
     "CatalogError", "group[0].colour"),
    ("duplicate-chip", "malformed file", "a catalog file defining h100-sxm again",
     lambda t: chipmodel.load_catalog(_file(t, "dup.toml", '[[chip]]\nid = "h100-sxm"\n')), "CatalogError", "h100-sxm"),
    ("missing-file", "missing file", "load_catalog('/no/such.toml')",
     lambda t: chipmodel.load_catalog("/no/such.toml"), "CatalogFileError", "No such file"),
    ("directory", "missing file", "load_rules(a folder)",
     lambda t: chipmodel.load_rules(t), "CatalogFileError", "Is a directory"),
    ("extends-parent", "path escaping the folder", "extends = '../outside.toml'",
     lambda t: chipmodel.load_scenario(_scenario(t / "inner", "s.toml", _outside(t))), "CatalogError", "outside the scenario's folder"),
    ("extends-absolute", "path escaping the folder", "extends = '/etc/passwd'",
     lambda t: chipmodel.load_scenario(_scenario(t, "s.toml", "/etc/passwd")), "CatalogError", "an absolute path"),
    ("extends-cycle", "path escaping the folder", "a.toml extends b.toml extends a.toml",
     _cycle, "CatalogError", "a cycle"),
    # --- a bug in the Rust core
    ("rust-panic", "internal error", "a Rust panic (a bug)",
     lambda t: chipmodel._chipmodel._panic_for_tests("reliability test"), "PanicException", "reliability test"),
]  # fmt: skip
