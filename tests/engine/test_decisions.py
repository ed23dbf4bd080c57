"""Decisions: the one value the screens share; each method returns a new value and keeps what it should."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.metrics.threshold_values import nudge_thresholds


@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=3),
    st.integers(-120, 120),
)
def test_nudged_moves_every_threshold_as_the_engine_rule_and_becomes_custom(thresholds, steps):
    d = Decisions(tuple(thresholds), strategy="group", cost_ratio=2.0)
    moved = d.nudged(steps, probabilities=True)
    assert moved is not d and d.thresholds == tuple(thresholds)  # never mutated
    assert moved.thresholds == tuple(nudge_thresholds(thresholds, steps, True))
    assert moved.strategy == "custom" and moved.cost_ratio == 2.0


def test_per_slice_thresholds_belong_to_one_slicing():
    d = Decisions((0.5, 0.4))
    key = ("sex", 4, False)
    s = d.with_slice_threshold(1, [0.7, 0.2], key, n_slices=3)
    assert [a.tolist() for a in s.slice_thresholds(key)] == [[0.5, 0.7, 0.5], [0.4, 0.2, 0.4]]
    assert s.slice_thresholds(("race", 4, False)) is None  # another slicing: the models' thresholds
    codes = np.array([0, 1, -1, 2, 1])
    rows = s.row_thresholds(codes, key)
    assert rows[0].tolist() == [0.5, 0.7, 0.5, 0.5, 0.7] and rows[1].tolist() == [0.4, 0.2, 0.4, 0.4, 0.2]
    assert s.row_thresholds(codes, None) == [0.5, 0.4]
    assert s.nudged(1, True).slice_thresholds(key)[0].tolist() == [0.51, 0.71, 0.51]
    cleared = s.with_thresholds([0.3, 0.3])
    assert cleared.per_slice is None and cleared.thresholds == (0.3, 0.3)
    assert s.reset((0.5, 0.5)).per_slice is None and s.reset((0.5, 0.5)).thresholds == (0.5, 0.5)


def test_key_tells_a_stale_result_from_a_current_one(adult_session):
    d = Decisions.initial((0.5, 0.5))
    assert d.key == Decisions.initial((0.5, 0.5)).key
    assert d.nudged(1, True).key != d.key
    assert d.nudged(1, True).nudged(-1, True).key == d.key  # same numbers: same key, nothing to recompute
    truth = ground_truth(adult_session, None, "<=50K")
    assert Decisions(d.thresholds, truth=truth).key != d.key


def test_the_editor_keeps_the_sessions_positive_class(adult_session):
    flipped = ground_truth(adult_session, None, "<=50K")
    assert flipped.flipped
    d = Decisions((0.3, 0.7), truth=flipped)
    assert d.point_thresholds((0.5, 0.5)) == (0.5, 0.5)
    unflipped = Decisions((0.3, 0.7), truth=ground_truth(adult_session, None, None))
    assert unflipped.point_thresholds((0.5, 0.5)) == (0.3, 0.7)
