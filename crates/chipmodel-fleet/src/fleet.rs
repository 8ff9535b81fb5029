//! The fleet model: capex, power, energy, opex, capital charge, TCO, $/GPU-hour, money flows and,
//! with a workload, tokens per day and $/million tokens. Formulas: `docs/fleet.md`.

use chipmodel_catalog::{Chip, Precision};
use chipmodel_perf::{BestConfig, Catalogs, InferenceEstimate, Model, best_inference};
use serde::{Deserialize, Serialize};

use crate::FleetError;
use crate::Site;
use crate::assumptions::Assumptions;
use crate::error::invalid;
use crate::units::{self, HOURS_PER_YEAR};

/// Chips of one kind at one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Chip id, alias or name.
    pub chip: String,
    /// How many.
    pub count: f64,
    /// Site: `"cn"` or `"us"` (selects PUE, power price, construction cost, destination).
    #[serde(default)]
    pub site: Site,
    /// Who owns it (for reports).
    #[serde(default)]
    pub owner: String,
    /// Day the chips are bought (for the tariff and the compliance check), `YYYY-MM-DD`
    /// (default [`chipmodel_catalog::date::DEFAULT_DATE`]).
    #[serde(
        default = "chipmodel_catalog::date::default_date",
        deserialize_with = "chipmodel_catalog::date::deserialize_day"
    )]
    pub date: String,
    /// Chips delivered per quarter (adding up to `count`); empty: all in the quarter of `date`.
    /// Written in a file as `{ "2026-Q1" = 100000, … }`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::input::deserialize_deliveries"
    )]
    pub deliveries: Vec<crate::Delivery>,
}

impl Group {
    /// `count` chips at `site`, bought on [`chipmodel_catalog::date::DEFAULT_DATE`].
    pub fn new(chip: &str, count: f64, site: Site) -> Group {
        Group {
            chip: chip.to_string(),
            count,
            site,
            owner: String::new(),
            date: chipmodel_catalog::date::default_date(),
            deliveries: Vec::new(),
        }
    }
}

/// What the fleet serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Model id.
    pub model: String,
    /// Prompt tokens (default 1,024).
    #[serde(default = "Workload::default_input_tokens")]
    pub input_tokens: u32,
    /// Generated tokens (default 256).
    #[serde(default = "Workload::default_output_tokens")]
    pub output_tokens: u32,
    /// Weight precision (default fp8).
    #[serde(default = "Workload::default_weight_dtype")]
    pub weight_dtype: Precision,
    /// Time-to-first-token target, s.
    #[serde(default)]
    pub ttft_slo_s: Option<f64>,
    /// Time-per-output-token target, s.
    #[serde(default)]
    pub tpot_slo_s: Option<f64>,
    /// The most sequences the engine runs at once (vLLM's `max_num_seqs`, TensorRT-LLM's
    /// `max_batch_size`); `None`: as many as fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_batch: Option<u32>,
    /// The serving engine whose limits the fleet's serving search obeys: one id for every chip
    /// (`"trtllm"`, `"vllm"`, `"sglang"`, `"ideal"`; see `chipmodel_perf::engines`) or one per
    /// chip vendor (`{ NVIDIA = "trtllm", Huawei = "vllm" }`); a chip it does not name gets its
    /// vendor's reference engine (`EngineProfile::vendor_default`), as does every chip with
    /// `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<EngineChoice>,
}

/// The engine a workload names: one for every chip, or one per chip vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EngineChoice {
    /// The same engine on every chip.
    One(String),
    /// By chip vendor (`"NVIDIA"`, `"Huawei"`, any case).
    ByVendor(std::collections::BTreeMap<String, String>),
}

impl EngineChoice {
    /// The engine id named for `chip`, if any.
    pub fn for_chip(&self, chip: &Chip) -> Option<&str> {
        match self {
            EngineChoice::One(id) => Some(id),
            EngineChoice::ByVendor(m) => m
                .iter()
                .find(|(v, _)| v.eq_ignore_ascii_case(&chip.vendor))
                .map(|(_, id)| id.as_str()),
        }
    }

