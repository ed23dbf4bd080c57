"""Regression figures: residual histograms of each model over the same bins, and predicted against actual."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.render.figures.base import (
    Canvas,
    axis_label_room,
    count_ticks,
    fit_title,
    legend,
    number,
    start,
    value_ticks,
)
from wit_tui.render.palette import MODEL_COLORS, REFERENCE, model_color

#: Points drawn in a scatter plot (a seeded sample beyond it: a terminal shows no more).
SCATTER_LIMIT = 2_000


@dataclass(frozen=True)
class ResidualsFigure:
    """Each model's residual counts over shared bins (``labels`` are the bin centres), side by side."""

    title: str
    names: tuple[str, ...]
    labels: tuple[str, ...]
    counts: tuple[tuple[float, ...], ...]

    @classmethod
    def of(cls, residuals: Sequence[tuple[str, np.ndarray]], title: str, bins: int = 20) -> ResidualsFigure:
        """Bin every model's finite residuals on the edges of all of them together."""
        finite = [r[np.isfinite(r)] for _, r in residuals]
        both = np.concatenate(finite) if finite else np.zeros(0)
        names = tuple(name for name, _ in residuals)
        if len(both) == 0:
            return cls(title, names, (), ())
        edges = np.histogram_bin_edges(both, bins=bins)
        counts = tuple(tuple(np.histogram(r, bins=edges)[0].astype(float).tolist()) for r in finite)
        centers = (edges[:-1] + edges[1:]) / 2
        _, labels = value_ticks(float(centers[0]), float(centers[-1]), count=len(centers))
        decimals = max((len(lab.split(".")[1]) for lab in labels if "." in lab), default=0)
        return cls(title, names, tuple(number(c, decimals) for c in centers), counts)

    def draw(self, plt: Canvas, width: int | None = None, height: int | None = None) -> None:
        """Draw; counts on whole-number ticks, the bins' centres in one format, the legend under the plot."""
        start(plt)
        if not self.labels:
            plt.title(fit_title(f"{self.title}: no values", width))
            return
        plt.title(fit_title(self.title, width))
        labels = list(self.labels)
        if len(self.counts) == 1:
            plt.bar(labels, list(self.counts[0]), width=0.6, color=model_color(0))
        else:
            colors = list(MODEL_COLORS[: len(self.counts)])
            plt.multiple_bar(labels, [list(c) for c in self.counts], color=colors)
        step = max(1, len(labels) // 5)
        plt.xticks(list(range(1, len(labels) + 1))[::step], labels[::step])
        plt.yticks(*count_ticks(max((max(c, default=0.0) for c in self.counts), default=0.0)))
        xlabel = "prediction − label"
        if len(self.counts) > 1:
            entries = [(name, model_color(k)) for k, name in enumerate(self.names)]
            room = axis_label_room(width)
            xlabel += " · " + legend(entries, None if room is None else room - len(xlabel) - 3)
        plt.xlabel(xlabel)


@dataclass(frozen=True)
class ScatterFigure:
    """Predicted against actual values (a seeded sample), with the diagonal y = x over both ranges."""

    title: str
    actual: tuple[float, ...]
    predicted: tuple[tuple[str, tuple[float, ...]], ...]
    span: tuple[float, float]

    @classmethod
    def of(
        cls, actual: np.ndarray, predicted: Sequence[tuple[str, np.ndarray]], title: str, limit: int = SCATTER_LIMIT
    ) -> ScatterFigure:
        actual = np.asarray(actual, dtype=np.float64)
        n = len(actual)
        idx = np.arange(n)
        if n > limit:
            idx = np.sort(np.random.default_rng(0).choice(n, size=limit, replace=False))
        lo = float(np.nanmin(actual)) if n else 0.0
        hi = float(np.nanmax(actual)) if n else 1.0
        series = []
        for name, pred in predicted:
            pred = np.asarray(pred, dtype=np.float64)
            series.append((name, tuple(pred[idx].tolist())))
            lo, hi = min(lo, float(np.nanmin(pred))), max(hi, float(np.nanmax(pred)))
        return cls(title, tuple(actual[idx].tolist()), tuple(series), (lo, hi))

    def draw(self, plt: Canvas, width: int | None = None, height: int | None = None) -> None:
        """Draw; both axes in one format each (negative values with their sign), the legend under the plot."""
        start(plt)
        plt.title(fit_title(self.title, width))
        x = list(self.actual)
        for k, (_, pred) in enumerate(self.predicted):
            plt.scatter(x, list(pred), marker="dot", color=model_color(k))
        lo, hi = self.span
        plt.plot([lo, hi], [lo, hi], marker="dot", color=REFERENCE)
        entries = [(name, model_color(k)) for k, (name, _) in enumerate(self.predicted)]
        room = axis_label_room(width, "predicted")
        names = legend(entries, None if room is None else room - len("actual") - 3)
        plt.xlabel(f"actual · {names}" if names else "actual")
        plt.ylabel("predicted")
        if hi > lo:
            plt.xticks(*value_ticks(lo, hi))
            plt.yticks(*value_ticks(lo, hi))


__all__ = ["SCATTER_LIMIT", "ResidualsFigure", "ScatterFigure"]
