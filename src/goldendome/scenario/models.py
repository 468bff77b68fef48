"""The scenario file: what a user writes, validated before any physics runs.

A scenario says when (epoch, duration), what attacks (threats: missile type, launch area, aim point, launch time,
shape of flight) and what is in orbit (constellations: a Walker pattern or TLE/OMM element sets). Units at this
edge are the ones people write: degrees, kilometres, minutes; they are turned into SI once, in
:mod:`goldendome.engine`. Every model forbids unknown keys, so a typo is reported rather than ignored.
"""

import datetime as dt
from functools import cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from goldendome.physics.constants import DEG
from goldendome.physics.greatcircle import ground_range_m
from goldendome.physics.timescale import parse_epoch
from goldendome.scenario.base import Flag, Note, Real, StrictModel, Whole
from goldendome.scenario.cost_presets import load_cost_defaults
from goldendome.threats.guidance import SHAPES
from goldendome.threats.missile import cruise_design, design, glide_design

MIN_ORBIT_ALTITUDE_KM = 150.0
"""Below ~150 km a satellite re-enters within hours to days (drag; Vallado 4th ed., sec. 9.6, lifetime estimates),
so a constellation there is not a constellation."""
MIN_BALLISTIC_RANGE_KM = 1.0
"""Shortest ground range a ballistic missile is flown over. An engineering bound from the flight code, not a
published figure: on a minimum-energy shot the targeting lands each of the 15 catalogue designs within its 10 m
tolerance at 1 km (tests/test_scenario_hostile.py flies four, rocket to heavy ICBM), most not at 0.1 km, and a
missile aimed at its own launch point has no azimuth: its flight came out all NaN. (Full-burn shapes, lofted and
depressed, cannot fly so short: such a shot is flown as out of reach, with a warning.)"""
MIN_DECISION_S = 0.1
"""Shortest battle-manager cycle: the battle steps through every cycle of the scenario (engine.battle), so a
vanishing cycle is unbounded work. ASSUMPTION: shorter than any engagement timeline in the interceptor catalogue
needs."""
MIN_TIME_STEP_S = 0.01
"""Finest sampling of the flights: 100 Hz, where a 3 km/s re-entry vehicle moves 30 m between samples, less than a
radar's range accuracy. Finer steps only multiply memory (engine.budget.estimate)."""


def _known(lookup):
    def check(v: str) -> str:
        try:
            lookup(v)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        return v

    return AfterValidator(check)


CatalogueName = Annotated[str, Field(min_length=1, max_length=64)]
"""The name of an entry of a shipped catalogue or table (missiles, radars, interceptors, places, IR layers)."""
MissileName = Annotated[CatalogueName, _known(design)]
GlideName = Annotated[CatalogueName, _known(glide_design)]
CruiseName = Annotated[CatalogueName, _known(cruise_design)]


def _utc_epoch(v):
    if isinstance(v, str | dt.datetime):
        try:
            return parse_epoch(v)
        except ValueError as exc:
            raise ValueError(f"not an ISO-8601 time ({exc}); write e.g. 2026-07-04T12:00:00Z") from exc
    return v


UtcEpoch = Annotated[dt.datetime, BeforeValidator(_utc_epoch)]
"""A UTC time from an ISO-8601 string (naive times are taken as UTC)."""
"""A design name of the threat catalogue (goldendome threat list)."""


@cache
def places() -> dict:
    """The shipped gazetteer: {'launch_sites': {...}, 'cities': {...}}."""
    text = resources.files("goldendome.scenario").joinpath("data/places.yaml").read_text()
    return yaml.safe_load(text)


def _named_places() -> dict:
    g = places()
    return {**g["launch_sites"], **g["cities"], **g.get("defence_sites", {})}


