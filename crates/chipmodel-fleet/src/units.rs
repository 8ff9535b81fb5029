//! The fleet's unit conversions, in one place: power (W, kW, MW), energy (MWh, GWh, kWh), time
//! (seconds, hours, days, years) and token rates. Core figures are in the unit their name says
//! (`it_mw`, `annual_gwh`, `usd_per_million_tokens`); every conversion between them is here.

/// Hours in a (non-leap) year: the TCO year.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Days in the TCO year.
pub(crate) const DAYS_PER_YEAR: f64 = HOURS_PER_YEAR / 24.0;
const SECONDS_PER_HOUR: f64 = 3600.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

/// Watts to kilowatts.
pub(crate) fn w_to_kw(w: f64) -> f64 {
    w / 1000.0
}

/// Kilowatts to megawatts.
pub(crate) fn kw_to_mw(kw: f64) -> f64 {
    kw / 1000.0
}

/// Megawatts to watts.
pub(crate) fn mw_to_w(mw: f64) -> f64 {
    mw * 1e6
}

/// Megawatt-hours to gigawatt-hours.
pub(crate) fn mwh_to_gwh(mwh: f64) -> f64 {
    mwh / 1000.0
}

/// Gigawatt-hours to kilowatt-hours (what a power price is quoted per).
pub(crate) fn gwh_to_kwh(gwh: f64) -> f64 {
    gwh * 1e6
}

/// Tokens per second to tokens per day.
pub(crate) fn tokens_per_day(tokens_per_s: f64) -> f64 {
    tokens_per_s * SECONDS_PER_DAY
}

/// Tokens per second to millions of tokens per TCO year.
pub(crate) fn million_tokens_per_year(tokens_per_s: f64) -> f64 {
    tokens_per_s * SECONDS_PER_HOUR * HOURS_PER_YEAR / 1e6
}

/// A price per token to a price per million tokens.
pub(crate) fn per_million(x: f64) -> f64 {
    x * 1e6
}

/// Joules per token from the average facility power and the token rate.
pub(crate) fn joules_per_token(facility_mw_avg: f64, tokens_per_s: f64) -> f64 {
    mw_to_w(facility_mw_avg) / tokens_per_s
}
