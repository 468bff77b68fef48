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

import numba
import numpy as np
import yaml

from goldendome.lookup import entry
from goldendome.threats.missile import threat_class


class Layer(StrEnum):
    """The defence layers of ground, sea and air interceptors, from the first to get a shot (the highest,
    longest-range) to the last: the battle manager's hand-over order."""

    MIDCOURSE = "midcourse"
    UPPER = "upper"
    LOWER = "lower"
    CMD = "cmd"  # cruise-missile defence
    SHORT_RANGE = "short_range"


PRICE_SOURCE = "Price"
"""How the source lines of an interceptor's prices begin in the catalogue (the cost presets quote these lines)."""


@dataclass(frozen=True)
class Interceptor:
    """An interceptor type: layer, burnout speed (m/s), burn time (s), altitude band and range (m), prices,
    single-shot kill probability by threat class, rounds per launcher and reload time (s), and the sources of every
    number.

    Two prices, US$ millions of ``dollars_year``, for two questions. ``round_cost_musd`` is one round expended in an
    engagement, the missile's recurring flyaway price: what the battle charges per shot. ``programme_unit_cost_musd``
    is a programme's average, its procurement total over the rounds it buys: what a lifecycle cost study's
    interceptor preset reads. A shot consumes only the round, while a programme also buys the launchers, ground
    hardware and support that fire and sustain it, so where a source gives both the average is the higher (PAC-3
    MSE: $4.1M a round, $4.97M a programme unit); where one public figure is all there is, both are that figure.
    """

    name: str
    description: str
    layer: str
    burnout_speed_mps: float
    burn_time_s: float
    min_altitude_m: float
    max_altitude_m: float
    max_range_m: float
    round_cost_musd: float
    programme_unit_cost_musd: float
    dollars_year: int
    sspk: dict
    rounds_per_launcher: int = 1
    reload_s: float = 0.0
    sources: tuple[str, ...] = field(default=())

    @property
    def price_sources(self) -> tuple[str, ...]:
        """The sources of the prices: the lines of ``sources`` that begin "Price" (every catalogue entry has one)."""
        return tuple(s for s in self.sources if s.startswith(PRICE_SOURCE))

    def kill_probability(self, threat_class: str) -> float:
        """Single-shot kill probability against a threat class (0 for a class this weapon does not engage)."""
        return float(self.sspk.get(threat_class, 0.0))

    def fly_out_time_s(self, distance_m):
        """Time (s) to reach points at distance_m (uniform acceleration, then coast at burnout speed), wherever they
        lie: :func:`fly_out_time_scalar` over arrays."""
        d = np.asarray(distance_m, float)
        return _fly_out_times(d.ravel(), self.burnout_speed_mps, self.burn_time_s).reshape(d.shape)


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
            round_cost_musd=float(d["round_cost_musd"]),
            programme_unit_cost_musd=float(d["programme_unit_cost_musd"]),
            dollars_year=int(d["dollars_year"]),
            sspk=sspk,
            rounds_per_launcher=int(d.get("rounds_per_launcher", 1)),
            reload_s=float(d.get("reload_s", 0.0)),
            sources=tuple(d.get("sources", ())),
        )
        if not out[name].price_sources:
            raise ValueError(f"{who}: no source for its prices; add a line to its sources that begins {PRICE_SOURCE!r}")
    return out


def interceptor(name: str) -> Interceptor:
    """An interceptor of the catalogue; KeyError lists the names there are."""
    return entry(load_interceptors(), name, "interceptor")


@numba.njit(cache=True, inline="always")
def fly_out_time_scalar(distance_m, burnout_speed_mps, burn_time_s):  # pragma: no cover - compiled
    """Time (s) to reach a point distance_m away: uniform acceleration to the burnout speed (m/s) over the burn time
    (s), then coast (the module docstring's t(d)). Compiled, inlined into its callers' kernels."""
    if distance_m <= 0.5 * burnout_speed_mps * burn_time_s:
        return np.sqrt(2.0 * distance_m * burn_time_s / burnout_speed_mps)
    return 0.5 * burn_time_s + distance_m / burnout_speed_mps


@numba.njit(cache=True, inline="always")
def reach_time_scalar(
    distance_m, altitude_m, min_altitude_m, max_altitude_m, max_range_m, burnout_speed_mps, burn_time_s
):  # pragma: no cover - compiled
    """The reach test of one point: the fly-out time (s) to a point distance_m from the site at altitude_m when it
    lies inside the envelope (altitude band, range; m), NaN outside. A launch at t_launch reaches the point at time t
    when t >= t_launch + this (never for NaN). Written once: :func:`engageable` runs it over arrays and the battle
    manager's kernel (:mod:`goldendome.c2.manager`) inlines it."""
    if altitude_m >= min_altitude_m and altitude_m <= max_altitude_m and distance_m <= max_range_m:
        return fly_out_time_scalar(distance_m, burnout_speed_mps, burn_time_s)
    return np.nan


@numba.njit(cache=True)
def _fly_out_times(d, v, tb):  # pragma: no cover - compiled
    out = np.empty(d.size)
    for j in range(d.size):
        out[j] = fly_out_time_scalar(d[j], v, tb)
    return out


@numba.njit(cache=True)
def _reach_times(d, alt, lo, hi, max_range, v, tb):  # pragma: no cover - compiled
    out = np.empty(d.size)
    for j in range(d.size):
        out[j] = reach_time_scalar(d[j], alt[j], lo, hi, max_range, v, tb)
    return out


def engageable(weapon: Interceptor, t_launch_s, t_s, distance_m, altitude_m):
    """The engagement rule: which target points an interceptor launched at t_launch_s reaches in time.

    A point at time t_s, distance_m from the launch site and altitude_m is engageable when it lies inside the
    weapon's altitude band and range and the fly-out gets there by then, t_launch + t(d) <= t
    (:func:`reach_time_scalar`). Arrays broadcast (t_launch_s scalar or per row). Returns (engageable (bool),
    fly-out time to each point, s, NaN outside the envelope)."""
    w = weapon
    d, alt = np.broadcast_arrays(np.asarray(distance_m, float), np.asarray(altitude_m, float))
    tf = _reach_times(
        d.ravel(), alt.ravel(), w.min_altitude_m, w.max_altitude_m, w.max_range_m, w.burnout_speed_mps, w.burn_time_s
    ).reshape(d.shape)
    return np.asarray(t_s, float) >= t_launch_s + tf, tf


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
