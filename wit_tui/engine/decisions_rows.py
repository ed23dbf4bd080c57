"""Which threshold each row of a session gets from a decisions file, so ``report`` and ``validate`` decide as
the screen did.

The file's slicing (its :class:`~wit_tui.engine.slice_spec.SliceSpec`, bucket edges pinned) is rebuilt on the
session's data and each slice is found by its name; rows of a slice get that slice's threshold, the others
their model's. A slice of the file that this data does not have, or a slice of the data the file does not
name, is a note (its rows use the model's threshold), not an error: new data may well lack a small slice. A
model of the file whose file hash differs from the model loaded is a note too: the thresholds were chosen for
another model. Precedence (the app, ``report``, ``validate``): ``--threshold`` over the file over the config's
``threshold``; a model given ``--threshold`` drops its per-slice thresholds, as typing a threshold on screen does.
Lives beside ``spec_slicing`` (above the analysis layer) because a predicate slicing uses the filter language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.analysis.decisions_export import model_file_hash
from wit_tui.engine.analysis.decisions_file import DecisionsFile
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.row_thresholds import RowThresholds
from wit_tui.engine.metrics.threshold_values import GivenThresholds, check_threshold, resolve_thresholds
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing
from wit_tui.engine.spec_slicing import spec_slicing_of


@dataclass(frozen=True, eq=False)
class AppliedDecisions:
    """A decisions file applied to a session: per model its threshold, its per-slice thresholds on ``slicing``
    (None: one threshold for every row), and what the user should know (``notes``)."""

    file: DecisionsFile
    names: tuple[str, ...]
    thresholds: tuple[float, ...]
    slicing: Slicing | None
    slice_thresholds: tuple[np.ndarray | None, ...]
    notes: tuple[str, ...]

    def decision(self, i: int) -> float | RowThresholds:
        """Model ``i``'s threshold as the metrics take it: one number, or one per row of the session."""
        per_slice = self.slice_thresholds[i]
        if per_slice is None or self.slicing is None:
            return self.thresholds[i]
        rows = np.full(len(self.slicing.codes), self.thresholds[i], dtype=np.float64)
        inside = self.slicing.codes >= 0
        rows[inside] = per_slice[self.slicing.codes[inside]]
        return RowThresholds(rows, self.thresholds[i])

    @property
    def slicing_name(self) -> str:
        spec = self.file.slicing
        return "no slicing" if spec is None else " × ".join(spec.features) or f"where {spec.where}"

    def decisions(self) -> list[float | RowThresholds]:
        return [self.decision(i) for i in range(len(self.thresholds))]


def _check_binary(session: Session, f: DecisionsFile) -> None:
    if session.task.kind != "binary":
        raise WitError(
            f"{f.source}: decisions (thresholds) apply to binary classifiers, but the task is {session.task.kind}.",
            "Leave --decisions out.",
        )
    if f.label is not None and session.label is not None and f.label != session.label:
        raise WitError(
            f"{f.source}: label is {f.label!r}, but the data's label column is {session.label!r}.",
            f"Pass --label {f.label}, or export the decisions again for {session.label!r}.",
        )
    positive = session.task.positive
    if f.positive_class is not None and positive is not None and f.positive_class != str(positive):
        raise WitError(
            f"{f.source}: positive_class is {f.positive_class!r}, but the model's positive class is {positive!r}.",
            "Export the decisions again with this positive class (p on the performance screen).",
        )


def _file_thresholds(session: Session, f: DecisionsFile, notes: list[str]) -> dict[str | None, float]:
    """Each session model's threshold in the file (checked for its kind of score), hash mismatches as notes."""
    given: dict[str | None, float] = {}
    for i, name in enumerate(session.model_names):
        m = f.model(name)
        if m is None:
            raise WitError(
                f"{f.source}: models has no entry for {name!r} (it has {', '.join(x.name for x in f.models)}).",
                f'Add [[models]] name = "{name}", or name the models as the file does (--model NAME=PATH).',
            )
        now = model_file_hash(session, i)
        if m.file_hash is not None and now is not None and m.file_hash != now:
            notes.append(
                f"{f.source}: model {name!r} is not the one the decisions were made for (its file hash differs)."
            )
        given[name] = m.threshold
    return given


def _slice_thresholds(
    session: Session, f: DecisionsFile, slicing: Slicing, notes: list[str]
) -> tuple[np.ndarray | None, ...]:
    names = [slicing.name(k) for k in range(slicing.n_slices)]
    out: list[np.ndarray | None] = []
    for name in session.model_names:
        m = f.model(name)
        assert m is not None  # checked by _file_thresholds
        if not m.slice_thresholds:
            out.append(None)
            continue
        gone = [s for s in m.slice_thresholds if s not in names]
        if gone:
            notes.append(
                f"{f.source}: {name}: slice(s) {', '.join(gone)} have no rows on this data; their thresholds unused."
            )
        unnamed = [s for s in names if s not in m.slice_thresholds]
        if unnamed:
            notes.append(
                f"{f.source}: {name}: slice(s) {', '.join(unnamed)} are not in the file; "
                f"their rows use the model's threshold {m.threshold:g}."
            )
        out.append(np.array([m.slice_thresholds.get(s, m.threshold) for s in names], dtype=np.float64))
    return tuple(out)


def apply_decisions(
    session: Session,
    f: DecisionsFile,
    base: Sequence[float] | None = None,
    given: GivenThresholds | None = None,
) -> AppliedDecisions:
    """The file's decisions on this session: ``given`` (``--threshold``) over the file over ``base`` (the
    config's thresholds, default the models' own); a WitError for a file that does not fit (another label or
    positive class, a model it does not name, a feature the data lacks, a threshold out of its model's range)."""
    _check_binary(session, f)
    notes: list[str] = []
    names, kinds = session.model_names, session.probabilities
    start = tuple(base) if base is not None else session.default_thresholds
    from_file = resolve_thresholds(_file_thresholds(session, f, notes), names, kinds, start, f"{f.source}: threshold")
    thresholds = resolve_thresholds(dict(given or {}), names, kinds, from_file, "--threshold")
    slicing: Slicing | None = None
    per_slice: tuple[np.ndarray | None, ...] = tuple(None for _ in names)
    if f.slicing is not None and any(m.slice_thresholds for m in f.models):
        try:
            slicing = spec_slicing_of(session.data, f.slicing)
        except WitError as exc:
            raise WitError(f"{f.source}: slicing: {exc.message}", exc.hint) from None
        per_slice = _slice_thresholds(session, f, slicing, notes)
        for name, per, p in zip(names, per_slice, kinds, strict=True):
            for t in [] if per is None else per.tolist():
                check_threshold(float(t), p, f"{f.source}: {name}: slice_thresholds")
        overridden = set(_given_names(given, names))
        per_slice = tuple(None if n in overridden else p for n, p in zip(names, per_slice, strict=True))
    return AppliedDecisions(f, tuple(names), thresholds, slicing, per_slice, tuple(notes))


def _given_names(given: GivenThresholds | None, names: Sequence[str]) -> list[str]:
    """The models ``--threshold`` sets: all for ``--threshold T``, the named ones for ``NAME=T``."""
    if not given:
        return []
    return [n for n in names if n in given or None in given]


__all__ = ["AppliedDecisions", "apply_decisions"]
