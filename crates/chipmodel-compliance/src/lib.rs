//! US export controls on advanced AI chips, 2022 to 2026, as data — and a classifier that
//! explains itself.
//!
//! Each rule version is a TOML file (`data/rules/*.toml`) with its instrument, Federal Register
//! citation, dates, status, sources, thresholds with their exact boundaries (≥ vs >), destinations,
//! review policies, licence exceptions, overlays (the Diffusion tiers, the H20 letters, the
//! January 2026 case-by-case window) and tariff bands; uncertain details are listed in the file
//! and carried into every result. Country groups are in `data/country_groups.toml`.
//!
//! Not legal advice.
//!
//! # Examples
//!
//! ```
//! use chipmodel_compliance::classify;
//!
//! let chips = chipmodel_catalog::Catalog::embedded();
//! // The H200 on 2026-02-01: 3A090.a, case-by-case for China, 25% tariff.
//! let c = classify(chips.get("h200")?, "CN", "2026-02-01", None, None)?;
//! assert_eq!(c.rules.as_deref(), Some("us-2026-01"));
//! assert_eq!(c.review_policy.as_str(), "case-by-case");
//! assert_eq!(c.tariff.as_ref().unwrap().rate, 0.25);
//! // The B200 stays under presumption of denial.
//! let b = classify(chips.get("b200")?, "CN", "2026-02-01", None, None)?;
//! assert_eq!(b.review_policy.as_str(), "presumption-of-denial");
//! # Ok::<(), chipmodel_compliance::ComplianceError>(())
//! ```

mod analysis;
mod classify;
mod error;
mod groups;
mod rules;

pub use analysis::{
    DiffusionCaps, Flip, Headroom, TimelineEntry, diffusion_caps, flips, headroom, timeline,
};
pub use classify::{
    ChipMetrics, Classification, ExceptionResult, Reason, TariffResult, classify, classify_metrics,
};
pub use error::ComplianceError;
pub use groups::{Group, Groups, groups};
pub use rules::{
    CaseByCase, Clause, Criterion, DestinationRule, Diffusion, ExceptionRule, Guidance, HqRule,
    Metric, NamedProducts, NonDatacenter, Op, Paragraph, ReviewPolicy, RuleSet, Targets, Tariff,
    TariffBand,
};

/// The line every result carries.
pub const NOT_LEGAL_ADVICE: &str = "Not legal advice: chipmodel's reading of the US export-control rules, with its uncertainties listed; check the regulation text and counsel before acting.";

/// Checks a day, `YYYY-MM-DD` (the one form every chipmodel reader accepts:
/// [`chipmodel_catalog::date::parse_day`]).
pub(crate) fn check_date(date: &str) -> Result<String, ComplianceError> {
    chipmodel_catalog::date::parse_day(date)
        .map_err(|m| error::invalid("date", format!("'{date}'"), m))
}
