"""``goldendome serve``: the globe page and a JSON API over the engine (FastAPI; OpenAPI docs at ``/docs``).

The page (``/``) is a single-page app (``static/index.html``, ``app.js``, ``app.css``) on CesiumJS, served from
``/cesium/`` out of ``static/cesium/``: the bundle npm installs, copied there by ``make web`` (no network at run
time, no Cesium ion token; the imagery is the Natural Earth II set shipped with Cesium).

Endpoints (all under ``/api``):

* ``GET /scenarios`` -- the built-in scenarios with their names and descriptions;
* ``POST /validate`` -- a scenario's text (YAML or TOML) checked; every problem as 'field: what', the CLI's messages;
* ``POST /runs`` -- start one trial of a scenario (its text, or a built-in name) as a background job;
* ``POST /studies`` -- start a Monte Carlo study of a defended scenario (at most ``MAX_TRIALS`` trials);
* ``GET /runs/{id}`` -- a job's (run's or study's) state, progress and finished files;
  ``GET /runs/{id}/events`` -- the same as server-sent events, one per change, ending with the final state;
* ``GET /runs/{id}/summary`` -- a run's summary.json; ``GET /runs/{id}/scene.czml`` -- its CZML;
  ``GET /runs/{id}/report.html`` -- the HTML report; ``GET /runs/{id}/files/{name}`` -- any file the job wrote
  (Parquet tables, ``stats.json`` of a study, the globe's files).

Safe by default: the server binds to localhost unless told otherwise; request bodies are capped
(``MAX_BODY_BYTES``); scenarios are data, validated before anything runs, and name no files; downloads are limited to
a fixed list of file names a job wrote (no paths), static files to the Cesium folder; the job queue is bounded
(``MAX_JOBS`` waiting or running, runs and studies together; more gets 429) and so is a study (``MAX_TRIALS``).
"""

import asyncio
import json
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from goldendome import __version__
from goldendome.scenario.loader import ScenarioError, builtin_names, builtin_text, load_builtin, parse_scenario
from goldendome.server.jobs import FINAL_STATES, RUN_FILES, STUDY_FILES, Job, run_job, study_job, warm_up

MAX_BODY_BYTES = 256_000
"""Largest scenario text accepted (a scenario is a page of YAML; 256 kB is generous)."""

MAX_JOBS = 4
"""Jobs waiting or running at once; one worker runs them in turn (a trial uses the machine's cores)."""

MAX_TRIALS = 2000
"""Most trials in one study started from the page (about 3 s each on one core: under two hours)."""

EVENTS_POLL_S = 0.2
"""How often the progress stream looks at a job."""

