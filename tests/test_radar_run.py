"""Radars in a scenario run: looks, detections and the fused track picture end to end -- the ICBM seen in boost by
the forward X-band radar, a low cruise missile seen by the airborne radar but not by the ground early-warning radar,
GOSPA over time and the track table written to Parquet, the same seed giving the same picture."""

import json
import textwrap

import numpy as np
import pyarrow.parquet as pq
import pytest

from goldendome.engine.trial import run_trial
from goldendome.io.results import write_run
from goldendome.scenario.loader import ScenarioError, parse_scenario

SCENARIO = textwrap.dedent("""
    name: radars
    epoch: 2026-07-04T12:00:00Z
    duration_min: 20
    seed: 3
    threats:
      - {name: ICBM, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}
      - {type: cruise, name: CM, missile: kh-101, platform: air, launch: {lat_deg: 61.0, lon_deg: -158.0},
         aim: {lat_deg: 61.2, lon_deg: -149.9}}
    radars: [uewr-clear, tpy2-forward, e3-awacs-alaska]
    tracking: {false_alarms_per_look: 0.5}
""")


@pytest.fixture(scope="module")
def run():
    return run_trial(parse_scenario(SCENARIO))


def test_boost_seen_by_the_forward_radar_and_the_cruise_missile_only_from_the_air(run):
    tr = run.tracking
    k = {n: i for i, n in enumerate(tr.object_names)}
    # the booster rises above the Shariki radar's horizon ~1,400 km away within two minutes and is tracked at once
    assert tr.first_detection_radar[k["ICBM"]] == "tpy2-forward" and tr.first_detection_s[k["ICBM"]] < 150.0
    assert tr.first_track_s[k["ICBM"]] - tr.first_detection_s[k["ICBM"]] < 30.0
    # the cruise missile at 50 m: the E-3 at 9 km sees it (~400 km horizon); the UEWR at Clear, ~400 km away on the
    # ground, never does (its horizon for a 50 m target is ~50 km)
    assert tr.first_detection_radar[k["CM"]] == "e3-awacs-alaska"
    assert np.isfinite(tr.first_track_s[k["CM"]])
    looks = dict(zip(tr.radars, tr.looks, strict=True))
    assert looks["tpy2-forward"] == 1201 and looks["uewr-clear"] == 121  # one look per revisit over 20 min


def test_gospa_and_tracks_are_written_to_parquet(run, tmp_path):
    write_run(run, tmp_path)
    g = {k: np.asarray(v) for k, v in pq.read_table(tmp_path / "gospa.parquet").to_pydict().items()}
    assert {"t_s", "gospa_m", "localisation_m2", "missed_m2", "false_m2", "truths_in_coverage"} <= set(g)
    np.testing.assert_allclose(g["gospa_m"] ** 2, g["localisation_m2"] + g["missed_m2"] + g["false_m2"], rtol=1e-9)
    assert g["gospa_m"][-1] < 5000.0 * np.sqrt(g["truths_in_coverage"][-1])  # tracked, not all missed
    t = {k: np.asarray(v) for k, v in pq.read_table(tmp_path / "tracks.parquet").to_pydict().items()}
    assert {"track_id", "x_m", "vx_mps", "p_thrust", "p_cruise", "p_coast"} <= set(t)
    np.testing.assert_allclose(t["p_thrust"] + t["p_cruise"] + t["p_coast"], 1.0, atol=1e-9)
    summary = json.loads((tmp_path / "summary.json").read_text())["tracking"]
    assert [r["name"] for r in summary["radars"]] == ["uewr-clear", "tpy2-forward", "e3-awacs-alaska"]
    assert summary["gospa_mean_m"] > 0


def test_run_plot_draws_the_track_picture(run, tmp_path):
    from typer.testing import CliRunner

    from goldendome.cli.main import app
    from goldendome.io.plots import track_picture

    tr = run.tracking
    path = track_picture(tr.gospa_t, tr.gospa, tr.assigned, tr.nees, tr.object_names, tr.gospa_c_m, tmp_path, "t")
    assert path.exists() and path.stat().st_size > 20_000
    res = CliRunner().invoke(app, ["run", "northern-approaches", "--plot"])
    assert res.exit_code == 2 and "--plot needs --out" in res.output


def test_same_seed_same_track_picture(run):
    again = run_trial(parse_scenario(SCENARIO))
    np.testing.assert_array_equal(again.tracking.track_x, run.tracking.track_x)
    np.testing.assert_array_equal(again.tracking.detections, run.tracking.detections)


