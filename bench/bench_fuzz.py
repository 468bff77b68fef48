"""Fuzzing at scale (issue 19, deliverable 6): 10,000 careless and hostile inputs through the scenario loader, the
command line and the HTTP API, counting what is accepted, what is refused, and what must never happen: a traceback,
a server error (5xx), a hang, or a refusal that does not say where and what.

The inputs are tests/test_fuzz_scenario.py's (``SCENARIO_CASES``: documents drawn from the JSON Schema, built-in
scenarios with a field redrawn from its schema, both mutated, and texts written to hurt, as YAML or TOML), drawn by
Hypothesis from a fixed seed. Each drawn text goes

* through ``parse_scenario``: accepted, a Scenario with a finite work estimate and strict JSON; refused, a
  ScenarioError of 'where: what' lines (anything else breaks the invariant); any other exception is a traceback;
* as one request to the server's app, in-process (starlette's TestClient): most to ``POST /api/validate``, some to
  ``POST /api/runs`` and ``/api/studies`` (a job started is cancelled at once), some in a hostile shape (text/plain,
  another origin, an oversize or broken body, no token where one is needed, odd job ids and file names); a 2xx is
  accepted, a 4xx refused, a 5xx a server error;
* one in ``CLI_EVERY`` through ``goldendome scenario validate FILE`` (typer's CliRunner): exit status 0 (accepted)
  or 2 (refused); another status, or a traceback in the output, is a traceback.

Each of these is a case, with a time limit (--timeout, default 10 s, by ``signal.setitimer``): a case still running
then, or finished after it, is a hang. Prints a table of each path's cases, accepted, refused, tracebacks, 5xx,
hangs and broken refusals, and the slowest case; writes every failing input to --out; exit status 1 on any failure.

    python bench/bench_fuzz.py                  # 10,000 cases (about 9 minutes on 2 cores)
    python bench/bench_fuzz.py --cases 300      # a quick look
"""

import argparse
import json
import math
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from hypothesis import HealthCheck, Phase, given, seed, settings
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from starlette.testclient import TestClient
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from goldendome.cli.main import app as cli_app  # noqa: E402
from goldendome.server.app import LOOPBACK_HOSTS, MAX_BODY_BYTES, create_app  # noqa: E402
from test_fuzz_scenario import SCENARIO_CASES, Case, check_parse  # noqa: E402

CLI_EVERY = 10
"""One drawn text in this many also goes through the command line (a CliRunner call costs a few parses)."""
TOKEN = "bench-fuzz-token-0123456789"
JOB_TIME_LIMIT_S = 5.0
"""Longest a job that escaped its cancellation may run (it stops at its next progress report past this)."""
ODD_NAMES = ["../../etc/passwd", "summary.json", "%00", "..", "scene.czml", "a" * 300, "stats.json", "report.html"]


class Hang(Exception):
    """A case still running at its time limit."""


@dataclass
class Tally:
    """What the cases of one path came to, and its slowest case."""

    outcomes: Counter = field(default_factory=Counter)
    slowest_s: float = 0.0
    slowest: str = ""


OUTCOMES = ("accepted", "refused", "traceback", "5xx", "hang", "broken")
FAILURES = ("traceback", "5xx", "hang", "broken")


