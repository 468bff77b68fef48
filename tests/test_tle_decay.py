"""A satellite that drag brings down is marked decayed when SGP4 itself says so (issue 19, finding 10).

goldendome flies TLE satellites on their SGP4 mean elements with its own J2 propagator, which has no drag: a TLE with
an 88 km perigee would orbit at ~100 km for ever. The reference is python-sgp4 (Vallado et al. 2006, AIAA 2006-6753)
on the same element sets, stepped every second: the first time it returns an error code is the decay. The element
sets are made up for the test (checksums valid): a circular orbit at 16.7 rev/day (88 km perigee in SGP4's mean
elements) with a drag term B* = 1e-4 /earth radii, which SGP4 brings below the Earth's radius (error 6) ~3 h after
its epoch; an eccentric one (perigee 115 km, e = 0.016, B* = 1e-3) whose mean eccentricity SGP4 drives out of range
(error 1) after ~8 h.
"""

import datetime as dt
import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from sgp4.api import Satrec

from goldendome.effectors.sbi import earliest_intercept, sbi_design
from goldendome.engine.trial import run_trial
from goldendome.io.globe import globe_czml, satellite_samples
from goldendome.io.results import write_run
from goldendome.physics.constants import SECONDS_PER_DAY
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import julian_date
from goldendome.physics.tle import DECAY_SCAN_STEP_S, DECAY_TOLERANCE_S, decay_times_s, parse_tle, tle_to_elements
from goldendome.scenario.loader import parse_scenario
from goldendome.sensors.presets import PRESETS
from goldendome.sensors.space_ir import visible_count

EPOCH = dt.datetime(2026, 7, 4, 12, tzinfo=dt.UTC)  # the element sets' epoch, 26185.5
DECAYING = """DECAYING
1 99999U 26001A   26185.50000000  .00000000  00000-0  10000-3 0  9995
2 99999  51.6000 100.0000 0000100  90.0000 270.0000 16.70000000    14
"""
ECCENTRIC = """ECCENTRIC
1 99998U 26001A   26185.50000000  .00000000  00000-0  10000-2 0  9993
2 99998  51.6000 100.0000 0160000  90.0000 270.0000 16.20000000    15
"""
# a 500 km orbit with the same small drag term: SGP4 keeps it up for days
STAYS_UP = """STAYS-UP
1 99997U 26001A   26185.50000000  .00000000  00000-0  10000-3 0  9996
2 99997  51.6000 100.0000 0001000  90.0000 270.0000 15.20000000    17
"""


def _sgp4_first_error(sat: Satrec, epoch: dt.datetime, t_end_s: float) -> tuple[float, int]:
    """python-sgp4 stepped every second from epoch: (first time with an error code, s; the code), (inf, 0) if none."""
    jd, fr = julian_date(epoch)
    for t in np.arange(0.0, t_end_s + 1.0, 1.0):
        err = sat.sgp4(jd, fr + t / SECONDS_PER_DAY)[0]
        if err:
            return float(t), int(err)
    return np.inf, 0


@pytest.mark.parametrize(("tle", "code"), [(DECAYING, 6), (ECCENTRIC, 1)])
def test_decay_time_is_sgp4s_first_error_within_a_second(tle, code):
    sats, _ = parse_tle(tle)
    t_ref, err = _sgp4_first_error(parse_tle(tle)[0][0], EPOCH, SECONDS_PER_DAY)
    assert err == code  # the case is the one the test means: 6 decayed below the radius, 1 mean elements
    decay = decay_times_s(sats, EPOCH, SECONDS_PER_DAY)
    # the brief asked for one sample step; the bisection gets within its tolerance of the 1 s reference grid
    assert DECAY_TOLERANCE_S < DECAY_SCAN_STEP_S
    assert decay[0] == pytest.approx(t_ref, abs=DECAY_TOLERANCE_S)


def test_satellite_that_sgp4_keeps_up_never_decays():
    sats, _ = parse_tle(STAYS_UP)
    assert _sgp4_first_error(sats[0], EPOCH, SECONDS_PER_DAY)[0] == np.inf
    assert decay_times_s(sats, EPOCH, SECONDS_PER_DAY)[0] == np.inf
    assert np.all(tle_to_elements(sats, EPOCH, until_s=SECONDS_PER_DAY).lifetime_s == np.inf)


def test_satellite_down_before_the_run_decays_at_a_negative_time():
    # the same element set read one day after its epoch: SGP4 lost it ~3 h after the epoch, 21 h before the run
    sats, _ = parse_tle(DECAYING)
    t_ref, _ = _sgp4_first_error(parse_tle(DECAYING)[0][0], EPOCH, SECONDS_PER_DAY)
    later = EPOCH + dt.timedelta(days=1)
    decay = decay_times_s(sats, later, 3600.0)
    assert decay[0] == pytest.approx(t_ref - SECONDS_PER_DAY, abs=DECAY_TOLERANCE_S)
    assert np.all(np.isnan(propagate(tle_to_elements(sats, later, until_s=3600.0), [0.0, 1800.0])))


