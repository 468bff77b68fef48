"""The ``goldendome`` command: one verb per question (see ../shared/design.md, "The command line").

It only presents: every figure it prints comes from the results dictionaries of :mod:`goldendome.io.results`.
Bad input ends with exit status 2 and one line per problem, never a traceback.
"""

import inspect
import json
import math
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from goldendome import __version__

app = typer.Typer(
    name="goldendome",
    help=(
        "Open physics-level simulator of a layered homeland missile defence.\n\n"
        "Start with 'goldendome run' (the built-in default scenario), then 'goldendome scenario show default' "
        "to see the file it ran, and write your own."
    ),
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode="rich",
)
scenario_app = typer.Typer(help="Built-in scenarios, validation and the scenario file's JSON Schema.")
threat_app = typer.Typer(help="The threat catalogue: missile designs and their sources.")
radar_app = typer.Typer(help="Radar presets (ground, sea, airborne, over-the-horizon): parameters and sources.")
sbi_app = typer.Typer(help="Space-based interceptors: how many it takes, from physics.")
interceptor_app = typer.Typer(help="Ground- and sea-based interceptors by layer: envelopes, kill probabilities, cost.")
app.add_typer(scenario_app, name="scenario")
app.add_typer(threat_app, name="threat")
app.add_typer(radar_app, name="radar")
app.add_typer(sbi_app, name="sbi")
app.add_typer(interceptor_app, name="interceptor")

# a pipe or a CI log has no width: print tables whole rather than folded to 80 columns
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def _fail(title: str, messages: list[str], code: int = 2):
    err_console.print(f"[bold red]error:[/] {title}")
    for m in messages:
        err_console.print(f"  - {m}", highlight=False)
    raise typer.Exit(code)


def _check_out(out: Path | None, option: str = "--out") -> None:
    """Make the results folder now, so a path that cannot hold one fails before the work, not after it."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        _fail(f"{option} {out} is a file", ["give a folder for the results (it is created if missing)"])
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{option} {out} cannot be created", [exc.strerror or str(exc)])


def _check_file_target(path: Path | None, option: str) -> None:
    """A file to write: not a folder, and its folder can be made."""
    if path is None:
        return
    if path.is_dir():
        _fail(f"{option} {path} is a folder", ["give a file name, e.g. results/scene.czml"])
    _check_out(path.parent, f"{option}'s folder")


def _version_callback(value: bool):
    if value:
        console.print(f"goldendome {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
):
    """Open physics-level simulator of a layered homeland missile defence."""


def _load(scenario: str | None):
    """A scenario from a path or a built-in name; returns (scenario, folder for relative element files)."""
    from goldendome.scenario.loader import ScenarioError, builtin_names, load_builtin, load_scenario

    try:
        if scenario is None:
            return load_builtin("default"), None
        path = Path(scenario)
        if path.suffix.lower() in (".yaml", ".yml", ".toml") or path.exists():
            return load_scenario(path), path.parent
        if scenario in builtin_names():
            return load_builtin(scenario), None
        return load_scenario(path), path.parent
    except ScenarioError as exc:
        _fail(f"scenario {exc.source} is not valid", exc.messages)


@app.command()
def run(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario file (.yaml/.toml) or built-in name; default: built-in 'default'.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the results folder here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    plot: Annotated[bool, typer.Option("--plot", help="Draw the figures into --out (tracking.png).")] = False,
    czml: Annotated[Path | None, typer.Option("--czml", help="Write the scene as CZML (Cesium) here.")] = None,
):
    """Run one trial of a scenario and print what each threat does.

    Example: [bold]goldendome run --out results/demo[/] flies the built-in salvo and writes summary.json,
    trajectories.parquet and satellites.parquet to results/demo. A scenario with radars (e.g. [bold]goldendome run
    northern-approaches --out results/na --plot[/]) also tracks what they see and writes tracks.parquet,
    gospa.parquet and tracking.png.
    """
    from goldendome.engine.trial import run_trial
    from goldendome.io.results import (
        constellation_rows,
        cruise_rows,
        fobs_rows,
        glide_rows,
        threat_rows,
        tracking_dict,
        write_run,
    )
    from goldendome.scenario.loader import ScenarioError

    if plot and out is None:
        _fail("--plot needs --out", ["give a folder for the figures, e.g. --out results/run"])
    _check_out(out)
    _check_file_target(czml, "--czml")
    scn, base = _load(scenario)
    console.print(f"[bold]{scn.name}[/]  epoch {scn.epoch:%Y-%m-%d %H:%M:%S} UTC, {len(scn.threats)} threat "
                  f"entr{'y' if len(scn.threats) == 1 else 'ies'}, {len(scn.constellations)} constellation(s)")
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  disable=quiet, transient=True) as bar:  # fmt: skip
        task = bar.add_task("starting", total=1.0)

        def progress(what: str, frac: float):
            bar.update(task, description=what, completed=frac)

        try:
            result = run_trial(scn, base, progress)
        except ScenarioError as exc:
            _fail(f"scenario {exc.source} cannot be run", exc.messages)

    rows = threat_rows(result)
    if rows:
        t = Table(title="Threats", title_justify="left", header_style="bold")
        for col, just in (("threat", "left"), ("missile", "left"), ("from → aim", "left"), ("launch s", "right"),
                          ("burnout s", "right"), ("v_bo km/s", "right"), ("apogee km", "right"),
                          ("flight min", "right"), ("range km", "right"), ("impact", "left"), ("miss km", "right")):
            t.add_column(col, justify=just, no_wrap=col in ("threat", "missile", "impact"))  # fmt: skip
        for r in rows:
            lat, lon = r["impact_lat_deg"], r["impact_lon_deg"]
            impact = _latlon(lat, lon)
            miss = f"{r['miss_km']:,.1f}" if r["reachable"] else f"[red]{r['miss_km']:,.0f} (out of reach)[/]"
            t.add_row(r["name"], r["missile"], f"{r['launch']} → {r['aim']}", f"{r['launch_time_s']:.0f}",
                      f"{r['burnout_time_s']:.0f}", f"{r['burnout_speed_km_s']:.2f}", f"{r['apogee_km']:,.0f}",
                      f"{r['flight_time_min']:.1f}", f"{r['ground_range_km']:,.0f}", impact, miss)  # fmt: skip
        console.print(t)
    if rows and "sbis_in_reach" in rows[0]:
        t = Table(title="Space layers: detection and boost-phase reach", title_justify="left", header_style="bold")
        for col in ("threat", "detected s", "by", "stereo s", "SBI release s", "burnout s", "SBIs in reach",
                    "earliest intercept s", "closing km/s", "boost-phase intercept"):
            t.add_column(col, justify="left" if col in ("threat", "by") else "right")  # fmt: skip
        for r in rows:
            possible = "[green]possible[/]" if r["boost_intercept_possible"] else "[red]not possible[/]"
            t.add_row(r["name"], _fmt(r["first_detection_s"], ".0f"), r["detected_by"] or "never",
                      _fmt(r["first_stereo_s"], ".0f"), _fmt(r["sbi_release_s"], ".0f"), f"{r['burnout_time_s']:.0f}",
                      str(r["sbis_in_reach"]), _fmt(r["sbi_first_intercept_s"], ".0f"),
                      _fmt(r["sbi_closing_speed_km_s"], ".1f"), possible)  # fmt: skip
        console.print(t)
        if result.space is not None and any(layer.sbi for layer in result.layers):
            console.print(f"distinct SBIs can engage {result.space.salvo_matched} of the {len(rows)} threats at once "
                          "(one SBI per booster)")  # fmt: skip
    if result.cruise_missiles:
        t = Table(title="Cruise missiles", title_justify="left", header_style="bold")
        for col in ("missile", "launch s", "waypoints", "speed m/s", "height m", "route km", "flight min",
                    "turn radius km"):
            t.add_column(col, justify="left" if col == "missile" else "right")  # fmt: skip
        for c in cruise_rows(result):
            t.add_row(c["name"], f"{c['launch_time_s']:.0f}", str(c["waypoints"]), f"{c['speed_mps']:.0f}",
                      f"{c['altitude_m']:.0f}", f"{c['route_km']:,.0f}", f"{c['flight_time_min']:.1f}",
                      f"{c['turn_radius_km']:.1f}")  # fmt: skip
        console.print(t)
    frows = fobs_rows(result)
    if frows:
        t = Table(title="Fractional-orbit flights", title_justify="left", header_style="bold")
        for col in ("flight", "launch s", "azimuth °", "orbit km", "circularise m/s", "de-orbit s", "flight min",
                    "miss km"):
            t.add_column(col, justify="left" if col == "flight" else "right")  # fmt: skip
        for f in frows:
            t.add_row(f["name"], f"{f['launch_time_s']:.0f}", f"{f['launch_azimuth_deg']:.0f}",
                      f"{f['orbit_altitude_km']:.0f}", f"{f['circularise_dv_mps']:.0f}", f"{f['deorbit_time_s']:.0f}",
                      f"{f['flight_time_min']:.1f}", f"{f['miss_km']:.2f}")  # fmt: skip
        console.print(t)
    grows = glide_rows(result)
    if grows:
        t = Table(title="Boost-glide vehicles", title_justify="left", header_style="bold")
        for col in ("vehicle", "launch s", "flight min", "median glide km", "impact"):
            t.add_column(col, justify="left" if col in ("vehicle", "impact") else "right")
        for g in grows:
            lat, lon = g["impact_lat_deg"], g["impact_lon_deg"]
            t.add_row(g["name"], f"{g['launch_time_s']:.0f}", f"{g['flight_time_min']:.1f}",
                      _fmt(g["median_glide_altitude_km"], ".0f"),
                      _latlon(lat, lon))  # fmt: skip
        console.print(t)
    track = tracking_dict(result)
    if track is not None:
        t = Table(title="Sensors in the track picture (radar looks; infrared frames, triangulated)",
                  title_justify="left", header_style="bold")  # fmt: skip
        for col in ("sensor", "looks", "detections", "false / ghost"):
            t.add_column(col, justify="left" if col == "sensor" else "right")
        for r in track["radars"]:
            t.add_row(r["name"], f"{r['looks']:,}", f"{r['detections']:,}", f"{r['false_alarms']:,}")
        console.print(t)
        t = Table(title="Track picture", title_justify="left", header_style="bold")
        for col in ("object", "kind", "first detected s", "by", "first track s", "tracked %", "switches",
                    "fragments", "NEES median (2.37)"):
            t.add_column(col, justify="left" if col in ("object", "kind", "by") else "right")
        for o in track["objects"]:
            frac = None if o["tracked_fraction"] is None else 100 * o["tracked_fraction"]
            t.add_row(o["name"], o["kind"], _fmt(o["first_detection_s"], ".0f"), o["first_detection_radar"] or "never",
                      _fmt(o["first_track_s"], ".0f"), _fmt(frac, ".0f"), str(o["track_switches"]),
                      str(o["track_fragments"]), _fmt(o["median_position_nees"], ".1f"))  # fmt: skip
        console.print(t)
        if track["gospa_mean_m"] is not None:
            console.print(f"GOSPA (c = {track['gospa_cutoff_m'] / 1e3:g} km) over time: mean "
                          f"{track['gospa_mean_m']:,.0f} m; {track['confirmed_tracks']} confirmed track(s) "
                          "(tracks.parquet, gospa.parquet)")  # fmt: skip
    _print_battle(result)
    if result.payloads is not None:
        kinds = result.payloads.kind
        console.print(f"released by post-boost buses: {kinds.count('rv')} more RV(s) and {kinds.count('decoy')} "
                      "decoy(s), flown to impact (trajectories.parquet, kind rv / decoy)")  # fmt: skip
    crow = constellation_rows(result)
    if crow:
        t = Table(title="Constellations", title_justify="left", header_style="bold")
        for col in ("name", "role", "payload", "satellites", "altitude km", "inclination deg", "period min"):
            t.add_column(col, justify="left" if col in ("name", "role", "payload") else "right")
        for c in crow:
            alt = f"{c['perigee_altitude_km_min']:,.0f}"
            if c["perigee_altitude_km_max"] - c["perigee_altitude_km_min"] > 1:
                alt += f"–{c['perigee_altitude_km_max']:,.0f}"
            inc = f"{c['inclination_deg_min']:.1f}"
            if c["inclination_deg_max"] - c["inclination_deg_min"] > 0.1:
                inc += f"–{c['inclination_deg_max']:.1f}"
            t.add_row(c["name"], c["role"], c["payload"] or "", f"{c['satellites']:,}", alt, inc,
                      f"{c['period_min']:.1f}")  # fmt: skip
        console.print(t)
        console.print(f"satellites in orbit: [bold]{sum(c['satellites'] for c in crow):,}[/]")
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    console.print(f"computed in {result.timings_s.get('total', 0.0):.2f} s")
    if out is not None:
        path = write_run(result, out)
        if plot and result.tracking is not None:
            from goldendome.io import plots

            tr = result.tracking
            plots.track_picture(tr.gospa_t, tr.gospa, tr.assigned, tr.nees, tr.object_names, tr.gospa_c_m, path,
                                result.scenario.name)  # fmt: skip
        files = ", ".join(sorted(f.name for f in path.iterdir() if f.suffix in (".json", ".parquet", ".png")))
        console.print(f"results written to [bold]{path}[/] ({files})")
    if czml is not None:
        from goldendome.io.globe import globe_czml

        czml.parent.mkdir(parents=True, exist_ok=True)
        czml.write_text(globe_czml(result, max_satellites=2000))
        console.print(f"scene written to [bold]{czml}[/] (CZML: load it in a Cesium viewer)")


def _print_battle(result) -> None:
    """The battle's tables: what each layer fired and achieved, and what leaked where."""
    from goldendome.io.results import battle_dict

    b = battle_dict(result)
    if b is None:
        return
    t = Table(title="Battle: engagements by layer", title_justify="left", header_style="bold")
    for col in ("layer", "engagements", "rounds", "kills", "decoys killed", "misses", "wasted", "cost $M"):
        t.add_column(col, justify="left" if col == "layer" else "right")
    for r in b["layers"]:
        t.add_row(r["layer"], str(r["engagements"]), str(r["rounds"]), str(r["kills"]), str(r["decoys_killed"]),
                  str(r["misses"]), str(r["wasted"]), f"{r['cost_musd']:,.0f}")  # fmt: skip
    console.print(t)
    ev = result.battle.events
    leak = ev[ev.event == "leaker"]
    if len(leak):
        t = Table(title="Leakers", title_justify="left", header_style="bold")
        for col in ("object", "impact s", "asset", "people (metro)", "impact point"):
            t.add_column(col, justify="right" if col in ("impact s", "people (metro)") else "left")
        for r in leak.itertuples():
            t.add_row(r.object, f"{r.t_s:.0f}", r.asset, _fmt(r.value if r.value > 0 else None), r.detail)
        console.print(t)
    colour = "green" if b["leakers"] == 0 else "red"
    console.print(f"[{colour}]{b['leakers']} of {b['lethal_objects']} lethal object(s) leaked[/]; "
                  f"{b['killed']} destroyed; interceptors fired: "
                  f"{', '.join(f'{k} {v}' for k, v in b['interceptors_by_layer'].items()) or 'none'}; "
                  f"cost ${b['cost_musd']:,.0f}M", highlight=False)  # fmt: skip
    for why, n in b["not_engaged"].items():
        console.print(f"not engaged ({why}): {n} track(s)", highlight=False)
    for w in b["warnings"]:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)


