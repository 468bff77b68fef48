"""The battle: one trial of a defended scenario as a time-stepped loop over the kill chain.

Each cycle of the battle manager (``defence.decision_s``) reads as its verbs::

    resolve_intercepts   shots due by now meet their targets: kill draws, the truth loses what was killed
    record_impacts       objects that came down: a lethal one not killed is a leaker (over a city or open ground)
    picture.observe      the sensors look at what still flies (radar looks and infrared frames up to now) and the
                         tracker updates
    picture.tracks       the confirmed tracks, predicted to now, each associated with the object it follows
    discriminate         what the battle manager believes each track is (decoys recognised, or not)
    manager.decide       threat evaluation, engagement windows, weapon-target assignment under the doctrine
    launch               the orders become interceptors in flight, due at their intercept times

The space-based interceptors fight first, in boost: where the space layers give a missile SBIs in reach before
burnout (:class:`goldendome.engine.trial.SpaceLayerReport`), ``defence.sbi.shots`` of them are released at the
release time and meet the booster at the earliest intercept; a kill there takes the missile's whole payload
(RVs and decoys not yet released). Distinct SBIs engage at most ``salvo_matched`` boosters at once.

Every step is written to an event log (detections, track confirmations, launches, kills and misses, leakers,
impacts, decisions not to engage and why), one row per event, saved as ``events.parquet``.

Randomness: kill draws, discrimination and the sensors each draw from their own stream of the scenario seed, so
one seed gives one battle whatever else changes.
"""

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from goldendome.c2.assets import Assets
from goldendome.c2.manager import LAYERS, REASONS, BatterySpec, BattleManager, Notes, Order
from goldendome.engine.sensing import infrared_fixes, scenario_sensors
from goldendome.engine.streams import stream
from goldendome.engine.tracking import SensorPicture, Sky
from goldendome.engine.world import World, battery_specs, build_world, defended_assets
from goldendome.physics.constants import R_EARTH_MEAN_M
from goldendome.scenario.models import Scenario

FIRING_SIGMA_M, FIRING_SIGMA_MPS = 100.0, 5.0
"""Position and velocity 1-sigma (per axis) of a 'truth' track: a firing-quality track of a fire-control radar
(ASSUMPTION, the order of an X-band radar's accuracy at 1,000-2,000 km)."""

ASSOCIATION_M = 5e3
"""A confirmed track follows the object within this distance (GNN over the picture): what its interceptors home on."""

EVENT_COLUMNS = [
    "t_s",
    "event",
    "object",
    "track",
    "layer",
    "battery",
    "shooter",
    "weapon",
    "shots",
    "t_intercept_s",
    "cost_musd",
    "value",
    "asset",
    "lat_deg",
    "lon_deg",
    "detail",
]
"""The event log's columns. battery: the battery or SBI constellation that fired; shooter: who fired (the battery,
or the SBI's satellite label); t_intercept_s: the planned intercept time of a launch, the intercept time of a kill or
miss (NaN otherwise); value: people (equivalent) at risk; detail: a sentence for a person, never parsed."""


@dataclass
class EventLog:
    """The battle's events, one row each (see EVENT_COLUMNS)."""

    rows: list = field(default_factory=list)

    def add(
        self,
        t: float,
        event: str,
        object: str = "",
        track: int = -1,
        layer: str = "",
        battery: str = "",
        shooter: str = "",
        weapon: str = "",
        shots: int = 0,
        t_intercept_s: float = float("nan"),
        cost_musd: float = 0.0,
        value: float = float("nan"),
        asset: str = "",
        lat_deg: float = float("nan"),
        lon_deg: float = float("nan"),
        detail: str = "",
    ) -> None:
        self.rows.append(
            (
                float(t),
                event,
                object,
                int(track),
                layer,
                battery,
                shooter,
                weapon,
                int(shots),
                float(t_intercept_s),
                float(cost_musd),
                float(value),
                asset,
                float(lat_deg),
                float(lon_deg),
                detail,
            )
        )

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=EVENT_COLUMNS)
        return df.sort_values("t_s", kind="stable").reset_index(drop=True)


