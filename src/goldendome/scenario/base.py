"""The one base of every file schema (scenarios and the sizing, coverage and cost studies with their schedule and
sharing sections): strict and frozen. A misspelt key is an error that names it, not a silently ignored field; a
validated file cannot change after it is checked."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A pydantic model that refuses unknown fields and is immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
