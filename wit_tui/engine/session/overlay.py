"""The user's changes kept beside the loaded data: edits, added points, their scores and runs.

The loaded frame is never modified; everything a user changes lives here, so
reverting is dropping an entry and autosave writes only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wit_tui.engine.data.scoring import Scores


@dataclass(frozen=True)
class Run:
    """One inference of one datapoint: what changed, and each model's score (and class probabilities)."""

    number: int
    change: str
    scores: tuple[float, ...]
    probas: tuple[tuple[float, ...] | None, ...]


@dataclass
class Overlay:
    """Edits kept beside the data: ``edits[row][feature] = value`` for existing rows, ``added`` for new ones.

    ``added`` holds full records (every column of the data, the label included,
    so a duplicate keeps its ground truth); ``current`` the latest scores of
    every changed point; ``history`` the runs of every point ever re-inferred.
    """

    edits: dict[int, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    saved: bool = True
    history: dict[int, list[Run]] = field(default_factory=dict)
    current: dict[int, list[Scores]] = field(default_factory=dict)
    origin: dict[int, str] = field(default_factory=dict)

    @property
    def n_changed(self) -> int:
        return len(self.edits) + len(self.added)


def run_of(number: int, change: str, scores: list[Scores]) -> Run:
    """The run a re-inference made: its scores (and probabilities) as plain floats."""
    return Run(
        number,
        change,
        tuple(float(s.score[0]) for s in scores),
        tuple(None if s.proba is None else tuple(float(v) for v in s.proba[0]) for s in scores),
    )


__all__ = ["Overlay", "Run", "run_of"]
