"""A Monte Carlo study of a defended scenario: the battle trial the runner of :mod:`goldendome.engine.montecarlo`
repeats, and the study around it.

Each trial fights the scenario's battle (:func:`goldendome.engine.battle.fight`) with its own seed, drawn from the
trial's child of the root seed: the sensors' noise and detections, the decoy discrimination and every kill draw
change from trial to trial. What does not depend on the seed -- the flights of the threats and the space layers'
boost-phase reach -- is computed once per worker process and reused (a scenario whose salvo is spread at random
over launch or aim areas flies again in every trial, from the trial's seed).

A salvo sweep (``salvo_sizes``) runs one study per size in ``DIR/salvo-K``: the scenario cut to its first K
threats in launch order, the way leakage against salvo size is read in the published analyses.

A raid sweep runs one study per raid size in ``DIR/raid-R``: the scenario with every threat entry's ``count`` scaled
so that R missiles fly in all (:func:`scale_raid`), the mix of launch areas, aim points and timing kept. It shows
how the defence saturates: the fixed inventories and the SBI shell stay as they are while the raid grows.
"""

import json
import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome.engine.battle import BattleReport, fight
from goldendome.engine.montecarlo import StudyMismatch, StudySummary, check_study, run_study
from goldendome.engine.trial import run_trial
from goldendome.engine.world import build_world
from goldendome.scenario.loader import scenario_hash
from goldendome.scenario.models import Scenario

_WORLDS: dict[str, object] = {}
"""Flown worlds of this process, by scenario hash (a worker keeps the one study it works for)."""


def _random_world(scn: Scenario) -> bool:
    """Whether the scenario's flights depend on its seed (salvos spread over launch or aim areas)."""
    return any(getattr(th, "launch_radius_km", 0.0) or getattr(th, "aim_radius_km", 0.0) for th in scn.threats)


def world_for(scn: Scenario, seed: int):
    """The trial's :class:`World`: threats flown, space layers placed and everything joined (no battle), cached when
    it does not depend on the seed."""
    if _random_world(scn):
        run = run_trial(scn.model_copy(update={"seed": seed}), battle=False)
        return build_world(run) or run
    key = scenario_hash(scn)
    if key not in _WORLDS:
        _WORLDS.clear()
        run = run_trial(scn, battle=False)
        _WORLDS[key] = build_world(run) or run
    return _WORLDS[key]


def trial_tables(index: int, seed: int, report: BattleReport) -> dict[str, pd.DataFrame]:
    """The tables of one trial: 'trials' (one row of headline figures) and 'events' (the battle's event log)."""
    row = {
        "seed": seed,
        "lethal": report.lethal,
        "leakers": report.leakers,
        "killed": report.killed,
        "zero_leakers": report.leakers == 0,
        "cost_musd": report.cost_musd,
        "people_struck": float(report.events.value[report.events.event == "leaker"].fillna(0.0).sum()),
        "engagements": int((report.events.event == "launch").sum()),
        "battle_s": report.wall_s,
    }
    for layer, n in report.interceptors.items():
        row[f"rounds_{layer}"] = n
    row.update(picture_quality(report))
    return {"trials": pd.DataFrame([row]), "events": report.events}


def picture_quality(report: BattleReport) -> dict[str, float]:
    """The sensors' picture of one battle in four numbers (none with perfect tracks): GOSPA averaged over the
    trial's grid (m), the mean position NEES of the tracks held on objects (3 when the covariances are honest), the
    share of the time in coverage a lethal object was held by a track, averaged over lethal objects, and the track
    identity switches on lethal objects."""
    tr = report.tracking
    if tr is None or tr.gospa_t.size == 0:
        return {}
    lethal = ~np.isin(np.asarray(tr.object_kinds), ["decoy"])
    with np.errstate(all="ignore"):
        nees = float(np.nanmean(tr.nees)) if np.isfinite(tr.nees).any() else float("nan")
        held = tr.tracked_fraction[lethal]
        held = float(np.nanmean(held)) if np.isfinite(held).any() else float("nan")
    return {
        "gospa_mean_m": float(np.mean(tr.gospa[:, 0])),
        "nees_mean": nees,
        "lethal_held": held,
        "track_switches": int(tr.track_switches[lethal].sum()),
    }


def battle_trial(index: int, seed_seq: np.random.SeedSequence, scenario_json: str) -> dict[str, pd.DataFrame]:
    """One Monte Carlo trial of a defended scenario (given as its JSON, so that it pickles small)."""
    scn = Scenario.model_validate_json(scenario_json)
    seed = int(seed_seq.generate_state(1, np.uint32)[0])
    world = world_for(scn, seed)
    return trial_tables(index, seed, fight(world, seed=seed))


