"""What may a feature be set to, and what happens when it is: parse, validate, apply, re-infer.

The user types a value (or picks a category); it is checked against what the
data holds before the model ever sees it, so a typo in a numeric field or an
unseen category gets a message instead of an exception from deep inside a
pipeline. An accepted edit goes into the session overlay and the point is
re-inferred at once by every model (one row each), which appends a run to the
point's history. If a model still refuses the value, the edit is undone.

Numbers step by a "nice" amount (1, 2 or 5 × 10^k) close to a tenth of the
feature's standard deviation, at least 1 for whole-number features; categories
step through the values seen in the data, in their order.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import py
from wit_tui.engine.data.inference import score_dicts
from wit_tui.engine.session.overlay import Run
from wit_tui.engine.session.session import Session

MISSING_WORDS = frozenset({"", "?", "na", "n/a", "nan", "none", "null", "missing"})


@dataclass(frozen=True)
class FeatureSpec:
    """What a feature's values look like in the data: enough to validate an edit and to step it."""

    name: str
    kind: Literal["numeric", "categorical"]
    integer: bool = False
    low: float = math.nan
    high: float = math.nan
    median: float = math.nan
    std: float = math.nan
    step: float = 1.0
    categories: tuple[Any, ...] = ()
    counts: tuple[int, ...] = ()
    missing: int = 0

    @property
    def mode(self) -> Any:
        """The most common category (categorical features)."""
        if not self.counts:
            return None
        return self.categories[int(np.argmax(self.counts))]


@dataclass(frozen=True)
class Edit:
    """An applied edit: the point, what changed, the new run, and a note (e.g. "outside the data's range")."""

    row: int
    changes: tuple[tuple[str, Any, Any], ...]
    run: Run
    note: str = ""


def nice_step(std: float, integer: bool) -> float:
    """The largest of 1, 2, 5 × 10^k not above std/10 (at least 1 for whole numbers)."""
    if not math.isfinite(std) or std <= 0:
        return 1.0
    target = std / 10.0
    exp = math.floor(math.log10(target))
    base = 10.0**exp
    step = max(m * base for m in (1, 2, 5) if m * base <= target * (1 + 1e-12))
    if integer:
        return float(max(1, round(step)))
    return float(step)


def _categories(series: pd.Series) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    counts = series.value_counts(dropna=True, sort=False)
    if isinstance(series.dtype, pd.CategoricalDtype):
        counts = counts.reindex(series.dtype.categories)
        keep = counts > 0
        counts = counts[keep]
    else:
        try:
            counts = counts.sort_index()
        except TypeError:
            pass
    cats = tuple(py(v) for v in counts.index)
    return cats, tuple(int(c) for c in counts.to_numpy())


def feature_spec(session: Session, name: str) -> FeatureSpec:
    """The spec of one column of the data (cached on the session)."""
    return session.memo.get(("editing.spec", name), lambda: _build_spec(session.data[name], name))


def feature_specs(session: Session) -> dict[str, FeatureSpec]:
    return {f: feature_spec(session, f) for f in session.features}


