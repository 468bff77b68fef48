"""Shared timing helper of the bench scripts (benchmarks report the best of repeats: the machine is noisy)."""

import math
import time


def best_of(repeats: int, fn) -> float:
    """Shortest wall time (s) of `repeats` calls of fn()."""
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        del out
    return best
