"""The track picture: every sensor's looks at what flies, fused by one tracker, measured against the truth.

One loop serves every run (:class:`SensorPicture`): a tracking-only run observes the whole scenario at once; a
defended run's battle (:mod:`goldendome.engine.battle`) observes up to each decision of its battle manager, at
objects that disappear when they are destroyed. The sensors are anything that implements
:class:`goldendome.engine.sensing.Sensor`: ground, sea and airborne radars (once per revisit period: coverage by
faces, refracted horizon and instrumented range; Swerling detection at the look's SNR with the object's
cross-section by kind and phase; measurements with the SNR's accuracy; Poisson false alarms), over-the-horizon radars
(coarse ground positions, no height: they hold a low, distant target no line-of-sight radar sees and start tracks
that the others refine) and space infrared layers (each frame's bearings triangulated across satellites into 3-D
fixes: boosters by their plumes, cold bodies above the limb).

The looks update one tracker in the inertial frame (centralised measurement fusion) with an IMM of three modes:
thrusting (constant velocity, high process noise), cruising (constant velocity, low noise: cruise missiles, glide
vehicles between manoeuvres) and coasting (ballistic: gravity + J2). With fusion "track", each sensor keeps its own
tracker instead and the pictures are merged by covariance intersection (:mod:`goldendome.tracking.fusion`): the
architecture of separate systems sharing tracks.

Every run reports its picture's quality (:class:`TrackingReport`): GOSPA every GOSPA_DT_S against the objects at
least one sensor covers then (the surveillance volume's truth) and those a track still holds within c after they
left coverage, with the scenario's cut-off c; the position NEES of
the tracks assigned to objects; and each object's track continuity (share of the time held, identity switches,
fragments).
"""

from dataclasses import dataclass

import numpy as np

from goldendome.engine.sensing import InfraredFixes, Scene, infrared_fixes, look_schedule, scenario_sensors
from goldendome.physics.frames import eci_to_ecef
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.radar import rcs_of
from goldendome.sensors.space_ir import phase_at
from goldendome.threats.trajectory import BOOST, Trajectory
from goldendome.tracking import filters
from goldendome.tracking.fusion import fuse_pictures
from goldendome.tracking.metrics import gospa, nees, track_continuity
from goldendome.tracking.tracker import Tracker

__all__ = ["InfraredFixes", "SensorPicture", "Sky", "TrackingReport", "infrared_fixes", "track_objects"]

THRUST_Q, CRUISE_Q, COAST_Q = 3000.0, 1.0, 0.01
"""Process noise (m^2/s^3) of the IMM's modes: thrust ~ tens of m/s^2 of unknown direction, a cruising body's
small manoeuvres, a coasting body's unmodelled drag and J2 residue (modelling choices)."""
SWITCHING = np.array([[0.97, 0.02, 0.01], [0.01, 0.98, 0.01], [0.001, 0.001, 0.998]])
"""Mode switching per look (from row to column): thrust, cruise, coast; coasting bodies rarely thrust again."""


GOSPA_DT_S = 10.0
"""GOSPA is evaluated every this many seconds of scenario time (after the last look at that time)."""


def tracking_imm() -> filters.IMM:
    """The three-mode IMM used for a scenario's track picture."""
    return filters.IMM(
        (filters.ConstantVelocity(THRUST_Q), filters.ConstantVelocity(CRUISE_Q), filters.Ballistic(q=COAST_Q)),
        SWITCHING,
    )


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


