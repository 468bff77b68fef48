"""The cost study file: an architecture's components with their prices, lives and schedules, the horizon and the
dollars, its sensitivity cases and the published figures it is checked against.

A study (YAML, read by :func:`load_cost_study`; shipped examples ``scenario/studies/cbo-2026.yaml`` and
``cbo-2025-letter.yaml``)::

    kind: cost
    name: ...
    dollars_year: 2026            # constant dollars of this fiscal year (must be in deflators.yaml)
    start_year: 2026              # fiscal year of offset 0
    horizon_years: 20
    components:
      - name: sbi
        kind: sbi                 # sbi | tracking_satellite | interceptor | radar | c2 | other
        preset: sbi-cbo-2026      # optional: defaults from scenario/data/cost_defaults.yaml, overridden field by field
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
    schedule: {...}               # optional: the deployment plan (goldendome.scenario.deployment)
    schedule_component: sbi       # the component whose quantity, mass and life the schedule takes
    deadline: 2029-01-01
    sharing: {...}                # who pays (goldendome.scenario.sharing)
    effectiveness: {...}          # what the money buys (goldendome.scenario.effectiveness)

Bad input raises :class:`~goldendome.scenario.loader.ScenarioError` (a ValueError) naming the field, e.g.
``components[0].launch_price_usd_per_kg: Input should be greater than or equal to 0 (got -5.0)``. Validation checks
every name a study uses (components, variants, figures, presets) and that every dollar year is covered by the price
index (:mod:`goldendome.scenario.price_index`). What a study costs is worked out by :mod:`goldendome.analysis.cost`.
"""

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, WrapValidator, field_validator, model_validator

from goldendome.scenario.base import Flag, Note, Real, StrictModel, Usd, Whole
from goldendome.scenario.cost_presets import merge_preset
from goldendome.scenario.deployment import DeploymentPlan
from goldendome.scenario.effectiveness import Effectiveness
from goldendome.scenario.loader import ScenarioError, format_validation_error, load_study
from goldendome.scenario.price_index import load_deflators
from goldendome.scenario.sharing import SharingSpec

KINDS = ("sbi", "tracking_satellite", "interceptor", "radar", "c2", "other")
"""What a component is, as the estimator sees it."""

Offset = Annotated[Whole, Field(ge=0, le=200)]
Name = Annotated[str, Field(min_length=1, max_length=80)]
"""The name of a component, variant or alternative."""
Label = Annotated[str, Field(min_length=1, max_length=160)]
"""The label of a study or of a published figure."""
Year = Annotated[Whole, Field(ge=1900, le=2200)]
"""A fiscal year (the price index, scenario/data/deflators.yaml, says which it covers)."""


def _one_error(value, handler):
    """One plain error for a value that is none of the kinds an override takes (not one per kind tried)."""
    try:
        return handler(value)
    except ValidationError:
        raise ValueError(
            "an override is a number, a text, a list of numbers or of texts, or null (see the component's fields)"
        ) from None


OverrideValue = Annotated[Whole | Real | Note | list[Real] | list[Note] | None, WrapValidator(_one_error)]
"""The new value of one component field in a variant; validated as that field when the variant is applied."""


def _check_year_covered(v: int | None, what: str = "prices") -> int | None:
    if v is not None and not load_deflators().covers(v):
        index = load_deflators()
        raise ValueError(
            f"no price index for fiscal year {v} to convert the {what} with; deflators.yaml covers "
            f"{index.years[0]}-{index.years[-1]}"
        )
    return v


