"""Kepler orbits with J2 secular drift: closed forms, Vallado's examples, and the SGP4 peer.

The SGP4 comparisons build satellites with ``Satrec.sgp4init`` (WGS-72, no drag) so that SGP4's mean elements and
our elements describe the same orbit; the only differences left are SGP4's periodic terms, whose amplitudes are
written out below from Hoots & Roehrich (1980), *Spacetrack Report No. 3*, sec. 6 (SGP4), as coded in Vallado et
al. (2006), AIAA 2006-6753.
"""

import datetime as dt
import math

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from goldendome.physics.constants import DEG, J2_EARTH, MU_EARTH_M3_S2, SECONDS_PER_DAY, WGS84_A_M
from goldendome.physics.constellation import walker_delta
from goldendome.physics.kepler import (
    OrbitalElements,
    elements,
    elements_to_state,
    j2_secular_rates,
    mean_motion,
    period_s,
    propagate,
    propagate_state,
    solve_kepler,
    state_to_elements,
)
from goldendome.physics.timescale import julian_date
from goldendome.physics.tle import sgp4_positions, tle_to_elements

MU = MU_EARTH_M3_S2
one_um = 1e-6
one_mm = 1e-3
one_m = 1.0
one_km = 1e3
DEG_PER_DAY = DEG / SECONDS_PER_DAY
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SGP4_EPOCH_JD0 = 2433281.5
"""sgp4init counts epoch days from 1949 December 31 00:00 UT (Vallado et al. 2006, sgp4init 'epoch')."""
SGP4_MIN_ECCENTRICITY = 1e-6
"""SGP4 floors the eccentricity at 1e-6 (``if (em < 1.0e-6) em = 1.0e-6`` in sgp4), so an e = 0 satellite moves
on an orbit 1e-6 eccentric: up to a e radially and 2 a e along track."""


# ------------------------------------------------------------------------------------------- closed forms


def test_period_matches_kepler_third_law():
    a = np.array([6778e3, 7078e3, 26_560e3, 42_164e3])
    np.testing.assert_allclose(period_s(a), 2 * np.pi * np.sqrt(a**3 / MU), rtol=1e-15, atol=0.0)
    np.testing.assert_allclose(mean_motion(a), np.sqrt(MU / a**3), rtol=1e-15, atol=0.0)


def test_iss_like_orbit_period_is_92_6_minutes():
    # a = 6778 km (400 km altitude): 2 pi sqrt(a^3/mu) = 92.56 min, the ISS's familiar ~92.6 min
    assert period_s(6778e3) / 60 == pytest.approx(92.6, rel=0.0, abs=0.05)


def test_geostationary_period_is_one_sidereal_day():
    # the geostationary radius 42 164.17 km circles in one sidereal day, 86 164.09 s (Astronomical Almanac)
    assert period_s(42_164.17e3) == pytest.approx(86_164.09, rel=0.0, abs=1.0)


def test_solve_kepler_matches_vallado_example_2_1():
    # Vallado 4th ed., Example 2-1: M = 235.4 deg, e = 0.4 -> E = 220.512074767522 deg (printed to 12 decimals)
    assert solve_kepler(235.4 * DEG, 0.4) / DEG == pytest.approx(220.512074767522, rel=0.0, abs=1e-11)


def test_solve_kepler_satisfies_keplers_equation_up_to_e_0_99():
    m = np.linspace(-10.0, 10.0, 2001)[:, None]
    e = np.array([0.0, 1e-6, 0.1, 0.5, 0.7, 0.9, 0.97, 0.99])[None, :]
    ea = solve_kepler(m, e)
    assert not np.any(np.isnan(ea))
    residual = ea - e * np.sin(ea) - np.mod(m, 2 * np.pi)
    np.testing.assert_allclose(residual, 0.0, rtol=0.0, atol=1e-12)
    # e = 0: E = M
    np.testing.assert_allclose(ea[:, 0], np.mod(m[:, 0], 2 * np.pi), rtol=0.0, atol=1e-15)


