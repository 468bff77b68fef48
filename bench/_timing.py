"""Shared helpers of the bench scripts: best-of-repeats timing (the machine is noisy) and the Walker plane count."""

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


def square_planes(total: int) -> int:
    """The largest divisor of total not above its square root: planes of a roughly square Walker pattern."""
    return max(p for p in range(1, math.isqrt(total) + 1) if total % p == 0)
