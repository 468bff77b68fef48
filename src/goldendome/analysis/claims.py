"""The public claims about Golden Dome, one by one, answered by the project's own studies.

Eight claims people read in the coverage of May 2025 (the price, CBO's estimates, the schedule, the satellites, the
threats it stops, the Iron Dome analogy, the defence budget, Canada's share) are each answered by a
:class:`Section`: the numbers a verdict rests on, the tables behind them, the commands that reproduce them, the
assumptions and the sources. Nothing is computed twice: the prices, schedules and bills come from the cost studies
(:func:`goldendome.analysis.architecture.evaluate` over the shipped ``scenario/studies``), the SBI counts from the
sizing model (:mod:`goldendome.analysis.sbi_study`), detection from :mod:`goldendome.analysis.coverage`, the
deployment from :mod:`goldendome.analysis.schedule`, the leakage from small Monte Carlo studies of the battle
(:func:`goldendome.engine.study.run_battle_study`, :func:`goldendome.analysis.battle_stats.study_stats`), the bills
from :mod:`goldendome.analysis.sharing`. What no other data file holds (the claims' wording, Iron Dome's footprint,
areas, the defence budget) is in ``scenario/data/claims.yaml``, every figure with its source.

A section holds numbers; the sentences that say them are written where the page prints them
(:mod:`goldendome.io.claims_page`), from the results files, so every number on the page can be traced to a file.

    from goldendome.analysis.claims import Settings, answer_claims
    sections = answer_claims(Path("results/claims"), Settings(trials=20))
"""

import bisect
import copy
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from goldendome.analysis.architecture import ArchitectureReport, evaluate
from goldendome.analysis.battle_stats import lives_protected, study_stats
from goldendome.analysis.cost import calibrated, deployment_plan, load_cost_defaults, load_cost_study
from goldendome.analysis.coverage import layer_summary, run_coverage
from goldendome.analysis.sbi_study import run_study as run_sizing_study
from goldendome.analysis.schedule import deploy
from goldendome.analysis.sharing import compare_with_public, implied_totals, share_costs
from goldendome.c2.assets import load_assets
from goldendome.effectors.interceptors import interceptor
from goldendome.effectors.sbi import sbi_design
from goldendome.engine.montecarlo import StudyMismatch
from goldendome.engine.study import run_battle_study
from goldendome.physics.constants import R_EARTH_MEAN_M
from goldendome.physics.greatcircle import ground_range_m
from goldendome.scenario.deployment import DeploymentPlan
from goldendome.scenario.loader import builtin_text, load_study, parse_scenario, study_text
from goldendome.scenario.partners import load_partners, public_figures
from goldendome.scenario.price_index import deflate
from goldendome.scenario.study import CoverageStudy, SizingStudy
from goldendome.sensors.presets import PRESETS

ORDER = ("price", "cbo", "schedule", "satellites", "leakage", "iron-dome", "budget", "canada")
"""The sections in the order the page shows them (the order of ``claims:`` in claims.yaml)."""

VERDICTS = ("Plausible", "Not supported", "Depends")
"""A verdict's first word: the claim holds as far as these studies can tell; it does not; or it turns on something
the claim leaves open (the rest of the verdict says what)."""

CONFIDENCE = 0.95
"""The confidence of the Monte Carlo intervals (Wilson's for P(no leaker), a mean-count interval for leakers)."""

Progress = Callable[[str], None]