def test_state_at_perigee_and_apogee_matches_conic_closed_forms():
    # perigee r_p = a(1 - e), speed sqrt(mu/a (1+e)/(1-e)); apogee r_a = a(1 + e), speed sqrt(mu/a (1-e)/(1+e));
    # with Omega = omega = i = 0 perigee lies on +x and the motion is along +y (Vallado 4th ed. sec. 2.3)
    a, e = 26_600e3, 0.7
    r, v = elements_to_state(a, e, 0.0, 0.0, 0.0, np.array([0.0, np.pi]))
    vp = np.sqrt(MU / a * (1 + e) / (1 - e))
    va = np.sqrt(MU / a * (1 - e) / (1 + e))
    np.testing.assert_allclose(r, [[a * (1 - e), 0, 0], [-a * (1 + e), 0, 0]], rtol=0.0, atol=one_um)
    np.testing.assert_allclose(v, [[0, vp, 0], [0, -va, 0]], rtol=1e-14, atol=1e-9)


def _random_elements(n=500, seed=5):
    rng = np.random.default_rng(seed)
    a = rng.uniform(6600e3, 45_000e3, n)
    e = np.minimum(rng.uniform(0.0, 0.9, n), 1.0 - 6500e3 / a)  # keep perigee above the ground
    i = rng.uniform(0.01, np.pi - 0.01, n)
    raan, argp, m = rng.uniform(0.0, 2 * np.pi, (3, n))
    return a, e, i, raan, argp, m


def test_states_obey_vis_viva_and_angular_momentum():
    # v^2 = mu (2/r - 1/a) (vis-viva) and |r x v| = sqrt(mu a (1 - e^2)), h along (sin i sin O, -sin i cos O, cos i)
    a, e, i, raan, argp, m = _random_elements()
    r, v = elements_to_state(a, e, i, raan, argp, m)
    rn = np.linalg.norm(r, axis=-1)
    np.testing.assert_allclose(np.sum(v * v, axis=-1), MU * (2 / rn - 1 / a), rtol=1e-13, atol=0.0)
    h = np.cross(r, v)
    np.testing.assert_allclose(np.linalg.norm(h, axis=-1), np.sqrt(MU * a * (1 - e * e)), rtol=1e-13, atol=0.0)
    h_dir = np.stack([np.sin(i) * np.sin(raan), -np.sin(i) * np.cos(raan), np.cos(i)], axis=-1)
    np.testing.assert_allclose(h / np.linalg.norm(h, axis=-1, keepdims=True), h_dir, rtol=0.0, atol=1e-14)


