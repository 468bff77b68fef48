"""``goldendome serve``: a JSON API over the engine (FastAPI; OpenAPI docs at ``/docs``).

Endpoints (all under ``/api``):

* ``GET /scenarios`` -- the built-in scenarios with their names and descriptions;
* ``POST /validate`` -- a scenario's text (YAML or TOML) checked; every problem as 'field: what', the CLI's messages;
* ``POST /runs`` -- start one trial of a scenario (its text, or a built-in name) as a background job;
* ``GET /runs/{id}`` -- the job's state and progress; ``GET /runs/{id}/summary`` -- the results' summary.json;
  ``GET /runs/{id}/scene.czml`` -- the scene for the globe; ``GET /runs/{id}/files/{name}`` -- a results file.

Safe by default: the server binds to localhost unless told otherwise; request bodies are capped
(``MAX_BODY_BYTES``); scenarios are data, validated before anything runs, and name no files; downloads are limited to
the files a run wrote (no paths); the job queue is bounded (``MAX_JOBS`` waiting or running; more gets 429).
"""

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from goldendome import __version__
from goldendome.scenario.loader import ScenarioError, builtin_names, builtin_text, load_builtin, parse_scenario

MAX_BODY_BYTES = 256_000
"""Largest scenario text accepted (a scenario is a page of YAML; 256 kB is generous)."""

MAX_JOBS = 4
"""Jobs waiting or running at once; one worker runs them in turn (a trial uses the machine's cores)."""

RESULT_FILES = ("summary.json", "scenario.json", "events.parquet", "trajectories.parquet", "satellites.parquet",
                "tracks.parquet", "gospa.parquet", "scene.czml")  # fmt: skip


class RunRequest(BaseModel):
    """A run: a built-in scenario by name, or a scenario's text."""

    builtin: str | None = Field(None, description="a built-in scenario, e.g. 'default'")
    text: str | None = Field(None, max_length=MAX_BODY_BYTES, description="scenario YAML (or TOML with format)")
    format: str = Field("yaml", pattern="^(yaml|toml)$")


@dataclass
class Job:
    id: str
    name: str
    state: str = "queued"  # queued, running, done, failed
    progress: float = 0.0
    stage: str = ""
    error: str = ""
    folder: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def public(self) -> dict:
        return {"id": self.id, "scenario": self.name, "state": self.state, "progress": round(self.progress, 3),
                "stage": self.stage, "error": self.error,
                "files": sorted(p.name for p in self.folder.iterdir()) if self.folder and self.state == "done"
                else []}  # fmt: skip


