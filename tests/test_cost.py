"""Lifecycle cost model (analysis.cost): closed forms of the learning curve, replacement and deflation, the
reproduction of CBO's published figures, the sensitivity to the inputs CBO does not publish, and bad input.

Published figures (see shared/references.md and the study files for the full assumptions):
* CBO, Potential Costs of a National Missile Defense System, May 2026 (publication 62422): 7,800 SBIs, $22M average,
  5-year life, $500/kg, 20 years: SBI acquisition $723bn, with O&S $743bn; whole system $1.191 trillion (2026 $).
* CBO letter of 5 May 2025, Effects of Lower Launch Costs on Previous Estimates for Space-Based, Boost-Phase Missile
  Defense: $264bn -> $161bn (about 1,300 SBIs) and $831bn -> $542bn (about 2,000 SBIs), 2025 dollars.
"""

import datetime as dt
import math

import numpy as np
import pytest

from goldendome.analysis.cost import (
    ACQUISITION,
    CATEGORIES,
    CostStudy,
    apply_variant,
    average_unit_cost,
    calibrated,
    compare_published,
    deflate,
    implied_curves,
    implied_inputs,
    lifecycle_cost,
    load_cost_defaults,
    load_cost_study,
    load_deflators,
    replacement_units,
    select_alternative,
    solve_input,
    sweep,
    unit_costs,
)
from goldendome.scenario.loader import ScenarioError

BN = 1e9
cbo_5pct = 0.05  # the target for CBO 2026; CBO's figures are given to 3 significant digits
letter_10pct = 0.10  # the target for the May 2025 letter


def _study(**component) -> dict:
    comp = {"name": "x", "kind": "interceptor", "quantity": 10, "average_unit_cost_usd": 1e6} | component
    return {"name": "t", "dollars_year": 2026, "start_year": 2026, "horizon_years": 20, "components": [comp]}


# ----------------------------------------------------------------------------------------- learning curve


def test_unit_theory_closed_form_t1_times_n_to_log2_rate():
    """Crawford unit theory (NASA Cost Estimating Handbook 2015; GAO-20-195G): unit n costs T1 n^log2(r), so unit 2
    costs r T1, unit 4 r^2 T1, unit 3 T1 3^log2(r)."""
    got = unit_costs(100.0, 4, 0.9)
    want = [100.0, 90.0, 100.0 * 3 ** math.log2(0.9), 81.0]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_each_doubling_costs_the_learning_rate():
    n = np.array([1, 3, 10, 77, 1000])
    c = unit_costs(5e6, 2000, 0.85)
    np.testing.assert_allclose(c[2 * n - 1] / c[n - 1], 0.85, rtol=1e-12)


def test_average_unit_cost_is_mean_of_unit_costs_and_flat_curve_is_t1():
    assert average_unit_cost(7.0, 50, 1.0) == pytest.approx(7.0)
    assert average_unit_cost(1.0, 3, 0.9, start_unit=2) == pytest.approx(np.mean(unit_costs(1.0, 3, 0.9, 2)))


def test_learning_curve_continues_across_replacements():
    """Replacements are units n+1, n+2, ... of the same line: 10 first units then 10 replacements cost the first 20
    units of the curve, the replacements less than the first units."""
    study = _study(average_unit_cost_usd=None, first_unit_cost_usd=1e6, learning_rate=0.9, service_life_years=10)
    by = lifecycle_cost(study).by_component().loc["x"]
    assert by["procurement"] == pytest.approx(unit_costs(1e6, 10, 0.9).sum())
    assert by["replacement_procurement"] == pytest.approx(unit_costs(1e6, 10, 0.9, start_unit=11).sum())
    assert by["replacement_procurement"] < by["procurement"]


def test_bad_learning_rate_is_refused():
    with pytest.raises(ValueError, match="learning_rate"):
        unit_costs(1.0, 3, 1.2)


# ------------------------------------------------------------------------------------------------ deflators


def test_fiscal_year_index_is_mean_of_its_quarters_bea_table_1_1_9():
    """FY2010 = mean of 2009Q4 and 2010Q1-Q3 of BEA NIPA Table 1.1.9 line 1 (vintage 30 May 2024):
    88.781, 89.036, 89.471, 89.743."""
    assert load_deflators()(2010) == pytest.approx(np.mean([88.781, 89.036, 89.471, 89.743]), abs=5e-4)


def test_deflator_table_covers_2000_to_2035_with_projections_marked():
    index = load_deflators()
    assert index.years[0] <= 2000 and index.years[-1] >= 2035
    assert index.projected_from == 2024
    later = index.values[index.years >= 2025]
    np.testing.assert_allclose(later[1:] / later[:-1], 1 + index.projection_rate, rtol=1e-5)  # 3 decimals kept


def test_deflate_round_trip_and_identity():
    assert deflate(1.0, 2026, 2026) == pytest.approx(1.0)
    assert deflate(deflate(161e9, 2025, 2026), 2026, 2025) == pytest.approx(161e9)
    # FY2004 dollars are worth ~1.6 FY2025 dollars (GDP deflator 78.495 -> 126.922)
    assert deflate(1.0, 2004, 2025) == pytest.approx(126.922 / 78.495, rel=1e-4)


def test_unknown_deflator_year_names_the_year():
    with pytest.raises(ValueError, match="fiscal year 1990"):
        deflate(1.0, 1990, 2026)
    with pytest.raises(ScenarioError, match=r"dollars_year: no price index for fiscal year 1990"):
        load_cost_study({**_study(), "dollars_year": 1990})
    with pytest.raises(ScenarioError, match=r"components\[0\]\.dollars_year: no price index for fiscal year 2050"):
        load_cost_study(_study(dollars_year=2050))


