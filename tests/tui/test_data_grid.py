"""Tests for the virtual DataGrid widget (wit_tui.tui.widgets.data_grid).

The grid is driven over 1,000,000 synthetic rows generated on the fly; the
tests count how many rows were ever requested to prove that only the visible
rows are fetched.
"""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from wit_tui.tui.widgets.data_grid import DataGrid, GridColumn

N_ROWS = 1_000_000

COLUMNS = [
    GridColumn("id", "ID", 8, "right"),
    GridColumn("name", "Name", 10),
    GridColumn("score", "Score", 7, "right"),
]

# Wider than the 80-column terminal, so horizontal scrolling is possible.
WIDE_COLUMNS = COLUMNS + [GridColumn(f"c{i}", f"Col{i}", 12) for i in range(6)]


class RowSource:
    """Synthetic row generator that records every get_rows call."""

    def __init__(self, n_cols: int = 3, tag: str = "name") -> None:
        self.n_cols = n_cols
        self.tag = tag
        self.calls: list[tuple[int, int]] = []

    @property
    def rows_requested(self) -> int:
        return sum(stop - start for start, stop in self.calls)

    def __call__(self, start: int, stop: int) -> list[list[str | Text]]:
        self.calls.append((start, stop))
        rows: list[list[str | Text]] = []
        for i in range(start, stop):
            row: list[str | Text] = [str(i), f"{self.tag}{i}", f"{i % 997}.5"]
            row += [f"r{i}c{c}" for c in range(3, self.n_cols)]
            rows.append(row)
        return rows


class GridApp(App[None]):
    """Minimal host app that records the grid's messages."""

    def __init__(
        self,
        n_rows: int = N_ROWS,
        columns: list[GridColumn] | None = None,
        source: RowSource | None = None,
    ) -> None:
        super().__init__()
        self.n_rows = n_rows
        self.grid_columns = columns if columns is not None else COLUMNS
        self.source = source if source is not None else RowSource(len(self.grid_columns))
        self.highlighted: list[int] = []
        self.selected: list[int] = []
        self.pinned: int | None = None

    def compose(self) -> ComposeResult:
        yield DataGrid(id="grid")

    def on_mount(self) -> None:
        grid = self.query_one(DataGrid)
        grid.set_source(self.grid_columns, self.n_rows, self.source, pinned=self.pinned)
        grid.focus()

    def on_data_grid_row_highlighted(self, message: DataGrid.RowHighlighted) -> None:
        assert message.grid is self.query_one(DataGrid)
        self.highlighted.append(message.row)

    def on_data_grid_row_selected(self, message: DataGrid.RowSelected) -> None:
        self.selected.append(message.row)


def screen_lines(grid: DataGrid) -> list[str]:
    """Plain text of every content line of the grid as it would be drawn."""
    return [grid.render_line(y).text for y in range(grid.scrollable_content_region.height)]


def body_height(grid: DataGrid) -> int:
    return grid.scrollable_content_region.height - 1


def assert_cursor_visible(grid: DataGrid) -> None:
    top = round(grid.scroll_y)
    assert top <= grid.cursor_row < top + body_height(grid)


def test_key_aliases_are_bound() -> None:
    """vi / VisiData / less-style aliases map to the same actions as the keys."""
    actions: dict[str, str] = {}
    for binding in DataGrid.BINDINGS:
        assert not isinstance(binding, tuple)
        for key in binding.key.split(","):
            actions[key.strip()] = binding.action
    pairs = [
        ("up", "k"),
        ("down", "j"),
        ("pageup", "ctrl+b"),
        ("pagedown", "ctrl+f"),
        ("home", "g"),
        ("end", "G"),
        ("left", "h"),
        ("right", "l"),
    ]
    for key, alias in pairs:
        assert actions[key] == actions[alias], (key, alias)
    assert "enter" in actions


