"""The server's background jobs: one trial of a scenario, or a Monte Carlo study of it, each writing a results folder.

A job's files are listed (and served) only once completely written: each is written under a temporary name and
renamed, then added to ``Job.ready``. So the page can load the globe while the job goes on writing the rest.

* a **run** (``results/runs/<id>/``): ``goldendome run --out``'s tables and summary, then the globe's files
  (``globe.czml``, ``satellites.json`` / ``satellites.bin``, see :mod:`goldendome.io.globe`), then
  ``scene.czml`` (the CZML export) and ``report.html`` (``goldendome report``'s page);
* a **study** (``results/studies/<id>/``): ``goldendome mc --out``'s resumable store (one Parquet file per trial
  and table), then ``trials.parquet`` and ``events.parquet`` (every trial in one file each), ``stats.json`` (the
  headline statistics and the figures' data for the page) and ``report.html``.

Stopping a job is cooperative: :meth:`Job.cancel` (``DELETE /api/runs/{id}``, or the server shutting down) sets the
job's stop flag, and its time limit runs from its start; the job looks at both each time it reports progress -- a
run at each stage of the engine (in a battle every 50 decision steps) and of its writing, a study after each trial
-- and ends there, a cancelled study keeping its finished trials (``goldendome mc --out`` on its folder resumes it).
Between two reports nothing stops it: for the built-in scenarios a run's longest such stretch is about 8 s
(critique-salvo's first 50 battle steps, two cores), a study's is one trial (the first also flies the scenario).

Nothing is lost across restarts: a job's folder is made when it is queued, with ``scenario.json`` (what it was asked
to run, as the results writers write it) and ``job.json`` (:class:`JobRecord`: its state, stage, error, files and
times), and job.json is rewritten whole (temporary name, then rename) at each change of state and each file listed
-- not at progress reports. :func:`load_jobs` reads them back for a restarted server, and :func:`recover` settles
those the last server left unfinished (a run fails, a study is resumed).
"""

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from goldendome.scenario.models import Scenario

log = logging.getLogger(__name__)

RUN_FILES = (
    "summary.json",
    "scenario.json",
    "events.parquet",
    "trajectories.parquet",
    "satellites.parquet",
    "tracks.parquet",
    "gospa.parquet",
    "globe.czml",
    "satellites.json",
    "satellites.bin",
    "scene.czml",
    "report.html",
)
"""Files a run may hold (those it wrote are in its ``files``)."""
STUDY_FILES = ("scenario.json", "study.json", "trials.parquet", "events.parquet", "stats.json", "report.html")
"""Files a study may hold."""
FINAL_STATES = ("done", "failed", "cancelled")
JOB_FILE = "job.json"
"""A job's record in its folder (:class:`JobRecord`)."""
KIND_FOLDERS = {"run": "runs", "study": "studies"}
"""The folder of results_dir each kind of job has its folders in (``runs/<id>/``, ``studies/<id>/``)."""
JOB_ID = re.compile(r"[0-9a-f]{12}")
"""A job's id: the first 12 hex digits of a uuid4 (a folder name read from disk is checked against it before it is
used in a path)."""
SERVER_STOPPED = "cancelled: the server stopped"
"""Why the jobs of a stopping server were cancelled (a study cancelled so is resumed by the next server)."""
INTERRUPTED = "interrupted by a server restart; start it again"
"""The error of a run its server left queued or running (it was killed, or crashed)."""
MAX_CRASHES = 3
"""Servers that may end abruptly (killed, crashed) while a study runs before the next one stops resuming it: a
study whose trials take the server down would otherwise take down every restart (an assumption: one or two such
ends are more likely the machine's doing than the study's)."""


class Cancelled(Exception):
    """The job was told to stop (its message says by whom); it ends 'cancelled'."""


class TimeLimitReached(Exception):
    """The job ran past its time limit; it ends 'failed' with this message."""


