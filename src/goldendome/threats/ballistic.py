"""Ballistic missiles from launch to impact: the public entry point of the ICBM threat model.

:func:`fly_ballistic` takes launches (design, launch site, aim point, launch time, shape of flight), solves the
targeting for all of them at once (:mod:`goldendome.threats.guidance`), integrates powered flight, free flight
and re-entry (:mod:`goldendome.threats.flight`), and returns a :class:`~goldendome.threats.trajectory.Trajectory`
sampled on the scenario's clock plus a :class:`FlightSummary` of the figures an analyst quotes: boost time,
burnout speed and altitude, apogee, flight time, ground range, impact point and miss.

Aim points beyond reach are not flown at a wrong target silently: they come back with ``feasible = False`` and the
greatest range the design reaches on that shape, for the caller to turn into a message.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial

import numpy as np

from goldendome.physics.constants import G0_M_S2, MU_EARTH_M3_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import corotating_velocity, ecef_to_geodetic, eci_to_ecef, geodetic_height_m
from goldendome.physics.greatcircle import destination, ground_range_m
from goldendome.physics.integrate import hermite_position
from goldendome.physics.timescale import gmst_at
from goldendome.threats import guidance
from goldendome.threats.flight import delta_v_budget, downrange_crossrange, fly
from goldendome.threats.missile import MissileDesign
from goldendome.threats.trajectory import Trajectory

AIM_CORRECTIONS = 12
"""At most this many full-flight passes move the internal aim against the miss that drag and J2 add to the Kepler
prediction (a secant step on downrange: ICBMs settle in 2-3 passes, draggy rockets in 4-6)."""
AIM_TOLERANCE_M = 10.0
"""Corrections stop once every reachable impact is this close to its aim point."""


@dataclass(frozen=True)
class BallisticLaunch:
    """One ballistic missile launch. Angles rad, heights m, launch time s from the scenario epoch."""

    name: str
    design: MissileDesign
    launch_lat_rad: float
    launch_lon_rad: float
    aim_lat_rad: float
    aim_lon_rad: float
    t_launch_s: float = 0.0
    launch_h_m: float = 0.0
    aim_h_m: float = 0.0
    shape: str = "minimum_energy"
    shape_value: float = float("nan")  # SI target of burnout_angle (rad), apogee (m above mean radius), flight_time (s)


@dataclass(frozen=True)
class FlightSummary:
    """Headline figures of each flight, arrays over launches (SI units; angles rad)."""

    names: tuple[str, ...]
    feasible: np.ndarray
    max_range_m: np.ndarray
    t_launch_s: np.ndarray
    burnout_time_s: np.ndarray  # after launch
    burnout_speed_mps: np.ndarray  # inertial
    burnout_altitude_m: np.ndarray
    burnout_gamma_rad: np.ndarray  # inertial flight-path angle
    thrust_terminated: np.ndarray
    apogee_m: np.ndarray
    flight_time_s: np.ndarray
    ground_range_m: np.ndarray
    impact_lat_rad: np.ndarray
    impact_lon_rad: np.ndarray
    impact_speed_mps: np.ndarray  # Earth-relative
    miss_m: np.ndarray  # impact to aim point
    azimuth_rad: np.ndarray
    pitch_final_rad: np.ndarray


def resample_to_clock(rec, plan, n, sample_dt_s):
    """Resample each missile's integration steps onto the scenario clock (multiples of sample_dt_s) plus the
    exact launch and impact instants, by cubic Hermite interpolation (positions and velocities)."""
    order = np.lexsort((rec.tau, rec.idx))
    idx, tau, y, phase = rec.idx[order], rec.tau[order], rec.y[order], rec.phase[order]
    # drop zero-length steps (events landing exactly on a step end log the same time twice)
    keep = np.ones(idx.size, bool)
    keep[1:] = (idx[1:] != idx[:-1]) | (tau[1:] > tau[:-1] + 1e-9)
    idx, tau, y, phase = idx[keep], tau[keep], y[keep], phase[keep]
    t_abs = plan.t_launch[idx] + tau
    out_id, out_t = [], []
    for k in range(n):  # builds index arrays only; the interpolation below is one vectorised call
        t0 = plan.t_launch[k]
        t1 = t0 + rec.end_tau[k]
        grid = np.arange(np.ceil(t0 / sample_dt_s) * sample_dt_s, t1, sample_dt_s)
        grid = np.unique(np.concatenate([[t0], grid, [t1]]))
        out_id.append(np.full(grid.size, k))
        out_t.append(grid)
    out_id, out_t = np.concatenate(out_id), np.concatenate(out_t)
    t0_all, span = t_abs.min(), np.ptp(t_abs) + 1.0
    key = idx + (t_abs - t0_all) / span
    q = out_id + (out_t - t0_all) / span
    starts = np.searchsorted(idx, out_id)
    ends = np.searchsorted(idx, out_id, side="right")
    j = np.clip(np.searchsorted(key, q - 1e-15), starts + 1, ends - 1)
    r, v = hermite_position(t_abs[j - 1], y[j - 1, :3], y[j - 1, 3:], t_abs[j], y[j, :3], y[j, 3:], out_t)
    at_node = np.isclose(out_t, t_abs[j], rtol=0, atol=1e-9)
    r[at_node], v[at_node] = y[j[at_node], :3], y[j[at_node], 3:]
    return out_id, out_t, r, v, phase[j]


def fly_ballistic(launches: list[BallisticLaunch], epoch: dt.datetime, sample_dt_s: float = 1.0):
    """Trajectories and summaries of ballistic launches. Returns (Trajectory, FlightSummary)."""
    if not launches:
        raise ValueError("no launches given")
    for ln in launches:
        if ln.shape not in guidance.SHAPES:
            raise ValueError(f"{ln.name}: shape must be one of {', '.join(guidance.SHAPES)}, not {ln.shape!r}")
        if ln.shape in guidance.SHAPE_UNITS and not np.isfinite(ln.shape_value):
            raise ValueError(f"{ln.name}: shape {ln.shape!r} needs a shape_value")
    n = len(launches)

    def col(attr):
        return np.array([getattr(ln, attr) for ln in launches], dtype=float)

    theta_of_t = partial(gmst_at, epoch)
    plan = guidance.build_plan(
        [ln.design for ln in launches],
        col("launch_lat_rad"),
        col("launch_lon_rad"),
        col("launch_h_m"),
        col("aim_lat_rad"),
        col("aim_lon_rad"),
        col("aim_h_m"),
        col("t_launch_s"),
    )
    true_down = plan.aim_downrange.copy()
    aim_down, aim_cross = true_down.copy(), np.zeros(n)
    shapes = np.array([ln.shape for ln in launches])
    feasible, max_down = np.ones(n, bool), np.zeros(n)
    prev_aim = prev_down = None
    for corr in range(AIM_CORRECTIONS + 1):
        for shape in np.unique(shapes):  # each shape is its own root-finding problem
            sel = shapes == shape
            sub = plan.take(sel)
            feasible[sel], max_down[sel], _ = guidance.solve(
                sub,
                theta_of_t,
                aim_down[sel],
                aim_cross[sel],
                shape=str(shape),
                pitch0=sub.pitch_final.copy() if corr > 0 else None,  # aim corrections are small: warm start
                target=np.array([ln.shape_value for ln in launches])[sel],
            )
            plan.put(sel, sub)
        rec = fly(plan, theta_of_t, until="impact", record=False)
        # move the internal aim against the miss that drag, J2 and the rotating air add to the Kepler prediction
        imp = eci_to_ecef(rec.end_state[:, :3], theta_of_t(plan.t_launch + rec.end_tau))
        down, cross = downrange_crossrange(plan, np.arange(n), imp)
        ok = rec.impacted & feasible
        miss = np.hypot(down - true_down, cross) * R_EARTH_MEAN_M
        if corr == AIM_CORRECTIONS or not np.any(ok & (miss > AIM_TOLERANCE_M)):
            break
        # secant on downrange (the achieved range moves less than the aim when drag is strong), fixed point on
        # crossrange
        gain = np.ones(n)
        if prev_aim is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                g = (down - prev_down) / (aim_down - prev_aim)
            gain = np.where(np.isfinite(g) & (g > 0.05) & (g < 20.0), g, 1.0)
        prev_aim, prev_down = aim_down.copy(), down.copy()
        aim_down = np.where(ok, aim_down - (down - true_down) / gain, aim_down)
        aim_cross = np.where(ok, aim_cross - cross, aim_cross)
    # drag-dominated full-burn shots (artillery rockets) the vacuum-guided corrections could not land: target them
    # on the flown impact instead
    retry = np.isin(shapes, ("lofted", "depressed")) & ~(feasible & rec.impacted & (miss < 100.0))
    for shape in np.unique(shapes[retry]):
        sel = retry & (shapes == shape)
        sub = plan.take(sel)
        feasible[sel], max_down[sel] = guidance.solve_flown(sub, theta_of_t, true_down[sel], str(shape))
        plan.put(sel, sub)
    rec = fly(plan, theta_of_t, until="impact", record=True)
    out_id, out_t, r, v, phase = resample_to_clock(rec, plan, n, sample_dt_s)
    traj = Trajectory(
        object_id=out_id, t_s=out_t, r_eci_m=r, v_eci_mps=v, phase=phase, names=tuple(ln.name for ln in launches)
    )
    return traj, _summary(launches, plan, rec, feasible, max_down, theta_of_t)


def _summary(launches, plan, rec, feasible, max_down, theta_of_t) -> FlightSummary:
    n = plan.n
    bo = rec.cutoff_state
    r_bo, v_bo = bo[:, :3], bo[:, 3:]
    r_hat = r_bo / np.linalg.norm(r_bo, axis=-1, keepdims=True)
    speed_bo = np.linalg.norm(v_bo, axis=-1)
    gamma_bo = np.arcsin(np.clip(np.sum(v_bo * r_hat, -1) / speed_bo, -1, 1))
    h_rec = geodetic_height_m(rec.y[:, :3])
    apogee = np.full(n, -np.inf)
    np.maximum.at(apogee, rec.idx, h_rec)
    t_imp = plan.t_launch + rec.end_tau
    r_imp_eci, v_imp_eci = rec.end_state[:, :3], rec.end_state[:, 3:]
    r_imp = eci_to_ecef(r_imp_eci, theta_of_t(t_imp))
    v_rel = v_imp_eci - corotating_velocity(r_imp_eci)
    lat_i, lon_i, _ = ecef_to_geodetic(r_imp)
    lat_l, lon_l, _ = ecef_to_geodetic(plan.r_launch_ecef)
    aim_lat = np.array([ln.aim_lat_rad for ln in launches])
    aim_lon = np.array([ln.aim_lon_rad for ln in launches])
    return FlightSummary(
        names=tuple(ln.name for ln in launches),
        feasible=feasible & rec.impacted,
        max_range_m=max_down * R_EARTH_MEAN_M,
        t_launch_s=plan.t_launch.copy(),
        burnout_time_s=rec.cutoff_tau,
        burnout_speed_mps=speed_bo,
        burnout_altitude_m=geodetic_height_m(r_bo),
        burnout_gamma_rad=gamma_bo,
        thrust_terminated=rec.terminated,
        apogee_m=apogee,
        flight_time_s=np.where(rec.impacted, rec.end_tau, np.nan),
        ground_range_m=ground_range_m(lat_l, lon_l, lat_i, lon_i),
        impact_lat_rad=lat_i,
        impact_lon_rad=lon_i,
        impact_speed_mps=np.linalg.norm(v_rel, axis=-1),
        miss_m=ground_range_m(aim_lat, aim_lon, lat_i, lon_i),
        azimuth_rad=plan.azimuth.copy(),
        pitch_final_rad=plan.pitch_final.copy(),
    )


REACH_LAUNCH = (np.radians(45.0), 0.0, 0.0)
"""Where a design's maximum range is flown from: 45 deg N, due north (the Earth's rotation across the track)."""


@dataclass(frozen=True)
class Reach:
    """A design's maximum range as flown (full burn, the final pitch of greatest flown range, the programme the
    catalogue flies it with), with its burnout and its delta-v budget (scalars; SI, angles rad)."""

    range_m: float
    flight_time_s: float
    pitch_final_rad: float
    pitch_exponent: float
    budget: object  # flight.DeltaVBudget of the powered flight (arrays of one)


def maximum_range(
    design: MissileDesign,
    epoch: dt.datetime,
    pitch_exponent: float | None = None,
    launch: tuple[float, float, float] = REACH_LAUNCH,
) -> Reach:
    """Fly a design's full burn from launch (lat, lon, azimuth; rad; default REACH_LAUNCH: 45 deg N, due north) at
    the final pitch of greatest flown ground range (golden-section search, impacts flown with drag and J2), and
    account its delta-v. pitch_exponent: the programme's exponent (None: the design's own, flight.pitch_exponent,
    as the simulator flies it). A flight that would pass the antipode is not longer: ground range is measured on
    the great circle, so a missile with a global reach flies ~20,000 km at most."""
    lat, lon, azimuth = launch
    theta = partial(gmst_at, epoch)
    plan = guidance.build_plan([design], lat, lon, 0.0, *destination(lat, lon, azimuth, 0.5), 0.0, 0.0)
    plan.azimuth[:] = azimuth
    plan.aim_downrange[:] = np.inf
    if pitch_exponent is not None:
        plan.pitch_exponent = np.array([float(pitch_exponent)])

    def flown(pitch):
        plan.pitch_final[:] = pitch
        rec = fly(plan, theta, until="impact", record=False)
        impact = eci_to_ecef(rec.end_state[:, :3], theta(plan.t_launch + rec.end_tau))
        lat_i, lon_i, _ = ecef_to_geodetic(impact)
        ok = rec.impacted & ~rec.crashed
        return np.where(ok, ground_range_m(lat, lon, lat_i, lon_i), -np.inf), rec.end_tau

    best = guidance.golden_section_max(
        lambda p: flown(p)[0], np.array([guidance.PITCH_MIN_RAD]), np.array([guidance.PITCH_MAX_RAD]), 30
    )
    rng, tof = flown(best)
    if not np.isfinite(rng[0]):
        # the search fell on a plateau of flights that never come down (a near-orbital missile's shallow pitches go
        # round the Earth): take the best of a scan, steep flights included, then refine around it
        scan = np.linspace(guidance.PITCH_MIN_RAD, guidance.PITCH_MAX_RAD, 90)
        ranges = np.array([flown(np.array([p]))[0][0] for p in scan])
        if not np.any(np.isfinite(ranges)):
            raise ValueError(_no_ballistic_flight(design))
        k = int(np.argmax(ranges))
        step = scan[1] - scan[0]
        best = guidance.golden_section_max(
            lambda p: flown(p)[0], np.array([scan[k] - step]), np.array([scan[k] + step]), 20
        )
        rng, tof = flown(best)
        if not np.isfinite(rng[0]):
            best = np.array([scan[k]])
            rng, tof = flown(best)
    plan.pitch_final[:] = best
    return Reach(
        float(rng[0]), float(tof[0]), float(best[0]), float(plan.pitch_exponent[0]), delta_v_budget(plan, theta)
    )


def _no_ballistic_flight(design: MissileDesign) -> str:
    """Why no full burn of a design comes down as a ballistic flight, with the figures that say so."""
    tw = design.liftoff_thrust_to_weight()
    if tw <= 1.0:
        return (
            f"{design.name}: it cannot lift off: stage 1's thrust is {tw:.2f} of the launch weight "
            f"({design.launch_mass_kg * G0_M_S2 / 1e3:,.0f} kN); the heaviest payload it lifts is "
            f"{max(design.heaviest_payload_kg(), 0.0):,.0f} kg, not {design.payload_kg:,.0f} kg"
        )
    escape = np.sqrt(2.0 * MU_EARTH_M3_S2 / R_EARTH_MEAN_M) / 1e3
    return (
        f"{design.name}: no full-burn flight at any final pitch comes down: an ideal delta-v of "
        f"{design.ideal_delta_v_mps() / 1e3:.1f} km/s puts even the steepest flights into orbit or past escape "
        f"speed (~{escape:.1f} km/s); carry a heavier payload or cut the thrust off early (a minimum-energy "
        f"shot)"
    )
