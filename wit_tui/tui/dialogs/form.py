"""Small keyboard-only dialogs: pick one of a list, or fill a few fields (checked by the engine before closing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wit_tui.engine.core.errors import WitError

DIALOG_CSS = """
ChoiceScreen, FormScreen {
    align: center middle;
}
.dialog {
    width: 90%;
    max-width: 76;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
.dialog-title {
    text-style: bold;
    margin-bottom: 1;
}
.dialog-keys {
    color: $text-muted;
    margin-top: 1;
}
.dialog-error {
    color: $error;
    height: auto;
}
.dialog OptionList {
    height: auto;
    max-height: 14;
}
.dialog .form-label {
    margin-top: 1;
}
.dialog Input {
    background: $boost;
}
"""


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one option with ↑/↓ and enter; escape returns None."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(
        self, title: str, options: Sequence[tuple[str, str]], note: str = "", current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)  # (id, text)
        self.note = note
        if current is None:  # the option marked ● is the current one: open there, so enter changes nothing
            current = next((key for key, text in self.options if text.startswith("●")), None)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="dialog-title")
            if self.note:
                yield Static(Text(self.note))
            yield OptionList(*[Option(Text(text), id=key) for key, text in self.options], id="choice-list")
            yield Static("↑/↓ choose · enter select · escape cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [key for key, _ in self.options]
        if self.current in keys:
            options.highlighted = keys.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static("", id="form-error", classes="dialog-error")
            if self.note:
                yield Static(Text(self.note))
            for f in self.fields:
                yield Label(Text(f.label), classes="form-label")
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
            self.query_one("#form-error", Static).update(Text(f"{exc.message} {exc.hint}".strip()))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["ChoiceScreen", "FormField", "FormScreen"]
