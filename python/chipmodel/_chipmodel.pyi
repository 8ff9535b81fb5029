"""Type stubs for the native module ``chipmodel._chipmodel`` (hand-written; checked by tests).

Every number is SI with its unit in the name: bytes, bytes/s, FLOP/s (OP/s for integer
precisions), watts, mm².
"""

import os
from collections.abc import Iterator
from typing import Any, final

import numpy as np
import numpy.typing as npt

__version__: str
NOT_LEGAL_ADVICE: str
__all__ = [
    "NOT_LEGAL_ADVICE",
    "Assumptions",
    "Fleet",
    "FleetReport",
    "equivalent_fleet",
    "export_shock",
    "schedule",
    "Scenario",
    "load_scenario",
    "run_scenario",
    "scenarios",
    "plan_hybrid",
    "monte_carlo",
    "sensitivity",
    "Classification",
    "RuleSet",
    "UnknownRulesError",
    "_rules_from_json",
    "_rules_from_toml",
    "classify",
    "diffusion_caps",
    "flips",
    "headroom",
    "rule_set",
    "rule_sets",
    "timeline",
    "CalibrationFit",
    "ConfigError",
    "InferenceEstimate",
    "Model",
    "TrainingEstimate",
    "UnknownModelError",
    "UnsupportedPrecisionError",
    "_sweep_inference",
    "best_inference",
    "calibrate",
    "calibration",
    "estimate_inference",
    "estimate_training",
    "model",
    "models",
    "Catalog",
    "CatalogError",
    "CatalogFileError",
    "Chip",
    "ChipModelError",
    "Comparison",
    "UnknownChipError",
    "UnknownPrecisionError",
    "__version__",
    "embedded_catalog",
    "load_catalog",
]

class ChipModelError(Exception):
    """Base class of every error chipmodel raises."""

class UnknownChipError(ChipModelError, KeyError):
    """A chip name matched no id, alias or name."""

    name: str
    suggestions: list[str]

class UnknownPrecisionError(ChipModelError, ValueError):
    """A precision name chipmodel does not know."""

    name: str

class CatalogError(ChipModelError, ValueError):
    """A data file (catalog, model, rules or scenario) is invalid; ``file``, ``chip`` (the entry) and ``field`` say where."""

    file: str
    chip: str | None
    field: str | None

class UnknownModelError(ChipModelError, KeyError):
    """A model name matched no id, alias or name."""

    name: str
    suggestions: list[str]

class ConfigError(ChipModelError, ValueError):
    """An argument is out of range or inconsistent with another; ``field`` says which."""

    field: str
    value: str | None

class UnsupportedPrecisionError(ChipModelError, ValueError):
    """The chip has no rate for the precision asked for."""

    chip: str
    precision: str
    field: str

class UnknownRulesError(ChipModelError, KeyError):
    """A rule-set id matched nothing."""

    name: str
    suggestions: list[str]

class CatalogFileError(ChipModelError, OSError):
    """A data file (catalog or scenario) could not be read."""

    file: str

