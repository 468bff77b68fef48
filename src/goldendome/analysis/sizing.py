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

import datetime as dt
from dataclasses import dataclass

import numpy as np

from goldendome.effectors.reach import BoosterTracks, ReachResult, reach_over_time
from goldendome.effectors.sbi import SBIDesign, Timeline
from goldendome.physics.constants import G0_M_S2, WGS84_A_M
from goldendome.physics.constellation import walker_delta
from goldendome.physics.kepler import OrbitalElements


class InfeasibleDesign(ValueError):
    """A sizing question with no answer, and why (e.g. the reach never covers the launch latitude)."""


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


def analytic_in_reach(
    n_sbi: float,
    altitude_m: float,
    inclination_rad: float,
    point_ecef_unit,
    point_radius_m,
    reach_m: float,
    samples: int = 40_000,
) -> float:
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
        raise InfeasibleDesign(
            f"orbit altitude {shell.altitude_m / 1e3:.0f} km is below 150 km, where drag brings "
            "a satellite down within days"
        )
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
    for k, cut in enumerate(tracks.cutoff_points_ecef):
        rb = float(np.linalg.norm(cut))
        alpha = cap_half_angle(rb, r_s, reach[k])
        if not np.isfinite(alpha):
            raise InfeasibleDesign(
                f"{tracks.names[k]}: with {design.delta_v_mps / 1e3:.1f} km/s at {design.accel_mps2 / G0_M_S2:.0f} g "
                f"the SBI reaches {reach[k] / 1e3:.0f} km in the {window[k]:.0f} s available, less than the "
                f"{abs(r_s - rb) / 1e3:.0f} km between its {shell.altitude_m / 1e3:.0f} km orbit and the booster"
            )
        lat_b = abs(np.arcsin(cut[2] / rb))
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
    for k, p in enumerate(tracks.cutoff_points_ecef):
        mu = analytic_in_reach(1.0, shell.altitude_m, shell.inclination_rad, p, float(np.linalg.norm(p)), reach[k])
        ratios.append(np.inf if mu <= 0 else 1.0 / mu)
    ratio = float(np.max(ratios))
    return shots * tracks.n * ratio, ratio


def size_constellation(
    shell: Shell,
    tracks: BoosterTracks,
    epoch: dt.datetime,
    launch_times_s,
    design: SBIDesign,
    timeline: Timeline,
    shots: int = 1,
    resolution: float = 0.03,
    max_total: int = 200_000,
) -> SizingResult:
    """Smallest Walker constellation of the shell for which, at every launch time, each booster of the salvo gets
    `shots` distinct SBIs able to reach it before cut-off (bipartite matching), to within `resolution` (relative).

    Coverage is not monotonic in the total (each total is a different P x S pattern, and with one or two SBIs in
    reach the worst launch time depends on the pattern's geometry): the answer is the smallest size found such that
    it and the patterns 1 x and 2 x `resolution` larger all pass (a monotone envelope), not the smallest pattern
    that happens to pass.

    Search: start from 1.5 x the analytic size, step by 1.5 to bracket, then bisect in log(T).
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
            cache[t_real] = reach_over_time(
                shell.elements(total), tracks, epoch, launch_times_s, design, timeline, shots
            )
        return bool(np.all(cache[t_real].covered))

    # the worst launch time needs more than the mean (1.1-2.3 x the analytic size in the sweeps of the built-in
    # study), so the search starts above it and brackets in steps of 1.5
    guess = int(np.clip(np.ceil(1.5 * analytic if np.isfinite(analytic) else 1000), shots * tracks.n, max_total))
    lo, hi = None, None
    total = guess
    while hi is None:
        if covered(total):
            hi = total
        else:
            lo = total
            if total >= max_total:
                raise InfeasibleDesign(f"even {max_total:,} SBIs do not cover every launch time")
            total = min(max_total, int(np.ceil(total * 1.5)))
    if lo is None:
        lo = hi
        while lo > shots * tracks.n:
            lo = max(shots * tracks.n, int(lo / 1.5))
            if not covered(lo):
                break
            hi = lo
        else:
            lo = hi

    def bisect(lo: int, hi: int) -> tuple[int, int]:
        while hi > lo and hi / max(lo, 1) > 1 + resolution:
            mid = int(round(np.sqrt(lo * hi)))
            if mid in (lo, hi):
                break
            if covered(mid):
                hi = mid
            else:
                lo = mid
        return lo, hi

    lo, hi = bisect(lo, hi)
    # monotone envelope: the answer must hold for the next larger patterns too (coverage of a Walker family is not
    # monotonic in its size); if one of them fails, the threshold lies above it
    for _ in range(8):
        failing = [t for t in (int(hi * (1 + resolution)), int(hi * (1 + 2 * resolution))) if not covered(t)]
        if not failing:
            break
        lo = max(failing)
        hi = max(hi, lo)
        while not covered(hi):
            hi = int(np.ceil(hi * 1.25))
        lo, hi = bisect(lo, hi)
    best = shell.pattern(hi)[0]
    return SizingResult(
        best,
        analytic,
        ratio,
        cache[best],
        evaluations,
        reach_cut,
        tracks.burnout_s - timeline.cutoff_before_burnout_s - timeline.release_s,
    )
