"""The price index that turns dollars of one fiscal year into constant dollars of another.

Cost estimates quote prices in dollars of the year they were made (CBO's 2026 SBI at ~$22M is in FY2026 dollars);
a study adds them up in one year's constant dollars::

    amount in FY_to dollars = amount in FY_from dollars * P(FY_to) / P(FY_from)

with P the GDP implicit price deflator by federal fiscal year, projected past the last published quarter. The
numbers, their source and the projection: ``scenario/data/deflators.yaml``. The index sits at the scenario layer
because a cost study (:class:`goldendome.scenario.cost_study.CostStudy`) checks that its ``dollars_year`` and each
component's are covered when the study file is validated.
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import yaml


@dataclass(frozen=True)
class PriceIndex:
    """A price index by fiscal year (index values, not rates), with where it comes from."""

    name: str
    citation: str
    source: str
    projection: str
    projected_from: int
    projection_rate: float
    years: np.ndarray
    values: np.ndarray

    def covers(self, year: int) -> bool:
        return bool(np.any(self.years == int(year)))

    def __call__(self, year) -> np.ndarray:
        """Index value of a fiscal year (scalar or array of years). ValueError naming the year when not covered."""
        y = np.asarray(year)
        if np.any(y != np.round(y)):
            raise ValueError(f"fiscal years are whole numbers (got {year!r})")
        pos = np.searchsorted(self.years, y.astype(int))
        pos_c = np.clip(pos, 0, len(self.years) - 1)
        bad = self.years[pos_c] != y
        if np.any(bad):
            missing = sorted({int(v) for v in np.atleast_1d(y)[np.atleast_1d(bad)]})
            raise ValueError(
                f"no price index for fiscal year {', '.join(map(str, missing))}: the table "
                f"({self.name}) covers {self.years[0]}-{self.years[-1]}"
            )
        return self.values[pos_c]


@cache
def load_deflators() -> PriceIndex:
    """The shipped price index (``scenario/data/deflators.yaml``): GDP deflator by fiscal year, projections marked."""
    text = resources.files("goldendome.scenario").joinpath("data/deflators.yaml").read_text()
    data = yaml.safe_load(text)
    years = np.array(sorted(int(y) for y in data["values"]))
    values = np.array([float(data["values"][y]) for y in years])
    return PriceIndex(
        data["name"],
        data["citation"],
        " ".join(data["source"].split()),
        " ".join(data["projection"].split()),
        int(data["projected_from"]),
        float(data["projection_rate"]),
        years,
        values,
    )


def deflate(amount, from_year: int, to_year: int):
    """Re-express an amount of FY``from_year`` dollars in constant FY``to_year`` dollars.

    amount * P(to_year) / P(from_year), P the shipped price index. ``amount`` may be an array. ValueError naming the
    year when the index does not cover it.
    """
    index = load_deflators()
    return np.asarray(amount, dtype=float) * (index(to_year) / index(from_year))