def _study_table(rows: list, title: str) -> Table:
    t = Table(title=title, title_justify="left", header_style="bold")
    picture = any(st.picture for _, st in rows)
    for col in ("study", "trials", "lethal / trial", "P(no leaker)", "95 % CI", "leakers / trial", "95 % CI ",
                "rounds / trial", "cost / trial $M", "$M / engagement",
                *(("GOSPA km", "NEES", "RVs held %") if picture else ())):
        t.add_column(col, justify="left" if col == "study" else "right")  # fmt: skip
    for name, st in rows:
        rounds = ", ".join(f"{r.layer} {r.rounds:.1f}" for r in st.layers.itertuples()) or "0"
        q = {k: v for k, v in (st.picture or {}).items() if np.isfinite(v)}
        scaled = {k: q[k] * f for k, f in (("gospa_mean_m", 1e-3), ("lethal_held", 100.0), ("nees_mean", 1.0))
                  if k in q}  # fmt: skip
        quality = ((_fmt(scaled.get("gospa_mean_m"), ".2f"), _fmt(scaled.get("nees_mean"), ".1f"),
                    _fmt(scaled.get("lethal_held"), ".0f")) if picture else ())  # fmt: skip
        t.add_row(name, f"{st.trials:,}", f"{st.lethal_per_trial:.1f}", f"{st.p_zero:.3f}",
                  f"{st.p_zero_ci[0]:.3f}–{st.p_zero_ci[1]:.3f}", f"{st.leakers_mean:.2f}",
                  f"{st.leakers_ci[0]:.2f}–{st.leakers_ci[1]:.2f}", rounds, f"{st.cost_mean_musd:,.0f}",
                  _fmt(st.cost_per_engagement_musd, ",.1f"), *quality)  # fmt: skip
    if picture:
        t.caption = ("the sensors' picture, means per trial: GOSPA (cut-off c) of the tracks against the objects in "
                     "coverage; position NEES of the tracks on objects (3 when their covariances are honest); the "
                     "share of its time in coverage a lethal object was held by a track")  # fmt: skip
    return t


def _asset_table(st) -> Table | None:
    if not len(st.assets):
        return None
    t = Table(title=f"Leakers by defended asset ({st.trials:,} trials)", title_justify="left", header_style="bold")
    for col in ("asset", "expected leakers / trial", "P(struck)", "95 % CI"):
        t.add_column(col, justify="left" if col == "asset" else "right")
    for r in st.assets.head(15).itertuples():
        t.add_row(r.asset, f"{r.expected_leakers:.3f}", f"{r.p_struck:.3f}", f"{r.p_struck_lo:.3f}–{r.p_struck_hi:.3f}")
    return t


def _saturation_table(sweep, title: str) -> Table:
    """The raid sweep's table (:func:`goldendome.io.report.saturation_table`): one row per raid size."""
    from goldendome.io.report import SATURATION_NOTE, saturation_rows

    rows = saturation_rows(sweep)
    t = Table(title=title, title_justify="left", header_style="bold", caption=SATURATION_NOTE, caption_justify="left")
    for col in rows.columns:
        t.add_column(col, justify="right")
    spec = {"missiles": ",.0f", "trials": ",.0f", "P(no leaker)": ".3f", "leakers": ".2f", "leaked": ".3f",
            "cost $M": ",.0f"}  # fmt: skip
    for r in rows.itertuples(index=False):
        t.add_row(*(v if isinstance(v, str) else _fmt(v, spec.get(c, ".1f")) for c, v in zip(rows.columns, r,
                                                                                            strict=True)))  # fmt: skip
    return t


