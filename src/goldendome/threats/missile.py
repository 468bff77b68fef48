"""The threat catalogue: missile designs (stages and payload), glide vehicles and cruise missiles.

A design is data. :func:`load_catalogue` reads the ballistic missiles of the shipped catalogue
(``threats/data/catalogue.yaml``), :func:`load_glide_vehicles` and :func:`load_cruise_missiles` its other two
sections; every number names its source, and a number that is a modelling choice says so.
:class:`MissileDesign` turns stages into the thrust and mass history the flight model
needs. Thrust is constant over each stage's burn (mass flow = propellant / burn time, thrust = mass flow x Isp x g0,
Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., eqs. 2-5 and 2-13); stages burn back to back and a spent
stage's dry mass is dropped at its burnout. The ideal velocity gain is Tsiolkovsky's, sum of Isp g0 ln(m0/mf).
"""

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

from goldendome.lookup import entry
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


class ThreatClass(StrEnum):
    """What a flying object is, as the defence's kill probabilities and the battle's rules know it. A catalogue
    missile names its class (``class:``), checked when the catalogue loads; the battle never reads it from a name."""

    ICBM = "icbm"
    SLBM = "slbm"
    IRBM = "irbm"
    MRBM = "mrbm"
    SRBM = "srbm"
    ROCKET = "rocket"
    MORTAR = "mortar"
    RV = "rv"
    DECOY = "decoy"
    FOBS = "fobs"
    GLIDE = "glide"
    CRUISE = "cruise"
    AIRCRAFT = "aircraft"


def threat_class(value, who: str) -> ThreatClass:
    """A threat class from a catalogue's text; ValueError naming the entry and the classes there are."""
    try:
        return ThreatClass(value)
    except ValueError:
        raise ValueError(
            f"{who}: {value!r} is not a threat class; the classes are {', '.join(c.value for c in ThreatClass)}"
        ) from None


@dataclass(frozen=True)
class PublishedFlight:
    """A flight test as published (lofted North Korean tests, US operational tests): where it was launched and
    along which azimuth, on which trajectory shape (guidance.SHAPES: 'lofted' for the North Korean tests), and what
    it did. Missing figures are NaN; km, s and degrees as published."""

    name: str
    launch_lat_deg: float
    launch_lon_deg: float
    azimuth_deg: float
    range_km: float
    shape: str = "minimum_energy"
    apogee_km: float = float("nan")
    flight_time_s: float = float("nan")
    source: str = ""
    rerange_km: tuple[float, float] | None = None
    """Published estimates of the range the tested missile would reach on a standard trajectory (a lofted test
    re-ranged by analysts or governments), as a (low, high) band; 'more than' has no high end (inf)."""
    rerange_source: str = ""


@dataclass(frozen=True)
class Published:
    """What public sources say a named missile does, to fly the model against: the band of its maximum range
    (low, high, km) with the payload it is quoted for, its boost duration band (s), and its flight tests. Where
    sources agree on one figure, the band's two ends are equal; a 'more than' figure is a band with no high end
    (inf)."""

    range_km: tuple[float, float]
    burn_time_s: tuple[float, float] | None = None
    flights: tuple[PublishedFlight, ...] = ()
    notes: tuple[str, ...] = ()
    range_from: tuple[float, float, float, float] | None = None
    """Where the published range is measured: (launch lat, lon, toward lat, lon), deg (e.g. 'to any point of the
    continental US' from Pyongyang: toward Key West); None: a generic maximum range (ballistic.REACH_LAUNCH)."""


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
    threat_class: ThreatClass = ThreatClass.ICBM  # the catalogue gives it (class:); the default: hand-built designs
    launcher: str = "vertical"  # "vertical" (silo, pad, submarine tube) | "rail" (set elevation, no pitch programme)
    sources: tuple[str, ...] = field(default=())
    published: Published | None = None  # named missiles: what public sources say it does

    @property
    def burn_time_s(self) -> float:
        return sum(s.burn_time_s for s in self.stages)

    @property
    def launch_mass_kg(self) -> float:
        return self.payload_kg + sum(s.propellant_kg + s.dry_kg for s in self.stages)

    def liftoff_thrust_to_weight(self) -> float:
        """Stage 1's thrust over the launch weight (at g0)."""
        return self.stages[0].thrust_n / (self.launch_mass_kg * G0_M_S2)

    def heaviest_payload_kg(self, thrust_to_weight: float = 1.0) -> float:
        """The payload at which stage 1's thrust is thrust_to_weight times the launch weight (heavier does not lift
        off); negative where even an empty missile cannot."""
        return self.stages[0].thrust_n / (thrust_to_weight * G0_M_S2) - (self.launch_mass_kg - self.payload_kg)

    def ideal_delta_v_mps(self) -> float:
        """Tsiolkovsky velocity gain of the full burn in vacuum with no gravity, m/s."""
        dv, above = 0.0, self.payload_kg
        for st in reversed(self.stages):
            m0 = above + st.dry_kg + st.propellant_kg
            dv += st.isp_s * G0_M_S2 * math.log(m0 / (m0 - st.propellant_kg))
            above = m0
        return dv


