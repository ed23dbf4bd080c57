"""What the datapoint editor's parts share: the point they are about, the messages they send up, and helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from textual.message import Message
from textual.widget import Widget

from wit_tui.engine.core.values import py
from wit_tui.engine.data.scoring import Scores, labels_from
from wit_tui.engine.session.session import Session
from wit_tui.render.format import fmt
from wit_tui.render.palette import MODEL_STYLES as MODEL_COLORS
from wit_tui.tui.views.base import decisions_of


@dataclass(frozen=True)
class PointContext:
    """What every panel is about: the selected point and what its results depend on.

    ``thresholds`` are the ones the editor labels with (the app's decisions, see :func:`point_thresholds`);
    ``version`` counts the overlay changes (any edit may change a counterfactual or a curve);
    ``feature`` is the feature highlighted in the inspector; ``gap_steps`` sizes the regression gap (what
    counts as another prediction, like a threshold: ``{ }``); ``target_class`` the class number a multi-class
    question is about (``C``; None: the predicted class, for a counterfactual any other class).
    """

    point: int
    thresholds: tuple[float, ...]
    version: int
    feature: str
    gap_steps: int = 0
    target_class: int | None = None


def point_thresholds(widget: Widget, session: Session) -> tuple[float, ...]:
    """The thresholds the datapoint editor labels with: the app's (binary only; defaults while the truth is
    flipped), one per model."""
    defaults = session.default_thresholds  # each model's own (0.5 for probabilities, 0 for margins)
    if session.task.kind != "binary":
        return defaults
    return tuple(decisions_of(widget).point_thresholds(defaults))


def labels_of(session: Session, scores: Sequence[Scores], thresholds: Sequence[float]) -> list[Any]:
    """Each model's predicted label (class, or the value for regression) of a one-row score."""
    if session.task.kind == "regression":
        return [float(sc.score[0]) for sc in scores]
    return [labels_from(sc.score, sc.proba, session.tasks[m], thresholds[m])[0] for m, sc in enumerate(scores)]


def label_of_run(session: Session, m: int, score: float, proba: Any, threshold: float) -> Any:
    """The label a recorded run's score (and class probabilities) of model ``m`` gave at ``threshold``."""
    p = None if proba is None else np.array([proba])
    return labels_from(np.array([score]), p, session.tasks[m], threshold)[0]


def compact(value: float) -> str:
    """A non-negative number in at most 5 characters (0.123, 12.3, 123, 1.2e5)."""
    if value < 10:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.1f}"
    if value < 100_000:
        return f"{value:.0f}"
    return f"{value:.1e}".replace("e+0", "e").replace("e+", "e")


def cell_text(value: Any) -> str:
    """A value as every part of the editor shows it (the table, the value picker, the features): bools as yes/no,
    numbers with separators, missing as –. One formatter, so a value reads the same wherever it is picked."""
    return fmt(py(value))


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class PointNote(Message):
    """A part has one line to say under the features (an error in red)."""

    def __init__(self, text: Any, error: bool = False) -> None:
        super().__init__()
        self.text, self.error = text, error


class GoToPoint(Message):
    """Show datapoint ``point`` in the table and select it (a counterfactual's ``o``)."""

    def __init__(self, point: int) -> None:
        super().__init__()
        self.point = point


class ApplyEdit(Message):
    """Set these features of the selected point (a minimal edit's enter); ``note`` says so once applied."""

    def __init__(self, values: dict[str, Any], note: str) -> None:
        super().__init__()
        self.values, self.note = values, note


class Ranked(Message):
    """The features ranked by how much they move the point's prediction (None: back to data order)."""

    def __init__(self, rank: tuple[tuple[str, float], ...] | None) -> None:
        super().__init__()
        self.rank = rank


__all__ = [
    "MODEL_COLORS",
    "ApplyEdit",
    "cell_text",
    "GoToPoint",
    "PointContext",
    "PointNote",
    "Ranked",
    "compact",
    "label_of_run",
    "labels_of",
    "point_thresholds",
    "short",
]
