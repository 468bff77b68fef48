"""The ``sharing:`` section of a cost study: which partners share the bill, under which rules, with which inputs.

Rules are named here (:data:`RULE_NAMES`) and worked in :mod:`goldendome.analysis.sharing`, whose ``RULES`` maps
each of these names to its function (a test checks that the two agree). Partner codes are checked against the
partner table (:mod:`goldendome.scenario.partners`). The checks below serve both the study file and the sharing
functions, so a bad name reads the same wherever it is given.
"""

import difflib
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, model_validator

from goldendome.scenario.base import StrictModel
from goldendome.scenario.partners import DEFAULT_PARTNERS, check_partners

RULE_NAMES = ("gdp", "population", "defended_population", "territory", "benefit", "norad", "equal")
"""The sharing rules a study may name, in the order tables list them (see :mod:`goldendome.analysis.sharing`)."""

CAD_PER_USD_2024 = 1.3698
"""Canadian dollars per US dollar, 2024 annual average (Bank of Canada annual exchange rates; the 4th digit recalled,
UNVERIFIED; the CIA World Factbook gives 1.369 for 2024, VERIFIED). Override with ``cad_per_usd``."""


class SharingSpec(StrictModel):
    """The cost-sharing question of a study: which partners, which rules (default: every rule the inputs allow),
    inputs replacing a rule's default numbers (e.g. benefit: {US: ..., CA: ...} from a Monte Carlo), the exchange
    rate for Canada's bill."""

    partners: list[str] = Field(default_factory=lambda: list(DEFAULT_PARTNERS), min_length=1)
    rules: list[str] | None = None
    inputs: dict[str, dict[str, float]] = Field(default_factory=dict)
    cad_per_usd: Annotated[float, Field(gt=0.0)] = CAD_PER_USD_2024
    benefit_from: str | None = None  # a Monte Carlo study folder: its lives protected by country feed 'benefit'

    @model_validator(mode="after")
    def _known(self):
        check_partners(self.partners)
        if self.rules is not None:
            check_rules(self.rules)
        check_inputs(self.inputs)
        return self


def check_rule(rule) -> None:
    """ValueError naming the nearest known rule when ``rule`` is not one of :data:`RULE_NAMES`."""
    if rule not in RULE_NAMES:
        hint = difflib.get_close_matches(str(rule), RULE_NAMES, n=1)
        raise ValueError(
            f"rules: unknown rule {rule!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; known: {list(RULE_NAMES)}"
        )


def check_rules(rules) -> tuple[str, ...]:
    """One rule name or several as a tuple, each known and given once; ValueError in words otherwise."""
    rules = (rules,) if isinstance(rules, str) else tuple(rules)
    if not rules:
        raise ValueError("rules is empty: name at least one of " + ", ".join(RULE_NAMES))
    for r in rules:
        check_rule(r)
    if len(set(rules)) != len(rules):
        raise ValueError(f"rules: each rule once, got {list(rules)}")
    return rules


def check_inputs(inputs) -> dict:
    """Inputs ``{rule: {country: value}}`` as a dict (None: none), each keyed by a known rule; ValueError otherwise."""
    if inputs is None:
        return {}
    if not isinstance(inputs, Mapping):
        raise ValueError(f"inputs must be a mapping {{rule: {{country: value}}}}, got {type(inputs).__name__}")
    for k in inputs:
        if k not in RULE_NAMES:
            hint = difflib.get_close_matches(str(k), RULE_NAMES, n=1)
            raise ValueError(
                f"inputs: unknown rule {k!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + f"; inputs are keyed by rule name: {list(RULE_NAMES)}"
            )
    return dict(inputs)
