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

import numpy as np

from goldendome.c2.assets import Assets, hit_probability
from goldendome.c2.forecast import Forecast, ballistic_forecast, heading_path
from goldendome.c2.windows import engagement_windows
from goldendome.c2.wta import assign_salvos
from goldendome.effectors.interceptors import Interceptor
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef
from goldendome.physics.greatcircle import ground_range_m
from goldendome.physics.timescale import gmst_at

LAYERS = ("midcourse", "upper", "lower", "cmd", "short_range")
"""Layers from the first to get a shot (the highest, longest-range) to the last."""

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


@dataclass
class BattleManager:
    """The decision state of one battle: rounds left, fire times (for reloads), engagements in flight and done."""

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
    busy_until: dict = field(init=False, default_factory=dict)  # (track, layer or '') -> time it is free again
    engagements: dict = field(init=False, default_factory=dict)  # (track, layer) -> engagements so far
    _cache: dict = field(init=False, default_factory=dict)  # track -> (t, Forecast of one track, Assessment)

    def __post_init__(self):
        self.rounds_left = np.array([b.inventory for b in self.batteries], int)
        self.fired_at = [[] for _ in self.batteries]

    def ready(self, t: float) -> np.ndarray:
        """(B,) rounds each battery can launch now: its launchers' rounds, less those fired within its reload time
        (all of them when it does not reload), and never more than it has left."""
        out = np.zeros(len(self.batteries), int)
        for b, bat in enumerate(self.batteries):
            loaded = bat.launchers * bat.weapon.rounds_per_launcher
            fired = self.fired_at[b]
            recent = len(fired) if bat.weapon.reload_s <= 0 else sum(1 for f in fired if f > t - bat.weapon.reload_s)
            out[b] = max(0, min(self.rounds_left[b], loaded - recent))
        return out

    def evaluate(self, t: float, ids, x, p, perceived: np.ndarray) -> tuple[list[Assessment], Forecast]:
        """Threat evaluation of tracks (ids (N,), ECI states (N, 6), covariances (N, 6, 6) at t, perceived classes
        (N,)): an Assessment and the forecast path of each (cached forecasts reused for REFRESH_S)."""
        # refreshed on a common grid of REFRESH_S, so that the tracks due go to the integrator in one batch
        epoch = np.floor(t / REFRESH_S) * REFRESH_S
        stale = [k for k, i in enumerate(ids) if int(i) not in self._cache or self._cache[int(i)][0] < epoch]
        if stale:
            st = np.array(stale)
            man = np.isin(perceived[st], MANOEUVRING)
            fresh = {}
            for sel, fn in ((st[~man], ballistic_forecast), (st[man], heading_path)):
                if sel.size:
                    fc = fn(x[sel], p[sel], t, self.epoch)
                    for j, k in enumerate(sel):
                        fresh[int(k)] = fc.take([j])
            keys = list(fresh)
            for k, a in zip(keys, self._assess([fresh[k] for k in keys]), strict=True):
                self._cache[int(ids[k])] = (t, fresh[k], a)
        fcs = [self._cache[int(i)][1] for i in ids]
        return [self._cache[int(i)][2] for i in ids], Forecast.concatenate(fcs)

    def _assess(self, fcs: list[Forecast]) -> list[Assessment]:
        """Assessments of single-track forecasts: ballistic ones by their impact's hit probabilities (one batched
        call), manoeuvring ones by the assets along their course."""
        a = self.assets
        none = Assessment(0.0, 0.0, "", np.nan, np.nan, np.nan)
        out = [none] * len(fcs)
        if len(a) == 0:
            return out
        ball = [k for k, fc in enumerate(fcs) if fc.valid[0]]
        if ball:
            fc = Forecast.concatenate([fcs[k] for k in ball])
            ph = np.nan_to_num(hit_probability(a, fc.lat_rad, fc.lon_rad, fc.cov_en_m2))
            worth = ph * a.value
            for j, k in enumerate(ball):
                m = int(np.argmax(worth[j]))
                out[k] = Assessment(float(worth[j].sum()), float(min(1.0, ph[j].sum())),
                                    a.names[m] if ph[j, m] > 0 else "", float(fc.lat_rad[j]), float(fc.lon_rad[j]),
                                    float(fc.t_impact_s[j]))  # fmt: skip
        for k, fc in enumerate(fcs):
            if fc.valid[0] or fc.path_t_s.size == 0:
                continue
            # a manoeuvring track: the most valuable asset within the corridor of its extrapolated course
            lat, lon, _ = ecef_to_geodetic(fc.path_ecef_m)
            near = np.array([np.any(ground_range_m(lat, lon, a.lat_rad[m], a.lon_rad[m]) <= CORRIDOR_M + a.radius_m[m])
                             for m in range(len(a))])  # fmt: skip
            if near.any():
                m = int(np.argmax(np.where(near, a.value, -1.0)))
                out[k] = Assessment(float(a.value[m]), 1.0, a.names[m], np.nan, np.nan, np.nan)
        return out

    def decide(self, t: float, ids, x, p, perceived, decoy_flag) -> tuple[list[Order], list[tuple[int, str]]]:
        """One decision cycle at t over confirmed tracks (ids, ECI x (N, 6), P (N, 6, 6)), their perceived classes and
        whether each was recognised as a decoy. Returns the orders and notes (track, why not engaged)."""
        ids = np.asarray(ids, int)
        notes: list[tuple[int, str]] = []
        if ids.size == 0 or not self.batteries:
            return [], notes
        perceived = np.asarray(perceived, dtype=object)
        layer_of = [b.layer for b in self.batteries]
        # candidates: not recognised as decoys, not under fire (by any layer with hand-over, by a layer otherwise)
        cand = np.flatnonzero(~np.asarray(decoy_flag, bool) & (perceived != "boost"))
        # a track every layer has engaged as often as its doctrine allows needs no more evaluation
        cand = cand[[not self._exhausted(int(ids[k])) for k in cand]] if self.engagements else cand
        if cand.size == 0:
            return [], notes
        if self.track_breaks:
            # every candidate's forecast is kept fresh, those under fire too: a track break is recognised by them
            self.evaluate(t, ids[cand], x[cand], p[cand], perceived[cand])
            self._inherit(t, ids[cand], x[cand])
        if self.handover:
            cand = np.array([k for k in cand if self.busy_until.get((int(ids[k]), ""), -1.0) <= t], int)
        if cand.size == 0:
            return [], notes
        assessments, fc = self.evaluate(t, ids[cand], x[cand], p[cand], perceived[cand])
        value = np.array([a.value for a in assessments])
        threat = np.array([a.p_any for a in assessments]) >= self.engage_threshold
        for k in np.flatnonzero(~threat):
            notes.append((int(ids[cand[k]]), "open ground"))
        sites = np.array([b.site_ecef_m for b in self.batteries])
        t_launch = t + np.array([b.latency_s for b in self.batteries])
        win = engagement_windows(fc, sites, [b.weapon for b in self.batteries], t_launch)
        pk_class = np.array([[b.weapon.kill_probability(str(c)) for c in perceived[cand]] for b in self.batteries])
        usable = win.open & (pk_class > 0) & (self.rounds_left[:, None] > 0) & threat[None, :]
        in_envelope = (win.open & (pk_class > 0)).any(axis=0)
        for k in np.flatnonzero(threat & ~usable.any(axis=0)):
            why = "no interceptors left" if in_envelope[k] else "outside every layer's envelope"
            notes.append((int(ids[cand[k]]), why))
        # columns: (target, layer) pairs a layer may still engage
        cols_t, cols_layer = [], []
        for k in np.flatnonzero(usable.any(axis=0)):
            tid = int(ids[cand[k]])
            layers = [ly for ly in LAYERS if any(usable[b, k] and layer_of[b] == ly for b in range(len(layer_of)))]
            layers = [ly for ly in layers if self.engagements.get((tid, ly), 0) < 1 + self._looks(ly)]
            if not self.handover:
                layers = [ly for ly in layers if self.busy_until.get((tid, ly), -1.0) <= t]
            for ly in layers[:1] if self.handover else layers:
                cols_t.append(k)
                cols_layer.append(ly)
        if not cols_t:
            return [], notes
        cols_t = np.array(cols_t)
        pk = pk_class[:, cols_t] * usable[:, cols_t]
        pk *= np.array([[layer_of[b] == ly for ly in cols_layer] for b in range(len(layer_of))])
        ready = self.ready(t)
        unit_cost = np.array([b.weapon.unit_cost_musd for b in self.batteries])
        max_shots = max(b.shots for b in self.batteries)
        plan = assign_salvos(value[cols_t], pk, self.rounds_left, unit_cost, max_shots=max_shots,
                             cost_weight=self.cost_weight, ready=ready)  # fmt: skip
        orders = []
        for b, c in zip(*np.nonzero(plan.shots), strict=True):
            n = int(min(plan.shots[b, c], self.batteries[b].shots))
            k, ly = int(cols_t[c]), cols_layer[c]
            tid = int(ids[cand[k]])
            t_int = float(win.t_first_s[b, k])
            orders.append(Order(t, int(b), tid, n, float(t_launch[b]), t_int, win.pip_ecef_m[b, k].copy(),
                                float(value[k]), assessments[k].asset))  # fmt: skip
            self.rounds_left[b] -= n
            self.fired_at[b] += [float(t_launch[b])] * n
            self.engagements[(tid, ly)] = self.engagements.get((tid, ly), 0) + 1
            self.busy_until[(tid, "" if self.handover else ly)] = t_int + self.assessment_s
        return orders, notes

    def _inherit(self, t: float, ids, x) -> None:
        """A new track on an object already under fire (the tracker dropped the old one and started again) inherits
        the old track's engagements: a new track is that object if the old track has left the picture and the new
        one is within SAME_OBJECT_M of where the old track's forecast path puts its object now. Without this a track
        break would be shot at twice."""
        if not self.busy_until:
            return
        engaged = {key[0] for key in self.engagements}
        new = [k for k, i in enumerate(ids) if int(i) not in engaged]
        engaged -= {int(i) for i in ids}  # an engaged track still in the picture follows its own object
        if not new:
            return
        theta = float(gmst_at(self.epoch, t))
        pos = eci_to_ecef(np.asarray(x)[new, :3], theta)
        for old in engaged:
            entry = self._cache.get(old)
            if entry is None:
                continue
            path = entry[1]
            if path.path_t_s.size < 2 or not path.path_t_s[0] <= t <= path.path_t_s[-1]:
                continue
            at = np.array([np.interp(t, path.path_t_s, path.path_ecef_m[:, j]) for j in range(3)])
            for j in np.flatnonzero(np.linalg.norm(pos - at, axis=1) < SAME_OBJECT_M):
                tid = int(ids[new[j]])
                for (trk, layer), n in list(self.engagements.items()):
                    if trk == old:
                        self.engagements[(tid, layer)] = max(self.engagements.get((tid, layer), 0), n)
                for (trk, layer), until in list(self.busy_until.items()):
                    if trk == old:
                        self.busy_until[(tid, layer)] = max(self.busy_until.get((tid, layer), -1.0), until)

    def _exhausted(self, track: int) -> bool:
        layers = {b.layer for b in self.batteries}
        return all(self.engagements.get((track, ly), 0) >= 1 + self._looks(ly) for ly in layers)

    def _looks(self, layer: str) -> int:
        return max((b.looks for b in self.batteries if b.layer == layer), default=0)

