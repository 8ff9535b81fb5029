"""Errors raised from chipmodel's Python helpers: the same classes as the Rust core's, with the
same attributes, so callers catch one hierarchy (``ChipModelError``)."""

from __future__ import annotations

from chipmodel._chipmodel import ConfigError


def config_error(field: str, value: object, message: str) -> ConfigError:
    """A ``ConfigError`` for argument ``field`` (a ``ValueError`` too), worded like the core's:
    ``invalid configuration: field = value: message``."""
    err = ConfigError(f"invalid configuration: {field} = {value!r}: {message}")
    err.field = field
    err.value = repr(value)
    return err
