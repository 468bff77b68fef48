"""Powered and ballistic flight of many missiles at once, in the inertial frame over a rotating Earth.

Equations of motion (ECI, SI):

    dr/dt = v
    dv/dt = g(r) + (F / m) d + a_drag

with g the point-mass + J2 gravity, F the stage thrust along the unit vector d, and the drag of the air that turns
with the Earth, a_drag = -rho |v_rel| v_rel / (2 beta), v_rel = v - w x r, beta = m / (Cd A) (US Standard
Atmosphere 1976 density). Attitude follows a linear pitch programme, the classic open-loop steering of ballistic
missiles (Fleeman, *Missile Design and System Engineering*, 2012, sec. 6; Regan & Anandakrishnan, *Dynamics of
Atmospheric Re-Entry*, ch. 2): a vertical rise, then the thrust's elevation above the local horizontal falls
in time from 90 deg to a final pitch at the nominal burnout, in the inertial plane of the launch azimuth.
The final pitch shapes the trajectory (high: lofted; low: depressed) and behaves monotonically for any
thrust-to-weight ratio, unlike a pure gravity turn from a kick, whose result is either insensitive (high T/W solid
motors) or chaotic (low T/W liquid engines). :mod:`goldendome.threats.guidance` chooses it. Unguided rockets
leave a rail at a set elevation and keep it through their short burn: for them the pitch is the final pitch
from lift-off (the launcher's elevation).

Guidance may end thrust early ("thrust termination") once the free-flight impact point predicted from the current
state reaches the aim point; that is how a missile with more energy than the range needs flies a minimum-energy
trajectory (Zarchan ch. 36, "predicted impact point"; Wheelon 1959, "Free flight of a ballistic missile").

Each missile has its own clock (time since launch) and step, so stage burnouts, cut-off and impact fall on step
boundaries; stepping is classical RK4 in a compiled (numba) kernel, one missile per loop pass.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache

import numba
import numpy as np

from goldendome.physics.atmosphere import DRAG_TABLE_STEP_M, LOG_DENSITY_TABLE, SPEED_OF_SOUND_TABLE
from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, R_EARTH_MEAN_M, WGS84_A_M
from goldendome.physics.frames import (
    corotating_velocity,
    ecef_to_eci,
    eci_to_ecef,
    geodetic_height_m,
    geodetic_height_scalar,
    geodetic_to_ecef,
)
from goldendome.physics.gravity import accel_gravity_scalar
from goldendome.threats.missile import MissileDesign

REENTRY_ALTITUDE_M = 100e3
"""Terminal phase begins when a descending body passes 100 km (the Karman line; NRC 2012, 'Making Sense of BMD',
uses re-entry at ~100 km to separate midcourse from terminal)."""

PITCH_EXPONENT = 0.5
"""Exponent q of the pitch programme (elevation = 90 deg - (90 deg - final) * s**q over the normalised burn time s)
where a flight plan gives none, and of boosts steered to a state rather than for range: an orbit insertion (FOBS)
and a glide vehicle's release. A ballistic missile flies its design's own, fitted for the greatest range
(:func:`pitch_exponent`), which pitches over earlier and burns out lower in the air; the climb to an orbit or a
glide's pull-up at 60-100 km would pay for that (a modelling choice, not a published number)."""

RAIL = -1.0
"""t_vertical of a rail (or tube) launch: unguided rockets leave their launcher at a set elevation and their thrust
stays along it for the short burn, so the pitch is pitch_final from lift-off (no vertical rise, no programme)."""

CRASH_DEPTH_M = 100.0
"""A powered missile more than this below its launch height has flown into the ground (a steering too shallow)."""

# Drag coefficient of a slender missile body vs Mach: the V-2 curve of Sutton & Biblarz, *Rocket Propulsion
# Elements* (7th ed., Fig. 4-2), as digitised piecewise-linearly in open trajectory codes; flagged as approximate.
_CD_MACH = np.array([0.0, 0.8, 1.2, 1.8, 5.0, 30.0])
_CD_VALUE = np.array([0.15, 0.15, 0.40, 0.25, 0.15, 0.15])

_EPS_T = 1e-9


@dataclass
class FlightPlan:
    """Everything the integrator needs about N missiles, as padded arrays (S = most stages of any missile).

    Stage arrays (N, S): start and end of burn (s after launch), thrust (N), mass flow (kg/s), mass at ignition
    (kg), reference area (m^2). Unused stage slots have zero burn time (start = end = last end).
    """

    stage_start: np.ndarray
    stage_end: np.ndarray
    thrust: np.ndarray
    mdot: np.ndarray
    mass_ignition: np.ndarray
    area: np.ndarray
    payload_kg: np.ndarray
    rv_beta: np.ndarray
    t_vertical: np.ndarray  # vertical rise, s; negative: a rail launch (the thrust holds pitch_final from lift-off)
    t_launch: np.ndarray  # scenario time of launch, s
    r_launch_ecef: np.ndarray  # (N, 3)
    azimuth: np.ndarray  # rad, clockwise from north
    pitch_final: np.ndarray  # rad above the local horizontal at nominal burnout
    # thrust-termination guidance, in the launch-aim frame (unit vectors, ECEF)
    l_hat: np.ndarray  # (N, 3) launch point direction
    m_hat: np.ndarray  # (N, 3) in-plane, 90 deg downrange of l_hat
    n_hat: np.ndarray  # (N, 3) plane normal (left of the track)
    aim_downrange: np.ndarray  # rad, cut off when the predicted impact reaches it; inf = burn everything
    impact_radius: np.ndarray  # geocentric radius of the aim point, m
    impact_height: np.ndarray  # geodetic height at which flight ends, m
    cut_mode: np.ndarray | None = None  # per missile: 0 cut off at aim downrange (rad), 1 at an apogee height (m)
    pitch_exponent: np.ndarray | None = None  # per missile: the pitch programme's exponent (None: PITCH_EXPONENT)

    @property
    def n(self) -> int:
        return int(self.t_launch.shape[0])

    @property
    def burnout_time(self) -> np.ndarray:
        return self.stage_end[:, -1]

    def take(self, rows) -> "FlightPlan":
        """The plan of a subset of missiles (copies)."""
        return FlightPlan(
            **{f.name: (None if getattr(self, f.name) is None else getattr(self, f.name)[rows]) for f in fields(self)}
        )

    def put(self, rows, sub: "FlightPlan") -> None:
        """Write a subset's arrays back into this plan."""
        for f in fields(self):
            if getattr(sub, f.name) is not None and getattr(self, f.name) is not None:
                getattr(self, f.name)[rows] = getattr(sub, f.name)


