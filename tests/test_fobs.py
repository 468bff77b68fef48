"""Fractional orbital bombardment: a circular low orbit (Kepler's period), a flight that lands on its aim, takes
less than a turn, and comes at North America from the south, where the northward-looking warning radars do not look.

Closed forms: circular speed sqrt(mu / r) and period 2 pi sqrt(a^3 / mu) (Bate, Mueller & White, *Fundamentals of
Astrodynamics*, 1971, sec. 1.7). Sites: Plesetsk 62.93 N 40.58 E; Washington 38.91 N 77.04 W; the BMEWS/UEWR
early-warning radars at Clear, Alaska (64.29 N 149.19 W) and Thule/Pituffik, Greenland (~76.57 N 68.30 W, rounded
public coordinates), taken as facing north (azimuth within 90 deg of north) with a 4,800 km reach (the public
figure for the BMEWS class, used here as the test's assumption). Clear alone never sees the Plesetsk-Washington
ICBM (it passes over Greenland, > 5,000 km from Alaska and below Clear's horizon); Thule does, ~20 min before
impact.
"""

import datetime as dt

import numpy as np
import pytest

from goldendome.physics.constants import DEG, MU_EARTH_M3_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import azimuth_elevation_range, ecef_to_geodetic, eci_to_ecef
from goldendome.physics.timescale import gmst_at
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.fobs import fly_fobs
from goldendome.threats.missile import design
from goldendome.threats.trajectory import BOOST, MIDCOURSE, TERMINAL

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PLESETSK = (62.93 * DEG, 40.58 * DEG)
WASHINGTON = (38.91 * DEG, -77.04 * DEG)
RADARS = {"Clear": (64.29 * DEG, -149.19 * DEG), "Thule": (76.57 * DEG, -68.30 * DEG)}
one_km = 1e3


@pytest.fixture(scope="module")
def fobs():
    return fly_fobs(
        "fobs",
        design("fobs-liquid-2stage"),
        *PLESETSK,
        *WASHINGTON,
        EPOCH,
        orbit_altitude_m=150e3,
        azimuth_guess_rad=np.pi,
    )


@pytest.fixture(scope="module")
def icbm():
    return fly_ballistic([BallisticLaunch("icbm", design("icbm-liquid-2stage"), *PLESETSK, *WASHINGTON)], EPOCH)


def _orbit_rows(traj, s):
    return (traj.t_s > s.circularise_time_s) & (traj.t_s < s.deorbit_time_s)


def test_orbit_is_circular_at_the_chosen_height_with_keplers_period(fobs):
    traj, s = fobs
    o = _orbit_rows(traj, s)
    rn = np.linalg.norm(traj.r_eci_m[o], axis=1)
    # the apogee the booster aims at is a vacuum Kepler one (cut-off at 150 km): J2 and drag on the climb move it
    assert s.orbit_altitude_m == pytest.approx(150 * one_km, abs=10 * one_km)
    # circular: the flown (J2, drag) radius stays within a few km of the circularisation radius
    r_c = R_EARTH_MEAN_M + s.orbit_altitude_m
    assert np.all(np.abs(rn - r_c) < 5 * one_km)
    # osculating perigee and apogee right after the burn (the first orbit sample, ~1 s on)
    r, v = traj.r_eci_m[o][0], traj.v_eci_mps[o][0]
    a = 1.0 / (2.0 / np.linalg.norm(r) - v @ v / MU_EARTH_M3_S2)
    e = np.linalg.norm(((v @ v - MU_EARTH_M3_S2 / np.linalg.norm(r)) * r - (r @ v) * v) / MU_EARTH_M3_S2)
    assert 2 * a * e < 5 * one_km  # apogee - perigee
    # period: the mean angular rate of the flown orbit against 2 pi sqrt(a^3 / mu) (J2 moves it by ~1e-3)
    u = traj.r_eci_m[o] / rn[:, None]
    swept = np.sum(np.arccos(np.clip(np.sum(u[1:] * u[:-1], 1), -1.0, 1.0)))
    period = 2 * np.pi * (traj.t_s[o][-1] - traj.t_s[o][0]) / swept
    assert period == pytest.approx(2 * np.pi * np.sqrt(rn.mean() ** 3 / MU_EARTH_M3_S2), rel=3e-3)
    assert s.orbit_period_s == pytest.approx(2 * np.pi * np.sqrt(r_c**3 / MU_EARTH_M3_S2), rel=1e-12)
    # a modest circularisation burn; the booster is cut off on the way up, low (the known difficulty)
    assert 0.0 < s.circularise_dv_mps < 150.0
    assert 50 * one_km < s.burnout_altitude_m < 120 * one_km


def test_lands_on_washington_from_plesetsk_the_long_way_round(fobs):
    traj, s = fobs
    assert s.miss_m < 10 * one_km
    lat, lon, h = ecef_to_geodetic(eci_to_ecef(traj.r_eci_m, gmst_at(EPOCH, traj.t_s)))
    # launched southwards (away from the ~330 deg azimuth of the ICBM over the pole) into a high-inclination orbit
    # that passes deep into the southern hemisphere before it comes north to the aim
    assert 90 * DEG < s.launch_azimuth_rad < 270 * DEG
    assert lat.min() < -55 * DEG
    k_imp = len(traj) - 1
    assert np.hypot(lat[k_imp] - WASHINGTON[0], (lon[k_imp] - WASHINGTON[1]) * np.cos(WASHINGTON[0])) < 0.1 * DEG
    # the clock and phases: boost, then coast (climb, orbit, de-orbit), then re-entry below 100 km
    assert np.all(np.diff(traj.t_s) > 0)
    assert traj.t_s[0] == 0.0 and traj.t_s[-1] == pytest.approx(s.impact_time_s)
    assert set(np.unique(traj.phase)) == {BOOST, MIDCOURSE, TERMINAL}
    assert np.all(np.diff(traj.phase) >= 0)
    assert np.all(traj.t_s[traj.phase == BOOST] < s.burnout_time_s + 1e-9)
    assert np.all(h[traj.phase == TERMINAL] < 101 * one_km)
    assert s.burnout_time_s < s.circularise_time_s < s.deorbit_time_s < s.impact_time_s


