//! One accelerator: its sourced specifications and the metrics derived from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Precision;
use crate::source::Source;

/// Where a value comes from: its source key, whether it is an estimate, and what else was seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Key into the catalog's sources (`"nvidia-h100-datasheet"`).
    pub source: String,
    /// `true` where the value is an estimate rather than a published figure.
    pub estimate: bool,
    /// The value as the file wrote it (`"3.35 TB/s"`), before conversion to SI.
    pub as_written: String,
    /// Method, caveats or the components of a sum.
    pub note: Option<String>,
    /// Other published values for the same quantity, kept visible, never averaged.
    pub conflicts: Vec<Conflict>,
}

/// A value another source gives for the same quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The value as written (`"3.072 TB/s"`).
    pub as_written: String,
    /// The value in SI, for numeric fields.
    pub value_si: Option<f64>,
    /// The source key.
    pub source: String,
    /// Why it differs, where known.
    pub note: Option<String>,
}

/// A value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value, in SI for numbers.
    pub value: T,
    /// Where it comes from.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// A process node and whether its transistors are non-planar (FinFET, GAA).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Process {
    /// The foundry's name for the node (`"TSMC 4N"`).
    pub name: String,
    /// Non-planar transistors: the dies count toward 3A090 "applicable die area".
    pub non_planar: bool,
}

/// A price at a date, in its own currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// The amount in `currency`.
    pub amount: f64,
    /// ISO 4217 code (`"USD"`, `"CNY"`).
    pub currency: String,
    /// When the price applied (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: String,
}

/// A dense peak rate and, where the vendor gives one, its sparse figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseRate {
    /// Dense (no 2:4 sparsity) peak, FLOP/s or OP/s.
    pub flops_per_s: f64,
    /// The vendor's sparse figure, if published, FLOP/s or OP/s.
    pub sparse_flops_per_s: Option<f64>,
}

/// Physical packaging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormFactor {
    /// NVIDIA SXM module.
    Sxm,
    /// PCIe add-in card.
    Pcie,
    /// OCP Accelerator Module.
    Oam,
    /// A GPU inside a CPU+GPU superchip (GB200).
    Superchip,
    /// A proprietary board or tray module (TPU, Trainium).
    Module,
}

impl FormFactor {
    /// Every form factor.
    pub const ALL: [FormFactor; 5] = [
        FormFactor::Sxm,
        FormFactor::Pcie,
        FormFactor::Oam,
        FormFactor::Superchip,
        FormFactor::Module,
    ];

    /// The lowercase name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            FormFactor::Sxm => "sxm",
            FormFactor::Pcie => "pcie",
            FormFactor::Oam => "oam",
            FormFactor::Superchip => "superchip",
            FormFactor::Module => "module",
        }
    }
}

/// An accelerator with sourced specifications, all numbers in SI.
///
/// Build one by loading a catalog; read values through the unit-named accessors and derived
/// metrics through the methods below.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::{Catalog, Precision};
///
/// let h200 = Catalog::embedded().get("H200").unwrap();
/// assert_eq!(h200.id, "h200-sxm");
/// assert_eq!(h200.memory_capacity_bytes(), 141e9);
/// assert_eq!(h200.memory_bandwidth_bytes_per_s(), 4.8e12);
/// assert!((h200.tpp() - 15_832.0).abs() < 1.0);
/// assert_eq!(h200.dense_flops_per_s(Precision::Bf16), Some(989.4e12));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chip {
    /// Lowercase slug, unique in its catalog (`"h200-sxm"`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Designer.
    pub vendor: String,
    /// Other names it is looked up by.
    pub aliases: Vec<String>,
    /// Packaging.
    pub form_factor: FormFactor,
    /// Designed or marketed for datacenters (input to 3A090 Note 2).
    pub datacenter: Sourced<bool>,
    /// Announcement or first availability.
    pub release_date: Sourced<String>,
    /// Process node.
    pub process: Option<Sourced<Process>>,
    /// Sum of all logic dies, HBM excluded, mm².
    pub die_area_mm2: Option<Sourced<f64>>,
    /// Transistor count.
    pub transistors: Option<Sourced<f64>>,
    /// Memory technology (`"HBM3e"`).
    pub memory_type: Sourced<String>,
    /// Memory capacity as the datasheet states it, bytes (decimal GB as marketed).
    pub memory_capacity: Sourced<f64>,
    /// Memory as the device and the serving engines see it, bytes (binary: an H200 reports
    /// 141 GiB ≈ 151.4e9 bytes against the datasheet's 141 GB), where a source gives it.
    pub device_memory: Option<Sourced<f64>>,
    /// Memory bandwidth, bytes/s.
    pub memory_bandwidth: Sourced<f64>,
    /// Scale-up interconnect bandwidth, both directions, bytes/s.
    pub scale_up_bandwidth: Option<Sourced<f64>>,
    /// Aggregate bidirectional chip-to-chip I/O other than memory, bytes/s.
    pub io_bandwidth: Option<Sourced<f64>>,
    /// Scale-out network per chip, bytes/s.
    pub scale_out_bandwidth: Option<Sourced<f64>>,
    /// Thermal design power, W.
    pub tdp: Sourced<f64>,
    /// Price.
    pub price: Option<Sourced<Price>>,
    /// Dense peak rate per precision.
    pub dense: BTreeMap<Precision, Sourced<DenseRate>>,
    /// The sources this chip cites, by key.
    pub sources: BTreeMap<String, Source>,
}

