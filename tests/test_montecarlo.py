"""The Monte Carlo runner and its resumable store (engine.montecarlo, engine.store), on the toy salvo of mc_toy.py.

Reference: a threat engaged by k independent shots of kill probability p leaks with probability (1 - p)^k, so a
salvo of n such threats has no leaker with probability (1 - (1 - p)^k)^n (e.g. Wilkening, Science & Global
Security 8, 2000, eq. 1; the closed forms of goldendome.analysis.leakage).
"""

import fcntl
import functools
import json
import os

import numpy as np
import pandas as pd
import pytest

from goldendome.analysis.leakage import wilson_interval
from goldendome.engine.montecarlo import (
    StudyLocked,
    StudyMismatch,
    connect,
    finished_trials,
    run_study,
    trial_seed,
    trial_seeds,
)
from goldendome.engine.store import failed_trials
from mc_toy import binomial_trial

TABLES = ("events", "leakers", "trials")


def tables_of(out_dir) -> dict[str, pd.DataFrame]:
    con = connect(out_dir)
    return {name: con.sql(f"SELECT * FROM {name} ORDER BY ALL").df() for name in TABLES}


def assert_same_tables(a, b):
    for name in TABLES:
        pd.testing.assert_frame_equal(tables_of(a)[name], tables_of(b)[name], check_exact=True, obj=name)


@pytest.fixture(scope="module")
def clean20(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean20")
    run_study(binomial_trial, 20, out, root_seed=11)
    return out


def test_trial_seeds_are_the_spawned_children_of_the_root():
    kids = trial_seeds(7, 6)
    assert [tuple(k.generate_state(4)) for k in kids[:3]] == [tuple(k.generate_state(4)) for k in trial_seeds(7, 3)]
    for i, kid in enumerate(kids):
        assert np.array_equal(kid.generate_state(4), trial_seed(7, i).generate_state(4))
    assert not np.array_equal(kids[0].generate_state(4), kids[1].generate_state(4))


def test_zero_leak_fraction_matches_the_closed_form_within_its_wilson_interval(tmp_path):
    n, k, p, trials = 10, 2, 0.7, 400
    summary = run_study(binomial_trial, trials, tmp_path, root_seed=2026, durable=False)  # fsync: 400 x 4 x 3 ms
    assert (summary.completed, summary.skipped, summary.failed) == (trials, 0, 0)
    assert summary.tables == TABLES
    zero, rows = connect(tmp_path).execute("SELECT sum(zero_leak::INT), count(*) FROM trials").fetchone()
    assert rows == trials
    lo, hi = wilson_interval(int(zero), trials, confidence=0.99)
    analytic = (1.0 - (1.0 - p) ** k) ** n  # 0.389
    assert lo <= analytic <= hi
    # every frame carries its trial index first, as int64
    frame = pd.read_parquet(tmp_path / "events" / "trial-000007.parquet")
    assert frame.columns[0] == "trial" and frame["trial"].dtype == np.int64 and set(frame["trial"]) == {7}


def test_same_root_seed_same_tables_in_process_process_pool_and_dask(tmp_path):
    env = dict(os.environ)
    runs = {"serial": {}, "pool": {"workers": 2}, "dask": {"dask_address": "local:2"}}
    for name, kw in runs.items():
        summary = run_study(binomial_trial, 12, tmp_path / name, root_seed=5, **kw)
        assert (summary.completed, summary.failed) == (12, 0), name
    assert run_study(binomial_trial, 12, tmp_path / "pool", root_seed=5, workers=2).backend == "nothing to run"
    assert_same_tables(tmp_path / "serial", tmp_path / "pool")
    assert_same_tables(tmp_path / "serial", tmp_path / "dask")
    assert dict(os.environ) == env  # the dask nanny's OMP_NUM_THREADS=1 etc. do not stay in this process


def test_a_malformed_local_cluster_address_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="local:4"):
        run_study(binomial_trial, 2, tmp_path / "x", dask_address="local:two")
    assert not (tmp_path / "x").exists()


def test_a_larger_study_runs_only_the_missing_trials(tmp_path, clean20):
    calls = []
    first = run_study(binomial_trial, 10, tmp_path, root_seed=11, progress=lambda d, t: calls.append((d, t)))
    assert (first.completed, first.skipped) == (10, 0)
    assert calls[0] == (0, 10) and calls[-1] == (10, 10) and len(calls) == 11
    second = run_study(binomial_trial, 20, tmp_path, root_seed=11)
    assert (second.completed, second.skipped, second.rerun) == (10, 10, 0)
    assert json.loads((tmp_path / "study.json").read_text())["n_trials"] == 20
    assert_same_tables(tmp_path, clean20)


def test_a_corrupt_table_file_is_detected_and_rerun(tmp_path, clean20):
    run_study(binomial_trial, 20, tmp_path, root_seed=11)
    victim = tmp_path / "events" / "trial-000004.parquet"
    victim.write_bytes(b"not parquet" + victim.read_bytes()[11:])
    assert 4 not in finished_trials(tmp_path)
    assert connect(tmp_path).execute("SELECT count(DISTINCT trial) FROM events").fetchone() == (19,)
    summary = run_study(binomial_trial, 20, tmp_path, root_seed=11)
    assert (summary.completed, summary.skipped, summary.rerun, summary.rerun_trials) == (1, 19, 1, (4,))
    assert finished_trials(tmp_path) == list(range(20))
    assert_same_tables(tmp_path, clean20)


