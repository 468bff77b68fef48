"""The one place where data frames become tables a reader sees: human column names with units, money in one unit
per table, numbers right-aligned with separators and sensible significant digits, long text as footnotes, tables
that fit the page.

Every HTML page the project writes (``goldendome report``, ``goldendome claims``) draws its tables here, so a
column reads the same wherever it appears and no code-style name (``p_struck_lo``, ``cost_musd``) reaches a reader.

The interface (stable; other modules build on it):

``COLUMNS: dict[str, Column]``
    every column name a page or the command line shows -> how it reads: its label, unit and kind (see
    :class:`Column`). Money columns carry the scale of the stored number (``*_usd`` dollars, ``*_musd`` millions);
    the unit printed is chosen per table. Interval bounds are ``<name>_lo`` / ``<name>_hi``.
``LABELS: dict[str, str]``
    the same as plain header strings, e.g. ``LABELS["cost_musd"] == "Interceptor cost ($M)"`` and
    ``LABELS["p_struck_lo"] == "P(struck), 95 % CI low"`` (money in the stored unit; a table may print another).
``VALUES: dict[str, dict[str, str]]``
    how the values of a category column read (``rule: defended_population`` -> 'Population defended').
``label(name, labels=None) -> str``
    the header of one column; :class:`UnlabelledColumn` when it has none.
``unlabelled(names, labels=None) -> list[str]`` / ``check_labels(names, labels=None)``
    the column names that look like code and have no label (flag them) / raise :class:`UnlabelledColumn` naming
    them. A name that is already written for people (a capital or a space, e.g. 'United States') passes as it is.
``html_table(df, *, labels=None, caption=None, money_unit=None, key=None, intervals=True, confidence=0.95,
max_chars=MAX_TABLE_CHARS) -> str``
    one table (or several, each repeating the ``key`` columns, when it is too wide for the page) as HTML: headers
    from :data:`COLUMNS` (``labels`` adds or overrides entries: ``{"my_col": Column("My figure", "km")}`` or
    ``{"my_col": "My figure (km)"}`` for a plain number), ``<name>_lo`` / ``<name>_hi`` beside ``<name>`` merged into
    one '95 % CI' column, money in one unit for the whole table (chosen from its magnitudes, or ``money_unit`` one
    of '', 'k', 'M', 'bn'), long text (sources, caveats, notes) as numbered footnotes under the table. Raises
    :class:`UnlabelledColumn` for a code-style name with no label.
``money_unit_for(values_usd) -> str`` / ``format_money(usd, currency="$") -> str`` / ``format_number(v, digits=3)``
    the unit a table of these dollar amounts prints in; one amount in words for a sentence ('$22 million',
    '$1.18 trillion'); one number with separators and ``digits`` significant digits.
``code_tokens(text) -> list[str]``
    the snake_case tokens in a text (what a test looks for in a page's visible text).
``figure_html(path, caption)`` / ``html_page(title, body, lede=None)`` / ``CSS``
    an embedded PNG with its caption; a whole offline page in the house style; the style sheet itself.

Numbers: a column's decimals come from the median size of its values (``digits`` significant digits, 3 unless the
column says otherwise), and no value shows more decimals than its own significant digits need (780, not 780.00, in
a column of ones); a value that would then print as 0 but is not gets two significant digits of its own, so $22M in
a table of billions reads 0.0220, never 0.0. An exact zero prints as 0.
"""

import base64
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

KINDS = ("text", "category", "note", "int", "number", "prob", "percent", "signed_percent", "money", "bool")
"""How a column's values read: text (as written, left), category (a name from :data:`VALUES`, left), note (long
text, a footnote), int (a count), number (significant digits), prob (a probability, 3 decimals), percent and
signed_percent (a fraction shown in %), money (scaled to the table's unit), bool (yes / no)."""

MONEY_UNITS = {"": 1.0, "k": 1e3, "M": 1e6, "bn": 1e9}
"""The units a table's money may print in, dollars per unit."""

MAX_TABLE_CHARS = 132
"""Width budget of one table in characters of its 0.88 em font: about 1,000 px, the page's 1,100 px less margins
(a table estimated wider is split into parts that each repeat the key column; checked at 1,280 px by
tests/test_report_browser.py)."""


