"""TLE and OMM reading, and the SGP4 bridge, against the element sets and results of the sgp4 package's own tests.

The element sets are copied from python-sgp4's test suite (sgp4/tests.py, Rhodes), which took them from CelesTrak:
an ISS TLE whose epoch day 366.82 of 2019 is 2020-01-01 19:42:47.134368 UTC (``test_december_32``), Vanguard 1 as
a three-line set, and MARIO (NORAD 55123) as TLE, OMM CSV and OMM XML, chosen there because every field is non-zero.
"""

import datetime as dt
import math

import numpy as np
import pytest
from sgp4.api import Satrec

from goldendome.physics.constants import DEG, SECONDS_PER_DAY
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import julian_date
from goldendome.physics.tle import (
    ElementSetError,
    parse_omm,
    parse_tle,
    read_element_file,
    sgp4_positions,
    tle_to_elements,
)

one_mm = 1e-3
one_km = 1e3
UTC = dt.UTC

ISS_1 = "1 25544U 98067A   19366.82137887  .00016717  00000-0  10270-3 0  9129"
ISS_2 = "2 25544  51.6392  96.6358 0005156  88.7140 271.4601 15.49497216  6061"
ISS_EPOCH = dt.datetime(2020, 1, 1, 19, 42, 47, 134368, tzinfo=UTC)  # sgp4 tests.py, test_december_32

VANGUARD_3LE = (
    "VANGUARD 1".ljust(24) + "\n"  # CelesTrak pads the name line to 24 characters
    "1 00005U 58002B   20287.20333880 -.00000016  00000-0 -22483-4 0  9998\n"
    "2 00005  34.2443 225.5254 1845686 162.2516 205.2356 10.84869164218149\n"
)

MARIO_TLE = """\
MARIO
1 55123U 98067UQ  23115.44827133  .00787702  29408-3  15680-2 0  9999
2 55123  51.6242 216.2930 0014649 331.8976  28.1241 15.99081912 18396
"""

MARIO_CSV = """\
OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,\
EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT
MARIO,1998-067UQ,2023-04-25T10:45:30.642912,15.99081912,.0014649,51.6242,216.2930,331.8976,28.1241,0,U,55123,999,\
1839,.1568E-2,.787702E-2,.29408E-3
"""

