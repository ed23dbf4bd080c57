# size-exception: nearest_counterfactual — one search over loaded, then edited and added points
"""Which datapoint is most like this one but gets a different prediction? (the nearest counterfactual)

Distance is the What-If Tool's (``getDist``), defined and computed in ``distance_space``, over the
features ``distance_features`` chooses (by default the models' inputs: a column no model reads never decides
which neighbour is nearest).

What counts as a counterfactual for model m: binary — the other class at m's
current threshold (score ≥ threshold is positive); multi-class — another
argmax class, or the one class asked for (``target_class``: the nearest point m
predicts as that class); regression — |prediction - this prediction| ≥ a gap (default
the std of m's predictions). Candidates are every other datapoint, edited and
added ones included (with their current values and scores), optionally
restricted by a mask (a ground-truth value, a slice or a filter). The smallest
distance wins; ties go to the lowest id, as in the What-If Tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import same
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.distance_space import Cancelled, Metric, combine, distance_space, encode, nearest, terms
from wit_tui.engine.whatif.target_class import checked_class


@dataclass(frozen=True)
class Counterfactual:
    """The nearest counterfactual of one point for one model (``index`` None when no datapoint qualifies)."""

    model: str
    model_index: int
    metric: Metric
    index: int | None
    distance: float
    n_candidates: int
    differing: tuple[str, ...] = ()
    contributions: tuple[tuple[str, float], ...] = ()
    rule: str = ""
    #: the features the distance counted (numeric ones first, as ``contributions``)
    features: tuple[str, ...] = ()


def prediction_key(
    session: Session, m: int, score: np.ndarray, proba: np.ndarray | None, threshold: float | None
) -> np.ndarray:
    """What "same prediction" compares: positive flag (binary), class index (multi-class), value (regression)."""
    task = session.task
    if task.kind == "binary":
        t = session.tasks[m].default_threshold if threshold is None else threshold
        return score >= t
    if task.kind == "multiclass":
        if proba is None:
            raise WitError("The model gives no per-class scores.", "This needs a multi-class model.")
        return np.argmax(proba, axis=1)
    return score


def default_gap(session: Session, m: int) -> float:
    """Regression: the std of model m's predictions (the What-If Tool's default minimum difference)."""
    sc = session.scores(m).score
    return float(np.std(sc, ddof=1)) if len(sc) > 1 else 0.0


def _base_key(session: Session, m: int, threshold: float | None) -> np.ndarray:
    sc = session.scores(m)
    if session.task.kind == "multiclass":
        return session.memo.get(("counterfactual.argmax", m), lambda: np.argmax(sc.class_scores, axis=1))
    return prediction_key(session, m, sc.score, sc.proba, threshold)


def nearest_counterfactual(
    session: Session,
    i: int,
    m: int = 0,
    *,
    metric: Metric = "L1",
    threshold: float | None = None,
    gap: float | None = None,
    restrict: np.ndarray | None = None,
    features: Sequence[str] | None = None,
    target_class: int | None = None,
    cancelled: Cancelled | None = None,
) -> Counterfactual:
    """The datapoint nearest to point ``i`` (current values) that model ``m`` predicts differently.

    ``restrict``: optional boolean mask over every id (``session.n_total``) of allowed counterfactuals;
    ``features``: what the distance counts (checked by ``distance_features``; default the models' inputs);
    ``target_class`` (multi-class): the class number the counterfactual must be predicted as (None: any other
    class). When model ``m`` already predicts the point as that class, no datapoint qualifies (index None).
    """
    target_class = checked_class(session.task, target_class)
    if metric not in ("L1", "L2"):
        raise WitError(f"Unknown distance {metric!r}.", "Use L1 or L2.")
    session._check_id(i)
    task = session.task
    space = distance_space(session, features)
    x = encode(space, session.row(i))
    own = session.point_scores(i)[m]
    own_key = prediction_key(session, m, own.score, own.proba, threshold)[0]
    if task.kind == "regression":
        gap = default_gap(session, m) if gap is None else float(gap)
        rule = f"|prediction − {own_key:.4g}| ≥ {gap:.4g}"
        base_cand = np.abs(session.scores(m).score - own_key) >= gap
    elif target_class is not None:
        wanted = target_class if own_key != target_class else -1  # its own class: no counterfactual
        base_cand = _base_key(session, m, threshold) == wanted
        rule = f"predicted {task.classes[target_class]} (argmax)"
        if wanted < 0:
            rule += f"; {session.models[m].name} already predicts it"
    else:
        base_cand = _base_key(session, m, threshold) != own_key
        at = session.tasks[m].default_threshold if threshold is None else threshold
        rule = "other class" + (f" at threshold {at:g}" if task.kind == "binary" else " (argmax)")
    n = session.n_rows
    if restrict is not None:
        if len(restrict) != session.n_total:
            raise ValueError("restrict must cover every datapoint")
        base_cand = base_cand & restrict[:n]
    changed = session.changed_ids()
    if changed or i < n:
        base_cand = base_cand.copy()
        edited = [c for c in changed if c < n]
        base_cand[edited] = False
        if i < n:
            base_cand[i] = False
    best: tuple[float, int] | None = None
    n_cand = int(base_cand.sum())
    found = nearest(space, x, base_cand, metric, cancelled)
    if found is not None:
        best = (found[1], found[0])
    for c in changed:
        if c == i or (restrict is not None and not restrict[c]):
            continue
        sc = session.point_scores(c)[m]
        key = prediction_key(session, m, sc.score, sc.proba, threshold)[0]
        if task.kind == "regression":
            ok = abs(key - own_key) >= gap
        elif target_class is not None:
            ok = key == target_class != own_key
        else:
            ok = key != own_key
        if not ok:
            continue
        n_cand += 1
        d = combine(terms(space, x, encode(space, session.row(c))), metric)
        if best is None or (d, c) < best:
            best = (d, c)
    name = session.models[m].name
    if best is None:
        return Counterfactual(name, m, metric, None, float("nan"), 0, rule=rule, features=space.features)
    dist, idx = best
    t = terms(space, x, encode(space, session.row(idx)))
    feats = space.features
    contributions = tuple((f, float(v)) for f, v in zip(feats, t, strict=True) if v > 0)
    a, b = session.row(i), session.row(idx)
    differing = tuple(f for f in session.features if not same(a[f], b[f]))
    return Counterfactual(name, m, metric, idx, dist, n_cand, differing, contributions, rule, space.features)


__all__ = ["Counterfactual", "default_gap", "nearest_counterfactual", "prediction_key"]
