"""A run as CZML (Cesium's time-dynamic scene format), written with ``czml3``: what the globe replays.

The scene holds, on the run's clock (epoch to the end of the scenario):

* every flown object (missiles, RVs, decoys, cruise missiles, glide vehicles, fractional orbits), one entity per
  flight phase, its path coloured by phase (boost red, midcourse orange, terminal yellow), ending where the battle
  destroyed it;
* the satellites of each constellation as moving points (decimated to ``max_satellites`` per constellation and
  sampled every ``sat_step_s``: a 10,000-satellite shell replays as points, not as one path per satellite);
* the battle: each interceptor salvo flying from its battery to the intercept point, kills (green) and misses
  (grey) where they happened, leakers' impact points (red), and the batteries and radars as labelled sites.

Sites that share a base (within ``SHARED_SITE_M``: Clear's two radars, Fort Greely's GBI and NGI fields) keep a point
each but share one label, a line per site, so their names never print over each other. Every site carries its
reach (``properties.reach_km``: an interceptor's or radar's greatest range), which the globe page ranks labels by when
it declutters them in screen space: where sites crowd together at globe scale, the one that acts farthest keeps its
label and the others appear as the view zooms in.

Positions are Earth-fixed (cartographic degrees, metres), sampled at the trajectories' own rate decimated to
``obj_step_s``; Cesium interpolates between samples.
"""

import datetime as dt

import numpy as np
from czml3 import Document, Packet
from czml3.properties import Clock, Color, Label, Path, Point, PolylineMaterial, Position, SolidColorMaterial

from goldendome.engine.battle import battery_specs
from goldendome.engine.trial import RunResult
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef
from goldendome.physics.greatcircle import ground_range_m
from goldendome.physics.kepler import propagate
from goldendome.physics.timescale import gmst_at
from goldendome.sensors.radar import PRESETS, OTHRadar
from goldendome.threats.trajectory import PHASE_NAMES

PHASE_RGBA = {"boost": [255, 70, 50, 255], "midcourse": [255, 165, 0, 255], "terminal": [255, 230, 60, 255]}
KILL_RGBA, MISS_RGBA, LEAK_RGBA = [60, 220, 90, 255], [170, 170, 170, 255], [230, 20, 20, 255]
SAT_RGBA, SITE_RGBA, INTERCEPTOR_RGBA = [120, 190, 255, 200], [255, 255, 255, 255], [80, 255, 200, 255]
SHARED_SITE_M = 1e3
"""Sites closer than this share one label: one base (the points of sites this close coincide at any useful zoom)."""
LABEL_FONT = "13px sans-serif"


def _iso(epoch: dt.datetime, t_s: float) -> str:
    return (epoch + dt.timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _interval(epoch, t0, t1) -> str:
    return f"{_iso(epoch, t0)}/{_iso(epoch, t1)}"


def _samples(t_rel, lon_deg, lat_deg, h_m) -> list[float]:
    return np.column_stack([t_rel, lon_deg, lat_deg, h_m]).ravel().round(3).tolist()


def _decimate(t, step_s: float) -> np.ndarray:
    """Indices of samples at least step_s apart, always keeping the last."""
    if t.size <= 2:
        return np.arange(t.size)
    bins = np.floor((t - t[0]) / step_s)
    keep = np.r_[True, bins[1:] != bins[:-1]]
    keep[-1] = True
    return np.flatnonzero(keep)


def _point(rgba, size: int = 6) -> Point:
    return Point(pixelSize=size, color=Color(rgba=rgba))


def _objects(result: RunResult, end_s: float, step_s: float, killed: dict) -> list[Packet]:
    objects, kinds = result.objects()
    if objects is None:
        return []
    epoch, out = result.epoch, []
    for k, name in enumerate(objects.names):
        rows = objects.rows(k)
        t = objects.t_s[rows]
        stop = min(killed.get(name, np.inf), end_s)
        sel = (t <= stop) & np.isfinite(objects.r_eci_m[rows]).all(axis=1)  # a flight not computed has no state
        if sel.sum() < 2:
            continue
        t, r, phase = t[sel], objects.r_eci_m[rows][sel], objects.phase[rows][sel]
        lat, lon, h = ecef_to_geodetic(eci_to_ecef(r, gmst_at(epoch, t)))
        lat, lon = np.degrees(lat), np.degrees(lon)
        for p in np.unique(phase):
            idx = np.flatnonzero(phase == p)
            # a phase segment runs on to the next segment's first sample, so the path is unbroken
            idx = np.r_[idx, idx[-1] + 1] if idx[-1] + 1 < t.size else idx
            idx = idx[_decimate(t[idx], step_s)]
            if idx.size < 2:
                continue
            pname = PHASE_NAMES[int(p)]
            out.append(
                Packet(
                    id=f"object/{name}/{pname}",
                    name=f"{name} ({kinds[k]}, {pname})",
                    availability=_interval(epoch, t[idx[0]], t[idx[-1]]),
                    position=Position(
                        epoch=_iso(epoch, 0.0), cartographicDegrees=_samples(t[idx], lon[idx], lat[idx], h[idx])
                    ),
                    path=Path(
                        material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=PHASE_RGBA[pname]))),
                        width=2,
                        leadTime=0,
                        trailTime=1e6,
                    ),
                    point=_point(PHASE_RGBA[pname], 5),
                )
            )
    return out