class Truth(Sky):
    """What really flies in one trial: the world's objects (:class:`goldendome.engine.world.World`: trajectories,
    classes, lethality, what carries what, where each comes down) and when each was destroyed (NaN: never)."""

    def __init__(self, world: World):
        super().__init__(world.objects, world.kinds, world.run.epoch)
        self.world = world
        self.boost_class, self.late_class = world.boost_class, world.late_class
        self.lethal, self.parent = world.lethal, world.parent
        self.t_end, self.end_lat, self.end_lon, self.impacts = (
            world.t_end_s,
            world.end_lat_rad,
            world.end_lon_rad,
            world.impacts,
        )

    def classes(self, t: float, boosting: np.ndarray | None = None) -> np.ndarray:
        """Each object's class at t (boost class while it burns; pass `boosting` if already known)."""
        boosting = self.boosting(t) if boosting is None else boosting
        return np.where(boosting, self.boost_class, self.late_class)

    def kill(self, k: int, t: float) -> None:
        """Destroy object k at t, with what it still carries (a booster killed in boost takes its payload; RVs and
        decoys already released fly on)."""
        self.killed_at[k] = t
        carried = (self.parent == k) & np.isnan(self.killed_at) & (self.world.t_first_s > t)
        self.killed_at[carried] = t


def truth_from_run(result) -> Truth | None:
    """The battle's truth from a trial's flown objects (a RunResult, or its World)."""
    world = result if isinstance(result, World) else build_world(result)
    return None if world is None else Truth(world)


class TruthPicture:
    """Perfect tracks: every object in flight, tracked from launch with a firing-quality covariance (quick studies;
    ``defence.tracks: truth``). It measures nothing: its report is None."""

    def __init__(self, truth: Truth):
        self.p = np.diag([FIRING_SIGMA_M**2] * 3 + [FIRING_SIGMA_MPS**2] * 3)

    def observe(self, t: float, truth: Truth, log: EventLog) -> None:
        pass

    def tracks(self, t: float, truth: Truth):
        r, v = truth.states(t)
        ids = np.flatnonzero(np.isfinite(r[:, 0]))
        return ids, np.concatenate([r[ids], v[ids]], axis=1), np.tile(self.p, (ids.size, 1, 1)), ids

    def report(self, objects, kinds):
        return None


class BattlePicture(SensorPicture):
    """The sensors' picture of a battle (:class:`goldendome.engine.tracking.SensorPicture`, its history on the GOSPA
    grid only), which the battle manager reads at each decision: the confirmed tracks predicted to now, each
    associated with the object it follows (GNN within ASSOCIATION_M: what its interceptors home on)."""

    def tracks(self, t: float, truth: Truth):
        self.tracker.predict_to(t)
        ids, x, p = self.tracker.confirmed_states()
        r, _ = truth.states(t)
        alive = np.flatnonzero(np.isfinite(r[:, 0]))
        obj = np.full(ids.size, -1)
        if ids.size and alive.size:
            g = self.gospa(r[alive], x[:, :3], ASSOCIATION_M).assignment
            obj[g[g >= 0]] = alive[g >= 0]
            self.note_tracked(obj[obj >= 0], t)
        return ids, x, p, obj


@dataclass(frozen=True)
class Shot:
    """Interceptors in flight: `shots` rounds of a weapon at an object (-1: a false track), due at t_intercept_s."""

    t_intercept_s: float
    obj: int
    track: int
    shots: int
    weapon: object
    layer: str
    battery: str
    sspk: float | None = None  # fixed kill probability (SBIs), else the weapon's against the object's class
    shooter: str = ""  # the battery, or the SBI's satellite


@dataclass(frozen=True)
class BattleReport:
    """A battle's outcome: the event log and its headline figures."""

    events: pd.DataFrame
    lethal: int
    leakers: int
    killed: int
    interceptors: dict  # layer -> rounds fired
    cost_musd: float
    wall_s: float
    warnings: list = field(default_factory=list)
    tracking: object = None  # the sensors' picture measured (goldendome.engine.tracking.TrackingReport; None: truth)

    def leakers_by_asset(self) -> pd.Series:
        ev = self.events
        return ev[ev.event == "leaker"].groupby("asset").size().sort_values(ascending=False)


