"""One trial of a scenario: build the world from the scenario, fly the threats, place the constellations, then
look and fight.

:func:`run_trial` flies every threat (truth: the trajectories and the satellites), measures the space layers'
detection and SBI reach, and then, where the scenario has a defence, fights the battle
(:func:`goldendome.engine.battle.fight`: sensors, tracking, battle manager and interceptors in one loop), or where
it only names radars, tracks what they see. Everything lands in one :class:`RunResult`.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from goldendome.effectors.reach import reach_over_time, tracks_from_trajectory
from goldendome.effectors.sbi import SBIDesign, Timeline, sbi_design
from goldendome.engine import budget
from goldendome.engine.battle import fight
from goldendome.engine.streams import stream
from goldendome.engine.tracking import TrackingReport, infrared_fixes, track_objects
from goldendome.physics import tle as tle_io
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M
from goldendome.physics.constellation import Constellation, walker_delta, walker_labels
from goldendome.physics.greatcircle import destination
from goldendome.scenario.loader import ScenarioError, scenario_hash
from goldendome.scenario.models import Scenario
from goldendome.sensors.presets import PRESETS, build_preset
from goldendome.sensors.space_ir import IRSensor, time_to_first_detection_s
from goldendome.threats.ballistic import BallisticLaunch, FlightSummary, fly_ballistic
from goldendome.threats.cruise import CruiseMissile, RouteError, fly_cruise
from goldendome.threats.fobs import fly_fobs
from goldendome.threats.glide import boost_glide
from goldendome.threats.guidance import SHAPE_UNITS
from goldendome.threats.missile import cruise_design, design, glide_design
from goldendome.threats.payload import BusSpec, Payloads, dispense
from goldendome.threats.trajectory import Trajectory

Progress = Callable[[str, float], None]
"""A progress callback: (what is being done, fraction done in [0, 1])."""


@dataclass(frozen=True)
class ThreatInfo:
    """Per flown object, what the scenario said about it (parallel to the trajectory's names)."""

    names: tuple[str, ...]
    group: tuple[str, ...]  # the scenario threat entry it came from
    missile: tuple[str, ...]
    launch: tuple[str, ...]
    aim: tuple[str, ...]


@dataclass(frozen=True)
class Layer:
    """A constellation with what it carries: an infrared sensor (tracking/warning) or SBIs (interceptor)."""

    constellation: Constellation
    role: str
    sensor: IRSensor | None = None
    sbi: SBIDesign | None = None


@dataclass(frozen=True)
class SpaceLayerReport:
    """What the space layers make of each threat (arrays over the flown objects; times s after each launch).

    first_detection_s / first_detection_layer: earliest look at which a sensor layer sees the object (NaN, '' if
    never); first_stereo_s: first look with >= 2 satellites of one layer; release_s: when SBIs are released
    (detection + tracking + decision, or the fixed latency); sbi_in_reach: SBIs of all interceptor layers that can
    reach the booster before burnout; sbi_first_intercept_s, sbi_closing_mps: the earliest such intercept;
    boost_intercept_possible: sbi_in_reach >= 1; salvo_matched: threats that distinct SBIs can all engage at once;
    sbi_first_shooter: the SBI (its satellite label) that makes the earliest intercept ('' if none).
    """

    first_detection_s: np.ndarray
    first_detection_layer: tuple[str, ...]
    first_stereo_s: np.ndarray
    release_s: np.ndarray
    sbi_in_reach: np.ndarray
    sbi_first_intercept_s: np.ndarray
    sbi_closing_mps: np.ndarray
    boost_intercept_possible: np.ndarray
    salvo_matched: int
    sbi_first_shooter: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunResult:
    """Everything one trial produced, as plain data. Times are s from ``epoch``; SI units."""

    scenario: Scenario
    scenario_hash: str
    epoch: dt.datetime
    trajectory: Trajectory | None
    flights: FlightSummary | None
    threats: ThreatInfo | None
    constellations: list[Constellation]
    layers: list[Layer] = field(default_factory=list)
    space: SpaceLayerReport | None = None
    payloads: Payloads | None = None
    cruise: Trajectory | None = None
    cruise_missiles: tuple[CruiseMissile, ...] = ()
    glide: Trajectory | None = None
    fobs: Trajectory | None = None
    fobs_flights: tuple = ()
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    tracking: TrackingReport | None = None
    battle: object = None  # a goldendome.engine.battle.BattleReport when the scenario has a defence

    def objects(self) -> tuple[Trajectory | None, tuple[str, ...]]:
        """Every flown object in one trajectory, with its kind: missiles (boost, then their first RV), released RVs
        and decoys, cruise missiles, glide vehicles, fractional-orbit vehicles."""
        parts, kinds = [], []
        for tr, kind in (
            (self.trajectory, "missile"),
            (self.payloads.trajectory if self.payloads else None, None),
            (self.cruise, "cruise"),
            (self.glide, "glide"),
            (self.fobs, "fobs"),
        ):
            if tr is None:
                continue
            parts.append(tr)
            kinds += list(self.payloads.kind) if kind is None else [kind] * tr.n_objects
        return (Trajectory.concatenate(parts) if parts else None), tuple(kinds)


def spread_in_disc(lat_rad: float, lon_rad: float, radius_m: float, n: int, rng: np.random.Generator):
    """n points spread uniformly over a disc of radius_m (along the surface) around a point: (lat, lon) rad arrays.
    All points are the centre when n == 1 or radius_m == 0."""
    if radius_m <= 0.0 or n == 1:
        return np.full(n, lat_rad), np.full(n, lon_rad)
    dist = radius_m * np.sqrt(rng.random(n)) / R_EARTH_MEAN_M
    return destination(lat_rad, lon_rad, rng.random(n) * 2.0 * np.pi, dist)


def _launches(scn: Scenario) -> tuple[list[BallisticLaunch], ThreatInfo, list[BusSpec]]:
    """Ballistic launches of a scenario; a salvo with launch_radius_km / aim_radius_km is spread over its launch area
    and target area by the scenario seed (its own stream per threat entry, so adding one entry moves no other)."""
    launches, group, missile, launch, aim, buses = [], [], [], [], [], []
    for j, th in enumerate(scn.threats):
        if th.type != "ballistic":
            continue
        lat_l, lon_l = th.launch.coordinates_deg()
        lat_a, lon_a = th.aim.coordinates_deg()
        rng = stream(scn.seed, "threats", j)
        lats_l, lons_l = spread_in_disc(lat_l * DEG, lon_l * DEG, th.launch_radius_km * 1e3, th.count, rng)
        lats_a, lons_a = spread_in_disc(lat_a * DEG, lon_a * DEG, th.aim_radius_km * 1e3, th.count, rng)
        for k in range(th.count):
            name = th.name if th.count == 1 else f"{th.name}.{k + 1}"
            launches.append(
                BallisticLaunch(
                    name=name,
                    design=design(th.missile),
                    launch_lat_rad=lats_l[k],
                    launch_lon_rad=lons_l[k],
                    aim_lat_rad=lats_a[k],
                    aim_lon_rad=lons_a[k],
                    t_launch_s=th.launch_time_s + k * th.interval_s,
                    launch_h_m=th.launch.height_m,
                    aim_h_m=th.aim.height_m,
                    shape=th.shape,
                    shape_value=_shape_si(th.shape, th.shape_value),
                )
            )
            buses.append(
                BusSpec(th.rvs, th.decoys, None, th.decoy_beta_kg_m2, th.release_interval_s, th.separation_mps)
            )
            group.append(th.name)
            missile.append(th.missile)
            launch.append(th.launch.label())
            aim.append(th.aim.label())
    info = ThreatInfo(tuple(ln.name for ln in launches), tuple(group), tuple(missile), tuple(launch), tuple(aim))
    return launches, info, buses


def _fly_each(scn: Scenario, kind: str, flyer) -> tuple[Trajectory | None, tuple]:
    """Threats of one kind flown one by one (each its own targeting problem), joined into one trajectory.

    flyer(threat, (launch lat, lon) rad, (aim lat, lon) rad) -> (Trajectory, summary or None).
    """
    parts, summaries = [], []
    for th in scn.threats:
        if th.type != kind:
            continue
        lat_l, lon_l = th.launch.coordinates_deg()
        lat_a, lon_a = th.aim.coordinates_deg()
        try:
            tr, summary = flyer(th, (lat_l * DEG, lon_l * DEG), (lat_a * DEG, lon_a * DEG))
        except ValueError as exc:
            raise ScenarioError(f"threats ({th.name})", [str(exc)]) from None
        parts.append(tr)
        summaries.append(summary)
    return (Trajectory.concatenate(parts) if parts else None), tuple(summaries)


def _given(value, default):
    """A scenario key's value where given, else the catalogue's."""
    return default if value is None else value


def _glides(scn: Scenario) -> Trajectory | None:
    """Boost-glide threats: booster + glide, one flight each; the catalogue vehicle fills what the entry leaves out."""

    def flyer(th, ll, aa):
        v = glide_design(th.vehicle)
        booster = v.booster_design() if th.booster is None else replace(design(th.booster), payload_kg=v.mass_kg)
        return boost_glide(
            th.name,
            booster,
            *ll,
            *aa,
            scn.epoch,
            th.launch_time_s,
            _given(th.boost_angle_deg, v.boost_angle_deg) * DEG,
            _given(th.beta_kg_m2, v.beta_kg_m2),
            _given(th.lift_to_drag, v.lift_to_drag),
            scn.time_step_s,
        )

    return _fly_each(scn, "glide", flyer)[0]


def _fobs(scn: Scenario) -> tuple[Trajectory | None, tuple]:
    """Fractional-orbit threats with their flight summaries."""
    return _fly_each(
        scn,
        "fobs",
        lambda th, ll, aa: fly_fobs(
            th.name,
            design(th.booster),
            *ll,
            *aa,
            scn.epoch,
            th.launch_time_s,
            th.orbit_altitude_km * 1e3,
            th.deorbit_dv_mps,
            th.azimuth_guess_deg * DEG,
            sample_dt_s=scn.time_step_s,
            glide=None
            if th.reentry == "rv"
            else (glide_design(th.vehicle).beta_kg_m2, glide_design(th.vehicle).lift_to_drag),
        ),
    )


def _cruise(scn: Scenario) -> list[CruiseMissile]:
    out = []
    for th in scn.threats:
        if th.type != "cruise":
            continue
        pts = [th.launch, *th.waypoints, th.aim]
        lat = tuple(p.coordinates_deg()[0] * DEG for p in pts)
        lon = tuple(p.coordinates_deg()[1] * DEG for p in pts)
        d = cruise_design(th.missile)
        speed, height = _given(th.speed_mps, d.speed_mps), _given(th.altitude_m, d.altitude_m)
        load = _given(th.max_load_factor, d.max_load_factor)
        for k in range(th.count):
            out.append(
                CruiseMissile(
                    th.name if th.count == 1 else f"{th.name}.{k + 1}",
                    lat,
                    lon,
                    speed,
                    height,
                    load,
                    th.launch_time_s + k * th.interval_s,
                    range_m=d.range_m,
                )
            )
    return out


def _shape_si(shape: str, value: float | None) -> float:
    """A shape target from scenario units (deg, km, min) to SI (rad, m, s); NaN when the shape takes none."""
    if value is None:
        return float("nan")
    return {"burnout_angle": value * DEG, "apogee": value * 1e3, "flight_time": value * 60.0}[shape]


def scn_value(scn: Scenario, group: str) -> str:
    """The scenario's shape target of a threat entry, with its unit, for messages."""
    th = next(t for t in scn.threats if t.name == group)
    return f"{th.shape_value:g} {SHAPE_UNITS.get(th.shape, '')}".strip()


def build_layers(scn: Scenario, base_dir: Path | None = None) -> list[Layer]:
    """Constellations of a scenario with their payloads, as element sets at the scenario epoch (TLE/OMM files
    are read relative to base_dir)."""
    out = []
    for c in scn.constellations:
        sensor = PRESETS[c.sensor].sensor if c.sensor else None
        sbi = sbi_design(c.sbi) if c.sbi else None
        if c.preset is not None:
            built, sensor = build_preset(c.preset, scn.epoch)
            out.append(Layer(Constellation(c.name, built.elements, built.labels), c.role, sensor, sbi))
            continue
        if c.walker is not None:
            w = c.walker
            el = walker_delta(
                w.total, w.planes, w.phasing, w.altitude_km * 1e3, w.inclination_deg * DEG, w.raan0_deg * DEG
            )
            out.append(Layer(Constellation(c.name, el, walker_labels(c.name, w.total, w.planes)), c.role, sensor, sbi))
            continue
        try:
            if c.tle is not None:
                sats, names = tle_io.parse_tle(c.tle)
            else:
                if base_dir is None:
                    raise ScenarioError(c.name, ["elements_file needs the scenario's folder (load it from a file)"])
                path = (base_dir / c.elements_file).resolve()
                if base_dir.resolve() not in path.parents:
                    raise ScenarioError(c.name, ["elements_file must stay inside the scenario's folder"])
                if not path.is_file():
                    raise ScenarioError(c.name, [f"elements_file {c.elements_file}: no such file"])
                sats, names = tle_io.read_element_file(path)
        except tle_io.ElementSetError as exc:
            raise ScenarioError(f"constellations[{c.name}]", [str(exc)]) from None
        el = tle_io.tle_to_elements(sats, scn.epoch, until_s=scn.duration_min * 60.0)
        out.append(Layer(Constellation(c.name, el, tuple(names)), c.role, sensor, sbi))
    return out


def decay_warnings(constellations: list[Constellation]) -> list[str]:
    """A sentence per constellation with satellites that decay during the run (SGP4's decay of a TLE orbit): which,
    and when."""
    out = []
    for c in constellations:
        t = c.elements.decay_time_s
        gone = np.flatnonzero(np.isfinite(t))
        if not gone.size:
            continue
        when = [f"{c.labels[k]} {'before the epoch' if t[k] < 0 else f'at {t[k]:,.0f} s'}" for k in gone[:10]]
        more = f" and {gone.size - 10:,} more" if gone.size > 10 else ""
        out.append(
            f"{c.name}: {gone.size:,} satellite(s) decayed (SGP4): {', '.join(when)}{more}; from then on they "
            "see nothing, intercept nothing and are not drawn"
        )
    return out


def assess_space_layers(
    scn: Scenario, layers: list[Layer], trajectory: Trajectory, flights: FlightSummary, say: Progress
) -> SpaceLayerReport | None:
    """First detection by the sensor layers, then which SBIs could reach each booster before burnout."""
    sensing = [layer for layer in layers if layer.sensor is not None]
    arming = [layer for layer in layers if layer.sbi is not None]
    if not sensing and not arming:
        return None
    n = trajectory.n_objects
    first = np.full(n, np.nan)
    stereo = np.full(n, np.nan)
    first_layer = [""] * n
    for k, layer in enumerate(sensing):
        say(f"sensor layer {layer.constellation.name}: first detections", 0.55 + 0.15 * k / max(len(sensing), 1))
        t1, t2 = time_to_first_detection_s(trajectory, layer.constellation, layer.sensor, min_sensors=(1, 2))
        better = np.isfinite(t1) & ~(first <= t1)
        first = np.where(better, t1, first)
        first_layer = [layer.constellation.name if better[j] else first_layer[j] for j in range(n)]
        stereo = np.fmin(stereo, t2)
    eng = scn.engagement
    detect = first + eng.track_s if eng.detect == "sensors" else np.full(n, float(eng.detect))
    release = detect + eng.decide_s
    in_reach = np.zeros(n, dtype=np.int64)
    t_first = np.full(n, np.nan)
    v_close = np.full(n, np.nan)
    shooter = np.full(n, "", dtype=object)
    matched = 0
    if arming:
        t0 = float(np.min(flights.t_launch_s))
        tracks = tracks_from_trajectory(trajectory, flights.burnout_time_s, scn.epoch, t0)
        timeline = Timeline(detect_s=0.0, decide_s=eng.decide_s, cutoff_before_burnout_s=eng.cutoff_before_burnout_s)
        for k, layer in enumerate(arming):
            say(f"interceptor layer {layer.constellation.name}: reach", 0.75 + 0.2 * k / len(arming))
            res = reach_over_time(
                layer.constellation.elements, tracks, scn.epoch, [t0], layer.sbi, timeline, detect_s=detect
            )
            in_reach += res.in_reach[0]
            earlier = np.isfinite(res.t_first[0]) & ~(t_first < res.t_first[0])
            shooter[earlier] = np.asarray(layer.constellation.labels, dtype=object)[res.first_sbi[0, earlier]]
            t_first = np.fmin(t_first, res.t_first[0])
            v_close = np.where(np.isfinite(res.t_first[0]) & ~(t_first < res.t_first[0]), res.v_close[0], v_close)
            matched += int(res.matched[0])
    return SpaceLayerReport(
        first,
        tuple(first_layer),
        stereo,
        release,
        in_reach,
        t_first,
        v_close,
        in_reach >= 1,
        min(matched, n),
        tuple(shooter),
    )


def run_trial(
    scn: Scenario, base_dir: Path | None = None, progress: Progress | None = None, battle: bool = True
) -> RunResult:
    """Fly every threat of the scenario, place its constellations and, where it names radars, track what they see;
    where it has a defence, fight the battle (sensors, tracking, battle manager and interceptors in one loop,
    :mod:`goldendome.engine.battle`) instead of tracking alone. battle=False stops after the flights and the space
    layers (the truth a Monte Carlo study reuses). Deterministic: the random draws come from the scenario seed."""
    budget.check(scn)
    say = progress or (lambda what, frac: None)
    timings: dict[str, float] = {}
    warnings: list[str] = []
    t0 = time.perf_counter()
    say("placing constellations", 0.05)
    layers = build_layers(scn, base_dir)
    constellations = [layer.constellation for layer in layers]
    warnings += decay_warnings(constellations)
    timings["constellations"] = time.perf_counter() - t0
    trajectory = flights = info = space = payloads = cruise_traj = None
    glide_traj = _glides(scn)
    fobs_traj, fobs_flights = _fobs(scn)
    cruise = _cruise(scn)
    if cruise:
        say(f"flying {len(cruise)} cruise missile(s)", 0.15)
        try:
            cruise_traj = fly_cruise(cruise, scn.epoch, sample_dt_s=scn.time_step_s)
        except RouteError as exc:
            raise ScenarioError("threats (cruise)", [str(exc)]) from None
    if any(th.type == "ballistic" for th in scn.threats):
        launches, info, buses = _launches(scn)
        say(f"targeting and flying {len(launches)} threat(s)", 0.2)
        t1 = time.perf_counter()
        trajectory, flights = fly_ballistic(launches, scn.epoch, sample_dt_s=scn.time_step_s)
        timings["threats"] = time.perf_counter() - t1
        for k, name in enumerate(flights.names):
            if not np.isfinite(flights.miss_m[k]):
                warnings.append(
                    f"{name}: no flight of {info.missile[k]} from {info.launch[k]} to {info.aim[k]} could be computed "
                    "(its guidance found no trajectory); its burnout state, apogee and impact are unknown and its "
                    "samples have no state (null in summary.json and trajectories.parquet)"
                )
            elif not flights.feasible[k]:
                th = launches[k]
                what = (
                    th.shape
                    if th.shape in ("minimum_energy", "lofted", "depressed")
                    else (f"{th.shape} = {scn_value(scn, info.group[k])}")
                )
                range_limited = th.shape in ("minimum_energy", "lofted", "depressed")
                limit = (
                    f" (greatest range ~{flights.max_range_m[k] / 1e3:,.0f} km)"
                    if range_limited and flights.max_range_m[k] > 0
                    else ""
                )
                reason = "is out of reach" if range_limited else "cannot be reached"
                warnings.append(
                    f"{name}: {info.aim[k]} {reason} for {info.missile[k]} flying {what}{limit}; it was flown "
                    f"anyway and lands {flights.miss_m[k] / 1e3:,.0f} km from the aim point"
                )
        end = flights.t_launch_s + np.nan_to_num(flights.flight_time_s)
        late = [flights.names[k] for k in np.flatnonzero(end > scn.duration_min * 60.0)]
        if late:
            warnings.append(f"impact after the scenario's end ({scn.duration_min:g} min) for: {', '.join(late)}")
        payloads = dispense(
            trajectory,
            flights,
            buses,
            scn.epoch,
            [ln.design.rv_beta_kg_m2 for ln in launches],
            sample_dt_s=scn.time_step_s,
        )
        t2 = time.perf_counter()
        space = assess_space_layers(scn, layers, trajectory, flights, say)
        timings["space_layers"] = time.perf_counter() - t2
        if space is not None:
            never = [flights.names[k] for k in np.flatnonzero(np.isnan(space.first_detection_s))]
            if never and any(layer.sensor is not None for layer in layers):
                warnings.append(f"never detected by the sensor layers: {', '.join(never)}")
    result = RunResult(
        scn,
        scenario_hash(scn),
        scn.epoch,
        trajectory,
        flights,
        info,
        constellations,
        layers,
        space,
        payloads,
        cruise_traj,
        tuple(cruise),
        glide_traj,
        fobs_traj,
        fobs_flights,
        warnings,
        timings,
    )
    objects, kinds = result.objects()
    ir_layers = [layer for layer in layers if scn.tracking.space_layers and layer.role == "tracking" and layer.sensor]
    if scn.defence is not None:
        if battle:
            t3 = time.perf_counter()
            report = fight(result, progress=say)
            result = replace(result, battle=report, tracking=report.tracking)
            timings["battle"] = time.perf_counter() - t3
    elif (scn.radars or ir_layers) and objects is not None:
        t3 = time.perf_counter()
        duration = scn.duration_min * 60.0
        say("triangulating the space layers' infrared frames", 0.6) if ir_layers else None
        infrared = tuple(
            infrared_fixes(
                layer.constellation.name,
                objects,
                layer.constellation,
                layer.sensor,
                duration,
                stream(scn.seed, "infrared", k),
            )
            for k, layer in enumerate(ir_layers)
        )
        report = track_objects(
            objects,
            kinds,
            list(scn.radars),
            scn.epoch,
            duration,
            stream(scn.seed, "radar"),
            scn.tracking.false_alarms_per_look,
            scn.tracking.gospa_cutoff_km * 1e3,
            say,
            infrared,
            scn.tracking.fusion,
        )
        timings["tracking"] = time.perf_counter() - t3
        result = replace(result, tracking=report)
    say("done", 1.0)
    timings["total"] = time.perf_counter() - t0
    return result