impl Chip {
    /// Memory capacity in bytes, as the datasheet states it.
    pub fn memory_capacity_bytes(&self) -> f64 {
        self.memory_capacity.value
    }

    /// The memory a workload can be given, in bytes as the device reports them: the sourced
    /// device figure where there is one, else the datasheet's ([`Chip::device_memory_is_datasheet`]).
    pub fn device_memory_bytes(&self) -> f64 {
        self.device_memory
            .as_ref()
            .map_or(self.memory_capacity.value, |d| d.value)
    }

    /// Whether [`Chip::device_memory_bytes`] falls back to the datasheet figure (no source gives
    /// the device-reported capacity).
    pub fn device_memory_is_datasheet(&self) -> bool {
        self.device_memory.is_none()
    }

    /// Memory bandwidth in bytes per second.
    pub fn memory_bandwidth_bytes_per_s(&self) -> f64 {
        self.memory_bandwidth.value
    }

    /// Thermal design power in watts.
    pub fn tdp_w(&self) -> f64 {
        self.tdp.value
    }

    /// Logic die area in mm², where known.
    pub fn die_area_mm2(&self) -> Option<f64> {
        self.die_area_mm2.as_ref().map(|v| v.value)
    }

    /// Scale-up bandwidth (both directions) in bytes per second, where known.
    pub fn scale_up_bandwidth_bytes_per_s(&self) -> Option<f64> {
        self.scale_up_bandwidth.as_ref().map(|v| v.value)
    }

    /// Aggregate bidirectional chip-to-chip I/O in bytes per second, where known.
    pub fn io_bandwidth_bytes_per_s(&self) -> Option<f64> {
        self.io_bandwidth.as_ref().map(|v| v.value)
    }

    /// Scale-out network bandwidth per chip in bytes per second, where known.
    pub fn scale_out_bandwidth_bytes_per_s(&self) -> Option<f64> {
        self.scale_out_bandwidth.as_ref().map(|v| v.value)
    }

    /// Price in US dollars, when the catalog gives it in USD.
    pub fn price_usd(&self) -> Option<f64> {
        self.price
            .as_ref()
            .filter(|p| p.value.currency == "USD")
            .map(|p| p.value.amount)
    }

    /// Whether the chip is designed or marketed for datacenters.
    pub fn is_datacenter(&self) -> bool {
        self.datacenter.value
    }

    /// The precisions with a dense rate, widest first.
    pub fn precisions(&self) -> Vec<Precision> {
        self.dense.keys().copied().collect()
    }

    /// Dense peak rate at `precision` in FLOP/s (OP/s for integers); `None` if unsupported.
    pub fn dense_flops_per_s(&self, precision: Precision) -> Option<f64> {
        self.dense.get(&precision).map(|r| r.value.flops_per_s)
    }

    /// The precision the headline metrics use: bf16, else fp16, else the narrowest supported.
    pub fn headline_precision(&self) -> Precision {
        [Precision::Bf16, Precision::Fp16]
            .into_iter()
            .find(|p| self.dense.contains_key(p))
            .or_else(|| self.dense.keys().next_back().copied())
            .unwrap_or(Precision::Bf16)
    }

    /// Total Processing Performance: max over precisions of dense TOPS × bit length.
    ///
    /// `TPP = 2 × MacTOPS × bit length` (88 FR 73458, Technical Note to 3A090), where
    /// 2 × MacTOPS is the dense datasheet TOPS/TFLOPS. Returns 0 for a chip with no dense rate.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = chipmodel_catalog::Catalog::embedded();
    /// assert!((c.get("h20").unwrap().tpp() - 2_368.0).abs() < 1.0);
    /// ```
    pub fn tpp(&self) -> f64 {
        self.tpp_by_precision()
            .into_iter()
            .map(|(_, t)| t)
            .fold(0.0, f64::max)
    }

