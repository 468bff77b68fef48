"""A cost study's questions answered: its lifecycle cost under one case, its totals beside the published figures,
how a total moves with one input, and the deployment plan that follows what the study solved.

Each works on the study as written and solves its calibrations first (:mod:`goldendome.analysis.cost.calibration`),
so a figure used to set an input keeps holding under every variant, alternative and swept value.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from goldendome.analysis.cost.calibration import calibrated, solved_case
from goldendome.analysis.cost.lifecycle import CostResult, priced
from goldendome.scenario.cost_study import (
    CostStudy,
    Variant,
    apply_overrides,
    load_cost_study,
    with_alternative,
    with_variant,
)
from goldendome.scenario.deployment import DeploymentPlan


def lifecycle_cost(
    study: "CostStudy | Mapping | str | Path", alternative: str | None = None, variant: str | None = None
) -> CostResult:
    """Year-by-year cost of a study (or of one alternative, under one variant), in the study's constant dollars.

    Each component's arrays come from :func:`~goldendome.analysis.cost.lifecycle.component_costs` and are converted
    once from its dollars_year to the study's with :func:`~goldendome.scenario.price_index.deflate`. The
    alternatives of a study are separate systems: one must be chosen.
    """
    return priced(solved_case(load_cost_study(study), alternative, variant))


def apply_variant(study: CostStudy, name: str) -> CostStudy:
    """The study with one variant's overrides applied (and no variants left); its calibrations are solved first."""
    return with_variant(calibrated(study), name)


def select_alternative(study: CostStudy, name: str) -> CostStudy:
    """The study restricted to one alternative's components (the alternatives of a study are separate systems); its
    calibrations are solved first."""
    return with_alternative(calibrated(study), name)


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
        rows.append(
            {
                "label": p.label,
                "published_usd": p.value_usd,
                "ours_usd": ours,
                "rel_diff": rel,
                "rel_tolerance": p.rel_tolerance,
                "within_tolerance": (abs(rel) <= p.rel_tolerance) if p.check else None,
                "calibrated": p.calibrated,
                "check": p.check,
                "alternative": p.alternative,
                "variant": p.variant,
                "source": " ".join(p.source.split()),
                "note": " ".join(p.note.split()),
            }
        )
    return pd.DataFrame(rows)


def sweep(
    study: "CostStudy | Mapping | str | Path",
    component: str,
    field_name: str,
    values: Sequence,
    scope: str = "all",
    components: Sequence[str] | None = None,
    alternative: str | None = None,
    variant: str | None = None,
) -> pd.DataFrame:
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
        comps = apply_overrides(study.components, case, where=f"sweep {case.name}")
        total = lifecycle_cost(study.model_copy(update={"components": comps}), alternative, variant).total(
            components, scope
        )
        rows.append({field_name: value, "total_usd": total, "rel_change": total / base - 1.0})
    return pd.DataFrame(rows)


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
