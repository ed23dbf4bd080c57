"""``?``: every key of every screen, the current screen first, searchable; built from the bindings themselves
(:mod:`wit_tui.tui.keymap`, handed in by the app) so it never goes stale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from wit_tui.tui.keymap import KeyRow, ScreenKeys

EVERYWHERE = "Everywhere"
LONG_NOTES = 300  # characters; longer notes move below all the key lists


def matches(row: KeyRow, query: str) -> bool:
    """Every word of the query is in the row: a one-character word is a key (``c``), longer ones any text."""
    keys = [k.strip().lower() for k in row.shown.split(",")] + [shown.lower() for shown in row.keys]
    words = f"{row.shown} {row.description} {row.part} {row.id}".lower()
    for term in query.lower().split():
        if (term not in keys) if len(term) == 1 else (term not in words):
            return False
    return True


def help_sections(screens: Sequence[ScreenKeys], current: str) -> list[tuple[str, list[KeyRow], str]]:
    """(title, rows, notes): the current screen's keys first, then the keys of every screen, then the others."""
    ordered = sorted(screens, key=lambda s: s.name != current)
    sections: list[tuple[str, list[KeyRow], str]] = []
    for k, screen in enumerate(ordered):
        rows = [r for r in screen.rows if r.description and r.part != EVERYWHERE]
        title = screen.title + (" (this screen)" if screen.name == current else "")
        sections.append((title, rows, screen.help + ("\n" + screen.notes if screen.notes else "")))
        if k == 0:
            sections.append(("Every screen", [r for r in screen.rows if r.description and r.part == EVERYWHERE], ""))
    return sections


def _table(rows: Sequence[KeyRow], own_part: str) -> Table:
    """Keys, what they do, and the panel or table they belong to (blank for the view's own keys)."""
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column("key", style="bold", no_wrap=True, min_width=10)
    table.add_column("action", ratio=1)
    table.add_column("part", style="dim", no_wrap=True)
    for row in rows:
        table.add_row(row.shown, row.description, "" if row.part in (own_part, EVERYWHERE) else row.part)
    return table


class HelpScreen(ModalScreen[None]):
    """A searchable list of keys: type to filter, escape clears the filter then closes."""

    AUTO_FOCUS = "#help-filter"
    BINDINGS = [Binding("escape", "clear_or_close", "Clear filter / close", id="help.close")]

    def __init__(self, screens: Sequence[ScreenKeys], current: str) -> None:
        super().__init__()
        self._sections = help_sections(screens, current)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-body"):
            yield Static(Text("wit-tui keys — type to filter, escape clears / closes", style="bold"), id="help-title")
            yield Input(placeholder="filter: a key (c) or words (sort, counterfactual)", id="help-filter")
            with VerticalScroll(id="help-scroll"):
                for k, _section in enumerate(self._sections):
                    yield Static(id=f"help-section-{k}", classes="help-section")
                yield Static(id="help-details", classes="help-section")

    def on_mount(self) -> None:
        self._show("")

    @on(Input.Changed, "#help-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        """Each section keeps the rows that match; a section with none is hidden, notes only without a filter."""
        details: list[Text] = []
        for k, (title, rows, notes) in enumerate(self._sections):
            shown = [r for r in rows if matches(r, query)] if query.strip() else rows
            widget = self.query_one(f"#help-section-{k}", Static)
            widget.display = bool(shown)
            summary, _, more = notes.partition("\n")
            if len(more) > LONG_NOTES:  # long explanations go after every section's keys
                details.append(Text.assemble((f"{title}: how it works\n", "bold"), (more, "dim")))
                notes = summary
            parts: list = [Text(title, style="bold $accent")]
            if notes and not query.strip():
                parts.append(Text(notes, style="dim"))
            parts.append(_table(shown, title.split(" ", 1)[-1].removesuffix(" (this screen)")))
            widget.update(Group(*parts))
        extra = self.query_one("#help-details", Static)
        extra.display = bool(details) and not query.strip()
        extra.update(Group(*[d + Text("\n") for d in details]))

    def shown_rows(self) -> list[tuple[str, str]]:
        """(keys, description) of every row the filter lets through (what the user sees, in order)."""
        query = self.query_one("#help-filter", Input).value
        return [(r.shown, r.description) for _t, rows, _n in self._sections for r in rows if matches(r, query)]

    def action_clear_or_close(self) -> None:
        box = self.query_one("#help-filter", Input)
        if box.value:
            box.value = ""
        else:
            self.dismiss(None)


__all__ = ["HelpScreen", "help_sections", "matches"]
