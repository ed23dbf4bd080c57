"""Which rows a filter expression picks out, as a slicing: the rows that match and the rest.

A predicate slicing (``age >= 65 and sex == "Female"``) is read by the same parser as the filter of the
datapoints screen, with its messages, and evaluated the same way (a comparison with a missing value is false,
so such rows are in the rest). It has two slices, listed when they have rows: the matching rows, named by the
expression, and the rest, named ``not (…)`` — exactly the rows the filter ``not (expression)`` picks. As a
feature of a slice key it is ``"where"``, so its keys are ``(("where", "age >= 65"),)`` and
``(("where", "not (age >= 65)"),)`` (string form ``where:age >= 65``), and it crosses with any feature.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.slicing import FeatureSlices
from wit_tui.engine.whatif.filtering import evaluate

#: the feature name of a predicate slicing in slice keys
WHERE = "where"


def negation(text: str) -> str:
    """The rest's name: ``not (age >= 65)``."""
    return f"not ({text})"


def predicate_mask(frame: pd.DataFrame, text: str) -> np.ndarray:
    """The rows of ``frame`` matching the filter expression ``text`` (the filter's WitError if it is bad)."""
    if not text.strip():
        raise WitError(
            "The slicing expression is empty.", 'Type a filter expression, e.g. age >= 65 and sex == "Female".'
        )
    return evaluate(text, frame)


def predicate_slices(frame: pd.DataFrame, text: str) -> FeatureSlices:
    """The two slices of ``text``: code 0 = the matching rows, 1 = the rest (either may be empty)."""
    mask = predicate_mask(frame, text)  # the text as typed, so the filter's "at character n" points into it
    text = text.strip()
    codes = np.where(mask, 0, 1).astype(np.int64)
    labels = (text, negation(text))
    counts = np.bincount(codes, minlength=2).astype(np.int64)
    return FeatureSlices(WHERE, "predicate", codes, labels, labels, counts)


__all__ = ["WHERE", "negation", "predicate_mask", "predicate_slices"]
