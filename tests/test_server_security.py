"""The server refuses what it should (issue 19, findings 2-4): cross-origin posts, plain-text bodies, requests
without the token of a server listening beyond loopback, bodies past the limit (cut while they stream); and it
stops work it was asked to stop: DELETE cancels a queued or running job, a job fails at its time limit, and one
SIGINT stops a real ``goldendome serve`` within seconds, leaving its study's finished trials on disk."""

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import goldendome.engine.trial as trial
import goldendome.server.app as server
from goldendome.engine import store
from goldendome.engine.study import run_battle_study, study_scenario
from goldendome.server.app import MAX_BODY_BYTES, MAX_JOBS, MAX_TRIALS, create_app, serve_app
from server_case import SMALL


def _until(client, job_id: str, states=("done", "failed", "cancelled"), timeout_s: float = 60.0) -> dict:
    """The job's state once it is in one of states (polled)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        state = client.get(f"/api/runs/{job_id}").json()
        if state["state"] in states:
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {state['state']} ({state['stage']}) after {timeout_s} s")


# -- cross-origin requests and bodies ---------------------------------------------------------------------------------


def test_a_text_plain_post_is_refused_with_415(client):
    # the "simple" request a page on any site may send without a preflight
    for path in ("/api/runs", "/api/studies", "/api/validate"):
        r = client.post(path, content=json.dumps({"builtin": "default"}), headers={"content-type": "text/plain"})
        assert r.status_code == 415 and "application/json" in r.json()["detail"], path
    form = client.post("/api/runs", data={"builtin": "default"})  # an HTML form
    assert form.status_code == 415
    assert client.get("/api/runs").json() == []  # nothing started


def test_a_post_from_another_origin_is_refused_with_403(client):
    evil = {"origin": "http://evil.example"}
    r = client.post("/api/runs", json={"builtin": "default"}, headers=evil)
    assert r.status_code == 403 and "evil.example" in r.json()["detail"]
    assert client.post("/api/runs", json={"builtin": "default"}, headers={"origin": "null"}).status_code == 403
    referer = {"referer": "http://evil.example/page.html"}  # no Origin: the Referer's origin counts
    assert client.post("/api/runs", json={"builtin": "default"}, headers=referer).status_code == 403
    other_port = {"origin": "http://testserver:8001"}  # another port is another origin
    assert client.post("/api/runs", json={"builtin": "default"}, headers=other_port).status_code == 403
    assert client.delete("/api/runs/nope", headers=evil).status_code == 403
    assert client.get("/api/runs").json() == []
    # reading is allowed, but no CORS header lets the other page see the answer, and its preflight is refused
    read = client.get("/api/version", headers=evil)
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
    preflight = client.options(
        "/api/runs", headers={**evil, "access-control-request-method": "POST", "access-control-request-headers": "x"}
    )
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers


def test_a_same_origin_post_is_accepted(client):
    own = {"origin": "http://testserver", "referer": "http://testserver/"}  # the page's own fetch
    r = client.post("/api/validate", json={"text": SMALL}, headers=own)
    assert r.status_code == 200 and r.json()["ok"]
    explicit_port = {"origin": "http://testserver:80"}  # the default port written out is the same origin
    assert client.post("/api/validate", json={"text": SMALL}, headers=explicit_port).status_code == 200
    assert client.post("/api/validate", json={"text": SMALL}).status_code == 200  # curl, the CLI: no Origin


def _chunked_upload(app, chunks: int, chunk_bytes: int, headers: dict | None = None) -> tuple[int, int]:
    """POST chunks of chunk_bytes to /api/runs through the ASGI app, as a stream with no Content-Length (chunked);
    returns the status and the number of chunks the server pulled."""
    pulled = 0

    async def body():
        nonlocal pulled
        for _ in range(chunks):
            pulled += 1
            yield b"x" * chunk_bytes

    async def post():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            r = await c.post(
                "/api/runs", content=body(), headers={"content-type": "application/json", **(headers or {})}
            )
            return r.status_code

    return asyncio.run(post()), pulled


def test_a_chunked_upload_is_cut_at_the_limit_as_it_streams(tmp_path):
    chunk = 4_000
    chunks = 400_000 // chunk  # 400 kB, over MAX_BODY_BYTES
    status, pulled = _chunked_upload(create_app(tmp_path), chunks, chunk)
    assert status == 413
    assert pulled == MAX_BODY_BYTES // chunk + 1  # stopped at the chunk that passed the limit
    assert pulled < chunks
    # a declared Content-Length over the limit is refused before a byte is read
    status, pulled = _chunked_upload(create_app(tmp_path), chunks, chunk, {"content-length": str(chunks * chunk)})
    assert status == 413 and pulled == 0


# -- the token beyond loopback ----------------------------------------------------------------------------------------


def test_a_server_beyond_loopback_needs_its_token(tmp_path):
    app = serve_app(tmp_path, host="0.0.0.0", warm=False)
    token = app.state.token
    assert len(token) == 32  # secrets.token_urlsafe(24): 24 bytes in URL-safe base64
    with TestClient(app) as c:
        r = c.get("/api/runs")
        assert r.status_code == 401 and "token" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
        assert c.post("/api/runs", json={"builtin": "default"}).status_code == 401
        assert c.get("/api/runs", headers={"authorization": f"Bearer {token}"}).json() == []
        assert c.get(f"/api/runs?token={token}").json() == []  # event streams and download links
        assert c.get("/api/runs", headers={"authorization": f"Bearer {token[:-1]}x"}).status_code == 401
        assert c.get("/api/runs?token=guess").status_code == 401
        assert c.get("/api/runs", headers={"authorization": f"Basic {token}"}).status_code == 401
        assert c.get("/").status_code in (200, 503)  # the page loads without it (503: no Cesium bundle here)
        assert c.get("/app.js").status_code == 200
    assert serve_app(tmp_path, host="0.0.0.0", warm=False).state.token != token  # a new one each start


def test_a_loopback_server_needs_a_token_only_when_given_one(tmp_path):
    with TestClient(serve_app(tmp_path, warm=False)) as c:
        assert c.app.state.token is None and c.get("/api/runs").status_code == 200
    given = "a-token-of-twenty-chars"
    with TestClient(serve_app(tmp_path, warm=False, token=given)) as c:
        assert c.get("/api/runs").status_code == 401
        assert c.get("/api/runs", headers={"authorization": f"Bearer {given}"}).status_code == 200
        assert c.get("/api/version", headers={"host": "evil.example"}).status_code == 400  # and its Host check
    with pytest.raises(ValueError, match="at least 16"):
        serve_app(tmp_path, host="0.0.0.0", token="short")


def test_serve_help_states_every_limit_and_the_token_rule():
    from goldendome.cli.main import app

    output = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", output).split())  # the words, without the option table's frame
    for fact in (
        f"{MAX_BODY_BYTES:,} bytes",
        f"at most {MAX_JOBS} jobs",
        f"at most {MAX_TRIALS:,} trials",
        f"{server.MIN_TOKEN_CHARS} characters",
        f"after {server.SHUTDOWN_GRACE_S:g} s",
        f"{server.RUN_TIME_LIMIT_S:g} for a run",
        f"{server.STUDY_TIME_LIMIT_S:g} for a study",
        "?token=",
        "Bearer",
        "--token-file",
    ):
        assert fact in text, fact


# -- cancel and time limits -------------------------------------------------------------------------------------------


@pytest.fixture()
def slow_trial(monkeypatch):
    """run_trial as a flight that reports progress every 10 ms until released (or 30 s): a run that can only stop
    through its progress callback. Yields the release event."""
    release = threading.Event()

    def flight(scn, base_dir=None, progress=None, battle=True):
        while not release.wait(0.01):
            progress("flying", 0.5)
        raise RuntimeError("released")

    monkeypatch.setattr(trial, "run_trial", flight)
    yield release
    release.set()


def test_delete_cancels_a_running_run_and_a_queued_one(tmp_path, slow_trial):
    with TestClient(create_app(tmp_path)) as c:
        running = c.post("/api/runs", json={"builtin": "default"}).json()["id"]
        _until(c, running, ("running",))
        queued = c.post("/api/runs", json={"builtin": "default"}).json()["id"]
        r = c.delete(f"/api/runs/{queued}")
        assert r.status_code == 202 and r.json()["state"] == "cancelled"  # at once
        assert c.delete(f"/api/runs/{queued}").status_code == 409  # already ended
        assert c.delete("/api/runs/nope").status_code == 404
        assert c.delete(f"/api/runs/{running}").status_code == 202
        state = _until(c, running, timeout_s=5.0)
        assert state["state"] == "cancelled" and state["stage"] == "cancelled on request"
        assert c.get(f"/api/runs/{queued}").json()["elapsed_s"] == 0.0  # never started
        record = json.loads((tmp_path / "runs" / queued / "job.json").read_text())
        assert record["state"] == "cancelled" and not record["files"]  # recorded, and nothing else written
        assert sorted(p.name for p in (tmp_path / "runs" / queued).iterdir()) == ["job.json", "scenario.json"]
        # the queue counts neither
        ids = [c.post("/api/runs", json={"builtin": "default"}).json().get("id") for _ in range(MAX_JOBS)]
        assert all(ids)


def test_a_real_run_is_cancelled_at_its_next_progress_report(client):
    run = client.post("/api/runs", json={"builtin": "default"}).json()["id"]
    _until(client, run, ("running",))
    assert client.delete(f"/api/runs/{run}").status_code == 202
    state = _until(client, run, timeout_s=30.0)
    assert state["state"] == "cancelled", state
    stream = client.get(f"/api/runs/{run}/events").text.splitlines()
    events = [json.loads(line.removeprefix("data: ")) for line in stream if line.startswith("data: ")]
    assert events[-1]["state"] == "cancelled"  # the stream ends on it


def test_a_job_fails_at_its_time_limit(tmp_path, slow_trial):
    with TestClient(create_app(tmp_path, run_time_limit_s=0.3)) as c:
        run = c.post("/api/runs", json={"builtin": "default"}).json()["id"]
        state = _until(c, run, timeout_s=10.0)
        assert state["state"] == "failed" and state["error"] == "time limit of 0.3 s reached"
        assert 0.3 <= state["elapsed_s"] < 2.0
        assert c.get("/api/version").json()["run_time_limit_s"] == 0.3


def _first_trial_done(get, url: str, timeout_s: float = 120.0) -> None:
    """Wait until the study at url (GET with get) has finished a trial."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        state = get(url).json()
        assert state["state"] in ("queued", "running"), state
        if state["stage"][0].isdigit() and not state["stage"].startswith("0/"):
            return
        time.sleep(0.05)
    raise AssertionError(f"no trial finished in {timeout_s} s: {state}")


