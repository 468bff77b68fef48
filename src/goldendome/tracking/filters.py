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

import numba
import numpy as np

from goldendome.physics.atmosphere import DRAG_TABLE_STEP_M, LOG_DENSITY_TABLE
from goldendome.physics.compiled import SizedKernel
from goldendome.physics.constants import J2_EARTH, OMEGA_EARTH_RAD_S
from goldendome.physics.constants import MU_EARTH_M3_S2 as MU
from goldendome.physics.frames import geodetic_height_scalar
from goldendome.physics.gravity import accel_gravity_scalar


def _ballistic_rk4_py(x, dt, n_sub, j2, inv_beta, log_rho):  # pragma: no cover - compiled
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):
        s = x[i].copy()
        h = dt[i] / n_sub[i]
        for _ in range(n_sub[i]):
            k = np.empty((4, 6))
            y = s.copy()
            for stage in range(4):
                if stage > 0:
                    f = 0.5 if stage < 3 else 1.0
                    for a in range(6):
                        y[a] = s[a] + f * h * k[stage - 1, a]
                ax, ay, az = accel_gravity_scalar(y[0], y[1], y[2], j2)
                if inv_beta > 0.0:
                    hh = max(geodetic_height_scalar(y[0], y[1], y[2]), 0.0) / DRAG_TABLE_STEP_M
                    if hh < log_rho.shape[0] - 1:
                        j = int(hh)
                        w = hh - j
                        rho = np.exp(log_rho[j] * (1.0 - w) + log_rho[j + 1] * w)
                        wx, wy, wz = y[3] + OMEGA_EARTH_RAD_S * y[1], y[4] - OMEGA_EARTH_RAD_S * y[0], y[5]
                        qd = 0.5 * rho * np.sqrt(wx * wx + wy * wy + wz * wz) * inv_beta
                        ax, ay, az = ax - qd * wx, ay - qd * wy, az - qd * wz
                k[stage, 0], k[stage, 1], k[stage, 2] = y[3], y[4], y[5]
                k[stage, 3], k[stage, 4], k[stage, 5] = ax, ay, az
            for a in range(6):
                s[a] += h / 6.0 * (k[0, a] + 2.0 * k[1, a] + 2.0 * k[2, a] + k[3, a])
        out[i] = s
    return out


DRAG_TOP_M = 150e3
"""The ballistic filter's drag stops at this height (above it drag is negligible for a track's prediction)."""
_LOG_RHO = LOG_DENSITY_TABLE[: int(DRAG_TOP_M / DRAG_TABLE_STEP_M) + 1]
"""ln(density) of the US Standard Atmosphere 1976 every 100 m up to DRAG_TOP_M: the flight integrator's table
(:data:`goldendome.physics.atmosphere.LOG_DENSITY_TABLE`), cut there."""


def _cv_q(dt, q):
    """Continuous white-noise acceleration process noise of power spectral density q for time steps dt (N,),
    (N, 6, 6)."""
    dt = np.ascontiguousarray(dt, float)
    return _kernel("_cv_q_kernel", dt.shape[0])(dt, float(q))


def _cv_q_kernel_py(dt, q):  # pragma: no cover - compiled
    out = np.zeros((dt.shape[0], 6, 6))
    for i in numba.prange(dt.shape[0]):
        a, b, c = q * dt[i] ** 3 / 3.0, q * dt[i] ** 2 / 2.0, q * dt[i]
        for k in range(3):
            out[i, k, k] = a
            out[i, k, k + 3] = b
            out[i, k + 3, k] = b
            out[i, k + 3, k + 3] = c
    return out


@dataclass(frozen=True)
class ConstantVelocity:
    """Straight-line motion at constant velocity with white acceleration noise q (m^2/s^3)."""

    q: float = 1.0

    def transition(self, x, dt):
        """F (N, 6, 6) for steps dt (N,)."""
        return _cv_transition(np.ascontiguousarray(dt, float))

    def propagate(self, x, dt):
        out = x.copy()
        out[:, :3] += dt[:, None] * x[:, 3:]
        return out

    def noise(self, x, dt):
        return _cv_q(dt, self.q)


