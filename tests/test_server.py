"""The JSON API (FastAPI, tested through httpx's TestClient): scenarios, validation with the CLI's messages, a run
and a Monte Carlo study as background jobs with their progress streams, results, CZML and reports, the page and its
static files, and the limits (body size, trials, the job queue, unknown files, paths out of the served folders)."""

import io
import json
import threading
import time

import numpy as np
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from goldendome.server.app import MAX_BODY_BYTES, MAX_JOBS, MAX_TRIALS, app_from_environment, create_app
from goldendome.server.jobs import Job
from server_case import SMALL


def test_scenarios_and_validation(client):
    names = {s["name"] for s in client.get("/api/scenarios").json()}
    assert {"default", "critique-salvo", "northern-approaches"} <= names
    ok = client.post("/api/validate", json={"text": SMALL}).json()
    assert ok["ok"] and ok["threats"] == 1
    bad = client.post("/api/validate", json={"text": SMALL.replace("duration_min: 15", "duration_min: -5")}).json()
    assert not bad["ok"] and any("duration_min" in e for e in bad["errors"])  # the CLI's 'field: what'
    assert client.post("/api/validate", json={"text": "x" * MAX_BODY_BYTES}).status_code == 413
    assert client.post("/api/validate", json={"text": SMALL, "format": "exe"}).status_code == 422


def test_a_run_goes_from_queued_to_done_with_its_results(client):
    r = client.post("/api/runs", json={"text": SMALL})
    assert r.status_code == 202
    run = r.json()["id"]
    for _ in range(600):
        state = client.get(f"/api/runs/{run}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state["state"] == "done", state
    summary = client.get(f"/api/runs/{run}/summary").json()
    assert summary["battle"]["lethal_objects"] == 1
    czml = json.loads(client.get(f"/api/runs/{run}/scene.czml").content)
    assert czml[0]["id"] == "document"
    assert client.get(f"/api/runs/{run}/files/events.parquet").status_code == 200
    assert client.get(f"/api/runs/{run}/files/..%2F..%2Fetc%2Fpasswd").status_code == 404  # only the run's files
    assert client.get("/api/runs/nope").status_code == 404


def test_bad_run_requests_are_plain_4xx(client):
    assert client.post("/api/runs", json={}).status_code == 422
    assert client.post("/api/runs", json={"builtin": "nope"}).status_code == 404
    r = client.post("/api/runs", json={"text": "name: x\nepoch: never\n"})
    assert r.status_code == 422 and "errors" in r.json()["detail"]


def _events(client, job_id: str) -> list[dict]:
    """The job's server-sent events, read to the end of the stream."""
    out = []
    with client.stream("GET", f"/api/runs/{job_id}/events") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line.removeprefix("data: ")))
    return out


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927, JASA 22:209), closed form."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return centre - half, centre + half


