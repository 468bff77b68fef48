"""Keplerian orbits with the secular drift of J2: elements, Kepler's equation, and fast batch propagation.

Between thrusting events a satellite moves on a conic whose orientation slowly turns under the Earth's
oblateness. To first order in J2 the mean elements a, e, i stay fixed while the node, the argument of perigee and
the mean anomaly drift linearly (Vallado, 4th ed., eqs. 9-41; Brouwer 1959):

    dOmega/dt = -3/2 n J2 (R/p)^2 cos i
    domega/dt =  3/4 n J2 (R/p)^2 (5 cos^2 i - 1)
    dM/dt     =  n [1 + 3/4 J2 (R/p)^2 sqrt(1 - e^2) (3 cos^2 i - 1)]

with n = sqrt(mu / a^3) and p = a (1 - e^2). Short-periodic J2 terms (a few km in LEO) and drag are left out; for
TLE satellites the secular rates are SGP4's own, so the two propagators differ only by SGP4's periodic terms.

Elements are held in :class:`OrbitalElements` (struct of arrays over satellites). :func:`propagate` evaluates
positions for T epochs x N satellites in one compiled, parallel kernel (numba), output (T, N, 3) ECI metres;
:func:`propagate_state` runs the same kernel for positions and the conic's two-body velocities, (T, N, 3) m/s.
"""

from dataclasses import dataclass

import numba
import numpy as np

from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import J2_EARTH, MU_EARTH_M3_S2, TWO_PI, WGS84_A_M


@dataclass(frozen=True)
class OrbitalElements:
    """Mean Keplerian elements of N satellites and their secular rates (ECI = TEME axes, SI units).

    a_m, e, i_rad, raan_rad, argp_rad, m0_rad : (N,) elements at each satellite's element epoch.
    t0_s : (N,) element epoch, seconds from the scenario epoch (0 for elements built at the scenario epoch).
    raan_dot, argp_dot, m_dot : (N,) secular rates, rad/s.
    lifetime_s : (N,) time from the element epoch to the satellite's decay, s; inf (the default) for an orbit that
    stays up. These elements hold no drag, so the decay is given: SGP4's, for a TLE (``physics.tle.decay_times_s``).
    From its decay on a satellite has no position: :func:`propagate` gives NaN, which no sensor sees and no
    interceptor flies from. Counted from the element epoch so that shifting t0_s moves the decay with it.
    """

    a_m: np.ndarray
    e: np.ndarray
    i_rad: np.ndarray
    raan_rad: np.ndarray
    argp_rad: np.ndarray
    m0_rad: np.ndarray
    t0_s: np.ndarray
    raan_dot: np.ndarray
    argp_dot: np.ndarray
    m_dot: np.ndarray
    lifetime_s: np.ndarray | None = None

    def __post_init__(self):
        if self.lifetime_s is None:
            object.__setattr__(self, "lifetime_s", np.full(len(self), np.inf))

    def __len__(self) -> int:
        return int(self.a_m.shape[0])

    @property
    def decay_time_s(self) -> np.ndarray:
        """(N,) when each satellite decays, s from the scenario epoch (inf: never)."""
        return self.t0_s + self.lifetime_s

    def take(self, index) -> "OrbitalElements":
        """The subset of satellites selected by an index array or mask."""
        return OrbitalElements(**{k: np.asarray(getattr(self, k))[index] for k in self.__dataclass_fields__})

    @staticmethod
    def concatenate(parts: "list[OrbitalElements]") -> "OrbitalElements":
        """Stack several element sets into one."""
        fields = OrbitalElements.__dataclass_fields__
        return OrbitalElements(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in fields})


def mean_motion(a_m, mu=MU_EARTH_M3_S2):
    """Keplerian mean motion sqrt(mu / a^3), rad/s."""
    return np.sqrt(mu / np.asarray(a_m, float) ** 3)


def period_s(a_m, mu=MU_EARTH_M3_S2):
    """Keplerian period 2 pi sqrt(a^3 / mu), s."""
    return TWO_PI / mean_motion(a_m, mu)


def j2_secular_rates(a_m, e, i_rad, mu=MU_EARTH_M3_S2, j2=J2_EARTH, r_ref_m=WGS84_A_M):
    """First-order secular rates (raan_dot, argp_dot, m_dot), rad/s, Vallado eqs. 9-41."""
    a_m, e, i_rad = (np.asarray(x, float) for x in (a_m, e, i_rad))
    n = mean_motion(a_m, mu)
    p = a_m * (1.0 - e * e)
    k = j2 * (r_ref_m / p) ** 2
    c2 = np.cos(i_rad) ** 2
    raan_dot = -1.5 * n * k * np.cos(i_rad)
    argp_dot = 0.75 * n * k * (5.0 * c2 - 1.0)
    m_dot = n * (1.0 + 0.75 * k * np.sqrt(1.0 - e * e) * (3.0 * c2 - 1.0))
    return raan_dot, argp_dot, m_dot