def fight(world, seed: int | None = None, progress=None) -> BattleReport:
    """Fight the battle of a flown trial: its :class:`World` (built once, fought many times), or the
    :func:`goldendome.engine.trial.run_trial` result of a scenario with a ``defence`` (its world is built here).
    seed: the battle's random seed (default the scenario's)."""
    t_wall = time.perf_counter()
    result = world.run if isinstance(world, World) else world
    world = world if isinstance(world, World) else build_world(result)
    scn: Scenario = result.scenario
    d = scn.defence
    seed = scn.seed if seed is None else seed
    say = progress or (lambda what, frac: None)
    log = EventLog()
    warnings: list[str] = []
    truth = None if world is None else Truth(world)
    duration = scn.duration_min * 60.0
    specs = list(world.batteries) if world is not None else battery_specs(scn)
    assets = world.assets if world is not None else defended_assets(scn)
    if len(assets) == 0:
        warnings.append("no defended assets: the battle manager sees nothing worth defending and fires nothing")
    if not specs and not any(layer.sbi for layer in result.layers):
        warnings.append("no interceptors: no batteries and no SBI layer; every lethal object leaks")
    elif specs and all(b.inventory == 0 for b in specs):
        warnings.append("no interceptors left: every battery's inventory is 0; only the SBI layer (if any) fires")
    if truth is None:
        return BattleReport(log.frame(), 0, 0, 0, {}, 0.0, time.perf_counter() - t_wall, warnings)
    kill_rng = stream(seed, "kills")
    disc_rng = stream(seed, "discrimination")
    recognised = (truth.late_class == "decoy") & (disc_rng.random(truth.n) < d.discrimination.midcourse)
    picture = _picture(result, truth, seed)
    manager = BattleManager(
        specs,
        assets,
        scn.epoch,
        d.handover,
        d.assessment_s,
        d.engage_threshold,
        d.cost_weight,
        track_breaks=d.tracks == "sensors",
    )
    in_flight: list[Shot] = _sbi_shots(result, truth, log) if truth is not None else []
    landed = np.zeros(truth.n, bool)
    # per object, the weightiest reason it was not engaged (REASONS order; -1 none), with its time and track
    reason = np.full(truth.n, len(REASONS))
    reason_t, reason_track = np.zeros(truth.n), np.full(truth.n, -1)
    clock = np.arange(0.0, duration + 1e-9, d.decision_s)
    for step, t in enumerate(clock):
        t = float(t)
        if step % 50 == 0:
            say("battle", t / max(duration, 1.0))
        in_flight = resolve_intercepts(in_flight, t, truth, kill_rng, log)
        record_impacts(truth, landed, t, assets, log)
        picture.observe(t, truth, log)
        ids, x, p, obj = picture.tracks(t, truth)
        perceived, decoy_flag = discriminate(truth, obj, x, t, recognised, d.discrimination.atmospheric_filter_km)
        orders, notes = manager.decide(t, ids, x, p, perceived, decoy_flag)
        note_reasons(notes, ids, obj, t, reason, reason_t, reason_track)
        in_flight += launch(orders, ids, obj, specs, truth, log)
        if not in_flight and np.all((truth.t_end <= t) | (truth.killed_at <= t)):
            break  # everything is down or destroyed, nothing is in the air: the battle is over
    in_flight = resolve_intercepts(in_flight, np.inf, truth, kill_rng, log)
    record_impacts(truth, landed, duration, assets, log)
    for k in np.flatnonzero(truth.lethal & ~landed & np.isnan(truth.killed_at)):
        log.add(duration, "in_flight_at_end", truth.objects.names[k])
    fired_at = {r[2] for r in log.rows if r[1] == "launch"}
    for k in np.flatnonzero(reason < len(REASONS)):
        if truth.objects.names[k] not in fired_at:
            log.add(
                reason_t[k], "not_engaged", truth.objects.names[k], track=reason_track[k], detail=REASONS[reason[k]]
            )
    events = log.frame()
    launches = events[events.event == "launch"]
    by_layer = {
        ly: int(launches.shots[launches.layer == ly].sum()) for ly in ("boost", *LAYERS) if (launches.layer == ly).any()
    }
    say("battle done", 1.0)
    return BattleReport(
        events,
        int(truth.lethal.sum()),
        int((events.event == "leaker").sum()),
        int(((truth.killed_at <= duration) & truth.lethal).sum()),
        by_layer,
        float(launches.cost_musd.sum()),
        time.perf_counter() - t_wall,
        warnings,
        picture.report(truth.objects, truth.kinds),
    )


