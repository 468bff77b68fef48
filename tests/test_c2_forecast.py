"""Battle-manager forecasts and engagement windows: the impact predicted from a track state against the flown
truth, its unscented covariance against a Monte Carlo of flown states, the course extrapolation of a manoeuvring
track against great-circle geometry, and the windows of every battery at once against the single-shot predicted
intercept of :mod:`goldendome.effectors.interceptors`."""

import datetime as dt
from functools import partial

import numpy as np
import pytest

from goldendome.c2.forecast import ballistic_forecast, heading_path, sigma_points
from goldendome.c2.windows import engagement_windows
from goldendome.effectors.interceptors import interceptor, predicted_intercept
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M
from goldendome.physics.frames import ecef_to_eci, ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef, rot_ecef_to_enu
from goldendome.physics.greatcircle import ground_range_m
from goldendome.physics.timescale import gmst_at
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.flight import coast_plan, fly
from goldendome.threats.missile import design

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ONE_KM = 1e3


@pytest.fixture(scope="module")
def icbm():
    d = design("icbm-solid-3stage")
    traj, s = fly_ballistic([BallisticLaunch("m", d, 39.66 * DEG, 124.71 * DEG, 47.61 * DEG, -122.33 * DEG)], EPOCH)
    return traj, d


def test_sigma_points_reproduce_mean_and_covariance():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(6, 6))
    p = a @ a.T + 6 * np.eye(6)
    x = rng.normal(size=6)
    s = sigma_points(x[None], p[None])[0]
    d = s - x
    assert np.allclose(s.mean(axis=0), x)
    assert np.allclose(d.T @ d / 12.0, p)  # the symmetric set's exact second moment (Julier & Uhlmann 2004)


def test_ballistic_forecast_lands_where_the_missile_lands(icbm):
    traj, d = icbm
    t = 900.0  # midcourse
    r, v = traj.states_at(t)
    p = np.diag([100.0**2] * 3 + [1.0] * 3)[None]
    fc = ballistic_forecast(np.concatenate([r, v], 1), p, t, EPOCH, beta_kg_m2=d.rv_beta_kg_m2)
    end = eci_to_ecef(traj.r_eci_m[-1], float(gmst_at(EPOCH, traj.t_s[-1])))
    lat, lon, _ = ecef_to_geodetic(end)
    assert fc.valid[0]
    # the same integrator from the same state: the impact agrees to a fraction of a kilometre
    assert ground_range_m(fc.lat_rad[0], fc.lon_rad[0], lat, lon) < 0.5 * ONE_KM
    assert fc.t_impact_s[0] == pytest.approx(traj.t_s[-1], abs=2.0)
    # the recorded path is the predicted flight, every PATH_DT_S, from now to the ground
    assert fc.path_t_s[0] == pytest.approx(t) and fc.path_t_s[-1] == pytest.approx(fc.t_impact_s[0])
    assert fc.path_alt_m[-1] < 100.0
    # the forecast flies the integrator's coarse steps: within metres of the fine ones from the same state
    fine = fly(
        coast_plan(np.array([t]), np.array([d.rv_beta_kg_m2])),
        partial(gmst_at, EPOCH),
        until="impact",
        y0_eci=np.concatenate([r, v], 1),
    )
    f_lat, f_lon, _ = ecef_to_geodetic(eci_to_ecef(fine.end_state[0, :3], float(gmst_at(EPOCH, t + fine.end_tau[0]))))
    assert ground_range_m(fc.lat_rad[0], fc.lon_rad[0], f_lat, f_lon) < 5.0


