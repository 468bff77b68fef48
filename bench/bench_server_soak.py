"""Soak of `goldendome serve` over loopback: bounded concurrent clients for minutes, then errors, throughput and the
server's memory growth.

The real command (``goldendome serve`` next to this Python, on a free loopback port, results in a temporary folder,
its output kept in ``--log``, by default results/bench/server_soak.log) is started, warmed up (its own warm-up
flight, then one run and one study followed to the end, so that every lazy import is done before memory is
measured) and driven by ``--clients`` asyncio clients (httpx, one request in flight each) for ``--duration-s``.
Each client repeats, with a short random pause between, an action drawn from ``MIX``:

* **run**      -- POST /api/runs (the built-in ``SCENARIO`` by name or as text), then its event stream to the end;
* **study**    -- POST /api/studies (``STUDY_TRIALS`` trials), then GET /api/runs/{id} once a second to the end;
* **cancel**   -- a run or a study started, DELETE /api/runs/{id} a moment later, its events to the end;
* **events**   -- the event stream of any job the clients know of, to its final state;
* **download** -- a finished job's file: summary, satellites.json, report.html, a Parquet table, stats.json;
* **validate** -- POST /api/validate of a valid and of an invalid scenario;
* **list**     -- GET /api/runs, /api/scenarios or /api/version.

A 429 to a new job (the server's queue is full) is a correct answer: it is counted as refused and the client waits
``QUEUE_FULL_PAUSE_S``; so is a 409 to a DELETE of a job that had already ended. Everything else is checked: an
error is a 5xx, any other unexpected status, a connection error, a timeout (a request over ``REQUEST_TIMEOUT_S``,
a job not final within ``JOB_TIMEOUT_S``: a hang), a job that failed or ended otherwise than asked, an answer
whose body is wrong (not strict JSON, not Parquet, an event stream ending before the job), a traceback in the
server's log, or a server that does not stop within ``STOP_TIMEOUT_S`` of one Ctrl-C (SIGINT) at the end.

The report: each endpoint's answers by class (2xx, 429, other expected 4xx, errors) with latency percentiles,
requests per second and jobs finished per minute, the server's resident memory (VmRSS of /proc/<pid>/status,
sampled every second from the start of the load: start, end, peak, each minute's mean and the second half's
slope), the results folder's disk use, how the server stopped, and the tracebacks in its log. Exit status 1 if any
error occurred, or if the least-squares slope of RSS over the second half of the load is over ``--max-rss-slope``
MiB per minute (see ``MAX_RSS_SLOPE_MIB_PER_MIN`` for why that figure).

    python bench/bench_server_soak.py                          # 8 clients for 5 minutes
    python bench/bench_server_soak.py --duration-s 180 --clients 4
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from goldendome.scenario.loader import builtin_text

SCENARIO = "default"
"""The built-in scenario every job flies: the quickest defended one (a run about 3 s, a 3-trial study about 6 s on
two cores)."""
STUDY_TRIALS = 2
"""Trials of each study: a few, so that studies finish and interleave with runs."""

MIX = {"run": 3, "study": 1, "cancel": 1, "events": 1, "download": 4, "validate": 2, "list": 2}
"""Relative frequency of each client action (reads outnumber jobs, as when people look at results)."""

THINK_S = 0.2
"""Mean pause between a client's actions (exponential): a busier than human pace that still leaves the job thread,
which shares the server's interpreter with the requests, room to run on two cores."""

QUEUE_FULL_PAUSE_S = 1.0
"""How long a client waits after a 429 (queue full) before its next action."""

REQUEST_TIMEOUT_S = 60.0
"""Longest wait for an answer (headers and body, or an event stream's headers); past it the request is a timeout.
Answers take milliseconds to a second even on a loaded two-core machine: a minute means a hang."""

JOB_TIMEOUT_S = 600.0
"""Longest a client follows one job to its end (the queue holds at most a few jobs of seconds each); past it the
job counts as hung."""

STREAM_TIMEOUT = httpx.Timeout(REQUEST_TIMEOUT_S, read=None)
"""An event stream's: no limit between two events (a queued job may show no change for a while); JOB_TIMEOUT_S
bounds the whole stream."""

