"""The space layers end to end: scenario YAML with sensor and interceptor layers, the run report, and the
`sbi size` / `coverage` commands with their bad-input messages."""

import json
import textwrap

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from goldendome.cli.main import app
from goldendome.effectors.reach import reach_over_time, tracks_from_trajectory
from goldendome.effectors.sbi import Timeline, sbi_design
from goldendome.engine.trial import run_trial
from goldendome.physics.frames import geodetic_height_m
from goldendome.scenario.loader import ScenarioError, parse_scenario

runner = CliRunner()

SCENARIO = """
name: space layers
epoch: 2026-07-04T12:00:00Z
threats:
  - {name: S, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}
  - {name: L, missile: icbm-liquid-2stage, launch: {name: pyongyang}, aim: {name: los-angeles}, launch_time_s: 60}
constellations:
  - {name: leo, role: tracking, preset: sda-t1-tracking}
  - name: sbis
    role: interceptor
    sbi: aps-2003-optimistic
    walker: {total: 2500, planes: 50, phasing: 1, altitude_km: 300, inclination_deg: 45}
engagement: {detect: sensors, track_s: 0, decide_s: 30}
"""


@pytest.fixture(scope="module")
def space_run():
    return run_trial(parse_scenario(SCENARIO))


def test_first_detection_is_when_the_plume_clears_the_cloud_tops(space_run):
    # the LEO tracking layer covers the peninsula nearly all the time (coverage study: 99.5 %), so the first look
    # comes within one frame (1 s) of the booster climbing through the 10 km cloud-top height
    tr, sp = space_run.trajectory, space_run.space
    sensor = space_run.layers[0].sensor
    for k in range(tr.n_objects):
        rows = tr.rows(k)
        h = geodetic_height_m(tr.r_eci_m[rows])
        t_cloud = tr.t_s[rows][np.argmax(h >= sensor.cloud_top_m)] - tr.t_s[rows][0]
        assert t_cloud - 1.0 <= sp.first_detection_s[k] <= t_cloud + sensor.frame_s + 1.0
        assert sp.first_detection_layer[k] == "leo"


def test_run_reach_equals_the_reach_computation(space_run):
    # the run's SBIs-in-reach are reach_over_time with detection from the sensors plus the decision delay
    tr, f, sp = space_run.trajectory, space_run.flights, space_run.space
    tracks = tracks_from_trajectory(tr, f.burnout_time_s, space_run.epoch, 0.0)
    res = reach_over_time(
        space_run.layers[1].constellation.elements,
        tracks,
        space_run.epoch,
        [0.0],
        sbi_design("aps-2003-optimistic"),
        Timeline(0.0, 30.0),
        detect_s=sp.first_detection_s,
    )
    np.testing.assert_array_equal(res.in_reach[0], sp.sbi_in_reach)
    np.testing.assert_allclose(sp.release_s, sp.first_detection_s + 30.0)
    assert np.all(sp.boost_intercept_possible == (sp.sbi_in_reach >= 1))
    hit = np.isfinite(sp.sbi_first_intercept_s)
    assert np.all(sp.sbi_first_intercept_s[hit] <= f.burnout_time_s[hit] + 1e-6)
    assert np.all(sp.sbi_first_intercept_s[hit] >= sp.release_s[hit])


def test_fixed_detection_latency_replaces_the_sensors():
    text = SCENARIO.replace("detect: sensors, track_s: 0", "detect: 45")
    sp = run_trial(parse_scenario(text)).space
    np.testing.assert_allclose(sp.release_s, 75.0)


def test_scenario_rejects_inconsistent_layers():
    bad_role = SCENARIO.replace("role: interceptor", "role: tracking")
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(bad_role)
    assert any("constellations[1]" in m and "role: interceptor" in m for m in exc.value.messages)
    bad_preset = SCENARIO.replace("preset: sda-t1-tracking", "preset: no-such-layer")
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(bad_preset)
    assert any("unknown IR layer 'no-such-layer'" in m and "sda-t1-tracking" in m for m in exc.value.messages)
    no_sensor = SCENARIO.replace("  - {name: leo, role: tracking, preset: sda-t1-tracking}\n", "")
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(no_sensor)
    assert any("engagement.detect is 'sensors'" in m for m in exc.value.messages)


