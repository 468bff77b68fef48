"""Named missiles against what public sources say they do.

A named missile of the catalogue (Minuteman III, Trident II D5, Hwasong-15, ...) carries its published figures
(:class:`~goldendome.threats.missile.Published`): the band of its maximum range, its boost duration and its flight
tests. This module flies the model against them, the way an analyst checks a missile model before trusting it:

- :func:`fly_published` flies one published test: from the test's launch point, along its azimuth, to its ground
  range, on its trajectory shape (a full-burn 'lofted' flight for the North Korean tests, whose missiles burned to
  depletion and fell into the Sea of Japan), and returns the apogee, flight time and burnout the model gives;
- :func:`compare` sets every figure beside its published value or band, as the rows ``threat show`` prints and the
  tests assert.

The range a model reaches is flown, not looked up (ballistic.maximum_range); a published band's ends are the
lowest and highest figure public sources give, and the comparison says where the model lands in it.
"""

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq

from goldendome.physics.constants import G0_M_S2, R_EARTH_MEAN_M
from goldendome.physics.greatcircle import destination, initial_azimuth
from goldendome.threats.ballistic import REACH_LAUNCH, BallisticLaunch, fly_ballistic, maximum_range
from goldendome.threats.missile import MissileDesign, PublishedFlight

RANGE_TOLERANCE_M = 5e3
"""A flown test lands on the published range if within this (or 0.5 % of the range, the larger)."""


@dataclass(frozen=True)
class FlownTest:
    """A published test as the model flies it (SI units): feasible is False where the model cannot reach the
    test's range on the test's shape."""

    flight: PublishedFlight
    feasible: bool
    range_m: float
    apogee_m: float
    flight_time_s: float
    burnout_time_s: float
    burnout_altitude_m: float
    burnout_speed_mps: float


def fly_published(design: MissileDesign, flight: PublishedFlight, epoch: dt.datetime) -> FlownTest:
    """Fly a published test with a design: from the test's launch point along its azimuth to its ground range, on
    its shape. The apogee is the greatest height above the mean-radius sphere of the flown (not Kepler) path."""
    lat, lon = np.radians(flight.launch_lat_deg), np.radians(flight.launch_lon_deg)
    aim_lat, aim_lon = destination(lat, lon, np.radians(flight.azimuth_deg), flight.range_km * 1e3 / R_EARTH_MEAN_M)
    launch = BallisticLaunch(
        flight.name, design, float(lat), float(lon), float(aim_lat), float(aim_lon), shape=flight.shape
    )
    traj, s = fly_ballistic([launch], epoch, sample_dt_s=1.0)
    apogee = float(np.max(np.linalg.norm(traj.r_eci_m, axis=-1)) - R_EARTH_MEAN_M)
    # the targeting's own test (64 m) is tighter than steep lofted shots always settle to; a published range is
    # given to about a kilometre, so the flight counts as the test where it lands within RANGE_TOLERANCE of it
    landed = abs(s.ground_range_m[0] - flight.range_km * 1e3) <= max(RANGE_TOLERANCE_M, 5e-3 * flight.range_km * 1e3)
    return FlownTest(
        flight,
        bool(landed),
        float(s.ground_range_m[0]),
        apogee,
        float(s.flight_time_s[0]),
        float(s.burnout_time_s[0]),
        float(s.burnout_altitude_m[0]),
        float(s.burnout_speed_mps[0]),
    )


@dataclass(frozen=True)
class Comparison:
    """One figure of a model beside its published value or band (low == high for a single figure): where the
    model lands relative to the band, as a fraction (0 inside it, -0.05 five per cent under its low end)."""

    what: str
    unit: str
    model: float
    low: float
    high: float

    @property
    def off_band(self) -> float:
        if self.model < self.low:
            return self.model / self.low - 1.0
        if self.model > self.high:
            return self.model / self.high - 1.0
        return 0.0


def flight_comparisons(flown: FlownTest) -> list[Comparison]:
    """A flown test's figures beside the published ones it has (range, apogee, flight time)."""
    f = flown.flight
    rows = [Comparison(f"{f.name}: range", "km", flown.range_m / 1e3, f.range_km, f.range_km)]
    if np.isfinite(f.apogee_km):
        rows.append(Comparison(f"{f.name}: apogee", "km", flown.apogee_m / 1e3, f.apogee_km, f.apogee_km))
    if np.isfinite(f.flight_time_s):
        rows.append(
            Comparison(
                f"{f.name}: flight time",
                "min",
                flown.flight_time_s / 60.0,
                f.flight_time_s / 60.0,
                f.flight_time_s / 60.0,
            )
        )
    return rows


