"""``goldendome serve`` (the web app and globe, :func:`goldendome.server.app.serve_app`) and ``goldendome doctor``
(what is installed and whether it works)."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from goldendome import __version__
from goldendome.cli.common import console
from goldendome.cli.tables import table


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
    import uvicorn

    from goldendome.server.app import LOOPBACK, serve_app

    if host not in LOOPBACK:
        console.print(f"[yellow]warning:[/] listening on {host}: other machines can reach the API", highlight=False)
    uvicorn.run(serve_app(results, host), host=host, port=port, log_level="info")


def doctor():
    """Versions of goldendome and its parts, data files present, and whether the compiled kernels work."""
    import importlib

    rows = [("goldendome", __version__), ("python", sys.version.split()[0])]
    ok = True
    for mod in ("numpy", "scipy", "numba", "pydantic", "yaml", "typer", "rich", "sgp4", "pyarrow"):
        try:
            m = importlib.import_module(mod)
            rows.append((mod, getattr(m, "__version__", "present")))
        except ImportError as exc:  # pragma: no cover - only on a broken install
            ok = False
            rows.append((mod, f"[red]missing ({exc})[/]"))
    from goldendome.scenario.loader import builtin_names
    from goldendome.scenario.models import places
    from goldendome.threats.missile import load_catalogue, load_cruise_missiles, load_glide_vehicles

    rows.append(("built-in scenarios", ", ".join(builtin_names())))
    rows.append(
        (
            "threat catalogue",
            f"{len(load_catalogue())} ballistic, {len(load_glide_vehicles())} glide, "
            f"{len(load_cruise_missiles())} cruise",
        )
    )
    rows.append(("gazetteer", f"{len(places()['launch_sites'])} launch sites, {len(places()['cities'])} cities"))
    try:
        import numpy as np

        from goldendome.physics.constellation import walker_delta
        from goldendome.physics.kepler import propagate

        propagate(walker_delta(4, 2, 0, 500e3, 0.9), np.array([0.0, 60.0]))
        rows.append(("compiled kernels (numba)", "ok"))
    except Exception as exc:  # pragma: no cover - reported, not raised
        ok = False
        rows.append(("compiled kernels (numba)", f"[red]failed: {exc}[/]"))
    for optional in ("ambiance", "pytest"):
        try:
            importlib.import_module(optional)
            rows.append((f"{optional} (test extra)", "present"))
        except ImportError:
            rows.append((f"{optional} (test extra)", "not installed (only needed for tests)"))
    console.print(table(("part", "status"), rows, title="goldendome doctor", left=("part", "status")))
    if not ok:
        raise typer.Exit(1)
