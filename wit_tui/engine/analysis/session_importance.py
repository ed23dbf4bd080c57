"""What each of the session's models relies on: permutation importance on one sample of its rows.

The sample is drawn from the labelled rows (every row without a label); without ground truth the model's own
predictions are the target (its labels for a classifier, its predictions for a regressor), and each result says
which target it was scored against. Every model sees the same rows, so their importances compare.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from wit_tui.engine.analysis.importance import (
    DEFAULT_REPEATS,
    DEFAULT_SAMPLE,
    ModelImportance,
    model_importance,
    sample_rows,
)
from wit_tui.engine.core.progress import IsCancelled, Progress
from wit_tui.engine.session.session import Session

OWN_PREDICTIONS = "the model's own predictions (no label)"


@dataclass(frozen=True)
class SessionImportance:
    """Every model's importance on one sample, with the settings that drew it (``n_rows`` after capping)."""

    results: tuple[ModelImportance, ...]
    n_rows: int
    repeats: int
    seed: int

    @property
    def settings(self) -> tuple[int, int, int]:
        return self.n_rows, self.repeats, self.seed


def importance_rows(session: Session) -> np.ndarray:
    """The rows a sample may take: the labelled ones when there is a label, else every row."""
    if session.has_label:
        return np.flatnonzero(pd.notna(pd.Series(session.y, dtype=object)).to_numpy())
    return np.arange(session.n_rows)


def importance_target(session: Session, i: int, rows: np.ndarray) -> tuple[np.ndarray, str]:
    """What model ``i`` is scored against on ``rows``, and its name: the ground truth, or without a label the
    model's own predictions (how much its output changes)."""
    if session.y is not None:
        return session.y[rows], "ground truth"
    sc = session.scores(i)
    return (sc.label[rows] if session.task.is_classification else sc.score[rows]), OWN_PREDICTIONS


def session_importance(
    session: Session,
    size: int = DEFAULT_SAMPLE,
    repeats: int = DEFAULT_REPEATS,
    seed: int = 0,
    *,
    progress_for: Callable[[str], Progress] | None = None,
    is_cancelled: IsCancelled | None = None,
) -> SessionImportance:
    """Raw and engineered permutation importance of every model on a sample of ``size`` rows (capped)."""
    available = importance_rows(session)
    rows = sample_rows(available, min(size, len(available)), seed)
    results = []
    n = len(session.models)
    # many small predict calls: OpenMP threads would mostly spin (and crawl on a busy machine)
    with threadpool_limits(limits=1, user_api="openmp"):
        for i, m in enumerate(session.models):
            y, target = importance_target(session, i, rows)
            label = f"Importance of {m.name} ({i + 1}/{n})"
            results.append(
                model_importance(
                    m.estimator,
                    session.model_input(i).iloc[rows],
                    y,
                    session.task,
                    model=m.name,
                    target=target,
                    n_repeats=repeats,
                    random_state=seed,
                    progress=None if progress_for is None else progress_for(label),
                    is_cancelled=is_cancelled,
                )
            )
    return SessionImportance(tuple(results), len(rows), repeats, seed)


__all__ = ["OWN_PREDICTIONS", "SessionImportance", "importance_rows", "importance_target", "session_importance"]
