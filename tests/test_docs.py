"""The documentation site (issue 20, deliverables 1-3 and 5): ``mkdocs build --strict`` of mkdocs.yml, once for the
module, into a temporary folder; every tutorial page is there with the output its commands printed and the figures
they drew, the API reference lists every public name, the file-format tables cover every field, links and anchors
resolve, and no page loads anything from the network (fonts, scripts, styles, images). A failing command or cell
fails the build: checked on small projects that use mkdocs.yml's own plugin settings.

Needs the docs extra (``pip install '.[docs]'``); without it the module is skipped, except under ``make test``
(GOLDENDOME_DOCS_TEST=require), which installs it, so there a missing piece fails. GOLDENDOME_DOCS_SITE=DIR checks a
site already built (``make docs`` writes site/) instead of building one. The build runs every tutorial: about three
minutes on two cores.
"""

import html
import html.parser
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from goldendome import api

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "mkdocs.yml"
BUILD_TIMEOUT_S = 1200
"""Longest a build may take (every tutorial runs; about 3 minutes on two idle cores, more on busy ones)."""

pytestmark = pytest.mark.slow

TUTORIALS = {
    # page: text its executed blocks print (a table header, a computed sentence, a command's own output)
    "tutorials/sbi-north-korea.html": ["SBIs, worst launch time", "base case: ", "From one booster to ten"],
    "tutorials/cbo-2026.html": ["goldendome, $bn", "SBIs in orbit at most", "Bought once, $175bn pays for"],
    "tutorials/rerange.html": ["same-speed bound km", "flown equivalent range", "The same-speed bound is above"],
    "tutorials/raid-monte-carlo.html": ["P(no leaker)", "identical: <strong>True</strong>", "dask processes started"],
    "tutorials/who-pays.html": ["of CBO 2026, C$bn", "Lives protected per salvo", "public figure"],
    "tutorials/own-scenario.html": ["threats[0].decoy: unknown field", "is not valid", "ok: vancouver.yaml"],
    "tutorials/results-with-duckdb.html": ["P(no leaker) =", "trials in critique/", "median_min"],
}
"""Every tutorial, with what its run prints (no page pastes output, so each line proves its block ran)."""
WITH_FIGURES = {
    "tutorials/sbi-north-korea.html": 3,
    "tutorials/cbo-2026.html": 4,
    "tutorials/rerange.html": 1,
    "tutorials/raid-monte-carlo.html": 1,
    "tutorials/who-pays.html": 1,
    "tutorials/results-with-duckdb.html": 1,
}
"""Pages whose code draws figures, and the fewest PNGs each must carry (inlined as data: URIs)."""


def _missing() -> str | None:
    absent = [
        m
        for m in ("mkdocs", "material", "mkdocstrings", "markdown_exec", "mkdocs_jupyter", "tabulate")
        if importlib.util.find_spec(m) is None
    ]
    if absent:
        return f"the docs extra is not installed (pip install '.[docs]'): no {', '.join(absent)}"
    return None


def _require_or_skip() -> None:
    why = _missing()
    if why:
        if os.environ.get("GOLDENDOME_DOCS_TEST") == "require":
            pytest.fail(why)
        pytest.skip(why)


def build(config: Path, site_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    given = os.environ.get("GOLDENDOME_DOCS_SITE")
    if given:
        return Path(given)
    _require_or_skip()
    out = tmp_path_factory.mktemp("site")
    done = build(CONFIG, out, REPO)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{(done.stdout + done.stderr)[-6000:]}"
    return out


class _Page(html.parser.HTMLParser):
    """What one HTML page loads and links: (tag, attribute, URL) of every resource and link, its element ids,
    and the text of its inline scripts and styles."""

    LOADS = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "audio": "src",
        "video": "src",
        "embed": "src",
        "object": "data",
        "track": "src",
        "input": "src",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag in self.LOADS and a.get(self.LOADS[tag]):
            self.loads.append((tag, a[self.LOADS[tag]]))
        if tag == "link" and a.get("href"):
            self.loads.append((f"link rel={a.get('rel')}", a["href"]))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("style"):
            self.inline.append(a["style"])
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.inline.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
REMOTE_IN_TEXT = re.compile(
    r"(?:url\(\s*['\"]?|@import\s+['\"]?|import\(\s*['\"]|src\s*=\s*['\"]?)(?:https?:)?//", re.IGNORECASE
)


def test_every_tutorial_page_shows_what_its_commands_printed(site):
    for page, expected in TUTORIALS.items():
        path = site / page
        assert path.is_file(), f"{page} was not built"
        text = html.unescape(path.read_text(encoding="utf-8"))
        for line in expected:
            assert line in text, f"{page}: no {line!r} (a block of it did not run, or printed something else)"


def test_pages_that_draw_figures_carry_them(site):
    for page, fewest in WITH_FIGURES.items():
        figures = [src for tag, src in parse(site / page).loads if tag == "img" and src.startswith("data:image/png")]
        assert len(figures) >= fewest, f"{page}: {len(figures)} figure(s), expected at least {fewest}"


def test_the_raid_tutorial_links_the_report_it_built(site):
    page = site / "tutorials/raid-monte-carlo.html"
    reports = [href for href in parse(page).links if href.endswith("report.html")]
    assert reports, "the raid tutorial links no report.html"
    report = (page.parent / unquote(reports[0])).resolve()
    assert report.is_file() and report.is_relative_to(site.resolve()), f"{reports[0]} is not in the site"
    assert "<img" in report.read_text(encoding="utf-8"), "the report has no figure"


def test_the_api_reference_documents_every_public_name(site):
    ids = parse(site / "reference/api.html").ids
    missing = [name for name in api.__all__ if f"goldendome.api.{name}" not in ids]
    assert not missing, f"not in the API reference: {missing}"


def test_the_format_tables_cover_every_field_of_the_schemas(site):
    from goldendome.scenario.cost_study import CostStudy

    pages = {
        "reference/scenario-format.html": [api.scenario_schema()],
        "reference/study-formats.html": [
            m.model_json_schema() for m in (api.SizingStudy, api.CoverageStudy, CostStudy)
        ],
    }
    for page, schemas in pages.items():
        text = (site / page).read_text(encoding="utf-8")
        for schema in schemas:
            for node in [schema, *schema.get("$defs", {}).values()]:
                for field in node.get("properties", {}):
                    assert f"<code>{field}</code>" in text, f"{page}: field {field!r} of {node.get('title')} missing"


def test_links_and_anchors_resolve_inside_the_site(site):
    pages = {path.resolve(): parse(path) for path in html_pages(site)}
    broken = []
    for path, page in pages.items():
        if path.name == "404.html" and path.parent == site.resolve():
            continue  # a web server's error page: its links start at the server's root, on purpose
        for href in page.links + [src for _, src in page.loads]:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external links (sources cited in text) and data: URIs
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(site.resolve())}: {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site.resolve())}: {href} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken[:30])


