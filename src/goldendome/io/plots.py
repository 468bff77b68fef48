"""Figures of a results folder (PNG, matplotlib's Agg back-end: no screen needed).

Each function takes plain rows or arrays from :mod:`goldendome.analysis` and writes one PNG; nothing is computed
here beyond what a picture needs. Maps draw coastlines and national borders from the Natural Earth 1:110m countries
shipped in ``goldendome/io/data`` (public domain; see its README), offline, in longitude and latitude with the
aspect of the map's middle latitude (1 / cos(lat): distances east-west and north-south read alike there).
"""

import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the back-end must be chosen first)
import numpy as np  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from scipy.stats import chi2  # noqa: E402

BASEMAP = Path(__file__).resolve().parent / "data" / "basemap_110m.npz"
"""Natural Earth 1:110m admin-0 countries (public domain), made by bench/make_basemap.py."""

BASEMAP_GID = "basemap-natural-earth-110m"
"""The ``gid`` of the coastline and border collection a map carries (how a test finds it)."""

_LABELS = {
    "salvo": "simultaneous launches (salvo size)",
    "delta_v_mps": "SBI delta-v (m/s)",
    "accel_g": "SBI acceleration (g)",
    "decide_s": "decision delay after detection (s)",
    "detect_s": "detection latency (s)",
    "altitude_km": "SBI orbit altitude (km)",
    "inclination_deg": "SBI orbit inclination (deg)",
    "launch_lat_deg": "launch latitude (deg)",
    "shots": "SBIs assigned per booster",
}


