"""What does the model rely on: permutation importance of raw and engineered columns, and the model's own weights.

Permutation importance is ``sklearn.inspection.permutation_importance`` itself,
called with a scorer that counts its calls (for progress) and can stop it (for
cancel), so the numbers are sklearn's to the last bit for the same
``random_state``. It runs on a sample of labelled rows whose size the user sets.

For a Pipeline, two views answer different questions:

- **raw**: permute one *input* column and score the whole pipeline — "how much
  does the model need ``education``?" (all its one-hot columns move together);
- **engineered**: transform the sample once with every step but the last,
  then permute one column of that matrix (named by ``get_feature_names_out``)
  and score the final estimator alone — "how much does it need
  ``cat__education_Bachelors``?".

The final estimator's own ``coef_`` or ``feature_importances_`` are reported
beside them, labelled as the model's own: they are not permutation importances
(coefficients depend on the scaling of their inputs; impurity importances are
computed on the training data).

Scoring follows the task: ROC AUC for binary (threshold-free, on the score the
tool thresholds), accuracy for multi-class, R² for regression. Without ground
truth, the model's own predictions stand in for it (how much the model's output
changes), and the result says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.engineered_columns import OwnImportance, engineered_view, first_line, own_importance
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import Cancelled, IsCancelled, Progress, check_cancelled
from wit_tui.engine.data.tasks import TaskInfo

DEFAULT_SAMPLE = 2_000
DEFAULT_REPEATS = 5

SCORING = {"binary": ("roc_auc", "ROC AUC"), "multiclass": ("accuracy", "accuracy"), "regression": ("r2", "R²")}


@dataclass(frozen=True)
class Importance:
    """Permutation importance of each column: ``importances[j, r]`` = baseline − score with column j permuted
    in repeat r, as sklearn returns it (``mean``/``std`` over repeats, std with ddof=0 as sklearn)."""

    names: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    importances: np.ndarray
    baseline: float

    def order(self) -> np.ndarray:
        """Column indices, most important first."""
        return np.argsort(-self.mean, kind="stable")


@dataclass(frozen=True)
class ModelImportance:
    """Everything the importance panel shows for one model."""

    model: str
    scoring: str
    scoring_label: str
    target: str  # "ground truth" | "the model's own predictions"
    n_rows: int
    n_repeats: int
    random_state: int
    raw: Importance
    engineered: Importance | None
    engineered_note: str
    own: OwnImportance | None


def scoring_for(task: TaskInfo) -> tuple[str, str]:
    """The sklearn scoring name and its display label for the task."""
    return SCORING[task.kind]


def check_sample_size(size: Any, available: int) -> int:
    """The sample size as an int, or a WitError saying why it cannot be used."""
    text = size.replace(",", "").replace("_", "").strip() if isinstance(size, str) else size
    try:
        n = int(text)
    except (TypeError, ValueError):
        raise WitError(
            f"The sample size {size!r} is not a whole number.", f"Give a number from 1 to {available:,}."
        ) from None
    if not isinstance(text, str) and n != text:
        raise WitError(f"The sample size {size!r} is not a whole number.", f"Give a number from 1 to {available:,}.")
    if n < 1:
        raise WitError(f"The sample size must be at least 1, not {n:,}.", f"Give a number from 1 to {available:,}.")
    if n > available:
        raise WitError(
            f"The sample size {n:,} is larger than the {available:,} rows available.",
            f"Give a number from 1 to {available:,}.",
        )
    return n


def check_repeats(repeats: Any) -> int:
    try:
        r = int(repeats)
    except (TypeError, ValueError):
        raise WitError(
            f"The number of repeats {repeats!r} is not a whole number.", "Give a number from 1 to 100."
        ) from None
    if not 1 <= r <= 100:
        raise WitError(f"The number of repeats must be between 1 and 100, not {r}.", "5 is the usual choice.")
    return r


def sample_rows(available: np.ndarray, size: int, random_state: int) -> np.ndarray:
    """``size`` row indices drawn without replacement from ``available`` (sorted, reproducible for a seed)."""
    size = check_sample_size(size, len(available))
    if size == len(available):
        return np.asarray(available)
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(np.asarray(available), size=size, replace=False))


def _counting_scorer(
    estimator: Any, scoring: str, total: int, progress: Progress | None, is_cancelled: IsCancelled | None
) -> Callable:
    """sklearn's scorer for ``scoring``, reporting each call to ``progress`` and stopping when cancelled."""
    # deferred: scikit-learn is heavy, only needed once importance is computed
    from sklearn.metrics import check_scoring

    scorer = check_scoring(estimator, scoring=scoring)
    done = 0

    def score(est: Any, X: Any, y: Any) -> float:
        nonlocal done
        check_cancelled(is_cancelled)
        value = scorer(est, X, y)
        done += 1
        if progress is not None:
            progress(done, total)
        return value

    return score


