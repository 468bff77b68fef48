"""One self-contained HTML page of a results folder that reads like a publication: a summary of the headline figures
in sentences first, then a section per study with its tables and figures (embedded, so the page reads offline and
can be mailed), and every assumption a total rests on.

``goldendome report DIR`` looks in DIR and its sub-folders for what the other commands wrote:

* Monte Carlo studies (``goldendome mc``: study.json, or salvo-K / raid-R sub-studies): P(no leaker) with Wilson
  intervals, leakers per trial with an interval made for mean counts (never below zero), outcomes by layer, leakers
  by asset, the map of impacts over coastlines and borders, leakage against salvo size, and for a raid sweep how the
  defence saturates (:func:`saturation_table`, saturation.png);
* cost studies (``goldendome cost --out``: cost.json): totals by component, the published figures beside ours, what
  they imply, the deployment schedule and its deadline, each partner's bill, cost-effectiveness;
* SBI sizing (``goldendome sbi size --out``: sizing.parquet): the size of the shell for each design point;
* sensor coverage (``goldendome coverage --out``: summary.json of kind coverage): each layer's coverage and maps;
* single runs (``goldendome run --out``: summary.json of kind run): the battle's headline.

Every table goes through :mod:`goldendome.io.present` (human headings with units, money in one unit per table, no
code-style name), every figure has a caption. Each section's figures are drawn into its folder (if not there
already) and embedded as PNG data.
"""

import datetime as dt
import html
import json
from dataclasses import dataclass, field
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
from goldendome.io.present import (
    COLUMNS,
    VALUES,
    Column,
    figure_html,
    format_money,
    format_number,
    html_page,
    html_table,
)

METHODS = (
    "Intervals are 95 % confidence intervals over the Monte Carlo trials. A probability (no leaker, an asset "
    "struck) has Wilson's score interval (Wilson 1927), which stays within 0 and 1. A mean count (leakers per "
    "trial) has Garwood's exact Poisson interval on the total count divided by the trials (Garwood 1936), widened "
    "by the counts' variance-to-mean ratio when they vary more than Poisson counts do (quasi-Poisson, McCullagh & "
    "Nelder 1989); it never goes below zero. Maps: coastlines and national borders from Natural Earth's 1:110m "
    "countries (public domain), shipped with goldendome and drawn offline. Money is in constant dollars of the "
    "year each cost study names; each table prints all its money in one unit, named in its headings."
)
"""How the page's intervals and maps are made (its closing section)."""


@dataclass
class Section:
    """One section of the page: its title, the sentences it adds to the summary, its HTML."""

    title: str
    summary: list[str] = field(default_factory=list)
    body: str = ""


def _esc(text) -> str:
    return html.escape(str(text))


def _p(v: float, digits: int = 3) -> str:
    return "–" if v is None or v != v else f"{v:.{digits}f}"


def _interval(lo: float, hi: float, digits: int = 3) -> str:
    return f"{_p(lo, digits)}–{_p(hi, digits)}"


def _count(v: float) -> str:
    """A mean count for a sentence (two significant digits below 10)."""
    return format_number(v, 2 if abs(v) < 10 else 3)


def _sentence(text: str) -> str:
    """A message as a sentence: capital first, full stop last."""
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


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
    * ``leakers``, ``leakers_lo``, ``leakers_hi``: lethal objects that leak, with the interval of a mean count
      (:func:`goldendome.analysis.leakage.mean_count_interval`: never below 0, nor above ``lethal``);
      ``leaked_fraction`` (and _lo, _hi): the same divided by ``lethal``;
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
            "leakers_lo": st.leakers_ci[0],
            "leakers_hi": st.leakers_ci[1],
            "leaked_fraction": per(st.leakers_mean),
            "leaked_fraction_lo": per(st.leakers_ci[0]),
            "leaked_fraction_hi": min(per(st.leakers_ci[1]), 1.0),
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