def _picture(result, truth: Truth, seed: int):
    scn = result.scenario
    if scn.defence.tracks == "truth":
        return TruthPicture(truth)
    duration = scn.duration_min * 60.0
    ir_layers = [
        layer for layer in result.layers if scn.tracking.space_layers and layer.role == "tracking" and layer.sensor
    ]
    infrared = [
        infrared_fixes(
            layer.constellation.name,
            truth.objects,
            layer.constellation,
            layer.sensor,
            duration,
            stream(seed, "infrared", k),
        )
        for k, layer in enumerate(ir_layers)
    ]
    return BattlePicture(
        scenario_sensors(scn.radars, infrared),
        truth,
        duration,
        stream(seed, "radar"),
        scn.tracking.false_alarms_per_look,
        gospa_c_m=scn.tracking.gospa_cutoff_km * 1e3,
        history=False,
        cache=truth.world.cache,
    )


def _sbi_shots(result, truth: Truth, log: EventLog) -> list[Shot]:
    """The boost-phase engagements: SBIs released at each engageable missile (at most salvo_matched at once)."""
    space = result.space
    scn = result.scenario
    arming = [layer for layer in result.layers if layer.sbi is not None]
    if space is None or not arming or result.flights is None:
        return []
    sbi = scn.defence.sbi
    flights = result.flights
    order = np.argsort(flights.t_launch_s + space.release_s)
    shots, engaged = [], 0
    for k in order:
        if not space.boost_intercept_possible[k] or engaged >= space.salvo_matched:
            continue
        engaged += 1
        n = int(min(sbi.shots, space.sbi_in_reach[k]))
        t_rel = float(flights.t_launch_s[k] + space.release_s[k])
        t_int = float(flights.t_launch_s[k] + space.sbi_first_intercept_s[k])
        shooter = space.sbi_first_shooter[k] if space.sbi_first_shooter else ""
        log.add(
            t_rel,
            "launch",
            truth.objects.names[k],
            layer="boost",
            battery=arming[0].constellation.name,
            shooter=shooter,
            weapon=arming[0].sbi.name,
            shots=n,
            t_intercept_s=t_int,
            cost_musd=n * sbi.unit_cost_musd,
            detail=f"intercept at {t_int:.0f} s",
        )
        shots.append(
            Shot(t_int, int(k), -1, n, arming[0].sbi, "boost", arming[0].constellation.name, sbi.sspk, shooter)
        )
    return shots


def resolve_intercepts(
    in_flight: list[Shot], t: float, truth: Truth, rng: np.random.Generator, log: EventLog
) -> list[Shot]:
    """Shots due by t meet their targets, in time order: each round kills with its kill probability against the
    object's class at that instant; a target already destroyed or down, or a false track, wastes the rounds."""
    due = sorted((s for s in in_flight if s.t_intercept_s <= t), key=lambda s: s.t_intercept_s)
    for s in due:
        name = truth.objects.names[s.obj] if s.obj >= 0 else ""
        common = dict(
            object=name,
            track=s.track,
            layer=s.layer,
            battery=s.battery,
            shooter=s.shooter,
            weapon=s.weapon.name,
            shots=s.shots,
            t_intercept_s=s.t_intercept_s,
        )
        if s.obj < 0:
            log.add(s.t_intercept_s, "miss", detail="false track: nothing there", **common)
            continue
        gone = truth.killed_at[s.obj] <= s.t_intercept_s or truth.t_end[s.obj] < s.t_intercept_s
        if gone:
            log.add(s.t_intercept_s, "wasted", detail="target already destroyed or down", **common)
            continue
        klass = str(truth.classes(s.t_intercept_s)[s.obj])
        if s.sspk is not None:
            p = s.sspk
        else:
            p = s.weapon.kill_probability(klass) or (s.weapon.kill_probability("rv") if klass == "decoy" else 0.0)
        hits = int(np.sum(rng.random(s.shots) < p))
        if hits:
            truth.kill(s.obj, s.t_intercept_s)
            what = "kill" if truth.lethal[s.obj] else "decoy_killed"
            log.add(s.t_intercept_s, what, detail=f"{klass}, p {p:.2f}, {hits} of {s.shots} hit", **common)
        else:
            log.add(s.t_intercept_s, "miss", detail=f"{klass}, p {p:.2f}", **common)
    return [s for s in in_flight if s.t_intercept_s > t]


