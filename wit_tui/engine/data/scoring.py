"""Score a whole dataset once, in chunks, and score one edited row on its own.

Scores are what every screen needs, and computing them is the only cost that
grows with both the data and the model, so :class:`~wit_tui.engine.session.session.Session`
caches the result; an edit re-scores just that row with :func:`score_frame`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import ModelTask

DEFAULT_CHUNK = 65_536
#: Past this many failing rows the failure is systematic (wrong columns or types), not a few bad rows:
#: stop bisecting and say so, instead of calling the model once per row.
MAX_FAILED_ROWS = 100


class _TooManyFailures(Exception):
    pass


@dataclass(frozen=True)
class Scores:
    """One model's output on a frame.

    ``score``: binary → the positive class's probability (or decision value);
    regression → the prediction; multi-class → the top class's probability.
    ``proba``: the full (n, n_classes) matrix for multi-class (None otherwise).
    ``label``: the predicted class at the default decision (argmax, or score ≥
    the task's default threshold) or the regression prediction.
    ``failed``: positions of rows the model raised on (their score is NaN and
    their label None); ``error`` the first such error, for the message.
    """

    score: np.ndarray
    label: np.ndarray
    proba: np.ndarray | None = None
    failed: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    error: str = ""

    @property
    def class_scores(self) -> np.ndarray:
        """``proba`` of a multi-class model; an error for any other (its score is one column)."""
        if self.proba is None:
            raise WitError("The model gives no per-class scores.", "This needs a multi-class model.")
        return self.proba

    def output(self, kind: str) -> np.ndarray:
        """What a what-if curve follows: every class's probability (multi-class) or the score."""
        return self.class_scores if kind == "multiclass" else self.score

    def __len__(self) -> int:
        return len(self.score)


def _score_chunk(estimator: Any, X: pd.DataFrame, task: ModelTask) -> tuple[np.ndarray, np.ndarray | None]:
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


def labels_from(
    score: np.ndarray, proba: np.ndarray | None, task: ModelTask, threshold: float | None = None
) -> np.ndarray:
    """Predicted labels: thresholded (binary), argmax (multi-class) or the prediction (regression).

    A row without a score (the model raised on it) gets the label None.
    """
    if task.kind == "regression":
        return score
    classes = np.asarray(task.classes, dtype=object)
    if task.kind == "binary":
        t = task.default_threshold if threshold is None else threshold
        other = classes[1 - task.positive_index]
        labels = np.where(score >= t, task.positive, other).astype(object)
    else:
        assert proba is not None, "multi-class scores carry the class probabilities"
        labels = classes[np.argmax(np.nan_to_num(proba, nan=-np.inf), axis=1)]
    unscored = np.isnan(score)
    if unscored.any():
        labels = labels.astype(object)
        labels[unscored] = None
    return labels


def _score_robust(
    estimator: Any, X: pd.DataFrame, task: ModelTask, start: int, failed: list[int], errors: list[str]
) -> tuple[np.ndarray, np.ndarray | None]:
    """Score a chunk the model raised on by halving it, so one bad row costs O(log n) calls, not the chunk."""
    try:
        return _score_chunk(estimator, X, task)
    except Exception as exc:
        if not errors:
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no detail'}")
        if len(X) == 1:
            failed.append(start)
            if len(failed) > MAX_FAILED_ROWS:
                raise _TooManyFailures from exc
            n_cls = len(task.classes) if task.kind == "multiclass" else 0
            return np.full(1, np.nan), (np.full((1, n_cls), np.nan) if n_cls else None)
        mid = len(X) // 2
        a = _score_robust(estimator, X.iloc[:mid], task, start, failed, errors)
        b = _score_robust(estimator, X.iloc[mid:], task, start + mid, failed, errors)
        proba = None if a[1] is None else np.concatenate([a[1], b[1]])
        return np.concatenate([a[0], b[0]]), proba


def _run_chunks(
    run: Callable[[int, int], tuple[np.ndarray, np.ndarray | None]],
    bounds: list[tuple[int, int]],
    n: int,
    n_jobs: int,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Each chunk's scores, in order: in threads when ``n_jobs`` asks for them, reporting progress."""
    if n_jobs != 1 and len(bounds) > 1:
        from joblib import Parallel, delayed  # deferred: joblib is only needed for this

        parts = list(Parallel(n_jobs=n_jobs, prefer="threads")(delayed(run)(a, b) for a, b in bounds))
        if progress:
            progress(n, n)
        return parts
    parts = []
    for a, b in bounds:
        parts.append(run(a, b))
        if progress:
            progress(b, n)
    return parts


def score_frame(
    estimator: Any,
    X: pd.DataFrame,
    task: ModelTask,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    n_jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    model_name: str = "model",
) -> Scores:
    """Score ``X`` in chunks (optionally in parallel threads) and return :class:`Scores`."""
    n = len(X)
    bounds = [(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)] or [(0, 0)]
    failed: list[int] = []
    errors: list[str] = []

    def run(a: int, b: int) -> tuple[np.ndarray, np.ndarray | None]:
        try:
            return _score_chunk(estimator, X.iloc[a:b], task)
        except Exception:
            return _score_robust(estimator, X.iloc[a:b], task, a, failed, errors)

    try:
        parts: list[tuple[np.ndarray, np.ndarray | None]] | None = _run_chunks(run, bounds, n, n_jobs, progress)
    except _TooManyFailures:
        parts = None
    if parts is None or (n and len(failed) == n):
        many = "every row" if parts is not None else f"more than {MAX_FAILED_ROWS} rows"
        raise WitError(
            f"The model {model_name} failed to score {many} of the data ({errors[0] if errors else 'no detail'}).",
            "Check that the data has the columns and types the model was trained on.",
        )
    score = np.concatenate([p[0] for p in parts]) if parts else np.empty(0)
    proba = None
    if task.kind == "multiclass":
        proba = np.concatenate([p[1] for p in parts]) if parts else np.empty((0, len(task.classes)))
    failed_arr = np.array(sorted(failed), dtype=np.int64)
    return Scores(
        score=score,
        label=labels_from(score, proba, task),
        proba=proba,
        failed=failed_arr,
        error=errors[0] if errors else "",
    )


__all__ = ["Scores", "score_frame", "labels_from"]
