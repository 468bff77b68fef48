"""Nothing is lost across restarts (issue 19, finding 9): every job is recorded in its folder (job.json beside its
scenario.json) from the moment it is queued; a server created again on the same results folder lists the jobs,
serves their state and files as before, fails the runs its predecessor left running and resumes its unfinished
studies, which end identical to uninterrupted ones; folders that are not a job's are skipped; and the retention
limits delete the oldest finished jobs, never an active one."""

import io
import json
import logging
import re
import threading
import time
import uuid

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import goldendome.server.app as server
from goldendome.engine import store
from goldendome.engine.store import connect
from goldendome.engine.study import run_battle_study
from goldendome.scenario.loader import parse_scenario
from goldendome.server.app import create_app
from goldendome.server.jobs import INTERRUPTED, JOB_FILE, SERVER_STOPPED, Job, folder_bytes, open_job, to_retire
from server_case import SMALL

WALL_TIME_COLUMNS = ["battle_s"]  # a trial's time on the clock: the one figure a rerun does not repeat


def _until(client, job_id: str, timeout_s: float = 120.0) -> dict:
    """The job's state once it has ended (polled)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        state = client.get(f"/api/runs/{job_id}").json()
        if state["state"] in ("done", "failed", "cancelled"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {state['state']} ({state['stage']}) after {timeout_s} s")


def _recorded(results, kind: str, state: str, **fields) -> Job:
    """A job of SMALL as a server would have left it on disk: its folder, scenario.json and a job.json in state."""
    job = Job(uuid.uuid4().hex[:12], kind, "api run", **fields)
    open_job(job, parse_scenario(SMALL, source="<test>"), results)
    job.update(state=state)
    return job


def test_a_finished_run_is_listed_and_served_as_before_by_the_next_server(tmp_path):
    with TestClient(create_app(tmp_path)) as c:
        run = c.post("/api/runs", json={"text": SMALL}).json()["id"]
        assert (tmp_path / "runs" / run / "scenario.json").is_file()  # the request, on disk from the start
        before = _until(c, run)
        assert before["state"] == "done", before
        summary = c.get(f"/api/runs/{run}/summary").content
        events = c.get(f"/api/runs/{run}/files/events.parquet").content
    record = json.loads((tmp_path / "runs" / run / JOB_FILE).read_text())
    assert record["state"] == "done" and record["files"] == before["files"]
    assert "lock" not in record and "stop" not in record
    with TestClient(create_app(tmp_path)) as c:
        assert c.get("/api/runs").json() == [before]  # elapsed_s too: the recorded start and end
        assert c.get(f"/api/runs/{run}").json() == before
        assert c.get(f"/api/runs/{run}/summary").content == summary
        assert c.get(f"/api/runs/{run}/files/events.parquet").content == events
        assert c.get(f"/api/runs/{run}/report.html").status_code == 200
        assert c.get(f"/api/runs/{run}/files/{JOB_FILE}").status_code == 404  # the record is not a results file
        assert c.delete(f"/api/runs/{run}").status_code == 409  # ended


def test_a_run_left_running_fails_as_interrupted_and_a_user_cancelled_study_stays_cancelled(tmp_path):
    run = _recorded(tmp_path, "run", "running")
    queued = _recorded(tmp_path, "run", "queued")
    stopped = _recorded(tmp_path, "run", "queued")
    stopped.cancel(SERVER_STOPPED)  # a run the stopping server cancelled stays cancelled
    study = _recorded(tmp_path, "study", "running", trials=2)
    study.cancel("cancelled on request")
    study.update(state="cancelled")
    with TestClient(create_app(tmp_path)) as c:
        for job in (run, queued):
            state = c.get(f"/api/runs/{job.id}").json()
            assert state["state"] == "failed" and state["error"] == INTERRUPTED
        assert c.get(f"/api/runs/{stopped.id}").json()["state"] == "cancelled"
        assert c.get(f"/api/runs/{study.id}").json()["stage"] == "cancelled on request"  # not resumed
    assert json.loads((tmp_path / "runs" / run.id / JOB_FILE).read_text())["error"] == INTERRUPTED  # recorded


def _trials(con) -> tuple:
    """A study's trials (less the wall times) and events tables, in trial order."""
    trials = con.execute("SELECT * FROM trials ORDER BY trial").df().drop(columns=WALL_TIME_COLUMNS)
    events = con.execute("SELECT * FROM events ORDER BY trial, t_s, object, event").df()
    return trials, events


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """A study of SMALL, three trials run without a break: its trials and events tables."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    assert run_battle_study(parse_scenario(SMALL, source="<test>"), 3, folder).completed == 3
    return _trials(connect(folder))


@pytest.mark.parametrize("how", ["killed", "stopped"])
def test_an_interrupted_study_is_resumed_and_ends_as_an_uninterrupted_one(tmp_path, how, uninterrupted):
    # killed: its job.json still says running; stopped (one Ctrl-C): the stopping server cancelled it
    job = _recorded(tmp_path, "study", "running", trials=3)
    run_battle_study(parse_scenario(SMALL, source="<test>"), 1, job.folder)  # the trial finished before the end
    kept = job.folder / store.DONE_DIR / f"{store.trial_stem(0)}.json"
    written = kept.stat().st_mtime_ns
    if how == "stopped":
        job.cancel(SERVER_STOPPED)
        job.update(state="cancelled")
    with TestClient(create_app(tmp_path)) as c:
        final = _until(c, job.id)
        assert final["state"] == "done", final
        table = pq.read_table(io.BytesIO(c.get(f"/api/runs/{job.id}/files/trials.parquet").content))
    assert table.num_rows == 3
    assert kept.stat().st_mtime_ns == written  # resumed: the finished trial was kept, not run again
    trials, events = _trials(connect(job.folder))
    assert trials.equals(uninterrupted[0]) and events.equals(uninterrupted[1])
    assert table.to_pandas().drop(columns=WALL_TIME_COLUMNS).equals(uninterrupted[0])  # the file served
    record = json.loads((job.folder / JOB_FILE).read_text())
    assert record["state"] == "done" and record["crashes"] == (1 if how == "killed" else 0)


def test_a_study_that_took_down_three_servers_is_not_resumed_again(tmp_path):
    job = _recorded(tmp_path, "study", "running", trials=2, crashes=2)
    with TestClient(create_app(tmp_path)) as c:
        state = c.get(f"/api/runs/{job.id}").json()
    assert state["state"] == "failed" and "3 times" in state["error"] and "goldendome mc" in state["error"]


def test_folders_that_are_not_a_jobs_are_skipped_with_a_warning(tmp_path, caplog):
    good = _recorded(tmp_path, "run", "done")
    runs = tmp_path / "runs"

    def folder(name: str, record: str | None) -> None:
        (runs / name).mkdir()
        if record is not None:
            (runs / name / JOB_FILE).write_text(record)

    valid = json.loads((good.folder / JOB_FILE).read_text())
    folder("0123456789ab", '{"id": "0123456789ab", "kind": "run", "sta')  # cut short
    folder("123456789abc", None)  # no record
    folder("23456789abcd", json.dumps({**valid, "id": "23456789abcd", "created": "yesterday"}))  # a wrong type
    folder("3456789abcde", json.dumps({**valid, "id": "3456789abcde"}).replace('"created": ', '"created": NaN, "x": '))
    folder("456789abcdef", json.dumps({**valid, "id": "../../../etc"}))  # an id that is a path
    folder("56789abcdef0", json.dumps({**valid, "id": "56789abcdef0", "kind": "study"}))  # a study among runs
    folder("ABCDEF012345", json.dumps({**valid, "id": "ABCDEF012345"}))  # not a uuid's hex digits
    folder("..%2F..%2Fetc", json.dumps({**valid, "id": "..%2F..%2Fetc"}))
    (runs / "6789abcdef01").symlink_to(good.folder)  # a link to another job's folder
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "notes.txt").write_text("not a job")
    with caplog.at_level(logging.WARNING, logger="goldendome.server.jobs"):
        with TestClient(create_app(tmp_path)) as c:
            assert [j["id"] for j in c.get("/api/runs").json()] == [good.id]
            assert c.get("/api/runs/456789abcdef").status_code == 404
    skipped = {re.search(r"skipped \S*/(\S+):", r.getMessage()).group(1) for r in caplog.records}
    assert skipped == {
        "0123456789ab",
        "123456789abc",
        "23456789abcd",
        "3456789abcde",
        "456789abcdef",
        "56789abcdef0",
        "ABCDEF012345",
        "..%2F..%2Fetc",
        "6789abcdef01",
        "notes.txt",
    }
    assert (runs / "0123456789ab").is_dir()  # left as it is


def _finished(results, size_bytes: int, finished: float) -> Job:
    """A finished run recorded on disk, its folder holding about size_bytes."""
    job = _recorded(results, "run", "done", finished=finished)
    job.write("summary.json", b" " * size_bytes)
    return job


def test_retention_deletes_the_oldest_finished_jobs_and_never_an_active_one(tmp_path, monkeypatch):
    old = [_finished(tmp_path, 1000, finished=1e9 + k) for k in range(3)]
    release = threading.Event()

    def held(job, scn, results_dir):  # a run that ends when released
        job.update(state="running", started=time.time())
        release.wait(30)
        job.update(state="done", progress=1.0, finished=time.time())

    monkeypatch.setattr(server, "run_job", held)
    with TestClient(create_app(tmp_path, keep_jobs=1)) as c:
        assert len(c.get("/api/runs").json()) == 3  # nothing is deleted before a job ends
        first = c.post("/api/runs", json={"builtin": "default"}).json()["id"]
        second = c.post("/api/runs", json={"builtin": "default"}).json()["id"]  # queued behind it
        release.set()
        for _ in range(200):
            listed = [j["id"] for j in c.get("/api/runs").json()]
            if listed == [second] and c.get(f"/api/runs/{second}").json()["state"] == "done":
                break
            time.sleep(0.05)
        # the first run's end deleted the three old ones (second still queued: kept), the second's end the first
        assert listed == [second], listed
        assert c.get(f"/api/runs/{first}").status_code == 404
    assert [p.name for p in (tmp_path / "runs").iterdir()] == [second]
    assert all(not j.folder.exists() for j in old)


def test_retention_by_bytes_keeps_the_newest_finished_and_the_active_jobs(tmp_path):
    one_mb = 1_000_000
    old, middle, newest = (_finished(tmp_path, one_mb, finished=1e9 + k) for k in range(3))
    active = _recorded(tmp_path, "study", "running", trials=2)
    jobs = [old, middle, newest, active]
    total = sum(folder_bytes(j.folder) for j in jobs)
    assert to_retire(jobs, keep_bytes=total, keep_jobs=None) == []  # they fit
    assert to_retire(jobs, keep_bytes=total - 1, keep_jobs=None) == [old]  # one byte over: the oldest goes
    assert to_retire(jobs, keep_bytes=int(1.5 * one_mb), keep_jobs=None) == [old, middle]  # down to the newest's MB
    assert to_retire([old, middle, newest, active], keep_bytes=None, keep_jobs=None) == []
    assert to_retire([newest, active], keep_bytes=0, keep_jobs=0) == []  # the newest finished is kept


def test_serve_help_states_the_retention_rule():
    from goldendome.cli.main import app

    output = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", output).split())
    for fact in (
        "--keep-gib",
        "--keep-jobs",
        f"default {server.KEEP_BYTES / 2**30:g}",
        "oldest finished jobs' folders are deleted",
        "never deleted",
        "7.3 MB",
        "resumes its unfinished studies",
        INTERRUPTED,
    ):
        assert fact in text, fact


def test_the_retention_limits_are_shown(tmp_path):
    with TestClient(create_app(tmp_path, keep_jobs=7)) as c:
        assert c.get("/api/version").json()["keep_jobs"] == 7
        assert c.get("/api/version").json()["keep_bytes"] == server.KEEP_BYTES