def _finish(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


@functools.cache
def basemap_rings() -> list[np.ndarray]:
    """Every ring of the shipped Natural Earth countries as an (n, 2) array of lon, lat in degrees."""
    if not BASEMAP.is_file():
        raise FileNotFoundError(
            f"{BASEMAP}: the basemap is missing (reinstall goldendome, or run bench/make_basemap.py)"
        )
    with np.load(BASEMAP) as d:
        xy = np.column_stack([d["lon_deg"], d["lat_deg"]]).astype(float)
        off = d["ring_offsets"]
    return [xy[a:b] for a, b in zip(off[:-1], off[1:], strict=True)]


def draw_basemap(ax, land: str = "#efece3", border: str = "#8a8a8a") -> PolyCollection:
    """Draw land (filled) with its coastlines and national borders under whatever the axes show next (lon, lat in
    degrees); returns the collection (gid :data:`BASEMAP_GID`)."""
    coll = PolyCollection(
        basemap_rings(), facecolors=land, edgecolors=border, linewidths=0.5, zorder=0.5, gid=BASEMAP_GID
    )
    ax.add_collection(coll, autolim=False)
    ax.set_facecolor("#f4f8fb")  # the sea
    return coll


def set_map_extent(ax, lon_deg, lat_deg, margin_deg: float = 4.0, min_span_deg: float = 24.0) -> None:
    """Frame the points (lon, lat, degrees) with a margin, at least ``min_span_deg`` wide and tall, and give the
    axes the aspect 1 / cos(middle latitude)."""
    lon = np.asarray(lon_deg, float)
    lat = np.asarray(lat_deg, float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = (lon[ok], lat[ok]) if ok.any() else (np.array([-100.0]), np.array([45.0]))
    x0, x1 = lon.min() - margin_deg, lon.max() + margin_deg
    y0, y1 = lat.min() - margin_deg, lat.max() + margin_deg
    if x1 - x0 < min_span_deg:
        mid = (x0 + x1) / 2.0
        x0, x1 = mid - min_span_deg / 2.0, mid + min_span_deg / 2.0
    if y1 - y0 < min_span_deg / 2.0:
        mid = (y0 + y1) / 2.0
        y0, y1 = mid - min_span_deg / 4.0, mid + min_span_deg / 4.0
    y0, y1 = max(y0, -89.0), min(y1, 89.0)
    ax.set_xlim(max(x0, -180.0), min(x1, 180.0))
    ax.set_ylim(y0, y1)
    ax.set_aspect(1.0 / max(np.cos(np.radians((y0 + y1) / 2.0)), 0.2))
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")


def sizing_sweep(rows: list[dict], parameter: str, out_dir: Path, title: str) -> Path | None:
    """Constellation size against one swept parameter: simulated (solid lines, markers) and analytic (dashed);
    for the salvo sweep, one pair of lines per missile."""
    pts = [r for r in rows if r.get("sweep") == parameter and r.get("simulated_sbis") is not None]
    if not pts:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    groups = sorted({r["missile"] for r in pts}) if parameter == "salvo" else [None]
    for g in groups:
        sel = [r for r in pts if g is None or r["missile"] == g]
        sel.sort(key=lambda r: float(r[parameter]))
        x = [float(r[parameter]) for r in sel]
        name = f" ({g})" if g else ""
        line = ax.plot(x, [r["simulated_sbis"] for r in sel], "o-", label=f"simulated, worst launch time{name}")[0]
        ax.plot(x, [r["analytic_sbis"] for r in sel], "--", color=line.get_color(), label=f"analytic mean{name}")
    bad = [r for r in rows if r.get("sweep") == parameter and r.get("simulated_sbis") is None]
    for r in bad:
        ax.axvline(float(r[parameter]), color="0.8", lw=6, zorder=0)
    ax.set_xlabel(_LABELS.get(parameter, parameter))
    ax.set_ylabel("SBIs in orbit")
    ax.set_title(title + (" (grey: infeasible)" if bad else ""), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / f"sbi_size_vs_{parameter}.png")


def absentee_by_latitude(
    lat_deg, ratio, sites: list[tuple[str, float, float]], inclination_deg: float, out_dir: Path, title: str
) -> Path:
    """Absentee ratio against launch latitude (left) and as a latitude-band map with the launch sites (right)."""
    lat_deg, ratio = np.asarray(lat_deg, float), np.asarray(ratio, float)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), gridspec_kw={"width_ratios": [1, 1.6]})
    finite = np.isfinite(ratio)
    ax1.semilogy(lat_deg[finite], ratio[finite], "o-")
    ax1.axvline(inclination_deg, color="0.5", ls=":", label="shell inclination")
    ax1.set_xlabel("launch latitude (deg)")
    ax1.set_ylabel("absentee ratio N / N in reach")
    ax1.grid(alpha=0.3, which="both")
    ax1.legend(fontsize=8)
    lon = np.linspace(-180, 180, 361)
    grid = np.tile(np.where(finite, ratio, np.nan)[:, None], (1, lon.size))
    mesh = ax2.pcolormesh(lon, lat_deg, np.log10(grid), shading="nearest", cmap="viridis_r", alpha=0.85)
    fig.colorbar(mesh, ax=ax2, label="log10 absentee ratio (white: out of reach)")
    draw_basemap(ax2, land="none", border="0.25")
    for name, lat, lon_s in sites:
        ax2.plot(lon_s, lat, "r^")
        ax2.annotate(name, (lon_s, lat), textcoords="offset points", xytext=(4, 4), color="r", fontsize=8)
    ax2.set_xlabel("longitude (deg)")
    ax2.set_ylabel("latitude (deg)")
    ax2.set_xlim(-180, 180)
    ax2.set_ylim(lat_deg.min(), lat_deg.max())
    fig.suptitle(title, fontsize=10)
    return _finish(fig, out_dir / "sbi_absentee_by_latitude.png")


