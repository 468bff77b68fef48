"""Inputs solved from published figures: the value of one component input at which the study's total matches a
figure the publication gives.

A publication often gives totals but not the inputs behind them (CBO's 2025 letter gives 20-year totals at the
earlier and today's launch prices, but no unit cost or SBI mass). A study names such an input under ``calibrate:``
(solved, then used everywhere: the figure agrees by construction and the study's other figures test it) or
``implied:`` (only reported: what the figure implies, e.g. the SBI mass behind a total). Every solvable input
(:data:`~goldendome.scenario.cost_study.SOLVABLE`) raises the total, nearly always linearly, so :func:`solve_input`
takes the line through two evaluations and checks it with a third, falling back to Brent's method where the check
fails (a quantity on a learning curve). Calibrations whose figures share components are solved together by Newton's
method (:func:`calibrated`).

A figure's total is the study's cost under the figure's case (:func:`solved_case`: calibrations solved, variant
applied, alternative kept), so solving one input solves the study's other calibrations again at each trial value.
Solved studies are kept in a small cache keyed by the study's content.
"""

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError
from scipy.optimize import brentq

from goldendome.analysis.cost.lifecycle import priced
from goldendome.analysis.cost.text import format_input, money
from goldendome.scenario.cost_study import (
    Component,
    CostStudy,
    InputSolve,
    PublishedFigure,
    check_input_solve,
    load_cost_study,
    with_alternative,
    with_variant,
)
from goldendome.scenario.loader import format_validation_error

_CALIBRATED: dict[str, CostStudy] = {}
"""Solved studies by the study's JSON and the components asked for (cleared past 64 entries)."""


def solved_case(study: CostStudy, alternative: str | None = None, variant: str | None = None) -> CostStudy:
    """The study as one case of it is costed: its calibrations solved (only those the alternative needs, when one
    is named), the variant's overrides applied and the alternative's components kept. The alternatives of a study
    are separate systems: one must be chosen."""
    if alternative in study.alternatives:  # the other alternatives' calibrations are not needed
        study = calibrated(study, only=set(study.alternatives[alternative]))
    study = calibrated(study)
    if variant is not None:
        study = with_variant(study, variant)
    if alternative is not None:
        study = with_alternative(study, alternative)
    elif study.alternatives:
        raise ValueError(
            f"this study compares separate systems ({', '.join(study.alternatives)}); choose one: "
            f"lifecycle_cost(study, alternative={next(iter(study.alternatives))!r})"
        )
    return study


def _with_value(study: CostStudy, component: str, parameter: str, value: float) -> CostStudy:
    comps = [c.model_copy(update={parameter: float(value)}) if c.name == component else c for c in study.components]
    return study.model_copy(update={"components": comps})


def _figure_total(study: CostStudy, fig: PublishedFigure) -> float:
    return priced(solved_case(study, fig.alternative, fig.variant)).total(fig.components, fig.scope)


def solve_input(study: "CostStudy | Mapping | str | Path", component: str, parameter: str, figure: str) -> float:
    """The value of ``component.parameter`` at which the study's published figure labelled ``figure`` is matched
    exactly, the study's calibrations solved again at each trial value.

    Every solvable input (:data:`~goldendome.scenario.cost_study.SOLVABLE`) raises the total, nearly always
    linearly: two evaluations give the line and a third checks it; where the check fails (a quantity on a learning
    curve) the root is bracketed from zero and found by Brent's method (scipy.optimize.brentq). A learning curve
    counts whole units each year, so there the total is a step function of the quantity and the figure is met to
    within one unit's cost. Raises ValueError, in words, when the figure does not depend on the input or when only
    a negative value would match it.
    """
    study = load_cost_study(study)
    fig = next((p for p in study.published if p.label == figure), None)
    if fig is None:
        raise ValueError(f"no published figure is labelled {figure!r}")
    check_input_solve(study, InputSolve(component=component, parameter=parameter, to=figure), f"solve {figure!r}")
    x0 = float(getattr(next(c for c in study.components if c.name == component), parameter))
    x1 = x0 * 1.25 if x0 > 0 else 1.0
    f0, f1 = (_figure_total(_with_value(study, component, parameter, x), fig) for x in (x0, x1))
    slope = (f1 - f0) / (x1 - x0)
    what = f"{component}.{parameter}"
    if abs(slope) * max(abs(x0), 1.0) <= 1e-12 * max(abs(f0), 1.0):
        raise ValueError(f"{fig.label!r} does not depend on {what} (it stays at {money(f0)})")
    x = x0 + (fig.value_usd - f0) / slope
    if x >= 0:
        check = _figure_total(_with_value(study, component, parameter, x), fig)
        if math.isclose(check, fig.value_usd, rel_tol=1e-9):
            return x

    def gap(v: float) -> float:
        return _figure_total(_with_value(study, component, parameter, v), fig) - fig.value_usd

    at_zero = gap(0.0)
    if at_zero > 0:
        raise ValueError(
            f"no value of {what} at or above zero matches {fig.label!r} ({money(fig.value_usd)}): at "
            f"zero the total is already {money(at_zero + fig.value_usd)}"
        )
    hi = max(x, x0, 1.0)
    for _ in range(60):
        if gap(hi) > 0:
            break
        hi *= 2.0
    else:
        raise ValueError(f"no value of {what} matches {fig.label!r} ({money(fig.value_usd)})")
    return float(brentq(gap, 0.0, hi, xtol=1e-12 * hi, rtol=1e-12))