class Sky:
    """What flies, as the sensors see it: the objects' trajectories and kinds, and when each was destroyed (NaN:
    never; a battle's :class:`goldendome.engine.battle.Truth` destroys objects, a tracking-only run never does).
    A look asks for the :class:`Scene` at its time, computed once per instant however many sensors look then."""

    def __init__(self, objects: Trajectory, kinds, epoch):
        self.objects, self.kinds, self.epoch = objects, tuple(kinds), epoch
        self.kinds_arr = np.array(self.kinds)
        self.coast_rcs_m2 = rcs_of(self.kinds_arr, np.zeros(len(self.kinds), bool))
        self.killed_at = np.full(objects.n_objects, np.nan)
        self._last = (np.nan, None, None, None)  # t, r, v, boosting of the latest instant
        self._scene = None

    @property
    def n(self) -> int:
        return self.objects.n_objects

    def _at(self, t: float) -> None:
        if self._last[0] != t:
            self._last = (t, *self.objects.states_at(t), _boosting(self.objects, t))

    def states(self, t: float):
        """ECI positions and velocities (N, 3) at t; NaN for objects not in flight or destroyed."""
        self._at(t)
        r, v = self._last[1].copy(), self._last[2].copy()
        dead = self.killed_at <= t
        r[dead] = np.nan
        v[dead] = np.nan
        return r, v

    def boosting(self, t: float) -> np.ndarray:
        """Which objects burn at t (whether destroyed or not)."""
        self._at(t)
        return self._last[3]

    def scene(self, t: float) -> Scene:
        """The :class:`Scene` at t (what is destroyed by then is not in it)."""
        key = (t, int(np.sum(self.killed_at <= t)))
        if self._scene is None or self._scene[0] != key:
            r, v = self.states(t)
            self._scene = (
                key,
                Scene.at(t, self.epoch, r, v, self.boosting(t), self.kinds_arr, self.objects, self.coast_rcs_m2),
            )
        return self._scene[1]


DELETE_PROBABILITY = 0.01
"""A confirmed track goes after a run of misses that a real object, at the track's own detection rate, gives at most
this often (and at least 4 misses; :class:`goldendome.tracking.tracker.Tracker`): a raid's small cross-sections
near a radar's reach, held at Pd ~ 0.6, are kept through 6 misses instead of being dropped and started again under a
new id after 4 (ASSUMPTION: a true-track deletion probability of 1 %, the order of the SPRT's error probabilities in
Blackman & Popoli 1999, sec. 6.2; 4 misses alone mean 1 % at Pd 0.68)."""


def new_tracker() -> Tracker:
    """The tracker of a scenario's picture: the three-mode IMM, 3-of-5 confirmation, dropped after 4 misses in a row
    that are also unlikely at the track's detection rate (DELETE_PROBABILITY)."""
    return Tracker(
        model=tracking_imm(),
        velocity_sigma_mps=3000.0,
        confirm_m=3,
        confirm_n=5,
        max_misses=4,
        delete_probability=DELETE_PROBABILITY,
    )


