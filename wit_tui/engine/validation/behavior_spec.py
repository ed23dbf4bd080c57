"""What a behaviour test asks (CheckList's three kinds, for tabular models) and what it found.

``[[behaviors]]`` in a ``validate`` config become :class:`BehaviorSpec` values; running one on one model gives a
:class:`BehaviorOutcome` per slice ("Overall" first), which ``validate`` gates, prints, writes to JSON and JUnit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.validation.specs import SlicingSpec

#: CheckList's kinds: invariance (INV), directional expectation (DIR), minimum functionality (MFT: cases)
KINDS = ("invariance", "directional", "cases")
#: how a directional test expects the positive score (multi-class: the class's probability) to move
EXPECTATIONS = ("increase", "decrease", "not_increase", "not_decrease")
#: the perturbations: set values, shift or scale numbers, swap two columns, resample columns from the data
PERTURBATIONS = ("set", "shift", "scale", "swap", "resample")


@dataclass(frozen=True)
class Perturbation:
    """One perturbation of the rows. ``set``: ``values`` per feature (each row is tried with each value);
    ``shift`` / ``scale``: ``amounts`` per numeric feature (x + a, x · a); ``swap``: the two ``features``' values
    exchanged; ``resample``: the ``features`` drawn from the data's own values (seeded)."""

    kind: Literal["set", "shift", "scale", "swap", "resample"]
    values: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    amounts: tuple[tuple[str, float], ...] = ()
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class BehaviorChange:
    """A change threshold of a behaviour: the candidate's failure rate may exceed the baseline's by at most
    ``absolute`` ("flip rate no worse than the baseline's + 0.005")."""

    absolute: float


@dataclass(frozen=True)
class BehaviorSpec:
    """One ``[[behaviors]]`` entry, checked. ``cases`` is the cases file's path (resolved against the config's
    folder); ``cls`` the class whose probability a multi-class directional test follows."""

    name: str
    kind: Literal["invariance", "directional", "cases"]
    perturb: Perturbation | None = None
    where: str | None = None
    max_flip_rate: float | None = None
    max_score_change: float | None = None
    max_fail_rate: float | None = None
    expect: str | None = None
    tolerance: float = 0.0
    cases: str | None = None
    min_pass_rate: float | None = None
    sample: int | None = None
    seed: int = 0
    cls: str | None = None
    slicing_specs: tuple[SlicingSpec, ...] = ()
    change: BehaviorChange | None = None


@dataclass(frozen=True)
class Example:
    """One failing row: its id, what changed (``"sex: Male → Female"``), both scores and both decisions."""

    row: int
    change: str
    score_before: float
    score_after: float
    before: Any
    after: Any


@dataclass(frozen=True)
class BehaviorOutcome:
    """A behaviour on one model and one slice: ``rows`` tested, ``failures``, their ``rate`` with its Wilson
    ``interval``; ``measure`` names the rate (``flip_rate``, ``fail_rate``, or ``pass_rate`` for cases) and
    ``limit`` the bound it is held to (a maximum, or for ``pass_rate`` a minimum); ``passed`` and a one-line
    ``message`` with the numbers; the worst ``examples`` and every failing row id (``failing_rows``)."""

    behavior: str
    kind: str
    model: str
    slice: str
    rows: int
    failures: int
    rate: float
    interval: Interval
    measure: str
    limit: float
    passed: bool
    message: str
    examples: tuple[Example, ...] = ()
    failing_rows: tuple[int, ...] = field(default=(), repr=False)
    #: with a change threshold: the baseline model's rate on the same slice (the limit then includes it)
    baseline_rate: float | None = None
    #: does this outcome gate validation (the candidate's do; the baseline's are shown for comparison)
    gates: bool = True


__all__ = [
    "EXPECTATIONS",
    "KINDS",
    "PERTURBATIONS",
    "BehaviorChange",
    "BehaviorOutcome",
    "BehaviorSpec",
    "Example",
    "Perturbation",
]
