"""Do the user's edits survive a dropped SSH link? Yes: every change is written to an autosave file.

The overlay — edits, added points, where each came from, and the history of
runs — is written as JSON, atomically, to

    <user data dir>/wit-tui/autosave/<key>.json      (WIT_TUI_DATA_DIR overrides the folder)

``platformdirs.user_data_dir`` gives the folder (``~/.local/share/wit-tui`` on
Linux). ``<key>`` is a hash of what the edits belong to: the data file (its
resolved path and its content hash), each model file (the same), the label, the
feature columns, the positive class and the model names; for a demo, its name,
the recipe version and the sklearn version (see autosave_identity.py). The same
command on the same bytes finds the autosave again, whatever their mtime; a
changed data file does not (its row ids might no longer mean the same rows), and
an autosave left for the changed file is named once at start, never deleted.

A process killed at any moment leaves the previous autosave or the new one,
never half of one, so at most the change being made is lost; a power cut is
covered by fsync (throttled) and the previous copy (see autosave_durability.py). After that snapshot
each change (an edit, a revert, an added, duplicated or deleted point) appends one line to its journal,
compacted into the snapshot now and then (autosave_journal.py). When the overlay is
empty again (everything reverted) the file is removed. Declining a restore
keeps the file as ``<key>.discarded.json`` (the last one declined), so even that
is recoverable by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wit_tui.engine.core.atomic import atomic_write, remove_stale_temps
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.inference import score_dicts
from wit_tui.engine.data.scoring import Scores
from wit_tui.engine.session.autosave_contents import contents
from wit_tui.engine.session.autosave_durability import (
    Throttle,
    drop_previous,
    has_previous,
    keep_previous,
    take_previous,
)
from wit_tui.engine.session.autosave_identity import file_hashes, local_time, migrate
from wit_tui.engine.session.autosave_identity import session_key as session_key
from wit_tui.engine.session.autosave_identity import stale_notice as stale_notice
from wit_tui.engine.session.autosave_journal import (
    Journal,
    compact_due,
    entry,
    journal_path,
    move_journal,
    record,
    replay,
    run_json,
)
from wit_tui.engine.session.events import OverlayChanged, SessionEvent
from wit_tui.engine.session.session import Session

FORMAT_VERSION = 1


def autosave_dir() -> Path:
    """Where autosaves live: ``$WIT_TUI_DATA_DIR/autosave``, else the user data dir's ``autosave``."""
    base = os.environ.get("WIT_TUI_DATA_DIR")
    if not base:
        import platformdirs  # deferred: only needed when an autosave path is asked for

        base = platformdirs.user_data_dir("wit-tui", appauthor=False)
    return Path(base).expanduser() / "autosave"


def file_identity(path: str | Path) -> list[Any]:
    """A file as the autosave key sees it: resolved path, size, modification time (ns)."""
    p = Path(path).expanduser().resolve()
    try:
        st = p.stat()
    except OSError:
        return [str(p), None, None]
    return [str(p), st.st_size, st.st_mtime_ns]


def autosave_path(session: Session) -> Path | None:
    key = session_key(session)
    return None if key is None else autosave_dir() / f"{key}.json"


def payload(session: Session, journal: str = "") -> dict[str, Any]:
    """The overlay as JSON-ready data; ``journal`` names it for the journal lines that follow it."""
    ov = session.overlay
    return {
        "format": "wit-tui-autosave",
        "version": FORMAT_VERSION,
        "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dataset": session.name,
        "files": file_hashes(session),  # which bytes it was made on: names a stale autosave at start
        "n_rows": session.n_rows,
        "columns": [str(c) for c in session.data.columns],
        "saved_to_csv": ov.saved,
        "edits": {str(i): record(v) for i, v in sorted(ov.edits.items())},
        "added": [record(r) for r in ov.added],
        "origin": {str(i): o for i, o in ov.origin.items()},
        "history": {str(i): [run_json(r) for r in runs] for i, runs in ov.history.items()},
        "journal": journal,
    }


@dataclass(frozen=True)
class Snapshot:
    """An autosave found on disk (its snapshot with its journal replayed), described for the restore question."""

    path: Path
    saved_at: str
    n_edited: int
    n_added: int
    data: dict[str, Any]
    note: str = ""  # from the previous copy, or a last journal line cut off: said in the restore question

    def describe(self) -> str:
        when = local_time(self.saved_at)
        parts = []
        if self.n_edited:
            parts.append(f"{self.n_edited} edited")
        if self.n_added:
            parts.append(f"{self.n_added} added")
        text = f"{' and '.join(parts)} datapoint(s), autosaved {when}"
        return f"{text}, {self.note}" if self.note else text


