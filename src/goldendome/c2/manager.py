"""The battle manager: from the track picture to fire orders, one decision cycle at a time.

Each cycle (every few seconds of scenario time) it

1. **evaluates threats**: for every confirmed track not already under fire, the impact forecast
   (:mod:`goldendome.c2.forecast`, refreshed every ``REFRESH_S``) and the probability that it hits each defended
   asset (:func:`goldendome.c2.assets.hit_probability`); the value at risk is the sum of the assets' values
   (people, or a people-equivalent for military sites) weighted by those probabilities. A track that threatens
   no asset with at least ``engage_threshold`` is left alone: Iron Dome's rule for rockets falling in open ground,
   applied to every class. A manoeuvring track (cruise missile, glide vehicle) has no ballistic impact: it
   threatens the most valuable asset within ``CORRIDOR_M`` of its extrapolated course;
2. **opens engagement windows** of every battery for a launch after its command latency
   (:mod:`goldendome.c2.windows`);
3. **assigns weapons to targets** by the salvo MILP of :mod:`goldendome.c2.wta` (expected value saved, less the
   interceptors' cost times ``cost_weight``; inventory and ready rounds as constraints; one battery per target per
   cycle), under the **firing doctrine**: a salvo of ``shots`` per engagement, up to ``looks`` further engagements
   of a survivor after its kill assessment (shoot-look-shoot), and **layer hand-over**: with hand-over, a target is
   offered only to the highest layer (midcourse, upper, lower, cruise-missile defence, short range) that still has
   a window and engagements left, and only while nothing is in flight at it -- what leaks through a layer is
   handed to the next; without it, every layer fires as soon as it can.

It sees only tracks and what the discrimination told it (decoys recognised, or not); the engine resolves the
shots against the truth.
"""

from dataclasses import dataclass, field

import numba
import numpy as np
from scipy.spatial import cKDTree

from goldendome.c2.assets import Assets, hit_probability
from goldendome.c2.forecast import Forecast, ballistic_forecast, heading_path, interp_at
from goldendome.c2.wta import assign_salvos
from goldendome.effectors.interceptors import Interceptor, Layer, reach_time_scalar
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef
from goldendome.physics.greatcircle import ground_range_m
from goldendome.physics.timescale import gmst_at

LAYERS = tuple(ly.value for ly in Layer)
"""Layers from the first to get a shot (the highest, longest-range) to the last (the catalogue's Layer enum)."""

REASONS = ("no interceptors left", "outside every layer's envelope", "open ground")
"""Why a threatening object was not engaged, weightiest first: it was in an envelope once but the rounds were gone;
it never came within any battery's envelope; it never threatened a defended asset. A decision's notes carry the
index into this tuple."""
NO_ROUNDS, OUTSIDE, OPEN_GROUND = range(3)

REFRESH_S = 20.0
"""Impact forecasts are recomputed every this many seconds (on a common grid, all due tracks at once): the tracks
improve, the flights are long."""

CORRIDOR_M = 50e3
"""Half-width (m) of the course corridor in which a manoeuvring track is taken to threaten an asset (ASSUMPTION)."""

SAME_OBJECT_M = 10e3
"""A new track this close to where a dropped engaged track's object is now is taken to be that object (ASSUMPTION:
the forecast's drift over a few minutes of a track break, from a few m/s of velocity error)."""

MANOEUVRING = ("cruise", "glide")
"""Perceived classes whose paths are extrapolated along their course rather than flown ballistically."""


@dataclass(frozen=True)
class BatterySpec:
    """A battery as the battle manager knows it: its interceptor, site (rad, m), launchers, rounds, doctrine and
    command latency."""

    name: str
    weapon: Interceptor
    lat_rad: float
    lon_rad: float
    launchers: int
    inventory: int
    shots: int
    looks: int
    latency_s: float

    @property
    def site_ecef_m(self) -> np.ndarray:
        return geodetic_to_ecef(self.lat_rad, self.lon_rad, 0.0)

    @property
    def layer(self) -> str:
        return self.weapon.layer


@dataclass(frozen=True)
class Order:
    """One engagement ordered by a decision: battery b fires `shots` at a track, launched at t_launch_s to meet it
    at t_intercept_s at the predicted intercept point (ECEF, m)."""

    t_decision_s: float
    battery: int
    track_id: int
    shots: int
    t_launch_s: float
    t_intercept_s: float
    pip_ecef_m: np.ndarray
    value: float
    asset: str