@cache
def claims_data() -> dict:
    """``scenario/data/claims.yaml``: the claims' wording and sources, the figures they need, the study cases."""
    text = resources.files("goldendome.scenario").joinpath("data/claims.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def figure(name: str) -> float:
    """One sourced figure of claims.yaml, by name."""
    return float(claims_data()["figures"][name]["value"])


def figure_source(name: str) -> str:
    """A figure's source and verification note, one line."""
    f = claims_data()["figures"][name]
    return " ".join(f"{f['source']} ({f['check']})".split())


@dataclass(frozen=True)
class Settings:
    """How hard the claims are worked. trials: Monte Carlo trials per leakage case (>= 1); seed: the root seed of
    every Monte Carlo study (>= 0); workers: local processes for them (>= 1); quick: coarse SBI sizing (launch times
    every hour, the peer raid cut to a smaller salvo) for a smoke run, said on the page."""

    trials: int = 20
    seed: int = 20250520
    workers: int = 1
    quick: bool = False

    def __post_init__(self):
        for name, low in (("trials", 1), ("seed", 0), ("workers", 1)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ValueError(f"{name}: must be a whole number >= {low}, got {v!r}")


@dataclass
class Section:
    """One claim answered.

    key: the claim's key in claims.yaml (and the stem of its results files); verdict: a short judgement that starts
    with one of :data:`VERDICTS`; numbers: every figure the verdict says, by name (numbers, ISO dates, None where a
    thing never happens); tables: the tidy tables the page shows, by name; commands: the commands that reproduce the
    section (``DIR`` stands for the results folder); assumptions and sources: in words. What the page also writes
    whole: ``cost_studies`` (sub-folder -> report, written by ``io.results.write_cost``), ``sizing`` (sub-folder ->
    (study, rows, base result), by ``write_sizing``) and ``files`` (file name -> a study or scenario mapping the
    commands run).
    """

    key: str
    verdict: str
    numbers: dict
    tables: dict[str, pd.DataFrame]
    commands: list[str]
    assumptions: list[str]
    sources: list[str]
    cost_studies: dict[str, ArchitectureReport] = field(default_factory=dict)
    sizing: dict[str, tuple] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        if not self.verdict.startswith(VERDICTS):
            raise ValueError(f"verdict: must start with one of {VERDICTS}, got {self.verdict!r}")


@dataclass(frozen=True)
class _Reports:
    """The shipped cost studies the sections share, each evaluated once."""

    announced: ArchitectureReport  # golden-dome-175bn, bought once
    sustained: ArchitectureReport  # golden-dome-175bn, kept in orbit 20 years
    cbo: ArchitectureReport  # cbo-2026
    cbo_heavy: ArchitectureReport  # cbo-2026, variant cbo-implied-mass
    letter: ArchitectureReport  # cbo-2025-letter, highest-cost alternative


def answer_claims(out_dir: Path, settings: Settings = Settings(), progress: Progress | None = None) -> list[Section]:
    """Every claim of claims.yaml answered, in :data:`ORDER`. The Monte Carlo studies of the leakage section are
    written (and resumed) under ``out_dir/claims/leakage``; everything else is returned for the caller to write."""
    say = progress or (lambda what: None)
    say("cost studies: golden-dome-175bn, cbo-2026, cbo-2025-letter")
    reports = _Reports(
        evaluate("golden-dome-175bn", alternative="bought-once"),
        evaluate("golden-dome-175bn", alternative="sustained-20-years"),
        evaluate("cbo-2026"),
        evaluate("cbo-2026", variant="cbo-implied-mass"),
        evaluate("cbo-2025-letter", alternative="highest-cost"),
    )
    say("SBI sizing: one, ten and a peer raid of ICBMs, solid and liquid")
    satellites = satellites_section(settings, say)
    say("deployment schedules against January 2029")
    schedule = schedule_section(reports, satellites)
    say("what the budgets buy")
    price = price_section(reports)
    cbo = cbo_section(reports)
    leak_dir = Path(out_dir) / "claims" / "leakage"
    leakage = leakage_section(leak_dir, settings, say)
    say("Iron Dome's footprint against North America")
    iron = iron_dome_section()
    budget = budget_section(reports)
    say("Canada's bill under each sharing rule")
    canada = canada_section(reports, leak_dir / "icbm")
    by_key = {s.key: s for s in (price, cbo, schedule, satellites, leakage, iron, budget, canada)}
    return [by_key[k] for k in ORDER]


# ----------------------------------------------------------------------------------------------------------------
# 1. The price
# ----------------------------------------------------------------------------------------------------------------


def _budget_study(budget_usd: float, what: str, sbi: dict | None = None) -> dict:
    """The shipped golden-dome-175bn study with its budget replaced (both readings: bought once, kept 20 years),
    optionally with other SBI prices (``sbi``: fields laid over both SBI components)."""
    m = yaml.safe_load(study_text("golden-dome-175bn"))
    m["name"] = f"What {what} buys in SBIs"
    old = "Announced Golden Dome cost"
    for p in m["published"]:
        p["value_usd"] = float(budget_usd)
        p["label"] = p["label"].replace(old, what)
    for c in m["calibrate"]:
        c["to"] = c["to"].replace(old, what)
    if sbi:
        for c in m["components"]:
            c.update(sbi)
    return m


def _layer_study(preset: str, budget_usd: float, what: str) -> dict:
    """A one-component study: the budget spent on one cost preset, bought over three years and never replaced (as the
    bought-once reading of golden-dome-175bn), the quantity solved from the budget."""
    return {
        "kind": "cost",
        "name": f"{what} spent on {preset}",
        "dollars_year": 2025,
        "start_year": 2025,
        "horizon_years": 20,
        "components": [
            {
                "name": "units",
                "kind": load_cost_defaults()[preset]["kind"],
                "preset": preset,
                "quantity": 1000,
                "service_life_years": None,
                "deploy_start_year": 0,
                "deploy_years": 3,
                "ops_usd_per_unit_year": 0,
                "ops_fixed_usd_per_year": 0,
            }
        ],
        "published": [
            {
                "label": "budget",
                "value_usd": float(budget_usd),
                "scope": "acquisition",
                "check": False,
                "source": "the budget spent (a figure to solve the quantity from, not a check)",
            }
        ],
        "calibrate": [{"component": "units", "parameter": "quantity", "to": "budget"}],
    }


def _solved_quantity(study: dict, component: str) -> float:
    """The quantity a study's calibration solves for one component."""
    solved = calibrated(load_cost_study(study))
    return float(next(c.quantity for c in solved.components if c.name == component))


def _letter_sbis() -> list[dict]:
    """The SBIs of CBO's 2025 letter as the shipped study reads them: each alternative's average unit cost (solved
    from the letter's earlier totals) with the mass of its reading, in the letter's 2025 dollars."""
    letter = calibrated(load_cost_study("cbo-2025-letter"))
    return [
        {"average_unit_cost_usd": c.average_unit_cost_usd, "unit_mass_kg": c.unit_mass_kg, "dollars_year": 2025}
        for c in letter.components
    ]


def price_section(reports: _Reports) -> Section:
    """What the announced $175bn and the initial $25bn buy at published prices: SBIs (bought once, or kept in orbit
    20 years), the launches they take, or any one layer alone."""
    announced = float(reports.announced.study.published[0].value_usd)
    initial = figure("initial_appropriation_usd")

    def afford(budget: float, what: str, component: str, sbi: dict | None = None) -> int:
        return math.floor(_solved_quantity(_budget_study(budget, what, sbi), component))  # whole SBIs only

    sbis = afford(announced, "The announced budget", "sbi-bought-once")
    sustained = afford(announced, "The announced budget", "sbi-sustained")
    sbis_initial = afford(initial, "The initial appropriation", "sbi-bought-once")
    spread = [afford(announced, "The announced budget", "sbi-bought-once", sbi) for sbi in _letter_sbis()]
    rows = []
    for preset in claims_data()["price_layers"]:  # the cost presets a budget is spent on, one at a time
        comp = calibrated(load_cost_study(_layer_study(preset, announced, "$175bn"))).components[0]
        price_2025 = float(deflate(comp.average_unit_cost_usd, comp.dollars_year or 2025, 2025))
        rows.append(
            {
                "layer": claims_data()["price_layers"][preset],
                "unit_price_usd": price_2025,
                "units_initial": math.floor(_solved_quantity(_layer_study(preset, initial, "$25bn"), "units")),
                "units_announced": math.floor(comp.quantity),
            }
        )
    buys = pd.DataFrame(rows)
    sched = reports.announced.schedule
    cbo_total = reports.cbo.cost.total_usd
    numbers = {
        "announced_usd": announced,
        "initial_usd": initial,
        "dollars_year": reports.announced.cost.dollars_year,
        "sbis_announced": sbis,
        "sbis_announced_lo": min(spread + [sbis]),
        "sbis_announced_hi": max(spread + [sbis]),
        "sbis_sustained": sustained,
        "sbis_initial": sbis_initial,
        "launches_to_fill": sched.launches_to_fill,
        "sbis_per_launch": sched.mean_per_launch,
        "cbo_sbis": figure("cbo_2026_sbis"),
        "cbo_total_usd": cbo_total,
        "announced_over_cbo": announced / cbo_total,
    }
    return Section(
        "price",
        "Depends on what is counted",
        numbers,
        {"buys": buys},
        [
            "goldendome cost golden-dome-175bn --plot --out DIR/claims/price/golden-dome-175bn",
            "goldendome cost golden-dome-175bn --alternative sustained-20-years",
            "goldendome cost DIR/claims/price/initial-25bn.yaml",
        ],
        [
            "Every dollar goes to the item of a row, none to sensors, ground layers or command and control: an upper "
            "bound on what the money buys.",
            "'Bought once': deployed over three years and never replaced (CBO's SBIs last five years); 'kept in "
            "orbit': rebought every five years for twenty years with their operations, as CBO counts.",
            "SBIs at CBO 2026's $22M each, 1,250 kg at $500/kg to orbit; the range uses instead the average unit "
            "costs and masses that the shipped study of CBO's 2025 letter reads from its earlier totals.",
            "Launches: Falcon 9 to a 400 km, 50 deg orbit, as the cost studies' schedule (goldendome.analysis."
            "schedule); the tracking satellite's launch is not priced (its preset gives no mass).",
            "The $175bn is read as 2025 dollars; other prices are converted with the shipped deflators.",
        ],
        [
            claims_data()["claims"]["price"]["said"],
            figure_source("initial_appropriation_usd"),
            "Prices: scenario/data/cost_defaults.yaml and effectors/data/interceptors.yaml (each with its source).",
            figure_source("cbo_2026_sbis"),
        ],
        cost_studies={"golden-dome-175bn": reports.announced},
        files={"initial-25bn.yaml": _budget_study(initial, "The initial appropriation")},
    )


# ----------------------------------------------------------------------------------------------------------------
# 2. CBO's estimates
# ----------------------------------------------------------------------------------------------------------------


def cbo_section(reports: _Reports) -> Section:
    """CBO's published totals beside the shipped studies' reproductions of them from CBO's stated assumptions."""
    cbo = reports.cbo.published.assign(study="CBO 2026")
    letter = reports.letter.published
    letter = letter[~letter["calibrated"].astype(bool)].assign(study="CBO letter, May 2025")
    cols = ["study", "label", "published_usd", "ours_usd", "rel_diff", "within_tolerance"]
    table = pd.concat([cbo[cols], letter[cols]], ignore_index=True)
    whole = cbo[cbo["label"].str.startswith("Whole")].iloc[0]
    layer = cbo[cbo["label"] == "SBI layer acquisition, 20 years"].iloc[0]
    high = letter[letter["label"].str.startswith("Highest-cost alternative, today's")]
    implied = reports.letter.implied
    heavy = implied[implied["figure"].str.startswith("Highest-cost alternative, today's")]
    numbers = {
        "cbo_total_published_usd": float(whole.published_usd),
        "cbo_total_ours_usd": float(whole.ours_usd),
        "cbo_total_rel": float(whole.rel_diff),
        "sbi_layer_published_usd": float(layer.published_usd),
        "sbi_layer_ours_usd": float(layer.ours_usd),
        "sbi_layer_rel": float(layer.rel_diff),
        "letter_published_usd": float(high.published_usd.iloc[0]),
        "letter_ours_lo_usd": float(high.ours_usd.min()),
        "letter_ours_hi_usd": float(high.ours_usd.max()),
        "letter_rel_lo": float(high.rel_diff.min()),
        "letter_rel_hi": float(high.rel_diff.max()),
        "letter_mass_as_written_lo_kg": float(heavy.as_written.min()),
        "letter_mass_as_written_hi_kg": float(heavy.as_written.max()),
        "letter_mass_implied_lo_kg": float(heavy.implied.min()),
        "letter_mass_implied_hi_kg": float(heavy.implied.max()),
    }
    return Section(
        "cbo",
        "Plausible for CBO's national system; the space-based layer depends on the SBI mass",
        numbers,
        {"reproduction": table},
        [
            "goldendome cost cbo-2026 --plot --out DIR/claims/cbo/cbo-2026",
            "goldendome cost cbo-2025-letter --alternative highest-cost --plot --out DIR/claims/cbo/cbo-2025-letter",
        ],
        [
            "CBO 2026's SBI layer is rebuilt from its stated assumptions (7,800 SBIs, $22M each, 5-year life, "
            "$500/kg); the rest of its system is one aggregate derived from CBO's shares, so the $1.19 trillion "
            "checks the SBI layer and that arithmetic, not an independent estimate of the other layers.",
            "The letter's SBI masses and the unit of its launch prices were not readable: both readings (per kg, "
            "per pound) are costed; each alternative's unit cost is solved from the letter's earlier total, so only "
            "the figures with today's launch prices are checks (the others agree by construction and are left out).",
            "The 'implied mass' is the SBI mass that would make our total equal the letter's, all else as written.",
        ],
        [claims_data()["claims"]["cbo"]["said"], *reports.cbo.study.sources, *reports.letter.study.sources],
        cost_studies={"cbo-2026": reports.cbo, "cbo-2025-letter": reports.letter},
    )


# ----------------------------------------------------------------------------------------------------------------
# 3. The schedule
# ----------------------------------------------------------------------------------------------------------------


def _plan_for(base: DeploymentPlan, n: int, mass_kg: float, **more) -> DeploymentPlan:
    """The plan with another constellation size and satellite mass (and any other field of ``more``)."""
    return DeploymentPlan.model_validate(
        base.model_dump() | {"n_satellites": max(1, int(n)), "sat_mass_kg": mass_kg} | more
    )


def largest_by_deadline(base: DeploymentPlan, mass_kg: float, deadline: dt.date, upper: int = 1_000_000) -> int:
    """The largest constellation a plan (its production and launch rates, this satellite mass) has wholly in orbit
    by the deadline: bisection on the size over :func:`goldendome.analysis.schedule.deploy` (0 if not even one)."""
    years = deadline.year - base.production_start.year + 1  # the months up to the deadline are all that matter

    def met(n: int) -> bool:
        s = deploy(_plan_for(base, n, mass_kg, horizon_years=years))
        return s.full_capability is not None and s.full_capability <= deadline

    if not met(1):
        return 0
    lo, hi = 1, 2
    while met(hi):
        lo, hi = hi, hi * 2
        if hi > upper:
            return upper
    sizes = range(lo, hi + 1)
    k = bisect.bisect_left(sizes, True, key=lambda n: not met(n))
    return sizes[k - 1]


def schedule_section(reports: _Reports, satellites: Section) -> Section:
    """When the architectures the claims need could be wholly in orbit, with the production and launch rates of the
    cost studies' schedule (the whole 2024 Falcon 9 record, Starlink's production rate), against January 2029."""
    deadline = reports.cbo.study.deadline
    base = deployment_plan("cbo-2026")
    heavy_mass = float(deployment_plan("cbo-2026", "cbo-implied-mass").sat_mass_kg)
    sbi_mass = float(sbi_design(_sizing_design()).mass_kg)
    sized = satellites.tables["sizing"]
    solid = sized[sized["propellant"] == "solid"]
    arch = [
        ("CBO 2026: 7,800 SBIs of 1,250 kg", base),
        ("CBO 2026: 7,800 SBIs of 2,350 kg", _plan_for(base, base.n_satellites, heavy_mass)),
        ("The SBIs $175bn buys once (production from June 2025)", reports.announced.schedule.plan),
    ]
    for row in solid.to_dict("records"):
        if pd.notna(row["simulated_sbis"]):
            arch.append((f"Sized for {row['threat']} (solid)", _plan_for(base, row["simulated_sbis"], sbi_mass)))
    rows, months = [], []
    for label, plan in arch:
        s = deploy(plan)
        v = s.verdict(deadline)
        need = v.needs_launches_per_year if v.needs_launches_per_year is not None else None
        rows.append(
            {
                "architecture": label,
                "n_satellites": plan.n_satellites,
                "sat_mass_kg": plan.sat_mass_kg,
                "per_launch": s.mean_per_launch,
                "full_capability": None if s.full_capability is None else s.full_capability.isoformat(),
                "meets_deadline": bool(v.met),
                "needs_launches_per_year": None if need is None or not math.isfinite(need) else float(need),
            }
        )
        t = s.table
        months.append(pd.DataFrame({"architecture": label, "month": t["month"], "in_orbit": t["in_orbit"]}))
    table = pd.DataFrame(rows)
    cbo_row, heavy_row = rows[0], rows[1]
    largest = [largest_by_deadline(base, m, deadline) for m in (base.sat_mass_kg, heavy_mass)]
    numbers = {
        "deadline": deadline.isoformat(),
        "cbo_full_capability": cbo_row["full_capability"],
        "cbo_heavy_full_capability": heavy_row["full_capability"],
        "cbo_needs_launches_per_year": cbo_row["needs_launches_per_year"],
        "launches_per_year": base.total_launches_per_year,
        "cbo_sbis": base.n_satellites,
        "largest_by_deadline_lo": min(largest),
        "largest_by_deadline_hi": max(largest),
        "mass_lo_kg": base.sat_mass_kg,
        "mass_hi_kg": heavy_mass,
        "met_count": int(sum(r["meets_deadline"] for r in rows)),
        "architectures": len(rows),
    }
    verdict = "Not supported" if not cbo_row["meets_deadline"] else "Plausible"
    return Section(
        "schedule",
        verdict,
        numbers,
        {"architectures": table, "in_orbit": pd.concat(months, ignore_index=True)},
        [
            "goldendome cost cbo-2026 --plot --out DIR/claims/cbo/cbo-2026",
            "goldendome cost cbo-2026 --variant cbo-implied-mass",
            "goldendome cost golden-dome-175bn --plot --out DIR/claims/price/golden-dome-175bn",
        ],
        [
            "Every architecture is deployed with the cbo-2026 study's schedule: production from January 2026 "
            "ramping from 1,000 to 3,640 a year over two years (Starlink's 2025 rate), the first launch six months "
            "later, 134 Falcon 9 launches a year (the whole 2024 Falcon record given to this one programme), a 400 km, "
            "50 deg orbit, a 5-year life; both rates are generous.",
            "Full capability: the month the whole constellation is first in orbit; an architecture that never gets "
            "there within 20 years (retirements outrun launches) has none.",
            "The sized architectures take their SBI counts from the 'thousands of satellites' section (solid "
            "boosters, the APS 2003 optimistic SBI of 1,250 kg).",
            "The largest constellation in orbit by the deadline is found by bisection on its size, all else equal, "
            "for both SBI masses CBO's figures allow (1,250 and 2,350 kg).",
        ],
        [
            claims_data()["claims"]["schedule"]["said"],
            *reports.cbo.study.sources,
            "Launch vehicles and production: scenario/data/launch_vehicles.yaml (each figure with its source).",
        ],
    )


# ----------------------------------------------------------------------------------------------------------------
# 4. The satellites
# ----------------------------------------------------------------------------------------------------------------


def _sizing_design() -> str:
    return load_study(claims_data()["sizing"]["base_study"], SizingStudy).sbi.design


def sizing_studies(quick: bool = False) -> dict[str, SizingStudy]:
    """The sizing cases of claims.yaml, each a :class:`SizingStudy` (no sweeps), by folder name
    ``<case>-<propellant>``; quick: launch times every hour and the peer raid cut to a smaller salvo."""
    cfg = claims_data()["sizing"]
    base = yaml.safe_load(study_text(cfg["base_study"]))
    out = {}
    for case, c in cfg["cases"].items():
        peer = c["salvo"] > 10
        salvo = min(c["salvo"], cfg["quick_peer_salvo"]) if quick and peer else c["salvo"]
        step = cfg["quick_step_s"] if quick else (cfg["peer_step_s"] if peer else cfg["step_s"])
        for propellant, missile in cfg["missiles"].items():
            m = copy.deepcopy(base)
            label = c["label"] if salvo == c["salvo"] else f"a peer raid of {salvo} ICBMs"
            m["name"] = f"{label[0].upper()}{label[1:]} ({propellant} boosters)"
            m["threat"] = {
                "missile": missile,
                "launch_sites": [{"name": c["launch"]}],
                "aim": {"name": c["aim"]},
                "salvo": salvo,
            }
            m["launch_times"] = {"duration_h": 24, "step_s": step}
            m.pop("sweeps", None)
            out[f"{case}-{propellant}"] = SizingStudy.model_validate(m)
    return out


def satellites_section(settings: Settings, say: Progress) -> Section:
    """How many SBIs it takes, for which threat, solid against liquid boosters; and how many satellites it takes to
    see the launch."""
    cfg = claims_data()["sizing"]
    rows, sizing = [], {}
    for folder, study in sizing_studies(settings.quick).items():
        case, propellant = folder.rsplit("-", 1)
        say(f"  sizing {study.name}")
        got, base = run_sizing_study(study)
        r = got[0]
        sizing[folder] = (study, got, base)
        rows.append(
            {
                "case": case,
                "threat": study.name[0].lower() + study.name[1:].rsplit(" (", 1)[0],
                "propellant": propellant,
                "missile": r["missile"],
                "salvo": r["salvo"],
                "burnout_s": r.get("burnout_s"),
                "simulated_sbis": r["simulated_sbis"],
                "analytic_sbis": r["analytic_sbis"],
                "mass_in_orbit_t": r.get("mass_in_orbit_t"),
                "launch_times": len(np.arange(0.0, study.launch_times.duration_h * 3600.0, study.launch_times.step_s)),
            }
        )
    table = pd.DataFrame(rows)
    say("  coverage of the Korean peninsula by the warning and tracking layers")
    cov_study = load_study("coverage-korea", CoverageStudy)
    layers = pd.DataFrame([layer_summary(lc) for lc in run_coverage(cov_study)])
    layers["layer"] = [PRESETS[name].description.split(":")[0] for name in layers["layer"]]
    layers = layers[
        ["layer", "satellites", "covered_fraction", "stereo_fraction", "first_detection_s_median", "never_seen"]
    ]

    def get(case: str, propellant: str, col: str):
        v = table.loc[(table.case == case) & (table.propellant == propellant), col]
        return None if v.empty or pd.isna(v.iloc[0]) else float(v.iloc[0])

    cases = list(cfg["cases"])
    numbers = {
        f"{c}_{p}_{what}": get(c, p, col)
        for c in cases
        for p in cfg["missiles"]
        for what, col in (("sbis", "simulated_sbis"), ("analytic", "analytic_sbis"))
    }
    peer = table[table.case == cases[-1]]
    numbers |= {
        "peer_salvo": int(peer.salvo.iloc[0]),
        "aps_2003_sbis": figure("aps_2003_sbis_one_solid_icbm"),
        "cbo_sbis": figure("cbo_2026_sbis"),
        "cbo_targets": figure("cbo_2026_simultaneous_targets"),
        "sensing_satellites_lo": int(layers.satellites.min()),
        "sensing_satellites_hi": int(layers.satellites.max()),
        "first_detection_lo_s": float(layers.first_detection_s_median.min()),
        "first_detection_hi_s": float(layers.first_detection_s_median.max()),
        "quick": settings.quick,
    }
    study = sizing_studies(settings.quick)
    notes = [c.get("note") for c in cfg["cases"].values() if c.get("note")]
    return Section(
        "satellites",
        "Depends on the threat",
        numbers,
        {"sizing": table, "sensing": layers},
        [
            *(f"goldendome sbi size DIR/claims/satellites/{k}/study.yaml --plot --out DIR/sizing/{k}" for k in study),
            "goldendome coverage coverage-korea --plot --out DIR/claims/satellites/coverage-korea",
        ],
        [
            "SBIs: the shipped sbi-quick setting (APS 2003's 'optimistic' SBI, 4 km/s and 10 g, in a 300 km shell "
            "inclined 45 deg, released 90 s after launch), one SBI per booster; a constellation passes when every "
            "booster of the salvo has its own SBI within reach before burnout at the worst of the launch times of a "
            "day tried (bipartite matching); the analytic mean-density estimate is the lower end.",
            "Solid boosters burn out sooner (the table's burnout times; about 170 s against 250 s in the APS 2003 "
            "study, ../shared/references.md), so fewer SBIs are near enough in time: more are needed.",
            *(n for n in notes),
            "The peer raid is sized on a coarser grid of launch times than the North Korean cases, to keep the run "
            "short: a finer grid can only find a worse launch time, so its count is a lower bound."
            if not settings.quick
            else "QUICK RUN: every case sized at one launch time an hour and the peer raid cut to "
            f"{cfg['quick_peer_salvo']} missiles; rerun without --quick for the figures of record.",
            "Seeing the launch: the shipped coverage-korea study (a 28-satellite low-orbit tracking layer and a "
            "6-satellite GEO/HEO warning layer over the Korean peninsula).",
        ],
        [
            claims_data()["claims"]["satellites"]["said"],
            figure_source("aps_2003_sbis_one_solid_icbm"),
            figure_source("cbo_2026_sbis"),
            "SBI and sensor designs: effectors/data/sbi.yaml, sensors/presets.py (each figure with its source).",
        ],
        sizing=sizing,
        files={f"{k}/study.yaml": s.model_dump(mode="json") for k, s in study.items()},
    )


# ----------------------------------------------------------------------------------------------------------------
# 5. Missiles from the other side of the world, or from space
# ----------------------------------------------------------------------------------------------------------------


def leakage_scenarios() -> dict[str, dict]:
    """The Monte Carlo cases of claims.yaml as scenario mappings: the defence, sensors and constellations of the
    named built-in scenario, fighting each case's threats."""
    cfg = claims_data()["leakage"]
    base = yaml.safe_load(builtin_text(cfg["defence_from"]))
    out = {}
    for key, c in cfg["cases"].items():
        m = copy.deepcopy(base)
        threats = yaml.safe_load(builtin_text(c["threats_from"]))["threats"] if "threats_from" in c else c["threats"]
        m["threats"] = copy.deepcopy(threats)
        m["name"] = f"{c['label'][0].upper()}{c['label'][1:]} against the defence of {cfg['defence_from']}"
        m["description"] = (
            f"The defence, sensors and constellations of the built-in {cfg['defence_from']} scenario against "
            f"{c['label']} (goldendome claims)."
        )
        m["duration_min"] = cfg["duration_min"]
        out[key] = m
    return out


def leakage_section(folder: Path, settings: Settings, say: Progress) -> Section:
    """Leakage with confidence intervals for ICBMs, fractional orbits and glide vehicles against one Golden-Dome-like
    defence: one small Monte Carlo study per case in ``folder/<case>`` (resumed, or extended, when run again)."""
    cfg = claims_data()["leakage"]
    rows, numbers, files = [], {}, {}
    for key, m in leakage_scenarios().items():
        scn = parse_scenario(yaml.safe_dump(m, sort_keys=False), source=f"claims leakage case {key}")
        out = folder / key
        say(f"  Monte Carlo: {m['name']} ({settings.trials} trials)")
        try:
            summary = run_battle_study(scn, settings.trials, out, root_seed=settings.seed, workers=settings.workers)
        except StudyMismatch as exc:
            raise ValueError(
                f"--out: {out} holds a Monte Carlo study of another seed or scenario ({exc}); give another --out "
                "folder, or remove that one"
            ) from None
        st = study_stats(out, CONFIDENCE)
        lethal = st.lethal_per_trial
        frac = (st.leakers_mean / lethal, st.leakers_ci[0] / lethal, min(1.0, st.leakers_ci[1] / lethal))
        rounds = st.layers.set_index("layer")["rounds"] if len(st.layers) else pd.Series(dtype=float)
        rows.append(
            {
                "case": cfg["cases"][key]["label"],
                "trials": st.trials,
                "lethal_per_trial": lethal,
                "p_zero": st.p_zero,
                "p_zero_lo": st.p_zero_ci[0],
                "p_zero_hi": st.p_zero_ci[1],
                "leaked_fraction": frac[0],
                "leaked_fraction_lo": frac[1],
                "leaked_fraction_hi": frac[2],
                "rounds": float(rounds.sum()),
                "cost_mean_musd": st.cost_mean_musd,
            }
        )
        numbers |= {
            f"{key}_trials": st.trials,
            f"{key}_failed": summary.failed,
            f"{key}_lethal": lethal,
            f"{key}_p_zero": st.p_zero,
            f"{key}_p_zero_lo": st.p_zero_ci[0],
            f"{key}_p_zero_hi": st.p_zero_ci[1],
            f"{key}_leaked": frac[0],
            f"{key}_leaked_lo": frac[1],
            f"{key}_leaked_hi": frac[2],
            f"{key}_rounds": float(rounds.sum()),
            f"{key}_boost_rounds": float(rounds.get("boost", 0.0)),
        }
        files[f"{key}.yaml"] = m
    numbers["seed"] = settings.seed
    numbers["confidence"] = CONFIDENCE
    table = pd.DataFrame(rows)
    # not supported when, for some threat, more than half of what flies leaks even at the low end of its interval
    worst = max(numbers[f"{k}_leaked_lo"] for k in cfg["cases"])
    verdict = "Not supported" if worst > 0.5 else "Depends on the threat"
    notes = [c["note"] for c in cfg["cases"].values() if c.get("note")]
    return Section(
        "leakage",
        verdict,
        numbers,
        {"leakage": table},
        [
            f"goldendome mc DIR/claims/leakage/{k}.yaml --trials {settings.trials} --seed {settings.seed} "
            f"--out DIR/mc-{k}"
            for k in cfg["cases"]
        ],
        [
            f"The defence is that of the built-in {cfg['defence_from']} scenario (a Golden-Dome-like architecture "
            "of 2030: 7,800 SBIs, a 2,400-satellite tracking layer, the NORAD/MDA radars including Canada's Arctic "
            "over-the-horizon radar, 44 GBIs and 20 NGIs, four THAAD and seven PAC-3 MSE batteries), two "
            "interceptors an engagement and one more look.",
            "The battle fires on the radars' tracks: as in that scenario, the infrared tracking layer only cues the "
            "SBIs (first detection) and is not fused into the track picture, which would take minutes of computing "
            "a trial here. The radars look north and west, so an attack from the south is judged without tracking "
            "from space; to try it, give the fractional-orbit case's file a tracking section that fuses the space "
            "layers (goldendome scenario schema) and run it with goldendome run.",
            "Each trial draws the sensors' noise, the decoy discrimination and every kill from its own seed; the "
            "intervals are Wilson's for P(no leaker) and an interval for a mean count, never below zero, for the "
            "share of lethal objects leaked (goldendome.analysis.leakage).",
            "In this model the SBIs engage ballistic boosters only: the boosters of fractional-orbit and glide "
            "attacks are not offered to them (a limit of the model, not a finding).",
            *notes,
            f"{settings.trials} trials a case (--trials raises it; a rerun extends the studies).",
        ],
        [
            claims_data()["claims"]["leakage"]["said"],
            "Scenario, threats and defence: scenario/builtin/"
            f"{cfg['defence_from']}.yaml and critique-salvo.yaml (every figure with its source).",
        ],
        files=files,
    )


# ----------------------------------------------------------------------------------------------------------------
# 6. Iron Dome's footprint against North America
# ----------------------------------------------------------------------------------------------------------------


def cap_area_km2(reach_m: float) -> float:
    """Area of the ground within a great-circle distance of a point on a sphere of the Earth's mean radius, km^2:
    2 pi R^2 (1 - cos(d / R)), the spherical cap (the flat pi d^2 below ~1,000 km)."""
    return 2.0 * math.pi * R_EARTH_MEAN_M**2 * (1.0 - math.cos(min(reach_m / R_EARTH_MEAN_M, math.pi))) / 1e6


def sites_to_cover(lat_rad: np.ndarray, lon_rad: np.ndarray, reach_m: float) -> int:
    """Fewest sites, each at one of the points, that put every point within ``reach_m`` of a site: greedy set cover
    (each step takes the site covering most points not yet covered; within a factor ln(n) of the optimum, Chvatal
    1979). Points are the defended metros' centres, so a footprint smaller than a metro is undercounted."""
    d = ground_range_m(lat_rad[:, None], lon_rad[:, None], lat_rad[None, :], lon_rad[None, :])
    covers = d <= reach_m
    left = np.ones(len(lat_rad), bool)
    sites = 0
    while left.any():
        best = int(np.argmax((covers & left[None, :]).sum(axis=1)))
        left &= ~covers[best]
        sites += 1
    return sites


def iron_dome_section() -> Section:
    """Covering North America's populated areas with batteries of Iron Dome's footprint, against what Israel's area
    takes; and what the homeland layers' footprints cover instead."""
    partners = load_partners()
    us, ca = partners["US"], partners["CA"]
    il_land, il_total = figure("israel_land_area_km2"), figure("israel_total_area_km2")
    footprint = figure("iron_dome_battery_area_km2")
    deployed = figure("iron_dome_batteries_deployed")
    nation = figure("iron_dome_batteries_for_nation")
    nation_footprint = il_land / nation  # the area one battery defends if 13 defend the nation
    us_urban = figure("us_urban_land_share") * us.land_area_km2
    ca_built = figure("canada_built_up_area_km2")
    populated = us_urban + ca_built
    land = us.land_area_km2 + ca.land_area_km2
    areas = pd.DataFrame(
        [
            ("Israel, all land", il_land, il_land / footprint, deployed),
            ("United States, urban areas (3 % of land)", us_urban, us_urban / footprint, None),
            ("Canada, built-up metropolitan land", ca_built, ca_built / footprint, None),
            ("United States and Canada, populated areas", populated, populated / footprint, None),
            ("United States and Canada, all land", land, land / footprint, None),
        ],
        columns=["region", "area_km2", "batteries_needed", "batteries_deployed"],
    )
    assets = load_assets().select(countries=["US", "CA"], kinds=["metro"])
    layers = []
    for name, what in (
        ("tamir", "Iron Dome (Tamir)"),
        ("pac3-mse", "PAC-3 MSE"),
        ("thaad", "THAAD"),
        ("gbi", "GBI / NGI (midcourse)"),
    ):
        w = interceptor(name)
        reach_m = w.max_range_m
        layers.append(
            {
                "interceptor": what,
                "reach_km": w.max_range_m / 1e3,
                "footprint_km2": footprint if name == "tamir" else cap_area_km2(reach_m),
                "sites_for_metros": None
                if name == "tamir"
                else sites_to_cover(assets.lat_rad, assets.lon_rad, reach_m),
                "engages_icbm_warheads": w.kill_probability("rv") > 0,
            }
        )
    layers = pd.DataFrame(layers)
    numbers = {
        "us_over_israel": us.total_area_km2 / il_total,
        "israel_land_km2": il_land,
        "footprint_km2": footprint,
        "israel_blanket_batteries": il_land / footprint,
        "israel_deployed": deployed,
        "israel_covered_share": deployed * footprint / il_land,
        "israel_for_nation": nation,
        "nation_footprint_km2": nation_footprint,
        "populated_km2": populated,
        "populated_batteries": populated / footprint,
        "populated_batteries_lo": populated / nation_footprint,
        "populated_over_israel_deployed": populated / footprint / deployed,
        "land_batteries": land / footprint,
        "battery_cost_usd": figure("iron_dome_battery_cost_usd"),
        "populated_cost_usd": populated / footprint * figure("iron_dome_battery_cost_usd"),
        "metros": len(assets),
        "gbi_sites": int(layers.loc[layers.interceptor.str.startswith("GBI"), "sites_for_metros"].iloc[0]),
        "thaad_sites": int(layers.loc[layers.interceptor == "THAAD", "sites_for_metros"].iloc[0]),
        "tamir_engages_rv": bool(layers.engages_icbm_warheads.iloc[0]),
    }
    return Section(
        "iron-dome",
        "Not supported",
        numbers,
        {"areas": areas, "footprints": layers},
        ["goldendome claims --out DIR", "goldendome interceptor show tamir", "goldendome interceptor show gbi"],
        [
            "Batteries needed = area / the area one battery defends: a tiling with no overlap and no gaps, a lower "
            "bound for any real layout (circles overlap). Iron Dome's area is the published area a battery defends "
            "(it engages only rockets aimed there), not a disc of its 70 km engagement range.",
            "The low end reads Iron Dome's footprint from Israel's own statement that 13 batteries defend the "
            "nation: the land of Israel / 13 per battery, which holds only because rockets come from known "
            "directions and only those aimed at built-up areas are engaged.",
            "Populated areas: US Census urban areas (about 3 % of US land) and Canada's built-up metropolitan land "
            "(the definitions differ; Canada's leaves out its smaller towns).",
            "Sites to cover the defended metros: the 50 largest US metros with Anchorage and Honolulu and the 15 "
            "largest Canadian ones (c2/data/assets.yaml), each site at a metro, every metro's centre within an "
            "interceptor's ground reach (the catalogue's envelope, a modelling choice for GBI); greedy set cover.",
            "Whether a layer engages ICBM warheads: the interceptor catalogue's kill-probability table "
            "(effectors/data/interceptors.yaml).",
        ],
        [
            claims_data()["claims"]["iron-dome"]["said"],
            *(
                figure_source(k)
                for k in (
                    "israel_land_area_km2",
                    "iron_dome_battery_area_km2",
                    "iron_dome_batteries_deployed",
                    "iron_dome_batteries_for_nation",
                    "iron_dome_battery_cost_usd",
                    "us_urban_land_share",
                    "canada_built_up_area_km2",
                )
            ),
            f"US and Canadian land areas: {us.sources['land_area_km2']}; {ca.sources['land_area_km2']}",
        ],
    )


# ----------------------------------------------------------------------------------------------------------------
# 7. The defence budget
# ----------------------------------------------------------------------------------------------------------------


def budget_section(reports: _Reports) -> Section:
    """The architectures' cost a year against the US national defence budget and DoD's investment accounts, in
    constant FY2026 dollars."""
    year = 2026
    defense = figure("us_national_defense_fy2026_request_usd")
    discretionary = figure("us_national_defense_fy2026_discretionary_usd")
    investment = float(deflate(figure("dod_procurement_fy2025_usd") + figure("dod_rdte_fy2025_usd"), 2025, year))
    rows = []
    for label, rep in (
        ("The announced $175bn, bought over three years", reports.announced),
        ("CBO 2026 national system, 20 years", reports.cbo),
        ("CBO letter 2025, highest-cost SBI layer, 20 years (ours)", reports.letter),
    ):
        by_year = rep.cost.by_year()["total"]
        paid = by_year[by_year > 0]
        scale = float(deflate(1.0, rep.cost.dollars_year, year))
        mean, peak = float(paid.mean()) * scale, float(paid.max()) * scale
        rows.append(
            {
                "architecture": label,
                "years_paid": len(paid),
                "annual_cost_usd": mean,
                "peak_cost_usd": peak,
                "share_of_defense": mean / defense,
                "share_of_discretionary": mean / discretionary,
                "share_of_investment": mean / investment,
            }
        )
    table = pd.DataFrame(rows)
    ann, cbo = rows[0], rows[1]
    numbers = {
        "dollars_year": year,
        "defense_usd": defense,
        "discretionary_usd": discretionary,
        "investment_usd": investment,
        "announced_annual_usd": ann["annual_cost_usd"],
        "announced_share_lo": ann["share_of_defense"],
        "announced_share_hi": ann["share_of_discretionary"],
        "announced_investment_share": ann["share_of_investment"],
        "cbo_annual_usd": cbo["annual_cost_usd"],
        "cbo_peak_usd": cbo["peak_cost_usd"],
        "cbo_share_lo": cbo["share_of_defense"],
        "cbo_share_hi": cbo["share_of_discretionary"],
        "cbo_peak_share": cbo["peak_cost_usd"] / discretionary,
        "cbo_investment_share": cbo["share_of_investment"],
    }
    return Section(
        "budget",
        "Plausible",
        numbers,
        {"annual": table},
        [
            "goldendome cost golden-dome-175bn --plot --out DIR/claims/price/golden-dome-175bn",
            "goldendome cost cbo-2026 --plot --out DIR/claims/cbo/cbo-2026",
        ],
        [
            "Cost a year: the mean over the years with spending in each study's cost-by-year table, and its largest "
            "year, in constant FY2026 dollars (shipped deflators).",
            "Yardsticks: the FY2026 national defense request with and without its one-time reconciliation money, "
            "and DoD's FY2025 enacted procurement plus RDT&E (the accounts new systems are bought from), the latter "
            "converted to FY2026 dollars.",
            "A budget share says nothing of whether the money would be added or taken from other programmes.",
        ],
        [
            claims_data()["claims"]["budget"]["said"],
            *(
                figure_source(k)
                for k in (
                    "us_national_defense_fy2026_request_usd",
                    "us_national_defense_fy2026_discretionary_usd",
                    "dod_procurement_fy2025_usd",
                    "dod_rdte_fy2025_usd",
                )
            ),
        ],
    )


# ----------------------------------------------------------------------------------------------------------------
# 8. Canada's share
# ----------------------------------------------------------------------------------------------------------------


def canada_section(reports: _Reports, mc_folder: Path) -> Section:
    """Canada's bill under each sharing rule of :data:`goldendome.scenario.sharing.RULES`, for the announced total and
    CBO's 20-year system, beside the NORAD modernisation plan and the stated price to join; the ``benefit`` rule from
    the lives the ICBM Monte Carlo study's defence protects in each country."""
    inputs = {}
    benefit = None
    if (Path(mc_folder) / "study.json").exists():
        benefit = lives_protected(mc_folder)
        lives = {c: float(benefit.protected[benefit.country == c].sum()) for c in ("US", "CA")}
        if lives["CA"] > 0 and lives["US"] > 0:
            inputs["benefit"] = lives
    sh = reports.cbo.study.sharing
    announced, cbo = reports.announced.cost.total_usd, reports.cbo.cost.total_usd
    ann = share_costs(announced, None, sh.partners, inputs, sh.cad_per_usd, "about 3 years")
    sys20 = share_costs(cbo, None, sh.partners, inputs, sh.cad_per_usd, "20 years")
    norad_ratio = compare_with_public(sys20)
    norad_ratio = norad_ratio[norad_ratio.figure == "norad_modernization_2022"].set_index("rule")["bill_over_figure"]
    a, c = ann[ann.partner == "CA"].set_index("rule"), sys20[sys20.partner == "CA"].set_index("rule")
    bills = pd.DataFrame(
        {
            "rule": list(a.index),
            "share": a["share"].to_numpy(),
            "announced_bill_cad": a["bill_cad"].to_numpy(),
            "cbo_bill_cad": c.loc[a.index, "bill_cad"].to_numpy(),
            "cbo_over_norad": norad_ratio.loc[a.index].to_numpy(),
        }
    )
    figs = public_figures()
    norad, join = figs["norad_modernization_2022"], figs["price_to_join_2025"]
    implied = implied_totals(float(join["value"]), "CA", None, sh.partners, inputs)
    implied = implied[["rule", "share", "implied_total_usd"]]
    nearest = implied.iloc[(implied.implied_total_usd - announced).abs().argmin()]
    numbers = {
        "cad_per_usd": sh.cad_per_usd,
        "announced_usd": announced,
        "cbo_usd": cbo,
        "cbo_bill_lo_cad": float(bills.cbo_bill_cad.min()),
        "cbo_bill_hi_cad": float(bills.cbo_bill_cad.max()),
        "announced_bill_lo_cad": float(bills.announced_bill_cad.min()),
        "announced_bill_hi_cad": float(bills.announced_bill_cad.max()),
        "norad_cad": float(norad["value"]),
        "norad_years": int(norad["horizon_years"]),
        "join_usd": float(join["value"]),
        "join_nearest_rule": str(nearest.rule),
        "join_nearest_total_usd": float(nearest.implied_total_usd),
        "join_nearest_share": float(nearest.share),
        "benefit_ca_share": float(inputs["benefit"]["CA"] / sum(inputs["benefit"].values())) if inputs else None,
        "cbo_over_norad_lo": float(bills.cbo_over_norad.min()),
        "cbo_over_norad_hi": float(bills.cbo_over_norad.max()),
    }
    return Section(
        "canada",
        "Depends on the sharing rule",
        numbers,
        {"bills": bills, "join": implied},
        [
            "goldendome cost cbo-2026 --plot --out DIR/claims/cbo/cbo-2026",
            f"goldendome cost cbo-2026 --benefit-from {mc_folder}",
            "goldendome cost golden-dome-175bn",
        ],
        [
            "Rules: a share per partner from GDP, population, the population of the defended metros, land area, the "
            "NORAD split (60/40, which applies to the North Warning System), equal shares, and lives protected "
            "(the ICBM Monte Carlo study's defence: the people of the defended metros its warheads strike without "
            "a defence, less those struck with it) where the study protects people in both countries.",
            f"Canada's bill in C$ at {sh.cad_per_usd:g} C$/US$ (2024 average); the bills share our totals, in the "
            "studies' constant dollars; the public figures are nominal dollars of their own years and programmes.",
            "The NORAD modernisation plan is not Golden Dome: it is set beside the bills for scale only.",
        ],
        [
            claims_data()["claims"]["canada"]["said"],
            " ".join(f"{norad['label']}: {norad['source']}".split()),
            " ".join(f"{join['label']}: {join['source']}".split()),
            "Sharing rules and partner figures: scenario/sharing.py and scenario/data/partners.yaml (each with its "
            "source).",
        ],
    )
