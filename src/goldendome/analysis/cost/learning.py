"""Learning curves: what the n-th unit of a production run costs when each doubling of the count costs less.

Crawford's *unit theory* (NASA Cost Estimating Handbook v4.0, 2015, appendix on learning curves; GAO Cost Estimating
and Assessment Guide, GAO-20-195G, 2020, ch. 10)::

    cost of unit n = T1 * n**b,    b = log2(learning rate)   (an 85 % curve: each doubling costs 85 %)

T1 is the first unit's cost. A published "average unit cost" is the mean over the units bought
(:func:`average_unit_cost`).
"""

import math

import numpy as np


def learning_exponent(learning_rate: float) -> float:
    """Unit-theory exponent b = log2(learning rate): each doubling of the unit number multiplies the unit cost by
    the learning rate (0.9 -> b = -0.152). ValueError outside (0, 1]."""
    if not 0.0 < learning_rate <= 1.0:
        raise ValueError(f"learning_rate must be in (0, 1], e.g. 0.9 for a 90 % curve (got {learning_rate!r})")
    return math.log2(learning_rate)


def unit_costs(t1: float, n_units: int, learning_rate: float, start_unit: int = 1) -> np.ndarray:
    """Costs of units start_unit .. start_unit + n_units - 1 on a unit-theory learning curve: T1 * n**log2(rate).

    t1 : cost of the first unit (any currency). Returns an (n_units,) array; unit 2 costs t1 * rate, unit 4 costs
    t1 * rate**2.
    """
    if start_unit < 1 or n_units < 0:
        raise ValueError(f"units are numbered from 1 (got start_unit={start_unit}, n_units={n_units})")
    n = np.arange(start_unit, start_unit + int(n_units), dtype=float)
    return t1 * n ** learning_exponent(learning_rate)


def average_unit_cost(t1: float, n_units: int, learning_rate: float, start_unit: int = 1) -> float:
    """Mean cost of n_units consecutive units on the unit-theory curve (what a published 'average unit cost' is)."""
    if n_units <= 0:
        raise ValueError(f"an average needs at least one unit (got n_units={n_units})")
    return float(unit_costs(t1, n_units, learning_rate, start_unit).mean())
