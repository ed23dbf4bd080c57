"""Figures computed once from engine results and drawn anywhere (sklearn's ``RocCurveDisplay`` split).

``RocFigure.of(names, indexes, points).draw(plt, width)`` draws onto the
:mod:`plotext` module headless (``wit-tui report``) and onto a Textual
``PlotextPlot.plt`` in the app: one drawing per plot, not one per screen.
"""

from wit_tui.render.figures.base import MAX_POINTS, TITLE_MARGIN, Canvas, fit_title, printable_canvas, thin
from wit_tui.render.figures.calibration import RELIABILITY_TITLE, ReliabilityFigure
from wit_tui.render.figures.curves import PR_TITLE, ROC_TITLE, Curve, PrFigure, RocFigure
from wit_tui.render.figures.dependence import DependenceFigure
from wit_tui.render.figures.histograms import HistogramFigure, SplitHistogramFigure, split_values
from wit_tui.render.figures.regression import ResidualsFigure, ScatterFigure

Figure = (
    RocFigure
    | PrFigure
    | ReliabilityFigure
    | HistogramFigure
    | SplitHistogramFigure
    | DependenceFigure
    | ResidualsFigure
    | ScatterFigure
)

__all__ = [
    "MAX_POINTS",
    "PR_TITLE",
    "RELIABILITY_TITLE",
    "ROC_TITLE",
    "TITLE_MARGIN",
    "Canvas",
    "Curve",
    "DependenceFigure",
    "Figure",
    "HistogramFigure",
    "PrFigure",
    "ReliabilityFigure",
    "ResidualsFigure",
    "RocFigure",
    "ScatterFigure",
    "SplitHistogramFigure",
    "fit_title",
    "printable_canvas",
    "split_values",
    "thin",
]
