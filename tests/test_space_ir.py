"""Space infrared sensors against closed-form geometry, a plain numpy reference, and sampling statistics.

Closed forms (Wertz & Larson, *Space Mission Analysis and Design*, 3rd ed., 1999, sec. 5.2): from radius r = R + h
the Earth's limb lies at nadir angle asin(R / r) and slant range sqrt(r^2 - R^2), and a cap of (1 - R/r) / 2 of the
sphere's area is in view. Noise: two independent N(0, sigma^2) angles give a Rayleigh error angle of RMS sigma sqrt(2).
In the equatorial plane the WGS-84 ellipsoid is a circle of radius a, so every closed form holds there with R = a.
"""

import datetime as dt
import math

import numpy as np
import pytest

from goldendome.physics.constants import DEG, MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, R_EARTH_MEAN_M, WGS84_A_M, WGS84_B_M
from goldendome.physics.constellation import Constellation
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef
from goldendome.physics.kepler import elements, period_s, propagate
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.presets import PRESETS, build_preset, geostationary_elements, geostationary_radius_m
from goldendome.sensors.space_ir import (
    BOOST_PHASE,
    Detections,
    IRSensor,
    area_grid_ecef,
    coverage_over_area,
    detect,
    detections_from_trajectory,
    earth_limb_nadir_angle_rad,
    horizon_range_m,
    los_covariance,
    max_gap_s,
    noisy_los,
    phase_at,
    plume_visible,
    stereo_fraction,
    time_to_first_detection_s,
    visibility_matrix,
    visible_count,
)
from goldendome.threats.trajectory import BOOST, MIDCOURSE, Trajectory

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LEO_H, GEO_H = 1_000e3, 35_786e3
TEN_METRES = 10.0
ONE_MICRORAD = 1e-6
WIDE = IRSensor("wide", for_half_angle_rad=80 * DEG, max_range_m=1e9, frame_s=10.0, sigma_rad=0.0)
EARTHS = [("sphere", R_EARTH_MEAN_M), ("wgs84", WGS84_A_M)]
"""Each Earth model and its radius in the equatorial plane, where the test geometry lives."""


def _equatorial_sat(radius, h):
    return np.array([[radius + h, 0.0, 0.0]])


def _ray(nadir_angle, sign=1.0):
    """Unit direction at a nadir angle from a satellite on +x, turning towards +y (equatorial plane)."""
    return np.array([-np.cos(nadir_angle), sign * np.sin(nadir_angle), 0.0])


# --- geometry closed forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("earth", "radius"), EARTHS)
@pytest.mark.parametrize("h", [LEO_H, GEO_H])
def test_limb_lies_at_nadir_angle_asin_r_over_r_plus_h(earth, radius, h):
    # SMAD sec. 5.2: the Earth's angular radius seen from r = R + h is asin(R / r). A plume far along a ray just
    # inside the limb is hidden behind the Earth; one just outside it is in view.
    s = _equatorial_sat(radius, h)
    limb = float(earth_limb_nadir_angle_rad(h, radius))
    far = 3.0 * float(horizon_range_m(h, radius))
    targets = np.stack([s[0] + far * _ray(limb - ONE_MICRORAD), s[0] + far * _ray(limb + ONE_MICRORAD)])
    assert visibility_matrix(s, targets, True, WIDE, earth).tolist() == [[False, True]]
    assert limb == pytest.approx(math.asin(radius / (radius + h)), rel=1e-15)


@pytest.mark.parametrize(("earth", "radius"), EARTHS)
def test_target_below_is_seen_and_the_far_side_is_occulted(earth, radius):
    s = _equatorial_sat(radius, LEO_H)
    below = [radius + 20e3, 0.0, 0.0]
    far_side_plume = [-(radius + 20e3), 0.0, 0.0]
    far_side_cold = [-(radius + 2_000e3), 0.0, 0.0]
    got = visibility_matrix(s, np.array([below, far_side_plume, far_side_cold]), [True, True, False], WIDE, earth)
    assert got.tolist() == [[True, False, False]]