def _band(value, who: str) -> tuple[float, float]:
    """A published figure as a (low, high) band: one number or a two-number list."""
    values = [float(v) for v in (value if isinstance(value, list | tuple) else [value])]
    if len(values) not in (1, 2) or values[0] > values[-1]:
        raise ValueError(f"{who}: {value!r} is not a figure or a [low, high] band")
    return values[0], values[-1]


def _published_from_dict(name: str, d: dict | None) -> Published | None:
    if d is None:
        return None
    who = f"threat catalogue entry {name!r}, published"
    flights = tuple(
        PublishedFlight(
            name=f["name"],
            launch_lat_deg=float(f["launch"][0]),
            launch_lon_deg=float(f["launch"][1]),
            azimuth_deg=float(f["azimuth_deg"]),
            range_km=float(f["range_km"]),
            shape=f.get("shape", "minimum_energy"),
            apogee_km=float(f.get("apogee_km", "nan")),
            flight_time_s=float(f.get("flight_time_s", "nan")),
            source=f.get("source", ""),
            rerange_km=None if "rerange_km" not in f else _band(f["rerange_km"], f"{who} rerange_km"),
            rerange_source=f.get("rerange_source", ""),
        )
        for f in d.get("flights", ())
    )
    burn = d.get("burn_time_s")
    frm = d.get("range_from")
    try:
        range_from = None if frm is None else tuple(float(x) for x in (*frm["launch"], *frm["toward"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{who} range_from: give launch: [lat, lon] and toward: [lat, lon] in degrees") from exc
    if range_from is not None and len(range_from) != 4:
        raise ValueError(f"{who} range_from: give launch: [lat, lon] and toward: [lat, lon] in degrees")
    return Published(
        range_km=_band(d["range_km"], f"{who} range_km"),
        range_from=range_from,
        burn_time_s=None if burn is None else _band(burn, f"{who} burn_time_s"),
        flights=flights,
        notes=tuple(d.get("notes", ())),
    )


def _design_from_dict(name: str, d: dict) -> MissileDesign:
    stages = tuple(Stage(**{k: float(v) for k, v in s.items() if k != "source"}) for s in d["stages"])
    if "class" not in d:
        raise ValueError(
            f"threat catalogue entry {name!r}: no 'class' (one of {', '.join(c.value for c in ThreatClass)})"
        )
    built = MissileDesign(
        name=name,
        description=d.get("description", ""),
        propellant=d["propellant"],
        stages=stages,
        payload_kg=float(d["payload_kg"]),
        rv_beta_kg_m2=float(d["rv_beta_kg_m2"]),
        vertical_rise_s=float(d.get("vertical_rise_s", 10.0)),
        launcher=d.get("launcher", "vertical"),
        sources=tuple(d.get("sources", ())),
        threat_class=threat_class(d["class"], f"threat catalogue entry {name!r}"),
        published=_published_from_dict(name, d.get("published")),
    )
    if built.liftoff_thrust_to_weight() <= 1.0:
        raise ValueError(
            f"threat catalogue entry {name!r}: stage 1's thrust ({built.stages[0].thrust_n / 1e3:,.0f} kN) does not "
            f"lift the launch weight ({built.launch_mass_kg * G0_M_S2 / 1e3:,.0f} kN): the payload of "
            f"{built.payload_kg:,.0f} kg is more than the {max(built.heaviest_payload_kg(), 0.0):,.0f} kg it can lift"
        )
    return built


@dataclass(frozen=True)
class GlideDesign:
    """A boost-glide vehicle: the booster that throws it (a missile of the catalogue), its mass (which replaces the
    booster's payload), ballistic coefficient m / (Cd S), lift-to-drag ratio, and the booster's burnout
    flight-path angle (deg; ~0: a depressed boost that ends in the upper atmosphere)."""

    name: str
    description: str
    booster: str
    mass_kg: float
    beta_kg_m2: float
    lift_to_drag: float
    boost_angle_deg: float = 0.0
    published: str = ""  # published performance to compare with (speed, range, flight time), as text
    sources: tuple[str, ...] = field(default=())

    def booster_design(self) -> MissileDesign:
        """The booster of the catalogue carrying this vehicle as its payload."""
        return replace(design(self.booster), payload_kg=self.mass_kg, name=f"{self.booster}+{self.name}")


@dataclass(frozen=True)
class CruiseDesign:
    """A cruise missile: cruise speed (m/s), cruise height above the surface (m), the load factor it turns at, its
    range (m), and the platforms that launch it."""

    name: str
    description: str
    speed_mps: float
    altitude_m: float
    max_load_factor: float
    range_m: float
    platforms: tuple[str, ...]
    sources: tuple[str, ...] = field(default=())


def _catalogue_section(section: str) -> dict:
    text = resources.files("goldendome.threats").joinpath("data/catalogue.yaml").read_text()
    return yaml.safe_load(text)[section]


@cache
def load_catalogue() -> dict[str, MissileDesign]:
    """The ballistic missiles (and boosters) of the shipped catalogue, by name."""
    return {name: _design_from_dict(name, d) for name, d in _catalogue_section("missiles").items()}


@cache
def load_glide_vehicles() -> dict[str, GlideDesign]:
    """The glide vehicles of the shipped catalogue, by name."""
    out = {}
    for name, d in _catalogue_section("glide_vehicles").items():
        out[name] = GlideDesign(
            name=name,
            description=d.get("description", ""),
            booster=d["booster"],
            mass_kg=float(d["mass_kg"]),
            beta_kg_m2=float(d["beta_kg_m2"]),
            lift_to_drag=float(d["lift_to_drag"]),
            boost_angle_deg=float(d.get("boost_angle_deg", 0.0)),
            published=d.get("published", ""),
            sources=tuple(d.get("sources", ())),
        )
    return out


@cache
def load_cruise_missiles() -> dict[str, CruiseDesign]:
    """The cruise missiles of the shipped catalogue, by name."""
    out = {}
    for name, d in _catalogue_section("cruise_missiles").items():
        out[name] = CruiseDesign(
            name=name,
            description=d.get("description", ""),
            speed_mps=float(d["speed_mps"]),
            altitude_m=float(d["altitude_m"]),
            max_load_factor=float(d["max_load_factor"]),
            range_m=float(d["range_km"]) * 1e3,
            platforms=tuple(d["platforms"]),
            sources=tuple(d.get("sources", ())),
        )
    return out


def design(name: str) -> MissileDesign:
    """A ballistic missile of the catalogue by name; KeyError lists the names there are."""
    return entry(load_catalogue(), name, "missile")


def glide_design(name: str) -> GlideDesign:
    """A glide vehicle of the catalogue by name; KeyError lists the names there are."""
    return entry(load_glide_vehicles(), name, "glide vehicle")


def cruise_design(name: str) -> CruiseDesign:
    """A cruise missile of the catalogue by name; KeyError lists the names there are."""
    return entry(load_cruise_missiles(), name, "cruise missile")


def any_design(name: str) -> MissileDesign | GlideDesign | CruiseDesign:
    """Any entry of the catalogue by name (ballistic, glide or cruise); KeyError lists every name."""
    everything = {**load_catalogue(), **load_glide_vehicles(), **load_cruise_missiles()}
    return entry(everything, name, "threat")
