"""A multi-target tracker over batches: predict, gate, associate (GNN), update, initiate, confirm, delete.

Tracks live in one struct-of-arrays table (states (N, 6), covariances (N, 6, 6), times, histories); a scan from
any sensor is one call to :meth:`Tracker.step`. Scans from several sensors, processed in time order, update the same
tracks one after another: that is centralised measurement fusion (Bar-Shalom, Willett & Tian, *Tracking and Data
Fusion*, 2011, sec. 8.2).

Track management (Blackman & Popoli 1999, sec. 3.2): a detection no track takes starts a tentative track at the
converted measurement position, with the velocity unknown (zero, with a wide covariance); a track is confirmed when
it has been hit on M of its last N looks, a tentative track that cannot reach M is dropped, and a confirmed track
is deleted after max_misses looks in a row without a detection. A look is a scan of a sensor that covers the track.

With ``delete_probability`` set, a confirmed track's run of misses must also be unlikely for a real object at its
own detection rate: it is deleted once (1 - Pd)^misses <= delete_probability as well, Pd estimated from its record
(hits over looks up to its last hit, with Laplace's rule of succession, (h + 1) / (n + 2)). That is the sequential
test of a track's existence with the detection probability a look at it actually has (the deletion side of the
track score: a miss lowers the log likelihood ratio by ln(1 - Pd); Blackman & Popoli 1999, sec. 6.2). At 1 %, a
track held at Pd 0.95 goes after max_misses misses, one held at Pd 0.5 -- a small cross-section near the edge of a
radar's reach, a look every second or two -- after seven, not after four looks in which it would be missed one time
in sixteen (and started again under a new id: fragments, and the battle manager's work on every new id).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from scipy.stats import chi2

from goldendome.tracking import filters
from goldendome.tracking.association import candidate_pairs, gnn_assign, jpda_weights
from goldendome.tracking.measurements import RadarModel

GATE_PROBABILITY = 0.9999
"""Gate: the chi-square point with as many degrees of freedom as the measurement that a true detection passes with
this probability (21.11 for a radar's 3 coordinates: outside 1 time in 10^4)."""


@dataclass
class TrackTable:
    """All tracks as arrays. history: bit k set if the track was hit k looks ago (bit 0: the latest)."""

    x: np.ndarray = field(default_factory=lambda: np.zeros((0, 6)))
    p: np.ndarray = field(default_factory=lambda: np.zeros((0, 6, 6)))
    t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    track_id: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    history: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    hits: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # looks that hit it, over its life
    looks: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    misses: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    confirmed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # IMM only: mode-matched states (N, r, 6), covariances (N, r, 6, 6), mode probabilities (N, r); r = 0 otherwise
    xm: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 6)))
    pm: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 6, 6)))
    mu: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def __len__(self) -> int:
        return self.x.shape[0]

    def keep(self, mask) -> None:
        for name in self.__dataclass_fields__:
            kept = getattr(self, name)[mask]
            if name in _ROOMY and self._is_view(name):
                buf = self._room[name]
                buf[: len(kept)] = kept  # compacted where it is: the room stays
                kept = buf[: len(kept)]
                self._views[name] = kept
            setattr(self, name, kept)

    def append(self, other: "TrackTable") -> None:
        empty = len(self) == 0  # an empty table takes the other's shapes (IMM mode axes)
        n, k = len(self), len(other)
        for name in self.__dataclass_fields__:
            theirs = getattr(other, name)
            if name in _ROOMY:
                self._append_in_room(name, n, k, theirs, empty)
            else:
                setattr(self, name, theirs.copy() if empty else np.concatenate([getattr(self, name), theirs]))

    # the large per-track arrays (states, covariances, IMM modes) live at the front of a buffer with room to grow:
    # a look that starts a few tracks writes their rows, not a copy of every track's (a raid starts tracks at most
    # looks); the attribute is the view of the rows in use
    def _is_view(self, name: str) -> bool:
        return getattr(self, "_views", {}).get(name) is getattr(self, name)

    def _append_in_room(self, name: str, n: int, k: int, theirs, empty: bool) -> None:
        if not hasattr(self, "_room"):
            self._room, self._views = {}, {}
        buf = self._room.get(name)
        if empty or not self._is_view(name) or buf.shape[0] < n + k or buf.shape[1:] != theirs.shape[1:]:
            buf = np.empty((max(2 * (n + k), 64),) + theirs.shape[1:], theirs.dtype)
            if not empty:
                buf[:n] = getattr(self, name)
            self._room[name] = buf
        buf[n : n + k] = theirs
        view = buf[: n + k]
        self._views[name] = view
        setattr(self, name, view)