def published_reach(design: MissileDesign, epoch: dt.datetime):
    """The design's greatest range flown where its published range is measured (Published.range_from: from a
    launch point toward a place), else the generic maximum range (ballistic.REACH_LAUNCH). A ballistic.Reach."""
    frm = None if design.published is None else design.published.range_from
    if frm is None:
        return maximum_range(design, epoch, launch=REACH_LAUNCH)
    lat, lon, to_lat, to_lon = np.radians(frm)
    return maximum_range(
        design, epoch, launch=(float(lat), float(lon), float(initial_azimuth(lat, lon, to_lat, to_lon)))
    )


def reach_comparisons(design: MissileDesign, range_m: float) -> list[Comparison]:
    """A named design's maximum range (flown with its catalogue payload: published_reach) and boost duration beside
    the published bands; empty for a design with no published figures."""
    p = design.published
    if p is None:
        return []
    where = (
        ""
        if p.range_from is None
        else (
            f", from {p.range_from[0]:.1f}, {p.range_from[1]:.1f} toward {p.range_from[2]:.1f}, {p.range_from[3]:.1f}"
        )
    )
    rows = [Comparison(f"maximum range ({design.payload_kg:,.0f} kg payload{where})", "km", range_m / 1e3, *p.range_km)]
    if p.burn_time_s is not None:
        rows.append(Comparison("burn time", "s", design.burn_time_s, *p.burn_time_s))
    return rows


@dataclass(frozen=True)
class PayloadFit:
    """A design's payload fitted so that it flies a published test's apogee on the test's shape (a full burn):
    the fitted design and its flight. converged is False where no payload in the searched band reaches the apogee,
    with the closest flight given."""

    design: MissileDesign
    flown: FlownTest
    converged: bool
    payload_band_kg: tuple[float, float]


FIT_PAYLOAD_FRACTIONS = (0.05, 5.0)
"""The payload is searched between these multiples of the design's own (a 1 t payload: 50 kg to 5 t)."""
FIT_APOGEE_TOLERANCE = 5e-3
"""A fit converges within 0.5 % of the published apogee: steep lofted shots settle on their range to ~0.1 %, which
moves the apogee by as much (the published apogees are given to 0.1 km but the tests' payloads are unknown)."""


def fit_payload(design: MissileDesign, flight: PublishedFlight, epoch: dt.datetime) -> PayloadFit:
    """The payload with which a design flies a published test's apogee (the test's range, on its shape): a
    heavier payload burns out slower and peaks lower, so the apogee falls monotonically with payload and a
    bracketing root search (scipy's brentq on the apogee error) finds it; converged when the fitted flight lands on
    the test's range and peaks within FIT_APOGEE_TOLERANCE of its apogee. The design's pitch programme is refitted
    for each payload (flight.pitch_exponent), as a missile's guidance is tuned for what it carries."""
    if not np.isfinite(flight.apogee_km):
        raise ValueError(f"{flight.name}: the test has no published apogee to fit a payload to")
    # no heavier than lifts off (stage 1's thrust 5 % over the launch weight)
    band = (
        design.payload_kg * FIT_PAYLOAD_FRACTIONS[0],
        min(design.payload_kg * FIT_PAYLOAD_FRACTIONS[1], design.heaviest_payload_kg(1.05)),
    )
    if band[1] <= band[0]:
        raise ValueError(
            f"{design.name}: stage 1 lifts at most {max(design.heaviest_payload_kg(), 0.0):,.0f} kg of "
            f"payload, less than the {band[0]:,.0f} kg the fit starts from"
        )
    flights: dict[float, FlownTest] = {}

    def error_km(payload_kg: float) -> float:
        # where the test's range cannot be flown the flight is still flown as near to it as the shape allows:
        # too light overshoots on the steepest programme (a higher apogee), too heavy falls short (a lower one)
        flown = flights[payload_kg] = fly_published(replace(design, payload_kg=payload_kg), flight, epoch)
        return flown.apogee_m / 1e3 - flight.apogee_km

    lo, hi = error_km(band[0]), error_km(band[1])
    if lo > 0.0 > hi:
        payload = brentq(error_km, *band, xtol=0.05, rtol=1e-7, maxiter=60)
        flown = fly_published(replace(design, payload_kg=payload), flight, epoch)
        close = abs(flown.apogee_m / 1e3 / flight.apogee_km - 1.0) <= FIT_APOGEE_TOLERANCE
        return PayloadFit(replace(design, payload_kg=payload), flown, close and flown.feasible, band)
    closest = band[0] if abs(lo) < abs(hi) else band[1]
    return PayloadFit(replace(design, payload_kg=closest), flights[closest], False, band)


