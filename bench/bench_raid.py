"""Benchmark: raids of the size the public debate is about, next to the targets of issue 16.

Each raid is the same Golden-Dome-like architecture -- a CBO-sized shell of 7,800 SBIs (CBO 2026's notional
constellation), the tracking and warning layers, four radars (LRDR and the UEWR at Clear, the UEWR at Thule, SBX)
and the 44 GBIs -- against N ICBMs from western China (Yumen) and Russia (Dombarovsky), each with 3 RVs and 4
decoys, aimed at North American cities (salvos spread over 50 km launch and 20 km aim discs). Rows:

1. per raid size: the world (threats flown, space layers' reach: once per Monte Carlo worker, or every trial when
   the salvo is spread at random) and the battle (sensors, tracking, battle manager, interceptors) on it -- the first
   in a fresh process (kernels loading from numba's cache) and the next, other seeds on the same world (the median
   of three, one for the 1,000-ICBM raid): what a Monte Carlo trial costs a worker, which the targets are read
   against --, with peak memory (resident set of a
   fresh process per size, so that one size's peak is not another's), objects in flight and time per object;
2. growth: trial time against objects in flight between the sizes of 400 objects or more (the issue's range;
   linear growth keeps the per-object time);
3. one decision of the battle manager with 1,000 tracks (perfect tracks of the 200-ICBM raid at the moment most
   objects fly, a fixed random 1,000 of them): cold (every forecast made: what one decision in REFRESH_S costs) and
   warm (the forecasts made: the other decisions), each the median of three, the kernels loaded beforehand by a
   decision over ten of the tracks (loading them is a process's one-off cost, in the first battle's column);
4. the default scenario: one warm trial (a Monte Carlo worker's fight on its cached world) and 1,000 trials on 2
   workers projected from it (``bench/bench_battle.py --thousand`` runs the real study);
satellite positions and velocities against sgp4 are in ``bench/bench_propagate.py``.

Timings against targets print as 'meets' / 'misses' (the machine is shared and noisy); same-run checks print
True / False.

Usage: python bench/bench_raid.py [--sizes 60,200] [--full (adds 1,000 ICBMs, ~8,000 objects)] [--quick]
"""

import argparse
import multiprocessing as mp
import resource
import time
from dataclasses import replace

import numpy as np

TARGETS = {
    "raid200_s": 8.0,  # 200-ICBM MIRV raid (~1,600 objects), 7,800 SBIs: one trial
    "raid1000_s": 60.0,  # 1,000 ICBMs x (3 RVs + 4 decoys), ~8,000 objects: one trial
    "raid1000_gib": 4.0,  # ... peak memory
    "default_warm_s": 0.5,  # the default scenario, one warm trial
    "default_1000_s": 240.0,  # 1,000 trials of it on 2 local workers
    "decision_s": 0.2,  # one decision with 1,000 tracks
}
QUICK_SIZES = (4,)
"""--quick (the tests): a 4-ICBM raid with a small SBI shell, a minute or so on 2 cores with compilation."""
DECISION_TRACKS = 1000
"""The decision row's tracks (the target is set at 1,000 tracks)."""
DECISION_REPEATS = 3
"""Each decision timing is the median of this many (a fresh manager each for the cold one)."""
TRIAL_REPEATS = 3
"""The trial column is the median of this many battles on the same world (other seeds): the machine is noisy."""
REPEAT_UP_TO = 2000
"""... for raids of up to this many objects; a larger raid's trial is timed once."""

AIMS = {  # (site, missile, aim points): generic catalogue designs; cities the generic designs reach or nearly
    "yumen": ("icbm-solid-3stage", ["seattle", "vancouver", "calgary", "anchorage", "san-francisco"]),
    "dombarovsky": (
        "icbm-liquid-2stage",
        [
            "seattle",
            "vancouver",
            "calgary",
            "chicago",
            "toronto",
            "ottawa",
            "montreal",
            "boston",
            "new-york",
            "washington",
        ],
    ),
}


