//! Python values into the core's input schemas. A dict given for a fleet group, a workload, a
//! supply or a demand is turned into the TOML value a scenario file would hold and read by the
//! same reader (`Group::from_value`, `Workload::from_value`, …), so Python and TOML accept and
//! reject exactly the same things, with the same field paths and messages.
//!
//! The conversion: `None` values of dict keys are left out (TOML has no null: a key set to
//! `None` means "not given"); `bool`, `int` (anything with `__index__`), `float`, `str`, dicts
//! with string keys, lists and tuples map to their TOML kinds; a `datetime.date`,
//! `datetime.datetime` or `pandas.Timestamp` is its calendar day `YYYY-MM-DD` (a time of day is
//! dropped). Anything else is an `ArgumentTypeError` naming the field.

use chipmodel::catalog::schema::FieldError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use toml::Value;

use crate::errors::{PyChipModelError, type_err};

/// Nesting past this is refused (no input schema is deeper than 4).
const MAX_DEPTH: usize = 32;

/// `x` as a TOML value; `field` names it in errors.
pub(crate) fn to_toml(x: &Bound<'_, PyAny>, field: &str) -> PyResult<Value> {
    convert(x, field, 0)
}

fn convert(x: &Bound<'_, PyAny>, field: &str, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(type_err(
            field,
            format!("{field}: nested more than {MAX_DEPTH} deep"),
        ));
    }
    if x.is_instance_of::<PyBool>() {
        return Ok(Value::Boolean(x.extract()?));
    }
    if x.is_instance_of::<PyString>() {
        return Ok(Value::String(x.extract()?));
    }
    if x.is_instance_of::<PyFloat>() {
        return Ok(Value::Float(x.extract()?));
    }
    if x.is_instance_of::<PyInt>() || x.hasattr("__index__")? {
        return match x.extract::<i64>() {
            Ok(i) => Ok(Value::Integer(i)),
            Err(_) => Ok(Value::Float(x.extract::<f64>()?)),
        };
    }
    if let Ok(d) = x.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, v) in d.iter() {
            let Ok(key) = k.extract::<String>() else {
                return Err(type_err(
                    field,
                    format!("{field}: keys must be strings, got {}", k.repr()?),
                ));
            };
            if !v.is_none() {
                let at = chipmodel::catalog::schema::join(field, &key);
                t.insert(key, convert(&v, &at, depth + 1)?);
            }
        }
        return Ok(Value::Table(t));
    }
    if x.is_instance_of::<PyList>() || x.is_instance_of::<PyTuple>() {
        let items = x
            .try_iter()?
            .enumerate()
            .map(|(i, v)| convert(&v?, &format!("{field}[{i}]"), depth + 1))
            .collect::<PyResult<_>>()?;
        return Ok(Value::Array(items));
    }
    if ["year", "month", "day", "isoformat"]
        .iter()
        .all(|a| x.hasattr(*a).unwrap_or(false))
    {
        let (y, m, d): (i32, u32, u32) = (
            x.getattr("year")?.extract()?,
            x.getattr("month")?.extract()?,
            x.getattr("day")?.extract()?,
        );
        return Ok(Value::String(format!("{y:04}-{m:02}-{d:02}")));
    }
    if x.hasattr("__float__")? {
        return Ok(Value::Float(x.extract::<f64>()?));
    }
    let ty = x.get_type().name()?;
    Err(type_err(
        field,
        format!("{field}: cannot read a {ty} ({})", x.repr()?),
    ))
}

/// A schema error under `prefix`: a wrong type (`invalid type: ...`) is an `ArgumentTypeError`
/// (a `TypeError`), anything else a `ConfigError`, each with `field` (and `value`).
pub(crate) fn field_error(e: FieldError, prefix: &str) -> PyErr {
    let e = e.under(prefix);
    if e.message.starts_with("invalid type:") {
        return type_err(&e.field, format!("{}: {}", e.field, e.message));
    }
    PyChipModelError::from(chipmodel::fleet::FleetError::Invalid {
        field: e.field,
        value: e.value,
        message: e.message,
    })
    .into()
}

/// Reads `x` (a dict) with `read`, errors under `prefix`.
pub(crate) fn read<T>(
    x: &Bound<'_, PyAny>,
    prefix: &str,
    read: impl FnOnce(Value) -> Result<T, FieldError>,
) -> PyResult<T> {
    read(to_toml(x, prefix)?).map_err(|e| field_error(e, prefix))
}
