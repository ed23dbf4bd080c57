"""One model's performance on the session's labelled rows, for the screen and the headless report alike."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wit_tui.engine.errors import WitError
from wit_tui.engine.metrics import (
    BinaryMetrics,
    MulticlassMetrics,
    RegressionMetrics,
    ThresholdIndex,
    multiclass_metrics,
    regression_metrics,
)
from wit_tui.engine.session import Session


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
    if session.y is None:
        raise WitError("There is no label column, so there is nothing to evaluate.", "Pass --label COLUMN to see performance.")
    return np.asarray(~pd.isna(session.y), dtype=bool)


def threshold_index(session: Session, i: int = 0) -> ThresholdIndex:
    """Model ``i``'s scores sorted once (cached on the session) for exact binary metrics."""
    key = ("threshold_index", i)
    cached = session.cache.get(key)
    if cached is None:
        mask = labelled_mask(session)
        cached = ThresholdIndex(session.scores(i).score[mask], session.y_positive[mask])
        session.cache[key] = cached
    return cached


def model_performance(session: Session, i: int = 0, threshold: float | None = None) -> ModelPerformance:
    """Performance of model ``i``; binary metrics at ``threshold`` (default: the task's default threshold)."""
    mask = labelled_mask(session)
    n_eval = int(mask.sum())
    name = session.models[i].name
    kind = session.task.kind
    common = {"model": name, "kind": kind, "n_evaluated": n_eval, "n_unlabelled": int(len(mask) - n_eval)}
    if n_eval == 0:
        raise WitError(f"No row has a value in the label column {session.label!r}.", "Pick the column that holds the ground truth.")
    scores = session.scores(i)
    if kind == "binary":
        idx = threshold_index(session, i)
        t = session.task.default_threshold if threshold is None else float(threshold)
        return ModelPerformance(**common, binary=idx.at(t), roc_auc=idx.roc_auc, average_precision=idx.average_precision)
    if kind == "multiclass":
        return ModelPerformance(**common, multiclass=multiclass_metrics(session.y[mask], scores.label[mask], session.task.classes))
    return ModelPerformance(**common, regression=regression_metrics(session.y[mask], scores.score[mask]))


__all__ = ["ModelPerformance", "labelled_mask", "threshold_index", "model_performance"]
