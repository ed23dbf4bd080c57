"""The per-task recipe for "model i's metrics on each slice of a session": which truth, which scores, which rows.

The metrics themselves live in :mod:`wit_tui.engine.metrics.slice_index` and know
nothing of sessions; this module picks their inputs the one way the performance
screen, ``report`` and ``validate`` all use.
"""

from __future__ import annotations

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, model_scores
from wit_tui.engine.metrics.row_thresholds import RowThresholds
from wit_tui.engine.metrics.slice_index import SliceIndex, SliceMetrics, binary_slice_metrics
from wit_tui.engine.metrics.slice_metrics import multiclass_slice_metrics, regression_slice_metrics
from wit_tui.engine.session.session import Session


def session_slice_metrics(
    session: Session,
    i: int,
    codes: np.ndarray,
    n_slices: int,
    threshold: float | np.ndarray | RowThresholds | None = None,
    *,
    truth: GroundTruth | None = None,
    index: SliceIndex | None = None,
    losses: bool = True,
    extras: bool = False,
) -> SliceMetrics:
    """Model ``i``'s metrics on each slice of the labelled rows (unlabelled rows are left out).

    ``truth`` is a :class:`GroundTruth` (default:
    the session's label and positive class, as the report and validation
    use). For binary tasks ``threshold`` may be one per slice or one per session row (``RowThresholds``); ``index`` is a
    :class:`SliceIndex` over the labelled rows already built (the screen's).
    """
    truth = ground_truth(session) if truth is None else truth
    mask = truth.labelled
    codes = np.where(mask, np.asarray(codes, dtype=np.int64), -1)
    task = session.tasks[i]  # each model thresholds its own kind of score
    scores = session.scores(i)
    if task.kind == "binary":
        t = task.default_threshold if threshold is None else threshold
        if isinstance(t, RowThresholds):
            t = t.take(mask)  # one per session row: the labelled ones, as the scores below
        score = model_scores(session, truth, i)
        # rows the model raised on (NaN score) are left out, as in the overall metrics
        codes_l = np.where(np.isnan(score[mask]), -1, codes[mask])
        return binary_slice_metrics(
            truth.positives[mask],
            score[mask],
            codes_l,
            n_slices,
            t,
            probabilities=task.score_method == "predict_proba",
            index=index,
            losses=losses,
        )
    if task.kind == "multiclass":
        probabilities = task.score_method == "predict_proba"
        return multiclass_slice_metrics(
            truth.y, scores.label, scores.proba, task.classes, codes, n_slices, probabilities=probabilities
        )
    return regression_slice_metrics(np.where(mask, truth.y, 0.0), scores.score, codes, n_slices, extras=extras)


__all__ = ["session_slice_metrics"]
