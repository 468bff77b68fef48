"""The battle loop against the closed forms of layered defence (Wilkening, Science & Global Security 8, 2000;
:mod:`goldendome.analysis.leakage`), and its behaviour at the edges.

An MRBM from the Pacific at Los Angeles, perfect tracks, THAAD and PAC-3 batteries at the city: each case is fought
N times on the same flown world with independent seeds, and the Monte Carlo leak fraction must fall inside its 99 %
Wilson interval around the closed form: a salvo of n leaks with (1 - p)^n, independent layers multiply, and
shoot-look-shoot leaks with (1 - p)^(n1 + n2) while firing n1 + n2 (1 - p)^n1 rounds on average.
"""

import numpy as np
import pytest
import yaml

from goldendome.analysis.leakage import layered_leak, salvo_leak, shoot_look_shoot, wilson_interval
from goldendome.effectors.interceptors import interceptor
from goldendome.engine.battle import fight
from goldendome.engine.trial import run_trial
from goldendome.scenario.models import Scenario

TRIALS = 160

BASE = """
name: validation
epoch: 2026-07-04T12:00:00Z
duration_min: 15
seed: 1
threats:
  - {name: M, missile: mrbm-solid-2stage, launch: {lat_deg: 35.0, lon_deg: -130.0}, aim: {name: los-angeles}}
defence:
  tracks: truth
  decision_s: 2
  latency_s: 0
  assessment_s: 2
  assets: {countries: [US]}
"""


def _scenario(batteries: list[dict], **defence) -> Scenario:
    d = yaml.safe_load(BASE)
    d["defence"]["batteries"] = batteries
    d["defence"].update(defence)
    return Scenario.model_validate(d)


@pytest.fixture(scope="module")
def world():
    return run_trial(_scenario([]), battle=False)


def _battles(world, scn: Scenario, n: int = TRIALS):
    """n battles of scn fought on the flown world (the flights do not depend on the defence)."""
    from dataclasses import replace

    w = replace(world, scenario=scn)
    return [fight(w, seed=s) for s in range(n)]


def _inside(leaks: int, n: int, p: float) -> bool:
    lo, hi = wilson_interval(leaks, n, 0.99)
    return lo <= p <= hi


THAAD = {"name": "thaad-la", "interceptor": "thaad", "site": {"name": "los-angeles"}, "launchers": 6}
PAC3 = {"name": "pac3-la", "interceptor": "pac3-mse", "site": {"name": "los-angeles"}, "launchers": 4}


@pytest.mark.parametrize("shots", [1, 2])
def test_salvo_of_n_leaks_with_one_minus_p_to_the_n(world, shots):
    scn = _scenario([{**THAAD, "doctrine": {"shots": shots, "looks": 0}}])
    runs = _battles(world, scn)
    p = interceptor("thaad").kill_probability("mrbm")
    leaks = sum(b.leakers for b in runs)
    assert all(b.interceptors == {"upper": shots} for b in runs)  # one salvo, every trial
    assert _inside(leaks, TRIALS, salvo_leak(p, shots)), (leaks, salvo_leak(p, shots))


def test_layers_multiply_with_hand_over(world):
    # THAAD fires one round; only what it misses is handed to PAC-3, which fires one round in the terminal phase
    scn = _scenario([{**THAAD, "doctrine": {"shots": 1, "looks": 0}}, {**PAC3, "doctrine": {"shots": 1, "looks": 0}}])
    runs = _battles(world, scn)
    p_u, p_l = interceptor("thaad").kill_probability("mrbm"), interceptor("pac3-mse").kill_probability("mrbm")
    leaks = sum(b.leakers for b in runs)
    assert _inside(leaks, TRIALS, layered_leak([p_u, p_l], [1, 1]))
    # PAC-3 fires exactly when THAAD missed: about (1 - p_upper) of the trials
    lower = sum(b.interceptors.get("lower", 0) for b in runs)
    assert _inside(lower, TRIALS, 1.0 - p_u)


def test_without_hand_over_every_layer_fires(world):
    scn = _scenario(
        [{**THAAD, "doctrine": {"shots": 1, "looks": 0}}, {**PAC3, "doctrine": {"shots": 1, "looks": 0}}],
        handover=False,
    )
    runs = _battles(world, scn, 20)
    assert all(b.interceptors.get("lower", 0) == 1 and b.interceptors["upper"] == 1 for b in runs)


