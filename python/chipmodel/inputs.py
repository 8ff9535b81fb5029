"""The shapes of the dicts chipmodel's fleet, planning and calibration functions take, as
``TypedDict`` classes for type checkers and editors.

Each is read by the same schema as the matching table of a scenario file (``[[group]]``,
``[workload]``, ``[[hybrid.supply]]``, ``[[hybrid.demand]]``), so a dict and its TOML accept and
reject the same things: an unknown key is an error naming it, a value of the wrong type an
``ArgumentTypeError``, a value out of range a ``ConfigError``. A key set to ``None`` counts as not
given. Dates are ``YYYY-MM-DD`` strings or ``datetime.date`` / ``pandas.Timestamp`` values.

```pycon
>>> import chipmodel
>>> from chipmodel.inputs import GroupDict, WorkloadDict
>>> group: GroupDict = {"chip": "h200", "count": 1000, "site": "cn", "date": "2026-02-01"}
>>> workload: WorkloadDict = {"model": "llama-3.1-70b", "output_tokens": 512}
>>> chipmodel.Fleet([group]).tco(workload=workload).total["tokens_per_day"] > 0
True

```
"""

from __future__ import annotations

import datetime
from typing import Required, TypedDict

__all__ = ["DemandDict", "GroupDict", "MeasurementDict", "SupplyDict", "WorkloadDict"]


class GroupDict(TypedDict, total=False):
    """A fleet group (a scenario's ``[[group]]``): ``count`` chips of ``chip`` at ``site``."""

    chip: Required[str]
    count: Required[float]
    site: str
    owner: str
    date: str | datetime.date
    deliveries: dict[str, float]


class WorkloadDict(TypedDict, total=False):
    """What a fleet serves (a scenario's ``[workload]``)."""

    model: Required[str]
    input_tokens: int
    output_tokens: int
    weight_dtype: str
    ttft_slo_s: float | None
    tpot_slo_s: float | None
    max_batch: int | None
    engine: str | dict[str, str] | None


class SupplyDict(TypedDict, total=False):
    """A chip that can be bought for a hybrid plan (a scenario's ``[[hybrid.supply]]``)."""

    chip: Required[str]
    site: str
    max_count: float | None


class DemandDict(WorkloadDict, total=False):
    """A workload and the output tokens per day it needs (a scenario's ``[[hybrid.demand]]``)."""

    tokens_per_day: Required[float]
    allowed_chips: list[str] | None


class MeasurementDict(TypedDict, total=False):
    """A measured point for ``calibrate``: the configuration, the metric and its value."""

    model: Required[str]
    chip: Required[str]
    metric: Required[str]
    value: Required[float]
    n_chips: int
    tp: int
    pp: int
    ep: int
    batch: int
    input_tokens: int
    output_tokens: int
    weight_dtype: str
    kv_dtype: str
    act_dtype: str
