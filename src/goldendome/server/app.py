"""``goldendome serve``: the globe page and a JSON API over the engine (FastAPI; OpenAPI docs at ``/docs``).

The page (``/``) is a single-page app (``static/index.html``, ``app.js``, ``app.css``) on CesiumJS, served from
``/cesium/`` out of ``static/cesium/``: the bundle npm installs, copied there by ``make web`` (no network at run
time, no Cesium ion token; the imagery is the Natural Earth II set shipped with Cesium).

Endpoints (all under ``/api``):

* ``GET /scenarios`` -- the built-in scenarios with their names and descriptions;
* ``POST /validate`` -- a scenario's text (``{"text": ..., "format": "yaml"}``, YAML or TOML) checked; every
  problem as 'field: what', the CLI's messages;
* ``POST /runs`` -- start one trial of a scenario (its text, or a built-in name) as a background job;
* ``POST /studies`` -- start a Monte Carlo study of a defended scenario (at most ``MAX_TRIALS`` trials);
* ``GET /runs/{id}`` -- a job's (run's or study's) state, progress and finished files;
  ``GET /runs/{id}/events`` -- the same as server-sent events, one per change, ending with the final state;
  ``DELETE /runs/{id}`` -- cancel a queued or running job (it ends 'cancelled'; a study keeps its finished trials);
* ``GET /runs/{id}/summary`` -- a run's summary.json; ``GET /runs/{id}/scene.czml`` -- its CZML;
  ``GET /runs/{id}/report.html`` -- the HTML report; ``GET /runs/{id}/files/{name}`` -- any file the job wrote
  (Parquet tables, ``stats.json`` of a study, the globe's files).

Safe by default, every request checked in this order before a route sees it (:class:`Guard`):

* **Host** (400): bound to loopback, the server answers loopback Host names only (``LOOPBACK_HOSTS``), so a page on
  another site whose name resolves to 127.0.0.1 (DNS rebinding) is refused.
* **Origin** (403): a request other than GET, HEAD and OPTIONS whose ``Origin`` header (or, without one, its
  ``Referer``) names another origin than the server's own (``scheme://host:port`` as its Host header gives it) --
  a page on another site posting to this one -- is refused. The CORS policy allows no origin (CORSMiddleware with
  an empty list): preflights are refused and no answer carries ``Access-Control-Allow-Origin``, so another site's
  page can neither read answers nor send what needs a preflight (JSON, DELETE, an Authorization header).
* **Token** (401): a server listening beyond loopback (any host but 127.0.0.1, localhost, ::1) needs a token:
  ``goldendome serve`` makes one (``secrets.token_urlsafe(24)``) and prints the address to open with it
  (``http://host:port/?token=...``), or takes one from ``--token`` / ``--token-file`` (at least
  ``MIN_TOKEN_CHARS`` characters). Every ``/api`` request then carries ``Authorization: Bearer <token>`` or a
  ``token`` query parameter (for the page's event streams and download links, which cannot set headers); compared
  in constant time. The page and its static files load without it; the page takes the token from its address,
  keeps it for the tab and sends it on every call. On loopback no token is needed unless one is given.
* **JSON bodies only** (415): a POST must say ``Content-Type: application/json`` -- an HTML form or a text/plain
  "simple" request, the cross-site posts a browser sends without asking, is refused.
* **Body size** (413): bodies are counted as they arrive and cut as soon as they pass ``MAX_BODY_BYTES`` (a
  declared Content-Length over it is refused before any byte is read); nothing is buffered beyond the limit.

And the work is bounded: scenarios are data, validated before anything runs, and name no files; downloads are
limited to a fixed list of file names a job wrote (no paths), static files to the Cesium folder; the job queue is
bounded (``MAX_JOBS`` waiting or running, runs and studies together; more gets 429) and so is a study
(``MAX_TRIALS``); each job has a time limit (``RUN_TIME_LIMIT_S``, ``STUDY_TIME_LIMIT_S``; past it the job ends
'failed', "time limit of N s reached") and can be cancelled. Stopping the server (one Ctrl-C) cancels every job --
a running one at its next progress report (:mod:`goldendome.server.jobs`), a study keeping its finished trials --
ends its progress streams (:func:`run_server`; any other response still open is closed after ``SHUTDOWN_GRACE_S``)
and exits.

Nothing is lost across restarts. Each job's folder (``runs/<id>/``, ``studies/<id>/``) is made when it is queued,
with the scenario it was asked for (``scenario.json``) and its record (``job.json``, rewritten at each change of
state; :mod:`goldendome.server.jobs`). A server started on the same results folder lists every job recorded there
and serves their state and files as before; a folder that is not a job's (a name other than 12 hex digits, a
job.json missing or corrupt) is skipped with a logged warning. What the last server left unfinished is settled
(:func:`goldendome.server.jobs.recover`): a run queued or running when it ended fails, "interrupted by a server
restart; start it again" (not rerun unasked: it may be what took the server down); a study queued or running, or
cancelled by the server stopping, is resumed -- its finished trials kept, the rest run -- and ends as an
uninterrupted study would. One server per results folder.

And disk use is bounded (retention): after each job ends, the finished jobs' folders are deleted, oldest finished
first, until the jobs' folders hold at most ``keep_bytes`` (``KEEP_BYTES`` by default) and number at most
``keep_jobs`` (no limit by default); an active job is never deleted, nor the job that finished last. Sizes measured
on two cores: a run of the built-in 'default' scenario writes 7.3 MB (4.7 MB of it the CZML export), critique-salvo
3.4 MB, northern-approaches 1.0 MB, china-raid 115 MB and russia-raid 256 MB (166 MB of trajectories); a study about
0.3 MB and 20 kB a trial (2,000 trials: about 40 MB).
"""

