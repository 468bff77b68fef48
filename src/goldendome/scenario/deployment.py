"""The ``schedule:`` section of a cost study: a constellation deployment plan as a user writes it.

What is built, on which launchers, how fast, and how long it lasts. :func:`goldendome.analysis.schedule.deploy`
works a plan out month by month. Validation checks the vehicle names against the launch-vehicle catalogue
(:mod:`goldendome.scenario.launch_vehicles`) and that at least one satellite fits on each vehicle named.
"""

import datetime as dt
import math
from typing import Annotated

import pandas as pd
from pydantic import BeforeValidator, Field, field_validator, model_validator

from goldendome.scenario.base import StrictModel
from goldendome.scenario.launch_vehicles import (
    DISPENSER_FRACTION,
    MAX_ORBIT_ALTITUDE_KM,
    launch_vehicle,
    load_launch_vehicles,
    satellites_per_launch,
)
from goldendome.scenario.models import MIN_ORBIT_ALTITUDE_KM

FIRST_LAUNCH_LAG_MONTHS = 6
"""ASSUMPTION: the first launch comes six months after production starts (first batch built, tested, shipped, and
a launch campaign), used when a plan gives no first-launch date."""


def _one_vehicle(v):
    return {v: 1.0} if isinstance(v, str) else v


