"""Measurement models, vectorised over tracks: radar (range, azimuth, elevation) and the conversions that
initiate tracks and gate in Cartesian space.

A radar measures in its local east-north-up frame: given the sensor position s and the rotation M from the
tracking frame to its ENU axes, a target at p is at d = M (p - s) = (e, n, u), and

    range = |d|,  azimuth = atan2(e, n) (clockwise from north),  elevation = asin(u / range).

The Jacobian with respect to position is J M, with J the derivative of (range, az, el) with respect to (e, n, u)
(Bar-Shalom, Li & Kirubarajan 2001, sec. 10.3 for the polar case); velocity does not enter.
"""

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numba
import numpy as np

from goldendome.physics.constants import OMEGA_EARTH_RAD_S
from goldendome.physics.frames import rot_ecef_to_enu, rot_eci_to_ecef


@lru_cache(maxsize=64)
def _enu(lat_rad: float, lon_rad: float) -> np.ndarray:
    """A site's rotation ECEF -> ENU (a radar's looks all need the same one), read-only."""
    m = rot_ecef_to_enu(lat_rad, lon_rad)
    m.flags.writeable = False
    return m


@numba.njit(cache=True)
def _polar_kernel(x, s, m, w, doppler, with_h):  # pragma: no cover - compiled
    """Measurements (N, 3 or 4) and, with_h, their Jacobians (N, 3 or 4, 6) of states x (N, 6) seen from a site at s
    moving at w with rotation m to its ENU axes (the formulas of the module docstring), one track per pass."""
    n, k = x.shape[0], (4 if doppler else 3)
    z = np.empty((n, k))
    h = np.zeros((n if with_h else 0, k, 6))
    for i in range(n):
        dp0, dp1, dp2 = x[i, 0] - s[0], x[i, 1] - s[1], x[i, 2] - s[2]
        e = m[0, 0] * dp0 + m[0, 1] * dp1 + m[0, 2] * dp2
        nn = m[1, 0] * dp0 + m[1, 1] * dp1 + m[1, 2] * dp2
        u = m[2, 0] * dp0 + m[2, 1] * dp1 + m[2, 2] * dp2
        rho2 = e * e + nn * nn
        r2 = rho2 + u * u
        r = np.sqrt(r2)
        z[i, 0] = r
        z[i, 1] = np.arctan2(e, nn) % (2.0 * np.pi)
        z[i, 2] = np.arcsin(min(1.0, max(-1.0, u / r)))
        rr = 0.0
        if doppler:
            dv0, dv1, dv2 = x[i, 3] - w[0], x[i, 4] - w[1], x[i, 5] - w[2]
            rr = (dp0 * dv0 + dp1 * dv1 + dp2 * dv2) / r
            z[i, 3] = rr
        if not with_h:
            continue
        rho = np.sqrt(rho2)
        j0 = (e / r, nn / r, u / r)
        j1 = (nn / rho2, -e / rho2, 0.0)
        j2 = (-e * u / (r2 * rho), -nn * u / (r2 * rho), rho / r2)
        for c in range(3):  # rows of J M: the ENU derivatives turned back into the tracking frame
            h[i, 0, c] = j0[0] * m[0, c] + j0[1] * m[1, c] + j0[2] * m[2, c]
            h[i, 1, c] = j1[0] * m[0, c] + j1[1] * m[1, c]
            h[i, 2, c] = j2[0] * m[0, c] + j2[1] * m[1, c] + j2[2] * m[2, c]
        if doppler:  # rr = (p - s).(v - w) / |p - s|
            dp = (dp0, dp1, dp2)
            dv = (x[i, 3] - w[0], x[i, 4] - w[1], x[i, 5] - w[2])
            for c in range(3):
                h[i, 3, c] = (dv[c] - rr * dp[c] / r) / r
                h[i, 3, 3 + c] = dp[c] / r
    return z, h


