"""Measurement models, vectorised over tracks: radar (range, azimuth, elevation) and the conversions that
initiate tracks and gate in Cartesian space.

A radar measures in its local east-north-up frame: given the sensor position s and the rotation M from the
tracking frame to its ENU axes, a target at p is at d = M (p - s) = (e, n, u), and

    range = |d|,  azimuth = atan2(e, n) (clockwise from north),  elevation = asin(u / range).

The Jacobian with respect to position is J M, with J the derivative of (range, az, el) with respect to (e, n, u)
(Bar-Shalom, Li & Kirubarajan 2001, sec. 10.3 for the polar case); velocity does not enter.
"""

from dataclasses import dataclass

import numpy as np

from goldendome.physics.frames import rot_ecef_to_enu, rot_eci_to_ecef


@dataclass(frozen=True)
class RadarModel:
    """Where a radar is in the tracking frame and how well it measures: position (3,), rotation frame -> ENU (3, 3),
    1-sigma range (m), azimuth and elevation (rad)."""

    position: np.ndarray
    rotation: np.ndarray
    sigma_range_m: float
    sigma_az_rad: float
    sigma_el_rad: float

    @classmethod
    def site(cls, site_ecef, lat_rad: float, lon_rad: float, theta_rad: float, sigma_range_m: float,
             sigma_angle_rad: float) -> "RadarModel":  # fmt: skip
        """A ground radar seen from the inertial (ECI) tracking frame at Earth rotation angle theta: its position
        turned into ECI and its rotation ECI -> ENU = (ECEF -> ENU)(ECI -> ECEF)."""
        r = rot_eci_to_ecef(theta_rad)
        return cls(r.T @ np.asarray(site_ecef, float), rot_ecef_to_enu(lat_rad, lon_rad) @ r, sigma_range_m,
                   sigma_angle_rad, sigma_angle_rad)  # fmt: skip

    @property
    def noise(self) -> np.ndarray:
        return np.diag([self.sigma_range_m**2, self.sigma_az_rad**2, self.sigma_el_rad**2])

    def measure(self, p):
        """(range, az, el) (N, 3) of positions p (N, 3) in the tracking frame."""
        d = (p - self.position) @ self.rotation.T
        rng = np.linalg.norm(d, axis=1)
        az = np.mod(np.arctan2(d[:, 0], d[:, 1]), 2.0 * np.pi)
        el = np.arcsin(np.clip(d[:, 2] / rng, -1.0, 1.0))
        return np.stack([rng, az, el], axis=1)

    def jacobian(self, x):
        """H (N, 3, 6) of the measurement at states x (N, 6)."""
        d = (x[:, :3] - self.position) @ self.rotation.T
        e, n, u = d[:, 0], d[:, 1], d[:, 2]
        rho2 = e * e + n * n
        rho = np.sqrt(rho2)
        r2 = rho2 + u * u
        r = np.sqrt(r2)
        j = np.zeros((x.shape[0], 3, 3))
        j[:, 0] = d / r[:, None]
        j[:, 1, 0], j[:, 1, 1] = n / rho2, -e / rho2
        j[:, 2, 0], j[:, 2, 1], j[:, 2, 2] = -e * u / (r2 * rho), -n * u / (r2 * rho), rho / r2
        h = np.zeros((x.shape[0], 3, 6))
        h[:, :, :3] = j @ self.rotation
        return h

    def innovation(self, z, z_pred):
        """z - z_pred with the azimuth difference wrapped into (-pi, pi]."""
        nu = z - z_pred
        nu[..., 1] = (nu[..., 1] + np.pi) % (2.0 * np.pi) - np.pi
        return nu

    def to_position(self, z):
        """Positions (N, 3) in the tracking frame of measurements z (N, 3)."""
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
        x = np.hstack([self.to_position(z), np.zeros_like(z)])
        jp = self.jacobian(x)[:, :, :3]  # d(z)/d(p)
        inv = np.linalg.inv(jp)
        return inv @ (self.noise if r is None else r) @ np.swapaxes(inv, 1, 2)


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
        return cls(r.T @ np.asarray(site_ecef, float), rot_ecef_to_enu(lat_rad, lon_rad) @ r, sigma_ground_m)

    @property
    def noise(self) -> np.ndarray:
        return np.diag([self.sigma_ground_m**2, self.sigma_ground_m**2, self.height_sigma_m**2])

    def with_height(self, z2):
        """Ground detections (K, 2) with the height pseudo-measurement appended: (K, 3)."""
        return np.hstack([z2, np.full((len(z2), 1), self.assumed_height_m)])

    def measure(self, p):
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

    def measure(self, p):
        return np.asarray(p, float).copy()

    def jacobian(self, x):
        h = np.zeros((x.shape[0], 3, 6))
        h[:, :, :3] = np.eye(3)
        return h

    def innovation(self, z, z_pred):
        return z - z_pred

    def to_position(self, z):
        return np.asarray(z, float).copy()

    def position_covariance(self, z, r=None):
        return np.broadcast_to(self.noise if r is None else r, (len(z), 3, 3)).copy()

    def position_variance_trace(self, z):
        return np.full(len(z), 3.0 * self.sigma_m**2)
