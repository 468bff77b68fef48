"""Deployment schedule: how fast a constellation can be built, launched and kept full, and by when.

The arithmetic every public claim about a space layer rests on ("operational by January 2029"):

1. **Satellites per launch.** A launcher puts ``m_pl`` kg into its reference orbit. To another circular orbit the
   last stage must add

       dv = dv_alt + dv_rot + dv_plane
       dv_alt   = Hohmann transfer from the reference to the target altitude (two burns, signed: a lower orbit gains)
       dv_rot   = omega_E a (cos i_ref - cos i)      Earth-rotation credit lost at higher inclination: the along-track
                                                     part of the site's eastward speed is omega_E a cos(phi) sin(Az)
                                                     = omega_E a cos(i) (Vallado 4th ed., sec. 6.4; Wertz, SMAD 3rd
                                                     ed., sec. 18.1), about 465 m/s x (cos i_ref - cos i)
       dv_plane = 2 v_c sin(di / 2)                  only where i < site latitude (or i > 180 deg - latitude), which a
                                                     direct launch cannot reach: fly to the site latitude, then turn

   and the rocket equation of that stage (dry mass m_d, propellant m_p, exhaust speed v_e = g0 Isp) gives the
   payload it can still carry: with R_ref = (m_pl + m_d + m_p) / (m_pl + m_d) at the reference,

       R = R_ref exp(dv / v_e),      m_pl' = m_p / (R - 1) - m_d.

   Charging all the extra delta-v to the last stage ignores that a lighter payload lets the lower stages go faster:
   the estimate is slightly pessimistic (it gives Falcon 9's 16.7 t Starlink record to 53 deg within ~3 %).
   Then ``satellites per launch = floor(m_pl' / (m_sat (1 + dispenser fraction)))``, capped by any packing limit.

2. **Build-up.** Production runs at a rate that ramps linearly from a first-year rate r0 to a steady rate r1 over K
   years (ASSUMPTION: a linear learning ramp; Starlink went from first operational launches in May 2019 to 120
   satellites a month by mid-2020, FCC ex parte of 31 Jul 2020, and to ~70 a week by 2025, SpaceX factory video),
   so the number built by year t is

       P(t) = r0 t + (r1 - r0) t^2 / (2K)       (t <= K),      P(K) + r1 (t - K)       (t > K).

   Launches fly at a cadence C a year from the first launch date, each with a full load (the last launch of the
   build-up may be part-full). Month by month the constellation holds what was launched less what retired.

3. **Closed forms** the simulation reproduces (tests/test_schedule.py):

       launch-bound fill time          T = N / (k C)                  years, k satellites per launch
       production-bound fill time      P(T) = N
       steady-state replacement        N / L satellites a year, N / (k L) launches a year, L the service life
       rate to meet a deadline         N / min(T_window, L) satellites a year over a window T_window (launches
                                       earlier than L before the deadline retire before it)

   With N / L above what the launch or production rate can deliver, the constellation is never full at all.

Public anchors: CBO 2026 (publication 62422) -- 7,800 SBIs in 300-500 km orbits, 5-year service life, launch at
$500/kg; APS 2003 -- ~2,000 t for ~1,600 SBIs, ~1.25 t each (goldendome.effectors sbi catalogue). Vehicle numbers
and their sources: ``analysis/data/launch_vehicles.yaml``. Dates are resolved to the month: a capability reached
during a month is dated at that month's last day.
"""

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from goldendome.physics.constants import DEG, G0_M_S2, MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, WGS84_A_M
from goldendome.scenario.models import MIN_ORBIT_ALTITUDE_KM

DISPENSER_FRACTION = 0.05
"""ASSUMPTION: the dispenser, adapters and separation hardware weigh ~5 % of the satellites they carry (no public
figure for an SBI dispenser; Starlink stacks fly with almost none, so the Starlink check uses 0)."""

FIRST_LAUNCH_LAG_MONTHS = 6
"""ASSUMPTION: the first launch comes six months after production starts (first batch built, tested, shipped, and
a launch campaign), used when a plan gives no first-launch date."""

MAX_ORBIT_ALTITUDE_KM = 2000.0
"""Upper edge of low Earth orbit; the payload model (reference LEO figures) is not meant beyond it."""

_UNLIMITED = 1.0e7
"""A rate (a year) that never binds: what 'production unconstrained' or 'launch unconstrained' means below."""


