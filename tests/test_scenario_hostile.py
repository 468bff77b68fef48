"""Scenario files written to hurt (issue 19, findings 1, 5, 6, 7): each is refused, fast, in one line that names the
field or the limit, and never with a traceback. Legitimate use of the same YAML features still loads."""

import datetime as dt
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from goldendome.cli.main import app
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M
from goldendome.physics.greatcircle import destination
from goldendome.scenario.cost_study import CostStudy
from goldendome.scenario.loader import (
    MAX_DEPTH,
    MAX_NODES,
    ScenarioError,
    builtin_text,
    parse_model,
    parse_scenario,
)
from goldendome.scenario.models import MIN_BALLISTIC_RANGE_KM, MIN_TIME_STEP_S
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.missile import design

HEAD = """name: hostile
epoch: 2026-07-04T12:00:00Z
duration_min: 20
"""
NEAR = "{lat_deg: 39.0, lon_deg: 125.0}", "{lat_deg: 37.5, lon_deg: 127.0}"


def threat(launch: str, aim: str, more: str = "") -> str:
    return f"threats:\n  - {{name: M, missile: srbm-solid-1stage, launch: {launch}, aim: {aim}{more}}}\n"


SMALL = HEAD + threat(*NEAR)
FAST_S = 1.0  # a refusal is a parse, not an expansion: well under a second on a 2-core machine


def _errors(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, fmt=fmt)
    return info.value.messages


def _refused_fast(text: str, fmt: str = "yaml") -> list[str]:
    t0 = time.perf_counter()
    msgs = _errors(text, fmt)
    assert time.perf_counter() - t0 < FAST_S
    return msgs


def _nested_aliases(levels: int, width: int = 9) -> str:
    """A flow list of anchors, each naming `width` copies of the one before: width**levels values once expanded."""
    parts = ["&a0 [" + ", ".join(["lol"] * width) + "]"]
    parts += [f"&a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]" for k in range(1, levels + 1)]
    return "[" + ", ".join(parts) + "]"


def test_the_alias_bomb_of_the_issue_is_refused_fast_naming_the_limit():
    # the upload that killed the server: aliases nested eight deep inside an asset's free-text note
    asset = f"{{name: x, lat_deg: 37.5, lon_deg: 127.0, population: 1, note: {_nested_aliases(8)}}}"
    text = SMALL + f"radars: [lrdr-clear]\ndefence:\n  assets:\n    extra: [{asset}]\n"
    assert len(text.encode()) < 1000
    (msg,) = _refused_fast(text)
    assert msg.startswith("line 9, column") and f"more than {MAX_NODES:,} values" in msg


def test_billion_laughs_is_refused_fast():
    text = "lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    text += "".join(f"l{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]\n" for k in range(1, 10))
    (msg,) = _refused_fast(text)
    assert f"more than {MAX_NODES:,} values" in msg


def test_many_aliases_of_a_long_text_are_refused():
    # few values, but each alias repeats a megabyte
    text = "a: &s '" + "x" * 1_000_000 + "'\nb: [" + ", ".join(["*s"] * 20) + "]\n"
    (msg,) = _errors(text)
    assert "characters" in msg


def test_a_value_that_contains_itself_is_refused():
    (msg,) = _errors(HEAD + "description: &d [1, *d]\n")
    assert "alias *d is inside the value it names" in msg


@pytest.mark.parametrize(
    "text",
    [
        "name: " + "[" * 500 + "]" * 500,  # flow
        "name:\n" + "".join("  " * k + "- \n" for k in range(1, 500)),  # block
    ],
    ids=["flow", "block"],
)
def test_500_levels_of_yaml_nesting_is_a_scenario_error_not_a_recursion_error(text):
    (msg,) = _refused_fast(text)
    assert f"nested deeper than {MAX_DEPTH} levels" in msg


@pytest.mark.parametrize(
    "text",
    [
        "name = " + "[" * 500 + "]" * 500,  # arrays: tomllib recurses
        "name = " + "{a = " * 500 + "1" + "}" * 500,  # inline tables: tomllib recurses
        "a" + ".a" * 500 + " = 1",  # dotted keys: parsed flat, nested 500 deep
    ],
    ids=["arrays", "inline-tables", "dotted-keys"],
)
def test_500_levels_of_toml_nesting_is_a_scenario_error_not_a_recursion_error(text):
    (msg,) = _refused_fast(text, fmt="toml")
    assert f"nested deeper than {MAX_DEPTH} levels" in msg


