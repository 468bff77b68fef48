"""The command line as a user meets it: the default run, results files, and bad input without tracebacks."""

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from goldendome import __version__
from goldendome.cli.main import app
from server_case import SMALL_BATTLE

runner = CliRunner()


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    res = runner.invoke(app, ["run", "--quiet", "--out", str(out)])
    return res, out


def test_run_default_prints_each_threat_and_the_constellation(default_run):
    res, _ = default_run
    assert res.exit_code == 0, res.output
    for name in ("ICBM-1", "ICBM-5", "seattle", "chicago", "tracking-leo", "sbi-shell", "boost-phase intercept"):
        assert name in res.output
    # 28 tracking (SDA Tranche 1 layout) + 6 warning (4 GEO + 2 HEO) + 2,025 SBIs
    assert "satellites in orbit: 2,059" in res.output


def test_run_writes_summary_and_tables(default_run):
    _, out = default_run
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario_sha256"] and summary["versions"]["goldendome"] == __version__
    assert len(summary["threats"]) == 5 and summary["satellites_total"] == 2059
    for row in summary["threats"]:
        assert row["reachable"] and row["miss_km"] < 1.0
        assert 25.0 < row["flight_time_min"] < 45.0
    traj = pq.read_table(out / "trajectories.parquet")
    assert set(traj.column("phase").to_pylist()) == {"boost", "midcourse", "terminal"}
    assert traj.num_rows > 5 * 1500  # five flights of ~30+ min at 1 s
    sats = pq.read_table(out / "satellites.parquet")
    assert sats.num_rows == 2059
    assert json.loads((out / "scenario.json").read_text())["name"] == summary["scenario"]


def test_run_with_bad_file_exits_2_naming_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nepoch: 2026-01-01T00:00:00Z\nthreats:\n  - {name: A, missile: icbm-solid-3stage, "
        "launch: {lat_deg: 91, lon_deg: 0}, aim: {name: seattle}}\n"
    )
    res = runner.invoke(app, ["run", str(bad)])
    assert res.exit_code == 2
    assert "threats[0].launch.lat_deg" in res.output
    assert "Traceback" not in res.output