@app.command()
def mc(
    scenario: Annotated[str, typer.Argument(help="Scenario file or built-in name with a 'defence' (critique-salvo).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The study folder (created; rerun to resume or extend).")],
    trials: Annotated[int, typer.Option("--trials", "-n", min=1, max=10_000_000, help="Trials in the study.")] = 100,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=1024, help="Local worker processes.")] = 1,
    dask: Annotated[str | None, typer.Option("--dask", help="A dask scheduler (tcp://host:8786), or 'local:W' for a "
                                             "LocalCluster of W workers here.")] = None,  # fmt: skip
    salvo: Annotated[str | None, typer.Option("--salvo", help="Sweep salvo sizes, e.g. 1,2,5,10: one study each of "
                                              "the first K threats (DIR/salvo-K).")] = None,  # fmt: skip
    raid: Annotated[str | None, typer.Option("--raid", help="Sweep raid sizes, e.g. 10,50,100,200: one study each "
                                             "with every threat entry's count scaled so R missiles fly in all "
                                             "(DIR/raid-R).")] = None,  # fmt: skip
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
    """
    from goldendome.analysis.battle_stats import study_stats
    from goldendome.engine.montecarlo import StudyLocked, StudyMismatch
    from goldendome.engine.study import first_threats, raid_capacity, raid_missiles, run_battle_study, scale_raid

    scn, _ = _load(scenario)
    _check_out(out)
    if scn.defence is None:
        _fail(f"{scenario} has no defence", ["add a 'defence:' block (batteries, doctrine) to fight a battle; "
                                            "goldendome scenario show critique-salvo has an example"])  # fmt: skip
    if salvo is not None and raid is not None:
        _fail("--raid and --salvo together", [
            "give one sweep: --salvo K cuts the scenario to its first K threat entries, --raid R scales every "
            "entry's count to R missiles in all"])  # fmt: skip
    studies = [(f"all {len(scn.threats)} threats", out, scn)]  # (label, folder, scenario)
    if salvo is not None:
        try:
            sizes = sorted({int(v) for v in salvo.split(",") if v.strip()})
        except ValueError:
            _fail("--salvo", [f"salvo sizes must be whole numbers separated by commas, got {salvo!r}"])
        bad = [k for k in sizes if not 1 <= k <= len(scn.threats)]
        if bad or not sizes:
            _fail("--salvo", [f"salvo sizes must lie in 1..{len(scn.threats)} (the scenario's threats), got {bad}"])
        studies = [(f"salvo of {k}", out / f"salvo-{k}", first_threats(scn, k)) for k in sizes]
    if raid is not None:
        try:
            sizes = sorted({int(v) for v in raid.split(",") if v.strip()})
        except ValueError:
            _fail("--raid", [f"raid sizes must be whole numbers of missiles separated by commas, e.g. 10,50,100; "
                             f"got {raid!r}"])  # fmt: skip
        cap = raid_capacity(scn)
        bad = [r for r in sizes if not 1 <= r <= cap]
        if bad or not sizes:
            _fail("--raid", [f"raid sizes must lie in 1..{cap:,} missiles, got {bad or raid!r}: the scenario "
                             f"launches {raid_missiles(scn):,} in {len(scn.threats)} threat entries, and a scaled "
                             "entry holds at most the scenario model's bound on count (glide and FOBS entries one "
                             "each)"])  # fmt: skip
        studies = [(f"raid of {r}", out / f"raid-{r}", scale_raid(scn, r)) for r in sizes]
    rows = []
    if salvo is not None or raid is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "scenario.json").write_text(scn.model_dump_json(indent=2) + "\n")
    for label, folder, sub in studies:
        count = TextColumn("{task.completed:,.0f}/{task.total:,.0f}")
        with Progress(TextColumn("{task.description}"), BarColumn(), count, TimeElapsedColumn(), console=console,
                      disable=quiet, transient=True) as bar:  # fmt: skip
            task = bar.add_task(f"{label}: trials", total=trials)

            def progress(done: int, total: int, task=task):
                bar.update(task, completed=done, total=total)

            try:
                summary = run_battle_study(sub, trials, folder, seed, workers, dask, progress)
            except (StudyMismatch, StudyLocked, ValueError) as exc:
                _fail(f"study {folder}", [str(exc)])
            except OSError as exc:
                if dask is None:
                    raise
                _fail(f"study {folder}: cannot reach the Dask scheduler {dask}", [str(exc)])
        console.print(f"{label}: {summary.completed:,} trial(s) run, {summary.skipped:,} already done"
                      + (f", {summary.rerun} corrupt rerun" if summary.rerun else "")
                      + (f", [red]{summary.failed} failed (see {folder}/_failed; rerun to retry)[/]" if summary.failed
                         else "") + f" in {summary.wall_s:.1f} s ({summary.backend})", highlight=False)  # fmt: skip
        try:
            rows.append((label, study_stats(folder)))
        except ValueError:
            _fail(f"study {folder}: no trial finished", [f"{summary.failed} trial(s) failed; why is written in "
                                                         f"{folder}/_failed (and printed above)"])  # fmt: skip
    if raid is not None:
        from goldendome.io.report import saturation_table

        console.print(_saturation_table(saturation_table(out), f"How the defence saturates: {scn.name}"))
    else:
        console.print(_study_table(rows, f"Monte Carlo: {scn.name}"))
    table = _asset_table(rows[-1][1])
    if table is not None:
        console.print(table)
    console.print(f"results in [bold]{out}[/]; figures: goldendome report {out}")


@app.command()
def report(folder: Annotated[Path, typer.Argument(help="A results folder (goldendome mc / cost / sbi size / run "
                                                       "--out), or one holding several.")]):  # fmt: skip
    """One self-contained HTML page (report.html) of a results folder: Monte Carlo leakage with its figures
    (leakage against salvo size, how the defence saturates over a raid sweep, outcomes by layer, the map of impacts),
    cost, schedule, partner shares, SBI sizing.

    Example: [bold]goldendome mc critique-salvo --trials 200 --salvo 1,5,10 --out results/all/mc[/],
    [bold]goldendome cost cbo-2026 --plot --out results/all/cost[/], then [bold]goldendome report results/all[/]:
    open results/all/report.html in any browser, offline.
    """
    from goldendome.engine.study import study_folders
    from goldendome.io.report import build_report

    if not folder.is_dir():
        _fail(f"{folder} holds no study", ["run goldendome mc SCENARIO --out FOLDER (or cost / sbi size / run with "
                                           "--out) first"])  # fmt: skip
    try:
        path, found = build_report(folder)
    except ValueError as exc:
        _fail(f"{folder} holds no study", [str(exc)])
    except (KeyError, TypeError, AttributeError) as exc:
        _fail(f"{folder} holds a results file goldendome cannot read", [
            f"{type(exc).__name__}: {exc}; was it written by another program or an older goldendome? Run the "
            "command that writes it again (mc / cost / sbi size / run --out)"])  # fmt: skip
    from goldendome.analysis.battle_stats import study_stats

    folders = study_folders(folder)
    if folders:
        rows = [(f.name if f != folder else "study", study_stats(f)) for f in folders]
        console.print(_study_table(rows, "Monte Carlo"))
        from goldendome.io.report import saturation_table

        sweep = saturation_table(folder)
        if len(sweep):
            console.print(_saturation_table(sweep, "How the defence saturates (raid sweep)"))
        table = _asset_table(rows[-1][1])
        if table is not None:
            console.print(table)
    console.print(f"report: [bold]{path}[/] ({', '.join(found)}); figures beside it: "
                  + ", ".join(sorted(p.name for p in folder.glob("*.png"))), highlight=False)  # fmt: skip


def _bn(x) -> str:
    return "–" if x is None or x != x else f"{x / 1e9:,.1f}"


@app.command()
def cost(
    study: Annotated[str, typer.Argument(help="Cost study file (.yaml) or built-in name, e.g. cbo-2026.")],
    alternative: Annotated[str | None, typer.Option("--alternative", help="Which system of a study that compares "
                                                    "several (default: the first).")] = None,  # fmt: skip
    variant: Annotated[str | None, typer.Option("--variant", help="A what-if case of the study.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write cost.json and the tables here.")] = None,
    plot: Annotated[bool, typer.Option("--plot", help="Draw the figures into --out.")] = False,
    benefit_from: Annotated[Path | None, typer.Option("--benefit-from", help="A Monte Carlo study folder (goldendome "
                            "mc --out): its lives protected by country set the 'benefit' sharing rule.")] = None,
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
    from goldendome.analysis.architecture import evaluate
    from goldendome.scenario.loader import ScenarioError

    if plot and out is None:
        _fail("--plot needs --out", ["give a folder for the figures, e.g. --out results/cost"])
    _check_out(out)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  disable=quiet, transient=True) as bar:  # fmt: skip
        task = bar.add_task("costing", total=1.0)
        try:
            rep = evaluate(study, alternative, variant, lambda what, f: bar.update(task, description=what,
                                                                                   completed=f),
                           benefit_from=benefit_from)  # fmt: skip
        except ScenarioError as exc:
            _fail(f"cost study {exc.source} cannot be used", exc.messages)
        except (ValueError, KeyError) as exc:
            _fail(f"cost study {study}", [str(exc.args[0] if exc.args else exc)])
    res, st = rep.cost, rep.study
    which = "".join(f" — {k} {v}" for k, v in (("alternative", rep.alternative), ("variant", rep.variant)) if v)
    console.print(f"[bold]{st.name}[/]{which}: constant FY{res.dollars_year} dollars, FY{res.start_year}–"
                  f"FY{res.start_year + res.horizon_years - 1}", highlight=False)  # fmt: skip
    comp = res.by_component()
    t = Table(title="Cost by component, $bn", title_justify="left", header_style="bold")
    cols = [c for c in comp.columns if c not in ("acquisition", "total") and comp[c].abs().sum() > 0]
    for col in ("component", *cols, "acquisition", "total"):
        t.add_column(col.replace("_", " "), justify="left" if col == "component" else "right")
    for name, r in comp.iterrows():
        t.add_row(name, *(_bn(r[c]) for c in cols), _bn(r["acquisition"]), f"[bold]{_bn(r['total'])}[/]")
    console.print(t)
    wide = res.by_year()
    t = Table(title="Cost by year, $bn", title_justify="left", header_style="bold")
    ycols = [c for c in wide.columns if wide[c].abs().sum() > 0]
    for col in ("year", *ycols):
        t.add_column(col.replace("_", " "), justify="right")
    for year, r in wide.iterrows():
        t.add_row(f"FY{year}", *(_bn(r[c]) for c in ycols))
    console.print(t)
    if len(rep.options) > 1:
        t = Table(title="Alternatives and variants, $bn", title_justify="left", header_style="bold")
        for col in ("alternative", "variant", "acquisition", "operations", "total"):
            t.add_column(col, justify="left" if col in ("alternative", "variant") else "right")
        for r in rep.options.itertuples():
            t.add_row(r.alternative, r.variant, _bn(r.acquisition_usd), _bn(r.operations_usd), _bn(r.total_usd))
        console.print(t)
    if rep.published is not None:
        t = Table(title="Beside the published figures", title_justify="left", header_style="bold")
        for col in ("figure", "published $bn", "ours $bn", "difference", "within"):
            t.add_column(col, justify="left" if col == "figure" else "right")
        for r in rep.published.itertuples():
            if not r.check:
                t.add_row(r.label, _bn(r.published_usd), _bn(r.ours_usd), f"{100 * r.rel_diff:+.1f} %",
                          "a budget, not a check")  # fmt: skip
                continue
            mark = "[green]yes[/]" if r.within_tolerance else "[red]no[/]"
            mark += " (calibrated)" if r.calibrated else ""
            t.add_row(r.label, _bn(r.published_usd), _bn(r.ours_usd), f"{100 * r.rel_diff:+.1f} %",
                      f"{mark} ±{100 * r.rel_tolerance:g} %")  # fmt: skip
        console.print(t)
    if rep.implied is not None:
        from goldendome.analysis.cost import format_input

        t = Table(title="What the published figures imply (each input solved so that ours equals the figure)",
                  title_justify="left", header_style="bold")  # fmt: skip
        for col in ("figure", "input", "as written", "implied", "ratio"):
            t.add_column(col, justify="left" if col in ("figure", "input") else "right")
        for r in rep.implied.itertuples():
            ratio = "" if r.ratio != r.ratio else f"{r.ratio:.2f}x"
            t.add_row(r.figure, f"{r.component}.{r.parameter}", format_input(r.parameter, r.as_written),
                      format_input(r.parameter, r.implied), ratio)  # fmt: skip
        console.print(t)
        for r in rep.implied.itertuples():
            if r.note:
                console.print(f"[yellow]note:[/] {r.note}", highlight=False)
    if rep.schedule is not None:
        sc = rep.schedule
        fmt = (lambda d: d.strftime("%B %Y") if d else "never")  # noqa: E731
        console.print(f"[bold]Deployment[/]: {sc.plan.n_satellites:,} {sc.plan.satellite_name}s, "
                      f"{sc.mean_per_launch:.0f} a launch; initial capability {fmt(sc.initial_capability)}, full "
                      f"capability {fmt(sc.full_capability)} (bound by {sc.binding}); to sustain: "
                      f"{sc.replacements_per_year:,.0f} replacements and {sc.launches_per_year_steady:,.0f} "
                      "launches a year", highlight=False)  # fmt: skip
        if rep.deadline is not None:
            ok, msg = rep.deadline
            console.print(f"{'[green]meets' if ok else '[red]misses'} the deadline[/]: {msg}", highlight=False)
    if rep.benefit is not None:
        t = Table(title="Lives protected per salvo by country (the benefit rule's numbers)", title_justify="left",
                  header_style="bold")  # fmt: skip
        for col in ("country", "people struck undefended", "struck with the defence", "protected"):
            t.add_column(col, justify="left" if col == "country" else "right")
        for r in rep.benefit.itertuples():
            t.add_row(r.country, f"{r.undefended:,.0f}", f"{r.defended:,.0f}", f"{r.protected:,.0f}")
        console.print(t)
    for note in rep.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    t = Table(title=f"Who pays: the {_bn(res.total_usd)} $bn total under each sharing rule", title_justify="left",
              header_style="bold")  # fmt: skip
    partners = list(dict.fromkeys(rep.sharing["partner"]))
    for col in ("rule", *[f"{p} share" for p in partners], *[f"{p} $bn" for p in partners]):
        t.add_column(col, justify="left" if col == "rule" else "right")
    if "CA" in partners:
        t.add_column("CA C$bn", justify="right")
    for rule, g in rep.sharing.groupby("rule", sort=False):
        g = g.set_index("partner")
        row = [f"{100 * g.share[p]:.1f} %" for p in partners] + [_bn(g.bill_usd[p]) for p in partners]
        if "CA" in partners:
            row.append(_bn(g.bill_cad["CA"]))
        t.add_row(rule.replace("_", " "), *row)
    console.print(t)
    if len(rep.public):
        figs = rep.public.drop_duplicates("figure")
        console.print("Public figures beside Canada's bill: " + "; ".join(
            f"{r.figure_label} ({r.figure_date})" for r in figs.itertuples()) + ". Each differs in programme, "
            "horizon or currency: see cost.json 'public' for the caveats.", highlight=False)  # fmt: skip
    if rep.exchange is not None:
        t = Table(title="Cost-exchange ratio", title_justify="left", header_style="bold")
        for col in ("interceptor", "threat", "shots", "P(kill)", "$M per kill", "threat $M", "ratio"):
            t.add_column(col, justify="left" if col in ("interceptor", "threat") else "right")
        for r in rep.exchange.itertuples():
            t.add_row(r.interceptor, r.threat, str(r.shots), f"{r.kill_probability:.2f}",
                      f"{r.cost_per_kill_usd / 1e6:,.2f}", f"{r.threat_cost_usd / 1e6:,.3f}",
                      f"{r.exchange_ratio:,.1f}")  # fmt: skip
        console.print(t)
    if rep.sizing is not None:
        t = Table(title="Cost of salvo capacity (SBI shell sized per salvo)", title_justify="left",
                  header_style="bold")  # fmt: skip
        for col in ("design", "salvo", "SBIs", "SBI kg", "total $bn", "per extra ICBM $bn", "Pareto"):
            t.add_column(col, justify="left" if col == "design" else "right")
        for r in rep.sizing.itertuples():
            t.add_row(r.design, str(r.salvo), _fmt(r.sbis), _fmt(r.unit_mass_kg), _bn(r.total_usd),
                      _bn(r.marginal_usd), "★" if r.pareto else "")  # fmt: skip
        console.print(t)
    if rep.leakage is not None:
        t = Table(title="Cost against leakage (Monte Carlo)", title_justify="left", header_style="bold")
        for col in ("architecture", "cost $bn", "trials", "P(no leaker)", "95 % CI", "leakers / trial"):
            t.add_column(col, justify="left" if col == "architecture" else "right")
        for r in rep.leakage.itertuples():
            t.add_row(r.label, _bn(r.cost_usd), f"{r.trials:,}", f"{r.p_zero:.3f}", f"{r.p_zero_lo:.3f}–"
                      f"{r.p_zero_hi:.3f}", f"{r.leakers:.2f}")  # fmt: skip
        console.print(t)
    console.print(f"[bold]Total ${res.total_usd / 1e9:,.1f} billion[/] (FY{res.dollars_year} dollars). It rests on:")
    for a in res.assumptions:
        console.print(f"  - {a}", highlight=False)
    if out is not None:
        from goldendome.io.results import write_cost

        path = write_cost(rep, out, plot)
        files = ", ".join(sorted(f.name for f in path.iterdir() if f.suffix in (".json", ".parquet", ".png")))
        console.print(f"results written to [bold]{path}[/] ({files})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    results: Annotated[Path, typer.Option("--results", help="Where runs write their results.")] = Path("results/serve"),
):
    """Serve the globe page and the JSON API: built-in scenarios, validation, runs and Monte Carlo studies as
    background jobs with live progress, their results, CZML scenes and HTML reports.

    Example: [bold]goldendome serve[/], then open http://127.0.0.1:8000 for the globe (press Run) and
    http://127.0.0.1:8000/docs for the API. The globe needs the CesiumJS bundle ([bold]make web[/] builds it; no
    network at run time). It listens on this machine only unless you give --host 0.0.0.0.
    """
    import os

    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]warning:[/] listening on {host}: other machines can reach the API", highlight=False)
    # the server is named, not imported: the command line and the server are two top layers that import nobody's
    os.environ["GOLDENDOME_RESULTS"] = str(results)
    os.environ["GOLDENDOME_HOST"] = host
    uvicorn.run("goldendome.server.app:app_from_environment", factory=True, host=host, port=port, log_level="info")


@app.command()
def doctor():
    """Versions of goldendome and its parts, data files present, and whether the compiled kernels work."""
    import importlib

    t = Table(title="goldendome doctor", title_justify="left", header_style="bold")
    t.add_column("part")
    t.add_column("status")
    t.add_row("goldendome", __version__)
    t.add_row("python", sys.version.split()[0])
    ok = True
    for mod in ("numpy", "scipy", "numba", "pydantic", "yaml", "typer", "rich", "sgp4", "pyarrow"):
        try:
            m = importlib.import_module(mod)
            t.add_row(mod, getattr(m, "__version__", "present"))
        except ImportError as exc:  # pragma: no cover - only on a broken install
            ok = False
            t.add_row(mod, f"[red]missing ({exc})[/]")
    from goldendome.scenario.loader import builtin_names
    from goldendome.scenario.models import places
    from goldendome.threats.missile import load_catalogue, load_cruise_missiles, load_glide_vehicles

    t.add_row("built-in scenarios", ", ".join(builtin_names()))
    t.add_row("threat catalogue", f"{len(load_catalogue())} ballistic, {len(load_glide_vehicles())} glide, "
              f"{len(load_cruise_missiles())} cruise")  # fmt: skip
    t.add_row("gazetteer", f"{len(places()['launch_sites'])} launch sites, {len(places()['cities'])} cities")
    try:
        import numpy as np

        from goldendome.physics.constellation import walker_delta
        from goldendome.physics.kepler import propagate

        propagate(walker_delta(4, 2, 0, 500e3, 0.9), np.array([0.0, 60.0]))
        t.add_row("compiled kernels (numba)", "ok")
    except Exception as exc:  # pragma: no cover - reported, not raised
        ok = False
        t.add_row("compiled kernels (numba)", f"[red]failed: {exc}[/]")
    for optional in ("ambiance", "pytest"):
        try:
            importlib.import_module(optional)
            t.add_row(f"{optional} (test extra)", "present")
        except ImportError:
            t.add_row(f"{optional} (test extra)", "not installed (only needed for tests)")
    console.print(t)
    if not ok:
        raise typer.Exit(1)


@scenario_app.command("list")
def scenario_list():
    """List the built-in scenarios."""
    from goldendome.scenario.loader import builtin_names, load_builtin

    t = Table(header_style="bold")
    t.add_column("name")
    t.add_column("title")
    for n in builtin_names():
        t.add_row(n, load_builtin(n).name)
    console.print(t)


@scenario_app.command("show")
def scenario_show(name: Annotated[str, typer.Argument(help="Built-in scenario name, e.g. default.")] = "default"):
    """Print a built-in scenario's YAML, to copy and edit. Example: goldendome scenario show default > my.yaml"""
    from goldendome.scenario.loader import ScenarioError, builtin_text

    try:
        sys.stdout.write(builtin_text(name))
    except ScenarioError as exc:
        _fail(f"scenario {name}", exc.messages)


