"""The peer-adversary raids (china-raid, russia-raid) and what the catalogues gained for them: warhead counts against
the public force estimates their headers cite, the Golden-Dome-like architecture they fight, the NGI entry, the A-OTHR
and proliferated tracking-layer presets, and the gazetteer coordinates against the values cited. No full raid is run
here (minutes each; `goldendome run china-raid` times one); the slow case flies the missiles alone."""

import datetime as dt

import numpy as np
import pytest

from goldendome.api import run_trial
from goldendome.c2.assets import load_assets
from goldendome.effectors.interceptors import interceptor
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M
from goldendome.physics.frames import geodetic_to_ecef
from goldendome.physics.greatcircle import destination, ground_range_m
from goldendome.scenario.loader import builtin_names, load_builtin
from goldendome.scenario.models import places
from goldendome.sensors.presets import PRESETS as IR_PRESETS
from goldendome.sensors.presets import build_preset
from goldendome.sensors.radar import PRESETS as RADARS
from goldendome.sensors.radar import OTHRadar

SSBN_PATROLS = {
    "bohai-ssbn-patrol",
    "south-china-sea-ssbn-patrol",
    "barents-sea-ssbn-patrol",
    "sea-of-okhotsk-ssbn-patrol",
}
EPOCH = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)
one_hundredth_deg = 0.01 + 1e-9  # the gazetteer's rounding


def tally(name: str) -> dict:
    """Missiles, RVs and decoys of a built-in scenario, split into land-based (ICBM) and sea-launched (SLBM)."""
    scn = load_builtin(name)
    sea = [t for t in scn.threats if t.launch.name in SSBN_PATROLS]
    land = [t for t in scn.threats if t.launch.name not in SSBN_PATROLS]
    return {
        "icbms": sum(t.count for t in land),
        "slbms": sum(t.count for t in sea),
        "icbm_rvs": sum(t.count * t.rvs for t in land),
        "slbm_rvs": sum(t.count * t.rvs for t in sea),
        "decoys": sum(t.count * t.decoys for t in scn.threats),
        "objects": sum(t.count * (1 + t.rvs + t.decoys) for t in scn.threats),
        "scenario": scn,
    }


def test_raids_are_built_in_and_validate():
    assert {"china-raid", "russia-raid"} <= set(builtin_names())
    for name in ("china-raid", "russia-raid"):
        scn = load_builtin(name)  # pydantic validation: every place, missile, preset and interceptor is known
        assert scn.defence is not None and all(t.type == "ballistic" for t in scn.threats)


def test_china_raid_icbms_within_the_issue_band_and_dod_cmpr_2025_silo_loading():
    c = tally("china-raid")
    assert 100 <= c["icbms"] <= 350  # issue 16: "on the order of 100-350 ICBMs"
    assert c["icbms"] <= 400  # DoD CMPR 2024: ~400 ICBMs in all
    silo = sum(t.count for t in c["scenario"].threats if t.launch.name.endswith("-silo-field"))
    assert silo == 110 > 100  # DoD CMPR 2025: "more than 100 silos loaded with DF-31-class ICBMs"
    # DoD CMPR 2024: more than 600 operational warheads by mid-2024; the raid flies fewer than that
    assert c["icbm_rvs"] + c["slbm_rvs"] == 266 + 72 < 600
    assert (c["icbms"], c["slbms"], c["decoys"], c["objects"]) == (170, 24, 508, 1040)  # as the header states


def test_china_raid_df41_carries_the_fas_planning_assumption_of_three_rvs():
    # Korda & Kristensen, FAS, Jul 2021: "assuming three warheads per missile" for DF-41
    scn = load_builtin("china-raid")
    df41 = [t for t in scn.threats if t.launch.name in ("daqing", "xinyang")]
    assert df41 and all(t.rvs == 3 for t in df41)
    assert sum(t.count for t in df41) == 48  # FAS/BAS Nov 2021: at least two brigades; 24 launchers an area ASSUMED
    silo = [t for t in scn.threats if t.launch.name.endswith("-silo-field")]
    assert all(t.rvs == 1 for t in silo)  # DF-31A/AG: one warhead (FAS 2024)


