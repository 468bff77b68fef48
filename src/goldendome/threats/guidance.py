"""Targeting: the launch azimuth, final pitch and thrust cut-off that put a missile's warhead on its aim point.

Shapes of flight
----------------
``minimum_energy`` (default): the burnout velocity points along the minimum-energy direction for the free flight
that follows, and thrust ends when the predicted impact reaches the aim point. The minimum-energy conic through
the burnout point P1 and the impact point P2 has its empty focus on the chord P1P2, so by the ellipse's reflection
property its velocity at P1 bisects the angle between the local vertical and the chord (Battin, *An Introduction
to the Mathematics and Methods of Astrodynamics*, 1999, sec. 6.2). For equal radii this is the familiar
gamma* = (pi - psi) / 4 of the minimum-energy trajectory (Wheelon 1959; Regan, *Re-entry Vehicle Dynamics*, 1984).

``lofted`` / ``depressed``: the full burn is flown and the final pitch chosen on the steep or the shallow branch
of range vs pitch, so the missile lands on the aim point with all its energy.

The azimuth is corrected from the predicted crossrange miss (the Earth turns under the missile); a final loop flies
the full trajectory (J2, drag, rotating atmosphere) and moves the internal aim point against the measured miss.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from goldendome.physics.constants import MU_EARTH_M3_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import eci_to_ecef, geodetic_to_ecef
from goldendome.physics.greatcircle import initial_azimuth
from goldendome.threats.flight import FlightPlan, downrange_crossrange, fly, plan_arrays, predict_impact
from goldendome.threats.missile import MissileDesign

SHAPES = ("minimum_energy", "lofted", "depressed", "burnout_angle", "apogee", "flight_time")
CUTOFF_SHAPES = ("minimum_energy", "burnout_angle", "apogee", "flight_time")
"""Shapes whose range is set by thrust termination at the aim (the rest burn everything)."""
SHAPE_UNITS = {"burnout_angle": "deg", "apogee": "km", "flight_time": "min"}
"""Shapes that take a target value, and the unit it is given in at the edges."""
PITCH_MIN_RAD = np.radians(-10.0)
PITCH_MAX_RAD = np.radians(89.0)  # steep enough for lofted tests peaking at 6,000-8,000 km over ~1,000 km


@dataclass(frozen=True)
class TargetingResult:
    """Solved flight plan and what the targeting found, per missile.

    feasible: the aim point is within reach on the asked shape; max_range_m: predicted free-flight range of the
    full burn on that shape (what the missile could do at most); miss_m: distance from the aim point of the final
    integrated impact.
    """

    plan: FlightPlan
    feasible: np.ndarray
    max_range_m: np.ndarray
    iterations: int


def aim_frame(r_launch_ecef, r_aim_ecef):
    """Unit vectors (l, m, n) of the launch-aim plane and the aim's downrange angle (rad)."""
    l_hat = r_launch_ecef / np.linalg.norm(r_launch_ecef, axis=-1, keepdims=True)
    t_hat = r_aim_ecef / np.linalg.norm(r_aim_ecef, axis=-1, keepdims=True)
    n_vec = np.cross(l_hat, t_hat)
    n_hat = n_vec / np.linalg.norm(n_vec, axis=-1, keepdims=True)
    m_hat = np.cross(n_hat, l_hat)
    down = np.arctan2(np.sum(t_hat * m_hat, -1), np.sum(t_hat * l_hat, -1))
    return l_hat, m_hat, n_hat, down


def minimum_energy_error(r, v, r_impact_eci):
    """Flight-path angle above the minimum-energy one (rad): >0 too steep, <0 too shallow."""
    r_hat = r / np.linalg.norm(r, axis=-1, keepdims=True)
    chord = r_impact_eci - r
    chord /= np.linalg.norm(chord, axis=-1, keepdims=True)
    bis = r_hat + chord
    bis /= np.linalg.norm(bis, axis=-1, keepdims=True)
    gamma_star = np.arcsin(np.clip(np.sum(bis * r_hat, -1), -1, 1))
    gamma = np.arcsin(np.clip(np.sum(v * r_hat, -1) / np.linalg.norm(v, axis=-1), -1, 1))
    return gamma - gamma_star


