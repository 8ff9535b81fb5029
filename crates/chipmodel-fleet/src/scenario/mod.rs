//! Scenario files: a fleet, a workload, assumption overrides, the compliance dates to check and
//! the comparisons to run, in one TOML file; [`run_scenario`] runs them all.
//!
//! The format (every table but `[scenario]` and `[[group]]` is optional):
//!
//! ```toml
//! [scenario]
//! id = "my-fleet"
//! title = "10,000 H200 in China"
//! horizon_years = 4
//!
//! [assumptions]
//! wacc = 0.06                                                 # a value
//! "price.h200-sxm" = { value = 25000, low = 20000, high = 30000 } # a value and its range
//!
//! [[group]]
//! chip = "h200-sxm"
//! count = 10000
//! site = "cn"
//! owner = "a cloud"
//! date = "2026-02-01"
//!
//! [workload]
//! model = "llama-3.1-70b"
//! input_tokens = 1024
//! output_tokens = 256
//! weight_dtype = "fp8"
//!
//! [compliance]
//! destinations = ["CN"]
//! dates = ["2024-06-01", "2026-02-01"]
//!
//! [compare]
//! equivalent = ["ascend-910c"]
//!
//! [monte_carlo]
//! samples = 500
//! seed = 0
//!
//! [sensitivity]
//! output = "usd_per_gpu_hour"
//! ```

mod extends;
mod run;
mod schema;

use chipmodel_catalog::datafile;
use chipmodel_perf::Catalogs;
use serde::{Deserialize, Serialize};
use toml::Table;

use crate::{Assumptions, Fleet, FleetError, Workload};

pub use run::{
    ComplianceRow, Equivalent, PlanOutcome, ScenarioResult, run_scenario,
    run_scenario_with_progress,
};

/// The seed scenario: 400,000 H200 for ByteDance, Alibaba and Tencent, sited in China, 2026.
pub const SEED_SCENARIO: &str = include_str!("../../data/scenarios/seed-h200-china-2026.toml");

/// Scenarios shipped with chipmodel: (file name, text).
pub const SCENARIOS: [(&str, &str); 3] = [
    ("seed-h200-china-2026.toml", SEED_SCENARIO),
    (
        "us-b200-buildout-2025.toml",
        include_str!("../../data/scenarios/us-b200-buildout-2025.toml"),
    ),
    (
        "h800-china-2023.toml",
        include_str!("../../data/scenarios/h800-china-2023.toml"),
    ),
];

/// An import channel cut at a date (`[shock]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shock {
    /// Deliveries in quarters starting on or after this date are cancelled.
    pub date: String,
    /// Chips whose deliveries are cut.
    pub chips: Vec<String>,
    /// The chip that makes up the lost tokens, if any.
    pub replacement: Option<String>,
}

/// A parsed, checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The file it came from.
    pub file: String,
    /// Short id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Longer description.
    pub description: Option<String>,
    /// The fleet.
    pub fleet: Fleet,
    /// Assumptions with the scenario's overrides (not serialized: `overrides` names them; a
    /// deserialized scenario starts from the defaults; the Python pickle carries them too).
    #[serde(skip_serializing, default = "default_assumptions")]
    pub assumptions: Assumptions,
    /// Names overridden by the scenario.
    pub overrides: Vec<String>,
    /// The workload for tokens and $/million tokens.
    pub workload: Option<Workload>,
    /// Destinations to classify the fleet's chips for (default: the sites' countries).
    pub destinations: Vec<String>,
    /// Dates to classify on (default: each group's date).
    pub dates: Vec<String>,
    /// Extra chips to classify besides the fleet's and the comparison chips.
    pub compliance_chips: Vec<String>,
    /// Chips to size an equivalent fleet of.
    pub equivalent: Vec<String>,
    /// Site of the equivalent fleets.
    pub equivalent_site: crate::Site,
    /// Monte Carlo (samples, seed).
    pub monte_carlo: Option<(usize, u64)>,
    /// Sensitivity output.
    pub sensitivity: Option<String>,
    /// Export shock: the cut date, the chips cut, the replacement chip.
    pub shock: Option<Shock>,
    /// Hybrid plan: supplies with caps, demands per workload, power cap, budget.
    pub hybrid: Option<crate::PlanInput>,
    /// The document it was read from, with any `extends` resolved (for [`Scenario::to_toml`]).
    #[serde(skip)]
    pub document: Table,
}

