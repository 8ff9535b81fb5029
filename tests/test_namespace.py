"""The package namespace is the public API: ``dir(chipmodel)`` shows ``__all__``, the documented
public modules and underscore names only, and ``chipmodel.exceptions`` holds every error class."""

from __future__ import annotations

import types

import chipmodel
import chipmodel._chipmodel
import chipmodel.cli
import chipmodel.dask
import chipmodel.exceptions
import chipmodel.plot

# Public modules, documented in docs/api.md; bound on the package once imported, not in __all__.
PUBLIC_MODULES = {"cli", "dask", "exceptions", "inputs", "plot", "results"}


def test_dir_shows_only_the_public_api() -> None:
    leaked = [n for n in dir(chipmodel) if not n.startswith("_") and n not in chipmodel.__all__]
    assert sorted(set(leaked) - PUBLIC_MODULES) == [], "import these under a leading underscore"
    for name in PUBLIC_MODULES:
        assert isinstance(getattr(chipmodel, name), types.ModuleType), name


def test_all_has_no_duplicates_and_every_entry_exists() -> None:
    assert len(chipmodel.__all__) == len(set(chipmodel.__all__))
    assert [n for n in chipmodel.__all__ if not hasattr(chipmodel, n)] == []
    assert not PUBLIC_MODULES & set(chipmodel.__all__)


def test_aliases_of_the_native_module_are_gone() -> None:
    # catalog() and load_catalog() are the API; the native names they call are not re-exported
    for name in ("embedded_catalog", "_load_catalog", "os", "annotations"):
        assert not hasattr(chipmodel, name), name


def test_exceptions_module_holds_every_error_class() -> None:
    native = {
        n for n, obj in vars(chipmodel._chipmodel).items()
        if not n.startswith("_") and isinstance(obj, type) and issubclass(obj, BaseException)
    }  # fmt: skip
    names = chipmodel.exceptions.__all__
    assert len(names) == len(set(names)) and set(names) == native
    doc = chipmodel.exceptions.__doc__ or ""
    for name in names:
        cls = getattr(chipmodel.exceptions, name)
        assert cls is getattr(chipmodel, name) is getattr(chipmodel._chipmodel, name), name
        assert issubclass(cls, chipmodel.exceptions.ChipModelError), name
        assert name in chipmodel.__all__, name
        assert f"`{name}`" in doc, f"the hierarchy in chipmodel.exceptions' docstring lacks {name}"
    public = [n for n in dir(chipmodel.exceptions) if not n.startswith("_")]
    assert sorted(public) == sorted(names)
