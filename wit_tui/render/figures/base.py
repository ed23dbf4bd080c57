"""What every figure shares: the plotext-like surface it draws on, title fitting and downsampling.

A figure is computed once from engine results and drawn by one ``draw(plt, width)``
onto either the :mod:`plotext` module itself (headless: ``plt.build()`` then gives
the text) or a Textual ``PlotextPlot.plt``; the two offer the same calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
    def yticks(self, *args: Any, **kwargs: Any) -> Any: ...
    def text(self, *args: Any, **kwargs: Any) -> Any: ...
    def main(self, *args: Any, **kwargs: Any) -> Any: ...
    def subplots(self, *args: Any, **kwargs: Any) -> Any: ...
    def subplot(self, *args: Any, **kwargs: Any) -> Any: ...


def start(plt: Canvas) -> None:
    """A blank figure: back to the whole canvas (a previous drawing may have left a subplot active), cleared."""
    plt.main()
    plt.clear_figure()


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


def nice_step(span: float, count: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``count`` ticks over ``span``."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw * (1 - 1e-9))


def step_decimals(step: float) -> int:
    """The decimals a tick step needs (0.25 → 2, 5 → 0): every label of the axis gets as many."""
    for d in range(7):
        if abs(round(step, d) - step) <= 1e-9 * max(1.0, abs(step)):
            return d
    return 6


def number(value: float, decimals: int) -> str:
    """One axis label: thousands separators, ``decimals`` decimals, a negative value with its sign (−), never −0."""
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        return text.lstrip("-")
    return text.replace("-", "−")


def value_ticks(lo: float, hi: float, count: int = 5, integer: bool = False) -> tuple[list[float], list[str]]:
    """Round ticks inside [lo, hi], every label in one format (the same decimals); whole numbers for ``integer``
    axes (counts), so a count axis never reads 1469.2."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [], []
    if hi <= lo:
        return [lo], [number(lo, 0 if integer or float(lo).is_integer() else 2)]
    step = nice_step(hi - lo, count)
    if integer:
        step = max(1.0, math.ceil(step))
    first = math.ceil(lo / step - 1e-9) * step
    ticks = [first + k * step for k in range(int((hi - first) / step + 1e-9) + 1)]
    decimals = 0 if integer else step_decimals(step)
    return ticks, [number(t, decimals) for t in ticks]


def count_ticks(top: float, count: int = 5) -> tuple[list[float], list[str]]:
    """Whole-number ticks from 0 to ``top`` for an axis of counts."""
    return value_ticks(0.0, max(float(top), 1.0), count, integer=True)


def bin_ticks(edges: np.ndarray, count: int = 5) -> tuple[list[float], list[str]]:
    """Round x ticks over numeric bins, all labelled alike (17, 35.25, 53.5 would mix three formats)."""
    return value_ticks(float(edges[0]), float(edges[-1]), count)


def legend(entries: Sequence[tuple[str, str]], width: int | None = None) -> str:
    """A legend as one line of text (name and colour), for the title or the axis label: plotext's own legend sits
    on the data (over the first bar, over a ROC curve's corner). Entries that do not fit in ``width`` are left out
    whole and counted ("+2 more"): an entry is never cut (it ends with a number, a group's size or an AUC)."""
    parts = [f"{name} ({color})" for name, color in entries]
    for keep in range(len(parts), 0, -1):
        text = " · ".join(parts[:keep]) + (f" · +{len(parts) - keep} more" if keep < len(parts) else "")
        if width is None or len(text) <= width:
            return text
    return fit_title(parts[0], width)


def axis_label_room(width: int | None, ylabel: str = "") -> int | None:
    """The longest x label plotext shows under a plot ``width`` wide with ``ylabel`` (it drops a longer one)."""
    return None if width is None else max(width - 2 * len(ylabel) - 2, 8)


__all__ = [
    "MAX_POINTS",
    "TITLE_MARGIN",
    "Canvas",
    "axis_label_room",
    "bin_ticks",
    "count_ticks",
    "fit_title",
    "legend",
    "nice_step",
    "number",
    "printable_canvas",
    "short",
    "start",
    "step_decimals",
    "thin",
    "value_ticks",
]
