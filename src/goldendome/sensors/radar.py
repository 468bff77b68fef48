"""Ground, sea and airborne radars: the radar equation, detection probability, the refracted horizon, faces.

Signal-to-noise ratio of a target of radar cross-section sigma at range R, after integrating n pulses coherently
(the radar range equation; Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61; Richards, *Fundamentals of
Radar Signal Processing*, 2nd ed., eq. 2.30):

    SNR = P_t tau G^2 lambda^2 sigma n / ((4 pi)^3 R^4 k T_s L)

with P_t the peak power, tau the (uncompressed) pulse length -- a matched filter's output SNR depends on the pulse
energy P_t tau, whatever the compressed bandwidth B that sets the range resolution (Skolnik, 3rd ed., sec. 11.5;
with tau = 1 / B it is the textbook form with the noise bandwidth B) --, G the antenna gain (from the aperture: G =
4 pi A eta / lambda^2), T_s the system noise temperature and L the losses. Detection probability at a false-alarm
probability P_fa:

- Swerling 0 (steady target): North's approximation, P_d = 0.5 erfc(sqrt(-ln P_fa) - sqrt(SNR + 1/2))
  (Richards, eq. 6.50);
- Swerling I/II (slow/fast Rayleigh fluctuation, one look): exact, P_d = P_fa ** (1 / (1 + SNR))
  (Richards, eq. 6.61; Skolnik eq. 2.55).

Propagation: the standard atmosphere bends rays down, which radar engineers model with a straight-ray Earth of 4/3
the true radius (Skolnik sec. 8.2; Doerry, *Earth Curvature and Atmospheric Refraction Effects on Radar Signal
Propagation*, Sandia SAND2012-10690, 2013). A target is above the horizon when the straight ray on that effective
Earth clears the surface; the horizon range between heights h_r and h_t is sqrt(2 k R h_r) + sqrt(2 k R h_t)
(~4.12 (sqrt h_r + sqrt h_t) km with heights in m). That is why a cruise missile at 50 m is invisible to a ground
radar beyond ~40 km.

A radar has faces (azimuth sector and elevation band: a phased-array face, or a full circle for a rotating antenna)
and an instrumented range; it measures range, azimuth and elevation with the accuracies of its class, every
revisit period, and -- pulse-Doppler presets -- the range rate (1-sigma 2 m/s E-3, 1 m/s LRDR, 0.5 m/s TPY-2 and
SBX: ASSUMPTIONS, not published). Everything is vectorised over targets: positions (N, 3) ECEF in metres.
"""

from dataclasses import dataclass, field
from functools import cached_property

import numba
import numpy as np
from scipy.special import erfc, erfcinv

from goldendome.physics.constants import R_EARTH_MEAN_M
from goldendome.physics.frames import (
    ecef_to_geodetic,
    geodetic_height_m,
    geodetic_height_scalar,
    geodetic_to_ecef,
    rot_ecef_to_enu,
)
from goldendome.physics.greatcircle import ground_range_m, initial_azimuth

BOLTZMANN_J_K = 1.380649e-23
"""Boltzmann's constant (exact, SI 2019)."""
SPEED_OF_LIGHT_M_S = 299_792_458.0
K_EFFECTIVE_EARTH = 4.0 / 3.0
"""Effective Earth-radius factor of the standard atmosphere's refraction (Skolnik, sec. 8.2)."""


@dataclass(frozen=True)
class Face:
    """Coverage of one antenna face: azimuth sector centred on boresight_az_deg (clockwise from north) of half-width
    half_width_deg (180: all round), elevation band el_min_deg-el_max_deg."""

    boresight_az_deg: float
    half_width_deg: float
    el_min_deg: float = 0.0
    el_max_deg: float = 90.0


