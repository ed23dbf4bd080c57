"""No datapoint panel shows old numbers as current: when the app's decisions (thresholds) or the point (an edit,
through the session's event) change, the panel shown computes again — each result keeps the inputs it came from."""

from __future__ import annotations

from typing import Any, cast

import pytest

from wit_tui.engine.session.editing import apply_edits
from wit_tui.tui.app import WitApp

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


@pytest.mark.parametrize(
    ("key", "name", "uses_thresholds"),
    [("c", "cf", True), ("m", "min", True), ("p", "ice", False), ("a", "attr", False)],
)
async def test_panel_follows_decisions_and_edits(adult_session, fresh_session, settle, key, name, uses_thresholds):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.query_one("#view-datapoints")
        await pilot.press(key)
        await settle(app, pilot)
        panel = view.panels[name]
        assert panel.current
        before = panel.result_inputs
        # the thresholds move (only the performance view does this in the app): the panel is current again,
        # for the new thresholds when its result depends on them
        cast(Any, app).decisions = app.decisions.with_thresholds([0.3, 0.7])
        await settle(app, pilot)
        assert panel.current and panel.context.thresholds == (0.3, 0.7)
        assert (panel.result_inputs != before) == uses_thresholds
        # the point is edited (an engine call: the view hears it as a session event): computed again
        version = view.version
        apply_edits(s, view.selected, {"age": 70})
        await settle(app, pilot)
        assert view.version > version and panel.current and panel.result_inputs != before


async def test_escape_cancels_and_the_panel_says_which_key_computes_it(
    adult_session, fresh_session, hold, screen_text, settle, wait_until
):
    from wit_tui.engine.whatif import point

    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.query_one("#view-datapoints")
        gate = hold(point, "attributions")
        await pilot.press("a")
        await wait_until(pilot, gate.entered.is_set, "the attributions job to start")
        await pilot.press("escape")
        gate.release()
        await settle(app, pilot)
        text = screen_text(app)
        assert "Cancelled: not computed. Press a to compute it." in text and not view.panels["attr"].current
        await pilot.press("a")  # its key computes it (the panel stays open)
        await settle(app, pilot)
        assert view.panels["attr"].current and "Local attributions of #0" in screen_text(app)