def test_flight_time_between_a_minimum_energy_icbm_and_one_turn(fobs, icbm):
    _, s = fobs
    _, si = icbm
    assert si.feasible[0] and si.miss_m[0] < 0.1 * one_km
    assert si.flight_time_s[0] < s.flight_time_s < s.orbit_period_s + s.burnout_time_s
    # less than one revolution in orbit between circularisation and de-orbit
    assert s.deorbit_time_s - s.circularise_time_s < s.orbit_period_s


def _warning_time(traj, t_impact, site):
    """Impact time minus the first time a north-facing radar (azimuth within 90 deg of north, elevation > 0,
    range < 4,800 km) sees the object; 0 if it never does."""
    r_e = eci_to_ecef(traj.r_eci_m, gmst_at(EPOCH, traj.t_s))
    az, el, rng = azimuth_elevation_range(site[0], site[1], 0.0, r_e)
    seen = (el > 0.0) & (np.cos(az) > 0.0) & (rng < 4800 * one_km)
    return t_impact - traj.t_s[np.argmax(seen)] if np.any(seen) else 0.0


def test_fobs_comes_from_the_south_under_the_northward_warning_radar(fobs, icbm):
    traj, s = fobs
    traj_i, si = icbm
    warn_fobs = {k: _warning_time(traj, s.impact_time_s, site) for k, site in RADARS.items()}
    warn_icbm = {k: _warning_time(traj_i, si.t_launch_s[0] + si.flight_time_s[0], site) for k, site in RADARS.items()}
    assert warn_icbm["Thule"] > 10 * 60.0  # the ICBM over the Arctic is seen well before impact
    assert max(warn_fobs.values()) < 0.5 * max(warn_icbm.values())


def test_fobs_with_a_glide_vehicle_glides_low_and_unseen(fobs):
    # the 2021 concept as reported (a FOBS releasing a hypersonic glider): the de-orbit comes earlier and the vehicle
    # spends tens of minutes gliding at 30-70 km instead of minutes re-entering; it lands on the aim, takes longer
    # than the re-entry vehicle, and the northward warning radars still do not see it
    traj_rv, s_rv = fobs
    traj, s = fly_fobs(
        "fobs-hgv",
        design("fobs-liquid-2stage"),
        *PLESETSK,
        *WASHINGTON,
        EPOCH,
        orbit_altitude_m=150e3,
        azimuth_guess_rad=np.pi,
        glide=(13000.0, 2.6),
    )
    assert s.miss_m < 500.0
    assert s.deorbit_time_s < s_rv.deorbit_time_s - 5 * 60.0 and s.flight_time_s > s_rv.flight_time_s
    h = ecef_to_geodetic(eci_to_ecef(traj.r_eci_m, gmst_at(EPOCH, traj.t_s)))[2]
    air = (traj.t_s > s.deorbit_time_s) & (h < 100 * one_km)
    h_rv = ecef_to_geodetic(eci_to_ecef(traj_rv.r_eci_m, gmst_at(EPOCH, traj_rv.t_s)))[2]
    air_rv = (traj_rv.t_s > s_rv.deorbit_time_s) & (h_rv < 100 * one_km)
    dt_s = np.median(np.diff(traj.t_s))
    assert air.sum() * dt_s > 3 * air_rv.sum() * np.median(np.diff(traj_rv.t_s))
    assert air.sum() * dt_s > 15 * 60.0 and 30 * one_km < np.median(h[air]) < 70 * one_km
    assert all(_warning_time(traj, s.impact_time_s, site) < 5 * 60.0 for site in RADARS.values())


def test_fobs_threats_in_a_scenario(tmp_path):
    import json

    import pyarrow.parquet as pq

    from goldendome.engine.trial import run_trial
    from goldendome.io.results import write_run
    from goldendome.scenario.loader import ScenarioError, parse_scenario

    text = (
        "name: fobs\nepoch: 2026-01-01T00:00:00Z\nthreats:\n"
        "  - {type: fobs, name: F, launch: {name: plesetsk}, aim: {name: washington}}\n"
    )
    write_run(run_trial(parse_scenario(text)), tmp_path)
    row = json.loads((tmp_path / "summary.json").read_text())["fractional_orbits"][0]
    assert row["miss_km"] < 1.0 and 140 < row["orbit_altitude_km"] < 170
    assert set(pq.read_table(tmp_path / "trajectories.parquet").column("kind").to_pylist()) == {"fobs"}
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text.replace("aim: {name: washington}", "aim: {name: washington}, orbit_altitude_km: 50"))
    assert any(m.startswith("threats[0].orbit_altitude_km") for m in exc.value.messages)
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text.replace("aim: {name: washington}", "aim: {name: washington}, reentry: parachute"))
    assert any(m.startswith("threats[0].reentry") for m in exc.value.messages)
