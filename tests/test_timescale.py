"""Julian dates and Greenwich Mean Sidereal Time against Vallado's worked examples, Meeus, and sgp4's gstime."""

import datetime as dt
import math

import numpy as np
import pytest
from sgp4.propagation import gstime

from goldendome.physics.constants import DEG, OMEGA_EARTH_RAD_S, SECONDS_PER_DAY
from goldendome.physics.timescale import J2000_JD, gmst_at, gmst_rad, julian_date, parse_epoch

UTC = dt.UTC

ONE_ULP_OF_A_ONE_PART_JD_RAD = 2.0**-52 * 2.46e6 * 2.0 * math.pi * 1.0027379
"""gstime takes the Julian date as one float: near 2.46e6 days its last bit is 5.5e-10 day, 3.4e-9 rad of Earth
rotation. Our two-part date does not lose that bit, so the two differ by up to a few of these."""


def _jd(epoch):
    jd, frac = julian_date(epoch)
    return jd + frac


def test_julian_date_of_j2000_epoch_is_2451545():
    # J2000.0 = 2000 January 1, 12:00 = JD 2451545.0 (IAU 1976; Vallado 4th ed. sec. 3.5)
    assert _jd(dt.datetime(2000, 1, 1, 12, 0, tzinfo=UTC)) == 2451545.0
    assert J2000_JD == 2451545.0


def test_julian_date_matches_vallado_example_3_4():
    # Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., Example 3-4:
    # 1996 October 26, 14:20:00 UT -> JD 2450383.09722222 (printed to 8 decimals)
    printed_to_8_decimals = 0.5e-8
    assert _jd(dt.datetime(1996, 10, 26, 14, 20, tzinfo=UTC)) == pytest.approx(
        2450383.09722222, rel=0.0, abs=printed_to_8_decimals
    )


def test_julian_date_matches_meeus_example_7a_sputnik_launch():
    # Meeus, Astronomical Algorithms, 2nd ed., Example 7.a: 1957 October 4.81 -> JD 2436116.31
    # (0.81 day = 19:26:24)
    assert _jd(dt.datetime(1957, 10, 4, 19, 26, 24, tzinfo=UTC)) == pytest.approx(2436116.31, rel=0.0, abs=1e-9)


def test_julian_date_splits_into_midnight_day_and_fraction():
    # the whole part is the preceding midnight (JD ends in .5), the fraction is the time of day
    jd, frac = julian_date(dt.datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    assert jd % 1.0 == 0.5
    assert frac == 0.25


def test_julian_date_takes_naive_as_utc_and_converts_offsets():
    aware = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))  # = 00:00 UTC
    assert julian_date(aware) == julian_date(dt.datetime(2026, 1, 1, 0, 0))
    assert julian_date(aware) == julian_date(dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC))


def test_gmst_matches_vallado_example_3_5():
    # Vallado 4th ed., Example 3-5: 1992 August 20, 12:14 UT1 -> GMST = 152.578787810 deg.
    # Vallado carries T_UT1 to 9 digits; 1e-6 deg of sidereal angle is 0.24 ms of time.
    gmst = gmst_rad(*julian_date(dt.datetime(1992, 8, 20, 12, 14, tzinfo=UTC)))
    assert gmst / DEG == pytest.approx(152.578787810, rel=0.0, abs=1e-6)


@pytest.mark.parametrize(
    "epoch",
    [
        dt.datetime(1970, 1, 1, 0, 0, tzinfo=UTC),
        dt.datetime(1992, 8, 20, 12, 14, tzinfo=UTC),
        dt.datetime(2000, 1, 1, 12, 0, tzinfo=UTC),
        dt.datetime(2019, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
        dt.datetime(2026, 7, 4, 18, 30, 15, tzinfo=UTC),
        dt.datetime(2049, 2, 28, 6, 0, tzinfo=UTC),
    ],
)
def test_gmst_matches_sgp4_gstime(epoch):
    # sgp4.propagation.gstime is the IAU-1982 GMST that SGP4 itself uses to leave TEME (Vallado et al. 2006)
    reference = gstime(_jd(epoch))
    ours = float(gmst_at(epoch, 0.0))
    diff = math.remainder(ours - reference, 2.0 * math.pi)
    assert abs(diff) < 4 * ONE_ULP_OF_A_ONE_PART_JD_RAD


def test_gmst_is_in_zero_to_two_pi():
    t = np.linspace(0.0, 10 * SECONDS_PER_DAY, 10_001)
    theta = gmst_at(dt.datetime(2026, 1, 1, tzinfo=UTC), t)
    assert np.all(theta >= 0.0)
    assert np.all(theta < 2.0 * np.pi)


def test_gmst_advances_one_sidereal_excess_per_solar_day():
    # In one solar day the Earth turns 1.002737909350795 revolutions (Vallado 4th ed. eq. 3-40), so GMST gains
    # 0.002737909 rev = 0.98564735 deg; the T^2 term changes this by < 1e-9 deg/day.
    epoch = dt.datetime(2026, 1, 1, tzinfo=UTC)
    gain = np.mod(gmst_at(epoch, SECONDS_PER_DAY) - gmst_at(epoch, 0.0), 2.0 * np.pi)
    assert gain / DEG == pytest.approx(0.002737909350795 * 360.0, rel=0.0, abs=1e-7)


def test_gmst_rate_matches_wgs84_earth_rotation_rate():
    # WGS-84's omega = 7.292115e-5 rad/s (NIMA TR8350.2 Table 3.1) is the same rotation, printed to 7 digits
    epoch = dt.datetime(2026, 1, 1, tzinfo=UTC)
    dt_s = 3600.0
    rate = (gmst_at(epoch, dt_s) - gmst_at(epoch, 0.0)) / dt_s
    assert rate == pytest.approx(OMEGA_EARTH_RAD_S, rel=2e-7, abs=0.0)


def test_gmst_at_equals_gmst_rad_of_shifted_date():
    epoch = dt.datetime(2026, 1, 1, tzinfo=UTC)
    later = epoch + dt.timedelta(hours=7, minutes=3, seconds=2)
    assert float(gmst_at(epoch, 7 * 3600 + 3 * 60 + 2)) == pytest.approx(
        float(gmst_rad(*julian_date(later))), rel=0.0, abs=1e-12
    )


def test_parse_epoch_reads_iso_z_and_offsets_as_utc():
    expected = dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert parse_epoch("2026-01-01T00:00:00Z") == expected
    assert parse_epoch("2026-01-01T01:00:00+01:00") == expected
    assert parse_epoch(dt.datetime(2026, 1, 1)) == expected
    assert parse_epoch("2026-01-01T00:00:00Z").tzinfo == UTC