class Component(StrictModel):
    """One element of the architecture as the estimator sees it: a force of units with prices, lives and schedules.

    Money in US dollars of ``dollars_year`` (default: the study's), masses in kg, years as whole-year offsets from
    the study's start year (0 = the first fiscal year).
    """

    name: Name
    kind: Literal[KINDS]
    preset: Name | None = None
    quantity: Annotated[Real, Field(ge=0.0, le=1e7)] = 0.0
    average_unit_cost_usd: Usd | None = None
    first_unit_cost_usd: Usd | None = None
    learning_rate: Annotated[Real, Field(gt=0.0, le=1.0)] | None = None
    procurement_total_usd: Usd | None = None
    unit_mass_kg: Annotated[Real, Field(ge=0.0, le=1e6, description="at most 1,000 t")] | None = None
    launch_price_usd_per_kg: Usd | None = None
    launch_price_usd_per_launch: Usd | None = None
    units_per_launch: Annotated[Whole, Field(ge=1, le=10_000)] | None = None
    service_life_years: Annotated[Real, Field(ge=0.1, le=200.0)] | None = None  # 0.1: about five weeks
    development_cost_usd: Usd = 0.0
    development_start_year: Offset = 0
    development_years: Annotated[Whole, Field(ge=1, le=100)] = 1
    deploy_start_year: Offset = 0
    deploy_years: Annotated[Whole, Field(ge=1, le=100)] = 1
    deploy_schedule: list[Annotated[Real, Field(ge=0.0, le=1e7)]] | None = Field(
        None, max_length=100, description="units deployed each year, at most 100 years"
    )
    ops_fixed_usd_per_year: Usd = 0.0
    ops_usd_per_unit_year: Usd = 0.0
    dollars_year: Year | None = None
    sources: list[Note] = Field(default_factory=list, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data):
        if not isinstance(data, dict):
            return data
        try:
            return merge_preset(data)
        except TypeError:  # a preset or sources of the wrong type: the field's own check names it
            return data

    @field_validator("dollars_year")
    @classmethod
    def _covered(cls, v):
        return _check_year_covered(v)

    @model_validator(mode="after")
    def _prices_complete(self):
        if self.average_unit_cost_usd is not None and self.first_unit_cost_usd is not None:
            raise ValueError(
                "average_unit_cost_usd and first_unit_cost_usd are both given; keep one (an average, or "
                "a first-unit cost with learning_rate)"
            )
        if self.first_unit_cost_usd is not None and self.learning_rate is None:
            raise ValueError("first_unit_cost_usd needs learning_rate (e.g. 0.9 for a 90 % unit-theory curve)")
        if self.quantity > 0 and self.average_unit_cost_usd is None and self.first_unit_cost_usd is None:
            raise ValueError(
                f"quantity is {self.quantity:g} but no unit price: give average_unit_cost_usd, or "
                "first_unit_cost_usd with learning_rate"
            )
        per_kg, per_launch = self.launch_price_usd_per_kg, self.launch_price_usd_per_launch
        if per_kg is not None and per_launch is not None:
            raise ValueError("launch_price_usd_per_kg and launch_price_usd_per_launch are both given; keep one")
        if per_kg is not None and self.unit_mass_kg is None:
            raise ValueError("launch_price_usd_per_kg needs unit_mass_kg (mass in orbit per unit)")
        if per_launch is not None and self.units_per_launch is None:
            raise ValueError("launch_price_usd_per_launch needs units_per_launch")
        if (
            self.kind in ("sbi", "tracking_satellite")
            and self.quantity > 0
            and self.unit_mass_kg
            and per_kg is None
            and per_launch is None
        ):
            raise ValueError(
                f"unit_mass_kg is {self.unit_mass_kg:g} kg but no launch price: give "
                "launch_price_usd_per_kg or launch_price_usd_per_launch"
            )
        if self.deploy_schedule is not None:
            if "deploy_years" in self.model_fields_set:
                raise ValueError(
                    "deploy_schedule and deploy_years are both given; the schedule (units per year) "
                    "already says how many years"
                )
            total = sum(self.deploy_schedule)
            if not math.isclose(total, self.quantity, rel_tol=1e-9, abs_tol=1e-9):
                raise ValueError(f"deploy_schedule adds up to {total:g} units but quantity is {self.quantity:g}")
        if (
            self.development_cost_usd == 0
            and "development_years" in self.model_fields_set
            and "development_cost_usd" not in self.model_fields_set
        ):
            raise ValueError("development_years is given but no development_cost_usd")
        costs = (self.quantity, self.procurement_total_usd or 0, self.development_cost_usd, self.ops_fixed_usd_per_year)
        if not any(costs):
            raise ValueError(
                "this component costs nothing: give a quantity with a unit price, a "
                "procurement_total_usd, a development_cost_usd or an operations cost"
            )
        return self

    @property
    def deploy_span(self) -> int:
        return len(self.deploy_schedule) if self.deploy_schedule is not None else self.deploy_years


class Variant(StrictModel):
    """A named change of some components' fields (a sensitivity case): ``overrides: {component: {field: value}}``."""

    name: Name
    description: Note = ""
    overrides: dict[Name, dict[Annotated[str, Field(max_length=64)], OverrideValue]] = Field(
        ..., min_length=1, max_length=200
    )


class PublishedFigure(StrictModel):
    """A published total the study is checked against, with what it covers and the source."""

    label: Label
    value_usd: Annotated[Usd, Field(gt=0.0)]
    source: Annotated[Note, Field(min_length=1)]
    alternative: Name | None = None
    variant: Name | None = None
    components: list[Name] | None = Field(None, max_length=200)
    scope: Literal["all", "acquisition", "operations"] = "all"
    rel_tolerance: Annotated[Real, Field(gt=0.0, le=1.0)] = 0.05
    calibrated: Flag = False
    check: Flag = Field(
        True,
        description="false: a budget to solve inputs from (implied:), not a figure our model "
        "should reproduce; no verdict is given",
    )
    note: Note = ""


