"""One class matcher for --positive, the performance screen's ground truth and the label column."""

from __future__ import annotations

import numpy as np
import pytest

from wit_tui.engine.data.tasks import match_class


@pytest.mark.parametrize(
    ("value", "classes", "expected"),
    [
        ("yes", ("no", "yes"), "yes"),
        ("1", (0, 1), 1),
        ("1", (0.0, 1.0), 1.0),
        ("1.0", (0, 1), 1),
        (1, ("0", "1"), "1"),
        ("maybe", ("no", "yes"), None),
        ("2", (0, 1), None),
        (None, (0, 1), None),
    ],
)
def test_match_class_by_equality_text_or_number(value, classes, expected) -> None:
    got = match_class(value, classes)
    assert got == expected and type(got) is type(expected)


def test_numpy_integer_classes_match_typed_numbers() -> None:
    # The matcher used for --positive used to miss these ("1.0" for an np.int64 class 1); the one for the
    # label column found them. Both paths now agree.
    classes = (np.int64(0), np.int64(1))
    assert match_class("1.0", classes) is classes[1]
    assert match_class(np.float64(1.0), classes) is classes[1]


def test_booleans_are_never_matched_as_numbers() -> None:
    assert match_class("1.0", (False, True)) is None
    assert match_class("1.0", (np.False_, np.True_)) is None
    assert match_class("True", (False, True)) is True