@scenario_app.command("validate")
def scenario_validate(path: Annotated[Path, typer.Argument(help="Scenario file to check.")]):
    """Check a scenario file and list every problem, without running it."""
    scn, _ = _load(str(path))
    console.print(f"[green]ok:[/] {path} — {scn.name}: {len(scn.threats)} threat entries, "
                  f"{len(scn.constellations)} constellation(s)")  # fmt: skip


@scenario_app.command("schema")
def scenario_schema_cmd():
    """Print the JSON Schema of scenario files (for editors and validators)."""
    from goldendome.scenario.loader import scenario_schema

    sys.stdout.write(json.dumps(scenario_schema(), indent=2) + "\n")


@radar_app.command("list")
def radar_list():
    """List the radar presets a scenario can name under `radars:`, with what each can see."""
    from goldendome.sensors.radar import PRESETS, RCS_M2, OTHRadar

    t = Table(title="Radars (scenario key radars: [NAME, ...])", header_style="bold", title_justify="left")
    for col in ("name", "site", "band GHz", "height m", "faces", "range km", "revisit s", "10 m² at (SNR 13 dB)",
                "RV 0.01 m² at"):
        t.add_column(col, justify="left" if col in ("name", "site", "faces") else "right")
    for r in PRESETS.values():
        site = _latlon(r.lat_deg, r.lon_deg, 1)
        if isinstance(r, OTHRadar):
            t.add_row(r.name, site, "HF", "–", f"{len(r.sectors)} sectors", f"{r.min_ground_range_m / 1e3:,.0f}–"
                      f"{r.max_ground_range_m / 1e3:,.0f} ground", f"{r.revisit_s:g}", "–", "–")  # fmt: skip
            continue
        faces = ", ".join(f"{f.boresight_az_deg:g}±{f.half_width_deg:g}°" for f in r.faces)
        at = [min(r.range_for_snr(20.0, s), r.max_range_m) / 1e3 for s in (10.0, RCS_M2["rv"])]
        t.add_row(r.name, site, f"{r.frequency_hz / 1e9:.2f}", f"{r.height_m:,.0f}", faces,
                  f"{r.max_range_m / 1e3:,.0f}", f"{r.revisit_s:g}", *(f"{a:,.0f} km" for a in at))  # fmt: skip
    console.print(t)
    console.print("SNR 13 dB: P_d 0.9 for a steady target at P_fa 1e-6. goldendome radar show NAME gives the sources.",
                  highlight=False)  # fmt: skip


