"""``goldendome claims`` as a reader meets it (issue 21): every claim answered on one page, each section with its
verdict, commands and sources; every number on the page traceable to a results file in the folder; no code-style
name in sight; bad input refused in words.

The command runs once for the module, on small settings (2 Monte Carlo trials a case, ``--quick`` sizing): the
checks here are about the page and its files, not about the numbers of record. The building blocks with closed
forms (the spherical cap, the greedy cover, the deadline bisection) are checked against them.
"""

import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from goldendome.analysis.claims import (
    ORDER,
    VERDICTS,
    Settings,
    cap_area_km2,
    claims_data,
    largest_by_deadline,
    leakage_section,
    sites_to_cover,
)
from goldendome.analysis.cost import calibrated, deployment_plan, load_cost_study
from goldendome.analysis.schedule import deploy
from goldendome.cli.main import app
from goldendome.io.present import code_tokens
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M

runner = CliRunner()
QUICK = ["--trials", "2", "--quick", "--quiet"]


def quick_claims(base: Path) -> Path:
    """The claims folder of ``goldendome claims --trials 2 --quick`` under ``base`` (made once per session: the
    browser test reads the same page)."""
    out = base / "claims-quick"
    if not (out / "claims.html").exists():
        res = runner.invoke(app, ["claims", "--out", str(out), *QUICK])
        assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def claims_dir(tmp_path_factory) -> Path:
    return quick_claims(tmp_path_factory.getbasetemp())


# --------------------------------------------------------------------------------------------------------------
# Reading the page as a reader's browser would: what is shown, and where each number says it comes from
# --------------------------------------------------------------------------------------------------------------

NUMBER = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?")
SCALES = (1.0, 100.0, 1e-3, 1e-6, 1e-9, 1e-12, 1e3, 1e6)
"""How a stored number may be shown: as is, as a percentage, or in thousands, millions, billions, trillions (money
stored in dollars or in millions of dollars)."""


class Page(HTMLParser):
    """What a page shows: its visible text; every ``span.num`` (its data-key and text); the text of every verdict
    and headline with the spans taken out; every numeric table cell with the Parquet file its table names; every
    section's parts (verdict, commands, sources)."""

    def __init__(self, text: str):
        super().__init__()
        self.visible, self.spans, self.outside, self.cells = [], [], [], []
        self.sections: dict[str, set[str]] = {}
        self._stack: list[tuple[str, dict]] = []
        self._span: list | None = None
        self._cell: list | None = None
        self.feed(text)

    def _inside(self, cls: str) -> dict | None:
        return next((a for _, a in reversed(self._stack) if cls in (a.get("class") or "").split()), None)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("br", "img", "meta", "link", "input"):
            return
        self._stack.append((tag, a))
        cls = (a.get("class") or "").split()
        section = self._inside("claim")
        if section is not None:
            self.sections.setdefault(section["id"], set()).update(f"{tag}.{c}" for c in cls)
        if tag == "span" and "num" in cls:
            self._span = [a["data-key"], ""]
        if tag == "td" and "num" in cls:
            table = self._inside("claims-table")
            self._cell = [table["data-source"] if table else None, ""]

    def handle_endtag(self, tag):
        while self._stack:
            t, a = self._stack.pop()
            cls = (a.get("class") or "").split()
            if t == "span" and "num" in cls and self._span is not None:
                self.spans.append(tuple(self._span))
                self._span = None
            if t == "td" and "num" in cls and self._cell is not None:
                self.cells.append(tuple(self._cell))
                self._cell = None
            if t == tag:
                break

    def handle_data(self, data):
        if any(t in ("style", "script", "title") for t, _ in self._stack):
            return
        self.visible.append(data)
        if self._span is not None:
            self._span[1] += data
        elif self._inside("verdict") is not None or self._inside("headline") is not None:
            if self._inside("badge") is None:
                self.outside.append(data)
        if self._cell is not None:
            self._cell[1] += data


def shown_numbers(text: str) -> list[tuple[float, int]]:
    """Each number in a text as (value, decimals shown)."""
    out = []
    for m in NUMBER.finditer(text.replace("\u00a0", " ")):
        s = m.group().replace(",", "").replace("−", "-")
        out.append((float(s), len(s.split(".")[1]) if "." in s else 0))
    return out