def permutation_importances(
    estimator: Any,
    X: Any,
    y: np.ndarray,
    *,
    scoring: str,
    n_repeats: int = DEFAULT_REPEATS,
    random_state: int = 0,
    names: tuple[str, ...] | None = None,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> Importance:
    """``sklearn.inspection.permutation_importance`` with progress (one tick per scoring) and cancel."""
    # deferred: scikit-learn is heavy, only needed once importance is computed
    from sklearn.inspection import permutation_importance

    n_cols = X.shape[1]
    scorer = _counting_scorer(estimator, scoring, 1 + n_cols * n_repeats, progress, is_cancelled)
    baseline: list[float] = []

    def score(est: Any, X_: Any, y_: Any) -> float:
        value = scorer(est, X_, y_)
        if not baseline:  # sklearn scores the unpermuted rows first
            baseline.append(float(value))
        return value

    result = permutation_importance(
        estimator, X, y, scoring=score, n_repeats=n_repeats, random_state=random_state, n_jobs=None
    )
    if names is None:
        names = tuple(str(c) for c in X.columns) if hasattr(X, "columns") else tuple(f"x{j}" for j in range(n_cols))
    return Importance(
        tuple(names),
        np.asarray(result.importances_mean),
        np.asarray(result.importances_std),
        np.asarray(result.importances),
        baseline[0],
    )


def _plain(y: np.ndarray) -> np.ndarray:
    """Labels held as Python objects (the Session keeps class values so) with a real dtype where they have one:
    sklearn reads an object array of ints as an "unknown" target and refuses to score it."""
    y = np.asarray(y)
    if y.dtype == object:
        return pd.Series(y).infer_objects().to_numpy()
    return y


def _shifted(progress: Progress | None, offset: int, total: int) -> Progress:
    """A progress callback for one of several runs: its ticks counted after the ``offset`` ticks before it."""

    def tick(done: int, _n: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    return tick


def _check_target(y: np.ndarray, scoring: str, label: str) -> None:
    """A WitError when the target cannot be scored: a single class leaves ROC AUC undefined."""
    if scoring == "roc_auc" and len(pd.unique(np.asarray(y, dtype=object))) < 2:
        raise WitError(
            f"The sample holds a single class, so {label} is undefined.",
            "Use a larger sample (or data with both classes).",
        )


def _raw_importance(
    estimator: Any,
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    model: str,
    scoring: str,
    n_repeats: int,
    random_state: int,
    progress: Progress,
    is_cancelled: IsCancelled | None,
) -> Importance:
    """Permutation importance of the input columns, the whole model scored; a WitError when the model fails."""
    try:
        return permutation_importances(
            estimator,
            X,
            y,
            scoring=scoring,
            n_repeats=n_repeats,
            random_state=random_state,
            progress=progress,
            is_cancelled=is_cancelled,
        )
    except Exception as exc:  # the model failing on its own input; Cancelled is a BaseException and passes
        raise WitError(
            f"Permutation importance failed for {model} ({first_line(exc)}).",
            "Check that the model can score these rows.",
        ) from exc


def _engineered_importance(
    view: tuple[Any, np.ndarray, tuple[str, ...]],
    y: np.ndarray,
    *,
    scoring: str,
    n_repeats: int,
    random_state: int,
    progress: Progress,
    is_cancelled: IsCancelled | None,
) -> tuple[Importance | None, OwnImportance | None, str]:
    """(engineered importance or None, the final estimator's own weights, the note that explains the view)."""
    final, Z, names = view
    eng = None
    try:
        eng = permutation_importances(
            final,
            Z,
            y,
            scoring=scoring,
            n_repeats=n_repeats,
            random_state=random_state,
            names=names,
            progress=progress,
            is_cancelled=is_cancelled,
        )
        note = (
            "Engineered: the sample is transformed once by the pipeline's steps before the last; each "
            "column of that matrix (named by get_feature_names_out) is permuted and scored with the final "
            f"estimator {type(final).__name__} alone."
        )
    except Exception as exc:  # a failure here leaves the raw view standing; Cancelled is a BaseException and passes
        note = f"Engineered importance failed ({first_line(exc)})."
    return eng, own_importance(final, names), note


def model_importance(
    estimator: Any,
    X: pd.DataFrame,
    y: np.ndarray,
    task: TaskInfo,
    *,
    model: str = "model",
    target: str = "ground truth",
    n_repeats: int = DEFAULT_REPEATS,
    random_state: int = 0,
    engineered: bool = True,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> ModelImportance:
    """Raw (and, for a Pipeline, engineered) permutation importance of one model on the rows ``X``/``y``."""
    if len(X) == 0:
        raise WitError("There are no rows to compute importance on.", "Give a sample size of at least 1.")
    n_repeats = check_repeats(n_repeats)
    y = _plain(y)
    scoring, label = scoring_for(task)
    _check_target(y, scoring, label)
    view = engineered_view(estimator, X) if engineered else "Not computed."
    n_raw_ticks = 1 + X.shape[1] * n_repeats
    n_eng = view[1].shape[1] if isinstance(view, tuple) else 0
    total = n_raw_ticks + ((1 + n_eng * n_repeats) if n_eng else 0)
    raw = _raw_importance(
        estimator,
        X,
        y,
        model=model,
        scoring=scoring,
        n_repeats=n_repeats,
        random_state=random_state,
        progress=_shifted(progress, 0, total),
        is_cancelled=is_cancelled,
    )
    if isinstance(view, tuple):
        eng, own, note = _engineered_importance(
            view,
            y,
            scoring=scoring,
            n_repeats=n_repeats,
            random_state=random_state,
            progress=_shifted(progress, n_raw_ticks, total),
            is_cancelled=is_cancelled,
        )
    else:
        eng, own, note = None, own_importance(estimator, raw.names), view
    return ModelImportance(model, scoring, label, target, len(X), n_repeats, random_state, raw, eng, note, own)


__all__ = [
    "Cancelled",
    "DEFAULT_REPEATS",
    "DEFAULT_SAMPLE",
    "Importance",
    "ModelImportance",
    "check_repeats",
    "check_sample_size",
    "model_importance",
    "permutation_importances",
    "sample_rows",
    "scoring_for",
]
