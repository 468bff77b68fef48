"""A trial's size is estimated from the scenario alone and refused beyond a limit (issue 19, finding 7 and
deliverable 2): the counts are the scenario's own arithmetic, and the refusal names the estimate and the limit."""

import pytest
from typer.testing import CliRunner

from goldendome.cli.main import app
from goldendome.engine.budget import BASE_MEMORY_GIB, BYTES_PER_SAMPLE, Limits, check, estimate
from goldendome.scenario.loader import ScenarioError, builtin_text, load_builtin
from goldendome.scenario.models import Scenario
from goldendome.sensors.radar import PRESETS


def _raid(**changes) -> Scenario:
    data = {
        "name": "raid",
        "epoch": "2026-07-04T12:00:00Z",
        "duration_min": 30,
        "time_step_s": 2.0,
        "threats": [
            {
                "name": "M",
                "missile": "icbm-solid-3stage",
                "launch": {"name": "sohae"},
                "aim": {"name": "seattle"},
                "count": 10,
                "rvs": 3,
                "decoys": 5,
            }
        ],
    }
    data.update(changes)
    return Scenario.model_validate(data)


def test_the_counts_are_objects_times_samples_looks_and_decision_cycles():
    scn = load_builtin("critique-salvo")
    e = estimate(scn)
    steps = scn.duration_min * 60.0 / scn.time_step_s + 1.0
    assert e.samples == pytest.approx(e.objects * steps)
    assert e.radar_looks == pytest.approx(
        sum(e.objects * scn.duration_min * 60.0 / PRESETS[r].revisit_s for r in scn.radars)
    )
    d = scn.defence
    assert e.battle_checks == pytest.approx(scn.duration_min * 60.0 / d.decision_s * e.objects * (len(d.batteries) + 1))
    assert e.memory_gib == pytest.approx(BASE_MEMORY_GIB + e.samples * BYTES_PER_SAMPLE / 2**30)
    assert e.operations == pytest.approx(e.samples + e.radar_looks + e.battle_checks)


def test_ten_missiles_of_three_rvs_and_five_decoys_are_eighty_objects():
    e = estimate(_raid())
    assert e.objects == 80
    assert e.samples == pytest.approx(80 * (1800 / 2.0 + 1))
    assert e.radar_looks == 0 and e.battle_checks == 0


def test_a_finer_step_is_refused_naming_the_memory_estimate_and_the_limit():
    scn = _raid(time_step_s=0.01, duration_min=60)
    with pytest.raises(ScenarioError, match=r"80 objects .* an estimated [\d.]+ GiB .* limit of 1\.0 GiB"):
        check(scn, Limits(memory_gib=1.0))


def test_work_beyond_the_operations_limit_is_refused_with_its_parts():
    scn = _raid()
    e = estimate(scn)
    assert check(scn, Limits(memory_gib=64.0, operations=e.operations * 1.01)) == e
    with pytest.raises(ScenarioError, match=r"operations .* sampled states .* above the limit of") as info:
        check(scn, Limits(memory_gib=64.0, operations=e.operations * 0.99, operations_source="test"))
    assert "(test)" in info.value.messages[0]


def test_scenario_validate_reports_the_size_and_refuses_what_the_machine_cannot_hold(tmp_path, monkeypatch):
    ok = tmp_path / "ok.yaml"
    ok.write_text(
        "name: small\nepoch: 2026-07-04T12:00:00Z\nthreats:\n"
        "  - {name: M, missile: icbm-solid-3stage, launch: {name: sohae}, aim: {name: seattle}}\n"
    )
    out = CliRunner().invoke(app, ["scenario", "validate", str(ok)])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())  # rich wraps to the terminal
    assert "sampled states" in text and "GiB of memory" in text
    big = tmp_path / "big.yaml"
    big.write_text(
        ok.read_text().replace("seattle}}", "seattle}, count: 1000, rvs: 3, decoys: 5}") + "time_step_s: 0.01\n"
    )
    monkeypatch.setenv("GOLDENDOME_MEMORY_GIB", "4")
    out = CliRunner().invoke(app, ["scenario", "validate", str(big)])
    assert out.exit_code == 2
    text = " ".join(out.output.split())
    assert "8,000 objects" in text and "limit of 4.0 GiB" in text


def test_the_server_refuses_a_scenario_beyond_its_limits_before_queueing_it(tmp_path):
    from fastapi.testclient import TestClient

    from goldendome.server.app import create_app, server_limits

    e = estimate(load_builtin("default"))
    app = create_app(tmp_path, limits=server_limits(memory_gib=64.0, operations=e.operations / 2))
    with TestClient(app) as client:
        r = client.post("/api/runs", json={"builtin": "default"})
        assert r.status_code == 422, r.text
        (message,) = r.json()["detail"]["errors"]
        assert "operations" in message and "--max-operations" in message
        assert client.get("/api/runs").json() == []
        r = client.post("/api/validate", json={"text": builtin_text("default")})
        assert r.status_code == 200 and not r.json()["ok"]
        assert "--max-operations" in r.json()["errors"][0]
    roomy = create_app(tmp_path / "roomy", limits=server_limits(memory_gib=64.0, operations=e.operations * 2))
    with TestClient(roomy) as client:
        r = client.post("/api/validate", json={"text": builtin_text("default")})
        assert r.json()["ok"] and r.json()["work"]["operations"] == pytest.approx(e.operations)
        assert client.post("/api/runs", json={"builtin": "default"}).status_code == 202
