"""Closed-form leakage of layered missile defence: the analytic checks of the Monte Carlo engine and the first
answers to "what leaks through".

With independent shots of single-shot kill probability p (SSPK):

- a salvo of n shots at one target lets it through with (1 - p)^n;
- independent layers multiply: a target leaks through all of them with prod_i (1 - p_i)^(n_i);
- shoot-look-shoot: n1 shots, a kill assessment that sees a surviving target with probability q, then n2 more
  shots at what it sees surviving: leak = (1 - p)^n1 (q (1 - p)^n2 + (1 - q)), with n1 + q n2 (1 - p)^n1
  interceptors expected (the kind of model in Wilkening, "A Simple Model for Calculating Ballistic Missile
  Defense Effectiveness", Science & Global Security 8, 2000);
- a raid of N warheads, each leaking with probability L independently, has N L expected leakers and lets none
  through with probability (1 - L)^N.

Decoys the defence cannot tell from warheads draw shots too: with m decoys per warhead and an interceptor inventory
I, each of the N (1 + m) objects gets at most floor(I / (N (1 + m))) shots under a fixed salvo doctrine. Wilson's
score interval gives the confidence interval of a Monte Carlo proportion (Wilson, JASA 22, 1927; Brown, Cai &
DasGupta, Statistical Science 16, 2001).
"""

import math

import numpy as np
from scipy.stats import norm


def salvo_leak(p: float, n: int) -> float:
    """Probability that one target survives n independent shots of kill probability p: (1 - p)^n."""
    return (1.0 - p) ** n


def layered_leak(ps, ns) -> float:
    """Probability that one target survives every layer i (n_i shots of kill probability p_i, all independent)."""
    return float(np.prod([(1.0 - p) ** n for p, n in zip(ps, ns, strict=True)]))


def shoot_look_shoot(p: float, n1: int, n2: int, q: float = 1.0) -> tuple[float, float]:
    """Shoot-look-shoot against one target: n1 shots, a look that sees a survivor with probability q, then n2 shots
    at a seen survivor. Returns (leak probability, expected interceptors fired)."""
    survive1 = (1.0 - p) ** n1
    leak = survive1 * (q * (1.0 - p) ** n2 + (1.0 - q))
    return leak, n1 + n2 * q * survive1


def raid(leak_per_warhead: float, warheads: int) -> tuple[float, float]:
    """(expected leakers, probability of zero leakers) for independent warheads that each leak with probability L."""
    return warheads * leak_per_warhead, (1.0 - leak_per_warhead) ** warheads


def shots_per_object(inventory: int, warheads: int, decoys_per_warhead: int, doctrine: int) -> int:
    """Shots each object gets when the defence cannot discriminate: the doctrine's salvo, or fewer when the inventory
    cannot cover every object (warheads x (1 + decoys)) with it."""
    objects = warheads * (1 + decoys_per_warhead)
    return int(min(doctrine, inventory // objects)) if objects else doctrine


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion."""
    if trials <= 0:
        return 0.0, 1.0
    z = float(norm.ppf(0.5 + confidence / 2.0))
    phat = successes / trials
    den = 1.0 + z * z / trials
    centre = (phat + z * z / (2.0 * trials)) / den
    half = z * math.sqrt(phat * (1.0 - phat) / trials + z * z / (4.0 * trials * trials)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
