"""Lifecycle cost of a missile-defence architecture: what it costs to develop, field, replace and operate, year by year.

The model is the arithmetic public estimators write down (CBO 2004/2025/2026, NRC 2012), kept small enough that every
total can be traced to a handful of inputs:

* **Development**: a total, spread evenly over its years.
* **Procurement**: the deployed force (``quantity``) is bought over the deployment years, either at an average unit
  cost (what CBO publishes, e.g. $22M per SBI) or from a first-unit cost T1 on a learning curve. We use Crawford's
  *unit theory* (NASA Cost Estimating Handbook v4.0, 2015, appendix on learning curves; GAO Cost Estimating and
  Assessment Guide, GAO-20-195G, 2020, ch. 10)::

      cost of unit n = T1 * n**b,    b = log2(learning rate)   (an 85 % curve: each doubling costs 85 %)

  Units are numbered cumulatively in purchase order, so replacements continue down the curve.
* **Launch**: mass in orbit times a price per kg, or launches times a price per launch.
* **Replacement**: every unit is replaced at the end of its service life, again and again, as long as the purchase
  falls inside the horizon (a constellation with a 5-year life deployed evenly over 5 years from year 0 is bought
  ``horizon / life`` times: CBO's 7,800 SBIs over 20 years are 31,200 SBIs). Nothing is credited for life left over
  at the end of the horizon.
* **Operations and support**: a fixed amount a year from the first deployment year, plus an amount per unit in
  service (a unit counts from the year it is deployed).

All amounts are converted once to constant dollars of the study's ``dollars_year`` with the shipped price index
(``analysis/data/deflators.yaml``). Every :class:`CostResult` carries the assumptions that produced it; a total is
never printed without them (:meth:`CostResult.summary`).

Choices, stated once:

* Procurement and launch are counted in the year a unit is deployed (no lead time).
* A service life longer than the horizon is allowed: no replacement falls inside it, and the assumptions say so in a
  plain line (costs beyond the horizon are not counted, as with any unit whose replacement falls past the end).
* Learning-curve unit numbers are rounded to whole units at each year's boundary.

The study file (YAML, read by :func:`load_cost_study`; shipped examples ``scenario/studies/cbo-2026.yaml`` and
``cbo-2025-letter.yaml``)::

    kind: cost
    name: ...
    dollars_year: 2026            # constant dollars of this fiscal year (must be in deflators.yaml)
    start_year: 2026              # fiscal year of offset 0
    horizon_years: 20
    components:
      - name: sbi
        kind: sbi                 # sbi | tracking_satellite | interceptor | radar | c2 | other
        preset: sbi-cbo-2026      # optional: defaults from analysis/data/cost_defaults.yaml, overridden field by field
        quantity: 7800            # the force kept deployed
        average_unit_cost_usd: 22.0e+6     # or first_unit_cost_usd + learning_rate (unit theory)
        procurement_total_usd: ...         # when a source gives only a total (spread over the deployment years)
        unit_mass_kg: 1250
        launch_price_usd_per_kg: 500       # or launch_price_usd_per_launch + units_per_launch
        service_life_years: 5              # null: never replaced
        development_cost_usd: 5.71e+9      # spread over development_years from development_start_year
        deploy_start_year: 0               # offset; deploy_years (even) or deploy_schedule: [units per year, ...]
        deploy_years: 5
        ops_fixed_usd_per_year: 1.0e+9
        ops_usd_per_unit_year: 0
        dollars_year: 2026                 # of this component's prices (default: the study's)
        sources: ["..."]
    alternatives: {name: [component, ...]}   # separate systems, costed one at a time
    variants: [{name, description, overrides: {component: {field: value}}}]
    published: [{label, value_usd, source, alternative, variant, components, scope, rel_tolerance, calibrated,
                 check, note}]  # check: false for a budget to solve inputs from, not a figure to reproduce
    calibrate: [{component, parameter, to: LABEL}]  # an unpublished input solved from a published figure, then used
    implied: [{component, parameter, to: LABEL}]    # reported only: the value a published figure implies
    notes: ["assumptions that every total of this study carries"]

Bad input raises :class:`~goldendome.scenario.loader.ScenarioError` (a ValueError) naming the field, e.g.
``components[0].launch_price_usd_per_kg: Input should be greater than or equal to 0 (got -5.0)``.
"""

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, ValidationError, field_validator, model_validator
from scipy.optimize import brentq

from goldendome.analysis.effectiveness import Effectiveness
from goldendome.analysis.schedule import DeploymentPlan
from goldendome.analysis.sharing import SharingSpec
from goldendome.scenario.base import StrictModel
from goldendome.scenario.loader import ScenarioError, format_validation_error, load_study

CATEGORIES = ("development", "procurement", "launch", "replacement_procurement", "replacement_launch", "operations")
ACQUISITION = CATEGORIES[:5]
"""Acquisition in CBO's sense: developing, buying and launching (including replacements); everything but O&S."""
KINDS = ("sbi", "tracking_satellite", "interceptor", "radar", "c2", "other")
SCOPES = {"all": CATEGORIES, "acquisition": ACQUISITION, "operations": ("operations",)}


# --------------------------------------------------------------------------------------------------- price index


@dataclass(frozen=True)
class PriceIndex:
    """A price index by fiscal year (index values, not rates), with where it comes from."""

    name: str
    citation: str
    source: str
    projection: str
    projected_from: int
    projection_rate: float
    years: np.ndarray
    values: np.ndarray

    def covers(self, year: int) -> bool:
        return bool(np.any(self.years == int(year)))

    def __call__(self, year) -> np.ndarray:
        """Index value of a fiscal year (scalar or array of years). ValueError naming the year when not covered."""
        y = np.asarray(year)
        if np.any(y != np.round(y)):
            raise ValueError(f"fiscal years are whole numbers (got {year!r})")
        pos = np.searchsorted(self.years, y.astype(int))
        pos_c = np.clip(pos, 0, len(self.years) - 1)
        bad = self.years[pos_c] != y
        if np.any(bad):
            missing = sorted({int(v) for v in np.atleast_1d(y)[np.atleast_1d(bad)]})
            raise ValueError(f"no price index for fiscal year {', '.join(map(str, missing))}: the table "
                             f"({self.name}) covers {self.years[0]}-{self.years[-1]}")  # fmt: skip
        return self.values[pos_c]


@cache
def load_deflators() -> PriceIndex:
    """The shipped price index (``analysis/data/deflators.yaml``): GDP deflator by fiscal year, projections marked."""
    text = resources.files("goldendome.analysis").joinpath("data/deflators.yaml").read_text()
    data = yaml.safe_load(text)
    years = np.array(sorted(int(y) for y in data["values"]))
    values = np.array([float(data["values"][y]) for y in years])
    return PriceIndex(data["name"], data["citation"], " ".join(data["source"].split()),
                      " ".join(data["projection"].split()), int(data["projected_from"]), float(data["projection_rate"]),
                      years, values)  # fmt: skip


