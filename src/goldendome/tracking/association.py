"""Gated global-nearest-neighbour data association that scales: a k-d tree finds the few detections near each track,
so 100,000 objects never build a dense N x M matrix; the Mahalanobis gate keeps the statistically plausible pairs;
and the assignment (scipy's sparse ``min_weight_full_bipartite_matching``, the LAPJVsp variant of the
Jonker-Volgenant solver) runs only on the clusters where several tracks compete for several detections -- a
cluster with one track or one detection is decided by its cheapest edge.

GNN minimises the sum of squared Mahalanobis distances d^2 = nu^T S^-1 nu of the assigned pairs, a track left
unassigned costing the gate gamma (Blackman & Popoli, *Design and Analysis of Modern Tracking Systems*, 1999,
sec. 6.4; the chi-square gate, sec. 6.3.2).
"""

import numba
import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

MAX_CANDIDATES = 8
"""Detections considered per track: the nearest this many inside its gate sphere (more than 8 detections inside one
track's gate is a cluster no assignment resolves well; the farther ones are left to other tracks)."""


BRUTE_FORCE_PAIRS = 1 << 18
"""Up to this many track x detection distances, they are computed outright in one compiled pass (a raid's look, 500
tracks x 200 detections, in a fraction of a k-d tree's build and query); above, a k-d tree finds the candidates."""
PARALLEL_QUERIES = 20_000
"""Above this many (track, neighbour) queries the k-d tree search runs on every core."""


def candidate_pairs(track_pos, radius, det_pos, k: int = MAX_CANDIDATES):
    """(track index, detection index) pairs: each track's nearest k detections within its radius, track by track,
    nearest first (no per-track Python lists): every distance in one compiled pass for a battle-sized look, a k-d
    tree (one vectorised query, bounded by the largest radius) for a larger one. The same pairs either way (the k
    nearest within a bound at least a track's radius, less those beyond its radius, are its k nearest within it;
    exact ties aside, whose order the tree may give otherwise)."""
    n, m = len(track_pos), len(det_pos)
    if n == 0 or m == 0:
        return np.zeros(0, int), np.zeros(0, int)
    radius = np.ascontiguousarray(np.broadcast_to(np.asarray(radius, float), (n,)))
    k = min(k, m)
    if n * m <= BRUTE_FORCE_PAIRS:
        c = np.ascontiguousarray
        return _nearest_pairs(c(track_pos, float), radius, c(det_pos, float), k)
    # threads pay off only for big queries: starting them costs ~1 ms, more than a small scan's whole query
    workers = -1 if n * k > PARALLEL_QUERIES else 1
    dist, idx = cKDTree(det_pos).query(track_pos, k=k, distance_upper_bound=float(radius.max()), workers=workers)
    dist, idx = dist.reshape(n, k), idx.reshape(n, k)
    keep = dist <= radius[:, None]
    return np.broadcast_to(np.arange(n)[:, None], (n, k))[keep], idx[keep]


@numba.njit(cache=True)
def _nearest_pairs(tracks, radius, dets, k):  # pragma: no cover - compiled
    """Each track's nearest k detections within its radius, nearest first (ties: the lower index), every distance
    computed: a running list of the k best by insertion (squared distances screen, the distance decides)."""
    n, m = tracks.shape[0], dets.shape[0]
    ti, dj = np.empty(n * k, np.int64), np.empty(n * k, np.int64)
    best_d, best_j = np.empty(k), np.empty(k, np.int64)
    out = 0
    for i in range(n):
        r = radius[i]
        screen = r * r * (1.0 + 1e-9)
        x0, x1, x2 = tracks[i, 0], tracks[i, 1], tracks[i, 2]
        found = 0
        for j in range(m):
            a, b, c = x0 - dets[j, 0], x1 - dets[j, 1], x2 - dets[j, 2]
            d2 = a * a + b * b + c * c
            if not d2 <= screen:
                continue
            dist = np.sqrt(d2)
            if not dist <= r or (found == k and not dist < best_d[k - 1]):
                continue
            q = found if found < k else k - 1  # the slot it takes: the end, or the worst one's
            while q > 0 and dist < best_d[q - 1]:  # after equal distances: the lower index stays first
                if q < k:
                    best_d[q], best_j[q] = best_d[q - 1], best_j[q - 1]
                q -= 1
            best_d[q], best_j[q] = dist, j
            found = min(found + 1, k)
        for q in range(found):
            ti[out], dj[out] = i, best_j[q]
            out += 1
    return ti[:out], dj[:out]


def gnn_assign(n_tracks: int, n_dets: int, ti, dj, cost, gate: float):
    """Global nearest neighbour over sparse candidate pairs (ti, dj, cost), cost < gate.

    Returns assignment (n_tracks,) int: the detection of each track, -1 for none. Each detection goes to at most one
    track; the total cost (unassigned tracks cost gate each) is minimal within every cluster.
    """
    out = np.full(n_tracks, -1)
    if ti.size == 0:
        return out
    if np.bincount(ti).max() == 1 and np.bincount(dj).max() == 1:
        out[ti] = dj  # every pair is its own cluster (the usual case of a few well-separated targets)
        return out
    label = _clusters(n_tracks, n_dets, np.ascontiguousarray(ti, np.int64), np.ascontiguousarray(dj, np.int64))
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
    r, c = min_weight_full_bipartite_matching(_biadjacency(t_local, d_local, cost[rest], tracks.size, dets.size, gate))
    b = dets.size
    real = c < b
    out[tracks[r[real]]] = dets[c[real]]
    return out