class Place(StrictModel):
    """A point on the Earth: a named place from the gazetteer, or latitude/longitude in degrees."""

    name: CatalogueName | None = Field(
        None, description="a launch site or city from the gazetteer, e.g. 'sohae', 'seattle'"
    )
    lat_deg: Annotated[Real, Field(ge=-90.0, le=90.0)] | None = None
    lon_deg: Annotated[Real, Field(ge=-180.0, le=360.0)] | None = None
    height_m: Annotated[Real, Field(ge=-500.0, le=10000.0)] = 0.0

    @model_validator(mode="after")
    def _named_or_coordinates(self):
        if self.name is None and (self.lat_deg is None or self.lon_deg is None):
            raise ValueError("give either 'name' (a place in the gazetteer) or both 'lat_deg' and 'lon_deg'")
        if self.name is not None:
            if self.lat_deg is not None or self.lon_deg is not None:
                raise ValueError("give either 'name' or 'lat_deg'/'lon_deg', not both")
            known = _named_places()
            if self.name not in known:
                raise ValueError(f"unknown place {self.name!r}; known places: {', '.join(sorted(known))}")
        return self

    def coordinates_deg(self) -> tuple[float, float]:
        """(lat, lon) in degrees, longitude wrapped to [-180, 180)."""
        if self.name is not None:
            p = _named_places()[self.name]
            lat, lon = float(p["lat_deg"]), float(p["lon_deg"])
        else:
            lat, lon = float(self.lat_deg), float(self.lon_deg)
        return lat, (lon + 180.0) % 360.0 - 180.0

    def label(self) -> str:
        if self.name:
            return self.name
        lat, lon = self.coordinates_deg()
        return f"{abs(lat):.2f}{'N' if lat >= 0 else 'S'} {abs(lon):.2f}{'E' if lon >= 0 else 'W'}"


class BallisticThreat(StrictModel):
    """A salvo of one ballistic missile type from one launch area at one aim point."""

    type: Literal["ballistic"] = "ballistic"
    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    missile: MissileName = Field(..., description="a design from the threat catalogue (goldendome threat list)")
    launch: Place
    aim: Place
    launch_time_s: Annotated[Real, Field(ge=0.0, le=86_400.0)] = 0.0  # within a day
    count: Annotated[Whole, Field(ge=1, le=1000)] = 1
    interval_s: Annotated[Real, Field(ge=0.0, le=86_400.0)] = 0.0
    launch_radius_km: Annotated[Real, Field(ge=0.0, le=500.0, description="salvo launch area (disc radius)")] = 0.0
    aim_radius_km: Annotated[Real, Field(ge=0.0, le=500.0, description="spread of aim points (disc radius)")] = 0.0
    shape: Literal[SHAPES] = "minimum_energy"
    shape_value: Real | None = Field(
        None, description="burnout_angle: deg (0-89); apogee: km (50-40,000); flight_time: min (1-180)"
    )
    rvs: Annotated[Whole, Field(ge=1, le=20, description="re-entry vehicles on the post-boost bus")] = 1
    decoys: Annotated[Whole, Field(ge=0, le=100, description="decoys released after the RVs")] = 0
    decoy_beta_kg_m2: Annotated[Real, Field(gt=0.0, le=1e5)] = 300.0
    release_interval_s: Annotated[Real, Field(ge=0.0, le=600.0)] = 10.0
    separation_mps: Annotated[Real, Field(ge=0.0, le=100.0)] = 5.0

    @model_validator(mode="after")
    def _shape_value(self):
        from goldendome.threats.guidance import SHAPE_UNITS

        if self.shape in SHAPE_UNITS and self.shape_value is None:
            raise ValueError(f"shape {self.shape!r} needs shape_value (in {SHAPE_UNITS[self.shape]})")
        if self.shape not in SHAPE_UNITS and self.shape_value is not None:
            raise ValueError(f"shape {self.shape!r} takes no shape_value")
        limits = {"burnout_angle": (0.0, 89.0), "apogee": (50.0, 40000.0), "flight_time": (1.0, 180.0)}
        if self.shape in limits:
            lo, hi = limits[self.shape]
            if not lo <= self.shape_value <= hi:
                raise ValueError(
                    f"shape_value {self.shape_value:g} {SHAPE_UNITS[self.shape]} is outside "
                    f"{lo:g}-{hi:g} for shape {self.shape!r}"
                )
        return self

    @model_validator(mode="after")
    def _ground_range(self):
        """A shot that would come down at its own launch point (aim = launch, or -180 and 180 deg of longitude)
        has no direction to fly; the launch and aim discs of a salvo must leave every shot its minimum range."""
        (lat_l, lon_l), (lat_a, lon_a) = self.launch.coordinates_deg(), self.aim.coordinates_deg()
        range_km = float(ground_range_m(lat_l * DEG, lon_l * DEG, lat_a * DEG, lon_a * DEG)) / 1e3
        need = f"a ballistic missile needs a ground range of at least {MIN_BALLISTIC_RANGE_KM:g} km"
        if range_km < MIN_BALLISTIC_RANGE_KM:
            raise ValueError(f"aim: the aim point is {range_km:.3g} km from the launch point; {need}")
        spread = self.launch_radius_km + self.aim_radius_km
        if range_km - spread < MIN_BALLISTIC_RANGE_KM:
            raise ValueError(
                f"aim_radius_km: the launch and aim discs (radii {self.launch_radius_km:g} and "
                f"{self.aim_radius_km:g} km, centres {range_km:,.1f} km apart) leave some shots less than "
                f"{MIN_BALLISTIC_RANGE_KM:g} km to fly; {need}"
            )
        return self


