"""Where will a tracked object come down, how sure is the battle manager, and where can it be intercepted?

A track is a state estimate x (ECI position and velocity, m and m/s) with its covariance P (6x6). The battle
manager needs three things from it:

1. the predicted impact point and time, with the uncertainty of the point on the ground: the mean state is flown
   to the ground (drag and J2), and P is carried to the ground by the unscented transform (Julier & Uhlmann,
   "Unscented filtering and nonlinear estimation", Proc. IEEE 92(3), 2004): the 2n = 12 sigma points x +/- columns
   of sqrt(n P) go to the impact sphere on their vacuum conics (closed-form Kepler, a thousand times cheaper than
   flying them), and the spread of their impact points about the mean state's conic impact is the 2x2 east-north
   covariance of the predicted impact (equal weights 1/(2n), kappa = 0). Drag moves all points nearly alike: the
   vacuum spread is the sensitivity that matters (for an endo-atmospheric rocket it overstates it somewhat);
2. the predicted path of the mean state, sampled every few seconds, along which the engagement windows of every
   battery are searched (:func:`goldendome.c2.windows.engagement_windows`);
3. whether a prediction exists at all: a state that never comes down (orbital) or is still thrusting has none.

Ballistic objects (re-entry vehicles, decoys, burnt-out boosters, rockets) are flown by the same compiled drag and
J2 integrator as the threats (:func:`goldendome.threats.flight.fly`), with a nominal ballistic coefficient the
battle manager assumes (it does not know the true one): 5,000 kg/m^2 for a generic RV-class body (ASSUMPTION, the
middle of the 1,000-15,000 kg/m^2 band of public re-entry-vehicle discussions, e.g. Regan, *Re-Entry Vehicle
Dynamics*, AIAA 1984, ch. 1). A light decoy, whose real beta is far lower, is then predicted to fall where an RV
would: the decoy's deception, until the air strips it away.

Manoeuvring objects (cruise missiles, glide vehicles) have no ballistic impact: their path is extrapolated along
their current ground course at their current speed and height (:func:`heading_path`), the assumption a
defence must make of a target whose destination it does not know.
"""

from dataclasses import dataclass
from functools import partial

import numba
import numpy as np

from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import R_EARTH_MEAN_M
from goldendome.physics.frames import (
    corotating_velocity,
    ecef_to_geodetic,
    eci_to_ecef,
    eci_to_ecef_with_height,
    geodetic_to_ecef,
    rot_ecef_to_enu,
)
from goldendome.physics.greatcircle import destination
from goldendome.physics.timescale import gmst_at
from goldendome.threats.flight import coast_plan, fly, predict_impact

NOMINAL_BETA_KG_M2 = 5000.0
"""Ballistic coefficient the battle manager assumes for every ballistic track (see the module docstring)."""

PATH_DT_S = 4.0
"""Spacing (s) of the predicted path's samples handed to the engagement-window search."""


@dataclass(frozen=True)
class Forecast:
    """Predicted impacts of N tracks and the predicted paths of their mean states.

    t_impact_s : (N,) scenario time of impact, NaN where none; lat_rad, lon_rad : (N,) geodetic impact point;
    cov_en_m2 : (N, 2, 2) east-north covariance of the impact point; valid : (N,) bool.
    path_track : (M,) index of the track each path sample belongs to (sorted); path_t_s : (M,) scenario time;
    path_ecef_m : (M, 3) Earth-fixed position; path_alt_m : (M,) geodetic height.
    """

    t_impact_s: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    cov_en_m2: np.ndarray
    valid: np.ndarray
    path_track: np.ndarray
    path_t_s: np.ndarray
    path_ecef_m: np.ndarray
    path_alt_m: np.ndarray

    @property
    def n(self) -> int:
        return int(self.t_impact_s.size)

    @staticmethod
    def empty() -> "Forecast":
        z = np.zeros(0)
        return Forecast(z, z, z, np.zeros((0, 2, 2)), np.zeros(0, bool), np.zeros(0, int), z, np.zeros((0, 3)), z)

    @staticmethod
    def concatenate(parts: "list[Forecast]") -> "Forecast":
        """Join the forecasts of disjoint track sets (track indices renumbered in order)."""
        parts = [p for p in parts if p.n] or [Forecast.empty()]
        offsets = np.cumsum([0] + [p.n for p in parts[:-1]])
        cat = np.concatenate
        track = cat([p.path_track + o for p, o in zip(parts, offsets, strict=True)])
        return Forecast(
            cat([p.t_impact_s for p in parts]),
            cat([p.lat_rad for p in parts]),
            cat([p.lon_rad for p in parts]),
            cat([p.cov_en_m2 for p in parts]),
            cat([p.valid for p in parts]),
            track,
            cat([p.path_t_s for p in parts]),
            cat([p.path_ecef_m for p in parts]),
            cat([p.path_alt_m for p in parts]),
        )

    def take(self, order) -> "Forecast":
        """The forecast of tracks ``order`` (an index array), renumbered 0..len(order)-1."""
        order = np.asarray(order, int)
        inverse = np.full(self.n, -1)
        inverse[order] = np.arange(order.size)
        keep = inverse[self.path_track] >= 0
        new_track = inverse[self.path_track[keep]]
        sort = np.argsort(new_track, kind="stable")
        return Forecast(
            self.t_impact_s[order],
            self.lat_rad[order],
            self.lon_rad[order],
            self.cov_en_m2[order],
            self.valid[order],
            new_track[sort],
            self.path_t_s[keep][sort],
            self.path_ecef_m[keep][sort],
            self.path_alt_m[keep][sort],
        )


