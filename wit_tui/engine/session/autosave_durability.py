"""Does the autosave survive a power cut? Yes: it is fsynced (throttled) and its previous copy is kept.

A rename survives a killed process, but after a power cut the file system may
show the new name with no bytes behind it: an empty autosave, the whole session
lost. So the autosave is written durably (the file and its folder fsynced) — at
most once a second while the user types, since an fsync can take tens of
milliseconds and an edit must stay fast, and always on quit. Before each write
the file it replaces is kept as ``<name>.prev`` (a hard link, so it costs no
copy): if the autosave is empty or unreadable at the next start, the previous
copy is restored from, and the bad one is set aside.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

DURABLE_EVERY = 1.0  # seconds between durable writes while editing


def previous_path(path: Path) -> Path:
    """Where the copy of the autosave before the last write is kept."""
    return path.with_name(f"{path.name}.prev")


def keep_previous(path: Path) -> None:
    """Keep the autosave about to be replaced as ``<name>.prev``; drop a ``.prev`` left from an earlier session.

    An empty file is not kept (it is what a power cut leaves, never a state worth
    going back to). A failure is ignored: the previous copy is a second line of
    defence, never a reason for an edit to fail.
    """
    prev = previous_path(path)
    try:
        if not path.is_file():
            prev.unlink(missing_ok=True)  # it belongs to an autosave that is gone (restored, declined, all reverted)
            return
        if path.stat().st_size == 0:
            return
        tmp = path.with_name(f".{prev.name}.{os.getpid()}.link.tmp")  # the name remove_stale_temps knows
        tmp.unlink(missing_ok=True)
        try:
            os.link(path, tmp)
        except OSError:  # a file system without hard links: a copy does the same
            shutil.copy2(path, tmp)
        try:
            os.replace(tmp, prev)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        return


def drop_previous(path: Path) -> None:
    """Remove the previous copy of an autosave that was set aside or removed (it must not come back later)."""
    try:
        previous_path(path).unlink(missing_ok=True)
    except OSError:
        pass


def has_previous(path: Path) -> bool:
    """Is there a non-empty previous copy to go back to?"""
    try:
        return previous_path(path).stat().st_size > 0
    except OSError:
        return False


def take_previous(path: Path) -> bool:
    """Put the previous copy back in place of the autosave; False when there is none."""
    if not has_previous(path):
        return False
    try:
        os.replace(previous_path(path), path)
    except OSError:
        return False
    return True


class Throttle:
    """Says when the next write should be durable: the first one, then at most once every ``every`` seconds."""

    def __init__(self, every: float = DURABLE_EVERY, clock: Callable[[], float] | None = None) -> None:
        self.every = every
        self.clock = clock or time.monotonic
        self._last: float | None = None

    def due(self) -> bool:
        return self._last is None or self.clock() - self._last >= self.every

    def done(self) -> None:
        """A durable write has just finished."""
        self._last = self.clock()


__all__ = [
    "DURABLE_EVERY",
    "Throttle",
    "drop_previous",
    "has_previous",
    "keep_previous",
    "previous_path",
    "take_previous",
]
