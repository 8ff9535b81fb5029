//! Field getters, generated: each class's plain getters are one line each in a `getters!` block
//! beside its `#[pymethods]` (pyo3's `multiple-pymethods` feature merges the blocks), instead of a
//! hand-written four-line method per field.

/// `getters!(PyType, |s| { /// doc \n name -> Type = expression of s; ... })` generates one
/// `#[getter]` per line, reading from `s` (the object).
macro_rules! getters {
    ($ty:ty, |$s:ident| { $( $(#[doc = $doc:literal])* $name:ident -> $ret:ty = $body:expr; )* }) => {
        #[pyo3::pymethods]
        impl $ty {
            $(
                $(#[doc = $doc])*
                #[getter]
                fn $name(&self) -> $ret {
                    let $s = self;
                    $body
                }
            )*
        }
    };
}