def _biadjacency(rows, cols, weights, a: int, b: int, gate: float) -> csr_matrix:
    """The (a, a + b) matrix of a tracks' edges (rows, cols, weights; each pair once) to b detections and to one
    private "no detection" column b + i per track at the gate's cost, in canonical CSR (columns sorted within each
    row), built directly: what scipy makes of the same edges as COO, without its conversion (a third of the time of
    a battle look's small assignment). Every weight is raised by 1e-9: an explicit zero would read as no edge."""
    order = np.lexsort((cols, rows))
    indptr = np.zeros(a + 1, np.int32)
    np.cumsum(np.bincount(rows, minlength=a) + 1, out=indptr[1:])
    indices, data = np.empty(indptr[-1], np.int32), np.empty(indptr[-1])
    at = np.arange(rows.size) + rows[order]  # each edge's slot: the rows before it hold one gate column more each
    indices[at], data[at] = cols[order], weights[order] + 1e-9
    gates = indptr[1:] - 1  # the gate column, the highest of its row, closes it
    indices[gates], data[gates] = b + np.arange(a), gate + 1e-9
    return csr_matrix((data, indices, indptr), shape=(a, a + b))


@numba.njit(cache=True)
def _clusters(n_tracks, n_dets, ti, dj):  # pragma: no cover - compiled
    """Connected components of the bipartite graph of candidate pairs (tracks 0..n_tracks-1, detections after them):
    a label per node, numbered 0.. in order of each component's smallest node (union-find with path halving; the
    numbering scipy's connected_components gives)."""
    parent = np.arange(n_tracks + n_dets)
    for k in range(ti.shape[0]):
        a, b = ti[k], n_tracks + dj[k]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    label = np.empty(n_tracks + n_dets, np.int64)
    next_label = 0
    for i in range(n_tracks + n_dets):
        r = i
        while parent[r] != r:
            r = parent[r]
        if r == i:
            label[i] = next_label
            next_label += 1
        else:
            label[i] = label[r]
    return label


MAX_JPDA_TRACKS = 8
"""Clusters with more tracks than this fall back to GNN for their joint events (enumeration grows factorially)."""


def jpda_weights(n_tracks: int, ti, dj, ratio, miss):
    """Joint probabilistic data association (Fortmann, Bar-Shalom & Scheffe 1983; Bar-Shalom et al. 2011, sec. 6.2):
    marginal association probabilities of gated pairs, from every feasible joint event of each cluster.

    ti, dj: gated pairs; ratio: Pd N(nu; 0, S) / lambda of each pair (likelihood ratio against clutter of spatial
    density lambda); miss (n_tracks,): 1 - Pd Pg, a track's weight for "no detection". An event gives each track at
    most one detection and each detection at most one track; its weight is the product over tracks of ratio or miss.
    Returns (beta of each pair (K,), beta_0 of each track (n_tracks,): the probability it got none).
    """
    beta = np.zeros(ti.size)
    beta0 = np.ones(n_tracks)
    if ti.size == 0:
        return beta, beta0
    n_dets = int(dj.max()) + 1
    graph = coo_matrix((np.ones(ti.size), (ti, n_tracks + dj)), shape=(n_tracks + n_dets,) * 2)
    _, label = connected_components(graph, directed=False)
    comp = label[ti]
    order = np.argsort(comp, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(comp[order])) + 1):
        tracks = np.unique(ti[group])
        if tracks.size > MAX_JPDA_TRACKS:  # too many joint events: each track keeps its best pair (GNN-like)
            for t in tracks:
                mine = group[ti[group] == t]
                best = mine[np.argmax(ratio[mine])]
                beta[best] = ratio[best] / (ratio[best] + miss[t])
                beta0[t] = 1.0 - beta[best]
            continue
        options = [group[ti[group] == t] for t in tracks]  # pair indices open to each track
        total = 0.0
        acc = np.zeros(ti.size)
        acc0 = np.zeros(tracks.size)

        def walk(k, used, weight, chosen, options=options, tracks=tracks, acc=acc, acc0=acc0):
            nonlocal total
            if k == tracks.size:
                total += weight
                for kk, pair in enumerate(chosen):
                    if pair < 0:
                        acc0[kk] += weight
                    else:
                        acc[pair] += weight
                return
            walk(k + 1, used, weight * miss[tracks[k]], chosen + [-1])
            for pair in options[k]:
                if dj[pair] not in used:
                    walk(k + 1, used | {int(dj[pair])}, weight * ratio[pair], chosen + [int(pair)])

        walk(0, frozenset(), 1.0, [])
        beta[group] = acc[group] / total
        beta0[tracks] = acc0 / total
    return beta, beta0