@final
class Chip:
    """An accelerator from the catalog."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def vendor(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...
    @property
    def form_factor(self) -> str: ...
    @property
    def datacenter(self) -> bool: ...
    @property
    def release_date(self) -> str: ...
    @property
    def process_node(self) -> str | None: ...
    @property
    def non_planar(self) -> bool | None: ...
    @property
    def die_area_mm2(self) -> float | None:
        """Sum of logic die areas, mm² (HBM excluded)."""
    @property
    def transistors(self) -> float | None: ...
    @property
    def memory_type(self) -> str: ...
    @property
    def memory_capacity_bytes(self) -> float: ...
    @property
    def memory_bandwidth_bytes_per_s(self) -> float: ...
    @property
    def scale_up_bandwidth_bytes_per_s(self) -> float | None: ...
    @property
    def io_bandwidth_bytes_per_s(self) -> float | None: ...
    @property
    def scale_out_bandwidth_bytes_per_s(self) -> float | None: ...
    @property
    def tdp_w(self) -> float: ...
    @property
    def price(self) -> dict[str, Any] | None:
        """``{"amount", "currency", "date", "estimate"}``."""
    @property
    def price_usd(self) -> float | None: ...
    @property
    def precisions(self) -> list[str]: ...
    def dense_flops_per_s(self, precision: str) -> float | None:
        """Dense peak at ``precision`` in FLOP/s (OP/s for int8/int4); None if unsupported."""
    def sparse_flops_per_s(self, precision: str) -> float | None: ...
    @property
    def tpp(self) -> float:
        """Total Processing Performance: max over precisions of dense TOPS × bit length."""
    @property
    def tpp_precision(self) -> str | None: ...
    @property
    def performance_density(self) -> float | None:
        """TPP per mm² of non-planar logic die; None when the die area is unknown."""
    @property
    def has_estimates(self) -> bool: ...
    def ridge_point_flop_per_byte(self, precision: str) -> float | None: ...
    def bytes_per_flop(self, precision: str) -> float | None: ...
    def flops_per_w(self, precision: str) -> float | None: ...
    def flops_per_usd(self, precision: str) -> float | None: ...
    @property
    def sources(self) -> dict[str, dict[str, Any]]: ...
    def provenance(self, field: str) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def report(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Comparison:
    """Two chips side by side; ``ratio(metric)`` is first ÷ second."""

    @property
    def a(self) -> str: ...
    @property
    def b(self) -> str: ...
    @property
    def metrics(self) -> list[str]: ...
    @property
    def rows(self) -> list[dict[str, Any]]: ...
    def ratio(self, metric: str) -> float | None: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Catalog:
    """A set of chips and their sources."""

    def chips(self) -> list[Chip]: ...
    def chip(self, name: str) -> Chip: ...
    def ids(self) -> list[str]: ...
    def sources(self) -> dict[str, dict[str, Any]]: ...
    def load(self, path: str | os.PathLike[str]) -> Catalog: ...
    def compare(self, a: str | Chip, b: str | Chip) -> Comparison: ...
    def table(self) -> str: ...
    def columns(self) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_] | list[str]]: ...
    def __len__(self) -> int: ...
    def __contains__(self, key: str, /) -> bool: ...
    def __getitem__(self, key: str, /) -> Chip: ...
    def __iter__(self) -> Iterator[Chip]: ...

def embedded_catalog() -> Catalog: ...
def load_catalog(path: str | os.PathLike[str]) -> Catalog: ...

@final
class Model:
    """A decoder-only LLM architecture."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...
    @property
    def hidden_size(self) -> int: ...
    @property
    def num_layers(self) -> int: ...
    @property
    def num_heads(self) -> int: ...
    @property
    def num_kv_heads(self) -> int: ...
    @property
    def head_dim(self) -> int: ...
    @property
    def intermediate_size(self) -> int: ...
    @property
    def vocab_size(self) -> int: ...
    @property
    def max_position_embeddings(self) -> int: ...
    @property
    def is_moe(self) -> bool: ...
    @property
    def is_mla(self) -> bool: ...
    @property
    def num_experts(self) -> int: ...
    @property
    def top_k(self) -> int: ...
    @property
    def total_params(self) -> float: ...
    @property
    def active_params(self) -> float: ...
    @property
    def published_params(self) -> float | None: ...
    def weight_bytes(self, dtype: str = "bf16") -> float:
        """Bytes of weights at ``dtype``."""
    def kv_cache_bytes_per_token(self, dtype: str = "bf16") -> float:
        """KV cache bytes per token, all layers."""
    @property
    def sources(self) -> dict[str, dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    @staticmethod
    def from_hf_config(config: dict[str, Any], id: str | None = None) -> Model: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class InferenceEstimate:
    """An inference estimate: times in s, memory in bytes, throughput in output tokens/s."""

    @property
    def model(self) -> str: ...
    @property
    def chip(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def n_chips(self) -> int: ...
    @property
    def tp(self) -> int: ...
    @property
    def pp(self) -> int: ...
    @property
    def dp(self) -> int: ...
    @property
    def ep(self) -> int: ...
    @property
    def batch(self) -> int: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def weight_dtype(self) -> str: ...
    @property
    def act_dtype(self) -> str: ...
    @property
    def kv_dtype(self) -> str: ...
    @property
    def fits(self) -> bool: ...
    @property
    def memory_per_chip_bytes(self) -> float: ...
    @property
    def memory_shortfall_bytes(self) -> float: ...
    @property
    def kv_policy(self) -> str: ...
    @property
    def memory(self) -> dict[str, float]: ...
    @property
    def ttft_s(self) -> float: ...
    @property
    def tpot_s(self) -> float: ...
    @property
    def e2e_latency_s(self) -> float: ...
    @property
    def throughput_tokens_per_s(self) -> float: ...
    @property
    def static_throughput_tokens_per_s(self) -> float: ...
    @property
    def energy_per_token_j(self) -> float: ...
    @property
    def bound(self) -> str: ...
    @property
    def phases(self) -> dict[str, Any]: ...
    @property
    def params(self) -> dict[str, float]: ...
    @property
    def chosen_by(self) -> str: ...
    def breakdown(self) -> list[dict[str, Any]]: ...
    def max_batch(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class TrainingEstimate:
    """A training estimate: time in s, memory in bytes, energy in J."""

    @property
    def model(self) -> str: ...
    @property
    def chip(self) -> str: ...
    @property
    def flops_per_token(self) -> float: ...
    @property
    def total_flops(self) -> float: ...
    @property
    def mfu(self) -> float: ...
    @property
    def mfu_source(self) -> str: ...
    @property
    def time_s(self) -> float: ...
    @property
    def chip_hours(self) -> float: ...
    @property
    def energy_j(self) -> float: ...
    @property
    def memory_per_chip_bytes(self) -> float: ...
    @property
    def fits(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CalibrationFit:
    """Fitted parameters and residuals."""

    @property
    def params(self) -> dict[str, float]: ...
    @property
    def fitted(self) -> list[str]: ...
    @property
    def residuals(self) -> list[float]: ...
    @property
    def rms_relative_error(self) -> float: ...

def models() -> list[Model]: ...
def model(name: str) -> Model: ...
def estimate_inference(
    model: str | Model,
    chip: str | Chip,
    *,
    n_chips: int = 1,
    tp: int | None = None,
    pp: int = 1,
    ep: int = 1,
    batch: int = 1,
    input_tokens: int = 1024,
    output_tokens: int = 128,
    weight_dtype: str = "bf16",
    kv_dtype: str | None = None,
    act_dtype: str | None = None,
    mode: str = "calibrated",
    kv_policy: str = "static",
    params: dict[str, float] | None = None,
) -> InferenceEstimate: ...
def best_inference(
    model: str | Model,
    chip: str | Chip,
    *,
    n_chips: int,
    input_tokens: int = 1024,
    output_tokens: int = 128,
    weight_dtype: str = "bf16",
    kv_dtype: str | None = None,
    act_dtype: str | None = None,
    ttft_slo_s: float | None = None,
    tpot_slo_s: float | None = None,
    max_batch: int | None = None,
    tp: int | None = None,
    pp: int | None = None,
    kv_policy: str = "on-demand",
    mode: str = "calibrated",
    params: dict[str, float] | None = None,
) -> InferenceEstimate: ...
def _sweep_inference(
    models: Any,
    chips: Any,
    *,
    n_chips: Any,
    tp: Any,
    pp: Any,
    ep: Any,
    batch: Any,
    input_tokens: Any,
    output_tokens: Any,
    weight_dtype: Any,
    kv_dtype: Any,
    mode: Any,
    threads: int = 0,
) -> dict[str, Any]: ...
def estimate_training(
    model: str | Model,
    chip: str | Chip,
    *,
    n_chips: int,
    tokens: float,
    seq_len: int = 4096,
    global_batch: int = 1024,
    micro_batch: int = 1,
    tp: int | None = None,
    pp: int = 1,
    ep: int = 1,
    zero_stage: int = 1,
    recompute: str = "selective",
    compute_dtype: str = "bf16",
    mfu: float | None = None,
    mode: str = "calibrated",
) -> TrainingEstimate: ...
def calibrate(measurements: list[dict[str, Any]]) -> CalibrationFit: ...
def calibration(chip: str | Chip) -> dict[str, Any]:
    """A chip's calibrated parameters with the source of each value."""

@final
class RuleSet:
    """One US export-control rule version (or a what-if variant)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def citation(self) -> str: ...
    @property
    def effective(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def uncertain(self) -> list[str]: ...
    def with_line(self, metric: str, old: float, new: float) -> RuleSet:
        """Every threshold on ``metric`` equal to ``old`` moved to ``new``."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class Classification:
    """How a chip is classified for a destination on a date. Not legal advice."""

    @property
    def chip(self) -> str: ...
    @property
    def destination(self) -> str: ...
    @property
    def destination_groups(self) -> list[str]: ...
    @property
    def date(self) -> str: ...
    @property
    def rules(self) -> str | None: ...
    @property
    def eccn(self) -> str | None: ...
    @property
    def determined(self) -> bool: ...
    @property
    def controlled(self) -> bool: ...
    @property
    def license_required(self) -> bool: ...
    @property
    def review_policy(self) -> str: ...
    @property
    def exceptions(self) -> list[dict[str, str]]: ...
    @property
    def tariff(self) -> dict[str, Any] | None: ...
    @property
    def reasons(self) -> list[dict[str, Any]]: ...
    @property
    def decision(self) -> list[str]: ...
    @property
    def conditions(self) -> list[str]: ...
    @property
    def uncertain(self) -> list[str]: ...
    @property
    def disclaimer(self) -> str: ...
    def summary(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

def classify(
    chip: str | Chip,
    destination: str = "CN",
    date: str = "2026-02-01",
    rules: str | RuleSet | None = None,
    end_user_hq: str | None = None,
) -> Classification: ...
def timeline(chip: str | Chip, destination: str = "CN", end_user_hq: str | None = None) -> list[dict[str, Any]]: ...
def rule_sets() -> list[RuleSet]: ...
def rule_set(id: str) -> RuleSet: ...
def _rules_from_toml(text: str, name: str = "rules.toml") -> RuleSet: ...
def _rules_from_json(text: str, name: str = "rules.json") -> RuleSet: ...
def flips(
    base: str | RuleSet,
    variant: str | RuleSet,
    chips: Any = None,
    destination: str = "CN",
    date: str | None = None,
) -> list[dict[str, Any]]: ...
def headroom(chip: str | Chip, rules: str | RuleSet | None = None) -> dict[str, Any]: ...
def diffusion_caps(fleet: dict[str, float]) -> dict[str, Any]: ...

@final
class Assumptions:
    """Economic assumptions, each with a default, a range, a unit and a source."""

    def __new__(cls, overrides: dict[str, float] | None = None) -> Assumptions: ...
    def replace(self, name: str, value: float) -> Assumptions: ...
    def get(self, name: str) -> float: ...
    @property
    def names(self) -> list[str]: ...
    @property
    def unsourced(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_frame(self) -> Any: ...

@final
class Fleet:
    """Groups of chips at sites."""

    def __new__(cls, groups: Any, horizon_years: float = 4.0) -> Fleet: ...
    @property
    def count(self) -> float: ...
    def tco(self, assumptions: Assumptions | None = None, workload: str | dict[str, Any] | None = None) -> FleetReport: ...

@final
class FleetReport:
    """A fleet's costs and output (USD, MW, GWh, tokens)."""

    @property
    def total(self) -> dict[str, Any]: ...
    @property
    def groups(self) -> list[dict[str, Any]]: ...
    @property
    def unsourced_assumptions(self) -> list[str]: ...
    def to_frame(self) -> Any: ...
    def to_dict(self) -> dict[str, Any]: ...

def equivalent_fleet(
    fleet: Fleet,
    chip: str = "ascend-910c",
    site: str = "cn",
    workload: str | dict[str, Any] | None = None,
    assumptions: Assumptions | None = None,
) -> tuple[float, FleetReport]: ...
def schedule(
    fleet: Fleet, assumptions: Assumptions | None = None, workload: str | dict[str, Any] | None = None
) -> list[dict[str, Any]]: ...
def export_shock(
    fleet: Fleet,
    date: str,
    chips: list[str],
    replacement: str | None = None,
    site: str = "cn",
    assumptions: Assumptions | None = None,
    workload: str | dict[str, Any] | None = None,
) -> dict[str, Any]: ...
def monte_carlo(
    fleet: Fleet,
    assumptions: Assumptions | None = None,
    workload: str | dict[str, Any] | None = None,
    samples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]: ...
def sensitivity(
    fleet: Fleet,
    output: str = "usd_per_gpu_hour",
    assumptions: Assumptions | None = None,
    workload: str | dict[str, Any] | None = None,
) -> list[dict[str, Any]]: ...

@final
class Scenario:
    """A checked scenario: a fleet, a workload, assumption overrides, compliance dates, comparisons."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def fleet(self) -> Fleet: ...
    @property
    def assumptions(self) -> Assumptions: ...
    def to_dict(self) -> dict[str, Any]: ...

def scenarios() -> list[str]: ...
def load_scenario(path: str | os.PathLike[str] | None = None) -> Scenario: ...
def run_scenario(scenario: Scenario | str | os.PathLike[str] | None = None) -> dict[str, Any]: ...

def plan_hybrid(
    supplies: list[dict[str, Any]],
    demands: list[dict[str, Any]],
    power_cap_mw: float | None = None,
    budget_usd: float | None = None,
    assumptions: Assumptions | None = None,
    horizon_years: float = 4.0,
) -> dict[str, Any]:
    """The cheapest chip mix (TCO USD/year) serving every demand (output tokens/day) within the
    supply caps (chips), the power cap (MW) and the capex budget (USD), with shadow prices: USD/year
    per token/day of demand, USD/year saved per extra chip, per MW, per USD of budget."""
    ...
