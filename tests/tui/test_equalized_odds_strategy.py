"""Equalized odds chosen from the strategy picker on the adult demo sliced by sex: the per-slice thresholds it
applies and the TPR and FPR gaps it leaves are the engine's, at 80×24 and 160×50."""

from __future__ import annotations

import pytest

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.performance import slice_indexes, truth_index
from wit_tui.engine.metrics.thresholds import STRATEGIES, optimise
from wit_tui.engine.slicing import slice_by
from wit_tui.render.tables import num
from wit_tui.tui.app import WitApp


@pytest.mark.parametrize("size", [(80, 24)])  # one size per test, both sizes per feature
async def test_equalized_odds_from_the_picker(adult_session, open_view, screen_text, settle, type_into, size):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        steps = list(STRATEGIES).index("equalized_odds")
        await pilot.press("f", "home", *(["down"] * steps), "enter")
        await settle(app, pilot)
        assert app.decisions.strategy == "equalized_odds"
        truth = ground_truth(s)
        slicing = slice_by(s.data, ["sex"], rows=truth.labelled)
        sidx = slice_indexes(s, truth, slicing.codes, slicing.n_slices)
        view = app.query_one("#view-performance")
        text = screen_text(app)
        for i in range(len(s.models)):
            r = optimise(sidx[i], "equalized_odds", 1.0, overall=truth_index(s, truth, i), tolerance=0.01, upper=1.0)
            assert tuple(app.decisions.per_slice[i]) == r.thresholds, "the per-slice thresholds are applied"
            gaps = dict(r.gaps)
            assert gaps["recall"] <= 0.01 and gaps["fpr"] <= 0.01
            run = view.state.strategy_run
            assert run is not None and run.results[i].gaps == r.gaps
            assert f"FPR gap {num(gaps['fpr'])}" in text
