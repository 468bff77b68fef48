"""Reference frames: inertial (ECI), Earth-fixed (ECEF), geodetic, and local east-north-up.

ECI in goldendome is the TEME frame of SGP4 (true equator, mean equinox of date): ECEF = R3(GMST) . ECI. Polar
motion (< 20 m) and the equation of the equinoxes (< 1.2 arcsec, < 40 m at the surface) are neglected, as
Vallado (4th ed., sec. 3.7) shows for TEME -> PEF; the TLE propagator's output needs no further rotation.

Geodetic coordinates are on the WGS-84 ellipsoid; the ECEF -> geodetic conversion is Heikkinen's exact closed
form (Heikkinen 1982, Z. Vermess. 107; as given by Zhu 1994, IEEE Trans. AES 30), no iteration.

All functions take arrays with entities on the leading axes and components on the last axis.
"""

import math

import numba
import numpy as np

from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_B_M, WGS84_E2, WGS84_EP2
from goldendome.physics.vec import mxv

OMEGA_EARTH_VEC = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])
"""The Earth's spin vector (rad/s) in any Earth-centred frame with z on the spin axis."""


def corotating_velocity(r_m):
    """Velocity (..., 3), m/s, of a point at r (..., 3), m, carried round by the Earth's spin: w x r.

    Inertial velocity minus this is the velocity relative to the turning air; a body at rest on the ground has
    exactly this inertial velocity.
    """
    r = np.asarray(r_m, float)
    out = np.empty(r.shape)
    out[..., 0] = -OMEGA_EARTH_VEC[2] * r[..., 1]  # the spin is along z: w x r = w (-y, x, 0)
    out[..., 1] = OMEGA_EARTH_VEC[2] * r[..., 0]
    out[..., 2] = 0.0
    return out


def rot_eci_to_ecef(theta_rad):
    """Rotation matrices R3(theta): ECI -> ECEF for Earth rotation angle(s) theta, shape (..., 3, 3)."""
    theta_rad = np.asarray(theta_rad, dtype=float)
    c, s = np.cos(theta_rad), np.sin(theta_rad)
    m = np.zeros(theta_rad.shape + (3, 3))
    m[..., 0, 0] = c
    m[..., 0, 1] = s
    m[..., 1, 0] = -s
    m[..., 1, 1] = c
    m[..., 2, 2] = 1.0
    return m


def eci_to_ecef(r_eci, theta_rad):
    """ECI position(s), m -> ECEF, for rotation angle(s) theta (e.g. gmst_at(epoch, t))."""
    if np.ndim(theta_rad) == 0:
        return _turn_about_z(r_eci, float(theta_rad))
    theta_rad, r_eci = np.asarray(theta_rad, float), np.asarray(r_eci, float)
    if theta_rad.shape == r_eci.shape[:-1]:
        # one angle per position (a path's samples): R3(theta) r written out, no (..., 3, 3) matrices
        c, s = np.cos(theta_rad), np.sin(theta_rad)
        out = np.empty(r_eci.shape)
        out[..., 0] = c * r_eci[..., 0] + s * r_eci[..., 1]
        out[..., 1] = c * r_eci[..., 1] - s * r_eci[..., 0]
        out[..., 2] = r_eci[..., 2]
        return out
    return mxv(rot_eci_to_ecef(theta_rad), r_eci)


def ecef_to_eci(r_ecef, theta_rad):
    """ECEF position(s), m -> ECI (the transpose rotation)."""
    if np.ndim(theta_rad) == 0:
        return _turn_about_z(r_ecef, -float(theta_rad))
    return mxv(np.swapaxes(rot_eci_to_ecef(theta_rad), -1, -2), r_ecef)


def _turn_about_z(r, theta: float):
    """R3(theta) r for one angle: positions (..., 3) written out (a battle's look turns a few at a time)."""
    r = np.asarray(r, float)
    out = np.empty(r.shape)
    _turn_kernel(np.ascontiguousarray(r).reshape(-1, 3), math.cos(theta), math.sin(theta), out.reshape(-1, 3))
    return out