class DeploymentPlan(StrictModel):
    """A constellation deployment programme: what is built, on which launchers, how fast, and how long it lasts.

    Units at this edge: kg, km, deg, years, satellites or launches a year, ISO dates. ``vehicles`` maps catalogue
    names to their share of the launches (normalised; a single name means all of them); ``launches_per_year`` is the
    programme's total cadence (default: the sum of the catalogue cadences of the vehicles named). Every default
    names its source or says ASSUMPTION.
    """

    n_satellites: Annotated[int, Field(ge=1, le=1_000_000, description="constellation size N")]
    sat_mass_kg: Annotated[float, Field(gt=0, le=200_000, description="satellite mass in orbit, kg")]
    satellite_name: str = Field("SBI", min_length=1, max_length=40, description="what messages call one satellite")
    altitude_km: Annotated[float, Field(le=MAX_ORBIT_ALTITUDE_KM)] = 400.0
    """CBO 2026: SBIs in 300-500 km orbits; 400 km the middle."""
    inclination_deg: Annotated[float, Field(ge=0.0, le=180.0)] = 50.0
    """ASSUMPTION: CBO gives no inclination; ~50 deg covers launch latitudes up to ~40-45 deg plus reach."""
    vehicles: Annotated[dict[str, float], BeforeValidator(_one_vehicle)] = Field(
        default_factory=lambda: {"falcon9": 1.0}, min_length=1
    )
    launches_per_year: Annotated[float, Field(gt=0, le=100_000)] | None = None
    dispenser_fraction: Annotated[float, Field(ge=0.0, lt=1.0)] = DISPENSER_FRACTION
    max_per_launch: Annotated[int, Field(ge=1)] | None = None
    production_start: dt.date = dt.date(2026, 1, 1)
    """ASSUMPTION: 'a 2026 start', the year after the May 2025 announcement and the July 2025 appropriation."""
    first_launch: dt.date | None = None
    production_first_year_per_year: Annotated[float, Field(ge=0.0, le=1e6)] = 120.0
    """ASSUMPTION: 10 a month in the first year, an early production line."""
    production_steady_per_year: Annotated[float, Field(gt=0.0, le=1e6)] = 1440.0
    """ASSUMPTION: Starlink's 2020 rate, 120 satellites a month (SpaceX FCC ex parte, 31 Jul 2020), for a heavier,
    new-design weapon; SpaceX reported ~70 a week (3,640 a year) by 2025."""
    production_ramp_years: Annotated[float, Field(ge=0.0, le=30.0)] = 3.0
    """ASSUMPTION: linear ramp over 3 years (Starlink: first launches May 2019, 120/month by mid-2020)."""
    service_life_years: Annotated[float, Field(gt=0.0, le=100.0)] = 5.0
    """CBO 2026: 5-year SBI service life."""
    initial_fraction: Annotated[float, Field(gt=0.0, le=1.0)] = 0.25
    """ASSUMPTION: 'initial capability' at a quarter of the constellation (user-settable)."""
    initial_count: Annotated[int, Field(ge=1)] | None = None
    spare_years: Annotated[float, Field(ge=0.0, le=10.0)] = 1.0
    """ASSUMPTION: production pauses when the stock awaiting launch holds a year of launches (at least one full
    load), or when it has built the constellation, its retirements and a year of replacements: no programme
    builds satellites only to store them."""
    horizon_years: Annotated[float, Field(gt=0.0, le=60.0)] = 20.0
    """CBO's 20-year cost horizon."""

    @field_validator("vehicles")
    @classmethod
    def _known_vehicles(cls, v: dict[str, float]):
        for name in v:
            try:
                launch_vehicle(name)
            except KeyError as exc:
                raise ValueError(exc.args[0]) from None
        if any(not (s > 0 and math.isfinite(s)) for s in v.values()):
            raise ValueError(f"each vehicle's share of the launches must be positive, got {v}")
        return v

    @model_validator(mode="after")
    def _consistent(self):
        if self.altitude_km < MIN_ORBIT_ALTITUDE_KM:
            raise ValueError(
                f"altitude_km: {self.altitude_km:g} km is below {MIN_ORBIT_ALTITUDE_KM:g} km, where drag "
                "brings a satellite down within days"
            )
        if self.first_launch is not None and self.first_launch < self.production_start:
            raise ValueError(
                f"first_launch: {self.first_launch} is before production_start "
                f"{self.production_start}: nothing would be built to launch"
            )
        if self.initial_count is not None and self.initial_count > self.n_satellites:
            raise ValueError(f"initial_count: {self.initial_count:,} is more than n_satellites {self.n_satellites:,}")
        for name in self.vehicles:
            satellites_per_launch(
                name,
                self.sat_mass_kg,
                self.altitude_km,
                self.inclination_deg,
                self.dispenser_fraction,
                self.max_per_launch,
            )
        return self

    # -- derived quantities ----------------------------------------------------------------------------------------

    @property
    def first_launch_date(self) -> dt.date:
        """The first launch: as written, or the first day of the month FIRST_LAUNCH_LAG_MONTHS after the month
        production starts."""
        if self.first_launch is not None:
            return self.first_launch
        return (pd.Period(self.production_start, freq="M") + FIRST_LAUNCH_LAG_MONTHS).start_time.date()

    @property
    def shares(self) -> dict[str, float]:
        total = sum(self.vehicles.values())
        return {k: s / total for k, s in self.vehicles.items()}

    @property
    def total_launches_per_year(self) -> float:
        if self.launches_per_year is not None:
            return float(self.launches_per_year)
        cat = load_launch_vehicles()
        return float(sum(cat[n].cadence_per_year for n in self.vehicles))

    def per_launch(self) -> dict[str, int]:
        """Satellites each vehicle of the mix carries to the plan's orbit."""
        return {
            n: satellites_per_launch(
                n,
                self.sat_mass_kg,
                self.altitude_km,
                self.inclination_deg,
                self.dispenser_fraction,
                self.max_per_launch,
            )
            for n in self.vehicles
        }

    def mean_per_launch(self) -> float:
        """Share-weighted satellites per launch, sum_v s_v k_v."""
        k = self.per_launch()
        return float(sum(self.shares[n] * k[n] for n in k))

    @property
    def initial_threshold(self) -> int:
        if self.initial_count is not None:
            return self.initial_count
        return max(1, math.ceil(self.initial_fraction * self.n_satellites - 1e-9))