@radar_app.command("show")
def radar_show(name: Annotated[str, typer.Argument(help="Preset name, e.g. uewr-clear, tpy2-forward.")]):
    """Show one radar preset: every parameter and the sources (public figures; assumptions marked)."""
    from dataclasses import fields

    from goldendome.sensors.radar import PRESETS

    if name not in PRESETS:
        _fail("unknown radar", [f"unknown radar {name!r}; the presets are: {', '.join(sorted(PRESETS))}"])
    r = PRESETS[name]
    t = Table(header_style="bold")
    t.add_column("parameter")
    t.add_column("value", justify="right")
    for f in fields(r):
        if f.name in ("sources", "name"):
            continue
        t.add_row(f.name, str(getattr(r, f.name)))
    console.print(f"[bold]{r.name}[/]")
    console.print(t)
    console.print("[bold]sources[/]")
    for s in r.sources:
        console.print(f"  - {s}", highlight=False)


@interceptor_app.command("list")
def interceptor_list():
    """List the interceptors a scenario's batteries can carry (defence.batteries[].interceptor)."""
    from goldendome.c2.manager import LAYERS
    from goldendome.effectors.interceptors import load_interceptors

    t = Table(title="Interceptors (scenario key defence.batteries[].interceptor)", header_style="bold",
              title_justify="left")  # fmt: skip
    for col in ("name", "layer", "burnout km/s", "altitude km", "range km", "rounds / launcher", "reload min",
                "$M / round", "single-shot kill probability"):
        t.add_column(col, justify="left" if col in ("name", "layer", "single-shot kill probability") else "right")
    cat = sorted(load_interceptors().values(), key=lambda w: (LAYERS.index(w.layer), w.name))
    for w in cat:
        pk = ", ".join(f"{k} {v:.2f}" for k, v in w.sspk.items())
        t.add_row(w.name, w.layer, f"{w.burnout_speed_mps / 1e3:.1f}", f"{w.min_altitude_m / 1e3:g}–"
                  f"{w.max_altitude_m / 1e3:g}", f"{w.max_range_m / 1e3:,.0f}", str(w.rounds_per_launcher),
                  f"{w.reload_s / 60:g}" if w.reload_s else "none", f"{w.unit_cost_musd:g}", pk)  # fmt: skip
    console.print(t)
    console.print("Layers fire in this order under hand-over: " + " → ".join(LAYERS) + ". goldendome interceptor "
                  "show NAME gives the sources.", highlight=False)  # fmt: skip


@interceptor_app.command("show")
def interceptor_show(name: Annotated[str, typer.Argument(help="Catalogue name, e.g. gbi, thaad, tamir.")]):
    """Show one interceptor: every parameter and the sources (public figures; assumptions marked)."""
    from dataclasses import fields

    from goldendome.effectors.interceptors import interceptor

    try:
        w = interceptor(name)
    except KeyError as exc:
        _fail("unknown interceptor", [exc.args[0]])
    t = Table(header_style="bold")
    t.add_column("parameter")
    t.add_column("value", justify="right")
    for f in fields(w):
        if f.name not in ("sources", "name", "description"):
            t.add_row(f.name, str(getattr(w, f.name)))
    console.print(f"[bold]{w.name}[/]: {w.description}", highlight=False)
    console.print(t)
    console.print("[bold]sources[/]")
    for src in w.sources:
        console.print(f"  - {src}", highlight=False)


@threat_app.command("list")
def threat_list():
    """List the threat catalogue: ballistic missiles, glide vehicles and cruise missiles, with headline figures."""
    from goldendome.threats.missile import load_catalogue, load_cruise_missiles, load_glide_vehicles

    t = Table(title="Ballistic missiles and boosters", header_style="bold", title_justify="left")
    for col in ("name", "propellant", "stages", "boost s", "launch t", "payload kg", "ideal Δv km/s", "launcher"):
        t.add_column(col, justify="left" if col in ("name", "propellant", "launcher") else "right")
    for d in load_catalogue().values():
        t.add_row(d.name, d.propellant, str(len(d.stages)), f"{d.burn_time_s:.0f}", f"{d.launch_mass_kg / 1e3:.1f}",
                  f"{d.payload_kg:,.0f}", f"{d.ideal_delta_v_mps() / 1e3:.2f}", d.launcher)  # fmt: skip
    console.print(t)
    t = Table(title="Boost-glide vehicles (type: glide, vehicle: NAME)", header_style="bold", title_justify="left")
    for col in ("name", "booster", "mass kg", "β kg/m²", "L/D"):
        t.add_column(col, justify="left" if col in ("name", "booster") else "right")
    for g in load_glide_vehicles().values():
        t.add_row(g.name, g.booster, f"{g.mass_kg:,.0f}", f"{g.beta_kg_m2:,.0f}", f"{g.lift_to_drag:.1f}")
    console.print(t)
    t = Table(title="Cruise missiles (type: cruise, missile: NAME)", header_style="bold", title_justify="left")
    for col in ("name", "speed m/s", "Mach (sea level)", "height m", "range km", "turn g", "platforms"):
        t.add_column(col, justify="left" if col in ("name", "platforms") else "right")
    for c in load_cruise_missiles().values():
        t.add_row(c.name, f"{c.speed_mps:.0f}", f"{c.speed_mps / _sea_level_sound_speed():.2f}", f"{c.altitude_m:.0f}",
                  f"{c.range_m / 1e3:,.0f}", f"{c.max_load_factor:g}", ", ".join(c.platforms))  # fmt: skip
    console.print(t)
    console.print("goldendome threat show NAME prints an entry with the source of every number.", highlight=False)


def _sea_level_sound_speed() -> float:
    from goldendome.physics.atmosphere import speed_of_sound_us76

    return float(speed_of_sound_us76(0.0))


@threat_app.command("show")
def threat_show(name: Annotated[str, typer.Argument(help="Entry name, e.g. icbm-solid-3stage, hgv-regional, kh-101.")]):
    """Show one catalogue entry: its figures and the sources of every number."""
    from goldendome.threats.missile import CruiseDesign, GlideDesign, any_design

    try:
        d = any_design(name)
    except KeyError as exc:
        _fail("unknown threat", [str(exc.args[0])])
    console.print(f"[bold]{d.name}[/] — {d.description}")
    if isinstance(d, GlideDesign):
        b = d.booster_design()
        console.print(f"booster {d.booster} ({len(b.stages)} stages, {b.burn_time_s:.0f} s, ideal Δv with the vehicle "
                      f"{b.ideal_delta_v_mps():,.0f} m/s); vehicle {d.mass_kg:,.0f} kg, ballistic coefficient "
                      f"{d.beta_kg_m2:,.0f} kg/m², L/D {d.lift_to_drag:g}, burnout flight-path angle "
                      f"{d.boost_angle_deg:g}°")  # fmt: skip
        if d.published:
            console.print(f"[bold]published[/] {d.published}", highlight=False)
    elif isinstance(d, CruiseDesign):
        from goldendome.threats.cruise import level_turn_radius_m

        radius = level_turn_radius_m(d.speed_mps, d.max_load_factor)
        console.print(f"cruise {d.speed_mps:.0f} m/s (Mach {d.speed_mps / _sea_level_sound_speed():.2f} at sea level) "
                      f"at {d.altitude_m:.0f} m, range {d.range_m / 1e3:,.0f} km, turns at {d.max_load_factor:g} g "
                      f"(radius {radius / 1e3:.1f} km); launched from {', '.join(d.platforms)}")  # fmt: skip
    else:
        t = Table(header_style="bold")
        for col in ("stage", "propellant kg", "dry kg", "burn s", "Isp s", "thrust kN", "diameter m"):
            t.add_column(col, justify="right")
        for k, s in enumerate(d.stages, start=1):
            t.add_row(str(k), f"{s.propellant_kg:,.0f}", f"{s.dry_kg:,.0f}", f"{s.burn_time_s:.0f}", f"{s.isp_s:.0f}",
                      f"{s.thrust_n / 1e3:,.0f}", f"{s.diameter_m:.2f}")  # fmt: skip
        console.print(t)
        console.print(f"payload {d.payload_kg:,.0f} kg; re-entry ballistic coefficient {d.rv_beta_kg_m2:,.0f} kg/m²; "
                      f"launch mass {d.launch_mass_kg:,.0f} kg; ideal Δv {d.ideal_delta_v_mps():,.0f} m/s; "
                      f"{d.launcher} launch")  # fmt: skip
        _print_reach(d)
    console.print("[bold]sources[/]")
    for s in d.sources:
        console.print(f"  - {s}", highlight=False)


