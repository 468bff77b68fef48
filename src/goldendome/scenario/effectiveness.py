"""The ``effectiveness:`` section of a cost study: what the money buys, as questions a study file asks.

``sizing`` couples an SBI sizing study to a cost component (the marginal cost of one more simultaneous ICBM and the
Pareto front over designs), ``exchange`` lists cost-exchange comparisons (an interceptor against a threat of a
given cost) and ``monte_carlo`` sets Monte Carlo study folders beside the cost of the architecture each fought with.
:mod:`goldendome.analysis.effectiveness` answers them.
"""

from typing import Annotated, Literal

from pydantic import Field

from goldendome.scenario.base import StrictModel


class SizingCoupling(StrictModel):
    """Which SBI sizing study sizes which cost component, over which salvo sizes and design sweeps."""

    study: str = Field(..., description="an SBI sizing study (built-in name or file), e.g. sbi-quick")
    component: str = Field(..., description="the cost component whose quantity the sizing sets")
    salvo: list[Annotated[int, Field(ge=1, le=50)]] = Field(default_factory=lambda: [1, 2, 3], min_length=1)
    sweep: Literal["delta_v_mps", "altitude_km"] | None = None
    values: list[float] = Field(default_factory=list, description="values of the swept design parameter")


class ExchangeCase(StrictModel):
    """One cost-exchange comparison: an interceptor (catalogue name, or 'sbi') against a threat of a given cost."""

    interceptor: str
    threat: str
    threat_cost_usd: Annotated[float, Field(gt=0.0)]
    threat_class: str = "rv"
    shots: Annotated[int, Field(ge=1, le=10)] = 1
    unit_cost_usd: Annotated[float, Field(gt=0.0)] | None = None
    sspk: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    in_orbit_per_engagement: Annotated[float, Field(ge=1.0)] = Field(
        1.0,
        description="SBIs that must be in orbit for each one in reach (the absentee ratio; e.g. 7,800 SBIs for "
        "~10 simultaneous boosters -> 780): the price of an SBI shot is that of the whole share of the shell",
    )
    source: str = Field("", description="where the threat's cost comes from")


class LeakageCase(StrictModel):
    """A Monte Carlo study folder and the cost of the architecture it fought with (or the study's own total under
    one of its variants / alternatives)."""

    label: str
    folder: str
    cost_usd: Annotated[float, Field(gt=0.0)] | None = None
    variant: str | None = None
    alternative: str | None = None


class Effectiveness(StrictModel):
    """The cost-effectiveness questions of a cost study."""

    sizing: SizingCoupling | None = None
    exchange: list[ExchangeCase] = Field(default_factory=list)
    monte_carlo: list[LeakageCase] = Field(default_factory=list)
