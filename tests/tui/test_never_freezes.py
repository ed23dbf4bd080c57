"""The UI never freezes: while a long computation runs in a worker, keys on every screen are handled at once,
and escape cancels the computation."""

from __future__ import annotations

from wit_tui.engine.analysis import importance
from wit_tui.engine.analysis.performance import model_performance
from wit_tui.render.format import fmt
from wit_tui.tui.app import WitApp


def _running(app) -> list[str]:
    return [w.name for w in app.workers if w.is_running]


def _focus_in(app, view_id: str):
    """A predicate: the keyboard focus is inside the view ``view_id`` (its keys reach it)."""
    return lambda: app.focused is not None and app.query_one(view_id) in app.focused.ancestors_with_self


async def test_keys_work_on_every_screen_while_importance_runs(
    adult_session, fill, hold, open_view, screen_text, settle, wait_until
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot, "3")
        # a job that cannot end until released: the keys below are handled while it is surely still running
        gate = hold(importance, "permutation_importances")
        await pilot.press("I")
        await settle(app, pilot)
        await fill(pilot, "300")
        await pilot.press("tab")
        await fill(pilot, "2")
        await pilot.press("enter")
        await wait_until(pilot, gate.entered.is_set, "the importance job to start")
        assert app.query_one("#feat-job").display and _running(app), "the job should be running"

        # the datapoint editor moves its cursor
        await pilot.press("1")
        await wait_until(pilot, _focus_in(app, "#view-datapoints"), "the datapoint editor to take the focus")
        await pilot.press("j")
        await wait_until(pilot, lambda: "Datapoint 1" in screen_text(app), "the datapoint editor to move")
        # the performance screen moves the threshold, with exact numbers
        await pilot.press("2")
        await wait_until(pilot, _focus_in(app, "#view-performance"), "the performance view to take the focus")
        await pilot.press("right_curly_bracket")
        f1 = fmt(model_performance(s, 0, 0.6).binary.f1)
        await wait_until(
            pilot, lambda: "logreg 0.6000" in (t := screen_text(app)) and f1 in t, "the threshold to move to 0.60"
        )
        # all of that happened while the job kept running; escape on its screen cancels it
        assert _running(app)
        await pilot.press("3")
        await wait_until(pilot, _focus_in(app, "#view-features"), "the features view to take the focus")
        await pilot.press("escape")
        gate.release()  # the cancelled run reaches its next cancel check and stops there
        await settle(app, pilot)
        assert "Cancelled: " in screen_text(app) and not _running(app)
