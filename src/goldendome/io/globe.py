"""What the globe draws beyond the run's CZML scene (:mod:`goldendome.io.czml`): for the page of
``goldendome serve`` and for ``goldendome run --czml``.

* **Satellites** as one compact array rather than one CZML entity each: Earth-fixed positions of every satellite
  (float32, m) sampled every ``SAT_STEP_S``, which the page draws as a single Cesium ``PointPrimitiveCollection``
  and interpolates linearly each frame. A 10,000-satellite shell is then 10,000 points in one draw call, not
  10,000 entities with their own sampled properties; the chord of a 60 s step in low orbit departs from the arc by
  under 4 km (sagitta r (1 - cos(v dt / 2r)) at v = 7.7 km/s, r = 6,700 km), far below a pixel at globe scale.
* **Infrared footprints**: the ground a sensor satellite's field of regard covers, for the satellites of each
  tracking or warning layer, moving with them.
* **Radar coverage**: for each face of each radar, the ground under which a target at ``COVERAGE_ALTITUDE_M``
  is within the radar's instrumented range and above the face's lowest elevation.
* **Space-based interceptor fly-outs**: from the SBI that fired (the event's ``shooter``, a satellite of the firing
  shell) at release to the intercept point (the event's ``t_intercept_s``); an event that names no satellite starts
  from the shell's SBI nearest the intercept point.

The overlays are CZML packets (plain JSON dicts) appended to the scene without its satellites, so the page loads
one small document; ``scene.czml`` (the io export with its decimated satellites) stays the file to download.
"""

import datetime as dt
import json

import numpy as np

from goldendome.engine.trial import RunResult
from goldendome.io.czml import intercept_point, scene_czml
from goldendome.physics.constants import R_EARTH_MEAN_M
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef
from goldendome.physics.greatcircle import destination
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.radar import PRESETS, OTHRadar

SAT_STEP_S = 60.0
"""Sampling of the satellites' positions for the page (see the module docstring for the interpolation error)."""
MAX_GLOBE_SATELLITES = 20_000
"""Most satellites sent to the page (evenly thinned beyond): 20,000 x 61 samples x 12 bytes is 15 MB."""
MAX_FOOTPRINTS = 64
"""Footprints drawn per sensor layer (evenly thinned beyond): each is a ground ellipse re-tessellated every frame."""
COVERAGE_ALTITUDE_M = 500e3
"""Target altitude of the radar coverage shown: a midcourse RV well below apogee (a guess for display, no source)."""

ROLE_RGBA = {"tracking": [120, 190, 255, 28], "warning": [200, 140, 255, 0]}  # warning footprints: a hemisphere
OUTLINE_ALPHA = 150
RADAR_RGBA, SBI_RGBA = [255, 240, 120, 45], [120, 255, 255, 255]


