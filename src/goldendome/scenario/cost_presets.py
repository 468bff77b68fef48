"""Cost presets: sourced default prices, lives and masses a cost study's component names with ``preset: NAME``.

A preset is one public estimate of one kind of unit (CBO 2026's SBI at ~$22M, a 5-year life, $500/kg to orbit; SDA's
Tranche 1 tracking satellite; ...), every number with its source or marked ASSUMPTION, in
``scenario/data/cost_defaults.yaml``. A component's own fields override the preset's field by field. The presets sit
at the scenario layer because a component is completed from its preset when the study file is validated
(:class:`goldendome.scenario.cost_study.Component`).

An interceptor preset does not write a price: it names its entry of the interceptor catalogue
(``interceptor: thaad``), whose programme unit cost, dollars year and price sources it takes, so the battle's price
of a round and the cost study's programme average come from one table
(:class:`goldendome.effectors.interceptors.Interceptor` says why they differ).
"""

from functools import cache
from importlib import resources

import yaml

from goldendome.effectors.interceptors import interceptor


@cache
def load_cost_defaults() -> dict[str, dict]:
    """Sourced default parameters by preset name (``scenario/data/cost_defaults.yaml``)."""
    text = resources.files("goldendome.scenario").joinpath("data/cost_defaults.yaml").read_text()
    return yaml.safe_load(text)["presets"]


def _preset_fields(name: str, preset: dict) -> dict:
    """A preset's fields less its description; one that names an interceptor gets that catalogue entry's programme
    unit cost (as ``average_unit_cost_usd``), dollars year and price sources, in place of the name."""
    fields = {k: v for k, v in preset.items() if k not in ("description", "interceptor")}
    if "interceptor" not in preset:
        return fields
    try:
        w = interceptor(preset["interceptor"])
    except KeyError as exc:
        raise ValueError(f"preset {name!r}: {exc.args[0]}") from None
    return fields | {
        "average_unit_cost_usd": w.programme_unit_cost_musd * 1e6,
        "dollars_year": w.dollars_year,
        "sources": [*w.price_sources, *fields.get("sources", [])],
    }


def merge_preset(data: dict) -> dict:
    """A component's fields (as written) laid over those of the preset it names; the preset's sources first.

    Returns ``data`` itself when it names no preset. ValueError for an unknown preset, a ``kind`` that is not the
    preset's, or an interceptor preset whose catalogue entry is missing.
    """
    name = data.get("preset")
    if name is None:
        return data
    presets = load_cost_defaults()
    if name not in presets:
        raise ValueError(f"preset: unknown preset {name!r}; cost_defaults.yaml has: {', '.join(sorted(presets))}")
    preset = _preset_fields(name, presets[name])
    if "kind" in data and data["kind"] != preset["kind"]:
        raise ValueError(f"kind: {data['kind']!r} does not match preset {name!r}, which is a {preset['kind']!r}")
    own_sources = list(data.get("sources") or [])
    merged = {**preset, **data}
    merged["sources"] = [s for s in preset.get("sources", []) if s not in own_sources] + own_sources
    return merged
