"""ROC and precision-recall curves: one drawing for the performance screen and ``wit-tui report --plots``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np

from wit_tui.engine.metrics.binary import ThresholdIndex
from wit_tui.render.figures.base import Canvas, axis_label_room, fit_title, legend, start, thin, value_ticks
from wit_tui.render.palette import REFERENCE, model_color

ROC_TITLE = "ROC curve (● = operating point)"
PR_TITLE = "Precision-recall (● = operating point)"

Point = tuple[float, float]


@dataclass(frozen=True)
class Curve:
    """One model's curve (x and y in [0, 1]) and its operating point (drawn as ●), if any."""

    name: str
    x: np.ndarray
    y: np.ndarray
    point: Point | None = None

    def draw(self, plt: Canvas, color: str) -> None:
        ok = np.isfinite(self.x) & np.isfinite(self.y)
        xs, ys = thin(np.asarray(self.x)[ok], np.asarray(self.y)[ok])
        if xs:
            plt.plot(xs, ys, marker="braille", color=color)
        if self.point is not None and all(np.isfinite(self.point)):
            plt.scatter([self.point[0]], [self.point[1]], marker="●", color=color)


@dataclass(frozen=True)
class _CurvesFigure:
    """Curves on one [0, 1]² plot, a colour per curve."""

    curves: tuple[Curve, ...]
    title: str = ""
    xlabel: ClassVar[str] = ""
    ylabel: ClassVar[str] = ""
    diagonal: ClassVar[bool] = False

    @staticmethod
    def curve(name: str, idx: ThresholdIndex, point: Point | None) -> Curve:
        raise NotImplementedError

    @classmethod
    def of(
        cls,
        names: Sequence[str],
        indexes: Sequence[ThresholdIndex],
        points: Sequence[Point | None],
        title: str | None = None,
    ) -> Self:
        """Each model's curve from its threshold index (the default title unless one is given)."""
        curves = tuple(cls.curve(name, idx, point) for name, idx, point in zip(names, indexes, points, strict=True))
        return cls(curves) if title is None else cls(curves, title)

    def draw(self, plt: Canvas, width: int | None = None, height: int | None = None) -> None:
        """Draw; the legend (each curve's name and colour) is the x axis line, under the plot: plotext's own sits
        in the top-left corner, where a good ROC curve runs."""
        start(plt)
        plt.title(fit_title(self.title, width))
        entries = [(curve.name, model_color(k)) for k, curve in enumerate(self.curves)]
        room = axis_label_room(width, self.ylabel)
        names = legend(entries, None if room is None else room - len(self.xlabel) - 3)
        plt.xlabel(f"{self.xlabel} · {names}" if names else self.xlabel)
        plt.ylabel(self.ylabel)
        if self.diagonal:
            plt.plot([0, 1], [0, 1], marker="dot", color=REFERENCE)
        for k, curve in enumerate(self.curves):
            curve.draw(plt, model_color(k))
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        plt.xticks(*value_ticks(0.0, 1.0))
        plt.yticks(*value_ticks(0.0, 1.0))


@dataclass(frozen=True)
class RocFigure(_CurvesFigure):
    """ROC curves (x = false positive rate, y = true positive rate), each labelled with its AUC, and the chance
    diagonal dotted."""

    title: str = ROC_TITLE
    xlabel: ClassVar[str] = "false positive rate"
    ylabel: ClassVar[str] = "TPR"
    diagonal: ClassVar[bool] = True

    @staticmethod
    def curve(name: str, idx: ThresholdIndex, point: Point | None) -> Curve:
        return Curve(f"{name} AUC {idx.roc_auc:.3f}", idx.roc_curve.fpr, idx.roc_curve.tpr, point)


@dataclass(frozen=True)
class PrFigure(_CurvesFigure):
    """Precision-recall curves (x = recall, y = precision), each labelled with its average precision."""

    title: str = PR_TITLE
    xlabel: ClassVar[str] = "recall"
    ylabel: ClassVar[str] = "precision"

    @staticmethod
    def curve(name: str, idx: ThresholdIndex, point: Point | None) -> Curve:
        return Curve(f"{name} AP {idx.average_precision:.3f}", idx.pr_curve.recall, idx.pr_curve.precision, point)


__all__ = ["PR_TITLE", "ROC_TITLE", "Curve", "PrFigure", "RocFigure"]
