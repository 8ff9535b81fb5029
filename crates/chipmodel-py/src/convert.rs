//! Conversions and helpers every binding module shares: rich display, JSON values to Python,
//! progress callbacks, atomic writes, row records to columns.

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::PyChipModelError;

/// The ``_repr_html_`` of every class: laid out in Python, in one place (``chipmodel._display``).
pub(crate) fn repr_html(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    obj.py()
        .import("chipmodel._display")?
        .call_method1("html", (obj,))?
        .extract()
}

/// A serializable value as plain Python data (dicts, lists, str, int, float, bool, None), built
/// directly from its serde form (no JSON text); a value that cannot be serialized is an error,
/// never a silent `None`.
pub(crate) fn to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    x: T,
) -> PyResult<Bound<'py, PyAny>> {
    json_to_py(py, &to_json(x)?)
}

/// The serde form of `x`, or a `ValueError` saying why it has none.
pub(crate) fn to_json<T: serde::Serialize>(x: T) -> PyResult<serde_json::Value> {
    serde_json::to_value(x).map_err(|e| {
        pyo3::exceptions::PyValueError::new_err(format!("cannot convert a result: {e}"))
    })
}

/// A JSON value as Python data.
pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_bound_py_any(py)?,
            (_, Some(u), _) => u.into_bound_py_any(py)?,
            (_, _, f) => f.unwrap_or(f64::NAN).into_bound_py_any(py)?,
        },
        Value::String(s) => s.into_bound_py_any(py)?,
        Value::Array(items) => {
            let out = PyList::empty(py);
            for x in items {
                out.append(json_to_py(py, x)?)?;
            }
            out.into_any()
        }
        Value::Object(map) => {
            let out = PyDict::new(py);
            for (k, x) in map {
                out.set_item(k, json_to_py(py, x)?)?;
            }
            out.into_any()
        }
    })
}

/// Runs a heavy core call the one way every binding function does: the interpreter released
/// while it runs (other Python threads go on), its error mapped to its `ChipModelError` class,
/// and Ctrl-C honoured (a signal that arrived before or during the call raises
/// `KeyboardInterrupt` when it returns). Calls long enough to need stopping part-way take a
/// progress callback instead ([`with_progress`]).
pub(crate) fn run<T: Send, E: Into<PyChipModelError> + Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, E> + Send,
) -> PyResult<T> {
    py.check_signals()?;
    let result = py.detach(f);
    py.check_signals()?;
    result.map_err(|e| PyErr::from(e.into()))
}

/// Runs `f` with the interpreter released, handing it a progress callback that calls `callback`
/// (when given) with ``(stage, done, total)`` and checks for Ctrl-C; an exception from either
/// stops the run and is raised as it is.
pub(crate) fn with_progress<T: Send>(
    py: Python<'_>,
    callback: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(chipmodel::fleet::Progress<'_>) -> Result<T, chipmodel::FleetError> + Send,
) -> PyResult<T> {
    let cb: Option<Py<PyAny>> = callback
        .filter(|c| !c.is_none())
        .map(|c| c.clone().unbind());
    let mut failed: Option<PyErr> = None;
    let result = py.detach(|| {
        let mut tick = |stage: &str, done: usize, total: usize| -> bool {
            Python::attach(|py| {
                let went = py.check_signals().and_then(|()| match &cb {
                    Some(c) => c.call1(py, (stage, done, total)).map(drop),
                    None => Ok(()),
                });
                went.map_err(|e| failed = Some(e)).is_ok()
            })
        };
        f(&mut tick)
    });
    if let Some(e) = failed {
        return Err(e);
    }
    result.map_err(|e| PyChipModelError::from(e).into())
}

/// Writes `text` to `path` so that a reader (or an interrupted run) sees the old file or the whole
/// new one: a temporary file beside it, flushed, then renamed over it.
pub(crate) fn save_text(py: Python<'_>, path: &std::path::Path, text: &str) -> PyResult<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().to_string());
    let tmp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    py.detach(write).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        PyErr::from(PyChipModelError(chipmodel::Error::Catalog(
            chipmodel::CatalogError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            },
        )))
    })
}

/// Columns from row records (JSON objects with scalar values): a key whose values are all numbers
/// (or null) becomes a float64 numpy array with NaN for null, all booleans a bool array, anything
/// else a list. Keys keep the order they first appear in; a row without a key gives NaN / None.
pub(crate) fn records_to_columns<'py>(
    py: Python<'py>,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> PyResult<Bound<'py, PyDict>> {
    use serde_json::Value;
    let mut keys: Vec<&String> = Vec::new();
    for r in rows {
        for k in r.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let out = PyDict::new(py);
    for k in keys {
        let col: Vec<&Value> = rows
            .iter()
            .map(|r| r.get(k).unwrap_or(&Value::Null))
            .collect();
        if col.iter().all(|v| v.is_number() || v.is_null()) {
            let xs: Vec<f64> = col.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
            out.set_item(k, xs.into_pyarray(py))?;
        } else if col.iter().all(|v| v.is_boolean()) {
            let xs: Vec<bool> = col.iter().map(|v| v.as_bool().unwrap_or(false)).collect();
            out.set_item(k, xs.into_pyarray(py))?;
        } else {
            let items = col
                .iter()
                .map(|v| json_to_py(py, v))
                .collect::<PyResult<Vec<_>>>()?;
            out.set_item(k, PyList::new(py, items)?)?;
        }
    }
    Ok(out)
}

/// Row records of any serializable list (each element a JSON object).
pub(crate) fn records<T: serde::Serialize>(
    items: &[T],
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    items
        .iter()
        .filter_map(|x| match serde_json::to_value(x) {
            Ok(serde_json::Value::Object(m)) => Some(m),
            _ => None,
        })
        .collect()
}
