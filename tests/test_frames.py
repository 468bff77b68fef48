"""Frames: ECI <-> ECEF rotation, WGS-84 geodetic coordinates, local ENU look angles, and great circles."""

import numpy as np
import pytest
from scipy.integrate import quad

from goldendome.physics import greatcircle as gc
from goldendome.physics.constants import (
    DEG,
    OMEGA_EARTH_RAD_S,
    R_EARTH_MEAN_M,
    WGS84_A_M,
    WGS84_B_M,
    WGS84_E2,
)
from goldendome.physics.frames import (
    azimuth_elevation_range,
    ecef_to_eci,
    ecef_to_eci_state,
    ecef_to_geodetic,
    eci_to_ecef,
    eci_to_ecef_state,
    eci_to_ecef_with_height,
    geodetic_height_m,
    geodetic_to_ecef,
    rot_ecef_to_enu,
    rot_eci_to_ecef,
)

one_mm = 1e-3
one_um = 1e-6
one_km = 1e3
ANGLE_ROUNDING_RAD = 1e-14
"""A few ulps of an angle of order 1 rad."""


# --------------------------------------------------------------------------------------------- ECI <-> ECEF


def test_rotation_matrices_are_proper_orthonormal():
    theta = np.linspace(-7.0, 7.0, 101)
    m = rot_eci_to_ecef(theta)
    eye = np.broadcast_to(np.eye(3), m.shape)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), eye, rtol=0.0, atol=1e-15)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, rtol=0.0, atol=1e-15)


def test_rotation_is_r3_of_earth_angle():
    # R3(theta) (Vallado 4th ed. eq. 3-15): after the Earth turned 90 deg east, the vernal equinox direction
    # (ECI x) lies along ECEF -y, and ECI y along ECEF +x; the spin axis is unchanged.
    m = rot_eci_to_ecef(np.pi / 2)
    np.testing.assert_allclose(m @ [1.0, 0.0, 0.0], [0.0, -1.0, 0.0], rtol=0.0, atol=1e-16)
    np.testing.assert_allclose(m @ [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], rtol=0.0, atol=1e-16)
    np.testing.assert_allclose(m @ [0.0, 0.0, 1.0], [0.0, 0.0, 1.0], rtol=0.0, atol=0.0)


def test_ecef_to_eci_inverts_eci_to_ecef():
    rng = np.random.default_rng(7)
    r = rng.normal(size=(50, 3)) * 7e6
    theta = rng.uniform(0, 2 * np.pi, 50)
    np.testing.assert_allclose(ecef_to_eci(eci_to_ecef(r, theta), theta), r, rtol=0.0, atol=one_um)


def test_state_transform_conserves_radius_and_inverts():
    rng = np.random.default_rng(8)
    r = rng.normal(size=(50, 3)) * 7e6
    v = rng.normal(size=(50, 3)) * 7e3
    theta = rng.uniform(0, 2 * np.pi, 50)
    r_f, v_f = eci_to_ecef_state(r, v, theta)
    np.testing.assert_allclose(np.linalg.norm(r_f, axis=-1), np.linalg.norm(r, axis=-1), rtol=1e-15, atol=0.0)
    r_back, v_back = ecef_to_eci_state(r_f, v_f, theta)
    np.testing.assert_allclose(r_back, r, rtol=0.0, atol=one_um)
    np.testing.assert_allclose(v_back, v, rtol=0.0, atol=1e-9)


def test_point_fixed_on_earth_moves_at_omega_p_in_eci():
    # a point at rest on the Earth has ECI velocity omega x r, of speed omega * (distance from the axis)
    lat, lon = np.array([0.0, 35.0, -60.0, 89.0]) * DEG, np.array([0.0, 139.7, -70.0, 10.0]) * DEG
    r_ecef = geodetic_to_ecef(lat, lon, 0.0)
    theta = 1.234
    r_eci, v_eci = ecef_to_eci_state(r_ecef, np.zeros_like(r_ecef), theta)
    p = np.hypot(r_ecef[:, 0], r_ecef[:, 1])
    np.testing.assert_allclose(np.linalg.norm(v_eci, axis=-1), OMEGA_EARTH_RAD_S * p, rtol=1e-14, atol=0.0)
    # eastward: along z x r in ECI
    east = np.cross([0.0, 0.0, 1.0], r_eci)
    assert np.all(np.sum(v_eci * east, axis=-1) > 0.0)
    _, v_back = eci_to_ecef_state(r_eci, v_eci, theta)
    np.testing.assert_allclose(v_back, 0.0, rtol=0.0, atol=1e-12)


