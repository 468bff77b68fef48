"""Re-ranging a lofted missile test: what range would the same missile reach on a standard trajectory?

North Korea tests its long-range missiles on lofted trajectories that fall into the Sea of Japan. Public analysts
(D. Wright, Union of Concerned Scientists; M. Elleman, 38 North) estimate the missile's real range by fitting the
burnout conditions to the reported apogee and ground range, then flying the same burnout speed on a minimum-energy
(standard) trajectory. This module does exactly that, with the Earth turning under the missile:

1. Fit. At an assumed burnout altitude above the launch site, find the Earth-relative burnout speed v and
   flight-path angle gamma (in the test's launch azimuth) whose free flight - a Kepler conic in the inertial frame,
   with the Earth's rotation added to the burnout velocity and the impact point turned with the Earth - reaches the
   reported apogee and lands at the reported ground range. Two equations, two unknowns: scipy's least-squares.
2. Check. The fitted flight's time (boost time + free flight) is printed beside the reported flight time: a large
   difference means the assumed burnout altitude or boost time is off.
3. Re-range. With the same Earth-relative speed at the same burnout altitude, search gamma for the greatest ground
   range along the target azimuth (eastward flights gain from the rotation): the equivalent range.

Same burnout speed is a lower bound: on a standard trajectory a missile loses less speed to gravity than on the
near-vertical lofted climb (about g per second of burn). :func:`rerange_flown` flies the missile instead: a catalogue
design fitted to the test (payload to the apogee, burn times to the flight time: named.fit_missile), checked by
flying the test back, then flown on its greatest-range trajectory toward the target azimuth.

Ground ranges are on the mean-radius sphere from the launch site; the powered flight's own downrange (a few hundred
kilometres on a standard trajectory, tens on a lofted one) is a parameter, 0 by default, added to both.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares, minimize_scalar

from goldendome.physics.constants import MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, R_EARTH_MEAN_M
from goldendome.physics.frames import corotating_velocity
from goldendome.threats.ballistic import maximum_range
from goldendome.threats.flight import predict_impact
from goldendome.threats.named import BURN_SCALES, fit_missile


class RerangeError(ValueError):
    """Observations no burnout state can explain, with the reason."""


@dataclass(frozen=True)
class RerangeResult:
    """Fitted burnout state and the equivalent range (SI units; angles rad)."""

    burnout_speed_mps: float  # Earth-relative
    burnout_gamma_rad: float  # Earth-relative flight-path angle
    fitted_apogee_m: float
    fitted_range_m: float
    fitted_flight_time_s: float  # boost time + free flight of the fitted conic
    equivalent_range_m: float  # minimum-energy-like greatest range along the target azimuth, same speed
    equivalent_gamma_rad: float
    equivalent_flight_time_s: float
    equivalent_range_no_rotation_m: float  # the same speed on a non-rotating Earth (the textbook figure)


def _burnout_state(lat, lon, azimuth, altitude_m, speed, gamma, rotate=True):
    """Inertial state at burnout above (lat, lon) at the epoch (ECEF axes = ECI axes at t = 0)."""
    r = (R_EARTH_MEAN_M + altitude_m) * np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    up = r / np.linalg.norm(r)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    north = np.cross(up, east)
    horiz = np.sin(azimuth) * east + np.cos(azimuth) * north
    v_rel = speed * (np.cos(gamma) * horiz + np.sin(gamma) * up)
    return r, v_rel + (corotating_velocity(r) if rotate else 0.0)


def free_flight(r, v, launch_unit, rotate=True):
    """Apogee altitude (m), ground range (m) from the launch point and time of flight (s) of a conic down to the
    mean-radius sphere (the Kepler impact of :func:`goldendome.threats.flight.predict_impact`); the impact point
    turns with the Earth when rotate. NaN where the conic never comes down, all NaN where it is not bound."""
    energy = 0.5 * v @ v - MU_EARTH_M3_S2 / np.linalg.norm(r)
    if energy >= 0:
        return np.nan, np.nan, np.nan
    a = -MU_EARTH_M3_S2 / (2.0 * energy)
    h = np.cross(r, v)
    e = np.sqrt(max(1.0 - (h @ h) / (MU_EARTH_M3_S2 * a), 0.0))
    apogee = a * (1 + e) - R_EARTH_MEAN_M

    def earth_angle(t):
        return OMEGA_EARTH_RAD_S * t if rotate else np.zeros_like(t)

    impact, tof, _, valid = predict_impact(r[None], v[None], np.zeros(1), np.full(1, R_EARTH_MEAN_M), earth_angle)
    if not valid[0]:
        return apogee, np.nan, np.nan
    ground = R_EARTH_MEAN_M * np.arccos(np.clip(impact[0] @ launch_unit / R_EARTH_MEAN_M, -1.0, 1.0))
    return apogee, ground, float(tof[0])


def rerange(
    apogee_m: float,
    range_m: float,
    launch_lat_rad: float = np.radians(39.0),
    launch_lon_rad: float = np.radians(125.7),
    test_azimuth_rad: float = np.radians(90.0),
    target_azimuth_rad: float = np.radians(45.0),
    burnout_altitude_m: float = 300e3,
    boost_time_s: float = 300.0,
    powered_downrange_m: float = 0.0,
) -> RerangeResult:
    """Fit a lofted test's burnout state to its apogee and ground range, and re-range it (see the module doc)."""
    if apogee_m <= burnout_altitude_m:
        raise RerangeError(
            f"apogee {apogee_m / 1e3:,.0f} km is not above the assumed burnout altitude "
            f"{burnout_altitude_m / 1e3:,.0f} km"
        )
    if not 0 < range_m < np.pi * R_EARTH_MEAN_M:
        raise RerangeError(f"ground range {range_m / 1e3:,.0f} km must be between 0 and half the circumference")
    lat, lon = launch_lat_rad, launch_lon_rad
    unit = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    target_ground = range_m - powered_downrange_m

    def residual(x):
        r, v = _burnout_state(lat, lon, test_azimuth_rad, burnout_altitude_m, x[0], x[1])
        apo, ground, _ = free_flight(r, v, unit)
        if not np.isfinite(apo) or not np.isfinite(ground):
            return np.array([1e3, 1e3])
        return np.array([(apo - apogee_m) / 1e5, (ground - target_ground) / 1e5])

    # vertical-shot energy gives the starting speed; lofted tests fly steep (60-85 deg)
    v0 = np.sqrt(2 * MU_EARTH_M3_S2 * (1 / (R_EARTH_MEAN_M + burnout_altitude_m) - 1 / (R_EARTH_MEAN_M + apogee_m)))
    best = None
    for g0 in np.radians([85.0, 75.0, 65.0, 55.0]):
        sol = least_squares(residual, x0=[v0, g0], bounds=([100.0, 0.01], [11000.0, np.pi / 2 - 1e-4]), xtol=1e-12)
        if best is None or sol.cost < best.cost:
            best = sol
    if best.cost > 1e-8:
        raise RerangeError(
            f"no burnout state at {burnout_altitude_m / 1e3:.0f} km explains apogee "
            f"{apogee_m / 1e3:,.0f} km with range {range_m / 1e3:,.0f} km "
            f"(closest misses by {np.sqrt(2 * best.cost) * 100:.1f} km)"
        )
    speed, gamma = best.x
    r, v = _burnout_state(lat, lon, test_azimuth_rad, burnout_altitude_m, speed, gamma)
    apo, ground, tof = free_flight(r, v, unit)

    def range_for(g, rotate=True, azimuth=target_azimuth_rad):
        r1, v1 = _burnout_state(lat, lon, azimuth, burnout_altitude_m, speed, g, rotate)
        _, gr, t = free_flight(r1, v1, unit, rotate)
        return gr, t

    def best_range(rotate):
        res = minimize_scalar(
            lambda g: -np.nan_to_num(range_for(g, rotate)[0], nan=0.0),
            bounds=(np.radians(1.0), np.radians(60.0)),
            method="bounded",
            options={"xatol": 1e-7},
        )
        return res.x

    g_eq = best_range(True)
    eq_range, eq_tof = range_for(g_eq)
    g_nr = best_range(False)
    nr_range, _ = range_for(g_nr, rotate=False)
    return RerangeResult(
        burnout_speed_mps=float(speed),
        burnout_gamma_rad=float(gamma),
        fitted_apogee_m=float(apo),
        fitted_range_m=float(ground + powered_downrange_m),
        fitted_flight_time_s=float(boost_time_s + tof),
        equivalent_range_m=float(eq_range + powered_downrange_m),
        equivalent_gamma_rad=float(g_eq),
        equivalent_flight_time_s=float(boost_time_s + eq_tof),
        equivalent_range_no_rotation_m=float(nr_range + powered_downrange_m),
    )