def sigma_points(x, p):
    """Symmetric sigma points of states x (N, 6) with covariances p (N, 6, 6): (N, 12, 6), x +/- columns of
    sqrt(6 P) (a Cholesky factor; a covariance that is not positive definite is repaired by its eigenvalues)."""
    x = np.asarray(x, float)
    n = x.shape[1]
    p = 0.5 * (np.asarray(p, float) + np.swapaxes(p, 1, 2))
    try:
        s = np.linalg.cholesky(n * p)
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(n * p)
        s = v * np.sqrt(np.clip(w, 0.0, None))[:, None, :]
    cols = np.swapaxes(s, 1, 2)  # (N, 6 columns, 6)
    return np.concatenate([x[:, None, :] + cols, x[:, None, :] - cols], axis=1)


def ballistic_forecast(
    x_eci, p_eci, t_s: float, epoch, beta_kg_m2: float = NOMINAL_BETA_KG_M2, max_time_s: float = 3600.0
) -> Forecast:
    """Impact forecasts of N ballistic tracks with states x_eci (N, 6) and covariances p_eci (N, 6, 6) at scenario
    time t_s: the mean states flown to the ground with their paths recorded (one parallel call, the integrator's
    coarse steps: 10 s in vacuum, 0.5 s below 80 km, which move an ICBM RV's predicted impact by ~0.1 m against the
    fine steps at a third of the cost -- nothing beside a spread of kilometres), the 12 sigma points per track
    carried to the impact sphere on their conics."""
    x = np.asarray(x_eci, float).reshape(-1, 6)
    n = x.shape[0]
    if n == 0:
        return Forecast.empty()
    theta = partial(gmst_at, epoch)
    mean = fly(
        coast_plan(np.full(n, t_s), np.full(n, beta_kg_m2)),
        theta,
        until="impact",
        record=True,
        max_time_s=max_time_s,
        y0_eci=x,
        coarse=True,
    )
    t_imp = t_s + mean.end_tau
    impact = eci_to_ecef(mean.end_state[:, :3], theta(t_imp))
    lat, lon, _ = ecef_to_geodetic(impact)
    # the spread: sigma points and the mean state to the impact sphere in vacuum (Kepler); the drag the mean state
    # feels shifts every point nearly alike, so the spread about the vacuum mean is the impact's uncertainty
    sig = np.concatenate([x[:, None, :], sigma_points(x, p_eci)], axis=1).reshape(-1, 6)
    radius = np.repeat(np.linalg.norm(mean.end_state[:, :3], axis=1), 13)
    kep, _, _, kep_ok = predict_impact(sig[:, :3], sig[:, 3:], np.full(len(sig), t_s), radius, theta)
    kep = kep.reshape(n, 13, 3)
    enu = rot_ecef_to_enu(lat, lon)  # (N, 3, 3)
    d_en = np.einsum("nij,nkj->nki", enu, kep[:, 1:] - kep[:, :1])[..., :2]
    cov = np.einsum("nki,nkj->nij", d_en, d_en) / 12.0
    spread_ok = kep_ok.reshape(n, 13).all(axis=1)
    cov[~spread_ok] = np.nan
    valid = mean.impacted & spread_ok
    # the recorded path, resampled every PATH_DT_S (the integrator's steps are irregular), all tracks in one pass
    rows, grid, r_eci = resample_paths(mean.idx, mean.tau, mean.y, n, PATH_DT_S)
    path_t = t_s + grid
    path_ecef, alt = eci_to_ecef_with_height(r_eci, _path_theta(theta, t_s, rows, grid, PATH_DT_S))
    return Forecast(
        np.where(valid, t_imp, np.nan),
        np.where(valid, lat, np.nan),
        np.where(valid, lon, np.nan),
        cov,
        valid,
        rows,
        path_t,
        path_ecef,
        alt,
    )


def _path_theta(theta, t_s: float, rows, grid, dt_s: float):
    """theta(t_s + grid) over resampled paths (:func:`resample_paths`: each flight's samples at 0, dt, 2 dt, ...,
    then its last record), the regular samples read from one table of the times they share: the same numbers as
    theta over every sample (each is the same function of the same time), for a fraction of the work."""
    if grid.size == 0:
        return theta(t_s + grid)
    first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    last = np.r_[first[1:], grid.size] - 1
    slot = np.arange(grid.size) - np.repeat(first, last - first + 1)
    out = theta(t_s + np.arange(int(slot.max()) + 1) * dt_s)[slot]
    out[last] = theta(t_s + grid[last])
    return out


