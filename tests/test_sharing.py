"""Partner cost sharing (the rules of goldendome.scenario.sharing, applied by goldendome.analysis.sharing): rules
against their sourced figures, the $61bn statement, the comparison with public figures, bad input.

Reference values, each as its source gives it:
- GDP 2024, current US$ (World Bank, World Development Indicators, NY.GDP.MKTP.CD): United States US$29,184.89 bn;
  Canada US$2.24 trillion (4th digit, 2.241, UNVERIFIED).
- Population on July 1, 2024: United States 340,110,988 (U.S. Census Bureau, Vintage 2024; "about 340 million"
  verified, last digits UNVERIFIED); Canada 41,288,599 (Statistics Canada, 25 Sept 2024 release).
- Land area (CIA World Factbook): United States 9,147,593 km^2; Canada 9,093,507 km^2.
- NORAD: the North Warning System's cost is shared 60 % US / 40 % Canada (1985 modernization agreement, CTS 1985
  No. 8; Nunatsiaq News, 20 Jan 2020, from a DND map; CBC, 20 June 2022).
- "$61 Billion Dollars" for Canada to join Golden Dome (presidential post, 27 May 2025); US$175 bn total announced
  20 May 2025; CBO 2026: US$1.191 trillion over 20 years; CBO 5 May 2025: US$542 bn over 20 years (two ICBMs, SBIs).
"""

import math

import numpy as np
import pandas as pd
import pytest

from goldendome.analysis.sharing import (
    compare_with_public,
    comparison_table,
    implied_totals,
    share_costs,
    shares,
)
from goldendome.scenario.cost_study import load_cost_study
from goldendome.scenario.loader import ScenarioError
from goldendome.scenario.partners import load_partners
from goldendome.scenario.sharing import RULES, area_km2, defended_population_by_country

GDP_US_2024 = 29_184.89e9  # World Bank WDI 2024, US$
GDP_CA_2024 = 2.241e12  # World Bank WDI 2024, US$ (US$2.24 trillion as quoted; 4th digit UNVERIFIED)
POP_US_2024 = 340_110_988  # Census Bureau Vintage 2024, July 1 2024
POP_CA_2024 = 41_288_599  # Statistics Canada, July 1 2024
LAND_US_KM2 = 9_147_593  # CIA World Factbook
LAND_CA_KM2 = 9_093_507  # CIA World Factbook
PRICE_TO_JOIN_USD = 61e9  # 27 May 2025 statement
GOLDEN_DOME_USD = 175e9  # 20 May 2025 announcement
CBO_2026_USD = 1.191e12  # CBO 2026, 20 years, 2026 dollars
CBO_SBI_2025_USD = 542e9  # CBO letter of 5 May 2025, 20 years, 2025 dollars

BENEFIT = {"US": 3.0e6, "CA": 0.4e6, "MX": 0.5e6}  # illustrative study output (expected lives protected)


def _all_rules_inputs():
    return {"benefit": BENEFIT}


def test_partner_table_carries_the_cited_figures_and_their_sources():
    t = load_partners()
    assert t["US"].gdp_usd == GDP_US_2024 and t["CA"].gdp_usd == GDP_CA_2024
    assert t["US"].population == POP_US_2024 and t["CA"].population == POP_CA_2024
    assert t["US"].land_area_km2 == LAND_US_KM2 and t["CA"].land_area_km2 == LAND_CA_KM2
    assert t["US"].population_census == 331_449_281  # 2020 Census, VERIFIED
    for p in t.values():
        assert p.land_area_km2 < p.total_area_km2
        for field in ("gdp_usd", "population", "land_area_km2", "total_area_km2"):
            assert "VERIFIED" in p.sources[field], (p.code, field)  # every figure says whether it was checked


@pytest.mark.parametrize(
    ("rule", "partners"),
    # the historical NORAD split is US-Canada only (its refusal of Mexico is tested with the bad input)
    [(r, p) for r in RULES for p in (("US", "CA"), ("CA", "US"), ("US", "CA", "MX")) if r != "norad" or len(p) == 2],
)
def test_shares_sum_to_one(rule, partners):
    s = shares(rule, partners, _all_rules_inputs())
    assert list(s) == list(partners)
    assert math.fsum(s.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 <= v <= 1.0 for v in s.values())