def _print_reach(d) -> None:
    """What a ballistic design flies: its maximum range flown (full burn, best final pitch, due north from 45 N) with
    the burnout and the delta-v budget, on the design's own pitch programme (the one the simulator flies) beside the
    one-parameter programme of earlier versions (q = 0.5); then a named missile's figures beside the published
    ones."""
    import datetime as dt

    from goldendome.threats.ballistic import maximum_range
    from goldendome.threats.flight import PITCH_EXPONENT

    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    try:
        reach = [maximum_range(d, epoch), maximum_range(d, epoch, pitch_exponent=PITCH_EXPONENT)]
    except ValueError as exc:
        console.print(f"[yellow]not flown:[/] {exc}", highlight=False)
        return
    t = Table(title="Flown: the full burn at the final pitch of greatest range, launched due north from 45° N",
              title_justify="left", header_style="bold")  # fmt: skip
    t.add_column("")
    for r, label in zip(reach, ("flown programme", "one-parameter programme"), strict=True):
        t.add_column(f"{label} (q = {r.pitch_exponent:.2f})", justify="right")
    rows = [
        ("maximum range, km", lambda r: f"{r.range_m / 1e3:,.0f}"),
        ("flight time, min", lambda r: f"{r.flight_time_s / 60:.1f}"),
        ("final pitch, °", lambda r: f"{np.degrees(r.pitch_final_rad):.1f}"),
        ("burnout time, s", lambda r: f"{r.budget.burnout_time_s[0]:.0f}"),
        ("burnout altitude, km", lambda r: f"{r.budget.burnout_altitude_m[0] / 1e3:.0f}"),
        ("burnout speed (inertial), m/s", lambda r: f"{r.budget.burnout_speed[0]:,.0f}"),
        ("ideal Δv, m/s", lambda r: f"{r.budget.ideal[0]:,.0f}"),
        ("  − gravity loss", lambda r: f"{r.budget.gravity[0]:,.0f}"),
        ("  − drag loss", lambda r: f"{r.budget.drag[0]:,.0f}"),
        ("  − steering loss", lambda r: f"{r.budget.steering[0]:,.0f}"),
        ("  = speed gained", lambda r: f"{r.budget.gain[0]:,.0f}"),
    ]
    for name, fmt in rows:
        t.add_row(name, *(fmt(r) for r in reach))
    console.print(t)
    console.print("The pitch programme: elevation = 90° − (90° − final pitch) × s^q over the burn after the vertical "
                  "rise (s: the fraction of it flown); q is fitted per design for the greatest range.",
                  highlight=False)  # fmt: skip
    _print_published(d, reach[0].range_m, epoch)


def _print_published(d, range_m: float, epoch) -> None:
    """A named missile's flown figures beside the published ones: maximum range and burn time against their bands,
    each published test flown on its shape (range, apogee, flight time)."""
    from goldendome.threats.named import flight_comparisons, fly_tests, published_reach, reach_comparisons

    if d.published is None:
        return
    if d.published.range_from is not None:  # the published range is measured from a place toward another
        range_m = published_reach(d, epoch).range_m
    rows = reach_comparisons(d, range_m)
    fit, tests = fly_tests(d, epoch)
    for flown in tests:
        if not flown.feasible:
            console.print(f"[yellow]{flown.flight.name}:[/] the model cannot fly this test's range on a "
                          f"{flown.flight.shape} trajectory", highlight=False)  # fmt: skip
            continue
        rows += flight_comparisons(flown)
    t = Table(title="Against the published figures", title_justify="left", header_style="bold")
    for col in ("", "model", "published", "off the band"):
        t.add_column(col, justify="left" if not col else "right")
    for c in rows:
        band = (f"{c.low:,.0f}" if c.low == c.high else f"≥ {c.low:,.0f}" if np.isinf(c.high)
                else f"{c.low:,.0f}–{c.high:,.0f}")  # fmt: skip
        digits = 1 if c.unit == "min" else 0
        t.add_row(f"{c.what}, {c.unit}", f"{c.model:,.{digits}f}", band,
                  "in band" if abs(c.off_band) < 5e-4 else f"{c.off_band:+.1%}")  # fmt: skip
    console.print(t)
    if fit is not None:
        state = "" if fit.converged else " [yellow](no payload in the band flies it: the closest shown)[/]"
        console.print(
            f"The tests are flown with a {fit.design.payload_kg:,.0f} kg payload, fitted to the apogee of "
            f"'{fit.flown.flight.name}' (the test payload is not published){state}.",
            highlight=False,
        )
    for note in d.published.notes:
        console.print(f"  - {note}", highlight=False)
    for flight in d.published.flights:
        console.print(f"  - {flight.name}: {flight.source}", highlight=False)


def _latlon(lat_deg: float, lon_deg: float, digits: int = 2) -> str:
    """A position as people write it: 47.61N 122.33W."""
    return (f"{abs(lat_deg):.{digits}f}{'N' if lat_deg >= 0 else 'S'} "
            f"{abs(lon_deg):.{digits}f}{'E' if lon_deg >= 0 else 'W'}")  # fmt: skip


def _progress_bar(quiet: bool):
    return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                    disable=quiet, transient=True)  # fmt: skip


def _fmt(v, spec=",.0f"):
    return "–" if v is None else format(v, spec)


@threat_app.command("rerange")
def threat_rerange(
    apogee_km: Annotated[float | None, typer.Option(help="Reported apogee of the lofted test, km (with --missile: "
                                                    "default its published test's).")] = None,  # fmt: skip
    range_km: Annotated[float | None, typer.Option(help="Reported ground range of the test, km.")] = None,
    flight_time_min: Annotated[float | None, typer.Option(min=0.1, max=600.0, help="Reported flight time, min (to "
                                                          "check the fit; with --missile, to fit the burn "
                                                          "time).")] = None,  # fmt: skip
    missile: Annotated[str | None, typer.Option(help="Catalogue missile to fit to the test and fly (goldendome "
                                                "threat list), e.g. hwasong-15: prints the flown equivalent range "
                                                "beside the same-speed bound.")] = None,  # fmt: skip
    test: Annotated[str | None, typer.Option(help="With --missile and no --apogee-km: which published test (part of "
                                             "its name, e.g. 'Nov 2017'); default the first with an "
                                             "apogee.")] = None,  # fmt: skip
    payload_only: Annotated[bool, typer.Option("--payload-only", help="With --missile: fit the payload alone, "
                                               "keeping the catalogue's burn times.")] = False,  # fmt: skip
    launch_lat: Annotated[float, typer.Option(min=-90.0, max=90.0, help="Launch latitude, deg.")] = 39.0,
    launch_lon: Annotated[float, typer.Option(min=-360.0, max=360.0, help="Launch longitude, deg.")] = 125.7,
    test_azimuth_deg: Annotated[float, typer.Option(min=-360.0, max=360.0, help="Azimuth of the test flight, deg "
                                                    "from north.")] = 90.0,  # fmt: skip
    target_azimuth_deg: Annotated[float, typer.Option(min=-360.0, max=360.0, help="Azimuth of the standard flight, "
                                                      "deg.")] = 45.0,  # fmt: skip
    burnout_altitude_km: Annotated[float, typer.Option(min=0.0, max=2000.0, help="Assumed burnout altitude, "
                                                       "km (without --missile).")] = 300.0,  # fmt: skip
    boost_time_s: Annotated[float, typer.Option(min=1.0, max=3600.0, help="Assumed boost duration, s (without "
                                                "--missile).")] = 300.0,  # fmt: skip
):
    """Re-range a lofted test: what range would the tested missile reach on a standard trajectory?

    Without --missile: the same-burnout-speed figure. The burnout speed and angle are fitted to the reported
    apogee and range (rotating Earth, launch azimuth) and the same speed is flown on the longest trajectory along
    the target azimuth: a lower bound, since a missile on a standard trajectory also loses less speed to gravity.

    With --missile: a catalogue design is fitted to the test (its payload to the apogee, its burn times to the
    flight time), flown lofted to check, then flown on its greatest-range trajectory toward the target azimuth,
    printed beside the lower bound and the published estimates.

    Examples (Hwasong-15, 29 Nov 2017: 4,475 km apogee, 950 km, 53 min):
    [bold]goldendome threat rerange --apogee-km 4475 --range-km 950 --flight-time-min 53[/]
    [bold]goldendome threat rerange --missile hwasong-15[/]
    """
    bad = [f"--{k.replace('_', '-')}: must be a finite number, got {v}" for k, v in (
        ("apogee_km", apogee_km), ("range_km", range_km), ("flight_time_min", flight_time_min),
        ("launch_lat", launch_lat), ("launch_lon", launch_lon), ("test_azimuth_deg", test_azimuth_deg),
        ("target_azimuth_deg", target_azimuth_deg), ("burnout_altitude_km", burnout_altitude_km),
        ("boost_time_s", boost_time_s)) if v is not None and not math.isfinite(v)]  # fmt: skip
    if missile is None and (apogee_km is None or range_km is None):
        bad.append("give --apogee-km and --range-km of the test, or --missile NAME to fly a catalogue missile's "
                   "published test")  # fmt: skip
    if bad:
        _fail("threat rerange", bad)
    from goldendome.threats.rerange import RerangeError, rerange

    if missile is not None:
        _rerange_flown(missile, test, apogee_km, range_km, flight_time_min, launch_lat, launch_lon, test_azimuth_deg,
                       target_azimuth_deg, not payload_only)  # fmt: skip
        return
    rad = np.radians
    try:
        r = rerange(apogee_km * 1e3, range_km * 1e3, rad(launch_lat), rad(launch_lon), rad(test_azimuth_deg),
                    rad(target_azimuth_deg), burnout_altitude_km * 1e3, boost_time_s)  # fmt: skip
    except RerangeError as exc:
        _fail("cannot re-range these observations", [str(exc)])
    t = Table(title="Re-ranging a lofted test", title_justify="left", header_style="bold")
    t.add_column("quantity")
    t.add_column("value", justify="right")
    t.add_column("note")
    t.add_row("burnout speed (Earth-relative)", f"{r.burnout_speed_mps / 1e3:.2f} km/s",
              f"fitted at {burnout_altitude_km:.0f} km altitude")  # fmt: skip
    t.add_row("burnout flight-path angle", f"{np.degrees(r.burnout_gamma_rad):.1f}°", "the lofted test")
    t.add_row("fitted apogee / range", f"{r.fitted_apogee_m / 1e3:,.0f} / {r.fitted_range_m / 1e3:,.0f} km",
              "reproduces the observations")  # fmt: skip
    obs = f"reported {flight_time_min:.1f} min" if flight_time_min else "no reported time given"
    t.add_row("flight time of the fitted flight", f"{r.fitted_flight_time_s / 60:.1f} min",
              f"{obs}; boost {boost_time_s:.0f} s assumed")  # fmt: skip
    t.add_row("[bold]equivalent range[/]", f"[bold]{r.equivalent_range_m / 1e3:,.0f} km[/]",
              f"same speed, azimuth {target_azimuth_deg:.0f}°, rotating Earth")  # fmt: skip
    t.add_row("  flight-path angle, flight time", f"{np.degrees(r.equivalent_gamma_rad):.1f}°, "
              f"{r.equivalent_flight_time_s / 60:.1f} min", "")  # fmt: skip
    t.add_row("  on a non-rotating Earth", f"{r.equivalent_range_no_rotation_m / 1e3:,.0f} km", "textbook figure")
    console.print(t)
    console.print("Same burnout speed is a lower bound: a missile flown on a standard trajectory also loses less "
                  "speed to gravity during its boost than on a steep lofted one (--missile NAME flies one).",
                  highlight=False)  # fmt: skip