_ROOMY = ("x", "p", "t", "xm", "pm", "mu")


@cache
def _chi2_gate(probability: float, dof: int) -> float:
    return float(chi2.ppf(probability, dof))


@dataclass
class Tracker:
    """GNN tracker with M-of-N confirmation. model: a motion model of :mod:`goldendome.tracking.filters`;
    velocity_sigma_mps: 1-sigma of each velocity component of a new track."""

    model: object = field(default_factory=filters.ConstantVelocity)
    gate_probability: float = GATE_PROBABILITY
    gate: float | None = None  # an explicit chi-square threshold instead (same for every sensor)
    confirm_m: int = 3
    confirm_n: int = 5
    max_misses: int = 3
    delete_probability: float | None = None  # also (1 - Pd)^misses at most this before a confirmed track goes
    velocity_sigma_mps: float = 3000.0
    unscented: bool = False  # UKF instead of EKF (prediction and update; gating stays linearised)
    association: str = "gnn"  # "gnn" | "jpda" (JPDA: EKF, single model)
    pd: float = 0.9  # detection probability assumed by JPDA
    clutter_density: float = 1e-9  # JPDA: false detections per unit measurement volume (m rad^2)
    tracks: TrackTable = field(default_factory=TrackTable)
    next_id: int = 0

    def _gamma(self, dof: int) -> float:
        """The gate's chi-square threshold for measurements of dof coordinates."""
        return _chi2_gate(self.gate_probability, dof) if self.gate is None else float(self.gate)

    @property
    def imm(self) -> bool:
        return isinstance(self.model, filters.IMM)

    def predict_to(self, t: float) -> None:
        """Move every track's state to time t (an IMM: mix, predict each mode, combine). A track already at t is
        left alone: scans of several sensors at one instant update it one after another with no prediction between
        them (sequential processing of synchronous measurements; an IMM mixes its modes once per time step, not
        once per sensor)."""
        tr = self.tracks
        move = tr.t != t
        if not move.any():
            return
        sel = slice(None) if move.all() else np.flatnonzero(move)
        dt = t - tr.t[sel]
        predictor = filters.ukf_predict if self.unscented else filters.predict
        if self.imm:
            tr.xm[sel], tr.pm[sel], tr.mu[sel] = self.model.predict(tr.xm[sel], tr.pm[sel], tr.mu[sel], dt, predictor)
            tr.x[sel], tr.p[sel] = filters.IMM.combine(tr.xm[sel], tr.pm[sel], tr.mu[sel])
        else:
            tr.x[sel], tr.p[sel] = predictor(tr.x[sel], tr.p[sel], self.model, dt)
        tr.t[sel] = float(t)

    def _modes_seen(self, sensor: RadarModel):
        """Every IMM mode's predicted measurements and Jacobians, modes of a track together: (z (N r, m),
        H (N r, m, 6)), row k r + j for mode j of track k (None for a single model)."""
        if not self.imm:
            return None
        return sensor.linearise(self.tracks.xm.reshape(-1, 6))

    def _distance2(self, ti, z, sensor: RadarModel, z_pred, h, r, modes):
        """Squared Mahalanobis distance of detections z from tracks ti; an IMM takes the smallest over its modes (a
        detection any mode explains is in the gate: the manoeuvre mode's wide gate keeps a turning target). r: the
        pairs' noise (K, m, m), or the sensor's (m, m) for all."""
        tr = self.tracks
        c = np.ascontiguousarray
        ti, r = c(ti, np.int64), c(r, float)
        d2 = filters.pair_distance2(c(h, float), c(tr.p), r, c(sensor.innovation(z, z_pred[ti])), ti)
        if modes is None:
            return d2
        n_modes = self.model.r
        zm, hm = modes
        tj = (ti[:, None] * n_modes + np.arange(n_modes)).ravel()  # every mode of each pair's track
        nu = sensor.innovation(np.repeat(z, n_modes, axis=0), zm[tj])
        r_modes = r if r.ndim == 2 else c(np.repeat(r, n_modes, axis=0))
        dm = filters.pair_distance2(hm, c(tr.pm.reshape(-1, 6, 6)), r_modes, c(nu), tj)
        return np.minimum(d2, dm.reshape(-1, n_modes).min(axis=1))

    def _update(self, idx, z, sensor: RadarModel, z_pred, h, r, modes) -> None:
        """Kalman update of the tracks idx with their detections z (an IMM: every mode at once, then the mode
        probabilities from the likelihoods, then the combination). z_pred, h and modes: the look's linearisations
        (EKF)."""
        tr = self.tracks
        if not self.imm:
            if self.unscented:
                tr.x[idx], tr.p[idx], _ = filters.ukf_update(
                    tr.x[idx], tr.p[idx], z, r, sensor.measure, sensor.innovation
                )
            else:
                nu = sensor.innovation(z, z_pred[idx])
                tr.x[idx], tr.p[idx], _ = filters.update(tr.x[idx], tr.p[idx], nu, h[idx], r)
            return
        n_modes = self.model.r
        x, p = tr.xm[idx].reshape(-1, 6), tr.pm[idx].reshape(-1, 6, 6)
        zz, rr = np.repeat(z, n_modes, axis=0), np.repeat(r, n_modes, axis=0)
        if self.unscented:
            nu = sensor.innovation(zz, sensor.measure(x))
            xn, pn, s = filters.ukf_update(x, p, zz, rr, sensor.measure, sensor.innovation)
        else:
            rows = (idx[:, None] * n_modes + np.arange(n_modes)).ravel()
            nu = sensor.innovation(zz, modes[0][rows])
            xn, pn, s = filters.update(x, p, nu, modes[1][rows], rr)
        tr.xm[idx], tr.pm[idx] = xn.reshape(-1, n_modes, 6), pn.reshape(-1, n_modes, 6, 6)
        w = filters.IMM.likelihood(nu, s).reshape(-1, n_modes) * tr.mu[idx]
        total = w.sum(axis=1, keepdims=True)
        tr.mu[idx] = np.where(total > 0.0, w / np.where(total > 0.0, total, 1.0), tr.mu[idx])
        tr.x[idx], tr.p[idx] = filters.IMM.combine(tr.xm[idx], tr.pm[idx], tr.mu[idx])

    def step(self, t: float, z, sensor: RadarModel, covers: Callable | None = None, noise=None) -> np.ndarray:
        """Process one scan: detections z (M, m) of a sensor at time t (m = 3 for a radar's range, azimuth, elevation,
        2 for an over-the-horizon radar's ground position). covers(positions (N, 3)) -> bool says which
        tracks the scan looked at (default: all). Returns the track id each detection went to (-1: started none)."""
        z = np.asarray(z, float).reshape(-1, sensor.noise.shape[0])
        # measurement noise of each detection: the sensor's, or given per detection (triangulated points)
        r_det = np.broadcast_to(sensor.noise, (len(z),) + sensor.noise.shape) if noise is None else np.asarray(noise)
        gamma = self._gamma(z.shape[1])
        self.predict_to(t)
        tr = self.tracks
        n, m = len(tr), z.shape[0]
        assign = np.full(n, -1)
        if n and m:
            z_pred, h = sensor.linearise(tr.x)
            modes = self._modes_seen(sensor)
            # spatial pre-gate: the gate ellipsoid fits in a sphere of sqrt(gate x largest eigenvalue) around the
            # predicted position (position covariance plus the measurement's own spread there); the trace bounds
            # the largest eigenvalue
            spread = (
                sensor.position_variance_trace(z_pred) if noise is None else np.trace(r_det, axis1=1, axis2=2).max()
            )
            lam = np.trace(tr.p[:, :3, :3], axis1=1, axis2=2) + spread
            ti, dj = candidate_pairs(tr.x[:, :3], np.sqrt(gamma * lam), sensor.to_position(z))
            d2 = self._distance2(ti, z[dj], sensor, z_pred, h, sensor.noise if noise is None else r_det[dj], modes)
            ok = d2 < gamma
            ti, dj, d2 = ti[ok], dj[ok], d2[ok]
            if self.association == "jpda":
                return self._jpda(t, z, sensor, z_pred, h, ti, dj, d2, covers, gamma, r_det)
            # confirmed tracks choose first; tentative ones share what is left (a clutter-born tentative track with
            # its wide gate must not take a confirmed track's detection: Blackman & Popoli 1999, sec. 3.2)
            first = tr.confirmed[ti]
            assign = gnn_assign(n, m, ti[first], dj[first], d2[first], gamma)
            taken = np.zeros(m, bool)
            taken[assign[assign >= 0]] = True
            rest = ~first & ~taken[dj]
            second = gnn_assign(n, m, ti[rest], dj[rest], d2[rest], gamma)
            assign = np.where(assign >= 0, assign, second)
            idx = np.flatnonzero(assign >= 0)
            if idx.size:
                self._update(idx, z[assign[idx]], sensor, z_pred, h, r_det[assign[idx]], modes)
        hit = assign >= 0
        det_track = np.full(m, -1)
        det_track[assign[hit]] = tr.track_id[hit]
        free = np.ones(m, bool)
        free[assign[hit]] = False
        return self._manage(t, z, sensor, hit, np.flatnonzero(free), det_track, covers, r_det)

    def _manage(self, t, z, sensor, hit, free, det_track, covers, r_det):
        """M-of-N bookkeeping of a look (hit: tracks that took a detection), deletions, and new tentative tracks
        from the free detections."""
        tr = self.tracks
        looked = np.ones(len(tr), bool) if covers is None else np.asarray(covers(tr.x[:, :3]), bool)
        looked |= hit
        tr.history = np.where(looked, (tr.history << 1) | hit, tr.history) & ((1 << self.confirm_n) - 1)
        tr.looks = tr.looks + looked
        tr.hits = tr.hits + hit
        tr.misses = np.where(hit, 0, tr.misses + looked)
        tr.confirmed |= np.bitwise_count(tr.history) >= self.confirm_m
        gone = tr.misses >= self.max_misses
        if self.delete_probability is not None and gone.any():
            pd = (tr.hits + 1.0) / (tr.looks - tr.misses + 2.0)  # its detection rate up to its last hit
            gone &= tr.misses * np.log1p(-pd) <= np.log(self.delete_probability)
        dead = np.where(tr.confirmed, gone, (tr.looks - np.bitwise_count(tr.history) > self.confirm_n - self.confirm_m))
        if dead.any():
            tr.keep(~dead)
        if free.size:
            det_track[free] = self._start(t, z[free], sensor, r_det[free])
        return det_track

    def _jpda(self, t, z, sensor, z_pred, h, ti, dj, d2, covers, gamma, r_det):
        """A look with joint probabilistic data association: every gated detection updates its tracks with its
        marginal probability; detections in no gate start tracks."""
        if self.imm or self.unscented:
            raise ValueError("JPDA is implemented for a single-model EKF tracker")
        tr = self.tracks
        n, m = len(tr), z.shape[0]
        s = h @ tr.p @ np.swapaxes(h, 1, 2) + sensor.noise
        norm = np.sqrt(np.linalg.det(2.0 * np.pi * s))
        ratio = self.pd * np.exp(-0.5 * d2) / norm[ti] / self.clutter_density
        miss = np.full(n, 1.0 - self.pd * chi2.cdf(gamma, z.shape[1]))
        beta, beta0 = jpda_weights(n, ti, dj, ratio, miss)
        hit = np.zeros(n, bool)
        hit[ti] = True
        idx = np.flatnonzero(hit)
        if idx.size:
            local = np.full(n, -1)
            local[idx] = np.arange(idx.size)
            nu = sensor.innovation(z[dj], z_pred[ti])
            r = np.broadcast_to(sensor.noise, (idx.size, z.shape[1], z.shape[1]))
            tr.x[idx], tr.p[idx] = filters.pda_update(tr.x[idx], tr.p[idx], h[idx], r, local[ti], nu, beta, beta0[idx])
        det_track = np.full(m, -1)
        best = np.argsort(-beta)
        det_track[dj[best][::-1]] = tr.track_id[ti[best][::-1]]  # each detection: its most probable track
        return self._manage(t, z, sensor, hit, np.setdiff1d(np.arange(m), dj), det_track, covers, r_det)

    def _modes(self, x, p) -> dict:
        """IMM fields of new tracks: every mode starts from the same estimate, modes equally likely."""
        k, r = x.shape[0], (self.model.r if self.imm else 0)
        return dict(
            xm=np.repeat(x[:, None], r, axis=1),
            pm=np.repeat(p[:, None], r, axis=1),
            mu=np.full((k, r), 1.0 / max(r, 1)),
        )

    def seed(self, t: float, x, p) -> np.ndarray:
        """Start confirmed tracks from given states (K, 6) and covariances (K, 6, 6) (e.g. a cue from another
        system); returns their ids."""
        x = np.atleast_2d(np.asarray(x, float))
        k = x.shape[0]
        ids = np.arange(self.next_id, self.next_id + k)
        self.next_id += k
        full = (1 << self.confirm_n) - 1
        p = np.array(p, float).reshape(k, 6, 6)
        self.tracks.append(
            TrackTable(
                x=x.copy(),
                p=p,
                t=np.full(k, float(t)),
                track_id=ids,
                history=np.full(k, full, np.int64),
                hits=np.full(k, self.confirm_n),
                looks=np.full(k, self.confirm_n),
                misses=np.zeros(k, int),
                confirmed=np.ones(k, bool),
                **self._modes(x, p),
            )
        )
        return ids

    def _start(self, t: float, z, sensor: RadarModel, r) -> np.ndarray:
        k = z.shape[0]
        p = np.zeros((k, 6, 6))
        p[:, :3, :3] = sensor.position_covariance(z, r)
        if hasattr(sensor, "initial_velocity"):
            v, p[:, 3:, 3:] = sensor.initial_velocity(z, self.velocity_sigma_mps)
        else:
            v, p[:, 3:, 3:] = np.zeros((k, 3)), np.eye(3) * self.velocity_sigma_mps**2
        ids = np.arange(self.next_id, self.next_id + k)
        self.next_id += k
        x = np.hstack([sensor.to_position(z), v])
        self.tracks.append(
            TrackTable(
                x=x,
                p=p,
                t=np.full(k, float(t)),
                track_id=ids,
                history=np.ones(k, np.int64),
                hits=np.ones(k, int),
                looks=np.ones(k, int),
                misses=np.zeros(k, int),
                confirmed=np.zeros(k, bool) if self.confirm_m > 1 else np.ones(k, bool),
                **self._modes(x, p),
            )
        )
        return ids

    def confirmed_states(self):
        """(track ids, states (K, 6), covariances (K, 6, 6)) of the confirmed tracks."""
        c = self.tracks.confirmed
        return self.tracks.track_id[c], self.tracks.x[c], self.tracks.p[c]

    def confirmed_at(self, t: float):
        """The confirmed tracks predicted to t without changing the tracker (a look at the picture, not a step of
        it: an IMM's modes are not mixed into the tracker): (track ids, states (K, 6), covariances (K, 6, 6), mode
        probabilities (K, r); (K, 0) for a single model)."""
        tr = self.tracks
        c = np.flatnonzero(tr.confirmed)
        x, p = tr.x[c].copy(), tr.p[c].copy()
        mu = tr.mu[c].reshape(c.size, self.model.r).copy() if self.imm else np.zeros((c.size, 0))
        move = tr.t[c] != t
        if move.any():
            m, dt = c[move], t - tr.t[c[move]]
            predictor = filters.ukf_predict if self.unscented else filters.predict
            if self.imm:
                xm, pm, mu[move] = self.model.predict(tr.xm[m], tr.pm[m], tr.mu[m], dt, predictor)
                x[move], p[move] = filters.IMM.combine(xm, pm, mu[move])
            else:
                x[move], p[move] = predictor(tr.x[m], tr.p[m], self.model, dt)
        return tr.track_id[c], x, p, mu
