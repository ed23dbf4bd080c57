"""How much memory may this process still use?

Free memory alone is not the answer: a container's cgroup limit or a shell's
``ulimit -v`` stops the process long before the machine runs out, with a
MemoryError (or the kernel's OOM killer) halfway through loading. The real
budget is the smallest of what the machine has free, what the cgroup still
allows and what the address-space limit still allows.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

#: cgroup v1 reports "no limit" as a huge number (a page-aligned LONG_MAX); anything above this is no limit
_NO_LIMIT = 1 << 60

NOT_ENOUGH_MEMORY_HINT = (
    "Try fewer rows (e.g. `head -n 100001 data.csv > sample.csv`), fewer columns (--features), or give it more "
    "memory (a larger `ulimit -v` or container memory limit)."
)


@dataclass(frozen=True)
class MemoryBudget:
    """Bytes this process may still allocate, and which limit decided it (for the message)."""

    available: int
    source: str


def _read_int(path: Path) -> int | None:
    """A number from a one-line file; None when missing, unreadable or "max" (no limit)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text or text == "max":
        return None
    try:
        value = int(text.split()[0])
    except ValueError:
        return None
    return value if 0 <= value < _NO_LIMIT else None


def _cgroup_dirs(root: Path) -> list[Path]:
    """The cgroup folders that may hold this process's memory limit: its own (from /proc/self/cgroup), then the root."""
    base = root / "sys" / "fs" / "cgroup"
    found: list[Path] = []
    try:
        lines = (root / "proc" / "self" / "cgroup").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        controllers, rel = parts[1], parts[2].lstrip("/")
        if controllers == "":  # v2: "0::/user.slice/..."
            found.append(base / rel)
        elif "memory" in controllers.split(","):  # v1: "4:memory:/docker/..."
            found.append(base / "memory" / rel)
    found.extend([base, base / "memory"])
    return found


def cgroup_available(root: Path = Path("/")) -> int | None:
    """Bytes the cgroup memory limit still allows (limit - usage), v2 or v1; None without a limit."""
    best: int | None = None
    for folder in _cgroup_dirs(root):
        for limit_name, usage_name in (
            ("memory.max", "memory.current"),
            ("memory.limit_in_bytes", "memory.usage_in_bytes"),
        ):
            limit = _read_int(folder / limit_name)
            if limit is None:
                continue
            usage = _read_int(folder / usage_name) or 0
            left = max(limit - usage, 0)
            best = left if best is None else min(best, left)
    return best


def address_space_available(root: Path = Path("/")) -> int | None:
    """Bytes ``ulimit -v`` (RLIMIT_AS) still allows: the soft limit minus the address space already mapped."""
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        return None
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    used = 0
    try:
        for line in (root / "proc" / "self" / "status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmSize:"):
                used = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        used = 0
    return max(soft - used, 0)


def free_memory() -> int | None:
    """Bytes of physical memory available now (Linux/macOS), or None when the OS will not say."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def memory_budget(root: Path = Path("/")) -> MemoryBudget | None:
    """The smallest of free memory, the cgroup's allowance and ``ulimit -v``'s; None when none is known."""
    candidates = [
        (free_memory(), "free memory"),
        (cgroup_available(root), "the container's (cgroup) memory limit"),
        (address_space_available(root), "the address-space limit (ulimit -v)"),
    ]
    known = [(value, source) for value, source in candidates if value is not None]
    if not known:
        return None
    value, source = min(known, key=lambda pair: pair[0])
    return MemoryBudget(value, source)


__all__ = [
    "NOT_ENOUGH_MEMORY_HINT",
    "MemoryBudget",
    "address_space_available",
    "cgroup_available",
    "free_memory",
    "memory_budget",
]
