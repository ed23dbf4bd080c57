"""Is another wit-tui editing these files? A lock beside the autosave says who, so two never overwrite each other.

Two instances on the same files would write the same autosave (the last writer wins) and the first clean quit
would delete the other's unsaved edits. So the instance that autosaves holds ``<autosave>.lock``: a small JSON
file (host, pid, process start marker, when, a token of the instance) created only if none exists — the file
is written whole under a temporary name and hard-linked into place, which is atomic even on NFS, where home
folders often live.

Whether its owner still runs is decided as a swap file's is: on this host, the pid must exist *and* have the
start marker it had when it took the lock (a pid reused by another program is not the owner); in this very
process, the instance must still be open. On another host nothing can be asked, so that owner counts as alive
until the user says otherwise. A dead owner's lock is taken over (its autosave is then offered as after a crash);
a live owner's is left alone: the caller offers read-only or a second autosave. Only the owner removes its lock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from wit_tui.engine.session.autosave_identity import local_time
from wit_tui.engine.session.autosave_journal import move_journal

LOCK_VERSION = 1
OwnerState = Literal["ours", "alive", "dead", "other-host"]

#: tokens of the locks this process holds now: a lock with our pid but another token is another open instance
_OPEN_HERE: set[str] = set()


def lock_path(autosave: Path) -> Path:
    """The lock of an autosave file: beside it, ``<name>.lock``."""
    return autosave.with_name(autosave.name + ".lock")


def second_path(autosave: Path, n: int = 2) -> Path:
    """The n-th autosave of the same files (``<key>.2.json``), for an instance that runs beside the owner."""
    return autosave.with_name(f"{autosave.stem}.{n}{autosave.suffix}")


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return None


def process_started(pid: int) -> str | None:
    """When process ``pid`` started, as a marker that differs for a later process given the same pid.

    Read from ``/proc/<pid>/stat`` (its start time in clock ticks since boot, with the boot's id); None where
    there is no ``/proc`` or no such process.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        ticks = stat[stat.rindex(")") + 2 :].split()[19]  # field 22; the name in (...) may hold spaces
    except (OSError, ValueError, IndexError):
        return None
    return f"linux:{_boot_id()}:{ticks}"


@dataclass(frozen=True)
class LockOwner:
    """Who holds a lock: enough to tell whether it still runs, and to tell the user who it is."""

    host: str
    pid: int
    started: str  # process_started() where known, else "wall:<time it took the lock>"
    since: str  # ISO time it took the lock, for the user
    token: str  # this instance among others of the same process
    version: int = LOCK_VERSION

    @classmethod
    def this_instance(cls) -> LockOwner:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        pid = os.getpid()
        return cls(socket.gethostname(), pid, process_started(pid) or f"wall:{now}", now, secrets.token_hex(8))

    def describe(self) -> str:
        """``pid P on host H, since T`` (local time)."""
        when = local_time(self.since)
        return f"pid {self.pid} on host {self.host}, since {when}"


def read_owner(lock: Path) -> LockOwner | None:
    """The owner named in a lock file; None when there is none. Raises ValueError for a file that is no lock."""
    try:
        text = lock.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"cannot read {lock}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
        return LockOwner(
            host=str(data["host"]),
            pid=int(data["pid"]),
            started=str(data["started"]),
            since=str(data.get("since", "")),
            token=str(data.get("token", "")),
            version=int(data.get("version", LOCK_VERSION)),
        )
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ValueError(f"{lock} is not a lock of wit-tui") from exc


def _pid_exists(pid: int) -> bool:
    if pid <= 0:
        return False  # 0 and negatives name process groups, never an owner
    if os.name == "nt":  # signal 0 would end the process there: cannot ask, so it may be alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's live process, or one we cannot ask about
    return True


def owner_state(owner: LockOwner, mine: LockOwner | None = None) -> OwnerState:
    """Whether a lock's owner is this instance, another live one, gone, or on a host we cannot ask."""
    if mine is not None and owner.token == mine.token and owner.host == mine.host and owner.pid == mine.pid:
        return "ours"
    if owner.host != socket.gethostname():
        return "other-host"
    if owner.pid == os.getpid():
        return "alive" if owner.token in _OPEN_HERE else "dead"  # this process knows its own open instances
    if not _pid_exists(owner.pid):
        return "dead"
    now = process_started(owner.pid)
    if owner.started.startswith("linux:") and now is not None and now != owner.started:
        return "dead"  # the pid was given to a later process
    return "alive"


class AutosaveLock:
    """This instance's claim on one autosave file: :meth:`acquire`, then :meth:`release` at a clean quit."""

    def __init__(self, autosave: Path) -> None:
        self.autosave = autosave
        self.path = lock_path(autosave)
        self.me = LockOwner.this_instance()
        #: the dead owner whose lock was taken over by the last acquire, if any (its autosave is a crash's)
        self.took_over: LockOwner | None = None

    @property
    def held(self) -> bool:
        return self.me.token in _OPEN_HERE

    def acquire(self) -> LockOwner | None:
        """Take the lock; returns None when this instance holds it now, else the live (or other-host) owner.

        A lock whose owner is gone, or a file that is no lock, is taken over. Raises OSError when the folder
        cannot be written (then no instance can autosave there anyway) or the lock keeps changing hands.
        """
        self.took_over = None
        for _attempt in range(3):  # a lock removed between our create and our read: try again
            if self._create():
                return None
            try:
                owner = read_owner(self.path)
            except ValueError:  # a file that is no lock (a write cut short): nobody holds it
                owner = None
                state: OwnerState = "dead"
            else:
                if owner is None:
                    continue
                state = owner_state(owner, self.me)
            if state == "ours":
                _OPEN_HERE.add(self.me.token)
                return None
            if state != "dead":
                return owner
            if self.take_over():
                self.took_over = owner
                return None
        raise OSError(f"The lock {self.path} keeps changing hands.")

    def take_over(self) -> bool:
        """Hold the lock whoever holds it now (the user knows that owner is gone); False when another won the race."""
        tmp = self._write_temp()
        try:
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        if not self._mine():
            return False
        _OPEN_HERE.add(self.me.token)
        return True

    def release(self) -> bool:
        """Remove the lock if this instance holds it (never another's); True when it was removed."""
        _OPEN_HERE.discard(self.me.token)
        if not self._mine():
            return False
        self.path.unlink(missing_ok=True)
        return True

    def _mine(self) -> bool:
        """Whether the lock file on disk names this instance (an unreadable one names nobody)."""
        try:
            owner = read_owner(self.path)
        except ValueError:
            return False
        return owner is not None and owner.token == self.me.token

    def _write_temp(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{self.me.token}.tmp")  # removed if we die
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(self.me), f)
        return tmp

    def _create(self) -> bool:
        """Create the lock whole, only if there is none: True when this instance holds it now."""
        tmp = self._write_temp()
        try:
            os.link(tmp, self.path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: create in place (exclusive, then written)
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(self.me), f)
        finally:
            tmp.unlink(missing_ok=True)
        _OPEN_HERE.add(self.me.token)
        return True


def free_second(autosave: Path, most: int = 9) -> AutosaveLock | None:
    """A held lock on the first second autosave (``<key>.2.json``, ``.3``, …) that is free and has no file yet.

    One that exists is a crashed second instance's: it is left alone, never overwritten. None when all are taken.
    """
    for n in range(2, most + 1):
        candidate = AutosaveLock(second_path(autosave, n))
        if candidate.autosave.exists() or candidate.acquire() is not None:
            continue
        if candidate.autosave.exists():  # written between the check and the lock
            candidate.release()
            continue
        return candidate
    return None


def promote(second: Path, primary: Path) -> bool:
    """Move a second autosave into the first one's place when that one is free, so the next start offers it.

    True when moved; False (nothing changed) while the first is locked by a live instance or holds its own edits.
    """
    lock = AutosaveLock(primary)
    try:
        if lock.acquire() is not None:
            return False
        if primary.exists():
            return False
        os.replace(second, primary)
        move_journal(second, primary)  # its later changes go with it
        return True
    except OSError:
        return False
    finally:
        lock.release()


__all__ = [
    "LOCK_VERSION",
    "AutosaveLock",
    "LockOwner",
    "OwnerState",
    "lock_path",
    "owner_state",
    "free_second",
    "process_started",
    "promote",
    "read_owner",
    "second_path",
]