@dataclass(frozen=True)
class CoordinatedTurn:
    """A level turn at a known rate omega (rad/s, + to the left) about the local vertical (the position's radial
    direction in an Earth-centred frame): the velocity turns at omega in the horizontal plane, its vertical part is
    kept (Bar-Shalom, Li & Kirubarajan 2001, sec. 11.7.1, for the 2-D form; here about the vertical k):

        v(t) = k k^T v + cos(w t) (I - k k^T) v + sin(w t) k x v
        p(t) = p + t k k^T v + sin(w t) / w (I - k k^T) v + (1 - cos(w t)) / w k x v

    which is linear in the state: F = [[I, A], [0, B]] (the vertical k is taken at the start of the step). An IMM of
    constant velocity and turns of +omega and -omega follows a cruise missile through its waypoints. White
    acceleration noise q as for constant velocity."""

    omega_rad_s: float
    q: float = 1.0

    def _blocks(self, x, dt):
        k = x[:, :3] / np.linalg.norm(x[:, :3], axis=1, keepdims=True)
        kk = k[:, :, None] * k[:, None, :]
        kx = np.zeros((x.shape[0], 3, 3))  # [k]x, the cross-product matrix
        kx[:, 0, 1], kx[:, 0, 2], kx[:, 1, 2] = -k[:, 2], k[:, 1], -k[:, 0]
        kx -= np.swapaxes(kx, 1, 2)
        w = self.omega_rad_s
        c, s_ = np.cos(w * dt)[:, None, None], np.sin(w * dt)[:, None, None]
        perp = np.eye(3) - kk
        a = dt[:, None, None] * kk + s_ / w * perp + (1.0 - c) / w * kx
        b = kk + c * perp + s_ * kx
        return a, b

    def transition(self, x, dt):
        a, b = self._blocks(x, dt)
        f = np.tile(np.eye(6), (x.shape[0], 1, 1))
        f[:, :3, 3:] = a
        f[:, 3:, 3:] = b
        return f

    def propagate(self, x, dt):
        return np.einsum("nij,nj->ni", self.transition(x, dt), x)

    def noise(self, x, dt):
        return _cv_q(dt, self.q)


@dataclass(frozen=True)
class Ballistic:
    """Unpowered flight under point-mass + J2 gravity (inertial frame), white acceleration noise q; optionally with
    the drag of the turning air, -rho |v_rel| v_rel / (2 beta), v_rel = v - w x r (US Standard Atmosphere 1976 on a
    100 m table, geodetic height) for a known ballistic coefficient beta_kg_m2 (the re-entry phase; the transition
    matrix leaves drag out, the process noise covers it)."""

    q: float = 1.0
    j2: bool = True
    max_step_s: float = 10.0
    beta_kg_m2: float | None = None

    def propagate(self, x, dt):
        """RK4 in sub-steps of at most max_step_s; dt (N,) may differ per track (and be 0). Compiled, one track per
        loop pass, in the field of :func:`goldendome.physics.gravity.accel_gravity_scalar` (the forces of
        :func:`goldendome.physics.gravity.accel_gravity`, checked in the tests)."""
        dt = np.ascontiguousarray(dt, float)
        n_sub = np.maximum(1, np.ceil(np.abs(dt) / self.max_step_s)).astype(np.int64)
        inv_beta = 0.0 if self.beta_kg_m2 is None else 1.0 / self.beta_kg_m2
        return _kernel("_ballistic_rk4", x.shape[0])(
            np.ascontiguousarray(x, float), dt, n_sub, J2_EARTH if self.j2 else 0.0, inv_beta, _LOG_RHO
        )

    def transition(self, x, dt):
        """Phi = I + A dt + A^2 dt^2 / 2 + A^3 dt^3 / 6 with the point-mass gravity gradient taken at the mid-step
        position r + v dt / 2 (its change along the step is then a second-order effect). With A = [[0, I], [G, 0]]
        the series is, in 3 x 3 blocks, [[I + G dt^2/2, I dt + G dt^3/6], [G dt + G^2 dt^3/6, I + G dt^2/2]]
        (G symmetric; compiled)."""
        return _ballistic_transition(np.ascontiguousarray(x, float), np.ascontiguousarray(dt, float))

    def noise(self, x, dt):
        return _cv_q(dt, self.q)


