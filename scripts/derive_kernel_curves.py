"""Derives chipmodel's kernel curves (``crates/chipmodel-perf/data/kernels.toml``) from NVIDIA's
AIConfigurator silicon kernel database: per-kernel latencies that NVIDIA measured with TensorRT-LLM
kernels on H100, H200, B200, GB200, B300 and L40S (Apache-2.0, the ``aiconfigurator-core`` wheel on
the package index).

What is kept is compact and explainable, not the tables:
- GEMM: the fraction of the datasheet roofline a GEMM reaches, ``max(FLOPs / peak, bytes /
  bandwidth) / measured``, as the median over measured shapes in bins of M (tokens) and of the
  weight's size N·K, per chip and dtype (bf16, fp8 per-tensor, fp8 block-scaled, nvfp4);
- all-reduce: TensorRT-LLM's custom all-reduce latency by message size and GPU count (bf16).

Only kernel measurements go in; no end-to-end benchmark is read.

    python scripts/derive_kernel_curves.py           # download (cached), derive, write
    python scripts/derive_kernel_curves.py --check   # fail if the file differs from a derivation

Needs polars and the built ``chipmodel`` package (for the catalog's peaks and bandwidths).
"""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl

import chipmodel

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "chipmodel-perf" / "data" / "kernels.toml"
CACHE = ROOT / "target" / "aiconfigurator"
PACKAGE, VERSION = "aiconfigurator-core", "0.12.0"
TRTLLM = "1.3.0rc20"
# AIConfigurator system name -> chipmodel chip id. L40S is left out: its measured FP8 GEMMs reach
# 1.4x the catalog's FP8 peak, so one of the two is wrong; resolve the catalog first.
CHIPS = {
    "h100_sxm": "h100-sxm",
    "h200_sxm": "h200-sxm",
    "b200_sxm": "b200",
    "gb200": "gb200",
    "b300_sxm": "b300",
}
# Database dtype -> (chipmodel precision the GEMM computes in, weight bytes, activation bytes).
DTYPES = {
    "bfloat16": ("bf16", 2.0, 2.0),
    "fp8": ("fp8", 1.0, 1.0),
    "fp8_block": ("fp8-block", 1.0, 1.0),
    "nvfp4": ("fp4", 0.5, 0.5),
}
M_BINS = [1, 4, 16, 64, 256, 1024, 4096, 16384]
NK_BINS = [2**22, 2**24, 2**26, 2**28, 2**30]


def source_key(system: str) -> str:
    return "aic-" + system.replace("_", "-")


def wheel() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"aiconfigurator_core-{VERSION}-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", f"{PACKAGE}=={VERSION}", "-d", str(CACHE)],
            check=True,
        )
        found = sorted(CACHE.glob(f"aiconfigurator_core-{VERSION}-*.whl"))
    return found[0]


def table(z: zipfile.ZipFile, system: str, kind: str, name: str) -> pl.DataFrame | None:
    path = f"aiconfigurator_core/systems/data/{system}/{kind}/trtllm/{TRTLLM}/{name}"
    try:
        with z.open(path) as f:
            return pl.read_parquet(f.read())
    except KeyError:
        return None


def rates(chip_id: str) -> list[tuple[str, str, float, float, float]]:
    """(database dtype, chipmodel precision, weight bytes, activation bytes, datasheet peak) for
    every precision the chip has a matrix rate for."""
    chip = chipmodel.chip(chip_id)
    out = []
    for db_dtype, (precision, wb, ab) in DTYPES.items():
        peak = chip.dense_flops_per_s(precision.split("-")[0])
        if peak:
            out.append((db_dtype, precision, wb, ab, peak))
    return out


def gemm_rows(z: zipfile.ZipFile, system: str, chip_id: str) -> list[str]:
    d = table(z, system, "gemm", "gemm_perf.parquet")
    if d is None:
        return []
    bw = chipmodel.chip(chip_id).memory_bandwidth_bytes_per_s
    out = []
    for db_dtype, precision, wb, ab, peak in rates(chip_id):
        rows = d.filter(pl.col("gemm_dtype") == db_dtype)
        if rows.height == 0:
            continue
        m, n, k, lat = (rows[c].to_numpy() for c in ("m", "n", "k", "latency"))
        roof = [
            max(2 * mi * ni * ki / peak, (ni * ki * wb + mi * ki * ab + mi * ni * 2) / bw)
            for mi, ni, ki in zip(m.tolist(), n.tolist(), k.tolist())
        ]
        frac = [r / (t * 1e-3) for r, t in zip(roof, lat.tolist())]
        grid = []
        for nk in NK_BINS:
            line = []
            for mb in M_BINS:
                sel = [
                    f
                    for f, mi, ni, ki in zip(frac, m.tolist(), n.tolist(), k.tolist())
                    if mb / 2 < mi <= mb * 2 and abs(math.log2(ni * ki / nk)) <= 1
                ]
                line.append(round(statistics.median(sel), 3) if len(sel) >= 3 else None)
            grid.append(line)
        # Bins without three measurements take their neighbour in M (the curve is monotone
        # enough at a factor of four), so every cell carries a measured value.
        cells = ",\n    ".join("[" + ", ".join(f"{v:.3f}" for v in line) + "]" for line in fill(grid))
        out.append(
            f'[[gemm]]\nchip = "{chip_id}"\ndtype = "{precision}"\nsource = "{source_key(system)}"\n'
            f"roofline_fraction = [\n    {cells},\n]\n"
        )
    return out


