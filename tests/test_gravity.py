"""Gravity: point mass and J2 against their closed forms and against the gradient of the J2 potential."""

import numpy as np
import pytest

from goldendome.physics.constants import J2_EARTH, MU_EARTH_M3_S2, WGS84_A_M
from goldendome.physics.frames import rot_eci_to_ecef
from goldendome.physics.gravity import accel_gravity, accel_j2, accel_point_mass

MU, J2, R = MU_EARTH_M3_S2, J2_EARTH, WGS84_A_M
ROUNDING = 1e-14
"""Relative tolerance for one closed form evaluated in two algebraic arrangements."""


def _points(n=200, seed=11):
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=(n, 3))
    direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
    return direction * rng.uniform(R, 8 * R, n)[:, None]


def test_point_mass_magnitude_is_mu_over_r_squared_and_points_inward():
    # Newton: |a| = mu / r^2, directed to the centre
    r = _points()
    rn = np.linalg.norm(r, axis=-1)
    a = accel_point_mass(r)
    np.testing.assert_allclose(np.linalg.norm(a, axis=-1), MU / rn**2, rtol=ROUNDING, atol=0.0)
    np.testing.assert_allclose(np.sum(a * r, axis=-1) / (np.linalg.norm(a, axis=-1) * rn), -1.0, rtol=ROUNDING)


def test_surface_gravity_is_about_9_8():
    # mu / a^2 = 9.798 m/s^2 at the equator before rotation and J2 (TR8350.2: normal gravity 9.7803 with both)
    assert np.linalg.norm(accel_point_mass([R, 0.0, 0.0])) == pytest.approx(9.798, rel=1e-4, abs=0.0)


@pytest.mark.parametrize("r_over_R", [1.0, 1.08, 6.6])
def test_j2_on_equator_is_inward_three_halves_j2_mu_r2_over_r4(r_over_R):
    # Vallado 4th ed. eq. 8-30 at z = 0: a_J2 = -3/2 J2 mu R^2 / r^4 along r (the equatorial bulge pulls in)
    r = r_over_R * R
    for phi in (0.0, 1.0, 4.0):
        pos = np.array([r * np.cos(phi), r * np.sin(phi), 0.0])
        expected = -1.5 * J2 * MU * R**2 / r**4 * pos / r
        np.testing.assert_allclose(accel_j2(pos), expected, rtol=ROUNDING, atol=1e-20)


@pytest.mark.parametrize("r_over_R", [1.0, 1.08, 6.6])
def test_j2_on_pole_is_outward_three_j2_mu_r2_over_r4(r_over_R):
    # Vallado 4th ed. eq. 8-30 at x = y = 0: a_z = -3/2 J2 mu R^2 z / r^5 (3 - 5) = +3 J2 mu R^2 / r^4 (outward):
    # gravity at the pole is weaker than the point mass at the same distance
    r = r_over_R * R
    for sign in (1.0, -1.0):
        a = accel_j2([0.0, 0.0, sign * r])
        np.testing.assert_allclose(a, [0.0, 0.0, sign * 3.0 * J2 * MU * R**2 / r**4], rtol=ROUNDING, atol=1e-20)


def test_j2_is_about_a_thousandth_of_point_mass_at_surface():
    # 1.5 J2 = 1.6e-3 of mu/r^2 on the equator
    a_pm = np.linalg.norm(accel_point_mass([R, 0.0, 0.0]))
    a_j2 = np.linalg.norm(accel_j2([R, 0.0, 0.0]))
    assert a_j2 / a_pm == pytest.approx(1.5 * J2, rel=ROUNDING, abs=0.0)


def _j2_potential_energy(r):
    # potential energy per unit mass V = -mu/r [1 - J2 (R/r)^2 P2(z/r)] (the potential behind Vallado eq. 8-30);
    # its J2 part is +mu J2 R^2 P2(z/r) / r^3 with P2(x) = (3 x^2 - 1)/2, and a_J2 = -grad of it
    rn = np.linalg.norm(r, axis=-1)
    s = r[..., 2] / rn
    return MU * J2 * R**2 * 0.5 * (3 * s * s - 1) / rn**3


def test_j2_acceleration_is_negative_gradient_of_j2_potential():
    # central differences with h = 1 m: truncation ~ V'''h^2 ~ 1e-16 m/s^2; rounding ~ eps V / h ~ 1e-11 m/s^2,
    # against accelerations of 1e-4 .. 2e-2 m/s^2
    r = _points()
    h = 1.0
    grad = np.empty_like(r)
    for k in range(3):
        dr = np.zeros(3)
        dr[k] = h
        grad[:, k] = (_j2_potential_energy(r + dr) - _j2_potential_energy(r - dr)) / (2 * h)
    np.testing.assert_allclose(accel_j2(r), -grad, rtol=0.0, atol=1e-10)


def test_j2_commutes_with_rotation_about_spin_axis():
    # the J2 field is axially symmetric, so it works in ECI and ECEF alike
    r = _points(50)
    m = rot_eci_to_ecef(0.7)
    np.testing.assert_allclose(accel_j2(r @ m.T), accel_j2(r) @ m.T, rtol=0.0, atol=1e-18)


def test_total_gravity_is_point_mass_plus_j2():
    r = _points(20)
    np.testing.assert_allclose(accel_gravity(r), accel_point_mass(r) + accel_j2(r), rtol=0.0, atol=0.0)
    np.testing.assert_allclose(accel_gravity(r, j2=False), accel_point_mass(r), rtol=0.0, atol=0.0)
