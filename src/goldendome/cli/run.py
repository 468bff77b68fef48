"""``goldendome run``: one trial of a scenario, and the tables of what each threat, sensor and layer did.

Every figure printed comes from what the results folder holds: the dictionaries of :mod:`goldendome.io.results`
(summary.json) and the battle's event log (events.parquet), so the screen and the folder never disagree.
"""

from pathlib import Path
from typing import Annotated

import typer

from goldendome.cli.common import check_file_target, check_out, check_plot, console, fail, open_scenario
from goldendome.cli.tables import fmt, latlon, stages, table


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
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import ScenarioError, run_trial

    check_plot(plot, out, "results/run")
    check_out(out)
    check_file_target(czml, "--czml")
    scn, base = open_scenario(scenario)
    entries = f"entr{'y' if len(scn.threats) == 1 else 'ies'}"
    console.print(
        f"[bold]{scn.name}[/]  epoch {scn.epoch:%Y-%m-%d %H:%M:%S} UTC, {len(scn.threats)} threat {entries}, "
        f"{len(scn.constellations)} constellation(s)"
    )
    with stages(quiet) as progress:
        try:
            result = run_trial(scn, base, progress)
        except ScenarioError as exc:
            fail(f"scenario {exc.source} cannot be run", exc.messages)
    _print_flights(result)
    _print_tracking(result)
    _print_battle(result)
    if result.payloads is not None:
        kinds = result.payloads.kind
        console.print(
            f"released by post-boost buses: {kinds.count('rv')} more RV(s) and {kinds.count('decoy')} decoy(s), "
            "flown to impact (trajectories.parquet, kind rv / decoy)"
        )
    _print_constellations(result)
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    console.print(f"computed in {result.timings_s.get('total', 0.0):.2f} s")
    if out is not None:
        _write(result, out, plot)
    if czml is not None:
        from goldendome.api import write_scene

        write_scene(result, czml)
        console.print(f"scene written to [bold]{czml}[/] (CZML: load it in a Cesium viewer)")


def _write(result, out: Path, plot: bool) -> None:
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import write_run

    path = write_run(result, out)
    if plot and result.tracking is not None:
        # lazy: matplotlib loads only when figures are drawn (start-up time)
        from goldendome.io import plots

        tr = result.tracking
        plots.track_picture(
            tr.gospa_t, tr.gospa, tr.assigned, tr.nees, tr.object_names, tr.gospa_c_m, path, result.scenario.name
        )
    files = ", ".join(sorted(f.name for f in path.iterdir() if f.suffix in (".json", ".parquet", ".png")))
    console.print(f"results written to [bold]{path}[/] ({files})")


