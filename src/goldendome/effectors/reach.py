"""The reach of an SBI constellation against a salvo at every launch time of a day.

For each launch time: which SBIs of a constellation can reach which booster before its cut-off
(:func:`goldendome.effectors.sbi.earliest_intercept_triples` on pruned candidates), how many are in reach of each
booster, the earliest intercept and its closing speed, and whether a one-SBI-one-booster assignment gives every
booster k distinct SBIs (maximum bipartite matching, Hopcroft-Karp in scipy.sparse.csgraph). The boost-phase
tracks are integrated once, Earth-fixed, and turned into the inertial frame for each launch time.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from goldendome.effectors.sbi import SBIDesign, Timeline, earliest_intercept_triples
from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import OMEGA_EARTH_RAD_S
from goldendome.physics.frames import ecef_to_eci, eci_to_ecef_state
from goldendome.physics.integrate import hermite_position
from goldendome.physics.kepler import OrbitalElements, propagate
from goldendome.physics.timescale import gmst_at
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.trajectory import Trajectory


@dataclass(frozen=True)
class BoosterTracks:
    """Boost-phase tracks of B boosters in the Earth-fixed frame, on a common grid of times after launch.

    The Earth-fixed trajectory of a launch does not depend on the launch time (gravity J2 and the air turn with the
    Earth), so one integration serves every launch time of a day.
    tau_s (K,); r_ecef, v_ecef (B, K, 3), NaN after burnout; burnout_s (B,); offset_s (B,) launch time in the salvo.
    """

    names: tuple[str, ...]
    tau_s: np.ndarray
    r_ecef: np.ndarray
    v_ecef: np.ndarray
    burnout_s: np.ndarray
    offset_s: np.ndarray
    launch_lat_rad: np.ndarray
    launch_lon_rad: np.ndarray

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def first_points_ecef(self) -> np.ndarray:
        """(B, 3) each booster's first sampled position (its launch point, or where it is at the salvo's start)."""
        return _edge_points(self.r_ecef, first=True)

    @property
    def cutoff_points_ecef(self) -> np.ndarray:
        """(B, 3) each booster's last sampled powered position: where the engagement must end."""
        return _edge_points(self.r_ecef, first=False)


def _edge_points(r, first: bool) -> np.ndarray:
    """First or last finite sample of each row of r (B, K, 3)."""
    finite = np.isfinite(r[:, :, 0])
    k = np.argmax(finite, axis=1) if first else r.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1)
    return r[np.arange(r.shape[0]), k]


def tracks_from_trajectory(
    traj: Trajectory, burnout_s, epoch: dt.datetime, t0_s: float = 0.0, dt_s: float = 2.0
) -> BoosterTracks:
    """The boost phases of a flown :class:`Trajectory`, Earth-fixed, every dt_s on a grid starting at t0_s.

    burnout_s : (B,) powered-flight duration of each object (FlightSummary.burnout_time_s). Offsets are the launch
    times relative to t0_s; samples outside each object's powered flight are NaN.
    """
    b = traj.n_objects
    burnout = np.asarray(burnout_s, float)
    starts = np.searchsorted(traj.object_id, np.arange(b))
    offsets = traj.t_s[starts] - t0_s
    tau = np.arange(0.0, float(np.max(burnout + offsets)) + dt_s, dt_s)
    r_eci = np.full((b, tau.size, 3), np.nan)
    v_eci = np.full((b, tau.size, 3), np.nan)
    for k in range(b):  # a few boosters; each resampled in one vectorised Hermite call
        rows = traj.rows(k)
        t, r, v = traj.t_s[rows] - t0_s, traj.r_eci_m[rows], traj.v_eci_mps[rows]
        inside = (tau >= offsets[k]) & (tau <= offsets[k] + burnout[k])
        j = np.clip(np.searchsorted(t, tau[inside]), 1, t.size - 1)
        r_eci[k, inside], v_eci[k, inside] = hermite_position(
            t[j - 1], r[j - 1], v[j - 1], t[j], r[j], v[j], tau[inside]
        )
    theta = gmst_at(epoch, t0_s + tau)[None, :]
    r_ecef, v_ecef = eci_to_ecef_state(r_eci, v_eci, theta)
    site = _edge_points(r_ecef, first=True)
    lat = np.arcsin(site[:, 2] / np.linalg.norm(site, axis=1))
    return BoosterTracks(traj.names, tau, r_ecef, v_ecef, burnout, offsets, lat, np.arctan2(site[:, 1], site[:, 0]))


