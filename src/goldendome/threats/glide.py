"""Hypersonic glide vehicles: a boost to the edge of the atmosphere, then a long lifting glide at 40-70 km.

After a depressed boost the vehicle pulls up into an equilibrium glide, where lift plus the centrifugal relief of
flying fast around the curved Earth balance gravity:

    L/m = g - v^2 / r          (flight-path angle ~0; Vinh, Busemann & Culp, *Hypersonic and Planetary Entry
                                Flight Mechanics*, 1980, ch. 7)

Drag then bleeds the speed at the rate D/m = (L/m) / (L/D), and the glide covers the classic equilibrium-glide range

    s = (R/2) (L/D) ln(1 / (1 - u0^2)),   u0 = v0 / sqrt(g R)    (Allen & Eggers / Eggers, Allen & Neice,
                                                                   NACA Report 1382, 1958)

The vehicle is a point mass with ballistic coefficient beta = m / (Cd S) and lift-to-drag ratio L/D; the guidance
modulates lift (up to L/D x drag) to hold the equilibrium glide with a little flight-path damping, banks to turn
towards the target (cross-range), and dives at the end. Glide altitude follows from beta and L/D through the air
density needed for lift - it is physics, not a flag: that low altitude keeps the glider below the radar horizon
and makes it a hot, not a cold, body for space sensors.

Defaults: beta ~13,000 kg/m^2 and L/D ~2.6 for a generic boost-glide vehicle (Tracy & Wright, "Modeling the
Performance of Hypersonic Boost-Glide Missiles", Science & Global Security 28, 2020; figures as reported in
secondary notes, to be verified against the paper).
"""

import datetime as dt
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from goldendome.physics.atmosphere import tabulated_density
from goldendome.physics.constants import G0_M_S2, MU_EARTH_M3_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import (
    corotating_velocity,
    ecef_to_eci,
    ecef_to_eci_state,
    ecef_to_geodetic,
    eci_to_ecef,
    eci_to_ecef_state,
    geodetic_height_m,
    geodetic_to_ecef,
)
from goldendome.physics.gravity import accel_gravity
from goldendome.physics.greatcircle import unit_vector
from goldendome.physics.integrate import rk4_step
from goldendome.physics.timescale import gmst_at
from goldendome.threats import guidance
from goldendome.threats.ballistic import resample_to_clock
from goldendome.threats.flight import PITCH_EXPONENT, fly
from goldendome.threats.trajectory import MIDCOURSE, TERMINAL, Trajectory


@dataclass(frozen=True)
class GlideVehicle:
    """A glide vehicle starting its glide: state at pull-up, aerodynamics, and where it is going.

    start_lat/lon_rad, start_altitude_m, start_speed_mps (Earth-relative), start_heading_rad (from north),
    start_gamma_rad: the pull-up state (what the boost delivered). beta_kg_m2, lift_to_drag: aerodynamics.
    aim_lat/lon_rad: the target; dive_range_m: aim offset of the dive's line of sight (0: dive onto the target).
    """

    name: str
    start_lat_rad: float
    start_lon_rad: float
    start_altitude_m: float
    start_speed_mps: float
    start_heading_rad: float
    aim_lat_rad: float
    aim_lon_rad: float
    start_gamma_rad: float = 0.0
    t_start_s: float = 0.0
    beta_kg_m2: float = 13_000.0
    lift_to_drag: float = 2.6
    dive_range_m: float = 0.0
    max_bank_rad: float = np.radians(45.0)


DIVE_MARGIN = 0.5
"""The dive starts when the turn onto the line of sight would use this share of the time left (a modelling
choice: earlier dives waste speed, later ones overshoot)."""


DIVE_CEILING_M = 100e3
"""The dive is a manoeuvre in the air: a vehicle still falling from orbit (a fractional-orbit glider) does not
start it above the Karman line, where lift cannot turn it."""


def equilibrium_glide_range_m(
    speed_mps: float, lift_to_drag: float, g: float = G0_M_S2, radius_m: float = R_EARTH_MEAN_M
) -> float:
    """Eggers-Allen-Neice equilibrium-glide range (m) from speed v down to zero: (R/2)(L/D) ln(1/(1 - v^2/(g R)))."""
    u2 = speed_mps**2 / (g * radius_m)
    return 0.5 * radius_m * lift_to_drag * np.log(1.0 / (1.0 - u2))


