"""Autosave at start-up: who holds these files' lock, whether an earlier run's autosave is restored, and saying when
autosave fails or works again. The app holds the state (``autosaver``, ``autosave_lock``, ``read_only``); this
module asks the questions (every toast waits while a question is open: the app holds toasts under any dialog).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from textual.notifications import SeverityLevel
from textual.screen import Screen

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session import autosave, autosave_lock
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.other_instance import Choice, OtherInstanceScreen


class AutosaveHost(Protocol):
    """What the start-up questions read and set on the app."""

    session: Session
    autosaver: autosave.Autosaver | None
    autosave_lock: autosave_lock.AutosaveLock | None
    read_only: bool
    sub_title: str

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def push_screen(self, screen: Screen, callback: Any = None) -> Any: ...


def start_autosave(app: AutosaveHost) -> None:
    """Offer the autosave of an earlier run on the same files, then keep autosaving every change."""
    path = autosave.autosave_path(app.session)
    if path is None:
        return
    if app.autosave_lock is None and not lock_autosave(app, path):
        return  # another instance edits these files: its question decides, then carries on
    stale = autosave.stale_notice(app.session, path)  # made on other bytes at these paths: kept, said once
    try:
        snapshot = autosave.find(app.session)
    except WitError as exc:
        set_aside(app, path, exc)
        return
    if snapshot is None:
        if stale:
            app.notify(stale, title="Autosave", severity="warning", timeout=15)
        attach_autosave(app, path)
        return

    def answer(ok: bool | None) -> None:
        if ok:
            try:
                n = autosave.restore(app.session, snapshot)
            except WitError as exc:
                set_aside(app, path, exc)  # and a fresh autosave from here on: the next edits are kept
            else:
                app.notify(f"Restored {n} edited/added datapoint(s).", title="Autosave")
                attach_autosave(app, path)
        else:
            try:
                aside = autosave.discard(snapshot)
            except WitError as exc:  # it could not be moved: autosave stays off so as not to overwrite it
                app.notify(f"{exc.message} {exc.hint}", title="Autosave", severity="error", timeout=15)
            else:
                app.notify(f"Not restored; the autosave was kept as {aside}.", title="Autosave", timeout=10)
                attach_autosave(app, path)

    question = (
        f"wit-tui was closed with unsaved work on these files: {snapshot.describe()}.\n"
        "Restore it?  (n sets it aside, it is not deleted)"
    )
    app.push_screen(ConfirmScreen(question), answer)  # first: toasts raised from here on wait for the answer
    if stale:
        app.notify(stale, title="Autosave", severity="warning", timeout=15)


def set_aside(app: AutosaveHost, path: Path, exc: WitError) -> None:
    """An autosave that cannot be restored: set aside with one message, never offered again; a fresh one starts."""
    aside = autosave.reject(path)
    if aside is None:
        text = f"{exc.message} It cannot be moved aside; autosave is off for this run."
        app.notify(text, title="Autosave", severity="warning", timeout=15)
        return
    app.notify(f"{exc.message} Not restored; it was moved to {aside}.", title="Autosave", severity="warning")
    attach_autosave(app, path)


def attach_autosave(app: AutosaveHost, path: Path) -> None:
    app.autosaver = autosave.Autosaver(app.session, path).attach()


def lock_autosave(app: AutosaveHost, path: Path) -> bool:
    """Hold the lock of these files' autosave; False when another live instance holds it (then it asks)."""
    lock = autosave_lock.AutosaveLock(path)
    try:
        owner = lock.acquire()
        second = None if owner is None else autosave_lock.free_second(path)
    except OSError:
        return True  # a folder that cannot be written: the autosave's own warning says so at the first edit
    if owner is None:
        app.autosave_lock = lock
        return True

    def answer(choice: Choice | None) -> None:
        if choice == "take-over" and lock.take_over():
            app.autosave_lock = lock
            start_autosave(app)  # as after a crash: its autosave, if any, is offered
        elif choice == "second" and second is not None:
            app.autosave_lock = second
            attach_autosave(app, second.autosave)
            app.notify(f"Autosaving to {second.autosave}; the other instance's autosave is left alone.")
        else:
            app.read_only = True
            app.sub_title = f"{app.sub_title} · read-only: no autosave"
            text = f"Read-only: another wit-tui ({owner.describe()}) edits these files; edits here are not"
            app.notify(f"{text} autosaved (ctrl+s saves them to CSV).", severity="warning", timeout=15)
        if second is not None and app.autosave_lock is not second:
            second.release()

    name = "none free" if second is None else second.autosave.name
    app.push_screen(OtherInstanceScreen(owner, name), answer)
    return False


def close_autosave(app: AutosaveHost) -> None:
    """At exit: a clean exit with everything saved leaves nothing to offer; a second autosave is promoted to be
    offered next time; only our own lock is released."""
    saver = app.autosaver
    if saver is not None:
        saver.detach()
        primary = autosave.autosave_path(app.session)
        if not app.session.has_unsaved_edits:
            saver.path.unlink(missing_ok=True)
        elif primary is not None and saver.path != primary:
            autosave_lock.promote(saver.path, primary)
    if app.autosave_lock is not None:
        app.autosave_lock.release()


class FailureNotice:
    """Says once that autosave fails (a full disk must not turn every keystroke into an alert), and once that it
    works again."""

    def __init__(self) -> None:
        self.shown = False

    def check(self, app: AutosaveHost) -> None:
        saver = app.autosaver
        if saver is not None and saver.error is None and self.shown:
            self.shown = False  # it works again: a new failure is told again
            app.notify("Autosave works again; every edit is kept.", title="Autosave")
        if saver is not None and saver.error is not None and not self.shown:
            self.shown = True
            text = f"Autosave failed: {saver.error.message} Edits are kept in memory; ctrl+s saves them to CSV."
            app.notify(text, title="Autosave", severity="warning", timeout=15)


__all__ = [
    "AutosaveHost",
    "FailureNotice",
    "attach_autosave",
    "close_autosave",
    "lock_autosave",
    "set_aside",
    "start_autosave",
]
