"""Impact-point prediction from a partial track: where will a rocket or a re-entry vehicle come down?

Iron-Dome-like batteries engage only the rockets predicted to fall on defended areas; everything else is left to
fall in open ground (Rafael/IDF public descriptions; the 2012 figure of ~86 % success is for *engaged* rockets).
That decision rests on the impact point predicted from the first seconds of radar track.

Method: the track's positions are fitted by a ballistic body of unknown initial state and ballistic coefficient
(7 parameters: position and velocity at the first track time, log beta) flying under J2 gravity and drag in the
turning US76 air - the same compiled integrator as the threats themselves - by Gauss-Newton / Levenberg-Marquardt
(scipy.optimize.least_squares). All finite-difference perturbations are flown in one parallel call. The fitted body
is flown to the ground; the impact covariance is the parameter covariance sigma^2 (J^T J)^-1 mapped through the
impact point's own Jacobian (linear error propagation: Bar-Shalom, Li & Kirubarajan, *Estimation with Applications
to Tracking and Navigation*, 2001, sec. 1.4 and ch. 3).
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.optimize import least_squares

from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef, rot_ecef_to_enu
from goldendome.physics.integrate import hermite_position
from goldendome.physics.timescale import gmst_at
from goldendome.threats.flight import coast_plan, fly


class PredictionError(ValueError):
    """A track from which no impact point can be predicted, and why."""


@dataclass(frozen=True)
class ImpactPrediction:
    """Predicted impact: time (s), WGS-84 point (rad), ENU covariance of the point (2x2, m^2, east-north), the fitted
    ballistic coefficient (kg/m^2) and the fit's rms residual (m)."""

    t_impact_s: float
    lat_rad: float
    lon_rad: float
    cov_en_m2: np.ndarray
    beta_kg_m2: float
    rms_residual_m: float

    @property
    def sigma_m(self) -> float:
        """Root of the largest eigenvalue of the position covariance: the error ellipse's semi-major axis, m."""
        return float(np.sqrt(np.max(np.linalg.eigvalsh(self.cov_en_m2))))


def _fly_bodies(t0, states, betas, theta_of_t):
    """Fly several ballistic bodies from (t0, state) to the ground; returns the FlightRecord (recorded)."""
    plan = coast_plan(np.full(len(states), t0), np.asarray(betas, float))
    return fly(plan, theta_of_t, until="impact", record=True, y0_eci=np.asarray(states, float))


def _positions_at(rec, k, t_rel):
    """Hermite-interpolated positions of body k of a record at times t_rel after its start (NaN after impact)."""
    sel = rec.idx == k
    tau, y = rec.tau[sel], rec.y[sel]
    j = np.clip(np.searchsorted(tau, t_rel), 1, tau.size - 1)
    r, _ = hermite_position(tau[j - 1], y[j - 1, :3], y[j - 1, 3:], tau[j], y[j, :3], y[j, 3:], t_rel)
    r[t_rel > tau[-1] + 1e-9] = np.nan
    return r


def predict_impact_point(
    t_s, r_eci_m, epoch: dt.datetime, sigma_m: float = 10.0, beta0_kg_m2: float = 5000.0
) -> ImpactPrediction:
    """Fit a drag-ballistic body to track positions (M, 3) ECI at times t_s (M,) and predict its impact.

    sigma_m : 1-sigma position noise of the track (for the covariance); beta0 : starting ballistic coefficient.
    Needs >= 4 track points spanning some curvature (a few seconds of a rocket, tens of seconds of an RV).
    """
    t = np.asarray(t_s, float)
    z = np.asarray(r_eci_m, float)
    if t.size < 4 or z.shape != (t.size, 3) or not np.all(np.isfinite(z)):
        raise PredictionError("need at least 4 finite track points (t, x, y, z) to fit a ballistic path")
    if np.any(np.diff(t) <= 0):
        raise PredictionError("track times must increase")
    theta = partial(gmst_at, epoch)
    t0 = t[0]
    # start: a straight-line fit of the first points gives the initial velocity
    v0 = np.polyfit(t - t0, z, 2)[1]
    p0 = np.concatenate([z[0], v0, [np.log(beta0_kg_m2)]])
    steps = np.array([1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.05])  # finite-difference steps: m, m/s, log beta

    def bodies(p_list):
        states = [p[:6] for p in p_list]
        return _fly_bodies(t0, states, [np.exp(p[6]) for p in p_list], theta)

    def residual_and_jac(p):
        ps = [p] + [p + np.eye(7)[i] * steps[i] for i in range(7)]
        rec = bodies(ps)
        pos = [_positions_at(rec, k, t - t0) for k in range(8)]
        res = (pos[0] - z).ravel()
        jac = np.stack([((pos[k + 1] - pos[0]) / steps[k]).ravel() for k in range(7)], axis=1)
        return np.nan_to_num(res, nan=1e6), np.nan_to_num(jac), rec

    cache = {}

    def fun(p):
        key = p.tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = residual_and_jac(p)
        return cache[key][0]

    def jac(p):
        fun(p)
        return cache[p.tobytes()][1]

    sol = least_squares(fun, p0, jac=jac, method="lm", xtol=1e-10, ftol=1e-10, max_nfev=50)
    p = sol.x
    res = fun(p)
    rms = float(np.sqrt(np.mean(res**2)))
    j = jac(p)
    cov_p = sigma_m**2 * np.linalg.pinv(j.T @ j)
    # the impact point and its sensitivity to the parameters, all flown at once
    rec = cache[p.tobytes()][2]
    t_imp = t0 + rec.end_tau

    def impact_ecef(k):
        return eci_to_ecef(rec.end_state[k, :3], theta(t_imp[k]))

    base = impact_ecef(0)
    if not rec.impacted[0]:
        raise PredictionError("the fitted path does not come down within two hours (orbital or escaping)")
    lat, lon, _ = ecef_to_geodetic(base)
    enu = rot_ecef_to_enu(lat, lon)
    d_en = np.stack([(enu @ (impact_ecef(k + 1) - base))[:2] / steps[k] for k in range(7)], axis=1)  # (2, 7)
    cov_en = d_en @ cov_p @ d_en.T
    return ImpactPrediction(float(t_imp[0]), float(lat), float(lon), cov_en, float(np.exp(p[6])), rms)