    /// TPP each precision would give on its own, widest first.
    pub fn tpp_by_precision(&self) -> Vec<(Precision, f64)> {
        self.dense
            .iter()
            .map(|(p, r)| (*p, r.value.flops_per_s / 1e12 * f64::from(p.bits())))
            .collect()
    }

    /// The precision that sets the TPP. Datasheet rates usually double as bits halve, so several
    /// precisions often tie; the narrowest of them is reported (A100: int8, not tf32).
    pub fn tpp_precision(&self) -> Option<Precision> {
        let tpp = self.tpp();
        self.tpp_by_precision()
            .into_iter()
            .rev()
            .find(|(_, t)| t.to_bits() == tpp.to_bits())
            .map(|(p, _)| p)
    }

    /// Performance density: TPP per mm² of non-planar logic die (Technical Note 4 to 3A090).
    ///
    /// `None` when the die area is not known or the process is planar (no applicable area).
    ///
    /// # Examples
    ///
    /// ```
    /// let h100 = chipmodel_catalog::Catalog::embedded().get("h100-sxm").unwrap();
    /// let pd = h100.performance_density().unwrap();
    /// assert!((pd - 15_832.0 / 814.0).abs() < 0.01);
    /// ```
    pub fn performance_density(&self) -> Option<f64> {
        let area = self.applicable_die_area_mm2()?;
        Some(self.tpp() / area)
    }

    /// Die area that counts toward performance density: all of it on a non-planar process.
    pub fn applicable_die_area_mm2(&self) -> Option<f64> {
        let non_planar = self.process.as_ref()?.value.non_planar;
        self.die_area_mm2().filter(|_| non_planar)
    }

    /// Ridge point of the roofline at `precision`: FLOP per byte of memory traffic at which
    /// compute and bandwidth take equal time.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::{Catalog, Precision};
    /// let h100 = Catalog::embedded().get("h100").unwrap();
    /// let ridge = h100.ridge_point_flop_per_byte(Precision::Bf16).unwrap();
    /// assert!((ridge - 989.4e12 / 3.35e12).abs() < 1e-9);
    /// ```
    pub fn ridge_point_flop_per_byte(&self, precision: Precision) -> Option<f64> {
        Some(self.dense_flops_per_s(precision)? / self.memory_bandwidth_bytes_per_s())
    }

    /// Memory bandwidth per unit of compute at `precision`, bytes per FLOP (1 / ridge point).
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::{Catalog, Precision};
    /// let h20 = Catalog::embedded().get("h20").unwrap();
    /// // 4 TB/s over 148 TFLOP/s: the H20 moves a byte for every 37 FLOPs.
    /// assert!((h20.bytes_per_flop(Precision::Bf16).unwrap() - 4.0 / 148.0).abs() < 1e-12);
    /// assert_eq!(h20.bytes_per_flop(Precision::Fp4), None); // no FP4 on Hopper
    /// ```
    pub fn bytes_per_flop(&self, precision: Precision) -> Option<f64> {
        Some(self.memory_bandwidth_bytes_per_s() / self.dense_flops_per_s(precision)?)
    }

    /// Dense FLOP/s per watt of TDP at `precision`.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::{Catalog, Precision};
    /// let h100 = Catalog::embedded().get("h100").unwrap();
    /// assert!((h100.flops_per_w(Precision::Bf16).unwrap() - 989.4e12 / 700.0).abs() < 1.0);
    /// ```
    pub fn flops_per_w(&self, precision: Precision) -> Option<f64> {
        Some(self.dense_flops_per_s(precision)? / self.tdp_w())
    }

    /// Dense FLOP/s per US dollar of price at `precision`; `None` without a USD price.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::{Catalog, Precision};
    /// let c = Catalog::embedded();
    /// let h100 = c.get("h100").unwrap();
    /// let usd = h100.price_usd().unwrap();
    /// assert_eq!(h100.flops_per_usd(Precision::Bf16), Some(989.4e12 / usd));
    /// // The RTX 4090D's price is in CNY: no per-dollar figure without an exchange rate.
    /// assert_eq!(c.get("rtx-4090d").unwrap().flops_per_usd(Precision::Bf16), None);
    /// ```
    pub fn flops_per_usd(&self, precision: Precision) -> Option<f64> {
        Some(self.dense_flops_per_s(precision)? / self.price_usd()?)
    }