def test_a_trial_without_manifest_has_its_orphan_files_removed_and_is_rerun(tmp_path, clean20):
    run_study(binomial_trial, 20, tmp_path, root_seed=11)
    (tmp_path / "_done" / "trial-000002.json").unlink()  # as if the worker died before the manifest
    (tmp_path / "leakers" / ".trial-000003.parquet.999.tmp").write_bytes(b"half")  # a temporary never renamed
    assert connect(tmp_path).execute("SELECT count(*) FROM trials").fetchone() == (19,)
    summary = run_study(binomial_trial, 20, tmp_path, root_seed=11)
    assert (summary.completed, summary.skipped, summary.rerun) == (1, 19, 0)
    assert not (tmp_path / "leakers" / ".trial-000003.parquet.999.tmp").exists()
    assert_same_tables(tmp_path, clean20)


def test_another_scenario_or_seed_in_the_same_folder_is_refused(tmp_path):
    run_study(binomial_trial, 3, tmp_path, root_seed=1, study_meta={"scenario_hash": "aaaa"})
    with pytest.raises(StudyMismatch, match="another --out"):
        run_study(binomial_trial, 3, tmp_path, root_seed=1, study_meta={"scenario_hash": "bbbb"})
    with pytest.raises(StudyMismatch, match="root_seed"):
        run_study(binomial_trial, 3, tmp_path, root_seed=2, study_meta={"scenario_hash": "aaaa"})
    again = run_study(binomial_trial, 3, tmp_path, root_seed=1, study_meta={"scenario_hash": "aaaa"})
    assert again.skipped == 3


def test_a_failing_trial_is_recorded_the_others_finish_and_resume_reruns_it(tmp_path):
    flaky = functools.partial(binomial_trial, fail_at=(3,))
    first = run_study(flaky, 10, tmp_path, root_seed=4)
    assert (first.completed, first.failed, first.failed_trials) == (9, 1, (3,))
    assert "toy failure in trial 3" in json.loads((tmp_path / "_failed" / "trial-000003.json").read_text())["error"]
    assert 3 in failed_trials(tmp_path) and 3 not in finished_trials(tmp_path)
    second = run_study(binomial_trial, 10, tmp_path, root_seed=4)
    assert (second.completed, second.skipped, second.failed) == (1, 9, 0)
    assert failed_trials(tmp_path) == {} and finished_trials(tmp_path) == list(range(10))


def test_a_failing_trial_in_a_process_pool_does_not_stop_the_study(tmp_path):
    summary = run_study(functools.partial(binomial_trial, fail_at=(0, 5)), 8, tmp_path, root_seed=4, workers=2)
    assert (summary.completed, summary.failed_trials) == (6, (0, 5))


def test_a_dead_worker_process_fails_its_trials_and_a_fresh_pool_finishes_the_rest(tmp_path, clean20):
    summary = run_study(functools.partial(binomial_trial, die_at=(6,)), 20, tmp_path, root_seed=11, workers=2)
    assert 6 in summary.failed_trials and summary.completed + summary.failed == 20
    assert "worker process died" in failed_trials(tmp_path)[6]
    again = run_study(binomial_trial, 20, tmp_path, root_seed=11, workers=2)
    assert (again.completed, again.failed) == (summary.failed, 0)
    assert_same_tables(tmp_path, clean20)


def test_a_trial_returning_an_unstorable_table_is_a_recorded_failure(tmp_path):
    summary = run_study(_bad_table_name, 2, tmp_path)
    assert summary.failed == 2
    assert "table name" in failed_trials(tmp_path)[0]


def _bad_table_name(index, seed):
    return {"no spaces": pd.DataFrame({"x": [1]})}


def test_duckdb_views_count_only_finished_trials(tmp_path):
    run_study(binomial_trial, 5, tmp_path, root_seed=9)
    stray = (tmp_path / "trials" / "trial-000000.parquet").read_bytes()
    (tmp_path / "trials" / "trial-000042.parquet").write_bytes(stray)  # no manifest: not a finished trial
    (tmp_path / "trials" / "trial-000043.parquet").write_bytes(b"garbage")
    con = connect(tmp_path)
    assert con.execute("SELECT count(*), count(DISTINCT trial) FROM trials").fetchone() == (5, 5)
    assert finished_trials(tmp_path) == [0, 1, 2, 3, 4]


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        with pytest.raises(StudyLocked):
            run_study(binomial_trial, 1, tmp_path)


def test_a_pool_worker_compiles_kernels_missing_from_numbas_cache(tmp_path):
    # a fresh install: the first study's workers compile kernels (none in the cache yet). The worker's initializer
    # runs after numba has loaded (unpickling the trial function loads it); changing NUMBA_NUM_THREADS then made every
    # compilation fail ("Cannot set NUMBA_NUM_THREADS to a different value once the threads have been launched")
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import os
        import numba
        import numpy as np
        from goldendome.engine.montecarlo import _install

        _install(None, os.getpid())

        @numba.njit(parallel=True)
        def total(a):
            s = 0.0
            for i in numba.prange(a.size):
                s += a[i]
            return s

        print(total(np.ones(10)), numba.get_num_threads())
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["10.0", "1"]  # compiled, and computing on one thread
