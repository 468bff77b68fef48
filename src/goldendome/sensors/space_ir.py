"""Space-based infrared sensors: what a constellation of IR payloads sees, and the detections it makes.

A missile-warning or tracking satellite carries an infrared telescope looking down at the Earth. Whether one
satellite at ``s`` sees one target at ``p`` (both Earth-centred, metres, z on the spin axis) is geometry plus two
facts about backgrounds:

**Range and field of regard.** With ``d = p - s`` the line of sight, the target must lie within ``max_range_m``
and within a cone of half-angle ``for_half_angle_rad`` about the nadir (boresight ``-s/|s|``): the nadir angle
``eta`` obeys ``cos eta = (|s|^2 - s.p) / (|s| |d|)``.

**The Earth's limb.** From radius ``r = R + h`` the Earth's disc has angular radius ``asin(R / r)`` seen from nadir,
and the horizon (limb) lies at slant range ``sqrt(r^2 - R^2)``; a cap of ``(1 - R/r) / 2`` of the sphere's area is in
view (Wertz & Larson, *Space Mission Analysis and Design*, 3rd ed., 1999, sec. 5.2). A line of sight is blocked when
it passes through the Earth: the closest approach of the segment ``s -> p`` to the centre sits at parameter
``tau = (|s|^2 - s.p) / |d|^2`` and, when ``0 < tau < 1``, at distance ``sqrt(|s|^2 - (|s|^2 - s.p)^2 / |d|^2)``.

**Hot plumes (boost phase).** A burning booster's plume outshines the Earth in the 2.7 um water band that warning
satellites use, whose atmospheric absorption also hides the ground (Forden, "SBIRS -- Signal and Background",
armscontrolwonk.com, 2008): a plume is seen *against the Earth* once the booster is above the cloud tops, so a hot
target needs only a clear segment to the satellite. Cloud tops default to 10 km: the WMO International Cloud Atlas
(WMO-No. 407) puts the high-cloud level at 5-13 km in temperate regions (6-18 km in the tropics, 3-8 km polar);
the choice within that range is an assumption. Only objects in boost phase (``Trajectory.phase == 0``) have plumes.

**Cold bodies (after burnout).** A ~300 K warhead or stage is far dimmer than the Earth and its airglow, so it is
detected only against the cold space background, i.e. *above the limb*: the whole ray from the satellite through
the target must miss the Earth plus an atmospheric layer of height ``graze_altitude_m``. MSX/SPIRIT III measured
structured limb backgrounds at tangent heights up to ~200 km, with OH and O2 airglow near 85-100 km (Hegblom et al.,
IEEE Aerospace Conf. 1999, doi:10.1109/aero.1999.792092); the default 100 km grazing height is an assumption. The
ray misses the layer when its closest approach lies behind the satellite (``|s|^2 - s.p <= 0``) or at a distance
``>= R + h_graze``.

**Earth model.** ``earth="wgs84"`` (default) uses the WGS-84 ellipsoid for the hard Earth and the ellipsoid of
semi-axes ``(a + h, b + h)`` for the grazing layer (it departs from the true height-h surface by < 0.14 m for
h = 100 km); stretching z by ``a/b`` (or ``(a+h)/(b+h)``) turns either into a sphere, and a stretch maps lines to
lines, so each test stays one closest-approach formula. The mean sphere (``earth="sphere"``, radius
``R_EARTH_MEAN_M``, heights ``|r| - R``) is offered for closed-form checks; it misplaces the surface by up to
-14 km at the poles (+7 km at the equator), so a booster near a polar launch site would sit *inside* it.
Heights for the cloud-top rule are geodetic with ``"wgs84"`` and ``|r| - R`` with ``"sphere"``.

**Speed.** Every condition above is a polynomial in the inner products ``s.p`` -- the product a BLAS ``(S,3) @
(3,P)`` would compute -- and the norms ``|s|^2``, ``|p|^2`` (split into the xy and z parts for the ellipsoid). The
compiled kernels evaluate all of them in one pass per pair, without square roots, and write either the boolean
``(S, P)`` matrix or per-point counts ``(P,)`` without materialising the matrix.

**Measurements.** A detection is a unit line of sight in ECI with Gaussian angular noise of ``sigma_rad`` per axis
in the plane perpendicular to it, and covariance ``sigma^2 (I - u u^T)`` (rank 2: a bearing carries no range). The
probability of detection per look inside the envelope is ``IRSensor.pd``, 1 by default: the envelope above stands in
for a signal-to-noise model, for which no public sensor figures exist.
"""

