# size-exception: minimal_edits — one search over one- and two-feature edits sharing the grids and scores
"""What is the smallest change to THIS datapoint that changes the model's prediction?

Beyond the What-If Tool (which only finds another datapoint): a search over
edits of the selected point itself, one or two features at a time, along each
feature's value grid (the partial-dependence grid: 20 percentile-spaced
numbers, or the categories). The size of a change is the nearest-counterfactual
distance between the point and its edited copy (L1 of the What-If Tool's
per-feature terms: |Δ|/std for numbers, Σp² for a changed category), so
"smallest" means the same thing in both places.

1. Every single-feature change on the grid is scored in one batched call.
2. A numeric change that flips is refined: 10 values between the last grid
   value that does not flip and the first that does, in one more call.
3. Pairs of features on coarse grids (8 values each) are scored in one call,
   keeping only pairs cheaper than the best single change found.

This is a search over the model's responses, not a causal claim: it says what
the model would predict for the edited values, not what would happen to the
person or thing the datapoint describes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import is_missing, same
from wit_tui.engine.data.inference import one_thread, rows_frame
from wit_tui.engine.data.scoring import labels_from, score_frame
from wit_tui.engine.session.editing import FeatureSpec, feature_spec
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.counterfactual import default_gap, prediction_key
from wit_tui.engine.whatif.dependence import Grid, feature_grid

PAIR_POINTS = 8
REFINE_POINTS = 10
DISCLAIMER = (
    "A search over the model's predictions for edited copies of this point — what the model would say, "
    "not a causal claim about what would happen."
)


@dataclass(frozen=True)
class Change:
    feature: str
    old: Any
    new: Any


@dataclass(frozen=True)
class MinimalEdit:
    """Changes that flip the prediction, their size (L1 distance), and the new prediction and score."""

    changes: tuple[Change, ...]
    cost: float
    prediction: Any
    score: float


@dataclass(frozen=True)
class MinimalEdits:
    """The smallest flipping edits of one point for one model, smallest first."""

    model: str
    model_index: int
    prediction: Any
    edits: tuple[MinimalEdit, ...]
    n_scored: int
    rule: str


def change_cost(spec: FeatureSpec, old: Any, new: Any) -> float:
    """One feature's What-If Tool distance term between ``old`` and ``new``."""
    old_missing, new_missing = is_missing(old), is_missing(new)
    if old_missing or new_missing:
        return 0.0 if old_missing and new_missing else 1.0
    if spec.kind == "numeric":
        if not (spec.std > 0 and math.isfinite(spec.std)):
            return 0.0
        return abs(float(new) - float(old)) / spec.std
    if old == new:
        return 0.0
    total = sum(spec.counts)
    return float(sum((c / total) ** 2 for c in spec.counts)) if total else 0.0


def _coarse(grid: Grid, k: int) -> tuple[Any, ...]:
    if len(grid.values) <= k:
        return grid.values
    if grid.kind == "categorical":
        return grid.values[:k]
    idx = np.unique(np.linspace(0, len(grid.values) - 1, k).round().astype(int))
    return tuple(grid.values[j] for j in idx)