class CruiseThreat(StrictModel):
    """A salvo of cruise missiles flying a waypoint route at constant speed and height. The missile (a catalogue
    entry) gives speed, height, load factor and range; speed_mps, altitude_m and max_load_factor override them."""

    type: Literal["cruise"] = "cruise"
    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    missile: CruiseName = Field("cruise-subsonic", description="a cruise missile of the catalogue")
    platform: Literal["air", "sea", "ground"] = "sea"
    launch: Place
    waypoints: list[Place] = Field(default_factory=list, max_length=50)
    aim: Place
    speed_mps: Annotated[Real, Field(gt=50.0, le=2000.0, description="~240 subsonic, ~950 supersonic")] | None = None
    altitude_m: Annotated[Real, Field(ge=5.0, le=30000.0, description="height above the (smooth) Earth")] | None = None
    max_load_factor: Annotated[Real, Field(gt=1.0, le=30.0)] | None = None
    launch_time_s: Annotated[Real, Field(ge=0.0, le=86_400.0)] = 0.0  # within a day
    count: Annotated[Whole, Field(ge=1, le=1000)] = 1
    interval_s: Annotated[Real, Field(ge=0.0, le=86_400.0)] = 0.0

    @model_validator(mode="after")
    def _platform(self):
        d = cruise_design(self.missile)
        if self.platform not in d.platforms:
            raise ValueError(f"platform {self.platform!r}: {self.missile} is launched from {', '.join(d.platforms)}")
        return self


class _LaunchToAim(StrictModel):
    """What every single-flight threat entry has: a name, a launch point, an aim point and a launch time."""

    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    launch: Place
    aim: Place
    launch_time_s: Annotated[Real, Field(ge=0.0, le=86_400.0)] = 0.0  # within a day


class GlideThreat(_LaunchToAim):
    """A boost-glide vehicle: a ballistic booster burned out flat, then a lifting glide at 30-80 km to the aim. The
    vehicle (a catalogue entry) gives booster, burnout angle, ballistic coefficient and L/D; the other keys override
    them."""

    type: Literal["glide"] = "glide"
    vehicle: GlideName = Field("hgv-intercontinental", description="a glide vehicle of the catalogue")
    booster: MissileName | None = None
    boost_angle_deg: Annotated[Real, Field(ge=-5.0, le=10.0)] | None = None
    beta_kg_m2: Annotated[Real, Field(gt=100.0, le=1e5)] | None = None
    lift_to_drag: Annotated[Real, Field(gt=0.5, le=6.0)] | None = None


class FobsThreat(_LaunchToAim):
    """A fractional-orbital bombardment: into a low orbit, round the world less than once, braked onto the aim."""

    type: Literal["fobs"] = "fobs"
    booster: MissileName = "fobs-liquid-2stage"
    orbit_altitude_km: Annotated[Real, Field(ge=120.0, le=600.0)] = 150.0
    deorbit_dv_mps: Annotated[Real, Field(gt=20.0, le=2000.0)] = 250.0
    azimuth_guess_deg: Annotated[Real, Field(ge=0.0, le=360.0)] = 180.0
    reentry: Literal["rv", "glide"] = Field("rv", description="rv: ballistic re-entry; glide: a glide vehicle")
    vehicle: GlideName = Field("hgv-intercontinental", description="the glide vehicle when reentry is glide")