@numba.njit(cache=True)
def _turn_kernel(r, c, s, out):  # pragma: no cover - compiled
    for i in range(r.shape[0]):
        out[i, 0] = c * r[i, 0] + s * r[i, 1]
        out[i, 1] = c * r[i, 1] - s * r[i, 0]
        out[i, 2] = r[i, 2]


def eci_to_ecef_state(r_eci, v_eci, theta_rad):
    """ECI state -> ECEF state. The Earth-fixed velocity loses the frame's rotation: v' = R v - w x r'."""
    r = eci_to_ecef(r_eci, theta_rad)
    v = eci_to_ecef(v_eci, theta_rad) - corotating_velocity(r)
    return r, v


def ecef_to_eci_state(r_ecef, v_ecef, theta_rad):
    """ECEF state -> ECI state: v = R^T (v' + w x r')."""
    r = ecef_to_eci(r_ecef, theta_rad)
    v = ecef_to_eci(v_ecef + corotating_velocity(r_ecef), theta_rad)
    return r, v


def geodetic_to_ecef(lat_rad, lon_rad, h_m):
    """WGS-84 geodetic latitude, longitude (rad) and ellipsoidal height (m) -> ECEF position (..., 3), m."""
    lat_rad, lon_rad, h_m = np.broadcast_arrays(
        np.asarray(lat_rad, float), np.asarray(lon_rad, float), np.asarray(h_m, float)
    )
    slat, clat = np.sin(lat_rad), np.cos(lat_rad)
    n = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * slat * slat)  # prime-vertical radius of curvature
    return np.stack(
        [
            (n + h_m) * clat * np.cos(lon_rad),
            (n + h_m) * clat * np.sin(lon_rad),
            (n * (1.0 - WGS84_E2) + h_m) * slat,
        ],
        axis=-1,
    )


def ecef_to_geodetic(r_ecef):
    """ECEF position(s) (..., 3), m -> (lat_rad, lon_rad, h_m), Heikkinen's exact closed form.

    Exact for points outside the evolute of the ellipse, i.e. farther than ~43 km from the Earth's centre; deeper
    points return finite but meaningless heights (nothing in goldendome goes there).
    """
    r_ecef = np.asarray(r_ecef, dtype=float)
    flat = np.ascontiguousarray(r_ecef.reshape(-1, 3))
    lat = np.empty(flat.shape[0])
    h = np.empty(flat.shape[0])
    _geodetic_batch(flat.shape[0], flat, lat, h)
    lon = np.arctan2(r_ecef[..., 1], r_ecef[..., 0])
    shape = r_ecef.shape[:-1]
    return lat.reshape(shape), lon, h.reshape(shape)


def rot_ecef_to_enu(lat_rad, lon_rad):
    """Rotation matrices ECEF -> local east-north-up at geodetic (lat, lon), shape (..., 3, 3)."""
    lat_rad, lon_rad = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float))
    sl, cl = np.sin(lat_rad), np.cos(lat_rad)
    so, co = np.sin(lon_rad), np.cos(lon_rad)
    m = np.empty(lat_rad.shape + (3, 3))
    m[..., 0, :] = np.stack([-so, co, np.zeros_like(so)], axis=-1)
    m[..., 1, :] = np.stack([-sl * co, -sl * so, cl], axis=-1)
    m[..., 2, :] = np.stack([cl * co, cl * so, sl], axis=-1)
    return m


def azimuth_elevation_range(site_lat_rad, site_lon_rad, site_h_m, r_target_ecef):
    """Azimuth (rad, from north through east), elevation (rad) and slant range (m) of targets from a site."""
    site = geodetic_to_ecef(site_lat_rad, site_lon_rad, site_h_m)
    enu = mxv(rot_ecef_to_enu(site_lat_rad, site_lon_rad), np.asarray(r_target_ecef, float) - site)
    rng = np.linalg.norm(enu, axis=-1)
    az = np.mod(np.arctan2(enu[..., 0], enu[..., 1]), 2.0 * np.pi)
    az = np.where(az >= 2.0 * np.pi, 0.0, az)  # mod of a tiny negative angle rounds up to 2 pi
    with np.errstate(invalid="ignore", divide="ignore"):
        el = np.arcsin(enu[..., 2] / rng)
    return az, el, rng


