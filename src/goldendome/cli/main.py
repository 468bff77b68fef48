"""The console entry point of ``goldendome`` (pyproject's ``[project.scripts]``, and ``python -m
goldendome.cli.main``): the app of :mod:`goldendome.cli.app`, with any error the commands' own checks let through
printed as a plain message."""

import os

from goldendome.cli.app import app
from goldendome.cli.common import err_console

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
    try:
        app()
    except tuple(_PLAIN) as exc:
        if os.environ.get("GOLDENDOME_DEBUG"):
            raise
        title = next(text for kind, text in _PLAIN.items() if isinstance(exc, kind))
        detail = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        err_console.print(f"[bold red]error:[/] {title}", highlight=False)
        err_console.print(f"  - {detail or type(exc).__name__}", highlight=False)
        err_console.print(
            "  (if the input looks right, this is a bug: rerun with GOLDENDOME_DEBUG=1 and report the traceback)",
            highlight=False,
        )
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    cli()
