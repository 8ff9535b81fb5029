"""Frames of chipmodel results: pandas by default, polars with ``library="polars"``.

Both libraries are optional and imported only when a frame is asked for. Every view is built in
one place, :func:`_make`, from the columns the Rust core hands over (numpy arrays for numbers, no
per-row Python loop); units are in the column names. A polars frame has no index: the pandas index is its first column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

from chipmodel._errors import config_error

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas

    from chipmodel._chipmodel import Assumptions, Catalog, Comparison, FleetReport, InferenceEstimate


Library = Literal["pandas", "polars"]


def _optional(name: str, extra: str | None = None) -> Any:
    """Imports an optional dependency (a module, or a submodule such as ``dask.dataframe``), or
    says how to install it: ``pip install 'chipmodel[extra]'`` (``extra`` defaults to the
    package's name)."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        package = extra or name.split(".")[0]
        raise ImportError(
            f"this needs {name}, an optional dependency of chipmodel: pip install 'chipmodel[{package}]'"
        ) from exc


def _polars() -> Any:
    return _optional("polars")


def _pandas() -> Any:
    return _optional("pandas")


def _make(data: Any, index: str | None, library: str) -> Any:
    """A frame from columns (a dict of numpy arrays or lists)."""
    if library == "polars":
        frame = _polars().DataFrame(data, strict=False)
        if index is not None:  # the pandas index, as the first column
            frame = frame.select([index, *(c for c in frame.columns if c != index)])
        return frame
    if library != "pandas":
        raise config_error("library", library, "must be 'pandas' or 'polars'")
    frame = _pandas().DataFrame(data)
    return frame.set_index(index) if index is not None else frame


def catalog_frame(catalog: Catalog | None = None, library: Library = "pandas") -> pandas.DataFrame:
    """Every chip of ``catalog`` (default: the embedded one) and its derived metrics.

    One row per chip, indexed by id; units are in the column names; NaN where a value is unknown.

    >>> df = catalog_frame()
    >>> round(df.loc["h100-sxm", "tpp"])
    15832
    """
    if catalog is None:
        from chipmodel._chipmodel import embedded_catalog

        catalog = embedded_catalog()
    return cast("pandas.DataFrame", _make(catalog.columns(), "id", library))


def comparison_frame(comparison: Comparison, library: Library = "pandas") -> pandas.DataFrame:
    """A comparison as a frame: one row per metric, SI values of both chips and the ratio.

    >>> import chipmodel
    >>> df = comparison_frame(chipmodel.compare("h200", "h100"))
    >>> round(float(df.loc["memory_bandwidth_bytes_per_s", "ratio"]), 2)
    1.43
    """
    return cast("pandas.DataFrame", _make(comparison.columns(), "metric", library))


def breakdown_frame(estimate: InferenceEstimate, library: Library = "pandas") -> pandas.DataFrame:
    """An estimate's per-phase, per-operator breakdown: one row per operator, per chip, summed
    over layers (``time_s``, ``flops``, ``bytes``, ``comm_bytes``, ``bound``).

    >>> import chipmodel
    >>> df = breakdown_frame(chipmodel.estimate_inference("llama-2-7b", "h100"))
    >>> sorted(df["phase"].unique())
    ['decode', 'prefill', 'steady']
    """
    return cast("pandas.DataFrame", _make(estimate.breakdown_columns(), None, library))


def sweep_frame(columns: dict[str, npt.NDArray[Any]], library: Library = "pandas") -> pandas.DataFrame:
    """A ``sweep_inference`` result as a frame (columns as given, no copy of the numbers).

    >>> import chipmodel
    >>> df = sweep_frame(chipmodel.sweep_inference("llama-3.1-8b", "h100", batch=[1, 8]))
    >>> len(df)
    2
    """
    if library == "pandas":
        return cast("pandas.DataFrame", _pandas().DataFrame(columns, copy=False))
    return cast("pandas.DataFrame", _make(columns, None, library))


def assumptions_frame(assumptions: Assumptions, library: Library = "pandas") -> pandas.DataFrame:
    """Every assumption with its range, unit, source and flags, indexed by name.

    >>> import chipmodel
    >>> df = chipmodel.Assumptions().to_frame()
    >>> float(df.loc["wacc", "value"]), bool(df.loc["wacc", "assumption"])
    (0.07, True)
    """
    return cast("pandas.DataFrame", _make(assumptions.columns(), "name", library))


def fleet_frame(report: FleetReport, library: Library = "pandas") -> pandas.DataFrame:
    """One row per group plus a ``total`` row: counts, capex, MW, GWh, TCO, $/GPU-hour, tokens.

    >>> import chipmodel
    >>> df = chipmodel.Fleet([("h200", 1000, "cn")]).tco().to_frame()
    >>> float(df.loc["total", "facility_mw"])
    1.75
    """
    return cast("pandas.DataFrame", _make(report.columns(), "group", library))
