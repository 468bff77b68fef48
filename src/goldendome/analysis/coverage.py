"""Coverage studies of the sensor layers: what each layer sees over a launch area, and how soon it sees a launch.

For every layer of a :class:`~goldendome.scenario.study.CoverageStudy`: the number of satellites seeing each grid
point (at the cloud tops, as a booster plume) at every epoch; per point the covered and stereo (>= 2) fractions and
the longest revisit gap; and the time of first (and first stereo) detection of a booster launched from the study's
site at regular times over the window (so the statistic covers every geometry of the constellation).
:func:`layer_summary` reduces a layer to its headline numbers, the ones a results folder's summary.json keeps.
"""

from dataclasses import dataclass

import numpy as np

from goldendome.physics.constants import DEG
from goldendome.scenario.study import CoverageStudy
from goldendome.sensors.presets import build_preset
from goldendome.sensors.space_ir import area_grid_ecef, coverage_over_area, time_to_first_detection_s
from goldendome.threats.ballistic import BallisticLaunch, fly_ballistic
from goldendome.threats.missile import design

LAUNCHES_PER_HOUR = 2
"""Test launches per hour of the study's window (one every 30 min; at least ``MIN_LAUNCHES``): a sampling choice of
this model, not a published figure."""

MIN_LAUNCHES = 4
"""Fewest test launches of a short window."""


@dataclass(frozen=True)
class LayerCoverage:
    """One layer's coverage of the area: per-point statistics (P,) on the grid, and first-detection times (L,); a
    plume counts from the height cloud_top_m (m) up."""

    layer: str
    satellites: int
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    mean_count: np.ndarray
    covered_fraction: np.ndarray
    stereo_fraction: np.ndarray
    max_gap_s: np.ndarray
    launch_times_s: np.ndarray
    first_detection_s: np.ndarray
    first_stereo_s: np.ndarray
    cloud_top_m: float


def run_coverage(study: CoverageStudy, progress=None) -> list[LayerCoverage]:
    """Coverage and first-detection statistics of every layer of the study."""
    say = progress or (lambda what, frac: None)
    a = study.area
    lats = np.arange(a["lat_min_deg"], a["lat_max_deg"] + 1e-9, study.grid_deg)
    lons = np.arange(a["lon_min_deg"], a["lon_max_deg"] + 1e-9, study.grid_deg)
    lat_g, lon_g = np.meshgrid(lats, lons, indexing="ij")
    t = np.arange(0.0, study.duration_h * 3600.0, study.step_s)
    # a booster from the study's site at LAUNCHES_PER_HOUR launch times an hour (at least MIN_LAUNCHES) over the window
    n_launch = max(MIN_LAUNCHES, int(study.duration_h * LAUNCHES_PER_HOUR))
    launch_times = np.linspace(0.0, study.duration_h * 3600.0, n_launch, endpoint=False)
    lat_l, lon_l = study.launch.coordinates_deg()
    lat_a, lon_a = study.aim.coordinates_deg()
    d = design(study.missile)
    launches = [
        BallisticLaunch(f"L{k}", d, lat_l * DEG, lon_l * DEG, lat_a * DEG, lon_a * DEG, t_launch_s=float(t0))
        for k, t0 in enumerate(launch_times)
    ]
    say("flying the test launches", 0.02)
    traj, _ = fly_ballistic(launches, study.epoch, sample_dt_s=2.0)
    out = []
    for k, name in enumerate(study.layers):
        constellation, sensor = build_preset(name, study.epoch)
        say(f"{name}: coverage of {lat_g.size} points x {t.size} epochs", 0.1 + 0.9 * k / len(study.layers))
        pts = area_grid_ecef(lats * DEG, lons * DEG, sensor.cloud_top_m)  # latitude-major, as lat_g.ravel()
        cov = coverage_over_area(constellation, sensor, pts, study.epoch, t)
        say(f"{name}: first detections of {len(launches)} launches", 0.1 + 0.9 * (k + 0.6) / len(study.layers))
        first, stereo = time_to_first_detection_s(traj, constellation, sensor, min_sensors=(1, 2))
        out.append(
            LayerCoverage(
                name,
                len(constellation),
                lat_g.ravel(),
                lon_g.ravel(),
                cov.counts.mean(axis=0),
                cov.covered_fraction(),
                cov.stereo_fraction(),
                cov.max_gap_s(),
                launch_times,
                first,
                stereo,
                sensor.cloud_top_m,
            )
        )
    say("done", 1.0)
    return out


def layer_summary(lc: LayerCoverage) -> dict:
    """One layer's headline numbers (summary.json's "layers"): its satellites; over the grid the mean number of
    sensors seeing a point, the mean covered and stereo fractions and the worst revisit gap (s); over the test
    launches the median time to first detection and to first stereo detection (s after launch; None when no launch
    is seen) and how many launches are never seen."""
    return {
        "layer": lc.layer,
        "satellites": lc.satellites,
        "mean_sensors": float(lc.mean_count.mean()),
        "covered_fraction": float(lc.covered_fraction.mean()),
        "stereo_fraction": float(lc.stereo_fraction.mean()),
        "worst_gap_s": float(lc.max_gap_s.max()),
        "first_detection_s_median": _median(lc.first_detection_s),
        "first_stereo_s_median": _median(lc.first_stereo_s),
        "never_seen": int(np.isnan(lc.first_detection_s).sum()),
    }


def detection_span(times_s) -> tuple[float, float] | None:
    """Earliest and latest of the detection times that happened (finite), s; None when none did."""
    x = np.asarray(times_s, float)
    x = x[np.isfinite(x)]
    return None if x.size == 0 else (float(x.min()), float(x.max()))


def _median(x) -> float | None:
    x = np.asarray(x, float)
    return None if not np.any(np.isfinite(x)) else float(np.nanmedian(x))
