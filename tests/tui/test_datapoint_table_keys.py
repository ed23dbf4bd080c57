"""The datapoint table's keys at 80×24 and 160×50, pressed through Pilot: both models' scores stay readable at the
last column (pinned key columns), s/S sort by the current column, F counts its values (and enter filters by
one), filters stack as chips and each one can be removed, the side panel hides, bools read the same in the table
and the value picker, and notes fade."""

from __future__ import annotations

import numpy as np
import pytest

from wit_tui.engine.whatif import browse
from wit_tui.render.format import fitted
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.frequency import FrequencyScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.datapoints.table_commands import SIDE_PANEL_MIN_WIDTH
from wit_tui.tui.widgets.status_note import StatusNote

pytestmark = pytest.mark.usefixtures("one_openmp_thread")

SIZES = [(80, 24), (160, 50)]


def view(app):
    return app.query_one("#view-datapoints")


async def started(app, pilot, settle):
    await settle(app, pilot)
    assert view(app).ready
    view(app).grid.focus()
    await pilot.pause()


async def to_column(pilot, app, key: str) -> None:
    """Move the column cursor with ← / → until it is on column ``key``."""
    grid = view(app).grid
    keys = [c.key for c in grid.shown_columns]
    here = keys.index(grid.cursor_column_key)
    there = keys.index(key)
    await pilot.press(*(["right"] * (there - here) if there > here else ["left"] * (here - there)))
    await pilot.pause()
    assert grid.cursor_column_key == key


def flat(text: str) -> str:
    """The screen's lines joined: a status line that wraps at 80 columns reads as one."""
    return " ".join(line.strip() for line in text.splitlines())


def score_cells(app, row: int = 0) -> list[str]:
    return [fitted(float(view(app).session.scores(m).score[row]), 5) for m in range(2)]


@pytest.mark.parametrize("size", SIZES)
async def test_both_scores_readable_at_every_column(adult_session, fresh_session, screen_text, settle, size):
    """The key columns are pinned: wherever the column cursor is, row 0 shows both models' scores whole."""
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot, settle)
        grid = view(app).grid
        n = len(grid.shown_columns)
        for step in range(n):
            if step:
                await pilot.press("right")
                await pilot.pause()
            lines = screen_text(app).splitlines()
            header = next(t for t in lines if t.lstrip().startswith("# "))
            row = next(t for t in lines if t.lstrip("│ ").startswith("0 "))
            assert "logreg" in header and "hgb" in header, (step, header)
            for cell in score_cells(app):
                assert f" {cell} " in row + " ", (step, cell, row)
        assert grid.cursor_column_key == f"f:{s.features[-1]}"  # the last column reached
        await pilot.press("shift+left")
        await pilot.pause()
        assert grid.cursor_column_key == "id"


@pytest.mark.parametrize("size", SIZES)
async def test_s_and_S_sort_by_the_current_column(adult_session, fresh_session, screen_text, settle, size):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot, settle)
        await to_column(pilot, app, "f:age")
        await pilot.press("s")
        await settle(app, pilot)
        ids = view(app).browser.ids
        assert ids is not None and list(ids[:20]) == list(browse.base_order(s, "f:age")[:20])
        assert "sort: age ↑" in screen_text(app)
        await pilot.press("S")
        await settle(app, pilot)
        top = int(view(app).browser.ids[0])
        assert s.data["age"][top] == s.data["age"].max() and "sort: age ↓" in screen_text(app)
        assert not isinstance(app.screen, PickScreen)  # no picker: the current column
        await to_column(pilot, app, "score:1")
        await pilot.press("s")
        await settle(app, pilot)
        assert "sort: hgb score ↑" in screen_text(app)  # named by model, not by the header "score"
        await pilot.press("ctrl+o")  # the picker stays reachable
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_F_counts_the_current_column_and_enter_filters_by_a_value(
    adult_session, fresh_session, screen_text, settle, size
):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot, settle)
        await to_column(pilot, app, "f:sex")
        await pilot.press("F")
        await settle(app, pilot)
        assert isinstance(app.screen, FrequencyScreen)
        counts = s.data["sex"].value_counts()
        text = screen_text(app)
        assert "Values of sex over 16,281 datapoint(s)" in text
        for value, n in counts.items():
            assert value in text and f"{n:,}" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FrequencyScreen) and view(app).browser.filters == ()
        await pilot.press("F", "down", "enter")  # the second most frequent value: Female
        await settle(app, pilot)
        n = int(counts["Female"])
        assert f"{n:,} of 16,281 shown" in screen_text(app)
        assert '[sex == "Female" ×]' in flat(screen_text(app))


@pytest.mark.parametrize("size", SIZES)
async def test_filters_stack_as_chips_and_each_can_be_removed(adult_session, fresh_session, screen_text, settle, size):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot, settle)
        await pilot.press("slash", *"age >= 30", "enter")
        await settle(app, pilot)
        await pilot.press("slash", *'sex == "Female"', "enter")
        await settle(app, pilot)
        both = int(((s.data["age"] >= 30) & (s.data["sex"] == "Female")).sum())
        text = flat(screen_text(app))
        assert f"{both:,} of 16,281 shown" in text
        assert '[age >= 30 ×] [sex == "Female" ×]' in text
        ids = view(app).browser.ids
        assert np.all(s.data["age"].to_numpy()[ids] >= 30) and np.all(s.data["sex"].to_numpy()[ids] == "Female")
        await pilot.press("f", *"any", "enter")  # a quick filter joins them
        await settle(app, pilot)
        assert "[misclassified by any model ×]" in flat(screen_text(app))
        assert len(view(app).browser.ids) < both
        await pilot.press("backspace")  # drops the last one
        await settle(app, pilot)
        assert f"{both:,} of 16,281 shown" in screen_text(app)
        assert "misclassified" not in screen_text(app)
        await pilot.press("u", "up", "enter")  # pick one: the first (age)
        await settle(app, pilot)
        female = int((s.data["sex"] == "Female").sum())
        assert f"{female:,} of 16,281 shown" in screen_text(app) and "age >= 30" not in screen_text(app)
        await pilot.press("U")
        await settle(app, pilot)
        assert "16,281 datapoints" in screen_text(app) and view(app).browser.ids is None


