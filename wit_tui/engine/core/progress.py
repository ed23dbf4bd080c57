"""How long work reports progress and stops: a progress callback and a cancellation the caller can raise.

``Cancelled`` derives from ``BaseException`` on purpose: it must pass through the
``except Exception`` blocks that turn a model's own failures into WitErrors
(scoring, permutation importance), the way KeyboardInterrupt does.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


class Cancelled(BaseException):
    """The user cancelled a long computation."""


def check_cancelled(is_cancelled: IsCancelled | None) -> None:
    """Raise :class:`Cancelled` when the caller says the work is no longer wanted."""
    if is_cancelled is not None and is_cancelled():
        raise Cancelled()


__all__ = ["Cancelled", "IsCancelled", "Progress", "check_cancelled"]
