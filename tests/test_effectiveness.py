"""Cost-effectiveness: the cost-exchange arithmetic, the Pareto front, the rocket-equation mass of an SBI of another
delta-v, sizing coupled to cost, and the `goldendome cost` / `goldendome report` commands end to end."""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from goldendome.analysis.effectiveness import (
    SBI_ISP_S,
    exchange_table,
    kill_cost,
    pareto_front,
    sbi_mass_kg,
)
from goldendome.cli.main import app
from goldendome.effectors.interceptors import interceptor
from goldendome.physics.constants import G0_M_S2
from goldendome.scenario.effectiveness import ExchangeCase

runner = CliRunner()


def test_kill_cost_is_salvo_cost_over_salvo_kill_probability():
    # four GBIs at the test-record 0.56: P(kill) = 1 - 0.44^4 = 0.9625, so a kill costs 4 x $75M / 0.9625
    assert kill_cost(75e6, 4, 0.56) == pytest.approx(4 * 75e6 / (1 - 0.44**4))
    assert kill_cost(1.0, 1, 1.0) == 1.0


def test_exchange_table_uses_the_catalogue_and_counts_the_shell_for_sbis():
    cases = [
        ExchangeCase(interceptor="tamir", threat="Qassam", threat_cost_usd=1e3, threat_class="rocket"),
        ExchangeCase(interceptor="sbi", threat="ICBM", threat_cost_usd=30e6, sspk=0.8, in_orbit_per_engagement=780),
    ]
    t = exchange_table(cases)
    w = interceptor("tamir")
    # Iron Dome: a ~$50k Tamir (0.88) against a ~$1k rocket (references.md: $35-60k vs ~$1k): ratio ~57
    assert t.exchange_ratio[0] == pytest.approx(w.round_cost_musd * 1e6 / w.sspk["rocket"] / 1e3)
    assert t.exchange_ratio[1] == pytest.approx(22e6 * 780 / 0.8 / 30e6)
    with pytest.raises(ValueError, match="does not engage class"):
        exchange_table([ExchangeCase(interceptor="tamir", threat="x", threat_cost_usd=1.0, threat_class="icbm")])


def test_pareto_front_keeps_only_undominated_points():
    cost = np.array([1.0, 2.0, 2.0, 3.0, 1.5])
    cap = np.array([1, 2, 1, 2, 2])
    assert pareto_front(cost, cap).tolist() == [True, False, False, False, True]


def test_sbi_mass_follows_the_rocket_equation():
    assert sbi_mass_kg(1000.0, 4000.0, 4000.0) == pytest.approx(1000.0)
    assert sbi_mass_kg(1000.0, 4000.0, 5000.0) == pytest.approx(1000.0 * math.exp(1000.0 / (SBI_ISP_S * G0_M_S2)))


