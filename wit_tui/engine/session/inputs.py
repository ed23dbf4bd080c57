"""What a session is opened with, checked: rows, models, label, features, and the label as ground truth.

Each check raises a :class:`WitError` naming the argument to fix, so a session
that exists is one whose models can score its data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.data.tasks import TaskInfo, check_label_classes


def model_columns(model: LoadedModel, features: list[str], data: pd.DataFrame) -> list[str]:
    """The columns the model was fitted on, checked against the data (missing ones named)."""
    names = getattr(model.estimator, "feature_names_in_", None)
    if names is not None:
        cols = [str(c) for c in names]
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise WitError(
                f"The model {model.name} needs columns the data lacks: {', '.join(missing)}.",
                "Give data with those columns (names are case-sensitive), or the model that matches this data.",
            )
        return cols
    n_in = getattr(model.estimator, "n_features_in_", None)
    if n_in is not None and n_in != len(features):
        raise WitError(
            f"The model {model.name} was fitted on {n_in} unnamed columns, "
            f"but {len(features)} feature columns were chosen.",
            "Pass --features with exactly the model's columns, in training order.",
        )
    return list(features)


def input_columns(columns: Sequence[Sequence[str]]) -> list[str]:
    """The union of the columns each model reads (``Session.model_columns``), in first-seen order: what the
    models can see — a column outside it cannot change any prediction."""
    out: list[str] = []
    seen: set[str] = set()
    for cols in columns:
        for c in cols:
            if c not in seen:
                seen.add(c)
                out.append(c)
    return out


def check_arguments(data: pd.DataFrame, models: Sequence[LoadedModel], label: str | None) -> None:
    """Rows, one or two models, and a label the data has — or a WitError saying which is wrong."""
    if len(data) == 0:
        raise WitError("The data has no rows.", "Give a file with at least one datapoint.")
    if not models:
        raise WitError("No model was given.", "Pass --model PATH (or run the demo with no arguments).")
    if len(models) > 2:
        raise WitError(f"{len(models)} models were given; wit-tui compares at most two.", "Pass --model once or twice.")
    if label is not None and label not in data.columns:
        raise WitError(
            f"The label column {label!r} is not in the data. Columns: {', '.join(map(str, data.columns[:20]))}"
            + (" …" if len(data.columns) > 20 else "")
            + ".",
            "Pass --label with one of those names, or leave it out to browse without ground truth.",
        )


def chosen_features(data: pd.DataFrame, label: str | None, features: Sequence[str] | None) -> list[str]:
    """The feature columns: the given ones (checked against the data), else every column but the label."""
    if features is None:
        features = [c for c in data.columns if c != label]
    else:
        unknown = [f for f in features if f not in data.columns]
        if unknown:
            raise WitError(
                f"--features names columns the data lacks: {', '.join(unknown)}.",
                "Check the names against the data's header.",
            )
        if label in features:
            raise WitError(f"The label {label!r} is also listed as a feature.", "Remove it from --features.")
    return list(features)


def check_label_not_an_input(
    models: Sequence[LoadedModel], columns: Sequence[Sequence[str]], label: str | None
) -> None:
    """No model may take the label as an input."""
    if label is not None:
        for m, cols in zip(models, columns, strict=True):
            if label in cols:
                raise WitError(
                    f"The model {m.name} takes the label {label!r} as an input.",
                    "Check --label: the model should not see the answer.",
                )


def label_values(column: pd.Series, label: str, task: TaskInfo) -> tuple[np.ndarray, list[str]]:
    """The label column as the model's classes (or numbers, for a regressor), and the warnings it earns."""
    warnings: list[str] = []
    if column.isna().all():
        raise WitError(
            f"The label column {label!r} is empty (all missing).",
            "Pick the column that holds the ground truth.",
        )
    if task.kind == "regression":
        y = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
        bad = int(np.isnan(y).sum() - column.isna().sum())
        if bad:
            raise WitError(
                f"The label column {label!r} has {bad} non-numeric values, but the model is a regressor.",
                "Check --label.",
            )
        return y, warnings
    classes = task.classes
    by_str = {str(c): c for c in classes}
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    check_label_classes(list(uniques), classes, label)  # a column of none of the classes is not this label
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [u if u in classes else by_str.get(str(u), u) for u in uniques]
    y = np.full(len(column), None, dtype=object)
    y[codes >= 0] = mapped[codes[codes >= 0]]
    unknown = sorted({str(v) for v in mapped if v not in classes})
    if unknown:
        warnings.append(
            f"The label column {label!r} has values the model does not know: {', '.join(unknown[:5])}"
            f"{' …' if len(unknown) > 5 else ''}; they count as negatives / errors."
        )
    return y, warnings


__all__ = [
    "check_arguments",
    "check_label_not_an_input",
    "chosen_features",
    "input_columns",
    "label_values",
    "model_columns",
]
