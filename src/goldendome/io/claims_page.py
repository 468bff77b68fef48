"""The claims page: each public claim about Golden Dome with its verdict, figure, tables, the commands that reproduce
it, its assumptions and its sources, on one self-contained offline HTML page (``goldendome claims``).

Two steps, so that the page shows only what the results folder holds:

1. :func:`write_claims` writes every section of :func:`goldendome.analysis.claims.answer_claims` into
   ``DIR/claims/``: ``<section>.json`` (the claim, the verdict, every number the verdict says, the commands,
   assumptions and sources), one Parquet file per table (``<section>-<table>.parquet``), and beside them, in
   ``DIR/claims/<section>/``, the studies behind it in their usual folders (cost studies through
   :func:`goldendome.io.results.write_cost`, SBI sizing through ``write_sizing``, the study and scenario files the
   commands run). ``DIR/claims/run.json`` records the settings and versions.
2. :func:`build_claims_page` reads those files back, draws each section's figure (``DIR/claims/<section>.png``) and
   writes ``DIR/claims.html``. Every number in a verdict is a ``<span class="num" data-key="...">`` naming the
   value of ``<section>.json`` it shows; every table names its Parquet file (``data-source``). Tables are drawn by
   :mod:`goldendome.io.present` (human column names with units, one money unit per table).
"""

import calendar
import datetime as dt
import html
import json
import math
import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the back-end must be chosen first)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import yaml  # noqa: E402

from goldendome.analysis.claims import Section, claims_data  # noqa: E402
from goldendome.io.present import VALUES, Column, figure_html, format_money, html_page, html_table  # noqa: E402
from goldendome.io.results import finite_table, strict_json, versions, write_cost, write_sizing  # noqa: E402

PAGE = "claims.html"
FOLDER = "claims"

LABELS: dict[str, Column] = {
    # the price
    "unit_price_usd": Column("Price of one (programme average, 2025 dollars)", kind="money"),
    "units_initial": Column("Units the first $25bn buys", kind="int"),
    "units_announced": Column("Units $175bn buys", kind="int"),
    # the schedule
    "architecture": Column("Architecture", kind="text"),
    "sat_mass_kg": Column("Satellite mass", "kg", kind="int"),
    "per_launch": Column("Satellites per launch", kind="int"),
    "meets_deadline": Column("In orbit by January 2029", kind="bool"),
    "needs_launches_per_year": Column("Launches a year the deadline needs", kind="int"),
    # the satellites
    "case": Column("Case", kind="text"),
    "propellant": Column("Boosters", kind="text"),
    "burnout_s": Column("Booster burnout", "s", kind="int"),
    "launch_times": Column("Launch times tried", kind="int"),
    "satellites": Column("Satellites", kind="int"),
    "covered_fraction": Column("Area covered", kind="percent"),
    "stereo_fraction": Column("Area seen in stereo", kind="percent"),
    "first_detection_s_median": Column("First detection, median", "s after launch", kind="int"),
    "never_seen": Column("Launches never seen", kind="int"),
    # the leakage
    "leaked_fraction_lo": Column("Share leaked, 95 % CI low", kind="prob"),
    "leaked_fraction_hi": Column("Share leaked, 95 % CI high", kind="prob"),
    # Iron Dome
    "region": Column("Region", kind="text"),
    "area_km2": Column("Area", "km²", kind="int"),
    "batteries_needed": Column("Batteries of Iron Dome's footprint", kind="int"),
    "batteries_deployed": Column("Batteries deployed", kind="int"),
    "reach_km": Column("Ground reach", "km", kind="int"),
    "footprint_km2": Column("Area one site defends", "km²", kind="int"),
    "sites_for_metros": Column("Sites to reach every defended metro", kind="int"),
    "engages_icbm_warheads": Column("Engages ICBM warheads", kind="bool"),
    # the budget
    "years_paid": Column("Years of spending", kind="int"),
    "annual_cost_usd": Column("Cost a year, mean", kind="money"),
    "peak_cost_usd": Column("Cost in the peak year", kind="money"),
    "share_of_defense": Column("Share of the FY2026 defense request", kind="percent", digits=2),
    "share_of_discretionary": Column("Share without one-time money", kind="percent", digits=2),
    "share_of_investment": Column("Share of procurement and R&D", kind="percent", digits=2),
    # Canada
    "announced_bill_cad": Column("Bill for the announced $175bn", kind="money", currency="C$"),
    "cbo_bill_cad": Column("Bill for CBO's 20-year system", kind="money", currency="C$"),
    "cbo_over_norad": Column("CBO bill / NORAD modernisation plan"),
    "implied_total_usd": Column("Total that makes Canada's bill $61bn", kind="money"),
}
"""Columns the claims page shows that :data:`goldendome.io.present.COLUMNS` does not label (the others read as
there)."""

