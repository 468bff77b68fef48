"""Ground, sea and airborne radars watch every flown object; one tracker fuses their scans into a track picture.

Each radar looks once per revisit period. A look: the truth of every object in flight (positions from the
trajectories), its radar cross-section by kind and phase (a burning booster is big, an RV small), the radar's
coverage (faces, refracted horizon, instrumented range), Swerling detection at the look's SNR, measurements with the
SNR's accuracy, and Poisson false alarms. The scans of all radars, in time order, update one tracker in the inertial
frame (centralised measurement fusion) with an IMM of three modes: thrusting (constant velocity, high process
noise), cruising (constant velocity, low noise: cruise missiles, glide vehicles between manoeuvres) and coasting
(ballistic: gravity + J2). Over-the-horizon radars add their coarse ground positions (no height) to the same
picture: they can hold a low, distant target no line-of-sight radar sees, and start tracks that the others refine.
With fusion "track", each sensor keeps its own tracker instead and the pictures are merged at every look by
covariance intersection (:mod:`goldendome.tracking.fusion`): the architecture of separate systems sharing tracks.
A scenario's space tracking layers add their frames too: each frame's bearings triangulated across satellites into
3-D fixes with their covariances (boosters by their plumes, cold bodies above the limb).

GOSPA is computed every 10 s against the objects that at least one radar covers at that time (the surveillance
volume's truth), with the cut-off c of the scenario.
"""

from dataclasses import dataclass

import numpy as np

from goldendome.physics.frames import eci_to_ecef, eci_to_ecef_state, geodetic_to_ecef
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.radar import PRESETS, OTHRadar, RadarDetections, in_coverage, oth_scan, radar_scan, rcs_of
from goldendome.sensors.space_ir import detections_from_trajectory, phase_at, plume_visible, visible_count
from goldendome.threats.trajectory import BOOST, Trajectory
from goldendome.tracking import filters
from goldendome.tracking.fusion import fuse_pictures
from goldendome.tracking.measurements import GroundPositionModel, PositionModel, RadarModel
from goldendome.tracking.metrics import gospa, nees, track_continuity
from goldendome.tracking.tracker import Tracker
from goldendome.tracking.triangulation import associate_and_triangulate

THRUST_Q, CRUISE_Q, COAST_Q = 3000.0, 1.0, 0.01
"""Process noise (m^2/s^3) of the IMM's modes: thrust ~ tens of m/s^2 of unknown direction, a cruising body's
small manoeuvres, a coasting body's unmodelled drag and J2 residue (modelling choices)."""
SWITCHING = np.array([[0.97, 0.02, 0.01], [0.01, 0.98, 0.01], [0.001, 0.001, 0.998]])
"""Mode switching per look (from row to column): thrust, cruise, coast; coasting bodies rarely thrust again."""


GOSPA_DT_S = 10.0
"""GOSPA is evaluated every this many seconds of scenario time (after the last look at that time)."""


def tracking_imm() -> filters.IMM:
    """The three-mode IMM used for a scenario's track picture."""
    return filters.IMM((filters.ConstantVelocity(THRUST_Q), filters.ConstantVelocity(CRUISE_Q),
                        filters.Ballistic(q=COAST_Q)), SWITCHING)  # fmt: skip


@dataclass(frozen=True)
class TrackingReport:
    """Results of a scenario's radar tracking (scenario-clock times s; ECI states).

    Per radar: looks, detections, false alarms. Per object: first detection (s, NaN: never) and the radar, first
    time a confirmed track is assigned to it (GOSPA assignment within c), and its track continuity on the GOSPA grid.
    Track history: one row per confirmed track and look. GOSPA over time with its parts.
    """

    radars: tuple[str, ...]
    looks: np.ndarray
    detections: np.ndarray
    false_alarms: np.ndarray
    object_names: tuple[str, ...]
    object_kinds: tuple[str, ...]
    first_detection_s: np.ndarray
    first_detection_radar: tuple[str, ...]
    first_track_s: np.ndarray
    track_t: np.ndarray
    track_id: np.ndarray
    track_x: np.ndarray
    track_mu: np.ndarray
    gospa_t: np.ndarray
    gospa: np.ndarray  # (T, 4): distance, localisation, missed, false (the last three to the power p = 2)
    gospa_counts: np.ndarray  # (T, 2): truths in coverage, confirmed tracks
    gospa_c_m: float
    tracked_fraction: np.ndarray  # per object: share of the GOSPA looks in coverage with a track within c
    track_switches: np.ndarray  # per object: changes of the track id assigned to it
    track_fragments: np.ndarray  # per object: times it was dropped and picked up again
    nees: np.ndarray  # (T, n): position NEES of each object's assigned track on the GOSPA grid (NaN: none)
    assigned: np.ndarray  # (T, n): track id held by each object on the GOSPA grid (-1 none, -2 not in coverage)


