"""Numerical integration of many bodies at once: classical Runge-Kutta with a step per body.

Powered flight, re-entry and decoy separation have no closed form, so states are integrated numerically. Every body
carries its own clock and step so that stage burnouts, thrust cut-off and impact fall exactly on a step boundary
(a thrust discontinuity inside a step would cost RK4 its fourth order). One call advances an (N, 6) state; no loop
over bodies. Reference: Butcher, *Numerical Methods for ODEs* (2016), sec. 23 (RK4 tableau).
"""


def rk4_step(deriv, t, y, dt, k1=None):
    """Advance y' = deriv(t, y) by one classical RK4 step of per-body length dt.

    t : (N,) time of each body, s; y : (N, D) state; dt : (N,) step, s (0 leaves a body in place).
    deriv(t, y) must return (N, D) and be evaluated row-wise (body i depends only on row i).
    k1 : deriv(t, y) when the caller has already evaluated it (e.g. to read guidance state at the step start).
    """
    h = dt[:, None]
    k1 = deriv(t, y) if k1 is None else k1
    k2 = deriv(t + 0.5 * dt, y + 0.5 * h * k1)
    k3 = deriv(t + 0.5 * dt, y + 0.5 * h * k2)
    k4 = deriv(t + dt, y + h * k3)
    return y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def hermite_position(t0, r0, v0, t1, r1, v1, t):
    """Cubic Hermite interpolation of position and its derivative (velocity) between two states.

    All inputs broadcast; t0 < t <= t1 per row. Returns (r, v) at t. Position error O(h^4), velocity O(h^3).
    """
    h = (t1 - t0)[..., None]
    s = ((t - t0)[..., None]) / h
    s2, s3 = s * s, s * s * s
    h00, h10, h01, h11 = 2 * s3 - 3 * s2 + 1, s3 - 2 * s2 + s, -2 * s3 + 3 * s2, s3 - s2
    r = h00 * r0 + h10 * h * v0 + h01 * r1 + h11 * h * v1
    d00, d10, d01, d11 = 6 * s2 - 6 * s, 3 * s2 - 4 * s + 1, -6 * s2 + 6 * s, 3 * s2 - 2 * s
    v = (d00 * r0 + d01 * r1) / h + d10 * v0 + d11 * v1
    return r, v