class JobRecord(BaseModel):
    """What a job's ``job.json`` holds: its public state (as ``GET /api/runs/{id}`` shows it), its times and what a
    restarted server needs to resume it. Read back, every field is checked (a wrong type, or a NaN, refuses the
    file)."""

    model_config = ConfigDict(allow_inf_nan=False)

    id: str = Field(pattern=f"^{JOB_ID.pattern}$")
    kind: Literal["run", "study"]
    scenario: str
    trials: int = Field(ge=0)
    workers: int = Field(ge=1)
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float
    stage: str
    error: str
    files: list[str]
    created: float
    started: float | None
    finished: float | None
    time_limit_s: float | None
    cancelled_by: str
    crashes: int = Field(ge=0)


@dataclass
class Job:
    """A run or a study the server was asked for: its state, progress and the files it has finished writing."""

    id: str
    kind: str  # run, study
    name: str
    trials: int = 0
    workers: int = 1  # a study's worker processes
    state: str = "queued"  # queued, running, done, failed, cancelled
    progress: float = 0.0
    stage: str = "queued"
    error: str = ""
    folder: Path | None = None
    ready: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    time_limit_s: float | None = None  # of running, from started; None: no limit
    cancelled_by: str = ""  # who or what cancelled it, the stage it ends on
    crashes: int = 0  # times a server ended without stopping it while it ran (killed, crashed)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    stop: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def active(self) -> bool:
        return self.state not in FINAL_STATES

    def public(self) -> dict:
        """The job as the API shows it (a snapshot; safe to compare between two calls)."""
        with self.lock:
            end = self.finished or time.time()
            return {
                "id": self.id,
                "kind": self.kind,
                "scenario": self.name,
                "trials": self.trials,
                "state": self.state,
                "progress": round(self.progress, 3),
                "stage": self.stage,
                "error": self.error,
                "files": list(self.ready),
                "elapsed_s": round(end - self.started, 1) if self.started else 0.0,
            }

    def record(self) -> JobRecord:
        """What job.json holds of the job (call with the lock held)."""
        return JobRecord(
            id=self.id,
            kind=self.kind,
            scenario=self.name,
            trials=self.trials,
            workers=self.workers,
            state=self.state,
            progress=self.progress,
            stage=self.stage,
            error=self.error,
            files=self.ready,
            created=self.created,
            started=self.started,
            finished=self.finished,
            time_limit_s=self.time_limit_s,
            cancelled_by=self.cancelled_by,
            crashes=self.crashes,
        )

    def save(self) -> None:
        """Rewrite job.json whole and durably (call with the lock held, so that records land in the order of the
        changes); a failure to write is logged, never raised into the job."""
        if self.folder is None:
            return
        try:
            write_whole(self.folder / JOB_FILE, self.record().model_dump_json(indent=1).encode(), durable=True)
        except OSError as exc:
            log.warning("could not record job %s in %s: %s", self.id, self.folder, exc)

    def update(self, **changes) -> None:
        """Change the job's fields; a change of state is recorded in job.json."""
        with self.lock:
            for k, v in changes.items():
                setattr(self, k, v)
            if "state" in changes:
                self.save()

    def cancel(self, why: str) -> None:
        """Stop the job: a queued one is cancelled now, a running one at its next progress report (see the module
        docstring); why is shown as its stage (the first why, if told twice)."""
        with self.lock:
            if self.stop.is_set():
                return
            if self.state == "queued":
                self.state, self.finished = "cancelled", time.time()
            self.stage = self.cancelled_by = why
            self.stop.set()
            self.save()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the job was told to stop, :class:`TimeLimitReached` past its time limit."""
        if self.stop.is_set():
            raise Cancelled(self.cancelled_by)
        if self.time_limit_s is not None and self.started and time.time() - self.started > self.time_limit_s:
            raise TimeLimitReached(f"time limit of {self.time_limit_s:g} s reached")

    def report(self, stage: str, progress: float) -> None:
        """The job's progress callback: stop here if told to (:meth:`check`), else record the stage reached."""
        self.check()
        self.update(stage=stage, progress=progress)

    def write(self, name: str, data: str | bytes) -> None:
        """Write one of the job's files whole (:func:`write_whole`) and list it."""
        write_whole(self.folder / name, data.encode() if isinstance(data, str) else data)
        self.add(name)

    def add(self, *names: str) -> None:
        """List files written by others (the results writers) once they are complete (and record the list)."""
        with self.lock:
            new = [n for n in names if (self.folder / n).is_file() and n not in self.ready]
            if new:
                self.ready += new
                self.save()