def azimuth_step(cross_miss, down):
    """Azimuth change (rad) that removes a crossrange miss (rad) of a flight that went `down` rad downrange.

    Turning the launch plane clockwise by d_az moves the impact right by ~sin(down) d_az (crossrange is positive to
    the left, along l x m), so the step is the miss over
    sin(down), floored at 0.05 (a short flight needs a large turn but not an unbounded one). A flight that
    ends behind or almost on top of the launch point (a near-vertical shot pushed back by the Coriolis drift)
    says nothing about the azimuth: no step, rather than one of the wrong sign or a wild one.
    """
    down = np.nan_to_num(np.asarray(down, float), nan=0.0, posinf=0.0, neginf=0.0)
    return np.where(down > 0.005, cross_miss / np.maximum(np.sin(down), 0.05), 0.0)


class _Steering:
    """The azimuth corrections of a targeting, one gain per flight on top of azimuth_step: halved where a step
    overshot (the miss changed sign without halving: the true sensitivity is more than twice sin(downrange), as on
    a near-vertical shot whose westward Coriolis drift the missile's own flight must make up), raised by half
    (up to 4) where a step made little headway (the miss kept its sign and more than half its size)."""

    def __init__(self, n: int):
        self.gain = np.ones(n)
        self.prev = np.full(n, np.nan)

    def step(self, idx, miss, down, aim):
        """Azimuth steps (rad) of the rows idx. Only a flight that came down near its aim (within 10 % of the
        aim's range, or 0.01 rad) steers: the crossrange of a far longer or shorter flight (a bracket end of the
        pitch search) says little about the azimuth the aim needs."""
        near = np.abs(np.nan_to_num(down, nan=np.inf) - aim) <= 0.1 * np.abs(aim) + 0.01
        miss = np.where(near, miss, np.nan)
        prev = self.prev[idx]
        with np.errstate(invalid="ignore"):
            ratio = miss / prev
        gain = self.gain[idx]
        gain = np.where(ratio < -0.5, 0.5 * gain, np.where(ratio > 0.5, np.minimum(1.5 * gain, 4.0), gain))
        self.gain[idx] = gain
        self.prev[idx] = np.where(near, miss, prev)
        return np.where(near, gain * azimuth_step(np.nan_to_num(miss), down), 0.0)


def build_plan(
    designs: list[MissileDesign], launch_lat, launch_lon, launch_h, aim_lat, aim_lon, aim_h, t_launch
) -> FlightPlan:
    """A flight plan aimed along the great circle, final pitch not yet chosen."""
    arrays = plan_arrays(designs, fitted=True)
    n = len(designs)
    launch_lat, launch_lon, launch_h, aim_lat, aim_lon, aim_h = (
        np.asarray(x, float) + np.zeros(n) for x in (launch_lat, launch_lon, launch_h, aim_lat, aim_lon, aim_h)
    )
    r_l = geodetic_to_ecef(launch_lat, launch_lon, launch_h)
    r_a = geodetic_to_ecef(aim_lat, aim_lon, aim_h)
    l_hat, m_hat, n_hat, down = aim_frame(r_l, r_a)
    return FlightPlan(
        **arrays,
        t_launch=np.asarray(t_launch, float) + np.zeros(n),
        r_launch_ecef=r_l,
        azimuth=initial_azimuth(launch_lat, launch_lon, aim_lat, aim_lon) + np.zeros(n),
        pitch_final=np.full(n, np.radians(20.0)),
        l_hat=l_hat,
        m_hat=m_hat,
        n_hat=n_hat,
        aim_downrange=down.copy(),
        impact_radius=np.linalg.norm(r_a, axis=-1),
        impact_height=np.asarray(aim_h, float) + np.zeros(n),
    )


