"""The countries that may share the bill of a North American missile defence, with the figures the sharing rules
weigh and the public figures a bill is set beside.

``scenario/data/partners.yaml`` holds, for the United States, Canada and Mexico, nominal GDP, population (estimate
and last census) and land and total area, each with its source, year and a VERIFIED or UNVERIFIED note; the
historical NORAD split (60/40, the North Warning System); public figures a Canadian bill is set beside (the $61bn
statement, the NORAD modernisation plan, the Arctic over-the-horizon radar); and public totals to share ($175bn, CBO
2025 and 2026). The rules that turn these into
shares are :data:`goldendome.scenario.sharing.RULES`. The table sits at the scenario layer because a cost study's
``sharing:`` section (:class:`goldendome.scenario.sharing.SharingSpec`) checks its partner codes against it when
the study file is validated.
"""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

DEFAULT_PARTNERS = ("US", "CA")
"""The partners a rule shares among unless told otherwise (ISO 3166-1 alpha-2)."""


@dataclass(frozen=True)
class Partner:
    """One country that may pay a share: its national statistics, each with a source (``sources[field]``).

    code : ISO 3166-1 alpha-2 ('US'); gdp_usd : nominal GDP, current US$ of ``gdp_year``; population : residents in
    ``population_year`` (an estimate); population_census and its year : the last census count; land_area_km2,
    total_area_km2 : km^2 (total = land + inland and coastal water as the CIA World Factbook counts it).
    """

    code: str
    name: str
    currency: str
    gdp_usd: float
    gdp_year: int
    population: int
    population_year: int
    population_census: int
    population_census_year: int
    land_area_km2: float
    total_area_km2: float
    sources: Mapping[str, str]


@cache
def _data() -> dict:
    text = resources.files("goldendome.scenario").joinpath("data/partners.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_partners() -> dict[str, Partner]:
    """The partner table of ``data/partners.yaml``: code -> :class:`Partner` (United States, Canada, Mexico)."""
    out = {}
    for code, e in _data()["partners"].items():
        fields = ("gdp_usd", "population", "population_census", "land_area_km2", "total_area_km2")
        out[code] = Partner(
            code=code,
            name=e["name"],
            currency=e["currency"],
            gdp_usd=float(e["gdp_usd"]["value"]),
            gdp_year=int(e["gdp_usd"]["year"]),
            population=int(e["population"]["value"]),
            population_year=int(e["population"]["year"]),
            population_census=int(e["population_census"]["value"]),
            population_census_year=int(e["population_census"]["year"]),
            land_area_km2=float(e["land_area_km2"]["value"]),
            total_area_km2=float(e["total_area_km2"]["value"]),
            sources={f: f"{e[f]['source']} ({e[f]['check']})" for f in fields},
        )
    return out


def norad_split() -> dict[str, float]:
    """The historical US/Canada split, {'US': 0.6, 'CA': 0.4}: the North Warning System's cost sharing (see
    :func:`goldendome.scenario.sharing.norad` and ``norad`` in ``data/partners.yaml`` for what it applies to and
    what it does not)."""
    return {k: float(v) for k, v in _data()["norad"]["shares"].items()}


def public_figures() -> dict[str, dict]:
    """Public figures a Canadian bill is compared with: key -> {label, short, value, currency, year, horizon_years,
    golden_dome (whether the figure is about Golden Dome at all), date, covers, source, rate_at_date_cad_per_usd}."""
    return {k: dict(v) for k, v in _data()["public_figures"].items()}


def reference_totals() -> dict[str, dict]:
    """Public totals to share (US$, nominal): the announced Golden Dome ($175 bn, May 2025), CBO's notional national
    system ($1.191 trillion over 20 years, 2026) and CBO's two-ICBM SBI constellation ($542 bn over 20 years, 2025).
    key -> {value, horizon, source}."""
    return {k: dict(v) for k, v in _data()["reference_totals"].items()}


def check_partners(partners) -> tuple[str, ...]:
    """The partner codes as a tuple, each known to the table and given once; ValueError in words otherwise (with the
    nearest known code for a misspelt one)."""
    if isinstance(partners, str):
        raise ValueError(f"partners must be a list of country codes such as ['US', 'CA'], got the string {partners!r}")
    partners = tuple(partners)
    if not partners:
        raise ValueError("partners is empty: name at least one country, e.g. ['US', 'CA']")
    known = load_partners()
    for p in partners:
        if p not in known:
            hint = difflib.get_close_matches(str(p).upper(), known, n=1)
            hint = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ValueError(
                f"partners: unknown partner {p!r}{hint}; known: {sorted(known)} (add one with its "
                "sources to data/partners.yaml)"
            )
    if len(set(partners)) != len(partners):
        raise ValueError(f"partners: each country once, got {list(partners)}")
    return partners
