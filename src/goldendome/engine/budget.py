"""What a trial will cost before it runs, and the limits it must fit: objects in flight, sampled states, radar looks,
battle checks and peak memory, estimated from the scenario alone (nothing flies).

A trial's memory grows with the sampled states it holds (objects x samples); its work with the states it flies, the
object-looks its radars make (every look tests every object in flight) and the battle manager's checks (every
decision cycle weighs every object against every battery). :func:`estimate` counts these; :func:`check` refuses a
scenario beyond a :class:`Limits`, naming the estimate, the limit and what to change. The command line allows the
machine's memory (80 %, or ``GOLDENDOME_MEMORY_GIB``) and no operations limit; the server sets both (``goldendome
serve --max-memory-gib / --max-operations``), so one upload cannot take the machine.
"""

import os
from dataclasses import dataclass

from goldendome.scenario.loader import ScenarioError
from goldendome.scenario.models import Scenario
from goldendome.sensors.radar import PRESETS as RADARS

BYTES_PER_SAMPLE = 260
"""Memory a trial holds per sampled object state, bytes: the trajectory's time, id, position, velocity and phase
(65 B) in the flown parts and their joined copy, the Earth-fixed copy the radars' look schedule keeps, and the
battle's per-instant interpolations. Measured on bench/bench_raid.py's raids (peak resident memory against sampled
states, 2-core development machine); an engineering figure, not a published one."""
BASE_MEMORY_GIB = 0.5
"""Memory of a trial before its objects: the interpreter, the libraries, compiled kernels, constellations."""

SERVER_MAX_OPERATIONS = 2.0e8
"""The server's default bound on a trial's operations (sampled states + radar object-looks + battle checks). The
largest built-in scenario (russia-raid, 2,570 objects) counts 4.2e7, which takes about 5 minutes on two cores; the
bound allows about five times that, so about 25 minutes, inside the server's 30-minute run limit."""


@dataclass(frozen=True)
class WorkEstimate:
    """A trial's size before it runs: objects in flight, sampled states (objects x samples), radar object-looks,
    battle checks (decision cycles x objects x batteries) and peak memory, GiB."""

    objects: int
    samples: float
    radar_looks: float
    battle_checks: float
    memory_gib: float

    @property
    def operations(self) -> float:
        """Sampled states, radar object-looks and battle checks together: the work the limit bounds."""
        return self.samples + self.radar_looks + self.battle_checks

    def describe(self) -> str:
        """One line a person can read: the counts and the estimated memory."""
        return (
            f"{self.objects:,} objects in flight, {self.samples:,.3g} sampled states, {self.radar_looks:,.3g} radar "
            f"object-looks, {self.battle_checks:,.3g} battle checks ({self.operations:,.3g} operations), an "
            f"estimated {self.memory_gib:,.1f} GiB of memory"
        )


@dataclass(frozen=True)
class Limits:
    """What a trial may use: memory, GiB, and operations (:attr:`WorkEstimate.operations`; inf: no bound)."""

    memory_gib: float
    operations: float = float("inf")
    memory_source: str = "80 % of this machine's memory, or GOLDENDOME_MEMORY_GIB"
    operations_source: str = "the server's --max-operations"


def estimate(scn: Scenario) -> WorkEstimate:
    """The size of a trial of scn: each ballistic missile flies as rvs + decoys objects, every other threat as one,
    each sampled every time_step_s for at most the scenario's duration; each radar looks at every object once per
    revisit; each decision cycle of a defence weighs every object against every battery (and the SBI layer)."""
    objects = sum(
        th.count * (th.rvs + th.decoys) if th.type == "ballistic" else getattr(th, "count", 1) for th in scn.threats
    )
    duration_s = scn.duration_min * 60.0
    samples = objects * (duration_s / scn.time_step_s + 1.0)
    looks = sum(objects * duration_s / RADARS[name].revisit_s for name in scn.radars if name in RADARS)
    checks = 0.0
    if scn.defence is not None:
        checks = duration_s / scn.defence.decision_s * objects * (len(scn.defence.batteries) + 1)
    memory = BASE_MEMORY_GIB + samples * BYTES_PER_SAMPLE / 2**30
    return WorkEstimate(objects, samples, looks, checks, memory)


def memory_estimate_gib(scn: Scenario) -> tuple[int, float]:
    """(objects in flight, estimated peak memory of a trial in GiB) of a scenario (see :func:`estimate`)."""
    e = estimate(scn)
    return e.objects, e.memory_gib


def memory_limit_gib() -> float:
    """The memory a trial may plan to use: GOLDENDOME_MEMORY_GIB, or 80 % of this machine's physical memory."""
    given = os.environ.get("GOLDENDOME_MEMORY_GIB")
    if given:
        try:
            value = float(given)
        except ValueError:
            raise ValueError(f"GOLDENDOME_MEMORY_GIB must be a number of GiB, got {given!r}") from None
        if not value > 0:
            raise ValueError(f"GOLDENDOME_MEMORY_GIB must be > 0 GiB, got {given!r}")
        return value
    return 0.8 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def machine_limits() -> Limits:
    """The command line's limits: this machine's memory, no operations bound."""
    return Limits(memory_limit_gib())


def check(scn: Scenario, limits: Limits | None = None) -> WorkEstimate:
    """The estimate of a trial of scn; ScenarioError, naming the estimate, the limit and what to change, when it
    exceeds limits (default: :func:`machine_limits`)."""
    limits = limits or machine_limits()
    e = estimate(scn)
    problems = []
    if e.memory_gib > limits.memory_gib:
        problems.append(
            f"{e.objects:,} objects in flight sampled every {scn.time_step_s:g} s for {scn.duration_min:g} min need "
            f"an estimated {e.memory_gib:,.1f} GiB of memory, above the limit of {limits.memory_gib:,.1f} GiB "
            f"({limits.memory_source}): fewer missiles, RVs or decoys, a shorter duration_min or a longer "
            "time_step_s"
        )
    if e.operations > limits.operations:
        problems.append(
            f"the trial counts about {e.operations:,.3g} operations ({e.samples:,.3g} sampled states + "
            f"{e.radar_looks:,.3g} radar object-looks + {e.battle_checks:,.3g} battle checks), above the limit of "
            f"{limits.operations:,.3g} ({limits.operations_source}): fewer objects, radars or batteries, a "
            "shorter duration_min, a longer time_step_s or defence.decision_s"
        )
    if problems:
        raise ScenarioError("threats", problems)
    return e