def test_a_run_streams_its_progress_and_serves_its_report(client):
    run = client.post("/api/runs", json={"text": SMALL}).json()["id"]
    events = _events(client, run)
    assert events[-1]["state"] == "done", events[-1]
    assert all(e["state"] != "done" for e in events[:-1])  # the stream ends with the final state
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress) and progress[-1] == 1.0
    files = events[-1]["files"]
    assert {"globe.czml", "satellites.json", "satellites.bin", "scene.czml", "report.html"} <= set(files)
    report = client.get(f"/api/runs/{run}/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "<html" in report.text.lower()
    globe = json.loads(client.get(f"/api/runs/{run}/files/globe.czml").content)
    assert globe[0]["id"] == "document" and any(p["id"].startswith("object/") for p in globe)
    meta = client.get(f"/api/runs/{run}/files/satellites.json").json()
    size = len(client.get(f"/api/runs/{run}/files/satellites.bin").content)
    assert size == 4 * meta["shape"][0] * meta["shape"][1] * meta["shape"][2]  # float32 (T, S, 3)
    assert client.get("/api/runs/nope/events").status_code == 404


def test_a_monte_carlo_study_runs_as_a_job_with_its_statistics_and_report(client, monkeypatch):
    # every stage the job passes through (the stream samples them every EVENTS_POLL_S and may skip a fast trial)
    stages = []
    update = Job.update

    def recording(self, **changes):
        stages.append(changes.get("stage"))
        update(self, **changes)

    monkeypatch.setattr(Job, "update", recording)
    r = client.post("/api/studies", json={"text": SMALL, "trials": 3})
    assert r.status_code == 202 and r.json()["kind"] == "study"
    study = r.json()["id"]
    events = _events(client, study)
    final = events[-1]
    assert final["state"] == "done", final
    assert [s for s in stages if s and s.endswith("/3 trials")] == [f"{k}/3 trials" for k in range(4)]
    assert {"trials.parquet", "events.parquet", "stats.json", "report.html", "study.json"} <= set(final["files"])
    stats = client.get(f"/api/runs/{study}/files/stats.json").json()
    assert stats["trials"] == 3 and sum(b["trials"] for b in stats["leakers_histogram"]) == 3
    k = stats["zero_leak_trials"]
    assert stats["p_zero"] == pytest.approx(k / 3)
    assert stats["p_zero_ci"] == pytest.approx(_wilson(k, 3), abs=1e-9)
    assert all(row["rounds"] >= row["kills"] + row["misses"] for row in stats["layers"])  # a round kills or misses
    trials = client.get(f"/api/runs/{study}/files/trials.parquet")
    assert pq.read_table(io.BytesIO(trials.content)).num_rows == 3
    report = client.get(f"/api/runs/{study}/report.html")
    assert report.status_code == 200 and "Monte Carlo" in report.text
    assert client.get(f"/api/runs/{study}/files/scene.czml").status_code == 404  # not a study's file


def test_study_limits_are_plain_4xx(client):
    assert client.post("/api/studies", json={"builtin": "default", "trials": MAX_TRIALS + 1}).status_code == 422
    assert client.post("/api/studies", json={"builtin": "default", "trials": 0}).status_code == 422
    undefended = SMALL.split("defence:")[0]
    r = client.post("/api/studies", json={"text": undefended, "trials": 2})
    assert r.status_code == 422 and "defence" in r.json()["detail"]


def test_the_job_queue_is_bounded_and_unfinished_files_are_not_served(tmp_path, monkeypatch):
    import goldendome.server.app as server

    release = threading.Event()

    def held(job, *args):  # a job that waits to be released, so that the queue fills up
        job.update(state="running", stage="held")
        release.wait(30)
        job.update(state="done", progress=1.0)

    monkeypatch.setattr(server, "run_job", held)
    with TestClient(server.create_app(tmp_path)) as c:
        ids = [c.post("/api/runs", json={"builtin": "default"}).json()["id"] for _ in range(MAX_JOBS)]
        over = c.post("/api/runs", json={"builtin": "default"})
        assert over.status_code == 429 and "limit" in over.json()["detail"]
        assert c.post("/api/studies", json={"builtin": "default", "trials": 2}).status_code == 429
        r = c.get(f"/api/runs/{ids[0]}/files/summary.json")
        assert r.status_code == 409 and "not written yet" in r.json()["detail"]
        release.set()


@pytest.fixture()
def site(tmp_path):
    """An app with a stand-in Cesium bundle, and a secret beside it that must stay unreachable."""
    cesium = tmp_path / "static" / "cesium"
    (cesium / "Widgets").mkdir(parents=True)
    (cesium / "Cesium.js").write_text("// stand-in")
    (cesium / "Widgets" / "widgets.css").write_text("/* stand-in */")
    (tmp_path / "static" / "secret.txt").write_text("secret")
    (cesium / "link").symlink_to(tmp_path / "static" / "secret.txt")
    with TestClient(create_app(tmp_path / "results", cesium_dir=cesium)) as c:
        yield c


def test_the_page_and_cesium_are_served_and_nothing_beside_them(site):
    page = site.get("/")
    assert page.status_code == 200 and "/cesium/Cesium.js" in page.text
    assert site.get("/app.js").status_code == 200 and site.get("/favicon.ico").status_code == 200
    assert site.get("/cesium/Cesium.js").text == "// stand-in"
    assert site.get("/cesium/Widgets/widgets.css").status_code == 200
    for path in (
        "/cesium/..%2Fsecret.txt",
        "/cesium/%2e%2e/secret.txt",
        "/cesium/..%2F..%2F..%2Fetc%2Fpasswd",
        "/cesium/link",
        "/cesium//etc/passwd",
        "/..%2Fpyproject.toml",
        "/static/app.js",
    ):
        r = site.get(path)
        assert r.status_code == 404 and "secret" not in r.text, path
    for name in ("..%2Fsummary.json", "%2Fetc%2Fpasswd", "..", "summary.json%00"):
        assert site.get(f"/api/runs/nope/files/{name}").status_code == 404


def test_without_the_cesium_bundle_the_page_says_how_to_build_it(tmp_path):
    with TestClient(create_app(tmp_path, cesium_dir=tmp_path / "none")) as c:
        r = c.get("/")
        assert r.status_code == 503 and "make web" in r.text
        assert c.get("/api/version").json()["globe"] is False
        assert c.get("/docs").status_code == 200 and c.get("/openapi.json").status_code == 200


def test_footprint_and_coverage_angles_match_their_closed_forms():
    from goldendome.io.globe import coverage_angle_rad, footprint_angle_rad
    from goldendome.physics.constants import R_EARTH_MEAN_M as R

    one_m = 1.0 / R  # a metre along the ground, as an Earth central angle
    r_leo = R + 1000e3
    # a cone wider than the Earth's disc sees to the horizon, acos(R / r)
    assert footprint_angle_rad(r_leo, np.radians(80.0), 1e9) == pytest.approx(np.arccos(R / r_leo), abs=one_m)
    # a narrow cone sees a flat-Earth disc of radius h tan(alpha)
    h, alpha = 1000e3, np.radians(0.5)
    assert R * footprint_angle_rad(r_leo, alpha, 1e9) == pytest.approx(h * np.tan(alpha), rel=1e-3)  # curvature
    # a range limit shorter than the altitude sees nothing
    assert footprint_angle_rad(r_leo, np.radians(60.0), 900e3) == 0.0
    # a radar with unlimited range sees a target at h down to the horizon: acos(R / (R + h)) at zero elevation
    assert coverage_angle_rad(1e9, 0.0, 500e3) == pytest.approx(np.arccos(R / (R + 500e3)), abs=one_m)
    # range-limited: the slant range back from the angle (law of cosines) is the radar's range
    psi, rt = coverage_angle_rad(1500e3, 0.0, 500e3), R + 500e3
    assert np.sqrt(R**2 + rt**2 - 2 * R * rt * np.cos(psi)) == pytest.approx(1500e3, abs=1.0)
    assert coverage_angle_rad(400e3, 0.0, 500e3) == 0.0


def test_a_loopback_server_answers_loopback_host_names_only(tmp_path, monkeypatch):
    # DNS rebinding: a page on evil.example that resolves its name to 127.0.0.1 sends Host: evil.example
    monkeypatch.setenv("GOLDENDOME_RESULTS", str(tmp_path))
    monkeypatch.setenv("GOLDENDOME_HOST", "127.0.0.1")
    monkeypatch.setenv("GOLDENDOME_WARM", "0")
    with TestClient(app_from_environment()) as c:
        assert c.get("/api/version").status_code == 200  # the test client's Host: testserver
        assert c.get("/api/version", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/api/version", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/api/version", headers={"host": "evil.example"}).status_code == 400
    monkeypatch.setenv("GOLDENDOME_HOST", "0.0.0.0")  # told to serve other machines: any name they use
    with TestClient(app_from_environment()) as c:
        assert c.get("/", headers={"host": "gd.lab.example"}).status_code in (200, 503)  # with or without Cesium
        assert c.get("/api/version", headers={"host": "gd.lab.example"}).status_code == 401  # and its token