@numba.njit(cache=True)
def _cv_transition(dt):  # pragma: no cover - compiled
    f = np.zeros((dt.shape[0], 6, 6))
    for i in range(dt.shape[0]):
        for a in range(6):
            f[i, a, a] = 1.0
        for a in range(3):
            f[i, a, a + 3] = dt[i]
    return f


@numba.njit(cache=True)
def _ballistic_transition(x, dt):  # pragma: no cover - compiled
    n = x.shape[0]
    f = np.zeros((n, 6, 6))
    g = np.empty((3, 3))
    for i in range(n):
        h = dt[i]
        r = np.empty(3)
        for a in range(3):
            r[a] = x[i, a] + 0.5 * h * x[i, a + 3]
        rn = np.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2])
        k = MU / (rn * rn * rn)
        for a in range(3):
            for b in range(3):
                g[a, b] = k * (3.0 * r[a] * r[b] / (rn * rn) - (1.0 if a == b else 0.0))
        for a in range(3):
            for b in range(3):
                g2 = g[a, 0] * g[0, b] + g[a, 1] * g[1, b] + g[a, 2] * g[2, b]
                eye = 1.0 if a == b else 0.0
                f[i, a, b] = eye + g[a, b] * h * h / 2.0
                f[i, a, b + 3] = eye * h + g[a, b] * h * h * h / 6.0
                f[i, a + 3, b] = g[a, b] * h + g2 * h * h * h / 6.0
                f[i, a + 3, b + 3] = eye + g[a, b] * h * h / 2.0
    return f


def predict(x, p, model, dt):
    """EKF prediction of a batch over steps dt (N,): x = f(x), P = F P F^T + Q."""
    dt = np.full(x.shape[0], float(dt)) if np.ndim(dt) == 0 else np.array(dt, float).reshape(x.shape[0])
    if type(model) is ConstantVelocity:
        c = np.ascontiguousarray
        return model.propagate(x, dt), _cv_predict(c(p, float), c(dt), float(model.q))
    f = model.transition(x, dt)
    x_new = model.propagate(x, dt)
    return x_new, _kernel("_fpft_q", x.shape[0])(
        np.ascontiguousarray(f), np.ascontiguousarray(p), np.ascontiguousarray(model.noise(x, dt))
    )


def update(x, p, nu, h, r):
    """EKF update of a batch with innovations nu (N, m), Jacobians h (N, m, 6), noise r (N, m, m).

    Joseph form. Returns (x, P, S) with S the innovation covariance."""
    c = np.ascontiguousarray
    return _kernel("_update_kernel", x.shape[0])(c(x, float), c(p, float), c(nu, float), c(h, float), c(r, float))


@numba.njit(cache=True, inline="always")
def _mm(a, b, out):  # pragma: no cover - compiled
    """out = a @ b for small matrices, written as loops (no BLAS call, no allocation)."""
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            acc = 0.0
            for k in range(a.shape[1]):
                acc += a[i, k] * b[k, j]
            out[i, j] = acc


def _fpft_q_py(f, p, q):  # pragma: no cover - compiled
    """F P F^T + Q for every track, symmetrised."""
    n, d = p.shape[0], p.shape[1]
    out = np.empty_like(p)
    fp, o = np.empty_like(p), np.empty_like(p)
    for i in numba.prange(n):
        _mm(f[i], p[i], fp[i])
        _mm(fp[i], f[i].T, o[i])
        for a in range(d):
            for b in range(a, d):
                v = 0.5 * (o[i, a, b] + o[i, b, a]) + 0.5 * (q[i, a, b] + q[i, b, a])
                out[i, a, b] = v
                out[i, b, a] = v
    return out