def _print_flights(result) -> None:
    """What each threat flies: ballistic missiles (with the space layers' reach on their boost), cruise missiles,
    fractional orbits and glide vehicles."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.io.results import cruise_rows, fobs_rows, glide_rows, threat_rows

    rows = threat_rows(result)
    if rows:
        cols = (
            "threat",
            "missile",
            "from → aim",
            "launch s",
            "burnout s",
            "v_bo km/s",
            "apogee km",
            "flight min",
            "range km",
            "impact",
            "miss km",
        )
        cells = []
        for r in rows:
            miss = f"{r['miss_km']:,.1f}" if r["reachable"] else f"[red]{r['miss_km']:,.0f} (out of reach)[/]"
            if not abs(r["miss_km"]) < float("inf"):  # NaN: no flight was computed (a warning below says so)
                miss = "[red]no flight[/]"
            cells.append(
                (
                    r["name"],
                    r["missile"],
                    f"{r['launch']} → {r['aim']}",
                    f"{r['launch_time_s']:.0f}",
                    f"{r['burnout_time_s']:.0f}",
                    f"{r['burnout_speed_km_s']:.2f}",
                    f"{r['apogee_km']:,.0f}",
                    f"{r['flight_time_min']:.1f}",
                    f"{r['ground_range_km']:,.0f}",
                    latlon(r["impact_lat_deg"], r["impact_lon_deg"]),
                    miss,
                )
            )
        left = ("threat", "missile", "from → aim", "impact")
        console.print(table(cols, cells, title="Threats", left=left, no_wrap=("threat", "missile", "impact")))
    if rows and "sbis_in_reach" in rows[0]:
        cols = (
            "threat",
            "detected s",
            "by",
            "stereo s",
            "SBI release s",
            "burnout s",
            "SBIs in reach",
            "earliest intercept s",
            "closing km/s",
            "boost-phase intercept",
        )
        cells = [
            (
                r["name"],
                fmt(r["first_detection_s"], ".0f"),
                r["detected_by"] or "never",
                fmt(r["first_stereo_s"], ".0f"),
                fmt(r["sbi_release_s"], ".0f"),
                f"{r['burnout_time_s']:.0f}",
                str(r["sbis_in_reach"]),
                fmt(r["sbi_first_intercept_s"], ".0f"),
                fmt(r["sbi_closing_speed_km_s"], ".1f"),
                "[green]possible[/]" if r["boost_intercept_possible"] else "[red]not possible[/]",
            )
            for r in rows
        ]
        title = "Space layers: detection and boost-phase reach"
        console.print(table(cols, cells, title=title, left=("threat", "by")))
        if result.space is not None and any(layer.sbi for layer in result.layers):
            console.print(
                f"distinct SBIs can engage {result.space.salvo_matched} of the {len(rows)} threats at once "
                "(one SBI per booster)"
            )
    if result.cruise_missiles:
        cols = ("missile", "launch s", "waypoints", "speed m/s", "height m", "route km", "flight min", "turn radius km")
        cells = [
            (
                c["name"],
                f"{c['launch_time_s']:.0f}",
                str(c["waypoints"]),
                f"{c['speed_mps']:.0f}",
                f"{c['altitude_m']:.0f}",
                f"{c['route_km']:,.0f}",
                f"{c['flight_time_min']:.1f}",
                f"{c['turn_radius_km']:.1f}",
            )
            for c in cruise_rows(result)
        ]
        console.print(table(cols, cells, title="Cruise missiles", left=("missile",)))
    frows = fobs_rows(result)
    if frows:
        cols = ("flight", "launch s", "azimuth °", "orbit km", "circularise m/s", "de-orbit s", "flight min", "miss km")
        cells = [
            (
                f["name"],
                f"{f['launch_time_s']:.0f}",
                f"{f['launch_azimuth_deg']:.0f}",
                f"{f['orbit_altitude_km']:.0f}",
                f"{f['circularise_dv_mps']:.0f}",
                f"{f['deorbit_time_s']:.0f}",
                f"{f['flight_time_min']:.1f}",
                f"{f['miss_km']:.2f}",
            )
            for f in frows
        ]
        console.print(table(cols, cells, title="Fractional-orbit flights", left=("flight",)))
    grows = glide_rows(result)
    if grows:
        cols = ("vehicle", "launch s", "flight min", "median glide km", "impact")
        cells = [
            (
                g["name"],
                f"{g['launch_time_s']:.0f}",
                f"{g['flight_time_min']:.1f}",
                fmt(g["median_glide_altitude_km"], ".0f"),
                latlon(g["impact_lat_deg"], g["impact_lon_deg"]),
            )
            for g in grows
        ]
        console.print(table(cols, cells, title="Boost-glide vehicles", left=("vehicle", "impact")))


def _print_tracking(result) -> None:
    """The track picture: what each sensor looked at and saw, and how well each object was held."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.io.results import tracking_dict

    track = tracking_dict(result)
    if track is None:
        return
    cells = [(r["name"], f"{r['looks']:,}", f"{r['detections']:,}", f"{r['false_alarms']:,}") for r in track["radars"]]
    title = "Sensors in the track picture (radar looks; infrared frames, triangulated)"
    console.print(table(("sensor", "looks", "detections", "false / ghost"), cells, title=title, left=("sensor",)))
    cols = (
        "object",
        "kind",
        "first detected s",
        "by",
        "first track s",
        "tracked %",
        "switches",
        "fragments",
        "NEES median (2.37)",
    )
    cells = []
    for o in track["objects"]:
        frac = None if o["tracked_fraction"] is None else 100 * o["tracked_fraction"]
        cells.append(
            (
                o["name"],
                o["kind"],
                fmt(o["first_detection_s"], ".0f"),
                o["first_detection_radar"] or "never",
                fmt(o["first_track_s"], ".0f"),
                fmt(frac, ".0f"),
                str(o["track_switches"]),
                str(o["track_fragments"]),
                fmt(o["median_position_nees"], ".1f"),
            )
        )
    console.print(table(cols, cells, title="Track picture", left=("object", "kind", "by")))
    if track["gospa_mean_m"] is not None:
        console.print(
            f"GOSPA (c = {track['gospa_cutoff_m'] / 1e3:g} km) over time: mean {track['gospa_mean_m']:,.0f} m; "
            f"{track['confirmed_tracks']} confirmed track(s) (tracks.parquet, gospa.parquet)"
        )