    /// Every id named.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            EngineChoice::One(id) => vec![id],
            EngineChoice::ByVendor(m) => m.values().map(String::as_str).collect(),
        }
    }
}

impl Workload {
    /// 1,024 in, 256 out, fp8 where the chip computes in it (else bf16), no targets.
    pub fn new(model: &str) -> Workload {
        Workload {
            model: model.to_string(),
            input_tokens: Workload::default_input_tokens(),
            output_tokens: Workload::default_output_tokens(),
            weight_dtype: Workload::default_weight_dtype(),
            ttft_slo_s: None,
            tpot_slo_s: None,
            max_batch: None,
            engine: None,
        }
    }
    fn default_input_tokens() -> u32 {
        1024
    }
    fn default_output_tokens() -> u32 {
        256
    }
    fn default_weight_dtype() -> Precision {
        Precision::Fp8
    }
}

/// A fleet: groups of chips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fleet {
    /// The groups.
    pub groups: Vec<Group>,
    /// TCO horizon, years.
    pub horizon_years: f64,
}

/// Capital expenditure by item, USD.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Capex {
    /// Accelerators.
    pub chips: f64,
    /// The share of the US tariff added to the buyer's price.
    pub tariff: f64,
    /// The rest of the servers.
    pub servers: f64,
    /// Cluster networking.
    pub network: f64,
    /// Storage and other IT.
    pub storage: f64,
    /// Data-centre construction.
    pub datacenter: f64,
}

impl Capex {
    /// IT capex (everything but the building).
    pub fn it(&self) -> f64 {
        self.chips + self.tariff + self.servers + self.network + self.storage
    }
    /// Everything.
    pub fn total(&self) -> f64 {
        self.it() + self.datacenter
    }
}

/// Operating expenditure per year by item, USD.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Opex {
    /// Electricity (after any subsidy).
    pub electricity: f64,
    /// Hardware maintenance and operations.
    pub maintenance: f64,
    /// Facility upkeep other than energy.
    pub facility: f64,
}

impl Opex {
    /// Everything.
    pub fn total(&self) -> f64 {
        self.electricity + self.maintenance + self.facility
    }
}

/// The most chips a group may have: 10⁹, hundreds of times the world's yearly accelerator
/// output; a larger count is taken for a unit mistake, not computed.
pub const MAX_CHIPS: f64 = 1e9;

/// The figures of one group, or of the whole fleet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Figures {
    /// Chips.
    pub count: f64,
    /// Capex by item.
    pub capex: Capex,
    /// Critical IT power, MW.
    pub it_mw: f64,
    /// Facility power at peak (IT × PUE), MW.
    pub facility_mw: f64,
    /// Average facility power (× load factor), MW.
    pub facility_mw_avg: f64,
    /// Energy per year, GWh.
    pub annual_gwh: f64,
    /// Opex per year by item.
    pub opex: Opex,
    /// Capex, everything (`capex.total()`), USD.
    pub capex_total_usd: f64,
    /// IT capex, everything but the building (`capex.it()`), USD.
    pub capex_it_usd: f64,
    /// Opex, everything (`opex.total()`), USD per year.
    pub opex_usd_per_year: f64,
    /// Annualized capital charge (annuity at the cost of capital), USD per year.
    pub capital_charge_usd_per_year: f64,
    /// Capital charge + opex, USD per year.
    pub tco_usd_per_year: f64,
    /// Over the horizon, USD.
    pub tco_horizon_usd: f64,
    /// USD per installed chip-hour.
    pub usd_per_gpu_hour: f64,
    /// USD per chip-hour in use (÷ allocation utilization).
    pub usd_per_gpu_hour_utilized: f64,
    /// Dense 16-bit peak, FLOP/s.
    pub peak_flops_per_s: f64,
    /// Peak × allocation utilization × software efficiency, FLOP/s.
    pub effective_flops_per_s: f64,
    /// Sum of TPP.
    pub total_tpp: f64,
    /// Kept by chip vendors after the US tariff (the buyer's chip spend less the tariff), USD.
    pub vendor_revenue_usd: f64,
    /// US tariff on the chips (whoever bears it), USD.
    pub us_tariff_usd: f64,
    /// Output tokens per second with a workload.
    pub tokens_per_s: Option<f64>,
    /// Output tokens per day.
    pub tokens_per_day: Option<f64>,
    /// USD per million output tokens (TCO per year ÷ tokens per year).
    pub usd_per_million_tokens: Option<f64>,
    /// Facility energy per output token at average load, J.
    pub joules_per_token: Option<f64>,
}

