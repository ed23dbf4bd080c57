"""Work done once, off the UI thread, so that every screen afterwards only does O(log n) work per key.

Scoring every model, then sorting the scores and building the curves the
performance screen needs (for the session's ground truth, or another one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings
from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth
from wit_tui.engine.analysis.performance import class_index, threshold_index, truth_index, truth_performance
from wit_tui.engine.core.progress import IsCancelled, Progress, check_cancelled
from wit_tui.engine.session.session import Session


@dataclass(frozen=True)
class Scored:
    """What scoring found worth saying: rows a model could not score (``warnings``) and good news (``notes``)."""

    warnings: tuple[str, ...]
    notes: tuple[str, ...]


def score_session(session: Session, progress: Progress | None = None, cancelled: IsCancelled | None = None) -> Scored:
    """Score every model on every row (cached on the session), then index the scores for thresholds and curves."""
    total = session.n_rows * len(session.models)
    offset = 0

    def tick(done: int, _n: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    for i in range(len(session.models)):
        session.scores(i, progress=tick)
        offset += session.n_rows
        check_cancelled(cancelled)
    if session.has_label and session.task.kind == "binary":
        for i in range(len(session.models)):
            idx = threshold_index(session, i)
            idx.roc_curve, idx.roc_auc, idx.average_precision  # noqa: B018 - cached properties
    return Scored(tuple(scoring_warnings(session)), tuple(scoring_notes(session)))


def prepare_truth(
    session: Session, label: str | None, positive: Any, cancelled: IsCancelled | None = None
) -> GroundTruth:
    """The ground truth for ``label``/``positive`` with every model's curves built (raises if no row is labelled)."""
    truth = ground_truth(session, label, positive)
    for i in range(len(session.models)):
        if session.task.kind == "binary":
            idx = truth_index(session, truth, i)
            idx.roc_curve, idx.roc_auc, idx.pr_curve, idx.average_precision  # noqa: B018 - cached properties
        elif session.task.kind == "multiclass" and session.scores(i).proba is not None:
            for c in range(len(session.task.classes)):
                idx = class_index(session, truth, i, c)
                idx.roc_curve, idx.roc_auc, idx.pr_curve, idx.average_precision  # noqa: B018
        check_cancelled(cancelled)
    truth_performance(session, truth, 0)  # raises a clear WitError if no row is labelled
    return truth


__all__ = ["Scored", "prepare_truth", "score_session"]
