"""The last seconds of an intercept: a kill vehicle under proportional navigation against its target, batched.

True proportional navigation commands an acceleration perpendicular to the line of sight,

    a_c = N' V_c (omega x u_los),   omega = (r x v_rel) / |r|^2,   V_c = -d|r|/dt

(Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., ch. 2), limited to the vehicle's maximum lateral
acceleration and passed through a first-order lag of time constant tau (the guidance and control system's
response). The relative motion is flown with small steps until the range stops closing; the miss distance is the
closest approach. Zero-lag PN against a target that steps into a constant manoeuvre n_T needs, at intercept,
N' / (N' - 2) n_T (Zarchan, ch. 2, the classic closed form) -- the test of this module.
"""

import numpy as np


def pn_engagement(
    r_rel,
    v_rel,
    target_accel,
    nav_ratio: float = 4.0,
    max_accel: float = 300.0,
    tau_s: float = 0.0,
    dt_s: float = 0.001,
    max_time_s: float = 60.0,
):
    """Fly a batch of end-games: relative position r_rel = target - interceptor (N, 3) m, relative velocity (N, 3)
    m/s, target acceleration (N, 3) m/s^2 (held constant); the interceptor obeys true PN with ratio nav_ratio,
    saturation max_accel (m/s^2) and lag tau_s. Returns (miss distance (N,) m, time of closest approach (N,) s, peak
    achieved acceleration (N,) m/s^2)."""
    r = np.array(r_rel, float).reshape(-1, 3)
    v = np.array(v_rel, float).reshape(-1, 3)
    at = np.broadcast_to(np.asarray(target_accel, float), r.shape)
    n = r.shape[0]
    a_m = np.zeros((n, 3))  # achieved interceptor acceleration
    miss = np.full(n, np.inf)
    t_ca = np.zeros(n)
    peak = np.zeros(n)
    active = np.ones(n, bool)
    t = 0.0
    while active.any() and t < max_time_s:
        rn = np.linalg.norm(r, axis=1)
        omega = np.cross(r, v) / np.maximum(rn**2, 1e-12)[:, None]
        vc = -np.sum(r * v, axis=1) / np.maximum(rn, 1e-12)
        cmd = nav_ratio * vc[:, None] * np.cross(omega, r / np.maximum(rn, 1e-12)[:, None])
        mag = np.linalg.norm(cmd, axis=1)
        cmd *= np.minimum(1.0, max_accel / np.maximum(mag, 1e-12))[:, None]
        a_m = cmd if tau_s <= 0.0 else a_m + (cmd - a_m) * (dt_s / tau_s)
        peak = np.where(active, np.maximum(peak, np.linalg.norm(a_m, axis=1)), peak)
        a_rel = at - a_m
        r_new = r + v * dt_s + 0.5 * a_rel * dt_s**2
        v_new = v + a_rel * dt_s
        closing = np.sum(r_new * v_new, axis=1) < 0.0
        # closest approach inside the step (relative motion nearly straight over one step)
        ended = active & ~closing
        if ended.any():
            rr, vv = r[ended], v[ended]
            s = np.clip(-np.sum(rr * vv, axis=1) / np.maximum(np.sum(vv * vv, axis=1), 1e-12), 0.0, dt_s)
            miss[ended] = np.linalg.norm(rr + vv * s[:, None], axis=1)
            t_ca[ended] = t + s
        active &= closing
        r = np.where(active[:, None], r_new, r)
        v = np.where(active[:, None], v_new, v)
        t += dt_s
    miss = np.where(np.isfinite(miss), miss, np.linalg.norm(r, axis=1))
    return miss, t_ca, peak