def timed(work, timeout_s: float) -> tuple[str, str, float]:
    """(outcome, detail, seconds) of work(), which returns (outcome, detail): 'hang' if it runs past timeout_s,
    'traceback' (with it) if it raises."""

    def alarm(signum, frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    t0 = time.perf_counter()
    try:
        outcome, detail = work()
    except Hang:
        outcome, detail = "hang", f"still running after {timeout_s:g} s"
    except Exception:
        outcome, detail = "traceback", traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - t0
    if elapsed > timeout_s and outcome != "hang":
        outcome, detail = "hang", f"took {elapsed:.1f} s, over the {timeout_s:g} s limit ({outcome})"
    return outcome, detail, elapsed


def parse_case(case: Case):
    """The loader's invariant (tests/test_fuzz_scenario.py's check_parse)."""
    try:
        return ("accepted" if check_parse(case.text, case.fmt) is not None else "refused"), ""
    except AssertionError as exc:
        return "broken", str(exc)


def cli_case(case: Case, folder: Path):
    """``goldendome scenario validate FILE``: exit 0 or 2, never a traceback."""
    path = folder / f"case.{case.fmt}"
    path.write_bytes(case.text.encode("utf-8", "surrogatepass"))  # a lone surrogate: bytes that are not UTF-8
    res = CliRunner().invoke(cli_app, ["scenario", "validate", str(path)])
    clean = (res.exception is None or isinstance(res.exception, SystemExit)) and "Traceback" not in res.output
    if clean and res.exit_code in (0, 2):
        return ("accepted" if res.exit_code == 0 else "refused"), ""
    where = "".join(traceback.format_exception(*res.exc_info)) if res.exc_info else ""
    return "traceback", f"exit status {res.exit_code}\n{res.output}\n{where}"


def _quoted(text: str, n: int = 40) -> str:
    return quote(text[:n].encode("utf-8", "surrogatepass"), safe="") or "x"


def api_request(case: Case, i: int) -> tuple[str, str, str, dict]:
    """(app, method, url, request options) of the i-th drawn text: 'open' is the loopback app, 'token' the one
    that needs a token. Half the texts are validated, the rest start jobs or come in a hostile shape."""
    body = {"text": case.text, "format": case.fmt}
    as_json = {"content-type": "application/json"}
    shape = i % 20
    if shape < 10:
        return "open", "POST", "/api/validate", {"content": json.dumps(body), "headers": as_json}
    if shape < 12:
        return "open", "POST", "/api/runs", {"content": json.dumps(body), "headers": as_json}
    if shape == 12:
        return "open", "POST", "/api/studies", {"content": json.dumps({**body, "trials": 2}), "headers": as_json}
    if shape == 13:  # the "simple" request another site's page may send
        return "open", "POST", "/api/runs", {"content": case.text.encode("utf-8", "replace"), "headers": {}}
    if shape == 14:
        headers = {**as_json, "origin": "http://evil.example"}
        return "open", "POST", "/api/validate", {"content": json.dumps(body), "headers": headers}
    if shape == 15:  # over the limit as it streams
        padded = {**body, "text": case.text + " " * MAX_BODY_BYTES}
        return "open", "POST", "/api/validate", {"content": json.dumps(padded), "headers": as_json}
    if shape == 16:  # JSON cut in half
        text = json.dumps(body)
        return "open", "POST", "/api/validate", {"content": text[: len(text) // 2], "headers": as_json}
    if shape == 17:  # without the token, or (one in three) with it
        headers = {**as_json, **({"authorization": f"Bearer {TOKEN}"} if i % 3 == 0 else {})}
        return "token", "POST", "/api/validate", {"content": json.dumps(body), "headers": headers}
    name = ODD_NAMES[i % len(ODD_NAMES)]
    if shape == 18:
        return "open", "GET", f"/api/runs/{_quoted(case.text)}/files/{quote(name, safe='')}", {}
    return "open", "DELETE", f"/api/runs/{_quoted(case.text)}", {}


def api_case(clients: dict, case: Case, i: int):
    """One request; a job it starts is cancelled at once. A 2xx is accepted (a validation only if its answer is ok), a
    4xx refused, a 5xx a server error."""
    which, method, url, options = api_request(case, i)
    response = clients[which].request(method, url, **options)
    if response.status_code == 202 and method == "POST":
        clients[which].delete(f"/api/runs/{response.json()['id']}")
    if response.status_code >= 500:
        return "5xx", f"{method} {url} -> {response.status_code}\n{response.text[:2000]}"
    accepted = response.status_code < 400 and (url != "/api/validate" or response.json()["ok"])
    return ("accepted" if accepted else "refused"), str(response.status_code)


def report(tallies: dict[str, Tally], statuses: Counter, console: Console, elapsed_s: float) -> None:
    table = Table(title="Fuzzing (issue 19, deliverable 6)", title_justify="left", header_style="bold")
    table.add_column("path", justify="left")
    for name in ("cases", *OUTCOMES):
        table.add_column(name, justify="right")
    table.add_column("slowest, s", justify="right")
    total = Counter()
    for path, t in tallies.items():
        total.update(t.outcomes)
        cells = [sum(t.outcomes.values()), *(t.outcomes[o] for o in OUTCOMES)]
        table.add_row(path, *(f"{c:,}" for c in cells), f"{t.slowest_s:.3f}")
    slowest = max(tallies.values(), key=lambda t: t.slowest_s)
    cells = [sum(total.values()), *(total[o] for o in OUTCOMES)]
    table.add_row("all", *(f"{c:,}" for c in cells), f"{slowest.slowest_s:.3f}", style="bold")
    console.print(table)
    console.print(f"HTTP statuses: {', '.join(f'{s}: {n:,}' for s, n in sorted(statuses.items()))}")
    console.print(f"slowest case: {slowest.slowest} ({slowest.slowest_s:.3f} s)")
    console.print(f"{sum(total.values()):,} cases in {elapsed_s:,.0f} s")
    failures = sum(total[o] for o in FAILURES)
    console.print(f"no traceback, server error, hang or broken refusal: {failures == 0}", highlight=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000, help="cases in all, every path counted (default 10,000)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds a case may take before it is a hang")
    ap.add_argument("--seed", type=int, default=19, help="Hypothesis seed of the drawn texts (default 19)")
    ap.add_argument("--out", type=Path, default=Path("results/bench_fuzz"), help="where failing inputs are written")
    args = ap.parse_args()

    console = Console(width=120)
    tallies = {name: Tally() for name in ("parse_scenario", "HTTP API", "scenario validate (CLI)")}
    statuses, failures = Counter(), []
    draws = math.ceil(args.cases / (2 + 1 / CLI_EVERY))  # each text: a parse, a request, one in CLI_EVERY a CLI run
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        open_app = create_app(
            tmp / "open",
            allowed_hosts=LOOPBACK_HOSTS,
            run_time_limit_s=JOB_TIME_LIMIT_S,
            study_time_limit_s=JOB_TIME_LIMIT_S,
        )
        token_app = create_app(tmp / "token", token=TOKEN)
        progress = Progress(
            TextColumn("fuzzing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        )
        t0 = time.perf_counter()
        with (
            TestClient(open_app, raise_server_exceptions=False) as open_client,
            TestClient(token_app, raise_server_exceptions=False) as token_client,
            progress,
        ):
            clients = {"open": open_client, "token": token_client}
            task = progress.add_task("fuzzing", total=2 * draws + math.ceil(draws / CLI_EVERY))
            drawn = [0]

            def one(path: str, case: Case, work) -> None:
                outcome, detail, elapsed = timed(work, args.timeout)
                tally = tallies[path]
                tally.outcomes[outcome] += 1
                if path == "HTTP API" and outcome in ("accepted", "refused"):
                    statuses[detail] += 1
                if elapsed > tally.slowest_s:
                    tally.slowest_s = elapsed
                    tally.slowest = f"{path}, {case.kind} {case.fmt}, {len(case.text):,} characters"
                if outcome in FAILURES:
                    failures.append((path, outcome, case, detail))
                progress.advance(task)

            @settings(
                max_examples=draws,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @seed(args.seed)
            @given(case=SCENARIO_CASES)
            def fuzz(case: Case) -> None:
                i = drawn[0]
                drawn[0] += 1
                one("parse_scenario", case, lambda: parse_case(case))
                one("HTTP API", case, lambda: api_case(clients, case, i))
                if i % CLI_EVERY == 0:
                    one("scenario validate (CLI)", case, lambda: cli_case(case, tmp))

            fuzz()
        elapsed_s = time.perf_counter() - t0
    report(tallies, statuses, console, elapsed_s)
    if failures:
        args.out.mkdir(parents=True, exist_ok=True)
        for k, (path, outcome, case, detail) in enumerate(failures):
            stem = args.out / f"{k:04d}-{outcome}"
            stem.with_suffix(f".{case.fmt}").write_bytes(case.text.encode("utf-8", "surrogatepass"))
            stem.with_suffix(".txt").write_text(f"{path}: {outcome} ({case.kind})\n{detail}\n")
        console.print(f"{len(failures)} failing inputs written to {args.out}/")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