def _satellites(result: RunResult, end_s: float, step_s: float, max_per: int) -> list[Packet]:
    out = []
    times = np.arange(0.0, end_s + 1e-9, step_s)
    theta = gmst_at(result.epoch, times)
    for c in result.constellations:
        n = len(c)
        pick = np.unique(np.linspace(0, n - 1, min(n, max_per)).astype(int))
        r = propagate(c.elements, times)[:, pick]  # (T, S, 3) ECI
        lat, lon, h = ecef_to_geodetic(eci_to_ecef(r, theta[:, None]))
        for j, s in enumerate(pick):
            up = np.isfinite(h[:, j])  # NaN once a satellite has decayed: its entity ends there
            if up.sum() < 2:
                continue
            out.append(
                Packet(
                    id=f"satellite/{c.name}/{c.labels[s]}",
                    name=f"{c.name} {c.labels[s]}",
                    position=Position(
                        epoch=_iso(result.epoch, 0.0),
                        cartographicDegrees=_samples(
                            times[up], np.degrees(lon[up, j]), np.degrees(lat[up, j]), h[up, j]
                        ),
                    ),
                    point=_point(SAT_RGBA, 3),
                )
            )
    return out


def _site(pid: str, name: str, lat_deg: float, lon_deg: float, reach_m: float, label: str | None) -> Packet:
    """A site's point, with its reach (km) for the page's label ranking, and a label if it carries its base's."""
    return Packet(
        id=pid,
        name=name,
        position=Position(cartographicDegrees=[lon_deg, lat_deg, 0.0]),
        point=_point(SITE_RGBA, 8),
        properties={"reach_km": round(reach_m / 1e3, 1)},
        label=None
        if label is None
        else Label(
            text=label,
            show=True,
            font=LABEL_FONT,
            fillColor=Color(rgba=SITE_RGBA),
            showBackground=True,  # a dark box keeps white text legible over bright imagery and ice
            backgroundColor=Color(rgba=[20, 22, 26, 170]),
            backgroundPadding={"cartesian2": [4, 2]},
            horizontalOrigin="LEFT",
            verticalOrigin="CENTER",
            pixelOffset={"cartesian2": [8, 0]},  # clear of the 8 px point; the page places labels itself
        ),
    )


def _sites(result: RunResult) -> list[Packet]:
    """The radars and (in a defended run) the batteries: a point each, one label per shared base."""
    scn = result.scenario
    sites = []  # (id, name, lat deg, lon deg, reach m)
    for name in scn.radars:
        r = PRESETS[name]
        reach = r.max_ground_range_m if isinstance(r, OTHRadar) else r.max_range_m
        sites.append((f"radar/{name}", name, r.lat_deg, r.lon_deg, reach))
    if result.battle is not None:
        for s in battery_specs(scn):
            name = f"{s.name} ({s.weapon.name})"
            sites.append(
                (f"battery/{s.name}", name, np.degrees(s.lat_rad), np.degrees(s.lon_rad), s.weapon.max_range_m)
            )
    if not sites:
        return []
    sites.sort(key=lambda site: (-site[4], site[0]))  # farthest reach first: it heads its base's label
    lat, lon = np.radians([site[2] for site in sites]), np.radians([site[3] for site in sites])
    near = ground_range_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) < SHARED_SITE_M  # (S, S)
    base = np.full(len(sites), -1)  # the site whose label names each site: its base's farthest-reaching one
    for k in range(len(sites)):
        if base[k] < 0:
            base[near[k] & (base < 0)] = k
    out = []
    for k, (pid, name, lat_deg, lon_deg, reach) in enumerate(sites):
        label = "\n".join(sites[j][1] for j in np.flatnonzero(base == k)) if base[k] == k else None
        out.append(_site(pid, name, float(lat_deg), float(lon_deg), reach, label))
    return out


