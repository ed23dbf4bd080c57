"""The one error type the engine raises for bad input.

Every problem a user can cause (a missing file, an unknown column, an untrusted
pickle) becomes a :class:`WitError` with one sentence saying what is wrong and
one saying how to fix it. The CLI prints it and exits with code 2; the app
shows it in a notification. Anything else escaping the engine is a bug.
"""

from __future__ import annotations


class WitError(Exception):
    """Bad input, explained: ``message`` says what is wrong, ``hint`` how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()