class SensorPicture:
    """The track picture of a trial: every sensor's looks (:class:`goldendome.engine.sensing.Sensor`) in time order
    at what still flies, fused into tracks, with the picture's quality measured against the truth as it goes.

    One loop for every run: a tracking-only run observes to the end at once; a battle
    (:mod:`goldendome.engine.battle`) observes up to each decision and asks for the confirmed tracks. Fusion
    "measurement": one tracker takes every look (centralised measurement fusion); "track": one tracker per sensor,
    their confirmed tracks merged by covariance intersection (:func:`goldendome.tracking.fusion.fuse_pictures`).

    A look that cannot change the picture is skipped without drawing a random number: no object within one sample
    spacing of the sensor's fixed coverage (:func:`useful_looks`), no track in its coverage and no false alarms.
    Measured as it goes: each object's first detection (and by which sensor) and first confirmed track within c;
    every GOSPA_DT_S, GOSPA (cut-off c) against the objects some sensor covers, the position NEES of the assigned
    tracks and which track holds each object (track continuity). history: also keep every confirmed track's state
    after every look (a tracking study's tracks.parquet); otherwise on the GOSPA grid only (a raid's battle).
    """

    def __init__(
        self,
        sensors: list,
        sky: Sky,
        duration_s: float,
        rng: np.random.Generator,
        false_alarms_per_look: float = 0.0,
        fusion: str = "measurement",
        gospa_c_m: float = 5000.0,
        history: bool = True,
        cache: dict | None = None,
    ):
        self.sensors, self.rng, self.fa, self.fusion = sensors, rng, false_alarms_per_look, fusion
        self.epoch, self.c, self.history, self.n = sky.epoch, gospa_c_m, history, sky.n
        self.times, self.which = look_schedule(sensors, duration_s)
        self.next = 0
        self.trackers = [new_tracker() for _ in range(1 if fusion == "measurement" else len(sensors))]
        self.useful = useful_looks(
            sensors, sky.objects, sky.epoch, self.times, self.which, {} if cache is None else cache
        )
        n, k = sky.n, len(sensors)
        self.first_det, self.first_det_by, self.first_track = np.full(n, np.nan), np.full(n, -1), np.full(n, np.nan)
        self.looks, self.n_det, self.n_false = np.zeros(k, int), np.zeros(k, int), np.zeros(k, int)
        self.rows = {key: [] for key in ("t", "id", "x", "mu")}
        self.grid = {key: [] for key in ("t", "gospa", "counts", "held", "nees")}
        self.next_gospa = 0.0
        self._gospa_memo = None

    @property
    def tracker(self) -> Tracker:
        """The tracker of measurement fusion (the first sensor's, with track fusion)."""
        return self.trackers[0]

    def observe(self, t: float, sky: Sky, log=None) -> None:
        """Make every look due by t, in time order (log: an event log that takes each object's first detection)."""
        looked = False
        while self.next < self.times.size and self.times[self.next] <= t:
            step = self.next
            tl, i = float(self.times[step]), int(self.which[step])
            self.next += 1
            looked = self._look(step, tl, i, sky, log) or looked
            if self.next == self.times.size or self.times[self.next] > tl:  # the last look at this instant
                if looked:  # a picture is measured when some sensor looked (an infrared layer: a frame came)
                    self._measure(tl, sky)
                looked = False

    def _look(self, step: int, t: float, i: int, sky: Sky, log) -> bool:
        """One look of sensor i at t; whether it was made (an infrared layer makes none without a frame)."""
        sensor = self.sensors[i]
        trk = self.trackers[0 if self.fusion == "measurement" else i]
        if not self.useful[step] and self.fa == 0.0 and not self._track_in_view(trk, sensor, t):
            self.looks[i] += 1  # no object and no track in this sensor's coverage, no false alarm: nothing to see
            return True
        scene = sky.scene(t)
        if not scene.alive.any() and len(trk.tracks) == 0 and self.fa == 0.0:
            return False  # an empty sky and an empty picture: the look can change nothing
        look = sensor.look(scene, self.rng, self.fa)
        if look is None:
            return False  # an infrared layer has no frame now
        self.looks[i] += 1
        origin = look.detections.origin
        seen = origin[origin >= 0]
        self.n_det[i] += seen.size
        self.n_false[i] += int(np.sum(origin < 0))
        new = np.unique(seen[np.isnan(self.first_det[seen])])
        self.first_det[new], self.first_det_by[new] = t, i
        if log is not None:
            for k in new:
                log.add(t, "detected", sky.objects.names[k], detail=sensor.name)
        if len(look.z) or _covers_a_track(trk, t, look.covers):  # else nothing seen and no track in view
            trk.step(t, look.z, look.model, covers=look.covers, noise=look.noise)
        return True

    def _track_in_view(self, trk: Tracker, sensor, t: float) -> bool:
        """Whether any track of the tracker (extrapolated linearly to t) lies in the sensor's coverage."""
        if len(trk.tracks) == 0:
            return False
        theta = float(gmst_at(self.epoch, t))
        return _covers_a_track(trk, t, lambda pos: sensor.covers(pos, theta))

    def confirmed_at(self, t: float):
        """The confirmed picture at t, the trackers left as they are: (ids, states (K, 6), covariances, modes)."""
        if self.fusion == "measurement":
            return self.tracker.confirmed_at(t)
        parts = [trk.confirmed_at(t) for trk in self.trackers]
        ids, xs, ps, _ = fuse_pictures([part[:3] for part in parts])
        return ids, xs, ps, np.full((ids.size, 3), np.nan)  # mode probabilities do not survive track fusion

    def _measure(self, t: float, sky: Sky) -> None:
        """After the last look at t: the track history (every look, or on the GOSPA grid), first tracks, GOSPA."""
        on_grid = t >= self.next_gospa - 1e-9
        if not (self.history or on_grid):
            return
        ids, xs, ps, mu = self.confirmed_at(t)
        self.rows["t"].append(np.full(ids.size, t))
        self.rows["id"].append(ids)
        self.rows["x"].append(xs)
        self.rows["mu"].append(mu)
        r, _ = sky.states(t)
        alive = np.flatnonzero(np.isfinite(r[:, 0]))
        # the first confirmed track within c of each object in flight (closely spaced objects -- a bus and its RVs
        # just after release -- can share one)
        g_alive = self.gospa(r[alive], xs[:, :3], self.c)
        hit = g_alive.assignment >= 0
        self.note_tracked(alive[hit], t)
        if not on_grid:
            return
        self.next_gospa = t + GOSPA_DT_S
        # GOSPA against the objects some sensor covers now (the surveillance volume's truth), and those a track
        # still holds (a track coasting on an object that left coverage is neither false nor a miss)
        covered = np.zeros(self.n, bool)
        covered[alive[hit]] = True
        if alive.size:
            scene = sky.scene(t)
            for sensor in self.sensors:
                covered |= sensor.coverage(scene)
        # the objects in flight less some that no track holds (nor any sensor covers): the same assignment, fewer
        # missed (Gospa.without_missed, exact: nothing solved again)
        inside = covered[alive]
        g = g_alive.without_missed(inside) if inside.sum() == covered.sum() else gospa(r[covered], xs[:, :3], c=self.c)
        row = np.full(self.n, -2)
        row[covered] = np.where(g.assignment >= 0, ids[np.maximum(g.assignment, 0)], -1) if ids.size else -1
        # position NEES of the tracks assigned to a truth object (3 degrees of freedom when consistent)
        obj = np.flatnonzero(covered)[g.assignment >= 0]
        trk_rows = g.assignment[g.assignment >= 0]
        nees_row = np.full(self.n, np.nan)
        if trk_rows.size:
            nees_row[obj] = nees(xs[trk_rows, :3] - r[obj], ps[trk_rows, :3, :3])
        for key, value in (
            ("t", t),
            ("gospa", (g.distance, g.localisation, g.missed, g.false)),
            ("counts", (int(covered.sum()), ids.size)),
            ("held", row),
            ("nees", nees_row),
        ):
            self.grid[key].append(value)

    def gospa(self, truth, estimates, c: float):
        """:func:`goldendome.tracking.metrics.gospa` of truth and estimate positions, remembered for the latest
        inputs: a battle's association at a decision (:class:`goldendome.engine.battle.BattlePicture`) often asks what
        the picture's measurement at the same instant has just solved (the same objects, the same tracks, the same
        cut-off), and a raid's assignment is a millisecond."""
        memo = self._gospa_memo
        if memo is not None and memo[2] == c and np.array_equal(memo[0], truth) and np.array_equal(memo[1], estimates):
            return memo[3]
        g = gospa(truth, estimates, c=c)
        self._gospa_memo = (np.array(truth, float), np.array(estimates, float), c, g)
        return g

    def note_tracked(self, objects, t: float) -> None:
        """Objects followed by a confirmed track at t (first time kept)."""
        fresh = objects[np.isnan(self.first_track[objects])]
        self.first_track[fresh] = t

    def report(self, objects: Trajectory, kinds) -> TrackingReport:
        """The picture's :class:`TrackingReport`."""
        n, g = self.n, self.grid
        cont = track_continuity(np.array(g["held"]).reshape(-1, n))
        cat = lambda a, shape: np.concatenate(a) if a else np.zeros(shape)  # noqa: E731
        names = [s.name for s in self.sensors]
        return TrackingReport(
            radars=tuple(names),
            looks=self.looks,
            detections=self.n_det,
            false_alarms=self.n_false,
            object_names=objects.names,
            object_kinds=tuple(kinds),
            first_detection_s=self.first_det,
            first_detection_radar=tuple(names[i] if i >= 0 else "" for i in self.first_det_by),
            first_track_s=self.first_track,
            track_t=cat(self.rows["t"], (0,)),
            track_id=cat(self.rows["id"], (0,)).astype(int),
            track_x=cat(self.rows["x"], (0, 6)),
            track_mu=cat(self.rows["mu"], (0, 3)),
            gospa_t=np.array(g["t"]),
            gospa=np.array(g["gospa"]).reshape(-1, 4),
            gospa_counts=np.array(g["counts"]).reshape(-1, 2),
            gospa_c_m=self.c,
            tracked_fraction=cont.tracked_fraction,
            track_switches=cont.switches,
            track_fragments=cont.fragments,
            nees=np.array(g["nees"]).reshape(-1, n),
            assigned=np.array(g["held"]).reshape(-1, n),
        )


