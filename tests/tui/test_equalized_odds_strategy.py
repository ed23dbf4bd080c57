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
from wit_tui.tui.options import RunOptions


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


async def test_min_group_size_leaves_small_slices_out_of_a_strategy_on_screen(
    adult_session, open_view, screen_text, settle, type_into
):
    """``wit-tui --min-group-size 200``: demographic parity by race leaves Amer-Indian-Eskimo and Other out (each
    at its own cost-optimal threshold), as the engine does, and the screen says which."""
    s = adult_session
    app = WitApp(s, RunOptions(min_group_size=200))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "race")
        steps = list(STRATEGIES).index("demographic_parity")
        await pilot.press("f", "home", *(["down"] * steps), "enter")
        await settle(app, pilot)
        assert app.decisions.strategy == "demographic_parity"
        shown = " ".join(screen_text(app).split())
        truth = ground_truth(s)
        slicing = slice_by(s.data, ["race"], rows=truth.labelled)
        labels = [" × ".join(map(str, lab)) for lab in slicing.labels]
        sidx = slice_indexes(s, truth, slicing.codes, slicing.n_slices)
        for i in range(len(s.models)):
            r = optimise(
                sidx[i], "demographic_parity", 1.0, tolerance=0.01, upper=1.0, min_group_size=200, labels=labels
            )
            assert tuple(app.decisions.per_slice[i]) == r.thresholds
    assert "too few rows (min_group_size): Amer-Indian-Eskimo, Other" in shown, shown
