"""Type stubs for the native module ``chipmodel._chipmodel`` (hand-written; checked by tests).

Every number is SI with its unit in the name: bytes, bytes/s, FLOP/s (OP/s for integer
precisions), watts, mm².
"""

import datetime
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Literal, final

import numpy as np
import numpy.typing as npt

from chipmodel import results
from chipmodel.inputs import DemandDict, GroupDict, MeasurementDict, SupplyDict, WorkloadDict

__version__: str
NOT_LEGAL_ADVICE: str
DEFAULT_DATE: str
__all__ = [
    "Reduction",
    "SweepGrid",
    "NOT_LEGAL_ADVICE",
    "DEFAULT_DATE",
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
    "_compliance_columns",
    "_rules_from_toml",
    "classify",
    "diffusion_caps",
    "flips",
    "headroom",
    "rule_set",
    "rule_sets",
    "timeline",
    "CalibrationFit",
    "ArgumentTypeError",
    "ConfigError",
    "InfeasibleError",
    "InferenceEstimate",
    "Model",
    "TrainingEstimate",
    "UnknownModelError",
    "UnsupportedPrecisionError",
    "_unpickle",
    "_read_data_file",
    "_panic_for_tests",
    "_monte_carlo_draws",
    "best_inference",
    "calibrate",
    "calibration",
    "estimate_inference",
    "estimate_training",
    "EngineProfile",
    "engine",
    "engines",
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
    """A chip name matched no id, alias or name; the message suggests the closest ids (attribute `suggestions`)."""

    name: str
    suggestions: list[str]

class UnknownPrecisionError(ChipModelError, ValueError):
    """A precision name chipmodel does not know."""

    name: str

class CatalogError(ChipModelError, ValueError):
    """A data file (catalog, model, rules or scenario) is invalid: attributes `file`, `item` (the kind of entry: `chip`, `model`, `scenario`, ...), `entry` (its id), `field`, and `chip` (the id where the entry is a chip, else None) say where."""

    file: str
    item: str | None
    entry: str | None
    chip: str | None
    field: str | None

class UnknownModelError(ChipModelError, KeyError):
    """A model name matched no id, alias or name; the message suggests the closest ids (attribute `suggestions`)."""

    name: str
    suggestions: list[str]

class ArgumentTypeError(ChipModelError, TypeError):
    """An argument has the wrong Python type (a float where a whole number is needed, a number where a name is): attribute `field` names it."""

    field: str

class ConfigError(ChipModelError, ValueError):
    """An argument is out of range or inconsistent with another: attributes `field` and `value` say which."""

    field: str
    value: str | None

class InfeasibleError(ConfigError):
    """No plan meets every demand within the supply caps, the power cap and the budget (a ``ConfigError``: attributes `field` and `value` name the demands)."""

class UnsupportedPrecisionError(ChipModelError, ValueError):
    """The chip has no rate for the precision asked for (attributes `chip`, `precision`, `field`)."""

    chip: str
    precision: str
    field: str

class UnknownRulesError(ChipModelError, KeyError):
    """A rule-set id matched nothing; the message suggests the closest ids."""

    name: str
    suggestions: list[str]

class CatalogFileError(ChipModelError, OSError):
    """A data file (catalog or scenario) could not be read."""

    file: str

@final
class Chip:
    """An accelerator from the catalog. Every number is SI with its unit in the name."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def id(self) -> str:
        """Lowercase slug, e.g. ``"h200-sxm"``."""
    @property
    def name(self) -> str:
        """Display name."""
    @property
    def vendor(self) -> str:
        """Designer, e.g. ``"NVIDIA"``."""
    @property
    def aliases(self) -> list[str]:
        """Other names the chip is looked up by."""
    @property
    def form_factor(self) -> str:
        """``"sxm"``, ``"pcie"``, ``"oam"``, ``"superchip"`` or ``"module"``."""
    @property
    def datacenter(self) -> bool:
        """Designed or marketed for datacenters (export-control Note 2 to 3A090)."""
    @property
    def release_date(self) -> str:
        """Announcement or first availability, ``YYYY[-MM[-DD]]``."""
    @property
    def process_node(self) -> str | None:
        """Process node name, or None."""
    @property
    def non_planar(self) -> bool | None:
        """Whether the process is non-planar (FinFET/GAA), or None if unknown."""
    @property
    def die_area_mm2(self) -> float | None:
        """Sum of logic die areas in mm² (HBM excluded), or None if not disclosed."""
    @property
    def transistors(self) -> float | None:
        """Transistor count, or None."""
    @property
    def memory_type(self) -> str:
        """Memory technology, e.g. ``"HBM3e"``."""
    @property
    def memory_capacity_bytes(self) -> float:
        """Memory capacity in bytes."""
    @property
    def device_memory_bytes(self) -> float:
        """Memory as the device and the serving engines see it, bytes (binary: an H200 reports 141
        GiB ≈ 151.4e9 bytes against the datasheet's 141 GB); the datasheet figure where no source
        gives it (``device_memory_is_datasheet``). The performance model sizes the KV cache from it.
        """
    @property
    def device_memory_is_datasheet(self) -> bool:
        """Whether ``device_memory_bytes`` falls back to the datasheet figure."""
    @property
    def memory_bandwidth_bytes_per_s(self) -> float:
        """Memory bandwidth in bytes per second."""
    @property
    def scale_up_bandwidth_bytes_per_s(self) -> float | None:
        """Scale-up interconnect bandwidth, both directions, bytes/s, or None."""
    @property
    def io_bandwidth_bytes_per_s(self) -> float | None:
        """Aggregate bidirectional chip-to-chip I/O (not memory), bytes/s, or None."""
    @property
    def scale_out_bandwidth_bytes_per_s(self) -> float | None:
        """Scale-out network bandwidth per chip, bytes/s, or None."""
    @property
    def tdp_w(self) -> float:
        """Thermal design power in watts."""
    @property
    def price(self) -> dict[str, Any] | None:
        """Price as ``{"amount", "currency", "date"}``, or None."""
    @property
    def price_usd(self) -> float | None:
        """Price in US dollars where the catalog gives one in USD, else None."""
    @property
    def precisions(self) -> list[str]:
        """Precisions with a dense rate, widest first."""
    def dense_flops_per_s(self, precision: str) -> float | None:
        """Dense peak rate at ``precision`` in FLOP/s (OP/s for integers); None if unsupported."""
    def sparse_flops_per_s(self, precision: str) -> float | None:
        """The vendor's sparse figure at ``precision`` in FLOP/s, where published."""
    @property
    def tpp(self) -> float:
        """Total Processing Performance (88 FR 73458): max over precisions of dense TOPS × bits."""
    @property
    def tpp_precision(self) -> str | None:
        """The precision that sets the TPP."""
    @property
    def performance_density(self) -> float | None:
        """TPP per mm² of non-planar logic die, or None when the die area is unknown."""
    @property
    def has_estimates(self) -> bool:
        """Whether any value is an estimate."""
    def ridge_point_flop_per_byte(self, precision: str) -> float | None:
        """Roofline ridge point at ``precision`` in FLOP per byte, or None if unsupported."""
    def bytes_per_flop(self, precision: str) -> float | None:
        """Memory bandwidth per FLOP at ``precision`` (bytes per FLOP)."""
    def flops_per_w(self, precision: str) -> float | None:
        """Dense FLOP/s per watt of TDP at ``precision``."""
    def flops_per_usd(self, precision: str) -> float | None:
        """Dense FLOP/s per US dollar at ``precision``; None without a USD price."""
    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        """Sources cited by this chip: ``{key: {"title", "url", "date", "kind", ...}}``."""
    def provenance(self, field: str) -> dict[str, Any]:
        """Provenance of a field by its catalog-file name (``"memory_bandwidth"``, ``"dense.bf16"``):
        ``{"source", "estimate", "as_written", "note", "conflicts"}``.
        """
    def to_dict(self) -> dict[str, Any]:
        """Every value with its provenance, and the derived metrics, as plain Python data."""
    def report(self) -> str:
        """Every value with its source, notes and conflicts, then derived metrics, as text."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Comparison:
    """Two chips side by side; ``ratio(metric)`` is first ÷ second."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def a(self) -> str:
        """First chip id."""
    @property
    def b(self) -> str:
        """Second chip id."""
    @property
    def metrics(self) -> list[str]:
        """Metric names (SI, unit in the name)."""
    @property
    def rows(self) -> list[dict[str, Any]]:
        """Rows as dicts: metric, label, display_unit, a, b, ratio, display_factor, estimate."""
    def ratio(self, metric: str) -> float | None:
        """First ÷ second for ``metric``; None when either value is missing."""
    def columns(self) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_] | list[Any]]:
        """Column arrays, one entry per metric: ``metric``, ``label``, the two chip ids (SI values,
        NaN where unknown), ``ratio`` and ``estimate``.
        """
    def to_dict(self) -> dict[str, Any]:
        """The comparison as a dict."""