def test_cost_command_prints_totals_with_assumptions_schedule_and_shares(tmp_path):
    res = runner.invoke(app, ["cost", "cbo-2026", "-q", "--plot", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = res.output
    for text in (
        "Cost by component",
        "Beside the published figures",
        "Who pays",
        "It rests on:",
        "deadline",
        "Cost-exchange ratio",
        "norad",
    ):
        assert text in out
    c = json.loads((tmp_path / "cost.json").read_text())
    assert c["assumptions"] and c["total_usd"] == pytest.approx(1.18e12, rel=0.05)
    assert c["deadline"]["met"] is False  # 7,800 SBIs by January 2029 at the 2024 Falcon record: no
    for f in ("cost_by_year.png", "partner_bills.png", "deployment.png", "sharing.parquet", "schedule.parquet"):
        assert (tmp_path / f).stat().st_size > 1000
    rep = runner.invoke(app, ["report", str(tmp_path)])
    assert rep.exit_code == 0, rep.output
    page = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64" in page and "The assumptions these totals rest on" in page


def test_cost_command_shows_what_the_letter_implies(tmp_path):
    """The CBO 2025 letter study: the calibrated figures flagged, the SBI masses its new totals imply (table, JSON,
    figure and report)."""
    res = runner.invoke(app, ["cost", "cbo-2025-letter", "-q", "--plot", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "What the published figures imply" in res.output and "(calibrated)" in res.output
    c = json.loads((tmp_path / "cost.json").read_text())
    implied = {r["component"]: r["implied"] for r in c["implied"]}
    assert implied["sbi-highest-cost"] == pytest.approx(4014, abs=1)
    assert any(a.startswith("CALIBRATED: sbi-lowest-cost.average_unit_cost_usd") for a in c["assumptions"])
    assert (tmp_path / "implied_inputs.png").stat().st_size > 1000
    assert runner.invoke(app, ["report", str(tmp_path)]).exit_code == 0
    assert "What the published figures imply" in (tmp_path / "report.html").read_text()


def test_cost_command_bad_input_is_plain(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: cost\nname: x\ndollars_year: 2026\nstart_year: 2026\ncomponents:\n"
        "  - {name: a, kind: sbi, quantity: 10, average_unit_cost_usd: -5}\n"
    )
    res = runner.invoke(app, ["cost", str(bad)])
    assert res.exit_code == 2 and "average_unit_cost_usd" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["cost", "cbo-2025-letter", "--alternative", "nope"])
    assert res.exit_code == 2 and "unknown 'nope'" in res.output
    assert runner.invoke(app, ["cost", "cbo-2026", "--plot"]).exit_code == 2


def test_sizing_coupled_to_cost_gives_the_marginal_cost_of_one_more_icbm():
    # the quick SBI sizing (one launch time every 10 min) for salvos of 1 and 2, priced with CBO's SBI costs: the
    # second simultaneous ICBM costs what its extra SBIs cost over 20 years (5-year life: bought four times)
    from goldendome.analysis.cost import load_cost_study
    from goldendome.analysis.effectiveness import sizing_cost
    from goldendome.scenario.effectiveness import SizingCoupling

    study = load_cost_study("sbi-cost-effectiveness")
    rows = sizing_cost(study, SizingCoupling(study="sbi-quick", component="sbi", salvo=[1, 2]))
    assert rows.sbis.notna().all() and rows.sbis[1] > rows.sbis[0]
    extra = rows.sbis[1] - rows.sbis[0]
    per_sbi_20y = 4 * (22e6 + 1250 * 500)  # four buys of the unit and its launch (operations on top)
    assert rows.marginal_usd[1] == pytest.approx(extra * per_sbi_20y, rel=0.15)


def test_cost_against_monte_carlo_leakage(tmp_path):
    # two defences of the small battle of test_cli (one THAAD round per missile, or two), each run as a study, and
    # a cost study that prices them: the table sets each architecture's cost beside its P(no leaker)
    import yaml

    from goldendome.analysis.architecture import evaluate
    from goldendome.engine.study import run_battle_study
    from goldendome.scenario.models import Scenario
    from test_cli import SMALL_BATTLE

    for shots in (1, 2):
        d = yaml.safe_load(SMALL_BATTLE)
        d["threats"] = d["threats"][:1]
        d["defence"]["doctrine"] = {"shots": shots, "looks": 0}
        run_battle_study(Scenario.model_validate(d), 6, tmp_path / f"shots-{shots}")
    study = {
        "kind": "cost",
        "name": "two doctrines",
        "dollars_year": 2026,
        "start_year": 2026,
        "components": [{"name": "thaad", "kind": "interceptor", "quantity": 48, "average_unit_cost_usd": 18e6}],
        "effectiveness": {
            "monte_carlo": [
                {"label": "1 round", "folder": str(tmp_path / "shots-1"), "cost_usd": 1e9},
                {"label": "2 rounds", "folder": str(tmp_path / "shots-2"), "cost_usd": 2e9},
            ]
        },
    }
    rep = evaluate(study)
    t = rep.leakage
    assert list(t.label) == ["1 round", "2 rounds"] and list(t.trials) == [6, 6]
    assert (t.p_zero_lo <= t.p_zero).all() and (t.p_zero <= t.p_zero_hi).all()
    from goldendome.io.results import write_cost

    write_cost(rep, tmp_path / "cost", plot=True)
    assert (tmp_path / "cost" / "cost_vs_leakage.png").exists()
    bad = dict(study, effectiveness={"monte_carlo": [{"label": "x", "folder": str(tmp_path / "none")}]})
    with pytest.raises(ValueError, match="holds no Monte Carlo study"):
        evaluate(bad)


def test_sizing_keeps_a_calibrated_input(monkeypatch):
    """An SBI mass calibrated on a published figure holds when the sizing replaces the quantity (the sizing itself
    stubbed to 500 SBIs): 500 SBIs, bought twice in 10 years, at $1M + 6,500 kg x $1,000/kg = $7.5bn; and a
    calibration whose figure has a variant survives the sizing's own variant (which replaces the study's)."""
    import types

    import goldendome.analysis.sbi_study as sbi_study
    import goldendome.scenario.loader as loader
    from goldendome.analysis.cost import calibrated, load_cost_study
    from goldendome.analysis.effectiveness import sizing_cost
    from goldendome.scenario.effectiveness import SizingCoupling

    monkeypatch.setattr(
        sbi_study,
        "base_point",
        lambda sizing: types.SimpleNamespace(sbi=types.SimpleNamespace(mass_kg=float("nan"), delta_v_mps=4000.0)),
    )
    monkeypatch.setattr(
        sbi_study, "run_point", lambda sizing, point: ({"simulated_sbis": 500, "infeasible": None}, None)
    )
    monkeypatch.setattr(sbi_study, "vary_point", lambda point, key, value: point)
    monkeypatch.setattr(loader, "load_study", lambda *a, **k: None)
    base = {
        "name": "t",
        "dollars_year": 2026,
        "start_year": 2026,
        "horizon_years": 10,
        "components": [
            {
                "name": "x",
                "kind": "sbi",
                "quantity": 100,
                "average_unit_cost_usd": 1e6,
                "unit_mass_kg": 1000,
                "launch_price_usd_per_kg": 1000,
                "service_life_years": 5,
                "deploy_years": 2,
            }
        ],
        "variants": [{"name": "old", "overrides": {"x": {"launch_price_usd_per_kg": 5000}}}],
        "published": [
            {"label": "old", "value_usd": 2e9, "variant": "old", "source": "s"},
            {"label": "new", "value_usd": 1.5e9, "source": "s"},
        ],
    }
    coupling = SizingCoupling(study="sbi-quick", component="x", salvo=[1])
    study = load_cost_study(base | {"calibrate": [{"component": "x", "parameter": "unit_mass_kg", "to": "new"}]})
    assert calibrated(study).components[0].unit_mass_kg == pytest.approx(6500)
    assert sizing_cost(study, coupling)["total_usd"].iloc[0] == pytest.approx(2 * 500 * (1e6 + 6500 * 1000))
    study = load_cost_study(
        base | {"calibrate": [{"component": "x", "parameter": "average_unit_cost_usd", "to": "old"}]}
    )
    # u from 'old': 200 u + 200 x 1,000 kg x $5,000 = $2bn -> $5M; sized: 1,000 bought at $5M + $1M of launch
    assert sizing_cost(study, coupling)["total_usd"].iloc[0] == pytest.approx(1000 * (5e6 + 1000 * 1000))
