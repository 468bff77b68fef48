"""The ``sharing:`` section of a cost study and the rules it may name: which partners share the bill, under which
rules, with which inputs.

The rules
---------
A rule turns one number per partner into shares that sum to 1: a weight w_i >= 0 per partner i, and the share is
s_i = w_i / sum_j w_j. :data:`RULES` is the registry, name -> function ``(partners, values=None) -> {partner:
share}``: the names a study file may give are its keys, so the schema checks against the very table the arithmetic
(:mod:`goldendome.analysis.sharing`) runs. A new rule is one function here and one line in :data:`RULES`.

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
for that rule. Partner codes are checked against the partner table. The checks below serve both the study file and
the sharing functions, so a bad name reads the same wherever it is given.
"""

import difflib
import math
from collections.abc import Callable, Mapping
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from goldendome.scenario.base import Real, StrictModel
from goldendome.scenario.partners import DEFAULT_PARTNERS, check_partners, load_partners, norad_split

CAD_PER_USD_2024 = 1.3698
"""Canadian dollars per US dollar, 2024 annual average (Bank of Canada annual exchange rates; the 4th digit recalled,
UNVERIFIED; the CIA World Factbook gives 1.369 for 2024, VERIFIED). Override with ``cad_per_usd``."""


def defended_population_by_country(assets=None) -> dict[str, int]:
    """Census population inside the defended metros, summed per country: {country: people}.

    assets : a :class:`goldendome.c2.assets.Assets` table; default the shipped one (the 50 largest US metropolitan
    statistical areas with Anchorage and Honolulu, 2020 Census; 15 largest Canadian CMAs, 2021 Census; 3 largest
    Mexican metropolitan zones, Censo 2020). Military sites carry no population and add nothing. Countries with assets
    but no metros appear with 0.
    """
    if assets is None:
        # lazy: the assets module imports numba (~0.5 s), which validating a study file does not need
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
"""The sharing rules, name -> function ``(partners, values=None) -> {partner: share}`` (shares sum to 1), in the
order tables list them: the names a study file may give (see the module docstring for each rule's basis)."""


Code = Annotated[str, Field(min_length=1, max_length=8)]
"""A partner's code as a study file writes it (ISO 3166 alpha-2, e.g. 'CA'; checked against the partner table)."""


class SharingSpec(StrictModel):
    """The cost-sharing question of a study: which partners, which rules (default: every rule the inputs allow),
    inputs replacing a rule's default numbers (e.g. benefit: {US: ..., CA: ...} from a Monte Carlo), the exchange
    rate for Canada's bill."""

    partners: list[Code] = Field(default_factory=lambda: list(DEFAULT_PARTNERS), min_length=1, max_length=50)
    rules: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=20)
    inputs: dict[Annotated[str, Field(max_length=40)], dict[Code, Real]] = Field(default_factory=dict, max_length=20)
    cad_per_usd: Annotated[Real, Field(gt=0.0, le=1e6)] = CAD_PER_USD_2024
    benefit_from: Annotated[str, Field(max_length=1000)] | None = (
        None  # a Monte Carlo study folder: its lives protected by country feed 'benefit'
    )

    @model_validator(mode="after")
    def _known(self):
        check_partners(self.partners)
        if self.rules is not None:
            check_rules(self.rules)
        check_inputs(self.inputs)
        return self


def check_rule(rule) -> None:
    """ValueError naming the nearest known rule when ``rule`` is not one of :data:`RULES`."""
    if rule not in RULES:
        hint = difflib.get_close_matches(str(rule), RULES, n=1)
        raise ValueError(
            f"rules: unknown rule {rule!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; known: {list(RULES)}"
        )


def check_rules(rules) -> tuple[str, ...]:
    """One rule name or several as a tuple, each known and given once; ValueError in words otherwise."""
    rules = (rules,) if isinstance(rules, str) else tuple(rules)
    if not rules:
        raise ValueError("rules is empty: name at least one of " + ", ".join(RULES))
    for r in rules:
        check_rule(r)
    if len(set(rules)) != len(rules):
        raise ValueError(f"rules: each rule once, got {list(rules)}")
    return rules


def check_inputs(inputs) -> dict:
    """Inputs ``{rule: {country: value}}`` as a dict (None: none), each keyed by a known rule; ValueError otherwise."""
    if inputs is None:
        return {}
    if not isinstance(inputs, Mapping):
        raise ValueError(f"inputs must be a mapping {{rule: {{country: value}}}}, got {type(inputs).__name__}")
    for k in inputs:
        if k not in RULES:
            hint = difflib.get_close_matches(str(k), RULES, n=1)
            raise ValueError(
                f"inputs: unknown rule {k!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + f"; inputs are keyed by rule name: {list(RULES)}"
            )
    return dict(inputs)


# --- helpers -------------------------------------------------------------------------------------------------------


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
