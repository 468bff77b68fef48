"""The server's background jobs: one trial of a scenario, or a Monte Carlo study of it, each writing a results folder.

A job's files are listed (and served) only once completely written: each is written under a temporary name and
renamed, then added to ``Job.ready``. So the page can load the globe while the job goes on writing the rest.

* a **run** (``results/runs/<id>/``): ``goldendome run --out``'s tables and summary, then the globe's files
  (``globe.czml``, ``satellites.json`` / ``satellites.bin``, see :mod:`goldendome.io.globe`), then
  ``scene.czml`` (the CZML export) and ``report.html`` (``goldendome report``'s page);
* a **study** (``results/studies/<id>/``): ``goldendome mc --out``'s resumable store (one Parquet file per trial
  and table), then ``trials.parquet`` and ``events.parquet`` (every trial in one file each), ``stats.json`` (the
  headline statistics and the figures' data for the page) and ``report.html``.
"""

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from goldendome.scenario.models import Scenario

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
FINAL_STATES = ("done", "failed")


@dataclass
class Job:
    """A run or a study the server was asked for: its state, progress and the files it has finished writing."""

    id: str
    kind: str  # run, study
    name: str
    trials: int = 0
    state: str = "queued"  # queued, running, done, failed
    progress: float = 0.0
    stage: str = "queued"
    error: str = ""
    folder: Path | None = None
    ready: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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

    def update(self, **changes) -> None:
        with self.lock:
            for k, v in changes.items():
                setattr(self, k, v)

    def write(self, name: str, data: str | bytes) -> None:
        """Write one of the job's files whole (temporary name, then rename) and list it."""
        path = self.folder / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_bytes(data.encode() if isinstance(data, str) else data)
        os.replace(tmp, path)
        self.add(name)

    def add(self, *names: str) -> None:
        """List files written by others (the results writers) once they are complete."""
        with self.lock:
            self.ready += [n for n in names if (self.folder / n).is_file() and n not in self.ready]


def _guard(job: Job, work: Callable[[], None]) -> None:
    """Run a job's work, recording its end; a failure is reported in the job, never raised into the server."""
    job.update(state="running", started=time.time(), stage="starting")
    try:
        work()
        job.update(state="done", progress=1.0, stage="done", finished=time.time())
    except Exception as exc:
        job.update(state="failed", error=f"{type(exc).__name__}: {exc}", finished=time.time())


def run_job(job: Job, scn: Scenario, results_dir: Path) -> None:
    """One trial of scn into results_dir/runs/<id>/ (see the module docstring for the order of the files)."""

    def work():
        from goldendome.engine.trial import run_trial
        from goldendome.io.globe import globe_czml, satellite_samples
        from goldendome.io.report import build_report
        from goldendome.io.results import write_run

        def progress(what: str, frac: float):
            job.update(stage=what, progress=0.9 * float(frac))

        result = run_trial(scn, progress=progress)
        job.folder.mkdir(parents=True, exist_ok=True)
        job.update(stage="globe", progress=0.9)  # first what the page waits for
        meta, positions = satellite_samples(result)
        job.write("satellites.bin", positions.astype("<f4").tobytes())
        job.write("satellites.json", json.dumps(meta))
        job.write("globe.czml", globe_czml(result))
        job.update(stage="writing results", progress=0.93)
        write_run(result, job.folder)
        job.add(*RUN_FILES)
        job.update(stage="CZML export", progress=0.96)
        job.write("scene.czml", globe_czml(result, max_satellites=2000))
        job.update(stage="report", progress=0.98)
        build_report(job.folder)
        job.add("report.html")

    job.folder = results_dir / "runs" / job.id
    _guard(job, work)


def warm_up() -> None:
    """Import the engine and fly the default scenario once, unwritten, so that the first run asked for does not wait
    for the compiled kernels to load (about 3 s of imports and 1 s of first calls on two cores)."""
    from goldendome.engine.trial import run_trial
    from goldendome.io import czml, report, results  # noqa: F401
    from goldendome.scenario.loader import load_builtin

    run_trial(load_builtin("default"))


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
            job.update(stage=f"{done:,}/{total:,} trials", progress=0.95 * done / max(total, 1))

        summary = run_battle_study(scn, job.trials, job.folder, workers=workers, progress=progress)
        if summary.failed:
            raise RuntimeError(f"{summary.failed} of {summary.total} trials failed (see {job.folder}/_failed)")
        job.add("scenario.json", "study.json")
        job.update(stage="statistics", progress=0.96)
        con = connect(job.folder)
        for table in ("trials", "events"):
            tmp = job.folder / f".{table}.parquet.tmp"
            quoted = str(tmp).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table} ORDER BY trial) TO '{quoted}' (FORMAT parquet)")
            os.replace(tmp, job.folder / f"{table}.parquet")
            job.add(f"{table}.parquet")
        job.write("stats.json", json.dumps(study_stats_json(job.folder)))
        job.update(stage="report", progress=0.98)
        build_report(job.folder)
        job.add("report.html")

    job.folder = results_dir / "studies" / job.id
    _guard(job, work)
