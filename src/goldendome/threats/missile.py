"""Missile designs: stages (burn time, propellant and dry mass, specific impulse, diameter) and payload.

A design is data. :func:`load_catalogue` reads the shipped catalogue (``threats/data/catalogue.yaml``), where every
number names its source; :class:`MissileDesign` turns stages into the thrust and mass history the flight model
needs. Thrust is constant over each stage's burn (mass flow = propellant / burn time, thrust = mass flow x Isp x g0,
Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., eqs. 2-5 and 2-13); stages burn back to back and a spent
stage's dry mass is dropped at its burnout. The ideal velocity gain is Tsiolkovsky's, sum of Isp g0 ln(m0/mf).
"""

import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from goldendome.physics.constants import G0_M_S2


@dataclass(frozen=True)
class Stage:
    """One rocket stage. Masses kg, burn time s, Isp s (a flight-averaged value), diameter m."""

    propellant_kg: float
    dry_kg: float
    burn_time_s: float
    isp_s: float
    diameter_m: float

    @property
    def mass_flow_kg_s(self) -> float:
        return self.propellant_kg / self.burn_time_s

    @property
    def thrust_n(self) -> float:
        return self.mass_flow_kg_s * self.isp_s * G0_M_S2


@dataclass(frozen=True)
class MissileDesign:
    """A ballistic missile: stages from the bottom up, the payload they throw, and its re-entry body.

    payload_kg is all the mass above the last stage (post-boost bus, re-entry vehicles, shroud);
    rv_beta_kg_m2 is the ballistic coefficient m / (Cd A) of the re-entry vehicle that flies after burnout.
    """

    name: str
    description: str
    propellant: str  # "solid" | "liquid"
    stages: tuple[Stage, ...]
    payload_kg: float
    rv_beta_kg_m2: float
    vertical_rise_s: float = 10.0
    launcher: str = "vertical"  # "vertical" (silo, pad, submarine tube) | "rail" (set elevation, no pitch programme)
    sources: tuple[str, ...] = field(default=())

    @property
    def burn_time_s(self) -> float:
        return sum(s.burn_time_s for s in self.stages)

    @property
    def launch_mass_kg(self) -> float:
        return self.payload_kg + sum(s.propellant_kg + s.dry_kg for s in self.stages)

    def ideal_delta_v_mps(self) -> float:
        """Tsiolkovsky velocity gain of the full burn in vacuum with no gravity, m/s."""
        dv, above = 0.0, self.payload_kg
        for st in reversed(self.stages):
            m0 = above + st.dry_kg + st.propellant_kg
            dv += st.isp_s * G0_M_S2 * math.log(m0 / (m0 - st.propellant_kg))
            above = m0
        return dv


def _design_from_dict(name: str, d: dict) -> MissileDesign:
    stages = tuple(Stage(**{k: float(v) for k, v in s.items() if k != "source"}) for s in d["stages"])
    return MissileDesign(
        name=name,
        description=d.get("description", ""),
        propellant=d["propellant"],
        stages=stages,
        payload_kg=float(d["payload_kg"]),
        rv_beta_kg_m2=float(d["rv_beta_kg_m2"]),
        vertical_rise_s=float(d.get("vertical_rise_s", 10.0)),
        launcher=d.get("launcher", "vertical"),
        sources=tuple(d.get("sources", ())),
    )


@cache
def load_catalogue() -> dict[str, MissileDesign]:
    """The shipped missile catalogue, by name."""
    text = resources.files("goldendome.threats").joinpath("data/catalogue.yaml").read_text()
    raw = yaml.safe_load(text)["missiles"]
    return {name: _design_from_dict(name, d) for name, d in raw.items()}


def design(name: str) -> MissileDesign:
    """A catalogue design by name; KeyError lists the names there are."""
    cat = load_catalogue()
    if name not in cat:
        raise KeyError(f"unknown missile {name!r}; the catalogue has: {', '.join(sorted(cat))}")
    return cat[name]
