"""Benchmark: 1,000 ICBM trajectories in one compiled, parallel integration vs a per-missile scipy loop.

Launches: N ICBMs (half solid, half liquid) from random sites in north-east Asia at random aim points 6,000-9,500 km
away. Targeting (azimuth, pitch, cut-off) is solved once; then the timed work is what every trial repeats:
integrating all N flights (powered, coast, re-entry, J2 + drag) and sampling them at 1 s. The baseline integrates
the same free flights (burnout state to impact, same forces) one missile at a time with scipy.integrate.solve_ivp
(RK45, rtol 1e-9), timed on a subset and scaled to N; both impact points are compared.

Usage: python bench/bench_threats.py [--missiles 1000] [--loop 20]
"""

import argparse
import datetime as dt
import time
from functools import partial

import numpy as np
from scipy.integrate import solve_ivp

from _timing import best_of
from goldendome.physics.atmosphere import density_us76
from goldendome.physics.constants import OMEGA_EARTH_RAD_S, R_EARTH_MEAN_M
from goldendome.physics.frames import geodetic_height_m
from goldendome.physics.gravity import accel_gravity
from goldendome.physics.greatcircle import destination
from goldendome.physics.timescale import gmst_at
from goldendome.threats import guidance
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic, resample_to_clock
from goldendome.threats.flight import fly
from goldendome.threats.missile import design

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
W = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])


def launches(n: int, seed: int = 1) -> list[BallisticLaunch]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        lat0, lon0 = np.radians(rng.uniform(35, 45)), np.radians(rng.uniform(120, 130))
        angle = rng.uniform(6000e3, 9500e3) / R_EARTH_MEAN_M
        lat, lon = destination(lat0, lon0, np.radians(rng.uniform(20, 70)), angle)
        out.append(
            BallisticLaunch(
                f"m{k}",
                design("icbm-solid-3stage" if k % 2 else "icbm-liquid-2stage"),
                lat0,
                lon0,
                float(lat),
                float(lon),
            )
        )
    return out


def coast_rhs(beta):
    def f(t, y):
        r, v = y[:3], y[3:]
        h = geodetic_height_m(r[None])[0]
        v_rel = v - np.cross(W, r)
        a = accel_gravity(r[None])[0] - 0.5 * density_us76(h) * np.linalg.norm(v_rel) * v_rel / beta
        return np.concatenate([v, a])

    def ground(t, y):
        return geodetic_height_m(y[None, :3])[0]

    ground.terminal, ground.direction = True, -1
    return f, ground


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--missiles", type=int, default=1000)
    ap.add_argument("--loop", type=int, default=20, help="missiles flown by the scipy loop (scaled to all)")
    args = ap.parse_args()
    ls = launches(args.missiles)
    t0 = time.perf_counter()
    _, summary = fly_ballistic(ls, EPOCH)  # targeting: solved once, outside the timing
    targeting = time.perf_counter() - t0
    theta = partial(gmst_at, EPOCH)
    plan = guidance.build_plan(
        [ln.design for ln in ls],
        *(
            np.array([getattr(ln, a) for ln in ls])
            for a in (
                "launch_lat_rad",
                "launch_lon_rad",
                "launch_h_m",
                "aim_lat_rad",
                "aim_lon_rad",
                "aim_h_m",
                "t_launch_s",
            )
        ),
    )
    plan.azimuth, plan.pitch_final = summary.azimuth_rad.copy(), summary.pitch_final_rad.copy()

    def ours():
        rec = fly(plan, theta, until="impact", record=True)
        return resample_to_clock(rec, plan, plan.n, 1.0), rec

    ours()
    t_ours = best_of(3, ours)
    (_, out_t, _, _, _), rec = ours()
    # the baseline: each missile's free flight from its burnout state, one solve_ivp per missile
    k = min(args.loop, plan.n)
    beta = plan.rv_beta
    t0 = time.perf_counter()
    ends = []
    for i in range(k):
        f, ground = coast_rhs(beta[i])
        sol = solve_ivp(f, (0.0, 7200.0), rec.cutoff_state[i], method="RK45", rtol=1e-9, atol=1e-3, events=ground)
        ends.append(sol.y[:3, -1])
    t_loop = (time.perf_counter() - t0) / k * plan.n
    agree = np.linalg.norm(np.array(ends) - rec.end_state[:k, :3], axis=1).max()
    print(
        f"{plan.n:,} ICBM trajectories, sampled at 1 s ({out_t.size:,} samples); targeting solved once in "
        f"{targeting:.1f} s (not timed)"
    )
    print(f"  {'method':58s} {'seconds':>8s} {'ratio':>8s}")
    print(f"  {'goldendome fly (compiled, parallel over missiles) + 1 s sampling':58s} {t_ours:8.2f} {1.0:8.1f}")
    print(
        f"  {f'scipy solve_ivp per missile, free flight only (scaled from {k})':58s} {t_loop:8.2f} "
        f"{t_loop / t_ours:8.1f}x slower"
    )
    print(f"  largest impact-point difference on the {k} compared missiles: {agree:.2f} m")


if __name__ == "__main__":
    main()
