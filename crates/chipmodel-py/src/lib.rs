//! Python bindings of chipmodel: the native module `chipmodel._chipmodel`.
//!
//! Rust types are `PyX`, exposed under clean Python names (`Chip`, `Catalog`). Every fallible
//! call returns a `ChipModelError` subclass (see [`errors`]); all values are SI with the unit in
//! the attribute name.

mod args;
#[macro_use]
mod getters;
mod catalog;
mod compliance;
mod convert;
mod errors;
mod fleet;
mod input;
mod perf;
mod pickle;
mod plan;
mod scenario;
mod sweep;

use pyo3::prelude::*;

pub(crate) use crate::catalog::{PyCatalog, PyChip, PyComparison};
pub(crate) use crate::convert::{
    json_to_py, records, records_to_columns, repr_html, save_text, with_progress,
};
use crate::errors::PyChipModelError;

type PyRes<T> = Result<T, PyChipModelError>;

/// The text of a data file (rules, configs), read with chipmodel's limits: at most 8 MiB, UTF-8;
/// a missing or unreadable file is a ``CatalogFileError`` naming it.
#[pyfunction]
fn _read_data_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<String> {
    convert::run(py, || chipmodel::catalog::datafile::read_file(&path))
}

/// Panics in Rust on purpose, for the reliability test that checks a panic reaches Python as an
/// exception (``pyo3_runtime.PanicException``) and the interpreter carries on. Only in builds
/// with the `test-hooks` feature (the test suite's), never in a shipped wheel.
#[cfg(feature = "test-hooks")]
#[pyfunction]
fn _panic_for_tests(message: &str) {
    panic!("{message}");
}

/// The native module.
#[pymodule]
mod _chipmodel {
    use super::*;

    #[cfg(feature = "test-hooks")]
    #[pymodule_export]
    use super::_panic_for_tests;
    #[pymodule_export]
    use super::_read_data_file;
    #[pymodule_export]
    use crate::catalog::{PyCatalog, PyChip, PyComparison, embedded_catalog, load_catalog};
    #[pymodule_export]
    use crate::compliance::{
        _compliance_columns, _rules_from_json, _rules_from_toml, PyClassification, PyRuleSet,
        classify, diffusion_caps, flips, headroom, rule_set, rule_sets, timeline,
    };
    #[pymodule_export]
    use crate::fleet::{
        _monte_carlo_draws, PyAssumptions, PyFleet, PyFleetReport, equivalent_fleet, export_shock,
        monte_carlo, schedule, sensitivity,
    };
    #[pymodule_export]
    use crate::perf::{
        PyCalibrationFit, PyEngineProfile, PyInferenceEstimate, PyModel, PyTrainingEstimate,
        best_inference, calibrate, calibration, engine, engines, estimate_inference,
        estimate_training, model, models,
    };
    #[pymodule_export]
    use crate::pickle::_unpickle;
    #[pymodule_export]
    use crate::plan::plan_hybrid;
    #[pymodule_export]
    use crate::scenario::{PyScenario, load_scenario, run_scenario, scenarios};
    #[pymodule_export]
    use crate::sweep::{PyReduction, PySweepGrid};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        errors::register(m)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("NOT_LEGAL_ADVICE", chipmodel::compliance::NOT_LEGAL_ADVICE)?;
        m.add("DEFAULT_DATE", chipmodel::DEFAULT_DATE)?;
        Ok(())
    }
}
