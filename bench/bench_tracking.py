"""Benchmark: one tracking scan (predict, gate, associate by GNN, update) at 1,000 and 100,000 targets, next to
Stone Soup's EKF + GNN tracker on the same 1,000-target scan, in the same run.

Case: constant-velocity targets around one radar (20 m, 1 mrad), 90 % detection, clutter; every tracker starts
from the same priors (truth plus 200 m / 30 m/s errors) and processes the same detections of the next scan. The
area grows with the target count so the density of targets stays that of the 1,000-target case. Our scan is timed
best-of-repeats on a fresh copy of the track table; Stone Soup's once (it takes seconds). The updated positions of
both trackers are compared with the truth by GOSPA. Peak memory of our 100,000-target scan is
measured with tracemalloc in a separate, untimed run.

Usage: python bench/bench_tracking.py [--targets 1000] [--big 100000] [--stonesoup 1000] [--repeats 5]
"""

import argparse
import copy
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

from _timing import best_of
from goldendome.tracking.filters import ConstantVelocity
from goldendome.tracking.metrics import gospa
from goldendome.tracking.scenario import initial_tracks, make_case
from goldendome.tracking.tracker import Tracker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
Q, GATE = 1.0, 21.11


def seeded(case, x0, p0) -> Tracker:
    trk = Tracker(model=ConstantVelocity(Q), gate=GATE, max_misses=10**6)
    trk.seed(case.times[0], x0, p0)
    return trk


def case_of(n: int, seed: int = 5):
    case = make_case(n, 2, clutter_per_scan=n / 100, spread_m=150e3 * np.sqrt(n / 1000), seed=seed)
    return case, *initial_tracks(case)


def our_scan(case, x0, p0, repeats: int):
    """Best time of `repeats` scans, each on a fresh copy of the seeded tracker (copied before the clock starts)."""
    base = seeded(case, x0, p0)
    fresh = [copy.deepcopy(base) for _ in range(repeats + 1)]
    z = case.detections(1)

    def run():
        trk = fresh.pop()
        trk.step(case.times[1], z, case.sensor)
        return trk

    seconds = best_of(repeats, run)
    return seconds, run()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--stonesoup", type=int, default=1000, help="targets in Stone Soup's scan (0: skip)")
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args(argv)

    case, x0, p0 = case_of(a.targets)
    t_ours, trk = our_scan(case, x0, p0, a.repeats)
    rows = [(f"goldendome scan, {a.targets:,} targets", t_ours, "")]
    agree = None
    if a.stonesoup:
        import stonesoup_peer as ssp

        n = min(a.stonesoup, a.targets)
        sub = case if n == a.targets else case_of(n)[0]
        xs, ps = (x0, p0) if n == a.targets else initial_tracks(sub)
        measurement, updater, associator = ssp.build(sub, Q, GATE)
        tracks = ssp.tracks_from_priors(xs, ps)
        dets, t = ssp.detections_at(sub, 1, measurement)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            ssp.scan(tracks, dets, t, associator, updater)
            t_ss = time.perf_counter() - t0
        rows.append((f"Stone Soup EKF + GNN scan, {n:,} targets", t_ss, f"{t_ss / t_ours:,.0f}x slower"))
        if n == a.targets:  # the same scan's result against truth: GOSPA (c = 5 km) of both trackers
            ours_pos = trk.tracks.x[np.argsort(trk.tracks.track_id)][: len(x0), :3]
            theirs = np.array([ssp.to_ours(tr.state_vector)[:3] for tr in tracks])
            g_ours = gospa(case.truth[1, :, :3], ours_pos, c=5000.0).distance
            g_ss = gospa(case.truth[1, :, :3], theirs, c=5000.0).distance
            agree = (g_ours, g_ss)
    big, bx, bp = case_of(a.big, seed=6)
    t_big, _ = our_scan(big, bx, bp, max(1, a.repeats // 2))  # timed alone: tracemalloc slows allocation
    tracemalloc.start()
    our_scan(big, bx, bp, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rows.append((f"goldendome scan, {a.big:,} targets (k-d tree gating)", t_big, f"peak {peak / 2**20:,.0f} MiB"))
    print(f"one scan: predict, gate, GNN, update ({len(case.detections(1)):,} detections at {a.targets:,} targets)")
    print(f"  {'tracker':58s} {'seconds':>9s}  note")
    for name, sec, note in rows:
        print(f"  {name:58s} {sec:9.4f}  {note}")
    print(f"  memory per target at {a.big:,}: {peak / a.big:,.0f} bytes (no dense N x M matrix)")
    if agree is not None:
        print(
            f"  GOSPA after the scan (c = 5 km): goldendome {agree[0]:,.2f} m, Stone Soup {agree[1]:,.2f} m "
            f"(difference {100 * (agree[0] / agree[1] - 1):+.3f} %; the mean over a 30-scan run is in the tests)"
        )


if __name__ == "__main__":
    main()
