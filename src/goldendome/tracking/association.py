"""Gated global-nearest-neighbour data association that scales: a k-d tree finds the few detections near each track,
so 100,000 objects never build a dense N x M matrix; the Mahalanobis gate keeps the statistically plausible pairs;
and the assignment (scipy's sparse ``min_weight_full_bipartite_matching``, the LAPJVsp variant of the
Jonker-Volgenant solver) runs only on the clusters where several tracks compete for several detections -- a
cluster with one track or one detection is decided by its cheapest edge.

GNN minimises the sum of squared Mahalanobis distances d^2 = nu^T S^-1 nu of the assigned pairs, a track left
unassigned costing the gate gamma (Blackman & Popoli, *Design and Analysis of Modern Tracking Systems*, 1999,
sec. 6.4; the chi-square gate, sec. 6.3.2).
"""

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

MAX_CANDIDATES = 8
"""Detections considered per track: the nearest this many inside its gate sphere (more than 8 detections inside one
track's gate is a cluster no assignment resolves well; the farther ones are left to other tracks)."""


def candidate_pairs(track_pos, radius, det_pos, k: int = MAX_CANDIDATES):
    """(track index, detection index) pairs: each track's nearest k detections within its radius (k-d tree, one
    vectorised query; no per-track Python lists)."""
    n, m = len(track_pos), len(det_pos)
    if n == 0 or m == 0:
        return np.zeros(0, int), np.zeros(0, int)
    radius = np.broadcast_to(np.asarray(radius, float), (n,))
    k = min(k, m)
    dist, idx = cKDTree(det_pos).query(track_pos, k=k, distance_upper_bound=float(radius.max()), workers=-1)
    dist, idx = dist.reshape(n, k), idx.reshape(n, k)
    keep = dist <= radius[:, None]
    return np.broadcast_to(np.arange(n)[:, None], (n, k))[keep], idx[keep]


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
    tracks_per_comp = np.bincount(label[:n_tracks], minlength=label.max() + 1)
    dets_per_comp = np.bincount(label[n_tracks:], minlength=label.max() + 1)
    # a cluster with one track (it takes its nearest detection) or one detection (the nearest track takes it) needs
    # no assignment solver: the cheapest edge is the optimum
    simple = (tracks_per_comp[comp] == 1) | (dets_per_comp[comp] == 1)
    e = np.flatnonzero(simple)
    if e.size:
        e = e[np.lexsort((cost[e], comp[e]))]
        first = np.r_[True, comp[e][1:] != comp[e][:-1]]
        out[ti[e[first]]] = dj[e[first]]
    rest = np.flatnonzero(~simple)
    if rest.size == 0:
        return out
    # the contested clusters, all at once: a minimum-weight full bipartite matching (scipy's sparse LAPJV) of their
    # tracks onto their detections plus one private "no detection" column per track at the gate's cost
    tracks, t_local = np.unique(ti[rest], return_inverse=True)
    dets, d_local = np.unique(dj[rest], return_inverse=True)
    a, b = tracks.size, dets.size
    rows = np.concatenate([t_local, np.arange(a)])
    cols = np.concatenate([d_local, b + np.arange(a)])
    weights = np.concatenate([cost[rest], np.full(a, gate)]) + 1e-9  # an explicit zero would read as no edge
    biadj = csr_matrix((weights, (rows, cols)), shape=(a, a + b))
    r, c = min_weight_full_bipartite_matching(biadj)
    real = c < b
    out[tracks[r[real]]] = dets[c[real]]
    return out
