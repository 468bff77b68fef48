"""The report as a reader meets it: no code-style name in a heading or the text, money in one readable unit per table
(the SBI's $22M reads 22, never 0.0), a map with coastlines and borders, intervals inside their quantity's range; and
the presentation layer (goldendome.io.present) and the count interval (goldendome.analysis.leakage) on their own.

The results folder is the one a new user makes (`goldendome mc` on a small battle with a salvo of 1 and 2,
`goldendome cost cbo-2026 --plot`), then `goldendome report`."""

import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.path import Path as MplPath
from scipy.stats import norm
from typer.testing import CliRunner

from goldendome.analysis.battle_stats import study_stats
from goldendome.analysis.leakage import mean_count_interval
from goldendome.cli.main import app
from goldendome.io import plots
from goldendome.io.present import (
    COLUMNS,
    LABELS,
    UnlabelledColumn,
    code_tokens,
    format_money,
    html_table,
    label,
    money_unit_for,
    unlabelled,
)
from server_case import SMALL_BATTLE

runner = CliRunner()


RAW_NAMES = (
    "published_usd",
    "ours_usd",
    "rel_diff",
    "rel_tolerance",
    "within_tolerance",
    "p_struck_lo",
    "p_struck_hi",
    "cost_musd",
    "unit_cost_usd",
    "cost_per_kill_usd",
    "threat_cost_usd",
    "figure_value",
    "expected_leakers",
)
"""The code names issue 21 found on the page."""