import datetime as dt
import math
from dataclasses import dataclass, fields

import numba
import numpy as np

from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import R_EARTH_MEAN_M, WGS84_A_M, WGS84_B_M
from goldendome.physics.constellation import Constellation
from goldendome.physics.frames import eci_to_ecef, geodetic_height_m, geodetic_to_ecef
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import gmst_at
from goldendome.threats.trajectory import BOOST

BOOST_PHASE = BOOST
"""Phase code of powered flight in :mod:`goldendome.threats.trajectory` (0 boost, 1 midcourse, 2 terminal)."""

EARTH_MODELS = ("wgs84", "sphere")
"""Earth shapes the visibility tests accept (see the module docstring)."""

CLOUD_TOP_M = 10e3
"""Default cloud-top altitude, m: within the WMO International Cloud Atlas' temperate high-cloud level, 5-13 km
(WMO-No. 407); the value inside that range is an assumption."""

GRAZE_ALTITUDE_M = 100e3
"""Default grazing height of the atmospheric limb for cold-body detection, m: above the 85-100 km airglow layers
seen by MSX (Hegblom et al. 1999); an assumption, no sensor's figure is public."""

PARALLEL_PAIRS = 20_000
"""Satellite-target pairs from which a visibility test runs on all cores (fewer: serially, faster than waking the
thread pool)."""
_FRAME_BLOCK = 256
"""Epochs propagated per call: bounds the (T, S, 3) position block at 256 * S * 24 bytes (61 MB at 10,000 sats)."""


@dataclass(frozen=True)
class IRSensor:
    """An infrared payload carried by every satellite of a constellation, pointed at the nadir.

    name : label; for_half_angle_rad : field-of-regard half-angle about the nadir, rad; max_range_m : detection
    range limit, m; frame_s : frame (revisit) time, s -- looks happen at integer multiples of it from the scenario
    epoch; sigma_rad : 1-sigma angular noise per axis, rad; cloud_top_m : a plume is visible only above this height,
    m; graze_altitude_m : a cold body must be seen above the limb of the Earth plus this layer, m; pd : probability
    of detection per look inside the envelope (1 by default: no public Pd figures exist).
    Raises ValueError on a nonsensical configuration (a configuration error, not a batch).
    """

    name: str
    for_half_angle_rad: float
    max_range_m: float
    frame_s: float
    sigma_rad: float
    cloud_top_m: float = CLOUD_TOP_M
    graze_altitude_m: float = GRAZE_ALTITUDE_M
    pd: float = 1.0

    def __post_init__(self):
        problems = []
        if not 0.0 < self.for_half_angle_rad < math.pi:
            problems.append(f"for_half_angle_rad must be in (0, pi), got {self.for_half_angle_rad}")
        if not self.max_range_m > 0.0:
            problems.append(f"max_range_m must be positive, got {self.max_range_m}")
        if not self.frame_s > 0.0:
            problems.append(f"frame_s must be positive, got {self.frame_s}")
        if not self.sigma_rad >= 0.0:
            problems.append(f"sigma_rad must be >= 0, got {self.sigma_rad}")
        if not 0.0 <= self.pd <= 1.0:
            problems.append(f"pd must be in [0, 1], got {self.pd}")
        if not self.graze_altitude_m >= 0.0:
            problems.append(f"graze_altitude_m must be >= 0, got {self.graze_altitude_m}")
        if problems:
            raise ValueError(f"IRSensor {self.name!r}: " + "; ".join(problems))


# --- geometry -----------------------------------------------------------------------------------------------


