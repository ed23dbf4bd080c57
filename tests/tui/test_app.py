"""The app driven by real key presses through Pilot: every screen shows real numbers from the engine."""

from __future__ import annotations

import numpy as np
import pytest
from textual.command import CommandList

from wit_tui.engine import Session
from wit_tui.engine.analysis.performance import model_performance
from wit_tui.engine.analysis.stats import dataset_stats
from wit_tui.render.format import fmt
from wit_tui.tui.app import WitApp


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_demo_three_screens_by_key(adult_session, size, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "16,281 rows" in text and "logreg vs hgb" in text
        # Datapoint editor: ground truth, each model's prediction and score, the selected row in detail
        assert "income" in text and "Datapoint 0" in text
        score0 = s.scores(0).score[0]
        assert f"{score0:.3f}" in text
        await pilot.press("down", "down")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Datapoint 2" in text
        assert f"{s.scores(1).score[2]:.4f}" in text

        await pilot.press("2")
        await settle(app, pilot)
        assert app.query_one("#tabs").active == "performance"
        text = screen_text(app)
        p0, p1 = model_performance(s, 0), model_performance(s, 1)
        for value in (p0.binary.accuracy, p1.binary.accuracy, p0.binary.f1):
            assert fmt(value) in text
        if size[1] >= 60:  # the ROC curve and AUC rows are below the fold at 24 lines
            assert fmt(p0.roc_auc) in text and "ROC curve" in text

        await pilot.press("3")
        await settle(app, pilot)
        assert app.query_one("#tabs").active == "features"
        text = screen_text(app)
        stats = {st.name: st for st in dataset_stats(s.data, s.features)}
        assert "age" in text and fmt(stats["age"].mean) in text
        assert "age · 20 bins" in text

        await pilot.press("1")
        await settle(app, pilot)
        assert app.query_one("#tabs").active == "datapoints"


async def test_threshold_keys_update_metrics(adult_session, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_curly_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        expected = model_performance(s, 0, 0.62)
        assert "logreg 0.620" in text
        assert fmt(expected.binary.precision) in text and fmt(expected.binary.recall) in text
        await pilot.press("r")
        await settle(app, pilot)
        assert "logreg 0.500" in screen_text(app)


async def test_features_keys(adult_session, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert "age · 25 bins" in screen_text(app)
        await pilot.press("down")
        await settle(app, pilot)
        text = screen_text(app)
        assert "workclass" in text and "963 missing" in text  # Adult test split: 963 rows without a workclass
        await pilot.press("L")
        await settle(app, pilot)
        assert "log10" in screen_text(app)


async def test_help_lists_every_view_and_closes(adult_session, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        text = screen_text(app)
        for needle in (
            "Everywhere",
            "1 Datapoint editor",
            "2 Performance & fairness",
            "3 Features",
            "Thr +0.01",
            "Command palette",
        ):
            assert needle in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Everywhere" not in screen_text(app)


async def test_command_palette_switches_view(adult_session, settle, wait_until):
    app = WitApp(adult_session)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"Go to Features")
        await settle(app, pilot)  # the palette searches in a worker

        def features_highlighted() -> bool:
            results = app.screen.query_one(CommandList)
            i = results.highlighted
            return i is not None and "Go to Features" in str(results.get_option_at_index(i).prompt)

        await wait_until(pilot, features_highlighted, "the palette to offer Go to Features")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.query_one("#tabs").active == "features"


async def test_quit_asks_when_edits_are_unsaved(adult_session, screen_text, settle):
    s = Session(
        adult_session.data,
        adult_session.models,
        label="income",
        features=adult_session.features,
        positive=">50K",
        name="copy",
    )
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        s.set_value(0, "age", 60)
        await pilot.press("q")
        await settle(app, pilot)
        assert "not saved" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.is_running
        await pilot.press("q", "y")
        await settle(app, pilot)
    assert not app.is_running


async def test_quit_without_edits_exits_at_once(adult_session, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)
    assert not app.is_running


async def test_without_label_performance_explains(adult_session, screen_text, settle):
    s = Session(adult_session.data.drop(columns="income"), adult_session.models, name="no label")
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "Datapoint 0" in screen_text(app)
        await pilot.press("2")
        await settle(app, pilot)
        text = screen_text(app)
        assert "No ground truth" in text and "--label" in text
        await pilot.press("3")
        await settle(app, pilot)
        assert "fnlwgt" in screen_text(app)


async def test_multiclass_demo(wine_session, screen_text, settle):
    app = WitApp(wine_session)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        text = screen_text(app)
        p = model_performance(wine_session, 0).multiclass
        assert "Multi-class" in text and "macro F1" in text and fmt(p.f1_macro) in text
        assert "confusion matrix" in text


async def test_regression_demo(diabetes_session, screen_text, settle):
    app = WitApp(diabetes_session)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        text = screen_text(app)
        r = model_performance(diabetes_session, 1).regression
        assert "Regression" in text and fmt(r.rmse) in text and fmt(r.r2) in text
        assert "Residuals" in text
        assert np.isfinite(r.mae)


async def test_threshold_moves_relabel_datapoints(adult_session, screen_text, settle):
    """Row 14 scores 0.499 with logreg: negative at 0.50, positive at 0.49."""
    s = adult_session
    score = s.scores(0).score[14]
    assert 0.49 <= score < 0.5
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        grid = app.query_one("#dp-grid")
        grid.move_cursor(14)
        await settle(app, pilot)
        assert "logreg: <=50K" in screen_text(app)
        await pilot.press("2", "left_square_bracket", "1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "logreg: >50K" in text and "thr 0.49" in text