def _rounds_labels(columns) -> dict:
    """Headings of the saturation table's ``rounds_<layer>`` columns, for layers the catalogue does not name too."""
    return {
        c: Column(f"Fired: {VALUES['layer'].get(c[7:], c[7:].replace('_', ' '))}")
        for c in columns
        if c.startswith("rounds_")
    }


def _study_label(folder: Path, root: Path, name: str) -> str:
    if folder == root:
        return name
    kind, _, n = folder.name.partition("-")
    return {"salvo": f"salvo of {n}", "raid": f"raid of {n} missiles"}.get(kind, folder.name)


def _saturation_html(root: Path, name: str) -> tuple[str, Path | None, list[str]]:
    """The raid sweep's table, figure and summary sentence (empty when root holds no raid-R sub-studies)."""
    from goldendome.io import plots  # lazy: matplotlib loads only when figures are drawn (start-up time)

    table = saturation_table(root)
    if not len(table):
        return "", None, []
    fig = plots.saturation(table, root, f"{name}: how the defence saturates as the raid grows")
    shown = table.drop(columns=["study", "entries"])
    text = "<h3>How the defence saturates (raid sweep)</h3>" + html_table(
        shown,
        labels=_rounds_labels(shown.columns) | {"rounds": Column("Fired: all layers")},
        caption=(
            "Each row: the scenario launching that many missiles, every threat entry's count scaled in proportion, "
            "the same defence. Per trial: lethal objects (warheads), leakers, the share leaked, interceptors fired "
            "by layer (boost = SBIs) and their cost."
        ),
        key=["missiles"],
    )
    first, last = table.iloc[0], table.iloc[-1]
    sentence = (
        f"As the raid grows from {first.missiles:,.0f} to {last.missiles:,.0f} missiles, the share of lethal objects "
        f"that leak goes from {_p(first.leaked_fraction, 2)} to {_p(last.leaked_fraction, 2)} and P(no leaker) from "
        f"{_p(first.p_zero, 2)} to {_p(last.p_zero, 2)}."
    )
    return text, fig, [sentence]


