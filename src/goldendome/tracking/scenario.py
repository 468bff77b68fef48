"""A reproducible radar tracking case: constant-velocity targets seen by one radar with missed detections and
clutter, saved to and loaded from a file, so that two trackers (ours and a peer's) run on exactly the same detections.

Frame: the radar's local east-north-up axes (metres), radar at the origin. Targets fly at constant velocity at
aircraft / cruise-missile heights; detections carry (range, azimuth, elevation) with Gaussian noise, each target is
detected with probability pd per scan, and clutter is uniform in range, azimuth and elevation over the radar's
window, Poisson with a mean of clutter_per_scan.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from goldendome.tracking.measurements import RadarModel


@dataclass(frozen=True)
class TrackingCase:
    """Truth and detections of a scan sequence. truth (T, N, 6); scans: detection times (T,); z: detections (K, 3)
    with scan index scan (K,) and truth index origin (K,) (-1 for clutter); the radar's noise (sigmas)."""

    times: np.ndarray
    truth: np.ndarray
    scan: np.ndarray
    z: np.ndarray
    origin: np.ndarray
    sigma_range_m: float
    sigma_angle_rad: float

    @property
    def sensor(self) -> RadarModel:
        return RadarModel(np.zeros(3), np.eye(3), self.sigma_range_m, self.sigma_angle_rad, self.sigma_angle_rad)

    def detections(self, k: int) -> np.ndarray:
        return self.z[self.scan == k]

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            times=self.times,
            truth=self.truth,
            scan=self.scan,
            z=self.z,
            origin=self.origin,
            sigmas=np.array([self.sigma_range_m, self.sigma_angle_rad]),
        )

    @classmethod
    def load(cls, path: Path) -> "TrackingCase":
        d = np.load(path)
        return cls(d["times"], d["truth"], d["scan"], d["z"], d["origin"], float(d["sigmas"][0]), float(d["sigmas"][1]))


def make_case(
    n_targets: int,
    n_scans: int,
    dt_s: float = 5.0,
    pd: float = 0.9,
    clutter_per_scan: float = 5.0,
    sigma_range_m: float = 20.0,
    sigma_angle_rad: float = 1e-3,
    spread_m: float = 150e3,
    seed: int = 0,
) -> TrackingCase:
    """A random case: targets 30-150 km out (any azimuth), 1-15 km up, 150-300 m/s level flight."""
    rng = np.random.default_rng(seed)
    rho = rng.uniform(30e3, spread_m, n_targets)
    ang = rng.uniform(0.0, 2 * np.pi, n_targets)
    heading = rng.uniform(0.0, 2 * np.pi, n_targets)
    speed = rng.uniform(150.0, 300.0, n_targets)
    x0 = np.stack(
        [
            rho * np.sin(ang),
            rho * np.cos(ang),
            rng.uniform(1e3, 15e3, n_targets),
            speed * np.sin(heading),
            speed * np.cos(heading),
            np.zeros(n_targets),
        ],
        axis=1,
    )
    times = np.arange(n_scans) * dt_s
    truth = x0[None] + times[:, None, None] * np.concatenate([x0[:, 3:], np.zeros((n_targets, 3))], axis=1)[None]
    sensor = RadarModel(np.zeros(3), np.eye(3), sigma_range_m, sigma_angle_rad, sigma_angle_rad)
    sig = np.array([sigma_range_m, sigma_angle_rad, sigma_angle_rad])
    scans, zs, origins = [], [], []
    for k in range(n_scans):
        seen = np.flatnonzero(rng.random(n_targets) < pd)
        z = sensor.measure(truth[k, seen, :3]) + rng.standard_normal((seen.size, 3)) * sig
        n_c = rng.poisson(clutter_per_scan)
        zc = np.stack(
            [rng.uniform(10e3, spread_m + 50e3, n_c), rng.uniform(0, 2 * np.pi, n_c), rng.uniform(0.0, 0.3, n_c)],
            axis=1,
        )
        z = np.vstack([z, zc])
        z[:, 1] %= 2 * np.pi
        perm = rng.permutation(len(z))  # detections arrive in no particular order
        scans.append(np.full(len(z), k))
        zs.append(z[perm])
        origins.append(np.concatenate([seen, np.full(n_c, -1)])[perm])
    return TrackingCase(
        times, truth, np.concatenate(scans), np.vstack(zs), np.concatenate(origins), sigma_range_m, sigma_angle_rad
    )


def initial_tracks(case: TrackingCase, seed: int = 1, sigma_pos_m: float = 200.0, sigma_vel_mps: float = 30.0):
    """Priors for every target at the first scan time: truth plus Gaussian error of the stated sigmas, and that
    covariance (the same cue handed to every tracker compared)."""
    rng = np.random.default_rng(seed)
    n = case.truth.shape[1]
    sig = np.array([sigma_pos_m] * 3 + [sigma_vel_mps] * 3)
    x = case.truth[0] + rng.standard_normal((n, 6)) * sig
    return x, np.tile(np.diag(sig**2), (n, 1, 1))
