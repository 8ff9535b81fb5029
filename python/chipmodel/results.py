"""The result dicts chipmodel returns (``FleetReport.to_dict()``, ``plan_hybrid``,
``run_scenario``, ``Classification.to_dict()``, …), as ``TypedDict`` classes for type checkers
and editors: ``results.ScenarioResultDict`` says that ``r["report"]["total"]["capex"]["chips"]``
is a float.

Generated from the Rust structs they serialize by ``scripts/gen_results.py``; do not edit (the
test run fails when this file and the structs differ).
"""

from typing import Any, NotRequired, TypedDict

__all__ = [
    "AllocationDict",
    "AssignmentDict",
    "CapResultDict",
    "CapexDict",
    "ClassificationDict",
    "ComplianceRowDict",
    "DeliveryDict",
    "DemandResultDict",
    "DiffusionCapsDict",
    "EquivalentDict",
    "ExceptionResultDict",
    "FiguresDict",
    "FleetDict",
    "FleetReportDict",
    "FlipDict",
    "GroupDict",
    "GroupReportDict",
    "HeadroomDict",
    "HybridPlanDict",
    "MonteCarloDict",
    "OpexDict",
    "PercentilesDict",
    "PlanInputDict",
    "PlanOutcomeDict",
    "PlannedOptionDict",
    "QuarterRowDict",
    "ReasonDict",
    "ScenarioDict",
    "ScenarioResultDict",
    "SensitivityDict",
    "ShockDict",
    "ShockResultDict",
    "SupplyDict",
    "SupplyResultDict",
    "TariffResultDict",
    "TimelineEntryDict",
    "WorkloadDict",
    "WorkloadDemandDict",
]


class AssignmentDict(TypedDict):
    """Chips of one option serving one workload."""

    option: str
    workload: str
    chips: float
    tokens_per_day: float


class CapResultDict(TypedDict):
    """The power cap or the budget in the solution."""

    cap: float
    used: float
    binding: bool
    usd_per_year_saved_per_unit: float


class DemandResultDict(TypedDict):
    """One workload in the solution."""

    name: str
    tokens_per_day: float
    served_tokens_per_day: float
    binding: bool
    usd_per_year_per_token_per_day: float
    usd_per_year_per_million_tokens_per_day: float
    marginal_usd_per_million_tokens: float


class SupplyResultDict(TypedDict):
    """One option in the solution."""

    name: str
    chips: float
    tco_usd_per_year: float
    capex_usd: float
    facility_mw: float
    max_count: float | None
    cap_binding: bool
    usd_per_year_saved_per_extra_chip: float


class AllocationDict(TypedDict):
    """The cheapest allocation and its shadow prices."""

    chips: list[list[float]]
    assignments: list[AssignmentDict]
    supplies: list[SupplyResultDict]
    demands: list[DemandResultDict]
    power: CapResultDict | None
    budget: CapResultDict | None
    total_chips: float
    tco_usd_per_year: float
    capex_usd: float
    facility_mw: float
    binding: list[str]


class CapexDict(TypedDict):
    """Capital expenditure by item, USD."""

    chips: float
    tariff: float
    servers: float
    network: float
    storage: float
    datacenter: float


class ExceptionResultDict(TypedDict):
    """An eligible licence exception."""

    id: str
    note: str
    citation: str


class ReasonDict(TypedDict):
    """One criterion as tested."""

    test: str
    metric: str
    value: float | None
    op: str
    threshold: float
    margin: float | None
    holds: bool | None
    citation: str
    text: str


class TariffResultDict(TypedDict):
    """A tariff that applies."""

    id: str
    band: str
    rate: float
    citation: str
    note: str


class ClassificationDict(TypedDict):
    """The classification of a chip for a destination on a date."""

    chip: str
    destination: str
    destination_groups: list[str]
    date: str
    rules: str | None
    rules_citation: str | None
    eccn: str | None
    determined: bool
    controlled: bool
    license_required: bool
    review_policy: str
    exceptions: list[ExceptionResultDict]
    tariff: TariffResultDict | None
    reasons: list[ReasonDict]
    decision: list[str]
    conditions: list[str]
    uncertain: list[str]
    disclaimer: str


