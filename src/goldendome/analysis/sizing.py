"""Constellation sizing for space-based boost-phase intercept: absentee ratio, worst-time matching, analytic estimate.

The question of every public study (APS 2003, CBO 2004/2025/2026, APS 2025): how many SBIs must be in orbit so that,
whenever a salvo is launched, each booster can be engaged by k interceptors before it burns out? Only the SBIs that
happen to be near the launch area when it matters can reach (the others are "absent"), so

    absentee ratio  A(t) = N_total / N_in_reach(t)          (Garwin; APS 2003 ch. 11; Wilkening 2004)

and a salvo of n boosters needs about k n A SBIs. The simulated answer here is stricter than the ratio: at every
launch time of a day (or a ground-track repeat) the reach sets of all boosters are computed (one SBI serves one
booster only) and a maximum bipartite matching (Hopcroft-Karp, scipy.sparse.csgraph) must give every booster k
distinct SBIs; the smallest Walker constellation of the chosen shell that passes at its worst time is the size.

:func:`analytic_in_reach` gives the textbook estimate beside it: the reach sphere at cut-off intersects the SBI
shell in a cap, and the mean number of SBIs in that cap is the integral of the shell's latitude density

    sigma(lat) = N / (2 pi^2 r^2 sqrt(sin^2 i - sin^2 lat))

(uniform node and argument of latitude; e.g. Wertz, *Orbit & Constellation Design*, 2009, sec. 10.2) over the cap.
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
from goldendome.physics.constants import OMEGA_EARTH_RAD_S, WGS84_A_M
from goldendome.physics.constellation import walker_delta
from goldendome.physics.frames import ecef_to_eci, eci_to_ecef
from goldendome.physics.integrate import hermite_position
from goldendome.physics.kepler import OrbitalElements, propagate
from goldendome.physics.timescale import gmst_at
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic


class InfeasibleDesign(ValueError):
    """A sizing question with no answer, and why (e.g. the reach never covers the launch latitude)."""


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


def boost_tracks(launches: list[BallisticLaunch], epoch: dt.datetime, dt_s: float = 2.0) -> BoosterTracks:
    """Fly the launches and keep their boost phases, Earth-fixed, sampled every dt_s on a common grid.

    The grid starts at the salvo epoch (t = 0); a booster's samples outside its own powered flight are NaN.
    """
    traj, summary = fly_ballistic(launches, epoch, sample_dt_s=dt_s)
    burnout = summary.burnout_time_s
    offsets = np.array([ln.t_launch_s for ln in launches])
    tau = np.arange(0.0, float(np.max(burnout + offsets)) + dt_s, dt_s)
    b = len(launches)
    r_eci = np.full((b, tau.size, 3), np.nan)
    v_eci = np.full((b, tau.size, 3), np.nan)
    for k in range(b):  # a few boosters; each resampled in one vectorised Hermite call
        rows = traj.rows(k)
        t, r, v = traj.t_s[rows], traj.r_eci_m[rows], traj.v_eci_mps[rows]
        inside = (tau >= offsets[k]) & (tau <= offsets[k] + burnout[k])
        j = np.clip(np.searchsorted(t, tau[inside]), 1, t.size - 1)
        r_eci[k, inside], v_eci[k, inside] = hermite_position(t[j - 1], r[j - 1], v[j - 1], t[j], r[j], v[j],
                                                              tau[inside])  # fmt: skip
    theta = gmst_at(epoch, tau)[None, :]
    r_ecef = eci_to_ecef(r_eci, theta)
    v_ecef = eci_to_ecef(v_eci, theta) - np.cross(np.array([0.0, 0.0, OMEGA_EARTH_RAD_S]), r_ecef)
    return BoosterTracks(summary.names, tau, r_ecef, v_ecef, burnout, offsets,
                         np.array([ln.launch_lat_rad for ln in launches]),
                         np.array([ln.launch_lon_rad for ln in launches]))  # fmt: skip


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
    closing speed of that earliest intercept.
    """

    launch_times_s: np.ndarray
    n_sbi: int
    shots: int
    in_reach: np.ndarray
    matched: np.ndarray
    t_first: np.ndarray
    v_close: np.ndarray

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