# MoE routing distributions measured, as chipmodel names them.
ROUTINGS = {"balanced": "balanced", "power_law_1.01": "power-law-1.01", "power_law_1.2": "power-law-1.2"}
# Database kernel source -> matrices per expert (gated: gate, up, down; non-gated: up, down).
MOE_KERNELS = {"moe_torch_flow": 3, "moe_torch_flow_cutlass": 3, "moe_torch_flow_nongated": 2}


def fill(grid: list[list[float | None]]) -> list[list[float]]:
    """Bins without three measurements take their nearest neighbour in M, so every cell carries
    a measured value."""
    rows: list[list[float | None]] = []
    for line in grid:
        full: list[float | None] = []
        for i in range(len(line)):
            near = [line[j] for j in sorted(range(len(line)), key=lambda j: abs(j - i)) if line[j] is not None]
            full.append(near[0] if near else None)
        rows.append(full)
    # A weight size with no measurement at all takes the nearest measured weight size's row.
    measured = [i for i, r in enumerate(rows) if r[0] is not None]
    out = []
    for i, r in enumerate(rows):
        src = r if r[0] is not None else rows[min(measured, key=lambda j: abs(j - i))] if measured else [0.5] * len(r)
        out.append([float(v) for v in src])  # type: ignore[arg-type]
    return out


def grid_text(cells: dict[tuple[int, int], list[float]], rows: int, cols: int) -> str:
    grid: list[list[float | None]] = [
        [
            round(min(statistics.median(cells[(i, j)]), 1.0), 3) if len(cells.get((i, j), [])) >= 3 else None
            for j in range(cols)
        ]
        for i in range(rows)
    ]
    return ",\n    ".join("[" + ", ".join(f"{v:.3f}" for v in line) + "]" for line in fill(grid))


def moe_rows(z: zipfile.ZipFile, system: str, chip_id: str) -> list[str]:
    """Grouped-GEMM MoE layers (TensorRT-LLM's fused MoE): the fraction of chipmodel's own
    roofline of the layer that the measured kernel reaches. A row is one rank of a layer with
    ``num_tokens`` tokens entering it (all of the expert-parallel group's), ``num_experts / ep``
    local experts each ``hidden × inter / tp``: FLOPs ``2·T·k/ep·mats·h·fe/tp``, bytes the weights
    of the local experts hit plus the routed activations. Binned by tokens per expert
    ``T·k/E`` and the local weight ``(E/ep)·h·fe/tp``, per routing distribution."""
    d = table(z, system, "moe", "moe_perf.parquet")
    if d is None:
        return []
    bw = chipmodel.chip(chip_id).memory_bandwidth_bytes_per_s
    out = []
    for db_dtype, precision, wb, ab, peak in rates(chip_id):
        for db_routing, routing in ROUTINGS.items():
            rows = d.filter(
                (pl.col("moe_dtype") == db_dtype)
                & (pl.col("distribution") == db_routing)
                & pl.col("kernel_source").is_in(list(MOE_KERNELS))
            )
            if rows.height == 0:
                continue
            cells: dict[tuple[int, int], list[float]] = {}
            for r in rows.iter_rows(named=True):
                t, h, fe, k, e = r["num_tokens"], r["hidden_size"], r["inter_size"], r["topk"], r["num_experts"]
                tp, ep, mats = r["moe_tp_size"], r["moe_ep_size"], MOE_KERNELS[r["kernel_source"]]
                n = t / ep
                distinct = e * (1 - (1 - k / e) ** t)
                flops = 2 * n * k * mats * h * fe / tp
                byts = distinct * mats * h * fe * wb / (tp * ep) + n * k * (2 * h + mats * fe) * ab / tp
                frac = max(flops / peak, byts / bw) / (r["latency"] * 1e-3)
                m, nk = t * k / e, (e / ep) * h * fe / tp
                for i, nb in enumerate(NK_BINS):
                    if abs(math.log2(nk / nb)) > 1:
                        continue
                    for j, mb in enumerate(M_BINS):
                        if mb / 2 < m <= mb * 2:
                            cells.setdefault((i, j), []).append(frac)
            text = grid_text(cells, len(NK_BINS), len(M_BINS))
            out.append(
                f'[[moe]]\nchip = "{chip_id}"\ndtype = "{precision}"\nrouting = "{routing}"\n'
                f'source = "{source_key(system)}"\nroofline_fraction = [\n    {text},\n]\n'
            )
    return out


