"""The errors chipmodel raises, in one module (each is also importable from ``chipmodel``).

Every error is a ``ChipModelError``, and also the built-in exception that fits, so idiomatic
``except`` clauses work too. The message names the field, the file, the entry and the value; the
attributes say the same for programs.

| class | also a | raised when | attributes |
|---|---|---|---|
| `ChipModelError` | `Exception` | base class of every error below | |
| `ArgumentTypeError` | `TypeError` | an argument has the wrong Python type | `field` |
| `CatalogError` | `ValueError` | a data file (catalog, model, rules or scenario) is invalid | `file`, `item` (chip, model, scenario, …), `entry` (its id), `field`, `chip` (the id where the entry is a chip) |
| `CatalogFileError` | `OSError` | a data file could not be read | `file` |
| `ConfigError` | `ValueError` | an argument is out of range or inconsistent with another | `field`, `value` |
| `InfeasibleError` | `ConfigError` | no hybrid plan meets every demand within the caps | `field`, `value` |
| `UnknownChipError` | `KeyError` | a chip name matched no id, alias or name | `name`, `suggestions` |
| `UnknownModelError` | `KeyError` | a model name matched no id, alias or name | `name`, `suggestions` |
| `UnknownPrecisionError` | `ValueError` | a precision name chipmodel does not know | `name` |
| `UnknownRulesError` | `KeyError` | a rule-set id matched nothing | `name`, `suggestions` |
| `UnsupportedPrecisionError` | `ValueError` | the chip has no rate for the precision asked for | `chip`, `precision`, `field` |

A bug in chipmodel's Rust core surfaces as PyO3's ``pyo3_runtime.PanicException`` (a
``BaseException``, deliberately not a ``ChipModelError``); none is known.

```pycon
>>> import chipmodel
>>> try:
...     chipmodel.chip("h2000")
... except chipmodel.exceptions.UnknownChipError as err:
...     print(isinstance(err, KeyError), err.name, err.suggestions[0])
True h2000 h200-sxm

```
"""

from chipmodel._chipmodel import (
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

__all__ = [
    "ChipModelError",
    "ArgumentTypeError",
    "CatalogError",
    "CatalogFileError",
    "ConfigError",
    "InfeasibleError",
    "UnknownChipError",
    "UnknownModelError",
    "UnknownPrecisionError",
    "UnknownRulesError",
    "UnsupportedPrecisionError",
]
