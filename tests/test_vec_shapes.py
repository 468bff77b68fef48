"""The array convention (style.md): entities on the leading axes, components last. Every helper and frame
function accepts a single vector (3,), a batch (N, 3) and a time series (T, N, 3) -- and the matching scalar,
(N,) and (T, N) angles -- and gives the same numbers in every layout."""

import warnings

import numpy as np
import pytest

from goldendome.physics.constants import DEG
from goldendome.physics.frames import (
    azimuth_elevation_range,
    ecef_to_eci,
    ecef_to_geodetic,
    eci_to_ecef,
    eci_to_ecef_state,
    geodetic_height_m,
    geodetic_to_ecef,
    rot_ecef_to_enu,
    rot_eci_to_ecef,
)
from goldendome.physics.gravity import accel_gravity
from goldendome.physics.timescale import gmst_rad
from goldendome.physics.vec import cross, dot, mtxv, mxv, norm, unit

SAME = 1e-15
"""Relative tolerance for one computation in two batch layouts (einsum may sum in another order)."""

T, N = 4, 5
RNG = np.random.default_rng(42)
V_TN = RNG.normal(size=(T, N, 3)) * 7e6
W_TN = RNG.normal(size=(T, N, 3)) * 7e3
LEADING = [(), (N,), (T, N)]


def _take(a, lead):
    """The (T, N, ...) array cut down to a given leading shape."""
    if lead == ():
        return a[0, 0]
    if lead == (N,):
        return a[0]
    return a


@pytest.mark.parametrize("lead", LEADING, ids=["vector", "N", "TxN"])
def test_vector_helpers_keep_leading_shape(lead):
    v, w = _take(V_TN, lead), _take(W_TN, lead)
    assert np.shape(dot(v, w)) == lead
    assert np.shape(norm(v)) == lead
    assert np.shape(unit(v)) == lead + (3,)
    assert np.shape(cross(v, w)) == lead + (3,)
    np.testing.assert_allclose(dot(v, w), _take(np.sum(V_TN * W_TN, axis=-1), lead), rtol=SAME)
    np.testing.assert_allclose(norm(v), _take(np.linalg.norm(V_TN, axis=-1), lead), rtol=SAME)
    np.testing.assert_allclose(norm(unit(v)), 1.0, rtol=SAME)


@pytest.mark.parametrize("lead", LEADING, ids=["vector", "N", "TxN"])
def test_matrix_helpers_broadcast_a_single_matrix_or_a_stack(lead):
    v = _take(V_TN, lead)
    m = rot_eci_to_ecef(0.3)
    np.testing.assert_allclose(mxv(m, v), v @ m.T, rtol=SAME, atol=1e-8)
    np.testing.assert_allclose(mtxv(m, mxv(m, v)), v, rtol=0, atol=1e-8)
    stack = rot_eci_to_ecef(np.full(lead, 0.3))
    assert stack.shape == lead + (3, 3)
    np.testing.assert_allclose(mxv(stack, v), v @ m.T, rtol=SAME, atol=1e-8)


def test_unit_of_zero_vector_is_nan_without_warnings():
    v = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u = unit(v)
        u0 = unit(np.zeros(3))
    assert np.all(np.isnan(u[0]))
    np.testing.assert_allclose(u[1], [0.6, 0.0, 0.8], rtol=SAME)
    assert np.all(np.isnan(u0))


LAT_TN = RNG.uniform(-89.0, 89.0, (T, N)) * DEG
LON_TN = RNG.uniform(-180.0, 180.0, (T, N)) * DEG
H_TN = RNG.uniform(-1e3, 36_000e3, (T, N))


@pytest.mark.parametrize("lead", LEADING, ids=["scalar", "N", "TxN"])
def test_geodetic_functions_keep_leading_shape(lead):
    lat, lon, h = (_take(x, lead) for x in (LAT_TN, LON_TN, H_TN))
    r = geodetic_to_ecef(lat, lon, h)
    assert r.shape == lead + (3,)
    np.testing.assert_allclose(r, _take(geodetic_to_ecef(LAT_TN, LON_TN, H_TN), lead), rtol=SAME)
    lat2, lon2, h2 = ecef_to_geodetic(r)
    assert np.shape(lat2) == np.shape(lon2) == np.shape(h2) == lead
    np.testing.assert_allclose(h2, h, rtol=0.0, atol=1e-5)
    assert np.shape(geodetic_height_m(r)) == lead
    np.testing.assert_allclose(geodetic_height_m(r), h, rtol=0.0, atol=1e-5)
    assert rot_ecef_to_enu(lat, lon).shape == lead + (3, 3)


def test_geodetic_to_ecef_broadcasts_mixed_shapes():
    # a grid of latitudes (T, 1) against longitudes (N,) at one height
    lat = np.linspace(-80, 80, T)[:, None] * DEG
    lon = np.linspace(-170, 170, N) * DEG
    r = geodetic_to_ecef(lat, lon, 100e3)
    assert r.shape == (T, N, 3)
    np.testing.assert_allclose(geodetic_height_m(r), 100e3, rtol=0.0, atol=1e-6)


@pytest.mark.parametrize("lead", LEADING, ids=["scalar", "N", "TxN"])
def test_look_angles_keep_leading_shape(lead):
    target = _take(V_TN, lead)
    az, el, rng = azimuth_elevation_range(0.5, 1.0, 10.0, target)
    assert np.shape(az) == np.shape(el) == np.shape(rng) == lead


def test_earth_rotation_for_a_time_grid_broadcasts_over_satellites():
    # the rotation for T epochs is built once, shape (T, 3, 3); give the angles a satellite axis (T, 1) so the
    # matrices broadcast against positions (T, N, 3)
    theta = gmst_rad(2461041.5, np.linspace(0.0, 1.0, T))
    assert rot_eci_to_ecef(theta).shape == (T, 3, 3)
    r_ecef = eci_to_ecef(V_TN, theta[:, None])
    assert r_ecef.shape == (T, N, 3)
    for k in range(T):
        np.testing.assert_allclose(r_ecef[k], eci_to_ecef(V_TN[k], theta[k]), rtol=SAME, atol=1e-8)
    np.testing.assert_allclose(ecef_to_eci(r_ecef, theta[:, None]), V_TN, rtol=0.0, atol=1e-8)
    r2, v2 = eci_to_ecef_state(V_TN, W_TN, theta[:, None])
    assert r2.shape == v2.shape == (T, N, 3)


@pytest.mark.parametrize("lead", LEADING, ids=["vector", "N", "TxN"])
def test_gravity_keeps_leading_shape(lead):
    r = _take(V_TN, lead)
    assert accel_gravity(r).shape == lead + (3,)