@dataclass(frozen=True)
class Assessment:
    """What the threat evaluation made of a track: value at risk, probability of hitting any defended asset, the
    most threatened asset, and the predicted impact (rad, s; NaN for a manoeuvring track)."""

    value: float
    p_any: float
    asset: str
    lat_rad: float
    lon_rad: float
    t_impact_s: float


@dataclass(frozen=True, eq=False)
class Notes:
    """Why tracks of one decision were not engaged: track ids and reasons (indices into REASONS), in the order the
    decision found them."""

    track: np.ndarray
    reason: np.ndarray

    @staticmethod
    def empty() -> "Notes":
        return Notes(np.zeros(0, int), np.zeros(0, int))


_GROW = 1024  # track-id tables grow by at least this many rows at a time


@dataclass
class BattleManager:
    """The decision state of one battle: rounds left, fire times (for reloads), engagements in flight and done, and
    every track's latest forecast and threat assessment.

    What it knows of a track is held in tables indexed by track id (engagements and busy times per layer, the
    forecast's impact and the assessed value), and the forecast paths of all tracks in one pool of samples, each
    track owning a segment; with each path sample the fly-out time of every battery's interceptor to it (NaN where
    the sample is outside the battery's envelope). A decision is then array work over tracks x batteries: no
    per-track Python loop.
    """

    batteries: list[BatterySpec]
    assets: Assets
    epoch: object
    handover: bool = True
    assessment_s: float = 10.0
    engage_threshold: float = 0.02
    cost_weight: float = 0.0
    track_breaks: bool = True  # tracks can break and restart under new ids (a sensor picture; not perfect tracks)
    rounds_left: np.ndarray = field(init=False)
    fired_at: list = field(init=False)

    def __post_init__(self):
        unknown = sorted({b.layer for b in self.batteries} - set(LAYERS))
        if unknown:
            raise ValueError(f"batteries of unknown layer(s) {', '.join(unknown)}; layers are {', '.join(LAYERS)}")
        b_n, l_n = len(self.batteries), len(LAYERS)
        self.rounds_left = np.array([b.inventory for b in self.batteries], int)
        self.fired_at = [np.zeros(0) for _ in self.batteries]
        self._layer = np.array([LAYERS.index(b.layer) for b in self.batteries], int)
        self._present = np.zeros(l_n, bool)
        self._present[self._layer] = True
        self._looks = np.zeros(l_n, int)  # further engagements after a kill assessment, per layer (its batteries' most)
        np.maximum.at(self._looks, self._layer, [b.looks for b in self.batteries])
        self._sites = np.array([b.site_ecef_m for b in self.batteries]).reshape(-1, 3)
        self._latency = np.array([b.latency_s for b in self.batteries], float)
        self._unit_cost = np.array([b.weapon.round_cost_musd for b in self.batteries], float)
        # each battery's envelope and fly-out: lowest and highest altitude, range, burnout speed, burn time
        self._envelope = np.array(
            [
                [
                    b.weapon.min_altitude_m,
                    b.weapon.max_altitude_m,
                    b.weapon.max_range_m,
                    b.weapon.burnout_speed_mps,
                    b.weapon.burn_time_s,
                ]
                for b in self.batteries
            ],
            float,
        ).reshape(-1, 5)
        self._pk_cache: dict = {}
        self._any_engaged = False
        # tables by track id
        self._n = 0
        self._eng = np.zeros((0, l_n), np.int64)  # engagements so far, per layer
        self._busy = np.zeros((0, l_n + 1))  # free again after; per layer, and (last column) any layer (hand-over)
        self._fc_t = np.zeros(0)  # time of the latest forecast (NaN: none)
        self._settled = np.zeros(0, bool)  # all batteries empty, the track noted 'no interceptors left'
        self._value = np.zeros(0)
        self._p_any = np.zeros(0)
        self._asset = np.zeros(0, np.int64)  # most threatened asset (-1: none)
        self._seg = np.zeros((0, 2), np.int64)  # the forecast path's segment in the pool: start, length
        # the pool of forecast path samples
        self._used = 0
        self._path_t = np.zeros(0)
        self._path_ecef = np.zeros((0, 3))
        self._fly = np.zeros((b_n, 0))  # fly-out time of each battery's interceptor to each sample (NaN: out of reach)

    # -- tables ------------------------------------------------------------------------------------------------------

    def _grow(self, n_ids: int) -> None:
        """Make room for track ids below n_ids."""
        if n_ids <= self._n:
            return
        new = max(n_ids, self._n + _GROW, 2 * self._n)
        extra = new - self._n

        def pad(a, fill):
            return np.concatenate([a, np.full((extra,) + a.shape[1:], fill, a.dtype)])

        self._eng = pad(self._eng, 0)
        self._busy = pad(self._busy, -1.0)
        self._fc_t = pad(self._fc_t, np.nan)
        self._settled = pad(self._settled, False)
        self._value = pad(self._value, 0.0)
        self._p_any = pad(self._p_any, 0.0)
        self._asset = pad(self._asset, -1)
        self._seg = pad(self._seg, 0)
        self._n = new

    def _store_paths(self, tid: np.ndarray, fc: Forecast, t: float) -> None:
        """Put the forecast paths of tracks tid (fc's tracks in order) into the pool, with each battery's fly-out time
        to every sample (NaN where the sample is outside its envelope: altitude band, range)."""
        counts = np.bincount(fc.path_track, minlength=fc.n) if fc.path_track.size else np.zeros(fc.n, int)
        m = int(counts.sum())
        if self._used + m > self._path_t.size:
            self._compact(t, m)
        lo = self._used
        self._path_t[lo : lo + m] = fc.path_t_s
        self._path_ecef[lo : lo + m] = fc.path_ecef_m
        _reach_kernel(
            np.ascontiguousarray(fc.path_ecef_m, float),
            np.ascontiguousarray(fc.path_alt_m, float),
            self._sites,
            self._envelope,
            self._fly[:, lo : lo + m],
        )
        self._seg[tid, 0] = lo + np.concatenate([[0], np.cumsum(counts)[:-1]])
        self._seg[tid, 1] = counts
        self._used += m

    def _compact(self, t: float, need: int) -> None:
        """Drop superseded segments and paths that ended before t (no window or track break can use them), and make
        room for `need` more samples."""
        start, length = self._seg[:, 0], self._seg[:, 1]
        keep = length > 0
        keep[keep] = self._path_t[start[keep] + length[keep] - 1] >= t
        ids = np.flatnonzero(keep)
        lens = length[ids]
        total = int(lens.sum())
        src = np.repeat(start[ids] - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(total)
        cap = max(2 * (total + need), 4096)
        path_t, path_ecef, fly = np.empty(cap), np.empty((cap, 3)), np.empty((len(self.batteries), cap))
        path_t[:total] = self._path_t[src]
        path_ecef[:total] = self._path_ecef[src]
        fly[:, :total] = self._fly[:, src]
        self._path_t, self._path_ecef, self._fly = path_t, path_ecef, fly
        self._seg[:, 1] = 0
        self._seg[ids, 0] = np.concatenate([[0], np.cumsum(lens)[:-1]])
        self._seg[ids, 1] = lens
        self._used = total

    # -- threat evaluation -------------------------------------------------------------------------------------------

    def ready(self, t: float) -> np.ndarray:
        """(B,) rounds each battery can launch now: its launchers' rounds, less those fired within its reload time
        (all of them when it does not reload), and never more than it has left."""
        out = np.zeros(len(self.batteries), int)
        for b, bat in enumerate(self.batteries):
            loaded = bat.launchers * bat.weapon.rounds_per_launcher
            fired = self.fired_at[b]
            recent = fired.size if bat.weapon.reload_s <= 0 else int(np.count_nonzero(fired > t - bat.weapon.reload_s))
            out[b] = max(0, min(self.rounds_left[b], loaded - recent))
        return out

    def evaluate(self, t: float, ids, x, p, perceived: np.ndarray) -> None:
        """Threat evaluation of tracks (ids (N,), ECI states (N, 6), covariances (N, 6, 6) at t, perceived classes
        (N,)): the forecasts and assessments of those whose latest forecast is older than the current REFRESH_S
        grid point are made again, all at once (ballistic ones flown in one batch, manoeuvring ones extrapolated);
        settled tracks (every battery empty, the track noted 'no interceptors left': nothing a review finds can change
        what happens to it or why) keep theirs."""
        ids = np.asarray(ids, int)
        if ids.size == 0:
            return
        self._grow(int(ids.max()) + 1)
        grid = np.floor(t / REFRESH_S) * REFRESH_S
        stale = np.flatnonzero(~(self._fc_t[ids] >= grid) & ~self._settled[ids])  # NaN (never forecast) is stale
        if stale.size == 0:
            return
        man = np.isin(perceived[stale], MANOEUVRING)
        for sel, fn in ((stale[~man], ballistic_forecast), (stale[man], heading_path)):
            if sel.size == 0:
                continue
            fc = fn(x[sel], p[sel], t, self.epoch)
            tid = ids[sel]
            self._fc_t[tid] = t
            self._value[tid], self._p_any[tid], self._asset[tid] = self._assess(fc)
            self._store_paths(tid, fc, t)

    def _assess(self, fc: Forecast):
        """(value at risk, probability of hitting any asset, most threatened asset or -1) of each forecast track:
        a ballistic one by its impact's hit probabilities, a manoeuvring one (or a ballistic one with no impact but a
        path) by the most valuable asset within the corridor of its course."""
        a = self.assets
        value, p_any, asset = np.zeros(fc.n), np.zeros(fc.n), np.full(fc.n, -1)
        if len(a) == 0:
            return value, p_any, asset
        ball = np.flatnonzero(fc.valid)
        if ball.size:
            ph = np.nan_to_num(hit_probability(a, fc.lat_rad[ball], fc.lon_rad[ball], fc.cov_en_m2[ball]))
            worth = ph * a.value
            m = np.argmax(worth, axis=1)
            value[ball] = worth.sum(axis=1)
            p_any[ball] = np.minimum(1.0, ph.sum(axis=1))
            asset[ball] = np.where(ph[np.arange(ball.size), m] > 0, m, -1)
        along = ~fc.valid[fc.path_track] if fc.path_track.size else np.zeros(0, bool)
        if along.any():
            # a course: the assets within the corridor of any of its path samples
            track = fc.path_track[along]
            lat, lon, _ = ecef_to_geodetic(fc.path_ecef_m[along])
            close = ground_range_m(lat[:, None], lon[:, None], a.lat_rad[None, :], a.lon_rad[None, :])
            close = close <= CORRIDOR_M + a.radius_m[None, :]
            rows, first = np.unique(track, return_index=True)
            near = np.logical_or.reduceat(close, first, axis=0)
            hit = near.any(axis=1)
            m = np.argmax(np.where(near, a.value[None, :], -1.0), axis=1)
            value[rows[hit]] = a.value[m[hit]]
            p_any[rows[hit]] = 1.0
            asset[rows[hit]] = m[hit]
        return value, p_any, asset

    def _kill_probabilities(self, perceived: np.ndarray) -> np.ndarray:
        """(B, N) single-shot kill probability of each battery's interceptor against each perceived class."""
        classes, inverse = np.unique(perceived.astype(str), return_inverse=True)
        table = np.empty((len(self.batteries), classes.size))
        for j, c in enumerate(classes):
            if c not in self._pk_cache:
                self._pk_cache[c] = [b.weapon.kill_probability(str(c)) for b in self.batteries]
            table[:, j] = self._pk_cache[c]
        return table[:, inverse.ravel()]

    # -- the decision ------------------------------------------------------------------------------------------------

    def decide(self, t: float, ids, x, p, perceived, decoy_flag) -> tuple[list[Order], Notes]:
        """One decision cycle at t over confirmed tracks (ids, ECI x (N, 6), P (N, 6, 6)), their perceived classes and
        whether each was recognised as a decoy. Returns the orders and the notes (track, why not engaged)."""
        ids = np.asarray(ids, int)
        if ids.size == 0 or not self.batteries:
            return [], Notes.empty()
        self._grow(int(ids.max()) + 1)
        perceived = np.asarray(perceived, dtype=object)
        # candidates: not recognised as decoys, not under fire (by any layer with hand-over, by a layer otherwise)
        cand = np.flatnonzero(~np.asarray(decoy_flag, bool) & (perceived != "boost"))
        if self._any_engaged:
            # a track every layer has engaged as often as its doctrine allows needs no more evaluation
            done = (self._eng[ids[cand]] >= 1 + self._looks) | ~self._present
            cand = cand[~done.all(axis=1)]
        if cand.size == 0:
            return [], Notes.empty()
        if self.track_breaks:
            # every candidate's forecast is kept fresh, those under fire too: a track break is recognised by them
            self.evaluate(t, ids[cand], x[cand], p[cand], perceived[cand])
            self._inherit(t, ids[cand], x[cand])
        if self.handover:
            cand = cand[self._busy[ids[cand], -1] <= t]
        if cand.size == 0:
            return [], Notes.empty()
        tid = ids[cand]
        self.evaluate(t, tid, x[cand], p[cand], perceived[cand])
        value = self._value[tid]
        threat = self._p_any[tid] >= self.engage_threshold
        t_launch = t + self._latency
        first, _ = self.windows(tid, t_launch)
        open_ = first >= 0
        pk_class = self._kill_probabilities(perceived[cand])
        usable = open_ & (pk_class > 0) & (self.rounds_left[:, None] > 0) & threat[None, :]
        in_envelope = (open_ & (pk_class > 0)).any(axis=0)
        unusable = np.flatnonzero(threat & ~usable.any(axis=0))
        notes = Notes(
            np.concatenate([tid[~threat], tid[unusable]]),
            np.concatenate(
                [np.full(int((~threat).sum()), OPEN_GROUND), np.where(in_envelope[unusable], NO_ROUNDS, OUTSIDE)]
            ),
        )
        if not np.any(self.rounds_left > 0):
            # every battery empty, for good (inventories do not come back): a threat in an envelope has its reason,
            # the weightiest there is; its forecast needs no more reviews (a raid's thousands of tracks otherwise
            # go on being flown every REFRESH_S after the last round is gone, for nothing)
            self._settled[tid[unusable[in_envelope[unusable]]]] = True
        # columns: (target, layer) pairs a layer may still engage, highest layer first
        by_layer = np.zeros((len(LAYERS), cand.size), bool)
        np.logical_or.at(by_layer, self._layer, usable)
        allowed = by_layer & (self._eng[tid].T < 1 + self._looks[:, None])
        if self.handover:
            has = allowed.any(axis=0)
            cols_t = np.flatnonzero(has)
            cols_layer = np.argmax(allowed, axis=0)[has]
        else:
            allowed &= self._busy[tid, :-1].T <= t
            cols_t, cols_layer = np.nonzero(allowed.T)
        if cols_t.size == 0:
            return [], notes
        pk = pk_class[:, cols_t] * usable[:, cols_t]
        pk *= self._layer[:, None] == cols_layer[None, :]
        max_shots = max(b.shots for b in self.batteries)
        plan = assign_salvos(
            value[cols_t],
            pk,
            self.rounds_left,
            self._unit_cost,
            max_shots=max_shots,
            cost_weight=self.cost_weight,
            ready=self.ready(t),
            method="auto",
        )
        orders = []
        for b, c in zip(*np.nonzero(plan.shots), strict=True):
            n = int(min(plan.shots[b, c], self.batteries[b].shots))
            k, ly = int(cols_t[c]), int(cols_layer[c])
            track = int(tid[k])
            j = int(first[b, k])
            t_int = float(self._path_t[j])
            asset = self.assets.names[self._asset[track]] if self._asset[track] >= 0 else ""
            orders.append(
                Order(t, int(b), track, n, float(t_launch[b]), t_int, self._path_ecef[j].copy(), float(value[k]), asset)
            )
            self.rounds_left[b] -= n
            self.fired_at[b] = np.append(self.fired_at[b], np.full(n, float(t_launch[b])))
            self._eng[track, ly] += 1
            self._busy[track, -1 if self.handover else ly] = t_int + self.assessment_s
            self._any_engaged = True
        return orders, notes

    def windows(self, tid: np.ndarray, t_launch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Engagement windows of every battery (launching at t_launch (B,)) against tracks tid, on their latest
        forecast paths: (B, N) pool indices of the first and the last reachable path sample (-1: none). A sample at
        time T is reachable when T >= t_launch + the fly-out time to it, inside the envelope (see
        :mod:`goldendome.c2.windows`, whose rule this is, here searched in one compiled pass over the pool)."""
        first = np.full((len(self.batteries), tid.size), -1, np.int64)
        last = first.copy()
        _window_kernel(
            np.ascontiguousarray(self._seg[tid, 0]),
            np.ascontiguousarray(self._seg[tid, 1]),
            self._path_t,
            self._fly,
            np.ascontiguousarray(t_launch, float),
            first,
            last,
        )
        return first, last

    def _inherit(self, t: float, ids, x) -> None:
        """A new track on an object already under fire (the tracker dropped the old one and started again) inherits
        the old track's engagements: a new track is that object if the old track has left the candidates and the new
        one is within SAME_OBJECT_M of where the old track's forecast path puts its object now. Without this a track
        break would be shot at twice."""
        if not self._any_engaged:
            return
        engaged = self._eng[ids].any(axis=1)
        new = np.flatnonzero(~engaged)
        if new.size == 0:
            return
        old = np.setdiff1d(np.flatnonzero(self._eng.any(axis=1)), ids)
        if old.size == 0:
            return
        at = np.full((old.size, 3), np.nan)
        _path_at_kernel(
            np.ascontiguousarray(self._seg[old, 0]),
            np.ascontiguousarray(self._seg[old, 1]),
            self._path_t,
            self._path_ecef,
            float(t),
            at,
        )
        on = np.isfinite(at[:, 0])
        if not on.any():
            return
        old, at = old[on], at[on]
        pos = eci_to_ecef(np.asarray(x)[new, :3], float(gmst_at(self.epoch, t)))
        # pairs near each other by a k-d tree (no new x old matrix), then the exact distance test
        near = cKDTree(pos).sparse_distance_matrix(cKDTree(at), 1.01 * SAME_OBJECT_M, output_type="ndarray")
        rows, cols = near["i"].astype(int), near["j"].astype(int)
        same = np.linalg.norm(pos[rows] - at[cols], axis=1) < SAME_OBJECT_M
        rows, cols = rows[same], cols[same]
        if rows.size == 0:
            return
        heir = ids[new[rows]]
        np.maximum.at(self._eng, heir, self._eng[old[cols]])
        np.maximum.at(self._busy, heir, self._busy[old[cols]])


@numba.njit(cache=True)
def _window_kernel(start, length, path_t, fly, t_launch, first, last):  # pragma: no cover - compiled
    """First and last path sample of each track's segment reachable by each battery (fly NaN: out of envelope,
    never reachable)."""
    for c in range(start.shape[0]):
        s0, s1 = start[c], start[c] + length[c]
        for b in range(t_launch.shape[0]):
            tl = t_launch[b]
            for j in range(s0, s1):
                if path_t[j] >= tl + fly[b, j]:
                    first[b, c] = j
                    break
            if first[b, c] >= 0:
                for j in range(s1 - 1, first[b, c] - 1, -1):
                    if path_t[j] >= tl + fly[b, j]:
                        last[b, c] = j
                        break


@numba.njit(cache=True)
def _path_at_kernel(start, length, path_t, path_ecef, t, out):  # pragma: no cover - compiled
    """Each segment's path position at t (np.interp's arithmetic), where the segment spans t and has two samples."""
    for k in range(start.shape[0]):
        s0, s1 = start[k], start[k] + length[k]
        if s1 - s0 < 2 or not (path_t[s0] <= t <= path_t[s1 - 1]):
            continue
        for j in range(3):
            out[k, j] = interp_at(t, path_t[s0:s1], path_ecef[s0:s1, j])


@numba.njit(cache=True)
def _reach_kernel(path_ecef, path_alt, sites, envelope, fly):  # pragma: no cover - compiled
    """Each battery's fly-out time to every path sample, NaN outside its envelope (altitude band, range): the reach
    test of :func:`goldendome.effectors.interceptors.engageable` (:func:`reach_time_scalar`, inlined), at the
    distance np.linalg.norm gives, sample by sample."""
    for b in range(sites.shape[0]):
        lo_h, hi_h, reach, v, tb = envelope[b, 0], envelope[b, 1], envelope[b, 2], envelope[b, 3], envelope[b, 4]
        for j in range(path_alt.shape[0]):
            dx, dy, dz = path_ecef[j, 0] - sites[b, 0], path_ecef[j, 1] - sites[b, 1], path_ecef[j, 2] - sites[b, 2]
            fly[b, j] = reach_time_scalar(np.sqrt(dx * dx + dy * dy + dz * dz), path_alt[j], lo_h, hi_h, reach, v, tb)
