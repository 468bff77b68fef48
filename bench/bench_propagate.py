"""Benchmark: positions of a large constellation over a day, goldendome's J2 propagator against SGP4.

Propagates a Walker 53 deg, 500 km constellation (default 10,000 satellites x 1,440 one-minute epochs) with

- ``kepler.propagate``            compiled numba kernel, Walker elements (circular: plane-rotation recurrences)
- ``kepler.propagate`` (TLE)      the same kernel on ``tle_to_elements`` of the SGP4 satellites below
                                  (near-circular e from --ecc: the Kepler-solve path that real TLEs take)
- ``kepler.propagate_state``      the plain numpy path (positions and velocities)
- ``SatrecArray.sgp4``            python-sgp4's C++ SGP4 over the same orbits built with ``sgp4init``

and prints seconds (best of --repeats), propagations per second and the speed relative to SGP4, all measured in
the same run. Run: ``PYTHONPATH=src python bench/bench_propagate.py --sats 10000 --epochs 1440``.
"""

import argparse
import datetime as dt
import math
import os

import numba
import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray

from _timing import best_of, square_planes
from goldendome.physics.constants import DEG, SECONDS_PER_DAY
from goldendome.physics.constellation import walker_delta
from goldendome.physics.kepler import elements, propagate, propagate_state
from goldendome.physics.timescale import julian_date
from goldendome.physics.tle import sgp4_positions, tle_to_elements

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SGP4_EPOCH_JD0 = 2433281.5  # sgp4init counts days from 1949 December 31 00:00 UT
WGS72_R_KM, WGS72_MU_KM3_S2 = 6378.135, 398600.8


def _sgp4_satellites(el, alt_km: float, ecc: float) -> list[Satrec]:
    """Drag-free SGP4 satellites on the Walker orbits (node and argument of latitude from el)."""
    jd, frac = julian_date(EPOCH)
    n_rad_min = math.sqrt(WGS72_MU_KM3_S2 / (WGS72_R_KM + alt_km) ** 3) * 60.0
    sats = []
    for k in range(len(el)):
        sat = Satrec()
        sat.sgp4init(WGS72, "i", k + 1, (jd - SGP4_EPOCH_JD0) + frac, 0.0, 0.0, 0.0, ecc, 0.0,
                     float(el.i_rad[k]), float(el.m0_rad[k]), n_rad_min, float(el.raan_rad[k]))  # fmt: skip
        sats.append(sat)
    return sats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sats", type=int, default=10_000, help="number of satellites (default 10000)")
    parser.add_argument("--epochs", type=int, default=1_440, help="number of epochs (default 1440)")
    parser.add_argument("--step", type=float, default=60.0, help="epoch spacing, s (default 60)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats, best is reported (default 3)")
    parser.add_argument("--ecc", type=float, default=1e-4, help="eccentricity of the SGP4 satellites (1e-4)")
    parser.add_argument("--no-numpy", action="store_true", help="skip the (memory-hungry) numpy path")
    args = parser.parse_args()

    alt_km, inc = 500.0, 53.0 * DEG
    walker = walker_delta(args.sats, square_planes(args.sats), 1, alt_km * 1e3, inc)
    t = np.arange(args.epochs) * args.step
    jd0, fr0 = julian_date(EPOCH)
    fr = fr0 + t / SECONDS_PER_DAY
    jd = np.full_like(t, jd0) + np.floor(fr)
    fr = fr - np.floor(fr)

    sats = _sgp4_satellites(walker, alt_km, args.ecc)
    from_tle = tle_to_elements(sats, EPOCH)
    array = SatrecArray(sats)

    # compile (or load the numba cache) for both kernel paths before timing
    propagate(walker.take(slice(0, 2)), t[:3])
    propagate(elements(7000e3, 0.01, 1.0, 0.0, 0.0, 0.0), t[:3])

    work = args.sats * args.epochs
    rows = [
        ("kepler.propagate (Walker, circular)", lambda: propagate(walker, t)),
        (f"kepler.propagate (TLE-derived, e={args.ecc:g})", lambda: propagate(from_tle, t)),
        ("sgp4 SatrecArray.sgp4", lambda: array.sgp4(jd, fr)),
    ]
    if not args.no_numpy:
        rows.insert(2, ("kepler.propagate_state (numpy)", lambda: propagate_state(walker, t)))
    times = {name: best_of(args.repeats, fn) for name, fn in rows}

    # sanity: our J2 conic and SGP4 on the same satellites differ by SGP4's periodic terms (~10-20 km)
    probe = slice(0, min(args.sats, 200))
    r_sgp4, _ = sgp4_positions(sats[probe], EPOCH, t)
    diff_km = np.nanmax(np.linalg.norm(r_sgp4 - propagate(from_tle.take(probe), t), axis=-1)) / 1e3

    sgp4_s = times["sgp4 SatrecArray.sgp4"]
    print(f"{args.sats} satellites x {args.epochs} epochs = {work:,} propagations; best of {args.repeats}; "
          f"numba threads {numba.get_num_threads()} of {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'method':<44} {'seconds':>9} {'prop/s':>12} {'vs sgp4':>9}")
    for name, _ in rows:
        s = times[name]
        print(f"{name:<44} {s:9.3f} {work / s:12.3e} {sgp4_s / s:8.1f}x")
    print(f"max |kepler.propagate(TLE) - sgp4| over the first {r_sgp4.shape[1]} satellites: {diff_km:.2f} km")


if __name__ == "__main__":
    main()