def _reach_batch(elements, sat_idx, g_idx, b_idx, times, tau_w, br, bv, release, cutoff, design, shots, offsets,
                 e_base, in_reach, matched, t_first, v_close):  # fmt: skip
    """Exact reach for candidate (launch time, SBI, booster) triples of a batch of launch times; fills result rows."""
    n_b = br.shape[1]
    needed = shots * n_b
    # one propagation per distinct (launch time, SBI) pair: each element epoch shifted back by its launch time
    pair_key = g_idx.astype(np.int64) * len(elements) + sat_idx
    pairs, trip_pair = np.unique(pair_key, return_inverse=True)
    p_g, p_sat = pairs // len(elements), pairs % len(elements)
    cand = elements.take(p_sat)
    cand = OrbitalElements(**{**{k: getattr(cand, k) for k in cand.__dataclass_fields__},
                              "t0_s": cand.t0_s - times[p_g]})  # fmt: skip
    sbi_r = propagate(cand, tau_w)  # (K, P, 3)
    t_int, vc = earliest_intercept_triples(sbi_r, trip_pair, g_idx, b_idx, br, bv, tau_w, release, cutoff, design)
    ok = np.isfinite(t_int)
    counts = np.zeros((times.size, n_b), dtype=np.int64)
    np.add.at(counts, (g_idx[ok], b_idx[ok]), 1)
    in_reach[e_base : e_base + times.size] = counts
    # earliest intercept per (launch time, booster): sort the reachable triples, keep each group's first
    g_ok, b_ok, t_ok, v_ok = g_idx[ok], b_idx[ok], t_int[ok], vc[ok]
    order = np.lexsort((t_ok, b_ok, g_ok))
    g_s, b_s = g_ok[order], b_ok[order]
    first = np.r_[True, (g_s[1:] != g_s[:-1]) | (b_s[1:] != b_s[:-1])] if order.size else np.zeros(0, bool)
    t_first[e_base + g_s[first], b_s[first]] = t_ok[order][first] - offsets[b_s[first]]
    v_close[e_base + g_s[first], b_s[first]] = v_ok[order][first]
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


@numba.njit(parallel=True, cache=True)
def _within(points, group, sites, r2, out):  # pragma: no cover - compiled
    """out[p, s] = |points[p] - sites[group[p], s]|^2 <= r2."""
    for p in numba.prange(points.shape[0]):
        g = group[p]
        for k in range(sites.shape[1]):
            dx = points[p, 0] - sites[g, k, 0]
            dy = points[p, 1] - sites[g, k, 1]
            dz = points[p, 2] - sites[g, k, 2]
            out[p, k] = dx * dx + dy * dy + dz * dz <= r2