/// One group's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// The group.
    pub group: Group,
    /// Chip id.
    pub chip: String,
    /// Chip vendor.
    pub vendor: String,
    /// Price used, USD per chip.
    pub price_usd: f64,
    /// IT power per chip, kW.
    pub it_kw_per_chip: f64,
    /// Tariff rate applied to this group (0 when none).
    pub tariff_rate: f64,
    /// Software efficiency applied to throughput.
    pub software_efficiency: f64,
    /// How the serving configuration was chosen, with a workload.
    pub serving: Option<String>,
    /// Output tokens per second per chip at full allocation, with a workload.
    pub tokens_per_s_per_chip: Option<f64>,
    /// Figures.
    pub figures: Figures,
}

/// A fleet's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetReport {
    /// Per group.
    pub groups: Vec<GroupReport>,
    /// The whole fleet.
    pub total: Figures,
    /// Assumption values used, by name.
    pub assumptions: Vec<(String, f64)>,
    /// Names of the assumptions with no source behind the number.
    pub unsourced_assumptions: Vec<String>,
    /// The workload, if any.
    pub workload: Option<Workload>,
}

/// Capital recovery factor: the annuity that repays 1 over `years` at `rate`.
///
/// # Examples
///
/// ```
/// use chipmodel_fleet::crf;
/// assert_eq!(crf(0.0, 4.0), 0.25); // straight line without a cost of capital
/// assert!((crf(0.07, 4.0) - 0.29523).abs() < 1e-5);
/// ```
pub fn crf(rate: f64, years: f64) -> f64 {
    if rate == 0.0 {
        1.0 / years
    } else {
        // r / (1 - (1 + r)^-n): the same as r (1+r)^n / ((1+r)^n - 1), without overflow for a
        // large rate or a long life.
        rate / (1.0 - (1.0 + rate).powf(-years))
    }
}

impl Fleet {
    /// A fleet of these groups over a 4-year horizon.
    pub fn new(groups: Vec<Group>) -> Fleet {
        Fleet {
            groups,
            horizon_years: 4.0,
        }
    }

    /// Checks the fleet without evaluating it: at least one group, a positive horizon, and per
    /// group a positive count, a chip of `data` and a known site.
    ///
    /// ```
    /// use chipmodel_fleet::{Fleet, Group};
    /// let data = chipmodel_perf::Catalogs::new(
    ///     chipmodel_catalog::Catalog::embedded().clone(),
    ///     chipmodel_perf::ModelCatalog::embedded().unwrap().clone(),
    /// );
    /// let bad = Fleet::new(vec![Group::new("h2000", 8.0, chipmodel_fleet::Site::Cn)]);
    /// assert!(bad.validate(&data).unwrap_err().to_string().contains("h200"));
    /// ```
    pub fn validate(&self, data: &Catalogs) -> Result<(), FleetError> {
        if self.groups.is_empty() {
            return Err(invalid("groups", "[]", "a fleet needs at least one group"));
        }
        if !(self.horizon_years.is_finite() && self.horizon_years > 0.0) {
            return Err(invalid(
                "horizon_years",
                self.horizon_years,
                "must be a positive number of years",
            ));
        }
        for g in &self.groups {
            if !(g.count.is_finite() && g.count > 0.0) {
                return Err(invalid(
                    "count",
                    g.count,
                    format!("must be a positive number of chips ({})", g.chip),
                ));
            }
            if g.count > MAX_CHIPS {
                return Err(invalid(
                    "count",
                    g.count,
                    format!(
                        "more than 10^9 chips of {} (the world makes millions a year): check the units",
                        g.chip
                    ),
                ));
            }
            data.chip(&g.chip)?;
            chipmodel_catalog::date::parse_day(&g.date)
                .map_err(|m| invalid("date", format!("'{}'", g.date), m))?;
            crate::schedule::deliveries_of(g)?;
        }
        Ok(())
    }