def minimal_edits(
    session: Session,
    i: int,
    m: int = 0,
    *,
    threshold: float | None = None,
    gap: float | None = None,
    max_results: int = 5,
    pairs: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> MinimalEdits | None:
    """Search one- and two-feature edits of point ``i`` that change model ``m``'s prediction.

    Returns None if ``cancelled()`` turns true (checked between batches).
    """
    task = session.tasks[m]
    base = session.model_row(i)
    own = session.point_scores(i)[m]
    own_key = prediction_key(session, m, own.score, own.proba, threshold)[0]
    if task.kind == "regression":
        gap = default_gap(session, m) if gap is None else float(gap)
        rule = f"prediction moves by ≥ {gap:.4g}"
    else:
        rule = "other class" + (" at the current threshold" if task.kind == "binary" else " (argmax)")
    model_cols = set(session.model_columns[m])
    features = [f for f in session.features if f in model_cols]
    if not features:
        raise WitError(f"The model {session.models[m].name} uses none of the shown features.", "Check --features.")
    specs = {f: feature_spec(session, f) for f in features}
    grids = {f: feature_grid(session, f) for f in features}
    model = session.models[m]
    n_scored = 0

    def flips(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        nonlocal n_scored
        frame = rows_frame(session, rows)
        with one_thread():
            sc = score_frame(model.estimator, frame[session.model_columns[m]], task, model_name=model.name)
        n_scored += len(rows)
        key = prediction_key(session, m, sc.score, sc.proba, threshold)
        flip = np.abs(key - own_key) >= gap if task.kind == "regression" else key != own_key
        return flip, sc.score, sc.proba

    def edited(changes: dict[str, Any]) -> dict[str, Any]:
        r = dict(base)
        r.update(changes)
        return r

    def single_change(
        f: str, v: Any, score: float, proba: np.ndarray | None
    ) -> tuple[float, tuple[Change, ...], float, np.ndarray | None]:
        return change_cost(specs[f], base.get(f), v), (Change(f, base.get(f), v),), score, proba

    # 1. single-feature changes along the full grids
    singles = [(f, v) for f in features for v in grids[f].values if not same(v, base.get(f))]
    found: list[tuple[float, tuple[Change, ...], float, np.ndarray | None]] = []
    if singles:
        flip, score, proba = flips([edited({f: v}) for f, v in singles])
        by_feature: dict[str, list[tuple[Any, bool]]] = {}
        for k, (f, v) in enumerate(singles):
            by_feature.setdefault(f, []).append((v, bool(flip[k])))
            if flip[k]:
                found.append(single_change(f, v, float(score[k]), None if proba is None else proba[k]))
        if cancelled is not None and cancelled():
            return None
        # 2. refine numeric flips between the nearest non-flipping value and the first flipping one
        refine: list[tuple[str, Any]] = []
        for f, vals in by_feature.items():
            if specs[f].kind != "numeric" or base.get(f) is None:
                continue
            x = float(base[f])
            for direction in (1, -1):
                side = sorted(((v, fl) for v, fl in vals if (v - x) * direction > 0), key=lambda t: abs(t[0] - x))
                prev = x
                for v, fl in side:
                    if fl:
                        sub = np.linspace(prev, v, REFINE_POINTS + 2)[1:-1]
                        if specs[f].integer:
                            sub = np.unique(np.round(sub))
                            sub = sub[(sub != prev) & (sub != v)]
                        refine.extend((f, int(s) if specs[f].integer else float(s)) for s in sub)
                        break
                    prev = v
        if refine:
            flip, score, proba = flips([edited({f: v}) for f, v in refine])
            for k, (f, v) in enumerate(refine):
                if flip[k]:
                    found.append(single_change(f, v, float(score[k]), None if proba is None else proba[k]))
    if cancelled is not None and cancelled():
        return None
    # 3. pairs on coarse grids, only where they can beat the best single change
    if pairs and len(features) > 1:
        best_single = min((c for c, *_ in found), default=math.inf)
        coarse = {f: [v for v in _coarse(grids[f], PAIR_POINTS) if not same(v, base.get(f))] for f in features}
        combos = []
        for f, g in itertools.combinations(features, 2):
            for v in coarse[f]:
                cf = change_cost(specs[f], base.get(f), v)
                if cf >= best_single:
                    continue
                for w in coarse[g]:
                    if cf + change_cost(specs[g], base.get(g), w) < best_single:
                        combos.append((f, v, g, w))
        if combos:
            flip, score, proba = flips([edited({f: v, g: w}) for f, v, g, w in combos])
            for k, (f, v, g, w) in enumerate(combos):
                if flip[k]:
                    cost = change_cost(specs[f], base.get(f), v) + change_cost(specs[g], base.get(g), w)
                    found.append(
                        (
                            cost,
                            (Change(f, base.get(f), v), Change(g, base.get(g), w)),
                            float(score[k]),
                            None if proba is None else proba[k],
                        )
                    )
    found.sort(key=lambda t: (t[0], len(t[1])))
    results: list[MinimalEdit] = []
    seen: set[tuple[str, ...]] = set()
    for cost, changes, edit_score, edit_proba in found:
        key = tuple(sorted(c.feature for c in changes))
        if key in seen:
            continue
        seen.add(key)
        proba_row = None if edit_proba is None else edit_proba[None, :]
        label = labels_from(np.array([edit_score]), proba_row, task, threshold)[0]
        shown = label if task.kind != "regression" else float(edit_score)
        results.append(MinimalEdit(changes, float(cost), shown, float(edit_score)))
        if len(results) >= max_results:
            break
    own_label = labels_from(own.score, own.proba, task, threshold)[0]
    return MinimalEdits(model.name, m, own_label, tuple(results), n_scored, rule)


__all__ = ["Change", "DISCLAIMER", "MinimalEdit", "MinimalEdits", "change_cost", "minimal_edits"]
