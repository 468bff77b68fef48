"""Engagement windows: when can each battery's interceptor meet each tracked object?

For a battery at a site with an interceptor of known fly-out (:class:`goldendome.effectors.interceptors.Interceptor`:
uniform boost to burnout speed, then coast) launched at t_launch, a point of a track's predicted path at time T,
distance d from the site and height h is reachable (:func:`goldendome.effectors.interceptors.engageable`) if

    t_launch + t_fly(d) <= T,   min_altitude <= h <= max_altitude,   d <= max_range.

The window of the pair is the span [first, last] of reachable path times: the first is the predicted intercept
point (PIP) of a shot fired now; the last bounds a later shot (shoot-look-shoot needs a second opportunity after
the first intercept and its kill assessment). A track whose window is empty for every battery of a layer is
outside that layer's envelope. Vectorised over all path samples, one pass per battery.
"""

from dataclasses import dataclass

import numpy as np

from goldendome.c2.forecast import Forecast
from goldendome.effectors.interceptors import engageable


@dataclass(frozen=True)
class Windows:
    """Engagement windows of B batteries against N tracks (NaN where none).

    t_first_s, t_last_s : (B, N) earliest and latest reachable path time for a launch at each battery's launch time;
    fly_out_s : (B, N) interceptor time of flight to the earliest point; pip_ecef_m : (B, N, 3) that point.
    """

    t_first_s: np.ndarray
    t_last_s: np.ndarray
    fly_out_s: np.ndarray
    pip_ecef_m: np.ndarray

    @property
    def open(self) -> np.ndarray:
        """(B, N) bool: the battery can engage the track with a shot launched at its launch time."""
        return np.isfinite(self.t_first_s)


def engagement_windows(forecast: Forecast, sites_ecef_m, weapons: list, t_launch_s) -> Windows:
    """Windows of batteries at sites_ecef_m (B, 3) carrying weapons (B Interceptors), launching at t_launch_s (B,)
    (now plus each battery's command latency), against the predicted paths of a forecast's N tracks."""
    sites = np.asarray(sites_ecef_m, float).reshape(-1, 3)
    b_n, n = sites.shape[0], forecast.n
    t_launch = np.broadcast_to(np.asarray(t_launch_s, float), (b_n,))
    first = np.full((b_n, n), np.nan)
    last = np.full((b_n, n), np.nan)
    fly = np.full((b_n, n), np.nan)
    pip = np.full((b_n, n, 3), np.nan)
    if n == 0 or b_n == 0 or forecast.path_t_s.size == 0:
        return Windows(first, last, fly, pip)
    track, t, pos, alt = forecast.path_track, forecast.path_t_s, forecast.path_ecef_m, forecast.path_alt_m
    counts = np.bincount(track, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    rows = np.arange(t.size)
    for b in range(b_n):
        d = np.linalg.norm(pos - sites[b], axis=1)
        ok, tf = engageable(weapons[b], t_launch[b], t, d, alt)
        # the first and last reachable sample of each track's segment (rows are sorted by track)
        j_first = np.minimum.reduceat(np.where(ok, rows, t.size), starts[has])
        j_last = np.maximum.reduceat(np.where(ok, rows, -1), starts[has])
        found = j_first < t.size
        tracks = np.flatnonzero(has)[found]
        jf, jl = j_first[found], j_last[found]
        first[b, tracks] = t[jf]
        last[b, tracks] = t[jl]
        fly[b, tracks] = tf[jf]
        pip[b, tracks] = pos[jf]
    return Windows(first, last, fly, pip)
