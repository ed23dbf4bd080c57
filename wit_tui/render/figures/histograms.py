"""Histograms: one feature's (or score's) counts, and one histogram split by group.

Counts read as whole numbers, on the axis and on each category's bar. Overlaid split series are step outlines, so
every group stays visible where they overlap; past three groups outlines are a tangle, so each group gets its own
small plot side by side (one shared y range, each titled with its group). Side-by-side series are plotext's grouped
bars. Each split series is a share of its own group (groups of different sizes stay comparable, and the legend
gives each group's size), or, on a log scale, log10(count + 1). Legends are a line under the plot, never on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wit_tui.engine.analysis.split_histograms import SplitHistogram
from wit_tui.engine.analysis.stats import Histogram
from wit_tui.render.figures.base import (
    TITLE_MARGIN,
    Canvas,
    axis_label_room,
    bin_ticks,
    count_ticks,
    fit_title,
    legend,
    printable_canvas,
    short,
    start,
    value_ticks,
)
from wit_tui.render.palette import group_color

LOG_LABEL = "log10(count+1)"
#: more overlaid groups than this are drawn as small multiples, one plot per group
MAX_OVERLAID = 3
#: rows a plot spends on its title, frame and tick labels (what is left shows the data)
CHROME_ROWS = 4
#: a plot's height when the caller does not say (the report's and tests' plots are about this tall)
DEFAULT_HEIGHT = 20


def _data_rows(height: int | None) -> int:
    return max(3, (height or DEFAULT_HEIGHT) - CHROME_ROWS - 1)


def _count_text(value: float, log: bool) -> str:
    return f"{int(round(10**value - 1)):,}" if log else f"{int(round(value)):,}"


def _value_axis(top: float, log: bool) -> tuple[list[float], list[str]]:
    """Counts (or their log10) on whole-number ticks."""
    return value_ticks(0.0, max(top, 1.0), integer=True) if log else count_ticks(top)


def draw_counted_bars(
    plt: Canvas, labels: list[str], counts: list[float], log: bool, width: int | None, height: int | None
) -> None:
    """Categories' bars with each bar's count written at its end; vertical up to 8 categories, else horizontal."""
    top = max(counts, default=0.0)
    texts = [_count_text(c, log) for c in counts]
    if len(labels) > 8:  # horizontal: the count right of the bar, the axis stretched to leave it room
        cols = max(10, (width or 80) - max(len(lab) for lab in labels) - 3)
        room = max(len(t) for t in texts) + 2
        limit = max(top, 1.0) * cols / max(cols - room, 1)
        plt.bar(labels[::-1], counts[::-1], orientation="horizontal", width=0.6)
        for i, (value, text) in enumerate(zip(counts[::-1], texts[::-1], strict=True)):
            plt.text(text, value + limit / cols, i + 1, alignment="left")
        plt.xlim(0, limit)
        plt.xticks(*_value_axis(top, log))
        return
    rows = _data_rows(height)
    limit = max(top, 1.0) * (rows + 1.5) / rows  # a row above the tallest bar for its count
    plt.bar(labels, counts, width=0.6)
    for i, (value, text) in enumerate(zip(counts, texts, strict=True)):
        plt.text(text, i + 1, value + limit / rows, alignment="center")
    plt.ylim(0, limit)
    plt.yticks(*_value_axis(top, log))


@dataclass(frozen=True)
class HistogramFigure:
    """A histogram (numeric bins) or bar chart (categories, horizontal past 8) of precomputed counts."""

    histogram: Histogram
    title: str
    log: bool = False
    tick_digits: int = 4  # kept for callers; the ticks are round numbers in one format now

    @classmethod
    def of_values(cls, values: np.ndarray, title: str, bins: int = 20, tick_digits: int = 4) -> HistogramFigure:
        """The finite ``values`` counted over ``bins`` equal-width bins (as ``np.histogram``)."""
        counts, edges = np.histogram(values[np.isfinite(values)], bins=bins)
        return cls(Histogram(counts=counts, edges=edges), title, tick_digits=tick_digits)

    def draw(self, plt: Canvas, width: int | None = None, height: int | None = None) -> None:
        hist = self.histogram
        start(plt)
        plt.title(fit_title(self.title, width))
        counts = hist.counts.astype(float)
        if self.log:
            counts = np.log10(counts + 1)
            plt.ylabel(LOG_LABEL)
        if len(counts) == 0:
            plt.title(fit_title(f"{self.title}: no values", width))
        elif hist.labels:
            labels = [short(lab, 14) for lab in hist.labels]
            draw_counted_bars(plt, labels, counts.tolist(), self.log, width, height)
        elif hist.edges is not None:
            edges = hist.edges
            plt.bar(((edges[:-1] + edges[1:]) / 2).tolist(), counts.tolist(), width=1.0)
            plt.xticks(*bin_ticks(edges))
            plt.yticks(*_value_axis(float(counts.max()), self.log))


def split_values(split: SplitHistogram, log: bool) -> tuple[np.ndarray, str]:
    """The y values drawn per group and bin, and the y axis label."""
    if log:
        return np.log10(split.counts + 1.0), LOG_LABEL
    return 100.0 * split.shares(), "% of group"


@dataclass(frozen=True)
class SplitHistogramFigure:
    """One series per group over the histogram's bins: step outlines (overlay; small multiples past three groups)
    or grouped bars (side by side)."""

    split: SplitHistogram
    title: str
    overlay: bool = True
    log: bool = False

    @property
    def multiples(self) -> bool:
        """Whether each group gets its own plot (overlaid outlines of more than three groups are a tangle)."""
        return self.overlay and len(self.split.groups) > MAX_OVERLAID

    def draw(self, plt: Canvas, width: int | None = None, height: int | None = None) -> None:
        split = self.split
        start(plt)
        values, ylabel = split_values(split, self.log)
        if values.size == 0 or not split.groups:
            plt.title(fit_title(f"{self.title}: no values", width))
            plt.ylabel(ylabel)
            return
        if self.multiples:
            self._draw_multiples(plt, values, width)
            return
        sizes = split.counts.sum(axis=1)
        names = [f"{short(g, 14)} ({n:,})" for g, n in zip(split.groups, sizes.tolist(), strict=True)]
        plt.title(fit_title(self.title, width))
        plt.ylabel(ylabel)
        entries = [(n, group_color(g)) for g, n in enumerate(names)]
        plt.xlabel(legend(entries, axis_label_room(width, ylabel)))
        if self.overlay:
            self._draw_steps(plt, values, sizes)
        else:
            self._draw_bars(plt, values)
        plt.yticks(*self._y_ticks(values))

    def _y_ticks(self, values: np.ndarray) -> tuple[list[float], list[str]]:
        top = float(np.nanmax(values)) if values.size else 1.0
        return value_ticks(0.0, max(top, 1.0), integer=True) if self.log else value_ticks(0.0, max(top, 1e-9))

    def _edges(self) -> tuple[np.ndarray, list[float], list[str]]:
        hist = self.split.histogram
        if hist.edges is not None:
            edges = np.asarray(hist.edges, dtype=np.float64)
            return (edges, *bin_ticks(edges))
        n = len(hist.counts)
        edges = np.arange(n + 1, dtype=np.float64) - 0.5
        return edges, np.arange(n, dtype=np.float64).tolist(), [short(lab, 8) for lab in hist.labels]

    def _draw_steps(self, plt: Canvas, values: np.ndarray, sizes: np.ndarray, groups: list[int] | None = None) -> None:
        edges, ticks, tick_labels = self._edges()
        x = np.repeat(edges, 2)[1:-1].tolist()
        for g in range(len(self.split.groups)) if groups is None else groups:
            if sizes[g] == 0:
                continue
            y = np.repeat(values[g], 2).tolist()
            plt.plot(x, y, marker="braille", color=group_color(g))
        plt.xticks(ticks, tick_labels)

    def _draw_bars(self, plt: Canvas, values: np.ndarray) -> None:
        hist = self.split.histogram
        if hist.edges is not None:
            edges = np.asarray(hist.edges, dtype=np.float64)
            centres = (edges[:-1] + edges[1:]) / 2
            _, labels = value_ticks(float(centres.min()), float(centres.max()), count=len(centres))
            step = float(centres[1] - centres[0]) if len(centres) > 1 else 1.0
            decimals = max((len(lab.split(".")[1]) for lab in labels if "." in lab), default=0)
            names = [f"{c:,.{decimals if step < 10 else 0}f}".replace("-", "−") for c in centres]
        else:
            names = [short(lab, 8) for lab in hist.labels]
        series = [values[g].tolist() for g in range(len(self.split.groups))]
        plt.multiple_bar(names, series, color=[group_color(g) for g in range(len(series))])

    def _draw_multiples(self, plt: Canvas, values: np.ndarray, width: int | None) -> None:
        """One plot per group, side by side, on one y range; the y ticks only on the first (they are shared)."""
        split = self.split
        n = len(split.groups)
        plt.subplots(1, n)
        top = max(float(np.nanmax(values)) if values.size else 1.0, 1e-9)
        ticks = self._y_ticks(values)
        each = (width or 80) // n
        sizes = split.counts.sum(axis=1).tolist()
        for g in range(n):
            sub = printable_canvas(plt.subplot(1, g + 1))
            size = f" ({int(sizes[g]):,})"  # the group's size is a number: the name is shortened, never it
            sub.title(short(split.groups[g], max(each - len(size) - TITLE_MARGIN, 1)) + size)
            if split.histogram.edges is None:  # horizontal bars: the categories on the shared axis, named once
                labels = [short(lab, 10) for lab in split.histogram.labels][::-1]
                sub.bar(labels, values[g].tolist()[::-1], orientation="horizontal", width=0.6, color=group_color(g))
                sub.xlim(0, top)
                sub.xticks(*value_ticks(0.0, top, count=2, integer=self.log))
            else:
                edges, xticks, xlabels = self._edges()
                x = np.repeat(edges, 2)[1:-1].tolist()
                sub.plot(x, np.repeat(values[g], 2).tolist(), marker="braille", color=group_color(g))
                sub.xticks([xticks[0], xticks[-1]], [xlabels[0], xlabels[-1]])
                sub.ylim(0, top)
                sub.yticks(*ticks)
            if g:
                sub.yticks([], [])
        plt.main()  # later calls (the caller's size, the next drawing) are the whole figure's


__all__ = ["MAX_OVERLAID", "HistogramFigure", "SplitHistogramFigure", "draw_counted_bars", "split_values"]
