"""``goldendome coverage``: what the infrared sensor layers of a coverage study see over a launch area and how soon
they see a launch (:func:`goldendome.api.run_coverage`, reduced by :func:`goldendome.api.layer_summary`)."""

from pathlib import Path
from typing import Annotated

import typer

from goldendome.cli.common import check_out, check_plot, console, fail
from goldendome.cli.tables import stages, table


def coverage(
    study: Annotated[str, typer.Argument(help="Coverage study file (.yaml) or built-in name.")] = "coverage-korea",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write coverage.parquet, first_detection.parquet, summary.json (and plots) here."
        ),
    ] = None,
    plot: Annotated[bool, typer.Option("--plot", help="Draw coverage maps, detection times (needs --out).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """What the infrared sensor layers see over a launch area: sensors per point, stereo fraction, revisit gaps, and
    how soon after launch a booster is first seen (and seen in stereo).

    Example: [bold]goldendome coverage coverage-korea --plot --out results/coverage[/]. Layers: sda-t1-tracking
    (LEO tracking), sbirs-like (GEO/HEO warning).
    """
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.analysis.coverage import LAUNCHES_PER_HOUR
    from goldendome.api import CoverageStudy, ScenarioError, layer_summary, load_study, run_coverage, write_coverage
    from goldendome.sensors.presets import preset_names

    try:
        st = load_study(study, CoverageStudy)
    except ScenarioError as exc:
        fail(f"study {exc.source} is not valid", exc.messages)
    unknown = [name for name in st.layers if name not in preset_names()]
    if unknown:
        fail(f"study {study}", [f"layers: unknown IR layer(s) {unknown}; known: {', '.join(preset_names())}"])
    check_plot(plot, out, "results/coverage")
    check_out(out)
    console.print(f"[bold]{st.name}[/]")
    with stages(quiet) as progress:
        layers = run_coverage(st, progress)
    cols = (
        "layer",
        "satellites",
        "mean sensors",
        "covered %",
        "stereo %",
        "worst gap min",
        "first detection s",
        "first stereo s",
        "never seen",
    )
    cells = []
    for lc in layers:
        s = layer_summary(lc)
        cells.append(
            (
                lc.layer,
                f"{lc.satellites:,}",
                f"{s['mean_sensors']:.1f}",
                f"{100 * s['covered_fraction']:.1f}",
                f"{100 * s['stereo_fraction']:.1f}",
                f"{s['worst_gap_s'] / 60:.1f}",
                _span(lc.first_detection_s),
                _span(lc.first_stereo_s),
                f"{s['never_seen']} of {lc.first_detection_s.size}",
            )
        )
    console.print(table(cols, cells, title="Sensor coverage of the launch area", left=("layer",)))
    tops = " / ".join(f"{h / 1e3:g}" for h in sorted({lc.cloud_top_m for lc in layers}))
    console.print(
        f"first detection: the booster's plume must clear the cloud tops ({tops} km) in a sensor's field of regard; "
        f"times are after launch, over launch times every {60 / LAUNCHES_PER_HOUR:g} min of the window.",
        highlight=False,
    )
    if out is None:
        return
    written = write_coverage(st, layers, out, plot)
    console.print(f"written to [bold]{out}[/]: {', '.join(p.name for p in written)}")


def _span(times_s) -> str:
    """The earliest and latest of detection times (one figure when they round alike; '–' when none happened)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.api import detection_span

    span = detection_span(times_s)
    if span is None:
        return "–"
    lo, hi = span
    return f"{lo:.0f}" if hi - lo < 0.5 else f"{lo:.0f}–{hi:.0f}"