def test_ecef_velocity_is_time_derivative_of_ecef_position():
    # v_ECEF must equal d/dt [R(theta0 + omega t) r_ECI(t)]; central difference over +-0.1 s of a LEO
    # trajectory (third-derivative error ~ n^3 r h^2 / 6 ~ 2e-5 m/s)
    mu = 3.986004418e14
    r0 = 6878e3
    n = np.sqrt(mu / r0**3)

    def r_eci(t):
        return np.array([r0 * np.cos(n * t), r0 * np.sin(n * t) * np.cos(0.9), r0 * np.sin(n * t) * np.sin(0.9)])

    def theta(t):
        return 0.3 + OMEGA_EARTH_RAD_S * t

    t, h = 500.0, 0.1
    v = (r_eci(t + h) - r_eci(t - h)) / (2 * h)
    _, v_ecef = eci_to_ecef_state(r_eci(t), v, theta(t))
    fd = (eci_to_ecef(r_eci(t + h), theta(t + h)) - eci_to_ecef(r_eci(t - h), theta(t - h))) / (2 * h)
    np.testing.assert_allclose(v_ecef, fd, rtol=0.0, atol=1e-3)


# ------------------------------------------------------------------------------------------------ geodetic


def test_geodetic_matches_vallado_example_3_3():
    # Vallado 4th ed., Example 3-3: r_ECEF = [6524.834, 6862.875, 6448.296] km ->
    # geodetic latitude 34.352496 deg, longitude 46.4464 deg, height 5085.22 km
    lat, lon, h = ecef_to_geodetic(np.array([6524.834, 6862.875, 6448.296]) * one_km)
    printed_to_6_decimals = 1e-6
    assert lat / DEG == pytest.approx(34.352496, rel=0.0, abs=printed_to_6_decimals)
    assert lon / DEG == pytest.approx(46.4464, rel=0.0, abs=0.5e-4)
    assert h == pytest.approx(5085.22 * one_km, rel=0.0, abs=0.005 * one_km)


def test_equator_point_is_at_semi_major_axis():
    # WGS-84 a = 6378137 m (NIMA TR8350.2 Table 3.1)
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 0.0, 0.0), [WGS84_A_M, 0.0, 0.0], rtol=0.0, atol=0.0)
    lat, lon, h = ecef_to_geodetic(np.array([0.0, WGS84_A_M, 0.0]))
    assert (lat, lon / DEG, h) == (0.0, pytest.approx(90.0, rel=1e-15, abs=0.0), pytest.approx(0.0, abs=one_um))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_pole_is_at_semi_minor_axis(sign):
    # WGS-84 b = 6356752.3142 m (NIMA TR8350.2 Table 3.3)
    assert WGS84_B_M == pytest.approx(6356752.3142, rel=0.0, abs=one_mm)
    np.testing.assert_allclose(
        geodetic_to_ecef(sign * np.pi / 2, 0.0, 0.0), [0.0, 0.0, sign * WGS84_B_M], rtol=0.0, atol=one_um
    )
    for h in (-100 * one_km, -5 * one_km, 0.0, 500 * one_km, 35786 * one_km):
        lat, _, h_out = ecef_to_geodetic(np.array([0.0, 0.0, sign * (WGS84_B_M + h)]))
        assert lat == sign * np.pi / 2
        assert h_out == pytest.approx(h, rel=0.0, abs=one_um)
        assert geodetic_height_m(np.array([0.0, 0.0, sign * (WGS84_B_M + h)])) == pytest.approx(h, rel=0.0, abs=one_um)


def test_height_above_45_deg_follows_prime_vertical_closed_form():
    # r = ((N + h) cos lat, 0, (N (1 - e^2) + h) sin lat) with N = a / sqrt(1 - e^2 sin^2 lat)
    # (Vallado 4th ed. eq. 3-14); at 45 deg both components are (N + h)/sqrt(2) less e^2 N/sqrt(2) on z
    n = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 / 2.0)
    h = 1234.5
    r = geodetic_to_ecef(45 * DEG, 0.0, h)
    np.testing.assert_allclose(
        r, [(n + h) / np.sqrt(2), 0.0, (n * (1 - WGS84_E2) + h) / np.sqrt(2)], rtol=1e-15, atol=1e-9
    )


def _grid():
    lat = np.concatenate([[-90.0, -89.999], np.linspace(-85.0, 85.0, 35), [89.999, 90.0]]) * DEG
    lon = np.linspace(-180.0, 170.0, 36) * DEG
    h = np.array([-100e3, -5e3, 0.0, 400e3, 20_200e3, 35_786e3])
    return np.meshgrid(lat, lon, h, indexing="ij")


