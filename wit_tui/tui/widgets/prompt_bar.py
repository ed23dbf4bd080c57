"""A one-line command prompt docked under a view (filter, jump, edit a value, save path), vim style.

The owner opens it with :meth:`PromptBar.ask`, handles :class:`PromptBar.Submitted`
and either calls :meth:`close` or :meth:`error` (the message shows inline
under the input and the text stays, so nothing is lost and nothing applied).
Escape cancels and posts :class:`PromptBar.Cancelled`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from wit_tui.render.text import literal


class PromptBar(Vertical):
    """``label [input]`` plus a message line; hidden until :meth:`ask`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    class Submitted(Message):
        def __init__(self, prompt: PromptBar, mode: str, value: str) -> None:
            super().__init__()
            self.prompt, self.mode, self.value = prompt, mode, value

        @property
        def control(self) -> PromptBar:
            return self.prompt

    class Cancelled(Message):
        def __init__(self, prompt: PromptBar, mode: str) -> None:
            super().__init__()
            self.prompt, self.mode = prompt, mode

        @property
        def control(self) -> PromptBar:
            return self.prompt

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mode = ""
        self._return_to: Widget | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="prompt-line"):
            yield Label("", classes="prompt-label")
            yield Input(classes="prompt-input", compact=True, select_on_focus=True)
        yield Static("", classes="prompt-message")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def ask(self, mode: str, label: str, value: str = "", hint: str = "", placeholder: str = "") -> None:
        """Show the prompt with ``label`` and a pre-filled ``value``; focus the input."""
        if not self.is_open:
            self._return_to = self.app.focused
        self.mode = mode
        self.query_one(".prompt-label", Label).update(literal(label))
        self.input.placeholder = placeholder
        self.input.value = value
        self.input.cursor_position = len(value)
        msg = self.query_one(".prompt-message", Static)
        msg.update(literal(hint))
        msg.set_class(False, "error")
        self.display = True
        self.input.focus()

    def error(self, text: str) -> None:
        """Keep the prompt open and say what is wrong, inline."""
        msg = self.query_one(".prompt-message", Static)
        msg.update(literal(text))
        msg.set_class(True, "error")
        self.input.focus()

    def close(self) -> None:
        """Hide the prompt and give the focus back to where it was when it opened."""
        self.display = False
        self.mode = ""
        back, self._return_to = self._return_to, None
        if back is not None and back.is_mounted and back.display:
            back.focus()

    @property
    def is_open(self) -> bool:
        return bool(self.display)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, self.mode, event.value))

    def action_cancel(self) -> None:
        mode = self.mode
        self.close()
        self.post_message(self.Cancelled(self, mode))
