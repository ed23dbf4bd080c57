"""Each Features panel after the app's decisions or the session change: it follows them, or (when its inputs
are not among them) keeps its numbers as current — never old numbers passed off as new."""

from __future__ import annotations

import numpy as np

from wit_tui.engine import Session
from wit_tui.engine.data.scoring import labels_from
from wit_tui.tui.app import WitApp
from wit_tui.tui.views.features.view import FeaturesView


def copy_of(s: Session) -> Session:
    return Session(s.data, s.models, label=s.label, features=s.features, positive=s.task.positive, name=s.name)


def view(app) -> FeaturesView:
    return app.query_one(FeaturesView)


async def test_split_by_prediction_follows_the_thresholds(adult_session, open_view, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("c", "c")  # truth, then logreg's prediction
        await settle(app, pilot)
        assert "by logreg's prediction at 0.50" in screen_text(app)
        app.decisions = app.decisions.with_thresholds((0.7, 0.5))  # what the performance view does on `}`
        await settle(app, pilot)
        assert "by logreg's prediction at 0.70" in screen_text(app)
        hist = view(app).stats_panel.hist
        split = hist.plots[("split", False, "age", 20, hist.current_split())]
        sc = s.scores(0)
        positive = labels_from(sc.score, sc.proba, s.tasks[0], 0.7) == s.task.classes[1]
        edges = split.histogram.edges
        np.testing.assert_array_equal(split.counts[1], np.histogram(s.data["age"][positive], bins=edges)[0])


async def test_edited_rows_statistics_follow_the_edits(adult_session, open_view, screen_text, settle):
    s = copy_of(adult_session)
    s.set_value(0, "age", 99)
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("a")
        await settle(app, pilot)
        assert "1 edited/added datapoints" in screen_text(app)
        s.set_value(5, "age", 97)  # an edit from elsewhere: the session's event reaches the panel
        await settle(app, pilot)
        text = screen_text(app)
        assert "2 edited/added datapoints" in text and "98" in text  # mean of 99 and 97


async def test_importance_keeps_its_numbers_when_decisions_or_edits_change(
    adult_session, open_view, screen_text, settle
):
    s = copy_of(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, "3")
        panel = view(app).importance_panel
        panel.importance_settings = (200, 1, 0)
        await pilot.press("i")
        await settle(app, pilot)
        before = panel.importance
        assert before is not None and "200 rows ×" in screen_text(app)
        # its inputs are the loaded rows and the label: neither a threshold nor an edit enters it
        app.decisions = app.decisions.with_thresholds((0.9, 0.1))
        s.set_value(0, "age", 99)
        await settle(app, pilot)
        assert panel.importance is before and "200 rows ×" in screen_text(app)
        assert "stale" not in screen_text(app)


async def test_drift_keeps_its_numbers_when_decisions_or_edits_change(
    adult_session, choose, open_view, screen_text, settle
):
    s = copy_of(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("d")
        await settle(app, pilot)
        await choose(app, pilot, "sex")
        await choose(app, pilot, "Female")
        panel = view(app).drift_panel
        before = panel.drift
        assert before is not None and "reference sex = Female" in screen_text(app)
        # drift compares the loaded rows and their scores: thresholds and edits are not among its inputs
        app.decisions = app.decisions.with_thresholds((0.9, 0.1))
        s.set_value(0, "age", 99)
        await settle(app, pilot)
        assert panel.drift is before and "reference sex = Female" in screen_text(app)


async def test_surrogate_mimics_the_predictions_at_the_apps_thresholds(adult_session, open_view, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot, "3")
        app.decisions = app.decisions.with_thresholds((0.7, 0.5))
        await pilot.press("u")
        await settle(app, pilot)
        assert "Surrogate trees" in screen_text(app)
        targets = [tree.target for tree in app.screen.surrogates]
        assert targets[0] == "logreg's predicted class at threshold 0.7" and targets[1].endswith("threshold 0.5")
