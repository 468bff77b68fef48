"""Benchmark: which of S satellites see which of P targets, goldendome's compiled kernels against numpy.

One epoch of a Walker constellation (1,000 km, 80 deg; default 10,000 satellites) and P targets spread over the
globe at 0-1,500 km (default 1,000; half of them plumes, half cold bodies), WGS-84 Earth, a wide-field sensor.
Times, best of --repeats, all in the same run on the same data:

- ``visibility_matrix``         compiled, parallel kernel writing the (S, P) bool matrix
- ``visible_count``             compiled, parallel kernel writing per-target counts (P,), no (S, P) array
- numpy broadcast               the same conditions as whole-array numpy expressions over (S, P) temporaries
- BLAS matmul (S,3) @ (3,P)     only the inner products s.p every condition is built from, for scale

and checks that the kernels and numpy agree. Run: ``python bench/bench_visibility.py --sats 10000 --points 1000``.
"""

import argparse
import math
import os

import numba
import numpy as np

from _timing import best_of, square_planes
from goldendome.physics.constants import DEG, WGS84_A_M, WGS84_B_M
from goldendome.physics.constellation import walker_delta
from goldendome.physics.kepler import propagate
from goldendome.sensors.space_ir import IRSensor, visibility_matrix, visible_count

SENSOR = IRSensor("bench-wfov", for_half_angle_rad=75 * DEG, max_range_m=5_000e3, frame_s=1.0, sigma_rad=150e-6)


def numpy_broadcast(s, p, hot, sensor: IRSensor):
    """The kernel's conditions as plain numpy over (S, P) arrays (WGS-84 Earth)."""
    h = sensor.graze_altitude_m
    k2 = np.where(hot, (WGS84_A_M / WGS84_B_M) ** 2, ((WGS84_A_M + h) / (WGS84_B_M + h)) ** 2)
    r2 = np.where(hot, WGS84_A_M**2, (WGS84_A_M + h) ** 2)
    s2 = np.sum(s * s, axis=1)[:, None]
    sxy2 = np.sum(s[:, :2] * s[:, :2], axis=1)[:, None]
    sz2 = (s[:, 2] ** 2)[:, None]
    p2 = np.sum(p * p, axis=1)[None, :]
    pk2 = (p[:, 0] ** 2 + p[:, 1] ** 2 + k2 * p[:, 2] ** 2)[None, :]
    spxy = s[:, :2] @ p[:, :2].T
    zz = s[:, 2:] @ p[:, 2:].T
    sp = spxy + zz
    d2 = p2 - 2.0 * sp + s2
    a = s2 - sp
    c = math.cos(sensor.for_half_angle_rad)
    in_for = (a >= 0.0) & (a * a >= c * c * s2 * d2)
    spk = spxy + k2 * zz
    sk2 = sxy2 + k2 * sz2
    ak = sk2 - spk
    dk2 = pk2 - 2.0 * spk + sk2
    q = sk2 * dk2 - ak * ak
    seg = hot[None, :] & (pk2 >= r2 * (1.0 - 1e-12))
    clear = (ak <= 0.0) | (seg & (pk2 <= spk)) | (q >= r2 * dk2)
    return (d2 <= sensor.max_range_m**2) & in_for & clear


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sats", type=int, default=10_000, help="number of satellites (default 10000)")
    parser.add_argument("--points", type=int, default=1_000, help="number of targets (default 1000)")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats, best is reported (default 7)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random targets (default 1)")
    args = parser.parse_args()

    walker = walker_delta(args.sats, square_planes(args.sats), 1, 1_000e3, 80 * DEG)
    s = np.ascontiguousarray(propagate(walker, [0.0])[0])
    rng = np.random.default_rng(args.seed)
    u = rng.standard_normal((args.points, 3))
    p = u / np.linalg.norm(u, axis=1, keepdims=True) * (WGS84_A_M + rng.uniform(0.0, 1_500e3, args.points))[:, None]
    hot = rng.random(args.points) < 0.5

    # compile (or load the numba cache) before timing
    visibility_matrix(s[:2], p[:2], hot[:2], SENSOR)
    visible_count(s[:2], p[:2], hot[:2], SENSOR)

    pt = np.ascontiguousarray(p.T)
    rows = [
        ("visibility_matrix (S, P) bool, numba", lambda: visibility_matrix(s, p, hot, SENSOR)),
        ("visible_count (P,), numba", lambda: visible_count(s, p, hot, SENSOR)),
        ("numpy broadcast (S, P)", lambda: numpy_broadcast(s, p, hot, SENSOR)),
        ("BLAS matmul (S,3) @ (3,P) only", lambda: s @ pt),
    ]
    times = {name: best_of(args.repeats, fn) for name, fn in rows}

    vis = visibility_matrix(s, p, hot, SENSOR)
    same = np.array_equal(vis, numpy_broadcast(s, p, hot, SENSOR))
    same_counts = np.array_equal(visible_count(s, p, hot, SENSOR), vis.sum(axis=0))
    pairs = args.sats * args.points
    print(
        f"{args.sats} satellites x {args.points} targets = {pairs:,} pairs; best of {args.repeats}; "
        f"numba threads {numba.get_num_threads()} of {os.cpu_count()} CPUs"
    )
    print(f"{'method':<40} {'ms':>9} {'ns/pair':>9}")
    for name, _ in rows:
        print(f"{name:<40} {times[name] * 1e3:9.2f} {times[name] / pairs * 1e9:9.2f}")
    print(f"visible pairs {vis.mean():.3%}; kernel == numpy: {same}; counts == matrix column sums: {same_counts}")


if __name__ == "__main__":
    main()
