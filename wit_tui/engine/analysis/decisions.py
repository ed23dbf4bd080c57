"""How scores become decisions: the one value every screen reads the thresholds, strategy and ground truth from.

The performance screen is its only writer; the datapoint editor and the features
screen watch it. It is replaced whole, never mutated, so a watcher always sees one
consistent state (thresholds that belong to the ground truth they were chosen for).
Equality is identity (``eq=False``): it holds arrays, and a replacement is a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.threshold_values import GivenThresholds, nudge_thresholds, resolve_thresholds
from wit_tui.engine.metrics.thresholds import DEFAULT_TOLERANCE


@dataclass(frozen=True, eq=False)
class Decisions:
    """Thresholds per model (and per slice), the strategy that chose them, and what they are measured against.

    ``per_slice`` holds, per model, one threshold per slice code of the slicing
    named by ``slicing_key`` (None: every row uses its model's threshold).
    ``truth`` is None until the performance screen has prepared the ground truth.
    ``ovr_class`` is the class a multi-class task is read one-vs-rest for.
    ``start`` is what a reset goes back to: each model's default threshold, or the ``--threshold`` asked for.
    """

    thresholds: tuple[float, ...]
    per_slice: tuple[np.ndarray, ...] | None = None
    slicing_key: tuple[Any, ...] | None = None
    strategy: str = "custom"
    cost_ratio: float = 1.0
    tolerance: float = DEFAULT_TOLERANCE
    truth: GroundTruth | None = None
    ovr_class: int = 0
    start: tuple[float, ...] = ()

    @classmethod
    def initial(cls, defaults: Sequence[float]) -> Decisions:
        """Each model at its own default (``session.default_thresholds``: 0.5 for probabilities, 0 for margins),
        or at the thresholds the command line asked for; a reset comes back here."""
        start = tuple(float(t) for t in defaults)
        return cls(start, start=start)

    def nudged(self, steps: int, probabilities: bool | Sequence[bool]) -> Decisions:
        """Every threshold (per-slice ones too) moved by ``steps`` hundredths, each clamped for its model's kind
        of score (``probabilities``: one for all, or one per model); the strategy becomes custom."""
        kinds = [probabilities] * len(self.thresholds) if isinstance(probabilities, bool) else list(probabilities)
        per_slice = None
        if self.per_slice is not None:
            per_slice = tuple(
                np.array(nudge_thresholds(a.tolist(), steps, p)) for a, p in zip(self.per_slice, kinds, strict=True)
            )
        return replace(
            self,
            thresholds=tuple(nudge_thresholds(self.thresholds, steps, kinds)),
            per_slice=per_slice,
            strategy="custom",
        )

    def with_thresholds(self, thresholds: Sequence[float]) -> Decisions:
        """Typed thresholds: per-slice ones are cleared and the strategy becomes custom."""
        return replace(
            self, thresholds=tuple(float(t) for t in thresholds), per_slice=None, slicing_key=None, strategy="custom"
        )

    def reset(self, defaults: Sequence[float] = ()) -> Decisions:
        """Each model back at its starting threshold (``start``, else ``defaults``); ground truth, cost ratio and
        tolerance stay."""
        return replace(
            self,
            thresholds=self.start or tuple(float(t) for t in defaults),
            per_slice=None,
            slicing_key=None,
            strategy="custom",
        )

    def with_slice_threshold(
        self, k: int, values: Sequence[float], slicing_key: tuple[Any, ...], n_slices: int
    ) -> Decisions:
        """Slice ``k`` gets its own threshold per model; the others keep theirs (their model's, at first)."""
        if self.per_slice is None or self.slicing_key != slicing_key:
            per_slice = [np.full(n_slices, t, dtype=np.float64) for t in self.thresholds]
        else:
            per_slice = [a.copy() for a in self.per_slice]
        for i, value in enumerate(values):
            per_slice[i][k] = float(value)
        return replace(self, per_slice=tuple(per_slice), slicing_key=slicing_key, strategy="custom")

    def slice_thresholds(self, slicing_key: tuple[Any, ...] | None) -> tuple[np.ndarray, ...] | None:
        """The per-slice thresholds if they belong to this slicing, else None."""
        if self.per_slice is None or slicing_key is None or slicing_key != self.slicing_key:
            return None
        return self.per_slice

    def row_thresholds(self, codes: np.ndarray | None, slicing_key: tuple[Any, ...] | None) -> list[Any]:
        """Per model: its threshold, or per row its slice's threshold (rows in no slice: the model's)."""
        per_slice = self.slice_thresholds(slicing_key)
        if per_slice is None or codes is None:
            return list(self.thresholds)
        out: list[Any] = []
        inside = codes >= 0
        for t, by_slice in zip(self.thresholds, per_slice, strict=True):
            row = np.full(len(codes), t, dtype=np.float64)
            row[inside] = by_slice[codes[inside]]
            out.append(row)
        return out

    def point_thresholds(self, defaults: Sequence[float] = ()) -> tuple[float, ...]:
        """The thresholds the datapoint editor labels points with: the session's positive class, so each model's
        starting threshold (``start``, else ``defaults``) while the performance screen calls the other class
        positive."""
        if self.truth is not None and self.truth.flipped:
            return self.start or tuple(float(t) for t in defaults)
        return self.thresholds

    @property
    def key(self) -> tuple[Any, ...]:
        """What a result computed from these decisions depends on (compare to know if it is stale)."""
        per_slice = None if self.per_slice is None else tuple(tuple(a.tolist()) for a in self.per_slice)
        truth = None if self.truth is None else self.truth.key
        return (
            self.thresholds,
            per_slice,
            self.slicing_key,
            self.strategy,
            self.cost_ratio,
            self.tolerance,
            truth,
            self.ovr_class,
        )


def starting_thresholds(session: Any, given: GivenThresholds | None, what: str = "--threshold") -> tuple[float, ...]:
    """Each model's starting threshold: ``given`` (``--threshold T`` for all, ``NAME=T`` for one) over the model's
    default, each checked for its own kind of score — the rule the app, ``report`` and ``validate`` share."""
    if given and session.task.kind != "binary":
        raise WitError(
            f"{what} applies to binary classifiers, but the task is {session.task.kind}.", f"Leave {what} out."
        )
    return resolve_thresholds(given or {}, session.model_names, session.probabilities, session.default_thresholds, what)


__all__ = ["Decisions", "starting_thresholds"]
