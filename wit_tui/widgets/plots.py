"""Drawing engine results with plotext (through textual-plotext), downsampled to what a terminal can show."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from textual_plotext import PlotextPlot

from wit_tui.engine.stats import Histogram

MAX_POINTS = 400


def thin(x: np.ndarray, y: np.ndarray, limit: int = MAX_POINTS) -> tuple[list[float], list[float]]:
    """Keep at most ``limit`` points, always the first and last (a terminal has ~100 columns)."""
    n = len(x)
    if n > limit:
        idx = np.unique(np.r_[np.linspace(0, n - 1, limit).astype(int), n - 1])
        x, y = x[idx], y[idx]
    return np.asarray(x, float).tolist(), np.asarray(y, float).tolist()


def draw_roc(plot: PlotextPlot, curves: Sequence[tuple[str, np.ndarray, np.ndarray, tuple[float, float]]]) -> None:
    """ROC curves (name, fpr, tpr, operating point) on one plot, the diagonal dotted."""
    plt = plot.plt
    plt.clear_figure()
    plt.title("ROC curve (● = operating point)")
    plt.xlabel("false positive rate")
    plt.ylabel("TPR")
    plt.plot([0, 1], [0, 1], marker="dot", color="gray")
    colors = ["cyan", "orange", "green", "magenta"]
    for k, (name, fpr, tpr, point) in enumerate(curves):
        x, y = thin(fpr, tpr)
        plt.plot(x, y, label=name, marker="braille", color=colors[k % len(colors)])
        plt.scatter([point[0]], [point[1]], marker="●", color=colors[k % len(colors)])
    plt.xlim(0, 1)
    plt.ylim(0, 1)
    plot.refresh()


def draw_histogram(plot: PlotextPlot, hist: Histogram, title: str, *, log: bool = False) -> None:
    """A histogram (numeric bins) or bar chart (categories) of precomputed counts."""
    plt = plot.plt
    plt.clear_figure()
    plt.title(title)
    counts = hist.counts.astype(float)
    if log:
        counts = np.log10(counts + 1)
        plt.ylabel("log10(count+1)")
    if len(counts) == 0:
        plt.title(f"{title}: no values")
        plot.refresh()
        return
    if hist.labels:
        labels = [lab if len(lab) <= 14 else lab[:13] + "…" for lab in hist.labels]
        if len(labels) > 8:
            plt.bar(labels[::-1], counts.tolist()[::-1], orientation="horizontal", width=0.6)
        else:
            plt.bar(labels, counts.tolist(), width=0.6)
    else:
        edges = hist.edges
        centers = ((edges[:-1] + edges[1:]) / 2).tolist()
        plt.bar(centers, counts.tolist(), width=1.0)
        ticks = np.linspace(edges[0], edges[-1], 5)
        plt.xticks(ticks.tolist(), [f"{t:.4g}" for t in ticks])
    plot.refresh()
