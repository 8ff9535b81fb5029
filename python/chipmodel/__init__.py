"""chipmodel: reason about AI accelerators with numbers.

A sourced catalog of accelerators with derived metrics (TPP, performance density, ridge point).
Every value carries a source and an estimate flag; every number is SI with its unit in the name.

>>> import chipmodel
>>> h200 = chipmodel.chip("H200")
>>> h200.id
'h200-sxm'
>>> round(h200.tpp)
15832
>>> round(chipmodel.compare("h200", "h100").ratio("memory_bandwidth_bytes_per_s"), 2)
1.43
>>> est = chipmodel.estimate_inference("llama-2-70b", "h200", n_chips=2, batch=16)
>>> est.fits, est.bound
(True, 'memory')
"""

from __future__ import annotations

from chipmodel._chipmodel import (
    NOT_LEGAL_ADVICE,
    Assumptions,
    Fleet,
    FleetReport,
    Scenario,
    equivalent_fleet,
    export_shock,
    schedule,
    plan_hybrid,
    load_scenario,
    run_scenario,
    scenarios,
    monte_carlo,
    sensitivity,
    CalibrationFit,
    Classification,
    RuleSet,
    UnknownRulesError,
    classify,
    diffusion_caps,
    flips,
    headroom,
    rule_set,
    rule_sets,
    timeline,
    Catalog,
    CatalogError,
    CatalogFileError,
    Chip,
    ChipModelError,
    Comparison,
    ArgumentTypeError,
    ConfigError,
    InferenceEstimate,
    Model,
    Reduction,
    SweepGrid,
    TrainingEstimate,
    UnknownChipError,
    UnknownModelError,
    UnknownPrecisionError,
    UnsupportedPrecisionError,
    __version__,
    best_inference,
    calibrate,
    calibration,
    embedded_catalog,
    estimate_inference,
    estimate_training,
    model,
    models,
)
from chipmodel._chipmodel import load_catalog as _load_catalog
from chipmodel._frames import breakdown_frame, catalog_frame, comparison_frame, sweep_frame
from chipmodel._compliance import compliance_frame, load_rules
from chipmodel._sweep import monte_carlo_chunks, sweep_chunks, sweep_inference, sweep_record_batches, sweep_to_parquet
from chipmodel import _scenario

import os

__all__ = [
    "NOT_LEGAL_ADVICE",
    "Assumptions",
    "Fleet",
    "FleetReport",
    "Scenario",
    "load_scenario",
    "run_scenario",
    "scenarios",
    "equivalent_fleet",
    "export_shock",
    "schedule",
    "plan_hybrid",
    "monte_carlo",
    "monte_carlo_chunks",
    "sensitivity",
    "Classification",
    "RuleSet",
    "UnknownRulesError",
    "classify",
    "compliance_frame",
    "diffusion_caps",
    "flips",
    "headroom",
    "load_rules",
    "rule_set",
    "rule_sets",
    "timeline",
    "CalibrationFit",
    "ArgumentTypeError",
    "ConfigError",
    "InferenceEstimate",
    "Model",
    "TrainingEstimate",
    "UnknownModelError",
    "UnsupportedPrecisionError",
    "best_inference",
    "breakdown_frame",
    "calibrate",
    "calibration",
    "estimate_inference",
    "estimate_training",
    "model",
    "models",
    "sweep_frame",
    "sweep_inference",
    "SweepGrid",
    "Reduction",
    "sweep_chunks",
    "sweep_record_batches",
    "sweep_to_parquet",
    "Catalog",
    "CatalogError",
    "CatalogFileError",
    "Chip",
    "ChipModelError",
    "Comparison",
    "UnknownChipError",
    "UnknownPrecisionError",
    "__version__",
    "catalog",
    "catalog_frame",
    "chip",
    "chips",
    "compare",
    "comparison_frame",
    "load_catalog",
]


def catalog() -> Catalog:
    """The catalog shipped with chipmodel.

    >>> len(catalog()) >= 30
    True
    """
    return embedded_catalog()


def chips() -> list[Chip]:
    """Every chip in the embedded catalog.

    >>> any(c.id == "h20" for c in chips())
    True
    """
    return embedded_catalog().chips()


def chip(name: str) -> Chip:
    """The chip with this id, alias or name, in any case.

    Raises ``UnknownChipError`` (a ``ChipModelError`` and a ``KeyError``) whose message suggests
    the closest ids.

    >>> chip("a100").id
    'a100-sxm'
    """
    return embedded_catalog().chip(name)


def compare(a: str | Chip, b: str | Chip) -> Comparison:
    """Two chips side by side, with the ratio first / second for each metric.

    >>> cmp = compare("h200", "h100")
    >>> round(cmp.ratio("memory_capacity_bytes"), 2)
    1.76
    """
    return embedded_catalog().compare(a, b)


def load_catalog(path: str | os.PathLike[str], embedded: bool = True) -> Catalog:
    """Load a catalog file over the embedded catalog (new chips and ``[[override]]`` entries), or
    with ``embedded=False`` on its own (only the file's sources and chips, e.g. one written by
    ``Catalog.save``).

    Any invalid entry raises ``CatalogError`` naming the file, the chip and the field, and nothing
    from the file is loaded.
    """
    return _load_catalog(os.fspath(path), embedded)
