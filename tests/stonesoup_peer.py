"""Stone Soup's EKF + GNN tracker run on a saved goldendome tracking case (test and bench helper, not package code).

Same models as ours: per-axis constant velocity with the same white-noise acceleration q, the radar's (elevation,
bearing, range) measurement with the same noise, Mahalanobis-distance hypotheses gated at the same chi-square
point, and GNN by 2-D assignment. Stone Soup's state is (x, vx, y, vy, z, vz) and its bearing is measured from the
x (east) axis anticlockwise: bearing = pi/2 - azimuth.
"""

import datetime as dt

import numpy as np
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.hypothesiser.distance import DistanceHypothesiser
from stonesoup.measures import Mahalanobis
from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange
from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
from stonesoup.predictor.kalman import ExtendedKalmanPredictor
from stonesoup.types.detection import Detection
from stonesoup.types.state import GaussianState
from stonesoup.types.track import Track
from stonesoup.updater.kalman import ExtendedKalmanUpdater

T0 = dt.datetime(2026, 1, 1)
SS_ORDER = [0, 3, 1, 4, 2, 5]  # ours (x, y, z, vx, vy, vz) -> Stone Soup (x, vx, y, vy, z, vz)


def to_ours(state_vector) -> np.ndarray:
    out = np.empty(6)
    out[SS_ORDER] = np.asarray(state_vector, float).ravel()
    return out


def build(case, q: float, gate: float):
    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q)] * 3)
    measurement = CartesianToElevationBearingRange(
        ndim_state=6,
        mapping=(0, 2, 4),
        noise_covar=np.diag([case.sigma_angle_rad**2, case.sigma_angle_rad**2, case.sigma_range_m**2]),
    )
    predictor = ExtendedKalmanPredictor(transition)
    updater = ExtendedKalmanUpdater(measurement)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=np.sqrt(gate))
    return measurement, updater, GNNWith2DAssignment(hypothesiser)


def tracks_from_priors(x0, p0):
    out = set()
    for x, p in zip(x0, p0, strict=True):
        out.add(Track([GaussianState(x[SS_ORDER].reshape(6, 1), p[np.ix_(SS_ORDER, SS_ORDER)], timestamp=T0)]))
    return out


def detections_at(case, k, measurement):
    t = T0 + dt.timedelta(seconds=float(case.times[k]))
    z = case.detections(k)
    out = set()
    for rng, az, el in z:
        bearing = (np.pi / 2 - az + np.pi) % (2 * np.pi) - np.pi
        out.add(Detection(np.array([[el], [bearing], [rng]]), timestamp=t, measurement_model=measurement))
    return out, t


def scan(tracks, detections, t, associator, updater):
    """One Stone Soup scan: associate (predict + hypothesise inside) and update each track."""
    hypotheses = associator.associate(tracks, detections, t)
    for track in tracks:
        h = hypotheses[track]
        track.append(updater.update(h) if h.measurement else h.prediction)


def run(case, x0, p0, q: float, gate: float):
    """Positions (T, N, 3) of every track (in prior order) after each scan from the second on."""
    measurement, updater, associator = build(case, q, gate)
    tracks = list(tracks_from_priors(x0, p0))
    order = [int(np.argmin(np.linalg.norm(x0[:, :3] - to_ours(t.state_vector)[:3], axis=1))) for t in tracks]
    out = np.zeros((len(case.times), len(tracks), 3))
    out[0] = x0[:, :3]
    for k in range(1, len(case.times)):
        dets, t = detections_at(case, k, measurement)
        scan(set(tracks), dets, t, associator, updater)
        for i, track in zip(order, tracks, strict=True):
            out[k, i] = to_ours(track.state_vector)[:3]
    return out
