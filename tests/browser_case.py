"""The browser the page tests share: Debian's chromium driven by Playwright (its own browsers are never downloaded),
headless, software WebGL, no network (launch flags as in ../shared/notes/globe-offline.md).

``make test`` installs chromium and the ``playwright`` package and sets GOLDENDOME_BROWSER_TEST=require, so there a
missing piece fails the test instead of skipping it. A module takes the browser with::

    @pytest.fixture(scope="module")
    def browser():
        yield from open_browser()
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[1] / "results" / "test-artefacts"
"""Screenshots kept after the tests, for a person to look at."""
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def missing(also=None) -> str | None:
    """Why the browser cannot run here (None: it can); also: a further check of the module's, same contract."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium, or make test)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return also() if also else None


def open_browser(also=None):
    """Yield a launched browser, closed afterwards; skip (or fail, under make test) when a piece is missing."""
    why = missing(also)
    if why:
        if os.environ.get("GOLDENDOME_BROWSER_TEST") == "require":
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()