def plan_arrays(designs: list[MissileDesign], fitted: bool = False) -> dict[str, np.ndarray]:
    """Stage arrays for a list of designs (see :class:`FlightPlan`); with fitted, each design's own pitch exponent
    (:func:`pitch_exponent`; without, the plan flies PITCH_EXPONENT)."""
    n = len(designs)
    s = max(len(d.stages) for d in designs)
    out = {k: np.zeros((n, s)) for k in ("stage_start", "stage_end", "thrust", "mdot", "mass_ignition", "area")}
    for i, d in enumerate(designs):
        t = 0.0
        stage_mass = [st.dry_kg + st.propellant_kg for st in d.stages]
        above = [d.payload_kg + sum(stage_mass[k + 1 :]) for k in range(len(d.stages))]
        for k in range(s):
            if k < len(d.stages):
                st = d.stages[k]
                out["stage_start"][i, k], out["stage_end"][i, k] = t, t + st.burn_time_s
                out["thrust"][i, k], out["mdot"][i, k] = st.thrust_n, st.mass_flow_kg_s
                out["mass_ignition"][i, k] = above[k] + st.dry_kg + st.propellant_kg
                out["area"][i, k] = np.pi * st.diameter_m**2 / 4.0
                t += st.burn_time_s
            else:
                out["stage_start"][i, k] = out["stage_end"][i, k] = t
    out["payload_kg"] = np.array([d.payload_kg for d in designs])
    out["rv_beta"] = np.array([d.rv_beta_kg_m2 for d in designs])
    out["t_vertical"] = np.array([RAIL if d.launcher == "rail" else d.vertical_rise_s for d in designs])
    if fitted:
        out["pitch_exponent"] = np.array([pitch_exponent(d) for d in designs])
    return out


FIT_LATITUDE_RAD = np.radians(45.0)
"""The pitch exponent is fitted on a launch due north from 45 deg N (the Earth's rotation across the track)."""


@cache
def pitch_exponent(design: MissileDesign) -> float:
    """The exponent q of a design's pitch programme (elevation = 90 deg - (90 deg - final) * s**q): the one of
    greatest full-burn range, searched with the final pitch on a grid (q 0.10-1.00, final pitch -5 to 70 deg),
    then refined around the best pair (q to 0.01, final pitch to 0.5 deg). Small q pitches over early (low
    gravity loss, more drag); q = 1 is the linear programme. Rail-launched rockets fly no programme."""
    if design.launcher == "rail":
        return PITCH_EXPONENT
    q, pf = np.meshgrid(np.arange(0.10, 1.0001, 0.05), np.radians(np.arange(-5.0, 70.01, 2.5)))
    best = _best_pair(design, q.ravel(), pf.ravel())
    q, pf = np.meshgrid(
        np.clip(best[0] + np.arange(-0.05, 0.0501, 0.01), 0.05, 1.5), best[1] + np.radians(np.arange(-2.5, 2.501, 0.5))
    )
    return float(np.round(_best_pair(design, q.ravel(), pf.ravel())[0], 2))


def _best_pair(design: MissileDesign, q, pf):
    """(q, final pitch) of greatest full-burn free-flight range among the given pairs (the fit's reference
    launch)."""
    n = q.size
    r0 = np.tile(geodetic_to_ecef(FIT_LATITUDE_RAD, 0.0, 0.0), (n, 1))
    eye = np.tile(np.eye(3), (n, 1, 1))
    plan = FlightPlan(
        **plan_arrays([design] * n),
        t_launch=np.zeros(n),
        r_launch_ecef=r0,
        azimuth=np.zeros(n),
        pitch_final=pf,
        l_hat=eye[:, 0],
        m_hat=eye[:, 1],
        n_hat=eye[:, 2],
        aim_downrange=np.full(n, np.inf),
        impact_radius=np.full(n, WGS84_A_M),
        impact_height=np.zeros(n),
        pitch_exponent=q,
    )

    def theta(t):
        return OMEGA_EARTH_RAD_S * np.asarray(t, float)

    rec = fly(plan, theta, until="boost", record=False)
    r, v = rec.cutoff_state[:, :3], rec.cutoff_state[:, 3:]
    impact, _, _, ok = predict_impact(r, v, np.nan_to_num(rec.cutoff_tau), plan.impact_radius, theta)
    u = impact / np.linalg.norm(impact, axis=1, keepdims=True)
    ground = np.arccos(np.clip(np.sum(u * r0 / np.linalg.norm(r0, axis=1, keepdims=True), axis=1), -1.0, 1.0))
    ground = np.where(ok & ~rec.crashed, ground, -np.inf)
    k = int(np.argmax(ground))
    return float(q[k]), float(pf[k])


def coast_plan(t_start_s, beta_kg_m2, mass_kg=1.0, impact_height_m=0.0) -> FlightPlan:
    """A flight plan for N unpowered bodies (no stages) that start coasting at t_start_s: pass their initial states
    to :func:`fly` as y0_eci. beta_kg_m2 (N,) sets each body's drag in the air."""
    t = np.atleast_1d(np.asarray(t_start_s, float))
    n = t.size
    z = np.zeros((n, 1))
    ones = np.ones(n)
    eye = np.tile(np.eye(3), (n, 1, 1))
    return FlightPlan(
        stage_start=z,
        stage_end=z.copy(),
        thrust=z.copy(),
        mdot=z.copy(),
        mass_ignition=z.copy(),
        area=z.copy(),
        payload_kg=mass_kg * ones,
        rv_beta=np.broadcast_to(np.asarray(beta_kg_m2, float), (n,)).copy(),
        t_vertical=np.zeros(n),
        t_launch=t,
        r_launch_ecef=np.tile([6.4e6, 0.0, 0.0], (n, 1)),
        azimuth=np.zeros(n),
        pitch_final=np.zeros(n),
        l_hat=eye[:, 0],
        m_hat=eye[:, 1],
        n_hat=eye[:, 2],
        aim_downrange=np.full(n, np.inf),
        impact_radius=np.full(n, R_EARTH_MEAN_M),
        impact_height=np.asarray(impact_height_m, float) + np.zeros(n),
    )


