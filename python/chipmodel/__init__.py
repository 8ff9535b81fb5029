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

# Only the public API is bound here under a public name (``dir(chipmodel)``): helpers are imported
# under a leading underscore, and the package namespace is checked by tests/test_namespace.py.
from __future__ import annotations as _annotations

import os as _os

from chipmodel import _chipmodel
from chipmodel._chipmodel import (
    DEFAULT_DATE,
    NOT_LEGAL_ADVICE,
    Assumptions,
    CalibrationFit,
    Catalog,
    Chip,
    Classification,
    Comparison,
    Fleet,
    FleetReport,
    InferenceEstimate,
    Model,
    Reduction,
    RuleSet,
    Scenario,
    SweepGrid,
    TrainingEstimate,
    __version__,
    best_inference,
    calibrate,
    calibration,
    classify,
    diffusion_caps,
    equivalent_fleet,
    estimate_inference,
    EngineProfile,
    engine,
    engines,
    estimate_training,
    export_shock,
    flips,
    headroom,
    load_scenario,
    model,
    models,
    monte_carlo,
    plan_hybrid,
    rule_set,
    rule_sets,
    run_scenario,
    scenarios,
    schedule,
    sensitivity,
    timeline,
)
from chipmodel.exceptions import (
    ArgumentTypeError,
    CatalogError,
    CatalogFileError,
    ChipModelError,
    ConfigError,
    InfeasibleError,
    UnknownChipError,
    UnknownModelError,
    UnknownPrecisionError,
    UnknownRulesError,
    UnsupportedPrecisionError,
)
from chipmodel._frames import breakdown_frame, catalog_frame, comparison_frame, sweep_frame
from chipmodel._compliance import compliance_frame, load_rules
from chipmodel._sweep import monte_carlo_chunks, sweep_chunks, sweep_inference, sweep_record_batches, sweep_to_parquet
from chipmodel import _scenario

__all__ = [
    # catalog
    "Catalog",
    "Chip",
    "Comparison",
    "catalog",
    "catalog_frame",
    "chip",
    "chips",
    "compare",
    "comparison_frame",
    "load_catalog",
    # performance
    "CalibrationFit",
    "InferenceEstimate",
    "Model",
    "TrainingEstimate",
    "best_inference",
    "breakdown_frame",
    "calibrate",
    "calibration",
    "estimate_inference",
    "EngineProfile",
    "engine",
    "engines",
    "estimate_training",
    "model",
    "models",
    # compliance
    "DEFAULT_DATE",
    "NOT_LEGAL_ADVICE",
    "Classification",
    "RuleSet",
    "classify",
    "compliance_frame",
    "diffusion_caps",
    "flips",
    "headroom",
    "load_rules",
    "rule_set",
    "rule_sets",
    "timeline",
    # fleet
    "Assumptions",
    "Fleet",
    "FleetReport",
    "equivalent_fleet",
    "export_shock",
    "monte_carlo",
    "monte_carlo_chunks",
    "plan_hybrid",
    "schedule",
    "sensitivity",
    # scenarios
    "Scenario",
    "load_scenario",
    "run_scenario",
    "scenarios",
    # sweeps
    "Reduction",
    "SweepGrid",
    "sweep_chunks",
    "sweep_frame",
    "sweep_inference",
    "sweep_record_batches",
    "sweep_to_parquet",
    # errors (also in chipmodel.exceptions)
    "ArgumentTypeError",
    "CatalogError",
    "CatalogFileError",
    "ChipModelError",
    "ConfigError",
    "InfeasibleError",
    "UnknownChipError",
    "UnknownModelError",
    "UnknownPrecisionError",
    "UnknownRulesError",
    "UnsupportedPrecisionError",
    # version
    "__version__",
]


def catalog() -> Catalog:
    """The catalog shipped with chipmodel.

    >>> len(catalog()) >= 30
    True
    """
    return _chipmodel.embedded_catalog()


def chips() -> list[Chip]:
    """Every chip in the embedded catalog.

    >>> any(c.id == "h20" for c in chips())
    True
    """
    return _chipmodel.embedded_catalog().chips()


def chip(name: str) -> Chip:
    """The chip with this id, alias or name, in any case.

    Raises ``UnknownChipError`` (a ``ChipModelError`` and a ``KeyError``) whose message suggests
    the closest ids.

    >>> chip("a100").id
    'a100-sxm'
    """
    return _chipmodel.embedded_catalog().chip(name)


def compare(a: str | Chip, b: str | Chip) -> Comparison:
    """Two chips side by side, with the ratio first / second for each metric.

    >>> cmp = compare("h200", "h100")
    >>> round(cmp.ratio("memory_capacity_bytes"), 2)
    1.76
    """
    return _chipmodel.embedded_catalog().compare(a, b)


def load_catalog(path: str | _os.PathLike[str], embedded: bool = True) -> Catalog:
    """Load a catalog file over the embedded catalog (new chips, ``[[override]]`` entries and
    ``[[model]]`` entries), or with ``embedded=False`` on its own (only the file's sources, chips
    and models, e.g. one written by ``Catalog.save``).

    Pass the result as ``catalog=`` to any function that takes chip or model names (estimates,
    sweeps, training, classification, fleets, plans, scenarios): a chip or model defined only in
    the file then works everywhere an embedded one does.

    Any invalid entry raises ``CatalogError`` naming the file, the entry and the field, and
    nothing from the file is loaded.
    """
    return _chipmodel.load_catalog(_os.fspath(path), embedded)
