"""The globe's scene (io/globe.py): what it draws for each kind of radar a scenario names."""

import json

import numpy as np

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