def test_component_prices_are_converted_to_the_study_dollars():
    res = lifecycle_cost(_study(dollars_year=2025))
    assert res.total_usd == pytest.approx(10 * 1e6 * load_deflators()(2026) / load_deflators()(2025))


# ---------------------------------------------------------------------------------------- replacement count


def test_cbo_replacement_count_7800_sbis_times_20_over_5_is_31200():
    """CBO 2026: a 5-year life in 20 years buys the constellation 20 / 5 = 4 times: 7,800 x 4 = 31,200 SBIs, when
    it is deployed evenly over 5 years from the first year."""
    init = np.zeros(20)
    init[:5] = 7800 / 5
    repl = replacement_units(init, 5.0)
    assert init.sum() + repl.sum() == pytest.approx(31_200)
    np.testing.assert_allclose(init + repl, 1560.0)


def test_replacements_that_fall_past_the_horizon_are_not_bought():
    init = np.zeros(20)
    init[3] = 100  # deployed in year 3, life 7: rebought in years 10 and 17, not 24
    assert replacement_units(init, 7.0).sum() == pytest.approx(200)
    assert replacement_units(init, 7.5).nonzero()[0].tolist() == [10, 18]  # floor(3 + 7.5 j)


# --------------------------------------------------------------------------------------------- CBO 2026


@pytest.fixture(scope="module")
def cbo2026():
    return load_cost_study("cbo-2026")


def test_cbo_2026_space_layer_acquisition_723bn(cbo2026):
    """CBO 2026 (publication 62422): acquiring 7,800 SBIs at $22M average, 5-year life, $500/kg, for 20 years costs
    $723bn (2026 $). Ours: 31,200 SBIs x $22M = $686.4bn + launch 31,200 x 1,250 kg x $500/kg = $19.5bn +
    development $5.7bn (mass and development unpublished by CBO; assumptions in cbo-2026.yaml) = $711.6bn, -1.6 %."""
    acq = lifecycle_cost(cbo2026).total(["sbi"], "acquisition")
    assert acq == pytest.approx(723 * BN, rel=cbo_5pct)
    assert acq == pytest.approx(31_200 * 22e6 + 31_200 * 1250 * 500 + 5.71e9)


def test_cbo_2026_space_layer_with_operations_743bn(cbo2026):
    """CBO 2026: $723bn acquisition + about $1bn a year x 20 years to operate = $743bn. Ours $731.6bn, -1.5 %."""
    res = lifecycle_cost(cbo2026)
    assert res.total(["sbi"]) == pytest.approx(743 * BN, rel=cbo_5pct)
    assert res.total(["sbi"], "operations") == pytest.approx(20 * BN)


def test_cbo_2026_whole_system_1191bn(cbo2026):
    """CBO 2026: $1.191 trillion for the notional system over 20 years; ours $1,179.7bn, -1.0 %. The non-SBI layers
    are ONE aggregate derived from CBO's shares (SBI acquisition = about 70 % of acquisition), so this checks the SBI
    layer and the arithmetic, not an independent estimate of the other layers."""
    assert lifecycle_cost(cbo2026).total_usd == pytest.approx(1191 * BN, rel=cbo_5pct)


def test_cbo_2026_published_checks_all_within_tolerance(cbo2026):
    table = compare_published(cbo2026)
    assert len(table) == 3 and table["within_tolerance"].all()


def test_cbo_2026_sensitivity_to_unpublished_sbi_mass_and_development(cbo2026):
    """CBO does not publish the SBI's mass or development cost. Sweeping mass 500-3,500 kg moves the SBI acquisition
    from -1.6 % to +4.9 % around ours; development $0-40bn from -0.8 % to +4.8 %: 95 % of the $723bn is the
    replacement count times the $22M CBO does publish. Both at their highs together would overshoot CBO by ~8 %."""
    mass = sweep(cbo2026, "sbi", "unit_mass_kg", [500, 1250, 2350, 3500], scope="acquisition", components=["sbi"])
    dev = sweep(
        cbo2026, "sbi", "development_cost_usd", [0.0, 5.71e9, 20e9, 40e9], scope="acquisition", components=["sbi"]
    )
    # closed forms: each kg of SBI mass is 31,200 kg launched at $500; development adds dollar for dollar
    np.testing.assert_allclose(np.diff(mass["total_usd"]), np.diff(mass["unit_mass_kg"]) * 31_200 * 500, rtol=1e-9)
    np.testing.assert_allclose(np.diff(dev["total_usd"]), np.diff(dev["development_cost_usd"]), rtol=1e-9)
    for table in (mass, dev):
        assert (table["total_usd"] / (723 * BN) - 1).abs().max() < cbo_5pct
    # CBO's own figures imply 2,346 kg if the $22M includes development: (723e9 - 31,200 x 22e6) / (31,200 x 500)
    implied = lifecycle_cost(cbo2026, variant="cbo-implied-mass").total(["sbi"], "acquisition")
    assert implied == pytest.approx(723 * BN, rel=1e-3)


def test_cbo_2026_replacement_count_is_the_driver(cbo2026):
    """Deploying after 5 years of development buys 23,400 SBIs instead of CBO's 31,200: $176bn less. How often the
    constellation is rebought matters ~5x more than every unpublished input above."""
    base = lifecycle_cost(cbo2026).total(["sbi"], "acquisition")
    late = lifecycle_cost(cbo2026, variant="deploy-after-development")
    units = late.units.query("component == 'sbi'")
    assert units["initial"].sum() + units["replacement"].sum() == pytest.approx(23_400)
    assert base - late.total(["sbi"], "acquisition") == pytest.approx(7_800 * (22e6 + 1250 * 500), rel=1e-9)