def fly_glide(
    vehicles: list[GlideVehicle],
    epoch: dt.datetime,
    dt_s: float = 1.0,
    max_time_s: float = 7200.0,
    sample_dt_s: float = 1.0,
) -> Trajectory:
    """Integrate glide vehicles (vectorised RK4 over vehicles) from pull-up to impact; the scenario clock in t_s."""
    n = len(vehicles)
    col = {
        f: np.array([getattr(v, f) for v in vehicles], float)
        for f in (
            "start_lat_rad",
            "start_lon_rad",
            "start_altitude_m",
            "start_speed_mps",
            "start_heading_rad",
            "start_gamma_rad",
            "t_start_s",
            "beta_kg_m2",
            "lift_to_drag",
            "dive_range_m",
            "max_bank_rad",
            "aim_lat_rad",
            "aim_lon_rad",
        )
    }
    # initial inertial state at each vehicle's own start time (ECEF axes turned by GMST)
    r_e = geodetic_to_ecef(col["start_lat_rad"], col["start_lon_rad"], col["start_altitude_m"])
    up = r_e / np.linalg.norm(r_e, axis=1, keepdims=True)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east, axis=1, keepdims=True)
    north = np.cross(up, east)
    h0, g0 = col["start_heading_rad"], col["start_gamma_rad"]
    horiz = np.sin(h0)[:, None] * east + np.cos(h0)[:, None] * north
    v_e = col["start_speed_mps"][:, None] * (np.cos(g0)[:, None] * horiz + np.sin(g0)[:, None] * up)
    theta0 = gmst_at(epoch, col["t_start_s"])[:, None]
    r, v = ecef_to_eci_state(r_e, v_e, theta0[:, 0])
    aim_all = geodetic_to_ecef(col["aim_lat_rad"], col["aim_lon_rad"], 0.0)
    # GMST is linear in time to 1e-12 rad over a day: one rate instead of a Julian-date evaluation per call
    th0 = float(gmst_at(epoch, 0.0))
    rate = float(np.mod(gmst_at(epoch, 3600.0) - th0, 2 * np.pi) / 3600.0)

    def accel(idx, t, r, v):
        """Gravity + drag + lift with the glide guidance for the vehicles idx; t scenario time."""
        beta, ld = col["beta_kg_m2"][idx], col["lift_to_drag"][idx]
        aim = ecef_to_eci(aim_all[idx], th0 + rate * t)
        rn = np.linalg.norm(r, axis=1)
        u = r / rn[:, None]
        v_rel = v - corotating_velocity(r)
        vs = np.linalg.norm(v_rel, axis=1)
        vh = v_rel - np.sum(v_rel * u, 1)[:, None] * u  # horizontal part
        gamma = np.arcsin(np.clip(np.sum(v_rel * u, 1) / vs, -1, 1))
        h = geodetic_height_m(r)
        q = 0.5 * tabulated_density(h) * vs * vs
        a_drag = q / beta
        # lift needed for the equilibrium glide, plus flight-path damping towards gamma = 0
        g = MU_EARTH_M3_S2 / rn**2
        # flight-path damping: a climb (gamma > 0) asks for less lift, a descent for more (time constant ~20 s)
        need = g - np.sum(vh * vh, 1) / rn - vs * np.sin(gamma) / 20.0
        aim_u = aim / np.linalg.norm(aim, axis=1, keepdims=True)
        go = np.arccos(np.clip(np.sum(u * aim_u, 1), -1, 1)) * R_EARTH_MEAN_M
        # terminal: dive (latched) once turning the flight path onto the line of sight to the target, at the
        # vehicle's own turn rate (lift + gravity over speed), would take half the time left to reach it; then steer
        # the flight-path angle onto that line (pursuit with a 5 s time constant), lift within +/- L/D x drag
        gamma_los = -np.arctan2(np.maximum(h, 0.0), np.maximum(go - col["dive_range_m"][idx], 1.0))
        turn_rate = (ld * a_drag + np.maximum(g - np.sum(vh * vh, 1) / rn, 0.0)) / vs
        dive = diving[idx] | (
            (h < DIVE_CEILING_M) & ((gamma - gamma_los) / np.maximum(turn_rate, 1e-6) >= DIVE_MARGIN * go / vs)
        )
        pursue = need + vs * (gamma_los - gamma) / 5.0
        lift = np.clip(np.where(dive, pursue, need), np.where(dive, -ld * a_drag, 0.0), ld * a_drag)
        # bank towards the target: heading error in the local horizontal
        to_aim = aim - np.sum(aim * u, 1)[:, None] * u
        to_aim /= np.maximum(np.linalg.norm(to_aim, axis=1, keepdims=True), 1e-9)
        fwd = vh / np.maximum(np.linalg.norm(vh, axis=1, keepdims=True), 1e-9)
        side = np.cross(u, fwd)
        err = np.arctan2(np.sum(to_aim * side, 1), np.sum(to_aim * fwd, 1))
        bank = np.clip(2.0 * err, -col["max_bank_rad"][idx], col["max_bank_rad"][idx])
        # lift direction: perpendicular to the air-relative velocity, tilted by the bank about it
        vhat = v_rel / vs[:, None]
        lup = u - np.sum(u * vhat, 1)[:, None] * vhat
        lup /= np.linalg.norm(lup, axis=1, keepdims=True)
        lside = np.cross(vhat, lup)
        # with negative (downward) lift in the dive the bank must flip to keep turning towards the target
        bank = np.where(lift < 0.0, -bank, bank)
        l_dir = np.cos(bank)[:, None] * lup - np.sin(bank)[:, None] * lside
        total_lift = lift / np.maximum(np.cos(bank), 0.3)  # keep the vertical share when banking
        total_lift = np.clip(total_lift, -ld * a_drag, ld * a_drag)
        return (accel_gravity(r) - a_drag[:, None] * vhat + total_lift[:, None] * l_dir), dive, gamma_los

    t = col["t_start_s"].copy()
    alive = np.ones(n, bool)
    diving = np.zeros(n, bool)  # latched terminal phase, updated once per step
    rec_t, rec_r, rec_v, rec_id, rec_p = [t.copy()], [r.copy()], [v.copy()], [np.arange(n)], [np.full(n, MIDCOURSE)]
    steps = int(max_time_s / dt_s)
    for _ in range(steps):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        tt, rr, vv = t[idx], r[idx], v[idx]
        a1, dive, _ = accel(idx, tt, rr, vv)
        diving[idx] |= dive
        y = rk4_step(
            lambda tk, yk, i=idx: np.hstack([yk[:, 3:], accel(i, tk, yk[:, :3], yk[:, 3:])[0]]),
            tt,
            np.hstack([rr, vv]),
            np.full(idx.size, dt_s),
            k1=np.hstack([vv, a1]),
        )
        r[idx], v[idx] = y[:, :3], y[:, 3:]
        t[idx] = tt + dt_s
        h = geodetic_height_m(r[idx])
        down = h <= 0.0
        alive[idx[down]] = False
        rec_t.append(t[idx].copy())
        rec_r.append(r[idx].copy())
        rec_v.append(v[idx].copy())
        rec_id.append(idx.copy())
        rec_p.append(np.where(dive, TERMINAL, MIDCOURSE))
    ids = np.concatenate(rec_id)
    order = np.lexsort((np.concatenate(rec_t), ids))
    keep = order[:: max(1, int(round(sample_dt_s / dt_s)))] if sample_dt_s > dt_s else order
    keep = np.unique(np.concatenate([keep, _last_per_object(ids[order], order)]))
    keep = keep[np.lexsort((np.concatenate(rec_t)[keep], ids[keep]))]
    return Trajectory(
        ids[keep],
        np.concatenate(rec_t)[keep],
        np.concatenate(rec_r)[keep],
        np.concatenate(rec_v)[keep],
        np.concatenate(rec_p).astype(np.int8)[keep],
        tuple(v.name for v in vehicles),
    )


