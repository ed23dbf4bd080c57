"""The text report on a narrow terminal: every number whole (rich elided them to ``0.5…``), names shortened at
most, no line wider than the terminal; and a fixed-width number keeps its sign and digits."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from tests.render.report_reading import expected_tables, read_tables, same_name
from wit_tui.engine.report import build_report
from wit_tui.render.format import fitted
from wit_tui.render.report import report_renderables
from wit_tui.render.stacked import Stacked, middle


@pytest.fixture(scope="module")
def adult_report(adult_session):
    return build_report(adult_session, slice_features=["sex", "race"])


def printed(renderables, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None, highlight=False)
    for r in renderables:
        console.print(r)
    return console.export_text()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_report_tables_show_every_number_whole_at_any_width(adult_report, width):
    text = printed(report_renderables(adult_report), width)
    assert max(len(line) for line in text.splitlines()) <= width
    expected = expected_tables(adult_report)
    found = read_tables(text, set(expected))
    assert set(found) == set(expected)
    for title, (headers, rows) in expected.items():
        table = found[title]
        assert list(table.columns) == headers[1:], title  # every column, its header whole, in order
        assert len(table.keys) == len(rows), title
        for k, row in enumerate(rows):
            assert same_name(table.keys[k], row[0]), (title, table.keys[k], row[0])
            for h, want in zip(headers[1:], row[1:], strict=True):
                assert table.columns[h][k] == want, (title, h, row[0])
    if width < 120:
        assert found[next(t for t in expected if t.startswith("Slices"))].parts > 1  # stacked, not squeezed


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(40, 140),
    names=st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=45), min_size=1, max_size=6),
    values=st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=14),
)
def test_a_stacked_table_never_cuts_a_number(width, names, values):
    """Any mix of long names and wide numbers: each number is printed whole once per row, and the lines fit."""
    table = Table(title="t", box=None, padding=(0, 1))
    table.add_column("name", no_wrap=True, overflow="ellipsis", max_width=40)
    for j in range(len(values)):
        table.add_column(f"metric_{j}", justify="right", no_wrap=True)
    cells = [[f"{v * (r + 1):,.4f}" for v in values] for r in range(len(names))]
    for name, row in zip(names, cells, strict=True):
        table.add_row(name, *row)
    text = printed([Stacked(table)], width)
    assert max(len(line) for line in text.splitlines()) <= width
    found = read_tables(text, {"t"})["t"]
    assert list(found.columns) == [f"metric_{j}" for j in range(len(values))]
    for r, row in enumerate(cells):
        assert [found.columns[f"metric_{j}"][r] for j in range(len(values))] == row
        assert same_name(found.keys[r], names[r])


@given(st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=60), st.integers(1, 50))
def test_a_name_shortened_in_the_middle_keeps_both_ends(name, width):
    shown = middle(name, width)
    assert cell_len(shown) <= width or shown == name
    assert shown == name or same_name(shown, name)


@given(st.floats(-999, 999, allow_nan=False))
def test_a_fixed_width_number_keeps_its_sign_and_digits(value):
    """A score or a margin in a 5-character column: never cut to ``-0.0…``; the sign and the value survive
    (rounded to what fits: at least two significant digits, or three decimals)."""
    shown = fitted(value, 5)
    assert "…" not in shown and len(shown) <= 5
    assert shown.startswith("-") == (value < 0)
    assert float(shown) == pytest.approx(value, rel=0.05, abs=0.0005)


@given(st.floats(-1e300, 1e300, allow_nan=False))
def test_a_number_too_wide_for_its_column_is_never_cut(value):
    shown = fitted(value, 5)
    assert "…" not in shown and shown.startswith("-") == (value < 0)
    assert float(shown) == pytest.approx(value, rel=0.5, abs=0.0005)


@pytest.mark.parametrize(
    ("value", "shown"), [(-0.0123, "-0.01"), (-1.234, "-1.23"), (0.1234, "0.123"), (-0.0004, "-4e-4"), (-123.4, "-123")]
)
def test_margins_read_with_their_sign(value, shown):
    assert fitted(value, 5) == shown