def deflate(amount, from_year: int, to_year: int):
    """Re-express an amount of FY``from_year`` dollars in constant FY``to_year`` dollars.

    amount * P(to_year) / P(from_year), P the shipped price index. ``amount`` may be an array. ValueError naming the
    year when the index does not cover it.
    """
    index = load_deflators()
    return np.asarray(amount, dtype=float) * (index(to_year) / index(from_year))


# -------------------------------------------------------------------------------------------------- learning curve


def learning_exponent(learning_rate: float) -> float:
    """Unit-theory exponent b = log2(learning rate): each doubling of the unit number multiplies the unit cost by
    the learning rate (0.9 -> b = -0.152). ValueError outside (0, 1]."""
    if not 0.0 < learning_rate <= 1.0:
        raise ValueError(f"learning_rate must be in (0, 1], e.g. 0.9 for a 90 % curve (got {learning_rate!r})")
    return math.log2(learning_rate)


def unit_costs(t1: float, n_units: int, learning_rate: float, start_unit: int = 1) -> np.ndarray:
    """Costs of units start_unit .. start_unit + n_units - 1 on a unit-theory learning curve: T1 * n**log2(rate).

    t1 : cost of the first unit (any currency). Returns an (n_units,) array; unit 2 costs t1 * rate, unit 4 costs
    t1 * rate**2.
    """
    if start_unit < 1 or n_units < 0:
        raise ValueError(f"units are numbered from 1 (got start_unit={start_unit}, n_units={n_units})")
    n = np.arange(start_unit, start_unit + int(n_units), dtype=float)
    return t1 * n ** learning_exponent(learning_rate)


def average_unit_cost(t1: float, n_units: int, learning_rate: float, start_unit: int = 1) -> float:
    """Mean cost of n_units consecutive units on the unit-theory curve (what a published 'average unit cost' is)."""
    if n_units <= 0:
        raise ValueError(f"an average needs at least one unit (got n_units={n_units})")
    return float(unit_costs(t1, n_units, learning_rate, start_unit).mean())


# ------------------------------------------------------------------------------------------------------- presets


@cache
def load_cost_defaults() -> dict[str, dict]:
    """Sourced default parameters by preset name (``analysis/data/cost_defaults.yaml``)."""
    text = resources.files("goldendome.analysis").joinpath("data/cost_defaults.yaml").read_text()
    return yaml.safe_load(text)["presets"]


def _merge_preset(data: dict) -> dict:
    """Fields of the named preset under the component's own; the preset's sources first."""
    name = data.get("preset")
    if name is None:
        return data
    presets = load_cost_defaults()
    if name not in presets:
        raise ValueError(f"preset: unknown preset {name!r}; cost_defaults.yaml has: {', '.join(sorted(presets))}")
    preset = {k: v for k, v in presets[name].items() if k != "description"}
    if "kind" in data and data["kind"] != preset["kind"]:
        raise ValueError(f"kind: {data['kind']!r} does not match preset {name!r}, which is a {preset['kind']!r}")
    own_sources = list(data.get("sources") or [])
    merged = {**preset, **data}
    merged["sources"] = [s for s in preset.get("sources", []) if s not in own_sources] + own_sources
    return merged


# ------------------------------------------------------------------------------------------- study file (pydantic)

Usd = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Offset = Annotated[int, Field(ge=0, le=200)]


def _check_year_covered(v: int | None, what: str = "prices") -> int | None:
    if v is not None and not load_deflators().covers(v):
        index = load_deflators()
        raise ValueError(f"no price index for fiscal year {v} to convert the {what} with; deflators.yaml covers "
                         f"{index.years[0]}-{index.years[-1]}")  # fmt: skip
    return v


class Component(StrictModel):
    """One element of the architecture as the estimator sees it: a force of units with prices, lives and schedules.

    Money in US dollars of ``dollars_year`` (default: the study's), masses in kg, years as whole-year offsets from
    the study's start year (0 = the first fiscal year).
    """

    name: Annotated[str, Field(min_length=1, max_length=80)]
    kind: Literal[KINDS]
    preset: str | None = None
    quantity: Annotated[float, Field(ge=0.0, le=1e7, allow_inf_nan=False)] = 0.0
    average_unit_cost_usd: Usd | None = None
    first_unit_cost_usd: Usd | None = None
    learning_rate: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    procurement_total_usd: Usd | None = None
    unit_mass_kg: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] | None = None
    launch_price_usd_per_kg: Usd | None = None
    launch_price_usd_per_launch: Usd | None = None
    units_per_launch: Annotated[int, Field(ge=1)] | None = None
    service_life_years: Annotated[float, Field(ge=0.1, le=200.0)] | None = None  # 0.1: about five weeks
    development_cost_usd: Usd = 0.0
    development_start_year: Offset = 0
    development_years: Annotated[int, Field(ge=1, le=100)] = 1
    deploy_start_year: Offset = 0
    deploy_years: Annotated[int, Field(ge=1, le=100)] = 1
    deploy_schedule: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] | None = None
    ops_fixed_usd_per_year: Usd = 0.0
    ops_usd_per_unit_year: Usd = 0.0
    dollars_year: int | None = None
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data):
        return _merge_preset(data) if isinstance(data, dict) else data

    @field_validator("dollars_year")
    @classmethod
    def _covered(cls, v):
        return _check_year_covered(v)

    @model_validator(mode="after")
    def _prices_complete(self):
        if self.average_unit_cost_usd is not None and self.first_unit_cost_usd is not None:
            raise ValueError("average_unit_cost_usd and first_unit_cost_usd are both given; keep one (an average, or "
                             "a first-unit cost with learning_rate)")  # fmt: skip
        if self.first_unit_cost_usd is not None and self.learning_rate is None:
            raise ValueError("first_unit_cost_usd needs learning_rate (e.g. 0.9 for a 90 % unit-theory curve)")
        if self.quantity > 0 and self.average_unit_cost_usd is None and self.first_unit_cost_usd is None:
            raise ValueError(f"quantity is {self.quantity:g} but no unit price: give average_unit_cost_usd, or "
                             "first_unit_cost_usd with learning_rate")  # fmt: skip
        per_kg, per_launch = self.launch_price_usd_per_kg, self.launch_price_usd_per_launch
        if per_kg is not None and per_launch is not None:
            raise ValueError("launch_price_usd_per_kg and launch_price_usd_per_launch are both given; keep one")
        if per_kg is not None and self.unit_mass_kg is None:
            raise ValueError("launch_price_usd_per_kg needs unit_mass_kg (mass in orbit per unit)")
        if per_launch is not None and self.units_per_launch is None:
            raise ValueError("launch_price_usd_per_launch needs units_per_launch")
        if self.kind in ("sbi", "tracking_satellite") and self.quantity > 0 and self.unit_mass_kg and \
                per_kg is None and per_launch is None:  # fmt: skip
            raise ValueError(f"unit_mass_kg is {self.unit_mass_kg:g} kg but no launch price: give "
                             "launch_price_usd_per_kg or launch_price_usd_per_launch")  # fmt: skip
        if self.deploy_schedule is not None:
            if "deploy_years" in self.model_fields_set:
                raise ValueError("deploy_schedule and deploy_years are both given; the schedule (units per year) "
                                 "already says how many years")  # fmt: skip
            total = sum(self.deploy_schedule)
            if not math.isclose(total, self.quantity, rel_tol=1e-9, abs_tol=1e-9):
                raise ValueError(f"deploy_schedule adds up to {total:g} units but quantity is {self.quantity:g}")
        if self.development_cost_usd == 0 and "development_years" in self.model_fields_set and \
                "development_cost_usd" not in self.model_fields_set:  # fmt: skip
            raise ValueError("development_years is given but no development_cost_usd")
        costs = (self.quantity, self.procurement_total_usd or 0, self.development_cost_usd,
                 self.ops_fixed_usd_per_year)  # fmt: skip
        if not any(costs):
            raise ValueError("this component costs nothing: give a quantity with a unit price, a "
                             "procurement_total_usd, a development_cost_usd or an operations cost")  # fmt: skip
        return self

    @property
    def deploy_span(self) -> int:
        return len(self.deploy_schedule) if self.deploy_schedule is not None else self.deploy_years


