"""Space-based interceptors (SBIs): how far an interceptor stored in orbit can reach before a booster burns out.

An SBI rides a carrier in low orbit. When a launch is detected and the battle manager commits (after a detection
latency and a decision delay), the SBI is released with its carrier's orbital velocity and fires its rocket. Relative
to where it would have drifted unpowered (its carrier's orbit), a burn in a fixed direction with constant
acceleration a moves it

    D(tau) = a tau^2 / 2                  tau <= t_b = dv / a
    D(tau) = dv (tau - t_b / 2)           tau >  t_b

after tau seconds (APS Study Group on Boost-Phase Intercept, 2003, ch. 11; Wilkening, Science & Global Security
12, 2004: the "reach sphere" of radius D about the free-drift point). The booster is reachable at time t if the
distance between it and the SBI's free-drift position is at most D(t - t_release); the earliest such t before the
cut-off (burnout, or an earlier time such as warhead release) is the intercept time. The sphere neglects the gravity
gradient across the reach (a few per cent over ~200 s in LEO): :func:`fly_out_miss` integrates the interceptor
directly to check it.

Vectorised over SBIs x boosters x sample times in one compiled kernel, with a cheap distance prune first, so that a
10,000-SBI constellation over a day of launch times costs seconds.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numba
import numpy as np
import yaml

from goldendome.lookup import entry
from goldendome.physics.compiled import sized_kernel
from goldendome.physics.constants import G0_M_S2
from goldendome.physics.gravity import accel_gravity
from goldendome.physics.integrate import rk4_step


@numba.njit(cache=True, inline="always")
def reach_sphere_radius_m(tau_s, accel_mps2, delta_v_mps):  # pragma: no cover - compiled
    """Radius (m) of the reach sphere tau_s >= 0 seconds after release: a tau^2 / 2 while the burn lasts
    (t_b = dv / a), dv (tau - t_b / 2) after it (APS 2003, ch. 11). The reach law written once: the compiled
    earliest-intercept kernel calls it per sample, :meth:`SBIDesign.reach_m` over arrays."""
    tb = delta_v_mps / accel_mps2
    return 0.5 * accel_mps2 * tau_s * tau_s if tau_s <= tb else delta_v_mps * (tau_s - 0.5 * tb)


@numba.njit(cache=True)
def _reach_many(tau_s, accel_mps2, delta_v_mps):  # pragma: no cover - compiled
    """reach_sphere_radius_m at each of the times tau_s (n,) >= 0, (n,) m."""
    out = np.empty(tau_s.shape[0])
    for i in range(tau_s.shape[0]):
        out[i] = reach_sphere_radius_m(tau_s[i], accel_mps2, delta_v_mps)
    return out


@dataclass(frozen=True)
class SBIDesign:
    """An interceptor: velocity change, average acceleration, kill-vehicle divert, and mass in orbit.

    delta_v_mps : total velocity change of the SBI's boost stage(s), m/s.
    accel_mps2 : average acceleration during the burn, m/s^2 (burn time = delta_v / accel).
    divert_mps : the kill vehicle's own divert for the end-game (not part of the reach), m/s.
    mass_kg : SBI mass in orbit (with its share of the carrier), kg.
    """

    name: str
    delta_v_mps: float
    accel_mps2: float
    divert_mps: float = 0.0
    mass_kg: float = float("nan")
    description: str = ""
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if not (self.delta_v_mps > 0 and self.accel_mps2 > 0):
            raise ValueError(f"SBI {self.name!r}: delta_v_mps and accel_mps2 must be positive")

    @property
    def burn_time_s(self) -> float:
        return self.delta_v_mps / self.accel_mps2

    def reach_m(self, tau_s):
        """Distance (m) the SBI can put between itself and its free-drift point tau s after release (0 before):
        :func:`reach_sphere_radius_m` over an array of any shape."""
        tau = np.maximum(np.asarray(tau_s, float), 0.0)
        return _reach_many(tau.ravel(), float(self.accel_mps2), float(self.delta_v_mps)).reshape(tau.shape)

    def time_to_reach_s(self, distance_m):
        """Inverse of reach_m: the time after release at which distance d is first reachable."""
        d = np.maximum(np.asarray(distance_m, float), 0.0)
        tb = self.burn_time_s
        d_b = 0.5 * self.accel_mps2 * tb * tb
        return np.where(d <= d_b, np.sqrt(2.0 * d / self.accel_mps2), d / self.delta_v_mps + 0.5 * tb)


@dataclass(frozen=True)
class Timeline:
    """The engagement timeline after a launch, s.

    detect_s : detection and track-formation latency after launch (or the sensor layer's first-detection time).
    decide_s : decision and commit delay after detection; the SBI is released at detect + decide.
    cutoff_before_burnout_s : the intercept must happen this long before the booster's burnout (0: at burnout).
    """

    detect_s: float = 60.0
    decide_s: float = 30.0
    cutoff_before_burnout_s: float = 0.0

    @property
    def release_s(self) -> float:
        return self.detect_s + self.decide_s


@cache
def load_sbi_catalogue() -> dict[str, SBIDesign]:
    """SBI designs shipped in ``effectors/data/sbi.yaml``, each with its sources."""
    text = resources.files("goldendome.effectors").joinpath("data/sbi.yaml").read_text()
    raw = yaml.safe_load(text)["sbi"]
    out = {}
    for name, d in raw.items():
        accel = float(d["accel_g"]) * G0_M_S2 if "accel_g" in d else float(d["delta_v_mps"]) / float(d["burn_time_s"])
        out[name] = SBIDesign(
            name=name,
            delta_v_mps=float(d["delta_v_mps"]),
            accel_mps2=accel,
            divert_mps=float(d.get("divert_mps", 0)),
            mass_kg=float(d.get("mass_kg", "nan")),
            description=d.get("description", ""),
            sources=tuple(d.get("sources", ())),
        )
    return out


def sbi_design(name: str) -> SBIDesign:
    """An SBI design of the catalogue; KeyError lists the names there are."""
    return entry(load_sbi_catalogue(), name, "SBI design")


PARALLEL_TRIPLES = 256
"""(SBI, salvo, booster) triples from which the earliest-intercept search runs on all cores."""


@sized_kernel(PARALLEL_TRIPLES)
def _earliest_kernel(
    sbi_r, trip_sbi, trip_group, trip_booster, booster_r, booster_v, tau, t_rel, t_cut, accel, dv, t_int, v_close
):  # pragma: no cover
    """One (SBI, salvo, booster) triple per parallel iteration.

    sbi_r (K, C, 3): free-drift positions of C SBIs at the sample times tau (K,) after their salvo's epoch;
    booster_r/v (G, B, K, 3) ECI for G salvos (launch times). Triple i tests SBI trip_sbi[i] against booster
    trip_booster[i] of salvo trip_group[i]. Writes t_int (T,): earliest reachable time (NaN if none) and
    v_close (T,): closing speed there.
    """
    n_k = sbi_r.shape[0]
    for i in numba.prange(trip_sbi.shape[0]):
        c, g, b = trip_sbi[i], trip_group[i], trip_booster[i]
        t_int[i] = np.nan
        v_close[i] = np.nan
        prev_f = np.nan
        for k in range(n_k):
            t = tau[k]
            if t < t_rel[b] or t > t_cut[b] or np.isnan(booster_r[g, b, k, 0]):
                prev_f = np.nan
                continue
            dx = booster_r[g, b, k, 0] - sbi_r[k, c, 0]
            dy = booster_r[g, b, k, 1] - sbi_r[k, c, 1]
            dz = booster_r[g, b, k, 2] - sbi_r[k, c, 2]
            dist = np.sqrt(dx * dx + dy * dy + dz * dz)
            f = dist - reach_sphere_radius_m(t - t_rel[b], accel, dv)
            if f <= 0.0:
                # first sample inside the reach: interpolate the crossing with the previous sample
                if not np.isnan(prev_f) and k > 0:
                    t_hit = tau[k - 1] + prev_f / (prev_f - f) * (t - tau[k - 1])
                else:
                    t_hit = t
                t_int[i] = t_hit
                # SBI velocity: carrier's orbital velocity (finite difference) plus its burn along the LOS
                km = max(k - 1, 0)
                kp = min(k + 1, n_k - 1)
                h = tau[kp] - tau[km]
                vx = (sbi_r[kp, c, 0] - sbi_r[km, c, 0]) / h
                vy = (sbi_r[kp, c, 1] - sbi_r[km, c, 1]) / h
                vz = (sbi_r[kp, c, 2] - sbi_r[km, c, 2]) / h
                dvu = min(accel * (t_hit - t_rel[b]), dv) / max(dist, 1e-9)
                ux = booster_v[g, b, k, 0] - (vx + dvu * dx)
                uy = booster_v[g, b, k, 1] - (vy + dvu * dy)
                uz = booster_v[g, b, k, 2] - (vz + dvu * dz)
                v_close[i] = np.sqrt(ux * ux + uy * uy + uz * uz)
                break
            prev_f = f


def earliest_intercept_triples(
    sbi_r_eci,
    trip_sbi,
    trip_group,
    trip_booster,
    booster_r_eci,
    booster_v_eci,
    tau_s,
    release_s,
    cutoff_s,
    design: SBIDesign,
):
    """Earliest intercept for listed (SBI, salvo, booster) triples; see :func:`earliest_intercept` for the arrays.

    Returns (t_int (T,), v_close (T,)), NaN where that booster is out of that SBI's reach before its cut-off.
    """
    n = np.asarray(trip_sbi).shape[0]
    b = booster_r_eci.shape[1]
    t_int = np.empty(n)
    v_close = np.empty(n)
    f = np.ascontiguousarray
    _earliest_kernel(
        n,
        f(sbi_r_eci, float),
        f(trip_sbi, np.int64),
        f(trip_group, np.int64),
        f(trip_booster, np.int64),
        f(booster_r_eci, float),
        f(booster_v_eci, float),
        f(tau_s, float),
        f(np.broadcast_to(release_s, (b,)), float),
        f(np.broadcast_to(cutoff_s, (b,)), float),
        float(design.accel_mps2),
        float(design.delta_v_mps),
        t_int,
        v_close,
    )
    return t_int, v_close


def earliest_intercept(sbi_r_eci, booster_r_eci, booster_v_eci, tau_s, release_s, cutoff_s, design: SBIDesign):
    """Earliest reachable intercept time of every SBI on every booster, and the closing speed there.

    sbi_r_eci : (K, C, 3) free-drift positions of C SBIs at the K sample times tau_s (s after the salvo epoch).
    booster_r_eci, booster_v_eci : (B, K, 3) boosters at the same times (NaN outside their flight).
    release_s, cutoff_s : (B,) release and cut-off times of each booster's engagement, same clock.
    Returns (t_int (C, B), v_close (C, B)); NaN where the booster is out of reach before its cut-off.
    """
    br, bv = np.asarray(booster_r_eci, float)[None], np.asarray(booster_v_eci, float)[None]
    c, b = sbi_r_eci.shape[1], br.shape[1]
    sat, boo = np.meshgrid(np.arange(c), np.arange(b), indexing="ij")
    t, v = earliest_intercept_triples(
        sbi_r_eci, sat.ravel(), np.zeros(c * b, np.int64), boo.ravel(), br, bv, tau_s, release_s, cutoff_s, design
    )
    return t.reshape(c, b), v.reshape(c, b)


def fly_out_miss(r0, v0, target_r, t_go_s, design: SBIDesign, dt_s: float = 0.5, iterations: int = 8):
    """Direct numerical check of the reach: the closest a full burn gets to a target point after t_go.

    Integrates each interceptor (point mass + J2 gravity; constant acceleration along a fixed inertial direction
    for the burn time, then coasting) from release state (r0, v0) (N, 3) for t_go (N,) seconds, and adjusts the burn
    direction by Newton iterations on the miss vector (finite differences) to point the burn where gravity makes it
    land nearest to target_r (N, 3). Returns the remaining miss distance (N,), m: ~0 when the target lies inside the
    reach at t_go, (distance - reach) when it lies outside.
    """
    r0, v0, target_r = (np.atleast_2d(np.asarray(x, float)) for x in (r0, v0, target_r))
    t_go = np.broadcast_to(np.asarray(t_go_s, float), (r0.shape[0],)).copy()
    t_burn = np.minimum(design.burn_time_s, t_go)

    def segment(r, v, duration, thrust):
        """RK4 over a per-row duration with constant thrust acceleration (N, 3); steps of at most dt_s."""
        n_steps = int(np.ceil(duration.max() / dt_s)) if duration.size else 0
        hh = duration / max(n_steps, 1)
        y, t = np.hstack([r, v]), np.zeros_like(hh)  # autonomous: the clock is only carried along
        for _ in range(n_steps):
            y = rk4_step(lambda _t, yk: np.hstack([yk[:, 3:], accel_gravity(yk[:, :3]) + thrust]), t, y, hh)
        return y[:, :3], y[:, 3:]

    def fly(direction):
        # burn then coast, each its own segment, so burnout falls on a step boundary
        r, v = segment(r0, v0, t_burn, design.accel_mps2 * direction)
        r, _ = segment(r, v, t_go - t_burn, 0.0)
        return r

    # unpowered drift, then aim along the line from the drift point to the target and correct for gravity
    drift = fly(np.zeros_like(r0))
    u = target_r - drift
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    for _ in range(iterations):
        miss = fly(u) - target_r
        # a change du of the burn direction moves the end point by ~ reach * du: project the miss off u
        reach = design.reach_m(t_go)[:, None]
        along = np.sum(miss * u, axis=1, keepdims=True)
        du = -(miss - along * u) / reach
        u = u + du
        u /= np.linalg.norm(u, axis=1, keepdims=True)
    return np.linalg.norm(fly(u) - target_r, axis=1)
