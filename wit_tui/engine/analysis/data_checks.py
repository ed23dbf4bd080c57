"""What in the data will surprise the user? Found once, said once, before the numbers mislead.

None of these stop loading — the data is still worth looking at — but each
changes what the numbers mean, so each becomes one warning on the session (the
app shows them as notifications, ``report`` and ``validate`` print them):

- a label with a single value (AUC and some rates are undefined);
- columns no model uses (shown as features, ignored by the models);
- text in a column that is otherwise numbers (a model wanting numbers fails on those rows);
- missing or infinite values in the columns the models use (how many rows, in which columns);

and, once the models have scored the data, which rows a model could not score and
whether it accepts the missing or infinite values the data has.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.data.scoring import Scores
from wit_tui.engine.session.inputs import input_columns
from wit_tui.engine.session.session import Session

#: a text column is "numbers with a few stray words" when at least this share of its values parse as numbers
NUMERIC_SHARE = 0.9
_SAMPLE = 2000


def _names(items: list[str], limit: int = 6) -> str:
    return ", ".join(items[:limit]) + (" …" if len(items) > limit else "")


def model_input_columns(session: Session) -> list[str]:
    """Every column any model takes, in first-seen order (the counterfactual distance counts the same ones)."""
    return input_columns(session.model_columns)


def constant_label(session: Session) -> str | None:
    if session.y is None or session.task.kind == "regression":
        return None
    values = pd.Series(session.y).dropna().unique()
    if len(values) != 1:
        return None
    return (
        f"The label column {session.label!r} has a single value ({values[0]}): AUC, average precision and the "
        "rates of the missing class are undefined, and shown as such."
    )


def unused_columns(session: Session) -> str | None:
    used = set(model_input_columns(session))
    unused = [str(c) for c in session.data.columns if c not in used and c != session.label]
    if not unused:
        return None
    return (
        f"{len(unused)} column(s) are not used by any model and are ignored by them: {_names(unused)}. "
        "They are still shown and can be sliced by."
    )


def text_in_numbers(series: pd.Series) -> tuple[int, list[int], list[str]] | None:
    """(how many, first row positions, first values) of text in a column that is otherwise numbers, or None."""
    if is_numeric(series) or isinstance(series.dtype, pd.CategoricalDtype) or series.dtype.kind == "b":
        return None
    present = series.dropna()
    if present.empty:
        return None
    sample = present.iloc[:_SAMPLE]
    parsed = pd.to_numeric(sample.astype(str), errors="coerce")
    if parsed.notna().mean() < NUMERIC_SHARE:
        return None
    full = pd.to_numeric(present.astype(str), errors="coerce")
    bad = full.isna().to_numpy()
    if not bad.any():
        return None
    positions = series.index.get_indexer(present.index[bad][:3])
    return int(bad.sum()), [int(p) for p in positions], [str(v) for v in present[bad].iloc[:3]]


def stray_text(session: Session) -> list[str]:
    out = []
    for c in model_input_columns(session):
        found = text_in_numbers(session.data[c])
        if found is None:
            continue
        n, rows, values = found
        shown = ", ".join(f"row {r}: {v!r}" for r, v in zip(rows, values, strict=True))
        out.append(
            f"Column {c!r} holds numbers but {n:,} value(s) are text ({shown}"
            f"{' …' if n > len(rows) else ''}); a model that wants numbers cannot score those rows."
        )
    return out


def nonfinite_rows(session: Session) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """A mask of rows with a missing or infinite value in any model column, and per column (missing, ±inf).

    Computed once per session (asked before scoring and again after it)."""
    return session.memo.get(("data_checks.nonfinite",), lambda: _nonfinite_rows(session))


def _nonfinite_rows(session: Session) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    mask = np.zeros(session.n_rows, dtype=bool)
    per_column: dict[str, tuple[int, int]] = {}
    for c in model_input_columns(session):
        col = session.data[c]
        missing = col.isna().to_numpy()
        inf = np.zeros(len(col), dtype=bool)
        if is_numeric(col):
            inf = np.isinf(col.to_numpy(dtype=np.float64, na_value=np.nan))
        if missing.any() or inf.any():
            per_column[str(c)] = (int(missing.sum()), int(inf.sum()))
            mask |= missing | inf
    return mask, per_column


def nonfinite_features(session: Session) -> str | None:
    mask, per_column = nonfinite_rows(session)
    if not mask.any():
        return None
    parts = []
    for c, (missing, inf) in per_column.items():
        what = [f"{missing:,} missing"] if missing else []
        what += [f"{inf:,} ±inf"] if inf else []
        parts.append(f"{c} ({', '.join(what)})")
    return (
        f"{int(mask.sum()):,} of {session.n_rows:,} rows have missing or infinite values in columns the models "
        f"use: {_names(parts, 5)}. Whether each model accepts them is said once it has scored the data."
    )


def input_warnings(session: Session) -> list[str]:
    """The warnings about the data that need no scoring."""
    found = [constant_label(session), unused_columns(session), *stray_text(session), nonfinite_features(session)]
    return [w for w in found if w]


def check_session(session: Session) -> Session:
    """Add the warnings about the data to a newly opened session (once) and return it.

    Whoever opens a session for a user calls this, so the warnings are said before any number."""
    session.warnings.extend(w for w in input_warnings(session) if w not in session.warnings)
    return session


def failed_rows_message(model: str, scores: Scores) -> str:
    """One sentence on rows a model raised on: which ones, why, and what that means for the numbers."""
    rows = ", ".join(str(r) for r in scores.failed[:5]) + (" …" if len(scores.failed) > 5 else "")
    return (
        f"{model} raised on {len(scores.failed):,} row(s) ({rows}): {scores.error.rstrip('.')}. "
        "They have no prediction and are left out of every metric; the other rows are scored."
    )


def scoring_warnings(session: Session) -> list[str]:
    """After scoring: per model, the rows it could not score (and how many of them have missing/infinite values)."""
    out = []
    mask, _ = nonfinite_rows(session)
    for i, m in enumerate(session.models):
        scores = session.scores(i)
        if len(scores.failed):
            text = failed_rows_message(m.name, scores)
            if mask.any():
                text += f" {int(mask[scores.failed].sum()):,} of them have missing or infinite values."
            out.append(text)
    return out


def scoring_notes(session: Session) -> list[str]:
    """After scoring: the models that took every row with missing or infinite values (good news, said once)."""
    mask, _ = nonfinite_rows(session)
    n = int(mask.sum())
    if not n:
        return []
    return [
        f"{m.name} scored all {n:,} rows with missing or infinite values (it accepts them)."
        for i, m in enumerate(session.models)
        if not len(session.scores(i).failed)
    ]


__all__ = [
    "check_session",
    "constant_label",
    "failed_rows_message",
    "input_warnings",
    "model_input_columns",
    "nonfinite_features",
    "nonfinite_rows",
    "scoring_notes",
    "scoring_warnings",
    "stray_text",
    "text_in_numbers",
    "unused_columns",
]
