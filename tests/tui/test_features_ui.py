"""The Features screen driven by real keys through Pilot: sort, split, log scale, bins, importance (progress,
cancel, raw/engineered), surrogate rules and export, drift with a reference or a column value, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from textual.widgets import DataTable

from wit_tui.engine import Session
from wit_tui.engine.analysis import importance
from wit_tui.engine.analysis.drift import column_drift
from wit_tui.engine.analysis.importance import sample_rows
from wit_tui.engine.analysis.split_histograms import SplitHistogram
from wit_tui.engine.analysis.stats import dataset_stats
from wit_tui.engine.analysis.surrogate import fit_surrogate
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.data.scoring import labels_from
from wit_tui.sample_models.recipes import adult_data
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions
from wit_tui.tui.views.features.view import FeaturesView


def copy_of(s: Session) -> Session:
    """A fresh session over the demo's data and models (its own cache, overlay and attributes)."""
    return Session(s.data, s.models, label=s.label, features=s.features, positive=s.task.positive, name=s.name)


def view(app) -> FeaturesView:
    return app.query_one(FeaturesView)


def table_keys(app, selector: str) -> list[str]:
    table = app.query_one(selector, DataTable)
    return [row.key.value for row in table.ordered_rows]


async def test_sort_the_statistics_table(adult_session, open_view, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "3")
        text = screen_text(app)
        assert "sorted by data order" in text and "⚑ 4 flagged" in text and "⚑ workclass" in text
        assert table_keys(app, "#feat-table") == s.features
        await pilot.press("r")
        await settle(app, pilot)
        assert table_keys(app, "#feat-table") == sorted(s.features, key=str.lower)
        await pilot.press("r")
        await settle(app, pilot)
        assert "sorted by missing share" in screen_text(app)
        stats = {st.name: st for st in dataset_stats(s.data, s.features)}
        keys = table_keys(app, "#feat-table")
        assert keys[:3] == ["occupation", "workclass", "native_country"]  # 966, 963 and 274 missing
        assert [stats[k].missing_pct for k in keys] == sorted((st.missing_pct for st in stats.values()), reverse=True)
        await pilot.press("r")
        await settle(app, pilot)
        keys = table_keys(app, "#feat-table")
        assert keys[0] == max(stats, key=lambda k: stats[k].non_uniformity)
        await pilot.press("shift+left", "S")  # S: the current column (the feature's name), descending
        await settle(app, pilot)
        assert "sorted by feature ↓" in screen_text(app)
        assert table_keys(app, "#feat-table") == sorted(s.features, key=str.lower, reverse=True)