def first_threats(scn: Scenario, k: int) -> Scenario:
    """The scenario cut to its first k threats by launch time (count-expanded cruise entries count as one)."""
    order = sorted(scn.threats, key=lambda th: getattr(th, "launch_time_s", 0.0))
    return scn.model_copy(update={"threats": order[:k], "name": f"{scn.name} (first {k} threats)"})


def raid_missiles(scn: Scenario) -> int:
    """Missiles the scenario launches: the sum of its threat entries' ``count`` (an entry without one, a glide
    vehicle or a FOBS, is one missile)."""
    return sum(getattr(th, "count", 1) for th in scn.threats)


def _count_cap(th) -> int:
    """The most missiles one threat entry can hold: the scenario model's bound on its ``count`` (1 without one)."""
    field = type(th).model_fields.get("count")
    if field is None:
        return 1
    return min((int(m.le) for m in field.metadata if getattr(m, "le", None) is not None), default=1)


def raid_capacity(scn: Scenario) -> int:
    """The largest raid :func:`scale_raid` can make of the scenario: every entry at its model's bound on count."""
    return sum(_count_cap(th) for th in scn.threats)


def _apportion(weights: list[int], total: int, caps: list[int]) -> list[int]:
    """Whole shares of ``total`` in proportion to ``weights``, none above its cap: Hamilton's largest-remainder
    method (shares floored, the units left over go to the largest remainders, ties to the earlier entry). A share
    whose exact quota exceeds its cap is held at the cap and the rest shared again among the others.

    Integer arithmetic throughout (quota_i = total_left * w_i / W as a floor and a remainder numerator), so the
    shares sum to ``total`` exactly, with no floating-point ties.
    """
    n = len(weights)
    fixed = [False] * n
    while True:
        left = total - sum(c for c, f in zip(caps, fixed, strict=True) if f)
        free = [i for i in range(n) if not fixed[i]]
        w_sum = sum(weights[i] for i in free)
        over = [i for i in free if left * weights[i] > caps[i] * w_sum]
        if not over:
            break
        for i in over:
            fixed[i] = True
    shares = [caps[i] if fixed[i] else 0 for i in range(n)]
    if not free or w_sum == 0:
        return shares
    rem = {}
    for i in free:
        shares[i], rem[i] = divmod(left * weights[i], w_sum)
    short = left - sum(shares[i] for i in free)
    for i in sorted(free, key=lambda i: -rem[i])[:short]:  # sorted() is stable: ties keep the entries' order
        shares[i] += 1
    return shares


def scale_raid(scn: Scenario, missiles: int) -> Scenario:
    """The scenario with its raid scaled to ``missiles`` missiles in all, the mix kept.

    Each threat entry's ``count`` becomes its share of ``missiles`` in proportion to its count now (an entry without
    a count, a glide vehicle or a FOBS, weighs one and holds at most one), rounded by the largest-remainder method
    so the counts sum exactly to ``missiles``. Entries whose share rounds to 0 are dropped; the others keep their
    order, names, launch and aim areas, launch times and salvo intervals (a larger salvo from one silo field lasts
    longer: ``count x interval_s``). A raid larger than the scenario's is allowed up to :func:`raid_capacity`, each
    entry at most at the model's bound on ``count``; an entry that would pass it is held there and the excess
    shared among the others.

    The defence is not touched: its batteries' inventories and the SBI shell stay as they are, which is what a sweep
    over raid size measures (where the defence saturates).

    Example: entries of 10, 6 and 4 missiles (20) scaled to 7 have quotas 3.5, 2.1 and 1.4; floored, 3 + 2 + 1 = 6,
    and the missile left over goes to the largest remainder (0.5): counts 4, 2, 1.

    Returns a validated :class:`Scenario`, named after the original with the raid size; raises ValueError when
    ``missiles`` is below 1 or above :func:`raid_capacity`.
    """
    missiles = int(missiles)
    cap = raid_capacity(scn)
    if not scn.threats:
        raise ValueError(f"{scn.name}: the scenario has no threats to scale")
    if not 1 <= missiles <= cap:
        raise ValueError(
            f"a raid of {missiles} missiles: the scenario's {len(scn.threats)} threat entries hold "
            f"1..{cap} missiles (count at most {max(_count_cap(th) for th in scn.threats)} an entry; "
            "glide and FOBS entries one each)"
        )
    shares = _apportion(
        [getattr(th, "count", 1) for th in scn.threats], missiles, [_count_cap(th) for th in scn.threats]
    )
    threats = [
        th.model_copy(update={"count": k}) if hasattr(th, "count") else th
        for th, k in zip(scn.threats, shares, strict=True)
        if k > 0
    ]
    suffix = f" (raid of {missiles})"
    name = scn.name[: 120 - len(suffix)] + suffix  # the model's bound on a name
    scaled = scn.model_copy(update={"threats": threats, "name": name})
    return Scenario.model_validate_json(scaled.model_dump_json())


