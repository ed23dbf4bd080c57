"""Tick any number of a list: the counterfactual distance's features (and any later many-of-a-list choice).

Space ticks or unticks the highlighted item, enter applies, escape cancels; ``a`` ticks every item and ``d``
goes back to the default ticks the dialog was given. It dismisses with the ticked keys in list order (None:
cancelled); applying with nothing ticked is refused in the dialog, since "none" is never a choice here.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from wit_tui.render.text import safe
from wit_tui.tui.dialogs.style import DIALOG_CSS

KEYS_NOTE = "space tick/untick · enter apply · a all · d default · esc cancel"

CHECKLIST_CSS = (
    DIALOG_CSS
    + """
ChecklistScreen {
    align: center middle;
}
.dialog SelectionList {
    height: auto;
    max-height: 16;
}
"""
)


class ChecklistScreen(ModalScreen[Any]):
    """Many of a list; see the module docstring for what it returns."""

    DEFAULT_CSS = CHECKLIST_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="checklist.cancel"),
        Binding("enter", "apply", "Apply", priority=True, id="checklist.apply"),
        Binding("a", "tick_all", "Tick all", id="checklist.all"),
        Binding("d", "tick_default", "Default", id="checklist.default"),
    ]

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[Hashable, str]],
        ticked: Sequence[Hashable],
        default: Sequence[Hashable],
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.ticked = set(ticked)
        self.default = set(default)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text, lines=True), classes="dialog-title")
            if self.note:
                yield Static(safe(self.note, lines=True))
            yield SelectionList[Any](
                *(Selection(safe(text), k, key in self.ticked) for k, (key, text) in enumerate(self.options)),
                id="checklist-list",
            )
            yield Static(Text(KEYS_NOTE), id="checklist-note", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @property
    def chosen(self) -> list[Hashable]:
        """The ticked keys, in list order."""
        picked = set(self.query_one(SelectionList).selected)
        return [key for k, (key, _) in enumerate(self.options) if k in picked]

    def _tick(self, keys: set[Hashable]) -> None:
        listing = self.query_one(SelectionList)
        listing.deselect_all()
        for k, (key, _) in enumerate(self.options):
            if key in keys:
                listing.select(k)

    def action_tick_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_tick_default(self) -> None:
        self._tick(self.default)

    def action_apply(self) -> None:
        chosen = self.chosen
        if not chosen:
            self.query_one("#checklist-note", Static).update(
                Text("Tick at least one (space), or esc to cancel.", style="bold red")
            )
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["ChecklistScreen"]