def test_a_cancelled_study_keeps_its_finished_trials_and_resumes(client, tmp_path):
    study = client.post("/api/studies", json={"text": SMALL, "trials": MAX_TRIALS}).json()["id"]
    _first_trial_done(client.get, f"/api/runs/{study}")
    assert client.delete(f"/api/runs/{study}").status_code == 202
    state = _until(client, study)
    assert state["state"] == "cancelled", state
    folder = tmp_path / "studies" / study
    finished = store.scan(folder).finished
    assert finished and len(finished) < MAX_TRIALS
    # resumable: one more trial runs, the finished ones are kept
    summary = run_battle_study(study_scenario(folder), len(finished) + 1, folder)
    assert summary.skipped == len(finished) and summary.completed == 1 and summary.failed == 0


# -- one Ctrl-C -------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _follow(url: str) -> None:
    """A page following a job: its event stream, open until the server ends or closes it."""
    try:
        httpx.get(url, timeout=60)
    except httpx.HTTPError:  # closed mid-stream by the stopping server
        pass


@pytest.mark.slow
def test_one_sigint_stops_a_real_server_and_leaves_the_study_resumable(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    cmd = [sys.executable, "-m", "goldendome.cli.main", "serve", "--port", str(port), "--results", str(tmp_path)]
    proc = subprocess.Popen([*cmd, "--no-warm"], stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/api/version", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        study = httpx.post(f"{base}/api/studies", json={"text": SMALL, "trials": MAX_TRIALS}).json()["id"]
        threading.Thread(target=_follow, args=(f"{base}/api/runs/{study}/events",), daemon=True).start()
        _first_trial_done(httpx.get, f"{base}/api/runs/{study}")
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        stopped_s = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    assert stopped_s < 20
    finished = store.scan(tmp_path / "studies" / study).finished
    assert 0 < len(finished) < MAX_TRIALS, (tmp_path / "server.log").read_text()
    assert "Traceback" not in (tmp_path / "server.log").read_text()