def earth_limb_nadir_angle_rad(altitude_m, radius_m=R_EARTH_MEAN_M):
    """Nadir angle of the Earth's limb, asin(R / (R + h)), rad, from altitude h over a sphere of radius R."""
    return np.arcsin(radius_m / (radius_m + np.asarray(altitude_m, float)))


def horizon_range_m(altitude_m, radius_m=R_EARTH_MEAN_M):
    """Slant range to the horizon, sqrt((R + h)^2 - R^2), m, from altitude h over a sphere of radius R."""
    r = radius_m + np.asarray(altitude_m, float)
    return np.sqrt(r * r - radius_m * radius_m)


def _check_earth(earth: str) -> None:
    if earth not in EARTH_MODELS:
        raise ValueError(f"earth must be one of {', '.join(EARTH_MODELS)}, not {earth!r}")


def _surfaces(sensor: IRSensor, earth: str) -> tuple[float, float, float, float]:
    """(z-stretch^2, radius^2) that turn the hard Earth and the grazing layer into spheres."""
    _check_earth(earth)
    h = sensor.graze_altitude_m
    if earth == "sphere":
        return 1.0, R_EARTH_MEAN_M**2, 1.0, (R_EARTH_MEAN_M + h) ** 2
    k_hard = WGS84_A_M / WGS84_B_M
    k_graze = (WGS84_A_M + h) / (WGS84_B_M + h)
    return k_hard**2, WGS84_A_M**2, k_graze**2, (WGS84_A_M + h) ** 2


def height_m(r_m, earth: str = "wgs84"):
    """Height (m) of positions (..., 3) over the Earth model: geodetic for "wgs84", |r| - R for "sphere"."""
    _check_earth(earth)
    r_m = np.asarray(r_m, float)
    if earth == "sphere":
        return np.sqrt(np.sum(r_m * r_m, axis=-1)) - R_EARTH_MEAN_M
    if r_m.size == 0:
        return np.zeros(r_m.shape[:-1])
    return geodetic_height_m(r_m)


def plume_visible(r_m, phase, sensor: IRSensor, earth: str = "wgs84"):
    """Which targets show a plume: in boost phase and above the cloud tops. (N, 3), (N,) -> (N,) bool.

    NaN positions (objects not in flight) give False.
    """
    h = height_m(r_m, earth)
    with np.errstate(invalid="ignore"):
        return (np.asarray(phase) == BOOST_PHASE) & (h >= sensor.cloud_top_m)


@sized_kernel(PARALLEL_PAIRS)
def _visibility_kernel(sx, sy, sz, px, py, pz, p2, pk2, k2, r2, seg, rmax2, c2, c_pos, out):  # pragma: no cover
    """out[i, j] = satellite i sees target j. Parallel over satellites; the inner loop vectorises over targets.

    k2[j], r2[j]: z-stretch^2 and radius^2 of the surface target j's line of sight must clear; seg[j]: only the
    segment to the target must clear it (hot plume) rather than the whole ray (cold body above the limb). The
    segment is clear when its closest approach to the centre lies behind the satellite, or beyond the target (seg[j]
    is False for a target inside the surface), or anywhere at a distance >= the radius; the ray drops the middle case.
    """
    n_s, n_p = sx.shape[0], px.shape[0]
    for i in numba.prange(n_s):
        xi, yi, zi = sx[i], sy[i], sz[i]
        sxy2 = xi * xi + yi * yi
        sz2 = zi * zi
        s2 = sxy2 + sz2
        row = out[i]
        for j in range(n_p):
            spxy = xi * px[j] + yi * py[j]
            zz = zi * pz[j]
            sp = spxy + zz
            d2 = p2[j] - 2.0 * sp + s2  # |p - s|^2
            a = s2 - sp  # |s| |d| cos(nadir angle)
            if c_pos:
                in_for = (a >= 0.0) & (a * a >= c2 * s2 * d2)
            else:
                in_for = (a >= 0.0) | (a * a <= c2 * s2 * d2)
            kk = k2[j]
            spk = spxy + kk * zz  # the same products in the stretched frame where the surface is a sphere
            sk2 = sxy2 + kk * sz2
            ak = sk2 - spk
            dk2 = pk2[j] - 2.0 * spk + sk2
            q = sk2 * dk2 - ak * ak  # |s x d|^2: closest approach^2 times |d|^2
            clear = (ak <= 0.0) | (seg[j] & (pk2[j] <= spk)) | (q >= r2[j] * dk2)
            row[j] = (d2 <= rmax2) & in_for & clear