def _needed_calibrations(study: CostStudy, only: "set[str] | None") -> list[InputSolve]:
    """The calibrations to solve for a study about to be cut down to the components `only` (None: all): those of
    these components, and of every component their figures' totals contain, and so on."""
    if only is None:
        return list(study.calibrate)
    need = set(only)
    while True:
        todo = [c for c in study.calibrate if c.component in need]
        grow = need.union(*(_figure_members(study, c.to) for c in todo))
        if grow == need:
            return todo
        need = grow


def _figure_members(study: CostStudy, label: str) -> set[str]:
    """The components whose costs a published figure's total contains."""
    fig = next(p for p in study.published if p.label == label)
    if fig.components:
        return set(fig.components)
    return set(study.alternatives[fig.alternative]) if fig.alternative else {x.name for x in study.components}


def _solve_jointly(study: CostStudy, todo: list[InputSolve]) -> CostStudy:
    """Several calibrated inputs whose figures depend on each other: Newton's method on the figures' gaps (a
    finite-difference Jacobian; the totals are linear in each input, so it lands in one or two steps)."""
    figs = [next(p for p in study.published if p.label == c.to) for c in todo]
    target = np.array([f.value_usd for f in figs])

    def at(x) -> CostStudy:
        out = study
        for c, v in zip(todo, x, strict=True):
            out = _with_value(out, c.component, c.parameter, v)
        return out

    def gaps(x) -> np.ndarray:
        s = at(x)
        return np.array([_figure_total(s, f) for f in figs]) - target

    x = np.array(
        [float(getattr(next(k for k in study.components if k.name == c.component), c.parameter)) for c in todo]
    )
    for _ in range(30):
        g = gaps(x)
        if np.all(np.abs(g) <= 1e-9 * target):
            break
        h = np.maximum(np.abs(x) * 0.25, 1.0)
        jac = np.column_stack([(gaps(x + h[i] * np.eye(len(x))[i]) - g) / h[i] for i in range(len(x))])
        if abs(np.linalg.det(jac / np.maximum(np.abs(jac).max(axis=0), 1e-300))) < 1e-12:
            raise ValueError(
                "calibrate: the calibrated figures do not fix their inputs together (one figure does not "
                f"depend on them, or two say the same): {', '.join(c.to for c in todo)}"
            )
        x = x - np.linalg.solve(jac, g)
    else:
        raise ValueError(f"calibrate: no joint solution found for {', '.join(c.to for c in todo)}")
    bad = [f"{c.component}.{c.parameter} = {v:g}" for c, v in zip(todo, x, strict=True) if v < 0]
    if bad:
        raise ValueError(f"calibrate: only negative values match the figures together: {'; '.join(bad)}")
    return at(x)


def _coupled_groups(study: CostStudy, todo: list[InputSolve]) -> list[list[InputSolve]]:
    """The calibrations split into groups that must be solved together: two are coupled when one's figure contains
    the other's component (connected components of that relation)."""
    groups: list[list[InputSolve]] = []
    for c in todo:
        joined = [
            g
            for g in groups
            if any(
                c.component in _figure_members(study, o.to) or o.component in _figure_members(study, c.to) for o in g
            )
        ]
        merged = [c] + [o for g in joined for o in g]
        groups = [g for g in groups if g not in joined] + [merged]
    return groups


