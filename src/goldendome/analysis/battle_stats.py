"""Statistics of a Monte Carlo battle study, read from its results store through DuckDB.

Per study: the probability of zero leakers with its Wilson score interval (Wilson, JASA 22, 1927), expected
leakers with an interval made for a mean count, never below zero (Garwood's exact Poisson interval on the total,
widened by the counts' overdispersion: :func:`goldendome.analysis.leakage.mean_count_interval`), leakers by defended
asset (expected per trial, and the probability the asset is struck at all, Wilson), interceptors expended and kills
by layer, cost per trial and per engagement, and the timeline of each layer's launches and intercepts.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome.analysis.leakage import mean_count_interval, wilson_interval
from goldendome.engine.battle import defended_assets, truth_from_run
from goldendome.engine.montecarlo import connect
from goldendome.engine.study import study_scenario
from goldendome.engine.trial import run_trial


@dataclass(frozen=True)
class StudyStats:
    """Headline statistics of one study folder (see the module docstring)."""

    folder: Path
    trials: int
    lethal_per_trial: float
    zero_leak: int
    p_zero: float
    p_zero_ci: tuple[float, float]
    leakers_mean: float
    leakers_ci: tuple[float, float]
    people_struck_mean: float
    cost_mean_musd: float
    cost_per_engagement_musd: float
    layers: pd.DataFrame  # layer, rounds, engagements, kills, decoys_killed, misses, wasted (means per trial)
    assets: pd.DataFrame  # asset, expected leakers per trial, P(struck), its Wilson interval
    timeline: pd.DataFrame  # layer, event, median / 10th / 90th percentile time (s)
    picture: dict = None  # the sensors' picture, means per trial (gospa_mean_m, nees_mean, lethal_held,
    # track_switches; goldendome.engine.study.picture_quality); empty with perfect tracks


def study_stats(folder: Path, confidence: float = 0.95) -> StudyStats:
    """Statistics of the finished trials of a study folder."""
    con = connect(Path(folder))
    views = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "trials" not in views:
        raise ValueError(f"{folder}: no finished trials (run goldendome mc first)")
    n, zero, lethal, leak_total, leak_mean, leak_var, people, cost, engagements = con.execute(
        "SELECT count(*), sum(zero_leakers::INT), avg(lethal), sum(leakers), avg(leakers), "
        "coalesce(var_samp(leakers), 0), avg(people_struck), avg(cost_musd), sum(engagements) FROM trials"
    ).fetchone()
    total_cost = con.execute("SELECT sum(cost_musd) FROM trials").fetchone()[0] or 0.0
    layers = con.execute(
        "SELECT layer, sum(CASE WHEN event = 'launch' THEN shots ELSE 0 END) / $n AS rounds, "
        "count(*) FILTER (WHERE event = 'launch') / $n AS engagements, "
        "count(*) FILTER (WHERE event = 'kill') / $n AS kills, "
        "count(*) FILTER (WHERE event = 'decoy_killed') / $n AS decoys_killed, "
        "count(*) FILTER (WHERE event = 'miss') / $n AS misses, "
        "count(*) FILTER (WHERE event = 'wasted') / $n AS wasted, "
        "sum(CASE WHEN event = 'launch' THEN cost_musd ELSE 0 END) / $n AS cost_musd "
        "FROM events WHERE layer <> '' GROUP BY layer ORDER BY rounds DESC, layer",
        {"n": n},
    ).df()
    struck = con.execute(
        "SELECT asset, count(*) AS leakers, count(DISTINCT trial) AS trials_struck FROM events "
        "WHERE event = 'leaker' GROUP BY asset ORDER BY leakers DESC, asset"
    ).df()
    if len(struck):
        struck["expected_leakers"] = struck.leakers / n
        struck["p_struck"] = struck.trials_struck / n
        ci = [wilson_interval(int(k), n, confidence) for k in struck.trials_struck]
        struck["p_struck_lo"] = [c[0] for c in ci]
        struck["p_struck_hi"] = [c[1] for c in ci]
    timeline = con.execute(
        "SELECT layer, event, quantile_cont(t_s, 0.1) AS t10_s, median(t_s) AS t50_s, quantile_cont(t_s, 0.9) AS "
        "t90_s, count(*) AS n FROM events WHERE layer <> '' AND event IN ('launch', 'kill', 'miss') "
        "GROUP BY layer, event ORDER BY t50_s, layer, event"
    ).df()
    p_ci = wilson_interval(int(zero), n, confidence)
    dispersion = leak_var / leak_mean if leak_mean > 0 else 1.0  # variance / mean of the per-trial counts
    lo, hi = mean_count_interval(float(leak_total), int(n), confidence, dispersion)
    leak_ci = (lo, min(hi, float(lethal)))  # the mean leakers cannot exceed the mean lethal objects
    per_engagement = float(total_cost / engagements) if engagements else float("nan")
    columns = set(con.execute("DESCRIBE trials").df().column_name)
    quality = [c for c in ("gospa_mean_m", "nees_mean", "lethal_held", "track_switches") if c in columns]
    picture = {}
    if quality:
        means = con.execute("SELECT " + ", ".join(f"avg({c})" for c in quality) + " FROM trials").fetchone()
        picture = {c: float(v) for c, v in zip(quality, means, strict=True) if v is not None}
    return StudyStats(
        Path(folder),
        int(n),
        float(lethal),
        int(zero),
        zero / n,
        p_ci,
        float(leak_mean),
        leak_ci,
        float(people),
        float(cost),
        per_engagement,
        layers,
        struck,
        timeline,
        picture,
    )


def impact_points(folder: Path) -> pd.DataFrame:
    """Every leaker's impact point over the study (trial, object, asset, lat_deg, lon_deg)."""
    con = connect(Path(folder))
    return con.execute("SELECT trial, object, asset, lat_deg, lon_deg FROM events WHERE event = 'leaker'").df()


