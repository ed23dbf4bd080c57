"""The performance screen driven by real key presses: every number read on screen equals the engine's."""

from __future__ import annotations

import numpy as np
import pytest

from wit_tui.engine import Session
from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.performance import model_performance, slice_indexes, truth_index, truth_performance
from wit_tui.engine.analysis.worst_slices import session_worst_slices
from wit_tui.engine.metrics.operating_points import cost_optimal_threshold
from wit_tui.engine.metrics.thresholds import CONSTRAINED, optimise
from wit_tui.engine.slicing import slice_by
from wit_tui.render.format import fmt
from wit_tui.render.tables import num, signed, thr
from wit_tui.tui.app import WitApp

# strategy -> how many times to press "down" after "home" in the strategy dialog (custom is first)
STRATEGY_KEYS = {"single": 1, "group": 2, "demographic_parity": 3, "equal_opportunity": 4, "equal_accuracy": 5}


@pytest.mark.bad_input
async def test_thresholds_cost_ratio_cost_optimal_and_positive_class(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("right_square_bracket", "right_curly_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        m = model_performance(s, 0, 0.61).binary
        assert "logreg 0.6100" in text and fmt(m.precision) in text and fmt(m.f1) in text
        # a typed threshold, one per model; every number with the difference
        await type_into(pilot, app, "t", "0.37, 0.42")
        text = screen_text(app)
        a, b = model_performance(s, 0, 0.37).binary, model_performance(s, 1, 0.42).binary
        assert "logreg 0.3700" in text and "hgb 0.4200" in text
        assert fmt(a.recall) in text and fmt(b.recall) in text and signed(b.recall - a.recall) in text
        # a bad threshold: one clear message in the dialog, nothing changes
        await type_into(pilot, app, "t", "1.5")
        assert "from 0 to 1" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "logreg 0.3700" in screen_text(app)
        # the cost ratio: the cost row is ratio·FP + FN of each model
        await type_into(pilot, app, "c", "2.5")
        text = screen_text(app)
        assert "cost FP:FN 2.5" in text and f"{2.5 * a.fp + a.fn:,.0f}" in text and f"{2.5 * b.fp + b.fn:,.0f}" in text
        await type_into(pilot, app, "c", "0")
        assert "above 0" in screen_text(app)
        await pilot.press("escape")
        # the cost-optimal threshold of each model (exact, over every distinct score)
        await pilot.press("o")
        await settle(app, pilot)
        text = screen_text(app)
        truth = ground_truth(s)
        for i, name in enumerate(s.model_names):
            opt = cost_optimal_threshold(truth_index(s, truth, i), 2.5, upper=1.0)
            assert f"{name} {thr(opt.threshold)}" in text and f"{opt.cost:,.0f}" in text
        # the dialog is pre-filled with the exact thresholds: confirming it unchanged moves nothing
        exact = list(app.decisions.thresholds)
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert list(app.decisions.thresholds) == exact
        # an empty threshold: one message, nothing changes
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("backspace", "enter")
        await settle(app, pilot)
        assert "Type a threshold" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert list(app.decisions.thresholds) == exact
        # the other positive class: every metric flips to it
        await pilot.press("r", "p")
        await settle(app, pilot)
        await pilot.press("up", "enter")  # the dialog opens on the current class (>50K): up is <=50K
        await settle(app, pilot)
        text = screen_text(app)
        p = truth_performance(s, ground_truth(s, positive="<=50K"), 0, 0.5)
        assert "positive <=50K" in text and fmt(p.binary.precision) in text and fmt(p.roc_auc) in text


async def test_slices_strategies_per_slice_thresholds_and_worst_slices(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(200, 60)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        text = screen_text(app)
        truth = ground_truth(s)
        slicing = slice_by(s.data, ["sex"], rows=truth.labelled)
        sidx = slice_indexes(s, truth, slicing.codes, slicing.n_slices)
        view = app.query_one("#view-performance")
        assert view.panel == "slices" and "2 slices of sex" in text
        for k, label in enumerate(("Female", "Male")):
            assert label in text and f"{int((slicing.codes == k).sum()):,}" in text
            m = sidx[0].index(k).at(0.5)
            assert num(m.accuracy) in text and num(m.recall) in text
        assert "demographic parity difference" in text and "MetricFrame" in text
        # each strategy: the thresholds, costs and remaining gap on screen are the engine's
        for name, steps in STRATEGY_KEYS.items():
            await pilot.press("f", "home", *(["down"] * steps), "enter")  # the dialog opens on the current one
            await settle(app, pilot)
            text = screen_text(app)
            assert app.decisions.strategy == name
            for i in range(2):
                r = optimise(sidx[i], name, 1.0, overall=truth_index(s, truth, i), tolerance=0.01, upper=1.0)
                for t in r.thresholds:
                    assert thr(t) in text, (name, i, t)
                assert f"cost {r.cost:,.0f}" in text
                if name in CONSTRAINED:
                    assert f"gap {num(r.gap)}" in text and r.gap <= 0.01
        # moving the threshold moves every slice's and makes the strategy custom
        before = app.decisions.per_slice[0].copy()
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.decisions.strategy == "custom"
        np.testing.assert_allclose(app.decisions.per_slice[0], np.minimum(before + 0.01, 1.0))
        # race: type one slice's threshold, nudge it, sort by size
        await type_into(pilot, app, "b", "race")
        app.query_one("#slices-table").move_cursor(row=0)
        await pilot.press("enter")
        await settle(app, pilot)
        k = view.slices.slice_order[0]
        assert f"Threshold for {' × '.join(view.state.slices.slicing.labels[k])}" in screen_text(app)  # not race:White
        await pilot.press("escape")
        await settle(app, pilot)
        await type_into(pilot, app, "enter", "0.3")
        assert app.decisions.per_slice[0][k] == 0.3 and app.decisions.per_slice[1][k] == 0.3
        assert all(
            app.decisions.per_slice[0][j] == app.decisions.thresholds[0]
            for j in range(view.state.slices.n_slices)
            if j != k
        )
        race = slice_by(s.data, ["race"], rows=truth.labelled)
        ridx = slice_indexes(s, truth, race.codes, race.n_slices)
        assert num(ridx[1].index(k).at(0.3).recall) in screen_text(app)
        await pilot.press("plus")
        await settle(app, pilot)
        assert app.decisions.per_slice[0][k] == pytest.approx(0.31)
        combined = ridx[0].at(app.decisions.per_slice[0])
        await pilot.press("a")
        await settle(app, pilot)
        assert num(combined.accuracy) in screen_text(app)
        await pilot.press("d", "O")  # the sort picked from a list
        await settle(app, pilot)
        await pilot.press("home", "down", "down", "enter")
        await settle(app, pilot)
        assert view.slices.sort_key == "n" and race.labels[view.slices.slice_order[-1]] == ("White",)
        # worst slices: the engine's ranking; enter slices by the worst slice's feature
        await pilot.press("w")
        await settle(app, pilot)
        text = screen_text(app)
        # the decisions actually made: each race slice at its own threshold
        row_thresholds = app.decisions.row_thresholds(view.state.slices.codes(), view.state.slices.key)
        assert row_thresholds[0][race.codes == k][0] == pytest.approx(0.31)
        expected = session_worst_slices(s, truth, "accuracy", thresholds=row_thresholds, model=0)
        top = expected.findings[0]
        assert "Worst slices by accuracy" in text and "marital_status=Married-civ-spouse" in text
        assert "per-slice thresholds of race" in text
        assert top.slice == "marital_status:Married-civ-spouse" and signed(top.worse_by) in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert view.state.slices.features == ["marital_status"] and view.panel == "slices"


async def test_80x24_keyboard_only(adult_session, open_view, screen_text, settle, type_into):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        m = model_performance(s, 0).binary
        assert "logreg 0.5000" in text and fmt(m.accuracy) in text and fmt(m.f1) in text
        await type_into(pilot, app, "b", "sex")
        await pilot.press("f", "down", "down", "down", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Female" in text and "Male" in text and "2 slices of sex" in text and "Demographic parity" in text
        await pilot.press("w")
        await settle(app, pilot)
        assert "Worst slices by accuracy" in screen_text(app)


async def test_no_label_then_pick_it_on_the_screen(adult_session, open_view, screen_text, settle):
    s = Session(adult_session.data, adult_session.models, features=adult_session.features, name="no label")
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot, "2")
        assert "Press g" in screen_text(app)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press(*list("sex"), "enter")
        await settle(app, pilot)
        assert "none of the model's classes" in screen_text(app)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press(*list("income"), "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "truth income" in text and fmt(model_performance(adult_session, 1).binary.accuracy) in text


async def test_multiclass_and_regression_slices(
    wine_session, diabetes_session, open_view, screen_text, settle, type_into
):
    app = WitApp(wine_session)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        assert "Multi-class" in text and "per class" in text and "ROC: class_0 vs rest" in text
        assert "Δ hgb − logreg (counts)" in text  # the difference of the two confusion matrices
        await type_into(pilot, app, "b", "alcohol")
        assert "4 slices of alcohol" in screen_text(app) and "acc·logreg" in screen_text(app)
    app = WitApp(diabetes_session)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        r = model_performance(diabetes_session, 0).regression
        assert "mean error (bias)" in text and fmt(r.mean_error) in text and "Predicted vs actual" in text
        assert "Residuals (prediction − label)" in text
        await type_into(pilot, app, "b", "bmi")
        await pilot.press("u", "w")
        await settle(app, pilot)
        assert "Worst slices by mae" in screen_text(app)
        await pilot.press("d")
        await settle(app, pilot)
        assert "equal-width buckets" in screen_text(app) and "MAE·ridge" in screen_text(app)


def test_rates_read_with_fixed_decimals_and_long_plot_titles_are_shortened():
    """A rate column reads 0.0000 / 0.0005 / 1.0000, not 0 / 5.000e-04 / 1; a plot title longer than the plot
    (which plotext would silently drop) is cut with …."""
    from wit_tui.tui.widgets.plot import TITLE_MARGIN, set_title

    assert [num(v) for v in (0.0, 1.0, 0.000547, 0.5)] == ["0.0000", "1.0000", "0.0005", "0.5000"]
    assert num(45.25) == fmt(45.25) and num(2e-6) == fmt(2e-6) and num(float("nan")) == "–" and num(None) == "–"

    class Plot:
        class size:
            width = 30

        class plt:
            @staticmethod
            def title(text):
                Plot.shown = text

    set_title(Plot, "x" * 40)
    assert len(Plot.shown) == 30 - TITLE_MARGIN and Plot.shown.endswith("…")
    set_title(Plot, "short")
    assert Plot.shown == "short"


async def test_threshold_move_updates_the_slice_table_in_place(
    adult_session, open_view, screen_text, settle, type_into
):
    """A threshold move rewrites only the changed cells: the cursor row and the horizontal scroll stay, and the
    columns scrolled into view afterwards (drawn as blanks while out of view) show the new numbers."""
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "race")
        view = app.query_one("#view-performance")
        table = app.query_one("#slices-table")
        keys = list(table.rows)
        table.move_cursor(row=2)
        for _ in range(len(table.columns)):  # the column cursor right until the table scrolls
            await pilot.press("right")
            await settle(app, pilot)
            if table.scroll_x > 0:
                break
        scroll_x = table.scroll_x
        assert scroll_x > 0
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert list(table.rows) == keys and table.cursor_row == 2 and table.scroll_x == scroll_x
        assert list(app.decisions.thresholds) == [0.52, 0.52]
        truth = ground_truth(s)
        race = slice_by(s.data, ["race"], rows=truth.labelled)
        ridx = slice_indexes(s, truth, race.codes, race.n_slices)
        row = view.slices.slice_order.index(2)
        m = ridx[1].index(2).at(0.52)
        assert table.get_cell_at((row, 0)).plain == " × ".join(race.labels[2])
        assert num(m.accuracy) in {table.get_cell_at((row, c)).plain for c in range(len(table.columns))}
        # the last columns (cost of each model, with Δ) were out of view during the move
        await pilot.press("shift+right")
        await settle(app, pilot)
        text = screen_text(app)
        for k in range(race.n_slices):
            a, b = ridx[0].index(k).at(0.52), ridx[1].index(k).at(0.52)
            line = next(ln for ln in text.splitlines() if ln.strip().startswith(" × ".join(race.labels[k]) + " "))
            assert f"{a.fp + a.fn:,}" in line and f"{b.fp + b.fn:,}" in line, (k, line)
            assert signed((b.fp + b.fn) - (a.fp + a.fn), kind="cost") in line