def test_gdp_share_of_canada_matches_world_bank_2024():
    expected = GDP_CA_2024 / (GDP_US_2024 + GDP_CA_2024)  # 0.0713
    s = shares("gdp")
    assert s["CA"] == pytest.approx(expected, rel=1e-12)
    assert 0.07 < s["CA"] < 0.08  # "Canada's share of US+Canada GDP is ~7-8 %"


def test_population_share_matches_census_and_statcan_2024():
    s = shares("population")
    assert s["CA"] == pytest.approx(POP_CA_2024 / (POP_US_2024 + POP_CA_2024), rel=1e-12)  # 0.1083
    assert s["CA"] == pytest.approx(0.108, abs=0.001)


def test_territory_share_is_land_area_by_default_and_total_area_on_request():
    assert shares("territory")["CA"] == pytest.approx(LAND_CA_KM2 / (LAND_US_KM2 + LAND_CA_KM2), rel=1e-12)
    total = area_km2(("US", "CA"), "total")  # CIA World Factbook: 9,833,517 and 9,984,670 km^2
    assert total == {"US": 9_833_517, "CA": 9_984_670}
    assert shares("territory", inputs={"territory": total})["CA"] == pytest.approx(9_984_670 / (9_833_517 + 9_984_670))


def test_norad_rule_reproduces_60_40():
    assert shares("norad") == {"US": pytest.approx(0.6), "CA": pytest.approx(0.4)}
    assert shares("norad", ("CA", "US")) == {"CA": pytest.approx(0.4), "US": pytest.approx(0.6)}
    # the whole-NORAD reading (~10 % Canadian, House of Commons 1996 and 2006) is an input, not the default
    assert shares("norad", inputs={"norad": {"US": 0.9, "CA": 0.1}})["CA"] == pytest.approx(0.1)


def test_defended_population_sums_the_metros_of_the_assets_table():
    from goldendome.c2.assets import load_assets

    a = load_assets()
    country, kind = np.array(a.country), np.array(a.kind)
    want = {c: int(a.population[(country == c) & (kind == "metro")].sum()) for c in ("US", "CA")}
    got = defended_population_by_country()
    assert {c: got[c] for c in ("US", "CA")} == want
    s = shares("defended_population")
    assert s["CA"] == pytest.approx(want["CA"] / (want["US"] + want["CA"]))
    # 15 largest CMAs against the 50 largest MSAs (+ Anchorage, Honolulu): near the national population share
    assert 0.08 < s["CA"] < 0.14
    # a partner with no defended metro pays nothing under this rule (not an error)
    assert shares("defended_population", ("US", "CA"), {"defended_population": {"US": 10, "CA": 0}})["CA"] == 0.0


def test_benefit_needs_a_study():
    with pytest.raises(ValueError, match="rule 'benefit' needs a study"):
        shares("benefit")
    assert shares("benefit", inputs={"benefit": BENEFIT})["CA"] == pytest.approx(0.4 / 3.4)


def test_equal_shares():
    assert shares("equal", ("US", "CA", "MX")) == {p: pytest.approx(1 / 3) for p in ("US", "CA", "MX")}


def test_share_costs_tidy_table_bills_and_canadian_dollars():
    c = share_costs(
        GOLDEN_DOME_USD, partners=("US", "CA"), inputs={"benefit": BENEFIT}, cad_per_usd=1.37, horizon="about 3 years"
    )
    assert list(c.columns) == [
        "rule",
        "partner",
        "share",
        "bill_usd",
        "bill_cad",
        "total_usd",
        "horizon",
        "cad_per_usd",
    ]
    assert list(dict.fromkeys(c["rule"])) == list(RULES)  # with a benefit input and the US and Canada, every rule
    np.testing.assert_allclose(c["bill_usd"], c["share"] * GOLDEN_DOME_USD, rtol=1e-15)
    for _, group in c.groupby("rule"):
        assert group["bill_usd"].sum() == pytest.approx(GOLDEN_DOME_USD, rel=1e-12)
    ca, us = c[c["partner"] == "CA"], c[c["partner"] == "US"]
    np.testing.assert_allclose(ca["bill_cad"], ca["bill_usd"] * 1.37, rtol=1e-15)
    assert us["bill_cad"].isna().all()  # a C$ bill is Canada's only
    norad = ca.set_index("rule").loc["norad"]
    assert norad["bill_usd"] == pytest.approx(70e9)  # 40 % of $175 bn


