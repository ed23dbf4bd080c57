"""Score a whole dataset once, in chunks, and score one edited row on its own.

Scores are what every screen needs, and computing them is the only cost that
grows with both the data and the model, so :class:`~wit_tui.engine.session.Session`
caches the result; an edit re-scores just that row with :func:`score_frame`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.errors import WitError
from wit_tui.engine.tasks import TaskInfo

DEFAULT_CHUNK = 65_536


@dataclass(frozen=True)
class Scores:
    """One model's output on a frame.

    ``score``: binary → the positive class's probability (or decision value);
    regression → the prediction; multi-class → the top class's probability.
    ``proba``: the full (n, n_classes) matrix for multi-class (None otherwise).
    ``label``: the predicted class at the default decision (argmax, or score ≥
    the task's default threshold) or the regression prediction.
    """

    score: np.ndarray
    label: np.ndarray
    proba: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.score)


def _score_chunk(estimator: Any, X: pd.DataFrame, task: TaskInfo) -> tuple[np.ndarray, np.ndarray | None]:
    if task.kind == "regression":
        return np.asarray(estimator.predict(X), dtype=np.float64).reshape(-1), None
    if task.score_method == "predict_proba":
        proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
        if task.kind == "binary":
            return proba[:, task.positive_index], None
        return proba.max(axis=1), proba
    if task.score_method == "decision_function":
        dec = np.asarray(estimator.decision_function(X), dtype=np.float64)
        if task.kind == "binary":
            dec = dec.reshape(-1)
            # decision_function is positive for classes_[1]; flip it when the positive class is classes_[0].
            return (dec if task.positive_index == 1 else -dec), None
        return dec.max(axis=1), dec
    # multi-class with predict only: a one-hot "probability"
    pred = np.asarray(estimator.predict(X))
    onehot = (pred[:, None] == np.asarray(task.classes, dtype=object)[None, :]).astype(np.float64)
    return onehot.max(axis=1), onehot


def labels_from(score: np.ndarray, proba: np.ndarray | None, task: TaskInfo, threshold: float | None = None) -> np.ndarray:
    """Predicted labels: thresholded (binary), argmax (multi-class) or the prediction (regression)."""
    if task.kind == "regression":
        return score
    classes = np.asarray(task.classes, dtype=object)
    if task.kind == "binary":
        t = task.default_threshold if threshold is None else threshold
        other = classes[1 - task.positive_index]
        return np.where(score >= t, task.positive, other)
    return classes[np.argmax(proba, axis=1)]


def score_frame(
    estimator: Any,
    X: pd.DataFrame,
    task: TaskInfo,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    n_jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    model_name: str = "model",
) -> Scores:
    """Score ``X`` in chunks (optionally in parallel threads) and return :class:`Scores`."""
    n = len(X)
    bounds = [(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)] or [(0, 0)]
    try:
        if n_jobs != 1 and len(bounds) > 1:
            from joblib import Parallel, delayed

            parts = Parallel(n_jobs=n_jobs, prefer="threads")(
                delayed(_score_chunk)(estimator, X.iloc[a:b], task) for a, b in bounds
            )
            if progress:
                progress(n, n)
        else:
            parts = []
            for a, b in bounds:
                parts.append(_score_chunk(estimator, X.iloc[a:b], task))
                if progress:
                    progress(b, n)
    except WitError:
        raise
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else "no detail"
        raise WitError(
            f"The model {model_name} failed to score the data ({type(exc).__name__}: {first}).",
            "Check that the data has the columns and types the model was trained on.",
        ) from exc
    score = np.concatenate([p[0] for p in parts]) if parts else np.empty(0)
    proba = None
    if task.kind == "multiclass":
        proba = np.concatenate([p[1] for p in parts]) if parts else np.empty((0, len(task.classes)))
    return Scores(score=score, label=labels_from(score, proba, task), proba=proba)


__all__ = ["Scores", "score_frame", "labels_from"]