def test_russia_raid_warheads_match_fas_2025_and_stay_under_new_start():
    c = tally("russia-raid")
    total = c["icbm_rvs"] + c["slbm_rvs"]
    # FAS 2025 (Bull. At. Sci. 81:3): ~870 deployed warheads on ICBMs and ~640 on SLBMs, given to 2 digits
    two_digits = 0.01
    assert c["icbm_rvs"] == pytest.approx(870, rel=two_digits)
    assert c["slbm_rvs"] == pytest.approx(640, rel=two_digits)
    assert total == pytest.approx(1510, rel=two_digits)  # issue 16: "on the order of 1,500 warheads"
    assert total <= 1550  # New START central limit on deployed warheads (US State Department)
    assert c["icbms"] + c["slbms"] <= 700  # New START: 700 deployed ICBMs, SLBMs and heavy bombers
    assert (c["icbms"], c["slbms"], total, c["decoys"], c["objects"]) == (262, 160, 1508, 1062, 2992)


def test_russia_raid_slbms_are_whole_boats_from_the_bastions():
    scn = load_builtin("russia-raid")
    sea = [t for t in scn.threats if t.launch.name in SSBN_PATROLS]
    assert {t.launch.name for t in sea} == {"barents-sea-ssbn-patrol", "sea-of-okhotsk-ssbn-patrol"}
    bulava = sum(t.count for t in sea if t.missile == "icbm-solid-3stage")
    sineva = sum(t.count for t in sea if t.missile == "icbm-liquid-2stage")
    assert bulava == 8 * 16  # 8 Borei (R) x 16 Bulava (Defense World 2016)
    assert sineva == 2 * 16  # 2 Delta IV at sea (ASSUMPTION) x 16 Sineva (Barents Observer)
    assert all(t.rvs == 4 for t in sea)  # Sineva: 4 MIRV (Barents Observer); Bulava: FAS's reduced load ~4 (R)
    ss18 = [t for t in scn.threats if t.launch.name in ("dombarovsky", "uzhur")]
    assert all(t.rvs == 10 and t.missile == "icbm-liquid-2stage" for t in ss18)  # R-36M2: 10 RVs (FAS)


@pytest.mark.parametrize("name", ["china-raid", "russia-raid"])
def test_raids_fight_a_cbo_2026_sized_architecture(name):
    scn = load_builtin(name)
    shells = [c for c in scn.constellations if c.role == "interceptor"]
    assert [c.walker.total for c in shells] == [7800]  # CBO 2026 (publication 62422): 7,800 SBIs
    assert 300 <= shells[0].walker.altitude_km <= 500  # CBO 2026: SBIs in 300-500 km orbits
    roles = {c.role: c.preset for c in scn.constellations if c.preset}
    assert roles == {"tracking": "pwsa-tracking-proliferated", "warning": "sbirs-like"}
    assert "a-othr" in scn.radars and "lrdr-clear" in scn.radars
    by_type: dict[str, int] = {}
    for b in scn.defence.batteries:
        by_type[b.interceptor] = by_type.get(b.interceptor, 0) + b.launchers
    assert by_type["gbi"] == 40 + 4  # 40 Fort Greely + 4 Vandenberg (MDA; The Defense Post, Apr 2024)
    assert by_type["ngi"] == 20  # 20 NGIs at Fort Greely (MDA plan, secondary)
    terminal = [b for b in scn.defence.batteries if b.interceptor in ("thaad", "pac3-mse")]
    assert len(terminal) == 11  # Reuters on the Sep 2025 briefing: "11 short range missile batteries"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["china-raid", "russia-raid"])