AIM_TOLERANCE_M = 500.0
"""A glide is re-aimed until it lands this close to its target (the guidance itself is good to tens of km)."""


def vehicle_from_state(
    name: str,
    y_eci,
    t_s: float,
    epoch: dt.datetime,
    aim_lat_rad: float,
    aim_lon_rad: float,
    beta_kg_m2: float,
    lift_to_drag: float,
) -> GlideVehicle:
    """A glide vehicle starting from an inertial state (6,) at scenario time t_s: its Earth-relative speed, heading
    and flight-path angle over the point below it."""
    r_e, v_e = eci_to_ecef_state(y_eci[:3], y_eci[3:], float(gmst_at(epoch, t_s)))
    lat, lon, h = ecef_to_geodetic(r_e)
    up = r_e / np.linalg.norm(r_e)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    north = np.cross(up, east)
    speed = float(np.linalg.norm(v_e))
    return GlideVehicle(
        name,
        float(lat),
        float(lon),
        float(h),
        speed,
        float(np.arctan2(v_e @ east, v_e @ north)),
        aim_lat_rad,
        aim_lon_rad,
        start_gamma_rad=float(np.arcsin(v_e @ up / speed)),
        t_start_s=t_s,
        beta_kg_m2=beta_kg_m2,
        lift_to_drag=lift_to_drag,
    )


