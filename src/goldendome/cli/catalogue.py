"""The catalogues a scenario names, listed and shown with their sources: built-in scenarios (``goldendome scenario``),
threats (``goldendome threat list / show``), radars and interceptors."""

import datetime as dt
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from goldendome.cli.common import console, fail, open_scenario
from goldendome.cli.tables import latlon, table


def scenario_list():
    """List the built-in scenarios."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.scenario.loader import builtin_names, load_builtin

    rows = [(n, load_builtin(n).name) for n in builtin_names()]
    console.print(table(("name", "title"), rows, left=("name", "title")))


def scenario_show(name: Annotated[str, typer.Argument(help="Built-in scenario name, e.g. default.")] = "default"):
    """Print a built-in scenario's YAML, to copy and edit. Example: goldendome scenario show default > my.yaml"""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.scenario.loader import ScenarioError, builtin_text

    try:
        sys.stdout.write(builtin_text(name))
    except ScenarioError as exc:
        fail(f"scenario {name}", exc.messages)


def scenario_validate(path: Annotated[Path, typer.Argument(help="Scenario file to check.")]):
    """Check a scenario file and list every problem, without running it: the schema, then the trial's size against
    this machine's memory (80 %, or GOLDENDOME_MEMORY_GIB)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import check_work
    from goldendome.scenario.loader import ScenarioError

    scn, _ = open_scenario(str(path))
    try:
        work = check_work(scn)
    except (ScenarioError, ValueError) as exc:
        fail(str(path), getattr(exc, "messages", None) or [str(exc)])
    console.print(
        f"[green]ok:[/] {path} — {scn.name}: {len(scn.threats)} threat entries, {len(scn.constellations)} "
        f"constellation(s); {work.describe()}"
    )


def scenario_schema_cmd():
    """Print the JSON Schema of scenario files (for editors and validators)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.scenario.loader import scenario_schema

    sys.stdout.write(json.dumps(scenario_schema(), indent=2) + "\n")


def radar_list():
    """List the radar presets a scenario can name under `radars:`, with what each can see."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.sensors.radar import CATALOGUE_COLUMNS, PRESETS

    cells = [(r.name, latlon(r.lat_deg, r.lon_deg, 1), *r.catalogue_row()) for r in PRESETS.values()]
    cols = ("name", "site", *CATALOGUE_COLUMNS)
    title = "Radars (scenario key radars: [NAME, ...])"
    console.print(table(cols, cells, title=title, left=("name", "site", "faces")))
    console.print(
        "SNR 13 dB: P_d 0.9 for a steady target at P_fa 1e-6. goldendome radar show NAME gives the sources.",
        highlight=False,
    )


def radar_show(name: Annotated[str, typer.Argument(help="Preset name, e.g. uewr-clear, tpy2-forward.")]):
    """Show one radar preset: every parameter and the sources (public figures; assumptions marked)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.sensors.radar import PRESETS

    if name not in PRESETS:
        fail("unknown radar", [f"unknown radar {name!r}; the presets are: {', '.join(sorted(PRESETS))}"])
    r = PRESETS[name]
    cells = [(f.name, str(getattr(r, f.name))) for f in fields(r) if f.name not in ("sources", "name")]
    console.print(f"[bold]{r.name}[/]")
    console.print(table(("parameter", "value"), cells, left=("parameter",)))
    _print_sources(r.sources)


def interceptor_list():
    """List the interceptors a scenario's batteries can carry (defence.batteries[].interceptor)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.c2.manager import LAYERS
    from goldendome.effectors.interceptors import load_interceptors

    cells = []
    for w in sorted(load_interceptors().values(), key=lambda w: (LAYERS.index(w.layer), w.name)):
        pk = ", ".join(f"{k} {v:.2f}" for k, v in w.sspk.items())
        cells.append(
            (
                w.name,
                w.layer,
                f"{w.burnout_speed_mps / 1e3:.1f}",
                f"{w.min_altitude_m / 1e3:g}–{w.max_altitude_m / 1e3:g}",
                f"{w.max_range_m / 1e3:,.0f}",
                str(w.rounds_per_launcher),
                f"{w.reload_s / 60:g}" if w.reload_s else "none",
                f"{w.round_cost_musd:g}",
                pk,
            )
        )
    cols = (
        "name",
        "layer",
        "burnout km/s",
        "altitude km",
        "range km",
        "rounds / launcher",
        "reload min",
        "round US$M",
        "single-shot kill probability",
    )
    title = "Interceptors (scenario key defence.batteries[].interceptor)"
    console.print(table(cols, cells, title=title, left=("name", "layer", "single-shot kill probability")))
    console.print(
        "Layers fire in this order under hand-over: " + " → ".join(LAYERS) + ". goldendome interceptor show NAME "
        "gives the sources.",
        highlight=False,
    )


def interceptor_show(name: Annotated[str, typer.Argument(help="Catalogue name, e.g. gbi, thaad, tamir.")]):
    """Show one interceptor: every parameter and the sources (public figures; assumptions marked)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.effectors.interceptors import interceptor

    try:
        w = interceptor(name)
    except KeyError as exc:
        fail("unknown interceptor", [exc.args[0]])
    cells = [(f.name, str(getattr(w, f.name))) for f in fields(w) if f.name not in ("sources", "name", "description")]
    console.print(f"[bold]{w.name}[/]: {w.description}", highlight=False)
    console.print(table(("parameter", "value"), cells, left=("parameter",)))
    _print_sources(w.sources)


