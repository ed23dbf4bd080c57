"""Which columns does a Pipeline's final estimator see: the engineered matrix, its names, and its own weights.

For a Pipeline, every step but the last transforms the rows once; the result's
columns are named by ``get_feature_names_out`` (positional ``x0, x1, …`` when a
custom step cannot name them). The final estimator's own ``coef_`` or
``feature_importances_`` over those columns are its own weights, not a
permutation importance (coefficients depend on the scaling of their inputs;
impurity importances are computed on the training data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_DENSE_BYTES = 512 * 2**20  # an engineered matrix larger than this is not densified


@dataclass(frozen=True)
class OwnImportance:
    """The final estimator's own weights per (engineered) column, e.g. ``coef_``; not a permutation importance."""

    names: tuple[str, ...]
    values: np.ndarray
    attribute: str  # "coef_" | "feature_importances_"
    description: str


def first_line(exc: Exception) -> str:
    """An exception's type and first line: enough to say why, short enough for a note."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0]}" if str(exc) else type(exc).__name__


def engineered_view(estimator: Any, X: pd.DataFrame) -> tuple[Any, np.ndarray, tuple[str, ...]] | str:
    """(final estimator, transformed matrix, engineered names) of a Pipeline, or why there is no such view."""
    # deferred: scikit-learn is heavy, only needed once importance is computed
    from sklearn.pipeline import Pipeline

    if not isinstance(estimator, Pipeline) or len(estimator.steps) < 2:
        return "The model takes the raw columns directly (not a Pipeline), so raw and engineered columns are the same."
    prefix, final = estimator[:-1], estimator[-1]
    try:
        Z = prefix.transform(X)
    except Exception as exc:  # a transformer that fails on the sample is the model's problem, not ours
        return f"The pipeline's transformers failed on the sample ({first_line(exc)})."
    n, p = Z.shape
    if n * p * 8 > MAX_DENSE_BYTES:
        return (
            f"The engineered matrix ({n:,} × {p:,}) is too large to permute column by column here; "
            "use a smaller sample."
        )
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    if Z.dtype != object:
        Z = Z.astype(np.float64, copy=False)
    try:
        names = tuple(str(c) for c in prefix.get_feature_names_out())
    except Exception:  # a custom transformer without get_feature_names_out: positional names
        names = ()
    if len(names) != p:
        names = tuple(f"x{j}" for j in range(p))
    return final, Z, names


def own_importance(final: Any, names: tuple[str, ...]) -> OwnImportance | None:
    """The final estimator's ``feature_importances_`` or ``coef_`` over ``names``, labelled as its own."""
    fi = getattr(final, "feature_importances_", None)
    if fi is not None:
        values = np.asarray(fi, dtype=np.float64).reshape(-1)
        if len(values) == len(names):
            return OwnImportance(
                names, values, "feature_importances_", "feature_importances_ (impurity-based, training data)"
            )
    coef = getattr(final, "coef_", None)
    if coef is not None:
        coef = np.asarray(coef, dtype=np.float64)
        if coef.ndim == 2 and coef.shape[0] > 1:
            values = np.abs(coef).mean(axis=0)
            desc = "mean |coef_| over classes (scale-dependent)"
        else:
            values = coef.reshape(-1)
            desc = "coef_ (signed, scale-dependent)"
        if len(values) == len(names):
            return OwnImportance(names, values, "coef_", desc)
    return None


__all__ = ["MAX_DENSE_BYTES", "OwnImportance", "engineered_view", "first_line", "own_importance"]
