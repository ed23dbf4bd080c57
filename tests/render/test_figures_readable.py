"""Figures that read well at 80×24, checked on plotext's text build at a fixed size: counts on whole-number ticks,
values on categorical bars, one number format per axis, negative values with their sign, legends outside the
data, and small multiples (each titled with its group) past three overlaid groups."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotext
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from wit_tui.engine.analysis.performance import threshold_index
from wit_tui.engine.analysis.split_histograms import SplitHistogram
from wit_tui.engine.analysis.stats import Histogram
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.dependence import ice
from wit_tui.render.figures import (
    DependenceFigure,
    HistogramFigure,
    ResidualsFigure,
    RocFigure,
    ScatterFigure,
    SplitHistogramFigure,
)
from wit_tui.render.figures.base import count_ticks, value_ticks

WIDTH, HEIGHT = 80, 16


def built(figure, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    """The figure's lines as the terminal shows them (no colour), drawn at ``width`` × ``height``."""
    figure.draw(plotext, width, height)
    plotext.plotsize(width, height)
    plotext.theme("clear")
    text = plotext.build()
    plotext.main()
    plotext.clear_figure()
    return re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()


def y_labels(lines: list[str]) -> list[str]:
    """The y tick labels: the text left of each ┤ (the first plot of a row of plots)."""
    return [line.split("┤")[0].strip() for line in lines if "┤" in line and line.split("┤")[0].strip()]


def x_labels(lines: list[str]) -> list[str]:
    """The x tick labels: the line under the frame's bottom edge."""
    bottom = max(i for i, line in enumerate(lines) if "└" in line)
    return lines[bottom + 1].split()


def frame_rows(lines: list[str]) -> list[str]:
    """The rows inside the frame (between its top and bottom edges): the data area."""
    top = min(i for i, line in enumerate(lines) if "┌" in line)
    bottom = max(i for i, line in enumerate(lines) if "└" in line)
    return lines[top + 1 : bottom]


def decimals(label: str) -> int:
    return len(label.split(".")[1]) if "." in label else 0


def is_whole(label: str) -> bool:
    return re.fullmatch(r"−?\d{1,3}(,\d{3})*", label) is not None


@pytest.fixture(scope="module")
def binary_session() -> Session:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["alpha", "beta", "gamma"], size=n)})
    frame["y"] = np.where(frame["x"] + rng.normal(scale=0.7, size=n) > 0, "yes", "no")
    prep = ColumnTransformer([("g", OneHotEncoder(), ["g"])], remainder="passthrough")
    model = make_pipeline(prep, LogisticRegression()).fit(frame[["x", "g"]], frame["y"])
    return Session(frame, [LoadedModel("logit", model)], label="y", features=["x", "g"], positive="yes")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 50_000), min_size=2, max_size=40))
def test_a_count_axis_has_whole_number_ticks(counts):
    edges = np.linspace(0.0, 1.0, len(counts) + 1)
    lines = built(HistogramFigure(Histogram(counts=np.array(counts), edges=edges), "counts"))
    labels = y_labels(lines)
    assert labels and all(is_whole(label) for label in labels), labels
    ticks, tick_labels = count_ticks(max(counts))
    assert all(float(t).is_integer() for t in ticks) and all(is_whole(lab) for lab in tick_labels)


def test_the_age_histogram_never_reads_a_fractional_count():
    """The statistics screen's age histogram showed 1469.2 and 293.8 on its count axis."""
    rng = np.random.default_rng(3)
    lines = built(HistogramFigure.of_values(rng.normal(38, 13, 16_281), "age"))
    assert all(is_whole(label) for label in y_labels(lines))
    assert not any(re.search(r"\d\.\d", label) for label in y_labels(lines))


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.floats(1e-3, 1e6, allow_nan=False, allow_infinity=False),
)
def test_one_number_format_per_axis(lo, span):
    ticks, labels = value_ticks(lo, lo + span)
    assert len({decimals(lab) for lab in labels}) == 1, labels
    assert all(("−" in lab) == (t < 0 and lab.strip("−0.,") != "") for t, lab in zip(ticks, labels, strict=True))


def test_bin_ticks_of_a_numeric_histogram_share_one_format():
    """17, 35.25, 53.5, 71.75, 90: three formats on one axis."""
    lines = built(HistogramFigure.of_values(np.linspace(17, 90, 500), "age"))
    labels = x_labels(lines)
    assert len({decimals(lab) for lab in labels}) == 1, labels


