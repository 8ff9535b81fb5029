//! Numeric precisions and their bit lengths.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CatalogError;

/// A number format a chip's matrix or vector units compute in.
///
/// The bit length is the one export-control TPP multiplies by (88 FR 73458, Technical Note to
/// 3A090): TF32 counts as 32 bits although its inputs carry 19 — a judgement call recorded in
/// `docs/catalog.md`. It decides no chip's classification: where TF32 × 32 ties the 8-bit TPP
/// (L20: 1,913.6 vs 1,912), the difference is the vendor's rounding.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::Precision;
///
/// let p: Precision = "BF16".parse().unwrap();
/// assert_eq!(p, Precision::Bf16);
/// assert_eq!(p.bits(), 16);
/// assert_eq!(Precision::Fp8.bytes(), 1.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// IEEE double precision.
    Fp64,
    /// IEEE single precision (non-tensor rate unless noted).
    Fp32,
    /// NVIDIA TensorFloat-32 (19-bit inputs, 32-bit storage).
    Tf32,
    /// IEEE half precision.
    Fp16,
    /// bfloat16.
    Bf16,
    /// 8-bit floating point (E4M3/E5M2).
    Fp8,
    /// 8-bit integer.
    Int8,
    /// 4-bit floating point (FP4, MXFP4, NVFP4).
    Fp4,
    /// 4-bit integer.
    Int4,
}

impl Precision {
    /// Every precision, widest first.
    pub const ALL: [Precision; 9] = [
        Precision::Fp64,
        Precision::Fp32,
        Precision::Tf32,
        Precision::Fp16,
        Precision::Bf16,
        Precision::Fp8,
        Precision::Int8,
        Precision::Fp4,
        Precision::Int4,
    ];

    /// Bit length of one operand, as TPP counts it.
    pub fn bits(self) -> u32 {
        match self {
            Precision::Fp64 => 64,
            Precision::Fp32 | Precision::Tf32 => 32,
            Precision::Fp16 | Precision::Bf16 => 16,
            Precision::Fp8 | Precision::Int8 => 8,
            Precision::Fp4 | Precision::Int4 => 4,
        }
    }

    /// Storage size of one element in bytes.
    pub fn bytes(self) -> f64 {
        f64::from(self.bits()) / 8.0
    }

    /// The lowercase name used in files and APIs (`"bf16"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp64 => "fp64",
            Precision::Fp32 => "fp32",
            Precision::Tf32 => "tf32",
            Precision::Fp16 => "fp16",
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
            Precision::Int8 => "int8",
            Precision::Fp4 => "fp4",
            Precision::Int4 => "int4",
        }
    }

    /// Whether the format is an integer format (its rate is in OP/s, not FLOP/s).
    pub fn is_integer(self) -> bool {
        matches!(self, Precision::Int8 | Precision::Int4)
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Precision {
    type Err = CatalogError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase();
        Precision::ALL
            .into_iter()
            .find(|p| p.as_str() == norm)
            .ok_or_else(|| CatalogError::UnknownPrecision {
                name: s.to_string(),
                expected: Precision::ALL.map(Precision::as_str).join(", "),
            })
    }
}
