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
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist


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


DENSE_PAIRS = 250_000
"""Above this many truth x estimate pairs GOSPA assigns over the pairs closer than c only (exact, see
:func:`_sparse_assignment`): a raid of thousands of objects would otherwise fill a dense matrix at every look."""


def _sparse_assignment(x, y, c: float, p: float):
    """The GOSPA-optimal assignment from the pairs closer than c only: a pair at c or beyond costs c^p, the same as
    leaving both unassigned (c^p / 2 each), so some optimum uses close pairs alone, and the problem splits into the
    connected components of the close-pair graph, solved one by one (most are one truth and one estimate).
    Returns (truth rows, estimate rows, costs min(d, c)^p) of the assigned pairs."""
    pairs = cKDTree(x).sparse_distance_matrix(cKDTree(y), c, output_type="ndarray")
    pairs = pairs[pairs["v"] < c]
    n, m = len(x), len(y)
    if pairs.size == 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    i, j, d = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64), pairs["v"]
    graph = coo_matrix((np.ones(i.size), (i, n + j)), shape=(n + m, n + m))
    _, label = connected_components(graph, directed=False)
    comp = label[i]
    size = np.bincount(comp, minlength=n + m)
    single = size[comp] == 1  # one close pair alone in its component: assigned as it is
    rows, cols, costs = [i[single]], [j[single]], [d[single] ** p]
    order = np.flatnonzero(~single)
    order = order[np.argsort(comp[order], kind="stable")]
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    for group in np.split(order, bounds) if order.size else []:
        ti, ui = np.unique(i[group], return_inverse=True)
        tj, uj = np.unique(j[group], return_inverse=True)
        cost = np.full((ti.size, tj.size), c**p)
        cost[ui, uj] = d[group] ** p
        r, k = linear_sum_assignment(cost)
        real = cost[r, k] < c**p
        rows.append(ti[r[real]])
        cols.append(tj[k[real]])
        costs.append(cost[r[real], k[real]])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(costs)


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
    return Gospa((loc + missed + false) ** (1.0 / p), loc, missed, false, n_missed, n_false, assignment)


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
