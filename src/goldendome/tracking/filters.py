"""Kalman filters over batches of tracks: states (N, 6) = position then velocity, covariances (N, 6, 6).

Every function takes and returns whole batches: no per-track Python objects on the hot path.

Motion models (Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and Navigation*, 2001):

- :class:`ConstantVelocity` -- the discretised continuous white-noise acceleration model (sec. 6.2.2):
  F = [[I, dt I], [0, I]], Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]] with q the acceleration noise power
  spectral density (m^2/s^3).
- :class:`Ballistic` -- free flight under gravity (point mass + J2, inertial frame): the state is propagated by RK4,
  the transition matrix is the linearised one, Phi = expm(A dt) to third order with A = [[0, I], [G, 0]] and G the
  point-mass gravity gradient mu / r^3 (3 r r^T / r^2 - I) at mid-step (Vallado, 4th ed., sec. 10.8; J2 is left out
  of the Jacobian, its gradient is ~1e-3 of the point mass term); process noise as for CV.

The extended Kalman filter (Bar-Shalom sec. 10.3):

    predict:  x = f(x),  P = F P F^T + Q
    update:   S = H P H^T + R,  K = P H^T S^-1,  x = x + K nu,
              P = (I - K H) P (I - K H)^T + K R K^T           (Joseph form: stays symmetric positive definite)
"""

from dataclasses import dataclass

import numpy as np

from goldendome.physics.gravity import accel_gravity

MU = 3.986004418e14


def _cv_q(dt, q):
    """Continuous white-noise acceleration process noise for time steps dt (N,), (N, 6, 6)."""
    dt = np.asarray(dt, float)
    n = dt.shape[0]
    out = np.zeros((n, 6, 6))
    eye = np.eye(3)
    out[:, :3, :3] = (dt**3 / 3.0)[:, None, None] * eye
    out[:, :3, 3:] = out[:, 3:, :3] = (dt**2 / 2.0)[:, None, None] * eye
    out[:, 3:, 3:] = dt[:, None, None] * eye
    return np.asarray(q, float).reshape(-1, 1, 1) * out


@dataclass(frozen=True)
class ConstantVelocity:
    """Straight-line motion at constant velocity with white acceleration noise q (m^2/s^3)."""

    q: float = 1.0

    def transition(self, x, dt):
        """F (N, 6, 6) for steps dt (N,)."""
        n = x.shape[0]
        f = np.tile(np.eye(6), (n, 1, 1))
        f[:, 0, 3] = f[:, 1, 4] = f[:, 2, 5] = dt
        return f

    def propagate(self, x, dt):
        out = x.copy()
        out[:, :3] += dt[:, None] * x[:, 3:]
        return out

    def noise(self, x, dt):
        return _cv_q(dt, self.q)


@dataclass(frozen=True)
class Ballistic:
    """Unpowered flight in vacuum under point-mass + J2 gravity (inertial frame), white acceleration noise q."""

    q: float = 1.0
    j2: bool = True
    max_step_s: float = 10.0

    def propagate(self, x, dt):
        """RK4 in sub-steps of at most max_step_s; dt (N,) may differ per track (and be 0)."""
        y = x.copy()
        n_sub = max(1, int(np.ceil(np.max(np.abs(dt)) / self.max_step_s))) if dt.size else 1
        h = (dt / n_sub)[:, None]

        def rhs(s):
            return np.hstack([s[:, 3:], accel_gravity(s[:, :3], j2=self.j2)])

        for _ in range(n_sub):
            k1 = rhs(y)
            k2 = rhs(y + 0.5 * h * k1)
            k3 = rhs(y + 0.5 * h * k2)
            k4 = rhs(y + h * k3)
            y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        return y

    def transition(self, x, dt):
        """Phi = I + A dt + A^2 dt^2 / 2 + A^3 dt^3 / 6 with the point-mass gravity gradient taken at the mid-step
        position r + v dt / 2 (its change along the step is then a second-order effect)."""
        r = x[:, :3] + 0.5 * dt[:, None] * x[:, 3:]
        rn = np.linalg.norm(r, axis=1)
        u = r / rn[:, None]
        g = (MU / rn**3)[:, None, None] * (3.0 * u[:, :, None] * u[:, None, :] - np.eye(3))
        n = x.shape[0]
        a = np.zeros((n, 6, 6))
        a[:, :3, 3:] = np.eye(3)
        a[:, 3:, :3] = g
        adt = a * dt[:, None, None]
        adt2 = adt @ adt
        return np.eye(6) + adt + adt2 / 2.0 + adt2 @ adt / 6.0

    def noise(self, x, dt):
        return _cv_q(dt, self.q)


def predict(x, p, model, dt):
    """EKF prediction of a batch over steps dt (N,): x = f(x), P = F P F^T + Q."""
    dt = np.broadcast_to(np.asarray(dt, float), (x.shape[0],)).copy()
    f = model.transition(x, dt)
    x_new = model.propagate(x, dt)
    p_new = f @ p @ np.swapaxes(f, 1, 2) + model.noise(x, dt)
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, 1, 2))


def update(x, p, nu, h, r):
    """EKF update of a batch with innovations nu (N, m), Jacobians h (N, m, 6), noise r (N, m, m).

    Joseph form. Returns (x, P, S) with S the innovation covariance."""
    ht = np.swapaxes(h, 1, 2)
    s = h @ p @ ht + r
    k = np.swapaxes(np.linalg.solve(s, h @ p), 1, 2)  # K = P H^T S^-1  (S, P symmetric)
    x_new = x + np.einsum("nij,nj->ni", k, nu)
    ikh = np.eye(6) - k @ h
    p_new = ikh @ p @ np.swapaxes(ikh, 1, 2) + k @ r @ np.swapaxes(k, 1, 2)
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, 1, 2)), s
