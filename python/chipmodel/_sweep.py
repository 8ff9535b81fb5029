"""Sweeps: every combination of the list-valued arguments, evaluated in Rust in parallel.

Small grids come back whole (:func:`sweep_inference`). Large ones stream by chunks with bounded
memory (:func:`sweep_chunks`, :func:`sweep_record_batches`, :func:`sweep_to_parquet`), or reduce
in Rust to a small answer (``reduce=``: a Pareto front, the best per group, the top k) without
materializing the rows. ``chipmodel.dask.sweep`` runs the same grid over a Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import numpy as np
import numpy.typing as npt

from chipmodel._errors import config_error
from chipmodel._chipmodel import (
    Assumptions,
    Catalog,
    Chip,
    EngineProfile,
    Fleet,
    Model,
    Reduction,
    SweepGrid,
    _monte_carlo_draws,
)

if TYPE_CHECKING:
    from chipmodel.inputs import WorkloadDict
    import pyarrow

IntArg = Union[int, Sequence[int], npt.NDArray[np.integer[Any]]]
StrArg = Union[str, Sequence[str]]
ReduceArg = Union[Reduction, str, None]
Progress = Callable[[str, int, int], object]
Columns = dict[str, npt.NDArray[Any]]

_NAMES = ("_models", "_chips", "_weight_dtypes", "_kv_dtypes", "_modes", "_bounds")
_CODED = {
    "model_index": ("model", "_models"),
    "chip_index": ("chip", "_chips"),
    "weight_dtype_index": ("weight_dtype", "_weight_dtypes"),
    "kv_dtype_index": ("kv_dtype", "_kv_dtypes"),
    "mode_index": ("mode", "_modes"),
    "bound_index": ("bound", "_bounds"),
}


def _decode(raw: dict[str, Any]) -> Columns:
    """Raw grid columns (codes and name lists) as user columns (names as numpy strings)."""
    names = {k: np.asarray(raw.pop(k)) for k in _NAMES}
    out: Columns = {}
    for key, value in raw.items():
        if key in _CODED:
            column, table = _CODED[key]
            out[column] = names[table][value]
        else:
            out[key] = value
    return out


def _concat(parts: list[Columns]) -> Columns:
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def reduction(reduce: ReduceArg) -> Reduction | None:
    """A ``Reduction`` from ``"pareto"``, ``"best"`` or ``"top"`` (their defaults), a
    ``Reduction`` as is, or None."""
    if reduce is None or isinstance(reduce, Reduction):
        return reduce
    makers: dict[str, Callable[[], Reduction]] = {
        "pareto": Reduction.pareto,
        "best": Reduction.best,
        "top": Reduction.top,
    }
    if reduce not in makers:
        raise config_error("reduce", reduce, "must be a Reduction, 'pareto', 'best', 'top' or None")
    return makers[reduce]()


def _blocks(n: int, size: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def _quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""


def run_grid(
    grid: SweepGrid, *, reduce: ReduceArg = None, threads: int = 0, progress: Progress | None = None
) -> Columns:
    """Evaluates ``grid`` (all rows, or the rows ``reduce`` selects) into decoded columns.

    With ``progress`` (and always for more than 10^8 configurations, so that Ctrl-C stops it
    between blocks), the grid runs in about a hundred blocks, each still in parallel in Rust, and
    ``progress("sweep", done, total)`` is called after each; the answer is the same.
    """
    n = len(grid)
    r = reduction(reduce)
    if progress is None and n > 100_000_000:
        progress = _quiet  # blocks, so that Ctrl-C stops a long run between them
    if progress is None:
        if r is None:
            return _decode(grid.evaluate(threads=threads))
        return _decode(grid.evaluate_indices(grid.reduce(r, threads=threads), threads=threads))
    size = max(65_536, -(-n // 100))
    progress("sweep", 0, n)
    if r is None:
        parts = []
        for lo, hi in _blocks(n, size):
            parts.append(_decode(grid.evaluate(lo, hi, threads=threads)))
            progress("sweep", hi, n)
        return _concat(parts) if parts else _decode(grid.evaluate(threads=threads))
    found = []
    for lo, hi in _blocks(n, size):
        found.append(grid.reduce(r, lo, hi, threads=threads))
        progress("sweep", hi, n)
    merged = grid.reduce_indices(np.concatenate(found) if found else np.zeros(0, np.uint64), r)
    return _decode(grid.evaluate_indices(merged, threads=threads))


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
    reduce: ReduceArg = None,
    usd_per_chip_hour: float | Sequence[float] | dict[str, float] | None = None,
    progress: Progress | None = None,
    engine: str | EngineProfile | None = None,
    catalog: Catalog | None = None,
) -> Columns:
    """Estimate every combination of the arguments (each a value or a list) and return columns.

    The grid is the cartesian product, the last argument varying fastest. The Rust core runs it
    on ``threads`` threads (0 = all cores) with the interpreter released; the result does not
    depend on the thread count. Columns are numpy arrays of equal length, units in their names;
    configurations that are invalid (a ``tp`` that does not divide, a precision the chip lacks)
    have ``valid == False`` and NaN outputs. ``index`` is each row's position in the grid.

    ``reduce`` (a :class:`Reduction`, or ``"pareto"``, ``"best"``, ``"top"``) keeps only the rows
    it selects, computed in Rust without materializing the grid: 10^8 configurations reduce in
    seconds in a few MB. ``usd_per_chip_hour`` (one price, a list in chip order, or a dict by
    chip) fills ``usd_per_million_tokens``. ``progress(stage, done, total)`` is called as blocks
    finish (for a progress bar). ``engine`` (an id or an :class:`EngineProfile`) runs every
    configuration as that engine would (``estimate_inference(engine=...)``): its KV admission and
    its schedule; a batch over its cap is an invalid row. Names are looked up in ``catalog``
    (default: the embedded one).

        >>> cols = sweep_inference("llama-3.1-8b", ["h100", "h200"], batch=[1, 64])
        >>> [str(c) for c in cols["chip"]], [int(b) for b in cols["batch"]]
        (['h100-sxm', 'h100-sxm', 'h200-sxm', 'h200-sxm'], [1, 64, 1, 64])
        >>> bool(cols["tpot_s"][2] < cols["tpot_s"][0])   # more bandwidth, faster decode
        True
        >>> front = sweep_inference("llama-3.1-70b", ["h100", "h200"], n_chips=[4, 8],
        ...                         batch=[1, 8, 64, 256], reduce="pareto")
        >>> bool(len(front["index"]) < 16 and front["fits"].all())
        True
    """
    grid = SweepGrid(
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
        usd_per_chip_hour=usd_per_chip_hour,
        engine=engine,
        catalog=catalog,
    )
    return run_grid(grid, reduce=reduce, threads=threads, progress=progress)


def sweep_chunks(
    grid: SweepGrid, chunk_size: int = 1_000_000, threads: int = 0, progress: Progress | None = None
) -> Iterator[Columns]:
    """Yields ``grid``'s rows in grid order, ``chunk_size`` at a time, as decoded numpy columns:
    memory stays bounded by one chunk whatever the grid's size.

    ```pycon
    >>> import chipmodel
    >>> grid = chipmodel.SweepGrid("llama-3.1-8b", ["h100", "h200"], batch=list(range(1, 11)))
    >>> [len(c["index"]) for c in sweep_chunks(grid, chunk_size=8)]
    [8, 8, 4]

    ```
    """
    if chunk_size < 1:
        raise config_error("chunk_size", chunk_size, "must be at least 1")
    n = len(grid)
    for lo, hi in _blocks(n, chunk_size):
        yield _decode(grid.evaluate(lo, hi, threads=threads))
        if progress is not None:
            progress("sweep", hi, n)


def sweep_record_batches(
    grid: SweepGrid, chunk_size: int = 1_000_000, threads: int = 0, progress: Progress | None = None
) -> Iterator[pyarrow.RecordBatch]:
    """Yields ``grid``'s rows as Arrow record batches (pyarrow, optional), ``chunk_size`` rows
    each; names (model, chip, precisions, mode, bound) are dictionary-encoded."""
    from chipmodel._frames import _optional

    pa = _optional("pyarrow")
    n = len(grid)
    for lo, hi in _blocks(n, chunk_size):
        raw = grid.evaluate(lo, hi, threads=threads)
        names = {k: pa.array(raw.pop(k), pa.string()) for k in _NAMES}
        arrays: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _CODED:
                column, table = _CODED[key]
                arrays[column] = pa.DictionaryArray.from_arrays(pa.array(value, pa.int32()), names[table])
            else:
                arrays[key] = pa.array(value)
        yield pa.RecordBatch.from_pydict(arrays)
        if progress is not None:
            progress("sweep", hi, n)


def sweep_to_parquet(
    grid: SweepGrid,
    path: str | Path,
    chunk_size: int = 1_000_000,
    threads: int = 0,
    progress: Progress | None = None,
) -> int:
    """Writes every row of ``grid`` to a Parquet file at ``path`` (pyarrow, optional), one row
    group per chunk, with memory bounded by one chunk; returns the number of rows. The file is
    written to a temporary name and renamed, so an interrupted run leaves no partial file.

    >>> import chipmodel, tempfile, pathlib
    >>> grid = chipmodel.SweepGrid("llama-3.1-8b", "h100", batch=[1, 2, 4])
    >>> sweep_to_parquet(grid, pathlib.Path(tempfile.mkdtemp()) / "s.parquet")
    3
    """
    from chipmodel._frames import _optional

    _optional("pyarrow")
    import pyarrow.parquet as pq

    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    rows = 0
    writer = None
    try:
        for batch in sweep_record_batches(grid, chunk_size, threads, progress):
            if writer is None:
                writer = pq.ParquetWriter(tmp, batch.schema)
            writer.write_batch(batch)
            rows += batch.num_rows
    except BaseException:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
        raise
    if writer is None:  # an empty grid: still a valid (empty) file
        return 0
    writer.close()
    tmp.replace(path)
    return rows


def monte_carlo_chunks(
    fleet: Fleet,
    samples: int,
    *,
    seed: int = 0,
    chunk_size: int = 100_000,
    assumptions: Assumptions | None = None,
    workload: str | WorkloadDict | None = None,
    threads: int = 0,
) -> Iterator[Columns]:
    """Yields a fleet Monte Carlo's draws ``chunk_size`` at a time (``{output: numpy array}``),
    with memory bounded by one chunk: for runs beyond ``monte_carlo``'s 1,000,000 samples, or to
    write draws to disk. Draw ``i`` comes from its own stream of the generator seeded with
    ``seed``, so the draws equal ``monte_carlo(...)["draws"]`` for the same seed, whatever the
    chunking or thread count.

    ```pycon
    >>> import chipmodel, numpy as np
    >>> fleet = chipmodel.Fleet([("h200", 1000, "cn")])
    >>> parts = list(monte_carlo_chunks(fleet, 300, seed=1, chunk_size=128))
    >>> [len(p["usd_per_gpu_hour"]) for p in parts]
    [128, 128, 44]
    >>> whole = chipmodel.monte_carlo(fleet, samples=300, seed=1)["draws"]["usd_per_gpu_hour"]
    >>> bool(np.array_equal(np.concatenate([p["usd_per_gpu_hour"] for p in parts]), whole))
    True

    ```
    """
    if chunk_size < 1:
        raise config_error("chunk_size", chunk_size, "must be at least 1")
    for lo, hi in _blocks(samples, chunk_size):
        yield _monte_carlo_draws(fleet, assumptions, workload, seed=seed, start=lo, stop=hi, threads=threads)