@dataclass(frozen=True)
class Column:
    """How one column reads. ``label``: the heading without unit; ``unit``: printed in brackets after it (money:
    filled per table); ``kind``: one of :data:`KINDS`; ``scale``: money only, dollars per stored unit (1 for
    ``*_usd``, 1e6 for ``*_musd``); ``currency``: money only, '$' (US) or 'C$'; ``digits``: significant digits of a
    number."""

    label: str
    unit: str = ""
    kind: str = "number"
    scale: float = 1.0
    currency: str = "$"
    digits: int = 3

    def header(self, money_unit: str | None = None) -> str:
        """The heading: label and unit; money in ``money_unit`` (its stored unit when None)."""
        if self.kind == "money":
            unit = money_unit if money_unit is not None else _unit_of_scale(self.scale)
            return f"{self.label} ({self.currency}{unit})"
        return f"{self.label} ({self.unit})" if self.unit else self.label


def _unit_of_scale(scale: float) -> str:
    return next((u for u, s in MONEY_UNITS.items() if s == scale), "")


def _usd(label: str, **kw) -> Column:
    return Column(label, kind="money", scale=1.0, **kw)


def _musd(label: str, **kw) -> Column:
    return Column(label, kind="money", scale=1e6, **kw)


def _ci(label: str, kind: str = "number") -> tuple[Column, Column]:
    return Column(f"{label}, 95 % CI low", kind=kind), Column(f"{label}, 95 % CI high", kind=kind)


def _with_ci(name: str, col: Column) -> dict[str, Column]:
    lo, hi = _ci(col.label, col.kind)
    return {name: col, f"{name}_lo": lo, f"{name}_hi": hi}


_LAYER_NAMES = {
    "boost": "boost (SBIs)",
    "midcourse": "midcourse",
    "upper": "upper terminal",
    "lower": "lower terminal",
    "cmd": "cruise-missile defence",
    "short_range": "short range",
}