@pytest.mark.asyncio
async def test_keys_move_cursor_and_only_visible_rows_are_fetched() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        assert grid.n_rows == N_ROWS
        assert grid.virtual_size.height == N_ROWS + 1
        assert grid.virtual_size.width == 8 + 10 + 7 + 2
        assert grid.cursor_row == 0
        assert app.highlighted == [0]  # posted by set_source
        page = body_height(grid)
        assert page == 23  # 24 lines minus the header

        await pilot.press("down")
        assert grid.cursor_row == 1

        await pilot.press("pagedown")
        assert grid.cursor_row == 1 + page
        assert_cursor_visible(grid)

        await pilot.press("G")
        assert grid.cursor_row == N_ROWS - 1
        assert round(grid.scroll_y) == grid.max_scroll_y
        assert_cursor_visible(grid)
        lines = screen_lines(grid)
        assert "999999" in lines[-1] and "name999999" in lines[-1]
        assert "ID" in lines[0] and "Name" in lines[0]

        await pilot.press("g")
        assert grid.cursor_row == 0
        assert round(grid.scroll_y) == 0

        await pilot.press("end")
        assert grid.cursor_row == N_ROWS - 1

        await pilot.press("up")
        assert grid.cursor_row == N_ROWS - 2

        await pilot.pause()  # let the last messages reach the app
        assert app.highlighted == [0, 1, 1 + page, N_ROWS - 1, 0, N_ROWS - 1, N_ROWS - 2]
        # Virtualisation: only a few pages were ever requested, in blocks.
        assert app.source.rows_requested < 200
        assert len(app.source.calls) < 10
        assert all(0 <= start < stop <= N_ROWS for start, stop in app.source.calls)


@pytest.mark.asyncio
async def test_rendered_screen_shows_visible_rows() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        lines = screen_lines(grid)
        # Header: right-justified ID, left-justified name, one space between.
        assert lines[0].startswith("      ID Name         Score")
        for y in range(1, 24):
            row = y - 1
            assert lines[y].startswith(f"{row:>8} name{row:<6} ")
        # The real screen (not just render_line) shows the same cells.
        svg = app.export_screenshot()
        assert "name0" in svg and "name22" in svg
        assert "name23" not in svg

        grid.action_cursor_page_down()
        grid.action_cursor_page_down()
        await pilot.pause()
        lines = screen_lines(grid)
        top = round(grid.scroll_y)
        assert top == 46
        assert grid.cursor_row == 46
        assert lines[0].startswith("      ID Name")  # header stays put
        assert lines[1].startswith(f"{top:>8} name{top}")
        assert "name46" in app.export_screenshot()


@pytest.mark.asyncio
async def test_cells_are_truncated_with_ellipsis_and_text_is_supported() -> None:
    def get_rows(start: int, stop: int) -> list[list[str | Text]]:
        return [["x" * 50, Text("styled-long-value", style="bold red"), "a\nb"] for _ in range(start, stop)]

    app = GridApp(n_rows=3)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        grid.set_source(COLUMNS, 3, get_rows)
        await pilot.pause()
        line = grid.render_line(1)
        assert line.text.startswith("xxxxxxx… styled-lo… ")
        # Newlines inside a cell never break the one-line-per-row layout.
        assert "\n" not in line.text
        assert "a␊b" in line.text  # a line break in a value is shown as its symbol, on the one line
        assert line.cell_length == grid.size.width
        # The Text cell keeps its own style.
        assert any(seg.text.startswith("styled") and seg.style is not None and seg.style.bold for seg in line)