def _evaluate(plan: FlightPlan, theta_of_t: Callable, aim_down, shape: str, target=None):
    """Fly the boost of every missile; return (shape error, downrange at cut-off, crossrange, cut off?).

    The error increases with the final pitch for every shape: minimum_energy, flight-path angle above the
    minimum-energy one; burnout_angle / apogee / flight_time, the inertial burnout flight-path angle (rad), the
    Kepler apogee altitude (per 10,000 km) or the total flight time (per 10,000 s) above its target (SI); full-burn
    shapes, the downrange past the aim (sign handled by the caller's branch).
    """
    rec = fly(plan, theta_of_t, until="boost", record=False)
    r, v = rec.cutoff_state[:, :3], rec.cutoff_state[:, 3:]
    t_cut = plan.t_launch + np.nan_to_num(rec.cutoff_tau)
    imp, tof, r_i, ok = predict_impact(r, v, t_cut, plan.impact_radius, theta_of_t)
    ok &= ~rec.crashed
    down, cross = downrange_crossrange(plan, np.arange(plan.n), imp)
    down = np.where(ok, down, -np.inf)
    if shape == "minimum_energy":
        # no impact solution: crashed under power (far too shallow) or never comes down (too steep is impossible
        # for a suborbital missile, so treat it as too shallow: an orbit)
        err = np.where(ok, minimum_energy_error(r, v, r_i), -1.0)
    elif shape in SHAPE_UNITS:
        rn = np.linalg.norm(r, axis=-1)
        vn = np.linalg.norm(v, axis=-1)
        if shape == "burnout_angle":
            value = np.arcsin(np.clip(np.sum(r * v, -1) / (rn * vn), -1, 1))
            scale = 1.0
        elif shape == "apogee":
            a = 1.0 / (2.0 / rn - vn * vn / MU_EARTH_M3_S2)
            evec = ((vn * vn - MU_EARTH_M3_S2 / rn)[:, None] * r - np.sum(r * v, -1)[:, None] * v) / MU_EARTH_M3_S2
            value, scale = a * (1 + np.linalg.norm(evec, axis=-1)) - R_EARTH_MEAN_M, 1e7
        else:
            value, scale = np.nan_to_num(rec.cutoff_tau) + tof, 1e4
        err = np.where(ok, (value - target) / scale, -1.0)
    else:
        err = np.where(ok, down - aim_down, -10.0)
    return err, down, np.where(ok, cross, 0.0), rec.terminated


def golden_section_max(f, a, b, iterations: int):
    """Row-wise golden-section search for the maximum of f ((N,) -> (N,)) on [a, b]; f is called at the lower
    then the upper interior point of each step. Returns the midpoint of the final bracket."""
    g = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(iterations):
        c1, c2 = b - g * (b - a), a + g * (b - a)
        d1 = f(c1)
        d2 = f(c2)
        left = d1 > d2
        b, a = np.where(left, c2, b), np.where(left, a, c1)
    return 0.5 * (a + b)


