//! Maps chipmodel's Rust errors to a Python exception hierarchy rooted at `ChipModelError`.
//!
//! The classes need two bases (`UnknownChipError` is both a `ChipModelError` and a `KeyError`),
//! which `create_exception!` cannot express, so they are made with `type(name, bases, ns)` once
//! per interpreter and kept in `PyOnceLock`s.

use chipmodel::{CatalogError, ComplianceError, Error, FleetError, PerfError};
use pyo3::exceptions::{PyException, PyKeyError, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// Wraps a chipmodel error so it can become a `PyErr` (the orphan rule forbids a direct `From`).
pub struct PyChipModelError(pub Error);

/// Every crate error reaches Python through the facade's flattening (`chipmodel::Error`'s
/// `From` impls): the binding maps kinds, not crate paths.
macro_rules! from_crate_error {
    ($($t:ty),*) => {$(
        impl From<$t> for PyChipModelError {
            fn from(e: $t) -> Self {
                PyChipModelError(e.into())
            }
        }
    )*};
}
from_crate_error!(CatalogError, ComplianceError, FleetError, PerfError);

/// One lazily created exception class.
type ExceptionCell = PyOnceLock<Py<PyType>>;

static BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_CHIP: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_PRECISION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CATALOG: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CATALOG_FILE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_MODEL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CONFIG: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INFEASIBLE: ExceptionCell = PyOnceLock::new();
static UNSUPPORTED_PRECISION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_RULES: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ARGUMENT_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Name, bases, docstring and cell of each class, base class first.
// Stays whole: one entry per exception class, base class first.
fn classes<'py>(py: Python<'py>) -> PyResult<Vec<(&'static str, &'static ExceptionCell)>> {
    let make = |name: &str, bases: Bound<'py, PyTuple>, doc: &str| -> PyResult<Py<PyType>> {
        let ns = PyDict::new(py);
        ns.set_item("__doc__", doc)?;
        ns.set_item("__module__", "chipmodel")?;
        let t = py.get_type::<PyType>().call1((name, bases, ns))?;
        Ok(t.cast_into::<PyType>()?.unbind())
    };
    let base = BASE
        .get_or_try_init(py, || {
            make(
                "ChipModelError",
                PyTuple::new(py, [py.get_type::<PyException>()])?,
                "Base class of every error chipmodel raises.",
            )
        })?
        .bind(py)
        .clone();
    let with = |other: Bound<'py, PyType>| PyTuple::new(py, [base.clone(), other]);
    UNKNOWN_CHIP.get_or_try_init(py, || {
        make("UnknownChipError", with(py.get_type::<PyKeyError>())?, "A chip name matched no id, alias or name; the message suggests the closest ids (attribute `suggestions`).")
    })?;
    UNKNOWN_PRECISION.get_or_try_init(py, || {
        make(
            "UnknownPrecisionError",
            with(py.get_type::<PyValueError>())?,
            "A precision name chipmodel does not know.",
        )
    })?;
    CATALOG.get_or_try_init(py, || {
        make(
            "CatalogError",
            with(py.get_type::<PyValueError>())?,
            "A data file (catalog, model, rules or scenario) is invalid: attributes `file`, `item` (the kind of entry: `chip`, `model`, `scenario`, ...), `entry` (its id), `field`, and `chip` (the id where the entry is a chip, else None) say where.",
        )
    })?;
    UNKNOWN_MODEL.get_or_try_init(py, || {
        make("UnknownModelError", with(py.get_type::<PyKeyError>())?, "A model name matched no id, alias or name; the message suggests the closest ids (attribute `suggestions`).")
    })?;
    let config = CONFIG.get_or_try_init(py, || {
        make("ConfigError", with(py.get_type::<PyValueError>())?, "An argument is out of range or inconsistent with another: attributes `field` and `value` say which.")
    })?.bind(py).clone();
    INFEASIBLE.get_or_try_init(py, || {
        make("InfeasibleError", PyTuple::new(py, [config])?, "No plan meets every demand within the supply caps, the power cap and the budget (a ``ConfigError``: attributes `field` and `value` name the demands).")
    })?;
    UNSUPPORTED_PRECISION.get_or_try_init(py, || {
        make("UnsupportedPrecisionError", with(py.get_type::<PyValueError>())?, "The chip has no rate for the precision asked for (attributes `chip`, `precision`, `field`).")
    })?;
    UNKNOWN_RULES.get_or_try_init(py, || {
        make(
            "UnknownRulesError",
            with(py.get_type::<PyKeyError>())?,
            "A rule-set id matched nothing; the message suggests the closest ids.",
        )
    })?;
    CATALOG_FILE.get_or_try_init(py, || {
        make(
            "CatalogFileError",
            with(py.get_type::<PyOSError>())?,
            "A data file (catalog or scenario) could not be read.",
        )
    })?;
    ARGUMENT_TYPE.get_or_try_init(py, || {
        make(
            "ArgumentTypeError",
            with(py.get_type::<PyTypeError>())?,
            "An argument has the wrong Python type (a float where a whole number is needed, a number where a name is): attribute `field` names it.",
        )
    })?;
    Ok(vec![
        ("ChipModelError", &BASE),
        ("ArgumentTypeError", &ARGUMENT_TYPE),
        ("UnknownChipError", &UNKNOWN_CHIP),
        ("UnknownPrecisionError", &UNKNOWN_PRECISION),
        ("CatalogError", &CATALOG),
        ("CatalogFileError", &CATALOG_FILE),
        ("UnknownModelError", &UNKNOWN_MODEL),
        ("ConfigError", &CONFIG),
        ("InfeasibleError", &INFEASIBLE),
        ("UnsupportedPrecisionError", &UNSUPPORTED_PRECISION),
        ("UnknownRulesError", &UNKNOWN_RULES),
    ])
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for (name, cell) in classes(m.py())? {
        if let Some(t) = cell.get(m.py()) {
            m.add(name, t.clone_ref(m.py()))?;
        }
    }
    Ok(())
}

