"""The reliability diagram: each model's share of positives against its mean probability per bin, on the same
[0, 1]² plot as the ROC curves (the diagonal is perfect calibration), for the screen and the report alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from wit_tui.engine.metrics.calibration import Calibration
from wit_tui.render.figures.base import Canvas
from wit_tui.render.figures.curves import Curve, _CurvesFigure

RELIABILITY_TITLE = "Reliability (● = a bin; diagonal = calibrated)"


@dataclass(frozen=True)
class BinCurve(Curve):
    """A reliability curve: the line through the bins, and each bin as ●."""

    def draw(self, plt: Canvas, color: str) -> None:
        super().draw(plt, color)
        ok = np.isfinite(self.x) & np.isfinite(self.y)
        if ok.any():
            plt.scatter(np.asarray(self.x)[ok].tolist(), np.asarray(self.y)[ok].tolist(), marker="●", color=color)


@dataclass(frozen=True)
class ReliabilityFigure(_CurvesFigure):
    """Reliability diagrams (x = a bin's mean probability, "predicted"; y = its share of positives, "actual"); a
    model without probabilities keeps its colour and says so in the legend (the ECE is in the table beside)."""

    title: str = RELIABILITY_TITLE
    xlabel: ClassVar[str] = "predicted"
    ylabel: ClassVar[str] = "actual"
    diagonal: ClassVar[bool] = True

    @classmethod
    def of_calibrations(
        cls, names: Sequence[str], calibrations: Sequence[Calibration], title: str | None = None
    ) -> ReliabilityFigure:
        curves = tuple(_curve(name, c) for name, c in zip(names, calibrations, strict=True))
        return cls(curves) if title is None else cls(curves, title)


def _curve(name: str, c: Calibration) -> Curve:
    if c.curve is None:
        why = "no probabilities" if "margins" in c.reason else "no rows" if c.n == 0 else "none"
        return BinCurve(f"{name}: {why}", np.zeros(0), np.zeros(0))
    return BinCurve(name, c.curve.prob_pred, c.curve.prob_true)


__all__ = ["RELIABILITY_TITLE", "BinCurve", "ReliabilityFigure"]
