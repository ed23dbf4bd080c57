"""How the session's data drifts from a reference: the ``--reference`` file, or the rows with one value of a column.

Both sides compare the model's features and the label (its prior shift) when both have it, and each model's
output: against the file, the reference is scored once per model (memoised on the session) when it holds every
column that model reads; in a split, the session's own scores are split the same way as the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from wit_tui.engine.analysis.drift import DriftReport, dataset_drift, prediction_series, split_by_value
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import Cancelled, IsCancelled, Progress
from wit_tui.engine.data.scoring import Scores, score_frame
from wit_tui.engine.session.session import Session

#: a progress callback for one named stage ("Scoring the reference with m", "Drift per feature")
StageProgress = Callable[[str], Progress]


@dataclass(frozen=True)
class SessionDrift:
    """A drift report with the two frames and the model outputs it compared (what the panel plots)."""

    report: DriftReport
    reference: pd.DataFrame
    current: pd.DataFrame
    reference_predictions: dict[str, pd.Series]
    current_predictions: dict[str, pd.Series]


def _stage(progress_for: StageProgress | None, label: str) -> Progress | None:
    return None if progress_for is None else progress_for(label)


def reference_scores(
    session: Session,
    i: int,
    reference: pd.DataFrame,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> Scores:
    """Model ``i``'s scores of the reference frame (its model columns), computed once per reference."""
    m, cols = session.models[i], session.model_columns[i]

    def tick(done: int, total: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        if progress is not None:
            progress(done, total)

    def compute() -> Scores:
        return score_frame(
            m.estimator, reference[cols], session.tasks[i], n_jobs=session.n_jobs, progress=tick, model_name=m.name
        )

    return session.memo.get(("drift.reference_scores", id(reference), i), compute)


def reference_drift(
    session: Session,
    reference: pd.DataFrame | None,
    reference_name: str = "reference",
    *,
    progress_for: StageProgress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> SessionDrift:
    """Drift of the session's data (and each model's output) from a ``--reference`` frame."""
    ref, cur = reference, session.data
    if ref is None:
        raise WitError("There is no reference data to compare with.", "Pass --reference PATH.")
    columns = list(session.features)
    if session.label is not None and session.label in ref.columns:
        columns.append(session.label)  # the label's own drift (prior shift), when both sides have it
    ref_preds: dict[str, pd.Series] = {}
    cur_preds: dict[str, pd.Series] = {}
    unscored: dict[str, list[str]] = {}
    kind = session.task.kind
    for i, m in enumerate(session.models):
        lacking = [c for c in session.model_columns[i] if c not in ref.columns]
        if lacking:
            text = ", ".join(lacking[:5]) + (" …" if len(lacking) > 5 else "")
            unscored.setdefault(text, []).append(m.name)
            continue
        progress = _stage(progress_for, f"Scoring the reference with {m.name}")
        sc = reference_scores(session, i, ref, progress=progress, is_cancelled=is_cancelled)
        mine = session.scores(i)
        ref_preds[m.name] = prediction_series(sc.score, sc.label, kind)
        cur_preds[m.name] = prediction_series(mine.score, mine.label, kind)
    notes = [
        f"No prediction drift for {', '.join(names)}: the reference lacks {text}." for text, names in unscored.items()
    ]
    report = dataset_drift(
        ref,
        cur,
        columns,
        reference_name=reference_name,
        current_name=session.name,
        reference_predictions=ref_preds,
        current_predictions=cur_preds,
        notes=notes,
        progress=_stage(progress_for, "Drift per feature"),
        is_cancelled=is_cancelled,
    )
    return SessionDrift(report, ref, cur, ref_preds, cur_preds)


def split_drift(
    session: Session,
    column: str,
    value: object,
    *,
    progress_for: StageProgress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> SessionDrift:
    """Drift of the rows where ``column`` has ``value`` (the reference) against all the other rows."""
    mask, label = split_by_value(session.data, column, value)
    ref, cur = session.data[mask], session.data[~mask]
    columns = [f for f in session.features if f != column]
    if session.label is not None and session.label != column:
        columns.append(session.label)
    notes = [f"{column} itself is left out (it defines the split)."] if column in session.features else []
    ref_preds: dict[str, pd.Series] = {}
    cur_preds: dict[str, pd.Series] = {}
    for i, m in enumerate(session.models):
        sc = session.scores(i)
        series = prediction_series(sc.score, sc.label, session.task.kind)
        ref_preds[m.name] = series[mask].reset_index(drop=True)
        cur_preds[m.name] = series[~mask].reset_index(drop=True)
    report = dataset_drift(
        ref,
        cur,
        columns,
        reference_name=label,
        current_name="the other rows",
        reference_predictions=ref_preds,
        current_predictions=cur_preds,
        notes=notes,
        progress=_stage(progress_for, "Drift per feature"),
        is_cancelled=is_cancelled,
    )
    return SessionDrift(report, ref, cur, ref_preds, cur_preds)


def session_drift(
    session: Session,
    source: tuple,
    reference: pd.DataFrame | None = None,
    reference_name: str = "reference",
    *,
    progress_for: StageProgress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> SessionDrift:
    """Drift from ``source``: ``("file",)`` for the ``reference`` frame, ``("split", column, value)`` for a split."""
    if source[0] == "file":
        return reference_drift(session, reference, reference_name, progress_for=progress_for, is_cancelled=is_cancelled)
    _, column, value = source
    return split_drift(session, column, value, progress_for=progress_for, is_cancelled=is_cancelled)


__all__ = ["SessionDrift", "StageProgress", "reference_drift", "reference_scores", "session_drift", "split_drift"]
