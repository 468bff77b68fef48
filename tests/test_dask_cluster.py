"""A Monte Carlo study on a real dask cluster on loopback (issue 19, deliverable 4): a ``dask scheduler`` and two
``dask worker`` processes, one killed (SIGKILL, nanny and worker at once) once some trials are stored. The study
ends -- dask reschedules the dead worker's trials, or the command reports them failed and the same command finishes
them -- with tables identical to an uninterrupted study of the same seed run in this process: trial i's numbers
depend on (scenario, root seed, i) only, never on where or how often it ran.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from goldendome.api import connect, load_scenario, run_battle_study
from goldendome.engine.store import finished_trials
from server_case import SMALL_BATTLE

BIN = Path(sys.executable).parent
TRIALS = 30
WAIT_S = 180.0
"""Longest wait for a process to start or a command to end (imports and first flights on 2 busy cores)."""
TIMING_COLUMNS = {"battle_s"}
"""Wall times, which differ from run to run; every other column must be identical."""

pytestmark = pytest.mark.skipif(not (BIN / "dask").exists(), reason="the dask command line is not installed")


def free_port() -> int:
    """A TCP port free on loopback now (the kernel picks it; the scheduler binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, ready, procs: list[subprocess.Popen]) -> None:
    """Poll ``ready()`` until true; fail after WAIT_S, or as soon as one of ``procs`` has exited."""
    deadline = time.monotonic() + WAIT_S
    while not ready():
        dead = [p.args for p in procs if p.poll() is not None]
        assert not dead, f"exited while waiting for {what}: {dead}"
        assert time.monotonic() < deadline, f"no {what} in {WAIT_S} s"
        time.sleep(0.05)


@contextlib.contextmanager
def started(args: list, log: Path) -> Iterator[subprocess.Popen]:
    """A process in its own session (so its children can be killed with it), output to ``log``; on leaving, its
    whole process group is killed and reaped."""
    with open(log, "w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def cluster(tmp_path) -> Iterator[tuple[str, list[subprocess.Popen], Path]]:
    """A scheduler and two single-threaded workers on loopback: (address, worker processes, the scheduler's log)."""
    port = str(free_port())
    address = f"tcp://127.0.0.1:{port}"
    logs = [tmp_path / name for name in ("scheduler.log", "worker-0.log", "worker-1.log")]
    worker = [BIN / "dask", "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
    with contextlib.ExitStack() as stack:
        scheduler = stack.enter_context(
            started([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], logs[0])
        )
        workers = [stack.enter_context(started([*worker, "--host", "127.0.0.1"], log)) for log in logs[1:]]
        wait_for(
            "2 workers", lambda: all("Registered to" in log.read_text() for log in logs[1:]), [scheduler, *workers]
        )
        yield address, workers, logs[0]


def run_mc(args: list) -> tuple[int, str]:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=WAIT_S)
    return proc.returncode, proc.stdout + proc.stderr


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The study's trials and events, timings dropped, rows in one order."""
    con = connect(folder)
    out = {}
    for name in ("trials", "events"):
        frame = con.sql(f"SELECT * FROM {name}").df()
        frame = frame.drop(columns=sorted(TIMING_COLUMNS & set(frame.columns)))
        out[name] = frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
    return out


def test_a_study_outlives_a_killed_dask_worker_and_matches_an_uninterrupted_one(tmp_path, cluster):
    address, workers, scheduler_log = cluster
    scenario = tmp_path / "battle.yaml"
    scenario.write_text(SMALL_BATTLE)
    out = tmp_path / "study"
    args = [BIN / "goldendome", "mc", scenario, "--trials", str(TRIALS), "--dask", address, "--out", out, "--quiet"]

    with started(args, tmp_path / "mc.log") as proc:
        wait_for("3 trials stored", lambda: len(finished_trials(out, verify=False)) >= 3, [proc])
        os.killpg(workers[0].pid, signal.SIGKILL)
        stored_at_kill = len(finished_trials(out, verify=False))
        assert proc.wait(timeout=WAIT_S) in (0, 1), (tmp_path / "mc.log").read_text()
    assert stored_at_kill < TRIALS  # killed mid-study
    assert "Remove worker" in scheduler_log.read_text()
    if proc.returncode == 1:  # the dead worker's trials failed: the same command finishes them on the other
        code, text = run_mc(args)
        assert code == 0, text
    assert finished_trials(out) == list(range(TRIALS))

    reference = tmp_path / "reference"
    summary = run_battle_study(load_scenario(scenario), TRIALS, reference)
    assert summary.complete
    study, uninterrupted = tables(out), tables(reference)
    for name, frame in uninterrupted.items():
        assert set(frame.trial) == set(range(TRIALS))
        pd.testing.assert_frame_equal(study[name], frame, check_exact=True, obj=name)