def _print_battle(result) -> None:
    """The battle's tables: what each layer fired and achieved, and what leaked where."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.io.results import battle_dict

    b = battle_dict(result)
    if b is None:
        return
    cols = ("layer", "engagements", "rounds", "kills", "decoys killed", "misses", "wasted", "cost $M")
    cells = [
        (
            r["layer"],
            str(r["engagements"]),
            str(r["rounds"]),
            str(r["kills"]),
            str(r["decoys_killed"]),
            str(r["misses"]),
            str(r["wasted"]),
            f"{r['cost_musd']:,.0f}",
        )
        for r in b["layers"]
    ]
    console.print(table(cols, cells, title="Battle: engagements by layer", left=("layer",)))
    ev = result.battle.events
    leak = ev[ev.event == "leaker"]
    if len(leak):
        cells = [
            (r.object, f"{r.t_s:.0f}", r.asset, fmt(r.value if r.value > 0 else None), r.detail)
            for r in leak.itertuples()
        ]
        cols = ("object", "impact s", "asset", "people (metro)", "impact point")
        console.print(table(cols, cells, title="Leakers", left=("object", "asset", "impact point")))
    colour = "green" if b["leakers"] == 0 else "red"
    fired = ", ".join(f"{k} {v}" for k, v in b["interceptors_by_layer"].items()) or "none"
    console.print(
        f"[{colour}]{b['leakers']} of {b['lethal_objects']} lethal object(s) leaked[/]; {b['killed']} destroyed; "
        f"interceptors fired: {fired}; cost ${b['cost_musd']:,.0f}M",
        highlight=False,
    )
    for why, n in b["not_engaged"].items():
        console.print(f"not engaged ({why}): {n} track(s)", highlight=False)
    for w in b["warnings"]:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)


def _print_constellations(result) -> None:
    """Each constellation's size and orbit (a span where its shells differ), and the satellites in all."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.io.results import constellation_rows

    crow = constellation_rows(result)
    if not crow:
        return
    cells = []
    for c in crow:
        alt = f"{c['perigee_altitude_km_min']:,.0f}"
        if c["perigee_altitude_km_max"] - c["perigee_altitude_km_min"] > 1:
            alt += f"–{c['perigee_altitude_km_max']:,.0f}"
        inc = f"{c['inclination_deg_min']:.1f}"
        if c["inclination_deg_max"] - c["inclination_deg_min"] > 0.1:
            inc += f"–{c['inclination_deg_max']:.1f}"
        cells.append(
            (c["name"], c["role"], c["payload"] or "", f"{c['satellites']:,}", alt, inc, f"{c['period_min']:.1f}")
        )
    cols = ("name", "role", "payload", "satellites", "altitude km", "inclination deg", "period min")
    console.print(table(cols, cells, title="Constellations", left=("name", "role", "payload")))
    console.print(f"satellites in orbit: [bold]{sum(c['satellites'] for c in crow):,}[/]")