@numba.njit(cache=True)
def _cv_predict(p, dt, q):  # pragma: no cover - compiled
    """F P F^T + Q of the constant-velocity model in closed form, F = [[I, dt I], [0, I]] and Q its white
    acceleration noise: F P is P with dt times each velocity row added to its position row, (F P) F^T the same over
    the columns. No F or Q arrays (N, 6, 6) are made, nothing is multiplied by F's zeros. The sums run in the order
    of :func:`_mm` (a zero product adds nothing to them) and Q's entries are those of :func:`_cv_q`, so the result
    is bit for bit that of the general path (tests/test_tracking.py)."""
    n = p.shape[0]
    out = np.empty_like(p)
    fp = np.empty((6, 6))
    o = np.empty((6, 6))
    qm = np.zeros((6, 6))
    for i in range(n):
        h = dt[i]
        for a in range(6):
            for j in range(6):
                fp[a, j] = p[i, a, j] + h * p[i, a + 3, j] if a < 3 else p[i, a, j]
        for a in range(6):
            for b in range(6):
                o[a, b] = fp[a, b] + fp[a, b + 3] * h if b < 3 else fp[a, b]
        qa, qb, qc = q * h**3 / 3.0, q * h**2 / 2.0, q * h
        for k in range(3):
            qm[k, k], qm[k, k + 3], qm[k + 3, k], qm[k + 3, k + 3] = qa, qb, qb, qc
        for a in range(6):
            for b in range(a, 6):
                v = 0.5 * (o[a, b] + o[b, a]) + 0.5 * (qm[a, b] + qm[b, a])
                out[i, a, b] = v
                out[i, b, a] = v
    return out


@numba.njit(cache=True, inline="always")
def _inv3(s00, s01, s02, s11, s12, s22, out):  # pragma: no cover - compiled
    """Inverse of a symmetric 3 x 3 matrix by cofactors into out[:3, :3]; returns its determinant."""
    c00, c01, c02 = s11 * s22 - s12 * s12, s02 * s12 - s01 * s22, s01 * s12 - s02 * s11
    det = s00 * c00 + s01 * c01 + s02 * c02
    out[0, 0], out[0, 1], out[0, 2] = c00 / det, c01 / det, c02 / det
    out[1, 0], out[1, 1], out[1, 2] = c01 / det, (s00 * s22 - s02 * s02) / det, (s01 * s02 - s00 * s12) / det
    out[2, 0], out[2, 1], out[2, 2] = c02 / det, (s01 * s02 - s00 * s12) / det, (s00 * s11 - s01 * s01) / det
    return det


@numba.njit(cache=True, inline="always")
def _inv_small(s, out):  # pragma: no cover - compiled
    """Inverse of a small symmetric positive-definite matrix (a measurement's innovation covariance) into out;
    returns its determinant. Closed forms for 2 x 2 (a ground position), 3 x 3 (range and angles, a fix) and 4 x 4
    (with range rate: the 3 x 3 block and its Schur complement), numpy's LAPACK otherwise."""
    m = s.shape[0]
    if m == 3:
        return _inv3(s[0, 0], s[0, 1], s[0, 2], s[1, 1], s[1, 2], s[2, 2], out)
    if m == 2:
        det = s[0, 0] * s[1, 1] - s[0, 1] * s[0, 1]
        out[0, 0], out[1, 1] = s[1, 1] / det, s[0, 0] / det
        out[0, 1] = out[1, 0] = -s[0, 1] / det
        return det
    if m == 4:
        # S = [[A, b], [b^T, c]]: k = c - b^T A^-1 b, S^-1 = [[A^-1 + A^-1 b b^T A^-1 / k, -A^-1 b / k], [., 1 / k]]
        det_a = _inv3(s[0, 0], s[0, 1], s[0, 2], s[1, 1], s[1, 2], s[2, 2], out)
        g0 = out[0, 0] * s[0, 3] + out[0, 1] * s[1, 3] + out[0, 2] * s[2, 3]
        g1 = out[1, 0] * s[0, 3] + out[1, 1] * s[1, 3] + out[1, 2] * s[2, 3]
        g2 = out[2, 0] * s[0, 3] + out[2, 1] * s[1, 3] + out[2, 2] * s[2, 3]
        k = s[3, 3] - (s[0, 3] * g0 + s[1, 3] * g1 + s[2, 3] * g2)
        g = (g0, g1, g2)
        for i in range(3):
            for j in range(3):
                out[i, j] += g[i] * g[j] / k
            out[i, 3] = out[3, i] = -g[i] / k
        out[3, 3] = 1.0 / k
        return det_a * k
    out[:, :] = np.linalg.inv(s)
    return np.linalg.det(s)


