"""The ``goldendome`` command (typer + rich): one verb per question (see ../shared/design.md, "The command line").

The verbs live one group to a module (``run``; ``study``: mc, report; ``cost``; ``sbi``; ``coverage``;
``catalogue``: scenario, threat, radar and interceptor list / show; ``threat``: rerange; ``serve``: serve, doctor)
and are registered here, in the order ``goldendome --help`` lists them. Each parses its options, calls one public
function (through :mod:`goldendome.api` where one covers it), writes through :mod:`goldendome.io` and renders with
:mod:`goldendome.cli.tables`. Bad input ends with exit status 2 and one line per problem, never a traceback.
"""

import inspect
from typing import Annotated

import typer

from goldendome import __version__
from goldendome.cli.catalogue import (
    interceptor_list,
    interceptor_show,
    radar_list,
    radar_show,
    scenario_list,
    scenario_schema_cmd,
    scenario_show,
    scenario_validate,
    threat_list,
    threat_show,
)
from goldendome.cli.claims import claims
from goldendome.cli.common import console
from goldendome.cli.cost import cost
from goldendome.cli.coverage import coverage
from goldendome.cli.run import run
from goldendome.cli.sbi import sbi_size
from goldendome.cli.serve import doctor, serve
from goldendome.cli.study import mc, report
from goldendome.cli.threat import threat_rerange

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


for _command in (run, mc, report, cost, claims, serve, doctor, coverage):
    app.command()(_command)


def _group(name: str, help: str, commands: dict) -> typer.Typer:
    """A verb group (goldendome NAME VERB), its commands registered under their verbs."""
    group = typer.Typer(help=help)
    for verb, command in commands.items():
        group.command(verb)(command)
    app.add_typer(group, name=name)
    return group


scenario_app = _group(
    "scenario",
    "Built-in scenarios, validation and the scenario file's JSON Schema.",
    {"list": scenario_list, "show": scenario_show, "validate": scenario_validate, "schema": scenario_schema_cmd},
)
threat_app = _group(
    "threat",
    "The threat catalogue: missile designs and their sources.",
    {"list": threat_list, "show": threat_show, "rerange": threat_rerange},
)
radar_app = _group(
    "radar",
    "Radar presets (ground, sea, airborne, over-the-horizon): parameters and sources.",
    {"list": radar_list, "show": radar_show},
)
sbi_app = _group("sbi", "Space-based interceptors: how many it takes, from physics.", {"size": sbi_size})
interceptor_app = _group(
    "interceptor",
    "Ground- and sea-based interceptors by layer: envelopes, kill probabilities, cost.",
    {"list": interceptor_list, "show": interceptor_show},
)


def _reflow(doc: str) -> str:
    """A docstring with each paragraph's lines joined: Typer's rich mode keeps single line breaks, so help written at
    the code's width would fold badly in a narrower terminal. Paragraphs that are lists or indented stay as written.
    """
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    keep = ("- ", "* ", " ", "\b")
    return "\n\n".join(
        p if any(ln.startswith(keep) for ln in p.splitlines()) else " ".join(p.split()) for p in paragraphs
    )


def _reflow_help(*apps: typer.Typer) -> None:
    for a in apps:
        for cmd in a.registered_commands:
            if cmd.callback is not None and cmd.callback.__doc__:
                cmd.callback.__doc__ = _reflow(cmd.callback.__doc__)


_reflow_help(app, scenario_app, threat_app, radar_app, sbi_app, interceptor_app)
