"""``?``: every key of the app and of each view, built from the bindings themselves so it never goes stale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from wit_tui.tui.views.base import SessionView
from wit_tui.tui.widgets.data_grid import DataGrid

if TYPE_CHECKING:
    from textual.app import App


def _rows(bindings: list[Binding | tuple], app: App) -> list[tuple[str, str]]:
    rows = []
    seen = set()
    for b in bindings:
        if not isinstance(b, Binding):
            b = Binding(*b)
        if not b.description:
            continue
        keys = b.key_display or ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in b.key.split(","))
        if (keys, b.description) in seen:
            continue
        seen.add((keys, b.description))
        rows.append((keys, b.description))
    return rows


def help_sections(app: App, views: Sequence[type[SessionView]]) -> list[tuple[str, list[tuple[str, str]], str]]:
    """(title, [(keys, description)], notes) for the app and every view, in tab order.

    The views are handed in (the app owns the registry), so this dialog never imports the app."""

    sections = [
        (
            "Everywhere",
            _rows(list(app.BINDINGS), app) + [("ctrl+p", "Command palette"), ("tab / shift+tab", "Move focus")],
            "",
        )
    ]
    for view_cls in views:
        rows = _rows(list(view_cls.BINDINGS), app)
        extra = getattr(view_cls, "HELP_NOTES", "")
        sections.append((view_cls.TITLE, rows, view_cls.HELP + ("\n" + extra if extra else "")))
    sections.append(("Tables (datapoints)", _rows(list(DataGrid.BINDINGS), app), ""))
    return sections


LONG_SECTION = 6  # keys; above this a section lists two keys per line
LONG_NOTES = 300  # characters; longer notes move below all the key lists


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False, key_display="?"),
    ]

    def __init__(self, app: App, views: Sequence[type[SessionView]]) -> None:
        super().__init__()
        self._sections = help_sections(app, views)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("wit-tui keys — escape closes, ↑/↓ scroll", style="bold"), id="help-title")
            details: list[tuple[str, str]] = []
            for title, rows, notes in self._sections:
                # more than a few keys: two key/action pairs per line, so the key lists fit on one screen
                pairs = 2 if len(rows) > LONG_SECTION else 1
                table = Table(show_header=False, box=None, padding=(0, 2))
                for _ in range(pairs):
                    table.add_column("key", style="bold", no_wrap=True, min_width=14 if pairs == 1 else 8)
                    table.add_column("action")
                half = (len(rows) + pairs - 1) // pairs
                for k in range(half):
                    cells: list[str] = []
                    for p in range(pairs):
                        cells.extend(rows[k + p * half] if k + p * half < len(rows) else ("", ""))
                    table.add_row(*cells)
                summary, _, more = notes.partition("\n")
                if len(more) > LONG_NOTES:  # long explanations go after every section's keys
                    details.append((title, more))
                    notes = summary
                parts: list = [Text(title, style="bold $accent")]
                if notes:
                    parts.append(Text(notes, style="dim"))
                parts.append(table)
                yield Static(Group(*parts), classes="help-section")
            for title, text in details:
                yield Static(Text.assemble((f"{title}: how it works\n", "bold"), (text, "dim")), classes="help-section")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
