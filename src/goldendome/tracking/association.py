"""Gated global-nearest-neighbour data association that scales: a k-d tree finds the few detections near each track,
so 100,000 objects never build a dense N x M matrix; the Mahalanobis gate keeps the statistically plausible pairs;
and the assignment (scipy's ``linear_sum_assignment``, the Jonker-Volgenant/Hungarian solver) runs only on the
small connected clusters where tracks compete for detections -- an isolated track-detection pair is assigned at once.

GNN minimises the sum of squared Mahalanobis distances d^2 = nu^T S^-1 nu of the assigned pairs, a track left
unassigned costing the gate gamma (Blackman & Popoli, *Design and Analysis of Modern Tracking Systems*, 1999,
sec. 6.4; the chi-square gate, sec. 6.3.2).
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


def candidate_pairs(track_pos, radius, det_pos):
    """(track index, detection index) pairs whose positions are within each track's radius (k-d tree)."""
    if len(track_pos) == 0 or len(det_pos) == 0:
        return np.zeros(0, int), np.zeros(0, int)
    tree = cKDTree(det_pos)
    hits = tree.query_ball_point(track_pos, radius, workers=-1)
    lens = np.fromiter((len(h) for h in hits), int, count=len(hits))
    if lens.sum() == 0:
        return np.zeros(0, int), np.zeros(0, int)
    return np.repeat(np.arange(len(track_pos)), lens), np.concatenate([h for h in hits if h]).astype(int)


def gnn_assign(n_tracks: int, n_dets: int, ti, dj, cost, gate: float):
    """Global nearest neighbour over sparse candidate pairs (ti, dj, cost), cost < gate.

    Returns assignment (n_tracks,) int: the detection of each track, -1 for none. Each detection goes to at most one
    track; the total cost (unassigned tracks cost gate each) is minimal within every cluster.
    """
    out = np.full(n_tracks, -1)
    if ti.size == 0:
        return out
    graph = coo_matrix((np.ones(ti.size), (ti, n_tracks + dj)), shape=(n_tracks + n_dets,) * 2)
    _, label = connected_components(graph, directed=False)
    comp = label[ti]
    edges_per_comp = np.bincount(comp, minlength=label.max() + 1)
    single = edges_per_comp[comp] == 1  # one track, one detection, nothing else near either
    out[ti[single]] = dj[single]
    rest = np.flatnonzero(~single)
    if rest.size == 0:
        return out
    order = rest[np.argsort(comp[rest], kind="stable")]
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    for group in np.split(order, bounds):
        tracks, t_local = np.unique(ti[group], return_inverse=True)
        dets, d_local = np.unique(dj[group], return_inverse=True)
        a, b = tracks.size, dets.size
        big = 1e3 * gate + 1e6
        m = np.full((a, b + a), big)
        m[t_local, d_local] = cost[group]
        m[np.arange(a), b + np.arange(a)] = gate  # the track's own "no detection" column
        rows, cols = linear_sum_assignment(m)
        real = cols < b
        ok = real & (m[rows, cols] < gate)
        out[tracks[rows[ok]]] = dets[cols[ok]]
    return out