def test_unscented_impact_covariance_matches_monte_carlo_of_flown_states(icbm):
    # 400 states drawn from the track's covariance, each flown to the ground with drag: the spread of their
    # impacts is the truth the unscented (vacuum-conic) covariance must reproduce
    traj, d = icbm
    t = 900.0
    r, v = traj.states_at(t)
    x = np.concatenate([r, v], 1)[0]
    p = np.diag([300.0**2] * 3 + [3.0**2] * 3)
    fc = ballistic_forecast(x[None], p[None], t, EPOCH, beta_kg_m2=d.rv_beta_kg_m2)
    rng = np.random.default_rng(7)
    xs = rng.multivariate_normal(x, p, size=400)
    theta = partial(gmst_at, EPOCH)
    rec = fly(coast_plan(np.full(400, t), np.full(400, d.rv_beta_kg_m2)), theta, record=False, y0_eci=xs)
    pts = eci_to_ecef(rec.end_state[:, :3], theta(t + rec.end_tau))
    enu = rot_ecef_to_enu(fc.lat_rad[0], fc.lon_rad[0])
    en = (pts - pts.mean(axis=0)) @ enu.T
    mc = np.cov(en[:, :2].T)
    ut = fc.cov_en_m2[0]
    # the error ellipse's axes agree within the Monte Carlo's own sampling error (~7 % for 400 draws) plus a margin
    assert np.sqrt(np.linalg.eigvalsh(ut)) == pytest.approx(np.sqrt(np.linalg.eigvalsh(mc)), rel=0.15)


def test_heading_path_follows_the_great_circle_at_track_speed():
    # a cruise missile at 50 m over the equator at 0 E, flying due east at 250 m/s (Earth-fixed)
    t = 0.0
    theta = float(gmst_at(EPOCH, t))
    r = geodetic_to_ecef(0.0, 0.0, 50.0)
    v_ecef = np.array([0.0, 250.0, 0.0])
    omega = np.array([0.0, 0.0, 7.2921159e-5])
    r_eci = ecef_to_eci(r, theta)
    v_eci = ecef_to_eci(v_ecef + np.cross(omega, r), theta)
    fc = heading_path(np.concatenate([r_eci, v_eci])[None], np.eye(6)[None], t, EPOCH, horizon_s=1000.0)
    assert not fc.valid[0]
    lat, lon, h = ecef_to_geodetic(fc.path_ecef_m[-1])
    assert fc.path_t_s[-1] == pytest.approx(1000.0)
    assert np.degrees(lon) == pytest.approx(np.degrees(250e3 / R_EARTH_MEAN_M), rel=1e-3)
    assert abs(lat) < 1e-6 and h == pytest.approx(50.0, abs=1.0)


def test_windows_agree_with_the_single_shot_predicted_intercept(icbm):
    traj, d = icbm
    t = 700.0
    r, v = traj.states_at(t)
    fc = ballistic_forecast(np.concatenate([r, v], 1), np.eye(6)[None], t, EPOCH, beta_kg_m2=d.rv_beta_kg_m2)
    weapons = [interceptor("gbi"), interceptor("thaad"), interceptor("pac3-mse")]
    sites = np.array(
        [
            geodetic_to_ecef(64.0 * DEG, -145.7 * DEG, 0.0),
            geodetic_to_ecef(47.61 * DEG, -122.33 * DEG, 0.0),
            geodetic_to_ecef(0.0, 0.0, 0.0),
        ]
    )
    t_launch = np.array([720.0, 720.0, 720.0])
    win = engagement_windows(fc, sites, weapons, t_launch)
    for b in range(2):
        k, t_int, tf = predicted_intercept(
            weapons[b], sites[b], t_launch[b], fc.path_t_s, fc.path_ecef_m, fc.path_alt_m
        )
        assert k >= 0 and win.t_first_s[b, 0] == pytest.approx(t_int) and win.fly_out_s[b, 0] == pytest.approx(tf)
        assert win.t_last_s[b, 0] >= win.t_first_s[b, 0]
    # THAAD at the aim point: only the last minute, inside its 40-150 km band; a Patriot on the equator: none
    assert fc.t_impact_s[0] - win.t_first_s[1, 0] < 90.0
    assert np.isnan(win.t_first_s[2, 0]) and not win.open[2, 0]