def _mc_section(root: Path) -> Section:
    from goldendome.io import plots  # lazy: matplotlib loads only when figures are drawn (start-up time)

    folders = study_folders(root)
    stats = [study_stats(f) for f in folders]
    scn = study_scenario(root if (root / "scenario.json").exists() else folders[-1])
    sizes = [len(study_scenario(f).threats) for f in folders]
    labels = [_study_label(f, root, scn.name) for f in folders]
    cut = [k for k, f in enumerate(folders) if not f.name.startswith("raid-")]  # a raid's entries are no salvo size
    figs = []
    if len(cut) > 1:
        figs.append(
            (
                plots.leakage_vs_salvo(
                    [sizes[k] for k in cut],
                    [stats[k].p_zero for k in cut],
                    [stats[k].p_zero_ci for k in cut],
                    [stats[k].leakers_mean for k in cut],
                    [stats[k].leakers_ci for k in cut],
                    root,
                    f"{scn.name}: leakage against salvo size",
                ),
                "Leakage against salvo size: P(no leaker) with its Wilson 95 % interval (left), leakers per trial "
                "with its 95 % interval for a mean count (right).",
            )
        )
    saturation_text, saturation_fig, saturation_summary = _saturation_html(root, scn.name)
    if saturation_fig is not None:
        figs.insert(
            0,
            (
                saturation_fig,
                "How the defence saturates: (a) leakage with its 95 % bands, (b) interceptors fired per trial by "
                "layer beside the lethal objects they face, (c) the cost of the interceptors fired.",
            ),
        )
    last, last_folder = stats[-1], folders[-1]
    figs.append(
        (
            plots.layer_outcomes(last.layers, root, f"{scn.name}: outcomes by layer"),
            f"What each layer's interceptors achieved per trial ({labels[-1]}).",
        )
    )
    assets = defended_assets(scn)
    points = impact_points(last_folder)
    figs.append(
        (
            plots.impact_map(
                points,
                np.degrees(assets.lat_rad),
                np.degrees(assets.lon_rad),
                root,
                f"{scn.name}: where the leakers came down ({last.trials:,} trials)",
                assets_names=assets.names,
            ),
            f"Where the leakers came down over {last.trials:,} trials ({labels[-1]}; one dot per leaker, jittered "
            "so that piles show), and the defended assets (open squares).",
        )
    )
    rows = pd.DataFrame(
        {
            "study": labels,
            "threats": sizes,
            "missiles": [raid_missiles(study_scenario(f)) for f in folders],
            "trials": [s.trials for s in stats],
            "lethal_per_trial": [s.lethal_per_trial for s in stats],
            "p_zero": [s.p_zero for s in stats],
            "p_zero_lo": [s.p_zero_ci[0] for s in stats],
            "p_zero_hi": [s.p_zero_ci[1] for s in stats],
            "leakers_mean": [s.leakers_mean for s in stats],
            "leakers_mean_lo": [s.leakers_ci[0] for s in stats],
            "leakers_mean_hi": [s.leakers_ci[1] for s in stats],
            "cost_mean_musd": [s.cost_mean_musd for s in stats],
            "cost_per_engagement_musd": [s.cost_per_engagement_musd for s in stats],
        }
    )
    parts = [
        f"<p>{_esc(scn.description)}</p>" if scn.description else "",
        html_table(rows, caption="Leakage and cost, one row per study (intervals: 95 %).", money_unit="M"),
        saturation_text,
    ]
    if len(last.layers):
        layers = last.layers.copy()
        layers = layers.iloc[sorted(range(len(layers)), key=lambda k: _layer_order(layers.layer.iloc[k]))]
        parts.append(
            "<h3>By layer</h3>"
            + html_table(layers, caption=f"Means per trial ({labels[-1]}, {last.trials:,} trials).", money_unit="M")
        )
    if len(last.assets):
        a = last.assets[["asset", "expected_leakers", "p_struck", "p_struck_lo", "p_struck_hi"]].head(20)
        parts.append(
            "<h3>Leakers by defended asset</h3>"
            + html_table(a, caption=f"The {len(a)} most struck assets ({labels[-1]}, {last.trials:,} trials).")
        )
    if len(last.timeline):
        parts.append(
            "<h3>Timeline</h3>"
            + html_table(
                last.timeline,
                caption="When each layer launched, killed and missed: percentiles over every event of every trial.",
            )
        )
    parts += [figure_html(p, c) for p, c in figs]
    summary = [
        f"<b>{_esc(scn.name)}</b>, {_esc(labels[-1])}: no lethal object got through in {last.zero_leak:,} of "
        f"{last.trials:,} trials (P(no leaker) {_p(last.p_zero, 2)}, 95 % CI {_interval(*last.p_zero_ci, 2)}); on "
        f"average {_count(last.leakers_mean)} of {_count(last.lethal_per_trial)} lethal objects leaked per trial "
        f"(95 % CI {_count(last.leakers_ci[0])}–{_count(last.leakers_ci[1])}), and the interceptors fired cost "
        f"{format_money(last.cost_mean_musd * 1e6)} per trial."
    ]
    if len(cut) > 1:
        a, b = cut[0], cut[-1]
        summary.append(
            f"From the {labels[a]} to the {labels[b]}, P(no leaker) goes from {_p(stats[a].p_zero, 2)} to "
            f"{_p(stats[b].p_zero, 2)}."
        )
    summary += saturation_summary
    if len(last.assets):
        top = last.assets.iloc[0]
        summary.append(
            f"The most struck asset is {_esc(top.asset)} (P(struck) {_p(top.p_struck, 2)}, 95 % CI "
            f"{_interval(top.p_struck_lo, top.p_struck_hi, 2)})."
        )
    return Section(f"Monte Carlo: {scn.name}", summary, "\n".join(parts))