def test_cbo_2026_what_723bn_implies_for_the_unpublished_inputs(cbo2026):
    """CBO publishes $723bn of SBI acquisition but neither the SBI mass nor its development cost. With the $5.71bn
    development floor, 31,200 SBIs x $22M + 31,200 x m x $500 = $723bn - $5.71bn gives m = 1,980 kg; with a 1,250 kg
    SBI the same figure needs $17.1bn of development (2026 dollars)."""
    implied = implied_inputs(cbo2026).set_index("parameter")["implied"]
    bought = 31_200
    assert implied["unit_mass_kg"] == pytest.approx((723e9 - bought * 22e6 - 5.71e9) / (bought * 500), rel=1e-9)
    assert implied["development_cost_usd"] == pytest.approx(723e9 - bought * (22e6 + 1250 * 500), rel=1e-9)
    assert implied["unit_mass_kg"] == pytest.approx(1980, abs=1)


def test_cbo_2026_launch_at_todays_price_adds_39bn(cbo2026):
    """$1,500/kg (NASA OTPS 2024, 'today's lowest price') instead of $500/kg: 31,200 x 1,250 kg x $1,000 = +$39bn."""
    base = lifecycle_cost(cbo2026).total(["sbi"])
    dear = lifecycle_cost(cbo2026, variant="launch-at-todays-price").total(["sbi"])
    assert dear - base == pytest.approx(31_200 * 1250 * 1000)


# ------------------------------------------------------------------------------------ CBO letter, May 2025


@pytest.fixture(scope="module")
def letter():
    return load_cost_study("cbo-2025-letter")


LB = 0.45359237  # kg in a pound
BOUGHT_LOW, BOUGHT_HIGH = 1300 * 4, 2000 * 4  # 5-year life in 20 years: each constellation bought four times


def _with_earlier_price(letter, per_kg: float, today_per_kg: float, mass_kg: float):
    """The letter study with other earlier/today prices and SBI mass for the per-kg pair of alternatives; its
    calibrations are solved again (the earlier totals keep holding)."""
    data = letter.model_dump(exclude_unset=True)
    for c in data["components"]:
        if c["name"] in ("sbi-lowest-cost", "sbi-highest-cost"):
            c.update(launch_price_usd_per_kg=today_per_kg, unit_mass_kg=mass_kg)
    for comp in ("sbi-lowest-cost", "sbi-highest-cost"):
        data["variants"][0]["overrides"][comp] = {"launch_price_usd_per_kg": per_kg}
    return load_cost_study(data)


def test_cbo_2025_letter_lowest_cost_264bn_to_161bn(letter):
    """CBO letter (5 May 2025): the lowest-cost constellation (about 1,300 SBIs) falls from $264bn to $161bn (2025 $)
    with today's launch costs. The press report of the letter gives the prices as $9,800-$10,600 then and about
    $1,200 now; read per kg, with the middle of the range, the SBI CBO 2026's own figures imply (2,350 kg) and its
    5-year life, the average unit cost is calibrated on $264bn and the cut is then a prediction:
    5,200 SBIs x 2,350 kg x ($10,200 - $1,200)/kg = $110.0bn, giving $154.0bn, -4.3 %."""
    old = lifecycle_cost(letter, "lowest-cost", "earlier-launch-prices").total_usd
    new = lifecycle_cost(letter, "lowest-cost").total_usd
    assert old == pytest.approx(264 * BN, rel=1e-9)  # calibrated, by construction
    assert old - new == pytest.approx(BOUGHT_LOW * 2350 * (10_200 - 1200))
    assert new == pytest.approx(161 * BN, rel=letter_10pct)
    assert new / (161 * BN) - 1 == pytest.approx(-0.0434, abs=0.0005)
    assert 0.30 <= 1 - new / old <= 0.42  # the letter's "30 percent to 40 percent" (ours: 41.7 %)


def test_cbo_2025_letter_lowest_cost_holds_across_the_reported_price_range(letter):
    """Which end of the reported $9,800-$10,600 range the earlier study used is not known: at either end (read per
    kg, recalibrated each time) the lowest-cost alternative stays within 10 % of $161bn ($149.1bn and $158.9bn)."""
    for per_kg, expect in ((9800, 264e9 - BOUGHT_LOW * 2350 * 8600), (10_600, 264e9 - BOUGHT_LOW * 2350 * 9400)):
        study = _with_earlier_price(letter, per_kg, 1200, 2350)
        assert lifecycle_cost(study, "lowest-cost", "earlier-launch-prices").total_usd == pytest.approx(264 * BN)
        new = lifecycle_cost(study, "lowest-cost").total_usd
        assert new == pytest.approx(expect, rel=1e-9)
        assert new == pytest.approx(161 * BN, rel=letter_10pct)