    /// The report at these assumptions, the chips and models looked up in `data`. With a
    /// workload, each group serves it at the highest throughput that fits (and meets the
    /// targets), chosen by `best_inference` on one serving unit.
    pub fn report(
        &self,
        data: &Catalogs,
        a: &Assumptions,
        workload: Option<&Workload>,
    ) -> Result<FleetReport, FleetError> {
        self.evaluate(data, a, workload, &mut Vec::new())
    }

    /// Evaluates, reusing serving throughputs in `cache` (chip id → (tokens/s per chip, how)),
    /// so Monte Carlo and sensitivity runs do not repeat the search.
    pub(crate) fn evaluate(
        &self,
        data: &Catalogs,
        a: &Assumptions,
        workload: Option<&Workload>,
        cache: &mut Vec<(String, f64, String)>,
    ) -> Result<FleetReport, FleetError> {
        self.validate(data)?;
        let serve = match workload {
            Some(w) => Some((w, data.model(&w.model)?)),
            None => None,
        };
        let mut groups = Vec::with_capacity(self.groups.len());
        let mut total = Figures::default();
        let (mut tps_sum, mut any_tokens) = (0.0, false);
        for g in &self.groups {
            let chip = data.chip(&g.chip)?;
            let country = g.site.as_str();
            let r = group_report(g, chip, country, a, serve, cache)?;
            add(&mut total, &r.figures);
            if let Some(t) = r.figures.tokens_per_s {
                tps_sum += t;
                any_tokens = true;
            }
            groups.push(r);
        }
        let n = total.count;
        total.tco_horizon_usd = total.tco_usd_per_year * self.horizon_years;
        total.usd_per_gpu_hour = total.tco_usd_per_year / (n * HOURS_PER_YEAR);
        total.usd_per_gpu_hour_utilized =
            total.usd_per_gpu_hour / a.get("allocation_utilization")?;
        if any_tokens {
            tokens(&mut total, tps_sum);
        }
        for r in &mut groups {
            r.figures.tco_horizon_usd = r.figures.tco_usd_per_year * self.horizon_years;
        }
        check_finite(&total, a)?;
        Ok(FleetReport {
            groups,
            total,
            assumptions: a
                .values
                .values()
                .map(|x| (x.name.clone(), x.value))
                .collect(),
            unsourced_assumptions: a.unsourced(),
            workload: workload.cloned(),
        })
    }
}

/// The token figures of `f` at `tokens_per_s`: per day, $/million tokens, joules per token.
fn tokens(f: &mut Figures, tokens_per_s: f64) {
    f.tokens_per_s = Some(tokens_per_s);
    f.tokens_per_day = Some(units::tokens_per_day(tokens_per_s));
    f.usd_per_million_tokens =
        Some(f.tco_usd_per_year / units::million_tokens_per_year(tokens_per_s));
    f.joules_per_token = Some(units::joules_per_token(f.facility_mw_avg, tokens_per_s));
}

