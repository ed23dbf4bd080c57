"""What is true, and which class counts as positive: the ground truth every metric is measured against.

By default it is the session's: ``--label`` and ``--positive`` (else
``classes_[1]``, as sklearn). The performance screen can measure against another
column or call the other class positive, without touching the session (the
datapoint editor keeps the session's label):

- **another label column**: its values are matched to the model's classes as
  the session matches ``--label`` (``"1"`` in a CSV is the class ``1``); values
  the model does not know count as negatives / errors and are reported in
  ``unknown``; a column with none of the model's classes is refused. A
  regression label must be numeric. Missing values leave the row out.
- **the other positive class** (binary): the score of that class is ``1 − p``
  for ``predict_proba`` and ``−margin`` for ``decision_function``, so
  ``score >= threshold`` keeps its meaning ("predicted positive"). sklearn's
  ``pos_label=`` on the same scores gives the same numbers.

:func:`ground_truth` results are cached on the session (one per label and
positive class), so switching back and forth costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import check_label_classes, match_class

NO_LABEL = "There is no label column, so there is nothing to evaluate."


@dataclass(frozen=True, eq=False)
class GroundTruth:
    """The label column, the task's classes and positive class, and per row the truth.

    ``y`` has one entry per data row (classes for classification, floats for
    regression; None / NaN where missing); ``labelled`` marks the rows that have
    one; ``y_positive`` (binary) is ``y == positive`` (False on unlabelled rows).
    ``flipped`` is True when ``positive`` is not the session's positive class,
    so the binary scores are turned around (:func:`model_scores`).
    """

    label: str
    kind: str
    classes: tuple[Any, ...]
    positive: Any
    y: np.ndarray
    labelled: np.ndarray
    y_positive: np.ndarray | None
    flipped: bool
    default: bool
    unknown: tuple[str, ...] = field(default=())

    @property
    def key(self) -> tuple[str, str]:
        return (self.label, "" if self.positive is None else str(self.positive))

    @property
    def positives(self) -> np.ndarray:
        """``y_positive`` of a binary task; an error on any other (it has no positive class)."""
        if self.y_positive is None:
            raise WitError(f"The {self.kind} label {self.label!r} has no positive class.", "Pick a binary label.")
        return self.y_positive

    @property
    def n_labelled(self) -> int:
        return int(self.labelled.sum())

    @property
    def negative(self) -> Any:
        """The other class of a binary task."""
        others = [c for c in self.classes if c != self.positive]
        return others[0] if others else None

    def describe(self) -> str:
        if self.kind == "binary":
            return f"{self.label} = {self.positive}"
        return self.label


def _classify(column: pd.Series, classes: tuple[Any, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """The column's values as the model's classes (object array, None where missing) and the unknown values."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = np.empty(len(uniques), dtype=object)
    known = [match_class(u, classes) for u in uniques]
    mapped[:] = [k if k is not None else u for k, u in zip(known, uniques, strict=True)]
    y = np.full(len(column), None, dtype=object)
    y[codes >= 0] = mapped[codes[codes >= 0]]
    unknown = tuple(sorted({str(u) for k, u in zip(known, uniques, strict=True) if k is None}))
    return y, unknown


def ground_truth(session, label: str | None = None, positive: Any = None) -> GroundTruth:
    """The ground truth in column ``label`` (default the session's) with ``positive`` as the positive class
    (binary; default the session's). Raises :class:`WitError` for a column that cannot be the truth."""
    task = session.task
    label = session.label if label is None else label
    if label is None:
        raise WitError(NO_LABEL, "Pass --label COLUMN, or press g on the performance screen to pick the column.")
    problem = getattr(session, "label_problem", None)
    if problem is not None and label == session.label:
        raise problem  # the session's label is not the model's: the same message wherever it is asked for
    if label not in session.data.columns:
        raise WitError(f"There is no column {label!r} in the data.", "Pick one of the data's columns.")
    if task.kind == "binary":
        pos = task.positive if positive is None else match_class(positive, task.classes)
        if pos is None:
            raise WitError(
                f"{positive!r} is not a class of the model: {', '.join(map(str, task.classes))}.",
                "Pick one of the model's classes.",
            )
    else:
        pos = None
    key = ("ground_truth", label, "" if pos is None else str(pos))
    return session.memo.get(key, lambda: _build_truth(session, label, pos))


def _truth_values(session, label: str, is_default: bool) -> tuple[Any, tuple[str, ...]]:
    """The column's values as ground truth for the session's task, and the values no class matches."""
    task = session.task
    column = session.data[label]
    if column.isna().all():
        raise WitError(
            f"The column {label!r} is empty (all missing), so it cannot be the ground truth.",
            "Pick the column that holds the true answers.",
        )
    unknown: tuple[str, ...] = ()
    if is_default and session.y is not None:
        y = session.y
    elif task.kind == "regression":
        y = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
        bad = int(np.isnan(y).sum() - column.isna().sum())
        if bad:
            raise WitError(
                f"The column {label!r} has {bad:,} non-numeric values, but the model is a regressor.",
                "Pick a numeric column as the ground truth.",
            )
    else:
        check_label_classes(list(pd.unique(column.dropna())), task.classes, label, option="")
        y, unknown = _classify(column, task.classes)
    return y, unknown


def _build_truth(session, label: str, pos: Any) -> GroundTruth:
    task = session.task
    is_default = label == session.label and (pos is None or pos == task.positive)
    y, unknown = _truth_values(session, label, is_default)
    if task.kind == "regression":
        labelled = ~np.isnan(np.asarray(y, dtype=np.float64))
    else:
        labelled = np.asarray(~pd.isna(y), dtype=bool)
    y_positive = None
    if task.kind == "binary":
        if is_default and session.y is not None:
            y_positive = session.y_positive
        else:
            y_positive = np.asarray(y == pos, dtype=bool)
    return GroundTruth(
        label,
        task.kind,
        tuple(task.classes),
        pos,
        y,
        labelled,
        y_positive,
        flipped=task.kind == "binary" and pos != task.positive,
        default=is_default,
        unknown=unknown,
    )


def model_scores(session, truth: GroundTruth, i: int) -> np.ndarray:
    """Model ``i``'s score oriented to ``truth``: binary → the score of ``truth.positive`` (``1 − p`` or
    ``−margin`` when the positive class is flipped); otherwise the session's score."""
    score = session.scores(i).score
    if not truth.flipped:
        return score
    flip = session.tasks[i].probabilities
    return session.memo.get(("flipped_score", i), lambda: 1.0 - score if flip else -score)


def label_choices(session) -> list[str]:
    """Columns that can hold the ground truth: the session's label first, then the others, model inputs last."""
    inputs = {c for cols in session.model_columns for c in cols}
    cols = [str(c) for c in session.data.columns]
    first = [session.label] if session.label in cols else []
    rest = [c for c in cols if c not in first and c not in inputs]
    return first + rest + [c for c in cols if c not in first and c in inputs]


__all__ = ["GroundTruth", "NO_LABEL", "ground_truth", "label_choices", "model_scores"]