def test_unknown_radar_is_named():
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(SCENARIO.replace("e3-awacs-alaska]", "e3-awacs-nowhere]"))
    assert any("unknown radar 'e3-awacs-nowhere'" in m and "tpy2-forward" in m for m in exc.value.messages)


def test_over_the_horizon_radar_alone_holds_a_low_cruise_missile():
    # a Kh-101 at 50 m over the Atlantic, 1,600-1,900 km from OTH-B East (inside its 926-3,333 km band) and far
    # below Thule's horizon: only the sky-wave radar sees it; its coarse ground positions (10 km) hold one track,
    # mostly in the cruise mode, within a few km over the ground
    from goldendome.physics.frames import eci_to_ecef
    from goldendome.physics.timescale import gmst_at

    text = textwrap.dedent("""
        name: oth
        epoch: 2026-07-04T12:00:00Z
        duration_min: 30
        seed: 1
        threats:
          - {type: cruise, name: CM, missile: kh-101, platform: air, launch: {lat_deg: 40.0, lon_deg: -50.0},
             aim: {lat_deg: 42.36, lon_deg: -71.06}}
        radars: [oth-b-east, uewr-thule]
    """)
    res = run_trial(parse_scenario(text))
    tr = res.tracking
    assert tr.first_detection_radar == ("oth-b-east",)
    assert dict(zip(tr.radars, tr.detections, strict=True))["uewr-thule"] == 0
    late = tr.track_t > 1200.0
    assert np.unique(tr.track_id[late]).size == 1
    assert np.mean(tr.track_mu[late, 1]) > 0.5  # the cruise mode
    obj, _ = res.objects()
    err = []
    for t, x in zip(tr.track_t[late], tr.track_x[late], strict=True):
        theta = gmst_at(res.epoch, t)
        truth = eci_to_ecef(obj.states_at(float(t))[0][:1], theta)[0]
        est = eci_to_ecef(x[None, :3], theta)[0]
        up = truth / np.linalg.norm(truth)
        d = est - truth
        err.append(np.linalg.norm(d - (d @ up) * up))  # over the ground
    assert np.median(err) < 8e3


def test_space_tracking_layer_triangulates_boosters_into_the_track_picture():
    # the SDA Tranche 1 tracking layer alone (no radar): each frame's bearings from two or more satellites fixed in 3-D
    # and tracked; both boosters of a two-missile salvo are tracked within a few seconds of their first fix and held
    # while the layer sees them, with few ghosts
    text = textwrap.dedent("""
        name: ir
        epoch: 2026-07-04T12:00:00Z
        duration_min: 20
        seed: 2
        threats:
          - {name: ICBM, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}, count: 2,
             interval_s: 30}
        constellations:
          - {name: tracking-leo, role: tracking, preset: sda-t1-tracking}
        tracking: {space_layers: true}
    """)
    res = run_trial(parse_scenario(text))
    tr = res.tracking
    assert tr.radars == ("tracking-leo",) and set(tr.first_detection_radar) == {"tracking-leo"}
    assert np.all(tr.first_track_s - tr.first_detection_s <= 10.0)
    assert np.all(tr.tracked_fraction > 0.9) and np.all(tr.track_switches == 0)
    assert tr.false_alarms[0] <= 0.01 * tr.detections[0]  # ghosts of the triangulation
    assert np.mean(tr.gospa[:, 0]) < 2000.0
    # the fixes' covariances are honest: position NEES of the held tracks averages ~3 (chi-square, 3 dof)
    assert 1.5 < np.nanmean(tr.nees) < 5.0
    # off by default: the same scenario without the switch has no track picture
    assert run_trial(parse_scenario(text.replace("tracking: {space_layers: true}", ""))).tracking is None


def test_track_fusion_option_gives_the_same_picture_from_separate_trackers(run):
    # one tracker per radar, merged by covariance intersection: the same objects are held as with measurement fusion
    text = SCENARIO.replace(
        "tracking: {false_alarms_per_look: 0.5}", "tracking: {false_alarms_per_look: 0.5, fusion: track}"
    )
    res = run_trial(parse_scenario(text))
    tr, ref = res.tracking, run.tracking
    assert np.all(np.isfinite(tr.first_track_s)) and np.all(np.isfinite(ref.first_track_s))
    assert np.all(np.abs(tr.tracked_fraction - ref.tracked_fraction) < 0.15)
    assert np.all(np.isnan(tr.track_mu))  # mode probabilities do not survive track fusion
