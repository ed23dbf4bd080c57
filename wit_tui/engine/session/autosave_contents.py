"""Does an autosave fit this data? Checked whole, value by value, before it is offered.

An autosave is input like any other (a user may edit it by hand, or it may come
from other data): every value is coerced with its column's kind the way the
editor coerces typed text, every row id and column name must exist, and every
score of the history must be a finite number. Anything else is WitError
"does not fit", so the restore question is only asked when "yes" can work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.editing import FeatureSpec, feature_spec, parse_value
from wit_tui.engine.session.overlay import Run
from wit_tui.engine.session.session import Session


def _run(obj: dict[str, Any]) -> Run:
    return Run(
        int(obj["number"]),
        str(obj["change"]),
        tuple(float(v) for v in obj["scores"]),
        tuple(None if p is None else tuple(float(v) for v in p) for p in obj["probas"]),
    )


@dataclass(frozen=True)
class Contents:
    """An autosave's overlay, checked and coerced: what a restore puts back."""

    edits: dict[int, dict[str, Any]]
    added: list[dict[str, Any]]
    origin: dict[int, str]
    history: dict[int, list[Run]]


def _value(spec: FeatureSpec | None, raw: Any) -> Any:
    """One autosaved value as the editor would have stored it; ValueError when it is not one of its column."""
    if isinstance(raw, (list, dict)) and not (isinstance(raw, dict) and set(raw) == {"$timestamp"}):
        raise ValueError(f"{raw!r} is not a value")
    if isinstance(raw, dict):
        try:
            value: Any = pd.Timestamp(str(raw["$timestamp"]))
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"{raw['$timestamp']!r} is not a timestamp") from exc
    else:
        value = raw
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite value")
    if spec is None or value is None:
        return value  # a column no model uses (the label of an added point, an id): kept as it was saved
    if spec.kind == "numeric":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{value!r} is not a number; {spec.name} is numeric")
        return parse_value(spec, repr(value)) if isinstance(value, float) else value
    if value in spec.categories or any(str(c) == str(value) for c in spec.categories):
        return parse_value(spec, str(value)) if not isinstance(value, pd.Timestamp) else value
    raise ValueError(f"{value!r} is not a value of {spec.name} in the data")


def contents(session: Session, data: dict[str, Any], path: Path) -> Contents:
    """Everything in the autosave, checked and coerced to this data's columns (WitError "does not fit" if not)."""
    columns = [str(c) for c in session.data.columns]
    if data.get("n_rows") != session.n_rows or data.get("columns") != columns:
        raise WitError(
            f"The autosave {path} was made on other data ({data.get('n_rows')!r} rows); it does not fit.",
            "It was set aside.",
        )
    by_name = {str(c): c for c in session.data.columns}
    specs = {str(f): feature_spec(session, f) for f in session.features}
    try:
        edits: dict[int, dict[str, Any]] = {}
        for key, values in data["edits"].items():
            i = int(key)
            if not 0 <= i < session.n_rows or not isinstance(values, dict) or not values:
                raise ValueError(f"datapoint {key} does not fit this data")
            unknown = [f for f in values if f not in specs]
            if unknown:
                raise ValueError(f"{unknown[0]!r} is not a feature (datapoint {i})")
            edits[i] = {by_name[f]: _value(specs[f], v) for f, v in values.items()}
        added = []
        for rec in data["added"]:
            if not isinstance(rec, dict) or any(str(k) not in by_name for k in rec):
                raise ValueError("an added point has columns this data does not have")
            added.append({c: _value(specs.get(str(c)), rec.get(str(c))) for c in session.data.columns})
        n_points = session.n_rows + len(added)
        origin = {int(k): str(v) for k, v in _mapping(data, "origin").items()}
        history = {int(k): [_run(r) for r in runs] for k, runs in _mapping(data, "history").items()}
        if any(not 0 <= i < n_points for i in [*origin, *history]):
            raise ValueError("a datapoint id of its history is not in this data")
        if any(not math.isfinite(v) for runs in history.values() for r in runs for v in r.scores):
            raise ValueError("a score of its history is not a finite number")
    except WitError as exc:
        raise WitError(f"The autosave {path} does not fit this data ({exc.message}).", "") from exc
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise WitError(f"The autosave {path} does not fit this data ({exc}).", "") from exc
    return Contents(edits, added, origin, history)


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not a mapping")
    return value


__all__ = ["Contents", "contents"]