@final
class Catalog:
    """Chips and models with their sources: the embedded catalog, or it with a user's file loaded
    over it. Every function that takes names looks them up in the ``catalog=`` it is given (by
    default this embedded one).
    """

    def to_toml(self) -> str:
        """The chips as one catalog file (sources and chips, overrides applied): loading it into an
        empty catalog gives the same chips and sources. (Models are not written.)
        """
    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename)."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    def chips(self) -> list[Chip]:
        """Every chip, in catalog order."""
    def chip(self, name: str) -> Chip:
        """The chip with this id, alias or name (any case). Raises ``UnknownChipError``."""
    def models(self) -> list[Model]:
        """Every model, in catalog order."""
    def model(self, name: str) -> Model:
        """The model with this id, alias or name (any case). Raises ``UnknownModelError``."""
    def with_model(self, model: Model) -> Catalog:
        """This catalog with ``model`` added (a ``Model.from_hf_config`` result, say), so that fleets,
        plans and scenarios can name it. Raises ``CatalogError`` when its id or an alias is taken.
        """
    def ids(self) -> list[str]:
        """Every chip id."""
    def sources(self) -> dict[str, dict[str, Any]]:
        """Every source: ``{key: {"title", "url", "date", "kind", ...}}``."""
    def load(self, path: str | os.PathLike[str]) -> Catalog:
        """Loads ``path`` over this catalog (new chips, ``[[override]]`` entries and ``[[model]]``
        entries), all or nothing.
        """
    def compare(self, a: str | Chip, b: str | Chip) -> Comparison:
        """Side-by-side comparison of two chips (names or ``Chip`` objects)."""
    def table(self) -> str:
        """The catalog as an 80-column text table."""
    def columns(self) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_] | list[str]]:
        """Column arrays of every chip and its derived metrics: numbers as ``numpy.ndarray``
        (NaN where unknown), text as lists. Units are in the column names.
        """
    def __len__(self) -> int: ...
    def __contains__(self, key: str, /) -> bool: ...
    def __getitem__(self, key: str, /) -> Chip: ...
    def __iter__(self) -> Iterator[Chip]: ...

def embedded_catalog() -> Catalog:
    """The catalog shipped with chipmodel."""
