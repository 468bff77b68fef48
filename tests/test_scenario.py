"""Scenario files: the built-in default loads, and every kind of bad input gets a message naming the field."""

import textwrap

import pytest

from goldendome.scenario.loader import (
    ScenarioError,
    builtin_names,
    load_builtin,
    load_scenario,
    parse_scenario,
    scenario_hash,
    scenario_schema,
)

GOOD = """
name: test
epoch: 2026-07-04T12:00:00Z
threats:
  - {name: A, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}
constellations:
  - name: leo
    walker: {total: 12, planes: 3, phasing: 1, altitude_km: 550, inclination_deg: 53}
"""


def _errors(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(textwrap.dedent(text), fmt=fmt)
    return exc.value.messages


def test_builtin_default_loads_with_threats_and_a_constellation():
    scn = load_builtin()
    assert "default" in builtin_names()
    assert len(scn.threats) >= 3 and len(scn.constellations) >= 1
    assert scn.epoch.tzinfo is not None


def test_good_scenario_parses_and_hash_is_stable():
    a, b = parse_scenario(GOOD), parse_scenario(GOOD + "\n# a comment changes nothing\n")
    assert scenario_hash(a) == scenario_hash(b)
    assert a.threats[0].launch.coordinates_deg() == pytest.approx((39.66, 124.71), abs=1e-9)  # gazetteer, deg


def test_latitude_out_of_range_names_the_field():
    msgs = _errors(GOOD.replace("{name: seattle}", "{lat_deg: 95, lon_deg: 10}"))
    assert any(m.startswith("threats[0].aim.lat_deg:") and "90" in m and "95" in m for m in msgs), msgs


def test_unknown_missile_lists_the_catalogue():
    msgs = _errors(GOOD.replace("icbm-solid-3stage", "icbm-unobtainium"))
    assert any("threats[0].missile" in m and "icbm-liquid-2stage" in m for m in msgs), msgs


def test_unknown_place_lists_known_places():
    msgs = _errors(GOOD.replace("{name: seattle}", "{name: atlantis}"))
    assert any("threats[0].aim" in m and "unknown place 'atlantis'" in m and "seattle" in m for m in msgs), msgs


def test_misspelled_key_is_reported_not_ignored():
    msgs = _errors(GOOD.replace("launch: {name: sohae}", "lanuch: {name: sohae}"))
    assert any("threats[0].lanuch: unknown field" in m for m in msgs), msgs
    assert any("threats[0].launch: Field required" in m for m in msgs), msgs


def test_missing_epoch_and_bad_epoch():
    assert any(m.startswith("epoch:") for m in _errors(GOOD.replace("epoch: 2026-07-04T12:00:00Z", "")))
    msgs = _errors(GOOD.replace("2026-07-04T12:00:00Z", "'next tuesday'"))
    assert any(m.startswith("epoch:") and "ISO-8601" in m for m in msgs), msgs


def test_walker_inconsistent_pattern_and_low_orbit():
    msgs = _errors(GOOD.replace("total: 12", "total: 13"))
    assert any("constellations[0].walker" in m and "multiple of planes" in m for m in msgs), msgs
    msgs = _errors(GOOD.replace("altitude_km: 550", "altitude_km: 120"))
    assert any("constellations[0].walker" in m and "150 km" in m for m in msgs), msgs


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("total: 12", "total: 13").replace("icbm-solid-3stage", "nope")
    assert len(_errors(text)) >= 2


def test_yaml_syntax_error_gives_line_and_column():
    msgs = _errors("name: x\nepoch: [unclosed\n")
    assert msgs[0].startswith("line ") and "column" in msgs[0]


def test_not_a_mapping():
    assert "mapping" in _errors("- just\n- a list\n")[0]


def test_duplicate_threat_names():
    line = "  - {name: A, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}\n"
    dup = GOOD.replace("threats:\n", "threats:\n" + line)
    assert any("unique" in m and "A" in m for m in _errors(dup))


def test_elements_file_cannot_escape_the_scenario_folder():
    text = GOOD.replace(
        "walker: {total: 12, planes: 3, phasing: 1, altitude_km: 550, inclination_deg: 53}",
        "elements_file: ../../etc/passwd",
    )
    assert any("relative path inside" in m for m in _errors(text))


def test_toml_scenarios_load_too(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        'name = "t"\nepoch = "2026-01-01T00:00:00Z"\n[[constellations]]\nname = "c"\n'
        "walker = { total = 4, planes = 2, phasing = 0, altitude_km = 700, inclination_deg = 98 }\n"
    )
    assert load_scenario(p).constellations[0].walker.total == 4


def test_missing_file():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("/nonexistent/scenario.yaml")
    assert "no such file" in exc.value.messages[0]


def test_json_schema_exports():
    schema = scenario_schema()
    assert schema["title"] == "Scenario" and "threats" in schema["properties"]


def test_shape_value_is_checked_against_the_shape():
    base = GOOD.replace("aim: {name: seattle}}", "aim: {name: seattle}, shape: apogee}")
    assert any("needs shape_value (in km)" in m for m in _errors(base))
    assert any("outside 50-40000" in m for m in _errors(base.replace("shape: apogee", "shape: apogee, shape_value: 1")))
    assert any(
        "takes no shape_value" in m
        for m in _errors(GOOD.replace("aim: {name: seattle}}", "aim: {name: seattle}, shape_value: 3}"))
    )


def test_inputs_that_once_crashed_the_run_are_refused_when_read(tmp_path):
    """Found by fuzzing the CLI (session 14): each crashed `goldendome run` with a traceback; now the file is refused
    with the field named."""
    threat = "  - {name: A, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}, %s}"
    head = "name: t\nepoch: 2026-07-04T12:00:00Z\nthreats:\n"
    msgs = _errors(head + threat % "launch_time_s: .inf")
    assert any("threats[0].launch_time_s" in m and "finite" in m for m in msgs)
    assert any("launch_time_s" in m and "86400" in m for m in _errors(head + threat % "launch_time_s: 1.0e+12"))
    assert any("threats[0].interval_s" in m for m in _errors(head + threat % "count: 3, interval_s: .inf"))
    assert any(
        "constellations[0].tle" in m
        for m in _errors(head + threat % "count: 1" + "\nconstellations:\n  - {name: x, tle: ''}")
    )
    defence = "\ndefence:\n  batteries: []\n  assets: %s\n"
    msgs = _errors(head + threat % "count: 1" + defence % "{only: [atlantis]}")
    assert any(m.startswith("defence.assets") and "atlantis" in m for m in msgs)
    msgs = _errors(head + threat % "count: 1" + defence % "{extra: [{name: x, lon_deg: 1}]}")
    assert any(m.startswith("defence.assets") and "lat_deg" in m for m in msgs)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(ScenarioError, match="not UTF-8 text"):
        load_scenario(binary)


def test_a_file_of_another_kind_is_named_as_such():
    """A cost study given to the scenario reader, or a scenario to the cost reader, says which command reads it."""
    from goldendome.scenario.cost_study import CostStudy
    from goldendome.scenario.loader import parse_model, study_text

    with pytest.raises(
        ScenarioError,
        match=r"kind: this file is a 'cost' study, read by 'goldendome cost'; this "
        r"command reads a scenario",
    ):
        parse_scenario(study_text("cbo-2026"))
    with pytest.raises(ScenarioError, match=r"kind: this file is a scenario, read by 'goldendome run / mc'"):
        parse_model(textwrap.dedent(GOOD), CostStudy)