def _threat_kind(v) -> str:
    """The kind of a threat entry (key ``type``, default ballistic); anything but a short text stands in as its type
    name, so that the error does not repeat it."""
    kind = v.get("type", "ballistic") if isinstance(v, dict) else getattr(v, "type", "ballistic")
    return kind if isinstance(kind, str) and len(kind) <= 64 else f"<{type(kind).__name__}>"


Threat = Annotated[
    Annotated[BallisticThreat, Tag("ballistic")]
    | Annotated[CruiseThreat, Tag("cruise")]
    | Annotated[GlideThreat, Tag("glide")]
    | Annotated[FobsThreat, Tag("fobs")],
    Discriminator(_threat_kind),
]
"""A scenario threat entry; the key `type` (default ballistic) says which kind."""


class Walker(StrictModel):
    """A Walker-delta pattern i: T/P/F of circular orbits."""

    total: Annotated[Whole, Field(ge=1, le=100000)]
    planes: Annotated[Whole, Field(ge=1, le=10000)]
    phasing: Annotated[Whole, Field(ge=0, le=9999, description="below planes")] = 0
    altitude_km: Annotated[Real, Field(le=100000.0, description=f"at least {MIN_ORBIT_ALTITUDE_KM:g} km")]
    inclination_deg: Annotated[Real, Field(ge=0.0, le=180.0)]
    raan0_deg: Annotated[Real, Field(ge=-360.0, le=360.0)] = 0.0

    @model_validator(mode="after")
    def _consistent(self):
        if self.total % self.planes:
            raise ValueError(f"total ({self.total}) must be a multiple of planes ({self.planes})")
        if self.phasing >= self.planes:
            raise ValueError(f"phasing ({self.phasing}) must be below planes ({self.planes})")
        if self.altitude_km < MIN_ORBIT_ALTITUDE_KM:
            raise ValueError(
                f"altitude_km {self.altitude_km:g} is below {MIN_ORBIT_ALTITUDE_KM:g} km, where drag brings a "
                "satellite down within days"
            )
        return self