def load_catalog(path: str | os.PathLike[str], embedded: bool = True) -> Catalog:
    """Loads a catalog file (chips, overrides, models) over the embedded catalog (or, with
    ``embedded=False``, on its own), all or nothing.
    """

@final
class Model:
    """A decoder-only LLM architecture."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def id(self) -> str:
        """Lowercase slug, e.g. ``"llama-2-70b"``."""
    @property
    def name(self) -> str:
        """Display name."""
    @property
    def family(self) -> str:
        """Family (``"llama"``, ``"qwen"``, …)."""
    @property
    def aliases(self) -> list[str]:
        """Other names it is looked up by."""
    @property
    def hidden_size(self) -> int:
        """Width of the residual stream."""
    @property
    def num_layers(self) -> int:
        """Decoder layers."""
    @property
    def num_heads(self) -> int:
        """Query heads."""
    @property
    def num_kv_heads(self) -> int:
        """Key/value heads."""
    @property
    def head_dim(self) -> int:
        """Per-head dimension."""
    @property
    def intermediate_size(self) -> int:
        """Dense MLP intermediate size."""
    @property
    def vocab_size(self) -> int:
        """Vocabulary size."""
    @property
    def max_position_embeddings(self) -> int:
        """Longest supported context."""
    @property
    def is_moe(self) -> bool:
        """Whether it is a mixture of experts."""
    @property
    def is_mla(self) -> bool:
        """Whether it uses multi-head latent attention."""
    @property
    def num_experts(self) -> int:
        """Routed experts (0 for dense models)."""
    @property
    def top_k(self) -> int:
        """Experts per token (0 for dense models)."""
    @property
    def total_params(self) -> float:
        """Total parameters computed from the architecture."""
    @property
    def active_params(self) -> float:
        """Parameters one token uses."""
    @property
    def published_params(self) -> float | None:
        """Published total, or None."""
    def weight_bytes(self, dtype: str = "bf16") -> float:
        """Bytes of weights at ``dtype``."""
    def kv_cache_bytes_per_token(self, dtype: str = "bf16") -> float:
        """KV cache bytes per token (all layers) at ``dtype``."""
    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        """Sources cited."""
    def to_dict(self) -> dict[str, Any]:
        """Every field, plus computed parameter counts."""
    @staticmethod
    def from_hf_config(config: dict[str, Any], id: str | None = None) -> Model:
        """A model from a Hugging Face ``config.json`` dictionary."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class InferenceEstimate:
    """The result of an inference estimate. Times in s, memory in bytes, throughput in output
    tokens per second for the whole system, energy in J per output token.
    """

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...
    @property
    def schedule(self) -> dict[str, Any] | None:
        """The serving engine's schedule of the batch, where an engine ran it: sequences and
        micro-batches per replica, the token budget, prompt and decode tokens per step, steps
        that carry prefill and that decode only, their times, host time, pipeline sends and
        bubble, the cycle, TTFT and TPOT. None for an estimate without an engine (or ``ideal``).
        """
    @property
    def alternatives(self) -> list[dict[str, Any]]:
        """The next best layouts of a ``best_inference`` search (up to three): ``tp``, ``pp``,
        ``ep``, ``dp``, ``batch``, throughput, TTFT, TPOT and the pipeline bubble's share of the
        cycle; empty for a configuration given as is.
        """
    @property
    def kernel_curves(self) -> str | None:
        """The source of the measured kernel curves the estimate priced with (``"aic-h200-sxm"``:
        NVIDIA's AIConfigurator database); None where the chip has none and the flat calibrated
        efficiencies apply.
        """

    @property
    def calibration_estimates(self) -> tuple[int, int]:
        """``(estimated, total)``: how many of the calibration values behind the figures are
        estimates (analogies, inferred) rather than measurements, e.g. ``(11, 12)`` on Ascend,
        ``(1, 14)`` on Hopper; ``(0, 0)`` in roofline mode or with ``params`` given.
        """
    @property
    def engine(self) -> str | None:
        """The serving engine whose limits the layout search obeyed (``"ideal"``: none); None for a
        configuration given as is.
        """
    @property
    def compute_dtype(self) -> str:
        """The precision matrices are multiplied in (lower than ``weight_dtype``'s when the chip runs
        the weights weight-only; ``notes`` says so).
        """
    @property
    def notes(self) -> list[str]:
        """Every substitution and assumption the inputs did not state: a weight-only mapping, a run
        beyond the trained context, an offline maximum-throughput choice without latency targets.
        """
    @property
    def beyond_trained_context(self) -> bool:
        """Whether ``input_tokens + output_tokens`` is beyond the model's trained context (computed,
        as engines run it, and flagged).
        """
    @property
    def model(self) -> str:
        """Model id."""
    @property
    def chip(self) -> str:
        """Chip id."""
    @property
    def mode(self) -> str:
        """``"roofline"`` or ``"calibrated"``."""
    @property
    def n_chips(self) -> int:
        """Chips."""
    @property
    def tp(self) -> int:
        """Tensor parallelism."""
    @property
    def pp(self) -> int:
        """Pipeline stages."""
    @property
    def dp(self) -> int:
        """Data-parallel replicas."""
    @property
    def ep(self) -> int:
        """Expert parallelism."""
    @property
    def batch(self) -> int:
        """Concurrent sequences, whole system."""
    @property
    def input_tokens(self) -> int:
        """Prompt tokens."""
    @property
    def output_tokens(self) -> int:
        """Generated tokens."""
    @property
    def weight_dtype(self) -> str:
        """Weight precision."""
    @property
    def act_dtype(self) -> str:
        """Matrix-multiply precision."""
    @property
    def kv_dtype(self) -> str:
        """KV cache precision."""
    @property
    def fits(self) -> bool:
        """Whether everything fits in each chip's memory."""
    @property
    def memory_per_chip_bytes(self) -> float:
        """Memory per chip in bytes (weights + KV cache + activations + reserve)."""
    @property
    def memory_shortfall_bytes(self) -> float:
        """Bytes per chip over capacity (0 when it fits)."""
    @property
    def kv_policy(self) -> str:
        """How the KV cache is held: ``"static"``, ``"reserved"`` or ``"on-demand"``."""
    @property
    def memory(self) -> dict[str, float]:
        """Memory per chip by part, bytes."""
    @property
    def ttft_s(self) -> float:
        """Time to first token, s."""
    @property
    def tpot_s(self) -> float:
        """Time per output token, s."""
    @property
    def e2e_latency_s(self) -> float:
        """End-to-end latency of one request, s."""
    @property
    def throughput_tokens_per_s(self) -> float:
        """Output tokens per second, whole system, continuous-batching steady state."""
    @property
    def static_throughput_tokens_per_s(self) -> float:
        """Output tokens per second running the batch start to end."""
    @property
    def energy_per_token_j(self) -> float:
        """Chip energy per output token at TDP, J."""
    @property
    def bound(self) -> str:
        """What bounds decode: ``"compute"``, ``"memory"``, ``"communication"`` or ``"overhead"``."""
    @property
    def phases(self) -> dict[str, Any]:
        """Per-phase totals: ``{"prefill": {...}, "decode": {...}, "steady": {...}}``."""
    @property
    def params(self) -> dict[str, float]:
        """The parameters used (efficiencies, overheads)."""
    @property
    def chosen_by(self) -> str:
        """How the configuration was chosen."""
    def breakdown(self) -> list[dict[str, Any]]:
        """Per-phase, per-operator breakdown: a list of dicts (phase, op, count, flops, bytes,
        comm_bytes, time_s, bound), per chip, summed over layers.
        """
    def max_batch(self) -> int:
        """The largest batch whose memory fits with this layout."""
    def breakdown_columns(self) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_] | list[Any]]:
        """The breakdown as column arrays (numbers as numpy arrays): ``phase``, ``op``, ``count``,
        ``flops``, ``bytes``, ``comm_bytes``, ``time_s``, ``bound``.
        """
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python data, the breakdown included."""

@final
class TrainingEstimate:
    """The result of a training estimate (times in s, memory in bytes, energy in J)."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def model(self) -> str:
        """Model id."""
    @property
    def chip(self) -> str:
        """Chip id."""
    @property
    def flops_per_token(self) -> float:
        """FLOPs per training token (6N + attention)."""
    @property
    def total_flops(self) -> float:
        """FLOPs for the run."""
    @property
    def mfu(self) -> float:
        """Model-FLOPs utilization used."""
    @property
    def mfu_source(self) -> str:
        """How the MFU was obtained."""
    @property
    def time_s(self) -> float:
        """Wall time, s."""
    @property
    def chip_hours(self) -> float:
        """Chip-hours."""
    @property
    def energy_j(self) -> float:
        """Chip energy at TDP, J."""
    @property
    def memory_per_chip_bytes(self) -> float:
        """Memory per chip, bytes."""
    @property
    def fits(self) -> bool:
        """Whether it fits."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data."""

