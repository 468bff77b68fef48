"""Benchmark: the same Monte Carlo study on dask LocalClusters of 1 and 2 worker processes, next to the in-process
loop, with a check that all three studies wrote identical tables.

Default trial: the toy salvo (10 threats, 2 shots of Pk 0.7 each) plus a fixed amount of CPU work, ``--work``
iterations of an elementwise numpy update of 20,000 floats (single-threaded, no BLAS; about 0.2 s a trial at the
default on the 2-core development machine). Its result goes into the trial's table, so the work is checked too.
Each cluster (`local_cluster`: dask's LocalCluster without its malloc trim setting, which made numpy temporaries
8x slower in the workers) is started before the clock and closed after it (start-up is printed apart); each study
writes to a fresh temporary folder through `run_study`. ``--trial module:function`` benches another picklable
trial function instead (the work and salvo arguments are then unused).

Usage: python bench/bench_dask.py [--trials 40] [--work 3000] [--trial module:function]
"""

import argparse
import functools
import importlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome.engine.montecarlo import connect, local_cluster, run_study


def busy_salvo_trial(index: int, seed: np.random.SeedSequence, work: int = 3000) -> dict[str, pd.DataFrame]:
    """The toy salvo after `work` iterations of CPU-bound numpy work seeded by the trial."""
    rng = np.random.default_rng(seed)
    x = rng.random(20_000)
    for _ in range(work):
        x = np.sqrt(x * x + 1.0) - 0.5 * x  # a contraction: stays finite for any work
    leaked = ~(rng.random((10, 2)) < 0.7).any(axis=1)
    trials = pd.DataFrame(
        {"leakers": [int(leaked.sum())], "zero_leak": [bool(not leaked.any())], "checksum": [float(x.sum())]}
    )
    events = pd.DataFrame({"target": np.arange(10), "killed": ~leaked})
    return {"trials": trials, "events": events}


def load_trial(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def run(fn, trials: int, out: Path, workers: int) -> tuple[float, float]:
    """(cluster start-up s, study wall s); workers 0 means in-process (one core)."""
    if workers == 0:
        t0 = time.perf_counter()
        run_study(fn, trials, out, root_seed=2026)
        return 0.0, time.perf_counter() - t0
    t0 = time.perf_counter()
    with local_cluster(workers) as cluster:
        start = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = run_study(fn, trials, out, root_seed=2026, dask_address=cluster.scheduler_address)
        wall = time.perf_counter() - t0
    assert summary.completed == trials, summary
    return start, wall


def cpu_seconds(out: Path) -> float:
    """CPU seconds the trials used in their workers, from the manifests."""
    return sum(json.loads(p.read_text())["cpu_s"] for p in (out / "_done").glob("trial-*.json"))


def tables(out: Path) -> dict[str, pd.DataFrame]:
    con = connect(out)
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    return {name: con.sql(f'SELECT * FROM "{name}" ORDER BY ALL').df() for name in sorted(names)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--work", type=int, default=3000, help="numpy iterations per trial (3000: about 0.2 s)")
    ap.add_argument("--trial", default=None, help="module:function of another picklable trial function")
    args = ap.parse_args()
    fn = load_trial(args.trial) if args.trial else functools.partial(busy_salvo_trial, work=args.work)
    print(
        f"{os.cpu_count()} CPUs; 1-minute load average before: {os.getloadavg()[0]:.2f} (a busy share of a shared "
        "machine shows as workers busy well under 100 %)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for label, workers in (("in-process", 0), ("dask local:1", 1), ("dask local:2", 2)):
            out = Path(tmp) / label.replace(" ", "_").replace(":", "")
            start, wall = run(fn, args.trials, out, workers)
            results[label] = (wall, tables(out))
            busy = cpu_seconds(out) / (wall * max(workers, 1))
            extra = f"; cluster start-up {start:.2f} s, not counted" if workers else ""
            print(
                f"{label:<14} {args.trials} trials: {wall:7.2f} s  {wall / args.trials * 1e3:7.1f} ms/trial  "
                f"(workers busy {busy:4.0%} of their wall time{extra})"
            )
        one, two = results["dask local:1"][0], results["dask local:2"][0]
        print(
            f"speed-up dask 1 -> 2 workers: {one / two:.2f}x; dask 1 worker vs in-process: "
            f"{results['in-process'][0] / one:.2f}x"
        )
        ref = results["in-process"][1]
        runs = [t for _, t in results.values()]
        same = bool(ref) and all(set(t) == set(ref) and all(t[k].equals(ref[k]) for k in ref) for t in runs)
        print(f"tables identical across in-process, dask 1 and dask 2 workers: {same}")


if __name__ == "__main__":
    main()
