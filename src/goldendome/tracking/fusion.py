"""Track-to-track fusion: the pictures of several trackers (one per sensor or per system) merged into one.

Each system keeps its own tracks; at a common time their confirmed tracks are associated (GNN on the squared
Mahalanobis distance of the positions, with the two covariances added, gated at the chi-square(3) point) and every
associated pair is fused by covariance intersection (:func:`goldendome.tracking.filters.covariance_intersection`),
which stays consistent although tracks of one target share its history and process noise -- the correlation that
makes a naive Kalman combination overconfident (Bar-Shalom, Willett & Tian 2011, ch. 9). Systems are merged one after
another into the growing fused picture; a track no other system holds passes through unchanged.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from goldendome.tracking.filters import covariance_intersection


def fuse_pictures(pictures, gate_probability: float = 0.9999):
    """Fuse several track pictures, each (ids (K,), states (K, 6), covariances (K, 6, 6)) at one common time.

    Returns (ids, states, covariances, sources): the fused id is that of the first picture's track in each group,
    offset by the picture's index x 10^9 so that ids of different pictures never collide; sources: how many
    pictures each fused track draws on."""
    gate = chi2.ppf(gate_probability, 3)
    ids, xs, ps, count = None, None, None, None
    for k, (i, x, p) in enumerate(pictures):
        i = np.asarray(i, np.int64) + k * 1_000_000_000
        if ids is None or len(ids) == 0:
            ids, xs, ps, count = (
                i.copy(),
                np.array(x, float).reshape(-1, 6),
                np.array(p, float).reshape(-1, 6, 6),
                np.ones(len(i), int),
            )
            continue
        if len(i) == 0:
            continue
        d = xs[:, None, :3] - x[None, :, :3]
        s = ps[:, None, :3, :3] + p[None, :, :3, :3]
        d2 = np.einsum("abi,abi->ab", d, np.linalg.solve(s, d[..., None])[..., 0])
        rows, cols = linear_sum_assignment(np.where(d2 < gate, d2, 1e12))
        ok = d2[rows, cols] < gate
        rows, cols = rows[ok], cols[ok]
        if rows.size:
            xs[rows], ps[rows], _ = covariance_intersection(xs[rows], ps[rows], x[cols], p[cols])
            count[rows] += 1
        rest = np.setdiff1d(np.arange(len(i)), cols)
        ids = np.concatenate([ids, i[rest]])
        xs = np.concatenate([xs, x[rest]])
        ps = np.concatenate([ps, p[rest]])
        count = np.concatenate([count, np.ones(rest.size, int)])
    if ids is None:
        return np.zeros(0, np.int64), np.zeros((0, 6)), np.zeros((0, 6, 6)), np.zeros(0, int)
    return ids, xs, ps, count