def write_whole(path: Path, data: bytes, durable: bool = False) -> None:
    """Write path so that a reader (or a crash) sees the old file or the whole new one, never part: the bytes go to
    a temporary name beside it, are fsynced if durable (so that a power cut cannot leave the rename without them),
    then renamed over it."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


def _guard(job: Job, work: Callable[[], None]) -> None:
    """Run a job's work unless it was cancelled while queued, recording its end; a failure is reported in the job,
    never raised into the server."""
    with job.lock:
        if job.state != "queued":
            return
        job.state, job.started, job.stage = "running", time.time(), "starting"
        job.save()
    try:
        work()
        job.update(state="done", progress=1.0, stage="done", finished=time.time())
    except Cancelled:
        job.update(state="cancelled", stage=job.cancelled_by, finished=time.time())
    except TimeLimitReached as exc:
        job.update(state="failed", error=str(exc), finished=time.time())
    except Exception as exc:
        job.update(state="failed", error=f"{type(exc).__name__}: {exc}", finished=time.time())


def run_job(job: Job, scn: Scenario, results_dir: Path) -> None:
    """One trial of scn into results_dir/runs/<id>/ (see the module docstring for the order of the files)."""

    def work():
        from goldendome.engine.trial import run_trial
        from goldendome.io.globe import globe_czml, satellite_samples
        from goldendome.io.report import build_report
        from goldendome.io.results import write_run

        result = run_trial(scn, progress=lambda what, frac: job.report(what, 0.9 * float(frac)))
        job.folder.mkdir(parents=True, exist_ok=True)
        job.report("globe", 0.9)  # first what the page waits for
        meta, positions = satellite_samples(result)
        job.write("satellites.bin", positions.astype("<f4").tobytes())
        job.write("satellites.json", json.dumps(meta))
        job.write("globe.czml", globe_czml(result))
        job.report("writing results", 0.93)
        write_run(result, job.folder)
        job.add(*RUN_FILES)
        job.report("CZML export", 0.96)
        job.write("scene.czml", globe_czml(result, max_satellites=2000))
        job.report("report", 0.98)
        build_report(job.folder)
        job.add("report.html")

    job.folder = results_dir / "runs" / job.id
    _guard(job, work)


def warm_up(progress: Callable[[str, float], None] | None = None) -> None:
    """Import the engine and fly the default scenario once, unwritten, so that the first run asked for does not wait
    for the compiled kernels to load (about 3 s of imports and 1 s of first calls on two cores). progress: run_trial's
    callback (raising in it stops the flight)."""
    from goldendome.engine.trial import run_trial
    from goldendome.io import czml, report, results  # noqa: F401
    from goldendome.scenario.loader import load_builtin

    run_trial(load_builtin("default"), progress=progress)


def study_stats_json(folder: Path) -> dict:
    """What the page draws of a finished study: P(no leaker) with its Wilson interval, expected leakers with its
    confidence interval, the histogram of leakers per trial, and the interceptors fired, kills and misses by layer
    (means per trial), from the analysis of :mod:`goldendome.analysis.battle_stats`."""
    from goldendome.analysis.battle_stats import study_stats
    from goldendome.engine.store import connect

    s = study_stats(folder)
    histogram = connect(folder).execute("SELECT leakers, count(*) FROM trials GROUP BY leakers ORDER BY leakers")
    layers = s.layers.fillna(0.0)
    return {
        "trials": s.trials,
        "lethal_per_trial": s.lethal_per_trial,
        "zero_leak_trials": s.zero_leak,
        "p_zero": s.p_zero,
        "p_zero_ci": list(s.p_zero_ci),
        "confidence": 0.95,
        "leakers_mean": s.leakers_mean,
        "leakers_ci": list(s.leakers_ci),
        "leakers_histogram": [{"leakers": int(k), "trials": int(n)} for k, n in histogram.fetchall()],
        "cost_mean_musd": s.cost_mean_musd,
        "people_struck_mean": s.people_struck_mean,
        "layers": [
            {
                "layer": r.layer,
                "rounds": float(r.rounds),
                "kills": float(r.kills),
                "misses": float(r.misses),
                "decoys_killed": float(r.decoys_killed),
                "cost_musd": float(r.cost_musd),
            }
            for r in layers.itertuples()
        ],
        "assets": [
            {"asset": r.asset, "expected_leakers": float(r.expected_leakers), "p_struck": float(r.p_struck)}
            for r in s.assets.itertuples()
        ]
        if len(s.assets)
        else [],
    }


def study_job(job: Job, scn: Scenario, results_dir: Path, workers: int = 1) -> None:
    """A Monte Carlo study of scn (job.trials trials) into results_dir/studies/<id>/, as ``goldendome mc`` runs it."""

    def work():
        from goldendome.engine.store import connect
        from goldendome.engine.study import run_battle_study
        from goldendome.io.report import build_report

        def progress(done: int, total: int):
            job.report(f"{done:,}/{total:,} trials", 0.95 * done / max(total, 1))

        summary = run_battle_study(scn, job.trials, job.folder, workers=workers, progress=progress)
        if summary.failed:
            raise RuntimeError(f"{summary.failed} of {summary.total} trials failed (see {job.folder}/_failed)")
        job.add("scenario.json", "study.json")
        job.report("statistics", 0.96)
        con = connect(job.folder)
        for table in ("trials", "events"):
            tmp = job.folder / f".{table}.parquet.tmp"
            quoted = str(tmp).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table} ORDER BY trial) TO '{quoted}' (FORMAT parquet)")
            os.replace(tmp, job.folder / f"{table}.parquet")
            job.add(f"{table}.parquet")
        from goldendome.io.results import strict_json  # no NaN: the page's JSON.parse refuses it

        job.write("stats.json", strict_json(study_stats_json(job.folder), indent=None))
        job.report("report", 0.98)
        build_report(job.folder)
        job.add("report.html")

    job.folder = results_dir / "studies" / job.id
    _guard(job, work)


# -- the jobs on disk -------------------------------------------------------------------------------------------------


def open_job(job: Job, scn: Scenario, results_dir: Path) -> None:
    """Make the folder of a job being queued and record in it what it was asked for: ``scenario.json`` (the
    validated scenario, as the results writers write it) and ``job.json``."""
    job.folder = Path(results_dir) / KIND_FOLDERS[job.kind] / job.id
    job.folder.mkdir(parents=True, exist_ok=True)
    write_whole(job.folder / "scenario.json", (scn.model_dump_json(indent=2) + "\n").encode(), durable=True)
    with job.lock:
        job.save()


def read_job(folder: Path, kind: str) -> Job:
    """The job recorded in folder (a folder of results_dir's ``runs/`` or ``studies/``, for kind 'run' or 'study'),
    its files those of its record that are still there. Raises ValueError (or OSError) when the folder's name is
    not a job id, or its job.json is missing, unreadable or another job's."""
    if not JOB_ID.fullmatch(folder.name):
        raise ValueError(f"{folder.name!r} is not a job id (12 hex digits)")
    try:
        rec = JobRecord.model_validate_json((folder / JOB_FILE).read_bytes())
    except ValidationError as exc:
        what = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'the file'}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"{JOB_FILE} is not a job's record ({what})") from None
    if rec.id != folder.name or rec.kind != kind:
        raise ValueError(f"its {JOB_FILE} records {rec.kind} {rec.id}, not {kind} {folder.name}")
    allowed = RUN_FILES if kind == "run" else STUDY_FILES
    return Job(
        id=rec.id,
        kind=rec.kind,
        name=rec.scenario,
        trials=rec.trials,
        workers=rec.workers,
        state=rec.state,
        progress=rec.progress,
        stage=rec.stage,
        error=rec.error,
        folder=folder,
        ready=[n for n in dict.fromkeys(rec.files) if n in allowed and (folder / n).is_file()],
        created=rec.created,
        started=rec.started,
        finished=rec.finished,
        time_limit_s=rec.time_limit_s,
        cancelled_by=rec.cancelled_by,
        crashes=rec.crashes,
    )


