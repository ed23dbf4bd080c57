"""A yes/no question (y / n / escape) for actions that could lose work."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wit_tui.render.text import safe


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Cancel", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(safe(self.question, lines=True), id="confirm-question")
            yield Static("[b]y[/] yes   [b]n[/] no", id="confirm-keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