START_TIMEOUT_S = 300.0
"""Longest wait for the server to answer and finish its warm-up flight."""

STOP_TIMEOUT_S = 30.0
"""Longest a server may take to stop after one SIGINT: its shutdown grace for open responses (5 s) plus the
running job's next progress report (at most about 8 s for the built-in scenarios, see server/jobs.py), with room."""

MAX_RSS_SLOPE_MIB_PER_MIN = 10.0
"""Largest RSS slope (MiB per minute) over the second half of the load that passes. After warm-up the server's
memory should be flat once its allocator has grown to the working set of a job and a few requests (about the first
minute here): it keeps a small record per job (results go to disk) and each job's arrays are freed when it ends,
which shows as a saw-tooth of 10-40 MiB, not a trend. Measured on the 2-core development machine, default mix,
8 clients: over 150 s windows from the second minute on the slope's spread is 0.5-1.7 MiB/min (standard deviation;
runs only, studies only, the mix, 10 minutes each), and the second halves of two 5-minute soaks read +5.8 and
+0.1 MiB/min. 10 MiB/min is above that noise and still catches a leak of 0.4 MiB per job at the 25-43 jobs a minute
this mix finished (one job's arrays, tens of MiB, kept per job would read hundreds); for a finer bound soak longer
(the fit's noise falls as the window grows)."""

KEEPALIVE_EXPIRY_S = 2.0
"""How long the clients keep an idle connection for reuse: under uvicorn's 5 s keep-alive timeout, so that a client
never sends on a connection the server is closing at that moment (the HTTP/1.1 keep-alive race, which httpx reports
as a ReadError with no request reaching the server; seen once in a 10-minute soak with httpx's default of 5 s)."""

FINAL_STATES = ("done", "failed", "cancelled")
RUN_DOWNLOADS = {
    "GET /api/runs/{id}/summary": "summary",
    "GET /api/runs/{id}/files/satellites.json": "files/satellites.json",
    "GET /api/runs/{id}/report.html": "report.html",
    "GET /api/runs/{id}/files/trajectories.parquet": "files/trajectories.parquet",
}
STUDY_DOWNLOADS = {
    "GET /api/runs/{id}/files/stats.json": "files/stats.json",
    "GET /api/runs/{id}/report.html": "report.html",
    "GET /api/runs/{id}/files/trials.parquet": "files/trials.parquet",
}
LISTINGS = ("/api/runs", "/api/scenarios", "/api/version")
EXPECTED = {"POST /api/runs": (202, 429), "POST /api/studies": (202, 429), "DELETE /api/runs/{id}": (202, 409)}
"""Statuses each endpoint may answer (any other: 200 only)."""

INVALID_SCENARIO = "name: broken\nepoch: 2026-07-04T12:00:00Z\nthreats: [{name: M1, missile: no-such-missile}]\n"


@dataclass
class Tally:
    """What the clients saw: each endpoint's answers by class and latencies, the errors, how the followed jobs
    ended, every job started (for the extra event streams) and those done (for the downloads)."""

    latencies_s: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    classes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, what)
    jobs: Counter = field(default_factory=Counter)
    known: list[str] = field(default_factory=list)
    finished: dict[str, list[str]] = field(default_factory=lambda: {"run": [], "study": []})

    def answer(self, endpoint: str, status: int, latency_s: float, what: str) -> bool:
        """Record an answer; True if it is one the endpoint may give."""
        self.latencies_s[endpoint].append(latency_s)
        if status in EXPECTED.get(endpoint, (200,)):
            klass = "429" if status == 429 else f"{status // 100}xx"
            self.classes[endpoint][klass] += 1
            return True
        self.error(endpoint, "5xx" if status >= 500 else "unexpected status", f"{status} {what}")
        return False

    def error(self, endpoint: str, kind: str, what: str) -> None:
        self.classes[endpoint]["errors"] += 1
        self.errors.append((kind, f"{endpoint}: {what}"))


def strict_json(text: str):
    """text parsed as JSON, refusing NaN and Infinity (which the page's JSON.parse refuses)."""

    def refuse(constant: str):
        raise ValueError(f"non-finite number {constant} in JSON")

    return json.loads(text, parse_constant=refuse)


