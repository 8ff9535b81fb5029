//! The figures an inference benchmark reports, named once: what a measurement (`calibrate`) or a
//! validation row measured.

use serde::{Deserialize, Serialize};

/// A measured figure of an inference run, with its unit in its name.
///
/// # Examples
///
/// ```
/// use chipmodel_perf::Figure;
/// assert_eq!("tpot_s".parse::<Figure>().unwrap(), Figure::TpotS);
/// assert_eq!(Figure::ThroughputTokensPerS.as_str(), "throughput_tokens_per_s");
/// assert!("tok_s".parse::<Figure>().unwrap_err().contains("expected one of"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// Time to first token, s.
    TtftS,
    /// Time per output token, s.
    TpotS,
    /// End-to-end latency of a request, s.
    E2eLatencyS,
    /// Output tokens per second, all sequences together.
    ThroughputTokensPerS,
}

impl Figure {
    /// Every figure.
    pub const ALL: [Figure; 4] = [
        Figure::TtftS,
        Figure::TpotS,
        Figure::E2eLatencyS,
        Figure::ThroughputTokensPerS,
    ];

    /// The name as written (`ttft_s`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Figure::TtftS => "ttft_s",
            Figure::TpotS => "tpot_s",
            Figure::E2eLatencyS => "e2e_latency_s",
            Figure::ThroughputTokensPerS => "throughput_tokens_per_s",
        }
    }
}

impl std::str::FromStr for Figure {
    type Err = String;
    fn from_str(s: &str) -> Result<Figure, String> {
        Figure::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown figure '{s}' (expected one of: {})",
                    Figure::ALL.map(Figure::as_str).join(", ")
                )
            })
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
