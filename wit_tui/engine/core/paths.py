"""Is this path a file wit-tui may read, or one it may write?

Reading a FIFO blocks until someone writes to it (forever, from the user's
point of view), a device never ends, and a socket cannot be opened at all:
inputs must be regular files. Writing atomically means renaming a new file over
the target, so an output that is a device (``/dev/full``, ``/proc/self/fd/1``)
would be *replaced* by a regular file, and an output that is one of the inputs
would destroy the very file the user asked us to read: both are refused.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from wit_tui.engine.core.errors import WitError

#: what ``stat`` calls each kind of file that is not a regular file or a folder, in the user's words
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(path: str | Path) -> str | None:
    """``"a named pipe (FIFO)"`` and the like when ``path`` (after symlinks) is neither a file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None


def check_input_file(path: str | Path, what: str, *, folder_ok: bool = False) -> None:
    """Refuse, before opening it, an input that is missing, a folder (unless ``folder_ok``) or not a regular file.

    Opening a FIFO would block, so this looks at ``stat`` only; ``what`` ("data", "model", "config") names the
    input in the message."""
    path = Path(path)
    if not path.exists():
        raise WitError(f"The {what} file {path} does not exist.", "Check the path and try again.")
    if path.is_dir():
        if folder_ok:
            return
        raise WitError(f"The {what} path {path} is a folder, not a file.", f"Give the path of the {what} file itself.")
    kind = special_kind(path)
    if kind is not None:
        raise WitError(
            f"The {what} path {path} is {kind}, not a regular file: wit-tui reads its inputs more than once.",
            f"Save the {what} to a file first (e.g. `cat > {what}.csv`) and give that file's path.",
        )


def check_output_file(path: str | Path, inputs: Iterable[str | Path | None], what: str = "output file") -> None:
    """Refuse an output that is one of ``inputs`` (after symlinks) or exists and is not a regular file."""
    path = Path(path).expanduser()
    kind = special_kind(path)
    if kind is not None:
        raise WitError(
            f"The {what} {path} is {kind}, not a regular file; writing it would replace it with a file.",
            "Give the path of a regular file (or `-o -` for standard output).",
        )
    target = os.path.realpath(path)
    for given in inputs:
        if given is None or str(given) == "":
            continue
        if target == os.path.realpath(given) or _same_file(path, Path(given)):
            raise WitError(
                f"The {what} {path} is the input file {given}; writing it would destroy that input.",
                "Write to another path.",
            )


def paths_in(source: Iterable[object] | None) -> list[str]:
    """The absolute paths named in a session's ``source`` (its data and model files), for :func:`check_output_file`."""
    found: list[str] = []
    for entry in source or []:
        for item in entry if isinstance(entry, (list, tuple)) else [entry]:
            if isinstance(item, str) and os.path.isabs(item):
                found.append(item)
    return found


def _same_file(a: Path, b: Path) -> bool:
    """The same file by device and inode (hard links, bind mounts), False when either does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


__all__ = ["check_input_file", "check_output_file", "paths_in", "special_kind"]