def test_cbo_2025_letter_highest_cost_831bn_to_542bn_NOT_REPRODUCED(letter):
    """NOT REPRODUCED (asserts our value, not CBO's). CBO letter: the highest-cost constellation (about 2,000 SBIs)
    falls from $831bn to $542bn, a $289bn cut. With the SBI of the lowest-cost alternative (2,350 kg, 5-year life:
    8,000 bought in 20 years) launch falls by 8,000 x 2,350 x $9,000 = $169bn only: $661.8bn, +22.1 %. Even at the
    top of the reported range ($10,600) it is $654.3bn, +20.7 %. The letter's cut needs 4,014 kg SBIs (1.7 times
    the lowest-cost alternative's 2,201 kg), or a shorter life, or a dearer earlier launch; its table was not
    readable here."""
    new = lifecycle_cost(letter, "highest-cost").total_usd
    assert new == pytest.approx(831 * BN - BOUGHT_HIGH * 2350 * 9000, rel=1e-9)
    assert new / (542 * BN) - 1 == pytest.approx(0.221, abs=0.001)
    top = lifecycle_cost(_with_earlier_price(letter, 10_600, 1200, 2350), "highest-cost").total_usd
    assert top / (542 * BN) - 1 == pytest.approx(0.207, abs=0.001)
    implied = implied_inputs(letter).set_index("component")["implied"]
    assert implied["sbi-highest-cost"] == pytest.approx(289e9 / (BOUGHT_HIGH * 9000), rel=1e-6)  # 4,014 kg
    assert implied["sbi-lowest-cost"] == pytest.approx(103e9 / (BOUGHT_LOW * 9000), rel=1e-6)  # 2,201 kg
    assert implied["sbi-highest-cost"] / implied["sbi-lowest-cost"] == pytest.approx(1.824, abs=0.001)


def test_cbo_2025_letter_per_pound_reading(letter):
    """The press report says 'per pound': $10,200/lb = $22,487/kg then, $1,200/lb = $2,646/kg now. With APS 2003's
    1,250 kg SBI (CBO 2026's other reading) neither new total is within 10 % ($135.0bn, -16.1 %; $632.6bn,
    +16.7 %); the letter would imply SBIs of 998 kg and 1,821 kg, the same 1.8 ratio between the alternatives as in
    the per-kg reading: the ratio does not depend on the unit, only the masses do."""
    cut = (10_200 - 1200) / LB
    low = lifecycle_cost(letter, "lowest-cost-per-lb").total_usd
    high = lifecycle_cost(letter, "highest-cost-per-lb").total_usd
    assert low == pytest.approx(264 * BN - BOUGHT_LOW * 1250 * cut, rel=1e-4)
    assert high == pytest.approx(831 * BN - BOUGHT_HIGH * 1250 * cut, rel=1e-4)
    assert low / (161 * BN) - 1 == pytest.approx(-0.161, abs=0.001)
    assert high / (542 * BN) - 1 == pytest.approx(0.167, abs=0.001)
    implied = implied_inputs(letter).set_index("component")["implied"]
    assert implied["sbi-lowest-cost-lb"] == pytest.approx(103e9 / (BOUGHT_LOW * cut), rel=1e-4)
    assert implied["sbi-highest-cost-lb"] / implied["sbi-lowest-cost-lb"] == pytest.approx(1.824, abs=0.001)


def test_cbo_2025_letter_sensitivity_to_unpublished_mass_and_new_price(letter):
    """The letter's new total depends on inputs we could not read: SBI mass and today's price. Recalibrating the
    unit cost on $264bn each time (sweep re-solves the calibration), new = 264 - 5,200 x mass x (10,200 - price):
    with APS 2003's SBI (1,250 kg) the cut is too small ($205.5bn, +28 %); the new price moves it by ~$5bn per
    $200/kg."""
    for price in (500, 1200, 1500):
        study = _with_earlier_price(letter, 10_200, price, 2350)
        rows = sweep(study, "sbi-lowest-cost", "unit_mass_kg", [1250, 2350, 3500], alternative="lowest-cost")
        for m, total in zip(rows["unit_mass_kg"], rows["total_usd"], strict=True):
            assert total == pytest.approx(264 * BN - BOUGHT_LOW * m * (10_200 - price), rel=1e-9)
    rows = sweep(letter, "sbi-lowest-cost", "unit_mass_kg", [1250], alternative="lowest-cost")
    assert rows["total_usd"].iloc[0] / (161 * BN) - 1 == pytest.approx(0.276, abs=0.001)
    with pytest.raises(ValueError, match="calibrated"):
        sweep(letter, "sbi-lowest-cost", "average_unit_cost_usd", [1e6], alternative="lowest-cost")


def test_cbo_2025_letter_compare_table_flags_calibration_and_the_miss(letter):
    table = compare_published(letter).set_index("label")
    assert table["calibrated"].sum() == 4
    assert table.loc["Lowest-cost alternative, today's launch prices", "within_tolerance"]
    assert not table.loc["Highest-cost alternative, today's launch prices", "within_tolerance"]
    assert not table.loc["Highest-cost alternative, today's launch prices (per-pound reading)", "within_tolerance"]
    calibrated = table[table["calibrated"]]
    assert np.allclose(calibrated["rel_diff"], 0.0, atol=1e-9)


# ------------------------------------------------------------------------- inputs solved from published figures


def _calibrated_study(**extra) -> dict:
    """10 interceptors of 1,000 kg, launched at $2,000/kg, bought once; a variant halves the launch price."""
    data = _study(kind="sbi", unit_mass_kg=1000, launch_price_usd_per_kg=2000)
    data["variants"] = [{"name": "cheap", "overrides": {"x": {"launch_price_usd_per_kg": 1000}}}]
    data["published"] = [
        {"label": "old", "value_usd": 50e6, "variant": None, "source": "s"},
        {"label": "new", "value_usd": 35e6, "variant": "cheap", "source": "s"},
    ]
    return data | extra


