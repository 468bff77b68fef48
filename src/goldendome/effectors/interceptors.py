"""Ground- and sea-based interceptors: a catalogue by layer, and their fly-out kinematics and predicted intercept
points against a target's trajectory.

Fly-out model (the average-speed envelope of public engagement analyses, e.g. Wilkening, Science & Global Security
8, 2000): the interceptor accelerates uniformly to its burnout speed v over its burn time t_b, then coasts at v,
so the time to reach a point at distance d is

    t(d) = sqrt(2 d t_b / v)        for d <= v t_b / 2 (still burning)
    t(d) = t_b / 2 + d / v          beyond

(gravity and drag left out: a fly-out envelope, not a trajectory). A target is engageable at time T if an
interceptor launched at t_launch reaches its position by then, t_launch + t(d(T)) <= T, with T's point inside the
layer's altitude band and range; the predicted intercept point is the earliest such T.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

import numpy as np
import yaml

from goldendome.threats.missile import threat_class


class Layer(StrEnum):
    """The defence layers of ground, sea and air interceptors, from the first to get a shot (the highest,
    longest-range) to the last: the battle manager's hand-over order."""

    MIDCOURSE = "midcourse"
    UPPER = "upper"
    LOWER = "lower"
    CMD = "cmd"  # cruise-missile defence
    SHORT_RANGE = "short_range"


@dataclass(frozen=True)
class Interceptor:
    """An interceptor type: layer, burnout speed (m/s), burn time (s), altitude band and range (m), unit cost (US$
    millions), single-shot kill probability by threat class, rounds per launcher and reload time (s), and the
    sources of every number."""

    name: str
    description: str
    layer: str
    burnout_speed_mps: float
    burn_time_s: float
    min_altitude_m: float
    max_altitude_m: float
    max_range_m: float
    unit_cost_musd: float
    sspk: dict
    rounds_per_launcher: int = 1
    reload_s: float = 0.0
    sources: tuple[str, ...] = field(default=())

    def kill_probability(self, threat_class: str) -> float:
        """Single-shot kill probability against a threat class (0 for a class this weapon does not engage)."""
        return float(self.sspk.get(threat_class, 0.0))

    def fly_out_time_s(self, distance_m):
        """Time (s) to reach points at distance_m (uniform acceleration, then coast at burnout speed)."""
        d = np.asarray(distance_m, float)
        v, tb = self.burnout_speed_mps, self.burn_time_s
        boost_reach = 0.5 * v * tb
        return np.where(d <= boost_reach, np.sqrt(2.0 * d * tb / v), 0.5 * tb + d / v)


@cache
def load_interceptors() -> dict[str, Interceptor]:
    """The shipped interceptor catalogue, by name."""
    text = resources.files("goldendome.effectors").joinpath("data/interceptors.yaml").read_text()
    out = {}
    for name, d in yaml.safe_load(text)["interceptors"].items():
        who = f"interceptor catalogue entry {name!r}"
        if d.get("layer") not in set(Layer):
            raise ValueError(
                f"{who}: layer {d.get('layer')!r} is not a layer; the layers are {', '.join(ly.value for ly in Layer)}"
            )
        sspk = {threat_class(k, f"{who}, sspk"): float(v) for k, v in d["sspk"].items()}
        out[name] = Interceptor(
            name=name,
            description=d["description"],
            layer=Layer(d["layer"]),
            burnout_speed_mps=float(d["burnout_speed_mps"]),
            burn_time_s=float(d["burn_time_s"]),
            min_altitude_m=float(d["min_altitude_km"]) * 1e3,
            max_altitude_m=float(d["max_altitude_km"]) * 1e3,
            max_range_m=float(d["max_range_km"]) * 1e3,
            unit_cost_musd=float(d["unit_cost_musd"]),
            sspk=sspk,
            rounds_per_launcher=int(d.get("rounds_per_launcher", 1)),
            reload_s=float(d.get("reload_s", 0.0)),
            sources=tuple(d.get("sources", ())),
        )
    return out


def interceptor(name: str) -> Interceptor:
    """An interceptor of the catalogue; KeyError lists the names there are."""
    cat = load_interceptors()
    if name not in cat:
        raise KeyError(f"unknown interceptor {name!r}; the catalogue has: {', '.join(sorted(cat))}")
    return cat[name]


def engageable(weapon: Interceptor, t_launch_s, t_s, distance_m, altitude_m):
    """The engagement rule: which target points an interceptor launched at t_launch_s reaches in time.

    A point at time t_s, distance_m from the launch site and altitude_m is engageable when the fly-out gets there by
    then, t_launch + t(d) <= t, and the point lies inside the weapon's altitude band and range. Arrays broadcast
    (t_launch_s scalar or per row). Returns (engageable (bool), fly-out time to each point, s)."""
    d = np.asarray(distance_m, float)
    alt = np.asarray(altitude_m, float)
    tf = weapon.fly_out_time_s(d)
    ok = (np.asarray(t_s, float) >= t_launch_s + tf) & (alt >= weapon.min_altitude_m) & (alt <= weapon.max_altitude_m)
    return ok & (d <= weapon.max_range_m), tf


def predicted_intercept(weapon: Interceptor, site_ecef, t_launch_s: float, t_s, target_ecef, target_alt_m):
    """Earliest intercept of a target sampled at times t_s (K,), positions target_ecef (K, 3) (a common Earth-fixed
    frame with the site) and altitudes target_alt_m (K,), by one interceptor launched from site_ecef at t_launch_s.

    Returns (index of the intercept sample or -1, intercept time s or NaN, fly-out time s or NaN)."""
    t = np.asarray(t_s, float)
    d = np.linalg.norm(np.asarray(target_ecef, float) - np.asarray(site_ecef, float), axis=1)
    ok, tf = engageable(weapon, t_launch_s, t, d, target_alt_m)
    if not ok.any():
        return -1, float("nan"), float("nan")
    k = int(np.argmax(ok))
    return k, float(t[k]), float(tf[k])
