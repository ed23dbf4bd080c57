"""Write a file so that a reader (or a crash) never sees half of it.

Every file wit-tui writes — saved edits, the autosave, reports, validation
results, surrogate rules, cached demo models — goes to a temporary file in the
target's folder first and is then renamed over the target with ``os.replace``,
which is atomic on POSIX and Windows. A process killed mid-write leaves the old
file (or none), never a truncated one. A target that is a device, a FIFO or a
socket is refused: the rename would replace it with a regular file.

A rename alone does not survive a power cut: the file system may keep the new
name without its bytes. ``durable=True`` fsyncs the file before the rename and
its folder after it, so the new name and its bytes are on disk when the call returns.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.paths import check_output_file


def atomic_write(
    path: str | Path,
    content: str | Callable[[IO[Any]], None],
    *,
    binary: bool = False,
    fsync: bool = True,
    durable: bool = False,
    what: str = "file",
) -> Path:
    """Write ``content`` (text, or a function that writes to the open file) to ``path`` atomically.

    The new file gets the mode an existing target has, else what the user's umask gives
    (``mkstemp`` alone would make it private). Bad paths and OS errors become one
    :class:`WitError` naming ``what``. ``durable`` also fsyncs the folder after the rename (see above).
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise WitError(f"The {what} path {path} is a folder.", "Give a file name.")
    check_output_file(path, (), what)  # renaming over a device would replace it with a regular file
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WitError(f"The folder {folder} of the {what} does not exist.", "Create it first, or write elsewhere.")
    tmp: str | None = None
    try:
        # the pid in the name lets a later start tell a killed writer's leftover from a live one's
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
        os.chmod(tmp, _file_mode(path))
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            if isinstance(content, str):
                fh.write(content)
            else:
                content(fh)
            fh.flush()
            if fsync or durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
        if durable:
            _fsync_folder(folder)
    except OSError as exc:
        raise WitError(
            f"Cannot write the {what} {path}: {exc.strerror or exc}.",
            "Check the folder's permissions and free space, or pick another path.",
        ) from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _fsync_folder(folder: Path) -> None:
    """Put the folder's entries (the rename) on disk; skipped where folders cannot be opened (Windows)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse an fsync of a folder: the file itself is synced
    finally:
        os.close(fd)


def _file_mode(path: Path) -> int:
    """The mode an existing file has, or what the user's umask gives a new one."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files of writers killed mid-write (their pid is gone); returns what was removed.

    Only names :func:`atomic_write` makes (``.<name>.<pid>.<random>.tmp``) are touched, never a live writer's.
    """
    removed = []
    for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
        parts = tmp.name[1:].rsplit(".", 3)
        if len(parts) != 4 or not parts[1].isdigit() or _alive(int(parts[1])):
            continue
        try:
            tmp.unlink()
        except OSError:
            continue
        removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's live process (or a pid we cannot ask about): leave its file
    return True


__all__ = ["atomic_write", "remove_stale_temps"]