# ----------------------------------------------------------------------------------------------------------------
# Launch vehicles
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaunchVehicle:
    """A launcher as a deployment schedule sees it: payload to a reference orbit and how it falls for others, a
    packing limit, a price, and the launches a year this programme can have; with the source of every number.

    SI inside (m, rad, kg, s); ``price_musd`` in US$ millions (year of its source); ``status`` is 'operational',
    'new' (flown a few times) or 'claim' (payload and cadence are a vendor's promise).
    """

    name: str
    description: str
    status: str
    payload_ref_kg: float
    ref_altitude_m: float
    ref_inclination_rad: float
    site_latitude_rad: float
    stage_dry_kg: float
    stage_propellant_kg: float
    stage_isp_s: float
    max_satellites_per_launch: int | None
    price_musd: float
    cadence_per_year: float
    cadence_record: str = ""
    sources: tuple[str, ...] = ()

    def payload_kg(self, altitude_km, inclination_deg):
        """Payload (kg) to circular orbits at altitude_km and inclination_deg; see :func:`payload_kg`."""
        return payload_kg(self, altitude_km, inclination_deg)


@cache
def load_launch_vehicles() -> dict[str, LaunchVehicle]:
    """The shipped launch-vehicle catalogue (analysis/data/launch_vehicles.yaml), by name."""
    text = resources.files("goldendome.analysis").joinpath("data/launch_vehicles.yaml").read_text()
    out = {}
    for name, d in yaml.safe_load(text)["launch_vehicles"].items():
        st = d["upper_stage"]
        cap = d.get("max_satellites_per_launch")
        out[name] = LaunchVehicle(
            name=name, description=d["description"], status=d["status"], payload_ref_kg=float(d["payload_kg"]),
            ref_altitude_m=float(d["reference_altitude_km"]) * 1e3,
            ref_inclination_rad=float(d["reference_inclination_deg"]) * DEG,
            site_latitude_rad=abs(float(d["site_latitude_deg"])) * DEG, stage_dry_kg=float(st["dry_kg"]),
            stage_propellant_kg=float(st["propellant_kg"]), stage_isp_s=float(st["isp_s"]),
            max_satellites_per_launch=None if cap is None else int(cap), price_musd=float(d["price_musd"]),
            cadence_per_year=float(d["cadence_per_year"]), cadence_record=str(d.get("cadence_record", "")),
            sources=tuple(d.get("sources", ())),
        )  # fmt: skip
    return out


def launch_vehicle(name: str) -> LaunchVehicle:
    """A vehicle of the catalogue; KeyError lists the names there are."""
    cat = load_launch_vehicles()
    if name not in cat:
        raise KeyError(f"unknown launch vehicle {name!r}; the catalogue has: {', '.join(sorted(cat))}")
    return cat[name]


def _vehicle(v: "LaunchVehicle | str") -> LaunchVehicle:
    return launch_vehicle(v) if isinstance(v, str) else v


def hohmann_delta_v_mps(r1_m, r2_m):
    """Total delta-v (m/s) of a Hohmann transfer between circular orbits of radii r1 and r2 (m); signed, negative
    when r2 < r1 (a lower orbit costs less to reach than the reference). Vallado 4th ed., algorithm 36."""
    r1 = np.asarray(r1_m, float)
    r2 = np.asarray(r2_m, float)
    a_t = 0.5 * (r1 + r2)
    v1 = np.sqrt(MU_EARTH_M3_S2 / r1)
    v2 = np.sqrt(MU_EARTH_M3_S2 / r2)
    dv = np.abs(np.sqrt(MU_EARTH_M3_S2 * (2.0 / r1 - 1.0 / a_t)) - v1) + np.abs(
        v2 - np.sqrt(MU_EARTH_M3_S2 * (2.0 / r2 - 1.0 / a_t))
    )
    return np.sign(r2 - r1) * dv


def insertion_penalty_mps(vehicle: "LaunchVehicle | str", altitude_m, inclination_rad):
    """Extra delta-v (m/s) the last stage must give to reach circular orbits (altitude_m, inclination_rad) instead
    of the vehicle's reference orbit: Hohmann raise + lost Earth-rotation credit + any plane change (module doc)."""
    v = _vehicle(vehicle)
    h = np.asarray(altitude_m, float)
    inc = np.asarray(inclination_rad, float)
    dv_alt = hohmann_delta_v_mps(WGS84_A_M + v.ref_altitude_m, WGS84_A_M + h)
    # a direct launch reaches only inclinations between the site latitude and 180 deg minus it
    reach = np.clip(inc, v.site_latitude_rad, np.pi - v.site_latitude_rad)
    dv_rot = OMEGA_EARTH_RAD_S * WGS84_A_M * (np.cos(v.ref_inclination_rad) - np.cos(reach))
    v_c = np.sqrt(MU_EARTH_M3_S2 / (WGS84_A_M + h))
    dv_plane = 2.0 * v_c * np.sin(0.5 * np.abs(inc - reach))
    return dv_alt + dv_rot + dv_plane