fn raise(
    py: Python<'_>,
    cell: &PyOnceLock<Py<PyType>>,
    message: String,
    attrs: &[(&str, Py<PyAny>)],
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        classes(py)?;
        let ty = cell
            .get(py)
            .ok_or_else(|| PyException::new_err("chipmodel exception classes not initialised"))?;
        let inst = ty.bind(py).call1((message.clone(),))?;
        for (k, v) in attrs {
            inst.setattr(*k, v.bind(py))?;
        }
        Ok(PyErr::from_value(inst))
    };
    build().unwrap_or_else(|e| e)
}

/// [`argument_type_error`] where no interpreter token is at hand.
pub(crate) fn type_err(field: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| argument_type_error(py, field, message))
}

/// An `ArgumentTypeError` (a `ChipModelError` and a `TypeError`) for argument `field`.
pub(crate) fn argument_type_error(py: Python<'_>, field: &str, message: String) -> PyErr {
    let f = field
        .into_pyobject(py)
        .map(|o| o.into_any().unbind())
        .unwrap_or_else(|_| py.None());
    raise(py, &ARGUMENT_TYPE, message, &[("field", f)])
}

impl From<PyChipModelError> for PyErr {
    // Stays whole: one match arm per error kind, mapping it to its Python class and attributes.
    fn from(e: PyChipModelError) -> PyErr {
        Python::attach(|py| {
            let message = e.0.to_string();
            let none = || py.None();
            let s = |x: &str| -> Py<PyAny> {
                x.into_pyobject(py)
                    .map(|o| o.into_any().unbind())
                    .unwrap_or_else(|_| py.None())
            };
            // A list of suggested names, for the `suggestions` attribute.
            let names = |v: &Vec<String>| -> Py<PyAny> {
                v.clone()
                    .into_pyobject(py)
                    .map(|o| o.into_any().unbind())
                    .unwrap_or_else(|_| py.None())
            };
            // A data-file error's attributes: the file, the entry (its kind and id; `chip` only
            // where the entry is a chip) and the field.
            let data_file = |file: &str, entry: Option<(&str, &str)>, field: Option<&str>| {
                let (item, id) = entry.unzip();
                let chip = entry
                    .filter(|(item, _)| matches!(*item, "chip" | "override"))
                    .map(|(_, id)| id);
                let opt = |x: Option<&str>| x.map_or_else(none, s);
                [
                    ("file", s(file)),
                    ("item", opt(item)),
                    ("entry", opt(id)),
                    ("chip", opt(chip)),
                    ("field", opt(field)),
                ]
            };
            match &e.0 {
                Error::Catalog(CatalogError::UnknownChip { name, suggestions }) => {
                    let list = names(suggestions);
                    raise(
                        py,
                        &UNKNOWN_CHIP,
                        message,
                        &[("name", s(name)), ("suggestions", list)],
                    )
                }
                Error::Catalog(CatalogError::UnknownPrecision { name, .. }) => {
                    raise(py, &UNKNOWN_PRECISION, message, &[("name", s(name))])
                }
                Error::Catalog(CatalogError::Io { path, .. })
                | Error::Fleet(FleetError::Io { path, .. }) => {
                    raise(py, &CATALOG_FILE, message, &[("file", s(path))])
                }
                Error::Catalog(CatalogError::Invalid {
                    file,
                    item,
                    id,
                    field,
                    ..
                }) => {
                    let entry = Some((*item, id.as_str()));
                    raise(py, &CATALOG, message, &data_file(file, entry, Some(field)))
                }
                Error::Catalog(CatalogError::Duplicate { file, what, id, .. }) => {
                    let item = what.split(' ').next().unwrap_or(what);
                    let entry = Some((item, id.as_str()));
                    raise(py, &CATALOG, message, &data_file(file, entry, Some("id")))
                }
                Error::Catalog(CatalogError::Syntax { file, .. }) => {
                    raise(py, &CATALOG, message, &data_file(file, None, None))
                }
                Error::Perf(PerfError::UnknownModel { name, suggestions }) => {
                    let list = names(suggestions);
                    raise(
                        py,
                        &UNKNOWN_MODEL,
                        message,
                        &[("name", s(name)), ("suggestions", list)],
                    )
                }
                Error::Perf(PerfError::InvalidConfig { field, value, .. }) => raise(
                    py,
                    &CONFIG,
                    message,
                    &[("field", s(field)), ("value", s(value))],
                ),
                Error::Perf(PerfError::HfConfig { key, .. }) => raise(
                    py,
                    &CONFIG,
                    message,
                    &[("field", s(key)), ("value", none())],
                ),
                Error::Perf(PerfError::Calibration(_)) => raise(
                    py,
                    &CONFIG,
                    message,
                    &[("field", s("measurements")), ("value", none())],
                ),
                Error::Perf(PerfError::UnsupportedPrecision {
                    chip,
                    precision,
                    field,
                    ..
                }) => raise(
                    py,
                    &UNSUPPORTED_PRECISION,
                    message,
                    &[
                        ("chip", s(chip)),
                        ("precision", s(precision)),
                        ("field", s(field)),
                    ],
                ),
                Error::Compliance(ComplianceError::UnknownRules { name, suggestions }) => {
                    let list = names(suggestions);
                    raise(
                        py,
                        &UNKNOWN_RULES,
                        message,
                        &[("name", s(name)), ("suggestions", list)],
                    )
                }
                Error::Compliance(ComplianceError::UnknownDestination { code }) => raise(
                    py,
                    &CONFIG,
                    message,
                    &[("field", s("destination")), ("value", s(code))],
                ),
                Error::Compliance(ComplianceError::Invalid { field, value, .. }) => raise(
                    py,
                    &CONFIG,
                    message,
                    &[("field", s(field)), ("value", s(value))],
                ),
                Error::Fleet(FleetError::UnknownAssumption { name, suggestions }) => {
                    let list = names(suggestions);
                    raise(
                        py,
                        &CONFIG,
                        message,
                        &[("field", s(name)), ("value", none()), ("suggestions", list)],
                    )
                }
                Error::Fleet(FleetError::Infeasible { field, value, .. }) => raise(
                    py,
                    &INFEASIBLE,
                    message,
                    &[("field", s(field)), ("value", s(value))],
                ),
                Error::Fleet(FleetError::Invalid { field, value, .. }) => raise(
                    py,
                    &CONFIG,
                    message,
                    &[("field", s(field)), ("value", s(value))],
                ),
                _ => raise(py, &BASE, message, &[]),
            }
        })
    }
}
