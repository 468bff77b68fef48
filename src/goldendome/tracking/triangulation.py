"""Bearings-only space infrared detections turned into 3-D positions: multi-satellite triangulation.

A satellite's infrared sensor measures only a line of sight. Two or more satellites seeing the same booster fix it
in space: the point closest, in the weighted least-squares sense, to every line (each line's perpendicular
miss divided by its angular error times range):

    minimise  sum_k |(I - u_k u_k^T)(p - s_k)|^2 / (sigma_k r_k)^2
    p = A^-1 sum_k W_k s_k,   A = sum_k W_k,   W_k = (I - u_k u_k^T) / (sigma_k r_k)^2,   cov(p) = A^-1

(the linear triangulation of Hartley & Sturm, "Triangulation", CVIU 1997, with the range weighting of
bearings-only localisation; iterated twice so the ranges r_k are those of the solution). The residual is
chi-square with 2k - 3 degrees of freedom for rays of the same target -- the association test.

Which lines belong together (the data association of bearings-only sensors) is solved against a reference
satellite: the one with the most detections; every other satellite's lines are paired with the reference lines
by an assignment on the two-ray chi-square, gated, and each reference line with at least one partner is
triangulated from all its partners. Ghosts -- wrong pairings of targets that lie in the same plane as two
satellites -- pass the gate when geometry is poor; a third satellite removes most of them.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2


def triangulate(origins, los, sigma_rad, iterations: int = 2):
    """Least-squares point of k lines of sight (see the module docstring).

    origins (k, 3), los (k, 3) unit vectors, sigma_rad (k,) or scalar. Returns (point (3,), covariance (3, 3),
    chi-square residual). Needs two or more non-parallel lines.
    """
    s = np.asarray(origins, float).reshape(-1, 3)
    u = np.asarray(los, float).reshape(-1, 3)
    sig = np.broadcast_to(np.asarray(sigma_rad, float), (s.shape[0],))
    proj = np.eye(3) - u[:, :, None] * u[:, None, :]
    rng_k = np.full(s.shape[0], 1.0)
    for _ in range(iterations + 1):
        w = proj / ((sig * rng_k) ** 2)[:, None, None]
        a = w.sum(axis=0)
        p = np.linalg.solve(a, np.einsum("kij,kj->i", w, s))
        rng_k = np.maximum(np.einsum("ki,ki->k", p - s, u), 1.0)
    miss = np.einsum("kij,kj->ki", proj, p - s)
    res = float(np.sum(np.sum(miss**2, axis=1) / (sig * rng_k) ** 2))
    return p, np.linalg.inv(a), res


def _two_ray_chi2(s1, u1, s2, u2, sig1, sig2):
    """Chi-square (1 dof) of the closest approach of every pair of rays (n1, n2): the skew distance over its
    standard deviation, each ray's angular error at the range of its closest point."""
    w = s1[:, None, :] - s2[None, :, :]
    a = 1.0
    b = np.einsum("id,jd->ij", u1, u2)
    d = np.einsum("ijd,id->ij", w, u1)
    e = np.einsum("ijd,jd->ij", w, u2)
    den = np.maximum(a * 1.0 - b * b, 1e-12)
    t1 = (b * e - d) / den  # along ray 1
    t2 = (a * e - b * d) / den  # along ray 2
    gap = w + t1[..., None] * u1[:, None, :] - t2[..., None] * u2[None, :, :]
    dist2 = np.sum(gap**2, axis=-1)
    var = (sig1 * np.maximum(t1, 1.0)) ** 2 + (sig2 * np.maximum(t2, 1.0)) ** 2
    ahead = (t1 > 0) & (t2 > 0)  # both satellites look towards the meeting point
    return np.where(ahead, dist2 / var, np.inf)


def associate_and_triangulate(sensor_id, origins, los, sigma_rad, gate_probability: float = 0.9999):
    """3-D points from one look's bearings of several satellites (see the module docstring).

    sensor_id (D,), origins (D, 3), los (D, 3), sigma_rad (D,) or scalar. Returns (points (P, 3), covariances
    (P, 3, 3), rows: list of the detection indices behind each point)."""
    sensor_id = np.asarray(sensor_id)
    s = np.asarray(origins, float).reshape(-1, 3)
    u = np.asarray(los, float).reshape(-1, 3)
    sig = np.broadcast_to(np.asarray(sigma_rad, float), (s.shape[0],)).copy()
    sats, counts = np.unique(sensor_id, return_counts=True)
    if sats.size < 2:
        return np.zeros((0, 3)), np.zeros((0, 3, 3)), []
    ref = sats[np.argmax(counts)]
    r_idx = np.flatnonzero(sensor_id == ref)
    partners = [[int(i)] for i in r_idx]
    gate = chi2.ppf(gate_probability, 1)
    for other in sats[sats != ref]:
        o_idx = np.flatnonzero(sensor_id == other)
        cost = _two_ray_chi2(s[r_idx], u[r_idx], s[o_idx], u[o_idx], sig[r_idx][:, None], sig[o_idx][None, :])
        finite = np.where(np.isfinite(cost), cost, 1e12)
        rows, cols = linear_sum_assignment(finite)
        for a, b in zip(rows, cols, strict=True):
            if cost[a, b] < gate:
                partners[a].append(int(o_idx[b]))
    points, covs, used = [], [], []
    for group in partners:
        if len(group) < 2:
            continue
        p, c, _ = triangulate(s[group], u[group], sig[group])
        points.append(p)
        covs.append(c)
        used.append(group)
    if not points:
        return np.zeros((0, 3)), np.zeros((0, 3, 3)), []
    return np.array(points), np.array(covs), used