async def call(client: httpx.AsyncClient, tally: Tally, method: str, path: str, endpoint: str, **kw):
    """One request, recorded under endpoint; the response if its status is one the endpoint may give, else None."""
    t0 = time.perf_counter()
    try:
        r = await client.request(method, path, **kw)
    except httpx.TimeoutException as exc:
        tally.error(endpoint, "timeout", f"{method} {path}: {type(exc).__name__} after {REQUEST_TIMEOUT_S:g} s")
        return None
    except httpx.TransportError as exc:
        tally.error(endpoint, "connection", f"{method} {path}: {type(exc).__name__}: {exc}")
        return None
    ok = tally.answer(endpoint, r.status_code, time.perf_counter() - t0, f"{method} {path}: {r.text[:300]}")
    return r if ok else None


async def submit(client: httpx.AsyncClient, tally: Tally, kind: str) -> str | None:
    """Start a run or a study of SCENARIO: its id, or None if refused (then after a pause) or failed."""
    body: dict = {"builtin": SCENARIO} if random.random() < 0.5 else {"text": builtin_text(SCENARIO)}
    path = "/api/runs" if kind == "run" else "/api/studies"
    if kind == "study":
        body["trials"] = STUDY_TRIALS
    r = await call(client, tally, "POST", path, f"POST {path}", json=body)
    if r is None:
        return None
    if r.status_code == 429:
        tally.jobs["refused (queue full)"] += 1
        await asyncio.sleep(QUEUE_FULL_PAUSE_S)
        return None
    job = r.json()["id"]
    tally.known.append(job)
    return job


async def _read_events(response: httpx.Response) -> dict | None:
    state = None
    async for line in response.aiter_lines():
        if line.startswith("data: "):
            state = json.loads(line.removeprefix("data: "))
    return state


async def follow_events(client: httpx.AsyncClient, tally: Tally, job: str) -> dict | None:
    """The job's event stream read to its end: its final state, or None (an error recorded)."""
    endpoint = "GET /api/runs/{id}/events"
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(JOB_TIMEOUT_S):
            async with client.stream("GET", f"/api/runs/{job}/events", timeout=STREAM_TIMEOUT) as r:
                if not tally.answer(endpoint, r.status_code, time.perf_counter() - t0, f"{job}"):
                    return None
                state = await _read_events(r)
    except TimeoutError:
        tally.error(endpoint, "timeout", f"{job} not final within {JOB_TIMEOUT_S:g} s")
        return None
    except httpx.TimeoutException as exc:
        tally.error(endpoint, "timeout", f"{job}: {type(exc).__name__}")
        return None
    except httpx.TransportError as exc:
        tally.error(endpoint, "connection", f"{job}: {type(exc).__name__}: {exc}")
        return None
    if state is None or state["state"] not in FINAL_STATES:
        tally.error(endpoint, "bad answer", f"{job}: the stream ended before the job did (last: {state})")
        return None
    return state


async def poll(client: httpx.AsyncClient, tally: Tally, job: str) -> dict | None:
    """GET /api/runs/{id} once a second until the job's final state (None: an error recorded)."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        r = await call(client, tally, "GET", f"/api/runs/{job}", "GET /api/runs/{id}")
        if r is None:
            return None
        if (state := r.json())["state"] in FINAL_STATES:
            return state
        await asyncio.sleep(1.0)
    tally.error("GET /api/runs/{id}", "timeout", f"{job} not final within {JOB_TIMEOUT_S:g} s")
    return None


def ended(tally: Tally, state: dict | None, expected: tuple[str, ...]) -> None:
    """Record a followed job's end: a finished one joins the downloads, one that ended otherwise is an error."""
    if state is None:
        return
    tally.jobs[f"{state['kind']} {state['state']}"] += 1
    if state["state"] not in expected:
        tally.error(f"{state['kind']} job", "job", f"{state['id']} ended {state['state']}: {state['error']}")
    elif state["state"] == "done":
        tally.finished[state["kind"]].append(state["id"])


async def act_run(client: httpx.AsyncClient, tally: Tally) -> None:
    if (job := await submit(client, tally, "run")) is not None:
        ended(tally, await follow_events(client, tally, job), ("done",))