def _update_kernel_py(x, p, nu, h, r):  # pragma: no cover - compiled
    """Joseph-form Kalman update of every track: S = H P H^T + R, K = P H^T S^-1, x + K nu,
    P = (I - K H) P (I - K H)^T + K R K^T, symmetrised. Work arrays are allocated once for all tracks."""
    n, d, m = p.shape[0], p.shape[1], h.shape[1]
    x_out, p_out, s_out = np.empty_like(x), np.empty_like(p), np.empty((n, m, m))
    pht, k, kr = np.empty((n, d, m)), np.empty((n, d, m)), np.empty((n, d, m))
    s_inv, ikh, t1 = np.empty((n, m, m)), np.empty((n, d, d)), np.empty((n, d, d))
    o, krk = np.empty((n, d, d)), np.empty((n, d, d))
    for i in numba.prange(n):
        _mm(p[i], h[i].T, pht[i])
        _mm(h[i], pht[i], s_out[i])
        for a in range(m):
            for b in range(m):
                s_out[i, a, b] += r[i, a, b]
        _inv_small(s_out[i], s_inv[i])
        _mm(pht[i], s_inv[i], k[i])
        for a in range(d):
            acc = x[i, a]
            for b in range(m):
                acc += k[i, a, b] * nu[i, b]
            x_out[i, a] = acc
        _mm(k[i], h[i], ikh[i])
        for a in range(d):
            for b in range(d):
                ikh[i, a, b] = (1.0 if a == b else 0.0) - ikh[i, a, b]
        _mm(ikh[i], p[i], t1[i])
        _mm(t1[i], ikh[i].T, o[i])
        _mm(k[i], r[i], kr[i])
        _mm(kr[i], k[i].T, krk[i])
        for a in range(d):
            for b in range(a, d):
                v = 0.5 * (o[i, a, b] + o[i, b, a] + krk[i, a, b] + krk[i, b, a])
                p_out[i, a, b] = v
                p_out[i, b, a] = v
    return x_out, p_out, s_out


@numba.njit(cache=True)
def _imm_mix(mu, pi, xm, pm):  # pragma: no cover - compiled
    """IMM mixing: c_j = sum_i pi_ij mu_i; mu_i|j = pi_ij mu_i / c_j; x0_j = sum_i mu_i|j x_i;
    P0_j = sum_i mu_i|j (P_i + (x_i - x0_j)(x_i - x0_j)^T)."""
    n, r, d = xm.shape
    c = np.zeros((n, r))
    x0 = np.zeros((n, r, d))
    p0 = np.zeros((n, r, d, d))
    for k in range(n):
        for j in range(r):
            for i in range(r):
                c[k, j] += pi[i, j] * mu[k, i]
            cj = max(c[k, j], 1e-300)
            for i in range(r):
                w = pi[i, j] * mu[k, i] / cj
                for a in range(d):
                    x0[k, j, a] += w * xm[k, i, a]
            for i in range(r):
                w = pi[i, j] * mu[k, i] / cj
                for a in range(d):
                    da = xm[k, i, a] - x0[k, j, a]
                    for b in range(d):
                        p0[k, j, a, b] += w * (pm[k, i, a, b] + da * (xm[k, i, b] - x0[k, j, b]))
    return c, x0, p0