def _look_times(radars: list, duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """All looks of all radars in time order: (times, radar index)."""
    t, k = [], []
    for i, r in enumerate(radars):
        ts = np.arange(0.0, duration_s + 1e-9, r.revisit_s)
        t.append(ts)
        k.append(np.full(ts.size, i))
    t, k = np.concatenate(t), np.concatenate(k)
    order = np.lexsort((k, t))
    return t[order], k[order]


@dataclass(frozen=True)
class InfraredFixes:
    """A space infrared layer's looks as 3-D fixes: its bearings of each frame triangulated across satellites.

    name: the layer; revisit_s: its frame time; fixes: frame time -> (points (P, 3) ECI, covariances (P, 3, 3),
    truth object of each fix (-1: a ghost -- rays of different objects paired))."""

    name: str
    revisit_s: float
    fixes: dict
    constellation: object = None
    sensor: object = None

    def in_coverage(self, objects: Trajectory, r_eci, t: float):
        """Objects (rows of r_eci, NaN: not in flight) at least two satellites of the layer can see at t -- the ones
        it can triangulate (plumes in boost, cold bodies above the limb)."""
        alive = np.all(np.isfinite(r_eci), axis=1)
        out = np.zeros(len(r_eci), bool)
        if alive.any():
            r_sat = propagate(self.constellation.elements, np.array([t]))[0]
            hot = plume_visible(r_eci[alive], phase_at(objects, t)[alive], self.sensor)
            out[alive] = visible_count(r_sat, r_eci[alive], hot, self.sensor) >= 2
        return out


def infrared_fixes(name: str, objects: Trajectory, constellation, sensor, duration_s: float,
                   rng: np.random.Generator) -> InfraredFixes:  # fmt: skip
    """Every frame of a space layer over [0, duration]: its detections (plumes in boost, cold bodies above the
    limb), then multi-satellite triangulation of each frame (:mod:`goldendome.tracking.triangulation`)."""
    det = detections_from_trajectory(objects, constellation, sensor, rng, 0.0, duration_s)
    fixes = {}
    for t in np.unique(det.t_s):
        rows = np.flatnonzero(det.t_s == t)
        pts, covs, groups = associate_and_triangulate(det.sensor_id[rows], det.r_sensor_eci_m[rows],
                                                      det.los_eci[rows], sensor.sigma_rad)  # fmt: skip
        if len(pts):
            truth = np.array([det.target_id[rows][g][0] if len(set(det.target_id[rows][g])) == 1 else -1
                              for g in groups])  # fmt: skip
            fixes[float(t)] = (pts, covs, truth)
    return InfraredFixes(name, sensor.frame_s, fixes, constellation, sensor)


def track_objects(objects: Trajectory, kinds: tuple[str, ...], radar_names: list[str], epoch, duration_s: float,
                  rng: np.random.Generator, false_alarms_per_look: float = 0.0, gospa_c_m: float = 5000.0,
                  progress=None, infrared: tuple[InfraredFixes, ...] = (),
                  fusion: str = "measurement") -> TrackingReport:  # fmt: skip
    """Radar looks (and space-layer infrared fixes) at every object and the fused track picture (see the module
    docstring)."""
    say = progress or (lambda what, frac: None)
    sensors = [PRESETS[n] for n in radar_names] + list(infrared)
    n_obj = objects.n_objects
    first_det = np.full(n_obj, np.nan)
    first_det_radar = [""] * n_obj
    first_track = np.full(n_obj, np.nan)
    looks, n_det, n_false = (np.zeros(len(sensors), int) for _ in range(3))
    # measurement fusion: one tracker takes every sensor's looks; track fusion: one tracker per sensor, their
    # confirmed tracks merged by covariance intersection at every look
    trackers = [Tracker(model=tracking_imm(), velocity_sigma_mps=3000.0, confirm_m=3, confirm_n=5, max_misses=4)
                for _ in range(1 if fusion == "measurement" else len(sensors))]  # fmt: skip
    rows_t, rows_id, rows_x, rows_mu, g_t, g_val, g_cnt, held, nees_rows = [], [], [], [], [], [], [], [], []
    times, which = _look_times(sensors, duration_s)
    next_gospa = 0.0
    kinds_arr = np.array(kinds)
    for step, (t, i) in enumerate(zip(times, which, strict=True)):
        if step % 200 == 0:
            say(f"radar looks and tracking ({len(sensors)} radars)", step / max(len(times), 1))
        radar = sensors[i]
        r_eci, v_eci = objects.states_at(float(t))
        alive = np.all(np.isfinite(r_eci), axis=1)
        look = scan(radar, objects, kinds_arr, float(t), epoch, rng, false_alarms_per_look, r_eci, v_eci, alive)
        if look is None:
            continue
        det, sensor, covers, noise, r_ecef = look
        looks[i] += 1
        n_det[i] += int(np.sum(det.origin >= 0))
        n_false[i] += int(np.sum(det.origin < 0))
        new = det.origin[det.origin >= 0]
        new = new[np.isnan(first_det[new])]
        first_det[new] = t
        for k in new:
            first_det_radar[k] = radar.name
        trk = trackers[0 if fusion == "measurement" else i]
        if len(det.z) or len(trk.tracks):  # an empty look at an empty picture changes nothing
            z = sensor.with_height(det.z) if isinstance(radar, OTHRadar) else det.z
            trk.step(float(t), z, sensor, covers=covers, noise=noise)
        if fusion == "measurement":
            ids, xs, ps = trk.confirmed_states()
            mu = trk.tracks.mu[trk.tracks.confirmed] if ids.size else np.zeros((0, 3))
        else:
            for other in trackers:
                other.predict_to(float(t))
            ids, xs, ps, _ = fuse_pictures([other.confirmed_states() for other in trackers])
            mu = np.full((ids.size, 3), np.nan)  # mode probabilities do not survive track fusion
        rows_t.append(np.full(ids.size, t))
        rows_id.append(ids)
        rows_x.append(xs)
        rows_mu.append(mu)
        # first confirmed track within c of each object in flight (closely spaced objects -- a bus and its RVs just
        # after release -- can share one)
        hit = gospa(r_eci[alive], xs[:, :3], c=gospa_c_m).assignment >= 0
        tracked = np.flatnonzero(alive)[hit]
        first_track[tracked] = np.where(np.isnan(first_track[tracked]), t, first_track[tracked])
        if t >= next_gospa and (step + 1 == len(times) or times[step + 1] > t):
            # GOSPA on a GOSPA_DT_S grid, against the objects any radar covers now (the surveillance volume's truth)
            next_gospa = t + GOSPA_DT_S
            covered = np.zeros(n_obj, bool)
            if alive.any():
                for r in sensors:
                    if isinstance(r, InfraredFixes):
                        covered |= r.in_coverage(objects, r_eci, float(t))
                    elif isinstance(r, OTHRadar):
                        covered[alive] |= r.in_coverage(r_ecef[alive])
                    else:
                        covered[alive] |= in_coverage(r, r_ecef[alive])[0]
            g = gospa(r_eci[covered], xs[:, :3], c=gospa_c_m)
            row = np.full(n_obj, -2)
            if ids.size:
                row[covered] = np.where(g.assignment >= 0, ids[np.maximum(g.assignment, 0)], -1)
            else:
                row[covered] = -1
            held.append(row)
            # position NEES of the tracks assigned to a truth object (3 degrees of freedom when consistent)
            obj = np.flatnonzero(covered)[g.assignment >= 0]
            trk_rows = g.assignment[g.assignment >= 0]
            nees_row = np.full(n_obj, np.nan)
            if trk_rows.size:
                nees_row[obj] = nees(xs[trk_rows, :3] - r_eci[obj], ps[trk_rows, :3, :3])
            nees_rows.append(nees_row)
            g_t.append(t)
            g_val.append((g.distance, g.localisation, g.missed, g.false))
            g_cnt.append((int(covered.sum()), ids.size))
    say("tracking done", 1.0)
    cont = track_continuity(np.array(held).reshape(-1, n_obj))
    cat = (lambda a, shape: np.concatenate(a) if a else np.zeros(shape))  # noqa: E731
    return TrackingReport(
        radars=tuple(r.name for r in sensors), looks=looks, detections=n_det, false_alarms=n_false,
        object_names=objects.names, object_kinds=kinds, first_detection_s=first_det,
        first_detection_radar=tuple(first_det_radar), first_track_s=first_track, track_t=cat(rows_t, (0,)),
        track_id=cat(rows_id, (0,)).astype(int), track_x=cat(rows_x, (0, 6)), track_mu=cat(rows_mu, (0, 3)),
        gospa_t=np.array(g_t), gospa=np.array(g_val).reshape(-1, 4), gospa_counts=np.array(g_cnt).reshape(-1, 2),
        gospa_c_m=gospa_c_m, tracked_fraction=cont.tracked_fraction,
        track_switches=cont.switches, track_fragments=cont.fragments,
        nees=np.array(nees_rows).reshape(-1, n_obj), assigned=np.array(held).reshape(-1, n_obj),
    )  # fmt: skip


def scan(radar, objects: Trajectory, kinds: np.ndarray, t: float, epoch, rng: np.random.Generator,
         false_alarms_per_look: float, r_eci, v_eci, alive, boosting=None):  # fmt: skip
    """One look of one sensor (a radar, an over-the-horizon radar, or a space layer's infrared frame) at the objects
    in flight (``alive``; states r_eci, v_eci at t). Returns (detections, the measurement model, covers(positions)
    -> which of them the look could see, per-detection noise or None, Earth-fixed positions), or None when an
    infrared layer has no frame at t. boosting: which objects burn at t, if already known."""
    theta = float(gmst_at(epoch, t))
    r_ecef, v_ecef = eci_to_ecef_state(np.where(alive[:, None], r_eci, 0.0), np.where(alive[:, None], v_eci, 0.0),
                                       theta)  # fmt: skip
    r_ecef[~alive] = np.nan
    noise = None
    if isinstance(radar, InfraredFixes):
        if t not in radar.fixes:
            return None
        pts, covs, truth = radar.fixes[t]
        keep = (truth < 0) | alive[np.maximum(truth, 0)]  # a destroyed object leaves no fix
        pts, covs, truth = pts[keep], covs[keep], truth[keep]
        det = RadarDetections(radar.name, t, pts, np.zeros((len(pts), 3)), truth, np.full(len(pts), np.nan))
        sensor, noise = PositionModel(), covs

        def covers(pos_eci):  # infrared frames confirm what they fix; they miss nothing (cold RVs, limb)
            return np.zeros(len(pos_eci), bool)
    elif isinstance(radar, OTHRadar):
        lat, lon = np.radians(radar.lat_deg), np.radians(radar.lon_deg)
        det = oth_scan(radar, r_ecef, t, rng, false_alarms=false_alarms_per_look)
        site = geodetic_to_ecef(lat, lon, 0.0)
        sensor = GroundPositionModel.site(site, lat, lon, theta, radar.sigma_ground_m)

        def covers(pos_eci, theta=theta, radar=radar):
            return radar.in_coverage(eci_to_ecef(pos_eci, theta))
    else:
        lat, lon = np.radians(radar.lat_deg), np.radians(radar.lon_deg)
        boosting = _boosting(objects, t) if boosting is None else boosting
        rcs = rcs_of(kinds, boosting)
        det = radar_scan(radar, r_ecef, rcs, t, rng, false_alarms=false_alarms_per_look, target_vel_ecef=v_ecef)
        sigma = det.sigma.mean(axis=0) if len(det.z) else np.array([radar.sigma_range_m, radar.sigma_angle_rad])
        sensor = RadarModel.site(radar.site_ecef, lat, lon, theta, float(sigma[0]), float(sigma[1]),
                                 radar.sigma_range_rate_mps)  # fmt: skip

        def covers(pos_eci, theta=theta, radar=radar):
            return in_coverage(radar, eci_to_ecef(pos_eci, theta))[0]
    return det, sensor, covers, noise, r_ecef


def _boosting(objects: Trajectory, t: float) -> np.ndarray:
    """Which objects are in powered flight at t (their sample at or before t is a boost sample)."""
    return phase_at(objects, t) == BOOST
