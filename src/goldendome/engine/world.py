"""The world of one trial: every flown object's truth joined once and typed, with the defence that fights in it.

A trial's flights (:func:`goldendome.engine.trial.run_trial`) give separate trajectories -- missiles, the RVs and
decoys their buses release, cruise missiles, glide vehicles, fractional-orbit vehicles. The battle needs them as one
set of objects with, for each, its threat class while it burns and after (a :class:`ThreatClass` checked when the
catalogue loaded, never read from a name), whether it is lethal, what carried it, and where and when its flight
ends; and the defence's batteries (their layers a :class:`Layer`) and defended assets. :func:`build_world` joins
all of it once, in array passes; a Monte Carlo worker builds its world once and fights it many times
(:func:`goldendome.engine.battle.fight`), and every cache of the battle (which radar looks can see anything) lives on
the world, never in a module keyed by ``id()``.
"""

from dataclasses import dataclass, field

import numpy as np

from goldendome.c2.assets import Assets, assets_from, load_assets
from goldendome.c2.manager import BatterySpec
from goldendome.effectors.interceptors import interceptor
from goldendome.physics.constants import DEG
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef
from goldendome.physics.timescale import gmst_at
from goldendome.scenario.models import Scenario
from goldendome.threats.missile import ThreatClass, design
from goldendome.threats.trajectory import Trajectory

GROUND_M = 2e3
"""An object whose last sample is below this height has come down (impact); above, it was still flying."""

BALLISTIC_LATE = {ThreatClass.ICBM, ThreatClass.SLBM, ThreatClass.IRBM}
"""Missile classes whose burnt-out missile flies on as a re-entry vehicle (class 'rv' after boost)."""


@dataclass(frozen=True, eq=False)
class World:
    """One trial's truth and defence, built once (:func:`build_world`): arrays over the N flown objects.

    boost_class, late_class : (N,) ThreatClass while the object burns, and after (rv, decoy, cruise, glide, fobs,
    or a short-range missile's own); lethal : (N,) not a decoy; parent : (N,) the object that carried it (-1: none);
    t_first_s, t_end_s : (N,) first and last sample; end_lat_rad, end_lon_rad : (N,) where the flight ends;
    impacts : (N,) the flight ends on the ground. cache : per-world caches of the battle.
    """

    run: object  # the RunResult the world was built from
    objects: Trajectory
    kinds: tuple[str, ...]
    boost_class: np.ndarray
    late_class: np.ndarray
    lethal: np.ndarray
    parent: np.ndarray
    t_first_s: np.ndarray
    t_end_s: np.ndarray
    end_lat_rad: np.ndarray
    end_lon_rad: np.ndarray
    impacts: np.ndarray
    batteries: tuple[BatterySpec, ...]
    assets: Assets
    cache: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.objects.n_objects

    @property
    def scenario(self) -> Scenario:
        return self.run.scenario


def battery_specs(scn: Scenario) -> list[BatterySpec]:
    """The scenario's batteries as the battle manager sees them (SI, doctrine and latency resolved)."""
    d = scn.defence
    out = []
    for b in d.batteries:
        w = interceptor(b.interceptor)
        lat, lon = b.site.coordinates_deg()
        doc = b.doctrine or d.doctrine
        inventory = b.inventory if b.inventory is not None else b.launchers * w.rounds_per_launcher
        out.append(
            BatterySpec(
                b.name,
                w,
                lat * DEG,
                lon * DEG,
                b.launchers,
                inventory,
                doc.shots,
                doc.looks,
                d.latency_s if b.latency_s is None else b.latency_s,
            )
        )
    return out


def defended_assets(scn: Scenario) -> Assets:
    """The assets the scenario's defence protects: the shipped table filtered, plus its own."""
    choice = scn.defence.assets
    shipped = load_assets().select(keys=choice.only, countries=choice.countries, kinds=choice.kinds)
    if not choice.extra:
        return shipped
    return Assets.concatenate([shipped, assets_from(choice.extra)])


def build_world(run) -> World | None:
    """The world of a flown trial (a :class:`goldendome.engine.trial.RunResult`); None when nothing flies."""
    objects, kinds = run.objects()
    if objects is None:
        return None
    n = objects.n_objects
    late = np.array([ThreatClass(k) if k != "missile" else ThreatClass.RV for k in kinds], dtype=object)
    boost = late.copy()
    if run.threats is not None:
        # ballistic missiles come first among the objects: their class is the catalogue's
        klass = {m: design(m).threat_class for m in set(run.threats.missile)}
        for k, missile in enumerate(run.threats.missile):
            boost[k] = klass[missile]
            late[k] = ThreatClass.RV if klass[missile] in BALLISTIC_LATE else klass[missile]
    parent = np.full(n, -1)
    if run.payloads is not None:
        index = {name: k for k, name in enumerate(objects.names)}
        base = run.trajectory.n_objects
        parent[base : base + len(run.payloads.parent)] = [index[p] for p in run.payloads.parent]
    first = np.searchsorted(objects.object_id, np.arange(n))
    last = np.searchsorted(objects.object_id, np.arange(n), side="right") - 1
    t_end = objects.t_s[last]
    end = eci_to_ecef(objects.r_eci_m[last], gmst_at(run.epoch, t_end))
    lat, lon, h = ecef_to_geodetic(end)
    scn = run.scenario
    specs = tuple(battery_specs(scn)) if scn.defence is not None else ()
    assets = defended_assets(scn) if scn.defence is not None else load_assets().select(keys=[])
    return World(
        run,
        objects,
        kinds,
        boost,
        late,
        late != ThreatClass.DECOY,
        parent,
        objects.t_s[first],
        t_end,
        lat,
        lon,
        h < GROUND_M,
        specs,
        assets,
    )
