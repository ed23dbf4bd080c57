"""Drawing split histograms with plotext: several series (groups, or reference vs current) over the same bins.

Overlaid series are drawn as step outlines, so every group stays visible where
they overlap; side-by-side series are plotext's grouped bars. Each series is a
share of its own group (groups of different sizes stay comparable, and the
legend gives each group's size), or, on a log scale, log10(count + 1).
"""

from __future__ import annotations

import numpy as np
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.stats import SplitHistogram

COLORS = ("cyan", "orange", "green", "magenta", "red", "blue", "yellow")
LABEL_WIDTH = 12


def _short(label: str, width: int = LABEL_WIDTH) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def split_values(split: SplitHistogram, log: bool) -> tuple[np.ndarray, str]:
    """The y values drawn per group and bin, and the y axis label."""
    if log:
        return np.log10(split.counts + 1.0), "log10(count+1)"
    return 100.0 * split.shares(), "% of group"


def draw_split(
    plot: PlotextPlot, split: SplitHistogram, title: str, *, overlay: bool = True, log: bool = False
) -> None:
    """One series per group over the histogram's bins: step outlines (overlay) or grouped bars (side by side)."""
    plt = plot.plt
    plt.clear_figure()
    plt.title(title)
    hist = split.histogram
    values, ylabel = split_values(split, log)
    plt.ylabel(ylabel)
    if values.size == 0 or not split.groups:
        plt.title(f"{title}: no values")
        plot.refresh()
        return
    sizes = split.counts.sum(axis=1)
    legends = [f"{_short(g, 14)} ({n:,})" for g, n in zip(split.groups, sizes.tolist(), strict=True)]
    numeric = hist.edges is not None
    if numeric:
        edges = np.asarray(hist.edges, dtype=np.float64)
        ticks = np.linspace(edges[0], edges[-1], 5)
        tick_labels = [f"{t:.4g}" for t in ticks]
    else:
        edges = np.arange(len(hist.counts) + 1, dtype=np.float64) - 0.5
        ticks = np.arange(len(hist.counts), dtype=np.float64)
        tick_labels = [_short(lab, 8) for lab in hist.labels]
    if overlay:
        x = np.repeat(edges, 2)[1:-1].tolist()
        for g in range(len(split.groups)):
            if sizes[g] == 0:
                continue
            y = np.repeat(values[g], 2).tolist()
            plt.plot(x, y, label=legends[g], marker="braille", color=COLORS[g % len(COLORS)])
        plt.xticks(ticks.tolist(), tick_labels)
    else:
        if numeric:
            centers = (edges[:-1] + edges[1:]) / 2
            names = [f"{c:.3g}" for c in centers]
        else:
            names = [_short(lab, 8) for lab in hist.labels]
        series = [values[g].tolist() for g in range(len(split.groups))]
        plt.multiple_bar(names, series, labels=legends, color=[COLORS[g % len(COLORS)] for g in range(len(series))])
    plot.refresh()


__all__ = ["COLORS", "draw_split", "split_values"]