def reach_over_time(elements: OrbitalElements, tracks: BoosterTracks, epoch: dt.datetime, launch_times_s,
                    design: SBIDesign, timeline: Timeline, shots: int = 1,
                    progress: Callable[[float], None] | None = None) -> ReachResult:  # fmt: skip
    """Reach of a constellation against the salvo launched at each of the launch times (s after epoch).

    In chunks of launch times: a cheap prune keeps only (launch time, SBI) pairs within (largest booster
    displacement + largest reach + orbital motion over the window) of a launch site; those pairs are propagated at
    every sample time in one call (each pair's element epoch shifted by its launch time) and tested exactly by the
    compiled earliest-intercept kernel; a bipartite matching then assigns k distinct SBIs per booster wherever the
    counts alone do not settle it. Memory stays bounded by the chunk (~0.3 GB for 10,000 SBIs).
    """
    launch_times_s = np.atleast_1d(np.asarray(launch_times_s, float))
    tau = tracks.tau_s
    release = tracks.offset_s + timeline.release_s
    cutoff = tracks.offset_s + tracks.burnout_s - timeline.cutoff_before_burnout_s
    # only the engagement window matters: from the first release to the last cut-off
    window = np.flatnonzero((tau >= float(np.min(release)) - 1e-9) & (tau <= float(np.max(cutoff)) + 1e-9))
    window = slice(int(window[0]), int(window[-1]) + 1) if window.size else slice(0, 0)
    tau_w = tau[window]
    tracks_w = dataclasses.replace(tracks, tau_s=tau_w, r_ecef=tracks.r_ecef[:, window],
                                   v_ecef=tracks.v_ecef[:, window])  # fmt: skip
    n_e, n_b, n_sbi = launch_times_s.size, tracks.n, len(elements)
    in_reach = np.zeros((n_e, n_b), dtype=np.int64)
    matched = np.zeros(n_e, dtype=np.int64)
    t_first = np.full((n_e, n_b), np.nan)
    v_close = np.full((n_e, n_b), np.nan)
    if not np.any(cutoff > release) or n_sbi == 0:
        return ReachResult(launch_times_s, n_sbi, shots, in_reach, matched, t_first, v_close)
    # prune radius: booster travel from its site + the SBI's reach at cut-off + an SBI's orbital travel over the
    # window (8 km/s), all from the middle of the window: generous, never excludes a reachable SBI
    t_mid = 0.5 * (float(np.min(release)) + float(np.max(cutoff)))
    site = np.stack([tracks.r_ecef[k, np.flatnonzero(np.isfinite(tracks.r_ecef[k, :, 0]))[0]]
                     for k in range(n_b)])  # fmt: skip
    travel = np.nanmax(np.linalg.norm(tracks.r_ecef - site[:, None, :], axis=-1))
    # salvos share sites: prune around each distinct site (to 1 km), then hand each booster its site's candidates
    site, booster_site = np.unique(np.round(site, -3), axis=0, return_inverse=True)
    booster_site = np.asarray(booster_site).ravel()
    half_window = 0.5 * (float(np.max(cutoff)) - float(np.min(release)))
    prune_m = travel + float(design.reach_m(np.max(cutoff - release))) + 8.0e3 * half_window + 50e3
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
        mc = (mid @ np.swapaxes(c_eci, 1, 2))[..., 0]
        m2 = np.einsum("gnc,gnc->gn", mid, mid, optimize=False)
        near = 2.0 * mc >= m2 + np.sum(c_eci[:, 0] ** 2, axis=-1)[:, None] - r_region * r_region  # (G, N)
        g_near, sat_near = np.nonzero(near)
        sites = ecef_to_eci(site[None, :, :], theta_mid[:, None])  # (G, S, 3)
        close = np.empty((g_near.size, n_site), dtype=np.bool_)
        _within(np.ascontiguousarray(mid[g_near, sat_near]), g_near, np.ascontiguousarray(sites), prune_m**2, close)
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
                _reach_batch(elements, sat_idx, g_idx, b_idx, times[g_lo:g_hi], tau_w, br_all[g_lo:g_hi],
                             bv_all[g_lo:g_hi], release, cutoff, design, shots, tracks.offset_s,
                             e0 + g_lo, in_reach, matched, t_first, v_close)  # fmt: skip
            g_lo = g_hi
        if progress is not None:
            progress(min(1.0, (e0 + chunk) / n_e))
    return ReachResult(launch_times_s, n_sbi, shots, in_reach, matched, t_first, v_close)


def shell_density(lat_rad, n_sbi: float, radius_m: float, inclination_rad: float):
    """Mean number of satellites per m^2 of the shell sphere at latitude lat for a uniform inclined shell.

    sigma = N / (2 pi^2 r^2 sqrt(sin^2 i - sin^2 lat)), zero beyond |lat| >= i (no satellite goes there).
    """
    s2 = np.sin(inclination_rad) ** 2 - np.sin(lat_rad) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s2 > 0, n_sbi / (2.0 * np.pi**2 * radius_m**2 * np.sqrt(np.maximum(s2, 1e-300))), 0.0)


def cap_half_angle(booster_radius_m, shell_radius_m, reach_m):
    """Half-angle (rad) of the cap of the shell sphere within distance `reach` of a point at booster_radius.

    Law of cosines: d^2 = r_b^2 + r_s^2 - 2 r_b r_s cos(alpha) <= D^2. NaN when the reach does not get to the shell.
    """
    c = (booster_radius_m**2 + shell_radius_m**2 - reach_m**2) / (2.0 * booster_radius_m * shell_radius_m)
    return np.where(c <= 1.0, np.arccos(np.clip(c, -1.0, 1.0)), np.nan)


