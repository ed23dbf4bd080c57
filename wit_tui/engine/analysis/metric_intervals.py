"""How sure is each number of a session's slice table: the intervals beside ``session_slice_metrics``.

One recipe for the screen, ``report`` and ``validate``, over the same rows and truth as the metrics themselves
(:func:`~wit_tui.engine.analysis.slice_results.session_slice_metrics`), so an interval always brackets the
number it is printed beside.
"""

from __future__ import annotations

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, model_scores
from wit_tui.engine.metrics.multiclass_intervals import multiclass_intervals
from wit_tui.engine.metrics.row_bootstrap import binary_row_intervals, regression_intervals
from wit_tui.engine.metrics.row_thresholds import RowThresholds, row_confusion
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    IntervalOptions,
    Intervals,
    index_auc_intervals,
    table_intervals,
)
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import group_rows


def slice_metric_intervals(
    session: Session,
    i: int,
    codes: np.ndarray,
    n_slices: int,
    threshold: float | np.ndarray | RowThresholds | None = None,
    *,
    truth: GroundTruth | None = None,
    index: SliceIndex | None = None,
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> dict[str, Intervals]:
    """Model ``i``'s interval of each metric on each slice of the labelled rows, keyed by metric name: every
    metric of the task's slice table but ``example_count``.

    Binary: every rate (Wilson), F1 (multinomial bootstrap) at ``threshold`` (one per slice allowed), the AUC
    (DeLong), and average precision, log loss and Brier score (row bootstrap; the losses only for
    probabilities). Multi-class: accuracy (Wilson), macro / weighted F1 (multinomial bootstrap of the confusion
    matrix), log loss (row bootstrap). Regression: MAE, RMSE, R² (row bootstrap).
    """
    truth = ground_truth(session) if truth is None else truth
    mask = truth.labelled
    codes = np.where(mask, np.asarray(codes, dtype=np.int64), -1)
    task = session.tasks[i]
    if task.kind == "multiclass":
        scores = session.scores(i)
        return multiclass_intervals(
            truth.y,
            scores.label,
            scores.proba,
            task.classes,
            group_rows(codes, n_slices),
            options,
            probabilities=task.score_method == "predict_proba",
        )
    if task.kind == "regression":
        y = np.where(mask, truth.y, 0.0)
        return regression_intervals(y, session.scores(i).score, group_rows(codes, n_slices), options)
    t = task.default_threshold if threshold is None else threshold
    if index is None or isinstance(t, RowThresholds):
        score = model_scores(session, truth, i)
        codes_l = np.where(np.isnan(score[mask]), -1, codes[mask])
        if index is None:
            index = SliceIndex(score[mask], truth.positives[mask], codes_l, n_slices)
    if isinstance(t, RowThresholds):  # each row at its own threshold (per-slice ones of another slicing)
        counts = row_confusion(truth.positives[mask], score[mask], codes_l, n_slices, t.take(mask))
    else:
        counts = index.counts_at(t)
    out = table_intervals(counts, (), options).slices  # the joint draw the performance screen makes
    out["auc"] = index_auc_intervals(index, options)
    return out | binary_row_intervals(index, options, probabilities=task.score_method == "predict_proba")


__all__ = ["slice_metric_intervals"]