    /// The provenance of a field by its file name (`"memory_bandwidth"`, `"dense.bf16"`).
    ///
    /// # Examples
    ///
    /// ```
    /// let h100 = chipmodel_catalog::Catalog::embedded().get("h100-sxm").unwrap();
    /// let p = h100.provenance("memory_bandwidth").unwrap();
    /// assert_eq!(p.as_written, "3.35 TB/s");
    /// assert!(!p.conflicts.is_empty()); // LLM-Viewer's 3.072 TB/s stays visible
    /// ```
    pub fn provenance(&self, field: &str) -> Option<&Provenance> {
        if let Some(p) = field.strip_prefix("dense.") {
            let p: Precision = p.parse().ok()?;
            return self.dense.get(&p).map(|v| &v.provenance);
        }
        self.fields()
            .into_iter()
            .find(|(name, _)| *name == field)
            .map(|(_, p)| p)
    }

    /// Every sourced field by its file name, in file order (dense rates as `dense.<precision>`
    /// are not included; see [`Chip::dense`]).
    pub fn fields(&self) -> Vec<(&'static str, &Provenance)> {
        let mut out: Vec<(&'static str, &Provenance)> = vec![
            ("datacenter", &self.datacenter.provenance),
            ("release_date", &self.release_date.provenance),
        ];
        fn opt<'a>(
            name: &'static str,
            v: Option<&'a Provenance>,
        ) -> Option<(&'static str, &'a Provenance)> {
            v.map(|p| (name, p))
        }
        out.extend(opt("process", self.process.as_ref().map(|v| &v.provenance)));
        out.extend(opt(
            "die_area",
            self.die_area_mm2.as_ref().map(|v| &v.provenance),
        ));
        out.extend(opt(
            "transistors",
            self.transistors.as_ref().map(|v| &v.provenance),
        ));
        out.push(("memory_type", &self.memory_type.provenance));
        out.push(("memory_capacity", &self.memory_capacity.provenance));
        out.extend(opt(
            "device_memory",
            self.device_memory.as_ref().map(|v| &v.provenance),
        ));
        out.push(("memory_bandwidth", &self.memory_bandwidth.provenance));
        out.extend(opt(
            "scale_up_bandwidth",
            self.scale_up_bandwidth.as_ref().map(|v| &v.provenance),
        ));
        out.extend(opt(
            "io_bandwidth",
            self.io_bandwidth.as_ref().map(|v| &v.provenance),
        ));
        out.extend(opt(
            "scale_out",
            self.scale_out_bandwidth.as_ref().map(|v| &v.provenance),
        ));
        out.push(("tdp", &self.tdp.provenance));
        out.extend(opt("price", self.price.as_ref().map(|v| &v.provenance)));
        out
    }

    /// Every provenance record on the chip, dense rates included.
    pub fn all_provenance(&self) -> Vec<(String, &Provenance)> {
        let mut out: Vec<(String, &Provenance)> = self
            .fields()
            .into_iter()
            .map(|(n, p)| (n.to_string(), p))
            .collect();
        out.extend(
            self.dense
                .iter()
                .map(|(p, v)| (format!("dense.{p}"), &v.provenance)),
        );
        out
    }

    /// Whether any value on the chip is flagged as an estimate.
    pub fn has_estimates(&self) -> bool {
        self.all_provenance().iter().any(|(_, p)| p.estimate)
    }

    /// The chip as JSON: every value with its provenance, plus the derived metrics.
    ///
    /// # Examples
    ///
    /// ```
    /// let h20 = chipmodel_catalog::Catalog::embedded().get("h20").unwrap();
    /// let v = h20.to_json();
    /// assert_eq!(v["id"], "h20");
    /// assert!(v["derived"]["tpp"].as_f64().unwrap() > 2_300.0);
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let per_precision = |f: &dyn Fn(Precision) -> Option<f64>| {
            self.dense
                .keys()
                .map(|p| (p.to_string(), serde_json::json!(f(*p))))
                .collect::<serde_json::Map<_, _>>()
        };
        let derived = serde_json::json!({
            "tpp": self.tpp(),
            "tpp_precision": self.tpp_precision(),
            "performance_density": self.performance_density(),
            "applicable_die_area_mm2": self.applicable_die_area_mm2(),
            "ridge_point_flop_per_byte": per_precision(&|p| self.ridge_point_flop_per_byte(p)),
            "bytes_per_flop": per_precision(&|p| self.bytes_per_flop(p)),
            "flops_per_w": per_precision(&|p| self.flops_per_w(p)),
            "flops_per_usd": per_precision(&|p| self.flops_per_usd(p)),
        });
        if let serde_json::Value::Object(map) = &mut v {
            map.insert("derived".into(), derived);
        }
        v
    }
}