@dataclass(frozen=True)
class Radar:
    """A radar: where it is, what it radiates and receives, what it covers, how well it measures.

    Site geodetic (deg, m above the ellipsoid; an airborne radar flies at its height). Power W, frequency Hz, aperture
    m^2 with efficiency eta (gain 4 pi A eta / lambda^2), system noise temperature K, bandwidth Hz (compressed: range
    resolution and accuracy), pulse length s (energy; default 1 / bandwidth, an uncompressed pulse), losses dB,
    pulses integrated per look. Accuracy floors are 1-sigma (range m, angle rad).
    """

    name: str
    lat_deg: float
    lon_deg: float
    height_m: float
    frequency_hz: float
    peak_power_w: float
    aperture_m2: float
    noise_temperature_k: float
    bandwidth_hz: float
    faces: tuple[Face, ...]
    max_range_m: float
    aperture_efficiency: float = 0.6
    losses_db: float = 6.0
    pulses: int = 1
    pfa: float = 1e-6
    sigma_range_m: float = 10.0
    sigma_angle_rad: float = 1e-3
    revisit_s: float = 10.0
    pulse_width_s: float | None = None
    sigma_range_rate_mps: float | None = None  # a Doppler (range-rate) measurement with this 1-sigma; None: none
    sources: tuple[str, ...] = field(default=())

    @property
    def wavelength_m(self) -> float:
        return SPEED_OF_LIGHT_M_S / self.frequency_hz

    @property
    def gain(self) -> float:
        """Antenna gain (linear) of the aperture: 4 pi A eta / lambda^2 (Skolnik eq. 9.1)."""
        return 4.0 * np.pi * self.aperture_m2 * self.aperture_efficiency / self.wavelength_m**2

    @cached_property
    def site_ecef(self) -> np.ndarray:
        return geodetic_to_ecef(np.radians(self.lat_deg), np.radians(self.lon_deg), self.height_m)

    @cached_property
    def enu_rotation(self) -> np.ndarray:
        """Rotation ECEF -> the site's east-north-up axes."""
        return rot_ecef_to_enu(np.radians(self.lat_deg), np.radians(self.lon_deg))

    @cached_property
    def face_table(self) -> np.ndarray:
        """The faces as rows (boresight azimuth, half-width, lowest and highest elevation), degrees (F, 4)."""
        return np.array(
            [[f.boresight_az_deg, f.half_width_deg, f.el_min_deg, f.el_max_deg] for f in self.faces], float
        ).reshape(-1, 4)

    def snr(self, range_m, rcs_m2):
        """Signal-to-noise ratio (linear) of targets of cross-section rcs_m2 at range_m (the radar equation)."""
        r = np.asarray(range_m, float)
        tau = 1.0 / self.bandwidth_hz if self.pulse_width_s is None else self.pulse_width_s
        num = self.peak_power_w * tau * self.gain**2 * self.wavelength_m**2 * np.asarray(rcs_m2, float) * self.pulses
        den = (4.0 * np.pi) ** 3 * r**4 * BOLTZMANN_J_K * self.noise_temperature_k
        return num / den / 10.0 ** (self.losses_db / 10.0)

    def range_for_snr(self, snr, rcs_m2):
        """Range (m) at which a target of rcs_m2 gives the SNR (linear): the radar equation solved for R."""
        return (self.snr(1.0, rcs_m2) / np.asarray(snr, float)) ** 0.25

    def catalogue_row(self) -> tuple[str, ...]:
        """Its cells under :data:`CATALOGUE_COLUMNS` in ``goldendome radar list``: band (GHz), antenna height (m),
        faces (boresight ± half-width), instrumented range (km), revisit (s), and the range (km, at most the
        instrumented one) at which a 10 m^2 target and an RV (:data:`RCS_M2`) give an SNR of 20 (13 dB)."""
        faces = ", ".join(f"{f.boresight_az_deg:g}±{f.half_width_deg:g}°" for f in self.faces)
        at = [min(self.range_for_snr(20.0, s), self.max_range_m) / 1e3 for s in (10.0, RCS_M2["rv"])]
        return (
            f"{self.frequency_hz / 1e9:.2f}",
            f"{self.height_m:,.0f}",
            faces,
            f"{self.max_range_m / 1e3:,.0f}",
            f"{self.revisit_s:g}",
            *(f"{a:,.0f} km" for a in at),
        )


def detection_probability(snr, pfa: float, swerling: int = 1):
    """Single-look detection probability at a given SNR (linear) and false-alarm probability.

    swerling 0: North's approximation for a steady target; 1 or 2: the exact Rayleigh-fluctuating result
    P_fa ** (1 / (1 + SNR)). Other cases raise ValueError (not modelled).
    """
    snr = np.maximum(np.asarray(snr, float), 0.0)
    if swerling == 0:
        return 0.5 * erfc(np.sqrt(-np.log(pfa)) - np.sqrt(snr + 0.5))
    if swerling in (1, 2):
        return pfa ** (1.0 / (1.0 + snr))
    raise ValueError(f"swerling {swerling}: only 0 (steady) and 1/2 (Rayleigh) targets are modelled")


def required_snr(pd: float, pfa: float, swerling: int = 1) -> float:
    """SNR (linear) for a detection probability pd at false-alarm probability pfa (inverse of
    :func:`detection_probability`; closed form for Swerling 1/2, inverted North approximation for 0)."""
    if swerling == 0:
        return float((np.sqrt(-np.log(pfa)) - erfcinv(2.0 * pd)) ** 2 - 0.5)
    if swerling in (1, 2):
        return float(np.log(pfa) / np.log(pd) - 1.0)
    raise ValueError(f"swerling {swerling}: only 0 (steady) and 1/2 (Rayleigh) targets are modelled")


def horizon_range_m(radar_height_m, target_height_m, k: float = K_EFFECTIVE_EARTH, radius_m: float = R_EARTH_MEAN_M):
    """Radar horizon between two heights over a smooth Earth with refraction: sqrt(2 k R h_r) + sqrt(2 k R h_t)."""
    kr = k * radius_m
    return np.sqrt(2.0 * kr * np.maximum(radar_height_m, 0.0)) + np.sqrt(2.0 * kr * np.maximum(target_height_m, 0.0))


