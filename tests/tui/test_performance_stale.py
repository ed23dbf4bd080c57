"""The performance screen never shows numbers of old decisions as current: worst slices and the strategies'
results recompute or say in words that they are stale when the decisions change (``r``, ``]``, a typed
threshold, or any new ``app.decisions``); a cancelled or failed slicing goes back to slices that exist."""

from __future__ import annotations

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.performance import model_performance, truth_index
from wit_tui.engine.analysis.worst_slices import session_worst_slices
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.operating_points import cost_optimal_threshold
from wit_tui.render.format import fmt
from wit_tui.render.tables import signed, thr
from wit_tui.tui.app import WitApp
from wit_tui.tui.views.performance import slicer

STALE = "computed at thresholds"


def _worst_note(app) -> str:
    return str(app.query_one("#worst-note").render())


async def test_worst_slices_say_they_are_stale_after_a_threshold_move_and_reset(adult_session, open_view, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("w")
        await settle(app, pilot)
        assert "at threshold 0.5000" in _worst_note(app) and STALE not in _worst_note(app)
        # ] moves the thresholds: the ranking of 0.50 is marked, in words, with the key that refreshes it
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        note = _worst_note(app)
        assert f"{STALE} logreg 0.5000  hgb 0.5000" in note and "press w to recompute" in note
        # w recomputes at the thresholds of now: the engine's ranking, no longer stale
        await pilot.press("w")
        await settle(app, pilot)
        note = _worst_note(app)
        assert STALE not in note and "at threshold 0.5100" in note
        expected = session_worst_slices(s, ground_truth(s), "accuracy", thresholds=[0.51, 0.51], model=0)
        assert signed(expected.findings[0].worse_by) in app.query_one("#worst-table").get_cell_at((0, 7)).plain
        # r resets them: stale again, naming the thresholds the ranking was computed at
        await pilot.press("r")
        await settle(app, pilot)
        note = _worst_note(app)
        assert f"{STALE} logreg 0.5100  hgb 0.5100" in note and "press w to recompute" in note


async def test_new_decisions_from_anywhere_redraw_the_overview_and_mark_worst_slices(
    adult_session, open_view, screen_text, settle
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("w")
        await settle(app, pilot)
        app.decisions = app.decisions.with_thresholds([0.3, 0.4])
        await settle(app, pilot)
        assert "press w to recompute" in _worst_note(app)
        await pilot.press("a")
        await settle(app, pilot)
        text = screen_text(app)
        m = model_performance(s, 0, 0.3).binary
        assert "logreg 0.3000" in text and "hgb 0.4000" in text and fmt(m.f1) in text


async def test_strategy_results_are_stale_after_a_move_and_rerun_after_a_cost_ratio(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("o")  # each model's cost-optimal threshold
        await settle(app, pilot)
        truth = ground_truth(s)
        opts = [cost_optimal_threshold(truth_index(s, truth, i), 1.0, upper=1.0) for i in range(2)]
        assert f"logreg cost {opts[0].cost:,.0f}" in screen_text(app)
        # a threshold move: the strategy's costs no longer describe the decisions, and the screen says so
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"logreg cost {opts[0].cost:,.0f}" not in text
        assert f"{STALE} logreg {thr(opts[0].threshold)}" in text and "press f to recompute" in text
        # back to the strategy, then a new cost ratio: it reruns, the thresholds are the new optimum
        await pilot.press("o")
        await settle(app, pilot)
        await type_into(pilot, app, "c", "2")
        opt2 = cost_optimal_threshold(truth_index(s, truth, 0), 2.0, upper=1.0)
        text = screen_text(app)
        assert app.decisions.thresholds[0] == opt2.threshold and app.decisions.strategy == "single"
        assert f"logreg cost {opt2.cost:,.0f}" in text and STALE not in text


async def test_a_cancelled_slicing_goes_back_to_no_slices(adult_session, hold, open_view, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_view(app, pilot, "2")
        gate = hold(slicer, "slicing_table")
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press(*"sex", "enter")
        await pilot.pause()
        gate.entered.wait(5)
        assert app.query_one("#perf-job").display
        await pilot.press("escape")
        gate.release()
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        assert "Cancelled: Slicing by sex" in screen_text(app) and view.state.slices.features == []
        assert "No slices yet" in screen_text(app) and not app.query_one("#perf-job").display


async def test_a_failed_slicing_goes_back_to_the_slices_that_worked(
    adult_session, monkeypatch, notifications, open_view, screen_text, settle, type_into
):
    app = WitApp(adult_session)
    messages = notifications(app)
    real = slicer.slicing_table

    def fussy(session, truth, slicing, *args, **kwargs):
        if "race" in slicing.features:
            raise WitError("race cannot be sliced here.", "Pick another feature.")
        return real(session, truth, slicing, *args, **kwargs)

    monkeypatch.setattr(slicer, "slicing_table", fussy)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        await type_into(pilot, app, "b", "race")
        await settle(app, pilot)
        assert any("Could not finish: Slicing by race. race cannot be sliced here." in m for m in messages), messages
        text = screen_text(app)
        assert app.query_one("#view-performance").state.slices.features == ["sex"] and "2 slices of sex" in text


async def test_new_decisions_redraw_the_slice_table_and_the_status_line(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        app.decisions = app.decisions.with_thresholds([0.3, 0.4])
        await settle(app, pilot)
        table = app.query_one("#slices-table")
        assert [table.get_cell_at((r, 3)).plain for r in range(2)] == ["0.3000", "0.3000"]
        assert [table.get_cell_at((r, 4)).plain for r in range(2)] == ["0.4000", "0.4000"]
        assert "Thr logreg 0.3000  hgb 0.4000" in screen_text(app)
        # per-slice thresholds of another slicing are not applied to this one
        app.decisions = app.decisions.with_slice_threshold(0, [0.9, 0.9], ("other",), 2)
        await settle(app, pilot)
        assert table.get_cell_at((0, 3)).plain == "0.3000" and "Thr logreg 0.3000" in screen_text(app)