def elements(a_m, e, i_rad, raan_rad, argp_rad, m0_rad, t0_s=0.0, j2=True) -> OrbitalElements:
    """Build :class:`OrbitalElements` with J2 secular rates (or pure two-body rates when j2=False)."""
    a_m, e, i_rad, raan_rad, argp_rad, m0_rad, t0_s = (
        np.atleast_1d(np.asarray(x, float)) for x in (a_m, e, i_rad, raan_rad, argp_rad, m0_rad, t0_s)
    )
    a_m, e, i_rad, raan_rad, argp_rad, m0_rad, t0_s = np.broadcast_arrays(
        a_m, e, i_rad, raan_rad, argp_rad, m0_rad, t0_s
    )
    if j2:
        rd, ad, md = j2_secular_rates(a_m, e, i_rad)
    else:
        rd, ad, md = np.zeros_like(a_m), np.zeros_like(a_m), mean_motion(a_m)
    return OrbitalElements(
        a_m.copy(), e.copy(), i_rad.copy(), raan_rad.copy(), argp_rad.copy(), m0_rad.copy(), t0_s.copy(), rd, ad, md
    )


def solve_kepler(m_rad, e, tol=1e-13, max_iter=30):
    """Eccentric anomaly E from Kepler's equation M = E - e sin E (elliptic, e < 1), vectorised Newton.

    Starter E0 = M + e sin M (Vallado alg. 2 uses M +/- e; this one converges in <= 5 steps for e < 0.9).
    Returns NaN where it did not converge (never raises mid-batch).
    """
    m = np.mod(np.asarray(m_rad, float), TWO_PI)
    e = np.asarray(e, float)
    ecc = e + np.zeros_like(m)
    big = ecc > 0.8
    ea = np.where(big, np.pi, m + ecc * np.sin(m))
    for _ in range(max_iter):
        f = ea - ecc * np.sin(ea) - m
        step = f / (1.0 - ecc * np.cos(ea))
        ea = ea - step
        if np.all(np.abs(step) < tol):
            break
    else:
        ea = np.where(np.abs(step) < 1e3 * tol, ea, np.nan)
    return ea


def _perifocal_to_eci(raan, argp, inc):
    """Columns P, Q of the perifocal -> ECI rotation (Vallado eq. 2-80), each (..., 3)."""
    co, so = np.cos(raan), np.sin(raan)
    cw, sw = np.cos(argp), np.sin(argp)
    ci, si = np.cos(inc), np.sin(inc)
    p = np.stack([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si], axis=-1)
    q = np.stack([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si], axis=-1)
    return p, q


def elements_to_state(a_m, e, i_rad, raan_rad, argp_rad, m_rad, mu=MU_EARTH_M3_S2):
    """Position and velocity (ECI, m and m/s) from elements with mean anomaly, arrays broadcast together."""
    a_m, e = np.asarray(a_m, float), np.asarray(e, float)
    ea = solve_kepler(m_rad, e)
    ce, se = np.cos(ea), np.sin(ea)
    b = a_m * np.sqrt(1.0 - e * e)
    r = a_m * (1.0 - e * ce)
    n = mean_motion(a_m, mu)
    x, y = a_m * (ce - e), b * se
    vx, vy = -a_m * n * se * a_m / r, b * n * ce * a_m / r
    p, q = _perifocal_to_eci(raan_rad, argp_rad, i_rad)
    return x[..., None] * p + y[..., None] * q, vx[..., None] * p + vy[..., None] * q


