"""The Features screen's keys at 80×24 and 160×50, pressed through Pilot: the statistics table's column cursor
(feature column pinned), sort by the current column, the frequency of the current row's feature, the height the
table and the histogram share (p gives the histogram the room), and a footer that follows the focused panel."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Footer

from wit_tui.engine.analysis.stats import dataset_stats
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.frequency import FrequencyScreen
from wit_tui.tui.views.features.stats import share_rows
from wit_tui.tui.views.features.view import FeaturesView
from wit_tui.tui.widgets.wide_table import WideTable

SIZES = [(80, 24), (160, 50)]


def table(app) -> WideTable:
    return app.query_one("#feat-table", WideTable)


def keys(app) -> list[str]:
    return [row.key.value for row in table(app).ordered_rows]


def footer_text(app) -> str:
    footer = app.screen.query_one(Footer)
    strips = app.screen._compositor.render_strips()
    return strips[footer.region.y].text


@pytest.mark.parametrize("size", SIZES)
async def test_column_cursor_and_sort_by_the_current_column(
    adult_session, fresh_session, open_view, screen_text, settle, size
):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "3")
        assert table(app).cursor_column_key == "feature"
        await pilot.press("right", "right", "right")  # type, count, missing
        await settle(app, pilot)
        assert table(app).cursor_column_key == "missing"
        assert table(app).fixed_columns == 1  # the feature column stays in view
        await pilot.press("S")
        await settle(app, pilot)
        stats = {st.name: st for st in dataset_stats(s.data, s.features)}
        assert keys(app)[:2] == ["occupation", "workclass"]  # 966 and 963 missing
        assert [stats[k].missing for k in keys(app)] == sorted((st.missing for st in stats.values()), reverse=True)
        assert "sorted by missing ↓" in screen_text(app)
        assert table(app).cursor_column_key == "missing"  # the column stays current after the sort
        await pilot.press("shift+left", "s")
        await settle(app, pilot)
        assert keys(app) == sorted(s.features, key=str.lower)
        await pilot.press("r")  # the old cycle of sorts: data order, name, …
        await settle(app, pilot)
        assert "sorted by name" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_f_shows_the_frequencies_of_the_current_rows_feature(
    adult_session, fresh_session, open_view, settle, size
):
    app = WitApp(fresh_session(adult_session))
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "3")
        await pilot.press("down", "F")  # workclass
        await settle(app, pilot)
        assert isinstance(app.screen, FrequencyScreen) and app.screen.column == "workclass"


def test_the_focused_part_gets_the_height():
    assert share_rows(18, 15, plot_focus=False) == (8, 10)
    assert share_rows(18, 15, plot_focus=True) == (4, 14)
    assert share_rows(44, 15, plot_focus=False) == (15, 29)  # a tall terminal: every row and a large plot
    assert share_rows(44, 15, plot_focus=True) == (15, 29)


@pytest.mark.parametrize("size", SIZES)
async def test_table_rows_and_plot_height(adult_session, fresh_session, open_view, settle, size):
    """At 80×24 the table showed 6 rows over a histogram of 6 rows of bars; tab gives the histogram the room."""
    app = WitApp(fresh_session(adult_session))
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "3")
        plot = app.query_one("#feat-plot")
        shown_rows = table(app).size.height - 1
        assert shown_rows > 6 and plot.size.height >= 10
        if size == (160, 50):
            assert shown_rows >= len(app.query_one(FeaturesView).session.features) and plot.size.height >= 20
        before = plot.size.height
        await pilot.press("p")
        await settle(app, pilot)
        assert app.query_one("#feat-hist").has_focus
        assert plot.size.height >= min(before + 4, 24) or size == (160, 50)
        await pilot.press("down")  # ↑/↓ still move through the features
        await settle(app, pilot)
        assert app.query_one("#feat-table", DataTable).cursor_row == 1
        await pilot.press("p")
        await settle(app, pilot)
        assert table(app).has_focus


@pytest.mark.parametrize("size", SIZES)
async def test_footer_follows_the_focused_panel(adult_session, fresh_session, open_view, settle, size):
    app = WitApp(fresh_session(adult_session))
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "3")
        text = footer_text(app)
        assert "s Sort" in text and "c Split" in text and "e Raw/engineered" not in text
        assert "? Help" in text  # nothing cut at 80 columns
        # the footer is the question, not the numbers: a small sample, as `I` would set it, keeps the run short
        app.query_one("#view-features").importance_panel.importance_settings = (300, 1, 0)
        await pilot.press("i")
        await settle(app, pilot)
        text = footer_text(app)
        assert "e Raw/engineered" in text and "c Split" not in text and "s Sort" not in text
