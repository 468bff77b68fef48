"""A toy trial for the Monte Carlo runner's tests: a salvo of n_targets threats, each engaged by `shots`
independent interceptors of single-shot kill probability pk, so each leaks with probability (1 - pk)^shots.

Importable by worker processes (pytest puts tests/ on sys.path, and spawned or forkserver children inherit it).
"""

import os

import numpy as np
import pandas as pd


def binomial_trial(
    index: int,
    seed: np.random.SeedSequence,
    n_targets: int = 10,
    shots: int = 2,
    pk: float = 0.7,
    fail_at: tuple[int, ...] = (),
    die_at: tuple[int, ...] = (),
) -> dict[str, pd.DataFrame]:
    """One salvo: who leaks. Trials in `fail_at` raise; trials in `die_at` kill their worker process (as a segfault
    or the out-of-memory killer would), to test failure handling."""
    if index in fail_at:
        raise RuntimeError(f"toy failure in trial {index}")
    if index in die_at:
        os._exit(3)
    rng = np.random.default_rng(seed)
    kills = rng.random((n_targets, shots)) < pk
    leaked = ~kills.any(axis=1)
    t_s = rng.uniform(0.0, 600.0, n_targets)
    trials = pd.DataFrame({"leakers": [int(leaked.sum())], "zero_leak": [bool(not leaked.any())]})
    events = pd.DataFrame({"target": np.arange(n_targets), "t_s": t_s, "shots": shots, "killed": ~leaked})
    leakers = pd.DataFrame({"target": np.flatnonzero(leaked), "t_s": t_s[leaked]})  # often zero rows
    return {"trials": trials, "events": events, "leakers": leakers}