def test_every_raid_aim_is_in_reach_of_its_generic_missile_as_the_headers_say(name):
    # the headers state that `goldendome run` warns of no aim out of reach: fly the missiles, buses and decoys only
    # (no constellations, radars or battle; ~15-25 s each on 2 cores)
    scn = load_builtin(name).model_copy(
        update={"constellations": [], "radars": [], "defence": None, "time_step_s": 5.0}
    )
    res = run_trial(scn, battle=False)
    assert [w for w in res.warnings if "reach" in w] == []
    assert res.flights.feasible.all()


@pytest.mark.parametrize("name", ["china-raid", "russia-raid"])
def test_raid_military_aims_fall_inside_the_defended_asset_of_the_same_name(name):
    # an aim at a military site of the asset table (c2/data/assets.yaml) lies inside its footprint (5 km, the
    # ASSUMPTION of assets.py), so the battle manager sees the site threatened
    a = load_assets().select(kinds="military")
    g = places()["defence_sites"]
    aimed = {t.aim.name for t in load_builtin(name).threats} & set(a.keys) & set(g)
    assert len(aimed) >= 5
    for key in aimed:
        k = a.keys.index(key)
        d = ground_range_m(g[key]["lat_deg"] * DEG, g[key]["lon_deg"] * DEG, a.lat_rad[k], a.lon_rad[k])
        assert d < a.radius_m[k], key


def test_ngi_is_a_sourced_midcourse_entry_with_gbi_class_assumptions():
    ngi, gbi = interceptor("ngi"), interceptor("gbi")
    assert ngi.layer == "midcourse"
    text = " ".join(ngi.sources)
    assert "15 Apr 2024" in text and "17.7bn" in text  # MDA selection; lifetime estimate (The Defense Post)
    assert "ASSUMPTION" in text and "GAO-24-106315" in text
    assert ngi.burnout_speed_mps == gbi.burnout_speed_mps and ngi.sspk == gbi.sspk  # GBI-class, ASSUMPTION
    # CAPE 2021 procurement per operational interceptor (references.md), the one figure: a round and a programme unit
    assert ngi.round_cost_musd == ngi.programme_unit_cost_musd == 111


def test_a_othr_looks_north_from_southern_ontario_as_dnd_describes():
    oth = RADARS["a-othr"]
    assert isinstance(oth, OTHRadar)
    g = places()["defence_sites"]
    tx, rx = g["a-othr-tx"], g["a-othr-rx"]  # DND, Jul 2025: Kawartha Lakes and Clearview Township, Ontario
    assert oth.lat_deg == pytest.approx((tx["lat_deg"] + rx["lat_deg"]) / 2, abs=one_hundredth_deg)
    assert oth.lon_deg == pytest.approx((tx["lon_deg"] + rx["lon_deg"]) / 2, abs=one_hundredth_deg)
    assert (oth.min_ground_range_m, oth.max_ground_range_m) == (1000e3, 3000e3)  # ASSUMPTION; "up to 3,000 km"
    assert "2029" in " ".join(oth.sources)  # IOC end of 2029 (DND 2025)
    lat0, lon0 = oth.lat_deg * DEG, oth.lon_deg * DEG
    # a cruise missile at 50 m: 2,000 km due north (Hudson Bay) is covered; 500 km north (skip zone), 2,000 km
    # south and 2,000 km east are not
    pts = [(0.0, 2000e3), (0.0, 500e3), (180.0, 2000e3), (90.0, 2000e3)]
    ecef = []
    for az, d in pts:
        lat, lon = destination(lat0, lon0, az * DEG, d / R_EARTH_MEAN_M)
        ecef.append(geodetic_to_ecef(float(lat), float(lon), 50.0))
    np.testing.assert_array_equal(oth.in_coverage(np.array(ecef)), [True, False, False, False])