def load_jobs(results_dir: Path) -> list[Job]:
    """Every job recorded under results_dir (``runs/<id>/job.json``, ``studies/<id>/job.json``), oldest first. A
    folder that is not a job's -- a name that is not a job id, a link, a job.json missing, corrupt or another
    job's -- is skipped with a logged warning and left as it is."""
    found = []
    for kind, sub in KIND_FOLDERS.items():
        base = Path(results_dir) / sub
        try:
            folders = sorted(base.iterdir()) if base.is_dir() else []
        except OSError as exc:
            log.warning("skipped %s: %s", base, exc)
            continue
        for folder in folders:
            if folder.is_symlink() or not folder.is_dir():
                log.warning("skipped %s: not a job's folder", folder)
                continue
            try:
                found.append(read_job(folder, kind))
            except (OSError, ValueError) as exc:
                log.warning("skipped %s: %s", folder, exc)
    return sorted(found, key=lambda j: j.created)


def recover(job: Job) -> Scenario | None:
    """Settle a job read from disk that its server left unfinished, and return the scenario to resume it with (None:
    nothing to resume).

    A run left queued or running (its server was killed, or crashed) fails with :data:`INTERRUPTED`: rerunning it
    unasked could take the new server down the way it took the old one, and a run is one click to start again. A
    study left queued or running, or cancelled by its server stopping (:data:`SERVER_STOPPED`), is queued again from
    its scenario.json: its finished trials are kept and the rest run (the store is resumable), so it ends as an
    uninterrupted study would. It fails instead once :data:`MAX_CRASHES` servers ended abruptly while it ran, or if
    its scenario.json cannot be read."""
    now = time.time()
    if job.kind == "run":
        if job.active:
            job.update(state="failed", stage="interrupted", error=INTERRUPTED, finished=now)
        return None
    if not (job.active or (job.state == "cancelled" and job.cancelled_by == SERVER_STOPPED)):
        return None
    crashes = job.crashes + (1 if job.state == "running" else 0)
    if crashes >= MAX_CRASHES:
        job.update(
            state="failed",
            crashes=crashes,
            finished=now,
            error=f"the server ended abruptly {crashes} times while this study ran, so it is no longer resumed; its "
            f"finished trials are kept: 'goldendome mc {job.folder / 'scenario.json'} --trials {job.trials} --out "
            f"{job.folder}' finishes it",
        )
        return None
    from goldendome.engine.study import study_scenario

    try:
        scn = study_scenario(job.folder)
    except (OSError, ValueError) as exc:
        job.update(state="failed", finished=now, error=f"cannot resume: {str(exc).splitlines()[0]}")
        return None
    job.update(
        state="queued",
        stage="queued (resumed after a server restart)",
        progress=0.0,
        error="",
        cancelled_by="",
        crashes=crashes,
        started=None,
        finished=None,
    )
    return scn


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under folder (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def to_retire(jobs: list[Job], keep_bytes: int | None, keep_jobs: int | None) -> list[Job]:
    """The finished jobs whose folders to delete so that the jobs' folders hold at most keep_bytes and number at
    most keep_jobs (None: no limit): the oldest finished first, never an active job, never the newest finished one
    (the results just made, even if alone over the limit)."""
    sizes = {j.id: folder_bytes(j.folder) for j in jobs if j.folder is not None and j.folder.is_dir()}
    total, count = sum(sizes.values()), len(sizes)
    finished = sorted((j for j in jobs if j.id in sizes and not j.active), key=lambda j: j.finished or j.created)
    out = []
    for job in finished[:-1]:
        if (keep_bytes is None or total <= keep_bytes) and (keep_jobs is None or count <= keep_jobs):
            break
        out.append(job)
        total, count = total - sizes[job.id], count - 1
    return out