BADGES = {"Plausible": "plausible", "Not supported": "unsupported", "Depends": "depends"}

CSS = """
.badge{display:inline-block;font-weight:600;font-size:.85em;padding:.1em .55em;border-radius:.3em;margin-right:.4em}
.badge.plausible{background:#e3f1e3;color:#14551a}.badge.unsupported{background:#f7e1e1;color:#8a1111}
.badge.depends{background:#fdf0d5;color:#6d4a00}
blockquote.quote{margin:.6em 0 1em;padding:.3em 1em;border-left:3px solid #bbb;color:#333;font-style:italic}
blockquote.quote cite{display:block;font-style:normal;font-size:.85em;color:#555;margin-top:.3em}
p.verdict{font-size:1.02em}
pre.commands{background:#f4f5f7;padding:.6em .9em;overflow-x:auto;font-size:.85em;white-space:pre-wrap;
overflow-wrap:anywhere}
ol.sources li,ul.assumptions li{font-size:.88em;margin:.2em 0}
table.summary td{vertical-align:top}
.quick{background:#fff4d6;border:1px solid #e0c070;padding:.5em 1em}
"""


# ----------------------------------------------------------------------------------------------------------------
# Writing the folder
# ----------------------------------------------------------------------------------------------------------------


def _plain(v):
    """numpy scalars as Python numbers (for strict JSON)."""
    return v.item() if isinstance(v, np.generic) else str(v)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    table, _, _ = finite_table(pa.Table.from_pandas(df, preserve_index=False))
    pq.write_table(table, path)


def write_claims(sections: list[Section], out_dir: Path, settings: dict) -> Path:
    """Write every section's results into ``out_dir/claims`` (see the module docstring); returns that folder.
    ``settings``: how the run was made (trials, seed, workers, quick), recorded in ``run.json``."""
    out = Path(out_dir)
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for s in sections:
        sub = folder / s.key
        tables = {}
        for name, df in s.tables.items():
            file = f"{s.key}-{name}.parquet"
            _write_parquet(df, folder / file)
            tables[name] = file
        for name, rep in s.cost_studies.items():
            write_cost(rep, sub / name)
        for name, (study, rows, base) in s.sizing.items():
            write_sizing(study, rows, base, sub / name)
        for name, mapping in s.files.items():
            path = sub / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(json.loads(json.dumps(mapping, default=_plain)), sort_keys=False))
        claim = claims_data()["claims"][s.key]
        doc = {
            "key": s.key,
            "title": " ".join(claim["title"].split()),
            "quote": " ".join(claim["quote"].split()),
            "said": " ".join(claim["said"].split()),
            "verdict": s.verdict,
            "numbers": s.numbers,
            "tables": tables,
            "commands": [c.replace("DIR", str(out)) for c in s.commands],
            "assumptions": [" ".join(a.split()) for a in s.assumptions],
            "sources": [" ".join(x.split()) for x in s.sources],
        }
        (folder / f"{s.key}.json").write_text(strict_json(doc, default=_plain) + "\n")
    run = {
        "kind": "claims",
        "sections": [s.key for s in sections],
        "settings": settings,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": versions(),
    }
    (folder / "run.json").write_text(strict_json(run, default=_plain) + "\n")
    return folder


# ----------------------------------------------------------------------------------------------------------------
# Numbers in words: every one a span naming the value it shows
# ----------------------------------------------------------------------------------------------------------------


