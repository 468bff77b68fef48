"""Time: the scenario epoch (UTC) and the sidereal angle that turns the Earth under the inertial frame.

Inside goldendome time is float seconds from the scenario epoch. The epoch is a timezone-aware UTC
``datetime``; it is turned once into a two-part Julian date (whole day + fraction) so that adding seconds keeps
sub-millisecond precision.

The Earth's rotation angle is Greenwich Mean Sidereal Time in the IAU-1982 form (Aoki et al. 1982; Vallado,
*Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 3-47), the same expression SGP4 uses to go from its
TEME frame to the Earth-fixed frame. We take UT1 = UTC: |UT1 - UTC| < 0.9 s by definition of UTC, i.e. under
0.4 km of Earth-surface motion at the equator, far below the resolution of this tool.
"""

import datetime as dt
from functools import lru_cache

import numpy as np

from goldendome.physics.constants import SECONDS_PER_DAY, TWO_PI

J2000_JD = 2451545.0
"""Julian date of the J2000.0 epoch (2000-01-01 12:00 TT, used here on the UT1 scale as in IAU-1982 GMST)."""


def julian_date(epoch: dt.datetime) -> tuple[float, float]:
    """Two-part Julian date (jd, fraction) of a UTC datetime; naive datetimes are taken as UTC.

    Fliegel & Van Flandern (1968) integer algorithm for the day number; the fraction carries the time of day.
    """
    if epoch.tzinfo is not None:
        epoch = epoch.astimezone(dt.UTC).replace(tzinfo=None)
    y, m, d = epoch.year, epoch.month, epoch.day
    a = (14 - m) // 12
    yy = y + 4800 - a
    mm = m + 12 * a - 3
    jdn = d + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - yy // 100 + yy // 400 - 32045  # noon-based day number
    seconds = epoch.hour * 3600 + epoch.minute * 60 + epoch.second + epoch.microsecond * 1e-6
    return float(jdn) - 0.5, seconds / SECONDS_PER_DAY


def gmst_rad(jd, fraction=0.0):
    """Greenwich Mean Sidereal Time, rad in [0, 2 pi), IAU-1982 (Vallado eq. 3-47), for a UT1 Julian date.

    jd, fraction : array_like, the two parts of the Julian date (their sum is the date); any broadcastable shapes.
    """
    if np.ndim(jd) == 0 and np.ndim(fraction) == 0:  # one date: the same arithmetic on floats, without arrays
        t = ((float(jd) - J2000_JD) + float(fraction)) / 36525.0
        seconds = 67310.54841 + (876600.0 * 3600.0 + 8640184.812866) * t + 0.093104 * t * t - 6.2e-6 * t * t * t
        return np.float64((seconds % SECONDS_PER_DAY / SECONDS_PER_DAY * TWO_PI) % TWO_PI)  # % is np.mod on floats
    jd = np.asarray(jd, dtype=float)
    fraction = np.asarray(fraction, dtype=float)
    t = ((jd - J2000_JD) + fraction) / 36525.0
    seconds = 67310.54841 + (876600.0 * 3600.0 + 8640184.812866) * t + 0.093104 * t * t - 6.2e-6 * t * t * t
    # 1 s of sidereal time is 2 pi / 86400 rad; reduce in seconds first to keep precision
    return np.mod(np.mod(seconds, SECONDS_PER_DAY) / SECONDS_PER_DAY * TWO_PI, TWO_PI)


def gmst_at(epoch: dt.datetime, t_s):
    """GMST, rad, at t_s seconds (array_like) after a UTC epoch."""
    jd, frac = _julian_date_cached(epoch)
    if np.ndim(t_s) == 0:
        return gmst_rad(jd, frac + float(t_s) / SECONDS_PER_DAY)
    return gmst_rad(jd, frac + np.asarray(t_s, dtype=float) / SECONDS_PER_DAY)


@lru_cache(maxsize=32)
def _julian_date_cached(epoch: dt.datetime):
    return julian_date(epoch)


def parse_epoch(value) -> dt.datetime:
    """A timezone-aware UTC datetime from a datetime or an ISO-8601 string ('2026-01-01T00:00:00Z')."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
