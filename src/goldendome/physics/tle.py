"""Two-line element sets (TLE) and CCSDS Orbit Mean-Elements Messages (OMM), through the ``sgp4`` library.

Real constellations (Starlink shells, SDA's tranches, GPS) come as TLEs or OMMs from public catalogues. The
``sgp4`` package (Rhodes; Vallado et al. 2006, AIAA 2006-6753 "Revisiting Spacetrack Report #3") parses them and
propagates with SGP4/SDP4 in the TEME frame, which is goldendome's ECI frame. :func:`sgp4_positions` is the
faithful path; :func:`tle_to_elements` hands SGP4's own mean elements and secular rates to goldendome's fast
J2 propagator, which then differs from SGP4 only by SGP4's periodic terms and drag.

The J2 propagator has no drag, so it would fly a satellite at 100 km for ever. Drag's end, the decay, comes from
SGP4 itself: :func:`decay_times_s` finds when SGP4 stops giving a satellite a position, and
``tle_to_elements(..., until_s=...)`` hands that time on, from which the satellite has none.
"""

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from sgp4 import omm
from sgp4.api import Satrec, SatrecArray

from goldendome.physics.constants import SECONDS_PER_DAY
from goldendome.physics.kepler import OrbitalElements
from goldendome.physics.timescale import julian_date

_PER_MIN = 1.0 / 60.0

DECAY_SCAN_STEP_S = 60.0
"""Step of the scan for SGP4's decay over a run, s; the first failing sample is then bisected to DECAY_TOLERANCE_S."""
DECAY_TOLERANCE_S = 1.0
"""How close to SGP4's first failure the decay time is found, s."""
PERIGEE_MARGIN_M = 100e3
"""Scanned for decay: the satellites whose SGP4 mean perigee, at the run's start or end, lies less than this above
the Earth's radius (or that fail there). SGP4 fails with code 6 once the position is below the radius, and its
periodic terms move the position ~20 km about the mean orbit (tests/test_kepler.py's bound at 500 km): 100 km is a
wide margin, chosen, not published. SGP4's drag moves the mean perigee one way only (down; up for a negative drag
term), so over a run it is lowest at one end."""


class ElementSetError(ValueError):
    """A TLE or OMM text that cannot be read; the message names the line or record."""


