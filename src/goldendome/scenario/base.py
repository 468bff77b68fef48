"""The one base of every file schema (scenarios and the sizing, coverage and cost studies with their schedule and
sharing sections): strict and frozen. A misspelt key is an error that names it, not a silently ignored field; a
validated file cannot change after it is checked.

The field types below take a value as it was written: a YAML ``true`` is not the number 1, and no number is NaN or
infinite."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """A pydantic model that refuses unknown fields and non-finite numbers, and is immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Whole = Annotated[int, Field(strict=True)]
"""An integer as written: true/false (which pydantic would read as 1/0), 2.0 and '2' are refused."""
Real = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite real number as written, an integer or a decimal: true/false, text, NaN and infinities are refused.
(The scenario loader reads YAML's 1e-6 as a number, as YAML 1.2 does; YAML 1.1 read it as text.)"""
Flag = Annotated[bool, Field(strict=True)]
"""true or false as written (not 1, 0 or the text 'yes')."""
Note = Annotated[str, Field(max_length=4000)]
"""Free text (a description, a note, a source): at most 4,000 characters."""
Usd = Annotated[Real, Field(ge=0.0, le=1e18)]
"""US dollars, at most 1e18: ten thousand times the world's yearly output (~1.05e14 USD in 2023, World Bank GDP,
current US$); a bound against overflow, far above any programme, that leaves room for budgets set to test a study."""