def refracted_geometry(
    site_ecef,
    target_ecef,
    k: float = K_EFFECTIVE_EARTH,
    radius_m: float = R_EARTH_MEAN_M,
    site_height_m: float | None = None,
):
    """Line of sight from a site to targets on the effective (4/3) Earth, where rays are straight.

    The ground arc between site and target is kept, so the central angle shrinks by k, and heights stay (Doerry
    2013, sec. 2). Returns (elevation rad, clear (N,) bool): clear when the straight ray passes above the effective
    Earth, i.e. the central angle is within the sum of both horizon angles arccos(kR / (kR + h)).
    """
    site = np.asarray(site_ecef, float)
    tgt = np.atleast_2d(np.asarray(target_ecef, float))
    h_s = max(float(geodetic_height_m(site[None])[0]) if site_height_m is None else site_height_m, 0.0)
    h_t = np.maximum(geodetic_height_m(tgt), 0.0)
    cos_psi = np.clip(tgt @ site / (np.linalg.norm(tgt, axis=1) * np.linalg.norm(site)), -1.0, 1.0)
    psi = np.arccos(cos_psi) / k
    kr = k * radius_m
    a, b = kr + h_s, kr + h_t
    slant = np.sqrt(np.maximum(a * a + b * b - 2.0 * a * b * np.cos(psi), 1e-12))
    elevation = np.arcsin(np.clip((b * b - a * a - slant * slant) / (2.0 * a * slant), -1.0, 1.0))
    clear = psi <= np.arccos(kr / a) + np.arccos(kr / b)
    return elevation, clear


def in_coverage(radar: Radar, target_ecef):
    """Which targets (N, 3) ECEF lie inside a face, above the refracted horizon (:func:`refracted_geometry`) and
    within the instrumented range. Compiled, one target per pass (a look tests a handful of objects: numpy's
    per-call overhead would dominate).

    Returns (covered (N,) bool, range m, azimuth rad, elevation rad (geometric)).
    """
    return _coverage(radar, target_ecef, True)


def covered(radar: Radar, target_ecef) -> np.ndarray:
    """The first of :func:`in_coverage`'s results alone, (N,) bool: the angles are worked out only for the targets
    within the instrumented range (a look's coverage test over every object in flight, most of them far away)."""
    return _coverage(radar, target_ecef, False)[0]


def _coverage(radar: Radar, target_ecef, angles: bool):
    tgt = np.ascontiguousarray(np.atleast_2d(np.asarray(target_ecef, float)))
    return _coverage_kernel(
        tgt,
        radar.site_ecef,
        radar.enu_rotation,
        max(radar.height_m, 0.0),
        radar.face_table,
        radar.max_range_m,
        K_EFFECTIVE_EARTH,
        R_EARTH_MEAN_M,
        angles,
    )


@numba.njit(cache=True)
def _coverage_kernel(tgt, site, rot, h_s, faces, max_range, k, radius, angles):  # pragma: no cover - compiled
    """in_coverage over the targets; without angles, range, azimuth and elevation are NaN beyond max_range."""
    n = tgt.shape[0]
    covered = np.zeros(n, np.bool_)
    rng, az, el = np.empty(n), np.empty(n), np.empty(n)
    kr = k * radius
    a = kr + h_s
    site_norm = np.sqrt(site[0] ** 2 + site[1] ** 2 + site[2] ** 2)
    for i in range(n):
        d0, d1, d2 = tgt[i, 0] - site[0], tgt[i, 1] - site[1], tgt[i, 2] - site[2]
        e = rot[0, 0] * d0 + rot[0, 1] * d1 + rot[0, 2] * d2
        nn = rot[1, 0] * d0 + rot[1, 1] * d1 + rot[1, 2] * d2
        u = rot[2, 0] * d0 + rot[2, 1] * d1 + rot[2, 2] * d2
        r = np.sqrt(e * e + nn * nn + u * u)
        if not (r <= max_range) and not angles:
            rng[i], az[i], el[i] = np.nan, np.nan, np.nan
            continue
        rng[i] = r
        az[i] = np.arctan2(e, nn) % (2.0 * np.pi)
        el[i] = np.arcsin(u / r) if abs(u) <= r else np.nan
        if not (r <= max_range):
            continue  # beyond the instrumented range (or not in flight: NaN): no horizon to test
        az_deg, el_deg = np.degrees(az[i]), np.degrees(el[i])
        # the face tests that need no refraction first: a target in no face's azimuth sector, or above every face,
        # is not covered whatever the horizon says (most of a raid for a radar that looks one way)
        facing = False
        for f in range(faces.shape[0]):
            if abs((az_deg - faces[f, 0] + 180.0) % 360.0 - 180.0) <= faces[f, 1] and el_deg <= faces[f, 3]:
                facing = True
                break
        if not facing:
            continue
        # the refracted line of sight (refracted_geometry, one target)
        h_t = max(geodetic_height_scalar(tgt[i, 0], tgt[i, 1], tgt[i, 2]), 0.0)
        t_norm = np.sqrt(tgt[i, 0] ** 2 + tgt[i, 1] ** 2 + tgt[i, 2] ** 2)
        cos_psi = (tgt[i, 0] * site[0] + tgt[i, 1] * site[1] + tgt[i, 2] * site[2]) / (t_norm * site_norm)
        psi = np.arccos(min(1.0, max(-1.0, cos_psi))) / k
        b = kr + h_t
        slant = np.sqrt(max(a * a + b * b - 2.0 * a * b * np.cos(psi), 1e-12))
        el_eff = np.arcsin(min(1.0, max(-1.0, (b * b - a * a - slant * slant) / (2.0 * a * slant))))
        if not (psi <= np.arccos(kr / a) + np.arccos(kr / b)):
            continue
        el_eff_deg = np.degrees(el_eff)
        for f in range(faces.shape[0]):
            off = abs((az_deg - faces[f, 0] + 180.0) % 360.0 - 180.0)
            if off <= faces[f, 1] and el_eff_deg >= faces[f, 2] and el_deg <= faces[f, 3]:
                covered[i] = True
                break
    return covered, rng, az, el


