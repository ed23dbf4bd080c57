"""Another wit-tui edits these files: run read-only, on a second autosave, or take the lock over.

Asked at start-up, before any restore question, when the lock beside the autosave has a live owner (or one on
another host, which cannot be asked). Escape means read-only: the choice that can never overwrite anything.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wit_tui.engine.session.autosave_lock import LockOwner
from wit_tui.render.text import safe

Choice = Literal["read-only", "second", "take-over"]


class OtherInstanceScreen(ModalScreen[Choice]):
    """r / s / t, see the module docstring; dismissed with the choice."""

    DEFAULT_CSS = """
    OtherInstanceScreen {
        align: center middle;
    }
    OtherInstanceScreen #confirm-box {
        width: 76;
    }
    """
    BINDINGS = [
        Binding("r", "answer('read-only')", "Read-only", id="lock.read_only"),
        Binding("s", "answer('second')", "Second autosave", id="lock.second"),
        Binding("t", "answer('take-over')", "Take over", id="lock.take_over"),
        Binding("escape", "answer('read-only')", "Read-only", show=False, id="lock.cancel"),
    ]

    def __init__(self, owner: LockOwner, second_name: str) -> None:
        super().__init__()
        self.owner = owner
        self.question = (
            f"Another wit-tui ({owner.describe()}) is editing these files.\n\n"
            "r  read-only: no autosave here\n"
            f"s  second autosave ({second_name})\n"
            "t  take over (only if you know it is gone)"
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(safe(self.question, lines=True), id="confirm-question")
            yield Static("[b]r[/] read-only   [b]s[/] second autosave   [b]t[/] take over", id="confirm-keys")

    def action_answer(self, choice: Choice) -> None:
        self.dismiss(choice)


__all__ = ["Choice", "OtherInstanceScreen"]
