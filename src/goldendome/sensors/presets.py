"""Named space infrared layers: a constellation pattern and the payload each satellite carries.

Orbits and counts below are public; sensor performance (field of regard, range, frame time, angular noise) is
classified for every real system, so those numbers are *assumptions* chosen from geometry and stated as such.

``sda-t1-tracking`` -- Space Development Agency, Proliferated Warfighter Space Architecture (PWSA), Tranche 1
Tracking Layer: 28 wide-field-of-view (WFOV) missile warning / tracking satellites, 14 from L3Harris and 14 from
Northrop Grumman, in four planes of seven (SDA award announcement, 18 July 2022, as reported by SpaceNews,
"L3Harris, Northrop Grumman to build 28 missile-tracking satellites", and Microwaves & RF, "SDA announces awards to
build T1 tracking layer"); "polar orbits about 600 miles above Earth" (SDA director D. Tournear, ibid.). The Tranche 0
tracking demonstrators flew to 1,000 km at 80 deg inclination (NASASpaceflight, "SpaceX launches initial satellites
for Space Development Agency", 2 April 2023); we use 1,000 km and 80 deg. The Walker phasing F = 1 and the planes'
spread over 360 deg of node are assumptions (not published). SDA also stated that about 40 tracking satellites give
global coverage (Tournear, Defense Daily, April 2024) -- a check for coverage studies, not an input.

``sbirs-like`` -- the Space-Based Infrared System baseline: four satellites in geosynchronous orbit and two sensors
hosted on satellites in highly elliptical orbit (SBIRS program description of the baseline architecture, as quoted
e.g. by definedterm.com, "Space Based Infrared System"; HEO-1 and HEO-2 reached orbit in 2006 and 2008, Defense
Daily 2016). The GEO slot longitudes are not published: four slots 90 deg apart starting at 10 deg E are an
assumption. The HEO hosts fly Molniya-type orbits; we use the classic Molniya orbit: a period of half a sidereal
day; i = 63.4 deg, the critical inclination where J2 leaves the perigee fixed (5 cos^2 i = 1 in Vallado,
*Fundamentals of Astrodynamics and Applications*, 4th ed., eqs. 9-41); argument of perigee 270 deg so the apogee
dwells over the north; e = 0.74, which gives the ~500 km perigee and ~40,000 km apogee usually quoted for these
orbits. Both satellites share one ground track, 6 h apart, apogee at 90 deg E: all assumptions beyond "HEO".

``pwsa-tracking-proliferated`` -- the "thousands of satellites" a Golden Dome is said to need "to track and
intercept missiles" (Ars Technica on the first Tranche 1 launch, 10 Sep 2025, as reported by mezha.media), as one
Walker shell of 2,400 satellites carrying the Tranche 1 WFOV payload above. The count is an ASSUMPTION at the low
end of "thousands": public figures are SDA's Tranche 2 Tracking Layer of 54 satellites (SDA award, as quoted by
OODA Loop, 2024), SDA's aim of "at least 1,000 satellites in low Earth orbit" across all its layers (Wikipedia,
"Space Development Agency"), and the up to 600-satellite airborne-moving-target-indicator constellation reported for
Golden Dome (Wall Street Journal, as reported by AviationNews, Nov 2025); none publishes the tracking layer's full
size. Altitude and inclination are Tranche 1's (1,000 km, 80 deg; ASSUMPTION that later tranches keep them);
48 planes x 50 with F = 1 are ASSUMPTIONS. Its cost in a run is the first-detection pass (china-raid's whole
space-layer pass, the 7,800 SBIs' reach included, takes under 3 s); the battle fuses its fixes only with
``tracking: {space_layers: true}``.
"""

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from goldendome.physics.constants import DEG, J2_EARTH, MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, WGS84_A_M
from goldendome.physics.constellation import Constellation, walker_delta, walker_labels
from goldendome.physics.kepler import OrbitalElements, elements
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.space_ir import IRSensor


@dataclass(frozen=True)
class WalkerPattern:
    """A Walker-delta shell i: T/P/F at a circular altitude (see ``physics.constellation.walker_delta``)."""

    total: int
    planes: int
    phasing: int
    altitude_m: float
    inclination_rad: float


@dataclass(frozen=True)
class MolniyaPattern:
    """count satellites sharing one Molniya-type ground track, evenly spaced in time, the first at apogee at epoch.

    apogee_lon_rad : Earth-fixed longitude of the first satellite's apogee at the epoch; period_s : orbital period
    (default half a sidereal day, pi / omega_earth); eccentricity, inclination_rad, argp_rad : the textbook Molniya
    values (e = 0.74, i = 63.4 deg, omega = 270 deg; see the module docstring).
    """

    count: int
    apogee_lon_rad: float
    period_s: float = math.pi / OMEGA_EARTH_RAD_S
    eccentricity: float = 0.74
    inclination_rad: float = 63.4 * DEG
    argp_rad: float = 270.0 * DEG