ATTN_DTYPES = {"bfloat16": ("bf16", 2.0), "fp8": ("fp8", 1.0)}
BATCH = [8, 32, 128, 512, 2048]
CONTEXT = [128, 512, 1024, 2048, 4096, 8192, 16384, 65536]
Q_HEADS = [1, 4, 8, 16, 32, 64]
PROMPT = [128, 512, 1024, 2048, 4096, 8192, 16384]


def near(x: float, grid: list[int]) -> int | None:
    """The index of the grid point within a factor of 2 of ``x`` (nearest in log), if any."""
    i = min(range(len(grid)), key=lambda j: abs(math.log2(x / grid[j])))
    return i if abs(math.log2(x / grid[i])) <= 0.5 else None


def attention_rows(z: zipfile.ZipFile, system: str, chip_id: str) -> list[str]:
    """TensorRT-LLM's attention kernels, head size 128, no sliding window. Decode (generation):
    the fraction of the datasheet bandwidth that streaming the KV cache reaches, by sequences in
    the batch and context length, over 1–8 KV heads per GPU with at most 8 query heads each (the
    grouped-query ratios of the models served; wider groups turn compute-bound); batches under 8
    are launch-bound and left out (the estimate adds the launch time itself). Context (prefill,
    causal): the fraction of the 16-bit (or fp8) matrix peak that ``2·batch·heads·isl²·128``
    FLOPs reach, by query heads per GPU and prompt length."""
    chip = chipmodel.chip(chip_id)
    bw = chip.memory_bandwidth_bytes_per_s
    out = []
    g = table(z, system, "attention", "generation_attention_perf.parquet")
    if g is not None:
        g = g.filter(
            (pl.col("head_dim") == 128)
            & (pl.col("window_size") == 0)
            & (pl.col("batch_size") >= 8)
            & (pl.col("num_key_value_heads") <= 8)
            & (pl.col("num_heads") <= 8 * pl.col("num_key_value_heads"))
        )
        for db_kv, (kv, kb) in ATTN_DTYPES.items():
            rows = g.filter(pl.col("kv_cache_dtype") == db_kv)
            cells: dict[tuple[int, int], list[float]] = {}
            for r in rows.iter_rows(named=True):
                b, step, hq, hk = r["batch_size"], r["step"], r["num_heads"], r["num_key_value_heads"]
                i, j = near(b, BATCH), near(step + 1, CONTEXT)
                if i is None or j is None:
                    continue
                byts = b * hk * (step + 1) * 128 * 2 * kb + 2 * b * hq * 128 * 2
                cells.setdefault((i, j), []).append((byts / bw) / (r["latency"] * 1e-3))
            if cells:
                out.append(
                    f'[[decode_attention]]\nchip = "{chip_id}"\nkv_dtype = "{kv}"\nsource = "{source_key(system)}"\n'
                    f"batch = {BATCH}\ncontext = {CONTEXT}\n"
                    f"bandwidth_fraction = [\n    {grid_text(cells, len(BATCH), len(CONTEXT))},\n]\n"
                )
    c = table(z, system, "attention", "context_attention_perf.parquet")
    if c is not None:
        c = c.filter((pl.col("head_dim") == 128) & (pl.col("window_size") == 0))
        for db_dtype, (dtype, _) in ATTN_DTYPES.items():
            peak = chip.dense_flops_per_s(dtype)
            rows = c.filter((pl.col("attn_dtype") == db_dtype) & (pl.col("kv_cache_dtype") == db_dtype))
            if not peak or rows.height == 0:
                continue
            cells = {}
            for r in rows.iter_rows(named=True):
                b, isl, hq = r["batch_size"], r["isl"], r["num_heads"]
                i, j = near(hq, Q_HEADS), near(isl, PROMPT)
                if i is None or j is None:
                    continue
                flops = 2 * b * hq * isl * isl * 128
                cells.setdefault((i, j), []).append((flops / peak) / (r["latency"] * 1e-3))
            if cells:
                out.append(
                    f'[[context_attention]]\nchip = "{chip_id}"\ndtype = "{dtype}"\nsource = "{source_key(system)}"\n'
                    f"heads = {Q_HEADS}\ntokens = {PROMPT}\n"
                    f"peak_fraction = [\n    {grid_text(cells, len(Q_HEADS), len(PROMPT))},\n]\n"
                )
    return out