def predict_impact(r, v, t, radius, theta_of_t: Callable, mu=MU_EARTH_M3_S2):
    """Free-flight (Kepler, vacuum) impact of states on the sphere of given radius, descending branch.

    r, v : (N, 3) ECI state at scenario time t (N,). Returns (impact ECEF (N, 3) at the impact time, time of flight
    (N,), ECI impact position (N, 3), valid (N,)). Invalid (NaN) where the conic never comes down through the radius
    (still below it and never reaching it, or orbital).
    """
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1)
    rn = np.linalg.norm(r, axis=-1)
    v2 = np.sum(v * v, axis=-1)
    rv = np.sum(r * v, axis=-1)
    evec = ((v2 - mu / rn)[:, None] * r - rv[:, None] * v) / mu
    e = np.linalg.norm(evec, axis=-1)
    p = hn * hn / mu
    with np.errstate(invalid="ignore", divide="ignore"):
        p_hat = evec / e[:, None]
        q_hat = np.cross(h / hn[:, None], p_hat)
        nu0 = np.arctan2(np.sum(r * q_hat, -1), np.sum(r * p_hat, -1))
        cos_nu = (p / radius - 1.0) / e
        valid = (np.abs(cos_nu) <= 1.0) & (e < 1.0)
        nu_i = 2.0 * np.pi - np.arccos(np.clip(cos_nu, -1.0, 1.0))  # descending crossing, in (pi, 2 pi)
        a = p / (1.0 - e * e)
        n = np.sqrt(mu / a**3)

        def mean_anomaly(nu):
            ea = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2), np.sqrt(1.0 + e) * np.cos(nu / 2))
            return ea - e * np.sin(ea)

        dm = np.mod(mean_anomaly(nu_i) - mean_anomaly(nu0), 2.0 * np.pi)
        tof = dm / n
        r_i = radius[:, None] * (np.cos(nu_i)[:, None] * p_hat + np.sin(nu_i)[:, None] * q_hat)
        # a state already past its descending crossing, or below it on the way up with apogee under it: invalid
        nu0m = np.mod(nu0, 2.0 * np.pi)
        valid &= ~((nu0m > nu_i) & (rn < radius))
    tof = np.where(valid, tof, np.nan)
    impact_ecef = eci_to_ecef(r_i, theta_of_t(t + np.nan_to_num(tof)))
    impact_ecef[~valid] = np.nan
    return impact_ecef, tof, r_i, valid


def downrange_crossrange(plan: FlightPlan, idx, point_ecef):
    """Downrange angle (rad, from the launch point towards the aim) and crossrange angle (rad, + left of track)."""
    u = point_ecef / np.linalg.norm(point_ecef, axis=-1, keepdims=True)
    x = np.sum(u * plan.l_hat[idx], -1)
    y = np.sum(u * plan.m_hat[idx], -1)
    down = np.arctan2(y, x)
    cross = np.arcsin(np.clip(np.sum(u * plan.n_hat[idx], -1), -1.0, 1.0))
    return down, cross


@dataclass
class FlightRecord:
    """Integrated states of N missiles: long arrays, one row per integration step (variable spacing)."""

    idx: np.ndarray  # (M,) missile index
    tau: np.ndarray  # (M,) time since launch, s
    y: np.ndarray  # (M, 6) ECI state
    phase: np.ndarray  # (M,) int8
    cutoff_tau: np.ndarray  # (N,) end of powered flight (burnout or thrust termination), s after launch
    cutoff_state: np.ndarray  # (N, 6)
    end_tau: np.ndarray  # (N,) time of impact (or of the last state), s after launch
    end_state: np.ndarray  # (N, 6)
    impacted: np.ndarray  # (N,) bool
    crashed: np.ndarray  # (N,) bool: flew into the ground under power
    terminated: np.ndarray  # (N,) bool: thrust was cut before the last stage burned out


@numba.njit(cache=True)
def _accel(
    tau,
    x,
    y,
    z,
    vx,
    vy,
    vz,
    thrust,
    mdot,
    m_ign,
    t_ign,
    area,
    mode,
    burning,
    nx,
    ny,
    nz,
    tv,
    t_bo,
    pf,
    pq,
    beta,
    log_rho,
    sos,
):  # pragma: no cover - compiled
    """Acceleration of one body (gravity + J2, drag in the turning air, thrust on the pitch programme)."""
    gx, gy, gz, dx, dy, dz, tx, ty, tz = _forces(
        tau,
        x,
        y,
        z,
        vx,
        vy,
        vz,
        thrust,
        mdot,
        m_ign,
        t_ign,
        area,
        mode,
        burning,
        nx,
        ny,
        nz,
        tv,
        t_bo,
        pf,
        pq,
        beta,
        log_rho,
        sos,
    )
    return (gx - dx) + tx, (gy - dy) + ty, (gz - dz) + tz