class ComplianceRowDict(TypedDict):
    """One chip on one date for one destination."""

    chip: str
    destination: str
    date: str
    rules: str | None
    eccn: str | None
    determined: bool
    license_required: bool
    review_policy: str
    tariff_rate: float | None
    uncertain: list[str]


class DeliveryDict(TypedDict):
    """Chips delivered in one quarter."""

    quarter: str
    count: float


class DiffusionCapsDict(TypedDict):
    """A fleet's total TPP against the Diffusion rule's caps."""

    total_tpp: float
    h100_equivalents: float
    lpp_cap_tpp: float
    lpp_fraction: float
    tier2_allocation_tpp: float
    tier2_fraction: float
    uncertain: list[str]
    disclaimer: str


class OpexDict(TypedDict):
    """Operating expenditure per year by item, USD."""

    electricity: float
    maintenance: float
    facility: float


class FiguresDict(TypedDict):
    """The figures of one group, or of the whole fleet."""

    count: float
    capex: CapexDict
    it_mw: float
    facility_mw: float
    facility_mw_avg: float
    annual_gwh: float
    opex: OpexDict
    capex_total_usd: float
    capex_it_usd: float
    opex_usd_per_year: float
    capital_charge_usd_per_year: float
    tco_usd_per_year: float
    tco_horizon_usd: float
    usd_per_gpu_hour: float
    usd_per_gpu_hour_utilized: float
    peak_flops_per_s: float
    effective_flops_per_s: float
    total_tpp: float
    vendor_revenue_usd: float
    us_tariff_usd: float
    tokens_per_s: float | None
    tokens_per_day: float | None
    usd_per_million_tokens: float | None
    joules_per_token: float | None


class GroupDict(TypedDict):
    """Chips of one kind at one site."""

    chip: str
    count: float
    site: str
    owner: str
    date: str
    deliveries: NotRequired[list[DeliveryDict]]


class GroupReportDict(TypedDict):
    """One group's report."""

    group: GroupDict
    chip: str
    vendor: str
    price_usd: float
    it_kw_per_chip: float
    tariff_rate: float
    software_efficiency: float
    serving: str | None
    tokens_per_s_per_chip: float | None
    figures: FiguresDict


class WorkloadDict(TypedDict):
    """What the fleet serves."""

    model: str
    input_tokens: int
    output_tokens: int
    weight_dtype: str
    ttft_slo_s: float | None
    tpot_slo_s: float | None
    max_batch: NotRequired[int | None]
    engine: NotRequired[Any | None]


class FleetReportDict(TypedDict):
    """A fleet's report."""

    groups: list[GroupReportDict]
    total: FiguresDict
    assumptions: list[list[float | str]]
    unsourced_assumptions: list[str]
    workload: WorkloadDict | None


class EquivalentDict(TypedDict):
    """An equivalent fleet of another chip."""

    chip: str
    count: float
    report: FleetReportDict


class FleetDict(TypedDict):
    """A fleet: groups of chips."""

    groups: list[GroupDict]
    horizon_years: float


class FlipDict(TypedDict):
    """A chip whose status differs between two rule sets."""

    chip: str
    base: ClassificationDict
    variant: ClassificationDict


class HeadroomDict(TypedDict):
    """How far a chip's compute must be cut to leave a control (the question behind the H20 and the RTX 4090D)."""

    chip: str
    rules: str
    eccn: str | None
    scale_to_leave_3a090a: float | None
    scale_to_leave_3a090: float | None
    tpp_to_leave_3a090: float | None
    scale_within_case_by_case: float | None
    io_scale_to_leave_3a090: float | None
    dram_scale_within_case_by_case: float | None
    lines: list[str]
    disclaimer: str