@final
class CalibrationFit:
    """Fitted parameters and residuals."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def params(self) -> dict[str, float]:
        """Parameters: pass as ``params=`` to ``estimate_inference``."""
    @property
    def fitted(self) -> list[str]:
        """Names of the parameters the points determined."""
    @property
    def residuals(self) -> list[float]:
        """Predicted / measured − 1 per point."""
    @property
    def rms_relative_error(self) -> float:
        """Root mean square of the residuals."""

def models(*, catalog: Catalog | None = None) -> list[Model]:
    """Every model of ``catalog`` (default: the embedded one)."""
def model(name: str, *, catalog: Catalog | None = None) -> Model:
    """A model by id, alias or name (any case), in ``catalog`` (default: the embedded one). Raises
    ``UnknownModelError``.
    """
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
    engine: str | EngineProfile | None = None,
    catalog: Catalog | None = None,
) -> InferenceEstimate:
    """Estimates inference of ``model`` on ``chip`` (names or objects) at the given layout and batch.
    With ``engine`` (an id or an ``EngineProfile``), as that engine runs the batch: its KV
    admission (replacing ``kv_policy``) and its schedule of an offline wave; a batch over the
    engine's cap raises ``ConfigError``. Without one, the engine-free model (a static batch, and
    the continuous-batching steady state as ``throughput_tokens_per_s``).
    """
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
    kv_policy: str | None = None,
    mode: str = "calibrated",
    params: dict[str, float] | None = None,
    engine: str | EngineProfile | None = None,
    catalog: Catalog | None = None,
) -> InferenceEstimate:
    """The highest-throughput configuration that fits and meets the latency targets, as a serving
    engine runs it. ``engine`` (``"trtllm"``, ``"vllm"``, ``"sglang"``, ``"ideal"``; see
    ``engines()``) sets the cap on sequences, the token budget per step, chunked prefill, host
    overlap, the layouts searched and the KV admission (``kv_policy`` overrides the admission);
    without one, the chip vendor's reference engine (TensorRT-LLM for NVIDIA, vLLM otherwise).
    ``"ideal"`` is the upper bound with no engine limit. The result's ``engine``, ``schedule``,
    ``chosen_by`` and ``alternatives`` say what was assumed and what came next.
    """
@final
class EngineProfile:
    """A serving engine's profile (``engine("trtllm")``): its KV admission, caps on sequences and
    tokens per step, chunked prefill, host overlap and pipeline stages, each field with its
    source. ``replace(max_sequences=256)`` gives a copy with fields set by the caller (the id
    gains a ``+``); ``best_inference`` and ``estimate_inference`` take it as ``engine=``.
    """
    def __reduce__(self) -> tuple[Any, ...]: ...
    @property
    def id(self) -> str:
        """Short id (``"trtllm"``; ``"vllm+"`` once a field is replaced)."""
    @property
    def name(self) -> str:
        """Display name."""
    @property
    def version(self) -> str:
        """The engine version the fields describe."""
    def to_dict(self) -> dict[str, Any]:
        """Every field with its value, source key and note, and the sources."""
    def replace(self, **fields: int | bool | str) -> EngineProfile:
        """A copy with fields set: ``max_sequences`` and ``max_num_tokens`` (positive ints),
        ``chunked_prefill``, ``overlap_scheduler`` and ``pipeline_parallel`` (bools),
        ``kv_admission`` (``"reserved"``, ``"on-demand"``, ``"static"``). Each cites the source
        ``caller``. Raises ``ConfigError`` naming a field it does not know or a bad value.
        """
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def engine(id: str) -> EngineProfile:
    """A serving-engine profile by id (``"trtllm"``, ``"vllm"``, ``"sglang"``, ``"vllm-v0"``,
    ``"ideal"``). Raises ``ConfigError`` for an unknown id.
    """
def engines() -> list[dict[str, Any]]:
    """The serving-engine profiles: ``[{"id", "name", "version", "kv_admission", "max_sequences",
    "sources"}]``, each field with its source (``best_inference(engine=...)`` takes the ids).
    """

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
    recompute: Literal["none", "selective", "full"] = "selective",
    compute_dtype: str = "bf16",
    mfu: float | None = None,
    mode: str = "calibrated",
    catalog: Catalog | None = None,
) -> TrainingEstimate:
    """Estimates a training run."""
def calibrate(measurements: Sequence[MeasurementDict], *, catalog: Catalog | None = None) -> CalibrationFit:
    """Fits calibrated parameters to measurements: a list of dicts with ``model``, ``chip``,
    ``metric`` (``ttft_s``, ``tpot_s``, ``e2e_latency_s`` or ``throughput_tokens_per_s``),
    ``value`` and any ``estimate_inference`` keyword (``n_chips``, ``batch``, …).
    """
def calibration(chip: str | Chip, *, catalog: Catalog | None = None) -> dict[str, Any]:
    """The calibrated parameters of a chip (name or ``Chip``) with their provenance:
    ``{"family", "params", "values": {field: {"value", "source", "estimate", "note", ...}}, "sources"}``.
    """

@final
class RuleSet:
    """One US export-control rule version (or a what-if variant of one)."""

    def to_toml(self) -> str:
        """This rule set as one self-contained rule file; ``load_rules`` reads it back identical."""
    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename)."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def id(self) -> str:
        """Id, e.g. ``"us-2023-10"``."""
    @property
    def name(self) -> str:
        """Name."""
    @property
    def citation(self) -> str:
        """Federal Register (or other) citation."""
    @property
    def effective(self) -> str:
        """Effective date."""
    @property
    def status(self) -> str:
        """``in-force``, ``superseded`` or ``not-enforced``."""
    @property
    def uncertain(self) -> list[str]:
        """Uncertain details of this version."""
    def with_line(self, metric: str, old: float, new: float) -> RuleSet:
        """A variant with every threshold on ``metric`` equal to ``old`` moved to ``new``."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data."""