@numba.njit(cache=True, inline="always")
def _forces(
    tau,
    x,
    y,
    z,
    vx,
    vy,
    vz,
    thrust,
    mdot,
    m_ign,
    t_ign,
    area,
    mode,
    burning,
    nx,
    ny,
    nz,
    tv,
    t_bo,
    pf,
    pq,
    beta,
    log_rho,
    sos,
):  # pragma: no cover - compiled
    """The three accelerations on one body: gravity (point mass + J2), drag (returned with its sign reversed: the
    acceleration is minus it) and thrust along the pitch programme."""
    gx, gy, gz = accel_gravity_scalar(x, y, z)
    r = np.sqrt(x * x + y * y + z * z)
    dx, dy, dz, tx, ty, tz = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    # r - a bounds the geodetic height from below (no point of the ellipsoid is farther than a from the centre):
    # far above the air the exact height is not needed
    h = 1e99 if r - WGS84_A_M >= 1000e3 else geodetic_height_scalar(x, y, z)
    if h < 1000e3:
        hh = max(h, 0.0) / DRAG_TABLE_STEP_M
        i = min(int(hh), log_rho.shape[0] - 2)
        w = hh - i
        rho = np.exp(log_rho[i] * (1.0 - w) + log_rho[i + 1] * w)
        wx = vx + OMEGA_EARTH_RAD_S * y
        wy = vy - OMEGA_EARTH_RAD_S * x
        wz = vz
        speed = np.sqrt(wx * wx + wy * wy + wz * wz)
        mass = m_ign - mdot * (tau - t_ign)
        if burning:
            mach = speed / (sos[i] * (1.0 - w) + sos[i + 1] * w)
            inv_beta = _cd(mach) * area / mass
        else:
            inv_beta = 1.0 / beta
        q = 0.5 * rho * speed * inv_beta
        dx, dy, dz = q * wx, q * wy, q * wz
    if burning:
        mass = m_ign - mdot * (tau - t_ign)
        ux, uy, uz = x / r, y / r, z / r
        # downrange horizontal in the launch plane: normal x up
        hx, hy, hz = ny * uz - nz * uy, nz * ux - nx * uz, nx * uy - ny * ux
        hn = np.sqrt(hx * hx + hy * hy + hz * hz)
        if mode == 0:
            pitch = 0.5 * np.pi
        elif mode == 2:
            pitch = pf
        else:
            frac = min(max((tau - tv) / max(t_bo - tv, 1e-9), 0.0), 1.0)
            pitch = 0.5 * np.pi - (0.5 * np.pi - pf) * (np.sqrt(frac) if pq == 0.5 else frac**pq)
        cp, sp = np.cos(pitch) / hn, np.sin(pitch)
        a_t = thrust / mass
        tx, ty, tz = a_t * (cp * hx + sp * ux), a_t * (cp * hy + sp * uy), a_t * (cp * hz + sp * uz)
    return gx, gy, gz, dx, dy, dz, tx, ty, tz


@numba.njit(cache=True)
def _cd(mach):  # pragma: no cover - compiled
    return np.interp(mach, _CD_MACH, _CD_VALUE)


@numba.njit(cache=True)
def _rk4(
    t, h, s, thrust, mdot, m_ign, t_ign, area, mode, burning, nx, ny, nz, tv, t_bo, pf, pq, beta, log_rho, sos
):  # pragma: no cover - compiled
    """One RK4 step of one body from state s (6,), returning the new state (6,)."""
    x0, y0, z0, u0, v0, w0 = s[0], s[1], s[2], s[3], s[4], s[5]
    a1x, a1y, a1z = _accel(
        t,
        x0,
        y0,
        z0,
        u0,
        v0,
        w0,
        thrust,
        mdot,
        m_ign,
        t_ign,
        area,
        mode,
        burning,
        nx,
        ny,
        nz,
        tv,
        t_bo,
        pf,
        pq,
        beta,
        log_rho,
        sos,
    )
    x1, y1, z1 = x0 + 0.5 * h * u0, y0 + 0.5 * h * v0, z0 + 0.5 * h * w0
    u1, v1, w1 = u0 + 0.5 * h * a1x, v0 + 0.5 * h * a1y, w0 + 0.5 * h * a1z
    a2x, a2y, a2z = _accel(
        t + 0.5 * h,
        x1,
        y1,
        z1,
        u1,
        v1,
        w1,
        thrust,
        mdot,
        m_ign,
        t_ign,
        area,
        mode,
        burning,
        nx,
        ny,
        nz,
        tv,
        t_bo,
        pf,
        pq,
        beta,
        log_rho,
        sos,
    )
    x2, y2, z2 = x0 + 0.5 * h * u1, y0 + 0.5 * h * v1, z0 + 0.5 * h * w1
    u2, v2, w2 = u0 + 0.5 * h * a2x, v0 + 0.5 * h * a2y, w0 + 0.5 * h * a2z
    a3x, a3y, a3z = _accel(
        t + 0.5 * h,
        x2,
        y2,
        z2,
        u2,
        v2,
        w2,
        thrust,
        mdot,
        m_ign,
        t_ign,
        area,
        mode,
        burning,
        nx,
        ny,
        nz,
        tv,
        t_bo,
        pf,
        pq,
        beta,
        log_rho,
        sos,
    )
    x3, y3, z3 = x0 + h * u2, y0 + h * v2, z0 + h * w2
    u3, v3, w3 = u0 + h * a3x, v0 + h * a3y, w0 + h * a3z
    a4x, a4y, a4z = _accel(
        t + h,
        x3,
        y3,
        z3,
        u3,
        v3,
        w3,
        thrust,
        mdot,
        m_ign,
        t_ign,
        area,
        mode,
        burning,
        nx,
        ny,
        nz,
        tv,
        t_bo,
        pf,
        pq,
        beta,
        log_rho,
        sos,
    )
    out = np.empty(6)
    out[0] = x0 + h / 6.0 * (u0 + 2.0 * u1 + 2.0 * u2 + u3)
    out[1] = y0 + h / 6.0 * (v0 + 2.0 * v1 + 2.0 * v2 + v3)
    out[2] = z0 + h / 6.0 * (w0 + 2.0 * w1 + 2.0 * w2 + w3)
    out[3] = u0 + h / 6.0 * (a1x + 2.0 * a2x + 2.0 * a3x + a4x)
    out[4] = v0 + h / 6.0 * (a1y + 2.0 * a2y + 2.0 * a3y + a4y)
    out[5] = w0 + h / 6.0 * (a1z + 2.0 * a2z + 2.0 * a3z + a4z)
    return out


