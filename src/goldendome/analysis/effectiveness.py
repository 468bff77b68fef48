"""Cost tied to what the system achieves: the price of one more simultaneous ICBM, the Pareto front of cost against
salvo capacity over SBI designs, the cost-exchange ratio of interceptors against the missiles they meet, and cost
against the probability that no warhead leaks (from Monte Carlo studies).

* **Marginal cost of salvo capacity.** The SBI sizing of :mod:`goldendome.analysis.sbi_study` gives the smallest
  Walker shell in which every booster of a salvo of n finds its own SBI at the worst launch time of a day; the
  lifecycle cost of :mod:`goldendome.analysis.cost` prices that shell (the cost component named in the study gets
  the sized quantity). The difference between salvo n and n-1 is what one more simultaneous ICBM costs over the
  horizon -- the quantity behind "the constellation grows in proportion to the number of simultaneous launches"
  (APS 2003).
* **Pareto front.** Sweeping the SBI's delta-v (or the shell's altitude) moves both the size of the shell and the
  mass of each SBI. The mass follows the rocket equation from the design's reference point,
  m(dv) = m_ref exp((dv - dv_ref) / (Isp g0)) with Isp = ``SBI_ISP_S`` (a solid motor; ASSUMPTION), while the
  unit cost is held (ASSUMPTION: a heavier motor costs little next to the seeker and divert system). The designs
  no other design beats on both cost and salvo capacity form the front.
* **Cost-exchange ratio.** An engagement fires ``shots`` interceptors and kills with 1 - (1 - p)^shots, so a kill
  costs shots x unit cost / (1 - (1 - p)^shots); divided by the cost of the missile it kills, this is the
  cost-exchange ratio (> 1: the defence pays more than the offence). For SBIs the unit that buys a shot is not one
  SBI but the share of the shell that keeps one in reach: ``in_orbit_per_engagement`` SBIs (the absentee ratio).
* **Cost against leakage.** Each Monte Carlo study folder (goldendome mc) gives P(no leaker) with its Wilson
  interval; set beside the cost of the architecture it fought with.

The questions as a cost study file asks them (its ``effectiveness:`` section) are
:mod:`goldendome.scenario.effectiveness`.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome.analysis import sbi_study
from goldendome.analysis.battle_stats import study_stats
from goldendome.analysis.cost import Variant, apply_variant, calibrated, lifecycle_cost, load_cost_study
from goldendome.effectors.interceptors import interceptor
from goldendome.physics.constants import G0_M_S2
from goldendome.scenario import loader
from goldendome.scenario.cost_presets import load_cost_defaults
from goldendome.scenario.effectiveness import ExchangeCase, LeakageCase, SizingCoupling
from goldendome.scenario.study import SizingStudy

SBI_ISP_S = 285.0
"""Specific impulse (s) of an SBI's solid motor, for the mass of a design of another delta-v (ASSUMPTION: a typical
solid-propellant vacuum Isp, e.g. Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., table 12-3)."""


def kill_cost(unit_cost_usd: float, shots: int, sspk: float) -> float:
    """Expected cost of one kill: an engagement of `shots` rounds costs shots x unit cost and kills with
    1 - (1 - p)^shots."""
    return shots * unit_cost_usd / (1.0 - (1.0 - sspk) ** shots)


def exchange_table(cases: list[ExchangeCase], sbi_unit_cost_usd: float | None = None) -> pd.DataFrame:
    """Cost-exchange ratio of each case (defaults: the interceptor catalogue's round price and single-shot kill
    probability against the threat class; an SBI at the ``sbi-cbo-2026`` cost preset's unit cost, CBO 2026's ~$22M)."""
    if sbi_unit_cost_usd is None:
        sbi_unit_cost_usd = load_cost_defaults()["sbi-cbo-2026"]["average_unit_cost_usd"]
    rows = []
    for i, c in enumerate(cases):
        if c.interceptor == "sbi":
            unit, p = c.unit_cost_usd or sbi_unit_cost_usd, c.sspk
            if p is None:
                raise ValueError(f"effectiveness.exchange[{i}].sspk: give the SBI's kill probability (no test record)")
        else:
            try:
                w = interceptor(c.interceptor)
            except KeyError as exc:
                raise ValueError(f"effectiveness.exchange[{i}].interceptor: {exc.args[0]}") from None
            unit = c.unit_cost_usd or w.round_cost_musd * 1e6
            p = c.sspk or w.kill_probability(c.threat_class)
            if p <= 0:
                raise ValueError(
                    f"effectiveness.exchange[{i}]: {c.interceptor} does not engage class "
                    f"{c.threat_class!r} (its table: {', '.join(w.sspk)})"
                )
        per_kill = kill_cost(unit * c.in_orbit_per_engagement, c.shots, p)
        rows.append(
            {
                "interceptor": c.interceptor,
                "threat": c.threat,
                "shots": c.shots,
                "sspk": p,
                "unit_cost_usd": unit,
                "in_orbit_per_engagement": c.in_orbit_per_engagement,
                "kill_probability": 1.0 - (1.0 - p) ** c.shots,
                "cost_per_kill_usd": per_kill,
                "threat_cost_usd": c.threat_cost_usd,
                "exchange_ratio": per_kill / c.threat_cost_usd,
                "source": c.source,
            }
        )
    return pd.DataFrame(rows)


def pareto_front(cost, capacity) -> np.ndarray:
    """Mask of the points no other point beats: cheaper-or-equal with more-or-equal capacity, one strictly."""
    cost, capacity = np.asarray(cost, float), np.asarray(capacity, float)
    better_cost = cost[None, :] <= cost[:, None]
    better_cap = capacity[None, :] >= capacity[:, None]
    strictly = (cost[None, :] < cost[:, None]) | (capacity[None, :] > capacity[:, None])
    dominated = np.any(better_cost & better_cap & strictly, axis=1)
    return ~dominated & np.isfinite(cost)


def sbi_mass_kg(mass_ref_kg: float, dv_ref_mps: float, dv_mps: float, isp_s: float = SBI_ISP_S) -> float:
    """Mass of an SBI of another delta-v, by the rocket equation from a reference design (see module docstring)."""
    return float(mass_ref_kg * np.exp((dv_mps - dv_ref_mps) / (isp_s * G0_M_S2)))


def sizing_cost(
    cost_study,
    coupling: SizingCoupling,
    progress: Callable[[str, float], None] | None = None,
    variant: str | None = None,
    alternative: str | None = None,
) -> pd.DataFrame:
    """Size the SBI shell for each salvo (and each swept design) and price it over the cost study's horizon.

    Rows: design (the swept value or 'base'), salvo, sbis (the simulated size, None if infeasible), unit_mass_kg,
    total_usd, marginal_usd (cost of the last simultaneous ICBM added, per design), pareto (on the front of cost
    against salvo capacity over every design and salvo)."""
    say = progress or (lambda what, frac: None)
    study = calibrated(load_cost_study(cost_study))  # calibrations hold at the written study, not per sized shell
    if variant is not None:
        study = apply_variant(study, variant)
    names = [c.name for c in study.components]
    if coupling.component not in names:
        raise ValueError(
            f"effectiveness.sizing.component: unknown component {coupling.component!r} (components: {', '.join(names)})"
        )
    sizing = loader.load_study(coupling.study, SizingStudy)
    base = sbi_study.base_point(sizing)
    comp = next(c for c in study.components if c.name == coupling.component)
    designs = (
        [("base", base)]
        if coupling.sweep is None
        else [(f"{coupling.sweep}={v:g}", sbi_study.vary_point(base, coupling.sweep, v)) for v in coupling.values]
    )
    rows, total_points, k = [], len(designs) * len(coupling.salvo), 0
    for label, point in designs:
        mass = comp.unit_mass_kg
        if coupling.sweep == "delta_v_mps" and np.isfinite(base.sbi.mass_kg):
            mass = sbi_mass_kg(base.sbi.mass_kg, base.sbi.delta_v_mps, point.sbi.delta_v_mps)
        for n in coupling.salvo:
            say(f"sizing {label}, salvo {n}", k / total_points)
            k += 1
            row, _ = sbi_study.run_point(sizing, sbi_study.vary_point(point, "salvo", n))
            sbis = row["simulated_sbis"]
            total = np.nan
            if sbis is not None:
                over = {"quantity": float(sbis)} | ({"unit_mass_kg": mass} if mass is not None else {})
                case = Variant(name="sized", overrides={coupling.component: over})
                sized = apply_variant(study.model_copy(update={"variants": [case]}), "sized")
                total = lifecycle_cost(sized, alternative).total_usd
            rows.append(
                {
                    "design": label,
                    "salvo": n,
                    "sbis": sbis,
                    "unit_mass_kg": mass,
                    "total_usd": total,
                    "infeasible": row.get("infeasible"),
                }
            )
    say("sizing done", 1.0)
    df = pd.DataFrame(rows)
    df["marginal_usd"] = df.groupby("design")["total_usd"].diff()
    df["pareto"] = pareto_front(df["total_usd"].to_numpy(), df["salvo"].to_numpy())
    return df


def leakage_table(cost_study, cases: list[LeakageCase], base_dir: Path | None = None) -> pd.DataFrame:
    """Cost of each architecture beside its Monte Carlo P(no leaker) (Wilson interval) and expected leakers."""
    rows = []
    for i, c in enumerate(cases):
        folder = Path(c.folder)
        if not folder.is_absolute() and base_dir is not None:
            folder = base_dir / folder
        if not (folder / "study.json").exists():
            raise ValueError(
                f"effectiveness.monte_carlo[{i}].folder: {folder} holds no Monte Carlo study (run "
                "goldendome mc SCENARIO --out FOLDER first)"
            )
        st = study_stats(folder)
        cost = c.cost_usd if c.cost_usd is not None else lifecycle_cost(cost_study, c.alternative, c.variant).total_usd
        rows.append(
            {
                "label": c.label,
                "cost_usd": cost,
                "trials": st.trials,
                "p_zero": st.p_zero,
                "p_zero_lo": st.p_zero_ci[0],
                "p_zero_hi": st.p_zero_ci[1],
                "leakers": st.leakers_mean,
                "cost_per_trial_interceptors_usd": st.cost_mean_musd * 1e6,
            }
        )
    return pd.DataFrame(rows)