class Constellation(StrictModel):
    """Satellites in orbit: a Walker pattern, element sets (TLE or OMM, inline or from a file), or a named IR layer.

    Tracking and warning layers carry an infrared sensor: ``preset`` gives both the pattern and the payload of a
    named layer (goldendome scenario layers); ``sensor`` fits a named layer's payload to your own pattern.
    Interceptor layers carry SBIs: ``sbi`` names the design (effectors/data/sbi.yaml).
    """

    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    role: Literal["tracking", "warning", "interceptor", "other"] = "other"
    walker: Walker | None = None
    tle: str | None = Field(
        None,
        min_length=1,
        max_length=2_000_000,
        pattern=r"\S",
        description="inline TLE/3LE text (no longer than a scenario file, 2 MB)",
    )
    elements_file: str | None = Field(
        None,
        max_length=4096,
        description="TLE (.tle/.txt) or OMM (.csv/.xml) file, relative to the scenario file's folder (at most 4,096 "
        "characters, the usual path limit)",
    )
    preset: CatalogueName | None = Field(
        None, description="a named IR layer: pattern and sensor (e.g. sda-t1-tracking)"
    )
    sensor: CatalogueName | None = Field(None, description="the sensor payload of a named IR layer, on this pattern")
    sbi: CatalogueName | None = Field(None, description="SBI design carried by an interceptor layer")

    @model_validator(mode="after")
    def _one_source(self):
        from goldendome.effectors.sbi import load_sbi_catalogue
        from goldendome.sensors.presets import preset_names

        given = [k for k in ("walker", "tle", "elements_file", "preset") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of 'walker', 'tle', 'elements_file', 'preset' (got {given or 'none'})")
        if self.elements_file is not None and (
            ".." in self.elements_file.replace("\\", "/").split("/") or self.elements_file.startswith(("/", "\\"))
        ):
            raise ValueError("elements_file must be a relative path inside the scenario's folder")
        for key in ("preset", "sensor"):
            v = getattr(self, key)
            if v is not None and v not in preset_names():
                raise ValueError(f"{key}: unknown IR layer {v!r}; known: {', '.join(preset_names())}")
        if self.preset is not None and self.sensor is not None:
            raise ValueError("'preset' already brings its sensor; drop 'sensor'")
        if self.sbi is not None:
            if self.sbi not in load_sbi_catalogue():
                raise ValueError(f"sbi: unknown SBI design {self.sbi!r}; known: {', '.join(load_sbi_catalogue())}")
            if self.role != "interceptor":
                raise ValueError("a constellation carrying 'sbi' must have role: interceptor")
            if self.preset is not None or self.sensor is not None:
                raise ValueError("an interceptor layer carries 'sbi', not a sensor")
        if self.role == "interceptor" and self.sbi is None:
            raise ValueError("role interceptor needs 'sbi' (an SBI design)")
        if (self.preset or self.sensor) and self.role not in ("tracking", "warning"):
            raise ValueError("a sensor layer needs role: tracking or warning")
        return self


class Engagement(StrictModel):
    """Boost-phase engagement timeline: detection (from the sensor layers, or a fixed latency), decision delay."""

    detect: Literal["sensors"] | Annotated[Real, Field(ge=0.0, le=600.0)] = "sensors"
    decide_s: Annotated[Real, Field(ge=0.0, le=600.0)] = 30.0
    cutoff_before_burnout_s: Annotated[Real, Field(ge=0.0, le=300.0)] = 0.0
    track_s: Annotated[Real, Field(ge=0.0, le=600.0)] = 0.0


def _radar_preset(name: str):
    from goldendome.sensors.radar import PRESETS

    if name not in PRESETS:
        raise KeyError(f"unknown radar {name!r}; the presets are: {', '.join(sorted(PRESETS))}")
    return PRESETS[name]


RadarName = Annotated[CatalogueName, _known(_radar_preset)]


class Tracking(StrictModel):
    """Settings of the track picture: false alarms per radar look (Poisson mean), the GOSPA cut-off, and whether
    the space tracking layers' triangulated infrared fixes join the radars' looks."""

    false_alarms_per_look: Annotated[Real, Field(ge=0.0, le=100.0)] = 0.0
    gospa_cutoff_km: Annotated[Real, Field(gt=0.0, le=1000.0)] = 5.0
    space_layers: Flag = Field(False, description="fuse the tracking-role IR constellations' triangulated fixes")
    fusion: Literal["measurement", "track"] = Field(
        "measurement",
        description="measurement: one tracker takes every look; track: a tracker per sensor, merged "
        "by covariance intersection",
    )


def _interceptor(name: str):
    from goldendome.effectors.interceptors import interceptor

    return interceptor(name)


InterceptorName = Annotated[CatalogueName, _known(_interceptor)]


class Doctrine(StrictModel):
    """How a layer fires: a salvo of `shots` interceptors per engagement, and up to `looks` further engagements of a
    survivor after a kill assessment (shoot-look-shoot is looks >= 1), while its window lasts."""

    shots: Annotated[Whole, Field(ge=1, le=8)] = 2
    looks: Annotated[Whole, Field(ge=0, le=4)] = 1


class Battery(StrictModel):
    """A ground or sea battery: an interceptor type from the catalogue (goldendome interceptor list) at a site."""

    name: str = Field(..., min_length=1, max_length=60)
    interceptor: InterceptorName
    site: Place
    launchers: Annotated[Whole, Field(ge=1, le=500)] = 1
    inventory: Annotated[Whole, Field(ge=0, le=10000)] | None = Field(
        None, description="rounds in all (default: launchers x the interceptor's rounds per launcher)"
    )
    doctrine: Doctrine | None = Field(None, description="overrides the defence's doctrine for this battery")
    latency_s: Annotated[Real, Field(ge=0.0, le=600.0)] | None = Field(
        None, description="command latency, decision to launch (default: the defence's)"
    )


class SBILayer(StrictModel):
    """How the space-based interceptors of the scenario's interceptor constellations fight in the battle."""

    shots: Annotated[Whole, Field(ge=1, le=4)] = 1
    sspk: Annotated[Real, Field(ge=0.0, le=1.0)] = Field(
        0.8,
        description="single-shot kill probability of an SBI against a booster (ASSUMPTION: no public test "
        "record exists; sweep it)",
    )
    unit_cost_musd: Annotated[Real, Field(ge=0.0, le=10_000.0)] = Field(
        load_cost_defaults()["sbi-cbo-2026"]["average_unit_cost_usd"] / 1e6,
        description="US$M per SBI (CBO 2026 national missile defence estimate, ~$22M a unit)",
    )


class Discrimination(StrictModel):
    """Telling re-entry vehicles from decoys: the probability that a decoy is recognised as one in midcourse, and
    the height below which the air strips light decoys away (they slow down and are recognised with certainty)."""

    midcourse: Annotated[Real, Field(ge=0.0, le=1.0)] = 0.0
    atmospheric_filter_km: Annotated[Real, Field(ge=0.0, le=200.0)] = 80.0


class Asset(StrictModel):
    """A defended asset of your own, with the fields of the shipped table (c2/data/assets.yaml): a metro with its
    census population, or a military site with a value in people-equivalents. goldendome.c2.assets.assets_from
    checks what spans fields (a key or a name, unique keys, a population for a metro only)."""

    key: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        None, description="unique key (default: the name in kebab case)"
    )
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(None, description="default: the key")
    kind: Literal["metro", "military"] | None = Field(
        None, description="default: metro when a population is given, else military"
    )
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="ISO 3166-1 alpha-2 code, e.g. US"
    )
    lat_deg: Annotated[Real, Field(ge=-90.0, le=90.0)]
    lon_deg: Annotated[Real, Field(ge=-180.0, le=180.0)]
    population: Annotated[Whole, Field(ge=0, le=100_000_000)] | None = Field(
        None, description="a metro's census population (at most 100 million; the largest metro has under 40 million)"
    )
    value: Annotated[Real, Field(ge=0.0, le=1e9)] | None = Field(
        None, description="people-equivalent value, at most 1e9 (default: the population, or a military site's)"
    )
    radius_km: Annotated[Real, Field(gt=0.0, le=1000.0)] | None = Field(
        None, description="defended footprint radius, km (default: from the population, or a military site's)"
    )
    note: Note | None = None
    source: Note | None = None


