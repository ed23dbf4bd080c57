"""The Session: one dataset, its label, one or two models, cached scores and the user's edits.

The loaded frame is never modified. Edits to existing rows and added rows live
in an overlay; re-inferring an edited row scores that one row only, while the
whole dataset is scored once per model and cached.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.errors import WitError
from wit_tui.engine.loading import LoadedModel
from wit_tui.engine.scoring import Scores, score_frame
from wit_tui.engine.tasks import TaskInfo, detect_task, merge_tasks

Progress = Callable[[int, int], None]


@dataclass
class Overlay:
    """Edits kept beside the data: ``edits[row][feature] = value`` for existing rows, ``added`` for new ones."""

    edits: dict[int, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    saved: bool = True

    @property
    def n_changed(self) -> int:
        return len(self.edits) + len(self.added)


def _model_columns(model: LoadedModel, features: list[str], data: pd.DataFrame) -> list[str]:
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
            f"The model {model.name} was fitted on {n_in} unnamed columns, but {len(features)} feature columns were chosen.",
            "Pass --features with exactly the model's columns, in training order.",
        )
    return list(features)


class Session:
    """Data state shared by every screen and by the headless commands."""

    def __init__(
        self,
        data: pd.DataFrame,
        models: Sequence[LoadedModel] = (),
        *,
        label: str | None = None,
        features: Sequence[str] | None = None,
        positive: Any = None,
        name: str = "data",
        n_jobs: int = 1,
    ) -> None:
        if len(data) == 0:
            raise WitError("The data has no rows.", "Give a file with at least one datapoint.")
        if not models:
            raise WitError("No model was given.", "Pass --model PATH (or run the demo with no arguments).")
        if len(models) > 2:
            raise WitError(f"{len(models)} models were given; wit-tui compares at most two.", "Pass --model once or twice.")
        if label is not None and label not in data.columns:
            raise WitError(
                f"The label column {label!r} is not in the data. Columns: {', '.join(map(str, data.columns[:20]))}"
                + (" …" if len(data.columns) > 20 else "") + ".",
                "Pass --label with one of those names, or leave it out to browse without ground truth.",
            )
        self.data = data
        self.name = name
        self.label = label
        self.models = list(models)
        self.n_jobs = n_jobs
        if features is None:
            features = [c for c in data.columns if c != label]
        else:
            unknown = [f for f in features if f not in data.columns]
            if unknown:
                raise WitError(f"--features names columns the data lacks: {', '.join(unknown)}.", "Check the names against the data's header.")
            if label in features:
                raise WitError(f"The label {label!r} is also listed as a feature.", "Remove it from --features.")
        self.features = list(features)
        self.model_columns = [_model_columns(m, self.features, data) for m in self.models]
        if label is not None:
            for m, cols in zip(self.models, self.model_columns, strict=True):
                if label in cols:
                    raise WitError(f"The model {m.name} takes the label {label!r} as an input.", "Check --label: the model should not see the answer.")
        tasks = [detect_task(m.estimator, positive, model_name=m.name) for m in self.models]
        self.task: TaskInfo = merge_tasks(tasks, [m.name for m in self.models])
        self.warnings: list[str] = []
        self.y: np.ndarray | None = self._ground_truth() if label is not None else None
        self.overlay = Overlay()
        self._scores: dict[int, Scores] = {}
        self.cache: dict[object, object] = {}  # derived results (sorted scores, stats) keyed by the engine module

    # -- ground truth -------------------------------------------------
    def _ground_truth(self) -> np.ndarray | None:
        col = self.data[self.label]
        if col.isna().all():
            raise WitError(f"The label column {self.label!r} is empty (all missing).", "Pick the column that holds the ground truth.")
        if self.task.kind == "regression":
            y = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
            bad = int(np.isnan(y).sum() - col.isna().sum())
            if bad:
                raise WitError(f"The label column {self.label!r} has {bad} non-numeric values, but the model is a regressor.", "Check --label.")
            return y
        classes = self.task.classes
        by_str = {str(c): c for c in classes}
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        mapped = np.empty(len(uniques), dtype=object)
        mapped[:] = [u if u in classes else by_str.get(str(u), u) for u in uniques]
        y = np.full(len(col), None, dtype=object)
        y[codes >= 0] = mapped[codes[codes >= 0]]
        unknown = sorted({str(v) for v in mapped if v not in classes})
        if unknown:
            self.warnings.append(
                f"The label column {self.label!r} has values the model does not know: {', '.join(unknown[:5])}"
                f"{' …' if len(unknown) > 5 else ''}; they count as negatives / errors."
            )
        return y

    @cached_property
    def y_positive(self) -> np.ndarray:
        """Boolean ground truth for binary tasks: label == positive class."""
        if self.y is None or self.task.kind != "binary":
            raise WitError("This needs a binary task with a label column.", "Pass --label.")
        return np.asarray(self.y == self.task.positive, dtype=bool)

    @property
    def has_label(self) -> bool:
        return self.y is not None

    @property
    def n_rows(self) -> int:
        return len(self.data)

    @property
    def model_names(self) -> list[str]:
        return [m.name for m in self.models]

    # -- scoring ------------------------------------------------------
    def model_input(self, i: int, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        frame = self.data if frame is None else frame
        return frame[self.model_columns[i]]

    def scores(self, i: int = 0, progress: Progress | None = None) -> Scores:
        """Scores of model ``i`` on the whole dataset, computed once and cached."""
        cached = self._scores.get(i)
        if cached is None:
            m = self.models[i]
            cached = score_frame(m.estimator, self.model_input(i), self.task, n_jobs=self.n_jobs, progress=progress, model_name=m.name)
            self._scores[i] = cached
        return cached

    def score_all(self, progress: Progress | None = None) -> list[Scores]:
        return [self.scores(i, progress) for i in range(len(self.models))]

    def infer(self, row: dict[str, Any]) -> list[Scores]:
        """Score one datapoint (a dict of feature values) with every model, without touching the cache."""
        frame = pd.DataFrame([row])
        for col in self.data.columns:
            if col in frame.columns and isinstance(self.data[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype(self.data[col].dtype)
        out = []
        for i, m in enumerate(self.models):
            out.append(score_frame(m.estimator, frame[self.model_columns[i]], self.task, model_name=m.name))
        return out

    # -- datapoints and edits -----------------------------------------
    def original_row(self, i: int) -> dict[str, Any]:
        rec = self.data.iloc[i]
        return {f: _py(rec[f]) for f in self.features}

    def row(self, i: int) -> dict[str, Any]:
        """Feature values of datapoint ``i`` with the user's edits applied."""
        values = self.original_row(i)
        values.update(self.overlay.edits.get(i, {}))
        return values

    def set_value(self, i: int, feature: str, value: Any) -> None:
        if feature not in self.features:
            raise WitError(f"{feature!r} is not a feature of this data.", "Pick one of the listed features.")
        self.overlay.edits.setdefault(i, {})[feature] = value
        self.overlay.saved = False

    def revert(self, i: int) -> None:
        if self.overlay.edits.pop(i, None) is not None:
            self.overlay.saved = not self.overlay.n_changed

    @property
    def has_unsaved_edits(self) -> bool:
        return self.overlay.n_changed > 0 and not self.overlay.saved


def _py(value: Any) -> Any:
    """Plain Python scalars for display and editing (NaN/NA → None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = ["Session", "Overlay"]