pub(crate) fn read(path: &std::path::Path) -> Result<String, FleetError> {
    datafile::read_file(path).map_err(|e| match e {
        chipmodel_catalog::CatalogError::Io { path, message } => FleetError::Io { path, message },
        other => FleetError::Catalog(other),
    })
}

pub(crate) fn canonical(path: &std::path::Path) -> Result<std::path::PathBuf, FleetError> {
    path.canonicalize().map_err(|e| FleetError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

fn default_assumptions() -> Assumptions {
    Assumptions::defaults().unwrap_or_else(|_| Assumptions {
        values: Default::default(),
        sources: Default::default(),
    })
}

impl Scenario {
    /// Parses and checks a scenario file's text; every problem names the file and the key.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_fleet::Scenario;
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
    /// );
    /// let s = Scenario::parse(&data, "mine.toml", "[scenario]\nid = \"x\"\ntitle = \"X\"\n[[group]]\nchip = \"h200\"\ncount = 8\n")?;
    /// assert_eq!(s.fleet.groups[0].count, 8.0);
    /// let e = Scenario::parse(&data, "mine.toml", "[scenario]\nid = \"x\"\ntitle = \"X\"\n[[group]]\nchip = \"h200\"\ncount = -8\n").unwrap_err();
    /// assert!(e.to_string().contains("mine.toml") && e.to_string().contains("group[0].count"), "{e}");
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn parse(data: &Catalogs, file: &str, text: &str) -> Result<Scenario, FleetError> {
        let doc = datafile::parse_document(file, text)?;
        let doc = extends::resolve(file, doc, None, &mut Vec::new())?;
        Scenario::from_table(data, file, doc)
    }

    fn from_table(data: &Catalogs, file: &str, doc: Table) -> Result<Scenario, FleetError> {
        let mut s = Scenario::from_document(data, file, doc.clone())?;
        s.document = doc;
        Ok(s)
    }

    /// The scenario as one self-contained scenario file (any `extends` written out): loading it
    /// gives this scenario again.
    ///
    /// ```
    /// use chipmodel_fleet::Scenario;
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
    /// );
    /// let seed = Scenario::seed(&data)?;
    /// let again = Scenario::parse(&data, "saved.toml", &seed.to_toml())?;
    /// assert_eq!(again.fleet, seed.fleet);
    /// assert_eq!(again.assumptions, seed.assumptions);
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.document).unwrap_or_default()
    }

    fn from_document(data: &Catalogs, file: &str, doc: Table) -> Result<Scenario, FleetError> {
        schema::read(data, file, doc)
    }

    /// Reads and checks a scenario file.
    pub fn load(data: &Catalogs, path: &std::path::Path) -> Result<Scenario, FleetError> {
        let file = path.display().to_string();
        let text = read(path)?;
        let doc = datafile::parse_document(&file, &text)?;
        let mut seen = vec![canonical(path)?];
        let doc = extends::resolve(&file, doc, Some(path), &mut seen)?;
        Scenario::from_table(data, &file, doc)
    }

    /// The seed scenario, embedded.
    ///
    /// # Examples
    ///
    /// ```
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded()?.clone(),
    /// );
    /// let s = chipmodel_fleet::Scenario::seed(&data)?;
    /// assert_eq!(s.fleet.groups[0].count, 400_000.0);
    /// # Ok::<(), chipmodel_fleet::FleetError>(())
    /// ```
    pub fn seed(data: &Catalogs) -> Result<Scenario, FleetError> {
        Scenario::parse(data, SCENARIOS[0].0, SEED_SCENARIO)
    }
}