@sized_kernel(PARALLEL_PAIRS)
def _count_kernel(sx, sy, sz, px, py, pz, p2, pk2, k2, r2, seg, rmax2, c2, c_pos, out):  # pragma: no cover
    """out[j] = number of satellites that see target j: the same test, parallel over targets, summed."""
    n_s, n_p = sx.shape[0], px.shape[0]
    for j in numba.prange(n_p):
        pxj, pyj, pzj, p2j, pk2j, kk, r2j, segj = px[j], py[j], pz[j], p2[j], pk2[j], k2[j], r2[j], seg[j]
        n = 0
        for i in range(n_s):
            xi, yi, zi = sx[i], sy[i], sz[i]
            sxy2 = xi * xi + yi * yi
            sz2 = zi * zi
            s2 = sxy2 + sz2
            spxy = xi * pxj + yi * pyj
            zz = zi * pzj
            sp = spxy + zz
            d2 = p2j - 2.0 * sp + s2
            a = s2 - sp
            if c_pos:
                in_for = (a >= 0.0) & (a * a >= c2 * s2 * d2)
            else:
                in_for = (a >= 0.0) | (a * a <= c2 * s2 * d2)
            spk = spxy + kk * zz
            sk2 = sxy2 + kk * sz2
            ak = sk2 - spk
            dk2 = pk2j - 2.0 * spk + sk2
            q = sk2 * dk2 - ak * ak
            clear = (ak <= 0.0) | (segj & (pk2j <= spk)) | (q >= r2j * dk2)
            n += (d2 <= rmax2) & in_for & clear
        out[j] = n


def _columns(r_m):
    r = np.asarray(r_m, float).reshape(-1, 3)
    return tuple(np.ascontiguousarray(r[:, k]) for k in range(3))


def _targets(r_tgt_m, hot, sensor: IRSensor, earth: str):
    """Struct-of-arrays of the targets' side of the test: coordinates, norms, and the surface each must clear."""
    px, py, pz = _columns(r_tgt_m)
    hot = np.ascontiguousarray(np.broadcast_to(np.asarray(hot, bool), px.shape))
    kh2, rh2, kg2, rg2 = _surfaces(sensor, earth)
    k2 = np.where(hot, kh2, kg2)
    r2 = np.where(hot, rh2, rg2)
    pxy2 = px * px + py * py
    pk2 = pxy2 + k2 * pz * pz
    # a plume below the surface (the mean sphere buries polar launch sites) must not pass as "beyond the closest
    # approach": send it to the ray test, which it fails; 1e-12 of R^2 (3 um) lets rounding keep surface points
    seg = hot & (pk2 >= r2 * (1.0 - 1e-12))
    return px, py, pz, pxy2 + pz * pz, pk2, k2, r2, seg


def _sensor_args(sensor: IRSensor):
    c = math.cos(sensor.for_half_angle_rad)
    return sensor.max_range_m**2, c * c, c >= 0.0


def visibility_matrix(r_sat_m, r_tgt_m, hot, sensor: IRSensor, earth: str = "wgs84") -> np.ndarray:
    """Which satellite sees which target at one epoch: (S, P) bool.

    r_sat_m : (S, 3) satellite positions, m; r_tgt_m : (P, 3) target positions, m, in the same Earth-centred frame
    with z on the spin axis (ECI or ECEF); hot : (P,) bool or scalar, True for a visible plume (see
    :func:`plume_visible`: boost phase, above the cloud tops) -- hot targets need a clear segment to the satellite,
    cold ones a ray clear of the Earth and the grazing layer. NaN positions are never visible.
    """
    sx, sy, sz = _columns(r_sat_m)
    tgt = _targets(r_tgt_m, hot, sensor, earth)
    out = np.zeros((sx.shape[0], tgt[0].shape[0]), dtype=bool)
    if out.size:
        _visibility_kernel(out.size, sx, sy, sz, *tgt, *_sensor_args(sensor), out)
    return out