import asyncio
import hmac
import json
import logging
import os
import secrets
import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.datastructures import Headers

from goldendome import __version__
from goldendome.engine.budget import SERVER_MAX_OPERATIONS, Limits, memory_limit_gib
from goldendome.engine.budget import check as check_work
from goldendome.scenario.loader import ScenarioError, builtin_names, builtin_text, load_builtin, parse_scenario
from goldendome.server.jobs import (
    FINAL_STATES,
    RUN_FILES,
    SERVER_STOPPED,
    STUDY_FILES,
    Cancelled,
    Job,
    load_jobs,
    open_job,
    recover,
    run_job,
    study_job,
    to_retire,
    warm_up,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256_000
"""Largest scenario text accepted (a scenario is a page of YAML; 256 kB is generous)."""

SERVER_MAX_MEMORY_GIB = 8.0
"""The most memory one trial started from the server may plan to use, GiB (less where the machine has less): a
public server must leave room for its other jobs and itself."""

MAX_JOBS = 4
"""Jobs waiting or running at once; one worker runs them in turn (a trial uses the machine's cores)."""

MAX_TRIALS = 2000
"""Most trials in one study started from the page (about 3 s each on one core: under two hours)."""

RUN_TIME_LIMIT_S = 30 * 60.0
"""Longest a run may run (an assumption: the built-in scenarios take 4-9 s on two cores; half an hour leaves room
for a large uploaded one and stops one that would hold the queue for good)."""

STUDY_TIME_LIMIT_S = 6 * 3600.0
"""Longest a study may run (``MAX_TRIALS`` trials at about 3 s each on one core is under two hours; an assumption
with a margin of three)."""

KEEP_BYTES = 5 * 2**30
"""Most bytes the jobs' folders may hold before the oldest finished ones are deleted: 5 GiB, about 700 runs of the
built-in 'default' scenario (7.3 MB each) or 20 of russia-raid (256 MB; an assumption: a disk's spare room on a
laptop)."""

MIN_TOKEN_CHARS = 16
"""Shortest token accepted when one is given (a generated one has 32: 24 random bytes in URL-safe base64)."""

SHUTDOWN_GRACE_S = 5.0
"""How long a stopping server waits for open responses (progress streams, downloads) before closing them."""

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


class ValidateRequest(BaseModel):
    """A scenario's text to check."""

    text: str = Field(max_length=MAX_BODY_BYTES, description="scenario YAML (or TOML with format)")
    format: str = Field("yaml", pattern="^(yaml|toml)$")


class RunRequest(BaseModel):
    """A run: a built-in scenario by name, or a scenario's text."""

    builtin: str | None = Field(None, description="a built-in scenario, e.g. 'default'")
    text: str | None = Field(None, max_length=MAX_BODY_BYTES, description="scenario YAML (or TOML with format)")
    format: str = Field("yaml", pattern="^(yaml|toml)$")


class StudyRequest(RunRequest):
    """A Monte Carlo study: a defended scenario and how many trials (its seed is the scenario's)."""

    trials: int = Field(100, ge=1, le=MAX_TRIALS, description=f"trials, 1 to {MAX_TRIALS}")
    workers: int = Field(1, ge=1, le=os.cpu_count() or 1, description="worker processes (1: in the server)")


def _json_body(model: type[BaseModel]) -> dict:
    """The OpenAPI ``requestBody`` of a route that reads model from its JSON body itself (``_request`` in
    :func:`create_app`, after the Guard has counted the bytes): what /docs shows and API fuzzers send."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
"""Host headers a server bound to loopback answers (testserver: the test client's): a web page elsewhere that
points its own name at 127.0.0.1 (DNS rebinding) sends its own name and gets 400."""

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
"""Methods that change nothing, so any page may send them (the CORS policy, allowing no origin, keeps the answers
from another site's page)."""
BODY_METHODS = ("POST", "PUT", "PATCH")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an origin or URL, the default port filled in; None if it names none ('null')."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def cross_origin(scope: dict, headers: Headers) -> str | None:
    """Why a request that may change something comes from a page of another origin than this server's own (its
    Origin, or Referer, against scheme://Host), or None if it does not (or names no origin: curl, the CLI)."""
    if scope["method"] in SAFE_METHODS:
        return None
    claimed = headers.get("origin") or headers.get("referer")
    if claimed is None:
        return None
    own = f"{scope['scheme']}://{headers.get('host', '')}"
    theirs = _origin(claimed)
    if theirs is not None and theirs == _origin(own):
        return None
    return f"cross-origin request refused: {claimed!r} is not this server's origin {own!r}"


def token_given(headers: Headers, query_string: bytes) -> str:
    """The token a request carries: ``Authorization: Bearer <token>``, else its ``token`` query parameter."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return parse_qs(query_string.decode("latin-1")).get("token", [""])[-1]


class Guard:
    """The checks of the module docstring after the Host's -- origin (403), token (401), JSON bodies (415) and body
    size (413) -- as a pure ASGI middleware, so that every route is covered and the body is counted as it streams:
    the count is taken in ``receive``, and the read that passes the limit raises 413 instead of handing on the
    chunk. token: None for none needed."""

    def __init__(self, app, token: str | None = None, max_body_bytes: int = MAX_BODY_BYTES):
        self.app, self.token, self.max_body_bytes = app, token, max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope, Headers(scope=scope))
        if refusal is not None:
            status, detail = refusal
            extra = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            await JSONResponse({"detail": detail}, status_code=status, headers=extra)(scope, receive, send)
            return
        await self.app(scope, self.counted(receive), send)

    def refusal(self, scope: dict, headers: Headers) -> tuple[int, str] | None:
        """(status, why) of the first check the request fails, None if it passes them all."""
        why = cross_origin(scope, headers)
        if why is not None:
            return 403, why
        if self.token is not None and (scope["path"] == "/api" or scope["path"].startswith("/api/")):
            if not hmac.compare_digest(token_given(headers, scope["query_string"]).encode(), self.token.encode()):
                return 401, "this server needs its token: 'Authorization: Bearer <token>' or '?token=<token>'"
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if scope["method"] in BODY_METHODS and media_type != "application/json":
            return 415, f"request bodies are JSON: send 'Content-Type: application/json' (not {media_type!r})"
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return 413, f"body of {int(declared):,} bytes; the limit is {self.max_body_bytes:,}"
        return None

    def counted(self, receive):
        """receive, counting the body's bytes and raising 413 on the chunk that passes the limit."""
        seen = 0

        async def receive_counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise HTTPException(413, f"body over the {self.max_body_bytes:,}-byte limit")
            return message

        return receive_counted


def create_app(
    results_dir: Path,
    cesium_dir: Path = CESIUM_DIR,
    warm: bool = False,
    allowed_hosts: list[str] | None = None,
    token: str | None = None,
    run_time_limit_s: float | None = RUN_TIME_LIMIT_S,
    study_time_limit_s: float | None = STUDY_TIME_LIMIT_S,
    keep_bytes: int | None = KEEP_BYTES,
    keep_jobs: int | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The app, writing every run's results under results_dir/runs/<id>/ and every study's under
    results_dir/studies/<id>/, and taking up the jobs recorded there (see the module docstring: listed, served, a
    study left unfinished resumed); the globe page needs the Cesium bundle in cesium_dir. warm: fly the default
    scenario once in the background first (see :func:`goldendome.server.jobs.warm_up`). allowed_hosts: the Host
    headers answered (None: any; a loopback server should pass LOOPBACK_HOSTS). token: the one every /api request
    must carry (None: none needed; kept as ``app.state.token``). run_time_limit_s, study_time_limit_s: the longest a
    run and a study may run, s (None: no limit). keep_bytes, keep_jobs: the retention limits on the jobs' folders,
    bytes and jobs (None: no limit). limits: the largest trial a job may ask for (default :func:`server_limits`);
    a scenario beyond them is refused with 422, naming the estimate and the limit, before it is queued."""
    limits = limits or server_limits()
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    results_dir = Path(results_dir)
    cesium_dir = Path(cesium_dir)
    jobs: dict[str, Job] = {}
    pool = ThreadPoolExecutor(max_workers=1)
    warmed, stopping = threading.Event(), threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        # stopping: every job told to stop, the queued ones at once; wait for the running one's next progress report
        stopping.set()
        for job in list(jobs.values()):
            if job.active:
                job.cancel(SERVER_STOPPED)
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    app = FastAPI(
        title="goldendome",
        version=__version__,
        description="Physics-level simulator of a layered homeland missile defence: runs, Monte Carlo "
        "studies and their results; the globe page at /.",
        lifespan=lifespan,
    )
    app.state.token, app.state.stopping = token, stopping
    app.add_middleware(CORSMiddleware, allow_origins=[])  # no other site's page may read or preflight
    app.add_middleware(Guard, token=token)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    def _stop_if_stopping(what: str, frac: float) -> None:
        if stopping.is_set():
            raise Cancelled("the server stopped")

    def _warm_up():
        try:
            warm_up(progress=_stop_if_stopping)
        except Exception:  # a failure here is the first run's to report
            pass
        finally:
            warmed.set()

    if warm:
        pool.submit(_warm_up)
    else:
        warmed.set()

    def _retire_old() -> None:
        """Delete the oldest finished jobs' folders beyond the retention limits, unlisting each first."""
        try:
            retired = to_retire(list(jobs.values()), keep_bytes, keep_jobs)
        except OSError as exc:  # a folder changed under the count (deleted by hand?): next time
            log.warning("could not measure the jobs' folders: %s", exc)
            return
        for old in retired:
            jobs.pop(old.id, None)
            try:
                shutil.rmtree(old.folder)
            except OSError as exc:
                log.warning("could not delete %s %s's folder %s: %s", old.kind, old.id, old.folder, exc)

    def _then_retire(work, job: Job, *args) -> None:
        work(job, *args)
        _retire_old()

    for recorded in load_jobs(results_dir):
        jobs[recorded.id] = recorded
        scn = recover(recorded)
        if scn is not None:
            pool.submit(_then_retire, study_job, recorded, scn, results_dir, recorded.workers)

    async def _request(request: Request, model: type[BaseModel]) -> BaseModel:
        body = await request.body()  # at most MAX_BODY_BYTES: the Guard cut it there
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
                scn = load_builtin(req.builtin)
            else:
                scn = parse_scenario(req.text, source="<upload>", fmt=req.format)
            check_work(scn, limits)
            return scn
        except ScenarioError as exc:
            raise HTTPException(422, {"errors": exc.messages}) from None

    # the job table is read in request threads while the worker unlists retired jobs: readers take a snapshot,
    # list(jobs.values()), which CPython makes without letting another thread in
    def _enqueue(job: Job, scn, work, *args) -> dict:
        active = sum(1 for j in list(jobs.values()) if j.active)
        if active >= MAX_JOBS:
            raise HTTPException(429, f"{active} jobs are queued or running (limit {MAX_JOBS}); try again later")
        try:
            open_job(job, scn, results_dir)  # on disk from now on
        except OSError as exc:
            raise HTTPException(507, f"cannot record the job in {results_dir}: {exc}") from None
        jobs[job.id] = job
        pool.submit(_then_retire, work, job, scn, results_dir, *args)
        return {"id": job.id, "kind": job.kind, "state": job.state}

    def _job(run_id: str) -> Job:
        job = jobs.get(run_id)
        if job is None:
            raise HTTPException(404, f"no run or study {run_id!r}")
        return job

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
            "run_time_limit_s": run_time_limit_s,
            "study_time_limit_s": study_time_limit_s,
            "keep_bytes": keep_bytes,
            "keep_jobs": keep_jobs,
        }

    listing: list[dict] = []

    @app.get("/api/scenarios")
    def scenarios() -> list[dict]:
        """The built-in scenarios (read once: they ship with the package)."""
        if listing:
            return listing
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
        listing.extend(out)
        return out

    @app.post("/api/validate", openapi_extra=_json_body(ValidateRequest))
    async def validate(request: Request) -> JSONResponse:
        """Check a scenario's text ({"text": ..., "format": "yaml" or "toml"}): {ok, errors} with one 'field: what'
        line per problem, the schema's and then the trial's size against the server's limits (what a run would be
        refused for); a valid one also gets its size estimate (``work``)."""
        req = await _request(request, ValidateRequest)
        try:
            s = parse_scenario(req.text, source="<upload>", fmt=req.format)
            work = check_work(s, limits)
        except ScenarioError as exc:
            return JSONResponse({"ok": False, "errors": exc.messages})
        size = {"objects": work.objects, "operations": work.operations, "memory_gib": round(work.memory_gib, 3)}
        return JSONResponse(
            {
                "ok": True,
                "errors": [],
                "name": s.name,
                "threats": len(s.threats),
                "defended": s.defence is not None,
                "work": size,
            }
        )

    @app.post("/api/runs", status_code=202, openapi_extra=_json_body(RunRequest))
    async def start_run(request: Request) -> dict:
        """Start one trial as a background job; returns its id (follow GET /api/runs/{id}/events)."""
        scn = _scenario(await _request(request, RunRequest))
        job = Job(uuid.uuid4().hex[:12], "run", scn.name, time_limit_s=run_time_limit_s)
        return _enqueue(job, scn, run_job)

    @app.post("/api/studies", status_code=202, openapi_extra=_json_body(StudyRequest))
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
        job = Job(
            uuid.uuid4().hex[:12],
            "study",
            scn.name,
            trials=req.trials,
            workers=req.workers,
            time_limit_s=study_time_limit_s,
        )
        return _enqueue(job, scn, study_job, req.workers)

    @app.get("/api/runs")
    def list_runs() -> list[dict]:
        """Every run and study of this server and of the ones before it on its results folder (less those the
        retention limits deleted), oldest first."""
        return [j.public() for j in list(jobs.values())]

    @app.get("/api/runs/{run_id}")
    def run_state(run_id: str) -> dict:
        """A run's or study's state (queued, running, done, failed, cancelled), progress 0-1, stage and finished
        files."""
        return _job(run_id).public()

    @app.delete("/api/runs/{run_id}", status_code=202)
    def cancel_run(run_id: str) -> dict:
        """Cancel a queued or running run or study: a queued one ends 'cancelled' now, a running one at its next
        progress report (a run's next stage, a study's next trial; follow its events); a study keeps its finished
        trials. 409 if it has already ended."""
        job = _job(run_id)
        if not job.active:
            raise HTTPException(409, f"{job.kind} {run_id} has already ended ({job.state}): nothing to cancel")
        job.cancel("cancelled on request")
        return job.public()

    @app.get("/api/runs/{run_id}/events")
    async def run_events(run_id: str) -> StreamingResponse:
        """Server-sent events: the job's state (as GET /api/runs/{id}) each time it changes, the last one final
        (or the last before the server stopped)."""
        job = _job(run_id)

        async def stream():
            last = None
            while True:
                state = job.public()
                change = {k: v for k, v in state.items() if k != "elapsed_s"}  # time alone is no news
                if change != last:
                    yield f"data: {json.dumps(state)}\n\n"
                    last = change
                if state["state"] in FINAL_STATES or stopping.is_set():
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


def serve_app(
    results_dir: Path,
    host: str = "127.0.0.1",
    warm: bool = True,
    token: str | None = None,
    run_time_limit_s: float | None = RUN_TIME_LIMIT_S,
    study_time_limit_s: float | None = STUDY_TIME_LIMIT_S,
    keep_bytes: int | None = KEEP_BYTES,
    keep_jobs: int | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The app ``goldendome serve`` runs: results under results_dir; bound to a loopback host it answers loopback
    Host headers only and needs no token unless given one; told to listen elsewhere it answers any name and needs a
    token, token or a new one (``secrets.token_urlsafe(24)``), which ``app.state.token`` holds. warm: fly the
    default scenario once first. run_time_limit_s, study_time_limit_s, keep_bytes, keep_jobs, limits: as
    :func:`create_app`."""
    loopback = host in LOOPBACK
    if token is None and not loopback:
        token = secrets.token_urlsafe(24)
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise ValueError(f"the token has {len(token)} characters; give at least {MIN_TOKEN_CHARS}")
    return create_app(
        Path(results_dir),
        warm=warm,
        allowed_hosts=LOOPBACK_HOSTS if loopback else None,
        token=token,
        run_time_limit_s=run_time_limit_s,
        study_time_limit_s=study_time_limit_s,
        keep_bytes=keep_bytes,
        keep_jobs=keep_jobs,
        limits=limits,
    )


def server_limits(memory_gib: float | None = None, operations: float | None = None) -> Limits:
    """The largest trial the server runs: memory_gib (default: the smaller of SERVER_MAX_MEMORY_GIB and the
    machine's limit, :func:`goldendome.engine.budget.memory_limit_gib`) and operations (default
    :data:`goldendome.engine.budget.SERVER_MAX_OPERATIONS`)."""
    return Limits(
        memory_gib=memory_gib if memory_gib is not None else min(SERVER_MAX_MEMORY_GIB, memory_limit_gib()),
        operations=operations if operations is not None else SERVER_MAX_OPERATIONS,
        memory_source="the server's --max-memory-gib",
        operations_source="the server's --max-operations",
    )


def run_server(app: FastAPI, host: str, port: int) -> None:
    """Serve app with uvicorn until Ctrl-C or SIGTERM. The first signal tells the app it is stopping
    (``app.state.stopping``), so that its progress streams end at once instead of holding uvicorn's wait for open
    responses (anything else still open is closed after ``SHUTDOWN_GRACE_S``); then the app's shutdown cancels
    every job and waits for the running one to stop at its next progress report."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            app.state.stopping.set()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    try:
        Server(config).run()
    except KeyboardInterrupt:  # uvicorn raises the signal it caught again once stopped (as uvicorn.run, ignored)
        pass


def app_from_environment() -> FastAPI:
    """:func:`serve_app` configured from the environment, for ``uvicorn --factory`` run as its own process (the
    browser test, the load bench): results under $GOLDENDOME_RESULTS (default results/serve), bound to
    $GOLDENDOME_HOST (default 127.0.0.1), warming up first unless $GOLDENDOME_WARM is 0. Beyond loopback its token
    is a new one, known to no one: use ``goldendome serve`` there."""
    results = Path(os.environ.get("GOLDENDOME_RESULTS", "results/serve"))
    warm = os.environ.get("GOLDENDOME_WARM", "1") != "0"
    return serve_app(results, os.environ.get("GOLDENDOME_HOST", "127.0.0.1"), warm)