def analytic_in_reach(n_sbi: float, altitude_m: float, inclination_rad: float, point_ecef_unit, point_radius_m,
                      reach_m: float, samples: int = 40_000) -> float:  # fmt: skip
    """Mean number of shell satellites within reach of a point: the shell density integrated over the reach cap.

    point_ecef_unit : (3,) direction of the booster's position at cut-off (only its latitude matters).
    Midpoint-rule integral on an equal-area grid over the cap (the density's 1/sqrt singularity at |lat| = i is
    integrable; a fine grid resolves it to better than 1 %).
    """
    r_s = WGS84_A_M + altitude_m
    alpha = float(cap_half_angle(point_radius_m, r_s, reach_m))
    if not np.isfinite(alpha) or alpha <= 0:
        return 0.0
    # equal-area sampling of the cap around +z, then rotated to the point's direction
    k = np.arange(samples) + 0.5
    cos_t = 1.0 - (1.0 - np.cos(alpha)) * k / samples
    phi = k * np.pi * (3.0 - np.sqrt(5.0))
    sin_t = np.sqrt(1.0 - cos_t**2)
    local = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)
    u = np.asarray(point_ecef_unit, float) / np.linalg.norm(point_ecef_unit)
    ref = np.array([1.0, 0.0, 0.0]) if abs(u[2]) > 0.9 else np.array([0.0, 0.0, 1.0])
    e1 = np.cross(ref, u)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(u, e1)
    pts = local[:, :1] * e1 + local[:, 1:2] * e2 + local[:, 2:] * u
    lat = np.arcsin(np.clip(pts[:, 2], -1, 1))
    area = 2.0 * np.pi * r_s**2 * (1.0 - np.cos(alpha))
    return float(np.mean(shell_density(lat, n_sbi, r_s, inclination_rad)) * area)


@dataclass(frozen=True)
class Shell:
    """An SBI shell: Walker-delta pattern family at one altitude and inclination. For a total T the pattern uses
    P = round(sqrt(T)) planes of ceil(T / P) satellites with phasing F = 1 (evenly spread in node and in phase)."""

    altitude_m: float
    inclination_rad: float

    def pattern(self, total: int) -> tuple[int, int, int]:
        planes = max(1, int(round(np.sqrt(total))))
        per_plane = int(np.ceil(total / planes))
        return planes * per_plane, planes, min(1, planes - 1)

    def elements(self, total: int) -> OrbitalElements:
        t, p, f = self.pattern(total)
        return walker_delta(t, p, f, self.altitude_m, self.inclination_rad)


@dataclass(frozen=True)
class SizingResult:
    """The answer to one sizing question, with what it rests on.

    simulated: smallest Walker total of the shell covering every launch time (k distinct SBIs per booster);
    analytic: k n N / (mean SBIs in reach from the shell-density integral), per the worst booster;
    absentee_ratio: N / (mean in reach) from the analytic density; reach: the result at the simulated size.
    """

    simulated: int
    analytic: float
    absentee_ratio: float
    reach: ReachResult
    evaluations: int
    reach_at_cutoff_m: np.ndarray
    time_available_s: np.ndarray


def check_feasible(shell: Shell, tracks: BoosterTracks, design: SBIDesign, timeline: Timeline) -> np.ndarray:
    """Raise InfeasibleDesign with a plain reason when no constellation of this shell can engage; else return the
    reach (m) each booster's engagement allows at its cut-off."""
    if shell.altitude_m < 150e3:
        raise InfeasibleDesign(f"orbit altitude {shell.altitude_m / 1e3:.0f} km is below 150 km, where drag brings "
                               "a satellite down within days")  # fmt: skip
    window = tracks.burnout_s - timeline.cutoff_before_burnout_s - timeline.release_s
    if np.any(window <= 0):
        k = int(np.argmin(window))
        raise InfeasibleDesign(
            f"{tracks.names[k]}: the SBI is released {timeline.release_s:.0f} s after launch (detection "
            f"{timeline.detect_s:.0f} s + decision {timeline.decide_s:.0f} s) but the engagement must end at "
            f"{tracks.burnout_s[k] - timeline.cutoff_before_burnout_s:.0f} s: no time is left to intercept"
        )
    reach = design.reach_m(window)
    lat_max = np.degrees(np.max(np.abs(tracks.launch_lat_rad)))
    r_s = WGS84_A_M + shell.altitude_m
    for k in range(tracks.n):
        last = np.flatnonzero(np.isfinite(tracks.r_ecef[k, :, 0]))[-1]
        rb = float(np.linalg.norm(tracks.r_ecef[k, last]))
        alpha = cap_half_angle(rb, r_s, reach[k])
        if not np.isfinite(alpha):
            raise InfeasibleDesign(
                f"{tracks.names[k]}: with {design.delta_v_mps / 1e3:.1f} km/s at {design.accel_mps2 / 9.80665:.0f} g "
                f"the SBI reaches {reach[k] / 1e3:.0f} km in the {window[k]:.0f} s available, less than the "
                f"{abs(r_s - rb) / 1e3:.0f} km between its {shell.altitude_m / 1e3:.0f} km orbit and the booster"
            )
        lat_b = abs(np.arcsin(tracks.r_ecef[k, last, 2] / rb))
        incl = min(shell.inclination_rad, np.pi - shell.inclination_rad)
        if lat_b - float(alpha) > incl:
            raise InfeasibleDesign(
                f"an orbit inclined {np.degrees(shell.inclination_rad):.0f} deg never comes within reach of "
                f"latitude {np.degrees(lat_b):.0f} deg (launches at up to {lat_max:.0f} deg; reach cap "
                f"{np.degrees(float(alpha)):.1f} deg): raise the inclination"
            )
    return reach


