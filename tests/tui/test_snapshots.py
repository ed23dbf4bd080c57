"""Each screen at 80×24 on the Adult demo, as an SVG snapshot (tests/tui/__snapshots__/), reviewed before accepted.

What could make two runs differ is held still: the session is a fresh copy of the seeded demo with its scores
already computed; every worker has finished before the picture; no cursor blinks, no animation runs; notes and
toasts (which fade on a clock) are cleared; autosave is off (its notes name a folder and a time). Nothing on
these screens names the tmp path, the date or the machine's cores.

Regenerate with ``pytest tests/tui/test_snapshots.py --snapshot-update`` (one process), then look at every
changed SVG before committing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.widgets import Input, TabbedContent, TextArea

from tests.conftest import _fresh_session, _settle, _wait_until
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions
from wit_tui.tui.widgets.status_note import StatusNote

SIZE = (80, 24)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def snapshot_app(source: Any) -> WitApp:
    """The app as the snapshots see it: a private copy of ``source`` (its scores reused), no autosave, no
    animation."""
    app = WitApp(_fresh_session(source), RunOptions(autosave=False))
    app.animation_level = "none"
    return app


async def still(pilot: Any) -> None:
    """Every worker done, every blinking cursor stopped, every fading note and toast gone."""
    app = pilot.app
    await _settle(app, pilot)
    for widget in (*app.query(Input), *app.query(TextArea)):
        widget.cursor_blink = False
    for note in app.query(StatusNote):
        note.clear()
    app.clear_notifications()
    await pilot.pause()


def reach(*keys: str) -> tuple[Callable[[Any], Awaitable[None]], list[str]]:
    """A ``run_before`` that waits for scoring, presses ``keys`` one at a time (each settled), holds still and
    records the tab it ended on (an error inside it would otherwise still leave a picture to compare)."""
    reached: list[str] = []

    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await _wait_until(pilot, lambda: app.scored, "the session to be scored")  # the worker may start late
        await _settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(app, pilot)
        await still(pilot)
        reached.append(app.query_one("#tabs", TabbedContent).active)

    return run_before, reached


@pytest.mark.parametrize(("screen", "key"), [("datapoints", "1"), ("performance", "2"), ("features", "3")])
def test_each_screen_at_80x24(snap_compare, adult_session, screen, key):
    run_before, reached = reach(key)
    matches = snap_compare(snapshot_app(adult_session), terminal_size=SIZE, run_before=run_before)
    assert reached == [screen], "the keys did not reach the screen (see the error above)"
    assert matches