@pytest.mark.asyncio
async def test_right_scrolls_horizontally_header_included() -> None:
    app = GridApp(columns=WIDE_COLUMNS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        assert grid.virtual_size.width > 80
        assert "Col5" not in screen_lines(grid)[0]
        await pilot.press("shift+right")  # the last column: scrolled into view, whole
        assert grid.cursor_column_key == "c5"
        assert round(grid.scroll_x) > 0
        after = screen_lines(grid)
        assert "Col5" in after[0] and "r0c8" in after[1]
        await pilot.press("shift+left", "left")  # the second one stays on the first column
        assert grid.cursor_column_key == "id"
        assert round(grid.scroll_x) == 0
        assert grid.cursor_row == 0
        # A horizontal scrollbar is shown, but the last row still fits above it.
        grid.action_cursor_bottom()
        await pilot.pause()
        assert_cursor_visible(grid)
        assert f"name{N_ROWS - 1}" in screen_lines(grid)[-1]


@pytest.mark.asyncio
async def test_enter_selects_and_click_moves_cursor() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        cursor_bg = grid.get_component_rich_style("datagrid--cursor").bgcolor

        def line_backgrounds() -> list[object]:
            # render_lines goes through Textual's per-widget line cache, so this
            # also checks that moving the cursor invalidates the right lines.
            strips = grid.render_lines(Region(0, 0, grid.size.width, 4))
            return [list(strip)[-1].style.bgcolor for strip in strips]  # the row's style (not the current cell's)

        assert [bg == cursor_bg for bg in line_backgrounds()] == [False, True, False, False]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == [1]
        assert [bg == cursor_bg for bg in line_backgrounds()] == [False, False, True, False]

        await pilot.click("#grid", offset=(3, 5))  # line 5 = row 4
        await pilot.pause()
        assert grid.cursor_row == 4
        assert app.highlighted[-1] == 4
        await pilot.click("#grid", offset=(3, 0))  # header: no change
        await pilot.pause()
        assert grid.cursor_row == 4


@pytest.mark.asyncio
async def test_empty_source_shows_header_and_no_rows() -> None:
    app = GridApp(n_rows=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        assert grid.n_rows == 0
        lines = screen_lines(grid)
        assert "ID" in lines[0] and "Score" in lines[0]
        assert lines[1].strip() == "no rows"
        assert all(not line.strip() for line in lines[2:])
        await pilot.press("down", "G", "enter")
        grid.action_cursor_page_down()
        grid.action_cursor_top()
        grid.action_cursor_up()
        grid.action_column_step(1)
        grid.action_copy("table")
        grid.move_cursor(10)
        assert grid.cursor_row == 0
        await pilot.pause()
        assert app.highlighted == []
        assert app.selected == []
        assert app.source.calls == []
        await pilot.resize_terminal(30, 5)
        assert grid.render_line(1).text.strip() == "no rows"


@pytest.mark.asyncio
async def test_set_source_keep_cursor() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        grid.move_cursor(500)
        await pilot.pause()
        assert grid.cursor_row == 500
        scroll_before = round(grid.scroll_y)

        other = RowSource(tag="other")
        grid.set_source(COLUMNS, 1000, other, keep_cursor=True)
        await pilot.pause()
        assert grid.cursor_row == 500
        assert round(grid.scroll_y) == scroll_before
        assert app.highlighted[-1] == 500
        assert f"other{scroll_before}" in grid.render_line(1).text  # cache cleared

        grid.set_source(COLUMNS, 100, other, keep_cursor=True)  # clamps
        await pilot.pause()
        assert grid.cursor_row == 99
        assert_cursor_visible(grid)
        assert app.highlighted[-1] == 99

        grid.set_source(COLUMNS, N_ROWS, RowSource())  # default: back to top
        await pilot.pause()
        assert grid.cursor_row == 0
        assert round(grid.scroll_y) == 0
        assert app.highlighted[-1] == 0


@pytest.mark.asyncio
async def test_move_cursor_clamps_and_refresh_rows_redraws() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        grid.move_cursor(123_456)
        await pilot.pause()
        assert grid.cursor_row == 123_456
        assert_cursor_visible(grid)
        assert "name123456" in "".join(screen_lines(grid))
        grid.move_cursor(10**9)
        assert grid.cursor_row == N_ROWS - 1
        grid.move_cursor(-5)
        assert grid.cursor_row == 0
        await pilot.pause()
        assert app.highlighted[-3:] == [123_456, N_ROWS - 1, 0]
        assert app.source.rows_requested < 1000

        # refresh_rows: same size, new data -> cache dropped, new text drawn.
        assert "name3" in grid.render_line(4).text
        app.source.tag = "new"
        assert "name3" in grid.render_line(4).text  # still cached
        grid.refresh_rows()
        await pilot.pause()
        assert "new3" in grid.render_line(4).text
        assert grid.cursor_row == 0


@pytest.mark.asyncio
async def test_resize_keeps_cursor_visible() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        grid.move_cursor(20)
        await pilot.pause()
        await pilot.resize_terminal(40, 8)
        assert grid.cursor_row == 20
        assert_cursor_visible(grid)
        await pilot.resize_terminal(10, 2)  # header only: must not crash
        grid.action_cursor_down()
        grid.action_cursor_page_down()
        await pilot.resize_terminal(120, 40)
        assert_cursor_visible(grid)
        assert f"name{grid.cursor_row}" in "".join(screen_lines(grid))


@pytest.mark.asyncio
@pytest.mark.parametrize("n_rows", [3, 100])  # 100 rows: a vertical scrollbar takes the last 2 cells
async def test_a_column_cut_by_the_right_edge_is_not_drawn(n_rows: int) -> None:
    """A partly visible number would read as another one ("0.99" for "0.993"): the cut column is blank."""
    columns = [GridColumn("id", "ID", 8, "right"), GridColumn("a", "A", 60), GridColumn("score", "Score", 7, "right")]

    def get_rows(start: int, stop: int) -> list[list[str | Text]]:
        return [[str(i), "x" * 60, "0.99312"] for i in range(start, stop)]

    app = GridApp(n_rows=n_rows, columns=columns)
    async with app.run_test(size=(74, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        grid.set_source(columns, n_rows, get_rows)
        await pilot.pause()
        shown = grid.scrollable_content_region.width
        assert 70 < shown < 77  # the Score column (cells 70..76) is cut by the edge
        header, row = grid.render_line(0).text[:shown], grid.render_line(1).text[:shown]
        assert row[70:].strip() == "" and "0.9" not in row
        assert header[70:].strip() == ""
        # scrolled so that it fits, it is drawn whole
        grid.scroll_to(x=8, animate=False, force=True)
        await pilot.pause()
        assert "0.99312" in grid.render_line(1).text
        # a column wider than the view is blank, but drawn (cut with "…") when it is the current one
        wide = [GridColumn("id", "ID", 8, "right"), GridColumn("a", "A", 200), GridColumn("n", "N", 100, "right")]
        grid.set_source(wide, n_rows, lambda start, stop: [[str(i), "y" * 200, "9" * 100] for i in range(start, stop)])
        await pilot.pause()
        assert "y" not in grid.render_line(1).text
        await pilot.press("l")
        assert grid.cursor_column_key == "a" and round(grid.scroll_x) == 9
        line = grid.render_line(1).text[:shown]
        assert line.startswith("yyyy") and line.rstrip().endswith("y…")
        await pilot.press("l")  # a number that cannot fit is "…" alone, never some of its digits
        assert grid.cursor_column_key == "n"
        assert grid.render_line(1).text[:shown].strip() == "…" and grid.render_line(0).text.strip() == "N"


# -- the table keys: column cursor, pinned columns, resize, hide, copy ----------------------------------------

MANY = [GridColumn("id", "#", 6, "right"), GridColumn("label", "label", 8)] + [
    GridColumn(f"f{i}", f"feat{i}", 10) for i in range(12)
]


def many_rows(start: int, stop: int) -> list[list[str | Text]]:
    return [[str(i), f"lab{i}", *[f"v{i}_{c}" for c in range(12)]] for i in range(start, stop)]


class ManyApp(GridApp):
    def __init__(self, n_rows: int = 50) -> None:
        super().__init__(n_rows=n_rows, columns=MANY, source=many_rows)  # type: ignore[arg-type]
        self.pinned = 2
        self.columns_seen: list[str | None] = []

    def on_data_grid_column_highlighted(self, message: DataGrid.ColumnHighlighted) -> None:
        self.columns_seen.append(message.key)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_l_crosses_14_columns_one_per_press_with_pinned_columns_shown(size: tuple[int, int]) -> None:
    app = ManyApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        for i in range(1, len(MANY)):
            await pilot.press("l")
            assert grid.cursor_column == i and grid.cursor_column_key == MANY[i].key
            await pilot.pause()
            lines = screen_lines(grid)
            assert lines[0].startswith("     # label")  # pinned
            assert MANY[i].label in lines[0]  # current column whole
            assert lines[1].startswith("     0 lab0")
        assert "v0_11" in screen_lines(grid)[1]
        await pilot.press("shift+left")
        assert grid.cursor_column_key == "id"
        await pilot.press("shift+right")
        assert grid.cursor_column_key == "f11"
        await pilot.pause()
        assert app.columns_seen[-1] == "f11"
        assert grid.move_to_column("f3") and grid.cursor_column_key == "f3"


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_resize_and_hide_survive_set_source(size: tuple[int, int]) -> None:
    app = ManyApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        await pilot.press("l", "l")
        assert grid.cursor_column_key == "f0"
        await pilot.press("greater_than_sign")
        assert grid.shown_columns[2].width == 12
        await pilot.press(*["less_than_sign"] * 8)
        assert grid.shown_columns[2].width == 3
        await pilot.press("z")
        await pilot.pause()
        assert grid.hidden_columns == ("f0",)
        assert "feat0" not in screen_lines(grid)[0] and grid.cursor_column_key == "f1"
        grid.set_source(MANY, 50, many_rows, keep_cursor=True)  # a re-sort
        await pilot.pause()
        assert grid.hidden_columns == ("f0",) and grid.cursor_column_key == "f1"
        await pilot.press("Z")
        await pilot.pause()
        assert grid.hidden_columns == ()
        assert grid.shown_columns[2].width == 3  # the width chosen stays


@pytest.mark.asyncio
async def test_y_copies_cell_row_and_table_as_tsv_and_refuses_a_huge_table() -> None:
    app = ManyApp(n_rows=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "l", "y")
        assert app.clipboard == "lab1"
        await pilot.press("Y")
        header = "\t".join(c.label for c in MANY)
        assert app.clipboard == header + "\n" + "\t".join(["1", "lab1", *[f"v1_{c}" for c in range(12)]]) + "\n"
        await pilot.press("ctrl+y")
        assert app.clipboard.splitlines()[0] == header and len(app.clipboard.splitlines()) == 4
    big = ManyApp(n_rows=20_000)
    async with big.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert big.clipboard == ""
        assert any("20,000 rows" in str(n.message) for n in big._notifications)


@pytest.mark.asyncio
async def test_copy_under_tmux_writes_the_wrapped_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    app = ManyApp(n_rows=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        written: list[str] = []
        monkeypatch.setenv("TMUX", "/tmp/tmux-1/default,1,0")
        monkeypatch.setattr(app._driver, "write", written.append)
        await pilot.press("l", "y")
        assert "\x1bPtmux;\x1b\x1b]52;c;bGFiMA==\a\x1b\\" in written  # "lab0"


@pytest.mark.asyncio
async def test_a_number_wider_than_its_column_is_shown_whole() -> None:
    columns = [GridColumn("id", "ID", 3, "right"), GridColumn("name", "Name", 4), GridColumn("s", "S", 4, "right")]

    def rows(start: int, stop: int) -> list[list[str | Text]]:
        return [["123456", "abcdefgh", "0.993123"] for _ in range(start, stop)]

    app = GridApp(n_rows=5, columns=columns)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        grid.set_source(columns, 5, rows)
        await pilot.pause()
        text = screen_lines(grid)[1]
        assert "123456" in text and "0.993123" in text and "abc…" in text


# -- numbers are never cut: a column only partly in view is blank ---------------------------------------------

MIXED = [GridColumn("id", "#", 4, "right")] + [
    GridColumn(f"n{i}", f"n{i}", 4 + (i * 5) % 9, "right" if i % 3 else "left") for i in range(16)
]


def mixed_value(row: int, column: int) -> str:
    return ["0.9583", "25", "226,802", "-1.5e-07", "12.5%", "7"][(row + column) % 6]


def mixed_rows(start: int, stop: int) -> list[list[str | Text]]:
    return [[str(r), *[mixed_value(r, c) for c in range(16)]] for r in range(start, stop)]


def assert_no_cut_column(grid: DataGrid, row_cells: list[list[str]]) -> None:
    """Every non-pinned column's text on screen is its whole value (its header: its whole label) or blank."""
    shown = grid.shown_columns
    pinned = min(grid.pinned, len(shown) - 1)  # no column is hidden here
    pinned_width = sum(c.width + 1 for c in shown[:pinned])
    edge = grid.scrollable_content_region.width
    scroll_x = round(grid.scroll_x)
    lines = screen_lines(grid)
    start = 0
    for index, column in enumerate(shown[pinned:], pinned):
        left, right = pinned_width + start - scroll_x, pinned_width + start - scroll_x + column.width
        start += column.width + 1
        lo, hi = max(left, pinned_width), min(right, edge)
        if lo >= hi:
            continue
        source = next(k for k, c in enumerate(MIXED) if c.key == column.key)
        expected = [column.label] + [cells[source] for cells in row_cells]
        for y, want in enumerate(expected[: len(lines)]):
            seen = lines[y][lo:hi].strip()
            assert seen in ("", want), (column.key, y, seen, want, grid.cursor_column_key, scroll_x)
            if seen:
                assert left >= pinned_width and right <= edge, (column.key, "drawn but not whole")
        if index == grid.cursor_column:
            assert lines[0][lo:hi].strip(), "the current column is shown"


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@pytest.mark.parametrize("pinned", [0, 1])
async def test_l_through_every_column_never_shows_part_of_a_number(size: tuple[int, int], pinned: int) -> None:
    """A number cut by an edge reads as another one ("583" or "0.9" for "0.9583"): such a column is blank."""
    app = GridApp(n_rows=40, columns=MIXED, source=mixed_rows)  # type: ignore[arg-type]
    app.pinned = pinned
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        grid = app.query_one(DataGrid)
        rows = [[str(r), *[mixed_value(r, c) for c in range(16)]] for r in range(size[1])]
        assert_no_cut_column(grid, rows)
        for _ in range(len(MIXED) - 1):
            await pilot.press("l")
            await pilot.pause()
            assert_no_cut_column(grid, rows)
        for _ in range(len(MIXED) - 1):
            await pilot.press("h")
            await pilot.pause()
            assert_no_cut_column(grid, rows)