def test_share_costs_default_rules_skip_norad_and_benefit_when_they_do_not_apply():
    c = share_costs(1e9, partners=("US", "CA", "MX"))
    assert list(dict.fromkeys(c["rule"])) == [r for r in RULES if r not in ("norad", "benefit")]
    c = share_costs(1e9, rules="gdp")
    assert set(c["rule"]) == {"gdp"}


def test_comparison_table_is_wide_and_ordered():
    c = share_costs(CBO_2026_USD, rules=["norad", "gdp"])
    w = comparison_table(c)
    assert list(w.index) == ["norad", "gdp"]
    assert list(w.columns) == ["share_US", "share_CA", "bill_usd_US", "bill_usd_CA", "bill_cad_CA"]
    assert w.loc["norad", "bill_usd_CA"] == pytest.approx(0.4 * CBO_2026_USD)
    assert w.loc["gdp", "share_US"] + w.loc["gdp", "share_CA"] == pytest.approx(1.0)


def test_61bn_statement_implies_a_total_under_each_rule():
    """T = B / s: which total makes Canada's bill $61 bn under each rule."""
    t = implied_totals(PRICE_TO_JOIN_USD).set_index("rule")
    np.testing.assert_allclose(t["implied_total_usd"] * t["share"], PRICE_TO_JOIN_USD, rtol=1e-12)
    s_gdp = GDP_CA_2024 / (GDP_US_2024 + GDP_CA_2024)
    assert t.loc["gdp", "implied_total_usd"] == pytest.approx(PRICE_TO_JOIN_USD / s_gdp)
    assert t.loc["gdp", "implied_total_usd"] == pytest.approx(855e9, rel=0.002)  # ~$855 bn at 7.13 %
    assert t.loc["norad", "implied_total_usd"] == pytest.approx(152.5e9)  # 61 / 0.4
    assert t.loc["equal", "implied_total_usd"] == pytest.approx(122e9)  # 61 / 0.5
    # against the $175 bn claim: $61 bn is 34.9 % of it, which no rule gives: NORAD's 40 % is nearest (70 bn)
    assert PRICE_TO_JOIN_USD / GOLDEN_DOME_USD == pytest.approx(0.3486, abs=1e-4)
    nearest = (t["share"] - PRICE_TO_JOIN_USD / GOLDEN_DOME_USD).abs().idxmin()
    assert nearest == "norad"
    assert t.loc["norad", "implied_over_golden_dome_announced"] == pytest.approx(152.5 / 175)
    # against CBO: at Canada's GDP share the implied system lies between CBO's two-ICBM SBI layer ($542 bn) and its
    # national system ($1.191 trillion); at a population share it is about the SBI layer
    assert CBO_SBI_2025_USD < t.loc["gdp", "implied_total_usd"] < CBO_2026_USD
    assert t.loc["gdp", "implied_over_cbo_2026_national"] == pytest.approx(855.4e9 / CBO_2026_USD, rel=0.002)
    assert t.loc["population", "implied_over_cbo_2025_sbi_two_icbm"] == pytest.approx(1.04, abs=0.01)


