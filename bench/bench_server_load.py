"""Load on `goldendome serve` over loopback: a steady request rate against the validation and results endpoints.

A real server (uvicorn in a subprocess, on a free loopback port, results in a temporary folder) runs one trial of a
small defended scenario first (set up with httpx), so that its results exist; then an open-loop asyncio client sends
requests at a fixed rate, whatever the answers' speed (over ``CONNECTIONS`` keep-alive connections), round-robin
over:

* POST /api/validate           -- a scenario checked (parsing and pydantic validation)
* GET  /api/runs/{id}          -- a job's state
* GET  /api/runs/{id}/summary  -- a results file read from disk
* GET  /api/runs/{id}/files/satellites.json

and prints each endpoint's latency percentiles (p50, p95, p99, max, ms, from when a request was due), its errors
(non-2xx answers and transport failures) and the server's CPU time per request. Exit status 1 if any request failed.

    python bench/bench_server_load.py                   # 200 requests/s for 30 s
    python bench/bench_server_load.py --rate 500 --duration 10
    python bench/bench_server_load.py --quick           # 50 requests/s for 5 s
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

SCENARIO = """
name: bench run
epoch: 2026-07-04T12:00:00Z
duration_min: 15
seed: 4
threats:
  - {name: M1, missile: mrbm-solid-2stage, launch: {lat_deg: 35.0, lon_deg: -130.0}, aim: {name: los-angeles}}
defence:
  tracks: truth
  latency_s: 0
  batteries:
    - {name: thaad-la, interceptor: thaad, site: {name: los-angeles}, launchers: 1}
"""


CONNECTIONS = 16
"""Keep-alive connections of the client, each with one request in flight (more requests wait their turn in the
client's queue, and that wait counts in their latency)."""


def _cpu_s(pid: int) -> float:
    """CPU time (user + system, s) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(results: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "goldendome.server.app:app_from_environment",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, "GOLDENDOME_RESULTS": str(results)},
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):  # up, and its warm-up flight done (it would otherwise share the CPU with the load)
        try:
            if httpx.get(f"{base}/api/version", timeout=1.0).json()["warm"]:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start within 120 s")


def one_run(base: str) -> str:
    """A finished run's id (its results are what the load reads)."""
    run = httpx.post(f"{base}/api/runs", json={"text": SCENARIO}).json()["id"]
    for _ in range(1200):
        state = httpx.get(f"{base}/api/runs/{run}").json()
        if state["state"] == "done":
            return run
        if state["state"] == "failed":
            raise SystemExit(f"the bench run failed: {state['error']}")
        time.sleep(0.1)
    raise SystemExit("the bench run did not finish within 120 s")


async def _connection(host: str, port: int, queue: asyncio.Queue, stats: dict) -> None:
    """One keep-alive HTTP/1.1 connection taking requests off the queue until it gets None. Written on asyncio
    streams rather than httpx: httpx spends several ms of CPU per request, and on a small machine the client would
    then be what is measured, not the server."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (item := await queue.get()) is not None:
            due, name, raw = item
            latencies, errors = stats[name]
            try:
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                ok = 200 <= status < 300
            except (OSError, ValueError, StopIteration, asyncio.IncompleteReadError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            latencies.append(time.perf_counter() - due)  # from when it was due: waiting in the queue counts
            if not ok:
                errors[0] += 1
    finally:
        writer.close()


def _raw(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
    return (head + ("Content-Type: application/json\r\n" if body else "") + "\r\n").encode() + body


async def load(base: str, run: str, rate: float, duration_s: float) -> tuple[dict, float]:
    """Requests at `rate` per second for `duration_s`: {endpoint: (latencies s, [errors])}, and the wall time."""
    requests = [
        ("POST /api/validate", _raw("POST", "/api/validate", json.dumps({"text": SCENARIO}).encode())),
        ("GET /api/runs/{id}", _raw("GET", f"/api/runs/{run}")),
        ("GET /api/runs/{id}/summary", _raw("GET", f"/api/runs/{run}/summary")),
        ("GET /api/runs/{id}/files/satellites.json", _raw("GET", f"/api/runs/{run}/files/satellites.json")),
    ]
    stats = {name: ([], [0]) for name, _ in requests}
    host, port = base.removeprefix("http://").split(":")
    queue: asyncio.Queue = asyncio.Queue()
    workers = [asyncio.create_task(_connection(host, int(port), queue, stats)) for _ in range(CONNECTIONS)]
    start = time.perf_counter()
    for i in range(int(rate * duration_s)):  # open loop: request i is due at i / rate, answered or not the others
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        name, raw = requests[i % len(requests)]
        queue.put_nowait((start + i / rate, name, raw))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return stats, time.perf_counter() - start


def report(stats: dict, wall_s: float, rate: float, duration_s: float) -> int:
    total = sum(len(lat) for lat, _ in stats.values())
    errors = sum(err[0] for _, err in stats.values())
    print(
        f"\n{total:,} requests in {wall_s:.1f} s (asked: {rate:g}/s for {duration_s:g} s; "
        f"achieved {total / wall_s:,.0f}/s), {errors} error(s)\n"
    )
    head = f"{'endpoint':44} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(head)
    print("-" * len(head))
    every = [x for latencies, _ in stats.values() for x in latencies]
    for name, (latencies, err) in [*stats.items(), ("all", (every, [errors]))]:
        ms = np.asarray(latencies) * 1e3
        p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if ms.size else (np.nan,) * 3
        print(f"{name:44} {ms.size:>6,} {err[0]:>6} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {ms.max(initial=0):>8.1f}")
    return 1 if errors else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    ap.add_argument("--quick", action="store_true", help="50 requests/s for 5 s")
    args = ap.parse_args()
    rate, duration = (50.0, 5.0) if args.quick else (args.rate, args.duration)
    if rate <= 0 or duration <= 0:
        ap.error("--rate and --duration must be positive")
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp))
        try:
            run = one_run(base)
            cpu0 = _cpu_s(proc.pid)
            stats, wall_s = asyncio.run(load(base, run, rate, duration))
            server_cpu_s = _cpu_s(proc.pid) - cpu0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    status = report(stats, wall_s, rate, duration)
    n = sum(len(lat) for lat, _ in stats.values())
    print(
        f"\nserver CPU {server_cpu_s:.1f} s: {1e3 * server_cpu_s / max(n, 1):.2f} ms per request "
        f"({os.cpu_count()} cores here, shared with this client)"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