@dataclass(frozen=True)
class Preset:
    """A named IR layer: satellites (a Walker shell and/or GEO slots and/or Molniya satellites) plus the payload."""

    name: str
    description: str
    sensor: IRSensor
    walker: WalkerPattern | None = None
    geo_lon_rad: tuple[float, ...] = ()
    molniya: MolniyaPattern | None = None
    sources: tuple[str, ...] = ()


def geostationary_radius_m(iterations: int = 8) -> float:
    """Radius, m, at which a circular equatorial orbit keeps pace with the Earth under J2's secular rates.

    For i = 0, e = 0 the longitude rate is n (1 + 3 J2 (R/a)^2) (the sum of Vallado's eqs. 9-41); solving
    n(a) (1 + 3 J2 (R/a)^2) = omega_earth by fixed point gives 42,166.3 km, ~2 km above the two-body 42,164.2 km.
    """
    a = (MU_EARTH_M3_S2 / OMEGA_EARTH_RAD_S**2) ** (1.0 / 3.0)
    for _ in range(iterations):
        n = OMEGA_EARTH_RAD_S / (1.0 + 3.0 * J2_EARTH * (WGS84_A_M / a) ** 2)
        a = (MU_EARTH_M3_S2 / n**2) ** (1.0 / 3.0)
    return float(a)


def geostationary_elements(lon_rad, epoch: dt.datetime) -> OrbitalElements:
    """Elements of geostationary satellites over Earth-fixed longitudes lon_rad at the UTC epoch.

    Right ascension = longitude + GMST(epoch), carried in the mean-anomaly slot (circular, equatorial).
    """
    lon = np.atleast_1d(np.asarray(lon_rad, float))
    ra = np.mod(lon + gmst_at(epoch, 0.0), 2.0 * np.pi)
    return elements(geostationary_radius_m(), 0.0, 0.0, 0.0, 0.0, ra)


def molniya_elements(pattern: MolniyaPattern, epoch: dt.datetime) -> OrbitalElements:
    """Elements of a :class:`MolniyaPattern` at the UTC epoch.

    The first satellite is at apogee at the epoch: true anomaly 180 deg, argument of latitude u = omega + 180 deg,
    right ascension node + atan2(sin u cos i, cos u) (node + 90 deg for omega = 270 deg), which must equal the
    apogee longitude + GMST(epoch). Satellite k follows k period/count later on the same ground track: its node is
    ahead by the Earth's turn in that time and its mean anomaly behind by n times it.
    """
    k = np.arange(pattern.count)
    lag = k * pattern.period_s / pattern.count
    n = 2.0 * np.pi / pattern.period_s
    a = (MU_EARTH_M3_S2 / n**2) ** (1.0 / 3.0)
    u = pattern.argp_rad + np.pi  # argument of latitude at apogee
    ra_minus_node = np.arctan2(np.sin(u) * np.cos(pattern.inclination_rad), np.cos(u))
    raan0 = pattern.apogee_lon_rad + gmst_at(epoch, 0.0) - ra_minus_node
    raan = np.mod(raan0 + OMEGA_EARTH_RAD_S * lag, 2.0 * np.pi)
    m0 = np.mod(np.pi - n * lag, 2.0 * np.pi)
    return elements(a, pattern.eccentricity, pattern.inclination_rad, raan, pattern.argp_rad, m0)


SDA_WFOV = IRSensor(
    name="sda-wfov",
    # assumption: the Earth's disc (limb at 59.8 deg from 1,000 km) plus a band above the limb for
    # cold bodies, up to tangent heights of ~750 km
    for_half_angle_rad=75.0 * DEG,
    # assumption: beyond the 3,700 km horizon range, to reach cold bodies above the limb
    max_range_m=5_000e3,
    # assumption: a staring WFOV focal plane read out once a second
    frame_s=1.0,
    # assumption: ~1/3-pixel centroiding on a ~0.5 mrad pixel (a 120-deg field on ~4k pixels)
    sigma_rad=150e-6,
)
"""The SDA Tranche 1 wide-field-of-view tracking payload (every performance figure an assumption, see above)."""

