//! Dates: one form for the days things happen (a purchase, a classification, an export cut) and
//! one default, so every reader accepts and rejects the same text.
//!
//! A *day* is written `YYYY-MM-DD` (a TOML date such as `2026-02-01` unquoted is the same day;
//! from Python a `datetime.date`, `datetime.datetime` or `pandas.Timestamp` gives its calendar
//! day). `2026-02` or `2026` is not a day: the reader says so at once, naming the field, rather
//! than loading and failing later. Sources' publication dates (`YYYY`, `YYYY-MM` allowed) are a
//! different thing and are read by [`crate::datafile::parse_date`].

/// The date chipmodel's functions use when none is given: the day after the January 2026 rules
/// (the H200 licensing policy of 2026-01-15 and the Section 232 tariff of 2026-01-14) took effect.
/// One constant, used by every default (`classify`, `Group::new`, the Python signatures).
pub const DEFAULT_DATE: &str = "2026-02-01";

/// The number of days in `month` of `year` (Gregorian).
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Checks a day written `YYYY-MM-DD` (years 1900–2100, a real calendar day) and returns it
/// trimmed; the error says what is wrong (the caller quotes the text).
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::date::parse_day;
/// assert_eq!(parse_day("2026-02-01").unwrap(), "2026-02-01");
/// assert!(parse_day("2026-02").unwrap_err().contains("YYYY-MM-DD"));
/// assert!(parse_day("2025-02-29").is_err());
/// assert!(parse_day("2024-02-29").is_ok());
/// ```
pub fn parse_day(text: &str) -> Result<String, String> {
    let d = text.trim();
    let field = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = d.get(range)?;
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let shape = d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-';
    let parts = shape
        .then(|| Some((field(0..4)?, field(5..7)?, field(8..10)?)))
        .flatten();
    match parts {
        Some((y, m, day))
            if (1900..=2100).contains(&y)
                && (1..=12).contains(&m)
                && (1..=days_in_month(y, m)).contains(&day) =>
        {
            Ok(d.to_string())
        }
        Some(_) => Err("not a calendar day (years 1900–2100)".to_string()),
        None => Err("not a day: expected YYYY-MM-DD, e.g. 2026-02-01".to_string()),
    }
}

/// A day from a TOML value: a `YYYY-MM-DD` string or a TOML date (no time).
pub fn day_from_toml(v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => parse_day(s).map_err(|m| format!("'{s}' is {m}")),
        toml::Value::Datetime(d) if d.time.is_none() && d.date.is_some() => {
            parse_day(&d.to_string()).map_err(|m| format!("{d} is {m}"))
        }
        other => Err(format!(
            "expected a day 'YYYY-MM-DD', got {}",
            crate::datafile::show(other)
        )),
    }
}

/// `#[serde(deserialize_with = "chipmodel_catalog::date::deserialize_day")]`: a day field, read
/// from a string or a TOML date and checked by [`parse_day`].
pub fn deserialize_day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    let v = toml::Value::deserialize(d)?;
    day_from_toml(&v).map_err(serde::de::Error::custom)
}

/// [`deserialize_day`] for a list of days (an error names the item: `dates[1]`).
pub fn deserialize_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    use serde::Deserialize;
    struct Day(String);
    impl<'de> Deserialize<'de> for Day {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
            deserialize_day(d).map(Day)
        }
    }
    Ok(Vec::<Day>::deserialize(d)?
        .into_iter()
        .map(|d| d.0)
        .collect())
}

/// The default date as an owned string (for `#[serde(default = ...)]`).
pub fn default_date() -> String {
    DEFAULT_DATE.to_string()
}