def visible_count(r_sat_m, r_tgt_m, hot, sensor: IRSensor, earth: str = "wgs84") -> np.ndarray:
    """Number of satellites that see each target, (P,) int64, without forming the (S, P) matrix.

    Same inputs and rules as :func:`visibility_matrix`.
    """
    return _count(_columns(r_sat_m), _targets(r_tgt_m, hot, sensor, earth), sensor)


def _count(sat_cols, tgt, sensor: IRSensor) -> np.ndarray:
    out = np.zeros(tgt[0].shape[0], dtype=np.int64)
    if out.size and sat_cols[0].size:
        _count_kernel(out.size * sat_cols[0].size, *sat_cols, *tgt, *_sensor_args(sensor), out)
    return out


# --- measurements -------------------------------------------------------------------------------------------


def _perpendicular_basis(u):
    """Two unit vectors (e1, e2) completing the unit vectors u (N, 3) to right-handed orthonormal frames."""
    helper = np.where(np.abs(u[:, 2:3]) < 0.9, np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0]))
    e1 = np.cross(helper, u)
    e1 /= np.linalg.norm(e1, axis=-1, keepdims=True)
    return e1, np.cross(u, e1)


def noisy_los(u, sigma_rad, rng: np.random.Generator):
    """Unit lines of sight u (N, 3) turned by Gaussian angular noise of sigma_rad per axis, (N, 3).

    Two independent N(0, sigma^2) angles (g1, g2) along an orthonormal pair perpendicular to u define a rotation of
    angle theta = |g| towards g1 e1 + g2 e2: u' = cos(theta) u + sin(theta) g_hat. The result stays a unit vector
    and the error angle is Rayleigh-distributed with RMS sigma * sqrt(2). Draws 2N standard normals from rng.
    """
    u = np.asarray(u, float).reshape(-1, 3)
    g = rng.standard_normal((u.shape[0], 2)) * sigma_rad
    if u.shape[0] == 0:
        return u.copy()
    e1, e2 = _perpendicular_basis(u)
    theta = np.hypot(g[:, 0], g[:, 1])[:, None]
    sinc = np.sinc(theta / np.pi)  # sin(theta) / theta, 1 at theta = 0
    return np.cos(theta) * u + sinc * (g[:, :1] * e1 + g[:, 1:] * e2)


def los_covariance(u, sigma_rad):
    """Covariance sigma^2 (I - u u^T) of unit lines of sight u (N, 3): (N, 3, 3), zero along u."""
    u = np.asarray(u, float).reshape(-1, 3)
    return sigma_rad**2 * (np.eye(3) - u[:, :, None] * u[:, None, :])


@dataclass(frozen=True)
class Detections:
    """Bearing-only detections of targets by satellites, one row per (look, satellite, target), struct of arrays.

    sensor_id : (D,) int64, satellite index in its constellation; target_id : (D,) int64, object id of the
    trajectory (or target index); t_s : (D,) look time, s; r_sensor_eci_m : (D, 3) satellite position at the look,
    m; los_eci : (D, 3) measured unit line of sight, ECI; cov_eci : (D, 3, 3) its covariance, rad^2;
    plume : (D,) bool, True when seen by its plume, False as a cold body above the limb.
    """

    sensor_id: np.ndarray
    target_id: np.ndarray
    t_s: np.ndarray
    r_sensor_eci_m: np.ndarray
    los_eci: np.ndarray
    cov_eci: np.ndarray
    plume: np.ndarray

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    @staticmethod
    def empty() -> "Detections":
        """No detections, with every array of the right dtype and trailing shape."""
        i = np.zeros(0, dtype=np.int64)
        return Detections(
            i, i.copy(), np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 3, 3)), np.zeros(0, dtype=bool)
        )

    @staticmethod
    def concatenate(parts: "list[Detections]") -> "Detections":
        """Stack detection sets in order."""
        if not parts:
            return Detections.empty()
        return Detections(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Detections)})


