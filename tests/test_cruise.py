"""Cruise missiles: route geometry against closed forms (fillet turns), time over the route, level turns at the
load factor's radius, constant height, and routes that cannot be flown."""

import datetime as dt

import numpy as np
import pytest

from goldendome.physics.constants import DEG, G0_M_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef
from goldendome.physics.timescale import gmst_at
from goldendome.threats.cruise import CruiseMissile, RouteError, _unit, fly_cruise, route_polyline

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ROUTE = dict(
    waypoints_lat_rad=(60 * DEG, 62 * DEG, 64 * DEG, 63 * DEG),
    waypoints_lon_rad=(-170 * DEG, -160 * DEG, -165 * DEG, -150 * DEG),
)
one_m = 1.0


def _turns(m):
    p = _unit(np.array(m.waypoints_lat_rad), np.array(m.waypoints_lon_rad))
    legs = np.arccos(np.clip(np.sum(p[1:] * p[:-1], axis=1), -1, 1)) * R_EARTH_MEAN_M
    out = []
    for k in range(1, len(p) - 1):
        a, b, c = p[k - 1], p[k], p[k + 1]
        t_in = np.cross(np.cross(a, b), b)
        t_out = np.cross(np.cross(b, c), b)
        out.append(np.arccos(np.clip(t_in @ t_out / np.linalg.norm(t_in) / np.linalg.norm(t_out), -1, 1)))
    return legs, np.array(out)


def test_turn_radius_from_load_factor():
    # level turn: R = v^2 / (g sqrt(n^2 - 1)); 240 m/s at 2 g -> 3.39 km
    m = CruiseMissile("c", **ROUTE, speed_mps=240.0, max_load_factor=2.0)
    assert m.turn_radius_m == pytest.approx(240.0**2 / (G0_M_S2 * np.sqrt(3.0)), rel=1e-12)


def test_route_length_is_legs_minus_the_fillets():
    # each turn of heading change dpsi trades 2 R tan(dpsi/2) of straight legs for R dpsi of arc
    m = CruiseMissile("c", **ROUTE, speed_mps=240.0, max_load_factor=1.5)
    legs, turns = _turns(m)
    r = m.turn_radius_m
    expected = legs.sum() - np.sum(2 * r * np.tan(turns / 2) - r * turns)
    _, cum = route_polyline(m, arc_step_rad=0.05 * DEG)
    assert cum[-1] == pytest.approx(expected, abs=5 * one_m)


def test_time_over_route_and_constant_height():
    m = CruiseMissile("c", **ROUTE, speed_mps=240.0, altitude_m=50.0, t_launch_s=100.0)
    tr = fly_cruise([m], EPOCH)
    _, cum = route_polyline(m)
    # time over the route = flown length / speed; the flown length over the ellipsoid at 60-64 N is the sphere's
    # route stretched by the ellipsoid's radii of curvature (N ~ 6,394 km vs the mean 6,371 km: < 0.5 %)
    r = eci_to_ecef(tr.r_eci_m, gmst_at(EPOCH, tr.t_s))
    flown = np.sum(np.linalg.norm(np.diff(r, axis=0), axis=1))
    assert tr.t_s[-1] - tr.t_s[0] == pytest.approx(flown / 240.0, rel=1e-5)
    assert tr.t_s[-1] - tr.t_s[0] == pytest.approx(cum[-1] / 240.0, rel=5e-3)
    _, _, h = ecef_to_geodetic(r)
    np.testing.assert_allclose(h, 50.0, atol=1e-5)
    assert tr.phase[0] == 0 and tr.phase[-1] == 2


def test_turns_pull_the_load_factor():
    # lateral acceleration in the turn = v^2 / R = g sqrt(n^2 - 1) (Earth-fixed frame, second differences)
    m = CruiseMissile("c", **ROUTE, speed_mps=240.0, altitude_m=50.0, max_load_factor=3.0)
    tr = fly_cruise([m], EPOCH)
    r = eci_to_ecef(tr.r_eci_m, gmst_at(EPOCH, tr.t_s))[:-1]  # the last sample is the arrival, off the 1 s grid
    acc = np.linalg.norm(r[2:] - 2 * r[1:-1] + r[:-2], axis=1)  # dt = 1 s
    up = r[1:-1] / np.linalg.norm(r[1:-1], axis=1, keepdims=True)
    acc_h = np.linalg.norm(
        (r[2:] - 2 * r[1:-1] + r[:-2]) - np.sum((r[2:] - 2 * r[1:-1] + r[:-2]) * up, 1)[:, None] * up, axis=1
    )
    assert np.max(acc_h) == pytest.approx(G0_M_S2 * np.sqrt(8.0), rel=0.03)
    assert np.median(acc) < 0.1  # straight legs: only the gentle curvature of flight along the Earth