def _at(result: RunResult, t_s: float) -> str:
    """The UTC instant t_s after the run's epoch, as CZML writes it."""
    return (result.epoch + dt.timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso(result: RunResult) -> str:
    return _at(result, 0.0)


def _thin(n: int, most: int) -> np.ndarray:
    """Indices of at most `most` of n items, evenly spread."""
    return np.unique(np.linspace(0, n - 1, min(n, most)).astype(int)) if n else np.arange(0)


def sample_times(result: RunResult, step_s: float = SAT_STEP_S) -> np.ndarray:
    end_s = result.scenario.duration_min * 60.0
    return np.r_[np.arange(0.0, end_s, step_s), end_s]


def satellite_samples(
    result: RunResult, step_s: float = SAT_STEP_S, most: int = MAX_GLOBE_SATELLITES
) -> tuple[dict, np.ndarray]:
    """The satellites for the page: (metadata, positions (T, S, 3) float32, Earth-fixed, m).

    Metadata: 't_s' (the T sample times, s from the epoch), 'epoch', and 'constellations' in order (name, role,
    count: satellites of it in the array, total: in orbit), so the page can colour and count them. A satellite that
    decays during the run (SGP4's decay of a TLE orbit) has NaN positions from then on: it is not drawn."""
    times = sample_times(result, step_s)
    theta = gmst_at(result.epoch, times)[:, None]
    roles = {layer.constellation.name: layer.role for layer in result.layers}
    total = sum(len(c) for c in result.constellations)
    share = most / total if total > most else 1.0
    parts, layers = [], []
    for c in result.constellations:
        pick = _thin(len(c), max(1, int(len(c) * share)))
        parts.append(eci_to_ecef(propagate(c.elements, times)[:, pick], theta).astype(np.float32))
        layers.append(
            {"name": c.name, "role": roles.get(c.name, "constellation"), "count": int(pick.size), "total": len(c)}
        )
    positions = np.concatenate(parts, axis=1) if parts else np.zeros((times.size, 0, 3), np.float32)
    meta = {
        "epoch": _iso(result),
        "t_s": times.tolist(),
        "constellations": layers,
        "shape": list(positions.shape),
        "units": "m, Earth-fixed (ECEF), float32 little-endian; NaN once a satellite has decayed",
    }
    return meta, positions


def footprint_angle_rad(r_m, half_angle_rad: float, max_range_m: float):
    """Earth central angle (rad) of the ground a nadir-pointed sensor at radius r_m sees: its field-of-regard cone of
    half-angle half_angle_rad, cut by its range limit and by the horizon.

    A ground point seen at nadir angle eta lies at central angle asin(sin(eta) / rho) - eta, rho = R / r (the
    triangle Earth centre - satellite - point, law of sines; Wertz & Larson, *Space Mission Analysis and Design*,
    3rd ed., sec. 5.2); at slant range d it lies at acos((R^2 + r^2 - d^2) / (2 R r)) (law of cosines)."""
    r = np.asarray(r_m, float)
    rho = R_EARTH_MEAN_M / r
    horizon = np.arccos(rho)
    s = np.sin(half_angle_rad)
    cone = np.where(s < rho, np.arcsin(np.minimum(s / rho, 1.0)) - half_angle_rad, horizon)
    cos_range = (R_EARTH_MEAN_M**2 + r**2 - max_range_m**2) / (2.0 * R_EARTH_MEAN_M * r)
    by_range = np.arccos(np.clip(cos_range, -1.0, 1.0))
    return np.minimum(np.minimum(cone, by_range), horizon)


def _footprints(result: RunResult, times: np.ndarray) -> list[dict]:
    out, epoch = [], _iso(result)
    theta = gmst_at(result.epoch, times)[:, None]
    for layer in result.layers:
        if layer.sensor is None or layer.role not in ROLE_RGBA:
            continue
        c = layer.constellation
        pick = _thin(len(c), MAX_FOOTPRINTS)
        r = eci_to_ecef(propagate(c.elements, times)[:, pick], theta)  # (T, S, 3)
        lat, lon, _ = ecef_to_geodetic(r)
        ground_m = R_EARTH_MEAN_M * footprint_angle_rad(
            np.linalg.norm(r, axis=-1), layer.sensor.for_half_angle_rad, layer.sensor.max_range_m
        )
        for j, s in enumerate(pick):
            up = np.isfinite(ground_m[:, j])  # a decayed satellite has no footprint
            if up.sum() < 2:
                continue
            t = times[up]
            where = np.column_stack([t, np.degrees(lon[up, j]), np.degrees(lat[up, j]), np.zeros(t.size)])
            size = np.column_stack([t, ground_m[up, j]]).round(1).ravel().tolist()
            out.append(
                {
                    "id": f"footprint/{c.name}/{c.labels[s]}",
                    "name": f"field of regard of {c.labels[s]} ({layer.role})",
                    "position": {"epoch": epoch, "cartographicDegrees": where.round(4).ravel().tolist()},
                    "ellipse": {
                        "semiMajorAxis": {"epoch": epoch, "number": size},
                        "semiMinorAxis": {"epoch": epoch, "number": size},
                        "height": 0,
                        "material": {"solidColor": {"color": {"rgba": ROLE_RGBA[layer.role]}}},
                        "outline": True,
                        "outlineColor": {"rgba": [*ROLE_RGBA[layer.role][:3], OUTLINE_ALPHA]},
                    },
                }
            )
    return out


def coverage_angle_rad(max_range_m: float, el_min_rad: float, altitude_m: float = COVERAGE_ALTITUDE_M) -> float:
    """Earth central angle (rad) out to which a target at altitude_m is within max_range_m of a radar on the ground
    and above el_min_rad: the smaller of the elevation limit acos(R cos(el) / (R + h)) - el and the range limit
    acos((R^2 + (R + h)^2 - d^2) / (2 R (R + h))) (spherical Earth, no refraction). 0 if the range is below h."""
    rt = R_EARTH_MEAN_M + altitude_m
    by_elevation = np.arccos(R_EARTH_MEAN_M * np.cos(el_min_rad) / rt) - el_min_rad
    if max_range_m <= altitude_m:
        return 0.0
    by_range = np.arccos(np.clip((R_EARTH_MEAN_M**2 + rt**2 - max_range_m**2) / (2.0 * R_EARTH_MEAN_M * rt), -1, 1))
    return float(max(0.0, min(by_elevation, by_range)))


def _coverage_polygon(pid: str, name: str, ring: np.ndarray) -> dict:
    """A coverage area on the ground: ring (K, 3) of longitude, latitude (deg) and height."""
    return {
        "id": pid,
        "name": name,
        "polygon": {
            "positions": {"cartographicDegrees": ring.round(4).ravel().tolist()},
            "height": 0,
            "material": {"solidColor": {"color": {"rgba": RADAR_RGBA}}},
            "outline": True,
            "outlineColor": {"rgba": [255, 240, 120, 160]},
        },
    }


def _ground_arc(lat0, lon0, az_deg, angle_rad) -> np.ndarray:
    """Points at a central angle from a site along azimuths (deg): (K, 3) longitude, latitude (deg), height 0."""
    lat, lon = destination(lat0, lon0, np.radians(az_deg), angle_rad)
    return np.column_stack([np.degrees(lon), np.degrees(lat), np.zeros(np.size(az_deg))])


def _radar_coverage(result: RunResult) -> list[dict]:
    """Each named radar's coverage on the ground: a line-of-sight radar's faces (fans out to where a target at
    COVERAGE_ALTITUDE_M is in range and above the face's lowest elevation), an over-the-horizon radar's sectors
    between its least and greatest ground range."""
    out = []
    for name in result.scenario.radars:
        radar = PRESETS[name]
        lat0, lon0 = np.radians(radar.lat_deg), np.radians(radar.lon_deg)
        if isinstance(radar, OTHRadar):
            for k, face in enumerate(radar.sectors):
                az = face.boresight_az_deg + np.linspace(-face.half_width_deg, face.half_width_deg, 37)
                near = _ground_arc(lat0, lon0, az, radar.min_ground_range_m / R_EARTH_MEAN_M)
                far = _ground_arc(lat0, lon0, az, radar.max_ground_range_m / R_EARTH_MEAN_M)
                out.append(
                    _coverage_polygon(
                        f"coverage/{name}/{k}",
                        f"{name} sector {k + 1}: the ground from "
                        f"{radar.min_ground_range_m / 1e3:,.0f} to {radar.max_ground_range_m / 1e3:,.0f} km, targets "
                        f"below {radar.max_height_m / 1e3:.0f} km",
                        np.vstack([near, far[::-1], near[:1]]),
                    )
                )
            continue
        for k, face in enumerate(radar.faces):
            angle = coverage_angle_rad(radar.max_range_m, np.radians(face.el_min_deg))
            if angle <= 0.0:
                continue
            full = face.half_width_deg >= 180.0
            az = face.boresight_az_deg + np.linspace(-face.half_width_deg, face.half_width_deg, 73 if full else 37)
            ring = _ground_arc(lat0, lon0, az, angle)
            if not full:  # a sector: from the site out along one edge, round the arc, back along the other
                site = [[radar.lon_deg, radar.lat_deg, 0.0]]
                ring = np.vstack([site, ring, site])
            out.append(
                _coverage_polygon(
                    f"coverage/{name}/{k}",
                    f"{name} face {k + 1}: a target at {COVERAGE_ALTITUDE_M / 1e3:.0f} km within "
                    f"{radar.max_range_m / 1e3:,.0f} km, above {face.el_min_deg:g} deg",
                    ring,
                )
            )
    return out


def _sbi_flyouts(result: RunResult) -> list[dict]:
    battle = result.battle
    objects, _ = result.objects()
    shells = {layer.constellation.name: layer.constellation for layer in result.layers if layer.sbi is not None}
    if battle is None or objects is None or not shells:
        return []
    names, out, epoch = list(objects.names), [], _iso(result)
    for i, e in enumerate(battle.events.itertuples()):
        if e.event != "launch" or e.battery not in shells or e.object not in names:
            continue
        planned = intercept_point(e, objects, names)
        if planned is None:
            continue
        t_int, target = planned
        shell = shells[e.battery]
        sats = propagate(shell.elements, np.array([float(e.t_s)]))[0]  # (S, 3) ECI at release
        named = shell.labels.index(e.shooter) if e.shooter in shell.labels else -1
        gap = np.linalg.norm(sats - target, axis=-1)
        start = sats[named] if named >= 0 else sats[np.argmin(np.where(np.isnan(gap), np.inf, gap))]  # NaN: decayed
        a = eci_to_ecef(start, float(gmst_at(result.epoch, e.t_s)))
        b = eci_to_ecef(target, float(gmst_at(result.epoch, t_int)))
        out.append(
            {
                "id": f"sbi/{i}",
                "name": f"{e.shots} x {e.weapon} from {e.battery} at {e.object}",
                "availability": f"{_at(result, e.t_s)}/{_at(result, t_int)}",
                "position": {"epoch": epoch, "cartesian": [float(e.t_s), *a.tolist(), t_int, *b.tolist()]},
                "point": {"pixelSize": 5, "color": {"rgba": SBI_RGBA}},
                "path": {
                    "width": 2,
                    "leadTime": 0,
                    "trailTime": 1e6,
                    "material": {"solidColor": {"color": {"rgba": SBI_RGBA}}},
                },
            }
        )
    return out


def globe_czml(result: RunResult, max_satellites: int = 0) -> str:
    """The run's scene (:func:`goldendome.io.czml.scene_czml`, with at most max_satellites satellites per
    constellation: none for the page, which draws them from :func:`satellite_samples`) plus footprints, radar
    coverage and SBI fly-outs. ``goldendome run --czml`` writes it with the decimated satellites."""
    packets = json.loads(scene_czml(result, max_satellites=max_satellites))
    packets += _footprints(result, sample_times(result)) + _radar_coverage(result) + _sbi_flyouts(result)
    return json.dumps(packets, separators=(",", ":"), allow_nan=False)  # strict: the page's JSON.parse