@numba.njit(cache=True)
def _geodetic_scalar(x, y, z):  # pragma: no cover - compiled
    """Heikkinen's closed form for one point: (geodetic latitude rad, height m). NaN in, NaN out."""
    a, b, e2 = WGS84_A_M, WGS84_B_M, WGS84_E2
    p2 = x * x + y * y
    p = np.sqrt(p2)
    f = 54.0 * b * b * z * z
    g = p2 + (1.0 - e2) * z * z - e2 * (a * a - b * b)
    c = e2 * e2 * f * p2 / (g * g * g)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    pp = f / (3.0 * k * k * g * g)
    q = np.sqrt(1.0 + 2.0 * e2 * e2 * pp)
    # on the spin axis the radicand is a difference of two ~a^2 terms that is exactly zero; rounding can make it
    # slightly negative (NaN at the poles), so clamp it: the error in r0 is < 1 m and enters h as e2 r0
    rad = 0.5 * a * a * (1.0 + 1.0 / q) - pp * (1.0 - e2) * z * z / (q * (1.0 + q)) - 0.5 * pp * p2
    r0 = -(pp * e2 * p) / (1.0 + q) + np.sqrt(rad if rad > 0.0 else 0.0)
    u = np.sqrt((p - e2 * r0) ** 2 + z * z)
    v = np.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z * z)
    z0 = b * b * z / (a * v)
    return np.arctan2(z + WGS84_EP2 * z0, p), u * (1.0 - b * b / (a * v))


@numba.njit(cache=True)
def geodetic_height_scalar(x, y, z):  # pragma: no cover - compiled
    """Height only, for compiled kernels (the flight integrator)."""
    return _geodetic_scalar(x, y, z)[1]


PARALLEL_POINTS = 50_000
"""From this many points a geodetic conversion runs on every core (a battle manager's forecast paths: hundreds of
thousands of samples at once)."""


@sized_kernel(PARALLEL_POINTS)
def _geodetic_batch(r, lat, h):  # pragma: no cover - compiled
    for i in numba.prange(r.shape[0]):
        lat[i], h[i] = _geodetic_scalar(r[i, 0], r[i, 1], r[i, 2])


def eci_to_ecef_with_height(r_eci, theta_rad):
    """ECI positions (N, 3), m, each at its own rotation angle theta_rad (N,): (ECEF positions (N, 3), WGS-84 heights
    (N,), m), in one compiled pass -- the same numbers as eci_to_ecef followed by ecef_to_geodetic (a forecast's
    path samples: hundreds of thousands at once)."""
    r = np.ascontiguousarray(r_eci, float).reshape(-1, 3)
    theta = np.asarray(theta_rad, float).reshape(-1)
    out, h = np.empty(r.shape), np.empty(r.shape[0])
    _rotate_height_batch(r.shape[0], r, np.cos(theta), np.sin(theta), out, h)
    return out, h


@sized_kernel(PARALLEL_POINTS)
def _rotate_height_batch(r, c, s, out, h):  # pragma: no cover - compiled
    for i in numba.prange(r.shape[0]):
        x = c[i] * r[i, 0] + s[i] * r[i, 1]
        y = c[i] * r[i, 1] - s[i] * r[i, 0]
        out[i, 0], out[i, 1], out[i, 2] = x, y, r[i, 2]
        h[i] = _geodetic_scalar(x, y, r[i, 2])[1]


def geodetic_height_m(r_m):
    """WGS-84 height (m) of positions (..., 3) in any Earth-centred frame with z on the spin axis (compiled).

    The height depends only on the distance from the axis and on z, so ECI positions need no rotation.
    """
    return ecef_to_geodetic(r_m)[2]