def _covers_a_track(trk: Tracker, t: float, covers) -> bool:
    """Whether a look's coverage takes in any track of the tracker (positions extrapolated linearly to t: a coverage
    test, not a prediction)."""
    tr = trk.tracks
    if len(tr) == 0:
        return False
    pos = tr.x[:, :3] + tr.x[:, 3:] * (t - tr.t)[:, None]
    return bool(np.any(covers(pos)))


def useful_looks(sensors: list, objects: Trajectory, epoch, times, which, cache: dict) -> np.ndarray:
    """Which scheduled looks could see any object (destroyed or not): a look is useful when one of the object
    samples in the sensor's Earth-fixed coverage lies within one sample spacing of it (a sensor whose coverage
    moves -- a space layer -- is always useful: a frame without fixes is skipped anyway). Computed once per world
    and sensor set (cache), over every sample of every object at once."""
    key = ("useful looks", tuple(s.name for s in sensors), times.size)
    if key in cache:
        return cache[key]
    t = objects.t_s
    same = np.diff(objects.object_id) == 0
    spacing = float(np.max(np.diff(t)[same])) if same.any() else 0.0
    r_ecef = eci_to_ecef(objects.r_eci_m, gmst_at(epoch, t))
    useful = np.ones(times.size, bool)
    for i, sensor in enumerate(sensors):
        covered = sensor.fixed_coverage(r_ecef)
        if covered is None:
            continue
        ct = np.unique(t[covered])
        mine = np.flatnonzero(which == i)
        if ct.size == 0:
            useful[mine] = False
            continue
        j = np.searchsorted(ct, times[mine])
        after, before = ct[np.minimum(j, ct.size - 1)], ct[np.maximum(j - 1, 0)]
        gap = np.minimum(np.abs(after - times[mine]), np.abs(before - times[mine]))
        useful[mine] = gap <= spacing + 1e-9
    cache[key] = useful
    return useful


