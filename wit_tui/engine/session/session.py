"""The Session: one dataset, its label, one or two models, cached scores and the user's edits.

The loaded frame is never modified. Edits to existing rows and added rows live
in an overlay; re-inferring an edited row scores that one row only, while the
whole dataset is scored once per model and cached.

Datapoint ids: ``0 .. n_rows-1`` are the loaded rows, ``n_rows ..`` the added
ones (duplicates and new points), in the order they were added. Deleting an
added point renumbers the later added points down by one, as the What-If Tool
does; loaded rows are never deleted (their edits can be reverted instead).
Every re-inference of a point appends a :class:`Run` to its history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.data_checks import input_warnings
from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.data.scoring import Scores, score_frame
from wit_tui.engine.data.tasks import TaskInfo, detect_task, merge_tasks

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Run:
    """One inference of one datapoint: what changed, and each model's score (and class probabilities)."""

    number: int
    change: str
    scores: tuple[float, ...]
    probas: tuple[tuple[float, ...] | None, ...]


@dataclass
class Overlay:
    """Edits kept beside the data: ``edits[row][feature] = value`` for existing rows, ``added`` for new ones.

    ``added`` holds full records (every column of the data, the label included,
    so a duplicate keeps its ground truth); ``current`` the latest scores of
    every changed point; ``history`` the runs of every point ever re-inferred.
    """

    edits: dict[int, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    saved: bool = True
    history: dict[int, list[Run]] = field(default_factory=dict)
    current: dict[int, list[Scores]] = field(default_factory=dict)
    origin: dict[int, str] = field(default_factory=dict)

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
        source: Sequence[Any] | None = None,
    ) -> None:
        if len(data) == 0:
            raise WitError("The data has no rows.", "Give a file with at least one datapoint.")
        if not models:
            raise WitError("No model was given.", "Pass --model PATH (or run the demo with no arguments).")
        if len(models) > 2:
            raise WitError(
                f"{len(models)} models were given; wit-tui compares at most two.", "Pass --model once or twice."
            )
        if label is not None and label not in data.columns:
            raise WitError(
                f"The label column {label!r} is not in the data. Columns: {', '.join(map(str, data.columns[:20]))}"
                + (" …" if len(data.columns) > 20 else "")
                + ".",
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
                raise WitError(
                    f"--features names columns the data lacks: {', '.join(unknown)}.",
                    "Check the names against the data's header.",
                )
            if label in features:
                raise WitError(f"The label {label!r} is also listed as a feature.", "Remove it from --features.")
        self.features = list(features)
        self.model_columns = [_model_columns(m, self.features, data) for m in self.models]
        if label is not None:
            for m, cols in zip(self.models, self.model_columns, strict=True):
                if label in cols:
                    raise WitError(
                        f"The model {m.name} takes the label {label!r} as an input.",
                        "Check --label: the model should not see the answer.",
                    )
        tasks = [detect_task(m.estimator, positive, model_name=m.name) for m in self.models]
        self.task: TaskInfo = merge_tasks(tasks, [m.name for m in self.models])
        self.warnings: list[str] = []
        self.y: np.ndarray | None = self._ground_truth() if label is not None else None
        self.overlay = Overlay()
        self._scores: dict[int, Scores] = {}
        self.cache: dict[object, object] = {}  # derived results (sorted scores, stats) keyed by the engine module
        self.validation_config: object | None = None  # a validation.ValidationConfig from `wit-tui run --config`
        #: what the session was opened from (files' identities, or the demo), so its autosave can be found again
        self.source: list[Any] | None = None if source is None else list(source)
        #: called after every change to the overlay (the autosave listens here)
        self.listeners: list[Callable[[], None]] = []
        self.warnings.extend(input_warnings(self))

    # -- ground truth -------------------------------------------------
    def _ground_truth(self) -> np.ndarray | None:
        col = self.data[self.label]
        if col.isna().all():
            raise WitError(
                f"The label column {self.label!r} is empty (all missing).",
                "Pick the column that holds the ground truth.",
            )
        if self.task.kind == "regression":
            y = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
            bad = int(np.isnan(y).sum() - col.isna().sum())
            if bad:
                raise WitError(
                    f"The label column {self.label!r} has {bad} non-numeric values, but the model is a regressor.",
                    "Check --label.",
                )
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
            cached = score_frame(
                m.estimator, self.model_input(i), self.task, n_jobs=self.n_jobs, progress=progress, model_name=m.name
            )
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
    @property
    def n_total(self) -> int:
        """Loaded rows plus added points."""
        return self.n_rows + len(self.overlay.added)

    def is_added(self, i: int) -> bool:
        return i >= self.n_rows

    def is_edited(self, i: int) -> bool:
        return i in self.overlay.edits

    def is_changed(self, i: int) -> bool:
        return i in self.overlay.edits or i >= self.n_rows

    def changed_ids(self) -> list[int]:
        """Edited loaded rows, then added points, in id order."""
        return sorted(self.overlay.edits) + list(range(self.n_rows, self.n_total))

    def _check_id(self, i: int) -> None:
        if not 0 <= i < self.n_total:
            raise WitError(f"There is no datapoint {i}.", f"Ids run from 0 to {self.n_total - 1:,}.")

    def original_row(self, i: int) -> dict[str, Any]:
        if i >= self.n_rows:
            self._check_id(i)
            rec = self.overlay.added[i - self.n_rows]
            return {f: rec.get(f) for f in self.features}
        rec = self.data.iloc[i]
        return {f: _py(rec[f]) for f in self.features}

    def record(self, i: int) -> dict[str, Any]:
        """Every column of datapoint ``i`` (label and columns outside ``features`` too), edits applied."""
        self._check_id(i)
        if i >= self.n_rows:
            return dict(self.overlay.added[i - self.n_rows])
        rec = self.data.iloc[i]
        values = {c: _py(rec[c]) for c in self.data.columns}
        values.update(self.overlay.edits.get(i, {}))
        return values

    def row(self, i: int) -> dict[str, Any]:
        """Feature values of datapoint ``i`` with the user's edits applied."""
        if i >= self.n_rows:
            return self.original_row(i)
        values = self.original_row(i)
        values.update(self.overlay.edits.get(i, {}))
        return values

    def truth(self, i: int) -> Any:
        """Ground truth of datapoint ``i`` (an added point keeps the one it was copied with, if any)."""
        if self.y is None:
            return None
        if i < self.n_rows:
            return self.y[i]
        self._check_id(i)
        return self.overlay.added[i - self.n_rows].get(self.label)

    def set_value(self, i: int, feature: str, value: Any) -> None:
        """Set one feature of datapoint ``i``; setting a loaded row back to its original value drops the edit."""
        if feature not in self.features:
            raise WitError(f"{feature!r} is not a feature of this data.", "Pick one of the listed features.")
        self._check_id(i)
        if i >= self.n_rows:
            self.overlay.added[i - self.n_rows][feature] = value
        else:
            original = _py(self.data.iloc[i][feature])
            edits = self.overlay.edits.setdefault(i, {})
            if _same(original, value):
                edits.pop(feature, None)
                if not edits:
                    del self.overlay.edits[i]
            else:
                edits[feature] = value
        self.overlay.saved = False
        self._changed()

    def revert(self, i: int) -> None:
        if self.overlay.edits.pop(i, None) is not None:
            self.overlay.current.pop(i, None)
            self.overlay.saved = not self.overlay.n_changed
            self._changed()

    def revert_value(self, i: int, feature: str) -> None:
        """Put one feature of a loaded row back to its original value."""
        edits = self.overlay.edits.get(i)
        if edits is None or feature not in edits:
            return
        del edits[feature]
        if not edits:
            self.revert(i)
        else:
            self.overlay.saved = False
            self._changed()

    def _add(self, record: dict[str, Any], origin: str) -> int:
        self.overlay.added.append({c: record.get(c) for c in self.data.columns})
        new = self.n_total - 1
        self.overlay.origin[new] = origin
        self.overlay.saved = False
        self._changed()
        return new

    def duplicate(self, i: int) -> int:
        """Append a copy of datapoint ``i`` (with its edits and ground truth); returns the new id."""
        new = self._add(self.record(i), f"copy of #{i}")
        scores = self.overlay.current.get(i) or self._base_scores(i)
        self.overlay.current[new] = scores
        self._append_run(new, f"copy of #{i}", scores)
        return new

    def add_row(self, record: dict[str, Any], origin: str = "new") -> int:
        """Append a new datapoint from a record of column values; returns its id (not yet scored)."""
        return self._add(record, origin)

    def delete(self, i: int) -> None:
        """Remove an added datapoint; later added points move down by one id."""
        if i < self.n_rows:
            raise WitError(
                f"Datapoint {i} is from the data and cannot be deleted.",
                "Only added points (duplicates and new ones) can be deleted; revert edits with R.",
            )
        self._check_id(i)
        del self.overlay.added[i - self.n_rows]

        def shift(d: dict[int, Any]) -> dict[int, Any]:
            return {(k - 1 if k > i else k): v for k, v in d.items() if k != i}

        self.overlay.history = shift(self.overlay.history)
        self.overlay.current = shift(self.overlay.current)
        self.overlay.origin = shift(self.overlay.origin)
        self.overlay.saved = not self.overlay.n_changed
        self._changed()

    # -- scores of single points and their history ---------------------
    def _base_scores(self, i: int) -> list[Scores]:
        out = []
        for m in range(len(self.models)):
            sc = self.scores(m)
            proba = sc.proba[i : i + 1] if sc.proba is not None else None
            out.append(Scores(score=sc.score[i : i + 1], label=sc.label[i : i + 1], proba=proba))
        return out

    def point_scores(self, i: int) -> list[Scores]:
        """Each model's current scores of datapoint ``i`` (one-row :class:`Scores`), edits included."""
        current = self.overlay.current.get(i)
        if current is not None:
            return current
        if i >= self.n_rows:
            self._check_id(i)
            return self.rescore(i, "added")
        return self._base_scores(i)

    def model_row(self, i: int) -> dict[str, Any]:
        """Every column any model needs, for datapoint ``i``, edits applied."""
        return self.record(i)

    def rescore(self, i: int, change: str) -> list[Scores]:
        """Re-infer datapoint ``i`` with every model (one row) and append a run to its history."""
        from wit_tui.engine.data.inference import score_dicts

        if i < self.n_rows and i not in self.overlay.edits:
            scores = self._base_scores(i)
            self.overlay.current.pop(i, None)
        else:
            scores = score_dicts(self, [self.model_row(i)])
            self.overlay.current[i] = scores
        self._append_run(i, change, scores)
        return scores

    def _append_run(self, i: int, change: str, scores: list[Scores]) -> None:
        runs = self.overlay.history.setdefault(i, [])
        if not runs and i < self.n_rows and change != "original":
            runs.append(_run(0, "original", self._base_scores(i)))
        runs.append(_run(len(runs), change, scores))
        self._changed()

    def _changed(self) -> None:
        for listener in self.listeners:
            listener()

    def history(self, i: int) -> list[Run]:
        """The runs of datapoint ``i``, oldest first (empty until it is first edited)."""
        return list(self.overlay.history.get(i, []))

    # -- saving ---------------------------------------------------------
    def edits_frame(self, thresholds: Sequence[float] | None = None) -> pd.DataFrame:
        """Edited and added points as a frame: the data's columns, then wit_id, wit_status and each model's output."""
        from wit_tui.engine.data.scoring import labels_from

        ids = self.changed_ids()
        records = [self.record(i) for i in ids]
        frame = pd.DataFrame(records, columns=list(self.data.columns))
        frame["wit_id"] = ids
        frame["wit_status"] = ["added" if i >= self.n_rows else "edited" for i in ids]
        frame["wit_origin"] = [self.overlay.origin.get(i, "") for i in ids]
        for m, model in enumerate(self.models):
            sc = [self.point_scores(i)[m] for i in ids]
            score = np.array([s.score[0] for s in sc], dtype=np.float64)
            proba = np.vstack([s.proba for s in sc]) if sc and sc[0].proba is not None else None
            t = None if thresholds is None else thresholds[m]
            frame[f"wit_{model.name}_prediction"] = labels_from(score, proba, self.task, t) if ids else []
            frame[f"wit_{model.name}_{self.task.score_label}"] = score
        return frame

    def save_edits(self, path: str | Path, thresholds: Sequence[float] | None = None) -> int:
        """Write the edited and added points to CSV atomically (temp file + rename); returns the row count."""
        path = Path(path).expanduser()
        if not self.overlay.n_changed:
            raise WitError("There are no edited or added datapoints to save.", "Edit a value (e) or add a point first.")
        frame = self.edits_frame(thresholds)
        atomic_write(path, lambda fh: frame.to_csv(fh, index=False), what="edits file")
        self.overlay.saved = True
        self._changed()
        return len(frame)

    @property
    def has_unsaved_edits(self) -> bool:
        return self.overlay.n_changed > 0 and not self.overlay.saved


def _run(number: int, change: str, scores: list[Scores]) -> Run:
    return Run(
        number,
        change,
        tuple(float(s.score[0]) for s in scores),
        tuple(None if s.proba is None else tuple(float(v) for v in s.proba[0]) for s in scores),
    )


def _same(a: Any, b: Any) -> bool:
    """Equal as the user means it: 40 == 40.0, missing == missing."""
    a, b = _py(a), _py(b)
    if a is None or b is None:
        return a is None and b is None
    try:
        return bool(a == b)
    except Exception:
        return False


def _py(value: Any) -> Any:
    """Plain Python scalars for display and editing (NaN/NA → None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = ["Session", "Overlay", "Run"]