def test_run_cli_reports_space_layers(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(SCENARIO)
    res = runner.invoke(app, ["run", "-q", str(f), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "boost-phase intercept" in res.output and "SBIs in reach" in res.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    row = summary["threats"][0]
    assert row["detected_by"] == "leo" and row["sbis_in_reach"] >= 0
    assert summary["constellations"][1]["payload"] == "aps-2003-optimistic"


# --- sbi size -------------------------------------------------------------------------------------------------


def test_sbi_size_quick_case_writes_tables_and_plots(tmp_path):
    study = tmp_path / "q.yaml"
    study.write_text(
        textwrap.dedent("""
        kind: sbi-sizing
        name: quick
        threat: {missile: icbm-liquid-2stage, launch_sites: [{name: sohae}], aim: {name: seattle}, salvo: 2}
        shell: {altitude_km: 300, inclination_deg: 45}
        launch_times: {duration_h: 6, step_s: 900}
        sweeps:
          - {parameter: altitude_km, values: [300, 400]}
    """)
    )
    out = tmp_path / "out"
    res = runner.invoke(app, ["sbi", "size", str(study), "-q", "--out", str(out), "--plot"])
    assert res.exit_code == 0, res.output
    table = pq.read_table(out / "sizing.parquet").to_pylist()
    base = table[[r["label"] for r in table].index("base")]
    assert base["simulated_sbis"] > 0 and base["analytic_sbis"] > 0 and base["salvo"] == 2
    assert {"sbi_size_vs_altitude_km.png", "sbi_absentee_by_latitude.png", "sbi_in_reach_over_time.png"} <= {
        p.name for p in out.iterdir()
    }
    ab = pq.read_table(out / "absentee.parquet")
    assert ab.num_rows == 24 * 2  # 24 launch times x 2 boosters


def test_sbi_size_bad_input_is_a_message_not_a_traceback(tmp_path):
    res = runner.invoke(app, ["sbi", "size", "--altitude-km", "100", "--no-sweeps", "-q"])
    assert res.exit_code == 2 and "shell.altitude_km" in res.output and "150 km" in res.output
    res = runner.invoke(app, ["sbi", "size", "--plot", "--no-sweeps", "-q"])
    assert res.exit_code == 2 and "--out" in res.output
    res = runner.invoke(app, ["sbi", "size", "nonexistent-study", "-q"])
    assert res.exit_code == 2 and "sbi-north-korea" in res.output


def test_sbi_size_infeasible_physics_is_explained():
    res = runner.invoke(app, ["sbi", "size", "--decide-s", "200", "--no-sweeps", "-q"])
    assert res.exit_code == 0, res.output
    assert "infeasible" in res.output and "no time is left" in res.output


# --- coverage -------------------------------------------------------------------------------------------------


def test_coverage_cli_writes_per_point_statistics(tmp_path):
    study = tmp_path / "c.yaml"
    study.write_text(
        textwrap.dedent("""
        kind: coverage
        name: small
        layers: [sda-t1-tracking]
        area: {lat_min_deg: 38, lat_max_deg: 40, lon_min_deg: 124, lon_max_deg: 126}
        grid_deg: 1.0
        duration_h: 2
        step_s: 60
    """)
    )
    out = tmp_path / "out"
    res = runner.invoke(app, ["coverage", str(study), "-q", "--out", str(out), "--plot"])
    assert res.exit_code == 0, res.output
    cov = pq.read_table(out / "coverage.parquet").to_pylist()
    assert len(cov) == 9  # 3 x 3 grid
    assert all(0.0 <= r["stereo_fraction"] <= r["covered_fraction"] <= 1.0 for r in cov)
    det = pq.read_table(out / "first_detection.parquet")
    assert det.num_rows == 4  # at least four launch times
    assert (out / "coverage_sda-t1-tracking.png").exists()


def test_coverage_cli_unknown_layer(tmp_path):
    study = tmp_path / "c.yaml"
    study.write_text("kind: coverage\nname: x\nlayers: [no-such]\nduration_h: 1\n")
    res = runner.invoke(app, ["coverage", str(study), "-q"])
    assert res.exit_code == 2 and "unknown IR layer" in res.output
