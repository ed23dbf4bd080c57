"""UI-test fixtures. ``mount_panel``: one panel, alone, in an app that holds ``decisions`` and a view that holds it.

``async with mount_panel(session, lambda: MyPanel(...)) as (app, pilot, panel):`` — the
view around it is a real SessionView (so the panel finds ``jobs``, ``options`` and the
session as it would in the app), marked ready (the session is scored first), and
``app.decisions = ...`` drives the panel as the performance view would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.reactive import reactive
from textual.widget import Widget

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.session.session import Session
from wit_tui.tui.jobs import JobLine
from wit_tui.tui.options import RunOptions
from wit_tui.tui.views.base import SessionView


class HarnessView(SessionView):
    def __init__(self, session: Session, options: RunOptions, make: Callable[[], Widget]) -> None:
        super().__init__(session, options, id="harness-view")
        self._make = make

    def compose(self) -> ComposeResult:
        yield JobLine()
        yield self._make()


class PanelApp(App):
    decisions: reactive[Decisions] = reactive(Decisions(()), init=False)

    def __init__(self, session: Session, make: Callable[[], Widget], options: RunOptions | None = None) -> None:
        super().__init__()
        self.session = session
        self._view = HarnessView(session, options or RunOptions(autosave=False), make)
        self.set_reactive(PanelApp.decisions, Decisions.initial(session.default_thresholds))

    def compose(self) -> ComposeResult:
        yield self._view


@asynccontextmanager
async def _mount_panel(
    session: Session,
    make: Callable[[], Widget],
    *,
    size: tuple[int, int] = (120, 40),
    options: RunOptions | None = None,
) -> AsyncIterator[tuple[PanelApp, Any, Widget]]:
    session.score_all()
    app = PanelApp(session, make, options)
    async with app.run_test(size=size) as pilot:
        view = app.query_one(HarnessView)
        panel = list(view.children)[-1]
        view.session_ready()
        await pilot.pause()
        yield app, pilot, panel


@pytest.fixture
def mount_panel() -> Callable[..., Any]:
    """``async with mount_panel(session, make) as (app, pilot, panel)``: see the module's docstring."""
    return _mount_panel