@numba.njit(cache=True)
def _kepler_downrange(s, t, radius, theta0, theta_rate, lx, ly, lz, mx, my, mz, nx, ny, nz):  # pragma: no cover
    """Downrange and crossrange angle (rad) of the free-flight impact predicted from state s at time t.

    Same conic as :func:`predict_impact`; returns (-inf, 0) when the conic does not come down through radius.
    """
    mu = MU_EARTH_M3_S2
    x, y, z, vx, vy, vz = s[0], s[1], s[2], s[3], s[4], s[5]
    hx, hy, hz = y * vz - z * vy, z * vx - x * vz, x * vy - y * vx
    hn = np.sqrt(hx * hx + hy * hy + hz * hz)
    rn = np.sqrt(x * x + y * y + z * z)
    v2 = vx * vx + vy * vy + vz * vz
    rv = x * vx + y * vy + z * vz
    c1 = (v2 - mu / rn) / mu
    c2 = rv / mu
    ex, ey, ez = c1 * x - c2 * vx, c1 * y - c2 * vy, c1 * z - c2 * vz
    e = np.sqrt(ex * ex + ey * ey + ez * ez)
    p = hn * hn / mu
    if e >= 1.0 or e == 0.0:
        return -np.inf, 0.0
    cos_nu = (p / radius - 1.0) / e
    if abs(cos_nu) > 1.0:
        return -np.inf, 0.0
    px, py, pz = ex / e, ey / e, ez / e
    wx, wy, wz = hx / hn, hy / hn, hz / hn
    qx, qy, qz = wy * pz - wz * py, wz * px - wx * pz, wx * py - wy * px
    nu0 = np.arctan2(x * qx + y * qy + z * qz, x * px + y * py + z * pz)
    nu_i = 2.0 * np.pi - np.arccos(cos_nu)
    nu0m = nu0 % (2.0 * np.pi)
    if nu0m > nu_i and rn < radius:
        return -np.inf, 0.0
    a = p / (1.0 - e * e)
    n = np.sqrt(mu / (a * a * a))
    ea0 = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu0 / 2), np.sqrt(1.0 + e) * np.cos(nu0 / 2))
    eai = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu_i / 2), np.sqrt(1.0 + e) * np.cos(nu_i / 2))
    dm = ((eai - e * np.sin(eai)) - (ea0 - e * np.sin(ea0))) % (2.0 * np.pi)
    tof = dm / n
    cn, sn = np.cos(nu_i), np.sin(nu_i)
    rx, ry, rz = cn * px + sn * qx, cn * py + sn * qy, cn * pz + sn * qz  # unit impact vector, ECI
    th = theta0 + theta_rate * (t + tof)
    ct, st = np.cos(th), np.sin(th)
    ux, uy, uz = ct * rx + st * ry, -st * rx + ct * ry, rz  # ECEF at the impact time
    down = np.arctan2(ux * mx + uy * my + uz * mz, ux * lx + uy * ly + uz * lz)
    cross = np.arcsin(min(1.0, max(-1.0, ux * nx + uy * ny + uz * nz)))
    return down, cross


@numba.njit(cache=True)
def _cut_metric(s, t, cut_mode, radius, theta0, theta_rate, lx, ly, lz, mx, my, mz, nx, ny, nz):  # pragma: no cover
    """What thrust termination watches: the predicted impact's downrange angle (mode 0, rad) or the apogee height
    of the osculating orbit above the mean radius (mode 1, m; +inf when the orbit is open)."""
    if cut_mode == 1:
        mu = MU_EARTH_M3_S2
        rn = np.sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2])
        v2 = s[3] * s[3] + s[4] * s[4] + s[5] * s[5]
        energy = 0.5 * v2 - mu / rn
        if energy >= 0.0:
            return np.inf
        a = -mu / (2.0 * energy)
        rv = s[0] * s[3] + s[1] * s[4] + s[2] * s[5]
        c1, c2 = (v2 - mu / rn) / mu, rv / mu
        ex, ey, ez = c1 * s[0] - c2 * s[3], c1 * s[1] - c2 * s[4], c1 * s[2] - c2 * s[5]
        return a * (1.0 + np.sqrt(ex * ex + ey * ey + ez * ez)) - R_EARTH_MEAN_M
    d, _c = _kepler_downrange(s, t, radius, theta0, theta_rate, lx, ly, lz, mx, my, mz, nx, ny, nz)
    return d


@numba.njit(cache=True)
def _coast_dt_at(x, y, z, coarse):  # pragma: no cover - compiled
    """The coasting step at a position: the height decides it, and r - a (a lower bound of the height) does when it
    is above the highest threshold."""
    if np.sqrt(x * x + y * y + z * z) - WGS84_A_M > 150e3:
        return 10.0 if coarse else 5.0
    return _coast_dt(geodetic_height_scalar(x, y, z), coarse)


@numba.njit(cache=True)
def _coast_dt(h, coarse):  # pragma: no cover - compiled
    if coarse:
        return 10.0 if h > 150e3 else (2.0 if h > 80e3 else 0.5)
    return 5.0 if h > 150e3 else (1.0 if h > 80e3 else 0.1)


PARALLEL_FLIGHTS = 4
"""Missiles from which a flight runs on all cores (one missile is milliseconds of work; an interceptor's fly-out or
a forecast of one or two bodies runs serially)."""


