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
from wit_tui.tui.views.features.stat_table import column_decimals, number_text


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_demo_three_screens_by_key(adult_session, size, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "16,281 rows" in text and "logreg vs hgb" in text
        if size[0] < 100:  # a narrow terminal gives the table the width: the side panel is one key away
            assert "Datapoint 0" not in text
            await pilot.press("backslash")
            await settle(app, pilot)
            text = screen_text(app)
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
        # the mean column has one format for every feature (its decimals chosen from the column's values)
        means = [st.mean for st in stats.values() if st.mean is not None]
        shown_mean = number_text(stats["age"].mean, column_decimals(means))
        assert "age" in text and shown_mean in text
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
        assert "1 Datapoint editor (this screen)" in text and "wit-tui keys" in text
        rows = app.screen.shown_rows()
        for needle in ("Thr +0.01", "Command palette: every action, searchable", "Counterfactual", "Importance"):
            assert any(needle in description for _key, description in rows)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "wit-tui keys" not in screen_text(app)


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


# -- toasts never cover a dialog or the cell being edited; the header keeps the task --------------------
async def test_a_toast_waits_while_a_confirm_dialog_is_open(adult_session, fresh_session, settle):
    from wit_tui.tui.dialogs.confirm import ConfirmScreen

    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        s.set_value(0, "age", 60)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        app.notify("A note raised under the dialog.")
        await pilot.pause()
        assert not any("under the dialog" in n.message for n in app._notifications)
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("under the dialog" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_a_toast_never_covers_the_value_being_edited_or_the_side_panel(adult_session, settle, wait_until, size):
    app = WitApp(adult_session)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "e")  # the prompt for the highlighted feature's value
        await settle(app, pilot)
        editing = app.focused
        assert editing is not None and editing.region.area
        app.notify("Saved 1 datapoint(s) to a file with a long name, so the toast is as wide as it gets.")
        app.notify("A warning beside it.", severity="warning")
        await wait_until(pilot, lambda: len(app.screen.query("Toast")) == len(app._notifications), "the toasts")
        side = app.query_one("#dp-side").region
        placed = [app.screen.find_widget(toast) for toast in app.screen.query("Toast")]
        shown = [at.region.intersection(at.clip) for at in placed]  # what the rack lets be seen
        assert any(region.area for region in shown)
        for region in shown:
            assert not region.overlaps(editing.region) and not region.overlaps(side)


async def test_information_toasts_are_short(adult_session, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.notify("Informational.", timeout=30)
        app.notify("A warning keeps its time.", severity="warning", timeout=15)
        await pilot.pause()
        timeouts = {n.message: n.timeout for n in app._notifications}
        assert timeouts["Informational."] <= 5 and timeouts["A warning keeps its time."] == 15


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_header_shortens_names_before_the_positive_class(adult_session, settle, screen_text, size):
    app = WitApp(adult_session)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        header = screen_text(app).splitlines()[0]
        assert "binary (positive: >50K)" in header and "16,281 rows" in header and "logreg vs hgb" in header
        if size[0] >= 160:
            assert "wit-tui — adult demo ·" in header  # room for everything: nothing shortened