PRESETS: dict[str, Preset] = {
    "sda-t1-tracking": Preset(
        name="sda-t1-tracking",
        description="SDA PWSA Tranche 1 Tracking Layer: 28 WFOV IR satellites, 4 planes x 7, 1,000 km, 80 deg",
        walker=WalkerPattern(total=28, planes=4, phasing=1, altitude_m=1_000e3, inclination_rad=80.0 * DEG),
        sensor=SDA_WFOV,
        sources=(
            "SDA T1 Tracking awards, 18 Jul 2022 (SpaceNews; Microwaves & RF): 28 sats, 4 planes x 7, polar, ~600 mi",
            "NASASpaceflight, 2 Apr 2023: Tranche 0 tracking satellites to 1,000 km, 80 deg",
            "Defense Daily, Apr 2024 (Tournear): ~40 tracking satellites for global coverage",
        ),
    ),
    "pwsa-tracking-proliferated": Preset(
        name="pwsa-tracking-proliferated",
        description="Proliferated LEO tracking layer: 2,400 WFOV IR satellites, 48 planes x 50, 1,000 km, 80 deg",
        # ASSUMPTION: size at the low end of the "thousands of satellites"; altitude and inclination of Tranche 1
        walker=WalkerPattern(total=2400, planes=48, phasing=1, altitude_m=1_000e3, inclination_rad=80.0 * DEG),
        sensor=SDA_WFOV,
        sources=(
            "Ars Technica, 10 Sep 2025 (as reported by mezha.media): Golden Dome 'will require thousands of "
            "satellites to track and intercept missiles'; Tranche 1 at 1,000 km",
            "SDA Tranche 2 Tracking Layer: 54 satellites (SDA award as quoted by OODA Loop, 2024); SDA aims at 'at "
            "least 1,000 satellites in low Earth orbit' (Wikipedia, 'Space Development Agency')",
            "WSJ via AviationNews, Nov 2025: up to 600 AMTI satellites for Golden Dome (a different sensor layer)",
            "ASSUMPTION: 2,400 satellites (48 planes x 50, F = 1), the Tranche 1 orbit and payload",
        ),
    ),
    "sbirs-like": Preset(
        name="sbirs-like",
        description="SBIRS-like warning layer: 4 GEO satellites (90 deg apart) + 2 Molniya HEO sensors",
        geo_lon_rad=(10.0 * DEG, 100.0 * DEG, 190.0 * DEG, 280.0 * DEG),
        molniya=MolniyaPattern(count=2, apogee_lon_rad=90.0 * DEG),
        sensor=IRSensor(
            name="sbirs-scanner",
            # assumption: the whole Earth disc (8.7 deg from GEO, 7.9 deg from Molniya apogee) plus margin
            for_half_angle_rad=10.0 * DEG,
            # assumption: past the far limb from Molniya apogee (45,800 km)
            max_range_m=50_000e3,
            # assumption: the heritage DSP spun at 6 rpm, a 10 s revisit (Richelson, America's Space Sentinels, 1999)
            frame_s=10.0,
            # assumption: ~1 km at the 35,786 km nadir range of GEO
            sigma_rad=30e-6,
        ),
        sources=(
            "SBIRS baseline: four GEO satellites and two HEO sensors (DoD SBIRS program description)",
            "Defense Daily, 2016: HEO-1 and HEO-2 in orbit 2006 and 2008; GEO-1..4 launched 2011-2017",
            "Molniya critical inclination: Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., eqs. 9-41",
        ),
    ),
}


def preset_names() -> tuple[str, ...]:
    """Names of the built-in IR layers."""
    return tuple(PRESETS)


def build_preset(name: str, epoch: dt.datetime) -> tuple[Constellation, IRSensor]:
    """The constellation (elements at the UTC scenario epoch) and the payload of a named IR layer.

    Raises ValueError for an unknown name, listing the known ones.
    """
    if name not in PRESETS:
        raise ValueError(f"unknown IR layer {name!r}; choose one of {', '.join(PRESETS)}")
    p = PRESETS[name]
    parts, labels = [], []
    if p.walker is not None:
        w = p.walker
        parts.append(walker_delta(w.total, w.planes, w.phasing, w.altitude_m, w.inclination_rad))
        labels += walker_labels(p.name.upper(), w.total, w.planes)
    if p.geo_lon_rad:
        parts.append(geostationary_elements(p.geo_lon_rad, epoch))
        labels += [f"{p.name.upper()}-GEO-{k + 1}" for k in range(len(p.geo_lon_rad))]
    if p.molniya is not None:
        parts.append(molniya_elements(p.molniya, epoch))
        labels += [f"{p.name.upper()}-HEO-{k + 1}" for k in range(p.molniya.count)]
    return Constellation(p.name, OrbitalElements.concatenate(parts), tuple(labels)), p.sensor
