"""MIRV buses and decoys: together in vacuum, sorted by ballistic coefficient in the air (Allen & Eggers)."""

import dataclasses
import datetime as dt

import numpy as np
import pytest

from goldendome.physics.frames import geodetic_height_m
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.missile import design
from goldendome.threats.payload import DECOY, RV, BusSpec, dispense

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DEG = np.pi / 180
one_km = 1e3


@pytest.fixture(scope="module")
def flown():
    ln = BallisticLaunch("M", design("icbm-solid-3stage"), 39.66 * DEG, 124.71 * DEG, 47.61 * DEG, -122.33 * DEG)
    return fly_ballistic([ln], EPOCH)


def _pair(flown, beta):
    traj, s = flown
    return dispense(traj, s, [BusSpec(rvs=1, decoys=1, decoy_beta_kg_m2=beta)], EPOCH, [10_000.0])


def test_bus_releases_named_rvs_and_decoys(flown):
    traj, s = flown
    p = dispense(traj, s, [BusSpec(rvs=3, decoys=2)], EPOCH, [10_000.0])
    assert p.trajectory.names == ("M/RV2", "M/RV3", "M/D1", "M/D2")
    assert p.kind == (RV, RV, DECOY, DECOY)
    np.testing.assert_allclose(p.release_s, s.burnout_time_s[0] + 10.0 * np.arange(1, 5))
    assert dispense(traj, s, [BusSpec()], EPOCH, [10_000.0]) is None


def test_objects_fly_together_in_vacuum(flown):
    # a few m/s of separation over ~25 min of midcourse spreads the cloud over kilometres, not more: every object
    # follows the same gravity (bounded here by twice dv x time for the gravity-gradient stretch along the orbit)
    traj, s = flown
    p = dispense(traj, s, [BusSpec(rvs=2, decoys=3, separation_mps=5.0)], EPOCH, [10_000.0])
    t = s.t_launch_s[0] + s.flight_time_s[0] - 150.0  # still above the atmosphere
    r_rv, _ = traj.states_at(t)
    r_obj, _ = p.trajectory.states_at(t)
    sep = np.linalg.norm(r_obj - r_rv[0], axis=1)
    assert np.all(sep < 2 * 5.0 * (t - p.release_s) + 10 * one_km)
    assert np.all(sep > 1 * one_km)


def test_light_and_heavy_bodies_are_identical_until_the_air_sorts_them(flown):
    light = _pair(flown, 300.0).trajectory
    heavy = _pair(flown, 10_000.0).trajectory
    t = np.intersect1d(light.t_s, heavy.t_s)
    r_l = np.array([light.states_at(x)[0][0] for x in t])
    r_h = np.array([heavy.states_at(x)[0][0] for x in t])
    h = geodetic_height_m(r_h)
    gap = np.linalg.norm(r_l - r_h, axis=1)
    high = h > 120e3
    assert gap[high].max() < 50.0  # metres: the same flight while the air is thinner than ~1e-8 kg/m^3
    low = np.isfinite(gap) & (h < 40e3) & (h > 0)
    assert gap[low].max() > 5 * one_km  # a 300 kg/m^2 decoy lags kilometres behind a 10,000 kg/m^2 RV


def test_decoy_deceleration_peaks_at_the_allen_eggers_altitude(flown):
    # Allen & Eggers (NACA Report 1381, 1958): steep entry into an exponential atmosphere, peak deceleration at
    # h* = H ln(rho0 H / (beta sin gamma)); US76 between 20 and 50 km has H ~ 6.5-7.5 km, so +/- 4 km.
    p = _pair(flown, 300.0)
    tr = p.trajectory
    w = np.array([0.0, 0.0, 7.292115e-5])
    v_rel = tr.v_eci_mps - np.cross(w, tr.r_eci_m)
    speed = np.linalg.norm(v_rel, axis=1)
    h = geodetic_height_m(tr.r_eci_m)
    decel = -np.gradient(speed, tr.t_s)
    k_peak = int(np.nanargmax(np.where(h > 0, decel, -np.inf)))
    k_entry = int(np.flatnonzero(h < 100e3)[0])
    sin_g = -np.dot(v_rel[k_entry], tr.r_eci_m[k_entry] / np.linalg.norm(tr.r_eci_m[k_entry])) / speed[k_entry]
    big_h = 7.0e3
    h_star = big_h * np.log(1.225 * big_h / (300.0 * sin_g))
    assert h[k_peak] == pytest.approx(h_star, abs=4 * one_km)


def test_spec_is_plain_data():
    b = BusSpec(rvs=3, decoys=10)
    assert dataclasses.replace(b, decoys=0).decoys == 0


def test_scenario_mirvs_and_decoys_reach_the_results(tmp_path):
    import json

    import pyarrow.parquet as pq

    from goldendome.engine.trial import run_trial
    from goldendome.io.results import write_run
    from goldendome.scenario.loader import parse_scenario

    scn = parse_scenario(
        "name: mirv\nepoch: 2026-07-04T12:00:00Z\nthreats:\n  - {name: M, "
        "missile: icbm-liquid-2stage, launch: {name: sohae}, aim: {name: seattle}, rvs: 3, "
        "decoys: 2, decoy_beta_kg_m2: 50}\n"
    )
    res = run_trial(scn)
    write_run(res, tmp_path)
    table = pq.read_table(tmp_path / "trajectories.parquet")
    assert sorted(set(table.column("object").to_pylist())) == ["M", "M/D1", "M/D2", "M/RV2", "M/RV3"]
    released = json.loads((tmp_path / "summary.json").read_text())["released_objects"]
    assert [r["kind"] for r in released] == ["rv", "rv", "decoy", "decoy"]
    # light decoys reach the ground later than the RVs released just before them (drag)
    assert min(r["impact_s"] for r in released if r["kind"] == "decoy") > max(
        r["impact_s"] for r in released if r["kind"] == "rv"
    )