def test_no_page_loads_anything_from_the_network(site):
    remote = []
    for path in html_pages(site):
        page = parse(path)
        where = path.relative_to(site)
        remote += [f"{where}: <{tag}> {url}" for tag, url in page.loads if REMOTE.match(url)]
        for text in page.inline:
            remote += [f"{where}: inline {m.group(0)!r}" for m in REMOTE_IN_TEXT.finditer(text)]
            remote += [f"{where}: fonts.googleapis" for _ in re.finditer("fonts.g(?:oogleapis|static)", text)]
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote += [f"{css.relative_to(site)}: {m.group(0)!r}" for m in REMOTE_IN_TEXT.finditer(text)]
    assert not remote, "the site loads from the network:\n" + "\n".join(sorted(set(remote))[:30])


def _plugin(name: str):
    """One plugin's entry of mkdocs.yml, so the small projects below run with the site's own settings."""
    for entry in yaml.safe_load(CONFIG.read_text())["plugins"]:
        if entry == name or (isinstance(entry, dict) and name in entry):
            return entry
    raise AssertionError(f"mkdocs.yml has no {name} plugin")


def _project(tmp_path: Path, plugin, page: str, text: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / page).write_text(text)
    config = {
        "site_name": "failing",
        "strict": yaml.safe_load(CONFIG.read_text())["strict"],
        "plugins": [plugin],
        "markdown_extensions": ["pymdownx.superfences"],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return tmp_path / "mkdocs.yml"


def test_a_command_that_fails_fails_the_build(tmp_path):
    _require_or_skip()
    page = (
        "A command with bad input (exit status 2):\n\n"
        '```console exec="1" source="console"\n$ {} scenario validate missing.yaml\n```\n'
    )
    goldendome = Path(sys.executable).parent / "goldendome"
    config = _project(tmp_path, _plugin("markdown-exec"), "index.md", page.format(goldendome))
    done = build(config, tmp_path / "site", tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode != 0, f"the build passed although the command failed:\n{out[-3000:]}"
    assert "markdown_exec" in out and "unexpected code 2" in out, out[-3000:]


def test_a_notebook_cell_that_fails_fails_the_build(tmp_path):
    _require_or_skip()
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": ["raise ValueError('this cell fails')"],
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    config = _project(tmp_path, _plugin("mkdocs-jupyter"), "failing.ipynb", json.dumps(notebook))
    done = build(config, tmp_path / "site", tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode != 0, f"the build passed although a cell failed:\n{out[-3000:]}"
    assert "this cell fails" in out, out[-3000:]


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium, the browser of tests/test_browser.py (make test installs it; Playwright's own is never used)."""
OPENED = ["index.html", "tutorials/raid-monte-carlo.html", "tutorials/results-with-duckdb.html", "reference/api.html"]


def test_the_site_read_from_files_asks_the_network_for_nothing_and_searches(site):
    """Opened from file:// in a real browser, pages with figures, the notebook and the API reference request nothing
    but files, and the search (material's worker, through the vendored iframe-worker shim) finds a word."""
    missing = None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install -y chromium, or make test)"
    if importlib.util.find_spec("playwright") is None:
        missing = "playwright is not installed (the test extra)"
    if missing:
        if os.environ.get("GOLDENDOME_DOCS_TEST") == "require":
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    local = ("file:", "data:", "blob:", "about:")
    remote, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: None if r.url.startswith(local) else remote.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            for name in OPENED:
                page.goto((Path(site).resolve() / name).as_uri(), wait_until="load")
            page.goto((Path(site).resolve() / "index.html").as_uri(), wait_until="load")
            page.locator("input.md-search__input").click()
            page.keyboard.type("absentee")
            results = page.locator(".md-search-result__item")
            results.first.wait_for(timeout=30_000)
            found = results.count()
        finally:
            browser.close()
    assert not remote, f"requests to the network: {remote}"
    assert not errors, f"script errors: {errors}"
    assert found > 0, "the search found nothing from file://"