def create_app(results_dir: Path) -> FastAPI:
    """The app, writing every run's results under results_dir/runs/<id>/."""
    results_dir = Path(results_dir)
    app = FastAPI(title="goldendome", version=__version__,
                  description="Physics-level simulator of a layered homeland missile defence: runs and results.")
    jobs: dict[str, Job] = {}
    pool = ThreadPoolExecutor(max_workers=1)

    async def _body(request: Request) -> bytes:
        size = int(request.headers.get("content-length") or 0)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"body of {size:,} bytes; the limit is {MAX_BODY_BYTES:,}")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"body over the {MAX_BODY_BYTES:,}-byte limit")
        return body

    def _scenario(req: RunRequest):
        if (req.builtin is None) == (req.text is None):
            raise HTTPException(422, "give exactly one of 'builtin' (a name) and 'text' (a scenario)")
        try:
            if req.builtin is not None:
                if req.builtin not in builtin_names():
                    raise HTTPException(404, f"no built-in scenario {req.builtin!r}; there are: "
                                             f"{', '.join(builtin_names())}")  # fmt: skip
                return load_builtin(req.builtin)
            return parse_scenario(req.text, source="<upload>", fmt=req.format)
        except ScenarioError as exc:
            raise HTTPException(422, {"errors": exc.messages}) from None

    def _run(job: Job, scn) -> None:
        from goldendome.engine.trial import run_trial
        from goldendome.io.czml import scene_czml
        from goldendome.io.results import write_run

        def progress(what: str, frac: float):
            job.stage, job.progress = what, float(frac)

        job.state = "running"
        try:
            result = run_trial(scn, progress=progress)
            job.folder = results_dir / "runs" / job.id
            write_run(result, job.folder)
            (job.folder / "scene.czml").write_text(scene_czml(result))
            job.state, job.progress = "done", 1.0
        except Exception as exc:  # a job's failure is reported, never raised into the server
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"

    def _job(run_id: str) -> Job:
        if run_id not in jobs:
            raise HTTPException(404, f"no run {run_id!r}")
        return jobs[run_id]

    @app.get("/api/version")
    def version() -> dict:
        return {"goldendome": __version__}

    @app.get("/api/scenarios")
    def scenarios() -> list[dict]:
        """The built-in scenarios."""
        out = []
        for name in builtin_names():
            s = parse_scenario(builtin_text(name), source=f"built-in:{name}")
            out.append({"name": name, "title": s.name, "description": s.description, "threats": len(s.threats),
                        "defended": s.defence is not None})  # fmt: skip
        return out

    @app.post("/api/validate")
    async def validate(request: Request, format: str = "yaml") -> JSONResponse:
        """Check a scenario's text: {ok, errors} with one 'field: what' line per problem."""
        if format not in ("yaml", "toml"):
            raise HTTPException(422, "format must be yaml or toml")
        body = await _body(request)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the scenario must be UTF-8 text") from None
        try:
            s = parse_scenario(text, source="<upload>", fmt=format)
        except ScenarioError as exc:
            return JSONResponse({"ok": False, "errors": exc.messages})
        return JSONResponse({"ok": True, "errors": [], "name": s.name, "threats": len(s.threats)})

    @app.post("/api/runs", status_code=202)
    async def start_run(request: Request) -> dict:
        """Start one trial as a background job; returns its id (poll GET /api/runs/{id})."""
        body = await _body(request)
        try:
            req = RunRequest.model_validate_json(body or b"{}")
        except ValueError as exc:
            raise HTTPException(422, f"bad request body: {exc}") from None
        scn = _scenario(req)
        active = sum(1 for j in jobs.values() if j.state in ("queued", "running"))
        if active >= MAX_JOBS:
            raise HTTPException(429, f"{active} runs are queued or running (limit {MAX_JOBS}); try again later")
        job = Job(uuid.uuid4().hex[:12], scn.name)
        jobs[job.id] = job
        pool.submit(_run, job, scn)
        return {"id": job.id, "state": job.state}

    @app.get("/api/runs")
    def list_runs() -> list[dict]:
        return [j.public() for j in jobs.values()]

    @app.get("/api/runs/{run_id}")
    def run_state(run_id: str) -> dict:
        return _job(run_id).public()

    def _file(run_id: str, name: str) -> Path:
        job = _job(run_id)
        if name not in RESULT_FILES:
            raise HTTPException(404, f"no such results file {name!r}; a run has: {', '.join(RESULT_FILES)}")
        if job.state != "done":
            raise HTTPException(409, f"run {run_id} is {job.state}" + (f": {job.error}" if job.error else ""))
        path = job.folder / name
        if not path.is_file():
            raise HTTPException(404, f"run {run_id} wrote no {name}")
        return path

    @app.get("/api/runs/{run_id}/summary")
    def summary(run_id: str) -> Response:
        return Response(_file(run_id, "summary.json").read_text(), media_type="application/json")

    @app.get("/api/runs/{run_id}/scene.czml")
    def scene(run_id: str) -> FileResponse:
        return FileResponse(_file(run_id, "scene.czml"), media_type="application/json", filename="scene.czml")

    @app.get("/api/runs/{run_id}/files/{name}")
    def results_file(run_id: str, name: str) -> FileResponse:
        return FileResponse(_file(run_id, name), filename=name)

    return app


def app_from_environment() -> FastAPI:
    """The app for ``goldendome serve`` (uvicorn's factory): results under $GOLDENDOME_RESULTS (default
    results/serve)."""
    return create_app(Path(os.environ.get("GOLDENDOME_RESULTS", "results/serve")))
