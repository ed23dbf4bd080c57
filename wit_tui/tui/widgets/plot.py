"""Drawing engine results with plotext (through textual-plotext), downsampled to what a terminal can show."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.stats import Histogram

MAX_POINTS = 400
TITLE_MARGIN = 4  # plotext leaves out a title longer than the plot's width minus this


def set_title(plot: PlotextPlot, title: str) -> None:
    """The plot's title, shortened with … to fit the plot's current width (plotext drops a longer one)."""
    width = plot.size.width
    limit = width - TITLE_MARGIN
    if width and len(title) > limit:
        title = title[: max(limit - 1, 1)] + "…"
    plot.plt.title(title)


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
    set_title(plot, "ROC curve (● = operating point)")
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
    set_title(plot, title)
    counts = hist.counts.astype(float)
    if log:
        counts = np.log10(counts + 1)
        plt.ylabel("log10(count+1)")
    if len(counts) == 0:
        set_title(plot, f"{title}: no values")
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


COLORS = ["cyan", "orange", "green", "magenta"]


def draw_curves(
    plot: PlotextPlot,
    title: str,
    xlabel: str,
    ylabel: str,
    curves: Sequence[tuple[str, np.ndarray, np.ndarray, tuple[float, float] | None]],
    *,
    diagonal: bool = False,
) -> None:
    """Curves (name, x, y, operating point or None) on one [0, 1]² plot; the operating points as ●."""
    plt = plot.plt
    plt.clear_figure()
    set_title(plot, title)
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    if diagonal:
        plt.plot([0, 1], [0, 1], marker="dot", color="gray")
    for k, (name, x, y, point) in enumerate(curves):
        color = COLORS[k % len(COLORS)]
        ok = np.isfinite(x) & np.isfinite(y)
        xs, ys = thin(np.asarray(x)[ok], np.asarray(y)[ok])
        if xs:
            plt.plot(xs, ys, label=name, marker="braille", color=color)
        if point is not None and all(np.isfinite(point)):
            plt.scatter([point[0]], [point[1]], marker="●", color=color)
    plt.xlim(0, 1)
    plt.ylim(0, 1)
    plot.refresh()


def draw_pr(
    plot: PlotextPlot,
    curves: Sequence[tuple[str, np.ndarray, np.ndarray, tuple[float, float] | None]],
    title: str = "Precision-recall (● = operating point)",
) -> None:
    """Precision-recall curves: x = recall, y = precision."""
    draw_curves(plot, title, "recall", "precision", curves)


def draw_residuals(plot: PlotextPlot, residuals: Sequence[tuple[str, np.ndarray]], title: str, bins: int = 20) -> None:
    """Histograms of each model's residuals over the same bins, side by side."""
    plt = plot.plt
    plt.clear_figure()
    set_title(plot, title)
    finite = [r[np.isfinite(r)] for _, r in residuals]
    both = np.concatenate(finite) if finite else np.zeros(0)
    if len(both) == 0:
        set_title(plot, f"{title}: no values")
        plot.refresh()
        return
    edges = np.histogram_bin_edges(both, bins=bins)
    counts = [np.histogram(r, bins=edges)[0].astype(float).tolist() for r in finite]
    centers = ((edges[:-1] + edges[1:]) / 2).tolist()
    labels = [f"{c:.3g}" for c in centers]
    if len(counts) == 1:
        plt.bar(labels, counts[0], width=0.6, color=COLORS[0])
    else:
        plt.multiple_bar(labels, counts, labels=[name for name, _ in residuals], color=COLORS[: len(counts)])
    step = max(1, len(labels) // 5)
    plt.xticks(list(range(1, len(labels) + 1))[::step], labels[::step])
    plt.xlabel("prediction − label")
    plot.refresh()


def draw_scatter(
    plot: PlotextPlot, actual: np.ndarray, predicted: Sequence[tuple[str, np.ndarray]], title: str, limit: int = 2_000
) -> None:
    """Predicted against actual values (a seeded sample of ``limit`` points), with the diagonal y = x."""
    plt = plot.plt
    plt.clear_figure()
    set_title(plot, title)
    actual = np.asarray(actual, dtype=np.float64)
    n = len(actual)
    idx = np.arange(n)
    if n > limit:
        idx = np.sort(np.random.default_rng(0).choice(n, size=limit, replace=False))
    lo = float(np.nanmin(actual)) if n else 0.0
    hi = float(np.nanmax(actual)) if n else 1.0
    for k, (name, pred) in enumerate(predicted):
        pred = np.asarray(pred, dtype=np.float64)
        plt.scatter(actual[idx].tolist(), pred[idx].tolist(), label=name, marker="dot", color=COLORS[k % len(COLORS)])
        lo, hi = min(lo, float(np.nanmin(pred))), max(hi, float(np.nanmax(pred)))
    plt.plot([lo, hi], [lo, hi], marker="dot", color="gray")
    plt.xlabel("actual")
    plt.ylabel("predicted")
    plot.refresh()
