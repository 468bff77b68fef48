"""The report in a real browser at 1,280 px: Debian's chromium driven by Playwright (no network, no GPU needed).

A results folder as a new user makes it (tests/test_report.py's :func:`build_results`: a small Monte Carlo study and
CBO 2026's cost), `goldendome report`, then the page opened from disk: no table is wider than its container (the
cost-exchange table overflowed the page, issue 21), no heading or visible text holds a code-style name, the map
and every figure loaded, and a full-page screenshot is kept (results/test-artefacts/report.png).

Needs /usr/bin/chromium and the ``playwright`` package (its own browsers are never downloaded); ``make test``
installs both and sets GOLDENDOME_BROWSER_TEST=require, so there a missing piece fails the test instead of
skipping it (as tests/test_browser.py).
"""

import pytest

from browser_case import ARTEFACTS, open_browser
from goldendome.io.present import code_tokens
from test_report import build_results

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    yield from open_browser()


def test_the_report_fits_a_1280_px_page(browser, tmp_path):
    root = tmp_path / "results"  # the page names its folder; pytest's own folder name is snake_case
    root.mkdir()
    path = build_results(root, trials=4)
    page = browser.new_page(viewport=VIEWPORT)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    tables = page.evaluate(
        """() => [...document.querySelectorAll('table')].map(t => ({
            caption: (t.querySelector('caption') || {}).innerText || '',
            scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth,
            right: t.getBoundingClientRect().right, page: document.body.getBoundingClientRect().right}))"""
    )
    assert len(tables) >= 8  # study, layers, assets, timeline, components, published, implied, bills, exchange ...
    for t in tables:
        assert t["scroll"] <= t["client"] + 1, t  # nothing scrolls inside its container
        assert t["right"] <= t["page"] + 1, t  # nor sticks out of the page
    headings = page.evaluate("() => [...document.querySelectorAll('th')].map(h => h.innerText)")
    assert headings and not [h for h in headings if code_tokens(h)]
    assert code_tokens(page.evaluate("() => document.body.innerText")) == []
    images = page.evaluate("() => [...document.images].map(i => [i.alt, i.naturalWidth])")
    assert "impact map" in [alt for alt, _ in images]
    assert all(width > 300 for _, width in images), images  # every figure decoded
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORT["width"]
    assert asked == []  # the page asks nothing of any host: it reads offline
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "report.png"), full_page=True)
    page.close()
