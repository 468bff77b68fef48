"""``goldendome mc`` and ``goldendome report``: Monte Carlo studies of a defended scenario (one, a salvo sweep or a
raid sweep), their statistics, and the offline HTML page of a results folder."""

import math
from pathlib import Path
from typing import Annotated

import typer

from goldendome.cli.common import check_out, console, fail, open_scenario
from goldendome.cli.tables import counting, fmt, table


def mc(
    scenario: Annotated[str, typer.Argument(help="Scenario file or built-in name with a 'defence' (critique-salvo).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The study folder (created; rerun to resume or extend).")],
    trials: Annotated[int, typer.Option("--trials", "-n", min=1, max=10_000_000, help="Trials in the study.")] = 100,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=1024, help="Local worker processes.")] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", help="A dask scheduler (tcp://host:8786), or 'local:W' for a LocalCluster of W workers here."
        ),
    ] = None,
    salvo: Annotated[
        str | None,
        typer.Option(
            "--salvo", help="Sweep salvo sizes, e.g. 1,2,5,10: one study each of the first K threats (DIR/salvo-K)."
        ),
    ] = None,
    raid: Annotated[
        str | None,
        typer.Option(
            "--raid",
            help="Sweep raid sizes, e.g. 10,50,100,200: one study each "
            "with every threat entry's count scaled so R missiles fly in all "
            "(DIR/raid-R).",
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Root seed (default: the scenario's).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Monte Carlo study of a defended scenario: N independent battles, statistics with confidence intervals.

    Every trial fights the battle with its own seed (spawned from one root seed: same seed, same study, whatever
    the worker count) and is written to DIR as it finishes (Parquet, one file per trial and table; query them with
    DuckDB). Rerunning the command skips finished trials, reruns corrupt ones, and extends the study to a larger
    --trials.

    A raid sweep (--raid) shows how the defence saturates: for each raid size R, every threat entry's count is
    scaled in proportion (rounded so the counts sum to R; entries that round to 0 are dropped) while the defence
    stays the same. It ends with the sweep's table (leakage, interceptors by layer, cost per raid) and the report
    draws saturation.png.

    Example: [bold]goldendome mc critique-salvo --trials 1000 --workers 2 --out results/critique[/], then
    [bold]goldendome report results/critique[/] for the figures.

    Example: [bold]goldendome mc china-raid --raid 10,50,100,170 --trials 20 --workers 2 --out
    results/china-sweep[/], then [bold]goldendome report results/china-sweep[/].

    Exit status: 0 when every trial finished; 1 when some failed (a worker killed, say): the statistics of the
    finished ones are printed, labelled with how many of how many trials they cover, and the same command run
    again finishes the rest; 2 for bad input, or a --out folder that holds another study (refused with nothing in
    it changed).
    """
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import run_battle_study, study_stats, write_scenario
    from goldendome.engine.montecarlo import StudyLocked, StudyMismatch
    from goldendome.engine.study import check_scenario_file, check_study_folder

    scn, _ = open_scenario(scenario)
    check_out(out)
    if scn.defence is None:
        fail(
            f"{scenario} has no defence",
            [
                "add a 'defence:' block (batteries, doctrine) to fight a battle; "
                "goldendome scenario show critique-salvo has an example"
            ],
        )
    if salvo is not None and raid is not None:
        fail(
            "--raid and --salvo together",
            [
                "give one sweep: --salvo K cuts the scenario to its first K threat entries, --raid R scales every "
                "entry's count to R missiles in all"
            ],
        )
    studies = _studies(scn, out, salvo, raid)  # (label, folder, scenario)
    try:  # every folder of a sweep, before any is written: a refused rerun changes nothing
        check_scenario_file(scn, out)
        for _, folder, sub in studies:
            check_study_folder(sub, folder, seed)
    except StudyMismatch as exc:
        fail(f"study {out}: refused", [str(exc)])
    rows, incomplete = [], []
    if salvo is not None or raid is not None:
        write_scenario(scn, out)
    for label, folder, sub in studies:
        with counting(quiet, f"{label}: trials", trials) as progress:
            try:
                summary = run_battle_study(sub, trials, folder, seed, workers, dask, progress)
            except (StudyMismatch, StudyLocked, ValueError) as exc:
                fail(f"study {folder}", [str(exc)])
            except OSError as exc:
                if dask is None:
                    raise
                fail(f"study {folder}: cannot reach the Dask scheduler {dask}", [str(exc)])
        rerun = f", {summary.rerun} corrupt rerun" if summary.rerun else ""
        failed = f", [red]{summary.failed} failed (see {folder}/_failed; rerun to retry)[/]" if summary.failed else ""
        console.print(
            f"{label}: {summary.completed:,} trial(s) run, {summary.skipped:,} already done{rerun}{failed} in "
            f"{summary.wall_s:.1f} s ({summary.backend})",
            highlight=False,
        )
        if not summary.complete:
            incomplete.append((label, folder, summary))
        try:
            rows.append((label if summary.complete else f"{label} (incomplete)", study_stats(folder)))
        except ValueError:
            _trials_failed(incomplete, [f"no trial of {label} finished: there are no statistics to show"])
    shortfall = "; ".join(f"{lb} over {s.finished:,} of {s.total:,} trials" for lb, _, s in incomplete)
    shortfall = f" (incomplete: statistics of {shortfall})" if shortfall else ""
    if raid is not None:
        from goldendome.io.report import saturation_table

        console.print(_saturation_table(saturation_table(out), f"How the defence saturates: {scn.name}{shortfall}"))
    else:
        console.print(_study_table(rows, f"Monte Carlo: {scn.name}{shortfall}"))
    assets = _asset_table(rows[-1][1])
    if assets is not None:
        console.print(assets)
    console.print(f"results in [bold]{out}[/]; figures: goldendome report {out}")
    if incomplete:
        _trials_failed(incomplete, [])


def _trials_failed(incomplete: list[tuple], notes: list[str]):
    """End ``mc`` with exit status 1: how many trials failed, where why is written, and how to finish them."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.engine.store import failed_trials

    missing = sum(s.total - s.finished for _, _, s in incomplete)
    where = ", ".join(f"{folder}/_failed" for _, folder, _ in incomplete)
    why = []
    for _, folder, _ in incomplete:
        errors = failed_trials(folder)
        if errors:
            first = min(errors)
            why.append(f"trial {first} of {folder}: {errors[first].splitlines()[0]}")
    fail(f"{missing:,} trials failed (see {where}); rerun the same command to finish them", notes + why, code=1)


def _studies(scn, out: Path, salvo: str | None, raid: str | None) -> list[tuple]:
    """The studies one mc command runs, (label, folder, scenario) each: the scenario whole, or one per salvo size
    (its first K threat entries) or raid size (every entry's count scaled to R missiles in all)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.engine.study import first_threats, raid_capacity, raid_missiles, scale_raid

    if salvo is not None:
        try:
            sizes = sorted({int(v) for v in salvo.split(",") if v.strip()})
        except ValueError:
            fail("--salvo", [f"salvo sizes must be whole numbers separated by commas, got {salvo!r}"])
        bad = [k for k in sizes if not 1 <= k <= len(scn.threats)]
        if bad or not sizes:
            fail("--salvo", [f"salvo sizes must lie in 1..{len(scn.threats)} (the scenario's threats), got {bad}"])
        return [(f"salvo of {k}", out / f"salvo-{k}", first_threats(scn, k)) for k in sizes]
    if raid is not None:
        try:
            sizes = sorted({int(v) for v in raid.split(",") if v.strip()})
        except ValueError:
            fail(
                "--raid",
                [f"raid sizes must be whole numbers of missiles separated by commas, e.g. 10,50,100; got {raid!r}"],
            )
        cap = raid_capacity(scn)
        bad = [r for r in sizes if not 1 <= r <= cap]
        if bad or not sizes:
            fail(
                "--raid",
                [
                    f"raid sizes must lie in 1..{cap:,} missiles, got {bad or raid!r}: the scenario "
                    f"launches {raid_missiles(scn):,} in {len(scn.threats)} threat entries, and a scaled "
                    "entry holds at most the scenario model's bound on count (glide and FOBS entries one "
                    "each)"
                ],
            )
        return [(f"raid of {r}", out / f"raid-{r}", scale_raid(scn, r)) for r in sizes]
    return [(f"all {len(scn.threats)} threats", out, scn)]


def report(
    folder: Annotated[
        Path,
        typer.Argument(help="A results folder (goldendome mc / cost / sbi size / run --out), or one holding several."),
    ],
):
    """One self-contained HTML page (report.html) of a results folder: Monte Carlo leakage with its figures
    (leakage against salvo size, how the defence saturates over a raid sweep, outcomes by layer, the map of impacts),
    cost, schedule, partner shares, SBI sizing.

    Example: [bold]goldendome mc critique-salvo --trials 200 --salvo 1,5,10 --out results/all/mc[/],
    [bold]goldendome cost cbo-2026 --plot --out results/all/cost[/], then [bold]goldendome report results/all[/]:
    open results/all/report.html in any browser, offline.
    """
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.io.report import build_report

    if not folder.is_dir():
        fail(
            f"{folder} holds no study",
            ["run goldendome mc SCENARIO --out FOLDER (or cost / sbi size / run with --out) first"],
        )
    try:
        path, found = build_report(folder)
    except ValueError as exc:
        fail(f"{folder} holds no study", [str(exc)])
    except (KeyError, TypeError, AttributeError) as exc:
        fail(
            f"{folder} holds a results file goldendome cannot read",
            [
                f"{type(exc).__name__}: {exc}; was it written by another program or an older goldendome? Run the "
                "command that writes it again (mc / cost / sbi size / run --out)"
            ],
        )
    from goldendome.api import study_stats
    from goldendome.engine.study import study_folders

    folders = study_folders(folder)
    if folders:
        rows = [(f.name if f != folder else "study", study_stats(f)) for f in folders]
        console.print(_study_table(rows, "Monte Carlo"))
        from goldendome.io.report import saturation_table

        sweep = saturation_table(folder)
        if len(sweep):
            console.print(_saturation_table(sweep, "How the defence saturates (raid sweep)"))
        assets = _asset_table(rows[-1][1])
        if assets is not None:
            console.print(assets)
    figures = ", ".join(sorted(p.name for p in folder.glob("*.png")))
    console.print(f"report: [bold]{path}[/] ({', '.join(found)}); figures beside it: {figures}", highlight=False)


_PICTURE_NOTE = (
    "the sensors' picture, means per trial: GOSPA (cut-off c) of the tracks against the objects in coverage; position "
    "NEES of the tracks on objects (3 when their covariances are honest); the share of its time in coverage a lethal "
    "object was held by a track"
)
"""What the study table's picture columns mean (its caption)."""


def _study_table(rows: list, title: str):
    """One row per study (label, :class:`~goldendome.analysis.battle_stats.StudyStats`): leakage with its 95 %
    intervals, rounds by layer, cost, and the sensors' picture when the trials kept one."""
    picture = any(st.picture for _, st in rows)
    cols = (
        "study",
        "trials",
        "lethal / trial",
        "P(no leaker)",
        "95 % CI",
        "leakers / trial",
        "95 % CI ",
        "rounds / trial",
        "cost / trial $M",
        "$M / engagement",
        *(("GOSPA km", "NEES", "RVs held %") if picture else ()),
    )
    cells = []
    for name, st in rows:
        rounds = ", ".join(f"{r.layer} {r.rounds:.1f}" for r in st.layers.itertuples()) or "0"
        quality = ()
        if picture:
            q = st.picture or {}
            shown = {
                k: q[k] * f
                for k, f in (("gospa_mean_m", 1e-3), ("lethal_held", 100.0), ("nees_mean", 1.0))
                if k in q and math.isfinite(q[k])
            }
            quality = (
                fmt(shown.get("gospa_mean_m"), ".2f"),
                fmt(shown.get("nees_mean"), ".1f"),
                fmt(shown.get("lethal_held"), ".0f"),
            )
        cells.append(
            (
                name,
                f"{st.trials:,}",
                f"{st.lethal_per_trial:.1f}",
                f"{st.p_zero:.3f}",
                f"{st.p_zero_ci[0]:.3f}–{st.p_zero_ci[1]:.3f}",
                f"{st.leakers_mean:.2f}",
                f"{st.leakers_ci[0]:.2f}–{st.leakers_ci[1]:.2f}",
                rounds,
                f"{st.cost_mean_musd:,.0f}",
                fmt(st.cost_per_engagement_musd, ",.1f"),
                *quality,
            )
        )
    return table(cols, cells, title=title, left=("study",), caption=_PICTURE_NOTE if picture else None)


def _asset_table(st):
    """Leakers by defended asset (the 15 most struck), or None when the study defends none."""
    if not len(st.assets):
        return None
    cells = [
        (r.asset, f"{r.expected_leakers:.3f}", f"{r.p_struck:.3f}", f"{r.p_struck_lo:.3f}–{r.p_struck_hi:.3f}")
        for r in st.assets.head(15).itertuples()
    ]
    cols = ("asset", "expected leakers / trial", "P(struck)", "95 % CI")
    return table(cols, cells, title=f"Leakers by defended asset ({st.trials:,} trials)", left=("asset",))


def _saturation_table(sweep, title: str):
    """The raid sweep's table (:func:`goldendome.io.report.saturation_table`): one row per raid size."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.io.report import SATURATION_NOTE, saturation_rows

    rows = saturation_rows(sweep)
    specs = {
        "missiles": ",.0f",
        "trials": ",.0f",
        "P(no leaker)": ".3f",
        "leakers": ".2f",
        "leaked": ".3f",
        "cost $M": ",.0f",
    }
    formats = {c: specs.get(c, ".1f") for c in rows.columns}
    return table(
        list(rows.columns),
        rows.itertuples(index=False),
        title=title,
        formats=formats,
        caption=SATURATION_NOTE,
        caption_justify="left",
    )
