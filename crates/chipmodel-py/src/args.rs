//! Whole-number arguments, checked with the argument's name: a wrong type is an
//! `ArgumentTypeError`, a number out of range (negative, or too large for the model) a
//! `ConfigError`, never a bare `OverflowError`. Used through `#[pyo3(from_py_with = ...)]`.

use chipmodel::PerfError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

use crate::errors::{PyChipModelError, argument_type_error};

/// `x` as a whole number in `0..=max`, or an error naming `field`.
pub(crate) fn whole(x: &Bound<'_, PyAny>, field: &str, max: u64) -> PyResult<u64> {
    let py = x.py();
    if x.is_instance_of::<PyBool>() || !(x.is_instance_of::<PyInt>() || x.hasattr("__index__")?) {
        let ty = x.get_type().name()?;
        let shown = x.repr().map(|r| r.to_string()).unwrap_or_default();
        return Err(argument_type_error(
            py,
            field,
            format!("{field}: expected a whole number, got {ty} {shown}"),
        ));
    }
    let out_of_range = || -> PyErr {
        let shown = x.str().map(|r| r.to_string()).unwrap_or_default();
        PyChipModelError::from(PerfError::InvalidConfig {
            field: field.into(),
            value: shown,
            message: format!("must be a whole number from 0 to {max}"),
        })
        .into()
    };
    match x.extract::<i128>() {
        Ok(v) if (0..=i128::from(max)).contains(&v) => Ok(v as u64),
        _ => Err(out_of_range()),
    }
}

macro_rules! whole_args {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`, a whole number.")]
            #[allow(dead_code)]
            pub(crate) fn $name(x: &Bound<'_, PyAny>) -> PyResult<$t> {
                Ok(whole(x, stringify!($name), <$t>::MAX as u64)? as $t)
            }
        )*
        /// Optional versions: `None` stays `None`.
        pub(crate) mod opt {
            use pyo3::prelude::*;
            $(
                #[doc = concat!("`", stringify!($name), "`, a whole number or None.")]
                #[allow(dead_code)]
                pub(crate) fn $name(x: &Bound<'_, PyAny>) -> PyResult<Option<$t>> {
                    if x.is_none() {
                        Ok(None)
                    } else {
                        super::$name(x).map(Some)
                    }
                }
            )*
        }
    };
}

whole_args!(
    n_chips: u32,
    tp: u32,
    pp: u32,
    ep: u32,
    batch: u32,
    input_tokens: u32,
    output_tokens: u32,
    max_batch: u32,
    seq_len: u32,
    global_batch: u32,
    micro_batch: u32,
    zero_stage: u8,
    samples: usize,
    seed: u64,
    threads: usize,
    start: u64,
    stop: u64,
    k: usize,
);

/// `x` as a number (an int or a float), or an `ArgumentTypeError` naming `field`. NaN and
/// infinities pass: the core says what is wrong with them.
pub(crate) fn number(x: &Bound<'_, PyAny>, field: &str) -> PyResult<f64> {
    if x.is_instance_of::<PyBool>() {
        return Err(argument_type_error(
            x.py(),
            field,
            format!("{field}: expected a number, got bool"),
        ));
    }
    x.extract::<f64>().map_err(|_| {
        let ty = x
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        let shown = x.repr().map(|r| r.to_string()).unwrap_or_default();
        argument_type_error(
            x.py(),
            field,
            format!("{field}: expected a number, got {ty} {shown}"),
        )
    })
}

macro_rules! named_args {
    ($module:ident, $check:ident, $t:ty: $($name:ident),* $(,)?) => {
        /// Named extractors (`from_py_with`): the argument's name goes into the error.
        pub(crate) mod $module {
            use pyo3::prelude::*;
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                #[allow(dead_code)]
                pub(crate) fn $name(x: &Bound<'_, PyAny>) -> PyResult<$t> {
                    super::$check(x, stringify!($name))
                }
            )*
            /// Optional versions: `None` stays `None`.
            pub(crate) mod opt {
                use pyo3::prelude::*;
                $(
                    #[doc = concat!("`", stringify!($name), "` or None.")]
                    #[allow(dead_code)]
                    pub(crate) fn $name(x: &Bound<'_, PyAny>) -> PyResult<Option<$t>> {
                        if x.is_none() { Ok(None) } else { super::$name(x).map(Some) }
                    }
                )*
            }
        }
    };
}

named_args!(number_arg, number, f64:
    max_ttft_s, max_tpot_s, max_e2e_latency_s, ttft_slo_s, tpot_slo_s, tokens, power_cap_mw, mfu,
    horizon_years, budget_usd, old, new);

/// A day argument: a `YYYY-MM-DD` string, or a `datetime.date`, `datetime.datetime` or
/// `pandas.Timestamp` (its calendar day). The core checks the text
/// (`chipmodel::catalog::date::parse_day`), so every form meets the same rule.
pub(crate) struct Day(pub(crate) String);

impl<'py> FromPyObject<'_, 'py> for Day {
    type Error = PyErr;
    fn extract(x: Borrowed<'_, 'py, PyAny>) -> PyResult<Day> {
        match crate::input::to_toml(&x, "date")? {
            toml::Value::String(s) => Ok(Day(s)),
            _ => {
                let ty = x.get_type().name()?;
                Err(argument_type_error(
                    x.py(),
                    "date",
                    format!("date: expected 'YYYY-MM-DD' or a datetime.date, got {ty}"),
                ))
            }
        }
    }
}

impl Day {
    /// The day given, or [`chipmodel::DEFAULT_DATE`].
    pub(crate) fn or_default(d: Option<Day>) -> String {
        d.map_or_else(|| chipmodel::DEFAULT_DATE.to_string(), |d| d.0)
    }
}