def test_calibration_solves_the_input_and_the_other_figure_tests_it():
    """Unit cost u from 'old': 10 u + 10 x 1,000 x $2,000 = $50M -> u = $3M exactly; 'new' is then a prediction:
    10 x $3M + 10 x 1,000 x $1,000 = $40M (+14 % on the $35M it is checked against)."""
    study = load_cost_study(
        _calibrated_study(calibrate=[{"component": "x", "parameter": "average_unit_cost_usd", "to": "old"}])
    )
    assert calibrated(study).components[0].average_unit_cost_usd == pytest.approx(3e6, rel=1e-9)
    res = lifecycle_cost(study)
    assert res.total_usd == pytest.approx(50e6, rel=1e-9)
    assert any(a.startswith("CALIBRATED: x.average_unit_cost_usd = $3.0M") for a in res.assumptions)
    assert lifecycle_cost(study, variant="cheap").total_usd == pytest.approx(40e6, rel=1e-9)
    table = compare_published(study).set_index("label")
    assert table.loc["old", "calibrated"] and not table.loc["new", "calibrated"]
    # the mass 'new' implies, u solved again at each trial mass: old - new = 10 x m x ($2,000 - $1,000) = $15M
    study = load_cost_study(
        _calibrated_study(
            calibrate=[{"component": "x", "parameter": "average_unit_cost_usd", "to": "old"}],
            implied=[{"component": "x", "parameter": "unit_mass_kg", "to": "new"}],
        )
    )
    row = implied_inputs(study).iloc[0]
    assert row["implied"] == pytest.approx(1500.0, rel=1e-9) and row["ratio"] == pytest.approx(1.5)


def test_implied_curve_is_the_line_through_the_solution():
    """Our total against the swept input: a straight line (every solvable input enters linearly) that crosses the
    published figure at the implied value; at zero mass launch costs nothing, so 'new' equals the calibrated 'old'."""
    study = load_cost_study(
        _calibrated_study(
            calibrate=[{"component": "x", "parameter": "average_unit_cost_usd", "to": "old"}],
            implied=[{"component": "x", "parameter": "unit_mass_kg", "to": "new"}],
        )
    )
    curve = implied_curves(study, points=7)
    assert curve["value"].iloc[-1] == pytest.approx(1.5 * 1500)
    assert np.allclose(np.diff(curve["total_usd"], 2), 0.0, atol=1e-3)
    assert np.interp(1500.0, curve["value"], curve["total_usd"]) == pytest.approx(35e6, rel=1e-9)
    assert curve["total_usd"].iloc[0] == pytest.approx(50e6, rel=1e-9)


def test_cbo_2026_schedule_follows_the_variant(cbo2026):
    """schedule_component ties the schedule to the sbi component: under cbo-implied-mass (2,350 kg SBIs) a Falcon 9
    carries half as many, and 134 launches a year no longer outpace a 5-year life's retirements."""
    from goldendome.analysis.cost import deployment_plan
    from goldendome.analysis.schedule import deploy

    base, heavy = deployment_plan(cbo2026), deployment_plan(cbo2026, "cbo-implied-mass")
    assert (base.n_satellites, base.sat_mass_kg, heavy.sat_mass_kg) == (7800, 1250, 2350)
    a, b = deploy(base), deploy(heavy)
    assert b.mean_per_launch < 0.6 * a.mean_per_launch
    assert a.full_capability is not None and b.full_capability is None


def test_the_175bn_constellation_cannot_be_in_orbit_by_2029():
    """The schedule deploys the bought-once component as solved (7,889 SBIs of 1,250 kg), with cbo-2026.yaml's
    generous production and launch assumptions (134 Falcon 9 flights a year): full capability after January 2029."""
    from goldendome.analysis.architecture import evaluate
    from goldendome.analysis.cost import deployment_plan

    study = load_cost_study("golden-dome-175bn")
    plan = deployment_plan(study)
    bought = next(c for c in calibrated(study).components if c.name == "sbi-bought-once")
    assert plan.n_satellites == round(bought.quantity) and plan.sat_mass_kg == 1250
    rep = evaluate(study)
    assert rep.deadline is not None and rep.deadline.met is False
    assert rep.schedule.full_capability > dt.date(2029, 1, 1)
    with pytest.raises(ScenarioError, match=r"schedule_component: unknown component 'nope'"):
        load_cost_study(study.model_dump(exclude_unset=True) | {"schedule_component": "nope"})


def test_quantity_on_a_learning_curve_is_solved_by_bracketing():
    """A quantity on an 85 % unit-theory curve is not linear in cost: the solver brackets it and finds the count a
    $1bn budget buys (T1 $10M over 3 years), to within the cost of one more unit."""
    data = _study(
        quantity=10, average_unit_cost_usd=None, first_unit_cost_usd=10e6, learning_rate=0.85, deploy_years=3
    ) | {"horizon_years": 3, "published": [{"label": "budget", "value_usd": 1e9, "source": "s"}]}
    study = load_cost_study(data)
    q = solve_input(study, "x", "quantity", "budget")
    total = lifecycle_cost(
        study.model_copy(update={"components": [study.components[0].model_copy(update={"quantity": q})]})
    ).total_usd
    assert total == pytest.approx(1e9, abs=10e6 * round(q) ** math.log2(0.85))
    assert unit_costs(10e6, round(q) - 1, 0.85).sum() < 1e9 < unit_costs(10e6, round(q) + 1, 0.85).sum()