def raid(n_icbm: int, rvs: int = 3, decoys: int = 4, sbis: int = 7800):
    """The bench's raid scenario: n_icbm ICBMs spread over the sites and cities of AIMS (see the module
    docstring)."""
    from goldendome.scenario.models import Scenario

    entries = [(site, missile, city) for site, (missile, cities) in AIMS.items() for city in cities]
    per = np.full(len(entries), n_icbm // len(entries))
    per[: n_icbm % len(entries)] += 1
    threats = [
        {
            "name": f"{site[:3]}-{city}",
            "missile": missile,
            "launch": {"name": site},
            "aim": {"name": city},
            "count": int(k),
            "interval_s": 4.0,
            "launch_radius_km": 50,
            "aim_radius_km": 20,
            "rvs": rvs,
            "decoys": decoys,
            "launch_time_s": 15.0 * j,
        }
        for j, ((site, missile, city), k) in enumerate(zip(entries, per, strict=True))
        if k > 0
    ]
    planes = 60 if sbis % 60 == 0 else 1
    return Scenario.model_validate(
        {
            "name": f"bench raid: {n_icbm} ICBMs x ({rvs} RVs + {decoys} decoys)",
            "epoch": "2026-07-04T12:00:00Z",
            "duration_min": 60,
            "time_step_s": 2.0,
            "seed": 16,
            "threats": threats,
            "constellations": [
                {"name": "tracking-leo", "role": "tracking", "preset": "sda-t1-tracking"},
                {"name": "warning-geo-heo", "role": "warning", "preset": "sbirs-like"},
                {
                    "name": "sbi-shell",
                    "role": "interceptor",
                    "sbi": "aps-2003-optimistic",
                    "walker": {
                        "total": sbis,
                        "planes": planes,
                        "phasing": 1,
                        "altitude_km": 400,
                        "inclination_deg": 50,
                    },
                },
            ],
            "radars": ["lrdr-clear", "uewr-clear", "uewr-thule", "sbx-adak"],
            "defence": {
                "batteries": [
                    {"name": "greely", "interceptor": "gbi", "site": {"name": "fort-greely"}, "launchers": 40},
                    {"name": "vandenberg", "interceptor": "gbi", "site": {"name": "vandenberg"}, "launchers": 4},
                ],
                "doctrine": {"shots": 2, "looks": 1},
                "tracks": "sensors",
            },
        }
    )


def _one_size(args) -> dict:
    """One raid size in a fresh process: world, one battle, peak resident memory."""
    n_icbm, sbis = args
    from goldendome.engine.battle import fight
    from goldendome.engine.trial import run_trial
    from goldendome.engine.world import build_world

    scn = raid(n_icbm, sbis=sbis)
    t0 = time.perf_counter()
    # as a Monte Carlo worker holds it (goldendome.engine.study.world_for): flown and joined once, its caches
    # (which radar looks can see anything) kept from one battle to the next
    world = build_world(run_trial(scn, battle=False))
    t_world = time.perf_counter() - t0
    objects = world.objects
    t0 = time.perf_counter()
    report = fight(world)
    t_first = time.perf_counter() - t0
    # a Monte Carlo worker's trial: the next battles on the same world (other seeds), its kernels loaded; the
    # median of TRIAL_REPEATS (one above REPEAT_UP_TO objects, where a trial takes most of a minute)
    runs, battles = [], []
    for k in range(TRIAL_REPEATS if objects.n_objects <= REPEAT_UP_TO else 1):
        t0 = time.perf_counter()
        battles.append(fight(world, seed=scn.seed + 1 + k))
        runs.append(time.perf_counter() - t0)
    second = battles[0]
    t_fight = float(np.median(runs))
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 2**30  # Linux: kB
    events = report.events
    return {
        "icbms": n_icbm,
        "objects": objects.n_objects,
        "world_s": t_world,
        "first_s": t_first,
        "fight_s": t_fight,
        "peak_gib": peak_gib,
        "lethal": report.lethal,
        "leakers": report.leakers,
        "fired": int(events.shots[events.event == "launch"].sum()),
        "object_s": object_seconds(objects, second.events),
    }


def object_seconds(objects, events) -> float:
    """Objects in flight integrated over the battle (object-seconds): each object from its first state to its
    impact or its kill in this battle. A saturated defence kills later and fewer, so its objects fly longer and the
    sensors and trackers follow each of them for more looks: work per object grows with the raid even when the work
    per object in flight does not."""
    first = np.full(objects.n_objects, np.inf)
    last = np.full(objects.n_objects, -np.inf)
    np.minimum.at(first, objects.object_id, objects.t_s)
    np.maximum.at(last, objects.object_id, objects.t_s)
    killed = events[events.event.isin(("kill", "decoy_killed"))]
    index = {name: k for k, name in enumerate(objects.names)}
    k = killed.object.map(index).to_numpy(int)
    np.minimum.at(last, k, killed.t_s.to_numpy(float))
    return float(np.sum(np.maximum(last - first, 0.0)))


def decision(n_icbm: int, sbis: int) -> tuple[int, float, float, bool, list[int]]:
    """One battle-manager decision over the perfect tracks of a raid at the moment most of its objects fly, with
    rounds to spare: (tracks, cold s, warm s, orders within inventory, orders); cold makes every forecast, warm
    finds them made and solves its assignment anew."""
    from goldendome.c2.manager import BattleManager
    from goldendome.engine.battle import battery_specs, defended_assets, discriminate, truth_from_run
    from goldendome.engine.trial import run_trial

    scn = raid(n_icbm, sbis=sbis)
    world = run_trial(scn, battle=False)
    truth = truth_from_run(world)
    grid = np.arange(0.0, 3600.0, 20.0)
    flying = [int(np.isfinite(truth.states(t)[0][:, 0]).sum()) for t in grid]
    t = float(grid[int(np.argmax(flying))])
    # rounds to spare, so that the decision assigns every track it can (the 44 GBIs would be spent in a few)
    specs = [replace(b, launchers=100_000, inventory=100_000) for b in battery_specs(scn)]
    recognised = np.zeros(truth.n, bool)
    r, v = truth.states(t)
    ids = np.flatnonzero(np.isfinite(r[:, 0]))
    if ids.size > DECISION_TRACKS:  # the target's size: a fixed random 1,000 of the objects in flight
        ids = np.sort(np.random.default_rng(0).choice(ids, DECISION_TRACKS, replace=False))
    x = np.concatenate([r[ids], v[ids]], axis=1)
    p = np.tile(np.diag([100.0**2] * 3 + [5.0**2] * 3), (ids.size, 1, 1))
    perceived, flag = discriminate(truth, ids, x, t, recognised, 80.0)

    def manager():
        return BattleManager(specs, defended_assets(scn), scn.epoch, track_breaks=False)

    # the kernels load from numba's cache on a process's first decision (the first battle's cost, in its own row):
    # a decision over a few of the tracks loads them, untimed
    few = slice(0, 10)
    manager().decide(t, ids[few], x[few], p[few], perceived[few], flag[few])
    times, counts = [], []
    for warm in (False, True):
        # cold: a fresh manager makes every forecast; warm: the forecasts were made (untimed), the decision
        # evaluates, opens windows and assigns anew
        runs = []
        for _ in range(DECISION_REPEATS):
            m = manager()
            if warm:
                m.evaluate(t, ids, x, p, np.asarray(perceived, dtype=object))
            t0 = time.perf_counter()
            orders, _ = m.decide(t, ids, x, p, perceived, flag)
            runs.append(time.perf_counter() - t0)
        times.append(float(np.median(runs)))
        counts.append(len(orders))
    within = bool((m.rounds_left >= 0).all())
    return int(ids.size), times[0], times[1], within, counts


def default_warm() -> tuple[float, float]:
    """The default scenario: (first fight on the cached world, best of 3 warm fights), seconds."""
    from goldendome.engine.battle import fight
    from goldendome.engine.trial import run_trial
    from goldendome.scenario.loader import load_builtin

    world = run_trial(load_builtin("default"), battle=False)
    t0 = time.perf_counter()
    fight(world, seed=1)
    first = time.perf_counter() - t0
    warm = []
    for seed in (2, 3, 4):
        t0 = time.perf_counter()
        fight(world, seed=seed)
        warm.append(time.perf_counter() - t0)
    return first, min(warm)


def verdict(ok: bool) -> str:
    return "meets" if ok else "misses"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="60,200", help="raid sizes in ICBMs, comma-separated (default 60,200: 420 and 1,400 objects)"
    )
    parser.add_argument("--full", action="store_true", help="add the 1,000-ICBM raid (~8,000 objects)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the tests)")
    args = parser.parse_args()
    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in args.sizes.split(","))
    if args.full and not args.quick:
        sizes = (*sizes, 1000)
    sbis = 600 if args.quick else 7800

    ctx = mp.get_context("spawn")  # a fresh process per size: its own peak memory
    rows = []
    for n in sizes:
        with ctx.Pool(1) as pool:
            rows.append(pool.apply(_one_size, ((n, sbis),)))
    print(f"raids: {sbis:,} SBIs, 4 radars, 44 GBIs; ICBMs x (3 RVs + 4 decoys); one trial each")
    print(
        "world: threats flown and the space layers' reach (once per worker; every trial when the salvo is spread at "
        "random, as here); first battle: a fresh process's, kernels loading; trial: the next battles on the same "
        f"world (other seeds; the median of {TRIAL_REPEATS} up to {REPEAT_UP_TO:,} objects), what each Monte Carlo "
        "trial costs a worker"
    )
    print(
        f"{'ICBMs':>6} {'objects':>8} {'world s':>8} {'first s':>8} {'trial s':>8} {'ms/object':>10} "
        f"{'peak GiB':>9} {'lethal':>7} {'leaked':>7} {'fired':>6}"
    )
    for r in rows:
        print(
            f"{r['icbms']:>6} {r['objects']:>8,} {r['world_s']:8.1f} {r['first_s']:8.2f} {r['fight_s']:8.2f} "
            f"{1e3 * r['fight_s'] / r['objects']:10.2f} {r['peak_gib']:9.2f} {r['lethal']:>7} {r['leakers']:>7} "
            f"{r['fired']:>6}"
        )
    print(f"lethal objects = ICBMs x 3 RVs in every raid: {all(r['lethal'] == 3 * r['icbms'] for r in rows)}")
    for r in rows:
        if r["icbms"] == 200:
            print(
                f"200-ICBM raid, one trial's battle: {r['fight_s']:.1f} s (a fresh process's first: "
                f"{r['first_s']:.1f} s); target {TARGETS['raid200_s']:g} s: "
                f"{verdict(r['fight_s'] <= TARGETS['raid200_s'])}"
            )
        if r["icbms"] == 1000:
            print(
                f"1,000-ICBM raid: {r['fight_s']:.1f} s (first {r['first_s']:.1f} s), {r['peak_gib']:.2f} GiB; "
                f"targets "
                f"{TARGETS['raid1000_s']:g} s, {TARGETS['raid1000_gib']:g} GiB: "
                f"{verdict(r['fight_s'] <= TARGETS['raid1000_s'] and r['peak_gib'] <= TARGETS['raid1000_gib'])}"
            )
    grown = [r for r in rows if r["objects"] >= 400]  # the range: 400 to 8,000 objects in flight
    if len(grown) >= 2:
        a, b = grown[0], grown[-1]
        growth = (b["fight_s"] / a["fight_s"]) / (b["objects"] / a["objects"])
        per_flight = (b["fight_s"] / a["fight_s"]) / (b["object_s"] / a["object_s"])
        longer = (b["object_s"] / b["objects"]) / (a["object_s"] / a["objects"])
        print(
            f"growth {a['objects']:,} -> {b['objects']:,} objects: time x{b['fight_s'] / a['fight_s']:.1f} for "
            f"objects x{b['objects'] / a['objects']:.1f} (per-object time x{growth:.2f}; linear or better is "
            f"<= 1): {verdict(growth <= 1.0)}"
        )
        print(
            f"  objects in flight over time: {a['object_s'] / 3600:,.0f} -> {b['object_s'] / 3600:,.0f} "
            f"object-hours (x{b['object_s'] / a['object_s']:.1f}; x{longer:.2f} "
            f"per object: the saturated defence kills later and fewer); time per object-second in flight "
            f"x{per_flight:.2f}: {verdict(per_flight <= 1.0)}"
        )
    n_dec = QUICK_SIZES[0] if args.quick else max(n for n in (*sizes, 200) if n <= 200)
    tracks, cold, warm, within, orders = decision(n_dec, sbis)
    print(
        f"one decision over {tracks:,} perfect tracks (of a {n_dec}-ICBM raid, rounds to spare; {orders[0]} and "
        f"{orders[1]} engagements ordered; medians of {DECISION_REPEATS}, kernels loaded): cold (every forecast made) "
        f"{cold:.3f} s, warm (forecasts cached) {warm:.3f} s; target {TARGETS['decision_s']:g} s at 1,000 tracks: "
        f"{verdict(warm <= TARGETS['decision_s'])} warm, {verdict(cold <= TARGETS['decision_s'])} cold"
    )
    print(f"orders within every battery's inventory: {within}")
    first, best = default_warm()
    print(
        f"default scenario: first fight on its world {first:.2f} s, warm {best:.2f} s; target "
        f"{TARGETS['default_warm_s']:g} s: {verdict(best <= TARGETS['default_warm_s'])}"
    )
    projected = 1000 * best / 2
    print(
        f"1,000 default trials on 2 workers, projected from the warm trial: {projected:.0f} s; target "
        f"{TARGETS['default_1000_s']:g} s: {verdict(projected <= TARGETS['default_1000_s'])} "
        f"(bench_battle.py --thousand measures the study itself)"
    )


if __name__ == "__main__":
    main()
