"""The package as a user gets it: ``python -m build`` makes an sdist and, from that sdist, a wheel; both must carry
every file the package reads (the catalogues, built-in scenarios and studies, the page and the CesiumJS bundle),
and the wheel, installed into a fresh virtual environment outside the checkout, must work with no source tree in
sight: ``goldendome doctor``, ``goldendome run`` (the default scenario), ``goldendome cost cbo-2026`` and
``goldendome serve`` (the page, a Cesium asset and one run through the API), each from a folder outside the
checkout with PYTHONPATH unset.

The build runs once per session into a temporary folder (or reuses the wheel and sdist in GOLDENDOME_DIST_DIR, if
set). The fresh environment gets the wheel's dependencies at the versions this test environment has, each named
exactly and installed with ``--no-deps`` (pip resolves nothing), then the wheel itself with ``--no-deps``; ``pip
check`` then proves the wheel's own Requires-Dist satisfied, so a dependency missing from pyproject.toml fails it.
The fresh environment is made without pip (``venv --without-pip``); this environment's pip installs into it
through ``pip --python``. The wheel's numba kernels compile afresh there (its caches are empty), so the default
run takes about a minute longer than in the checkout.

Needs the ``build`` package (test extra) and the Cesium bundle (``make web``), and reaches the package index (or
its local mirror) for the build's own requirements and the dependencies. ``make test`` sets
GOLDENDOME_WHEEL_TEST=require, so there a missing piece fails the test instead of skipping it.
"""

import email.parser
import importlib.metadata
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import httpx
import pytest

import goldendome
from goldendome.server.app import CESIUM_DIR
from server_case import SMALL

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO / "src" / "goldendome"
NOT_SHIPPED = (".pyc", ".pyo", ".nbi", ".nbc")  # caches (Python's and numba's), never package data
MAKE_STAMP = CESIUM_DIR / ".stamp"  # `make web`'s record that the bundle is there: the Makefile's, not the package's
CESIUM_ASSETS = ("Cesium.js", "Widgets/widgets.css", "Assets/Textures/NaturalEarthII/tilemapresource.xml")
COMMAND_TIMEOUT_S = 1200  # the default run, numba compiling from cold on two shared cores: about 80 s


def _missing() -> str | None:
    if importlib.util.find_spec("build") is None:
        return "the build package is missing (pip install -e '.[test]', or make test)"
    if not (CESIUM_DIR / "Cesium.js").is_file():
        return f"the Cesium bundle is missing in {CESIUM_DIR} (make web)"
    return None


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> dict[str, Path]:
    """The wheel and the sdist: {'wheel': path, 'sdist': path, 'log': the build's output or ''}."""
    why = _missing()
    if why:
        if os.environ.get("GOLDENDOME_WHEEL_TEST") == "require":
            pytest.fail(why)
        pytest.skip(why)
    given = os.environ.get("GOLDENDOME_DIST_DIR")
    if given:
        out, log = Path(given), ""
    else:
        out = tmp_path_factory.mktemp("dist")
        done = subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
        log = done.stdout + done.stderr
        assert done.returncode == 0, f"python -m build failed:\n{log[-6000:]}"
    version = goldendome.__version__
    wheel = out / f"goldendome-{version}-py3-none-any.whl"
    sdist = out / f"goldendome-{version}.tar.gz"
    assert wheel.is_file() and sdist.is_file(), f"no wheel and sdist of goldendome {version} in {out}"
    return {"wheel": wheel, "sdist": sdist, "log": log}


def _package_files() -> list[str]:
    """Every file under src/goldendome but caches and make's stamp, relative to src/ ('goldendome/...')."""
    files = []
    for path in PACKAGE_DIR.rglob("*"):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in NOT_SHIPPED or path == MAKE_STAMP:
            continue
        files.append(path.relative_to(PACKAGE_DIR.parent).as_posix())
    return sorted(files)


