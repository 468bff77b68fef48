"""The edge every command shares: the consoles it prints on, and the checks that turn bad input into one line per
problem and exit status 2 (never a traceback) before any work starts.

The commands import what they run inside their bodies, not at the top of their modules: ``goldendome --help`` and
the catalogue listings then start in a fraction of a second instead of waiting for numba, scipy and pandas.
"""

import sys
from pathlib import Path

import typer
from rich.console import Console

# a pipe or a CI log has no width: print tables whole rather than folded to 80 columns
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def fail(title: str, messages: list[str], code: int = 2):
    """End the command: the title, then one line per problem, on stderr; exit status ``code``."""
    err_console.print(f"[bold red]error:[/] {title}")
    for m in messages:
        err_console.print(f"  - {m}", highlight=False)
    raise typer.Exit(code)


def check_out(out: Path | None, option: str = "--out") -> None:
    """Make the results folder now, so a path that cannot hold one fails before the work, not after it."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        fail(f"{option} {out} is a file", ["give a folder for the results (it is created if missing)"])
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"{option} {out} cannot be created", [exc.strerror or str(exc)])


def check_file_target(path: Path | None, option: str) -> None:
    """A file to write: not a folder, and its folder can be made."""
    if path is None:
        return
    if path.is_dir():
        fail(f"{option} {path} is a folder", ["give a file name, e.g. results/scene.czml"])
    check_out(path.parent, f"{option}'s folder")


def check_plot(plot: bool, out: Path | None, example: str) -> None:
    """--plot draws into --out, so it needs one; example: the folder the message suggests."""
    if plot and out is None:
        fail("--plot needs --out", [f"give a folder for the figures, e.g. --out {example}"])


def open_scenario(scenario: str | None):
    """A scenario from a path or a built-in name; returns (scenario, folder for relative element files)."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.scenario.loader import ScenarioError, builtin_names, load_builtin, load_scenario

    try:
        if scenario is None:
            return load_builtin("default"), None
        path = Path(scenario)
        if path.suffix.lower() in (".yaml", ".yml", ".toml") or path.is_file():
            return load_scenario(path), path.parent
        if scenario in builtin_names():
            return load_builtin(scenario), None
        return load_scenario(path), path.parent
    except ScenarioError as exc:
        fail(f"scenario {exc.source} is not valid", exc.messages)
