"""Deployment schedule: how fast a constellation can be built, launched and kept full, and by when.

The arithmetic every public claim about a space layer rests on ("operational by January 2029"):

1. **Satellites per launch** (:mod:`goldendome.scenario.launch_vehicles`): the payload a launcher still carries to
   the plan's orbit, by the rocket equation of its last stage given the extra delta-v of
   :mod:`goldendome.physics.transfer`, divided by the satellite's mass and its dispenser share.

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

A plan goes in (:class:`goldendome.scenario.deployment.DeploymentPlan`, a cost study's ``schedule:``) and numbers
come out: :class:`Schedule` (the month-by-month table and its headline dates), :class:`RequiredRate` and
:class:`DeadlineVerdict` (whether a deadline is met, why not, what it would take); the sentence that explains a
verdict is written where it is printed (:mod:`goldendome.io.schedule_text`).

Public anchors: CBO 2026 (publication 62422) -- 7,800 SBIs in 300-500 km orbits, 5-year service life, launch at
$500/kg; APS 2003 -- ~2,000 t for ~1,600 SBIs, ~1.25 t each (goldendome.effectors sbi catalogue). Vehicle numbers
and their sources: ``scenario/data/launch_vehicles.yaml``. Dates are resolved to the month (pandas monthly
periods): a capability reached during a month is dated at that month's last day.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from goldendome.scenario.deployment import DeploymentPlan
from goldendome.scenario.launch_vehicles import load_launch_vehicles

_UNLIMITED = 1.0e7
"""A rate (a year) that never binds: what 'production unconstrained' or 'launch unconstrained' means below."""


# ----------------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------------


def _month(d: dt.date) -> pd.Period:
    """The calendar month holding d: months add and subtract as whole numbers and know their first and last days."""
    return pd.Period(d, freq="M")


def _months_from_start(plan: DeploymentPlan, d: dt.date) -> int:
    """Whole months from the production-start month to d's month."""
    return (_month(d) - _month(plan.production_start)).n


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
    last = _month(deadline)
    if last.end_time.date() > deadline:  # the deadline's own month is not over by then
        last -= 1
    return max((last - _month(plan.production_start)).n + 1, 0)


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


def _simulate(
    plan: DeploymentPlan, months: int, launches_per_year: float | None = None, production_scale: float = 1.0
) -> _Run:
    """Month-by-month build, launch and retirement. launches_per_year overrides the plan's total cadence;
    production_scale multiplies both production rates (required_rate uses both to find what a deadline needs)."""
    names = list(plan.vehicles)
    shares = plan.shares
    k = np.array([plan.per_launch()[n] for n in names], dtype=np.int64)
    total = plan.total_launches_per_year if launches_per_year is None else launches_per_year
    cadence = np.array([total * shares[n] for n in names])
    n_sat = plan.n_satellites
    j0 = _months_from_start(plan, plan.first_launch_date)

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
    window_m = months - _months_from_start(plan, plan.first_launch_date)
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
        f = (
            1.0
            if _full_by(plan, months, c0, s0)
            else smallest(lambda x: _full_by(plan, months, c0 * x, s0 * x), 1.0, 2.0)
        )
        together_l, together_p = c0 * f, s0 * r1 * f
    else:
        together_l = together_p = inf
    return RequiredRate(
        deadline, window, k_mean, launches, launches * k_mean, production, together_l, together_p, cf_sats, cf_launches
    )


Cause = Literal[
    "met",
    "first_launch_after_deadline",  # no launch or production rate can help
    "late",  # full capability comes after the deadline
    "launches_below_retirement",  # launches deliver no more satellites a year than the service life retires
    "production_below_retirement",  # launches would, but production does not
    "beyond_horizon",  # not full within the plan's horizon
]
"""Why a deadline is met or missed: the first that holds, in this order."""


@dataclass(frozen=True)
class DeadlineVerdict:
    """Whether a deployment has its whole constellation in orbit by a deadline; if not, why not and what it takes.

    Numbers and dates only; :func:`goldendome.io.schedule_text.deadline_sentence` says them in words.

    cause: see :data:`Cause`. months_early: whole months from full capability's month to the deadline's, where
    met. required: what meeting the deadline takes (None where it is met or the first launch comes after it).
    needs_launches_per_year, needs_production_per_year: required's sufficient pair (together_*) where above the
    plan's own cadence or steady production rate, else None; inf where no finite rate does.
    """

    plan: DeploymentPlan
    deadline: dt.date
    met: bool
    cause: Cause
    full_capability: dt.date | None
    years_to_full: float | None
    binding: str
    mean_per_launch: float
    replacements_per_year: float
    max_in_orbit: int
    months_early: int | None = None
    required: RequiredRate | None = None
    needs_launches_per_year: float | None = None
    needs_production_per_year: float | None = None

    @property
    def production_below_retirement(self) -> bool:
        """Whether steady production is no more than the satellites a year that the service life retires."""
        return self.plan.production_steady_per_year <= self.replacements_per_year