def test_what_the_announced_175bn_buys_in_sbis():
    """golden-dome-175bn: the announced $175bn (White House, 20 May 2025) spent wholly on SBIs of CBO 2026's kind
    ($22M, 1,250 kg at $500/kg, 2026 dollars -> 2025 dollars / 1.020): bought once, it affords 175e9 / $22.18M =
    7,889 SBIs, about CBO's 7,800 ('about 10 simultaneous targets') for one 5-year life; kept in orbit 20 years
    (bought four times, $1bn a year of O&S per 7,800 SBIs) only 1,923, about 2.5 targets at CBO's 780 per target."""
    study = load_cost_study("golden-dome-175bn")
    to_2025 = float(deflate(1.0, 2026, 2025))
    per_sbi = (22e6 + 1250 * 500) * to_2025
    implied = {c.name: c.quantity for c in calibrated(study).components}
    assert implied["sbi-bought-once"] == pytest.approx(175e9 / per_sbi, rel=1e-9)
    # O&S per SBI over 20 years: deployed evenly over 5 years, so 18 full years of service on average
    ops_20y = 18 * 128_205 * to_2025
    assert implied["sbi-sustained"] == pytest.approx(175e9 / (4 * per_sbi + ops_20y), rel=1e-6)
    assert implied["sbi-bought-once"] / implied["sbi-sustained"] == pytest.approx(4.1, abs=0.1)
    table = compare_published(study)
    assert (~table["check"]).all() and table["within_tolerance"].isna().all()  # budgets, no verdict
    assert table["calibrated"].all() and np.allclose(table["rel_diff"], 0.0, atol=1e-9)
    assert lifecycle_cost(study, "sustained-20-years").total_usd == pytest.approx(175e9, rel=1e-9)


def test_solving_an_input_says_when_no_value_can_match():
    study = load_cost_study(_calibrated_study())
    assert solve_input(study, "x", "unit_mass_kg", "old") == pytest.approx(2000.0)  # 10 x $1M + 10 x m x $2,000
    with pytest.raises(ValueError, match=r"no value of x\.unit_mass_kg at or above zero matches 'old'"):
        solve_input(
            load_cost_study(_calibrated_study(published=[{"label": "old", "value_usd": 5e6, "source": "s"}])),
            "x",
            "unit_mass_kg",
            "old",
        )  # the units alone cost $10M
    ops_only = _calibrated_study(published=[{"label": "old", "value_usd": 5e6, "source": "s"}], variants=[])
    ops_only["components"][0].update(development_cost_usd=1e6, development_start_year=25)  # after the horizon
    with pytest.raises(ValueError, match=r"does not depend on x\.development_cost_usd"):
        solve_input(load_cost_study(ops_only), "x", "development_cost_usd", "old")


def test_calibrations_that_depend_on_each_other_are_solved_together():
    """Mass from the earlier-price total and unit cost from today's: 200 u + 200 m $3,000 = $2bn and
    200 u + 200 m $1,000 = $1bn (100 SBIs, 5-year life, 10 years: bought twice) give m = 2,500 kg, u = $2.5M
    exactly, in either order."""
    data = _study(
        kind="sbi", quantity=100, unit_mass_kg=1000, launch_price_usd_per_kg=1000, service_life_years=5, deploy_years=2
    ) | {"horizon_years": 10}
    data |= {
        "variants": [{"name": "old", "overrides": {"x": {"launch_price_usd_per_kg": 3000}}}],
        "published": [
            {"label": "old", "value_usd": 2e9, "variant": "old", "source": "s"},
            {"label": "new", "value_usd": 1e9, "source": "s"},
        ],
    }
    pairs = [
        {"component": "x", "parameter": "unit_mass_kg", "to": "old"},
        {"component": "x", "parameter": "average_unit_cost_usd", "to": "new"},
    ]
    for order in (pairs, pairs[::-1]):
        comp = calibrated(load_cost_study(data | {"calibrate": order})).components[0]
        assert comp.unit_mass_kg == pytest.approx(2500, rel=1e-9)
        assert comp.average_unit_cost_usd == pytest.approx(2.5e6, rel=1e-9)


def test_one_alternative_is_calibrated_with_what_its_figures_need():
    """Alternative A is component s alone, but s is calibrated on B's total, which needs b calibrated first
    (b from F1 = $50M -> $5M; s from F2 = $100M - $50M -> $5M): A alone costs $50M, as in the full study."""
    data = {
        "name": "t",
        "dollars_year": 2026,
        "start_year": 2026,
        "horizon_years": 10,
        "components": [
            {"name": "s", "kind": "interceptor", "quantity": 10, "average_unit_cost_usd": 1e6},
            {"name": "b", "kind": "interceptor", "quantity": 10, "average_unit_cost_usd": 1e6},
        ],
        "alternatives": {"A": ["s"], "B": ["s", "b"]},
        "published": [
            {"label": "F1", "value_usd": 50e6, "alternative": "B", "components": ["b"], "source": "x"},
            {"label": "F2", "value_usd": 100e6, "alternative": "B", "source": "x"},
        ],
        "calibrate": [
            {"component": "b", "parameter": "average_unit_cost_usd", "to": "F1"},
            {"component": "s", "parameter": "average_unit_cost_usd", "to": "F2"},
        ],
    }
    assert lifecycle_cost(data, "A").total_usd == pytest.approx(50e6, rel=1e-9)
    assert lifecycle_cost(data, "B").total_usd == pytest.approx(100e6, rel=1e-9)


