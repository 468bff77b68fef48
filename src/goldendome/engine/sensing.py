"""What every sensor is to the engine: a coverage and a look (the :class:`Sensor` protocol), and the sensors that
implement it: ground and sea radars, sky-wave over-the-horizon radars and space infrared layers.

A ground radar, a sky-wave over-the-horizon radar and a space infrared layer differ in physics (the radar equation
and a refracted horizon; an ionospheric bounce with no height; plumes and cold bodies triangulated across
satellites), but the tracking loop asks each the same three questions:

    coverage(scene)        which of the objects in flight the sensor could see now (the surveillance volume's
                           truth, against which GOSPA counts missed targets)
    covers(pos_eci, theta) whether points (a tracker's predicted tracks) lie in its coverage: a track there that
                           the look does not confirm counts a miss
    look(scene, rng, fa)   one look: detections (with the truth object each came from, -1 a false alarm), the
                           measurements the tracker takes, their measurement model and, where each detection has
                           its own, their noise covariances

and, to skip the looks that cannot see anything before a trial starts, ``fixed_coverage(r_ecef)``: the coverage of
Earth-fixed points (a ground radar's does not move with time) or None where it moves (a satellite layer).

A :class:`Scene` is the truth at one instant in the frames the sensors need, computed once however many sensors
look at that instant. The physics stays in :mod:`goldendome.sensors` (the radar equation, the OTH band, the infrared
layers' visibility); this module only gives each the engine's interface and its measurement model of
:mod:`goldendome.tracking.measurements`. :func:`sensor_of` picks the implementation once, when a scenario's sensors
are built; the tracking loop never asks what kind of sensor it holds.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Protocol, runtime_checkable

import numpy as np

from goldendome.physics.frames import eci_to_ecef, eci_to_ecef_state, geodetic_to_ecef
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.radar import (
    PRESETS,
    RCS_M2,
    OTHRadar,
    Radar,
    RadarDetections,
    covered,
    oth_scan,
    radar_scan,
    rcs_of,
)
from goldendome.sensors.space_ir import detections_from_trajectory, phase_at, plume_visible, visible_count
from goldendome.tracking.measurements import GroundPositionModel, PositionModel, RadarModel
from goldendome.tracking.triangulation import associate_and_triangulate


@dataclass(frozen=True)
class Scene:
    """What flies at time t (s from the epoch): every object's ECI state (N, 3) m and m/s (NaN rows: not in flight or
    destroyed), which are alive, which burn, their kinds (N,) and the trajectories themselves
    (:class:`goldendome.threats.trajectory.Trajectory`); theta: Greenwich sidereal angle at t, rad. The Earth-fixed
    states are computed on first use (a space layer's look needs none)."""

    t: float
    theta: float
    r_eci: np.ndarray
    v_eci: np.ndarray
    alive: np.ndarray
    boosting: np.ndarray
    kinds: np.ndarray
    objects: object
    coast_rcs_m2: np.ndarray  # (N,) each object's radar cross-section when not burning (:func:`rcs_of`)

    @classmethod
    def at(cls, t: float, epoch, r_eci, v_eci, boosting, kinds, objects, coast_rcs_m2=None) -> "Scene":
        """The scene of ECI states at t (NaN rows: not in flight); coast_rcs_m2: the cross-sections of the kinds
        when not burning, when the caller holds them (a :class:`goldendome.engine.tracking.Sky` works them out once
        for every instant), else worked out here."""
        if coast_rcs_m2 is None:
            coast_rcs_m2 = rcs_of(kinds, np.zeros(len(kinds), bool))
        alive = np.isfinite(r_eci[:, 0])
        return cls(float(t), float(gmst_at(epoch, t)), r_eci, v_eci, alive, boosting, kinds, objects, coast_rcs_m2)

    @cached_property
    def _ecef(self):
        alive = self.alive
        r, v = eci_to_ecef_state(
            np.where(alive[:, None], self.r_eci, 0.0), np.where(alive[:, None], self.v_eci, 0.0), self.theta
        )
        r[~alive] = np.nan
        v[~alive] = np.nan
        return r, v

    @property
    def r_ecef(self) -> np.ndarray:
        """Earth-fixed positions (N, 3) m (NaN: not in flight)."""
        return self._ecef[0]

    @property
    def v_ecef(self) -> np.ndarray:
        """Earth-fixed velocities (N, 3) m/s (NaN: not in flight)."""
        return self._ecef[1]


@dataclass(frozen=True)
class Look:
    """One look of one sensor: its detections (:class:`goldendome.sensors.radar.RadarDetections`: origin is the
    object each came from, -1 a false alarm), the measurements the tracker takes z (D, m) in the space of the
    measurement model (:mod:`goldendome.tracking.measurements`), per-detection noise covariances (D, m, m) or None
    (the model's own), and covers: ECI points (K, 3) -> (K,) bool, what the look could see."""

    detections: object
    z: np.ndarray
    model: object
    noise: np.ndarray | None
    covers: Callable[[np.ndarray], np.ndarray]


@runtime_checkable
class Sensor(Protocol):
    """A sensor the engine looks through (see the module docstring): radars, over-the-horizon radars and space
    infrared layers implement it."""

    name: str
    revisit_s: float

    def coverage(self, scene: Scene) -> np.ndarray: ...

    def covers(self, pos_eci: np.ndarray, theta: float) -> np.ndarray: ...

    def fixed_coverage(self, r_ecef: np.ndarray) -> np.ndarray | None: ...

    def look(self, scene: Scene, rng: np.random.Generator, false_alarms: float) -> Look | None: ...


def look_schedule(sensors: list, duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Every look of every sensor over [0, duration], in time order (sensors in list order at one instant):
    (times (L,) s, sensor index (L,))."""
    t, k = [], []
    for i, s in enumerate(sensors):
        ts = np.arange(0.0, duration_s + 1e-9, s.revisit_s)
        t.append(ts)
        k.append(np.full(ts.size, i))
    if not t:
        return np.zeros(0), np.zeros(0, int)
    t, k = np.concatenate(t), np.concatenate(k)
    order = np.lexsort((k, t))
    return t[order], k[order]


@dataclass(frozen=True)
class _Preset:
    """A radar preset of :mod:`goldendome.sensors.radar` held by its :class:`Sensor`: its name and revisit period."""

    radar: Radar | OTHRadar

    @property
    def name(self) -> str:
        return self.radar.name

    @property
    def revisit_s(self) -> float:
        return self.radar.revisit_s


@dataclass(frozen=True)
class RadarSensor(_Preset):
    """A ground, sea or airborne radar (:class:`goldendome.sensors.radar.Radar`) as a :class:`Sensor`: coverage is its
    faces, refracted horizon and instrumented range; a look is a Swerling detection at each covered object's SNR
    (its cross-section by kind and phase) with (range, azimuth, elevation[, range rate]) measurements."""

    def fixed_coverage(self, r_ecef):
        return covered(self.radar, r_ecef)

    def coverage(self, scene: Scene) -> np.ndarray:
        return covered(self.radar, scene.r_ecef)  # NaN rows are never covered

    def covers(self, pos_eci, theta: float) -> np.ndarray:
        return covered(self.radar, eci_to_ecef(pos_eci, theta))

    def look(self, scene: Scene, rng: np.random.Generator, false_alarms: float) -> Look:
        radar = self.radar
        det = radar_scan(
            radar,
            scene.r_ecef,
            np.where(scene.boosting, RCS_M2["booster"], scene.coast_rcs_m2),
            scene.t,
            rng,
            false_alarms=false_alarms,
            target_vel_ecef=scene.v_ecef,
        )
        # one noise level per look (the detections' mean accuracy): the tracker's model takes one R per look
        sigma = det.sigma.mean(axis=0) if len(det.z) else np.array([radar.sigma_range_m, radar.sigma_angle_rad])
        model = RadarModel.site(
            radar.site_ecef,
            np.radians(radar.lat_deg),
            np.radians(radar.lon_deg),
            scene.theta,
            float(sigma[0]),
            float(sigma[1]),
            radar.sigma_range_rate_mps,
        )
        return Look(det, det.z, model, None, partial(self.covers, theta=scene.theta))


@dataclass(frozen=True)
class OTHSensor(_Preset):
    """A sky-wave over-the-horizon radar (:class:`goldendome.sensors.radar.OTHRadar`) as a :class:`Sensor`: coverage is
    its ground-range band and sectors below its ceiling; a look gives ground positions with no height, which the
    tracker takes at the predicted track's height (:class:`goldendome.tracking.measurements.GroundPositionModel`)."""

    def fixed_coverage(self, r_ecef):
        return self.radar.in_coverage(r_ecef)

    def coverage(self, scene: Scene) -> np.ndarray:
        out = np.zeros(len(scene.r_ecef), bool)
        if scene.alive.any():
            out[scene.alive] = self.radar.in_coverage(scene.r_ecef[scene.alive])
        return out

    def covers(self, pos_eci, theta: float) -> np.ndarray:
        return self.radar.in_coverage(eci_to_ecef(pos_eci, theta))

    def look(self, scene: Scene, rng: np.random.Generator, false_alarms: float) -> Look:
        oth = self.radar
        lat, lon = np.radians(oth.lat_deg), np.radians(oth.lon_deg)
        det = oth_scan(oth, scene.r_ecef, scene.t, rng, false_alarms=false_alarms)
        model = GroundPositionModel.site(geodetic_to_ecef(lat, lon, 0.0), lat, lon, scene.theta, oth.sigma_ground_m)
        return Look(det, model.with_height(det.z), model, None, partial(self.covers, theta=scene.theta))


@dataclass(frozen=True)
class InfraredFixes:
    """A space infrared layer as a :class:`Sensor`: its frames' bearings triangulated across satellites into 3-D
    fixes (:func:`infrared_fixes`), computed once per trial; a look is the frame's fixes of the objects still in
    flight. Coverage: the objects at least two of its satellites can see (plumes in boost, cold bodies above the
    limb); it counts no misses against tracks (a frame confirms what it fixes).

    name: the layer; revisit_s: its frame time; fixes: frame time -> (points (P, 3) ECI, covariances (P, 3, 3),
    truth object of each fix (-1: a ghost -- rays of different objects paired))."""

    name: str
    revisit_s: float
    fixes: dict
    constellation: object = None
    sensor: object = None

    def fixed_coverage(self, r_ecef):
        return None  # the satellites move: coverage is not Earth-fixed (a frame without fixes is skipped anyway)

    def coverage(self, scene: Scene) -> np.ndarray:
        alive = scene.alive
        out = np.zeros(len(scene.r_eci), bool)
        if alive.any():
            r_sat = propagate(self.constellation.elements, np.array([scene.t]))[0]
            hot = plume_visible(scene.r_eci[alive], phase_at(scene.objects, scene.t)[alive], self.sensor)
            out[alive] = visible_count(r_sat, scene.r_eci[alive], hot, self.sensor) >= 2
        return out

    def covers(self, pos_eci, theta: float) -> np.ndarray:
        return np.zeros(len(pos_eci), bool)

    def look(self, scene: Scene, rng: np.random.Generator, false_alarms: float) -> Look | None:
        if scene.t not in self.fixes:
            return None
        pts, covs, truth = self.fixes[scene.t]
        keep = (truth < 0) | scene.alive[np.maximum(truth, 0)]  # a destroyed object leaves no fix
        pts, covs, truth = pts[keep], covs[keep], truth[keep]
        det = RadarDetections(self.name, scene.t, pts, np.zeros((len(pts), 3)), truth, np.full(len(pts), np.nan))
        return Look(det, pts, PositionModel(), covs, partial(self.covers, theta=scene.theta))


def infrared_fixes(
    name: str, objects, constellation, sensor, duration_s: float, rng: np.random.Generator
) -> InfraredFixes:
    """Every frame of a space layer over [0, duration]: its detections (plumes in boost, cold bodies above the
    limb), then multi-satellite triangulation of each frame (:mod:`goldendome.tracking.triangulation`)."""
    det = detections_from_trajectory(objects, constellation, sensor, rng, 0.0, duration_s)
    fixes = {}
    for t in np.unique(det.t_s):
        rows = np.flatnonzero(det.t_s == t)
        pts, covs, groups = associate_and_triangulate(
            det.sensor_id[rows], det.r_sensor_eci_m[rows], det.los_eci[rows], sensor.sigma_rad
        )
        if len(pts):
            truth = np.array(
                [det.target_id[rows][g][0] if len(set(det.target_id[rows][g])) == 1 else -1 for g in groups]
            )
            fixes[float(t)] = (pts, covs, truth)
    return InfraredFixes(name, sensor.frame_s, fixes, constellation, sensor)


SENSOR_OF = {Radar: RadarSensor, OTHRadar: OTHSensor}
"""The :class:`Sensor` of each kind of radar preset (one line per kind)."""


def sensor_of(preset) -> Sensor:
    """The :class:`Sensor` of a radar preset (:data:`goldendome.sensors.radar.PRESETS`) or a sensor already."""
    if isinstance(preset, Sensor):
        return preset
    return SENSOR_OF[type(preset)](preset)


def scenario_sensors(radar_names, infrared=()) -> list:
    """A scenario's sensors: its named radars, then its space layers' infrared fixes."""
    return [sensor_of(PRESETS[n]) for n in radar_names] + list(infrared)