COLUMNS: dict[str, Column] = {
    # -- a Monte Carlo study (goldendome.analysis.battle_stats.StudyStats, the report's study table)
    "study": Column("Study", kind="text"),
    "threats": Column("Threat entries", kind="int"),
    "entries": Column("Threat entries", kind="int"),
    "missiles": Column("Missiles launched", kind="int"),
    "trials": Column("Trials", kind="int"),
    "lethal": Column("Lethal objects per trial"),
    "lethal_per_trial": Column("Lethal objects per trial"),
    "zero_leak": Column("Trials with no leaker", kind="int"),
    **_with_ci("p_zero", Column("P(no leaker)", kind="prob")),
    **_with_ci("leakers_mean", Column("Leakers per trial")),
    **_with_ci("leakers", Column("Leakers per trial")),
    **_with_ci("leaked_fraction", Column("Share of lethal objects leaked", kind="prob")),
    "people_struck_mean": Column("People in struck metros per trial", kind="int"),
    "cost_mean_musd": _musd("Interceptor cost per trial"),
    "cost_per_engagement_musd": _musd("Cost per engagement"),
    "cost_per_missile_musd": _musd("Interceptor cost per missile launched"),
    # -- by layer (study means per trial, or one run's counts)
    "layer": Column("Layer", kind="category"),
    "rounds": Column("Interceptors fired"),
    "engagements": Column("Engagements"),
    "kills": Column("Kills"),
    "decoys_killed": Column("Decoys killed"),
    "misses": Column("Misses"),
    "wasted": Column("Wasted shots"),
    "cost_musd": _musd("Interceptor cost"),
    **{f"rounds_{k}": Column(f"Fired: {v}") for k, v in _LAYER_NAMES.items()},
    # -- by defended asset
    "asset": Column("Defended asset", kind="text"),
    "trials_struck": Column("Trials struck", kind="int"),
    "expected_leakers": Column("Leakers per trial"),
    **_with_ci("p_struck", Column("P(struck)", kind="prob")),
    # -- the timeline of a study
    "event": Column("Event", kind="category"),
    "t10_s": Column("10th percentile", "s after epoch", digits=4),
    "t50_s": Column("Median", "s after epoch", digits=4),
    "t90_s": Column("90th percentile", "s after epoch", digits=4),
    "n": Column("Events", kind="int"),
    # -- a cost study (cost.json): by component
    "component": Column("Component", kind="text"),
    "development": _usd("Development"),
    "procurement": _usd("Procurement"),
    "launch": _usd("Launch"),
    "replacement_procurement": _usd("Replacement procurement"),
    "replacement_launch": _usd("Replacement launch"),
    "operations": _usd("Operations"),
    "acquisition": _usd("Acquisition"),
    "total": _usd("Total"),
    "total_usd": _usd("Total"),
    "acquisition_usd": _usd("Acquisition"),
    "operations_usd": _usd("Operations"),
    "alternative": Column("Alternative", kind="text"),
    "variant": Column("Variant", kind="text"),
    # -- beside the published figures
    "label": Column("Case", kind="text"),
    "published_usd": _usd("Published"),
    "ours_usd": _usd("Ours"),
    "rel_diff": Column("Ours against published", kind="signed_percent", digits=2),
    "rel_tolerance": Column("Tolerance (±)", kind="percent", digits=2),
    "within_tolerance": Column("Within tolerance", kind="bool"),
    "calibrated": Column("Calibrated to it", kind="bool"),
    "check": Column("A check", kind="bool"),
    "source": Column("Source", kind="note"),
    "note": Column("Note", kind="note"),
    "caveat": Column("Caveat", kind="note"),
    # -- what the published figures imply
    "figure": Column("Published figure", kind="text"),
    "parameter": Column("Input", kind="category"),
    "as_written": Column("As written", kind="text"),
    "implied": Column("Implied", kind="text"),
    "ratio": Column("Implied / as written"),
    # -- who pays
    "rule": Column("Sharing rule", kind="category"),
    "partner": Column("Partner", kind="category"),
    "share": Column("Share", kind="percent"),
    "bill_usd": _usd("Bill"),
    "bill_cad": _usd("Bill", currency="C$"),
    "canada_share": Column("Canada's share", kind="percent"),
    "canada_bill_usd": _usd("Canada's bill"),
    "canada_bill_cad": _usd("Canada's bill", currency="C$"),
    "figure_label": Column("Public figure", kind="text"),
    "figure_value": Column("As published", kind="text"),
    "figure_currency": Column("Currency", kind="text"),
    "figure_date": Column("Dated", kind="text"),
    "figure_usd": _usd("In US dollars"),
    "bill_over_figure": Column("Canada's bill / figure"),
    "horizon": Column("Horizon", kind="text"),
    # -- cost-effectiveness: the exchange ratio, salvo capacity, leakage
    "interceptor": Column("Interceptor", kind="text"),
    "threat": Column("Threat", kind="text"),
    "shots": Column("Shots", kind="int"),
    "sspk": Column("Single-shot kill probability", kind="prob"),
    "unit_cost_usd": _usd("Unit cost"),
    "in_orbit_per_engagement": Column("SBIs in orbit per engagement", digits=3),
    "kill_probability": Column("Kill probability", kind="prob"),
    "cost_per_kill_usd": _usd("Cost per kill"),
    "threat_cost_usd": _usd("Threat cost"),
    "exchange_ratio": Column("Cost-exchange ratio (defence / offence)"),
    "design": Column("SBI design", kind="category"),
    "sbis": Column("SBIs in orbit", kind="int"),
    "unit_mass_kg": Column("SBI mass", "kg", kind="int"),
    "marginal_usd": _usd("Cost of one more ICBM"),
    "pareto": Column("On the Pareto front", kind="bool"),
    "infeasible": Column("Infeasible", kind="text"),
    "cost_usd": _usd("Lifecycle cost"),
    "cost_per_trial_interceptors_usd": _usd("Interceptor cost per trial"),
    # -- SBI sizing (goldendome sbi size)
    "sweep": Column("Swept parameter", kind="category"),
    "missile": Column("Missile", kind="text"),
    "salvo": Column("Salvo (missiles)", kind="int"),
    "altitude_km": Column("Orbit altitude", "km", kind="int"),
    "inclination_deg": Column("Inclination", "deg"),
    "delta_v_mps": Column("SBI delta-v", "m/s", kind="int"),
    "accel_g": Column("SBI acceleration", "g"),
    "decide_s": Column("Decision delay", "s"),
    "detect_s": Column("Detection latency", "s"),
    "simulated_sbis": Column("SBIs needed (simulated)", kind="int"),
    "analytic_sbis": Column("SBIs needed (analytic)", kind="int"),
    "absentee_ratio": Column("Absentee ratio"),
    "mass_in_orbit_t": Column("Mass in orbit", "t", kind="int"),
    # -- the schedule
    "n_satellites": Column("Satellites", kind="int"),
    "initial_capability": Column("Initial capability", kind="text"),
    "full_capability": Column("Full capability", kind="text"),
    "launches_per_year": Column("Launches a year"),
    "replacements_per_year": Column("Replacements a year", kind="int"),
}
"""Every column name a page shows -> how it reads (see the module docstring)."""

