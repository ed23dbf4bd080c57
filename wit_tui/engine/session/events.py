"""What a Session tells its subscribers: typed events, with no knowledge of who listens (the app, the autosave).

A subscriber is called on the thread that made the change (scores arrive from a
worker); it must be quick and thread-safe — the app only forwards each event as a
Textual message, the autosave writes one small file.
"""

from __future__ import annotations

import threading
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


class EventSource:
    """Subscribe, unsubscribe and emit, safe from any thread (the Session is one)."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._subscribers_lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with every event from now on; returns the call that stops it."""
        with self._subscribers_lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._subscribers_lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def emit(self, event: SessionEvent) -> None:
        """Tell every subscriber, on this thread (engine code that changes the session calls it)."""
        with self._subscribers_lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(event)


__all__ = ["EventSource", "OverlayChanged", "ScoresReady", "SessionEvent", "Subscriber"]
