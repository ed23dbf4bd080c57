"""What every figure shares: the plotext-like surface it draws on, title fitting and downsampling.

A figure is computed once from engine results and drawn by one ``draw(plt, width)``
onto either the :mod:`plotext` module itself (headless: ``plt.build()`` then gives
the text) or a Textual ``PlotextPlot.plt``; the two offer the same calls.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

import numpy as np

from wit_tui.render.text import printable

#: Points kept per curve: a terminal is ~100 columns wide, braille doubles that.
MAX_POINTS = 400
#: plotext leaves out a title longer than the plot's width minus this.
TITLE_MARGIN = 4


class Canvas(Protocol):
    """The plotext calls a figure makes (the plotext module and ``PlotextPlot.plt`` both have them).

    The signatures are open on purpose: the stubs shipped for ``PlotextPlot.plt`` are narrower than plotext
    itself (``multiple_bar`` takes ``labels`` and a list of colours)."""

    def clear_figure(self, *args: Any, **kwargs: Any) -> Any: ...
    def title(self, *args: Any, **kwargs: Any) -> Any: ...
    def xlabel(self, *args: Any, **kwargs: Any) -> Any: ...
    def ylabel(self, *args: Any, **kwargs: Any) -> Any: ...
    def plot(self, *args: Any, **kwargs: Any) -> Any: ...
    def scatter(self, *args: Any, **kwargs: Any) -> Any: ...
    def bar(self, *args: Any, **kwargs: Any) -> Any: ...
    def multiple_bar(self, *args: Any, **kwargs: Any) -> Any: ...
    def xticks(self, *args: Any, **kwargs: Any) -> Any: ...
    def xlim(self, *args: Any, **kwargs: Any) -> Any: ...
    def ylim(self, *args: Any, **kwargs: Any) -> Any: ...
    def hline(self, *args: Any, **kwargs: Any) -> Any: ...
    def vline(self, *args: Any, **kwargs: Any) -> Any: ...


def fit_title(title: str, width: int | None) -> str:
    """``title`` shortened with … to fit a plot ``width`` columns wide (plotext drops a longer one silently).

    No width (a plot not laid out yet) keeps the title whole. Control characters (a title quotes names from
    the data) are shown as visible stand-ins."""
    title = printable(title)
    if width:
        limit = width - TITLE_MARGIN
        if len(title) > limit:
            return title[: max(limit - 1, 1)] + "…"
    return title


def _printable_arg(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list | tuple) and any(isinstance(v, str) for v in value):
        return [printable(v) if isinstance(v, str) else v for v in value]
    return value


def _finite(value: Any) -> bool:
    return not isinstance(value, float | int | np.floating | np.integer) or bool(np.isfinite(value))


def _numbers(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray) and all(isinstance(v, float | int | np.number) for v in value)


#: calls whose first arguments are coordinates: a point with a non-finite one is left out (plotext raises on it)
_POINTS = {"plot", "scatter"}
_SINGLE = {"vline", "hline", "xlim", "ylim"}


class _SafeCanvas:
    """Forwards every call to a canvas with its text arguments printable and its coordinates finite."""

    def __init__(self, plt: Any) -> None:
        self._plt = plt

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._plt, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if name in _SINGLE and not all(_finite(a) for a in args):
                return None  # a line or a limit at ±inf/NaN has no place on the plot
            if name in _POINTS and len(args) == 2 and _numbers(args[0]) and _numbers(args[1]):
                keep = [i for i, (x, y) in enumerate(zip(args[0], args[1], strict=False)) if _finite(x) and _finite(y)]
                if not keep:
                    return None
                args = ([args[0][i] for i in keep], [args[1][i] for i in keep])
            return attr(*(_printable_arg(a) for a in args), **{k: _printable_arg(v) for k, v in kwargs.items()})

        return call


def printable_canvas(plt: Any) -> Canvas:
    """``plt`` with every text argument (titles, axis and tick labels, legends) made printable first: they hold
    column, category and model names, and plotext writes them to the terminal as they are, escape sequences
    included. Points, lines and limits at ±inf or NaN (a value from the data) are left out: plotext raises on
    them, and they have no place on an axis."""
    return cast(Canvas, _SafeCanvas(plt))


def thin(x: np.ndarray, y: np.ndarray, limit: int = MAX_POINTS) -> tuple[list[float], list[float]]:
    """Keep at most ``limit`` points, always the first and last (a terminal cannot show more)."""
    n = len(x)
    if n > limit:
        idx = np.unique(np.r_[np.linspace(0, n - 1, limit).astype(int), n - 1])
        x, y = x[idx], y[idx]
    return np.asarray(x, float).tolist(), np.asarray(y, float).tolist()


def short(label: str, width: int) -> str:
    """A category label cut with … to ``width`` characters (an axis has little room)."""
    return label if len(label) <= width else label[: max(1, width - 1)] + "…"


def bin_ticks(edges: np.ndarray, digits: int) -> tuple[list[float], list[str]]:
    """Five x ticks spread over numeric bins, labelled to ``digits`` significant digits."""
    ticks = np.linspace(edges[0], edges[-1], 5)
    return ticks.tolist(), [f"{t:.{digits}g}" for t in ticks]


__all__ = ["MAX_POINTS", "TITLE_MARGIN", "Canvas", "bin_ticks", "fit_title", "printable_canvas", "short", "thin"]