SOLVABLE = (
    "quantity",
    "average_unit_cost_usd",
    "first_unit_cost_usd",
    "procurement_total_usd",
    "unit_mass_kg",
    "launch_price_usd_per_kg",
    "launch_price_usd_per_launch",
    "development_cost_usd",
    "ops_fixed_usd_per_year",
    "ops_usd_per_unit_year",
)
"""Component inputs that can be solved from a published figure. The total rises with each, linearly but for the
quantity on a learning curve, so the solution is unique (or there is none at or above zero)."""


class InputSolve(StrictModel):
    """One component input solved so that one published figure is matched (``to``: its label).

    Under ``calibrate:`` the solved value replaces the input everywhere (an input the publication does not give,
    set from the figure it does give: that figure then agrees by construction, and the study's other figures test
    it). Under ``implied:`` nothing changes; the value is reported as what the figure implies.
    """

    component: Name
    parameter: Literal[SOLVABLE]
    to: Annotated[Label, Field(description="the label of a published figure of the study")]


class CostStudy(StrictModel):
    """A cost study file: the architecture's components, the horizon and the dollars, the sensitivity cases
    (variants), separate systems compared side by side (alternatives) and the published figures to check against."""

    kind: Literal["cost"] = "cost"
    name: Label
    description: Note = ""
    dollars_year: Year
    start_year: Annotated[Whole, Field(ge=1950, le=2100)]
    horizon_years: Annotated[Whole, Field(ge=1, le=100)] = 20
    components: list[Component] = Field(..., min_length=1, max_length=200)
    alternatives: dict[Name, Annotated[list[Name], Field(max_length=200)]] = Field(default_factory=dict, max_length=50)
    variants: list[Variant] = Field(default_factory=list, max_length=200)
    published: list[PublishedFigure] = Field(default_factory=list, max_length=200)
    calibrate: list[InputSolve] = Field(
        default_factory=list, max_length=200, description="inputs set from published figures"
    )
    implied: list[InputSolve] = Field(
        default_factory=list, max_length=200, description="inputs the published figures imply"
    )
    notes: list[Note] = Field(default_factory=list, max_length=200)
    sources: list[Note] = Field(default_factory=list, max_length=200)
    schedule: DeploymentPlan | None = Field(None, description="deployment of the space layer (analysis.schedule)")
    schedule_component: Name | None = Field(
        None,
        description="the component the schedule deploys: its quantity, "
        "mass and life (after calibration and the variant) set the schedule's",
    )
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
        if (
            not isinstance(data, dict)
            or not data.get("schedule_component")
            or not isinstance(data.get("schedule"), dict)
        ):
            return data
        comps = data.get("components") if isinstance(data.get("components"), list) else []
        comp = next((c for c in comps if isinstance(c, dict) and c.get("name") == data["schedule_component"]), None)
        if comp is None:
            names = [c.get("name") for c in comps if isinstance(c, dict)]
            raise ValueError(
                f"schedule_component: unknown component {data['schedule_component']!r} (components: "
                f"{', '.join(map(str, names))})"
            )
        try:
            comp = merge_preset(dict(comp))
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
                raise ValueError(
                    f"schedule_component: unknown component {self.schedule_component!r} (components: "
                    f"{', '.join(names)})"
                )
            if self.schedule is None:
                raise ValueError(
                    "schedule_component: names the component a schedule: block deploys, but the study has no schedule:"
                )
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"components: names must be unique; repeated: {', '.join(dup)}")
        for alt, members in self.alternatives.items():
            unknown = [m for m in members if m not in names]
            if unknown or not members:
                raise ValueError(f"alternatives.{alt}: unknown components {unknown} (components: {', '.join(names)})")
        vnames = [v.name for v in self.variants]
        for v in self.variants:
            apply_overrides(self.components, v, where=f"variants[{vnames.index(v.name)}]")
        for i, p in enumerate(self.published):
            where = f"published[{i}]"
            if p.variant is not None and p.variant not in vnames:
                raise ValueError(f"{where}.variant: unknown variant {p.variant!r} (variants: {', '.join(vnames)})")
            if p.alternative is not None and p.alternative not in self.alternatives:
                raise ValueError(f"{where}.alternative: unknown alternative {p.alternative!r}")
            if self.alternatives and p.alternative is None:
                raise ValueError(
                    f"{where}.alternative: this study compares alternatives "
                    f"({', '.join(self.alternatives)}); name the one the figure is for"
                )
            unknown = [c for c in (p.components or []) if c not in names]
            if unknown:
                raise ValueError(f"{where}.components: unknown components {unknown}")
        labels = [p.label for p in self.published]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup and (self.calibrate or self.implied):
            raise ValueError(f"published: labels must be unique to be named by calibrate/implied; repeated: {dup}")
        for key in ("calibrate", "implied"):
            for i, c in enumerate(getattr(self, key)):
                check_input_solve(self, c, f"{key}[{i}]")
        solved = [(c.component, c.parameter) for c in self.calibrate]
        if len(set(solved)) < len(solved):
            raise ValueError("calibrate: an input is calibrated twice")
        targets = [c.to for c in self.calibrate]
        twice = sorted({t for t in targets if targets.count(t) > 1})
        if twice:
            raise ValueError(f"calibrate: one figure can set one input only; {twice} is named more than once")
        for i, c in enumerate(self.implied):
            if (c.component, c.parameter) in solved:
                raise ValueError(
                    f"implied[{i}]: {c.component}.{c.parameter} is calibrated (calibrate:), so no "
                    "figure can imply another value of it"
                )
        return self