class AssetChoice(StrictModel):
    """Which defended assets the battle manager protects: the shipped table filtered by country and kind, plus
    assets of your own."""

    countries: list[Literal["US", "CA", "MX", "GL"]] = Field(default_factory=lambda: ["US", "CA", "GL"], max_length=4)
    kinds: list[Literal["metro", "military"]] = Field(default_factory=lambda: ["metro", "military"], max_length=2)
    only: list[CatalogueName] | None = Field(
        None, max_length=1000, description="keys of the shipped table to keep, at most 1,000 (default: all chosen)"
    )
    extra: list[Asset] = Field(
        default_factory=list,
        max_length=1000,
        description="your own assets, at most 1,000: name, lat_deg, lon_deg, population or value, radius_km",
    )

    @model_validator(mode="after")
    def _resolvable(self):
        """Unknown keys and malformed assets of your own are named when the file is read, not when the battle
        starts."""
        from goldendome.c2.assets import assets_from, load_assets

        try:
            if self.only is not None:
                load_assets().select(keys=self.only)
            if self.extra:
                assets_from(self.extra)
        except KeyError as exc:
            raise ValueError(str(exc.args[0]) if exc.args else str(exc)) from None
        return self


class Defence(StrictModel):
    """The defence that fights the battle: batteries, the SBI layer, doctrine, discrimination, defended assets."""

    batteries: list[Battery] = Field(default_factory=list, max_length=200)
    sbi: SBILayer = Field(default_factory=SBILayer)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    handover: Flag = Field(
        True,
        description="a lower layer engages a target only once the layers above have no "
        "engagement of it in flight (false: every layer fires as soon as it can)",
    )
    latency_s: Annotated[Real, Field(ge=0.0, le=600.0)] = Field(
        15.0, description="command latency from decision to launch, s (ASSUMPTION)"
    )
    assessment_s: Annotated[Real, Field(ge=0.0, le=600.0)] = Field(
        10.0, description="kill assessment after an intercept before a survivor is engaged again, s (ASSUMPTION)"
    )
    decision_s: Annotated[Real, Field(ge=MIN_DECISION_S, le=120.0)] = Field(
        5.0, description=f"battle-manager cycle, {MIN_DECISION_S:g}-120 s"
    )
    tracks: Literal["sensors", "truth"] = Field(
        "sensors",
        description="sensors: fire on the radars' (and IR layers') track picture; truth: perfect tracks "
        "with a firing-quality covariance (quick studies)",
    )
    discrimination: Discrimination = Field(default_factory=Discrimination)
    assets: AssetChoice = Field(default_factory=AssetChoice)
    engage_threshold: Annotated[Real, Field(ge=0.0, le=1.0)] = Field(
        0.02,
        description="a track is engaged only if it threatens defended assets with at least this probability "
        "(rockets falling in open ground are left alone)",
    )
    cost_weight: Annotated[Real, Field(ge=0.0, le=1e9)] = Field(
        0.0,
        description="people-equivalent value traded per US$M of interceptors (0: cost breaks ties only; at most "
        "1e9, where cost alone decides)",
    )

    @model_validator(mode="after")
    def _unique(self):
        names = [b.name for b in self.batteries]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"battery names must be unique; repeated: {', '.join(dup)}")
        return self