@final
class Classification:
    """How a chip is classified for a destination on a date. Not legal advice."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def chip(self) -> str:
        """Chip id."""
    @property
    def destination(self) -> str:
        """Destination (ISO code, Hong Kong as CN)."""
    @property
    def destination_groups(self) -> list[str]:
        """Country groups of the destination on the date."""
    @property
    def date(self) -> str:
        """Date."""
    @property
    def rules(self) -> str | None:
        """Rule set applied, or None before October 2022."""
    @property
    def eccn(self) -> str | None:
        """``"3A090.a"``, ``"3A090.b"`` or None."""
    @property
    def determined(self) -> bool:
        """False when an input the rule needs is missing and decides the outcome."""
    @property
    def controlled(self) -> bool:
        """Whether the chip is controlled."""
    @property
    def license_required(self) -> bool:
        """Whether a licence is required."""
    @property
    def review_policy(self) -> str:
        """``"presumption-of-denial"``, ``"case-by-case"``, ``"presumption-of-approval"`` or ``"none"``."""
    @property
    def exceptions(self) -> list[results.ExceptionResultDict]:
        """Eligible licence exceptions: ``[{"id", "note", "citation"}]``."""
    @property
    def tariff(self) -> results.TariffResultDict | None:
        """Tariff ``{"id", "band", "rate", "citation", "note"}`` or None."""
    @property
    def reasons(self) -> list[results.ReasonDict]:
        """Every criterion tested: value, threshold, margin, citation and a line of text."""
    @property
    def decision(self) -> list[str]:
        """The steps of the decision, in words."""
    @property
    def conditions(self) -> list[str]:
        """Conditions attached to the review policy."""
    @property
    def uncertain(self) -> list[str]:
        """Uncertain rule details bearing on this result."""
    @property
    def disclaimer(self) -> str:
        """Not legal advice."""
    def summary(self) -> str:
        """One line."""
    def to_dict(self) -> results.ClassificationDict:
        """Everything as plain data."""

def classify(
    chip: str | Chip,
    destination: str = "CN",
    date: str | datetime.date | None = None,
    rules: str | RuleSet | None = None,
    end_user_hq: str | None = None,
    *,
    catalog: Catalog | None = None,
) -> Classification:
    """Classifies ``chip`` (name or ``Chip``) for ``destination`` (ISO code) on ``date`` (``YYYY-MM-DD``
    or a ``datetime.date``; default ``DEFAULT_DATE``, 2026-02-01).
    """
def timeline(
    chip: str | Chip, destination: str = "CN", end_user_hq: str | None = None, *, catalog: Catalog | None = None
) -> list[dict[str, Any]]:
    """The chip's status at every rule change: ``[{"date", "rules", "eccn", "license_required",
    "review_policy", "tariff_rate", "summary"}]``.
    """
def rule_sets() -> list[RuleSet]:
    """Every embedded rule set, oldest first."""
def rule_set(id: str) -> RuleSet:
    """A rule set by id; ``load_rules`` reads a custom one."""
def _rules_from_toml(text: str, name: str = "rules.toml") -> RuleSet: ...
def _rules_from_json(text: str, name: str = "rules.json") -> RuleSet: ...
def _compliance_columns(
    chips: list[str | Chip] | None = None,
    destination: str = "CN",
    date: str | datetime.date | None = None,
    rules: str | RuleSet | None = None,
    *,
    catalog: Catalog | None = None,
) -> dict[str, Any]: ...
def flips(
    base: str | RuleSet,
    variant: str | RuleSet,
    chips: Any = None,
    destination: str = "CN",
    date: str | datetime.date | None = None,
    *,
    catalog: Catalog | None = None,
) -> list[dict[str, Any]]:
    """Chips whose ECCN, licence or policy differs between two rule sets."""
def headroom(chip: str | Chip, rules: str | RuleSet | None = None, *, catalog: Catalog | None = None) -> results.HeadroomDict:
    """How far a chip's compute must be cut to leave 3A090.a and 3A090 under ``rules``."""
