"""The performance screen's keys pressed for real at 80×24 and 160×50: the column cursor in the slice and worst-slice
tables (pinned key columns, sort by the current column checked against the engine's numbers), the panel keys, a
footer that follows the focused panel, the worst slices' first frame at 80×24, and why a key does nothing."""

from __future__ import annotations

import numpy as np
import pytest
from rich.cells import cell_len

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.performance import model_performance, slice_indexes
from wit_tui.engine.analysis.worst_slices import session_worst_slices
from wit_tui.engine.slicing import slice_by
from wit_tui.render.format import num
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions
from wit_tui.tui.views.performance.common import NAME_MIN, fit_pair, fit_parts
from wit_tui.tui.views.performance.slice_rows import cost_decimals, cost_text
from wit_tui.tui.views.performance.worst_rows import p_text

SIZES = [(80, 24), (160, 50)]


def _footer(app) -> str:
    return app.screen._compositor.render_strips()[-1].text


async def _column(pilot, table, key: str) -> None:
    """Move the column cursor onto ``key`` with the keys a person presses (first column, then l)."""
    await pilot.press("shift+left")
    for _ in range(len(table.columns)):
        if table.cursor_column_key == key:
            return
        await pilot.press("l")
    assert table.cursor_column_key == key


@pytest.mark.parametrize("size", SIZES)
async def test_slice_table_column_cursor_pinned_names_and_sort_by_the_current_column(
    adult_session, open_view, screen_text, settle, type_into, size
):
    s = adult_session
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "race")
        view = app.query_one("#view-performance")
        table = app.query_one("#slices-table")
        assert view.panel == "slices" and app.focused is table
        # l moves one column (it no longer switches panels); h back
        first = table.cursor_column_key
        await pilot.press("l")
        assert table.cursor_column_key != first and view.panel == "slices"
        await pilot.press("h")
        assert table.cursor_column_key == first
        # the last column: the slice names and their counts stay pinned at the left
        await pilot.press("shift+right")
        await settle(app, pilot)
        assert table.cursor_column_key == list(table.columns)[-1].value
        truth = ground_truth(s)
        race = slice_by(s.data, ["race"], rows=truth.labelled)
        text = screen_text(app)
        for k in range(race.n_slices):
            name = " × ".join(race.labels[k])
            count = f"{int((race.codes == k).sum()):,}"
            assert any(ln.strip().startswith(name) and count in ln for ln in text.splitlines()), (name, text)
        # s / S: by the current column, ascending / descending, the engine's accuracies in that order
        ridx = slice_indexes(s, truth, race.codes, race.n_slices)
        accuracy = [ridx[0].index(k).at(0.5).accuracy for k in range(race.n_slices)]
        await _column(pilot, table, "accuracy@0")
        await pilot.press("s")
        await settle(app, pilot)
        shown = [accuracy[k] for k in view.slices.slice_order]
        assert shown == sorted(accuracy) and view.slices.sort_key == "accuracy@0"
        assert "sorted by acc · logreg" in screen_text(app)
        await pilot.press("S")
        await settle(app, pilot)
        assert [accuracy[k] for k in view.slices.slice_order] == sorted(accuracy, reverse=True)
        assert table.get_cell("r0", "accuracy@0").plain == num(max(accuracy))
        # the counts column: largest slice first; the slice column: by name
        await _column(pilot, table, "n")
        await pilot.press("S")
        await settle(app, pilot)
        assert race.labels[view.slices.slice_order[0]] == ("White",)
        await _column(pilot, table, "slice")
        await pilot.press("s")
        await settle(app, pilot)
        names = [" × ".join(race.labels[k]) for k in view.slices.slice_order]
        assert names == sorted(names, key=str.lower)


