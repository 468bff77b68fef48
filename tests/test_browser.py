"""The globe page in a real browser: Debian's chromium driven by Playwright (software WebGL, no GPU, no network).

A real ``goldendome serve`` (a subprocess, on a free loopback port, results in tmp_path, given a token so that
every API call must carry it) serves the page, opened with the token in its address; the test presses Run on the
default scenario, waits for the scene on the globe (CZML entities, the satellites' points, the imagery tiles),
checks that the browser logged no error and asked nothing of any other host, saves a screenshot
(results/test-artefacts/globe.png), runs a small Monte Carlo study and checks its charts, then cancels a long study
and validates an uploaded scenario file.

At 1,280 x 720 and 1,920 x 1,080, a second test photographs the default scenario on the whole globe and zoomed on
Alaska, and china-raid's sites (its radars and batteries, uploaded with one threat so that it runs in seconds), and
checks in the page that no two site labels Cesium draws overlap on screen (their boxes as Cesium computes them from
the glyphs it drew), that the labels of close sites (Clear, Fort Greely) appear once zoomed in, and that the side
panel and its scenario picker fit the window with nothing spilling out of the panel
(results/test-artefacts/labels-*.png).

Needs /usr/bin/chromium, the ``playwright`` package (its own browsers are never downloaded) and the Cesium bundle
(``make web``); ``make test`` installs all three and sets GOLDENDOME_BROWSER_TEST=require, so there a missing piece
fails the test instead of skipping it. Launch flags as in ../shared/notes/globe-offline.md.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import httpx
import pytest
import yaml

from browser_case import ARTEFACTS, open_browser
from goldendome.scenario.loader import load_builtin, parse_scenario
from goldendome.server.app import CESIUM_DIR

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


def _no_cesium() -> str | None:
    return None if (CESIUM_DIR / "Cesium.js").is_file() else f"the Cesium bundle is missing in {CESIUM_DIR} (make web)"


@pytest.fixture(scope="module")
def browser():
    yield from open_browser(also=_no_cesium)


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


def _open(browser, server: str, viewport: dict):
    """A page on the globe with its problems (errors, failed requests) and requests to other hosts collected."""
    page = browser.new_page(viewport=viewport)
    problems, foreign = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else foreign.append(r.url))
    page.goto(f"{server}/?token={TOKEN}", timeout=LOAD_TIMEOUT_MS)  # Cesium.js is 5.6 MB; two busy cores
    page.wait_for_function("document.querySelectorAll('#scenario option').length > 0", timeout=LOAD_TIMEOUT_MS)
    return page, problems, foreign


def test_the_default_scenario_runs_and_shows_on_the_globe(browser, server, tmp_path):
    page, problems, foreign = _open(browser, server, VIEWPORT)
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


# -- site labels and the side panel at common window sizes ----------------------------------------------------------

SIZES = [(1280, 720), (1920, 1080)]

# Every label Cesium draws for the scene's entities with its screen box, measured by Cesium from the glyphs it drew
# (Label.getScreenSpaceBoundingBox, what its own entity clustering uses), and the pairs of boxes that overlap. Labels
# are counted wherever they lie on the canvas, in front of the Earth or behind it (the page draws site labels
# without the depth test, so one it failed to hide behind the Earth would show through).
LABEL_BOXES_JS = """() => {
    const sc = viewer.scene, width = sc.canvas.clientWidth, height = sc.canvas.clientHeight, boxes = [];
    for (let k = 0; k < viewer.dataSources.length; k++) {
        const labels = viewer.dataSources.get(k).clustering._labelCollection; // the entities' labels (Cesium 1.140)
        if (!labels) return null;
        for (let i = 0; i < labels.length; i++) {
            const label = labels.get(i);
            if (!label.show || !label.id || !label.id.isShowing) continue;
            const at = label.computeScreenSpacePosition(sc);
            if (!at) continue;
            const b = Cesium.Label.getScreenSpaceBoundingBox(label, at);
            if (b.x + b.width < 0 || b.y + b.height < 0 || b.x > width || b.y > height) continue; // off the canvas
            boxes.push({ text: label.text, x: b.x, y: b.y, w: b.width, h: b.height });
        }
    }
    const overlaps = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push([a, b]);
    }));
    return { boxes, overlaps };
}"""

# The side panel in the window, its scenario picker in the panel, and anything in the panel that spills out of it
# (the panel hides horizontal overflow, so a spill would be clipped, not scrolled).
PANEL_JS = """() => {
    const panel = document.querySelector("#panel"), picker = document.querySelector("#scenario");
    const p = panel.getBoundingClientRect(), s = picker.getBoundingClientRect();
    const spills = [...panel.querySelectorAll("*")].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > p.right + 0.5 || r.left < p.left - 0.5);
    }).map((e) => `${e.tagName.toLowerCase()}#${e.id} ${(e.textContent || "").slice(0, 40)}`);
    return {
        panel: { left: p.left, right: p.right, scrollWidth: panel.scrollWidth, clientWidth: panel.clientWidth },
        picker: { left: s.left, right: s.right, scrollWidth: picker.scrollWidth, clientWidth: picker.clientWidth,
                  title: picker.title, text: picker.selectedOptions[0].text },
        window: innerWidth, spills,
    };
}"""

SETTLED = "viewer.scene.globe.tilesLoaded && window.gd.labels.settled"


def china_raid_sites() -> str:
    """china-raid's radars, batteries and sensor layers as a scenario file with one threat and no SBI shell: the
    sites of china-raid on the globe in a run of seconds (the full raid takes minutes on two cores)."""
    d = yaml.safe_load(resources.files("goldendome.scenario").joinpath("builtin/china-raid.yaml").read_text())
    d["name"] = "china-raid's sites"
    d["duration_min"] = 20
    d["threats"] = [
        {
            "name": "HAN-LAX",
            "missile": "icbm-solid-3stage",
            "launch": {"name": "hanggin-banner-silo-field"},
            "aim": {"name": "los-angeles"},
        }
    ]
    d["constellations"] = [c for c in d["constellations"] if c["role"] != "interceptor"]
    return yaml.safe_dump(d, sort_keys=False)


def _run_shown(page) -> None:
    """Press Run, wait for the scene and the summary, then stop the clock 1,000 s in."""
    page.evaluate("document.querySelector('#run').click()")  # not page.click: it waits for animation frames
    page.wait_for_function("window.gd.loaded", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(
        "document.querySelector('#status').textContent.startsWith('done') || window.gd.error", timeout=LOAD_TIMEOUT_MS
    )
    assert page.evaluate("window.gd.error") is None
    page.evaluate("""() => {
        viewer.clock.shouldAnimate = false;
        viewer.clock.currentTime = Cesium.JulianDate.addSeconds(viewer.clock.startTime, 1000, new Cesium.JulianDate());
        viewer.scene.requestRender();
    }""")


def _look_at(page, lon_deg: float, lat_deg: float, height_m: float) -> None:
    """Point the camera straight down at a place; the labels count as unsettled until the page has placed them for
    this view and drawn them."""
    page.evaluate(
        """([lon, lat, h]) => {
        viewer.camera.setView({ destination: Cesium.Cartesian3.fromDegrees(lon, lat, h) });
        window.gd.labels.settled = false;
        viewer.scene.requestRender();
    }""",
        [lon_deg, lat_deg, height_m],
    )


def _labels_apart(page, shot: Path) -> list[str]:
    """Wait for the labels to settle, photograph the page (kept as an artefact), check that no two labels overlap;
    the texts of the labels drawn."""
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT_MS)
    page.screenshot(path=str(shot))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTEFACTS / shot.name)
    drawn = page.evaluate(LABEL_BOXES_JS)
    assert drawn is not None, "Cesium's label collection of a data source moved (clustering._labelCollection)"
    pairs = [f"{a['text']!r} {_box(a)} and {b['text']!r} {_box(b)}" for a, b in drawn["overlaps"]]
    assert not pairs, f"labels overlap in {shot.name}: " + "; ".join(pairs)
    texts = [b["text"] for b in drawn["boxes"]]
    # what Cesium drew is what the page placed, on the view photographed
    assert page.evaluate("window.gd.labels.settled ? window.gd.labels.shown : null") == len(texts), texts
    return texts


def _box(b: dict) -> str:
    return f"[{b['x']:.0f}, {b['y']:.0f}, {b['w']:.0f} x {b['h']:.0f}]"


def _panel_fits(page, when: str) -> None:
    f = page.evaluate(PANEL_JS)
    panel, picker = f["panel"], f["picker"]
    assert panel["right"] <= f["window"] + 0.5, f"{when}: the panel ends past the window: {f}"
    assert panel["scrollWidth"] <= panel["clientWidth"], f"{when}: the panel overflows sideways: {f}"
    assert picker["scrollWidth"] <= picker["clientWidth"], f"{when}: the picker overflows: {f}"
    assert panel["left"] <= picker["left"] and picker["right"] <= panel["right"], f"{when}: the picker leaves the panel"
    assert not f["spills"], f"{when}: spilling out of the panel: {f['spills']}"
    assert picker["title"].startswith(picker["text"]), f"{when}: the picker's tooltip is not its whole name: {f}"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_site_labels_never_overlap_and_the_panel_fits(browser, server, tmp_path, width, height):
    size = f"{width}x{height}"
    page, problems, foreign = _open(browser, server, {"width": width, "height": height})

    # the picker holds the longest scenario name in its panel, cut short with the whole name as its tooltip
    longest = page.evaluate("""() => {
        const s = document.querySelector("#scenario");
        const o = [...s.options].reduce((a, b) => (b.text.length > a.text.length ? b : a));
        s.value = o.value;
        s.dispatchEvent(new Event("change"));
        return o.text;
    }""")
    assert len(longest) > 60  # a name longer than the picker is wide at 1,280 px: the case to check
    _panel_fits(page, f"{size}, {longest!r} picked")
    page.select_option("#scenario", "default")

    # the default scenario on the whole globe: Clear's radars and Fort Greely a few pixels apart
    _run_shown(page)
    _panel_fits(page, f"{size}, the default scenario's summary")
    drawn = _labels_apart(page, tmp_path / f"labels-default-{size}.png")
    assert len(drawn) >= 3, drawn

    # zoomed on Alaska, the labels of Clear (its two radars, one label) and Fort Greely both show
    _look_at(page, -147.5, 62.5, 2.5e6)
    drawn = _labels_apart(page, tmp_path / f"labels-alaska-{size}.png")
    assert "uewr-clear\nlrdr-clear" in drawn and "greely (gbi)" in drawn, drawn

    # china-raid's nineteen sites: a THAAD and a PAC-3 battery in Washington, two batteries by Seattle, ...
    text = china_raid_sites()
    raid = load_builtin("china-raid")
    sites = parse_scenario(text)
    assert sites.radars == raid.radars and sites.defence == raid.defence  # the same sites as the raid
    scenario = tmp_path / "china-raid-sites.yaml"
    scenario.write_text(text)
    page.set_input_files("#upload", str(scenario))
    page.wait_for_selector("#validation .ok", timeout=LOAD_TIMEOUT_MS)
    _run_shown(page)
    _panel_fits(page, f"{size}, china-raid's sites")
    drawn = _labels_apart(page, tmp_path / f"labels-china-raid-{size}.png")
    assert len(drawn) >= 5, drawn
    assert "greely (gbi)\ngreely-ngi (ngi)" in drawn, drawn  # one base, one label

    # over North America: Seattle's two batteries 20 km apart, San Francisco, Los Angeles and Vandenberg
    _look_at(page, -110.0, 45.0, 9.0e6)
    drawn = _labels_apart(page, tmp_path / f"labels-north-america-{size}.png")
    assert len(drawn) >= 8 and "vandenberg (gbi)" in drawn, drawn

    assert not foreign, f"the page asked other hosts: {foreign[:5]}"
    assert not problems, "\n".join(problems)
    page.close()
