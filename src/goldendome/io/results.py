"""The results folder: ``summary.json`` plus long, tidy Parquet tables, readable by DuckDB and polars.

Layout (see ../shared/design.md, "A results folder"):

- ``summary.json``: inputs' hash, seed, versions, per-threat headline figures, constellation sizes, warnings;
- ``scenario.json``: the validated scenario exactly as run;
- ``trajectories.parquet``: one row per object and sample (t_s, ECI x/y/z and velocity, geodetic lat/lon/alt,
  phase);
- ``satellites.parquet``: one row per satellite (constellation, label, mean elements at the epoch).

Everything the CLI prints comes from these dictionaries, so the folder and the screen never disagree. A study
writes its own folder: :func:`write_cost`, :func:`write_sizing` (SBI sizing), :func:`write_coverage` (sensor
coverage), each with its ``summary.json`` or ``cost.json``.

Every file is strict: JSON without NaN or Infinity (RFC 8259 has neither; a browser's ``JSON.parse`` refuses them),
Parquet without NaN or inf in its float columns (null is the absent value every reader knows). A value that is
undefined by its nature (never detected, no intercept) is null, as each field's description says; a number that
should exist and is not finite (a flight whose guidance failed) is written as null too, and the file's ``warnings``
name it (:func:`strict_json`, :func:`finite_table`).
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from goldendome import __version__
from goldendome.analysis.coverage import LayerCoverage, layer_summary
from goldendome.analysis.sbi_study import absentee_by_latitude, base_point
from goldendome.engine.trial import RunResult
from goldendome.io.globe import globe_czml
from goldendome.io.schedule_text import deadline_sentence
from goldendome.physics.constants import WGS84_A_M
from goldendome.physics.frames import ecef_to_geodetic, eci_to_ecef
from goldendome.physics.kepler import period_s
from goldendome.physics.timescale import gmst_at
from goldendome.threats.trajectory import PHASE_NAMES


def versions() -> dict[str, str]:
    """The versions of goldendome, Python and the libraries its numbers depend on (summary.json's "versions")."""
    import numba
    import numpy
    import pydantic
    import scipy
    import sgp4

    return {
        "goldendome": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "sgp4": sgp4.__version__,
        "pydantic": pydantic.__version__,
        "pyarrow": pa.__version__,
    }


def finite_or_null(obj) -> tuple[object, list[tuple[str, str, float]]]:
    """A copy of JSON-able data with every non-finite float (Python's or numpy's: NaN, +-inf) replaced by None, and
    what was replaced: (where, field, value) for each, where is the path of the object holding it (e.g.
    'threats[2] (ICBM-3)', naming an object by its 'name'), field its key or index. numpy floats become Python
    floats, arrays lists; everything else is kept as it is."""
    found: list[tuple[str, str, float]] = []

    def clean(value, where: str, key: str):
        # where: the path of the object holding the value; key: its place in that object ('z', 'z[0]')
        if isinstance(value, dict):
            here = f"{where}.{key}" if where and key else where or key
            named = f"{here} ({value['name']})" if isinstance(value.get("name"), str) else here
            return {k: clean(v, named, str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple, np.ndarray)):
            return [clean(v, where, f"{key}[{j}]") for j, v in enumerate(list(value))]
        if isinstance(value, (float, np.floating)):
            if math.isfinite(value):
                return float(value)
            found.append((where, key, float(value)))
            return None
        return value

    return clean(obj, "", ""), found


def nulled_warnings(found: list[tuple[str, str, float]]) -> list[str]:
    """One sentence per object of :func:`finite_or_null`'s replacements, naming each field and its value."""
    fields: dict[str, list[str]] = {}
    for where, key, value in found:
        fields.setdefault(where, []).append(f"{key} ({value})")
    return [
        f"{where or 'top level'}: {', '.join(names)} not finite, written as null" for where, names in fields.items()
    ]


def strict_json(obj, indent: int | None = 2, default=None) -> str:
    """obj as strict JSON text (no NaN or Infinity: :func:`finite_or_null` makes them null). Where something was made
    null and obj is a dict, its 'warnings' list (added if it has none) gains a sentence per object naming each such
    field, so the file says which numbers are missing. default: as for json.dumps (for types JSON does not know)."""
    clean, found = finite_or_null(obj)
    if found and isinstance(clean, dict):
        clean["warnings"] = [*(clean.get("warnings") or []), *nulled_warnings(found)]
    return json.dumps(clean, indent=indent, allow_nan=False, default=default)


def finite_table(table: pa.Table) -> tuple[pa.Table, dict[str, int], np.ndarray]:
    """table with every non-finite cell (NaN, +-inf) of its float columns made null, the count made null in each
    such column, and a (rows,) mask of the rows that had one. Cells already null stay null (uncounted)."""
    nulled: dict[str, int] = {}
    rows = np.zeros(table.num_rows, bool)
    for k, name in enumerate(table.column_names):
        col = table.column(k)
        if not pa.types.is_floating(col.type):
            continue
        bad = pc.fill_null(pc.invert(pc.is_finite(col)), False)
        count = pc.sum(bad).as_py() or 0
        if count:
            table = table.set_column(k, name, pc.if_else(bad, pa.scalar(None, col.type), col))
            nulled[name] = count
            rows |= bad.to_numpy(zero_copy_only=False)
    return table, nulled, rows


def _write_table(table: pa.Table, path: Path, warnings: list[str] | None = None) -> None:
    """Write a Parquet table with its non-finite cells as nulls (:func:`finite_table`). With a warnings list (a table
    where NaN is no absent value), add a warning that names the columns, the rows and, in a table of objects, which
    objects."""
    table, nulled, rows = finite_table(table)
    if nulled and warnings is not None:
        which = ""
        if "object" in table.column_names:
            names = np.unique(np.asarray(table.column("object").to_numpy(zero_copy_only=False), str)[rows])
            which = f" (objects: {', '.join(names)})"
        warnings.append(
            f"{path.name}: {', '.join(nulled)} not finite in {int(rows.sum()):,} row(s){which}, written as null"
        )
    pq.write_table(table, path)


def threat_rows(result: RunResult) -> list[dict]:
    """Per-threat headline figures in edge units (km, min, deg) for tables and summary.json."""
    f, info = result.flights, result.threats
    if f is None:
        return []
    rows = []
    for k, name in enumerate(f.names):
        rows.append(
            {
                "name": name,
                "missile": info.missile[k],
                "launch": info.launch[k],
                "aim": info.aim[k],
                "launch_time_s": float(f.t_launch_s[k]),
                "reachable": bool(f.feasible[k]),
                "max_range_km": None if np.isnan(f.max_range_m[k]) else float(f.max_range_m[k] / 1e3),
                "burnout_time_s": float(f.burnout_time_s[k]),
                "burnout_speed_km_s": float(f.burnout_speed_mps[k] / 1e3),
                "burnout_altitude_km": float(f.burnout_altitude_m[k] / 1e3),
                "burnout_flight_path_deg": float(np.degrees(f.burnout_gamma_rad[k])),
                "thrust_terminated": bool(f.thrust_terminated[k]),
                "apogee_km": float(f.apogee_m[k] / 1e3),
                "flight_time_min": float(f.flight_time_s[k] / 60.0),
                "ground_range_km": float(f.ground_range_m[k] / 1e3),
                "impact_lat_deg": float(np.degrees(f.impact_lat_rad[k])),
                "impact_lon_deg": float(np.degrees(f.impact_lon_rad[k])),
                "miss_km": float(f.miss_m[k] / 1e3),
                "impact_speed_km_s": float(f.impact_speed_mps[k] / 1e3),
                "launch_azimuth_deg": float(np.degrees(f.azimuth_rad[k])),
            }
        )
        sp = result.space
        if sp is not None:
            rows[-1].update(
                {
                    "first_detection_s": _num(sp.first_detection_s[k]),
                    "detected_by": sp.first_detection_layer[k] or None,
                    "first_stereo_s": _num(sp.first_stereo_s[k]),
                    "sbi_release_s": _num(sp.release_s[k]),
                    "sbis_in_reach": int(sp.sbi_in_reach[k]),
                    "sbi_first_intercept_s": _num(sp.sbi_first_intercept_s[k]),
                    "sbi_closing_speed_km_s": _num(sp.sbi_closing_mps[k] / 1e3),
                    "boost_intercept_possible": bool(sp.boost_intercept_possible[k]),
                }
            )
    return rows


def fobs_rows(result: RunResult) -> list[dict]:
    """Per fractional-orbit flight: orbit height, circularisation and de-orbit, flight time, miss (edge units)."""
    return [
        {
            "name": f.name,
            "launch_time_s": f.t_launch_s,
            "orbit_altitude_km": f.orbit_altitude_m / 1e3,
            "circularise_dv_mps": f.circularise_dv_mps,
            "deorbit_time_s": f.deorbit_time_s,
            "flight_time_min": f.flight_time_s / 60.0,
            "miss_km": f.miss_m / 1e3,
            "launch_azimuth_deg": float(np.degrees(f.launch_azimuth_rad)),
        }
        for f in result.fobs_flights
    ]


def glide_rows(result: RunResult) -> list[dict]:
    """Per boost-glide vehicle: flight time, glide height (median while gliding), impact point (edge units)."""
    tr = result.glide
    if tr is None:
        return []
    rows = []
    for k, name in enumerate(tr.names):
        sl = tr.rows(k)
        lat, lon, h = ecef_to_geodetic(eci_to_ecef(tr.r_eci_m[sl], gmst_at(result.epoch, tr.t_s[sl])))
        gliding = tr.phase[sl] > 0
        rows.append(
            {
                "name": name,
                "launch_time_s": float(tr.t_s[sl][0]),
                "flight_time_min": float((tr.t_s[sl][-1] - tr.t_s[sl][0]) / 60.0),
                "median_glide_altitude_km": float(np.median(h[gliding]) / 1e3) if gliding.any() else None,
                "impact_lat_deg": float(np.degrees(lat[-1])),
                "impact_lon_deg": float(np.degrees(lon[-1])),
            }
        )
    return rows


def tracking_dict(result: RunResult) -> dict | None:
    """The radar track picture's summary: per radar looks and detections, per object first detection and first
    confirmed track (s; None: never), GOSPA (mean over time, m) and its parts."""
    tr = result.tracking
    if tr is None:
        return None
    g = tr.gospa
    return {
        "radars": [
            {"name": n, "looks": int(lk), "detections": int(d), "false_alarms": int(f)}
            for n, lk, d, f in zip(tr.radars, tr.looks, tr.detections, tr.false_alarms, strict=True)
        ],
        "objects": [
            {
                "name": n,
                "kind": k,
                "first_detection_s": _num(fd),
                "first_detection_radar": fr or None,
                "first_track_s": _num(ft),
                "tracked_fraction": _num(tf),
                "track_switches": int(sw),
                "track_fragments": int(fg),
                "median_position_nees": _num(ne),
            }
            for n, k, fd, fr, ft, tf, sw, fg, ne in zip(
                tr.object_names,
                tr.object_kinds,
                tr.first_detection_s,
                tr.first_detection_radar,
                tr.first_track_s,
                tr.tracked_fraction,
                tr.track_switches,
                tr.track_fragments,
                _nanmedian_columns(tr.nees),
                strict=True,
            )
        ],
        "gospa_cutoff_m": tr.gospa_c_m,
        "gospa_mean_m": float(g[:, 0].mean()) if len(g) else None,
        "gospa_mean_parts_m2": {
            "localisation": float(g[:, 1].mean()),
            "missed": float(g[:, 2].mean()),
            "false": float(g[:, 3].mean()),
        }
        if len(g)
        else None,
        "confirmed_tracks": int(np.unique(tr.track_id).size),
    }


def _nanmedian_columns(a) -> np.ndarray:
    """Column medians ignoring NaN (NaN where a column has none). The median of NEES is robust to the odd look where
    the GOSPA assignment pairs an object with a neighbour's track; for a consistent filter it is chi-square(3)'s,
    2.37."""
    a = np.asarray(a, float).reshape(-1, np.shape(a)[-1] if np.ndim(a) == 2 else 0)
    out = np.full(a.shape[1], np.nan)
    for k in range(a.shape[1]):
        col = a[:, k][np.isfinite(a[:, k])]
        if col.size:
            out[k] = float(np.median(col))
    return out


def track_table(result: RunResult) -> pa.Table:
    """Confirmed tracks at every look: time, track id, ECI state, IMM mode probabilities (thrust, cruise, coast).
    No column has an absent value: a null (written for a non-finite cell) is a filter failure that write_run names."""
    tr = result.tracking
    x, mu = tr.track_x, tr.track_mu
    return pa.table(
        {
            "t_s": tr.track_t,
            "track_id": pa.array(tr.track_id.astype(np.int64)),
            "x_m": x[:, 0],
            "y_m": x[:, 1],
            "z_m": x[:, 2],
            "vx_mps": x[:, 3],
            "vy_mps": x[:, 4],
            "vz_mps": x[:, 5],
            "p_thrust": mu[:, 0],
            "p_cruise": mu[:, 1],
            "p_coast": mu[:, 2],
        }
    )


def gospa_table(result: RunResult) -> pa.Table:
    """GOSPA over time (m) with its parts (m^2: they add up to GOSPA^2) and the counts behind it. No column has an
    absent value (as in :func:`track_table`)."""
    tr = result.tracking
    g, n = tr.gospa, tr.gospa_counts
    return pa.table(
        {
            "t_s": tr.gospa_t,
            "gospa_m": g[:, 0],
            "localisation_m2": g[:, 1],
            "missed_m2": g[:, 2],
            "false_m2": g[:, 3],
            "truths_in_coverage": n[:, 0].astype(np.int32),
            "confirmed_tracks": n[:, 1].astype(np.int32),
        }
    )


def cruise_rows(result: RunResult) -> list[dict]:
    """Per cruise missile: route length, flight time, speed and height (km, min, m/s, m)."""
    rows = []
    tr = result.cruise
    for k, m in enumerate(result.cruise_missiles):
        t = tr.t_s[tr.rows(k)]
        rows.append(
            {
                "name": m.name,
                "speed_mps": m.speed_mps,
                "altitude_m": m.altitude_m,
                "route_km": float((t[-1] - t[0]) * m.speed_mps / 1e3),
                "launch_time_s": float(t[0]),
                "flight_time_min": float((t[-1] - t[0]) / 60.0),
                "waypoints": len(m.waypoints_lat_rad),
                "turn_radius_km": float(m.turn_radius_m / 1e3),
            }
        )
    return rows


def _released(result: RunResult) -> list[dict]:
    p = result.payloads
    if p is None:
        return []
    return [
        {"name": n, "parent": par, "kind": k, "beta_kg_m2": float(b), "release_s": float(r), "impact_s": _num(i)}
        for n, par, k, b, r, i in zip(
            p.trajectory.names, p.parent, p.kind, p.beta_kg_m2, p.release_s, p.impact_s, strict=True
        )
    ]


def _num(x) -> float | None:
    """A float for JSON, None for NaN (not detected, not reachable)."""
    return None if not np.isfinite(x) else float(x)


def constellation_rows(result: RunResult) -> list[dict]:
    """Per constellation: size, orbit (perigee height, inclination spans, median period), role and payload; with,
    where some of its satellites decay during the run (SGP4, a TLE's), 'decayed': [{name, decay_time_s}] (s from the
    scenario epoch, negative: down before it). A constellation without decay has no 'decayed' key."""
    rows = []
    layers = result.layers or []
    for k, c in enumerate(result.constellations):
        el = c.elements
        alt = (el.a_m * (1 - el.e) - WGS84_A_M) / 1e3
        rows.append(
            {
                "name": c.name,
                "satellites": len(c),
                "perigee_altitude_km_min": float(alt.min()),
                "perigee_altitude_km_max": float(alt.max()),
                "inclination_deg_min": float(np.degrees(el.i_rad.min())),
                "inclination_deg_max": float(np.degrees(el.i_rad.max())),
                "period_min": float(np.median(period_s(el.a_m)) / 60),
                "role": layers[k].role if k < len(layers) else "other",
                "payload": (
                    layers[k].sensor.name if layers[k].sensor else layers[k].sbi.name if layers[k].sbi else None
                )
                if k < len(layers)
                else None,
            }
        )
        decay = el.decay_time_s
        gone = np.flatnonzero(np.isfinite(decay))
        if gone.size:
            rows[-1]["decayed"] = [{"name": c.labels[j], "decay_time_s": float(decay[j])} for j in gone]
    return rows


def battle_dict(result: RunResult) -> dict | None:
    """The battle's headline figures (None without a defence): lethal objects, leakers and where, kills, rounds and
    cost by layer."""
    b = result.battle
    if b is None:
        return None
    ev = b.events
    layers = []
    for layer in [ly for ly in ev.layer.unique() if ly]:
        e = ev[ev.layer == layer]
        launches = e[e.event == "launch"]
        layers.append(
            {
                "layer": layer,
                "engagements": int(len(launches)),
                "rounds": int(launches.shots.sum()),
                "kills": int((e.event == "kill").sum()),
                "decoys_killed": int((e.event == "decoy_killed").sum()),
                "misses": int((e.event == "miss").sum()),
                "wasted": int((e.event == "wasted").sum()),
                "cost_musd": float(launches.cost_musd.sum()),
            }
        )
    leak = ev[ev.event == "leaker"]
    return {
        "lethal_objects": b.lethal,
        "leakers": b.leakers,
        "killed": b.killed,
        "cost_musd": b.cost_musd,
        "interceptors_by_layer": b.interceptors,
        "layers": layers,
        "leakers_by_asset": {str(k): int(v) for k, v in leak.groupby("asset").size().items()},
        "people_in_struck_metros": float(leak.value.fillna(0.0).sum()),
        "not_engaged": {str(k): int(v) for k, v in ev[ev.event == "not_engaged"].groupby("detail").size().items()},
        "warnings": b.warnings,
        "wall_s": round(b.wall_s, 3),
    }


def summary_dict(result: RunResult) -> dict:
    scn = result.scenario
    return {
        "kind": "run",
        "scenario": scn.name,
        "scenario_sha256": result.scenario_hash,
        "seed": scn.seed,
        "epoch": result.epoch.isoformat(),
        "versions": versions(),
        "threats": threat_rows(result),
        "constellations": constellation_rows(result),
        "satellites_total": int(sum(len(c) for c in result.constellations)),
        "warnings": result.warnings,
        "salvo_engageable_by_distinct_sbis": None if result.space is None else int(result.space.salvo_matched),
        "released_objects": _released(result),
        "cruise_missiles": cruise_rows(result),
        "glide_vehicles": glide_rows(result),
        "fractional_orbits": fobs_rows(result),
        "tracking": tracking_dict(result),
        "battle": battle_dict(result),
        "timings_s": {k: round(v, 4) for k, v in result.timings_s.items()},
    }


def trajectory_table(result: RunResult) -> pa.Table:
    """Missiles (kind 'missile': boost, then their first RV) and released objects (kind 'rv' / 'decoy').

    Every sample of a flown object has a state; the state columns (x_m .. alt_km) are null only where a flight
    could not be computed (its guidance found no trajectory: NaN from the flight), which write_run names in
    summary.json's warnings. The table itself may still hold NaN; write_run writes them as null."""
    tr, kinds = result.objects()
    theta = gmst_at(result.epoch, tr.t_s)
    lat, lon, h = ecef_to_geodetic(eci_to_ecef(tr.r_eci_m, theta))
    names = np.array(tr.names, dtype=object)
    return pa.table(
        {
            "object": pa.array(names[tr.object_id].astype(str)),
            "object_id": pa.array(tr.object_id.astype(np.int32)),
            "kind": pa.array(np.array(kinds, dtype=object)[tr.object_id].astype(str)).dictionary_encode(),
            "t_s": tr.t_s,
            "x_m": tr.r_eci_m[:, 0],
            "y_m": tr.r_eci_m[:, 1],
            "z_m": tr.r_eci_m[:, 2],
            "vx_mps": tr.v_eci_mps[:, 0],
            "vy_mps": tr.v_eci_mps[:, 1],
            "vz_mps": tr.v_eci_mps[:, 2],
            "lat_deg": np.degrees(lat),
            "lon_deg": np.degrees(lon),
            "alt_km": h / 1e3,
            "phase": pa.array(np.array(PHASE_NAMES, dtype=object)[tr.phase].astype(str)).dictionary_encode(),
        }
    )


def satellite_table(result: RunResult) -> pa.Table:
    """One row per satellite: constellation, label, mean elements at their epoch t0_s (s from the scenario epoch).

    Where a satellite of the run decays (SGP4 brings a TLE's orbit down: :func:`goldendome.physics.tle.decay_times_s`)
    the table has a decay_time_s column, s from the scenario epoch, null for the satellites that stay up; a run
    without decay has no such column. No other column has an absent value."""
    cols = {k: [] for k in ("constellation", "label", "a_m", "e", "i_deg", "raan_deg", "argp_deg", "m0_deg", "t0_s")}
    for c in result.constellations:
        el = c.elements
        cols["constellation"] += [c.name] * len(c)
        cols["label"] += list(c.labels)
        for key, arr in (("a_m", el.a_m), ("e", el.e), ("t0_s", el.t0_s)):
            cols[key] += arr.tolist()
        angles = (("i_deg", el.i_rad), ("raan_deg", el.raan_rad), ("argp_deg", el.argp_rad), ("m0_deg", el.m0_rad))
        for key, arr in angles:
            cols[key] += np.degrees(arr).tolist()
    decay = np.concatenate([c.elements.decay_time_s for c in result.constellations] or [np.zeros(0)])
    if np.isfinite(decay).any():
        cols["decay_time_s"] = pa.array(decay, mask=~np.isfinite(decay))
    return pa.table(cols)


def write_run(result: RunResult, out_dir: str | Path) -> Path:
    """Write a run's results folder; returns its path. Existing files of the same names are replaced.

    The tables come first, then summary.json, whose warnings name any non-finite number written as null (in a
    table: :func:`finite_table`; in the summary: :func:`strict_json`). events.parquet's t_intercept_s, value,
    lat_deg and lon_deg are null where the event has none (see ``goldendome.engine.battle.EVENT_COLUMNS``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    write_scenario(result.scenario, out)
    if any(x is not None for x in (result.trajectory, result.cruise, result.glide, result.fobs)):
        _write_table(trajectory_table(result), out / "trajectories.parquet", warnings)
    if result.constellations:
        _write_table(satellite_table(result), out / "satellites.parquet", warnings)
    if result.tracking is not None:
        _write_table(track_table(result), out / "tracks.parquet", warnings)
        _write_table(gospa_table(result), out / "gospa.parquet", warnings)
    if result.battle is not None:
        events = pa.Table.from_pandas(result.battle.events, preserve_index=False)
        _write_table(events, out / "events.parquet", warnings)
    summary = summary_dict(result)
    summary["warnings"] = [*summary["warnings"], *warnings]
    (out / "summary.json").write_text(strict_json(summary) + "\n")
    return out


def write_scenario(scenario, out_dir: str | Path) -> Path:
    """Write ``scenario.json``, the validated scenario exactly as run (a run's, or a sweep's parent study's, whose
    sub-studies each hold their own); returns its path."""
    path = Path(out_dir) / "scenario.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scenario.model_dump_json(indent=2) + "\n")
    return path


def write_scene(result: RunResult, path: str | Path, max_satellites: int = 2000) -> Path:
    """Write the run's scene as CZML for a Cesium viewer (:func:`goldendome.io.globe.globe_czml`, at most
    max_satellites satellites per constellation) to path, making its folder; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(globe_czml(result, max_satellites=max_satellites))
    return path


