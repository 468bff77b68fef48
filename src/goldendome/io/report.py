"""One self-contained HTML page of a results folder: the figures (embedded, so the page reads offline and can be
mailed), the tables, and every assumption a total rests on.

``goldendome report DIR`` looks in DIR and its sub-folders for what the other commands wrote:

* Monte Carlo studies (``goldendome mc``: study.json, or salvo-K / raid-R sub-studies): P(no leaker) with Wilson
  intervals, expected leakers, outcomes by layer, leakers by asset, the map of impacts, leakage against salvo size,
  and for a raid sweep how the defence saturates (:func:`saturation_table`, saturation.png);
* cost studies (``goldendome cost --out``: cost.json): totals by component and year, the published figures beside
  ours, the deployment schedule and its deadline, each partner's bill, cost-effectiveness;
* SBI sizing (``goldendome sbi size --out``: sizing.parquet): the size of the shell for each design point;
* single runs (``goldendome run --out``: summary.json of kind run): the battle's headline.

Each section's figures are drawn into its folder (if not there already) and embedded as PNG data.
"""

import base64
import datetime as dt
import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from goldendome import __version__
from goldendome.analysis.battle_stats import impact_points, study_stats
from goldendome.analysis.cost import format_input
from goldendome.effectors.interceptors import Layer
from goldendome.engine.battle import defended_assets
from goldendome.engine.montecarlo import connect
from goldendome.engine.study import raid_missiles, study_folders, study_scenario, sweep_folders

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #333}h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #aaa}
h3{font-size:1.05em}table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:right}th{background:#f0f0f0}
td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #ddd;margin:.5em 0}
.note{color:#555;font-size:.9em}.bad{color:#b00}.good{color:#070}ul.assumptions li{font-size:.88em;margin:.2em 0}
"""


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame, formats: dict | None = None) -> str:
    formats = formats or {}
    out = ["<table><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns) + "</tr>"]
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, row, strict=True):
            f = formats.get(c)
            if f is not None and isinstance(v, (int, float, np.integer, np.floating)) and v == v:
                text = f(v) if callable(f) else format(v, f)
            elif isinstance(v, float) and v != v:
                text = "–"
            else:
                text = str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out) + "</table>"


def _bn(v) -> str:
    return f"{v / 1e9:,.1f}"


def _layer_order(name: str) -> tuple[int, str]:
    """Layers from the first to get a shot to the last: boost (the SBIs), then the battle manager's hand-over
    order; any other after, by name."""
    order = ["boost", *(ly.value for ly in Layer)]
    return (order.index(name), "") if name in order else (len(order), name)


def saturation_table(root: Path, confidence: float = 0.95) -> pd.DataFrame:
    """How the defence saturates: one row per raid-R sub-study of root (``goldendome mc --raid``), in increasing R.

    Columns, each a mean per trial unless named otherwise:

    * ``missiles``: missiles launched (the raid size R); ``entries``: threat entries left after scaling; ``trials``;
    * ``lethal``: lethal objects (re-entry vehicles, glide vehicles, cruise missiles), decoys not counted;
    * ``p_zero``, ``p_zero_lo``, ``p_zero_hi``: the probability that no lethal object leaks, Wilson interval;
    * ``leakers``, ``leakers_lo``, ``leakers_hi``: lethal objects that leak, normal interval on the mean (floored
      at 0); ``leaked_fraction`` (and _lo, _hi): the same divided by ``lethal``;
    * ``rounds_<layer>``: interceptors fired by each layer (boost = SBIs; 0 where a layer never fired), ``rounds``
      their sum;
    * ``cost_musd``: cost of the interceptors fired (US$ million); ``cost_per_missile_musd``: that per missile
      launched; ``study``: the sub-study's folder name.

    Read from the trials' Parquet tables through DuckDB (:func:`goldendome.analysis.battle_stats.study_stats` and
    the trials' ``rounds_<layer>`` columns). Empty when root holds no raid sweep.
    """
    rows = []
    for folder in sweep_folders(root, "raid"):
        st = study_stats(folder, confidence)
        scn = study_scenario(folder)
        con = connect(folder)
        names = [c for c in con.execute("DESCRIBE trials").df().column_name if c.startswith("rounds_")]
        means = (
            con.execute("SELECT " + ", ".join(f'avg(coalesce("{c}", 0))' for c in names) + " FROM trials").fetchone()
            if names
            else ()
        )
        lethal = st.lethal_per_trial

        def per(v, lethal=lethal):
            return max(v, 0.0) / lethal if lethal > 0 else float("nan")

        missiles = raid_missiles(scn)
        row = {
            "missiles": missiles,
            "entries": len(scn.threats),
            "trials": st.trials,
            "lethal": lethal,
            "p_zero": st.p_zero,
            "p_zero_lo": st.p_zero_ci[0],
            "p_zero_hi": st.p_zero_ci[1],
            "leakers": st.leakers_mean,
            "leakers_lo": max(st.leakers_ci[0], 0.0),
            "leakers_hi": max(st.leakers_ci[1], 0.0),
            "leaked_fraction": per(st.leakers_mean),
            "leaked_fraction_lo": per(st.leakers_ci[0]),
            "leaked_fraction_hi": per(st.leakers_ci[1]),
        }
        row.update({c: float(m) for c, m in zip(names, means, strict=True)})
        row.update(
            {
                "cost_musd": st.cost_mean_musd,
                "cost_per_missile_musd": st.cost_mean_musd / missiles,
                "study": folder.name,
            }
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    if not len(table):
        return table
    layers = sorted((c for c in table.columns if c.startswith("rounds_")), key=lambda c: _layer_order(c[7:]))
    table[layers] = table[layers].fillna(0.0)
    table["rounds"] = table[layers].sum(axis=1)
    head = [
        c
        for c in table.columns
        if c not in layers and c not in ("rounds", "cost_musd", "cost_per_missile_musd", "study")
    ]
    return table[[*head, *layers, "rounds", "cost_musd", "cost_per_missile_musd", "study"]]


def saturation_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The saturation table laid out to read (report and command line): short headings, intervals as 'lo–hi', one
    column per layer's rounds; every figure but the missiles and the trials is a mean per trial."""
    out = pd.DataFrame(
        {
            "missiles": table.missiles,
            "trials": table.trials,
            "lethal": table.lethal,
            "P(no leaker)": table.p_zero,
            "95 % CI": [f"{a:.3f}–{b:.3f}" for a, b in zip(table.p_zero_lo, table.p_zero_hi, strict=True)],
            "leakers": table.leakers,
            "95 % CI ": [f"{a:.1f}–{b:.1f}" for a, b in zip(table.leakers_lo, table.leakers_hi, strict=True)],
            "leaked": table.leaked_fraction,
        }
    )
    for c in (c for c in table.columns if c.startswith("rounds_")):
        out[c.removeprefix("rounds_").replace("_", " ")] = table[c]
    out["rounds"] = table.rounds
    out["cost $M"] = table.cost_musd
    out["$M/missile"] = table.cost_per_missile_musd
    return out


SATURATION_NOTE = (
    "every threat entry's count scaled in proportion, the defence the same in every row; per trial: "
    "lethal objects (RVs), leakers, leaked = leakers / lethal, rounds fired by layer (boost = SBIs) "
    "and in all, cost $M of the interceptors fired"
)
"""What the saturation table's short headings mean (written once, beside the table, in the report and the CLI)."""


def _saturation_html(root: Path, name: str) -> tuple[str, Path | None]:
    """The raid sweep's table and figure (empty when root holds no raid-R sub-studies)."""
    from goldendome.io import plots  # lazy: matplotlib loads only when figures are drawn (start-up time)

    table = saturation_table(root)
    if not len(table):
        return "", None
    fig = plots.saturation(table, root, f"{name}: how the defence saturates as the raid grows")
    rows = saturation_rows(table)
    fmts = dict.fromkeys(rows.columns, ".1f")
    fmts.update(
        {
            "missiles": ",.0f",
            "trials": ",.0f",
            "P(no leaker)": ".3f",
            "leakers": ".2f",
            "leaked": ".3f",
            "cost $M": ",.0f",
        }
    )
    text = (
        f"<h3>How the defence saturates (raid sweep)</h3><p class='note'>Each row: the scenario launching that "
        f"many missiles; {html.escape(SATURATION_NOTE)}.</p>" + _table(rows, fmts)
    )
    return text, fig


def _mc_section(root: Path) -> str:
    from goldendome.io import plots  # lazy: matplotlib loads only when figures are drawn (start-up time)

    folders = study_folders(root)
    stats = [study_stats(f) for f in folders]
    scn = study_scenario(root if (root / "scenario.json").exists() else folders[-1])
    sizes = [len(study_scenario(f).threats) for f in folders]
    cut = [k for k, f in enumerate(folders) if not f.name.startswith("raid-")]  # a raid's entries are no salvo size
    figs = []
    if cut:
        figs.append(
            plots.leakage_vs_salvo(
                [sizes[k] for k in cut],
                [stats[k].p_zero for k in cut],
                [stats[k].p_zero_ci for k in cut],
                [stats[k].leakers_mean for k in cut],
                [stats[k].leakers_ci for k in cut],
                root,
                f"{scn.name}: leakage against salvo size",
            )
        )
    saturation_text, saturation_fig = _saturation_html(root, scn.name)
    if saturation_fig is not None:
        figs.insert(0, saturation_fig)
    figs.append(plots.layer_outcomes(stats[-1].layers, root, f"{scn.name}: outcomes by layer"))
    assets = defended_assets(scn)
    figs.append(
        plots.impact_map(
            impact_points(folders[-1]),
            np.degrees(assets.lat_rad),
            np.degrees(assets.lon_rad),
            root,
            f"{scn.name}: where the leakers came down ({stats[-1].trials:,} trials)",
        )
    )
    rows = pd.DataFrame(
        [
            {
                "study": f.name if f != root else scn.name,
                "threats": n,
                "missiles": raid_missiles(study_scenario(f)),
                "trials": s.trials,
                "P(no leaker)": s.p_zero,
                "95 % CI": f"{s.p_zero_ci[0]:.3f}–{s.p_zero_ci[1]:.3f}",
                "leakers / trial": s.leakers_mean,
                "cost / trial $M": s.cost_mean_musd,
                "$M / engagement": s.cost_per_engagement_musd,
            }
            for f, n, s in zip(folders, sizes, stats, strict=True)
        ]
    )
    parts = [
        f"<h2>Monte Carlo: {html.escape(scn.name)}</h2>",
        f"<p>{html.escape(scn.description)}</p>",
        _table(
            rows,
            {
                "P(no leaker)": ".3f",
                "leakers / trial": ".2f",
                "cost / trial $M": ",.0f",
                "$M / engagement": ",.1f",
                "missiles": ",.0f",
            },
        ),
        saturation_text,
    ]
    last = stats[-1]
    parts.append("<h3>By layer (per trial)</h3>" + _table(last.layers, {c: ".2f" for c in last.layers.columns}))
    if len(last.assets):
        a = last.assets[["asset", "expected_leakers", "p_struck", "p_struck_lo", "p_struck_hi"]].head(20)
        parts.append("<h3>Leakers by defended asset</h3>" + _table(a, {c: ".3f" for c in a.columns}))
    if len(last.timeline):
        parts.append(
            "<h3>Timeline (s after the epoch)</h3>" + _table(last.timeline, {c: ",.0f" for c in last.timeline.columns})
        )
    parts += [_img(p) for p in figs]
    return "\n".join(parts)


def _cost_section(folder: Path) -> str:
    c = json.loads((folder / "cost.json").read_text())
    title = c["study"] + "".join(f" — {k} {c[k]}" for k in ("alternative", "variant") if c.get(k))
    parts = [
        f"<h2>Cost: {html.escape(title)}</h2>",
        f"<p><b>Total ${c['total_usd'] / 1e9:,.1f} billion</b> in constant FY{c['dollars_year']} dollars over "
        f"FY{c['start_year']}–FY{c['start_year'] + c['horizon_years'] - 1} (acquisition "
        f"${c['acquisition_usd'] / 1e9:,.1f}bn, operations ${c['operations_usd'] / 1e9:,.1f}bn).</p>",
    ]
    comp = pd.DataFrame(c["by_component"])
    parts.append("<h3>By component, $bn</h3>" + _table(comp, {k: _bn for k in comp.columns if k != "component"}))
    if c["published"]:
        pub = pd.DataFrame(c["published"])
        pub["within_tolerance"] = (
            pub["within_tolerance"].astype(object).where(pub["within_tolerance"].notna(), "a budget, not a check")
        )
        pub = pub[
            [
                "label",
                "published_usd",
                "ours_usd",
                "rel_diff",
                "rel_tolerance",
                "within_tolerance",
                "calibrated",
                "source",
            ]
        ]
        parts.append(
            "<h3>Beside the published figures</h3>"
            + _table(
                pub,
                {
                    "published_usd": _bn,
                    "ours_usd": _bn,
                    "rel_diff": lambda v: f"{100 * v:+.1f} %",
                    "rel_tolerance": lambda v: f"±{100 * v:g} %",
                },
            )
        )
    if c.get("implied"):
        imp = pd.DataFrame(c["implied"])
        for col in ("as_written", "implied"):
            imp[col] = [
                format_input(p, float("nan") if v is None else v) for p, v in zip(imp.parameter, imp[col], strict=True)
            ]
        imp = imp[["figure", "component", "parameter", "as_written", "implied", "ratio", "note"]]
        parts.append(
            "<h3>What the published figures imply</h3><p class='note'>Each input solved so that our total "
            "equals the figure, the calibrations held.</p>" + _table(imp, {"ratio": ".2f"})
        )
    if c["schedule"]:
        s = c["schedule"]
        parts.append(
            f"<h3>Deployment</h3><p>{s['plan']['n_satellites']:,} {html.escape(s['plan']['satellite_name'])}s"
            f", {s['mean_satellites_per_launch']:.0f} a launch: initial capability {s['initial_capability']}, "
            f"full capability {s['full_capability'] or 'never'} (bound by {s['binding']}); to sustain, "
            f"{s['replacements_per_year']:,.0f} replacements and {s['launches_per_year_steady']:,.0f} "
            "launches a year.</p>"
        )
        if c["deadline"]:
            cls = "good" if c["deadline"]["met"] else "bad"
            parts.append(f'<p class="{cls}">{html.escape(c["deadline"]["message"])}</p>')
    sh = pd.DataFrame(c["sharing"])
    if len(sh):
        wide = sh.pivot(index="rule", columns="partner", values="bill_usd").reindex(list(dict.fromkeys(sh.rule)))
        wide = wide.reset_index()
        parts.append(
            "<h3>Who pays ($bn, by sharing rule)</h3>" + _table(wide, {k: _bn for k in wide.columns if k != "rule"})
        )
        pub = pd.DataFrame(c["public"])
        if len(pub):
            p = pub.drop_duplicates("figure")[
                ["figure_label", "figure_value", "figure_currency", "figure_date", "caveat"]
            ]
            parts.append(
                "<p class='note'>Public figures to set beside Canada's bill (read the caveats):</p>"
                + _table(p, {"figure_value": _bn})
            )
    for key, label in (
        ("exchange", "Cost-exchange ratio"),
        ("sizing", "Cost of salvo capacity"),
        ("leakage", "Cost against leakage"),
    ):
        if c.get(key):
            df = pd.DataFrame(c[key])
            fmts = {k: (_bn if k.endswith("_usd") else ".3g") for k in df.columns}
            parts.append(f"<h3>{label}</h3>" + _table(df, fmts))
    for png in (
        "cost_by_year.png",
        "implied_inputs.png",
        "deployment.png",
        "partner_bills.png",
        "cost_vs_capacity.png",
        "cost_vs_leakage.png",
    ):
        if (folder / png).exists():
            parts.append(_img(folder / png))
    parts.append(
        "<h3>The assumptions these totals rest on</h3><ul class='assumptions'>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in c["assumptions"])
        + "</ul>"
    )
    return "\n".join(parts)


def _sizing_section(folder: Path) -> str:
    s = json.loads((folder / "summary.json").read_text())
    rows = pd.DataFrame(s["rows"])
    keep = [
        k
        for k in (
            "sweep",
            "label",
            "missile",
            "salvo",
            "altitude_km",
            "delta_v_mps",
            "simulated_sbis",
            "analytic_sbis",
            "absentee_ratio",
            "mass_in_orbit_t",
            "infeasible",
        )
        if k in rows
    ]
    parts = [
        f"<h2>SBI sizing: {html.escape(s['study'].get('name', ''))}</h2>",
        _table(rows[keep], {"analytic_sbis": ",.0f", "absentee_ratio": ",.0f", "mass_in_orbit_t": ",.0f"}),
    ]
    parts += [_img(p) for p in sorted(folder.glob("*.png"))]
    return "\n".join(parts)


def _run_section(folder: Path) -> str:
    s = json.loads((folder / "summary.json").read_text())
    parts = [f"<h2>Run: {html.escape(s['scenario'])}</h2>"]
    b = s.get("battle")
    if b:
        parts.append(
            f"<p>{b['leakers']} of {b['lethal_objects']} lethal objects leaked; {b['killed']} destroyed; "
            f"interceptor cost ${b['cost_musd']:,.0f}M.</p>"
        )
        if b["layers"]:
            parts.append(_table(pd.DataFrame(b["layers"]), {"cost_musd": ",.0f"}))
    parts += [_img(p) for p in sorted(folder.glob("*.png"))]
    return "\n".join(parts)


def build_report(root: Path) -> tuple[Path, list[str]]:
    """Write root/report.html from everything found in root and its sub-folders; returns (path, section titles)."""
    root = Path(root)
    sections, found = [], []
    subs = (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "salvo-", "raid-")))
    candidates = [root, *sorted(subs)]
    for folder in candidates:
        if folder.parent == root and folder.name in ("trials", "events"):
            continue
        if study_folders(folder):
            sections.append(_mc_section(folder))
            found.append(f"Monte Carlo ({folder.name})")
        if (folder / "cost.json").exists():
            sections.append(_cost_section(folder))
            found.append(f"cost ({folder.name})")
        summary = folder / "summary.json"
        if summary.exists():
            kind = json.loads(summary.read_text()).get("kind")
            if kind == "sbi-sizing":
                sections.append(_sizing_section(folder))
                found.append(f"SBI sizing ({folder.name})")
            elif kind == "run":
                sections.append(_run_section(folder))
                found.append(f"run ({folder.name})")
    if not sections:
        raise ValueError(
            f"{root}: nothing to report (no Monte Carlo study, cost.json, sizing or run summary); run "
            "goldendome mc / cost / sbi size / run with --out there first"
        )
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>goldendome report: {html.escape(root.name)}"
        f"</title><style>{CSS}</style></head><body><h1>goldendome report: {html.escape(root.name)}</h1>"
        f"<p class='note'>goldendome {__version__}, written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Every "
        "figure below comes from public physics and the sourced defaults named in the assumptions.</p>"
        + "\n".join(sections)
        + "</body></html>"
    )
    path = root / "report.html"
    path.write_text(page)
    return path, found