def test_small_budget_on_a_learning_curve_is_found_not_refused():
    """The line through the written quantity (1,000 units) crosses zero cost at a positive total, but a $300M
    budget does buy units (T1 $10M, 85 %: about 61): the solver decides from the total at zero, not the line."""
    data = _study(
        quantity=1000, average_unit_cost_usd=None, first_unit_cost_usd=10e6, learning_rate=0.85, deploy_years=3
    ) | {"horizon_years": 3, "published": [{"label": "budget", "value_usd": 300e6, "source": "s"}]}
    q = solve_input(load_cost_study(data), "x", "quantity", "budget")
    assert unit_costs(10e6, math.floor(q) - 1, 0.85).sum() < 300e6 < unit_costs(10e6, math.ceil(q) + 1, 0.85).sum()


@pytest.mark.parametrize(
    "calibrate, message",
    [
        (
            {"component": "y", "parameter": "unit_mass_kg", "to": "old"},
            r"calibrate\[0\]\.component: unknown component 'y'",
        ),
        ({"component": "x", "parameter": "unit_mass_kg", "to": "nope"}, r"calibrate\[0\]\.to: no published figure"),
        ({"component": "x", "parameter": "colour", "to": "old"}, r"calibrate\[0\]\.parameter: Input should be"),
        (
            {"component": "x", "parameter": "launch_price_usd_per_kg", "to": "new"},
            r"variant 'cheap' of the figure sets",
        ),
        ({"component": "x", "parameter": "first_unit_cost_usd", "to": "old"}, r"has no first_unit_cost_usd"),
    ],
)
def test_bad_calibration_names_the_field(calibrate, message):
    with pytest.raises(ScenarioError, match=message):
        load_cost_study(_calibrated_study(calibrate=[calibrate]))


def test_conflicting_solves_are_refused_in_words():
    twice = [
        {"component": "x", "parameter": "average_unit_cost_usd", "to": "old"},
        {"component": "x", "parameter": "unit_mass_kg", "to": "old"},
    ]
    with pytest.raises(ScenarioError, match=r"one figure can set one input only"):
        load_cost_study(_calibrated_study(calibrate=twice))
    with pytest.raises(ScenarioError, match=r"implied\[0\]: x\.average_unit_cost_usd is calibrated"):
        load_cost_study(_calibrated_study(calibrate=twice[:1], implied=[{**twice[0], "to": "new"}]))
    scheduled = _calibrated_study(calibrate=[{"component": "x", "parameter": "quantity", "to": "old"}])
    scheduled["variants"].append({"name": "sched", "overrides": {"x": {"deploy_schedule": [5, 5]}}})
    with pytest.raises(ScenarioError, match=r"deploys by deploy_schedule \(units per year, here or in a variant\)"):
        load_cost_study(scheduled)


def test_a_solved_input_out_of_range_is_refused_in_words():
    """Quantity is limited to 10 million units; a $1e17 budget at $1M a unit would need 1e11: refused, naming it."""
    data = _study() | {
        "published": [{"label": "huge", "value_usd": 1e17, "source": "s"}],
        "calibrate": [{"component": "x", "parameter": "quantity", "to": "huge"}],
    }
    with pytest.raises(ValueError, match=r"calibrate: x\.quantity solved from 'huge' is out of range: quantity"):
        lifecycle_cost(data)


def test_implied_curve_has_gaps_where_the_calibration_has_no_solution():
    """Unit cost calibrated on 'old' ($50M = 10 u + 10 m $2,000) must be negative once m > 2,500 kg: the curve of
    'new' ($30M at $1,000/kg: m = 2,000 kg) runs to 3,000 kg and stops at 2,500 (NaN) instead of failing the plot."""
    study = load_cost_study(
        _calibrated_study(
            calibrate=[{"component": "x", "parameter": "average_unit_cost_usd", "to": "old"}],
            implied=[{"component": "x", "parameter": "unit_mass_kg", "to": "new"}],
            published=[
                {"label": "old", "value_usd": 50e6, "source": "s"},
                {"label": "new", "value_usd": 30e6, "variant": "cheap", "source": "s"},
            ],
        )
    )
    curve = implied_curves(study, points=13)  # 0 to 1.5 x 2,000 kg in steps of 250 kg
    ok = curve["value"] <= 2500
    assert ok.sum() == 11 and (~ok).sum() == 2
    assert curve.loc[ok, "total_usd"].notna().all() and curve.loc[~ok, "total_usd"].isna().all()
    assert np.interp(2000, curve["value"][ok], curve["total_usd"][ok]) == pytest.approx(30e6, rel=1e-9)


def test_alternatives_are_costed_one_at_a_time(letter):
    with pytest.raises(ValueError, match="choose one"):
        lifecycle_cost(letter)
    assert [c.name for c in select_alternative(letter, "highest-cost").components] == ["sbi-highest-cost"]


# -------------------------------------------------------------------------------------------- result shape


def test_result_tables_add_up_and_carry_assumptions(cbo2026):
    res = lifecycle_cost(cbo2026)
    wide = res.by_year()
    assert list(wide.index) == list(range(2026, 2046))
    assert list(wide.columns) == [*CATEGORIES, "total"]
    assert wide["total"].sum() == pytest.approx(res.total_usd)
    comp = res.by_component()
    assert comp["total"].sum() == pytest.approx(res.total_usd)
    assert comp["acquisition"].sum() == pytest.approx(res.total(scope="acquisition"))
    assert set(res.table["category"]) <= set(CATEGORIES) and set(ACQUISITION) < set(CATEGORIES)
    assert (res.table["cost_usd"] != 0).all()
    assert res.dollars_year == 2026
    text = res.summary()
    assert "FY2026 dollars" in text and "31,200" in text and "Assumptions:" in text
    assert any("1,250 kg" in a for a in res.assumptions)