class Variant(StrictModel):
    """A named change of some components' fields (a sensitivity case): ``overrides: {component: {field: value}}``."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    description: str = ""
    overrides: dict[str, dict[str, Any]] = Field(..., min_length=1)


class PublishedFigure(StrictModel):
    """A published total the study is checked against, with what it covers and the source."""

    label: Annotated[str, Field(min_length=1, max_length=160)]
    value_usd: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    source: Annotated[str, Field(min_length=1)]
    alternative: str | None = None
    variant: str | None = None
    components: list[str] | None = None
    scope: Literal["all", "acquisition", "operations"] = "all"
    rel_tolerance: Annotated[float, Field(gt=0.0, le=1.0)] = 0.05
    calibrated: bool = False
    check: bool = Field(True, description="false: a budget to solve inputs from (implied:), not a figure our model "
                        "should reproduce; no verdict is given")  # fmt: skip
    note: str = ""


SOLVABLE = ("quantity", "average_unit_cost_usd", "first_unit_cost_usd", "procurement_total_usd", "unit_mass_kg",
            "launch_price_usd_per_kg", "launch_price_usd_per_launch", "development_cost_usd", "ops_fixed_usd_per_year",
            "ops_usd_per_unit_year")  # fmt: skip
"""Component inputs that can be solved from a published figure. The total rises with each, linearly but for the
quantity on a learning curve, so the solution is unique (or there is none at or above zero)."""


class InputSolve(StrictModel):
    """One component input solved so that one published figure is matched (``to``: its label).

    Under ``calibrate:`` the solved value replaces the input everywhere (an input the publication does not give,
    set from the figure it does give: that figure then agrees by construction, and the study's other figures test
    it). Under ``implied:`` nothing changes; the value is reported as what the figure implies.
    """

    component: Annotated[str, Field(min_length=1)]
    parameter: Literal[SOLVABLE]
    to: Annotated[str, Field(min_length=1, description="the label of a published figure of the study")]


class CostStudy(StrictModel):
    """A cost study file: the architecture's components, the horizon and the dollars, the sensitivity cases
    (variants), separate systems compared side by side (alternatives) and the published figures to check against."""

    kind: Literal["cost"] = "cost"
    name: Annotated[str, Field(min_length=1, max_length=160)]
    description: str = ""
    dollars_year: int
    start_year: Annotated[int, Field(ge=1950, le=2100)]
    horizon_years: Annotated[int, Field(ge=1, le=100)] = 20
    components: list[Component] = Field(..., min_length=1)
    alternatives: dict[str, list[str]] = Field(default_factory=dict)
    variants: list[Variant] = Field(default_factory=list)
    published: list[PublishedFigure] = Field(default_factory=list)
    calibrate: list[InputSolve] = Field(default_factory=list, description="inputs set from published figures")
    implied: list[InputSolve] = Field(default_factory=list, description="inputs the published figures imply")
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    schedule: DeploymentPlan | None = Field(None, description="deployment of the space layer (analysis.schedule)")
    schedule_component: str | None = Field(None, description="the component the schedule deploys: its quantity, "
                                           "mass and life (after calibration and the variant) set the schedule's")
    deadline: dt.date | None = Field(None, description="a date to check the schedule against, e.g. 2029-01-01")
    sharing: SharingSpec = Field(default_factory=lambda: SharingSpec(), description="partner cost sharing")
    effectiveness: Effectiveness | None = None

    @field_validator("dollars_year")
    @classmethod
    def _covered(cls, v):
        return _check_year_covered(v)

    @model_validator(mode="before")
    @classmethod
    def _schedule_from_component(cls, data):
        """A schedule tied to a component takes its size and mass from it when it does not give them."""
        if not isinstance(data, dict) or not data.get("schedule_component") or not isinstance(data.get("schedule"),
                                                                                             dict):  # fmt: skip
            return data
        comps = data.get("components") if isinstance(data.get("components"), list) else []
        comp = next((c for c in comps if isinstance(c, dict) and c.get("name") == data["schedule_component"]), None)
        if comp is None:
            names = [c.get("name") for c in comps if isinstance(c, dict)]
            raise ValueError(f"schedule_component: unknown component {data['schedule_component']!r} (components: "
                             f"{', '.join(map(str, names))})")  # fmt: skip
        try:
            comp = _merge_preset(dict(comp))
        except (ValueError, TypeError):
            return data  # the component's own validation will say what is wrong
        schedule = dict(data["schedule"])
        def usable(v) -> bool:
            return isinstance(v, int | float) and math.isfinite(v) and v > 0

        # a bad quantity or mass is reported at the component; the schedule then takes a stand-in, not a 2nd error
        if "n_satellites" not in schedule and "quantity" in comp:
            schedule["n_satellites"] = max(1, round(comp["quantity"])) if usable(comp["quantity"]) else 1
        if "sat_mass_kg" not in schedule and "unit_mass_kg" in comp:
            schedule["sat_mass_kg"] = comp["unit_mass_kg"] if usable(comp["unit_mass_kg"]) else 1.0
        return {**data, "schedule": schedule}

    @model_validator(mode="after")
    def _references(self):
        names = [c.name for c in self.components]
        if self.schedule_component is not None:
            if self.schedule_component not in names:
                raise ValueError(f"schedule_component: unknown component {self.schedule_component!r} (components: "
                                 f"{', '.join(names)})")  # fmt: skip
            if self.schedule is None:
                raise ValueError("schedule_component: names the component a schedule: block deploys, but the study "
                                 "has no schedule:")  # fmt: skip
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"components: names must be unique; repeated: {', '.join(dup)}")
        for alt, members in self.alternatives.items():
            unknown = [m for m in members if m not in names]
            if unknown or not members:
                raise ValueError(f"alternatives.{alt}: unknown components {unknown} (components: {', '.join(names)})")
        vnames = [v.name for v in self.variants]
        for v in self.variants:
            _apply_overrides(self.components, v, where=f"variants[{vnames.index(v.name)}]")
        for i, p in enumerate(self.published):
            where = f"published[{i}]"
            if p.variant is not None and p.variant not in vnames:
                raise ValueError(f"{where}.variant: unknown variant {p.variant!r} (variants: {', '.join(vnames)})")
            if p.alternative is not None and p.alternative not in self.alternatives:
                raise ValueError(f"{where}.alternative: unknown alternative {p.alternative!r}")
            if self.alternatives and p.alternative is None:
                raise ValueError(f"{where}.alternative: this study compares alternatives "
                                 f"({', '.join(self.alternatives)}); name the one the figure is for")  # fmt: skip
            unknown = [c for c in (p.components or []) if c not in names]
            if unknown:
                raise ValueError(f"{where}.components: unknown components {unknown}")
        labels = [p.label for p in self.published]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup and (self.calibrate or self.implied):
            raise ValueError(f"published: labels must be unique to be named by calibrate/implied; repeated: {dup}")
        for key in ("calibrate", "implied"):
            for i, c in enumerate(getattr(self, key)):
                _check_solve(self, c, f"{key}[{i}]")
        solved = [(c.component, c.parameter) for c in self.calibrate]
        if len(set(solved)) < len(solved):
            raise ValueError("calibrate: an input is calibrated twice")
        targets = [c.to for c in self.calibrate]
        twice = sorted({t for t in targets if targets.count(t) > 1})
        if twice:
            raise ValueError(f"calibrate: one figure can set one input only; {twice} is named more than once")
        for i, c in enumerate(self.implied):
            if (c.component, c.parameter) in solved:
                raise ValueError(f"implied[{i}]: {c.component}.{c.parameter} is calibrated (calibrate:), so no "
                                 "figure can imply another value of it")  # fmt: skip
        return self


def _check_solve(study: "CostStudy", c: InputSolve, where: str) -> None:
    comp = next((x for x in study.components if x.name == c.component), None)
    if comp is None:
        raise ValueError(f"{where}.component: unknown component {c.component!r} "
                         f"(components: {', '.join(x.name for x in study.components)})")  # fmt: skip
    fig = next((p for p in study.published if p.label == c.to), None)
    if fig is None:
        raise ValueError(f"{where}.to: no published figure is labelled {c.to!r} "
                         f"(labels: {'; '.join(p.label for p in study.published) or 'none'})")  # fmt: skip
    if getattr(comp, c.parameter) is None:
        raise ValueError(f"{where}.parameter: component {c.component!r} has no {c.parameter}; give it a starting "
                         "value (the component must be priced that way for the figure to depend on it)")  # fmt: skip
    scheduled = comp.deploy_schedule is not None or any(
        "deploy_schedule" in v.overrides.get(c.component, {}) for v in study.variants)
    if c.parameter == "quantity" and scheduled:
        raise ValueError(f"{where}.parameter: component {c.component!r} deploys by deploy_schedule (units per year, "
                         "here or in a variant), which fixes its quantity; give deploy_years to solve the quantity")
    if fig.alternative is not None and c.component not in study.alternatives[fig.alternative]:
        raise ValueError(f"{where}: component {c.component!r} is not part of alternative {fig.alternative!r}, "
                         f"which the figure {c.to!r} is for")  # fmt: skip
    if fig.variant is not None:
        v = next((v for v in study.variants if v.name == fig.variant), None)
        if v is None:
            raise ValueError(f"{where}: the figure {c.to!r} is for variant {fig.variant!r}, which this study no "
                             "longer has (solve calibrations before replacing a study's variants)")  # fmt: skip
        if c.parameter in v.overrides.get(c.component, {}):
            raise ValueError(f"{where}: variant {fig.variant!r} of the figure sets {c.component}.{c.parameter} "
                             "itself, so the figure cannot fix it")  # fmt: skip


def _apply_overrides(components: Sequence[Component], variant: Variant, where: str) -> list[Component]:
    names = {c.name for c in components}
    unknown = sorted(set(variant.overrides) - names)
    if unknown:
        raise ValueError(f"{where}.overrides: unknown components {unknown} (components: {', '.join(sorted(names))})")
    out = []
    for c in components:
        change = variant.overrides.get(c.name)
        if not change:
            out.append(c)
            continue
        # the preset is already merged into the fields set on the component; re-merging would repeat its sources
        data = {**c.model_dump(exclude={"preset"}, exclude_unset=True), **change}
        if "deploy_years" in change:
            data.pop("deploy_schedule", None)
        if "deploy_schedule" in change:
            data.pop("deploy_years", None)
        try:
            out.append(Component.model_validate(data))
        except ValidationError as exc:
            lines = format_validation_error(exc)
            raise ValueError(f"{where}.overrides.{c.name}: " + "; ".join(lines)) from None
    return out


def load_cost_study(source: "str | Path | Mapping | CostStudy") -> CostStudy:
    """A cost study from a YAML/TOML file, a built-in study name (``cbo-2026``) or a mapping.

    Bad input raises :class:`~goldendome.scenario.loader.ScenarioError` (a ValueError) with one
    'field.path: problem' line per problem, e.g. ``components[0].launch_price_usd_per_kg: Input should be greater
    than or equal to 0 (got -5.0)``.
    """
    if isinstance(source, CostStudy):
        return source
    if isinstance(source, Mapping):
        try:
            return CostStudy.model_validate(dict(source))
        except ValidationError as exc:
            raise ScenarioError("<cost study>", format_validation_error(exc)) from None
    return load_study(source, CostStudy)


def apply_variant(study: CostStudy, name: str) -> CostStudy:
    """The study with one variant's overrides applied (and no variants left); its calibrations are solved first."""
    study = calibrated(study)
    by_name = {v.name: v for v in study.variants}
    if name not in by_name:
        raise ValueError(f"unknown variant {name!r}; this study has: {', '.join(by_name) or 'none'}")
    v = by_name[name]
    comps = _apply_overrides(study.components, v, where=f"variant {name}")
    note = f"Variant '{name}': {v.description}" if v.description else f"Variant '{name}'"
    return study.model_copy(update={"components": comps, "variants": [], "notes": [*study.notes, note]})


