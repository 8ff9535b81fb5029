"""Every bad-input case of the catalog, from Python: the right ChipModelError subclass, a message
naming the file, the chip and the field, and nothing half-loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import chipmodel
from conftest import GOOD_CHIP

# (case, what to replace in GOOD_CHIP, replacement, field in the error, message fragment)
CASES = [
    ("unknown field", "tdp = {", 'tdpp = { value = 1, unit = "W", source = "lab" }\ntdp = {', "tdpp", "unknown field 'tdpp'"),
    ("missing required field", 'tdp = { value = 500, unit = "W", source = "lab" }\n', "", "tdp", "missing required field"),
    ("negative", 'value = 500, unit = "W"', 'value = -500, unit = "W"', "tdp.value", "must be positive, got -500"),
    ("zero", 'value = 500, unit = "W"', 'value = 0, unit = "W"', "tdp.value", "must be positive, got 0"),
    ("nan", 'value = 500, unit = "W"', 'value = nan, unit = "W"', "tdp.value", "must be a finite number, got NaN"),
    ("infinite", 'value = 500, unit = "W"', 'value = inf, unit = "W"', "tdp.value", "must be a finite number, got inf"),
    ("unit missing", 'value = 4, unit = "TB/s",', "value = 4,", "memory_bandwidth.unit", "missing unit"),
    ("wrong unit", 'value = 4, unit = "TB/s",', 'value = 4, unit = "TB",', "memory_bandwidth.unit", "'TB' is not a bandwidth unit"),
    ("sparse below dense", "sparse = 1000", "sparse = 250", "dense.bf16.sparse", "smaller than the dense value"),
    ("no source", 'unit = "W", source = "lab"', 'unit = "W"', "tdp.source", "every value needs a source key"),
    ("unknown source", 'unit = "W", source = "lab"', 'unit = "W", source = "nope"', "tdp.source", "unknown source key 'nope'"),
    ("wrong type", 'value = 500, unit = "W"', 'value = "500", unit = "W"', "tdp.value", "expected a number"),
    ("unknown precision", "fp8 = {", "fp12 = {", "dense.fp12", "unknown precision 'fp12'"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "old", "new", "field", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_value_names_file_chip_and_field(
    write_catalog: Callable[[str], Path], case: str, old: str, new: str, field: str, fragment: str
) -> None:
    assert old in GOOD_CHIP
    path = write_catalog(GOOD_CHIP.replace(old, new, 1))
    with pytest.raises(chipmodel.CatalogError) as info:
        chipmodel.load_catalog(path)
    err = info.value
    assert isinstance(err, chipmodel.ChipModelError) and isinstance(err, ValueError)
    message = str(err)
    assert str(path) in message and "acme-a1" in message and f"field '{field}'" in message, message
    assert fragment in message, message
    assert err.file == str(path) and err.chip == "acme-a1" and err.field == field
    assert (err.item, err.entry) == ("chip", "acme-a1")


def test_a_bad_entry_that_is_not_a_chip_is_named_as_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[scenario]\nid = "x"\ntitle = "X"\n[[group]]\nchip = "h200"\ncount = -8\n', encoding="utf-8")
    with pytest.raises(chipmodel.CatalogError) as info:
        chipmodel.load_scenario(path)
    err = info.value
    assert (err.item, err.entry, err.chip) == ("scenario", "x", None)
    assert err.field is not None and err.field.startswith("group")


def test_duplicate_ids(write_catalog: Callable[[str], Path]) -> None:
    with pytest.raises(chipmodel.CatalogError, match="duplicate chip id 'acme-a1'"):
        chipmodel.load_catalog(write_catalog(GOOD_CHIP + GOOD_CHIP))
    with pytest.raises(chipmodel.CatalogError, match=r"duplicate chip id 'h100-sxm' \(already defined in nvidia.toml"):
        chipmodel.load_catalog(write_catalog(GOOD_CHIP.replace('id = "acme-a1"', 'id = "h100-sxm"')))


def test_one_bad_entry_loads_nothing(write_catalog: Callable[[str], Path]) -> None:
    bad = GOOD_CHIP.replace("acme-a1", "acme-a2").replace('value = 500, unit = "W"', 'value = -1, unit = "W"')
    with pytest.raises(chipmodel.CatalogError, match="acme-a2"):
        chipmodel.load_catalog(write_catalog(GOOD_CHIP + bad))
    assert "acme-a1" not in chipmodel.catalog()


def test_unknown_chip_is_a_keyerror_with_suggestions() -> None:
    with pytest.raises(chipmodel.UnknownChipError) as info:
        chipmodel.chip("mi300")
    err = info.value
    assert isinstance(err, KeyError) and isinstance(err, chipmodel.ChipModelError)
    assert "mi300x" in err.suggestions
    assert "did you mean 'mi300x'" in err.args[0]
    with pytest.raises(KeyError):
        chipmodel.catalog()["h300"]


def test_unknown_precision_is_a_valueerror() -> None:
    with pytest.raises(chipmodel.UnknownPrecisionError, match="unknown precision 'fp12'") as info:
        chipmodel.chip("h100").dense_flops_per_s("fp12")
    assert isinstance(info.value, ValueError)


def test_missing_file_and_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(chipmodel.CatalogFileError, match="cannot read data file") as info:
        chipmodel.load_catalog(tmp_path / "nope.toml")
    assert isinstance(info.value, OSError)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[chip]\nid = 1", encoding="utf-8")
    with pytest.raises(chipmodel.CatalogError, match="invalid TOML"):
        chipmodel.load_catalog(broken)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(chipmodel.ChipModelError):
        chipmodel.load_catalog(binary)


def test_wrong_python_types_raise_typeerror_not_crash() -> None:
    with pytest.raises(TypeError):
        chipmodel.compare(3, "h100")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chipmodel.chip(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chipmodel.chip("h100").dense_flops_per_s(16)  # type: ignore[arg-type]