class _Numbers:
    """A section's numbers, each rendered as ``<span class="num" data-key="KEY.json#numbers.NAME">text</span>``."""

    def __init__(self, doc: dict):
        self.key = doc["key"]
        self.values = doc["numbers"]

    def __getitem__(self, name: str):
        return self.values[name]

    def _span(self, name: str, text: str) -> str:
        return f'<span class="num" data-key="{self.key}.json#numbers.{name}">{html.escape(text)}</span>'

    def count(self, name: str) -> str:
        return self._span(name, f"{self.values[name]:,.0f}")

    def number(self, name: str, digits: int = 3) -> str:
        v = float(self.values[name])
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(v)))) if v else 0
        return self._span(name, f"{v:,.{decimals}f}")

    def money(self, name: str, currency: str = "$", scale: float = 1.0) -> str:
        return self._span(name, format_money(float(self.values[name]) * scale, currency).replace(" ", "\u00a0"))

    def percent(self, name: str, decimals: int = 1, signed: bool = False, absolute: bool = False) -> str:
        v = 100.0 * float(self.values[name])
        v = abs(v) if absolute else v
        text = f"{v:+.{decimals}f}\u00a0%" if signed else f"{v:.{decimals}f}\u00a0%"
        return self._span(name, text.replace("-", "−"))

    def year(self, name: str) -> str:
        return self._span(name, f"{int(self.values[name])}")

    def prob(self, name: str) -> str:
        return self._span(name, f"{float(self.values[name]):.2f}")

    def month(self, name: str) -> str:
        return self._span(name, _month_text(self.values[name]))


def _rule(name: str) -> str:
    """A sharing rule's name in words, without the figures some labels carry ('NORAD split')."""
    label = re.sub(r"\s*\(.*?\)", "", VALUES["rule"].get(name, name.replace("_", " ")))
    return label if label.isupper() or label[:2].isupper() else label[0].lower() + label[1:]


