"""Multi-target tracking metrics against truth.

GOSPA (Rahmathullah, Garcia-Fernandez & Svensson, "Generalized optimal sub-pattern assignment metric", FUSION 2017)
with alpha = 2, cut-off c and order p: for truth set X and estimate set Y,

    d = ( min over assignments  sum_assigned min(d(x, y), c)^p + c^p / 2 (|X| + |Y| - 2 |assigned|) )^(1/p)

which splits into localisation (the assigned pairs closer than c), missed targets (c^p / 2 each) and false tracks
(c^p / 2 each). OSPA (Schuhmacher, Vo & Vo 2008) is the normalised, cardinality-penalised relative:
( (min sum min(d, c)^p + c^p | |X| - |Y| |) / max(|X|, |Y|) )^(1/p). NEES is nu^T P^-1 nu of the estimation
errors, chi-square with dim degrees of freedom for a consistent filter (Bar-Shalom et al. 2001, sec. 5.4).
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from goldendome.tracking.association import gnn_assign


@dataclass(frozen=True)
class Gospa:
    """GOSPA distance and its parts (each already raised to the power p, so they add up: total^p = sum)."""

    distance: float
    localisation: float
    missed: float
    false: float
    n_missed: int
    n_false: int
    assignment: np.ndarray  # (|X|,) index of the estimate assigned to each truth (< c), -1 if missed
    c: float = np.nan
    p: float = 2.0

    def without_missed(self, keep) -> "Gospa":
        """GOSPA of the truths ``keep`` (a boolean mask over X) against the same estimates, where every truth left
        out is one this GOSPA missed: nothing is solved again. Its assignment is still optimal: any assignment of the
        subset is one of X that leaves the others unassigned, which costs the same c^p / 2 each whatever is assigned
        (so an equal-cost optimum, where several exist, may differ from what a fresh solve would pick)."""
        keep = np.asarray(keep, bool)
        if np.any(~keep & (self.assignment >= 0)):
            raise ValueError("without_missed: a truth left out is assigned")
        assignment = self.assignment[keep]
        n_missed = int(np.sum(assignment < 0))
        missed = self.c**self.p / 2.0 * n_missed
        total = (self.localisation + missed + self.false) ** (1.0 / self.p)
        return Gospa(total, self.localisation, missed, self.false, n_missed, self.n_false, assignment, self.c, self.p)


DENSE_PAIRS = 250_000
"""Above this many truth x estimate pairs GOSPA assigns over the pairs closer than c only (exact, see
:func:`_sparse_assignment`): a raid of thousands of objects would otherwise fill a dense matrix at every look."""


def _sparse_assignment(x, y, c: float, p: float):
    """The GOSPA-optimal assignment from the pairs closer than c only. A pair at c or beyond costs c^p, the same as
    leaving both unassigned (c^p / 2 each), so some optimum uses close pairs alone; and assigning a close pair
    instead of leaving both unassigned saves c^p - d^p. That is global-nearest-neighbour association with pair costs
    (d / c)^p and a gate of 1 per unassigned truth (:func:`goldendome.tracking.association.gnn_assign`): clusters of
    one truth or one estimate take their cheapest pair, the contested ones are solved as one sparse full bipartite
    matching (LAPJVsp). Returns (truth rows, estimate rows, costs d^p) of the assigned pairs."""
    pairs = cKDTree(x).sparse_distance_matrix(cKDTree(y), c, output_type="ndarray")
    pairs = pairs[pairs["v"] < c]
    if pairs.size == 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    i, j = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
    match = gnn_assign(len(x), len(y), i, j, (pairs["v"] / c) ** p, 1.0)
    truth = np.flatnonzero(match >= 0)
    return truth, match[truth], (np.linalg.norm(x[truth] - y[match[truth]], axis=1)) ** p


def gospa(truth, estimates, c: float, p: float = 2.0) -> Gospa:
    """GOSPA (alpha = 2) between truth positions (n, d) and estimate positions (m, d)."""
    x = np.asarray(truth, float).reshape(-1, np.shape(truth)[-1] if np.size(truth) else 3)
    y = np.asarray(estimates, float).reshape(-1, x.shape[1])
    n, m = len(x), len(y)
    assignment = np.full(n, -1)
    loc = 0.0
    if n and m and n * m <= DENSE_PAIRS:
        cost = np.minimum(cdist(x, y), c) ** p
        rows, cols = linear_sum_assignment(cost)
        real = cost[rows, cols] < c**p
        loc = float(cost[rows[real], cols[real]].sum())
        assignment[rows[real]] = cols[real]
    elif n and m:
        rows, cols, cost = _sparse_assignment(x, y, c, p)
        loc = float(cost.sum())
        assignment[rows] = cols
    k = int(np.sum(assignment >= 0))
    n_missed, n_false = n - k, m - k
    missed, false = c**p / 2.0 * n_missed, c**p / 2.0 * n_false
    return Gospa((loc + missed + false) ** (1.0 / p), loc, missed, false, n_missed, n_false, assignment, c, p)


def ospa(truth, estimates, c: float, p: float = 2.0) -> float:
    """OSPA distance between truth (n, d) and estimates (m, d); 0 when both are empty."""
    x, y = np.atleast_2d(truth), np.atleast_2d(estimates)
    n, m = (len(x) if np.size(truth) else 0), (len(y) if np.size(estimates) else 0)
    if n == 0 and m == 0:
        return 0.0
    if n == 0 or m == 0:
        return float(c)
    cost = np.minimum(cdist(x, y), c) ** p
    rows, cols = linear_sum_assignment(cost)
    return float(((cost[rows, cols].sum() + c**p * abs(n - m)) / max(n, m)) ** (1.0 / p))


def nees(errors, covariances) -> np.ndarray:
    """Normalised estimation error squared e^T P^-1 e for errors (N, d) and covariances (N, d, d)."""
    e = np.asarray(errors, float)
    return np.einsum("ni,ni->n", e, np.linalg.solve(covariances, e[:, :, None])[:, :, 0])


@dataclass(frozen=True)
class Continuity:
    """Per truth object, from its per-look track assignment: looks assigned / looks in view (tracked fraction),
    identity switches (its assigned track id changes) and fragments (it is dropped, then picked up again)."""

    tracked_fraction: np.ndarray
    switches: np.ndarray
    fragments: np.ndarray


def track_continuity(assigned) -> Continuity:
    """Continuity of tracks over looks. assigned (T, n): the track id assigned to each of n truth objects at each
    look (-1 none; NaN-free), with -2 where the object is not in view (those looks are skipped)."""
    a = np.asarray(assigned, int)
    n = a.shape[1]
    frac, sw, fr = np.zeros(n), np.zeros(n, int), np.zeros(n, int)
    for k in range(n):
        seq = a[:, k][a[:, k] != -2]
        if seq.size == 0:
            frac[k] = np.nan
            continue
        frac[k] = np.mean(seq >= 0)
        ids = seq[seq >= 0]
        sw[k] = int(np.sum(ids[1:] != ids[:-1]))
        held = (seq >= 0).astype(int)
        fr[k] = int(np.sum(np.diff(held) == 1)) - (0 if held[0] == 1 else 1) if held.any() else 0
    return Continuity(frac, sw, np.maximum(fr, 0))
