"""What kind of question the model answers: binary, multi-class or regression.

Decided from the model (``is_classifier``, ``classes_``, ``predict_proba``) and
checked against the label, so every screen knows which metrics make sense.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from wit_tui.engine.core.errors import WitError

TaskKind = Literal["binary", "multiclass", "regression"]
ScoreMethod = Literal["predict_proba", "decision_function", "predict"]


@dataclass(frozen=True)
class TaskInfo:
    """What the models are asked, shared by every model of a session: the kind, the classes, the positive class.

    ``positive`` is the class whose score is thresholded in a binary task
    (``--positive``, else ``classes_[1]``, as sklearn's ``pos_label`` rules do).
    How each model scores is :class:`ModelTask`'s: two models of one session
    may score differently (probabilities and margins).
    """

    kind: TaskKind
    classes: tuple[Any, ...] = ()
    positive: Any = None

    @property
    def positive_index(self) -> int:
        return self.classes.index(self.positive) if self.kind == "binary" else -1

    @property
    def is_classification(self) -> bool:
        return self.kind != "regression"


@dataclass(frozen=True)
class ModelTask(TaskInfo):
    """The task as one model answers it: the shared facts and how this model's scores are obtained.

    ``score_method`` is ``decision_function`` for a classifier without
    ``predict_proba``: its scores are margins, not probabilities, so its
    thresholds are any finite number and the default is 0 instead of 0.5.
    """

    score_method: ScoreMethod = "predict"

    @property
    def probabilities(self) -> bool:
        """Are the scores probabilities (thresholds in [0, 1], log loss and Brier score defined)?"""
        return self.score_method == "predict_proba"

    @property
    def margins(self) -> bool:
        return self.score_method == "decision_function"

    @property
    def default_threshold(self) -> float:
        return 0.0 if self.margins else 0.5

    @property
    def score_label(self) -> str:
        if self.kind == "regression":
            return "prediction"
        return "score" if self.probabilities else "decision"

    @property
    def shared(self) -> TaskInfo:
        return TaskInfo(self.kind, self.classes, self.positive)


def scores_note(name: str, task: ModelTask) -> str:
    """One line saying that a model's scores are margins, and its default threshold ("" for probabilities)."""
    if not task.margins:
        return ""
    return f"{name}: margins (decision_function), threshold {task.default_threshold:g} by default"


def _has(estimator: Any, attr: str) -> bool:
    try:
        return hasattr(estimator, attr)
    except Exception:  # available_if checks can raise on odd estimators
        return False


def match_class(value: Any, classes: Sequence[Any]) -> Any:
    """The class ``value`` names (by equality, then by its text, then as a number), or None.

    Accepts the string a CLI user typed for a numeric class, and numpy numbers among the classes.
    """
    for c in classes:
        if c == value or str(c) == str(value):
            return c
    # "1" typed for a float class 1.0 (or "1.0" for an int class 1): compare as numbers.
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    for c in classes:
        if isinstance(c, (int, float, np.number)) and not isinstance(c, (bool, np.bool_)) and c == number:
            return c
    return None


class LabelNotClasses(WitError):
    """The label column holds none of the model's classes: it is not this model's label (or not this model's
    data), so every metric against it would be meaningless. The session opens without ground truth; ``report``
    and ``validate`` refuse it; the performance screen says it."""


def check_label_classes(values: Sequence[Any], classes: Sequence[Any], label: str, option: str = "--label") -> None:
    """A :class:`LabelNotClasses` naming the label's values (the first few, counted) and the model's classes,
    when no value of the label column (``values``: its distinct non-missing values) is one of the classes."""
    if any(match_class(v, classes) is not None for v in values):
        return
    shown = sorted({str(v) for v in values})
    listed = ", ".join(shown[:5]) + (", …" if len(shown) > 5 else "")
    raise LabelNotClasses(
        f"The label column {label!r} holds none of the model's classes: its values are {listed} "
        f"({len(shown):,} distinct), the model's classes are {', '.join(map(str, classes))}.",
        f"Pass {option} with the column whose values are the classes the model predicts."
        if option
        else "Pick the column whose values are the classes the model predicts.",
    )


def detect_task(estimator: Any, positive: Any = None, *, model_name: str = "model") -> ModelTask:
    """Work out the task of a fitted estimator (the label is checked separately)."""
    from sklearn.base import is_classifier, is_regressor  # deferred: scikit-learn is heavy, only needed here

    classes = getattr(estimator, "classes_", None)
    if is_classifier(estimator) or (classes is not None and not is_regressor(estimator)):
        if classes is None:
            raise WitError(f"The classifier {model_name} has no classes_.", "Fit it before saving it.")
        cls = tuple(np.asarray(classes).tolist())
        if len(cls) < 2:
            raise WitError(
                f"The classifier {model_name} was fitted on a single class {cls}.",
                "Fit it on data with at least two classes.",
            )
        if _has(estimator, "predict_proba"):
            method: ScoreMethod = "predict_proba"
        elif _has(estimator, "decision_function"):
            method = "decision_function"
        else:
            method = "predict"
        if len(cls) == 2:
            if positive is None:
                pos = cls[1]
            else:
                pos = match_class(positive, cls)
                if pos is None:
                    raise WitError(
                        f"--positive {positive!r} is not one of the classes of {model_name}: "
                        f"{', '.join(map(str, cls))}.",
                        "Pass one of those classes to --positive.",
                    )
            if method == "predict":
                raise WitError(
                    f"The classifier {model_name} has neither predict_proba nor decision_function, "
                    "so it gives no score to threshold.",
                    "Use a classifier that provides one of them.",
                )
            return ModelTask("binary", cls, pos, method)
        if positive is not None and match_class(positive, cls) is None:
            raise WitError(
                f"--positive {positive!r} is not one of the classes of {model_name}: {', '.join(map(str, cls))}.",
                "Pass one of those classes, or leave --positive out for a multi-class model.",
            )
        return ModelTask("multiclass", cls, None, method)
    if positive is not None:
        raise WitError(
            f"--positive was given but {model_name} is a regressor.",
            "Leave --positive out: it only applies to binary classifiers.",
        )
    return ModelTask("regression", (), None, "predict")


def detect_tasks(
    estimators: Sequence[Any], names: Sequence[str], positive: Any = None
) -> tuple[tuple[ModelTask, ...], TaskInfo]:
    """Each model's task (how it scores: probabilities or margins) and the question they all answer."""
    tasks = tuple(detect_task(e, positive, model_name=n) for e, n in zip(estimators, names, strict=True))
    return tasks, merge_tasks(tasks, names)


def merge_tasks(tasks: Sequence[ModelTask], names: Sequence[str]) -> TaskInfo:
    """The question every model answers (each may score it its own way): they must agree on it to be compared."""
    first = tasks[0]
    for task, name in zip(tasks[1:], names[1:], strict=True):
        if task.kind != first.kind or (
            first.is_classification and set(map(str, task.classes)) != set(map(str, first.classes))
        ):
            raise WitError(
                f"The models do not answer the same question: {names[0]} is {first.kind} {list(first.classes) or ''}, "
                f"{name} is {task.kind} {list(task.classes) or ''}.",
                "Compare models trained for the same task and label.",
            )
    return first.shared


__all__ = [
    "LabelNotClasses",
    "ModelTask",
    "TaskInfo",
    "TaskKind",
    "check_label_classes",
    "detect_task",
    "detect_tasks",
    "match_class",
    "merge_tasks",
    "scores_note",
]
