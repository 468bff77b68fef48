"""Proportional-navigation end-game: a hit against a steady target, Zarchan's closed form for the acceleration that
zero-lag PN needs against a step manoeuvre, and misses that grow with the guidance lag."""

import numpy as np
import pytest

from goldendome.effectors.endgame import pn_engagement


def _head_on(n, heading_error_deg=5.0):
    # 10 km apart, closing at 3 km/s, the interceptor's velocity off the collision course by heading_error
    r = np.tile([10e3, 0.0, 0.0], (n, 1))
    he = np.radians(heading_error_deg)
    v = np.tile([-3000.0 * np.cos(he), 3000.0 * np.sin(he), 0.0], (n, 1))
    return r, v


def test_pn_hits_a_steady_target_despite_a_heading_error():
    r, v = _head_on(1)
    miss, t_ca, _ = pn_engagement(r, v, np.zeros((1, 3)), nav_ratio=4.0, max_accel=1e4)
    assert miss[0] < 0.5 and t_ca[0] == pytest.approx(10e3 / 3000.0, rel=0.02)


def test_zero_lag_pn_needs_n_over_n_minus_2_times_the_target_manoeuvre():
    # Zarchan (6th ed., ch. 2): against a target stepping into n_T at t = 0 with no heading error, zero-lag PN's
    # commanded acceleration grows to N' / (N' - 2) n_T at intercept, and it still hits
    n_t = 50.0
    r = np.tile([9e3, 0.0, 0.0], (3, 1))
    v = np.tile([-3000.0, 0.0, 0.0], (3, 1))
    for k, nav in enumerate((3.0, 4.0, 5.0)):
        miss, _, peak = pn_engagement(
            r[k : k + 1], v[k : k + 1], np.array([[0.0, n_t, 0.0]]), nav_ratio=nav, max_accel=1e4, dt_s=2e-4
        )
        assert miss[0] < 1.0
        assert peak[0] == pytest.approx(nav / (nav - 2.0) * n_t, rel=0.05)


def test_guidance_lag_and_saturation_cost_miss_distance():
    # a 10 g target manoeuvre half a second before intercept (1.5 km at 3 km/s): zero-lag PN still hits; a 0.3 s
    # lag (flight time under twice the lag) misses by metres, a 0.1 s lag by centimetres; a 6 g acceleration limit,
    # below the N'/(N'-2) x 10 g = 20 g it needs, misses by metres too
    r = np.array([[1500.0, 0.0, 0.0]])
    v = np.array([[-3000.0, 0.0, 0.0]])
    accel = np.array([[0.0, 100.0, 0.0]])
    miss = [pn_engagement(r, v, accel, nav_ratio=4.0, max_accel=1e4, tau_s=tau)[0][0] for tau in (0.0, 0.1, 0.3)]
    assert miss[0] < 1e-3 < miss[1] < 0.2 < 0.5 < miss[2]
    assert pn_engagement(r, v, accel, nav_ratio=4.0, max_accel=60.0)[0][0] > 3.0
