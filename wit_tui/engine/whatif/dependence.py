"""How does the prediction move as one feature sweeps its range? ICE curves and partial dependence.

Grid (where the What-If Tool looks at the first 50 datapoints only, we look at
all of them): a numeric feature takes 20 points evenly spaced between its 1st
and 99th percentile over the whole column (whole-number features: rounded,
duplicates dropped; min..max when those percentiles coincide); a categorical
feature takes every category, most frequent first, the top 20 when there are
more.

- ICE (one datapoint): the point, with its current edits, copied once per grid
  value with the feature set to that value, scored in one call per model.
- Partial dependence (global): the same for each row of a seeded sample of the
  data (default 1,000 rows), averaged per grid value — exactly what
  ``sklearn.inspection.partial_dependence(..., method="brute",
  custom_values=...)`` computes (tests check they agree on the demo models).
  We do not call it at run time because it rejects integer columns (Adult's
  ``age``), calls the model once per grid value where we make one batched call,
  and reports ``classes_[1]`` where our positive class may be ``classes_[0]``.

What is plotted: binary — the positive class's score; multi-class — each
class's probability (one chosen class is drawn); regression — the prediction.
Features rank by how much the prediction varies, as the What-If Tool does:
numeric — total variation Σ|y_k+1 − y_k|; categorical — max − min; the maximum
over models and classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import column_like, is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.inference import one_thread, rows_frame, score_rows
from wit_tui.engine.data.scoring import score_frame
from wit_tui.engine.session.session import Session

N_POINTS = 20
TOP_K = 20
PD_SAMPLE = 1000


@dataclass(frozen=True)
class Grid:
    """The values a feature sweeps: numbers (``values`` float) or categories (most frequent first)."""

    feature: str
    kind: Literal["numeric", "categorical"]
    values: tuple[Any, ...]
    n_other: int = 0  # categories left out (beyond the top k)


def feature_grid(session: Session, feature: str, n_points: int = N_POINTS, top_k: int = TOP_K) -> Grid:
    """The sweep of ``feature`` over all the data (cached per feature)."""
    key = ("dependence.grid", feature, n_points, top_k)
    return session.memo.get(key, lambda: make_grid(session.data[feature], feature, n_points, top_k))


def make_grid(series: pd.Series, name: str, n_points: int = N_POINTS, top_k: int = TOP_K) -> Grid:
    if is_numeric(series):
        v = series.to_numpy(dtype=np.float64, na_value=np.nan)
        v = v[np.isfinite(v)]
        if not len(v):
            raise WitError(f"{name} has no values to sweep.", "Pick another feature.")
        lo, hi = np.percentile(v, [1, 99])
        if lo == hi:
            lo, hi = float(v.min()), float(v.max())
        grid = np.linspace(lo, hi, n_points) if hi > lo else np.array([lo])
        if series.dtype.kind in "iu" or np.all(v == np.round(v)):
            grid = np.unique(np.round(grid))
            return Grid(name, "numeric", tuple(int(g) for g in grid))
        return Grid(name, "numeric", tuple(float(g) for g in grid))
    counts = series.value_counts(dropna=True)
    counts = counts[counts > 0]
    values = tuple(c.item() if isinstance(c, np.generic) else c for c in counts.index[:top_k])
    if not values:
        raise WitError(f"{name} has no values to sweep.", "Pick another feature.")
    return Grid(name, "categorical", values, max(0, len(counts) - top_k))


@dataclass(frozen=True)
class Curves:
    """Each model's output along a feature's grid.

    ``values[m]``: shape (n_grid,) — binary score / regression prediction — or
    (n_grid, n_classes) for multi-class probabilities. ``current`` is the
    point's own value of the feature and ``current_scores[m]`` its output
    (ICE only); ``n_rows`` the rows averaged (1 for ICE).
    """

    grid: Grid
    models: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    kind: Literal["ice", "pd"]
    n_rows: int = 1
    current: Any = None
    current_scores: tuple[Any, ...] = ()

    def of_class(self, k: int) -> tuple[np.ndarray, ...]:
        """Each model's curve of class number ``k``'s probability (multi-class: ``values`` hold every class)."""
        if any(v.ndim != 2 for v in self.values):
            raise WitError("These curves have one output, not one per class.", "Choose a class only for multi-class.")
        n = self.values[0].shape[1] if self.values else 0
        if not 0 <= k < n:
            raise WitError(f"There is no class number {k}.", f"Choose 0 to {n - 1} ({n} classes).")
        return tuple(v[:, k] for v in self.values)


def _outputs(session: Session, frame: pd.DataFrame) -> list[np.ndarray]:
    return [sc.output(session.task.kind) for sc in score_rows(session, frame)]


def ice(session: Session, i: int, feature: str, grid: Grid | None = None) -> Curves:
    """Each model's output as ``feature`` of point ``i`` (with its edits) sweeps the grid: one call per model."""
    return ice_many(session, i, [feature], {feature: grid} if grid else None)[feature]