def _sentences(doc: dict) -> tuple[str, str]:
    """(headline for the summary, the verdict's explanation) of one section, as HTML."""
    n = _Numbers(doc)
    key = doc["key"]
    if key == "price":
        head = (
            f"Buys about one generation of CBO's space-based interceptors ({n.count('sbis_announced')}) if nothing "
            f"else is bought, or {n.count('sbis_sustained')} kept in orbit for twenty years: a down payment, not a "
            "twenty-year system."
        )
        text = (
            f"At CBO's price, {n.money('announced_usd')} buys {n.count('sbis_announced')} space-based interceptors "
            f"if all of it goes to them and none is ever replaced ({n.count('sbis_announced_lo')} to "
            f"{n.count('sbis_announced_hi')} across the SBI prices that CBO's earlier letter implies): about CBO's "
            f"{n.count('cbo_sbis')}, but one generation with a five-year life. Kept in orbit for twenty years, as CBO "
            f"counts, it pays for {n.count('sbis_sustained')}. The first {n.money('initial_usd')} buys "
            f"{n.count('sbis_initial')}. Putting {n.count('sbis_announced')} in orbit takes "
            f"{n.count('launches_to_fill')} Falcon launches of {n.count('sbis_per_launch')}. The announced sum is "
            f"{n.percent('announced_over_cbo')} of this model's reproduction of CBO's twenty-year national system "
            f"({n.money('cbo_total_usd')})."
        )
    elif key == "cbo":
        head = (
            f"CBO's national system reproduced within {n.percent('cbo_total_rel', absolute=True)}; its "
            f"{n.money('letter_published_usd')} space-based layer only with heavier SBIs."
        )
        text = (
            f"From the assumptions CBO states, this model gives {n.money('cbo_total_ours_usd')} for CBO's national "
            f"system against CBO's {n.money('cbo_total_published_usd')} ({n.percent('cbo_total_rel', signed=True)}), "
            f"and {n.money('sbi_layer_ours_usd')} for its SBI layer against {n.money('sbi_layer_published_usd')} "
            f"({n.percent('sbi_layer_rel', signed=True)}). The letter's {n.money('letter_published_usd')} for the "
            f"highest-cost space-based layer with today's launch prices comes out at "
            f"{n.money('letter_ours_lo_usd')} to {n.money('letter_ours_hi_usd')} here "
            f"({n.percent('letter_rel_lo', signed=True)} to {n.percent('letter_rel_hi', signed=True)}): matching it "
            f"takes SBIs of {n.count('letter_mass_implied_lo_kg')} to {n.count('letter_mass_implied_hi_kg')} kg "
            f"instead of the {n.count('letter_mass_as_written_lo_kg')} to {n.count('letter_mass_as_written_hi_kg')} "
            "kg assumed, or figures the letter does not publish."
        )
    elif key == "schedule":
        when = f"all in orbit in {n.month('cbo_full_capability')}" if n["cbo_full_capability"] else "never all in orbit"
        heavy = f"in {n.month('cbo_heavy_full_capability')}" if n["cbo_heavy_full_capability"] else "never all in orbit"
        head = (
            f"CBO's {n.count('cbo_sbis')} SBIs are {when}; by {n.month('deadline')} these rates put at most "
            f"{n.count('largest_by_deadline_lo')} to {n.count('largest_by_deadline_hi')} SBIs in orbit."
        )
        text = (
            f"With the cost studies' generous rates ({n.count('launches_per_year')} Falcon launches a year, "
            f"Starlink's production rate), CBO's {n.count('cbo_sbis')} SBIs of {n.count('mass_lo_kg')} kg are "
            f"{when}, not by {n.month('deadline')}; meeting the deadline would take "
            f"{n.count('cbo_needs_launches_per_year')} launches a year. With SBIs of {n.count('mass_hi_kg')} kg they "
            f"are {heavy}. The most SBIs these rates put in orbit by the deadline is "
            f"{n.count('largest_by_deadline_lo')} (of {n.count('mass_hi_kg')} kg) to "
            f"{n.count('largest_by_deadline_hi')} (of {n.count('mass_lo_kg')} kg); of the "
            f"{n.count('architectures')} architectures below, {n.count('met_count')} would be ready in time."
        )
    elif key == "satellites":
        peer = n["peer-100_solid_sbis"]
        scale = "tens of thousands" if peer and peer >= 10_000 else "thousands"
        head = (
            f"{n.count('north-korea-1_solid_sbis')} SBIs for one solid North Korean ICBM, "
            f"{n.count('north-korea-10_solid_sbis')} for ten, {n.count('peer-100_solid_sbis')} for a peer raid of "
            f"{n.count('peer_salvo')}; liquid boosters need fewer, and seeing the launch takes tens of satellites."
        )
        text = (
            f"One solid-fuelled North Korean ICBM takes {n.count('north-korea-1_solid_sbis')} SBIs in this model "
            f"(the APS study said about {n.count('aps_2003_sbis')}); a liquid one "
            f"{n.count('north-korea-1_liquid_sbis')}, since it burns longer. Ten take "
            f"{n.count('north-korea-10_solid_sbis')} (solid) or "
            f"{n.count('north-korea-10_liquid_sbis')} (liquid); a peer raid of {n.count('peer_salvo')} solid ICBMs "
            f"from one silo field {n.count('peer-100_solid_sbis')}. CBO's {n.count('cbo_sbis')} were sized for about "
            f"{n.count('cbo_targets')} targets. Seeing the launch takes far fewer satellites: layers of "
            f"{n.count('sensing_satellites_lo')} and {n.count('sensing_satellites_hi')} see a Korean launch within "
            f"{n.count('first_detection_lo_s')} to {n.count('first_detection_hi_s')} s. 'Thousands of satellites' "
            f"fits interceptors for one to a few ICBMs; a peer raid needs {scale}."
        )
    elif key == "leakage":
        head = (
            f"ICBMs: {n.percent('icbm_leaked', 0)} of warheads leaked ({n.percent('icbm_leaked_lo', 0)} to "
            f"{n.percent('icbm_leaked_hi', 0)}); fractional orbits: {n.percent('fobs_leaked', 0)}; glide vehicles: "
            f"{n.percent('glide_leaked', 0)}."
        )
        text = (
            f"Against ten North Korean ICBMs with decoys, the Golden-Dome-like defence let through "
            f"{n.percent('icbm_leaked', 0)} of the warheads ({n.percent('icbm_leaked_lo', 0)} to "
            f"{n.percent('icbm_leaked_hi', 0)}; P(no leaker) {n.prob('icbm_p_zero')}, {n.prob('icbm_p_zero_lo')} to "
            f"{n.prob('icbm_p_zero_hi')}). Against fractional-orbit attacks coming over the South Pole, with its "
            f"radars' tracks alone, it fired {n.count('fobs_rounds')} interceptors a trial and "
            f"{n.percent('fobs_leaked', 0)} leaked "
            f"({n.percent('fobs_leaked_lo', 0)} to {n.percent('fobs_leaked_hi', 0)}); against glide vehicles "
            f"{n.percent('glide_leaked', 0)} leaked ({n.percent('glide_leaked_lo', 0)} to "
            f"{n.percent('glide_leaked_hi', 0)}). Intervals at {n.percent('confidence', 0)} from "
            f"{n.count('icbm_trials')} trials a case."
        )
    elif key == "iron-dome":
        head = (
            "Iron Dome's footprint over the populated United States and Canada takes "
            f"{n.count('populated_batteries_lo')} to {n.count('populated_batteries')} batteries against Israel's "
            f"{n.count('israel_deployed')}, and its interceptor cannot engage an ICBM warhead."
        )
        text = (
            f"The United States is {n.count('us_over_israel')} times larger than Israel. An Iron Dome battery "
            f"defends about {n.count('footprint_km2')} square kilometres; Israel's {n.count('israel_deployed')} "
            f"batteries cover {n.percent('israel_covered_share')} of its land, which works because rockets come from "
            "known directions and only those aimed at towns are engaged. Covering the populated areas of the "
            f"United States and Canada ({n.count('populated_km2')} square kilometres) the same way takes "
            f"{n.count('populated_batteries_lo')} to {n.count('populated_batteries')} batteries, about "
            f"{n.money('populated_cost_usd')} at {n.money('battery_cost_usd')} a battery for the upper figure, before "
            "any interceptor is fired; and Iron Dome's Tamir cannot engage an ICBM warhead at all. The homeland "
            f"layers work the other way: one midcourse site reaches all {n.count('metros')} defended metros, THAAD "
            f"batteries would need {n.count('thaad_sites')} sites."
        )
    elif key == "budget":
        head = (
            f"About {n.percent('announced_share_lo', 0)} to {n.percent('announced_share_hi', 0)} of the national "
            f"defence budget a year, and {n.percent('announced_investment_share', 0)} of what DoD spends on "
            "procurement and research."
        )
        text = (
            f"The announced sum, spent over three years, is {n.money('announced_annual_usd')} a year in dollars of "
            f"FY{n.year('dollars_year')}: {n.percent('announced_share_lo')} to {n.percent('announced_share_hi')} "
            "of the national defense request (with and without its one-time money) and "
            f"{n.percent('announced_investment_share')} of DoD's procurement and research accounts. CBO's national "
            f"system costs {n.money('cbo_annual_usd')} a year on average over twenty years "
            f"({n.percent('cbo_share_lo')} to {n.percent('cbo_share_hi')}), {n.money('cbo_peak_usd')} in its peak "
            f"year ({n.percent('cbo_peak_share')} of the request without one-time money)."
        )
    elif key == "canada":
        rule = _rule(n["join_nearest_rule"])
        head = (
            f"Canada's bill for CBO's system runs from C{n.money('cbo_bill_lo_cad')} to C{n.money('cbo_bill_hi_cad')}"
            f" by rule; the stated {n.money('join_usd')} is the {html.escape(rule)} rule applied to "
            f"{n.money('join_nearest_total_usd')}."
        )
        text = (
            f"For CBO's twenty-year system ({n.money('cbo_usd')} here), Canada's bill runs from "
            f"C{n.money('cbo_bill_lo_cad')} to C{n.money('cbo_bill_hi_cad')} depending on the rule, "
            f"{n.number('cbo_over_norad_lo', 2)} to {n.number('cbo_over_norad_hi', 3)} times its "
            f"C{n.money('norad_cad')} twenty-year NORAD modernisation plan. For the announced total it is "
            f"C{n.money('announced_bill_lo_cad')} to C{n.money('announced_bill_hi_cad')}. The stated "
            f"{n.money('join_usd')} is Canada's bill under the {html.escape(rule)} rule "
            f"({n.percent('join_nearest_share', 0)}) if the whole system costs {n.money('join_nearest_total_usd')}, "
            "close to the announced total; under the other rules it implies a larger system (table)."
        )
    else:  # pragma: no cover - every section of ORDER has its sentences
        raise ValueError(f"no sentences for section {key!r}")
    return head, text