def test_state_to_elements_inverts_elements_to_state():
    a, e, i, raan, argp, m = _random_elements()
    e = np.maximum(e, 1e-3)  # angles well defined
    a2, e2, i2, raan2, argp2, m2 = state_to_elements(*elements_to_state(a, e, i, raan, argp, m))
    np.testing.assert_allclose(a2, a, rtol=1e-11, atol=0.0)
    np.testing.assert_allclose(e2, e, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(i2, i, rtol=0.0, atol=1e-12)
    for got, want in ((raan2, raan), (argp2, argp), (m2, m)):
        np.testing.assert_allclose(np.angle(np.exp(1j * (got - want))), 0.0, rtol=0.0, atol=1e-9)


@pytest.mark.parametrize(
    ("label", "e", "i_deg"),
    [
        ("circular inclined", 0.0, 53.0),
        ("near circular", 1e-9, 97.4),
        ("circular equatorial", 0.0, 0.0),
        ("eccentric equatorial", 0.3, 0.0),
        ("retrograde equatorial", 0.1, 180.0),
        ("molniya", 0.74, 63.4),
    ],
)
def test_state_to_elements_reproduces_position_for_degenerate_angles(label, e, i_deg):
    # where node or perigee are undefined only the position they jointly give is meaningful
    a = 7000e3 if e < 0.5 else 26_600e3
    r, v = elements_to_state(a, e, i_deg * DEG, 1.1, 2.2, np.linspace(0, 6, 13))
    a2, e2, i2, raan2, argp2, m2 = state_to_elements(r, v)
    np.testing.assert_allclose(a2, a, rtol=1e-11, atol=0.0)
    np.testing.assert_allclose(i2, i_deg * DEG, rtol=0.0, atol=1e-7)
    r2, v2 = elements_to_state(a2, e2, i2, raan2, argp2, m2)
    np.testing.assert_allclose(r2, r, rtol=0.0, atol=one_mm)
    np.testing.assert_allclose(v2, v, rtol=0.0, atol=1e-6)


# ----------------------------------------------------------------------------------------- J2 secular rates


def test_sun_synchronous_inclination_at_700_km_is_98_19_deg():
    # Sun-synchronous condition: the node advances 360 deg per tropical year of 365.2422 days = 0.98565 deg/day
    # (Vallado 4th ed. sec. 11.4.1; Wertz & Larson, SMAD 3rd ed. sec. 6.2); with dO/dt = -3/2 n J2 (R/p)^2 cos i
    # this sets cos i for a = 7078 km, circular: i = 98.19 deg, the tabulated value for 700 km.
    a = 7078e3
    rate = 2 * np.pi / (365.2422 * SECONDS_PER_DAY)
    cos_i = -rate / (1.5 * np.sqrt(MU / a**3) * J2_EARTH * (WGS84_A_M / a) ** 2)
    i = np.arccos(cos_i)
    assert i / DEG == pytest.approx(98.19, rel=0.0, abs=0.005)
    raan_dot, _, _ = j2_secular_rates(a, 0.0, i)
    assert raan_dot / DEG_PER_DAY == pytest.approx(0.9856, rel=0.0, abs=0.00005)


def test_nodal_regression_of_500_km_53_deg_orbit_matches_closed_form():
    # dO/dt = -3/2 n J2 (R/a)^2 cos i (Vallado 4th ed. eq. 9-41): -4.60 deg/day for a Starlink-like shell
    a, i = WGS84_A_M + 500e3, 53 * DEG
    expected = -1.5 * np.sqrt(MU / a**3) * J2_EARTH * (WGS84_A_M / a) ** 2 * np.cos(i)
    raan_dot, argp_dot, m_dot = j2_secular_rates(a, 0.0, i)
    assert raan_dot == pytest.approx(expected, rel=1e-15, abs=0.0)
    assert raan_dot / DEG_PER_DAY == pytest.approx(-4.60, rel=0.0, abs=0.005)
    # dw/dt = 3/4 n J2 (R/a)^2 (5 cos^2 i - 1), dM/dt = n [1 + 3/4 J2 (R/a)^2 (3 cos^2 i - 1)]
    n, k = np.sqrt(MU / a**3), J2_EARTH * (WGS84_A_M / a) ** 2
    assert argp_dot == pytest.approx(0.75 * n * k * (5 * np.cos(i) ** 2 - 1), rel=1e-14, abs=0.0)
    assert m_dot == pytest.approx(n * (1 + 0.75 * k * (3 * np.cos(i) ** 2 - 1)), rel=1e-15, abs=0.0)


def test_perigee_is_frozen_at_critical_inclination():
    # 5 cos^2 i - 1 = 0 at i = 63.435 deg (Molniya's inclination, Vallado 4th ed. sec. 9.6)
    _, argp_dot, _ = j2_secular_rates(26_600e3, 0.74, np.arccos(1 / np.sqrt(5)))
    assert argp_dot == pytest.approx(0.0, rel=0.0, abs=1e-22)


def test_secular_rates_agree_with_sgp4_to_its_higher_order_terms():
    # SGP4's nodedot/argpdot/mdot add J2^2 and J4 terms (Hoots & Roehrich 1980 eqs. for Omega-dot, omega-dot,
    # M-dot) to the first-order J2 rates; those are ~J2 = 1e-3 relative to the first-order part.
    sat = _sgp4_circular(500.0, 53.0)
    r_earth = sat.radiusearthkm * 1e3
    rd, ad, md = j2_secular_rates(sat.a * r_earth, sat.ecco, sat.inclo, mu=sat.mu * 1e9, j2=sat.j2, r_ref_m=r_earth)
    assert rd == pytest.approx(sat.nodedot / 60, rel=1e-3, abs=0.0)
    assert ad == pytest.approx(sat.argpdot / 60, rel=5e-3, abs=0.0)  # (5 cos^2 i - 1) is small at 53 deg
    assert md == pytest.approx(sat.mdot / 60, rel=1e-6, abs=0.0)


def test_propagated_positions_lie_in_the_regressing_plane():
    # every position lies in the plane of inclination i and node O0 + dO/dt t, normal
    # (sin i sin O, -sin i cos O, cos i); over 3 days the node moves 0.24 rad, i.e. ~1500 km out of the start plane
    el = elements(WGS84_A_M + 500e3, 0.0, 53 * DEG, 0.4, 0.0, 0.0)
    t = np.linspace(0.0, 3 * SECONDS_PER_DAY, 4001)
    r = propagate(el, t)[:, 0, :]
    node = 0.4 + el.raan_dot[0] * t
    si, ci = np.sin(53 * DEG), np.cos(53 * DEG)
    normal = np.stack([si * np.sin(node), -si * np.cos(node), np.full_like(t, ci)], axis=-1)
    np.testing.assert_allclose(np.sum(r * normal, axis=-1), 0.0, rtol=0.0, atol=one_mm)
    fixed_plane = np.array([si * np.sin(0.4), -si * np.cos(0.4), ci])
    assert np.abs(r @ fixed_plane).max() > 1000 * one_km


# ------------------------------------------------------------------------------------------------ propagation


def _molniya_like(n=40, seed=2):
    rng = np.random.default_rng(seed)
    return elements(
        26_600e3,
        rng.uniform(0.6, 0.74, n),
        63.4 * DEG,
        rng.uniform(0, 2 * np.pi, n),
        270 * DEG,
        rng.uniform(0, 2 * np.pi, n),
        t0_s=rng.uniform(-3600.0, 3600.0, n),
    )


def _near_circular(a_m, n=40, seed=4):
    rng = np.random.default_rng(seed)
    e = np.r_[1e-8, 1e-6, 1e-4, 1e-3, 5e-3, 9.9e-3, rng.uniform(0, 0.0099, n - 6)]
    return elements(
        a_m,
        e,
        rng.uniform(0, np.pi, n),
        rng.uniform(0, 2 * np.pi, n),
        rng.uniform(0, 2 * np.pi, n),
        rng.uniform(0, 2 * np.pi, n),
        t0_s=rng.uniform(-3600.0, 3600.0, n),
    )


def _with_eccentricity(e, n=24, seed=6):
    """n orbits of one eccentricity, perigee above 450 km, random angles and element epochs."""
    rng = np.random.default_rng(seed)
    a = (WGS84_A_M + 450e3) / (1.0 - e) + rng.uniform(0.0, 1000e3, n)
    return elements(
        a,
        e,
        rng.uniform(0, np.pi, n),
        rng.uniform(0, 2 * np.pi, n),
        rng.uniform(0, 2 * np.pi, n),
        rng.uniform(0, 2 * np.pi, n),
        t0_s=rng.uniform(-3600.0, 3600.0, n),
    )


def _two_body(el):
    """The same orbits without the J2 drift: then the conic's velocity is the time derivative of its position."""
    return elements(el.a_m, el.e, el.i_rad, el.raan_rad, el.argp_rad, el.m0_rad, el.t0_s, j2=False)


def _numpy_state(el, t):
    """Reference for the compiled kernel: numpy's elements_to_state (Newton on Kepler's equation per epoch,
    perifocal -> ECI, Vallado 4th ed. alg. 10 'COE2RV') on the elements drifted to each time; (T, N, 3) m, m/s."""
    dt = np.atleast_1d(np.asarray(t, float))[:, None] - el.t0_s
    return elements_to_state(
        el.a_m,
        el.e,
        el.i_rad,
        el.raan_rad + el.raan_dot * dt,
        el.argp_rad + el.argp_dot * dt,
        el.m0_rad + el.m_dot * dt,
    )


UNIFORM_DAY = np.arange(1440) * 60.0
NON_UNIFORM_DAY = np.sort(np.random.default_rng(9).uniform(0.0, SECONDS_PER_DAY, 700))
ORBITS = {
    "walker-leo": walker_delta(60, 6, 1, 500e3, 53 * DEG),
    "walker-polar-two-body": walker_delta(12, 3, 2, 1200e3, 97 * DEG, j2=False),
    "e0.001": _with_eccentricity(1e-3),
    "e0.3": _with_eccentricity(0.3),
    "molniya-e0.7": _molniya_like(),
    "near-circular-leo": _near_circular(WGS84_A_M + 550e3),
    "near-circular-geo": _near_circular(42_164e3),
}
STATE_CASES = {
    "circular": ORBITS["walker-leo"],
    "e0.001": ORBITS["e0.001"],
    "e0.3": ORBITS["e0.3"],
    "molniya-e0.7": ORBITS["molniya-e0.7"],
}
one_um_per_s = 1e-6


@pytest.mark.parametrize("t", [UNIFORM_DAY, NON_UNIFORM_DAY], ids=["uniform", "non-uniform"])
@pytest.mark.parametrize("el", ORBITS.values(), ids=ORBITS.keys())
def test_compiled_kernel_equals_numpy_elements_to_state(el, t):
    # two implementations of the same drifting conic: the compiled kernel (plane-rotation recurrences for
    # near-circular orbits on a uniform grid, Newton per epoch otherwise) against numpy's elements_to_state; they
    # may differ by the Kepler tolerance (1e-13 rad) and recurrence rounding, 1e-13 of 27 000 km = 3 um and of
    # 10 km/s = 1 nm/s. Near-circular orbits (e < 0.01) on a uniform grid use the 4th-order equation of the centre:
    # its O(e^5) remainder, < 2e-10 rad, is < 1 cm at GEO and, of a speed < 8 km/s, < 2 um/s
    r_ref, v_ref = _numpy_state(el, t)
    r_fast = propagate(el, t)
    r, v = propagate_state(el, t)
    assert r_fast.shape == r.shape == v.shape == (t.size, len(el), 3)
    np.testing.assert_array_equal(r, r_fast)  # one kernel: positions do not depend on asking for velocities
    series = bool(np.any((el.e > 1e-9) & (el.e < 0.01))) and t is UNIFORM_DAY
    np.testing.assert_allclose(r, r_ref, rtol=0.0, atol=10 * one_mm if series else one_um)
    np.testing.assert_allclose(v, v_ref, rtol=0.0, atol=10 * one_um_per_s if series else one_um_per_s / 100)


def test_single_epoch_and_single_satellite():
    el = elements(7000e3, 0.01, 0.5, 0.1, 0.2, 0.3)
    r_fast = propagate(el, 100.0)
    r, v = propagate_state(el, 100.0)
    r_ref, v_ref = _numpy_state(el, 100.0)
    assert r_fast.shape == r.shape == v.shape == (1, 1, 3)
    np.testing.assert_allclose(r_fast, r_ref, rtol=0.0, atol=one_um)
    np.testing.assert_allclose(v, v_ref, rtol=0.0, atol=one_um_per_s / 100)


@pytest.mark.parametrize("e", [0.0, 0.1, 0.7])
def test_two_body_satellite_returns_to_start_after_one_period(e):
    a = 6778e3 if e < 0.5 else 26_600e3
    el = elements(a, e, 51.6 * DEG, 0.3, 1.0, 2.0, j2=False)
    t = np.linspace(0.0, period_s(a), 97)
    r = propagate(el, t)
    np.testing.assert_allclose(r[-1], r[0], rtol=0.0, atol=one_um * 10)
    assert np.linalg.norm(r[48] - r[0]) > a  # and it went somewhere in between


H_S = 0.05
"""Central-difference half step h, s. Truncation h^2/6 |d^3r/dt^3|, with the jerk ~ 3 (mu/r^2)(v/r) < 0.04 m/s^3
at a Molniya perigee (6 900 km, 10 km/s), is < 2e-5 m/s; rounding eps r / 2h is < 1e-7 m/s at its 46 000 km
apogee. Re-anchoring the recurrences every 128 epochs moves a position by < 1e-13 rad x 7 000 km: < 1e-5 m/s over
2h."""
CENTRAL_DIFFERENCE_TOL = 1e-4  # m/s: the truncation and re-anchoring bounds above, with margin


@pytest.mark.parametrize("grid", ["uniform", "non-uniform"])
@pytest.mark.parametrize("el", STATE_CASES.values(), ids=STATE_CASES.keys())
def test_velocity_is_central_difference_of_two_body_positions(el, grid):
    # without J2 the conic does not turn, so its two-body velocity is exactly the time derivative of the position.
    # uniform: 301 epochs h apart (the recurrence path for e < 0.01, across two re-anchors); non-uniform: triplets
    # t_c - h, t_c, t_c + h at scattered t_c (the Kepler-solve path for every e)
    el = _two_body(el)
    if grid == "uniform":
        t = 3000.0 + H_S * np.arange(301)
        r, v = propagate_state(el, t)
        derivative, v = (r[2:] - r[:-2]) / (2 * H_S), v[1:-1]
    else:
        t_c = np.sort(np.random.default_rng(3).uniform(0.0, SECONDS_PER_DAY, 50))
        t = (t_c[:, None] + H_S * np.array([-1.0, 0.0, 1.0])).ravel()
        r, v = propagate_state(el, t)
        r, v = r.reshape(t_c.size, 3, len(el), 3), v.reshape(t_c.size, 3, len(el), 3)
        derivative, v = (r[:, 2] - r[:, 0]) / (2 * H_S), v[:, 1]
    np.testing.assert_allclose(v, derivative, rtol=0.0, atol=CENTRAL_DIFFERENCE_TOL)


def test_velocity_leaves_out_only_the_j2_drift_of_the_conic():
    # with J2 the position is R(node(t)) R(argp(t)) r_pf(M(t)): its time derivative is the two-body velocity scaled by
    # m_dot / n, plus the turning of the plane and of the perigee, |raan_dot| r and |argp_dot| r. Those are what the
    # documented two-body velocity neglects (~1e-3 of the speed in LEO): the difference stays within their sum
    el = ORBITS["walker-leo"]
    t = 3000.0 + H_S * np.arange(3)
    r, v = propagate_state(el, t)
    derivative = (r[2] - r[0]) / (2 * H_S)
    rn, vn = np.linalg.norm(r[1], axis=-1), np.linalg.norm(v[1], axis=-1)
    bound = np.abs(el.m_dot / mean_motion(el.a_m) - 1) * vn + (np.abs(el.raan_dot) + np.abs(el.argp_dot)) * rn
    gap = np.linalg.norm(derivative - v[1], axis=-1)
    assert np.all(gap <= bound + CENTRAL_DIFFERENCE_TOL)
    assert np.all(gap > 1e-5 * vn)  # and the drift is really there (1e-4 to 7e-4 of the speed here; 0 without J2)


@pytest.mark.parametrize("t", [UNIFORM_DAY, NON_UNIFORM_DAY], ids=["uniform", "non-uniform"])
@pytest.mark.parametrize("el", STATE_CASES.values(), ids=STATE_CASES.keys())
def test_state_keeps_the_conics_energy_and_angular_momentum(el, t):
    # vis-viva: v^2/2 - mu/r = -mu/(2a), and the conic's angular momentum |r x v| = sqrt(mu a (1 - e^2)), at
    # every epoch: J2 turns the conic but the velocity is its two-body one. Relative 1e-12: Kepler tolerance
    # 1e-13 rad and float rounding of r and v; the e < 0.01 series' O(e^5) remainder is 1e-15 at e = 1e-3
    r, v = propagate_state(el, t)
    rn = np.linalg.norm(r, axis=-1)
    energy = 0.5 * np.sum(v * v, axis=-1) - MU / rn
    np.testing.assert_allclose(energy, np.broadcast_to(-MU / (2 * el.a_m), energy.shape), rtol=1e-12, atol=0.0)
    h = np.linalg.norm(np.cross(r, v), axis=-1)
    h_ref = np.sqrt(MU * el.a_m * (1 - el.e**2))
    np.testing.assert_allclose(h, np.broadcast_to(h_ref, h.shape), rtol=1e-12, atol=0.0)


def test_element_epoch_offset_shifts_time():
    # a satellite whose elements are given at t0 is where a t0 = 0 copy is dt later
    base = elements(7000e3, 0.05, 1.0, 0.5, 0.7, 0.9)
    shifted = elements(7000e3, 0.05, 1.0, 0.5, 0.7, 0.9, t0_s=600.0)
    np.testing.assert_allclose(
        propagate(shifted, [600.0, 1200.0]), propagate(base, [0.0, 600.0]), rtol=0.0, atol=one_um
    )


def test_take_and_concatenate_keep_satellites():
    el = walker_delta(12, 3, 1, 550e3, 53 * DEG)
    parts = [el.take(slice(0, 5)), el.take(np.arange(5, 12))]
    joined = OrbitalElements.concatenate(parts)
    assert len(joined) == 12
    np.testing.assert_array_equal(propagate(joined, UNIFORM_DAY[:10]), propagate(el, UNIFORM_DAY[:10]))


# ------------------------------------------------------------------------------------------ SGP4 as the peer


def _sgp4_circular(alt_km, inc_deg, ecco=0.0, epoch=EPOCH):
    """A drag-free SGP4 satellite (WGS-72) on a near-circular orbit alt_km above SGP4's Earth radius."""
    jd, frac = julian_date(epoch)
    r_km, mu_km3 = 6378.135, 398600.8  # WGS-72 (sgp4.earth_gravity.wgs72)
    n_rad_min = math.sqrt(mu_km3 / (r_km + alt_km) ** 3) * 60.0
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", 1, (jd - SGP4_EPOCH_JD0) + frac, 0.0, 0.0, 0.0, ecco, 0.0, inc_deg * DEG, 0.0, n_rad_min, 0.0
    )
    return sat


