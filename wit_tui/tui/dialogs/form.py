"""A keyboard-only form: fill a few fields, checked by the engine before the dialog closes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wit_tui.engine.core.errors import WitError
from wit_tui.render.text import safe
from wit_tui.tui.dialogs.style import DIALOG_CSS


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    value: str = ""


class FormScreen(ModalScreen[Any]):
    """A few text fields; enter in any field submits. ``check(values)`` returns the result or raises WitError,
    whose message is shown in the form (which stays open) so bad input is never silently accepted."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(
        self, title: str, fields: Sequence[FormField], check: Callable[[dict[str, str]], Any], note: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.check = check
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text, lines=True), classes="dialog-title")
            yield Static("", id="form-error", classes="dialog-error")
            if self.note:
                yield Static(safe(self.note, lines=True))
            for f in self.fields:
                yield Label(safe(f.label), classes="form-label")
                yield Input(f.value, id=f"form-{f.key}", compact=True)
            yield Static("enter run · tab next field · escape cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(f"#form-{self.fields[0].key}", Input).focus()

    @on(Input.Submitted)
    def _submit(self, _event: Input.Submitted) -> None:
        values = {f.key: self.query_one(f"#form-{f.key}", Input).value for f in self.fields}
        try:
            result = self.check(values)
        except WitError as exc:
            self.query_one("#form-error", Static).update(safe(f"{exc.message} {exc.hint}".strip(), lines=True))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["FormField", "FormScreen"]