def state_to_elements(r_m, v_mps, mu=MU_EARTH_M3_S2):
    """Classical elements (a, e, i, raan, argp, M) from ECI state(s) (Vallado alg. 9 'RV2COE').

    Elliptic orbits only; for circular or equatorial orbits the undefined angles are folded into the others
    (argument of latitude or true longitude) so that the position is reproduced.
    """
    r_m, v_mps = np.asarray(r_m, float), np.asarray(v_mps, float)
    rn = np.linalg.norm(r_m, axis=-1)
    v2 = np.sum(v_mps * v_mps, axis=-1)
    h = np.cross(r_m, v_mps)
    hn = np.linalg.norm(h, axis=-1)
    nvec = np.stack([-h[..., 1], h[..., 0], np.zeros_like(hn)], axis=-1)
    nn = np.linalg.norm(nvec, axis=-1)
    rv = np.sum(r_m * v_mps, axis=-1)
    evec = ((v2 - mu / rn)[..., None] * r_m - rv[..., None] * v_mps) / mu
    e = np.linalg.norm(evec, axis=-1)
    energy = 0.5 * v2 - mu / rn
    a = -mu / (2.0 * energy)
    i = np.arccos(np.clip(h[..., 2] / hn, -1.0, 1.0))
    eps = 1e-11
    equatorial = nn < eps * hn
    circular = e < eps
    with np.errstate(invalid="ignore", divide="ignore"):
        raan = np.where(equatorial, 0.0, np.arctan2(nvec[..., 1], nvec[..., 0]))
        # node line (or x axis when equatorial) and the in-plane normal to it
        nhat = np.where(equatorial[..., None], np.array([1.0, 0.0, 0.0]), nvec / nn[..., None])
        what = h / hn[..., None]
        mhat = np.cross(what, nhat)
        argp = np.where(circular, 0.0, np.arctan2(np.sum(evec * mhat, -1), np.sum(evec * nhat, -1)))
        u = np.arctan2(np.sum(r_m * mhat, -1), np.sum(r_m * nhat, -1))  # argument of latitude
        nu = u - argp
        ea = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2), np.sqrt(1.0 + e) * np.cos(nu / 2))
        m = ea - e * np.sin(ea)
    return a, e, i, np.mod(raan, TWO_PI), np.mod(argp, TWO_PI), np.mod(m, TWO_PI)


@numba.njit(cache=True, inline="always")
def _drifted_angles(t, raan0, argp0, m0, t0, rd, ad, md):  # pragma: no cover - compiled
    """Node, argument of perigee and mean anomaly (rad) at time t, each drifting at its secular rate."""
    dt = t - t0
    return raan0 + rd * dt, argp0 + ad * dt, m0 + md * dt


@numba.njit(cache=True, inline="always")
def _conic_at(t, a, e, raan0, argp0, m0, t0, rd, ad, md):  # pragma: no cover - compiled
    """One satellite at one time by Kepler's equation: (r, cos u, sin u, cos node, sin node, cos nu, sin nu).

    r is the radius, m; u = w + nu the true argument of latitude and nu the true anomaly.
    """
    om, w, mm = _drifted_angles(t, raan0, argp0, m0, t0, rd, ad, md)
    if e < 1e-9:
        # circular: the argument of latitude u = w + M carries the in-plane angle, 4 trig calls
        u = w + mm
        return a, np.cos(u), np.sin(u), np.cos(om), np.sin(om), 1.0, 0.0
    mm = mm % (2.0 * np.pi)
    ea = mm + e * np.sin(mm)
    for _ in range(30):
        d = (ea - e * np.sin(ea) - mm) / (1.0 - e * np.cos(ea))
        ea -= d
        if abs(d) < 1e-13:
            break
    ce, se = np.cos(ea), np.sin(ea)
    r_over_a = 1.0 - e * ce
    cos_nu = (ce - e) / r_over_a
    sin_nu = np.sqrt(1.0 - e * e) * se / r_over_a
    cu, su = _rotate(cos_nu, sin_nu, np.cos(w), np.sin(w))  # u = nu + w
    return a * r_over_a, cu, su, np.cos(om), np.sin(om), cos_nu, sin_nu


@numba.njit(cache=True, inline="always")
def _rotate(c, s, dc, ds):  # pragma: no cover - compiled
    """cos and sin of an angle advanced by a step whose cos and sin are dc, ds: a plane rotation, no trig."""
    return c * dc - s * ds, s * dc + c * ds


@numba.njit(cache=True, inline="always")
def _equation_of_centre(a, e, cu, su, cm, sm):  # pragma: no cover - compiled
    """Near-circular conic from the mean argument of latitude and mean anomaly (their cos and sin, cu su cm sm):
    (r, cos u, sin u, cos nu, sin nu) with u and nu true, nu = M + (true minus mean anomaly to 4th order in e)."""
    if e == 0.0:
        return a, cu, su, cm, sm
    # true minus mean anomaly from multiples of M (no trig)
    s2 = 2.0 * sm * cm
    c2 = 1.0 - 2.0 * sm * sm
    s3 = sm * (3.0 - 4.0 * sm * sm)
    s4 = 2.0 * s2 * c2
    e2 = e * e
    d = (
        (2.0 * e - 0.25 * e2 * e) * sm
        + (1.25 * e2 - 11.0 / 24.0 * e2 * e2) * s2
        + 13.0 / 12.0 * e2 * e * s3
        + 103.0 / 96.0 * e2 * e2 * s4
    )
    d2 = d * d
    sd = d * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0))
    cd = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0))
    cu, su = _rotate(cu, su, cd, sd)
    cos_nu, sin_nu = _rotate(cm, sm, cd, sd)
    return a * (1.0 - e2) / (1.0 + e * cos_nu), cu, su, cos_nu, sin_nu


