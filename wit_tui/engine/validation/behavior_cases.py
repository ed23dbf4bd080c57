"""Minimum functionality: hand-written cases with the outcome each must get (a class, or a score range written
``[0.7, 1.0]``), read from a CSV beside the config and scored by each model like the data."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import column_like, is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.behavior_config import EXPECTED
from wit_tui.engine.validation.behavior_rows import Measure, Reader, Tested
from wit_tui.engine.validation.behavior_spec import BehaviorSpec

_RANGE = re.compile(r"^\s*\[\s*([^,\]]+)\s*,\s*([^\]]+)\s*\]\s*$")


def _typed(session: Session, cases: pd.DataFrame) -> pd.DataFrame:
    """The cases' input columns in the data's dtypes (numbers as numbers, known categories as categories)."""
    out = {}
    for c in dict.fromkeys(c for cols in session.model_columns for c in cols):
        ref, col = session.data[c], cases[c]
        if is_numeric(ref):
            out[c] = pd.to_numeric(col, errors="coerce").to_numpy()
            continue
        known = {str(v) for v in ref.dropna().unique()}
        text = [None if pd.isna(v) else str(v) for v in col]
        out[c] = column_like(ref, text) if all(t is None or t in known for t in text) else np.array(text, object)
    return pd.DataFrame(out)


def read_cases(session: Session, spec: BehaviorSpec, where: str) -> tuple[pd.DataFrame, list[tuple | str]]:
    """The cases frame and each case's expectation: a ``(low, high)`` score range or a class (its text)."""
    assert spec.cases is not None, "a cases test names its file"
    try:
        raw = pd.read_csv(spec.cases, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise WitError(f"{where}.cases: {spec.cases} cannot be read as CSV: {exc}.", "Check the file.") from None
    expected: list[tuple | str] = []
    classes = {str(c) for c in session.task.classes}
    for k, text in enumerate(raw[EXPECTED].fillna("")):
        m = _RANGE.match(text)
        if m:
            try:
                low, high = float(m.group(1)), float(m.group(2))
            except ValueError:
                low = high = float("nan")
            if not low <= high:
                raise WitError(
                    f"{where}.cases: case {k + 1}: {text!r} is not a score range [low, high].", "E.g. [0.7, 1.0]."
                )
            expected.append((low, high))
        elif text.strip() in classes:
            expected.append(text.strip())
        else:
            raise WitError(
                f"{where}.cases: case {k + 1}: expected {text!r} is neither a class nor a score range.",
                f"Classes: {', '.join(sorted(classes))}; a range is written [0.7, 1.0].",
            )
    return _typed(session, raw), expected


def cases_tested(reader: Reader, spec: BehaviorSpec, cases: pd.DataFrame, expected: list[tuple | str]) -> Tested:
    """Each case scored: it fails when its predicted class is not the expected one, or its score is outside the
    range (binary: the positive score; multi-class: the predicted class's probability, or ``class``'s)."""
    s = reader.score(cases)
    dec = reader.decision(s)
    names = reader.names()
    score = reader.followed(s, dec)
    ok = np.zeros(len(cases), bool)
    for k, e in enumerate(expected):
        if isinstance(e, tuple):
            ok[k] = e[0] <= score[k] <= e[1]
        else:
            ok[k] = str(names[dec[k]]) == e
    ok &= ~np.isnan(score)
    n = len(cases)
    sev = np.where(ok, -np.inf, 1.0)
    measure = Measure("pass_rate", float(spec.min_pass_rate or 0.0), ~ok, sev, np.zeros(n, np.int64), score, dec)

    def change(j: int, _v: int) -> str:
        e = expected[j]
        return f"expected {e}" if isinstance(e, str) else f"expected a score in [{e[0]:g}, {e[1]:g}]"

    return Tested(cases, np.arange(n), score, dec, (measure,), names, change)


__all__ = ["cases_tested", "read_cases"]