@pytest.mark.parametrize("size", SIZES)
async def test_side_panel_toggle_gives_the_table_the_width(adult_session, fresh_session, settle, size):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot, settle)
        v = view(app)
        shown_at_start = v.inspector.display
        assert shown_at_start == (size[0] >= SIDE_PANEL_MIN_WIDTH)  # both sizes: shown
        await pilot.press("backslash")
        await pilot.pause()
        assert v.inspector.display != shown_at_start
        if not v.inspector.display:
            assert v.grid.size.width >= size[0] - 2
        else:
            assert 30 <= v.inspector.outer_size.width <= 60
        await pilot.press("backslash")
        await pilot.pause()
        assert v.inspector.display == shown_at_start


async def test_bool_column_reads_yes_no_in_the_table_and_the_picker(adult_session, fresh_session, screen_text, settle):
    src = fresh_session(adult_session)
    from wit_tui.engine.session.session import Session

    data = src.data.copy()
    data["married"] = (data["marital_status"].astype(str).str.startswith("Married")).astype(bool)
    s = Session(data, src.models, label=src.label, features=[*src.features, "married"], positive=src.task.positive)
    s._scores = dict(src._scores)  # the models ignore the extra column: same scores
    app = WitApp(s)
    async with app.run_test(size=(160, 50)) as pilot:
        await started(app, pilot, settle)
        first = "yes" if data["married"].iloc[0] else "no"
        assert view(app).grid.row_cells(0)[-1] == first
        await pilot.press("d")
        await pilot.pause()
        features = view(app).inspector.table
        features.move_cursor(row=len(s.features) - 1)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert {"yes", "no"} <= set(app.screen.texts) and "True" not in app.screen.texts
        await pilot.press("escape")


async def test_class_probability_columns_show_every_class_per_model(wine_session, fresh_session, settle):
    w = fresh_session(wine_session)
    app = WitApp(w)
    async with app.run_test(size=(160, 50)) as pilot:
        await started(app, pilot, settle)
        grid = view(app).grid
        assert not any(c.key.startswith("proba:") for c in grid.columns)  # off by default
        await pilot.press("percent_sign")
        await pilot.pause()
        keys = [c.key for c in grid.columns]
        n_classes = len(w.task.classes)
        assert [k for k in keys if k.startswith("proba:")] == [
            f"proba:{m}:{k}" for m in range(len(w.models)) for k in range(n_classes)
        ]
        cells = grid.row_cells(0)
        for m in range(len(w.models)):
            for k in range(n_classes):
                shown = cells[keys.index(f"proba:{m}:{k}")]
                assert float(shown) == pytest.approx(w.scores(m).proba[0, k], abs=1e-3)
        await to_column(pilot, app, f"proba:1:{n_classes - 1}")
        await pilot.press("S")  # sorts by a class probability too
        await settle(app, pilot)
        top = int(view(app).browser.ids[0])
        assert w.scores(1).proba[top, n_classes - 1] == w.scores(1).proba[:, n_classes - 1].max()
        await pilot.press("percent_sign")
        await pilot.pause()
        assert not any(c.key.startswith("proba:") for c in grid.columns)


@pytest.mark.bad_input
async def test_class_columns_and_frequency_of_a_score_say_why_not(adult_session, fresh_session, settle):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot, settle)
        note = view(app).query_one(StatusNote)
        await pilot.press("percent_sign")
        await pilot.pause()
        assert note.text == "Class probability columns are for multi-class models; this task is binary."
        await to_column(pilot, app, "score:0")
        await pilot.press("F")
        await pilot.pause()
        assert not isinstance(app.screen, FrequencyScreen)
        assert note.text.startswith("F counts the values of a data column; logreg score is not one")
        await pilot.press("backspace")
        await pilot.pause()
        assert note.text == "No filter to remove."
        # the view answers why a key of the point does nothing (the keymap asks it)
        assert view(app).why_not("point", ("delete",)).startswith("Only added points can be deleted")


async def test_notes_fade(adult_session, fresh_session, settle):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot, settle)
        await pilot.press("U")  # nothing to clear: a note, in the note line
        await pilot.press("backspace")
        await pilot.pause()
        note = view(app).query_one(StatusNote)
        assert note.text == "No filter to remove."
        assert note._timer is not None  # it clears itself (StatusNote's own test times it)
        note._timer.stop()
        note.clear()
        assert note.text == ""


def test_frequency_view_of_an_empty_filter_is_words(adult_session):
    """(engine input the dialog passes on: no rows at all is a table of nothing, not a crash)"""
    from wit_tui.engine.analysis.frequency import value_frequencies

    adult_session.score_all()
    freq = value_frequencies(adult_session, "sex", rows=np.array([], dtype=np.int64))
    assert freq.n_rows == 0 and freq.rows == ()