class SupplyDict(TypedDict):
    """Chips of one kind at one site that can be bought, up to `max_count`."""

    chip: str
    site: str
    max_count: float | None


class WorkloadDemandDict(TypedDict):
    """A workload and the output tokens per day it needs, optionally restricted to some chips."""

    workload: WorkloadDict
    tokens_per_day: float
    allowed_chips: list[str] | None


class PlanInputDict(TypedDict):
    """What [`plan_hybrid`] plans for."""

    supplies: list[SupplyDict]
    demands: list[WorkloadDemandDict]
    power_cap_mw: float | None
    budget_usd: float | None
    horizon_years: float


class PlannedOptionDict(TypedDict):
    """One supply's per-chip coefficients from the fleet model, and its value at the margin."""

    name: str
    chip: str
    site: str
    tco_usd_per_year_per_chip: float
    capex_usd_per_chip: float
    facility_mw_per_chip: float
    tokens_per_day_per_chip: list[float | None]
    extra_chip_value_usd_over_horizon: float


class HybridPlanDict(TypedDict):
    """A hybrid fleet plan: per-chip coefficients and the cheapest allocation."""

    input: PlanInputDict
    options: list[PlannedOptionDict]
    workloads: list[str]
    allocation: AllocationDict
    tco_horizon_usd: float
    unsourced_assumptions: list[str]


class PercentilesDict(TypedDict):
    """P10, P50 and P90 of one output."""

    name: str
    p10: float
    p50: float
    p90: float
    mean: float


class MonteCarloDict(TypedDict):
    """A Monte Carlo run."""

    samples: int
    seed: int
    outputs: list[PercentilesDict]
    draws: dict[str, list[float]]


class PlanOutcomeDict(TypedDict):
    """A plan, or why none exists."""

    plan: HybridPlanDict | None
    infeasible: str | None


class QuarterRowDict(TypedDict):
    """One quarter of a deployment."""

    quarter: str
    delivered: float
    installed: float
    in_service: float
    capex_usd: float
    cumulative_capex_usd: float
    it_mw: float
    facility_mw: float
    cost_usd: float
    tokens_per_day: float | None


class ShockDict(TypedDict):
    """An import channel cut at a date (`[shock]`)."""

    date: str
    chips: list[str]
    replacement: str | None


class ScenarioDict(TypedDict):
    """A parsed, checked scenario."""

    file: str
    id: str
    title: str
    description: str | None
    fleet: FleetDict
    overrides: list[str]
    workload: WorkloadDict | None
    destinations: list[str]
    dates: list[str]
    compliance_chips: list[str]
    equivalent: list[str]
    equivalent_site: str
    monte_carlo: list[int] | None
    sensitivity: str | None
    shock: ShockDict | None
    hybrid: PlanInputDict | None


class SensitivityDict(TypedDict):
    """One bar of a tornado."""

    name: str
    at_low: float
    at_high: float
    base: float
    swing: float


class ShockResultDict(TypedDict):
    """A fleet after an import channel is cut."""

    date: str
    cut: list[list[float | str]]
    fleet: FleetDict
    report: FleetReportDict
    schedule: list[QuarterRowDict]
    tokens_per_day_lost: float | None
    replacement: list[FleetReportDict | float | str] | None


class ScenarioResultDict(TypedDict):
    """Everything a scenario run produces."""

    scenario: ScenarioDict
    report: FleetReportDict
    equivalents: list[EquivalentDict]
    monte_carlo: MonteCarloDict | None
    sensitivity: list[SensitivityDict] | None
    schedule: list[QuarterRowDict]
    shock: ShockResultDict | None
    hybrid: HybridPlanDict | None
    hybrid_after_shock: PlanOutcomeDict | None
    compliance: list[ComplianceRowDict]
    disclaimer: str


class TimelineEntryDict(TypedDict):
    """A chip's status from one rule change to the next."""

    date: str
    classification: ClassificationDict
