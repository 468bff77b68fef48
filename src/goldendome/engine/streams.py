"""Random streams by purpose: one trial's seed, split so that no purpose ever draws another's numbers.

A trial draws random numbers for five purposes: where each threat entry's salvo falls within its launch and aim
areas, the radars' noise and detections, the infrared layers' detections, the kill draws of every intercept, and the
discrimination of decoys. Each purpose gets its own child of ``numpy.random.SeedSequence(seed)`` -- the i-th child
that ``SeedSequence(seed).spawn`` would give (NumPy's documented way to make independent streams, "Parallel random
number generation", NumPy user guide) -- and a purpose with several members (threat entries, infrared layers) gives
each member a child of its own child. So adding a threat entry changes no other entry's draws nor any other
purpose's, and no purpose can collide with another (the former ``default_rng([seed, j])`` gave threat entry 6 the
radar's stream and entry 8 the kill draws').

The children are made directly from their spawn keys (``SeedSequence(seed, spawn_key=(i, j))``), which is what
``spawn`` produces, without keeping spawn state: stream (purpose, member) is the same whatever was drawn before.
"""

import numpy as np

PURPOSES = ("threats", "radar", "infrared", "kills", "discrimination")
"""The purposes in their spawn order (their index is the first element of the spawn key: never reorder)."""


def seed_sequence(seed: int, purpose: str, *member: int) -> np.random.SeedSequence:
    """The seed sequence of one purpose (and member) under a trial seed: SeedSequence(seed).spawn(5)[purpose]
    (.spawn(...)[member] for members)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown random stream {purpose!r}; the streams are {', '.join(PURPOSES)}")
    return np.random.SeedSequence(int(seed), spawn_key=(PURPOSES.index(purpose), *(int(m) for m in member)))


def stream(seed: int, purpose: str, *member: int) -> np.random.Generator:
    """A generator of one purpose (and member) under a trial seed (see the module docstring)."""
    return np.random.default_rng(seed_sequence(seed, purpose, *member))