def boost_tracks(launches: list[BallisticLaunch], epoch: dt.datetime, dt_s: float = 2.0) -> BoosterTracks:
    """Fly the launches and keep their boost phases, Earth-fixed, sampled every dt_s on a common grid.

    The grid starts at the salvo epoch (t = 0); a booster's samples outside its own powered flight are NaN.
    """
    traj, summary = fly_ballistic(launches, epoch, sample_dt_s=dt_s)
    tracks = tracks_from_trajectory(traj, summary.burnout_time_s, epoch, 0.0, dt_s)
    return dataclasses.replace(
        tracks,
        launch_lat_rad=np.array([ln.launch_lat_rad for ln in launches]),
        launch_lon_rad=np.array([ln.launch_lon_rad for ln in launches]),
    )


def tracks_at(tracks: BoosterTracks, epoch: dt.datetime, t0_s):
    """The boosters' ECI positions and velocities for salvos launched t0_s after the epoch.

    t0_s scalar -> (B, K, 3); t0_s (G,) -> (G, B, K, 3). The Earth-fixed track turned by R3(-GMST) at each sample
    time, written out (cos/sin per (G, K)) rather than as a stack of 3x3 matrices.
    """
    t0 = np.asarray(t0_s, float)
    theta = gmst_at(epoch, t0[..., None] + tracks.tau_s)[..., None, :]  # (..., 1, K)
    c, s = np.cos(theta), np.sin(theta)
    x, y, z = tracks.r_ecef[..., 0], tracks.r_ecef[..., 1], tracks.r_ecef[..., 2]
    # inertial velocity = Earth-fixed velocity + w x r, then rotated like the position
    vx = tracks.v_ecef[..., 0] - OMEGA_EARTH_RAD_S * y
    vy = tracks.v_ecef[..., 1] + OMEGA_EARTH_RAD_S * x
    r = np.stack([c * x - s * y, s * x + c * y, np.broadcast_to(z, np.broadcast_shapes(c.shape, z.shape))], axis=-1)
    vz = np.broadcast_to(tracks.v_ecef[..., 2], r.shape[:-1])
    v = np.stack([c * vx - s * vy, s * vx + c * vy, vz], axis=-1)
    return r, v


@dataclass(frozen=True)
class ReachResult:
    """Reach of one constellation against one salvo, at E launch times.

    in_reach (E, B): SBIs able to reach each booster; matched (E,): boosters x k that a one-SBI-one-shot matching
    can serve; t_first (E, B): earliest intercept time after that booster's launch (NaN: none); v_close (E, B):
    closing speed of that earliest intercept; first_sbi (E, B): the SBI (index into the constellation) that makes it
    (-1: none).
    """

    launch_times_s: np.ndarray
    n_sbi: int
    shots: int
    in_reach: np.ndarray
    matched: np.ndarray
    t_first: np.ndarray
    v_close: np.ndarray
    first_sbi: np.ndarray

    @property
    def needed(self) -> int:
        return self.shots * self.in_reach.shape[1]

    @property
    def covered(self) -> np.ndarray:
        """(E,) whether every booster gets its k distinct SBIs at that launch time."""
        return self.matched >= self.needed

    @property
    def absentee_ratio(self) -> np.ndarray:
        """(E, B) N_total / N_in_reach (inf where none is in reach)."""
        with np.errstate(divide="ignore"):
            return self.n_sbi / self.in_reach