async def act_study(client: httpx.AsyncClient, tally: Tally) -> None:
    if (job := await submit(client, tally, "study")) is not None:
        ended(tally, await poll(client, tally, job), ("done",))


async def act_cancel(client: httpx.AsyncClient, tally: Tally) -> None:
    """A job cancelled a moment after it was asked for: it ends cancelled, or done if it ended first (409), or if
    the DELETE came during its last stage, after its last progress report."""
    if (job := await submit(client, tally, random.choice(("run", "study")))) is None:
        return
    await asyncio.sleep(random.uniform(0.0, 3.0))
    if await call(client, tally, "DELETE", f"/api/runs/{job}", "DELETE /api/runs/{id}") is not None:
        ended(tally, await follow_events(client, tally, job), ("cancelled", "done"))


async def act_events(client: httpx.AsyncClient, tally: Tally) -> None:
    """A second watcher on any job (its owner checks how it ends)."""
    if tally.known:
        await follow_events(client, tally, random.choice(tally.known))


def check_body(endpoint: str, r: httpx.Response) -> str | None:
    """What is wrong with a downloaded file, None if nothing: JSON must be strict, Parquet must be Parquet."""
    if endpoint.endswith(".parquet"):
        ok = r.content[:4] == b"PAR1" and r.content[-4:] == b"PAR1"
        return None if ok else f"not a Parquet file ({len(r.content)} bytes)"
    if endpoint.endswith(".html"):
        return None if r.content.lstrip().lower().startswith(b"<!doctype html") else "not an HTML page"
    try:
        strict_json(r.text)
    except ValueError as exc:
        return f"not strict JSON: {exc}"
    return None


async def act_download(client: httpx.AsyncClient, tally: Tally) -> None:
    kind = random.choice(("run", "run", "study"))
    if not tally.finished[kind]:
        return
    job = random.choice(tally.finished[kind])
    endpoint, tail = random.choice(list((RUN_DOWNLOADS if kind == "run" else STUDY_DOWNLOADS).items()))
    if (r := await call(client, tally, "GET", f"/api/runs/{job}/{tail}", endpoint)) is not None:
        if (why := check_body(endpoint, r)) is not None:
            tally.error(endpoint, "bad answer", f"{job}: {why}")


async def act_validate(client: httpx.AsyncClient, tally: Tally) -> None:
    valid = random.random() < 0.5
    text = builtin_text(SCENARIO) if valid else INVALID_SCENARIO
    endpoint = "POST /api/validate"
    r = await call(client, tally, "POST", "/api/validate", endpoint, json={"text": text, "format": "yaml"})
    if r is not None and r.json()["ok"] is not valid:
        tally.error(endpoint, "bad answer", f"a{'' if valid else 'n in'}valid scenario answered {r.text[:300]}")


async def act_list(client: httpx.AsyncClient, tally: Tally) -> None:
    path = random.choice(LISTINGS)
    if (r := await call(client, tally, "GET", path, f"GET {path}")) is not None:
        if (why := check_body(path, r)) is not None:
            tally.error(f"GET {path}", "bad answer", why)


ACTIONS = {
    "run": act_run,
    "study": act_study,
    "cancel": act_cancel,
    "events": act_events,
    "download": act_download,
    "validate": act_validate,
    "list": act_list,
}