def build_results(root: Path, trials: int = 6) -> Path:
    """A results folder as a new user makes it: a Monte Carlo study (salvo of 1 and 2) and CBO 2026's cost, then the
    report. Returns report.html."""
    scn = root / "battle.yaml"
    scn.write_text(SMALL_BATTLE)
    res = runner.invoke(
        app, ["mc", str(scn), "--trials", str(trials), "--out", str(root / "mc"), "-q", "--salvo", "1,2"]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["cost", "cbo-2026", "-q", "--plot", "--out", str(root / "cost")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["report", str(root)])
    assert res.exit_code == 0, res.output
    return root / "report.html"


class _Page(HTMLParser):
    """What a reader sees of a page: its visible text (no style sheet, no image data) and its tables as rows of
    cell texts, headings first."""

    def __init__(self):
        super().__init__()
        self.text, self.tables, self._skip, self._cell = [], [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("th", "td"):
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(Path(path).read_text())
    return page


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    return build_results(root), root


def test_no_code_style_name_reaches_the_reader(report):
    path, _ = report
    page = read_page(path)
    headings = [cell for table in page.tables for cell in table[0]]
    assert headings and all(not code_tokens(h) for h in headings), [h for h in headings if code_tokens(h)]
    visible = " ".join(page.text)
    assert code_tokens(visible) == []
    for raw in RAW_NAMES:
        assert raw not in visible, raw
    # the page reads as a publication: the summary first, then the sections
    assert visible.index("Summary") < visible.index("Cost: CBO 2026") < visible.index("Monte Carlo: small battle")
    assert "Wilson" in visible and "Garwood" in visible and "Natural Earth" in visible


def test_the_sbi_unit_cost_reads_22_in_millions_not_0(report):
    path, _ = report
    tables = read_page(path).tables
    exchange = next(t for t in tables if "Unit cost ($M)" in t[0])
    head = exchange[0]
    sbi = next(r for r in exchange[1:] if r[0] == "sbi")
    # CBO 2026's average SBI, $22M (the cbo-2026 study's exchange case); the issue found it printed as 0.0
    assert float(sbi[head.index("Unit cost ($M)")]) == pytest.approx(22.0)
    assert float(sbi[head.index("Threat cost ($M)")]) == pytest.approx(30.0)
    # every money heading of one table names the same unit
    for table in tables:
        units = {m for h in table[0] for m in re.findall(r"\((C?\$(?:k|M|bn)?)\)", h)}
        assert len({u.removeprefix("C") for u in units}) <= 1, table[0]
    # the total in words: CBO 2026's national system, about $1.2 trillion (references.md)
    assert "$1.18 trillion" in " ".join(read_page(path).text)


def test_the_impact_map_is_drawn_over_coastlines_and_borders(report):
    _, root = report
    assert (root / "mc" / "impact_map.png").stat().st_size > 20_000
    points = pd.DataFrame({"lat_deg": [37.8, 34.0], "lon_deg": [-122.4, -118.2]})
    fig = plots.impact_figure(points, [34.05, 37.77], [-118.24, -122.42], "two leakers", ["Los Angeles", "SF"])
    try:
        (ax,) = fig.axes
        (base,) = [c for c in ax.collections if c.get_gid() == plots.BASEMAP_GID]
        assert len(base.get_paths()) == len(plots.basemap_rings()) == 288  # Natural Earth 110m: 177 countries
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        assert x0 < -122.4 < -118.2 < x1 and y0 < 34.0 < 37.8 < y1
    finally:
        plots.plt.close(fig)


def test_the_basemap_puts_cities_in_their_countries():
    """Natural Earth's polygons, read by bench/make_basemap.py, hold known places: Denver in the United States,
    Winnipeg in Canada, and not the other way round (coordinates: the cities' published latitude and longitude)."""
    with np.load(plots.BASEMAP) as d:
        names = list(d["country_name"])
        owner = d["ring_country"]
    rings = plots.basemap_rings()

    def inside(country: str, lon: float, lat: float) -> bool:
        k = names.index(country)
        return any(MplPath(r).contains_point((lon, lat)) for r, o in zip(rings, owner, strict=True) if o == k)

    denver, winnipeg = (-104.99, 39.74), (-97.14, 49.90)
    assert inside("United States of America", *denver) and not inside("Canada", *denver)
    assert inside("Canada", *winnipeg) and not inside("United States of America", *winnipeg)


def test_study_intervals_stay_within_their_range(report):
    _, root = report
    for name in ("salvo-1", "salvo-2"):
        st = study_stats(root / "mc" / name)
        assert 0.0 <= st.leakers_ci[0] <= st.leakers_mean <= st.leakers_ci[1]
        assert 0.0 <= st.p_zero_ci[0] <= st.p_zero <= st.p_zero_ci[1] <= 1.0


def test_a_mostly_zero_count_sample_keeps_its_interval_above_zero():
    counts = np.zeros(40)
    counts[[3, 17]] = 1  # 2 leakers in 40 trials
    mean, sd = counts.mean(), counts.std(ddof=1)
    z = norm.ppf(0.975)
    assert mean - z * sd / math.sqrt(counts.size) < 0  # the normal interval the report used to print
    lo, hi = mean_count_interval(counts.sum(), counts.size, 0.95, counts.var(ddof=1) / mean)
    assert 0.0 < lo < mean < hi
    # no event at all: lower bound 0, upper -ln(0.025) / n, the exact Poisson bound ('rule of 3.69')
    lo, hi = mean_count_interval(0, 40)
    assert lo == 0.0 and hi == pytest.approx(-math.log(0.025) / 40, rel=1e-9)


def test_the_count_interval_matches_garwoods_table():
    # the exact 95 % Poisson limits of 10 events, 4.795 and 18.390 (the standard tabulated values of Garwood's
    # interval, Biometrika 28, 1936), here over 5 trials
    lo, hi = mean_count_interval(10, 5)
    assert lo * 5 == pytest.approx(4.795, abs=1e-3) and hi * 5 == pytest.approx(18.390, abs=1e-3)
    with pytest.raises(ValueError, match="total"):
        mean_count_interval(-1, 5)


@pytest.mark.parametrize(
    "name, draw, mean",
    [
        ("binomial, mostly zeros", lambda r, n: r.binomial(3, 0.05, n), 0.15),
        ("Poisson", lambda r, n: r.poisson(1.2, n), 1.2),
        ("overdispersed (negative binomial)", lambda r, n: r.negative_binomial(0.5, 0.5 / 2.5, n), 2.0),
    ],
)
def test_the_count_interval_covers_near_its_nominal_level(name, draw, mean):
    """Seeded simulation: 1,000 studies of 50 trials each; the 95 % interval should hold the true mean in about
    95 % of them (binomial-like counts, bounded by the lethal objects, are covered conservatively)."""
    rng = np.random.default_rng(2126)
    covered = 0
    studies = 1000
    for _ in range(studies):
        x = draw(rng, 50)
        m = x.mean()
        lo, hi = mean_count_interval(x.sum(), x.size, 0.95, x.var(ddof=1) / m if m > 0 else 1.0)
        covered += lo <= mean <= hi
    # binomial standard error of a coverage near 0.95 over 1,000 studies: 0.007; 3 of them either side
    assert 0.93 <= covered / studies <= 0.985, (name, covered / studies)


# -- the presentation layer ----------------------------------------------------------------------------------------


def test_labels_read_as_the_issue_asks():
    assert LABELS["cost_musd"] == "Interceptor cost ($M)"
    assert LABELS["p_struck_lo"] == "P(struck), 95 % CI low"
    assert label("unit_cost_usd") == "Unit cost ($)"
    assert all(not code_tokens(h) for h in LABELS.values())
    assert unlabelled(["p_struck", "mystery_column", "United States"]) == ["mystery_column"]


def test_a_column_without_a_label_is_refused():
    with pytest.raises(UnlabelledColumn, match="mystery_column"):
        html_table(pd.DataFrame({"asset": ["a"], "mystery_column": [1.0]}))
    out = html_table(pd.DataFrame({"mystery_column": [1.0]}), labels={"mystery_column": "Mystery (km)"})
    assert "Mystery (km)" in out


def test_money_takes_one_unit_per_table_and_small_amounts_keep_their_digits():
    df = pd.DataFrame({"component": ["sbi", "big"], "unit_cost_usd": [22e6, 1e6], "total_usd": [731.6e9, 448e9]})
    page = _Page()
    page.feed(html_table(df))
    (table,) = page.tables
    assert table[0] == ["Component", "Unit cost ($bn)", "Total ($bn)"]
    # $22M in a table of billions: 0.022 to its three significant digits, not 0.0
    assert table[1] == ["sbi", "0.0220", "732"]
    assert table[2] == ["big", "0.0010", "448"]
    assert money_unit_for([22e6, 30e6, 75e6]) == "M" and money_unit_for([5e9, 700e9]) == "bn"
    assert format_money(22e6) == "$22 million" and format_money(1.17965e12) == "$1.18 trillion"


def test_intervals_merge_and_numbers_align():
    df = pd.DataFrame({"asset": ["Seattle"], "p_struck": [0.25], "p_struck_lo": [0.1], "p_struck_hi": [0.5]})
    out = html_table(df)
    page = _Page()
    page.feed(out)
    assert page.tables[0] == [["Defended asset", "P(struck)", "95 % CI"], ["Seattle", "0.250", "0.100 – 0.500"]]
    assert "<td class='num'>0.250</td>" in out and "<td class='txt short'>Seattle</td>" in out


def test_a_table_too_wide_for_the_page_is_split_keeping_its_key_column():
    wide = pd.DataFrame({"asset": ["Seattle", "Boston"]} | {f"rounds_{k}": [1234.5, 2.0] for k in ("boost", "upper")})
    for k in range(14):
        wide[f"x{k}"] = [123456.0, 1.0]
    labels = {f"x{k}": f"Figure number {k} (km)" for k in range(14)}
    page = _Page()
    page.feed(html_table(wide, labels=labels, caption="wide"))
    assert len(page.tables) >= 2
    assert all(t[0][0] == "Defended asset" for t in page.tables)
    shown = [h for t in page.tables for h in t[0][1:]]
    assert len(shown) == len(wide.columns) - 1  # every column once


def test_long_text_becomes_numbered_notes():
    df = pd.DataFrame({"label": ["a", "b", "c"], "source": ["CBO 2026, p. 4", "", "CBO 2026, p. 4"]})
    out = html_table(df)
    assert out.count("<sup>[1]</sup>") == 2 and "<li>CBO 2026, p. 4</li>" in out and "[2]" not in out


def test_every_report_column_has_a_label():
    """The columns the report's data frames carry (cost.json, study statistics) all read for people."""
    assert not unlabelled(COLUMNS)
    for name in ("unit_cost_usd", "cost_per_kill_usd", "threat_cost_usd", "exchange_ratio", "p_zero_lo"):
        assert name in COLUMNS


def test_the_report_finds_studies_folders_deep_and_skips_a_studys_own_folders(report, tmp_path):
    """`goldendome claims` leaves its studies three levels down (DIR/claims/leakage/icbm): the report of DIR finds
    them there, and reads a Monte Carlo study's trials and sweep sub-studies as the study, never as studies of
    their own."""
    _, root = report
    deep = tmp_path / "claims" / "leakage"
    deep.mkdir(parents=True)
    shutil.copytree(root / "mc", deep / "mc")
    shutil.copytree(root / "cost", tmp_path / "claims" / "cost")
    res = runner.invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "Monte Carlo (mc)" in said and "cost (cost)" in said
    assert said.count("Monte Carlo") == 1  # the salvo-1 and salvo-2 sub-studies are the one sweep's
    too_deep = tmp_path / "a" / "b" / "c" / "d" / "e"
    too_deep.mkdir(parents=True)
    shutil.copytree(root / "cost", too_deep / "cost")
    res = runner.invoke(app, ["report", str(tmp_path)])
    assert " ".join(res.output.split()).count("cost (cost)") == 1  # beyond REPORT_DEPTH levels: not looked for