@sized_kernel(PARALLEL_FLIGHTS)
def _fly_kernel(
    y0,
    t_launch,
    stage_start,
    stage_end,
    thrust,
    mdot,
    mass_ign,
    area,
    payload,
    beta,
    tv,
    pf,
    pq,
    normal,
    aim_down,
    cut_mode,
    frame,
    radius,
    h_end,
    launch_h,
    theta0,
    theta_rate,
    until_boost,
    record,
    dt_boost,
    coarse,
    max_time,
    rec_tau,
    rec_y,
    rec_phase,
    rec_n,
    cut_tau,
    cut_state,
    end_tau,
    end_state,
    flags,
):  # pragma: no cover - compiled
    """Fly each missile to thrust end (until_boost) or impact; one missile per parallel iteration.

    flags[i]: bit 0 impacted, bit 1 crashed, bit 2 thrust terminated, bit 3 record buffer full.
    """
    n_s = stage_end.shape[1]
    cap = rec_tau.shape[1]
    for i in numba.prange(y0.shape[0]):
        s = y0[i].copy()
        tau = 0.0
        cut = False
        t_bo = stage_end[i, n_s - 1]
        nx, ny, nz = normal[i, 0], normal[i, 1], normal[i, 2]
        lx, ly, lz = frame[i, 0, 0], frame[i, 0, 1], frame[i, 0, 2]
        mx, my, mz = frame[i, 1, 0], frame[i, 1, 1], frame[i, 1, 2]
        fnx, fny, fnz = frame[i, 2, 0], frame[i, 2, 1], frame[i, 2, 2]
        guided = np.isfinite(aim_down[i])
        count = 0
        if record:
            rec_tau[i, 0] = 0.0
            rec_y[i, 0] = s
            rec_phase[i, 0] = 0
            count = 1
        while True:
            k = 0
            while k < n_s and stage_end[i, k] <= tau + 1e-9:
                k += 1
            burning = (k < n_s) and not cut
            if not burning and not cut:
                cut = True
                cut_tau[i] = tau
                cut_state[i] = s
                if until_boost:
                    break
            if burning:
                f_thrust, f_mdot, f_mign = thrust[i, k], mdot[i, k], mass_ign[i, k]
                f_tign, f_area = stage_start[i, k], area[i, k]
                mode = 2 if tv[i] < 0.0 else (0 if tau < tv[i] - 1e-9 else 1)
                next_event = tv[i] if mode == 0 else stage_end[i, k]
                dt = min(dt_boost, next_event - tau)
            else:
                f_thrust, f_mdot, f_mign, f_tign, f_area, mode = 0.0, 0.0, payload[i], 0.0, 0.0, 1
                dt = _coast_dt_at(s[0], s[1], s[2], coarse)
            dt = min(dt, max_time - tau)
            s_new = _rk4(
                tau,
                dt,
                s,
                f_thrust,
                f_mdot,
                f_mign,
                f_tign,
                f_area,
                mode,
                burning,
                nx,
                ny,
                nz,
                tv[i],
                t_bo,
                pf[i],
                pq[i],
                beta[i],
                LOG_DENSITY_TABLE,
                SPEED_OF_SOUND_TABLE,
            )
            stop = False
            if burning and guided:
                d_new = _cut_metric(
                    s_new,
                    t_launch[i] + tau + dt,
                    cut_mode[i],
                    radius[i],
                    theta0,
                    theta_rate,
                    lx,
                    ly,
                    lz,
                    mx,
                    my,
                    mz,
                    fnx,
                    fny,
                    fnz,
                )
                if d_new >= aim_down[i]:
                    d_old = _cut_metric(
                        s,
                        t_launch[i] + tau,
                        cut_mode[i],
                        radius[i],
                        theta0,
                        theta_rate,
                        lx,
                        ly,
                        lz,
                        mx,
                        my,
                        mz,
                        fnx,
                        fny,
                        fnz,
                    )
                    lo, hi, d_lo, d_hi = 0.0, dt, d_old - aim_down[i], d_new - aim_down[i]
                    side = 0
                    for _it in range(60):  # Illinois regula falsi on the step length
                        if np.isfinite(d_lo) and d_hi != d_lo:
                            frac = min(max(lo - d_lo * (hi - lo) / (d_hi - d_lo), lo), hi)
                        else:
                            frac = 0.5 * (lo + hi)
                        s_c = _rk4(
                            tau,
                            frac,
                            s,
                            f_thrust,
                            f_mdot,
                            f_mign,
                            f_tign,
                            f_area,
                            mode,
                            burning,
                            nx,
                            ny,
                            nz,
                            tv[i],
                            t_bo,
                            pf[i],
                            pq[i],
                            beta[i],
                            LOG_DENSITY_TABLE,
                            SPEED_OF_SOUND_TABLE,
                        )
                        d_c = _cut_metric(
                            s_c,
                            t_launch[i] + tau + frac,
                            cut_mode[i],
                            radius[i],
                            theta0,
                            theta_rate,
                            lx,
                            ly,
                            lz,
                            mx,
                            my,
                            mz,
                            fnx,
                            fny,
                            fnz,
                        )
                        d_c -= aim_down[i]
                        if d_c >= 0.0:
                            hi, d_hi = frac, d_c
                            if side == 1:
                                d_lo *= 0.5
                            side = 1
                        else:
                            lo, d_lo = frac, d_c
                            if side == -1:
                                d_hi *= 0.5
                            side = -1
                        if hi - lo < 1e-9 or abs(d_c) < 1e-11:
                            break
                    frac = hi
                    s_new = _rk4(
                        tau,
                        frac,
                        s,
                        f_thrust,
                        f_mdot,
                        f_mign,
                        f_tign,
                        f_area,
                        mode,
                        burning,
                        nx,
                        ny,
                        nz,
                        tv[i],
                        t_bo,
                        pf[i],
                        pq[i],
                        beta[i],
                        LOG_DENSITY_TABLE,
                        SPEED_OF_SOUND_TABLE,
                    )
                    dt = frac
                    cut = True
                    cut_tau[i] = tau + dt
                    cut_state[i] = s_new
                    flags[i] |= 4
                    stop = until_boost
            # the height matters only near the ground, the end height or the re-entry line: above them all its
            # lower bound r - a stands in for it (every comparison below comes out the same)
            r_new = np.sqrt(s_new[0] * s_new[0] + s_new[1] * s_new[1] + s_new[2] * s_new[2])
            high = r_new - WGS84_A_M > max(h_end[i], REENTRY_ALTITUDE_M, launch_h[i]) + 1e3
            h_new = r_new - WGS84_A_M if high else geodetic_height_scalar(s_new[0], s_new[1], s_new[2])
            descending = s_new[0] * s_new[3] + s_new[1] * s_new[4] + s_new[2] * s_new[5] < 0.0
            if not until_boost and not burning and descending and h_new <= h_end[i]:
                h_old = geodetic_height_scalar(s[0], s[1], s[2])
                lo, hi, g_lo, g_hi = 0.0, dt, h_old - h_end[i], h_new - h_end[i]
                side = 0
                s_c = s_new
                frac = dt
                for _it2 in range(60):  # Illinois regula falsi: height above the end height, falling through 0
                    frac = lo + g_lo * (hi - lo) / (g_lo - g_hi) if g_lo != g_hi else 0.5 * (lo + hi)
                    frac = min(max(frac, lo), hi)
                    s_c = _rk4(
                        tau,
                        frac,
                        s,
                        f_thrust,
                        f_mdot,
                        f_mign,
                        f_tign,
                        f_area,
                        mode,
                        burning,
                        nx,
                        ny,
                        nz,
                        tv[i],
                        t_bo,
                        pf[i],
                        pq[i],
                        beta[i],
                        LOG_DENSITY_TABLE,
                        SPEED_OF_SOUND_TABLE,
                    )
                    g_c = geodetic_height_scalar(s_c[0], s_c[1], s_c[2]) - h_end[i]
                    if g_c > 0.0:
                        lo, g_lo = frac, g_c
                        if side == -1:
                            g_hi *= 0.5
                        side = -1
                    else:
                        hi, g_hi = frac, g_c
                        if side == 1:
                            g_lo *= 0.5
                        side = 1
                    if abs(g_c) < 1e-3 or hi - lo < 1e-9:
                        break
                s_new = s_c
                dt = frac
                flags[i] |= 1
                stop = True
            if burning and h_new < launch_h[i] - CRASH_DEPTH_M:
                flags[i] |= 2
                stop = True
            tau += dt
            s = s_new
            if record:
                if count < cap:
                    rec_tau[i, count] = tau
                    rec_y[i, count] = s
                    if burning:
                        rec_phase[i, count] = 0
                    elif descending and h_new < REENTRY_ALTITUDE_M:
                        rec_phase[i, count] = 2
                    else:
                        rec_phase[i, count] = 1
                    count += 1
                else:
                    flags[i] |= 8
            if stop or tau >= max_time - 1e-9:
                break
        rec_n[i] = count
        end_tau[i] = tau
        end_state[i] = s