@pytest.mark.parametrize(("earth", "radius"), EARTHS)
@pytest.mark.parametrize("where", [0.5, 2.0])
def test_cold_body_is_seen_only_above_the_grazing_layer(earth, radius, where):
    # a cold body needs the whole ray from the satellite through it to miss the Earth + grazing layer: rays whose
    # closest approach passes 10 m above / below R + h_graze, with the target before (0.5) or beyond (2.0) it
    sensor = IRSensor("cold", 89 * DEG, 1e9, 10.0, 0.0, graze_altitude_m=100e3)
    s = _equatorial_sat(radius, LEO_H)
    r_graze = radius + sensor.graze_altitude_m
    targets = []
    for rho in (r_graze + TEN_METRES, r_graze - TEN_METRES):
        eta = math.asin(rho / (radius + LEO_H))
        to_tangent = (radius + LEO_H) * math.cos(eta)
        targets.append(s[0] + where * to_tangent * _ray(eta))
    targets = np.array(targets)
    assert visibility_matrix(s, targets, False, sensor, earth).tolist() == [[True, False]]
    # the same bodies as plumes need only a clear segment: both are in view
    assert visibility_matrix(s, targets, True, sensor, earth).tolist() == [[True, True]]


@pytest.mark.parametrize(("earth", "radius"), EARTHS)
def test_horizon_range_is_sqrt_r2_minus_R2(earth, radius):
    # a plume 1 m above the tangent point is at slant range sqrt((R + h)^2 - R^2) (+ 0.1 mm)
    s = _equatorial_sat(radius, LEO_H)
    horizon = math.sqrt((radius + LEO_H) ** 2 - radius**2)
    gamma = math.acos(radius / (radius + LEO_H))
    tangent = (radius + 1.0) * np.array([[math.cos(gamma), math.sin(gamma), 0.0]])
    for max_range, seen in ((horizon + TEN_METRES, True), (horizon - TEN_METRES, False)):
        sensor = IRSensor("r", 80 * DEG, max_range, 10.0, 0.0)
        assert visibility_matrix(s, tangent, True, sensor, earth)[0, 0] == seen
    assert float(horizon_range_m(LEO_H, radius)) == pytest.approx(horizon, rel=1e-15)


@pytest.mark.parametrize("half_angle_deg", [20.0, 55.0, 120.0])
def test_field_of_regard_edge(half_angle_deg):
    # targets in free space along rays 1 urad inside / outside the cone about the nadir, at eight azimuths; the
    # 120 deg case looks above the local horizontal (cos < 0 branch of the kernel)
    fr = half_angle_deg * DEG
    sensor = IRSensor("for", fr, 1e9, 10.0, 0.0)
    s = np.array([[0.0, 0.0, WGS84_B_M + LEO_H]])  # over the pole: nadir is -z
    az = np.arange(8) * 45 * DEG
    targets, expect = [], []
    for eta, seen in ((fr - ONE_MICRORAD, True), (fr + ONE_MICRORAD, False)):
        d = np.stack([np.sin(eta) * np.cos(az), np.sin(eta) * np.sin(az), -np.cos(eta) * np.ones_like(az)], -1)
        targets.append(s[0] + 300e3 * d)
        expect += [seen] * az.size
    got = visibility_matrix(s, np.concatenate(targets), True, sensor)
    assert got[0].tolist() == expect


@pytest.mark.parametrize("earth", ["sphere", "wgs84"])
def test_plume_shows_only_in_boost_above_the_cloud_tops(earth):
    sensor = IRSensor("c", 60 * DEG, 1e9, 10.0, 0.0, cloud_top_m=12e3)
    lat, lon = 40 * DEG, 125 * DEG
    if earth == "wgs84":
        up = geodetic_to_ecef(lat, lon, 0.0)
        heights = np.array([12e3 - 100.0, 12e3 + 100.0, 50e3, 50e3])
        r = geodetic_to_ecef(lat, lon, heights)
        s = geodetic_to_ecef(lat, lon, LEO_H)[None]
    else:
        up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        heights = np.array([12e3 - 100.0, 12e3 + 100.0, 50e3, 50e3])
        r = (R_EARTH_MEAN_M + heights)[:, None] * up
        s = (R_EARTH_MEAN_M + LEO_H) * up[None]
    phase = np.array([BOOST, BOOST, BOOST, MIDCOURSE])
    hot = plume_visible(r, phase, sensor, earth)
    assert hot.tolist() == [False, True, True, False]
    # below the cloud tops, or after burnout below the grazing layer: nothing to see
    assert visibility_matrix(s, r, hot, sensor, earth)[0].tolist() == [False, True, True, False]
    assert not plume_visible(np.full((1, 3), np.nan), [BOOST], sensor, earth)[0]