def diffusion_caps(fleet: dict[str, float], *, catalog: Catalog | None = None) -> results.DiffusionCapsDict:
    """A fleet's TPP against the Diffusion rule's caps: ``fleet`` maps chip names to counts."""

@final
class Assumptions:
    """Economic assumptions: each with a default, a range, a unit and a source."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    def __new__(cls, overrides: dict[str, float] | None = None) -> Assumptions: ...
    def replace(self, name: str, value: float) -> Assumptions:
        """A copy with ``name`` set to ``value``."""
    def get(self, name: str) -> float:
        """A value by name."""
    @property
    def names(self) -> list[str]:
        """Every assumption name."""
    @property
    def unsourced(self) -> list[str]:
        """Names with no source behind the number."""
    def columns(self) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_] | list[Any]]:
        """Column arrays, one entry per assumption (by name): ``name``, ``value``, ``low``, ``high``
        (numpy arrays), ``unit``, ``source``, ``date``, ``assumption``, ``note``, ``overridden``.
        """
    def to_dict(self) -> dict[str, Any]:
        """``{name: {"value", "low", "high", "unit", "source", "date", "assumption", "note", "overridden"}}``
        and the sources.
        """
    def to_frame(self, library: str = "pandas") -> Any:
        """A frame, one row per assumption (value, low, high, unit, source, date, flags): pandas, or
        polars with ``library="polars"``.
        """

@final
class Fleet:
    """Groups of chips at sites, with the catalog their chips are looked up in."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    def __new__(
        cls,
        groups: Sequence[GroupDict | tuple[str, float] | tuple[str, float, str]],
        horizon_years: float = 4.0,
        *,
        catalog: Catalog | None = None,
    ) -> Fleet: ...
    @property
    def count(self) -> float:
        """Chips in the fleet."""
    def tco(self, assumptions: Assumptions | None = None, workload: str | WorkloadDict | None = None) -> FleetReport:
        """The fleet's report at ``assumptions`` (default: the defaults), with a ``workload`` (a model
        name or a dict with ``model``, ``input_tokens``, ``output_tokens``, ``weight_dtype``,
        ``ttft_slo_s``, ``tpot_slo_s``) for tokens per day and $/million tokens.
        """

@final
class FleetReport:
    """A fleet's costs and output. USD, MW, GWh, tokens."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def total(self) -> results.FiguresDict:
        """The whole fleet's figures as a dict (capex and opex by item)."""
    @property
    def groups(self) -> list[results.GroupReportDict]:
        """Per group: chip, price, IT kW per chip, tariff rate, software efficiency, serving choice
        and figures.
        """
    @property
    def unsourced_assumptions(self) -> list[str]:
        """Names of assumptions with no source behind the number that this report used."""
    def to_frame(self, library: str = "pandas") -> Any:
        """A frame, one row per group and a ``total`` row (USD, MW, GWh, tokens): pandas, or polars
        with ``library="polars"``.
        """
    def columns(self) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_] | list[Any]]:
        """Column arrays, one entry per group and a last ``total`` entry: ``group`` (a label), every
        figure (numbers as numpy arrays, NaN where none), ``capex_<item>_usd`` and
        ``opex_<item>_usd_per_year``.
        """
    def to_dict(self) -> results.FleetReportDict:
        """Everything as plain data."""

def equivalent_fleet(
    fleet: Fleet,
    chip: str = "ascend-910c",
    site: str = "cn",
    workload: str | WorkloadDict | None = None,
    assumptions: Assumptions | None = None,
) -> tuple[float, FleetReport]:
    """How many of another chip deliver the fleet's tokens per day: ``(count, FleetReport)``."""