def test_shoot_look_shoot_against_its_closed_form(world):
    scn = _scenario([{**THAAD, "doctrine": {"shots": 1, "looks": 1}}])
    runs = _battles(world, scn)
    p = interceptor("thaad").kill_probability("mrbm")
    leak, rounds = shoot_look_shoot(p, 1, 1)
    assert _inside(sum(b.leakers for b in runs), TRIALS, leak)
    fired = np.array([b.interceptors["upper"] for b in runs])
    second = int(np.sum(fired == 2))
    assert set(fired) <= {1, 2} and _inside(second, TRIALS, 1.0 - p)  # the second shot only at a survivor
    assert fired.mean() == pytest.approx(rounds, abs=0.1)


def test_battle_round_and_cost_preset_read_one_catalogue_entry(world, monkeypatch):
    """Issue 18: the battle charges THAAD's round price and the cost study's interceptor-thaad preset its programme
    average, both from the interceptor catalogue: change the entry and both change."""
    from dataclasses import replace

    from goldendome.effectors import interceptors
    from goldendome.scenario.cost_presets import merge_preset

    def charged() -> tuple[float, float]:
        """(US$M the battle charged per THAAD round, US$ the preset's average unit cost)."""
        b = _battles(world, _scenario([{**THAAD, "doctrine": {"shots": 1, "looks": 0}}]), 1)[0]
        launches = b.events[b.events.event == "launch"]
        assert set(launches.weapon) == {"thaad"} and launches.shots.sum() > 0
        preset = merge_preset({"preset": "interceptor-thaad"})
        return b.cost_musd / launches.shots.sum(), preset["average_unit_cost_usd"]

    thaad = interceptor("thaad")
    assert charged() == pytest.approx((thaad.round_cost_musd, thaad.programme_unit_cost_musd * 1e6))
    assert thaad.round_cost_musd == 18.5  # the middle of $17M-$20M (FY2024 buys, references.md)

    catalogue = interceptors.load_interceptors()
    changed = replace(thaad, round_cost_musd=30.0, programme_unit_cost_musd=31.0)
    monkeypatch.setattr(interceptors, "load_interceptors", lambda: {**catalogue, "thaad": changed})
    assert charged() == pytest.approx((30.0, 31e6))


def test_same_seed_same_battle(world):
    scn = _scenario([{**THAAD, "doctrine": {"shots": 1, "looks": 1}}])
    a, b = _battles(world, scn, 1)[0], _battles(world, scn, 1)[0]
    cols = [c for c in a.events.columns]
    assert a.events[cols].equals(b.events[cols])


def test_no_defended_assets_fires_nothing_and_says_so(world):
    scn = _scenario([THAAD], assets={"countries": [], "kinds": []})
    b = _battles(world, scn, 1)[0]
    assert b.leakers == 1 and b.interceptors == {}
    assert any("no defended assets" in w for w in b.warnings)


def test_no_interceptors_left_is_reported(world):
    scn = _scenario([{**THAAD, "inventory": 0}])
    b = _battles(world, scn, 1)[0]
    assert b.leakers == 1 and any("no interceptors left" in w for w in b.warnings)
    ev = b.events
    assert list(ev.detail[ev.event == "not_engaged"]) == ["no interceptors left"]


def test_threat_outside_every_envelope_is_reported(world):
    # a Patriot battery in New York cannot reach a missile falling on Los Angeles
    far = {"name": "pac3-ny", "interceptor": "pac3-mse", "site": {"name": "new-york"}, "launchers": 4}
    b = _battles(world, _scenario([far]), 1)[0]
    ev = b.events
    assert b.leakers == 1 and list(ev.detail[ev.event == "not_engaged"]) == ["outside every layer's envelope"]
    assert list(ev.asset[ev.event == "leaker"]) == ["Los Angeles-Long Beach-Anaheim, CA"]


ROCKETS = """
name: rockets
epoch: 2026-07-04T12:00:00Z
duration_min: 3
seed: 3
threats:
  - {name: CITY, missile: rocket-122mm, shape: depressed, launch: {lat_deg: 31.45, lon_deg: 34.40},
     aim: {lat_deg: 31.52, lon_deg: 34.58}}
  - {name: FIELD, missile: rocket-122mm, shape: depressed, launch: {lat_deg: 31.45, lon_deg: 34.40},
     aim: {lat_deg: 31.33, lon_deg: 34.55}}
defence:
  tracks: truth
  decision_s: 1
  latency_s: 2
  assets:
    countries: []
    extra: [{name: Town, lat_deg: 31.52, lon_deg: 34.58, population: 80000, radius_km: 3}]
  batteries:
    - {name: dome, interceptor: tamir, site: {lat_deg: 31.50, lon_deg: 34.50}, launchers: 3,
       doctrine: {shots: 1, looks: 0}}
"""