LABELS: dict[str, str] = {name: col.header() for name, col in COLUMNS.items()}
"""Column name -> its heading with unit (money in its stored unit)."""

VALUES: dict[str, dict[str, str]] = {
    "layer": _LAYER_NAMES,
    "rule": {
        "gdp": "GDP",
        "population": "Population",
        "defended_population": "Population defended",
        "territory": "Territory",
        "benefit": "Lives protected (benefit)",
        "norad": "NORAD split (60/40)",
        "equal": "Equal shares",
    },
    "partner": {"US": "United States", "CA": "Canada"},
    "event": {
        "launch": "interceptor launch",
        "kill": "kill",
        "miss": "miss",
        "decoy_killed": "decoy killed",
        "wasted": "wasted shot",
        "leaker": "leaker",
    },
    "parameter": {  # goldendome.scenario.cost_study.SOLVABLE
        "quantity": "quantity",
        "average_unit_cost_usd": "average unit cost",
        "first_unit_cost_usd": "first-unit cost",
        "procurement_total_usd": "procurement total",
        "unit_mass_kg": "unit mass",
        "launch_price_usd_per_kg": "launch price per kg",
        "launch_price_usd_per_launch": "launch price per launch",
        "development_cost_usd": "development cost",
        "ops_fixed_usd_per_year": "fixed operations a year",
        "ops_usd_per_unit_year": "operations per unit-year",
        "service_life_years": "service life",
    },
    "sweep": {k: c.label for k, c in COLUMNS.items()},
}
"""Category column -> value -> how it reads (a value not listed has its underscores read as spaces)."""


class UnlabelledColumn(ValueError):
    """A column that would reach a reader under its code name."""


CODE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
"""A column name written for code (lowercase identifier); such a name needs a label."""

CODE_TOKEN = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
"""A snake_case token in running text (``p_struck_lo``, ``cost_musd``), not part of a path or an address."""


def code_tokens(text: str) -> list[str]:
    """The snake_case tokens in a text, in order (what no visible text of a page should hold)."""
    return CODE_TOKEN.findall(text)


def _column(name, labels: dict | None) -> Column | None:
    spec = (labels or {}).get(name, COLUMNS.get(name))
    if isinstance(spec, str):
        return Column(spec)
    if spec is None and not CODE_NAME.match(str(name)):
        return Column(str(name), kind="text")  # already written for people ('United States')
    return spec


def unlabelled(names, labels: dict | None = None) -> list[str]:
    """The names among ``names`` that look like code (lowercase identifiers) and have no label, in order."""
    return [str(n) for n in names if _column(n, labels) is None]


def check_labels(names, labels: dict | None = None) -> None:
    """Raise :class:`UnlabelledColumn` naming every code-style name without a label."""
    missing = unlabelled(names, labels)
    if missing:
        raise UnlabelledColumn(
            f"no human label for column(s) {', '.join(missing)}: add them to goldendome.io.present.COLUMNS or pass "
            "labels={name: Column(...)}"
        )


def label(name: str, labels: dict | None = None) -> str:
    """The heading of one column (money in its stored unit)."""
    check_labels([name], labels)
    return _column(name, labels).header()


# -- numbers ------------------------------------------------------------------------------------------------------


