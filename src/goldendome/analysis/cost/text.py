"""Cost numbers and assumptions in words: money as $M/$bn, a solved input in its unit, and the sentence that says
what each component of a lifecycle cost rests on (every total is printed with these sentences under it)."""

import numpy as np

from goldendome.scenario.cost_study import Component, CostStudy


def money(x: float) -> str:
    """An amount of dollars for people: $1.23bn, $22.0M, or whole dollars below a million."""
    if abs(x) >= 1e9:
        return f"${x / 1e9:,.2f}bn"
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.1f}M"
    return f"${x:,.0f}"


def format_input(parameter: str, value: float) -> str:
    """A solvable input's value for people: money as $M/$bn (per kg, per launch, per year where it is), masses in
    kg, quantities as whole numbers; NaN as 'none'."""
    if value != value:
        return "none"
    if parameter.endswith("_usd") or "_usd_" in parameter:
        per = {"per_kg": "/kg", "per_launch": "/launch", "per_year": "/year", "unit_year": "/unit-year"}
        return money(value) + next((v for k, v in per.items() if parameter.endswith(k)), "")
    return f"{value:,.0f} kg" if parameter == "unit_mass_kg" else f"{value:,.0f}"


def describe_component(comp: Component, study: CostStudy, units: dict[str, np.ndarray]) -> tuple[str, list[str]]:
    """One sentence of assumptions for a component (its units over the study's horizon as in
    :func:`goldendome.analysis.cost.component_costs`), and the warnings it raises: horizon cuts, lives past the
    horizon."""
    y0, horizon = study.start_year, study.horizon_years
    dy = comp.dollars_year or study.dollars_year
    parts = [f"{comp.name} ({comp.kind}, prices in FY{dy} dollars)"]
    warn = []
    if comp.quantity > 0:
        parts.append(
            f"{comp.quantity:,.0f} deployed from FY{y0 + comp.deploy_start_year} over {comp.deploy_span} year(s)"
        )
        if comp.service_life_years is None:
            parts.append("no replacement (no service life given)")
        else:
            parts.append(
                f"service life {comp.service_life_years:g} years, each unit rebought at end of life "
                f"while inside the horizon"
            )
            if comp.service_life_years > horizon:
                warn.append(
                    f"{comp.name}: service life {comp.service_life_years:g} years is longer than the "
                    f"{horizon}-year horizon: no replacement falls inside it, and no residual value is "
                    f"credited"
                )
        bought = units["initial"].sum() + units["replacement"].sum()
        parts.append(
            f"units bought in the horizon {bought:,.0f} = {units['initial'].sum():,.0f} first + "
            f"{units['replacement'].sum():,.0f} replacements"
        )
        if units["initial"].sum() < comp.quantity - 1e-9:
            warn.append(
                f"{comp.name}: the deployment runs past the horizon; only {units['initial'].sum():,.0f} of "
                f"{comp.quantity:,.0f} units are bought inside it"
            )
        if comp.average_unit_cost_usd is not None:
            parts.append(f"average unit cost {money(comp.average_unit_cost_usd)}")
        else:
            parts.append(
                f"first-unit cost {money(comp.first_unit_cost_usd)} on a {comp.learning_rate:.0%} "
                "unit-theory learning curve (unit n costs T1 n^log2(rate), numbered across "
                "replacements)"
            )
    if comp.procurement_total_usd:
        parts.append(f"procurement total {money(comp.procurement_total_usd)} spread over the deployment years")
    if comp.launch_price_usd_per_kg is not None:
        parts.append(f"launch {comp.unit_mass_kg:,.0f} kg per unit at {money(comp.launch_price_usd_per_kg)}/kg")
    elif comp.launch_price_usd_per_launch is not None:
        parts.append(
            f"launch {comp.units_per_launch} units per launch at {money(comp.launch_price_usd_per_launch)} per launch"
        )
    if comp.development_cost_usd:
        end = comp.development_start_year + comp.development_years
        parts.append(
            f"development {money(comp.development_cost_usd)} spread over FY{y0 + comp.development_start_year}"
            f"-FY{y0 + end - 1}"
        )
        if end > horizon:
            warn.append(
                f"{comp.name}: development runs past the horizon; the part after FY{y0 + horizon - 1} is not counted"
            )
    if comp.ops_fixed_usd_per_year or comp.ops_usd_per_unit_year:
        parts.append(
            f"operations {money(comp.ops_fixed_usd_per_year)}/year from FY{y0 + comp.deploy_start_year} "
            f"+ {money(comp.ops_usd_per_unit_year)} per unit-year in service"
        )
    if comp.sources:
        parts.append("sources: " + " | ".join(" ".join(s.split()).rstrip(".") for s in comp.sources))
    return "; ".join(parts) + ".", warn
