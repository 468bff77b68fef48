"""A Monte Carlo study of a defended scenario: the battle trial the runner of :mod:`goldendome.engine.montecarlo`
repeats, and the study around it.

Each trial fights the scenario's battle (:func:`goldendome.engine.battle.fight`) with its own seed, drawn from the
trial's child of the root seed: the sensors' noise and detections, the decoy discrimination and every kill draw
change from trial to trial. What does not depend on the seed -- the flights of the threats and the space layers'
boost-phase reach -- is computed once per worker process and reused (a scenario whose salvo is spread at random
over launch or aim areas flies again in every trial, from the trial's seed).

A salvo sweep (``salvo_sizes``) runs one study per size in ``DIR/salvo-K``: the scenario cut to its first K
threats in launch order, the way leakage against salvo size is read in the published analyses.
"""

import json
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome.engine.battle import BattleReport, fight
from goldendome.engine.montecarlo import StudySummary, run_study
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
        "seed": seed, "lethal": report.lethal, "leakers": report.leakers, "killed": report.killed,
        "zero_leakers": report.leakers == 0, "cost_musd": report.cost_musd,
        "people_struck": float(report.events.value[report.events.event == "leaker"].fillna(0.0).sum()),
        "engagements": int((report.events.event == "launch").sum()), "battle_s": report.wall_s,
    }  # fmt: skip
    for layer, n in report.interceptors.items():
        row[f"rounds_{layer}"] = n
    return {"trials": pd.DataFrame([row]), "events": report.events}


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


def run_battle_study(scn: Scenario, n_trials: int, out_dir: Path, root_seed: int | None = None, workers: int = 1,
                     dask_address: str | None = None, progress=None) -> StudySummary:  # fmt: skip
    """Run (or resume) the Monte Carlo study of a defended scenario into out_dir."""
    if scn.defence is None:
        raise ValueError("the scenario has no 'defence': there is no battle to repeat (add batteries or an SBI layer)")
    root = scn.seed if root_seed is None else root_seed
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scenario.json").write_text(scn.model_dump_json(indent=2) + "\n")
    meta = {"scenario_hash": scenario_hash(scn), "scenario": scn.name, "threats": len(scn.threats)}
    fn = partial(battle_trial, scenario_json=scn.model_dump_json())
    return run_study(fn, n_trials, out_dir, root_seed=root, workers=workers, dask_address=dask_address,
                     progress=progress, study_meta=meta)  # fmt: skip


def study_folders(out_dir: Path) -> list[Path]:
    """The study folders under out_dir: itself, or its salvo-K sub-studies in increasing K."""
    out_dir = Path(out_dir)
    subs = sorted(out_dir.glob("salvo-*/study.json"), key=lambda p: int(p.parent.name.split("-")[1]))
    if subs:
        return [p.parent for p in subs]
    return [out_dir] if (out_dir / "study.json").exists() else []


def study_scenario(folder: Path) -> Scenario:
    """The scenario a study folder was run with."""
    return Scenario.model_validate(json.loads((Path(folder) / "scenario.json").read_text()))