def heading_path(x_eci, p_eci, t_s: float, epoch, horizon_s: float = 1800.0) -> Forecast:
    """Forecasts of N manoeuvring tracks (cruise missiles, glide vehicles): each extrapolated along its current
    ground course at its current ground speed and height for horizon_s, with no impact predicted (valid False);
    the position covariance grows with the velocity uncertainty (cov_en = P_pos + t^2 P_vel at the path's end)."""
    x = np.asarray(x_eci, float).reshape(-1, 6)
    n = x.shape[0]
    if n == 0:
        return Forecast.empty()
    theta0 = float(gmst_at(epoch, t_s))
    r = eci_to_ecef(x[:, :3], theta0)
    # the Earth-fixed velocity: the inertial one less the frame's rotation
    v = eci_to_ecef(x[:, 3:], theta0) - corotating_velocity(r)
    lat, lon, h = ecef_to_geodetic(r)
    enu = rot_ecef_to_enu(lat, lon)
    v_enu = np.einsum("nij,nj->ni", enu, v)
    speed = np.hypot(v_enu[:, 0], v_enu[:, 1])
    course = np.arctan2(v_enu[:, 0], v_enu[:, 1])
    grid = np.arange(0.0, horizon_s + 1e-9, PATH_DT_S)
    ang = speed[:, None] * grid[None, :] / R_EARTH_MEAN_M
    plat, plon = destination(lat[:, None], lon[:, None], course[:, None], ang)
    height = np.broadcast_to(np.maximum(h, 0.0)[:, None], plat.shape)
    pos = geodetic_to_ecef(plat.ravel(), plon.ravel(), height.ravel())
    p = np.asarray(p_eci, float).reshape(-1, 6, 6)
    cov = np.einsum("nij,njk,nlk->nil", enu[:, :2], p[:, :3, :3] + horizon_s**2 * p[:, 3:, 3:], enu[:, :2])
    nan = np.full(n, np.nan)
    return Forecast(
        nan,
        nan,
        nan,
        cov,
        np.zeros(n, bool),
        np.repeat(np.arange(n), grid.size),
        np.tile(t_s + grid, n),
        pos,
        height.ravel().copy(),
    )


PARALLEL_PATHS = 256
"""From this many forecast paths the resampling runs on every core."""


def resample_paths(idx, tau, y, n: int, dt_s: float):
    """Recorded flights (rows sorted by flight ``idx``, times ``tau`` from each flight's start, states ``y``) resampled
    every dt_s from 0 to each flight's last record, that record included: (flight of each sample, tau, ECI position).
    A flight with fewer than two records has no path. Linear interpolation with np.interp's arithmetic (the same
    numbers as interpolating flight by flight), in one compiled pass over every flight."""
    idx = np.ascontiguousarray(idx, np.int64)
    counts = np.bincount(idx, minlength=n) if idx.size else np.zeros(n, np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    has = counts >= 2
    last = np.zeros(n)
    last[has] = tau[(starts + counts - 1)[has]]
    # samples per flight: len(np.arange(0, last, dt)) + the last record itself
    per = np.where(has, np.ceil(last / dt_s).astype(np.int64) + 1, 0)
    offsets = np.concatenate([[0], np.cumsum(per)]).astype(np.int64)
    out_rows = np.repeat(np.arange(n), per)
    out_tau = np.empty(int(offsets[-1]))
    out_r = np.empty((int(offsets[-1]), 3))
    c = np.ascontiguousarray
    _resample_kernel(n, starts, counts, offsets, c(tau, float), c(y[:, :3], float), float(dt_s), out_tau, out_r)
    return out_rows, out_tau, out_r


@numba.njit(cache=True)
def interp_at(x, xp, fp):  # pragma: no cover - compiled
    """np.interp(x, xp, fp) for one x, the same arithmetic as numpy's C loop (slope times offset plus the left
    value; the right value at or beyond the last abscissa; the left value before the first)."""
    m = xp.shape[0]
    if x >= xp[m - 1]:
        return fp[m - 1]
    if x < xp[0]:
        return fp[0]
    lo, hi = 0, m - 1
    while hi - lo > 1:  # xp[lo] <= x < xp[hi]
        mid = (lo + hi) >> 1
        if xp[mid] <= x:
            lo = mid
        else:
            hi = mid
    slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo])
    res = slope * (x - xp[lo]) + fp[lo]
    if np.isnan(res):
        res = slope * (x - xp[lo + 1]) + fp[lo + 1]
        if np.isnan(res) and fp[lo] == fp[lo + 1]:
            res = fp[lo]
    return res


@sized_kernel(PARALLEL_PATHS)
def _resample_kernel(starts, counts, offsets, tau, r, dt, out_tau, out_r):  # pragma: no cover - compiled
    for k in numba.prange(starts.shape[0]):
        o0, o1 = offsets[k], offsets[k + 1]
        if o1 == o0:
            continue
        s0, s1 = starts[k], starts[k] + counts[k]
        xp = tau[s0:s1]
        for i in range(o1 - o0):
            x = xp[s1 - s0 - 1] if i == o1 - o0 - 1 else i * dt
            out_tau[o0 + i] = x
            for j in range(3):
                out_r[o0 + i, j] = interp_at(x, xp, r[s0:s1, j])