def _published_html(c: dict) -> tuple[str, list[str]]:
    pub = pd.DataFrame(c["published"])
    within = pub["within_tolerance"].astype(object).where(pub["within_tolerance"].notna(), "a budget, not a check")
    pub = pub.assign(within_tolerance=within)
    cols = ["label", "published_usd", "ours_usd", "rel_diff", "rel_tolerance", "within_tolerance", "calibrated"]
    cols += [k for k in ("source", "note") if k in pub]
    table = html_table(
        pub[cols],
        labels={"label": Column("Published figure", kind="text")},
        caption=f"Our totals beside the published ones (constant FY{c['dollars_year']} dollars).",
    )
    checks = pub[pub.within_tolerance.map(lambda v: isinstance(v, bool))]
    said = []
    if len(checks):
        ok = int(sum(bool(v) for v in checks.within_tolerance))
        worst = checks.iloc[int(np.argmax(np.abs(checks.rel_diff.to_numpy(float))))]
        said.append(
            f"{ok} of {len(checks)} published figures checked are matched within their tolerance; the farthest, "
            f"{_esc(worst.label)}, is {format_money(worst.ours_usd)} against {format_money(worst.published_usd)} "
            f"({100 * worst.rel_diff:+.1f} %)."
        )
    return "<h3>Beside the published figures</h3>" + table, said


def _sharing_html(c: dict) -> str:
    sh = pd.DataFrame(c["sharing"])
    wide = sh.pivot(index="rule", columns="partner", values="bill_usd").reindex(list(dict.fromkeys(sh.rule)))
    wide = wide.reset_index()
    partners = {p: Column(f"Bill: {VALUES['partner'].get(p, p)}", kind="money") for p in wide.columns[1:]}
    out = "<h3>Who pays</h3>" + html_table(
        wide,
        labels=partners,
        caption=f"Each partner's bill under each sharing rule, over {sh.horizon.iloc[0]}.",
    )
    pub = pd.DataFrame(c["public"])
    if len(pub):
        p = pub.drop_duplicates("figure").copy()
        p["figure_value"] = [
            format_money(v, "C$" if cur == "CAD" else "$")
            for v, cur in zip(p.figure_value, p.figure_currency, strict=True)
        ]
        out += html_table(
            p[["figure_label", "figure_value", "figure_date", "figure_usd", "caveat"]],
            caption="Public figures to set beside Canada's bill (read the caveats).",
        )
    return out


