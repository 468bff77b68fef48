"""Monte Carlo studies: many independent trials from one root seed, run here, in a process pool or on a dask
cluster, and written as each finishes to the resumable store of :mod:`goldendome.engine.store`.

Reproducibility: trial ``i`` draws from the ``i``-th child of ``numpy.random.SeedSequence(root_seed)``, NumPy's
recommended way to make independent streams for parallel work (numpy.org/doc/stable/reference/random/parallel.html).
So a trial's tables depend on (trial function, root seed, i) only - never on the back-end, the worker count or the
order in which trials complete - and a study can be extended from N to M trials by running only trials N..M-1.

The runner is generic: a trial function takes ``(index, seed_sequence)`` and returns named pandas tables. It must be
picklable (a module-level function, or a ``functools.partial`` of one) so that worker processes can receive it.
Workers encode the tables to Parquet bytes; only the parent process writes, as trials complete, so an interrupted
study loses only the trials in flight. A trial function that raises is recorded (``_failed/``), the other trials go
on, and the failed one is rerun on the next start: a study with failed trials is incomplete
(:attr:`StudySummary.complete` is False) until a rerun finishes them.

A folder that holds another study (other scenario or root seed) is refused before anything in it is written, and a
process-pool worker exits on its own once the process that runs the study has gone (killed, say), rather than
living on as an orphan.

Usage::

    summary = run_study(my_trial, 10_000, Path("runs/raid"), root_seed=7, workers=8,
                        study_meta={"scenario_hash": scenario_hash(sc)})
    con = connect(summary.out_dir)
    con.execute("SELECT avg(leakers) FROM trials").fetchone()
"""

import contextlib
import itertools
import json
import logging
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome.engine import store
from goldendome.engine.store import connect, finished_trials

__all__ = [
    "StudyLocked",
    "StudyMismatch",
    "StudySummary",
    "TrialFn",
    "check_study",
    "connect",
    "finished_trials",
    "local_cluster",
    "run_study",
    "trial_seed",
    "trial_seeds",
]

TrialFn = Callable[[int, np.random.SeedSequence], dict[str, pd.DataFrame]]
"""A trial: (trial index, its seed sequence) -> named tables, e.g. ``{'trials': 1-row frame, 'events': ...}``.
Build the generator inside with ``np.random.default_rng(seed)``."""

IDENTITY_KEYS = ("root_seed", "scenario_hash")
"""study.json keys that must agree for a restart to continue a study rather than start a different one."""
LABEL_KEYS = ("scenario",)
"""study.json keys that name a study, shown beside a mismatch so the message says which two studies differ."""
IN_FLIGHT_PER_WORKER = 4
"""Trials submitted ahead per worker: enough to keep workers busy, few enough that memory stays flat at 100k trials."""
OWNER_POLL_S = 0.5
"""How often a pool worker checks that the process running the study is still there (s): an orphan lives at most
this long, and the check costs one system call."""

log = logging.getLogger(__name__)


class StudyMismatch(ValueError):
    """The output folder holds a different study (other scenario or root seed); results must not be mixed."""


class StudyLocked(RuntimeError):
    """Another process is writing to this study folder now."""


@dataclass(frozen=True)
class StudySummary:
    """What one call of :func:`run_study` did.

    total: trials asked for; completed: trials run and written by this call; skipped: trials already finished;
    rerun: trials whose stored files were missing or corrupt and were run again (included in completed or failed);
    failed: trials whose function raised (recorded in ``_failed/``, rerun on the next start); tables: the table
    names held by the study's finished trials; wall_s: wall time of the call; backend: where the trials ran.
    """

    out_dir: Path
    total: int
    completed: int
    skipped: int
    rerun: int
    failed: int
    wall_s: float
    tables: tuple[str, ...]
    failed_trials: tuple[int, ...] = ()
    rerun_trials: tuple[int, ...] = ()
    backend: str = "in-process"

    @property
    def finished(self) -> int:
        """Trials of [0, total) finished once this call returned."""
        return self.skipped + self.completed

    @property
    def complete(self) -> bool:
        """Whether every trial of [0, total) is finished. False when some failed: statistics of the folder then
        cover only :attr:`finished` of :attr:`total` trials, and running the same study again finishes the rest."""
        return self.finished == self.total


