"""Benchmark: this working tree against another revision on the same raid, interleaved, as a ratio.

The machine is shared and noisy: the same code's 200-ICBM trial measured anywhere from 7.8 s to 10.3 s over one
morning (issue 16's session 23), so a change that saves a few percent cannot be seen in absolute times taken at
different moments. This script judges it by the ratio of the two sides measured in the same run, side by side.

Each round runs one fresh process per side, alternating (this, other, this, other, ...). Each process builds the
raid's world (``bench_raid.raid``: N ICBMs x (3 RVs + 4 decoys) against the CBO-sized shell, four radars and the
GBIs), fights one battle to load its kernels, then times ``--seeds`` battles on that world (the trial a Monte Carlo
worker pays) and reports their median. The other revision is checked out as a detached git worktree in a temporary
folder (its numba cache compiles on its first round: that round's world is slow, its timed battles are not
affected). REV '.' runs this tree against itself: the noise floor (an A/A test).

Printed: each round's medians; the median of the per-round ratios this / other with their range (below 1: this tree
is faster); and whether both sides had the same outcome (leakers and interceptors fired for every seed: True where
the change touched no random stream and no decision, as a pure speed-up should).

Usage: python bench/bench_ab.py REV [--icbms 200] [--rounds 3] [--seeds 3]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
from bench_raid import raid
from goldendome.engine.battle import fight
from goldendome.engine.trial import run_trial
from goldendome.engine.world import build_world
n, seeds = int(sys.argv[1]), int(sys.argv[2])
scn = raid(n)
world = build_world(run_trial(scn, battle=False))
fight(world)
times, outcomes = [], []
for k in range(seeds):
    t0 = time.perf_counter()
    report = fight(world, seed=scn.seed + 1 + k)
    times.append(time.perf_counter() - t0)
    ev = report.events
    outcomes.append([int(report.leakers), int(ev.shots[ev.event == "launch"].sum())])
import goldendome
print(json.dumps({"times": times, "outcomes": outcomes, "module": goldendome.__file__}))
"""


def checkout(rev: str, folder: Path) -> Path:
    """A detached worktree of rev in folder (this repository's history): the source tree to import from."""
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(folder), rev],
        check=True,
        capture_output=True,
        text=True,
    )
    return folder


def remove(folder: Path) -> None:
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)], capture_output=True)


def side(src: Path, n_icbm: int, seeds: int) -> dict:
    """One fresh process importing goldendome from src: the raid's battle times and outcomes."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(n_icbm), str(seeds), str(BENCH)],
        capture_output=True,
        text=True,
        env=env,
        cwd=src.parent,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the side importing {src} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not Path(out["module"]).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"the side meant to import {src} imported {out['module']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the other revision (a commit, tag or branch; '.' for this tree itself)")
    parser.add_argument("--icbms", type=int, default=200, help="raid size in ICBMs (default 200: 1,400 objects)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--seeds", type=int, default=3, help="battles timed per process (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="goldendome-ab-") as tmp:
        other = REPO / "src" if args.rev == "." else checkout(args.rev, Path(tmp) / "other") / "src"
        try:
            rows = []
            for k in range(args.rounds):
                this_side, other_side = side(REPO / "src", args.icbms, args.seeds), side(other, args.icbms, args.seeds)
                rows.append((this_side, other_side))
                print(
                    f"round {k + 1}: this {np.median(this_side['times']):.2f} s, "
                    f"{args.rev} {np.median(other_side['times']):.2f} s (medians of {args.seeds} battles)",
                    flush=True,
                )
        finally:
            if args.rev != ".":
                remove(other.parent)
    ratios = np.array([np.median(a["times"]) / np.median(b["times"]) for a, b in rows])
    print(
        f"{args.icbms}-ICBM raid, this tree / {args.rev}: median ratio {np.median(ratios):.3f} "
        f"(rounds {ratios.min():.3f}-{ratios.max():.3f}; below 1: this tree is faster)"
    )
    same = all(a["outcomes"] == b["outcomes"] for a, b in rows)
    print(f"same outcomes on both sides (leakers, interceptors fired, every seed): {same}")


if __name__ == "__main__":
    main()