def _sgp4_periodic_amplitude_m(sat):
    """Upper bound on |SGP4 - secular conic| for a near-circular SGP4 satellite: the sum of the amplitudes of
    SGP4's periodic terms (Hoots & Roehrich 1980, sec. 6), with p = a (1 - e^2), theta = cos i, lengths in Earth
    radii R:

    - J2 short-periodic radius:  3/4 J2 (R/p)^2 |3 theta^2 - 1| a   (constant offset of the osculating radius)
                               + 1/4 J2 R^2/p sin^2 i              (cos 2u)
    - J2 short-periodic angles:  1/8 J2 (R/p)^2 |7 theta^2 - 1|     (argument of latitude, sin 2u)
                               + 3/4 J2 (R/p)^2 |theta|            (node, sin 2u)
                               + 3/4 J2 (R/p)^2 |theta| sin i      (inclination, cos 2u), each times a
    - J3 long-periodic:          an eccentricity vector shift e3 = |J3/J2| R sin i / (2 p), i.e. up to 2 a e3
    - SGP4's eccentricity floor 1e-6: up to 2 a 1e-6.

    For 500 km at 53 deg: 0.42 + 1.02 + 1.23 + 2.89 + 2.31 + 11.94 + 0.01 = 19.8 km; of these the J3 term dominates
    (it is the frozen-orbit eccentricity), and the J2 terms alone sum to ~8 km, below 1.5 J2 R^2/a = 9.6 km.
    """
    r_earth = sat.radiusearthkm * 1e3
    a = sat.a * r_earth
    p = a * (1 - sat.ecco**2)
    c, s = math.cos(sat.inclo), math.sin(sat.inclo)
    k = sat.j2 * (r_earth / p) ** 2
    radial = 0.75 * k * abs(3 * c * c - 1) * a + 0.25 * sat.j2 * r_earth**2 / p * s * s
    angles = (0.125 * k * abs(7 * c * c - 1) + 0.75 * k * abs(c) + 0.75 * k * abs(c) * s) * a
    e3 = abs(sat.j3oj2) * (r_earth / p) * s / 2
    return radial + angles + 2 * a * e3 + 2 * a * SGP4_MIN_ECCENTRICITY


