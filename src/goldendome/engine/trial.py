"""One trial of a scenario: build the world from the scenario, fly the threats, place the constellations.

This is the foundation's trial: truth only (threat trajectories and satellites). Sensors, tracking, battle
management and interceptors join the loop in later layers; they will take the same :class:`RunResult` fields.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from goldendome.physics import tle as tle_io
from goldendome.physics.constants import DEG
from goldendome.physics.constellation import Constellation, walker_delta, walker_labels
from goldendome.scenario.loader import ScenarioError, scenario_hash
from goldendome.scenario.models import Scenario
from goldendome.threats.ballistic import BallisticLaunch, FlightSummary, fly_ballistic
from goldendome.threats.missile import design
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
class RunResult:
    """Everything one trial produced, as plain data. Times are s from ``epoch``; SI units."""

    scenario: Scenario
    scenario_hash: str
    epoch: dt.datetime
    trajectory: Trajectory | None
    flights: FlightSummary | None
    threats: ThreatInfo | None
    constellations: list[Constellation]
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)


def _launches(scn: Scenario) -> tuple[list[BallisticLaunch], ThreatInfo]:
    launches, group, missile, launch, aim = [], [], [], [], []
    for th in scn.threats:
        lat_l, lon_l = th.launch.coordinates_deg()
        lat_a, lon_a = th.aim.coordinates_deg()
        for k in range(th.count):
            name = th.name if th.count == 1 else f"{th.name}.{k + 1}"
            launches.append(BallisticLaunch(
                name=name, design=design(th.missile), launch_lat_rad=lat_l * DEG, launch_lon_rad=lon_l * DEG,
                aim_lat_rad=lat_a * DEG, aim_lon_rad=lon_a * DEG, t_launch_s=th.launch_time_s + k * th.interval_s,
                launch_h_m=th.launch.height_m, aim_h_m=th.aim.height_m, shape=th.shape,
            ))  # fmt: skip
            group.append(th.name)
            missile.append(th.missile)
            launch.append(th.launch.label())
            aim.append(th.aim.label())
    info = ThreatInfo(tuple(ln.name for ln in launches), tuple(group), tuple(missile), tuple(launch), tuple(aim))
    return launches, info


def build_constellations(scn: Scenario, base_dir: Path | None = None) -> list[Constellation]:
    """Constellations of a scenario, as element sets at the scenario epoch (TLE files relative to base_dir)."""
    out = []
    for c in scn.constellations:
        if c.walker is not None:
            w = c.walker
            el = walker_delta(w.total, w.planes, w.phasing, w.altitude_km * 1e3, w.inclination_deg * DEG,
                              w.raan0_deg * DEG)  # fmt: skip
            out.append(Constellation(c.name, el, walker_labels(c.name, w.total, w.planes)))
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
        out.append(Constellation(c.name, tle_io.tle_to_elements(sats, scn.epoch), tuple(names)))
    return out


def run_trial(scn: Scenario, base_dir: Path | None = None, progress: Progress | None = None) -> RunResult:
    """Fly every threat of the scenario and place its constellations. Deterministic (no randomness yet)."""
    say = progress or (lambda what, frac: None)
    timings: dict[str, float] = {}
    warnings: list[str] = []
    t0 = time.perf_counter()
    say("placing constellations", 0.05)
    constellations = build_constellations(scn, base_dir)
    timings["constellations"] = time.perf_counter() - t0
    trajectory = flights = info = None
    if scn.threats:
        launches, info = _launches(scn)
        say(f"targeting and flying {len(launches)} threat(s)", 0.2)
        t1 = time.perf_counter()
        trajectory, flights = fly_ballistic(launches, scn.epoch, sample_dt_s=scn.time_step_s)
        timings["threats"] = time.perf_counter() - t1
        for k, name in enumerate(flights.names):
            if not flights.feasible[k]:
                warnings.append(
                    f"{name}: aim point {info.aim[k]} is out of reach of {info.missile[k]} on this shape of flight "
                    f"(greatest range ~{flights.max_range_m[k] / 1e3:,.0f} km); it was flown anyway and lands "
                    f"{flights.miss_m[k] / 1e3:,.0f} km from the aim point"
                )
        end = flights.t_launch_s + np.nan_to_num(flights.flight_time_s)
        late = [flights.names[k] for k in np.flatnonzero(end > scn.duration_min * 60.0)]
        if late:
            warnings.append(f"impact after the scenario's end ({scn.duration_min:g} min) for: {', '.join(late)}")
    say("done", 1.0)
    timings["total"] = time.perf_counter() - t0
    return RunResult(scn, scenario_hash(scn), scn.epoch, trajectory, flights, info, constellations, warnings, timings)