async def client_loop(client: httpx.AsyncClient, tally: Tally, deadline: float) -> None:
    names, weights = list(MIX), list(MIX.values())
    while time.monotonic() < deadline:
        action = random.choices(names, weights)[0]
        try:
            await ACTIONS[action](client, tally)
        except (ValueError, KeyError, TypeError) as exc:  # an answer that is not the JSON the API documents
            tally.error(action, "bad answer", f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(random.expovariate(1.0 / THINK_S))


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process (VmRSS), MiB; None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    except FileNotFoundError:
        return None
    return None


async def sample_rss(pid: int, t0: float, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    """(s since t0, RSS MiB) every second until stop."""
    while not stop.is_set():
        if (rss := rss_mib(pid)) is not None:
            samples.append((time.monotonic() - t0, rss))
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass


async def warm_up(client: httpx.AsyncClient, tally: Tally) -> None:
    """One run and one study followed to the end (recorded in a tally of their own), so that the load starts with
    every import done and with files to download."""
    for act in (act_run, act_study):
        while not tally.finished["run" if act is act_run else "study"]:
            await act(client, tally)
            if tally.errors:
                raise SystemExit(f"the warm-up failed: {tally.errors[0][1]}")


async def soak(base: str, pid: int, clients: int, duration_s: float) -> tuple[Tally, list, float]:
    """The load: (what the clients saw, the RSS samples, its wall time s)."""
    limits = httpx.Limits(max_connections=clients, keepalive_expiry=KEEPALIVE_EXPIRY_S)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        warm = Tally()
        await warm_up(client, warm)
        tally = Tally(known=list(warm.known), finished=warm.finished)
        samples: list[tuple[float, float]] = []
        stop = asyncio.Event()
        t0 = time.monotonic()
        sampler = asyncio.create_task(sample_rss(pid, t0, samples, stop))
        await asyncio.gather(*(client_loop(client, tally, t0 + duration_s) for _ in range(clients)))
        wall_s = time.monotonic() - t0
        stop.set()
        await sampler
    return tally, samples, wall_s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(results: Path, log) -> tuple[subprocess.Popen, str]:
    """`goldendome serve` of this Python's environment on a free loopback port, once it answers and is warm."""
    command = Path(sys.executable).parent / "goldendome"
    if not command.is_file():
        raise SystemExit(f"no {command}: run this with the Python of the environment goldendome is installed in")
    port = free_port()
    proc = subprocess.Popen(
        [str(command), "serve", "--port", str(port), "--results", str(results)], stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/api/version", timeout=5.0).json()["warm"]:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the server did not start and warm up within {START_TIMEOUT_S:g} s (see {log.name})")


def stop_server(proc: subprocess.Popen) -> tuple[float | None, int | None]:
    """One SIGINT (a Ctrl-C), then wait: (seconds it took, exit status), (None, None) if it had to be killed."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        status = proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None, None
    return time.monotonic() - t0, status


def disk_use(folder: Path) -> tuple[int, int]:
    """(bytes on disk, files) under folder."""
    used, files = 0, 0
    for root, _, names in os.walk(folder):
        for name in names:
            used += os.lstat(os.path.join(root, name)).st_blocks * 512
            files += 1
    return used, files


def tracebacks(log_path: Path) -> list[str]:
    """Each traceback in the server's log, as its last line (the exception) with the line that opened it."""
    lines = log_path.read_text(errors="replace").splitlines()
    found = []
    for i, line in enumerate(lines):
        if "Traceback (most recent call last)" in line:
            end = next((j for j in range(i + 1, len(lines)) if not lines[j].startswith((" ", "\t"))), len(lines) - 1)
            found.append(f"line {i + 1}: {lines[end].strip()}")
    return found


def percentiles_ms(latencies_s: list[float]) -> tuple[float, float, float]:
    ms = np.asarray(latencies_s) * 1e3
    if not ms.size:
        return (np.nan,) * 3
    p50, p95 = np.percentile(ms, [50, 95])
    return p50, p95, ms.max()


def endpoint_table(tally: Tally) -> list[str]:
    head = (
        f"{'endpoint':46} {'n':>6} {'2xx':>6} {'429':>5} {'4xx':>5} {'errors':>6}"
        f" {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    )
    rows = [head, "-" * len(head)]
    for endpoint in sorted(tally.classes, key=lambda e: e.split(" ", 1)[::-1]):
        c = tally.classes[endpoint]
        p50, p95, top = percentiles_ms(tally.latencies_s.get(endpoint, []))
        rows.append(
            f"{endpoint:46} {sum(c.values()):>6,} {c['2xx']:>6,} {c['429']:>5,} {c['4xx']:>5,} {c['errors']:>6,}"
            f" {p50:>8.1f} {p95:>8.1f} {top:>8.1f}"
        )
    return rows


@dataclass(frozen=True)
class Memory:
    """The server's RSS over the load, MiB: at its start (after warm-up), end and peak, and the least-squares slope
    over its second half, MiB per minute."""

    start: float
    end: float
    peak: float
    slope_per_min: float
    samples: int
    minutes: tuple[float, ...]  # the mean of each whole minute


def memory(samples: list[tuple[float, float]]) -> Memory:
    t, rss = np.asarray(samples).T
    late = t >= t[-1] / 2
    slope_per_s = np.polyfit(t[late], rss[late], 1)[0] if late.sum() >= 2 else np.nan
    minutes = tuple(rss[(t >= 60.0 * m) & (t < 60.0 * (m + 1))].mean() for m in range(int(t[-1] // 60)))
    return Memory(rss[0], rss[-1], rss.max(), 60.0 * slope_per_s, len(t), minutes)


def report(tally: Tally, mem: Memory, wall_s: float, traces: list[str], stop, disk, args) -> list[str]:
    """The printed report; returns the reasons to fail (empty: pass)."""
    n = sum(len(v) for v in tally.latencies_s.values())
    ended_jobs = sum(v for k, v in tally.jobs.items() if k.split()[-1] in FINAL_STATES)
    print(f"\n{args.clients} clients for {wall_s:.0f} s ({os.cpu_count()} cores, shared with the clients)\n")
    print("\n".join(endpoint_table(tally)))
    print("(event streams: latency to the answer's headers; 429: refused, queue full; 4xx: 409 to a late DELETE)\n")
    print(f"throughput   {n / wall_s:.1f} requests/s, {60.0 * ended_jobs / wall_s:.1f} jobs finished per minute")
    print("jobs         " + ", ".join(f"{k} {v}" for k, v in sorted(tally.jobs.items())))
    print(
        f"memory       RSS {mem.start:.0f} MiB at the start (after warm-up), {mem.end:.0f} at the end, "
        f"{mem.peak:.0f} at peak; second half {mem.slope_per_min:+.2f} MiB/min "
        f"(limit {args.max_rss_slope:g}; {mem.samples} samples)"
    )
    print("             mean of each minute: " + ", ".join(f"{m:.0f}" for m in mem.minutes) + " MiB")
    print(f"disk         {disk[0] / 2**20:.1f} MiB in {disk[1]:,} files under the results folder")
    stopped = "did not stop: killed" if stop[0] is None else f"stopped in {stop[0]:.1f} s, exit status {stop[1]}"
    print(f"shutdown     one SIGINT: {stopped}")
    print(f"server log   {args.log}: {len(traces)} traceback(s)")
    for line in traces[:10]:
        print(f"  {line}")
    kinds = Counter(kind for kind, _ in tally.errors)
    print(f"errors       {len(tally.errors)}" + "".join(f", {k} {v}" for k, v in sorted(kinds.items())))
    for _, what in tally.errors[:20]:
        print(f"  {what}")
    failures = []
    if tally.errors:
        failures.append(f"{len(tally.errors)} error(s)")
    if traces:
        failures.append(f"{len(traces)} traceback(s) in the server's log")
    if stop[0] is None:
        failures.append(f"the server did not stop within {STOP_TIMEOUT_S:g} s of one SIGINT")
    if not mem.slope_per_min <= args.max_rss_slope:
        failures.append(f"RSS grew {mem.slope_per_min:.2f} MiB/min over the second half (limit {args.max_rss_slope:g})")
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration-s", type=float, default=300.0, help="seconds of load after warm-up (default 300)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument(
        "--max-rss-slope",
        type=float,
        default=MAX_RSS_SLOPE_MIB_PER_MIN,
        help=f"largest RSS slope over the second half that passes, MiB/min (default {MAX_RSS_SLOPE_MIB_PER_MIN:g})",
    )
    ap.add_argument(
        "--log", type=Path, default=Path("results/bench/server_soak.log"), help="the server's output (kept)"
    )
    args = ap.parse_args()
    if args.duration_s <= 0 or args.clients < 1:
        ap.error("--duration-s must be positive and --clients at least 1")
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="goldendome-soak-") as tmp, args.log.open("w") as log:
        proc, base = start_server(Path(tmp), log)
        try:
            tally, samples, wall_s = asyncio.run(soak(base, proc.pid, args.clients, args.duration_s))
        finally:
            stop = stop_server(proc)
        disk = disk_use(Path(tmp))
    failures = report(tally, memory(samples), wall_s, tracebacks(args.log), stop, disk, args)
    print("\nFAIL: " + "; ".join(failures) if failures else "\nPASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