MARIO_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd">
<omm id="CCSDS_OMM_VERS" version="2.0">
<header><CREATION_DATE/><ORIGINATOR/></header><body><segment><metadata><OBJECT_NAME>MARIO</OBJECT_NAME>\
<OBJECT_ID>1998-067UQ</OBJECT_ID><CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME>\
<TIME_SYSTEM>UTC</TIME_SYSTEM><MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>\
<EPOCH>2023-04-25T10:45:30.642912</EPOCH><MEAN_MOTION>15.99081912</MEAN_MOTION><ECCENTRICITY>.0014649</ECCENTRICITY>\
<INCLINATION>51.6242</INCLINATION><RA_OF_ASC_NODE>216.2930</RA_OF_ASC_NODE>\
<ARG_OF_PERICENTER>331.8976</ARG_OF_PERICENTER><MEAN_ANOMALY>28.1241</MEAN_ANOMALY></meanElements><tleParameters>\
<EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE><NORAD_CAT_ID>55123</NORAD_CAT_ID>\
<ELEMENT_SET_NO>999</ELEMENT_SET_NO><REV_AT_EPOCH>1839</REV_AT_EPOCH><BSTAR>.1568E-2</BSTAR>\
<MEAN_MOTION_DOT>.787702E-2</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>.29408E-3</MEAN_MOTION_DDOT></tleParameters></data>\
</segment></body></omm>
</ndm>
"""

SATREC_ELEMENTS = (
    "jdsatepoch",
    "jdsatepochF",
    "no_kozai",
    "ecco",
    "inclo",
    "nodeo",
    "argpo",
    "mo",
    "bstar",
    "ndot",
    "nddot",
    "satnum",
)


def _same_satellite(a: Satrec, b: Satrec):
    for name in SATREC_ELEMENTS:
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-12, abs=1e-15), name


# ------------------------------------------------------------------------------------------------- parsing


def test_iss_tle_fields_and_epoch():
    sats, names = parse_tle(f"{ISS_1}\n{ISS_2}\n")
    assert names == ["SAT-25544"]
    el = tle_to_elements(sats, dt.datetime(2020, 1, 1, tzinfo=UTC))
    # the epoch day 366.82137887 of 2019: 19:42:47.134368 on 2020-01-01 (sgp4 test_december_32); the TLE gives
    # it to 1e-8 day, which sgp4 converts exactly, so 10 us covers the float representation
    assert el.t0_s[0] == pytest.approx(
        (ISS_EPOCH - dt.datetime(2020, 1, 1, tzinfo=UTC)).total_seconds(), rel=0.0, abs=1e-5
    )
    # columns of line 2: inclination, node, eccentricity (leading decimal point implied), perigee, mean anomaly
    np.testing.assert_allclose(
        np.array([el.i_rad[0], el.raan_rad[0], el.argp_rad[0], el.m0_rad[0]]) / DEG,
        [51.6392, 96.6358, 88.7140, 271.4601],
        rtol=1e-14,
        atol=0.0,
    )
    assert el.e[0] == 0.0005156


def test_iss_semi_major_axis_from_mean_motion():
    # Kepler's third law from the TLE's 15.49497216 rev/day with WGS-72 mu = 398600.8 km^3/s^2; SGP4's Brouwer
    # mean a differs from it by its O(J2) = 1e-3 un-Kozai correction (Hoots & Roehrich 1980)
    sats, _ = parse_tle(f"{ISS_1}\n{ISS_2}\n")
    n = 15.49497216 * 2 * math.pi / SECONDS_PER_DAY
    a_kepler = (398600.8e9 / n**2) ** (1 / 3)
    el = tle_to_elements(sats, ISS_EPOCH)
    assert el.a_m[0] == pytest.approx(a_kepler, rel=1e-3, abs=0.0)


def test_secular_rates_are_sgp4s_per_second():
    sats, _ = parse_tle(f"{ISS_1}\n{ISS_2}\n")
    el = tle_to_elements(sats, ISS_EPOCH)
    assert el.t0_s[0] == pytest.approx(0.0, abs=1e-5)
    assert el.m_dot[0] == pytest.approx(sats[0].mdot / 60.0, rel=1e-15, abs=0.0)
    assert el.raan_dot[0] == pytest.approx(sats[0].nodedot / 60.0, rel=1e-15, abs=0.0)
    assert el.argp_dot[0] == pytest.approx(sats[0].argpdot / 60.0, rel=1e-15, abs=0.0)


def test_three_line_sets_carry_names_with_and_without_zero_prefix():
    # Space-Track's 3LE prefixes the name with "0 "; CelesTrak pads it to 24 characters
    text = f"0 ISS (ZARYA)\n{ISS_1}\n{ISS_2}\n\n{VANGUARD_3LE}\n{MARIO_TLE}"
    sats, names = parse_tle(text)
    assert names == ["ISS (ZARYA)", "VANGUARD 1", "MARIO"]
    assert [s.satnum for s in sats] == [25544, 5, 55123]


def test_mixed_two_and_three_line_sets():
    sats, names = parse_tle(f"{ISS_1}\n{ISS_2}\n{VANGUARD_3LE}")
    assert names == ["SAT-25544", "VANGUARD 1"]
    assert len(sats) == 2


def test_omm_csv_gives_the_same_satellite_as_the_tle():
    # sgp4's test_omm_csv_matches_old_tle: the CelesTrak CSV and TLE of MARIO are one element set
    (tle_sat,), _ = parse_tle(MARIO_TLE)
    (omm_sat,), names = parse_omm(MARIO_CSV)
    assert names == ["MARIO"]
    _same_satellite(omm_sat, tle_sat)


def test_omm_xml_gives_the_same_satellite_as_the_tle():
    # sgp4's test_omm_xml_matches_old_tle (CCSDS 502.0-B-2 OMM in XML, as CelesTrak serves it)
    (tle_sat,), _ = parse_tle(MARIO_TLE)
    (omm_sat,), names = parse_omm(MARIO_XML)
    assert names == ["MARIO"]
    _same_satellite(omm_sat, tle_sat)


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("iss.tle", f"{ISS_1}\n{ISS_2}\n"),
        ("mario.txt", MARIO_TLE),
        ("mario.csv", MARIO_CSV),
        ("mario.xml", MARIO_XML),
        ("celestrak_gp.txt", MARIO_CSV),
    ],
)
def test_read_element_file_picks_format_by_suffix_or_content(tmp_path, filename, text):
    path = tmp_path / filename
    path.write_text(text)
    sats, names = read_element_file(path)
    assert len(sats) == 1
    assert names[0] in ("SAT-25544", "MARIO")


# ------------------------------------------------------------------------------------------------ errors


def test_missing_second_line_names_the_line():
    with pytest.raises(ElementSetError, match="TLE line 1"):
        parse_tle(f"{ISS_1}\n")


def test_dangling_first_line_after_a_good_set_names_its_line():
    with pytest.raises(ElementSetError, match="TLE line 4"):
        parse_tle(f"ISS\n{ISS_1}\n{ISS_2}\n{ISS_1}\n")


def test_garbled_field_is_rejected_with_the_sets_line():
    with pytest.raises(ElementSetError, match="TLE line 2: sgp4 rejected"):
        parse_tle(f"NAME\n{ISS_1}\n{ISS_2.replace('51.6392', '51.6x92')}\n")


def test_element_set_error_is_a_value_error():
    assert issubclass(ElementSetError, ValueError)


def test_omm_record_missing_a_field_names_the_record():
    header, row = MARIO_CSV.splitlines()
    text = header.replace("MEAN_MOTION,", "", 1) + "\n" + row.replace(",15.99081912", "", 1) + "\n"
    with pytest.raises(ElementSetError, match="OMM record 1"):
        parse_omm(text)


def test_broken_xml_is_an_element_set_error():
    with pytest.raises(ElementSetError, match="OMM could not be parsed"):
        parse_omm(MARIO_XML[:300])


# ------------------------------------------------------------------------------------------------ propagation


def test_sgp4_positions_match_satrec_sgp4_called_directly():
    # the batch bridge (SatrecArray, times split into whole days and fractions across midnight) against
    # Satrec.sgp4(jd, fr) one time at a time; both run the same C++ SGP4, so only the time split's rounding
    # (~1e-10 min, 5e-5 m at 7.7 km/s) differs
    sats, _ = parse_tle(f"{ISS_1}\n{ISS_2}\n{VANGUARD_3LE}")
    epoch = dt.datetime(2020, 1, 1, tzinfo=UTC)
    jd, fr = julian_date(epoch)
    t = np.arange(0.0, 3 * SECONDS_PER_DAY, 3700.0)
    r, err = sgp4_positions(sats, epoch, t)
    assert r.shape == (t.size, 2, 3)
    assert not np.any(err)
    for j, sat in enumerate(sats):
        ref = np.array([sat.sgp4(jd, fr + tt / SECONDS_PER_DAY)[1] for tt in t]) * 1e3
        np.testing.assert_allclose(r[:, j, :], ref, rtol=0.0, atol=one_mm)


def test_decayed_satellite_gives_nan_and_error_code_not_an_exception():
    # MARIO's drag (ndot = 0.0079 rev/day^2) brings it down within weeks; sgp4 then returns error codes
    # (1: mean elements out of range, 6: decayed), which the batch turns into NaN positions
    sats, _ = parse_tle(MARIO_TLE)
    t = np.arange(0.0, 60 * SECONDS_PER_DAY, SECONDS_PER_DAY)
    r, err = sgp4_positions(sats, dt.datetime(2023, 4, 25, tzinfo=UTC), t)
    assert err[0, 0] == 0
    assert np.all(np.isfinite(r[err == 0]))
    assert np.any(err != 0)
    assert np.all(np.isnan(r[err != 0]))


def test_iss_j2_propagator_stays_within_sgp4_periodic_terms_over_an_orbit():
    # From its TLE epoch over one 93-minute orbit drag adds < 0.1 km; the rest of the difference is SGP4's periodic
    # terms, whose amplitudes at 51.6 deg and ~420 km sum to ~20 km (derived in test_kepler, dominated by J3's
    # frozen eccentricity)
    sats, _ = parse_tle(f"{ISS_1}\n{ISS_2}\n")
    epoch = dt.datetime(2020, 1, 1, tzinfo=UTC)
    el = tle_to_elements(sats, epoch)
    t = el.t0_s[0] + np.arange(0.0, 93 * 60.0, 60.0)
    r_sgp4, _ = sgp4_positions(sats, epoch, t)
    diff = np.linalg.norm(r_sgp4 - propagate(el, t), axis=-1)
    assert diff.max() < 20 * one_km
