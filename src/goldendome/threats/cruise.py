"""Cruise missiles: constant-speed flight along waypoints at low altitude, turning at a bounded load factor.

A cruise missile flies like a small aircraft: after a short boost it holds a constant speed and a constant height
above the surface (here above the WGS-84 ellipsoid: a zero-elevation Earth, no terrain), following great-circle
legs between waypoints. It turns at each waypoint on a circular arc whose radius follows from the lateral load
factor n it may pull in a level turn (lift n m g, horizontal component g sqrt(n^2 - 1)):

    R = v^2 / (g sqrt(n^2 - 1))             (Anderson, *Aircraft Performance and Design*, 1999, sec. 6.13)

The arc is tangent to both legs, so each turn of heading change dpsi shortens the two legs by R tan(dpsi/2) and
adds R dpsi of arc. What matters for defence is the height: at 30-100 m a missile stays below a ground radar's
horizon until ~30-50 km out (the 4/3-Earth horizon sqrt(2 k R h)), which is NORAD's cruise-missile problem.

Defaults (sourced): subsonic land-attack cruise missiles fly ~0.7-0.8 Mach (~250 m/s) at 30-100 m (CSIS Missile
Threat, "Cruise missile" entries, e.g. Kalibr/Kh-101 cruise 0.7-0.8 Mach); supersonic anti-ship missiles ~2-3 Mach.
The load factor of 2 g for cruise turns is a modelling choice (airframe limits are not public).
"""

from dataclasses import dataclass

import numpy as np

from goldendome.physics.constants import DEG, G0_M_S2, R_EARTH_MEAN_M
from goldendome.physics.frames import ecef_to_eci_state, geodetic_to_ecef
from goldendome.physics.timescale import gmst_at
from goldendome.threats.trajectory import BOOST, MIDCOURSE, TERMINAL, Trajectory


def level_turn_radius_m(speed_mps: float, load_factor: float) -> float:
    """Radius of a level turn at a load factor n: v^2 / (g sqrt(n^2 - 1)) (the lift's horizontal share turns the
    flight, its vertical share holds the weight; e.g. Anderson, *Introduction to Flight*, 8th ed., sec. 6.17)."""
    return speed_mps**2 / (G0_M_S2 * np.sqrt(load_factor**2 - 1.0))


class RouteError(ValueError):
    """A route that cannot be flown, with the reason."""


@dataclass(frozen=True)
class CruiseMissile:
    """One cruise missile's flight. Angles rad; speed m/s; altitude m above the ellipsoid; times s."""

    name: str
    waypoints_lat_rad: tuple[float, ...]  # launch point first, target last
    waypoints_lon_rad: tuple[float, ...]
    speed_mps: float = 240.0
    altitude_m: float = 50.0
    max_load_factor: float = 2.0
    t_launch_s: float = 0.0
    boost_s: float = 10.0  # booster phase label (the flight is at cruise speed from the start: a simplification)
    terminal_m: float = 20e3  # the last stretch, labelled terminal
    range_m: float = np.inf  # the longest route its fuel allows

    @property
    def turn_radius_m(self) -> float:
        """Level-turn radius at the maximum load factor, m."""
        return level_turn_radius_m(self.speed_mps, self.max_load_factor)


def _unit(lat, lon):
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def route_polyline(m: CruiseMissile, arc_step_rad: float = 0.5 * DEG):
    """Unit vectors (K, 3) of the flown ground track and the cumulative distance (K,) along it, m.

    Legs are great circles; each interior waypoint becomes a tangent circular arc of the turn radius (computed on
    the local tangent plane: turn radii of kilometres are flat to 1e-7 relative).
    """
    if len(m.waypoints_lat_rad) != len(m.waypoints_lon_rad) or len(m.waypoints_lat_rad) < 2:
        raise RouteError("a route needs at least two waypoints (launch and target) with both lat and lon")
    if not m.max_load_factor > 1.0:
        raise RouteError(f"max_load_factor {m.max_load_factor:g} must exceed 1 g to turn in level flight")
    if m.speed_mps <= 0 or m.altitude_m < 0:
        raise RouteError("speed must be positive and altitude not below the surface")
    p = _unit(np.asarray(m.waypoints_lat_rad), np.asarray(m.waypoints_lon_rad))
    n = p.shape[0]
    for k in range(n - 1):
        c = float(np.clip(p[k] @ p[k + 1], -1, 1))
        if c < -1 + 1e-9:
            raise RouteError(f"leg {k + 1} joins antipodal waypoints: its great circle is undefined; add a waypoint")
        if c > 1 - 1e-15:
            raise RouteError(f"waypoints {k + 1} and {k + 2} coincide")
    radius = m.turn_radius_m / R_EARTH_MEAN_M  # turn radius as an angle on the sphere
    points = [p[0]]
    for k in range(1, n - 1):
        a, b, c = p[k - 1], p[k], p[k + 1]
        # headings at b: incoming along the great circle a->b, outgoing along b->c (tangent vectors at b)
        t_in = np.cross(np.cross(a, b), b)  # = b cos - a: onwards, away from a
        t_in /= np.linalg.norm(t_in)
        t_out = np.cross(np.cross(b, c), b)  # = c - b cos: towards c
        t_out /= np.linalg.norm(t_out)
        turn = np.arccos(np.clip(t_in @ t_out, -1, 1))
        if turn < 1e-9:
            points.append(b)
            continue
        d = radius * np.tan(turn / 2)  # tangent length, as an angle
        leg_in = np.arccos(np.clip(a @ b, -1, 1))
        leg_out = np.arccos(np.clip(b @ c, -1, 1))
        if d >= leg_in or d >= leg_out:
            raise RouteError(
                f"waypoint {k + 1}: a {np.degrees(turn):.0f} deg turn at {m.max_load_factor:g} g needs "
                f"{d * R_EARTH_MEAN_M / 1e3:.1f} km of straight leg on each side, more than the legs give"
            )
        # arc in the tangent plane at b: centre on the inside of the turn
        side = np.cross(b, t_in)
        if side @ t_out < 0:
            side = -side
        start = b - d * t_in  # small-angle offsets on the tangent plane, re-normalised onto the sphere
        centre = start + radius * side
        steps = max(2, int(np.ceil(turn / arc_step_rad)))
        for j in range(steps + 1):
            ang = turn * j / steps
            q = centre - radius * np.cos(ang) * side + radius * np.sin(ang) * t_in
            points.append(q / np.linalg.norm(q))
    points.append(p[-1])
    pts = np.array(points)
    seg = np.arccos(np.clip(np.sum(pts[1:] * pts[:-1], axis=1), -1, 1)) * R_EARTH_MEAN_M
    return pts, np.concatenate([[0.0], np.cumsum(seg)])


