"""Pick one value from a list, typing to narrow it: categories of a feature, sort columns, quick filters.

Up/down move, enter picks, escape cancels; typed text filters the list (case-insensitive substring).
Dismisses with the picked option's index in the original list, or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class PickerScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="picker.page_down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="picker.page_up"),
    ]

    def __init__(self, title: str, options: Sequence[str], current: int | None = None, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.current = current
        self.note = note
        self._shown: list[int] = list(range(len(self.options)))

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(self.title_text, id="picker-title")
            yield Input(placeholder="type to filter", id="picker-filter", compact=True)
            yield OptionList(id="picker-list")
            yield Static(self.note or "↑/↓ move · enter pick · esc cancel", id="picker-note")

    def on_mount(self) -> None:
        self._fill("")
        if self.current is not None and self.current in self._shown:
            self.query_one(OptionList).highlighted = self._shown.index(self.current)
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, text: str) -> None:
        needle = text.strip().lower()
        self._shown = [k for k, o in enumerate(self.options) if needle in o.lower()]
        ol = self.query_one(OptionList)
        ol.set_options([Option(self.options[k], id=str(k)) for k in self._shown])
        if self._shown:
            ol.highlighted = 0
        note = self.query_one("#picker-note", Static)
        if self._shown:
            note.update(self.note or "↑/↓ move · enter pick · esc cancel")
        else:  # e.g. a category the data never had: say so here, apply nothing
            note.update(
                f"[b red]Nothing matches {text.strip()!r}[/]: only the listed values can be picked "
                "(backspace widens the list, esc cancels)."
            )

    @on(Input.Changed, "#picker-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit(self, event: Input.Submitted) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is not None and self._shown:
            self.dismiss(self._shown[ol.highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))

    def action_move(self, delta: int) -> None:
        ol = self.query_one(OptionList)
        if not self._shown:
            return
        k = 0 if ol.highlighted is None else ol.highlighted
        ol.highlighted = max(0, min(len(self._shown) - 1, k + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)
