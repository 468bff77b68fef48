"""The globe page in a real browser: Debian's chromium driven by Playwright (software WebGL, no GPU, no network).

A real ``goldendome serve`` (a subprocess, on a free loopback port, results in tmp_path, given a token so that
every API call must carry it) serves the page, opened with the token in its address; the test presses Run on the
default scenario, waits for the scene on the globe (CZML entities, the satellites' points, the imagery tiles),
checks that the browser logged no error and asked nothing of any other host, saves a screenshot
(results/test-artefacts/globe.png), runs a small Monte Carlo study and checks its charts, then cancels a long study
and validates an uploaded scenario file.

Needs /usr/bin/chromium, the ``playwright`` package (its own browsers are never downloaded) and the Cesium bundle
(``make web``); ``make test`` installs all three and sets GOLDENDOME_BROWSER_TEST=require, so there a missing piece
fails the test instead of skipping it. Launch flags as in ../shared/notes/globe-offline.md.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from goldendome.server.app import CESIUM_DIR

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[1] / "results" / "test-artefacts"
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
VIEWPORT = {"width": 1400, "height": 860}
TOKEN = "browser-test-token-0123456789"
SMALL = """
name: browser upload
epoch: 2026-07-04T12:00:00Z
duration_min: 15
threats:
  - {name: M1, missile: mrbm-solid-2stage, launch: {lat_deg: 35.0, lon_deg: -130.0}, aim: {name: los-angeles}}
"""
LOAD_TIMEOUT_MS = 90_000  # tiles take 4.5-8 s on two cores in software WebGL (the note); the first run compiles


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium, or make test)"
    if not (CESIUM_DIR / "Cesium.js").is_file():
        return f"the Cesium bundle is missing in {CESIUM_DIR} (make web)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why:
        if os.environ.get("GOLDENDOME_BROWSER_TEST") == "require":
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server on a free loopback port, needing TOKEN: its base URL."""
    port = _free_port()
    results = tmp_path_factory.mktemp("serve")
    log = (results / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "goldendome.cli.main",
            "serve",
            "--port",
            str(port),
            "--results",
            str(results),
            "--token",
            TOKEN,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    auth = {"authorization": f"Bearer {TOKEN}"}
    try:
        for _ in range(1200):  # up, and done flying the default scenario once (its warm-up, as after `serve`)
            try:
                if httpx.get(f"{base}/api/version", headers=auth, timeout=1.0).json()["warm"]:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail(f"the server did not start: {(results / 'server.log').read_text()}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_the_default_scenario_runs_and_shows_on_the_globe(browser, server, tmp_path):
    page = browser.new_page(viewport=VIEWPORT)
    problems, foreign = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else foreign.append(r.url))

    page.goto(f"{server}/?token={TOKEN}")
    page.wait_for_function("document.querySelectorAll('#scenario option').length > 0", timeout=LOAD_TIMEOUT_MS)
    assert page.url == f"{server}/"  # the token is taken out of the address bar, kept for the tab
    assert page.evaluate("sessionStorage.getItem('goldendome-token')") == TOKEN
    assert page.eval_on_selector("#scenario", "s => s.value") == "default"
    page.wait_for_function("viewer.scene.globe.tilesLoaded", timeout=LOAD_TIMEOUT_MS)  # the globe, as a user sees it
    t0 = time.perf_counter()
    page.click("#run")
    page.wait_for_function(
        "window.gd.loaded && viewer.dataSources.length > 0 && viewer.dataSources.get(0).entities.values.length > 0",
        timeout=LOAD_TIMEOUT_MS,
    )
    shown_s = time.perf_counter() - t0
    page.wait_for_function(
        "document.querySelector('#status').textContent.startsWith('done') || window.gd.error", timeout=LOAD_TIMEOUT_MS
    )
    assert page.evaluate("window.gd.error") is None

    scene = page.evaluate("""() => {
        const ids = viewer.dataSources.get(0).entities.values.map(e => e.id);
        const kinds = {};
        for (const id of ids) { const k = id.split('/')[0]; kinds[k] = (kinds[k] || 0) + 1; }
        const prims = viewer.scene.primitives;
        let points = 0;
        for (let i = 0; i < prims.length; i++) {
            if (prims.get(i) instanceof Cesium.PointPrimitiveCollection) points += prims.get(i).length;
        }
        return {kinds, points, shownMs: window.gd.shownMs, filesMs: window.gd.filesMs};
    }""")
    # the default scenario: five ICBMs by phase, SBI and GBI fly-outs, kills, 28 + 6 + 2,025 satellites (summary)
    kinds = scene["kinds"]
    assert kinds["object"] >= 5 and kinds["footprint"] == 34 and kinds["sbi"] >= 1 and kinds["interceptor"] >= 1
    assert kinds["event"] >= 1 and kinds["coverage"] >= 1 and kinds["battery"] >= 1
    assert scene["points"] == 2059
    assert "leakers" in page.inner_text("#summary") and "summary.json" in page.inner_text("#downloads")

    # the flights drawn whole: stop the clock late in the battle, let the imagery tiles load, then photograph
    page.evaluate("""() => {
        viewer.clock.shouldAnimate = false;
        viewer.clock.currentTime = Cesium.JulianDate.addSeconds(viewer.clock.startTime, 1000, new Cesium.JulianDate());
        viewer.scene.requestRender();
    }""")
    page.wait_for_function("viewer.scene.globe.tilesLoaded", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_timeout(500)
    shot = tmp_path / "globe.png"
    page.screenshot(path=str(shot))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTEFACTS / "globe.png")
    timing = {
        "shown_after_run_s (test clock)": round(shown_s, 2),
        "files_ready_after_run_ms": scene["filesMs"],
        "shown_after_run_ms": scene["shownMs"],
    }
    (ARTEFACTS / "globe-timing.json").write_text(json.dumps(timing, indent=1))
    print(f"\nthe default scenario on the globe: {timing}")

    # a small Monte Carlo study of the same scenario, with its charts
    page.fill("#trials", "3")
    page.click("#mc")
    page.wait_for_function("!document.querySelector('#study').hidden || window.gd.error", timeout=180_000)
    assert page.evaluate("window.gd.error") is None
    assert page.locator("#study svg.chart").count() == 3
    assert "P(no leaker)" in page.inner_text("#study")
    page.screenshot(path=str(ARTEFACTS / "globe-study.png"))
    assert f"token={TOKEN}" in page.get_attribute("#downloads a", "href")  # download links carry it

    # Cancel stops a long study (DELETE) after its current trial; the page says so. Clicked in the page's script:
    # Playwright's click waits for animation frames, seconds apart in software WebGL
    page.fill("#trials", "500")
    page.click("#mc")
    page.wait_for_function("!document.querySelector('#cancel').disabled", timeout=LOAD_TIMEOUT_MS)  # started
    page.evaluate("document.querySelector('#cancel').click()")
    page.wait_for_function("document.querySelector('#mc').disabled === false", timeout=LOAD_TIMEOUT_MS)
    assert "cancelled" in page.inner_text("#status"), page.inner_text("#status")
    assert page.evaluate("window.gd.error") is None

    # an uploaded scenario file is checked by /api/validate (a JSON body)
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    page.set_input_files("#upload", str(scenario))
    page.wait_for_selector("#validation .ok", timeout=LOAD_TIMEOUT_MS)
    assert "valid" in page.inner_text("#validation")

    assert not foreign, f"the page asked other hosts: {foreign[:5]}"
    assert not problems, "\n".join(problems)
    page.close()