def schedule(
    fleet: Fleet, assumptions: Assumptions | None = None, workload: str | WorkloadDict | None = None
) -> list[results.QuarterRowDict]:
    """The deployment quarter by quarter (chips delivered in a quarter serve from the next):
    ``[{"quarter", "delivered", "installed", "in_service", "capex_usd", "cumulative_capex_usd",
    "it_mw", "facility_mw", "cost_usd", "tokens_per_day"}]``.
    """
def export_shock(
    fleet: Fleet,
    date: str | datetime.date,
    chips: list[str],
    replacement: str | None = None,
    site: str = "cn",
    assumptions: Assumptions | None = None,
    workload: str | WorkloadDict | None = None,
) -> results.ShockResultDict:
    """Cuts the deliveries of ``chips`` in quarters starting on or after ``date``: the fleet that
    remains, its report and schedule, the tokens per day lost and, with a workload, how many
    ``replacement`` chips at ``site`` make them up.
    """
def monte_carlo(
    fleet: Fleet,
    assumptions: Assumptions | None = None,
    workload: str | WorkloadDict | None = None,
    samples: int = 1000,
    seed: int = 0,
    progress: Callable[[str, int, int], object] | None = None,
    threads: int = 0,
) -> dict[str, Any]:
    """Monte Carlo over the assumption ranges (triangular, seeded): ``{"samples", "seed",
    "outputs": [{"name", "p10", "p50", "p90", "mean"}], "draws": {name: numpy array}}``.
    ``progress``, if given, is called with ``("monte carlo", draws done, samples)`` about a hundred
    times; an exception it raises (or Ctrl-C) stops the run. Draws run on ``threads`` threads
    (0: all cores); they depend on neither. Up to 1,000,000 samples; ``monte_carlo_chunks``
    streams more.
    """
def sensitivity(
    fleet: Fleet,
    output: str = "usd_per_gpu_hour",
    assumptions: Assumptions | None = None,
    workload: str | WorkloadDict | None = None,
) -> list[results.SensitivityDict]:
    """One-at-a-time sensitivity of ``output`` to each assumption, largest swing first:
    ``[{"name", "at_low", "at_high", "base", "swing"}]``.
    """

@final
class Scenario:
    """A checked scenario: a fleet, a workload, assumption overrides, compliance dates, comparisons;
    with the catalog its chips and models were checked against.
    """

    def to_toml(self) -> str:
        """The scenario as one self-contained TOML file (any ``extends`` written out)."""
    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes ``to_toml()`` to ``path`` (atomically: a temporary file, then a rename)."""

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...

    @property
    def id(self) -> str:
        """Short id, e.g. ``"seed-h200-china-2026"``."""
    @property
    def title(self) -> str:
        """Title."""
    @property
    def file(self) -> str:
        """The file it came from (a shipped name for embedded scenarios)."""
    @property
    def fleet(self) -> Fleet:
        """The fleet."""
    @property
    def assumptions(self) -> Assumptions:
        """The assumptions with the scenario's overrides applied."""
    def to_dict(self) -> results.ScenarioDict:
        """Everything the file says, checked, as plain data."""

def scenarios() -> list[str]:
    """Ids of the scenarios shipped with chipmodel (the first is the seed scenario)."""
def load_scenario(path: str | os.PathLike[str] | None = None, *, catalog: Catalog | None = None) -> Scenario:
    """Reads and checks a scenario: a path to a TOML file, the id of a shipped scenario, or ``None``
    for the seed scenario; its chips and models are looked up in ``catalog`` (default: the
    embedded one). Errors name the file and the key.
    """
def run_scenario(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    progress: Callable[[str, int, int], object] | None = None,
    *,
    catalog: Catalog | None = None,
) -> results.ScenarioResultDict:
    """Runs a scenario (a ``Scenario``, a path, a shipped id, or ``None`` for the seed scenario) and
    returns every result as plain data: ``scenario``, ``report``, ``equivalents``,
    ``monte_carlo``, ``sensitivity``, ``compliance`` and ``disclaimer``. ``progress``, if given,
    is called with ``(stage, done, total)`` as the run goes (Monte Carlo draw by draw, about a
    hundred times); an exception it raises (or Ctrl-C) stops the run. Names resolve in
    ``catalog`` (default: the scenario's own, else the embedded one).
    """

def plan_hybrid(
    supplies: Sequence[SupplyDict],
    demands: Sequence[DemandDict],
    power_cap_mw: float | None = None,
    budget_usd: float | None = None,
    assumptions: Assumptions | None = None,
    horizon_years: float = 4.0,
    *,
    catalog: Catalog | None = None,
) -> results.HybridPlanDict:
    """The cheapest mix of chips (TCO per year) that serves every demand within the caps: a linear
    program over the fleet model's per-chip figures, with shadow prices.

    ``supplies``: dicts ``{"chip", "site", "max_count"}`` (site ``"cn"`` or ``"us"``, default
    ``"cn"``; ``max_count`` chips, None: no cap). ``demands``: dicts ``{"model", "tokens_per_day",
    "input_tokens", "output_tokens", "weight_dtype", "ttft_slo_s", "tpot_slo_s", "allowed_chips"}``.
    Returns a dict with ``options`` (per-chip TCO USD/year, capex USD, facility MW, tokens/day per
    demand), ``workloads`` and ``allocation`` (``chips[option][workload]``, ``assignments``,
    ``supplies`` with ``usd_per_year_saved_per_extra_chip``, ``demands`` with
    ``usd_per_year_per_token_per_day`` and ``marginal_usd_per_million_tokens``, ``power`` and
    ``budget`` with ``usd_per_year_saved_per_unit``, totals and ``binding``).

    ```text
    >>> import chipmodel
    >>> plan = chipmodel.plan_hybrid(
    ...     [{"chip": "h200", "site": "cn", "max_count": 400_000}, {"chip": "ascend-910c", "site": "cn"}],
    ...     [{"model": "llama-3.1-70b", "tokens_per_day": 6e13}],
    ... )
    >>> plan["allocation"]["binding"]
    ['demand llama-3.1-70b', 'supply h200-sxm@cn']
    >>> plan["allocation"]["supplies"][0]["usd_per_year_saved_per_extra_chip"] > 0
    True

    ```
    """
    ...
