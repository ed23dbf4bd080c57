"""How bad is each row for a metric: every metric as a per-row "bad" outcome whose mean is the metric, or its
complement, so that "worse" is always "a larger mean" (see ``worst_slices`` for how slices are ranked on them).

- proportions: ``accuracy`` (error = wrong prediction, over all rows), ``precision`` (false positive, over
  predicted positives), ``recall`` and ``fnr`` (false negative, over positive labels), ``fpr`` (false positive,
  over negative labels);
- means: ``log_loss`` (per-row log loss), ``brier_score`` (per-row squared error of the probability), ``mae``
  (absolute error), ``mse`` (squared error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, model_scores
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.session import Session

#: metric -> ("proportion" | "mean", what a bad row is)
WORST_METRICS: dict[str, tuple[str, str]] = {
    "accuracy": ("proportion", "error rate (wrong predictions / rows)"),
    "precision": ("proportion", "false discovery rate (FP / predicted positives)"),
    "recall": ("proportion", "miss rate (FN / positive labels)"),
    "fnr": ("proportion", "false negative rate (FN / positive labels)"),
    "fpr": ("proportion", "false positive rate (FP / negative labels)"),
    "log_loss": ("mean", "per-row log loss"),
    "brier_score": ("mean", "per-row squared error of the probability"),
    "mae": ("mean", "absolute error |prediction − label|"),
    "mse": ("mean", "squared error (prediction − label)²"),
}
TASK_WORST_METRICS = {
    "binary": ("accuracy", "precision", "recall", "fpr", "fnr", "log_loss", "brier_score"),
    "multiclass": ("accuracy", "log_loss"),
    "regression": ("mae", "mse"),
}
#: the value shown for the metric is 1 − the bad rate for these (a "higher is better" metric)
COMPLEMENT = {"accuracy", "precision", "recall"}


@dataclass(frozen=True)
class Outcomes:
    """One model's per-row outcomes for a metric: rows counted (``counted``) and how bad each row is (``bad``)."""

    metric: str
    counted: np.ndarray
    bad: np.ndarray

    @property
    def kind(self) -> str:
        return WORST_METRICS[self.metric][0]

    def value(self, bad_mean: np.ndarray | float) -> np.ndarray | float:
        """The metric from the mean bad outcome (accuracy = 1 − error rate, …)."""
        return 1.0 - bad_mean if self.metric in COMPLEMENT else bad_mean


def binary_outcomes(
    metric: str, y_positive: np.ndarray, score: np.ndarray, threshold: float | np.ndarray, probabilities: bool = True
) -> Outcomes:
    """Per-row outcomes of a binary model at ``threshold`` (one for every row, or one per row)."""
    y = np.asarray(y_positive, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    pred = score >= threshold
    if metric == "accuracy":
        return Outcomes(metric, np.ones(len(y), bool), (pred != y).astype(np.float64))
    if metric == "precision":
        return Outcomes(metric, pred, (~y).astype(np.float64))
    if metric in ("recall", "fnr"):
        return Outcomes(metric, y, (~pred).astype(np.float64))
    if metric == "fpr":
        return Outcomes(metric, ~y, pred.astype(np.float64))
    if metric in ("log_loss", "brier_score"):
        if not probabilities:
            raise WitError(
                f"{metric} needs probabilities, but the scores are decision_function margins.",
                "Pick accuracy, precision, recall, fpr or fnr.",
            )
        p = np.clip(score, np.finfo(np.float64).eps, 1 - np.finfo(np.float64).eps)
        if metric == "log_loss":
            bad = -np.where(y, np.log(p), np.log1p(-p))
        else:
            bad = (score - y) ** 2
        return Outcomes(metric, ~np.isnan(score), np.nan_to_num(bad))
    raise WitError(
        f"{metric!r} is not a metric for worst slices of a binary model.",
        f"Pick one of: {', '.join(TASK_WORST_METRICS['binary'])}.",
    )


def multiclass_outcomes(
    metric: str, y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None, classes: Sequence
) -> Outcomes:
    """Per-row outcomes of a multi-class model (argmax predictions; log loss from the class probabilities)."""
    if metric == "accuracy":
        return Outcomes(
            metric,
            np.ones(len(y), bool),
            (np.asarray(pred, dtype=object) != np.asarray(y, dtype=object)).astype(np.float64),
        )
    if metric == "log_loss":
        if proba is None:
            raise WitError("log_loss needs class probabilities.", "Pick accuracy.")
        lookup = {c: j for j, c in enumerate(classes)}
        col = np.array([lookup.get(v, -1) for v in y], dtype=np.int64)
        known = col >= 0
        p = np.full(len(y), np.nan)
        p[known] = proba[np.flatnonzero(known), col[known]]
        # sklearn's log_loss clips at machine epsilon
        p = np.clip(p, np.finfo(np.float64).eps, 1.0)
        return Outcomes(metric, known, np.nan_to_num(-np.log(p)))
    raise WitError(
        f"{metric!r} is not a metric for worst slices of a multi-class model.",
        f"Pick one of: {', '.join(TASK_WORST_METRICS['multiclass'])}.",
    )


def regression_outcomes(metric: str, y: np.ndarray, pred: np.ndarray) -> Outcomes:
    e = np.asarray(pred, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    ok = ~np.isnan(e)
    if metric == "mae":
        return Outcomes(metric, ok, np.nan_to_num(np.abs(e)))
    if metric == "mse":
        return Outcomes(metric, ok, np.nan_to_num(e * e))
    raise WitError(f"{metric!r} is not a metric for worst slices of a regression model.", "Pick mae or mse.")


def session_outcomes(
    session: Session,
    truth: GroundTruth,
    metric: str,
    thresholds: Sequence[Any] | None = None,
) -> list[Outcomes]:
    """Every model's outcomes on the session's labelled rows against ``truth``.

    ``thresholds`` (binary) has one entry per model: a threshold, or an array with one per data row (the
    decisions of per-slice thresholds)."""
    task = session.task
    mask = truth.labelled
    outcomes = []
    for i in range(len(session.models)):
        sc = session.scores(i)
        probabilities = session.tasks[i].probabilities  # each model's own kind of score
        if task.kind == "binary":
            t = session.tasks[i].default_threshold if thresholds is None else thresholds[i]
            if np.ndim(t) == 1:  # one threshold per data row (per-slice thresholds)
                t = np.asarray(t, dtype=np.float64)[mask]
            outcomes.append(
                binary_outcomes(
                    metric,
                    truth.positives[mask],
                    model_scores(session, truth, i)[mask],
                    t,
                    probabilities,
                )
            )
        elif task.kind == "multiclass":
            proba = sc.proba[mask] if (sc.proba is not None and probabilities) else None
            outcomes.append(multiclass_outcomes(metric, truth.y[mask], sc.label[mask], proba, task.classes))
        else:
            outcomes.append(regression_outcomes(metric, truth.y[mask], sc.score[mask]))
    return outcomes


__all__ = [
    "COMPLEMENT",
    "Outcomes",
    "TASK_WORST_METRICS",
    "WORST_METRICS",
    "binary_outcomes",
    "multiclass_outcomes",
    "regression_outcomes",
    "session_outcomes",
]
