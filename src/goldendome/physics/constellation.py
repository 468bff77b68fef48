"""Satellite constellations: the Walker-delta pattern and named shells.

A Walker-delta constellation i: T/P/F (Walker 1984, J. Brit. Interplanet. Soc. 37, 559) puts T satellites in P
equally spaced orbital planes of inclination i, T/P per plane evenly spaced in argument of latitude, with the
satellites of adjacent planes shifted by F * 360 / T degrees (F = 0 .. P-1). It is the usual way to spread SBIs or
tracking satellites evenly in longitude (Wilkening 2004; APS 2003 boost-phase study, ch. 5).
"""

from dataclasses import dataclass

import numpy as np

from goldendome.physics.constants import TWO_PI, WGS84_A_M
from goldendome.physics.kepler import OrbitalElements, elements


@dataclass(frozen=True)
class Constellation:
    """A named set of satellites: their elements and, per satellite, a label (e.g. 'P03-S12' or a TLE name)."""

    name: str
    elements: OrbitalElements
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.elements)


def walker_delta(
    total: int,
    planes: int,
    phasing: int,
    altitude_m: float,
    inclination_rad: float,
    raan0_rad: float = 0.0,
    j2: bool = True,
) -> OrbitalElements:
    """Circular Walker-delta i: T/P/F elements at the scenario epoch (argument of latitude in the m0 slot).

    Raises ValueError when T is not a multiple of P or F is outside 0..P-1 (a configuration error, not a batch).
    """
    if total <= 0 or planes <= 0 or total % planes:
        raise ValueError(f"total ({total}) must be a positive multiple of planes ({planes})")
    if not 0 <= phasing < planes:
        raise ValueError(f"phasing ({phasing}) must be between 0 and planes - 1 ({planes - 1})")
    per_plane = total // planes
    plane = np.repeat(np.arange(planes), per_plane)
    slot = np.tile(np.arange(per_plane), planes)
    raan = raan0_rad + plane * TWO_PI / planes
    u = slot * TWO_PI / per_plane + plane * phasing * TWO_PI / total
    a = WGS84_A_M + altitude_m
    return elements(a, 0.0, inclination_rad, np.mod(raan, TWO_PI), 0.0, np.mod(u, TWO_PI), j2=j2)


def walker_labels(name: str, total: int, planes: int) -> tuple[str, ...]:
    """Labels 'NAME-Ppp-Sss' for a Walker pattern's satellites, in the order walker_delta builds them."""
    per_plane = total // planes
    return tuple(f"{name}-P{p:02d}-S{s:02d}" for p in range(planes) for s in range(per_plane))
