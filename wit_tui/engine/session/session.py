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
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.memo import Memo
from wit_tui.engine.core.values import py, same
from wit_tui.engine.data.inference import score_dicts
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.data.scoring import Scores, labels_from, score_frame
from wit_tui.engine.data.tasks import LabelNotClasses, ModelTask, detect_tasks
from wit_tui.engine.session.events import EventSource, OverlayChanged, ScoresReady
from wit_tui.engine.session.inputs import (
    check_arguments,
    check_label_not_an_input,
    chosen_features,
    label_values,
    model_columns,
)
from wit_tui.engine.session.overlay import Overlay, Run, run_of

Progress = Callable[[int, int], None]


def _point_frame(row: dict[str, Any], like: pd.DataFrame) -> pd.DataFrame:
    """One datapoint as a frame, with ``like``'s categorical columns kept categorical (as the model saw them)."""
    frame = pd.DataFrame([row])
    for col in like.columns:
        if col in frame.columns and isinstance(like[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(like[col].dtype)
    return frame


def _point_outputs(scores: list[Scores], task: ModelTask, threshold: float | None) -> tuple[Any, np.ndarray]:
    """One model's predictions and scores on single-point scores, as saved next to the edited points."""
    score = np.array([s.score[0] for s in scores], dtype=np.float64)
    proba = np.vstack([s.class_scores for s in scores]) if scores and scores[0].proba is not None else None
    return (labels_from(score, proba, task, threshold) if scores else []), score


class Session(EventSource):
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
        super().__init__()
        check_arguments(data, models, label)
        self.data = data
        self.name = name
        self.label = label
        self.models = list(models)
        self.n_jobs = n_jobs
        self.features = chosen_features(data, label, features)
        self.model_columns = [model_columns(m, self.features, data) for m in self.models]
        check_label_not_an_input(self.models, self.model_columns, label)
        self.tasks, self.task = detect_tasks([m.estimator for m in self.models], self.model_names, positive)
        self.default_thresholds = tuple(t.default_threshold for t in self.tasks)  # 0.5 probabilities, 0 margins
        self.probabilities = tuple(t.probabilities for t in self.tasks)
        self.warnings: list[str] = []
        self.y, self.label_problem = _label_truth(self) if label is not None else (None, None)
        self.overlay = Overlay()
        self._scores: dict[int, Scores] = {}
        #: derived results of the loaded data (sort orders, indexes, ground truths), keyed by the engine module
        self.memo = Memo()
        #: what the session was opened from (files' identities, or the demo), so its autosave can be found again
        self.source: list[Any] | None = None if source is None else list(source)

    # -- ground truth -------------------------------------------------
    def _ground_truth(self) -> np.ndarray | None:
        y, warnings = label_values(self.data[self.label], str(self.label), self.task)
        self.warnings.extend(warnings)
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
            X, task = self.model_input(i), self.tasks[i]
            cached = score_frame(m.estimator, X, task, n_jobs=self.n_jobs, progress=progress, model_name=m.name)
            self._scores[i] = cached
            self.emit(ScoresReady(i))
        return cached

    def score_all(self, progress: Progress | None = None) -> list[Scores]:
        return [self.scores(i, progress) for i in range(len(self.models))]

    def infer(self, row: dict[str, Any]) -> list[Scores]:
        """Score one datapoint (a dict of feature values) with every model, without touching the cache."""
        frame = _point_frame(row, self.data)
        return [
            score_frame(m.estimator, frame[self.model_columns[i]], self.tasks[i], model_name=m.name)
            for i, m in enumerate(self.models)
        ]

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

    @property
    def n_changed(self) -> int:
        """How many datapoints are edited or added."""
        return self.overlay.n_changed

    def edited_values(self, i: int) -> dict[str, Any]:
        """The features of loaded row ``i`` that differ from the data, with their new values (a copy)."""
        return dict(self.overlay.edits.get(i, {}))

    def changed_ids(self) -> list[int]:
        """Edited loaded rows, then added points, in id order."""
        return sorted(self.overlay.edits) + list(range(self.n_rows, self.n_total))

    def _check_id(self, i: int) -> None:
        if not 0 <= i < self.n_total:
            raise WitError(f"There is no datapoint {i}.", f"Ids run from 0 to {self.n_total - 1:,}.")

    def original_row(self, i: int) -> dict[str, Any]:
        if i >= self.n_rows:
            self._check_id(i)
            added = self.overlay.added[i - self.n_rows]
            return {f: added.get(f) for f in self.features}
        rec = self.data.iloc[i]
        return {f: py(rec[f]) for f in self.features}

    def record(self, i: int) -> dict[str, Any]:
        """Every column of datapoint ``i`` (label and columns outside ``features`` too), edits applied."""
        self._check_id(i)
        if i >= self.n_rows:
            return dict(self.overlay.added[i - self.n_rows])
        rec = self.data.iloc[i]
        values = {c: py(rec[c]) for c in self.data.columns}
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
        if self.y is None or self.label is None:
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
            original = py(self.data.iloc[i][feature])
            edits = self.overlay.edits.setdefault(i, {})
            if same(original, value):
                edits.pop(feature, None)
                if not edits:
                    del self.overlay.edits[i]
            else:
                edits[feature] = value
        self.overlay.saved = False
        self._changed((i,))

    def revert(self, i: int) -> None:
        if self.overlay.edits.pop(i, None) is not None:
            self.overlay.current.pop(i, None)
            self.overlay.saved = not self.overlay.n_changed
            self._changed((i,))

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
            self._changed((i,))

    def _add(self, record: dict[str, Any], origin: str) -> int:
        self.overlay.added.append({c: record.get(c) for c in self.data.columns})
        new = self.n_total - 1
        self.overlay.origin[new] = origin
        self.overlay.saved = False
        self._changed((new,))
        return new

    def duplicate(self, i: int) -> int:
        """Append a copy of datapoint ``i`` (with its edits and ground truth); returns the new id."""
        new = self._add(self.record(i), f"copy of #{i}")
        scores = self.overlay.current.get(i) or self._base_scores(i)
        self.overlay.current[new] = scores
        self._appendrun_of(new, f"copy of #{i}", scores)
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
        self._changed(tuple(range(i, self.n_total + 1)), renumbered=True)

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
        if i < self.n_rows and i not in self.overlay.edits:
            scores = self._base_scores(i)
            self.overlay.current.pop(i, None)
        else:
            scores = score_dicts(self, [self.model_row(i)])
            self.overlay.current[i] = scores
        self._appendrun_of(i, change, scores)
        return scores

    def _appendrun_of(self, i: int, change: str, scores: list[Scores]) -> None:
        runs = self.overlay.history.setdefault(i, [])
        if not runs and i < self.n_rows and change != "original":
            runs.append(run_of(0, "original", self._base_scores(i)))
        runs.append(run_of(len(runs), change, scores))
        self._changed((i,))

    def _changed(self, ids: tuple[int, ...], renumbered: bool = False) -> None:
        self.emit(OverlayChanged(ids, renumbered))

    def history(self, i: int) -> list[Run]:
        """The runs of datapoint ``i``, oldest first (empty until it is first edited)."""
        return list(self.overlay.history.get(i, []))

    # -- saving ---------------------------------------------------------
    def edits_frame(self, thresholds: Sequence[float] | None = None) -> pd.DataFrame:
        """Edited and added points as a frame: the data's columns, then wit_id, wit_status and each model's output."""
        return _edits_frame(self, thresholds)

    def save_edits(self, path: str | Path, thresholds: Sequence[float] | None = None) -> int:
        """Write the edited and added points to CSV atomically (temp file + rename); returns the row count."""
        path = Path(path).expanduser()
        if not self.overlay.n_changed:
            raise WitError("There are no edited or added datapoints to save.", "Edit a value (e) or add a point first.")
        frame = self.edits_frame(thresholds)
        atomic_write(path, lambda fh: frame.to_csv(fh, index=False), what="edits file")
        self.overlay.saved = True
        self._changed(())
        return len(frame)

    @property
    def has_unsaved_edits(self) -> bool:
        return self.overlay.n_changed > 0 and not self.overlay.saved


def _label_truth(session: Session) -> tuple[np.ndarray | None, LabelNotClasses | None]:
    """The label as ground truth, or why it cannot be (none of its values is a class: ``report``/``validate``
    refuse it, the performance screen says it, the rest of the app works without ground truth)."""
    try:
        return session._ground_truth(), None
    except LabelNotClasses as exc:
        return None, exc


def _edits_frame(session: Session, thresholds: Sequence[float] | None) -> pd.DataFrame:
    ids = session.changed_ids()
    records = [session.record(i) for i in ids]
    frame = pd.DataFrame(records, columns=list(session.data.columns))
    frame["wit_id"] = ids
    frame["wit_status"] = ["added" if i >= session.n_rows else "edited" for i in ids]
    frame["wit_origin"] = [session.overlay.origin.get(i, "") for i in ids]
    for m, model in enumerate(session.models):
        t = None if thresholds is None else thresholds[m]
        prediction, score = _point_outputs([session.point_scores(i)[m] for i in ids], session.tasks[m], t)
        frame[f"wit_{model.name}_prediction"] = prediction
        frame[f"wit_{model.name}_{session.tasks[m].score_label}"] = score
    return frame


__all__ = ["Session"]