RCS_M2 = {
    "booster": 10.0,
    "missile": 0.01,  # a missile object after burnout is its (first) re-entry vehicle
    "rv": 0.01,
    "decoy": 0.01,
    "fobs": 0.01,
    "glide": 0.05,
    "cruise": 0.1,
    "rocket": 0.01,
    "aircraft": 20.0,
}
"""Default radar cross-sections (m^2) by object class, at the frequencies of interest, order-of-magnitude values:
aircraft 20 m^2 (Skolnik, 3rd ed., table 2.2: medium bomber or jet airliner; small fighter 2, jumbo jet 100);
cruise missile 0.1 m^2 (Skolnik table 2.2 lists 0.5 m^2 for a conventional winged missile; modern low-observable
cruise missiles are quoted an order of magnitude lower -- ASSUMPTION between them); RV 0.01 m^2 nose-on and decoys
built to match it (Sessler et al., *Countermeasures*, UCS/MIT Security Studies Program, 2000, ch. 4: modern RVs
~0.01 m^2 or less); boosters and spent stages ~10 m^2 (ASSUMPTION: a body metres across); glide vehicle 0.05 m^2
and 122 mm rocket 0.01 m^2 (ASSUMPTION). Swept by users; every value here is a default, not a measurement."""


def rcs_for(kind: str, boosting: bool) -> float:
    """Default cross-section of an object of a kind (see RCS_M2); a booster while it burns."""
    return RCS_M2["booster"] if boosting else RCS_M2.get(kind, RCS_M2["rv"])


def rcs_of(kinds: np.ndarray, boosting: np.ndarray) -> np.ndarray:
    """rcs_for over arrays of kinds and burning flags (N,): one look-up per distinct kind, not per object."""
    names, inverse = np.unique(np.asarray(kinds, dtype=str), return_inverse=True)
    table = np.array([RCS_M2.get(str(k), RCS_M2["rv"]) for k in names])
    return np.where(np.asarray(boosting, bool), RCS_M2["booster"], table[inverse.ravel()])


MONOPULSE_SLOPE = 1.6
"""Normalised monopulse slope k_m in the angle-accuracy formula (Skolnik, 3rd ed., sec. 4.2: 1.2-2)."""


@dataclass(frozen=True)
class RadarDetections:
    """One scan's detections: (range m, azimuth rad, elevation rad) with their 1-sigma accuracies, the object each
    came from (-1: a false alarm), and its SNR (dB; NaN for false alarms)."""

    sensor: str
    t_s: float
    z: np.ndarray
    sigma: np.ndarray
    origin: np.ndarray
    snr_db: np.ndarray


def measurement_sigmas(radar: Radar, snr):
    """1-sigma (range m, angle rad) of a measurement at an SNR (linear): thermal-noise accuracy c / (2 B sqrt(2 SNR))
    in range and theta_B / (k_m sqrt(2 SNR)) in angle, theta_B = lambda / D (Skolnik, 3rd ed., sec. 6.3, theoretical
    accuracy of radar measurements; Barton, *Radar System Analysis and Modeling*, 2005, ch. 7), root-sum-squared
    with the radar's bias floors."""
    snr = np.maximum(np.asarray(snr, float), 1e-3)
    width = radar.wavelength_m / np.sqrt(4.0 * radar.aperture_m2 / np.pi)
    s_r = np.hypot(radar.sigma_range_m, SPEED_OF_LIGHT_M_S / (2.0 * radar.bandwidth_hz * np.sqrt(2.0 * snr)))
    s_a = np.hypot(radar.sigma_angle_rad, width / (MONOPULSE_SLOPE * np.sqrt(2.0 * snr)))
    return s_r, s_a