def in_reach_over_time(times_s, in_reach, needed: int, out_dir: Path, title: str) -> Path:
    """SBIs in reach of each booster against launch time over the day, with the k n line the matching needs."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    h = np.asarray(times_s) / 3600.0
    for b in range(in_reach.shape[1]):
        ax.step(h, in_reach[:, b], where="post", lw=0.8, label=f"booster {b + 1}" if in_reach.shape[1] <= 6 else None)
    ax.axhline(needed, color="r", ls="--", lw=1, label="SBIs the salvo needs (k x boosters)")
    ax.set_xlabel("launch time (h after epoch)")
    ax.set_ylabel("SBIs in reach")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=3)
    return _finish(fig, out_dir / "sbi_in_reach_over_time.png")


def coverage_map(
    layer: str, lat_deg, lon_deg, mean_count, stereo_fraction, max_gap_s, sites, out_dir: Path, title: str
) -> Path:
    """Mean number of sensors seeing each point, stereo fraction and longest revisit gap over the launch area."""
    lats, lons = np.unique(lat_deg), np.unique(lon_deg)
    shape = (lats.size, lons.size)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    panels = (
        (mean_count, "mean sensors seeing the point", "viridis"),
        (stereo_fraction, "fraction of time seen in stereo (>= 2)", "magma"),
        (max_gap_s / 60.0, "longest revisit gap (min)", "inferno_r"),
    )
    for ax, (values, label, cmap) in zip(axes, panels, strict=True):
        mesh = ax.pcolormesh(lons, lats, np.asarray(values, float).reshape(shape), shading="nearest", cmap=cmap)
        fig.colorbar(mesh, ax=ax, label=label, shrink=0.85)
        draw_basemap(ax, land="none", border="0.2").set_zorder(2)  # coastlines over the field
        for name, lat, lon in sites:
            ax.plot(lon, lat, "c^")
            ax.annotate(name, (lon, lat), textcoords="offset points", xytext=(4, 4), color="c", fontsize=8)
        ax.set_xlabel("longitude (deg)")
        ax.set_ylabel("latitude (deg)")
        ax.set_xlim(lons.min(), lons.max())
        ax.set_ylim(lats.min(), lats.max())
        ax.set_aspect(1.0 / np.cos(np.radians(np.mean(lats))))
    fig.suptitle(f"{title}: {layer}", fontsize=10)
    return _finish(fig, out_dir / f"coverage_{layer}.png")


def first_detection(layers: list[tuple[str, np.ndarray, np.ndarray]], out_dir: Path, title: str) -> Path:
    """First and first-stereo detection time after launch, per layer, over the launch times tried."""
    fig, ax = plt.subplots(figsize=(7.5, 4))
    names = [name for name, _, _ in layers]
    for k, (_, first, stereo) in enumerate(layers):
        f, s = np.asarray(first, float), np.asarray(stereo, float)
        ax.scatter(
            np.full(np.isfinite(f).sum(), k - 0.08), f[np.isfinite(f)], marker="o", label="first" if k == 0 else None
        )
        ax.scatter(
            np.full(np.isfinite(s).sum(), k + 0.08),
            s[np.isfinite(s)],
            marker="s",
            label="first stereo" if k == 0 else None,
        )
        never = int(np.isnan(f).sum())
        if never:
            ax.annotate(f"{never} never seen", (k, 0), color="r", fontsize=8)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("time after launch (s)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / "first_detection.png")


def track_picture(t_s, gospa, assigned, nees, names: tuple[str, ...], c_m: float, out_dir: Path, title: str) -> Path:
    """Three panels of a run's track picture: GOSPA over time (its localisation, missed and false parts stacked, in
    the GOSPA^2 they add up to), each object's timeline (in coverage, tracked), and each object's position NEES
    against the chi-square(3) 95 % band."""
    t = np.asarray(t_s) / 60.0
    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    parts = np.asarray(gospa)[:, 1:] / 1e6
    ax1.stackplot(t, parts.T, labels=("localisation", "missed", "false"), alpha=0.7)
    ax1.set_ylabel("GOSPA² parts (km²)")
    ax1b = ax1.twinx()
    ax1b.plot(t, np.asarray(gospa)[:, 0] / 1e3, "k-", lw=1.2, label="GOSPA")
    ax1b.set_ylabel("GOSPA (km)")
    ax1.legend(loc="upper left", fontsize=8)
    ax1.set_title(f"{title}: GOSPA (c = {c_m / 1e3:g} km, p = 2)")
    a = np.asarray(assigned)
    for k in range(len(names)):
        seen = a[:, k] != -2
        held = a[:, k] >= 0
        ax2.scatter(t[seen], np.full(seen.sum(), k), s=6, color="0.75", marker="s")
        ax2.scatter(t[held], np.full(held.sum(), k), s=6, color="tab:green", marker="s")
    ax2.set_yticks(range(len(names)), names, fontsize=7)
    ax2.set_title("objects: in coverage (grey), held by a track within c (green)")
    lo, hi = chi2.ppf([0.025, 0.975], 3)
    ax3.axhspan(lo, hi, color="0.9", label="χ²(3) 95 % band")
    for k, name in enumerate(names):
        ax3.semilogy(t, np.asarray(nees)[:, k], ".", ms=3, label=name)
    ax3.set_ylabel("position NEES")
    ax3.set_xlabel("time from epoch (min)")
    ax3.legend(fontsize=7, ncol=4, loc="upper right")
    return _finish(fig, Path(out_dir) / "tracking.png")


def leakage_vs_salvo(
    sizes, p_zero, p_zero_ci, leakers, leakers_ci, out_dir: Path, title: str, analytic: tuple | None = None
) -> Path:
    """Probability of zero leakers and expected leakers against salvo size, with their confidence intervals;
    optionally the analytic values (sizes, P(zero), expected) dashed."""
    x = np.asarray(sizes, float)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.5, 4.0))
    lo, hi = np.asarray(p_zero_ci, float).T
    pz, lk = np.asarray(p_zero, float), np.asarray(leakers, float)
    a1.errorbar(
        x, pz, yerr=np.clip([pz - lo, hi - pz], 0.0, None), fmt="o-", capsize=3, label="Monte Carlo (Wilson 95 %)"
    )
    lo2, hi2 = np.asarray(leakers_ci, float).T
    a2.errorbar(
        x,
        lk,
        yerr=np.clip([lk - lo2, hi2 - lk], 0.0, None),
        fmt="o-",
        capsize=3,
        color="C3",
        label="Monte Carlo (95 %)",
    )
    if analytic is not None:
        a1.plot(analytic[0], analytic[1], "k--", label="closed form")
        a2.plot(analytic[0], analytic[2], "k--", label="closed form")
    a1.set_ylabel("P(no warhead leaks)")
    a1.set_ylim(-0.02, 1.02)
    a2.set_ylabel("expected leakers")
    for a in (a1, a2):
        a.set_xlabel("salvo size (missiles)")
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    return _finish(fig, out_dir / "leakage_vs_salvo.png")


def saturation(table, out_dir: Path, title: str) -> Path:
    """How the defence saturates as the raid grows (one column of panels per question, x the missiles launched):
    (a) the fraction of lethal objects that leak and P(no leaker), each with its 95 % band; (b) interceptors fired
    per trial by layer (stacked), beside the lethal objects they face; (c) interceptor cost per raid and per missile.

    table: the rows of :func:`goldendome.io.report.saturation_table` (one per raid size)."""
    t = table.sort_values("missiles")
    x = np.asarray(t["missiles"], float)
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(14.0, 4.2))
    for col, colour, label in (
        ("leaked_fraction", "C3", "leaked fraction (of lethal objects)"),
        ("p_zero", "C0", "P(no warhead leaks)"),
    ):
        a1.plot(x, t[col], "o-", color=colour, label=label)
        a1.fill_between(x, np.clip(t[f"{col}_lo"], 0, 1), np.clip(t[f"{col}_hi"], 0, 1), color=colour, alpha=0.2)
    a1.set_ylim(-0.02, 1.3)  # room above 1 for the legend
    a1.set_yticks(np.linspace(0.0, 1.0, 6))
    a1.set_ylabel("fraction (95 % band)")
    a1.set_title("(a) leakage", fontsize=9)
    layers = [c for c in t.columns if c.startswith("rounds_")]
    if layers:
        a2.stackplot(
            x,
            *[np.asarray(t[c], float) for c in layers],
            alpha=0.8,
            labels=[c.removeprefix("rounds_").replace("_", " ") for c in layers],
        )
    a2.plot(x, t["lethal"], "k--", lw=1.2, label="lethal objects (RVs)")
    top = max(float(np.max(t["rounds"])) if layers else 0.0, float(np.max(t["lethal"])), 1.0)
    a2.set_ylim(0.0, 1.45 * top)  # the legend sits above the curves
    a2.set_ylabel("interceptors fired per trial")
    a2.set_title("(b) interceptors spent, by layer", fontsize=9)
    cost = np.asarray(t["cost_musd"], float)
    a3.plot(x, cost / 1e3, "o-", color="C2", label="interceptor cost per raid ($bn)")
    a3.set_ylabel("cost per raid ($bn)")
    a3b = a3.twinx()
    a3b.plot(x, t["cost_per_missile_musd"], "s--", color="C4", label="per missile launched ($M, right)")
    a3b.set_ylabel("cost per missile launched ($M)")
    a3.set_ylim(0.0, 1.35 * max(float(cost.max()) / 1e3, 1e-3))  # the legend sits above the curves
    a3b.set_ylim(0.0, 1.35 * max(float(np.max(t["cost_per_missile_musd"])), 1e-3))
    a3.set_title("(c) cost of the interceptors fired", fontsize=9)
    h1, l1 = a3.get_legend_handles_labels()
    h2, l2 = a3b.get_legend_handles_labels()
    a3.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    wide = x.size > 1 and x.max() / max(x.min(), 1.0) >= 10.0
    for a in (a1, a2, a3):
        if wide:  # 10 to 500 missiles: every size gets room
            a.set_xscale("log")
        a.set_xticks(x, [f"{v:,.0f}" for v in x], fontsize=8)
        a.minorticks_off()
        a.set_xlabel("raid size (missiles launched)")
        a.grid(alpha=0.3)
    a1.legend(fontsize=8)
    a2.legend(fontsize=8, loc="upper left")
    fig.suptitle(title, fontsize=10)
    return _finish(fig, Path(out_dir) / "saturation.png")


def layer_outcomes(layers, out_dir: Path, title: str) -> Path:
    """Per layer, what its interceptors achieved per trial: kills, decoys killed, misses, wasted (stacked)."""
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    names = [str(n).replace("_", " ") for n in layers["layer"]]
    bottom = np.zeros(len(names))
    for col, colour in (("kills", "C2"), ("decoys_killed", "C1"), ("misses", "C3"), ("wasted", "0.6")):
        vals = np.asarray(layers[col], float)
        ax.bar(names, vals, bottom=bottom, color=colour, label=col.replace("_", " "))
        bottom += vals
    ax.set_ylabel("engagement outcomes per trial")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / "layer_outcomes.png")


def impact_figure(points, assets_lat_deg, assets_lon_deg, title: str, assets_names=None):
    """The figure of :func:`impact_map` (returned open, for a caller that adds to it or inspects it)."""
    fig, ax = plt.subplots(figsize=(8.0, 5.6))
    draw_basemap(ax)
    a_lat, a_lon = np.asarray(assets_lat_deg, float), np.asarray(assets_lon_deg, float)
    ax.scatter(a_lon, a_lat, s=22, marker="s", facecolor="white", edgecolor="0.25", lw=0.8, label="defended assets")
    lon = np.asarray(points["lon_deg"], float) if len(points) else np.zeros(0)
    lat = np.asarray(points["lat_deg"], float) if len(points) else np.zeros(0)
    if len(points):
        jitter = np.random.default_rng(0).normal(0.0, 0.15, (len(points), 2))  # overlapping dots made visible
        ax.scatter(
            lon + jitter[:, 0],
            lat + jitter[:, 1],
            s=16,
            color="C3",
            alpha=0.6,
            lw=0,
            zorder=3,
            label=f"leakers ({len(points):,})",
        )
    if assets_names is not None and len(a_lat) <= 12:
        for name, y, x in zip(assets_names, a_lat, a_lon, strict=True):
            ax.annotate(
                str(name).split(",")[0].split("-")[0],
                (x, y),
                xytext=(4, -9),
                textcoords="offset points",
                fontsize=7,
                color="0.2",
            )
    set_map_extent(ax, np.concatenate([a_lon, lon]), np.concatenate([a_lat, lat]))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    tall = (y1 - y0) * ax.get_aspect() / (x1 - x0)  # the map's height over its width on paper
    fig.set_size_inches(8.0, float(np.clip(6.6 * tall + 1.4, 3.6, 9.0)))
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.25, lw=0.5)
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.annotate(
        "Coastlines and borders: Natural Earth 1:110m (public domain)",
        (1.0, -0.1),
        xycoords="axes fraction",
        ha="right",
        va="top",
        fontsize=6.5,
        color="0.45",
    )
    return fig


def impact_map(points, assets_lat_deg, assets_lon_deg, out_dir: Path, title: str, assets_names=None) -> Path:
    """Where the leakers came down over a study (one dot per leaker, jittered so that piles show), over the
    defended assets (open squares, named when there are few) on a map with coastlines and borders."""
    return _finish(
        impact_figure(points, assets_lat_deg, assets_lon_deg, title, assets_names), out_dir / "impact_map.png"
    )


def cost_by_year(wide, out_dir: Path, title: str, dollars_year: int) -> Path:
    """Lifecycle cost per fiscal year, stacked by category ($bn of constant dollars)."""
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    years = np.asarray(wide.index)
    bottom = np.zeros(len(years))
    for k, col in enumerate(c for c in wide.columns if c != "total"):
        vals = np.asarray(wide[col], float) / 1e9
        if not np.any(vals):
            continue
        ax.bar(years, vals, bottom=bottom, color=f"C{k}", label=col.replace("_", " "))
        bottom += vals
    ax.set_xlabel("fiscal year")
    ax.set_ylabel(f"$bn (FY{dollars_year} dollars)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / "cost_by_year.png")


def partner_bills(costs, public: dict, out_dir: Path, title: str) -> Path:
    """Each partner's bill under each sharing rule (grouped bars, $bn), with public figures as lines."""
    rules = list(dict.fromkeys(costs["rule"]))
    partners = list(dict.fromkeys(costs["partner"]))
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    width = 0.8 / len(partners)
    x = np.arange(len(rules))
    for k, p in enumerate(partners):
        sel = costs[costs["partner"] == p].set_index("rule").reindex(rules)
        ax.bar(x + (k - (len(partners) - 1) / 2) * width, sel["bill_usd"] / 1e9, width, label=p)
    for k, (label, usd) in enumerate(public.items()):
        ax.axhline(usd / 1e9, color=f"C{k + 2}", ls="--", lw=0.9, label=f"{label}: {usd / 1e9:,.0f} bn")
    ax.set_xticks(x, [r.replace("_", " ") for r in rules], fontsize=8)
    ax.set_ylabel("bill (billion US dollars)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / "partner_bills.png")


def deployment(table, n_target: int, out_dir: Path, title: str, deadline=None) -> Path:
    """Satellites in orbit month by month against the constellation's size (and a deadline, if any)."""
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    months = np.asarray(table["month"], dtype="datetime64[D]")
    ax.plot(months, table["in_orbit"], label="in orbit")
    ax.plot(months, np.cumsum(table["launches"]), color="C2", lw=0.8, label="launches flown (cumulative)")
    ax.axhline(n_target, color="C3", ls="--", lw=0.8, label=f"full constellation ({n_target:,})")
    if deadline is not None:
        ax.axvline(np.datetime64(deadline), color="0.3", ls=":", label=f"deadline {deadline}")
    ax.set_ylabel("satellites / launches")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / "deployment.png")


