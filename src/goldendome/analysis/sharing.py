"""Partner cost sharing: who pays which share of a North American missile defence, by rules a user picks and compares.

The question
------------
Public claims put a price on a partner's part: "Canada's price to join Golden Dome: $61bn" (27 May 2025), a week
after a US$175 bn total was announced; CBO puts a notional national system at ~US$1.19 trillion over 20 years. A
price is a total times a share, and the share is a choice. This module makes the choice explicit: each *rule* turns
one number per partner into shares that sum to 1, :func:`share_costs` applies rules to a total, and
:func:`compare_with_public` sets each rule's Canadian bill beside the public figures, saying plainly where a figure is
not the same thing (a 20-year NORAD modernisation plan is not Golden Dome).

The rules
---------
Every rule is a weight w_i >= 0 per partner i, and the share is s_i = w_i / sum_j w_j. The rules are registered,
each with its basis and sources, in :data:`RULES <goldendome.scenario.sharing.RULES>` of
:mod:`goldendome.scenario.sharing`, the table a study file's ``sharing:`` section is checked against when it is
loaded; this module applies them (a new rule is one function and one line there).

Money
-----
Bills are US$ (the total's dollars, nominal; nothing is inflated or deflated). Canada's bill is also given in C$ at
``cad_per_usd`` (default :data:`CAD_PER_USD_2024`). A stated bill B and a share s imply a total T = B / s
(:func:`implied_totals`): $61 bn at Canada's GDP share implies a ~$855 bn system; at the NORAD 40 %, ~$153 bn.
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from goldendome.scenario.partners import DEFAULT_PARTNERS, check_partners, norad_split, public_figures, reference_totals
from goldendome.scenario.sharing import CAD_PER_USD_2024, RULES, check_inputs, check_rule, check_rules


def shares(rule: str, partners=DEFAULT_PARTNERS, inputs: Mapping | None = None) -> dict[str, float]:
    """Shares of one rule: {partner: share}, summing to 1, in the order of ``partners``.

    rule : a key of :data:`RULES`; partners : ISO codes of :func:`goldendome.scenario.partners.load_partners`;
    inputs : {rule name: {country: value}} replacing a rule's default numbers (e.g. {'benefit': {...}} from a study).
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


def _default_rules(partners, inputs) -> tuple[str, ...]:
    """Every rule of :data:`RULES`, in its order, but benefit without its input (it has no default) and norad unless
    it is given or the partners are the two of the historical split."""
    applies = {"benefit": "benefit" in inputs, "norad": "norad" in inputs or set(partners) == set(norad_split())}
    return tuple(r for r in RULES if applies.get(r, True))


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