@dataclass(frozen=True)
class IMM:
    """Interacting multiple model estimator over a batch (Blom & Bar-Shalom 1988; Bar-Shalom, Li & Kirubarajan 2001,
    sec. 11.6.6): r motion models, a Markov switching matrix (r, r) (row: from, column: to, per step), and per
    track r mode-matched Kalman filters whose estimates are mixed before each prediction and combined after.

    Typical uses: a quiet and a manoeuvring constant-velocity model (a glide vehicle's pull-ups and turns, a cruise
    missile's waypoints), or a thrusting (high process noise) and a coasting (ballistic) model for boost ->
    midcourse.
    """

    models: tuple
    switching: np.ndarray

    @property
    def r(self) -> int:
        return len(self.models)

    def predict(self, xm, pm, mu, dt, predictor=None):
        """Mix, then predict each mode-matched filter (predictor: :func:`predict` (EKF, default) or
        :func:`ukf_predict`). xm (N, r, 6), pm (N, r, 6, 6), mu (N, r) -> predicted xm, pm and the predicted mode
        probabilities c (N, r)."""
        predictor = predict if predictor is None else predictor
        c, x0, p0 = _imm_mix(
            np.ascontiguousarray(mu, float),
            np.asarray(self.switching, float),
            np.ascontiguousarray(xm, float),
            np.ascontiguousarray(pm, float),
        )
        xs, ps = np.empty_like(x0), np.empty_like(p0)
        for j, model in enumerate(self.models):
            xs[:, j], ps[:, j] = predictor(x0[:, j], p0[:, j], model, dt)
        return xs, ps, c

    @staticmethod
    def combine(xm, pm, mu):
        """Combined estimate x = sum mu_j x_j, P = sum mu_j (P_j + (x_j - x)(x_j - x)^T)."""
        c = np.ascontiguousarray
        return _imm_combine(c(xm, float), c(pm, float), c(mu, float))

    @staticmethod
    def likelihood(nu, s):
        """Gaussian likelihood N(nu; 0, S) of innovations (N, m) with covariances (N, m, m)."""
        return _gaussian_likelihood(np.ascontiguousarray(nu, float), np.ascontiguousarray(s, float))


@numba.njit(cache=True)
def _imm_combine(xm, pm, mu):  # pragma: no cover - compiled
    n, r, d = xm.shape
    x = np.zeros((n, d))
    p = np.zeros((n, d, d))
    for k in range(n):
        for j in range(r):
            for a in range(d):
                x[k, a] += mu[k, j] * xm[k, j, a]
        for j in range(r):
            for a in range(d):
                da = xm[k, j, a] - x[k, a]
                for b in range(d):
                    p[k, a, b] += mu[k, j] * (pm[k, j, a, b] + da * (xm[k, j, b] - x[k, b]))
    return x, p


@numba.njit(cache=True)
def _gaussian_likelihood(nu, s):  # pragma: no cover - compiled
    n, m = nu.shape
    out = np.empty(n)
    s_inv = np.empty((m, m))
    scale = (2.0 * np.pi) ** m
    for k in range(n):
        det = _inv_small(s[k], s_inv)
        d2 = 0.0
        for a in range(m):
            for b in range(m):
                d2 += nu[k, a] * s_inv[a, b] * nu[k, b]
        out[k] = np.exp(-0.5 * d2) / np.sqrt(scale * det)
    return out


PARALLEL_FROM = 512
"""Batches of at least this many tracks run the kernels on all cores; smaller ones serially (a thread pool's
start-up costs more than a few tracks' work)."""
_KERNELS = {
    name: SizedKernel(fn, PARALLEL_FROM)
    for name, fn in (
        ("_ballistic_rk4", _ballistic_rk4_py),
        ("_cv_q_kernel", _cv_q_kernel_py),
        ("_fpft_q", _fpft_q_py),
        ("_update_kernel", _update_kernel_py),
    )
}


def _kernel(name: str, n: int):
    """The serial or the parallel compilation of a batch kernel, by batch size."""
    k = _KERNELS[name]
    return k.parallel if n >= k.parallel_from else k.serial


UKF_ALPHA, UKF_BETA, UKF_KAPPA = 1.0, 2.0, 0.0
"""Scaled unscented transform parameters (Wan & van der Merwe, "The unscented Kalman filter for nonlinear
estimation", 2000): alpha = 1 spreads the 2n + 1 sigma points at sqrt(n) standard deviations (no negative centre
weight for n = 6), beta = 2 is optimal for Gaussian priors."""


def _ut_weights(n: int):
    lam = UKF_ALPHA**2 * (n + UKF_KAPPA) - n
    wm = np.full(2 * n + 1, 0.5 / (n + lam))
    wc = wm.copy()
    wm[0] = lam / (n + lam)
    wc[0] = wm[0] + (1.0 - UKF_ALPHA**2 + UKF_BETA)
    return lam, wm, wc


