"""Benchmark: SBI reach over a day and a sizing sweep, next to a naive numpy broadcast in the same run.

1. Reach matrix: N SBIs x B boosters (a launch region) x E launch times (default 10,000 x 100 x 1,440), with the
   pruned, compiled `reach_over_time`; peak memory reported. Baseline: the same test written as one numpy
   broadcast over all SBIs x boosters x sample times for one launch time, timed on a few launch times and
   scaled to E.
2. Sizing sweep: `size_constellation` over a grid of design points (default 100: 10 altitudes x 10
   inclinations), one booster, launch times every 5 min over a day.

Usage: python bench/bench_sbi.py [--sats 10000] [--boosters 100] [--epochs 1440] [--points 100]
"""

import argparse
import datetime as dt
import resource
import time

import numpy as np

from goldendome.analysis.sizing import InfeasibleDesign, Shell, size_constellation
from goldendome.effectors.reach import boost_tracks, reach_over_time, tracks_at
from goldendome.effectors.sbi import Timeline, sbi_design
from goldendome.physics.constants import DEG
from goldendome.physics.kepler import propagate
from goldendome.threats.ballistic import BallisticLaunch
from goldendome.threats.missile import design

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def region_launches(n: int):
    """n boosters from a 10 x ceil(n/10) grid of sites over north-east Asia, aimed at North America."""
    lats = np.linspace(36.0, 48.0, 10)
    lons = np.linspace(118.0, 132.0, max(1, int(np.ceil(n / 10))))
    out = []
    for k in range(n):
        lat, lon = lats[k % 10], lons[k // 10]
        out.append(
            BallisticLaunch(f"B{k}", design("icbm-solid-3stage"), lat * DEG, lon * DEG, 47.6 * DEG, -122.3 * DEG)
        )
    return out


def naive_reach_one_epoch(el, tracks, t0, sbi, timeline):
    """Every SBI x booster x sample in one numpy broadcast: the obvious way (no pruning, no compiled loop)."""
    tau = tracks.tau_s
    sbi_r = propagate(el, t0 + tau)  # (K, N, 3)
    br, _ = tracks_at(tracks, EPOCH, t0)  # (B, K, 3)
    d = np.linalg.norm(br[:, :, None, :] - np.swapaxes(sbi_r, 0, 1)[None, :, :, :].transpose(0, 2, 1, 3), axis=-1)
    s = tau - timeline.release_s
    ok = (s >= 0)[None, :, None] & (tau <= tracks.burnout_s[:, None])[:, :, None]
    return np.any(ok & (d <= sbi.reach_m(s)[None, :, None]), axis=1)  # (B, N)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, default=10_000)
    ap.add_argument("--boosters", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=1440)
    ap.add_argument("--points", type=int, default=100)
    args = ap.parse_args()
    sbi, tl = sbi_design("aps-2003-optimistic"), Timeline(60.0, 30.0)
    tracks = boost_tracks(region_launches(args.boosters), EPOCH)
    el = Shell(400e3, 50 * DEG).elements(args.sats)
    times = np.arange(args.epochs) * (86400.0 / args.epochs)
    reach_over_time(el, tracks, EPOCH, times[:2], sbi, tl)  # compile the kernels
    t0 = time.perf_counter()
    res = reach_over_time(el, tracks, EPOCH, times, sbi, tl)
    ours = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # before the naive version's temporaries
    n_naive = 3
    t0 = time.perf_counter()
    for t in times[:n_naive]:
        naive = naive_reach_one_epoch(el, tracks, t, sbi, tl)
    naive_s = (time.perf_counter() - t0) / n_naive * args.epochs
    agree = np.array_equal(naive.sum(axis=1), res.in_reach[n_naive - 1])
    print(
        f"reach: {args.sats:,} SBIs x {tracks.n} boosters x {args.epochs:,} launch times "
        f"({tracks.tau_s.size} samples each)"
    )
    print(f"  {'method':44s} {'seconds':>9s} {'ratio':>8s}")
    print(f"  {'goldendome reach_over_time (pruned, numba)':44s} {ours:9.2f} {1.0:8.1f}")
    print(f"  {'naive numpy broadcast (scaled from 3 epochs)':44s} {naive_s:9.2f} {naive_s / ours:8.1f}x slower")
    print(
        f"  in-reach counts agree with the naive version on a checked launch time: {agree}; "
        f"peak RSS of goldendome's run {peak_gb:.2f} GiB; mean in reach per booster {res.in_reach.mean():.1f}"
    )

    one = boost_tracks(region_launches(1), EPOCH)
    day = np.arange(288) * 300.0
    n_alt = max(1, int(round(np.sqrt(args.points))))
    n_inc = max(1, args.points // n_alt)
    alts = np.linspace(250e3, 700e3, n_alt)
    incs = np.linspace(40.0, 80.0, n_inc) * DEG
    t0 = time.perf_counter()
    sizes = []
    for a in alts:
        for i in incs:
            try:
                sizes.append(size_constellation(Shell(a, i), one, EPOCH, day, sbi, tl).simulated)
            except InfeasibleDesign:
                sizes.append(None)
    sweep = time.perf_counter() - t0
    ok = [s for s in sizes if s]
    print(
        f"sizing sweep: {len(sizes)} design points (altitude x inclination), 288 launch times each: "
        f"{sweep:.1f} s ({sweep / len(sizes):.2f} s per point); sizes {min(ok):,}-{max(ok):,} SBIs, "
        f"{len(sizes) - len(ok)} infeasible"
    )


if __name__ == "__main__":
    main()
