"""Study files: the questions of architecture studies (how many SBIs? what do the sensors see?), validated like
scenarios, with the same one-line-per-problem messages.

Units at this edge: degrees, kilometres, seconds, hours.
"""

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from goldendome.effectors.sbi import sbi_design
from goldendome.scenario.base import Note, Real, StrictModel
from goldendome.scenario.models import MIN_ORBIT_ALTITUDE_KM, MissileName, Place, UtcEpoch
from goldendome.threats.missile import load_catalogue

SWEEPABLE = (
    "salvo",
    "missile",
    "delta_v_mps",
    "accel_g",
    "decide_s",
    "detect_s",
    "altitude_km",
    "inclination_deg",
    "launch_lat_deg",
    "shots",
)


class SBISpec(StrictModel):
    """An SBI: a catalogue name, optionally with some numbers overridden."""

    design: str = Field("aps-2003-optimistic", max_length=60)
    delta_v_mps: Annotated[float, Field(gt=0, le=20000)] | None = None
    accel_g: Annotated[float, Field(gt=0, le=100)] | None = None

    @field_validator("design")
    @classmethod
    def _known(cls, v):
        try:
            sbi_design(v)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        return v


class ShellSpec(StrictModel):
    altitude_km: Annotated[float, Field(le=2000.0)] = 300.0
    inclination_deg: Annotated[float, Field(ge=0.0, le=180.0)] = 45.0

    @field_validator("altitude_km")
    @classmethod
    def _above_drag(cls, v):
        if v < MIN_ORBIT_ALTITUDE_KM:
            raise ValueError(
                f"{v:g} km is below {MIN_ORBIT_ALTITUDE_KM:g} km, where drag brings a satellite down within days"
            )
        return v


class TimelineSpec(StrictModel):
    detect_s: Annotated[float, Field(ge=0.0, le=600.0)] = 60.0
    decide_s: Annotated[float, Field(ge=0.0, le=600.0)] = 30.0
    cutoff_before_burnout_s: Annotated[float, Field(ge=0.0, le=300.0)] = 0.0


class SalvoSpec(StrictModel):
    """Who launches: a missile type from one or more sites (a launch region), how many at once, towards where."""

    missile: MissileName = "icbm-solid-3stage"
    launch_sites: list[Place] = Field(default_factory=lambda: [Place(name="sohae")], min_length=1, max_length=100)
    aim: Place = Field(default_factory=lambda: Place(name="seattle"))
    salvo: Annotated[int, Field(ge=1, le=200)] = 1
    interval_s: Annotated[float, Field(ge=0.0, le=3600.0)] = 0.0


class LaunchTimes(StrictModel):
    """Launch times tried: every step over a duration (a day covers every relative geometry of a LEO shell)."""

    duration_h: Annotated[float, Field(gt=0.0, le=240.0)] = 24.0
    step_s: Annotated[float, Field(ge=10.0, le=3600.0)] = 300.0


SWEEP_RANGES = {
    "salvo": (1, 1000, True, "a whole number of missiles, 1 to 1,000"),
    "shots": (1, 10, True, "a whole number of shots per booster, 1 to 10"),
    "delta_v_mps": (1e-3, 20_000.0, False, "positive, at most 20,000 m/s"),
    "accel_g": (1e-3, 100.0, False, "positive, at most 100 g"),
    "decide_s": (0.0, 3600.0, False, "0 to 3,600 s"),
    "detect_s": (0.0, 3600.0, False, "0 to 3,600 s"),
    "altitude_km": (MIN_ORBIT_ALTITUDE_KM, 2000.0, False, f"{MIN_ORBIT_ALTITUDE_KM:g} to 2,000 km"),
    "inclination_deg": (0.0, 180.0, False, "0 to 180 deg"),
    "launch_lat_deg": (-90.0, 90.0, False, "a latitude, -90 to 90 deg"),
}
"""The range each numeric sweep parameter may take (low, high, whole numbers only, in words)."""


class Sweep(StrictModel):
    parameter: Literal[SWEEPABLE]
    values: list[float | str] = Field(..., min_length=1, max_length=200)


class SizingStudy(StrictModel):
    """How many SBIs of a shell it takes to engage a salvo with k shots per booster at every launch time."""

    kind: Literal["sbi-sizing"] = "sbi-sizing"
    name: str = Field(..., min_length=1, max_length=120)
    description: Note = ""
    epoch: UtcEpoch = Field(default_factory=lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    threat: SalvoSpec = Field(default_factory=SalvoSpec)
    sbi: SBISpec = Field(default_factory=SBISpec)
    shell: ShellSpec = Field(default_factory=ShellSpec)
    timeline: TimelineSpec = Field(default_factory=TimelineSpec)
    shots: Annotated[int, Field(ge=1, le=10)] = 1
    launch_times: LaunchTimes = Field(default_factory=LaunchTimes)
    sweeps: list[Sweep] = Field(default_factory=list, max_length=12)

    @model_validator(mode="after")
    def _sweep_values(self):
        for k, s in enumerate(self.sweeps):
            if s.parameter == "missile":
                bad = [v for v in s.values if str(v) not in load_catalogue()]
                if bad:
                    raise ValueError(f"sweeps[{k}]: unknown missile(s) {bad}; see 'goldendome threat list'")
            elif any(isinstance(v, str) for v in s.values):
                raise ValueError(f"sweeps[{k}]: {s.parameter} takes numbers")
            else:
                lo, hi, whole, what = SWEEP_RANGES[s.parameter]
                bad = [v for v in s.values if not (math.isfinite(v) and lo <= v <= hi) or (whole and v != int(v))]
                if bad:
                    raise ValueError(f"sweeps[{k}].values: {s.parameter} must be {what}; got {bad}")
        return self


class CoverageStudy(StrictModel):
    """What a sensor layer sees over a launch area: counts, first detection, stereo fraction, revisit gaps."""

    kind: Literal["coverage"] = "coverage"
    name: str = Field(..., min_length=1, max_length=120)
    description: Note = ""
    epoch: UtcEpoch = Field(default_factory=lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    layers: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=lambda: ["pwsa-tracking"], min_length=1, max_length=20
    )
    area: dict[Annotated[str, Field(max_length=20)], Real] = Field(
        max_length=4,
        default_factory=lambda: {"lat_min_deg": 36.0, "lat_max_deg": 43.0, "lon_min_deg": 124.0, "lon_max_deg": 131.0},
        description="launch area box: lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg",
    )
    grid_deg: Annotated[float, Field(gt=0.05, le=10.0)] = 1.0
    duration_h: Annotated[float, Field(gt=0.0, le=48.0)] = 24.0
    step_s: Annotated[float, Field(ge=1.0, le=600.0)] = 30.0
    missile: MissileName = "icbm-solid-3stage"
    launch: Place = Field(default_factory=lambda: Place(name="sohae"))
    aim: Place = Field(default_factory=lambda: Place(name="seattle"))

    @model_validator(mode="after")
    def _box(self):
        a = self.area
        need = {"lat_min_deg", "lat_max_deg", "lon_min_deg", "lon_max_deg"}
        if set(a) != need:
            raise ValueError(f"area needs exactly {', '.join(sorted(need))}")
        if not -90 <= a["lat_min_deg"] < a["lat_max_deg"] <= 90:
            raise ValueError("area: need -90 <= lat_min_deg < lat_max_deg <= 90")
        if not -180 <= a["lon_min_deg"] < a["lon_max_deg"] <= 360:
            raise ValueError("area: need lon_min_deg < lon_max_deg, in -180..360")
        return self