def test_rockets_falling_in_open_ground_are_not_engaged():
    # Iron Dome's rule: only rockets predicted to fall on a defended area draw an interceptor
    scn = Scenario.model_validate(yaml.safe_load(ROCKETS))
    b = run_trial(scn).battle
    ev = b.events
    launched = set(ev.object[ev.event == "launch"])
    assert launched == {"CITY"}
    assert list(ev.detail[(ev.event == "not_engaged") & (ev.object == "FIELD")]) == ["open ground"]
    leak = ev[ev.event == "leaker"]
    assert list(leak.asset[leak.object == "FIELD"]) == ["open ground"]  # it came down, harmlessly
    city = ev[ev.object == "CITY"]
    assert {"kill", "leaker"} & set(city.event)  # the engaged rocket was either destroyed or hit the town
    assert set(leak.asset[leak.object == "CITY"]) <= {"Town"}


DECOYS = """
name: decoys
epoch: 2026-07-04T12:00:00Z
duration_min: 45
seed: 5
threats:
  - {name: M, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}, decoys: 2}
defence:
  tracks: truth
  decision_s: 10
  doctrine: {shots: 1, looks: 0}
  assets: {countries: [US]}
  batteries:
    - {name: greely, interceptor: gbi, site: {name: fort-greely}, launchers: 40}
"""


@pytest.fixture(scope="module")
def decoy_world():
    return run_trial(Scenario.model_validate(yaml.safe_load(DECOYS)), battle=False)


def test_undiscriminated_decoys_draw_shots_and_discriminated_ones_do_not(decoy_world):
    from dataclasses import replace

    blind = fight(decoy_world, seed=1)
    targets = set(blind.events.object[blind.events.event == "launch"])
    assert targets == {"M", "M/D1", "M/D2"}  # three objects, none told apart: one GBI each
    d = yaml.safe_load(DECOYS)
    d["defence"]["discrimination"] = {"midcourse": 1.0}
    seeing = fight(replace(decoy_world, scenario=Scenario.model_validate(d)), seed=1)
    assert set(seeing.events.object[seeing.events.event == "launch"]) == {"M"}


def test_critique_salvo_with_enough_gbis_matches_the_closed_form():
    # the shipped critique study (ten ICBMs, two undiscriminated decoys each, test-record SSPK 10/18) with 60 GBIs:
    # every object draws a salvo of two, so each warhead leaks with (1 - p)^2 independently of the others
    from goldendome.scenario.loader import load_builtin

    d = load_builtin("critique-salvo").model_dump(mode="json")
    d["defence"]["batteries"] = [{**d["defence"]["batteries"][0], "launchers": 60}]
    d["defence"]["doctrine"] = {"shots": 2, "looks": 0}
    world = run_trial(Scenario.model_validate(d), battle=False)
    runs = [fight(world, seed=s) for s in range(40)]
    p = interceptor("gbi").kill_probability("rv")
    assert all(sum(b.interceptors.values()) == 60 for b in runs)  # 30 objects x 2: the decoys take two thirds
    leaks = sum(b.leakers for b in runs)
    assert _inside(leaks, 10 * len(runs), salvo_leak(p, 2)), (leaks / 400, salvo_leak(p, 2))


def test_a_defended_run_reports_its_track_picture_like_a_tracking_run():
    # one sensor loop for tracking-only and defended runs: the default scenario's battle (radars and the space
    # tracking layer's fixes) reports GOSPA, NEES and continuity; the NEES of a consistent tracker averages the
    # position's 3 degrees of freedom (chi-square mean; Bar-Shalom et al. 2001, sec. 5.4) -- held loosely, the IMM's
    # boost mode is conservative -- and the trial table of a Monte Carlo study carries them
    from goldendome.engine.study import trial_tables
    from goldendome.scenario.loader import load_builtin

    run = run_trial(load_builtin("default"))
    tr = run.battle.tracking
    assert run.tracking is tr and tr is not None
    assert tr.gospa_t.size > 10 and np.all(np.isfinite(tr.gospa[:, 0]))
    np.testing.assert_allclose(tr.gospa[:, 0] ** 2, tr.gospa[:, 1:].sum(axis=1), rtol=1e-9)
    lethal = np.array([k != "decoy" for k in tr.object_kinds])
    assert np.nanmean(tr.tracked_fraction[lethal]) > 0.5  # the salvo is held most of the time it is in coverage
    assert 0.5 < np.nanmean(tr.nees) < 10.0
    held = np.isfinite(tr.first_track_s)
    assert np.all(tr.first_track_s[held] >= tr.first_detection_s[held])
    row = trial_tables(0, 1, run.battle)["trials"].iloc[0]
    assert row.gospa_mean_m == pytest.approx(np.mean(tr.gospa[:, 0])) and 0.0 < row.lethal_held <= 1.0
