"""Is this the same data as before? Asked by content, not by path, size and modification time.

``touch``, ``cp`` or ``git checkout`` of identical bytes changes a file's mtime
but not what it means, and an edit can keep its size. :func:`content_hash` is the
one fast digest of a file's bytes (BLAKE2b, 16 bytes, read in 1 MiB chunks);
the autosave key uses it, and every later cache keyed by a file reuses it
instead of inventing its own.

Hashing a large file costs a read of it, so a result is remembered in-process
by (resolved path, size, mtime in ns, inode, ctime in ns): a second call on an
unchanged file reads nothing. The ctime is there because mtime can be set back
(``touch -d``, a copy that keeps times) while every write moves the ctime.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

CHUNK = 1 << 20  # 1 MiB

_memo: dict[tuple[str, int, int, int, int], str] = {}
_lock = threading.Lock()


def content_hash(path: str | Path) -> str:
    """The hex BLAKE2b-128 digest of the file's bytes; OSError when it cannot be read."""
    real = os.path.realpath(Path(path).expanduser())
    st = os.stat(real)
    key = (real, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    with _lock:
        known = _memo.get(key)
    if known is not None:
        return known
    digest = hashlib.blake2b(digest_size=16)
    with open(real, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    value = digest.hexdigest()
    with _lock:
        _memo[key] = value
    return value


__all__ = ["content_hash"]