def _records(df) -> list[dict]:
    return [] if df is None else json.loads(df.to_json(orient="records", date_format="iso"))


def cost_dict(rep) -> dict:
    """A cost study's answers as JSON-able data: totals with their assumptions, published comparison, schedule,
    sharing, effectiveness."""
    res = rep.cost
    comp = res.by_component()
    return {
        "kind": "cost",
        "study": rep.study.name,
        "alternative": rep.alternative,
        "variant": rep.variant,
        "dollars_year": res.dollars_year,
        "start_year": res.start_year,
        "horizon_years": res.horizon_years,
        "total_usd": res.total_usd,
        "acquisition_usd": res.total(scope="acquisition"),
        "operations_usd": res.total(scope="operations"),
        "assumptions": res.assumptions,
        "warnings": res.warnings,
        "by_component": json.loads(comp.reset_index().to_json(orient="records")),
        "options": _records(rep.options),
        "published": _records(rep.published),
        "schedule": None if rep.schedule is None else rep.schedule.summary(),
        "deadline": None
        if rep.deadline is None
        else {"met": rep.deadline.met, "message": deadline_sentence(rep.deadline)},
        "sharing": _records(rep.sharing),
        "public": _records(rep.public),
        "exchange": _records(rep.exchange),
        "sizing": _records(rep.sizing),
        "leakage": _records(rep.leakage),
        "implied": _records(rep.implied),
        "versions": versions(),
    }