def analytic_size(shell: Shell, tracks: BoosterTracks, design: SBIDesign, timeline: Timeline, shots: int = 1):
    """(analytic constellation size, absentee ratio) from the mean density in the worst booster's reach cap."""
    reach = check_feasible(shell, tracks, design, timeline)
    ratios = []
    for k in range(tracks.n):
        last = np.flatnonzero(np.isfinite(tracks.r_ecef[k, :, 0]))[-1]
        p = tracks.r_ecef[k, last]
        mu = analytic_in_reach(1.0, shell.altitude_m, shell.inclination_rad, p, float(np.linalg.norm(p)), reach[k])
        ratios.append(np.inf if mu <= 0 else 1.0 / mu)
    ratio = float(np.max(ratios))
    return shots * tracks.n * ratio, ratio


def size_constellation(shell: Shell, tracks: BoosterTracks, epoch: dt.datetime, launch_times_s,
                       design: SBIDesign, timeline: Timeline, shots: int = 1, resolution: float = 0.03,
                       max_total: int = 200_000) -> SizingResult:  # fmt: skip
    """Smallest Walker constellation of the shell for which, at every launch time, each booster of the salvo gets
    `shots` distinct SBIs able to reach it before cut-off (bipartite matching), to within `resolution` (relative).

    Search: start from the analytic size, double or halve to bracket, then bisect in log(T).
    """
    analytic, ratio = analytic_size(shell, tracks, design, timeline, shots)
    reach_cut = design.reach_m(tracks.burnout_s - timeline.cutoff_before_burnout_s - timeline.release_s)
    evaluations = 0
    cache: dict[int, ReachResult] = {}

    def covered(total: int) -> bool:
        nonlocal evaluations
        t_real = shell.pattern(total)[0]
        if t_real not in cache:
            evaluations += 1
            cache[t_real] = reach_over_time(shell.elements(total), tracks, epoch, launch_times_s, design, timeline,
                                            shots)  # fmt: skip
        return bool(np.all(cache[t_real].covered))

    guess = int(np.clip(np.ceil(analytic if np.isfinite(analytic) else 1000), shots * tracks.n, max_total))
    lo, hi = None, None
    total = guess
    while hi is None:
        if covered(total):
            hi = total
        else:
            lo = total
            if total >= max_total:
                raise InfeasibleDesign(f"even {max_total:,} SBIs do not cover every launch time")
            total = min(max_total, total * 2)
    if lo is None:
        lo = hi
        while lo > shots * tracks.n:
            lo = max(shots * tracks.n, lo // 2)
            if not covered(lo):
                break
            hi = lo
        else:
            lo = hi
    while hi > lo and hi / max(lo, 1) > 1 + resolution:
        mid = int(round(np.sqrt(lo * hi)))
        if mid in (lo, hi):
            break
        if covered(mid):
            hi = mid
        else:
            lo = mid
    best = shell.pattern(hi)[0]
    return SizingResult(best, analytic, ratio, cache[best], evaluations, reach_cut,
                        tracks.burnout_s - timeline.cutoff_before_burnout_s - timeline.release_s)  # fmt: skip
