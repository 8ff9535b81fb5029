//! Where a fleet is sited: the one place the sites are named.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FleetError;
use crate::error::invalid;

/// A site: selects the PUE, the power price, the construction cost and the destination a fleet's
/// chips are classified for. Written `"cn"` or `"us"` (any case).
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::Site;
/// assert_eq!("CN".parse::<Site>()?, Site::Cn);
/// assert_eq!(Site::Us.country(), "US");
/// assert!("mars".parse::<Site>().unwrap_err().to_string().contains("expected one of: cn, us"));
/// # Ok::<(), chipmodel_fleet::FleetError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Site {
    /// China.
    #[default]
    Cn,
    /// The United States.
    Us,
}

impl Site {
    /// Every site.
    pub const ALL: [Site; 2] = [Site::Cn, Site::Us];

    /// The lowercase name, as written and as site-dependent assumptions are keyed (`pue.cn`).
    pub fn as_str(self) -> &'static str {
        match self {
            Site::Cn => "cn",
            Site::Us => "us",
        }
    }

    /// The ISO 3166-1 code of the site's country (the destination its chips are classified for).
    pub fn country(self) -> &'static str {
        match self {
            Site::Cn => "CN",
            Site::Us => "US",
        }
    }
}

impl std::str::FromStr for Site {
    type Err = FleetError;
    fn from_str(s: &str) -> Result<Site, FleetError> {
        let t = s.trim().to_ascii_lowercase();
        Site::ALL
            .into_iter()
            .find(|x| x.as_str() == t)
            .ok_or_else(|| {
                invalid(
                    "site",
                    format!("'{s}'"),
                    "unknown value (expected one of: cn, us)",
                )
            })
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Site {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Site, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!("unknown value '{s}' (expected one of: cn, us)"))
        })
    }
}
