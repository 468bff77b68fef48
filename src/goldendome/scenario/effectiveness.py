"""The ``effectiveness:`` section of a cost study: what the money buys, as questions a study file asks.

``sizing`` couples an SBI sizing study to a cost component (the marginal cost of one more simultaneous ICBM and the
Pareto front over designs), ``exchange`` lists cost-exchange comparisons (an interceptor against a threat of a
given cost) and ``monte_carlo`` sets Monte Carlo study folders beside the cost of the architecture each fought with.
:mod:`goldendome.analysis.effectiveness` answers them.
"""

from typing import Annotated, Literal

from pydantic import Field

from goldendome.scenario.base import Note, Real, StrictModel, Usd, Whole

Name = Annotated[str, Field(min_length=1, max_length=80)]
"""A name: a cost component, an interceptor or threat, a variant or alternative of the study."""
FileOrName = Annotated[str, Field(min_length=1, max_length=4096)]
"""A file or folder (or a built-in study's name): at most 4,096 characters, the usual path limit."""


class SizingCoupling(StrictModel):
    """Which SBI sizing study sizes which cost component, over which salvo sizes and design sweeps."""

    study: FileOrName = Field(..., description="an SBI sizing study (built-in name or file), e.g. sbi-quick")
    component: Name = Field(..., description="the cost component whose quantity the sizing sets")
    salvo: list[Annotated[Whole, Field(ge=1, le=50)]] = Field(
        default_factory=lambda: [1, 2, 3], min_length=1, max_length=50
    )
    sweep: Literal["delta_v_mps", "altitude_km"] | None = None
    values: list[Real] = Field(
        default_factory=list, max_length=100, description="values of the swept design parameter, at most 100"
    )


class ExchangeCase(StrictModel):
    """One cost-exchange comparison: an interceptor (catalogue name, or 'sbi') against a threat of a given cost."""

    interceptor: Name
    threat: Name
    threat_cost_usd: Annotated[Usd, Field(gt=0.0)]
    threat_class: Annotated[str, Field(min_length=1, max_length=32)] = "rv"
    shots: Annotated[Whole, Field(ge=1, le=10)] = 1
    unit_cost_usd: Annotated[Usd, Field(gt=0.0)] | None = None
    sspk: Annotated[Real, Field(gt=0.0, le=1.0)] | None = None
    in_orbit_per_engagement: Annotated[Real, Field(ge=1.0, le=1e6)] = Field(
        1.0,
        description="SBIs that must be in orbit for each one in reach (the absentee ratio; e.g. 7,800 SBIs for "
        "~10 simultaneous boosters -> 780): the price of an SBI shot is that of the whole share of the shell; at "
        "most 1e6",
    )
    source: Note = Field("", description="where the threat's cost comes from")


class LeakageCase(StrictModel):
    """A Monte Carlo study folder and the cost of the architecture it fought with (or the study's own total under
    one of its variants / alternatives)."""

    label: Annotated[str, Field(min_length=1, max_length=160)]
    folder: FileOrName
    cost_usd: Annotated[Usd, Field(gt=0.0)] | None = None
    variant: Name | None = None
    alternative: Name | None = None


class Effectiveness(StrictModel):
    """The cost-effectiveness questions of a cost study."""

    sizing: SizingCoupling | None = None
    exchange: list[ExchangeCase] = Field(default_factory=list, max_length=200)
    monte_carlo: list[LeakageCase] = Field(default_factory=list, max_length=200)