def test_geodetic_round_trip_over_globe_poles_geo_and_negative_heights():
    lat, lon, h = _grid()
    lat2, lon2, h2 = ecef_to_geodetic(geodetic_to_ecef(lat, lon, h))
    assert not np.any(np.isnan(lat2))
    # 1e-12 rad of latitude is 6 um on the ground; heights to a micrometre at GEO distance is 1e-13 relative
    np.testing.assert_allclose(lat2, lat, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(h2, h, rtol=0.0, atol=one_um * 10)
    off_pole = np.abs(lat) < 89.0 * DEG  # longitude is undefined on the axis
    dlon = np.angle(np.exp(1j * (lon2 - lon)))[off_pole]
    np.testing.assert_allclose(dlon, 0.0, rtol=0.0, atol=ANGLE_ROUNDING_RAD * 10)


def test_compiled_height_equals_ecef_to_geodetic_height():
    lat, lon, h = _grid()
    r = geodetic_to_ecef(lat, lon, h)
    np.testing.assert_allclose(geodetic_height_m(r), ecef_to_geodetic(r)[2], rtol=0.0, atol=one_um)


def test_height_is_independent_of_earth_rotation():
    # height depends only on distance from the spin axis and z, so ECI positions give the same height
    r = geodetic_to_ecef(np.array([10.0, -40.0, 70.0]) * DEG, np.array([5.0, 100.0, -150.0]) * DEG, 800e3)
    r_eci = ecef_to_eci(r, 2.1)
    np.testing.assert_allclose(geodetic_height_m(r_eci), 800e3, rtol=0.0, atol=one_um)


@pytest.mark.parametrize("n", [7, 60_000])  # the serial and the parallel build
def test_rotation_with_height_is_eci_to_ecef_then_geodetic_height_to_the_bit(n):
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-np.pi / 2, np.pi / 2, n), rng.uniform(-np.pi, np.pi, n)
    r_eci = geodetic_to_ecef(lat, lon, rng.uniform(0.0, 2000e3, n))
    theta = rng.uniform(0.0, 2.0 * np.pi, n)
    r_ecef, h = eci_to_ecef_with_height(r_eci, theta)
    expected = eci_to_ecef(r_eci, theta)
    assert np.array_equal(r_ecef, expected)
    assert np.array_equal(h, ecef_to_geodetic(expected)[2])


# ---------------------------------------------------------------------------------------------- look angles

SITE_LAT, SITE_LON, SITE_H = 40.0 * DEG, -100.0 * DEG, 300.0


def test_target_straight_up_has_elevation_90_and_range_equal_to_height_difference():
    target = geodetic_to_ecef(SITE_LAT, SITE_LON, SITE_H + 500e3)
    _, el, rng = azimuth_elevation_range(SITE_LAT, SITE_LON, SITE_H, target)
    assert el / DEG == pytest.approx(90.0, rel=0.0, abs=1e-6)
    assert rng == pytest.approx(500e3, rel=0.0, abs=one_um)


@pytest.mark.parametrize(("axis", "az_deg"), [(0, 90.0), (1, 0.0)])
def test_local_east_and_north_axes_have_azimuth_90_and_0(axis, az_deg):
    enu = rot_ecef_to_enu(SITE_LAT, SITE_LON)
    target = geodetic_to_ecef(SITE_LAT, SITE_LON, SITE_H) + 10e3 * enu[axis]
    az, el, rng = azimuth_elevation_range(SITE_LAT, SITE_LON, SITE_H, target)
    assert np.angle(np.exp(1j * (az - az_deg * DEG))) == pytest.approx(0.0, abs=1e-12)
    assert el == pytest.approx(0.0, abs=1e-12)
    assert rng == pytest.approx(10e3, rel=1e-12, abs=0.0)


def test_surface_point_due_north_has_azimuth_0_and_dips_half_the_arc():
    # a chord to a point dlat further along the meridian leaves the local horizontal at -dlat/2 (circle chord;
    # the ellipse's change of curvature over 11 m of arc is far below the tolerance)
    dlat = 1e-4
    az, el, _ = azimuth_elevation_range(SITE_LAT, SITE_LON, 0.0, geodetic_to_ecef(SITE_LAT + dlat, SITE_LON, 0.0))
    assert np.angle(np.exp(1j * az)) == pytest.approx(0.0, abs=1e-12)
    assert el == pytest.approx(-dlat / 2, rel=1e-4, abs=0.0)


