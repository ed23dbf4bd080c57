"""Does an edit cost the same with 10 or 100,000 edited points? Yes: each change appends one line to a journal.

Rewriting the whole autosave on every keystroke grows with the overlay. So the
snapshot (``<key>.json``) is written whole only now and then; each change after
it appends ONE JSON line to ``<key>.json.journal`` holding the full saved state
of every point the change touched (its edits or added record, where it came
from, its history; ``null`` when it is gone), the number of added points and
the saved-to-CSV flag. Replaying a line twice gives the same overlay, so replay
is simple: the snapshot, then every line in order.

Each line names the snapshot it follows (``base``, a token the snapshot holds
as ``journal``): lines left from before a compaction that was cut short, or
following another snapshot than the one read (its previous copy after a power
cut), are never replayed onto it. A last line without its newline or that is
not JSON is what a killed write leaves: ignored, and said. Every replayed value
goes through the same checks as the snapshot's (autosave_contents.py).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.session.overlay import Run
from wit_tui.engine.session.session import Session

COMPACT_AT_LEAST = 1000  # journal lines before a compaction, when the snapshot holds fewer points


def journal_path(path: Path) -> Path:
    """The journal of an autosave file: beside it, ``<name>.journal``."""
    return path.with_name(path.name + ".journal")


def compact_due(n_lines: int, n_points: int) -> bool:
    """Is the journal long enough that rewriting the snapshot costs no more than replaying it?"""
    return n_lines > max(COMPACT_AT_LEAST, n_points)


# -- JSON of values ------------------------------------------------------------
def encode(value: Any) -> Any:
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


def record(values: dict[str, Any]) -> dict[str, Any]:
    return {str(k): encode(v) for k, v in values.items()}


def run_json(run: Run) -> dict[str, Any]:
    return {
        "number": run.number,
        "change": run.change,
        "scores": list(run.scores),
        "probas": [None if p is None else list(p) for p in run.probas],
    }


def entry(session: Session, base: str, ids: tuple[int, ...]) -> str:
    """The journal line of one change: the whole saved state of each point in ``ids``, newline-terminated."""
    ov = session.overlay
    points = []
    for i in sorted(set(ids)):
        if i < session.n_rows:
            point = record(ov.edits[i]) if i in ov.edits else None
        elif i - session.n_rows < len(ov.added):
            point = record(ov.added[i - session.n_rows])
        else:
            continue  # an id past the added points: gone (a deletion renumbers, which compacts instead)
        runs = ov.history.get(i)
        points.append(
            {
                "id": i,
                "point": point,
                "origin": ov.origin.get(i),
                "history": None if runs is None else [run_json(r) for r in runs],
            }
        )
    line = {"base": base, "n_added": len(ov.added), "saved": ov.saved, "points": points}
    return json.dumps(line, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Replayed:
    """The snapshot with its journal applied, and what the restore question should say about the journal."""

    data: dict[str, Any]
    n_lines: int
    note: str = ""


def replay(data: dict[str, Any], path: Path) -> Replayed:
    """The snapshot ``data`` with every journal line that follows it applied (ValueError on a malformed line)."""
    try:
        lines, note = _lines(journal_path(path).read_bytes())
    except FileNotFoundError:
        return Replayed(data, 0)
    base = data.get("journal")
    out = dict(data)
    state = {
        "edits": dict(data["edits"]),
        "added": list(data["added"]),
        "origin": dict(_mapping(data, "origin")),
        "history": dict(_mapping(data, "history")),
    }
    n_rows = data.get("n_rows")
    if not isinstance(n_rows, int):
        raise ValueError("its number of rows is not a number")
    applied = 0
    for number, text in enumerate(lines, 1):
        try:
            line = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"line {number} of its journal is not JSON") from exc
        if not isinstance(line, dict):
            raise ValueError(f"line {number} of its journal is not a change")
        if not base or line.get("base") != base:
            continue  # follows another snapshot: already in this one, or never belonged to it
        _apply(line, number, n_rows, state)
        if "saved" in line:
            out["saved_to_csv"] = bool(line["saved"])
        applied += 1
    if any(rec is None for rec in state["added"]):
        raise ValueError("an added point of its journal has no values")
    out.update(state)
    return Replayed(out, applied, note)


def _lines(raw: bytes) -> tuple[list[bytes], str]:
    """The journal's whole lines, and a note when its last one was cut off (no newline, or not JSON)."""
    lines = raw.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with its newline
    torn = bool(tail)
    if not torn and lines:
        try:
            json.loads(lines[-1])
        except ValueError:
            lines.pop()
            torn = True
    return lines, "its last change was cut off while being written and is left out" if torn else ""


def _apply(line: dict[str, Any], number: int, n_rows: int, state: dict[str, Any]) -> None:
    """Put one journal line's points into ``state`` (edits, added, origin, history of the JSON)."""
    n_added, points = line.get("n_added"), line.get("points")
    if not isinstance(n_added, int) or isinstance(n_added, bool) or n_added < 0 or not isinstance(points, list):
        raise ValueError(f"line {number} of its journal is not a change")
    added = state["added"]
    del added[n_added:]
    added.extend([None] * (n_added - len(added)))  # filled by this line's points, else refused
    for p in points:
        if not isinstance(p, dict) or not isinstance(p.get("id"), int) or isinstance(p.get("id"), bool):
            raise ValueError(f"line {number} of its journal names no datapoint")
        i, key = p["id"], str(p["id"])
        if i < 0 or i >= n_rows + n_added:
            raise ValueError(f"datapoint {i} of its journal does not fit this data")
        if i < n_rows:
            _put(state["edits"], key, p.get("point"))
        elif p.get("point") is None:
            raise ValueError(f"added datapoint {i} of its journal has no values")
        else:
            added[i - n_rows] = p["point"]
        _put(state["origin"], key, p.get("origin"))
        _put(state["history"], key, p.get("history"))


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not a mapping")
    return value


class Journal:
    """The open journal of one autosave: append a line (one write, so it is never interleaved), fsync when asked."""

    def __init__(self, path: Path) -> None:
        self.path = journal_path(path)
        self._fd: int | None = None

    def append(self, line: str, *, durable: bool) -> None:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        data = line.encode("utf-8")
        written = os.write(self._fd, data)
        if written != len(data):
            raise OSError(f"only {written} of {len(data)} bytes of a journal line were written")
        if durable:
            os.fsync(self._fd)

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def remove(self) -> None:
        """Drop the journal (its changes are in the snapshot just written)."""
        self.close()
        self.path.unlink(missing_ok=True)


def move_journal(source: Path, target: Path) -> None:
    """Move the journal of autosave ``source`` beside ``target``, where it was moved (an old one there goes)."""
    try:
        os.replace(journal_path(source), journal_path(target))
    except FileNotFoundError:
        journal_path(target).unlink(missing_ok=True)


__all__ = [
    "COMPACT_AT_LEAST",
    "Journal",
    "Replayed",
    "compact_due",
    "encode",
    "entry",
    "journal_path",
    "move_journal",
    "record",
    "replay",
    "run_json",
]