async def test_split_log_scale_and_bins(adult_session, choose, open_view, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("c")
        await settle(app, pilot)
        assert "age · 20 bins · by income (ground truth)" in screen_text(app)
        split = next(v for k, v in view(app).stats_panel.plots.items() if k[0] == "split")
        assert isinstance(split, SplitHistogram) and split.groups == ("<=50K", ">50K")
        edges = split.histogram.edges
        rich = s.data["age"][s.y == ">50K"]
        np.testing.assert_array_equal(split.counts[1], np.histogram(rich, bins=edges)[0])
        assert "% of group" in screen_text(app)

        await pilot.press("c")
        await settle(app, pilot)
        assert "by logreg's prediction at 0.50" in screen_text(app)
        await pilot.press("o")
        await settle(app, pilot)
        assert "side by side" in screen_text(app)
        await pilot.press("L")
        await settle(app, pilot)
        assert "log10(count+1)" in screen_text(app)
        await pilot.press("b")
        await settle(app, pilot)
        assert "age · 25 bins" in screen_text(app)

        await pilot.press("C")
        await settle(app, pilot)
        await choose(app, pilot, "sex")
        text = screen_text(app)
        assert "age · 25 bins · by sex" in text and "Female" in text
        await pilot.press("down")
        await settle(app, pilot)
        assert "workclass · by sex" in screen_text(app)


async def test_importance_progress_cancel_raw_and_engineered(
    adult_session, fill, hold, open_view, screen_text, settle, wait_until
):
    s = adult_session
    app = WitApp(s)
    gate = hold(importance, "permutation_importances")  # the first run stays in progress until released
    async with app.run_test(size=(100, 40)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("I")
        await settle(app, pilot)
        assert "Sample size (1 to 16,281 labelled rows)" in screen_text(app)
        await fill(pilot, "300")
        await pilot.press("tab")
        await fill(pilot, "2")
        await pilot.press("enter")
        await wait_until(pilot, gate.entered.is_set, "the importance job to start")
        # the job shows its progress line while it runs, and escape cancels it
        assert app.query_one("#feat-job").display
        assert "esc cancels" in screen_text(app)
        await pilot.press("escape")
        gate.release()  # the cancelled run goes on to its next cancel check and stops there
        await settle(app, pilot)
        assert "Cancelled: " in screen_text(app) and view(app).importance_panel.importance is None
        assert not app.query_one("#feat-job").display

        await pilot.press("I", "enter")  # the form remembers 300 rows × 2 repeats
        await settle(app, pilot)
        text = screen_text(app)
        assert "300 rows ×" in text and "2 repeats, seed 0" in text and "drop in ROC AUC vs ground truth" in text
        rows = sample_rows(np.arange(s.n_rows), 300, 0)
        ref = permutation_importance(
            s.models[0].estimator,
            s.model_input(0).iloc[rows],
            s.y[rows],
            scoring="roc_auc",
            n_repeats=2,
            random_state=0,
        )
        j = s.model_columns[0].index("marital_status")
        assert f"{ref.importances_mean[j]:.4f}" in text and "marital_status" in text

        await pilot.press("e")
        await settle(app, pilot)
        text = screen_text(app)
        assert "logreg: engineered column" in text and "hgb: engineered column" in text
        assert "own coef_" in text and "get_feature_names_out" in text
        assert any(k.startswith("logreg:cat__") for k in table_keys(app, "#imp-table"))
        await pilot.press("e")
        await settle(app, pilot)
        assert "Raw input columns" in screen_text(app)

        await pilot.press("t", "r", "r", "r", "r")  # the fifth sort of the cycle: importance
        await settle(app, pilot)
        assert "sorted by importance" in screen_text(app)
        best = {}
        for r in view(app).importance_panel.importance:
            for name, value in zip(r.raw.names, r.raw.mean, strict=True):
                best[name] = max(best.get(name, -np.inf), value)
        assert table_keys(app, "#feat-table")[0] == max(best, key=best.get)


async def test_sorting_on_past_importance_drops_the_waiting_sort(adult_session, hold, open_view, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    gate = hold(importance, "permutation_importances")  # the run cannot end before the test lets it
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, "3")
        v = view(app)
        v.importance_panel.importance_settings = (200, 1, 0)  # a small run: the sort waits for it
        await pilot.press("r", "r", "r", "r")  # name, missing share, non-uniformity, importance (starts the run)
        assert "sorted by importance (computing…)" in screen_text(app)
        await pilot.press("r")  # on to data order before the run ends
        assert "sorted by data order" in screen_text(app)
        gate.release()
        await settle(app, pilot)
        assert v.importance_panel.importance is not None
        assert "sorted by data order" in screen_text(app) and table_keys(app, "#feat-table") == s.features


@pytest.mark.bad_input
async def test_bad_sample_size_is_explained_in_the_form(adult_session, fill, open_view, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("I")
        await settle(app, pilot)
        await fill(pilot, "0")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "at least 1" in screen_text(app)
        await fill(pilot, "99999")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "larger than the 16,281 rows" in screen_text(app)
        await fill(pilot, "100")
        await pilot.press("tab", "tab")
        await fill(pilot, "-1")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "The seed must be from 0 to 4,294,967,295, not -1." in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert view(app).importance_panel.importance is None and "sorted by data order" in screen_text(app)
        await pilot.press("r")  # the screen is still usable
        await settle(app, pilot)
        assert "sorted by name" in screen_text(app)


async def test_surrogate_rules_depth_and_export(adult_session, tmp_path, fill, open_view, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("u")
        await settle(app, pilot)
        sc = s.scores(0)
        preds = labels_from(sc.score, sc.proba, s.tasks[0])
        expected = fit_surrogate(s.data, s.features, preds, classification=True, depth=3, model="logreg")
        text = screen_text(app)
        assert "Surrogate trees" in text and f"logreg {expected.fidelity:.3f}" in text
        assert "not the label" in text and "├ " in text
        await pilot.press("plus")
        await settle(app, pilot)
        assert "depth-4 decision tree" in screen_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        await fill(pilot, str(tmp_path / "rules.txt"))
        await pilot.press("enter")
        await settle(app, pilot)
        written = (tmp_path / "rules.txt").read_text(encoding="utf-8")
        assert "logreg: depth-4 decision tree" in written and "hgb: depth-4 decision tree" in written
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Surrogate trees" not in screen_text(app) and "sorted by data order" in screen_text(app)


async def test_drift_with_a_reference_file(adult_session, choose, open_view, screen_text, settle):
    s = copy_of(adult_session)
    train = adult_data().train
    app = WitApp(s, RunOptions(reference=train, reference_name="adult-train.parquet"))  # what `--reference PATH` sets
    async with app.run_test(size=(100, 40)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("d")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Drift: reference adult-train.parquet (32,561 rows) vs adult demo (16,281 rows)" in text
        keys = table_keys(app, "#drift-table")
        assert keys[:2] == ["prediction: logreg", "prediction: hgb"]
        assert set(keys[2:]) == {*s.features, "income"}  # the label's own drift too
        assert str(app.query_one("#drift-table", DataTable).get_row("income")[0]) == "income (label)"
        d = column_drift(train["age"], s.data["age"], "age")
        assert f"{d.psi:.4f}" in text and f"{d.ks_pvalue:.4f}" in text
        assert "reference vs current" in text  # the overlaid histograms of the top row

        await pilot.press("D")
        await settle(app, pilot)
        await choose(app, pilot, "sex")
        await choose(app, pilot, "Female")
        text = screen_text(app)
        assert "reference sex = Female (5,421 rows) vs the other rows (10,860 rows)" in text
        assert "sex" not in table_keys(app, "#drift-table")


async def test_drift_without_reference_asks_for_a_column_value(adult_session, choose, open_view, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("d")
        await settle(app, pilot)
        assert "No --reference file" in screen_text(app)
        await choose(app, pilot, "relationship")
        await choose(app, pilot, "Husband")
        text = screen_text(app)
        assert "reference relationship = Husband" in text and "PSI" in text


async def test_statistics_of_edited_and_added_datapoints(adult_session, open_view, screen_text, settle):
    s = copy_of(adult_session)
    s.set_value(0, "age", 99)
    s.set_value(5, "age", 98)
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("a")
        await settle(app, pilot)
        text = screen_text(app)
        assert "2 edited/added datapoints" in text and "98.5" in text and "edited/added rows" in text
        await pilot.press("a")
        await settle(app, pilot)
        assert "16,281 rows" in screen_text(app)


@pytest.mark.bad_input
async def test_constant_and_all_missing_features(tmp_path, notifications, choose, open_view, screen_text, settle):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200), "const": 3.0, "empty": np.nan})
    frame["y"] = (frame["a"] + frame["b"] > 0).astype(int)
    model = LogisticRegression().fit(frame[["a", "b"]], frame["y"])
    s = Session(frame, [LoadedModel("lr", model)], label="y", name="toy")
    app = WitApp(s)
    notices = notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, "3")
        text = screen_text(app)
        assert "⚑ const" in text and "⚑ empty" in text and "⚑ 2 flagged" in text
        await pilot.press("down", "down", "down")
        await settle(app, pilot)
        text = screen_text(app)
        assert "empty: all missing" in text and "no values" in text
        await pilot.press("d")
        await settle(app, pilot)
        await choose(app, pilot, "y")
        await choose(app, pilot, "1")
        rows = view(app).drift_panel.drift.by_name()
        assert rows["empty"].note.startswith("all missing") and rows["const"].band == "stable"
        await pilot.press("D")
        await settle(app, pilot)
        await choose(app, pilot, "empty")
        assert "empty has no values (all missing): it cannot split the data." in notices
        await pilot.press("D")
        await settle(app, pilot)
        await choose(app, pilot, "const")
        assert "const has a single value: it cannot split the data." in notices

        await pilot.press("i")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        note = str(app.query_one("#imp-note").render())
        assert "(e: raw columns)" in note and "raw columns directly" not in note  # the table says so itself
        assert "lr: no engineered view" in screen_text(app) and "same as the raw columns" in screen_text(app)