def test_the_sdist_and_the_wheel_built_from_it_carry_every_file_the_package_reads(dists):
    if dists["log"]:  # built here: the wheel comes from the sdist, so the sdist alone suffices to build it
        assert "Building wheel from sdist" in dists["log"]
    with zipfile.ZipFile(dists["wheel"]) as z:
        wheel_names = set(z.namelist())
    with tarfile.open(dists["sdist"]) as tar:
        root = f"goldendome-{goldendome.__version__}/src/"
        sdist_names = {n.removeprefix(root) for n in tar.getnames() if n.startswith(root)}
    files = _package_files()
    data = [f for f in files if not f.endswith(".py")]
    # the data the modules read through importlib.resources, the page, and the CesiumJS bundle (about 390 files)
    assert {"goldendome/threats/data/catalogue.yaml", "goldendome/scenario/builtin/default.yaml"} <= set(data)
    assert {"goldendome/scenario/studies/cbo-2026.yaml", "goldendome/server/static/index.html"} <= set(data)
    assert sum(f.startswith("goldendome/server/static/cesium/") for f in data) > 300
    missing_wheel = [f for f in files if f not in wheel_names]
    missing_sdist = [f for f in files if f not in sdist_names]
    assert not missing_wheel, f"{len(missing_wheel)} files not in the wheel, e.g. {missing_wheel[:10]}"
    assert not missing_sdist, f"{len(missing_sdist)} files not in the sdist, e.g. {missing_sdist[:10]}"
    junk = [n for n in wheel_names | sdist_names if "__pycache__" in n or n.endswith((*NOT_SHIPPED, ".stamp"))]
    assert not junk, f"caches shipped: {junk[:10]}"
    assert f"goldendome-{goldendome.__version__}.dist-info/entry_points.txt" in wheel_names  # the command


def _runtime_requirements(wheel: Path) -> list[str]:
    """The wheel's dependencies and theirs, each pinned to the version installed here ('name==version'), found by
    walking this environment's metadata from the wheel's own Requires-Dist (extras only where asked for)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    with zipfile.ZipFile(wheel) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(z.read(meta_name).decode())
    pins: dict[str, str] = {}
    walked: set[tuple[str, str]] = set()  # (package, extra): whose requirements are already queued
    todo = [(Requirement(r), "") for r in meta.get_all("Requires-Dist") or []]
    while todo:
        req, extra = todo.pop()  # extra: the one its requirer was installed with ('' for none)
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{req.name} (needed by the wheel) is not installed here: pip install -e '.[test]'")
        assert req.specifier.contains(dist.version, prereleases=True), f"{name} {dist.version} does not meet {req}"
        pins[name] = dist.version
        for wanted in {"", *req.extras} - {e for n, e in walked if n == name}:
            walked.add((name, wanted))
            todo += [(Requirement(r), wanted) for r in dist.requires or []]
    return sorted(f"{n}=={v}" for n, v in pins.items())


def _clean_env(venv: Path) -> dict[str, str]:
    """This process's environment with the fresh venv first on PATH and nothing pointing into the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