def _build_spec(series: pd.Series, name: str) -> FeatureSpec:
    if is_numeric(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = values[np.isfinite(values)]
        missing = int(len(values) - len(finite))
        if not len(finite):
            return FeatureSpec(name, "numeric", missing=missing)
        integer = series.dtype.kind in "iu" or bool(np.all(finite == np.round(finite)))
        std = float(finite.std(ddof=1)) if len(finite) > 1 else math.nan
        return FeatureSpec(
            name,
            "numeric",
            integer=integer,
            low=float(finite.min()),
            high=float(finite.max()),
            median=float(np.median(finite)),
            std=std,
            step=nice_step(std, integer),
            missing=missing,
        )
    cats, counts = _categories(series)
    return FeatureSpec(name, "categorical", categories=cats, counts=counts, missing=int(series.isna().sum()))


def show(value: Any) -> str:
    """A value as the user typed or would type it (no thousands separators)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    if isinstance(value, float):
        if not math.isfinite(value):  # ±inf from the data: shown as it is (int() of it raises)
            return str(value)
        return f"{value:.6g}" if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return str(value)


def parse_value(spec: FeatureSpec, text: str) -> Any:
    """Turn typed text into a value of the feature, or raise WitError saying why it is not one.

    Numbers accept ``1,000``, ``1_000`` and ``1e3``; categories must be a value seen in
    the data (matched exactly, else ignoring case). An empty field, ``?``, ``NA`` or
    ``missing`` sets the value missing.
    """
    raw = text.strip()
    if raw.lower() in MISSING_WORDS:
        return None
    if spec.kind == "numeric":
        cleaned = raw.replace(",", "").replace("_", "")
        try:
            value = float(cleaned)
        except ValueError:
            raise WitError(
                f"{raw!r} is not a number; {spec.name} is numeric.",
                "Type a number such as 42 or 3.5 (empty or ? makes it missing).",
            ) from None
        if not math.isfinite(value):
            raise WitError(f"{raw!r} is not a finite number.", "Type a finite number.")
        if spec.integer and value == int(value):
            return int(value)
        return value
    by_text = {str(c): c for c in spec.categories}
    if raw in by_text:
        return by_text[raw]
    folded = [c for c in spec.categories if str(c).lower() == raw.lower()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(raw, list(by_text), n=3, cutoff=0.5)
    hint = (
        f"Did you mean {', '.join(close)}?"
        if close
        else (f"Seen values: {', '.join(list(by_text)[:8])}{' …' if len(by_text) > 8 else ''}.")
    )
    raise WitError(f"{raw!r} is not a value of {spec.name} in the data.", hint)


def range_note(spec: FeatureSpec, value: Any) -> str:
    """A warning (not an error) for a number outside the data's range: the model never saw one."""
    if spec.kind != "numeric" or value is None or not math.isfinite(spec.low):
        return ""
    if value < spec.low or value > spec.high:
        return f"{spec.name} = {show(value)} is outside the data's range [{show(spec.low)}, {show(spec.high)}]."
    return ""


def step_value(spec: FeatureSpec, value: Any, steps: int) -> Any:
    """The value ``steps`` steps away: numbers by ``spec.step``, categories along their order (clamped)."""
    if spec.kind == "numeric":
        if value is not None and not isinstance(value, str) and math.isinf(value):
            raise WitError(f"{spec.name} is {show(value)} here: a step from it stays infinite.", "Type a finite value.")
        if value is None or (isinstance(value, float) and math.isnan(value)):
            base = spec.median if math.isfinite(spec.median) else 0.0
            return int(base) if spec.integer and base == int(base) else base
        new = float(value) + steps * spec.step
        decimals = max(0, -math.floor(math.log10(spec.step))) if spec.step < 1 else 0
        new = round(new, decimals + 6)
        if spec.integer and new == int(new):
            return int(new)
        return new
    if not spec.categories:
        raise WitError(f"{spec.name} has no values in the data to step through.", "Type a value instead.")
    try:
        k = spec.categories.index(value)
    except ValueError:
        return spec.mode
    return spec.categories[max(0, min(len(spec.categories) - 1, k + steps))]


def default_record(session: Session) -> dict[str, Any]:
    """A new point: the median of every numeric column (rounded for whole numbers), the mode of the others."""
    record: dict[str, Any] = {}
    for c in session.data.columns:
        if c == session.label:
            record[c] = None
            continue
        spec = feature_spec(session, c)
        if spec.kind == "numeric":
            med = spec.median
            record[c] = None if not math.isfinite(med) else (int(round(med)) if spec.integer else med)
        else:
            record[c] = spec.mode
    return record


# -- operations on the overlay ------------------------------------------------
def apply_edits(session: Session, i: int, values: Mapping[str, Any], change: str | None = None) -> Edit:
    """Set features of point ``i`` and re-infer it; nothing changes (WitError) if a model refuses the new values.

    The models see the new values before the overlay does, so a refused edit never reaches a subscriber (the
    autosave journals only accepted edits).
    """
    before = session.row(i)
    changes = tuple((f, before[f], v) for f, v in values.items())
    unknown = [f for f in values if f not in session.features]
    if unknown:
        raise WitError(f"{unknown[0]!r} is not a feature of this data.", "Pick one of the listed features.")
    try:
        score_dicts(session, [{**session.model_row(i), **values}])
    except WitError as exc:
        raise WitError(f"The model cannot score that value: {exc.message}", "The edit was not applied.") from exc
    for f, v in values.items():
        session.set_value(i, f, v)
    text = change or "; ".join(f"{f} {show(a)} → {show(b)}" for f, a, b in changes)
    try:
        scores_run = _rescore(session, i, text)
    except WitError as exc:
        for f, old, _new in changes:
            session.set_value(i, f, old)
        raise WitError(f"The model cannot score that value: {exc.message}", "The edit was not applied.") from exc
    notes = [range_note(feature_spec(session, f), v) for f, v in values.items()]
    return Edit(i, changes, scores_run, " ".join(n for n in notes if n))


def edit_text(session: Session, i: int, feature: str, text: str) -> Edit:
    """Parse typed text for ``feature`` and apply it (WitError, nothing changed, if it is not valid)."""
    if feature not in session.features:
        raise WitError(f"{feature!r} is not a feature of this data.", "Pick one of the listed features.")
    value = parse_value(feature_spec(session, feature), text)
    return apply_edits(session, i, {feature: value})


def step_feature(session: Session, i: int, feature: str, steps: int) -> Edit:
    """``+``/``-``: move a feature of point ``i`` by ``steps`` steps and re-infer."""
    spec = feature_spec(session, feature)
    new = step_value(spec, session.row(i)[feature], steps)
    return apply_edits(session, i, {feature: new})


def revert_feature(session: Session, i: int, feature: str) -> Run | None:
    """Put one feature back to its loaded value (loaded rows only); re-infer. None if it was not edited."""
    if i >= session.n_rows or feature not in session.overlay.edits.get(i, {}):
        return None
    old = session.row(i)[feature]
    session.revert_value(i, feature)
    return _rescore(session, i, f"reverted {feature} ({show(old)} → {show(session.row(i)[feature])})")


def revert_point(session: Session, i: int) -> Run | None:
    """Put every feature of a loaded row back; None if nothing was edited."""
    if i >= session.n_rows or i not in session.overlay.edits:
        return None
    session.revert(i)
    return _rescore(session, i, "reverted all")


def duplicate_point(session: Session, i: int) -> int:
    """Append a copy of point ``i``; its history starts with the copy's prediction."""
    return session.duplicate(i)


def add_point(session: Session) -> int:
    """Append a new point built from the data's medians and modes, and score it (refused before it is added)."""
    record = default_record(session)
    score_dicts(session, [{c: record.get(c) for c in session.data.columns}])
    new = session.add_row(record, origin="new (medians/modes)")
    try:
        _rescore(session, new, "new (medians/modes)")
    except WitError:
        session.delete(new)
        raise
    return new


def delete_point(session: Session, i: int) -> None:
    """Remove an added point (loaded rows cannot be deleted)."""
    session.delete(i)


def _rescore(session: Session, i: int, change: str) -> Run:
    session.rescore(i, change)
    return session.history(i)[-1]


__all__ = [
    "Edit",
    "FeatureSpec",
    "MISSING_WORDS",
    "add_point",
    "apply_edits",
    "default_record",
    "delete_point",
    "duplicate_point",
    "edit_text",
    "feature_spec",
    "feature_specs",
    "nice_step",
    "parse_value",
    "range_note",
    "revert_feature",
    "revert_point",
    "show",
    "step_feature",
    "step_value",
]
