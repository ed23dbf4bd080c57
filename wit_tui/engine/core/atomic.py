"""Write a file so that a reader (or a crash) never sees half of it.

Every file wit-tui writes — saved edits, the autosave, reports, validation
results, surrogate rules, cached demo models — goes to a temporary file in the
target's folder first and is then renamed over the target with ``os.replace``,
which is atomic on POSIX and Windows. A process killed mid-write leaves the old
file (or none), never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from wit_tui.engine.core.errors import WitError


def atomic_write(
    path: str | Path,
    content: str | Callable[[IO[Any]], None],
    *,
    binary: bool = False,
    fsync: bool = True,
    what: str = "file",
) -> Path:
    """Write ``content`` (text, or a function that writes to the open file) to ``path`` atomically.

    The new file gets the mode an existing target has, else what the user's umask gives
    (``mkstemp`` alone would make it private). Bad paths and OS errors become one
    :class:`WitError` naming ``what`` was being written.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise WitError(f"The {what} path {path} is a folder.", "Give a file name.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WitError(f"The folder {folder} of the {what} does not exist.", "Create it first, or write elsewhere.")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        os.chmod(tmp, _file_mode(path))
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            if isinstance(content, str):
                fh.write(content)
            else:
                content(fh)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise WitError(
            f"Cannot write the {what} {path}: {exc.strerror or exc}.",
            "Check the folder's permissions and free space, or pick another path.",
        ) from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _file_mode(path: Path) -> int:
    """The mode an existing file has, or what the user's umask gives a new one."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


__all__ = ["atomic_write"]