def write_cost(rep, out_dir: str | Path, plot: bool = False) -> Path:
    """Write a cost study's folder: cost.json, cost_by_year.parquet, sharing.parquet (and schedule.parquet), and
    with plot the figures."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cost.json").write_text(strict_json(cost_dict(rep), default=str) + "\n")
    rep.cost.table.to_parquet(out / "cost_by_year.parquet", index=False)
    rep.sharing.to_parquet(out / "sharing.parquet", index=False)
    if rep.schedule is not None:
        rep.schedule.table.to_parquet(out / "schedule.parquet", index=False)
    if plot:
        from goldendome.io import plots

        res = rep.cost
        plots.cost_by_year(res.by_year(), out, f"{rep.study.name}: cost by year", res.dollars_year)
        public = {}
        if len(rep.public):
            for r in rep.public.drop_duplicates("figure").itertuples():
                public[r.figure_label.split(" (")[0]] = r.figure_usd
        plots.partner_bills(rep.sharing, public, out, f"{rep.study.name}: each partner's bill by sharing rule")
        if rep.implied is not None:
            from goldendome.analysis.cost import implied_curves

            plots.implied_inputs(
                implied_curves(rep.study),
                out,
                f"{rep.study.name}: what the published figures imply (each input swept, the calibrations held)",
            )
        if rep.schedule is not None:
            plots.deployment(
                rep.schedule.table,
                rep.schedule.plan.n_satellites,
                out,
                f"{rep.study.name}: deployment",
                rep.study.deadline,
            )
        if rep.sizing is not None:
            plots.cost_vs_capacity(rep.sizing, out, f"{rep.study.name}: cost against salvo capacity")
        if rep.leakage is not None:
            plots.cost_vs_leakage(rep.leakage, out, f"{rep.study.name}: cost against leakage")
    return out


def write_sizing(study, rows: list[dict], base, out_dir: str | Path, plot: bool = False) -> list[Path]:
    """Write an SBI sizing study's folder (:func:`goldendome.analysis.sbi_study.run_study`'s rows and base result):
    ``sizing.parquet`` (one row per design point), ``absentee.parquet`` (the base point's SBIs in reach of each
    booster at each launch time; none when the base point is infeasible) and ``summary.json``; with plot the figures
    (one per sweep, the absentee ratio by launch latitude, SBIs in reach over the launch times). Returns the files
    in the order written. Absent values are null: absentee's first_intercept_s and closing_speed_mps where no SBI
    reaches the booster, a sizing row's keys that its sweep does not have."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    keys = sorted({k for r in rows for k in r})
    _write_table(pa.table({k: [r.get(k) for r in rows] for k in keys}), out / "sizing.parquet")
    written = [out / "sizing.parquet"]
    if base is not None:
        rr = base.reach
        e, nb = rr.in_reach.shape
        _write_table(
            pa.table(
                {
                    "launch_time_s": np.repeat(rr.launch_times_s, nb),
                    "booster": np.tile(np.arange(nb), e),
                    "in_reach": rr.in_reach.ravel(),
                    "absentee_ratio": rr.absentee_ratio.ravel().astype(float),
                    "first_intercept_s": rr.t_first.ravel(),
                    "closing_speed_mps": rr.v_close.ravel(),
                    "covered": np.repeat(rr.covered, nb),
                }
            ),
            out / "absentee.parquet",
        )
        written.append(out / "absentee.parquet")
    summary = {"kind": "sbi-sizing", "study": study.model_dump(mode="json"), "versions": versions(), "rows": rows}
    (out / "summary.json").write_text(strict_json(summary, default=float) + "\n")
    written.append(out / "summary.json")
    if plot:
        from goldendome.io import plots  # matplotlib loads only when figures are drawn (start-up time)

        for param in sorted({r["sweep"] for r in rows} - {"base"}):
            p = plots.sizing_sweep(rows, param, out, study.name)
            if p:
                written.append(p)
        p0 = base_point(study)
        lats = np.arange(-80.0, 81.0, 5.0)
        ratio = absentee_by_latitude(p0, study, lats)
        sites = [(s.label(), *s.coordinates_deg()) for s in study.threat.launch_sites]
        written.append(plots.absentee_by_latitude(lats, ratio, sites, np.degrees(p0.inclination_rad), out, study.name))
        if base is not None:
            written.append(
                plots.in_reach_over_time(
                    base.reach.launch_times_s, base.reach.in_reach, base.reach.needed, out, study.name
                )
            )
    return written