def radar_scan(
    radar: Radar,
    target_ecef,
    rcs_m2,
    t_s: float,
    rng: np.random.Generator,
    swerling: int = 1,
    false_alarms: float = 0.0,
    target_vel_ecef=None,
) -> RadarDetections:
    """One look of a radar at targets (N, 3) ECEF (NaN rows: not in flight) of cross-sections rcs_m2 (N,).

    A covered target is detected with the Swerling probability of its SNR; its measurement is the true (range,
    azimuth, elevation) plus Gaussian noise of the SNR's accuracy. False alarms: Poisson with mean false_alarms,
    uniform in range (up to the instrumented range) and over the first face's azimuth sector, at 0-10 deg elevation.
    A radar with sigma_range_rate_mps also measures the range rate (target_vel_ecef (N, 3) needed): a fourth column.
    """
    tgt = np.asarray(target_ecef, float)
    # NaN rows (not in flight) are never covered; the angles are needed for the covered ones alone
    inside, rng_m, az, el = _coverage(radar, tgt, False)
    idx = np.flatnonzero(inside)
    snr = radar.snr(rng_m[idx], np.asarray(rcs_m2, float)[idx])
    seen = rng.random(idx.size) < detection_probability(snr, radar.pfa, swerling)
    idx, snr = idx[seen], snr[seen]
    s_r, s_a = measurement_sigmas(radar, snr)
    doppler = radar.sigma_range_rate_mps is not None
    sig = np.empty((idx.size, 4 if doppler else 3))
    sig[:, 0], sig[:, 1], sig[:, 2] = s_r, s_a, s_a
    z = np.empty_like(sig)
    z[:, 0], z[:, 1], z[:, 2] = rng_m[idx], az[idx], el[idx]
    z[:, :3] += rng.standard_normal((idx.size, 3)) * sig[:, :3]
    if doppler:
        d = tgt[idx] - radar.site_ecef
        rr = (d * np.asarray(target_vel_ecef, float)[idx]).sum(axis=1) / rng_m[idx]
        z[:, 3] = rr + rng.standard_normal(idx.size) * radar.sigma_range_rate_mps
        sig[:, 3] = radar.sigma_range_rate_mps
    n_f = rng.poisson(false_alarms) if false_alarms > 0 else 0
    if not n_f:
        z[:, 1] %= 2.0 * np.pi
        return RadarDetections(radar.name, float(t_s), z, sig, idx, 10.0 * np.log10(snr))
    f = radar.faces[0]
    zf = np.stack(
        [
            rng.uniform(0.05, 1.0, n_f) * radar.max_range_m,
            np.radians(f.boresight_az_deg + rng.uniform(-f.half_width_deg, f.half_width_deg, n_f)),
            np.radians(rng.uniform(0.0, 10.0, n_f)),
        ],
        axis=1,
    )
    s_r_f, s_a_f = measurement_sigmas(radar, np.full(n_f, 20.0))
    sig_f = np.stack([s_r_f, s_a_f, s_a_f], axis=1)
    if doppler:
        zf = np.hstack([zf, rng.uniform(-3000.0, 3000.0, (n_f, 1))])
        sig_f = np.hstack([sig_f, np.full((n_f, 1), radar.sigma_range_rate_mps)])
    z = np.vstack([z, zf])
    sig = np.vstack([sig, sig_f])
    z[:, 1] %= 2.0 * np.pi
    origin = np.concatenate([idx, np.full(n_f, -1)])
    snr_db = np.concatenate([10.0 * np.log10(snr), np.full(n_f, np.nan)])
    return RadarDetections(radar.name, float(t_s), z, sig, origin, snr_db)


@dataclass(frozen=True)
class OTHRadar:
    """A sky-wave over-the-horizon radar: it sees targets in a band of ground range beyond the horizon by bouncing
    off the ionosphere, in azimuth sectors, with coarse ground-position accuracy and no altitude.

    The ionospheric path is not modelled: coverage is the published ground-range band and sectors; detection inside
    it has a fixed probability (pd). Accuracy sigma_ground_m is 1-sigma per ground axis.
    """

    name: str
    lat_deg: float
    lon_deg: float
    sectors: tuple[Face, ...]
    min_ground_range_m: float = 926e3
    max_ground_range_m: float = 3333e3
    max_height_m: float = 100e3
    pd: float = 0.8
    sigma_ground_m: float = 10e3
    revisit_s: float = 30.0
    sources: tuple[str, ...] = field(default=())

    def in_coverage(self, target_ecef):
        """Targets (N, 3) ECEF inside the ground-range band and a sector, below max_height_m: (N,) bool."""
        lat, lon, h = ecef_to_geodetic(np.atleast_2d(np.asarray(target_ecef, float)))
        lat0, lon0 = np.radians(self.lat_deg), np.radians(self.lon_deg)
        d = ground_range_m(lat0, lon0, lat, lon)
        az = np.degrees(initial_azimuth(lat0, lon0, lat, lon))
        in_sector = np.zeros(d.shape, bool)
        for f in self.sectors:
            in_sector |= np.abs((az - f.boresight_az_deg + 180.0) % 360.0 - 180.0) <= f.half_width_deg
        return in_sector & (d >= self.min_ground_range_m) & (d <= self.max_ground_range_m) & (h <= self.max_height_m)

    def catalogue_row(self) -> tuple[str, ...]:
        """Its cells under :data:`CATALOGUE_COLUMNS` in ``goldendome radar list``: HF band, no height, its sectors,
        the ground-range band (km), revisit (s); no radar-equation ranges (its detection is a fixed probability)."""
        ground = f"{self.min_ground_range_m / 1e3:,.0f}–{self.max_ground_range_m / 1e3:,.0f} ground"
        return ("HF", "–", f"{len(self.sectors)} sectors", ground, f"{self.revisit_s:g}", "–", "–")