def detect(
    r_sat_eci_m,
    r_tgt_eci_m,
    hot,
    sensor: IRSensor,
    t_s: float,
    rng: np.random.Generator,
    sensor_ids=None,
    target_ids=None,
    earth: str = "wgs84",
) -> Detections:
    """Detections of targets by satellites at one look time.

    r_sat_eci_m : (S, 3), r_tgt_eci_m : (P, 3) ECI positions, m; hot : (P,) plume flags (:func:`plume_visible`);
    sensor_ids, target_ids : ids to report (default 0..S-1 and 0..P-1). Every visible pair is kept with
    probability ``sensor.pd`` (rng draws one uniform per visible pair, only when pd < 1), then its line of sight is
    perturbed by :func:`noisy_los` (two normals per detection). Rows are ordered by satellite, then target.
    """
    r_sat = np.asarray(r_sat_eci_m, float).reshape(-1, 3)
    r_tgt = np.asarray(r_tgt_eci_m, float).reshape(-1, 3)
    hot = np.broadcast_to(np.asarray(hot, bool), (r_tgt.shape[0],))
    sensor_ids = np.arange(r_sat.shape[0]) if sensor_ids is None else np.asarray(sensor_ids)
    target_ids = np.arange(r_tgt.shape[0]) if target_ids is None else np.asarray(target_ids)
    i, j = np.nonzero(visibility_matrix(r_sat, r_tgt, hot, sensor, earth))
    if sensor.pd < 1.0:
        keep = rng.random(i.shape[0]) < sensor.pd
        i, j = i[keep], j[keep]
    if i.shape[0] == 0:
        return Detections.empty()
    d = r_tgt[j] - r_sat[i]
    u = noisy_los(d / np.linalg.norm(d, axis=-1, keepdims=True), sensor.sigma_rad, rng)
    return Detections(
        sensor_id=sensor_ids[i].astype(np.int64),
        target_id=target_ids[j].astype(np.int64),
        t_s=np.full(i.shape[0], float(t_s)),
        r_sensor_eci_m=r_sat[i],
        los_eci=u,
        cov_eci=los_covariance(u, sensor.sigma_rad),
        plume=hot[j].copy(),
    )


def phase_at(traj, t_s: float) -> np.ndarray:
    """Flight phase (N,) int8 of every object of a ``Trajectory`` at time t: that of its last sample at or before t
    (-1 if none)."""
    out = np.full(traj.n_objects, -1, dtype=np.int8)
    if len(traj):
        starts, ends = traj.search_index
        _phase_kernel(traj.t_s, np.ascontiguousarray(traj.phase, np.int8), starts, ends, float(t_s), out)
    return out


@numba.njit(cache=True)
def _phase_kernel(ts, phase, starts, ends, t, out):  # pragma: no cover - compiled
    for k in range(starts.shape[0]):
        lo, hi = starts[k], ends[k]
        j = lo + np.searchsorted(ts[lo:hi], t, side="right") - 1
        if j >= lo:
            out[k] = phase[j]


def frame_times(sensor: IRSensor, t_start_s: float, t_end_s: float) -> np.ndarray:
    """The sensor's look times in [t_start, t_end]: integer multiples of frame_s from the scenario epoch."""
    k0 = math.ceil(t_start_s / sensor.frame_s - 1e-9)
    k1 = math.floor(t_end_s / sensor.frame_s + 1e-9)
    return np.arange(k0, k1 + 1) * sensor.frame_s if k1 >= k0 else np.zeros(0)


def _window(traj, sensor: IRSensor, t_start_s, t_end_s) -> np.ndarray:
    if len(traj) == 0 and (t_start_s is None or t_end_s is None):
        return np.zeros(0)
    lo = float(traj.t_s.min()) if t_start_s is None else float(t_start_s)
    hi = float(traj.t_s.max()) if t_end_s is None else float(t_end_s)
    return frame_times(sensor, lo, hi)


def _targets_at(traj, t: float, sensor: IRSensor, earth: str):
    r, _ = traj.states_at(t)
    return r, plume_visible(r, phase_at(traj, t), sensor, earth)