@numba.njit(cache=True, inline="always")
def _store_state(out_r, out_v, k, j, r, cu, su, co, so, ci, si, vc, e, cos_nu, sin_nu):  # pragma: no cover
    """Write position r * r_hat into out_r[k, j] and, when out_v has rows, the two-body velocity
    vc (e sin nu r_hat + (1 + e cos nu) t_hat) into out_v[k, j], vc = sqrt(mu / p): the radial and transverse
    two-body speeds. r_hat (radial) and t_hat = d(r_hat)/du (towards the motion) span the orbit plane."""
    rx = cu * co - su * so * ci
    ry = cu * so + su * co * ci
    rz = su * si
    out_r[k, j, 0] = r * rx
    out_r[k, j, 1] = r * ry
    out_r[k, j, 2] = r * rz
    if out_v.shape[0] > 0:
        vr = vc * e * sin_nu
        vt = vc * (1.0 + e * cos_nu)
        out_v[k, j, 0] = vr * rx - vt * (su * co + cu * so * ci)
        out_v[k, j, 1] = vr * ry - vt * (su * so - cu * co * ci)
        out_v[k, j, 2] = vr * rz + vt * cu * si


PARALLEL_POSITIONS = 4096
"""Satellite positions (times x satellites) from which propagation runs on all cores."""
_BLOCK = 64  # satellites per work item: one block's row of output per epoch is a contiguous 1.5 KiB write
_REANCHOR = 128  # recurrences restart from exact trig this often; rounding drift stays below 1e-13 rad
_SERIES_E_MAX = 0.01
"""Below this eccentricity the true anomaly comes from the equation of the centre to 4th order in e (Brouwer &
Clemence, *Methods of Celestial Mechanics*, 1961, ch. 2, eq. 43): error O(e^5), < 2e-10 rad, i.e. < 1 cm at GEO."""


@sized_kernel(PARALLEL_POSITIONS)
def _propagate_kernel(t, uniform, a, e, inc, raan0, argp0, m0, t0, rd, ad, md, out_r, out_v):  # pragma: no cover
    """Positions into out_r (T, N, 3) and, unless out_v has no rows, velocities into out_v (T, N, 3)."""
    n_t = t.shape[0]
    n_s = a.shape[0]
    n_blocks = (n_s + _BLOCK - 1) // _BLOCK
    step = t[1] - t[0] if n_t > 1 else 0.0
    for b in numba.prange(n_blocks):
        j0 = b * _BLOCK
        j1 = min(n_s, j0 + _BLOCK)
        m = j1 - j0
        # running cos/sin of three angles that advance by constant steps: the mean argument of latitude
        # u = w + M, the node, and the mean anomaly M
        cu, su, co, so, cm, sm = np.empty(m), np.empty(m), np.empty(m), np.empty(m), np.empty(m), np.empty(m)
        du_c, du_s, do_c, do_s = np.empty(m), np.empty(m), np.empty(m), np.empty(m)
        dm_c, dm_s = np.empty(m), np.empty(m)
        ci = np.cos(inc[j0:j1])
        si = np.sin(inc[j0:j1])
        e_b = e[j0:j1]
        vc = np.sqrt(MU_EARTH_M3_S2 / (a[j0:j1] * (1.0 - e_b * e_b)))  # two-body speed scale sqrt(mu / p)
        for jj in range(m):
            j = j0 + jj
            du_c[jj] = np.cos((md[j] + ad[j]) * step)
            du_s[jj] = np.sin((md[j] + ad[j]) * step)
            do_c[jj] = np.cos(rd[j] * step)
            do_s[jj] = np.sin(rd[j] * step)
            dm_c[jj] = np.cos(md[j] * step)
            dm_s[jj] = np.sin(md[j] * step)
        for k in range(n_t):
            anchor = (k % _REANCHOR) == 0
            for jj in range(m):
                j = j0 + jj
                ecc = e[j]
                if ecc >= _SERIES_E_MAX or not uniform:
                    rj, cuj, suj, coj, soj, cos_nu, sin_nu = _conic_at(
                        t[k], a[j], ecc, raan0[j], argp0[j], m0[j], t0[j], rd[j], ad[j], md[j]
                    )
                else:
                    if anchor:
                        om, w, mm = _drifted_angles(t[k], raan0[j], argp0[j], m0[j], t0[j], rd[j], ad[j], md[j])
                        cu[jj], su[jj] = np.cos(w + mm), np.sin(w + mm)
                        co[jj], so[jj] = np.cos(om), np.sin(om)
                        cm[jj], sm[jj] = np.cos(mm), np.sin(mm)
                    else:
                        # advance the angles by one constant step each: plane rotations, no trig
                        cu[jj], su[jj] = _rotate(cu[jj], su[jj], du_c[jj], du_s[jj])
                        co[jj], so[jj] = _rotate(co[jj], so[jj], do_c[jj], do_s[jj])
                        cm[jj], sm[jj] = _rotate(cm[jj], sm[jj], dm_c[jj], dm_s[jj])
                    rj, cuj, suj, cos_nu, sin_nu = _equation_of_centre(a[j], ecc, cu[jj], su[jj], cm[jj], sm[jj])
                    coj, soj = co[jj], so[jj]
                _store_state(out_r, out_v, k, j, rj, cuj, suj, coj, soj, ci[jj], si[jj], vc[jj], ecc, cos_nu, sin_nu)


