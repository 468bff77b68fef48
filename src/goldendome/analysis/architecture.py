"""One architecture study answered whole: what it costs (year by year, by component, beside the published figures),
when it can be deployed (and whether by its deadline), who pays under each sharing rule, and what the money buys
(cost-effectiveness). :func:`evaluate` runs every part a cost study file asks for; the CLI and the report present
the :class:`ArchitectureReport` it returns.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from goldendome.analysis.battle_stats import lives_protected
from goldendome.analysis.cost import (
    CostResult,
    CostStudy,
    compare_published,
    deployment_plan,
    implied_inputs,
    lifecycle_cost,
    load_cost_study,
)
from goldendome.analysis.effectiveness import exchange_table, leakage_table, sizing_cost
from goldendome.analysis.schedule import DeadlineVerdict, Schedule, deploy
from goldendome.analysis.sharing import compare_with_public, share_costs


@dataclass
class ArchitectureReport:
    """Everything a cost study produced (plain data; None where the study did not ask)."""

    study: CostStudy
    alternative: str | None
    variant: str | None
    cost: CostResult
    options: pd.DataFrame  # every alternative x (no variant, each variant): total_usd
    published: pd.DataFrame | None
    schedule: Schedule | None
    deadline: DeadlineVerdict | None
    sharing: pd.DataFrame
    public: pd.DataFrame
    sizing: pd.DataFrame | None = None
    exchange: pd.DataFrame | None = None
    leakage: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    benefit: pd.DataFrame | None = None  # lives protected by country, from sharing.benefit_from
    implied: pd.DataFrame | None = None  # inputs the published figures imply (the study's implied:)


def options_table(study: CostStudy) -> pd.DataFrame:
    """Total of every alternative (or the study itself) as written and under each variant."""
    alts = list(study.alternatives) or [None]
    rows = []
    for alt in alts:
        for var in [None, *[v.name for v in study.variants]]:
            res = lifecycle_cost(study, alternative=alt, variant=var)
            rows.append(
                {
                    "alternative": alt or "",
                    "variant": var or "as written",
                    "total_usd": res.total_usd,
                    "acquisition_usd": res.total(scope="acquisition"),
                    "operations_usd": res.total(scope="operations"),
                }
            )
    return pd.DataFrame(rows)


def benefit_inputs(folder: Path, partners) -> tuple[pd.DataFrame, dict[str, float]]:
    """The ``benefit`` rule's numbers from a Monte Carlo study folder: (lives protected by country, {partner:
    people protected}) -- see :func:`goldendome.analysis.battle_stats.lives_protected`."""
    if not (Path(folder) / "study.json").exists():
        raise ValueError(
            f"sharing.benefit_from: {folder} holds no Monte Carlo study (run goldendome mc SCENARIO --out FOLDER first)"
        )
    table = lives_protected(folder)
    return table, {p: float(table.protected[table.country == p].sum()) for p in partners}


def evaluate(
    source,
    alternative: str | None = None,
    variant: str | None = None,
    progress=None,
    base_dir: Path | None = None,
    benefit_from: Path | None = None,
) -> ArchitectureReport:
    """Answer a cost study (file, built-in name or mapping): cost, schedule, sharing, effectiveness. benefit_from:
    a Monte Carlo study folder whose lives protected by country feed the ``benefit`` sharing rule (instead of the
    study's own ``sharing.benefit_from``)."""
    study = load_cost_study(source)
    if alternative is None and study.alternatives:
        alternative = next(iter(study.alternatives))
    if alternative is not None and alternative not in study.alternatives:
        raise ValueError(
            f"--alternative: unknown {alternative!r}; this study has: {', '.join(study.alternatives) or 'none'}"
        )
    cost = lifecycle_cost(study, alternative=alternative, variant=variant)
    notes = []
    schedule = deadline = None
    if study.schedule is not None:
        schedule = deploy(deployment_plan(study, variant))
        if study.deadline is not None:
            deadline = schedule.verdict(study.deadline)
    sh = study.sharing
    horizon = f"{study.horizon_years} years (FY{study.start_year}-FY{study.start_year + study.horizon_years - 1})"
    inputs, benefit = dict(sh.inputs), None
    folder = benefit_from if benefit_from is not None else sh.benefit_from
    if folder is not None:
        folder = Path(folder) if Path(folder).is_absolute() or base_dir is None else base_dir / folder
        benefit, lives = benefit_inputs(folder, sh.partners)
        if sum(lives.values()) > 0:
            inputs["benefit"] = lives
        else:
            notes.append(
                f"benefit: the study in {folder} protects nobody in {', '.join(sh.partners)} (no lethal "
                "object of its salvo strikes a defended metro there); the rule is left out"
            )
    sharing = share_costs(cost.total_usd, sh.rules, sh.partners, inputs, sh.cad_per_usd, horizon)
    public = compare_with_public(sharing) if "CA" in sh.partners else pd.DataFrame()
    eff = study.effectiveness
    sizing = exchange = leakage = None
    if eff is not None:
        if eff.sizing is not None:
            sizing = sizing_cost(study, eff.sizing, progress, variant=variant, alternative=alternative)
        if eff.exchange:
            exchange = exchange_table(eff.exchange)
        if eff.monte_carlo:
            leakage = leakage_table(study, eff.monte_carlo, base_dir)
    return ArchitectureReport(
        study,
        alternative,
        variant,
        cost,
        options_table(study),
        compare_published(study) if study.published else None,
        schedule,
        deadline,
        sharing,
        public,
        sizing,
        exchange,
        leakage,
        notes,
        benefit,
        implied_inputs(study) if study.implied else None,
    )
