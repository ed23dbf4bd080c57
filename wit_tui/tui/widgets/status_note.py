"""A one-line note that fades: what just happened, or why a key did nothing, never left on screen for minutes."""

from __future__ import annotations

from typing import Any

from textual.timer import Timer

from wit_tui.tui.widgets.text_static import TextStatic

#: how long a note stays; long enough to read a sentence, short enough not to be mistaken for current state
NOTE_SECONDS = 6.0


class StatusNote(TextStatic):
    """The view's note line. ``show`` replaces the note and clears it after ``seconds``; the same text shown again
    restarts its clock (a key pressed twice is still answered) without flicker."""

    DEFAULT_CSS = """
    StatusNote { height: auto; max-height: 2; color: $text-muted; }
    StatusNote.-empty { display: none; }
    """

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.text = ""
        self._timer: Timer | None = None
        self.set_class(True, "-empty")

    def show(self, text: str, seconds: float | None = NOTE_SECONDS) -> None:
        """Show ``text`` (literal) for ``seconds`` (None: until replaced or cleared)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.text = text
        self.update(text)
        self.set_class(not text, "-empty")
        if text and seconds is not None:
            self._timer = self.set_timer(seconds, self.clear)

    def clear(self) -> None:
        self._timer = None
        self.text = ""
        self.update("")
        self.set_class(True, "-empty")


__all__ = ["NOTE_SECONDS", "StatusNote"]
