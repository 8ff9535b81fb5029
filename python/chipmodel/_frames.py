"""pandas views of chipmodel results (pandas is optional, imported only when asked for)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas

    from chipmodel._chipmodel import Assumptions, Catalog, Comparison, FleetReport, InferenceEstimate


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - exercised in a test by hiding pandas
        raise ImportError(
            "this needs pandas, an optional dependency of chipmodel: pip install 'chipmodel[pandas]'"
        ) from exc
    return pandas


def catalog_frame(catalog: Catalog | None = None) -> pandas.DataFrame:
    """Every chip of ``catalog`` (default: the embedded one) and its derived metrics.

    One row per chip, indexed by id; units are in the column names; NaN where a value is unknown.

    >>> df = catalog_frame()
    >>> round(df.loc["h100-sxm", "tpp"])
    15832
    """
    pd = _pandas()
    if catalog is None:
        from chipmodel._chipmodel import embedded_catalog

        catalog = embedded_catalog()
    return cast("pandas.DataFrame", pd.DataFrame(catalog.columns()).set_index("id"))


def comparison_frame(comparison: Comparison) -> pandas.DataFrame:
    """A comparison as a frame: one row per metric, SI values of both chips and the ratio.

    >>> import chipmodel
    >>> df = comparison_frame(chipmodel.compare("h200", "h100"))
    >>> round(float(df.loc["memory_bandwidth_bytes_per_s", "ratio"]), 2)
    1.43
    """
    pd = _pandas()
    rows = comparison.rows
    frame = pd.DataFrame(
        {
            "label": [r["label"] for r in rows],
            comparison.a: [r["a"] for r in rows],
            comparison.b: [r["b"] for r in rows],
            "ratio": [r["ratio"] for r in rows],
            "estimate": [r["estimate"] for r in rows],
        },
        index=pd.Index([r["metric"] for r in rows], name="metric"),
    )
    return cast("pandas.DataFrame", frame)


def breakdown_frame(estimate: InferenceEstimate) -> pandas.DataFrame:
    """An estimate's per-phase, per-operator breakdown: one row per operator, per chip, summed
    over layers (``time_s``, ``flops``, ``bytes``, ``comm_bytes``, ``bound``).

    >>> import chipmodel
    >>> df = breakdown_frame(chipmodel.estimate_inference("llama-2-7b", "h100"))
    >>> sorted(df["phase"].unique())
    ['decode', 'prefill', 'steady']
    """
    pd = _pandas()
    return cast("pandas.DataFrame", pd.DataFrame(estimate.breakdown()))


def sweep_frame(columns: dict[str, npt.NDArray[Any]]) -> pandas.DataFrame:
    """A ``sweep_inference`` result as a frame (columns as given, no copy of the numbers).

    >>> import chipmodel
    >>> df = sweep_frame(chipmodel.sweep_inference("llama-3.1-8b", "h100", batch=[1, 8]))
    >>> len(df)
    2
    """
    pd = _pandas()
    return cast("pandas.DataFrame", pd.DataFrame(columns, copy=False))


def assumptions_frame(assumptions: Assumptions) -> pandas.DataFrame:
    """Every assumption with its range, unit, source and flags, indexed by name.

    >>> import chipmodel
    >>> df = chipmodel.Assumptions().to_frame()
    >>> float(df.loc["wacc", "value"]), bool(df.loc["wacc", "assumption"])
    (0.07, True)
    """
    pd = _pandas()
    d = assumptions.to_dict()
    frame = pd.DataFrame.from_dict(d["values"], orient="index")
    frame.index.name = "name"
    return cast("pandas.DataFrame", frame.drop(columns=["name"]))


def fleet_frame(report: FleetReport) -> pandas.DataFrame:
    """One row per group plus a ``total`` row: counts, capex, MW, GWh, TCO, $/GPU-hour, tokens.

    >>> import chipmodel
    >>> df = chipmodel.Fleet([("h200", 1000, "cn")]).tco().to_frame()
    >>> float(df.loc["total", "facility_mw"])
    1.75
    """
    pd = _pandas()

    def flat(f: dict[str, Any]) -> dict[str, Any]:
        row = {k: v for k, v in f.items() if not isinstance(v, dict)}
        row.update({f"capex_{k}_usd": v for k, v in f["capex"].items()})
        row.update({f"opex_{k}_usd_per_year": v for k, v in f["opex"].items()})
        return row

    rows = {}
    for i, g in enumerate(report.groups):
        rows[f"{i}: {g['group']['count']:.0f} x {g['chip']} @ {g['group']['site']}"] = flat(g["figures"])
    rows["total"] = flat(report.total)
    return cast("pandas.DataFrame", pd.DataFrame.from_dict(rows, orient="index"))
