"""A trial end to end from scenario text: Walker and TLE constellations, salvos, results folder contents."""

import json
import textwrap

import numpy as np
import pyarrow.parquet as pq
import pytest

from goldendome.engine.trial import _launches, run_trial
from goldendome.io.results import write_run
from goldendome.scenario.loader import ScenarioError, load_scenario, parse_scenario

# The ISS element set used as the example on Wikipedia's "Two-line element set" page (checksums valid).
ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
"""


SALVO = (
    "  - {name: S, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: anchorage}, count: 3, interval_s: 20}"
)


def _scenario(extra_constellation: str = "", threats: str = "") -> str:
    return textwrap.dedent(f"""
    name: t
    epoch: 2008-09-20T12:00:00Z
    threats:
    {threats or SALVO}
    constellations:
      - name: walker
        walker: {{total: 24, planes: 3, phasing: 1, altitude_km: 23222, inclination_deg: 56}}
    {extra_constellation}
    """)


def test_salvo_count_and_interval_become_separate_flights():
    res = run_trial(parse_scenario(_scenario()))
    assert res.flights.names == ("S.1", "S.2", "S.3")
    np.testing.assert_allclose(res.flights.t_launch_s, [0.0, 20.0, 40.0])
    assert np.all(res.flights.miss_m < 100.0)
    assert res.threats.aim == ("anchorage",) * 3


ROCKETS = (
    "  - {name: R, missile: rocket-122mm, shape: depressed, launch: {lat_deg: 31.45, lon_deg: 34.40}, "
    "aim: {lat_deg: 31.52, lon_deg: 34.55}, count: 12, interval_s: 2, launch_radius_km: 3, aim_radius_km: 2}"
)


def test_rocket_salvo_is_spread_over_its_launch_and_target_areas():
    from goldendome.physics.greatcircle import ground_range_m

    scn = parse_scenario(_scenario(threats=ROCKETS))
    res = run_trial(scn)
    f = res.flights
    assert np.all(f.feasible) and np.all(f.miss_m < 30.0)
    lat0, lon0 = np.radians(31.52), np.radians(34.55)
    spread = ground_range_m(lat0, lon0, f.impact_lat_rad, f.impact_lon_rad)
    assert np.all(spread < 2000.0 + 30.0) and np.ptp(spread) > 500.0  # spread over the disc, not all on the centre
    launches = _launches(scn)[0]
    launch_lat = np.array([ln.launch_lat_rad for ln in launches])
    launch_lon = np.array([ln.launch_lon_rad for ln in launches])
    assert np.all(ground_range_m(np.radians(31.45), np.radians(34.40), launch_lat, launch_lon) < 3000.0)
    assert np.ptp(launch_lat) > 0.0
    again = run_trial(parse_scenario(_scenario(threats=ROCKETS)))
    np.testing.assert_array_equal(again.flights.impact_lat_rad, f.impact_lat_rad)  # same seed, same salvo
    other = run_trial(scn.model_copy(update={"seed": 7}))
    assert not np.allclose(other.flights.impact_lat_rad, f.impact_lat_rad)


def test_inline_tle_constellation_keeps_names_and_epoch_offset():
    block = "  - name: iss\n        tle: |\n" + textwrap.indent(ISS_TLE, " " * 10)
    res = run_trial(parse_scenario(_scenario(block)))
    iss = res.constellations[1]
    assert iss.labels == ("ISS (ZARYA)",)
    # element epoch 2008 day 264.51782528 = 2008-09-20 + 0.51782528 d = 12:25:40.104 UTC, i.e.
    # 0.51782528 * 86400 - 43200 = 1540.104 s after the scenario epoch (TLE epoch to 1e-8 day ~ 1 ms)
    assert iss.elements.t0_s[0] == pytest.approx(0.51782528 * 86400 - 43200, abs=0.002)
    assert np.degrees(iss.elements.i_rad[0]) == pytest.approx(51.6416, abs=1e-9)


def test_elements_file_is_read_relative_to_the_scenario(tmp_path):
    (tmp_path / "sats").mkdir()
    (tmp_path / "sats" / "iss.tle").write_text(ISS_TLE)
    f = tmp_path / "s.yaml"
    f.write_text(_scenario("  - name: iss\n        elements_file: sats/iss.tle"))
    res = run_trial(load_scenario(f), base_dir=tmp_path)
    assert len(res.constellations[1]) == 1


def test_elements_file_missing_is_a_scenario_error(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(_scenario("  - name: iss\n        elements_file: nothere.tle"))
    with pytest.raises(ScenarioError) as exc:
        run_trial(load_scenario(f), base_dir=tmp_path)
    assert "no such file" in exc.value.messages[0]


def test_bad_tle_text_is_a_scenario_error():
    block = "  - name: junk\n        tle: |\n          1 garbage\n          2 more garbage\n"
    with pytest.raises(ScenarioError) as exc:
        run_trial(parse_scenario(_scenario(block)))
    assert "junk" in exc.value.source


def test_results_folder_round_trip(tmp_path):
    res = run_trial(parse_scenario(_scenario()))
    write_run(res, tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [t["name"] for t in summary["threats"]] == ["S.1", "S.2", "S.3"]
    table = pq.read_table(tmp_path / "trajectories.parquet")
    alt = np.asarray(table.column("alt_km"))
    assert alt.max() == pytest.approx(max(t["apogee_km"] for t in summary["threats"]), rel=1e-3)
    # the last sample of each flight is the impact on the ground
    obj = np.asarray(table.column("object_id"))
    last = np.r_[np.flatnonzero(np.diff(obj)), obj.size - 1]
    np.testing.assert_allclose(alt[last], 0.0, atol=0.01)


def test_same_scenario_same_result():
    a = run_trial(parse_scenario(_scenario()))
    b = run_trial(parse_scenario(_scenario()))
    np.testing.assert_array_equal(a.trajectory.r_eci_m, b.trajectory.r_eci_m)
    assert a.scenario_hash == b.scenario_hash


def test_builtin_northern_approaches_tracks_with_its_radars(tmp_path):
    from goldendome.scenario.loader import load_builtin

    res = run_trial(load_builtin("northern-approaches"))
    tr = res.tracking
    first = dict(zip(tr.object_names, tr.first_detection_radar, strict=True))
    assert first["ICBM"] == "tpy2-forward" and first["KH.1"] == first["KH.2"] == "e3-awacs-alaska"
    assert np.all(np.isfinite(tr.first_track_s[[tr.object_names.index(n) for n in ("ICBM", "KH.1", "KH.2")]]))
    write_run(res, tmp_path)
    assert (tmp_path / "tracks.parquet").exists() and (tmp_path / "gospa.parquet").exists()


def test_builtin_threat_library_runs_every_class(tmp_path):
    from goldendome.scenario.loader import load_builtin

    res = run_trial(load_builtin("threat-library"))
    write_run(res, tmp_path)
    kinds = set(pq.read_table(tmp_path / "trajectories.parquet").column("kind").to_pylist())
    assert kinds == {"missile", "rv", "decoy", "glide", "fobs", "cruise"}
    assert res.warnings == [] or all("impact after" in w for w in res.warnings)


def test_a_raid_too_large_for_memory_is_refused_up_front_with_the_estimate_and_the_limit(monkeypatch):
    """Issue 16: a trial that would not fit in memory is refused before anything flies, naming the estimate and
    the limit; the estimate counts rvs + decoys objects per ballistic missile."""
    from goldendome.engine.budget import BASE_MEMORY_GIB, BYTES_PER_SAMPLE, memory_estimate_gib
    from goldendome.scenario.loader import ScenarioError
    from goldendome.scenario.models import Scenario

    scn = Scenario.model_validate(
        {
            "name": "huge",
            "epoch": "2026-07-04T12:00:00Z",
            "duration_min": 60,
            "time_step_s": 1.0,
            "threats": [
                {
                    "name": "M",
                    "missile": "icbm-solid-3stage",
                    "launch": {"name": "sohae"},
                    "aim": {"name": "seattle"},
                    "count": 1000,
                    "rvs": 10,
                    "decoys": 20,
                }
            ],
        }
    )
    objects, need = memory_estimate_gib(scn)
    assert objects == 1000 * (10 + 20)
    assert need == pytest.approx(BASE_MEMORY_GIB + objects * 3601 * BYTES_PER_SAMPLE / 2**30)
    monkeypatch.setenv("GOLDENDOME_MEMORY_GIB", "8")
    with pytest.raises(ScenarioError, match=r"30,000 objects .* an estimated 26\.7 GiB .* limit of 8\.0 GiB"):
        run_trial(scn)
    monkeypatch.setenv("GOLDENDOME_MEMORY_GIB", "lots")
    with pytest.raises(ValueError, match="GOLDENDOME_MEMORY_GIB must be a number of GiB, got 'lots'"):
        run_trial(scn)
