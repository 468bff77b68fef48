"""Lifecycle cost of a missile-defence architecture: what it costs to develop, field, replace and operate, year by
year, in constant dollars, beside the figures public estimators published.

    from goldendome.analysis.cost import lifecycle_cost
    print(lifecycle_cost("cbo-2026").summary())     # CBO 2026: 7,800 SBIs at ~$22M, 5-year life, $500/kg

Where each part lives:

==========================================  =============================================================
price index (constant dollars)              :mod:`goldendome.scenario.price_index` (PriceIndex, load_deflators,
                                            deflate): the study schema checks dollar years against it
the study file (components, variants,       :mod:`goldendome.scenario.cost_study` (CostStudy, Component, Variant,
published figures, calibrate/implied)       PublishedFigure, InputSolve, load_cost_study); presets:
                                            :mod:`goldendome.scenario.cost_presets`
learning curves (unit theory)               :mod:`.learning` (learning_exponent, unit_costs, average_unit_cost)
lifecycle arithmetic and its result         :mod:`.lifecycle` (component_costs, initial_units, replacement_units,
                                            spread, CostResult, priced)
inputs solved from published figures        :mod:`.calibration` (solve_input, calibrated, implied_inputs,
                                            implied_curves, solved_case)
a study's questions                         :mod:`.estimate` (lifecycle_cost, apply_variant, select_alternative,
                                            compare_published, sweep, deployment_plan)
numbers and assumptions in words            :mod:`.text` (money, format_input, describe_component)
==========================================  =============================================================

Every name below is importable from ``goldendome.analysis.cost``.
"""

from goldendome.analysis.cost.calibration import calibrated, implied_curves, implied_inputs, solve_input, solved_case
from goldendome.analysis.cost.estimate import (
    apply_variant,
    compare_published,
    deployment_plan,
    lifecycle_cost,
    select_alternative,
    sweep,
)
from goldendome.analysis.cost.learning import average_unit_cost, learning_exponent, unit_costs
from goldendome.analysis.cost.lifecycle import (
    ACQUISITION,
    CATEGORIES,
    SCOPES,
    CostResult,
    component_costs,
    initial_units,
    priced,
    replacement_units,
    spread,
)
from goldendome.analysis.cost.text import format_input, money
from goldendome.scenario.cost_presets import load_cost_defaults
from goldendome.scenario.cost_study import (
    KINDS,
    SOLVABLE,
    Component,
    CostStudy,
    InputSolve,
    PublishedFigure,
    Variant,
    load_cost_study,
)
from goldendome.scenario.price_index import PriceIndex, deflate, load_deflators

__all__ = [
    "ACQUISITION",
    "CATEGORIES",
    "KINDS",
    "SCOPES",
    "SOLVABLE",
    "PriceIndex",
    "load_deflators",
    "deflate",
    "learning_exponent",
    "unit_costs",
    "average_unit_cost",
    "Component",
    "Variant",
    "PublishedFigure",
    "InputSolve",
    "CostStudy",
    "load_cost_defaults",
    "load_cost_study",
    "initial_units",
    "replacement_units",
    "spread",
    "component_costs",
    "CostResult",
    "priced",
    "solve_input",
    "calibrated",
    "solved_case",
    "implied_inputs",
    "implied_curves",
    "lifecycle_cost",
    "apply_variant",
    "select_alternative",
    "compare_published",
    "sweep",
    "deployment_plan",
    "money",
    "format_input",
]
