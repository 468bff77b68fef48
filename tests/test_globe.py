"""The globe's scene (io/globe.py, io/czml.py): what it draws for each kind of radar a scenario names, and how it
labels sites."""

import json

import numpy as np

from goldendome.effectors.interceptors import interceptor
from goldendome.engine.trial import run_trial
from goldendome.io.globe import globe_czml
from goldendome.physics.greatcircle import ground_range_m
from goldendome.scenario.loader import load_builtin
from goldendome.sensors.radar import PRESETS


def test_an_over_the_horizon_radar_is_drawn_as_its_ground_range_band():
    # an OTH radar has sectors and a ground-range band, not line-of-sight faces: each sector is an annular sector
    # whose corners lie at the preset's least and greatest ground range from the site (the globe used to fail on
    # any scenario naming one: 'OTHRadar' object has no attribute 'faces')
    scn = load_builtin("default").model_copy(
        update={"radars": ["oth-b-east", "uewr-clear"], "threats": [], "constellations": []}
    )
    doc = json.loads(globe_czml(run_trial(scn, battle=False)))
    oth = PRESETS["oth-b-east"]
    sectors = [p for p in doc if p["id"].startswith("coverage/oth-b-east/")]
    assert len(sectors) == len(oth.sectors)
    for p in sectors:
        ring = np.array(p["polygon"]["positions"]["cartographicDegrees"]).reshape(-1, 3)
        d = ground_range_m(
            np.radians(oth.lat_deg), np.radians(oth.lon_deg), np.radians(ring[:, 1]), np.radians(ring[:, 0])
        )
        one_km = 1e3  # the ring is rounded to 1e-4 deg (~11 m)
        assert abs(d.min() - oth.min_ground_range_m) < one_km and abs(d.max() - oth.max_ground_range_m) < one_km
    assert any(p["id"].startswith("coverage/uewr-clear/") for p in doc)  # the line-of-sight radar's faces still


def test_sites_sharing_a_base_share_one_label_headed_by_the_farthest_reaching():
    # china-raid's sites: Clear's LRDR and UEWR stand at one place (the presets' coordinates), Fort Greely holds the
    # GBI and NGI fields, Washington a THAAD and a PAC-3 battery. Each keeps its point; one label per base, a line
    # per site, farthest reach first (the page ranks labels by reach when it declutters them)
    raid = load_builtin("china-raid")
    doc = json.loads(globe_czml(run_trial(raid.model_copy(update={"threats": [], "constellations": []}))))
    sites = {p["id"]: p for p in doc if p["id"].startswith(("radar/", "battery/"))}
    assert len(sites) == len(raid.radars) + len(raid.defence.batteries)  # a point for every site
    labels = {pid: p["label"]["text"] for pid, p in sites.items() if "label" in p}
    assert labels["radar/uewr-clear"] == "uewr-clear\nlrdr-clear"  # UEWR 5,556 km, LRDR 5,000 km (presets)
    assert labels["battery/greely"] == "greely (gbi)\ngreely-ngi (ngi)"  # equal reach: by name
    assert labels["battery/thaad-washington"] == "thaad-washington (thaad)\npac3-washington (pac3-mse)"
    assert {"radar/lrdr-clear", "battery/greely-ngi", "battery/pac3-washington"}.isdisjoint(labels)
    assert labels["battery/pac3-seattle"] == "pac3-seattle (pac3-mse)"  # 20 km from the Puget Sound THAAD: its own
    # every site is named once, in one label
    lines = [line for text in labels.values() for line in text.split("\n")]
    assert len(lines) == len(sites) == len(set(lines))
    assert sites["radar/uewr-clear"]["properties"]["reach_km"] == PRESETS["uewr-clear"].max_range_m / 1e3
    assert sites["radar/a-othr"]["properties"]["reach_km"] == PRESETS["a-othr"].max_ground_range_m / 1e3
    assert sites["battery/pac3-seattle"]["properties"]["reach_km"] == interceptor("pac3-mse").max_range_m / 1e3
