"""What a Session tells its subscribers: typed events, with no knowledge of who listens (the app, the autosave).

A subscriber is called on the thread that made the change (scores arrive from a
worker); it must be quick and thread-safe — the app only forwards each event as a
Textual message, the autosave writes one small file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OverlayChanged:
    """Edited or added datapoints changed.

    ``ids`` are the datapoints whose values, scores or history changed (empty when
    only the saved state did). ``renumbered`` is True when ids moved (an added
    point was deleted) or the whole overlay was replaced (a restore): every id may
    mean another point now, so anything keyed by id must be rebuilt.
    """

    ids: tuple[int, ...]
    renumbered: bool = False


@dataclass(frozen=True)
class ScoresReady:
    """Model ``model`` has scored every loaded row (its scores are cached from now on)."""

    model: int


SessionEvent = OverlayChanged | ScoresReady
Subscriber = Callable[[SessionEvent], None]

__all__ = ["OverlayChanged", "ScoresReady", "SessionEvent", "Subscriber"]