def calibrated(study: CostStudy, only: "set[str] | None" = None) -> CostStudy:
    """The study with its ``calibrate:`` inputs solved and set (none left to solve), each noted in its assumptions
    and its figure marked calibrated. One input is solved by :func:`solve_input`; several whose figures share
    components are solved together. only: solve just what the components `only` need (their calibrations, and those
    their figures depend on) and drop the rest (for a study about to be cut down to them).
    """
    todo = _needed_calibrations(study, only)
    if not todo:
        return study.model_copy(update={"calibrate": []}) if study.calibrate else study
    key = study.model_dump_json() + repr(sorted(only or ()))
    if key in _CALIBRATED:
        return _CALIBRATED[key]
    current = study.model_copy(update={"calibrate": []})
    for group in _coupled_groups(current, todo):
        if len(group) == 1:
            c = group[0]
            current = _with_value(
                current, c.component, c.parameter, solve_input(current, c.component, c.parameter, c.to)
            )
        else:
            current = _solve_jointly(current, group)
    notes, targets = list(current.notes), {c.to for c in todo}
    for c in todo:
        comp = next(x for x in current.components if x.name == c.component)
        try:
            Component.model_validate(comp.model_dump(exclude={"preset"}, exclude_unset=True))
        except ValidationError as exc:
            raise ValueError(
                f"calibrate: {c.component}.{c.parameter} solved from {c.to!r} is out of range: "
                + "; ".join(format_validation_error(exc))
            ) from None
        fig = next(p for p in study.published if p.label == c.to)
        value = format_input(c.parameter, getattr(comp, c.parameter))
        notes.append(
            f"CALIBRATED: {c.component}.{c.parameter} = {value}, solved so that '{c.to}' "
            f"({money(fig.value_usd)}) is matched; that figure agrees by construction."
        )
    published = [p.model_copy(update={"calibrated": True}) if p.label in targets else p for p in current.published]
    out = current.model_copy(update={"notes": notes, "published": published})
    if len(_CALIBRATED) > 64:
        _CALIBRATED.clear()
    _CALIBRATED[key] = out
    return out


def implied_inputs(study: "CostStudy | Mapping | str | Path") -> pd.DataFrame:
    """What the study's published figures imply for the inputs named under ``implied:``: one row per entry with the
    value as written, the value that matches the figure (NaN, with the reason, when none at or above zero does) and
    their ratio. The study's calibrations are solved again at each trial value."""
    study = load_cost_study(study)
    rows = []
    for c in study.implied:
        written = float(getattr(next(x for x in study.components if x.name == c.component), c.parameter))
        try:
            value, why = solve_input(study, c.component, c.parameter, c.to), ""
        except ValueError as exc:
            value, why = math.nan, str(exc)
        rows.append(
            {
                "component": c.component,
                "parameter": c.parameter,
                "figure": c.to,
                "as_written": written,
                "implied": value,
                "ratio": value / written if written else math.nan,
                "note": why,
            }
        )
    return pd.DataFrame(rows, columns=["component", "parameter", "figure", "as_written", "implied", "ratio", "note"])


def implied_curves(study: "CostStudy | Mapping | str | Path", points: int = 9) -> pd.DataFrame:
    """The picture behind :func:`implied_inputs`: for each ``implied:`` entry, the figure's total (ours) as the input
    runs from zero to 1.5 times the larger of its written and implied values, the study's calibrations solved again
    at each point (NaN where they have no solution). Rows: component, parameter, figure, value, total_usd,
    published_usd, as_written, implied."""
    study = load_cost_study(study)
    table = implied_inputs(study)
    rows = []
    for c, imp in zip(study.implied, table.itertuples(), strict=True):
        fig = next(p for p in study.published if p.label == c.to)
        top = 1.5 * max(imp.as_written, imp.implied if imp.implied == imp.implied else 0.0)
        for x in np.linspace(0.0, top, points):
            try:
                total = _figure_total(_with_value(study, c.component, c.parameter, x), fig)
            except ValueError:  # a calibration has no solution there (it would need a negative input)
                total = math.nan
            rows.append(
                {
                    "component": c.component,
                    "parameter": c.parameter,
                    "figure": c.to,
                    "value": x,
                    "total_usd": total,
                    "published_usd": fig.value_usd,
                    "as_written": imp.as_written,
                    "implied": imp.implied,
                }
            )
    return pd.DataFrame(rows)