def write(session: Session, path: Path, *, durable: bool = True, journal: str = "") -> None:
    """Write the overlay to ``path`` atomically, or remove the file when there is nothing to keep.

    ``durable`` fsyncs the file and its folder; the file replaced is kept as ``<name>.prev``.
    Its journal is removed once the snapshot is written: every change it held is in the snapshot.
    """
    if not session.overlay.n_changed:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        drop_previous(path)
        journal_path(path).unlink(missing_ok=True)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WitError(
            f"Cannot create the autosave folder {path.parent}: {exc.strerror or exc}.",
            "Set WIT_TUI_DATA_DIR to a folder you can write to.",
        ) from exc
    text = json.dumps(payload(session, journal), ensure_ascii=False)
    keep_previous(path)
    atomic_write(path, text, fsync=False, durable=durable, what="autosave")
    journal_path(path).unlink(missing_ok=True)


def find(session: Session) -> Snapshot | None:
    """The autosave of this session, if one with any change exists, checked whole before it is offered.

    A file that cannot be read, or whose contents do not fit this data (a value
    that is not of its column, an unknown row or column, a bad type), raises
    WitError: offering it would fail on "yes".
    An empty or unreadable one (what a power cut can leave) whose previous copy
    ``<name>.prev`` exists is set aside and the previous copy offered instead;
    the snapshot's ``note`` says so.
    """
    path = autosave_path(session)
    if path is not None:
        remove_stale_temps(path.parent)  # a write killed midway leaves its temp file: gone at the next start
        migrate(session, path)  # an autosave of the first format, on files with the same size and mtime
    if path is None or not path.is_file():
        return None
    note = ""
    try:
        data = _read(path)
    except WitError:
        aside = reject(path) if has_previous(path) else None
        if aside is None or not take_previous(path):
            raise
        data = _read(path)
        note = f"from its previous copy: the autosave was empty or unreadable and is set aside as {aside}"
    try:
        replayed = replay(data, path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise WitError(f"The autosave {path} does not fit this data ({exc}).", "") from exc
    data = replayed.data
    if replayed.note:
        note = f"{note}; {replayed.note}" if note else replayed.note
    n_edited, n_added = len(data["edits"]), len(data["added"])
    if not n_edited and not n_added:
        return None
    snapshot = Snapshot(path, str(data.get("saved_at", "")), n_edited, n_added, data, note)
    contents(session, data, path)  # raises WitError when it does not fit
    return snapshot


def _read(path: Path) -> dict[str, Any]:
    """The autosave's JSON, checked for its shape; WitError "cannot be read" otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("format") != "wit-tui-autosave" or data.get("version") != FORMAT_VERSION:
            raise ValueError("not an autosave of this version")
        if not isinstance(data.get("edits"), dict) or not isinstance(data.get("added"), list):
            raise ValueError("no edits or added points")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise WitError(
            f"The autosave {path} cannot be read ({exc}).", "It was left as it is; move it away to stop this message."
        ) from exc
    return data


def restore(session: Session, snapshot: Snapshot) -> int:
    """Put the autosaved edits and added points back into the (empty) overlay; returns how many points.

    The points are re-scored in one batch, so what the screen shows is what the
    models say now. Raises WitError, leaving the overlay empty, when the autosave
    does not fit this data or a model cannot score it.
    """
    data = snapshot.data
    if session.overlay.n_changed:
        raise WitError("There are already edits in this session.", "Restore only into a freshly opened session.")
    parts = contents(session, snapshot.data, snapshot.path)
    ov = session.overlay
    ov.edits, ov.added, ov.origin, ov.history = parts.edits, parts.added, parts.origin, parts.history
    ids = session.changed_ids()
    try:
        batch = score_dicts(session, [session.model_row(i) for i in ids])
    except WitError as exc:
        ov.edits, ov.added, ov.origin, ov.history = {}, [], {}, {}
        raise WitError(f"The autosave {snapshot.path} does not fit the models: {exc.message}", exc.hint) from exc
    except Exception as exc:  # a model's own error on values that passed every check: refused, never a crash
        ov.edits, ov.added, ov.origin, ov.history = {}, [], {}, {}
        raise WitError(
            f"The autosave {snapshot.path} does not fit the models ({type(exc).__name__}: {exc}).", ""
        ) from exc
    for k, i in enumerate(ids):
        ov.current[i] = [
            Scores(
                score=s.score[k : k + 1],
                label=s.label[k : k + 1],
                proba=None if s.proba is None else s.proba[k : k + 1],
            )
            for s in batch
        ]
    ov.saved = bool(data.get("saved_to_csv", False))
    session.emit(OverlayChanged(tuple(ids), renumbered=True))
    return len(ids)


def reject(path: Path) -> Path | None:
    """Set an autosave that cannot be restored aside (``<key>.rejected-<time>.json``), so it is never offered again.

    None when it cannot be moved (then it must not be overwritten either).
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.rejected-{stamp}.json")
    try:
        os.replace(path, target)
    except OSError:
        return None
    try:
        move_journal(path, target)  # its later changes go with it: never replayed onto a fresh autosave
    except OSError:
        pass
    return target


def discard(snapshot: Snapshot) -> Path:
    """Set an autosave aside (``<key>.discarded.json``) so the next start does not offer it again."""
    target = snapshot.path.with_suffix(".discarded.json")
    try:
        os.replace(snapshot.path, target)
        if journal_path(snapshot.path).exists():  # its later changes folded in: the file stays whole by hand
            atomic_write(target, json.dumps(snapshot.data, ensure_ascii=False), fsync=False, what="autosave")
            journal_path(snapshot.path).unlink()
        drop_previous(snapshot.path)  # an older state of what was declined: never offered later
    except OSError as exc:
        raise WitError(
            f"Cannot move the autosave {snapshot.path} aside: {exc.strerror or exc}.", "Delete it by hand."
        ) from exc
    return target


class Autosaver:
    """Keeps one session's autosave in step with its overlay: a snapshot, then one journal line per change.

    The first change after attach writes the snapshot; each later one appends a
    line (O(1) in the number of edited points). The snapshot is rewritten — the
    journal compacted into it — when the journal holds more lines than the
    snapshot points (at least 1000), when ids are renumbered, and on detach.
    """

    def __init__(self, session: Session, path: Path, throttle: Throttle | None = None) -> None:
        self.session = session
        self.path = path
        self.error: WitError | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.throttle = throttle or Throttle()  # durable at most once a second while editing
        self._not_durable = False  # the last write was not fsynced: the next detach makes it durable
        self._journal = Journal(path)
        self._base: str | None = None  # the token of the snapshot on disk this saver wrote; None: write one first
        self._n_lines = 0
        self._n_points = 0
        self._lock = threading.Lock()  # changes arrive from worker threads too

    def attach(self) -> Autosaver:
        """Write on every change of the overlay, until :meth:`detach`."""
        self.detach()
        self._unsubscribe = self.session.subscribe(self._on_event)
        return self

    def detach(self) -> None:
        """Stop writing; the journal is compacted and the autosave made durable (on quit, nothing is left)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._not_durable or self._n_lines:
            self.save(durable=True)
        self._journal.close()

    def _on_event(self, event: SessionEvent) -> None:
        if not isinstance(event, OverlayChanged):
            return
        with self._lock:
            if event.renumbered or self._base is None or not self.session.overlay.n_changed:
                self._save(None)
            elif compact_due(self._n_lines + 1, self._n_points):  # replaying would cost more than a rewrite
                self._save(None)
            else:
                self._append(event.ids)

    def save(self, durable: bool | None = None) -> None:
        """Write the whole snapshot now, compacting the journal (durable when asked, else when the throttle says so)."""
        with self._lock:
            self._save(durable)

    def _save(self, durable: bool | None) -> None:
        durable = self.throttle.due() if durable is None else durable
        base = uuid.uuid4().hex
        try:
            self._journal.close()
            write(self.session, self.path, durable=durable, journal=base)
            self._base = base if self.session.overlay.n_changed else None
            self._n_lines = 0
            self._n_points = self.session.overlay.n_changed
            self._done(durable)
        except WitError as exc:
            self._base = None  # what is on disk is not known: the next change writes the snapshot again
            self.error = exc
        except OSError as exc:  # a fault below the atomic write: still kept, never raised into an edit
            self._base = None
            self.error = WitError(f"Cannot write the autosave {self.path}: {exc.strerror or exc}.", "")

    def _append(self, ids: tuple[int, ...]) -> None:
        durable, base = self.throttle.due(), str(self._base)
        try:
            self._journal.append(entry(self.session, base, ids), durable=durable)
            self._n_lines += 1
            self._done(durable)
        except OSError as exc:
            self._journal.close()
            self._base = None  # a line may be half written: the next change rewrites the snapshot whole
            self.error = WitError(f"Cannot write the autosave journal {self._journal.path}: {exc.strerror or exc}.", "")

    def _done(self, durable: bool) -> None:
        self.error = None
        self._not_durable = not durable
        if durable:
            self.throttle.done()


__all__ = [
    "Autosaver",
    "FORMAT_VERSION",
    "Snapshot",
    "autosave_dir",
    "autosave_path",
    "discard",
    "file_identity",
    "find",
    "payload",
    "reject",
    "restore",
    "session_key",
    "stale_notice",
    "write",
]