def payload_kg(vehicle: "LaunchVehicle | str", altitude_km, inclination_deg):
    """Payload (kg) a vehicle puts into circular orbits at altitude_km, inclination_deg (scalars or arrays).

    The last stage's rocket equation absorbs the extra delta-v of :func:`insertion_penalty_mps`:
    R = R_ref exp(dv / v_e), m_pl = m_p / (R - 1) - m_d; 0 where nothing is left. Float for scalar input.
    """
    v = _vehicle(vehicle)
    dv = insertion_penalty_mps(v, np.asarray(altitude_km, float) * 1e3, np.asarray(inclination_deg, float) * DEG)
    m_d, m_p, m_pl = v.stage_dry_kg, v.stage_propellant_kg, v.payload_ref_kg
    v_e = G0_M_S2 * v.stage_isp_s
    r_ref = (m_pl + m_d + m_p) / (m_pl + m_d)
    ratio = np.maximum(r_ref * np.exp(dv / v_e), 1.0 + 1e-12)
    out = np.maximum(m_p / (ratio - 1.0) - m_d, 0.0)
    return float(out) if out.ndim == 0 else out


def satellites_per_launch(vehicle: "LaunchVehicle | str", sat_mass_kg, altitude_km, inclination_deg,
                          dispenser_fraction: float = DISPENSER_FRACTION,
                          max_per_launch: int | None = None):  # fmt: skip
    """How many satellites one launch carries: floor(payload / (sat mass x (1 + dispenser fraction))), capped by the
    vehicle's packing limit and max_per_launch.

    sat_mass_kg : satellite mass, kg; altitude_km, inclination_deg : target circular orbit (scalars or arrays).
    A scalar question gets an int, and a ValueError when not even one satellite fits; arrays get an int array with
    0 where none fits (a batch does not stop at its first impossible point). Bad inputs raise ValueError naming the
    argument.
    """
    m = np.asarray(sat_mass_kg, float)
    h = np.asarray(altitude_km, float)
    inc = np.asarray(inclination_deg, float)
    if not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise ValueError(f"sat_mass_kg: must be a positive mass in kg, got {sat_mass_kg!r}")
    if not 0.0 <= dispenser_fraction < 1.0:
        raise ValueError(f"dispenser_fraction: must be in [0, 1), got {dispenser_fraction!r}")
    if not np.all(np.isfinite(h)) or np.any(h < MIN_ORBIT_ALTITUDE_KM) or np.any(h > MAX_ORBIT_ALTITUDE_KM):
        raise ValueError(f"altitude_km: must be between {MIN_ORBIT_ALTITUDE_KM:g} and {MAX_ORBIT_ALTITUDE_KM:g} km "
                         f"(low Earth orbit), got {altitude_km!r}")  # fmt: skip
    if not np.all(np.isfinite(inc)) or np.any(inc < 0) or np.any(inc > 180):
        raise ValueError(f"inclination_deg: must be between 0 and 180 deg, got {inclination_deg!r}")
    if max_per_launch is not None and max_per_launch < 1:
        raise ValueError(f"max_per_launch: must be at least 1, got {max_per_launch!r}")
    v = _vehicle(vehicle)
    pay = np.asarray(payload_kg(v, h, inc), float)
    unit = m * (1.0 + dispenser_fraction)
    n = np.floor(pay / unit + 1e-9).astype(np.int64)  # 1e-9: 21.9999999 satellites is 22
    for cap in (v.max_satellites_per_launch, max_per_launch):
        if cap is not None:
            n = np.minimum(n, cap)
    if n.ndim == 0:
        if n == 0:
            raise ValueError(
                f"sat_mass_kg: a {float(unit):,.0f} kg satellite ({float(m):,.0f} kg + {dispenser_fraction:.0%} "
                f"dispenser share) is heavier than {v.name}'s {float(pay):,.0f} kg payload to "
                f"{float(h):g} km, {float(inc):g} deg"
            )
        return int(n)
    return n


