"""Lifecycle cost arithmetic: what each component of an architecture costs to develop, field, replace and operate,
year by year, and the :class:`CostResult` that holds it.

The model is the arithmetic public estimators write down (CBO 2004/2025/2026, NRC 2012), kept small enough that every
total can be traced to a handful of inputs:

* **Development**: a total, spread evenly over its years.
* **Procurement**: the deployed force (``quantity``) is bought over the deployment years, either at an average unit
  cost (what CBO publishes, e.g. $22M per SBI) or from a first-unit cost T1 on a unit-theory learning curve
  (:mod:`goldendome.analysis.cost.learning`). Units are numbered cumulatively in purchase order, so replacements
  continue down the curve.
* **Launch**: mass in orbit times a price per kg, or launches times a price per launch.
* **Replacement**: every unit is replaced at the end of its service life, again and again, as long as the purchase
  falls inside the horizon (a constellation with a 5-year life deployed evenly over 5 years from year 0 is bought
  ``horizon / life`` times: CBO's 7,800 SBIs over 20 years are 31,200 SBIs). Nothing is credited for life left over
  at the end of the horizon.
* **Operations and support**: a fixed amount a year from the first deployment year, plus an amount per unit in
  service (a unit counts from the year it is deployed).

All amounts are converted once to constant dollars of the study's ``dollars_year`` with the shipped price index
(:mod:`goldendome.scenario.price_index`). Every :class:`CostResult` carries the assumptions that produced it; a total
is never printed without them (:meth:`CostResult.summary`).

Choices, stated once:

* Procurement and launch are counted in the year a unit is deployed (no lead time).
* A service life longer than the horizon is allowed: no replacement falls inside it, and the assumptions say so in a
  plain line (costs beyond the horizon are not counted, as with any unit whose replacement falls past the end).
* Learning-curve unit numbers are rounded to whole units at each year's boundary.

:func:`priced` works on a study with nothing left to solve or choose; :func:`goldendome.analysis.cost.lifecycle_cost`
first solves its calibrations, applies a variant and keeps one alternative.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from goldendome.analysis.cost.learning import unit_costs
from goldendome.analysis.cost.text import describe_component
from goldendome.scenario.cost_study import Component, CostStudy
from goldendome.scenario.price_index import deflate, load_deflators

CATEGORIES = ("development", "procurement", "launch", "replacement_procurement", "replacement_launch", "operations")
ACQUISITION = CATEGORIES[:5]
"""Acquisition in CBO's sense: developing, buying and launching (including replacements); everything but O&S."""
SCOPES = {"all": CATEGORIES, "acquisition": ACQUISITION, "operations": ("operations",)}


# ------------------------------------------------------------------------------------------------ schedule arrays


def initial_units(comp: Component, horizon: int) -> np.ndarray:
    """(horizon,) units first deployed each year: the schedule, or quantity spread evenly over deploy_years."""
    sched = np.asarray(
        comp.deploy_schedule
        if comp.deploy_schedule is not None
        else [comp.quantity / comp.deploy_years] * comp.deploy_years,
        dtype=float,
    )
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
        lines = [
            f"{self.name}: ${self.total_usd / 1e9:,.1f} billion (FY{self.dollars_year} dollars) over "
            f"FY{self.start_year}-FY{self.start_year + self.horizon_years - 1}",
            "Assumptions:",
        ]
        lines += [f"  - {a}" for a in self.assumptions]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def priced(study: CostStudy) -> CostResult:
    """Year-by-year cost of every component of a study with nothing left to solve or choose (calibrations solved,
    variant applied, one alternative kept), in the study's constant dollars.

    Each component's arrays come from :func:`component_costs` and are converted once from its dollars_year to the
    study's with :func:`~goldendome.scenario.price_index.deflate`.
    """
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
            rows.append(
                pd.DataFrame(
                    {"year": years[nz], "component": comp.name, "kind": comp.kind, "category": cat, "cost_usd": v[nz]}
                )
            )
        unit_rows.append(pd.DataFrame({"year": years, "component": comp.name, **units}))
        text, warn = describe_component(comp, study, units)
        assumptions.append(text)
        warnings += warn
    assumptions += [" ".join(n.split()) for n in study.notes]
    assumptions += [f"NOTE: {w}" for w in warnings]
    table = pd.concat(rows, ignore_index=True)
    table["category"] = pd.Categorical(table["category"], categories=list(CATEGORIES))
    table = table.sort_values(["year", "component", "category"], ignore_index=True)
    table["category"] = table["category"].astype(str)
    return CostResult(
        study.name,
        table,
        pd.concat(unit_rows, ignore_index=True),
        assumptions,
        warnings,
        study.dollars_year,
        study.start_year,
        horizon,
        [c.name for c in study.components],
    )
