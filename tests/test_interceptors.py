"""Ground- and sea-based interceptors: the catalogue (every entry sourced), the fly-out time against its closed form,
and predicted intercept points against a flown ICBM and a rocket (engagement windows by layer)."""

import datetime as dt
from pathlib import Path

import pytest

from goldendome.effectors.interceptors import interceptor, load_interceptors, predicted_intercept

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_catalogue_has_every_layer_with_sources():
    cat = load_interceptors()
    assert {w.layer for w in cat.values()} == {"midcourse", "upper", "lower", "short_range", "cmd"}
    for w in cat.values():
        assert w.sources and 0 < min(w.sspk.values()) <= max(w.sspk.values()) <= 1
        assert w.min_altitude_m < w.max_altitude_m
    assert interceptor("gbi").sspk["icbm"] == pytest.approx(10 / 18, abs=0.01)  # the test-record figure
    with pytest.raises(KeyError, match="the catalogue has") as unknown:
        interceptor("nope")
    assert "did you mean" not in str(unknown.value)  # nothing in the catalogue is close to "nope"
    with pytest.raises(KeyError, match="did you mean 'thaad'"):
        interceptor("thad")


def test_pac3_round_and_programme_prices_differ_and_both_are_sourced():
    """A round is the missile a shot consumes (Army FY2024 budget, ~$4.1M); the 2025 multi-year buy's average is
    $9.8bn / 1,970 = ~$4.97M because it also pays for hardware (references.md)."""
    w = interceptor("pac3-mse")
    assert w.round_cost_musd == pytest.approx(4.1)
    assert w.programme_unit_cost_musd == pytest.approx(9.8e3 / 1970, rel=0.01)  # $9.8bn: 2 significant digits
    assert w.programme_unit_cost_musd > w.round_cost_musd
    round_line, programme_line = w.price_sources
    assert "$4.1M" in round_line and "FY2024" in round_line
    assert "$9.8bn / 1,970" in programme_line and "hardware" in programme_line and "2025 dollars" in programme_line


def test_every_price_is_sourced_and_one_figure_serves_both_prices_only_when_the_source_says_so():
    for w in load_interceptors().values():
        assert w.price_sources, w.name
        assert 0 < w.round_cost_musd <= w.programme_unit_cost_musd, w.name
        assert 2000 <= w.dollars_year <= 2026, w.name
        if w.round_cost_musd == w.programme_unit_cost_musd:
            assert any("round and the programme unit cost alike" in s for s in w.price_sources), w.name


def test_fly_out_time_closed_form():
    w = interceptor("thaad")
    v, tb = w.burnout_speed_mps, w.burn_time_s
    d_boost = 0.5 * v * tb
    assert w.fly_out_time_s(d_boost) == pytest.approx(tb)  # the boost ends where both branches meet
    assert w.fly_out_time_s(100e3) == pytest.approx(tb / 2 + 100e3 / v)
    assert w.fly_out_time_s(0.25 * d_boost) == pytest.approx(tb / 2)  # d = a t^2 / 2 with a = v / t_b


def test_engagement_windows_by_layer_against_a_flown_icbm():
    # an ICBM from Sohae at Seattle: a GBI from Fort Greely (64.0 N 145.7 W) launched 10 min after the missile can
    # meet it in midcourse; a THAAD battery at Seattle only in the last minute, inside its 40-150 km band
    from goldendome.physics.constants import DEG
    from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef
    from goldendome.physics.timescale import gmst_at
    from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
    from goldendome.threats.missile import design

    traj, s = fly_ballistic(
        [BallisticLaunch("m", design("icbm-solid-3stage"), 39.66 * DEG, 124.71 * DEG, 47.61 * DEG, -122.33 * DEG)],
        EPOCH,
    )
    r = eci_to_ecef(traj.r_eci_m, gmst_at(EPOCH, traj.t_s))
    alt = ecef_to_geodetic(r)[2]
    greely = geodetic_to_ecef(64.0 * DEG, -145.7 * DEG, 0.0)
    k, t_gbi, tf = predicted_intercept(interceptor("gbi"), greely, 600.0, traj.t_s, r, alt)
    assert k >= 0 and 100e3 < alt[k] < 2000e3 and t_gbi > 600.0 + tf - 1e-9
    seattle = geodetic_to_ecef(47.61 * DEG, -122.33 * DEG, 0.0)
    k2, t_thaad, _ = predicted_intercept(interceptor("thaad"), seattle, 0.0, traj.t_s, r, alt)
    impact = traj.t_s[-1]
    assert k2 >= 0 and impact - t_thaad < 60.0 and 40e3 <= alt[k2] <= 150e3
    # too late a launch: no intercept left
    assert predicted_intercept(interceptor("gbi"), greely, impact, traj.t_s, r, alt)[0] == -1


def test_a_catalogue_entry_with_an_unknown_layer_or_threat_class_is_refused_when_it_loads(monkeypatch):
    """Issue 16: a misspelt layer never fired, and a kill probability against a class nobody has was silently
    unused; both now fail when the catalogue loads, naming the entry."""
    import yaml

    from goldendome.effectors import interceptors

    text = Path(interceptors.__file__).with_name("data").joinpath("interceptors.yaml").read_text()
    data = yaml.safe_load(text)

    def load_with(entry):
        patched = {"interceptors": {**data["interceptors"], "bad": entry}}
        monkeypatch.setattr(interceptors.resources, "files", lambda _pkg: _Files(yaml.safe_dump(patched)))
        interceptors.load_interceptors.cache_clear()
        try:
            return interceptors.load_interceptors()
        finally:
            interceptors.load_interceptors.cache_clear()

    good = dict(data["interceptors"]["gbi"])
    with pytest.raises(ValueError, match="interceptor catalogue entry 'bad': layer 'midcourze' is not a layer"):
        load_with({**good, "layer": "midcourze"})
    with pytest.raises(ValueError, match="entry 'bad', sspk: 'hwasong' is not a threat class"):
        load_with({**good, "sspk": {"hwasong": 0.5}})
    with pytest.raises(ValueError, match="entry 'bad': no source for its prices; add a line .* begins 'Price'"):
        load_with({**good, "sources": [s for s in good["sources"] if not s.startswith("Price")]})
    assert load_with(good)["bad"].layer == "midcourse"


class _Files:
    """Stands in for importlib.resources.files(...) with one YAML text."""

    def __init__(self, text):
        self.text = text

    def joinpath(self, _name):
        return self

    def read_text(self):
        return self.text