def oth_scan(
    oth: OTHRadar,
    target_ecef,
    t_s: float,
    rng: np.random.Generator,
    radius_m: float = R_EARTH_MEAN_M,
    false_alarms: float = 0.0,
) -> RadarDetections:
    """One look of an over-the-horizon radar: each covered target (NaN rows: not in flight) is detected with the
    radar's probability; a detection is the (east, north) position in the site's tangent plane of the point below
    the target on the sphere, with Gaussian noise of sigma_ground_m per axis. False alarms: Poisson, uniform over the
    first sector's ground-range band."""
    tgt = np.asarray(target_ecef, float)
    alive = np.all(np.isfinite(tgt), axis=1)
    covered = np.zeros(len(tgt), bool)
    covered[alive] = oth.in_coverage(tgt[alive])
    idx = np.flatnonzero(covered)
    idx = idx[rng.random(idx.size) < oth.pd]
    site = geodetic_to_ecef(np.radians(oth.lat_deg), np.radians(oth.lon_deg), 0.0)
    rot = rot_ecef_to_enu(np.radians(oth.lat_deg), np.radians(oth.lon_deg))
    q = radius_m * tgt[idx] / np.linalg.norm(tgt[idx], axis=1, keepdims=True)
    z = ((q - site) @ rot.T)[:, :2] + rng.standard_normal((idx.size, 2)) * oth.sigma_ground_m
    n_f = rng.poisson(false_alarms) if false_alarms > 0 else 0
    if n_f:
        f = oth.sectors[0]
        d = rng.uniform(oth.min_ground_range_m, oth.max_ground_range_m, n_f)
        az = np.radians(f.boresight_az_deg + rng.uniform(-f.half_width_deg, f.half_width_deg, n_f))
        z = np.vstack([z, np.stack([d * np.sin(az), d * np.cos(az)], axis=1)])  # flat-plane placement, clutter only
    sig = np.full((len(z), 2), oth.sigma_ground_m)
    return RadarDetections(
        oth.name, float(t_s), z, sig, np.concatenate([idx, np.full(n_f, -1)]), np.full(len(z), np.nan)
    )


def _uewr(name: str, lat: float, lon: float, boresights: tuple[float, ...]) -> Radar:
    return Radar(
        name,
        lat,
        lon,
        10.0,
        frequency_hz=435e6,
        peak_power_w=609e3,
        aperture_m2=np.pi * 11.05**2,
        noise_temperature_k=400.0,
        bandwidth_hz=1e6,
        pulse_width_s=16e-3,
        faces=tuple(Face(b, 60.0, 3.0, 85.0) for b in boresights),
        max_range_m=5556e3,
        aperture_efficiency=0.71,
        losses_db=6.0,
        pulses=1,
        pfa=1e-6,
        sigma_range_m=30.0,
        sigma_angle_rad=2e-3,
        revisit_s=10.0,
        sources=(
            "UHF (420-450 MHz), two faces of 120 deg each, elevation 3-85 deg, 3,000 nmi (5,556 km) range, 1,792 "
            "active elements of 340 W peak per face (~609 kW), 72.5 ft (22.1 m) array, ~38.6 dB gain, pulses of "
            "0.25-16 ms: FAS, 'PAVE PAWS' (AN/FPS-115) and 'Upgraded Early Warning Radar' (AN/FPS-132) pages.",
            "ASSUMPTION: 400 K system noise temperature, 6 dB losses, one 16 ms pulse per look compressed to 1 MHz, "
            "aperture efficiency 0.71 (gives the quoted 38.6 dB), 30 m / 2 mrad accuracy floors.",
        ),
    )


