"""Derived results computed once per key, safely from several threads.

A session's derived results (sort orders, distance spaces, ground truths, threshold
indexes) are asked for from the UI thread and from workers at the same time. ``Memo``
makes the second caller of a key wait for the first one's computation instead of
repeating it, and lets the session forget results whose inputs changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

KeyMatch = Hashable | Callable[[Hashable], bool]


@dataclass
class _Pending:
    """One computation under way: waiters block on ``done`` until its owner has finished or failed."""

    owner: int
    done: threading.Event = field(default_factory=threading.Event)


class Memo:
    """A locked cache: ``get(key, compute)`` runs ``compute()`` at most once per key at a time.

    If ``compute`` raises, nothing is stored and the exception reaches its caller; a caller that was
    waiting for it then computes itself. A key discarded while it is being computed is not stored, so a
    result built from stale inputs never outlives the invalidation.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._pending: dict[Hashable, _Pending] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value stored under ``key``, computing (once) and storing it when there is none."""
        while True:
            with self._lock:
                if key in self._values:
                    return self._values[key]
                pending = self._pending.get(key)
                if pending is None:
                    mine = self._pending[key] = _Pending(threading.get_ident())
                    break
            if pending.owner == threading.get_ident():
                raise RuntimeError(f"Memo key {key!r} is computed recursively by its own compute().")
            pending.done.wait()
        try:
            value = compute()
        except BaseException:
            self._finish(key, mine, None, store=False)
            raise
        self._finish(key, mine, value, store=True)
        return value

    def _finish(self, key: Hashable, mine: _Pending, value: Any, *, store: bool) -> None:
        with self._lock:
            if self._pending.get(key) is mine:
                del self._pending[key]
                if store:
                    self._values[key] = value
        mine.done.set()

    def peek(self, key: Hashable, default: Any = None) -> Any:
        """The stored value of ``key`` without computing it (``default`` when there is none)."""
        with self._lock:
            return self._values.get(key, default)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._values

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def clear(self) -> None:
        """Forget every result (and let computations under way finish without storing theirs)."""
        with self._lock:
            self._values.clear()
            self._pending.clear()

    def discard(self, match: KeyMatch) -> int:
        """Forget the results whose key matches; returns how many were stored.

        ``match`` is a predicate over keys, or a prefix: a tuple matches the tuple keys that start with it,
        anything else matches the key equal to it and the tuple keys whose first element it is.
        """
        test = match if callable(match) else _prefix_test(match)
        with self._lock:
            gone = [k for k in self._values if test(k)]
            for k in gone:
                del self._values[k]
            for k in [k for k in self._pending if test(k)]:
                del self._pending[k]
        return len(gone)


def _prefix_test(prefix: Hashable) -> Callable[[Hashable], bool]:
    if isinstance(prefix, tuple):
        n = len(prefix)
        return lambda key: isinstance(key, tuple) and key[:n] == prefix
    return lambda key: key == prefix or (isinstance(key, tuple) and len(key) > 0 and key[0] == prefix)


__all__ = ["Memo"]
