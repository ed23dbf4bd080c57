"""The datapoint editor's questions asked of every model in one call (wit_tui.engine.whatif.point): the same answers
as one model at a time, at the thresholds and gap given, with progress per model and cancellation."""

from __future__ import annotations

import pytest

from wit_tui.engine.core.progress import Cancelled
from wit_tui.engine.session.editing import duplicate_point
from wit_tui.engine.whatif import point
from wit_tui.engine.whatif.attribution import local_attributions
from wit_tui.engine.whatif.counterfactual import default_gap, nearest_counterfactual
from wit_tui.engine.whatif.dependence import ice, ice_many, partial_dependence, rank_by_variation
from wit_tui.engine.whatif.minimal_edit import minimal_edits

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


def test_counterfactuals_of_every_model_at_its_threshold(adult_session):
    s = adult_session
    seen: list[tuple[int, int]] = []
    got = point.counterfactuals(s, 2, (0.3, 0.7), metric="L2", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]
    for m, t in enumerate((0.3, 0.7)):
        want = nearest_counterfactual(s, 2, m, metric="L2", threshold=t)
        assert (got[m].index, got[m].distance, got[m].rule) == (want.index, want.distance, want.rule)


def test_regression_gap_steps(diabetes_session):
    d = diabetes_session
    assert point.regression_gap(d, 0) == pytest.approx(default_gap(d, 0))
    assert point.regression_gap(d, 1, 2) == pytest.approx(default_gap(d, 1) * 1.2)
    got = point.counterfactuals(d, 0, (0.5, 0.5), gap_steps=1)
    want = nearest_counterfactual(d, 0, 0, gap=default_gap(d, 0) * 1.1)
    assert got[0].index == want.index and got[0].rule == want.rule


def test_minimal_edits_and_attributions_match_the_single_model_calls(adult_session):
    s = adult_session
    edits = point.every_minimal_edit(s, 0, (0.5, 0.5))
    for m in range(2):
        want = minimal_edits(s, 0, m, threshold=0.5)
        assert [e.changes for e in edits[m].edits] == [e.changes for e in want.edits]
    got = point.attributions(s, 3)
    want_attr = local_attributions(s, 3)
    assert want_attr is not None
    assert [a.weights.tolist() for a in got] == [a.weights.tolist() for a in want_attr]


def test_point_curves_with_pd_and_rank(adult_session):
    s = adult_session
    got = point.point_curves(s, 3, "age", with_pd=True, ranked=True)
    assert got.feature == "age"
    assert [v.tolist() for v in got.ice.values] == [v.tolist() for v in ice(s, 3, "age").values]
    want_pd = partial_dependence(s, "age")
    assert got.pd is not None and want_pd is not None
    assert [v.tolist() for v in got.pd.values] == [v.tolist() for v in want_pd.values]
    assert got.rank == tuple(rank_by_variation(ice_many(s, 3)))
    again = point.cached_partial_dependence(s, "age")
    assert again is got.pd  # computed once per session and feature


def test_cancelled_raises_and_caches_nothing(adult_session, fresh_session):
    s = fresh_session(adult_session)
    for ask in (
        lambda: point.counterfactuals(s, 0, (0.5, 0.5), cancelled=lambda: True),
        lambda: point.every_minimal_edit(s, 0, (0.5, 0.5), cancelled=lambda: True),
        lambda: point.attributions(s, 0, cancelled=lambda: True),
        lambda: point.point_curves(s, 0, "age", with_pd=True, cancelled=lambda: True),
        lambda: point.warm_up(s, cancelled=lambda: True),
    ):
        with pytest.raises(Cancelled):
            ask()
    assert ("point.partial_dependence", "age") not in s.memo


def test_origin_of_added_points(adult_session, fresh_session):
    s = fresh_session(adult_session)
    assert point.origin(s, 0) == ""
    new = duplicate_point(s, 5)
    assert point.origin(s, new) == "copy of #5"