def _spy1(name: str, lat: float, lon: float) -> Radar:
    return Radar(
        name,
        lat,
        lon,
        20.0,
        frequency_hz=3.3e9,
        peak_power_w=4e6,
        aperture_m2=3.65**2,
        noise_temperature_k=500.0,
        bandwidth_hz=1e6,
        faces=tuple(Face(b, 45.0, -1.0, 90.0) for b in (0.0, 90.0, 180.0, 270.0)),
        max_range_m=370e3,
        aperture_efficiency=0.6,
        losses_db=8.0,
        pulses=8,
        sigma_range_m=15.0,
        sigma_angle_rad=1e-3,
        revisit_s=2.0,
        sources=(
            "S band (3.1-3.5 GHz), four fixed faces of 12 ft (3.65 m) square with 4,350 elements each, 4-6 MW peak, "
            "range ~200 nmi (370 km): FAS, 'AN/SPY-1 Radar' (Aegis). Mast at 20 m (ASSUMPTION).",
            "ASSUMPTION: 500 K, 8 dB losses, 1 MHz bandwidth, 8 pulses a look, 1 mrad / 15 m floors, 2 s revisit; no "
            "range-rate measurement modelled.",
        ),
    )


CATALOGUE_COLUMNS = ("band GHz", "height m", "faces", "range km", "revisit s", "10 m² at (SNR 13 dB)", "RV 0.01 m² at")
"""The columns of ``goldendome radar list`` after each preset's name and site; every preset kind fills them with its
``catalogue_row()``."""

