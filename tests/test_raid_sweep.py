"""The raid-size sweep (``goldendome mc --raid``): scaling a scenario's raid, bad input without tracebacks, and a
small sweep end to end (folders, the saturation table, the report's figure)."""

import pytest
from typer.testing import CliRunner

from goldendome.cli.main import app
from goldendome.engine.study import _apportion, raid_capacity, raid_missiles, scale_raid, study_folders
from goldendome.io.report import saturation_table
from goldendome.scenario.loader import load_builtin
from goldendome.scenario.models import BallisticThreat, Scenario
from server_case import SMALL_BATTLE

runner = CliRunner()


@pytest.fixture(scope="module")
def china():
    return load_builtin("china-raid")


def test_largest_remainder_by_hand():
    # Hamilton's method on 10, 6, 4 for 7 seats: quotas 3.5, 2.1, 1.4 -> floors 3, 2, 1 and the seat left over to the
    # largest remainder (0.5)
    assert _apportion([10, 6, 4], 7, [1000] * 3) == [4, 2, 1]
    # equal remainders go to the earlier entry
    assert _apportion([1, 1, 1], 2, [1000] * 3) == [1, 1, 0]
    # a quota above its cap is held there and the excess shared among the others: quotas 8.33, 0.83, 0.83
    assert _apportion([10, 1, 1], 10, [3, 1000, 1000]) == [3, 4, 3]


@pytest.mark.parametrize("missiles", [1, 10, 50, 100, 194, 200, 500, 3000])
def test_scale_raid_sums_exactly_and_keeps_order(china, missiles):
    scaled = scale_raid(china, missiles)
    assert raid_missiles(scaled) == missiles
    names = [th.name for th in china.threats]
    kept = [th.name for th in scaled.threats]
    assert kept == [n for n in names if n in kept]  # order kept, entries that round to 0 dropped
    assert all(th.count >= 1 for th in scaled.threats)
    assert isinstance(Scenario.model_validate_json(scaled.model_dump_json()), Scenario)
    assert scaled.defence == china.defence  # the defence is not touched
    assert f"raid of {missiles}" in scaled.name


def test_scale_raid_keeps_proportions(china):
    # largest-remainder rounding: each count within one of its exact quota
    total = raid_missiles(china)
    for missiles in (60, 500, 2000):
        scaled = {th.name: th.count for th in scale_raid(china, missiles).threats}
        for th in china.threats:
            quota = missiles * th.count / total
            assert abs(scaled.get(th.name, 0) - quota) < 1.0
    # the scenario's own size gives it back
    assert [th.count for th in scale_raid(china, total).threats] == [th.count for th in china.threats]
    # doubling a raid doubles every entry exactly
    assert [th.count for th in scale_raid(china, 2 * total).threats] == [2 * th.count for th in china.threats]


def test_scale_raid_bounds(china):
    cap = raid_capacity(china)
    bound = BallisticThreat.model_fields["count"].metadata  # the model's le= on count
    assert cap == len(china.threats) * max(m.le for m in bound if hasattr(m, "le"))
    assert raid_missiles(scale_raid(china, cap)) == cap
    for bad in (0, -3, cap + 1):
        with pytest.raises(ValueError, match="raid of"):
            scale_raid(china, bad)


def test_raid_bad_input_is_plain(tmp_path):
    out = str(tmp_path / "s")
    res = runner.invoke(app, ["mc", "default", "--trials", "2", "--out", out, "--raid", "10,x"])
    assert res.exit_code == 2 and "--raid" in res.output and "whole numbers" in res.output
    res = runner.invoke(app, ["mc", "default", "--trials", "2", "--out", out, "--raid", "0"])
    assert res.exit_code == 2 and "--raid" in res.output and "1..5" in res.output  # 5 ICBMs, no count: one each
    res = runner.invoke(app, ["mc", "default", "--trials", "2", "--out", out, "--raid", ""])
    assert res.exit_code == 2 and "--raid" in res.output
    res = runner.invoke(app, ["mc", "default", "--trials", "2", "--out", out, "--raid", "2", "--salvo", "1"])
    assert res.exit_code == 2 and "--raid and --salvo" in res.output
    assert "Traceback" not in res.output


# the CLI tests' small battle with a salvo of two on its first entry: 3 missiles, scaled to 2 and 6
SMALL_RAID = SMALL_BATTLE.replace("name: small battle", "name: small raid").replace(
    "aim: {name: los-angeles}}", "aim: {name: los-angeles}, count: 2, interval_s: 5}"
)
assert "count: 2" in SMALL_RAID


def test_raid_sweep_end_to_end(tmp_path):
    scn = tmp_path / "raid.yaml"
    scn.write_text(SMALL_RAID)
    out = tmp_path / "sweep"
    res = runner.invoke(app, ["mc", str(scn), "--trials", "3", "--out", str(out), "--quiet", "--raid", "2,6"])
    assert res.exit_code == 0, res.output
    assert "raid of 2: 3 trial(s) run" in res.output and "How the defence saturates" in res.output
    assert [f.name for f in study_folders(out)] == ["raid-2", "raid-6"]
    table = saturation_table(out)
    assert list(table.missiles) == [2, 6] and list(table.trials) == [3, 3]
    # one RV a missile: the lethal objects grow with the raid, and leakers never outnumber them
    assert table.lethal.is_monotonic_increasing and list(table.lethal) == [2.0, 6.0]
    assert (table.leakers <= table.lethal).all() and table.leaked_fraction.between(0.0, 1.0).all()
    tiny = 1e-12  # Wilson's bound at 0 successes is 0 to rounding
    assert ((table.p_zero_lo <= table.p_zero + tiny) & (table.p_zero <= table.p_zero_hi + tiny)).all()
    rounds = [c for c in table.columns if c.startswith("rounds_")]
    assert rounds and (table.rounds == table[rounds].sum(axis=1)).all()
    assert (table.cost_per_missile_musd * table.missiles - table.cost_musd).abs().max() < 1e-9
    rep = runner.invoke(app, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    assert (out / "saturation.png").stat().st_size > 10_000
    page = (out / "report.html").read_text()
    assert "How the defence saturates" in page and 'alt="saturation"' in page
    assert "leakage_vs_salvo" not in page  # a raid sweep's entries are no salvo size