def track_objects(
    objects: Trajectory,
    kinds: tuple[str, ...],
    radar_names: list[str],
    epoch,
    duration_s: float,
    rng: np.random.Generator,
    false_alarms_per_look: float = 0.0,
    gospa_c_m: float = 5000.0,
    progress=None,
    infrared: tuple[InfraredFixes, ...] = (),
    fusion: str = "measurement",
) -> TrackingReport:
    """Radar looks (and space-layer infrared fixes) at every object and the fused track picture over the whole
    scenario, nothing destroyed (see the module docstring and :class:`SensorPicture`)."""
    say = progress or (lambda what, frac: None)
    sensors = scenario_sensors(radar_names, infrared)
    sky = Sky(objects, kinds, epoch)
    picture = SensorPicture(sensors, sky, duration_s, rng, false_alarms_per_look, fusion, gospa_c_m)
    for k, t in enumerate(np.arange(0.0, duration_s + GOSPA_DT_S, 20 * GOSPA_DT_S)):
        say(f"looks and tracking ({len(sensors)} sensors)", k * 20 * GOSPA_DT_S / max(duration_s, 1.0))
        picture.observe(min(float(t), duration_s), sky)
    say("tracking done", 1.0)
    return picture.report(objects, kinds)


def _boosting(objects: Trajectory, t: float) -> np.ndarray:
    """Which objects are in powered flight at t (their sample at or before t is a boost sample)."""
    return phase_at(objects, t) == BOOST