def test_compare_with_public_names_programme_horizon_and_currency():
    bills = share_costs(GOLDEN_DOME_USD, rules=["gdp", "norad"], horizon="about 3 years", cad_per_usd=1.3698)
    t = compare_with_public(bills)
    assert len(t) == 2 * 3  # each rule beside each public figure
    norad_plan = t[(t["rule"] == "norad") & (t["figure"] == "norad_modernization_2022")].iloc[0]
    assert norad_plan["figure_currency"] == "CAD" and norad_plan["figure_value"] == 38.6e9
    assert norad_plan["figure_usd"] == pytest.approx(38.6e9 / 1.3698)
    assert norad_plan["bill_over_figure"] == pytest.approx(70e9 / (38.6e9 / 1.3698))
    assert not norad_plan["golden_dome"]
    assert "20-year NORAD modernization plan" in norad_plan["caveat"] and "not Golden Dome" in norad_plan["caveat"]
    assert "about 3 years" in norad_plan["caveat"] and "1.3698 C$/US$" in norad_plan["caveat"]
    join = t[(t["rule"] == "gdp") & (t["figure"] == "price_to_join_2025")].iloc[0]
    assert join["golden_dome"] and join["figure_currency"] == "USD" and join["figure_usd"] == 61e9
    assert join["canada_bill_usd"] == pytest.approx(GOLDEN_DOME_USD * GDP_CA_2024 / (GDP_US_2024 + GDP_CA_2024))
    assert "no horizon or cost basis" in join["caveat"]
    radar = t[t["figure"] == "arctic_oth_radar_2025"].iloc[0]
    assert radar["figure_value"] == 6e9 and "not Golden Dome" in radar["caveat"]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: shares("gdp", ("US", "XX")), r"partners: unknown partner 'XX'"),
        (lambda: shares("gdp", ("US", "ca")), r"did you mean 'CA'"),
        (lambda: shares("gdp", "US"), r"partners must be a list"),
        (lambda: shares("gdp", ()), r"partners is empty"),
        (lambda: shares("gdp", ("US", "US")), r"each country once"),
        (lambda: shares("gpd"), r"unknown rule 'gpd' \(did you mean 'gdp'\?\)"),
        (lambda: shares("norad", ("US", "CA", "MX")), r"rule 'norad' is the historical US-Canada split"),
        (lambda: shares("gdp", inputs={"gdp": {"US": 1.0, "CA": 0.0}}), r"inputs\['gdp'\]\['CA'\] is 0"),
        (lambda: shares("gdp", inputs={"gdp": {"US": 1.0}}), r"inputs\['gdp'\]: no value for partner 'CA'"),
        (lambda: shares("population", inputs={"population": {"US": 1, "CA": -5}}), r"must be a finite number >= 0"),
        (lambda: shares("benefit", inputs={"benefit": {"US": 0, "CA": 0}}), r"every partner's value is 0"),
        (lambda: shares("gdp", inputs={"defended_pop": {}}), r"inputs: unknown rule 'defended_pop'"),
        (lambda: shares("equal", inputs={"equal": {"US": 1}}), r"rule 'equal' takes no input"),
        (lambda: share_costs(-1e9), r"total_usd must be a finite number >= 0"),
        (lambda: share_costs(float("nan")), r"total_usd must be a finite number"),
        (lambda: share_costs(1e9, cad_per_usd=0), r"cad_per_usd must be a finite number > 0"),
        (lambda: share_costs(1e9, rules=["gdp", "gdp"]), r"each rule once"),
        (lambda: implied_totals(0.0), r"bill_usd must be a finite number > 0"),
        (lambda: implied_totals(1e9, partner="MX"), r"'MX' is not among the partners"),
        (lambda: compare_with_public(pd.DataFrame()), r"bills must be a table from share_costs"),
        (lambda: compare_with_public(share_costs(1e9, partners=("US", "MX"))), r"no row for Canada"),
    ],
)
def test_bad_input_names_the_field_and_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _cost_study(sharing: dict) -> dict:
    """A one-component cost study with the given sharing section."""
    return {
        "kind": "cost",
        "name": "t",
        "dollars_year": 2026,
        "start_year": 2026,
        "sharing": sharing,
        "components": [{"name": "x", "kind": "interceptor", "quantity": 1, "average_unit_cost_usd": 1e6}],
    }


def test_a_study_file_may_name_every_rule_of_the_registry_and_each_is_applied():
    """The study schema checks rule names against the registry (scenario.sharing.RULES) that share_costs applies."""
    sh = load_cost_study(_cost_study({"rules": list(RULES), "inputs": {"benefit": BENEFIT}})).sharing
    c = share_costs(1e9, sh.rules, sh.partners, sh.inputs)
    assert list(dict.fromkeys(c["rule"])) == list(RULES)