class Scenario(StrictModel):
    """One scenario: epoch, duration, threats, constellations and radars."""

    name: str = Field(..., min_length=1, max_length=120)
    description: Note = ""
    epoch: UtcEpoch = Field(..., description="UTC start, ISO 8601, e.g. 2026-07-04T12:00:00Z")
    duration_min: Annotated[Real, Field(gt=0.0, le=1440.0)] = 60.0
    time_step_s: Annotated[Real, Field(ge=MIN_TIME_STEP_S, le=60.0)] = Field(
        1.0, description=f"sampling of the flights, {MIN_TIME_STEP_S:g}-60 s"
    )
    seed: Annotated[Whole, Field(ge=0, lt=2**63)] = Field(
        0, description="root of every random stream: 0 <= seed < 2**63 (a 64-bit seed)"
    )
    threats: list[Threat] = Field(default_factory=list, max_length=1000, description="at most 1,000 entries")
    constellations: list[Constellation] = Field(default_factory=list, max_length=100, description="at most 100")
    engagement: Engagement = Field(default_factory=Engagement)
    radars: list[RadarName] = Field(
        default_factory=list, max_length=50, description="radar presets (goldendome radar list) whose looks are tracked"
    )
    tracking: Tracking = Field(default_factory=Tracking)
    defence: Defence | None = Field(None, description="batteries, doctrine and defended assets: the battle")

    @model_validator(mode="after")
    def _unique_names(self):
        for kind, items in (("threat", self.threats), ("constellation", self.constellations)):
            names = [t.name for t in items]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"{kind} names must be unique; repeated: {', '.join(dup)}")
        if not self.threats and not self.constellations:
            raise ValueError("a scenario needs at least one threat or one constellation")
        self._sensors_to_track()
        sensing = any(c.preset or c.sensor for c in self.constellations)
        if self.engagement.detect == "sensors" and not sensing and any(c.sbi for c in self.constellations):
            raise ValueError(
                "engagement.detect is 'sensors' but no constellation carries a sensor: add a tracking "
                "or warning layer, or give a fixed detection latency in seconds"
            )
        return self

    def _sensors_to_track(self) -> None:
        """Batteries told to fire on the sensors' tracks need a sensor that tracks: a radar, or a tracking layer
        whose infrared fixes are fused (the battle's picture takes exactly these)."""
        d = self.defence
        if d is None or not d.batteries or d.tracks != "sensors" or self.radars:
            return
        fused = self.tracking.space_layers and any(
            c.role == "tracking" and (c.preset or c.sensor) for c in self.constellations
        )
        if not fused:
            raise ValueError(
                "defence.tracks: 'sensors' has the batteries fire on the sensors' tracks, but no sensor tracks: name "
                "radars (goldendome radar list), fuse a tracking layer (tracking.space_layers: true), or set "
                "tracks: truth"
            )