def _cost_section(folder: Path) -> Section:
    c = json.loads((folder / "cost.json").read_text())
    title = c["study"] + "".join(f" — {k} {c[k]}" for k in ("alternative", "variant") if c.get(k))
    y0, y1 = c["start_year"], c["start_year"] + c["horizon_years"] - 1
    dollars = f"constant FY{c['dollars_year']} dollars"
    summary = [
        f"<b>{_esc(title)}</b>: {format_money(c['total_usd'])} over FY{y0}–FY{y1} in {dollars} (acquisition "
        f"{format_money(c['acquisition_usd'])}, operations {format_money(c['operations_usd'])}), about "
        f"{format_money(c['total_usd'] / c['horizon_years'])} a year."
    ]
    parts = [
        f"<p><b>Total {format_money(c['total_usd'])}</b> in {dollars} over FY{y0}–FY{y1} (acquisition "
        f"{format_money(c['acquisition_usd'])}, operations {format_money(c['operations_usd'])}).</p>"
    ]
    comp = pd.DataFrame(c["by_component"])
    parts.append(
        "<h3>By component</h3>" + html_table(comp, caption=f"Lifecycle cost by component and category ({dollars}).")
    )
    if c["published"]:
        text, said = _published_html(c)
        parts.append(text)
        summary += said
    if c.get("implied"):
        imp = pd.DataFrame(c["implied"])
        for col in ("as_written", "implied"):
            imp[col] = [
                format_input(p, float("nan") if v is None else v) for p, v in zip(imp.parameter, imp[col], strict=True)
            ]
        imp = imp[["figure", "component", "parameter", "as_written", "implied", "ratio", "note"]]
        parts.append(
            "<h3>What the published figures imply</h3>"
            + html_table(imp, caption="Each input solved so that our total equals the figure, the calibrations held.")
        )
    if c["schedule"]:
        s = c["schedule"]
        deploy = (
            f"{s['plan']['n_satellites']:,} {_esc(s['plan']['satellite_name'])}s, "
            f"{s['mean_satellites_per_launch']:.0f} a launch: initial capability {s['initial_capability']}, full "
            f"capability {s['full_capability'] or 'never'} "
            f"(bound by {_esc(s['binding'])}); to sustain, {s['replacements_per_year']:,.0f} replacements and "
            f"{s['launches_per_year_steady']:,.0f} launches a year."
        )
        parts.append(f"<h3>Deployment</h3><p>{deploy}</p>")
        summary.append("Deployment: " + deploy)
        if c["deadline"]:
            cls = "good" if c["deadline"]["met"] else "bad"
            message = _esc(_sentence(c["deadline"]["message"]))
            parts.append(f'<p class="{cls}">{message}</p>')
            summary.append(message)
    if len(c["sharing"]):
        parts.append(_sharing_html(c))
        ca = [r for r in c["sharing"] if r["partner"] == "CA"]
        if ca:
            lo, hi = min(ca, key=lambda r: r["bill_usd"]), max(ca, key=lambda r: r["bill_usd"])
            rule = VALUES["rule"]
            summary.append(
                f"Canada's bill runs from {format_money(lo['bill_usd'])} ({rule.get(lo['rule'], lo['rule'])}) to "
                f"{format_money(hi['bill_usd'])} ({rule.get(hi['rule'], hi['rule'])}) over {ca[0]['horizon']}."
            )
    captions = {
        "exchange": (
            "Cost-exchange ratio",
            "What a kill costs the defence against what the threat costs the attacker (a ratio above 1 favours "
            "the attacker).",
        ),
        "sizing": ("Cost of salvo capacity", "The SBI shell sized for each salvo and design, priced over the horizon."),
        "leakage": ("Cost against leakage", "Each architecture's cost beside its Monte Carlo leakage."),
    }
    for key, (head, cap) in captions.items():
        if c.get(key):
            df = pd.DataFrame(c[key])
            parts.append(f"<h3>{head}</h3>" + html_table(df, caption=cap))
    figures = {
        "cost_by_year.png": "Lifecycle cost per fiscal year, by category.",
        "implied_inputs.png": "Our total against each input a published figure implies.",
        "deployment.png": "Satellites in orbit month by month against the constellation's size.",
        "partner_bills.png": "Each partner's bill under each sharing rule, with public figures as lines.",
        "cost_vs_capacity.png": "Lifecycle cost against salvo capacity for each SBI design.",
        "cost_vs_leakage.png": "P(no leaker) with its Wilson interval against each architecture's cost.",
    }
    parts += [figure_html(folder / png, cap) for png, cap in figures.items() if (folder / png).exists()]
    parts.append(
        "<h3>The assumptions these totals rest on</h3><ul class='assumptions'>"
        + "".join(f"<li>{_esc(a)}</li>" for a in c["assumptions"])
        + "</ul>"
    )
    return Section(f"Cost: {title}", summary, "\n".join(parts))


