"""``goldendome cost``: a cost study answered whole (:func:`goldendome.api.evaluate_cost_study`) and printed table by
table, every total with the assumptions it rests on."""

from pathlib import Path
from typing import Annotated

import typer

from goldendome.cli.common import check_out, check_plot, console, fail
from goldendome.cli.tables import billions, fmt, stages, table


def cost(
    study: Annotated[str, typer.Argument(help="Cost study file (.yaml) or built-in name, e.g. cbo-2026.")],
    alternative: Annotated[
        str | None,
        typer.Option("--alternative", help="Which system of a study that compares several (default: the first)."),
    ] = None,
    variant: Annotated[str | None, typer.Option("--variant", help="A what-if case of the study.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write cost.json and the tables here.")] = None,
    plot: Annotated[bool, typer.Option("--plot", help="Draw the figures into --out.")] = False,
    benefit_from: Annotated[
        Path | None,
        typer.Option(
            "--benefit-from",
            help="A Monte Carlo study folder (goldendome "
            "mc --out): its lives protected by country set the 'benefit' sharing rule.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Lifecycle cost of an architecture, its deployment schedule, each partner's bill, and what the money buys.

    Every total is printed with the assumptions it rests on. Example: [bold]goldendome cost cbo-2026 --plot --out
    results/cbo[/] reproduces CBO's 2026 estimate (7,800 SBIs at ~$22M, 5-year life, $500/kg launch), checks the
    deployment against January 2029, and splits the bill between the United States and Canada under each rule.
    [bold]goldendome cost cbo-2025-letter --alternative highest-cost[/] shows the other system of that letter; its
    study sets each unpublished unit cost from one published figure ([bold]calibrate:[/]) and reports the SBI mass
    the other figures imply ([bold]implied:[/], drawn by --plot).
    [bold]--benefit-from results/mc[/] splits the bill by the lives each country's people gain in that Monte Carlo
    study (people in the defended metros struck without a defence, less those struck with it).
    """
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import ScenarioError, evaluate_cost_study

    check_plot(plot, out, "results/cost")
    check_out(out)
    with stages(quiet, "costing") as progress:
        try:
            rep = evaluate_cost_study(study, alternative, variant, progress, benefit_from=benefit_from)
        except ScenarioError as exc:
            fail(f"cost study {exc.source} cannot be used", exc.messages)
        except (ValueError, KeyError) as exc:
            fail(f"cost study {study}", [str(exc.args[0] if exc.args else exc)])
    res, st = rep.cost, rep.study
    which = "".join(f" — {k} {v}" for k, v in (("alternative", rep.alternative), ("variant", rep.variant)) if v)
    console.print(
        f"[bold]{st.name}[/]{which}: constant FY{res.dollars_year} dollars, FY{res.start_year}–"
        f"FY{res.start_year + res.horizon_years - 1}",
        highlight=False,
    )
    _print_totals(rep)
    _print_published(rep)
    _print_schedule(rep)
    if rep.benefit is not None:
        cells = [
            (r.country, f"{r.undefended:,.0f}", f"{r.defended:,.0f}", f"{r.protected:,.0f}")
            for r in rep.benefit.itertuples()
        ]
        cols = ("country", "people struck undefended", "struck with the defence", "protected")
        title = "Lives protected per salvo by country (the benefit rule's numbers)"
        console.print(table(cols, cells, title=title, left=("country",)))
    for note in rep.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    _print_sharing(rep)
    _print_effectiveness(rep)
    console.print(f"[bold]Total ${res.total_usd / 1e9:,.1f} billion[/] (FY{res.dollars_year} dollars). It rests on:")
    for a in res.assumptions:
        console.print(f"  - {a}", highlight=False)
    if out is not None:
        from goldendome.api import write_cost

        path = write_cost(rep, out, plot)
        files = ", ".join(sorted(f.name for f in path.iterdir() if f.suffix in (".json", ".parquet", ".png")))
        console.print(f"results written to [bold]{path}[/] ({files})")


def _print_totals(rep) -> None:
    """Cost by component and by year (only the cost elements that are not zero), and every alternative and
    variant of the study."""
    res = rep.cost
    comp = res.by_component()
    cols = [c for c in comp.columns if c not in ("acquisition", "total") and comp[c].abs().sum() > 0]
    cells = [
        (name, *(billions(r[c]) for c in cols), billions(r["acquisition"]), f"[bold]{billions(r['total'])}[/]")
        for name, r in comp.iterrows()
    ]
    heads = [c.replace("_", " ") for c in ("component", *cols, "acquisition", "total")]
    console.print(table(heads, cells, title="Cost by component, $bn", left=("component",)))
    wide = res.by_year()
    ycols = [c for c in wide.columns if wide[c].abs().sum() > 0]
    cells = [(f"FY{year}", *(billions(r[c]) for c in ycols)) for year, r in wide.iterrows()]
    heads = [c.replace("_", " ") for c in ("year", *ycols)]
    console.print(table(heads, cells, title="Cost by year, $bn"))
    if len(rep.options) > 1:
        cells = [
            (r.alternative, r.variant, billions(r.acquisition_usd), billions(r.operations_usd), billions(r.total_usd))
            for r in rep.options.itertuples()
        ]
        cols = ("alternative", "variant", "acquisition", "operations", "total")
        console.print(table(cols, cells, title="Alternatives and variants, $bn", left=("alternative", "variant")))


def _print_published(rep) -> None:
    """Our totals beside the published figures, and the inputs those figures imply."""
    if rep.published is not None:
        cells = []
        for r in rep.published.itertuples():
            if not r.check:
                within = "a budget, not a check"
            else:
                within = "[green]yes[/]" if r.within_tolerance else "[red]no[/]"
                within += " (calibrated)" if r.calibrated else ""
                within += f" ±{100 * r.rel_tolerance:g} %"
            cells.append(
                (r.label, billions(r.published_usd), billions(r.ours_usd), f"{100 * r.rel_diff:+.1f} %", within)
            )
        cols = ("figure", "published $bn", "ours $bn", "difference", "within")
        console.print(table(cols, cells, title="Beside the published figures", left=("figure",)))
    if rep.implied is not None:
        # lazy: the CLI loads the simulator only when a command runs (start-up time)
        from goldendome.analysis.cost import format_input

        cells = [
            (
                r.figure,
                f"{r.component}.{r.parameter}",
                format_input(r.parameter, r.as_written),
                format_input(r.parameter, r.implied),
                "" if r.ratio != r.ratio else f"{r.ratio:.2f}x",
            )
            for r in rep.implied.itertuples()
        ]
        cols = ("figure", "input", "as written", "implied", "ratio")
        title = "What the published figures imply (each input solved so that ours equals the figure)"
        console.print(table(cols, cells, title=title, left=("figure", "input")))
        for r in rep.implied.itertuples():
            if r.note:
                console.print(f"[yellow]note:[/] {r.note}", highlight=False)


def _print_schedule(rep) -> None:
    """The deployment: when the constellation is up, what holds it back, what sustaining it takes; the deadline."""
    if rep.schedule is None:
        return
    sc = rep.schedule

    def month(d) -> str:
        return d.strftime("%B %Y") if d else "never"

    console.print(
        f"[bold]Deployment[/]: {sc.plan.n_satellites:,} {sc.plan.satellite_name}s, {sc.mean_per_launch:.0f} a launch; "
        f"initial capability {month(sc.initial_capability)}, full capability {month(sc.full_capability)} (bound by "
        f"{sc.binding}); to sustain: {sc.replacements_per_year:,.0f} replacements and "
        f"{sc.launches_per_year_steady:,.0f} launches a year",
        highlight=False,
    )
    if rep.deadline is not None:
        # lazy: the CLI loads the simulator only when a command runs (start-up time)
        from goldendome.io.schedule_text import deadline_sentence

        verdict = "[green]meets" if rep.deadline.met else "[red]misses"
        console.print(f"{verdict} the deadline[/]: {deadline_sentence(rep.deadline)}", highlight=False)


def _print_sharing(rep) -> None:
    """Who pays: each partner's share and bill under each sharing rule, and the public figures beside Canada's."""
    partners = list(dict.fromkeys(rep.sharing["partner"]))
    cad = "CA" in partners
    cols = ("rule", *[f"{p} share" for p in partners], *[f"{p} $bn" for p in partners], *(("CA C$bn",) if cad else ()))
    cells = []
    for rule, g in rep.sharing.groupby("rule", sort=False):
        g = g.set_index("partner")
        row = [f"{100 * g.share[p]:.1f} %" for p in partners] + [billions(g.bill_usd[p]) for p in partners]
        if cad:
            row.append(billions(g.bill_cad["CA"]))
        cells.append((rule.replace("_", " "), *row))
    title = f"Who pays: the {billions(rep.cost.total_usd)} $bn total under each sharing rule"
    console.print(table(cols, cells, title=title, left=("rule",)))
    if len(rep.public):
        figs = rep.public.drop_duplicates("figure")
        named = "; ".join(f"{r.figure_label} ({r.figure_date})" for r in figs.itertuples())
        console.print(
            f"Public figures beside Canada's bill: {named}. Each differs in programme, horizon or currency: see "
            "cost.json 'public' for the caveats.",
            highlight=False,
        )


def _print_effectiveness(rep) -> None:
    """What the money buys: the cost-exchange ratio, the cost of salvo capacity, cost against leakage."""
    if rep.exchange is not None:
        cells = [
            (
                r.interceptor,
                r.threat,
                str(r.shots),
                f"{r.kill_probability:.2f}",
                f"{r.cost_per_kill_usd / 1e6:,.2f}",
                f"{r.threat_cost_usd / 1e6:,.3f}",
                f"{r.exchange_ratio:,.1f}",
            )
            for r in rep.exchange.itertuples()
        ]
        cols = ("interceptor", "threat", "shots", "P(kill)", "$M per kill", "threat $M", "ratio")
        console.print(table(cols, cells, title="Cost-exchange ratio", left=("interceptor", "threat")))
    if rep.sizing is not None:
        cells = [
            (
                r.design,
                str(r.salvo),
                fmt(r.sbis),
                fmt(r.unit_mass_kg),
                billions(r.total_usd),
                billions(r.marginal_usd),
                "★" if r.pareto else "",
            )
            for r in rep.sizing.itertuples()
        ]
        cols = ("design", "salvo", "SBIs", "SBI kg", "total $bn", "per extra ICBM $bn", "Pareto")
        title = "Cost of salvo capacity (SBI shell sized per salvo)"
        console.print(table(cols, cells, title=title, left=("design",)))
    if rep.leakage is not None:
        cells = [
            (
                r.label,
                billions(r.cost_usd),
                f"{r.trials:,}",
                f"{r.p_zero:.3f}",
                f"{r.p_zero_lo:.3f}–{r.p_zero_hi:.3f}",
                f"{r.leakers:.2f}",
            )
            for r in rep.leakage.itertuples()
        ]
        cols = ("architecture", "cost $bn", "trials", "P(no leaker)", "95 % CI", "leakers / trial")
        console.print(table(cols, cells, title="Cost against leakage (Monte Carlo)", left=("architecture",)))
