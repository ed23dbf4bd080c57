"""One surrogate tree per model of a session, fitted to what each model predicts at the given thresholds.

The rows are every loaded row up to ``max_rows`` (a fixed random sample beyond that), the same for every
model; a classifier's target is its predicted class at its threshold, a regressor's its prediction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wit_tui.engine.analysis.surrogate import DEFAULT_DEPTH, Surrogate, fit_surrogate
from wit_tui.engine.core.progress import IsCancelled, Progress, check_cancelled
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.session.session import Session

SURROGATE_ROWS = 20_000  # rows the trees learn from and are checked on (a random sample beyond that)


def surrogate_rows(n_rows: int, max_rows: int = SURROGATE_ROWS) -> np.ndarray:
    """Every row, or a sorted random sample (seed 0) of ``max_rows`` of them."""
    if n_rows <= max_rows:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(0).choice(n_rows, max_rows, replace=False))


def session_surrogates(
    session: Session,
    thresholds: Sequence[float],
    depth: int = DEFAULT_DEPTH,
    max_rows: int = SURROGATE_ROWS,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> list[Surrogate]:
    """A depth-``depth`` tree per model, mimicking its predictions at ``thresholds[i]`` on the same rows."""
    s = session
    rows = surrogate_rows(s.n_rows, max_rows)
    frame = s.data.iloc[rows]
    out = []
    for i, m in enumerate(s.models):
        check_cancelled(is_cancelled)
        if progress is not None:
            progress(i, len(s.models))
        sc = s.scores(i)
        if s.task.is_classification:
            preds = labels_from(sc.score, sc.proba, s.tasks[i], thresholds[i])[rows]
            target = f"{m.name}'s predicted class"
            if s.task.kind == "binary":
                target += f" at threshold {thresholds[i]:.3g}"
        else:
            preds, target = sc.score[rows], f"{m.name}'s prediction"
        classification = s.task.is_classification
        out.append(
            fit_surrogate(
                frame, s.features, preds, classification=classification, depth=depth, model=m.name, target=target
            )
        )
    if progress is not None:
        progress(len(s.models), len(s.models))
    return out


__all__ = ["SURROGATE_ROWS", "session_surrogates", "surrogate_rows"]