# ----------------------------------------------------------------------------------------------------------------
# Figures: each drawn from the section's Parquet files
# ----------------------------------------------------------------------------------------------------------------


def _finish(fig, path: Path) -> Path:
    fig.savefig(path, dpi=110, bbox_inches="tight")  # legends sit outside the axes
    plt.close(fig)
    return path


def _legend_below(ax, ncol: int = 2) -> None:
    """The legend under the axes, where it covers no data."""
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol, frameon=False)


def _wrap(labels, width: int = 38) -> list[str]:
    return [textwrap.fill(str(x), width) for x in labels]


def _figure(doc: dict, tables: dict[str, pd.DataFrame], path: Path) -> tuple[Path, str]:
    """Draw a section's figure; returns (path, caption)."""
    key, n = doc["key"], doc["numbers"]
    if key == "price":
        t = tables["buys"]
        fig, ax = plt.subplots(figsize=(9.0, 3.6))
        y = np.arange(len(t))
        ax.barh(y + 0.2, t["units_announced"], 0.4, color="C0", label="$175bn")
        ax.barh(y - 0.2, t["units_initial"], 0.4, color="C1", label="the first $25bn")
        ax.set_yticks(y, t["layer"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("units bought, if the whole budget goes to this one item (log scale)")
        ax.axvline(n["cbo_sbis"], color="0.3", ls="--", lw=1, label="CBO's SBI constellation")
        _legend_below(ax, 3)
        ax.grid(alpha=0.3, axis="x")
        cap = "What the budgets buy at published prices, one item at a time (bought once over three years)."
    elif key == "cbo":
        t = tables["reproduction"]
        fig, ax = plt.subplots(figsize=(9.0, 5.0))
        y = np.arange(len(t))
        ax.barh(y - 0.2, t["published_usd"] / 1e9, 0.4, color="0.55", label="published")
        ax.barh(y + 0.2, t["ours_usd"] / 1e9, 0.4, color="C0", label="this model, from the stated assumptions")
        names = [f"{s}: {lab}" for s, lab in zip(t["study"], t["label"], strict=True)]
        ax.set_yticks(y, _wrap(names, 44), fontsize=7.5)
        ax.invert_yaxis()
        ax.set_xlabel("US$ billion over 20 years (constant dollars of each study)")
        _legend_below(ax)
        ax.grid(alpha=0.3, axis="x")
        cap = "CBO's published totals beside this model's reproduction of them."
    elif key == "schedule":
        t, arch = tables["in_orbit"], tables["architectures"]
        fig, ax = plt.subplots(figsize=(9.0, 4.0))
        for k, row in enumerate(arch.itertuples()):
            m = t[t["architecture"] == row.architecture]
            ax.plot(
                pd.to_datetime(m["month"]),
                100.0 * m["in_orbit"] / row.n_satellites,
                color=f"C{k}",
                lw=1.4,
                label=f"{row.architecture}",
            )
        deadline = pd.Timestamp(n["deadline"])
        ax.axvline(deadline, color="k", ls="--", lw=1)
        ax.text(deadline, 103, " January 2029", fontsize=8, va="bottom")
        ax.set_ylim(0, 115)
        ax.set_xlim(pd.Timestamp("2025-06-01"), pd.Timestamp("2036-01-01"))
        ax.set_ylabel("share of the constellation in orbit (%)")
        _legend_below(ax)
        ax.grid(alpha=0.3)
        cap = "Deployment month by month with the cost studies' production and launch rates, against January 2029."
    elif key == "satellites":
        t = tables["sizing"]
        cases = list(dict.fromkeys(t["threat"]))
        fig, ax = plt.subplots(figsize=(9.0, 3.8))
        x = np.arange(len(cases))
        for k, (prop, colour) in enumerate((("solid", "C3"), ("liquid", "C0"))):
            v = [t[(t.threat == c) & (t.propellant == prop)]["simulated_sbis"].iloc[0] for c in cases]
            ax.bar(x + (k - 0.5) * 0.38, v, 0.38, color=colour, label=f"{prop} boosters")
        ax.axhline(n["aps_2003_sbis"], color="0.3", ls=":", lw=1, label="APS 2003, one solid ICBM")
        ax.axhline(n["cbo_sbis"], color="0.3", ls="--", lw=1, label="CBO 2026, about ten targets")
        ax.set_xticks(x, cases, fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("SBIs in orbit (log scale)")
        _legend_below(ax)
        ax.grid(alpha=0.3, axis="y")
        cap = "SBIs needed so that every booster has one within reach before burnout, at the worst launch time."
    elif key == "leakage":
        t = tables["leakage"]
        fig, ax = plt.subplots(figsize=(9.0, 3.4))
        y = np.arange(len(t))
        f = 100.0 * t["leaked_fraction"]
        err = np.vstack([f - 100.0 * t["leaked_fraction_lo"], 100.0 * t["leaked_fraction_hi"] - f])
        ax.barh(y, f, color="C3", xerr=err, capsize=4, error_kw={"lw": 1})
        ax.set_yticks(y, t["case"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 105)
        ax.set_xlabel("share of lethal objects that leaked (%), with its 95 % interval")
        ax.grid(alpha=0.3, axis="x")
        cap = "Leakage against one Golden-Dome-like defence, by threat (small Monte Carlo studies)."
    elif key == "iron-dome":
        t = tables["areas"]
        fig, ax = plt.subplots(figsize=(9.0, 3.4))
        y = np.arange(len(t))
        ax.barh(y, t["batteries_needed"], color="C1", label="batteries of Iron Dome's footprint to cover the area")
        dep = t["batteries_deployed"]
        ax.scatter(dep, y, marker="D", color="k", zorder=3, label="batteries Israel deploys")
        ax.set_yticks(y, t["region"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("batteries (log scale)")
        _legend_below(ax)
        ax.grid(alpha=0.3, axis="x")
        cap = "Batteries of Iron Dome's footprint to cover each area, against what Israel deploys."
    elif key == "budget":
        t = tables["annual"]
        fig, ax = plt.subplots(figsize=(9.0, 3.4))
        y = np.arange(len(t))
        cols = (
            ("share_of_defense", "of the FY2026 national defense request"),
            ("share_of_investment", "of DoD procurement and R&D"),
        )
        for k, (col, lab) in enumerate(cols):
            ax.barh(y + (k - 0.5) * 0.38, 100.0 * t[col], 0.38, color=f"C{k}", label=lab)
        ax.set_yticks(y, t["architecture"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("cost a year as a share of the budget (%)")
        _legend_below(ax)
        ax.grid(alpha=0.3, axis="x")
        cap = "What each architecture costs a year, as a share of two yardsticks of the US defence budget."
    elif key == "canada":
        t = tables["bills"]
        fig, ax = plt.subplots(figsize=(9.0, 4.0))
        y = np.arange(len(t))
        ax.barh(y - 0.2, t["announced_bill_cad"] / 1e9, 0.4, color="C0", label="of the announced $175bn")
        ax.barh(y + 0.2, t["cbo_bill_cad"] / 1e9, 0.4, color="C1", label="of CBO's 20-year national system")
        ax.axvline(n["norad_cad"] / 1e9, color="0.3", ls="--", lw=1, label="NORAD modernisation, 20 years")
        ax.axvline(n["join_usd"] * n["cad_per_usd"] / 1e9, color="C3", ls=":", lw=1.4, label="stated price to join")
        ax.set_yticks(y, [VALUES["rule"].get(r, r) for r in t["rule"]], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("Canada's bill, C$ billion")
        _legend_below(ax)
        ax.grid(alpha=0.3, axis="x")
        cap = "Canada's bill under each sharing rule, beside the NORAD modernisation plan and the stated price."
    else:  # pragma: no cover
        raise ValueError(f"no figure for section {key!r}")
    return _finish(fig, path), cap


# ----------------------------------------------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------------------------------------------

_TABLE_CAPTIONS = {
    ("price", "buys"): "What each budget buys if it all goes to one item",
    ("cbo", "reproduction"): "CBO's totals and this model's reproduction (20 years)",
    ("schedule", "architectures"): "When each architecture is wholly in orbit",
    ("satellites", "sizing"): "SBIs needed, by threat and booster",
    ("satellites", "sensing"): "Seeing a launch from the Korean peninsula",
    ("leakage", "leakage"): "Monte Carlo leakage by threat (95 % intervals)",
    ("iron-dome", "areas"): "Areas and the batteries of Iron Dome's footprint they take",
    ("iron-dome", "footprints"): "What one site of each layer defends",
    ("budget", "annual"): "Cost a year against the defence budget (FY2026 dollars)",
    ("canada", "bills"): "Canada's bill under each sharing rule (C$, at the 2024 average rate)",
    ("canada", "join"): "The total each rule needs for Canada's bill to be the stated $61bn",
}

_HIDDEN = {("schedule", "in_orbit")}
"""Tables written for the figure only (month by month), not printed."""

_DROP = {("satellites", "sizing"): ["case", "missile"]}
"""Columns of a table kept in its file but not printed."""


def _badge(verdict: str) -> str:
    first = next(v for v in BADGES if verdict.startswith(v))
    return f"<span class='badge {BADGES[first]}'>{html.escape(verdict)}</span>"


def _display(key: str, name: str, df: pd.DataFrame) -> pd.DataFrame:
    df = df.drop(columns=[c for c in _DROP.get((key, name), []) if c in df.columns])
    if "full_capability" in df.columns:  # an ISO date as people write it
        df = df.assign(full_capability=[_month_text(d) if isinstance(d, str) else None for d in df["full_capability"]])
    return df


def _month_text(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{calendar.month_name[d.month]} {d.year}"


def build_claims_page(out_dir: Path) -> Path:
    """Draw the figures and write ``out_dir/claims.html`` from the files of :func:`write_claims`; returns its path."""
    out = Path(out_dir)
    folder = out / FOLDER
    run = json.loads((folder / "run.json").read_text())
    docs = [json.loads((folder / f"{k}.json").read_text()) for k in run["sections"]]
    summary_rows, body = [], []
    for i, doc in enumerate(docs, start=1):
        key = doc["key"]
        tables = {name: pd.read_parquet(folder / file) for name, file in doc["tables"].items()}
        head, text = _sentences(doc)
        summary_rows.append(
            f"<tr><td class='txt'><a href='#{key}'>{i}. {html.escape(doc['title'])}</a></td>"
            f"<td class='txt'>{_badge(doc['verdict'])}</td><td class='txt headline'>{head}</td></tr>"
        )
        png, cap = _figure(doc, tables, folder / f"{key}.png")
        parts = [
            f"<section class='claim' id='{key}'><h2>{i}. {html.escape(doc['title'])}</h2>",
            f"<blockquote class='quote'>{html.escape(doc['quote'])}<cite>{html.escape(doc['said'])}</cite>"
            "</blockquote>",
            f"<p class='verdict'>{_badge(doc['verdict'])}{text}</p>",
            figure_html(png, cap),
        ]
        for name, file in doc["tables"].items():
            if (key, name) in _HIDDEN:
                continue
            table = html_table(
                _display(key, name, tables[name]), labels=LABELS, caption=_TABLE_CAPTIONS.get((key, name))
            )
            parts.append(f"<div class='claims-table' data-source='{html.escape(file)}'>{table}</div>")
        commands = "\n".join(html.escape(c) for c in doc["commands"])
        parts.append(f"<h3>Reproduce</h3><pre class='commands'><code>{commands}</code></pre>")
        parts.append(
            "<h3>Assumptions</h3><ul class='assumptions'>"
            + "".join(f"<li>{html.escape(a)}</li>" for a in doc["assumptions"])
            + "</ul>"
        )
        parts.append(
            "<h3>Sources</h3><ol class='sources'>"
            + "".join(f"<li>{html.escape(x)}</li>" for x in doc["sources"])
            + "</ol></section>"
        )
        body.append("".join(parts))
    settings = run["settings"]
    quick = (
        "<p class='quick'>A quick run: the SBI sizing is coarse (one launch time an hour, a smaller peer raid). "
        "Run <code>goldendome claims</code> without <code>--quick</code> for the figures of record.</p>"
        if settings.get("quick")
        else ""
    )
    lede = (
        "Eight public claims about Golden Dome, each checked with this project's own models: published prices and "
        "cost studies, SBI sizing from orbital physics, deployment schedules, and Monte Carlo battles. Each section "
        "gives the verdict with its uncertainty, the figure, the tables, the commands that reproduce it, the "
        "assumptions and the sources; every number comes from the results files in "
        f"<code>{html.escape(str(folder))}</code>. Monte Carlo: {int(settings['trials']):,} trials a case, root "
        f"seed {int(settings['seed'])}; goldendome {html.escape(run['versions']['goldendome'])}."
    )
    summary = (
        "<section class='summary'><h2>Summary</h2><div class='table-wrap'><table class='data summary'>"
        "<thead><tr><th class='txt'>Claim</th><th class='txt'>Verdict</th><th class='txt'>In short</th></tr></thead>"
        f"<tbody>{''.join(summary_rows)}</tbody></table></div></section>"
    )
    page = html_page("Golden Dome: the public claims, checked", quick + summary + "".join(body), lede)
    page = page.replace("</style>", CSS + "</style>", 1)
    path = out / PAGE
    path.write_text(page, encoding="utf-8")
    return path
