"""Which autosave belongs to these files? The one made on the same bytes, whatever their mtime says.

An autosave's file name is ``<place>-<content>.json``. ``<place>`` hashes where
and how the data was opened (the data and model paths, the label, the features,
the positive class, the model names, the row count); ``<content>`` hashes that
with each file's content hash in place of its path. So ``touch``, ``cp`` or
``git checkout`` of identical data finds the autosave again, and data whose
bytes changed does not (its row ids might no longer mean the same rows) — but an
autosave with the same ``<place>`` and another ``<content>`` is still found, to
say once that it no longer matches, and left where it is.

Autosaves of the first format were named by a hash of the paths, sizes and
modification times: one whose files still have that size and mtime is renamed to
the new name at the next start (a migration), so no edit is lost by an upgrade.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wit_tui.engine.core.content_hash import content_hash
from wit_tui.engine.session.session import Session

_FILE_KINDS = ("data", "model")


def _files(session: Session) -> list[tuple[str, str]]:
    """(kind, absolute path) of each data and model file the session was opened from."""
    found = []
    for entry in session.source or []:
        if isinstance(entry, (list, tuple)) and len(entry) >= 2 and entry[0] in _FILE_KINDS:
            found.append((str(entry[0]), str(entry[1])))
    return found


def _hash_or_none(path: str) -> str | None:
    try:
        return content_hash(path)
    except OSError:
        return None  # gone since it was opened: no autosave matches it by content


def _digest(session: Session, source: list[Any]) -> str:
    ident = {
        "source": source,
        "label": session.label,
        "features": session.features,
        "positive": None if session.task.positive is None else str(session.task.positive),
        "models": session.model_names,
        "n_rows": session.n_rows,
    }
    text = json.dumps(ident, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def file_hashes(session: Session) -> dict[str, str | None]:
    """Each data and model path with its content hash, as stored in the autosave."""
    return {path: _hash_or_none(path) for _, path in _files(session)}


def place_key(session: Session) -> str:
    """What the session was opened from, without the files' contents."""
    return _digest(session, _source(session, None))[:12]


def content_key(session: Session) -> str:
    """What the session was opened from, each file by its content hash."""
    return _digest(session, _source(session, file_hashes(session)))[:12]


def _source(session: Session, hashes: dict[str, str | None] | None) -> list[Any]:
    """``session.source`` with each file as its path (``hashes`` None) or as its content hash."""
    out: list[Any] = []
    for entry in session.source or []:
        if isinstance(entry, (list, tuple)) and len(entry) >= 2 and entry[0] in _FILE_KINDS:
            path = str(entry[1])
            out.append([entry[0], path if hashes is None else hashes.get(path)])
        else:
            out.append(entry)
    return out


def session_key(session: Session) -> str | None:
    """The autosave key (``<place>-<content>``), or None when the session was not opened from files."""
    if session.source is None:
        return None
    return f"{place_key(session)}-{content_key(session)}"


def legacy_key(session: Session) -> str | None:
    """The key of the first format: paths, sizes and mtimes (``session.source`` as it was opened)."""
    return None if session.source is None else _digest(session, list(session.source))


def migrate(session: Session, path: Path) -> Path | None:
    """Rename an autosave of the first format whose files still have their size and mtime; its old path, or None."""
    old = legacy_key(session)
    if old is None or path.exists():
        return None
    legacy = path.with_name(f"{old}.json")
    if not legacy.is_file():
        return None
    try:
        os.replace(legacy, path)
    except OSError:
        return None
    return legacy


def local_time(iso: str) -> str:
    """An ISO time stamp as the user's local ``YYYY-MM-DD HH:MM`` (kept as written when it does not parse)."""
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


@dataclass(frozen=True)
class Stale:
    """An autosave made on these paths whose files' contents have changed since: kept, not offered."""

    path: Path
    saved_at: str
    changed: str

    def message(self) -> str:
        when = local_time(self.saved_at)
        return (
            f"An autosave for {self.changed} from {when} no longer matches the file's content; "
            f"it is kept at {self.path}."
        )


def stale(session: Session, path: Path) -> list[Stale]:
    """Autosaves beside ``path`` (the current one) with the same place and other content, newest first."""
    if session.source is None:
        return []
    place = place_key(session)
    files = _files(session)
    if not files:
        return []  # a demo: nothing on disk whose content could change
    hashes = file_hashes(session)
    found = []
    for other in path.parent.glob(f"{place}-*.json") if path.parent.is_dir() else ():
        if other == path or "." in other.name[: -len(".json")]:
            continue  # this session's own, or one set aside (declined, rejected)
        try:
            data = json.loads(other.read_text(encoding="utf-8"))
            stored = data.get("files", {}) if isinstance(data, dict) else {}
            saved_at = str(data.get("saved_at", ""))
        except (OSError, ValueError, AttributeError, RecursionError):
            stored, saved_at = {}, ""
        changed = next(
            (p for _, p in files if isinstance(stored, dict) and stored.get(p) != hashes.get(p)), files[0][1]
        )
        found.append(Stale(other, saved_at, changed))
    return sorted(found, key=lambda s: s.saved_at, reverse=True)


def stale_notice(session: Session, path: Path) -> str | None:
    """The one start-up message about stale autosaves of these paths, or None."""
    found = stale(session, path)
    if not found:
        return None
    text = found[0].message()
    if len(found) > 1:
        text += f" ({len(found) - 1} older one(s) are kept beside it.)"
    return text


__all__ = [
    "Stale",
    "content_key",
    "file_hashes",
    "legacy_key",
    "migrate",
    "place_key",
    "session_key",
    "stale",
    "stale_notice",
]