def _matching_size(adjacency: np.ndarray, shots: int) -> int:
    """Largest number of (booster, shot) slots served by distinct SBIs: Hopcroft-Karp on the bipartite graph."""
    c, b = adjacency.shape
    if c == 0 or b == 0:
        return 0
    # each booster becomes `shots` slots; an SBI joins every slot of each booster it can reach
    big = np.repeat(adjacency, shots, axis=1)
    graph = csr_matrix(big.T.astype(np.int8))
    match = maximum_bipartite_matching(graph, perm_type="column")
    return int(np.sum(match >= 0))


def _reach_batch(
    elements,
    sat_idx,
    g_idx,
    b_idx,
    times,
    tau_w,
    br,
    bv,
    release,
    cutoff,
    design,
    shots,
    offsets,
    e_base,
    in_reach,
    matched,
    t_first,
    v_close,
    first_sbi,
):
    """Exact reach for candidate (launch time, SBI, booster) triples of a batch of launch times; fills result rows."""
    n_b = br.shape[1]
    needed = shots * n_b
    # one propagation per distinct (launch time, SBI) pair: each element epoch shifted back by its launch time
    pair_key = g_idx.astype(np.int64) * len(elements) + sat_idx
    pairs, trip_pair = np.unique(pair_key, return_inverse=True)
    p_g, p_sat = pairs // len(elements), pairs % len(elements)
    cand = elements.take(p_sat)
    cand = OrbitalElements(
        **{**{k: getattr(cand, k) for k in cand.__dataclass_fields__}, "t0_s": cand.t0_s - times[p_g]}
    )
    sbi_r = propagate(cand, tau_w)  # (K, P, 3)
    t_int, vc = earliest_intercept_triples(sbi_r, trip_pair, g_idx, b_idx, br, bv, tau_w, release, cutoff, design)
    ok = np.isfinite(t_int)
    counts = np.zeros((times.size, n_b), dtype=np.int64)
    np.add.at(counts, (g_idx[ok], b_idx[ok]), 1)
    in_reach[e_base : e_base + times.size] = counts
    # earliest intercept per (launch time, booster): sort the reachable triples, keep each group's first
    g_ok, b_ok, t_ok, v_ok, s_ok = g_idx[ok], b_idx[ok], t_int[ok], vc[ok], sat_idx[ok]
    order = np.lexsort((t_ok, b_ok, g_ok))
    g_s, b_s = g_ok[order], b_ok[order]
    first = np.r_[True, (g_s[1:] != g_s[:-1]) | (b_s[1:] != b_s[:-1])] if order.size else np.zeros(0, bool)
    t_first[e_base + g_s[first], b_s[first]] = t_ok[order][first] - offsets[b_s[first]]
    v_close[e_base + g_s[first], b_s[first]] = v_ok[order][first]
    first_sbi[e_base + g_s[first], b_s[first]] = s_ok[order][first]
    # matching: settled by counts when every booster alone has >= k n SBIs (Hall's condition holds); otherwise
    # Hopcroft-Karp on that launch time's reach graph
    for j in np.flatnonzero(counts.sum(axis=1) > 0):
        if np.all(counts[j] >= needed):
            matched[e_base + j] = needed
            continue
        sel = ok & (g_idx == j)
        sats, col = np.unique(trip_pair[sel], return_inverse=True)
        adjacency = np.zeros((sats.size, n_b), bool)
        adjacency[col, b_idx[sel]] = True
        matched[e_base + j] = _matching_size(adjacency, shots)


PARALLEL_PAIRS = 20_000
"""Satellite-point distance tests from which the pruning runs on all cores."""


@sized_kernel(PARALLEL_PAIRS)
def _near(points, centre, r2, out):  # pragma: no cover - compiled
    """out[g, n] = |points[g, n] - centre[g]|^2 <= r2 (one pass, no temporaries)."""
    for g in numba.prange(points.shape[0]):
        for n in range(points.shape[1]):
            dx = points[g, n, 0] - centre[g, 0]
            dy = points[g, n, 1] - centre[g, 1]
            dz = points[g, n, 2] - centre[g, 2]
            out[g, n] = dx * dx + dy * dy + dz * dz <= r2