def cost_vs_capacity(rows, out_dir: Path, title: str) -> Path:
    """Lifecycle cost against salvo capacity for each SBI design, the Pareto front marked."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for k, (design, sel) in enumerate(rows.groupby("design", sort=False)):
        ax.plot(sel["salvo"], sel["total_usd"] / 1e9, "o-", color=f"C{k}", label=design)
    front = rows[rows["pareto"]]
    ax.plot(front["salvo"], front["total_usd"] / 1e9, "k*", ms=10, label="Pareto front")
    ax.set_xlabel("simultaneous ICBMs engaged (salvo capacity)")
    ax.set_ylabel("lifecycle cost, $bn")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _finish(fig, out_dir / "cost_vs_capacity.png")


def cost_vs_leakage(rows, out_dir: Path, title: str) -> Path:
    """P(no leaker) with its Wilson interval against the cost of each architecture."""
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    c = np.asarray(rows["cost_usd"], float) / 1e9
    p = np.asarray(rows["p_zero"], float)
    err = np.clip([p - rows["p_zero_lo"], rows["p_zero_hi"] - p], 0.0, None)
    ax.errorbar(c, p, yerr=err, fmt="o", capsize=3)
    for x, y, label in zip(c, p, rows["label"], strict=True):
        ax.annotate(label, (x, y), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("lifecycle cost, $bn")
    ax.set_ylabel("P(no warhead leaks)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    return _finish(fig, out_dir / "cost_vs_leakage.png")


def implied_inputs(curves, out_dir: Path, title: str) -> Path:
    """One panel per input a published figure implies: our total against the input (a line for every input but a
    quantity on a learning curve; gaps where a calibration has no solution), the published figure (dashed), the
    value as written (circle) and the implied one (star)."""
    groups = list(curves.groupby(["figure", "component", "parameter"], sort=False))
    cols = min(2, len(groups))
    rows = -(-len(groups) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.6 * rows), squeeze=False)
    for ax, ((label, comp, param), g) in zip(axes.flat, groups, strict=False):
        x, y = np.asarray(g["value"], float), np.asarray(g["total_usd"], float) / 1e9
        ax.plot(x, y, color="C0", label="ours")
        pub = float(g["published_usd"].iloc[0]) / 1e9
        ax.axhline(pub, color="C3", ls="--", lw=1, label=f"published {pub:,.0f}")
        written, implied = float(g["as_written"].iloc[0]), float(g["implied"].iloc[0])
        ok = np.isfinite(y)
        if ok.any():
            ax.plot([written], [np.interp(written, x[ok], y[ok])], "o", color="C0", label=f"as written {written:,.4g}")
        if implied == implied:
            ax.plot([implied], [pub], "*", ms=12, color="C3", label=f"implied {implied:,.4g}")
        ax.set_xlabel(f"{comp}.{param}".replace("_", " "), fontsize=8)
        ax.set_ylabel("$bn")
        ax.set_title(label, fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=10)
    return _finish(fig, out_dir / "implied_inputs.png")
