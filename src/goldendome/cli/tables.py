"""How the command line draws: one table idiom, the progress bars, and the few number formats its tables share.

Every table the commands print looks the same (bold header, title on the left, text columns left-justified and
numbers right-justified), so a command states only its columns and rows: ``table(columns, rows, title=...,
left=...)``.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import contextmanager
from numbers import Number

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from goldendome.cli.common import console


def fmt(v, spec: str = ",.0f") -> str:
    """A number for a table cell; '–' for None (not computed, never happened)."""
    return "–" if v is None else format(v, spec)


def billions(x) -> str:
    """Dollars as $bn with one decimal; '–' for None or NaN."""
    return "–" if x is None or x != x else f"{x / 1e9:,.1f}"


def latlon(lat_deg: float, lon_deg: float, digits: int = 2) -> str:
    """A position as people write it: 47.61N 122.33W."""
    ns = "N" if lat_deg >= 0 else "S"
    ew = "E" if lon_deg >= 0 else "W"
    return f"{abs(lat_deg):.{digits}f}{ns} {abs(lon_deg):.{digits}f}{ew}"


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence] = (),
    *,
    title: str | None = None,
    left: Collection[str] = (),
    no_wrap: Collection[str] = (),
    formats: Mapping[str, str] | None = None,
    **style,
) -> Table:
    """A table as every command prints one. columns: the headers; left: those that hold text (left-justified; the
    rest hold numbers and are right-justified); no_wrap: those never folded. rows: one sequence of cells per row,
    each a number, written with its column's spec in formats (default ',.0f'), or what rich renders as it is (a
    string with rich markup; None, an empty cell). style: further options of :class:`rich.table.Table` (caption,
    caption_justify)."""
    t = Table(title=title, title_justify="left", header_style="bold", **style)
    for col in columns:
        t.add_column(col, justify="left" if col in left else "right", no_wrap=col in no_wrap)
    specs = formats or {}
    for row in rows:
        cells = zip(columns, row, strict=True)
        t.add_row(*(fmt(v, specs.get(c, ",.0f")) if isinstance(v, Number) else v for c, v in cells))
    return t


def _bar(quiet: bool, counted: bool = False) -> Progress:
    count = (TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),) if counted else ()
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        *count,
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )


@contextmanager
def stages(quiet: bool, first: str = "starting"):
    """A progress bar for work that reports its stages: yields progress(what, fraction done), the callback the
    analysis functions take."""
    with _bar(quiet) as bar:
        task = bar.add_task(first, total=1.0)
        yield lambda what, frac: bar.update(task, description=what, completed=frac)


@contextmanager
def counting(quiet: bool, what: str, total: int):
    """A progress bar that counts (trials done of the total): yields progress(done, total)."""
    with _bar(quiet, counted=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def waiting(quiet: bool, what: str):
    """A bar that only says what is being computed, for work that cannot report how far it is."""
    with _bar(quiet) as bar:
        bar.add_task(what, total=None)
        yield