@sized_kernel(PARALLEL_PAIRS)
def _within(points, group, sites, r2, out):  # pragma: no cover - compiled
    """out[p, s] = |points[p] - sites[group[p], s]|^2 <= r2."""
    for p in numba.prange(points.shape[0]):
        g = group[p]
        for k in range(sites.shape[1]):
            dx = points[p, 0] - sites[g, k, 0]
            dy = points[p, 1] - sites[g, k, 1]
            dz = points[p, 2] - sites[g, k, 2]
            out[p, k] = dx * dx + dy * dy + dz * dz <= r2


def reach_over_time(
    elements: OrbitalElements,
    tracks: BoosterTracks,
    epoch: dt.datetime,
    launch_times_s,
    design: SBIDesign,
    timeline: Timeline,
    shots: int = 1,
    progress: Callable[[float], None] | None = None,
    detect_s=None,
) -> ReachResult:
    """Reach of a constellation against the salvo launched at each of the launch times (s after epoch).

    In chunks of launch times: a cheap prune keeps only (launch time, SBI) pairs within (largest booster
    displacement + largest reach + orbital motion over the window) of a launch site; those pairs are propagated at
    every sample time in one call (each pair's element epoch shifted by its launch time) and tested exactly by the
    compiled earliest-intercept kernel; a bipartite matching then assigns k distinct SBIs per booster wherever the
    counts alone do not settle it. Memory stays bounded by the chunk (~0.3 GB for 10,000 SBIs).
    detect_s : optional (B,) detection time of each booster after its launch (e.g. from the sensor layer) in place
    of the timeline's fixed latency; NaN (never detected) leaves that booster unengageable.
    """
    launch_times_s = np.atleast_1d(np.asarray(launch_times_s, float))
    tau = tracks.tau_s
    detect = timeline.detect_s if detect_s is None else np.asarray(detect_s, float)  # per booster, from sensors
    release = tracks.offset_s + detect + timeline.decide_s
    cutoff = tracks.offset_s + tracks.burnout_s - timeline.cutoff_before_burnout_s
    # only the engagement window matters: from the first release to the last cut-off (NaN release: never detected)
    first_release = float(np.nanmin(release, initial=np.inf))
    window = np.flatnonzero((tau >= first_release - 1e-9) & (tau <= float(np.max(cutoff)) + 1e-9))
    window = slice(int(window[0]), int(window[-1]) + 1) if window.size else slice(0, 0)
    tau_w = tau[window]
    tracks_w = dataclasses.replace(
        tracks, tau_s=tau_w, r_ecef=tracks.r_ecef[:, window], v_ecef=tracks.v_ecef[:, window]
    )
    n_e, n_b, n_sbi = launch_times_s.size, tracks.n, len(elements)
    in_reach = np.zeros((n_e, n_b), dtype=np.int64)
    matched = np.zeros(n_e, dtype=np.int64)
    t_first = np.full((n_e, n_b), np.nan)
    v_close = np.full((n_e, n_b), np.nan)
    first_sbi = np.full((n_e, n_b), -1, dtype=np.int64)
    if not np.any(cutoff > release) or n_sbi == 0:
        return ReachResult(launch_times_s, n_sbi, shots, in_reach, matched, t_first, v_close, first_sbi)
    # prune radius: booster travel from its site + the SBI's reach at cut-off + an SBI's orbital travel over the
    # window (8 km/s), all from the middle of the window: generous, never excludes a reachable SBI
    t_mid = 0.5 * (first_release + float(np.max(cutoff)))
    site = tracks.first_points_ecef
    travel = np.nanmax(np.linalg.norm(tracks.r_ecef - site[:, None, :], axis=-1))
    # salvos share sites: prune around each distinct site (to 1 km), then hand each booster its site's candidates
    site, booster_site = np.unique(np.round(site, -3), axis=0, return_inverse=True)
    booster_site = np.asarray(booster_site).ravel()
    half_window = 0.5 * (float(np.max(cutoff)) - first_release)
    prune_m = travel + float(design.reach_m(np.nanmax(cutoff - release))) + 8.0e3 * half_window + 50e3
    # two-stage prune: one cap around the whole launch region, then each surviving SBI against each site
    n_site = site.shape[0]
    centre = np.mean(site / np.linalg.norm(site, axis=1, keepdims=True), axis=0)
    centre = centre / np.linalg.norm(centre) * np.mean(np.linalg.norm(site, axis=1))
    region_m = float(np.max(np.linalg.norm(site - centre, axis=1)))
    order = np.argsort(booster_site, kind="stable")  # boosters grouped by site (CSR layout)
    site_start = np.searchsorted(booster_site[order], np.arange(n_site))
    site_count = np.bincount(booster_site, minlength=n_site)
    chunk = max(1, min(256, int(2e7 // n_sbi)))
    max_pairs = max(1000, int(4e6 // max(tau_w.size, 1)))  # (K, P, 3) positions stay under ~100 MB per batch
    for e0 in range(0, n_e, chunk):
        times = launch_times_s[e0 : e0 + chunk]
        mid = propagate(elements, times + t_mid)  # (G, N, 3) ECI
        theta_mid = gmst_at(epoch, times + t_mid)
        c_eci = ecef_to_eci(centre[None, :], theta_mid[:, None])  # (G, 1, 3)
        r_region = prune_m + region_m
        # |m - c|^2 <= R^2  <=>  2 m.c >= |m|^2 + |c|^2 - R^2 (one batched mat-vec instead of a (G, N, 3) temporary)
        near = np.empty(mid.shape[:2], dtype=np.bool_)
        _near(near.size, mid, np.ascontiguousarray(c_eci[:, 0]), r_region * r_region, near)  # (G, N)
        g_near, sat_near = np.nonzero(near)
        sites = ecef_to_eci(site[None, :, :], theta_mid[:, None])  # (G, S, 3)
        close = np.empty((g_near.size, n_site), dtype=np.bool_)
        _within(
            close.size,
            np.ascontiguousarray(mid[g_near, sat_near]),
            g_near,
            np.ascontiguousarray(sites),
            prune_m**2,
            close,
        )
        p1, s_site = np.nonzero(close)
        g_site, sat_site = g_near[p1], sat_near[p1]
        del mid, near, close
        # expand sites to the boosters launched from them: (launch time, SBI, booster) triples, sorted by time
        reps = site_count[s_site]
        g_all = np.repeat(g_site, reps)
        sat_all = np.repeat(sat_site, reps)
        within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        b_all = order[np.repeat(site_start[s_site], reps) + within]
        br_all, bv_all = tracks_at(tracks_w, epoch, times)  # (G, B, K, 3) over the engagement window
        # batches of whole launch times whose candidate pairs fit the memory budget
        bounds = np.searchsorted(g_all, np.arange(times.size + 1))
        g_lo = 0
        while g_lo < times.size:
            g_hi = g_lo + 1
            while g_hi < times.size and bounds[g_hi + 1] - bounds[g_lo] <= max_pairs:
                g_hi += 1
            sl = slice(bounds[g_lo], bounds[g_hi])
            g_idx, sat_idx, b_idx = g_all[sl] - g_lo, sat_all[sl], b_all[sl]
            if g_idx.size:
                _reach_batch(
                    elements,
                    sat_idx,
                    g_idx,
                    b_idx,
                    times[g_lo:g_hi],
                    tau_w,
                    br_all[g_lo:g_hi],
                    bv_all[g_lo:g_hi],
                    release,
                    cutoff,
                    design,
                    shots,
                    tracks.offset_s,
                    e0 + g_lo,
                    in_reach,
                    matched,
                    t_first,
                    v_close,
                    first_sbi,
                )
            g_lo = g_hi
        if progress is not None:
            progress(min(1.0, (e0 + chunk) / n_e))
    return ReachResult(launch_times_s, n_sbi, shots, in_reach, matched, t_first, v_close, first_sbi)