SIZING_COLUMNS = (
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
"""The columns of a sizing study's rows the report shows (those present)."""


FIGURE_CAPTIONS = {
    "tracking.png": "The track picture: GOSPA over time (its localisation, missed and false parts), each object's "
    "timeline (in coverage, held by a track) and each track's position NEES against the χ²(3) 95 % band.",
    "sbi_absentee_by_latitude.png": "Absentee ratio (SBIs in orbit per SBI in reach) against launch latitude, and "
    "as latitude bands on the map with the launch sites.",
    "sbi_in_reach_over_time.png": "SBIs in reach of each booster against launch time over the day, beside the "
    "number the salvo needs.",
}
"""Captions of the figures other commands draw into a folder (by file name)."""


def _caption(png: Path) -> str:
    """A figure's caption: from :data:`FIGURE_CAPTIONS`, for a sizing sweep its parameter, else its name."""
    if png.name in FIGURE_CAPTIONS:
        return FIGURE_CAPTIONS[png.name]
    if png.stem.startswith("sbi_size_vs_"):
        param = png.stem.removeprefix("sbi_size_vs_")
        col = COLUMNS.get(param)
        return (
            f"SBIs in orbit against {col.header().lower() if col else param.replace('_', ' ')}: simulated and analytic."
        )
    return png.stem.replace("_", " ").capitalize() + "."


def _sizing_section(folder: Path) -> Section:
    s = json.loads((folder / "summary.json").read_text())
    rows = pd.DataFrame(s["rows"])
    keep = [k for k in SIZING_COLUMNS if k in rows]
    name = s["study"].get("name", "")
    parts = [
        html_table(
            rows[keep],
            labels={"label": Column("Design point", kind="text")},
            caption="The SBI shell each design point needs: simulated at the worst launch time, and the analytic mean.",
        )
    ]
    parts += [figure_html(p, _caption(p)) for p in sorted(folder.glob("*.png"))]
    summary = []
    sized = rows[rows.get("simulated_sbis").notna()] if "simulated_sbis" in rows else rows.iloc[:0]
    if len(sized):
        summary.append(
            f"<b>SBI sizing, {_esc(name)}</b>: between {sized.simulated_sbis.min():,.0f} and "
            f"{sized.simulated_sbis.max():,.0f} SBIs in orbit over the {len(sized)} feasible design points."
        )
    return Section(f"SBI sizing: {name}", summary, "\n".join(parts))


def _coverage_section(folder: Path) -> Section:
    s = json.loads((folder / "summary.json").read_text())
    name = s["study"].get("name", "")
    rows = pd.DataFrame(s["layers"])
    labels = {
        "satellites": Column("Satellites", kind="int"),
        "mean_sensors": Column("Sensors seeing a point (mean)"),
        "covered_fraction": Column("Time covered", kind="percent"),
        "stereo_fraction": Column("Time in stereo", kind="percent"),
        "worst_gap_s": Column("Worst revisit gap", "s", kind="int"),
        "first_detection_s_median": Column("First detection after launch (median)", "s", kind="int"),
        "first_stereo_s_median": Column("First stereo detection (median)", "s", kind="int"),
        "never_seen": Column("Launches never seen", kind="int"),
    }
    parts = [
        html_table(rows, labels=labels, caption="Each sensor layer over the study area and its test launches."),
        *[
            figure_html(p, f"Coverage of the {p.stem.removeprefix('coverage_')} layer over the study area.")
            for p in sorted(folder.glob("coverage_*.png"))
        ],
    ]
    if (folder / "first_detection.png").exists():
        parts.append(figure_html(folder / "first_detection.png", "Time to first (stereo) detection after launch."))
    summary = [
        f"<b>Coverage, {_esc(name)}</b>: "
        + "; ".join(
            f"{_esc(r['layer'])} covers {100 * r['covered_fraction']:.3g} % of the time, in stereo "
            f"{100 * r['stereo_fraction']:.3g} %"
            for r in s["layers"]
        )
        + "."
    ]
    return Section(f"Sensor coverage: {name}", summary, "\n".join(parts))


def _run_section(folder: Path) -> Section:
    s = json.loads((folder / "summary.json").read_text())
    parts, summary = [], []
    b = s.get("battle")
    if b:
        sentence = (
            f"{b['leakers']} of {b['lethal_objects']} lethal objects leaked; {b['killed']} destroyed; interceptor "
            f"cost {format_money(b['cost_musd'] * 1e6)}."
        )
        parts.append(f"<p>{sentence}</p>")
        summary.append(f"<b>Run, {_esc(s['scenario'])}</b>: {sentence}")
        if b["layers"]:
            parts.append(html_table(pd.DataFrame(b["layers"]), caption="By layer, this run.", money_unit="M"))
    parts += [figure_html(p, _caption(p)) for p in sorted(folder.glob("*.png"))]
    return Section(f"Run: {s['scenario']}", summary, "\n".join(parts))


REPORT_DEPTH = 4
"""How many folder levels under the root the report looks for results (``goldendome claims`` writes its studies
three levels down: DIR/claims/leakage/icbm)."""


def _result_folders(root: Path) -> list[Path]:
    """root and the folders under it, level by level, each level in name order, to REPORT_DEPTH levels: not into a
    Monte Carlo study (its trials, events and sweep sub-studies are read as the study), nor hidden or private
    folders (a leading dot or underscore)."""
    found, level = [root], [root]
    for _ in range(REPORT_DEPTH):
        level = [
            sub
            for folder in level
            if folder == root or not study_folders(folder)
            for sub in sorted(folder.iterdir())
            if sub.is_dir()
            and not sub.name.startswith((".", "_", "salvo-", "raid-"))
            and not (sub.name in ("trials", "events") and (folder / "study.json").exists())
        ]
        found += level
    return found


def build_report(root: Path) -> tuple[Path, list[str]]:
    """Write root/report.html from everything found in root and its sub-folders; returns (path, section titles)."""
    root = Path(root)
    sections: list[Section] = []
    found = []
    for folder in _result_folders(root):
        if study_folders(folder):
            sections.append(_mc_section(folder))
            found.append(f"Monte Carlo ({folder.name})")
        if (folder / "cost.json").exists():
            sections.append(_cost_section(folder))
            found.append(f"cost ({folder.name})")
        summary = folder / "summary.json"
        if summary.exists():
            kind = json.loads(summary.read_text()).get("kind")
            readers = {"sbi-sizing": (_sizing_section, "SBI sizing"), "coverage": (_coverage_section, "coverage")}
            readers["run"] = (_run_section, "run")
            if kind in readers:
                read, what = readers[kind]
                sections.append(read(folder))
                found.append(f"{what} ({folder.name})")
    if not sections:
        raise ValueError(
            f"{root}: nothing to report (no Monte Carlo study, cost.json, sizing, coverage or run summary); run "
            "goldendome mc / cost / sbi size / coverage / run with --out there first"
        )
    anchors = [f"s{k + 1}" for k in range(len(sections))]
    said = [line for s in sections for line in s.summary]
    body = [
        "<section class='summary'><h2>Summary</h2><ul>" + "".join(f"<li>{line}</li>" for line in said) + "</ul>"
        "<p class='note'>Contents: "
        + " · ".join(f"<a href='#{a}'>{_esc(s.title)}</a>" for a, s in zip(anchors, sections, strict=True))
        + "</p></section>"
    ]
    body += [
        f"<section id='{a}'><h2>{_esc(s.title)}</h2>{s.body}</section>" for a, s in zip(anchors, sections, strict=True)
    ]
    body.append(f"<section><h2>How these figures are made</h2><p class='note'>{_esc(METHODS)}</p></section>")
    lede = (
        f"goldendome {_esc(__version__)}, written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC from the results in "
        f"{_esc(root.name)}. Every figure comes from public physics and the sourced defaults named in the "
        "assumptions."
    )
    page = html_page(f"goldendome report: {root.name}", "\n".join(body), lede=lede)
    path = root / "report.html"
    path.write_text(page)
    return path, found
