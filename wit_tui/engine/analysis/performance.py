"""One model's performance on the labelled rows, for the screen and the headless report alike.

Everything is measured against a :class:`~wit_tui.engine.analysis.ground_truth.GroundTruth`
(by default the session's label and positive class — what ``report`` and
``validate`` use); the sorted indexes are cached on the session.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, model_scores
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.binary import (
    BinaryMetrics,
    MulticlassMetrics,
    RegressionMetrics,
    ThresholdIndex,
    multiclass_metrics,
    regression_metrics,
)
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.session.session import Session


@dataclass(frozen=True)
class ModelPerformance:
    """Everything the performance summary shows for one model; only the task's own block is set."""

    model: str
    kind: str
    n_evaluated: int
    n_unlabelled: int
    binary: BinaryMetrics | None = None
    roc_auc: float | None = None
    average_precision: float | None = None
    multiclass: MulticlassMetrics | None = None
    regression: RegressionMetrics | None = None


def labelled_mask(session: Session) -> np.ndarray:
    """Rows that have ground truth (missing labels are left out of every metric)."""
    if session.label_problem is not None:
        raise session.label_problem  # a label of none of the model's classes: no metric means anything
    if session.y is None:
        raise WitError(
            "There is no label column, so there is nothing to evaluate.", "Pass --label COLUMN to see performance."
        )
    return np.asarray(~pd.isna(session.y), dtype=bool)


def threshold_index(session: Session, i: int = 0) -> ThresholdIndex:
    """Model ``i``'s scores sorted once (cached on the session) for exact binary metrics."""

    def compute() -> ThresholdIndex:
        mask = labelled_mask(session)
        return ThresholdIndex(session.scores(i).score[mask], session.y_positive[mask])

    return session.memo.get(("threshold_index", i), compute)


def truth_index(session: Session, truth: GroundTruth, i: int = 0) -> ThresholdIndex:
    """Model ``i``'s scores sorted once against ``truth`` (binary), cached on the session; the session's own
    ground truth shares :func:`threshold_index`'s cache."""
    if truth.default:
        return threshold_index(session, i)

    def compute() -> ThresholdIndex:
        mask = truth.labelled
        return ThresholdIndex(model_scores(session, truth, i)[mask], truth.positives[mask])

    return session.memo.get(("threshold_index", truth.key, i), compute)


def class_index(session: Session, truth: GroundTruth, i: int, c: int) -> ThresholdIndex:
    """One-vs-rest index of class ``truth.classes[c]`` for a multi-class model ``i``: its probability (or
    decision) column against "the label is this class" (cached)."""

    def compute() -> ThresholdIndex:
        proba = session.scores(i).proba
        if proba is None:
            raise WitError(
                "The model gives no per-class scores.", "One-vs-rest curves need predict_proba or decision_function."
            )
        mask = truth.labelled
        return ThresholdIndex(proba[mask, c], truth.y[mask] == truth.classes[c])

    return session.memo.get(("class_index", truth.key, i, c), compute)


def slice_indexes(session: Session, truth: GroundTruth, codes: np.ndarray, n_slices: int) -> list[SliceIndex]:
    """Each model's :class:`SliceIndex` over the labelled rows (binary), reusing the model's score sort, so
    building one is a radix sort of the slice codes: per-slice metrics at any thresholds cost O(slices · log n)."""
    mask = truth.labelled
    codes_l = np.asarray(codes, dtype=np.int64)[mask]
    out = []
    for i in range(len(session.models)):
        index = truth_index(session, truth, i)
        score = model_scores(session, truth, i)[mask]
        order = index.order
        assert order is not None, "a model's own index keeps its score sort"
        model_codes = codes_l
        if index.n_unscored:
            # rows the model raised on are left out, as in the overall index (whose order covers the scored rows
            # only): their code becomes -1 and they go last in the order, where argsort puts NaN
            unscored = np.isnan(score)
            model_codes = np.where(unscored, -1, codes_l)
            order = np.r_[np.flatnonzero(~unscored)[order], np.flatnonzero(unscored)]
        out.append(SliceIndex(score, truth.positives[mask], model_codes, n_slices, order=order))
    return out


def truth_performance(
    session: Session, truth: GroundTruth, i: int = 0, threshold: float | None = None
) -> ModelPerformance:
    """Performance of model ``i`` against ``truth``; binary metrics at ``threshold`` (default: the task's)."""
    mask = truth.labelled
    n_eval = int(mask.sum())
    name = session.models[i].name
    kind = session.task.kind
    if n_eval == 0:
        raise WitError(
            f"No row has a value in the label column {truth.label!r}.", "Pick the column that holds the ground truth."
        )
    common = ModelPerformance(name, kind, n_eval, int(len(mask) - n_eval))
    scores = session.scores(i)
    if kind == "binary":
        idx = truth_index(session, truth, i)
        t = session.tasks[i].default_threshold if threshold is None else float(threshold)
        return replace(common, binary=idx.at(t), roc_auc=idx.roc_auc, average_precision=idx.average_precision)
    if kind == "multiclass":
        return replace(common, multiclass=multiclass_metrics(truth.y[mask], scores.label[mask], session.task.classes))
    return replace(common, regression=regression_metrics(truth.y[mask], scores.score[mask]))


def model_performance(session: Session, i: int = 0, threshold: float | None = None) -> ModelPerformance:
    """Performance of model ``i``; binary metrics at ``threshold`` (default: the task's default threshold)."""
    labelled_mask(session)  # the same message as ever when there is no label
    return truth_performance(session, ground_truth(session), i, threshold)


__all__ = [
    "ModelPerformance",
    "class_index",
    "labelled_mask",
    "model_performance",
    "slice_indexes",
    "threshold_index",
    "truth_index",
    "truth_performance",
]
