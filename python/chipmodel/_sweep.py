"""Sweeps: every combination of the list-valued arguments, evaluated in Rust in parallel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from chipmodel._chipmodel import Chip, Model, _sweep_inference

IntArg = Union[int, Sequence[int], npt.NDArray[np.integer[Any]]]
StrArg = Union[str, Sequence[str]]


def sweep_inference(
    models: str | Model | Sequence[str | Model],
    chips: str | Chip | Sequence[str | Chip],
    *,
    n_chips: IntArg = 1,
    tp: int | None | Sequence[int | None] = None,
    pp: IntArg = 1,
    ep: IntArg = 1,
    batch: IntArg = 1,
    input_tokens: IntArg = 1024,
    output_tokens: IntArg = 128,
    weight_dtype: StrArg = "bf16",
    kv_dtype: str | None | Sequence[str | None] = None,
    mode: StrArg = "calibrated",
    threads: int = 0,
) -> dict[str, npt.NDArray[Any]]:
    """Estimate every combination of the arguments (each a value or a list) and return columns.

    The grid is the cartesian product, the last argument varying fastest. The Rust core runs it
    on ``threads`` threads (0 = all cores) with the interpreter released; the result does not
    depend on the thread count. Columns are numpy arrays of equal length, units in their names;
    configurations that are invalid (a ``tp`` that does not divide, a precision the chip lacks)
    have ``valid == False`` and NaN outputs.

        >>> cols = sweep_inference("llama-3.1-8b", ["h100", "h200"], batch=[1, 64])
        >>> list(cols["chip"]), list(cols["batch"])
        [np.str_('h100-sxm'), np.str_('h100-sxm'), np.str_('h200-sxm'), np.str_('h200-sxm')], [np.uint32(1), np.uint32(64), np.uint32(1), np.uint32(64)]
        >>> bool(cols["tpot_s"][2] < cols["tpot_s"][0])   # more bandwidth, faster decode
        True
    """
    raw = _sweep_inference(
        models,
        chips,
        n_chips=n_chips,
        tp=tp,
        pp=pp,
        ep=ep,
        batch=batch,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        weight_dtype=weight_dtype,
        kv_dtype=kv_dtype,
        mode=mode,
        threads=threads,
    )
    names = {k: np.asarray(raw.pop(k)) for k in ("_models", "_chips", "_weight_dtypes", "_kv_dtypes", "_modes")}
    out: dict[str, npt.NDArray[Any]] = {
        "model": names["_models"][raw.pop("model_index")],
        "chip": names["_chips"][raw.pop("chip_index")],
    }
    bound_names = np.asarray(["compute", "memory", "communication", "overhead", ""])
    for key, value in raw.items():
        if key == "weight_dtype_index":
            out["weight_dtype"] = names["_weight_dtypes"][value]
        elif key == "kv_dtype_index":
            out["kv_dtype"] = names["_kv_dtypes"][value]
        elif key == "mode_index":
            out["mode"] = names["_modes"][value]
        elif key == "bound_code":
            out["bound"] = bound_names[np.minimum(value, 4)]
        else:
            out[key] = value
    return out
