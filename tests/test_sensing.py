"""The Sensor protocol: every radar preset, over-the-horizon radar and infrared layer answers the engine's questions
(coverage, covers, fixed_coverage, look) consistently, so the tracking loop never asks what kind of sensor it holds."""

import datetime as dt

import numpy as np

from goldendome.engine.sensing import Scene, Sensor, look_schedule, sensor_of
from goldendome.physics.frames import ecef_to_eci, geodetic_to_ecef
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.radar import PRESETS

EPOCH = dt.datetime(2026, 7, 4, 12, tzinfo=dt.UTC)


def _scene_around(preset, t: float = 0.0) -> tuple[Scene, np.ndarray]:
    """Objects near a radar (beside it at heights a radar or an OTH radar may cover, and 1,500 km out along each
    face) and one on the far side of the Earth, as a Scene at t; and their Earth-fixed positions."""
    lat, lon = np.radians(preset.lat_deg), np.radians(preset.lon_deg)
    pts = [
        geodetic_to_ecef(lat + dlat, lon + dlon, h)
        for dlat in (0.0, 0.02, 0.1, 0.2)
        for dlon in (-0.3, 0.0, 0.3)
        for h in (5e3, 300e3, 1000e3)
    ]
    pts.append(geodetic_to_ecef(-lat, lon + np.pi, 500e3))
    r_ecef = np.array(pts)
    theta = float(gmst_at(EPOCH, t))
    r_eci = ecef_to_eci(r_ecef, theta)
    n = len(r_eci)
    scene = Scene.at(t, EPOCH, r_eci, np.zeros((n, 3)), np.zeros(n, bool), np.array(["rv"] * n), None)
    return scene, r_ecef


def test_every_radar_preset_is_a_sensor_whose_coverage_questions_agree():
    for name, preset in PRESETS.items():
        sensor = sensor_of(preset)
        assert isinstance(sensor, Sensor) and sensor.name == name and sensor.revisit_s == preset.revisit_s
        scene, r_ecef = _scene_around(preset, t=3600.0)
        covered = sensor.coverage(scene)
        np.testing.assert_array_equal(covered, sensor.fixed_coverage(scene.r_ecef), err_msg=name)
        np.testing.assert_array_equal(covered, sensor.covers(scene.r_eci, scene.theta), err_msg=name)
        assert covered.any() and not covered[-1], f"{name}: sees nothing near it, or through the Earth"
        # a look detects only what its coverage holds (no false alarms asked for)
        look = sensor.look(scene, np.random.default_rng(1), 0.0)
        assert set(look.detections.origin.tolist()) <= set(np.flatnonzero(covered).tolist()), name
        assert len(look.z) == len(look.detections.origin)


def test_an_object_not_in_flight_is_never_covered():
    preset = PRESETS["lrdr-clear"]
    scene, _ = _scene_around(preset)
    r = scene.r_eci.copy()
    r[:] = np.nan
    dead = Scene.at(0.0, EPOCH, r, r.copy(), scene.boosting, scene.kinds, None)
    assert not sensor_of(preset).coverage(dead).any()


def test_looks_of_all_sensors_in_time_order():
    sensors = [sensor_of(PRESETS["lrdr-clear"]), sensor_of(PRESETS["a-othr"])]
    t, k = look_schedule(sensors, 120.0)
    assert np.all(np.diff(t) >= 0)
    for i, s in enumerate(sensors):
        np.testing.assert_allclose(t[k == i], np.arange(0.0, 120.0 + 1e-9, s.revisit_s))


def test_the_pictures_gospa_is_remembered_for_the_same_inputs_only():
    # the battle's association at a decision reuses the measurement's solve at the same instant: the same result for
    # equal inputs, a fresh solve (equal to metrics.gospa) for any change
    import types

    from goldendome.engine.tracking import SensorPicture
    from goldendome.tracking.metrics import gospa

    rng = np.random.default_rng(5)
    truth = rng.uniform(0.0, 50e3, (40, 3))
    est = truth[:30] + rng.normal(0.0, 1e3, (30, 3))
    pic = types.SimpleNamespace(_gospa_memo=None)
    first = SensorPicture.gospa(pic, truth, est, 5e3)
    assert SensorPicture.gospa(pic, truth.copy(), est.copy(), 5e3) is first
    est[3, 0] += 1.0  # inputs changed in place: the memo holds its own copy
    for args in ((truth, est, 5e3), (truth, est[:-1], 5e3), (truth, est, 4e3)):
        got = SensorPicture.gospa(pic, *args)
        want = gospa(args[0], args[1], c=args[2])
        assert got is not first and got.distance == want.distance
        np.testing.assert_array_equal(got.assignment, want.assignment)