STATIC_DIR = Path(__file__).parent / "static"
CESIUM_DIR = STATIC_DIR / "cesium"
APP_FILES = {"app.js": "text/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}

NO_CESIUM_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>goldendome: globe not built</title>
<body style="font-family:system-ui,sans-serif;max-width:46em;margin:3em auto;line-height:1.5">
<h1>The globe is not built</h1>
<p>The page needs CesiumJS, which is installed from npm and copied into the package at build time, and it is not
there (<code>{where}</code>). Build it from the repository with</p>
<pre>make web</pre>
<p>(it installs Node.js from the OS packages if missing, runs <code>npm ci</code> in <code>web/</code> and copies
<code>node_modules/cesium/Build/Cesium</code>), then restart <code>goldendome serve</code>.</p>
<p>The JSON API works without it: see <a href="/docs">/docs</a>.</p></body></html>"""


class RunRequest(BaseModel):
    """A run: a built-in scenario by name, or a scenario's text."""

    builtin: str | None = Field(None, description="a built-in scenario, e.g. 'default'")
    text: str | None = Field(None, max_length=MAX_BODY_BYTES, description="scenario YAML (or TOML with format)")
    format: str = Field("yaml", pattern="^(yaml|toml)$")


class StudyRequest(RunRequest):
    """A Monte Carlo study: a defended scenario and how many trials (its seed is the scenario's)."""

    trials: int = Field(100, ge=1, le=MAX_TRIALS, description=f"trials, 1 to {MAX_TRIALS}")
    workers: int = Field(1, ge=1, le=os.cpu_count() or 1, description="worker processes (1: in the server)")


LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
"""Host headers a server bound to loopback answers (testserver: the test client's): a web page elsewhere that
points its own name at 127.0.0.1 (DNS rebinding) sends its own name and gets 400."""


def create_app(
    results_dir: Path, cesium_dir: Path = CESIUM_DIR, warm: bool = False, allowed_hosts: list[str] | None = None
) -> FastAPI:
    """The app, writing every run's results under results_dir/runs/<id>/ and every study's under
    results_dir/studies/<id>/; the globe page needs the Cesium bundle in cesium_dir. warm: fly the default scenario
    once in the background first (see :func:`goldendome.server.jobs.warm_up`). allowed_hosts: the Host headers
    answered (None: any; a loopback server should pass LOOPBACK_HOSTS)."""
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    results_dir = Path(results_dir)
    cesium_dir = Path(cesium_dir)
    app = FastAPI(
        title="goldendome",
        version=__version__,
        description="Physics-level simulator of a layered homeland missile defence: runs, Monte Carlo "
        "studies and their results; the globe page at /.",
    )
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    jobs: dict[str, Job] = {}
    pool = ThreadPoolExecutor(max_workers=1)
    warmed = threading.Event()

    def _warm_up():
        try:
            warm_up()
        except Exception:  # a failure here is the first run's to report
            pass
        finally:
            warmed.set()

    if warm:
        pool.submit(_warm_up)
    else:
        warmed.set()

    async def _body(request: Request) -> bytes:
        size = int(request.headers.get("content-length") or 0)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"body of {size:,} bytes; the limit is {MAX_BODY_BYTES:,}")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"body over the {MAX_BODY_BYTES:,}-byte limit")
        return body

    async def _request(request: Request, model: type[RunRequest]) -> RunRequest:
        body = await _body(request)
        try:
            return model.model_validate_json(body or b"{}")
        except ValueError as exc:
            raise HTTPException(422, f"bad request body: {exc}") from None

    def _scenario(req: RunRequest):
        if (req.builtin is None) == (req.text is None):
            raise HTTPException(422, "give exactly one of 'builtin' (a name) and 'text' (a scenario)")
        try:
            if req.builtin is not None:
                if req.builtin not in builtin_names():
                    raise HTTPException(
                        404, f"no built-in scenario {req.builtin!r}; there are: {', '.join(builtin_names())}"
                    )
                return load_builtin(req.builtin)
            return parse_scenario(req.text, source="<upload>", fmt=req.format)
        except ScenarioError as exc:
            raise HTTPException(422, {"errors": exc.messages}) from None

    def _enqueue(job: Job, work, *args) -> dict:
        active = sum(1 for j in jobs.values() if j.active)
        if active >= MAX_JOBS:
            raise HTTPException(429, f"{active} jobs are queued or running (limit {MAX_JOBS}); try again later")
        jobs[job.id] = job
        pool.submit(work, job, *args)
        return {"id": job.id, "kind": job.kind, "state": job.state}

    def _job(run_id: str) -> Job:
        if run_id not in jobs:
            raise HTTPException(404, f"no run or study {run_id!r}")
        return jobs[run_id]

    def _file(run_id: str, name: str) -> Path:
        job = _job(run_id)
        allowed = RUN_FILES if job.kind == "run" else STUDY_FILES
        if name not in allowed:
            raise HTTPException(404, f"no such results file {name!r}; a {job.kind} has: {', '.join(allowed)}")
        if name not in job.public()["files"]:
            if job.state == "failed":
                raise HTTPException(409, f"{job.kind} {run_id} failed: {job.error}")
            if job.active:
                raise HTTPException(409, f"{job.kind} {run_id} is {job.state} ({job.stage}); {name} is not written yet")
            raise HTTPException(404, f"{job.kind} {run_id} wrote no {name}")
        return job.folder / name

    # -- the page ---------------------------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        if not (cesium_dir / "Cesium.js").is_file():
            return HTMLResponse(NO_CESIUM_PAGE.format(where=cesium_dir), status_code=503)
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    def _app_file(name: str, media_type: str):
        def serve() -> FileResponse:
            return FileResponse(STATIC_DIR / name, media_type=media_type)

        return serve

    for name, media_type in APP_FILES.items():
        app.add_api_route(f"/{name}", _app_file(name, media_type), methods=["GET"], include_in_schema=False)
    app.add_api_route(
        "/favicon.ico", _app_file("favicon.svg", "image/svg+xml"), methods=["GET"], include_in_schema=False
    )
    if cesium_dir.is_dir():  # StaticFiles refuses anything outside it (no '..', no links out)
        app.mount("/cesium", StaticFiles(directory=cesium_dir), name="cesium")

    # -- the API ----------------------------------------------------------------------------------------------------

    @app.get("/api/version")
    def version() -> dict:
        return {
            "goldendome": __version__,
            "globe": (cesium_dir / "Cesium.js").is_file(),
            "warm": warmed.is_set(),
            "max_jobs": MAX_JOBS,
            "max_trials": MAX_TRIALS,
            "max_body_bytes": MAX_BODY_BYTES,
        }

    @app.get("/api/scenarios")
    def scenarios() -> list[dict]:
        """The built-in scenarios."""
        out = []
        for name in builtin_names():
            s = parse_scenario(builtin_text(name), source=f"built-in:{name}")
            out.append(
                {
                    "name": name,
                    "title": s.name,
                    "description": s.description,
                    "threats": len(s.threats),
                    "defended": s.defence is not None,
                }
            )
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
        return JSONResponse(
            {"ok": True, "errors": [], "name": s.name, "threats": len(s.threats), "defended": s.defence is not None}
        )

    @app.post("/api/runs", status_code=202)
    async def start_run(request: Request) -> dict:
        """Start one trial as a background job; returns its id (follow GET /api/runs/{id}/events)."""
        scn = _scenario(await _request(request, RunRequest))
        return _enqueue(Job(uuid.uuid4().hex[:12], "run", scn.name), run_job, scn, results_dir)

    @app.post("/api/studies", status_code=202)
    async def start_study(request: Request) -> dict:
        """Start a Monte Carlo study of a defended scenario as a background job (GET /api/runs/{id} follows it)."""
        req = await _request(request, StudyRequest)
        scn = _scenario(req)
        if scn.defence is None:
            raise HTTPException(
                422,
                f"{scn.name!r} has no 'defence': there is no battle to repeat (add batteries or "
                "an SBI layer; the built-in 'default' and 'critique-salvo' have one)",
            )
        job = Job(uuid.uuid4().hex[:12], "study", scn.name, trials=req.trials)
        return _enqueue(job, study_job, scn, results_dir, req.workers)

    @app.get("/api/runs")
    def list_runs() -> list[dict]:
        """Every run and study of this server, oldest first."""
        return [j.public() for j in jobs.values()]

    @app.get("/api/runs/{run_id}")
    def run_state(run_id: str) -> dict:
        """A run's or study's state (queued, running, done, failed), progress 0-1, stage and finished files."""
        return _job(run_id).public()

    @app.get("/api/runs/{run_id}/events")
    async def run_events(run_id: str) -> StreamingResponse:
        """Server-sent events: the job's state (as GET /api/runs/{id}) each time it changes, the last one final."""
        job = _job(run_id)

        async def stream():
            last = None
            while True:
                state = job.public()
                change = {k: v for k, v in state.items() if k != "elapsed_s"}  # time alone is no news
                if change != last:
                    yield f"data: {json.dumps(state)}\n\n"
                    last = change
                if state["state"] in FINAL_STATES:
                    return
                await asyncio.sleep(EVENTS_POLL_S)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )

    @app.get("/api/runs/{run_id}/summary")
    def summary(run_id: str) -> Response:
        return Response(_file(run_id, "summary.json").read_text(), media_type="application/json")

    @app.get("/api/runs/{run_id}/scene.czml")
    def scene(run_id: str) -> FileResponse:
        return FileResponse(_file(run_id, "scene.czml"), media_type="application/json", filename="scene.czml")

    @app.get("/api/runs/{run_id}/report.html")
    def report(run_id: str) -> FileResponse:
        """The job's page of figures and tables (what ``goldendome report`` writes), self-contained."""
        return FileResponse(_file(run_id, "report.html"), media_type="text/html")

    @app.get("/api/runs/{run_id}/files/{name}")
    def results_file(run_id: str, name: str) -> FileResponse:
        media = {".json": "application/json", ".czml": "application/json", ".html": "text/html"}
        path = _file(run_id, name)
        return FileResponse(path, filename=name, media_type=media.get(path.suffix, "application/octet-stream"))

    return app


def serve_app(results_dir: Path, host: str = "127.0.0.1", warm: bool = True) -> FastAPI:
    """The app ``goldendome serve`` runs: results under results_dir; bound to a loopback host it answers loopback
    Host headers only (any name when told to listen elsewhere); warm: fly the default scenario once first."""
    allowed = LOOPBACK_HOSTS if host in LOOPBACK else None
    return create_app(Path(results_dir), warm=warm, allowed_hosts=allowed)


def app_from_environment() -> FastAPI:
    """:func:`serve_app` configured from the environment, for ``uvicorn --factory`` run as its own process (the
    browser test, the load bench): results under $GOLDENDOME_RESULTS (default results/serve), bound to
    $GOLDENDOME_HOST (default 127.0.0.1), warming up first unless $GOLDENDOME_WARM is 0."""
    results = Path(os.environ.get("GOLDENDOME_RESULTS", "results/serve"))
    warm = os.environ.get("GOLDENDOME_WARM", "1") != "0"
    return serve_app(results, os.environ.get("GOLDENDOME_HOST", "127.0.0.1"), warm)
