"""The JSON API (FastAPI, tested through httpx's TestClient): scenarios, validation with the CLI's messages, a run
as a background job with its results and CZML, and the limits (body size, unknown files, bad requests)."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from goldendome.server.app import MAX_BODY_BYTES, create_app

SMALL = """
name: api run
epoch: 2026-07-04T12:00:00Z
duration_min: 15
seed: 4
threats:
  - {name: M1, missile: mrbm-solid-2stage, launch: {lat_deg: 35.0, lon_deg: -130.0}, aim: {name: los-angeles}}
defence:
  tracks: truth
  latency_s: 0
  batteries:
    - {name: thaad-la, interceptor: thaad, site: {name: los-angeles}, launchers: 1}
"""


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(tmp_path)) as c:
        yield c


def test_scenarios_and_validation(client):
    names = {s["name"] for s in client.get("/api/scenarios").json()}
    assert {"default", "critique-salvo", "northern-approaches"} <= names
    ok = client.post("/api/validate", content=SMALL).json()
    assert ok["ok"] and ok["threats"] == 1
    bad = client.post("/api/validate", content=SMALL.replace("duration_min: 15", "duration_min: -5")).json()
    assert not bad["ok"] and any("duration_min" in e for e in bad["errors"])  # the CLI's 'field: what'
    assert client.post("/api/validate", content=b"x" * (MAX_BODY_BYTES + 1)).status_code == 413
    assert client.post("/api/validate?format=exe", content=SMALL).status_code == 422


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