def test_wgs84_sees_a_polar_plume_that_the_mean_sphere_buries():
    # the pole is 14.3 km inside the mean sphere (b = 6,356.75 km < R1 = 6,371.01 km, TR8350.2 / Moritz): a booster
    # 12 km over the pole is above 10-km cloud tops on the ellipsoid, underground on the sphere
    sensor = IRSensor("p", 60 * DEG, 1e9, 10.0, 0.0)
    r = geodetic_to_ecef(90 * DEG, 0.0, 12e3)[None]
    s = geodetic_to_ecef(70 * DEG, 0.0, LEO_H)[None]
    assert plume_visible(r, [BOOST], sensor, "wgs84").tolist() == [True]
    assert plume_visible(r, [BOOST], sensor, "sphere").tolist() == [False]
    assert visibility_matrix(s, r, True, sensor, "wgs84")[0, 0]
    assert not visibility_matrix(s, r, True, sensor, "sphere")[0, 0]


# --- kernels against a plain numpy implementation ---------------------------------------------------------------


def _reference(sats, tgts, hot, sensor, earth):
    """Straightforward geometry, one satellite at a time: range, nadir angle, closest approach in the frame where
    the surface to clear is a sphere (z stretched), clamped to the segment (plume) or the ray (cold body)."""
    h = sensor.graze_altitude_m
    if earth == "sphere":
        k_hard, r_hard, k_graze, r_graze = 1.0, R_EARTH_MEAN_M, 1.0, R_EARTH_MEAN_M + h
    else:
        k_hard, r_hard = WGS84_A_M / WGS84_B_M, WGS84_A_M
        k_graze, r_graze = (WGS84_A_M + h) / (WGS84_B_M + h), WGS84_A_M + h
    k = np.where(hot, k_hard, k_graze)
    radius = np.where(hot, r_hard, r_graze)
    stretch = np.stack([np.ones_like(k), np.ones_like(k), k], -1)
    out = np.zeros((len(sats), len(tgts)), dtype=bool)
    with np.errstate(invalid="ignore"):
        for i, s in enumerate(sats):
            d = tgts - s
            rng = np.linalg.norm(d, axis=1)
            cos_eta = d @ (-s / np.linalg.norm(s)) / rng
            sk, dk = s * stretch, d * stretch
            tau = -np.sum(sk * dk, axis=1) / np.sum(dk * dk, axis=1)
            tau = np.clip(tau, 0.0, np.where(hot, 1.0, np.inf))
            closest = np.linalg.norm(sk + tau[:, None] * dk, axis=1)
            out[i] = (
                (rng <= sensor.max_range_m) & (cos_eta >= math.cos(sensor.for_half_angle_rad)) & (closest >= radius)
            )
    return out