@dataclass(frozen=True)
class Schedule:
    """A deployment worked out month by month, with its headline dates and steady-state needs.

    table: one row per month -- month (its first day, datetime64[s]), produced, launched, retired, in_orbit, stock
    (built, awaiting launch), launches, launch_slots, constraint ('launch' or 'production' while building up,
    'met', 'replacement' once full). launches_by_vehicle: one row per month and vehicle (launches, satellites).
    Capability dates are the last day of the month in which the count is reached; None if never within the
    horizon.
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
        m = (_month(self.full_capability) - _month(self.plan.first_launch_date)).n + 1
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

    def verdict(self, deadline) -> DeadlineVerdict:
        """Whether full capability comes by the deadline (a date or ISO string), why not, and what it would take.

        The cause is the first that holds of: met; the first launch comes after the deadline; full capability
        comes late; launches, or else production, no more than the retirements; the horizon ends first. Where a
        rate could help, :func:`required_rate` says which.
        """
        deadline = _as_date(deadline, "deadline")
        plan = self.plan
        if deadline < plan.production_start:
            raise ValueError(f"deadline: {deadline} is before the production start {plan.production_start}")
        full = self.full_capability
        facts = dict(
            plan=plan,
            deadline=deadline,
            full_capability=full,
            years_to_full=self.years_to_full,
            binding=self.binding,
            mean_per_launch=self.mean_per_launch,
            replacements_per_year=self.replacements_per_year,
            max_in_orbit=int(self.table["in_orbit"].max()) if len(self.table) else 0,
        )
        if full is not None and full <= deadline:
            return DeadlineVerdict(**facts, met=True, cause="met", months_early=(_month(deadline) - _month(full)).n)
        if _month(plan.first_launch_date).end_time.date() > deadline:
            return DeadlineVerdict(**facts, met=False, cause="first_launch_after_deadline")
        req = required_rate(plan, deadline)
        c = plan.total_launches_per_year
        r1 = plan.production_steady_per_year
        if full is not None:
            cause = "late"
        elif c * self.mean_per_launch <= self.replacements_per_year:
            cause = "launches_below_retirement"
        elif r1 <= self.replacements_per_year:
            cause = "production_below_retirement"
        else:
            cause = "beyond_horizon"
        more_l = req.together_launches_per_year
        more_p = req.together_production_per_year
        return DeadlineVerdict(
            **facts,
            met=False,
            cause=cause,
            required=req,
            needs_launches_per_year=more_l if more_l > c * (1 + 1e-6) else None,
            needs_production_per_year=more_p if more_p > r1 * (1 + 1e-6) else None,
        )

    def summary(self, deadline=None) -> dict:
        """Headline figures as plain JSON-ready data (dates as ISO strings); with a deadline, whether it is met, the
        cause of a miss (:class:`DeadlineVerdict`) and the rates that would meet it."""
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
            v = self.verdict(deadline)
            req = v.required if v.required is not None else required_rate(plan, v.deadline)
            out["deadline"] = {
                "date": v.deadline.isoformat(),
                "meets": v.met,
                "cause": v.cause,
                "required_launches_per_year": _finite(req.together_launches_per_year),
                "required_production_per_year": _finite(req.together_production_per_year),
                "launches_per_year_if_production_keeps_pace": _finite(req.launches_per_year),
                "production_per_year_if_launches_keep_pace": _finite(req.production_per_year),
                "closed_form_satellites_per_year": _finite(req.closed_form_satellites_per_year),
                "closed_form_launches_per_year": _finite(req.closed_form_launches_per_year),
            }
        return out


def _finite(x: float):
    return x if math.isfinite(x) else None


def deploy(plan: DeploymentPlan) -> Schedule:
    """Work a plan out month by month over its horizon: tables, capability dates, the binding constraint and the
    steady-state replacement need (module doc)."""
    months = max(1, int(round(plan.horizon_years * 12.0)))
    run = _simulate(plan, months)
    start = _month(plan.production_start)
    month_starts = pd.period_range(start, periods=months, freq="M").to_timestamp().as_unit("s")
    names = list(plan.vehicles)
    table = pd.DataFrame(
        {
            "month": month_starts,
            "produced": run.produced,
            "launched": run.launched,
            "retired": run.retired,
            "in_orbit": run.in_orbit,
            "stock": run.stock,
            "launches": run.launches.sum(axis=0),
            "launch_slots": run.slots.sum(axis=0),
            "constraint": pd.array(run.constraint, dtype="string"),
        }
    )
    by_vehicle = pd.DataFrame(
        {
            "month": np.tile(month_starts, len(names)),
            "vehicle": np.repeat(names, months),
            "launches": run.launches.ravel(),
            "satellites": run.sent.ravel(),
        }
    )

    def reached(count: int) -> dt.date | None:
        hit = np.flatnonzero(run.in_orbit >= count)
        return None if hit.size == 0 else (start + int(hit[0])).end_time.date()

    launch_m = int(np.sum(run.constraint == "launch"))
    prod_m = int(np.sum(run.constraint == "production"))
    k = plan.per_launch()
    k_mean = plan.mean_per_launch()
    repl = plan.n_satellites / plan.service_life_years
    return Schedule(
        plan=plan,
        table=table,
        launches_by_vehicle=by_vehicle,
        satellites_per_launch=k,
        mean_per_launch=k_mean,
        initial_capability=reached(plan.initial_threshold),
        full_capability=reached(plan.n_satellites),
        binding="launch" if launch_m >= prod_m else "production",
        launch_limited_months=launch_m,
        production_limited_months=prod_m,
        replacements_per_year=repl,
        launches_per_year_steady=repl / k_mean,
    )