def test_a_repeated_key_is_refused_with_its_line():
    text = SMALL.replace("duration_min: 20\n", "duration_min: 20\nduration_min: 30\n")
    assert _errors(text) == ["line 4, column 1: key 'duration_min' appears twice in the same mapping (first on line 3)"]


def test_python_tags_are_still_refused():
    (msg,) = _errors(HEAD + "description: !!python/object/apply:os.system ['echo hi']\n")
    assert "could not determine a constructor" in msg


def test_a_bool_is_not_a_count():
    assert _errors(SMALL.replace("}\n", ", count: true}\n")) == [
        "threats[0].count: Input should be a valid integer (got True)"
    ]
    (msg,) = _errors(SMALL + "time_step_s: true\n")
    assert msg == "time_step_s: Input should be a valid number (got True)"


def test_a_5000_digit_seed_is_refused_naming_the_field_and_the_bound():
    (msg,) = _refused_fast(SMALL + "seed: " + "7" * 5000 + "\n")
    assert msg == f"seed: Input should be less than {2**63} (got an integer of 5,000 digits)"
    (msg,) = _errors(SMALL + f"seed: {2**63}\n")
    assert msg.startswith(f"seed: Input should be less than {2**63}")
    assert parse_scenario(SMALL + f"seed: {2**63 - 1}\n").seed == 2**63 - 1
    (msg,) = _errors(f"name = 'x'\nseed = {'7' * 5000}\n", fmt="toml")
    assert msg.startswith("TOML: a number that cannot be read")


def test_a_vanishing_time_step_is_refused_naming_the_field_and_the_smallest():
    (msg,) = _errors(SMALL + "time_step_s: 1e-300\n")
    assert msg == f"time_step_s: Input should be greater than or equal to {MIN_TIME_STEP_S} (got 1e-300)"
    assert parse_scenario(SMALL + f"time_step_s: {MIN_TIME_STEP_S}\n").time_step_s == MIN_TIME_STEP_S


def test_a_battery_firing_on_sensor_tracks_needs_a_sensor():
    battery = f"defence:\n  tracks: sensors\n  batteries: [{{name: p, interceptor: pac3-mse, site: {NEAR[1]}}}]\n"
    (msg,) = _errors(SMALL + "radars: []\n" + battery)
    assert msg.startswith("defence.tracks: 'sensors' has the batteries fire on the sensors' tracks, but no sensor")
    assert parse_scenario(SMALL + "radars: [tpy2-forward]\n" + battery).radars == ["tpy2-forward"]
    assert parse_scenario(SMALL + battery.replace("sensors", "truth")).defence.tracks == "truth"


@pytest.mark.parametrize(
    ("launch", "aim"),
    [
        (NEAR[0], NEAR[0]),  # aimed at its own launch point
        ("{lat_deg: 10.0, lon_deg: -180.0}", "{lat_deg: 10.0, lon_deg: 180.0}"),  # the same meridian
        ("{name: sohae}", "{name: sohae}"),  # through a named place
        ("{name: sohae}", "{lat_deg: 39.66, lon_deg: 124.71}"),  # a name and its coordinates
    ],
    ids=["same-point", "antimeridian", "named", "named-and-coordinates"],
)
def test_a_zero_range_shot_is_refused_at_validation(launch, aim):
    (msg,) = _errors(HEAD + threat(launch, aim))
    assert msg == (
        "threats[0].aim: the aim point is 0 km from the launch point; a ballistic missile needs a ground range of "
        f"at least {MIN_BALLISTIC_RANGE_KM:g} km"
    )


def test_launch_and_aim_discs_that_reach_each_other_are_refused():
    # centres ~250 km apart, discs of 200 and 60 km
    (msg,) = _errors(HEAD + threat(*NEAR, ", count: 5, launch_radius_km: 200, aim_radius_km: 60"))
    assert msg.startswith("threats[0].aim_radius_km: the launch and aim discs (radii 200 and 60 km")
    assert parse_scenario(HEAD + threat(*NEAR, ", count: 5, launch_radius_km: 100, aim_radius_km: 60"))


