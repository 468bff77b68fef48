"""Results files stay strict on a degenerate run (issue 19, deliverable 5, "never NaN silently").

A missile aimed at its own launch point has no trajectory: its guidance returns NaN and -inf. The scenario check
now refuses such a scenario, so the test builds it past the check (the writers must hold against any other input
that reaches them the same way). summary.json must parse as strict JSON (RFC 8259 has no NaN or Infinity, and a
browser's JSON.parse refuses them), the Parquet tables must hold nulls rather than NaN or inf, and the run must say
which numbers are missing and why, never "nan km".
"""

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from goldendome.cli.common import console
from goldendome.cli.run import _print_flights
from goldendome.engine.trial import run_trial
from goldendome.io.globe import globe_czml
from goldendome.io.results import finite_table, strict_json, write_run
from goldendome.scenario.loader import parse_scenario

SCENARIO = """
name: degenerate
epoch: 2026-07-04T12:00:00Z
duration_min: 30
threats:
  - {name: SELF, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}
  - {name: OK, missile: icbm-solid-3stage, launch: {name: pyongyang}, aim: {name: vancouver}, launch_time_s: 30}
"""
STATE = ("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps", "lat_deg", "lon_deg", "alt_km")


def _refuse(constant):
    raise ValueError(f"{constant} is not JSON")


@pytest.fixture(scope="module")
def degenerate(tmp_path_factory):
    scn = parse_scenario(SCENARIO)
    own = scn.threats[0].model_copy(update={"aim": scn.threats[0].launch})  # past the scenario check
    with np.errstate(invalid="ignore", divide="ignore"):  # the guidance's 0/0 is what makes this flight NaN
        result = run_trial(scn.model_copy(update={"threats": [own, scn.threats[1]]}))
    assert not np.isfinite(result.flights.miss_m[0])  # the case is the degenerate one
    return result, write_run(result, tmp_path_factory.mktemp("degenerate"))


def test_summary_is_strict_json_naming_each_number_written_as_null(degenerate):
    _, out = degenerate
    summary = json.loads((out / "summary.json").read_text(), parse_constant=_refuse)
    bad, good = summary["threats"]
    assert bad["miss_km"] is None and bad["max_range_km"] is None and bad["apogee_km"] is None
    assert all(v is not None for k, v in good.items() if k != "max_range_km")
    (nulled,) = [w for w in summary["warnings"] if w.startswith("threats[0] (SELF)")]
    assert "miss_km (nan)" in nulled and "max_range_km (-inf)" in nulled and "written as null" in nulled


def test_trajectories_hold_nulls_only_in_the_state_of_the_flight_not_computed(degenerate):
    _, out = degenerate
    table = pq.read_table(out / "trajectories.parquet")
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_floating(col.type):
            assert pc.sum(pc.is_nan(col)).as_py() in (0, None), name
            assert pc.sum(pc.is_inf(col)).as_py() in (0, None), name
        if col.null_count:
            assert name in STATE, name
    unknown = pc.is_null(table.column("x_m")).to_numpy(zero_copy_only=False)
    assert set(np.asarray(table.column("object"))[unknown]) == {"SELF"}
    summary = json.loads((out / "summary.json").read_text())
    assert any(w.startswith("trajectories.parquet: x_m") and "SELF" in w for w in summary["warnings"])


def test_the_run_says_what_happened_never_nan_km(degenerate):
    result, _ = degenerate
    (said,) = [w for w in result.warnings if w.startswith("SELF:")]
    assert "could be computed" in said and "nan" not in said
    with console.capture() as screen:
        _print_flights(result)
    assert "no flight" in screen.get() and "nan (out of reach)" not in screen.get()


def test_globe_draws_no_sample_without_a_state(degenerate):
    result, _ = degenerate
    packets = json.loads(globe_czml(result), parse_constant=_refuse)
    assert not [p for p in packets if p["id"].startswith("object/SELF/")]
    assert [p for p in packets if p["id"].startswith("object/OK/")]


def test_strict_json_nulls_numpy_and_python_non_finite_floats_and_says_where():
    data = {
        "warnings": ["kept"],
        "rows": [{"name": "a", "x": np.float32("nan"), "y": 1.5}, {"z": [float("inf"), np.float64(2.0)]}],
        "n": np.int64(3),
    }
    text = strict_json(data, default=int)
    back = json.loads(text, parse_constant=_refuse)
    assert back["rows"] == [{"name": "a", "x": None, "y": 1.5}, {"z": [None, 2.0]}]
    assert back["n"] == 3
    assert back["warnings"] == [
        "kept",
        "rows[0] (a): x (nan) not finite, written as null",
        "rows[1]: z[0] (inf) not finite, written as null",
    ]
    assert data["warnings"] == ["kept"]  # the caller's data is left as it was
    finite = {"a": 1.0, "b": [np.float64(0.25)], "c": None}
    assert json.loads(strict_json(finite)) == finite  # nothing to null: no warnings key added


def test_finite_table_nulls_nan_and_inf_counts_them_and_keeps_nulls():
    table = pa.table({"v": [1.0, float("nan"), None, float("-inf")], "k": [1, 2, 3, 4]})
    out, nulled, rows = finite_table(table)
    assert out.column("v").to_pylist() == [1.0, None, None, None]
    assert nulled == {"v": 2}
    assert rows.tolist() == [False, True, False, True]
    assert out.column("k").to_pylist() == [1, 2, 3, 4]
