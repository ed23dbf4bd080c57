"""Pick one of a list: categories, sort columns, quick filters, strategies, slicing features — one dialog for all.

Up/down move, enter picks, escape cancels. Long lists (and any list asked with ``typeahead=True``) have a filter
line: typed text narrows the list (case-insensitive substring). Options are either plain strings — the dialog then
dismisses with the picked option's index in the original list — or ``(key, text)`` pairs, dismissed with the key.
None means cancelled.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wit_tui.render.text import quoted, safe
from wit_tui.tui.dialogs.style import DIALOG_CSS

KEYS_NOTE = "↑/↓ move · enter pick · esc cancel"
CURRENT_MARK = "●"  # an option text starting with it is the current choice: the dialog opens there


class PickScreen(ModalScreen[Any]):
    """One value from a list; see the module docstring for what it returns."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="pick.down"),
        Binding("up", "move(-1)", "Up", show=False, id="pick.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="pick.page_down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="pick.page_up"),
    ]

    def __init__(
        self,
        title: str,
        options: Sequence[str] | Sequence[tuple[Hashable, str]],
        current: Hashable | None = None,
        note: str = "",
        *,
        typeahead: bool | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        pairs = [o if isinstance(o, tuple) else (k, o) for k, o in enumerate(options)]
        self.keys: list[Hashable] = [key for key, _ in pairs]
        self.texts: list[str] = [str(text) for _, text in pairs]
        if current is None:
            current = next((key for key, text in pairs if str(text).startswith(CURRENT_MARK)), None)
        self.current = current
        self.note = note
        # plain-string lists are values to search (categories, columns); short (key, text) menus are not
        self.typeahead = typeahead if typeahead is not None else not all(isinstance(o, tuple) for o in options)
        self._shown: list[int] = list(range(len(pairs)))
        # each option's id is its key where the keys are distinct strings (as a menu's are), else its position
        named = all(isinstance(k, str) for k in self.keys) and len(set(self.keys)) == len(self.keys)
        self._ids: list[str] = [str(k) for k in self.keys] if named else [str(k) for k in range(len(self.keys))]

    @property
    def highlighted_key(self) -> Hashable | None:
        """The key enter would pick now (None when nothing is listed)."""
        k = self.query_one(OptionList).highlighted
        return None if k is None or k >= len(self._shown) else self.keys[self._shown[k]]

    @property
    def _keys_note(self) -> Text:
        """A search list's note says how to use it, in place of the default keys line."""
        return safe(self.note if self.note and self.typeahead else KEYS_NOTE, lines=True)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text, lines=True), classes="dialog-title")
            if self.note and not self.typeahead:  # a menu's note explains the choice, above it
                yield Static(safe(self.note, lines=True))
            if self.typeahead:
                yield Input(placeholder="type to filter", id="pick-filter", compact=True)
            yield OptionList(id="pick-list")
            yield Static(self._keys_note, id="pick-note", classes="dialog-keys")

    def on_mount(self) -> None:
        self._fill("")
        if self.current in self.keys and self.keys.index(self.current) in self._shown:
            self.query_one(OptionList).highlighted = self._shown.index(self.keys.index(self.current))
        if self.typeahead:
            self.query_one("#pick-filter", Input).focus()
        else:
            self.query_one(OptionList).focus()

    def _fill(self, text: str) -> None:
        needle = text.strip().lower()
        self._shown = [k for k, o in enumerate(self.texts) if needle in o.lower()]
        options = self.query_one(OptionList)
        options.set_options([Option(safe(self.texts[k]), id=self._ids[k]) for k in self._shown])
        if self._shown:
            options.highlighted = 0
        note = self.query_one("#pick-note", Static)
        if self._shown:
            note.update(self._keys_note)
        else:  # e.g. a category the data never had: say so here, apply nothing
            note.update(
                Text.assemble(
                    ("Nothing matches ", "bold red"),
                    (quoted(text.strip()), "bold red"),
                    ": only the listed values can be picked (backspace widens the list, esc cancels).",
                )
            )

    @on(Input.Changed, "#pick-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#pick-filter")
    def _submit(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and self._shown:
            self.dismiss(self.keys[self._shown[options.highlighted]])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.keys[self._ids.index(event.option.id or "")])

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self._shown:
            return
        k = 0 if options.highlighted is None else options.highlighted
        options.highlighted = max(0, min(len(self._shown) - 1, k + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)