@dataclass(frozen=True)
class RadarModel:
    """Where a radar is in the tracking frame and how well it measures: position (3,), rotation frame -> ENU (3, 3),
    1-sigma range (m), azimuth and elevation (rad); with sigma_range_rate_mps, a fourth coordinate, the range rate
    (Doppler) d . d_dot / |d| of the target relative to the site moving at velocity (3,) in the tracking frame."""

    position: np.ndarray
    rotation: np.ndarray
    sigma_range_m: float
    sigma_az_rad: float
    sigma_el_rad: float
    sigma_range_rate_mps: float | None = None
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(3))

    @classmethod
    def site(
        cls,
        site_ecef,
        lat_rad: float,
        lon_rad: float,
        theta_rad: float,
        sigma_range_m: float,
        sigma_angle_rad: float,
        sigma_range_rate_mps: float | None = None,
    ) -> "RadarModel":
        """A ground radar seen from the inertial (ECI) tracking frame at Earth rotation angle theta: its position
        turned into ECI, its rotation ECI -> ENU = (ECEF -> ENU)(ECI -> ECEF), its velocity w x r."""
        r = rot_eci_to_ecef(theta_rad)
        pos = r.T @ np.asarray(site_ecef, float)
        return cls(
            pos,
            _enu(float(lat_rad), float(lon_rad)) @ r,
            sigma_range_m,
            sigma_angle_rad,
            sigma_angle_rad,
            sigma_range_rate_mps,
            OMEGA_EARTH_RAD_S * np.array([-pos[1], pos[0], 0.0]),
        )

    @property
    def doppler(self) -> bool:
        return self.sigma_range_rate_mps is not None

    @cached_property
    def noise(self) -> np.ndarray:
        sig = [self.sigma_range_m**2, self.sigma_az_rad**2, self.sigma_el_rad**2]
        return np.diag(sig + [self.sigma_range_rate_mps**2] if self.doppler else sig)

    def measure(self, x):
        """(range, az, el[, range rate]) (N, 3 or 4) of states x (N, 6) -- positions (N, 3) will do without
        Doppler -- in the tracking frame."""
        x = np.asarray(x, float)
        if x.shape[1] < 6:
            x = np.hstack([x[:, :3], np.zeros((x.shape[0], 3))])
        return self._polar(x, False)[0]

    def jacobian(self, x):
        """H (N, 3 or 4, 6) of the measurement at states x (N, 6)."""
        return self._polar(np.asarray(x, float), True)[1]

    def linearise(self, x):
        """(measure(x), jacobian(x)) in one pass: what an EKF needs of every track at a look."""
        return self._polar(np.asarray(x, float), True)

    def _polar(self, x, with_h: bool):
        c = np.ascontiguousarray
        return _polar_kernel(
            c(x, float), c(self.position, float), c(self.rotation, float), c(self.velocity, float), self.doppler, with_h
        )

    def innovation(self, z, z_pred):
        """z - z_pred with the azimuth difference wrapped into (-pi, pi]."""
        nu = z - z_pred
        nu[..., 1] = (nu[..., 1] + np.pi) % (2.0 * np.pi) - np.pi
        return nu

    def initial_velocity(self, z, sigma_mps: float):
        """Velocity prior of tracks started from detections z: unknown (zero, sigma_mps on each axis), except along
        the line of sight when the range rate is measured (the site's velocity plus the range rate there)."""
        k = len(z)
        v = np.zeros((k, 3))
        p = np.tile(np.eye(3) * sigma_mps**2, (k, 1, 1))
        if self.doppler:
            u = self.to_position(z) - self.position
            u /= np.linalg.norm(u, axis=1, keepdims=True)
            uu = u[:, :, None] * u[:, None, :]
            v = self.velocity + z[:, 3:4] * u
            p = sigma_mps**2 * (np.eye(3) - uu) + self.sigma_range_rate_mps**2 * uu
        return v, p

    def to_position(self, z):
        """Positions (N, 3) in the tracking frame of measurements z (N, 3 or 4)."""
        rng, az, el = z[:, 0], z[:, 1], z[:, 2]
        d = np.stack([rng * np.cos(el) * np.sin(az), rng * np.cos(el) * np.cos(az), rng * np.sin(el)], axis=1)
        return self.position + d @ self.rotation

    def position_variance_trace(self, z):
        """Trace (N,) of the converted-position covariance of measurements z: the partial derivatives of position
        by range, azimuth and elevation are orthogonal with lengths 1, r cos(el) and r, so the trace is
        sigma_r^2 + (r cos(el) sigma_az)^2 + (r sigma_el)^2."""
        rng, el = z[:, 0], z[:, 2]
        return self.sigma_range_m**2 + (rng * np.cos(el) * self.sigma_az_rad) ** 2 + (rng * self.sigma_el_rad) ** 2

    def position_covariance(self, z, r=None):
        """Covariance (N, 3, 3) of the converted positions: J^-1 R J^-T rotated into the tracking frame (the linearised
        converted-measurement covariance, Bar-Shalom sec. 10.4); r: each detection's noise (default the sensor's)."""
        x = np.hstack([self.to_position(z), np.zeros((len(z), 3))])
        jp = self.jacobian(x)[:, :3, :3]  # d(range, az, el)/d(p)
        inv = np.linalg.inv(jp)
        r3 = (self.noise if r is None else r)[..., :3, :3]
        return inv @ r3 @ np.swapaxes(inv, 1, 2)