def fly(
    plan: FlightPlan,
    theta_of_t: Callable,
    until: str = "impact",
    record: bool = True,
    dt_boost_s: float = 1.0,
    coarse: bool = False,
    max_time_s: float = 7200.0,
    y0_eci=None,
) -> FlightRecord:
    """Integrate all missiles of a plan from launch until thrust ends (``until='boost'``) or impact.

    theta_of_t : Earth rotation angle (rad) at scenario time t (e.g. a partial of gmst_at); inside the compiled
    loop it is used as theta(0) + rate t, which GMST is to 1e-12 rad over a day.
    Thrust termination happens where plan.aim_downrange is finite, at the instant the predicted free-flight
    impact reaches it (regula falsi on the step length). Compiled, one missile per parallel iteration.
    y0_eci : optional (N, 6) initial ECI states at plan.t_launch instead of resting on the launch pad (coasting
    objects such as released re-entry vehicles and decoys: give them zero-burn stages, see :func:`coast_plan`).
    """
    n = plan.n
    theta0 = float(theta_of_t(np.array([0.0]))[0])
    theta_rate = float(np.mod(theta_of_t(np.array([3600.0]))[0] - theta0, 2 * np.pi) / 3600.0)
    r0 = ecef_to_eci(plan.r_launch_ecef, theta0 + theta_rate * plan.t_launch)
    up0 = r0 / np.linalg.norm(r0, axis=-1, keepdims=True)
    east0 = np.cross(np.array([0.0, 0.0, 1.0]), up0)
    east0 /= np.linalg.norm(east0, axis=-1, keepdims=True)
    horiz0 = np.sin(plan.azimuth)[:, None] * east0 + np.cos(plan.azimuth)[:, None] * np.cross(up0, east0)
    normal = np.cross(up0, horiz0)
    y0 = np.concatenate([r0, corotating_velocity(r0)], axis=1) if y0_eci is None else np.asarray(y0_eci, float)
    launch_h = geodetic_height_m(y0[:, :3])
    frame = np.stack([plan.l_hat, plan.m_hat, plan.n_hat], axis=1)
    # record buffer: boost steps + coast at >= 5 s in vacuum + the finer re-entry steps (a minute below 80 km at
    # 0.1 s); a flight that needs more (a long atmospheric glide) is flown again with a larger buffer
    burn = float(np.max(plan.burnout_time)) if n else 0.0
    cap = int(burn / dt_boost_s) + int(max_time_s / 5.0) + 2000 if record else 1
    c = np.ascontiguousarray
    exponent = np.full(n, PITCH_EXPONENT) if plan.pitch_exponent is None else plan.pitch_exponent
    while True:
        rec_tau = np.empty((n, cap))
        rec_y = np.empty((n, cap, 6))
        rec_phase = np.empty((n, cap), np.int8)
        rec_n = np.zeros(n, np.int64)
        cut_tau = np.full(n, np.nan)
        cut_state = np.full((n, 6), np.nan)
        end_tau = np.zeros(n)
        end_state = np.zeros((n, 6))
        flags = np.zeros(n, np.int64)
        _fly_kernel(
            n,
            c(y0),
            c(plan.t_launch, float),
            c(plan.stage_start),
            c(plan.stage_end),
            c(plan.thrust),
            c(plan.mdot),
            c(plan.mass_ignition),
            c(plan.area),
            c(plan.payload_kg, float),
            c(plan.rv_beta, float),
            c(plan.t_vertical, float),
            c(plan.pitch_final, float),
            c(exponent, float),
            c(normal),
            c(plan.aim_downrange, float),
            c(np.zeros(n, np.int64) if plan.cut_mode is None else plan.cut_mode, np.int64),
            c(frame),
            c(plan.impact_radius, float),
            c(plan.impact_height, float),
            launch_h,
            theta0,
            theta_rate,
            until == "boost",
            record,
            dt_boost_s,
            coarse,
            max_time_s,
            rec_tau,
            rec_y,
            rec_phase,
            rec_n,
            cut_tau,
            cut_state,
            end_tau,
            end_state,
            flags,
        )
        if not (record and np.any(flags & 8)):
            break
        cap *= 4
    if record:
        # each flight's first rec_n slots, flight after flight: gathered by flat index (a mask over the whole
        # buffer would scan every slot, most of them never written)
        idx = np.repeat(np.arange(n), rec_n)
        slot = np.arange(idx.size) - np.repeat(np.cumsum(rec_n) - rec_n, rec_n)
        flat = idx * cap + slot
        rec = dict(
            idx=idx,
            tau=rec_tau.reshape(-1)[flat],
            y=rec_y.reshape(-1, 6)[flat],
            phase=rec_phase.reshape(-1)[flat],
        )
    else:
        rec = dict(idx=np.zeros(0, int), tau=np.zeros(0), y=np.zeros((0, 6)), phase=np.zeros(0, np.int8))
    return FlightRecord(
        **rec,
        cutoff_tau=cut_tau,
        cutoff_state=cut_state,
        end_tau=end_tau,
        end_state=end_state,
        impacted=(flags & 1) > 0,
        crashed=(flags & 2) > 0,
        terminated=(flags & 4) > 0,
    )