def check_input_solve(study: CostStudy, c: InputSolve, where: str) -> None:
    """ValueError in words (prefixed ``where``) unless the published figure ``c.to`` can fix the input
    ``c.parameter`` of component ``c.component``: both exist, the input has a starting value, no deploy_schedule
    fixes a solved quantity, the component is part of the figure's alternative and the figure's variant does not
    set the input itself."""
    comp = next((x for x in study.components if x.name == c.component), None)
    if comp is None:
        raise ValueError(
            f"{where}.component: unknown component {c.component!r} "
            f"(components: {', '.join(x.name for x in study.components)})"
        )
    fig = next((p for p in study.published if p.label == c.to), None)
    if fig is None:
        raise ValueError(
            f"{where}.to: no published figure is labelled {c.to!r} "
            f"(labels: {'; '.join(p.label for p in study.published) or 'none'})"
        )
    if getattr(comp, c.parameter) is None:
        raise ValueError(
            f"{where}.parameter: component {c.component!r} has no {c.parameter}; give it a starting "
            "value (the component must be priced that way for the figure to depend on it)"
        )
    scheduled = comp.deploy_schedule is not None or any(
        "deploy_schedule" in v.overrides.get(c.component, {}) for v in study.variants
    )
    if c.parameter == "quantity" and scheduled:
        raise ValueError(
            f"{where}.parameter: component {c.component!r} deploys by deploy_schedule (units per year, "
            "here or in a variant), which fixes its quantity; give deploy_years to solve the quantity"
        )
    if fig.alternative is not None and c.component not in study.alternatives[fig.alternative]:
        raise ValueError(
            f"{where}: component {c.component!r} is not part of alternative {fig.alternative!r}, "
            f"which the figure {c.to!r} is for"
        )
    if fig.variant is not None:
        v = next((v for v in study.variants if v.name == fig.variant), None)
        if v is None:
            raise ValueError(
                f"{where}: the figure {c.to!r} is for variant {fig.variant!r}, which this study no "
                "longer has (solve calibrations before replacing a study's variants)"
            )
        if c.parameter in v.overrides.get(c.component, {}):
            raise ValueError(
                f"{where}: variant {fig.variant!r} of the figure sets {c.component}.{c.parameter} "
                "itself, so the figure cannot fix it"
            )


def apply_overrides(components: Sequence[Component], variant: Variant, where: str) -> list[Component]:
    """The components with a variant's overrides set field by field, each validated again; ValueError naming
    ``where`` and the component on a bad override. A ``deploy_years`` override drops the ``deploy_schedule`` and
    the other way round."""
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


def with_variant(study: CostStudy, name: str) -> CostStudy:
    """The study with one variant's overrides applied (and no variants left), the variant noted among its notes.
    Nothing is solved: :func:`goldendome.analysis.cost.apply_variant` solves the calibrations first."""
    by_name = {v.name: v for v in study.variants}
    if name not in by_name:
        raise ValueError(f"unknown variant {name!r}; this study has: {', '.join(by_name) or 'none'}")
    v = by_name[name]
    comps = apply_overrides(study.components, v, where=f"variant {name}")
    note = f"Variant '{name}': {v.description}" if v.description else f"Variant '{name}'"
    return study.model_copy(update={"components": comps, "variants": [], "notes": [*study.notes, note]})


def with_alternative(study: CostStudy, name: str) -> CostStudy:
    """The study restricted to one alternative's components (the alternatives of a study are separate systems), the
    alternative noted among its notes. Nothing is solved: :func:`goldendome.analysis.cost.select_alternative` solves
    the calibrations first."""
    if name not in study.alternatives:
        raise ValueError(f"unknown alternative {name!r}; this study has: {', '.join(study.alternatives) or 'none'}")
    keep = set(study.alternatives[name])
    comps = [c for c in study.components if c.name in keep]
    note = f"Alternative '{name}': components {', '.join(study.alternatives[name])}"
    return study.model_copy(update={"components": comps, "alternatives": {}, "notes": [*study.notes, note]})


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