def test_proliferated_tracking_layer_has_thousands_of_satellites_with_the_sda_payload():
    # "thousands of satellites" (Ars Technica, Sep 2025); Tranche 1's 1,000 km, 80 deg (NASASpaceflight, Apr 2023)
    p = IR_PRESETS["pwsa-tracking-proliferated"]
    assert p.walker.total >= 2000 and p.walker.total % p.walker.planes == 0
    assert p.walker.altitude_m == 1000e3 and p.walker.inclination_rad == pytest.approx(80.0 * DEG)
    assert p.sensor is IR_PRESETS["sda-t1-tracking"].sensor
    assert any("ASSUMPTION" in s for s in p.sources)
    constellation, _ = build_preset("pwsa-tracking-proliferated", EPOCH)
    assert len(constellation.labels) == p.walker.total


# coordinates as cited in each place's description: S values from the named source, converted from degrees and
# minutes where so given; A values are the assumptions the description states
CITED = {
    "hanggin-banner-silo-field": (40.113, 108.104),  # CASI (Rod Lee, 2021): "approximately at 40.113, 108.104"
    "uzhur": (55 + 20 / 60, 89 + 48 / 60),  # 55 20'N 89 48'E (game-data file, low authority)
    "kozelsk": (54 + 2 / 60, 35 + 46 / 60),  # 54 02'N 35 46'E (same)
    "irkutsk": (52 + 19 / 60, 104 + 14 / 60),  # 52 19'N 104 14'E (same)
    "yumen-silo-field": (40.15, 96.85),  # ASSUMPTION stated
    "hami-silo-field": (42.00, 93.00),  # ASSUMPTION stated
    "daqing": (46.59, 125.10),
    "xinyang": (32.13, 114.07),
    "shaoyang": (27.24, 111.47),  # city centres
    "tatishchevo": (51.67, 45.60),
    "teykovo": (56.86, 40.53),
    "yoshkar-ola": (56.63, 47.89),
    "novosibirsk": (55.10, 83.00),
    "nizhny-tagil": (58.00, 60.10),
    "barnaul": (53.36, 83.76),
    "vypolzovo": (57.88, 33.70),
    "barents-sea-ssbn-patrol": (73.5, 40.0),
    "sea-of-okhotsk-ssbn-patrol": (55.0, 148.0),  # box centres, ASSUMPTION
    "bohai-ssbn-patrol": (39.0, 120.0),
    "south-china-sea-ssbn-patrol": (17.0, 113.0),
    "a-othr-tx": (44.65, -78.95),
    "a-othr-rx": (44.38, -80.10),  # DND Jul 2025 sites, located by ASSUMPTION
}


def test_gazetteer_places_match_the_values_cited():
    g = places()
    named = {**g["launch_sites"], **g["defence_sites"]}
    for key, (lat, lon) in CITED.items():
        p = named[key]
        assert (p["lat_deg"], p["lon_deg"]) == pytest.approx((lat, lon), abs=one_hundredth_deg / 2 + 0.005), key
        assert len(p["description"]) > 40, key  # every new place says what it is and where the figure comes from


def test_silo_field_spacing_matches_fas_380_km():
    # Korda & Kristensen (FAS, 26 Jul 2021): the Hami field lies ~380 km northwest of the Yumen field
    g = places()["launch_sites"]
    y, h = g["yumen-silo-field"], g["hami-silo-field"]
    d = ground_range_m(y["lat_deg"] * DEG, y["lon_deg"] * DEG, h["lat_deg"] * DEG, h["lon_deg"] * DEG)
    assert d == pytest.approx(380e3, abs=20e3)  # "~380 km", two significant digits


def test_asset_table_has_what_a_raid_aims_at():
    keys = set(load_assets().select(kinds="military").keys)
    icbm_fields = {"malmstrom-afb", "minot-afb", "fe-warren-afb"}
    bombers = {"minot-afb", "whiteman-afb", "barksdale-afb"}
    ssbn = {"kings-bay", "kitsap-bangor"}
    command = {"peterson-sfb", "cheyenne-mountain-sfs", "offutt-afb", "cfb-north-bay"}
    canada = {"cfb-cold-lake", "cfb-bagotville", "cfb-trenton", "a-othr-tx", "a-othr-rx"}
    assert icbm_fields | bombers | ssbn | command | canada <= keys