def _rerange_flown(name, test, apogee_km, range_km, flight_time_min, launch_lat, launch_lon, test_azimuth_deg,
                   target_azimuth_deg, fit_burn_time) -> None:  # fmt: skip
    """threat rerange --missile: fit the design to the test, fly it, print the table."""
    import datetime as dt

    from goldendome.threats.missile import MissileDesign, PublishedFlight, any_design
    from goldendome.threats.named import Comparison
    from goldendome.threats.rerange import RerangeError, rerange_flown

    try:
        d = any_design(name)
    except KeyError as exc:
        _fail("unknown threat", [str(exc.args[0])])
    if not isinstance(d, MissileDesign):
        _fail(f"--missile {name}", ["re-ranging fits a ballistic missile; this entry is not one"])
    if apogee_km is not None:
        if range_km is None:
            _fail("threat rerange", ["--range-km: give the test's ground range with its apogee"])
        seconds = math.nan if flight_time_min is None else flight_time_min * 60.0
        flight = PublishedFlight("the given test", launch_lat, launch_lon, test_azimuth_deg, range_km, "lofted",
                                 apogee_km, seconds)  # fmt: skip
    else:
        tests = [f for f in (d.published.flights if d.published else ()) if np.isfinite(f.apogee_km)]
        chosen = [f for f in tests if test is None or test.lower() in f.name.lower()]
        if not chosen:
            have = ", ".join(repr(f.name) for f in tests) or "none"
            _fail(f"--missile {name}", [f"no published lofted test{'' if test is None else f' matching {test!r}'} "
                                        f"(it has: {have}); give --apogee-km and --range-km"])  # fmt: skip
        flight = chosen[0]
    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with console.status(f"fitting {d.name} to {flight.name} and flying it (about half a minute)"):
        try:
            r = rerange_flown(d, flight, epoch, np.radians(target_azimuth_deg), fit_burn_time)
        except RerangeError as exc:
            _fail("cannot re-range this test with this missile", [str(exc)])
    fit, got, reach, bound, b = r.fit, r.fit.flown, r.reach, r.lower_bound, r.reach.budget
    t = Table(title=f"Re-ranging {flight.name} with a flown {d.name}", title_justify="left", header_style="bold")
    for col, just in (("quantity", "left"), ("value", "right"), ("note", "left")):
        t.add_column(col, justify=just)
    t.add_row("fitted payload", f"{fit.design.payload_kg:,.0f} kg",
              f"catalogue {d.payload_kg:,.0f} kg; fitted to the apogee")  # fmt: skip
    timed = "fitted to the flight time" if fit.time_converged else "the catalogue's (not fitted)"
    t.add_row("burn time", f"{fit.design.burn_time_s:.0f} s", f"×{fit.burn_scale:.2f} of the catalogue's "
              f"{d.burn_time_s:.0f} s: {timed}")  # fmt: skip
    for what, model, published, unit in (("test apogee", got.apogee_m / 1e3, flight.apogee_km, "km"),
                                         ("test range", got.range_m / 1e3, flight.range_km, "km"),
                                         ("test flight time", got.flight_time_s / 60, flight.flight_time_s / 60,
                                          "min")):  # fmt: skip
        note = "not published" if not np.isfinite(published) else f"published {published:,.1f} {unit}"
        t.add_row(f"  {what} (flown)", f"{model:,.1f} {unit}", note)
    t.add_row("  burnout on the test", f"{got.burnout_speed_mps / 1e3:.2f} km/s",
              f"at {got.burnout_altitude_m / 1e3:,.0f} km, {got.burnout_time_s:.0f} s (inertial speed)")  # fmt: skip
    t.add_row("[bold]flown equivalent range[/]", f"[bold]{reach.range_m / 1e3:,.0f} km[/]",
              f"full burn, best final pitch, azimuth {target_azimuth_deg:.0f}°; drag, J2, rotating Earth")  # fmt: skip
    t.add_row("  burnout on it", f"{b.burnout_speed[0] / 1e3:.2f} km/s",
              f"at {b.burnout_altitude_m[0] / 1e3:,.0f} km; flight {reach.flight_time_s / 60:.1f} min")  # fmt: skip
    t.add_row("  delta-v lost", f"{b.losses[0]:,.0f} m/s", f"gravity {b.gravity[0]:,.0f}, drag {b.drag[0]:,.0f}, "
              f"steering {b.steering[0]:,.0f} of an ideal {b.ideal[0]:,.0f}")  # fmt: skip
    t.add_row("same-burnout-speed bound", f"{bound.equivalent_range_m / 1e3:,.0f} km",
              f"the test's burnout speed {bound.burnout_speed_mps / 1e3:.2f} km/s (Earth-relative) at "
              f"{got.burnout_altitude_m / 1e3:,.0f} km, flown flat")  # fmt: skip
    if flight.rerange_km is not None:
        c = Comparison("published", "km", reach.range_m / 1e3, *flight.rerange_km)
        band = f"≥ {c.low:,.0f}" if np.isinf(c.high) else f"{c.low:,.0f}–{c.high:,.0f}"
        where = "in the band" if c.off_band == 0.0 else f"{c.off_band:+.0%} off the band"
        t.add_row("published estimate", f"{band} km", f"flown figure {where}; {flight.rerange_source}")
    console.print(t)
    if reach.range_m > 19_000e3:
        console.print("The fitted missile reaches (nearly) any point on Earth: a great-circle range cannot exceed "
                      "~20,000 km, so the figure is a global reach, not a longer range.", highlight=False)  # fmt: skip
    console.print(
        "Why the two figures differ: climbing almost vertically, the test lost about g per second of burn to "
        f"gravity; on the standard trajectory the same missile loses {b.gravity[0]:,.0f} m/s to gravity and burns "
        f"out {b.burnout_speed[0] / 1e3 - got.burnout_speed_mps / 1e3:+.2f} km/s faster. The fit assumes the test "
        "burned to depletion and that the catalogue's stage split and Isp hold; the payload and burn time are what "
        "the test fixes, nothing else.", highlight=False)  # fmt: skip


@sbi_app.command("size")
def sbi_size(
    study: Annotated[str, typer.Argument(help="Study file (.yaml) or built-in study name.")] = "sbi-quick",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write sizing.parquet, absentee.parquet, "
                                                                 "summary.json (and plots) here.")] = None,
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
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from goldendome.analysis.sbi_study import absentee_by_latitude, base_point, run_study
    from goldendome.io import plots
    from goldendome.io.results import _versions
    from goldendome.scenario.loader import ScenarioError, load_study
    from goldendome.scenario.study import SizingStudy

    try:
        st = load_study(study, SizingStudy)
        # command-line options override the study's sections, then the whole study is validated again
        options = {
            "threat": {"salvo": salvo, "missile": missile},
            "shell": {"altitude_km": altitude_km, "inclination_deg": inclination_deg},
            "sbi": {"design": sbi, "delta_v_mps": delta_v, "accel_g": accel_g},
            "timeline": {"detect_s": detect_s, "decide_s": decide_s},
        }
        upd = {section: {**getattr(st, section).model_dump(), **{k: v for k, v in given.items() if v is not None}}
               for section, given in options.items()}  # fmt: skip
        if shots is not None:
            upd["shots"] = shots
        if no_sweeps:
            upd["sweeps"] = []
        from pydantic import ValidationError

        from goldendome.scenario.loader import format_validation_error

        try:
            st = SizingStudy.model_validate({**st.model_dump(), **upd})
        except ValidationError as exc:
            raise ScenarioError("command-line options", format_validation_error(exc)) from None
    except ScenarioError as exc:
        _fail(f"study {exc.source} is not valid", exc.messages)
    if plot and out is None:
        _fail("--plot needs --out", ["give a folder for the figures, e.g. --out results/sbi"])
    _check_out(out)

    console.print(f"[bold]{st.name}[/]")
    with _progress_bar(quiet) as bar:
        task = bar.add_task("starting", total=1.0)
        rows, base = run_study(st, lambda what, frac: bar.update(task, description=what, completed=frac))

    t = Table(title="SBI constellation size", title_justify="left", header_style="bold")
    for col in ("case", "missile", "salvo", "k", "alt km", "inc °", "Δv km/s", "accel g", "release s", "window s",
                "reach km", "SBIs sim", "SBIs analytic", "absentee", "in reach min/mean", "t in orbit"):
        left = col in ("case", "missile")
        t.add_column(col, justify="left" if left else "right", no_wrap=col == "missile")
    for r in rows:
        common = [r["label"], r["missile"], str(r["salvo"]), str(r["shots"]), f"{r['altitude_km']:.0f}",
                  f"{r['inclination_deg']:.0f}", f"{r['delta_v_mps'] / 1e3:.1f}", f"{r['accel_g']:.0f}",
                  f"{r['detect_s'] + r['decide_s']:.0f}"]  # fmt: skip
        if r["infeasible"]:
            t.add_row(*common, "", "", f"[red]infeasible: {r['infeasible']}[/]", "", "", "", "")
        else:
            t.add_row(*common, f"{r['time_available_s']:.0f}", f"{r['reach_at_cutoff_km']:.0f}",
                      f"[bold]{r['simulated_sbis']:,}[/]", f"{r['analytic_sbis']:,.0f}", f"{r['absentee_ratio']:,.0f}",
                      f"{r['worst_in_reach']}/{r['mean_in_reach']:.1f}", _fmt(r.get("mass_in_orbit_t")))  # fmt: skip
    console.print(t)
    b0 = rows[0]
    n_times = int(st.launch_times.duration_h * 3600 / st.launch_times.step_s)
    if b0["infeasible"]:
        console.print(f"[red]base case infeasible:[/] {b0['infeasible']}", highlight=False)
    else:
        console.print(
            f"base case: [bold]{b0['simulated_sbis']:,} SBIs[/] so that each of {b0['salvo']} booster(s) has "
            f"{b0['shots']} SBI(s) in reach at the worst of {n_times} "
            f"launch times; the analytic mean-density estimate is {b0['analytic_sbis']:,.0f} (absentee ratio "
            f"{b0['absentee_ratio']:,.0f}). Simulated > analytic: the worst time of a real pattern has fewer SBIs in "
            "reach than the mean.", highlight=False,
        )  # fmt: skip
    if out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    keys = sorted({k for r in rows for k in r})
    pq.write_table(pa.table({k: [r.get(k) for r in rows] for k in keys}), out / "sizing.parquet")
    if base is not None:
        rr = base.reach
        e, nb = rr.in_reach.shape
        pq.write_table(pa.table({
            "launch_time_s": np.repeat(rr.launch_times_s, nb), "booster": np.tile(np.arange(nb), e),
            "in_reach": rr.in_reach.ravel(), "absentee_ratio": rr.absentee_ratio.ravel().astype(float),
            "first_intercept_s": rr.t_first.ravel(), "closing_speed_mps": rr.v_close.ravel(),
            "covered": np.repeat(rr.covered, nb),
        }), out / "absentee.parquet")  # fmt: skip
    summary = {"kind": "sbi-sizing", "study": st.model_dump(mode="json"), "versions": _versions(), "rows": rows}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
    written = ["sizing.parquet", "absentee.parquet", "summary.json"]
    if plot:
        for param in sorted({r["sweep"] for r in rows} - {"base"}):
            p = plots.sizing_sweep(rows, param, out, st.name)
            if p:
                written.append(p.name)
        p0 = base_point(st)
        lats = np.arange(-80.0, 81.0, 5.0)
        with _progress_bar(quiet) as bar:
            bar.add_task("absentee ratio by launch latitude", total=None)
            ratio = absentee_by_latitude(p0, st, lats)
        sites = [(s.label(), *s.coordinates_deg()) for s in st.threat.launch_sites]
        written.append(plots.absentee_by_latitude(lats, ratio, sites, np.degrees(p0.inclination_rad), out,
                                                  st.name).name)  # fmt: skip
        if base is not None:
            written.append(plots.in_reach_over_time(base.reach.launch_times_s, base.reach.in_reach,
                                                    base.reach.needed, out, st.name).name)  # fmt: skip
    console.print(f"written to [bold]{out}[/]: {', '.join(written)}")