PRESETS: dict[str, Radar | OTHRadar] = {
    "ship-spy1-norfolk": _spy1("ship-spy1-norfolk", 36.95, -76.30),
    "e3-awacs-alaska": Radar(
        "e3-awacs-alaska",
        61.25,
        -149.80,
        9000.0,
        frequency_hz=3.1e9,
        peak_power_w=1e6,
        aperture_m2=7.3 * 1.5,
        noise_temperature_k=500.0,
        bandwidth_hz=1e6,
        faces=(Face(0.0, 180.0, -10.0, 30.0),),
        max_range_m=400e3,
        aperture_efficiency=0.6,
        losses_db=8.0,
        pulses=200,
        sigma_range_m=30.0,
        sigma_angle_rad=3e-3,
        revisit_s=10.0,
        sigma_range_rate_mps=2.0,
        sources=(
            "E-3 Sentry (AWACS), AN/APY-1/2: S-band pulse-Doppler radar in a 30 ft rotodome turning at 6 rpm (a "
            "look every 10 s), 'range of more than 250 miles (375.5 km)' for low-flying targets, flying at ~29,000 "
            "ft (~9 km): US Air Force fact sheet 'E-3 Sentry (AWACS)'. Antenna 7.3 m x 1.5 m (ASSUMPTION, public "
            "descriptions of the slotted array).",
            "ASSUMPTION: 1 MW peak, 500 K, 8 dB, 30 m / 3 mrad floors; 200 pulses integrated a look (the 0.76 deg "
            "beam, lambda / 7.3 m, sweeps a target in ~21 ms at 6 rpm: ~200 pulses at a ~10 kHz pulse-Doppler "
            "PRF); the platform is held fixed over its orbit point (61.25 N 149.8 W, near Elmendorf).",
        ),
    ),
    "lrdr-clear": Radar(
        "lrdr-clear",
        64.29,
        -149.19,
        10.0,
        frequency_hz=3.1e9,
        peak_power_w=2e6,
        aperture_m2=18.0 * 18.0,
        noise_temperature_k=500.0,
        bandwidth_hz=100e6,
        pulse_width_s=2e-3,
        faces=(Face(250.0, 60.0, 1.0, 85.0), Face(340.0, 60.0, 1.0, 85.0)),
        max_range_m=5000e3,
        aperture_efficiency=0.7,
        losses_db=6.0,
        pulses=10,
        sigma_range_m=2.0,
        sigma_angle_rad=2e-4,
        revisit_s=2.0,
        sigma_range_rate_mps=1.0,
        sources=(
            "Long Range Discrimination Radar: a solid-state S-band radar with two array faces at Clear Space Force "
            "Station, Alaska, built to track and discriminate threats from the Pacific (Missile Defense Agency "
            "public descriptions; Lockheed Martin).",
            "ASSUMPTION: faces ~18 m square facing 250 and 340 deg (towards the Pacific approaches), 2 MW peak, "
            "2 ms pulses compressed to 100 MHz, 10 a look, 500 K, 6 dB, 5,000 km instrumented range, 2 m / "
            "0.2 mrad floors: sensitivity is not published.",
        ),
    ),
    "sbx-adak": Radar(
        "sbx-adak",
        51.87,
        -176.65,
        50.0,
        frequency_hz=9.5e9,
        peak_power_w=45_000 * 10.0,
        aperture_m2=384.0,
        noise_temperature_k=600.0,
        bandwidth_hz=100e6,
        pulse_width_s=1e-3,
        faces=(Face(270.0, 60.0, 0.0, 90.0),),
        max_range_m=4000e3,
        aperture_efficiency=0.7,
        losses_db=6.0,
        pulses=10,
        sigma_range_m=1.0,
        sigma_angle_rad=1e-4,
        revisit_s=2.0,
        sigma_range_rate_mps=0.5,
        sources=(
            "Sea-Based X-band radar: an X-band phased array of ~45,000 transmit/receive modules, 384 m^2, on a "
            "semi-submersible platform home-ported at Adak, Alaska (Missile Defense Agency fact sheet 'Sea-Based "
            "X-Band Radar'; Boeing/Raytheon public material).",
            "ASSUMPTION: 10 W peak per module (~450 kW), 1 ms pulses compressed to 100 MHz, 10 a look, 600 K, 6 dB, "
            "array 50 m above the sea, pointed west (+/- 60 deg electronic), 4,000 km instrumented range, 1 m / "
            "0.1 mrad floors: sensitivity is not published.",
        ),
    ),
    "tpy2-forward": Radar(
        "tpy2-forward",
        40.66,
        141.37,
        30.0,
        frequency_hz=9.5e9,
        peak_power_w=25_344 * 10.0,
        aperture_m2=9.2,
        noise_temperature_k=600.0,
        bandwidth_hz=50e6,
        pulse_width_s=1e-3,
        faces=(Face(300.0, 60.0, 0.0, 90.0),),
        max_range_m=3000e3,
        aperture_efficiency=0.7,
        losses_db=6.0,
        pulses=20,
        sigma_range_m=5.0,
        sigma_angle_rad=2e-4,
        revisit_s=1.0,
        sigma_range_rate_mps=0.5,
        sources=(
            "AN/TPY-2 (forward-based X-band, THAAD radar): X band, 9.2 m^2 array of 25,344 transmit/receive "
            "modules (Missile Defense Agency / Raytheon public fact sheets); a forward site at Shariki, Japan "
            "(40.66 N 141.37 E, rounded).",
            "ASSUMPTION: 10 W peak per module (~250 kW), 600 K, 6 dB, 1 ms pulses compressed to 50 MHz, 20 a look, "
            "+/- 60 deg "
            "about a 300 deg boresight (towards the Korean peninsula), 3,000 km instrumented range, 5 m / 0.2 mrad "
            "floors. Power and sensitivity are not published.",
        ),
    ),
    "uewr-clear": _uewr("uewr-clear", 64.29, -149.19, (0.0, 120.0)),
    "uewr-thule": _uewr("uewr-thule", 76.57, -68.30, (0.0, 120.0)),
    "oth-b-east": OTHRadar(
        "oth-b-east",
        45.0,
        -69.0,
        sectors=(Face(30.0, 30.0), Face(90.0, 30.0), Face(150.0, 30.0)),
        sources=(
            "AN/FPS-118 OTH-B East Coast system (Maine): three 60-deg sectors, coverage 500-1,800 nmi "
            "(926-3,333 km) in ground range: FAS, 'AN/FPS-118 OTH-B'. Site rounded to 45 N 69 W.",
            "ASSUMPTION: detection probability 0.8 per 30 s revisit inside coverage, 10 km ground accuracy, "
            "targets below 100 km (aircraft, cruise missiles, low boost) - not published.",
        ),
    ),
    "a-othr": OTHRadar(
        "a-othr",
        44.52,
        -79.53,
        sectors=(Face(0.0, 30.0),),
        min_ground_range_m=1000e3,
        max_ground_range_m=3000e3,
        sources=(
            "Canada's Arctic Over-the-Horizon Radar: a 'northward-aimed high frequency over-the-horizon radar system "
            "in southern Canada' for the northern approaches (RCAF industry briefing, 7 Apr 2022, as reported by the "
            "Ottawa Citizen); HF 3-30 MHz sky wave (IEEE paper on Canadian OTHR, doc. 8777136); transmitter on 163 "
            "ha north of Bexley Township, Kawartha Lakes, receiver on 288 ha in Clearview Township, Ontario, 4 "
            "sites in all (DND, Jul 2025); Australian JORN technology, 'more than C$6 bn' (PM Carney, Iqaluit, 18 "
            "Mar 2025). Available from its initial operating capability at the end of 2029 (DND 2025; a 2022 "
            "briefing said 2028): scenarios before 2030 should leave it out.",
            "ASSUMPTION: one site midway between the transmitter (44.65 N 78.95 W) and receiver (44.38 N 80.10 W) "
            "sites, themselves described, not located (+-0.1 deg); one sector of 330-030 deg; ground range "
            "1,000-3,000 km (coverage 'up to 3,000 km' in secondary reporting, UNVERIFIED; generic sky-wave OTHR "
            "reaches 3,500-4,000 km, IEEE 8777136; the near edge is the usual sky-wave skip zone). Auroral clutter, "
            "the reason the sites are in the south (Riddolls, DRDC Ottawa TM 2006-285), and day/night "
            "ionospheric availability are not modelled. Detection probability, accuracy, revisit and the 100 km "
            "height ceiling as oth-b-east (not published).",
        ),
    ),
}
"""Radar presets with public parameters (each names its sources; unpublished values marked ASSUMPTION)."""
