"""Which features pushed this prediction up or down? A LIME-style local surrogate, model-agnostic.

Around the selected point x (with its edits), seeded so the numbers reproduce:

1. draw ``n_samples`` coalitions z ∈ {0, 1}^p (z_j = 1: feature j keeps x's
   value); the number of replaced features is uniform in 1..p, which ones
   uniform; x itself (all ones) is added once;
2. draw ``n_background`` real rows of the data; for each coalition, every
   background row lends its values for the replaced features — so replaced
   values follow the data's own (joint) distribution — and the model's outputs
   over those copies are averaged (the same background rows for every
   coalition, which cancels most sampling noise);
3. weight each coalition by proximity with LIME's exponential kernel
   w = exp(-d² / width²), d² = number of replaced features, width = 0.75·√p,
   and fit a weighted ridge regression (α = 0.01) of the averaged output on z.

Output: binary — the positive class's score; multi-class — the probability
of the class asked for (``target_class``), by default the class the model
predicts for x; regression — the prediction. Every model scores all copies in
one call.

The attribution of feature j is its ridge coefficient: how much the output
changes, near x, when feature j has x's value instead of a typical one. For a
linear model it is w_j·(x_j − mean of the background's x_j), so a feature the
model ignores gets about 0 and signs follow the coefficients. The weighted R²
of the fit is reported as its local fidelity: a low value means the model is
not additive around x, and the bars should be read with care.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import frame_like
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.inference import one_thread
from wit_tui.engine.data.scoring import Scores, score_frame
from wit_tui.engine.data.tasks import ModelTask
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.target_class import checked_class

N_SAMPLES = 256
N_BACKGROUND = 16
SEED = 0


@dataclass(frozen=True)
class Attribution:
    """One model's local surrogate around one point: per-feature weights, intercept and fidelity."""

    model: str
    model_index: int
    target: str
    features: tuple[str, ...]
    weights: np.ndarray
    intercept: float
    fidelity_r2: float
    prediction: float
    n_samples: int
    seed: int

    def top(self, k: int = 8) -> list[tuple[str, float]]:
        """The ``k`` features with the largest |weight|, largest first."""
        order = np.argsort(-np.abs(self.weights), kind="stable")[:k]
        return [(self.features[j], float(self.weights[j])) for j in order]


def _weighted_ridge(
    z: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float = 0.01
) -> tuple[np.ndarray, float, float]:
    """Weighted ridge with an unpenalised intercept: (coef, intercept, weighted R²)."""
    from sklearn.linear_model import Ridge  # deferred: scikit-learn is heavy, only needed here

    model = Ridge(alpha=alpha)
    model.fit(z, y, sample_weight=w)
    pred = model.predict(z)
    mean = np.average(y, weights=w)
    ss_tot = float(np.sum(w * (y - mean) ** 2))
    ss_res = float(np.sum(w * (y - pred) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    return np.asarray(model.coef_, dtype=np.float64), float(model.intercept_), r2


def _coalitions(rng: np.random.Generator, n_samples: int, p: int) -> np.ndarray:
    """``(n_samples + 1, p)`` of 1 (keep the point's value) / 0 (take a background row's); row 0 keeps all."""
    z = np.ones((n_samples + 1, p), dtype=np.float64)
    n_replace = rng.integers(1, p + 1, size=n_samples)
    for k in range(n_samples):
        z[k + 1, rng.choice(p, size=n_replace[k], replace=False)] = 0.0
    return z


def _perturbed_frame(session: Session, x: dict[str, Any], z: np.ndarray, donors: np.ndarray) -> pd.DataFrame:
    """Every coalition applied over every background row: copy (coalition k, background row r) sits at k * b + r.
    Columns a model reads that are not features keep the point's value."""
    features = list(session.features)
    n_z, b = len(z), len(donors)
    needed: list[str] = []
    for cols in session.model_columns:
        needed.extend(c for c in cols if c not in needed)
    donor_frame = session.data.iloc[donors][needed].reset_index(drop=True)
    columns = {}
    for c in needed:
        donor_vals = donor_frame[c].tolist()
        if c in features:
            keep = np.repeat(z[:, features.index(c)] == 1.0, b)
            donor_rep = donor_vals * n_z
            xc = x.get(c)
            columns[c] = [xc if keep[r] else donor_rep[r] for r in range(n_z * b)]
        else:
            columns[c] = [x.get(c)] * (n_z * b)
    return frame_like(session.data, columns)


def _explained(
    task: ModelTask, scored: Scores, own: Scores, target_class: int | None = None
) -> tuple[np.ndarray, str, float]:
    """(the perturbed rows' output to explain, what it is, the point's own value): for multi-class the
    probability of ``target_class`` (default: the point's predicted class), otherwise the score (binary) or the
    prediction (regression)."""
    if task.kind == "multiclass":
        cls = int(np.argmax(own.class_scores[0])) if target_class is None else target_class
        return scored.class_scores[:, cls], f"P({task.classes[cls]})", float(own.class_scores[0][cls])
    target = f"{task.score_label} of {task.positive}" if task.kind == "binary" else "prediction"
    return scored.score, target, float(own.score[0])


def local_attributions(
    session: Session,
    i: int,
    *,
    n_samples: int = N_SAMPLES,
    n_background: int = N_BACKGROUND,
    seed: int = SEED,
    target_class: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Attribution] | None:
    """A LIME-style surrogate per model around point ``i`` (None if cancelled between models); multi-class: of
    the probability of class number ``target_class`` (None: each model's predicted class for the point)."""
    target_class = checked_class(session.task, target_class)
    if n_samples < 10 or n_background < 1:
        raise WitError("Too few samples for a local surrogate.", "Use at least 10 samples and 1 background row.")
    features = list(session.features)
    p = len(features)
    if p == 0:
        raise WitError("There are no features to attribute.", "Check --features.")
    rng = np.random.default_rng(seed)
    x = session.model_row(i)
    z = _coalitions(rng, n_samples, p)
    donors = rng.choice(session.n_rows, size=min(n_background, session.n_rows), replace=False)
    frame = _perturbed_frame(session, x, z, donors)
    width = 0.75 * np.sqrt(p)
    w = np.exp(-(p - z.sum(axis=1)) / width**2)
    out: list[Attribution] = []
    own = session.point_scores(i)
    for m, model in enumerate(session.models):
        if cancelled is not None and cancelled():
            return None
        with one_thread():
            sc = score_frame(model.estimator, frame[session.model_columns[m]], session.tasks[m], model_name=model.name)
        raw, target, prediction = _explained(session.tasks[m], sc, own[m], target_class)
        y = raw.reshape(len(z), len(donors)).mean(axis=1)
        coef, intercept, r2 = _weighted_ridge(z, y, w)
        out.append(
            Attribution(model.name, m, target, tuple(features), coef, intercept, r2, prediction, n_samples, seed)
        )
        if progress is not None:
            progress(m + 1, len(session.models))
    return out


__all__ = ["Attribution", "N_BACKGROUND", "N_SAMPLES", "SEED", "local_attributions"]