def test_equatorial_circular_orbit_differs_from_sgp4_by_its_radial_j2_offset():
    # At i = 0 the J3 terms vanish (sin i = 0) and SGP4's J2 short-periodic angle terms cancel (node +3/4 k sin 2u,
    # argument of latitude -3/4 k sin 2u), leaving its constant radius correction
    # r_SGP4 = r [1 - 3/4 J2 (R/p)^2 (3 cos^2 i - 1)] = a [1 - 3/2 J2 (R/a)^2] (Hoots & Roehrich 1980, r_k):
    # the 1.5 J2 R^2/a ~ 9.6 km by which a Brouwer mean radius exceeds the mean osculating radius.
    # Around it SGP4's eccentricity floor leaves a e_min radially and 2 a e_min along track.
    sat = _sgp4_circular(500.0, 0.0)
    t = UNIFORM_DAY
    r_sgp4 = sgp4_positions([sat], EPOCH, t)[0][:, 0, :]
    r_ours = propagate(tle_to_elements([sat], EPOCH), t)[:, 0, :]
    r_earth = sat.radiusearthkm * 1e3
    a = sat.a * r_earth
    offset = -1.5 * sat.j2 * (r_earth / a) ** 2 * a
    radial = np.linalg.norm(r_sgp4, axis=-1) - np.linalg.norm(r_ours, axis=-1)
    np.testing.assert_allclose(radial, offset, rtol=0.0, atol=a * SGP4_MIN_ECCENTRICITY + one_m)
    along = np.arctan2(np.cross(r_ours, r_sgp4)[:, 2], np.sum(r_ours * r_sgp4, axis=-1)) * a
    np.testing.assert_allclose(along, 0.0, rtol=0.0, atol=2 * a * SGP4_MIN_ECCENTRICITY + one_m)
    np.testing.assert_allclose(r_sgp4[:, 2], 0.0, rtol=0.0, atol=one_mm)


