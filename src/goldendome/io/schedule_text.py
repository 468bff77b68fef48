"""The sentence that explains a deployment schedule's deadline verdict, as the command line prints it and cost.json
stores it.

:class:`goldendome.analysis.schedule.DeadlineVerdict` holds the numbers (met or not, the cause, the dates, the
rates that would meet the deadline); :func:`deadline_sentence` says them in the words of the published arithmetic,
e.g. "at 40 launches a year of 48 SBIs each, 7,800 SBIs take 4.1 years: full capability in March 2031, after the
January 2029 deadline; it would need 213 launches a year".
"""

import calendar
import datetime as dt
import math

from goldendome.analysis.schedule import DeadlineVerdict


def _count(x: float) -> str:
    """A count as people write it: 7,800; 12; 12.5."""
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def _month(d: dt.date) -> str:
    """A month as people write it: January 2029."""
    return f"{calendar.month_name[d.month]} {d.year}"


def _rate(x: float, what: str) -> str:
    """A rate rounded up to a whole number, or the words for one no finite rate reaches."""
    return f"{math.ceil(x - 1e-9):,} {what}" if math.isfinite(x) else f"more {what} than any finite rate"


def deadline_sentence(v: DeadlineVerdict) -> str:
    """One plain sentence: whether full capability comes by the deadline, and if not, why not and what it would
    take (the launches, or satellites built, a year)."""
    plan = v.plan
    name = plan.satellite_name
    what = f"{plan.n_satellites:,} {name}s"
    dl = _month(v.deadline)
    if v.cause == "met":
        return (
            f"full capability ({what} in orbit) in {_month(v.full_capability)}, "
            f"{v.months_early} months before the {dl} deadline"
        )
    if v.cause == "first_launch_after_deadline":
        return (
            f"the first launch ({_month(plan.first_launch_date)}) comes after the {dl} deadline: no launch or "
            "production rate can meet it"
        )
    c = plan.total_launches_per_year
    k = v.mean_per_launch
    k_txt = f"{_count(k)} {name}s each" if len(plan.vehicles) == 1 else f"{k:.1f} {name}s each on average"
    needs = []
    if v.needs_launches_per_year is not None:
        needs.append(_rate(v.needs_launches_per_year, "launches a year"))
    if v.needs_production_per_year is not None:
        needs.append(_rate(v.needs_production_per_year, f"{name}s built a year"))
    need = ("; it would need " + " and ".join(needs)) if needs else ""
    life = plan.service_life_years
    repl = v.replacements_per_year
    if v.cause == "late":
        if v.binding == "launch":
            head = f"at {_count(c)} launches a year of {k_txt}, {what} take {v.years_to_full:.1f} years"
        else:
            ramp = (
                f" (ramped from {_count(plan.production_first_year_per_year)} over "
                f"{plan.production_ramp_years:g} years)"
                if plan.production_ramp_years > 0
                else ""
            )
            head = (
                f"at a production of {_count(plan.production_steady_per_year)} {name}s a year{ramp}, {what} "
                f"take {v.years_to_full:.1f} years"
            )
        return f"{head}: full capability in {_month(v.full_capability)}, after the {dl} deadline{need}"
    most = v.max_in_orbit
    if v.cause == "launches_below_retirement":
        also = (
            f"; production, {_count(plan.production_steady_per_year)} a year, is short of it too"
            if v.production_below_retirement
            else ""
        )
        head = (
            f"at {_count(c)} launches a year of {k_txt} ({_count(c * k)} a year), no more than the "
            f"{_count(repl)} a year that a {life:g}-year service life retires, {what} are "
            f"never all in orbit (at most {most:,}){also}"
        )
    elif v.cause == "production_below_retirement":
        head = (
            f"at a production of {_count(plan.production_steady_per_year)} {name}s a year, no more than the "
            f"{_count(repl)} a year that a {life:g}-year service life retires, {what} are "
            f"never all in orbit (at most {most:,})"
        )
    else:
        head = (
            f"full capability ({what}) is not reached within the {plan.horizon_years:g}-year horizon "
            f"(at most {most:,} in orbit)"
        )
    return f"{head}, so not by the {dl} deadline{need}"