@dataclass(frozen=True)
class FlownRerange:
    """A lofted test re-ranged with a flown missile (SI units, angles rad): the missile fitted to the test, its
    greatest range toward the target azimuth as flown on a full burn (the minimum-energy ascent of that missile),
    and the same-burnout-speed figure (:func:`rerange`) at the fitted flight's burnout altitude and boost time."""

    fit: object  # named.MissileFit
    reach: object  # ballistic.Reach of the fitted missile toward the target azimuth
    lower_bound: RerangeResult
    target_azimuth_rad: float


def rerange_flown(
    design, flight, epoch, target_azimuth_rad: float = np.radians(45.0), fit_burn_time: bool = True
) -> FlownRerange:
    """Fit a catalogue design to a published lofted test (named.fit_missile: payload to the apogee, burn times to
    the flight time) and fly the fitted missile on its greatest-range trajectory from the test's launch point
    toward target_azimuth_rad. Where the same burnout speed is a lower bound, this is the estimate: on a standard
    trajectory the missile also loses less speed to gravity than on the near-vertical lofted climb.

    Raises RerangeError, with the closest figures the design reaches, where no payload (or burn time) in the
    searched bands reproduces the test."""
    if not np.isfinite(flight.apogee_km):
        raise RerangeError(f"{flight.name}: the test has no published apogee to fit the missile to")
    fit = fit_missile(design, flight, epoch, fit_burn_time)
    got = fit.flown
    if not fit.payload_converged:
        raise RerangeError(
            f"{design.name} cannot fly {flight.name} (apogee {flight.apogee_km:,.0f} km at {flight.range_km:,.0f} "
            f"km) with a payload between {fit.payload_band_kg[0]:,.0f} and {fit.payload_band_kg[1]:,.0f} kg: the "
            f"closest, {fit.design.payload_kg:,.0f} kg, peaks at {got.apogee_m / 1e3:,.0f} km"
            + ("" if got.feasible else f" and lands {got.range_m / 1e3:,.0f} km out")
            + (f" (burn times x{fit.burn_scale:.2f})" if fit.burn_scale != 1.0 else "")
        )
    if fit.time_converged is False:
        raise RerangeError(
            f"{design.name} cannot take the {flight.flight_time_s:,.0f} s of {flight.name} with burn times between "
            f"x{BURN_SCALES[0]} and its slowest lift-off: the closest (x{fit.burn_scale:.2f}, payload "
            f"{fit.design.payload_kg:,.0f} kg) takes {got.flight_time_s:,.0f} s; fit the payload alone "
            f"(--payload-only) or try another design"
        )
    lat, lon = np.radians(flight.launch_lat_deg), np.radians(flight.launch_lon_deg)
    reach = maximum_range(fit.design, epoch, launch=(float(lat), float(lon), float(target_azimuth_rad)))
    bound = rerange(
        flight.apogee_km * 1e3,
        flight.range_km * 1e3,
        lat,
        lon,
        np.radians(flight.azimuth_deg),
        target_azimuth_rad,
        got.burnout_altitude_m,
        got.burnout_time_s,
    )
    return FlownRerange(fit, reach, bound, float(target_azimuth_rad))