def _random_directions(rng, n):
    v = rng.standard_normal((n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("earth", ["sphere", "wgs84"])
@pytest.mark.parametrize("half_angle_deg", [62.0, 110.0])
def test_kernels_match_plain_numpy_on_random_cases(earth, half_angle_deg):
    rng = np.random.default_rng(20260101)
    sats = _random_directions(rng, 300) * (WGS84_A_M + rng.uniform(300e3, 40_000e3, 300))[:, None]
    tgts = _random_directions(rng, 500) * (WGS84_A_M + rng.uniform(0.0, 3_000e3, 500))[:, None]
    tgts[:20] = _random_directions(rng, 20) * (R_EARTH_MEAN_M + np.repeat([1.0, -1.0], 10))[:, None]  # near ground
    tgts[20:25] = np.nan  # objects not in flight
    hot = rng.random(500) < 0.5
    hot[:20] = True
    sensor = IRSensor("rand", half_angle_deg * DEG, 30_000e3, 1.0, 0.0, graze_altitude_m=80e3)
    expect = _reference(sats, tgts, hot, sensor, earth)
    got = visibility_matrix(sats, tgts, hot, sensor, earth)
    assert 0.1 < expect[:, hot].mean() < 0.5 and 0.1 < expect[:, ~hot].mean() < 0.5  # both outcomes well represented
    assert expect[:, :20].any() and not expect[:, 20:25].any()
    np.testing.assert_array_equal(got, expect)
    np.testing.assert_array_equal(visible_count(sats, tgts, hot, sensor, earth), expect.sum(axis=0))


# --- coverage ----------------------------------------------------------------------------------------------


def _geo(lon_deg):
    el = geostationary_elements(np.asarray(lon_deg, float) * DEG, EPOCH)
    return Constellation("geo", el, tuple(f"GEO{k}" for k in range(len(el))))


def test_geo_satellite_covers_its_subpoint_and_never_the_antipode():
    sensor = IRSensor("geo", 10 * DEG, 50_000e3, 10.0, 0.0)
    pts = area_grid_ecef([0.0], [75 * DEG, -105 * DEG], sensor.cloud_top_m)
    t = np.arange(0.0, 86_400.0 + 1.0, 3_600.0)
    cov = coverage_over_area(_geo([75.0]), sensor, pts, EPOCH, t)
    assert cov.counts[:, 0].tolist() == [1] * t.size
    assert cov.counts[:, 1].tolist() == [0] * t.size
    np.testing.assert_array_equal(cov.max_gap_s(), [0.0, 86_400.0])
    np.testing.assert_array_equal(cov.covered_fraction(), [1.0, 0.0])
    np.testing.assert_array_equal(cov.stereo_fraction(), [0.0, 0.0])


def test_two_geo_satellites_give_stereo_between_them():
    # sub-points 40 deg apart: the midpoint is 20 deg from each, inside the acos(R/r) = 81.3 deg visibility cap;
    # a point at 160 E is 160 and 120 deg from them, beyond both caps
    sensor = IRSensor("geo", 10 * DEG, 50_000e3, 10.0, 0.0)
    pts = area_grid_ecef([0.0], [20 * DEG, 160 * DEG], sensor.cloud_top_m)
    cov = coverage_over_area(_geo([0.0, 40.0]), sensor, pts, EPOCH, np.arange(0.0, 7_200.0, 600.0))
    np.testing.assert_array_equal(cov.stereo_fraction(), [1.0, 0.0])
    np.testing.assert_array_equal(cov.counts[0], [2, 0])


def _fibonacci_sphere(n):
    """n nearly uniform unit vectors (Gonzalez 2010, Math. Geosci. 42, 49: the Fibonacci lattice)."""
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    phi = np.pi * (1.0 + 5.0**0.5) * k
    rho = np.sqrt(1.0 - z * z)
    return np.stack([rho * np.cos(phi), rho * np.sin(phi), z], -1)


def test_geo_sees_the_cap_fraction_of_the_earth():
    # SMAD sec. 5.2: the visible cap is (1 - R/r)/2 of the sphere, 42.4% from GEO. 20,000 lattice points: the
    # boundary ring of cells puts the sampled fraction within ~1e-3
    r_geo = geostationary_radius_m()
    s = r_geo * np.array([[np.cos(0.4) * np.cos(1.1), np.cos(0.4) * np.sin(1.1), np.sin(0.4)]])
    surface = _fibonacci_sphere(20_000) * R_EARTH_MEAN_M
    sensor = IRSensor("geo", 20 * DEG, 1e9, 10.0, 0.0)
    fraction = visible_count(s, surface, True, sensor, "sphere").mean()
    assert fraction == pytest.approx((1.0 - R_EARTH_MEAN_M / r_geo) / 2.0, abs=1e-3)
    assert (1.0 - R_EARTH_MEAN_M / r_geo) / 2.0 == pytest.approx(0.424, abs=5e-4)


def test_max_gap_follows_the_midpoint_rule():
    # samples every 10 s: a run of three blind samples between seen ones spans 30 s (midpoint to midpoint); the
    # trailing run of two ends at the window's end: 10 + 5 s
    t = np.arange(8) * 10.0
    counts = np.array([[1, 0, 0, 0, 1, 1, 0, 0], [0] * 8, [3] * 8, [1, 0, 1, 0, 1, 0, 1, 0]]).T
    np.testing.assert_allclose(max_gap_s(counts, t), [30.0, 70.0, 0.0, 10.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(stereo_fraction(counts), [0.0, 0.0, 1.0, 0.0], rtol=0, atol=0)


# --- detections --------------------------------------------------------------------------------------------


def test_noisy_los_has_the_stated_statistics():
    # 10^5 draws: the per-axis error perpendicular to the LOS has std sigma, the error angle RMS sigma sqrt(2)
    # (Rayleigh); sampling error of a std from 1e5 draws is 0.2%, so 3% is a generous bound
    rng = np.random.default_rng(5)
    sigma = 1e-4
    u = _random_directions(rng, 100_000)
    v = noisy_los(u, sigma, rng)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=0, atol=1e-15)
    angle = np.arctan2(np.linalg.norm(np.cross(u, v), axis=1), np.sum(u * v, axis=1))
    assert np.sqrt(np.mean(angle**2)) == pytest.approx(sigma * math.sqrt(2.0), rel=0.03)
    e1 = np.cross(u, _random_directions(rng, u.shape[0]))
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(u, e1)
    for e in (e1, e2):
        err = np.sum((v - u) * e, axis=1)
        assert err.std() == pytest.approx(sigma, rel=0.03)
        assert abs(err.mean()) < 5 * sigma / math.sqrt(u.shape[0])
    cov = los_covariance(v[:100], sigma)
    np.testing.assert_allclose(np.einsum("nij,nj->ni", cov, v[:100]), 0.0, rtol=0, atol=1e-22)
    np.testing.assert_allclose(np.trace(cov, axis1=1, axis2=2), 2 * sigma**2, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(cov, np.swapaxes(cov, 1, 2))


def _climb(launch_s, speed_mps, direction, base_radius, t_end=300.0, phase=BOOST, name="booster"):
    """A straight radial climb at constant speed from the surface, sampled each second (exact for Hermite)."""
    t = np.arange(launch_s, t_end + 0.5, 1.0)
    r = (base_radius + speed_mps * (t - launch_s))[:, None] * direction
    v = np.broadcast_to(speed_mps * direction, r.shape).copy()
    return Trajectory(np.zeros(t.size, dtype=np.int64), t, r, v, np.full(t.size, phase, dtype=np.int8), (name,))


def _geo_direction(lon_deg):
    """ECI unit vector of a GEO slot's sub-point direction at the epoch."""
    ra = lon_deg * DEG + float(gmst_at(EPOCH, 0.0))
    return np.array([np.cos(ra), np.sin(ra), 0.0])


@pytest.mark.parametrize(("earth", "radius"), EARTHS)
def test_first_detection_waits_for_the_cloud_tops(earth, radius):
    # launched at t = 3 s, climbing 100 m/s: above 10 km from t = 103 s; looks every 10 s from the epoch, so the
    # first look that sees it is t = 110 s, 107 s after launch. A single satellite never gives stereo.
    sensor = IRSensor("geo", 10 * DEG, 50_000e3, 10.0, 0.0, cloud_top_m=10e3)
    traj = _climb(3.0, 100.0, _geo_direction(75.0), radius)
    geo = _geo([75.0])
    np.testing.assert_allclose(time_to_first_detection_s(traj, geo, sensor, earth=earth), [107.0], rtol=0, atol=0)
    assert np.isnan(time_to_first_detection_s(traj, geo, sensor, min_sensors=2, earth=earth)).all()
    both = time_to_first_detection_s(traj, geo, sensor, min_sensors=(1, 2), earth=earth)  # one pass, (2, N)
    assert both.shape == (2, 1) and both[0, 0] == 107.0 and np.isnan(both[1, 0])
    det = detections_from_trajectory(traj, geo, sensor, np.random.default_rng(0), earth=earth)
    assert det.t_s[0] == 110.0
    assert det.plume.all()
    np.testing.assert_array_equal(det.t_s, np.arange(110.0, 301.0, 10.0))


def test_same_seed_gives_the_same_detections():
    constellation, sensor = build_preset("sda-t1-tracking", EPOCH)
    sensor = IRSensor(**{**sensor.__dict__, "pd": 0.8})
    launch_dir = geodetic_to_ecef(40 * DEG, 125 * DEG, 0.0)
    launch_dir = launch_dir / np.linalg.norm(launch_dir)
    traj = Trajectory.concatenate(
        [
            _climb(0.0, 1_000.0, launch_dir, R_EARTH_MEAN_M, t_end=600.0, name="a"),
            _climb(5.0, 800.0, -launch_dir, R_EARTH_MEAN_M, t_end=600.0, name="b"),
        ]
    )
    runs = [detections_from_trajectory(traj, constellation, sensor, np.random.default_rng(s)) for s in (11, 11, 12)]
    assert len(runs[0]) > 100
    for name in Detections.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(runs[0], name), getattr(runs[1], name))
    assert len(runs[0]) != len(runs[2]) or not np.array_equal(runs[0].los_eci, runs[2].los_eci)
    d = runs[0]
    np.testing.assert_allclose(np.linalg.norm(d.los_eci, axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.einsum("nij,nj->ni", d.cov_eci, d.los_eci), 0.0, rtol=0, atol=1e-20)
    assert np.all(np.diff(d.t_s) >= 0)
    assert set(np.unique(d.target_id)) <= {0, 1}
    # the measured LOS points from the recorded sensor position to the truth within a few sigma
    truth = np.stack([traj.states_at(t)[0][k] for t, k in zip(d.t_s, d.target_id, strict=True)])
    u_true = truth - d.r_sensor_eci_m
    u_true /= np.linalg.norm(u_true, axis=1, keepdims=True)
    err = np.arccos(np.clip(np.sum(u_true * d.los_eci, axis=1), -1, 1))
    assert err.max() < 6 * sensor.sigma_rad


def test_empty_inputs_give_empty_results():
    sensor = WIDE
    sats, tgts = np.zeros((0, 3)), np.zeros((0, 3))
    one = np.array([[WGS84_A_M + LEO_H, 0.0, 0.0]])
    assert visibility_matrix(sats, one, True, sensor).shape == (0, 1)
    assert visibility_matrix(one, tgts, True, sensor).shape == (1, 0)
    assert visible_count(sats, one, True, sensor).tolist() == [0]
    assert visible_count(one, tgts, True, sensor).shape == (0,)
    assert len(detect(sats, one, True, sensor, 0.0, np.random.default_rng(0))) == 0
    assert len(detect(one, tgts, [], sensor, 0.0, np.random.default_rng(0))) == 0
    nobody = Constellation("none", elements(np.zeros(0), 0.0, 0.0, 0.0, 0.0, 0.0), ())
    traj = _climb(0.0, 100.0, np.array([1.0, 0.0, 0.0]), R_EARTH_MEAN_M, t_end=60.0)
    assert len(detections_from_trajectory(traj, nobody, sensor, np.random.default_rng(0))) == 0
    no_objects = Trajectory(
        np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0, np.int8), ()
    )
    d = detections_from_trajectory(no_objects, _geo([0.0]), sensor, np.random.default_rng(0))
    assert len(d) == 0 and d.los_eci.shape == (0, 3) and d.cov_eci.shape == (0, 3, 3)
    assert time_to_first_detection_s(no_objects, _geo([0.0]), sensor).shape == (0,)
    cov = coverage_over_area(nobody, sensor, np.zeros((0, 3)), EPOCH, [0.0, 60.0])
    assert cov.counts.shape == (2, 0) and cov.max_gap_s().shape == (0,)


# --- presets and configuration ------------------------------------------------------------------------------


def test_geostationary_radius_keeps_the_slot():
    # two-body geosynchronous radius (mu / omega^2)^(1/3) = 42,164.2 km (TR8350.2 mu, omega); J2 adds ~2 km
    two_body = (MU_EARTH_M3_S2 / OMEGA_EARTH_RAD_S**2) ** (1.0 / 3.0)
    assert two_body == pytest.approx(42_164.17e3, abs=10.0)
    assert geostationary_radius_m() - two_body == pytest.approx(2.1e3, abs=0.2e3)
    t = np.linspace(0.0, 10 * 86_400.0, 41)
    geo = _geo([10.0, 100.0])
    lat, lon, _ = ecef_to_geodetic(eci_to_ecef(propagate(geo.elements, t), gmst_at(EPOCH, t)[:, None]))
    np.testing.assert_allclose(lon / DEG, np.broadcast_to([10.0, 100.0], lon.shape), rtol=0, atol=0.01)
    np.testing.assert_allclose(lat, 0.0, rtol=0, atol=1e-12)


def test_presets_follow_their_published_patterns():
    sda, wfov = build_preset("sda-t1-tracking", EPOCH)
    # SDA T1 Tracking: 28 satellites, 4 planes x 7, ~1,000 km, high inclination (80 deg as flown by Tranche 0)
    assert len(sda) == 28 == len(set(sda.labels))
    assert np.unique(np.round(sda.elements.raan_rad / DEG, 6)).size == 4
    np.testing.assert_allclose(sda.elements.a_m - WGS84_A_M, 1_000e3, rtol=0, atol=1e-6)
    np.testing.assert_allclose(sda.elements.i_rad, 80 * DEG, rtol=0, atol=0)
    # the WFOV field of regard must include the Earth's disc from 1,000 km
    assert wfov.for_half_angle_rad > earth_limb_nadir_angle_rad(1_000e3, WGS84_A_M)
    sbirs, scanner = build_preset("sbirs-like", EPOCH)
    # SBIRS baseline: 4 GEO + 2 HEO; Molniya period half a sidereal day at the critical inclination 63.4 deg
    assert len(sbirs) == 6
    np.testing.assert_allclose(sbirs.elements.a_m[:4], geostationary_radius_m(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(period_s(sbirs.elements.a_m[4:]), math.pi / OMEGA_EARTH_RAD_S, rtol=1e-12, atol=0)
    np.testing.assert_allclose(sbirs.elements.i_rad[4:], 63.4 * DEG, rtol=0, atol=0)
    np.testing.assert_allclose(np.abs(sbirs.elements.argp_dot[4:]), 0.0, rtol=0, atol=1e-10)
    # first HEO at apogee (~39,800 km) at the epoch, at 63.4 N
    r = propagate(sbirs.elements, [0.0])[0, 4]
    assert math.asin(r[2] / np.linalg.norm(r)) == pytest.approx(63.4 * DEG, abs=1e-9)  # geocentric latitude = i
    assert np.linalg.norm(r) - WGS84_A_M == pytest.approx(39_800e3, abs=200e3)
    assert scanner.for_half_angle_rad > earth_limb_nadir_angle_rad(GEO_H, WGS84_A_M)
    assert all(p.sources for p in PRESETS.values())
    with pytest.raises(ValueError, match="sda-t1-tracking"):
        build_preset("no-such-layer", EPOCH)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("for_half_angle_rad", 0.0),
        ("for_half_angle_rad", 4.0),
        ("max_range_m", -1.0),
        ("frame_s", 0.0),
        ("sigma_rad", -1e-6),
        ("pd", 1.5),
        ("graze_altitude_m", -1.0),
    ],
)
def test_nonsense_sensor_configurations_raise(field, value):
    with pytest.raises(ValueError, match=field):
        IRSensor(**{**WIDE.__dict__, field: value})


def test_boost_phase_code_matches_the_trajectory_type():
    # sensors may not import threats (sibling layers), so the phase code is repeated: keep the two in step
    assert BOOST_PHASE == BOOST


def test_unknown_earth_model_raises():
    with pytest.raises(ValueError, match="wgs84"):
        visibility_matrix(np.ones((1, 3)), np.ones((1, 3)), True, WIDE, earth="flat")


def test_phase_at_is_each_objects_last_sample_at_or_before_t():
    # two objects: A boosts then coasts over 0-20 s; B launches at 30 s; before a launch -1, after a landing the
    # last phase (even past the end of every flight)
    t = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    obj = np.array([0, 0, 0, 1, 1])
    phase = np.array([BOOST, BOOST, MIDCOURSE, BOOST, MIDCOURSE], dtype=np.int8)
    traj = Trajectory(obj, t, np.ones((5, 3)), np.zeros((5, 3)), phase, ("A", "B"))
    assert phase_at(traj, -1.0).tolist() == [-1, -1]
    assert phase_at(traj, 15.0).tolist() == [BOOST, -1]
    assert phase_at(traj, 30.0).tolist() == [MIDCOURSE, BOOST]
    assert phase_at(traj, 1e6).tolist() == [MIDCOURSE, MIDCOURSE]