def test_routes_that_cannot_be_flown():
    with pytest.raises(RouteError, match="needs .* km of straight leg"):
        fly_cruise([CruiseMissile("c", (0.0, 0.0005, 0.0), (0.0, 0.0, 0.0005), max_load_factor=1.1)], EPOCH)
    with pytest.raises(RouteError, match="antipodal"):
        fly_cruise([CruiseMissile("c", (10 * DEG, -10 * DEG), (0.0, 180 * DEG))], EPOCH)
    with pytest.raises(RouteError, match="exceed 1 g"):
        fly_cruise([CruiseMissile("c", **ROUTE, max_load_factor=1.0)], EPOCH)
    with pytest.raises(RouteError, match="at least two waypoints"):
        fly_cruise([CruiseMissile("c", (0.0,), (0.0,))], EPOCH)


def test_catalogue_cruise_missiles_set_speed_height_and_range():
    from goldendome.engine.trial import run_trial
    from goldendome.scenario.loader import ScenarioError, parse_scenario
    from goldendome.threats.missile import cruise_design, load_cruise_missiles

    for d in load_cruise_missiles().values():
        assert d.sources and d.range_m > 0 and d.platforms
    text = """
name: cruise designs
epoch: 2026-07-04T12:00:00Z
threats:
  - {type: cruise, name: TLAM, missile: tomahawk-block-iv, launch: {lat_deg: 45.0, lon_deg: -135.0},
     aim: {name: seattle}}
  - {type: cruise, name: SS, missile: cruise-supersonic, launch: {lat_deg: 47.5, lon_deg: -126.0}, aim: {name: seattle}}
"""
    res = run_trial(parse_scenario(text))
    tlam, ss = cruise_design("tomahawk-block-iv"), cruise_design("cruise-supersonic")
    r = eci_to_ecef(res.cruise.r_eci_m, gmst_at(EPOCH, res.cruise.t_s))
    h = ecef_to_geodetic(r)[2]
    for k, d in enumerate((tlam, ss)):
        rows = res.cruise.object_id == k
        assert np.median(h[rows]) == pytest.approx(d.altitude_m, abs=1.0)
        speed = np.linalg.norm(np.diff(r[rows], axis=0), axis=1) / np.diff(res.cruise.t_s[rows])
        assert np.median(speed) == pytest.approx(d.speed_mps, rel=1e-3)
    # the supersonic missile crosses its ~270 km in under 5 min, the subsonic one its ~1,200 km in ~80 min
    t_end = [res.cruise.t_s[res.cruise.object_id == k].max() for k in (0, 1)]
    assert t_end[1] < 300.0 and 60 * 60 < t_end[0] < 100 * 60
    # beyond the range of the design, or from a platform that does not carry it: a plain message
    too_far = text.replace("lon_deg: -135.0", "lon_deg: -150.0").replace("lat_deg: 45.0", "lat_deg: 30.0")
    with pytest.raises(ScenarioError, match="TLAM.*beyond the missile's range of 1,600 km"):
        run_trial(parse_scenario(too_far))
    with pytest.raises(ScenarioError, match="tomahawk-block-iv is launched from sea"):
        parse_scenario(text.replace("missile: tomahawk-block-iv,", "missile: tomahawk-block-iv, platform: air,"))


def test_cruise_threats_in_a_scenario(tmp_path):
    import json

    import pyarrow.parquet as pq

    from goldendome.engine.trial import run_trial
    from goldendome.io.results import write_run
    from goldendome.scenario.loader import ScenarioError, parse_scenario

    text = """
name: cruise only
epoch: 2026-07-04T12:00:00Z
threats:
  - type: cruise
    name: CM
    launch: {lat_deg: 52.0, lon_deg: -140.0}
    waypoints: [{lat_deg: 49.0, lon_deg: -128.0}]
    aim: {name: seattle}
    speed_mps: 240
    altitude_m: 30
"""
    res = run_trial(parse_scenario(text))
    assert res.trajectory is None and res.cruise.names == ("CM",)
    write_run(res, tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    row = summary["cruise_missiles"][0]
    assert row["flight_time_min"] == pytest.approx(row["route_km"] * 1e3 / 240.0 / 60.0, rel=1e-9)
    assert set(pq.read_table(tmp_path / "trajectories.parquet").column("kind").to_pylist()) == {"cruise"}
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text.replace("speed_mps: 240", "speed_mps: 10"))
    assert any(m.startswith("threats[0].speed_mps") for m in exc.value.messages)