def test_surface_point_due_east_has_azimuth_90_less_half_the_meridian_convergence():
    # along a parallel the chord turns poleward by half the meridian convergence dlon sin(lat)
    dlon = 1e-4
    az, _, _ = azimuth_elevation_range(SITE_LAT, SITE_LON, 0.0, geodetic_to_ecef(SITE_LAT, SITE_LON + dlon, 0.0))
    assert az == pytest.approx(np.pi / 2 - dlon * np.sin(SITE_LAT) / 2, rel=0.0, abs=1e-10)


def test_enu_rotation_is_orthonormal_and_up_is_ellipsoid_normal():
    lat, lon = np.array([-80.0, 0.0, 33.0]) * DEG, np.array([10.0, -75.0, 179.0]) * DEG
    m = rot_ecef_to_enu(lat, lon)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), np.broadcast_to(np.eye(3), m.shape), atol=1e-15)
    # up = d r / d h of geodetic_to_ecef (exact: r is linear in h)
    up = geodetic_to_ecef(lat, lon, 1.0) - geodetic_to_ecef(lat, lon, 0.0)
    np.testing.assert_allclose(m[:, 2, :], up, rtol=0.0, atol=1e-8)


# ---------------------------------------------------------------------------------------------- great circles


def test_quarter_meridian_is_quarter_circumference_of_mean_sphere():
    # pi/2 R1 with R1 = 6371.0088 km (Moritz, GRS 80)
    d = gc.ground_range_m(0.0, 0.3, np.pi / 2, 0.3)
    assert d == pytest.approx(np.pi / 2 * R_EARTH_MEAN_M, rel=1e-15, abs=0.0)


def test_quarter_meridian_within_module_claim_of_ellipsoid_arc():
    # The WGS-84 quarter meridian is the integral of the meridian radius of curvature
    # M = a (1 - e^2) / (1 - e^2 sin^2 lat)^(3/2) from 0 to 90 deg (Vallado 4th ed. eq. 3-12 family;
    # 10 001 965.729 m, the value tabulated e.g. in Wikipedia "Meridian arc"). The module's docstring promises
    # sphere-vs-ellipsoid agreement to ~0.5 %; along a meridian it is 0.06 %.
    meridian, _ = quad(
        lambda lat: WGS84_A_M * (1 - WGS84_E2) / (1 - WGS84_E2 * np.sin(lat) ** 2) ** 1.5,
        0.0,
        np.pi / 2,
        epsabs=0.0,
        epsrel=1e-13,
    )
    assert meridian == pytest.approx(10_001_965.729, rel=0.0, abs=one_mm)
    assert gc.ground_range_m(0.0, 0.0, np.pi / 2, 0.0) == pytest.approx(meridian, rel=1e-3, abs=0.0)


def test_initial_azimuth_along_equator_is_east_or_west_and_to_pole_is_north():
    assert gc.initial_azimuth(0.0, 0.0, 0.0, 0.2) / DEG == pytest.approx(90.0, rel=1e-15, abs=0.0)
    assert gc.initial_azimuth(0.0, 0.2, 0.0, 0.0) / DEG == pytest.approx(270.0, rel=1e-15, abs=0.0)
    # towards the pole: north, i.e. 0 -- or 2 pi, where rounding leaves the sine a hair below zero
    to_pole = gc.initial_azimuth(0.3, 1.0, np.pi / 2, 0.0)
    assert np.angle(np.exp(1j * to_pole)) == pytest.approx(0.0, abs=1e-15)


def test_central_angle_equals_arccos_of_unit_vector_dot_product():
    rng = np.random.default_rng(3)
    lat1, lat2 = rng.uniform(-1.5, 1.5, (2, 200))
    lon1, lon2 = rng.uniform(-np.pi, np.pi, (2, 200))
    cosang = np.sum(gc.unit_vector(lat1, lon1) * gc.unit_vector(lat2, lon2), axis=-1)
    np.testing.assert_allclose(np.cos(gc.central_angle(lat1, lon1, lat2, lon2)), cosang, rtol=0.0, atol=1e-14)


def test_destination_inverts_initial_azimuth_and_central_angle():
    rng = np.random.default_rng(4)
    lat1, lat2 = rng.uniform(-1.4, 1.4, (2, 200))
    lon1, lon2 = rng.uniform(-np.pi, np.pi, (2, 200))
    az = gc.initial_azimuth(lat1, lon1, lat2, lon2)
    ang = gc.central_angle(lat1, lon1, lat2, lon2)
    lat3, lon3 = gc.destination(lat1, lon1, az, ang)
    np.testing.assert_allclose(lat3, lat2, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(np.angle(np.exp(1j * (lon3 - lon2))), 0.0, rtol=0.0, atol=1e-12)