def trial_seed(root_seed: int, index: int) -> np.random.SeedSequence:
    """Seed sequence of trial ``index``: the ``index``-th child of ``SeedSequence(root_seed)``, made directly
    (``spawn_key=(index,)``) so trial 99,999 costs no more than trial 0."""
    return np.random.SeedSequence(root_seed, spawn_key=(index,))


def trial_seeds(root_seed: int, n: int) -> list[np.random.SeedSequence]:
    """Independent child seeds ``SeedSequence(root_seed).spawn(n)``; trial i always gets the same child whatever the
    worker count or order (equal to :func:`trial_seed` ``(root_seed, i)``)."""
    return np.random.SeedSequence(root_seed).spawn(n)


@dataclass(frozen=True)
class _Outcome:
    """What a worker sends back: the encoded tables, or the exception text; wall and CPU seconds of the trial
    (CPU of the whole worker process meanwhile: cpu_s well under wall_s means the worker waited for a core)."""

    tables: dict[str, tuple[bytes, int]] | None
    error: str | None
    wall_s: float
    cpu_s: float = 0.0


def _attempt(fn: TrialFn, index: int, seed: np.random.SeedSequence) -> _Outcome:
    """Run one trial and encode its tables; an exception becomes an outcome, so one bad trial never stops a batch."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        tables = store.encode_tables(index, fn(index, seed))
    except Exception as exc:  # noqa: BLE001 - any failure of user code is data for the failure record
        text = "".join(traceback.format_exception(exc))
        error = f"{type(exc).__name__}: {exc}\n\n{text}"
        return _Outcome(None, error, time.perf_counter() - t0, time.process_time() - c0)
    return _Outcome(tables, None, time.perf_counter() - t0, time.process_time() - c0)


_WORKER_FN: TrialFn | None = None


def _install(fn: TrialFn, owner_pid: int) -> None:
    """Process-pool initializer: receive the trial function once per worker, not once per trial; compute on one
    thread (the workers share the cores: a compiled kernel's threads would only take them from the other workers);
    and end with the process that runs the study (``owner_pid``), see :func:`_exit_with_owner`."""
    global _WORKER_FN
    _WORKER_FN = fn
    _exit_with_owner(owner_pid)
    if "numba" not in sys.modules:
        # the pool's size is read when numba loads; once it has loaded (unpickling the trial function loads it), the
        # variable must not change: numba re-reads it before every compilation (a kernel not yet in its cache, as on
        # a fresh install) and refuses a value other than its pool's
        os.environ["NUMBA_NUM_THREADS"] = "1"
    import numba

    numba.set_num_threads(1)


def _exit_with_owner(owner_pid: int) -> None:
    """Make this worker exit soon after the study's process, or its own parent, has gone.

    A pool worker left behind by a killed study would live on for good (~740 MB each): it waits for trials on a
    queue whose write end it holds itself, so it never sees end-of-file. Two guards:

    - on Linux, ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` (prctl(2)): the kernel sends SIGTERM when the parent dies. The
      parent of a 'forkserver' worker is the fork server, not the study's process, and the fork server stays up as
      long as any worker holds its pipe, so this alone is not enough;
    - a daemon thread that waits on the study's process (a pidfd, which turns readable when the process exits,
      zombie or not, Linux 5.3+; else a probe of the pid) and checks ``os.getppid()``, every
      :data:`OWNER_POLL_S`, then ends the worker with ``os._exit`` (no clean-up to wait for: the trial in flight
      is lost either way, and the store deletes its files on the next start).
    """
    parent = os.getppid()
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1  # <linux/prctl.h>
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    threading.Thread(target=_watch_owner, args=(owner_pid, parent), name="exit-with-owner", daemon=True).start()


def _watch_owner(owner_pid: int, parent: int) -> None:
    """The loop of :func:`_exit_with_owner`'s thread (it never returns): end the process once the owner or the
    parent is gone."""
    try:
        pidfd = os.pidfd_open(owner_pid)
    except (AttributeError, OSError):  # not Linux 5.3+ (or the owner already gone: the probe below sees it)
        pidfd = None
    while True:
        if pidfd is not None:
            gone = bool(select.select([pidfd], [], [], OWNER_POLL_S)[0])
        else:
            time.sleep(OWNER_POLL_S)
            gone = not _running(owner_pid)
        if gone or os.getppid() != parent:
            os._exit(128 + signal.SIGTERM)  # the status a SIGTERM death reports, as if PR_SET_PDEATHSIG had fired


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (signal 0 probes without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        pass
    return True


def _attempt_installed(index: int, seed: np.random.SeedSequence) -> _Outcome:
    return _attempt(_WORKER_FN, index, seed)


# --- back-ends: each yields (index, outcome) as trials complete, with a bounded number in flight -----------------


def _in_process(fn: TrialFn, root_seed: int, todo: list[int]) -> Iterator[tuple[int, _Outcome]]:
    for i in todo:
        yield i, _attempt(fn, i, trial_seed(root_seed, i))


def _pool_context():
    """'forkserver' where the platform has it: children fork from a clean single-threaded server (safe with numba and
    threads, unlike plain fork) that has already imported numpy, pandas and pyarrow (fast, unlike spawn)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])  # only takes effect when the server first starts
        return ctx
    return multiprocessing.get_context("spawn")


def _process_pool(fn: TrialFn, root_seed: int, todo: list[int], workers: int) -> Iterator[tuple[int, _Outcome]]:
    """Trials in a local process pool. A worker that dies (segfault, out of memory) breaks the pool: the trials in
    flight are recorded as failed and a fresh pool carries on with the rest."""
    pending = deque(todo)
    cap = IN_FLIGHT_PER_WORKER * workers
    while pending:
        pool = ProcessPoolExecutor(
            workers, mp_context=_pool_context(), initializer=_install, initargs=(fn, os.getpid())
        )
        inflight, broken = {}, False
        try:
            while pending or inflight:
                while pending and len(inflight) < cap and not broken:
                    i = pending.popleft()
                    try:
                        inflight[pool.submit(_attempt_installed, i, trial_seed(root_seed, i))] = i
                    except BrokenProcessPool:
                        pending.appendleft(i)
                        broken = True
                if not inflight:
                    break  # broken with nothing in flight: a fresh pool takes the rest
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = inflight.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool as exc:  # every trial in flight fails with the pool
                        broken = True
                        outcome = _Outcome(None, f"worker process died while this trial was in flight: {exc}", 0.0)
                    yield i, outcome
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def parse_local(address: str, workers: int) -> int | None:
    """Worker count of ``'local'`` / ``'local:W'`` (a LocalCluster started here), None for a scheduler address.
    Plain ``'local'`` uses ``workers`` if above 1, else every CPU."""
    if address != "local" and not address.startswith("local:"):
        return None
    if address == "local":
        return workers if workers > 1 else (os.cpu_count() or 1)
    try:
        n = int(address.split(":", 1)[1])
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"dask address {address!r}: write 'local:W' with W a positive worker count, e.g. 'local:4'")
    return n


@contextlib.contextmanager
def local_cluster(n_workers: int) -> Iterator:
    """A dask ``LocalCluster`` of ``n_workers`` single-threaded worker processes on this machine, closed on exit.

    Two departures from dask's defaults, both measured (bench/bench_dask.py, 2-core machine):

    - no ``MALLOC_TRIM_THRESHOLD_`` in the workers. Dask sets it to 65,536 to hand freed memory back to the OS, which
      also switches off glibc's adaptive mmap threshold, so every numpy temporary over 128 KiB becomes a fresh mmap
      and page faults: an elementwise loop over 20,000 floats ran 8x slower in a worker (0.18 s against 0.022 s).
    - the variables the nanny writes into *this* process's environment before spawning (``OMP_NUM_THREADS=1``...)
      are put back once the workers are up, so process pools and BLAS calls started here later are not pinned.
    """
    import dask
    from distributed import LocalCluster

    saved = dict(os.environ)
    try:
        # one compute thread per worker process (numba's parallel kernels would take the other workers' cores)
        with dask.config.set(
            {
                "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                "distributed.nanny.pre-spawn-environ.NUMBA_NUM_THREADS": 1,
            }
        ):
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
    finally:
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        os.environ.update(saved)
    with cluster:
        yield cluster


def _dask(fn: TrialFn, root_seed: int, todo: list[int], address: str, workers: int) -> Iterator[tuple[int, _Outcome]]:
    """Trials on a dask.distributed cluster: a scheduler address, or ``'local[:W]'`` for a :func:`local_cluster` of
    W workers started (and closed) here."""
    from distributed import Client, as_completed

    with contextlib.ExitStack() as stack:
        n_local = parse_local(address, workers)
        if n_local is not None:
            address = stack.enter_context(local_cluster(n_local)).scheduler_address
        client = stack.enter_context(Client(address))
        slots = sum(client.nthreads().values()) or 1
        cap = IN_FLIGHT_PER_WORKER * slots
        # Ship the trial function (and any scenario bound into it) to every worker once, not with each trial.
        [fn_remote] = client.scatter([fn], broadcast=True, hash=False)
        pending = iter(todo)
        index_of = {}

        def submit(i: int):
            fut = client.submit(_attempt, fn_remote, i, trial_seed(root_seed, i), pure=False)
            index_of[fut.key] = i
            return fut

        running = as_completed([submit(i) for i in itertools.islice(pending, cap)])
        for fut in running:
            i = index_of.pop(fut.key)
            try:
                outcome = fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: the trial failed, the study goes on
                outcome = _Outcome(None, f"{type(exc).__name__} on the dask cluster: {exc}", 0.0)
            fut.release()
            j = next(pending, None)
            if j is not None:
                running.add(submit(j))
            yield i, outcome


# --- the study --------------------------------------------------------------------------------------------------


def _fn_name(fn: Callable) -> str:
    inner = getattr(fn, "func", fn)  # functools.partial
    return f"{getattr(inner, '__module__', '?')}:{getattr(inner, '__qualname__', type(inner).__name__)}"


def _record(study_meta: Mapping | None, root_seed: int, n_trials: int, fn: Callable | None) -> dict:
    """The study.json record of a run: the caller's facts, the root seed, the trial count and the trial function."""
    record = {**(study_meta or {}), "root_seed": int(root_seed), "n_trials": int(n_trials)}
    return record if fn is None else {**record, "trial_fn": _fn_name(fn)}


def check_study(out_dir: Path, study_meta: Mapping | None = None, root_seed: int = 0) -> None:
    """Raise :class:`StudyMismatch` when ``out_dir`` holds another study than the one ``study_meta`` and
    ``root_seed`` describe (as :func:`run_study` would); reads, and writes nothing, so a caller can check a folder
    before it writes files of its own there. A folder without study.json holds no study and passes."""
    _check_study(Path(out_dir), _record(study_meta, root_seed, 0, None))


def _check_study(out_dir: Path, record: dict) -> dict:
    """Compare with an existing study.json (raise StudyMismatch on another study) and return the record to write."""
    path = out_dir / store.STUDY_FILE
    if not path.exists():
        return record
    try:
        old = json.loads(path.read_text())
    except ValueError as exc:
        raise StudyMismatch(f"{path} is not readable JSON ({exc}); use another --out folder") from None
    if not isinstance(old, dict):
        raise StudyMismatch(f"{path} is not a study record (a JSON object); use another --out folder")
    differ = [k for k in IDENTITY_KEYS if old.get(k) != record.get(k)]
    if differ:
        shown = [k for k in LABEL_KEYS if old.get(k) != record.get(k)] + differ
        what = "; ".join(f"{k} {old.get(k)!r} there, {record.get(k)!r} now" for k in shown)
        raise StudyMismatch(
            f"{out_dir} holds a different study ({what}); results of different studies must not be mixed, and "
            "nothing in that folder was changed: use another --out folder"
        )
    return {**old, **record, "n_trials": max(int(old.get("n_trials", 0)), record["n_trials"])}


@contextlib.contextmanager
def _lock(out_dir: Path):
    """Hold an exclusive lock on the study folder: two runs writing the same trials would corrupt each other."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, the manifests still keep each trial whole
        yield
        return
    with open(out_dir / ".lock", "a") as f:  # "a": an existing lock file is opened as it is, not truncated
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StudyLocked(f"another run is writing to {out_dir}; wait for it or use another --out") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def run_study(
    fn: TrialFn,
    n_trials: int,
    out_dir: Path,
    root_seed: int = 0,
    workers: int = 1,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    study_meta: dict | None = None,
    durable: bool = True,
    study_files: Mapping[str, bytes] | None = None,
) -> StudySummary:
    """Run trials 0..n_trials-1 of ``fn`` into ``out_dir``, skipping those already finished there.

    Parameters
    ----------
    fn : picklable trial function ``(index, SeedSequence) -> {table name: DataFrame}``.
    n_trials : trials the study should hold; a larger number than last time extends the study.
    out_dir : the study folder (created if missing); see :mod:`goldendome.engine.store` for its layout.
    root_seed : seed of the root ``SeedSequence``; trial i uses its i-th child.
    workers : 1 runs in this process; more runs a local process pool of that size.
    dask_address : a dask scheduler address (``tcp://host:8786``), or ``'local'`` / ``'local:W'`` to start a
        :func:`local_cluster` of W single-threaded worker processes here; overrides ``workers``. Workers of your
        own cluster need goldendome installed and, for numpy-heavy trials, dask's malloc setting switched off
        (``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_: null`` in their dask config; see
        :func:`local_cluster`).
    progress : called as ``progress(done, total)`` once at the start and after each trial written or failed, with
        done counting the trials already finished too, so a bar ends at total.
    study_meta : JSON-able facts recorded in ``study.json`` (e.g. ``scenario_hash``); a folder whose study.json
        has another ``scenario_hash`` or ``root_seed`` raises :class:`StudyMismatch` before anything in it is
        written (not even the lock file).
    durable : fsync every file before its rename (default). False saves ~4 fsyncs a trial in the writing process
        and stays safe: a file lost in a power cut fails its sha256 check on restart and the trial is rerun.
    study_files : file name -> bytes, written (atomically) beside study.json once the folder is known to hold this
        study, e.g. the scenario as run.

    Returns
    -------
    StudySummary
        Trials that failed leave it incomplete (``complete`` False) and are rerun by the next call.

    Notes
    -----
    On start, trials whose manifest lists a missing or altered file are logged, deleted and rerun, and table files
    that no manifest lists (a trial killed mid-way) are deleted; nothing unverified is ever kept.
    """
    t0 = time.perf_counter()
    if n_trials < 0:
        raise ValueError(f"n_trials must be >= 0, not {n_trials}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    if dask_address is not None:
        parse_local(dask_address, workers)  # a malformed 'local:W' fails here, before the folder is touched
    out_dir = Path(out_dir)
    record = _record(study_meta, root_seed, n_trials, fn)
    _check_study(out_dir, record)  # another study's folder is refused before the lock file is made in it
    out_dir.mkdir(parents=True, exist_ok=True)
    with _lock(out_dir):
        record = _check_study(out_dir, record)  # again under the lock: a study may have started since
        store.write_atomic(out_dir / store.STUDY_FILE, json.dumps(record, indent=1).encode())
        for name, data in (study_files or {}).items():
            store.write_atomic(out_dir / name, data)

        state = store.scan(out_dir)
        for i in state.corrupt:
            log.warning(
                "trial %d in %s: manifest unreadable or a file missing or altered; deleting and rerunning", i, out_dir
            )
            store.remove_trial(out_dir, i)
        for path in state.orphans:
            path.unlink(missing_ok=True)
        rerun = tuple(i for i in state.corrupt if i < n_trials)
        finished = set(state.finished)
        todo = [i for i in range(n_trials) if i not in finished]
        skipped = n_trials - len(todo)
        tables = set(state.tables)

        if not todo:
            backend, outcomes = "nothing to run", (x for x in ())
        elif dask_address is not None:
            backend = f"dask {dask_address}"
            outcomes = _dask(fn, root_seed, todo, dask_address, workers)
        elif workers > 1 and len(todo) > 1:
            backend = f"process pool of {workers}"
            outcomes = _process_pool(fn, root_seed, todo, workers)
        else:
            backend = "in-process"
            outcomes = _in_process(fn, root_seed, todo)

        completed, failed = 0, []
        if progress is not None:
            progress(skipped, n_trials)
        with contextlib.closing(outcomes):
            for i, outcome in outcomes:
                if outcome.error is None:
                    store.write_trial(
                        out_dir,
                        i,
                        outcome.tables,
                        durable,
                        wall_s=round(outcome.wall_s, 6),
                        cpu_s=round(outcome.cpu_s, 6),
                    )
                    store.clear_failure(out_dir, i)
                    tables.update(outcome.tables)
                    completed += 1
                else:
                    log.warning("trial %d failed: %s", i, outcome.error.splitlines()[0])
                    store.record_failure(out_dir, i, outcome.error)
                    failed.append(i)
                if progress is not None:
                    progress(skipped + completed + len(failed), n_trials)
    return StudySummary(
        out_dir=out_dir,
        total=n_trials,
        completed=completed,
        skipped=skipped,
        rerun=len(rerun),
        failed=len(failed),
        wall_s=time.perf_counter() - t0,
        tables=tuple(sorted(tables)),
        failed_trials=tuple(sorted(failed)),
        rerun_trials=rerun,
        backend=backend,
    )
