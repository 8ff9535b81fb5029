"""Python helpers for the export-control classifier: custom rule sets and a frame of chips."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from chipmodel._chipmodel import (
    NOT_LEGAL_ADVICE,
    Catalog,
    Chip,
    RuleSet,
    _compliance_columns,
    _read_data_file,
    _rules_from_json,
    _rules_from_toml,
)

if TYPE_CHECKING:
    import pandas


def load_rules(source: str | os.PathLike[str] | Mapping[str, Any]) -> RuleSet:
    """A custom rule set from a TOML file or a dict with the same keys as the rule files.

    It may ``extends`` an embedded version and replace what it lists — a what-if.

    >>> what_if = load_rules({"id": "tpp-3000", "extends": "us-2023-10", "name": "4,800 at 3,000",
    ...     "paragraph": [{"eccn": "3A090.a", "clause": [{"id": "3A090.a.1", "citation": "what-if",
    ...         "criteria": [{"metric": "tpp", "op": ">=", "value": 3000}]}]}]})
    >>> what_if.id, what_if.effective
    ('tpp-3000', '2023-11-17')
    """
    if isinstance(source, Mapping):
        return _rules_from_json(json.dumps(source), name=str(source.get("id", "rules")))
    path = Path(os.fspath(source))
    return _rules_from_toml(_read_data_file(path), name=str(path))


def compliance_frame(
    chips: Iterable[str | Chip] | None = None,
    destination: str = "CN",
    date: str | datetime.date | None = None,
    rules: str | RuleSet | None = None,
    library: Literal["pandas", "polars"] = "pandas",
    catalog: Catalog | None = None,
) -> pandas.DataFrame:
    """One row per chip: TPP, performance density, DRAM bandwidth and the classification on
    ``date`` (default ``DEFAULT_DATE``); chips (default: every chip) are looked up in ``catalog``
    (default: the embedded one).

    ``frame.attrs["disclaimer"]`` carries the not-legal-advice line.

    >>> df = compliance_frame(["h200", "h20", "b200"], date="2026-02-01")
    >>> list(df["review_policy"])
    ['case-by-case', 'case-by-case', 'presumption-of-denial']
    """
    from chipmodel._frames import _make

    columns = _compliance_columns(
        None if chips is None else list(chips), destination, date, rules, catalog=catalog
    )
    frame = _make(columns, "chip", library)
    if library == "pandas":
        frame.attrs["disclaimer"] = NOT_LEGAL_ADVICE
    return cast("pandas.DataFrame", frame)
