"""Regression figures: residual histograms of each model over the same bins, and predicted against actual."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.render.figures.base import Canvas, fit_title
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
        return cls(title, names, tuple(f"{c:.3g}" for c in centers), counts)

    def draw(self, plt: Canvas, width: int | None = None) -> None:
        plt.clear_figure()
        if not self.labels:
            plt.title(fit_title(f"{self.title}: no values", width))
            return
        plt.title(fit_title(self.title, width))
        labels = list(self.labels)
        if len(self.counts) == 1:
            plt.bar(labels, list(self.counts[0]), width=0.6, color=model_color(0))
        else:
            colors = list(MODEL_COLORS[: len(self.counts)])
            plt.multiple_bar(labels, [list(c) for c in self.counts], labels=list(self.names), color=colors)
        step = max(1, len(labels) // 5)
        plt.xticks(list(range(1, len(labels) + 1))[::step], labels[::step])
        plt.xlabel("prediction − label")


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

    def draw(self, plt: Canvas, width: int | None = None) -> None:
        plt.clear_figure()
        plt.title(fit_title(self.title, width))
        x = list(self.actual)
        for k, (name, pred) in enumerate(self.predicted):
            plt.scatter(x, list(pred), label=name, marker="dot", color=model_color(k))
        lo, hi = self.span
        plt.plot([lo, hi], [lo, hi], marker="dot", color=REFERENCE)
        plt.xlabel("actual")
        plt.ylabel("predicted")


__all__ = ["SCATTER_LIMIT", "ResidualsFigure", "ScatterFigure"]