/// A result that is not a finite number is never reported as one.
fn check_finite(t: &Figures, a: &Assumptions) -> Result<(), FleetError> {
    {
        for (name, v) in [
            ("it_mw", Some(t.it_mw)),
            ("facility_mw", Some(t.facility_mw)),
            ("annual_gwh", Some(t.annual_gwh)),
            ("capex_total_usd", Some(t.capex_total_usd)),
            ("opex_usd_per_year", Some(t.opex_usd_per_year)),
            (
                "capital_charge_usd_per_year",
                Some(t.capital_charge_usd_per_year),
            ),
            ("tco_usd_per_year", Some(t.tco_usd_per_year)),
            ("usd_per_gpu_hour", Some(t.usd_per_gpu_hour)),
            (
                "usd_per_gpu_hour_utilized",
                Some(t.usd_per_gpu_hour_utilized),
            ),
            ("effective_flops_per_s", Some(t.effective_flops_per_s)),
            ("vendor_revenue_usd", Some(t.vendor_revenue_usd)),
            ("tokens_per_day", t.tokens_per_day),
            ("usd_per_million_tokens", t.usd_per_million_tokens),
            ("joules_per_token", t.joules_per_token),
        ] {
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(invalid(
                    "assumptions",
                    format!("{:?}", a.overridden()),
                    format!("give a {name} of {v}: an override is out of any sensible range"),
                ));
            }
        }
    }
    Ok(())
}

fn add(t: &mut Figures, f: &Figures) {
    t.count += f.count;
    t.capex.chips += f.capex.chips;
    t.capex.tariff += f.capex.tariff;
    t.capex.servers += f.capex.servers;
    t.capex.network += f.capex.network;
    t.capex.storage += f.capex.storage;
    t.capex.datacenter += f.capex.datacenter;
    t.it_mw += f.it_mw;
    t.facility_mw += f.facility_mw;
    t.facility_mw_avg += f.facility_mw_avg;
    t.annual_gwh += f.annual_gwh;
    t.opex.electricity += f.opex.electricity;
    t.opex.maintenance += f.opex.maintenance;
    t.opex.facility += f.opex.facility;
    t.capex_total_usd = t.capex.total();
    t.capex_it_usd = t.capex.it();
    t.opex_usd_per_year = t.opex.total();
    t.capital_charge_usd_per_year += f.capital_charge_usd_per_year;
    t.tco_usd_per_year += f.tco_usd_per_year;
    t.peak_flops_per_s += f.peak_flops_per_s;
    t.effective_flops_per_s += f.effective_flops_per_s;
    t.total_tpp += f.total_tpp;
    t.vendor_revenue_usd += f.vendor_revenue_usd;
    t.us_tariff_usd += f.us_tariff_usd;
}

/// Output tokens per second per chip for a workload of `model`: `best_inference` on serving units
/// of 1, 2, 4 and 8 chips (up to 64 when the model needs them), keeping the highest throughput
/// per chip.
pub fn serving_throughput(
    model: &Model,
    chip: &Chip,
    w: &Workload,
) -> Result<(f64, String), FleetError> {
    // fp8/fp4 weights on a chip without that rate run weight-only in 16-bit.
    let mut last_err = None;
    let mut best: Option<(f64, String)> = None;
    for n in [1u32, 2, 4, 8, 16, 32, 64] {
        if n > 8 && best.is_some() {
            break;
        }
        let mut cfg = BestConfig::new(n);
        cfg.input_tokens = w.input_tokens;
        cfg.output_tokens = w.output_tokens;
        cfg.weight_dtype = w.weight_dtype;
        cfg.ttft_slo_s = w.ttft_slo_s;
        cfg.tpot_slo_s = w.tpot_slo_s;
        cfg.max_batch = w.max_batch;
        cfg.engine = match w.engine.as_ref().and_then(|c| c.for_chip(chip)) {
            Some(e) => Some(chipmodel_perf::EngineProfile::get(e)?.clone()),
            None => None,
        };
        match best_inference(model, chip, &cfg) {
            Ok(e) => {
                let candidate = per_chip(&e, n);
                if best.as_ref().is_none_or(|b| candidate.0 > b.0) {
                    best = Some(candidate);
                }
            }
            Err(e) => last_err = Some(e),
        }
    }
    best.ok_or_else(|| {
        last_err.map_or_else(
            || invalid("workload", &w.model, "no serving unit fits"),
            FleetError::Perf,
        )
    })
}

