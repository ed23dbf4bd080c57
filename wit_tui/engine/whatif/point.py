"""One datapoint's what-if questions, asked of every model in one call: what the datapoint editor's panels show.

Each function takes every input as an argument (the point, the thresholds it is
labelled with, the panel's settings), loops over the models itself and reports
progress and cancellation the engine's way (``progress(done, total)``,
``cancelled()`` -> :class:`~wit_tui.engine.core.progress.Cancelled` raised), so a
UI job is one call of one of them and a headless command can reuse them.

Thresholds are used for a binary task only (one per model); multi-class compares
argmax classes and regression a gap (:func:`regression_gap`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import Cancelled, IsCancelled, Progress, check_cancelled
from wit_tui.engine.session.editing import feature_spec
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.attribution import Attribution, local_attributions
from wit_tui.engine.whatif.counterfactual import Counterfactual, default_gap, nearest_counterfactual
from wit_tui.engine.whatif.dependence import Curves, ice, ice_many, partial_dependence, rank_by_variation
from wit_tui.engine.whatif.distance_space import Metric, distance_space
from wit_tui.engine.whatif.minimal_edit import MinimalEdits, minimal_edits

#: one step of the regression gap keys ({ }) is a tenth of the default gap
GAP_STEP = 0.1


def origin(session: Session, i: int) -> str:
    """How added datapoint ``i`` came to be ("copy of #3", "new"); "" for a loaded row."""
    if not session.is_added(i):
        return ""
    return session.overlay.origin.get(i, "added").split(" (")[0]


def regression_gap(session: Session, m: int, steps: int = 0) -> float | None:
    """The gap a regression prediction must move by: the default gap (std of the predictions) ±10% per step."""
    if session.task.kind != "regression":
        return None
    return max(0.0, default_gap(session, m) * (1 + GAP_STEP * steps))


def _threshold(session: Session, thresholds: Sequence[float], m: int) -> float | None:
    return float(thresholds[m]) if session.task.kind == "binary" else None


def warm_up(session: Session, progress: Progress | None = None, cancelled: IsCancelled | None = None) -> None:
    """Encode the data for distances and build every feature's spec now, so the first question is quick."""
    distance_space(session)
    features = list(session.features)
    for k, f in enumerate(features):
        check_cancelled(cancelled)
        feature_spec(session, f)
        if progress is not None:
            progress(k + 1, len(features))


def check_point_scored(session: Session, i: int, what: str, *, besides: str | None = None) -> None:
    """Refuse, saying why, to compute ``what`` for a point a model could not score because of a ±inf or NaN in a
    column it uses (other than ``besides``, the feature a question varies): with no prediction there is nothing
    to flip or explain, and the numbers would be about nothing. The point itself stays shown, value and all."""
    row = session.row(i)
    for m, scores in enumerate(session.point_scores(i)):
        if np.all(np.isfinite(np.asarray(scores.score, dtype=float))):
            continue
        odd = [
            f"{c} = {row[c]}"
            for c in session.model_columns[m]
            if c != besides and isinstance(row.get(c), float | np.floating) and not np.isfinite(row[c])
        ]
        if odd:
            raise WitError(
                f"Datapoint {i} has {', '.join(odd)}, which {session.models[m].name} cannot score, so its {what} "
                "cannot be computed.",
                "Edit the value to a finite number (e), or pick another datapoint.",
            )


def counterfactuals(
    session: Session,
    i: int,
    thresholds: Sequence[float],
    *,
    metric: Metric = "L1",
    gap_steps: int = 0,
    restrict: np.ndarray | None = None,
    features: Sequence[str] | None = None,
    target_class: int | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> list[Counterfactual]:
    """The nearest counterfactual of point ``i`` for every model (see :func:`nearest_counterfactual`), the
    distance over ``features`` (default the models' inputs); multi-class: predicted as class number
    ``target_class`` (None: any other class)."""
    check_point_scored(session, i, "nearest counterfactual")
    distance_space(session, features)
    n = len(session.models)
    out = []
    for m in range(n):
        check_cancelled(cancelled)
        found = nearest_counterfactual(
            session,
            i,
            m,
            metric=metric,
            threshold=_threshold(session, thresholds, m),
            gap=regression_gap(session, m, gap_steps),
            restrict=restrict,
            features=features,
            target_class=target_class,
            cancelled=cancelled,
        )
        out.append(found)
        if progress is not None:
            progress(m + 1, n)
    return out


def every_minimal_edit(
    session: Session,
    i: int,
    thresholds: Sequence[float],
    *,
    gap_steps: int = 0,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> list[MinimalEdits]:
    """The smallest one- and two-feature edits of point ``i`` that change each model's prediction."""
    n = len(session.models)
    out = []
    for m in range(n):
        check_cancelled(cancelled)
        t, gap = _threshold(session, thresholds, m), regression_gap(session, m, gap_steps)
        found = minimal_edits(session, i, m, threshold=t, gap=gap, cancelled=cancelled)
        if found is None:  # None only when cancelled (between batches)
            raise Cancelled()
        out.append(found)
        if progress is not None:
            progress(m + 1, n)
    return out


@dataclass(frozen=True)
class PointCurves:
    """ICE of one feature of a point, with the partial dependence and the ranking when asked for."""

    feature: str
    ice: Curves
    pd: Curves | None = None
    rank: tuple[tuple[str, float], ...] | None = None


def cached_partial_dependence(session: Session, feature: str, cancelled: IsCancelled | None = None) -> Curves:
    """Partial dependence of ``feature`` over the loaded rows' sample, computed once per session and feature."""

    def compute() -> Curves:
        curves = partial_dependence(session, feature, cancelled=cancelled)
        if curves is None:  # None only when cancelled (between models)
            raise Cancelled()
        return curves

    return session.memo.get(("point.partial_dependence", feature), compute)


def point_curves(
    session: Session,
    i: int,
    feature: str,
    *,
    with_pd: bool = False,
    ranked: bool = False,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> PointCurves:
    """ICE of ``feature`` for point ``i``; PD over a sample (cached) and the features ranked by variation if asked."""
    check_point_scored(session, i, f"ICE of {feature}", besides=feature)
    steps = 1 + int(with_pd) + int(ranked)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        check_cancelled(cancelled)
        if progress is not None:
            progress(done, steps)

    rank = tuple(rank_by_variation(ice_many(session, i))) if ranked else None
    if ranked:
        step()
    curves = ice(session, i, feature)
    step()
    pd_curves = cached_partial_dependence(session, feature, cancelled) if with_pd else None
    if with_pd:
        step()
    return PointCurves(feature, curves, pd_curves, rank)


def attributions(
    session: Session,
    i: int,
    *,
    target_class: int | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> list[Attribution]:
    """A LIME-style local surrogate per model around point ``i`` (see :func:`local_attributions`); multi-class:
    of class number ``target_class``'s probability (None: each model's predicted class)."""
    check_point_scored(session, i, "attributions")
    found = local_attributions(session, i, target_class=target_class, progress=progress, cancelled=cancelled)
    if found is None:  # None only when cancelled (between models)
        raise Cancelled()
    return found


__all__ = [
    "GAP_STEP",
    "PointCurves",
    "attributions",
    "cached_partial_dependence",
    "check_point_scored",
    "counterfactuals",
    "every_minimal_edit",
    "origin",
    "point_curves",
    "regression_gap",
    "warm_up",
]
