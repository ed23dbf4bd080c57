"""How sure is each number of a session's slice table: the intervals beside ``session_slice_metrics``.

One recipe for the screen, ``report`` and ``validate``, over the same rows and truth as the metrics themselves
(:func:`~wit_tui.engine.analysis.slice_results.session_slice_metrics`), so an interval always brackets the
number it is printed beside.
"""

from __future__ import annotations

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, model_scores
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    IntervalOptions,
    Intervals,
    confusion_intervals,
    index_auc_intervals,
)
from wit_tui.engine.session.session import Session


def slice_metric_intervals(
    session: Session,
    i: int,
    codes: np.ndarray,
    n_slices: int,
    threshold: float | np.ndarray | None = None,
    *,
    truth: GroundTruth | None = None,
    index: SliceIndex | None = None,
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> dict[str, Intervals]:
    """Model ``i``'s interval of each metric on each slice of the labelled rows, keyed by metric name.

    Binary: every rate (Wilson), F1 (multinomial bootstrap) at ``threshold`` (one per slice allowed), and the
    AUC (DeLong). Metrics without an interval yet are absent from the map.
    """
    truth = ground_truth(session) if truth is None else truth
    mask = truth.labelled
    codes = np.where(mask, np.asarray(codes, dtype=np.int64), -1)
    task = session.tasks[i]
    if task.kind != "binary":
        return {}
    t = task.default_threshold if threshold is None else threshold
    if index is None:
        score = model_scores(session, truth, i)
        codes_l = np.where(np.isnan(score[mask]), -1, codes[mask])
        index = SliceIndex(score[mask], truth.positives[mask], codes_l, n_slices)
    out = confusion_intervals(index.counts_at(t), options)
    out["auc"] = index_auc_intervals(index, options)
    return out


__all__ = ["slice_metric_intervals"]
