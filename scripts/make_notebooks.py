"""Writes the example notebooks in examples/notebooks/ from the cells below (outputs cleared).

Run: .venv/bin/python scripts/make_notebooks.py. tests/test_notebooks.py executes every notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parent.parent / "examples" / "notebooks"

SEED = [
    new_markdown_cell(
        "# The seed story: 400,000 H200s for China\n\n"
        "In January 2026 Beijing approved ByteDance, Alibaba and Tencent to buy more than 400,000 H200s. "
        "This notebook computes what the loose numbers in that debate say: the chip against the H100, "
        "what the US rules said on each date, what the fleet costs and makes, and the domestic alternative."
    ),
    new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nimport chipmodel\nimport chipmodel.plot"),
    new_markdown_cell("## 1. The chip: capacity is not bandwidth\n\nThe '1.75x memory bandwidth' claim is the capacity ratio."),
    new_code_cell(
        "cmp = chipmodel.compare('h200', 'h100')\n"
        "print(f\"bandwidth {cmp.ratio('memory_bandwidth_bytes_per_s'):.2f}x, capacity {cmp.ratio('memory_capacity_bytes'):.2f}x\")\n"
        "chipmodel.chip('h200')"
    ),
    new_markdown_cell("## 2. What the rules said, date by date (not legal advice)"),
    new_code_cell(
        "for step in chipmodel.timeline('h200', destination='CN'):\n"
        "    print(step['date'], step['review_policy'], step['rules'])\n"
        "ax = chipmodel.plot.compliance_timeline(['h100', 'h200', 'h20', 'b200'])"
    ),
    new_markdown_cell("## 3. The fleet, and the Ascend fleet that makes the same tokens"),
    new_code_cell(
        "result = chipmodel.run_scenario()   # the seed scenario\n"
        "t = result['report']['total']\n"
        "print(f\"{t['facility_mw']:.0f} MW, capex ${sum(t['capex'].values()) / 1e9:.1f}B, \"\n"
        "      f\"${t['usd_per_gpu_hour']:.2f}/GPU-hour, {t['tokens_per_day'] / 1e12:.1f} trillion tokens/day\")\n"
        "for e in result['equivalents']:\n"
        "    print(e['chip'], f\"{e['count']:,.0f} chips\", f\"{e['report']['total']['facility_mw']:,.0f} MW\")\n"
        "ax = chipmodel.plot.cost_breakdown(result)"
    ),
    new_markdown_cell("## 4. What moves the cost, and how uncertain it is"),
    new_code_cell(
        "ax = chipmodel.plot.tornado(result['sensitivity'])\n"
        "ax = chipmodel.plot.monte_carlo(result['monte_carlo'])"
    ),
]

HARDWARE = [
    new_markdown_cell(
        "# Choosing hardware for a model under a latency target\n\n"
        "Llama 3.1 70B on eight chips, 1,024 tokens in and 256 out, at most 50 ms per output token: "
        "which chip gives the most tokens per second, and at what cost per million tokens?"
    ),
    new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nimport chipmodel\nimport chipmodel.plot"),
    new_code_cell(
        "rows = []\n"
        "for chip in ['h100', 'h200', 'b200', 'mi300x', 'h20', 'ascend-910c']:\n"
        "    try:\n"
        "        e = chipmodel.best_inference('llama-3.1-70b', chip, n_chips=8, weight_dtype='fp8', tpot_slo_s=0.05)\n"
        "    except chipmodel.ChipModelError as err:\n"
        "        print(chip, 'no configuration meets the target:', err)\n"
        "        continue\n"
        "    cost = chipmodel.Fleet([(chip, 8, 'us')]).tco().total['usd_per_gpu_hour'] * 8\n"
        "    rows.append((chip, e.throughput_tokens_per_s, e.tpot_s * 1e3, cost / (e.throughput_tokens_per_s * 3600) * 1e6))\n"
        "for chip, tps, tpot, usd in sorted(rows, key=lambda r: -r[1]):\n"
        "    print(f'{chip:<12} {tps:>9,.0f} tok/s  {tpot:5.1f} ms  ${usd:.3f}/Mtok')"
    ),
    new_markdown_cell("The whole trade-off: throughput against latency over batch sizes."),
    new_code_cell(
        "sweep = chipmodel.sweep_inference(['llama-3.1-70b'], ['h100', 'h200', 'b200'], n_chips=[8],\n"
        "                                  batch=[1, 4, 16, 32, 64, 128, 256], weight_dtype=['fp8'])\n"
        "ax = chipmodel.plot.throughput_latency(sweep)\n"
        "ax = chipmodel.plot.roofline(['h100', 'h200', 'b200'],\n"
        "                             chipmodel.estimate_inference('llama-3.1-70b', 'h200', n_chips=8, batch=64))"
    ),
]

WHATIF = [
    new_markdown_cell(
        "# What if the export threshold moved?\n\n"
        "The October 2023 rule controls chips at TPP 4,800 or more. Which chips change status if the "
        "line moves to 3,000, or to 6,000? (Not legal advice: a what-if on chipmodel's reading of the rules.)"
    ),
    new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nimport chipmodel\nimport chipmodel.plot"),
    new_code_cell(
        "base = chipmodel.rule_set('us-2023-10')\n"
        "for line in (3000, 6000):\n"
        "    moved = base.with_line('tpp', 4800, line)\n"
        "    print(line, [f['chip'] for f in chipmodel.flips(base, moved)])"
    ),
    new_code_cell(
        "h = chipmodel.headroom('h20', rules='us-2023-10')\n"
        "print(h['lines'])\n"
        "ax = chipmodel.plot.export_control_map(date='2024-06-01')"
    ),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, cells in (("seed_story", SEED), ("choose_hardware", HARDWARE), ("export_threshold_whatif", WHATIF)):
        nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
        nbformat.write(nb, OUT / f"{name}.ipynb")


if __name__ == "__main__":
    main()