def parse_tle(text: str) -> tuple[list[Satrec], list[str]]:
    """Satellites and names from TLE text: 2-line sets, optionally each preceded by a name line (3LE)."""
    # keep each line's number in the original text so that messages point at the right line
    numbered = [(n, ln.rstrip()) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    lines = [ln for _, ln in numbered]
    sats, names = [], []
    k = 0
    while k < len(lines):
        name = None
        if not lines[k].startswith("1 "):
            name = lines[k][2:].strip() if lines[k].startswith("0 ") else lines[k].strip()  # 3LE: "0 NAME"
            k += 1
        line_no = numbered[min(k, len(lines) - 1)][0]
        if k + 1 >= len(lines) or not lines[k].startswith("1 ") or not lines[k + 1].startswith("2 "):
            raise ElementSetError(f"TLE line {line_no}: expected a line starting '1 ' followed by one starting '2 '")
        try:
            sat = Satrec.twoline2rv(lines[k], lines[k + 1])
        except Exception as exc:  # sgp4 raises ValueError with terse text
            raise ElementSetError(f"TLE line {line_no}: {exc}") from exc
        if sat.error:
            raise ElementSetError(f"TLE line {line_no}: sgp4 rejected the elements (error code {sat.error})")
        sats.append(sat)
        names.append(name or f"SAT-{getattr(sat, 'satnum_str', sat.satnum)}")
        k += 2
    return sats, names


def parse_omm(text: str) -> tuple[list[Satrec], list[str]]:
    """Satellites and names from an OMM in CSV or XML (CCSDS 502.0-B-2), as CelesTrak serves them."""
    reader = omm.parse_xml if text.lstrip().startswith("<") else omm.parse_csv
    sats, names = [], []
    try:
        records = list(reader(io.StringIO(text)))
    except Exception as exc:
        raise ElementSetError(f"OMM could not be parsed: {exc}") from exc
    for n, fields in enumerate(records, start=1):
        sat = Satrec()
        try:
            omm.initialize(sat, fields)
        except (KeyError, ValueError) as exc:
            raise ElementSetError(f"OMM record {n}: missing or bad field {exc}") from exc
        sats.append(sat)
        names.append(fields.get("OBJECT_NAME", f"SAT-{n}"))
    return sats, names


def read_element_file(path: str | Path) -> tuple[list[Satrec], list[str]]:
    """Read a TLE (.tle/.txt) or OMM (.csv/.xml) file."""
    path = Path(path)
    text = path.read_text()
    if path.suffix.lower() in (".csv", ".xml") or text.lstrip().startswith(("<", "CCSDS", "OBJECT_NAME")):
        return parse_omm(text)
    return parse_tle(text)


def _epoch_offset_s(sats: Iterable[Satrec], epoch: dt.datetime) -> np.ndarray:
    jd0, fr0 = julian_date(epoch)
    return np.array([((s.jdsatepoch - jd0) + (s.jdsatepochF - fr0)) * SECONDS_PER_DAY for s in sats])


def sgp4_positions(sats: list[Satrec], epoch: dt.datetime, t_s) -> tuple[np.ndarray, np.ndarray]:
    """SGP4 TEME (= goldendome ECI) positions (T, N, 3), m, and sgp4 error codes (T, N) at t_s after epoch.

    Failed propagations (decayed orbits, error code != 0) are NaN in the positions; the caller reports them.
    """
    t_s = np.atleast_1d(np.asarray(t_s, float))
    jd0, fr0 = julian_date(epoch)
    fr = fr0 + t_s / SECONDS_PER_DAY
    whole = np.floor(fr)
    err, r, _v = SatrecArray(sats).sgp4(np.full_like(t_s, jd0) + whole, fr - whole)
    r = np.transpose(r, (1, 0, 2)) * 1e3
    err = err.T
    r[err != 0] = np.nan
    return r, err


def decay_times_s(
    sats: list[Satrec],
    epoch: dt.datetime,
    until_s: float,
    step_s: float = DECAY_SCAN_STEP_S,
    tol_s: float = DECAY_TOLERANCE_S,
) -> np.ndarray:
    """When SGP4 stops giving each satellite a position during a run [0, until_s] (s from the scenario epoch), s;
    inf for the satellites it carries to the end.

    SGP4 flags a propagation it cannot make with an error code (python-sgp4's documentation: 1 mean eccentricity
    outside 0 <= e < 1, 2 mean motion below zero, 3 perturbed eccentricity outside 0 <= e <= 1, 4 semi-latus rectum
    below zero, 6 the position has decayed below the Earth's radius). Each is drag bringing the orbit down (6 the
    usual one), so the first is the decay. Satellites near the ground (:data:`PERIGEE_MARGIN_M`) are sampled every
    step_s over the run, the first failing sample bisected to tol_s. One already down at the run's start is bisected
    from its element epoch: its decay time is negative (before the scenario epoch).
    """
    jd0, fr0 = julian_date(epoch)

    def fails(sat: Satrec, t_s: float) -> bool:
        return sat.sgp4(jd0, fr0 + t_s / SECONDS_PER_DAY)[0] != 0

    def near_ground(sat: Satrec, t_s: float) -> bool:
        # am, em: SGP4's mean semi-major axis (Earth radii) and eccentricity at the time of the last call
        limit = 1.0 + PERIGEE_MARGIN_M / (sat.radiusearthkm * 1e3)
        return fails(sat, t_s) or sat.am * (1.0 - sat.em) < limit

    decay = np.full(len(sats), np.inf)
    scan = [k for k, sat in enumerate(sats) if near_ground(sat, 0.0) or near_ground(sat, until_s)]
    if not scan:
        return decay
    grid = np.r_[np.arange(0.0, until_s, step_s), until_s]
    t_elements = _epoch_offset_s(sats, epoch)
    for b in range(0, len(scan), 512):  # positions of 512 satellites x a day of minutes: 17 MB
        block = scan[b : b + 512]
        _, err = sgp4_positions([sats[k] for k in block], epoch, grid)
        for j, k in enumerate(block):
            bad = np.flatnonzero(err[:, j])
            if bad.size == 0:
                continue
            i = int(bad[0])
            if i == 0 and t_elements[k] >= 0.0:
                decay[k] = 0.0  # failing before its element epoch: nothing earlier to search
                continue
            lo, hi = (grid[i - 1] if i else t_elements[k]), grid[i]
            while hi - lo > tol_s:
                mid = 0.5 * (lo + hi)
                lo, hi = (lo, mid) if fails(sats[k], mid) else (mid, hi)
            decay[k] = hi
    return decay


def tle_to_elements(sats: list[Satrec], epoch: dt.datetime, until_s: float | None = None) -> OrbitalElements:
    """SGP4 mean elements and secular rates of each satellite, for goldendome's J2 propagator.

    a from SGP4's un-Kozai'd (Brouwer) mean motion in its own WGS-72 constants, rates mdot/nodedot/argpdot as SGP4
    computes them (rad/min -> rad/s); the element epoch becomes t0_s relative to the scenario epoch. With until_s
    (the run's end, s from the scenario epoch) each satellite's lifetime is SGP4's (:func:`decay_times_s`);
    without, the orbits stay up.
    """

    def col(name, scale=1.0):
        return np.array([getattr(s, name) for s in sats], dtype=float) * scale

    a_m = np.array([s.a * s.radiusearthkm * 1e3 for s in sats])
    t0_s = _epoch_offset_s(sats, epoch)
    return OrbitalElements(
        a_m=a_m,
        e=col("ecco"),
        i_rad=col("inclo"),
        raan_rad=col("nodeo"),
        argp_rad=col("argpo"),
        m0_rad=col("mo"),
        t0_s=t0_s,
        raan_dot=col("nodedot", _PER_MIN),
        argp_dot=col("argpdot", _PER_MIN),
        m_dot=col("mdot", _PER_MIN),
        lifetime_s=None if until_s is None else decay_times_s(sats, epoch, until_s) - t0_s,
    )