def sigma_points(x, p):
    """Sigma points (N, 2n + 1, n) of a batch of Gaussians (scaled unscented transform)."""
    n = x.shape[1]
    lam, _, _ = _ut_weights(n)
    l_chol = np.linalg.cholesky((n + lam) * p)  # columns are the spreads
    spread = np.swapaxes(l_chol, 1, 2)  # (N, n, n): row k = column k of L
    return np.concatenate([x[:, None], x[:, None] + spread, x[:, None] - spread], axis=1)


def ukf_predict(x, p, model, dt):
    """Unscented prediction: sigma points through the model's own propagation (the nonlinear flight itself), their
    weighted mean and covariance plus Q."""
    dt = np.broadcast_to(np.asarray(dt, float), (x.shape[0],)).copy()
    n = x.shape[1]
    _, wm, wc = _ut_weights(n)
    pts = sigma_points(x, p)
    m = pts.shape[1]
    moved = model.propagate(pts.reshape(-1, n), np.repeat(dt, m)).reshape(x.shape[0], m, n)
    x_new = np.einsum("k,nkd->nd", wm, moved)
    d = moved - x_new[:, None]
    p_new = np.einsum("k,nki,nkj->nij", wc, d, d) + model.noise(x, dt)
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, 1, 2))


def ukf_update(x, p, z, r, measure, innovation):
    """Unscented update with measurements z (N, m): measure maps states (K, n) to measurements (K, m);
    innovation(a, b) is a - b with angles wrapped. Returns (x, P, S)."""
    n = x.shape[1]
    _, wm, wc = _ut_weights(n)
    pts = sigma_points(x, p)
    k = pts.shape[1]
    zs = measure(pts.reshape(-1, n)).reshape(x.shape[0], k, -1)
    # the mean of wrapped quantities: average the residuals about the centre point, then add back
    dz0 = innovation(zs, zs[:, :1])
    z_hat = zs[:, 0] + np.einsum("k,nkm->nm", wm, dz0)
    dz = innovation(zs, z_hat[:, None])
    s = np.einsum("k,nki,nkj->nij", wc, dz, dz) + r
    dx = pts - x[:, None]
    pxz = np.einsum("k,nki,nkj->nij", wc, dx, dz)
    gain = np.swapaxes(np.linalg.solve(s, np.swapaxes(pxz, 1, 2)), 1, 2)  # P_xz S^-1
    nu = innovation(z, z_hat)
    x_new = x + np.einsum("nij,nj->ni", gain, nu)
    p_new = p - gain @ s @ np.swapaxes(gain, 1, 2)
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, 1, 2)), s


def pda_update(x, p, h, r, pair_track, nu, beta, beta0):
    """(J)PDA update (Bar-Shalom & Tse 1975; Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*, 2011, ch. 3 and
    6): each track's state moves by the gain times the beta-weighted innovation, and its covariance mixes the
    no-detection prior, the updated covariance and the spread of the innovations:

        nu = sum_j beta_j nu_j,  x = x + K nu,
        P = beta_0 P + (1 - beta_0) (I - K H) P + K (sum_j beta_j nu_j nu_j^T - nu nu^T) K^T.

    x, p, h (N, m, 6), r (N, m, m) of N tracks; pairs: their track pair_track (K,), innovation nu (K, m), beta (K,);
    beta0 (N,). Returns (x, P)."""
    n, m = x.shape[0], h.shape[1]
    ht = np.swapaxes(h, 1, 2)
    s = h @ p @ ht + r
    k = np.swapaxes(np.linalg.solve(s, h @ p), 1, 2)
    nu_c = np.zeros((n, m))
    np.add.at(nu_c, pair_track, beta[:, None] * nu)
    spread = np.zeros((n, m, m))
    np.add.at(spread, pair_track, beta[:, None, None] * nu[:, :, None] * nu[:, None, :])
    spread -= nu_c[:, :, None] * nu_c[:, None, :]
    x_new = x + np.einsum("nij,nj->ni", k, nu_c)
    p_upd = (np.eye(x.shape[1]) - k @ h) @ p
    p_new = beta0[:, None, None] * p + (1.0 - beta0)[:, None, None] * p_upd + k @ spread @ np.swapaxes(k, 1, 2)
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, 1, 2))


