"""Multi-satellite triangulation of bearings-only infrared detections: exact rays meet at the target, noisy ones
give a point whose covariance is consistent (NEES), and the reference-satellite association pairs the rays of
several boosters seen by three satellites without ghosts."""

import numpy as np
import pytest

from goldendome.sensors.space_ir import noisy_los
from goldendome.tracking.metrics import nees
from goldendome.tracking.triangulation import associate_and_triangulate, triangulate

R = 6_371e3
SATS = np.array([[R + 1000e3, 0.0, 0.0], [0.0, R + 1000e3, 0.0], [(R + 1000e3) * 0.7, (R + 1000e3) * 0.7, 2000e3]])


def _los(sats, target):
    d = target - sats
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def test_exact_rays_meet_at_the_target_and_the_residual_is_zero():
    target = np.array([R * 0.8, R * 0.6, 300e3])
    p, cov, res = triangulate(SATS, _los(SATS, target), 1e-5)
    np.testing.assert_allclose(p, target, atol=1e-3)
    assert res < 1e-12 and np.all(np.linalg.eigvalsh(cov) > 0)


def test_noisy_triangulation_is_consistent():
    rng = np.random.default_rng(2)
    target = np.array([R * 0.8, R * 0.6, 300e3])
    sigma = 50e-6  # 50 microradians
    errs, covs, resid = [], [], []
    for _ in range(2000):
        u = noisy_los(_los(SATS, target), sigma, rng)
        p, c, res = triangulate(SATS, u, sigma)
        errs.append(p - target)
        covs.append(c)
        resid.append(res)
    e = nees(np.array(errs), np.array(covs))
    assert e.mean() == pytest.approx(3.0, rel=0.08)  # chi-square, 3 dof
    assert np.mean(resid) == pytest.approx(2 * 3 - 3, rel=0.08)  # chi-square, 2k - 3 dof


def test_three_satellites_associate_five_boosters_without_ghosts():
    rng = np.random.default_rng(4)
    targets = np.array([[R * 0.8, R * 0.6, 100e3 * k] for k in range(5)]) + rng.normal(0, 50e3, (5, 3))
    sid, orig, los, truth = [], [], [], []
    for k, s in enumerate(SATS):
        order = rng.permutation(5)  # each satellite reports its detections in its own order
        u = noisy_los(_los(s[None].repeat(5, 0), targets[order]), 30e-6, rng)
        sid += [k] * 5
        orig.append(np.repeat(s[None], 5, 0))
        los.append(u)
        truth.append(order)
    pts, covs, rows = associate_and_triangulate(np.array(sid), np.vstack(orig), np.vstack(los), 30e-6)
    truth = np.concatenate(truth)
    assert len(pts) == 5
    for p, group in zip(pts, rows, strict=True):
        assert len(group) == 3 and len(set(truth[group])) == 1  # every ray of one booster
        assert np.linalg.norm(p - targets[truth[group[0]]]) < 2e3
    assert associate_and_triangulate(np.zeros(3), SATS, _los(SATS, targets[0]), 1e-5)[0].shape == (0, 3)
