"""``goldendome sbi size``: the fewest space-based interceptors that hold every booster of a salvo in reach
(:func:`goldendome.api.run_sizing_study`), beside the analytic estimate; the study's sections can be overridden from
the command line."""

from pathlib import Path
from typing import Annotated

import typer

from goldendome.cli.common import check_out, check_plot, console, fail
from goldendome.cli.tables import fmt, stages, table, waiting


def sbi_size(
    study: Annotated[str, typer.Argument(help="Study file (.yaml) or built-in study name.")] = "sbi-quick",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write sizing.parquet, absentee.parquet, summary.json (and plots) here."),
    ] = None,
    plot: Annotated[bool, typer.Option("--plot", help="Draw the figures (needs --out).")] = False,
    salvo: Annotated[int | None, typer.Option(help="Simultaneous launches.")] = None,
    missile: Annotated[str | None, typer.Option(help="Threat design (goldendome threat list).")] = None,
    altitude_km: Annotated[float | None, typer.Option(help="SBI orbit altitude, km.")] = None,
    inclination_deg: Annotated[float | None, typer.Option(help="SBI orbit inclination, deg.")] = None,
    sbi: Annotated[str | None, typer.Option(help="SBI design name (effectors/data/sbi.yaml).")] = None,
    delta_v: Annotated[float | None, typer.Option("--delta-v", help="SBI delta-v, m/s.")] = None,
    accel_g: Annotated[float | None, typer.Option(help="SBI acceleration, g.")] = None,
    detect_s: Annotated[float | None, typer.Option(help="Detection latency after launch, s.")] = None,
    decide_s: Annotated[float | None, typer.Option(help="Decision delay after detection, s.")] = None,
    shots: Annotated[int | None, typer.Option(help="SBIs per booster (shot doctrine k).")] = None,
    no_sweeps: Annotated[bool, typer.Option("--no-sweeps", help="Size the base point only.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Size an SBI constellation: the fewest SBIs that give every booster of a salvo k interceptors able to reach
    it before burnout, at the worst launch time of a day, beside the analytic (shell-density) estimate.

    Example: [bold]goldendome sbi size sbi-north-korea --plot --out results/sbi[/] (the APS 2003 setting with its
    sweeps); [bold]goldendome sbi size --salvo 5 --altitude-km 400[/] for a quick case.
    """
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import run_sizing_study, write_sizing

    st = _study(
        study,
        {
            "threat": {"salvo": salvo, "missile": missile},
            "shell": {"altitude_km": altitude_km, "inclination_deg": inclination_deg},
            "sbi": {"design": sbi, "delta_v_mps": delta_v, "accel_g": accel_g},
            "timeline": {"detect_s": detect_s, "decide_s": decide_s},
        },
        shots,
        no_sweeps,
    )
    check_plot(plot, out, "results/sbi")
    check_out(out)

    console.print(f"[bold]{st.name}[/]")
    with stages(quiet) as progress:
        rows, base = run_sizing_study(st, progress)
    _print_sizing(st, rows)
    if out is None:
        return
    # the figures include the absentee ratio by launch latitude, the slow part of writing the folder
    with waiting(quiet or not plot, "absentee ratio by launch latitude"):
        written = write_sizing(st, rows, base, out, plot)
    console.print(f"written to [bold]{out}[/]: {', '.join(p.name for p in written)}")


def _study(name: str, options: dict, shots: int | None, no_sweeps: bool):
    """The sizing study, with the options given on the command line (None: not given) replacing its sections'
    fields, validated again as a whole."""
    # lazy: the CLI loads pydantic and the simulator only when a command runs (start-up time)
    from pydantic import ValidationError

    from goldendome.api import ScenarioError, SizingStudy, load_study
    from goldendome.scenario.loader import format_validation_error

    try:
        st = load_study(name, SizingStudy)
        upd = {
            section: {**getattr(st, section).model_dump(), **{k: v for k, v in given.items() if v is not None}}
            for section, given in options.items()
        }
        if shots is not None:
            upd["shots"] = shots
        if no_sweeps:
            upd["sweeps"] = []
        try:
            return SizingStudy.model_validate({**st.model_dump(), **upd})
        except ValidationError as exc:
            raise ScenarioError("command-line options", format_validation_error(exc)) from None
    except ScenarioError as exc:
        fail(f"study {exc.source} is not valid", exc.messages)


def _print_sizing(st, rows: list[dict]) -> None:
    """One row per design point (the base point, then each sweep's), and what the base point means."""
    cols = (
        "case",
        "missile",
        "salvo",
        "k",
        "alt km",
        "inc °",
        "Δv km/s",
        "accel g",
        "release s",
        "window s",
        "reach km",
        "SBIs sim",
        "SBIs analytic",
        "absentee",
        "in reach min/mean",
        "t in orbit",
    )
    cells = []
    for r in rows:
        common = [
            r["label"],
            r["missile"],
            str(r["salvo"]),
            str(r["shots"]),
            f"{r['altitude_km']:.0f}",
            f"{r['inclination_deg']:.0f}",
            f"{r['delta_v_mps'] / 1e3:.1f}",
            f"{r['accel_g']:.0f}",
            f"{r['detect_s'] + r['decide_s']:.0f}",
        ]
        if r["infeasible"]:
            cells.append((*common, "", "", f"[red]infeasible: {r['infeasible']}[/]", "", "", "", ""))
        else:
            cells.append(
                (
                    *common,
                    f"{r['time_available_s']:.0f}",
                    f"{r['reach_at_cutoff_km']:.0f}",
                    f"[bold]{r['simulated_sbis']:,}[/]",
                    f"{r['analytic_sbis']:,.0f}",
                    f"{r['absentee_ratio']:,.0f}",
                    f"{r['worst_in_reach']}/{r['mean_in_reach']:.1f}",
                    fmt(r.get("mass_in_orbit_t")),
                )
            )
    title = "SBI constellation size"
    console.print(table(cols, cells, title=title, left=("case", "missile"), no_wrap=("missile",)))
    b0 = rows[0]
    n_times = int(st.launch_times.duration_h * 3600 / st.launch_times.step_s)
    if b0["infeasible"]:
        console.print(f"[red]base case infeasible:[/] {b0['infeasible']}", highlight=False)
    else:
        console.print(
            f"base case: [bold]{b0['simulated_sbis']:,} SBIs[/] so that each of {b0['salvo']} booster(s) has "
            f"{b0['shots']} SBI(s) in reach at the worst of {n_times} launch times; the analytic mean-density "
            f"estimate is {b0['analytic_sbis']:,.0f} (absentee ratio {b0['absentee_ratio']:,.0f}). Simulated > "
            "analytic: the worst time of a real pattern has fewer SBIs in reach than the mean.",
            highlight=False,
        )
