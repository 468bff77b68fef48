"""The powered ascent's delta-v budget and the pitch programme's second parameter.

The budget is exact bookkeeping of the integrator's own forces: along the velocity, d|v|/dt = (T/m) cos(alpha) -
D.v_hat/m + g.v_hat, so the speed gained over the burn equals the ideal gain (Tsiolkovsky's, the integral of T/m:
Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., eq. 4-19 and sec. 4.3 on the gravity and drag losses) less
the gravity, drag and steering (cosine) losses. What the trapezoids leave unexplained must be metres per second at
most.
"""

import datetime as dt
from functools import partial

import numpy as np
import pytest

from goldendome.physics.constants import DEG
from goldendome.physics.timescale import gmst_at
from goldendome.threats.flight import PITCH_EXPONENT, _best_pair, delta_v_budget, pitch_exponent
from goldendome.threats.guidance import build_plan
from goldendome.threats.missile import design

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
THETA = partial(gmst_at, EPOCH)
NAMES = ("icbm-solid-3stage", "icbm-liquid-2stage", "slbm-solid-2stage")


def _plan(names, pitch_deg, exponents=None):
    ds = [design(n) for n in names]
    plan = build_plan(ds, 39.03 * DEG, 125.75 * DEG, 0.0, 47.6 * DEG, -122.3 * DEG, 0.0, 0.0)
    plan.aim_downrange[:] = np.inf  # the full burn
    plan.pitch_final[:] = np.radians(pitch_deg)
    if exponents is not None:
        plan.pitch_exponent = np.asarray(exponents, float)
    return plan, ds


@pytest.mark.parametrize("fitted", [False, True])
def test_budget_closes_and_its_ideal_gain_is_tsiolkovskys(fitted):
    exponents = [pitch_exponent(design(n)) if fitted else PITCH_EXPONENT for n in NAMES]
    plan, ds = _plan(NAMES, [10.0, 15.0, 20.0], exponents)
    b = delta_v_budget(plan, THETA)
    ideal = np.array([d.ideal_delta_v_mps() for d in ds])
    np.testing.assert_allclose(b.ideal, ideal, rtol=1e-4)  # the full burn: all the propellant
    assert np.all(np.abs(b.closure) < 2.0)  # m/s of a ~7,000 m/s gain
    assert np.all(b.gravity > 0) and np.all(b.drag > 0) and np.all(b.steering >= 0)
    # the lift-off speed is the pad's rotation, ~360 m/s at 39 N
    assert np.all(np.abs(b.burnout_speed - b.gain - 465.1 * np.cos(39.03 * DEG)) < 5.0)


def test_thrust_cut_off_spends_less_than_the_ideal_gain():
    plan, ds = _plan(NAMES[:1], [10.0])
    full = delta_v_budget(plan, THETA)
    plan.aim_downrange[:] = 0.6  # cut off when the predicted impact is ~3,800 km downrange
    cut = delta_v_budget(plan, THETA)
    assert cut.burnout_time_s[0] < full.burnout_time_s[0]
    assert cut.ideal[0] < full.ideal[0]
    assert abs(cut.closure[0]) < 2.0


def test_the_fitted_programme_is_the_longest_range_exponent_and_loses_less():
    d = design("icbm-solid-3stage")
    q = pitch_exponent(d)
    assert 0.05 <= q <= 1.0
    # the fit is a maximum of the full-burn range: its neighbours (each with its own best final pitch) fly less far
    pf = np.radians(np.arange(-5.0, 70.01, 0.5))
    best = {}
    for qq in (q - 0.05, q, q + 0.05):
        best[qq] = _best_pair(d, np.full(pf.size, qq), pf)[1]
    plans = [_plan(NAMES[:1], [np.degrees(best[qq])], [qq])[0] for qq in best]
    budgets = [delta_v_budget(p, THETA) for p in plans]
    losses = [b.losses[0] for b in budgets]
    # the fitted exponent loses least of the three, and well under the one-parameter programme (q = 0.5) of
    # earlier versions
    assert losses[1] <= min(losses[0], losses[2]) + 20.0
    old = delta_v_budget(
        _plan(NAMES[:1], [np.degrees(_best_pair(d, np.full(pf.size, PITCH_EXPONENT), pf)[1])], [PITCH_EXPONENT])[0],
        THETA,
    )
    assert losses[1] < old.losses[0] - 200.0


def test_a_rail_rocket_flies_no_programme():
    assert pitch_exponent(design("rocket-122mm")) == PITCH_EXPONENT


def test_maximum_range_is_flown_at_the_best_pitch_and_shown_with_its_budget():
    from typer.testing import CliRunner

    from goldendome.cli.main import app
    from goldendome.threats.ballistic import maximum_range

    d = design("icbm-solid-3stage")
    catalogue, fitted = maximum_range(d, EPOCH, pitch_exponent=PITCH_EXPONENT), maximum_range(d, EPOCH)
    assert fitted.pitch_exponent == pitch_exponent(d)  # the simulator flies the design's own programme
    # the fitted programme loses less, so it flies farther on the same propellant
    assert fitted.budget.losses[0] < catalogue.budget.losses[0] - 200.0
    assert fitted.range_m > catalogue.range_m + 1_000e3
    for r in (catalogue, fitted):
        assert abs(r.budget.closure[0]) < 2.0
        assert r.budget.burnout_time_s[0] == pytest.approx(d.burn_time_s)  # a full burn
    res = CliRunner().invoke(app, ["threat", "show", "icbm-solid-3stage"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "maximum range, km" in res.output and "steering loss" in res.output
    assert f"{catalogue.range_m / 1e3:,.0f}" in res.output and f"{fitted.range_m / 1e3:,.0f}" in res.output