def run_battle_study(
    scn: Scenario,
    n_trials: int,
    out_dir: Path,
    root_seed: int | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    progress=None,
) -> StudySummary:
    """Run (or resume) the Monte Carlo study of a defended scenario into out_dir, with scenario.json beside it.

    A folder that holds another study (:func:`check_study_folder`) raises StudyMismatch with nothing in it changed.
    The summary's ``complete`` is False when trials failed: the folder's statistics then cover only the finished
    ones, and the same call again finishes the rest.
    """
    if scn.defence is None:
        raise ValueError("the scenario has no 'defence': there is no battle to repeat (add batteries or an SBI layer)")
    root = scn.seed if root_seed is None else root_seed
    check_study_folder(scn, out_dir, root)
    return run_study(
        partial(battle_trial, scenario_json=scn.model_dump_json()),
        n_trials,
        Path(out_dir),
        root_seed=root,
        workers=workers,
        dask_address=dask_address,
        progress=progress,
        study_meta=_study_meta(scn),
        study_files={SCENARIO_FILE: (scn.model_dump_json(indent=2) + "\n").encode()},
    )


SCENARIO_FILE = "scenario.json"
"""The scenario a study (or a sweep's parent folder) was run with, as validated JSON."""


def _study_meta(scn: Scenario) -> dict:
    """What study.json records of the scenario: its hash (the study's identity), name and threat entries."""
    return {"scenario_hash": scenario_hash(scn), "scenario": scn.name, "threats": len(scn.threats)}


def check_scenario_file(scn: Scenario, folder: Path) -> None:
    """Raise StudyMismatch when ``folder/scenario.json`` holds another scenario than ``scn`` (compared by
    :func:`scenario_hash`) or cannot be read as one; a folder without it passes. Reads only."""
    path = Path(folder) / SCENARIO_FILE
    if not path.exists():
        return
    try:
        there = study_scenario(folder)
    except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        reason = str(exc).splitlines()[0]
        raise StudyMismatch(
            f"{path} is not a scenario goldendome can read ({reason}); use another --out folder"
        ) from None
    if scenario_hash(there) != scenario_hash(scn):
        raise StudyMismatch(
            f"{folder} holds results of another scenario ({there.name!r} there, {scn.name!r} now; scenario_hash "
            f"{scenario_hash(there)[:12]}... there, {scenario_hash(scn)[:12]}... now); results of different "
            "scenarios must not be mixed, and nothing in that folder was changed: use another --out folder"
        )


def check_study_folder(scn: Scenario, folder: Path, root_seed: int | None = None) -> None:
    """Raise StudyMismatch when ``folder`` holds another study than :func:`run_battle_study` of ``scn`` with
    ``root_seed`` (default: the scenario's seed) would write there: another scenario in its scenario.json, or
    another scenario hash or root seed in its study.json. Reads only, so a caller can check every folder of a sweep
    before any of them is written."""
    check_scenario_file(scn, folder)
    check_study(Path(folder), _study_meta(scn), scn.seed if root_seed is None else root_seed)


SWEEP_FOLDER = re.compile(r"^(salvo|raid)-([0-9]+)$")
"""The name of a sweep's sub-study: salvo-K (the first K threat entries) or raid-R (R missiles in all)."""


def sweep_folders(out_dir: Path, kind: str) -> list[Path]:
    """The ``kind``-N sub-studies of out_dir ('salvo' or 'raid') that hold a study, in increasing N."""
    found = []
    for p in Path(out_dir).glob(f"{kind}-*/study.json"):
        m = SWEEP_FOLDER.match(p.parent.name)
        if m and m.group(1) == kind:
            found.append((int(m.group(2)), p.parent))
    return [folder for _, folder in sorted(found)]


def study_folders(out_dir: Path) -> list[Path]:
    """The study folders under out_dir: itself, or its sweeps' sub-studies (salvo-K in increasing K, then raid-R
    in increasing R)."""
    out_dir = Path(out_dir)
    subs = sweep_folders(out_dir, "salvo") + sweep_folders(out_dir, "raid")
    if subs:
        return subs
    return [out_dir] if (out_dir / "study.json").exists() else []


def study_scenario(folder: Path) -> Scenario:
    """The scenario a study folder was run with."""
    return Scenario.model_validate(json.loads((Path(folder) / SCENARIO_FILE).read_text()))