def detections_from_trajectory(
    traj,
    constellation: Constellation,
    sensor: IRSensor,
    rng: np.random.Generator,
    t_start_s=None,
    t_end_s=None,
    earth: str = "wgs84",
) -> Detections:
    """Every detection a constellation's sensors make of a ``threats.trajectory.Trajectory``'s objects over a window.

    Looks at the sensor's frame times in [t_start_s, t_end_s] (default: the trajectory's span); targets come from
    ``traj.states_at``, plumes from their phase and height. sensor_id is the satellite's index in the constellation,
    target_id the trajectory's object id. Rows are ordered by time, satellite, target.
    """
    t = _window(traj, sensor, t_start_s, t_end_s)
    parts = []
    for b in range(0, t.shape[0], _FRAME_BLOCK):
        tb = t[b : b + _FRAME_BLOCK]
        r_sat = propagate(constellation.elements, tb)
        for k, tk in enumerate(tb):
            r_tgt, hot = _targets_at(traj, float(tk), sensor, earth)
            if np.isnan(r_tgt).all():
                continue
            parts.append(detect(r_sat[k], r_tgt, hot, sensor, float(tk), rng, earth=earth))
    return Detections.concatenate(parts)


def time_to_first_detection_s(
    traj,
    constellation: Constellation,
    sensor: IRSensor,
    t_s=None,
    min_sensors: int | tuple[int, ...] = 1,
    earth: str = "wgs84",
) -> np.ndarray:
    """Seconds from each object's first sample (its launch) to the first look at which at least min_sensors
    satellites see it, (N,) for the N objects of a ``threats.trajectory.Trajectory``; NaN if never. Looks at t_s
    (default: the sensor's frame times over the trajectory).

    Visibility only (Pd and noise are not drawn): the earliest time a detection is possible. min_sensors=2 gives
    the first stereo look; a tuple, e.g. (1, 2), gives each threshold's times in one pass, (K, N).
    """
    thresholds = np.atleast_1d(np.asarray(min_sensors, np.int64))
    n = traj.n_objects
    first = np.full((thresholds.size, n), np.nan)
    t = _window(traj, sensor, None, None) if t_s is None else np.atleast_1d(np.asarray(t_s, float))
    if n == 0 or len(traj) == 0 or t.size == 0:
        return first if np.ndim(min_sensors) else first[0]
    starts = np.searchsorted(traj.object_id, np.arange(n)).clip(0, len(traj) - 1)
    ends = (np.searchsorted(traj.object_id, np.arange(n), side="right") - 1).clip(0, len(traj) - 1)
    launch, land = traj.t_s[starts], traj.t_s[ends]
    # only looks while some object is airborne and not yet seen are evaluated; between flights the clock jumps
    # to the next launch (a day of 1 s frames with a launch every half hour costs the ~30 s after each launch)
    k = int(np.searchsorted(t, launch.min()))
    while k < t.size:
        unseen = np.isnan(first).any(axis=0)
        waiting = unseen & (launch <= t[k]) & (land >= t[k])
        if not np.any(waiting):
            pending = unseen & (launch > t[k])
            if not np.any(pending):
                break
            k = max(k + 1, int(np.searchsorted(t, launch[pending].min())))
            continue
        tb = t[k : k + _FRAME_BLOCK]
        tb = tb[tb <= land[waiting].max()]
        r_sat = propagate(constellation.elements, tb)
        for j, tk in enumerate(tb):
            r_tgt, hot = _targets_at(traj, float(tk), sensor, earth)
            seen = visible_count(r_sat[j], r_tgt, hot, sensor, earth)[None, :] >= thresholds[:, None]
            first = np.where(np.isnan(first) & seen, tk, first)
            if not np.any(np.isnan(first).any(axis=0) & (launch <= tk) & (land >= tk)):
                tb = tb[: j + 1]
                break
        k += max(tb.size, 1)
    first -= launch
    return first if np.ndim(min_sensors) else first[0]


# --- coverage -----------------------------------------------------------------------------------------------


