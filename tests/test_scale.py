"""Sweeps at scale: reductions, chunks, Arrow/Parquet, thread-count independence, pickling, and
the same grid on a Dask LocalCluster with two worker processes."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chipmodel
from chipmodel import _sweep

GRID_ARGS: dict[str, Any] = dict(
    n_chips=[1, 2, 4, 8],
    pp=[1, 2],
    batch=[1, 4, 16, 64, 256],
    input_tokens=[512, 4096],
    output_tokens=[128, 1024],
    weight_dtype=["bf16", "fp8"],
    usd_per_chip_hour={"h100": 2.0, "h200": 2.5, "mi300x": 1.8, "a100": 1.1},
)
MODELS = ["llama-3.1-8b", "llama-3.1-70b", "mixtral-8x7b"]
CHIPS = ["h100", "h200", "mi300x", "a100"]


@pytest.fixture(scope="module")
def grid() -> chipmodel.SweepGrid:
    return chipmodel.SweepGrid(MODELS, CHIPS, **GRID_ARGS)


@pytest.fixture(scope="module")
def full() -> dict[str, Any]:
    return chipmodel.sweep_inference(MODELS, CHIPS, **GRID_ARGS)


def same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert list(a) == list(b)
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        if x.dtype.kind == "f":
            assert np.array_equal(x.view(np.uint64), y.view(np.uint64)), k  # bit-identical, NaN too
        else:
            assert np.array_equal(x, y), k


def test_grid_size_columns_and_prices(grid: chipmodel.SweepGrid, full: dict[str, Any]) -> None:
    assert len(grid) == grid.size == 3 * 4 * 4 * 2 * 5 * 2 * 2 * 2 == 3840
    assert grid.chips == ["h100-sxm", "h200-sxm", "mi300x", "a100-sxm"]
    assert list(full["index"]) == list(range(3840))
    ok = full["valid"]
    per_chip = full["throughput_tokens_per_s"][ok] / full["n_chips"][ok]
    assert np.allclose(full["throughput_per_chip_tokens_per_s"][ok], per_chip, rtol=1e-15)
    price = np.where(full["chip"] == "a100-sxm", 1.1, 0)[ok]
    usd = full["n_chips"][ok] * price / (full["throughput_tokens_per_s"][ok] * 3600) * 1e6
    a100 = full["chip"][ok] == "a100-sxm"
    assert np.allclose(full["usd_per_million_tokens"][ok][a100], usd[a100], rtol=1e-15)


def test_results_do_not_depend_on_threads_or_blocks(full: dict[str, Any]) -> None:
    same(full, chipmodel.sweep_inference(MODELS, CHIPS, threads=1, **GRID_ARGS))
    same(full, chipmodel.sweep_inference(MODELS, CHIPS, threads=2, **GRID_ARGS))
    ticks: list[int] = []
    same(full, chipmodel.sweep_inference(MODELS, CHIPS, progress=lambda s, d, t: ticks.append(d), **GRID_ARGS))
    assert ticks[0] == 0 and ticks[-1] == 3840
    for reduce in ("pareto", "best", "top"):
        one = chipmodel.sweep_inference(MODELS, CHIPS, threads=1, reduce=reduce, **GRID_ARGS)
        same(one, chipmodel.sweep_inference(MODELS, CHIPS, threads=2, reduce=reduce, **GRID_ARGS))
        same(one, chipmodel.sweep_inference(MODELS, CHIPS, reduce=reduce, progress=lambda *a: None, **GRID_ARGS))


def _admitted(full: dict[str, Any], max_tpot_s: float | None = None) -> np.ndarray[Any, Any]:
    ok = full["valid"] & full["fits"] & (full["throughput_tokens_per_s"] > 0)
    if max_tpot_s is not None:
        ok &= full["tpot_s"] <= max_tpot_s
    return np.flatnonzero(ok)


def test_pareto_front_is_the_brute_force_front(full: dict[str, Any]) -> None:
    r = chipmodel.Reduction.pareto(["throughput_per_chip_tokens_per_s", "tpot_s", "usd_per_million_tokens"], max_tpot_s=0.05)
    front = chipmodel.sweep_inference(MODELS, CHIPS, reduce=r, **GRID_ARGS)
    ok = _admitted(full, 0.05)
    cost = np.stack([-full["throughput_per_chip_tokens_per_s"][ok], full["tpot_s"][ok], full["usd_per_million_tokens"][ok]], axis=1)
    keep = []
    for i in range(len(ok)):
        no_worse = (cost <= cost[i]).all(axis=1)
        better = (cost < cost[i]).any(axis=1) | (np.arange(len(ok)) < i)
        beaten = no_worse & better
        beaten[i] = False
        if not beaten.any():
            keep.append(ok[i])
    assert list(front["index"]) == keep
    assert 5 <= len(keep) < 200
    assert (front["tpot_s"] <= 0.05).all() and front["fits"].all()


def test_best_per_group_and_top_k(full: dict[str, Any]) -> None:
    best = chipmodel.sweep_inference(MODELS, CHIPS, reduce=chipmodel.Reduction.best("throughput_per_chip_tokens_per_s", ["model", "chip"]), **GRID_ARGS)
    assert len(best["index"]) == 12
    ok = _admitted(full)
    for m, c, tput in zip(best["model"], best["chip"], best["throughput_per_chip_tokens_per_s"], strict=True):
        rows = ok[(full["model"][ok] == m) & (full["chip"][ok] == c)]
        assert tput == full["throughput_per_chip_tokens_per_s"][rows].max()
    top = chipmodel.sweep_inference(MODELS, CHIPS, reduce=chipmodel.Reduction.top(7, "usd_per_million_tokens"), **GRID_ARGS)
    order = ok[np.lexsort((ok, full["usd_per_million_tokens"][ok]))][:7]
    assert list(top["index"]) == list(order)
    assert (np.diff(top["usd_per_million_tokens"]) >= 0).all()


def test_chunks_arrow_and_parquet_give_the_full_sweep(grid: chipmodel.SweepGrid, full: dict[str, Any], tmp_path: Path) -> None:
    chunks = list(chipmodel.sweep_chunks(grid, chunk_size=1000))
    assert [len(c["index"]) for c in chunks] == [1000, 1000, 1000, 840]
    same(full, _sweep._concat(chunks))
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    batches = list(chipmodel.sweep_record_batches(grid, chunk_size=1500))
    assert [b.num_rows for b in batches] == [1500, 1500, 840]
    table = pa.Table.from_batches(batches)
    assert pa.types.is_dictionary(table.schema.field("chip").type)
    assert table.column("chip").to_pylist() == list(full["chip"])
    path = tmp_path / "sweep.parquet"
    assert chipmodel.sweep_to_parquet(grid, path, chunk_size=1000) == 3840
    back = pq.read_table(path)
    assert back.num_rows == 3840 and pq.ParquetFile(path).num_row_groups == 4
    assert np.array_equal(back.column("tpot_s").to_numpy(), full["tpot_s"], equal_nan=True)
    assert back.column("model").to_pylist() == list(full["model"])
    assert not (tmp_path / "sweep.parquet.partial").exists()


def test_an_interrupted_parquet_write_leaves_no_file(grid: chipmodel.SweepGrid, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")

    class Stop(Exception):
        pass

    def stop(stage: str, done: int, total: int) -> None:
        if done >= 2000:
            raise Stop

    with pytest.raises(Stop):
        chipmodel.sweep_to_parquet(grid, tmp_path / "s.parquet", chunk_size=1000, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_grids_and_reductions_pickle(grid: chipmodel.SweepGrid) -> None:
    back = pickle.loads(pickle.dumps(grid))
    assert len(back) == len(grid) and back.usd_per_chip_hour == grid.usd_per_chip_hour
    same(_sweep._decode(grid.evaluate(100, 200)), _sweep._decode(back.evaluate(100, 200)))
    r = chipmodel.Reduction.best("tpot_s", ["chip", "batch"], max_ttft_s=2.0)
    assert repr(pickle.loads(pickle.dumps(r))) == repr(r) == "Reduction.best('tpot_s', by=['chip', 'batch'], max_ttft_s=2.0)"


def test_bad_sweep_arguments_are_clear_errors(grid: chipmodel.SweepGrid) -> None:
    with pytest.raises(chipmodel.ConfigError, match="reduce = .fastest.: must be a Reduction"):
        chipmodel.sweep_inference("llama-3.1-8b", "h100", reduce="fastest")
    with pytest.raises(chipmodel.ConfigError, match="objective = 'tpot'.*tpot_s"):
        chipmodel.Reduction.pareto(["tpot"])
    with pytest.raises(chipmodel.ConfigError, match="by = 'chips'.*n_chips"):
        chipmodel.Reduction.best(by=["chips"])
    with pytest.raises(chipmodel.ConfigError, match="k = 0"):
        chipmodel.Reduction.top(0)
    with pytest.raises(chipmodel.ConfigError, match="max_tpot_s"):
        chipmodel.Reduction.top(3, max_tpot_s=-1)
    with pytest.raises(chipmodel.ConfigError, match="usd_per_chip_hour = 'b200'"):
        chipmodel.SweepGrid("llama-3.1-8b", "h100", usd_per_chip_hour={"b200": 3.0})
    with pytest.raises(chipmodel.ConfigError, match=r"usd_per_chip_hour\[h100-sxm\]"):
        chipmodel.SweepGrid("llama-3.1-8b", "h100", usd_per_chip_hour=-1.0)
    with pytest.raises(chipmodel.ConfigError, match="range = 10..5"):
        grid.evaluate(10, 5)
    with pytest.raises(chipmodel.ConfigError, match="indices = 99999"):
        grid.evaluate_indices([99999])
    with pytest.raises(chipmodel.ConfigError, match="chunk_size = 0"):
        next(chipmodel.sweep_chunks(grid, chunk_size=0))


@pytest.fixture(scope="module")
def dask_client() -> Any:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_sweep_matches_the_local_sweep(grid: chipmodel.SweepGrid, full: dict[str, Any], dask_client: Any) -> None:
    import chipmodel.dask

    same(full, chipmodel.dask.sweep(grid, client=dask_client, partitions=5))
    for reduce in ("pareto", chipmodel.Reduction.top(9, "usd_per_million_tokens"), chipmodel.Reduction.best()):
        local = chipmodel.sweep_inference(MODELS, CHIPS, reduce=reduce, **GRID_ARGS)
        same(local, chipmodel.dask.sweep(grid, reduce=reduce, client=dask_client, partitions=7))
    # the two workers really did the work (each ran tasks in its own process)
    assert len(dask_client.scheduler_info()["workers"]) == 2


def test_dask_dataframe_of_a_grid(grid: chipmodel.SweepGrid, full: dict[str, Any], dask_client: Any) -> None:
    import chipmodel.dask

    df = chipmodel.dask.sweep_dataframe(grid, partitions=4)
    assert df.npartitions == 4
    out = df.compute()
    assert len(out) == 3840 and list(out["index"]) == list(range(3840))
    assert np.array_equal(out["tpot_s"].to_numpy(), full["tpot_s"], equal_nan=True)