fn per_chip(e: &InferenceEstimate, n: u32) -> (f64, String) {
    (
        e.throughput_tokens_per_s / f64::from(n),
        format!(
            "{n} × {} serving unit: {}{}",
            e.chip,
            e.chosen_by,
            e.notes_suffix()
        ),
    )
}

/// A chip's price (USD), IT power (kW) and software efficiency, from the assumptions (a
/// chip's own entry first, else its catalog price or TDP, else the defaults).
fn chip_economics(chip: &Chip, a: &Assumptions) -> Result<(f64, f64, f64), FleetError> {
    let price = match a.values.get(&format!("price.{}", chip.id)) {
        Some(p) => p.value,
        None => chip
            .price_usd()
            .map_or_else(|| a.get("price.default"), Ok)?,
    };
    let it_kw = match a.values.get(&format!("it_kw.{}", chip.id)) {
        Some(x) => x.value,
        None => units::w_to_kw(chip.tdp_w()) * a.get("it_power_factor")?,
    };
    let software = a
        .values
        .get(&format!(
            "software_efficiency.{}",
            chip.vendor.to_ascii_lowercase()
        ))
        .map_or(1.0, |x| x.value);
    Ok((price, it_kw, software))
}

/// The power price at a site's country in USD per kWh (converted from CNY where quoted so).
fn power_price_usd(a: &Assumptions, country: &str) -> Result<f64, FleetError> {
    let v = a.get(&format!("electricity.{country}"))?;
    let unit = &a.values[&format!("electricity.{country}")].unit;
    if unit.starts_with("CNY") {
        Ok(v / a.get("cny_per_usd")?)
    } else {
        Ok(v)
    }
}

/// Output tokens per second per chip serving `w`, and how it was chosen; the search runs once per
/// chip and evaluation (`cache`: chip id → (tokens/s, how)).
fn cached_throughput(
    model: &Model,
    chip: &Chip,
    w: &Workload,
    cache: &mut Vec<(String, f64, String)>,
) -> Result<(f64, String), FleetError> {
    if let Some((_, t, h)) = cache.iter().find(|(id, _, _)| *id == chip.id) {
        return Ok((*t, h.clone()));
    }
    let (t, h) = serving_throughput(model, chip, w)?;
    cache.push((chip.id.clone(), t, h.clone()));
    Ok((t, h))
}

/// The power a group draws: IT and facility at peak, facility on average, energy per year.
struct Power {
    it_mw: f64,
    facility_mw: f64,
    facility_mw_avg: f64,
    annual_gwh: f64,
}

/// A group's capex, power and opex at its site's rates.
fn capex_power_opex(
    chip: &Chip,
    country: &str,
    a: &Assumptions,
    n: f64,
    price: f64,
    it_kw: f64,
    tariff_rate: f64,
) -> Result<(Capex, Power, Opex), FleetError> {
    let pue = a.get(&format!("pue.{country}"))?;
    let dc_per_mw = a.get(&format!("dc_capex_per_mw.{country}"))?;
    let power_price_usd = power_price_usd(a, country)?;
    let domestic = country == "cn" && matches!(chip.vendor.as_str(), "Huawei" | "Cambricon");
    let subsidy = if domestic {
        a.get("domestic_power_subsidy")?
    } else {
        0.0
    };
    let load = a.get("load_factor")?;
    let passthrough = a.get("tariff_passthrough")?;

    let capex = Capex {
        chips: n * price,
        tariff: n * price * tariff_rate * passthrough,
        servers: n * a.get("server_other_per_chip")?,
        network: n * a.get("network_per_chip")?,
        storage: n * a.get("storage_per_chip")?,
        datacenter: units::kw_to_mw(n * it_kw) * dc_per_mw,
    };
    let it_mw = units::kw_to_mw(n * it_kw);
    let facility_mw = it_mw * pue;
    let facility_mw_avg = facility_mw * load;
    let annual_gwh = units::mwh_to_gwh(facility_mw_avg * HOURS_PER_YEAR);
    let opex = Opex {
        electricity: units::gwh_to_kwh(annual_gwh) * power_price_usd * (1.0 - subsidy),
        maintenance: a.get("maintenance_fraction")? * capex.it(),
        facility: a.get("facility_om_fraction")? * capex.datacenter,
    };
    Ok((
        capex,
        Power {
            it_mw,
            facility_mw,
            facility_mw_avg,
            annual_gwh,
        },
        opex,
    ))
}

