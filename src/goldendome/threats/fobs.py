"""Fractional orbital bombardment system (FOBS): a warhead put into a low orbit and brought down before one turn.

The flight, every part of it integrated by :func:`goldendome.threats.flight.fly` (point mass, J2, drag in the
turning air):

1. Boost on the pitch programme of :mod:`goldendome.threats.flight`, steered low and flat; thrust is cut
   (``cut_mode = 1``) when the osculating apogee reaches the orbit height h (above the mean radius). The booster
   burns out low (~60-90 km) with nearly orbital speed, so the climb to h is a short coast; the final pitch is the
   one that needs the smallest circularisation impulse (a grid, then a golden-section search).
2. Coast to apogee (Kepler time, then Newton steps on the radial velocity of the flown state).
3. Circularise there: the orbital module's own motor gives an impulse that makes the velocity horizontal with the
   circular speed sqrt(mu / r) (Bate, Mueller & White, *Fundamentals of Astrodynamics*, 1971, sec. 1.7).
4. Coast in orbit, less than one revolution: any launch azimuth, e.g. due south from the Arctic over the South Pole
   to come at North America from the south, where its northward-looking early-warning radars do not look.
5. De-orbit with a retrograde impulse: its time is picked on a 10 s grid along the orbit by the Kepler impact
   prediction (:func:`goldendome.threats.flight.predict_impact`, which turns the Earth), then refined by a secant on
   the along-track offset of the flown re-entry (re-entry vehicle's ballistic coefficient, J2, drag).
6. The launch azimuth is corrected by a secant on the cross-track offset of the flown impact: the Earth turns
   ~15 deg/h under the orbit, so the ground track must be aimed where the target will be.
7. Optionally the orbital module carries a glide vehicle instead of a re-entry vehicle (China's 2021 test, as
   reported: a FOBS that released a hypersonic glider): the de-orbit burn comes earlier, the vehicle falls into the
   upper atmosphere, pulls up into the equilibrium glide of :mod:`goldendome.threats.glide` and glides the rest of
   the way. Of the de-orbit times on a 1-minute grid before the re-entry vehicle's, the longest glide that still
   reaches the aim is chosen, less a 2-minute reserve; its dive is then re-aimed onto the aim
   (:func:`goldendome.threats.glide.aim_glide`).

Impulses are instantaneous (the module's burns last seconds against an orbit of ~90 min). The trajectory's samples
straddling an impulse are interpolated across the velocity jump (position error < dv x dt / 4, ~60 m at 1 s).
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial

import numpy as np

from goldendome.physics.constants import MU_EARTH_M3_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import (
    ecef_to_geodetic,
    eci_to_ecef,
    eci_to_ecef_state,
    geodetic_height_m,
    geodetic_to_ecef,
)
from goldendome.physics.greatcircle import ground_range_m
from goldendome.physics.timescale import gmst_at
from goldendome.threats import guidance
from goldendome.threats.ballistic import resample_to_clock
from goldendome.threats.flight import PITCH_EXPONENT, coast_plan, fly, predict_impact
from goldendome.threats.glide import aim_glide, fly_glide, vehicle_from_state
from goldendome.threats.missile import MissileDesign
from goldendome.threats.trajectory import MIDCOURSE, TERMINAL, Trajectory

PITCH_GRID_RAD = np.radians(np.arange(-10.0, 5.01, 0.5))
"""Final pitches tried for the boost (below the horizontal: the programme must stay low to build speed)."""
MIN_CUT_GAMMA_RAD = np.radians(0.5)
"""Least flight-path angle at thrust cut-off: the climb to apogee must rise from the cut (a modelling choice)."""
DEORBIT_GRID_S = 10.0
AZIMUTH_ITERATIONS = 12
DEORBIT_ITERATIONS = 10
GLIDE_LEAD_S = np.arange(0.0, 1801.0, 60.0)
"""How much earlier than a re-entry vehicle's the de-orbit burn of a glide vehicle may come (the glide adds up to
~2,000-7,000 km of range, 5-25 min of orbit at ~7.8 km/s)."""
GLIDE_CAPTURE_M = 100e3
"""A candidate glide that dives within this of the aim is one the dive re-aiming can land on it."""
GLIDE_MARGIN_STEPS = 2
"""The de-orbit time chosen is this many grid steps (minutes) later than the earliest that still reaches the aim:
the longest glide - the most time below radar horizons - with a reserve of speed for the dive (a modelling
choice)."""


@dataclass(frozen=True)
class FobsSummary:
    """Headline figures of one FOBS flight (scenario-clock times s, SI units, angles rad).

    orbit_altitude_m: geocentric radius at circularisation minus the mean Earth radius; orbit_period_s: the
    Kepler period 2 pi sqrt(r^3 / mu) of that circular orbit; miss_m: great-circle distance impact to aim.
    """

    name: str
    t_launch_s: float
    burnout_time_s: float
    burnout_altitude_m: float
    pitch_final_rad: float
    circularise_time_s: float
    orbit_altitude_m: float
    orbit_period_s: float
    circularise_dv_mps: float
    deorbit_time_s: float
    deorbit_dv_mps: float
    impact_time_s: float
    flight_time_s: float
    impact_lat_rad: float
    impact_lon_rad: float
    miss_m: float
    launch_azimuth_rad: float


def _kepler_time_to_apogee(r, v, mu=MU_EARTH_M3_S2):
    rn = np.linalg.norm(r)
    v2 = v @ v
    a = 1.0 / (2.0 / rn - v2 / mu)
    evec = ((v2 - mu / rn) * r - (r @ v) * v) / mu
    e = np.linalg.norm(evec)
    cos_e = np.clip((1.0 - rn / a) / e, -1.0, 1.0)
    ecc_anom = np.arccos(cos_e) * (1.0 if r @ v >= 0.0 else -1.0)
    m = ecc_anom - e * np.sin(ecc_anom)
    return (np.pi - m) / np.sqrt(mu / a**3)


class _Fobs:
    """One FOBS problem: booster, sites, clock; flies its phases from chosen azimuth and pitch."""

    def __init__(self, booster, launch, aim, t_launch, theta, h_orbit, dv_deorbit, launch_h, aim_h):
        self.booster, self.launch, self.aim, self.t_launch = booster, launch, aim, t_launch
        self.theta, self.h, self.dv_d, self.launch_h, self.aim_h = theta, h_orbit, dv_deorbit, launch_h, aim_h
        self.aim_ecef = geodetic_to_ecef(aim[0], aim[1], aim_h)
        self.aim_radius = np.array([np.linalg.norm(self.aim_ecef)])

    def plan(self, azimuth, pitches):
        pitches = np.atleast_1d(pitches)
        n = pitches.size
        plan = guidance.build_plan(
            [self.booster] * n,
            self.launch[0],
            self.launch[1],
            self.launch_h,
            self.aim[0],
            self.aim[1],
            self.aim_h,
            self.t_launch,
        )
        plan.azimuth[:] = azimuth
        plan.pitch_final[:] = pitches
        plan.cut_mode = np.ones(n, np.int64)
        plan.aim_downrange[:] = self.h
        plan.pitch_exponent = np.full(n, PITCH_EXPONENT)  # an orbit insertion, not the greatest range
        return plan

    def circularise_cost(self, azimuth, pitches):
        """Kepler (vacuum) circularisation impulse at apogee after each pitch's boost; inf where thrust was not cut
        (the full burn's apogee stays below h) or the booster crashed."""
        plan = self.plan(azimuth, pitches)
        rec = fly(plan, self.theta, until="boost", record=False)
        r, v = rec.cutoff_state[:, :3], rec.cutoff_state[:, 3:]
        rn, vn = np.linalg.norm(r, axis=-1), np.linalg.norm(v, axis=-1)
        a = 1.0 / (2.0 / rn - vn**2 / MU_EARTH_M3_S2)
        hm = np.linalg.norm(np.cross(r, v), axis=-1)
        e = np.sqrt(np.maximum(1.0 - hm**2 / (MU_EARTH_M3_S2 * a), 0.0))
        ra = a * (1.0 + e)
        dv = np.sqrt(MU_EARTH_M3_S2 / ra) - hm / ra
        # the cut must come on the way up: one cut past perigee would fall through the air for half an orbit
        gamma = np.arcsin(np.clip(np.sum(r * v, -1) / (rn * vn), -1.0, 1.0))
        ok = rec.terminated & ~rec.crashed & (gamma > MIN_CUT_GAMMA_RAD)
        return np.where(ok, dv, np.inf)

    def best_pitch(self, azimuth):
        cost = self.circularise_cost(azimuth, PITCH_GRID_RAD)
        k = int(np.argmin(cost))
        if not np.isfinite(cost[k]):
            raise ValueError(f"{self.booster.name} cannot reach an orbit {self.h / 1e3:.0f} km high")
        step = PITCH_GRID_RAD[1] - PITCH_GRID_RAD[0]
        a, b = PITCH_GRID_RAD[k] - step, PITCH_GRID_RAD[k] + step
        g = (np.sqrt(5.0) - 1.0) / 2.0
        for _ in range(16):  # golden section, two pitches per flight call
            c1, c2 = b - g * (b - a), a + g * (b - a)
            f1, f2 = self.circularise_cost(azimuth, np.array([c1, c2]))
            a, b = (a, c2) if f1 <= f2 else (c1, b)
        p = 0.5 * (a + b)
        return p if np.isfinite(self.circularise_cost(azimuth, p)[0]) else float(PITCH_GRID_RAD[k])

    def to_orbit(self, azimuth, pitch, record=False):
        """Boost, coast to apogee, circularise: (boost record, plan, climb record, climb plan, t_circ, state after
        the impulse (6,), dv)."""
        plan = self.plan(azimuth, pitch)
        rec_b = fly(plan, self.theta, until="boost", record=record)
        if not rec_b.terminated[0] or rec_b.crashed[0]:
            raise ValueError(f"{self.booster.name}: the boost did not reach an apogee of {self.h / 1e3:.0f} km")
        t_bo = self.t_launch + float(rec_b.cutoff_tau[0])
        y_bo = rec_b.cutoff_state[0]
        plan_c = coast_plan(t_bo, self.booster.rv_beta_kg_m2, self.booster.payload_kg, self.aim_h)
        t_apo = _kepler_time_to_apogee(y_bo[:3], y_bo[3:])
        for _ in range(4):  # Newton on the radial velocity of the flown state (drag and J2 move the apogee)
            rec_c = fly(plan_c, self.theta, until="impact", record=False, max_time_s=t_apo, y0_eci=y_bo[None])
            r, v = rec_c.end_state[0, :3], rec_c.end_state[0, 3:]
            rn = np.linalg.norm(r)
            vr = (r @ v) / rn
            vt2 = v @ v - vr * vr
            step = vr / (MU_EARTH_M3_S2 / rn**2 - vt2 / rn)
            t_apo += step
            if abs(step) < 1e-3:
                break
        rec_c = fly(plan_c, self.theta, until="impact", record=record, max_time_s=t_apo, y0_eci=y_bo[None])
        if rec_c.impacted[0]:
            raise ValueError("the climb to orbit fell back into the atmosphere")
        r, v = rec_c.end_state[0, :3], rec_c.end_state[0, 3:]
        h_hat = np.cross(r, v)
        h_hat /= np.linalg.norm(h_hat)
        along = np.cross(h_hat, r / np.linalg.norm(r))
        v_new = np.sqrt(MU_EARTH_M3_S2 / np.linalg.norm(r)) * along
        return rec_b, plan, rec_c, plan_c, t_bo + t_apo, np.concatenate([r, v_new]), float(np.linalg.norm(v_new - v))

    def orbit_plan(self, t_circ):
        return coast_plan(t_circ, self.booster.rv_beta_kg_m2, self.booster.payload_kg, self.aim_h)

    def deorbit_state(self, t_circ, y_circ, t_d):
        """Orbit state just after the retrograde impulse at scenario time t_d."""
        rec = fly(self.orbit_plan(t_circ), self.theta, record=False, max_time_s=t_d - t_circ, y0_eci=y_circ[None])
        y = rec.end_state[0].copy()
        y[3:] -= self.dv_d * y[3:] / np.linalg.norm(y[3:])
        return y

    def reentry(self, t_d, y_d, record=False):
        plan = coast_plan(t_d, self.booster.rv_beta_kg_m2, self.booster.payload_kg, self.aim_h)
        rec = fly(plan, self.theta, until="impact", record=record, max_time_s=3600.0, y0_eci=y_d[None])
        return rec, plan

    def offsets(self, rec, t_d):
        """Along-track (aim ahead: +) and cross-track (aim left: +) offsets of the aim from the flown impact, m."""
        t_i = t_d + float(rec.end_tau[0])
        r, v = rec.end_state[0, :3], rec.end_state[0, 3:]
        th = float(self.theta(np.array([t_i]))[0])
        r_e, v_e = eci_to_ecef_state(r, v, th)
        up = r_e / np.linalg.norm(r_e)
        fwd = v_e - (v_e @ up) * up
        fwd /= np.linalg.norm(fwd)
        left = np.cross(up, fwd)
        d = self.aim_ecef / np.linalg.norm(self.aim_ecef) - up
        return R_EARTH_MEAN_M * float(d @ fwd), R_EARTH_MEAN_M * float(d @ left), t_i

    def land(self, azimuth, pitch, tol_m):
        """Fly to orbit, pick and refine the de-orbit time; returns (t_circ, y_circ, dv_c, t_d, along, cross)."""
        _, _, _, _, t_c, y_c, dv_c = self.to_orbit(azimuth, pitch)
        period = 2.0 * np.pi * np.sqrt(np.linalg.norm(y_c[:3]) ** 3 / MU_EARTH_M3_S2)
        plan_o = self.orbit_plan(t_c)
        rec_o = fly(plan_o, self.theta, record=True, max_time_s=period, y0_eci=y_c[None])
        _, t_g, r_g, v_g, _ = resample_to_clock(rec_o, plan_o, 1, DEORBIT_GRID_S)
        v_g = v_g - self.dv_d * v_g / np.linalg.norm(v_g, axis=-1, keepdims=True)
        imp, _, _, ok = predict_impact(r_g, v_g, t_g, np.full(t_g.size, self.aim_radius[0]), self.theta)
        dist = np.where(ok, np.linalg.norm(imp - self.aim_ecef, axis=-1), np.inf)
        t_d = float(t_g[int(np.argmin(dist))])
        prev = None
        speed = np.linalg.norm(y_c[3:]) * R_EARTH_MEAN_M / np.linalg.norm(y_c[:3])  # ground-track speed, roughly
        for _ in range(DEORBIT_ITERATIONS):  # secant on the along-track offset of the flown re-entry
            rec, _ = self.reentry(t_d, self.deorbit_state(t_c, y_c, t_d))
            along, cross, _ = self.offsets(rec, t_d)
            if not rec.impacted[0]:
                raise ValueError("the re-entry vehicle did not come down")
            if abs(along) < 0.1 * tol_m:
                break
            gain = speed
            if prev is not None and prev[0] != t_d:
                g = (prev[1] - along) / (t_d - prev[0])  # the impact moves along-track as the burn moves later
                gain = g if 0.2 * speed < g < 5.0 * speed else speed
            prev = (t_d, along)
            t_d = float(np.clip(t_d + along / gain, t_c, t_c + period))
        return t_c, y_c, dv_c, t_d, along, cross


def _glide_reentry(
    f: _Fobs,
    name: str,
    t_c: float,
    y_c,
    t_d_rv: float,
    glide: tuple[float, float],
    epoch: dt.datetime,
    sample_dt_s: float,
):
    """De-orbit time and flown glide of a glide vehicle (step 7): candidates on a grid before the re-entry vehicle's
    de-orbit time, all flown at once; the longest glide that dives near the aim, less a reserve, is re-aimed onto
    it."""
    beta, lift_to_drag = glide
    lat_a, lon_a = f.aim
    t_ds = t_d_rv - GLIDE_LEAD_S[t_d_rv - GLIDE_LEAD_S > t_c + 1.0]
    vehicles = [
        vehicle_from_state(name, f.deorbit_state(t_c, y_c, t), float(t), epoch, lat_a, lon_a, beta, lift_to_drag)
        for t in t_ds
    ]
    tr = fly_glide(vehicles, epoch, sample_dt_s=10.0)
    last = np.r_[np.flatnonzero(np.diff(tr.object_id)), tr.object_id.size - 1]
    hit = eci_to_ecef(tr.r_eci_m[last], f.theta(tr.t_s[last]))
    miss = np.where(tr.phase[last] == TERMINAL, np.linalg.norm(hit - f.aim_ecef, axis=1), np.inf)
    if not np.any(miss < GLIDE_CAPTURE_M):
        raise ValueError(
            f"{name}: no de-orbit time up to {GLIDE_LEAD_S[-1] / 60:.0f} min before the re-entry "
            "vehicle's brings the glide vehicle onto the aim (it never reaches its dive)"
        )
    # the longest glide that still reaches its dive, less a margin: the most time low in the atmosphere
    ok = np.flatnonzero(miss < GLIDE_CAPTURE_M)
    k = int(tr.object_id[last[ok[-1] - GLIDE_MARGIN_STEPS if ok.size > GLIDE_MARGIN_STEPS else ok[0]]])
    return float(t_ds[k]), aim_glide(vehicles[k], epoch, sample_dt_s)


def fly_fobs(
    name: str,
    booster: MissileDesign,
    launch_lat_rad: float,
    launch_lon_rad: float,
    aim_lat_rad: float,
    aim_lon_rad: float,
    epoch: dt.datetime,
    t_launch_s: float = 0.0,
    orbit_altitude_m: float = 150e3,
    deorbit_dv_mps: float = 250.0,
    azimuth_guess_rad: float = np.pi,
    launch_h_m: float = 0.0,
    aim_h_m: float = 0.0,
    tol_m: float = 500.0,
    sample_dt_s: float = 1.0,
    glide: tuple[float, float] | None = None,
):
    """A FOBS flight from a launch site to an aim point. Returns (Trajectory of the one object, FobsSummary).

    booster: a design whose payload is the orbital module (e.g. ``fobs-liquid-2stage``); its rv_beta_kg_m2 is used
    in orbit and in re-entry. orbit_altitude_m: height of the circular orbit above the mean Earth radius.
    deorbit_dv_mps: the retrograde impulse (~250 m/s brings a 150 km orbit down ~50 deg later, ~12 min).
    azimuth_guess_rad: the launch direction to start from: it picks the branch (pi: due south, over the South
    Pole); the azimuth is then corrected so that the ground track passes over the aim. tol_m: aimed miss.
    glide: None for a re-entry vehicle, or (ballistic coefficient kg/m^2, L/D) of a glide vehicle released by the
    de-orbit burn (step 7 above).
    Raises ValueError where the booster cannot reach the orbit or the aim cannot be reached within one turn.
    """
    theta = partial(gmst_at, epoch)
    f = _Fobs(
        booster,
        (launch_lat_rad, launch_lon_rad),
        (aim_lat_rad, aim_lon_rad),
        float(t_launch_s),
        theta,
        float(orbit_altitude_m),
        float(deorbit_dv_mps),
        float(launch_h_m),
        float(aim_h_m),
    )
    az = float(azimuth_guess_rad)
    pitch = f.best_pitch(az)
    prev = None
    for _ in range(AZIMUTH_ITERATIONS):  # secant on the cross-track offset
        *_, along, cross = f.land(az, pitch, tol_m)
        if np.hypot(along, cross) < tol_m:
            break
        if prev is None:
            az_new = az + np.radians(0.2) * (1.0 if cross > 0 else -1.0)
        else:
            slope = (cross - prev[1]) / (az - prev[0])
            az_new = az - cross / slope if slope != 0.0 else az + np.radians(0.2)
        prev = (az, cross)
        az = float(np.clip(az_new, prev[0] - np.radians(20.0), prev[0] + np.radians(20.0)))
        pitch = f.best_pitch(az)
    t_c, y_c, dv_c, t_d, _, _ = f.land(az, pitch, tol_m)
    if glide is not None:
        t_d, glide_tr = _glide_reentry(f, name, t_c, y_c, t_d, glide, epoch, sample_dt_s)
    # the final flight, recorded
    rec_b, plan_b, rec_c, plan_c, t_c, y_c, dv_c = f.to_orbit(az, pitch, record=True)
    plan_o = f.orbit_plan(t_c)
    rec_o = fly(plan_o, theta, record=True, max_time_s=t_d - t_c, y0_eci=y_c[None])
    t_bo = float(plan_b.t_launch[0] + rec_b.cutoff_tau[0])
    parts = []
    for rec, plan, t_end in ((rec_b, plan_b, t_bo), (rec_c, plan_c, t_c), (rec_o, plan_o, t_d)):
        _, t, r, v, ph = resample_to_clock(rec, plan, 1, sample_dt_s)
        keep = t < t_end
        if parts:
            ph = np.maximum(ph, MIDCOURSE)  # a coast's first record is logged as boost by the integrator
        parts.append((t[keep], r[keep], v[keep], ph[keep]))
    if glide is None:
        y_d = rec_o.end_state[0].copy()
        y_d[3:] -= f.dv_d * y_d[3:] / np.linalg.norm(y_d[3:])
        rec_r, plan_r = f.reentry(t_d, y_d, record=True)
        _, t, r, v, ph = resample_to_clock(rec_r, plan_r, 1, sample_dt_s)
        parts.append((t, r, v, np.maximum(ph, MIDCOURSE)))
        t_i = t_d + float(rec_r.end_tau[0])
        r_i = rec_r.end_state[0, :3]
    else:
        parts.append((glide_tr.t_s, glide_tr.r_eci_m, glide_tr.v_eci_mps, glide_tr.phase))
        t_i, r_i = float(glide_tr.t_s[-1]), glide_tr.r_eci_m[-1]
    t, r, v, ph = (np.concatenate([p[k] for p in parts]) for k in range(4))
    traj = Trajectory(
        object_id=np.zeros(t.size, int), t_s=t, r_eci_m=r, v_eci_mps=v, phase=ph.astype(np.int8), names=(name,)
    )
    lat_i, lon_i, _ = ecef_to_geodetic(eci_to_ecef(r_i, float(theta(np.array([t_i]))[0])))
    r_c = float(np.linalg.norm(y_c[:3]))
    summary = FobsSummary(
        name=name,
        t_launch_s=float(t_launch_s),
        burnout_time_s=t_bo,
        burnout_altitude_m=float(geodetic_height_m(rec_b.cutoff_state[:, :3])[0]),
        pitch_final_rad=float(pitch),
        circularise_time_s=float(t_c),
        orbit_altitude_m=r_c - R_EARTH_MEAN_M,
        orbit_period_s=float(2.0 * np.pi * np.sqrt(r_c**3 / MU_EARTH_M3_S2)),
        circularise_dv_mps=dv_c,
        deorbit_time_s=t_d,
        deorbit_dv_mps=float(deorbit_dv_mps),
        impact_time_s=t_i,
        flight_time_s=t_i - float(t_launch_s),
        impact_lat_rad=float(lat_i),
        impact_lon_rad=float(lon_i),
        miss_m=float(ground_range_m(aim_lat_rad, aim_lon_rad, lat_i, lon_i)),
        launch_azimuth_rad=az % (2 * np.pi),
    )
    return traj, summary