def select_alternative(study: CostStudy, name: str) -> CostStudy:
    """The study restricted to one alternative's components (the alternatives of a study are separate systems); its
    calibrations are solved first."""
    study = calibrated(study)
    if name not in study.alternatives:
        raise ValueError(f"unknown alternative {name!r}; this study has: {', '.join(study.alternatives) or 'none'}")
    keep = set(study.alternatives[name])
    comps = [c for c in study.components if c.name in keep]
    note = f"Alternative '{name}': components {', '.join(study.alternatives[name])}"
    return study.model_copy(update={"components": comps, "alternatives": {}, "notes": [*study.notes, note]})


# ------------------------------------------------------------------------------------------------ schedule arrays


def initial_units(comp: Component, horizon: int) -> np.ndarray:
    """(horizon,) units first deployed each year: the schedule, or quantity spread evenly over deploy_years."""
    sched = np.asarray(comp.deploy_schedule if comp.deploy_schedule is not None
                       else [comp.quantity / comp.deploy_years] * comp.deploy_years, dtype=float)  # fmt: skip
    years = comp.deploy_start_year + np.arange(len(sched))
    out = np.zeros(horizon)
    inside = years < horizon
    out[years[inside]] = sched[inside]
    return out


def replacement_units(initial: np.ndarray, life_years: float | None) -> np.ndarray:
    """(horizon,) units bought as replacements: a cohort deployed in year y is rebought in floor(y + j * life),
    j = 1, 2, ..., while that year is inside the horizon."""
    horizon = len(initial)
    if life_years is None:
        return np.zeros(horizon)
    j = np.arange(1, math.ceil(horizon / life_years) + 1)
    y = np.arange(horizon)
    when = np.floor(y[:, None] + j[None, :] * life_years + 1e-9).astype(int)
    n = np.broadcast_to(initial[:, None], when.shape)
    inside = when < horizon
    return np.bincount(when[inside], weights=n[inside], minlength=horizon)