@pytest.mark.parametrize("missile", ["rocket-122mm", "srbm-solid-1stage", "icbm-solid-3stage", "r-36m2"])
def test_the_shortest_allowed_shot_flies_without_nan(missile):
    """At MIN_BALLISTIC_RANGE_KM the targeting lands each design (artillery rocket to heavy ICBM) close to its aim:
    every state and headline figure finite (a shot at its own launch point flew all NaN)."""
    lat, lon = 39.0 * DEG, 125.0 * DEG
    aim = destination(lat, lon, 1.0, MIN_BALLISTIC_RANGE_KM * 1e3 / R_EARTH_MEAN_M)
    launch = BallisticLaunch("M", design(missile), lat, lon, float(aim[0]), float(aim[1]))
    traj, summary = fly_ballistic([launch], dt.datetime(2026, 7, 4, 12, tzinfo=dt.UTC))
    assert np.isfinite(traj.r_eci_m).all() and np.isfinite(traj.v_eci_mps).all()
    assert summary.feasible[0] and summary.miss_m[0] < 100.0  # 10 % of the range
    for value in (summary.ground_range_m, summary.flight_time_s, summary.apogee_m, summary.impact_speed_mps):
        assert np.isfinite(value).all()


def test_typed_assets_refuse_what_the_untyped_list_let_through():
    def head(asset: str) -> str:
        return SMALL + "defence:\n  tracks: truth\n  assets:\n    extra: [" + asset + "]\n"

    ok = "{name: Town, lat_deg: 31.5, lon_deg: 34.6, population: 80000, radius_km: 3}"
    (asset,) = parse_scenario(head(ok)).defence.assets.extra
    assert (asset.name, asset.population, asset.note) == ("Town", 80000, None)
    assert _errors(head(ok.replace("}", ", note: [a, b]}"))) == [
        "defence.assets.extra[0].note: Input should be a valid string"
    ]
    assert _errors(head(ok.replace("population: 80000", "population: true"))) == [
        "defence.assets.extra[0].population: Input should be a valid integer (got True)"
    ]
    (msg,) = _errors(head(ok.replace("}", ", note: '" + "x" * 5000 + "'}")))
    assert msg.startswith("defence.assets.extra[0].note: String should have at most 4000 characters (got 'xxx")
    assert msg.endswith("... (5,002 characters))")


def test_a_study_is_read_with_the_same_limits():
    (msg,) = _errors_of_model("kind: cost\nname: x\nname: y\n", CostStudy)
    assert "key 'name' appears twice" in msg
    (msg,) = _errors_of_model("kind: cost\nname: " + "[" * 200 + "]" * 200 + "\n", CostStudy)
    assert f"nested deeper than {MAX_DEPTH} levels" in msg


def _errors_of_model(text, model) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_model(text, model)
    return info.value.messages


def test_anchors_aliases_and_merge_keys_of_a_real_scenario_still_load():
    text = HEAD + (
        "threats:\n"
        "  - &salvo {name: A, missile: srbm-solid-1stage, launch: &pad {lat_deg: 39.0, lon_deg: 125.0},\n"
        "            aim: &seoul {lat_deg: 37.5, lon_deg: 127.0}, count: 2}\n"
        "  - {<<: *salvo, name: B, launch_time_s: 60}\n"
        "  - {name: C, missile: mrbm-solid-2stage, launch: *pad, aim: *seoul}\n"
    )
    scn = parse_scenario(text)
    a, b, c = scn.threats
    assert (b.missile, b.count, b.launch_time_s, b.aim) == (a.missile, 2, 60.0, a.aim)
    assert c.launch == a.launch
    for name in ("default", "china-raid", "russia-raid"):  # the shipped scenarios, the largest among them
        assert parse_scenario(builtin_text(name)).name


def test_the_command_line_answers_hostile_files_without_a_traceback(tmp_path):
    files = {
        "bomb.yaml": "a: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]\n" for k in range(1, 9)),
        "deep.yaml": "name: " + "[" * 500 + "]" * 500,
        "deep.toml": "name = " + "[" * 500 + "]" * 500,
        "dup.yaml": SMALL + "seed: 1\nseed: 2\n",
        "seed.yaml": SMALL + "seed: " + "9" * 5000 + "\n",
        "date.yaml": SMALL.replace("2026-07-04T12:00:00Z", "2026-02-30T12:00:00Z"),
        "kind.yaml": SMALL + "kind: [1]\n",
        "zero.yaml": HEAD + threat(NEAR[0], NEAR[0]),
    }
    runner = CliRunner()
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        for command in (["scenario", "validate", str(path)], ["run", str(path), "--out", str(tmp_path / "out")]):
            res = runner.invoke(app, command)
            assert res.exit_code not in (0, None) and isinstance(res.exception, SystemExit), (name, res.output)
            assert "Traceback" not in res.output and "error" in res.output, (name, res.output)