def test_categorical_bars_carry_their_counts():
    counts = {"Private": 11_210, "Self-emp": 1_297, "Local-gov": 1_043, "Never-worked": 3}
    hist = Histogram(counts=np.array(list(counts.values())), labels=tuple(counts))
    text = "\n".join(frame_rows(built(HistogramFigure(hist, "workclass"))))
    for n in counts.values():
        assert f"{n:,}" in text
    many = {f"c{i}": 100 * i + 7 for i in range(12)}  # past 8 categories: horizontal bars, the count at the end
    text = "\n".join(
        frame_rows(built(HistogramFigure(Histogram(counts=np.array(list(many.values())), labels=tuple(many)), "m")))
    )
    for n in many.values():
        assert f"{n:,}" in text


def test_the_categorical_ice_legend_is_outside_the_bars(binary_session):
    s = binary_session
    curves = ice(s, 0, "g")
    lines = built(DependenceFigure.of(curves, None, s.model_names, s.task, None, [0.5], s.probabilities))
    inside = frame_rows(lines)
    assert not any("logit" in row for row in inside)  # plotext's legend sat over the first bar
    above = lines[: min(i for i, line in enumerate(lines) if "┌" in line)]
    assert any("logit (cyan)" in line for line in above)


def test_negative_values_keep_their_sign():
    actual = np.linspace(-3.0, 1.0, 50)
    lines = built(ScatterFigure.of(actual, [("ols", actual * 0.9)], "Predicted vs actual"))
    labels = y_labels(lines)
    assert any(lab.startswith("−") for lab in labels) and len({decimals(lab) for lab in labels}) == 1


def test_roc_legend_is_under_the_plot(binary_session):
    idx = threshold_index(binary_session, 0)
    lines = built(RocFigure.of(["logit"], [idx], [(0.2, 0.7)]))
    assert not any("AUC" in row for row in frame_rows(lines))
    bottom = max(i for i, line in enumerate(lines) if "└" in line)
    assert any(f"logit AUC {idx.roc_auc:.3f} (cyan)" in line for line in lines[bottom + 1 :])


def test_residual_counts_are_whole_and_their_bins_share_a_format():
    rng = np.random.default_rng(0)
    lines = built(ResidualsFigure.of([("a", rng.normal(size=500)), ("b", rng.normal(size=500) * 2)], "Residuals"))
    assert all(is_whole(lab) for lab in y_labels(lines))
    assert len({decimals(lab) for lab in x_labels(lines)}) == 1
    assert not any("a (cyan)" in row for row in frame_rows(lines))


def _split(groups: int, categorical: bool = False) -> SplitHistogram:
    rng = np.random.default_rng(groups)
    names = tuple(f"group {g}" for g in range(groups))
    if categorical:
        counts = rng.integers(1, 500, size=(groups, 3))
        return SplitHistogram(
            Histogram(counts=counts.sum(0), labels=("a", "b", "c")), names, counts, np.zeros(groups, int)
        )
    edges = np.linspace(0.0, 100.0, 21)
    counts = np.stack([np.histogram(rng.normal(30 + 8 * g, 10, 1000), bins=edges)[0] for g in range(groups)])
    return SplitHistogram(Histogram(counts=counts.sum(0), edges=edges), names, counts, np.zeros(groups, int))


@pytest.mark.parametrize("categorical", [False, True])
def test_five_groups_are_small_multiples_each_titled(categorical):
    split = _split(5, categorical)
    lines = built(SplitHistogramFigure(split, "x · by group"))
    title = lines[0]
    sizes = split.counts.sum(axis=1)
    for g in range(5):
        assert f"({sizes[g]:,})" in title  # each plot is titled with its group and size, the size never cut
    assert lines[1].count("┌") == 5
    assert SplitHistogramFigure(split, "x").multiples and not SplitHistogramFigure(_split(3), "x").multiples


def test_up_to_three_groups_overlay_with_the_legend_under_the_plot():
    split = _split(3)
    lines = built(SplitHistogramFigure(split, "x · by group"))
    assert lines[1].count("┌") == 1
    assert not any("group 0" in row for row in frame_rows(lines))
    assert "group 0 (1,000) (cyan)" in lines[-1] or any("group 0 (" in line and "(cyan)" in line for line in lines[-2:])
