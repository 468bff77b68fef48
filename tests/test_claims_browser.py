"""The claims page in a real browser at 1,280 px: Debian's chromium driven by Playwright (no network, no GPU needed).

The page of ``goldendome claims --trials 2 --quick`` (tests/test_claims.py's :func:`quick_claims`, made once per
session), opened from disk: every section is there, no table is wider than its container, nothing sticks out of the
page, every figure decoded, the visible text holds no code-style name, the page asks nothing of any host, and a
full-page screenshot is kept (results/test-artefacts/claims.png).

Needs /usr/bin/chromium and the ``playwright`` package (its own browsers are never downloaded); ``make test``
installs both and sets GOLDENDOME_BROWSER_TEST=require, so there a missing piece fails the test instead of
skipping it (as tests/test_browser.py).
"""

import pytest

from browser_case import ARTEFACTS, open_browser
from goldendome.analysis.claims import ORDER
from goldendome.io.present import code_tokens
from test_claims import quick_claims

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    yield from open_browser()


def test_the_claims_page_fits_a_1280_px_page(browser, tmp_path_factory):
    path = quick_claims(tmp_path_factory.getbasetemp()) / "claims.html"
    page = browser.new_page(viewport=VIEWPORT)
    asked, problems = [], []
    page.on("request", lambda r: asked.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri())
    assert page.evaluate("() => [...document.querySelectorAll('section.claim')].map(s => s.id)") == list(ORDER)
    tables = page.evaluate(
        """() => [...document.querySelectorAll('table')].map(t => ({
            caption: (t.querySelector('caption') || {}).innerText || '',
            table: t.getBoundingClientRect().width,
            scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth,
            right: t.getBoundingClientRect().right, page: document.body.getBoundingClientRect().right}))"""
    )
    assert len(tables) >= 12  # the summary and every section's tables
    for t in tables:
        assert t["table"] <= t["client"] + 1, t  # the table fits its container
        assert t["scroll"] <= t["client"] + 1, t  # nothing scrolls inside it
        assert t["right"] <= t["page"] + 1, t  # nor sticks out of the page
    blocks = page.evaluate(
        """() => [...document.querySelectorAll('pre, figure, blockquote, p')].map(e => ({
            tag: e.tagName, right: e.getBoundingClientRect().right, scroll: e.scrollWidth, client: e.clientWidth}))"""
    )
    body = page.evaluate("() => document.body.getBoundingClientRect().right")
    for b in blocks:
        assert b["right"] <= body + 1 and b["scroll"] <= b["client"] + 1, b  # commands wrap, figures shrink
    headings = page.evaluate("() => [...document.querySelectorAll('th')].map(h => h.innerText)")
    assert headings and not [h for h in headings if code_tokens(h)]
    assert code_tokens(page.evaluate("() => document.body.innerText")) == []
    images = page.evaluate(
        "() => [...document.images].map(i => [i.alt, i.naturalWidth, i.getBoundingClientRect().width])"
    )
    assert len(images) == len(ORDER)
    assert all(natural > 600 and 0 < shown <= VIEWPORT["width"] for _, natural, shown in images), images
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORT["width"]
    assert asked == [] and problems == []  # offline, and no script error
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "claims.png"), full_page=True)
    page.close()