def spread(total: float, start: int, years: int, horizon: int) -> np.ndarray:
    """(horizon,) an amount spread evenly over `years` years from offset `start`; what falls past the horizon is
    dropped."""
    out = np.zeros(horizon)
    idx = start + np.arange(years)
    out[idx[idx < horizon]] = total / years
    return out


def _procurement(comp: Component, initial: np.ndarray, repl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Procurement of first units and of replacements, per year, in the component's dollars."""
    if comp.average_unit_cost_usd is not None:
        return initial * comp.average_unit_cost_usd, repl * comp.average_unit_cost_usd
    if comp.first_unit_cost_usd is None:
        return np.zeros_like(initial), np.zeros_like(initial)
    # unit theory along the cumulative unit number; within a year first units come before replacements
    edges = np.rint(np.cumsum(np.column_stack([initial, repl]).ravel())).astype(int)
    cum = np.concatenate([[0.0], np.cumsum(unit_costs(comp.first_unit_cost_usd, edges[-1], comp.learning_rate))])
    per_block = np.diff(np.concatenate([[0.0], cum[edges]]))
    return per_block[0::2], per_block[1::2]


def _launch(comp: Component, units: np.ndarray) -> np.ndarray:
    if comp.launch_price_usd_per_kg is not None:
        return units * comp.unit_mass_kg * comp.launch_price_usd_per_kg
    if comp.launch_price_usd_per_launch is not None:
        return np.ceil(units / comp.units_per_launch - 1e-9) * comp.launch_price_usd_per_launch
    return np.zeros_like(units)


def component_costs(comp: Component, horizon: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Costs by category (each (horizon,), in the component's own dollars) and units by year for one component."""
    init = initial_units(comp, horizon)
    repl = replacement_units(init, comp.service_life_years)
    proc_i, proc_r = _procurement(comp, init, repl)
    if comp.procurement_total_usd:
        if comp.quantity > 0:
            weights = init / init.sum() if init.sum() > 0 else init
            proc_i = proc_i + comp.procurement_total_usd * weights
        else:
            proc_i = proc_i + spread(comp.procurement_total_usd, comp.deploy_start_year, comp.deploy_span, horizon)
    launches = _launch(comp, init + repl)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(init + repl > 0, init / (init + repl), 1.0)
    in_service = np.cumsum(init)
    first_year = np.arange(horizon) >= comp.deploy_start_year
    develop = spread(comp.development_cost_usd, comp.development_start_year, comp.development_years, horizon)
    costs = {
        "development": develop,
        "procurement": proc_i,
        "launch": launches * share,
        "replacement_procurement": proc_r,
        "replacement_launch": launches * (1.0 - share),
        "operations": comp.ops_fixed_usd_per_year * first_year + comp.ops_usd_per_unit_year * in_service,
    }
    return costs, {"initial": init, "replacement": repl, "in_service": in_service}


# -------------------------------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class CostResult:
    """Year-by-year lifecycle cost of a study, in constant dollars of ``dollars_year``.

    table : long table, one row per (year, component, category) with a non-zero cost: columns year (fiscal),
        component, kind, category, cost_usd.
    units : one row per (year, component): units deployed first, replaced, and in service.
    assumptions : every assumption the totals rest on, in words; print them with any total (see :meth:`summary`).
    warnings : the subset of assumptions an analyst should look at first (horizon cuts, lives past the horizon).
    """

    name: str
    table: pd.DataFrame
    units: pd.DataFrame
    assumptions: list[str]
    warnings: list[str]
    dollars_year: int
    start_year: int
    horizon_years: int
    components: list[str] = field(default_factory=list)

    @property
    def years(self) -> np.ndarray:
        return self.start_year + np.arange(self.horizon_years)

    @property
    def total_usd(self) -> float:
        return float(self.table["cost_usd"].sum())

    def total(self, components: Sequence[str] | None = None, scope: str = "all") -> float:
        """Total over some components (default all) and a scope: 'all', 'acquisition' or 'operations'."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)} (got {scope!r})")
        t = self.table
        sel = t["category"].isin(SCOPES[scope])
        if components is not None:
            unknown = sorted(set(components) - set(self.components))
            if unknown:
                raise ValueError(f"unknown components {unknown}; this result has: {', '.join(self.components)}")
            sel &= t["component"].isin(components)
        return float(t.loc[sel, "cost_usd"].sum())

    def by_year(self) -> pd.DataFrame:
        """Wide table: one row per fiscal year, one column per category, plus the total."""
        wide = self.table.pivot_table(index="year", columns="category", values="cost_usd", aggfunc="sum")
        wide = wide.reindex(index=self.years, columns=list(CATEGORIES), fill_value=0.0).fillna(0.0)
        wide.index.name, wide.columns.name = "year", None
        wide["total"] = wide.sum(axis=1)
        return wide

    def by_component(self) -> pd.DataFrame:
        """One row per component: cost by category, acquisition (all but operations) and total."""
        wide = self.table.pivot_table(index="component", columns="category", values="cost_usd", aggfunc="sum")
        wide = wide.reindex(index=self.components, columns=list(CATEGORIES), fill_value=0.0).fillna(0.0)
        wide.index.name, wide.columns.name = "component", None
        wide["acquisition"] = wide[list(ACQUISITION)].sum(axis=1)
        wide["total"] = wide[list(CATEGORIES)].sum(axis=1)
        return wide

    def summary(self) -> str:
        """The total with every assumption under it (the only way a total is meant to be printed)."""
        lines = [f"{self.name}: ${self.total_usd / 1e9:,.1f} billion (FY{self.dollars_year} dollars) over "
                 f"FY{self.start_year}-FY{self.start_year + self.horizon_years - 1}", "Assumptions:"]  # fmt: skip
        lines += [f"  - {a}" for a in self.assumptions]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _money(x: float) -> str:
    if abs(x) >= 1e9:
        return f"${x / 1e9:,.2f}bn"
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.1f}M"
    return f"${x:,.0f}"


def _describe(comp: Component, study: CostStudy, units: dict[str, np.ndarray]) -> tuple[str, list[str]]:
    """One sentence of assumptions per component, and the warnings it raises."""
    y0, horizon = study.start_year, study.horizon_years
    dy = comp.dollars_year or study.dollars_year
    parts = [f"{comp.name} ({comp.kind}, prices in FY{dy} dollars)"]
    warn = []
    if comp.quantity > 0:
        parts.append(f"{comp.quantity:,.0f} deployed from FY{y0 + comp.deploy_start_year} over {comp.deploy_span} "
                     f"year(s)")  # fmt: skip
        if comp.service_life_years is None:
            parts.append("no replacement (no service life given)")
        else:
            parts.append(f"service life {comp.service_life_years:g} years, each unit rebought at end of life "
                         f"while inside the horizon")  # fmt: skip
            if comp.service_life_years > horizon:
                warn.append(f"{comp.name}: service life {comp.service_life_years:g} years is longer than the "
                            f"{horizon}-year horizon: no replacement falls inside it, and no residual value is "
                            f"credited")  # fmt: skip
        bought = units["initial"].sum() + units["replacement"].sum()
        parts.append(f"units bought in the horizon {bought:,.0f} = {units['initial'].sum():,.0f} first + "
                     f"{units['replacement'].sum():,.0f} replacements")  # fmt: skip
        if units["initial"].sum() < comp.quantity - 1e-9:
            warn.append(f"{comp.name}: the deployment runs past the horizon; only {units['initial'].sum():,.0f} of "
                        f"{comp.quantity:,.0f} units are bought inside it")  # fmt: skip
        if comp.average_unit_cost_usd is not None:
            parts.append(f"average unit cost {_money(comp.average_unit_cost_usd)}")
        else:
            parts.append(f"first-unit cost {_money(comp.first_unit_cost_usd)} on a {comp.learning_rate:.0%} "
                         "unit-theory learning curve (unit n costs T1 n^log2(rate), numbered across "
                         "replacements)")  # fmt: skip
    if comp.procurement_total_usd:
        parts.append(f"procurement total {_money(comp.procurement_total_usd)} spread over the deployment years")
    if comp.launch_price_usd_per_kg is not None:
        parts.append(f"launch {comp.unit_mass_kg:,.0f} kg per unit at {_money(comp.launch_price_usd_per_kg)}/kg")
    elif comp.launch_price_usd_per_launch is not None:
        parts.append(f"launch {comp.units_per_launch} units per launch at {_money(comp.launch_price_usd_per_launch)}"
                     f" per launch")  # fmt: skip
    if comp.development_cost_usd:
        end = comp.development_start_year + comp.development_years
        parts.append(f"development {_money(comp.development_cost_usd)} spread over FY{y0 + comp.development_start_year}"
                     f"-FY{y0 + end - 1}")  # fmt: skip
        if end > horizon:
            warn.append(f"{comp.name}: development runs past the horizon; the part after FY{y0 + horizon - 1} is not "
                        f"counted")  # fmt: skip
    if comp.ops_fixed_usd_per_year or comp.ops_usd_per_unit_year:
        parts.append(f"operations {_money(comp.ops_fixed_usd_per_year)}/year from FY{y0 + comp.deploy_start_year} "
                     f"+ {_money(comp.ops_usd_per_unit_year)} per unit-year in service")  # fmt: skip
    if comp.sources:
        parts.append("sources: " + " | ".join(" ".join(s.split()).rstrip(".") for s in comp.sources))
    return "; ".join(parts) + ".", warn


def lifecycle_cost(study: "CostStudy | Mapping | str | Path", alternative: str | None = None,
                   variant: str | None = None) -> CostResult:  # fmt: skip
    """Year-by-year cost of a study (or of one alternative, under one variant), in the study's constant dollars.

    Each component's arrays come from :func:`component_costs` and are converted once from its dollars_year to the
    study's with :func:`deflate`. The alternatives of a study are separate systems: one must be chosen.
    """
    study = load_cost_study(study)
    if alternative in study.alternatives:  # the other alternatives' calibrations are not needed
        study = calibrated(study, only=set(study.alternatives[alternative]))
    study = calibrated(study)
    if variant is not None:
        study = apply_variant(study, variant)
    if alternative is not None:
        study = select_alternative(study, alternative)
    elif study.alternatives:
        raise ValueError(f"this study compares separate systems ({', '.join(study.alternatives)}); choose one: "
                         f"lifecycle_cost(study, alternative={next(iter(study.alternatives))!r})")  # fmt: skip
    horizon = study.horizon_years
    years = study.start_year + np.arange(horizon)
    index = load_deflators()
    rows, unit_rows = [], []
    assumptions = [
        f"Constant FY{study.dollars_year} dollars, converted with the {index.name} ({index.citation}); the index "
        f"from FY{index.projected_from} on is a projection at {index.projection_rate:.1%} a year.",
        f"Horizon FY{years[0]}-FY{years[-1]} ({horizon} years); costs after it are not counted.",
        "Procurement and launch are counted in the year a unit is deployed; operations run from the first "
        "deployment year.",
    ]
    warnings = []
    for comp in study.components:
        costs, units = component_costs(comp, horizon)
        factor = float(deflate(1.0, comp.dollars_year or study.dollars_year, study.dollars_year))
        for cat in CATEGORIES:
            v = costs[cat] * factor
            nz = v != 0
            rows.append(pd.DataFrame({"year": years[nz], "component": comp.name, "kind": comp.kind,
                                      "category": cat, "cost_usd": v[nz]}))  # fmt: skip
        unit_rows.append(pd.DataFrame({"year": years, "component": comp.name, **units}))
        text, warn = _describe(comp, study, units)
        assumptions.append(text)
        warnings += warn
    assumptions += [" ".join(n.split()) for n in study.notes]
    assumptions += [f"NOTE: {w}" for w in warnings]
    table = pd.concat(rows, ignore_index=True)
    table["category"] = pd.Categorical(table["category"], categories=list(CATEGORIES))
    table = table.sort_values(["year", "component", "category"], ignore_index=True)
    table["category"] = table["category"].astype(str)
    return CostResult(study.name, table, pd.concat(unit_rows, ignore_index=True), assumptions, warnings,
                      study.dollars_year, study.start_year, horizon, [c.name for c in study.components])  # fmt: skip


# ------------------------------------------------------------------------------------- checks and sensitivities


def compare_published(study: "CostStudy | Mapping | str | Path") -> pd.DataFrame:
    """Each published figure of the study next to ours: published_usd, ours_usd, rel_diff, within_tolerance.

    A figure marked ``calibrated`` was used to set an unpublished input; its agreement is by construction. A figure
    with ``check: false`` is a budget, not a reproduction target: within_tolerance is None.
    """
    study = calibrated(load_cost_study(study))
    rows = []
    for p in study.published:
        res = lifecycle_cost(study, alternative=p.alternative, variant=p.variant)
        ours = res.total(p.components, p.scope)
        rel = ours / p.value_usd - 1.0
        rows.append({"label": p.label, "published_usd": p.value_usd, "ours_usd": ours, "rel_diff": rel,
                     "rel_tolerance": p.rel_tolerance,
                     "within_tolerance": (abs(rel) <= p.rel_tolerance) if p.check else None,
                     "calibrated": p.calibrated, "check": p.check, "alternative": p.alternative, "variant": p.variant,
                     "source": " ".join(p.source.split()), "note": " ".join(p.note.split())})  # fmt: skip
    return pd.DataFrame(rows)


def sweep(study: "CostStudy | Mapping | str | Path", component: str, field_name: str, values: Sequence,
          scope: str = "all", components: Sequence[str] | None = None, alternative: str | None = None,
          variant: str | None = None) -> pd.DataFrame:  # fmt: skip
    """How a total moves when one input of one component takes each of `values` (the others held).

    Returns one row per value: the value, total_usd (over `components` and `scope`) and rel_change against the
    study as written. Use it for the inputs a publication does not give. The value is set on the study as written,
    before its calibrations are solved, so an input calibrated on a published figure is solved again for each value
    (the figure keeps holding) and the variant, if any, is applied on top.
    """
    study = load_cost_study(study)
    if any(c.component == component and c.parameter == field_name for c in study.calibrate):
        raise ValueError(f"{component}.{field_name} is calibrated on a published figure; sweep another input")
    if variant is not None:
        v = next((v for v in study.variants if v.name == variant), None)
        if v is not None and field_name in v.overrides.get(component, {}):
            raise ValueError(f"variant {variant!r} sets {component}.{field_name} itself; sweep without it")
    base = lifecycle_cost(study, alternative, variant).total(components, scope)
    rows = []
    for value in values:
        case = Variant(name=f"{component}.{field_name}={value}", overrides={component: {field_name: value}})
        comps = _apply_overrides(study.components, case, where=f"sweep {case.name}")
        total = lifecycle_cost(study.model_copy(update={"components": comps}), alternative, variant).total(
            components, scope)
        rows.append({field_name: value, "total_usd": total, "rel_change": total / base - 1.0})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------- inputs solved from published figures


def _with_value(study: CostStudy, component: str, parameter: str, value: float) -> CostStudy:
    comps = [c.model_copy(update={parameter: float(value)}) if c.name == component else c for c in study.components]
    return study.model_copy(update={"components": comps})


def _figure_total(study: CostStudy, fig: PublishedFigure) -> float:
    return lifecycle_cost(study, alternative=fig.alternative, variant=fig.variant).total(fig.components, fig.scope)


def solve_input(study: "CostStudy | Mapping | str | Path", component: str, parameter: str, figure: str) -> float:
    """The value of ``component.parameter`` at which the study's published figure labelled ``figure`` is matched
    exactly, the study's calibrations solved again at each trial value.

    Every solvable input (:data:`SOLVABLE`) raises the total, nearly always linearly: two evaluations give the line
    and a third checks it; where the check fails (a quantity on a learning curve) the root is bracketed from zero
    and found by Brent's method (scipy.optimize.brentq). A learning curve counts whole units each year, so there the
    total is a step function of the quantity and the figure is met to within one unit's cost. Raises ValueError, in
    words, when the figure does not depend on the input or when only a negative value would match it.
    """
    study = load_cost_study(study)
    fig = next((p for p in study.published if p.label == figure), None)
    if fig is None:
        raise ValueError(f"no published figure is labelled {figure!r}")
    _check_solve(study, InputSolve(component=component, parameter=parameter, to=figure), f"solve {figure!r}")
    x0 = float(getattr(next(c for c in study.components if c.name == component), parameter))
    x1 = x0 * 1.25 if x0 > 0 else 1.0
    f0, f1 = (_figure_total(_with_value(study, component, parameter, x), fig) for x in (x0, x1))
    slope = (f1 - f0) / (x1 - x0)
    what = f"{component}.{parameter}"
    if abs(slope) * max(abs(x0), 1.0) <= 1e-12 * max(abs(f0), 1.0):
        raise ValueError(f"{fig.label!r} does not depend on {what} (it stays at {_money(f0)})")
    x = x0 + (fig.value_usd - f0) / slope
    if x >= 0:
        check = _figure_total(_with_value(study, component, parameter, x), fig)
        if math.isclose(check, fig.value_usd, rel_tol=1e-9):
            return x

    def gap(v: float) -> float:
        return _figure_total(_with_value(study, component, parameter, v), fig) - fig.value_usd

    at_zero = gap(0.0)
    if at_zero > 0:
        raise ValueError(f"no value of {what} at or above zero matches {fig.label!r} ({_money(fig.value_usd)}): at "
                         f"zero the total is already {_money(at_zero + fig.value_usd)}")  # fmt: skip
    hi = max(x, x0, 1.0)
    for _ in range(60):
        if gap(hi) > 0:
            break
        hi *= 2.0
    else:
        raise ValueError(f"no value of {what} matches {fig.label!r} ({_money(fig.value_usd)})")
    return float(brentq(gap, 0.0, hi, xtol=1e-12 * hi, rtol=1e-12))


_CALIBRATED: dict[str, "CostStudy"] = {}


def _needed_calibrations(study: CostStudy, only: "set[str] | None") -> list[InputSolve]:
    """The calibrations to solve for a study about to be cut down to the components `only` (None: all): those of
    these components, and of every component their figures' totals contain, and so on."""
    if only is None:
        return list(study.calibrate)
    need = set(only)
    while True:
        todo = [c for c in study.calibrate if c.component in need]
        grow = need.union(*(_figure_members(study, c.to) for c in todo))
        if grow == need:
            return todo
        need = grow


def _figure_members(study: CostStudy, label: str) -> set[str]:
    """The components whose costs a published figure's total contains."""
    fig = next(p for p in study.published if p.label == label)
    if fig.components:
        return set(fig.components)
    return set(study.alternatives[fig.alternative]) if fig.alternative else {x.name for x in study.components}


def _solve_jointly(study: CostStudy, todo: list[InputSolve]) -> CostStudy:
    """Several calibrated inputs whose figures depend on each other: Newton's method on the figures' gaps (a
    finite-difference Jacobian; the totals are linear in each input, so it lands in one or two steps)."""
    figs = [next(p for p in study.published if p.label == c.to) for c in todo]
    target = np.array([f.value_usd for f in figs])

    def at(x) -> CostStudy:
        out = study
        for c, v in zip(todo, x, strict=True):
            out = _with_value(out, c.component, c.parameter, v)
        return out

    def gaps(x) -> np.ndarray:
        s = at(x)
        return np.array([_figure_total(s, f) for f in figs]) - target

    x = np.array([float(getattr(next(k for k in study.components if k.name == c.component), c.parameter))
                  for c in todo])  # fmt: skip
    for _ in range(30):
        g = gaps(x)
        if np.all(np.abs(g) <= 1e-9 * target):
            break
        h = np.maximum(np.abs(x) * 0.25, 1.0)
        jac = np.column_stack([(gaps(x + h[i] * np.eye(len(x))[i]) - g) / h[i] for i in range(len(x))])
        if abs(np.linalg.det(jac / np.maximum(np.abs(jac).max(axis=0), 1e-300))) < 1e-12:
            raise ValueError("calibrate: the calibrated figures do not fix their inputs together (one figure does not "
                             f"depend on them, or two say the same): {', '.join(c.to for c in todo)}")  # fmt: skip
        x = x - np.linalg.solve(jac, g)
    else:
        raise ValueError(f"calibrate: no joint solution found for {', '.join(c.to for c in todo)}")
    bad = [f"{c.component}.{c.parameter} = {v:g}" for c, v in zip(todo, x, strict=True) if v < 0]
    if bad:
        raise ValueError(f"calibrate: only negative values match the figures together: {'; '.join(bad)}")
    return at(x)


_CALIBRATED: dict[str, "CostStudy"] = {}


def calibrated(study: CostStudy, only: "set[str] | None" = None) -> CostStudy:
    """The study with its ``calibrate:`` inputs solved and set (none left to solve), each noted in its assumptions
    and its figure marked calibrated. One input is solved by :func:`solve_input`; several whose figures share
    components are solved together. only: solve just what the components `only` need (their calibrations, and those
    their figures depend on) and drop the rest (for a study about to be cut down to them).
    """
    todo = _needed_calibrations(study, only)
    if not todo:
        return study.model_copy(update={"calibrate": []}) if study.calibrate else study
    key = study.model_dump_json() + repr(sorted(only or ()))
    if key in _CALIBRATED:
        return _CALIBRATED[key]
    current = study.model_copy(update={"calibrate": []})
    for group in _coupled_groups(current, todo):
        if len(group) == 1:
            c = group[0]
            current = _with_value(current, c.component, c.parameter, solve_input(current, c.component, c.parameter,
                                                                                 c.to))  # fmt: skip
        else:
            current = _solve_jointly(current, group)
    notes, targets = list(current.notes), {c.to for c in todo}
    for c in todo:
        comp = next(x for x in current.components if x.name == c.component)
        try:
            Component.model_validate(comp.model_dump(exclude={"preset"}, exclude_unset=True))
        except ValidationError as exc:
            raise ValueError(f"calibrate: {c.component}.{c.parameter} solved from {c.to!r} is out of range: "
                             + "; ".join(format_validation_error(exc))) from None  # fmt: skip
        fig = next(p for p in study.published if p.label == c.to)
        value = format_input(c.parameter, getattr(comp, c.parameter))
        notes.append(f"CALIBRATED: {c.component}.{c.parameter} = {value}, solved so that '{c.to}' "
                     f"({_money(fig.value_usd)}) is matched; that figure agrees by construction.")  # fmt: skip
    published = [p.model_copy(update={"calibrated": True}) if p.label in targets else p for p in current.published]
    out = current.model_copy(update={"notes": notes, "published": published})
    if len(_CALIBRATED) > 64:
        _CALIBRATED.clear()
    _CALIBRATED[key] = out
    return out


def _coupled_groups(study: CostStudy, todo: list[InputSolve]) -> list[list[InputSolve]]:
    """The calibrations split into groups that must be solved together: two are coupled when one's figure contains
    the other's component (connected components of that relation)."""
    groups: list[list[InputSolve]] = []
    for c in todo:
        joined = [g for g in groups if any(c.component in _figure_members(study, o.to) or
                                           o.component in _figure_members(study, c.to) for o in g)]  # fmt: skip
        merged = [c] + [o for g in joined for o in g]
        groups = [g for g in groups if g not in joined] + [merged]
    return groups


def deployment_plan(study: "CostStudy | Mapping | str | Path", variant: str | None = None) -> DeploymentPlan | None:
    """The study's deployment plan, its size, mass and life taken from ``schedule_component`` (if named) after the
    calibrations and the variant: a schedule that follows what the cost study solved or changed."""
    study = calibrated(load_cost_study(study))
    if study.schedule is None or study.schedule_component is None:
        return study.schedule
    if variant is not None:
        study = apply_variant(study, variant)
    comp = next(c for c in study.components if c.name == study.schedule_component)
    update = {"n_satellites": max(1, round(comp.quantity))}
    if comp.unit_mass_kg:
        update["sat_mass_kg"] = comp.unit_mass_kg
    if comp.service_life_years is not None:
        update["service_life_years"] = min(comp.service_life_years, 100.0)
    return DeploymentPlan.model_validate(study.schedule.model_dump() | update)


def format_input(parameter: str, value: float) -> str:
    """A solvable input's value for people: money as $M/$bn (per kg, per launch, per year where it is), masses in
    kg, quantities as whole numbers; NaN as 'none'."""
    if value != value:
        return "none"
    if parameter.endswith("_usd") or "_usd_" in parameter:
        per = {"per_kg": "/kg", "per_launch": "/launch", "per_year": "/year", "unit_year": "/unit-year"}
        return _money(value) + next((v for k, v in per.items() if parameter.endswith(k)), "")
    return f"{value:,.0f} kg" if parameter == "unit_mass_kg" else f"{value:,.0f}"


def implied_inputs(study: "CostStudy | Mapping | str | Path") -> pd.DataFrame:
    """What the study's published figures imply for the inputs named under ``implied:``: one row per entry with the
    value as written, the value that matches the figure (NaN, with the reason, when none at or above zero does) and
    their ratio. The study's calibrations are solved again at each trial value."""
    study = load_cost_study(study)
    rows = []
    for c in study.implied:
        written = float(getattr(next(x for x in study.components if x.name == c.component), c.parameter))
        try:
            value, why = solve_input(study, c.component, c.parameter, c.to), ""
        except ValueError as exc:
            value, why = math.nan, str(exc)
        rows.append({"component": c.component, "parameter": c.parameter, "figure": c.to, "as_written": written,
                     "implied": value, "ratio": value / written if written else math.nan, "note": why})
    return pd.DataFrame(rows, columns=["component", "parameter", "figure", "as_written", "implied", "ratio", "note"])


def implied_curves(study: "CostStudy | Mapping | str | Path", points: int = 9) -> pd.DataFrame:
    """The picture behind :func:`implied_inputs`: for each ``implied:`` entry, the figure's total (ours) as the input
    runs from zero to 1.5 times the larger of its written and implied values, the study's calibrations solved again
    at each point (NaN where they have no solution). Rows: component, parameter, figure, value, total_usd,
    published_usd, as_written, implied."""
    study = load_cost_study(study)
    table = implied_inputs(study)
    rows = []
    for c, imp in zip(study.implied, table.itertuples(), strict=True):
        fig = next(p for p in study.published if p.label == c.to)
        top = 1.5 * max(imp.as_written, imp.implied if imp.implied == imp.implied else 0.0)
        for x in np.linspace(0.0, top, points):
            try:
                total = _figure_total(_with_value(study, c.component, c.parameter, x), fig)
            except ValueError:  # a calibration has no solution there (it would need a negative input)
                total = math.nan
            rows.append({"component": c.component, "parameter": c.parameter, "figure": c.to, "value": x,
                         "total_usd": total, "published_usd": fig.value_usd, "as_written": imp.as_written,
                         "implied": imp.implied})  # fmt: skip
    return pd.DataFrame(rows)
