"""A Static whose content is text, never markup.

Textual's Static reads a string as markup, and rich reads the strings inside a Table or Group the same way: a
feature called ``[/]`` raises MarkupError, ``weight [kg]`` is shown as ``weight``, and an escape sequence in a
value reaches the terminal. Every panel of the app shows data, so its content goes through
:func:`wit_tui.render.text.literal` on the way in.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from wit_tui.render.text import literal


class TextStatic(Static):
    """Static with literal, printable content (see the module docstring); otherwise the same API."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(literal(content), **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(literal(content), layout=layout)


__all__ = ["TextStatic"]