def _unpickle(kind: str, state: bytes) -> Any: ...

@final
class Reduction:
    """A reduction of a sweep and the limits a configuration must meet to be considered (it must
    always be valid and fit in memory).
    """

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...
    @staticmethod
    def pareto(
        objectives: Sequence[str] = ...,  # ("throughput_per_chip_tokens_per_s", "tpot_s")
        *,
        max_ttft_s: float | None = None,
        max_tpot_s: float | None = None,
        max_e2e_latency_s: float | None = None,
    ) -> Reduction:
        """The Pareto front over ``objectives`` (1 to 4 names: ``throughput_tokens_per_s``,
        ``throughput_per_chip_tokens_per_s`` (maximized), ``ttft_s``, ``tpot_s``,
        ``e2e_latency_s``, ``energy_per_token_j``, ``usd_per_million_tokens``,
        ``memory_per_chip_bytes`` (minimized)): the configurations no other one matches or beats
        on all of them, in grid order.
        """
    @staticmethod
    def best(
        metric: str = "throughput_per_chip_tokens_per_s",
        by: Sequence[str] = ...,  # ("model", "chip")
        *,
        max_ttft_s: float | None = None,
        max_tpot_s: float | None = None,
        max_e2e_latency_s: float | None = None,
    ) -> Reduction:
        """The best configuration by ``metric`` in each group of equal ``by`` dimensions (``model``,
        ``chip``, ``n_chips``, ``tp``, ``pp``, ``ep``, ``batch``, ``input_tokens``,
        ``output_tokens``, ``weight_dtype``, ``kv_dtype``, ``mode``), groups in grid order.
        """
    @staticmethod
    def top(
        k: int = 10,
        metric: str = "throughput_per_chip_tokens_per_s",
        *,
        max_ttft_s: float | None = None,
        max_tpot_s: float | None = None,
        max_e2e_latency_s: float | None = None,
    ) -> Reduction:
        """The ``k`` best configurations by ``metric``, best first (ties: first in the grid)."""

@final
class SweepGrid:
    """A design-space grid: every combination of the list-valued arguments (the last varying
    fastest), resolved once. ``len(grid)`` configurations; ``evaluate`` a range of them into
    columns, ``reduce`` a range to the grid indices a ``Reduction`` selects without keeping rows.
    Results never depend on the thread count or on how the grid is split. Pickles (for Dask).
    """

    def __new__(
        cls,
        models: str | Model | Sequence[str | Model],
        chips: str | Chip | Sequence[str | Chip],
        *,
        n_chips: int | Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
        tp: int | None | Sequence[int | None] = None,
        pp: int | Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
        ep: int | Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
        batch: int | Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
        input_tokens: int | Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
        output_tokens: int | Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
        weight_dtype: str | Sequence[str] | None = None,
        kv_dtype: str | None | Sequence[str | None] = None,
        mode: str | Sequence[str] | None = None,
        usd_per_chip_hour: float | Sequence[float] | dict[str, float] | None = None,
        engine: str | EngineProfile | None = None,
        catalog: Catalog | None = None,
    ) -> SweepGrid: ...
    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]: ...
    def __len__(self) -> int: ...
    @property
    def size(self) -> int:
        """Number of configurations (also ``len(grid)``)."""
    @property
    def models(self) -> list[str]:
        """Model ids, in grid order."""
    @property
    def chips(self) -> list[str]:
        """Chip ids, in grid order."""
    @property
    def usd_per_chip_hour(self) -> list[float]:
        """USD per chip-hour for each chip (NaN: none given)."""
    def evaluate(self, start: int = 0, stop: int | None = None, threads: int = 0) -> dict[str, Any]:
        """Raw columns of configurations ``start`` to ``stop`` (default: all): numpy arrays, with
        code columns and the name lists that decode them (``chipmodel.sweep_chunks`` decodes).
        """
    def evaluate_indices(
        self, indices: Sequence[int] | npt.NDArray[np.uint64], threads: int = 0
    ) -> dict[str, Any]:
        """Raw columns of the configurations at ``indices`` (grid indices), in that order."""
    def reduce(
        self, reduction: Reduction, start: int = 0, stop: int | None = None, threads: int = 0
    ) -> npt.NDArray[np.uint64]:
        """Grid indices that ``reduction`` selects among configurations ``start`` to ``stop``,
        computed in Rust with the interpreter released and no rows kept (a numpy ``uint64``
        array). Reductions of parts merge with ``reduce_indices``.
        """
    def reduce_indices(
        self, indices: Sequence[int] | npt.NDArray[np.uint64], reduction: Reduction
    ) -> npt.NDArray[np.uint64]:
        """``reduce`` over the configurations at ``indices`` (e.g. the answers of several parts)."""
def _monte_carlo_draws(
    fleet: Fleet,
    assumptions: Assumptions | None = None,
    workload: str | WorkloadDict | None = None,
    seed: int = 0,
    start: int = 0,
    stop: int = 1000,
    threads: int = 0,
) -> dict[str, npt.NDArray[np.float64]]: ...
def _read_data_file(path: str | os.PathLike[str]) -> str: ...
def _panic_for_tests(message: str) -> None: ...