def _finite(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and math.isfinite(v)


def _decimals(values, digits: int) -> int:
    """Decimals that give ``digits`` significant digits to the median size of the values (0 to 6)."""
    mags = [abs(float(v)) for v in values if _finite(v) and v != 0]
    if not mags:
        return 0
    return int(min(6, max(0, digits - 1 - math.floor(math.log10(float(np.median(mags)))))))


def _fixed(v: float, decimals: int, digits: int | None = None) -> str:
    """v with these decimals (fewer where ``digits`` significant digits need fewer: 780, not 780.00, in a column of
    ones) and separators; a non-zero value that would print as 0 gets 2 significant digits of its own."""
    if v == 0:  # exact: no decimals to show, unless the column prints fixed decimals
        return "0" if digits is not None else f"{0.0:.{decimals}f}"
    if digits is not None:
        decimals = min(decimals, max(0, digits - 1 - math.floor(math.log10(abs(v)))))
    if round(abs(v), decimals) == 0:
        decimals = min(12, 1 - math.floor(math.log10(abs(v))))
    return f"{v:,.{decimals}f}"


def format_number(v, digits: int = 3) -> str:
    """One number with separators and ``digits`` significant digits (whole numbers as they are); '–' if missing."""
    if not _finite(v):
        return "–"
    v = float(v)
    if v == round(v) and abs(v) >= 10 ** (digits - 1):
        return f"{v:,.0f}"
    return _fixed(v, _decimals([v], digits))


def money_unit_for(values_usd) -> str:
    """The unit (a key of :data:`MONEY_UNITS`) that a table of these dollar amounts prints in: the largest in which
    their median size is at least 1."""
    mags = [abs(float(v)) for v in values_usd if _finite(v) and v != 0]
    if not mags:
        return "M"
    median = float(np.median(mags))
    return next((u for u, s in sorted(MONEY_UNITS.items(), key=lambda kv: -kv[1]) if median >= s), "")


def format_money(usd, currency: str = "$") -> str:
    """One amount in words for a sentence: '$22 million', '$731.6 billion', '$1.18 trillion' (3 significant
    digits)."""
    if not _finite(usd):
        return "–"
    v = float(usd)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if abs(v) >= scale:
            return f"{currency}{v / scale:,.3g} {word}".replace("-", "−")
    return f"{currency}{v:,.0f}"


def _cell(v, col: Column, decimals: int, scale: float) -> str:
    """One cell's text."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if col.kind == "bool" or isinstance(v, (bool, np.bool_)):
        return ("yes" if v else "no") if isinstance(v, (bool, np.bool_)) else str(v)
    if not _finite(v):
        return str(v) if not isinstance(v, (float, np.floating)) else "–"
    v = float(v)
    if col.kind == "money":
        return _fixed(v * col.scale / scale, decimals, col.digits)
    if col.kind == "int" and v == round(v):
        return f"{v:,.0f}"
    if col.kind == "prob":
        return _fixed(v, 3)
    if col.kind in ("percent", "signed_percent"):
        text = _fixed(100.0 * v, decimals, col.digits)
        return ("+" + text if col.kind == "signed_percent" and v > 0 else text) + " %"
    return _fixed(v, decimals, col.digits)


def _column_decimals(values, col: Column, scale: float) -> int:
    if col.kind == "money":
        return _decimals([float(v) * col.scale / scale for v in values if _finite(v)], col.digits)
    if col.kind in ("percent", "signed_percent"):
        return _decimals([100.0 * float(v) for v in values if _finite(v)], col.digits)
    if col.kind == "prob":
        return 3
    return _decimals(values, col.digits)


def _text(v, col: Column, column_name: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    s = str(v)
    if col.kind == "category":
        return VALUES.get(column_name, {}).get(s, s.replace("_", " "))
    return s


# -- HTML ---------------------------------------------------------------------------------------------------------

SHORT_TEXT = 20
"""Text columns no longer than this (characters) keep each cell on one line ('salvo of 10', a rule's name)."""

NUMERIC_KINDS = ("int", "number", "prob", "percent", "signed_percent", "money")

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1.5em;
color:#222;line-height:1.5}
h1{font-size:1.7em;margin-bottom:.2em}
h2{font-size:1.3em;margin-top:2.2em;border-bottom:1px solid #aaa;padding-bottom:.15em}
h3{font-size:1.05em;margin-top:1.6em}p{max-width:52em}
.lede{font-size:1.05em;color:#333}.note{color:#555;font-size:.9em}.bad{color:#a00}.good{color:#060}
section.summary{background:#f6f7f9;border-left:4px solid #456;padding:.6em 1.2em;margin:1.2em 0}
section.summary li{margin:.35em 0}section.summary h2{margin-top:.3em}
.table-wrap{max-width:100%;overflow-x:auto;margin:.8em 0 1.2em}
table.data{width:100%;border-collapse:collapse;font-size:.88em;table-layout:auto}
table.data caption{caption-side:top;text-align:left;font-size:.95em;color:#444;padding:0 0 .35em}
table.data th{background:#eef0f3;font-weight:600;vertical-align:bottom;white-space:normal;overflow-wrap:normal;
padding:.35em .5em;border-bottom:2px solid #99a}
table.data td{padding:.28em .5em;border-bottom:1px solid #dde;vertical-align:top}
table.data .num{text-align:right;font-variant-numeric:tabular-nums}
table.data td.num,table.data td.short{white-space:nowrap}
table.data .txt{text-align:left;overflow-wrap:break-word}
table.data tr:nth-child(even) td{background:#fafbfc}
table.data sup{color:#456;font-size:.75em}
ol.notes{font-size:.8em;color:#555;margin:-.6em 0 1.2em;padding-left:2em}ol.notes li{margin:.15em 0}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd;box-sizing:border-box}
figcaption{font-size:.88em;color:#444;margin-top:.3em}
ul.assumptions li{font-size:.88em;margin:.2em 0}
"""
"""The house style of a page (tables fit their container; wide ones are split by :func:`html_table`)."""


def _merge_intervals(df: pd.DataFrame, labels: dict | None, confidence: float) -> tuple[list, dict]:
    """Column layout: a name, or (name, lo, hi) where both bounds of a named value are present."""
    cols, extra = [], {}
    taken = set()
    for c in df.columns:
        if c in taken:
            continue
        lo, hi = f"{c}_lo", f"{c}_hi"
        if lo in df.columns and hi in df.columns:
            cols.append((c, lo, hi))
            taken |= {lo, hi}
        else:
            cols.append(c)
    for item in cols:
        if isinstance(item, tuple):
            extra[item] = f"{100 * confidence:g} % CI"
    return cols, extra


def _width(texts: list[str], header: str, kind: str) -> float:
    """Estimated width of a column in characters and padding (headings wrap at words; text past 22 characters)."""
    body = max((len(t) for t in texts), default=1)
    if kind not in NUMERIC_KINDS:
        body = min(body, 22)
    word = max((len(w) for w in header.split()), default=1)
    return max(body, word, math.ceil(len(header) / 3)) + 2.0  # a heading wraps to three lines at most


def _css(numeric) -> str:
    """A cell's class: 'num' (right-aligned), 'txt' (left), or the class given ('txt short': one line)."""
    return numeric if isinstance(numeric, str) else ("num" if numeric else "txt")


def html_table(
    df: pd.DataFrame,
    *,
    labels: dict | None = None,
    caption: str | None = None,
    money_unit: str | None = None,
    key: list[str] | None = None,
    intervals: bool = True,
    confidence: float = 0.95,
    max_chars: float = MAX_TABLE_CHARS,
) -> str:
    """One data frame as an HTML table for a reader (see the module docstring). ``key``: the columns every part of
    a split table repeats, first (default: the first column when it is text); a value and its interval are never
    split apart."""
    check_labels(df.columns, labels)
    specs = {c: _column(c, labels) for c in df.columns}
    if money_unit is None:
        money = [float(v) * s.scale for c, s in specs.items() if s.kind == "money" for v in df[c] if _finite(v)]
        money_unit = money_unit_for(money)
    if money_unit not in MONEY_UNITS:
        raise ValueError(f"money_unit: {money_unit!r} is none of {', '.join(map(repr, MONEY_UNITS))}")
    scale = MONEY_UNITS[money_unit]
    layout, ci_heads = _merge_intervals(df, labels, confidence) if intervals else (list(df.columns), {})
    notes: list[str] = []

    def note_ref(text: str) -> str:
        if text not in notes:
            notes.append(text)
        return f"<sup>[{notes.index(text) + 1}]</sup>"

    groups = []  # per layout item, its columns (header, cell htmls, numeric or class, width): split as one
    for item in layout:
        columns = []
        groups.append(columns)
        name = item[0] if isinstance(item, tuple) else item
        col = specs[name]
        numeric = col.kind in NUMERIC_KINDS
        dec = _column_decimals(list(df[name]), col, scale)
        if isinstance(item, tuple):
            texts = [  # the bounds in the value's own decimals
                "–" if not (_finite(a) and _finite(b)) else f"{_cell(a, col, dec, scale)} – {_cell(b, col, dec, scale)}"
                for a, b in zip(df[item[1]], df[item[2]], strict=True)
            ]
            main = [_cell(v, col, dec, scale) for v in df[name]]
            columns.append(
                (col.header(money_unit), [html.escape(t) for t in main], numeric, _width(main, "", col.kind))
            )
            head = ci_heads[item]
            columns.append((head, [html.escape(t) for t in texts], True, _width(texts, head, "number")))
            continue  # a value and its interval stay side by side
        if col.kind == "note":
            cells = ["" if v is None or v != v or str(v).strip() == "" else note_ref(str(v).strip()) for v in df[name]]
            columns.append((col.header(), cells, False, _width(["[00]"], col.header(), "note")))
            continue
        if numeric:
            texts = [_cell(v, col, dec, scale) for v in df[name]]
        else:
            texts = [
                _cell(v, col, dec, scale) if isinstance(v, (bool, np.bool_)) else _text(v, col, name) for v in df[name]
            ]
        head = col.header(money_unit)
        short = not numeric and max((len(t) for t in texts), default=0) <= SHORT_TEXT
        columns.append(
            (head, [html.escape(t) for t in texts], "txt short" if short else numeric, _width(texts, head, col.kind))
        )

    names = [it[0] if isinstance(it, tuple) else it for it in layout]
    if key is None:
        key = names[:1] if groups and groups[0][0][2] is not True else []
    missing = [k for k in key if k not in names]
    if missing:
        raise ValueError(f"key: column(s) {', '.join(missing)} not in the table")
    head_cols = [c for k in key for c in groups[names.index(k)]]
    rest = [g for n, g in zip(names, groups, strict=True) if n not in key]

    def wide(cols) -> float:
        return sum(c[3] for c in cols)

    room = max(max_chars - wide(head_cols), 1.0)
    n_parts = max(1, math.ceil(sum(wide(g) for g in rest) / room))
    target = sum(wide(g) for g in rest) / n_parts  # parts of about equal width, none wider than the page
    parts, current, width = [], [], 0.0
    for g in rest:
        w = wide(g)
        if current and (width + w > room or (len(parts) < n_parts - 1 and width + w / 2 > target)):
            parts.append(current)
            current, width = [], 0.0
        current += g
        width += w
    parts.append(current)
    out = []
    for k, part in enumerate(parts):
        cols = head_cols + part
        cap = caption or ""
        if len(parts) > 1:
            cap = (cap + " " if cap else "") + f"(part {k + 1} of {len(parts)})"
        rows = []
        for r in range(len(df)):
            tds = "".join(f"<td class='{_css(num)}'>{cells[r]}</td>" for _, cells, num, _ in cols)
            rows.append(f"<tr>{tds}</tr>")
        ths = "".join(f"<th class='{_css(num)}'>{html.escape(h)}</th>" for h, _, num, _ in cols)
        out.append(
            "<div class='table-wrap'><table class='data'>"
            + (f"<caption>{html.escape(cap)}</caption>" if cap else "")
            + f"<thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    if notes:
        out.append("<ol class='notes'>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ol>")
    return "\n".join(out)


def figure_html(path: Path, caption: str) -> str:
    """An embedded PNG (the page reads offline and can be mailed) with its caption."""
    path = Path(path)
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = path.stem.replace("_", " ")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def html_page(title: str, body: str, lede: str | None = None) -> str:
    """A whole offline page in the house style: the title, an optional lede paragraph, then ``body`` (HTML)."""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
        f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1>"
        + (f"<p class='lede'>{lede}</p>" if lede else "")
        + body
        + "</body></html>"
    )