def covariance_intersection(xa, pa, xb, pb):
    """Covariance intersection of two batches of estimates whose cross-correlation is unknown (Julier & Uhlmann,
    "A non-divergent estimation algorithm in the presence of unknown correlations", ACC 1997):

        P^-1 = w Pa^-1 + (1 - w) Pb^-1,  x = P (w Pa^-1 xa + (1 - w) Pb^-1 xb),

    with w in [0, 1] chosen per pair to minimise trace(P) (a grid, then a golden-section refinement). The result is
    consistent whatever the correlation -- track-to-track fusion of two systems' tracks that share history.
    Returns (x, P, w)."""
    ia, ib = np.linalg.inv(pa), np.linalg.inv(pb)

    def fused_trace(w):
        return np.trace(np.linalg.inv(w[:, None, None] * ia + (1.0 - w[:, None, None]) * ib), axis1=1, axis2=2)

    grid = np.linspace(0.0, 1.0, 21)
    tr = np.stack([fused_trace(np.full(xa.shape[0], g)) for g in grid], axis=1)
    k = np.argmin(tr, axis=1)
    lo, hi = grid[np.maximum(k - 1, 0)], grid[np.minimum(k + 1, grid.size - 1)]
    phi = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(40):
        c1, c2 = hi - phi * (hi - lo), lo + phi * (hi - lo)
        left = fused_trace(c1) < fused_trace(c2)
        hi, lo = np.where(left, c2, hi), np.where(left, lo, c1)
    w = 0.5 * (lo + hi)
    info = w[:, None, None] * ia + (1.0 - w[:, None, None]) * ib
    p = np.linalg.inv(info)
    x = np.einsum(
        "nij,nj->ni",
        p,
        w[:, None] * np.einsum("nij,nj->ni", ia, xa) + (1.0 - w[:, None]) * np.einsum("nij,nj->ni", ib, xb),
    )
    return x, 0.5 * (p + np.swapaxes(p, 1, 2)), w


@numba.njit(cache=True)
def _pair_distance2_kernel(h, p, r, nu, ti, shared):  # pragma: no cover - compiled
    out = np.empty(ti.shape[0])
    m, d = h.shape[1], h.shape[2]
    hp = np.empty((m, d))
    s = np.empty((m, m))
    s_inv = np.empty((m, m))
    # one noise for every detection: S^-1 depends on the track alone, computed once per track that has a pair
    cached = np.empty((h.shape[0] if shared else 0, m, m))
    have = np.zeros(h.shape[0] if shared else 0, np.bool_)
    for k in range(ti.shape[0]):
        i = ti[k]
        if shared and have[i]:
            s_inv[:, :] = cached[i]
        else:
            _mm(h[i], p[i], hp)
            _mm(hp, h[i].T, s)
            rk = r[0] if shared else r[k]
            for a in range(m):
                for b in range(m):
                    s[a, b] += rk[a, b]
            _inv_small(s, s_inv)
            if shared:
                cached[i] = s_inv
                have[i] = True
        acc = 0.0
        for a in range(m):
            for b in range(m):
                acc += nu[k, a] * s_inv[a, b] * nu[k, b]
        out[k] = acc
    return out


def pair_distance2(h, p, r, nu, ti):
    """Squared Mahalanobis distances nu^T (H P H^T + R)^-1 nu of detection-track pairs, compiled: H (N, m, 6) and
    P (N, 6, 6) of the tracks, the pair's track ti (K,), innovation nu (K, m) and noise r: (K, m, m) one per pair,
    or (m, m) the same for every detection (a radar's look: S^-1 is then computed once per track, not per pair)."""
    r = np.asarray(r, float)
    shared = r.ndim == 2
    r = np.ascontiguousarray(r[None] if shared else r)
    return _pair_distance2_kernel(h, p, r, nu, ti, shared)