@dataclass(frozen=True)
class DeltaVBudget:
    """Where the ideal velocity gain of each powered flight went, m/s, arrays over missiles: the speed's rate is
    d|v|/dt = (T/m) cos(alpha) - D.v_hat/m + g.v_hat (alpha: thrust off the velocity), so over the burn

        gain = |v(cut-off)| - |v(lift-off)| = ideal - gravity - drag - steering

    with ideal the integral of T/m (Tsiolkovsky's gain of the propellant burnt), gravity the integral of -g.v_hat
    (point mass + J2), drag that of D.v_hat / m, steering that of (T/m)(1 - cos alpha); inertial velocities (the
    lift-off speed is the Earth's rotation at the pad). ``closure`` is what the integration leaves unexplained."""

    ideal: np.ndarray
    gravity: np.ndarray
    drag: np.ndarray
    steering: np.ndarray
    gain: np.ndarray
    burnout_speed: np.ndarray
    burnout_time_s: np.ndarray
    burnout_altitude_m: np.ndarray

    @property
    def losses(self) -> np.ndarray:
        return self.gravity + self.drag + self.steering

    @property
    def closure(self) -> np.ndarray:
        return self.gain - (self.ideal - self.losses)


def delta_v_budget(plan: FlightPlan, theta_of_t: Callable, dt_boost_s: float = 0.25) -> DeltaVBudget:
    """The delta-v budget (:class:`DeltaVBudget`) of every missile's powered flight as the plan steers it (thrust
    termination included): the boost flown with its states recorded every dt_boost_s, the rates of each term
    evaluated by the integrator's own force model at both ends of every step, trapezoids summed (error O(dt^2))."""
    rec = fly(plan, theta_of_t, until="boost", record=True, dt_boost_s=dt_boost_s)
    n = plan.n
    out = np.zeros((n, 4))  # ideal, gravity, drag, steering
    theta0 = float(theta_of_t(np.array([0.0]))[0])
    r0 = ecef_to_eci(plan.r_launch_ecef, theta0)
    up0 = r0 / np.linalg.norm(r0, axis=-1, keepdims=True)
    east0 = np.cross(np.array([0.0, 0.0, 1.0]), up0)
    east0 /= np.linalg.norm(east0, axis=-1, keepdims=True)
    horiz0 = np.sin(plan.azimuth)[:, None] * east0 + np.cos(plan.azimuth)[:, None] * np.cross(up0, east0)
    normal = np.cross(up0, horiz0)
    exponent = np.full(n, PITCH_EXPONENT) if plan.pitch_exponent is None else plan.pitch_exponent
    c = np.ascontiguousarray
    _budget_kernel(
        c(rec.idx, np.int64),
        c(rec.tau, float),
        c(rec.y, float),
        c(plan.stage_start),
        c(plan.stage_end),
        c(plan.thrust),
        c(plan.mdot),
        c(plan.mass_ignition),
        c(plan.area),
        c(plan.rv_beta, float),
        c(plan.t_vertical, float),
        c(plan.pitch_final, float),
        c(exponent, float),
        c(normal),
        out,
    )
    first = np.searchsorted(rec.idx, np.arange(n))
    v0 = np.linalg.norm(rec.y[first, 3:], axis=1)
    vb = np.linalg.norm(rec.cutoff_state[:, 3:], axis=1)
    return DeltaVBudget(
        out[:, 0],
        out[:, 1],
        out[:, 2],
        out[:, 3],
        vb - v0,
        vb,
        rec.cutoff_tau,
        geodetic_height_m(rec.cutoff_state[:, :3]),
    )


@numba.njit(cache=True)
def _budget_kernel(
    idx, tau, y, stage_start, stage_end, thrust, mdot, mass_ign, area, beta, tv, pf, pq, normal, out
):  # pragma: no cover - compiled
    """Trapezoids of the budget's four rates over each recorded step of a boost; the stage and the steering mode
    of a step are those at its midpoint (a stage ends on a step boundary)."""
    n_s = stage_end.shape[1]
    for j in range(idx.shape[0] - 1):
        i = idx[j]
        if idx[j + 1] != i:
            continue
        mid = 0.5 * (tau[j] + tau[j + 1])
        k = 0
        while k < n_s and stage_end[i, k] <= mid:
            k += 1
        if k >= n_s:
            continue
        mode = 2 if tv[i] < 0.0 else (0 if mid < tv[i] else 1)
        t_bo = stage_end[i, n_s - 1]
        rates = np.zeros((2, 4))
        for e in range(2):
            s = y[j + e]
            gx, gy, gz, dx, dy, dz, tx, ty, tz = _forces(
                tau[j + e],
                s[0],
                s[1],
                s[2],
                s[3],
                s[4],
                s[5],
                thrust[i, k],
                mdot[i, k],
                mass_ign[i, k],
                stage_start[i, k],
                area[i, k],
                mode,
                True,
                normal[i, 0],
                normal[i, 1],
                normal[i, 2],
                tv[i],
                t_bo,
                pf[i],
                pq[i],
                beta[i],
                LOG_DENSITY_TABLE,
                SPEED_OF_SOUND_TABLE,
            )
            vn = np.sqrt(s[3] * s[3] + s[4] * s[4] + s[5] * s[5])
            ux, uy, uz = s[3] / vn, s[4] / vn, s[5] / vn
            a_t = np.sqrt(tx * tx + ty * ty + tz * tz)
            rates[e, 0] = a_t
            rates[e, 1] = -(gx * ux + gy * uy + gz * uz)
            rates[e, 2] = dx * ux + dy * uy + dz * uz
            rates[e, 3] = a_t - (tx * ux + ty * uy + tz * uz)
        h = tau[j + 1] - tau[j]
        for m in range(4):
            out[i, m] += 0.5 * h * (rates[0, m] + rates[1, m])
