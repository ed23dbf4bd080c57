"""The command palette's actions: every key of the active screen (its view, panels, tables and the app's keys),
found by what it does, its key shown beside it. Built from the bindings (:mod:`.keymap`), never a second list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Protocol, cast

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from wit_tui.tui.keymap import EVERYWHERE, KeyRow, app_rows, view_rows
from wit_tui.tui.silent_keys import reason, target_of
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.widgets import status_note

#: actions that make no sense from a list (the palette itself, moving focus, the framework's copy)
NOT_COMMANDS = frozenset({"command_palette", "app.focus_next", "app.focus_previous", "screen.copy_text"})


class KeyedApp(Protocol):
    """The app as the palette sees it: its active view and its keymap overrides."""

    @property
    def active_view(self) -> SessionView: ...

    key_overrides: Mapping[str, str]


def screen_rows(app: App) -> list[KeyRow]:
    """The active screen's keys: the active view's (its panels and tables) first, then the app's."""
    keyed = cast(KeyedApp, app)
    keymap = getattr(app, "key_overrides", {})
    rows = view_rows(type(keyed.active_view), keymap) + app_rows(keymap)
    return [row for row in rows if row.description and row.action not in NOT_COMMANDS]


def host_node(app: App, view: SessionView, row: KeyRow) -> DOMNode:
    """Where a row's action runs: the app for its own keys, the view for its keys, else the first instance of the
    panel or table class in the view's DOM (the view when none is mounted)."""
    if row.part == EVERYWHERE:
        return app
    if isinstance(view, row.host):
        return view
    found = view.query(row.host.__name__)
    return found.first() if found else view


def run_row(app: App, row: KeyRow) -> None:
    """Run a row's action as its key would; when it does not apply now, say why in the view's note line."""
    view = cast(KeyedApp, app).active_view
    node, name, parameters = target_of(app, row.action, host_node(app, view, row))
    if not hasattr(node, f"action_{name}") or not node.check_action(name, parameters):
        view.say(reason(node, name, parameters, row.shown, row.description), status_note.NOTE_SECONDS)
        return
    app.call_later(app.run_action, row.action, node)


def help_text(row: KeyRow) -> str:
    """ "c · Datapoint editor" (+ the binding's tooltip): the key to remember next time, and where it belongs."""
    more = f": {row.tooltip}" if row.tooltip else ""
    return f"{row.shown} · {row.part}{more}"


class KeyCommands(Provider):
    """Every action of the active screen, searchable by its description, part or key."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], None]]]:
        if self.screen is not self.app.screen_stack[0] or not hasattr(self.app, "active_view"):
            return  # a dialog's keys are its own, shown in its footer
        for row in screen_rows(self.app):
            yield row.description, help_text(row), partial(run_row, self.app, row)

    async def discover(self) -> Hits:
        for title, help_, run in self._commands():
            yield DiscoveryHit(title, run, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_, run in self._commands():
            score = max(matcher.match(title), matcher.match(help_) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_)


__all__ = ["KeyCommands", "help_text", "host_node", "run_row", "screen_rows"]
