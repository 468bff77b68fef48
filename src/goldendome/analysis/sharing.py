"""Partner cost sharing: who pays which share of a North American missile defence, by rules a user picks and compares.

The question
------------
Public claims put a price on a partner's part: "Canada's price to join Golden Dome: $61bn" (27 May 2025), a week
after a US$175 bn total was announced; CBO puts a notional national system at ~US$1.19 trillion over 20 years. A
price is a total times a share, and the share is a choice. This module makes the choice explicit: each *rule* below
turns one number per partner into shares that sum to 1, :func:`share_costs` applies rules to a total, and
:func:`compare_with_public` sets each rule's Canadian bill beside the public figures, saying plainly where a figure is
not the same thing (a 20-year NORAD modernisation plan is not Golden Dome).

The rules
---------
Every rule is a weight w_i >= 0 per partner i, and the share is s_i = w_i / sum_j w_j:

``gdp``
    nominal GDP, US$ (ability to pay; World Bank 2024 figures in ``scenario/data/partners.yaml``). Canada's share of
    US+Canada GDP is ~7.1 %.
``population``
    residents (every person pays alike; Census Bureau and Statistics Canada estimates for July 1, 2024). Canada:
    ~10.8 %.
``defended_population``
    people inside the defended footprints: the census population of the metros in the c2 defended-assets table
    (:func:`defended_population_by_country`), or a ``{country: people}`` input. Pay for what is defended.
``territory``
    area watched and covered (sensors and interceptor basing grow with it): land area, km^2, CIA World Factbook, or an
    input (e.g. :func:`area_km2` with ``kind="total"``, or the area a study's sensors cover). Canada: ~50 % of land.
``benefit``
    expected lives protected per country, from a Monte Carlo study (leakers by asset times the people there). There
    is no default: without ``inputs={"benefit": {...}}`` the rule says it needs a study.
``norad``
    the historical split, fixed: United States 60 %, Canada 40 %. Its public basis is the North Warning System, the
    NORAD radar line, whose cost the two countries share 60/40 under the 1985 agreement on the modernization of the
    North American Air Defence System (Canada Treaty Series 1985 No. 8; the split as quoted by Nunatsiaq News from a
    DND map, Jan 2020, and by CBC for "the bill for NORAD", 20 June 2022). It is not Canada's share of all NORAD
    spending, which Canadian ministers put at ~10 % (House of Commons, 11 March 1996; 3 May 2006): pass
    ``inputs={"norad": {"US": 0.9, "CA": 0.1}}`` for that reading. Defined for the United States and Canada only.
``equal``
    1/n each (sovereign equality).

A rule's default numbers come from ``scenario/data/partners.yaml`` (every figure with its source, year and a VERIFIED
or UNVERIFIED note; read by :mod:`goldendome.scenario.partners`); ``inputs={rule: {country: value}}`` replaces them
for that rule. A study file names rules and partners in its ``sharing:`` section
(:class:`goldendome.scenario.sharing.SharingSpec`), which is checked against :data:`RULE_NAMES
<goldendome.scenario.sharing.RULE_NAMES>` and the partner table when the file is loaded: a new rule is one function
here, one line in :data:`RULES` and its name in ``RULE_NAMES``.

Money
-----
Bills are US$ (the total's dollars, nominal; nothing is inflated or deflated). Canada's bill is also given in C$ at
``cad_per_usd`` (default :data:`CAD_PER_USD_2024`). A stated bill B and a share s imply a total T = B / s
(:func:`implied_totals`): $61 bn at Canada's GDP share implies a ~$855 bn system; at the NORAD 40 %, ~$153 bn.
"""

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from goldendome.scenario.partners import (
    DEFAULT_PARTNERS,
    check_partners,
    load_partners,
    norad_split,
    public_figures,
    reference_totals,
)
from goldendome.scenario.sharing import CAD_PER_USD_2024, check_inputs, check_rule, check_rules

_BASED_ON_TABLE = ("gdp", "population", "territory")  # rules whose default weights are national statistics


def defended_population_by_country(assets=None) -> dict[str, int]:
    """Census population inside the defended metros, summed per country: {country: people}.

    assets : a :class:`goldendome.c2.assets.Assets` table; default the shipped one (the 50 largest US metropolitan
    statistical areas with Anchorage and Honolulu, 2020 Census; 15 largest Canadian CMAs, 2021 Census; 3 largest
    Mexican metropolitan zones, Censo 2020). Military sites carry no population and add nothing. Countries with assets
    but no metros appear with 0.
    """
    if assets is None:
        from goldendome.c2.assets import load_assets

        assets = load_assets()
    country = np.asarray(assets.country, dtype=object)
    people = np.asarray(assets.population, dtype=np.int64)
    return {str(c): int(people[country == c].sum()) for c in sorted(set(assets.country)) if c}


