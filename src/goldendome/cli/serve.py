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
    token: Annotated[
        str | None,
        typer.Option(
            help="The token every API request must carry (default: none on this machine only, a new one "
            "printed at start beyond it)."
        ),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            exists=True,
            dir_okay=False,
            help="Read the token from this file instead (blanks around it dropped).",
        ),
    ] = None,
    job_time_limit: Annotated[
        float | None,
        typer.Option(
            "--job-time-limit",
            min=1.0,
            help="Longest a run or a study may run, s; past it the job fails "
            "(default: 1800 for a run, 21600 for a study).",
        ),
    ] = None,
    keep_gib: Annotated[
        float,
        typer.Option(
            "--keep-gib",
            min=0.0,
            help="Most GiB the jobs' folders may hold; past it the oldest finished jobs are deleted.",
        ),
    ] = 5.0,
    keep_jobs: Annotated[
        int | None,
        typer.Option(
            "--keep-jobs",
            min=1,
            help="Most jobs kept; past it the oldest finished ones are deleted (default: no limit).",
        ),
    ] = None,
    max_memory_gib: Annotated[
        float | None,
        typer.Option(
            "--max-memory-gib",
            min=0.1,
            help="Most memory one trial may plan to use, GiB (default: 8, or 80 % of the machine's if less).",
        ),
    ] = None,
    max_operations: Annotated[
        float | None,
        typer.Option(
            "--max-operations",
            min=1.0,
            help="Most operations one trial may count: sampled states + radar object-looks + battle checks "
            "(default 2e8, about five times the largest built-in raid).",
        ),
    ] = None,
    warm: Annotated[
        bool, typer.Option(help="Fly the default scenario once at start, so that the first run is quick.")
    ] = True,
):
    """Serve the globe page and the JSON API: built-in scenarios, validation, runs and Monte Carlo studies as
    background jobs with live progress, their results, CZML scenes and HTML reports.

    Example: [bold]goldendome serve[/], then open http://127.0.0.1:8000 for the globe (press Run) and
    http://127.0.0.1:8000/docs for the API. The globe needs the CesiumJS bundle ([bold]make web[/] builds it; no
    network at run time).

    Safe by default. It listens on this machine only (and answers only its loopback names: 400) unless you give
    --host 0.0.0.0; then every API request needs a token, as 'Authorization: Bearer TOKEN' or '?token=TOKEN' (401
    otherwise): a new one is printed at start with the address to open, http://HOST:PORT/?token=..., or give
    --token or --token-file (16 characters or more). Pages of other sites cannot use it: no CORS origin is allowed,
    a POST or DELETE from another origin gets 403, and bodies must be JSON (415). Bodies over 256,000 bytes are cut
    as they arrive (413); at most 4 jobs wait or run (429); a study has at most 2,000 trials; a job fails at its
    time limit. Every scenario's size is estimated before it is queued (objects x samples, radar object-looks,
    battle checks, memory) and refused beyond --max-memory-gib or --max-operations (422, with the estimate and the
    limit; `goldendome scenario validate FILE` prints the estimate). DELETE /api/runs/ID cancels a job; one Ctrl-C
    cancels them all (a study keeps its finished trials), ends the progress streams (closes other open responses
    after 5 s) and stops the server.

    Nothing is lost across restarts: every job is recorded in its folder under --results (job.json beside its
    scenario.json), and a server started again on the same folder lists the jobs, serves their files and resumes
    its unfinished studies (finished trials kept); a run that a killed server left queued or running fails,
    "interrupted by a server restart; start it again". Retention: after each job ends, the oldest finished jobs'
    folders are deleted until the jobs' folders hold at most --keep-gib GiB (default 5) and number at most
    --keep-jobs; a job queued or running is never deleted, nor the one that finished last. A run of the built-in
    'default' scenario takes about 7.3 MB (russia-raid 256 MB), a study about 0.3 MB and 20 kB a trial.
    """
    from goldendome.server.app import LOOPBACK, run_server, serve_app, server_limits

    if token_file is not None:
        if token is not None:
            raise typer.BadParameter("give --token or --token-file, not both")
        token = token_file.read_text().strip()
    limits = (
        {} if job_time_limit is None else {"run_time_limit_s": job_time_limit, "study_time_limit_s": job_time_limit}
    )
    keep = {"keep_bytes": int(keep_gib * 2**30), "keep_jobs": keep_jobs}
    keep["limits"] = server_limits(max_memory_gib, max_operations)
    try:
        app = serve_app(results, host, warm, token, **limits, **keep)
    except ValueError as exc:  # a token too short
        raise typer.BadParameter(str(exc), param_hint="--token / --token-file") from None
    if host not in LOOPBACK:
        console.print(f"[yellow]warning:[/] listening on {host}: other machines can reach the API", highlight=False)
    if app.state.token is not None:
        console.print(f"open http://{host}:{port}/?token={app.state.token}", highlight=False, soft_wrap=True)
    run_server(app, host, port)


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
    from importlib.resources import files

    cesium = files("goldendome.server") / "static" / "cesium" / "Cesium.js"
    rows.append(
        (
            "globe (CesiumJS bundle)",
            "present"
            if cesium.is_file()
            else "[yellow]missing: `make web` copies it; every command but the globe page works without it[/]",
        )
    )
    for optional in ("ambiance", "pytest"):
        try:
            importlib.import_module(optional)
            rows.append((f"{optional} (test extra)", "present"))
        except ImportError:
            rows.append((f"{optional} (test extra)", "not installed (only needed for tests)"))
    console.print(table(("part", "status"), rows, title="goldendome doctor", left=("part", "status")))
    if not ok:
        raise typer.Exit(1)