def lives_protected(folder: Path) -> pd.DataFrame:
    """Expected people protected per country by a study's defence (the input of the ``benefit`` cost-sharing rule):
    the census population of the defended metros the study's lethal objects strike with no defence at all (every
    one lands where it flies: the scenario's truth, flown again here), less the mean population struck per trial with
    the defence (its leakers). Military sites count no population. Columns: country, undefended, defended,
    protected (people per salvo; countries with any defended metro, largest first)."""
    folder = Path(folder)
    n = study_stats(folder).trials
    scn = study_scenario(folder)
    assets = defended_assets(scn)
    country = dict(zip(assets.names, assets.country, strict=True))
    people = dict(zip(assets.names, assets.population.astype(float), strict=True))
    undefended = dict.fromkeys(sorted(set(assets.country)), 0.0)
    truth = truth_from_run(run_trial(scn, battle=False))
    hits = np.flatnonzero(truth.lethal & truth.impacts) if truth is not None else np.zeros(0, int)
    if len(assets) and hits.size:
        near, dist = assets.nearest(truth.end_lat[hits], truth.end_lon[hits])
        for j, d in zip(near, dist, strict=True):
            if d <= assets.radius_m[j]:
                undefended[assets.country[j]] += float(assets.population[j])
    defended = dict.fromkeys(undefended, 0.0)
    struck = connect(folder).execute("SELECT asset, count(*) FROM events WHERE event = 'leaker' GROUP BY asset")
    for asset, count in struck.fetchall():
        if asset in country:
            defended[country[asset]] += people[asset] * count / n
    out = pd.DataFrame(
        {
            "country": list(undefended),
            "undefended": list(undefended.values()),
            "defended": [defended[c] for c in undefended],
        }
    )
    out["protected"] = out.undefended - out.defended
    return out.sort_values("protected", ascending=False, kind="stable").reset_index(drop=True)