def area_km2(partners=DEFAULT_PARTNERS, kind: str = "land") -> dict[str, float]:
    """Area of each partner, km^2 (CIA World Factbook): ``kind='land'`` or ``'total'`` (land plus water). Pass it as
    ``inputs={"territory": area_km2(partners, "total")}`` to share by total area."""
    partners = check_partners(partners)
    if kind not in ("land", "total"):
        raise ValueError(f"kind must be 'land' or 'total', got {kind!r}")
    table = load_partners()
    return {p: getattr(table[p], f"{kind}_area_km2") for p in partners}


# --- the rules -----------------------------------------------------------------------------------------------------


def gdp(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """Shares in proportion to nominal GDP (US$; default World Bank 2024 from ``data/partners.yaml``)."""
    return _from_table("gdp", "gdp_usd", partners, values)


def population(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """Shares in proportion to residents (default mid-2024 estimates: U.S. Census Bureau Vintage 2024, Statistics
    Canada July 1 2024, World Bank 2024 for Mexico)."""
    return _from_table("population", "population", partners, values)


def territory(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """Shares in proportion to the area covered (default land area, km^2, CIA World Factbook; pass a study's covered
    area or :func:`area_km2` ``(kind='total')`` as values)."""
    return _from_table("territory", "land_area_km2", partners, values)


def defended_population(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """Shares in proportion to the people inside the defended footprints ({country: people}; default
    :func:`defended_population_by_country` of the shipped c2 assets table). A partner with none pays nothing."""
    partners = check_partners(partners)
    where = "inputs['defended_population']"
    if values is None:
        values, where = defended_population_by_country(), "the defended-assets table (goldendome.c2.assets)"
    return _normalise("defended_population", values, partners, where, allow_zero=True)


def benefit(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """Shares in proportion to the expected lives each partner's people gain from the defence ({country: expected
    lives protected}, from a Monte Carlo study: the people at each asset times the drop in its chance of being hit).
    There is no default: the numbers come from a study of a given threat and architecture."""
    partners = check_partners(partners)
    if values is None:
        raise ValueError(
            "rule 'benefit' needs a study: pass inputs={'benefit': {country: expected lives protected}} from a "
            "Monte Carlo study (goldendome mc; leakers by asset times the people there); there is no default"
        )
    return _normalise("benefit", values, partners, "inputs['benefit']", allow_zero=True)


def norad(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """The historical fixed split, US 60 % / Canada 40 % (the North Warning System's cost sharing under the 1985
    agreement; see the module docstring). values replaces the split (e.g. {'US': 0.9, 'CA': 0.1}, the ~10 % Canadian
    ministers gave for all NORAD costs)."""
    partners = check_partners(partners)
    if values is None:
        split = norad_split()
        if set(partners) != set(split):
            raise ValueError(
                f"partners: rule 'norad' is the historical US-Canada split, defined for {sorted(split)} only, got "
                f"{list(partners)}; pass your own split as inputs={{'norad': {{...}}}} or pick another rule"
            )
        return _normalise("norad", split, partners, "the NORAD split (data/partners.yaml)", allow_zero=False)
    return _normalise("norad", values, partners, "inputs['norad']", allow_zero=True)


def equal(partners=DEFAULT_PARTNERS, values=None) -> dict[str, float]:
    """Equal shares, 1/n each."""
    partners = check_partners(partners)
    if values is not None:
        raise ValueError("inputs['equal']: rule 'equal' takes no input (every partner pays 1/n)")
    return {p: 1.0 / len(partners) for p in partners}


RULES: dict[str, Callable[..., dict[str, float]]] = {
    "gdp": gdp,
    "population": population,
    "defended_population": defended_population,
    "territory": territory,
    "benefit": benefit,
    "norad": norad,
    "equal": equal,
}
"""Rule name -> function ``(partners, values=None) -> {partner: share}`` (shares sum to 1). The names are
:data:`goldendome.scenario.sharing.RULE_NAMES`, in that order: the rules a study file may name."""


def shares(rule: str, partners=DEFAULT_PARTNERS, inputs: Mapping | None = None) -> dict[str, float]:
    """Shares of one rule: {partner: share}, summing to 1, in the order of ``partners``.

    rule : a key of :data:`RULES`; partners : ISO codes of :func:`load_partners`; inputs : {rule name: {country:
    value}} replacing a rule's default numbers (e.g. {'benefit': {...}} from a study).
    """
    check_rule(rule)
    inputs = check_inputs(inputs)
    return RULES[rule](partners, inputs.get(rule))


def share_costs(
    total_usd: float,
    rules: Sequence[str] | str | None = None,
    partners=DEFAULT_PARTNERS,
    inputs: Mapping | None = None,
    cad_per_usd: float = CAD_PER_USD_2024,
    horizon: str = "unstated",
) -> pd.DataFrame:
    """Split a total among partners under each rule: a tidy table, one row per rule and partner.

    total_usd : the cost to share, US$ (nominal, >= 0); rules : names of :data:`RULES` (default: gdp, population,
    defended_population, territory, norad when the partners are the US and Canada, equal, and benefit when inputs
    hold it); cad_per_usd : C$ per US$ for Canada's bill; horizon : what the total covers in time (e.g. '20 years'),
    carried into :func:`compare_with_public`.

    Returns columns rule, partner, share, bill_usd, bill_cad (Canada's rows only; NaN for others), total_usd, horizon,
    cad_per_usd. A grouped bar chart plots ``bill_usd`` against ``rule``, coloured by ``partner``;
    :func:`comparison_table` gives the wide view.
    """
    total_usd = _positive_number("total_usd", total_usd, allow_zero=True)
    cad_per_usd = _positive_number("cad_per_usd", cad_per_usd, allow_zero=False)
    partners = check_partners(partners)
    inputs = check_inputs(inputs)
    rules = _default_rules(partners, inputs) if rules is None else check_rules(rules)
    rows = []
    for rule in rules:
        for p, s in RULES[rule](partners, inputs.get(rule)).items():
            bill = s * total_usd
            rows.append(
                (rule, p, s, bill, bill * cad_per_usd if p == "CA" else math.nan, total_usd, horizon, cad_per_usd)
            )
    cols = ["rule", "partner", "share", "bill_usd", "bill_cad", "total_usd", "horizon", "cad_per_usd"]
    return pd.DataFrame(rows, columns=cols)


def comparison_table(costs: pd.DataFrame) -> pd.DataFrame:
    """The wide view of a :func:`share_costs` table: one row per rule (in its order), columns share_<P>,
    bill_usd_<P> for each partner P, and bill_cad_CA when Canada is a partner."""
    _check_costs(costs, "costs")
    order = list(dict.fromkeys(costs["rule"]))
    partners = list(dict.fromkeys(costs["partner"]))
    wide = costs.pivot(index="rule", columns="partner", values=["share", "bill_usd"]).reindex(order)
    out = pd.DataFrame(index=pd.Index(order, name="rule"))
    for value in ("share", "bill_usd"):
        for p in partners:
            out[f"{value}_{p}"] = wide[(value, p)].to_numpy()
    if "CA" in partners:
        ca = costs[costs["partner"] == "CA"].set_index("rule")["bill_cad"]
        out["bill_cad_CA"] = ca.reindex(order).to_numpy()
    return out


def implied_totals(
    bill_usd: float,
    partner: str = "CA",
    rules: Sequence[str] | str | None = None,
    partners=DEFAULT_PARTNERS,
    inputs: Mapping | None = None,
) -> pd.DataFrame:
    """The total each rule needs for ``partner`` to be billed ``bill_usd``: T = B / s.

    Returns columns rule, partner, share, bill_usd, implied_total_usd and, for each of :func:`reference_totals`,
    ``implied_over_<key>`` (the implied total over that public total; 1 means the rule and that total give the
    bill). A rule that gives the partner no share has no implied total (inf).
    """
    bill_usd = _positive_number("bill_usd", bill_usd, allow_zero=False)
    partners = check_partners(partners)
    if partner not in partners:
        raise ValueError(f"partner: {partner!r} is not among the partners {list(partners)}")
    inputs = check_inputs(inputs)
    rules = _default_rules(partners, inputs) if rules is None else check_rules(rules)
    refs = reference_totals()
    rows = []
    for rule in rules:
        s = RULES[rule](partners, inputs.get(rule))[partner]
        total = bill_usd / s if s > 0 else math.inf
        row = {"rule": rule, "partner": partner, "share": s, "bill_usd": bill_usd, "implied_total_usd": total}
        row.update({f"implied_over_{k}": total / float(v["value"]) for k, v in refs.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def compare_with_public(bills: pd.DataFrame, cad_per_usd: float | None = None) -> pd.DataFrame:
    """Each rule's Canadian bill beside each public figure, with what differs said in words.

    bills : a :func:`share_costs` table with Canada among its partners; cad_per_usd : C$ per US$ for converting the
    public figures (default: the rate the bills were made with), one rate for both so the ratio is in one currency.

    Returns one row per rule and public figure: rule, total_usd, horizon, canada_share, canada_bill_usd,
    canada_bill_cad, figure (key of :func:`public_figures`), figure_label, figure_value, figure_currency, figure_date,
    figure_usd, bill_over_figure, golden_dome (whether the figure is about Golden Dome at all) and caveat: a
    sentence naming the differences in programme, horizon and currency. Dollars are nominal, of different years.
    """
    _check_costs(bills, "bills")
    ca = bills[bills["partner"] == "CA"]
    if ca.empty:
        raise ValueError("bills: no row for Canada ('CA'); make the bills with partners that include 'CA'")
    if cad_per_usd is None:
        rates = set(bills["cad_per_usd"])
        if len(rates) != 1:
            raise ValueError(f"bills: made with several exchange rates {sorted(rates)}; pass cad_per_usd")
        cad_per_usd = rates.pop()
    cad_per_usd = _positive_number("cad_per_usd", cad_per_usd, allow_zero=False)
    rows = []
    figures = public_figures()
    for r in ca.itertuples(index=False):
        for key, f in figures.items():
            value = float(f["value"])
            figure_usd = value / cad_per_usd if f["currency"] == "CAD" else value
            rows.append(
                {
                    "rule": r.rule,
                    "total_usd": r.total_usd,
                    "horizon": r.horizon,
                    "canada_share": r.share,
                    "canada_bill_usd": r.bill_usd,
                    "canada_bill_cad": r.bill_usd * cad_per_usd,
                    "figure": key,
                    "figure_label": f["label"],
                    "figure_value": value,
                    "figure_currency": f["currency"],
                    "figure_date": str(f["date"]),
                    "figure_usd": figure_usd,
                    "bill_over_figure": r.bill_usd / figure_usd,
                    "golden_dome": bool(f["golden_dome"]),
                    "caveat": _caveat(f, r.horizon, r.total_usd, cad_per_usd),
                }
            )
    return pd.DataFrame(rows)


# --- helpers -------------------------------------------------------------------------------------------------------


def _money(v: float, currency: str) -> str:
    sign = {"USD": "US$", "CAD": "C$"}.get(currency, currency + " ")
    return f"{sign}{v / 1e12:.3g} trillion" if v >= 1e12 else f"{sign}{v / 1e9:.3g} bn"


def _caveat(f: dict, horizon: str, total_usd: float, cad_per_usd: float) -> str:
    text = f"{_money(float(f['value']), f['currency'])} is {f['short']}; the bill shares {_money(total_usd, 'USD')} "
    text += f"over {horizon}"
    if f["currency"] == "CAD":
        at_date = f["rate_at_date_cad_per_usd"]
        text += f"; C$ converted at {cad_per_usd:g} C$/US$" + (f" ({at_date:g} on the day)" if at_date else "")
    return text + f"; nominal dollars ({f['year']} {f['currency']} for the figure), not inflation-adjusted"


def _from_table(rule: str, field: str, partners, values) -> dict[str, float]:
    partners = check_partners(partners)
    if values is None:
        table = load_partners()
        values = {p: getattr(table[p], field) for p in partners}
        return _normalise(rule, values, partners, f"{field} (data/partners.yaml)", allow_zero=False)
    return _normalise(rule, values, partners, f"inputs[{rule!r}]", allow_zero=False)


def _normalise(rule: str, values, partners, where: str, allow_zero: bool) -> dict[str, float]:
    if not isinstance(values, Mapping):
        raise ValueError(f"{where}: rule {rule!r} takes a mapping {{country: value}}, got {type(values).__name__}")
    w = {}
    for p in partners:
        if p not in values:
            raise ValueError(f"{where}: no value for partner {p!r} (rule {rule!r} needs one for every partner)")
        v = values[p]
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise ValueError(f"{where}[{p!r}] must be a number, got {v!r}")
        v = float(v)
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{where}[{p!r}] must be a finite number >= 0, got {v!r}")
        if v == 0 and not allow_zero:
            raise ValueError(
                f"{where}[{p!r}] is 0: rule {rule!r} cannot give a share to a partner without it; "
                "supply the figure or leave the partner out"
            )
        w[p] = v
    total = sum(w.values())
    if total <= 0:
        raise ValueError(f"{where}: every partner's value is 0, so rule {rule!r} cannot compute shares")
    return {p: v / total for p, v in w.items()}


def _default_rules(partners, inputs) -> tuple[str, ...]:
    out = [r for r in RULES if r not in ("benefit", "norad")]
    if "norad" in inputs or set(partners) == set(norad_split()):
        out.insert(out.index("equal"), "norad")
    if "benefit" in inputs:
        out.insert(out.index("territory") + 1, "benefit")
    return tuple(out)


def _positive_number(field: str, v, allow_zero: bool) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise ValueError(f"{field} must be a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{field} must be a finite number {bound}, got {v!r}")
    return v


def _check_costs(costs, field: str) -> None:
    need = {"rule", "partner", "share", "bill_usd", "bill_cad", "total_usd", "horizon", "cad_per_usd"}
    if not isinstance(costs, pd.DataFrame) or not need <= set(costs.columns):
        raise ValueError(f"{field} must be a table from share_costs() with columns {sorted(need)}")