@app.command()
def coverage(
    study: Annotated[str, typer.Argument(help="Coverage study file (.yaml) or built-in name.")] = "coverage-korea",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write coverage.parquet, first_detection.parquet, "
                                                                 "summary.json (and plots) here.")] = None,
    plot: Annotated[bool, typer.Option("--plot", help="Draw coverage maps, detection times (needs --out).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """What the infrared sensor layers see over a launch area: sensors per point, stereo fraction, revisit gaps, and
    how soon after launch a booster is first seen (and seen in stereo).

    Example: [bold]goldendome coverage coverage-korea --plot --out results/coverage[/]. Layers: sda-t1-tracking
    (LEO tracking), sbirs-like (GEO/HEO warning).
    """
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from goldendome.analysis.coverage import run_coverage
    from goldendome.io import plots
    from goldendome.io.results import _versions
    from goldendome.scenario.loader import ScenarioError, load_study
    from goldendome.scenario.study import CoverageStudy

    try:
        st = load_study(study, CoverageStudy)
    except ScenarioError as exc:
        _fail(f"study {exc.source} is not valid", exc.messages)
    from goldendome.sensors.presets import preset_names

    unknown = [name for name in st.layers if name not in preset_names()]
    if unknown:
        _fail(f"study {study}", [f"layers: unknown IR layer(s) {unknown}; known: {', '.join(preset_names())}"])
    if plot and out is None:
        _fail("--plot needs --out", ["give a folder for the figures, e.g. --out results/coverage"])
    _check_out(out)
    console.print(f"[bold]{st.name}[/]")
    with _progress_bar(quiet) as bar:
        task = bar.add_task("starting", total=1.0)
        layers = run_coverage(st, lambda what, frac: bar.update(task, description=what, completed=frac))
    t = Table(title="Sensor coverage of the launch area", title_justify="left", header_style="bold")
    for col in ("layer", "satellites", "mean sensors", "covered %", "stereo %", "worst gap min", "first detection s",
                "first stereo s", "never seen"):
        t.add_column(col, justify="left" if col == "layer" else "right")  # fmt: skip
    rows = []
    for lc in layers:
        f, s2 = lc.first_detection_s, lc.first_stereo_s

        def span(x):
            x = x[np.isfinite(x)]
            return "–" if x.size == 0 else (f"{x.min():.0f}" if np.ptp(x) < 0.5 else f"{x.min():.0f}–{x.max():.0f}")

        row = {"layer": lc.layer, "satellites": lc.satellites, "mean_sensors": float(lc.mean_count.mean()),
               "covered_fraction": float(lc.covered_fraction.mean()),
               "stereo_fraction": float(lc.stereo_fraction.mean()),
               "worst_gap_s": float(lc.max_gap_s.max()), "first_detection_s_median": _nanmedian(f),
               "first_stereo_s_median": _nanmedian(s2), "never_seen": int(np.isnan(f).sum())}  # fmt: skip
        rows.append(row)
        t.add_row(lc.layer, f"{lc.satellites:,}", f"{row['mean_sensors']:.1f}", f"{100 * row['covered_fraction']:.1f}",
                  f"{100 * row['stereo_fraction']:.1f}", f"{row['worst_gap_s'] / 60:.1f}", span(f), span(s2),
                  f"{row['never_seen']} of {f.size}")  # fmt: skip
    console.print(t)
    console.print("first detection: the booster's plume must clear the cloud tops (10 km) in a sensor's field of "
                  "regard; times are after launch, over launch times every 30 min of the window.", highlight=False)
    if out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({
        "layer": np.concatenate([[lc.layer] * lc.lat_deg.size for lc in layers]),
        "lat_deg": np.concatenate([lc.lat_deg for lc in layers]),
        "lon_deg": np.concatenate([lc.lon_deg for lc in layers]),
        "mean_sensors": np.concatenate([lc.mean_count for lc in layers]),
        "covered_fraction": np.concatenate([lc.covered_fraction for lc in layers]),
        "stereo_fraction": np.concatenate([lc.stereo_fraction for lc in layers]),
        "max_gap_s": np.concatenate([lc.max_gap_s for lc in layers]),
    }), out / "coverage.parquet")  # fmt: skip
    pq.write_table(pa.table({
        "layer": np.concatenate([[lc.layer] * lc.launch_times_s.size for lc in layers]),
        "launch_time_s": np.concatenate([lc.launch_times_s for lc in layers]),
        "first_detection_s": np.concatenate([lc.first_detection_s for lc in layers]),
        "first_stereo_s": np.concatenate([lc.first_stereo_s for lc in layers]),
    }), out / "first_detection.parquet")  # fmt: skip
    summary = {"kind": "coverage", "study": st.model_dump(mode="json"), "versions": _versions(), "layers": rows}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    written = ["coverage.parquet", "first_detection.parquet", "summary.json"]
    if plot:
        sites = [(st.launch.label(), *st.launch.coordinates_deg())]
        for lc in layers:
            written.append(plots.coverage_map(lc.layer, lc.lat_deg, lc.lon_deg, lc.mean_count, lc.stereo_fraction,
                                              lc.max_gap_s, sites, out, st.name).name)  # fmt: skip
        written.append(plots.first_detection([(lc.layer, lc.first_detection_s, lc.first_stereo_s) for lc in layers],
                                             out, st.name).name)  # fmt: skip
    console.print(f"written to [bold]{out}[/]: {', '.join(written)}")


def _nanmedian(x) -> float | None:
    x = np.asarray(x, float)
    return None if not np.any(np.isfinite(x)) else float(np.nanmedian(x))


def _reflow(doc: str) -> str:
    """A docstring with each paragraph's lines joined: Typer's rich mode keeps single line breaks, so help written at
    the code's width would fold badly in a narrower terminal. Paragraphs that are lists or indented stay as written.
    """
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    keep = ("- ", "* ", " ", "\b")
    return "\n\n".join(p if any(ln.startswith(keep) for ln in p.splitlines()) else " ".join(p.split())
                       for p in paragraphs)  # fmt: skip


def _reflow_help(*apps: typer.Typer) -> None:
    for a in apps:
        for cmd in a.registered_commands:
            if cmd.callback is not None and cmd.callback.__doc__:
                cmd.callback.__doc__ = _reflow(cmd.callback.__doc__)


_reflow_help(app, scenario_app, threat_app, radar_app, sbi_app, interceptor_app)

_PLAIN = {
    MemoryError: "out of memory: the input asks for more than this machine holds (e.g. a huge duration, launch time "
                 "or count)",
    UnicodeDecodeError: "a file is not UTF-8 text",
    OSError: "a file or folder cannot be read or written",
    OverflowError: "a number is too large to compute with",
    ValueError: "an input cannot be used",
    KeyError: "an unknown name",
}


def cli() -> None:
    """The console entry point: the app, with any error the checks above it let through printed as a plain message
    (what failed and why, no traceback). GOLDENDOME_DEBUG=1 shows the traceback instead, for a bug report."""
    import os

    try:
        app()
    except tuple(_PLAIN) as exc:
        if os.environ.get("GOLDENDOME_DEBUG"):
            raise
        title = next(text for kind, text in _PLAIN.items() if isinstance(exc, kind))
        detail = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        err_console.print(f"[bold red]error:[/] {title}", highlight=False)
        err_console.print(f"  - {detail or type(exc).__name__}", highlight=False)
        err_console.print("  (if the input looks right, this is a bug: rerun with GOLDENDOME_DEBUG=1 and report the "
                          "traceback)", highlight=False)  # fmt: skip
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    cli()
