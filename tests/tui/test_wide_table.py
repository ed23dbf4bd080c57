"""The table keys on WideTable (the statistics, slices and worst-slices tables): one column per key, pinned
columns, resize, hide, copy as TSV, at 80×24 and 160×50."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate

from wit_tui.tui.widgets.wide_table import WideTable

N_COLS = 14
KEYS = [f"c{i}" for i in range(N_COLS)]


class TableApp(App[None]):
    def __init__(self, pinned: int = 1) -> None:
        super().__init__()
        self.pinned = pinned
        self.columns_seen: list[str | None] = []
        self.rows_seen: list[int] = []

    def compose(self) -> ComposeResult:
        yield WideTable(id="t", zebra_stripes=True)

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        table = self.query_one(WideTable)
        table.clear(columns=True)
        table.add_column("name", key="c0")
        for i in range(1, N_COLS):
            table.add_column(f"metric{i}", key=f"c{i}")
        for r in range(30):
            table.add_row(f"slice{r}", *[f"{r}.{i:04d}" for i in range(1, N_COLS)], key=f"r{r}")
        table.pinned = self.pinned
        table.focus()

    def on_wide_table_column_highlighted(self, message: WideTable.ColumnHighlighted) -> None:
        self.columns_seen.append(message.key)

    def on_data_table_row_highlighted(self, message: WideTable.RowHighlighted) -> None:
        self.rows_seen.append(message.cursor_row)


def line(table: WideTable, y: int) -> str:
    return table.render_line(y).text


SIZES = [(80, 24), (160, 50)]


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES)
async def test_l_moves_one_column_per_press_and_the_pinned_column_stays(size: tuple[int, int]) -> None:
    app = TableApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.query_one(WideTable)
        assert table.cursor_column_key == "c0"
        for i in range(1, N_COLS):
            await pilot.press("l")
            assert table.cursor_column_key == f"c{i}"
            assert table.cursor_column == i
            await pilot.pause()
            header = line(table, 0)
            assert f"metric{i}" in header  # the current column shows whole
            assert header.lstrip().startswith("name")  # pinned
        assert "slice0" in line(table, 1) and f"0.{N_COLS - 1:04d}" in line(table, 1)
        await pilot.press("l")  # past the last: stays
        assert table.cursor_column_key == f"c{N_COLS - 1}"
        await pilot.press("shift+left")
        assert table.cursor_column_key == "c0"
        await pilot.press("shift+right")
        assert table.cursor_column_key == f"c{N_COLS - 1}"
        await pilot.press("h")
        assert table.cursor_column_key == f"c{N_COLS - 2}"
        await pilot.pause()
        assert "c1" in app.columns_seen and app.columns_seen[-1] == f"c{N_COLS - 2}"
        assert app.rows_seen in ([], [0])  # column moves are not row moves
        assert table.move_to_column("c3") and table.cursor_column_key == "c3"
        assert not table.move_to_column("nope")


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES)
async def test_resize_hide_and_show_survive_a_refill(size: tuple[int, int]) -> None:
    app = TableApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.query_one(WideTable)
        await pilot.press("l")
        before = table.ordered_columns[1].get_render_width(table)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert table.ordered_columns[1].get_render_width(table) == before + 2
        await pilot.press("less_than_sign", "less_than_sign", "less_than_sign", "less_than_sign")
        await pilot.pause()
        # never below its widest number ("29.0001": 7 cells)
        assert table.ordered_columns[1].get_render_width(table) - 2 == 7
        await pilot.press("z")
        await pilot.pause()
        assert table.hidden_columns == ("c1",)
        assert "metric1 " not in line(table, 0) and "metric2" in line(table, 0)
        assert table.cursor_column_key == "c2"
        app.fill()  # a refill with the same keys (a re-sort)
        await pilot.pause()
        assert table.hidden_columns == ("c1",)
        assert "metric1 " not in line(table, 0)
        await pilot.press("Z")
        await pilot.pause()
        assert table.hidden_columns == ()
        assert "metric1" in line(table, 0)


@pytest.mark.asyncio
async def test_the_last_column_shown_cannot_be_hidden() -> None:
    app = TableApp(pinned=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(WideTable)
        await pilot.press(*["z"] * (N_COLS + 2))
        assert len(table.ordered_columns) == 1
        assert len(table.hidden_columns) == N_COLS - 1


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES)
async def test_y_copies_cell_row_and_table_as_tsv(size: tuple[int, int]) -> None:
    app = TableApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("down", "l", "y")
        assert app.clipboard == "1.0001"
        await pilot.press("Y")
        header = "\t".join(["name", *[f"metric{i}" for i in range(1, N_COLS)]])
        assert app.clipboard == header + "\n" + "\t".join(["slice1", *[f"1.{i:04d}" for i in range(1, N_COLS)]]) + "\n"
        await pilot.press("ctrl+y")
        lines = app.clipboard.splitlines()
        assert lines[0] == header and len(lines) == 31
        assert lines[30].split("\t")[0] == "slice29"


@pytest.mark.asyncio
async def test_a_click_sets_row_and_column() -> None:
    app = TableApp(pinned=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(WideTable)
        x = line(table, 0).index("metric2") + 1
        await pilot.click("#t", offset=(x, 4))
        await pilot.pause()
        assert table.cursor_column_key == "c2"
        assert table.cursor_row == 3


# -- numbers are never cut: a column only partly in view is blank ---------------------------------------------

VALUES = ["0.9583", "25", "226,802", "-1.5e-07", "12.5%", "7", "0.5"]


class MixedApp(App[None]):
    def __init__(self, pinned: int) -> None:
        super().__init__()
        self.pinned = pinned

    def compose(self) -> ComposeResult:
        yield WideTable(id="t", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(WideTable)
        table.add_column("slice", key="c0")
        for i in range(1, N_COLS + 4):
            table.add_column(f"m{i}" + "x" * (i * 3 % 11), key=f"c{i}")
        for r in range(30):
            table.add_row(f"slice{r}", *[VALUES[(r + i) % len(VALUES)] for i in range(1, N_COLS + 4)], key=f"r{r}")
        table.pinned = self.pinned
        table.focus()


def assert_no_cut_column(table: WideTable) -> None:
    """Every non-pinned column's text on screen is its whole value (its header: its whole label) or blank."""
    columns = table.ordered_columns
    widths = [c.get_render_width(table) for c in columns]
    fixed = sum(widths[: table.fixed_columns])
    edge = table.scrollable_content_region.width
    scroll_x = round(table.scroll_x)
    top = round(table.scroll_y)
    height = table.scrollable_content_region.height
    for index in range(table.fixed_columns, len(columns)):
        left = sum(widths[:index]) - scroll_x
        right = left + widths[index]
        lo, hi = max(left, fixed), min(right, edge)
        if lo >= hi:
            continue
        key = columns[index].key
        for y in range(height):
            want = str(columns[index].label) if y == 0 else str(table.get_cell_at(Coordinate(top + y - 1, index)))
            seen = line(table, y)[lo:hi].strip()
            assert seen in ("", want), (key.value, y, seen, want, table.cursor_column_key, scroll_x)
            if seen:  # its text whole: the cell padding may be cut
                pad = table.cell_padding
                assert left + pad >= fixed and right - pad <= edge, (key.value, "drawn but not whole")
        if index == table.cursor_column:
            assert line(table, 0)[lo:hi].strip(), "the current column is shown"


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pinned", [0, 1])
async def test_l_through_every_column_never_shows_part_of_a_number(size: tuple[int, int], pinned: int) -> None:
    """A number cut by an edge reads as another one ("583" or "0.0" for "0.9583"): such a column is blank."""
    app = MixedApp(pinned)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.query_one(WideTable)
        assert_no_cut_column(table)
        for _ in range(N_COLS + 3):
            await pilot.press("l")
            await pilot.pause()
            assert_no_cut_column(table)
        for _ in range(N_COLS + 3):
            await pilot.press("h")
            await pilot.pause()
            assert_no_cut_column(table)


@pytest.mark.asyncio
async def test_a_current_column_wider_than_the_view_is_cut_with_an_ellipsis_a_number_never() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(WideTable)
        table.clear(columns=True)
        table.add_column("name", key="c0")
        table.add_column("text", key="c1")
        table.add_column("number", key="c2")
        table.add_row("a", "w" * 120, "9" * 100, key="r0")
        table.pinned = 1
        await pilot.pause()
        assert "w" not in line(table, 1)  # not whole in view, not current: blank
        await pilot.press("l")
        await pilot.pause()
        edge = table.scrollable_content_region.width
        row = line(table, 1)[:edge]
        assert row.startswith(" a ") and "www" in row and row.rstrip().endswith("w…")
        await pilot.press("l")
        await pilot.pause()
        assert table.cursor_column_key == "c2"
        assert line(table, 1)[:edge].split() == ["a", "…"]  # never some of its digits
        assert line(table, 0)[:edge].split() == ["name", "number"]
