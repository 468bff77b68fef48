"""Random streams by purpose (issue 16): each purpose, and each threat entry, draws from its own child of the trial's
SeedSequence, so adding a threat entry changes no other stream."""

import numpy as np
import pytest

from goldendome.engine.streams import PURPOSES, stream
from goldendome.engine.trial import _launches
from goldendome.scenario.models import Scenario

SEED = 20260704


def test_streams_are_the_children_that_seedsequence_spawn_gives():
    """NumPy's documented recipe for independent streams: SeedSequence(seed).spawn(n) (user guide, 'Parallel random
    number generation'); a member is a child of its purpose's child."""
    children = np.random.SeedSequence(SEED).spawn(len(PURPOSES))
    for i, purpose in enumerate(PURPOSES):
        assert stream(SEED, purpose).random(4).tolist() == np.random.default_rng(children[i]).random(4).tolist()
    grandchild = np.random.SeedSequence(SEED).spawn(1)[0].spawn(7)[6]
    assert stream(SEED, "threats", 6).random(4).tolist() == np.random.default_rng(grandchild).random(4).tolist()


def test_threat_entries_no_longer_share_the_radar_or_kill_streams():
    """The former default_rng([seed, j]) gave threat entry 6 the radar's stream ([seed, 6]) and entry 8 the kill
    draws' ([seed, 8])."""
    draws = {p: stream(SEED, p).random(16) for p in PURPOSES}
    draws.update({f"threat {j}": stream(SEED, "threats", j).random(16) for j in range(12)})
    draws.update({f"infrared {k}": stream(SEED, "infrared", k).random(16) for k in range(3)})
    rows = np.array(list(draws.values()))
    assert len({r.tobytes() for r in rows}) == len(rows)
    # independent-looking: no pair of streams correlated beyond what 16 uniform draws allow by chance
    corr = np.corrcoef(rows)[np.triu_indices(len(rows), 1)]
    assert np.max(np.abs(corr)) < 0.95


def test_unknown_stream_is_named():
    with pytest.raises(ValueError, match="unknown random stream 'noise'"):
        stream(SEED, "noise")


def _scenario(entries: int) -> Scenario:
    cities = ["seattle", "vancouver", "san-francisco", "los-angeles", "chicago"]
    return Scenario.model_validate(
        {
            "name": "spread salvos",
            "epoch": "2026-07-04T12:00:00Z",
            "seed": SEED,
            "threats": [
                {
                    "name": f"S{j}",
                    "missile": "icbm-solid-3stage",
                    "launch": {"name": "sohae"},
                    "aim": {"name": cities[j]},
                    "count": 3,
                    "launch_radius_km": 100,
                    "aim_radius_km": 30,
                }
                for j in range(entries)
            ],
        }
    )


def test_adding_a_threat_entry_changes_no_other_entrys_spread():
    """Each salvo's launch and aim points spread over their discs from the entry's own stream: the first four
    entries' twelve missiles fall where they fell before a fifth entry was added."""
    before, _, _ = _launches(_scenario(4))
    after, _, _ = _launches(_scenario(5))
    assert len(after) == len(before) + 3
    for a, b in zip(before, after[: len(before)], strict=True):
        assert (a.launch_lat_rad, a.launch_lon_rad, a.aim_lat_rad, a.aim_lon_rad) == (
            b.launch_lat_rad,
            b.launch_lon_rad,
            b.aim_lat_rad,
            b.aim_lon_rad,
        )
    spread = np.array([[ln.launch_lat_rad, ln.launch_lon_rad] for ln in before])
    assert np.unique(spread, axis=0).shape[0] == len(before)  # the discs really spread the salvos