def _run_kernel(el: OrbitalElements, t_s, with_velocity: bool):
    """Positions (T, N, 3), m, and velocities, m/s, from the compiled kernel: (T, N, 3), or (0, 0, 3) (not
    computed) unless with_velocity."""
    t_s = np.atleast_1d(np.asarray(t_s, float))
    out_r = np.empty((t_s.shape[0], len(el), 3))
    out_v = np.empty_like(out_r) if with_velocity else np.empty((0, 0, 3))
    steps = np.diff(t_s)
    uniform = bool(steps.size == 0 or np.allclose(steps, steps[0], rtol=1e-12, atol=0.0))
    f = np.ascontiguousarray
    _propagate_kernel(
        out_r.shape[0] * out_r.shape[1],
        f(t_s),
        uniform,
        f(el.a_m),
        f(el.e),
        f(el.i_rad),
        f(el.raan_rad),
        f(el.argp_rad),
        f(el.m0_rad),
        f(el.t0_s),
        f(el.raan_dot),
        f(el.argp_dot),
        f(el.m_dot),
        out_r,
        out_v,
    )
    _blank_decayed(el, t_s, out_r, out_v)
    return out_r, out_v


def _blank_decayed(el: OrbitalElements, t_s: np.ndarray, out_r: np.ndarray, out_v: np.ndarray) -> None:
    """NaN in the states (T, N, 3) of each satellite from its decay time on (nothing to do for orbits that stay up)."""
    decay = el.decay_time_s
    if not np.isfinite(decay).any():
        return
    gone = t_s[:, None] >= decay[None, :]
    out_r[gone] = np.nan
    if out_v.size:
        out_v[gone] = np.nan


def propagate(el: OrbitalElements, t_s) -> np.ndarray:
    """ECI positions (T, N, 3), m, of N satellites at T times (s from the scenario epoch).

    Mean elements drift at their secular rates. On a uniform time grid, near-circular orbits (e < 0.01: every LEO
    constellation) advance by plane rotations and the equation of the centre (no trig per epoch, re-anchored
    exactly every 128 epochs); other orbits solve Kepler's equation per epoch. Compiled and
    parallel over blocks of satellites; memory is the output array itself (T * N * 24 bytes). NaN from a satellite's
    decay on (:attr:`OrbitalElements.lifetime_s`).
    """
    return _run_kernel(el, t_s, with_velocity=False)[0]


def propagate_state(el: OrbitalElements, t_s):
    """ECI positions (T, N, 3), m, and velocities (T, N, 3), m/s, of N satellites at T times (s from the scenario
    epoch).

    Positions are :func:`propagate`'s, from the same compiled kernel (same recurrences and Kepler solve). Velocity
    is the two-body velocity of the drifted conic, v = sqrt(mu/p) [e sin(nu) r_hat + (1 + e cos(nu)) t_hat], with
    r_hat the radial unit vector and t_hat its in-plane normal towards the motion (the radial and transverse
    two-body speeds, sqrt(mu/p) = mu/h: Curtis, *Orbital Mechanics for Engineering Students*, ch. 2). The drift
    rates' own contribution (J2: up to ~1e-3 of the orbital speed) is neglected, so v is the time derivative of
    the position exactly only without J2. Memory is the two output arrays (T * N * 48 bytes).
    """
    return _run_kernel(el, t_s, with_velocity=True)