def test_launch_priced_per_launch_rounds_up_launches():
    res = lifecycle_cost(
        _study(
            kind="tracking_satellite",
            quantity=30,
            unit_mass_kg=500,
            launch_price_usd_per_launch=70e6,
            units_per_launch=21,
        )
    )
    assert res.total(scope="all") - 30 * 1e6 == pytest.approx(2 * 70e6)


def test_operations_fixed_plus_per_unit_in_service():
    res = lifecycle_cost(
        _study(deploy_start_year=2, deploy_years=2, ops_fixed_usd_per_year=1e6, ops_usd_per_unit_year=1e3)
    )
    # fixed from year 2 (18 years); 5 units in service in year 2, then 10 for 17 years
    assert res.total(scope="operations") == pytest.approx(18 * 1e6 + 1e3 * (5 + 10 * 17))


def test_deploy_schedule_and_preset_sources():
    study = _study(preset="interceptor-pac3-mse", quantity=6, deploy_schedule=[1, 2, 3])
    del study["components"][0]["average_unit_cost_usd"]  # the preset's price: $9.8bn / 1,970 in FY2025 dollars
    res = lifecycle_cost(study)
    units = res.units.set_index("year")["initial"]
    assert units.loc[2026:2028].tolist() == [1, 2, 3]
    assert res.total_usd == pytest.approx(6 * 4.97e6 * float(deflate(1.0, 2025, 2026)))
    assert any("PAC-3" in a for a in res.assumptions)
    assert {p["kind"] for p in load_cost_defaults().values()} <= {"sbi", "tracking_satellite", "interceptor", "radar"}


def test_interceptor_preset_takes_the_catalogue_programme_price_and_a_study_price_overrides_it():
    """Issue 18: interceptor-thaad names its catalogue entry instead of repeating its price; the catalogue's
    programme unit cost, dollars year and price sources fill the component, and the `interceptor` key is consumed
    (the strict Component would refuse it)."""
    from goldendome.effectors.interceptors import interceptor

    thaad = interceptor("thaad")
    study = _study(preset="interceptor-thaad")
    del study["components"][0]["average_unit_cost_usd"]
    comp = load_cost_study(study).components[0]
    assert comp.average_unit_cost_usd == thaad.programme_unit_cost_musd * 1e6
    assert comp.dollars_year == thaad.dollars_year and comp.sources == list(thaad.price_sources)
    assert load_cost_study(_study(preset="interceptor-thaad")).components[0].average_unit_cost_usd == 1e6


def test_service_life_longer_than_horizon_is_said_plainly():
    """Allowed (radars outlive 20-year studies), with a plain line in the assumptions and warnings."""
    res = lifecycle_cost(_study(service_life_years=30))
    assert res.units["replacement"].sum() == 0
    assert any("longer than the 20-year horizon" in w for w in res.warnings)
    assert any(a.startswith("NOTE:") and "30 years" in a for a in res.assumptions)


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"average_unit_cost_usd": -5.0}, r"components\[0\]\.average_unit_cost_usd: .*greater than or equal to 0"),
        ({"average_unit_cost_usd": None}, r"components\[0\]: quantity is 10 but no unit price"),
        ({"first_unit_cost_usd": 1e6}, r"components\[0\]: average_unit_cost_usd and first_unit_cost_usd are both"),
        ({"launch_price_usd_per_kg": 500}, r"launch_price_usd_per_kg needs unit_mass_kg"),
        ({"kind": "sbi", "unit_mass_kg": 1000}, r"unit_mass_kg is 1000 kg but no launch price"),
        ({"deploy_schedule": [3, 3]}, r"deploy_schedule adds up to 6 units but quantity is 10"),
        ({"preset": "nope"}, r"preset: unknown preset 'nope'"),
        ({"learning_rate": 1.5}, r"components\[0\]\.learning_rate"),
        ({"colour": "red"}, r"components\[0\]\.colour: unknown field"),
        ({"quantity": 0, "average_unit_cost_usd": None}, r"this component costs nothing"),
    ],
)
def test_bad_component_input_names_the_field(change, message):
    with pytest.raises(ScenarioError, match=message):
        load_cost_study(_study(**change))


def test_bad_study_input_names_the_field(tmp_path):
    with pytest.raises(ScenarioError, match=r"components: names must be unique"):
        load_cost_study({**_study(), "components": [_study()["components"][0]] * 2})
    with pytest.raises(ScenarioError, match=r"variants\[0\]\.overrides\.x: average_unit_cost_usd"):
        load_cost_study({**_study(), "variants": [{"name": "v", "overrides": {"x": {"average_unit_cost_usd": -1}}}]})
    with pytest.raises(ScenarioError, match=r"horizon_years"):
        load_cost_study({**_study(), "horizon_years": 0})
    path = tmp_path / "bad.yaml"
    path.write_text("kind: cost\nname: t\nstart_year: 2026\ncomponents: []\n")
    with pytest.raises(ScenarioError, match=r"dollars_year: Field required"):
        load_cost_study(path)
    with pytest.raises(ValueError, match="unknown variant"):
        lifecycle_cost(_study(), variant="nope")


def test_study_file_round_trips_through_the_model(cbo2026):
    assert isinstance(load_cost_study(cbo2026.model_dump()), CostStudy)
    assert apply_variant(cbo2026, "cbo-implied-mass").components[0].unit_mass_kg == 2350