def _battle(result: RunResult, end_s: float) -> tuple[list[Packet], dict]:
    """Interceptor fly-outs, kills and misses, leakers; and each destroyed object's kill time."""
    b = result.battle
    if b is None:
        return [], {}
    epoch, ev, out = result.epoch, b.events, []
    specs = {s.name: s for s in battery_specs(result.scenario)}
    objects, _ = result.objects()
    names = list(objects.names) if objects is not None else []
    killed = {}
    for i, e in enumerate(ev.itertuples()):
        if e.event in ("kill", "decoy_killed", "miss") and e.object in names:
            r, _ = objects.states_at(e.t_s)
            pos = r[names.index(e.object)]
            if not np.all(np.isfinite(pos)):
                continue
            lat, lon, h = ecef_to_geodetic(eci_to_ecef(pos, float(gmst_at(epoch, e.t_s))))
            rgba = MISS_RGBA if e.event == "miss" else KILL_RGBA
            out.append(
                Packet(
                    id=f"event/{i}/{e.event}",
                    name=f"{e.event}: {e.object} ({e.weapon}, {e.layer})",
                    availability=_interval(epoch, e.t_s, end_s),
                    position=Position(cartographicDegrees=[float(np.degrees(lon)), float(np.degrees(lat)), float(h)]),
                    point=_point(rgba, 9),
                )
            )
            if e.event != "miss":
                killed[e.object] = min(killed.get(e.object, np.inf), float(e.t_s))
        elif e.event == "launch" and e.battery in specs and e.object in names:
            planned = intercept_point(e, objects, names)
            if planned is None:
                continue
            t_int, pos = planned
            s = specs[e.battery]
            site = geodetic_to_ecef(s.lat_rad, s.lon_rad, 0.0)
            end = eci_to_ecef(pos, float(gmst_at(epoch, t_int)))
            out.append(
                Packet(
                    id=f"interceptor/{i}",
                    name=f"{e.shots} x {e.weapon} from {e.battery} at {e.object}",
                    availability=_interval(epoch, e.t_s, t_int),
                    position=Position(
                        epoch=_iso(epoch, 0.0), cartesian=[float(e.t_s), *site.tolist(), t_int, *end.tolist()]
                    ),
                    path=Path(
                        material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=INTERCEPTOR_RGBA))),
                        width=2,
                        leadTime=0,
                        trailTime=1e6,
                    ),
                    point=_point(INTERCEPTOR_RGBA, 5),
                )
            )
        elif e.event == "leaker" and np.isfinite(e.lat_deg):
            out.append(
                Packet(
                    id=f"event/{i}/leaker",
                    name=f"leaker: {e.object} at {e.asset}",
                    availability=_interval(epoch, e.t_s, end_s),
                    position=Position(cartographicDegrees=[float(e.lon_deg), float(e.lat_deg), 0.0]),
                    point=_point(LEAK_RGBA, 12),
                )
            )
    return out, killed


def intercept_point(event, objects, names: list[str]):
    """(time s, ECI position (3,)) of a launch event's planned intercept (its t_intercept_s column), the target where
    it truly is then; None when the event plans no intercept or the target is not in flight then."""
    t_int = float(getattr(event, "t_intercept_s", np.nan))
    if not np.isfinite(t_int):
        return None
    r, _ = objects.states_at(t_int)
    pos = r[names.index(event.object)]
    return (t_int, pos) if np.all(np.isfinite(pos)) else None


def scene_czml(result: RunResult, max_satellites: int = 2000, sat_step_s: float = 60.0, obj_step_s: float = 5.0) -> str:
    """The run's scene as a CZML document (a JSON string): see the module docstring."""
    scn = result.scenario
    end_s = scn.duration_min * 60.0
    epoch = result.epoch
    battle, killed = _battle(result, end_s)
    packets = [
        Packet(
            id="document",
            name=scn.name,
            version="1.0",
            clock=Clock(interval=_interval(epoch, 0.0, end_s), currentTime=_iso(epoch, 0.0), multiplier=30),
        )
    ]
    packets += _objects(result, end_s, obj_step_s, killed)
    packets += _satellites(result, end_s, sat_step_s, max_satellites)
    packets += _sites(result)
    packets += battle
    return Document(packets=packets).dumps()