def allreduce_rows(z: zipfile.ZipFile, system: str, chip_id: str) -> list[str]:
    d = table(z, system, "comm", "custom_allreduce_perf.parquet")
    if d is None:
        return []
    d = d.filter(pl.col("allreduce_dtype").is_in(["bfloat16", "half", "float16"]))
    out = []
    for g in sorted(d["num_gpus"].unique().to_list()):
        rows = d.filter(pl.col("num_gpus") == g).sort("message_size")
        sizes = rows["message_size"].to_list()
        lat = rows["latency"].to_list()
        keep = [i for i in range(len(sizes)) if i % 2 == 0 or i == len(sizes) - 1]
        out.append(
            f'[[all_reduce]]\nchip = "{chip_id}"\ngpus = {g}\nsource = "{source_key(system)}"\n'
            f"message_bytes = [{', '.join(f'{sizes[i]:.4g}' for i in keep)}]\n"
            f"latency_s = [{', '.join(f'{lat[i] * 1e-3:.4g}' for i in keep)}]\n"
        )
    return out


def derive() -> str:
    parts = [
        "# Kernel curves derived from NVIDIA's AIConfigurator silicon kernel database (Apache-2.0):",
        f"# {PACKAGE} {VERSION} on the package index, TensorRT-LLM {TRTLLM} kernels. Written by",
        "# scripts/derive_kernel_curves.py; do not edit by hand. Format: docs/catalog-format.md",
        '# ("Kernel curves"). Read by crates/chipmodel-perf/src/kernels.rs.',
        "#",
        "# gemm.roofline_fraction[i][j]: the median fraction of the datasheet roofline",
        "# max(FLOPs / peak, bytes / bandwidth) that measured GEMMs reach with M (tokens) near",
        "# m_bins[j] and a weight of N x K elements near weight_elements[i] (within a factor of 2).",
        "# moe.roofline_fraction[i][j]: the same for TensorRT-LLM's fused MoE layer on one rank",
        "# (chipmodel's roofline of its grouped GEMMs), with m_bins[j] tokens per expert and",
        "# weight_elements[i] elements of local expert weight (experts / ep x hidden x inter / tp),",
        "# under the routing distribution named.",
        "# decode_attention.bandwidth_fraction[i][j]: the fraction of the datasheet bandwidth that",
        "# decode attention (head size 128) reaches streaming the KV cache of batch[i] sequences at",
        "# context[j] tokens; context_attention.peak_fraction[i][j]: the fraction of the",
        "# matrix peak that causal prefill attention reaches with heads[i] query heads per GPU over",
        "# tokens[j]-token prompts.",
        "",
        f"m_bins = [{', '.join(str(m) for m in M_BINS)}]",
        f"weight_elements = [{', '.join(f'{x:.4g}' for x in NK_BINS)}]",
        "",
    ]
    body = []
    with zipfile.ZipFile(wheel()) as z:
        for system, chip_id in CHIPS.items():
            parts += [
                f"[sources.{source_key(system)}]",
                f'title = "AIConfigurator {VERSION} silicon kernel database, {system}, TensorRT-LLM {TRTLLM} kernels (gemm_perf, moe_perf, context and generation attention_perf, custom_allreduce_perf)"',
                'publisher = "NVIDIA (ai-dynamo/aiconfigurator, Apache-2.0)"',
                f'url = "https://pypi.org/project/{PACKAGE}/{VERSION}/"',
                'date = "2026-09"',
                'kind = "vendor-benchmark"',
                "",
            ]
            body += (
                gemm_rows(z, system, chip_id)
                + moe_rows(z, system, chip_id)
                + attention_rows(z, system, chip_id)
                + allreduce_rows(z, system, chip_id)
            )
    return "\n".join(parts) + "\n" + "\n".join(body)


def main() -> int:
    text = derive()
    if "--check" in sys.argv:
        if OUT.read_text() != text:
            print(f"{OUT} differs from a fresh derivation: run python scripts/derive_kernel_curves.py")
            return 1
        print(f"{OUT.name}: matches a fresh derivation from {PACKAGE} {VERSION}")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