@pytest.mark.parametrize("inc_deg", [53.0, 97.4, 30.0])
def test_circular_leo_stays_within_sgp4_periodic_terms_for_a_day(inc_deg):
    # 500 km, 1440 one-minute epochs. A wrong rate would grow secularly: an error of 1e-6 in mean motion alone
    # builds up 2 pi 15.2 rev x 6878 km x 1e-6 = 0.66 km along track in a day, so the largest difference in the
    # last hour must equal that in the first hour within 0.1 km.
    sat = _sgp4_circular(500.0, inc_deg)
    t = UNIFORM_DAY
    r_sgp4, err = sgp4_positions([sat], EPOCH, t)
    assert not np.any(err)
    r_ours = propagate(tle_to_elements([sat], EPOCH), t)
    diff = np.linalg.norm(r_sgp4 - r_ours, axis=-1)[:, 0]
    assert diff.max() < _sgp4_periodic_amplitude_m(sat)
    first_hour, last_hour = diff[:60].max(), diff[-60:].max()
    assert last_hour == pytest.approx(first_hour, rel=0.0, abs=0.1 * one_km)


def test_sgp4_periodic_bound_for_53_deg_is_the_documented_19_8_km():
    # guards the arithmetic of the bound above against a silent change in sgp4's constants
    assert _sgp4_periodic_amplitude_m(_sgp4_circular(500.0, 53.0)) == pytest.approx(19.8 * one_km, rel=0.01, abs=0)
