"""Histograms: one feature's (or score's) counts, and one histogram split by group.

Overlaid split series are step outlines, so every group stays visible where they
overlap; side-by-side series are plotext's grouped bars. Each split series is a
share of its own group (groups of different sizes stay comparable, and the legend
gives each group's size), or, on a log scale, log10(count + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wit_tui.engine.analysis.split_histograms import SplitHistogram
from wit_tui.engine.analysis.stats import Histogram
from wit_tui.render.figures.base import Canvas, bin_ticks, fit_title, short
from wit_tui.render.palette import group_color

LOG_LABEL = "log10(count+1)"


@dataclass(frozen=True)
class HistogramFigure:
    """A histogram (numeric bins) or bar chart (categories, horizontal past 8) of precomputed counts."""

    histogram: Histogram
    title: str
    log: bool = False
    tick_digits: int = 4

    @classmethod
    def of_values(cls, values: np.ndarray, title: str, bins: int = 20, tick_digits: int = 4) -> HistogramFigure:
        """The finite ``values`` counted over ``bins`` equal-width bins (as ``np.histogram``)."""
        counts, edges = np.histogram(values[np.isfinite(values)], bins=bins)
        return cls(Histogram(counts=counts, edges=edges), title, tick_digits=tick_digits)

    def draw(self, plt: Canvas, width: int | None = None) -> None:
        hist = self.histogram
        plt.clear_figure()
        plt.title(fit_title(self.title, width))
        counts = hist.counts.astype(float)
        if self.log:
            counts = np.log10(counts + 1)
            plt.ylabel(LOG_LABEL)
        if len(counts) == 0:
            plt.title(fit_title(f"{self.title}: no values", width))
        elif hist.labels:
            labels = [short(lab, 14) for lab in hist.labels]
            if len(labels) > 8:
                plt.bar(labels[::-1], counts.tolist()[::-1], orientation="horizontal", width=0.6)
            else:
                plt.bar(labels, counts.tolist(), width=0.6)
        elif hist.edges is not None:
            edges = hist.edges
            plt.bar(((edges[:-1] + edges[1:]) / 2).tolist(), counts.tolist(), width=1.0)
            plt.xticks(*bin_ticks(edges, self.tick_digits))


def split_values(split: SplitHistogram, log: bool) -> tuple[np.ndarray, str]:
    """The y values drawn per group and bin, and the y axis label."""
    if log:
        return np.log10(split.counts + 1.0), LOG_LABEL
    return 100.0 * split.shares(), "% of group"


@dataclass(frozen=True)
class SplitHistogramFigure:
    """One series per group over the histogram's bins: step outlines (overlay) or grouped bars (side by side)."""

    split: SplitHistogram
    title: str
    overlay: bool = True
    log: bool = False

    def draw(self, plt: Canvas, width: int | None = None) -> None:
        """Draw; the title is not shortened (``width`` is accepted so every figure draws alike)."""
        split = self.split
        plt.clear_figure()
        plt.title(self.title)
        values, ylabel = split_values(split, self.log)
        plt.ylabel(ylabel)
        if values.size == 0 or not split.groups:
            plt.title(f"{self.title}: no values")
            return
        sizes = split.counts.sum(axis=1)
        legends = [f"{short(g, 14)} ({n:,})" for g, n in zip(split.groups, sizes.tolist(), strict=True)]
        if self.overlay:
            self._draw_steps(plt, values, sizes, legends)
        else:
            self._draw_bars(plt, values, legends)

    def _edges(self) -> tuple[np.ndarray, list[float], list[str]]:
        hist = self.split.histogram
        if hist.edges is not None:
            edges = np.asarray(hist.edges, dtype=np.float64)
            return (edges, *bin_ticks(edges, 4))
        n = len(hist.counts)
        edges = np.arange(n + 1, dtype=np.float64) - 0.5
        return edges, np.arange(n, dtype=np.float64).tolist(), [short(lab, 8) for lab in hist.labels]

    def _draw_steps(self, plt: Canvas, values: np.ndarray, sizes: np.ndarray, legends: list[str]) -> None:
        edges, ticks, tick_labels = self._edges()
        x = np.repeat(edges, 2)[1:-1].tolist()
        for g in range(len(self.split.groups)):
            if sizes[g] == 0:
                continue
            y = np.repeat(values[g], 2).tolist()
            plt.plot(x, y, label=legends[g], marker="braille", color=group_color(g))
        plt.xticks(ticks, tick_labels)

    def _draw_bars(self, plt: Canvas, values: np.ndarray, legends: list[str]) -> None:
        hist = self.split.histogram
        if hist.edges is not None:
            edges = np.asarray(hist.edges, dtype=np.float64)
            names = [f"{c:.3g}" for c in (edges[:-1] + edges[1:]) / 2]
        else:
            names = [short(lab, 8) for lab in hist.labels]
        series = [values[g].tolist() for g in range(len(self.split.groups))]
        plt.multiple_bar(names, series, labels=legends, color=[group_color(g) for g in range(len(series))])


__all__ = ["HistogramFigure", "SplitHistogramFigure", "split_values"]