def area_grid_ecef(lat_rad, lon_rad, h_m) -> np.ndarray:
    """ECEF points (n_lat * n_lon, 3), m, of a latitude-longitude grid at WGS-84 height h_m (latitude-major).

    For plume coverage put the grid at the cloud-top height (``sensor.cloud_top_m``): where a plume first shows.
    """
    lat, lon = np.meshgrid(np.asarray(lat_rad, float), np.asarray(lon_rad, float), indexing="ij")
    return geodetic_to_ecef(lat.ravel(), lon.ravel(), h_m)


def stereo_fraction(counts) -> np.ndarray:
    """Fraction of epochs at which each point is seen by >= 2 sensors: counts (T, P) -> (P,) (0 when T = 0)."""
    counts = np.asarray(counts)
    return (counts >= 2).mean(axis=0) if counts.shape[0] else np.zeros(counts.shape[1:])


def max_gap_s(counts, t_s) -> np.ndarray:
    """Longest interval with no sensor on each point, s: counts (T, P), sample times t_s (T,) -> (P,).

    Each sample stands for the time from the midpoint with its predecessor to the midpoint with its successor
    (the window's ends for the first and last), so a point never seen has a gap of t_s[-1] - t_s[0] and one
    always seen a gap of 0.
    """
    counts = np.asarray(counts)
    t = np.asarray(t_s, float)
    if t.shape[0] < 2:
        return np.zeros(counts.shape[1:])
    edges = np.concatenate([t[:1], 0.5 * (t[1:] + t[:-1]), t[-1:]])
    width = np.diff(edges)[:, None]
    blind = counts == 0
    run = np.cumsum(width * blind, axis=0)
    # the cumulative blind time is non-decreasing: its running maximum over seen samples is the last reset value
    reset = np.maximum.accumulate(np.where(blind, 0.0, run), axis=0)
    return (run - reset).max(axis=0)


@dataclass(frozen=True)
class Coverage:
    """How many sensors see each ground point over time.

    t_s : (T,) epochs, s; counts : (T, P) int64 number of satellites seeing each point; points_ecef_m : (P, 3).
    """

    t_s: np.ndarray
    counts: np.ndarray
    points_ecef_m: np.ndarray

    def covered_fraction(self) -> np.ndarray:
        """Fraction of epochs with at least one sensor, (P,)."""
        return (self.counts >= 1).mean(axis=0) if self.counts.shape[0] else np.zeros(self.counts.shape[1])

    def stereo_fraction(self) -> np.ndarray:
        """Fraction of epochs with at least two sensors (bearing-only triangulation), (P,)."""
        return stereo_fraction(self.counts)

    def max_gap_s(self) -> np.ndarray:
        """Longest interval with no sensor, s, (P,) (see :func:`max_gap_s`)."""
        return max_gap_s(self.counts, self.t_s)


def coverage_over_area(
    constellation: Constellation,
    sensor: IRSensor,
    points_ecef_m,
    epoch: dt.datetime,
    t_s,
    plume: bool = True,
    earth: str = "wgs84",
) -> Coverage:
    """Sensor counts over ground points (fixed to the Earth) at epochs t_s (s from the UTC scenario epoch).

    plume=True treats each point as a booster plume (a clear segment suffices; put the points at the cloud tops,
    :func:`area_grid_ecef`); plume=False as a cold body that must be seen above the limb. The satellites are turned
    into the Earth-fixed frame (GMST, ``physics.timescale``) so the points' side of the test is computed once.
    """
    t = np.atleast_1d(np.asarray(t_s, float))
    pts = np.asarray(points_ecef_m, float).reshape(-1, 3)
    tgt = _targets(pts, plume, sensor, earth)
    counts = np.zeros((t.shape[0], pts.shape[0]), dtype=np.int64)
    for b in range(0, t.shape[0], _FRAME_BLOCK):
        tb = t[b : b + _FRAME_BLOCK]
        r_ecef = eci_to_ecef(propagate(constellation.elements, tb), gmst_at(epoch, tb)[:, None])
        for k in range(tb.shape[0]):
            counts[b + k] = _count(_columns(r_ecef[k]), tgt, sensor)
    return Coverage(t_s=t, counts=counts, points_ecef_m=pts)