def solve(
    plan: FlightPlan,
    theta_of_t: Callable,
    aim_down,
    aim_cross,
    shape: str = "minimum_energy",
    tol_rad: float = 1e-7,
    max_iter: int = 40,
    pitch0=None,
    window_rad: float = np.radians(2.0),
    target=None,
    cutoff: bool = True,
):
    """Choose the final pitch (and azimuth) of every missile of the plan, in place, to land at (aim_down,
    aim_cross) rad in the launch-aim frame.

    minimum_energy: Illinois regula falsi on the shape error, thrust cut off at the aim.
    lofted/depressed: full burn; a golden-section search finds the pitch of greatest range, then regula falsi on
    the downrange error above (lofted) or below (depressed) it.
    pitch0 : optional (N,) previous solution: the bracket starts +/- window_rad around it (falls back to the full
    range where that does not bracket). Only missiles not yet converged are flown at each iteration.
    cutoff=False flies the full burn for every shape (e.g. a glide vehicle's booster steered to a burnout angle).
    Returns (feasible, greatest downrange (rad): on full-burn shapes the branch point, for minimum_energy the
    full burn's range when the aim is out of reach and NaN when it is within reach, iterations).
    Leaves plan.aim_downrange at the cut-off aim (minimum_energy) or at +inf (full burn).
    """
    n = plan.n
    aim = np.asarray(aim_down, float).copy()
    aim_cross = np.asarray(aim_cross, float)
    plan.aim_downrange = aim.copy() if shape in CUTOFF_SHAPES and cutoff else np.full(n, np.inf)
    target = None if target is None else np.broadcast_to(np.asarray(target, float), (n,))
    lo = np.full(n, PITCH_MIN_RAD)
    hi = np.full(n, PITCH_MAX_RAD)
    all_rows = np.ones(n, bool)
    steering = _Steering(n)  # full-burn shapes: their flights land far from the aim while the pitch is searched
    gain = 1.0 / np.maximum(np.sin(np.abs(aim)), 0.05)  # crossrange per azimuth change ~ sin(downrange)

    def at(pitch, rows=all_rows, steer=True):
        """Fly the rows' boosts at the given pitches; returns full-length arrays (NaN outside the rows). steer:
        correct the azimuth from the crossrange miss (not while the search for the greatest range explores)."""
        idx = np.flatnonzero(rows)
        out = [np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, bool)]
        if idx.size == 0:
            return tuple(out)
        plan.pitch_final[idx] = pitch[idx]
        sub = plan.take(idx)
        tgt = None if target is None else target[idx]
        err, down, cross, term = _evaluate(sub, theta_of_t, aim[idx], shape, tgt)
        if steer:
            if shape in ("lofted", "depressed"):
                plan.azimuth[idx] = plan.azimuth[idx] + steering.step(idx, cross - aim_cross[idx], down, aim[idx])
            else:  # the flight ends on the aim (cut-off) or is steered by its own shape: the aim's sensitivity
                plan.azimuth[idx] = plan.azimuth[idx] + (cross - aim_cross[idx]) * gain[idx]
        for o, v in zip(out, (err, down, cross, term), strict=True):
            o[idx] = v
        return tuple(out)

    max_down = np.full(n, -np.inf)

    def downrange(pitch):
        """Downrange of the full burn at these pitches, keeping the greatest seen."""
        nonlocal max_down
        d = at(pitch, steer=False)[1]
        max_down = np.maximum(max_down, d)
        return d

    if shape in ("lofted", "depressed"):
        best = golden_section_max(downrange, lo.copy(), hi.copy(), 24)
        lo, hi = (best, hi) if shape == "lofted" else (lo, best)
    elif pitch0 is not None:  # cut-off shapes: warm start around the previous pitch
        lo = np.clip(np.asarray(pitch0, float) - window_rad, PITCH_MIN_RAD, PITCH_MAX_RAD)
        hi = np.clip(np.asarray(pitch0, float) + window_rad, PITCH_MIN_RAD, PITCH_MAX_RAD)

    f_lo, d_lo, _, _ = at(lo)
    f_hi, d_hi, _, _ = at(hi)
    bracketed = np.sign(f_lo) != np.sign(f_hi)
    if pitch0 is not None and shape in CUTOFF_SHAPES and not np.all(bracketed):
        # the warm bracket missed: widen those rows to the full range
        miss = ~bracketed
        lo[miss], hi[miss] = PITCH_MIN_RAD, PITCH_MAX_RAD
        f2, d2, _, _ = at(lo, miss)
        f3, d3, _, _ = at(hi, miss)
        f_lo[miss], d_lo[miss], f_hi[miss], d_hi[miss] = f2[miss], d2[miss], f3[miss], d3[miss]
        bracketed = np.sign(f_lo) != np.sign(f_hi)
    max_down = np.maximum(max_down, np.fmax(d_lo, d_hi))
    pitch = np.where(np.abs(f_lo) < np.abs(f_hi), lo, hi)
    last = np.zeros(n)  # which end was replaced last: -1 lo, +1 hi (Illinois bookkeeping)
    iterations = 0
    active = bracketed.copy()
    lo0, hi0 = lo.copy(), hi.copy()
    restarts = np.zeros(n, int)
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        if not np.any(active):
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            cand = hi - f_hi * (hi - lo) / (f_hi - f_lo)
        cand = np.where(np.isfinite(cand), cand, 0.5 * (lo + hi))
        pitch = np.where(active, np.clip(cand, np.minimum(lo, hi), np.maximum(lo, hi)), pitch)
        f, d, cross, _ = at(pitch, active)
        max_down = np.where(active, np.fmax(max_down, d), max_down)
        same_as_lo = np.sign(f) == np.sign(f_lo)
        upd_lo, upd_hi = active & same_as_lo, active & ~same_as_lo
        f_hi = np.where(upd_lo & (last == -1), f_hi / 2.0, f_hi)
        f_lo = np.where(upd_hi & (last == 1), f_lo / 2.0, f_lo)
        lo, f_lo = np.where(upd_lo, pitch, lo), np.where(upd_lo, f, f_lo)
        hi, f_hi = np.where(upd_hi, pitch, hi), np.where(upd_hi, f, f_hi)
        last = np.where(upd_lo, -1, np.where(upd_hi, 1, last))
        settled = ((np.abs(f) < tol_rad) | (np.abs(hi - lo) < 1e-10)) & (np.abs(cross - aim_cross) < tol_rad)
        # the ends' errors were measured on earlier azimuths: where the steering moved the root out of a bracket
        # that has now closed on a non-root, measure the ends again on the current azimuth (twice at most)
        stale = active & (np.abs(hi - lo) < 1e-10) & (np.abs(f) >= tol_rad) & (restarts < 2)
        if np.any(stale):
            restarts += stale
            # first a window of window_rad about the point reached (the azimuth has moved little), else the half
            lo = np.where(stale, np.maximum(pitch - window_rad, np.minimum(lo0, hi0)), lo)
            hi = np.where(stale, np.minimum(pitch + window_rad, np.maximum(lo0, hi0)), hi)
            f_lo = np.where(stale, at(lo, stale, steer=False)[0], f_lo)
            f_hi = np.where(stale, at(hi, stale, steer=False)[0], f_hi)
            wide = stale & (np.sign(f_lo) == np.sign(f_hi))
            if np.any(wide):
                lo, hi = np.where(wide, lo0, lo), np.where(wide, hi0, hi)
                f_lo = np.where(wide, at(lo, wide, steer=False)[0], f_lo)
                f_hi = np.where(wide, at(hi, wide, steer=False)[0], f_hi)
            last = np.where(stale, 0, last)
            bracketed &= ~stale | (np.sign(f_lo) != np.sign(f_hi))
            settled &= ~stale
        active &= ~settled & bracketed
    plan.pitch_final = pitch
    _, down, _, term = at(pitch)
    if shape in CUTOFF_SHAPES:
        # cut off before burnout = the aim is within reach; otherwise the full burn's range is the limit
        feasible = term & bracketed
        # within reach: the greatest range was not searched for (NaN); out of reach: the full burn's range
        max_down = np.where(term, np.nan, down)
    else:
        feasible = bracketed & (np.abs(down - aim) < 1e-5)
    return feasible, max_down, iterations