def threat_list():
    """List the threat catalogue: ballistic missiles, glide vehicles and cruise missiles, with headline figures."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.threats.missile import load_catalogue, load_cruise_missiles, load_glide_vehicles

    cells = [
        (
            d.name,
            d.propellant,
            str(len(d.stages)),
            f"{d.burn_time_s:.0f}",
            f"{d.launch_mass_kg / 1e3:.1f}",
            f"{d.payload_kg:,.0f}",
            f"{d.ideal_delta_v_mps() / 1e3:.2f}",
            d.launcher,
        )
        for d in load_catalogue().values()
    ]
    cols = ("name", "propellant", "stages", "boost s", "launch t", "payload kg", "ideal Δv km/s", "launcher")
    title = "Ballistic missiles and boosters"
    console.print(table(cols, cells, title=title, left=("name", "propellant", "launcher")))
    cells = [
        (g.name, g.booster, f"{g.mass_kg:,.0f}", f"{g.beta_kg_m2:,.0f}", f"{g.lift_to_drag:.1f}")
        for g in load_glide_vehicles().values()
    ]
    title = "Boost-glide vehicles (type: glide, vehicle: NAME)"
    console.print(table(("name", "booster", "mass kg", "β kg/m²", "L/D"), cells, title=title, left=("name", "booster")))
    sound = _sea_level_sound_speed()
    cells = [
        (
            c.name,
            f"{c.speed_mps:.0f}",
            f"{c.speed_mps / sound:.2f}",
            f"{c.altitude_m:.0f}",
            f"{c.range_m / 1e3:,.0f}",
            f"{c.max_load_factor:g}",
            ", ".join(c.platforms),
        )
        for c in load_cruise_missiles().values()
    ]
    cols = ("name", "speed m/s", "Mach (sea level)", "height m", "range km", "turn g", "platforms")
    title = "Cruise missiles (type: cruise, missile: NAME)"
    console.print(table(cols, cells, title=title, left=("name", "platforms")))
    console.print("goldendome threat show NAME prints an entry with the source of every number.", highlight=False)


def threat_show(name: Annotated[str, typer.Argument(help="Entry name, e.g. icbm-solid-3stage, hgv-regional, kh-101.")]):
    """Show one catalogue entry: its figures and the sources of every number."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.threats.missile import CruiseDesign, GlideDesign, any_design

    try:
        d = any_design(name)
    except KeyError as exc:
        fail("unknown threat", [str(exc.args[0])])
    console.print(f"[bold]{d.name}[/] — {d.description}")
    if isinstance(d, GlideDesign):
        b = d.booster_design()
        console.print(
            f"booster {d.booster} ({len(b.stages)} stages, {b.burn_time_s:.0f} s, ideal Δv with the vehicle "
            f"{b.ideal_delta_v_mps():,.0f} m/s); vehicle {d.mass_kg:,.0f} kg, ballistic coefficient "
            f"{d.beta_kg_m2:,.0f} kg/m², L/D {d.lift_to_drag:g}, burnout flight-path angle {d.boost_angle_deg:g}°"
        )
        if d.published:
            console.print(f"[bold]published[/] {d.published}", highlight=False)
    elif isinstance(d, CruiseDesign):
        from goldendome.threats.cruise import level_turn_radius_m

        radius = level_turn_radius_m(d.speed_mps, d.max_load_factor)
        console.print(
            f"cruise {d.speed_mps:.0f} m/s (Mach {d.speed_mps / _sea_level_sound_speed():.2f} at sea level) at "
            f"{d.altitude_m:.0f} m, range {d.range_m / 1e3:,.0f} km, turns at {d.max_load_factor:g} g (radius "
            f"{radius / 1e3:.1f} km); launched from {', '.join(d.platforms)}"
        )
    else:
        cells = [
            (
                str(k),
                f"{s.propellant_kg:,.0f}",
                f"{s.dry_kg:,.0f}",
                f"{s.burn_time_s:.0f}",
                f"{s.isp_s:.0f}",
                f"{s.thrust_n / 1e3:,.0f}",
                f"{s.diameter_m:.2f}",
            )
            for k, s in enumerate(d.stages, start=1)
        ]
        cols = ("stage", "propellant kg", "dry kg", "burn s", "Isp s", "thrust kN", "diameter m")
        console.print(table(cols, cells))
        console.print(
            f"payload {d.payload_kg:,.0f} kg; re-entry ballistic coefficient {d.rv_beta_kg_m2:,.0f} kg/m²; launch "
            f"mass {d.launch_mass_kg:,.0f} kg; ideal Δv {d.ideal_delta_v_mps():,.0f} m/s; {d.launcher} launch"
        )
        _print_reach(d)
    _print_sources(d.sources)