@dataclass(frozen=True)
class GroundPositionModel:
    """An over-the-horizon radar's measurement: where the target is over the ground, not how high -- the east and
    north coordinates, in the site's tangent plane, of the point below the target on a sphere of radius_m
    (Earth-centred tracking frame: ECEF or ECI) -- plus a pseudo-measurement of height, assumed_height_m with
    height_sigma_m, the weak prior that keeps a 3-D track's height bounded when the sensor cannot see it (the surface:
    what an OTH radar holds alone is low -- ships, cruise missiles, aircraft; another sensor's height measurement
    overrides it). Detections (east, north) become (east, north, height) with :meth:`with_height`."""

    position: np.ndarray
    rotation: np.ndarray
    sigma_ground_m: float
    radius_m: float = 6_371_008.8
    assumed_height_m: float = 0.0
    height_sigma_m: float = 15e3

    @classmethod
    def site(cls, site_ecef, lat_rad: float, lon_rad: float, theta_rad: float, sigma_ground_m: float):
        """The radar at Earth rotation angle theta, in the inertial frame (see :meth:`RadarModel.site`)."""
        r = rot_eci_to_ecef(theta_rad)
        return cls(r.T @ np.asarray(site_ecef, float), _enu(float(lat_rad), float(lon_rad)) @ r, sigma_ground_m)

    @property
    def noise(self) -> np.ndarray:
        return np.diag([self.sigma_ground_m**2, self.sigma_ground_m**2, self.height_sigma_m**2])

    def with_height(self, z2):
        """Ground detections (K, 2) with the height pseudo-measurement appended: (K, 3)."""
        return np.hstack([z2, np.full((len(z2), 1), self.assumed_height_m)])

    def measure(self, x):
        p = np.asarray(x, float)[:, :3]
        rn = np.linalg.norm(p, axis=1, keepdims=True)
        q = self.radius_m * p / rn
        return np.hstack([((q - self.position) @ self.rotation.T)[:, :2], rn - self.radius_m])

    def jacobian(self, x):
        p = x[:, :3]
        rn = np.linalg.norm(p, axis=1)
        u = p / rn[:, None]
        dq = (self.radius_m / rn)[:, None, None] * (np.eye(3) - u[:, :, None] * u[:, None, :])
        h = np.zeros((x.shape[0], 3, 6))
        h[:, :2, :3] = self.rotation[:2] @ dq
        h[:, 2, :3] = u
        return h

    def linearise(self, x):
        return self.measure(x), self.jacobian(x)

    def innovation(self, z, z_pred):
        return z - z_pred

    def to_position(self, z):
        d = np.hstack([z[:, :2], np.zeros((z.shape[0], 1))])
        q = self.position + d @ self.rotation
        return (self.radius_m + z[:, 2:3]) * q / np.linalg.norm(q, axis=1, keepdims=True)

    def position_covariance(self, z, r=None):
        enu = np.diag([self.sigma_ground_m**2, self.sigma_ground_m**2, self.height_sigma_m**2])
        return np.broadcast_to(self.rotation.T @ enu @ self.rotation, (z.shape[0], 3, 3)).copy()

    def position_variance_trace(self, z):
        return np.full(z.shape[0], 2.0 * self.sigma_ground_m**2 + self.height_sigma_m**2)


@dataclass(frozen=True)
class PositionModel:
    """A measured position in the tracking frame (e.g. a triangulated infrared fix): z = p, H = [I 0]. The noise is
    normally given per detection (each triangulation has its own covariance); sigma_m is the default."""

    sigma_m: float = 1000.0

    @property
    def noise(self) -> np.ndarray:
        return np.eye(3) * self.sigma_m**2

    def measure(self, x):
        return np.asarray(x, float)[:, :3].copy()

    def jacobian(self, x):
        h = np.zeros((x.shape[0], 3, 6))
        h[:, :, :3] = np.eye(3)
        return h

    def linearise(self, x):
        return self.measure(x), self.jacobian(x)

    def innovation(self, z, z_pred):
        return z - z_pred

    def to_position(self, z):
        return np.asarray(z, float).copy()

    def position_covariance(self, z, r=None):
        return np.broadcast_to(self.noise if r is None else r, (len(z), 3, 3)).copy()

    def position_variance_trace(self, z):
        return np.full(len(z), 3.0 * self.sigma_m**2)
