"""Running an SBI sizing study: the base design point, one-at-a-time sweeps, and the absentee ratio over time.

A sweep changes one parameter of the base point at a time (salvo size, missile, delta-v, acceleration, detection
or decision latency, altitude, inclination, launch latitude, shots); when a study sweeps both ``salvo`` and
``missile``, their product is run, which is the "size vs salvo for solid and liquid" figure. Infeasible points are
kept with their reason instead of a number.
"""

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from goldendome.analysis.sizing import (
    InfeasibleDesign,
    Shell,
    SizingResult,
    analytic_size,
    size_constellation,
)
from goldendome.effectors.reach import boost_tracks
from goldendome.effectors.sbi import SBIDesign, Timeline, sbi_design
from goldendome.physics.constants import DEG, G0_M_S2, R_EARTH_MEAN_M
from goldendome.physics.greatcircle import destination, ground_range_m, initial_azimuth
from goldendome.scenario.study import SizingStudy
from goldendome.threats.ballistic import BallisticLaunch
from goldendome.threats.missile import design as missile_design


@dataclass(frozen=True)
class DesignPoint:
    """One fully specified sizing question (SI units inside)."""

    label: str
    missile: str
    salvo: int
    shots: int
    altitude_m: float
    inclination_rad: float
    sbi: SBIDesign
    timeline: Timeline
    launch_lat_rad: float | None = None  # None: the study's sites


def base_point(study: SizingStudy) -> DesignPoint:
    d = sbi_design(study.sbi.design)
    if study.sbi.delta_v_mps is not None or study.sbi.accel_g is not None:
        d = dataclasses.replace(
            d,
            delta_v_mps=study.sbi.delta_v_mps or d.delta_v_mps,
            accel_mps2=(study.sbi.accel_g * G0_M_S2) if study.sbi.accel_g else d.accel_mps2,
        )
    tl = study.timeline
    return DesignPoint(
        "base",
        study.threat.missile,
        study.threat.salvo,
        study.shots,
        study.shell.altitude_km * 1e3,
        study.shell.inclination_deg * DEG,
        d,
        Timeline(tl.detect_s, tl.decide_s, tl.cutoff_before_burnout_s),
    )


def vary_point(p: DesignPoint, parameter: str, value) -> DesignPoint:
    """The design point ``p`` with one sweep ``parameter`` set to ``value``, in the unit the parameter's name carries
    (``altitude_km`` in km, ``accel_g`` in g; converted to SI here), and labelled ``parameter=value``."""
    label = f"{parameter}={value}"
    if parameter == "salvo":
        return dataclasses.replace(p, label=label, salvo=int(value))
    if parameter == "shots":
        return dataclasses.replace(p, label=label, shots=int(value))
    if parameter == "missile":
        return dataclasses.replace(p, label=label, missile=str(value))
    if parameter == "delta_v_mps":
        return dataclasses.replace(p, label=label, sbi=dataclasses.replace(p.sbi, delta_v_mps=float(value)))
    if parameter == "accel_g":
        return dataclasses.replace(p, label=label, sbi=dataclasses.replace(p.sbi, accel_mps2=float(value) * G0_M_S2))
    if parameter in ("detect_s", "decide_s"):
        timeline = dataclasses.replace(p.timeline, **{parameter: float(value)})
        return dataclasses.replace(p, label=label, timeline=timeline)
    if parameter == "altitude_km":
        return dataclasses.replace(p, label=label, altitude_m=float(value) * 1e3)
    if parameter == "inclination_deg":
        return dataclasses.replace(p, label=label, inclination_rad=float(value) * DEG)
    if parameter == "launch_lat_deg":
        return dataclasses.replace(p, label=label, launch_lat_rad=float(value) * DEG)
    raise ValueError(f"cannot sweep {parameter!r}")


def design_points(study: SizingStudy) -> list[tuple[str, DesignPoint]]:
    """(sweep name, point) pairs: the base point first, then each sweep (salvo x missile as a product)."""
    base = base_point(study)
    out = [("base", base)]
    sweeps = {s.parameter: s.values for s in study.sweeps}
    if "salvo" in sweeps and "missile" in sweeps:
        for m, n in itertools.product(sweeps.pop("missile"), sweeps.pop("salvo")):
            out.append(
                (
                    "salvo",
                    dataclasses.replace(
                        vary_point(vary_point(base, "missile", m), "salvo", n), label=f"missile={m},salvo={n}"
                    ),
                )
            )
    for parameter, values in sweeps.items():
        out.extend((parameter, vary_point(base, parameter, v)) for v in values)
    return out