def _print_sources(sources) -> None:
    console.print("[bold]sources[/]")
    for s in sources:
        console.print(f"  - {s}", highlight=False)


def _sea_level_sound_speed() -> float:
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.physics.atmosphere import speed_of_sound_us76

    return float(speed_of_sound_us76(0.0))


def _print_reach(d) -> None:
    """What a ballistic design flies: its maximum range flown (full burn, best final pitch, due north from 45 N) with
    the burnout and the delta-v budget, on the design's own pitch programme (the one the simulator flies) beside the
    one-parameter programme of earlier versions (q = 0.5); then a named missile's figures beside the published
    ones."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.threats.ballistic import maximum_range
    from goldendome.threats.flight import PITCH_EXPONENT

    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    try:
        reach = [maximum_range(d, epoch), maximum_range(d, epoch, pitch_exponent=PITCH_EXPONENT)]
    except ValueError as exc:
        console.print(f"[yellow]not flown:[/] {exc}", highlight=False)
        return
    lines = [
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
    programmes = ("flown programme", "one-parameter programme")
    cols = ("", *(f"{label} (q = {r.pitch_exponent:.2f})" for r, label in zip(reach, programmes, strict=True)))
    title = "Flown: the full burn at the final pitch of greatest range, launched due north from 45° N"
    console.print(table(cols, [(name, *(f(r) for r in reach)) for name, f in lines], title=title, left=("",)))
    console.print(
        "The pitch programme: elevation = 90° − (90° − final pitch) × s^q over the burn after the vertical rise (s: "
        "the fraction of it flown); q is fitted per design for the greatest range.",
        highlight=False,
    )
    _print_published(d, reach[0].range_m, epoch)


def _print_published(d, range_m: float, epoch) -> None:
    """A named missile's flown figures beside the published ones: maximum range and burn time against their bands,
    each published test flown on its shape (range, apogee, flight time)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.threats.named import flight_comparisons, fly_tests, published_reach, reach_comparisons

    if d.published is None:
        return
    if d.published.range_from is not None:  # the published range is measured from a place toward another
        range_m = published_reach(d, epoch).range_m
    rows = reach_comparisons(d, range_m)
    fit, tests = fly_tests(d, epoch)
    for flown in tests:
        if not flown.feasible:
            console.print(
                f"[yellow]{flown.flight.name}:[/] the model cannot fly this test's range on a {flown.flight.shape} "
                "trajectory",
                highlight=False,
            )
            continue
        rows += flight_comparisons(flown)
    cells = []
    for c in rows:
        if c.low == c.high:
            band = f"{c.low:,.0f}"
        elif np.isinf(c.high):
            band = f"≥ {c.low:,.0f}"
        else:
            band = f"{c.low:,.0f}–{c.high:,.0f}"
        digits = 1 if c.unit == "min" else 0
        off = "in band" if abs(c.off_band) < 5e-4 else f"{c.off_band:+.1%}"
        cells.append((f"{c.what}, {c.unit}", f"{c.model:,.{digits}f}", band, off))
    title = "Against the published figures"
    console.print(table(("", "model", "published", "off the band"), cells, title=title, left=("",)))
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
