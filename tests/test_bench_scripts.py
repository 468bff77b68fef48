"""The bench scripts still run (tiny sizes; timings are not asserted here, only that each script completes and
its own same-run cross-checks print as agreeing)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

CASES = {
    "bench_propagate.py": ["--sats", "60", "--epochs", "12", "--repeats", "1"],
    "bench_visibility.py": ["--sats", "80", "--points", "40", "--repeats", "1"],
    "bench_sbi.py": ["--sats", "300", "--boosters", "2", "--epochs", "4", "--points", "1"],
    "bench_threats.py": ["--missiles", "4", "--loop", "2"],
    "bench_tracking.py": ["--targets", "60", "--big", "500", "--stonesoup", "60", "--repeats", "1"],
    "bench_dask.py": ["--trials", "6", "--work", "100"],
    "bench_wta.py": ["--size", "200", "--repeats", "1"],
    "bench_battle.py": ["--quick"],
    "bench_raid.py": ["--quick"],
    "bench_ab.py": [".", "--icbms", "2", "--rounds", "1", "--seeds", "1"],  # against itself: no second compile
    "bench_server_load.py": ["--quick"],
    "bench_fuzz.py": ["--cases", "200"],
    "bench_server_soak.py": ["--duration-s", "20", "--clients", "3", "--max-rss-slope", "1000"],  # growth: bench
}


@pytest.mark.parametrize("script", sorted(CASES))
def test_bench_script_runs(script):
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *CASES[script]],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BENCH.parent,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "False" not in proc.stdout, proc.stdout  # the scripts print their cross-checks as True/False


def test_every_bench_script_is_covered():
    assert {p.name for p in BENCH.glob("bench_*.py")} == set(CASES)


def test_ab_bench_checks_out_the_other_revision():
    # bench_ab.py's other side: a detached worktree of the revision, removed afterwards (its battles are timed in
    # the bench; here only the checkout, which the case above -- this tree against itself -- does not exercise)
    sys.path.insert(0, str(BENCH))
    try:
        import bench_ab
    finally:
        sys.path.remove(str(BENCH))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = bench_ab.checkout("HEAD", Path(tmp) / "other")
        try:
            assert (folder / "src" / "goldendome" / "__init__.py").is_file()
        finally:
            bench_ab.remove(folder)
        assert not folder.exists()