def solve_flown(
    plan: FlightPlan,
    theta_of_t: Callable,
    aim_down,
    shape: str,
    max_iter: int = 40,
    pitch_max_rad: float = np.radians(89.5),
):
    """Full-burn targeting on the flown impact itself (drag, J2, rotating air), for drag-dominated flights such as
    artillery rockets, where the vacuum conic is a poor guide: a golden-section search finds the final pitch of
    greatest flown range, then regula falsi on the flown downrange error in the steep (lofted) or shallow
    (depressed) half, with the azimuth corrected from the flown crossrange. In place; returns (feasible, greatest
    flown downrange (rad)).
    """
    n = plan.n
    aim = np.asarray(aim_down, float)
    plan.aim_downrange = np.full(n, np.inf)
    steering = _Steering(n)

    def flown(pitch):
        plan.pitch_final = pitch.copy()
        rec = fly(plan, theta_of_t, until="impact", record=False)
        imp = eci_to_ecef(rec.end_state[:, :3], theta_of_t(plan.t_launch + rec.end_tau))
        down, cross = downrange_crossrange(plan, np.arange(n), imp)
        ok = rec.impacted & ~rec.crashed
        return np.where(ok, down, -np.inf), np.where(ok, cross, 0.0)

    best = golden_section_max(lambda pitch: flown(pitch)[0], np.full(n, PITCH_MIN_RAD), np.full(n, pitch_max_rad), 28)
    max_down, _ = flown(best)
    lo, hi = (best, np.full(n, pitch_max_rad)) if shape == "lofted" else (np.full(n, PITCH_MIN_RAD), best)
    f_lo = flown(lo)[0] - aim
    f_hi = flown(hi)[0] - aim
    f_lo, f_hi = np.where(np.isfinite(f_lo), f_lo, -1.0), np.where(np.isfinite(f_hi), f_hi, -1.0)
    bracketed = np.sign(f_lo) != np.sign(f_hi)
    pitch = best.copy()
    for _ in range(max_iter):
        with np.errstate(invalid="ignore", divide="ignore"):
            cand = hi - f_hi * (hi - lo) / (f_hi - f_lo)
        pitch = np.where(
            bracketed, np.clip(np.nan_to_num(cand, nan=0.5), np.minimum(lo, hi), np.maximum(lo, hi)), pitch
        )
        d, cross = flown(pitch)
        f = np.where(np.isfinite(d), d - aim, -1.0)
        plan.azimuth = plan.azimuth + steering.step(np.arange(n), cross, d, aim)
        same = np.sign(f) == np.sign(f_lo)
        lo, f_lo = np.where(same, pitch, lo), np.where(same, f, f_lo / np.where(same, 1.0, 2.0))
        hi, f_hi = np.where(same, hi, pitch), np.where(same, f_hi / 2.0, f)
        if np.all((np.abs(f) < 1e-7) | ~bracketed) and np.all(np.abs(cross) < 1e-7):
            break
    plan.pitch_final = pitch
    d, _ = flown(pitch)
    return bracketed & (np.abs(d - aim) < 1e-5), max_down