def numbers_of(value) -> list[float]:
    """The numbers a stored value holds: itself, or the numbers written in a string (an ISO date's year)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float | np.integer | np.floating):
        return [float(value)] if math.isfinite(float(value)) else []
    if isinstance(value, str):
        return [abs(v) for v, _ in shown_numbers(value)]
    return []


def traceable(shown: float, decimals: int, stored: list[float]) -> bool:
    """Whether a number shown with these decimals is one of the stored numbers at some scale, rounded."""
    tol = 0.5 * 10.0**-decimals + 1e-9
    return any(abs(abs(v) * k - abs(shown)) <= tol for v in stored for k in SCALES)


def untraceable(html_text: str, folder: Path) -> list[str]:
    """Every number of the page's verdicts, headlines and tables that no results file of ``folder`` holds, and any
    digit of a verdict or headline written outside a traced number."""
    page = Page(html_text)
    problems = []
    docs: dict[str, dict] = {}
    for key, text in page.spans:
        file, _, path = key.partition("#")
        doc = docs.setdefault(file, json.loads((folder / file).read_text()))
        value = doc
        for part in path.split("."):
            value = value[part]
        stored = numbers_of(value)
        for shown, dec in shown_numbers(text):
            if not traceable(shown, dec, stored):
                problems.append(f"verdict number {text!r} is not {key} = {value!r}")
    for text in page.outside:
        if re.search(r"\d", text):
            problems.append(f"a number outside any traced value: {text!r}")
    tables: dict[str, list[float]] = {}
    for source, text in page.cells:
        if source is None:
            continue
        if source not in tables:
            df = pd.read_parquet(folder / source)
            tables[source] = [v for col in df.columns for x in df[col] for v in numbers_of(x)]
        for shown, dec in shown_numbers(text):
            if not traceable(shown, dec, tables[source]):
                problems.append(f"table cell {text!r} is in no column of {source}")
    return problems


# --------------------------------------------------------------------------------------------------------------
# The page and its files
# --------------------------------------------------------------------------------------------------------------


def test_every_claim_has_its_section_with_verdict_commands_and_sources(claims_dir):
    html_text = (claims_dir / "claims.html").read_text()
    page = Page(html_text)
    assert list(claims_data()["claims"]) == list(ORDER)
    for key in ORDER:
        doc = json.loads((claims_dir / "claims" / f"{key}.json").read_text())
        assert doc["verdict"].startswith(VERDICTS), doc["verdict"]
        assert doc["commands"] and all(c.startswith("goldendome ") for c in doc["commands"])
        assert doc["sources"] and doc["assumptions"] and doc["numbers"]
        assert "DIR" not in " ".join(doc["commands"])  # the folder is named as given
        parts = page.sections[key]
        for part in ("p.verdict", "span.badge", "pre.commands", "ol.sources", "ul.assumptions"):
            assert part in parts, (key, part)
        for file in doc["tables"].values():
            assert (claims_dir / "claims" / file).is_file()
        assert (claims_dir / "claims" / f"{key}.png").stat().st_size > 10_000  # the figure, drawn
    assert html_text.count("<img ") == len(ORDER) and 'src="data:image/png;base64,' in html_text  # offline


def test_every_number_on_the_page_comes_from_a_results_file(claims_dir):
    html_text = (claims_dir / "claims.html").read_text()
    page = Page(html_text)
    assert len(page.spans) >= 8 * 4 and len(page.cells) >= 100  # the check has something to check
    assert untraceable(html_text, claims_dir / "claims") == []


def test_the_traceability_check_catches_a_number_that_is_not_in_the_files(claims_dir):
    html_text = (claims_dir / "claims.html").read_text()
    folder = claims_dir / "claims"
    # a verdict number changed on the page only
    first = re.search(r'(<span class="num" data-key="price\.json#numbers\.sbis_announced">)([^<]*)(</span>)', html_text)
    tampered = html_text.replace(first.group(0), first.group(1) + "987,654" + first.group(3), 1)
    assert any("987,654" in p for p in untraceable(tampered, folder))
    # a number typed into a verdict outside any traced value
    tampered = html_text.replace("<p class='verdict'>", "<p class='verdict'>About 4,321 of them. ", 1)
    assert any("4,321" in p for p in untraceable(tampered, folder))
    # a table cell changed
    cell = re.search(r"<td class='num'>([\d,.]+)</td>", html_text.split("data-source='price-buys.parquet'")[1])
    tampered = html_text.replace(cell.group(0), "<td class='num'>123,456.7</td>", 1)
    assert any("123,456.7" in p for p in untraceable(tampered, folder))


def test_no_code_style_name_reaches_the_reader(claims_dir):
    page = Page((claims_dir / "claims.html").read_text())
    assert code_tokens(" ".join(page.visible)) == []
    # and the check would see one
    assert code_tokens("Share leaked: p_struck_lo") == ["p_struck_lo"]


def test_the_results_files_reproduce_what_the_commands_say(claims_dir):
    folder = claims_dir / "claims"
    run = json.loads((folder / "run.json").read_text())
    assert run["settings"] == {"trials": 2, "seed": 20250520, "workers": 1, "quick": True}
    # the price section's SBI count is the shipped study's own solve (golden-dome-175bn, bought once)
    price = json.loads((folder / "price.json").read_text())
    solved = calibrated(load_cost_study("golden-dome-175bn")).components[0].quantity
    assert price["numbers"]["sbis_announced"] == math.floor(solved)
    assert (folder / "price" / "golden-dome-175bn" / "cost.json").is_file()
    # the study files the commands name are there and load as what they are
    initial = load_cost_study(folder / "price" / "initial-25bn.yaml")
    assert initial.published[0].value_usd == claims_data()["figures"]["initial_appropriation_usd"]["value"]
    leakage = json.loads((folder / "leakage.json").read_text())
    for key in claims_data()["leakage"]["cases"]:
        assert (folder / "leakage" / f"{key}.yaml").is_file()
        assert len(list((folder / "leakage" / key / "_done").glob("*.json"))) == 2  # the Monte Carlo study
        assert leakage["numbers"][f"{key}_trials"] == 2
        lo, mid, hi = (leakage["numbers"][f"{key}_leaked{s}"] for s in ("_lo", "", "_hi"))
        assert 0.0 <= lo <= mid <= hi <= 1.0  # a share's interval stays within [0, 1]
    sizing = pd.read_parquet(folder / "satellites-sizing.parquet")
    assert set(sizing.propellant) == {"solid", "liquid"} and sizing.simulated_sbis.notna().all()
    # a liquid booster burns longer, so fewer SBIs are needed for the same salvo (APS 2003's finding)
    for case in set(sizing.case):
        s = sizing[sizing.case == case].set_index("propellant").simulated_sbis
        assert s["liquid"] < s["solid"], case


# --------------------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--trials", "0"], "--trials must be at least 1"),
        (["--trials", "many"], "--trials"),
        (["--seed", "-3"], "--seed must be at least 0"),
        (["--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_bad_input_is_refused_in_words(tmp_path, args, words):
    res = runner.invoke(app, ["claims", "--out", str(tmp_path / "c"), *args])
    assert res.exit_code == 2
    assert words in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "c" / "claims.html").exists()


def test_an_out_folder_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    res = runner.invoke(app, ["claims", "--out", str(f), *QUICK])
    assert res.exit_code == 2 and "is a file" in res.output


def test_another_seed_into_the_same_folder_is_refused_not_mixed(claims_dir, tmp_path):
    folder = tmp_path / "leakage"
    shutil.copytree(claims_dir / "claims" / "leakage", folder)
    with pytest.raises(ValueError, match="holds a Monte Carlo study of another seed or scenario.*give another --out"):
        leakage_section(folder, Settings(trials=2, seed=7), lambda what: None)
    assert len(list((folder / "icbm" / "_done").glob("*.json"))) == 2  # nothing in it changed


def test_settings_name_the_field_in_error():
    for field, bad in (("trials", 0), ("seed", -1), ("workers", 0), ("trials", 2.5)):
        with pytest.raises(ValueError, match=f"^{field}: must be a whole number"):
            Settings(**{field: bad})


# --------------------------------------------------------------------------------------------------------------
# The building blocks, against closed forms
# --------------------------------------------------------------------------------------------------------------


def test_cap_area_is_the_flat_disc_for_small_reach_and_a_hemisphere_at_a_quarter_circumference():
    assert cap_area_km2(70e3) == pytest.approx(math.pi * 70.0**2, rel=1e-3)  # flat-Earth pi d^2 below ~100 km
    quarter = math.pi / 2 * R_EARTH_MEAN_M  # 90 deg of arc: half the sphere, 2 pi R^2
    assert cap_area_km2(quarter) == pytest.approx(2 * math.pi * (R_EARTH_MEAN_M / 1e3) ** 2, rel=1e-12)


def test_greedy_cover_of_points_along_the_equator():
    # points every 100 km of arc along the equator: a reach of 100 km covers three (a site and its neighbours)
    step = 100e3 / R_EARTH_MEAN_M
    lon = np.arange(9) * step
    lat = np.zeros(9)
    assert sites_to_cover(lat, lon, 100.5e3) == 3  # ceil(9 / 3)
    assert sites_to_cover(lat, lon, 50e3) == 9  # each alone
    assert sites_to_cover(lat, lon, 1e7) == 1
    assert sites_to_cover(np.array([10 * DEG]), np.array([20 * DEG]), 1.0) == 1


def test_the_largest_constellation_by_the_deadline_is_in_orbit_then_and_one_more_is_not():
    base = deployment_plan("cbo-2026")
    deadline = load_cost_study("cbo-2026").deadline
    n = largest_by_deadline(base, base.sat_mass_kg, deadline)
    assert 0 < n < base.n_satellites  # CBO's 7,800 miss January 2029 at these rates (the schedule section)

    def full(k: int):
        plan = base.model_copy(update={"n_satellites": k})
        return deploy(plan).full_capability

    assert full(n) <= deadline
    assert full(n + 1) is None or full(n + 1) > deadline


def test_every_figure_of_the_claims_data_names_its_source():
    for name, f in claims_data()["figures"].items():
        assert f["value"] is not None and f["year"], name
        assert f["source"].strip() and f["check"].strip(), name
        assert any(w in f["check"] for w in ("VERIFIED", "UNVERIFIED", "ASSUMPTION")), name
    for key, c in claims_data()["claims"].items():
        assert c["title"] and c["quote"] and c["said"], key