def ice_many(
    session: Session, i: int, features: Sequence[str] | None = None, grids: dict[str, Grid] | None = None
) -> dict[str, Curves]:
    """ICE curves of several features of point ``i`` from a single batched call per model (for ranking)."""
    features = list(session.features if features is None else features)
    grids = {f: (grids or {}).get(f) or feature_grid(session, f) for f in features}
    base = session.model_row(i)
    rows: list[dict[str, Any]] = []
    spans = {}
    for f in features:
        start = len(rows)
        for v in grids[f].values:
            r = dict(base)
            r[f] = v
            rows.append(r)
        spans[f] = (start, len(rows))
    outputs = _outputs(session, rows_frame(session, rows))
    own = session.point_scores(i)
    own_out = tuple((sc.class_scores[0] if session.task.kind == "multiclass" else float(sc.score[0])) for sc in own)
    names = tuple(session.model_names)
    return {
        f: Curves(grids[f], names, tuple(o[a:b] for o in outputs), "ice", 1, base.get(f), own_out)
        for f, (a, b) in spans.items()
    }


def sample_rows(session: Session, n: int = PD_SAMPLE, seed: int = 0) -> np.ndarray:
    """A seeded sample of loaded row ids (all rows when there are fewer)."""
    if session.n_rows <= n:
        return np.arange(session.n_rows)
    return np.sort(np.random.default_rng(seed).choice(session.n_rows, size=n, replace=False))


def partial_dependence(
    session: Session,
    feature: str,
    *,
    rows: np.ndarray | None = None,
    grid: Grid | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Curves | None:
    """Average output over ``rows`` (default a 1,000-row seeded sample) with ``feature`` set to each grid value.

    Returns None if ``cancelled()`` turns true between models.
    """
    grid = grid or feature_grid(session, feature)
    rows = sample_rows(session) if rows is None else np.asarray(rows)
    k, g = len(rows), len(grid.values)
    needed: list[str] = []
    for cols in session.model_columns:
        needed.extend(c for c in cols if c not in needed)
    sample = session.data.iloc[rows][needed]
    big = sample.iloc[np.tile(np.arange(k), g)].reset_index(drop=True)
    if feature in big.columns:
        big[feature] = column_like(session.data[feature], np.repeat(np.array(grid.values, dtype=object), k))
    values = []
    for m, model in enumerate(session.models):
        if cancelled is not None and cancelled():
            return None
        with one_thread():
            sc = score_frame(model.estimator, big[session.model_columns[m]], session.tasks[m], model_name=model.name)
        out = sc.output(session.task.kind)
        if out.ndim == 1:
            values.append(out.reshape(g, k).mean(axis=1))
        else:
            values.append(out.reshape(g, k, -1).mean(axis=1))
    return Curves(grid, tuple(session.model_names), tuple(values), "pd", k)


def variation(curves: Curves) -> float:
    """The What-If Tool's "sort by variation" score: total variation (numeric) or max − min (categorical)."""
    best = 0.0
    for v in curves.values:
        arr = v if v.ndim == 2 else v[:, None]
        if not len(arr):
            continue
        if curves.grid.kind == "numeric":
            score = np.abs(np.diff(arr, axis=0)).sum(axis=0).max() if len(arr) > 1 else 0.0
        else:
            score = (arr.max(axis=0) - arr.min(axis=0)).max()
        best = max(best, float(score))
    return best


def rank_by_variation(curves: dict[str, Curves]) -> list[tuple[str, float]]:
    """Features by variation, largest first (ties keep the given order)."""
    scored = [(f, variation(c)) for f, c in curves.items()]
    return sorted(scored, key=lambda fv: -fv[1])


__all__ = [
    "Curves",
    "Grid",
    "N_POINTS",
    "PD_SAMPLE",
    "TOP_K",
    "feature_grid",
    "ice",
    "ice_many",
    "make_grid",
    "partial_dependence",
    "rank_by_variation",
    "sample_rows",
    "variation",
]