def test_bad_input_never_prints_a_traceback_from_the_real_command(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    proc = subprocess.run(
        [sys.executable, "-m", "goldendome.cli.main", "run", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "line 2, column 1" in proc.stderr  # the unclosed bracket is found at the end of the text


def test_missing_file_and_unknown_builtin(tmp_path):
    res = runner.invoke(app, ["run", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2 and "no such file" in res.output
    res = runner.invoke(app, ["scenario", "show", "nope"])
    assert res.exit_code == 2 and "default" in res.output


def test_out_of_reach_threat_is_a_warning_not_a_crash(tmp_path):
    f = tmp_path / "far.yaml"
    f.write_text(
        "name: far\nepoch: 2026-01-01T00:00:00Z\nthreats:\n  - {name: F, missile: icbm-solid-3stage, "
        "launch: {name: pyongyang}, aim: {lat_deg: -33.9, lon_deg: 18.4}}\n"
    )
    res = runner.invoke(app, ["run", "-q", str(f)])
    assert res.exit_code == 0, res.output
    assert "out of reach" in res.output


def test_version_doctor_and_catalogue_commands():
    assert __version__ in runner.invoke(app, ["--version"]).output
    res = runner.invoke(app, ["doctor"])
    assert res.exit_code == 0 and "compiled kernels (numba)" in res.output and "ok" in res.output
    res = runner.invoke(app, ["threat", "list"])
    assert "icbm-solid-3stage" in res.output and "icbm-liquid-2stage" in res.output
    res = runner.invoke(app, ["threat", "show", "icbm-liquid-2stage"])
    assert res.exit_code == 0 and "sources" in res.output and "APS" in res.output
    res = runner.invoke(app, ["threat", "show", "nope"])
    assert res.exit_code == 2
    # the other two sections: glide vehicles and cruise missiles, each shown with its published figures and sources
    res = runner.invoke(app, ["threat", "list"])
    assert "hgv-regional" in res.output and "tomahawk-block-iv" in res.output and "rail" in res.output
    res = runner.invoke(app, ["threat", "show", "hgv-regional"])
    assert res.exit_code == 0 and "mrbm-solid-2stage" in res.output and "DF-17" in res.output
    res = runner.invoke(app, ["radar", "list"])
    assert res.exit_code == 0 and "tpy2-forward" in res.output and "oth-b-east" in res.output
    res = runner.invoke(app, ["radar", "show", "uewr-clear"])
    assert res.exit_code == 0 and "PAVE PAWS" in res.output and "ASSUMPTION" in res.output
    assert runner.invoke(app, ["radar", "show", "nope"]).exit_code == 2
    res = runner.invoke(app, ["threat", "show", "cruise-supersonic"])
    assert res.exit_code == 0 and "Mach 2.79" in res.output and "BrahMos" in res.output


def test_scenario_show_validate_and_schema(tmp_path):
    text = runner.invoke(app, ["scenario", "show", "default"]).output
    p = tmp_path / "copy.yaml"
    p.write_text(text)
    res = runner.invoke(app, ["scenario", "validate", str(p)])
    assert res.exit_code == 0 and "ok" in res.output
    schema = json.loads(runner.invoke(app, ["scenario", "schema"]).output)
    assert "properties" in schema


def test_help_teaches_with_an_example():
    res = runner.invoke(app, ["run", "--help"])
    assert res.exit_code == 0 and "Example" in res.output


def test_mc_runs_resumes_and_reports(tmp_path):
    scn = tmp_path / "battle.yaml"
    scn.write_text(SMALL_BATTLE)
    out = tmp_path / "study"
    res = runner.invoke(app, ["mc", str(scn), "--trials", "4", "--out", str(out), "--quiet", "--salvo", "1,2"])
    assert res.exit_code == 0, res.output
    assert "salvo of 1: 4 trial(s) run" in res.output and "P(no leaker)" in res.output
    # M2 falls on San Francisco, which no battery covers: a leaker in every trial of the salvo of 2
    assert "San Francisco-Oakland-Berkeley, CA" in res.output
    again = runner.invoke(app, ["mc", str(scn), "--trials", "6", "--out", str(out), "--quiet", "--salvo", "1,2"])
    assert again.exit_code == 0 and "salvo of 2: 2 trial(s) run, 4 already done" in again.output
    rep = runner.invoke(app, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    for f in ("leakage_vs_salvo.png", "layer_outcomes.png", "impact_map.png"):
        assert (out / f).stat().st_size > 10_000


def test_mc_bad_input_is_plain(tmp_path):
    res = runner.invoke(app, ["mc", "default", "--trials", "2", "--out", str(tmp_path), "--salvo", "1,x"])
    assert res.exit_code == 2 and "whole numbers" in res.output
    res = runner.invoke(app, ["mc", "default", "--trials", "2", "--out", str(tmp_path), "--salvo", "9"])
    assert res.exit_code == 2 and "1..5" in res.output
    res = runner.invoke(app, ["mc", "northern-approaches", "--trials", "2", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "no defence" in res.output
    res = runner.invoke(app, ["report", str(tmp_path / "nothing")])
    assert res.exit_code == 2 and "holds no study" in res.output


def test_interceptor_catalogue_commands():
    res = runner.invoke(app, ["interceptor", "list"])
    assert res.exit_code == 0 and "thaad" in res.output and "short_range" in res.output
    res = runner.invoke(app, ["interceptor", "show", "gbi"])
    assert res.exit_code == 0 and "10 hits in 18" in res.output
    assert runner.invoke(app, ["interceptor", "show", "nope"]).exit_code == 2


def test_run_writes_the_scene_as_czml(tmp_path):
    # the small battle's scene: the document clock, each missile's phases, the battery, interceptor fly-outs, and
    # positions in range (longitude, latitude in degrees; heights of a flight)
    scn = tmp_path / "battle.yaml"
    scn.write_text(SMALL_BATTLE)
    out = tmp_path / "scene.czml"
    res = runner.invoke(app, ["run", str(scn), "--quiet", "--czml", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert doc[0]["id"] == "document" and doc[0]["clock"]["interval"].startswith("2026-07-04T12:00:00")
    ids = {p["id"] for p in doc}
    assert {"object/M1/boost", "object/M1/midcourse", "battery/thaad-la"} <= ids
    assert any(i.startswith("interceptor/") for i in ids)
    samples = next(p for p in doc if p["id"] == "object/M1/midcourse")["position"]["cartographicDegrees"]
    lon, lat, h = samples[1::4], samples[2::4], samples[3::4]
    assert all(-180 <= x <= 180 for x in lon) and all(-90 <= y <= 90 for y in lat) and max(h) > 100e3


def test_help_paragraphs_reflow_to_the_terminal():
    """Typer's rich mode keeps a docstring's line breaks; the commands' help is joined per paragraph (lists kept) so
    that it folds to the terminal's width instead of the source's."""
    from goldendome.cli.app import _reflow

    doc = """First line.

        A paragraph written
        over three
        lines.

        - a list item
        - another
        """
    assert _reflow(doc) == "First line.\n\nA paragraph written over three lines.\n\n- a list item\n- another"
    res = runner.invoke(app, ["cost", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "--plot --out results/cbo reproduces CBO's 2026 estimate" in res.output  # the source breaks after --out


def test_paths_and_options_that_once_crashed_get_plain_messages(tmp_path):
    """Found by fuzzing (session 14): each printed a traceback; now a plain message and exit status 2."""
    a_file = tmp_path / "junk.csv"
    a_file.write_text("x\n")
    for args in (
        ["run", "-q", "--out", str(a_file)],
        ["cost", "cbo-2026", "-q", "--out", str(a_file)],
        ["run", "-q", "--czml", str(tmp_path)],
        ["threat", "rerange", "--apogee-km", "nan", "--range-km", "950"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output and "error" in res.output.lower()
    study = tmp_path / "sweep.yaml"
    study.write_text("kind: sbi-sizing\nname: t\nsweeps: [{parameter: accel_g, values: [0]}]\n")
    res = runner.invoke(app, ["sbi", "size", str(study), "-q"])
    assert res.exit_code == 2 and "sweeps[0].values: accel_g must be positive" in res.output
    folder = tmp_path / "rep"
    folder.mkdir()
    (folder / "cost.json").write_text("{}")
    res = runner.invoke(app, ["report", str(folder)])
    assert res.exit_code == 2 and "cannot read" in res.output


def test_a_folder_named_like_a_built_in_is_not_read_as_its_file(tmp_path, monkeypatch):
    """`--out cbo-2026` leaves a folder of that name; the next `goldendome cost cbo-2026` there still means the
    built-in study (it read the folder as the study file: "no such file"), and so do scenarios and sizing studies."""
    monkeypatch.chdir(tmp_path)
    for name in ("cbo-2026", "default", "sbi-quick"):
        (tmp_path / name).mkdir()
    res = runner.invoke(app, ["cost", "cbo-2026", "-q", "--out", "cbo-2026"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "cbo-2026" / "cost.json").is_file()
    res = runner.invoke(app, ["scenario", "validate", "default"])
    assert res.exit_code == 0 and res.output.startswith("ok: default"), res.output
    res = runner.invoke(app, ["sbi", "size", "sbi-quick", "-q", "--out", "sbi-quick"])
    assert res.exit_code == 0, res.output


def test_the_entry_point_prints_what_slipped_through_plainly(monkeypatch, capsys):
    """The console entry point (goldendome.cli.main:cli) turns an input error no check caught into a plain message;
    GOLDENDOME_DEBUG=1 gives the traceback back."""
    import goldendome.cli.main as main

    def broken():
        raise ValueError("something in the input")

    monkeypatch.setattr(main, "app", broken)
    monkeypatch.delenv("GOLDENDOME_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exc:
        main.cli()
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "an input cannot be used" in err and "something in the input" in err and "Traceback" not in err
    monkeypatch.setenv("GOLDENDOME_DEBUG", "1")
    with pytest.raises(ValueError, match="something in the input"):
        main.cli()
