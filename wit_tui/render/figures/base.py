"""What every figure shares: the plotext-like surface it draws on, title fitting and downsampling.

A figure is computed once from engine results and drawn by one ``draw(plt, width)``
onto either the :mod:`plotext` module itself (headless: ``plt.build()`` then gives
the text) or a Textual ``PlotextPlot.plt``; the two offer the same calls.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

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

    No width (a plot not laid out yet) keeps the title whole."""
    if width:
        limit = width - TITLE_MARGIN
        if len(title) > limit:
            return title[: max(limit - 1, 1)] + "…"
    return title


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


__all__ = ["MAX_POINTS", "TITLE_MARGIN", "Canvas", "bin_ticks", "fit_title", "short", "thin"]