@pytest.fixture(scope="module")
def venv(dists, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed."""
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    assert not venv.is_relative_to(REPO)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    requirements = venv.parent / "requirements.txt"
    requirements.write_text("\n".join(_runtime_requirements(dists["wheel"])) + "\n")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(venv / "bin" / "python")]
    quiet = ["install", "--quiet", "--no-deps", "--no-compile"]  # the first import writes the .pyc files
    for what in (["-r", str(requirements)], [str(dists["wheel"])], None):
        cmd = pip + (quiet + what if what else ["check"])
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        assert done.returncode == 0, f"{' '.join(cmd[3:])} failed:\n{done.stdout}\n{done.stderr[-4000:]}"
    return venv


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """A working folder outside the checkout."""
    cwd = tmp_path_factory.mktemp("wheel-cwd")
    assert not cwd.is_relative_to(REPO)
    return cwd


def _goldendome(venv: Path, cwd: Path, *args: str) -> str:
    """Run the installed `goldendome` in cwd; its output (stdout and stderr), asserting it exited 0."""
    done = subprocess.run(
        [str(venv / "bin" / "goldendome"), *args],
        cwd=cwd,
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, f"goldendome {' '.join(args)} exited {done.returncode}:\n{out[-6000:]}"
    return out


def test_the_installed_package_is_the_wheel_not_the_checkout(venv, outside):
    code = "import goldendome, goldendome.server.app as a; print(goldendome.__file__); print(a.CESIUM_DIR)"
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], cwd=outside, env=_clean_env(venv), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    module, cesium = (Path(line) for line in done.stdout.split())
    assert module.is_relative_to(venv) and not module.is_relative_to(REPO), module
    assert (cesium / "Cesium.js").is_file() and cesium.is_relative_to(venv)


def test_doctor_finds_every_part_in_the_installed_wheel(venv, outside):
    assert _goldendome(venv, outside, "--version").strip().endswith(goldendome.__version__)
    out = _goldendome(venv, outside, "doctor")
    assert re.search(r"compiled kernels \(numba\)\s*│\s*ok", out), out
    assert "default" in out and "critique-salvo" in out  # the built-in scenarios, read from the wheel
    assert re.search(r"threat catalogue\s*│\s*\d+ ballistic", out), out
    assert re.search(r"globe \(CesiumJS bundle\)\s*│\s*present", out), out  # the bundle shipped in the wheel


def test_run_flies_the_default_scenario_from_the_wheel(venv, outside):
    out_dir = outside / "run"
    _goldendome(venv, outside, "run", "--out", str(out_dir))
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["kind"] == "run" and summary["versions"]["goldendome"] == goldendome.__version__
    # the shipped default scenario is the checkout's: the same name (its YAML in the package data)
    default = (PACKAGE_DIR / "scenario" / "builtin" / "default.yaml").read_text()
    assert f"name: {summary['scenario']}" in default
    assert len(summary["threats"]) >= 1 and summary["battle"]["lethal_objects"] >= 1
    assert all((out_dir / f).stat().st_size > 0 for f in ("events.parquet", "trajectories.parquet", "tracks.parquet"))


def test_cost_of_cbo_2026_from_the_wheel_is_the_checkouts(venv, outside):
    out = _goldendome(venv, outside, "cost", "cbo-2026")
    assert "surface-layers-sensors-c2" in out  # a component of the study file in the package data
    env = {k: v for k, v in _clean_env(venv).items() if k != "VIRTUAL_ENV"} | {"PATH": os.environ.get("PATH", "")}
    here = subprocess.run(
        [sys.executable, "-m", "goldendome.cli.main", "cost", "cbo-2026"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert out == here.stdout + here.stderr  # the same tables, to the last digit, as from the source tree


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_from_the_wheel_shows_the_page_and_runs_a_scenario(venv, outside):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    results = outside / "serve"
    cmd = [str(venv / "bin" / "goldendome"), "serve", "--port", str(port), "--results", str(results), "--no-warm"]
    with (outside / "serve.log").open("w") as log:
        proc = subprocess.Popen(cmd, cwd=outside, env=_clean_env(venv), stdout=log, stderr=subprocess.STDOUT)
        try:
            with httpx.Client(base_url=base, timeout=30.0) as client:
                _wait_until_up(client, proc, outside / "serve.log")
                assert client.get("/api/version").json()["globe"] is True
                page = client.get("/")
                assert page.status_code == 200 and '<script src="/cesium/Cesium.js">' in page.text
                for asset in CESIUM_ASSETS:  # served from the installed package, byte for byte the bundle's
                    r = client.get(f"/cesium/{asset}")
                    assert r.status_code == 200 and r.content == (CESIUM_DIR / asset).read_bytes(), asset
                assert client.get("/app.js").status_code == 200

                run = client.post("/api/runs", json={"text": SMALL})
                assert run.status_code == 202, run.text
                run_id = run.json()["id"]
                deadline = time.monotonic() + COMMAND_TIMEOUT_S
                while (state := client.get(f"/api/runs/{run_id}").json())["state"] not in ("done", "failed"):
                    assert time.monotonic() < deadline, state
                    time.sleep(0.2)
                assert state["state"] == "done", state
                assert client.get(f"/api/runs/{run_id}/summary").json()["battle"]["lethal_objects"] == 1
                assert json.loads(client.get(f"/api/runs/{run_id}/scene.czml").content)[0]["id"] == "document"
        finally:
            proc.terminate()
            code = proc.wait(timeout=60)
    # stopped cleanly by SIGTERM: uvicorn shuts the app down, then re-raises the signal it caught (exit -15)
    log = (outside / "serve.log").read_text()
    assert code in (0, -signal.SIGTERM) and "Application shutdown complete" in log, (code, log[-4000:])
    assert any(results.iterdir())  # the run's folder, under --results


def _wait_until_up(client: httpx.Client, proc: subprocess.Popen, log: Path) -> None:
    for _ in range(1200):
        assert proc.poll() is None, f"the server exited {proc.returncode}:\n{log.read_text()[-4000:]}"
        try:
            if client.get("/api/version", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not answer in 120 s:\n{log.read_text()[-4000:]}")
