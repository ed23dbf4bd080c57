"""Which slicing the user asked for, in a form that means the same rows on other data.

The performance screen, the decisions file, ``report`` and ``validate`` describe a slicing with one
:class:`SliceSpec`: the features (crossed), how numeric ones are bucketed (a count, quantile or equal width, or
explicit ``edges`` per feature — a saved file stores the edges, so a slice holds the same rows on new data), or a
predicate (``where``: a filter expression; its slices are the rows that match and the rest).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wit_tui.engine.slicing import DEFAULT_BUCKETS


@dataclass(frozen=True)
class SliceSpec:
    """``features``: crossed; ``buckets`` / ``equal_width``: how numeric features without ``edges`` are cut;
    ``edges``: explicit bucket edges per numeric feature (``(0, 1, 3, 10)``); ``where``: a predicate slicing
    (the filter language), used instead of ``features`` when set."""

    features: tuple[str, ...] = ()
    buckets: int = DEFAULT_BUCKETS
    equal_width: bool = False
    edges: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    where: str | None = None

    def key(self) -> tuple[Any, ...]:
        """A hashable name of the slicing (per-slice thresholds belong to one)."""
        return (self.features, self.buckets, self.equal_width, tuple(sorted(self.edges.items())), self.where)

    @property
    def empty(self) -> bool:
        return not self.features and self.where is None


__all__ = ["SliceSpec"]