def record_impacts(truth: Truth, landed: np.ndarray, t: float, assets: Assets, log: EventLog) -> None:
    """Objects whose flight ended on the ground by t: a lethal one not destroyed is a leaker, over the defended
    asset it falls in (or open ground)."""
    new = np.flatnonzero(~landed & truth.impacts & (truth.t_end <= t) & ~(truth.killed_at <= truth.t_end))
    landed[new] = True
    if new.size == 0:
        return
    if len(assets):
        near, dist = assets.nearest(truth.end_lat[new], truth.end_lon[new])
    for j, k in enumerate(new):
        if not truth.lethal[k]:
            log.add(truth.t_end[k], "impact", truth.objects.names[k], detail="decoy")
            continue
        inside = len(assets) and dist[j] <= assets.radius_m[near[j]]
        asset = assets.names[near[j]] if inside else "open ground"
        value = float(assets.value[near[j]]) if inside else 0.0
        lat, lon = np.degrees(truth.end_lat[k]), np.degrees(truth.end_lon[k])
        log.add(
            truth.t_end[k],
            "leaker",
            truth.objects.names[k],
            value=value,
            asset=asset,
            lat_deg=lat,
            lon_deg=lon,
            detail=f"{lat:.2f}, {lon:.2f}",
        )


def discriminate(truth: Truth, obj, x, t: float, recognised, filter_km: float):
    """What the battle manager believes each track is: the class of the object it follows (a booster in boost is
    'boost', which no ground layer engages), except that a decoy looks like an RV unless it was recognised in
    midcourse or has fallen below the height where the air strips it away. A false track looks like an RV."""
    obj = np.asarray(obj, int)
    boosting = truth.boosting(t)
    classes = truth.classes(t, boosting)
    perceived = np.array(["rv"] * obj.size, dtype=object)
    flag = np.zeros(obj.size, bool)
    if obj.size == 0:
        return perceived, flag
    real = obj >= 0
    perceived[real] = classes[obj[real]]
    perceived[real & boosting[np.maximum(obj, 0)]] = "boost"
    r = np.linalg.norm(np.asarray(x)[:, :3], axis=1)
    low = r - R_EARTH_MEAN_M < filter_km * 1e3
    decoy = real & (truth.late_class[np.maximum(obj, 0)] == "decoy")
    flag = decoy & (recognised[np.maximum(obj, 0)] | low)
    perceived[decoy & ~flag] = "rv"
    return perceived, flag


def rows_of(ids, wanted) -> np.ndarray:
    """Rows of the track ids `wanted` in the picture's ids (each present, ids unique)."""
    ids = np.asarray(ids)
    order = np.argsort(ids, kind="stable")
    return order[np.searchsorted(ids, np.asarray(wanted, int), sorter=order)]


def note_reasons(notes: Notes, ids, obj, t: float, reason, reason_t, reason_track) -> None:
    """Keep, per object, the weightiest reason any of its tracks was not engaged (the lowest index into REASONS; among
    equals the latest note), with the time and track of that note."""
    if notes.track.size == 0:
        return
    k = np.asarray(obj)[rows_of(ids, notes.track)]
    real = k >= 0
    k, why, track = k[real], notes.reason[real], notes.track[real]
    if k.size == 0:
        return
    best = np.full(reason.size, len(REASONS))
    np.minimum.at(best, k, why)
    win = why == best[k]
    # the last note of the weightiest reason, per object (notes are processed in order: a later equal one replaces)
    last = np.zeros(reason.size, int) - 1
    last[k[win]] = np.flatnonzero(win)  # fancy assignment keeps the last of repeated indices
    hit = np.unique(k[win])
    j = last[hit]
    take = why[j] <= reason[hit]
    hit, j = hit[take], j[take]
    reason[hit], reason_t[hit], reason_track[hit] = why[j], t, track[j]


def launch(orders: list[Order], ids, obj, specs: list[BatterySpec], truth: Truth, log: EventLog) -> list[Shot]:
    """Orders become interceptors in flight, homing on the object each track follows."""
    out = []
    rows = rows_of(ids, [o.track_id for o in orders])
    for o, row in zip(orders, rows, strict=True):
        k = int(obj[row])
        b = specs[o.battery]
        name = truth.objects.names[k] if k >= 0 else ""
        log.add(
            o.t_launch_s,
            "launch",
            name,
            track=o.track_id,
            layer=b.layer,
            battery=b.name,
            shooter=b.name,
            weapon=b.weapon.name,
            shots=o.shots,
            t_intercept_s=o.t_intercept_s,
            cost_musd=o.shots * b.weapon.round_cost_musd,
            value=o.value,
            asset=o.asset,
            detail=f"intercept at {o.t_intercept_s:.0f} s",
        )
        out.append(Shot(o.t_intercept_s, k, o.track_id, o.shots, b.weapon, b.layer, b.name, shooter=b.name))
    return out
