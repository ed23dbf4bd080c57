"""The Datapoint editor driven by real key presses (Pilot): edit, re-infer, history, revert, duplicate, add,
delete, save; counterfactual; filter, sort, jump, quick filters; ICE / PD, attributions, minimal edits.
(The same edit through the real console script is in test_e2e_tmux.py.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wit_tui.engine.whatif import browse
from wit_tui.engine.whatif.counterfactual import nearest_counterfactual
from wit_tui.tui.app import WitApp

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


@pytest.fixture
def start(settle):
    """``await start(session, pilot, app)``: the app settled, its datapoint editor ready."""

    async def start_(session, pilot, app):
        await settle(app, pilot)
        assert app.query_one("#view-datapoints").ready

    return start_


def view(app):
    return app.query_one("#view-datapoints")


async def test_edit_numeric_and_categorical_history_revert_duplicate_add_delete_save(
    adult_session, tmp_path, fresh_session, screen_text, settle, start
):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(s, pilot, app)
        await pilot.press("j")  # select datapoint 1 (age 38, HS-grad)
        await settle(app, pilot)
        assert "Datapoint 1" in screen_text(app)
        old = [float(s.scores(m).score[1]) for m in range(2)]
        # a numeric feature: typed; the prediction and its delta appear at once, for both models
        await pilot.press("d", "e")
        await settle(app, pilot)
        assert "age = " in screen_text(app)
        await pilot.press(*"60", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        new = [float(s.point_scores(1)[m].score[0]) for m in range(2)]
        assert s.row(1)["age"] == 60 and new != old
        for m in range(2):
            assert f"{new[m]:.4f} Δ{new[m] - old[m]:+.4f}" in text
        assert "Datapoint 1 · edited" in text and "1*" in text and "1 changed (unsaved)" in text
        # invalid input: an inline message, nothing applied
        await pilot.press("e", *"abc", "enter")
        await settle(app, pilot)
        assert "'abc' is not a number" in screen_text(app) and s.row(1)["age"] == 60
        await pilot.press("escape")
        await settle(app, pilot)
        # a categorical feature: picked from the values seen in the data (typing narrows the list)
        await pilot.press("j", "j", "j", "e")
        await settle(app, pilot)
        assert "education of datapoint 1" in screen_text(app)
        await pilot.press(*"Masters", "enter")
        await settle(app, pilot)
        assert s.row(1)["education"] == "Masters" and "Masters *" in screen_text(app)
        # + / - step a number
        await pilot.press("k", "k", "k", "plus", "plus", "minus")
        await settle(app, pilot)
        assert s.row(1)["age"] == 61
        # the history of runs, with deltas
        await pilot.press("H")
        await settle(app, pilot)
        text = screen_text(app)
        for needle in (
            "Runs of datapoint 1",
            "0 original",
            "1 age 38 → 60",
            "2 education HS-grad → Masters",
            "5 age 62 → 61",
        ):
            assert needle in text
        runs = s.history(1)
        d = runs[2].scores[1] - runs[1].scores[1]
        assert f"{d:+.6f}" in text
        # revert one feature, then the whole point
        await pilot.press("d", "j", "j", "j", "r")  # (the history panel has focus: d goes back to the features)
        await settle(app, pilot)
        assert s.row(1)["education"] == "HS-grad" and s.row(1)["age"] == 61
        await pilot.press("R")
        await settle(app, pilot)
        assert not s.is_edited(1) and "reverted all" in screen_text(app)
        # duplicate, add, delete
        await pilot.press("escape", "D")
        await settle(app, pilot)
        dup = s.n_rows
        assert s.n_total == dup + 1 and f"Datapoint {dup} · copy of #1" in screen_text(app)
        await pilot.press("A")
        await settle(app, pilot)
        assert s.n_total == dup + 2 and f"Datapoint {dup + 1} · new" in screen_text(app)
        assert f"{dup + 1}+" in screen_text(app)
        await pilot.press("d", "k", "k", "k", "e", *"30", "enter")  # the new point's age
        await settle(app, pilot)
        await pilot.press("K")  # back to the duplicate
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert "Delete added datapoint" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert s.n_total == dup + 1 and s.row(dup)["age"] == 30  # the later added point moved down one id
        # ctrl+s: save to a path typed in the prompt, then read the file back
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "save to" in screen_text(app)
        target = tmp_path / "my-edits.csv"
        view(app).prompt.input.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert target.exists() and not s.has_unsaved_edits
        back = pd.read_csv(target)
        assert back["wit_id"].tolist() == [dup] and back["wit_status"].tolist() == ["added"]
        assert back["age"].tolist() == [30]
        assert back["wit_hgb_score"].iloc[0] == pytest.approx(float(s.point_scores(dup)[1].score[0]))
        assert "Saved 1 datapoint(s)" in screen_text(app)


async def test_counterfactual_panel(adult_session, fresh_session, screen_text, settle, start):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(s, pilot, app)
        await pilot.press("j", "j", "c")
        await settle(app, pilot)
        text = screen_text(app)
        want = [nearest_counterfactual(s, 2, m, threshold=0.5) for m in range(2)]
        assert "Nearest counterfactual of #2 · L1" in text
        for w in want:
            assert f"#{w.index} distance {w.distance:.4f}" in text
        await pilot.press("L")
        await settle(app, pilot)
        text = screen_text(app)
        want2 = nearest_counterfactual(s, 2, 0, metric="L2", threshold=0.5)
        assert "· L2 ·" in text and f"#{want2.index} distance {want2.distance:.4f}" in text
        # restrict to a ground truth, then go to the counterfactual in the table
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press(*"<=50K", "enter")
        await settle(app, pilot)
        assert "among income = <=50K" in screen_text(app)
        await pilot.press("o")
        await settle(app, pilot)
        got = nearest_counterfactual(s, 2, 0, metric="L2", threshold=0.5, restrict=np.asarray(s.y == "<=50K")).index
        assert f"Datapoint {got}" in screen_text(app) and s.y[got] == "<=50K" and view(app).selected == got
        # editing the point live-updates the counterfactual
        await pilot.press("c", "d", "e", *"70", "enter")
        await settle(app, pilot)
        live = nearest_counterfactual(
            s, got, 0, metric="L2", threshold=0.5, restrict=np.asarray(np.r_[s.y == "<=50K"], dtype=bool)
        )
        assert f"#{live.index} distance {live.distance:.4f}" in screen_text(app)


async def test_filter_sort_jump_quick_filters(adult_session, fresh_session, screen_text, settle, start):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(s, pilot, app)
        await pilot.press("slash", *'age > 40 and sex == "Female"', "enter")
        await settle(app, pilot)
        n = int(((s.data["age"] > 40) & (s.data["sex"] == "Female")).sum())
        assert f"{n:,} of 16,281 shown" in screen_text(app)
        first = int(np.flatnonzero((s.data["age"] > 40) & (s.data["sex"] == "Female"))[0])
        assert f"Datapoint {first}" in screen_text(app)
        # a bad (or hostile) expression: one clear message, nothing changes
        before = view(app).browser.ids.copy()
        await pilot.press("slash")
        prompt = view(app).prompt
        prompt.input.value = "__import__('os')"  # (long texts are set, not typed, to keep the test quick)
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Function calls are not supported" in text and f"{n:,} of 16,281 shown" in text
        np.testing.assert_array_equal(view(app).browser.ids, before)
        prompt.input.value = "sex == Female"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "There is no column 'Female'" in screen_text(app)
        await pilot.press("end", "ctrl+u", "enter")  # empty clears the filters
        await settle(app, pilot)
        assert "16,281 datapoints" in screen_text(app) and view(app).browser.ids is None
        # sort by a column (the palette's picker, ctrl+o, type to narrow; s / S sort by the current column)
        await pilot.press("ctrl+o", *"hours", "enter")
        await settle(app, pilot)
        order = browse.base_order(s, "f:hours_per_week")
        assert view(app).browser.ids[0] == order[0] and "16,281 datapoints · sort: hours_per_week ↑" in screen_text(app)
        assert str(order[0]) == str(view(app).grid.row_cells(0)[0])  # the selection stays on its datapoint
        view(app).grid.focus()
        view(app).grid.move_to_column("f:hours_per_week")
        await pilot.press("S")
        await settle(app, pilot)
        top = int(view(app).browser.ids[0])
        assert s.data["hours_per_week"][top] == s.data["hours_per_week"].max()
        # jump to a datapoint by id
        await pilot.press("colon", *"1234", "enter")
        await settle(app, pilot)
        assert "Datapoint 1234" in screen_text(app)
        assert view(app).grid.cursor_row == int(np.flatnonzero(view(app).browser.ids == 1234)[0])
        await pilot.press("colon", *"99999", "enter")
        await settle(app, pilot)
        assert "There is no datapoint 99999" in screen_text(app)
        await pilot.press("escape")
        # quick filters
        await pilot.press("f", *"neg", "down", "enter")  # false negatives of logreg, then of hgb
        await settle(app, pilot)
        fn = int(((s.scores(1).score < 0.5) & (s.y == ">50K")).sum())
        assert f"{fn:,} of 16,281 shown" in screen_text(app)
        await pilot.press("U", "f", *"any", "enter")  # filters stack: U clears them first
        await settle(app, pilot)
        mis = int(
            (((s.scores(0).score >= 0.5) != (s.y == ">50K")) | ((s.scores(1).score >= 0.5) != (s.y == ">50K"))).sum()
        )
        assert f"{mis:,} of 16,281 shown" in screen_text(app)


async def test_ice_pd_attributions_minimal_edits(adult_session, fresh_session, screen_text, settle, start):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(s, pilot, app)
        await pilot.press("j", "j", "j", "p")
        await settle(app, pilot)
        text = screen_text(app)
        assert "ICE of age for datapoint 3" in text and "logreg" in text and "hgb" in text
        await pilot.press("j")  # the next feature in the editor
        await settle(app, pilot)
        assert "ICE of workclass" in screen_text(app)
        await pilot.press("P")
        await settle(app, pilot)
        assert "PD over 1,000 rows" in screen_text(app)
        await pilot.press("v")
        await settle(app, pilot)
        assert view(app).inspector.order[0] == "capital_gain" and "var" in screen_text(app)
        await pilot.press("a")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Local attributions of #3" in text and "fidelity R²" in text and "capital_gain" in text
        await pilot.press("m")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Smallest edits of #3" in text and "not a causal claim" in text and "change " in text
        # enter applies the highlighted suggestion: the prediction flips for that model
        await pilot.press("enter")
        await settle(app, pilot)
        assert s.is_edited(3)
        first_model = view(app).query_one("#dp-min").choices[0][0]
        assert (s.point_scores(3)[first_model].score[0] >= 0.5) != (s.scores(first_model).score[3] >= 0.5)


@pytest.mark.parametrize("size", [(80, 24)])
async def test_every_panel_at_80x24(adult_session, size, fresh_session, screen_text, settle, start):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await start(s, pilot, app)
        for key, needle in (
            ("c", "distance"),
            ("m", "Smallest edits"),
            ("p", "ICE of"),
            ("a", "fidelity R²"),
            ("H", "Runs of datapoint 0"),
        ):
            await pilot.press(key)
            await settle(app, pilot)
            assert needle in screen_text(app), key
        await pilot.press("escape")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Filter" in text and "Help" in text and "Quit" in text  # the footer keeps the main keys
        await pilot.press("question_mark", *"counterf")  # the help is searchable
        await settle(app, pilot)
        assert "Counterfactual" in screen_text(app)


async def test_multiclass_and_regression(wine_session, diabetes_session, fresh_session, screen_text, settle, start):
    w = fresh_session(wine_session)
    app = WitApp(w)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(w, pilot, app)
        await pilot.press("c")
        await settle(app, pilot)
        assert "other class (argmax)" in screen_text(app)
        await pilot.press("p")
        await settle(app, pilot)
        cls = w.task.classes[int(np.argmax(w.scores(0).proba[0]))]
        assert f"y = P({cls})" in screen_text(app)
        await pilot.press("C")
        await settle(app, pilot)
        assert f"y = P({cls})" not in screen_text(app)
    d = fresh_session(diabetes_session)
    app = WitApp(d)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(d, pilot, app)
        await pilot.press("c")
        await settle(app, pilot)
        from wit_tui.engine.whatif.counterfactual import default_gap

        gap = default_gap(d, 0)
        assert f"≥ {gap:.4g}" in screen_text(app)
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert f"≥ {gap * 1.1:.4g}" in screen_text(app)


async def test_narrow_side_pane_shows_values_and_variation(wine_session, fresh_session, screen_text, settle, start):
    """At 80x24 the side pane is 34 columns: long feature names (wine) must not push the values out of sight."""
    from wit_tui.render.format import fmt

    w = fresh_session(wine_session)
    app = WitApp(w)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(w, pilot, app)
        await pilot.press("backslash")  # below 100 columns the side panel starts hidden
        await settle(app, pilot)
        side = app.query_one("#dp-side").region
        lines = screen_text(app).splitlines()
        pane = "\n".join(line[side.x : side.right] for line in lines[side.y : side.bottom])
        for f in ("alcohol", "malic_acid", "ash"):
            assert f"{f}" in pane and fmt(w.row(0)[f]) in pane, f
        await pilot.press("v")  # rank by variation: the var column is visible too
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        pane = "\n".join(line[side.x : side.right] for line in lines[side.y : side.bottom])
        top, score = view(app).inspector.rank[0]
        assert "var" in pane and f"{score:.3f}" in pane


async def test_counterfactual_table_fits_at_80x24(adult_session, fresh_session, screen_text, settle, start):
    from wit_tui.render.format import fmt

    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(s, pilot, app)
        await pilot.press("c")
        await settle(app, pilot)
        text = screen_text(app)
        idx = sorted({nearest_counterfactual(s, 0, m, threshold=0.5).index for m in range(2)})
        for f in ("age", "fnlwgt", "education_num"):
            for i in (0, *idx):  # every value column whole, none cut by the panel's edge
                assert f" {fmt(s.row(i)[f])} " in text or f" {fmt(s.row(i)[f])}\n" in text, (f, i)


async def test_no_match_note_goes_away_and_categorical_pd_is_drawn(
    adult_session, diabetes_session, fresh_session, screen_text, settle, start
):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(s, pilot, app)
        await pilot.press("slash", *'sex == "female"', "enter")
        await settle(app, pilot)
        assert "No datapoint matches the filter" in screen_text(app)
        await pilot.press("backspace", "slash", *"age > 80", "enter")  # filters stack: drop the first
        await settle(app, pilot)
        text = screen_text(app)
        assert f"{int((s.data['age'] > 80).sum()):,} of 16,281 shown" in text
        assert "No datapoint matches" not in text
        # partial dependence of a categorical feature: one more bar per model
        await pilot.press("d", "j", "p")
        await settle(app, pilot)
        assert "ICE of workclass" in screen_text(app) and "PD (light" not in screen_text(app)
        await pilot.press("P")
        await settle(app, pilot)
        assert "PD (light, each model's colour)" in screen_text(app)
    d = fresh_session(diabetes_session)
    app = WitApp(d)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(d, pilot, app)
        await pilot.press("c")
        await settle(app, pilot)
        text = screen_text(app)
        # regression: each model has its own gap, so each rule says whose it is
        assert "ridge: |prediction" in text and "hgb: |prediction" in text


async def test_a_flipped_prediction_shows_the_original_class(adult_session, fresh_session, screen_text, settle, start):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(s, pilot, app)
        assert "  was " not in screen_text(app)
        view(app).editor.apply({"capital_gain": 20000})  # flips logreg (see test_counterfactual)
        await settle(app, pilot)
        text = screen_text(app)
        assert s.point_scores(0)[0].score[0] >= 0.5 > s.scores(0).score[0]
        assert "logreg: >50K" in text and f"was <=50K ({s.scores(0).score[0]:.4f})" in text
