"""Each figure draws headless onto the plotext module, and the CLI's report plots are the app's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotext
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from wit_tui.engine.analysis.performance import threshold_index
from wit_tui.engine.analysis.split_histograms import split_histogram
from wit_tui.engine.analysis.stats import histogram
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.report import build_report
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.dependence import ice, partial_dependence
from wit_tui.render import report as render
from wit_tui.render.figures import (
    MAX_POINTS,
    TITLE_MARGIN,
    Curve,
    DependenceFigure,
    HistogramFigure,
    PrFigure,
    ResidualsFigure,
    RocFigure,
    ScatterFigure,
    SplitHistogramFigure,
    fit_title,
    thin,
)

WIDTH, HEIGHT = 100, 20


def drawn(figure, width: int = WIDTH) -> str:
    """The figure's text, as ``wit-tui report`` builds it (no colour)."""
    figure.draw(plotext, width)
    plotext.plotsize(width, HEIGHT)
    plotext.theme("clear")
    text = plotext.build()
    plotext.clear_figure()
    return text


@pytest.fixture(scope="module")
def binary_session() -> Session:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["a", "b"], size=n)})
    frame["y"] = np.where(frame["x"] + rng.normal(scale=0.7, size=n) > 0, "yes", "no")
    model = LogisticRegression().fit(frame[["x"]], frame["y"])
    return Session(frame, [LoadedModel("logit", model)], label="y", features=["x", "g"], positive="yes")


@pytest.fixture(scope="module")
def regression_session() -> Session:
    rng = np.random.default_rng(1)
    n = 200
    frame = pd.DataFrame({"x": rng.normal(size=n)})
    frame["y"] = 2 * frame["x"] + rng.normal(size=n)
    model = LinearRegression().fit(frame[["x"]], frame["y"])
    return Session(frame, [LoadedModel("ols", model)], label="y", features=["x"])


def test_roc_and_pr_draw_their_titles_labels_and_legends(binary_session):
    idx = threshold_index(binary_session, 0)
    roc = RocFigure.of(["logit"], [idx], [(0.2, 0.7)])
    text = drawn(roc)
    assert "ROC curve (● = operating point)" in text and "false positive rate" in text and "TPR" in text
    assert f"logit AUC {idx.roc_auc:.3f}" in text and "●" in text
    pr = drawn(PrFigure.of(["logit"], [idx], [None], title="Precision-recall"))
    assert "Precision-recall" in pr and "recall" in pr and f"logit AP {idx.average_precision:.3f}" in pr


def test_curves_are_thinned_and_titles_fit_the_width():
    x = np.linspace(0, 1, 5_000)
    xs, ys = thin(x, x)
    assert len(xs) <= MAX_POINTS + 1 and xs[0] == 0.0 and xs[-1] == 1.0
    assert fit_title("x" * 40, 30) == "x" * (30 - TITLE_MARGIN - 1) + "…" and fit_title("short", 30) == "short"
    assert fit_title("x" * 40, 0) == "x" * 40  # not laid out yet: whole
    text = drawn(RocFigure((Curve("c", x, x, (np.nan, 0.5)),), title="t" * 200), width=60)
    assert "t" * 50 + "…" in text  # plotext would have dropped the whole title


def test_histograms_draw_numeric_categorical_and_empty():
    numeric = histogram(pd.Series(np.arange(100.0)), bins=10)
    assert "age · 10 bins" in drawn(HistogramFigure(numeric, "age · 10 bins"))
    cats = histogram(pd.Series(list("aabbbc") * 3))
    text = drawn(HistogramFigure(cats, "letters", log=True))
    assert "letters" in text and "log10(count+1)" in text
    empty = HistogramFigure.of_values(np.array([np.nan]), "nothing")
    assert "nothing" in drawn(empty)
    assert "nothing: no values" in drawn(HistogramFigure(histogram(pd.Series([], dtype=float)), "nothing"))


def test_split_histograms_overlay_and_side_by_side():
    series = pd.Series(np.r_[np.arange(50.0), np.arange(25.0, 75.0)])
    hist = histogram(series, bins=5)
    codes = np.r_[np.zeros(50, int), np.ones(50, int)]
    split = split_histogram(series, hist, codes, ["left", "right"])
    for overlay in (True, False):
        text = drawn(SplitHistogramFigure(split, "by side", overlay=overlay))
        assert "by side" in text and "left (50)" in text and "right (50)" in text and "% of group" in text


def test_residuals_and_scatter(regression_session):
    s = regression_session
    residuals = s.scores(0).score - s.y.astype(float)
    text = drawn(ResidualsFigure.of([("ols", residuals)], "Residuals (prediction − label)"))
    assert "Residuals (prediction − label)" in text and "prediction − label" in text
    both = drawn(ResidualsFigure.of([("a", residuals), ("b", residuals * 2)], "two"))
    assert "two" in both and "a" in both and "b" in both
    assert "none: no values" in drawn(ResidualsFigure.of([("a", np.array([np.nan]))], "none"))
    scatter = ScatterFigure.of(s.y.astype(float), [("ols", s.scores(0).score)], "Predicted vs actual", limit=50)
    assert len(scatter.actual) == 50
    text = drawn(scatter)
    assert "Predicted vs actual" in text and "actual" in text and "predicted" in text and "ols" in text


def test_dependence_numeric_and_categorical(binary_session):
    s = binary_session
    point = s.row(0)
    numeric = ice(s, 0, "x")
    pd_curves = partial_dependence(s, "x")
    text = drawn(DependenceFigure.of(numeric, pd_curves, s.model_names, s.task, None, [0.5], s.probabilities))
    assert "logit" in text and "PD (dotted, each model's colour)" in text and "│ = this point" in text
    categorical = ice(s, 0, "g")
    text = drawn(DependenceFigure.of(categorical, None, s.model_names, s.task, None, [0.5], s.probabilities))
    assert "▶ " + str(point["g"]) in text and "logit" in text


def test_the_cli_report_draws_the_apps_roc_figure(binary_session, monkeypatch):
    """One ROC drawing: `wit-tui report`'s plots are RocFigure (the figure the performance screen shows)."""
    from wit_tui.tui.views.performance import overview as performance

    assert performance.RocFigure is RocFigure and render.RocFigure is RocFigure
    report = build_report(binary_session)
    figures = [f for f, _ in render.report_figures(report, binary_session)]
    assert isinstance(figures[0], RocFigure) and isinstance(figures[1], HistogramFigure)
    roc = figures[0]
    assert roc.curves[0].name == f"logit AUC {threshold_index(binary_session, 0).roc_auc:.3f}"
    drawn_figures = []
    original = RocFigure.draw

    def draw(self, plt, width=None):
        drawn_figures.append(self)
        original(self, plt, width)

    monkeypatch.setattr(RocFigure, "draw", draw)
    texts = [t.plain for t in render.report_plots(report, binary_session, width=100) if t.plain]
    assert drawn_figures == [roc]
    assert "ROC curve (● = operating point)" in texts[0] and "TPR" in texts[0]
    assert f"logit: {binary_session.tasks[0].score_label} of the positive class yes" in texts[1]