@pytest.mark.parametrize("size", SIZES)
async def test_panel_keys_and_a_footer_that_follows_the_focused_panel(adult_session, open_view, settle, size):
    app = WitApp(adult_session, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        view = app.query_one("#view-performance")
        footer = _footer(app)
        assert view.panel == "overview"
        for shown in ("d Slices", "w Worst", "] [ Thr", "f Strategy", "b Slice by", "v Validate"):
            assert shown in footer, (shown, footer)
        assert "m Metric" not in footer and "x Cross" not in footer
        await pilot.press("d")
        await settle(app, pilot)
        assert view.panel == "slices" and app.focused is app.query_one("#slices-table")
        await pilot.press("b", *"sex", "enter")
        await settle(app, pilot)
        footer = _footer(app)
        for shown in ("s S Sort", "x Cross", "e Slice thr", "a Overview", "w Worst"):
            assert shown in footer, (shown, footer)
        assert "d Slices" not in footer and "m Metric" not in footer
        await pilot.press("w")
        await settle(app, pilot)
        assert view.panel == "worst" and app.focused is app.query_one("#worst-table")
        footer = _footer(app)
        for shown in ("s S Sort", "m Metric", "X Crosses", "a Overview", "d Slices"):
            assert shown in footer, (shown, footer)
        assert "x Cross" not in footer
        await pilot.press("a")
        await settle(app, pilot)
        assert view.panel == "overview" and app.focused is app.query_one("#panel-overview")


async def test_worst_slices_first_frame_at_80x24_shows_whole_counts_and_readable_names(
    adult_session, open_view, settle
):
    """The first frame drawn after a ranking arrives (before the table's idle measures its cells) showed ``n`` as
    "1" for 10,860 rows and names cut to 5 characters: every count is whole and the names are shortened, not cut."""
    s = adult_session
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("w")
        await settle(app, pilot)
        panel = app.query_one("#panel-worst")
        table = app.query_one("#worst-table")
        panel.render_panel()  # as on the ranking's arrival: the table refilled, nothing processed since
        lines = [table.render_line(y).text for y in range(table.size.height)]
        expected = session_worst_slices(s, ground_truth(s), "accuracy", thresholds=[0.5, 0.5], model=0)
        male = next(f for f in expected.findings if f.slice == "sex:Male")
        assert male.n_rows == int((s.data["sex"] == "Male").sum())
        rows = [ln for ln in lines if "sex=Male" in ln]
        assert rows and f"{male.n_rows:,}" in rows[0], lines  # 10,860, never "1"
        # every row drawn: its whole count, its name whole or shortened to no fewer than NAME_MIN cells
        for r, line in enumerate(lines[1:]):
            f = expected.findings[r]
            name = table.get_cell_at((r, 1)).plain
            whole = f"{f.key[0][0]}={f.labels[0]}"
            assert name == whole or cell_len(name) >= NAME_MIN, (name, whole)
            assert f" {name} " in line and f" {f.n_rows:,}" in line, (name, line)
        # s / S by the current column: the engine's counts, largest first; then its "worse by", smallest first
        await _column(pilot, table, "n")
        await pilot.press("S")
        await settle(app, pilot)
        counts = [int(table.get_cell_at((r, 2)).plain.rstrip("*").replace(",", "")) for r in range(table.row_count)]
        assert counts == sorted((f.n_rows for f in expected.findings), reverse=True)[: table.row_count]
        largest = max(expected.findings, key=lambda f: f.n_rows)
        assert table.get_cell_at((0, 0)).plain == str(expected.findings.index(largest) + 1)
        await _column(pilot, table, "worse")
        await pilot.press("s")
        await settle(app, pilot)
        worse = sorted(expected.findings, key=lambda f: f.worse_by)
        assert table.get_cell_at((0, 0)).plain == str(expected.findings.index(worse[0]) + 1)
        assert "sorted by worse by" in str(app.query_one("#worst-note").render())


def test_names_are_shortened_in_the_middle_never_below_the_minimum():
    assert fit_parts(["Female", "Amer-Indian-Eskimo"], 20) == "Female × Amer-…skimo"
    assert fit_parts(["White"], 20) == "White"
    assert fit_pair("marital_status", "Married-civ-spouse", 26) == "marita…=Married-civ-spouse"
    assert fit_pair("sex", "Male", 26) == "sex=Male"


async def test_a_key_that_does_not_apply_says_why(adult_session, diabetes_session, open_view, settle):
    """Asked directly (``why_not``) and through a real key press (the note line under the status)."""
    app = WitApp(adult_session, RunOptions(autosave=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        view = app.query_one("#view-performance")
        assert view.why_not("show_panel", ("overview",)) == "a: this is the overview panel already."
        assert view.why_not("threshold", (1,)) == ""  # it applies
        assert view.worst.why_not("sort_column", (False,)) == "s: no ranking yet: press w to rank the slices."
        await pilot.press("d")
        await settle(app, pilot)
        assert view.slices.why_not("sort_column", (True,)) == "S: no slices yet: press b to slice by a feature."
        await pilot.press("s")
        await settle(app, pilot)
        assert app.query_one("#perf-note").text == "s: no slices yet: press b to slice by a feature."
        assert view.slices.sort_key == "slice"  # nothing else happened
    app = WitApp(diabetes_session, RunOptions(autosave=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        view = app.query_one("#view-performance")
        expected = "]: thresholds, costs and strategies are for binary tasks; this one is regression."
        assert view.why_not("threshold", (1,)) == expected
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.query_one("#perf-note").text == expected
        assert "a regression has no positive class" in view.why_not("positive", ())


async def test_overview_at_80x24_shows_the_confusion_counts_without_scrolling(adult_session, open_view, screen_text):
    s = adult_session
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        assert app.query_one("#panel-overview").scroll_y == 0
        for i, name in enumerate(s.model_names):
            m = model_performance(s, i).binary
            for label, count in (
                ("true negatives TN", m.tn),
                ("false positives FP", m.fp),
                ("false negatives FN", m.fn),
                ("true positives TP", m.tp),
            ):
                line = next((ln for ln in text.splitlines() if label in ln), "")
                assert f"{count:,}" in line, (name, label, line)
        a, b = (model_performance(s, i).binary for i in range(2))
        line = next(ln for ln in text.splitlines() if "true positives TP" in ln)
        assert line.split()[-1] == f"+{b.tp - a.tp:,}" and "accuracy" in text


def test_one_cost_format_per_column_and_p_values_alike():
    """A cost ratio of 2.5 makes some costs whole and some not: the column reads two decimals for all; p- and
    q-values read four decimals (never 1.2e-05 beside 0.34)."""
    assert cost_decimals([np.array([15.0, 2146.0]), np.array([13.0, np.nan])]) == 0
    assert cost_decimals([np.array([15.0, 17.5])]) == 2
    assert [cost_text(v, 2) for v in (15.0, 17.5)] == ["15.00", "17.50"]
    assert cost_text(-261.0, 0, sign=True) == "−261" and cost_text(np.nan, 0) == "–"
    assert [p_text(p) for p in (0.34, 1.2e-5, 0.00012)] == ["0.3400", "<0.0001", "0.0001"]
