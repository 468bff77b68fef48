"""The public API of goldendome, re-exported in one place; the command line uses the same surface.

    from goldendome.api import load_builtin, run_trial, write_run
    result = run_trial(load_builtin("default"))      # result.battle: the battle's event log and figures
    summary = run_battle_study(load_builtin("critique-salvo"), 100, "results/critique")
    summary.complete                                  # False when trials failed: run it again to finish them
    stats = study_stats("results/critique")           # P(no leaker) with its Wilson interval, leakers by city

The architecture studies reuse the same physics without the battle loop:

    rows, base = run_sizing_study(load_study("sbi-north-korea", SizingStudy))   # the SBIs a salvo takes
    layers = run_coverage(load_study("coverage-korea", CoverageStudy))           # what the infrared layers see
    report = evaluate_cost_study("cbo-2026")     # lifecycle cost, deployment, each partner's bill, what it buys
    write_sizing(load_study("sbi-north-korea", SizingStudy), rows, base, "results/sbi")
"""

from goldendome.analysis.architecture import ArchitectureReport
from goldendome.analysis.architecture import evaluate as evaluate_cost_study
from goldendome.analysis.battle_stats import StudyStats, study_stats
from goldendome.analysis.coverage import LayerCoverage, detection_span, layer_summary, run_coverage
from goldendome.analysis.leakage import layered_leak, salvo_leak, shoot_look_shoot, wilson_interval
from goldendome.analysis.sbi_study import run_study as run_sizing_study
from goldendome.engine.battle import BattleReport, fight
from goldendome.engine.budget import Limits, WorkEstimate
from goldendome.engine.budget import check as check_work
from goldendome.engine.budget import estimate as estimate_work
from goldendome.engine.montecarlo import StudySummary, connect, run_study
from goldendome.engine.study import run_battle_study
from goldendome.engine.trial import RunResult, run_trial
from goldendome.io.results import (
    summary_dict,
    versions,
    write_cost,
    write_coverage,
    write_run,
    write_scenario,
    write_scene,
    write_sizing,
)
from goldendome.physics.constellation import Constellation, walker_delta
from goldendome.physics.kepler import OrbitalElements, propagate
from goldendome.physics.tle import parse_omm, parse_tle, sgp4_positions, tle_to_elements
from goldendome.scenario.loader import (
    ScenarioError,
    builtin_names,
    load_builtin,
    load_scenario,
    load_study,
    parse_scenario,
    scenario_schema,
)
from goldendome.scenario.models import Scenario
from goldendome.scenario.study import CoverageStudy, SizingStudy
from goldendome.threats.ballistic import BallisticLaunch, FlightSummary, fly_ballistic
from goldendome.threats.missile import MissileDesign, Stage, design, load_catalogue
from goldendome.threats.trajectory import Trajectory

__all__ = [
    "Limits",
    "WorkEstimate",
    "check_work",
    "estimate_work",
    "BattleReport",
    "StudyStats",
    "StudySummary",
    "connect",
    "fight",
    "layered_leak",
    "run_battle_study",
    "run_study",
    "salvo_leak",
    "shoot_look_shoot",
    "study_stats",
    "wilson_interval",
    "ArchitectureReport",
    "CoverageStudy",
    "LayerCoverage",
    "SizingStudy",
    "detection_span",
    "evaluate_cost_study",
    "layer_summary",
    "load_study",
    "run_coverage",
    "run_sizing_study",
    "versions",
    "write_cost",
    "write_coverage",
    "write_scenario",
    "write_scene",
    "write_sizing",
    "BallisticLaunch",
    "Constellation",
    "FlightSummary",
    "MissileDesign",
    "OrbitalElements",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "Stage",
    "Trajectory",
    "builtin_names",
    "design",
    "fly_ballistic",
    "load_builtin",
    "load_catalogue",
    "load_scenario",
    "parse_omm",
    "parse_scenario",
    "parse_tle",
    "propagate",
    "run_trial",
    "scenario_schema",
    "sgp4_positions",
    "summary_dict",
    "tle_to_elements",
    "walker_delta",
    "write_run",
]
