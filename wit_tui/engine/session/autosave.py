"""Do the user's edits survive a dropped SSH link? Yes: every change is written to an autosave file.

After each change to the overlay (an edit, a revert, an added, duplicated or
deleted point) the whole overlay — edits, added points, where each came from,
and the history of runs — is written as JSON, atomically, to

    <user data dir>/wit-tui/autosave/<key>.json      (WIT_TUI_DATA_DIR overrides the folder)

``platformdirs.user_data_dir`` gives the folder (``~/.local/share/wit-tui`` on
Linux). ``<key>`` is a hash of what the edits belong to: the data file (its
resolved path, size and modification time), each model file (the same), the
label, the feature columns, the positive class and the model names; for a demo,
its name, the recipe version and the sklearn version. The same command on the
same files finds the autosave again; a changed data file does not (its row ids
might no longer mean the same rows).

A process killed at any moment leaves the previous autosave or the new one,
never half of one, so at most the change being made is lost. When the overlay is
empty again (everything reverted) the file is removed. Declining a restore
keeps the file as ``<key>.discarded.json`` (the last one declined), so even that
is recoverable by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.inference import score_dicts
from wit_tui.engine.data.scoring import Scores
from wit_tui.engine.session.events import OverlayChanged, SessionEvent
from wit_tui.engine.session.overlay import Run
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


def session_key(session: Session) -> str | None:
    """The autosave key of a session, or None when it was not opened from files (nothing to find it by)."""
    if session.source is None:
        return None
    ident = {
        "source": session.source,
        "label": session.label,
        "features": session.features,
        "positive": None if session.task.positive is None else str(session.task.positive),
        "models": session.model_names,
        "n_rows": session.n_rows,
    }
    text = json.dumps(ident, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def autosave_path(session: Session) -> Path | None:
    key = session_key(session)
    return None if key is None else autosave_dir() / f"{key}.json"


# -- JSON of values ------------------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return {"$timestamp": value.isoformat()}
    if isinstance(value, dt.datetime):
        return {"$timestamp": value.isoformat()}
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$timestamp" in value:
        return pd.Timestamp(value["$timestamp"])
    return value


def _record(values: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _encode(v) for k, v in values.items()}


def _run_json(run: Run) -> dict[str, Any]:
    return {
        "number": run.number,
        "change": run.change,
        "scores": list(run.scores),
        "probas": [None if p is None else list(p) for p in run.probas],
    }


def _run(obj: dict[str, Any]) -> Run:
    return Run(
        int(obj["number"]),
        str(obj["change"]),
        tuple(float(v) for v in obj["scores"]),
        tuple(None if p is None else tuple(float(v) for v in p) for p in obj["probas"]),
    )


def payload(session: Session) -> dict[str, Any]:
    """The overlay as JSON-ready data."""
    ov = session.overlay
    return {
        "format": "wit-tui-autosave",
        "version": FORMAT_VERSION,
        "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dataset": session.name,
        "n_rows": session.n_rows,
        "columns": [str(c) for c in session.data.columns],
        "saved_to_csv": ov.saved,
        "edits": {str(i): _record(v) for i, v in sorted(ov.edits.items())},
        "added": [_record(r) for r in ov.added],
        "origin": {str(i): o for i, o in ov.origin.items()},
        "history": {str(i): [_run_json(r) for r in runs] for i, runs in ov.history.items()},
    }


@dataclass(frozen=True)
class Snapshot:
    """An autosave found on disk, described for the restore question."""

    path: Path
    saved_at: str
    n_edited: int
    n_added: int
    data: dict[str, Any]

    def describe(self) -> str:
        when = self.saved_at
        try:
            when = dt.datetime.fromisoformat(self.saved_at).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
        parts = []
        if self.n_edited:
            parts.append(f"{self.n_edited} edited")
        if self.n_added:
            parts.append(f"{self.n_added} added")
        return f"{' and '.join(parts)} datapoint(s), autosaved {when}"


def write(session: Session, path: Path) -> None:
    """Write the overlay to ``path`` atomically, or remove the file when there is nothing to keep."""
    if not session.overlay.n_changed:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WitError(
            f"Cannot create the autosave folder {path.parent}: {exc.strerror or exc}.",
            "Set WIT_TUI_DATA_DIR to a folder you can write to.",
        ) from exc
    text = json.dumps(payload(session), ensure_ascii=False)
    # no fsync: the file must survive a killed process (the OS has the bytes), and a keystroke must stay fast
    atomic_write(path, text, fsync=False, what="autosave")


def find(session: Session) -> Snapshot | None:
    """The autosave of this session, if one with any change exists. A broken file raises WitError."""
    path = autosave_path(session)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != "wit-tui-autosave" or data.get("version") != FORMAT_VERSION:
            raise ValueError("not an autosave of this version")
        n_edited, n_added = len(data["edits"]), len(data["added"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WitError(
            f"The autosave {path} cannot be read ({exc}).", "It was left as it is; move it away to stop this message."
        ) from exc
    if not n_edited and not n_added:
        return None
    return Snapshot(path, str(data.get("saved_at", "")), n_edited, n_added, data)


def restore(session: Session, snapshot: Snapshot) -> int:
    """Put the autosaved edits and added points back into the (empty) overlay; returns how many points.

    The points are re-scored in one batch, so what the screen shows is what the
    models say now. Raises WitError, leaving the overlay empty, when the autosave
    does not fit this data.
    """
    data = snapshot.data
    if session.overlay.n_changed:
        raise WitError("There are already edits in this session.", "Restore only into a freshly opened session.")
    columns = [str(c) for c in session.data.columns]
    if data.get("n_rows") != session.n_rows or data.get("columns") != columns:
        raise WitError(
            f"The autosave {snapshot.path} was made on other data ({data.get('n_rows')} rows).", "It was left as it is."
        )
    by_name = {str(c): c for c in session.data.columns}
    try:
        edits: dict[int, dict[str, Any]] = {}
        for key, values in data["edits"].items():
            i = int(key)
            if not 0 <= i < session.n_rows or any(f not in session.features for f in values):
                raise ValueError(f"datapoint {i} does not fit this data")
            edits[i] = {by_name[f]: _decode(v) for f, v in values.items()}
        added = [{c: _decode(rec.get(str(c))) for c in session.data.columns} for rec in data["added"]]
        origin = {int(k): str(v) for k, v in data.get("origin", {}).items()}
        history = {int(k): [_run(r) for r in runs] for k, runs in data.get("history", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WitError(
            f"The autosave {snapshot.path} does not fit this data ({exc}).", "It was left as it is."
        ) from exc
    ov = session.overlay
    ov.edits, ov.added, ov.origin, ov.history = edits, added, origin, history
    ids = session.changed_ids()
    try:
        batch = score_dicts(session, [session.model_row(i) for i in ids])
    except WitError:
        ov.edits, ov.added, ov.origin, ov.history = {}, [], {}, {}
        raise
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


def discard(snapshot: Snapshot) -> Path:
    """Set an autosave aside (``<key>.discarded.json``) so the next start does not offer it again."""
    target = snapshot.path.with_suffix(".discarded.json")
    try:
        os.replace(snapshot.path, target)
    except OSError as exc:
        raise WitError(
            f"Cannot move the autosave {snapshot.path} aside: {exc.strerror or exc}.", "Delete it by hand."
        ) from exc
    return target


class Autosaver:
    """Keeps one session's autosave file in step with its overlay (attach once; every change writes)."""

    def __init__(self, session: Session, path: Path) -> None:
        self.session = session
        self.path = path
        self.error: WitError | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self) -> Autosaver:
        """Write on every change of the overlay, until :meth:`detach`."""
        self.detach()
        self._unsubscribe = self.session.subscribe(self._on_event)
        return self

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_event(self, event: SessionEvent) -> None:
        if isinstance(event, OverlayChanged):
            self.save()

    def save(self) -> None:
        """Write now; an error is kept (and shown once by the caller), never raised into an edit."""
        try:
            write(self.session, self.path)
            self.error = None
        except WitError as exc:
            self.error = exc


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
    "restore",
    "session_key",
    "write",
]