def _launches(study: SizingStudy, p: DesignPoint) -> list[BallisticLaunch]:
    sites = [s.coordinates_deg() for s in study.threat.launch_sites]
    aim_lat, aim_lon = study.threat.aim.coordinates_deg()
    out = []
    for k in range(p.salvo):
        lat, lon = sites[k % len(sites)]
        a_lat, a_lon = aim_lat * DEG, aim_lon * DEG
        if p.launch_lat_rad is not None:
            # move the site to the swept latitude, keeping the same flight (range and azimuth) towards the aim
            rng = ground_range_m(lat * DEG, lon * DEG, a_lat, a_lon)
            az = initial_azimuth(lat * DEG, lon * DEG, a_lat, a_lon)
            lat = np.degrees(p.launch_lat_rad)
            a_lat, a_lon = destination(lat * DEG, lon * DEG, az, rng / R_EARTH_MEAN_M)
        out.append(
            BallisticLaunch(
                f"B{k + 1}",
                missile_design(p.missile),
                lat * DEG,
                lon * DEG,
                float(a_lat),
                float(a_lon),
                t_launch_s=k * study.threat.interval_s,
            )
        )
    return out


def run_point(study: SizingStudy, p: DesignPoint) -> tuple[dict, SizingResult | None]:
    """Size one design point. Returns (row for the table, full result or None if infeasible)."""
    row = {
        "label": p.label,
        "missile": p.missile,
        "salvo": p.salvo,
        "shots": p.shots,
        "altitude_km": p.altitude_m / 1e3,
        "inclination_deg": p.inclination_rad / DEG,
        "delta_v_mps": p.sbi.delta_v_mps,
        "accel_g": p.sbi.accel_mps2 / G0_M_S2,
        "detect_s": p.timeline.detect_s,
        "decide_s": p.timeline.decide_s,
        "launch_lat_deg": None if p.launch_lat_rad is None else p.launch_lat_rad / DEG,
    }
    lt = study.launch_times
    times = np.arange(0.0, lt.duration_h * 3600.0, lt.step_s)
    tracks = boost_tracks(_launches(study, p), study.epoch)
    shell = Shell(p.altitude_m, p.inclination_rad)
    try:
        res = size_constellation(shell, tracks, study.epoch, times, p.sbi, p.timeline, p.shots)
    except InfeasibleDesign as exc:
        row.update(simulated_sbis=None, analytic_sbis=None, absentee_ratio=None, infeasible=str(exc))
        return row, None
    r = res.reach
    row.update(
        simulated_sbis=res.simulated,
        analytic_sbis=float(res.analytic),
        absentee_ratio=float(res.absentee_ratio),
        burnout_s=float(np.max(tracks.burnout_s)),
        time_available_s=float(np.min(res.time_available_s)),
        reach_at_cutoff_km=float(np.min(res.reach_at_cutoff_m)) / 1e3,
        worst_in_reach=int(r.in_reach.min()),
        mean_in_reach=float(r.in_reach.mean()),
        mean_intercept_s=float(np.nanmean(r.t_first)) if np.any(np.isfinite(r.t_first)) else None,
        mean_closing_km_s=float(np.nanmean(r.v_close)) / 1e3 if np.any(np.isfinite(r.v_close)) else None,
        mass_in_orbit_t=float(res.simulated * p.sbi.mass_kg / 1e3) if np.isfinite(p.sbi.mass_kg) else None,
        evaluations=res.evaluations,
        infeasible=None,
    )
    return row, res


def run_study(study: SizingStudy, progress: Callable[[str, float], None] | None = None):
    """All design points of a study. Returns (rows, base SizingResult or None)."""
    say = progress or (lambda what, frac: None)
    points = design_points(study)
    rows, base = [], None
    for k, (sweep, p) in enumerate(points):
        say(f"sizing {p.label}", k / len(points))
        row, res = run_point(study, p)
        row["sweep"] = sweep
        rows.append(row)
        if sweep == "base":
            base = res
    say("done", 1.0)
    return rows, base


def absentee_by_latitude(p: DesignPoint, study: SizingStudy, latitudes_deg) -> np.ndarray:
    """Analytic absentee ratio of the base shell for the base flight moved to each launch latitude (inf where the
    shell never comes within reach)."""
    out = []
    for lat in latitudes_deg:
        q = dataclasses.replace(p, launch_lat_rad=float(lat) * DEG, salvo=1)
        tracks = boost_tracks(_launches(study, q), study.epoch)
        try:
            out.append(analytic_size(Shell(q.altitude_m, q.inclination_rad), tracks, q.sbi, q.timeline)[1])
        except InfeasibleDesign:
            out.append(np.inf)
    return np.array(out)