# ----------------------------------------------------------------------------------------------------------------
# The plan (pydantic: it sits in a study file under a `schedule:` key)
# ----------------------------------------------------------------------------------------------------------------


def _one_vehicle(v):
    return {v: 1.0} if isinstance(v, str) else v


class DeploymentPlan(BaseModel):
    """A constellation deployment programme: what is built, on which launchers, how fast, and how long it lasts.

    Units at this edge: kg, km, deg, years, satellites or launches a year, ISO dates. ``vehicles`` maps catalogue
    names to their share of the launches (normalised; a single name means all of them); ``launches_per_year`` is the
    programme's total cadence (default: the sum of the catalogue cadences of the vehicles named). Every default
    names its source or says ASSUMPTION.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

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
        cat = load_launch_vehicles()
        bad = [n for n in v if n not in cat]
        if bad:
            raise ValueError(f"unknown launch vehicle(s) {bad}; the catalogue has: {', '.join(sorted(cat))}")
        if any(not (s > 0 and math.isfinite(s)) for s in v.values()):
            raise ValueError(f"each vehicle's share of the launches must be positive, got {v}")
        return v

    @model_validator(mode="after")
    def _consistent(self):
        if self.altitude_km < MIN_ORBIT_ALTITUDE_KM:
            raise ValueError(f"altitude_km: {self.altitude_km:g} km is below {MIN_ORBIT_ALTITUDE_KM:g} km, where drag "
                             "brings a satellite down within days")  # fmt: skip
        if self.first_launch is not None and self.first_launch < self.production_start:
            raise ValueError(f"first_launch: {self.first_launch} is before production_start "
                             f"{self.production_start}: nothing would be built to launch")  # fmt: skip
        if self.initial_count is not None and self.initial_count > self.n_satellites:
            raise ValueError(f"initial_count: {self.initial_count:,} is more than n_satellites "
                             f"{self.n_satellites:,}")  # fmt: skip
        for name in self.vehicles:
            satellites_per_launch(name, self.sat_mass_kg, self.altitude_km, self.inclination_deg,
                                  self.dispenser_fraction, self.max_per_launch)  # fmt: skip
        return self

    # -- derived quantities ----------------------------------------------------------------------------------------

    @property
    def first_launch_date(self) -> dt.date:
        if self.first_launch is not None:
            return self.first_launch
        return _add_months(_month_start(self.production_start), FIRST_LAUNCH_LAG_MONTHS)

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
            n: satellites_per_launch(n, self.sat_mass_kg, self.altitude_km, self.inclination_deg,
                                     self.dispenser_fraction, self.max_per_launch)
            for n in self.vehicles
        }  # fmt: skip

    def mean_per_launch(self) -> float:
        """Share-weighted satellites per launch, sum_v s_v k_v."""
        k = self.per_launch()
        return float(sum(self.shares[n] * k[n] for n in k))

    @property
    def initial_threshold(self) -> int:
        if self.initial_count is not None:
            return self.initial_count
        return max(1, math.ceil(self.initial_fraction * self.n_satellites - 1e-9))


# ----------------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------------


def _month_start(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, 1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _month_end(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _months_between(a: dt.date, b: dt.date) -> int:
    """Whole months from a's month to b's month."""
    return (b.year - a.year) * 12 + (b.month - a.month)


def _month_name(d: dt.date) -> str:
    return f"{calendar.month_name[d.month]} {d.year}"


def _as_date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{field}: not a date ({exc}); write e.g. 2029-01-01") from None


def _months_by(plan: DeploymentPlan, deadline: dt.date) -> int:
    """Number of whole months from the production-start month whose last day is on or before the deadline."""
    start = _month_start(plan.production_start)
    n = _months_between(start, deadline) + 1
    if _month_end(_add_months(start, n - 1)) > deadline:
        n -= 1
    return max(n, 0)


# ----------------------------------------------------------------------------------------------------------------
# The simulation
# ----------------------------------------------------------------------------------------------------------------


def cumulative_production(t_years, first_year_per_year: float, steady_per_year: float, ramp_years: float):
    """Satellites built by t years after production starts, a rate ramping linearly from first_year_per_year to
    steady_per_year over ramp_years (module doc, item 2). Vectorised over t."""
    t = np.asarray(t_years, float)
    r0, r1, k = first_year_per_year, steady_per_year, ramp_years
    if k <= 0:
        return r1 * np.maximum(t, 0.0)
    tc = np.clip(t, 0.0, k)
    ramp = r0 * tc + (r1 - r0) * tc**2 / (2.0 * k)
    return ramp + r1 * np.maximum(t - k, 0.0)


@dataclass(frozen=True)
class _Run:
    produced: np.ndarray
    launched: np.ndarray
    retired: np.ndarray
    in_orbit: np.ndarray
    stock: np.ndarray
    slots: np.ndarray  # (V, M)
    launches: np.ndarray  # (V, M)
    sent: np.ndarray  # (V, M) satellites carried
    constraint: np.ndarray  # (M,) str


def _simulate(plan: DeploymentPlan, months: int, launches_per_year: float | None = None,
              production_scale: float = 1.0) -> _Run:  # fmt: skip
    """Month-by-month build, launch and retirement. launches_per_year overrides the plan's total cadence;
    production_scale multiplies both production rates (required_rate uses both to find what a deadline needs)."""
    names = list(plan.vehicles)
    shares = plan.shares
    k = np.array([plan.per_launch()[n] for n in names], dtype=np.int64)
    total = plan.total_launches_per_year if launches_per_year is None else launches_per_year
    cadence = np.array([total * shares[n] for n in names])
    n_sat = plan.n_satellites
    start = _month_start(plan.production_start)
    j0 = _months_between(start, plan.first_launch_date)

    edges = np.arange(months + 1)
    r0 = plan.production_first_year_per_year * production_scale
    r1 = plan.production_steady_per_year * production_scale
    built = cumulative_production(edges / 12.0, r0, r1, plan.production_ramp_years)
    prod_cap = np.diff(np.floor(built + 1e-9)).astype(np.int64)
    since_first = np.maximum(edges - j0, 0)
    slot_cum = np.floor(cadence[:, None] * since_first[None, :] / 12.0 + 1e-9)
    slots = np.diff(slot_cum, axis=1).astype(np.int64)

    life_m = max(1, int(round(plan.service_life_years * 12.0)))
    buffer = math.ceil(plan.spare_years * n_sat / plan.service_life_years)
    stock_cap = max(int(k.max()), math.ceil(min(plan.spare_years * float(cadence @ k), 1e12)))
    produced = np.zeros(months, np.int64)
    launched = np.zeros(months, np.int64)
    retired = np.zeros(months, np.int64)
    in_orbit = np.zeros(months, np.int64)
    stock = np.zeros(months, np.int64)
    launches = np.zeros((len(names), months), np.int64)
    sent = np.zeros((len(names), months), np.int64)
    constraint = np.full(months, "", dtype=object)

    inventory = orbit = built_cum = retired_cum = 0
    ever_full = False
    for i in range(months):  # a time recursion (retirements depend on past launches): one step per month
        r = int(launched[i - life_m]) if i >= life_m else 0
        orbit -= r
        retired_cum += r
        p = min(int(prod_cap[i]), max(0, n_sat + retired_cum + buffer - built_cum), max(0, stock_cap - inventory))
        built_cum += p
        inventory += p
        need = max(0, n_sat - orbit)
        out = 0
        for v in range(len(names)):
            s, kv = int(slots[v, i]), int(k[v])
            if s == 0 or need - out <= 0:
                continue
            n_full = min(s, (inventory - out) // kv, (need - out) // kv)
            launches[v, i] += n_full
            sent[v, i] += n_full * kv
            out += n_full * kv
            rest = need - out
            # the build-up's last launch may fly part-full; replacements wait for a full load
            if not ever_full and 0 < rest < kv and launches[v, i] < s and inventory - out >= rest:
                launches[v, i] += 1
                sent[v, i] += rest
                out += rest
        inventory -= out
        orbit += out
        if i >= j0:
            if not ever_full:
                spare = int(slots[:, i].sum() - launches[:, i].sum())
                if n_sat - orbit <= 0:
                    constraint[i] = "met"
                elif spare == 0:
                    constraint[i] = "launch"
                else:
                    constraint[i] = "production"
            else:
                constraint[i] = "replacement"
        ever_full = ever_full or orbit >= n_sat
        produced[i], launched[i], retired[i], in_orbit[i], stock[i] = p, out, r, orbit, inventory
    return _Run(produced, launched, retired, in_orbit, stock, slots, launches, sent, constraint)


def _full_by(plan: DeploymentPlan, months: int, launches_per_year=None, production_scale=1.0) -> bool:
    if months <= 0:
        return False
    run = _simulate(plan, months, launches_per_year, production_scale)
    return bool(run.in_orbit.max(initial=0) >= plan.n_satellites)


# ----------------------------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------------------------


def _n(x: float) -> str:
    """A count as people write it: 7,800; 12; 12.5."""
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


@dataclass(frozen=True)
class RequiredRate:
    """What meeting a deadline takes under a plan's other assumptions.

    launches_per_year: total cadence needed with production unconstrained; satellites_per_year: what those launches
    carry; production_per_year: steady production rate needed (first-year rate scaled alike) with launches
    unconstrained; together_*: one sufficient pair for both at once -- each starts at the larger of the plan's own
    and the separate answer, and both are scaled up by one factor until the simulated schedule meets the deadline
    (other pairs trade launches against production: just-in-time launches need satellites built ahead);
    closed_form_*: N / min(window, life), the textbook figure beside the simulated one. inf where no rate can do it
    (the deadline comes before the first launch).
    """

    deadline: dt.date
    window_years: float
    satellites_per_launch: float
    launches_per_year: float
    satellites_per_year: float
    production_per_year: float
    together_launches_per_year: float
    together_production_per_year: float
    closed_form_satellites_per_year: float
    closed_form_launches_per_year: float

    @property
    def feasible(self) -> bool:
        return math.isfinite(self.together_launches_per_year)


def required_rate(plan: DeploymentPlan, deadline) -> RequiredRate:
    """Launches a year and satellites a year (launched and built) needed to have all N in orbit by the deadline.

    Closed form: over a window T from the first launch to the deadline, a uniform rate R leaves R min(T, L) in orbit
    (launches more than a life L before the deadline have retired), so R = N / min(T, L) satellites a year and
    R / k launches a year. The simulated figures add what months, full loads and the production ramp cost; each is
    found by bisection on the month-by-month schedule.
    """
    deadline = _as_date(deadline, "deadline")
    if deadline < plan.production_start:
        raise ValueError(f"deadline: {deadline} is before the production start {plan.production_start}")
    k_mean = plan.mean_per_launch()
    months = _months_by(plan, deadline)
    first = _month_start(plan.first_launch_date)
    window_m = months - _months_between(_month_start(plan.production_start), first)
    window = window_m / 12.0
    n = plan.n_satellites
    inf = math.inf
    if window_m <= 0:
        return RequiredRate(deadline, max(window, 0.0), k_mean, inf, inf, inf, inf, inf, inf, inf)
    cf_sats = n / min(window, plan.service_life_years)
    cf_launches = cf_sats / k_mean

    def smallest(ok, lo: float, hi: float, rel: float = 1e-3) -> float:
        while not ok(hi):
            lo, hi = hi, hi * 2.0
            if hi > 1e9:
                return inf
        while hi - lo > rel * hi:
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        return hi

    prod_unlimited = _UNLIMITED / max(plan.production_steady_per_year, 1e-9)
    launches = smallest(lambda c: _full_by(plan, months, c, prod_unlimited), 0.0, max(2.0 * cf_launches, 1.0))
    r1 = plan.production_steady_per_year
    prod_scale = smallest(lambda s: _full_by(plan, months, _UNLIMITED, s), 0.0, max(2.0 * cf_sats / r1, 1e-3))
    production = prod_scale * r1
    c0 = max(plan.total_launches_per_year, launches)
    s0 = max(1.0, prod_scale)
    if math.isfinite(launches) and math.isfinite(prod_scale):
        f = 1.0 if _full_by(plan, months, c0, s0) else smallest(lambda x: _full_by(plan, months, c0 * x, s0 * x),
                                                                 1.0, 2.0)  # fmt: skip
        together_l, together_p = c0 * f, s0 * r1 * f
    else:
        together_l = together_p = inf
    return RequiredRate(deadline, window, k_mean, launches, launches * k_mean, production, together_l, together_p,
                        cf_sats, cf_launches)  # fmt: skip


@dataclass(frozen=True)
class Schedule:
    """A deployment worked out month by month, with its headline dates and steady-state needs.

    table: one row per month -- month (start), produced, launched, retired, in_orbit, stock (built, awaiting
    launch), launches, launch_slots, constraint ('launch' or 'production' while building up, 'met', 'replacement'
    once full). launches_by_vehicle: one row per month and vehicle (launches, satellites). Capability dates are the
    last day of the month in which the count is reached; None if never within the horizon.
    """

    plan: DeploymentPlan
    table: pd.DataFrame
    launches_by_vehicle: pd.DataFrame
    satellites_per_launch: dict
    mean_per_launch: float
    initial_capability: dt.date | None
    full_capability: dt.date | None
    binding: str
    launch_limited_months: int
    production_limited_months: int
    replacements_per_year: float
    launches_per_year_steady: float

    @property
    def years_to_full(self) -> float | None:
        """Years from the first launch (its month's start) to full capability (its month's end)."""
        if self.full_capability is None:
            return None
        m = _months_between(_month_start(self.plan.first_launch_date), self.full_capability) + 1
        return m / 12.0

    @property
    def launches_to_fill(self) -> int:
        return math.ceil(self.plan.n_satellites / self.mean_per_launch - 1e-9)

    def by_year(self) -> pd.DataFrame:
        """Calendar-year totals: produced, launched, retired, launches; in_orbit and stock at year end."""
        t = self.table
        g = t.groupby(t["month"].dt.year)
        out = g[["produced", "launched", "retired", "launches"]].sum()
        out[["in_orbit", "stock"]] = g[["in_orbit", "stock"]].last()
        return out.rename_axis("year").reset_index()

    def meets(self, deadline) -> tuple[bool, str]:
        """(whether full capability comes by the deadline, a plain sentence saying so and what it would take)."""
        deadline = _as_date(deadline, "deadline")
        plan = self.plan
        if deadline < plan.production_start:
            raise ValueError(f"deadline: {deadline} is before the production start {plan.production_start}")
        name = plan.satellite_name
        what = f"{plan.n_satellites:,} {name}s"
        dl = _month_name(deadline)
        if self.full_capability is not None and self.full_capability <= deadline:
            ahead = _months_between(self.full_capability, deadline)
            return True, (f"full capability ({what} in orbit) in {_month_name(self.full_capability)}, "
                          f"{ahead} months before the {dl} deadline")  # fmt: skip
        first = plan.first_launch_date
        if _month_end(first) > deadline:
            return False, (f"the first launch ({_month_name(first)}) comes after the {dl} deadline: no launch or "
                           "production rate can meet it")  # fmt: skip
        req = required_rate(plan, deadline)
        c = plan.total_launches_per_year
        k = self.mean_per_launch
        k_txt = f"{_n(k)} {name}s each" if len(plan.vehicles) == 1 else f"{k:.1f} {name}s each on average"
        needs = []
        def rate(x: float, what: str) -> str:
            return f"{math.ceil(x - 1e-9):,} {what}" if math.isfinite(x) else f"more {what} than any finite rate"

        if req.together_launches_per_year > c * (1 + 1e-6):
            needs.append(rate(req.together_launches_per_year, "launches a year"))
        if req.together_production_per_year > plan.production_steady_per_year * (1 + 1e-6):
            needs.append(rate(req.together_production_per_year, f"{name}s built a year"))
        need = ("; it would need " + " and ".join(needs)) if needs else ""
        life = plan.service_life_years
        if self.full_capability is not None:
            years = self.years_to_full
            if self.binding == "launch":
                head = f"at {_n(c)} launches a year of {k_txt}, {what} take {years:.1f} years"
            else:
                ramp = (f" (ramped from {_n(plan.production_first_year_per_year)} over "
                        f"{plan.production_ramp_years:g} years)" if plan.production_ramp_years > 0 else "")  # fmt: skip
                head = (f"at a production of {_n(plan.production_steady_per_year)} {name}s a year{ramp}, {what} take "
                        f"{years:.1f} years")  # fmt: skip
            return False, (f"{head}: full capability in {_month_name(self.full_capability)}, after the {dl} "
                           f"deadline{need}")  # fmt: skip
        most = int(self.table["in_orbit"].max()) if len(self.table) else 0
        if c * k <= self.replacements_per_year:
            also = (f"; production, {_n(plan.production_steady_per_year)} a year, is short of it too"
                    if plan.production_steady_per_year <= self.replacements_per_year else "")  # fmt: skip
            head = (f"at {_n(c)} launches a year of {k_txt} ({_n(c * k)} a year), no more than the "
                    f"{_n(self.replacements_per_year)} a year that a {life:g}-year service life retires, {what} are "
                    f"never all in orbit (at most {most:,}){also}")  # fmt: skip
        elif plan.production_steady_per_year <= self.replacements_per_year:
            head = (f"at a production of {_n(plan.production_steady_per_year)} {name}s a year, no more than the "
                    f"{_n(self.replacements_per_year)} a year that a {life:g}-year service life retires, {what} are "
                    f"never all in orbit (at most {most:,})")  # fmt: skip
        else:
            head = (f"full capability ({what}) is not reached within the {plan.horizon_years:g}-year horizon "
                    f"(at most {most:,} in orbit)")  # fmt: skip
        return False, f"{head}, so not by the {dl} deadline{need}"

    def summary(self, deadline=None) -> dict:
        """Headline figures as plain JSON-ready data (dates as ISO strings); with a deadline, whether it is met."""
        plan = self.plan
        cat = load_launch_vehicles()
        price = sum(plan.shares[n] * cat[n].price_musd for n in plan.vehicles)
        out = {
            "plan": plan.model_dump(mode="json"),
            "first_launch": plan.first_launch_date.isoformat(),
            "satellites_per_launch": dict(self.satellites_per_launch),
            "mean_satellites_per_launch": self.mean_per_launch,
            "launches_per_year": plan.total_launches_per_year,
            "launches_to_fill": self.launches_to_fill,
            "initial_capability_count": plan.initial_threshold,
            "initial_capability": None if self.initial_capability is None else self.initial_capability.isoformat(),
            "full_capability": None if self.full_capability is None else self.full_capability.isoformat(),
            "years_to_full": self.years_to_full,
            "binding": self.binding,
            "launch_limited_months": self.launch_limited_months,
            "production_limited_months": self.production_limited_months,
            "replacements_per_year": self.replacements_per_year,
            "launches_per_year_steady": self.launches_per_year_steady,
            "max_in_orbit": int(self.table["in_orbit"].max()) if len(self.table) else 0,
            "mean_price_per_launch_musd": price,
            "launch_cost_to_fill_musd": self.launches_to_fill * price,
            "launch_cost_per_year_steady_musd": self.launches_per_year_steady * price,
        }
        if deadline is not None:
            ok, msg = self.meets(deadline)
            req = required_rate(plan, deadline)
            out["deadline"] = {
                "date": _as_date(deadline, "deadline").isoformat(), "meets": ok, "message": msg,
                "required_launches_per_year": _finite(req.together_launches_per_year),
                "required_production_per_year": _finite(req.together_production_per_year),
                "launches_per_year_if_production_keeps_pace": _finite(req.launches_per_year),
                "production_per_year_if_launches_keep_pace": _finite(req.production_per_year),
                "closed_form_satellites_per_year": _finite(req.closed_form_satellites_per_year),
                "closed_form_launches_per_year": _finite(req.closed_form_launches_per_year),
            }  # fmt: skip
        return out


def _finite(x: float):
    return x if math.isfinite(x) else None


def deploy(plan: DeploymentPlan) -> Schedule:
    """Work a plan out month by month over its horizon: tables, capability dates, the binding constraint and the
    steady-state replacement need (module doc)."""
    months = max(1, int(round(plan.horizon_years * 12.0)))
    run = _simulate(plan, months)
    start = _month_start(plan.production_start)
    month_starts = pd.to_datetime([_add_months(start, i) for i in range(months)])
    names = list(plan.vehicles)
    table = pd.DataFrame({
        "month": month_starts, "produced": run.produced, "launched": run.launched, "retired": run.retired,
        "in_orbit": run.in_orbit, "stock": run.stock, "launches": run.launches.sum(axis=0),
        "launch_slots": run.slots.sum(axis=0), "constraint": pd.array(run.constraint, dtype="string"),
    })  # fmt: skip
    by_vehicle = pd.DataFrame({
        "month": np.tile(month_starts, len(names)), "vehicle": np.repeat(names, months),
        "launches": run.launches.ravel(), "satellites": run.sent.ravel(),
    })  # fmt: skip

    def reached(count: int) -> dt.date | None:
        hit = np.flatnonzero(run.in_orbit >= count)
        return None if hit.size == 0 else _month_end(_add_months(start, int(hit[0])))

    launch_m = int(np.sum(run.constraint == "launch"))
    prod_m = int(np.sum(run.constraint == "production"))
    k = plan.per_launch()
    k_mean = plan.mean_per_launch()
    repl = plan.n_satellites / plan.service_life_years
    return Schedule(
        plan=plan, table=table, launches_by_vehicle=by_vehicle, satellites_per_launch=k, mean_per_launch=k_mean,
        initial_capability=reached(plan.initial_threshold), full_capability=reached(plan.n_satellites),
        binding="launch" if launch_m >= prod_m else "production", launch_limited_months=launch_m,
        production_limited_months=prod_m, replacements_per_year=repl, launches_per_year_steady=repl / k_mean,
    )  # fmt: skip