def aim_glide(vehicle: GlideVehicle, epoch: dt.datetime, sample_dt_s: float, max_corrections: int = 8):
    """Fly a glide and move its guidance aim point against the miss (a fixed point on the Earth-fixed aim: the
    dive's line of sight and the bank steering then land it on the real target), until it lands within
    AIM_TOLERANCE_M. A glide that never starts its dive has run out of energy before the target: ValueError with
    the shortfall. Returns the trajectory of the last flight."""
    target = geodetic_to_ecef(vehicle.aim_lat_rad, vehicle.aim_lon_rad, 0.0)
    aim, guided = target.copy(), vehicle
    for _ in range(max_corrections + 1):
        glide = fly_glide([guided], epoch, sample_dt_s=sample_dt_s)
        hit = eci_to_ecef(glide.r_eci_m[-1], float(gmst_at(epoch, glide.t_s[-1])))
        miss = float(np.linalg.norm(hit - target))
        if glide.phase[-1] != TERMINAL:
            start = unit_vector(vehicle.start_lat_rad, vehicle.start_lon_rad)
            u_aim, u_hit = (x / np.linalg.norm(x) for x in (target, hit))
            need = np.arccos(np.clip(start @ u_aim, -1, 1)) * R_EARTH_MEAN_M
            flown = np.arccos(np.clip(start @ u_hit, -1, 1)) * R_EARTH_MEAN_M
            raise ValueError(
                f"{vehicle.name}: the glide runs out of speed {miss / 1e3:,.0f} km short of the aim "
                f"(it glides {flown / 1e3:,.0f} km from pull-up, the aim is {need / 1e3:,.0f} km away); "
                "use a larger booster or a closer aim"
            )
        if miss < AIM_TOLERANCE_M:
            break
        aim = aim - (hit - target)
        lat, lon, _ = ecef_to_geodetic(aim)
        guided = replace(vehicle, aim_lat_rad=float(lat), aim_lon_rad=float(lon))
    return glide


def _last_per_object(ids_sorted, order):
    last = np.r_[np.flatnonzero(np.diff(ids_sorted)), ids_sorted.size - 1]
    return order[last]


def boost_glide(
    name: str,
    booster,
    launch_lat_rad: float,
    launch_lon_rad: float,
    aim_lat_rad: float,
    aim_lon_rad: float,
    epoch: dt.datetime,
    t_launch_s: float = 0.0,
    boost_angle_rad: float = 0.0,
    beta_kg_m2: float = 13_000.0,
    lift_to_drag: float = 2.6,
    sample_dt_s: float = 1.0,
):
    """A boost-glide flight: the booster burns everything on a depressed trajectory (burnout flight-path angle
    boost_angle) towards the aim, and the glide vehicle flies on from the burnout state.

    Returns (Trajectory of the one object: boost samples then the glide, the GlideVehicle it released).
    """
    # the full burn, steered to the requested burnout flight-path angle in the plane of the aim
    theta = partial(gmst_at, epoch)
    plan = guidance.build_plan(
        [booster], launch_lat_rad, launch_lon_rad, 0.0, aim_lat_rad, aim_lon_rad, 0.0, t_launch_s
    )
    plan.pitch_exponent = np.full(1, PITCH_EXPONENT)  # a release low in the air, not the greatest range
    guidance.solve(
        plan,
        theta,
        plan.aim_downrange.copy(),
        np.zeros(1),
        shape="burnout_angle",
        target=np.array([boost_angle_rad]),
        cutoff=False,
    )
    rec = fly(plan, theta, until="boost", record=True)
    if rec.crashed[0] or not np.isfinite(rec.cutoff_tau[0]):
        raise ValueError(f"{name}: the booster cannot fly a burnout angle of {np.degrees(boost_angle_rad):.1f} deg")
    b_id, b_t, b_r, b_v, b_phase = resample_to_clock(rec, plan, 1, sample_dt_s)
    t_bo = float(t_launch_s + rec.cutoff_tau[0])
    vehicle = vehicle_from_state(
        name, rec.cutoff_state[0], t_bo, epoch, aim_lat_rad, aim_lon_rad, beta_kg_m2, lift_to_drag
    )
    glide = aim_glide(vehicle, epoch, sample_dt_s)
    boost = b_t < t_bo
    trajectory = Trajectory(
        object_id=np.zeros(int(boost.sum()) + len(glide), int),
        t_s=np.concatenate([b_t[boost], glide.t_s]),
        r_eci_m=np.concatenate([b_r[boost], glide.r_eci_m]),
        v_eci_mps=np.concatenate([b_v[boost], glide.v_eci_mps]),
        phase=np.concatenate([np.zeros(int(boost.sum())), glide.phase]).astype(np.int8),
        names=(name,),
    )
    return trajectory, vehicle
