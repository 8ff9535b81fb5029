//! Units: every conversion between a written unit and SI lives here.
//!
//! chipmodel stores SI base units internally (FLOP/s, bytes, bytes/s, watts) and puts the unit in
//! every public name (`memory_bandwidth_bytes_per_s`). Catalog files are written in the units
//! their sources use; [`Dimension::factor`] turns them into SI. Die area stays in mm², the unit
//! the export-control rules define performance density in. Decimal prefixes are powers of 1000
//! (`GB` = 1e9 bytes); binary prefixes are powers of 1024 (`GiB`). Network rates in bits
//! (`Gb/s`) are divided by 8.
//!
//! # Examples
//!
//! ```
//! use chipmodel_catalog::units::Dimension;
//!
//! assert_eq!(Dimension::Bandwidth.factor("TB/s"), Some(1e12));
//! assert_eq!(Dimension::Bandwidth.factor("Gb/s"), Some(1e9 / 8.0));
//! assert_eq!(Dimension::Bytes.factor("GiB"), Some(1024.0_f64.powi(3)));
//! assert_eq!(Dimension::Bytes.factor("TB/s"), None); // wrong dimension
//! ```

use serde::{Deserialize, Serialize};

/// Bytes in a decimal gigabyte.
pub const GB: f64 = 1e9;
/// Bytes in a binary gibibyte.
pub const GIB: f64 = 1_073_741_824.0;
/// FLOP/s in one TFLOP/s.
pub const TERA: f64 = 1e12;

/// What a quantity measures; each dimension accepts its own list of units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Operations per second (FLOP/s or integer OP/s); SI unit `FLOP/s`.
    Rate,
    /// Memory size; SI unit bytes.
    Bytes,
    /// Data rate; SI unit bytes per second.
    Bandwidth,
    /// Power; SI unit watts.
    Power,
    /// Silicon area; unit mm² (the unit of 3A090 performance density).
    Area,
    /// A count (transistors).
    Count,
    /// Money; the unit is a currency code and is kept, not converted.
    Money,
}

impl Dimension {
    /// The units accepted for this dimension, with their factor to the stored unit.
    pub fn units(self) -> &'static [(&'static str, f64)] {
        match self {
            Dimension::Rate => &[
                ("FLOP/s", 1.0),
                ("GFLOP/s", 1e9),
                ("TFLOP/s", 1e12),
                ("PFLOP/s", 1e15),
                ("FLOPS", 1.0),
                ("GFLOPS", 1e9),
                ("TFLOPS", 1e12),
                ("PFLOPS", 1e15),
                ("OP/s", 1.0),
                ("GOP/s", 1e9),
                ("TOP/s", 1e12),
                ("POP/s", 1e15),
                ("TOPS", 1e12),
                ("POPS", 1e15),
            ],
            Dimension::Bytes => &[
                ("B", 1.0),
                ("KB", 1e3),
                ("MB", 1e6),
                ("GB", GB),
                ("TB", 1e12),
                ("KiB", 1024.0),
                ("MiB", 1_048_576.0),
                ("GiB", GIB),
                ("TiB", 1_099_511_627_776.0),
            ],
            Dimension::Bandwidth => &[
                ("B/s", 1.0),
                ("MB/s", 1e6),
                ("GB/s", 1e9),
                ("TB/s", 1e12),
                ("GiB/s", GIB),
                ("TiB/s", 1_099_511_627_776.0),
                ("Mb/s", 1e6 / 8.0),
                ("Gb/s", 1e9 / 8.0),
                ("Tb/s", 1e12 / 8.0),
            ],
            Dimension::Power => &[("W", 1.0), ("kW", 1e3)],
            Dimension::Area => &[("mm2", 1.0), ("mm²", 1.0)],
            Dimension::Count => &[("count", 1.0), ("million", 1e6), ("billion", 1e9)],
            Dimension::Money => &[("USD", 1.0), ("CNY", 1.0), ("EUR", 1.0)],
        }
    }

    /// The factor from `unit` to the stored unit, or `None` if `unit` is not one of this
    /// dimension's units (the match is exact, so `gb` is not `GB`).
    pub fn factor(self, unit: &str) -> Option<f64> {
        self.units()
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, f)| *f)
    }

    /// A human name for messages (`"a bandwidth"`).
    pub fn describe(self) -> &'static str {
        match self {
            Dimension::Rate => "a rate",
            Dimension::Bytes => "a size",
            Dimension::Bandwidth => "a bandwidth",
            Dimension::Power => "a power",
            Dimension::Area => "an area",
            Dimension::Count => "a count",
            Dimension::Money => "a currency",
        }
    }

    /// The accepted unit names, comma-separated, for messages.
    pub fn unit_list(self) -> String {
        self.units()
            .iter()
            .map(|(u, _)| *u)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Formats `si` in `unit` (one of the dimension's units) with up to four significant digits.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::units::{format_in, Dimension};
///
/// assert_eq!(format_in(4.8e12, Dimension::Bandwidth, "TB/s"), "4.8 TB/s");
/// assert_eq!(format_in(141e9, Dimension::Bytes, "GB"), "141 GB");
/// ```
pub fn format_in(si: f64, dim: Dimension, unit: &str) -> String {
    let factor = dim.factor(unit).unwrap_or(1.0);
    format!("{} {unit}", sig(si / factor, 4))
}

/// Rounds to `digits` significant digits and prints without trailing zeros.
///
/// # Examples
///
/// ```
/// assert_eq!(chipmodel_catalog::units::sig(15832.0, 4), "15830");
/// assert_eq!(chipmodel_catalog::units::sig(19.4496, 3), "19.4");
/// assert_eq!(chipmodel_catalog::units::sig(0.00041, 2), "0.00041");
/// ```
pub fn sig(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let scale = 10f64.powi(digits - 1 - magnitude);
    let rounded = (x * scale).round() / scale;
    let s = format!("{rounded:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