def write_coverage(study, layers: list[LayerCoverage], out_dir: str | Path, plot: bool = False) -> list[Path]:
    """Write a coverage study's folder (:func:`goldendome.analysis.coverage.run_coverage`'s layers):
    ``coverage.parquet`` (one row per layer and grid point), ``first_detection.parquet`` (one row per layer and
    test launch) and ``summary.json`` (each layer's :func:`~goldendome.analysis.coverage.layer_summary`); with plot
    a coverage map per layer and the first-detection times. Returns the files in the order written. Absent values
    are null: first_detection's first_detection_s and first_stereo_s for a launch never seen (never stereo)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_table(
        pa.table(
            {
                "layer": np.concatenate([[lc.layer] * lc.lat_deg.size for lc in layers]),
                "lat_deg": np.concatenate([lc.lat_deg for lc in layers]),
                "lon_deg": np.concatenate([lc.lon_deg for lc in layers]),
                "mean_sensors": np.concatenate([lc.mean_count for lc in layers]),
                "covered_fraction": np.concatenate([lc.covered_fraction for lc in layers]),
                "stereo_fraction": np.concatenate([lc.stereo_fraction for lc in layers]),
                "max_gap_s": np.concatenate([lc.max_gap_s for lc in layers]),
            }
        ),
        out / "coverage.parquet",
    )
    _write_table(
        pa.table(
            {
                "layer": np.concatenate([[lc.layer] * lc.launch_times_s.size for lc in layers]),
                "launch_time_s": np.concatenate([lc.launch_times_s for lc in layers]),
                "first_detection_s": np.concatenate([lc.first_detection_s for lc in layers]),
                "first_stereo_s": np.concatenate([lc.first_stereo_s for lc in layers]),
            }
        ),
        out / "first_detection.parquet",
    )
    rows = [layer_summary(lc) for lc in layers]
    summary = {"kind": "coverage", "study": study.model_dump(mode="json"), "versions": versions(), "layers": rows}
    (out / "summary.json").write_text(strict_json(summary) + "\n")
    written = [out / "coverage.parquet", out / "first_detection.parquet", out / "summary.json"]
    if plot:
        from goldendome.io import plots  # matplotlib loads only when figures are drawn (start-up time)

        sites = [(study.launch.label(), *study.launch.coordinates_deg())]
        for lc in layers:
            written.append(
                plots.coverage_map(
                    lc.layer,
                    lc.lat_deg,
                    lc.lon_deg,
                    lc.mean_count,
                    lc.stereo_fraction,
                    lc.max_gap_s,
                    sites,
                    out,
                    study.name,
                )
            )
        written.append(
            plots.first_detection(
                [(lc.layer, lc.first_detection_s, lc.first_stereo_s) for lc in layers], out, study.name
            )
        )
    return written
