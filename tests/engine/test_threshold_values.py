"""Typed thresholds, their range and the ``[ ] { }`` steps: one parse for the forms and the headless commands."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.threshold_values import (
    THRESHOLD_STEP,
    clamp_threshold,
    default_thresholds,
    nudge_threshold,
    nudge_thresholds,
    parse_thresholds,
    threshold_range,
)


def test_one_threshold_applies_to_every_model():
    assert parse_thresholds("0.4", 2, True) == [0.4, 0.4]
    assert parse_thresholds(" 0.25 ", 1, True) == [0.25]


def test_one_threshold_per_model_with_commas_or_semicolons():
    assert parse_thresholds("0.4, 0.6", 2, True) == [0.4, 0.6]
    assert parse_thresholds("0.4; 0.6;", 2, True) == [0.4, 0.6]
    assert parse_thresholds("-1.5, 2e3", 2, False) == [-1.5, 2000.0]  # margins: any finite number


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "n", "probabilities", "needle"),
    [
        ("", 2, True, "Type a threshold"),
        (" , ", 1, True, "Type a threshold"),
        ("0.1, 0.2, 0.3", 2, True, r"one per model \(2\), not 3"),
        ("abc", 1, True, "must be a number, not 'abc'"),
        ("nan", 1, True, "must be a number"),
        ("1.5", 1, True, "from 0 to 1 for probability scores, not 1.5"),
        ("-0.1", 2, True, "from 0 to 1"),
        ("-inf", 1, False, "must be a finite number for decision_function margins, not -inf"),
        ("inf", 1, False, "must be a finite number"),
        ("1e400", 1, False, "must be a finite number"),
        ("0.5, 1.5", 2, [False, True], "from 0 to 1 for probability scores, not 1.5"),
    ],
)
def test_bad_thresholds_are_explained(text, n, probabilities, needle):
    with pytest.raises(WitError, match=needle):
        parse_thresholds(text, n, probabilities)


def test_the_hint_speaks_of_one_per_model_only_with_two_models():
    with pytest.raises(WitError) as one:
        parse_thresholds("", 1, True)
    with pytest.raises(WitError) as two:
        parse_thresholds("", 2, True)
    assert one.value.hint == "e.g. 0.4." and "one per model" in two.value.hint


def test_clamp_keeps_probabilities_in_range_and_margins_as_they_are():
    assert threshold_range(True) == (0.0, 1.0) and threshold_range(False) == (-math.inf, math.inf)
    assert (clamp_threshold(1.2, True), clamp_threshold(-0.3, True), clamp_threshold(0.3, True)) == (1.0, 0.0, 0.3)
    assert clamp_threshold(-7.5, False) == -7.5


def test_steps_add_up_exactly_and_stop_at_the_ends():
    t = 0.5
    for _ in range(3):
        t = nudge_threshold(t, 1, True)
    assert t == 0.53  # not 0.5300000000000001
    assert nudge_threshold(0.55, -10, True) == 0.45
    assert nudge_threshold(0.995, 1, True) == 1.0 and nudge_threshold(0.0, -1, True) == 0.0
    assert nudge_threshold(-3.0, -10, False) == -3.1
    assert THRESHOLD_STEP == 0.01


def test_nothing_positive_stays_put():
    assert nudge_threshold(math.inf, 1, False) == math.inf
    assert nudge_thresholds([0.5, math.inf], -1, False) == [0.49, math.inf]


@given(st.floats(0, 1), st.integers(-200, 200))
def test_nudged_probability_thresholds_stay_in_range(t, steps):
    assert 0.0 <= nudge_threshold(t, steps, True) <= 1.0


def test_reset_goes_back_to_the_tasks_default():
    assert default_thresholds(0.5, 2) == [0.5, 0.5]
    assert default_thresholds(0, 1) == [0.0]
