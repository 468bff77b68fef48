"""One self-contained HTML page of a results folder: the figures (embedded, so the page reads offline and can be
mailed), the tables, and every assumption a total rests on.

``goldendome report DIR`` looks in DIR and its sub-folders for what the other commands wrote:

* Monte Carlo studies (``goldendome mc``: study.json, or salvo-K sub-studies): P(no leaker) with Wilson intervals,
  expected leakers, outcomes by layer, leakers by asset, the map of impacts, leakage against salvo size;
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


def _mc_section(root: Path) -> str:
    from goldendome.analysis.battle_stats import impact_points, study_stats
    from goldendome.engine.battle import defended_assets
    from goldendome.engine.study import study_folders, study_scenario
    from goldendome.io import plots

    folders = study_folders(root)
    stats = [study_stats(f) for f in folders]
    scn = study_scenario(root if (root / "scenario.json").exists() else folders[-1])
    sizes = [len(study_scenario(f).threats) for f in folders]
    figs = [plots.leakage_vs_salvo(sizes, [s.p_zero for s in stats], [s.p_zero_ci for s in stats],
                                   [s.leakers_mean for s in stats], [s.leakers_ci for s in stats], root,
                                   f"{scn.name}: leakage against salvo size")]  # fmt: skip
    figs.append(plots.layer_outcomes(stats[-1].layers, root, f"{scn.name}: outcomes by layer"))
    assets = defended_assets(scn)
    figs.append(plots.impact_map(impact_points(folders[-1]), np.degrees(assets.lat_rad), np.degrees(assets.lon_rad),
                                 root, f"{scn.name}: where the leakers came down ({stats[-1].trials:,} trials)"))
    rows = pd.DataFrame([{
        "study": f.name if f != root else scn.name, "threats": n, "trials": s.trials,
        "P(no leaker)": s.p_zero, "95 % CI": f"{s.p_zero_ci[0]:.3f}–{s.p_zero_ci[1]:.3f}",
        "leakers / trial": s.leakers_mean, "cost / trial $M": s.cost_mean_musd,
        "$M / engagement": s.cost_per_engagement_musd,
    } for f, n, s in zip(folders, sizes, stats, strict=True)])  # fmt: skip
    parts = [f"<h2>Monte Carlo: {html.escape(scn.name)}</h2>", f"<p>{html.escape(scn.description)}</p>",
             _table(rows, {"P(no leaker)": ".3f", "leakers / trial": ".2f", "cost / trial $M": ",.0f",
                           "$M / engagement": ",.1f"})]  # fmt: skip
    last = stats[-1]
    parts.append("<h3>By layer (per trial)</h3>" + _table(last.layers, {c: ".2f" for c in last.layers.columns}))
    if len(last.assets):
        a = last.assets[["asset", "expected_leakers", "p_struck", "p_struck_lo", "p_struck_hi"]].head(20)
        parts.append("<h3>Leakers by defended asset</h3>" + _table(a, {c: ".3f" for c in a.columns}))
    if len(last.timeline):
        parts.append("<h3>Timeline (s after the epoch)</h3>" + _table(last.timeline, {c: ",.0f" for c in
                                                                                       last.timeline.columns}))
    parts += [_img(p) for p in figs]
    return "\n".join(parts)


def _cost_section(folder: Path) -> str:
    c = json.loads((folder / "cost.json").read_text())
    title = c["study"] + "".join(f" — {k} {c[k]}" for k in ("alternative", "variant") if c.get(k))
    parts = [f"<h2>Cost: {html.escape(title)}</h2>",
             f"<p><b>Total ${c['total_usd'] / 1e9:,.1f} billion</b> in constant FY{c['dollars_year']} dollars over "
             f"FY{c['start_year']}–FY{c['start_year'] + c['horizon_years'] - 1} (acquisition "
             f"${c['acquisition_usd'] / 1e9:,.1f}bn, operations ${c['operations_usd'] / 1e9:,.1f}bn).</p>"]
    comp = pd.DataFrame(c["by_component"])
    parts.append("<h3>By component, $bn</h3>" + _table(comp, {k: _bn for k in comp.columns if k != "component"}))
    if c["published"]:
        pub = pd.DataFrame(c["published"])
        pub["within_tolerance"] = pub["within_tolerance"].astype(object).where(pub["within_tolerance"].notna(),
                                                                               "a budget, not a check")  # fmt: skip
        pub = pub[["label", "published_usd", "ours_usd", "rel_diff", "rel_tolerance", "within_tolerance",
                   "calibrated", "source"]]  # fmt: skip
        parts.append("<h3>Beside the published figures</h3>" + _table(
            pub, {"published_usd": _bn, "ours_usd": _bn, "rel_diff": lambda v: f"{100 * v:+.1f} %",
                  "rel_tolerance": lambda v: f"±{100 * v:g} %"}))  # fmt: skip
    if c.get("implied"):
        from goldendome.analysis.cost import format_input

        imp = pd.DataFrame(c["implied"])
        for col in ("as_written", "implied"):
            imp[col] = [format_input(p, float("nan") if v is None else v) for p, v in zip(imp.parameter, imp[col],
                                                                                         strict=True)]  # fmt: skip
        imp = imp[["figure", "component", "parameter", "as_written", "implied", "ratio", "note"]]
        parts.append("<h3>What the published figures imply</h3><p class='note'>Each input solved so that our total "
                     "equals the figure, the calibrations held.</p>" + _table(imp, {"ratio": ".2f"}))  # fmt: skip
    if c["schedule"]:
        s = c["schedule"]
        parts.append(f"<h3>Deployment</h3><p>{s['plan']['n_satellites']:,} {html.escape(s['plan']['satellite_name'])}s"
                     f", {s['mean_satellites_per_launch']:.0f} a launch: initial capability {s['initial_capability']}, "
                     f"full capability {s['full_capability'] or 'never'} (bound by {s['binding']}); to sustain, "
                     f"{s['replacements_per_year']:,.0f} replacements and {s['launches_per_year_steady']:,.0f} "
                     "launches a year.</p>")  # fmt: skip
        if c["deadline"]:
            cls = "good" if c["deadline"]["met"] else "bad"
            parts.append(f'<p class="{cls}">{html.escape(c["deadline"]["message"])}</p>')
    sh = pd.DataFrame(c["sharing"])
    if len(sh):
        wide = sh.pivot(index="rule", columns="partner", values="bill_usd").reindex(list(dict.fromkeys(sh.rule)))
        wide = wide.reset_index()
        parts.append("<h3>Who pays ($bn, by sharing rule)</h3>" + _table(wide, {k: _bn for k in wide.columns
                                                                                if k != "rule"}))  # fmt: skip
        pub = pd.DataFrame(c["public"])
        if len(pub):
            p = pub.drop_duplicates("figure")[["figure_label", "figure_value", "figure_currency", "figure_date",
                                               "caveat"]]  # fmt: skip
            parts.append("<p class='note'>Public figures to set beside Canada's bill (read the caveats):</p>"
                         + _table(p, {"figure_value": _bn}))  # fmt: skip
    for key, label in (("exchange", "Cost-exchange ratio"), ("sizing", "Cost of salvo capacity"),
                       ("leakage", "Cost against leakage")):
        if c.get(key):
            df = pd.DataFrame(c[key])
            fmts = {k: (_bn if k.endswith("_usd") else ".3g") for k in df.columns}
            parts.append(f"<h3>{label}</h3>" + _table(df, fmts))
    for png in ("cost_by_year.png", "implied_inputs.png", "deployment.png", "partner_bills.png",
                "cost_vs_capacity.png", "cost_vs_leakage.png"):
        if (folder / png).exists():
            parts.append(_img(folder / png))
    parts.append("<h3>The assumptions these totals rest on</h3><ul class='assumptions'>" + "".join(
        f"<li>{html.escape(a)}</li>" for a in c["assumptions"]) + "</ul>")  # fmt: skip
    return "\n".join(parts)


def _sizing_section(folder: Path) -> str:
    s = json.loads((folder / "summary.json").read_text())
    rows = pd.DataFrame(s["rows"])
    keep = [k for k in ("sweep", "label", "missile", "salvo", "altitude_km", "delta_v_mps", "simulated_sbis",
                        "analytic_sbis", "absentee_ratio", "mass_in_orbit_t", "infeasible") if k in rows]  # fmt: skip
    parts = [f"<h2>SBI sizing: {html.escape(s['study'].get('name', ''))}</h2>",
             _table(rows[keep], {"analytic_sbis": ",.0f", "absentee_ratio": ",.0f", "mass_in_orbit_t": ",.0f"})]
    parts += [_img(p) for p in sorted(folder.glob("*.png"))]
    return "\n".join(parts)


def _run_section(folder: Path) -> str:
    s = json.loads((folder / "summary.json").read_text())
    parts = [f"<h2>Run: {html.escape(s['scenario'])}</h2>"]
    b = s.get("battle")
    if b:
        parts.append(f"<p>{b['leakers']} of {b['lethal_objects']} lethal objects leaked; {b['killed']} destroyed; "
                     f"interceptor cost ${b['cost_musd']:,.0f}M.</p>")  # fmt: skip
        if b["layers"]:
            parts.append(_table(pd.DataFrame(b["layers"]), {"cost_musd": ",.0f"}))
    parts += [_img(p) for p in sorted(folder.glob("*.png"))]
    return "\n".join(parts)


def build_report(root: Path) -> tuple[Path, list[str]]:
    """Write root/report.html from everything found in root and its sub-folders; returns (path, section titles)."""
    from goldendome.engine.study import study_folders

    root = Path(root)
    sections, found = [], []
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "salvo-")))]
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
        raise ValueError(f"{root}: nothing to report (no Monte Carlo study, cost.json, sizing or run summary); run "
                         "goldendome mc / cost / sbi size / run with --out there first")  # fmt: skip
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>goldendome report: {html.escape(root.name)}"
            f"</title><style>{CSS}</style></head><body><h1>goldendome report: {html.escape(root.name)}</h1>"
            f"<p class='note'>goldendome {__version__}, written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Every "
            "figure below comes from public physics and the sourced defaults named in the assumptions.</p>"
            + "\n".join(sections) + "</body></html>")  # fmt: skip
    path = root / "report.html"
    path.write_text(page)
    return path, found