@pytest.mark.parametrize(
    ("sharing", "match"),
    [
        ({"rules": ["gpd"]}, r"sharing\.rules: unknown rule 'gpd' \(did you mean 'gdp'\?\)"),
        ({"partners": ["US", "XX"]}, r"sharing\.partners: unknown partner 'XX'"),
        ({"inputs": {"defended_pop": {"US": 1.0}}}, r"sharing\.inputs: unknown rule 'defended_pop'"),
    ],
)
def test_a_study_file_with_a_bad_sharing_section_names_the_problem(sharing, match):
    with pytest.raises(ScenarioError, match=match):
        load_cost_study(_cost_study(sharing))


BENEFIT_SALVO = """
name: benefit salvo
epoch: 2026-07-04T12:00:00Z
duration_min: 45
seed: 11
threats:
  - {name: ICBM-1, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}
  - {name: ICBM-2, missile: icbm-solid-3stage, launch: {name: pyongyang}, aim: {name: vancouver}}
defence:
  tracks: truth
  latency_s: 0
  batteries:
    - {name: greely, interceptor: gbi, site: {name: fort-greely}, launchers: 8}
  doctrine: {shots: 1, looks: 1}
"""


@pytest.fixture(scope="module")
def benefit_study(tmp_path_factory):
    from goldendome.engine.study import run_battle_study
    from goldendome.scenario.loader import parse_scenario

    folder = tmp_path_factory.mktemp("benefit") / "mc"
    run_battle_study(parse_scenario(BENEFIT_SALVO, source="<test>"), 8, folder)
    return folder


def test_lives_protected_are_the_people_struck_undefended_less_those_struck_with_the_defence(benefit_study):
    from goldendome.analysis.battle_stats import lives_protected
    from goldendome.c2.assets import load_assets
    from goldendome.engine.montecarlo import connect

    assets = load_assets()
    pop = dict(zip(assets.names, assets.population.astype(float), strict=True))
    seattle = next(n for n, k in zip(assets.names, assets.keys, strict=True) if k == "seattle")
    vancouver = next(n for n, k in zip(assets.names, assets.keys, strict=True) if k == "vancouver")
    table = lives_protected(benefit_study).set_index("country")
    # each missile is aimed at its metro: undefended, each strikes it
    assert table.undefended["US"] == pop[seattle] and table.undefended["CA"] == pop[vancouver]
    # with the defence: each metro's people times the fraction of trials its missile leaked
    leaks = dict(
        connect(benefit_study)
        .execute("SELECT object, count(*) FROM events WHERE event = 'leaker' GROUP BY object")
        .fetchall()
    )
    assert table.defended["US"] == pytest.approx(pop[seattle] * leaks.get("ICBM-1", 0) / 8)
    assert table.defended["CA"] == pytest.approx(pop[vancouver] * leaks.get("ICBM-2", 0) / 8)
    assert (table.protected == table.undefended - table.defended).all()
    assert 0 < table.protected["US"] and 0 < table.protected["CA"]  # GBIs kill some of them (p 0.56 a shot)


def test_a_cost_study_splits_its_bill_by_the_lives_a_study_protects(benefit_study):
    from goldendome.analysis.architecture import evaluate
    from goldendome.analysis.battle_stats import lives_protected

    rep = evaluate("cbo-2026", benefit_from=benefit_study)
    lives = lives_protected(benefit_study).set_index("country").protected
    rows = rep.sharing[rep.sharing.rule == "benefit"].set_index("partner")
    assert rows.share["CA"] == pytest.approx(lives["CA"] / (lives["US"] + lives["CA"]))
    assert rows.bill_usd.sum() == pytest.approx(rep.cost.total_usd)
    assert rep.benefit is not None and set(rep.benefit.country) >= {"US", "CA"}
    with pytest.raises(ValueError, match="holds no Monte Carlo study"):
        evaluate("cbo-2026", benefit_from=benefit_study.parent / "nothing-here")
