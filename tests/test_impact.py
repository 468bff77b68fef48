"""Impact-point prediction from a partial track (the Iron Dome decision): accuracy, covariance consistency (NEES
against the chi-square law), and tracks that cannot be used."""

import datetime as dt

import numpy as np
import pytest

from goldendome.physics.frames import geodetic_to_ecef, rot_ecef_to_enu
from goldendome.physics.greatcircle import destination
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.impact import PredictionError, predict_impact_point
from goldendome.threats.missile import design

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DEG = np.pi / 180


@pytest.fixture(scope="module")
def rocket():
    lat, lon = destination(31.5 * DEG, 34.45 * DEG, 45 * DEG, 15e3 / 6371008.8)
    ln = BallisticLaunch("r", design("rocket-122mm"), 31.5 * DEG, 34.45 * DEG, float(lat), float(lon), shape="lofted")
    traj, s = fly_ballistic([ln], EPOCH, sample_dt_s=0.5)
    rows = traj.rows(0)
    t, r = traj.t_s[rows], traj.r_eci_m[rows]
    truth = geodetic_to_ecef(s.impact_lat_rad[0], s.impact_lon_rad[0], 0.0)
    return t, r, truth, s


def _error_en(p, truth):
    return (rot_ecef_to_enu(p.lat_rad, p.lon_rad) @ (geodetic_to_ecef(p.lat_rad, p.lon_rad, 0.0) - truth))[:2]


def test_noise_free_track_predicts_the_impact_exactly(rocket):
    # a track of the true flight (20 s after burnout, none of the descent) gives back the impact and beta
    t, r, truth, s = rocket
    sel = (t > 5) & (t < 25)
    p = predict_impact_point(t[sel], r[sel], EPOCH, sigma_m=1.0)
    assert np.linalg.norm(_error_en(p, truth)) < 5.0
    assert p.beta_kg_m2 == pytest.approx(design("rocket-122mm").rv_beta_kg_m2, rel=0.02)
    assert p.t_impact_s == pytest.approx(s.t_launch_s[0] + s.flight_time_s[0], abs=0.5)


def test_predicted_covariance_is_consistent(rocket):
    # NEES: with 10 m noise, e^T C^-1 e over 30 independent tracks averages the chi-square(2) mean of 2; the 95 %
    # band of a 30-sample mean is 2 +/- 2 sqrt(4/30) = [1.27, 2.73] (Bar-Shalom et al. 2001, sec. 5.4)
    t, r, truth, _ = rocket
    sel = (t > 5) & (t < 25)
    nees = []
    for seed in range(30):
        z = r[sel] + np.random.default_rng(seed).normal(0.0, 10.0, r[sel].shape)
        p = predict_impact_point(t[sel], z, EPOCH, sigma_m=10.0)
        e = _error_en(p, truth)
        nees.append(e @ np.linalg.solve(p.cov_en_m2, e))
        assert p.rms_residual_m == pytest.approx(10.0, rel=0.25)
    assert 1.27 < np.mean(nees) < 2.73


def test_unusable_tracks_are_refused(rocket):
    t, r, _, _ = rocket
    with pytest.raises(PredictionError, match="at least 4"):
        predict_impact_point(t[:3], r[:3], EPOCH)
    with pytest.raises(PredictionError, match="increase"):
        predict_impact_point(t[:6][::-1], r[:6], EPOCH)
    bad = r[:6].copy()
    bad[2, 0] = np.nan
    with pytest.raises(PredictionError, match="finite"):
        predict_impact_point(t[:6], bad, EPOCH)
