"""``goldendome mc`` tells the truth about its study folder (issue 19, finding 8): a rerun refused for holding another
study changes nothing in the folder; trials lost with a killed worker make the command exit 1 with statistics
labelled as over the finished trials and a line saying how to finish them; and the pool's workers do not outlive a
killed command.

The kills are real: the command runs as a subprocess and its processes are found with psutil (a dependency of
dask.distributed).
"""

import contextlib
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from goldendome.api import run_study
from goldendome.cli.main import app
from goldendome.engine.store import finished_trials
from mc_toy import binomial_trial
from server_case import SMALL_BATTLE

GOLDENDOME = Path(sys.executable).parent / "goldendome"
WAIT_S = 180.0
"""Longest wait for a study's workers to start or a command to end (imports and first flights on 2 busy cores)."""
ORPHAN_GRACE_S = 5.0
"""How long the pool's processes may outlive a killed command: their watch polls every 0.5 s."""

runner = CliRunner()


def folder_state(folder: Path) -> dict[str, tuple]:
    """Every file and folder under ``folder`` (itself included): its bytes (None for a folder) and mtime in ns."""
    paths = [folder, *sorted(folder.rglob("*"))]
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


@pytest.fixture(scope="module")
def battle_yaml(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "battle.yaml"
    path.write_text(SMALL_BATTLE)
    return path


def mc(*args) -> tuple[int, str]:
    res = runner.invoke(app, ["mc", *map(str, args), "--quiet"])
    return res.exit_code, " ".join(res.output.split())  # rich folds long lines: compare words


def test_a_rerun_into_the_folder_of_another_study_is_refused_and_changes_nothing(tmp_path, battle_yaml):
    study, sweep = tmp_path / "study", tmp_path / "sweep"
    assert mc(battle_yaml, "--trials", 2, "--out", study)[0] == 0
    assert mc(battle_yaml, "--trials", 2, "--salvo", "1,2", "--out", sweep)[0] == 0
    before = {folder: folder_state(folder) for folder in (study, sweep)}
    time.sleep(0.01)  # a file rewritten now would show a later mtime

    code, text = mc("critique-salvo", "--trials", 2, "--out", study)
    assert code == 2 and f"{study} holds" in text and "'small battle' there" in text and "Ten-ICBM" in text
    code, text = mc(battle_yaml, "--trials", 2, "--seed", 99, "--out", study)
    assert code == 2 and f"{study} holds a different study" in text and "root_seed 4 there, 99 now" in text
    # a sweep checks each sub-study before it writes the parent's scenario.json
    code, text = mc(battle_yaml, "--trials", 2, "--salvo", "1,2", "--seed", 99, "--out", sweep)
    assert code == 2 and f"{sweep / 'salvo-1'} holds a different study" in text
    code, text = mc("critique-salvo", "--trials", 2, "--salvo", "1", "--out", sweep)
    assert code == 2 and f"{sweep} holds results of another scenario" in text
    for folder, state in before.items():
        assert folder_state(folder) == state, folder


@contextlib.contextmanager
def mc_process(out: Path, battle_yaml: Path, trials: int) -> Iterator[subprocess.Popen]:
    """``goldendome mc`` of the small battle on a pool of 2 workers, as a subprocess (stdout and stderr as one),
    killed and read to the end on leaving."""
    args = [GOLDENDOME, "mc", battle_yaml, "--trials", str(trials), "--workers", "2", "--out", out, "--quiet"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc
    finally:
        proc.kill()
        proc.communicate(timeout=WAIT_S)


def output(proc: subprocess.Popen) -> str:
    """What the command printed once it ended, as words (rich folds long lines)."""
    return " ".join(proc.communicate(timeout=WAIT_S)[0].split())


def pool_workers(proc: subprocess.Popen, out: Path, done: int) -> list[psutil.Process]:
    """The command's 2 pool workers (children of its fork server) once ``done`` trials are stored in ``out``."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, output(proc)
        with contextlib.suppress(psutil.NoSuchProcess):  # a process that ends while listed: look again
            workers = [p for p in parent.children(recursive=True) if p.ppid() != proc.pid]
            if len(workers) == 2 and len(finished_trials(out, verify=False)) >= done:
                return workers
        time.sleep(0.05)
    raise AssertionError(f"no 2 pool workers and {done} trials stored in {WAIT_S} s")


def gone(proc: psutil.Process) -> bool:
    """Exited (a zombie has exited too: it only waits for its parent to read its status)."""
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def kill_all(procs: list[psutil.Process]) -> None:
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()


def test_a_killed_worker_fails_its_trials_the_command_exits_1_and_the_same_command_finishes_them(tmp_path, battle_yaml):
    out, trials = tmp_path / "study", 24
    with mc_process(out, battle_yaml, trials) as proc:
        pool_workers(proc, out, done=2)[0].kill()
        text = output(proc)
    assert proc.returncode == 1, text
    n = len(finished_trials(out))
    assert 0 < n < trials
    assert f"(incomplete: statistics of all 2 threats over {n} of {trials} trials)" in text
    assert f"{trials - n} trials failed (see {out}/_failed); rerun the same command to finish them" in text
    assert "worker process died" in text

    with mc_process(out, battle_yaml, trials) as again:
        text = output(again)
    assert again.returncode == 0, text
    assert f"{trials - n} trial(s) run, {n} already done" in text and "incomplete" not in text
    assert finished_trials(out) == list(range(trials))


def test_killing_the_command_leaves_no_pool_process_behind(tmp_path, battle_yaml):
    with mc_process(tmp_path / "study", battle_yaml, 10_000) as proc:
        pool_workers(proc, tmp_path / "study", done=1)
        tree = psutil.Process(proc.pid).children(recursive=True)  # fork server, resource tracker, workers
        try:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            deadline = time.monotonic() + ORPHAN_GRACE_S
            while time.monotonic() < deadline and not all(gone(p) for p in tree):
                time.sleep(0.1)
            left = [f"{p.pid} {p.name()}" for p in tree if not gone(p)]
        finally:
            kill_all(tree)  # before the output is read: left alive, they would hold its pipe open
    assert not left, f"alive {ORPHAN_GRACE_S} s after the command was killed: {left}"


def test_the_api_summary_says_a_study_is_incomplete_until_a_rerun_finishes_it(tmp_path):
    first = run_study(functools.partial(binomial_trial, fail_at=(2,)), 5, tmp_path, root_seed=3)
    assert not first.complete and (first.finished, first.total) == (4, 5)
    assert run_study(binomial_trial, 5, tmp_path, root_seed=3).complete
