"""Minimal edits on the Adult demo: every edit returned really flips the model's decision, cheapest first."""

from __future__ import annotations

from wit_tui.engine.whatif.minimal_edit import minimal_edits


def test_each_edit_flips_the_decision_and_they_come_cheapest_first(adult_session):
    s = adult_session
    threshold = s.tasks[0].default_threshold
    got = minimal_edits(s, 0, 0, threshold=threshold, max_results=5)
    assert got.edits, "the first Adult row has edits that flip the logistic model"
    before = s.point_scores(0)[0].score[0] >= threshold
    costs = [e.cost for e in got.edits]
    assert costs == sorted(costs)
    for edit in got.edits:
        row = s.row(0)
        for change in edit.changes:
            assert change.old == row[change.feature]
            row[change.feature] = change.new
        after = s.infer(row)[0].score[0] >= threshold
        assert after != before
        assert s.infer(row)[0].score[0] == edit.score
