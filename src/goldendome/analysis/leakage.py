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
I, each of the N (1 + m) objects gets at most floor(I / (N (1 + m))) shots under a fixed salvo doctrine.

Confidence intervals of Monte Carlo estimates respect the range of their quantity: Wilson's score interval for a
proportion (Wilson, JASA 22, 1927; Brown, Cai & DasGupta, Statistical Science 16, 2001), and Garwood's exact
Poisson interval, widened for overdispersion, for a mean count such as leakers per trial (:func:`mean_count_interval`),
which never goes below zero.
"""

import math

import numpy as np
from scipy.stats import chi2, norm


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
    # at 0 (or all) successes the bound is exactly 0 (1); the arithmetic leaves a rounding error of ~1e-17
    lower = 0.0 if successes <= 0 else max(0.0, centre - half)
    upper = 1.0 if successes >= trials else min(1.0, centre + half)
    return lower, upper


def mean_count_interval(
    total: float, trials: int, confidence: float = 0.95, dispersion: float = 1.0
) -> tuple[float, float]:
    """Confidence interval of a mean count per trial (e.g. leakers per trial) from the total count over the trials:
    Garwood's exact Poisson interval on the total, divided by the trials, never below zero.

    For a total S of Poisson counts (Garwood, Biometrika 28, 1936; Ulm, Am. J. Epidemiol. 131, 1990):
    lower = chi2.ppf(a/2, 2S) / 2, upper = chi2.ppf(1 - a/2, 2S + 2) / 2, with a = 1 - confidence (lower = 0 when
    S = 0; the upper bound is then -ln(a/2) ~ 3.69 at 95 %, the 'rule of three' of zero events). Counts that vary
    more than a Poisson variable (a trial's leakers come together when a battery saturates) are handled as
    quasi-Poisson (McCullagh & Nelder, Generalized Linear Models, 2nd ed. 1989, ch. 6, over-dispersion): with the
    dispersion phi = variance / mean >= 1 of the per-trial counts, the interval is phi times Garwood's for S / phi
    counts.
    Counts that vary less (a trial's leakers bounded by its lethal objects, binomial-like) keep phi = 1, where the
    interval is conservative.

    total: the summed count over the trials (>= 0); trials: how many (> 0); dispersion: phi, floored at 1.
    Returns (lower, upper) of the mean per trial; (nan, nan) when there are no trials.
    """
    if trials <= 0:
        return float("nan"), float("nan")
    if total < 0:
        raise ValueError(f"total: a count cannot be negative (got {total})")
    phi = max(1.0, float(dispersion)) if math.isfinite(dispersion) else 1.0
    a = 1.0 - confidence
    s = total / phi
    lower = 0.0 if s <= 0 else float(chi2.ppf(a / 2.0, 2.0 * s)) / 2.0
    upper = float(chi2.ppf(1.0 - a / 2.0, 2.0 * s + 2.0)) / 2.0
    return phi * lower / trials, phi * upper / trials