def fly_tests(design: MissileDesign, epoch: dt.datetime) -> tuple[PayloadFit | None, list[FlownTest]]:
    """Fly a named design's published tests. Where the tests publish an apogee (lofted tests, whose payload is not
    published), the first such test fixes the payload (fit_payload) and every test is flown with that payload, so
    the later tests are an independent check of the model; otherwise the tests are flown with the catalogue's
    payload."""
    flights = () if design.published is None else design.published.flights
    reference = next((f for f in flights if np.isfinite(f.apogee_km)), None)
    fit = None if reference is None else fit_payload(design, reference, epoch)
    flown_design = design if fit is None else replace(design, payload_kg=fit.design.payload_kg)
    return fit, [
        fit.flown if fit is not None and f is reference else fly_published(flown_design, f, epoch) for f in flights
    ]


BURN_SCALES = (0.5, 1.5)
"""A fitted missile's burn times are searched between these multiples of the design's: the same propellant burnt
faster or slower (thrust scaled inversely), as unknown as the payload for a missile whose stages are not public."""
LIFTOFF_THRUST_TO_WEIGHT = 1.2
"""The least lift-off thrust-to-weight a burn-time fit may slow a missile to (ballistic missiles lift off at
~1.3-2.5; below ~1.2 the gravity loss of the first seconds dominates)."""
FIT_TIME_TOLERANCE = 5e-3
"""A burn-time fit converges within 0.5 % of the published flight time (given to the second or the minute)."""


def burn_scaled(design: MissileDesign, scale: float) -> MissileDesign:
    """The design with every stage's burn time multiplied by scale (same propellant and Isp: thrust / scale)."""
    return replace(design, stages=tuple(replace(s, burn_time_s=s.burn_time_s * scale) for s in design.stages))


@dataclass(frozen=True)
class MissileFit:
    """A missile fitted to a published lofted test: the catalogue design with its payload refitted to the test's
    apogee (fit_payload) and, where the test's flight time is published, its burn times scaled so that the fitted
    flight also takes the published time. time_converged is None where no flight time was fitted."""

    design: MissileDesign
    flown: FlownTest
    burn_scale: float
    payload_converged: bool
    time_converged: bool | None
    payload_band_kg: tuple[float, float]

    @property
    def converged(self) -> bool:
        return self.payload_converged and self.time_converged is not False


def fit_missile(
    design: MissileDesign, flight: PublishedFlight, epoch: dt.datetime, fit_burn_time: bool = True
) -> MissileFit:
    """Fit a design to a published lofted test: payload to the apogee (fit_payload, at the test's range) and, with
    fit_burn_time and a published flight time, the burn-time scale to the flight time.

    Why the burn time: on a lofted test the missile climbs almost vertically and loses about g per second of
    burn to gravity, so the payload that reproduces the apogee depends on how long the burn lasts; the flight time
    tells the burn apart (a longer burn ends higher and later: ~2 s of flight per 1 % of burn on the Hwasong
    tests). A longer burn takes longer, so the flight time grows with the scale and a bracketing root search
    (brentq, on the flight time error of the payload-fitted missile) finds it within BURN_SCALES."""
    if not (fit_burn_time and np.isfinite(flight.flight_time_s)):
        fit = fit_payload(design, flight, epoch)
        return MissileFit(fit.design, fit.flown, 1.0, fit.converged, None, fit.payload_band_kg)
    fits: dict[float, PayloadFit] = {}

    def error_s(scale: float) -> float:
        fit = fits[scale] = fit_payload(burn_scaled(design, scale), flight, epoch)
        return fit.flown.flight_time_s - flight.flight_time_s

    # a slower burn must still lift off: stage 1's thrust at least LIFTOFF_THRUST_TO_WEIGHT times the launch weight
    slowest = min(
        BURN_SCALES[1], design.stages[0].thrust_n / (LIFTOFF_THRUST_TO_WEIGHT * design.launch_mass_kg * G0_M_S2)
    )
    here = error_s(1.0)
    lo, hi = (BURN_SCALES[0], 1.0) if here > 0.0 else (1.0, max(slowest, 1.0))
    other = error_s(lo if here > 0.0 else hi)
    if here == 0.0 or (other > 0.0) != (here > 0.0):
        scale = 1.0 if here == 0.0 else brentq(error_s, lo, hi, xtol=2e-3, rtol=1e-6, maxiter=40)
        fit = fits.get(scale) or fit_payload(burn_scaled(design, scale), flight, epoch)
    else:  # the flight time is out of reach of the burn-time band: the closest end
        scale = lo if here > 0.0 else hi
        fit = fits[scale]
    timed = abs(fit.flown.flight_time_s / flight.flight_time_s - 1.0) <= FIT_TIME_TOLERANCE
    return MissileFit(fit.design, fit.flown, float(scale), fit.converged, timed, fit.payload_band_kg)
