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
"""

from __future__ import annotations

from chipmodel._chipmodel import (
    Catalog,
    CatalogError,
    CatalogFileError,
    Chip,
    ChipModelError,
    Comparison,
    UnknownChipError,
    UnknownPrecisionError,
    __version__,
    embedded_catalog,
)
from chipmodel._chipmodel import load_catalog as _load_catalog
from chipmodel._frames import catalog_frame, comparison_frame

import os

__all__ = [
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


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Load a catalog file over the embedded catalog (new chips and ``[[override]]`` entries).

    Any invalid entry raises ``CatalogError`` naming the file, the chip and the field, and nothing
    from the file is loaded.
    """
    return _load_catalog(os.fspath(path))