def _track_points(pts, cum, s):
    """Unit vectors of the ground track at distances s along the polyline (slerp between its points)."""
    j = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(cum) - 2)
    f = (s - cum[j]) / np.maximum(cum[j + 1] - cum[j], 1e-9)
    om = np.arccos(np.clip(np.sum(pts[j] * pts[j + 1], axis=1), -1, 1))
    so = np.sin(om)
    with np.errstate(invalid="ignore", divide="ignore"):
        wa = np.where(so > 1e-12, np.sin((1 - f) * om) / so, 1 - f)
        wb = np.where(so > 1e-12, np.sin(f * om) / so, f)
    u = wa[:, None] * pts[j] + wb[:, None] * pts[j + 1]
    return u / np.linalg.norm(u, axis=1, keepdims=True)


def _track_ecef(pts, cum, s, altitude_m):
    u = _track_points(pts, cum, s)
    return geodetic_to_ecef(np.arcsin(u[:, 2]), np.arctan2(u[:, 1], u[:, 0]), np.full(s.shape, altitude_m))


TRACK_STEP_M = 200.0
"""Spacing of the track on which the flown (ellipsoidal, at height) path length is measured."""


def fly_cruise(missiles: list[CruiseMissile], epoch, sample_dt_s: float = 1.0) -> Trajectory:
    """Trajectories (ECI, on the scenario clock) of cruise missiles flying their routes at constant speed.

    The route is laid out on the sphere (great-circle legs, tangent turn arcs) and flown at its height over the
    WGS-84 ellipsoid; time is measured along the flown path itself (the ellipsoid stretches east-west distances by
    up to ~0.3 % against the mean sphere), so the speed is the missile's speed over the ground at its height.
    """
    ids, ts, rs, vs, phases = [], [], [], [], []
    for k, m in enumerate(missiles):  # each route is its own polyline; sampling below is vectorised
        try:
            pts, cum = route_polyline(m)
        except RouteError as exc:
            raise RouteError(f"{m.name}: {exc}") from None
        grid = np.linspace(0.0, cum[-1], max(2, int(np.ceil(cum[-1] / TRACK_STEP_M)) + 1))
        flown = np.concatenate(
            [[0.0], np.cumsum(np.linalg.norm(np.diff(_track_ecef(pts, cum, grid, m.altitude_m), axis=0), axis=1))]
        )
        total = flown[-1]
        if total > m.range_m:
            raise RouteError(
                f"{m.name}: the route is {total / 1e3:,.0f} km long, beyond the missile's range of "
                f"{m.range_m / 1e3:,.0f} km; launch closer or drop waypoints"
            )
        duration = total / m.speed_mps
        t_rel = np.unique(np.concatenate([np.arange(0.0, duration, sample_dt_s), [duration]]))
        d = t_rel * m.speed_mps
        r_ecef = _track_ecef(pts, cum, np.interp(d, flown, grid), m.altitude_m)
        v_ecef = np.gradient(r_ecef, t_rel, axis=0) if t_rel.size > 1 else np.zeros_like(r_ecef)
        t_abs = m.t_launch_s + t_rel
        theta = gmst_at(epoch, t_abs)
        r_eci, v_eci = ecef_to_eci_state(r_ecef, v_ecef, theta)
        phase = np.where(t_rel < m.boost_s, BOOST, np.where(total - d <= m.terminal_m, TERMINAL, MIDCOURSE))
        ids.append(np.full(t_rel.size, k))
        ts.append(t_abs)
        rs.append(r_eci)
        vs.append(v_eci)
        phases.append(phase.astype(np.int8))
    return Trajectory(
        np.concatenate(ids),
        np.concatenate(ts),
        np.concatenate(rs),
        np.concatenate(vs),
        np.concatenate(phases),
        tuple(m.name for m in missiles),
    )
