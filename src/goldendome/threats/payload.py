"""Post-boost payloads: a bus that releases several re-entry vehicles (MIRVs) and decoys after burnout.

After burnout the post-boost vehicle ("bus") coasts and releases its objects one after another, each with a small
separation velocity (metres per second), so that they spread over kilometres by the end of midcourse. In vacuum
every object follows the same gravity whatever its mass: a light balloon or replica decoy flies with the warhead
and cannot be told apart by its motion (the midcourse discrimination problem; APS 2003 and NRC 2012 discuss it;
Sessler et al., *Countermeasures*, UCS/MIT 2000). Only in the atmosphere does drag sort them by ballistic
coefficient beta = m / (Cd A): a light decoy decelerates high up, where a heavy RV still flies undisturbed. For a
steep entry into an exponential atmosphere the deceleration peaks at

    h* = H ln(rho0 H / (beta sin gamma))        (Allen & Eggers, NACA Report 1381, 1958)

so each factor of e in beta moves that "sorting" altitude by one scale height (~7 km).

:func:`dispense` turns flown missiles into their released objects, each a coasting body integrated by the same
compiled flight kernel (J2 gravity, drag in the turning US76 air), returned as one :class:`Trajectory`.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial

import numpy as np

from goldendome.physics.timescale import gmst_at
from goldendome.threats.ballistic import FlightSummary, resample_to_clock
from goldendome.threats.flight import coast_plan, fly
from goldendome.threats.trajectory import Trajectory

RV, DECOY = "rv", "decoy"


@dataclass(frozen=True)
class BusSpec:
    """What a missile's bus releases after burnout.

    rvs : number of re-entry vehicles (the first one stays on the missile's own aimed path).
    decoys : number of decoys released after the RVs.
    rv_beta_kg_m2 : RV ballistic coefficient (None: the missile design's).
    decoy_beta_kg_m2 : decoy ballistic coefficient; light replicas ~100-1,000 kg/m^2, balloons ~1-10 kg/m^2
        (orders of magnitude, unverified; swept by the user).
    release_interval_s : time between releases, s, starting at burnout.
    separation_mps : separation speed of each release, m/s, perpendicular to the flight (spread around it).
    """

    rvs: int = 1
    decoys: int = 0
    rv_beta_kg_m2: float | None = None
    decoy_beta_kg_m2: float = 300.0
    release_interval_s: float = 10.0
    separation_mps: float = 5.0


@dataclass(frozen=True)
class Payloads:
    """Released objects: their trajectory and, per object, parent missile, kind ('rv'/'decoy') and beta."""

    trajectory: Trajectory
    parent: tuple[str, ...]
    kind: tuple[str, ...]
    beta_kg_m2: np.ndarray
    release_s: np.ndarray
    impact_s: np.ndarray


def dispense(
    traj: Trajectory,
    flights: FlightSummary,
    buses: list[BusSpec | None],
    epoch: dt.datetime,
    rv_beta_kg_m2,
    sample_dt_s: float = 1.0,
) -> Payloads | None:
    """The extra objects (RVs beyond the first, and decoys) released by each missile's bus.

    buses : one spec per flown missile (None or a spec with 1 RV and no decoys: nothing extra).
    rv_beta_kg_m2 : (N,) the missiles' own RV ballistic coefficients (used where the spec gives none).
    Release k happens at burnout + k x interval from the missile's own (coasting) state, with the separation speed
    in the plane perpendicular to the velocity at angle 2 pi k / n_released (a deterministic, symmetric spread).
    """
    starts, states, betas, parents, kinds = [], [], [], [], []
    for m, bus in enumerate(buses):
        if bus is None or (bus.rvs <= 1 and bus.decoys == 0):
            continue
        extra = [RV] * (bus.rvs - 1) + [DECOY] * bus.decoys
        for j, kind in enumerate(extra, start=1):
            t_rel = flights.t_launch_s[m] + flights.burnout_time_s[m] + j * bus.release_interval_s
            r, v = traj.states_at(t_rel)
            r, v = r[m], v[m]
            if not np.all(np.isfinite(r)):
                continue  # the missile is down before this release
            u = v / np.linalg.norm(v)
            a = np.cross(u, r / np.linalg.norm(r))
            a /= np.linalg.norm(a)
            b = np.cross(u, a)
            angle = 2.0 * np.pi * j / len(extra)
            dv = bus.separation_mps * (np.cos(angle) * a + np.sin(angle) * b)
            starts.append(t_rel)
            states.append(np.concatenate([r, v + dv]))
            beta = bus.decoy_beta_kg_m2 if kind == DECOY else (bus.rv_beta_kg_m2 or float(rv_beta_kg_m2[m]))
            betas.append(beta)
            parents.append(flights.names[m])
            kinds.append(kind)
    if not starts:
        return None
    plan = coast_plan(np.array(starts), np.array(betas))
    rec = fly(plan, partial(gmst_at, epoch), until="impact", record=True, y0_eci=np.array(states))
    out_id, out_t, r, v, phase = resample_to_clock(rec, plan, plan.n, sample_dt_s)
    counts = {}
    names = []
    for p, kind in zip(parents, kinds, strict=True):
        counts[(p, kind)] = counts.get((p, kind), 1 if kind == RV else 0) + 1
        names.append(f"{p}/{'RV' if kind == RV else 'D'}{counts[(p, kind)]}")
    phase = np.where(phase == 0, 1, phase).astype(np.int8)  # released objects never thrust: midcourse/terminal
    trajectory = Trajectory(object_id=out_id, t_s=out_t, r_eci_m=r, v_eci_mps=v, phase=phase, names=tuple(names))
    return Payloads(
        trajectory, tuple(parents), tuple(kinds), np.array(betas), np.array(starts), plan.t_launch + rec.end_tau
    )