fn group_report(
    g: &Group,
    chip: &Chip,
    country: &str,
    a: &Assumptions,
    serve: Option<(&Workload, &Model)>,
    cache: &mut Vec<(String, f64, String)>,
) -> Result<GroupReport, FleetError> {
    let n = g.count;
    let (price, it_kw, software) = chip_economics(chip, a)?;
    // The tariff on this group's chips, from the rule in force for the site's country on the date.
    let tariff_rate =
        chipmodel_compliance::classify(chip, &country.to_ascii_uppercase(), &g.date, None, None)?
            .tariff
            .map_or(0.0, |t| t.rate);
    let passthrough = a.get("tariff_passthrough")?;
    let alloc = a.get("allocation_utilization")?;
    let (capex, power, opex) = capex_power_opex(chip, country, a, n, price, it_kw, tariff_rate)?;
    let Power {
        it_mw,
        facility_mw,
        facility_mw_avg,
        annual_gwh,
    } = power;
    let wacc = a.get("wacc")?;
    let capital_charge_usd_per_year = capex.it() * crf(wacc, a.get("it_life_years")?)
        + capex.datacenter * crf(wacc, a.get("dc_life_years")?);
    let tco = capital_charge_usd_per_year + opex.total();
    let sixteen = chip
        .dense_flops_per_s(Precision::Bf16)
        .or(chip.dense_flops_per_s(Precision::Fp16))
        .unwrap_or(0.0);
    let mut f = Figures {
        count: n,
        capex,
        it_mw,
        facility_mw,
        facility_mw_avg,
        annual_gwh,
        opex,
        capex_total_usd: capex.total(),
        capex_it_usd: capex.it(),
        opex_usd_per_year: opex.total(),
        capital_charge_usd_per_year,
        tco_usd_per_year: tco,
        tco_horizon_usd: 0.0,
        usd_per_gpu_hour: tco / (n * HOURS_PER_YEAR),
        usd_per_gpu_hour_utilized: tco / (n * HOURS_PER_YEAR) / alloc,
        peak_flops_per_s: n * sixteen,
        effective_flops_per_s: n * sixteen * alloc * software,
        total_tpp: n * chip.tpp(),
        // The buyer pays price × (1 + passthrough × rate); the US government takes rate × price.
        vendor_revenue_usd: n * price * (1.0 + tariff_rate * (passthrough - 1.0)),
        us_tariff_usd: n * price * tariff_rate,
        ..Figures::default()
    };
    let (mut serving, mut per_chip_tps) = (None, None);
    if let Some((w, model)) = serve {
        let (tps, how) = cached_throughput(model, chip, w, cache)?;
        tokens(&mut f, tps * software * n * alloc);
        serving = Some(how);
        per_chip_tps = Some(tps);
    }
    Ok(GroupReport {
        group: g.clone(),
        chip: chip.id.clone(),
        vendor: chip.vendor.clone(),
        price_usd: price,
        it_kw_per_chip: it_kw,
        tariff_rate,
        software_efficiency: software,
        serving,
        tokens_per_s_per_chip: per_chip_tps,
        figures: f,
    })
}
