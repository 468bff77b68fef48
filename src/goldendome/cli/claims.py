"""``goldendome claims``: the public claims about Golden Dome answered one by one
(:func:`goldendome.analysis.claims.answer_claims`), written as results files and one offline page
(:mod:`goldendome.io.claims_page`)."""

import json
from pathlib import Path
from typing import Annotated

import typer

from goldendome.cli.common import check_out, console, fail
from goldendome.cli.tables import table


def _at_least(low: int, option: str):
    """A typer callback refusing a number below ``low`` with a message naming the option and saying why."""

    def check(value: int) -> int:
        if value < low:
            raise typer.BadParameter(f"{option} must be at least {low:,} (got {value:,})")
        return value

    return check


def claims(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Results folder: claims/ (data, figures) and claims.html go here.")
    ] = Path("results/claims"),
    trials: Annotated[
        int,
        typer.Option(
            "--trials",
            "-n",
            callback=_at_least(1, "--trials"),
            help="Monte Carlo trials per leakage case (a rerun with more extends the studies).",
        ),
    ] = 20,
    seed: Annotated[
        int, typer.Option("--seed", callback=_at_least(0, "--seed"), help="Root seed of the Monte Carlo studies.")
    ] = 20250520,
    workers: Annotated[
        int, typer.Option("--workers", "-w", callback=_at_least(1, "--workers"), help="Local worker processes.")
    ] = 1,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="Coarse SBI sizing (one launch time an hour, a smaller peer raid): a smoke run."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
):
    """The public claims about Golden Dome, checked one by one: price, CBO's estimates, the 2029 deadline, the
    satellites, the threats it stops, the Iron Dome analogy, the defence budget, Canada's share.

    Each claim gets a verdict with its uncertainty, a figure, tables, the commands that reproduce it, its
    assumptions and sources, on one offline page (DIR/claims.html) written from the results files in DIR/claims/
    (JSON and Parquet, with the cost, sizing and Monte Carlo studies behind them in their usual folders).

    Example: [bold]goldendome claims --out results/claims[/] (a few minutes on two cores; [bold]--trials 200
    --workers 2[/] for narrower intervals).
    """
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.analysis.claims import Settings, answer_claims
    from goldendome.io.claims_page import build_claims_page, write_claims
    from goldendome.scenario.loader import ScenarioError

    check_out(out)
    settings = Settings(trials=trials, seed=seed, workers=workers, quick=quick)

    def say(what: str) -> None:
        if not quiet:
            console.print(what, highlight=False)

    try:
        sections = answer_claims(out, settings, say)
    except ScenarioError as exc:
        fail(f"a study of the claims ({exc.source}) cannot be used", exc.messages)
    except ValueError as exc:
        fail("the claims cannot be answered", [str(exc)])
    say("writing the results files and the page")
    folder = write_claims(sections, out, {"trials": trials, "seed": seed, "workers": workers, "quick": quick})
    page = build_claims_page(out)
    rows = []
    for s in sections:
        doc = json.loads((folder / f"{s.key}.json").read_text())
        rows.append((doc["title"], doc["verdict"]))
    console.print(table(("claim", "verdict"), rows, title="The claims", left=("claim", "verdict")))
    console.print(f"results in {folder}; the page: {page}", highlight=False)
