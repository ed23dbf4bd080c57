"""The UI never freezes: while a long computation runs in a worker, keys on every screen are handled at once,
and escape cancels the computation."""

from __future__ import annotations

from helpers import screen_text, settle
from test_features_ui import fill, open_features

from wit_tui.engine.analysis.performance import model_performance
from wit_tui.render.format import fmt
from wit_tui.tui.app import WitApp


async def _pause(pilot, n: int = 2) -> None:
    for _ in range(n):
        await pilot.pause()


def _running(app) -> list[str]:
    return [w.name for w in app.workers if w.is_running]


async def test_keys_work_on_every_screen_while_importance_runs(adult_session):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_features(app, pilot)
        # a long job: permutation importance on every labelled row, 30 repeats, both models (tens of seconds)
        await pilot.press("I")
        await settle(app, pilot)
        await fill(pilot, str(s.n_rows))
        await pilot.press("tab")
        await fill(pilot, "30")
        await pilot.press("enter")
        await _pause(pilot)
        assert app.query_one("#feat-job").display and _running(app), "the job should be running"

        # the datapoint editor moves its cursor
        await pilot.press("1")
        await _pause(pilot)
        await pilot.press("j")
        await _pause(pilot)
        assert "Datapoint 1" in screen_text(app)
        # the performance screen moves the threshold, with exact numbers
        await pilot.press("2")
        await _pause(pilot)
        await pilot.press("right_curly_bracket")
        await _pause(pilot)
        text = screen_text(app)
        assert "logreg 0.6000" in text and fmt(model_performance(s, 0, 0.6).binary.f1) in text
        # all of that happened while the job kept running; escape on its screen cancels it
        assert _running(app), "the job finished before the keys were tested: make it longer"
        await pilot.press("3")
        await _pause(pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Cancelled: " in screen_text(app) and not _running(app)
