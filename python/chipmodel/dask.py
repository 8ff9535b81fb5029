"""Sweeps on a Dask cluster (``dask.distributed``, an optional dependency).

:func:`sweep` splits a :class:`~chipmodel.SweepGrid`'s index range into partitions, evaluates
(or reduces) each on a worker, and gathers exactly what the local sweep returns: the same rows
in the same order, or the same reduced answer (a reduction of the parts' answers is the
reduction of the whole). :func:`sweep_dataframe` gives the grid as a lazy Dask DataFrame, one
partition per range, for grids too large for one machine's memory.

    from distributed import Client
    import chipmodel, chipmodel.dask

    client = Client("tcp://scheduler:8786")          # or LocalCluster() on one machine
    grid = chipmodel.SweepGrid(["llama-3.1-70b", "deepseek-v3"], ["h100", "h200", "h20"],
                               n_chips=[1, 2, 4, 8, 16], batch=list(range(1, 513)))
    front = chipmodel.dask.sweep(grid, reduce="pareto", client=client)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from chipmodel._errors import config_error
from chipmodel._chipmodel import SweepGrid
from chipmodel._frames import _optional
from chipmodel._sweep import Columns, ReduceArg, _blocks, _concat, _decode, reduction

if TYPE_CHECKING:
    import numpy.typing as npt

    from chipmodel._chipmodel import Reduction

__all__ = ["sweep", "sweep_dataframe"]


def _evaluate_part(grid: SweepGrid, lo: int, hi: int, threads: int) -> dict[str, Any]:
    """Runs on a worker: raw columns of configurations ``lo`` to ``hi``."""
    return grid.evaluate(lo, hi, threads=threads)


def _reduce_part(grid: SweepGrid, r: Reduction, lo: int, hi: int, threads: int) -> npt.NDArray[np.uint64]:
    """Runs on a worker: the grid indices ``r`` selects among configurations ``lo`` to ``hi``."""
    return grid.reduce(r, lo, hi, threads=threads)


def _ranges(n: int, partitions: int) -> list[tuple[int, int]]:
    if partitions < 1:
        raise config_error("partitions", partitions, "must be at least 1")
    return _blocks(n, max(1, -(-n // partitions)))


def sweep(
    grid: SweepGrid,
    *,
    reduce: ReduceArg = None,
    client: Any = None,
    partitions: int | None = None,
    threads_per_task: int = 1,
) -> Columns:
    """Evaluates ``grid`` on a Dask cluster and returns the columns the local
    ``chipmodel.sweep_inference`` would (all rows, or those ``reduce`` selects).

    ``client`` is a ``distributed.Client`` (default: the current one); ``partitions`` defaults
    to four per worker; each task uses ``threads_per_task`` threads of its worker. The grid is
    sent to the workers once (scattered), each task gets only its index range.
    """
    distributed = _optional("distributed", "dask")
    client = client if client is not None else distributed.get_client()
    if partitions is None:
        partitions = 4 * max(1, len(client.scheduler_info()["workers"]))
    ranges = _ranges(len(grid), partitions)
    r = reduction(reduce)
    shared = client.scatter(grid, broadcast=True, hash=False)  # a fresh key per call
    if r is None:
        futures = [client.submit(_evaluate_part, shared, lo, hi, threads_per_task, pure=False) for lo, hi in ranges]
        parts = [_decode(raw) for raw in client.gather(futures)]
        return _concat(parts) if parts else _decode(grid.evaluate())
    futures = [client.submit(_reduce_part, shared, r, lo, hi, threads_per_task, pure=False) for lo, hi in ranges]
    found = client.gather(futures)
    candidates = np.concatenate(found) if found else np.zeros(0, np.uint64)
    return _decode(grid.evaluate_indices(grid.reduce_indices(candidates, r)))


def _frame_part(part: tuple[SweepGrid, int, int]) -> Any:
    import pandas as pd

    grid, lo, hi = part
    return pd.DataFrame(_decode(grid.evaluate(lo, hi, threads=1)))


def sweep_dataframe(grid: SweepGrid, partitions: int = 16) -> Any:
    """``grid`` as a lazy ``dask.dataframe.DataFrame``: one partition per index range, each
    evaluated only when computed (on whatever scheduler is active), in grid order.

    >>> import chipmodel, chipmodel.dask
    >>> grid = chipmodel.SweepGrid("llama-3.1-8b", ["h100", "h200"], batch=[1, 8, 64])
    >>> df = chipmodel.dask.sweep_dataframe(grid, partitions=2)
    >>> df.npartitions, len(df.compute())
    (2, 6)
    """
    dd = _optional("dask.dataframe", "dask")
    import pandas as pd

    ranges = _ranges(len(grid), partitions)
    meta = pd.DataFrame(_decode(grid.evaluate(0, 0))).iloc[:0]
    return dd.from_map(_frame_part, [(grid, lo, hi) for lo, hi in ranges], meta=meta, enforce_metadata=False)