def test_elements_without_a_run_end_keep_every_orbit_up():
    # tle_to_elements(sats, epoch) is the drag-free bridge the propagator tests compare with SGP4
    el = tle_to_elements(parse_tle(DECAYING)[0], EPOCH)
    assert np.all(np.isfinite(propagate(el, [0.0, SECONDS_PER_DAY])))


def test_decayed_satellite_has_no_position_sees_nothing_from_then_on():
    sats, _ = parse_tle(DECAYING + STAYS_UP)
    el = tle_to_elements(sats, EPOCH, until_s=SECONDS_PER_DAY)
    t_decay = el.decay_time_s[0]
    r = propagate(el, [t_decay - 60.0, t_decay + 60.0])
    assert np.all(np.isfinite(r[0])) and np.all(np.isnan(r[1, 0])) and np.all(np.isfinite(r[1, 1]))
    # a hot plume 50 km below the satellite, in its field of regard until the satellite is gone
    sensor = PRESETS["sda-t1-tracking"].sensor
    below = r[0, 0] * (1.0 - 50e3 / np.linalg.norm(r[0, 0]))
    assert visible_count(r[0, :1], below[None], True, sensor)[0] == 1
    assert visible_count(r[1, :1], below[None], True, sensor)[0] == 0
    # selecting satellites keeps each one's lifetime
    assert el.take([1, 0]).decay_time_s[1] == t_decay


def test_decayed_interceptor_reaches_nothing_after_its_decay():
    # a booster 200 km from the satellite's drag-free track, released on a minute before the decay: the SBI left up
    # reaches it ~11 s after the decay; the one SGP4 brought down reaches nothing
    sats, _ = parse_tle(DECAYING)
    up, down = tle_to_elements(sats, EPOCH), tle_to_elements(sats, EPOCH, until_s=SECONDS_PER_DAY)
    t_decay = down.decay_time_s[0]
    tau = t_decay - 60.0 + np.arange(0.0, 600.0, 2.0)
    booster = propagate(up, tau)[None, :, 0, :] + np.array([200e3, 0.0, 0.0])
    window = (np.array([tau[0]]), np.array([tau[-1]]), sbi_design("aps-2003-optimistic"))
    t_up, _ = earliest_intercept(propagate(up, tau), booster, np.zeros_like(booster), tau, *window)
    t_down, _ = earliest_intercept(propagate(down, tau), booster, np.zeros_like(booster), tau, *window)
    assert t_up[0, 0] > t_decay and np.isnan(t_down[0, 0])


SCENARIO = """
name: decay
epoch: 2026-07-04T12:00:00Z
duration_min: 240
constellations:
  - name: low
    role: tracking
    tle: |
{tle}
"""


@pytest.fixture(scope="module")
def decayed_run(tmp_path_factory):
    tle = "\n".join("      " + line for line in (DECAYING + STAYS_UP).splitlines())
    result = run_trial(parse_scenario(SCENARIO.format(tle=tle)))
    return result, write_run(result, tmp_path_factory.mktemp("decay"))


def test_run_lists_the_decayed_satellite_with_sgp4s_decay_time(decayed_run):
    result, out = decayed_run
    t_ref, _ = _sgp4_first_error(parse_tle(DECAYING)[0][0], EPOCH, 4 * 3600.0)
    summary = json.loads((out / "summary.json").read_text())
    (decayed,) = summary["constellations"][0]["decayed"]
    assert decayed["name"] == "DECAYING"
    assert decayed["decay_time_s"] == pytest.approx(t_ref, abs=DECAY_TOLERANCE_S)
    # the command line prints the run's warnings: the name and the time
    assert any("DECAYING at 10,68" in w and "decayed (SGP4)" in w for w in result.warnings)
    assert any("DECAYING" in w for w in summary["warnings"])
    table = pq.read_table(out / "satellites.parquet").to_pydict()
    assert table["label"] == ["DECAYING", "STAYS-UP"]
    assert table["decay_time_s"][0] == pytest.approx(t_ref, abs=DECAY_TOLERANCE_S)
    assert table["decay_time_s"][1] is None


def test_globe_stops_drawing_the_decayed_satellite(decayed_run):
    result, _ = decayed_run
    meta, positions = satellite_samples(result)
    t = np.asarray(meta["t_s"])
    up = t < result.constellations[0].elements.decay_time_s[0]
    assert np.all(np.isfinite(positions[up, 0])) and np.all(np.isnan(positions[~up, 0]))
    assert np.all(np.isfinite(positions[:, 1]))

    def refuse(constant):
        raise ValueError(f"{constant} in the globe's JSON")

    packets = json.loads(globe_czml(result, max_satellites=10), parse_constant=refuse)
    (sat,) = [p for p in packets if p["id"] == "satellite/low/DECAYING"]
    samples = np.asarray(sat["position"]["cartographicDegrees"], float).reshape(-1, 4)
    assert np.all(np.isfinite(samples)) and samples[-1, 0] < result.constellations[0].elements.decay_time_s[0]
